"""DuckDB side of the Tabula benchmarks: python duckdb_peer.py OP INPUT [OUTPUT].

OP: parse | apply | convert | filter_group | sort | join. Reads with read_csv (type
sniffing on), writes with COPY ... TO; an output name ending in .gz gets
COMPRESSION gzip (DuckDB picks the level).
"""
import os
import sys

import duckdb


def lit(path):
    return "'" + path.replace("'", "''") + "'"


def copy(query, path):
    options = "HEADER, DELIMITER ','" + (", COMPRESSION gzip" if path.endswith(".gz") else "")
    duckdb.sql(f"COPY ({query}) TO {lit(path)} ({options})")


def main(op, src, dst=None):
    table = f"read_csv({lit(src)})"
    if op == "parse":
        for row in duckdb.sql(f"SUMMARIZE SELECT * FROM {table}").fetchall():
            print(row)
    elif op == "apply":
        copy(f'SELECT * REPLACE (amount * 2 AS amount, upper("user") AS "user") FROM {table}', dst)
    elif op == "convert":
        copy(f"SELECT * FROM {table}", dst)
    elif op == "filter_group":
        query = f"SELECT city, sum(amount), avg(qty) FROM {table} WHERE flag GROUP BY city ORDER BY city"
        for row in duckdb.sql(query).fetchall():
            print(row)
    elif op == "join":
        users = lit(os.path.join(os.path.dirname(src), "users.csv"))
        copy(f"SELECT * FROM {table} AS s LEFT JOIN read_csv({users}) AS u USING (\"user\")", dst)
    elif op == "sort":
        copy(f"SELECT * FROM {table} ORDER BY amount DESC", dst)
    else:
        sys.exit(f"unknown op {op}")


if __name__ == "__main__":
    main(*sys.argv[1:])
