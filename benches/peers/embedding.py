"""What the embedding peers (use_avglink.py, e5_avglink.py) share: embed every
document, then average-link agglomerative clustering on cosine distance, cut at a
distance threshold; the flat clusters are the stories.

Usage: python PEER.py INPUT.jsonl OUT.tsv [--threshold SIM] [--sweep SIM,SIM,...]

--threshold is the average-link cut as a cosine *similarity* (as tidings'
--threshold is): two groups merge while their mean pairwise cosine is >= SIM.
OUT.tsv is cut there. OUT.sim-SIM.tsv is also written for each value of --sweep
(default: the peer's grid around its cut; one embedding and one linkage serve them
all), so that benches/compare.sh can show how the score depends on the cut.
"""

import argparse
import os
import time

T0 = time.perf_counter()


def threads():
    """Worker threads: PEER_THREADS if set (benches/compare.sh sets it from
    COMPARE_THREADS), else every core this process may use."""
    return int(os.environ.get("PEER_THREADS") or len(os.sched_getaffinity(0)))


# numpy's BLAS and the OpenMP runtime read these once, when they are loaded.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads()))
os.environ.setdefault("OMP_NUM_THREADS", str(threads()))

import numpy as np  # noqa: E402
from scipy.cluster.hierarchy import fcluster, linkage  # noqa: E402
from scipy.spatial.distance import pdist  # noqa: E402

from common import read_jsonl, report, write_assignments  # noqa: E402


def average_link(vectors, sim):
    """Labels of the average-link clusters whose mean pairwise cosine >= sim."""
    if len(vectors) < 2:
        return list(range(len(vectors))), None
    dist = pdist(vectors.astype(np.float64), metric="cosine")
    np.clip(dist, 0.0, 2.0, out=dist)
    tree = linkage(dist, method="average")
    del dist
    return cut(tree, sim), tree


def cut(tree, sim):
    return list(fcluster(tree, t=1.0 - sim, criterion="distance"))


def run(tool, load_model, embed, default_sim, sweep, **settings):
    """load_model() -> model; embed(model, texts) -> (n, dim) float32, L2-normalized."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("out")
    parser.add_argument("--threshold", type=float, default=default_sim)
    parser.add_argument("--sweep", default=",".join(f"{s:g}" for s in sweep))
    args = parser.parse_args()

    model = load_model()
    load_s = time.perf_counter() - T0
    ids, texts = read_jsonl(args.input)
    t = time.perf_counter()
    vectors = np.asarray(embed(model, texts), dtype=np.float32)
    embed_s = time.perf_counter() - t
    t = time.perf_counter()
    labels, tree = average_link(vectors, args.threshold)
    cluster_s = time.perf_counter() - t
    write_assignments(args.out, ids, labels)
    for value in filter(None, args.sweep.split(",")):
        value = float(value)
        swept = cut(tree, value) if tree is not None else labels
        write_assignments(f"{args.out.removesuffix('.tsv')}.sim-{value:g}.tsv", ids, swept)
    report(tool=tool, n_docs=len(ids), load_s=round(load_s, 3), embed_s=round(embed_s, 3),
           cluster_s=round(cluster_s, 3), threshold=args.threshold, dim=int(vectors.shape[1]),
           threads=threads(), stories=len(set(labels)), **settings)
