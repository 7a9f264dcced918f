"""polars side of the Tabula benchmarks: python polars_peer.py OP INPUT [OUTPUT].

OP: parse | apply | apply_stream | convert | convert_stream | filter_group | sort | join,
or apply_many INPUT_DIR OUTPUT_DIR (every *.csv in INPUT_DIR, one after the other).
An output name ending in .gz is written gzip level 6. Exit 3 means "this polars
cannot do that" (the harness reports it as skipped, not failed).
"""
import glob
import os
import sys

import polars as pl


def write_options(path):
    return {"compression": "gzip", "compression_level": 6} if path.endswith(".gz") else {}


def transform(frame):
    return frame.with_columns(pl.col("amount") * 2, pl.col("user").str.to_uppercase())


def main(op, src, dst=None):
    if op == "parse":
        print(pl.read_csv(src).describe())
    elif op == "apply":
        transform(pl.read_csv(src)).write_csv(dst, **write_options(dst))
    elif op == "apply_stream":
        transform(pl.scan_csv(src)).sink_csv(dst, **write_options(dst))
    elif op == "convert":
        pl.read_csv(src).write_csv(dst, **write_options(dst))
    elif op == "convert_stream":
        pl.scan_csv(src).sink_csv(dst, **write_options(dst))
    elif op == "filter_group":
        print(
            pl.scan_csv(src)
            .filter(pl.col("flag"))
            .group_by("city")
            .agg(pl.col("amount").sum().alias("amount_sum"), pl.col("qty").mean().alias("qty_mean"))
            .sort("city")
            .collect()
        )
    elif op == "apply_many":
        for path in sorted(glob.glob(os.path.join(src, "*.csv"))):
            transform(pl.read_csv(path)).write_csv(os.path.join(dst, os.path.basename(path)))
    elif op == "join":
        users = pl.read_csv(os.path.join(os.path.dirname(src), "users.csv"))
        pl.read_csv(src).join(users, on="user", how="left").write_csv(dst, **write_options(dst))
    elif op == "sort":
        pl.read_csv(src).sort("amount", descending=True).write_csv(dst, **write_options(dst))
    else:
        sys.exit(f"unknown op {op}")


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except (TypeError, NotImplementedError, pl.exceptions.InvalidOperationError) as error:
        print(f"unsupported: {error}", file=sys.stderr)
        sys.exit(3)
