//! Documents and the readers that stream them in: JSONL (a file, `.jsonl.gz`, or `-`
//! for stdin) and folders of `.txt` files.
//!
//! Readers never abort a run over one bad record: a line that is not JSON, or a
//! record without an id, becomes a [`Reject`] naming the file and line; IO errors on
//! the input itself (a missing file) are [`Error`]s.

mod jsonl;
mod text;

pub use jsonl::{open_maybe_gz, parse_json_record, JsonlSource};
pub use text::{read_text_file, TextFileSource};

use crate::lang::Lang;
use crate::Error;
use std::path::PathBuf;

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
/// One record read from a source: a document, or why it could not be one.
pub type Record = Result<Document, Reject>;

/// A source of documents, one implementation per input format (JSONL lines, a text
/// file per document). Record-based: a source decides what one record is (a line,
/// a file, a WARC response), and never aborts over one bad record.
pub trait DocumentSource: Send {
    /// The source's name in messages (a path, or `<stdin>`).
    fn name(&self) -> &str;

    /// The next record, an IO error on the source itself (which ends the run), or
    /// `None` at the source's end.
    fn next_record(&mut self) -> Option<Result<Record, Error>>;
}

impl Input {
    /// Opens the source this input names.
    ///
    /// # Errors
    /// The file cannot be opened ([`Error::Io`] naming it).
    pub fn open(&self) -> Result<Box<dyn DocumentSource>, Error> {
        Ok(match self {
            Input::Stdin => Box::new(JsonlSource::stdin()),
            Input::Jsonl(path) => Box::new(JsonlSource::open(path)?),
            Input::TextFile(path) => Box::new(TextFileSource::new(path.clone())),
        })
    }
}

/// Why an id cannot be used, if it cannot: ids are written into TSV files and
/// compared as written, so a blank id, or one with a tab or line break, is refused.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.trim().is_empty() || id.contains(['\t', '\n', '\r']) {
        Err("id is empty or contains a tab or line break")
    } else {
        Ok(())
    }
}

/// Streams documents from inputs, one at a time and each source opened only when
/// reached, so full texts live only as long as the batch that analyzes them.
pub struct DocReader {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Box<dyn DocumentSource>>,
}

impl DocReader {
    pub fn new(inputs: Vec<Input>) -> DocReader {
        DocReader {
            inputs: inputs.into_iter(),
            current: None,
        }
    }
}

impl Iterator for DocReader {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(source) = &mut self.current {
                match source.next_record() {
                    Some(Err(e)) => {
                        // An IO error ends the source: it is not read again.
                        self.current = None;
                        return Some(Err(e));
                    }
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            match self.inputs.next()?.open() {
                Ok(source) => self.current = Some(source),
                Err(e) => return Some(Err(e)),
            }
        }
    }
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
}
