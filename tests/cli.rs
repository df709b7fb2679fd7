//! The real binary, end to end: outputs, bad input, the demo sample.

use crate::tidings;
use std::path::Path;

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tidings-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn bad_input_is_rejected_with_file_and_line_and_nothing_is_lost() {
    let input = crate::repo().join("tests/fixtures/bad.jsonl");
    let (assign, rejects) = (tmp("bad.assign.tsv"), tmp("bad.rejects.tsv"));
    let out = tidings(&[
        "cluster",
        input.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--assignments",
        assign.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rejected = rows(&rejects);
    let assigned = rows(&assign);
    // Every line is accounted for: each id has exactly one row; lines without an id are in the rejects.
    let lines = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let no_id = rejected.iter().filter(|r| r[1].is_empty()).count();
    let dup = rejected
        .iter()
        .filter(|r| r[2].starts_with("duplicate id"))
        .count();
    assert_eq!(
        assigned.len() + no_id + dup,
        lines,
        "assigned {assigned:?}\nrejected {rejected:?}"
    );
    let mut ids: Vec<&str> = assigned.iter().map(|r| r[0].as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), assigned.len(), "one row per id");
    for r in rejected
        .iter()
        .filter(|r| !r[2].starts_with("duplicate id"))
    {
        assert!(
            r[0].starts_with(input.to_str().unwrap())
                && r[0].rsplit(':').next().unwrap().parse::<usize>().is_ok(),
            "a reject names file and line: {r:?}"
        );
    }
}

#[test]
fn a_missing_input_is_a_clear_error_not_a_panic() {
    let out = tidings(&["cluster", "/nonexistent/news.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/news.jsonl") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn the_sample_clusters_and_scores() {
    let sample = crate::repo().join("data/sample.jsonl");
    let gold = crate::repo().join("data/sample.gold.tsv");
    let out = tidings(&[
        "eval",
        "--json",
        "--gold",
        gold.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = report["story"]["b_cubed"]["f1"].as_f64().unwrap();
    assert!(f1 >= 0.9, "story B-cubed F1 on the bundled sample: {f1}");
}

#[test]
fn analyze_prints_pivots() {
    let out = tidings(&[
        "analyze",
        "--lang",
        "tur",
        "--text",
        "Dışişleri Bakanı Kahire'de konuştu",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("id\tlang\ttoken\tterm\tpivots\n"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.contains("\tKahire\t")), "{text}");
}

#[test]
fn synth_grows_the_sample_with_one_gold_row_per_document() {
    let sample = crate::repo().join("data/sample.jsonl");
    let gold = crate::repo().join("data/sample.gold.tsv");
    let (out, out_gold) = (tmp("synth.jsonl"), tmp("synth.gold.tsv"));
    let args = [
        "synth",
        sample.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
        "--docs",
        "500",
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
        "--out-gold",
        out_gold.to_str().unwrap(),
    ];
    let run = crate::tidings_ok(&args);
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("500 documents"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = std::fs::read_to_string(&out).unwrap();
    let ids: Vec<String> = docs
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["lang"].as_str().is_some_and(|l| l.len() == 3), "{l}");
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 500);
    let labelled = rows(&out_gold);
    assert_eq!(labelled.len(), 500);
    let mut gold_ids: Vec<&str> = labelled.iter().map(|r| r[0].as_str()).collect();
    let mut doc_ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    gold_ids.sort_unstable();
    doc_ids.sort_unstable();
    gold_ids.dedup();
    assert_eq!(gold_ids, doc_ids, "the gold covers every id once");
    // Same seed, same bytes.
    let first = std::fs::read(&out).unwrap();
    crate::tidings_ok(&args);
    assert_eq!(first, std::fs::read(&out).unwrap());
    // The engine can be scored on it.
    let eval = crate::tidings_ok(&[
        "eval",
        "--json",
        "--gold",
        out_gold.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert!(report["story"]["b_cubed"]["f1"].as_f64().is_some());
}

#[test]
fn synth_names_the_line_whose_id_the_gold_lacks() {
    let sample = crate::repo().join("data/sample.jsonl");
    let partial = tmp("partial.gold.tsv");
    let gold = std::fs::read_to_string(crate::repo().join("data/sample.gold.tsv")).unwrap();
    let kept: Vec<&str> = gold.lines().take(4).collect();
    std::fs::write(&partial, kept.join("\n") + "\n").unwrap();
    let out = tidings(&[
        "synth",
        sample.to_str().unwrap(),
        "--gold",
        partial.to_str().unwrap(),
        "--docs",
        "10",
        "--out",
        tmp("never.jsonl").to_str().unwrap(),
        "--out-gold",
        tmp("never.gold.tsv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sample.jsonl:")
            && err.contains("is not in the gold labels")
            && !err.contains("panicked"),
        "{err}"
    );
}
