#!/usr/bin/env python3
"""Draw the precision sample of a bundled lexicon: N random keys of
models/lexicons/{lang}.tsv.gz (alias lines resolved to their lemma's concepts),
with a fixed seed, as TSV `key  lemma_key  concepts` for a person to judge.

    python3 tools/lexicon/sample.py tur > tools/lexicon/precision/tur.tsv

The judge adds a column `ok` (1 if the top concept is a correct translation of
the word the key stands for, else 0) and a short note. BENCHMARKS.md reports the
sum per language.
"""
import gzip
import random
import sys

SEED = 20261124


def main():
    lang = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    entries, aliases = {}, {}
    with gzip.open(f"models/lexicons/{lang}.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            key, rest = line.rstrip("\n").split("\t", 1)
            if rest.startswith("="):
                aliases[key] = rest[1:]
            else:
                entries[key] = rest
    keys = sorted(entries) + sorted(aliases)
    rng = random.Random(SEED)
    print("key\tlemma_key\tconcepts\tok\tnote")
    for key in sorted(rng.sample(keys, n)):
        lemma = aliases.get(key, "")
        print(f"{key}\t{lemma}\t{entries[lemma or key]}\t\t")


if __name__ == "__main__":
    main()
