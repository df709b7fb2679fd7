"""Ray and Spark runs against the command line: on a local Ray (2 CPUs) and a
local Spark (local[2]), `tidings.ray.cluster` and `tidings.spark.cluster` write
byte for byte the stories, assignments and rejects `tidings cluster` writes, on
the sample, ntrex-dev (../shared), a dated synthetic corpus over many date
windows, and a file (and a folder of three files) with bad records and
duplicate ids.

Without ray or pyspark installed the tests skip, and without ../shared the
ntrex-dev test skips, unless CI is set: there they fail (.ci/run installs both,
and CI checks ../shared out beside the repository)."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

import tidings
import tidings.distributed
from conftest import GOLD, REPO, SAMPLE


def in_ci() -> bool:
    return os.environ.get("CI", "") not in ("", "0", "false")


def need(module: str):
    """The module, or a skip (a failure in CI) saying it is not installed."""
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed (.ci/run installs it in the test venv)"
        if in_ci():
            pytest.fail(message + ", and CI is set")
        pytest.skip(message)
    return importlib.import_module(module)


def shared(rel: str):
    """../shared/{rel}, or a skip (a failure in CI) saying it is not there."""
    path = REPO.parent / "shared" / rel
    if not path.exists():
        message = f"{path} is not there (../shared is checked out beside the repo in CI)"
        if in_ci():
            pytest.fail(message + ", and CI is set")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray of 2 CPUs for the test session."""
    ray = need("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark (local[2]) for the test session; its Python workers run
    this interpreter, where tidings is installed."""
    need("pyspark")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("tidings-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def dated_corpus(cli, tmp_path_factory):
    """A synthetic corpus grown from the sample, 3,000 documents dated over many
    weeks: with max_days=3, dozens of date windows."""
    out = tmp_path_factory.mktemp("synth")
    corpus, gold = out / "synth.jsonl", out / "synth.gold.tsv"
    subprocess.run(
        [cli, "synth", SAMPLE, "--gold", GOLD, "--docs", "3000", "--seed", "1",
         "--stories-per-day", "4", "--out", corpus, "--out-gold", gold],
        check=True,
        capture_output=True,
    )
    days = {json.loads(line)["date"][:10] for line in corpus.read_text(encoding="utf-8").splitlines()}
    assert len(days) > 30
    return corpus


@pytest.fixture(scope="session")
def messy_file(tmp_path_factory):
    """The sample with bad records and duplicate ids among its lines: rejects in
    every shard, in reading order, and duplicates decided by content."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i % 7 == 3:
            out.append("{not json")
        if i % 11 == 5:
            out.append(json.dumps({"id": f"empty-{i}"}))
        if i % 9 == 2:
            dup = dict(records[(i + 4) % len(records)], text=records[i % len(records)]["text"])
            out.append(json.dumps(dup, ensure_ascii=False))
    path = tmp_path_factory.mktemp("messy") / "messy.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def messy_folder(messy_file, tmp_path_factory):
    """The messy file cut into three files of a folder: with at least as many
    files as shards, a shard reads whole files of its own."""
    lines = messy_file.read_text(encoding="utf-8").splitlines()
    folder = tmp_path_factory.mktemp("folder")
    for i in range(3):
        (folder / f"part-{i}.jsonl").write_text("\n".join(lines[i::3]) + "\n", encoding="utf-8")
    return folder


def cli_files(cli, path, out, flags=()):
    """What `tidings cluster` writes for `path`: stories, assignments, rejects."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [cli, "cluster", path, "-o", out / "stories.jsonl", "--assignments", out / "assignments.tsv",
         "--rejects", out / "rejects.jsonl", "--quiet", "--max-reject-share", "1", *flags],
        check=True,
    )
    return read_files(out)


def read_files(out):
    return {name: (out / name).read_bytes() for name in ("stories.jsonl", "assignments.tsv", "rejects.jsonl")}


CASES = ["sample", "ntrex-dev", "dated", "messy", "folder"]


@pytest.fixture(scope="session")
def case_input(dated_corpus, messy_file, messy_folder):
    """Each case's input and settings (ntrex-dev looked up only when its test runs)."""
    return {"sample": lambda: (SAMPLE, {}),
            "dated": lambda: (dated_corpus, {"max_days": 3}),
            "messy": lambda: (messy_file, {}),
            "folder": lambda: (messy_folder, {}),
            "ntrex-dev": lambda: (shared("data/ntrex-dev.jsonl"), {})}


def flags_of(settings):
    return [f for k, v in settings.items() for f in (f"--{k.replace('_', '-')}", str(v))]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("executor", ["ray", "spark"])
def test_a_distributed_run_writes_what_the_cli_writes(
    executor, case, case_input, cli, tmp_path, request
):
    path, settings = case_input[case]()
    want = cli_files(cli, path, tmp_path / "cli", flags_of(settings))
    out = tmp_path / executor
    # More parts than shards, so that the stages after the statistics are cut
    # otherwise than the reading.
    if executor == "ray":
        request.getfixturevalue("ray_cluster")
        import tidings.ray

        tidings.ray.cluster(path, out_dir=out, num_shards=2, num_parts=3, **settings)
    else:
        spark = request.getfixturevalue("spark_session")
        import tidings.spark

        tidings.spark.cluster(spark, path, out_dir=out, num_shards=2, num_parts=3, **settings)
    got = read_files(out)
    for name in want:
        assert got[name] == want[name], f"{executor}, {case}: {name} differs from the CLI's"
    if case in ("messy", "folder"):
        assert want["rejects.jsonl"].count(b"\n") >= 5


def test_records_on_ray_give_what_tidings_cluster_gives(ray_cluster, sample_records):
    import tidings.ray

    want = tidings.cluster(sample_records)
    got = tidings.ray.cluster(sample_records, num_shards=3, num_parts=2)
    assert got.stories_jsonl() == want.stories_jsonl()
    assert got.assignments_tsv() == want.assignments_tsv()


def test_shard_and_part_counts_do_not_change_the_result(dated_corpus):
    executor = tidings.distributed.LocalExecutor()
    runs = [
        tidings.distributed.run(executor, dated_corpus, num_shards=s, num_parts=p, max_days=3)
        for s, p in [(1, 1), (3, 5), (4, 2)]
    ]
    assert len({r.stories_jsonl() for r in runs}) == 1
    assert len({r.assignments_tsv() for r in runs}) == 1


def test_parts_of_different_runs_are_refused(sample_records):
    engine = tidings._tidings.Engine()
    shard = engine.analyze_lines([json.dumps(r) for r in sample_records], 0)
    corpus = engine.assemble_in_order([shard])
    vectors = engine.vectorize(corpus, engine.corpus_stats(corpus))
    graph = tidings._tidings.merge_graphs([engine.graph_part(vectors, engine.copies(vectors), 0, 1)])
    part = engine.stories_part(vectors, graph, 0, 2)
    with pytest.raises(ValueError, match="no part clusters document"):
        tidings._tidings.merge_labels([part])
    with pytest.raises(ValueError, match="part 2 of 2"):
        engine.stories_part(vectors, graph, 2, 2)
    with pytest.raises(ValueError, match="num_shards and num_parts must be at least 1"):
        tidings.distributed.run(tidings.distributed.LocalExecutor(), sample_records, num_shards=0)


def test_reading_nothing_is_an_error_as_in_the_cli(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="no records read from"):
        tidings.distributed.run(tidings.distributed.LocalExecutor(), empty)
