//! Stage files: a stage's value on disk, so that processes that share no memory
//! (the CLI's stage commands under a shell script, Spark's `RDD.pipe`, Slurm,
//! Airflow) can run the stages apart and hand their results on.
//!
//! A stage file is one header line, then the value in postcard's encoding:
//!
//! ```text
//! tidings-stage 0.1.0 AnalyzedShard 18734 5be1d4a0c6f2e3b79a08d1c2e4f5a6b7\n
//! <18734 bytes: the value, postcard>
//! ```
//!
//! The header names the format, the tidings version that wrote the file, the type
//! of the value, the length of the body in bytes and the body's 128-bit xxh3 in hex.
//! Postcard reads fields by position, with no names or tags, so bytes of another
//! type or another version would decode into nonsense or fail far from the cause:
//! a file of another type or version is refused by its header, naming both. The
//! length catches a file cut short before any of it is decoded, and the hash one
//! damaged before its value is handed on, so a damaged file is an error, never a
//! value with wrong indices that a later stage would trip over.
//!
//! Neither side holds the body whole: it is encoded and decoded a chunk at a time
//! ([`CHUNK`] bytes), so a stage's memory is its value's, not that and the file's
//! too (the graph stage of a million documents read its 5.9 GB input whole before
//! decoding it, and encoded its 3.5 GB output whole before writing it: 15.2 GB at
//! its peak). Writing encodes twice: once for the length and hash the header
//! gives, once into the file.
//!
//! The types, in pipeline order: [`FurnitureCounts`] (`tidings furniture`, merged
//! by union), [`AnalyzedShard`] (`tidings analyze-batch`), [`ShardStats`] (its
//! corpus statistics, merged by adding), [`GraphStage`] (`tidings graph`: the
//! vectors and the kNN graph); `tidings stories` reads the last and writes the
//! same outputs as `tidings cluster`.
//!
//! The engine never opens a file for writing: [`write`] takes any `impl Write`
//! (the CLI writes through its atomic files); [`read`] reads a path.

use crate::config::EngineConfig;
use crate::document::{Furniture, FurnitureCounts, Note, ReadReport, Reject, SourceInfo};
use crate::engine::{AnalyzedDoc, Corpus, Vectors};
use crate::graph::KnnGraph;
use crate::pivot::DocFeatures;
use crate::vectorize::CorpusStats;
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;
use twox_hash::XxHash3_128;

/// The first word of every stage file.
pub const FORMAT: &str = "tidings-stage";

/// The version of tidings that writes (and alone reads) stage files.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A header is one short line; a file whose first 256 bytes hold no newline is
/// not a stage file.
const MAX_HEADER: usize = 256;

/// Bytes of a body encoded or decoded at a time.
const CHUNK: usize = 1 << 20;

/// A value that has a stage file: its type as the header names it.
pub trait StageValue: Serialize + DeserializeOwned {
    const TYPE: &'static str;
}

impl StageValue for FurnitureCounts {
    const TYPE: &'static str = "FurnitureCounts";
}

impl StageValue for AnalyzedShard {
    const TYPE: &'static str = "AnalyzedShard";
}

impl StageValue for ShardStats {
    const TYPE: &'static str = "ShardStats";
}

impl StageValue for GraphStage {
    const TYPE: &'static str = "GraphStage";
}

/// One shard of the inputs read and analyzed: its documents in reading order
/// (`seq` counting from 0 within the shard), its rejects in reading order, the
/// furniture struck from its texts (the run's, the same in every shard) and what
/// reading noticed. Shards are assembled by [`AnalyzedShard::assemble`], not one
/// by one, so duplicate ids across shards are decided as a single run decides them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedShard {
    pub docs: Vec<AnalyzedDoc>,
    pub rejects: Vec<Reject>,
    pub furniture: Furniture,
    pub report: SavedReport,
}

impl AnalyzedShard {
    /// The corpus statistics of this shard's documents.
    pub fn stats(&self) -> ShardStats {
        ShardStats {
            stats: CorpusStats::of_each(&self.docs, |a| &a.features),
            docs_key: self
                .docs
                .iter()
                .fold(0, |k, a| k.wrapping_add(doc_key(&a.meta.id, &a.features))),
        }
    }

    /// The corpus of shards given in reading order (the order a single run over
    /// their inputs would read them): each shard's `seq` moved past the documents
    /// of the shards before it, rejects in reading order, then
    /// [`Corpus::assemble`]. Also returns the number of documents read.
    pub fn assemble(shards: Vec<AnalyzedShard>) -> (Corpus, usize) {
        let mut docs = Vec::with_capacity(shards.iter().map(|s| s.docs.len()).sum());
        let mut rejects = Vec::new();
        for shard in shards {
            let offset = docs.len() as u64;
            docs.extend(shard.docs.into_iter().map(|mut a| {
                a.meta.seq += offset;
                a
            }));
            rejects.extend(shard.rejects);
        }
        let n_read = docs.len();
        (Corpus::assemble(docs, rejects), n_read)
    }
}

/// The corpus statistics of one or more shards, with a key of the documents they
/// count (a sum of a hash of each document's id and content, so merging adds keys
/// as it adds counts): `tidings graph` uses merged statistics only when they are
/// those of the documents it assembled, which they are not when shards share ids
/// (assembly keeps one document of each id) or come from other inputs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ShardStats {
    pub stats: CorpusStats,
    pub docs_key: u64,
}

impl ShardStats {
    /// Adds another shard's statistics.
    pub fn merge(&mut self, other: ShardStats) {
        self.stats.merge(other.stats);
        self.docs_key = self.docs_key.wrapping_add(other.docs_key);
    }

    /// Whether these are the statistics of exactly the documents of `corpus`.
    pub fn counts(&self, corpus: &Corpus) -> bool {
        let key = corpus
            .docs
            .iter()
            .zip(&corpus.features)
            .fold(0u64, |k, (m, f)| k.wrapping_add(doc_key(&m.id, f)));
        self.stats.n_docs() == corpus.docs.len() && self.docs_key == key
    }
}

/// A document's part of [`ShardStats::docs_key`].
fn doc_key(id: &str, features: &DocFeatures) -> u64 {
    let mut h = twox_hash::XxHash3_128::new();
    h.write(id.as_bytes());
    h.write(&[0]);
    h.write(&features.exact_hash.to_le_bytes());
    h.write(&(features.features.len() as u64).to_le_bytes());
    h.finish_128() as u64
}

/// The vectors and the kNN graph of a corpus (`tidings graph`), with what the
/// last stage needs besides: the settings they were built with (the stories must
/// be cut with the same ones), the furniture (struck again from the texts the
/// sentences pass reads), the number of documents read and what reading noticed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GraphStage {
    pub config: EngineConfig,
    pub vectors: Vectors,
    pub graph: KnnGraph,
    pub furniture: Furniture,
    pub n_read: usize,
    pub report: SavedReport,
}

/// What reading noticed ([`ReadReport`]), in a form that reads back: its notes'
/// kinds are the reader's own `&'static str`s in memory and strings on disk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedReport {
    pub notes: Vec<(String, Note)>,
    pub sources: Vec<SourceInfo>,
}

impl From<&ReadReport> for SavedReport {
    fn from(r: &ReadReport) -> SavedReport {
        SavedReport {
            notes: r
                .notes
                .iter()
                .map(|(k, n)| ((*k).to_string(), n.clone()))
                .collect(),
            sources: r.sources.clone(),
        }
    }
}

impl SavedReport {
    /// The report as the reader makes it. Files passed over in folders are not
    /// kept: they were listed when the stage that read the folders ran.
    pub fn into_report(self) -> ReadReport {
        ReadReport {
            notes: self
                .notes
                .into_iter()
                .map(|(k, n)| (intern(k), n))
                .collect(),
            skipped_files: Vec::new(),
            sources: self.sources,
        }
    }

    /// Adds what another shard's reading noticed (a shard read after this one).
    pub fn merge(&mut self, other: SavedReport) {
        let mut mine = std::mem::take(self).into_report();
        mine.merge(other.into_report());
        *self = SavedReport::from(&mine);
    }
}

/// The `&'static str` for a note's kind read back from a file: one leaked string
/// per distinct kind in the process (the reader has a dozen), since the report's
/// keys are the reader's own literals.
fn intern(kind: String) -> &'static str {
    static KINDS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut kinds = KINDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(k) = kinds.iter().find(|k| **k == kind) {
        return k;
    }
    let k: &'static str = Box::leak(kind.into_boxed_str());
    kinds.push(k);
    k
}

/// Postcard's output in chunks of [`CHUNK`] bytes, each hashed, counted and handed
/// to `sink` as it fills: the body is never held whole.
struct ChunkWriter<F> {
    buf: Vec<u8>,
    sink: F,
    hash: XxHash3_128,
    len: usize,
}

impl<F: FnMut(&[u8]) -> bool> ChunkWriter<F> {
    fn flush(&mut self) -> postcard::Result<()> {
        self.hash.write(&self.buf);
        self.len += self.buf.len();
        let written = (self.sink)(&self.buf);
        self.buf.clear();
        // The sink keeps its own error; postcard needs one of its own to stop.
        written
            .then_some(())
            .ok_or(postcard::Error::SerializeBufferFull)
    }
}

impl<F: FnMut(&[u8]) -> bool> postcard::ser_flavors::Flavor for ChunkWriter<F> {
    type Output = (usize, u128);

    #[inline]
    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.buf.push(byte);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn finalize(mut self) -> postcard::Result<(usize, u128)> {
        self.flush()?;
        Ok((self.len, self.hash.finish_128()))
    }
}

/// Encodes `value` into `sink` a chunk at a time; returns the body's length and
/// xxh3.
fn encode<T: Serialize + ?Sized>(
    type_name: &str,
    value: &T,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<(usize, u128)> {
    let mut failed = None;
    let writer = ChunkWriter {
        buf: Vec::with_capacity(CHUNK),
        sink: |chunk: &[u8]| match sink(chunk) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        },
        hash: XxHash3_128::new(),
        len: 0,
    };
    let encoded = postcard::serialize_with_flavor(value, writer);
    match (encoded, failed) {
        (_, Some(e)) => Err(e),
        (Ok(body), None) => Ok(body),
        (Err(e), None) => Err(std::io::Error::other(format!(
            "encoding a {type_name}: {e}"
        ))),
    }
}

/// Writes `value` as a stage file: the header line, then the postcard bytes.
///
/// # Errors
/// Writing fails, or the value does not encode (postcard encodes every stage type).
pub fn write<T: StageValue>(value: &T, w: impl Write) -> std::io::Result<()> {
    write_as(T::TYPE, value, w)
}

/// [`write`] of a value that encodes as a `type_name` without being one: a
/// borrowed view of it (`state.rs` writes a block from the documents it holds).
///
/// # Errors
/// As [`write`].
pub fn write_as<T: Serialize>(
    type_name: &str,
    value: &T,
    mut w: impl Write,
) -> std::io::Result<()> {
    let (len, hash) = encode(type_name, value, |_| Ok(()))?;
    w.write_all(format!("{FORMAT} {VERSION} {type_name} {len} {hash:032x}\n").as_bytes())?;
    let written = encode(type_name, value, |chunk| w.write_all(chunk))?;
    if written != (len, hash) {
        // Encoding is deterministic: the value changed between the two passes.
        return Err(std::io::Error::other(format!(
            "encoding a {type_name}: it encoded differently the second time"
        )));
    }
    w.flush()
}

/// What a stage file's header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: String,
    pub type_name: String,
    pub len: usize,
    pub hash: u128,
    /// Where the body starts.
    pub body_start: usize,
}

/// Reads the header of a stage file's bytes.
///
/// # Errors
/// A message (without the file's name) when the bytes are not a stage file.
pub fn parse_header(data: &[u8]) -> std::result::Result<Header, String> {
    let not_stage = || {
        let what = if data.starts_with(b"tidings-py ") {
            "a pickled Python stage value (tidings-py), not a stage file".to_string()
        } else {
            format!("not a tidings stage file: its first line is not `{FORMAT} VERSION TYPE LENGTH XXH3`")
        };
        what
    };
    let end = data
        .iter()
        .take(MAX_HEADER)
        .position(|&b| b == b'\n')
        .ok_or_else(not_stage)?;
    let line = std::str::from_utf8(&data[..end]).map_err(|_| not_stage())?;
    let parts: Vec<&str> = line.split(' ').collect();
    let [format, version, type_name, len, hash] = parts[..] else {
        return Err(not_stage());
    };
    if format != FORMAT {
        return Err(not_stage());
    }
    let (Ok(len), Ok(hash)) = (len.parse::<usize>(), u128::from_str_radix(hash, 16)) else {
        return Err(not_stage());
    };
    Ok(Header {
        version: version.to_string(),
        type_name: type_name.to_string(),
        len,
        hash,
        body_start: end + 1,
    })
}

/// Decodes a stage file's bytes as a `T`.
///
/// # Errors
/// A message (without the file's name): not a stage file, another type or
/// version, a body cut short, damaged or with bytes left over.
pub fn from_bytes<T: StageValue>(data: &[u8]) -> std::result::Result<T, String> {
    decode(data, data.len() as u64, CHUNK)
}

/// A stage file's body as postcard decodes it: read from `reader` a chunk at a time
/// (`left` bytes of the body not read yet) and hashed as it is read. Postcard
/// copies each string out of the chunk (`try_take_n_temp`): the stage types
/// borrow nothing, so no chunk is kept past the next.
struct ChunkReader<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    left: usize,
    chunk: usize,
    hash: XxHash3_128,
    failed: Option<std::io::Error>,
}

impl<R: Read> ChunkReader<R> {
    /// At least `n` unread bytes in `buf[pos..]`, unless the body ends first.
    fn fill(&mut self, n: usize) -> postcard::Result<()> {
        let have = self.buf.len() - self.pos;
        if have >= n {
            return Ok(());
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let more = (n - have).max(self.chunk).min(self.left);
        if have + more < n {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        self.read(more)
    }

    /// Reads `n` more bytes of the body onto the end of `buf`, hashing them.
    fn read(&mut self, n: usize) -> postcard::Result<()> {
        let start = self.buf.len();
        self.buf.resize(start + n, 0);
        if let Err(e) = self.reader.read_exact(&mut self.buf[start..]) {
            self.buf.truncate(start);
            self.failed = Some(e);
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        self.hash.write(&self.buf[start..]);
        self.left -= n;
        Ok(())
    }
}

impl<'de, R: Read + 'de> postcard::de_flavors::Flavor<'de> for ChunkReader<R> {
    type Remainder = ChunkReader<R>;
    type Source = R;

    #[inline]
    fn pop(&mut self) -> postcard::Result<u8> {
        if self.pos == self.buf.len() {
            self.fill(1)?;
        }
        let byte = self.buf[self.pos];
        self.pos += 1;
        Ok(byte)
    }

    fn try_take_n(&mut self, _: usize) -> postcard::Result<&'de [u8]> {
        // A borrowed string or byte slice: no stage type has one.
        Err(postcard::Error::DeserializeBadEncoding)
    }

    #[inline]
    fn try_take_n_temp<'a>(&'a mut self, n: usize) -> postcard::Result<&'a [u8]>
    where
        'de: 'a,
    {
        self.fill(n)?;
        self.pos += n;
        Ok(&self.buf[self.pos - n..self.pos])
    }

    fn finalize(self) -> postcard::Result<ChunkReader<R>> {
        Ok(self)
    }
}

/// Decodes the stage file `reader` reads (`total` bytes long) as a `T`, its body
/// `chunk` bytes at a time (see [`from_bytes`]).
fn decode<T: StageValue>(
    mut reader: impl Read,
    total: u64,
    chunk: usize,
) -> std::result::Result<T, String> {
    let mut head = Vec::with_capacity(MAX_HEADER);
    (&mut reader)
        .take(MAX_HEADER as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("reading it: {e}"))?;
    let h = parse_header(&head)?;
    if h.type_name != T::TYPE {
        return Err(format!(
            "holds a {}, not the {} this step reads",
            h.type_name,
            T::TYPE
        ));
    }
    if h.version != VERSION {
        return Err(format!(
            "written by tidings {}, and this is tidings {VERSION}: a stage file is read only by the version that wrote it (postcard reads fields by position); run that stage again",
            h.version
        ));
    }
    let body_len = total - h.body_start as u64;
    if body_len != h.len as u64 {
        return Err(format!(
            "its {} holds {body_len} bytes after the header, which says {}: the file is cut short or was appended to",
            T::TYPE,
            h.len
        ));
    }
    let first = head[h.body_start..].to_vec();
    let mut hash = XxHash3_128::new();
    hash.write(&first);
    let body = ChunkReader {
        reader,
        left: h.len - first.len(),
        buf: first,
        pos: 0,
        chunk,
        hash,
        failed: None,
    };
    let mut de = postcard::Deserializer::from_flavor(body);
    let decoded = T::deserialize(&mut de);
    let mut body = de
        .finalize()
        .map_err(|e| format!("reading its {}: {e}", T::TYPE))?;
    // The rest of the body through the hash, whatever decoding made of it: a
    // damaged body is told as damaged, not as what its bytes decoded into.
    let left_over = body.buf.len() - body.pos + body.left;
    while body.left > 0 && body.failed.is_none() {
        body.buf.clear();
        body.pos = 0;
        let _ = body.read(body.left.min(chunk));
    }
    if let Some(e) = body.failed {
        return Err(format!("reading it: {e}"));
    }
    if body.hash.finish_128() != h.hash {
        return Err(format!(
            "its {} is damaged: the bytes do not hash to the header's xxh3",
            T::TYPE
        ));
    }
    match decoded {
        Err(e) => Err(format!("reading its {}: {e}", T::TYPE)),
        Ok(_) if left_over > 0 => Err(format!("{left_over} bytes left over after the {}", T::TYPE)),
        Ok(value) => Ok(value),
    }
}

/// The error for a stage file at `path` that cannot be used: the path, and why.
pub fn invalid(path: &Path, message: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    }
}

/// Reads the stage file at `path` as a `T`.
///
/// # Errors
/// [`Error::Io`] naming the path: it cannot be read, or it is not a stage file of
/// this type and version, or it is cut short or damaged.
pub fn read<T: StageValue>(path: &Path) -> Result<T> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let total = file.metadata().map_err(io)?.len();
    decode(file, total, CHUNK).map_err(|m| invalid(path, m))
}

/// The type a stage file at `path` holds, from its header alone.
///
/// # Errors
/// As [`read`], for a file that is not a stage file.
pub fn type_of(path: &Path) -> Result<String> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = Vec::with_capacity(MAX_HEADER);
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_HEADER as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    parse_header(&head)
        .map(|h| h.type_name)
        .map_err(|m| invalid(path, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes<T: StageValue>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(v, &mut out).unwrap();
        out
    }

    #[test]
    fn a_value_reads_back_and_anything_else_is_refused_with_a_reason() {
        let shard = AnalyzedShard {
            rejects: vec![Reject {
                id: Some("a".into()),
                location: "x.jsonl:3".into(),
                reason: "invalid JSON".into(),
            }],
            ..Default::default()
        };
        let good = bytes(&shard);
        assert_eq!(from_bytes::<AnalyzedShard>(&good).unwrap(), shard);
        assert!(std::str::from_utf8(&good[..40])
            .unwrap()
            .starts_with(&format!("tidings-stage {VERSION} AnalyzedShard ")));
        let mut damaged = good.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        let mut cut = good.clone();
        cut.pop();
        let other_version = String::from_utf8_lossy(&good).replacen(VERSION, "0.0.0-x", 1);
        for (data, says) in [
            (b"{\"id\": 1}\n".to_vec(), "not a tidings stage file"),
            (Vec::new(), "not a tidings stage file"),
            (b"tidings-py 0.1.0 Vectors\n".to_vec(), "tidings-py"),
            (
                bytes(&FurnitureCounts::default()),
                "holds a FurnitureCounts",
            ),
            (damaged, "damaged"),
            (cut, "cut short"),
            (other_version.into_bytes(), "written by tidings 0.0.0-x"),
        ] {
            let e = from_bytes::<AnalyzedShard>(&data).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }

    /// A body decoded a few bytes at a time, strings and numbers across chunk
    /// ends, reads back as written; through a file as well.
    #[test]
    fn a_body_decodes_in_chunks() {
        let shard = AnalyzedShard {
            rejects: (0..200)
                .map(|i| Reject {
                    id: Some(format!("doc-{i}")),
                    location: format!("some/folder/file-{}.jsonl:{i}", i % 7),
                    reason: "x".repeat(i % 40),
                })
                .collect(),
            ..Default::default()
        };
        let good = bytes(&shard);
        for chunk in [1, 3, 7, 64, 1 << 20] {
            let back: AnalyzedShard = decode(&good[..], good.len() as u64, chunk).unwrap();
            assert_eq!(back, shard, "chunk {chunk}");
        }
        let path =
            std::env::temp_dir().join(format!("tidings-chunks-{}.stage", std::process::id()));
        std::fs::write(&path, &good).unwrap();
        let back: Result<AnalyzedShard> = read(&path);
        std::fs::remove_file(&path).ok();
        assert_eq!(back.unwrap(), shard);
    }

    /// A writer that fails in the body: its error comes back, not postcard's.
    #[test]
    fn a_failing_writer_is_an_error() {
        /// Takes the header's line, then fails.
        struct Full(bool);
        impl Write for Full {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(std::io::Error::other("disk full"));
                }
                assert!(b.starts_with(FORMAT.as_bytes()));
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let shard = AnalyzedShard {
            rejects: vec![Reject {
                id: None,
                location: "x.jsonl:1".into(),
                reason: "invalid JSON".into(),
            }],
            ..Default::default()
        };
        let e = write(&shard, Full(false)).unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
    }

    #[test]
    fn reports_merge_and_read_back() {
        let mut a = ReadReport::default();
        a.note("unparseable date", "a.jsonl:1", "yesterday");
        let mut b = ReadReport::default();
        b.note("unparseable date", "b.jsonl:4", "");
        b.note("invalid UTF-8 replaced", "b.jsonl:5", "");
        let mut saved = SavedReport::from(&a);
        saved.merge(SavedReport::from(&b));
        let back = saved.into_report();
        assert_eq!(back.notes["unparseable date"].count, 2);
        assert_eq!(
            back.notes["unparseable date"].examples,
            ["a.jsonl:1: yesterday", "b.jsonl:4"]
        );
        assert_eq!(back.notes["invalid UTF-8 replaced"].count, 1);
    }
}
