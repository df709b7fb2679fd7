//! What reading noticed besides rejects: records kept but repaired or missing a
//! field, files left out of a folder, and what each input looked like. The reader
//! fills it as it goes; the CLI prints it after the run.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The note on records kept as empty documents for lack of the text field (the
/// CLI names `--text-field` beside it, and fails when every record has it).
pub const NO_TEXT_FIELD: &str = "no text field";

/// The notes on WARC records that are not documents all start with this.
pub const WARC_NOT_DOCUMENTS: &str = "WARC ";

/// How many examples a note keeps (the count covers all).
const EXAMPLES: usize = 3;

/// Something noticed on kept records, counted, with the first few places.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub count: usize,
    /// `location: detail` of the first few.
    pub examples: Vec<String>,
}

/// One input as it was read.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SourceInfo {
    pub name: String,
    /// "zstd-compressed JSONL", "WARC", "binary data …".
    pub looks_like: String,
    pub n_documents: usize,
    pub n_rejected: usize,
}

/// Everything reading noticed.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ReadReport {
    /// By kind ("invalid UTF-8 replaced", "no text field", "unparseable date", …).
    pub notes: BTreeMap<&'static str, Note>,
    /// Files in the folders given that are not inputs by the folder rule.
    pub skipped_files: Vec<PathBuf>,
    pub sources: Vec<SourceInfo>,
}

impl ReadReport {
    /// Counts one `kind` at `location`.
    pub fn note(&mut self, kind: &'static str, location: &str, detail: &str) {
        let n = self.notes.entry(kind).or_default();
        n.count += 1;
        if n.examples.len() < EXAMPLES {
            n.examples.push(if detail.is_empty() {
                location.to_string()
            } else {
                format!("{location}: {detail}")
            });
        }
    }

    /// Adds what reading another part of the inputs noticed (that part read after
    /// this one): counts add, the first places are kept.
    pub fn merge(&mut self, other: ReadReport) {
        for (kind, theirs) in other.notes {
            let n = self.notes.entry(kind).or_default();
            n.count += theirs.count;
            let room = EXAMPLES.saturating_sub(n.examples.len());
            n.examples.extend(theirs.examples.into_iter().take(room));
        }
        self.skipped_files.extend(other.skipped_files);
        self.sources.extend(other.sources);
    }
}

/// The report as reader and caller share it (reading is serial: no contention).
pub type SharedReport = Arc<Mutex<ReadReport>>;

/// Runs `f` on the shared report (a poisoned lock still holds valid counts).
pub(crate) fn with_report(r: &SharedReport, f: impl FnOnce(&mut ReadReport)) {
    let mut g = r.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut g);
}
