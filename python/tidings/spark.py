"""tidings on Spark: the plan of :mod:`tidings.distributed` as Spark jobs.

>>> from pyspark.sql import SparkSession
>>> import tidings.spark
>>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
>>> result = tidings.spark.cluster(spark, "data/sample.jsonl", out_dir="out")  # doctest: +SKIP

writes the files ``tidings cluster`` writes, byte for byte (see
:mod:`tidings.ray`). Each stage's tasks are one RDD of one partition per task
(``mapPartitions`` over the shards for the analysis, the graph parts and the
groups of components as tasks); their results are collected and merged on the
driver; values many tasks read go out as broadcast variables. The workers run
``PYSPARK_PYTHON``, which must have tidings installed.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from . import Result
from . import distributed


class _Shared:
    """A placeholder for a broadcast value in a task's arguments: the broadcasts
    travel in the task's closure, where Spark registers them."""

    def __init__(self, index: int):
        self.index = index


def _call(fn: Callable[..., Any], broadcasts: list, item: tuple) -> tuple:
    i, args = item
    values = [broadcasts[a.index].value if isinstance(a, _Shared) else a for a in args]
    return i, fn(*values)


class SparkExecutor:
    """Tasks as the partitions of an RDD (one call a partition); shared values as
    broadcast variables."""

    def __init__(self, spark: Any):
        # A SparkSession or a SparkContext.
        self._sc = getattr(spark, "sparkContext", spark)
        self._broadcasts: list = []

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple]) -> list:
        from pyspark import Broadcast

        used: list = []
        items = []
        for i, args in enumerate(calls):
            out = []
            for a in args:
                if isinstance(a, Broadcast):
                    used.append(a)
                    out.append(_Shared(len(used) - 1))
                else:
                    out.append(a)
            items.append((i, tuple(out)))
        rdd = self._sc.parallelize(items, max(1, len(items)))
        results = rdd.map(lambda item: _call(fn, used, item)).collect()
        return [v for _, v in sorted(results, key=lambda r: r[0])]

    def share(self, value: Any) -> Any:
        b = self._sc.broadcast(value)
        self._broadcasts.append(b)
        return b

    def close(self) -> None:
        """Frees the broadcast variables of the run on the executors."""
        for b in self._broadcasts:
            b.unpersist()
        self._broadcasts.clear()


def cluster(
    spark: Any,
    paths_or_records: Any,
    out_dir: Optional[Any] = None,
    num_shards: int = 2,
    num_parts: Optional[int] = None,
    report: Optional[dict] = None,
    **settings: Any,
) -> Result:
    """Clusters files or records on Spark (``spark``: a SparkSession or
    SparkContext), with the result of a run on one machine: see
    :func:`tidings.distributed.run` for the other arguments."""
    executor = SparkExecutor(spark)
    try:
        return distributed.run(
            executor,
            paths_or_records,
            out_dir=out_dir,
            num_shards=num_shards,
            num_parts=num_parts,
            report=report,
            **settings,
        )
    finally:
        executor.close()
