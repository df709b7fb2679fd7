"""The Python package against the command line: the same documents give the same
stories, assignments and scores, run whole or stage by stage (through pickle), from
dicts or tables; bad input raises an exception that names the problem."""

import copy
import datetime
import json
import pickle
import subprocess
import sys

import pytest

import tidings
from conftest import GOLD, REPO, SAMPLE


def tsv_rows(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines[1:]]


# --- the whole run ------------------------------------------------------------


def test_cluster_writes_what_the_cli_writes(sample_records, cli_run):
    stories, assignments = cli_run
    result = tidings.cluster(sample_records)
    assert result.stories_jsonl() == stories.read_bytes()
    assert result.assignments_tsv() == assignments.read_bytes()
    assert [(a["id"], a["story"], a["article"]) for a in result.assignments] == tsv_rows(assignments)
    assert result.stories == [json.loads(line) for line in stories.read_text(encoding="utf-8").splitlines()]
    assert len(result) == len(sample_records) == 38
    assert result.rejects == []


def test_each_assignment_has_the_variant_its_story_record_gives(sample_records):
    result = tidings.cluster(sample_records)
    variants = {
        m["id"]: m["variant"] for s in result.stories for a in s["articles"] for m in a["members"]
    }
    assert {a["id"]: a["variant"] for a in result.assignments} == variants
    assert set(variants.values()) >= {"original", "translation"}


def test_order_threads_and_the_engine_object_do_not_change_the_result(sample_records):
    want = tidings.cluster(sample_records).stories_jsonl()
    assert tidings.cluster(list(reversed(sample_records)), threads=1).stories_jsonl() == want
    engine = tidings.Engine(threads=2)
    assert engine.cluster(iter(sample_records)).stories_jsonl() == want
    assert pickle.loads(pickle.dumps(engine)).cluster(sample_records).stories_jsonl() == want


def test_settings_reach_the_engine_as_the_cli_flags_do(sample_records, cli, tmp_path):
    out = tmp_path / "stories.jsonl"
    flags = ["--threshold", "0.2", "--article-threshold", "0.3", "--max-days", "0", "--k", "8", "--index", "exact"]
    subprocess.run([cli, "cluster", SAMPLE, "-o", out, "--quiet", *flags], check=True)
    result = tidings.cluster(
        sample_records, threshold=0.2, article_threshold=0.3, max_days=0, k=8, index="exact"
    )
    assert result.stories_jsonl() == out.read_bytes()
    assert result.stories_jsonl() != tidings.cluster(sample_records).stories_jsonl()


def test_field_names_and_dates_as_python_values():
    text = "Parliament approved the new budget on Tuesday after a long debate over defence spending and pensions."
    docs = [
        {"meta": {"key": 7}, "body": text, "when": datetime.date(2026, 5, 7)},
        {"meta": {"key": 8}, "body": text, "when": datetime.datetime(2026, 5, 8, 10, 0)},
        {"meta": {"key": 9}, "body": text, "when": "2026-06-30"},
    ]
    result = tidings.cluster(docs, id_field="meta.key", text_field="body", date_field="when")
    story = {a["id"]: a["story"] for a in result.assignments}
    # Numeric ids are kept as written; the June copy is more than 7 days away.
    assert story == {"7": "s-7", "8": "s-7", "9": "s-9"}
    first = next(s for s in result.stories if s["story"] == "s-7")
    assert (first["date_start"], first["date_end"]) == ("2026-05-07", "2026-05-08")


def test_an_empty_input_is_an_empty_result():
    result = tidings.cluster([])
    assert (len(result), result.assignments, result.stories) == (0, [], [])


# --- stages -------------------------------------------------------------------


def roundtrip(value):
    """The value through pickle and through its own bytes, checked equal both ways."""
    back = pickle.loads(pickle.dumps(value))
    assert back == value and type(back) is type(value)
    again = type(value)(value.to_bytes())
    assert again == value
    return back


def test_stages_one_by_one_through_pickle_give_the_cluster_result(sample_records):
    want = tidings.cluster(sample_records)
    # Two shards analyzed apart, as two workers would.
    # Page furniture counted per shard, merged.
    counts = roundtrip(tidings.furniture(sample_records[:20])).merge(roundtrip(tidings.furniture(sample_records[20:])))
    furniture = roundtrip(counts.furniture())
    shards = [
        roundtrip(tidings.analyze(sample_records[:20], furniture)),
        roundtrip(tidings.analyze(sample_records[20:], furniture)),
    ]
    assert [len(s) for s in shards] == [20, 18]
    corpus = roundtrip(tidings.assemble(*shards))
    stats = roundtrip(tidings.corpus_stats(corpus))
    vectors = roundtrip(tidings.vectorize(corpus, stats))
    graph = roundtrip(tidings.graph(vectors))
    labels = roundtrip(tidings.stories(vectors, graph))
    result = pickle.loads(pickle.dumps(tidings.articles(vectors, graph, labels)))
    result = tidings.add_sentences(result, sample_records, furniture)
    assert result.stories_jsonl() == want.stories_jsonl()
    assert b"sentences" in bytes(result.stories_jsonl()), "the sample has independent reports that add"
    assert result.assignments == want.assignments
    assert len(corpus) == len(vectors) == len(graph) == len(labels) == 38


def test_merged_shard_statistics_are_those_of_the_whole_corpus(sample_records):
    engine = tidings.Engine()
    whole = engine.corpus_stats(engine.assemble(engine.analyze(sample_records)))
    parts = [engine.corpus_stats(engine.assemble(engine.analyze(sample_records[i::3]))) for i in range(3)]
    assert tidings.merge_stats(*parts) == whole
    assert len(whole) == 38


def test_stage_settings_change_the_stages(sample_records):
    corpus = tidings.assemble(tidings.analyze(sample_records))
    vectors = tidings.vectorize(corpus, tidings.corpus_stats(corpus))
    graph = tidings.graph(vectors)
    loose = tidings.stories(vectors, graph, threshold=0.01)
    tight = tidings.stories(vectors, graph, threshold=0.5)
    n = lambda labels: len(set(a["story"] for a in tidings.articles(vectors, graph, labels).assignments))
    assert n(loose) < n(tight)


def test_the_result_pickles(sample_records):
    result = tidings.cluster(sample_records)
    _ = result.stories  # cached lists are not what is pickled
    back = pickle.loads(pickle.dumps(result))
    assert back.stories_jsonl() == result.stories_jsonl()
    assert back.stories == result.stories
    assert copy.deepcopy(result).assignments == result.assignments


# --- scoring ------------------------------------------------------------------


def cli_eval(cli, *args):
    out = subprocess.run([cli, "eval", "--json", "--gold", GOLD, *args], check=True, capture_output=True)
    return json.loads(out.stdout)


def test_eval_gives_the_numbers_the_cli_gives(sample_records, cli, cli_run):
    _, assignments = cli_run
    want = cli_eval(cli, "--assignments", assignments)
    assert tidings.eval(GOLD, assignments) == want
    assert tidings.eval(str(GOLD), str(assignments)) == want
    # In memory: gold rows, the prediction as rows, dicts and a Result.
    gold_rows = tsv_rows(GOLD)
    result = tidings.cluster(sample_records)
    assert tidings.eval(gold_rows, result) == want
    assert tidings.eval(gold_rows, tsv_rows(assignments)) == want
    assert tidings.eval([dict(zip(("id", "story", "article", "lang"), r)) for r in gold_rows], result.assignments) == want
    # Clustering and scoring in one command.
    assert cli_eval(cli, SAMPLE, "--quiet") == want
    assert want["story"]["b_cubed"]["f1"] > 0.9


def test_eval_scores_a_story_only_prediction_at_the_article_level_with_its_stories():
    gold = [("a", "s1", "a1", "eng"), ("b", "s1", "a2", "eng"), ("c", "s2", "a3", "eng")]
    report = tidings.eval(gold, [("a", "x"), ("b", "x"), ("c", "y")])
    assert report["story"]["pairwise"]["f1"] == 1.0
    assert report["article"]["pairwise"]["precision"] == 0.0
    assert report["counts"]["n_matched"] == 3


# --- bad input ----------------------------------------------------------------

TEXT = "The central bank raised interest rates by a quarter point on Wednesday."


@pytest.mark.parametrize(
    "docs, message",
    [
        ([{"id": "a", "text": TEXT}, {"text": TEXT}], 'docs[1]: missing "id"'),
        ([{"id": "a", "text": 5}], 'docs[0]: "text" is a number'),
        ([{"id": " ", "text": TEXT}], "docs[0]: id is empty"),
        ([{"id": "a", "text": TEXT}, {"id": "a", "text": TEXT + " Again."}], "duplicate id"),
        ([{"id": "a", "text": TEXT}, "just text"], "docs[1]: a record must be a dict"),
        ([{"id": "a", "text": TEXT, "date": object()}], "docs[0]: a object is not a string"),
        ("a string is not documents", "not a single str"),
        ({"id": "a", "text": TEXT}, "not a single dict"),
        (42, "not int"),
        ([{"id": "a", "body": TEXT}], 'no record has the text field "text": name it with text_field='),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(docs, message):
    with pytest.raises(ValueError) as e:
        tidings.cluster(docs)
    assert message in str(e.value)


def test_skipped_records_are_listed_as_rejects():
    docs = [{"id": "a", "text": TEXT}, {"text": TEXT}, {"id": "a", "text": TEXT + " Again."}]
    result = tidings.cluster(docs, on_error="skip")
    assert [a["id"] for a in result.assignments] == ["a"]
    reasons = [(r["source"], r["reason"][:12]) for r in result.rejects]
    assert reasons == [("docs[1]", 'missing "id"'), ("docs[0]", "duplicate id")] or reasons == [
        ("docs[1]", 'missing "id"'),
        ("docs[2]", "duplicate id"),
    ]


def test_repaired_records_are_warned_about():
    with pytest.warns(UserWarning, match=r"1 record: unparseable date .*docs\[0\]"):
        result = tidings.cluster([{"id": "a", "text": TEXT, "date": "the day after tomorrow"}])
    assert result.stories[0].get("date_start") is None


@pytest.mark.parametrize(
    "settings, error, message",
    [
        ({"threshold": 2.0}, ValueError, "stories.threshold must be between 0 and 1"),
        ({"article_threshold": float("nan")}, ValueError, "articles.same_language"),
        ({"attach": -1}, ValueError, "attach must be between 0 and 1"),
        ({"max_days": -1}, ValueError, "max_days must not be negative"),
        ({"k": 0}, ValueError, "candidates.k must be at least 1"),
        ({"index": "annoy"}, ValueError, "index must be one of auto, exact, sparse, hnsw"),
        ({"on_error": "ignore"}, ValueError, 'on_error must be "raise" or "skip"'),
        ({"treshold": 0.1}, TypeError, "unknown setting treshold"),
        ({"threshold": "high"}, TypeError, "threshold:"),
        ({"models": "/nonexistent/models"}, OSError, "/nonexistent/models"),
    ],
)
def test_bad_settings_raise_before_any_input_is_read(settings, error, message):
    def docs():
        raise AssertionError("read before the settings were checked")
        yield

    with pytest.raises(error) as e:
        tidings.cluster(docs(), **settings)
    assert message in str(e.value)


def test_stage_values_of_different_corpora_or_types_are_refused(sample_records):
    big = tidings.assemble(tidings.analyze(sample_records))
    small = tidings.assemble(tidings.analyze(sample_records[:5]))
    vectors = tidings.vectorize(big, tidings.corpus_stats(big))
    other_graph = tidings.graph(tidings.vectorize(small, tidings.corpus_stats(small)))
    with pytest.raises(ValueError, match="the vectors is of 38 documents, the graph of 5"):
        tidings.stories(vectors, other_graph)
    with pytest.raises(ValueError, match="these bytes hold a Corpus, not a Vectors"):
        tidings.Vectors(big.to_bytes())
    with pytest.raises(ValueError, match="not a tidings stage value"):
        tidings.Corpus(b"\x00garbage")
    head, _, body = big.to_bytes().partition(b"\n")
    with pytest.raises(ValueError, match="reading a Corpus"):
        tidings.Corpus(head + b"\n" + body[: len(body) // 2])
    with pytest.raises(ValueError, match="written by tidings 0.0.0"):
        tidings.Corpus(b"tidings-py 0.0.0 Corpus\n" + body)


def test_eval_input_errors_name_the_row_or_line(tmp_path):
    with pytest.raises(ValueError, match=r"gold\[1\]: empty 'story'"):
        tidings.eval([("a", "s", "a1", "eng"), ("b", "", "a2", "eng")], [("a", "s")])
    with pytest.raises(ValueError, match=r"pred\[0\]: a row is \(id, story, article\), the last one optional; this one has 1"):
        tidings.eval([("a", "s", "a1", "eng")], [("a",)])
    bad = tmp_path / "gold.tsv"
    bad.write_text("id\tstory\narticle\tx\n")
    with pytest.raises(ValueError, match="gold.tsv:1: header has no `article` column"):
        tidings.eval(bad, [("a", "s")])
    with pytest.raises(OSError):
        tidings.eval(tmp_path / "missing.tsv", [("a", "s")])


# --- tables ---------------------------------------------------------------------


def test_pandas_dataframe_in_and_out(sample_records):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(sample_records)
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")  # Timestamps and NaT
    frame.loc[0, "title"] = float("nan")  # a missing cell is no title
    want = [dict(r, title=None) if i == 0 else r for i, r in enumerate(sample_records)]
    result = tidings.cluster(frame)
    assert result.stories_jsonl() == tidings.cluster(want).stories_jsonl()
    table = result.to_pandas()
    assert list(table.columns) == ["id", "story", "article", "variant"] and len(table) == 38
    stories = result.to_pandas("stories")
    assert list(stories["story"]) == [s["story"] for s in result.stories]


def test_arrow_table_in_and_out(sample_records):
    pa = pytest.importorskip("pyarrow")
    result = tidings.cluster(pa.Table.from_pylist(sample_records))
    assert result.stories_jsonl() == tidings.cluster(sample_records).stories_jsonl()
    table = result.to_arrow()
    assert table.column_names == ["id", "story", "article", "variant"] and table.num_rows == 38
    stories = result.to_arrow("stories")
    assert stories.num_rows == len(result.stories)
    assert stories.column("articles").to_pylist()[0][0]["article"] == result.stories[0]["articles"][0]["article"]


def test_polars_dataframe_in(sample_records):
    pl = pytest.importorskip("polars")
    result = tidings.cluster(pl.DataFrame(sample_records))
    assert result.stories_jsonl() == tidings.cluster(sample_records).stories_jsonl()


# --- the command line -------------------------------------------------------------


def test_python_m_tidings_is_the_cli(cli, cli_run):
    stories, _ = cli_run
    run = subprocess.run(
        [sys.executable, "-m", "tidings", "cluster", SAMPLE, "--quiet"], capture_output=True, cwd=REPO
    )
    assert (run.returncode, run.stdout) == (0, stories.read_bytes())
    bad = subprocess.run([sys.executable, "-m", "tidings", "cluster", "/nonexistent.jsonl"], capture_output=True)
    assert bad.returncode == 2 and b"/nonexistent.jsonl" in bad.stderr
    usage = subprocess.run([sys.executable, "-m", "tidings", "--help"], capture_output=True)
    assert usage.returncode == 0 and b"Usage: tidings" in usage.stdout


def test_main_returns_the_exit_code_without_exiting(capfd):
    assert tidings.main(["eval", "--gold", str(GOLD), "--assignments", "/nonexistent.tsv"]) == 2
    assert "/nonexistent.tsv" in capfd.readouterr().err


def test_the_package_docstring_example_runs():
    import doctest

    failures, tried = doctest.testmod(tidings, verbose=False)
    assert (failures, tried > 0) == (0, True)
