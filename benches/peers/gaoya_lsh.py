"""Near-duplicate peer: gaoya MinHash-LSH (Rust, called from Python).

gaoya's own analyzer: lowercased text split on ASCII whitespace and punctuation,
word 3-grams (the same shingles as common.shingles, which datasketch_lsh.py uses),
128 32-bit hashes, LSH with 32 bands x 4 rows; gaoya's query keeps the candidates
whose estimated Jaccard is >= 0.5; the connected components are the stories.
Shingling, hashing, insertion and queries all run in Rust, in gaoya's own threads
(rayon, all cores).

Usage: python gaoya_lsh.py INPUT.jsonl OUT.tsv
"""

import sys
import time

T0 = time.perf_counter()

from gaoya.minhash import MinHashStringIndex  # noqa: E402

from common import UnionFind, has_shingles, read_jsonl, report, write_assignments  # noqa: E402

BANDS, ROWS = 32, 4
JACCARD = 0.5


def main(input_path, out_path):
    load_s = time.perf_counter() - T0
    ids, texts = read_jsonl(input_path)
    t = time.perf_counter()
    index = MinHashStringIndex(hash_size=32, jaccard_threshold=JACCARD, num_bands=BANDS,
                               band_size=ROWS, analyzer="word", lowercase=True,
                               ngram_range=(3, 3), id_container="vec")
    # A text of fewer than 3 words has no shingles: its signature would match every
    # other such text, so it stays out of the index, alone.
    keep = [i for i, text in enumerate(texts) if has_shingles(text)]
    docs = [texts[i] for i in keep]
    index.par_bulk_insert_docs(keep, docs)
    hits = index.par_bulk_query(docs)
    uf = UnionFind(len(ids))
    n_linked = 0
    for i, found in zip(keep, hits):
        for j in found:
            if j != i:
                n_linked += 1
                uf.union(i, j)
    labels = uf.labels()
    work_s = time.perf_counter() - t
    write_assignments(out_path, ids, labels)
    report(tool="gaoya", n_docs=len(ids), load_s=round(load_s, 3), work_s=round(work_s, 3),
           num_perm=BANDS * ROWS, bands=BANDS, rows=ROWS, jaccard=JACCARD,
           linked_pairs=n_linked // 2, stories=len(set(labels)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(sys.argv[1], sys.argv[2])
