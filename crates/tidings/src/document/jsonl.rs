//! JSONL sources: one JSON object per line, plain or gzip, from a file or stdin.

use super::{check_id, Day, Document, DocumentSource, Record, Reject};
use crate::lang::Lang;
use crate::Error;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// A JSONL stream: every non-blank line is a record.
pub struct JsonlSource {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line_no: usize,
}

impl JsonlSource {
    /// A file, decompressed if its name ends in `.gz`.
    ///
    /// # Errors
    /// The file cannot be opened ([`Error::Io`] naming it).
    pub fn open(path: &Path) -> Result<JsonlSource, Error> {
        Ok(JsonlSource::new(
            path.display().to_string(),
            open_maybe_gz(path)?,
        ))
    }

    /// JSONL on standard input.
    pub fn stdin() -> JsonlSource {
        JsonlSource::new("<stdin>".into(), Box::new(BufReader::new(std::io::stdin())))
    }

    /// Any reader; `name` appears in messages.
    pub fn new(name: String, reader: Box<dyn BufRead + Send>) -> JsonlSource {
        JsonlSource {
            name,
            reader,
            line_no: 0,
        }
    }
}

impl DocumentSource for JsonlSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        loop {
            let mut raw = Vec::new();
            match self.reader.read_until(b'\n', &mut raw) {
                Ok(0) => return None,
                Ok(_) => {
                    self.line_no += 1;
                    let location = format!("{}:{}", self.name, self.line_no);
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
                    return Some(Err(Error::Io {
                        path: self.name.clone().into(),
                        source: e,
                    }))
                }
            }
        }
    }
}

/// Opens a file, decompressing it if its name ends in `.gz`.
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
        Some(id) => match check_id(&id) {
            Ok(()) => id,
            Err(reason) => {
                return Err(Reject {
                    id: Some(id),
                    location,
                    reason: reason.into(),
                })
            }
        },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Day;
    use crate::lang::Lang;

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
