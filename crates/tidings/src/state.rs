//! Incremental runs: what `tidings cluster --state DIR` keeps between batches, and
//! how a new batch joins the stories of the earlier ones under ids that never change.
//!
//! **What is kept.** The corpus statistics and the page-furniture counts of every
//! document ever added (so a document's weights are those a one-shot run over all
//! batches would give it); every document's story id (so an id is never clustered
//! twice, and a story's id is never given to another); each story's batch (so the
//! older of two stories is known); and every document analyzed (features, no
//! text), in *blocks* of days: one block per `max_days` days, and one for the
//! undated documents (for all documents when `max_days` is not set). The index
//! (statistics, ids) is one value, [`State`]; each block another, [`Block`].
//!
//! **What a batch reads.** Two documents dated more than `max_days` apart never
//! share a story, and a story spans at most `max_days`. So a batch can only join
//! or connect stories that have a document within `max_days` of one of its own:
//! those stories are clustered again with the batch, whole (their documents lie
//! within `2·max_days`: the blocks [`State::blocks_for`] names). Every other
//! document stays as it was, and its block is not even read: a daily batch of a
//! crawl that spans years reads a few weeks of it, and late documents (a batch of
//! last month's pages) are handled the same way. An undated document can share a
//! story with any other, so a batch with one reads every block: an undated crawl is
//! clustered whole again at each batch, which is exact but not cheaper than a
//! one-shot run.
//!
//! **How a batch joins.** The batch and the stories it can reach are clustered
//! together, exactly as a one-shot run would cluster them (the same stages, the
//! merged statistics), and the new stories are then named: each earlier story goes
//! to the new story holding most of its documents; a new story that earlier
//! stories go to takes the id of the *oldest* (the one first written; then the one
//! with most documents in it; then the smallest id), and the others retire into it
//! (its record lists them under `merged`); a story none goes to is named like any
//! story (`s-` and its smallest id; with `~BATCH` after it if an earlier story had
//! that name). So a story keeps its id as it grows, and the partition is the one a
//! one-shot run would give the same documents, but for the stories the batch
//! cannot reach (they keep the weights they had) and page furniture that only the
//! later batches show (struck from their documents, not from the earlier ones).

use crate::config::EngineConfig;
use crate::document::{Day, FurnitureCounts, Reject};
use crate::engine::{AnalyzedDoc, Clustering, Corpus, DocMeta, Engine};
use crate::pivot::DocFeatures;
use crate::stage_file::{self, StageValue};
use crate::vectorize::CorpusStats;
use crate::{Error, Result};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;

/// A state's values are stage files (`stage_file.rs`): a header line naming the
/// tidings version, the type, the length and the xxh3 of the body, then postcard.
/// A file of another version or cut short is refused before decoding, a damaged
/// one before its value is used.
fn encode<T: Serialize>(type_name: &str, value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    stage_file::write_as(type_name, value, &mut out)
        .map_err(|e| Error::Model(format!("encoding a {type_name}: {e}")))?;
    Ok(out)
}

/// A value of [`encode`], checked.
fn decode<T: StageValue>(data: &[u8]) -> Result<T> {
    stage_file::from_bytes(data).map_err(|why| Error::Config(format!("the state file {why}")))
}

/// `config` as far as it decides a clustering: the batch size only bounds the
/// memory of reading, and is left out.
fn same_run(config: &EngineConfig) -> EngineConfig {
    let mut c = config.clone();
    c.analysis.batch_size = 0;
    c
}

impl StageValue for State {
    const TYPE: &'static str = "State";
}

impl StageValue for Block {
    const TYPE: &'static str = "StateBlock";
}

/// Which block a document is kept in: its day's run of `max_days` days, or the
/// undated block (every document's, when `max_days` is not set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BlockKey {
    Days(i32),
    Undated,
}

impl BlockKey {
    fn of(day: Option<Day>, max_days: Option<i32>) -> BlockKey {
        match (day, max_days) {
            (Some(d), Some(m)) => BlockKey::Days(d.0.div_euclid(m.max(1))),
            _ => BlockKey::Undated,
        }
    }

    /// The block's file name in a state folder.
    pub fn file_name(self) -> String {
        match self {
            BlockKey::Days(n) => format!("days-{n}.bin"),
            BlockKey::Undated => "undated.bin".into(),
        }
    }
}

/// The analyzed documents of one block, sorted by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub key: BlockKey,
    pub docs: Vec<(DocMeta, DocFeatures)>,
}

/// [`Block`] as written: the same bytes, from borrowed documents.
#[derive(Serialize)]
struct BlockRef<'a> {
    key: BlockKey,
    docs: Vec<(&'a DocMeta, &'a DocFeatures)>,
}

/// A block to write back, encoded ([`Block::from_bytes`] reads it).
pub struct BlockBytes {
    pub key: BlockKey,
    pub bytes: Vec<u8>,
}

impl Block {
    /// # Errors
    /// Encoding fails (it does not for these types; the error is passed on).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        encode(Block::TYPE, self)
    }

    /// # Errors
    /// Another format or version, or bytes that do not decode.
    pub fn from_bytes(data: &[u8]) -> Result<Block> {
        decode(data)
    }
}

/// A batch admitted to a state: its documents (ids no earlier batch had), sorted
/// by id, and its rejects.
pub struct Batch {
    docs: Vec<(DocMeta, DocFeatures)>,
    rejects: Vec<Reject>,
    /// Its days, sorted, each once.
    days: Vec<i32>,
    /// Whether it has an undated document (which can share a story with any).
    any_undated: bool,
}

impl Batch {
    /// Whether some day of `first..=last` is within `reach` days of one of the
    /// batch's documents (an undated document on either side always is; no
    /// `reach`, no dates: everything is).
    fn reaches(&self, span: Option<(i32, i32)>, reach: Option<i32>) -> bool {
        match (span, reach) {
            (Some((first, last)), Some(r)) if !self.any_undated => {
                let i = self.days.partition_point(|&x| x < first - r);
                self.days.get(i).is_some_and(|&x| x <= last + r)
            }
            _ => true,
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// What an incremental run keeps between batches (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The settings the state was made with ([`same_run`]): a batch with other
    /// settings would cluster differently from the batches before it, and is refused.
    settings: EngineConfig,
    /// Batches added so far.
    pub batches: u32,
    /// Documents added so far (their reading order continues from here).
    pub n_docs: u64,
    /// Of every document added.
    stats: CorpusStats,
    /// Of every document added.
    furniture: FurnitureCounts,
    /// The blocks that hold documents.
    blocks: std::collections::BTreeSet<BlockKey>,
    /// Every document's story id, sorted by document id.
    story_of: Vec<(String, String)>,
    /// Every story's batch (the first that wrote it), by story id.
    story_batch: BTreeMap<String, u32>,
}

/// What a batch did to the state, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Increment {
    /// Documents of the batch.
    pub added: usize,
    /// Documents of earlier batches clustered again with it.
    pub again: usize,
    /// Documents of earlier batches read (in the blocks it needed).
    pub loaded: usize,
    /// Blocks read.
    pub blocks: usize,
    /// Stories of earlier batches that documents of this one joined.
    pub joined: usize,
    /// Documents of this batch that joined a story of an earlier batch.
    pub joined_docs: usize,
    /// Stories this batch started.
    pub started: usize,
    /// Earlier stories that a document of this batch connected to an older one:
    /// their ids retire into the older one's.
    pub retired: usize,
}

impl State {
    /// An empty state for `config`.
    pub fn new(config: &EngineConfig) -> State {
        State {
            settings: same_run(config),
            ..State::default()
        }
    }

    /// The documents of all batches so far.
    pub fn len(&self) -> usize {
        self.story_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.story_of.is_empty()
    }

    /// The blocks that hold documents.
    pub fn n_blocks(&self) -> usize {
        self.blocks.len()
    }

    /// The page furniture of every batch so far, to which a new batch's counts are
    /// added before it is analyzed.
    pub fn furniture(&self) -> &FurnitureCounts {
        &self.furniture
    }

    /// The story id of a document of an earlier batch.
    pub fn story_of(&self, id: &str) -> Option<&str> {
        let i = self
            .story_of
            .binary_search_by(|(d, _)| d.as_str().cmp(id))
            .ok()?;
        Some(&self.story_of[i].1)
    }

    /// The state as bytes: a stage file ([`encode`]).
    ///
    /// # Errors
    /// Encoding fails (it does not for these types; the error is passed on).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        encode(State::TYPE, self)
    }

    /// A state from [`State::to_bytes`], checked against `config`: made by this
    /// version, with the same settings.
    ///
    /// # Errors
    /// Another format or version, bytes that do not decode, other settings.
    pub fn from_bytes(data: &[u8], config: &EngineConfig) -> Result<State> {
        let state: State = decode(data)?;
        let now = same_run(config);
        if state.settings != now {
            return Err(Error::Config(format!(
                "the state was made with other settings ({}); a batch clustered with other settings would not join its stories as a one-shot run would",
                state.settings.differences(&now).join(", ")
            )));
        }
        Ok(state)
    }

    /// A batch's analyzed documents, less those whose id an earlier batch had
    /// (rejects: a story is written for it), put in canonical order
    /// ([`Corpus::assemble`]), their reading order continuing the state's.
    pub fn admit(&self, analyzed: Vec<AnalyzedDoc>, mut rejects: Vec<Reject>) -> Batch {
        let mut fresh: Vec<AnalyzedDoc> = Vec::with_capacity(analyzed.len());
        for mut a in analyzed {
            match self.story_of(&a.meta.id) {
                Some(story) => rejects.push(Reject {
                    reason: format!(
                        "duplicate id: an earlier batch of the state had it (in story {story})"
                    ),
                    location: std::mem::take(&mut a.location),
                    id: Some(std::mem::take(&mut a.meta.id)),
                }),
                None => {
                    a.meta.seq += self.n_docs;
                    fresh.push(a);
                }
            }
        }
        let Corpus {
            docs,
            features,
            rejects,
        } = Corpus::assemble(fresh, rejects);
        let mut days: Vec<i32> = docs.iter().filter_map(|m| m.date).map(|d| d.0).collect();
        days.sort_unstable();
        days.dedup();
        Batch {
            any_undated: docs.iter().any(|m| m.date.is_none()),
            days,
            docs: docs.into_iter().zip(features).collect(),
            rejects,
        }
    }

    /// The blocks `batch` must be clustered with: those within `2·max_days` of one
    /// of its days, and the undated one; every block if it has an undated document.
    pub fn blocks_for(&self, batch: &Batch, config: &EngineConfig) -> Vec<BlockKey> {
        let Some(m) = config.candidates.max_days else {
            return self.blocks.iter().copied().collect();
        };
        let (width, reach) = (m.max(1), Some(2 * m.max(0)));
        self.blocks
            .iter()
            .copied()
            .filter(|&k| match k {
                BlockKey::Undated => true,
                BlockKey::Days(n) => batch.reaches(Some((n * width, n * width + width - 1)), reach),
            })
            .collect()
    }
}

impl Engine {
    /// Clusters an admitted batch ([`State::admit`]) with the stories of `loaded`
    /// (the blocks [`State::blocks_for`] named, read back) that it can reach, and
    /// updates the state (see the module docs). Returns the clustering of the batch
    /// and those stories, under stable story ids. The blocks to write back (each
    /// loaded one and each the batch adds to) go to `write_block` one by one as they
    /// are encoded, before the clustering: a block may hold documents the index does
    /// not know yet (they are left out until it does), and held to the end the
    /// blocks of a 1M-document state were 5.7 GB of its 14.7 GB peak.
    ///
    /// # Errors
    /// What `write_block` returns (the caller's error type, which takes the
    /// engine's); the engine's stages may fail in the future.
    pub fn cluster_increment<E: From<crate::Error>>(
        &self,
        state: &mut State,
        batch: Batch,
        loaded: Vec<Block>,
        batch_furniture: FurnitureCounts,
        mut write_block: impl FnMut(BlockBytes) -> std::result::Result<(), E>,
    ) -> std::result::Result<(Clustering, Increment), E> {
        let start = Instant::now();
        let max_days = self.config().candidates.max_days;
        let mut stats = CorpusStats::of_each(&batch.docs, |(_, f)| f);
        stats.merge(std::mem::take(&mut state.stats));
        // The earlier documents near the batch (within `max_days` of one of its
        // days, or undated on either side), then every document of their stories.
        // A block may hold a document the state does not know: a run that wrote
        // its blocks and failed before its index. It is left out.
        let n_blocks = loaded.len();
        let mut keys: std::collections::BTreeSet<BlockKey> = loaded.iter().map(|b| b.key).collect();
        let earlier: Vec<(&str, (DocMeta, DocFeatures))> = loaded
            .into_iter()
            .flat_map(|b| b.docs)
            .filter_map(|doc| Some((state.story_of(&doc.0.id)?, doc)))
            .collect();
        let n_loaded = earlier.len();
        let reached: rustc_hash::FxHashSet<&str> = earlier
            .iter()
            .filter(|(_, (m, _))| batch.reaches(m.date.map(|d| (d.0, d.0)), max_days))
            .map(|&(story, _)| story)
            .collect();
        let (again, kept): (Vec<_>, Vec<_>) = earlier
            .into_iter()
            .partition(|(story, _)| reached.contains(story));
        let (again, kept): (Vec<_>, Vec<_>) = (
            again.into_iter().map(|(_, doc)| doc).collect(),
            kept.into_iter().map(|(_, doc)| doc).collect(),
        );
        drop(reached);
        let Batch {
            docs: batch,
            rejects,
            ..
        } = batch;
        let n_batch = batch.len();
        let n_again = again.len();
        let mut all: Vec<(DocMeta, DocFeatures)> = again;
        all.extend(batch);
        all.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        // The blocks to write back, encoded and written now: they hold what was
        // read and analyzed, not the clustering, and the vectors take the features
        // over.
        {
            let mut by_key: BTreeMap<BlockKey, Vec<(&DocMeta, &DocFeatures)>> = BTreeMap::new();
            for (m, f) in kept.iter().chain(&all) {
                by_key
                    .entry(BlockKey::of(m.date, max_days))
                    .or_default()
                    .push((m, f));
            }
            keys.extend(by_key.keys().copied());
            for &key in &keys {
                let mut docs = by_key.remove(&key).unwrap_or_default();
                docs.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
                write_block(BlockBytes {
                    key,
                    bytes: encode(Block::TYPE, &BlockRef { key, docs })?,
                })?;
            }
        }
        drop(kept);
        let (docs, features): (Vec<DocMeta>, Vec<DocFeatures>) = all.into_iter().unzip();
        let corpus = Corpus {
            docs,
            features,
            rejects,
        };
        let t_index = Instant::now();
        let mut vectors = self.vectorize(corpus, &stats);
        let seconds_vectors = t_index.elapsed().as_secs_f64();
        let (graph, labels, [seconds_graph, seconds_stories]) =
            self.graph_and_stories(&mut vectors)?;
        let seconds_index = seconds_vectors + seconds_graph;
        let t_names = Instant::now();
        let batch_no = state.batches + 1;
        let earlier_of: Vec<Option<&str>> =
            vectors.docs.iter().map(|m| state.story_of(&m.id)).collect();
        let is_new: Vec<bool> = earlier_of.iter().map(Option::is_none).collect();
        let ids: Vec<&str> = vectors.docs.iter().map(|m| m.id.as_str()).collect();
        let (names, merged) = name_stories(
            &labels.story_of_doc,
            labels.n_stories,
            &earlier_of,
            &ids,
            &state.story_batch,
            batch_no,
        );
        drop((earlier_of, ids));
        let stable = labels;
        let seconds_cluster = seconds_stories + t_names.elapsed().as_secs_f64();
        let t_articles = Instant::now();
        let stories = self.articles(&vectors, &graph, &stable);
        let seconds_articles = t_articles.elapsed().as_secs_f64();
        // The state after the batch: every document clustered again under its story's name
        // (an earlier document's changes only when its story retired into an older
        // one or was split), every name ever given kept, so none is given twice.
        let mut joined = std::collections::BTreeSet::new();
        let (mut started, mut joined_docs) = (0, 0);
        let mut retired = 0;
        let mut rows: FxHashMap<&str, &str> = FxHashMap::default();
        for (i, m) in vectors.docs.iter().enumerate() {
            let s = stable.story_of_doc[i] as usize;
            let name = names[s].as_str();
            if is_new[i] && state.story_batch.contains_key(name) {
                joined.insert(name);
                joined_docs += 1;
            }
            rows.insert(m.id.as_str(), name);
        }
        for (s, name) in names.iter().enumerate() {
            retired += merged[s].len();
            if !state.story_batch.contains_key(name) {
                state.story_batch.insert(name.clone(), batch_no);
                started += 1;
            }
        }
        for (id, story) in &mut state.story_of {
            if let Some(name) = rows.remove(id.as_str()) {
                if story != name {
                    *story = name.to_string();
                }
            }
        }
        let mut new_rows: Vec<(String, String)> = rows
            .into_iter()
            .map(|(id, name)| (id.to_string(), name.to_string()))
            .collect();
        new_rows.sort_unstable();
        let joined = joined.len();
        // Two sorted runs: the stable sort merges them in one pass.
        state.story_of.extend(new_rows);
        state.story_of.sort_by(|a, b| a.0.cmp(&b.0));
        state.blocks.extend(keys);
        state.stats = stats;
        state.furniture.merge(batch_furniture);
        state.batches = batch_no;
        state.n_docs += n_batch as u64;
        let mut c = Clustering::new(vectors, graph, stable, stories);
        c.story_names = names;
        c.story_merged = merged;
        c.stats.seconds_index = seconds_index;
        c.stats.seconds_cluster = seconds_cluster;
        c.stats.seconds_articles = seconds_articles;
        c.stats.seconds_total = start.elapsed().as_secs_f64();
        let inc = Increment {
            added: n_batch,
            again: n_again,
            loaded: n_loaded,
            blocks: n_blocks,
            joined,
            joined_docs,
            retired,
            started,
        };
        Ok((c, inc))
    }
}

/// The first (smallest) document of each story.
fn first_docs(story_of_doc: &[u32], n_stories: usize) -> Vec<u32> {
    let mut first = vec![u32::MAX; n_stories];
    for (i, &s) in story_of_doc.iter().enumerate() {
        first[s as usize] = first[s as usize].min(i as u32);
    }
    first
}

/// The names of the stories of a batch run (`story_of_doc`, numbered by smallest
/// document) given each document's earlier story id (`None`: new in this batch),
/// with the ids that retire into each: see the module docs. `ids` are the
/// documents' ids, `story_batch` the batch of every story ever named.
fn name_stories(
    story_of_doc: &[u32],
    n_stories: usize,
    earlier_of: &[Option<&str>],
    ids: &[&str],
    story_batch: &BTreeMap<String, u32>,
    batch_no: u32,
) -> (Vec<String>, Vec<Vec<String>>) {
    // Each earlier story goes to the story now holding most of its documents
    // (ties: the first).
    let mut held: BTreeMap<&str, BTreeMap<u32, usize>> = BTreeMap::new();
    for (&s, old) in story_of_doc.iter().zip(earlier_of) {
        if let Some(old) = old {
            *held.entry(old).or_default().entry(s).or_default() += 1;
        }
    }
    let mut claims: Vec<Vec<(&str, usize)>> = vec![Vec::new(); n_stories];
    for (old, per_story) in &held {
        let (&s, &n) = per_story
            .iter()
            .max_by_key(|&(&s, &n)| (n, std::cmp::Reverse(s)))
            .expect("counted");
        claims[s as usize].push((old, n));
    }
    let first = first_docs(story_of_doc, n_stories);
    let mut names: Vec<String> = Vec::with_capacity(n_stories);
    let mut merged: Vec<Vec<String>> = vec![Vec::new(); n_stories];
    let mut taken: rustc_hash::FxHashSet<String> = Default::default();
    for (s, claim) in claims.iter().enumerate() {
        // The oldest: first written, then most documents here, then smallest id.
        let survivor = claim.iter().min_by_key(|&&(id, n)| {
            let batch = story_batch.get(id).copied().unwrap_or(0);
            (batch, std::cmp::Reverse(n), id)
        });
        let name = match survivor {
            Some(&(id, _)) => {
                merged[s] = claim
                    .iter()
                    .filter(|&&(o, _)| o != id)
                    .map(|&(o, _)| o.to_string())
                    .collect();
                merged[s].sort();
                id.to_string()
            }
            None => {
                // `s-` and the smallest id, as in a one-shot run, unless a story
                // ever had that name (its namesake document moved on).
                let plain = format!("s-{}", ids[first[s] as usize]);
                let mut name = plain.clone();
                let mut k = batch_no;
                while story_batch.contains_key(&name) || taken.contains(&name) {
                    name = format!("{plain}~{k}");
                    k += 1;
                }
                name
            }
        };
        taken.insert(name.clone());
        names.push(name);
    }
    (names, merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
        list.iter().map(|&(s, b)| (s.to_string(), b)).collect()
    }

    #[test]
    fn stories_keep_their_ids_and_the_older_survives_a_merge() {
        // Documents a..f; earlier stories s-a (batch 1: a, b) and s-c (batch 2: c);
        // d, e, f are new. The run puts a, b, c, d in one story, e alone, f alone.
        let ids = ["a", "b", "c", "d", "e", "f"];
        let earlier = [Some("s-a"), Some("s-a"), Some("s-c"), None, None, None];
        let story_of_doc = [0, 0, 0, 0, 1, 2];
        let (names, merged) = name_stories(
            &story_of_doc,
            3,
            &earlier,
            &ids,
            &batches(&[("s-a", 1), ("s-c", 2)]),
            3,
        );
        assert_eq!(names, ["s-a", "s-e", "s-f"]);
        assert_eq!(merged[0], ["s-c"]);
        assert!(merged[1].is_empty() && merged[2].is_empty());
    }

    #[test]
    fn a_split_story_stays_with_most_of_its_documents_and_no_name_is_reused() {
        // s-a held a, b, c; the run splits off a (with new d). b, c keep s-a; the
        // part holding a would be "s-a" by the usual rule, which is taken.
        let ids = ["a", "b", "c", "d"];
        let earlier = [Some("s-a"), Some("s-a"), Some("s-a"), None];
        let story_of_doc = [0, 1, 1, 0];
        let (names, merged) =
            name_stories(&story_of_doc, 2, &earlier, &ids, &batches(&[("s-a", 1)]), 2);
        assert_eq!(names, ["s-a~2", "s-a"]);
        assert!(merged.iter().all(Vec::is_empty));
    }

    #[test]
    fn the_older_story_wins_over_the_bigger_one() {
        let ids = ["a", "b", "c", "d"];
        let earlier = [Some("s-a"), Some("s-b"), Some("s-b"), Some("s-b")];
        let (names, merged) = name_stories(
            &[0, 0, 0, 0],
            1,
            &earlier,
            &ids,
            &batches(&[("s-a", 2), ("s-b", 1)]),
            3,
        );
        assert_eq!(names, ["s-b"]);
        assert_eq!(merged[0], ["s-a"]);
    }

    #[test]
    fn a_block_written_from_borrowed_documents_reads_back_as_a_block() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let docs = vec![crate::document::Document {
            id: "x".into(),
            text: "The central bank raised its key rate by a quarter point on Wednesday.".into(),
            ..Default::default()
        }];
        let a = engine.analyze(docs).unwrap().remove(0);
        let owned = Block {
            key: BlockKey::Days(3),
            docs: vec![(a.meta.clone(), a.features.clone())],
        };
        let borrowed = encode(
            Block::TYPE,
            &BlockRef {
                key: BlockKey::Days(3),
                docs: vec![(&a.meta, &a.features)],
            },
        )
        .unwrap();
        assert!(borrowed == owned.to_bytes().unwrap());
        assert_eq!(Block::from_bytes(&borrowed).unwrap(), owned);
        assert!(Block::from_bytes(b"tidings-stage 0.0.0 StateBlock 0 0\n").is_err());
        assert!(State::from_bytes(&borrowed, &EngineConfig::default()).is_err());
        assert!(Block::from_bytes(&borrowed[..borrowed.len() - 3]).is_err());
    }

    #[test]
    fn blocks_cover_the_days_a_batch_can_reach() {
        let m = Some(7);
        assert_eq!(BlockKey::of(Some(Day(0)), m), BlockKey::Days(0));
        assert_eq!(BlockKey::of(Some(Day(6)), m), BlockKey::Days(0));
        assert_eq!(BlockKey::of(Some(Day(7)), m), BlockKey::Days(1));
        assert_eq!(BlockKey::of(Some(Day(-1)), m), BlockKey::Days(-1));
        assert_eq!(BlockKey::of(None, m), BlockKey::Undated);
        assert_eq!(BlockKey::of(Some(Day(3)), None), BlockKey::Undated);
    }
}
