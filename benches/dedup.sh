#!/usr/bin/env bash
# `tidings dedup` (issue 12): `--level exact` throughput (docs/s, MB/s) on the
# crawl-like corpus of ../shared/bench/crawl_corpus.py, beside `cat > /dev/null` of
# the same file (what reading the bytes costs: the page cache once the file has been
# read, the disk before), and `--level story` on a smaller corpus of the same kind.
#
# Usage: bash benches/dedup.sh [N_EXACT [N_STORY]]      (default: 200000 50000)
# Prints a markdown table: wall and CPU seconds, docs/s and MB/s (input bytes as
# stored, over wall time), peak RSS, and the load average before the runs (the
# machine is shared: say it beside the figures). Each command runs once; the corpora
# are made once into target/crawl/ and reused (crawl.sh makes the same files).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -f "$shared/bench/crawl_corpus.py" ] || { echo "error: $shared/bench/crawl_corpus.py is not there" >&2; exit 2; }
n_exact=${1:-200000}
n_story=${2:-50000}
cargo build --release -q
bin=$PWD/target/release/tidings
out=target/crawl/dedup
mkdir -p "$out"
: > "$out/summaries.txt"
for n in "$n_exact" "$n_story"; do
  [ -s "target/crawl/corpus-$n.jsonl" ] || python3 "$shared/bench/crawl_corpus.py" make "target/crawl/corpus-$n.jsonl" "$n" "$shared"
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | docs | MB | wall s | CPU s | docs/s | MB/s | peak RSS MB | kept | dropped |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

# One row: LABEL N CORPUS COMMAND…; the command's stdout and stderr go to $out/last.txt.
row() {
  local label=$1 n=$2 corpus=$3
  shift 3
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" > "$out/last.txt" 2>&1
  local kept=- dropped=-
  if grep -q "^tidings: dedup" "$out/last.txt"; then
    grep "^tidings: dedup" "$out/last.txt" >> "$out/summaries.txt"
    kept=$(sed -n 's/.*: \([0-9]*\) kept, .*/\1/p' "$out/last.txt")
    dropped=$(sed -n 's/.* kept, \([0-9]*\) dropped, .*/\1/p' "$out/last.txt")
  fi
  python3 - "$label" "$n" "$(stat -c %s "$corpus")" "$kept" "$dropped" $(cat "$out/time.txt") <<'EOF'
import sys
label, n, size, kept, dropped = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
wall, user, sys_, rss = float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
wall = max(wall, 0.01)
print(f"| {label} | {n:,} | {size / 1e6:,.0f} | {wall:.2f} | {user + sys_:.2f} | {n / wall:,.0f} | "
      f"{size / 1e6 / wall:,.0f} | {rss / 1024:,.0f} | {kept} | {dropped} |")
EOF
}

exact=target/crawl/corpus-$n_exact.jsonl
story=target/crawl/corpus-$n_story.jsonl
row "\`cat > /dev/null\`" "$n_exact" "$exact" sh -c "cat '$exact' > /dev/null"
row "\`dedup --level exact\`" "$n_exact" "$exact" "$bin" dedup "$exact" --level exact --out "$out/kept-exact.jsonl" --dropped "$out/dropped-exact.jsonl"
row "\`cat > /dev/null\`" "$n_story" "$story" sh -c "cat '$story' > /dev/null"
row "\`dedup --level story\`" "$n_story" "$story" "$bin" dedup "$story" --level story --out "$out/kept-story.jsonl" --dropped "$out/dropped-story.jsonl"
echo
cat "$out/summaries.txt"
