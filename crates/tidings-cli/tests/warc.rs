//! WARC and WET: real files that no one on the team wrote (warcio 1.5.3's test
//! data, fetched by `tests/fetch-real-inputs.sh` into `target/real-inputs/`), and a
//! WARC these tests write themselves with HTML news pages.

use crate::{in_ci, tidings, tidings_ok};
use std::io::Write;
use std::path::{Path, PathBuf};
use tidings::document::{DocReader, Document, Input, Reject};

/// warcio's test data, if fetched. Missing in CI is a failure, unless the fetch
/// script recorded that the download itself failed (no network is no reason to
/// fail every other test); elsewhere the test says SKIPPED.
fn warcio_data() -> Option<PathBuf> {
    let root = crate::repo().join("target/real-inputs");
    let data = root.join("warcio-1.5.3/test/data");
    if data.is_dir() {
        return Some(data);
    }
    let failed = std::fs::read_to_string(root.join("FETCH-FAILED")).ok();
    assert!(
        !in_ci() || failed.is_some(),
        "{} is not there: .ci/run fetches it with crates/tidings-cli/tests/fetch-real-inputs.sh before the tests",
        data.display()
    );
    eprintln!(
        "SKIPPED: {} is not there (run crates/tidings-cli/tests/fetch-real-inputs.sh){}",
        data.display(),
        failed.map_or(String::new(), |f| format!("; the download failed: {f}"))
    );
    None
}

/// Every record of one input, read by the library.
fn read(path: &Path) -> (Vec<Document>, Vec<Reject>) {
    let mut docs = Vec::new();
    let mut rejects = Vec::new();
    for item in DocReader::new(vec![Input::file(path.to_path_buf())]) {
        match item.expect("no IO error") {
            Ok(d) => docs.push(d),
            Err(r) => rejects.push(r),
        }
    }
    (docs, rejects)
}

#[test]
fn warcio_samples_read_as_what_they_hold() {
    let Some(data) = warcio_data() else { return };
    // (file, documents, rejects, what the one document's id and url are)
    let example = Some((
        "urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005",
        "http://example.com/",
    ));
    let cases = [
        ("example.warc", 1, 0, example),
        ("example.warc.gz", 1, 0, example),
        ("example-trunc.warc", 1, 0, example),
        ("example-iana.org-chunked.warc", 1, 0, None),
        ("example-bad-non-chunked.warc.gz", 1, 0, None),
        ("example-bad.warc.gz.bad", 1, 0, None),
        ("example-resource.warc.gz", 1, 0, None),
        // Three POST responses that are not HTML: records, but no documents.
        ("post-test.warc.gz", 0, 0, None),
        // ARC, the format before WARC: one reject that says so.
        ("example.arc", 0, 1, None),
        ("example.arc.gz", 0, 1, None),
        ("bad.arc", 0, 1, None),
    ];
    for (name, n_docs, n_rejects, want) in cases {
        let (docs, rejects) = read(&data.join(name));
        assert_eq!(
            (docs.len(), rejects.len()),
            (n_docs, n_rejects),
            "{name}: {rejects:?}"
        );
        for r in &rejects {
            assert!(
                r.reason.contains("ARC (the format before WARC"),
                "{name}: {r:?}"
            );
        }
        if let Some((id, url)) = want {
            let d = &docs[0];
            assert_eq!((d.id.as_str(), d.url.as_deref()), (id, Some(url)), "{name}");
            assert_eq!(d.title.as_deref(), Some("Example Domain"), "{name}");
            assert!(
                d.text
                    .contains("This domain is established to be used for illustrative examples"),
                "{name}: {}",
                d.text
            );
            assert_eq!(
                d.date.map(|d| d.to_iso()).as_deref(),
                Some("2017-03-06"),
                "{name}"
            );
        }
        for d in &docs {
            assert!(
                !d.text.trim().is_empty() && !d.text.contains("<p>"),
                "{name}: main text, no markup: {}",
                d.text
            );
        }
    }
    // Chunked transfer encoding is undone before the HTML is read.
    let (docs, _) = read(&data.join("example-iana.org-chunked.warc"));
    assert!(
        docs[0].text.contains("IANA") || docs[0].title.as_deref().unwrap_or("").contains("IANA"),
        "{:?}",
        docs[0]
    );

    // Cut in half, the gzip stream breaks off: the records before, then one reject
    // with the byte offset; the run goes on.
    let whole = std::fs::read(data.join("example.warc.gz")).unwrap();
    let cut = std::env::temp_dir().join(format!("tidings-warc-cut-{}.warc.gz", std::process::id()));
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let (docs, rejects) = read(&cut);
    assert!(docs.len() <= 1);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(
        rejects[0].location.contains(":byte ") && rejects[0].reason.contains("truncated"),
        "{rejects:?}"
    );

    // Through the binary: an ARC file alone is exit 2, saying what it is.
    let out = tidings(&[
        "cluster",
        data.join("example.arc").to_str().unwrap(),
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("looks like ARC"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One WARC record (WARC/1.0, CRLF, the block, two CRLFs).
fn record(
    kind: &str,
    n: u32,
    uri: &str,
    date: &str,
    content_type: &str,
    extra: &str,
    block: &[u8],
) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012}>\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A news page as sites make them: navigation, the article, a footer.
fn page(lang: &str, title: &str, published: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | Harbour Herald</title>
<meta property="article:published_time" content="{published}"></head>
<body><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe now</a></nav>
<article><h1>{title}</h1>
{body}</article>
<footer><a href="/privacy">Privacy</a> <a href="/cookies">Cookie settings</a> © Harbour Herald</footer></body></html>"#
    )
}

/// A WARC of news pages, written by the test, record by record: two HTML
/// responses (English, German), a WET-style conversion record, and records that
/// are not documents (warcinfo, request, a 404, an image).
fn news_records() -> Vec<Vec<u8>> {
    let en = page(
        "en",
        "Keston harbour bridge reopens after eight months of repairs",
        "2026-05-07T09:30:00+02:00",
        &[
            "KESTON — The Keston harbour bridge reopened to traffic on Thursday after eight months of repairs that cost 14 million euros, the city council said in a statement.",
            "About 22,000 vehicles a day are expected to use the crossing again, easing congestion on the coastal road, which carried most of the diverted traffic since September.",
            "Engineers replaced the bridge deck, two expansion joints and the corroded steel cables of the lifting section, council transport officer Mara Lind told reporters at the reopening.",
        ],
    );
    let de = page(
        "de",
        "Hafenbrücke in Keston nach acht Monaten wieder offen",
        "2026-05-07T11:00:00+02:00",
        &[
            "KESTON — Die Hafenbrücke von Keston ist nach achtmonatiger Sanierung seit Donnerstag wieder für den Verkehr freigegeben, teilte der Stadtrat mit. Die Arbeiten kosteten 14 Millionen Euro.",
            "Täglich werden wieder rund 22.000 Fahrzeuge auf der Brücke erwartet. Die Küstenstraße, über die seit September der Umleitungsverkehr lief, soll dadurch entlastet werden.",
            "Ingenieure erneuerten die Fahrbahnplatte, zwei Dehnungsfugen und die korrodierten Stahlseile des Hubteils, sagte die Verkehrsbeauftragte Mara Lind bei der Eröffnung.",
        ],
    );
    let wet_text = "Library extends opening hours\nThe central library in Marlow Bay will open until 10 p.m. on weekdays from March, after a pilot scheme drew 3,400 extra visitors.";
    let http_response = "application/http; msgtype=response";
    [
        record(
            "warcinfo",
            1,
            "",
            "2026-05-09T00:00:00Z",
            "application/warc-fields",
            "",
            b"software: tidings tests\r\n",
        ),
        record(
            "request",
            2,
            "https://herald.example/keston-bridge",
            "2026-05-09T08:00:00Z",
            "application/http; msgtype=request",
            "",
            b"GET /keston-bridge HTTP/1.1\r\nHost: herald.example\r\n\r\n",
        ),
        record(
            "response",
            3,
            "https://herald.example/keston-bridge",
            "2026-05-09T08:00:01Z",
            http_response,
            "",
            &http("200 OK", "text/html; charset=utf-8", &en),
        ),
        record(
            "response",
            4,
            "https://herald.example/de/hafenbruecke",
            "2026-05-09T08:00:02Z",
            http_response,
            "",
            &http("200 OK", "text/html", &de),
        ),
        record(
            "response",
            5,
            "https://herald.example/missing",
            "2026-05-09T08:00:03Z",
            http_response,
            "",
            &http(
                "404 Not Found",
                "text/html",
                "<html><body>Not found</body></html>",
            ),
        ),
        record(
            "response",
            6,
            "https://herald.example/logo.png",
            "2026-05-09T08:00:04Z",
            http_response,
            "",
            &http("200 OK", "image/png", "\u{89}PNG"),
        ),
        record(
            "conversion",
            7,
            "https://library.example/hours",
            "2026-05-08T10:00:00Z",
            "text/plain",
            "WARC-Identified-Content-Language: eng\r\n",
            wet_text.as_bytes(),
        ),
    ]
    .to_vec()
}

/// The news records as one plain WARC (the dedup tests read it too).
pub fn news_warc() -> Vec<u8> {
    news_records().concat()
}

/// One gzip member per record, as crawlers write `.warc.gz`.
fn gzip_each(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for rec in records {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(rec).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

#[test]
fn a_warc_of_news_pages_becomes_main_texts_with_title_url_language_and_date() {
    let dir = std::env::temp_dir().join(format!("tidings-warc-news-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = dir.join("news.warc");
    std::fs::write(&plain, news_warc()).unwrap();
    let (docs, rejects) = read(&plain);
    assert!(rejects.is_empty(), "{rejects:?}");
    // (last digit of the record id, url, title, date, language)
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<String>,
        &'a str,
    );
    let got: Vec<Row> = docs
        .iter()
        .map(|d| {
            (
                &d.id[d.id.len() - 1..],
                d.url.as_deref(),
                d.title.as_deref(),
                d.date.map(|x| x.to_iso()),
                d.lang.map_or("-", |l| l.code()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "3",
                Some("https://herald.example/keston-bridge"),
                Some("Keston harbour bridge reopens after eight months of repairs"),
                Some("2026-05-07".into()),
                "eng"
            ),
            (
                "4",
                Some("https://herald.example/de/hafenbruecke"),
                Some("Hafenbrücke in Keston nach acht Monaten wieder offen"),
                Some("2026-05-07".into()),
                "deu"
            ),
            (
                "7",
                Some("https://library.example/hours"),
                None,
                Some("2026-05-08".into()),
                "eng"
            ),
        ]
    );
    // The main text without the site's navigation and footer.
    assert!(
        docs[0].text.contains("22,000 vehicles a day")
            && !docs[0].text.contains("Subscribe")
            && !docs[0].text.contains("Cookie"),
        "{}",
        docs[0].text
    );
    assert!(
        docs[1].text.contains("korrodierten Stahlseile"),
        "{}",
        docs[1].text
    );
    assert!(docs[2]
        .text
        .starts_with("Library extends opening hours\nThe central library"));

    // Gzip per record, and zstd through stdin: the same documents.
    let gz = dir.join("news.warc.gz");
    std::fs::write(&gz, gzip_each(&news_records())).unwrap();
    let (docs_gz, _) = read(&gz);
    assert_eq!(
        docs_gz.iter().map(|d| &d.text).collect::<Vec<_>>(),
        docs.iter().map(|d| &d.text).collect::<Vec<_>>()
    );
    let zst = zstd::encode_all(&news_warc()[..], 1).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["cluster", "-", "-o", "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&zst).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("3 documents read"),
        "{err}"
    );
    // Only records that are not documents: exit 2, saying so (not "no records").
    let none = dir.join("none.warc");
    let records = news_records();
    std::fs::write(
        &none,
        [&records[0], &records[1], &records[4], &records[5]]
            .map(|r| r.as_slice())
            .concat(),
    )
    .unwrap();
    let out = tidings(&["cluster", none.to_str().unwrap(), "-o", "/dev/null"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no records that are documents")
            && err.contains("not HTML")
            && err.contains("other than 200"),
        "{err}"
    );
    // The bridge in English and German is one story.
    let stories = dir.join("stories.jsonl");
    tidings_ok(&[
        "cluster",
        gz.to_str().unwrap(),
        "-o",
        stories.to_str().unwrap(),
        "--quiet",
    ]);
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&stories)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["size"], 2, "{first}");
}
