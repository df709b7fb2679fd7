//! `tidings dedup`, end to end: every field passed through, nothing lost, the same
//! answer whatever the input order and thread count, the exact level's rule, and
//! the article and story levels against `tidings cluster`.

use crate::{repo, tidings};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A fresh folder for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tidings-dedup-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    repo().join("data/sample.jsonl")
}

/// What one run wrote.
struct Run {
    kept: Vec<String>,
    dropped: Vec<String>,
    rejects: Vec<Value>,
    stderr: String,
    code: Option<i32>,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "{}", self.stderr);
        self
    }

    fn ids(lines: &[String]) -> Vec<String> {
        lines.iter().map(|l| id_of(&parse(l))).collect()
    }
}

fn parse(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// An id as tidings reads it: a string, or a number as written.
fn id_of(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| s.lines().map(String::from).collect())
        .unwrap_or_default()
}

/// `tidings dedup INPUTS --level LEVEL` with every output in `d`, and `extra` flags.
fn dedup(d: &Path, inputs: &[&Path], level: &str, extra: &[&str]) -> Run {
    let (kept, dropped, rejects) = (
        d.join("kept.jsonl"),
        d.join("dropped.jsonl"),
        d.join("rejects.jsonl"),
    );
    for f in [&kept, &dropped, &rejects] {
        let _ = std::fs::remove_file(f);
    }
    let mut args: Vec<&str> = vec!["dedup", "--level", level, "-q"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", kept.to_str().unwrap()]);
    args.extend(["--dropped", dropped.to_str().unwrap()]);
    args.extend(["--rejects", rejects.to_str().unwrap()]);
    args.extend(extra);
    let out = tidings(&args);
    Run {
        kept: lines(&kept),
        dropped: lines(&dropped),
        rejects: lines(&rejects).iter().map(|l| parse(l)).collect(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

const LEVELS: [&str; 3] = ["exact", "article", "story"];

/// Records that carry what a passthrough can break: unknown and nested fields,
/// unicode raw and escaped, numbers as written (an exponent, 20 digits, -0.0),
/// odd spacing and key order, a numeric id.
const ODD_RECORDS: &str = r#"{"id":"n1","text":"The council met on Monday to approve the budget.","meta":{"source":{"name":"Wire","tags":["a",1.5e3,null,true]}},"big":12345678901234567890,"sci":1.0e5,"neg":-0.0,"uni":"Kahire'de görüştü – 北京 🚀","esc":"caf\u00e9 \"quoted\" \/ \\","zz":1,"aa":2}
  {"zz_first": 0, "id" : "n2" , "text" : "Another text entirely, about the harbour and its cranes."  ,  "x": {"y": {"z": []}} }	
{"id":12345678901234567890123,"text":"A numeric id stays as written, and so does this record.","date":"2026-05-07","n":[1.0,2.50,3e-7]}
"#;

/// The part of a record an output line must start with: all of it but its
/// closing brace, byte for byte.
fn head(record: &str) -> &str {
    let t = record.trim_matches([' ', '\t', '\n', '\r']);
    &t[..t.len() - 1]
}

#[test]
fn every_field_is_kept_as_written() {
    let d = dir("fields");
    let input = d.join("odd.jsonl");
    std::fs::write(&input, ODD_RECORDS).unwrap();
    let records: Vec<&str> = ODD_RECORDS.lines().collect();
    for level in LEVELS {
        let run = dedup(&d, &[&input], level, &[]).ok();
        let all: Vec<&String> = run.kept.iter().chain(&run.dropped).collect();
        assert_eq!(all.len(), records.len(), "{level}");
        for record in &records {
            let line = all
                .iter()
                .find(|l| l.starts_with(head(record)))
                .unwrap_or_else(|| panic!("{level}: no output line starts with {record}"));
            // The whole line is JSON; after the record come a comma, the four
            // added fields and the brace.
            parse(line);
            let added = parse(&format!("{{{}", &line[head(record).len() + 1..]));
            let keys: Vec<&str> = added
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys.len(), 4, "{level}: {line}");
            for k in ["story", "article", "variant", "representative"] {
                assert!(added.get(k).is_some(), "{level}: {k} missing in {line}");
            }
        }
        let numeric = all
            .iter()
            .find(|l| l.contains("12345678901234567890123"))
            .unwrap();
        let kept_as = parse(numeric)["representative"].clone();
        assert!(
            run.kept.contains(numeric) && kept_as == "12345678901234567890123",
            "{level}: a numeric id is its own representative, as written: {numeric}"
        );
    }
}

#[test]
fn fields_of_the_added_names_are_replaced_or_kept_apart_by_a_prefix() {
    let d = dir("clash");
    let input = d.join("clash.jsonl");
    // The second spells "story" with an escape: found all the same.
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"c1","variant":"print","text":"One text.","story":{"nested":[1,2]},"keep":1.50}"#,
            "\n",
            r#"{"id":"c2","text":"Another text.","st\u006fry":"escaped","keep":"yes"}"#,
            "\n"
        ),
    )
    .unwrap();
    let run = dedup(&d, &[&input], "exact", &["--field-prefix", ""]).ok();
    let c1 = parse(&run.kept[0]);
    assert_eq!(c1["variant"], "original");
    assert_eq!(c1["story"], Value::Null);
    assert!(
        run.kept[0].starts_with(r#"{"id":"c1","text":"One text.","keep":1.50,"#),
        "{}",
        run.kept[0]
    );
    let c2 = parse(&run.kept[1]);
    assert_eq!(
        (c2["story"].clone(), c2["keep"].clone()),
        (Value::Null, Value::from("yes"))
    );

    let run = dedup(&d, &[&input], "exact", &["--field-prefix", "tidings_"]).ok();
    for (line, record) in run
        .kept
        .iter()
        .zip(std::fs::read_to_string(&input).unwrap().lines())
    {
        assert!(line.starts_with(head(record)), "{line}");
        assert_eq!(parse(line)["tidings_variant"], "original");
    }

    // Reading the text from a field the output would replace loses it: refused.
    let out = tidings(&[
        "dedup",
        "--level",
        "exact",
        input.to_str().unwrap(),
        "--out",
        d.join("k").to_str().unwrap(),
        "--text-field",
        "article.body",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--field-prefix"), "{err}");
}

/// The sample, a file with bad lines and a duplicate id, and copies of sample
/// records that differ in case and spacing.
fn mixed_inputs(d: &Path) -> Vec<PathBuf> {
    let bad = d.join("bad.jsonl");
    std::fs::write(
        &bad,
        concat!(
            r#"{"id":"x1","text":"A record of its own about a dockers' strike in Antwerp."}"#,
            "\n",
            "not json at all\n",
            "\n",
            r#"{"id":"d01","text":"Another record under the id of the sample's first one."}"#,
            "\n",
            r#"{"id":"x2","text":5}"#,
            "\n",
        ),
    )
    .unwrap();
    let sample_text = std::fs::read_to_string(sample()).unwrap();
    let copies: String = sample_text
        .lines()
        .take(3)
        .map(|l| {
            let mut v = parse(l);
            let text = v["text"]
                .as_str()
                .unwrap()
                .to_uppercase()
                .replace(' ', "  \n ");
            v["text"] = Value::from(text);
            v["id"] = Value::from(format!("copy-{}", id_of(&v)));
            format!("{v}\n")
        })
        .collect();
    let copies_file = d.join("copies.jsonl");
    std::fs::write(&copies_file, copies).unwrap();
    vec![sample(), bad, copies_file]
}

#[test]
fn kept_and_dropped_and_rejects_are_the_input_at_every_level() {
    let d = dir("account");
    let inputs = mixed_inputs(&d);
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let n_records: usize = inputs
        .iter()
        .map(|p| lines(p).iter().filter(|l| !l.trim().is_empty()).count())
        .sum();
    for level in LEVELS {
        let run = dedup(&d, &refs, level, &[]).ok();
        assert_eq!(
            run.kept.len() + run.dropped.len() + run.rejects.len(),
            n_records,
            "{level}: {}",
            run.stderr
        );
        let reasons: Vec<&str> = run
            .rejects
            .iter()
            .map(|r| r["reason"].as_str().unwrap())
            .collect();
        assert_eq!(reasons.len(), 3, "{level}: {reasons:?}");
        assert!(
            reasons.iter().any(|r| r.starts_with("duplicate id")),
            "{level}: {reasons:?}"
        );
        assert!(
            run.rejects.iter().all(|r| r["line"].as_u64().is_some()),
            "{level}: a reject names its line"
        );
        let kept = Run::ids(&run.kept);
        let dropped = Run::ids(&run.dropped);
        let mut all: Vec<&String> = kept.iter().chain(&dropped).collect();
        all.sort();
        let n = all.len();
        all.dedup();
        assert_eq!(all.len(), n, "{level}: a record written twice");
        // By id: every id of a record that can be a document, once.
        let readable: BTreeSet<String> = inputs
            .iter()
            .flat_map(|p| lines(p))
            .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
            .filter(|v| v["text"].is_string())
            .map(|v| id_of(&v))
            .collect();
        assert_eq!(
            all.into_iter().cloned().collect::<BTreeSet<_>>(),
            readable,
            "{level}"
        );
        // Each record's representative is a kept record, of the same story and
        // (below the story level) article.
        let kept_by_id: BTreeMap<String, Value> = run
            .kept
            .iter()
            .map(|l| (id_of(&parse(l)), parse(l)))
            .collect();
        for line in run.kept.iter().chain(&run.dropped) {
            let v = parse(line);
            let rep = v["representative"].as_str().unwrap();
            let r = kept_by_id
                .get(rep)
                .unwrap_or_else(|| panic!("{level}: {rep} is not kept"));
            assert_eq!(r["story"], v["story"], "{level}: {line}");
            if level != "story" {
                assert_eq!(r["article"], v["article"], "{level}: {line}");
            }
            assert_eq!(
                kept_by_id.contains_key(&id_of(&v)),
                id_of(&v) == rep,
                "{level}: {line}"
            );
        }
    }
}

#[test]
fn the_same_records_whatever_the_input_order_and_threads() {
    let d = dir("order");
    let inputs = mixed_inputs(&d);
    // The same records, reversed and the files in another order.
    let reversed: Vec<PathBuf> = inputs
        .iter()
        .rev()
        .enumerate()
        .map(|(i, p)| {
            let mut l = lines(p);
            l.reverse();
            let q = d.join(format!("reversed-{i}.jsonl"));
            std::fs::write(&q, l.join("\n") + "\n").unwrap();
            q
        })
        .collect();
    for level in LEVELS {
        let mut outputs = Vec::new();
        for (files, threads) in [(&inputs, "1"), (&inputs, "2"), (&reversed, "1")] {
            let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            let run = dedup(&d, &refs, level, &["--threads", threads]).ok();
            outputs.push((run.kept, run.dropped));
        }
        assert_eq!(
            outputs[0], outputs[1],
            "{level}: byte-identical for 1 and 2 threads"
        );
        let set = |(k, dr): &(Vec<String>, Vec<String>)| {
            (
                k.iter().cloned().collect::<BTreeSet<_>>(),
                dr.iter().cloned().collect::<BTreeSet<_>>(),
            )
        };
        assert_eq!(
            set(&outputs[0]),
            set(&outputs[2]),
            "{level}: the same lines in any order"
        );
        assert!(outputs[0].1.len() >= 3, "{level}: the copies are dropped");
    }
}

#[test]
fn exact_copies_keep_the_earliest_then_the_smallest_id() {
    let d = dir("exact");
    let input = d.join("exact.jsonl");
    // (id, date, text): groups by normalized text; the kept one of each first.
    let records = [
        ("b", "2026-05-01", "Café  owners STRIKE\tin Lyon."),
        ("a", "2026-05-02", "café owners strike in lyon."),
        ("c", "", "Cafe\u{301} owners strike in Lyon.\n"),
        ("m", "2026-06-01", "ΟΔΟΣ ΚΛΕΙΣΤΗ"),
        ("k", "2026-06-01", "οδοσ κλειστη"),
        ("z", "2026-04-01", "Café owners strike in Lyon, again."),
        ("e1", "", ""),
        ("e2", "", "   "),
    ];
    let text: String = records
        .iter()
        .map(|(id, date, text)| {
            let mut v = serde_json::json!({"id": id, "text": text});
            if !date.is_empty() {
                v["date"] = Value::from(*date);
            }
            format!("{v}\n")
        })
        .collect();
    std::fs::write(&input, text).unwrap();
    let run = dedup(&d, &[&input], "exact", &[]).ok();
    let fate = |lines: &[String]| -> BTreeMap<String, (String, String)> {
        lines
            .iter()
            .map(|l| {
                let v = parse(l);
                assert_eq!(
                    (v["story"].clone(), v["article"].clone()),
                    (Value::Null, Value::Null)
                );
                let variant = v["variant"].as_str().unwrap().to_string();
                (
                    id_of(&v),
                    (variant, v["representative"].as_str().unwrap().to_string()),
                )
            })
            .collect()
    };
    let kept = fate(&run.kept);
    let dropped = fate(&run.dropped);
    let pair = |v: &str, r: &str| (v.to_string(), r.to_string());
    assert_eq!(
        kept,
        BTreeMap::from([
            ("b".into(), pair("original", "b")),
            ("k".into(), pair("original", "k")),
            ("z".into(), pair("original", "z")),
            // Empty texts are no copies of each other.
            ("e1".into(), pair("original", "e1")),
            ("e2".into(), pair("original", "e2")),
        ])
    );
    assert_eq!(
        dropped,
        BTreeMap::from([
            ("a".into(), pair("exact", "b")),
            ("c".into(), pair("exact", "b")),
            ("m".into(), pair("exact", "k")),
        ])
    );
}

#[test]
fn article_and_story_levels_keep_one_record_per_article_and_story() {
    let d = dir("levels");
    let assign = d.join("assign.tsv");
    let out = crate::tidings_ok(&[
        "cluster",
        sample().to_str().unwrap(),
        "-q",
        "--assignments",
        assign.to_str().unwrap(),
    ]);
    let stories: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(parse)
        .collect();
    let rows: Vec<Vec<String>> = lines(&assign)
        .iter()
        .skip(1)
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
    let n_articles = rows.iter().map(|r| &r[2]).collect::<BTreeSet<_>>().len();
    let story_reps: BTreeSet<String> = stories
        .iter()
        .map(|s| s["representative"].as_str().unwrap().to_string())
        .collect();

    let run = dedup(&d, &[&sample()], "story", &[]).ok();
    assert_eq!(run.kept.len(), stories.len());
    assert_eq!(
        Run::ids(&run.kept).into_iter().collect::<BTreeSet<_>>(),
        story_reps
    );
    let run = dedup(&d, &[&sample()], "article", &[]).ok();
    assert_eq!(run.kept.len(), n_articles);
    // Each record's story and article are the ones `cluster` assigns.
    let assigned: BTreeMap<&str, (&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), (r[1].as_str(), r[2].as_str())))
        .collect();
    for line in run.kept.iter().chain(&run.dropped) {
        let v = parse(line);
        let id = id_of(&v);
        assert_eq!(
            (v["story"].as_str().unwrap(), v["article"].as_str().unwrap()),
            assigned[id.as_str()],
            "{line}"
        );
    }
}

#[test]
fn gzip_input_a_malformed_line_and_stdin() {
    let d = dir("gzip");
    let mut text = std::fs::read_to_string(sample()).unwrap();
    text.insert_str(
        text.find('\n').unwrap() + 1,
        "{\"id\": \"broken\", \"text\": \"cut off\n",
    );
    let gz = d.join("sample.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let plain = dedup(&d, &[&sample()], "exact", &[]).ok();
    let run = dedup(&d, &[&gz], "exact", &[]).ok();
    assert_eq!(run.rejects.len(), 1, "{:?}", run.rejects);
    assert_eq!(run.rejects[0]["line"], 2);
    assert!(run.rejects[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("sample.jsonl.gz"));
    // The other records come out as from the plain file.
    assert_eq!((&run.kept, &run.dropped), (&plain.kept, &plain.dropped));

    // Stdin is saved and read twice: the same records again, rejects named <stdin>.
    let kept = d.join("stdin-kept.jsonl");
    let rejects = d.join("stdin-rejects.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args([
            "dedup",
            "--level",
            "story",
            "-",
            "-q",
            "--out",
            kept.to_str().unwrap(),
        ])
        .args(["--rejects", rejects.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        &std::fs::read(&gz).unwrap(),
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let story = dedup(&d, &[&sample()], "story", &[]).ok();
    assert_eq!(lines(&kept), story.kept);
    assert!(
        lines(&rejects)[0].contains("\"source\":\"<stdin>\""),
        "{:?}",
        lines(&rejects)
    );
}

#[test]
fn copies_of_one_id_keep_the_same_record_in_any_order() {
    let d = dir("dupid");
    // Same id, same text: the engine cannot tell them apart; the smaller record wins.
    let a = r#"{"id":"dup","text":"The same text in both records.","extra":1}"#;
    let b = r#"{"id":"dup","text":"The same text in both records.","extra":2}"#;
    for level in LEVELS {
        let mut kept = Vec::new();
        for (i, order) in [[a, b], [b, a]].iter().enumerate() {
            let input = d.join(format!("dup-{i}.jsonl"));
            std::fs::write(&input, order.join("\n") + "\n").unwrap();
            let run = dedup(&d, &[&input], level, &[]).ok();
            assert_eq!(
                (run.kept.len(), run.dropped.len(), run.rejects.len()),
                (1, 0, 1),
                "{level}"
            );
            assert!(run.rejects[0]["reason"]
                .as_str()
                .unwrap()
                .starts_with("duplicate id"));
            kept.push(run.kept[0].clone());
        }
        assert_eq!(kept[0], kept[1], "{level}");
        assert!(kept[0].starts_with(head(a)), "{level}: {}", kept[0]);
    }
}

#[test]
fn text_files_and_nothing_readable() {
    let d = dir("text");
    let folder = d.join("in");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("note.txt"),
        "A short note about the harbour strike.\n",
    )
    .unwrap();
    let run = dedup(&d, &[&folder], "exact", &[]).ok();
    assert_eq!(run.kept.len(), 1);
    let v = parse(&run.kept[0]);
    assert_eq!(
        (v["id"].as_str(), v["variant"].as_str()),
        (Some("note"), Some("original"))
    );
    assert!(v["text"].as_str().unwrap().starts_with("A short note"));

    // Nothing readable: exit 2, the rejects still written.
    let bad = d.join("bad.jsonl");
    std::fs::write(&bad, "nope\n{\"text\": \"no id\"}\n").unwrap();
    let run = dedup(&d, &[&bad], "exact", &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("no document could be read"),
        "{}",
        run.stderr
    );
    assert_eq!((run.kept.len(), run.rejects.len()), (0, 2));
}

#[test]
fn invalid_utf8_is_passed_through_as_the_reader_reads_it() {
    let d = dir("utf8");
    let input = d.join("bytes.jsonl");
    std::fs::write(
        &input,
        b"\xEF\xBB\xBF{\"id\":\"u1\",\"text\":\"caf\xE9 au lait\",\"n\":1.50}\r\n",
    )
    .unwrap();
    let run = dedup(&d, &[&input], "exact", &[]).ok();
    assert_eq!(run.kept.len(), 1);
    assert!(
        run.kept[0].starts_with("{\"id\":\"u1\",\"text\":\"caf\u{fffd} au lait\",\"n\":1.50,"),
        "{}",
        run.kept[0]
    );
}

#[test]
fn warc_records_become_json_records_of_the_fields_read() {
    let d = dir("warc");
    let input = d.join("news.warc");
    std::fs::write(&input, crate::warc::news_warc()).unwrap();
    let run = dedup(&d, &[&input], "story", &[]).ok();
    let all: Vec<Value> = run
        .kept
        .iter()
        .chain(&run.dropped)
        .map(|l| parse(l))
        .collect();
    assert!(all.len() >= 2, "{:?}", run.stderr);
    let bridge = all
        .iter()
        .find(|v| v["url"] == "https://herald.example/keston-bridge")
        .unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(
        bridge["title"],
        "Keston harbour bridge reopens after eight months of repairs"
    );
    for v in &all {
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.contains(&"id") && keys.contains(&"text") && keys.contains(&"variant"),
            "{keys:?}"
        );
        assert!(v["date"].as_str().is_none_or(|d| d.len() == 10), "{v}");
    }
}
