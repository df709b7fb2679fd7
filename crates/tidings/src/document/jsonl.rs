//! JSONL sources: one JSON object per line, in any compression `open.rs` knows,
//! from a file or stdin, with the fields named by [`Fields`].

use super::dates::{epoch_day, parse_date};
use super::open::{open_stream, Opened};
use super::report::{with_report, SharedReport};
use super::{check_id, Day, Document, DocumentSource, ReadOptions, Record, Reject};
use crate::Error;
use rayon::prelude::*;
use serde_json::value::RawValue;
use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead};
use std::path::Path;
use std::sync::Arc;

/// Which JSON fields hold what: dotted paths into nested objects
/// (`meta.published`). A key that itself contains the dots is found too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub id: String,
    pub text: String,
    pub title: String,
    /// Tried in order; the first present one is the date.
    pub date: Vec<String>,
    pub lang: String,
    pub url: String,
    pub source: String,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            date: vec!["date".into(), "published".into()],
            lang: "lang".into(),
            url: "url".into(),
            source: "source".into(),
        }
    }
}

/// A JSONL stream: every non-blank line is a record.
///
/// Lines are read ahead, a run at a time ([`AHEAD_LINES`], [`AHEAD_BYTES`]), and
/// parsed on the thread pool, then handed out one by one in input order, each
/// with what reading noticed about it reported as it is handed out: the same
/// records, rejects and report as reading one line at a time. Validating and
/// unescaping a line is most of reading it (the page-furniture pass of the 50k
/// crawl yardstick spent 203 of its 409 samples there, on one thread), and each
/// pass over the inputs but the analysis (the furniture, the sentences members
/// add) waits on the reading alone.
pub struct JsonlSource {
    name: String,
    reader: Box<dyn BufRead + Send>,
    opened: Option<Opened>,
    line_no: usize,
    options: Arc<ReadOptions>,
    report: Option<SharedReport>,
    /// An error found while opening, reported after the lines read before it.
    pending: Option<io::Error>,
    /// Nothing more is read from `reader`.
    done: bool,
    /// Records read and parsed ahead, in input order.
    ahead: VecDeque<Parsed>,
    /// The line of the record last returned (invalid UTF-8 replaced), and where
    /// the record starts in it (past a BOM).
    last: Option<(String, usize)>,
}

/// Lines read ahead at most, per run parsed together.
const AHEAD_LINES: usize = 1024;

/// Bytes of lines read ahead, about: a run ends at the line that reaches it.
const AHEAD_BYTES: usize = 4 << 20;

/// A record read ahead.
struct Parsed {
    record: Record,
    /// Its line and where the record starts in it; `None` for a reject that is
    /// no line (over the cap, a stream that broke off).
    raw: Option<(String, usize)>,
    /// (kind, location, detail) for the reading report.
    notes: Vec<(&'static str, String, String)>,
}

impl Parsed {
    fn reject(reject: Reject) -> Parsed {
        Parsed {
            record: Err(reject),
            raw: None,
            notes: Vec::new(),
        }
    }
}

/// A line read ahead, or a reject that needs no parsing.
enum Ahead {
    Line(usize, Vec<u8>),
    Done(Parsed),
}

/// Parses line `line_no` of `name`; `None` for a blank line.
fn parse_line(name: &str, line_no: usize, buf: Vec<u8>, fields: &Fields) -> Option<Parsed> {
    let start = if line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    if buf[start..].trim_ascii().is_empty() {
        return None;
    }
    let location = format!("{name}:{line_no}");
    let mut notes = Vec::new();
    // Validated once, in place; kept for `raw_record`.
    let line = match super::string_from_utf8(buf) {
        Ok(s) => s,
        Err(buf) => {
            notes.push((
                "invalid UTF-8 replaced with U+FFFD",
                location.clone(),
                String::new(),
            ));
            // A BOM is valid UTF-8: it keeps its 3 bytes.
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    let mut found = Vec::new();
    let record = parse_record(&line[start..], location, fields, &mut found);
    if let Ok(doc) = &record {
        notes.extend(
            found
                .into_iter()
                .map(|(kind, detail)| (kind, doc.location.clone(), detail)),
        );
    }
    Some(Parsed {
        record,
        raw: Some((line, start)),
        notes,
    })
}

impl JsonlSource {
    /// A file, decompressed by what its first bytes say it is.
    ///
    /// # Errors
    /// The file cannot be opened ([`Error::Io`] naming it).
    pub fn open(path: &Path) -> Result<JsonlSource, Error> {
        let opened = open_path(path)?;
        Ok(JsonlSource::from_opened(
            path.display().to_string(),
            opened,
            Arc::default(),
            None,
        ))
    }

    /// JSONL on standard input, decompressed by what its first bytes say.
    ///
    /// # Errors
    /// Standard input cannot be read.
    pub fn stdin() -> Result<JsonlSource, Error> {
        let opened = open_stream(Box::new(io::stdin())).map_err(|e| Error::Io {
            path: "<stdin>".into(),
            source: e,
        })?;
        Ok(JsonlSource::from_opened(
            "<stdin>".into(),
            opened,
            Arc::default(),
            None,
        ))
    }

    /// Any reader, taken as plain JSONL; `name` appears in messages.
    pub fn new(name: String, reader: Box<dyn BufRead + Send>) -> JsonlSource {
        JsonlSource {
            name,
            reader,
            opened: None,
            line_no: 0,
            options: Arc::default(),
            report: None,
            pending: None,
            done: false,
            ahead: VecDeque::new(),
            last: None,
        }
    }

    pub(crate) fn from_opened(
        name: String,
        mut opened: Opened,
        options: Arc<ReadOptions>,
        report: Option<SharedReport>,
    ) -> JsonlSource {
        let reader = std::mem::replace(&mut opened.reader, Box::new(io::empty()));
        let pending = opened.head_error.take();
        JsonlSource {
            name,
            reader,
            opened: Some(opened),
            line_no: 0,
            options,
            report,
            pending,
            done: false,
            ahead: VecDeque::new(),
            last: None,
        }
    }

    /// The reject for a stream that breaks off: where, and after which line.
    fn broken(&mut self, e: &io::Error) -> Reject {
        self.done = true;
        let (what, offset) = match &self.opened {
            Some(o) => (o.compression.name(), o.raw_offset()),
            None => ("plain", 0),
        };
        Reject {
            id: None,
            location: format!("{}:byte {offset}", self.name),
            reason: format!(
                "{what} stream is truncated or corrupt after line {} (the rest of the file is lost): {e}",
                self.line_no
            ),
        }
    }
}

/// What [`read_line_capped`] found.
enum Line {
    /// A line (without its `\n`) is in the buffer.
    Ok,
    /// The line was longer than the cap; its bytes were skipped.
    TooLong(u64),
}

/// Reads one line into `buf`, keeping at most `cap` bytes: a longer line is read to
/// its end and dropped, so one endless line cannot exhaust memory. `None` at the end.
fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut total: u64 = 0;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if total == 0 {
                None
            } else if total > cap as u64 {
                Some(Line::TooLong(total))
            } else {
                Some(Line::Ok)
            });
        }
        let (take, end) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        total += take as u64;
        if total <= cap as u64 {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            buf.clear();
        }
        r.consume(take + usize::from(end));
        if end {
            return Ok(Some(if total > cap as u64 {
                Line::TooLong(total)
            } else {
                Line::Ok
            }));
        }
    }
}

impl DocumentSource for JsonlSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn looks_like(&self) -> Option<String> {
        self.opened.as_ref().map(Opened::describe)
    }

    fn raw_record(&self) -> Option<&str> {
        self.last.as_ref().map(|(line, start)| &line[*start..])
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        self.last = None;
        loop {
            if let Some(p) = self.ahead.pop_front() {
                if let Some(r) = &self.report {
                    if !p.notes.is_empty() {
                        with_report(r, |r| {
                            for (kind, location, detail) in &p.notes {
                                r.note(kind, location, detail);
                            }
                        });
                    }
                }
                self.last = p.raw;
                return Some(Ok(p.record));
            }
            if self.done {
                return None;
            }
            self.read_ahead();
        }
    }
}

impl JsonlSource {
    /// Reads the next run of lines and parses them, in parallel, into `ahead`.
    fn read_ahead(&mut self) {
        let cap = self.options.max_line_bytes;
        let mut run = Vec::new();
        let mut bytes = 0;
        while run.len() < AHEAD_LINES && bytes < AHEAD_BYTES {
            let mut buf = Vec::new();
            match read_line_capped(&mut *self.reader, &mut buf, cap) {
                Err(e) => {
                    run.push(Ahead::Done(Parsed::reject(self.broken(&e))));
                    break;
                }
                Ok(None) => {
                    match self.pending.take() {
                        Some(e) => run.push(Ahead::Done(Parsed::reject(self.broken(&e)))),
                        None => self.done = true,
                    }
                    break;
                }
                Ok(Some(Line::TooLong(n))) => {
                    self.line_no += 1;
                    run.push(Ahead::Done(Parsed::reject(Reject {
                        id: None,
                        location: format!("{}:{}", self.name, self.line_no),
                        reason: format!(
                            "line of {n} bytes is longer than the limit of {cap} bytes (--max-line-bytes)"
                        ),
                    })));
                }
                Ok(Some(Line::Ok)) => {
                    self.line_no += 1;
                    bytes += buf.len();
                    run.push(Ahead::Line(self.line_no, buf));
                }
            }
        }
        let (name, fields) = (&self.name, &self.options.fields);
        let parse = |a: Ahead| match a {
            Ahead::Done(p) => Some(p),
            Ahead::Line(no, buf) => parse_line(name, no, buf, fields),
        };
        // A short run (the end of a file, a small one) is parsed here: waking the
        // pool would cost more.
        let parsed: Vec<Option<Parsed>> = if run.len() > 1 {
            run.into_par_iter().map(parse).collect()
        } else {
            run.into_iter().map(parse).collect()
        };
        self.ahead.extend(parsed.into_iter().flatten());
    }
}

/// Opens a file for reading, decompressed by what its first bytes say it is.
pub(crate) fn open_path(path: &Path) -> Result<Opened, Error> {
    let io_err = |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    open_stream(Box::new(file)).map_err(io_err)
}

/// Opens a file, decompressing it if its first bytes say gzip, zstd, xz or bzip2.
///
/// # Errors
/// The file cannot be opened or its first bytes read.
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead + Send>, Error> {
    let opened = open_path(path)?;
    if let Some(e) = opened.head_error {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    Ok(opened.reader)
}

/// One JSON object's top-level fields, unparsed.
type Object<'a> = HashMap<String, &'a RawValue>;

/// The raw value at a dotted path: the whole path as a key first, then segment by
/// segment through nested objects.
fn lookup<'a>(obj: &Object<'a>, path: &str) -> Option<&'a RawValue> {
    if let Some(v) = obj.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    let inner: Object<'a> = serde_json::from_str(obj.get(head)?.get()).ok()?;
    lookup(&inner, rest)
}

/// A raw value as text: a string unescaped, a number exactly as written (an id of
/// 30 digits stays those 30 digits). `Err` names what it is instead.
fn raw_text(v: &RawValue) -> Result<Option<String>, &'static str> {
    let s = v.get();
    match s.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(s)
            .map(Some)
            .map_err(|_| "a string with an invalid escape"),
        Some(b'-' | b'0'..=b'9') => Ok(Some(s.to_string())),
        Some(b'n') => Ok(None),
        Some(b't' | b'f') => Err("a boolean"),
        Some(b'[') => Err("a list"),
        Some(b'{') => Err("an object"),
        _ => Err("not a value"),
    }
}

/// Parses one JSONL line into a document with the default field names, or says
/// why it cannot be one.
pub fn parse_json_record(line: &str, location: String) -> Result<Document, Reject> {
    parse_record(line, location, &Fields::default(), &mut Vec::new())
}

/// Parses one JSONL line with `fields`; what is kept but worth reporting (no text
/// field, a date or language code not understood) goes to `notes` as (kind, detail).
pub fn parse_record(
    line: &str,
    location: String,
    fields: &Fields,
    notes: &mut Vec<(&'static str, String)>,
) -> Result<Document, Reject> {
    let reject = |id: Option<String>, location: String, reason: String| {
        Err(Reject {
            id,
            location,
            reason,
        })
    };
    let obj: Object = match serde_json::from_str(line) {
        Ok(o) => o,
        Err(e) => {
            let reason = if line.trim_start().starts_with('{') {
                format!("invalid JSON: {e}")
            } else {
                format!("not a JSON object: {e}")
            };
            return reject(None, location, reason);
        }
    };
    let id = match lookup(&obj, &fields.id).map(raw_text) {
        Some(Ok(Some(id))) => id,
        Some(Err(what)) => {
            return reject(
                None,
                location,
                format!("\"{}\" is {what}, not a string or number", fields.id),
            )
        }
        None | Some(Ok(None)) => {
            return reject(
                None,
                location,
                format!("missing \"{}\" (string or number)", fields.id),
            )
        }
    };
    if let Err(reason) = check_id(&id) {
        return reject(Some(id), location, reason.into());
    }
    let text = match lookup(&obj, &fields.text) {
        None => {
            notes.push((super::report::NO_TEXT_FIELD, field_names(&obj)));
            String::new()
        }
        Some(v) => match raw_text(v) {
            Ok(t) if v.get().starts_with('"') => t.unwrap_or_default(),
            Ok(None) => String::new(),
            Ok(Some(_)) => {
                return reject(
                    Some(id),
                    location,
                    format!("\"{}\" is a number, not a string", fields.text),
                )
            }
            Err(what) => {
                return reject(
                    Some(id),
                    location,
                    format!("\"{}\" is {what}, not a string", fields.text),
                )
            }
        },
    };
    let get = |path: &str| {
        lookup(&obj, path)
            .and_then(|v| raw_text(v).ok().flatten())
            .filter(|s| !s.trim().is_empty())
    };
    let mut date = None;
    if let Some(v) = fields.date.iter().find_map(|p| lookup(&obj, p)) {
        let raw = v.get();
        let parsed: Option<Day> =
            if raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
                raw.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && x.abs() < 1e17)
                    .and_then(|x| epoch_day(x as i64))
            } else {
                raw_text(v).ok().flatten().and_then(|s| parse_date(&s))
            };
        match parsed {
            Some(d) => date = Some(d),
            None if raw == "null" || raw == "\"\"" => {}
            None => notes.push(("unparseable date (ignored)", truncate(raw, 60))),
        }
    }
    let lang = get(&fields.lang)
        .and_then(|code| super::declared_lang(&code, || truncate(&code, 40), notes));
    Ok(Document {
        id,
        text,
        title: get(&fields.title),
        url: get(&fields.url),
        date,
        lang,
        source: get(&fields.source),
        location,
    })
}

/// The record's field names, for the note on a missing text field.
fn field_names(obj: &Object) -> String {
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys.truncate(8);
    format!("its fields are {}", keys.join(", "))
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Reads every byte of `r` (tests).
#[cfg(test)]
fn read_all(mut r: impl io::Read) -> Vec<u8> {
    let mut v = Vec::new();
    r.read_to_end(&mut v).unwrap();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Day;
    use crate::lang::Lang;
    use std::collections::BTreeMap;

    #[test]
    fn json_records() {
        let ok = parse_json_record(
            r#"{"id": 7, "text": "hi", "lang": "tr", "published": "2025-12-20"}"#,
            "f:1".into(),
        )
        .unwrap();
        assert_eq!(
            (ok.id.as_str(), ok.lang, ok.date),
            ("7", Some(Lang::TUR), Day::parse("2025-12-20"))
        );
        let cases = [
            ("{", "invalid JSON"),
            ("[1]", "not a JSON object"),
            ("hello", "not a JSON object"),
            (r#"{"text": "x"}"#, "missing \"id\""),
            (r#"{"id": null, "text": "x"}"#, "missing \"id\""),
            (r#"{"id": true, "text": "x"}"#, "\"id\" is a boolean"),
            (r#"{"id": " ", "text": "x"}"#, "id is empty"),
            (r#"{"id": "a", "text": 3}"#, "\"text\" is a number"),
            (r#"{"id": "a", "text": ["x"]}"#, "\"text\" is a list"),
        ];
        for (line, want) in cases {
            let err = parse_json_record(line, "in.jsonl:3".into()).unwrap_err();
            assert!(err.reason.starts_with(want), "{line}: {}", err.reason);
            assert_eq!(err.location, "in.jsonl:3");
        }
    }

    #[test]
    fn big_numeric_ids_stay_as_written() {
        for raw in [
            "123456789012345678901234567890",
            "18446744073709551617",
            "-5",
            "1.50",
        ] {
            let doc = parse_json_record(&format!(r#"{{"id": {raw}, "text": "x"}}"#), "f:1".into());
            assert_eq!(doc.unwrap().id, raw);
        }
    }

    /// (fields, line) → (id, text, title, date, url, notes).
    #[test]
    fn fields_are_mapped_by_dotted_paths() {
        let fields = Fields {
            id: "doc_id".into(),
            text: "body.content".into(),
            title: "meta.headline".into(),
            date: vec!["published_at".into()],
            lang: "meta.language".into(),
            url: "link".into(),
            source: "source".into(),
        };
        let line = r#"{"doc_id": "d1", "body": {"content": "Hello"}, "meta": {"headline": "H", "language": "xx-YY"}, "published_at": 1778150400000, "link": "http://a"}"#;
        let mut notes = Vec::new();
        let d = parse_record(line, "f:1".into(), &fields, &mut notes).unwrap();
        assert_eq!(
            (
                d.id.as_str(),
                d.text.as_str(),
                d.title.as_deref(),
                d.date,
                d.url.as_deref()
            ),
            (
                "d1",
                "Hello",
                Some("H"),
                Day::parse("2026-05-07"),
                Some("http://a")
            )
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].0.starts_with("unknown language code"));
        // A key written with the dots is found as it is.
        let mut notes = Vec::new();
        let d = parse_record(
            r#"{"doc_id": 1, "body.content": "dotted", "published_at": "May 7th, 2026"}"#,
            "f:2".into(),
            &fields,
            &mut notes,
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.date),
            ("dotted", Day::parse("2026-05-07"))
        );
        // No text field and a date not understood: kept, and both noted.
        let mut notes = Vec::new();
        let d = parse_record(
            r#"{"id": "x", "content": "c", "date": "someday"}"#,
            "f:3".into(),
            &Fields::default(),
            &mut notes,
        )
        .unwrap();
        assert_eq!((d.text.as_str(), d.date), ("", None));
        let kinds: Vec<&str> = notes.iter().map(|n| n.0).collect();
        assert_eq!(kinds, ["no text field", "unparseable date (ignored)"]);
        assert!(notes[0].1.contains("content"), "{notes:?}");
    }

    fn records(bytes: &[u8], cap: usize) -> Vec<Result<String, String>> {
        let options = Arc::new(ReadOptions {
            max_line_bytes: cap,
            ..ReadOptions::default()
        });
        let opened = open_stream(Box::new(io::Cursor::new(bytes.to_vec()))).unwrap();
        let mut src = JsonlSource::from_opened("t".into(), opened, options, None);
        std::iter::from_fn(|| src.next_record())
            .map(|r| match r.unwrap() {
                Ok(d) => Ok(format!("{}={}", d.id, d.text)),
                Err(r) => Err(format!("{} {}", r.location, r.reason)),
            })
            .collect()
    }

    #[test]
    fn lines_bom_crlf_bad_bytes_and_long_lines() {
        let mut input = b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"one\"}\r\n\n".to_vec();
        input.extend_from_slice(b"{\"id\":\"b\",\"text\":\"t\xffo\"}\n");
        input.extend_from_slice(
            format!("{{\"id\":\"c\",\"text\":\"{}\"}}\n", "x".repeat(200)).as_bytes(),
        );
        input.extend_from_slice(b"{\"id\":\"d\",\"text\":\"last, no newline\"}");
        let got = records(&input, 100);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], Ok("a=one".into()));
        assert_eq!(got[1], Ok("b=t\u{fffd}o".into()));
        assert!(
            got[2]
                .as_ref()
                .is_err_and(|e| e.starts_with("t:4 line of 220 bytes")),
            "{got:?}"
        );
        assert_eq!(got[3], Ok("d=last, no newline".into()));
    }

    /// Each record's line as it stands (BOM off, a CR kept), invalid bytes
    /// replaced as the parser saw them; none for a line over the cap.
    #[test]
    fn raw_records_are_the_lines_as_written() {
        let input = b"\xEF\xBB\xBF{\"id\":1, \"x\": 1.0e5}\r\n\n{\"id\":\"b\",\"text\":\"t\xffo\"}\n{\"id\":\"long\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\nnot json";
        let opened = open_stream(Box::new(io::Cursor::new(input.to_vec()))).unwrap();
        let options = Arc::new(ReadOptions {
            max_line_bytes: 40,
            ..ReadOptions::default()
        });
        let mut src = JsonlSource::from_opened("t".into(), opened, options, None);
        let mut raws = Vec::new();
        while let Some(r) = src.next_record() {
            r.unwrap().ok();
            raws.push(src.raw_record().map(str::to_string));
        }
        let want: [Option<&str>; 4] = [
            Some("{\"id\":1, \"x\": 1.0e5}\r"),
            Some("{\"id\":\"b\",\"text\":\"t\u{fffd}o\"}"),
            None,
            Some("not json"),
        ];
        assert_eq!(raws, want.map(|w| w.map(str::to_string)));
    }

    /// Lines read ahead in runs and parsed on the pool come out as reading them
    /// one at a time gives them: each record (or reject) with its line number,
    /// its line as written, and the report's notes in line order, across runs
    /// cut by the line count and by the byte count.
    #[test]
    fn read_ahead_runs_are_read_as_one_line_at_a_time() {
        let cap = 60_000;
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for i in 0..(AHEAD_LINES * 3 + 7) {
            lines.push(match i % 11 {
                0 => Vec::new(),
                // Invalid UTF-8 in the text.
                1 => [
                    format!("{{\"id\":\"{i}\",\"text\":\"bad ").as_bytes(),
                    b"\xfe\"}",
                ]
                .concat(),
                2 => format!("{{\"id\":\"{i}\",\"text\":\"{}\"}}", "y".repeat(cap)).into_bytes(),
                3 => b"{ not json".to_vec(),
                4 => format!("{{\"id\":\"{i}\",\"date\":\"someday\",\"text\":\"t\"}}").into_bytes(),
                // Long lines: a run of AHEAD_LINES holds about 93 of them, more
                // than AHEAD_BYTES, so runs end at the byte count.
                5 => format!("{{\"id\":\"{i}\",\"text\":\"{}\"}}", "z".repeat(50_000)).into_bytes(),
                _ => format!("{{\"id\":\"{i}\",\"text\":\"line {i}\"}}").into_bytes(),
            });
        }
        let mut input = lines.join(&b'\n');
        input.push(b'\n');
        const { assert!(AHEAD_LINES / 11 * 50_000 > AHEAD_BYTES) };
        // The reference: each line on its own, as `next_record` read them before.
        let mut want = Vec::new();
        let mut want_notes: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, l) in lines.iter().enumerate() {
            let location = format!("t:{}", i + 1);
            if l.len() > cap {
                want.push((Err(location), None));
                continue;
            }
            if l.trim_ascii().is_empty() {
                continue;
            }
            let line = String::from_utf8_lossy(l).into_owned();
            if std::str::from_utf8(l).is_err() {
                *want_notes
                    .entry("invalid UTF-8 replaced with U+FFFD")
                    .or_default() += 1;
            }
            let mut notes = Vec::new();
            let rec = parse_record(&line, location.clone(), &Fields::default(), &mut notes);
            if rec.is_ok() {
                for (kind, _) in notes {
                    *want_notes.entry(kind).or_default() += 1;
                }
            }
            let outcome = rec
                .map(|d| format!("{}={}", d.id, d.text))
                .map_err(|r| r.location);
            want.push((outcome, Some(line)));
        }
        let opened = open_stream(Box::new(io::Cursor::new(input))).unwrap();
        let options = Arc::new(ReadOptions {
            max_line_bytes: cap,
            ..ReadOptions::default()
        });
        let report = SharedReport::default();
        let mut src = JsonlSource::from_opened("t".into(), opened, options, Some(report.clone()));
        let mut got = Vec::new();
        while let Some(r) = src.next_record() {
            let outcome = r
                .unwrap()
                .map(|d| format!("{}={}", d.id, d.text))
                .map_err(|r| r.location);
            got.push((outcome, src.raw_record().map(str::to_string)));
        }
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "record {i}");
        }
        let notes: BTreeMap<&str, usize> = report
            .lock()
            .unwrap()
            .notes
            .iter()
            .map(|(k, n)| (*k, n.count))
            .collect();
        assert!(notes.len() >= 2, "{notes:?}");
        assert_eq!(notes, want_notes);
    }

    #[test]
    fn a_truncated_stream_is_one_reject_with_its_offset() {
        // Enough for several zstd blocks: a cut inside the only block yields nothing.
        let text = (0..30000)
            .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"some text {i}\"}}\n"))
            .collect::<String>();
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            io::Write::write_all(&mut e, text.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::encode_all(text.as_bytes(), 1).unwrap();
        for full in [gz, zst] {
            let cut = &full[..full.len() * 2 / 3];
            let got = records(cut, 1 << 20);
            let (ok, bad): (Vec<_>, Vec<_>) = got.iter().partition(|r| r.is_ok());
            assert!(
                ok.len() > 100 && ok.len() < 30000,
                "{} {:?}",
                ok.len(),
                &got[..got.len().min(3)]
            );
            assert_eq!(bad.len(), 1, "{bad:?}");
            let msg = bad[0].as_ref().unwrap_err();
            assert!(
                msg.starts_with(&format!("t:byte {} ", cut.len())) && msg.contains("truncated"),
                "{msg}"
            );
            assert!(got.last().unwrap().is_err(), "the reject comes last");
        }
        // An empty file and a 0-byte ".gz" are both just empty.
        assert!(records(b"", 10).is_empty());
        assert_eq!(
            read_all(open_stream(Box::new(io::empty())).unwrap().reader),
            b""
        );
    }
}
