#!/usr/bin/env bash
# Scaling: time, peak memory and quality of `tidings eval` (cluster, then score) on
# synthetic corpora of growing size made by `tidings synth` from ntrex-dev (or, without
# ../shared, from the bundled sample), and the growth exponent b of time ~ N^b.
# Usage: bash benches/scale.sh [SIZES...]   (default: 10000 100000 1000000)
# Corpora go to target/scale/ (about 2.3 GB at 1M); a markdown table to stdout and
# target/scale/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=target/release/tidings
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
if [ -f ../shared/data/ntrex-dev.jsonl ]; then
  src=../shared/data/ntrex-dev.jsonl; gold=../shared/data/ntrex-dev.gold.tsv; name=ntrex-dev
else
  echo "../shared/data is not there: growing the bundled sample instead (a poor source: 79 lines)" >&2
  src=data/sample.jsonl; gold=data/sample.gold.tsv; name=sample
fi
out=target/scale; mkdir -p "$out"
rows=()
for n in "${sizes[@]}"; do
  corpus=$out/$name-$n.jsonl; cgold=$out/$name-$n.gold.tsv
  [ -f "$corpus" ] && [ -f "$cgold" ] || "$bin" synth "$src" --gold "$gold" --docs "$n" --seed 1 --out "$corpus" --out-gold "$cgold" 2>/dev/null
  # System CPU seconds and minor page faults too: the kernel zeroes each page a run
  # touches first, which on this machine has cost from 6% to 24% of the analysis's
  # samples at 1M from one hour to the next (BENCHMARKS.md, twenty-fifth round).
  /usr/bin/time -f "%e %M %S %R" -o "$out/$n.time" "$bin" eval --json --gold "$cgold" "$corpus" > "$out/$n.json" 2> "$out/$n.stderr"
  read -r wall rss sys faults < "$out/$n.time"
  q=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); s=r["story"]; print("%.3f %.3f %.3f %.3f %.3f" % (s["b_cubed"]["precision"], s["b_cubed"]["recall"], s["b_cubed"]["f1"], s["pairwise"]["f1"], r["story_pairs_by_lang"]["cross"]["recall"]))' "$out/$n.json")
  rows+=("$n $wall $rss $q")
  echo "N=$n wall=${wall}s peakRSS=$((rss / 1024))MB sys=${sys}s minor-faults=$faults quality(B3 P R F1, pair F1, cross-lingual R)=$q" >&2
done
{
  echo "| docs | wall | docs/s | peak RSS | story B³ P / R / F1 | pairwise F1 | cross-lingual recall |"
  echo "|---:|---:|---:|---:|---|---:|---:|"
  for r in "${rows[@]}"; do
    set -- $r
    printf "| %d | %.1f s | %.0f | %d MB | %s / %s / **%s** | %s | %s |\n" "$1" "$2" "$(awk -v n="$1" -v t="$2" 'BEGIN { print n / t }')" "$(($3 / 1024))" "$4" "$5" "$6" "$7" "$8"
  done
  if [ ${#rows[@]} -ge 2 ]; then
    python3 - "${rows[@]}" <<'PY'
import math, sys
rows = [r.split() for r in sys.argv[1:]]
(n0, t0, m0), (n1, t1, m1) = [(float(r[0]), float(r[1]), float(r[2])) for r in (rows[0], rows[-1])]
b = math.log(t1 / t0) / math.log(n1 / n0)
bm = math.log(m1 / m0) / math.log(n1 / n0)
print(f"\nGrowth from {int(n0):,} to {int(n1):,} documents: time ~ N^{b:.2f}, peak memory ~ N^{bm:.2f}.")
PY
  fi
} | tee "$out/RESULTS.md"
