#!/usr/bin/env bash
# Start-up cost (issue 10): a tiny run is almost all fixed cost, the binary and the
# lexicons of the languages it sees. Times `tidings cluster` on three tiny corpora,
# best of 5 (wall seconds) and the largest peak RSS of the 5 runs:
#   5 docs  one each in Mandarin, Japanese, German, Russian and Finnish
#   6 docs  the same and Hungarian (the six languages of the issue)
#   1 doc   English, which has no lexicon: the floor (binary, detection, writers)
#
# Usage: bash benches/startup.sh [BIN]   (default: builds and times target/release/tidings)
# The corpora are written to target/startup/ (short texts of our own, with no `lang`
# field: detection runs as in a real run). The machine is shared: best of 5.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  bin=$(readlink -f "$1")
else
  cargo build --release -q
  bin=$PWD/target/release/tidings
fi
dir=target/startup
mkdir -p "$dir"

cmn='{"id": "cmn", "title": "中国央行宣布下调存款准备金率", "text": "中国人民银行星期五宣布，将金融机构存款准备金率下调零点五个百分点，以支持经济增长。分析人士认为，这一措施将向市场释放大约一万亿元的长期资金。"}'
jpn='{"id": "jpn", "title": "東京で大雨、交通機関に乱れ", "text": "東京都内では月曜日の朝から激しい雨が降り、多くの電車が運転を見合わせた。気象庁は、土砂災害に警戒するよう呼びかけている。"}'
deu='{"id": "deu", "title": "Bundesregierung beschließt neues Klimapaket", "text": "Die Bundesregierung hat am Mittwoch ein neues Gesetz zum Klimaschutz beschlossen. Die Regierung will den Ausstoß von Kohlendioxid bis zum Jahr 2030 deutlich senken und die erneuerbaren Energien stärker fördern."}'
rus='{"id": "rus", "title": "В Москве открылась международная выставка", "text": "В столице России во вторник открылась международная промышленная выставка. В ней участвуют более тысячи компаний из сорока стран, сообщили организаторы."}'
fin='{"id": "fin", "title": "Hallitus esittää uutta energiaveroa", "text": "Suomen hallitus ilmoitti torstaina aikovansa korottaa sähkön veroa ensi vuoden alusta. Opposition mukaan päätös nostaa kotitalouksien kustannuksia talven aikana."}'
hun='{"id": "hun", "title": "Új hidat adtak át a Dunán", "text": "Pénteken átadták a forgalomnak az új Duna-hidat, amely a város két részét köti össze. A beruházás több mint két évig tartott, és a kormány finanszírozta."}'
eng='{"id": "eng", "title": "Central bank leaves interest rates unchanged", "text": "The central bank kept its key interest rate unchanged on Thursday, saying that inflation had slowed for a third month but remained above its target."}'
printf '%s\n' "$cmn" "$jpn" "$deu" "$rus" "$fin" > "$dir/five.jsonl"
printf '%s\n' "$cmn" "$jpn" "$deu" "$rus" "$fin" "$hun" > "$dir/six.jsonl"
printf '%s\n' "$eng" > "$dir/one-eng.jsonl"

echo "binary: $bin ($(stat -c %s "$bin") bytes)"
for name in five six one-eng; do
  best="" rss=0
  for _ in 1 2 3 4 5; do
    # Wall time to the millisecond (`time -f %e` rounds to 10 ms); `time` for the RSS.
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$dir/rss.txt" \
      "$bin" cluster "$dir/$name.jsonl" -o /dev/null 2> "$dir/$name.log"
    ms=$((($(date +%s%N) - start) / 1000000))
    kb=$(tail -n 1 "$dir/rss.txt")
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  printf '%-8s best wall %d.%03d s, peak RSS %d MB   (%s)\n' "$name" $((best / 1000)) $((best % 1000)) \
    $((rss / 1024)) "$(grep -o 'languages: [^;]*' "$dir/$name.log")"
done
