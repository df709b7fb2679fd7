//! Text sources: one text file (`.txt`, any compression) is one document.

use super::open::{Content, Opened};
use super::report::{with_report, SharedReport};
use super::{check_id, Day, Document, DocumentSource, Record, Reject};
use crate::Error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One text file: a single record.
pub struct TextFileSource {
    path: PathBuf,
    name: String,
    id: String,
    max_bytes: usize,
    report: Option<SharedReport>,
    opened: Option<Opened>,
    looks_like: Option<String>,
}

impl TextFileSource {
    /// The file at `path`, its id the file name without extension.
    pub fn new(path: PathBuf) -> TextFileSource {
        let id = id_of(&path, None);
        TextFileSource {
            name: path.display().to_string(),
            path,
            id,
            max_bytes: super::DEFAULT_MAX_LINE_BYTES,
            report: None,
            opened: None,
            looks_like: None,
        }
    }

    pub(crate) fn from_opened(
        path: PathBuf,
        id: String,
        opened: Opened,
        max_bytes: usize,
        report: Option<SharedReport>,
    ) -> TextFileSource {
        TextFileSource {
            name: path.display().to_string(),
            looks_like: Some(opened.describe()),
            path,
            id,
            max_bytes,
            report,
            opened: Some(opened),
        }
    }
}

/// A text file's id: its path below the folder it was found in (`sub/name`), or
/// its name, without the extensions (`a.txt.gz` → `a`). `None` when the name is
/// not valid UTF-8: a lossy name could collide with another file's.
pub(crate) fn id_of(path: &Path, below: Option<&Path>) -> String {
    let rel = below
        .and_then(|b| path.strip_prefix(b).ok())
        .unwrap_or_else(|| Path::new(path.file_name().unwrap_or_default()));
    let rel = rel
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/");
    let mut id = rel.as_str();
    // Compression suffixes, then the one format extension.
    for ext in [".gz", ".zst", ".zstd", ".xz", ".bz2"] {
        // Compared as bytes: the name may end in a multi-byte character, and a
        // match is ASCII, so cutting there stays on a character boundary.
        let b = id.as_bytes();
        if b.len() > ext.len() && b[b.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes()) {
            id = &id[..id.len() - ext.len()];
            break;
        }
    }
    if let Some(dot) = id
        .rfind('.')
        .filter(|&d| d > id.rfind('/').map_or(0, |s| s + 1))
    {
        id = &id[..dot];
    }
    id.to_string()
}

impl DocumentSource for TextFileSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn looks_like(&self) -> Option<String> {
        self.looks_like.clone()
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        if self.looks_like.is_some() && self.opened.is_none() {
            return None;
        }
        let opened = match self.opened.take() {
            Some(o) => o,
            None => match super::jsonl::open_path(&self.path) {
                Ok(o) => o,
                Err(e) => {
                    self.looks_like = Some("unreadable".into());
                    return Some(Err(e));
                }
            },
        };
        self.looks_like = Some(opened.describe());
        Some(Ok(self.read(opened)))
    }
}

impl TextFileSource {
    fn read(&self, opened: Opened) -> Record {
        let location = self.name.clone();
        let id = self.id.clone();
        if self.path.file_name().is_some_and(|n| n.to_str().is_none()) {
            return Err(Reject {
                id: None,
                location,
                reason: "file name is not valid UTF-8 (it would not be a usable id)".into(),
            });
        }
        if let Err(reason) = check_id(&id) {
            return Err(Reject {
                id: Some(id),
                location,
                reason: format!("file name: {reason}"),
            });
        }
        if matches!(opened.content, Content::Binary | Content::Other(_)) {
            return Err(Reject {
                id: Some(id),
                location,
                reason: format!("looks like {}: not read", opened.describe()),
            });
        }
        let mut bytes = Vec::new();
        let cap = self.max_bytes as u64;
        let read = opened.reader.take(cap + 1).read_to_end(&mut bytes);
        if let Some(e) = read.err().or(opened.head_error) {
            return Err(Reject {
                id: Some(id),
                location: format!(
                    "{location}:byte {}",
                    opened.raw_pos.load(std::sync::atomic::Ordering::Relaxed)
                ),
                reason: format!("cannot read: {e}"),
            });
        }
        if bytes.len() as u64 > cap {
            return Err(Reject {
                id: Some(id),
                location,
                reason: format!("file is longer than the limit of {cap} bytes (--max-line-bytes)"),
            });
        }
        let mut bytes: &[u8] = &bytes;
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => {
                if let Some(r) = &self.report {
                    with_report(r, |r| {
                        r.note("invalid UTF-8 replaced with U+FFFD", &location, "")
                    });
                }
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        Ok(text_document(id, text, location))
    }
}

/// A document from a text file's content. A first line of the form
/// ` date 2025-12-20 https://…` gives the date and url and is not text.
fn text_document(id: String, text: String, location: String) -> Document {
    let mut doc = Document {
        id,
        location,
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
    doc
}

/// Reads one text file as a document: id = file name without extension.
pub fn read_text_file(path: &Path) -> Result<Document, Reject> {
    let mut src = TextFileSource::new(path.to_path_buf());
    match src.next_record() {
        Some(Ok(rec)) => rec,
        Some(Err(e)) => Err(Reject {
            id: Some(src.id.clone()),
            location: path.display().to_string(),
            reason: format!(
                "cannot read: {}",
                std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string())
            ),
        }),
        None => Err(Reject {
            id: Some(src.id.clone()),
            location: path.display().to_string(),
            reason: "cannot read".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_file_name_is_rejected_with_the_name() {
        let dir = std::env::temp_dir().join(format!("tidings-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, ok) in [("good.txt", true), ("a\tb.txt", true), ("  .txt", false)] {
            let path = dir.join(name);
            std::fs::write(&path, "Some news text.").unwrap();
            let got = read_text_file(&path);
            assert_eq!(got.is_ok(), ok, "{name:?}: {got:?}");
            if let Err(r) = got {
                assert!(
                    r.reason.starts_with("file name: id is empty"),
                    "{}",
                    r.reason
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ids_are_paths_below_the_folder_without_extensions() {
        let cases = [
            ("/d/a.txt", None, "a"),
            ("/d/A.TXT", None, "A"),
            ("/d/a.txt.gz", None, "a"),
            ("/d/noext", None, "noext"),
            ("/d/sub/a.txt", Some("/d"), "sub/a"),
            ("/d/sub.x/a", Some("/d"), "sub.x/a"),
            ("/d/caf\u{fffd}", None, "caf\u{fffd}"),
            ("/d/\u{fffd}.gz", None, "\u{fffd}"),
        ];
        for (path, below, want) in cases {
            assert_eq!(id_of(Path::new(path), below.map(Path::new)), want, "{path}");
        }
    }
}
