#!/usr/bin/env bash
# Ray and Spark (issue 14): the wall time of tidings.ray.cluster and
# tidings.spark.cluster with 1 and 2 workers against `tidings cluster --threads N`,
# each output checked byte for byte against the CLI's, then the pickled size of
# every stage's values per document (a separate, slower run).
# Usage: bash benches/distributed.sh [CORPUS...]
#   Default: ../shared/data/ntrex-dev.jsonl and the crawl yardstick at 50k
#   (target/crawl/corpus-50000.jsonl, made by ../shared/bench/crawl_corpus.py).
# Needs the test venv (target/py-venv with ray==2.60.0, pyspark==4.3.0 and
# tidings installed: see .ci/run). One JSON line per run to stdout and to
# target/distributed/RESULTS.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
py=target/py-venv/bin/python
out=target/distributed; mkdir -p "$out"
corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
  [ -f target/crawl/corpus-50000.jsonl ] \
    || python3 ../shared/bench/crawl_corpus.py make target/crawl/corpus-50000.jsonl 50000 ../shared
  corpora=(../shared/data/ntrex-dev.jsonl target/crawl/corpus-50000.jsonl)
fi
: > "$out/RESULTS.jsonl"
for corpus in "${corpora[@]}"; do
  name=$(basename "$corpus" .jsonl)
  for workers in 1 2; do
    for kind in cli ray spark; do
      dir=$out/$name/$kind-$workers; mkdir -p "$dir"
      "$py" benches/distributed.py "$kind" "$workers" "$corpus" "$dir" | tee -a "$out/RESULTS.jsonl"
      for f in stories.jsonl assignments.tsv rejects.jsonl; do
        cmp -s "$dir/$f" "$out/$name/cli-1/$f" || { echo "error: $dir/$f differs from the CLI's" >&2; exit 1; }
      done
    done
  done
  dir=$out/$name/sizes; mkdir -p "$dir"
  "$py" benches/distributed.py ray 2 "$corpus" "$dir" --measure | tee -a "$out/RESULTS.jsonl"
done
