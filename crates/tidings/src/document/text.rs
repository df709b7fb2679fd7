//! Text sources: one `.txt` file is one document.

use super::{check_id, Day, Document, DocumentSource, Record, Reject};
use crate::Error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One `.txt` file: a single record.
pub struct TextFileSource {
    path: PathBuf,
    name: String,
    done: bool,
}

impl TextFileSource {
    pub fn new(path: PathBuf) -> TextFileSource {
        TextFileSource {
            name: path.display().to_string(),
            path,
            done: false,
        }
    }
}

impl DocumentSource for TextFileSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        if std::mem::replace(&mut self.done, true) {
            return None;
        }
        Some(Ok(read_text_file(&self.path)))
    }
}

/// Reads one `.txt` file as a document: id = file name without extension. A first
/// line of the form ` date 2025-12-20 https://…` gives the date and url and is not text.
pub fn read_text_file(path: &Path) -> Result<Document, Reject> {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let location = path.display().to_string();
    if let Err(reason) = check_id(&id) {
        return Err(Reject {
            id: Some(id),
            location,
            reason: format!("file name: {reason}"),
        });
    }
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
    fn a_file_name_that_is_no_id_is_rejected_with_the_name() {
        let dir = std::env::temp_dir().join(format!("tidings-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, ok) in [("good.txt", true), ("a\tb.txt", false), ("  .txt", false)] {
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
}
