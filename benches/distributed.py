"""One timed run of tidings on Ray, on Spark or as the CLI, for benches/distributed.sh.

Usage: python benches/distributed.py ray|spark|cli WORKERS CORPUS OUT_DIR [--measure]

ray: a local Ray of WORKERS CPUs; spark: local[WORKERS]; both with WORKERS shards
and parts and one engine thread a task, so WORKERS tasks run at once. cli:
`tidings cluster --threads WORKERS`. Prints one JSON line: the wall time of the
run (Ray or Spark already started; their start-up is `start_seconds`), each
stage's seconds and, with --measure, the pickled bytes of each stage's values
(measuring costs time of its own: time and size come from separate runs).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

kind, workers, corpus, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
measure = "--measure" in sys.argv
repo = Path(__file__).resolve().parents[1]
line = {"executor": kind, "workers": workers, "corpus": corpus}
if kind == "cli":
    t = time.perf_counter()
    subprocess.run(
        [repo / "target/release/tidings", "cluster", corpus, "-o", out / "stories.jsonl",
         "--assignments", out / "assignments.tsv", "--rejects", out / "rejects.jsonl",
         "--threads", str(workers), "--quiet"],
        check=True,
    )
    line["seconds"] = round(time.perf_counter() - t, 2)
else:
    t = time.perf_counter()
    if kind == "ray":
        import ray

        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        import tidings.ray

        run = lambda **kw: tidings.ray.cluster(corpus, **kw)  # noqa: E731
    else:
        os.environ["PYSPARK_PYTHON"] = sys.executable
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master(f"local[{workers}]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "8g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        import tidings.spark

        run = lambda **kw: tidings.spark.cluster(spark, corpus, **kw)  # noqa: E731
    line["start_seconds"] = round(time.perf_counter() - t, 2)
    report = {"measure": measure}
    t = time.perf_counter()
    run(out_dir=out, num_shards=workers, num_parts=workers, threads=1, report=report)
    line["seconds"] = round(time.perf_counter() - t, 2)
    line["documents"] = report["documents"]
    line["stages"] = report["stages"]
print(json.dumps(line))
