//! Reading what crawls are made of, end to end through the real binary: every
//! compression on files and stdin, folders, a deliberately corrupted corpus where
//! every record must end up exactly once in the assignments or the rejects, the
//! same output whatever the thread count or input order, exit codes, atomic outputs.

use crate::{tidings, tidings_ok};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fresh folder for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tidings-inputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sample() -> Vec<u8> {
    std::fs::read(crate::repo().join("data/sample.jsonl")).unwrap()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn zstd(b: &[u8]) -> Vec<u8> {
    zstd::encode_all(b, 1).unwrap()
}

fn xz(b: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn bzip2(b: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// Runs the binary with `stdin` fed in.
fn tidings_stdin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_compression_is_read_by_its_bytes_from_files_and_stdin() {
    let d = dir("compressions");
    let plain = sample();
    let want = d.join("plain.tsv");
    let p = d.join("sample.jsonl");
    std::fs::write(&p, &plain).unwrap();
    tidings_ok(&[
        "cluster",
        s(&p),
        "-o",
        "/dev/null",
        "--assignments",
        s(&want),
    ]);
    let want = std::fs::read(&want).unwrap();
    assert_eq!(
        want.iter().filter(|&&b| b == b'\n').count(),
        39,
        "38 rows and a header"
    );
    // The names say nothing true on purpose: the bytes decide.
    let cases: [(&str, Vec<u8>); 5] = [
        ("a.jsonl.zst", zstd(&plain)),
        ("b.jsonl.xz", xz(&plain)),
        ("c.jsonl.bz2", bzip2(&plain)),
        ("d.jsonl", gzip(&plain)),
        ("e.data", zstd(&plain)),
    ];
    for (name, bytes) in &cases {
        let f = d.join(name);
        std::fs::write(&f, bytes).unwrap();
        let got = d.join(format!("{name}.tsv"));
        tidings_ok(&[
            "cluster",
            s(&f),
            "-o",
            "/dev/null",
            "--assignments",
            s(&got),
        ]);
        assert_eq!(std::fs::read(&got).unwrap(), want, "{name}");
    }
    for (name, bytes) in [
        ("gzip", gzip(&plain)),
        ("zstd", zstd(&plain)),
        ("xz", xz(&plain)),
    ] {
        let got = d.join(format!("stdin-{name}.tsv"));
        let out = tidings_stdin(
            &["cluster", "-", "-o", "/dev/null", "--assignments", s(&got)],
            &bytes,
        );
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(std::fs::read(&got).unwrap(), want, "stdin {name}");
    }
}

#[test]
fn folders_are_searched_recursively_by_a_stated_rule() {
    let d = dir("folders");
    let news = "The harbour museum opened a hall of ship models on Sunday, the city said.";
    std::fs::create_dir_all(d.join("in/sub/deeper")).unwrap();
    std::fs::create_dir_all(d.join("in/.git")).unwrap();
    std::fs::write(d.join("in/sub/UPPER.TXT"), news).unwrap();
    std::fs::write(d.join("in/sub/deeper/more.txt.gz"), gzip(news.as_bytes())).unwrap();
    std::fs::write(
        d.join("in/sub/deeper/lines.NDJSON.zst"),
        zstd(format!("{{\"id\":\"j1\",\"text\":\"{news}\"}}\n").as_bytes()),
    )
    .unwrap();
    std::fs::write(d.join("in/readme.md"), "not news").unwrap();
    std::fs::write(d.join("in/noext"), news).unwrap();
    std::fs::write(d.join("in/.git/config.jsonl"), "{}").unwrap();
    let a = d.join("a.tsv");
    let out = tidings_ok(&[
        "cluster",
        s(&d.join("in")),
        "-o",
        "/dev/null",
        "--assignments",
        s(&a),
    ]);
    let ids: Vec<String> = std::fs::read_to_string(&a)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    // A text file's id is its path below the folder, without extensions.
    assert_eq!(ids, ["j1", "sub/UPPER", "sub/deeper/more"]);
    let err = stderr(&out);
    assert!(
        err.contains("2 files in the folders given are not inputs by their name")
            && err.contains("noext")
            && err.contains("readme.md")
            && !err.contains(".git"),
        "{err}"
    );
    // A file name that is not UTF-8 would make a lossy id that can collide with
    // another file's: it is a reject naming the file.
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = d.join("odd");
        std::fs::create_dir_all(&odd).unwrap();
        std::fs::write(odd.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), news).unwrap();
        std::fs::write(odd.join("caf\u{fffd}.txt"), news).unwrap();
        let r = d.join("r.jsonl");
        let out = tidings_ok(&["cluster", s(&odd), "-o", "/dev/null", "--rejects", s(&r)]);
        assert!(
            stderr(&out).contains("1 documents read, 1 rejected"),
            "{}",
            stderr(&out)
        );
        assert!(std::fs::read_to_string(&r)
            .unwrap()
            .contains("not valid UTF-8"));
    }
    // Named on the command line, an extensionless file is read by its content.
    let out = tidings_ok(&["cluster", s(&d.join("in/noext")), "-o", "/dev/null"]);
    assert!(
        stderr(&out).contains("1 documents read"),
        "{}",
        stderr(&out)
    );
}

/// The records of the corrupted corpus, by file: (name, bytes, records in it that
/// can be counted in advance, or `None` for a truncated stream).
struct Corpus {
    dir: PathBuf,
    /// Files in the order given on the command line.
    files: Vec<PathBuf>,
    /// Records expected per file name (`None`: a truncated stream, checked apart).
    records: BTreeMap<String, Option<usize>>,
}

/// Deterministic pseudo-random bytes (xorshift), for garbage and shuffling.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// A deliberately corrupted corpus: invalid UTF-8, malformed JSON, missing, empty
/// and numeric ids, ids with tabs and newlines, duplicate ids, null and non-string
/// text, a 10 MB document, binary garbage, NUL bytes, a BOM, CRLF, truncated gzip
/// and zstd, empty files. `shuffled` writes the same records in another order.
fn corrupted_corpus(name: &str, shuffled: bool) -> Corpus {
    let d = dir(name);
    let texts: Vec<String> = String::from_utf8(sample())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let rec = |id: &str, text: &str| {
        serde_json::json!({"id": id, "text": text, "date": "2026-05-07"}).to_string()
    };
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        lines.push(rec(&format!("m-{i:02}"), t).into_bytes());
    }
    let mut bad_utf8 = rec("m-utf8", &texts[0]).into_bytes();
    let at = bad_utf8.len() / 2; // inside the text
    bad_utf8.splice(at..at, [0xff, 0xfe]);
    lines.push(bad_utf8);
    lines.push(b"{\"id\": \"m-cut\", \"text\": \"cut off".to_vec());
    lines.push(br#"{"text": "no id at all"}"#.to_vec());
    lines.push(br#"{"id": "", "text": "empty id"}"#.to_vec());
    lines.push(
        br#"{"id": 123456789012345678901234567890, "text": "a numeric id beyond 64 bits"}"#
            .to_vec(),
    );
    lines.push(br#"{"id": "m-tab\there", "text": "an id with a tab"}"#.to_vec());
    lines.push(br#"{"id": "m-line\nbreak", "text": "an id with a line break"}"#.to_vec());
    lines.push(rec("m-dup", &texts[1]).into_bytes());
    lines.push(rec("m-dup", &texts[2]).into_bytes());
    lines.push(br#"{"id": "m-null", "text": null}"#.to_vec());
    lines.push(br#"{"id": "m-num", "text": 42}"#.to_vec());
    lines.push(br#"{"id": "m-list", "text": ["a"]}"#.to_vec());
    lines.push(rec("m-big", &"word ".repeat(2_000_000)).into_bytes());
    lines.push(b"{\"id\": \"m-nul\", \"text\": \"raw \x00 NUL\"}".to_vec());
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let garbage_line: Vec<u8> = (0..300)
        .map(|_| (xorshift(&mut seed) % 255) as u8)
        .filter(|&b| b != b'\n')
        .collect();
    lines.push(garbage_line);
    let mut crlf = rec("m-crlf", &texts[3]).into_bytes();
    crlf.push(b'\r');
    lines.push(crlf);
    let n_main = lines.len();
    if shuffled {
        for i in (1..lines.len()).rev() {
            let j = (xorshift(&mut seed) % (i as u64 + 1)) as usize;
            lines.swap(i, j);
        }
    }
    let mut main = b"\xEF\xBB\xBF".to_vec();
    for l in &lines {
        main.extend_from_slice(l);
        main.push(b'\n');
    }
    let mut records = BTreeMap::new();
    let mut files = Vec::new();
    let mut add = |name: &str, bytes: &[u8], n: Option<usize>| {
        std::fs::write(d.join(name), bytes).unwrap();
        files.push(d.join(name));
        records.insert(name.to_string(), n);
    };
    add("main.jsonl", &main, Some(n_main));
    let garbage: Vec<u8> = (0..20_000).map(|_| xorshift(&mut seed) as u8).collect();
    add("garbage.jsonl", &garbage, Some(1));
    let many: String = (0..20_000)
        .map(|i| format!("{}\n", rec(&format!("tr-{i:05}"), &texts[i % texts.len()])))
        .collect();
    let gz = gzip(many.as_bytes());
    add("trunc.jsonl.gz", &gz[..gz.len() / 2], None);
    let many = many.replace("tr-", "tz-");
    let zs = zstd(many.as_bytes());
    add("trunc.jsonl.zst", &zs[..zs.len() / 2], None);
    add("empty.jsonl", b"", Some(0));
    add("empty.jsonl.gz", b"", Some(0));
    let mut txt = texts[4].clone().into_bytes();
    txt.extend_from_slice(b" \xc3\x28 tail");
    add("bad-utf8.txt", &txt, Some(1));
    if shuffled {
        files.reverse();
    }
    Corpus {
        dir: d,
        files,
        records,
    }
}

/// Runs `cluster` on the corpus; returns (stories, assignments, rejects as JSON).
fn run_corpus(c: &Corpus, extra: &[&str], tag: &str) -> (Vec<u8>, Vec<u8>, Vec<serde_json::Value>) {
    let (o, a, r) = (
        c.dir.join(format!("{tag}.stories.jsonl")),
        c.dir.join(format!("{tag}.assign.tsv")),
        c.dir.join(format!("{tag}.rejects.jsonl")),
    );
    let mut args = vec!["cluster"];
    args.extend(c.files.iter().map(|f| s(f)));
    args.extend(["-o", s(&o), "--assignments", s(&a), "--rejects", s(&r)]);
    args.extend(["--max-line-bytes", "5000000"]);
    args.extend(extra);
    tidings_ok(&args);
    let rejects = std::fs::read_to_string(&r)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each reject is a JSON line"))
        .collect();
    (
        std::fs::read(&o).unwrap(),
        std::fs::read(&a).unwrap(),
        rejects,
    )
}

fn assigned_ids(tsv: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(tsv)
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_corrupted_corpus_loses_nothing_and_counts_nothing_twice() {
    let c = corrupted_corpus("conserve", false);
    let (_, assign, rejects) = run_corpus(&c, &[], "t");
    let ids = assigned_ids(&assign);
    let file_of = |source: &str| {
        Path::new(source)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for id in &ids {
        let f = match id.get(..3) {
            Some("tr-") => "trunc.jsonl.gz",
            Some("tz-") => "trunc.jsonl.zst",
            _ if id == "bad-utf8" => "bad-utf8.txt",
            _ => "main.jsonl",
        };
        *per_file.entry(f.into()).or_default() += 1;
    }
    for r in &rejects {
        *per_file
            .entry(file_of(r["source"].as_str().unwrap()))
            .or_default() += 1;
    }
    for (file, want) in &c.records {
        let got = per_file.get(file).copied().unwrap_or(0);
        match want {
            Some(n) => assert_eq!(
                got, *n,
                "{file}: assignments + rejects = records\n{rejects:#?}"
            ),
            None => {
                // A truncated stream: the records before the break, then one reject
                // with the byte offset, and nothing after it.
                let stream: Vec<&serde_json::Value> = rejects
                    .iter()
                    .filter(|r| file_of(r["source"].as_str().unwrap()) == *file)
                    .collect();
                assert_eq!(stream.len(), 1, "{file}: {stream:?}");
                assert!(stream[0]["offset"].as_u64().is_some(), "{:?}", stream[0]);
                assert!(stream[0]["reason"].as_str().unwrap().contains("truncated"));
                assert!((100..20_000).contains(&got), "{file}: {got}");
                let prefix = if file.ends_with(".gz") { "tr-" } else { "tz-" };
                let kept: Vec<&String> = ids.iter().filter(|i| i.starts_with(prefix)).collect();
                assert_eq!(
                    kept.last().unwrap().as_str(),
                    format!("{prefix}{:05}", kept.len() - 1)
                );
            }
        }
    }
    // No record both assigned and rejected (a second copy of an id is a record of
    // its own: its reject says "duplicate id").
    let mut seen = std::collections::HashSet::new();
    let rejected_ids = rejects
        .iter()
        .filter(|r| !r["reason"].as_str().unwrap().starts_with("duplicate id"))
        .filter_map(|r| r["id"].as_str());
    for id in ids.iter().map(String::as_str).chain(rejected_ids) {
        assert!(id.is_empty() || seen.insert(id), "{id} is counted twice");
    }
    // Kept with their ids: invalid UTF-8 replaced, numeric ids as written, ids
    // with a tab or line break escaped in the TSV; null text is an empty document.
    for id in [
        "m-utf8",
        "123456789012345678901234567890",
        "m-tab\\there",
        "m-line\\nbreak",
        "m-null",
        "m-crlf",
        "m-00",
        "bad-utf8",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} kept");
    }
    let reason_of = |id: &str| {
        rejects
            .iter()
            .find(|r| r["id"].as_str() == Some(id))
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(reason_of("m-num").contains("is a number"));
    assert!(reason_of("m-list").contains("is a list"));
    assert!(reason_of("m-dup").starts_with("duplicate id"));
    assert!(reason_of("").starts_with("id is empty"));
    let big = rejects
        .iter()
        .find(|r| {
            r["reason"]
                .as_str()
                .unwrap()
                .contains("longer than the limit")
        })
        .unwrap();
    assert_eq!(
        big["source"].as_str().map(file_of).as_deref(),
        Some("main.jsonl")
    );
    assert!(big["line"].as_u64().is_some());
    let garbage = rejects
        .iter()
        .find(|r| file_of(r["source"].as_str().unwrap()) == "garbage.jsonl")
        .unwrap();
    assert!(
        garbage["reason"]
            .as_str()
            .unwrap()
            .contains("looks like binary"),
        "{garbage}"
    );
}

#[test]
fn output_is_the_same_for_any_thread_count_and_input_order() {
    let c = corrupted_corpus("order", false);
    let (stories1, assign1, rejects1) = run_corpus(&c, &["--threads", "1"], "t1");
    let (stories2, assign2, rejects2) = run_corpus(&c, &["--threads", "2"], "t2");
    assert!(
        stories1 == stories2 && assign1 == assign2 && rejects1 == rejects2,
        "1 vs 2 threads"
    );
    let shuffled = corrupted_corpus("order-shuffled", true);
    let (stories3, assign3, rejects3) = run_corpus(&shuffled, &["--threads", "2"], "t3");
    assert_eq!(
        String::from_utf8_lossy(&assign1),
        String::from_utf8_lossy(&assign3),
        "shuffled input"
    );
    assert!(stories1 == stories3, "stories of shuffled input");
    // Rejects name other lines in another order; what was rejected and why is the same.
    let kinds = |rs: &[serde_json::Value]| {
        let mut v: Vec<(String, String)> = rs
            .iter()
            .map(|r| {
                let reason = r["reason"].as_str().unwrap();
                (
                    r["id"].as_str().unwrap_or("-").to_string(),
                    reason.split(':').next().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(kinds(&rejects1), kinds(&rejects3));
}

#[test]
fn exit_codes_and_messages_say_what_the_input_looked_like() {
    let d = dir("exits");
    let warc = d.join("crawl.jsonl");
    std::fs::write(
        &warc,
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
    )
    .unwrap();
    let zip = d.join("x.jsonl");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00rest of a zip").unwrap();
    let mostly_bad = d.join("bad.jsonl");
    std::fs::write(
        &mostly_bad,
        "{\"id\":\"a\",\"text\":\"The council met on Monday.\"}\nnot json\nnot json\n",
    )
    .unwrap();
    let parquet = d.join("table.parquet");
    std::fs::write(&parquet, b"PAR1 and not much more").unwrap();
    let cases: [(&Path, &[&str], &str); 6] = [
        (&warc, &[], "crawl.jsonl looks like WARC"),
        // Without the `parquet` feature: says so; with it: not a readable Parquet file.
        (&parquet, &[], "Parquet"),
        // Endless NUL bytes: one reject, not a read until memory runs out.
        (
            Path::new("/dev/zero"),
            &[],
            "/dev/zero looks like binary data",
        ),
        (&zip, &[], "looks like a zip archive"),
        (
            &mostly_bad,
            &[],
            "2 of 3 records (67%) were rejected, more than --max-reject-share 0.5",
        ),
        (
            &mostly_bad,
            &["--on-error", "fail"],
            "bad.jsonl:2: not a JSON object",
        ),
    ];
    for (input, extra, want) in cases {
        let mut args = vec!["cluster", s(input), "-o", "/dev/null"];
        args.extend(extra);
        let out = tidings(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(want) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
    // A share under the limit passes; --quiet says nothing on success.
    let out = tidings_ok(&[
        "cluster",
        s(&mostly_bad),
        "-o",
        "/dev/null",
        "--max-reject-share",
        "0.7",
        "--quiet",
    ]);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    // Without --rejects, rejects are summarized by reason with a count and places.
    let out = tidings_ok(&[
        "cluster",
        s(&mostly_bad),
        "-o",
        "/dev/null",
        "--max-reject-share",
        "0.7",
    ]);
    assert!(
        stderr(&out).contains("2 × not a JSON object: "),
        "{}",
        stderr(&out)
    );
    // Records without the text field: a warning with a count, and an error when
    // no record has it.
    let content = d.join("content.jsonl");
    std::fs::write(
        &content,
        "{\"id\":\"a\",\"content\":\"The council met.\"}\n",
    )
    .unwrap();
    let out = tidings(&["cluster", s(&content), "-o", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("1 records: no text field") && stderr(&out).contains("--text-field"),
        "{}",
        stderr(&out)
    );
    tidings_ok(&[
        "cluster",
        s(&content),
        "-o",
        "/dev/null",
        "--text-field",
        "content",
    ]);
}

#[test]
fn outputs_are_checked_before_any_work_and_never_overwrite_an_input() {
    let d = dir("paths");
    let input = d.join("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let before = std::fs::read(&input).unwrap();
    let x = d.join("x");
    let cases: [(&[&str], &str); 3] = [
        (&["-o", s(&input)], "it is one of the inputs"),
        (&["--assignments", "/nonexistent-dir/a.tsv"], "a.tsv"),
        (&["-o", s(&x), "--rejects", s(&x)], "name the same file"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["cluster", s(&input)];
        args.extend(extra);
        let out = tidings(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = stderr(&out);
        // Refused before reading: no summary line.
        assert!(
            err.contains(want) && !err.contains("documents read"),
            "{extra:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn a_closed_stdout_loses_none_of_the_output_files() {
    let d = dir("pipe");
    let input = d.join("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let a = d.join("a.tsv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["cluster", s(&input), "--assignments", s(&a)])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // `| head -c1`: one byte read, then the pipe closed.
    let mut first = [0u8; 1];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read_to_string(&a).unwrap().lines().count(), 39);
}

#[test]
fn a_failed_or_killed_run_leaves_no_output_that_looks_complete() {
    let d = dir("atomic");
    let input = d.join("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let (stories, assign) = (d.join("stories.jsonl"), d.join("a.tsv"));
    std::fs::write(&stories, "OLD").unwrap();
    std::fs::write(&assign, "OLD").unwrap();
    // One output fails (a full disk): none of the others is replaced.
    let out = tidings(&[
        "cluster",
        s(&input),
        "-o",
        s(&stories),
        "--assignments",
        s(&assign),
        "--edges",
        "/dev/full",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&stories).unwrap(), "OLD");
    assert_eq!(std::fs::read_to_string(&assign).unwrap(), "OLD");
    // Killed midway: the previous outputs stay whole. A corpus big enough to take a while.
    let big = d.join("big.jsonl");
    let text = String::from_utf8(sample()).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for copy in 0..300 {
        for line in text.lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = format!("{}-{copy}", v["id"].as_str().unwrap());
            v["id"] = id.into();
            v["text"] = format!("{} {copy}", v["text"].as_str().unwrap()).into();
            writeln!(f, "{v}").unwrap();
        }
    }
    drop(f);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args([
            "cluster",
            s(&big),
            "-o",
            s(&stories),
            "--assignments",
            s(&assign),
            "--quiet",
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tmp = d.join(format!(".stories.jsonl.tidings-{}.tmp", child.id()));
    let start = std::time::Instant::now();
    while !tmp.exists() && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(tmp.exists(), "the temporary file is made before any work");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    if !finished {
        assert_eq!(std::fs::read_to_string(&stories).unwrap(), "OLD");
        assert_eq!(std::fs::read_to_string(&assign).unwrap(), "OLD");
    }
    // Whatever the moment, a file under its real name is the old one or a whole new one.
    for f in [&stories, &assign] {
        let content = std::fs::read_to_string(f).unwrap();
        assert!(content == "OLD" || content.ends_with('\n'), "{f:?}");
    }
}

/// With `--features parquet`: stories and assignments written as Parquet, and a
/// Parquet file read back as input (its columns mapped by the field flags).
#[cfg(feature = "parquet")]
#[test]
fn parquet_out_and_in() {
    let d = dir("parquet");
    let input = d.join("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let (stories, assign) = (d.join("stories.parquet"), d.join("a.parquet"));
    tidings_ok(&[
        "cluster",
        s(&input),
        "--format",
        "parquet",
        "-o",
        s(&stories),
        "--assignments",
        s(&assign),
    ]);
    for f in [&stories, &assign] {
        assert!(std::fs::read(f).unwrap().starts_with(b"PAR1"), "{f:?}");
    }
    // The assignments as input: 38 rows, the story id taken as the text.
    let out = tidings_ok(&[
        "cluster",
        s(&assign),
        "-o",
        "/dev/null",
        "--text-field",
        "story",
    ]);
    assert!(
        stderr(&out).contains("38 documents read, 0 rejected"),
        "{}",
        stderr(&out)
    );
}
