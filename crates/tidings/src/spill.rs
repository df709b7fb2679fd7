//! What the stories stage does not read, held on disk while it runs.
//!
//! The stories stage sets a large run's peak memory: on 1M dated synthetic
//! documents its agglomeration adds about 1.7 GB of group sums (and their
//! allocator fragmentation) on top of everything the run holds from the vectors on.
//! Of the documents, the stories read only their vectors, days and languages; each
//! [`DocMeta`] (id, headline, names, numbers, source…) and shingle sketch, about 1
//! KB a document there, is read again only by the article stage and the output.
//! [`Aside::put`] moves them into an unlinked temporary file (the days and
//! languages taken first) and [`Aside::restore`] puts them back in their order
//! once the stories are cut: their pages serve the group sums meanwhile. In a
//! whole run (`Engine::graph_and_stories`) they go once the copies are found,
//! since the kNN graph reads only the vectors and days either: on the 1M corpus
//! the neighbour lists and postings, on top of them, had been within 6% of the
//! run's peak (thirty-fifth round). The `stories` stage command, which reads a
//! built graph, sets them aside for the stories alone
//! (`Engine::stories_spilling`). The values go through postcard and come back
//! equal, so every output is what it was.
//! Measured (BENCHMARKS.md, thirty-second and thirty-fourth rounds): `tidings eval`
//! of 1M synthetic documents, peak RSS 5,519–5,552 → 4,832–4,863 MB with the
//! headlines, names, numbers and sketches set aside, for about 2.3 s of writing
//! and reading back; with the rest of each `DocMeta`, the stories stage's peak
//! 4,775–4,852 → 4,449 MB.
//!
//! Small runs are left alone ([`SPILL_MIN_BYTES`]): their peak is the analysis's,
//! and the file would cost time for nothing. A temporary directory that cannot
//! take the file leaves the values in memory, as before.

use crate::engine::{DocMeta, Vectors};
use crate::{Error, Result};
use rayon::prelude::*;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

/// The values set aside are moved to disk only when they come to at least this
/// many bytes: from about 270k documents of the synthetic corpora (about 1 KB
/// each).
pub const SPILL_MIN_BYTES: usize = 256 << 20;

/// Documents written (and read back) together.
const CHUNK_DOCS: usize = 4_096;

/// Documents a task of the pool serializes into one buffer.
const TASK_DOCS: usize = 256;

#[cfg(test)]
thread_local! {
    /// The tests' threshold in place of [`SPILL_MIN_BYTES`], on their own thread.
    static MIN_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(SPILL_MIN_BYTES) };
}

fn min_bytes() -> usize {
    #[cfg(test)]
    return MIN_BYTES.with(std::cell::Cell::get);
    #[cfg(not(test))]
    SPILL_MIN_BYTES
}

/// Runs `f` with every amount set aside, however small (tests).
#[cfg(test)]
pub(crate) fn always<R>(f: impl FnOnce() -> R) -> R {
    MIN_BYTES.with(|m| m.set(0));
    let r = f();
    MIN_BYTES.with(|m| m.set(SPILL_MIN_BYTES));
    r
}

/// One document's values set aside, as written.
type Record = (DocMeta, Vec<u32>);

/// The file holding the values [`Aside::put`] took, the bytes of each chunk, and
/// how many documents they are.
pub(crate) struct Aside {
    file: File,
    chunks: Vec<usize>,
    n_docs: usize,
}

/// Bytes of the values [`Aside::put`] would take from `v`.
fn bytes_aside(v: &Vectors) -> usize {
    v.docs
        .iter()
        .zip(&v.sketches)
        .map(|(d, s)| bytes_of(d, s))
        .sum()
}

/// Bytes of one document's values set aside: its [`DocMeta`] with what it points
/// to, and its sketch.
fn bytes_of(d: &DocMeta, sketch: &[u32]) -> usize {
    std::mem::size_of::<DocMeta>()
        + d.id.len()
        + d.source.as_ref().map_or(0, String::len)
        + d.headline.len()
        + d.names.heap_bytes()
        + d.numbers.heap_bytes()
        + 4 * sketch.len()
}

impl Aside {
    /// Takes every document's [`DocMeta`] and sketch out of `v` into a temporary
    /// file, when they are worth it ([`SPILL_MIN_BYTES`]), leaving `v.docs` and
    /// `v.sketches` empty. `None`, with nothing taken, when they are not or the file
    /// cannot be made or written (the values stay until all are written, so a
    /// write that fails loses nothing).
    pub(crate) fn put(v: &mut Vectors) -> Option<Aside> {
        // (Vectors put together by hand may lack the sketches: left alone.)
        if v.docs.is_empty() || v.sketches.len() != v.docs.len() || bytes_aside(v) < min_bytes() {
            return None;
        }
        let file = temporary().ok()?;
        let n_docs = v.docs.len();
        let mut aside = Aside {
            file,
            chunks: Vec::new(),
            n_docs,
        };
        // A chunk is written while the pool serializes the next (on 1M documents the
        // writes took 0.65 s on one thread).
        let mut written: Option<Vec<Vec<u8>>> = None;
        // The last step (`start` = n) serializes nothing and writes the last chunk.
        for start in (0..n_docs).step_by(CHUNK_DOCS).chain([n_docs]) {
            let end = (start + CHUNK_DOCS).min(n_docs);
            let (docs, sketches) = (&v.docs[start..end], &v.sketches[start..end]);
            let file = &mut aside.file;
            let (wrote, parts) = rayon::join(
                || {
                    written.as_ref().map_or(Ok(()), |parts| {
                        parts.iter().try_for_each(|p| file.write_all(p))
                    })
                },
                || serialize(docs, sketches),
            );
            wrote.ok()?;
            if let Some(parts) = written.replace(parts) {
                aside.chunks.push(parts.iter().map(Vec::len).sum());
            }
        }
        // Dropped on the pool, each thread freeing its share, as when the values
        // were taken while they were serialized (thirty-second round).
        std::mem::take(&mut v.docs).into_par_iter().for_each(drop);
        std::mem::take(&mut v.sketches)
            .into_par_iter()
            .for_each(drop);
        Some(aside)
    }

    /// Puts every value [`Aside::put`] took back where it was.
    ///
    /// # Errors
    /// The file cannot be read back whole.
    pub(crate) fn restore(mut self, v: &mut Vectors) -> Result<()> {
        self.file.seek(SeekFrom::Start(0)).map_err(aside_error)?;
        v.docs.reserve_exact(self.n_docs);
        v.sketches.reserve_exact(self.n_docs);
        // A chunk is read while the pool decodes the one before.
        let (mut this, mut next) = (Vec::new(), Vec::new());
        let mut read = |buf: &mut Vec<u8>, len: usize| {
            buf.resize(len, 0);
            self.file.read_exact(buf)
        };
        if let Some(&len) = self.chunks.first() {
            read(&mut this, len).map_err(aside_error)?;
        }
        for i in 0..self.chunks.len() {
            let following = self.chunks.get(i + 1).copied();
            let (got, filled) = rayon::join(
                || following.map_or(Ok(()), |len| read(&mut next, len)),
                || fill(v, self.n_docs, &this),
            );
            got.map_err(aside_error)?;
            filled?;
            std::mem::swap(&mut this, &mut next);
        }
        if v.docs.len() != self.n_docs {
            return Err(invalid("fewer records than documents"));
        }
        Ok(())
    }
}

/// Serializes each document's values, in runs of [`TASK_DOCS`] on the pool, each
/// into one buffer of length-prefixed records. (A buffer a record took 2.5 s of 1M
/// documents' 3.4.)
fn serialize(docs: &[DocMeta], sketches: &[Vec<u32>]) -> Vec<Vec<u8>> {
    docs.par_chunks(TASK_DOCS)
        .zip(sketches.par_chunks(TASK_DOCS))
        .map(|(docs, sketches)| {
            // Sized ahead: grown by doubling, the buffers were copied over and over.
            let size = docs
                .iter()
                .zip(sketches)
                .map(|(d, s)| 32 + bytes_of(d, s))
                .sum();
            let (mut out, mut record) = (Vec::with_capacity(size), Vec::new());
            for (d, sketch) in docs.iter().zip(sketches) {
                record.clear();
                record =
                    postcard::to_extend(&(d, sketch), record).expect("postcard writes to memory");
                out.extend_from_slice(&(record.len() as u32).to_le_bytes());
                out.extend_from_slice(&record);
            }
            out
        })
        .collect()
}

fn invalid(what: &str) -> Error {
    aside_error(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        what.to_string(),
    ))
}

/// Appends the records of `buf` (one chunk, as [`Aside::put`] wrote it) to the
/// documents and sketches of `v`, which are to come to `n_docs`. They are decoded
/// on the pool, whose threads' memory the stories stage freed: read on the calling
/// thread, the values took fresh pages of its own arena and the run's resident
/// memory rose again by their size (jemalloc keeps an arena per thread).
fn fill(v: &mut Vectors, n_docs: usize, buf: &[u8]) -> Result<()> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let len = buf
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")) as usize)
            .ok_or_else(|| invalid("a record cut short"))?;
        spans.push(at + 4..at + 4 + len);
        at += 4 + len;
    }
    if at != buf.len() || v.docs.len() + spans.len() > n_docs {
        return Err(invalid("records that do not fit the documents"));
    }
    let records: Vec<Record> = spans
        .into_par_iter()
        .map(|s| buf.get(s).and_then(|b| postcard::from_bytes(b).ok()))
        .collect::<Option<_>>()
        .ok_or_else(|| invalid("a record that does not read back"))?;
    for (d, sketch) in records {
        v.docs.push(d);
        v.sketches.push(sketch);
    }
    Ok(())
}

/// An error of the file the values were set aside in, named by the temporary
/// directory and the files' prefix (it has no name of its own once open).
fn aside_error(source: std::io::Error) -> Error {
    Error::Io {
        path: std::env::temp_dir().join("tidings-aside"),
        source,
    }
}

/// A new file in the temporary directory, open to read and write, gone from the
/// directory as soon as it is open (Unix) or once it is closed (Windows).
/// Elsewhere there is none, and the values stay in memory.
fn temporary() -> std::io::Result<File> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir();
    loop {
        let name = format!(
            "tidings-aside-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(windows)]
        {
            use std::os::windows::fs::OpenOptionsExt;
            // FILE_FLAG_DELETE_ON_CLOSE
            options.custom_flags(0x0400_0000);
        }
        #[cfg(not(any(unix, windows)))]
        return Err(std::io::ErrorKind::Unsupported.into());
        match options.open(&path) {
            Ok(file) => {
                #[cfg(unix)]
                std::fs::remove_file(&path)?;
                return Ok(file);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::document::{parse_json_record, Document};
    use crate::engine::Engine;

    /// The team's sample corpus, read as the CLI reads it.
    fn sample() -> Vec<Document> {
        include_str!("../../../data/sample.jsonl")
            .lines()
            .enumerate()
            .map(|(i, line)| parse_json_record(line, format!("sample.jsonl:{}", i + 1)).unwrap())
            .collect()
    }

    /// Every value set aside comes back equal, in its place, across several chunks;
    /// meanwhile the documents hold none of them.
    #[test]
    fn values_set_aside_come_back_where_they_were() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let docs = sample();
        // Enough documents for three chunks, each id its own.
        let many: Vec<Document> = (0..2 * CHUNK_DOCS + 17)
            .map(|i| Document {
                id: format!("{i:05}"),
                ..docs[i % docs.len()].clone()
            })
            .collect();
        let (corpus, _) = engine
            .read_corpus(many.into_iter().map(|d| Ok(Ok(d))))
            .unwrap();
        let mut vectors = engine.vectorize_counted(corpus);
        let before = vectors.clone();
        assert!(before
            .docs
            .iter()
            .any(|d| !d.names.is_empty() && !d.numbers.is_empty()));
        assert!(before.docs.iter().all(|d| !d.headline.is_empty()));
        assert!(
            Aside::put(&mut vectors).is_none(),
            "a small run keeps its values"
        );
        assert_eq!(vectors, before);
        let aside = always(|| Aside::put(&mut vectors)).expect("set aside");
        assert_eq!(aside.chunks.len(), 3);
        // The file is nowhere to be seen, even while it is open.
        let ours = format!("tidings-aside-{}-", std::process::id());
        let listed = std::fs::read_dir(std::env::temp_dir()).unwrap();
        assert!(listed
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().starts_with(&ours)));
        assert!(vectors.docs.is_empty() && vectors.sketches.is_empty());
        assert_eq!(vectors.vecs, before.vecs);
        aside.restore(&mut vectors).unwrap();
        assert_eq!(vectors, before);
    }

    /// A run whose values wait on disk through the kNN graph and the stories
    /// stage (`Engine::graph_and_stories`) clusters as one that holds them, with the
    /// same graph; so does the same graph's stories set aside alone.
    #[test]
    fn a_run_clusters_alike_with_its_values_set_aside() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let held = engine.cluster(sample()).unwrap();
        let aside = always(|| engine.cluster(sample())).unwrap();
        let same = |c: &crate::engine::Clustering| {
            (
                c.docs.clone(),
                c.stories.clone(),
                c.story_of_doc.clone(),
                c.article_of_doc.clone(),
                c.sentences.clone(),
                c.graph.edges.clone(),
            )
        };
        assert_eq!(same(&aside), same(&held));
        let (corpus, _) = engine
            .read_corpus(sample().into_iter().map(|d| Ok(Ok(d))))
            .unwrap();
        let mut vectors = engine.vectorize_counted(corpus);
        let before = vectors.clone();
        let graph = engine.graph(&vectors);
        let labels = always(|| engine.stories_spilling(&mut vectors, &graph)).unwrap();
        assert_eq!(vectors, before);
        assert_eq!(graph.edges, held.graph.edges);
        assert_eq!(labels.story_of_doc, held.story_of_doc);
    }

    /// Records that do not fit the documents, or do not read back, are an error,
    /// not a silent loss.
    #[test]
    fn a_damaged_chunk_is_an_error() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let (corpus, _) = engine
            .read_corpus(sample().into_iter().map(|d| Ok(Ok(d))))
            .unwrap();
        let vectors = engine.vectorize_counted(corpus);
        let record = postcard::to_stdvec(&(&vectors.docs[0], &vec![1u32])).unwrap();
        let mut buf = (record.len() as u32).to_le_bytes().to_vec();
        buf.extend_from_slice(&record);
        let emptied = || Vectors {
            docs: Vec::new(),
            sketches: Vec::new(),
            ..vectors.clone()
        };
        let mut v = emptied();
        assert!(fill(&mut v, 1, &buf).is_ok());
        assert_eq!(
            (&v.docs[0], &v.sketches[0]),
            (&vectors.docs[0], &vec![1u32])
        );
        assert!(
            fill(&mut v, 1, &buf).is_err(),
            "more records than documents"
        );
        assert!(fill(&mut emptied(), 1, &buf[..buf.len() - 1]).is_err());
        let mut garbled = buf.clone();
        garbled[4] = 0xff;
        assert!(fill(&mut emptied(), 1, &garbled).is_err());
    }
}
