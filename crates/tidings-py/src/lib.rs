//! `tidings._tidings`, the extension module of the Python package `tidings`: the
//! engine's stages over Python objects. The public API (keyword arguments,
//! DataFrames and Arrow tables, the result object) is the pure-Python package in
//! `python/tidings/`; this module is what it calls.
//!
//! Documents arrive as JSON lines (the package turns each record into one), read
//! by the engine's own JSONL record parser ([`parse_record`]), so dates, language
//! codes, numeric ids and dotted field paths mean what they mean to `tidings
//! cluster`. Stage values are opaque objects that pickle through postcard bytes.
//! Every error becomes a Python exception: bad input and settings raise
//! `ValueError`, a missing models folder `OSError`; the engine never sees a stage
//! value of the wrong size (checked here), and pyo3 turns any panic into a Python
//! exception rather than unwinding into the interpreter.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tidings::config::EngineConfig;
use tidings::document::{
    expand_inputs, parse_record, DocReader, Document, Fields, Furniture, FurnitureCounts,
    ReadOptions, ReadReport, Reject, NO_TEXT_FIELD,
};
use tidings::engine::{AnalyzedDoc, Clustering, Corpus, StoryLabels, Vectors};
use tidings::graph::{Copies, IndexKind, KnnGraph};
use tidings::lexicon::ModelSource;
use tidings::output::{
    assignment_rows, write_assignments, write_rejects_jsonl, write_stories, RejectRecord,
};
use tidings::partition::ArticlesPart;
use tidings::vectorize::CorpusStats;

// The engine's allocations on jemalloc, as in the `tidings` binary (see its
// `main.rs`); Python's own objects stay on Python's allocator.
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// An engine error as the Python exception that fits it.
fn engine_error(e: tidings::Error) -> PyErr {
    match &e {
        tidings::Error::Io { path, source } => {
            PyOSError::new_err(format!("{}: {source}", path.display()))
        }
        tidings::Error::Model(_) => PyRuntimeError::new_err(e.to_string()),
        tidings::Error::Config(_) | tidings::Error::Parse { .. } | tidings::Error::Parts(_) => {
            PyValueError::new_err(e.to_string())
        }
    }
}

fn json_error(e: serde_json::Error) -> PyErr {
    PyRuntimeError::new_err(format!("encoding JSON: {e}"))
}

/// The header of a stage value's bytes: the format, the tidings version and the
/// type. Postcard reads fields by position, so bytes cross only between equal
/// versions, and a header says so instead of a confusing decoding error.
fn header(type_name: &str) -> String {
    format!("tidings-py {} {type_name}\n", env!("CARGO_PKG_VERSION"))
}

fn to_bytes<T: Serialize>(type_name: &str, value: &T) -> PyResult<Vec<u8>> {
    postcard::to_extend(value, header(type_name).into_bytes())
        .map_err(|e| PyRuntimeError::new_err(format!("encoding a {type_name}: {e}")))
}

fn from_bytes<T: DeserializeOwned>(type_name: &str, data: &[u8]) -> PyResult<T> {
    let head_end = data.iter().take(256).position(|&b| b == b'\n');
    let head = head_end.and_then(|n| std::str::from_utf8(&data[..n]).ok());
    let Some(["tidings-py", version, name]) = head.map(|h| {
        let parts: Vec<&str> = h.split(' ').collect();
        <[&str; 3]>::try_from(parts).unwrap_or(["", "", ""])
    }) else {
        return Err(PyValueError::new_err(format!(
            "not a tidings stage value: a {type_name} is read from the bytes its to_bytes() wrote"
        )));
    };
    if name != type_name {
        return Err(PyValueError::new_err(format!(
            "these bytes hold a {name}, not a {type_name}"
        )));
    }
    if version != env!("CARGO_PKG_VERSION") {
        return Err(PyValueError::new_err(format!(
            "this {type_name} was written by tidings {version}, and this is {}: stage values cross only between equal versions",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let body = &data[head_end.map_or(0, |n| n + 1)..];
    match postcard::take_from_bytes::<T>(body) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(PyValueError::new_err(format!(
            "reading a {type_name}: {} bytes left over after the value",
            rest.len()
        ))),
        Err(e) => Err(PyValueError::new_err(format!("reading a {type_name}: {e}"))),
    }
}

/// A stage value as Python holds it.
trait StageValue {
    /// The documents it is about (its `len()`).
    fn n_docs(&self) -> usize;
    /// The input records that could not become documents, carried along.
    fn rejects(&self) -> &[Reject] {
        &[]
    }
}

/// What `analyze` makes of one batch or shard of records: the analyzed documents
/// and the records that could not become documents. [`Corpus::assemble`] takes
/// any number of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedShard {
    pub docs: Vec<AnalyzedDoc>,
    pub rejects: Vec<Reject>,
    /// Each reject's place in the reading order of all shards (its record's
    /// index), as `docs[i].meta.seq` is each document's, when the shard is one of
    /// several read apart (`analyze_shard`, `analyze_lines`); else empty.
    #[serde(default)]
    pub reject_seq: Vec<u64>,
}

/// The stage values that hold their documents (`docs`) and the rejects so far.
macro_rules! docs_and_rejects {
    ($($ty:ty),*) => {$(
        impl StageValue for $ty {
            fn n_docs(&self) -> usize {
                self.docs.len()
            }
            fn rejects(&self) -> &[Reject] {
                &self.rejects
            }
        }
    )*};
}

docs_and_rejects!(AnalyzedShard, Corpus, Vectors, Clustering);

impl StageValue for CorpusStats {
    fn n_docs(&self) -> usize {
        CorpusStats::n_docs(self)
    }
}

impl StageValue for KnnGraph {
    fn n_docs(&self) -> usize {
        self.n_docs
    }
}

impl StageValue for FurnitureCounts {
    fn n_docs(&self) -> usize {
        self.len()
    }
}

impl StageValue for Furniture {
    fn n_docs(&self) -> usize {
        self.len()
    }
}

impl StageValue for Copies {
    fn n_docs(&self) -> usize {
        self.rep_of.len()
    }
}

impl StageValue for ArticlesPart {
    fn n_docs(&self) -> usize {
        self.n_docs
    }
}

impl StageValue for StoryLabels {
    fn n_docs(&self) -> usize {
        self.story_of_doc.len()
    }
}

/// The rejects as JSON: the records `tidings cluster --rejects` writes.
fn rejects_json(rejects: &[Reject]) -> PyResult<String> {
    let records: Vec<RejectRecord> = rejects.iter().map(RejectRecord::of).collect();
    serde_json::to_string(&records).map_err(json_error)
}

/// Python classes around stage values, each built from its bytes (`Type(data)`),
/// with `to_bytes()`, pickling, `len()` (documents), `==` and the rejects it
/// carries; `$extra` are methods of its own.
macro_rules! stage_classes {
    ($($(#[$doc:meta])* $py:ident($name:literal, $ty:ty) { $($extra:tt)* })*) => {$(
        $(#[$doc])*
        #[pyclass(module = "tidings._tidings", name = $name, frozen)]
        pub struct $py(pub $ty);

        #[pymethods]
        impl $py {
            /// Reads a value back from the bytes `to_bytes()` wrote (pickle rebuilds it so).
            #[new]
            fn new(data: &[u8]) -> PyResult<Self> {
                from_bytes($name, data).map($py)
            }

            /// The value as bytes: a header line naming the tidings version and the
            /// type, then the value in postcard's binary encoding.
            fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
                Ok(PyBytes::new(py, &to_bytes($name, &self.0)?))
            }

            fn __reduce__<'py>(
                slf: &Bound<'py, Self>,
            ) -> PyResult<(Bound<'py, PyType>, (Bound<'py, PyBytes>,))> {
                Ok((slf.get_type(), (slf.get().to_bytes(slf.py())?,)))
            }

            fn __len__(&self) -> usize {
                self.0.n_docs()
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other
                    .extract::<PyRef<'_, Self>>()
                    .is_ok_and(|o| o.0 == self.0)
            }

            fn __repr__(&self) -> String {
                format!(
                    "<tidings {} of {} documents, {} rejects>",
                    $name,
                    self.0.n_docs(),
                    self.0.rejects().len()
                )
            }

            /// The input records that could not become documents, as JSON (the
            /// records `tidings cluster --rejects` writes).
            fn rejects_json(&self) -> PyResult<String> {
                rejects_json(self.0.rejects())
            }

            $($extra)*
        }
    )*};
}

stage_classes! {
    /// Stage 1's result for a batch or shard of records: analyzed documents and
    /// the records that could not become documents.
    PyAnalyzed("Analyzed", AnalyzedShard) {}
    /// The analyzed documents of a run in canonical order (by id), duplicate ids
    /// rejected.
    PyCorpus("Corpus", Corpus) {}
    /// Document frequencies of a corpus or shard; shards' statistics merge by adding.
    PyCorpusStats("CorpusStats", CorpusStats) {}
    /// The weighted vectors of a corpus, with what the later stages need.
    PyVectors("Vectors", Vectors) {}
    /// The exactly re-scored kNN graph, copies collapsed.
    PyGraph("Graph", KnnGraph) {}
    /// The story of each document (or, of one part's, the stories of its
    /// documents, the others `ELSEWHERE`).
    PyStoryLabels("StoryLabels", StoryLabels) {}
    /// The copy groups the graph collapses, found once for all graph parts.
    PyCopies("Copies", Copies) {}
    /// One part's stories cut into articles.
    PyArticlesPart("ArticlesPart", ArticlesPart) {}
    /// Stage 0 per shard: for each line of each site, the titles of the pages that
    /// carry it (`len()`: lines counted); shards merge by union.
    PyFurnitureCounts("FurnitureCounts", FurnitureCounts) {
        /// The counts of this shard and another, together.
        fn merge(&self, other: PyRef<'_, PyFurnitureCounts>) -> PyFurnitureCounts {
            let mut out = self.0.clone();
            out.merge(other.0.clone());
            PyFurnitureCounts(out)
        }

        /// The lines that are page furniture (`len()`: how many).
        fn furniture(&self) -> PyFurniture {
            PyFurniture(self.0.furniture())
        }
    }
    /// The page furniture of a run: lines struck from every text before analysis.
    PyFurniture("Furniture", Furniture) {}
    /// The result of a run: documents, stories with articles and variants, rejects.
    PyClustering("Clustering", Clustering) {
        /// One `(id, story, article, variant)` row per document, sorted by id: the
        /// rows of `tidings cluster --assignments`, with each document's variant kind.
        fn assignments(&self) -> PyResult<Vec<(String, String, String, String)>> {
            let c = &self.0;
            let mut variant = vec![String::new(); c.docs.len()];
            let members = c.stories.iter().flat_map(|s| &s.articles).flat_map(|a| &a.members);
            for member in members {
                // The name the stories' JSON gives the kind (`near_duplicate`).
                let name = serde_json::to_value(member.kind).map_err(json_error)?;
                if let Some(slot) = variant.get_mut(member.doc as usize) {
                    *slot = name.as_str().unwrap_or_default().to_string();
                }
            }
            Ok(assignment_rows(c)
                .zip(variant)
                .map(|((id, story, article), v)| (id.to_string(), story, article, v))
                .collect())
        }

        /// The stories as `tidings cluster` writes them: JSONL, one line a story,
        /// largest first.
        fn stories_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            let mut out = Vec::new();
            write_stories(&self.0, &mut out)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            Ok(PyBytes::new(py, &out))
        }

        /// The assignments as `tidings cluster --assignments` writes them (TSV).
        fn assignments_tsv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            let mut out = Vec::new();
            write_assignments(&self.0, &mut out)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            Ok(PyBytes::new(py, &out))
        }

        /// The rejects as `tidings cluster --rejects FILE.jsonl` writes them.
        fn rejects_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            let mut out = Vec::new();
            write_rejects_jsonl(&self.0, &mut out)
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            Ok(PyBytes::new(py, &out))
        }

        /// Counts and timings of the run, as JSON.
        fn stats_json(&self) -> PyResult<String> {
            serde_json::to_string(&self.0.stats).map_err(json_error)
        }
    }
}

/// A record read for a shard, with its place in the reading order of all shards.
type Placed = (u64, tidings::Result<Result<Document, Reject>>);

/// What reading noticed on kept records: `(kind, count, first places)` per kind,
/// for the package to show as warnings.
type Notes = Vec<(String, usize, Vec<String>)>;

fn notes_of(report: ReadReport) -> Notes {
    report
        .notes
        .into_iter()
        .map(|(kind, n)| (kind.to_string(), n.count, n.examples))
        .collect()
}

/// Settings read from keyword arguments: each taken out of `kwargs` once, so
/// that what is left over is an unknown name.
struct Settings<'a, 'py>(Option<&'a Bound<'py, PyDict>>);

impl<'py> Settings<'_, 'py> {
    fn take<T: for<'a> FromPyObject<'a, 'py>>(&self, name: &str) -> PyResult<Option<T>> {
        let Some(d) = self.0 else { return Ok(None) };
        let Some(v) = d.get_item(name)? else {
            return Ok(None);
        };
        d.del_item(name)?;
        if v.is_none() {
            return Ok(None);
        }
        v.extract::<T>().map(Some).map_err(|e| {
            let e: PyErr = e.into();
            PyTypeError::new_err(format!("{name}: {e}"))
        })
    }

    /// An error naming the first setting no one took.
    fn finish(&self) -> PyResult<()> {
        match self.0.and_then(|d| d.keys().iter().next()) {
            Some(k) => Err(PyTypeError::new_err(format!(
                "unknown setting {k} (the settings are those of `tidings cluster`: threshold, attach, cohesion, article_threshold, translation_threshold, article_floor, keep, max_days, k, index, threads, models, id_field, text_field, title_field, date_field, lang_field, url_field, and on_error)"
            ))),
            None => Ok(()),
        }
    }
}

/// The engine with its settings: lexicons, a thread pool when `threads` is
/// given, the input field names and what to do with a bad record.
#[pyclass(module = "tidings._tidings", frozen)]
pub struct Engine {
    engine: tidings::engine::Engine,
    pool: Option<rayon::ThreadPool>,
    fields: Fields,
    /// `on_error="skip"`: bad records become rejects; otherwise the first raises.
    skip: bool,
}

impl Engine {
    /// Runs `f` on the engine without the GIL (other Python threads go on), in
    /// the engine's own thread pool if it has one.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&tidings::engine::Engine) -> T + Send,
    ) -> T {
        py.detach(|| match &self.pool {
            Some(pool) => pool.install(|| f(&self.engine)),
            None => f(&self.engine),
        })
    }

    /// A `ValueError` for the first reject, unless bad records are skipped.
    fn check_rejects(&self, rejects: &[Reject]) -> PyResult<()> {
        match rejects.first() {
            Some(r) if !self.skip => Err(PyValueError::new_err(format!(
                "{}: {} (pass on_error=\"skip\" to keep going; the result's rejects then list them)",
                r.location, r.reason
            ))),
            _ => Ok(()),
        }
    }

    /// Reads the JSON lines of `lines` (an iterable of str) in batches and
    /// analyzes each batch without the GIL. Record `i` is at `docs[i]` in messages.
    fn read(
        &self,
        py: Python<'_>,
        lines: &Bound<'_, PyAny>,
        furniture: &Furniture,
    ) -> PyResult<(AnalyzedShard, Notes)> {
        let mut shard = AnalyzedShard::default();
        let report = self.parse(
            lines,
            |docs| {
                shard.docs.extend(
                    self.run(py, |e| e.analyze_with(docs, furniture))
                        .map_err(engine_error)?,
                );
                Ok(())
            },
            &mut shard.rejects,
        )?;
        self.check_read(&shard.rejects, shard.docs.len(), &report)?;
        Ok((shard, notes_of(report)))
    }

    /// Parses the JSON lines, handing each batch of documents to `batch`; bad
    /// records go to `rejects`. Returns what reading noticed.
    fn parse(
        &self,
        lines: &Bound<'_, PyAny>,
        mut batch: impl FnMut(Vec<Document>) -> PyResult<()>,
        rejects: &mut Vec<Reject>,
    ) -> PyResult<ReadReport> {
        let batch_size = self.engine.config().analysis.batch_size;
        let mut iter = lines.try_iter()?;
        let mut report = ReadReport::default();
        let mut index = 0usize;
        let mut done = false;
        while !done {
            let mut docs = Vec::new();
            while docs.len() < batch_size {
                let Some(item) = iter.next() else {
                    done = true;
                    break;
                };
                let line: String = item?.extract()?;
                let location = format!("docs[{index}]");
                index += 1;
                let mut notes = Vec::new();
                match parse_record(&line, location.clone(), &self.fields, &mut notes) {
                    Ok(doc) => docs.push(doc),
                    Err(reject) => rejects.push(reject),
                }
                for (kind, detail) in notes {
                    report.note(kind, &location, &detail);
                }
            }
            if !docs.is_empty() {
                batch(docs)?;
            }
        }
        Ok(report)
    }

    /// Every document of the JSON lines at once, with the rejects and what
    /// reading noticed.
    fn parse_all(
        &self,
        lines: &Bound<'_, PyAny>,
    ) -> PyResult<(Vec<Document>, Vec<Reject>, ReadReport)> {
        let mut docs = Vec::new();
        let mut rejects = Vec::new();
        let report = self.parse(
            lines,
            |batch| {
                docs.extend(batch);
                Ok(())
            },
            &mut rejects,
        )?;
        Ok((docs, rejects, report))
    }

    /// The checks after reading: the --on-error policy, and a text field that no
    /// record has.
    fn check_read(&self, rejects: &[Reject], n_docs: usize, report: &ReadReport) -> PyResult<()> {
        self.check_rejects(rejects)?;
        if let Some(n) = report.notes.get(NO_TEXT_FIELD) {
            if n.count >= n_docs && n_docs > 0 {
                return Err(PyValueError::new_err(format!(
                    "no record has the text field \"{}\": name it with text_field= ({})",
                    self.fields.text,
                    n.examples.first().map_or("", String::as_str)
                )));
            }
        }
        Ok(())
    }

    /// The records of `items`, each with its place in the reading order of all
    /// shards, handed to `each` in batches with their places; returns the rejects
    /// among them with theirs.
    fn sharded(
        &self,
        items: impl Iterator<Item = Placed>,
        mut each: impl FnMut(Vec<Document>, Vec<u64>) -> tidings::Result<()>,
    ) -> tidings::Result<Vec<(u64, Reject)>> {
        let size = self.engine.config().analysis.batch_size;
        let (mut docs, mut seq, mut rejects) = (Vec::new(), Vec::new(), Vec::new());
        for (at, item) in items {
            match item? {
                Ok(d) => {
                    docs.push(d);
                    seq.push(at);
                }
                Err(r) => rejects.push((at, r)),
            }
            if docs.len() >= size {
                each(std::mem::take(&mut docs), std::mem::take(&mut seq))?;
            }
        }
        if !docs.is_empty() {
            each(docs, seq)?;
        }
        Ok(rejects)
    }

    /// The records of the files or folders at `paths`, read as `tidings cluster`
    /// reads them (with this engine's field names).
    fn reader(&self, paths: &[PathBuf]) -> PyResult<DocReader> {
        let inputs = expand_inputs(paths).map_err(engine_error)?;
        Ok(DocReader::with_options(inputs, self.read_options()))
    }

    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            fields: self.fields.clone(),
            ..ReadOptions::default()
        }
    }

    /// The records of shard `shard` of `shards` of the files or folders at
    /// `paths`, each with its place in the reading order of them all. With at
    /// least as many files as shards, a shard is every `shards`-th file, which it
    /// alone reads (a place is then the file's index, then the record's within it:
    /// `file << 40 | record`); with fewer, every `shards`-th record, and each
    /// shard parses every record but analyzes only its own, most of the work. An
    /// input that cannot be read fails every shard that reads it.
    fn shard_of_paths(
        &self,
        paths: &[PathBuf],
        shard: usize,
        shards: usize,
    ) -> PyResult<Box<dyn Iterator<Item = Placed> + Send>> {
        let inputs = expand_inputs(paths).map_err(engine_error)?;
        let options = self.read_options();
        let shards = shards.max(1);
        if inputs.len() >= shards {
            let mine: Vec<(usize, _)> = inputs
                .into_iter()
                .enumerate()
                .filter(|(j, _)| j % shards == shard)
                .collect();
            return Ok(Box::new(mine.into_iter().flat_map(move |(j, input)| {
                DocReader::with_options(vec![input], options.clone())
                    .enumerate()
                    .map(move |(i, item)| (((j as u64) << 40) | i as u64, item))
            })));
        }
        Ok(Box::new(
            DocReader::with_options(inputs, options)
                .enumerate()
                .filter(move |(i, item)| i % shards == shard || item.is_err())
                .map(|(i, item)| (i as u64, item)),
        ))
    }

    /// JSON lines as records, record `i` at `docs[first + i]` and in that place.
    fn records(&self, lines: Vec<String>, first: u64) -> Vec<Placed> {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let at = first + i as u64;
                let location = format!("docs[{at}]");
                (
                    at,
                    Ok(parse_record(&line, location, &self.fields, &mut Vec::new())),
                )
            })
            .collect()
    }

    /// Analyzes records with their places (see [`Engine::sharded`]): each
    /// document's `seq` and each reject's place are their records' places.
    fn analyze_sharded(
        &self,
        py: Python<'_>,
        items: impl Iterator<Item = Placed> + Send,
        furniture: &Furniture,
    ) -> PyResult<AnalyzedShard> {
        let mut out = AnalyzedShard::default();
        let rejects = self
            .run(py, |e| {
                self.sharded(items, |docs, seq| {
                    let analyzed = e.analyze_with(docs, furniture)?;
                    out.docs
                        .extend(analyzed.into_iter().zip(seq).map(|(mut a, at)| {
                            a.meta.seq = at;
                            a
                        }));
                    Ok(())
                })
            })
            .map_err(engine_error)?;
        (out.reject_seq, out.rejects) = rejects.into_iter().unzip();
        Ok(out)
    }

    fn assemble_shards(&self, py: Python<'_>, shards: Vec<AnalyzedShard>) -> PyResult<Corpus> {
        let corpus = py.detach(|| {
            let (mut docs, mut rejects) = (Vec::new(), Vec::new());
            for s in shards {
                docs.extend(s.docs);
                rejects.extend(s.rejects);
            }
            Corpus::assemble(docs, rejects)
        });
        self.check_rejects(&corpus.rejects)?;
        Ok(corpus)
    }
}

/// An error unless every stage value is about `n` documents: values of different
/// corpora would index out of range.
fn same_size(what: &[(&str, usize)]) -> PyResult<()> {
    let (first, n) = what[0];
    match what.iter().find(|(_, m)| *m != n) {
        Some((other, m)) => Err(PyValueError::new_err(format!(
            "the {first} is of {n} documents, the {other} of {m}: stage values of different corpora"
        ))),
        None => Ok(()),
    }
}

#[pymethods]
impl Engine {
    /// Settings by keyword, those of `tidings cluster` (unset: the engine's defaults).
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        // A copy: the caller's dict stays as it was.
        let copy = settings.map(|d| d.copy()).transpose()?;
        let s = Settings(copy.as_ref());
        let mut c = EngineConfig::default();
        if let Some(t) = s.take::<f32>("threshold")? {
            c.stories.threshold = t;
        }
        if let Some(t) = s.take::<f32>("attach")? {
            if !(0.0..=1.0).contains(&t) {
                return Err(PyValueError::new_err(format!(
                    "attach must be between 0 and 1 (0 = never), not {t}"
                )));
            }
            c.stories.attach = t;
        }
        if let Some(t) = s.take::<f32>("cohesion")? {
            c.stories.cohesion = t;
        }
        if let Some(t) = s.take::<f32>("article_threshold")? {
            c.articles.same_language = t;
        }
        if let Some(t) = s.take::<f32>("translation_threshold")? {
            c.articles.cross_language = t;
        }
        if let Some(t) = s.take::<f32>("article_floor")? {
            c.articles.same_language_floor = t;
        }
        if let Some(name) = s.take::<String>("keep")? {
            // The names `--keep` takes, which are the engine's serde names.
            c.articles.keep = serde_json::from_value(serde_json::Value::String(name.clone()))
                .map_err(|_| {
                    PyValueError::new_err(format!(
                        "keep must be one of central, earliest, longest, first, not {name:?}"
                    ))
                })?;
        }
        if let Some(d) = s.take::<i32>("max_days")? {
            if d < 0 {
                return Err(PyValueError::new_err(format!(
                    "max_days must not be negative (0 = no limit), not {d}"
                )));
            }
            c.candidates.max_days = (d > 0).then_some(d);
        }
        if let Some(k) = s.take::<usize>("k")? {
            c.candidates.k = k;
        }
        if let Some(name) = s.take::<String>("index")? {
            // The names the CLI's --index takes, which are the engine's serde names.
            c.candidates.index =
                serde_json::from_value::<IndexKind>(serde_json::Value::String(name.clone()))
                    .map_err(|_| {
                        PyValueError::new_err(format!(
                            "index must be one of auto, exact, sparse, hnsw, not {name:?}"
                        ))
                    })?;
        }
        if let Some(dir) = s.take::<PathBuf>("models")? {
            c.models = ModelSource::Dir(dir);
        }
        let pool = match s.take::<usize>("threads")? {
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build()
                    .map_err(|e| PyRuntimeError::new_err(format!("setting up threads: {e}")))?,
            ),
            None => None,
        };
        let mut fields = Fields::default();
        for (name, slot) in [
            ("id_field", &mut fields.id),
            ("text_field", &mut fields.text),
            ("title_field", &mut fields.title),
            ("lang_field", &mut fields.lang),
            ("url_field", &mut fields.url),
        ] {
            if let Some(v) = s.take::<String>(name)? {
                *slot = v;
            }
        }
        if let Some(v) = s.take::<String>("date_field")? {
            fields.date = vec![v];
        }
        let skip = match s.take::<String>("on_error")?.as_deref() {
            None | Some("raise") => false,
            Some("skip") => true,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "on_error must be \"raise\" or \"skip\", not {other:?}"
                )))
            }
        };
        s.finish()?;
        let engine = tidings::engine::Engine::new(c).map_err(engine_error)?;
        Ok(Engine {
            engine,
            pool,
            fields,
            skip,
        })
    }

    /// Stage 1: reads JSON lines and analyzes the documents; returns the
    /// analyzed shard and the notes on repaired records.
    #[pyo3(signature = (lines, furniture = None))]
    fn analyze(
        &self,
        py: Python<'_>,
        lines: &Bound<'_, PyAny>,
        furniture: Option<PyRef<'_, PyFurniture>>,
    ) -> PyResult<(PyAnalyzed, Notes)> {
        let furniture = furniture.map(|f| f.0.clone()).unwrap_or_default();
        let (shard, notes) = self.read(py, lines, &furniture)?;
        Ok((PyAnalyzed(shard), notes))
    }

    /// Stage 0: the page furniture counts of JSON lines (a shard or all).
    fn furniture(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<PyFurnitureCounts> {
        let mut counts = FurnitureCounts::default();
        let mut rejects = Vec::new();
        self.parse(
            lines,
            |docs| {
                let c = self
                    .run(py, |e| e.furniture(docs.into_iter().map(|d| Ok(Ok(d)))))
                    .map_err(engine_error)?;
                counts.merge(c);
                Ok(())
            },
            &mut rejects,
        )?;
        Ok(PyFurnitureCounts(counts))
    }

    /// After the stages: the sentences each member adds, from the JSON lines of the
    /// same documents, with `furniture` struck (as `cluster` does it).
    #[pyo3(signature = (result, lines, furniture = None))]
    fn add_sentences(
        &self,
        py: Python<'_>,
        result: &PyClustering,
        lines: &Bound<'_, PyAny>,
        furniture: Option<PyRef<'_, PyFurniture>>,
    ) -> PyResult<PyClustering> {
        let (docs, _, _) = self.parse_all(lines)?;
        let mut c = result.0.clone();
        c.furniture = furniture.map(|f| f.0.clone()).unwrap_or_default();
        self.run(py, |e| {
            e.add_sentences(&mut c, docs.into_iter().map(|d| Ok(Ok(d))))
        })
        .map_err(engine_error)?;
        Ok(PyClustering(c))
    }

    /// Stage 0 of shard `shard` of `shards` of the files or folders at `paths`
    /// (see `analyze_shard`).
    fn furniture_shard(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        shard: usize,
        shards: usize,
    ) -> PyResult<PyFurnitureCounts> {
        let items = self.shard_of_paths(&paths, shard, shards)?;
        let mut counts = FurnitureCounts::default();
        self.run(py, |_| {
            self.sharded(items, |docs, _| {
                counts.merge(FurnitureCounts::of(&docs));
                Ok(())
            })
        })
        .map_err(engine_error)?;
        Ok(PyFurnitureCounts(counts))
    }

    /// Stage 1 of shard `shard` of `shards` of the files or folders at `paths`,
    /// read as `tidings cluster` reads them: with at least as many files as shards,
    /// every `shards`-th file; else every `shards`-th record (counted over all
    /// inputs, rejects included). `assemble_in_order` puts the shards together
    /// into the corpus a whole run reads.
    #[pyo3(signature = (paths, shard, shards, furniture = None))]
    fn analyze_shard(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        shard: usize,
        shards: usize,
        furniture: Option<PyRef<'_, PyFurniture>>,
    ) -> PyResult<PyAnalyzed> {
        let furniture = furniture.map(|f| f.0.clone()).unwrap_or_default();
        let items = self.shard_of_paths(&paths, shard, shards)?;
        self.analyze_sharded(py, items, &furniture).map(PyAnalyzed)
    }

    /// Stage 1 of a run of JSON lines that starts at record `first` of all the
    /// records (so record `i` is `docs[first + i]` in messages), for
    /// `assemble_in_order`.
    #[pyo3(signature = (lines, first, furniture = None))]
    fn analyze_lines(
        &self,
        py: Python<'_>,
        lines: Vec<String>,
        first: u64,
        furniture: Option<PyRef<'_, PyFurniture>>,
    ) -> PyResult<PyAnalyzed> {
        let furniture = furniture.map(|f| f.0.clone()).unwrap_or_default();
        let records = self.records(lines, first);
        self.analyze_sharded(py, records.into_iter(), &furniture)
            .map(PyAnalyzed)
    }

    /// Shards from `analyze_shard` or `analyze_lines` into the corpus a whole run
    /// reads: documents and rejects in reading order (so the duplicate ids and
    /// their rejects come out as they do there), each document's `seq` its place
    /// among the documents.
    fn assemble_in_order(
        &self,
        py: Python<'_>,
        shards: Vec<PyRef<'_, PyAnalyzed>>,
    ) -> PyResult<PyCorpus> {
        let (mut docs, mut rejects) = (Vec::new(), Vec::new());
        for (i, s) in shards.iter().enumerate() {
            if s.0.reject_seq.len() != s.0.rejects.len() {
                return Err(PyValueError::new_err(format!(
                    "shard {i} was not read by analyze_shard or analyze_lines: its rejects have no places in the reading order"
                )));
            }
            docs.extend(s.0.docs.iter().cloned());
            rejects.extend(
                s.0.reject_seq
                    .iter()
                    .copied()
                    .zip(s.0.rejects.iter().cloned()),
            );
        }
        let corpus = py.detach(|| {
            docs.sort_by_key(|d| d.meta.seq);
            rejects.sort_by_key(|r| r.0);
            for (i, d) in docs.iter_mut().enumerate() {
                d.meta.seq = i as u64;
            }
            Corpus::assemble(docs, rejects.into_iter().map(|r| r.1).collect())
        });
        self.check_rejects(&corpus.rejects)?;
        Ok(PyCorpus(corpus))
    }

    /// The corpus cut into `shards` runs of documents in id order, for the
    /// statistics and vectors per shard.
    fn split(&self, py: Python<'_>, corpus: &PyCorpus, shards: usize) -> Vec<PyCorpus> {
        let corpus = corpus.0.clone();
        py.detach(|| corpus.split(shards))
            .into_iter()
            .map(PyCorpus)
            .collect()
    }

    /// The copy groups, found once for all graph parts.
    fn copies(&self, py: Python<'_>, vectors: &PyVectors) -> PyCopies {
        PyCopies(self.run(py, |e| e.copies(&vectors.0)))
    }

    /// Part `part` of `parts` of the kNN graph: the edges of one span of days'
    /// neighbour queries; `merge_graphs` of all parts is `graph`'s graph.
    fn graph_part(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        copies: &PyCopies,
        part: usize,
        parts: usize,
    ) -> PyResult<PyGraph> {
        same_size(&[
            ("vectors", vectors.0.docs.len()),
            ("copies", copies.0.rep_of.len()),
        ])?;
        check_part(part, parts)?;
        Ok(PyGraph(self.run(py, |e| {
            e.graph_part(&vectors.0, &copies.0, part, parts)
        })))
    }

    /// Part `part` of `parts` of the stories: those of one group of the graph's
    /// connected components; `merge_labels` of all parts is `stories`'s labels.
    fn stories_part(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        graph: &PyGraph,
        part: usize,
        parts: usize,
    ) -> PyResult<PyStoryLabels> {
        same_size(&[("vectors", vectors.0.docs.len()), ("graph", graph.0.n_docs)])?;
        check_part(part, parts)?;
        Ok(PyStoryLabels(self.run(py, |e| {
            e.stories_part(&vectors.0, &graph.0, part, parts)
        })))
    }

    /// Part `part` of `parts` of the articles: those of one group of stories.
    fn articles_part(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        graph: &PyGraph,
        labels: &PyStoryLabels,
        part: usize,
        parts: usize,
    ) -> PyResult<PyArticlesPart> {
        same_size(&[
            ("vectors", vectors.0.docs.len()),
            ("graph", graph.0.n_docs),
            ("labels", labels.0.story_of_doc.len()),
        ])?;
        check_part(part, parts)?;
        Ok(PyArticlesPart(self.run(py, |e| {
            e.articles_part(&vectors.0, &graph.0, &labels.0, part, parts)
        })))
    }

    /// The result of a run from its stages' values, the articles in parts: what
    /// `articles` returns for the whole.
    fn result(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        graph: &PyGraph,
        labels: &PyStoryLabels,
        parts: Vec<PyRef<'_, PyArticlesPart>>,
    ) -> PyResult<PyClustering> {
        same_size(&[
            ("vectors", vectors.0.docs.len()),
            ("graph", graph.0.n_docs),
            ("labels", labels.0.story_of_doc.len()),
        ])?;
        let parts: Vec<ArticlesPart> = parts.iter().map(|p| p.0.clone()).collect();
        let stories = py
            .detach(|| ArticlesPart::merge(parts))
            .map_err(engine_error)?;
        if stories.len() != labels.0.n_stories {
            return Err(PyValueError::new_err(format!(
                "the article parts hold {} stories, the labels {}: values of different runs",
                stories.len(),
                labels.0.n_stories
            )));
        }
        Ok(PyClustering(Clustering::new(
            vectors.0.clone(),
            graph.0.clone(),
            labels.0.clone(),
            stories,
        )))
    }

    /// `add_sentences` from the files or folders at `paths`, read again as `tidings
    /// cluster` reads them.
    #[pyo3(signature = (result, paths, furniture = None))]
    fn add_sentences_of_inputs(
        &self,
        py: Python<'_>,
        result: &PyClustering,
        paths: Vec<PathBuf>,
        furniture: Option<PyRef<'_, PyFurniture>>,
    ) -> PyResult<PyClustering> {
        let reader = self.reader(&paths)?;
        let mut c = result.0.clone();
        c.furniture = furniture.map(|f| f.0.clone()).unwrap_or_default();
        self.run(py, |e| e.add_sentences(&mut c, reader))
            .map_err(engine_error)?;
        Ok(PyClustering(c))
    }

    /// Analyzed shards into one corpus in canonical order (duplicate ids rejected).
    fn assemble(&self, py: Python<'_>, shards: Vec<PyRef<'_, PyAnalyzed>>) -> PyResult<PyCorpus> {
        let shards = shards.iter().map(|s| s.0.clone()).collect();
        self.assemble_shards(py, shards).map(PyCorpus)
    }

    /// Stage 2: the corpus statistics.
    fn corpus_stats(&self, py: Python<'_>, corpus: &PyCorpus) -> PyCorpusStats {
        PyCorpusStats(self.run(py, |e| e.corpus_stats(&corpus.0)))
    }

    /// Stage 3: tf-idf vectors weighted by `stats`.
    fn vectorize(&self, py: Python<'_>, corpus: &PyCorpus, stats: &PyCorpusStats) -> PyVectors {
        PyVectors(self.run(py, |e| e.vectorize(corpus.0.clone(), &stats.0)))
    }

    /// Stage 4: the kNN graph.
    fn graph(&self, py: Python<'_>, vectors: &PyVectors) -> PyGraph {
        PyGraph(self.run(py, |e| e.graph(&vectors.0)))
    }

    /// Stage 5: the story of each document.
    fn stories(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        graph: &PyGraph,
    ) -> PyResult<PyStoryLabels> {
        same_size(&[("vectors", vectors.0.docs.len()), ("graph", graph.0.n_docs)])?;
        Ok(PyStoryLabels(
            self.run(py, |e| e.stories(&vectors.0, &graph.0)),
        ))
    }

    /// Stage 6: articles and variants, put together with the earlier stages'
    /// values into the result of the run.
    fn articles(
        &self,
        py: Python<'_>,
        vectors: &PyVectors,
        graph: &PyGraph,
        labels: &PyStoryLabels,
    ) -> PyResult<PyClustering> {
        same_size(&[
            ("vectors", vectors.0.docs.len()),
            ("graph", graph.0.n_docs),
            ("labels", labels.0.story_of_doc.len()),
        ])?;
        Ok(PyClustering(self.run(py, |e| {
            let stories = e.articles(&vectors.0, &graph.0, &labels.0);
            Clustering::new(
                vectors.0.clone(),
                graph.0.clone(),
                labels.0.clone(),
                stories,
            )
        })))
    }

    /// The whole run on JSON lines: read and analyze in batches, then the later
    /// stages; returns the result and the notes on repaired records.
    fn cluster(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<(PyClustering, Notes)> {
        // The documents are held whole (the caller holds them already): the page
        // furniture and the sentences each member adds need a second look at them,
        // as the CLI reads its files twice.
        let start = std::time::Instant::now();
        let (docs, mut rejects, report) = self.parse_all(lines)?;
        self.check_read(&rejects, docs.len(), &report)?;
        let n_read = docs.len();
        let mut c = self.run(py, |e| e.cluster(docs)).map_err(engine_error)?;
        // Read rejects first, then the duplicate ids, as the CLI lists them.
        rejects.append(&mut c.rejects);
        c.rejects = rejects;
        self.check_rejects(&c.rejects)?;
        c.stats.n_rejected = c.rejects.len();
        c.stats.n_read = n_read;
        c.stats.seconds_total = start.elapsed().as_secs_f64();
        Ok((PyClustering(c), notes_of(report)))
    }
}

/// An error unless `part` is one of `parts` parts.
fn check_part(part: usize, parts: usize) -> PyResult<()> {
    if part < parts {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "part {part} of {parts}: parts are numbered from 0 to parts - 1"
        )))
    }
}

/// The graph whose parts (`Engine.graph_part`) these are.
#[pyfunction]
fn merge_graphs(py: Python<'_>, parts: Vec<PyRef<'_, PyGraph>>) -> PyResult<PyGraph> {
    let parts: Vec<KnnGraph> = parts.iter().map(|p| p.0.clone()).collect();
    py.detach(|| KnnGraph::merge(parts))
        .map(PyGraph)
        .map_err(engine_error)
}

/// The story labels whose parts (`Engine.stories_part`) these are.
#[pyfunction]
fn merge_labels(py: Python<'_>, parts: Vec<PyRef<'_, PyStoryLabels>>) -> PyResult<PyStoryLabels> {
    let parts: Vec<StoryLabels> = parts.iter().map(|p| p.0.clone()).collect();
    py.detach(|| StoryLabels::merge(&parts))
        .map(PyStoryLabels)
        .map_err(engine_error)
}

/// The vectors of consecutive shards of a corpus (`Engine.split`), in order.
#[pyfunction]
fn concat_vectors(py: Python<'_>, shards: Vec<PyRef<'_, PyVectors>>) -> PyVectors {
    let shards: Vec<Vectors> = shards.iter().map(|s| s.0.clone()).collect();
    PyVectors(py.detach(|| Vectors::concat(shards)))
}

/// Merges corpus statistics: those of the union of the shards.
#[pyfunction]
fn merge_stats(parts: Vec<PyRef<'_, PyCorpusStats>>) -> PyCorpusStats {
    let mut out = CorpusStats::default();
    for p in parts {
        out.merge(p.0.clone());
    }
    PyCorpusStats(out)
}

/// The engine's default for each setting of `tidings cluster` the package takes.
#[pyfunction]
fn defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let c = EngineConfig::default();
    let f = Fields::default();
    // 0.055 as written, not the f32's 0.054999999701976776.
    let shown = |x: f32| x.to_string().parse::<f64>().unwrap_or(f64::from(x));
    let d = PyDict::new(py);
    d.set_item("threshold", shown(c.stories.threshold))?;
    d.set_item("attach", shown(c.stories.attach))?;
    d.set_item("cohesion", shown(c.stories.cohesion))?;
    d.set_item("article_threshold", shown(c.articles.same_language))?;
    d.set_item("translation_threshold", shown(c.articles.cross_language))?;
    d.set_item("article_floor", shown(c.articles.same_language_floor))?;
    let keep = serde_json::to_value(c.articles.keep).map_err(json_error)?;
    d.set_item("keep", keep.as_str().unwrap_or_default())?;
    d.set_item("max_days", c.candidates.max_days.unwrap_or(0))?;
    d.set_item("k", c.candidates.k)?;
    let index = serde_json::to_value(c.candidates.index).map_err(json_error)?;
    d.set_item("index", index.as_str().unwrap_or_default())?;
    d.set_item("threads", py.None())?;
    d.set_item("models", py.None())?;
    d.set_item("id_field", f.id)?;
    d.set_item("text_field", f.text)?;
    d.set_item("title_field", f.title)?;
    // None: the first of `date` and `published` that a record has.
    d.set_item("date_field", py.None())?;
    d.set_item("lang_field", f.lang)?;
    d.set_item("url_field", f.url)?;
    d.set_item("on_error", "raise")?;
    Ok(d)
}

/// Scores predicted assignments against gold labels, as `tidings eval --json`:
/// gold as TSV text (`id story article lang`), the prediction as TSV text
/// (`id story [article]`) or as `(id, story, article)` rows; `*_source` names
/// each in error messages. Returns the report as JSON.
#[pyfunction]
#[pyo3(signature = (gold_source, gold_tsv, pred_source, pred_tsv=None, pred_rows=None))]
fn evaluate(
    py: Python<'_>,
    gold_source: &str,
    gold_tsv: &str,
    pred_source: &str,
    pred_tsv: Option<&str>,
    pred_rows: Option<Vec<(String, String, String)>>,
) -> PyResult<String> {
    use tidings_eval::{Assignments, GoldLabels};
    let bad = |e: tidings_eval::EvalError| PyValueError::new_err(e.to_string());
    let gold = GoldLabels::parse(gold_tsv, gold_source).map_err(bad)?;
    let pred = match (pred_tsv, pred_rows) {
        (Some(text), _) => Assignments::parse(text, pred_source).map_err(bad)?,
        (None, Some(rows)) => Assignments::from_rows(
            rows.iter()
                .map(|(id, s, a)| (id.as_str(), s.as_str(), a.as_str())),
        ),
        (None, None) => return Err(PyTypeError::new_err("no prediction given")),
    };
    let report = py.detach(|| tidings_eval::evaluate(&gold, &pred));
    serde_json::to_string(&report).map_err(json_error)
}

/// Runs a `tidings` command line (`args` without the program name) as the binary
/// does, printing to this process's stdout and stderr; returns the exit code.
#[pyfunction]
fn main_with_args(py: Python<'_>, args: Vec<String>) -> u8 {
    let argv = std::iter::once("tidings".to_string()).chain(args);
    py.detach(|| tidings_cli::main_with_args(argv))
}

/// The engine of tidings: stage functions and values for the Python package.
#[pymodule]
fn _tidings(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Engine>()?;
    m.add_class::<PyAnalyzed>()?;
    m.add_class::<PyCorpus>()?;
    m.add_class::<PyCorpusStats>()?;
    m.add_class::<PyVectors>()?;
    m.add_class::<PyGraph>()?;
    m.add_class::<PyStoryLabels>()?;
    m.add_class::<PyCopies>()?;
    m.add_class::<PyArticlesPart>()?;
    m.add_class::<PyClustering>()?;
    m.add_class::<PyFurnitureCounts>()?;
    m.add_class::<PyFurniture>()?;
    m.add_function(wrap_pyfunction!(merge_stats, m)?)?;
    m.add_function(wrap_pyfunction!(merge_graphs, m)?)?;
    m.add_function(wrap_pyfunction!(merge_labels, m)?)?;
    m.add_function(wrap_pyfunction!(concat_vectors, m)?)?;
    m.add_function(wrap_pyfunction!(defaults, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(main_with_args, m)?)?;
    Ok(())
}
