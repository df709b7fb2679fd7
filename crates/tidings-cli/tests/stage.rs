//! The stage commands (`furniture`, `analyze-batch`, `stats-merge`, `graph`,
//! `stories`): over any number of shards, the bytes `tidings cluster` writes;
//! resumable by their `.done` markers; a bad stage file is an error naming it.

use crate::{tidings, tidings_ok};
use std::path::{Path, PathBuf};

/// A fresh folder for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tidings-stage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The lines of `input` cut into `n` consecutive files in `d` (the last ones may
/// be empty), with `extra` appended to the part it names.
fn split(input: &Path, n: usize, d: &Path, extra: &[(usize, &str)]) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(input).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let per = lines.len().div_ceil(n);
    (0..n)
        .map(|i| {
            let mut part: String = lines
                .iter()
                .skip(i * per)
                .take(per)
                .map(|l| format!("{l}\n"))
                .collect();
            for (_, line) in extra.iter().filter(|(j, _)| *j == i) {
                part.push_str(line);
                part.push('\n');
            }
            let p = d.join(format!("part-{i}.jsonl"));
            std::fs::write(&p, part).unwrap();
            p
        })
        .collect()
}

/// Stories, assignments and rejects as written.
type Outputs = (Vec<u8>, Vec<u8>, Vec<u8>);

fn read_outputs(d: &Path, prefix: &str) -> Outputs {
    let r = |ext: &str| std::fs::read(d.join(format!("{prefix}.{ext}"))).unwrap();
    (r("stories.jsonl"), r("assignments.tsv"), r("rejects.jsonl"))
}

/// `tidings cluster` on `inputs`.
fn cluster(inputs: &[PathBuf], d: &Path) -> Outputs {
    let mut args = vec!["cluster".to_string()];
    args.extend(inputs.iter().map(|p| s(p).to_string()));
    for (flag, ext) in [
        ("-o", "stories.jsonl"),
        ("--assignments", "assignments.tsv"),
        ("--rejects", "rejects.jsonl"),
    ] {
        args.push(flag.into());
        args.push(s(&d.join(format!("cluster.{ext}"))).into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tidings(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    read_outputs(d, "cluster")
}

/// The stage commands on one shard per part, as a script would run them.
fn stages(parts: &[PathBuf], d: &Path) -> Outputs {
    let shard = |i: usize, ext: &str| d.join(format!("{i}.{ext}"));
    for (i, p) in parts.iter().enumerate() {
        tidings_ok(&["furniture", s(p), "--out", s(&shard(i, "furniture"))]);
    }
    let merge = |ext: &str, out: &Path| {
        let mut args = vec!["stats-merge".to_string()];
        args.extend((0..parts.len()).map(|i| s(&shard(i, ext)).to_string()));
        args.extend(["--out".into(), s(out).into()]);
        tidings_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    };
    let furniture = d.join("all.furniture");
    merge("furniture", &furniture);
    for (i, p) in parts.iter().enumerate() {
        tidings_ok(&[
            "analyze-batch",
            s(p),
            "--furniture",
            s(&furniture),
            "--out",
            s(&shard(i, "shard")),
            "--stats",
            s(&shard(i, "stats")),
        ]);
    }
    let stats = d.join("all.stats");
    merge("stats", &stats);
    let graph = d.join("run.graph");
    let mut args = vec!["graph".to_string()];
    args.extend((0..parts.len()).map(|i| s(&shard(i, "shard")).to_string()));
    args.extend(["--stats", s(&stats), "--out", s(&graph)].map(String::from));
    tidings_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut args = vec!["stories".to_string(), "--graph".into(), s(&graph).into()];
    args.extend(parts.iter().map(|p| s(p).to_string()));
    for (flag, ext) in [
        ("-o", "stories.jsonl"),
        ("--assignments", "assignments.tsv"),
        ("--rejects", "rejects.jsonl"),
    ] {
        args.push(flag.into());
        args.push(s(&d.join(format!("stages.{ext}"))).into());
    }
    tidings_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    read_outputs(d, "stages")
}

/// Over 1, 2 and 3 shards, the stages write what `cluster` writes on the whole file.
fn check_identity(input: &Path, name: &str) {
    let d = dir(name);
    let whole = cluster(&[input.to_path_buf()], &d);
    assert!(!whole.0.is_empty() && !whole.1.is_empty());
    for n in 1..=3 {
        let sub = d.join(format!("{n}-shards"));
        std::fs::create_dir_all(&sub).unwrap();
        let parts = split(input, n, &sub, &[]);
        let staged = stages(&parts, &sub);
        assert!(
            staged == whole,
            "{name}: stages over {n} shards differ from cluster (see {})",
            sub.display()
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn stages_over_shards_write_what_cluster_writes_on_the_sample() {
    check_identity(&crate::repo().join("data/sample.jsonl"), "sample");
}

#[test]
fn stages_over_shards_write_what_cluster_writes_on_the_templates() {
    check_identity(&crate::repo().join("data/templates.jsonl"), "templates");
}

#[test]
fn stages_over_shards_write_what_cluster_writes_on_ntrex_dev() {
    let Some(input) = crate::shared("data/ntrex-dev.jsonl") else {
        return;
    };
    check_identity(&input, "ntrex");
}

#[test]
fn rejects_and_duplicate_ids_across_shards_come_out_as_cluster_has_them() {
    let d = dir("rejects");
    let input = crate::repo().join("data/sample.jsonl");
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&input)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let id = first["id"].as_str().unwrap();
    let dup_a = format!(r#"{{"id": "{id}", "text": "A different text under the same id."}}"#);
    let dup_b = format!(r#"{{"id": "{id}", "text": "Yet another text under that id."}}"#);
    for n in 1..=3 {
        let sub = d.join(format!("{n}-shards"));
        std::fs::create_dir_all(&sub).unwrap();
        let extra = [
            (0, "{not json"),
            (n - 1, dup_a.as_str()),
            (n / 2, r#"{"text": "no id"}"#),
            (n / 2, dup_b.as_str()),
        ];
        let parts = split(&input, n, &sub, &extra);
        let staged = stages(&parts, &sub);
        let whole = cluster(&parts, &sub);
        assert!(
            staged == whole,
            "{n} shards with rejects differ from cluster (see {})",
            sub.display()
        );
        assert_eq!(
            String::from_utf8_lossy(&staged.2).lines().count(),
            4,
            "two unreadable records, two duplicate ids"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `tidings analyze-batch` on one part, its stderr.
fn analyze(part: &Path, out: &Path, more: &[&str]) -> String {
    let mut args = vec!["analyze-batch", s(part), "--out", s(out)];
    args.extend(more);
    stderr(&tidings_ok(&args))
}

#[test]
fn a_finished_stage_is_not_redone_and_a_changed_one_is() {
    let d = dir("resume");
    let input = crate::repo().join("data/sample.jsonl");
    let part = split(&input, 1, &d, &[]).remove(0);
    let out = d.join("a.shard");
    let marker = d.join("a.shard.done");
    let first = analyze(&part, &out, &[]);
    assert!(!first.contains("not redone"), "{first}");
    assert!(marker.exists());
    let bytes = std::fs::read(&out).unwrap();
    // The same inputs and settings: skipped, and said so.
    let again = analyze(&part, &out, &[]);
    assert!(again.contains("done already, not redone"), "{again}");
    // A setting that shapes the output: redone.
    let other = analyze(&part, &out, &["--text-field", "body"]);
    assert!(other.contains("is stale"), "{other}");
    assert_ne!(std::fs::read(&out).unwrap(), bytes);
    analyze(&part, &out, &[]);
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // A changed input: redone.
    let mut text = std::fs::read_to_string(&part).unwrap();
    text.push_str("{\"id\": \"new\", \"text\": \"One more record.\"}\n");
    std::fs::write(&part, &text).unwrap();
    let changed = analyze(&part, &out, &[]);
    assert!(changed.contains("is stale"), "{changed}");
    assert!(changed.contains("39 documents read"), "{changed}");
    let bytes = std::fs::read(&out).unwrap();
    // No marker (a run killed before writing it): redone.
    std::fs::remove_file(&marker).unwrap();
    let redone = analyze(&part, &out, &[]);
    assert!(!redone.contains("not redone"), "{redone}");
    assert!(marker.exists());
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // An output removed or rewritten under its marker: redone.
    std::fs::remove_file(&out).unwrap();
    let missing = analyze(&part, &out, &[]);
    assert!(missing.contains("is stale"), "{missing}");
    std::fs::write(&out, b"truncated").unwrap();
    let rewritten = analyze(&part, &out, &[]);
    assert!(rewritten.contains("is stale"), "{rewritten}");
    assert_eq!(std::fs::read(&out).unwrap(), bytes);

    // The graph: another engine setting redoes it, and the stories refuse a graph
    // built with other settings than theirs.
    let graph = d.join("run.graph");
    let g = |more: &[&str]| {
        let mut args = vec!["graph", s(&out), "--out", s(&graph)];
        args.extend(more);
        stderr(&tidings_ok(&args))
    };
    g(&[]);
    assert!(g(&[]).contains("not redone"));
    assert!(g(&["--threshold", "0.1"]).contains("is stale"));
    let stories = tidings(&[
        "stories",
        "--graph",
        s(&graph),
        s(&part),
        "-o",
        s(&d.join("stories.jsonl")),
    ]);
    assert_eq!(stories.status.code(), Some(2));
    assert!(
        stderr(&stories).contains("other engine settings"),
        "{}",
        stderr(&stories)
    );
    let stories_out = d.join("stories.jsonl");
    let ok = |more: &[&str]| {
        let mut args = vec![
            "stories",
            "--graph",
            s(&graph),
            s(&part),
            "-o",
            s(&stories_out),
            "--threshold",
            "0.1",
        ];
        args.extend(more);
        stderr(&tidings_ok(&args))
    };
    assert!(!ok(&[]).contains("not redone"));
    assert!(ok(&[]).contains("not redone"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_damaged_or_wrong_stage_file_is_an_error_naming_it() {
    let d = dir("bad-files");
    let input = crate::repo().join("data/sample.jsonl");
    let part = split(&input, 1, &d, &[]).remove(0);
    let shard = d.join("a.shard");
    let stats = d.join("a.stats");
    analyze(&part, &shard, &["--stats", s(&stats)]);
    let bytes = std::fs::read(&shard).unwrap();
    let mut damaged = bytes.clone();
    let at = damaged.len() / 2;
    damaged[at] ^= 0x40;
    let other_version = String::from_utf8_lossy(&bytes).replacen(" 0.", " 9.", 1);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("damaged", damaged, "damaged"),
        ("cut", bytes[..bytes.len() - 10].to_vec(), "cut short"),
        (
            "jsonl",
            b"{\"id\": \"a\"}\n".to_vec(),
            "not a tidings stage file",
        ),
        ("empty", Vec::new(), "not a tidings stage file"),
        (
            "version",
            other_version.into_bytes(),
            "written by tidings 9.",
        ),
    ];
    for (name, data, says) in cases {
        let bad = d.join(format!("{name}.shard"));
        std::fs::write(&bad, data).unwrap();
        let out = tidings(&["graph", s(&bad), "--out", s(&d.join("g"))]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(s(&bad)) && err.contains(says) && !err.contains("panicked"),
            "{name}: {err}"
        );
        assert!(!d.join("g").exists() && !d.join("g.done").exists());
    }
    // A file of another type where a shard belongs, and two types in one merge.
    let out = tidings(&["graph", s(&stats), "--out", s(&d.join("g"))]);
    assert!(
        stderr(&out).contains("holds a ShardStats, not the AnalyzedShard"),
        "{}",
        stderr(&out)
    );
    let out = tidings(&[
        "stats-merge",
        s(&stats),
        s(&shard),
        "--out",
        s(&d.join("m")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("one type"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_run_of_stages_that_reads_nothing_fails_at_the_stories_as_cluster_does() {
    let d = dir("nothing");
    let part = d.join("bad.jsonl");
    std::fs::write(&part, "{not json\n{\"text\": \"no id\"}\n").unwrap();
    let shard = d.join("a.shard");
    analyze(&part, &shard, &[]);
    let graph = d.join("run.graph");
    tidings_ok(&["graph", s(&shard), "--out", s(&graph)]);
    let rejects = d.join("rejects.jsonl");
    let stories = d.join("stories.jsonl");
    let out = tidings(&[
        "stories",
        "--graph",
        s(&graph),
        s(&part),
        "-o",
        s(&stories),
        "--rejects",
        s(&rejects),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no document could be read"),
        "{}",
        stderr(&out)
    );
    // The rejects say why, and no marker says the stage succeeded.
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap().lines().count(),
        2
    );
    assert!(!d.join("stories.jsonl.done").exists());
    // --on-error fail stops the shard at its first reject, with no output.
    let out = tidings(&[
        "analyze-batch",
        s(&part),
        "--out",
        s(&d.join("b.shard")),
        "--on-error",
        "fail",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("b.shard").exists() && !d.join("b.shard.done").exists());
    let _ = std::fs::remove_dir_all(&d);
}
