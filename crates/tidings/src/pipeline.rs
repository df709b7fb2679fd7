//! The whole job: documents in, stories out.
//!
//! Input order and thread count do not change the result: documents are sorted by
//! id before anything order-dependent happens, the index is built serially in that
//! order, and every later step is either per-document or tie-broken by index.

use crate::ann::HnswParams;
use crate::cluster::{cluster_stories, ClusterConfig};
use crate::document::{Day, DocReader, Document, Input, Reject};
use crate::graph::{build_knn_graph, GraphConfig, IndexKind, KnnGraph};
use crate::lang::{detect_lang, Lang};
use crate::lexicon::{ModelSource, Models};
use crate::pivot::{coverage_by_lang, doc_features, DocFeatures, FeatureWeights};
use crate::story::{build_story, ArticleConfig, Story, VariantInput};
use crate::vectorize::{document_frequencies, sparse_vectors, SparseVec};
use crate::{Error, Result};
use rayon::prelude::*;
use std::time::Instant;

/// Story thresholds of a sweep unless told otherwise, around the default 0.05: from
/// where distinct stories start to merge to where translations fall apart (ntrex-dev).
pub const SWEEP_THRESHOLDS: [f32; 10] = [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2];

/// Everything that shapes a clustering run.
#[derive(Clone, Debug)]
pub struct Config {
    pub models: ModelSource,
    /// Neighbours per document in the kNN graph.
    pub k: usize,
    pub cluster: ClusterConfig,
    pub article: ArticleConfig,
    /// Pairs below this fraction of the story threshold never become candidate merges.
    pub candidate_floor: f32,
    pub index: IndexKind,
    pub hnsw: HnswParams,
    pub weights: FeatureWeights,
    /// Documents read and analyzed per parallel batch.
    pub batch_size: usize,
    /// More story thresholds to cut the same kNN graph at, for a threshold sweep
    /// (see [`Clustering::sweep`]). Empty for a plain run.
    pub sweep: Vec<f32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            models: ModelSource::Bundled,
            k: 24,
            cluster: ClusterConfig {
                threshold: 0.05,
                cohesion: 0.4,
                max_days: Some(7),
            },
            article: ArticleConfig::default(),
            candidate_floor: 0.6,
            index: IndexKind::Auto,
            hnsw: HnswParams::default(),
            weights: FeatureWeights::default(),
            batch_size: 4096,
            sweep: Vec::new(),
        }
    }
}

/// Why a document is alone in its story without having been compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocStatus {
    Ok,
    /// No text (or only furniture).
    Empty,
    /// The language could not be determined.
    UndeterminedLang,
    /// Read with an id but rejected (see the rejects).
    Rejected,
}

impl DocStatus {
    pub fn note(self) -> Option<&'static str> {
        match self {
            DocStatus::Ok => None,
            DocStatus::Empty => Some("empty"),
            DocStatus::UndeterminedLang => Some("undetermined_language"),
            DocStatus::Rejected => Some("rejected"),
        }
    }
}

/// What the output keeps of a document after its text is gone.
#[derive(Clone, Debug)]
pub struct DocMeta {
    pub id: String,
    pub lang: Lang,
    pub date: Option<Day>,
    pub headline: String,
    pub status: DocStatus,
}

/// Counts and timings of a run.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub n_read: usize,
    pub n_rejected: usize,
    pub n_stories: usize,
    pub n_multi: usize,
    pub languages: Vec<(Lang, usize)>,
    /// Share of content words that reached a pivot concept, per language.
    pub coverage: Vec<(Lang, f64)>,
    pub seconds_read_analyze: f64,
    pub seconds_index: f64,
    pub seconds_cluster: f64,
    /// Cutting stories at the thresholds of [`Config::sweep`].
    pub seconds_sweep: f64,
    pub seconds_total: f64,
}

/// The stories of a threshold sweep at one threshold: labels only, no articles.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    pub threshold: f32,
    /// Story label of each document (numbered like [`Clustering::story_of_doc`]).
    pub story_of_doc: Vec<u32>,
    pub n_stories: usize,
}

/// The result of a run: documents sorted by id, their stories, and the rejects.
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
    /// One point per threshold of [`Config::sweep`], in the order given. Each equals
    /// the `story_of_doc` of a plain run at that threshold.
    pub sweep: Vec<SweepPoint>,
}

impl Clustering {
    /// The story index of a document id, if the id was read.
    pub fn story_of(&self, id: &str) -> Option<u32> {
        let i = self.docs.binary_search_by(|d| d.id.as_str().cmp(id)).ok()?;
        Some(self.story_of_doc[i])
    }
}

const HEADLINE_CHARS: usize = 100;

/// A line for people: the title, else the first line of at least four words (a
/// lone "Ads Area" or site name is furniture), else the first non-empty line.
fn headline(doc: &Document) -> String {
    let src = doc.title.as_deref().unwrap_or(&doc.text);
    let mut lines = src.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.clone().next().unwrap_or("");
    let line = lines
        .find(|l| l.split_whitespace().count() >= 4)
        .unwrap_or(first);
    line.chars().take(HEADLINE_CHARS).collect()
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
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

struct Analyzed {
    location: String,
    meta: DocMeta,
    features: DocFeatures,
}

/// Declared or detected language, and whether the document can be compared at all.
fn lang_and_status(doc: &Document) -> (Lang, DocStatus) {
    let text_len = doc.text.trim().len() + doc.title.as_deref().map_or(0, |t| t.trim().len());
    if text_len == 0 {
        (doc.lang.unwrap_or(Lang::UND), DocStatus::Empty)
    } else {
        let l = doc_lang(doc);
        (
            l,
            if l.is_und() {
                DocStatus::UndeterminedLang
            } else {
                DocStatus::Ok
            },
        )
    }
}

/// Analyzes a batch in parallel: languages first, then the lexicons those languages
/// need, each loaded on its own thread (loading inside the analysis would make every
/// thread wait for the one that loads), then the documents.
fn analyze_batch(batch: Vec<Document>, models: &Models, weights: &FeatureWeights) -> Vec<Analyzed> {
    let langs: Vec<(Lang, DocStatus)> = batch.par_iter().map(lang_and_status).collect();
    let mut needed: Vec<Lang> = langs.iter().map(|&(l, _)| l).collect();
    needed.sort_unstable();
    needed.dedup();
    needed.par_iter().for_each(|&l| {
        models.get(l);
    });
    batch
        .into_par_iter()
        .zip(langs)
        .map(|(d, (lang, status))| analyze_doc(d, lang, status, models, weights))
        .collect()
}

fn analyze_doc(
    doc: Document,
    lang: Lang,
    status: DocStatus,
    models: &Models,
    weights: &FeatureWeights,
) -> Analyzed {
    let headline = headline(&doc);
    let features = if status == DocStatus::Ok {
        let f = match &doc.title {
            Some(t) => doc_features(&format!("{t}\n{}", doc.text), lang, models, weights),
            None => doc_features(&doc.text, lang, models, weights),
        };
        f
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
    Analyzed {
        location: doc.location,
        meta: DocMeta {
            id: doc.id,
            lang,
            date: doc.date,
            headline,
            status,
        },
        features,
    }
}

/// Reads every input, then clusters. IO errors on an input abort; bad records become rejects.
pub fn cluster_inputs(inputs: Vec<Input>, config: &Config) -> Result<Clustering> {
    cluster_stream(DocReader::new(inputs), config)
}

/// Clusters documents already in memory (tests, the library example, benches).
pub fn cluster_documents(docs: Vec<Document>, config: &Config) -> Result<Clustering> {
    cluster_stream(docs.into_iter().map(|d| Ok(Ok(d))), config)
}

/// Analyzes documents batch by batch as they arrive, then clusters them.
fn cluster_stream(
    mut items: impl Iterator<Item = Result<Result<Document, Reject>>>,
    config: &Config,
) -> Result<Clustering> {
    let models = Models::new(config.models.clone())?;
    let start = Instant::now();
    let mut analyzed: Vec<Analyzed> = Vec::new();
    let mut rejects = Vec::new();
    let mut n_read = 0;
    loop {
        let mut batch = Vec::with_capacity(config.batch_size);
        for item in items.by_ref() {
            match item? {
                Ok(doc) => batch.push(doc),
                Err(r) => rejects.push(r),
            }
            if batch.len() >= config.batch_size {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        n_read += batch.len();
        analyzed.extend(analyze_batch(batch, &models, &config.weights));
    }
    if let Some(e) = models.load_errors().into_iter().next() {
        return Err(Error::Model(e));
    }
    let read_secs = start.elapsed().as_secs_f64();
    let mut out = finish(analyzed, rejects, config)?;
    out.stats.n_read = n_read;
    out.stats.seconds_read_analyze = read_secs;
    out.stats.seconds_total = start.elapsed().as_secs_f64();
    Ok(out)
}

fn finish(
    mut analyzed: Vec<Analyzed>,
    mut rejects: Vec<Reject>,
    config: &Config,
) -> Result<Clustering> {
    if !(0.0..=1.0).contains(&config.cluster.threshold)
        || !(0.0..=1.0).contains(&config.article.threshold)
        || !config.sweep.iter().all(|t| (0.0..=1.0).contains(t))
    {
        return Err(Error::Config("thresholds must be between 0 and 1".into()));
    }
    // Canonical order: by id. Duplicate ids keep their first occurrence in input order.
    let mut seen: rustc_hash::FxHashMap<String, String> = Default::default();
    let mut keep = Vec::with_capacity(analyzed.len());
    for a in analyzed.drain(..) {
        if let Some(first) = seen.get(a.meta.id.as_str()) {
            let reason = format!("duplicate id: the first document with this id ({first}) is kept");
            rejects.push(Reject {
                id: Some(a.meta.id.clone()),
                location: a.location,
                reason,
            });
        } else {
            seen.insert(a.meta.id.clone(), a.location.clone());
            keep.push(a);
        }
    }
    // Rejected records that carry an id still get a row, alone in their story.
    for r in &rejects {
        if let Some(id) = &r.id {
            if seen.insert(id.clone(), r.location.clone()).is_none() {
                keep.push(Analyzed {
                    location: r.location.clone(),
                    meta: DocMeta {
                        id: id.clone(),
                        lang: Lang::UND,
                        date: None,
                        headline: String::new(),
                        status: DocStatus::Rejected,
                    },
                    features: DocFeatures::default(),
                });
            }
        }
    }
    keep.par_sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let (docs, mut feats): (Vec<DocMeta>, Vec<DocFeatures>) =
        keep.into_iter().map(|a| (a.meta, a.features)).unzip();
    let t_index = Instant::now();
    let df = document_frequencies(&feats);
    let vecs = sparse_vectors(&mut feats, &df);
    drop(df);
    // The candidate floor scales with the threshold. A sweep builds the graph once,
    // at the lowest floor it needs, and gives each threshold only the edges at or
    // above its own floor, so each cut sees the graph a plain run would build.
    let floor_of = |threshold: f32| threshold * config.candidate_floor;
    let floor = floor_of(config.cluster.threshold);
    let lowest = config
        .sweep
        .iter()
        .copied()
        .fold(floor, |f, t| f.min(floor_of(t)));
    let days: Vec<Option<Day>> = docs.iter().map(|d| d.date).collect();
    let graph_config = GraphConfig {
        k: config.k,
        floor: lowest,
        max_days: config.cluster.max_days,
        index: config.index,
        hnsw: config.hnsw,
    };
    let (full, _) = build_knn_graph(&vecs, &days, &graph_config);
    let seconds_index = t_index.elapsed().as_secs_f64();
    let t_sweep = Instant::now();
    let sweep: Vec<SweepPoint> = config
        .sweep
        .iter()
        .map(|&threshold| {
            let cut = ClusterConfig {
                threshold,
                ..config.cluster
            };
            let story_of_doc =
                cluster_stories(&full.above(floor_of(threshold)), &vecs, &days, &cut);
            SweepPoint {
                threshold,
                n_stories: n_labels(&story_of_doc),
                story_of_doc,
            }
        })
        .collect();
    let seconds_sweep = t_sweep.elapsed().as_secs_f64();
    let graph = if lowest < floor {
        full.above(floor)
    } else {
        full
    };
    let t_cluster = Instant::now();
    let labels = cluster_stories(&graph, &vecs, &days, &config.cluster);
    let n_stories = n_labels(&labels);
    let mut story_docs: Vec<Vec<u32>> = vec![Vec::new(); n_stories];
    for (i, &l) in labels.iter().enumerate() {
        story_docs[l as usize].push(i as u32);
    }
    let langs: Vec<Lang> = docs.iter().map(|d| d.lang).collect();
    let exact: Vec<u64> = feats.iter().map(|f| f.exact_hash).collect();
    // The sketches move out: the features are needed below only for their counts.
    let sketches: Vec<Vec<u64>> = feats
        .iter_mut()
        .map(|f| std::mem::take(&mut f.sketch))
        .collect();
    let input = VariantInput {
        vecs: &vecs,
        langs: &langs,
        exact: &exact,
        sketches: &sketches,
        days: &days,
    };
    let stories: Vec<Story> = story_docs
        .into_par_iter()
        .map(|d| build_story(d, &input, &config.article))
        .collect();
    let mut article_of_doc = vec![0u32; docs.len()];
    for s in &stories {
        for a in &s.articles {
            let first = a.members.iter().map(|m| m.doc).min().unwrap_or(0);
            for m in &a.members {
                article_of_doc[m.doc as usize] = first;
            }
        }
    }
    let mut stats = Stats {
        n_rejected: rejects.len(),
        n_stories,
        n_multi: stories.iter().filter(|s| s.docs.len() > 1).count(),
        seconds_index,
        seconds_cluster: t_cluster.elapsed().as_secs_f64(),
        seconds_sweep,
        ..Default::default()
    };
    let per_lang = coverage_by_lang(docs.iter().map(|d| d.lang).zip(&feats));
    stats.languages = per_lang.iter().map(|(l, c)| (*l, c.docs)).collect();
    stats.coverage = per_lang
        .iter()
        .filter(|(_, c)| c.content_words > 0)
        .map(|(l, c)| (*l, c.share()))
        .collect();
    Ok(Clustering {
        docs,
        stories,
        story_of_doc: labels,
        article_of_doc,
        rejects,
        stats,
        vecs,
        graph,
        sweep,
    })
}

/// Number of stories in labels numbered from 0.
fn n_labels(labels: &[u32]) -> usize {
    labels.iter().copied().max().map_or(0, |m| m as usize + 1)
}
