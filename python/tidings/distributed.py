"""The distributed plan: a run of tidings as tasks that any executor runs.

:mod:`tidings.ray` and :mod:`tidings.spark` are two thin executors of this one
plan. Each stage is a set of independent tasks whose results the driver merges,
in order, into what the whole stage returns (``crates/tidings/src/partition.rs``
says why each merge is exact), so the files written are byte for byte those of
``tidings cluster`` on the same inputs and settings, whatever the number of
shards, parts, workers or threads:

====================  =========================================  ==========================
stage                 tasks                                       merged by
====================  =========================================  ==========================
furniture             one per shard of the input records          union of the counts
analyze               one per shard, with the merged furniture    ``assemble_in_order``
corpus statistics     one per run of the corpus in id order        adding counts
vectorize             one per run, with the merged statistics      concatenation
copies                one (a hash join over the whole corpus)      —
graph                 one per part: a span of days' queries        union of the edges
stories               one per group of connected components        renumbering by first doc
articles              one per group of stories                     label order
sentences             one (see below)                              —
====================  =========================================  ==========================

A shard of the input files is every ``shards``-th file when there are at least
as many files as shards (a task reads only its own files: a crawl's WARC or
JSONL files), else every ``shards``-th record (each task parses every record but
analyzes only its own, which is most of the work); a shard of in-memory records
is a run of them. Each record keeps its place in the reading order of the
whole input, so duplicate ids, rejects and ``keep="first"`` come out as in one
run. Putting the shards together (``assemble``: duplicate
ids, canonical order) is a sort of the analyzed documents by id, done by the
driver: its cost is the size of the analyzed corpus, which the driver then
cuts into runs for the statistics and vectors. Every later task reads the whole
vectors (shared once per worker: Ray's object store, Spark's broadcast).

The sentences each member adds run as one task: a member and the document it is
compared with are in one story but may be anywhere in the input, so the task
reads the inputs again and keeps the texts of the pairs' documents. Split by
shard, it would need the bases' features shipped to the members' shards (a
shuffle of the pairs); the stage is a few percent of a run, so it is not split.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any, Callable, Optional, Protocol, Sequence

from . import Result, _json_lines, _tidings

PathLike = Any


class Executor(Protocol):
    """What the plan needs of an executor (Ray, Spark, a local loop)."""

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple]) -> list:
        """``fn(*args)`` for each ``args`` of ``calls`` as parallel tasks; the
        results in the order of ``calls``. Arguments made by :meth:`share` reach
        ``fn`` as the values they share."""

    def share(self, value: Any) -> Any:
        """A handle to a value that many tasks read (sent once per worker)."""


class LocalExecutor:
    """The plan in this process, task after task: for tests and as the reference."""

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple]) -> list:
        return [fn(*args) for args in calls]

    def share(self, value: Any) -> Any:
        return value


# --- the tasks ---------------------------------------------------------------
# Module-level functions, so that executors send them by reference. Each builds
# its engine from the settings (once per worker process).


@functools.lru_cache(maxsize=4)
def _engine_of(settings_json: str) -> Any:
    return _tidings.Engine(**json.loads(settings_json))


def _furniture_of_paths(settings: str, paths: list, shard: int, shards: int) -> Any:
    return _engine_of(settings).furniture_shard(paths, shard, shards)


def _furniture_of_lines(settings: str, lines: list) -> Any:
    return _engine_of(settings).furniture(lines)


def _analyze_paths(settings: str, paths: list, shard: int, shards: int, furniture: Any) -> Any:
    return _engine_of(settings).analyze_shard(paths, shard, shards, furniture)


def _analyze_lines(settings: str, lines: list, first: int, furniture: Any) -> Any:
    return _engine_of(settings).analyze_lines(lines, first, furniture)


def _corpus_stats(settings: str, corpus: Any) -> Any:
    return _engine_of(settings).corpus_stats(corpus)


def _vectorize(settings: str, corpus: Any, stats: Any) -> Any:
    return _engine_of(settings).vectorize(corpus, stats)


def _copies(settings: str, vectors: Any) -> Any:
    return _engine_of(settings).copies(vectors)


def _graph_part(settings: str, vectors: Any, copies: Any, part: int, parts: int) -> Any:
    return _engine_of(settings).graph_part(vectors, copies, part, parts)


def _stories_part(settings: str, vectors: Any, graph: Any, part: int, parts: int) -> Any:
    return _engine_of(settings).stories_part(vectors, graph, part, parts)


def _articles_part(
    settings: str, vectors: Any, graph: Any, labels: Any, part: int, parts: int
) -> Any:
    return _engine_of(settings).articles_part(vectors, graph, labels, part, parts)


def _sentences_of_paths(settings: str, result: Any, paths: list, furniture: Any) -> Any:
    return _engine_of(settings).add_sentences_of_inputs(result, paths, furniture)


def _sentences_of_lines(settings: str, result: Any, lines: list, furniture: Any) -> Any:
    return _engine_of(settings).add_sentences(result, lines, furniture)


# --- the plan ------------------------------------------------------------------


def _paths_of(inputs: Any) -> Optional[list]:
    """The input files or folders, if `inputs` names some; None for records."""
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    if isinstance(inputs, (list, tuple)) and inputs and all(
        isinstance(p, (str, os.PathLike)) for p in inputs
    ):
        return [os.fspath(p) for p in inputs]
    return None


def run(
    executor: Executor,
    inputs: Any,
    out_dir: Optional[PathLike] = None,
    num_shards: int = 2,
    num_parts: Optional[int] = None,
    report: Optional[dict] = None,
    **settings: Any,
) -> Result:
    """Runs the plan on `executor` (see the module docs) and returns the
    :class:`tidings.Result` that ``tidings cluster`` (for files) or
    :func:`tidings.cluster` (for records) gives.

    ``inputs``: a path or a list of paths of files or folders, read as ``tidings
    cluster`` reads them (rejects are listed, as the CLI lists them, unless
    ``on_error="raise"``); or records as :func:`tidings.cluster` takes them.
    ``out_dir``: if given, ``stories.jsonl``, ``assignments.tsv`` and
    ``rejects.jsonl`` are written there, as ``tidings cluster -o stories.jsonl
    --assignments assignments.tsv --rejects rejects.jsonl`` writes them.
    ``num_shards``: tasks for reading and analysis, statistics and vectors;
    ``num_parts``: tasks for the graph, stories and articles (default: the shards).
    ``report``: a dict to fill with each stage's seconds, and with
    ``measure=True`` in it, the pickled bytes of each stage's values.
    ``settings``: those of :class:`tidings.Engine`.
    """
    if num_shards < 1 or (num_parts is not None and num_parts < 1):
        raise ValueError(f"num_shards and num_parts must be at least 1, not {num_shards} and {num_parts}")
    parts = num_parts or num_shards
    paths = _paths_of(inputs)
    if paths is not None:
        settings.setdefault("on_error", "skip")
    engine = _tidings.Engine(**settings)  # settings checked before any task starts
    key = json.dumps(settings, sort_keys=True, default=os.fspath)
    measure = bool(report and report.get("measure"))
    stages: list = []
    if report is not None:
        report["stages"] = stages
    clock = [time.perf_counter()]

    def done(name: str, *values: Any) -> None:
        now = time.perf_counter()
        entry = {"stage": name, "seconds": round(now - clock[0], 3)}
        if measure:
            entry["bytes"] = sum(len(pickle.dumps(v)) for vs in values for v in _flat(vs))
        stages.append(entry)
        clock[0] = time.perf_counter()

    shards = range(num_shards)
    if paths is not None:
        counts = executor.map(_furniture_of_paths, [(key, paths, s, num_shards) for s in shards])
    else:
        lines = list(_json_lines(inputs))
        cut = [len(lines) * s // num_shards for s in range(num_shards + 1)]
        runs = [(lines[cut[s]:cut[s + 1]], cut[s]) for s in shards]
        counts = executor.map(_furniture_of_lines, [(key, run_) for run_, _ in runs])
    merged = counts[0]
    for c in counts[1:]:
        merged = merged.merge(c)
    furniture = merged.furniture()
    done("furniture", counts)
    shared_furniture = executor.share(furniture)
    if paths is not None:
        analyzed = executor.map(
            _analyze_paths, [(key, paths, s, num_shards, shared_furniture) for s in shards]
        )
    else:
        analyzed = executor.map(
            _analyze_lines, [(key, run_, first, shared_furniture) for run_, first in runs]
        )
    done("analyze", analyzed)
    corpus = engine.assemble_in_order(analyzed)
    del analyzed
    if paths is not None and len(corpus) == 0 and corpus.rejects_json() == "[]":
        # As `tidings cluster`: reading nothing is an error, not an empty success.
        raise ValueError(f"no records read from {', '.join(paths)}")
    pieces = engine.split(corpus, num_shards)
    done("assemble", corpus)
    del corpus
    stats_parts = executor.map(_corpus_stats, [(key, p) for p in pieces])
    stats = _tidings.merge_stats(stats_parts)
    done("corpus_stats", stats_parts)
    shared_stats = executor.share(stats)
    vector_parts = executor.map(_vectorize, [(key, p, shared_stats) for p in pieces])
    del pieces
    vectors = _tidings.concat_vectors(vector_parts)
    done("vectorize", vector_parts)
    del vector_parts
    shared_vectors = executor.share(vectors)
    (copies,) = executor.map(_copies, [(key, shared_vectors)])
    done("copies", copies)
    shared_copies = executor.share(copies)
    graph_parts = executor.map(
        _graph_part, [(key, shared_vectors, shared_copies, p, parts) for p in range(parts)]
    )
    graph = _tidings.merge_graphs(graph_parts)
    done("graph", graph_parts)
    del graph_parts
    shared_graph = executor.share(graph)
    label_parts = executor.map(
        _stories_part, [(key, shared_vectors, shared_graph, p, parts) for p in range(parts)]
    )
    labels = _tidings.merge_labels(label_parts)
    done("stories", label_parts)
    shared_labels = executor.share(labels)
    article_parts = executor.map(
        _articles_part,
        [(key, shared_vectors, shared_graph, shared_labels, p, parts) for p in range(parts)],
    )
    clustering = engine.result(vectors, graph, labels, article_parts)
    done("articles", article_parts)
    if paths is not None:
        (clustering,) = executor.map(
            _sentences_of_paths, [(key, executor.share(clustering), paths, shared_furniture)]
        )
    else:
        (clustering,) = executor.map(
            _sentences_of_lines, [(key, executor.share(clustering), lines, shared_furniture)]
        )
    done("sentences", clustering)
    result = Result(clustering)
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "stories.jsonl").write_bytes(clustering.stories_jsonl())
        (out / "assignments.tsv").write_bytes(clustering.assignments_tsv())
        (out / "rejects.jsonl").write_bytes(clustering.rejects_jsonl())
        done("write")
    if report is not None:
        report["documents"] = len(clustering)
    return result


def _flat(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]

