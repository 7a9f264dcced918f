"""pandas side of the Tabula benchmarks: python pandas_peer.py OP INPUT [OUTPUT].

OP: parse | apply | convert | filter_group | sort | join. An output name ending in .gz is
written gzip level 6 (pandas' own default would be 9).
"""
import os
import sys

import pandas as pd


def write(frame, path):
    compression = {"method": "gzip", "compresslevel": 6} if path.endswith(".gz") else None
    frame.to_csv(path, index=False, compression=compression)


def main(op, src, dst=None):
    if op == "parse":
        print(pd.read_csv(src).describe())
    elif op == "apply":
        df = pd.read_csv(src)
        df["amount"] = df["amount"] * 2
        df["user"] = df["user"].str.upper()
        write(df, dst)
    elif op == "convert":
        write(pd.read_csv(src), dst)
    elif op == "filter_group":
        df = pd.read_csv(src)
        print(df[df["flag"]].groupby("city").agg(amount_sum=("amount", "sum"), qty_mean=("qty", "mean")))
    elif op == "join":
        users = pd.read_csv(os.path.join(os.path.dirname(src), "users.csv"))
        write(pd.read_csv(src).merge(users, on="user", how="left"), dst)
    elif op == "sort":
        write(pd.read_csv(src).sort_values("amount", ascending=False), dst)
    else:
        sys.exit(f"unknown op {op}")


if __name__ == "__main__":
    main(*sys.argv[1:])
