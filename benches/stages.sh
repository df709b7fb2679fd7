#!/usr/bin/env bash
# The stage commands (furniture, analyze-batch, stats-merge, graph, stories) against
# `tidings cluster` on the crawl yardstick of ../shared/bench/crawl_corpus.py, on
# one machine: the input cut into SHARDS consecutive files, each stage run as a
# script would run it (shards one after another, each with every core).
#
# Usage: bash benches/stages.sh [N [SHARDS]]        (default: 50000 2)
# Prints each command's wall seconds and peak RSS, the stage pipeline's total
# beside cluster's, the size of each stage file in bytes per document, the time of
# a second run (every stage skipped by its marker: the inputs hashed again), and
# whether the outputs are byte-identical to cluster's. Corpora are made once into
# target/crawl/ and reused; the stage files go to target/stages/N-SHARDS/.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -f "$shared/bench/crawl_corpus.py" ] || { echo "error: $shared/bench/crawl_corpus.py is not there" >&2; exit 2; }
cargo build --release -q
bin=$PWD/target/release/tidings
n=${1:-50000}
k=${2:-2}
mkdir -p target/crawl
corpus=target/crawl/corpus-$n.jsonl
[ -s "$corpus" ] || python3 "$shared/bench/crawl_corpus.py" make "$corpus" "$n" "$shared"
w=target/stages/$n-$k
rm -rf "$w"
mkdir -p "$w"
lines=$(wc -l < "$corpus")
split -l $(((lines + k - 1) / k)) -d -a 2 --additional-suffix=.jsonl "$corpus" "$w/part-"
parts=("$w"/part-*.jsonl)
total=0
# run NAME COMMAND...: times one command (wall, peak RSS), its stderr to $w/stderr.
run() {
  local name=$1
  shift
  echo "== $name" >> "$w/stderr"
  /usr/bin/time -f "%e %M" -o "$w/time" "$@" 2>> "$w/stderr"
  read -r secs kb < "$w/time"
  printf '  %-26s %7.2f s  %6d MB peak RSS\n' "$name" "$secs" $((kb / 1024))
  total=$(python3 -c "print($total + $secs)")
}
stages() {
  total=0
  for i in "${!parts[@]}"; do
    run "furniture $i" "$bin" furniture "${parts[$i]}" --out "$w/$i.furniture"
  done
  run "stats-merge (furniture)" "$bin" stats-merge "$w"/[0-9]*.furniture --out "$w/all.furniture"
  for i in "${!parts[@]}"; do
    run "analyze-batch $i" "$bin" analyze-batch "${parts[$i]}" --furniture "$w/all.furniture" \
      --out "$w/$i.shard" --stats "$w/$i.stats"
  done
  run "stats-merge (stats)" "$bin" stats-merge "$w"/[0-9]*.stats --out "$w/all.stats"
  run graph "$bin" graph "$w"/[0-9]*.shard --stats "$w/all.stats" --out "$w/run.graph"
  run stories "$bin" stories --graph "$w/run.graph" "${parts[@]}" -o "$w/stages.jsonl" \
    --assignments "$w/stages.tsv" --rejects "$w/stages.rej"
  printf '  %-26s %7.2f s\n' "stages in all" "$total"
}
echo "N=$n, $k shards, load average $(cut -d' ' -f1-3 /proc/loadavg)"
total=0
run cluster "$bin" cluster "${parts[@]}" -o "$w/cluster.jsonl" --assignments "$w/cluster.tsv" \
  --rejects "$w/cluster.rej"
echo "stages, first run:"
stages
echo "stages, second run (each skipped by its marker):"
stages
for f in stories:jsonl assignments:tsv rejects:rej; do
  if cmp -s "$w/cluster.${f#*:}" "$w/stages.${f#*:}"; then
    echo "${f%%:*}: byte-identical to cluster"
  else
    echo "${f%%:*}: DIFFERENT from cluster" && exit 1
  fi
done
echo "stage files, bytes per document:"
for f in "$w"/0.furniture "$w"/all.furniture "$w"/0.shard "$w"/0.stats "$w"/all.stats "$w"/run.graph; do
  python3 - "$f" "$n" "$k" <<'EOF'
import os, sys
f, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = os.path.getsize(f)
# A shard's files hold its own documents; the merged ones and the graph all of them.
docs = n / k if os.path.basename(f)[0].isdigit() else n
print(f"  {os.path.basename(f):16} {size:12,d} bytes  {size / docs:8.1f} bytes/doc")
EOF
done
grep "^tidings: [0-9]" "$w/stderr" | tail -1
