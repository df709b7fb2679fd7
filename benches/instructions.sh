#!/usr/bin/env bash
# Analysis instructions a document (issue 10): `tidings analyze-batch` of the first N
# documents of the crawl yardstick on one thread under callgrind, whose instruction
# counts do not depend on the machine's load (wall times on this shared machine
# move by a third from one session to the next).
#
# Usage: bash benches/instructions.sh [N]     (default: 5000)
# Prints the total, the instructions a document, and the largest inclusive costs
# of the analysis. Needs the 50k yardstick corpus (bash benches/crawl.sh 50000) and
# valgrind. Two builds of one N compare by their totals; the analyzed stage file of
# each is kept (target/instructions/analyzed-N) to `cmp` their outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
corpus=target/crawl/corpus-50000.jsonl
[ -s "$corpus" ] || { echo "error: $corpus is not there: run bash benches/crawl.sh 50000 first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "error: valgrind is not installed" >&2; exit 2; }
cargo build --profile profiling -q -p tidings-cli
out=target/instructions
mkdir -p "$out"
head -n "$n" "$corpus" > "$out/corpus-$n.jsonl"
rm -f "$out/analyzed-$n" "$out/analyzed-$n.done"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind-$n.out" \
  target/profiling/tidings analyze-batch --threads 1 -o "$out/analyzed-$n" "$out/corpus-$n.jsonl" \
  2> "$out/valgrind-$n.log"
total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/valgrind-$n.log")
python3 - "$n" "$total" <<'EOF'
import sys
n, total = int(sys.argv[1]), int(sys.argv[2])
print(f"N={n}: {total / 1e6:,.1f} M instructions, {total / n / 1e6:.3f} M a document")
EOF
# The analysis's own parts, inclusive; callgrind also lists a function's code inlined
# into other files under its name, so only each name's largest line is kept.
callgrind_annotate --inclusive=yes "$out/callgrind-$n.out" 2>/dev/null \
  | grep -E ":tidings(_cli)?::[A-Za-z_:]*(lang::detect_lang|features_with|Words::get|analyze_word|analyze::tokenize|ranked_trigrams|detect_scored|scripts::detect_script|detect::lowercase|stem::stem|parse_line|stage::write)( \[|$)" \
  | grep -v "lang/detect.rs:tidings::lang::detect_lang" \
  | sed -E 's/ [^ ]*\.rs:/ /; s/ \[.*//' \
  | awk '!seen[$NF]++'
