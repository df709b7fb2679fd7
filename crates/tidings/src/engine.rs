//! The engine and its stages: documents in, stories out, one named step at a time.
//!
//! ```text
//! Vec<Document> ──analyze──► Vec<AnalyzedDoc> ──Corpus::assemble──► Corpus
//!   ──corpus_stats──► CorpusStats (per shard, merged) ──vectorize──► Vectors
//!   ──graph──► KnnGraph ──stories──► StoryLabels ──articles──► Vec<Story>
//! ```
//!
//! Every stage takes what the previous one produced and returns an owned value
//! that derives serde's `Serialize`/`Deserialize`, so a stage can run in another
//! process or on another machine (a Python binding, a Ray or Spark job, an
//! incremental service) and ship its result on. [`Engine::cluster`] is the plain
//! composition of the stages; nothing else glues them together.
//!
//! Input order and thread count do not change the result: [`Corpus::assemble`]
//! sorts documents by id before anything order-dependent happens, and every later
//! stage is either per document or tie-broken by index.

use crate::config::EngineConfig;
use crate::document::{
    site_of, Day, DocReader, Document, Furniture, FurnitureCounts, Input, Reject,
};
use crate::graph::{build_knn_graph, Copies, CopyInput, KnnGraph};
use crate::lang::{detect_lang, prefix, Lang};
use crate::lexicon::Models;
use crate::pivot::{
    doc_features, feature_ids, sentences, sentences_adding, DocFeatures, FeatureId, FeatureWeights,
    Mentions,
};
use crate::story::{build_stories, Story};
use crate::vectorize::{sparse_vectors, sparse_vectors_counted, CorpusStats, SparseVec};
use crate::{cluster, Error, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use twox_hash::XxHash3_128;

/// Story thresholds of a sweep unless told otherwise, around the default 0.05: from
/// where distinct stories start to merge to where translations fall apart (ntrex-dev).
pub const SWEEP_THRESHOLDS: [f32; 10] = [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2];

/// Why a document is alone in its story without having been compared.
///
/// A document whose language could not be determined (a sentence or two, a
/// headline, a mix of scripts) is compared like any other, analyzed as `und`: by
/// what needs no language (names, numbers, transliterated guesses at full weight,
/// Han and Kana words), and its exact copies and near-duplicates are found. It was
/// once left alone unanalyzed, so three copies of a 90-character English sentence
/// came out as three stories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    Ok,
    /// No text (or only furniture).
    Empty,
}

impl DocStatus {
    pub fn note(self) -> Option<&'static str> {
        match self {
            DocStatus::Ok => None,
            DocStatus::Empty => Some("empty"),
        }
    }
}

/// What the output keeps of a document after its text is gone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    pub id: String,
    pub lang: Lang,
    pub date: Option<Day>,
    pub headline: String,
    pub status: DocStatus,
    // No `skip_serializing_if` on a stage type: binary formats (postcard, bincode)
    // read fields by position, and a skipped one shifts the rest.
    /// Its names and numbers, for what it adds to its story (`output.rs`).
    #[serde(default)]
    pub names: Mentions,
    #[serde(default)]
    pub numbers: Mentions,
    /// Who published it: the record's `source`, else its URL's host without `www.`.
    #[serde(default)]
    pub source: Option<String>,
    /// Its text's length in characters (title included, page furniture struck).
    #[serde(default)]
    pub chars: u32,
    /// Its place in the reading order (within its batch when analyzed alone).
    #[serde(default)]
    pub seq: u64,
}

/// Stage 1's result for one document: what the output keeps of it, its features,
/// and where it was read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedDoc {
    /// `file:line` (or the file), for messages.
    pub location: String,
    pub meta: DocMeta,
    pub features: DocFeatures,
}

/// The analyzed documents of a run in canonical order (by id), with the records
/// that could not become documents. Duplicate ids are rejected here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Corpus {
    pub docs: Vec<DocMeta>,
    /// Features of each document, in the order of `docs`.
    pub features: Vec<DocFeatures>,
    pub rejects: Vec<Reject>,
}

/// The weighted vectors of a corpus and what the article stage needs besides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vectors {
    pub docs: Vec<DocMeta>,
    pub vecs: Vec<SparseVec>,
    /// Hash of each document's normalized token stream: equal for exact copies.
    pub exact: Vec<u64>,
    /// Bottom-k shingle sketch of each document, for near-duplicate Jaccard.
    pub sketches: Vec<Vec<u32>>,
    /// The share of each document's content words that reached a concept through
    /// the lexicons: how much of a translation's similarity its vector can show.
    pub coverage: Vec<f32>,
    pub rejects: Vec<Reject>,
}

impl Vectors {
    /// The date of each document.
    pub fn days(&self) -> Vec<Option<Day>> {
        self.docs.iter().map(|d| d.date).collect()
    }

    /// The language of each document.
    pub fn langs(&self) -> Vec<Lang> {
        self.docs.iter().map(|d| d.lang).collect()
    }

    /// What copy detection and the article stage read, with `langs` and `days`
    /// from [`Vectors::langs`] and [`Vectors::days`].
    /// Each document's length in characters and place in the reading order.
    pub fn lengths_and_order(&self) -> (Vec<u32>, Vec<u64>) {
        self.docs.iter().map(|d| (d.chars, d.seq)).unzip()
    }

    pub fn copy_input<'a>(&'a self, langs: &'a [Lang], days: &'a [Option<Day>]) -> CopyInput<'a> {
        CopyInput {
            coverage: &self.coverage,
            ..CopyInput::new(&self.vecs, langs, days, &self.exact, &self.sketches)
        }
    }
}

/// The story of each document, numbered from 0 in the order of each story's
/// smallest document index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryLabels {
    pub story_of_doc: Vec<u32>,
    pub n_stories: usize,
}

impl StoryLabels {
    fn new(story_of_doc: Vec<u32>) -> StoryLabels {
        let n_stories = story_of_doc.iter().max().map_or(0, |&m| m as usize + 1);
        StoryLabels {
            story_of_doc,
            n_stories,
        }
    }
}

/// Counts and timings of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub n_read: usize,
    pub n_rejected: usize,
    pub n_stories: usize,
    pub n_multi: usize,
    /// Documents collapsed into another as its exact copy or near-duplicate before
    /// the graph.
    pub n_copies: usize,
    /// Documents per language, by language.
    pub languages: Vec<(Lang, usize)>,
    /// The page-furniture pass: the inputs read once before the analysis, to count
    /// the lines that repeat across pages: 5.4 s of a run over the 1M synthetic
    /// corpus (2.2 GB of JSON lines), which the total once left out.
    #[serde(default)]
    pub seconds_furniture: f64,
    pub seconds_read_analyze: f64,
    pub seconds_index: f64,
    /// Stories (average link over the graph).
    pub seconds_cluster: f64,
    /// Articles and variants inside the stories.
    pub seconds_articles: f64,
    /// The sentences each member adds: the inputs read again
    /// ([`Engine::add_sentences`]). At 100k synthetic documents 2.4 s of 20.
    pub seconds_sentences: f64,
    pub seconds_total: f64,
}

/// The stories of a threshold sweep at one threshold: labels only, no articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub threshold: f32,
    /// Story label of each document (numbered like [`Clustering::story_of_doc`]).
    pub story_of_doc: Vec<u32>,
    pub n_stories: usize,
}

/// The result of a run: documents sorted by id, their stories, and the rejects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub docs: Vec<DocMeta>,
    pub stories: Vec<Story>,
    /// Story index of each document.
    pub story_of_doc: Vec<u32>,
    /// Article id (the index of the article's first document) of each document.
    pub article_of_doc: Vec<u32>,
    pub rejects: Vec<Reject>,
    pub stats: Stats,
    pub vecs: Vec<SparseVec>,
    pub graph: KnnGraph,
    /// The page furniture struck from the texts before analysis.
    #[serde(default)]
    pub furniture: Furniture,
    /// The sentences each member says that the document it is compared with does
    /// not (see `output.rs`), by document index, sorted; filled by
    /// [`Engine::add_sentences`] from another read of the inputs, else empty.
    #[serde(default)]
    pub sentences: Vec<(u32, Vec<String>)>,
    /// Each story's id, where the run gives stories ids of their own (an
    /// incremental run: `state.rs`); empty: `s-` and the story's smallest document id.
    #[serde(default)]
    pub story_names: Vec<String>,
    /// Each story's earlier ids that retired into it in this run (an incremental
    /// run that connected stories of earlier batches); empty otherwise.
    #[serde(default)]
    pub story_merged: Vec<Vec<String>>,
}

impl Clustering {
    /// Drops the vectors and the kNN graph, which only the edges and the pair audit
    /// read ([`crate::output::write_edges`], [`crate::output::pair_records`]):
    /// the stories, assignments and rejects need neither, nor does
    /// [`Engine::add_sentences`]. Dropped before the sentences pass, their pages
    /// take its texts and word caches, which otherwise came on top of them.
    pub fn drop_vectors(&mut self) {
        self.vecs = Vec::new();
        self.graph = KnnGraph::default();
    }

    /// The sentences a document adds, if any were found.
    pub fn sentences_of(&self, doc: u32) -> &[String] {
        self.sentences
            .binary_search_by_key(&doc, |(d, _)| *d)
            .map_or(&[], |i| &self.sentences[i].1)
    }

    /// The story index of a document id, if the id was read.
    pub fn story_of(&self, id: &str) -> Option<u32> {
        let i = self.docs.binary_search_by(|d| d.id.as_str().cmp(id)).ok()?;
        Some(self.story_of_doc[i])
    }
}

/// Sentences listed as what one member adds, at most.
pub const MAX_ADDED_SENTENCES: usize = 3;

/// What the stories read of the documents beside their vectors (their days and
/// languages), taken before the rest is set aside ([`crate::spill::Aside`]) while
/// they are cut.
struct Spilled {
    days: Vec<Option<Day>>,
    langs: Vec<Lang>,
    aside: Option<crate::spill::Aside>,
}

impl Spilled {
    /// Takes the days and languages of `vectors`, then sets the rest aside.
    fn put(vectors: &mut Vectors) -> Spilled {
        // Fields are evaluated in the order written: the days and languages are
        // read before `Aside::put` takes the documents.
        Spilled {
            days: vectors.days(),
            langs: vectors.langs(),
            aside: crate::spill::Aside::put(vectors),
        }
    }
}

/// Lexicons and a validated configuration: everything the stages need.
pub struct Engine {
    config: EngineConfig,
    models: Models,
}

impl Engine {
    /// Checks the configuration and opens the lexicons (loaded lazily, per language).
    ///
    /// # Errors
    /// [`Error::Config`] naming the first setting out of range; [`Error::Io`] for a
    /// models folder that is not there.
    pub fn new(config: EngineConfig) -> Result<Engine> {
        config.validate()?;
        let models = Models::new(config.models.clone())?;
        Ok(Engine { config, models })
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn models(&self) -> &Models {
        &self.models
    }

    /// Stage 1: analyzes documents in parallel, each on its own (any batch, any shard).
    ///
    /// Languages are decided first, then the lexicons those languages need are loaded,
    /// each on its own thread (loading inside the analysis would make every thread
    /// wait for the one that loads), then the documents are analyzed.
    ///
    /// # Errors
    /// A lexicon that fails to load ([`Error::Model`]).
    pub fn analyze(&self, docs: Vec<Document>) -> Result<Vec<AnalyzedDoc>> {
        self.analyze_with(docs, &Furniture::default())
    }

    /// After clustering: the sentences each member adds (see
    /// [`Clustering::adds_pairs`]), from the texts read again (`items`: the same
    /// inputs), with the run's furniture struck. A sentence adds when at least
    /// two thirds of its features (concepts, name keys, numbers, in any language)
    /// are absent from the other document; at most [`MAX_ADDED_SENTENCES`] each.
    ///
    /// Its time is the run's `seconds_sentences`, and counts in `seconds_total`:
    /// the inputs are read again, which is part of what a user waits for.
    ///
    /// # Errors
    /// IO errors on an input.
    pub fn add_sentences(
        &self,
        c: &mut Clustering,
        items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
    ) -> Result<()> {
        let start = Instant::now();
        let done = self.add_sentences_timed(c, items);
        let seconds = start.elapsed().as_secs_f64();
        c.stats.seconds_sentences = seconds;
        c.stats.seconds_total += seconds;
        done
    }

    fn add_sentences_timed<I: Iterator<Item = Result<Result<Document, Reject>>> + Send>(
        &self,
        c: &mut Clustering,
        mut items: I,
    ) -> Result<()> {
        let mut pairs = c.adds_pairs();
        if pairs.is_empty() {
            return Ok(());
        }
        // The documents wanted, by id: the inputs are read on one thread, and a
        // binary search of every id read among all the documents' was a quarter of
        // the pass on the 100k synthetic corpus.
        let wanted: FxHashMap<&str, u32> = pairs
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .map(|d| (c.docs[d as usize].id.as_str(), d))
            .collect();
        let weights = &self.config.analysis.weights;
        let models = &self.models;
        let docs = &c.docs;
        let furniture = &c.furniture;
        let lang_of = |d: u32| docs[d as usize].lang;
        let is_base: FxHashSet<u32> = pairs.iter().map(|&(_, b)| b).collect();
        // The next documents wanted, the first record of each id (the text with
        // its title, furniture struck), up to a batch of them.
        let size = self.config.analysis.batch_size;
        let mut seen: FxHashSet<u32> = FxHashSet::default();
        let mut read = |items: &mut I| -> Result<Vec<(u32, String)>> {
            let mut batch = Vec::new();
            for item in items.by_ref() {
                let Ok(mut doc) = item? else { continue };
                let Some(&i) = wanted.get(doc.id.as_str()) else {
                    continue;
                };
                if seen.insert(i) {
                    furniture.strip(&mut doc);
                    batch.push((i, doc.into_analyzed_text()));
                    if batch.len() >= size {
                        break;
                    }
                }
            }
            Ok(batch)
        };
        // The inputs are read on one thread: the bases of a batch get their
        // features on the other while the next batch is read. Read first, the
        // reading was 0.19 s of the pass's 0.86 s on the 50k yardstick, with the
        // other core idle. Bases are analyzed grouped by language, as in analysis
        // (each thread's word cache then mostly sees languages the other's does not).
        let mut texts: FxHashMap<u32, String> = FxHashMap::default();
        let mut base_ids: Vec<(u32, FxHashSet<u64>)> = Vec::new();
        let mut batch = read(&mut items)?;
        while !batch.is_empty() {
            let (done, next) = rayon::join(
                || {
                    let mut bases: Vec<&(u32, String)> =
                        batch.iter().filter(|(d, _)| is_base.contains(d)).collect();
                    bases.sort_unstable_by_key(|&&(d, _)| (lang_of(d), d));
                    bases
                        .par_iter()
                        .map(|&&(b, ref text)| {
                            let ids = feature_ids(text, lang_of(b), models, weights);
                            (b, ids.into_iter().collect::<FxHashSet<u64>>())
                        })
                        .collect::<Vec<_>>()
                },
                || read(&mut items),
            );
            base_ids.extend(done);
            texts.extend(batch);
            batch = next?;
        }
        pairs.sort_by_key(|&(m, _)| lang_of(m));
        // Each base's features, and its sentences: a member in the base's language
        // need not walk the sentences it shares with it (`sentences_adding`).
        let base_features: FxHashMap<u32, (FxHashSet<u64>, FxHashSet<&str>)> = base_ids
            .into_par_iter()
            .map(|(b, ids)| (b, (ids, sentences(&texts[&b]))))
            .collect();
        let no_sentences = FxHashSet::default();
        let mut sentences: Vec<(u32, Vec<String>)> = pairs
            .par_iter()
            .filter_map(|&(m, b)| {
                let (text, (base, base_sentences)) = (texts.get(&m)?, base_features.get(&b)?);
                let lang = docs[m as usize].lang;
                let shared = if lang == docs[b as usize].lang {
                    base_sentences
                } else {
                    &no_sentences
                };
                let adds = |f: &[FeatureId]| {
                    let absent = f.iter().filter(|id| !base.contains(id)).count();
                    f.len() >= 3 && 3 * absent >= 2 * f.len()
                };
                let added = sentences_adding(
                    text,
                    lang,
                    models,
                    weights,
                    shared,
                    MAX_ADDED_SENTENCES,
                    adds,
                );
                (!added.is_empty()).then_some((m, added))
            })
            .collect();
        sentences.sort_unstable_by_key(|(d, _)| *d);
        c.sentences = sentences;
        Ok(())
    }

    /// Stage 0: the page furniture of a corpus (see `document::boilerplate`): every
    /// document read once, its lines counted, in parallel per batch. Rejects are
    /// left to the reading for analysis, which meets them again.
    ///
    /// # Errors
    /// IO errors on an input.
    pub fn furniture(
        &self,
        mut items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
    ) -> Result<FurnitureCounts> {
        let size = self.config.analysis.batch_size;
        let mut ignored = Vec::new();
        let mut counts = FurnitureCounts::default();
        let mut last = FurnitureCounts::default();
        let mut batch = next_batch(&mut items, size, &mut ignored)?;
        while !batch.is_empty() {
            ignored.clear();
            // The last batch's counts go into the total while this one is counted
            // and the next read: merged between batches, on one thread with the
            // other idle, they were an eighth of the pass on the 1M synthetic
            // corpus (every page has lines to count). A union: the order of the
            // merges does not show.
            let ((done, ()), next) = rayon::join(
                || rayon::join(|| FurnitureCounts::of(&batch), || counts.merge(last)),
                || next_batch(&mut items, size, &mut ignored),
            );
            last = done;
            batch = next?;
        }
        counts.merge(last);
        Ok(counts)
    }

    /// [`Engine::analyze`], with the furniture lines struck from each text first.
    ///
    /// # Errors
    /// As [`Engine::analyze`].
    pub fn analyze_with(
        &self,
        docs: Vec<Document>,
        furniture: &Furniture,
    ) -> Result<Vec<AnalyzedDoc>> {
        self.analyze_repeats(docs, furniture, &[], &mut FxHashMap::default())
    }

    /// [`Engine::analyze_with`] of a batch that follows `earlier` in reading order:
    /// a document whose text repeats one read before, in `earlier` or in the batch,
    /// takes that one's analysis rather than being analyzed again. `first` maps the
    /// [`text_key`] of each text analyzed so far to its place in reading order.
    ///
    /// A crawl holds many exact copies of a page (syndication, the same page
    /// crawled twice): 7.8% of the 1M synthetic corpus's documents repeat the text
    /// of another. The analysis (language identification included) is a function
    /// of the text, its title and the declared language alone, so a copy's is the
    /// other's to the bit; what belongs to the record itself (its id, date, place
    /// and source) is its own.
    fn analyze_repeats(
        &self,
        mut docs: Vec<Document>,
        furniture: &Furniture,
        earlier: &[AnalyzedDoc],
        first: &mut FxHashMap<u128, u32>,
    ) -> Result<Vec<AnalyzedDoc>> {
        if !furniture.is_empty() {
            docs.par_iter_mut().for_each(|d| {
                furniture.strip(d);
            });
        }
        let keys: Vec<u128> = docs.par_iter().map(text_key).collect();
        let offset = earlier.len();
        // Where each document's analysis is made: its own place, or an earlier one.
        let made_at: Vec<usize> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| *first.entry(k).or_insert((offset + i) as u32) as usize)
            .collect();
        let (fresh, repeats): (Vec<Placed>, Vec<Placed>) = docs
            .into_iter()
            .enumerate()
            .partition(|&(i, _)| made_at[i] == offset + i);
        let langs: Vec<(Lang, DocStatus)> =
            fresh.par_iter().map(|(_, d)| lang_and_status(d)).collect();
        let mut needed: Vec<Lang> = langs.iter().map(|&(l, _)| l).collect();
        needed.sort_unstable();
        needed.dedup();
        needed.par_iter().for_each(|&l| {
            self.models.get(l);
        });
        if let Some(e) = self.models.load_errors().into_iter().next() {
            return Err(Error::Model(e));
        }
        let weights = &self.config.analysis.weights;
        // Analyzed grouped by language (a stable sort), then put back in order: the
        // pool cuts the batch into contiguous runs, so each thread's word cache
        // (one per thread) mostly sees languages the other's does not, where in
        // reading order both analyzed most words of every language once each.
        let mut items: Vec<(usize, Document, (Lang, DocStatus))> = fresh
            .into_iter()
            .zip(langs)
            .map(|((i, d), l)| (i, d, l))
            .collect();
        items.sort_by_key(|&(_, _, (lang, _))| lang);
        let mut analyzed: Vec<Option<AnalyzedDoc>> = (0..made_at.len()).map(|_| None).collect();
        let done: Vec<(usize, AnalyzedDoc)> = items
            .into_par_iter()
            .map(|(i, d, (lang, status))| (i, analyze_doc(d, lang, status, &self.models, weights)))
            .collect();
        for (i, a) in done {
            analyzed[i] = Some(a);
        }
        // A repeat's first analysis is earlier in reading order: in `earlier`, or
        // at a smaller place of this batch, which is analyzed fresh.
        for (i, d) in repeats {
            let at = made_at[i];
            let made = match at.checked_sub(offset) {
                Some(j) => analyzed[j].as_ref(),
                None => earlier.get(at),
            };
            let made = made.expect("a repeat's analysis is made before it");
            analyzed[i] = Some(repeat_of(made, d));
        }
        Ok(analyzed
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let mut a = a.expect("every document is analyzed or repeats one");
                a.meta.seq = i as u64;
                a
            })
            .collect())
    }

    /// Stage 2: the statistics of a corpus (or of a shard: merge them with
    /// [`CorpusStats::merge`]).
    pub fn corpus_stats(&self, corpus: &Corpus) -> CorpusStats {
        CorpusStats::of(&corpus.features)
    }

    /// Stage 3: tf-idf vectors, weighted by `stats` (those of the whole corpus the
    /// vectors will be compared in).
    pub fn vectorize(&self, corpus: Corpus, stats: &CorpusStats) -> Vectors {
        self.vectorize_with(corpus, |features| sparse_vectors(features, stats))
    }

    /// [`Engine::vectorize`] with the corpus's own statistics, counted here (a
    /// one-process run, where no other shard's documents share them): no feature
    /// can be missing from them (see [`sparse_vectors_counted`]).
    pub fn vectorize_counted(&self, corpus: Corpus) -> Vectors {
        let stats = self.corpus_stats(&corpus);
        self.vectorize_with(corpus, |features| sparse_vectors_counted(features, &stats))
    }

    /// The corpus's [`Vectors`], the vectors made by `weigh` from (and taking)
    /// the documents' features.
    fn vectorize_with(
        &self,
        corpus: Corpus,
        weigh: impl FnOnce(&mut [DocFeatures]) -> Vec<SparseVec>,
    ) -> Vectors {
        let Corpus {
            docs,
            mut features,
            rejects,
        } = corpus;
        let vecs = weigh(&mut features);
        let exact = features.iter().map(|f| f.exact_hash).collect();
        let coverage = features
            .iter()
            .map(|f| f.n_pivoted as f32 / f.n_content.max(1) as f32)
            .collect();
        let sketches = features
            .into_iter()
            .map(|f| f.sketch)
            .collect::<Vec<Vec<u32>>>();
        // The features were freed as the vectors were made (4.3 KB a document at
        // 100k synthetic documents, the vectors 2.1 KB): their pages handed back
        // now, the index's lists take fresh ones rather than climbing on top of the
        // analysis's. `tidings eval` of 100k synthetic documents: peak RSS 838 →
        // 783 MB (with 8-byte vector entries it gained nothing: 946 against 950).
        crate::memory::release_freed();
        Vectors {
            docs,
            vecs,
            exact,
            sketches,
            coverage,
            rejects,
        }
    }

    /// Stage 4: candidate generation and the exactly re-scored kNN graph, with the
    /// edges stories at the configured threshold need.
    pub fn graph(&self, vectors: &Vectors) -> KnnGraph {
        self.graph_at_floor(
            vectors,
            self.config.edge_floor(self.config.stories.threshold),
        )
    }

    /// [`Engine::graph`] keeping every edge at or above `floor`: a sweep builds the
    /// graph once at the lowest floor its thresholds need (see [`Engine::sweep`]).
    pub fn graph_at_floor(&self, vectors: &Vectors, floor: f32) -> KnnGraph {
        let (days, langs) = (vectors.days(), vectors.langs());
        let copies = self.copies_of(vectors, &days, &langs);
        self.knn_graph(&vectors.vecs, &days, copies, floor)
    }

    /// [`Engine::graph_at_floor`] once the copies are found: it reads the
    /// documents' vectors and days alone.
    fn knn_graph(
        &self,
        vecs: &[SparseVec],
        days: &[Option<Day>],
        copies: Copies,
        floor: f32,
    ) -> KnnGraph {
        let graph = build_knn_graph(vecs, days, copies, &self.config.candidates, floor);
        // The features (freed as the vectors were made) and the index's working
        // lists are gone by now, but their pages stay resident unless handed back
        // (see `memory`): before this, the run's peak came in the stories and
        // article stages, on top of them.
        crate::memory::release_freed();
        graph
    }

    /// Stage 5: stories, by average link over the graph's connected components.
    pub fn stories(&self, vectors: &Vectors, graph: &KnnGraph) -> StoryLabels {
        self.stories_at(vectors, graph, self.config.stories.threshold)
    }

    /// [`Engine::stories`], with what only the articles and the output read of
    /// `vectors` (each document's [`DocMeta`] and sketch) waiting on disk meanwhile
    /// on a large run (`spill.rs`): the same labels, `vectors` as it was, and a lower
    /// peak where the agglomeration's group sums set it.
    ///
    /// # Errors
    /// What was set aside could not be read back.
    pub fn stories_spilling(&self, vectors: &mut Vectors, graph: &KnnGraph) -> Result<StoryLabels> {
        let spilled = Spilled::put(vectors);
        self.stories_restoring(vectors, graph, spilled)
    }

    /// [`Engine::graph`] then [`Engine::stories_spilling`], with the values the
    /// stories do not read set aside from once the copies are found, not once the
    /// graph is built: the kNN graph reads only the vectors and days either, and on
    /// 1M synthetic documents its neighbour lists and postings had set the run's
    /// peak on top of those values. Returns the graph, the labels and the seconds
    /// each stage took (the restoring counted in the stories').
    ///
    /// # Errors
    /// What was set aside could not be read back.
    pub fn graph_and_stories(
        &self,
        vectors: &mut Vectors,
    ) -> Result<(KnnGraph, StoryLabels, [f64; 2])> {
        let t_graph = Instant::now();
        let (days, langs) = (vectors.days(), vectors.langs());
        let copies = self.copies_of(vectors, &days, &langs);
        let spilled = Spilled {
            aside: crate::spill::Aside::put(vectors),
            days,
            langs,
        };
        let floor = self.config.edge_floor(self.config.stories.threshold);
        let graph = self.knn_graph(&vectors.vecs, &spilled.days, copies, floor);
        let seconds_graph = t_graph.elapsed().as_secs_f64();
        let t_stories = Instant::now();
        let labels = self.stories_restoring(vectors, &graph, spilled)?;
        Ok((
            graph,
            labels,
            [seconds_graph, t_stories.elapsed().as_secs_f64()],
        ))
    }

    /// The stories of `vectors`, what [`Spilled::put`] took from them put back
    /// once they are cut.
    fn stories_restoring(
        &self,
        vectors: &mut Vectors,
        graph: &KnnGraph,
        spilled: Spilled,
    ) -> Result<StoryLabels> {
        let threshold = self.config.stories.threshold;
        let Spilled { days, langs, aside } = spilled;
        let labels = self.stories_of(&vectors.vecs, &days, &langs, graph, threshold);
        if let Some(aside) = aside {
            aside.restore(vectors)?;
        }
        Ok(labels)
    }

    /// [`Engine::stories`] cut at another threshold; `graph` is cut to that
    /// threshold's edge floor first, so this equals a plain run at that threshold.
    pub fn stories_at(&self, vectors: &Vectors, graph: &KnnGraph, threshold: f32) -> StoryLabels {
        let (days, langs) = (vectors.days(), vectors.langs());
        self.stories_of(&vectors.vecs, &days, &langs, graph, threshold)
    }

    /// [`Engine::stories_at`] from the documents' vectors, days and languages.
    fn stories_of(
        &self,
        vecs: &[SparseVec],
        days: &[Option<Day>],
        langs: &[Lang],
        graph: &KnnGraph,
        threshold: f32,
    ) -> StoryLabels {
        let floor = self.config.edge_floor(threshold);
        let stories = crate::config::StoryConfig {
            threshold,
            ..self.config.stories
        };
        let cut;
        let graph = if graph.edges.iter().any(|e| e.sim < floor) {
            cut = graph.above(floor);
            &cut
        } else {
            graph
        };
        StoryLabels::new(cluster::cluster_stories(
            graph,
            vecs,
            days,
            langs,
            &stories,
            self.config.candidates.max_days,
        ))
    }

    /// Stage 6: each story split into articles, with every member's variant kind.
    pub fn articles(
        &self,
        vectors: &Vectors,
        graph: &KnnGraph,
        labels: &StoryLabels,
    ) -> Vec<Story> {
        let (langs, days) = (vectors.langs(), vectors.days());
        let (chars, seq) = vectors.lengths_and_order();
        let input = CopyInput {
            chars: &chars,
            seq: &seq,
            ..vectors.copy_input(&langs, &days)
        };
        build_stories(&labels.story_of_doc, graph, &input, &self.config.articles)
    }

    /// The story labels at several thresholds, reading, analyzing and building the
    /// graph once: the graph is built at the lowest edge floor the thresholds need,
    /// and each cut gets only the edges at or above its own floor, so each point
    /// equals the labels of a plain run at its threshold. Also returns that graph.
    pub fn sweep(&self, vectors: &Vectors, thresholds: &[f32]) -> (Vec<SweepPoint>, KnnGraph) {
        let own = self.config.stories.threshold;
        let lowest = thresholds.iter().fold(own, |t, &x| t.min(x));
        let graph = self.graph_at_floor(vectors, self.config.edge_floor(lowest));
        let points = thresholds
            .iter()
            .map(|&threshold| {
                let labels = self.stories_at(vectors, &graph, threshold);
                SweepPoint {
                    threshold,
                    n_stories: labels.n_stories,
                    story_of_doc: labels.story_of_doc,
                }
            })
            .collect();
        (points, graph)
    }

    /// The whole job on documents in memory: the stages in order.
    ///
    /// # Errors
    /// A lexicon that fails to load.
    pub fn cluster(&self, docs: Vec<Document>) -> Result<Clustering> {
        let furniture = FurnitureCounts::of(&docs);
        let again = docs.clone();
        let (mut c, _) = self.cluster_stream(
            docs.into_iter().map(|d| Ok(Ok(d))),
            &furniture.furniture(),
            &[],
        )?;
        self.add_sentences(&mut c, again.into_iter().map(|d| Ok(Ok(d))))?;
        Ok(c)
    }

    /// The whole job on every input, read as a stream: documents are analyzed batch
    /// by batch as they arrive, so only one batch's texts are held at a time.
    ///
    /// # Errors
    /// IO errors on an input abort; bad records become rejects.
    pub fn cluster_inputs(&self, inputs: Vec<Input>) -> Result<Clustering> {
        self.cluster_inputs_with_sweep(inputs, &[]).map(|(c, _)| c)
    }

    /// The furniture of inputs that can be read twice; none when one is stdin.
    ///
    /// # Errors
    /// IO errors on an input.
    pub fn furniture_of_inputs(&self, inputs: &[Input]) -> Result<Furniture> {
        if !Input::rereadable(inputs) {
            return Ok(Furniture::default());
        }
        Ok(self.furniture(DocReader::new(inputs.to_vec()))?.furniture())
    }

    /// [`Engine::cluster_inputs`], also cutting the stories at each of the `sweep`
    /// thresholds (see [`Engine::sweep`]).
    ///
    /// # Errors
    /// As [`Engine::cluster_inputs`]; a sweep threshold outside 0..=1.
    pub fn cluster_inputs_with_sweep(
        &self,
        inputs: Vec<Input>,
        sweep: &[f32],
    ) -> Result<(Clustering, Vec<SweepPoint>)> {
        let start = Instant::now();
        let furniture = self.furniture_of_inputs(&inputs)?;
        let seconds_furniture = start.elapsed().as_secs_f64();
        let again = Input::rereadable(&inputs).then(|| inputs.clone());
        let (mut c, points) = self.cluster_stream(DocReader::new(inputs), &furniture, sweep)?;
        c.stats.seconds_furniture = seconds_furniture;
        c.stats.seconds_total += seconds_furniture;
        if let Some(inputs) = again {
            self.add_sentences(&mut c, DocReader::new(inputs))?;
        }
        Ok((c, points))
    }

    /// Reads and analyzes every document, batch by batch, and assembles the corpus.
    /// The next batch is read while the current one is analyzed: reading is serial,
    /// and the analysis threads would otherwise wait for it.
    ///
    /// # Errors
    /// IO errors on an input; a lexicon that fails to load.
    pub fn read_corpus(
        &self,
        items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
    ) -> Result<(Corpus, usize)> {
        self.read_corpus_with(items, &Furniture::default())
    }

    /// [`Engine::read_corpus`], with the furniture lines struck from each text.
    ///
    /// # Errors
    /// As [`Engine::read_corpus`].
    pub fn read_corpus_with(
        &self,
        items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
        furniture: &Furniture,
    ) -> Result<(Corpus, usize)> {
        let (analyzed, rejects) = self.read_analyzed_with(items, furniture)?;
        let n_read = analyzed.len();
        Ok((Corpus::assemble(analyzed, rejects), n_read))
    }

    /// [`Engine::read_corpus_with`] short of assembling: the analyzed documents in
    /// reading order (`seq` counting from 0) and the rejects, as one shard of a
    /// corpus that [`Corpus::assemble`] puts together with the others (a shard
    /// assembled alone would reject its duplicate ids before the other shards are
    /// seen, in another order and naming another keeper).
    ///
    /// # Errors
    /// As [`Engine::read_corpus`].
    pub fn read_analyzed_with(
        &self,
        mut items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
        furniture: &Furniture,
    ) -> Result<(Vec<AnalyzedDoc>, Vec<Reject>)> {
        let size = self.config.analysis.batch_size;
        let mut analyzed: Vec<AnalyzedDoc> = Vec::new();
        let mut rejects = Vec::new();
        // Each text analyzed so far, by its key: a repeat takes its analysis.
        let mut first: FxHashMap<u128, u32> = FxHashMap::default();
        let mut batch = next_batch(&mut items, size, &mut rejects)?;
        while !batch.is_empty() {
            let (done, next) = rayon::join(
                || self.analyze_repeats(batch, furniture, &analyzed, &mut first),
                || next_batch(&mut items, size, &mut rejects),
            );
            let offset = analyzed.len() as u64;
            analyzed.extend(done?.into_iter().map(|mut a| {
                a.meta.seq += offset;
                a
            }));
            batch = next?;
        }
        Ok((analyzed, rejects))
    }

    fn cluster_stream(
        &self,
        items: impl Iterator<Item = Result<Result<Document, Reject>>> + Send,
        furniture: &Furniture,
        sweep: &[f32],
    ) -> Result<(Clustering, Vec<SweepPoint>)> {
        let start = Instant::now();
        let (corpus, n_read) = self.read_corpus_with(items, furniture)?;
        let seconds_read_analyze = start.elapsed().as_secs_f64();
        let (mut out, points) = self.finish(corpus, sweep)?;
        out.furniture = furniture.clone();
        out.stats.n_read = n_read;
        out.stats.seconds_read_analyze = seconds_read_analyze;
        out.stats.seconds_total = start.elapsed().as_secs_f64();
        Ok((out, points))
    }

    /// Stages 2 to 6 on an assembled corpus. With `sweep` thresholds, the graph is
    /// built once for all of them (see [`Engine::sweep`]) and their points are
    /// returned too (none without thresholds).
    ///
    /// # Errors
    /// A sweep threshold outside 0..=1.
    pub fn finish(&self, corpus: Corpus, sweep: &[f32]) -> Result<(Clustering, Vec<SweepPoint>)> {
        if let Some(t) = sweep.iter().find(|t| !(0.0..=1.0).contains(*t)) {
            return Err(Error::Config(format!(
                "sweep thresholds must be between 0 and 1, not {t}"
            )));
        }
        let t_index = Instant::now();
        // No word is analyzed again until the sentences members add: the threads'
        // word caches (up to 200k words a language each) are dropped before the
        // index and the agglomeration reach the run's peak. 50k yardstick: peak RSS
        // 674-679 → 529-533 MB; the sentences pass refills them for the documents it
        // re-reads (about 0.2 s).
        crate::pivot::cache::release_caches();
        let mut vectors = self.vectorize_counted(corpus);
        let (points, graph, labels, seconds_index, seconds_cluster) = if sweep.is_empty() {
            let seconds_vectors = t_index.elapsed().as_secs_f64();
            let (graph, labels, [graph_s, stories_s]) = self.graph_and_stories(&mut vectors)?;
            (
                Vec::new(),
                graph,
                labels,
                seconds_vectors + graph_s,
                stories_s,
            )
        } else {
            let (points, full) = self.sweep(&vectors, sweep);
            let graph = full.above(self.config.edge_floor(self.config.stories.threshold));
            let seconds_index = t_index.elapsed().as_secs_f64();
            let t_cluster = Instant::now();
            let labels = self.stories_spilling(&mut vectors, &graph)?;
            let seconds_cluster = t_cluster.elapsed().as_secs_f64();
            (points, graph, labels, seconds_index, seconds_cluster)
        };
        let t_articles = Instant::now();
        let stories = self.articles(&vectors, &graph, &labels);
        let seconds_articles = t_articles.elapsed().as_secs_f64();
        let mut c = Clustering::new(vectors, graph, labels, stories);
        c.stats.seconds_index = seconds_index;
        c.stats.seconds_cluster = seconds_cluster;
        c.stats.seconds_articles = seconds_articles;
        Ok((c, points))
    }
}

impl Clustering {
    /// Puts the stages' results together.
    pub fn new(
        vectors: Vectors,
        graph: KnnGraph,
        labels: StoryLabels,
        stories: Vec<Story>,
    ) -> Self {
        let Vectors {
            docs,
            vecs,
            rejects,
            ..
        } = vectors;
        let mut article_of_doc = vec![0u32; docs.len()];
        for s in &stories {
            for a in &s.articles {
                let first = a.members.iter().map(|m| m.doc).min().unwrap_or(0);
                for m in &a.members {
                    article_of_doc[m.doc as usize] = first;
                }
            }
        }
        let mut languages: std::collections::BTreeMap<Lang, usize> = Default::default();
        for d in &docs {
            *languages.entry(d.lang).or_default() += 1;
        }
        let stats = Stats {
            n_read: docs.len(),
            n_rejected: rejects.len(),
            n_stories: labels.n_stories,
            n_multi: stories.iter().filter(|s| s.docs.len() > 1).count(),
            n_copies: graph.copies.n_copies(),
            languages: languages.into_iter().collect(),
            ..Default::default()
        };
        Clustering {
            docs,
            stories,
            story_of_doc: labels.story_of_doc,
            article_of_doc,
            rejects,
            stats,
            vecs,
            graph,
            furniture: Furniture::default(),
            sentences: Vec::new(),
            story_names: Vec::new(),
            story_merged: Vec::new(),
        }
    }

    /// Each member that can add something and the document it is compared with
    /// ([`Story::compared_with`]).
    pub fn adds_pairs(&self) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for s in &self.stories {
            for a in &s.articles {
                for m in &a.members {
                    if let Some(base) = s.compared_with(a, m) {
                        pairs.push((m.doc, base));
                    }
                }
            }
        }
        pairs
    }
}

impl Corpus {
    /// Puts analyzed documents (from any number of batches or shards, in any order)
    /// in canonical order, by id. Of several documents with one id, the one kept
    /// does not depend on input order: it is the one whose analyzed content hashes
    /// smallest ([`crate::document::content_key`]); the others become rejects.
    pub fn assemble(analyzed: Vec<AnalyzedDoc>, mut rejects: Vec<Reject>) -> Corpus {
        // The records' places are sorted by id (then reading order), not the records:
        // a record is a few hundred bytes, and the map of ids seen, the sort and the
        // moves took 1.5 s on one thread at 1M documents (`perf`).
        let mut order: Vec<u32> = (0..analyzed.len() as u32).collect();
        order.par_sort_unstable_by(|&i, &j| {
            let (a, b) = (&analyzed[i as usize].meta.id, &analyzed[j as usize].meta.id);
            a.cmp(b).then(i.cmp(&j))
        });
        // Of each run of one id, in reading order: the first read is the keeper, and
        // each later copy is compared with the current keeper; the one left out is
        // rejected at that copy's place. The keeper ends as the first of the smallest.
        let key = |i: u32| {
            let a = &analyzed[i as usize];
            duplicate_key(&a.meta, &a.features)
        };
        let same_id = |i: u32, j: u32| analyzed[i as usize].meta.id == analyzed[j as usize].meta.id;
        let mut kept: Vec<u32> = Vec::with_capacity(order.len());
        // (the place of a copy, the record rejected there, the run's keeper)
        let mut dropped: Vec<(u32, u32, u32)> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len() && same_id(order[start], order[end]) {
                end += 1;
            }
            let mut keeper = order[start];
            if end - start > 1 {
                let first = dropped.len();
                let mut keeper_key = key(keeper);
                for &copy in &order[start + 1..end] {
                    let copy_key = key(copy);
                    if copy_key < keeper_key {
                        dropped.push((copy, keeper, 0));
                        (keeper, keeper_key) = (copy, copy_key);
                    } else {
                        dropped.push((copy, copy, 0));
                    }
                }
                for d in &mut dropped[first..] {
                    d.2 = keeper;
                }
            }
            kept.push(keeper);
            start = end;
        }
        dropped.sort_unstable_by_key(|d| d.0);
        for &(_, gone, keeper) in &dropped {
            let reason = format!(
                "duplicate id: the copy at {} is kept (of copies with one id, the one whose content hashes smallest)",
                analyzed[keeper as usize].location
            );
            let (id, location) = (
                analyzed[gone as usize].meta.id.clone(),
                analyzed[gone as usize].location.clone(),
            );
            rejects.push(Reject {
                id: Some(id),
                location,
                reason,
            });
        }
        let mut slots: Vec<Option<AnalyzedDoc>> = analyzed.into_iter().map(Some).collect();
        let (docs, features) = kept
            .into_iter()
            .map(|i| {
                let a = slots[i as usize].take().expect("each record is kept once");
                (a.meta, a.features)
            })
            .unzip();
        Corpus {
            docs,
            features,
            rejects,
        }
    }
}

/// The whole job on documents in memory, with `config` (tests, the library example).
///
/// # Errors
/// An invalid configuration, or a lexicon that fails to load.
pub fn cluster_documents(docs: Vec<Document>, config: &EngineConfig) -> Result<Clustering> {
    Engine::new(config.clone())?.cluster(docs)
}

/// The whole job on every input, read as a stream.
///
/// # Errors
/// An invalid configuration, IO errors on an input, or a lexicon that fails to load.
pub fn cluster_inputs(inputs: Vec<Input>, config: &EngineConfig) -> Result<Clustering> {
    Engine::new(config.clone())?.cluster_inputs(inputs)
}

/// Up to `size` documents from `items`; the records that are not documents go to
/// `rejects`. Empty when the input is exhausted.
/// What decides which of several documents with one id is kept: the smallest
/// [`crate::document::content_key`] of its analysis, its place in the reading
/// order left out (or the input order would decide).
pub fn duplicate_key(meta: &DocMeta, features: &DocFeatures) -> (u64, Vec<u8>) {
    let meta = DocMeta {
        seq: 0,
        ..meta.clone()
    };
    crate::document::content_key(&meta, features)
}

fn next_batch(
    items: &mut impl Iterator<Item = Result<Result<Document, Reject>>>,
    size: usize,
    rejects: &mut Vec<Reject>,
) -> Result<Vec<Document>> {
    let mut batch = Vec::with_capacity(size);
    for item in items.by_ref() {
        match item? {
            Ok(doc) => batch.push(doc),
            Err(r) => rejects.push(r),
        }
        if batch.len() >= size {
            break;
        }
    }
    Ok(batch)
}

const HEADLINE_CHARS: usize = 100;

/// A line for people: the title, else the first line of at least four words (a
/// lone "Ads Area" or site name is furniture), else the first non-empty line.
fn headline(doc: &Document) -> String {
    let src = doc.title.as_deref().unwrap_or(&doc.text);
    let mut lines = src.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.clone().next().unwrap_or("");
    let line = lines
        // Four words found, not every word of the line counted: a crawled page is
        // often one long line (2% of the crawl yardstick's analysis samples).
        .find(|l| l.split_whitespace().nth(3).is_some())
        .unwrap_or(first);
    line.chars().take(HEADLINE_CHARS).collect()
}

/// Language of a document: the declared one if any, else detected on title + text.
fn doc_lang(doc: &Document) -> Lang {
    if let Some(l) = doc.lang {
        return l;
    }
    match &doc.title {
        Some(t) => detect_lang(&format!("{t}\n{}", prefix(&doc.text, 4000))),
        None => detect_lang(&doc.text),
    }
}

/// Declared or detected language, and whether the document can be compared at all.
fn lang_and_status(doc: &Document) -> (Lang, DocStatus) {
    let text_len = doc.text.trim().len() + doc.title.as_deref().map_or(0, |t| t.trim().len());
    if text_len == 0 {
        (doc.lang.unwrap_or(Lang::UND), DocStatus::Empty)
    } else {
        (doc_lang(doc), DocStatus::Ok)
    }
}

/// A document with its place in its batch.
type Placed = (usize, Document);

/// What a document's analysis is a function of, as one number: its title, its
/// text (furniture struck) and its declared language. Two documents with one key
/// are analyzed alike ([`Engine::analyze_repeats`]). 128 bits, so that among a
/// billion texts two different ones share a key with a chance of about 10^-21.
fn text_key(doc: &Document) -> u128 {
    let mut h = XxHash3_128::new();
    match &doc.title {
        Some(t) => {
            h.write(&[1]);
            h.write(&(t.len() as u64).to_le_bytes());
            h.write(t.as_bytes());
        }
        None => h.write(&[0]),
    }
    h.write(&(doc.lang.map_or(0, |l| l.index() + 1) as u64).to_le_bytes());
    h.write(doc.text.as_bytes());
    h.finish_128()
}

/// The analysis of `doc` when `made` is that of a document with its [`text_key`]:
/// `made`'s, with what the record holds of its own (its id, date, place, source).
fn repeat_of(made: &AnalyzedDoc, doc: Document) -> AnalyzedDoc {
    let source = site_of(&doc);
    AnalyzedDoc {
        location: doc.location,
        meta: DocMeta {
            id: doc.id,
            date: doc.date,
            source,
            seq: 0,
            ..made.meta.clone()
        },
        features: made.features.clone(),
    }
}

fn analyze_doc(
    doc: Document,
    lang: Lang,
    status: DocStatus,
    models: &Models,
    weights: &FeatureWeights,
) -> AnalyzedDoc {
    let headline = headline(&doc);
    let source = site_of(&doc);
    let chars = doc.title.as_deref().map_or(0, |t| t.chars().count()) + doc.text.chars().count();
    let mut features = if status == DocStatus::Ok {
        doc_features(&doc.analyzed_text(), lang, models, weights)
    } else {
        DocFeatures {
            lang,
            ..Default::default()
        }
    };
    let status = if status == DocStatus::Ok && features.features.is_empty() {
        DocStatus::Empty
    } else {
        status
    };
    AnalyzedDoc {
        location: doc.location,
        meta: DocMeta {
            id: doc.id,
            lang,
            date: doc.date,
            headline,
            status,
            names: std::mem::take(&mut features.names),
            numbers: std::mem::take(&mut features.numbers),
            source,
            chars: u32::try_from(chars).unwrap_or(u32::MAX),
            seq: 0,
        },
        features,
    }
}
