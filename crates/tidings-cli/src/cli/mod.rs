//! Command-line interface: one `Args` struct per subcommand, each in its own module
//! and turned into a validated library config before anything runs.

mod analyze;
mod cluster;
mod eval;
mod lexicon;
mod synth;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::lexicon::ModelSource;

pub use analyze::AnalyzeArgs;
pub use cluster::ClusterArgs;
pub use eval::EvalArgs;
pub use lexicon::BuildArgs;
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
    /// Print each token with its language, normalized term, stem and pivot concepts (TSV
    /// `id lang token term stem pivots`; `~concept` marks a transliteration guess).
    Analyze(AnalyzeArgs),
    /// Score a clustering against gold labels (or cluster INPUTS first, then score).
    Eval(EvalArgs),
    /// Build models/lexicons from raw bilingual pairs (see tools/lexicon).
    BuildLexicons(BuildArgs),
    /// Grow a labelled set into a synthetic corpus of any size with known labels.
    Synth(SynthArgs),
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

pub fn create(path: &PathBuf) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(
        File::create(path).with_context(|| format!("creating {}", path.display()))?,
    ))
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Cluster(a) => cluster::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Eval(a) => eval::run(a),
        Command::BuildLexicons(a) => lexicon::run(a),
        Command::Synth(a) => synth::run(a),
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
