"""tidings on Ray: the plan of :mod:`tidings.distributed` as Ray tasks.

>>> import ray, tidings.ray
>>> ray.init(num_cpus=2)                                    # doctest: +SKIP
>>> result = tidings.ray.cluster("data/sample.jsonl", out_dir="out", num_shards=2)  # doctest: +SKIP

writes ``out/stories.jsonl``, ``out/assignments.tsv`` and ``out/rejects.jsonl``
byte for byte as ``tidings cluster data/sample.jsonl -o out/stories.jsonl
--assignments out/assignments.tsv --rejects out/rejects.jsonl`` does. Each stage
is a set of Ray tasks (one CPU each); values many tasks read (the furniture,
statistics, vectors, graph, labels) go to the object store once. Ray is
started with its defaults if it is not running yet.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from . import Result
from . import distributed


class RayExecutor:
    """Tasks as Ray remote functions; shared values as object references (which
    Ray resolves into the values when they are a task's arguments)."""

    def __init__(self, **task_options: Any):
        import ray

        self._ray = ray
        self._options = task_options
        self._remote: dict = {}

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple]) -> list:
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._ray.remote(**self._options)(fn) if self._options else self._ray.remote(fn)
            self._remote[fn] = remote
        return self._ray.get([remote.remote(*args) for args in calls])

    def share(self, value: Any) -> Any:
        return self._ray.put(value)


def cluster(
    paths_or_records: Any,
    out_dir: Optional[Any] = None,
    num_shards: int = 2,
    num_parts: Optional[int] = None,
    report: Optional[dict] = None,
    **settings: Any,
) -> Result:
    """Clusters files (paths of files or folders, read as ``tidings cluster``
    reads them) or records (as :func:`tidings.cluster` takes them) on Ray, with
    the result of a run on one machine: see :func:`tidings.distributed.run` for
    the arguments. ``settings`` are those of :class:`tidings.Engine`; give
    ``threads=1`` to run one engine thread per Ray CPU."""
    return distributed.run(
        RayExecutor(),
        paths_or_records,
        out_dir=out_dir,
        num_shards=num_shards,
        num_parts=num_parts,
        report=report,
        **settings,
    )
