#!/usr/bin/env bash
# End-to-end figures for BENCHMARKS.md: quality (scored by `tidings eval`), docs/s and
# peak memory, on the bundled sample and, when ../shared is there, ntrex-dev and wmt21-dev.
# Usage: bash benches/run.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=target/release/tidings
run() { # name input gold [extra eval args]
  local name=$1 input=$2 gold=$3; shift 3
  echo "== $name $*"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin" eval --gold "$gold" "$input" "$@" 2>&1 \
    | grep -E "^tidings:|^level|^story|^article|cross-lingual|same-language|^wall"
}
run sample data/sample.jsonl data/sample.gold.tsv
if [ -d ../shared/data ]; then
  run ntrex-dev ../shared/data/ntrex-dev.jsonl ../shared/data/ntrex-dev.gold.tsv
  run wmt21-dev ../shared/data/wmt21-dev.jsonl ../shared/data/wmt21-dev.gold.tsv
else
  echo "../shared/data is not there: ntrex-dev and wmt21-dev skipped"
fi
