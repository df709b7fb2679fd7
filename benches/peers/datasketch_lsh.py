"""Near-duplicate peer: datasketch MinHash-LSH.

Word 3-gram shingles (common.shingles), 128 permutations, LSH with 32 bands x 4
rows; every candidate pair whose estimated Jaccard is >= 0.5 is linked, and the
connected components are the stories.

Usage: python datasketch_lsh.py INPUT.jsonl OUT.tsv
"""

import sys
import time

T0 = time.perf_counter()

from datasketch import MinHash, MinHashLSH  # noqa: E402

from common import UnionFind, read_jsonl, report, shingles, write_assignments  # noqa: E402

NUM_PERM = 128
BANDS, ROWS = 32, 4
JACCARD = 0.5


def main(input_path, out_path):
    load_s = time.perf_counter() - T0
    ids, texts = read_jsonl(input_path)
    t = time.perf_counter()
    sets = [[s.encode("utf-8") for s in shingles(text)] for text in texts]
    # MinHash.bulk hashes each document's shingles in one vectorized batch.
    sigs = MinHash.bulk(sets, num_perm=NUM_PERM)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    uf = UnionFind(len(ids))
    n_candidates = n_linked = 0
    for i, (sig, s) in enumerate(zip(sigs, sets)):
        if not s:  # no words: alone (an empty signature would match every other empty one)
            continue
        for j in lsh.query(sig):
            n_candidates += 1
            if sig.jaccard(sigs[j]) >= JACCARD:
                n_linked += 1
                uf.union(i, j)
        lsh.insert(i, sig, check_duplication=False)
    labels = uf.labels()
    work_s = time.perf_counter() - t
    write_assignments(out_path, ids, labels)
    report(tool="datasketch", n_docs=len(ids), load_s=round(load_s, 3), work_s=round(work_s, 3),
           num_perm=NUM_PERM, bands=BANDS, rows=ROWS, jaccard=JACCARD,
           candidate_pairs=n_candidates, linked_pairs=n_linked, stories=len(set(labels)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(sys.argv[1], sys.argv[2])
