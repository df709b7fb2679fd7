//! `tidings dedup`: every input record passed through, its fields as written,
//! with its `story`, `article`, `variant` and `representative` added, into the
//! records kept (one per group of exact copies, per article or per story) and the
//! records dropped.
//!
//! Two passes over the inputs. The first decides: at `--level exact` it hashes
//! each document's normalized text ([`exact_key`]) and clusters nothing; at
//! `article` and `story` the engine clusters the inputs as `tidings cluster` does.
//! The second reads the inputs again with the same readers and writes each record
//! where it belongs, in input order. Both passes see the same records in the same
//! order, so the k-th document of the second is the k-th of the first (an id that
//! differs there means an input changed in between: an error). Stdin and pipes,
//! which can be read only once, are saved to a temporary file first.

use super::atomic::{check_outputs, AtomicFile};
use super::cluster::write_rejects_file;
use super::input::{check_outcome, InputArgs, Watch};
use super::EngineArgs;
use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tidings::document::{Day, Document, Input, ReadReport, Reject};
use tidings::engine::{duplicate_key, Clustering, Engine, StoryLabels, Vectors};
use tidings::graph::KnnGraph;
use tidings::output::{article_id, story_id};
use tidings::story::VariantKind;

mod key;
mod record;

use key::exact_key;
use record::{record_text, write_line, Added, Names};

#[derive(Args, Debug)]
pub struct DedupArgs {
    /// JSONL (.jsonl .ndjson .json), WARC/WET (.warc .wet) or .txt files, plain or
    /// compressed (gzip, zstd, xz, bzip2: told by their bytes); folders, searched
    /// recursively; or `-` for stdin (saved to a temporary file: it is read twice).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// What one record is kept of: each group of exact copies (the same text once
    /// lowercased, white space collapsed and composed; no clustering: the earliest
    /// dated, then the smallest id, is kept), each article (a write-up with its
    /// copies, edits and translations: its representative is kept) or each story
    /// (the representative `tidings cluster` names on the story's line).
    #[arg(long, value_enum)]
    level: Level,
    /// The records kept, as JSONL: each input record with every field as written,
    /// and `story`, `article`, `variant` and `representative` added.
    #[arg(long, short)]
    out: PathBuf,
    /// The records dropped, as JSONL like --out; `representative` is the id of the
    /// record kept in each one's place.
    #[arg(long)]
    dropped: Option<PathBuf>,
    /// The input records that could not be read, as JSONL `{source, line|offset|record, id, reason}`
    /// (TSV `location id reason` if the name ends in `.tsv`); default: summarized on stderr.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Put this in front of the names of the added fields (`--field-prefix tidings_`:
    /// `tidings_story` …); without it, a record's own field named `story`,
    /// `article`, `variant` or `representative` is replaced by the added one.
    #[arg(long, default_value = "", value_name = "PREFIX")]
    field_prefix: String,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    engine: EngineArgs,
}

/// What one record is kept of.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Exact,
    Article,
    Story,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Exact => "exact",
            Level::Article => "article",
            Level::Story => "story",
        }
    }
}

/// Records read and written together: reading is serial, and the other core
/// hashes or writes the previous batch meanwhile.
const BATCH: usize = 2048;

/// Where a document goes: `None` for a copy of a duplicate id (a reject).
type Placement = Option<(bool, Added)>;

/// What the first pass decided, asked about each document of the second.
enum Plan {
    Exact(ExactPlan),
    Clustered(Box<ClusterPlan>),
}

impl Plan {
    /// Where the `seq`-th document read goes, with what added.
    ///
    /// # Errors
    /// The document is not the one the first pass read there.
    fn place(&self, seq: u32, doc: &Document) -> Result<Placement> {
        let changed = || {
            anyhow::anyhow!(
                "{}: the inputs changed while dedup read them twice (a record there is not the one read before)",
                doc.location
            )
        };
        match self {
            Plan::Exact(p) => {
                if p.rejected.contains(&seq) {
                    return Ok(None);
                }
                let k = seq as usize;
                if k >= p.keys.len() || p.ids.get(k) != doc.id {
                    return Err(changed());
                }
                let best = p.best.get(&p.keys[k]).copied().unwrap_or(seq);
                let kept = best == seq;
                Ok(Some((
                    kept,
                    Added {
                        story: None,
                        article: None,
                        variant: if kept {
                            VariantKind::Original
                        } else {
                            VariantKind::Exact
                        },
                        representative: p.ids.get(best as usize).to_string(),
                    },
                )))
            }
            Plan::Clustered(p) => {
                if p.rejected.contains(&seq) {
                    return Ok(None);
                }
                let c = &p.clustering;
                let i = c
                    .docs
                    .binary_search_by(|d| d.id.as_str().cmp(&doc.id))
                    .map_err(|_| changed())?;
                let story = c.story_of_doc[i] as usize;
                let rep = match p.level {
                    Level::Story => c.stories[story].representative,
                    _ => p.article_rep[i],
                };
                Ok(Some((
                    rep as usize == i,
                    Added {
                        story: Some(story_id(c, story)),
                        article: Some(article_id(c, c.article_of_doc[i])),
                        variant: p.variant[i],
                        representative: c.docs[rep as usize].id.clone(),
                    },
                )))
            }
        }
    }
}

/// Ids one after another in one string: a crawl's ids without an allocation each.
#[derive(Default)]
struct Ids {
    text: String,
    ends: Vec<usize>,
}

impl Ids {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// `--level exact`: per document (in reading order) its id and text key; per
/// group of equal keys the document kept.
struct ExactPlan {
    ids: Ids,
    keys: Vec<u128>,
    /// The document kept of each key shared by two or more documents (a document
    /// whose key is not here is alone: kept).
    best: FxHashMap<u128, u32>,
    /// Copies of a duplicate id that are rejects.
    rejected: FxHashSet<u32>,
}

/// `--level article` and `story`: the engine's clustering, and per document (by
/// index, sorted by id) its variant and its article's representative.
struct ClusterPlan {
    clustering: Clustering,
    level: Level,
    variant: Vec<VariantKind>,
    article_rep: Vec<u32>,
    rejected: FxHashSet<u32>,
}

impl ClusterPlan {
    fn new(mut clustering: Clustering, level: Level, rejected: FxHashSet<u32>) -> ClusterPlan {
        // Not needed from here on: the vectors and the graph are most of its memory.
        clustering.drop_vectors();
        let n = clustering.docs.len();
        let mut variant = vec![VariantKind::Original; n];
        let mut article_rep: Vec<u32> = (0..n as u32).collect();
        for a in clustering.stories.iter().flat_map(|s| &s.articles) {
            for m in &a.members {
                variant[m.doc as usize] = m.kind;
                article_rep[m.doc as usize] = a.representative;
            }
        }
        ClusterPlan {
            clustering,
            level,
            variant,
            article_rep,
            rejected,
        }
    }
}

/// Up to [`BATCH`] documents from `watched`, each with its number among the
/// documents read and, with `raw`, its record as written; the rejects counted.
fn next_batch(
    watched: &mut Watch,
    raw: bool,
    seq: &mut u32,
    n_rejects: &mut usize,
    rejects: Option<&mut Vec<Reject>>,
) -> Result<Vec<(u32, Document, Option<String>)>> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut rejects = rejects;
    while batch.len() < BATCH {
        let Some(item) = watched.next() else { break };
        match item.context("reading")? {
            Ok(doc) => {
                let record = raw.then(|| record_text(watched.raw_record(), &doc));
                batch.push((*seq, doc, record));
                *seq = seq
                    .checked_add(1)
                    .context("more than 4,294,967,295 documents: split the inputs")?;
            }
            Err(r) => {
                *n_rejects += 1;
                if let Some(list) = rejects.as_deref_mut() {
                    list.push(r);
                }
            }
        }
    }
    Ok(batch)
}

/// Runs `work` on each batch `read` gives, while `read` makes the next ones on a
/// thread of its own: reading is serial, and `work` (hashing, writing) would
/// otherwise wait for it, or it for `work`.
fn pipelined<T: Send>(
    read: impl FnMut() -> Result<Vec<T>> + Send,
    mut work: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        // Two batches ahead at most, so memory stays bounded.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<T>>>(2);
        scope.spawn(move || {
            let mut read = read;
            loop {
                let batch = read();
                let last = !matches!(&batch, Ok(b) if !b.is_empty());
                // A closed channel: `work` failed and stopped listening.
                if tx.send(batch).is_err() || last {
                    break;
                }
            }
        });
        for batch in rx {
            let batch = batch?;
            if batch.is_empty() {
                break;
            }
            work(batch)?;
        }
        Ok(())
    })
}

/// What the first pass read.
struct FirstPass {
    plan: Plan,
    /// Every reject, duplicate ids last.
    rejects: Vec<Reject>,
    /// Of those, the records that could not be read (not copies of a duplicate id).
    n_read_rejects: usize,
    report: ReadReport,
    /// Documents read, copies of duplicate ids included.
    n_docs: usize,
    /// Stories or articles at those levels, for the summary.
    note: String,
}

/// Of several documents with one id, the one kept, as the engine keeps it: the
/// smallest content key ([`duplicate_key`] of its analysis); then, where the
/// analysis is the same (records that differ only in fields the engine does not
/// read), the smallest record as written, so that which one is kept does not
/// depend on input order either. Reads the inputs once more, keeping only the
/// copies of `dup_ids`; returns the copies that are rejects, by number, with
/// their rejects, and where each copy was read.
fn resolve_duplicate_ids(
    args: &DedupArgs,
    engine: &Engine,
    inputs: &[Input],
    dup_ids: &FxHashSet<String>,
) -> Result<(FxHashSet<u32>, Vec<Reject>, FxHashSet<String>)> {
    let (mut watched, progress) = args
        .input
        .watch(inputs.to_vec(), "reading the copies of duplicate ids")?;
    let mut copies: Vec<(u32, Document, String)> = Vec::new();
    let (mut seq, mut n_rejects) = (0, 0);
    loop {
        let batch = next_batch(&mut watched, true, &mut seq, &mut n_rejects, None)?;
        if batch.is_empty() {
            break;
        }
        copies.extend(
            batch
                .into_iter()
                .filter(|(_, d, _)| dup_ids.contains(&d.id))
                .map(|(k, d, r)| (k, d, r.unwrap_or_default())),
        );
    }
    progress.finish();
    let docs: Vec<Document> = copies.iter().map(|(_, d, _)| d.clone()).collect();
    let analyzed = engine
        .analyze(docs)
        .context("analyzing the copies of duplicate ids")?;
    let mut by_id: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, (_, d, _)) in copies.iter().enumerate() {
        by_id.entry(d.id.as_str()).or_default().push(i);
    }
    let keys: Vec<_> = analyzed
        .iter()
        .map(|a| duplicate_key(&a.meta, &a.features))
        .collect();
    let mut rejected = FxHashSet::default();
    let mut rejects = Vec::new();
    let locations = copies.iter().map(|(_, d, _)| d.location.clone()).collect();
    for group in by_id.values().filter(|g| g.len() > 1) {
        let keep = *group
            .iter()
            .min_by(|&&a, &&b| {
                (&keys[a], &copies[a].2, copies[a].0).cmp(&(&keys[b], &copies[b].2, copies[b].0))
            })
            .unwrap_or(&group[0]);
        for &i in group.iter().filter(|&&i| i != keep) {
            rejected.insert(copies[i].0);
            rejects.push(Reject {
                id: Some(copies[i].1.id.clone()),
                location: copies[i].1.location.clone(),
                reason: format!(
                    "duplicate id: the copy at {} is kept (of copies with one id, the one whose content hashes smallest, then the smallest record)",
                    copies[keep].1.location
                ),
            });
        }
    }
    rejects.sort_by(|a, b| (&a.id, &a.location).cmp(&(&b.id, &b.location)));
    Ok((rejected, rejects, locations))
}

/// The first pass at `--level exact`: every document's id, date and text key.
fn exact_pass(args: &DedupArgs, engine: &Engine, inputs: &[Input]) -> Result<FirstPass> {
    let (mut watched, progress) = args.input.watch(inputs.to_vec(), "reading and hashing")?;
    let mut ids = Ids::default();
    let mut keys: Vec<u128> = Vec::new();
    let mut dates: Vec<Option<Day>> = Vec::new();
    let mut rejects = Vec::new();
    let (mut seq, mut n_rejects) = (0, 0);
    pipelined(
        || {
            next_batch(
                &mut watched,
                false,
                &mut seq,
                &mut n_rejects,
                Some(&mut rejects),
            )
        },
        |batch| {
            let hashed: Vec<u128> = batch
                .par_iter()
                .map_init(String::new, |buf, (_, d, _)| exact_key(&d.text, buf))
                .collect();
            keys.extend(hashed);
            for (_, d, _) in &batch {
                ids.push(&d.id);
                dates.push(d.date);
            }
            Ok(())
        },
    )?;
    progress.check_stop(&rejects)?;
    progress.finish();
    let n_read_rejects = rejects.len();
    let n = ids.len();
    let mut seen: FxHashMap<&str, bool> = FxHashMap::default();
    for k in 0..n {
        seen.entry(ids.get(k))
            .and_modify(|dup| *dup = true)
            .or_insert(false);
    }
    let dup_ids: FxHashSet<String> = seen
        .into_iter()
        .filter(|&(_, dup)| dup)
        .map(|(id, _)| id.to_string())
        .collect();
    let rejected = if dup_ids.is_empty() {
        FxHashSet::default()
    } else {
        let (rejected, dup_rejects, _) = resolve_duplicate_ids(args, engine, inputs, &dup_ids)?;
        rejects.extend(dup_rejects);
        progress.check_stop(&rejects)?;
        rejected
    };
    // The document kept of each key: the earliest dated (undated last, as the
    // engine's date windows order them), then the smallest id (the engine's tie
    // rule for representatives): the same whatever the input order.
    let empty = exact_key("", &mut String::new());
    let rank = |k: usize| (dates[k].is_none(), dates[k], ids.get(k));
    let mut best: FxHashMap<u128, u32> = FxHashMap::default();
    let mut shared: FxHashSet<u128> = FxHashSet::default();
    for k in (0..n).filter(|&k| !rejected.contains(&(k as u32)) && keys[k] != empty) {
        match best.entry(keys[k]) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                shared.insert(keys[k]);
                if rank(k) < rank(*e.get() as usize) {
                    e.insert(k as u32);
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(k as u32);
            }
        }
    }
    // A document with no text, or the only one with its text, is kept alone.
    best.retain(|key, _| shared.contains(key));
    let n_groups = best.len();
    Ok(FirstPass {
        plan: Plan::Exact(ExactPlan {
            ids,
            keys,
            best,
            rejected,
        }),
        rejects,
        n_read_rejects,
        report: progress.report(),
        n_docs: n,
        note: format!("{n_groups} texts with exact copies"),
    })
}

/// The first pass at `--level article` and `story`: the engine's clustering, with
/// the copies of a duplicate id decided as [`resolve_duplicate_ids`] says.
fn cluster_pass(args: &DedupArgs, engine: &Engine, inputs: &[Input]) -> Result<FirstPass> {
    let (mut clustering, _, report) = args.input.read_and_cluster(engine, inputs.to_vec(), &[])?;
    // A reject with the id of a document is a copy of a duplicate id (or a bad
    // record with that id, which the re-reading finds is no document).
    let dup_ids: FxHashSet<String> = clustering
        .rejects
        .iter()
        .filter_map(|r| r.id.as_ref())
        .filter(|id| clustering.story_of(id).is_some())
        .cloned()
        .collect();
    let mut rejected = FxHashSet::default();
    if !dup_ids.is_empty() {
        let (r, dup_rejects, locations) = resolve_duplicate_ids(args, engine, inputs, &dup_ids)?;
        let decided: FxHashSet<&str> = dup_rejects.iter().filter_map(|r| r.id.as_deref()).collect();
        // The engine's rejects of those copies give way to ours (the same choice
        // but where copies tie on content).
        clustering.rejects.retain(|r| {
            !(r.id.as_deref().is_some_and(|id| decided.contains(id))
                && locations.contains(&r.location))
        });
        clustering.rejects.extend(dup_rejects);
        rejected = r;
    }
    let n_docs = clustering.stats.n_read;
    let rejects = clustering.rejects.clone();
    let n_read_rejects = rejects.len() - rejected.len();
    let level = args.level;
    let note = match level {
        Level::Story => format!("{} stories", clustering.stories.len()),
        _ => format!(
            "{} articles",
            clustering
                .stories
                .iter()
                .map(|s| s.articles.len())
                .sum::<usize>()
        ),
    };
    Ok(FirstPass {
        plan: Plan::Clustered(Box::new(ClusterPlan::new(clustering, level, rejected))),
        rejects,
        n_read_rejects,
        report,
        n_docs,
        note,
    })
}

/// Counts of the second pass.
#[derive(Default)]
struct Written {
    n_docs: usize,
    n_rejects: usize,
    kept: usize,
    dropped: usize,
    /// Records that had fields of the added names, and the first of them.
    clashes: usize,
    first_clash: Option<String>,
}

/// One record's output line, and where it goes.
struct Line {
    keep: bool,
    /// It had fields of the added names.
    clash: bool,
    line: Vec<u8>,
}

/// The second pass: every record read again and written to `kept` or `dropped`.
fn write_pass(
    args: &DedupArgs,
    inputs: &[Input],
    plan: &Plan,
    kept: &mut AtomicFile,
    mut dropped: Option<&mut AtomicFile>,
) -> Result<Written> {
    let (mut watched, progress) = args.input.watch(inputs.to_vec(), "writing")?;
    let names = Names::new(&args.field_prefix);
    let mut written = Written::default();
    let (mut seq, mut n_rejects) = (0u32, 0usize);
    let kept_path = kept.path().display().to_string();
    pipelined(
        || next_batch(&mut watched, true, &mut seq, &mut n_rejects, None),
        |batch| {
            let lines: Vec<Result<Option<Line>>> = batch
                .par_iter()
                .map(|(k, doc, record)| {
                    let Some((keep, added)) = plan.place(*k, doc)? else {
                        return Ok(None);
                    };
                    let mut line = Vec::with_capacity(record.as_ref().map_or(0, String::len) + 128);
                    let record = record.as_deref().unwrap_or_default();
                    let clash = write_line(record, &added, &names, &mut line)
                        .with_context(|| format!("{}: passing the record through", doc.location))?;
                    Ok(Some(Line { keep, clash, line }))
                })
                .collect();
            for (line, (_, doc, _)) in lines.into_iter().zip(&batch) {
                written.n_docs += 1;
                let Some(Line { keep, clash, line }) = line? else {
                    continue;
                };
                if clash {
                    written.clashes += 1;
                    written
                        .first_clash
                        .get_or_insert_with(|| doc.location.clone());
                }
                if keep {
                    written.kept += 1;
                    kept.write_all(&line)
                        .with_context(|| format!("writing {kept_path}"))?;
                } else {
                    written.dropped += 1;
                    if let Some(f) = dropped.as_deref_mut() {
                        let path = f.path().display().to_string();
                        f.write_all(&line)
                            .with_context(|| format!("writing {path}"))?;
                    }
                }
            }
            Ok(())
        },
    )?;
    progress.finish();
    written.n_rejects = n_rejects;
    Ok(written)
}

/// Inputs that can be read only once (stdin, pipes), saved to temporary files,
/// which are removed when this is dropped.
#[derive(Default)]
struct Saved {
    paths: Vec<PathBuf>,
}

impl Drop for Saved {
    fn drop(&mut self) {
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Saved {
    /// `inputs`, with each one that cannot be read twice saved to a file in the
    /// temporary folder (`TMPDIR`) and read from there.
    ///
    /// # Errors
    /// Saving fails (no room, no temporary folder): the message names both.
    fn save(&mut self, inputs: Vec<Input>) -> Result<Vec<Input>> {
        let mut out = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            let mut from: Box<dyn std::io::Read> = match &input {
                Input::Stdin => Box::new(std::io::stdin().lock()),
                Input::File { path, .. } if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
                    Box::new(
                        std::fs::File::open(path)
                            .with_context(|| format!("opening {}", path.display()))?,
                    )
                }
                _ => {
                    out.push(input);
                    continue;
                }
            };
            let path = std::env::temp_dir()
                .join(format!("tidings-dedup-{}-{i}.saved", std::process::id()));
            let context = || {
                format!(
                    "saving {} to {} (dedup reads its inputs twice, and it can be read only once)",
                    input.name(),
                    path.display()
                )
            };
            // `create_new`: never through a file or link someone put there.
            let mut to = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(context)?;
            self.paths.push(path.clone());
            std::io::copy(&mut from, &mut to).with_context(context)?;
            out.push(Input::Saved {
                path,
                original: Box::new(input),
            });
        }
        Ok(out)
    }
}

/// Refuses a field mapping that reads a field the output would replace (as
/// `--text-field article` would lose every record's text).
fn check_field_names(args: &DedupArgs) -> Result<()> {
    let fields = args.input.options()?.fields;
    let names = Names::new(&args.field_prefix);
    let mapped = [
        &fields.id,
        &fields.text,
        &fields.title,
        &fields.lang,
        &fields.url,
        &fields.source,
    ]
    .into_iter()
    .chain(&fields.date);
    for path in mapped {
        let top = path.split('.').next().unwrap_or(path);
        if let Some(name) = names.plain.iter().find(|n| *n == path || *n == top) {
            anyhow::bail!(
                "the input field \"{path}\" would be replaced by the added field \"{name}\": name the added fields apart with --field-prefix (e.g. --field-prefix tidings_)"
            );
        }
    }
    Ok(())
}

/// The records' rejects in a clustering of none, for the writers that take one.
fn rejects_only(rejects: Vec<Reject>) -> Clustering {
    let vectors = Vectors {
        rejects,
        ..Vectors::default()
    };
    Clustering::new(
        vectors,
        KnnGraph::default(),
        StoryLabels::default(),
        Vec::new(),
    )
}

pub fn run(args: DedupArgs) -> Result<ExitCode> {
    check_field_names(&args)?;
    let engine = args.engine.engine()?;
    let inputs = args.input.expand(&args.inputs)?;
    let out = Some(args.out.clone());
    check_outputs(&[&out, &args.dropped, &args.rejects], &inputs)?;
    let mut kept = AtomicFile::create(&args.out)?;
    let mut dropped = args
        .dropped
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let mut rejects_file = args
        .rejects
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let mut saved = Saved::default();
    let inputs = saved.save(inputs)?;
    let bytes: u64 = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File { path, .. } | Input::Saved { path, .. } => std::fs::metadata(path).ok(),
            Input::Stdin => None,
        })
        .map(|m| m.len())
        .sum();
    let start = Instant::now();
    let first = match args.level {
        Level::Exact => exact_pass(&args, &engine, &inputs)?,
        Level::Article | Level::Story => cluster_pass(&args, &engine, &inputs)?,
    };
    let written = write_pass(&args, &inputs, &first.plan, &mut kept, dropped.as_mut())?;
    anyhow::ensure!(
        (written.n_docs, written.n_rejects) == (first.n_docs, first.n_read_rejects),
        "the inputs changed while dedup read them twice: {} documents and {} rejects the first time, {} and {} the second",
        first.n_docs,
        first.n_read_rejects,
        written.n_docs,
        written.n_rejects
    );
    let rejects = match first.plan {
        Plan::Clustered(p) => p.clustering,
        Plan::Exact(_) => rejects_only(first.rejects.clone()),
    };
    if let Some(f) = &mut rejects_file {
        write_rejects_file(f, &rejects)?;
    }
    for f in [Some(kept), dropped, rejects_file].into_iter().flatten() {
        f.commit()?;
    }
    drop(saved);
    let seconds = start.elapsed().as_secs_f64();
    let rejects_name = args.rejects.as_ref().map(|p| p.display().to_string());
    args.input
        .print_report(&first.rejects, &first.report, rejects_name.as_deref());
    if written.clashes > 0 {
        args.input.warn(format!(
            "{} records had fields named {} of their own: replaced by the added ones (keep them with --field-prefix, e.g. tidings_; the first at {})",
            written.clashes,
            Names::new(&args.field_prefix).plain.join(", "),
            written.first_clash.as_deref().unwrap_or("")
        ));
    }
    if !args.input.quiet {
        eprintln!(
            "tidings: dedup --level {}: {} records read: {} kept, {} dropped, {} rejected; {}; {:.2} s ({:.0} docs/s, {:.1} MB/s)",
            args.level.name(),
            first.n_docs + first.n_read_rejects,
            written.kept,
            written.dropped,
            first.rejects.len(),
            first.note,
            seconds,
            first.n_docs as f64 / seconds.max(1e-9),
            bytes as f64 / 1e6 / seconds.max(1e-9)
        );
    }
    check_outcome(
        written.kept + written.dropped,
        &first.rejects,
        &first.report,
        args.input.max_reject_share,
    )?;
    Ok(ExitCode::SUCCESS)
}
