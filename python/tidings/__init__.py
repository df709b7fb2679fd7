"""tidings: tells which news articles, in any language, are the same story.

A batch of news documents in any mix of languages goes in; one story per
real-world event comes out, each split into articles (an original write-up and
its exact copies, near-duplicates and translations), every document with its
variant kind. The engine is the Rust crate behind the ``tidings`` command line;
this package runs the same engine in-process.

>>> import tidings
>>> result = tidings.cluster([
...     {"id": "a", "text": "Bolivia awaits the ruling of the International Court of Justice on access to the Pacific Ocean, expected on 1 October after five years."},
...     {"id": "b", "text": "Bolivia awaits the ruling of the International Court of Justice on its access to the Pacific Ocean, due on 1 October after five years of deliberation."},
...     {"id": "c", "text": "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation in services and wages."},
... ])
>>> [(a["id"], a["story"]) for a in result.assignments]
[('a', 's-a'), ('b', 's-a'), ('c', 's-c')]

The whole run is :func:`cluster`; :func:`eval` scores a clustering against gold
labels. The run's stages are functions too (:func:`analyze`, :func:`assemble`,
:func:`corpus_stats`, :func:`vectorize`, :func:`graph`, :func:`stories`,
:func:`articles`), each returning a value that pickles, so a stage can run in
another process or on another machine. :class:`Engine` holds one set of settings
for several calls. ``python -m tidings`` is the command line.

:mod:`tidings.ray` and :mod:`tidings.spark` run the stages as tasks on a
cluster, cut into parts that merge into the whole (:mod:`tidings.distributed`),
and write what ``tidings cluster`` writes, byte for byte.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional, Sequence, Union

from . import _tidings
from ._tidings import (
    Analyzed,
    ArticlesPart,
    Clustering,
    Copies,
    Corpus,
    CorpusStats,
    Furniture,
    FurnitureCounts,
    Graph,
    StoryLabels,
    Vectors,
)

__version__: str = _tidings.__version__

__all__ = [
    "Analyzed",
    "ArticlesPart",
    "Copies",
    "Corpus",
    "CorpusStats",
    "Engine",
    "Furniture",
    "FurnitureCounts",
    "Graph",
    "Result",
    "StoryLabels",
    "Vectors",
    "add_sentences",
    "analyze",
    "articles",
    "assemble",
    "cluster",
    "corpus_stats",
    "defaults",
    "eval",
    "furniture",
    "graph",
    "main",
    "merge_stats",
    "stories",
    "vectorize",
]

PathLike = Union[str, "os.PathLike[str]"]

# The columns of a story record, in the order `tidings cluster` writes them; a
# column is None where the JSON line leaves the key out (no dates, no sources).
STORY_COLUMNS = (
    "story",
    "size",
    "languages",
    "representative",
    "headline",
    "date_start",
    "date_end",
    "sources",
    "note",
    "articles",
)
ASSIGNMENT_COLUMNS = ("id", "story", "article", "variant")


def defaults() -> dict:
    """The engine's default for each setting that :class:`Engine` and the
    functions take (the defaults of ``tidings cluster``'s flags)."""
    return _tidings.defaults()


# --- documents in ---------------------------------------------------------


def _records(docs: Any) -> Iterable[Any]:
    """The records of `docs`: a pandas or polars DataFrame or a pyarrow Table or
    RecordBatch as dicts, row by row; any other iterable as it is. The libraries
    are never imported here: a table is told by its type's module."""
    if isinstance(docs, (str, bytes, Mapping)):
        raise ValueError(
            "docs must be an iterable of dicts (or a DataFrame or Arrow table), "
            f"not a single {type(docs).__name__}"
        )
    module = type(docs).__module__.split(".")[0]
    if module == "pandas" and hasattr(docs, "to_dict"):
        return docs.to_dict("records")
    if module == "polars" and hasattr(docs, "iter_rows"):
        return docs.iter_rows(named=True)
    if module == "pyarrow" and hasattr(docs, "to_pylist"):
        return docs.to_pylist()
    if not isinstance(docs, Iterable):
        raise ValueError(
            f"docs must be an iterable of dicts (or a DataFrame or Arrow table), not {type(docs).__name__}"
        )
    return docs


def _missing(v: Any) -> bool:
    """True for the values tables use for a missing cell: NaN, pandas' NaT and NA."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    return type(v).__name__ in ("NaTType", "NAType")


def _json_default(v: Any) -> Any:
    """JSON for the values a table cell may hold beyond JSON's own: dates and
    times as ISO 8601 (which the engine's date parser reads), numpy scalars as
    Python numbers."""
    if _missing(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item") and callable(v.item):  # numpy scalars
        return v.item()
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    raise TypeError(f"a {type(v).__name__} is not a string, number or date")


def _json_lines(docs: Any) -> Iterator[str]:
    """One JSON line per record, as the engine's JSONL reader reads them: the same
    rules for ids, dates and language codes as `tidings cluster` on a file."""
    for i, record in enumerate(_records(docs)):
        if not isinstance(record, Mapping):
            raise ValueError(
                f"docs[{i}]: a record must be a dict with at least 'id' and 'text', not a {type(record).__name__}"
            )
        clean = {k: (None if _missing(v) else v) for k, v in record.items()}
        try:
            yield json.dumps(clean, ensure_ascii=False, allow_nan=False, default=_json_default)
        except (TypeError, ValueError) as e:
            raise ValueError(f"docs[{i}]: {e}") from None


def _warn(notes: Sequence[tuple]) -> None:
    """Warnings for the records that were kept but repaired or lack a field."""
    for kind, count, examples in notes:
        warnings.warn(
            f"tidings: {count} record{'s' if count != 1 else ''}: {kind} (first: {'; '.join(examples)})",
            UserWarning,
            stacklevel=3,
        )


# --- the result -----------------------------------------------------------


class Result:
    """The result of a run: stories with their articles and variants, one
    assignment per document, and the records that could not be read.

    Attributes are computed on first use from the engine's result
    (:attr:`clustering`, which pickles).
    """

    def __init__(self, clustering: Clustering):
        self.clustering = clustering

    @property
    def assignments(self) -> list[dict]:
        """One dict per document, sorted by id: ``id``, ``story``, ``article``
        (the rows of ``tidings cluster --assignments``) and ``variant``
        (``original``, ``independent``, ``exact``, ``near_duplicate`` or
        ``translation``)."""
        if "_assignments" not in self.__dict__:
            self._assignments = [
                dict(zip(ASSIGNMENT_COLUMNS, row)) for row in self.clustering.assignments()
            ]
        return self._assignments

    @property
    def stories(self) -> list[dict]:
        """One dict per story, largest first: the records ``tidings cluster``
        writes as JSON lines (``story``, ``size``, ``languages``,
        ``representative``, ``headline``, ``date_start``/``date_end`` when known,
        ``sources``, ``articles`` with their ``members``)."""
        if "_stories" not in self.__dict__:
            self._stories = [json.loads(line) for line in self.stories_jsonl().splitlines()]
        return self._stories

    @property
    def rejects(self) -> list[dict]:
        """The records that could not become documents (with ``on_error="skip"``):
        ``source`` (``docs[i]`` for the i-th record), ``id`` when readable, ``reason``."""
        return json.loads(self.clustering.rejects_json())

    @property
    def stats(self) -> dict:
        """Counts and timings of the run (documents read, stories, copies
        collapsed, languages, seconds per stage)."""
        return json.loads(self.clustering.stats_json())

    def stories_jsonl(self) -> bytes:
        """The stories exactly as ``tidings cluster`` writes them (JSONL)."""
        return self.clustering.stories_jsonl()

    def assignments_tsv(self) -> bytes:
        """The assignments exactly as ``tidings cluster --assignments`` writes them (TSV)."""
        return self.clustering.assignments_tsv()

    def to_arrow(self, what: str = "assignments") -> Any:
        """The assignments (or, with ``what="stories"``, the stories) as a
        ``pyarrow.Table``; needs pyarrow. A story's ``articles`` column holds
        its articles as nested lists and structs."""
        import pyarrow as pa

        columns = self._columns(what)
        rows = self.assignments if what == "assignments" else self.stories
        return pa.table({c: [r.get(c) for r in rows] for c in columns})

    def to_pandas(self, what: str = "assignments") -> Any:
        """The assignments (or, with ``what="stories"``, the stories) as a
        ``pandas.DataFrame``; needs pandas."""
        import pandas as pd

        columns = self._columns(what)
        rows = self.assignments if what == "assignments" else self.stories
        return pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=list(columns))

    @staticmethod
    def _columns(what: str) -> Sequence[str]:
        if what == "assignments":
            return ASSIGNMENT_COLUMNS
        if what == "stories":
            return STORY_COLUMNS
        raise ValueError(f'what must be "assignments" or "stories", not {what!r}')

    def __len__(self) -> int:
        return len(self.clustering)

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<tidings.Result: {len(self)} documents, {s['n_stories']} stories "
            f"({s['n_multi']} with more than one document), {len(self.rejects)} rejects>"
        )

    def __getstate__(self) -> dict:
        # Only the engine's value: the lists are made again from it.
        return {"clustering": self.clustering}

    def __setstate__(self, state: dict) -> None:
        self.clustering = state["clustering"]


# --- the engine -----------------------------------------------------------


class Engine:
    """The engine with one set of settings, for several calls.

    Every setting is optional (unset: the engine's default, see :func:`defaults`)
    and is the ``tidings cluster`` flag of the same name:

    - ``threshold`` (float): average-link cut for stories (mean pairwise cosine);
    - ``attach`` (float): how similar a small group left apart must be to join
      the larger story its neighbours lie in (0 = never);
    - ``cohesion`` (float): two groups of several documents merge into one story
      only if they are at least this many times as similar to each other as the
      looser one is inside (0 = no such check);
    - ``article_threshold`` (float): average-link cut for articles in a story,
      between documents of one language;
    - ``translation_threshold`` (float): the same between documents of two
      languages whose words the lexicons all know (lower the fewer they know);
    - ``article_floor`` (float): two groups holding documents of one language
      are one article only if those documents are at least this alike;
    - ``keep`` (str): which document represents each story and article:
      ``"central"`` (the medoid), ``"earliest"``, ``"longest"`` or ``"first"``
      (ties: earliest date, then smallest id);
    - ``max_days`` (int): documents dated more than this many days apart never
      share a story (0 = no limit);
    - ``k`` (int): neighbours per document in the kNN graph;
    - ``index`` (str): ``"auto"``, ``"sparse"``, ``"exact"`` or ``"hnsw"``;
    - ``threads`` (int): worker threads (default: all cores);
    - ``models`` (path): read lexicons from this folder instead of the bundled ones;
    - ``id_field``, ``text_field``, ``title_field``, ``date_field``,
      ``lang_field``, ``url_field`` (str): the record keys holding each field,
      dotted paths into nested dicts (``"meta.published"``);
    - ``on_error``: ``"raise"`` (default: a record that cannot be a document
      raises ``ValueError`` naming it, e.g. ``docs[3]: missing "id"``) or
      ``"skip"`` (it is left out and listed in the result's ``rejects``).

    An unknown setting raises ``TypeError``; a value out of range ``ValueError``.
    The engine pickles as its settings.
    """

    def __init__(self, **settings: Any):
        self._settings = dict(settings)
        self._engine = _tidings.Engine(**settings)

    def __reduce__(self) -> tuple:
        return (_engine_of, (self._settings,))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._settings.items())
        return f"tidings.Engine({args})"

    def cluster(self, docs: Any) -> Result:
        """Clusters documents into stories: see :func:`cluster`."""
        clustering, notes = self._engine.cluster(_json_lines(docs))
        _warn(notes)
        return Result(clustering)

    def furniture(self, docs: Any) -> FurnitureCounts:
        """Stage 0: page furniture counts of documents: see :func:`furniture`."""
        return self._engine.furniture(_json_lines(docs))

    def analyze(self, docs: Any, furniture: Optional[Furniture] = None) -> Analyzed:
        """Stage 1: analyzes documents (any batch or shard): see :func:`analyze`."""
        shard, notes = self._engine.analyze(_json_lines(docs), furniture)
        _warn(notes)
        return shard

    def assemble(self, *shards: Analyzed) -> Corpus:
        """Analyzed shards into one corpus: see :func:`assemble`."""
        return self._engine.assemble(list(shards))

    def corpus_stats(self, corpus: Corpus) -> CorpusStats:
        """Stage 2: the statistics of a corpus or shard: see :func:`corpus_stats`."""
        return self._engine.corpus_stats(corpus)

    def vectorize(self, corpus: Corpus, stats: CorpusStats) -> Vectors:
        """Stage 3: tf-idf vectors: see :func:`vectorize`."""
        return self._engine.vectorize(corpus, stats)

    def graph(self, vectors: Vectors) -> Graph:
        """Stage 4: the kNN graph: see :func:`graph`."""
        return self._engine.graph(vectors)

    def stories(self, vectors: Vectors, graph: Graph) -> StoryLabels:
        """Stage 5: the story of each document: see :func:`stories`."""
        return self._engine.stories(vectors, graph)

    def articles(self, vectors: Vectors, graph: Graph, labels: StoryLabels) -> Result:
        """Stage 6: articles and variants, and the result: see :func:`articles`."""
        return Result(self._engine.articles(vectors, graph, labels))

    def add_sentences(
        self, result: Result, docs: Any, furniture: Optional[Furniture] = None
    ) -> Result:
        """After the stages: what each member adds, sentence by sentence: see
        :func:`add_sentences`."""
        return Result(self._engine.add_sentences(result.clustering, _json_lines(docs), furniture))


def _engine_of(settings: dict) -> Engine:
    """Unpickles an :class:`Engine` from its settings."""
    return Engine(**settings)


# --- the functions ----------------------------------------------------------


def cluster(docs: Any, **settings: Any) -> Result:
    """Clusters news documents into stories, as ``tidings cluster`` does.

    ``docs``: an iterable of dicts with ``id`` and ``text`` and optionally
    ``title``, ``date`` (ISO 8601, RFC 2822, ``May 7, 2026``, epoch seconds or
    milliseconds, or a ``datetime``/``date``), ``lang`` (ISO 639-1 or -3; detected
    when absent), ``url`` and ``source``; or a pandas or polars DataFrame or a
    pyarrow Table with those columns. Field names other than these: the
    ``*_field`` settings. ``settings``: those of :class:`Engine`.

    Returns a :class:`Result` (``.assignments``, ``.stories``, ``.rejects``,
    ``.to_arrow()``, ``.to_pandas()``). The same documents give the same result
    as ``tidings cluster`` on a JSONL file of them, whatever their order and the
    thread count.

    Raises ``ValueError`` for a record that cannot be a document (no id, a text
    that is not a string, a duplicate id; unless ``on_error="skip"``), for input
    that is not records, and for settings out of range.
    """
    return Engine(**settings).cluster(docs)


def furniture(docs: Any, **settings: Any) -> FurnitureCounts:
    """Stage 0: for each line of each site (the record's ``source``, else its
    URL's host), the titles of the pages that carry it, over ``docs`` (a shard or
    all; ``docs`` as for :func:`cluster`). Shards' counts add up with
    ``a.merge(b)``; ``.furniture()`` is the :class:`Furniture` to pass to
    :func:`analyze` and :func:`add_sentences`: the lines on pages of three titles
    of one site (eight with no site), struck before analysis."""
    return Engine(**settings).furniture(docs)


def analyze(docs: Any, furniture: Optional[Furniture] = None, **settings: Any) -> Analyzed:
    """Stage 1: reads and analyzes documents (a batch or shard; ``docs`` as for
    :func:`cluster`), with the page ``furniture`` struck first (see
    :func:`furniture`). Each document is analyzed on its own, so shards can be
    analyzed anywhere and put together with :func:`assemble`. Returns an
    :class:`Analyzed` value (picklable; ``len()`` is its documents)."""
    return Engine(**settings).analyze(docs, furniture)


def add_sentences(
    result: Result, docs: Any, furniture: Optional[Furniture] = None, **settings: Any
) -> Result:
    """After :func:`articles`: the sentences each independent report or edited
    copy says that the document it is compared with does not, from the same
    ``docs`` again (the ``adds.sentences`` of the story records). :func:`cluster`
    does this itself."""
    return Engine(**settings).add_sentences(result, docs, furniture)


def assemble(*shards: Analyzed, **settings: Any) -> Corpus:
    """Puts analyzed shards together into one :class:`Corpus`, sorted by id; of
    several documents with one id the one kept does not depend on order, and the
    others are rejects (``ValueError`` unless ``on_error="skip"``)."""
    return Engine(**settings).assemble(*shards)


def corpus_stats(corpus: Corpus, **settings: Any) -> CorpusStats:
    """Stage 2: the document frequencies of a corpus (or of a shard's corpus:
    :func:`merge_stats` adds the shards' up to those of their union)."""
    return Engine(**settings).corpus_stats(corpus)


def merge_stats(*stats: CorpusStats) -> CorpusStats:
    """The statistics of the union of shards, from the shards' statistics."""
    return _tidings.merge_stats(list(stats))


def vectorize(corpus: Corpus, stats: CorpusStats, **settings: Any) -> Vectors:
    """Stage 3: the corpus's tf-idf vectors, weighted by ``stats`` (those of the
    whole corpus the vectors will be compared in)."""
    return Engine(**settings).vectorize(corpus, stats)


def graph(vectors: Vectors, **settings: Any) -> Graph:
    """Stage 4: candidates within date windows (``max_days``, ``k``, ``index``),
    re-scored exactly into a kNN graph, exact copies and near-duplicates collapsed."""
    return Engine(**settings).graph(vectors)


def stories(vectors: Vectors, graph: Graph, **settings: Any) -> StoryLabels:
    """Stage 5: the story of each document, by average link over the graph
    (``threshold``, ``attach``, ``max_days``)."""
    return Engine(**settings).stories(vectors, graph)


def articles(vectors: Vectors, graph: Graph, labels: StoryLabels, **settings: Any) -> Result:
    """Stage 6: each story split into articles with every member's variant kind
    (``article_threshold``), put together into the :class:`Result` that
    :func:`cluster` returns for the same documents and settings."""
    return Engine(**settings).articles(vectors, graph, labels)


# --- scoring ----------------------------------------------------------------


def _tsv_rows(rows: Any, columns: Sequence[str], name: str) -> str:
    """TSV text with a header from rows given as tuples or dicts. The last column
    is optional: a gold label without ``lang`` is in no language (``und``); a
    prediction without ``article`` in any row has no article column, and its
    articles are scored with its stories, as the CLI does with such a file."""
    table = []
    for i, row in enumerate(rows):
        values = [row.get(c) for c in columns] if isinstance(row, Mapping) else list(row)
        if not len(columns) - 1 <= len(values) <= len(columns):
            raise ValueError(
                f"{name}[{i}]: a row is ({', '.join(columns)}), the last one optional; this one has {len(values)} fields"
            )
        table.append(values + [None] * (len(columns) - len(values)))
    last = columns[-1]
    if last == "lang":
        table = [values[:-1] + ["und" if values[-1] is None else values[-1]] for values in table]
    elif all(values[-1] is None for values in table):
        columns, table = columns[:-1], [values[:-1] for values in table]
    lines = ["\t".join(columns)]
    for i, values in enumerate(table):
        for c, v in zip(columns, values):
            if v is None or str(v).strip() == "":
                raise ValueError(f"{name}[{i}]: empty {c!r}")
            if any(ch in str(v) for ch in "\t\n\r"):
                raise ValueError(f"{name}[{i}]: {c!r} holds a tab or line break")
        lines.append("\t".join(str(v) for v in values))
    return "\n".join(lines) + "\n"


def _read_text(path: PathLike) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def eval(gold: Any, pred: Any) -> dict:  # noqa: A001 (the CLI's name for it)
    """Scores a clustering against gold labels, as ``tidings eval --json``.

    ``gold``: a TSV file (``id story article lang``, as ``data/sample.gold.tsv``)
    or rows ``(id, story, article[, lang])`` or dicts with those keys.
    ``pred``: a TSV file (``id story [article]``, as ``tidings cluster
    --assignments`` writes), rows ``(id, story[, article])`` or dicts, or a
    :class:`Result`.

    Returns the report as a dict: ``counts``, ``story`` and ``article`` (each
    with ``pairwise`` and ``b_cubed`` precision/recall/F1, ``ari``, ``nmi``),
    ``story_pairs_by_lang``, ``missing``, ``unknown``, ``duplicates``,
    ``over_merged``, ``split``. Raises ``ValueError`` naming the file (or row)
    and line of a malformed input, ``OSError`` for a file that cannot be read.
    """
    if isinstance(gold, (str, os.PathLike)):
        gold_source, gold_tsv = os.fspath(gold), _read_text(gold)
    else:
        gold_source, gold_tsv = "gold", _tsv_rows(gold, ("id", "story", "article", "lang"), "gold")
    if isinstance(pred, Result):
        rows = [(a["id"], a["story"], a["article"]) for a in pred.assignments]
        report = _tidings.evaluate(gold_source, gold_tsv, "pred", pred_rows=rows)
    elif isinstance(pred, (str, os.PathLike)):
        report = _tidings.evaluate(gold_source, gold_tsv, os.fspath(pred), pred_tsv=_read_text(pred))
    else:
        pred_tsv = _tsv_rows(pred, ("id", "story", "article"), "pred")
        report = _tidings.evaluate(gold_source, gold_tsv, "pred", pred_tsv=pred_tsv)
    return json.loads(report)


# --- the command line -------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the ``tidings`` command line (``argv`` without the program name;
    default ``sys.argv[1:]``) in this process, as the ``tidings`` binary would:
    ``python -m tidings cluster data/sample.jsonl``. Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The engine writes to the process's own stdout and stderr: what Python
    # buffered goes first.
    sys.stdout.flush()
    sys.stderr.flush()
    # Ctrl-C stops the run as it stops the binary: Python's handler would only
    # set a flag that no one reads until the engine returns.
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        return _tidings.main_with_args(args)
    finally:
        if restore is not None:
            signal.signal(signal.SIGINT, restore)
