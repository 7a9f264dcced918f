#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/corpus/seeds/<target>/ (git-ignored).

Seeds come from SampleData/ and ../shared/conformance/ (CSV and gzip cases), plus a few
hand-written JSON Lines and expression inputs. Each target's input starts with configuration
bytes (see Tests/TabulaTests/Fuzz/FuzzTargets.swift); the seeds use the plain configuration
and a few variants, so the fuzzer starts from every dialect.
"""
import csv
import gzip
import hashlib
import io
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "Fuzz", "corpus", "seeds")
conformance = os.path.join(os.path.dirname(root), "shared", "conformance")
sample = os.path.join(root, "SampleData")
MAX = 4096  # libFuzzer's default -max_len: larger seeds are cut anyway


def put(target, data):
    d = os.path.join(out_root, target)
    os.makedirs(d, exist_ok=True)
    data = bytes(data)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def files(folder, suffixes):
    for base, _, names in os.walk(folder):
        for n in sorted(names):
            if n.endswith(suffixes):
                yield os.path.join(base, n)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# CSV texts: SampleData (plain and decompressed) and every conformance case.
csv_texts = []
for p in files(sample, (".csv", ".tsv")):
    csv_texts.append((p, read(p)[:MAX]))
for p in files(sample, (".gz",)):
    csv_texts.append((p, gzip.decompress(read(p))[:MAX]))
if os.path.isdir(conformance):
    for p in files(os.path.join(conformance, "csv"), (".csv",)):
        csv_texts.append((p, read(p)[:MAX]))
else:
    print("make-seeds: ../shared/conformance is missing; seeding from SampleData only", file=sys.stderr)

# csv: flags, sizes, more + text. Tab files get the tab delimiter (flags bit pattern 2).
for path, text in csv_texts:
    delim = 2 if path.endswith(".tsv") else 0
    put("csv", [delim, 0x00, 0x00] + list(text))
    put("csv", [delim | 8 | 32, 0x31, 0x8A] + list(text))  # comments, ragged pad, NA nulls
    put("csv", [delim | 16 | 64, 0xF2, 0x05] + list(text))  # no header, replace UTF-8

# roundtrip: flags, column count + NUL-separated cells (header first).
for path, text in csv_texts:
    try:
        rows = list(csv.reader(io.StringIO(text.decode("utf-8", "replace")),
                               delimiter="\t" if path.endswith(".tsv") else ","))
    except csv.Error:
        continue
    rows = [r for r in rows if r]
    if not rows:
        continue
    width = min(len(rows[0]), 5)
    cells = []
    for r in rows:
        r = (r + [""] * width)[:width]
        cells += [c.encode() if c != "" else b"\xff" for c in r]
    put("roundtrip", [len(csv_texts) % 64 & 0x3F, width - 1] + list(b"\x00".join(cells)[:MAX]))

# gzip: sizes, writer settings + gzip data (SampleData and every conformance case, bad ones too).
gz = list(files(sample, (".gz",)))
if os.path.isdir(conformance):
    gz += list(files(os.path.join(conformance, "gzip"), (".gz",)))
for p in gz:
    put("gzip", [0x00, 0x05] + list(read(p)[:MAX]))
    put("gzip", [0x73, 0x38] + list(read(p)[:MAX]))
for _, text in csv_texts[:8]:
    put("gzip", [0x21, 0x17] + list(gzip.compress(text[:2000], mtime=0)))

# jsonl: sizes, flags + JSON Lines (SampleData rows as objects, and hand-written edge cases).
for path, text in csv_texts[:6]:
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8", "replace")),
                               delimiter="\t" if path.endswith(".tsv") else ","))
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:40])
    put("jsonl", [0x00, 0x00] + list(lines.encode()[:MAX]))
for text in [
    '{"a":1,"b":2.5,"c":true,"d":"x","e":null}\n{"a":-3,"b":1e10,"c":false,"d":"y\\n\\"z\\"","e":[1,{"f":2}]}\n',
    '{"t":"2024-01-05"}\n\n{"t":"2024-01-06T10:00:00Z","u":"\\u00e9\\ud83d\\ude00"}\r\n{}\n',
    '{"x":{"y":[1,2,[3,{}]]},"s":"tab\\there"}\n{"x":"late","n":12345678901234567890123}\n',
    '{"a":1}\n{"b":2}\n{"a":"3","b":null}\n',
    '{"a": 1 , "a": 2}\n[1,2]\n',
]:
    put("jsonl", [0x00, 0x00] + list(text.encode()))
    put("jsonl", [0x31, 0x00] + list(text.encode()))

# expression: every operator and function at least once, assignments and errors.
for text in [
    "amount * 2", "total = round(qty * unit_price * 1.2, 2)", "user = upper(user)", "i + 1",
    "i * 2 - d / 3 % 4", "-i", "not b and (i > 1 or d <= 2.5)", "i == 1 != false", "s is null",
    "s is not null", "coalesce(s, 'none')", "if(b, i, d)", "upper(s)", "lower(s)", "trim(s)", "len(s)",
    "substr(s, 1, 2)", "replace(s, 'a', 'b')", "contains(s, 'a')", "starts_with(s, \"x\")",
    "round(d, 1)", "abs(i)", "floor(d)", "ceil(d)", "min(i, d)", "max(i, 2)", "log(d)", "exp(d)",
    "sqrt(d)", "to_int(n)", "to_float(n)", "to_string(i)", "`odd name` + 1", "x = `odd name` * i",
    "t > '2024-01-01'", "s + 'x'", "1e308 * 10", "9223372036854775807 + 1", "i / 0", "i % 0",
    "'unterminated", "(((i)))", "i >= 1 and i < 10", "n = to_int(n) * -9223372036854775808",
]:
    put("expression", text.encode())

for t in sorted(os.listdir(out_root)):
    print(f"{t}: {len(os.listdir(os.path.join(out_root, t)))} seeds")
