#!/usr/bin/env bash
# Fetches real crawl files that no one on the team wrote, for tests/warc.rs, into
# target/real-inputs/ (not committed): warcio 1.5.3's test/data (Apache-2.0;
# later warcio releases dropped these files), from PyPI with pip.
#
# Safe to run again: nothing is fetched twice. A failed download leaves nothing
# half-made, writes the reason to target/real-inputs/FETCH-FAILED and exits 1;
# the tests then say SKIPPED with that reason instead of failing (without the
# marker, CI fails them: the files must be there).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
dest="$root/target/real-inputs"
mkdir -p "$dest"
rm -f "$dest/FETCH-FAILED"
if [ -d "$dest/warcio-1.5.3/test/data" ]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" warcio==1.5.3 >"$tmp/log" 2>&1 \
  || ! tar -xzf "$tmp"/warcio-1.5.3.tar.gz -C "$tmp" warcio-1.5.3/test/data >>"$tmp/log" 2>&1; then
  { echo "pip download warcio==1.5.3 failed:"; tail -n 5 "$tmp/log"; } >"$dest/FETCH-FAILED"
  cat "$dest/FETCH-FAILED" >&2
  exit 1
fi
mv "$tmp/warcio-1.5.3" "$dest/"
echo "real inputs in $dest/warcio-1.5.3/test/data"
