"""What every peer of benches/compare.sh shares: reading the corpus, shingling,
union-find, and writing assignments the way `tidings cluster --assignments` does.

Each peer is run as `python PEER.py INPUT.jsonl OUT.tsv` and prints one JSON line
of timings on stdout (`load_s`, `work_s`, …); wall time and peak RSS are measured
outside, by /usr/bin/time, as for tidings.
"""

import gzip
import json
import re
import sys
import time

# A document is read as title + text, as tidings reads it.
def read_jsonl(path):
    """Yields (id, text) per record; a line that is not JSON or has no id is skipped
    with a note on stderr (tidings reports those as rejects)."""
    opener = gzip.open if path.endswith(".gz") else open
    ids, texts, seen = [], [], set()
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                doc_id = str(rec["id"])
            except (ValueError, KeyError, TypeError):
                print(f"{path}:{n}: skipped (not JSON or no id)", file=sys.stderr)
                continue
            if doc_id in seen:
                print(f"{path}:{n}: skipped (duplicate id {doc_id})", file=sys.stderr)
                continue
            seen.add(doc_id)
            title = rec.get("title") or ""
            text = rec.get("text") or ""
            ids.append(doc_id)
            texts.append(f"{title}\n{text}" if title else text)
    return ids, texts


# Words are split on ASCII whitespace and ASCII punctuation, exactly as gaoya's
# own analyzer splits them (gaoya::text::whitespace_split), so both MinHash peers
# hash the same shingles.
SPLIT = re.compile(r"[\t\n\f\r !-/:-@\[-`{-~]+")


def words(text):
    return [w for w in SPLIT.split(text.lower()) if w]


def has_shingles(text, n=3):
    """Whether the text has at least n words (cheap: splits only the first few)."""
    return sum(1 for w in SPLIT.split(text, maxsplit=n) if w) >= n


def shingles(text, n=3):
    """Word n-grams of the lowercased text. Scripts without spaces (Chinese,
    Japanese) give long runs as one word: that is what a plain MinHash setup does.
    A text of fewer than n words has none, and stays alone."""
    ws = words(text)
    return [" ".join(ws[i : i + n]) for i in range(len(ws) - n + 1)]


class UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index is the root, so labels do not depend on pair order
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def labels(self):
        return [self.find(i) for i in range(len(self.parent))]


def write_assignments(path, ids, labels):
    """TSV `id story article` with a header, one row per input document, as
    `tidings cluster --assignments` writes it. A peer has one level only, so the
    article is the story. Story names come from the first member's id."""
    first = {}
    for doc_id, label in zip(ids, labels):
        first.setdefault(label, doc_id)
    with open(path, "w", encoding="utf-8") as f:
        f.write("id\tstory\tarticle\n")
        for doc_id, label in zip(ids, labels):
            name = first[label]
            f.write(f"{doc_id}\ts-{name}\ts-{name}\n")


def report(**fields):
    """The peer's timings and settings, one JSON line on stdout."""
    print(json.dumps(fields, sort_keys=True))


class Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()

    def lap(self):
        now = time.perf_counter()
        dt, self.last = now - self.last, now
        return round(dt, 3)
