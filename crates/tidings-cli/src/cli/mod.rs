//! Command-line interface: one `Args` struct per subcommand, each in its own module
//! and turned into a validated library config before anything runs.

mod analyze;
mod atomic;
mod cluster;
mod dedup;
mod eval;
mod input;
mod lexicon;
mod stage;
mod synth;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::config::{EngineConfig, Keep};
use tidings::engine::Engine;
use tidings::graph::IndexKind;
use tidings::lexicon::ModelSource;

pub use analyze::AnalyzeArgs;
pub use cluster::ClusterArgs;
pub use dedup::DedupArgs;
pub use eval::EvalArgs;
pub use lexicon::BuildArgs;
pub use stage::{AnalyzeBatchArgs, FurnitureArgs, GraphArgs, StatsMergeArgs, StoriesArgs};
pub use synth::SynthArgs;

#[derive(Parser, Debug)]
#[command(
    name = "tidings",
    version,
    about = "Tells which news articles, in any language, are the same story"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Cluster documents into stories, with their articles and variants.
    Cluster(ClusterArgs),
    /// Keep one record of each group of exact copies, each article or each story, every field passed through.
    Dedup(DedupArgs),
    /// Print each token with its language, normalized term, stem and pivot concepts (TSV
    /// `id lang token term stem pivots`; `~concept` marks a transliteration guess).
    Analyze(AnalyzeArgs),
    /// Score a clustering against gold labels (or cluster INPUTS first, then score).
    Eval(EvalArgs),
    /// Build models/lexicons from raw bilingual pairs (see tools/lexicon).
    BuildLexicons(BuildArgs),
    /// Grow a labelled set into a synthetic corpus of any size with known labels.
    Synth(SynthArgs),
    /// Stage 0 of a run in stages: the page-furniture counts of one shard's inputs, as a stage file.
    Furniture(FurnitureArgs),
    /// Stage 1: one shard's inputs read and analyzed (documents and rejects), as a stage file; also its corpus statistics.
    AnalyzeBatch(AnalyzeBatchArgs),
    /// Merge stage files of corpus statistics, or of page-furniture counts, into one.
    StatsMerge(StatsMergeArgs),
    /// Assemble the analyzed shards, vectorize them with the merged statistics and build the kNN graph, as a stage file.
    Graph(GraphArgs),
    /// The last stage: stories and articles from the graph, then the sentences members add from the inputs; writes what `cluster` writes.
    Stories(StoriesArgs),
}

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Read lexicons from this folder instead of the ones built into the binary.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// The representative policy, as `--keep` names it.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepArg {
    Central,
    Earliest,
    Longest,
    First,
}

/// The nearest-neighbour index, as the flag names it.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexArg {
    Auto,
    Hnsw,
    Exact,
    Sparse,
}

impl From<IndexKind> for IndexArg {
    fn from(k: IndexKind) -> Self {
        match k {
            IndexKind::Auto => IndexArg::Auto,
            IndexKind::Hnsw => IndexArg::Hnsw,
            IndexKind::Exact => IndexArg::Exact,
            IndexKind::Sparse => IndexArg::Sparse,
        }
    }
}

impl From<IndexArg> for IndexKind {
    fn from(k: IndexArg) -> Self {
        match k {
            IndexArg::Auto => IndexKind::Auto,
            IndexArg::Hnsw => IndexKind::Hnsw,
            IndexArg::Exact => IndexKind::Exact,
            IndexArg::Sparse => IndexKind::Sparse,
        }
    }
}

/// The engine's settings, the same flags for every subcommand that clusters
/// (`cluster`, `eval`), their defaults taken from [`EngineConfig::default`].
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// Average-link cut for stories (mean pairwise cosine).
    #[arg(long, default_value_t = EngineConfig::default().stories.threshold)]
    pub threshold: f32,
    /// A small group left apart (up to three documents, or a twelfth of the story's size) joins the larger story its nearest neighbours lie in, if one of them is at least this similar and that story outweighs any other twice (0 = never).
    #[arg(long, default_value_t = EngineConfig::default().stories.attach)]
    pub attach: f32,
    /// Two groups of several documents each merge only if they are at least this many times as similar to each other as the looser one is inside (0 = no such check).
    #[arg(long, default_value_t = EngineConfig::default().stories.cohesion)]
    pub cohesion: f32,
    /// Average-link cut for articles inside a story, between documents of one language (cosine).
    #[arg(long, default_value_t = EngineConfig::default().articles.same_language)]
    pub article_threshold: f32,
    /// Average-link cut for articles inside a story, between documents of two languages (cosine through the lexicons), for documents whose words the lexicons all know; lower the fewer they know.
    #[arg(long, default_value_t = EngineConfig::default().articles.cross_language)]
    pub translation_threshold: f32,
    /// Two groups holding documents of one language are one article only if those documents are at least this similar on average (cosine).
    #[arg(long, default_value_t = EngineConfig::default().articles.same_language_floor)]
    pub article_floor: f32,
    /// Which document represents each story and article (ties: earliest date, then smallest id): central (the medoid), earliest (dated), longest (text), first (read).
    #[arg(long, value_enum, default_value_t = KeepArg::Central)]
    pub keep: KeepArg,
    /// Documents dated more than this many days apart never share a story (0 = no limit).
    #[arg(long, default_value_t = EngineConfig::default().candidates.max_days.unwrap_or(0))]
    pub max_days: i32,
    /// Neighbours per document in the kNN graph.
    #[arg(long, default_value_t = EngineConfig::default().candidates.k)]
    pub k: usize,
    /// Candidate index (auto: the sparse inverted index over each document's strongest features; exact: brute force over the dense projection; hnsw on request).
    #[arg(long, value_enum, default_value_t = IndexArg::from(EngineConfig::default().candidates.index))]
    pub index: IndexArg,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl EngineArgs {
    /// The engine configuration these flags ask for (validated by [`Engine::new`]).
    pub fn to_config(&self) -> EngineConfig {
        let mut c = EngineConfig {
            models: model_source(&self.common),
            ..EngineConfig::default()
        };
        c.stories.threshold = self.threshold;
        c.stories.attach = self.attach;
        c.stories.cohesion = self.cohesion;
        c.articles.same_language = self.article_threshold;
        c.articles.cross_language = self.translation_threshold;
        c.articles.same_language_floor = self.article_floor;
        c.articles.keep = match self.keep {
            KeepArg::Central => Keep::Central,
            KeepArg::Earliest => Keep::Earliest,
            KeepArg::Longest => Keep::Longest,
            KeepArg::First => Keep::First,
        };
        c.candidates.max_days = (self.max_days > 0).then_some(self.max_days);
        c.candidates.k = self.k;
        c.candidates.index = self.index.into();
        c
    }

    /// Threads set up, configuration validated and lexicons opened: before any input is read.
    pub fn engine(&self) -> Result<Engine> {
        set_threads(&self.common)?;
        Engine::new(self.to_config()).context("invalid settings")
    }
}

pub fn model_source(common: &CommonArgs) -> ModelSource {
    match &common.models {
        Some(d) => ModelSource::Dir(d.clone()),
        None => ModelSource::Bundled,
    }
}

pub fn set_threads(common: &CommonArgs) -> Result<()> {
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("setting up threads")?;
    }
    Ok(())
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Cluster(a) => cluster::run(a),
        Command::Dedup(a) => dedup::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Eval(a) => eval::run(a),
        Command::BuildLexicons(a) => lexicon::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Furniture(a) => stage::run_furniture(a),
        Command::AnalyzeBatch(a) => stage::run_analyze_batch(a),
        Command::StatsMerge(a) => stage::run_stats_merge(a),
        Command::Graph(a) => stage::run_graph(a),
        Command::Stories(a) => stage::run_stories(a),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
