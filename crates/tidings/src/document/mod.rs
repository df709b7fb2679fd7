//! Documents and the readers that stream them in: JSONL, WARC/WET and text files,
//! plain or compressed (gzip, zstd, xz, bzip2: told by their first bytes), from
//! files, folders searched recursively, or stdin.
//!
//! Readers never abort a run over one bad record: a line that is not JSON, a record
//! without an id, a compressed stream that breaks off, a binary file become
//! [`Reject`]s naming the file and line (or byte offset); only an input that cannot
//! be opened at all is an [`Error`]. What was repaired or ignored on kept records
//! (invalid UTF-8, an unknown date or language code, a missing text field) is
//! counted in a [`ReadReport`].

mod boilerplate;
mod dates;
mod jsonl;
mod open;
#[cfg(feature = "parquet")]
mod parquet;
mod report;
mod text;
mod warc;

pub use boilerplate::{site_of, url_host, Furniture, FurnitureCounts};
pub use dates::{epoch_day, parse_date};
pub use jsonl::{open_maybe_gz, parse_json_record, parse_record, Fields, JsonlSource};
pub use open::{open_stream, Compression, Content, Opened};
#[cfg(feature = "parquet")]
pub use parquet::ParquetSource;
pub use report::{Note, ReadReport, SharedReport, SourceInfo, NO_TEXT_FIELD, WARC_NOT_DOCUMENTS};
pub use text::{read_text_file, TextFileSource};
pub use warc::{main_text, Page, WarcSource};

use crate::lang::Lang;
use crate::Error;
use report::with_report;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// `buf` as a `String` if it is valid UTF-8, else `buf` back (for a lossy copy).
/// Validated with simdutf8 (already built for encoding_rs): `String::from_utf8`
/// checks non-ASCII text a byte at a time, and was a fifth of the page-furniture
/// pass over the 1M synthetic corpus, where every JSON line is read twice.
fn string_from_utf8(buf: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&buf).is_err() {
        return Err(buf);
    }
    // SAFETY: simdutf8 has just found `buf` to be valid UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(buf) })
}

/// The default cap on one JSONL line, text file or WARC record: 64 MiB. A longer
/// one is a reject, so an endless line cannot exhaust memory.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 << 20;

/// How inputs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Which JSON fields hold what.
    pub fields: Fields,
    /// Longest JSONL line (or text file, or WARC record) read, in bytes.
    pub max_line_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            fields: Fields::default(),
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

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

impl Document {
    /// The text analysis reads: the title, if any, on a line of its own before the
    /// body. The sentences a member adds are cut from this same text
    /// (`Engine::add_sentences`).
    pub fn analyzed_text(&self) -> std::borrow::Cow<'_, str> {
        match &self.title {
            Some(t) => format!("{t}\n{}", self.text).into(),
            None => self.text.as_str().into(),
        }
    }

    /// [`Document::analyzed_text`], taking the document (a text without a title is
    /// not copied).
    pub fn into_analyzed_text(self) -> String {
        if self.title.is_none() {
            return self.text;
        }
        self.analyzed_text().into_owned()
    }
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

/// What a file is taken for, from its name; its first bytes can overrule
/// (a WARC named `.jsonl` is read as WARC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jsonl,
    Text,
    Warc,
    /// Named on the command line with no known extension: by content (JSONL if it
    /// starts with `{`, WARC if with `WARC/`, else one text document).
    Auto,
}

/// Where documents come from.
#[derive(Clone, Debug)]
pub enum Input {
    /// Standard input: JSONL or WARC, any compression.
    Stdin,
    File {
        path: PathBuf,
        kind: Kind,
        /// For a text file, its id (its path below the folder it was found in).
        id: String,
    },
    /// An input that can be read only once (stdin, a pipe), saved to the file at
    /// `path` so that it can be read again: read from there, and otherwise (name in
    /// messages, kind, id) as `original`, as a stream.
    Saved { path: PathBuf, original: Box<Input> },
}

impl Input {
    /// Whether every input can be read again (stdin cannot): the page furniture
    /// and the sentences members add need a read of their own.
    pub fn rereadable(inputs: &[Input]) -> bool {
        !inputs.iter().any(|i| matches!(i, Input::Stdin))
    }

    /// A file named on the command line (not found in a folder).
    pub fn file(path: PathBuf) -> Input {
        let kind = kind_of(&path).unwrap_or(Kind::Auto);
        let id = text::id_of(&path, None);
        Input::File { path, kind, id }
    }
}

/// The compression suffixes stripped before a file's kind is read from its name.
const COMPRESSION_EXTS: [&str; 5] = [".gz", ".zst", ".zstd", ".xz", ".bz2"];

/// What a file name says, case-insensitively, after a compression suffix:
/// `.jsonl`, `.ndjson`, `.json` are JSONL; `.txt` text; `.warc`, `.wet` WARC;
/// `.parquet` by its content.
/// `None`: not an input by name.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let mut stem = name.as_str();
    if let Some(ext) = COMPRESSION_EXTS.iter().find(|e| stem.ends_with(*e)) {
        stem = &stem[..stem.len() - ext.len()];
    }
    let ext = stem.rsplit_once('.')?.1;
    match ext {
        "jsonl" | "ndjson" | "json" => Some(Kind::Jsonl),
        "txt" => Some(Kind::Text),
        "warc" | "wet" => Some(Kind::Warc),
        // Read by content (its magic bytes); named here so folders take it.
        "parquet" => Some(Kind::Auto),
        _ => None,
    }
}

/// Expands command-line arguments into inputs: `-` is stdin; a file named is read
/// whatever its name (by content if the name does not say); a folder is searched
/// recursively, in sorted order, for the files whose name says they are inputs
/// ([`kind_of`]: `.jsonl .ndjson .json .txt .warc .wet`, each also with
/// `.gz .zst .zstd .xz .bz2`, and `.parquet`, in any case). Hidden files and
/// folders (`.name`) are passed over silently; other files are passed over and
/// listed in `skipped`.
///
/// # Errors
/// An argument that does not exist, or a folder that cannot be listed.
pub fn expand_inputs_listing(
    args: &[PathBuf],
    skipped: &mut Vec<PathBuf>,
) -> Result<Vec<Input>, Error> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if arg.is_dir() {
            let mut files = Vec::new();
            let mut seen = std::collections::HashSet::new();
            walk(arg, &mut files, &mut seen)?;
            files.sort();
            for f in files {
                match kind_of(&f) {
                    Some(kind) => {
                        let id = text::id_of(&f, Some(arg));
                        out.push(Input::File { path: f, kind, id });
                    }
                    None => skipped.push(f),
                }
            }
        } else if !arg.exists() {
            return Err(Error::Io {
                path: arg.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        } else {
            out.push(Input::file(arg.clone()));
        }
    }
    Ok(out)
}

/// [`expand_inputs_listing`], forgetting which files were passed over.
///
/// # Errors
/// As [`expand_inputs_listing`].
pub fn expand_inputs(args: &[PathBuf]) -> Result<Vec<Input>, Error> {
    expand_inputs_listing(args, &mut Vec::new())
}

/// Every non-hidden file below `dir`; a folder reached twice through links is
/// walked once.
fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<(), Error> {
    let io_err = |e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    if !seen.insert(std::fs::canonicalize(dir).map_err(io_err)?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        if path
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
        {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, seen)?;
        } else if path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// One record read from a source: a document, or why it could not be one.
pub type Record = Result<Document, Reject>;

/// A source of documents, one implementation per input format (JSONL lines, a text
/// file per document, WARC records). Record-based: a source decides what one record
/// is, and never aborts over one bad record.
pub trait DocumentSource: Send {
    /// The source's name in messages (a path, or `<stdin>`).
    fn name(&self) -> &str;

    /// What the source looked like when opened ("zstd-compressed JSONL").
    fn looks_like(&self) -> Option<String> {
        None
    }

    /// The next record, an IO error on the source itself (which ends the run), or
    /// `None` at the source's end.
    fn next_record(&mut self) -> Option<Result<Record, Error>>;

    /// The record last returned as it stands in the input, for sources whose
    /// records are text of their own: a JSONL line (without its line end and a
    /// BOM; invalid UTF-8 replaced by U+FFFD, as it was parsed), so that a caller
    /// can pass every field through as written (`tidings dedup`). `None` for the
    /// other sources, and after a record that was no line (a line over the cap, a
    /// stream that broke off).
    fn raw_record(&self) -> Option<&str> {
        None
    }
}

/// A source that is one reject: a file whose content tidings does not read.
struct Refused {
    name: String,
    looks_like: String,
    reject: Option<Reject>,
}

impl DocumentSource for Refused {
    fn name(&self) -> &str {
        &self.name
    }

    fn looks_like(&self) -> Option<String> {
        Some(self.looks_like.clone())
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        self.reject.take().map(|r| Ok(Err(r)))
    }
}

impl Input {
    /// The input's name in messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File { path, .. } => path.display().to_string(),
            Input::Saved { original, .. } => original.name(),
        }
    }

    /// Opens the source this input names, with default options.
    ///
    /// # Errors
    /// The file cannot be opened ([`Error::Io`] naming it).
    pub fn open(&self) -> Result<Box<dyn DocumentSource>, Error> {
        self.open_with(&Arc::default(), None)
    }

    /// Opens the source: decompressed by its first bytes, then read as what its
    /// content shows (JSONL, WARC) or, for plain text, as its name says.
    ///
    /// # Errors
    /// The file cannot be opened ([`Error::Io`] naming it).
    pub fn open_with(
        &self,
        options: &Arc<ReadOptions>,
        report: Option<SharedReport>,
    ) -> Result<Box<dyn DocumentSource>, Error> {
        self.open_counted(options, report, None)
    }

    /// [`Input::open_with`], adding the bytes read to `tally` if given.
    fn open_counted(
        &self,
        options: &Arc<ReadOptions>,
        report: Option<SharedReport>,
        tally: Option<Arc<AtomicU64>>,
    ) -> Result<Box<dyn DocumentSource>, Error> {
        let name = self.name();
        let io_err = |e| Error::Io {
            path: name.clone().into(),
            source: e,
        };
        let raw: Box<dyn std::io::Read + Send> = match self {
            Input::Stdin => Box::new(std::io::stdin()),
            Input::File { path, .. } | Input::Saved { path, .. } => {
                Box::new(std::fs::File::open(path).map_err(io_err)?)
            }
        };
        let raw: Box<dyn std::io::Read + Send> = match tally {
            Some(total) => Box::new(open::Tally { inner: raw, total }),
            None => raw,
        };
        let opened = open_stream(raw).map_err(io_err)?;
        // Parquet seeks to its footer: it is opened again by path.
        #[cfg(feature = "parquet")]
        if let (Content::Other(open::PARQUET), Compression::None, Input::File { path, .. }) =
            (opened.content, opened.compression, self)
        {
            return Ok(Box::new(parquet::ParquetSource::open(
                path,
                options.clone(),
                report,
            )?));
        }
        let as_read = match self {
            Input::Saved { original, .. } => original,
            other => other,
        };
        let (kind, id, path) = match as_read {
            Input::File { path, kind, id } => (*kind, id.clone(), path.clone()),
            _ => (Kind::Jsonl, String::new(), PathBuf::from(&name)),
        };
        Ok(source_for(name, opened, kind, id, path, options, report))
    }
}

/// A source over any reader (a socket, a decompressor of one's own, bytes in
/// memory): compression and content told by its first bytes as for files, plain
/// text taken as `kind` says. `name` appears in messages.
///
/// # Errors
/// The first bytes cannot be read.
pub fn read_stream(
    name: String,
    reader: Box<dyn std::io::Read + Send>,
    kind: Kind,
    options: ReadOptions,
) -> Result<Box<dyn DocumentSource>, Error> {
    let opened = open_stream(reader).map_err(|e| Error::Io {
        path: name.clone().into(),
        source: e,
    })?;
    let path = PathBuf::from(&name);
    let id = text::id_of(&path, None);
    Ok(source_for(
        name,
        opened,
        kind,
        id,
        path,
        &Arc::new(options),
        None,
    ))
}

/// Why a Parquet input was not read.
#[cfg(feature = "parquet")]
const PARQUET_HINT: &str = " (Parquet is read from uncompressed files, not streams)";
#[cfg(not(feature = "parquet"))]
const PARQUET_HINT: &str =
    " (this build reads no Parquet: build it with `cargo build --release --features parquet`)";

/// The source that reads an opened stream: by its content (JSONL, WARC) or, for
/// plain text, by what its name said (`kind`); a format tidings does not read is
/// one reject naming it.
fn source_for(
    name: String,
    opened: Opened,
    kind: Kind,
    id: String,
    path: PathBuf,
    options: &Arc<ReadOptions>,
    report: Option<SharedReport>,
) -> Box<dyn DocumentSource> {
    {
        let refuse = |o: &Opened| -> Box<dyn DocumentSource> {
            let looks_like = o.describe();
            Box::new(Refused {
                reject: Some(Reject {
                    id: None,
                    location: name.clone(),
                    reason: format!(
                        "looks like {looks_like}: not read{}",
                        if o.content == Content::Other(open::PARQUET) {
                            PARQUET_HINT
                        } else {
                            ""
                        }
                    ),
                }),
                name: name.clone(),
                looks_like,
            })
        };
        match (opened.content, kind) {
            (Content::Binary | Content::Other(_) | Content::JsonArray, _) => refuse(&opened),
            (Content::Warc, _) | (Content::Empty | Content::Text, Kind::Warc) => Box::new(
                WarcSource::from_opened(name, opened, options.clone(), report),
            ),
            (Content::Jsonl, _) | (_, Kind::Jsonl) => Box::new(jsonl::JsonlSource::from_opened(
                name,
                opened,
                options.clone(),
                report,
            )),
            (Content::Empty | Content::Text, Kind::Text | Kind::Auto) => Box::new(
                TextFileSource::from_opened(path, id, opened, options.max_line_bytes, report),
            ),
        }
    }
}

/// A record's declared language: none for the codes that declare none (und, mul,
/// zxx, mis: detect instead); for a code we do not know, none and a note with the
/// code as the reader shows it (`shown`), so it is counted and reported, never
/// dropped silently.
pub(crate) fn declared_lang(
    code: &str,
    shown: impl FnOnce() -> String,
    notes: &mut Vec<(&'static str, String)>,
) -> Option<Lang> {
    if matches!(code.trim(), "und" | "mul" | "zxx" | "mis") {
        return None;
    }
    let lang = Lang::from_code(code);
    if lang.is_none() {
        notes.push(("unknown language code (language detected instead)", shown()));
    }
    lang
}

/// Why an id cannot be used, if it cannot: a blank id names nothing. (An id with a
/// tab or line break is kept as written; the TSV writers escape it.)
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.trim().is_empty() {
        Err("id is empty")
    } else {
        Ok(())
    }
}

/// How one copy ranks among several documents with one id, whatever the input
/// order: the FNV-1a hash of its analyzed content (serialized as JSON), then those
/// bytes for a tie. The smallest is kept. Copies with equal keys are equal in every
/// output, so which of them is kept cannot show.
pub fn content_key<A: serde::Serialize, B: serde::Serialize>(a: &A, b: &B) -> (u64, Vec<u8>) {
    let bytes = serde_json::to_vec(&(a, b)).unwrap_or_default();
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash, bytes)
}

/// Streams documents from inputs, one at a time and each source opened only when
/// reached, so full texts live only as long as the batch that analyzes them.
pub struct DocReader {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Box<dyn DocumentSource>>,
    options: Arc<ReadOptions>,
    report: SharedReport,
    bytes_read: Arc<AtomicU64>,
}

impl DocReader {
    /// A reader with the default options.
    pub fn new(inputs: Vec<Input>) -> DocReader {
        DocReader::with_options(inputs, ReadOptions::default())
    }

    pub fn with_options(inputs: Vec<Input>, options: ReadOptions) -> DocReader {
        DocReader {
            inputs: inputs.into_iter(),
            current: None,
            options: Arc::new(options),
            report: SharedReport::default(),
            bytes_read: Arc::default(),
        }
    }

    /// Bytes read so far from all inputs, as stored (before decompression): a
    /// run's progress against the inputs' total size.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        self.bytes_read.clone()
    }

    /// What reading noticed; filled as the reader is iterated (keep a clone of the
    /// handle before handing the reader on).
    pub fn report(&self) -> SharedReport {
        self.report.clone()
    }

    /// The record last returned, as it stands in the input, where its source
    /// keeps it ([`DocumentSource::raw_record`]: a JSONL line).
    pub fn raw_record(&self) -> Option<&str> {
        self.current.as_ref()?.raw_record()
    }

    fn tally(&self, record: &Record) {
        with_report(&self.report, |r| {
            if let Some(s) = r.sources.last_mut() {
                match record {
                    Ok(_) => s.n_documents += 1,
                    Err(_) => s.n_rejected += 1,
                }
            }
        });
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
                    Some(Ok(record)) => {
                        self.tally(&record);
                        return Some(Ok(record));
                    }
                    None => self.current = None,
                }
            }
            let input = self.inputs.next()?;
            match input.open_counted(
                &self.options,
                Some(self.report.clone()),
                Some(self.bytes_read.clone()),
            ) {
                Ok(source) => {
                    let info = SourceInfo {
                        name: source.name().to_string(),
                        looks_like: source.looks_like().unwrap_or_default(),
                        n_documents: 0,
                        n_rejected: 0,
                    };
                    with_report(&self.report, |r| r.sources.push(info));
                    self.current = Some(source);
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `string_from_utf8` says what `String::from_utf8` says, on bytes mostly of
    /// UTF-8's edge cases: truncated and overlong sequences, surrogates, code points
    /// past U+10FFFF, stray continuation bytes, and text around them.
    #[test]
    fn utf8_validation_agrees_with_std() {
        let pieces: [&[u8]; 14] = [
            b"plain ascii ",
            "Ελλάδα 中文 ".as_bytes(),
            "😀".as_bytes(),
            b"\xC3",             // a truncated two-byte sequence
            b"\xE2\x82",         // a truncated three-byte sequence
            b"\xF0\x9F\x98",     // a truncated four-byte sequence
            b"\xC0\xAF",         // overlong '/'
            b"\xE0\x80\xAF",     // overlong, three bytes
            b"\xED\xA0\x80",     // a surrogate
            b"\xF4\x90\x80\x80", // past U+10FFFF
            b"\x80",             // a stray continuation byte
            b"\xFF",
            b"\xEF\xBB\xBF", // a BOM: valid
            b"\n\t\0",
        ];
        let mut rnd = crate::test_rng::xorshift(7);
        for _ in 0..20_000 {
            let n = (rnd() % 12) as usize;
            let mut bytes = Vec::new();
            for _ in 0..n {
                bytes.extend_from_slice(pieces[(rnd() % pieces.len() as u64) as usize]);
            }
            // Long runs too, where the SIMD path works in blocks.
            if rnd().is_multiple_of(4) {
                bytes = bytes.repeat(1 + (rnd() % 40) as usize);
            }
            let ours = string_from_utf8(bytes.clone());
            match String::from_utf8(bytes.clone()) {
                Ok(s) => assert_eq!(ours, Ok(s)),
                Err(_) => assert_eq!(ours, Err(bytes)),
            }
        }
    }

    /// Pieces that inputs are made of, good and broken, to be strung together.
    fn fragment() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"{\"id\":\"a\",\"text\":\"The council met on Monday.\"}\n".to_vec()),
            Just(b"{\"id\": 12345678901234567890123, \"text\": null, \"date\": \"May 7, 2026\"}\r\n".to_vec()),
            Just(b"{\"id\":\"b\",\"text\":\"cut".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\n\r\n\x00".to_vec()),
            Just(b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:x>\r\nContent-Length: 12\r\n\r\nhello world!\r\n\r\n".to_vec()),
            Just(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:y>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 90\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>hi\r\n".to_vec()),
            Just(b"WARC/1.0\r\nContent-Length: 99999999999\r\n\r\n".to_vec()),
            prop::collection::vec(any::<u8>(), 0..64),
            "[a-z {}\":,\\[\\]0-9]{0,40}".prop_map(String::into_bytes),
        ]
    }

    /// Every record of `bytes` (compressed as `how`, then cut to `cut`‰ of its length)
    /// read as `kind`; panics only if a reader does.
    fn read_all(bytes: &[u8], how: u8, cut: u16, kind: Kind) -> (usize, usize) {
        let mut data = match how {
            1 => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut e, bytes).unwrap();
                e.finish().unwrap()
            }
            2 => zstd::encode_all(bytes, 1).unwrap(),
            _ => bytes.to_vec(),
        };
        data.truncate(data.len() * usize::from(cut.min(1000)) / 1000);
        let opened = open_stream(Box::new(std::io::Cursor::new(data))).unwrap();
        let options = Arc::new(ReadOptions {
            max_line_bytes: 200,
            ..ReadOptions::default()
        });
        let report = SharedReport::default();
        let mut src = source_for(
            "t".into(),
            opened,
            kind,
            "id".into(),
            "t".into(),
            &options,
            Some(report),
        );
        let (mut docs, mut rejects) = (0, 0);
        while let Some(item) = src.next_record() {
            match item.unwrap() {
                Ok(_) => docs += 1,
                Err(_) => rejects += 1,
            }
            // Every record consumes input: more than one per byte is a reader
            // that yields forever (as fastwarc's iterator does on a broken file).
            assert!(
                docs + rejects <= bytes.len() + 2,
                "{docs} + {rejects} records from {} bytes",
                bytes.len()
            );
        }
        (docs, rejects)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any mix of good records, broken ones and garbage, compressed or not and
        /// cut anywhere: every reader ends, never panics, and yields at most one
        /// record per input byte.
        #[test]
        fn readers_end_on_any_input(
            parts in prop::collection::vec(fragment(), 0..10),
            how in 0u8..3,
            cut in prop_oneof![Just(1000u16), 0u16..1000],
            kind in prop_oneof![Just(Kind::Auto), Just(Kind::Jsonl), Just(Kind::Warc), Just(Kind::Text)],
        ) {
            let bytes = parts.concat();
            read_all(&bytes, how, cut, kind);
        }
    }

    /// A saved copy of stdin reads as stdin did: its name in messages, JSONL.
    #[test]
    fn a_saved_input_reads_as_its_original() {
        let path = std::env::temp_dir().join(format!("tidings-saved-{}", std::process::id()));
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"x\"}\nbad\n").unwrap();
        let saved = Input::Saved {
            path: path.clone(),
            original: Box::new(Input::Stdin),
        };
        assert_eq!(saved.name(), "<stdin>");
        let got: Vec<Record> = DocReader::new(vec![saved]).map(Result::unwrap).collect();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap().location, "<stdin>:1");
        assert_eq!(got[1].as_ref().unwrap_err().location, "<stdin>:2");
    }

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
