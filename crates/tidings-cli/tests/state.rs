//! Incremental runs (`cluster --state DIR`): day by day against the one-shot run of
//! all days, story ids that never change, and the state's refusals.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tidings_eval::b_cubed;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidings-state-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A run's assignments (`id → story`) and, per story id, the earlier ids that
/// retired into it.
struct Run {
    story_of: HashMap<String, String>,
    merged: HashMap<String, Vec<String>>,
}

/// Clusters `input` (with `--state` if given).
fn run(input: &Path, state: Option<&Path>, out: &Path, extra: &[&str]) -> Run {
    let assignments = out.with_extension("tsv");
    let stories = out.with_extension("jsonl");
    let mut args = vec![
        "cluster",
        input.to_str().unwrap(),
        "-o",
        stories.to_str().unwrap(),
        "--assignments",
        assignments.to_str().unwrap(),
        "--quiet",
    ];
    if let Some(s) = state {
        args.extend(["--state", s.to_str().unwrap()]);
    }
    args.extend(extra);
    crate::tidings_ok(&args);
    let merged = std::fs::read_to_string(&stories)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let ids = v["merged"].as_array().map_or(Vec::new(), |a| {
                a.iter().map(|x| x.as_str().unwrap().to_string()).collect()
            });
            (v["story"].as_str().unwrap().to_string(), ids)
        })
        .collect();
    Run {
        story_of: crate::tsv_column(&assignments, 1),
        merged,
    }
}

/// The lines of `input` split in two by `day_two`.
fn split(
    input: &Path,
    dir: &Path,
    day_two: impl Fn(usize, &serde_json::Value) -> bool,
) -> (PathBuf, PathBuf) {
    let (mut one, mut two) = (String::new(), String::new());
    for (i, line) in std::fs::read_to_string(input).unwrap().lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let to = if day_two(i, &v) { &mut two } else { &mut one };
        to.push_str(line);
        to.push('\n');
    }
    let (a, b) = (dir.join("day1.jsonl"), dir.join("day2.jsonl"));
    std::fs::write(&a, one).unwrap();
    std::fs::write(&b, two).unwrap();
    (a, b)
}

/// How far the incremental partition is from the one-shot one: B³ F1 of one
/// against the other, over the ids both have (all of them).
fn agreement(one_shot: &HashMap<String, String>, incremental: &HashMap<String, String>) -> f64 {
    let mut ids: Vec<&String> = one_shot.keys().collect();
    ids.sort();
    let number = |m: &HashMap<String, String>| {
        let mut n: HashMap<&str, u32> = HashMap::new();
        ids.iter()
            .map(|id| {
                let s = m[*id].as_str();
                let k = n.len() as u32;
                *n.entry(s).or_insert(k)
            })
            .collect::<Vec<u32>>()
    };
    b_cubed(&number(one_shot), &number(incremental)).f1
}

/// How far apart two runs may be (B³ F1 of one partition against the other).
struct Tolerance {
    /// Over the documents of day 2's output: the batch and the earlier documents
    /// clustered again with it, as a one-shot run clusters them.
    batch: f64,
    /// Over every document: day-1 stories out of day 2's reach keep the weights of
    /// day 1's statistics, where the one-shot run weighs them with both days'.
    all: f64,
    /// Share of the day-1 documents in day 2's output that may leave the story of
    /// their day-1 id (a story that day 2's documents split).
    moved: f64,
}

/// Day 1, then day 2 into the same state, against one run over both days. The
/// partitions must agree within `tol`, and day 1's story ids must hold: each day-1
/// document still in day 2's output is in the story of its day-1 id, or in the
/// story that id retired into, except for at most `tol.moved` of them.
fn day_by_day(
    input: &Path,
    dir: &Path,
    day_two: impl Fn(usize, &serde_json::Value) -> bool,
    tol: Tolerance,
) -> (Run, Run) {
    let (one, two) = split(input, dir, day_two);
    let state = dir.join("state");
    let day1 = run(&one, Some(&state), &dir.join("a1"), &[]);
    let day2 = run(&two, Some(&state), &dir.join("a2"), &[]);
    let all = run(input, None, &dir.join("all"), &[]);
    let (mut kept, mut seen) = (0usize, 0usize);
    for (id, story) in &day1.story_of {
        if let Some(later) = day2.story_of.get(id) {
            seen += 1;
            if later == story || day2.merged.get(later).is_some_and(|m| m.contains(story)) {
                kept += 1;
            }
        }
    }
    assert!(
        (seen - kept) as f64 <= tol.moved * seen as f64,
        "{} of {seen} day-1 documents left the story of their day-1 id",
        seen - kept
    );
    // Where day 2 is, day 1 as it ended (frozen documents are not written again).
    let mut latest = day1.story_of.clone();
    latest.extend(day2.story_of.iter().map(|(a, b)| (a.clone(), b.clone())));
    let f1 = agreement(&all.story_of, &latest);
    let of_batch = |m: &HashMap<String, String>| -> HashMap<String, String> {
        m.iter()
            .filter(|(id, _)| day2.story_of.contains_key(*id))
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect()
    };
    let f1_batch = agreement(&of_batch(&all.story_of), &day2.story_of);
    eprintln!(
        "{}: day by day vs one-shot B³ F1 {f1:.4}, over day 2's output {f1_batch:.4}; {kept} of {seen} day-1 documents in the story of their day-1 id (or the one it retired into)",
        input.display()
    );
    assert!(
        f1_batch >= 1.0 - tol.batch,
        "day 2's output vs one-shot: B³ F1 {f1_batch:.4} < {}",
        1.0 - tol.batch
    );
    assert!(
        f1 >= 1.0 - tol.all,
        "day by day vs one-shot: B³ F1 {f1:.4} < {}",
        1.0 - tol.all
    );
    (day1, day2)
}

#[test]
fn sample_day_by_day_is_the_one_shot_partition_with_day_one_ids() {
    let dir = tmp("sample");
    let input = crate::repo().join("data/sample.jsonl");
    // Undated: every day-1 document is open and clustered again with day 2, as
    // the one-shot run clusters it: the same partition.
    let (day1, day2) = day_by_day(
        &input,
        &dir,
        |i, _| i % 2 == 1,
        Tolerance {
            batch: 0.0,
            all: 0.0,
            moved: 0.1,
        },
    );
    assert!(day1
        .story_of
        .keys()
        .all(|id| day2.story_of.contains_key(id)));
    // Some day-2 document joined a story that day 1 wrote.
    let day1_stories: std::collections::HashSet<&String> = day1.story_of.values().collect();
    assert!(day2
        .story_of
        .iter()
        .any(|(id, s)| !day1.story_of.contains_key(id) && day1_stories.contains(s)));
}

#[test]
fn ntrex_day_by_day_by_language_joins_the_stories_of_day_one() {
    let Some(input) = crate::shared("data/ntrex-dev.jsonl") else {
        return;
    };
    let dir = tmp("ntrex");
    // Day 1: eight languages of every story; day 2: the other eight.
    let gold = input.with_file_name("ntrex-dev.gold.tsv");
    let lang_of = crate::tsv_column(&gold, 3);
    let mut langs: Vec<&String> = lang_of.values().collect();
    langs.sort();
    langs.dedup();
    assert!(langs.len() >= 8, "{langs:?}");
    let second: Vec<&String> = langs.iter().skip(langs.len() / 2).copied().collect();
    let (day1, day2) = day_by_day(
        &input,
        &dir,
        |_, v| {
            let lang = &lang_of[v["id"].as_str().unwrap()];
            second.contains(&lang)
        },
        Tolerance {
            batch: 0.0,
            all: 0.0,
            moved: 0.02,
        },
    );
    let day1_stories: std::collections::HashSet<&String> = day1.story_of.values().collect();
    let joined = day2
        .story_of
        .iter()
        .filter(|(id, s)| !day1.story_of.contains_key(*id) && day1_stories.contains(s))
        .count();
    let added = day2
        .story_of
        .keys()
        .filter(|id| !day1.story_of.contains_key(*id))
        .count();
    assert!(
        joined * 10 >= added * 9,
        "{joined} of {added} day-2 translations joined a day-1 story"
    );
}

#[test]
fn dated_batches_read_only_the_stories_they_can_reach() {
    let dir = tmp("dated");
    let (corpus, gold) = (dir.join("synth.jsonl"), dir.join("synth.gold.tsv"));
    let repo = crate::repo();
    crate::tidings_ok(&[
        "synth",
        repo.join("data/sample.jsonl").to_str().unwrap(),
        "--gold",
        repo.join("data/sample.gold.tsv").to_str().unwrap(),
        "--docs",
        "3000",
        "--seed",
        "3",
        "--out",
        corpus.to_str().unwrap(),
        "--out-gold",
        gold.to_str().unwrap(),
    ]);
    // Day 2: the documents of the last third of the dates.
    let mut dates: Vec<String> = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .filter_map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["date"]
                .as_str()
                .map(String::from)
        })
        .collect();
    dates.sort();
    let cut = dates[dates.len() * 2 / 3].clone();
    // Measured: 0.9838 over all (the frozen day-1 stories), 1.0 over the batch's
    // output; 5 of the 7 day-1 documents clustered again kept their ids. (Until the furniture rule for pages without a site was fixed, this
    // corpus lost most of its text, and agreed at 0.998.)
    let (day1, day2) = day_by_day(
        &corpus,
        &dir,
        |_, v| v["date"].as_str().is_some_and(|d| d >= cut.as_str()),
        Tolerance {
            batch: 0.01,
            all: 0.03,
            moved: 0.3,
        },
    );
    // The day-1 stories dated long before day 2 are out of its reach: not read,
    // not clustered again.
    let untouched = day1
        .story_of
        .keys()
        .filter(|id| !day2.story_of.contains_key(*id))
        .count();
    assert!(untouched > 0, "day 2 clustered every day-1 document again");
}

#[test]
fn a_state_refuses_known_ids_other_settings_and_damage() {
    let dir = tmp("refuse");
    let input = crate::repo().join("data/sample.jsonl");
    let state = dir.join("state");
    run(&input, Some(&state), &dir.join("a1"), &[]);
    // The same batch again: every record is a known id, listed as a reject, and
    // nothing new was read: an error, and the state unchanged.
    let before = std::fs::read(state.join("state.bin")).unwrap();
    let rejects = dir.join("rejects.jsonl");
    let out = crate::tidings(&[
        "cluster",
        input.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--state",
        state.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(!out.status.success());
    let text = std::fs::read_to_string(&rejects).unwrap();
    let n_input = std::fs::read_to_string(&input).unwrap().lines().count();
    assert_eq!(text.lines().count(), n_input);
    assert!(
        text.contains("an earlier batch of the state had it"),
        "{text}"
    );
    assert!(
        std::fs::read(state.join("state.bin")).unwrap() == before,
        "a failed batch changed the state"
    );
    // Other settings.
    let out = crate::tidings(&[
        "cluster",
        input.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--threshold",
        "0.3",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stories.threshold"), "{err}");
    // A damaged state.
    std::fs::write(state.join("state.bin"), b"tidings-state 0.0.0\nxx").unwrap();
    let out = crate::tidings(&[
        "cluster",
        input.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("state.bin"), "{err}");
}

/// A batch that the exit rules stop after it wrote its blocks (here: one line it
/// cannot read, with no rejects allowed) leaves the state as it was: the same batch
/// run again gives what it gives on a state that never saw it, and the blocks the
/// stopped run wrote held its documents.
#[test]
fn a_stopped_batch_leaves_the_state_as_it_was() {
    let dir = tmp("stopped");
    let input = crate::repo().join("data/sample.jsonl");
    let (day1, day2) = split(&input, &dir, |i, _| i % 2 == 1);
    let broken = dir.join("day2-broken.jsonl");
    let mut text = std::fs::read_to_string(&day2).unwrap();
    text.push_str("{not json\n");
    std::fs::write(&broken, text).unwrap();
    let (stopped, clean) = (dir.join("stopped"), dir.join("clean"));
    for state in [&stopped, &clean] {
        run(&day1, Some(state), &dir.join("one"), &[]);
    }
    let blocks = |state: &Path| -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(state.join("blocks"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    };
    let (index, before) = (
        std::fs::read(stopped.join("state.bin")).unwrap(),
        blocks(&stopped),
    );
    let out = crate::tidings(&[
        "cluster",
        broken.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--state",
        stopped.to_str().unwrap(),
        "--max-reject-share",
        "0",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(stopped.join("state.bin")).unwrap(), index);
    assert_ne!(blocks(&stopped), before, "the stopped run wrote no block");
    let again = run(&day2, Some(&stopped), &dir.join("again"), &[]);
    let fresh = run(&day2, Some(&clean), &dir.join("fresh"), &[]);
    assert_eq!(again.story_of, fresh.story_of);
    assert_eq!(again.merged, fresh.merged);
    assert_eq!(blocks(&stopped), blocks(&clean));
}
