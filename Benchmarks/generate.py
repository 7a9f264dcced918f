#!/usr/bin/env python3
"""Deterministic benchmark data for Tabula.

    python3 Benchmarks/generate.py S|M|L [--out DIR] [--no-gzip]

writes DIR/SIZE.csv, DIR/SIZE.csv.gz (gzip level 6) and DIR/users.csv
(DIR defaults to Benchmarks/data). The same size always gives the same bytes:
one seeded generator, fixed chunking, gzip header without name or time. Rows are
made a chunk at a time, so S is the first 100 000 rows of M, and M the first
2 000 000 rows of L.

Columns: id, user, city, amount, qty, ts, flag, text
  id      1, 2, 3, ...
  user    one of 50 000 short lowercase names, some non-ASCII ("zoë", "józef")
  city    includes quoted commas ("Washington, D.C.") and doubled quotes
  amount  floats with 2 to 6 decimals, a few negative
  qty     int 1..40, about 3 % missing (empty field)
  ts      ISO-8601 local timestamps in 2026, e.g. 2026-03-01T12:34:56
  flag    true / false
  text    mostly empty, often a short phrase, sometimes a quoted multi-line value
          with a comma and, rarely, a doubled quote
users.csv: user,signup,tier with every name of the pool once, so joins on `user` match.

Python 3 standard library only.
"""

import argparse
import os
import random
import sys
import threading
import queue
import zlib

SIZES = {"S": 100_000, "M": 2_000_000, "L": 14_000_000}
SEED = 20260301
CHUNK_ROWS = 50_000
USER_POOL_SIZE = 50_000
HEADER = "id,user,city,amount,qty,ts,flag,text\n"

# --- pools -------------------------------------------------------------------

SYLLABLES = (
    "an ba be bo da de di do el fa fe fi ga ge go ha he hi ja jo ka ke ki ko la le li lo lu "
    "ma me mi mo na ne ni no ol pa pe pi ra re ri ro sa se si so ta te ti to va ve vi wa "
    "ya yo za ze zo ar er in on us ch sh th"
).split()
# Non-ASCII syllables, drawn for about one name in ten.
ACCENTED = "zoë jö bjø ré sé ñá çe mü ká łu ží ös år ði".split()
FAMOUS = ["zoë", "józef", "renée", "björn", "maría", "françois", "ana", "li", "søren", "chloé"]

# (CSV text as written, weight). Values needing quotes are pre-quoted.
CITIES = [
    ("Paris", 9), ("London", 9), ("Berlin", 8), ("Madrid", 6), ("Rome", 6), ("Tokyo", 7),
    ("Lagos", 5), ("Lima", 4), ("Oslo", 3), ("Chicago", 5), ("Toronto", 4), ("Sydney", 4),
    ("Seoul", 4), ("Mumbai", 5), ("Cairo", 3), ("Austin", 3), ("Boston", 3), ("Dublin", 3),
    ("São Paulo", 4), ("Zürich", 3), ("Kraków", 2), ("Montréal", 2), ("Reykjavík", 1),
    ("México", 3), ("New York", 6), ("Los Angeles", 4), ("Rio de Janeiro", 2),
    ('"Washington, D.C."', 3), ('"Portland, OR"', 2), ('"Portland, ME"', 1),
    ('"The ""Big"" Apple"', 2), ('"Frankfurt, am Main"', 1),
]

WORDS = (
    "late delivery box damaged customer called twice refund requested gift wrap please "
    "ring the bell leave at door fragile handle with care express order paid cash card "
    "discount applied loyal repeat first time new address moved back office closed on "
    "weekend call before noon after six missing item wrong size color blue red green "
    "café naïve señor"
).split()


def make_user_pool(rng):
    """50 000 distinct short lowercase names; the first few are real names."""
    seen = set()
    pool = []
    for name in FAMOUS:
        seen.add(name)
        pool.append(name)
    while len(pool) < USER_POOL_SIZE:
        parts = []
        for _ in range(2 + (rng.random() < 0.35)):
            if rng.random() < 0.1:
                parts.append(ACCENTED[int(rng.random() * len(ACCENTED))])
            else:
                parts.append(SYLLABLES[int(rng.random() * len(SYLLABLES))])
        name = "".join(parts)
        if rng.random() < 0.25:
            name += str(int(rng.random() * 100))
        if name not in seen:
            seen.add(name)
            pool.append(name)
    return pool


def make_text_pool(rng):
    """(values, cum_weights) for the text column, as written to CSV."""

    def phrase(lo, hi):
        n = lo + int(rng.random() * (hi - lo + 1))
        return " ".join(WORDS[int(rng.random() * len(WORDS))] for _ in range(n))

    plain = [phrase(2, 6) for _ in range(4096)]
    multiline = []
    for i in range(1024):
        value = phrase(2, 4) + ", " + phrase(1, 3) + "\n" + phrase(1, 4)
        if i % 16 == 0:
            value += ' "' + phrase(1, 1) + '"'
        if i % 32 == 1:
            value += "\r\n" + phrase(1, 2)  # a CRLF inside a quoted field, kept verbatim
        multiline.append('"' + value.replace('"', '""') + '"')
    values = [""] + plain + multiline
    # 55 % empty, 40 % a short phrase, 5 % a quoted multi-line value
    # (tuned so that M, 2 000 000 rows, is close to 144 MB)
    weights = [0.55 * 5120] + [0.40 * 5120 / 4096] * 4096 + [0.05 * 5120 / 1024] * 1024
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return values, cum


def cumulative(weights):
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


def make_dates():
    days_in_month = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # 2026 is not a leap year
    return [f"2026-{m + 1:02d}-{d + 1:02d}T" for m, n in enumerate(days_in_month) for d in range(n)]


TIMES = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
AMOUNT_FORMATS = [".2f", ".2f", ".3f", ".4f", ".5f", ".6f", ".2f"]
QTY_VALUES = [""] + [str(i) for i in range(1, 41)]
QTY_CUM = cumulative([3.0] + [97.0 / 40] * 40)

# --- rows --------------------------------------------------------------------


def chunk_text(rng, start, n, users, cities, city_cum, texts, text_cum, dates):
    """CSV text of rows start+1 ... start+n (ids), each line ending in \\n."""
    rnd = rng.random
    ids = map(str, range(start + 1, start + n + 1))
    user_col = rng.choices(users, k=n)
    city_col = rng.choices(cities, cum_weights=city_cum, k=n)
    fmts = AMOUNT_FORMATS
    amount_col = []
    append = amount_col.append
    for _ in range(n):
        v = rnd() * 1000.0
        f = fmts[int(v * 7919.0) % 7]
        if v < 20.0:
            v = -v  # refunds
        append(format(v, f))
    qty_col = rng.choices(QTY_VALUES, cum_weights=QTY_CUM, k=n)
    ndays = len(dates)
    ts_col = []
    append = ts_col.append
    for _ in range(n):
        sec = int(rnd() * ndays * 86400)
        append(dates[sec // 86400] + TIMES[sec % 86400])
    flag_col = rng.choices(("true", "false"), cum_weights=(45, 100), k=n)
    text_col = rng.choices(texts, cum_weights=text_cum, k=n)
    rows = map(",".join, zip(ids, user_col, city_col, amount_col, qty_col, ts_col, flag_col, text_col))
    return "\n".join(rows) + "\n"


class GzipWorker:
    """Compresses chunks on a second thread (zlib releases the GIL), level 6,
    one gzip member, header with no name and mtime 0 so the bytes are reproducible."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "wb")
        self.deflater = zlib.compressobj(6, zlib.DEFLATED, 31)
        self.queue = queue.Queue(maxsize=4)
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            while True:
                data = self.queue.get()
                if data is None:
                    break
                self.file.write(self.deflater.compress(data))
            self.file.write(self.deflater.flush())
            self.file.close()
        except BaseException as error:  # reported by close()
            self.error = error

    def put(self, data):
        self.queue.put(data)

    def close(self):
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error


def write_users(path, users):
    rng = random.Random(SEED + 1)
    tiers = ("free", "free", "free", "pro", "pro", "team")
    lines = ["user,signup,tier"]
    dates = make_dates()
    for name in users:
        day = int(rng.random() * 365)
        lines.append(f"{name},2025-{dates[day][5:10]},{tiers[int(rng.random() * 6)]}")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def generate(size, out_dir, gz=True, progress=True):
    rows = SIZES[size]
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(SEED)
    users = make_user_pool(rng)
    texts, text_cum = make_text_pool(rng)
    cities = [c for c, _ in CITIES]
    city_cum = cumulative([w for _, w in CITIES])
    dates = make_dates()

    write_users(os.path.join(out_dir, "users.csv"), users)

    csv_path = os.path.join(out_dir, f"{size}.csv")
    gz_path = csv_path + ".gz"
    csv_tmp, gz_tmp = csv_path + ".tmp", gz_path + ".tmp"
    worker = GzipWorker(gz_tmp) if gz else None
    written = 0
    with open(csv_tmp, "wb") as out:
        header = HEADER.encode()
        out.write(header)
        if worker:
            worker.put(header)
        done = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            data = chunk_text(rng, done, n, users, cities, city_cum, texts, text_cum, dates).encode("utf-8")
            out.write(data)
            if worker:
                worker.put(data)
            written += len(data)
            done += n
            if progress and sys.stderr.isatty():
                sys.stderr.write(f"\r{size}: {done:,}/{rows:,} rows")
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    if worker:
        worker.close()
        os.replace(gz_tmp, gz_path)
    os.replace(csv_tmp, csv_path)
    return csv_path, (gz_path if gz else None)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Write deterministic benchmark CSV files.")
    parser.add_argument("size", choices=sorted(SIZES), help="S = 100k rows, M = 2M rows (~144 MB), L = 14M rows (~1 GB)")
    parser.add_argument("--out", default=os.path.join(here, "data"), help="output folder (default Benchmarks/data)")
    parser.add_argument("--no-gzip", action="store_true", help="skip the .csv.gz copy")
    args = parser.parse_args()
    csv_path, gz_path = generate(args.size, args.out, gz=not args.no_gzip)
    for p in (csv_path, gz_path, os.path.join(args.out, "users.csv")):
        if p:
            print(f"{p}  {os.path.getsize(p):,} bytes")


if __name__ == "__main__":
    main()
