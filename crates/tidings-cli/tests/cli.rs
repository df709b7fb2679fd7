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

/// `tidings cluster INPUTS -o /dev/null --assignments A --rejects R`, which must
/// succeed; returns the assignment and reject rows.
fn cluster_ok(
    inputs: &[&Path],
    assign: &Path,
    rejects: &Path,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut args: Vec<&str> = vec!["cluster"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["-o", "/dev/null", "--assignments", assign.to_str().unwrap()]);
    args.extend(["--rejects", rejects.to_str().unwrap()]);
    let out = tidings(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (rows(assign), rows(rejects))
}

#[test]
fn bad_input_is_rejected_with_file_and_line_and_nothing_is_lost() {
    let input = crate::repo().join("crates/tidings-cli/tests/fixtures/bad.jsonl");
    let (assign, rejects) = (tmp("bad.assign.tsv"), tmp("bad.rejects.tsv"));
    let (assigned, rejected) = cluster_ok(&[&input], &assign, &rejects);
    // Every record is accounted for exactly once: in the assignments or in the
    // rejects, never both (a record rejected with a readable id gets no story).
    let lines = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(
        assigned.len() + rejected.len(),
        lines,
        "assigned {assigned:?}\nrejected {rejected:?}"
    );
    let assigned_ids: Vec<&str> = assigned.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(assigned_ids, ["b01", "b03", "b06", "b07"]);
    let reasons: Vec<(&str, &str)> = rejected
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(id, why)| *id == "b05" && why.contains("not a string")),
        "{reasons:?}"
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

/// `tidings eval --json` of a bundled corpus `data/NAME.jsonl` against its gold labels.
fn eval_bundled(name: &str) -> serde_json::Value {
    let input = crate::repo().join(format!("data/{name}.jsonl"));
    let gold = crate::repo().join(format!("data/{name}.gold.tsv"));
    let out = tidings(&[
        "eval",
        "--json",
        "--gold",
        gold.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_sample_clusters_and_scores() {
    let report = eval_bundled("sample");
    let f1 = report["story"]["b_cubed"]["f1"].as_f64().unwrap();
    assert!(f1 >= 0.9, "story B-cubed F1 on the bundled sample: {f1}");
}

/// The team's hard-negative set: three stories of one week about the same people
/// and places (a prime minister's gas deal in Doha, her party's defeat in Zagreb, an
/// airline order announced in Doha by the same minister), each told by independent
/// write-ups in several languages. Every story must come out whole and alone.
#[test]
fn same_people_different_events_stay_apart() {
    let report = eval_bundled("same-people");
    let story = &report["story"];
    assert_eq!(story["n_pred_clusters"], 3, "{story}");
    assert_eq!(story["b_cubed"]["f1"].as_f64(), Some(1.0), "{story}");
}

/// The numbers of the line of `text` whose first field is `first`, after `skip` fields.
fn fields<'a>(text: &'a str, first: &str, skip: usize) -> Vec<&'a str> {
    let line = text
        .lines()
        .find(|l| l.trim_start_matches('*').split_whitespace().next() == Some(first))
        .unwrap_or_else(|| panic!("no line `{first}` in\n{text}"));
    line.trim_start_matches('*')
        .split_whitespace()
        .skip(skip)
        .collect()
}

#[test]
fn eval_sweeps_thresholds_into_a_table_and_a_plot() {
    let sample = crate::repo().join("data/sample.jsonl");
    let gold = crate::repo().join("data/sample.gold.tsv");
    let (sample, gold) = (sample.to_str().unwrap(), gold.to_str().unwrap());
    let plot = tmp("sweep.svg");
    let out = crate::tidings_ok(&[
        "eval",
        sample,
        "--gold",
        gold,
        "--sweep-thresholds",
        "0.1,0.05,0.02",
        "--plot",
        plot.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let table = &text[text.find("threshold sweep").expect("a sweep table")..];
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "one row per threshold:\n{table}");
    for (row, t) in rows.iter().zip(["0.020", "0.050", "0.100"]) {
        assert_eq!(fields(row, t, 0)[0], t, "sorted by threshold:\n{table}");
    }
    assert!(rows.iter().any(|r| r.starts_with('*')), "best row marked");

    // The row at the default threshold is what a plain run reports.
    let plain = crate::tidings_ok(&["eval", sample, "--gold", gold]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    let story = fields(&plain, "story", 2); // pred, pair P/R/F, B3 P/R/F, ARI, NMI
    let cross = fields(&plain, "cross-lingual", 3); // recall
    let row = fields(table, "0.050", 1); // stories, pair P/R/F, B3 P/R/F, cross-R
    assert_eq!(row[..7], story[..7], "sweep row\n{table}\nplain\n{plain}");
    assert_eq!(row[7], cross[0]);

    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("tidings threshold sweep: sample"));
    assert_eq!(svg.matches("<polyline").count(), 9);

    // JSON: the sweep array, with the same numbers.
    let json = crate::tidings_ok(&["eval", sample, "--gold", gold, "--json", "--sweep"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let sweep = report["sweep"].as_array().unwrap();
    let at = |t: f64| {
        sweep
            .iter()
            .find(|r| (r["threshold"].as_f64().unwrap() - t).abs() < 1e-6)
            .unwrap()
    };
    assert_eq!(at(0.05)["b_cubed"], report["story"]["b_cubed"]);
    assert_eq!(at(0.05)["pairwise"], report["story"]["pairwise"]);
    assert_eq!(
        at(0.05)["cross_lingual"],
        report["story_pairs_by_lang"]["cross"]
    );
    assert!(sweep.len() >= 5, "the default thresholds");
}

#[test]
fn a_sweep_of_fixed_assignments_is_a_clear_error() {
    let gold = crate::repo().join("data/sample.gold.tsv");
    let gold = gold.to_str().unwrap();
    for flag in [
        &["--sweep"][..],
        &["--plot", "x.svg"],
        &["--sweep-thresholds", "0.1"],
    ] {
        let mut args = vec!["eval", "--gold", gold, "--assignments", gold];
        args.extend_from_slice(flag);
        let out = tidings(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {err}");
        assert!(
            err.contains("--assignments") && err.contains("sweep") && !err.contains("panicked"),
            "{err}"
        );
    }
    let sample = crate::repo().join("data/sample.jsonl");
    let out = tidings(&[
        "eval",
        sample.to_str().unwrap(),
        "--gold",
        gold,
        "--sweep-thresholds",
        "0.05,1.5",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(2) && err.contains("1.5"), "{err}");
}

#[test]
fn analyze_prints_pivots() {
    // (language, text, token, expected pivots column)
    let cases = [
        ("tur", "Bakan Kahire'de konuştu", "Kahire", "cairo:1.00"),
        ("tur", "Bakan Kahire'de konuştu", "de", "(stopword)"),
        ("tur", "Rusya'nın Bakanı", "nın", "(stopword)"),
        ("eng", "Elections in Cairo", "Elections", "elect:1.00"),
        ("cmn", "俄罗斯在开罗", "开罗", "cairo:1.00"),
        ("deu", "im Jahr 2025", "2025", "(number)"),
        // rust-stemmers panics on this word unless guarded ("" = any pivots).
        ("ell", "ανεύρετε το", "ανεύρετε", ""),
    ];
    for (lang, text, token, want) in cases {
        let out = tidings(&["analyze", "--lang", lang, "--text", text]);
        assert!(out.status.success(), "{lang} {text}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with("id\tlang\ttoken\tterm\tstem\tpivots\tname\n"),
            "{stdout}"
        );
        let row: Vec<&str> = stdout
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|f| f[2] == token)
            .unwrap_or_else(|| panic!("no row for {token}: {stdout}"));
        assert_eq!(row.len(), 7, "{stdout}");
        assert_eq!(row[1], lang, "{stdout}");
        if !want.is_empty() {
            assert_eq!(row[5], want, "{lang} {text}");
        }
    }
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

#[test]
fn ids_with_a_tab_are_kept_escaped_and_blank_ids_are_rejects() {
    let dir = tmp("bad-ids");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("txt")).unwrap();
    let text = "The harbour museum opened a hall of ship models on Sunday.";
    let jsonl = dir.join("in.jsonl");
    std::fs::write(
        &jsonl,
        format!(
            "{{\"id\":\"a\\tb\",\"text\":\"{text}\"}}\n{{\"id\":\"  \",\"text\":\"{text}\"}}\n{{\"id\":\"ok\",\"text\":\"{text}\"}}\n{{\"id\":\"nl\\r\\nnul\\u0000\",\"text\":\"{text}\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("txt/tab\tname.txt"), text).unwrap();
    std::fs::write(dir.join("txt/fine.txt"), text).unwrap();
    let (assign, rejects) = (dir.join("a.tsv"), dir.join("r.tsv"));
    let (assigned, rejected) = cluster_ok(&[&jsonl, &dir.join("txt")], &assign, &rejects);
    assert!(
        assigned.iter().chain(&rejected).all(|r| r.len() == 3),
        "{assigned:?} {rejected:?}"
    );
    // Escaped as README.md says: backslash, tab, CR, LF and NUL as `\\ \t \r \n \0`.
    let mut ids: Vec<&str> = assigned.iter().map(|r| r[0].as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["a\\tb", "fine", "nl\\r\\nnul\\0", "ok", "tab\\tname"]);
    let rejected_ids: Vec<&str> = rejected.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(rejected_ids, ["  "]);
}

#[test]
fn reading_nothing_is_an_error_not_a_success() {
    let dir = tmp("nothing");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("empty/readme.md"), "not news").unwrap();
    let all_bad = dir.join("bad.jsonl");
    std::fs::write(&all_bad, "not json\n{\"id\":\"x\",\"text\":3}\n").unwrap();
    let blank = dir.join("blank.jsonl");
    std::fs::write(&blank, "\n\n").unwrap();
    let rejects = dir.join("r.tsv");
    let cases = [
        (dir.join("empty"), "no input file in"),
        (all_bad.clone(), "all 2 records were rejected"),
        (blank, "the inputs hold no records"),
    ];
    for (input, want) in cases {
        let out = tidings(&[
            "cluster",
            input.to_str().unwrap(),
            "-o",
            "/dev/null",
            "--rejects",
            rejects.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{input:?}: {err}");
        assert!(
            err.contains(want) && !err.contains("panicked"),
            "{input:?}: {err}"
        );
    }
    // The rejects of the all-bad input were written before the error: nothing is lost.
    tidings(&[
        "cluster",
        all_bad.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(rows(&rejects).len(), 2);
}

/// A story names its publishers: each document's `source`, else its URL's host
/// without `www.`; sorted, each once.
#[test]
fn stories_list_their_sources() {
    let input = tmp("sources.jsonl");
    let text = "Flooding in the river valley forced 3,200 residents from their homes on Tuesday, officials in Valencia said, as rescue teams worked through the night.";
    let lines = [
        serde_json::json!({"id": "a", "url": "https://www.dw.com/en/flood/a-1", "text": text}),
        serde_json::json!({"id": "b", "source": "Reuters", "text": text}),
        serde_json::json!({"id": "c", "url": "http://user@elpais.com:8080/x?y", "text": text}),
        serde_json::json!({"id": "d", "url": "https://dw.com/de/b", "text": text}),
        serde_json::json!({"id": "e", "text": text}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&input, body).unwrap();
    let out = crate::tidings_ok(&["cluster", input.to_str().unwrap()]);
    let stories: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stories.len(), 1, "five copies of one text: one story");
    assert_eq!(
        stories[0]["sources"],
        serde_json::json!(["Reuters", "dw.com", "elpais.com"])
    );
}

/// `--pairs` audits every pair the engine compared, and each pair's decision is
/// the one the assignments show: kept within a story, cut across two.
#[test]
fn pairs_audit_each_compared_pair_as_the_assignments_have_it() {
    let input = crate::repo().join("data/templates.jsonl");
    let (assign, pairs) = (tmp("pairs.assign.tsv"), tmp("pairs.jsonl"));
    let out = tidings(&[
        "cluster",
        input.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--assignments",
        assign.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let place: std::collections::HashMap<String, (String, String)> = rows(&assign)
        .into_iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect();
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&pairs)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.len() >= 6, "{} pairs", records.len());
    let mut relations = std::collections::BTreeSet::new();
    for r in &records {
        let (a, b) = (
            &place[r["a"].as_str().unwrap()],
            &place[r["b"].as_str().unwrap()],
        );
        let relation = r["relation"].as_str().unwrap();
        let decision = r["decision"].as_str().unwrap();
        assert_eq!(decision == "kept", a.0 == b.0, "{r}");
        let one_article = matches!(relation, "copy" | "version" | "translation");
        assert_eq!(one_article, a.1 == b.1, "{r}");
        assert!(!r["why"].as_str().unwrap().is_empty(), "{r}");
        assert!((0.0..=1.0001).contains(&r["sim"].as_f64().unwrap()), "{r}");
        relations.insert(relation.to_string());
    }
    // The corpus has syndicated copies, a translation and an independent report.
    for kind in ["translation", "independent"] {
        assert!(relations.contains(kind), "{relations:?}");
    }
    assert!(
        relations.contains("copy") || relations.contains("version"),
        "{relations:?}"
    );
}
