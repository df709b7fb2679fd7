//! Documents and the readers that stream them in: JSONL (a file, `.jsonl.gz`, or `-`
//! for stdin) and folders of `.txt` files.
//!
//! Readers never abort a run over one bad record: a line that is not JSON, or a
//! record without an id, becomes a [`Reject`] naming the file and line; IO errors on
//! the input itself (a missing file) are [`Error`]s.

use crate::lang::Lang;
use crate::Error;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Days since 1970-01-01 (UTC). Stories span days; nothing finer is needed.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Day(pub i32);

impl Day {
    /// Parses the date part of an ISO 8601 string (`2025-12-20`, `2025-12-20T18:16+0000`).
    pub fn parse(s: &str) -> Option<Day> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y: i32 = s.get(0..4)?.parse().ok()?;
        let m: u32 = s.get(5..7)?.parse().ok()?;
        let d: u32 = s.get(8..10)?.parse().ok()?;
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let month_days = match m {
            2 => 28 + u32::from(leap),
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return None,
        };
        if !(1..=month_days).contains(&d) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146097 + doe - 719468))
    }

    /// Formats as `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        let z = self.0 + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i32::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// One input document.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Document {
    pub id: String,
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<Day>,
    /// The language the input declared, if any; it is honoured over detection.
    pub lang: Option<Lang>,
    pub source: Option<String>,
    /// Where it was read (`file:line`, or the file), for messages about it.
    pub location: String,
}

/// An input record that could not become a document.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reject {
    /// The id, when one could be read.
    pub id: Option<String>,
    /// `file:line` (or the file alone for a text file).
    pub location: String,
    pub reason: String,
}

/// Where documents come from.
#[derive(Clone, Debug)]
pub enum Input {
    Stdin,
    Jsonl(PathBuf),
    TextFile(PathBuf),
}

/// Expands command-line arguments into inputs: `-` is JSONL on stdin, a folder is
/// every `.txt`, `.jsonl` and `.jsonl.gz` file in it (sorted by name), a `.txt` file is one document.
pub fn expand_inputs(args: &[PathBuf]) -> Result<Vec<Input>, Error> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if arg.is_dir() {
            let rd = std::fs::read_dir(arg).map_err(|e| Error::Io {
                path: arg.clone(),
                source: e,
            })?;
            let mut files: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            for f in files {
                let name = f.to_string_lossy();
                if name.ends_with(".txt") {
                    out.push(Input::TextFile(f));
                } else if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") {
                    out.push(Input::Jsonl(f));
                }
            }
        } else if !arg.exists() {
            return Err(Error::Io {
                path: arg.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        } else if arg.to_string_lossy().ends_with(".txt") {
            out.push(Input::TextFile(arg.clone()));
        } else {
            out.push(Input::Jsonl(arg.clone()));
        }
    }
    Ok(out)
}

/// Streams documents from inputs, one at a time, so full texts live only as long
/// as the batch that analyzes them.
pub struct DocReader {
    inputs: std::vec::IntoIter<Input>,
    current: Option<(String, Box<dyn BufRead + Send>, usize)>,
    line: String,
}

impl DocReader {
    pub fn new(inputs: Vec<Input>) -> DocReader {
        DocReader {
            inputs: inputs.into_iter(),
            current: None,
            line: String::new(),
        }
    }
}

impl Iterator for DocReader {
    type Item = Result<Result<Document, Reject>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((name, reader, line_no)) = &mut self.current {
                self.line.clear();
                let mut raw = Vec::new();
                match reader.read_until(b'\n', &mut raw) {
                    Ok(0) => {
                        self.current = None;
                        continue;
                    }
                    Ok(_) => {
                        *line_no += 1;
                        let location = format!("{name}:{line_no}");
                        match String::from_utf8(raw) {
                            Ok(s) if s.trim().is_empty() => continue,
                            Ok(s) => return Some(Ok(parse_json_record(&s, location))),
                            Err(_) => {
                                return Some(Ok(Err(Reject {
                                    id: None,
                                    location,
                                    reason: "line is not valid UTF-8".into(),
                                })))
                            }
                        }
                    }
                    Err(e) => {
                        let name = name.clone();
                        self.current = None;
                        return Some(Err(Error::Io {
                            path: name.into(),
                            source: e,
                        }));
                    }
                }
            }
            match self.inputs.next()? {
                Input::Stdin => {
                    self.current = Some((
                        "<stdin>".into(),
                        Box::new(BufReader::new(std::io::stdin())),
                        0,
                    ));
                }
                Input::Jsonl(path) => match open_maybe_gz(&path) {
                    Ok(r) => self.current = Some((path.display().to_string(), r, 0)),
                    Err(e) => return Some(Err(e)),
                },
                Input::TextFile(path) => return Some(Ok(read_text_file(&path))),
            }
        }
    }
}

pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead + Send>, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if path.to_string_lossy().ends_with(".gz") {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(file),
        )))
    } else {
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }
}

fn json_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses one JSONL line into a document, or says why it cannot be one.
pub fn parse_json_record(line: &str, location: String) -> Result<Document, Reject> {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return Err(Reject {
                id: None,
                location,
                reason: format!("invalid JSON: {e}"),
            })
        }
    };
    let Some(obj) = value.as_object() else {
        return Err(Reject {
            id: None,
            location,
            reason: "not a JSON object".into(),
        });
    };
    let id = match obj.get("id").and_then(json_str) {
        Some(id) if !id.trim().is_empty() && !id.contains(['\t', '\n', '\r']) => id,
        Some(id) => {
            return Err(Reject {
                id: Some(id),
                location,
                reason: "id is empty or contains a tab or line break".into(),
            })
        }
        None => {
            return Err(Reject {
                id: None,
                location,
                reason: "missing \"id\" (string or number)".into(),
            })
        }
    };
    let text = match obj.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        None | Some(serde_json::Value::Null) => String::new(),
        Some(_) => {
            return Err(Reject {
                id: Some(id),
                location,
                reason: "\"text\" is not a string".into(),
            })
        }
    };
    let get = |k: &str| {
        obj.get(k)
            .and_then(json_str)
            .filter(|s| !s.trim().is_empty())
    };
    let date = get("date")
        .or_else(|| get("published"))
        .and_then(|d| Day::parse(&d));
    Ok(Document {
        id,
        text,
        title: get("title"),
        url: get("url"),
        date,
        lang: get("lang").and_then(|l| Lang::from_code(&l)),
        source: get("source"),
        location,
    })
}

/// Reads one `.txt` file as a document: id = file name without extension. A first
/// line of the form ` date 2025-12-20 https://…` gives the date and url and is not text.
pub fn read_text_file(path: &Path) -> Result<Document, Reject> {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let location = path.display().to_string();
    let mut bytes = Vec::new();
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        return Err(Reject {
            id: Some(id),
            location,
            reason: format!("cannot read: {e}"),
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return Err(Reject {
                id: Some(id),
                location,
                reason: "file is not valid UTF-8".into(),
            })
        }
    };
    let mut doc = Document {
        id,
        ..Default::default()
    };
    let first = text.lines().next().unwrap_or("");
    let mut words = first.split_whitespace();
    if words.next() == Some("date") {
        doc.date = words.next().and_then(Day::parse);
        doc.url = words
            .next()
            .filter(|u| u.starts_with("http"))
            .map(str::to_string);
        doc.text = text[first.len()..]
            .trim_start_matches(['\r', '\n'])
            .to_string();
    } else {
        doc.text = text;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2025-12-20",
            "1969-12-31",
            "2024-03-01",
        ] {
            assert_eq!(Day::parse(s).unwrap().to_iso(), s);
        }
        assert_eq!(Day::parse("1970-01-02"), Some(Day(1)));
        assert_eq!(
            Day::parse("2025-12-20T18:16+0000"),
            Day::parse("2025-12-20")
        );
        assert_eq!(Day::parse("2025-13-01"), None);
        assert_eq!(Day::parse("yesterday"), None);
    }

    #[test]
    fn days_beyond_the_month_are_rejected() {
        // (date, parses): month lengths, and leap years every 4 years except
        // centuries not divisible by 400.
        let cases = [
            ("2025-01-31", true),
            ("2025-01-32", false),
            ("2025-02-28", true),
            ("2025-02-29", false),
            ("2025-02-31", false),
            ("2024-02-29", true),
            ("2024-02-30", false),
            ("2000-02-29", true),
            ("2100-02-29", false),
            ("1900-02-29", false),
            ("2025-04-30", true),
            ("2025-04-31", false),
            ("2025-06-31", false),
            ("2025-09-31", false),
            ("2025-11-31", false),
            ("2025-12-31", true),
            ("2025-07-31", true),
            ("2025-08-31", true),
            ("2025-03-00", false),
            ("2025-00-10", false),
            ("2025-13-01", false),
        ];
        for (s, ok) in cases {
            assert_eq!(Day::parse(s).is_some(), ok, "{s}");
            if ok {
                assert_eq!(Day::parse(s).map(Day::to_iso).as_deref(), Some(s));
            }
        }
    }

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
            (r#"{"text": "x"}"#, "missing \"id\""),
            (r#"{"id": "a\tb", "text": "x"}"#, "id is empty"),
            (r#"{"id": "a", "text": 3}"#, "\"text\" is not a string"),
        ];
        for (line, want) in cases {
            let err = parse_json_record(line, "in.jsonl:3".into()).unwrap_err();
            assert!(err.reason.starts_with(want), "{line}: {}", err.reason);
            assert_eq!(err.location, "in.jsonl:3");
        }
    }
}
