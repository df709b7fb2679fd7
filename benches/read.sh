#!/usr/bin/env bash
# Reading speed: MB/s (as stored) and docs/s of the reader alone (no analysis) on
# the same documents as plain JSONL, zstd JSONL, gzip JSONL and a WET file (gzip per
# record, as Common Crawl ships them). The corpus is `tidings synth` grown from the
# bundled sample (N documents, default 200000), made once under target/read-bench/.
# Each format is read 3 times; the best run is printed. Prints a markdown table:
# MB/s as stored (compressed bytes for compressed files) and text MB/s (the
# documents' text, the same in every format).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
out=target/read-bench
mkdir -p "$out"
cargo build --release -q -p tidings-cli -p tidings-bench --bin tidings --bin read-speed
bin=target/release
jsonl="$out/synth-$n.jsonl"
if [ ! -f "$jsonl" ]; then
  "$bin/tidings" synth data/sample.jsonl --gold data/sample.gold.tsv --docs "$n" --seed 1 \
    --out "$jsonl" --out-gold "$out/synth-$n.gold.tsv" 2>/dev/null
fi
[ -f "$jsonl.zst" ] || zstd -q -3 "$jsonl" -o "$jsonl.zst"
[ -f "$jsonl.gz" ] || gzip -k -6 "$jsonl"
wet="$out/synth-$n.warc.wet.gz"
if [ ! -f "$wet" ]; then
  # One WET conversion record per document, each its own gzip member.
  python3 - "$jsonl" "$wet" <<'PY'
import gzip, json, sys, uuid
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f, open(dst, "wb") as out:
    for i, line in enumerate(f):
        d = json.loads(line)
        body = d["text"].encode("utf-8")
        head = (
            "WARC/1.0\r\nWARC-Type: conversion\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=i)}>\r\n"
            f"WARC-Target-URI: https://news.example/{d['id']}\r\n"
            f"WARC-Date: {d.get('date') or '2026-05-07'}T00:00:00Z\r\n"
            "Content-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.write(gzip.compress(head + body + b"\r\n\r\n", 6))
PY
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| input | size MB | docs | best s | MB/s as stored | text MB/s | docs/s |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in "$jsonl" "$jsonl.zst" "$jsonl.gz" "$wet"; do
  best=""
  for _ in 1 2 3; do
    line=$("$bin/read-speed" "$f")
    s=$(cut -f1 <<<"$line")
    if [ -z "$best" ] || awk -v a="$s" -v b="$(cut -f1 <<<"$best")" 'BEGIN { exit !(a < b) }'; then best="$line"; fi
  done
  IFS=$'\t' read -r s docs rej bytes mbs dps text <<<"$best"
  printf "| %s | %.1f | %s | %s | %s | %.1f | %s |\n" "$(basename "$f")" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" \
    "$docs" "$s" "$mbs" "$(awk -v t="$text" -v s="$s" 'BEGIN { print t / 1e6 / s }')" "$dps"
done
