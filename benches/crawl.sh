#!/usr/bin/env bash
# The speed yardstick (issue 10): tidings beside gaoya's MinHash-LSH on the crawl-like
# corpus of ../shared/bench/crawl_corpus.py (N undated ~300-word documents in 16
# languages, 30% with edited copies: one date window), timed back to back in one run.
#
# Usage: bash benches/crawl.sh [N ...]        (default: 50000)
# Prints, per N: gaoya's seconds, tidings' wall seconds, the ratio gaoya/tidings
# (>= 1.0 means tidings is at least as fast), tidings' docs/s, peak RSS and bytes of
# peak RSS per document, the CPU seconds (user + system) of each (gaoya's with its
# Python start-up, outside its own timer: how much work each does, whatever the
# cores), and tidings' own stage summary. Corpora are made once into
# target/crawl/ and reused; gaoya 0.2.2 runs in the venv target/crawl-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -f "$shared/bench/crawl_corpus.py" ] || { echo "error: $shared/bench/crawl_corpus.py is not there" >&2; exit 2; }
cargo build --release -q
bin=$PWD/target/release/tidings
venv=target/crawl-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import gaoya" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check gaoya==0.2.2
fi
mkdir -p target/crawl
[ $# -gt 0 ] || set -- 50000
for n in "$@"; do
  corpus=target/crawl/corpus-$n.jsonl
  [ -s "$corpus" ] || python3 "$shared/bench/crawl_corpus.py" make "$corpus" "$n" "$shared"
  g=$(/usr/bin/time -f "%U %S" -o target/crawl/gaoya-cpu-$n.txt \
    "$venv/bin/python" "$shared/bench/crawl_corpus.py" gaoya "$corpus" | sed -n 's/^gaoya_seconds=\([0-9.]*\).*/\1/p')
  /usr/bin/time -f "%e %M %U %S" -o target/crawl/time-$n.txt \
    "$bin" cluster "$corpus" -o /dev/null --assignments target/crawl/assign-$n.tsv 2> target/crawl/summary-$n.txt
  read -r wall rss_kb user sys < target/crawl/time-$n.txt
  read -r g_user g_sys < target/crawl/gaoya-cpu-$n.txt
  python3 - "$n" "$g" "$wall" "$rss_kb" "$user" "$sys" "$g_user" "$g_sys" <<'EOF'
import sys
n, g, wall, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
cpu, g_cpu = float(sys.argv[5]) + float(sys.argv[6]), float(sys.argv[7]) + float(sys.argv[8])
print(f"N={n}: gaoya {g:.1f} s, tidings {wall:.1f} s, ratio {g / wall:.2f}x, "
      f"{n / wall:,.0f} docs/s, peak RSS {rss / 1024:,.0f} MB ({rss * 1024 / n:,.0f} bytes/doc); "
      f"CPU seconds: gaoya {g_cpu:.1f}, tidings {cpu:.1f} ({cpu / g_cpu:.2f}x gaoya's)")
EOF
  grep "^tidings:" target/crawl/summary-$n.txt
done
