//! Reading inputs for `cluster`, `eval` and `dedup`: the input flags, progress, the policy
//! for bad records, and what is said on stderr about what was read.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tidings::document::{
    expand_inputs_listing, DocReader, Fields, FurnitureCounts, Input, ReadOptions, ReadReport,
    Record, Reject, DEFAULT_MAX_LINE_BYTES, NO_TEXT_FIELD, WARC_NOT_DOCUMENTS,
};
use tidings::engine::{Clustering, Engine, SweepPoint};

/// What to do with a record that cannot be read.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// Count it, report it (and write it to --rejects), go on.
    Skip,
    /// Stop at the first one, with exit code 2.
    Fail,
}

/// How inputs are read and what is said about them: the same flags for `cluster`,
/// `eval` and `dedup`.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// JSON field holding the id (a dotted path into nested objects: `meta.id`).
    #[arg(
        long,
        default_value = "id",
        value_name = "PATH",
        help_heading = "Input"
    )]
    pub id_field: String,
    /// JSON field holding the text.
    #[arg(
        long,
        default_value = "text",
        value_name = "PATH",
        help_heading = "Input"
    )]
    pub text_field: String,
    /// JSON field holding the title.
    #[arg(
        long,
        default_value = "title",
        value_name = "PATH",
        help_heading = "Input"
    )]
    pub title_field: String,
    /// JSON field holding the date: ISO 8601 with or without time and zone, RFC 2822,
    /// "May 7, 2026", epoch seconds or milliseconds [default: date, else published].
    #[arg(long, value_name = "PATH", help_heading = "Input")]
    pub date_field: Option<String>,
    /// JSON field holding the language code (ISO 639-1 or -3; detected when absent).
    #[arg(
        long,
        default_value = "lang",
        value_name = "PATH",
        help_heading = "Input"
    )]
    pub lang_field: String,
    /// JSON field holding the URL.
    #[arg(
        long,
        default_value = "url",
        value_name = "PATH",
        help_heading = "Input"
    )]
    pub url_field: String,
    /// Longest JSONL line, text file or WARC record read, in bytes; a longer one is
    /// rejected.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES, value_name = "BYTES", help_heading = "Input")]
    pub max_line_bytes: usize,
    /// Exit with code 2 when more than this share of the records is rejected
    /// (the outputs are written first).
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "SHARE",
        help_heading = "Input"
    )]
    pub max_reject_share: f64,
    /// What to do with a record that cannot be read.
    #[arg(long, value_enum, default_value_t = OnError::Skip, help_heading = "Input")]
    pub on_error: OnError,
    /// Print only errors on stderr (no progress, summary or warnings).
    #[arg(long, short, help_heading = "Input")]
    pub quiet: bool,
}

impl InputArgs {
    /// The reader's options these flags ask for.
    pub fn options(&self) -> Result<ReadOptions> {
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.max_reject_share),
            "--max-reject-share must be between 0 and 1, not {}",
            self.max_reject_share
        );
        anyhow::ensure!(self.max_line_bytes > 0, "--max-line-bytes must be positive");
        let fields = Fields {
            id: self.id_field.clone(),
            text: self.text_field.clone(),
            title: self.title_field.clone(),
            date: match &self.date_field {
                Some(f) => vec![f.clone()],
                None => Fields::default().date,
            },
            lang: self.lang_field.clone(),
            url: self.url_field.clone(),
            source: Fields::default().source,
        };
        Ok(ReadOptions {
            fields,
            max_line_bytes: self.max_line_bytes,
        })
    }

    /// Prints a warning unless --quiet.
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("tidings: warning: {message}");
        }
    }

    /// The inputs the arguments name; an error when they name none (an empty folder,
    /// a folder of other files): reading nothing is not a success. Files passed over
    /// in folders are listed in a warning.
    pub fn expand(&self, paths: &[PathBuf]) -> Result<Vec<Input>> {
        self.options()?;
        let mut skipped = Vec::new();
        let inputs = expand_inputs_listing(paths, &mut skipped).context("reading inputs")?;
        if !skipped.is_empty() {
            self.warn(format!(
                "{} files in the folders given are not inputs by their name and were skipped ({}): {}",
                skipped.len(),
                INPUT_RULE,
                examples(skipped.iter().map(|p| p.display().to_string()), skipped.len())
            ));
        }
        anyhow::ensure!(
            !inputs.is_empty(),
            "no input file in {}: give JSONL files, WARC/WET files, .txt files or folders of them ({})",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            INPUT_RULE
        );
        Ok(inputs)
    }

    /// A reader of every input, watched: progress on a terminal (`what` names the
    /// work), and with `--on-error fail` a stop at the first reject. Its
    /// [`Progress`] says afterwards whether it stopped, and what reading noticed.
    ///
    /// # Errors
    /// Flags out of range.
    pub fn watch(&self, inputs: Vec<Input>, what: &'static str) -> Result<(Watch, Progress)> {
        // The inputs' total size, when every input is a file: the bar then shows
        // bytes read against it with an ETA; on stdin, a counter and a rate.
        let total: Option<u64> = inputs
            .iter()
            .map(|i| match i {
                Input::File { path, .. } | Input::Saved { path, .. } => {
                    std::fs::metadata(path).ok().map(|m| m.len())
                }
                Input::Stdin => None,
            })
            .sum();
        let reader = DocReader::with_options(inputs, self.options()?);
        let report = reader.report();
        let bytes_read = reader.bytes_read();
        let bar = (!self.quiet && std::io::stderr().is_terminal()).then(|| {
            let (bar, template) = match total {
                Some(n) => (
                    ProgressBar::new(n),
                    "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta}) {msg}",
                ),
                None => (
                    ProgressBar::new_spinner(),
                    "{spinner} {elapsed_precise} {bytes} ({bytes_per_sec}) {msg}",
                ),
            };
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(what);
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        let first_reject = Arc::new(Mutex::new(None));
        let fail = self.on_error == OnError::Fail;
        let watched = Watch {
            inner: reader,
            bar: bar.clone(),
            what,
            bytes_read,
            n_docs: 0,
            n_rejects: 0,
            fail,
            first_reject: first_reject.clone(),
            stopped: false,
        };
        let progress = Progress {
            bar,
            first_reject,
            report,
            fail,
        };
        Ok((watched, progress))
    }

    /// The page-furniture counts of the inputs, from a first read of them; none
    /// when one is stdin, which cannot be read twice (it is clustered with its
    /// furniture in place).
    ///
    /// # Errors
    /// An input that cannot be read.
    pub fn furniture_counts(&self, engine: &Engine, inputs: &[Input]) -> Result<FurnitureCounts> {
        if !Input::rereadable(inputs) {
            return Ok(FurnitureCounts::default());
        }
        engine
            .furniture(DocReader::with_options(inputs.to_vec(), self.options()?))
            .context("reading (page furniture)")
    }

    /// Reads every input and clusters it (with the sweep thresholds, if any): the
    /// engine's `cluster_inputs_with_sweep`, with progress on a terminal, the
    /// --on-error policy and the reading report.
    ///
    /// # Errors
    /// An input that cannot be opened; with `--on-error fail`, the first reject.
    pub fn read_and_cluster(
        &self,
        engine: &Engine,
        inputs: Vec<Input>,
        sweep: &[f32],
    ) -> Result<(Clustering, Vec<SweepPoint>, ReadReport)> {
        let start = Instant::now();
        let furniture = self.furniture_counts(engine, &inputs)?.furniture();
        let seconds_furniture = start.elapsed().as_secs_f64();
        let (watched, progress) = self.watch(inputs, "reading and analyzing")?;
        let (corpus, n_read) = engine
            .read_corpus_with(watched, &furniture)
            .context("reading")?;
        let seconds_read = start.elapsed().as_secs_f64() - seconds_furniture;
        progress.check_stop(&corpus.rejects)?;
        progress.message("clustering (stories, articles)");
        let (mut result, points) = engine.finish(corpus, sweep).context("clustering")?;
        result.furniture = furniture;
        progress.finish();
        result.stats.n_read = n_read;
        result.stats.seconds_furniture = seconds_furniture;
        result.stats.seconds_read_analyze = seconds_read;
        result.stats.seconds_total = start.elapsed().as_secs_f64();
        Ok((result, points, progress.report()))
    }

    /// What reading noticed, on stderr (unless --quiet): rejects by reason, kept
    /// records that were repaired or lack a field.
    pub fn print_report(
        &self,
        rejects: &[Reject],
        report: &ReadReport,
        rejects_file: Option<&str>,
    ) {
        if self.quiet {
            return;
        }
        if !rejects.is_empty() {
            let mut by_reason: BTreeMap<String, Vec<&Reject>> = BTreeMap::new();
            for r in rejects {
                by_reason.entry(reason_kind(&r.reason)).or_default().push(r);
            }
            eprintln!(
                "tidings: {} records rejected{}:",
                rejects.len(),
                rejects_file.map_or(" (list them all with --rejects FILE)".into(), |f| format!(
                    " (all listed in {f})"
                ))
            );
            let mut kinds: Vec<_> = by_reason.into_iter().collect();
            kinds.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
            for (kind, rs) in kinds {
                let places = rs.iter().map(|r| {
                    let id = r.id.as_deref().map_or(String::new(), |id| {
                        format!(" (id {})", tidings::output::tsv_field(id))
                    });
                    format!("{}{id}", tidings::output::tsv_field(&r.location))
                });
                eprintln!(
                    "  {} × {}: {}",
                    rs.len(),
                    tidings::output::tsv_field(&kind),
                    examples(places, rs.len())
                );
            }
        }
        for (kind, note) in &report.notes {
            let hint = match *kind {
                NO_TEXT_FIELD => format!(
                    " (kept as empty documents; name the field with --text-field, now \"{}\")",
                    self.text_field
                ),
                _ => String::new(),
            };
            eprintln!(
                "tidings: warning: {} records: {kind}{hint}: {}",
                note.count,
                examples(note.examples.iter().cloned(), note.count)
            );
        }
    }
}

/// The rule for which files of a folder are read, as messages state it.
pub const INPUT_RULE: &str =
    "read: .jsonl .ndjson .json .txt .warc .wet, each also with .gz .zst .zstd .xz .bz2, and .parquet, any case";

/// The first three, then how many more.
fn examples(items: impl Iterator<Item = String>, count: usize) -> String {
    let mut shown: Vec<String> = items.take(3).collect();
    if count > shown.len() {
        shown.push(format!("… {} more", count - shown.len()));
    }
    shown.join(", ")
}

/// A reject's reason without its particulars (what follows a colon; numbers), so
/// rejects group by kind.
fn reason_kind(reason: &str) -> String {
    let head = reason.split(": ").next().unwrap_or(reason);
    let mut out = String::with_capacity(head.len());
    let mut in_number = false;
    for c in head.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// The reader, watched: progress, and a stop at the first reject with
/// `--on-error fail`.
pub struct Watch {
    inner: DocReader,
    bar: Option<ProgressBar>,
    /// The work, as the progress line names it.
    what: &'static str,
    bytes_read: Arc<std::sync::atomic::AtomicU64>,
    n_docs: u64,
    n_rejects: u64,
    fail: bool,
    first_reject: Arc<Mutex<Option<Reject>>>,
    stopped: bool,
}

impl Watch {
    /// The record last returned as it stands in the input (a JSONL line).
    pub fn raw_record(&self) -> Option<&str> {
        self.inner.raw_record()
    }
}

/// What the caller keeps of a [`Watch`] it hands on: the progress line, where it
/// stopped, and the reading report.
pub struct Progress {
    bar: Option<ProgressBar>,
    first_reject: Arc<Mutex<Option<Reject>>>,
    report: tidings::document::SharedReport,
    fail: bool,
}

impl Progress {
    /// With `--on-error fail`, the error for the reject reading stopped at (or the
    /// first of `rejects`, which may hold rejects found after reading).
    ///
    /// # Errors
    /// That reject, with its place and reason.
    pub fn check_stop(&self, rejects: &[Reject]) -> Result<()> {
        let stopped = self
            .first_reject
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if self.fail {
            if let Some(r) = stopped.as_ref().or(rejects.first()) {
                self.finish();
                anyhow::bail!("{}: {} (stopped: --on-error fail)", r.location, r.reason);
            }
        }
        Ok(())
    }

    /// Says what is being done now on the progress line.
    pub fn message(&self, what: &'static str) {
        if let Some(b) = &self.bar {
            b.set_message(what);
        }
    }

    /// Clears the progress line.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// What reading noticed so far.
    pub fn report(&self) -> ReadReport {
        self.report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Iterator for Watch {
    type Item = tidings::Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        let item = self.inner.next()?;
        match &item {
            Ok(Ok(_)) => self.n_docs += 1,
            Ok(Err(_)) => self.n_rejects += 1,
            Err(_) => {}
        }
        if let Some(b) = &self.bar {
            b.set_position(self.bytes_read.load(std::sync::atomic::Ordering::Relaxed));
            if (self.n_docs + self.n_rejects).is_multiple_of(512) {
                b.set_message(format!(
                    "{}: {} documents, {} rejected",
                    self.what, self.n_docs, self.n_rejects
                ));
            }
        }
        if let (true, Ok(Err(r))) = (self.fail, &item) {
            self.stopped = true;
            *self
                .first_reject
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r.clone());
            return None;
        }
        Some(item)
    }
}

/// An error when not one document could be read, or when more than `max_share`
/// of the records were rejected, saying what the inputs looked like. Called after
/// the outputs are written, so the rejects say why.
pub fn check_outcome(
    n_docs: usize,
    rejects: &[Reject],
    report: &ReadReport,
    max_share: f64,
) -> Result<()> {
    let n_rejected = rejects.len();
    let n_records = n_docs + n_rejected;
    let looks: Vec<String> = report
        .sources
        .iter()
        .filter(|s| s.n_documents == 0)
        .take(5)
        .map(|s| format!("{} looks like {}", s.name, s.looks_like))
        .collect();
    let looks = if looks.is_empty() {
        String::new()
    } else {
        format!("; {}", looks.join("; "))
    };
    if n_docs == 0 {
        match rejects.first() {
            Some(r) => anyhow::bail!(
                "no document could be read: all {n_rejected} records were rejected (the first, {}: {}){looks}",
                r.location,
                r.reason
            ),
            None if report.notes.keys().any(|k| k.starts_with(WARC_NOT_DOCUMENTS)) => anyhow::bail!(
                "no document could be read: the inputs hold no records that are documents (see the warnings above){looks}"
            ),
            None => anyhow::bail!("no document could be read: the inputs hold no records{looks}"),
        }
    }
    let share = n_rejected as f64 / n_records as f64;
    if share > max_share {
        anyhow::bail!(
            "{n_rejected} of {n_records} records ({:.0}%) were rejected, more than --max-reject-share {max_share}{looks}",
            share * 100.0
        );
    }
    if let Some(n) = report.notes.get(NO_TEXT_FIELD) {
        if n.count >= n_docs {
            anyhow::bail!(
                "no record has the text field: name it with --text-field ({})",
                n.examples.first().map_or("", String::as_str)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group_by_kind() {
        for (reason, kind) in [
            (
                "invalid JSON: expected value at line 1 column 2",
                "invalid JSON",
            ),
            (
                "line of 70000 bytes is longer than the limit of 100 bytes (--max-line-bytes)",
                "line of N bytes is longer than the limit of N bytes (--max-line-bytes)",
            ),
            (
                "missing \"id\" (string or number)",
                "missing \"id\" (string or number)",
            ),
        ] {
            assert_eq!(reason_kind(reason), kind);
        }
    }
}
