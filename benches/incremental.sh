#!/usr/bin/env bash
# Incremental runs (`cluster --state DIR`): the time to add one batch of the newest
# documents to a state that holds many, against clustering everything again.
# A synthetic dated corpus (`tidings synth` from ntrex-dev, or the bundled sample
# without ../shared) of STATE + BATCH documents is cut by date: the oldest STATE
# documents make the state (one run), the newest BATCH are the batch.
# Usage: bash benches/incremental.sh [STATE] [BATCH]   (default: 1000000 10000)
# Corpora and states go to target/incremental/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/tidings
n_state=${1:-1000000}; n_batch=${2:-10000}
n=$((n_state + n_batch))
if [ -f ../shared/data/ntrex-dev.jsonl ]; then
  src=../shared/data/ntrex-dev.jsonl; gold=../shared/data/ntrex-dev.gold.tsv
else
  src=data/sample.jsonl; gold=data/sample.gold.tsv
fi
out=target/incremental; mkdir -p "$out"
corpus=$out/synth-$n.jsonl
[ -f "$corpus" ] || "$bin" synth "$src" --gold "$gold" --docs "$n" --seed 1 --out "$corpus" --out-gold "$out/synth-$n.gold.tsv" 2>/dev/null
# Cut by date: the newest n_batch documents are the batch.
if [ ! -f "$out/batch-$n_batch.jsonl" ] || [ ! -f "$out/state-$n_state.jsonl" ]; then
  python3 - "$corpus" "$n_batch" "$out/state-$n_state.jsonl" "$out/batch-$n_batch.jsonl" <<'PY'
import json, sys
path, k, old, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = open(path, encoding="utf-8").read().splitlines()
dates = sorted((json.loads(l).get("date") or "", i) for i, l in enumerate(lines))
newest = {i for _, i in dates[-k:]}
with open(old, "w", encoding="utf-8") as a, open(new, "w", encoding="utf-8") as b:
    for i, l in enumerate(lines):
        (b if i in newest else a).write(l + "\n")
PY
fi
rm -rf "$out/state"
timed() { /usr/bin/time -f "%e %M" -o "$out/time" "$@"; read -r wall rss < "$out/time"; }
timed "$bin" cluster "$out/state-$n_state.jsonl" --state "$out/state" -o /dev/null 2> "$out/first.stderr"
echo "state of $n_state documents (one run): ${wall} s, peak RSS $((rss / 1024)) MB" >&2
grep "state " "$out/first.stderr" >&2 || true
timed "$bin" cluster "$out/batch-$n_batch.jsonl" --state "$out/state" -o /dev/null 2> "$out/batch.stderr"
batch_wall=$wall; batch_rss=$rss
echo "batch of $n_batch documents into it: ${batch_wall} s ($(awk -v n="$n_batch" -v t="$batch_wall" 'BEGIN { printf "%.0f", n / t }') docs/s), peak RSS $((batch_rss / 1024)) MB" >&2
grep "state " "$out/batch.stderr" >&2 || true
du -sh "$out/state" >&2
timed "$bin" cluster "$corpus" -o /dev/null 2> "$out/oneshot.stderr"
echo "all $n documents in one run (what the batch spares): ${wall} s, peak RSS $((rss / 1024)) MB" >&2
