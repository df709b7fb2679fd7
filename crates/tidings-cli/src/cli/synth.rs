//! `tidings synth`: grow a labelled set into a synthetic benchmark corpus.

use super::atomic::AtomicFile;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::document::Day;
use tidings_synth::{Mode, SourceSet, SynthConfig, Synthesizer};

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// The labelled set to grow: JSONL (`.jsonl`, `.jsonl.gz`) with `id` and `text`.
    input: PathBuf,
    /// Its gold labels: TSV `id story article lang`.
    #[arg(long)]
    gold: PathBuf,
    /// Documents to write.
    #[arg(long)]
    docs: usize,
    /// Same input and seed, same output (byte for byte).
    #[arg(long, default_value_t = SynthConfig::default().seed)]
    seed: u64,
    /// Synthetic documents: JSONL `id text lang date`.
    #[arg(long, short)]
    out: PathBuf,
    /// Their gold labels: TSV `id story article lang`.
    #[arg(long)]
    out_gold: PathBuf,
    /// Probability that a language version gets an exact copy.
    #[arg(long, default_value_t = SynthConfig::default().exact)]
    exact: f64,
    /// Probability that a language version gets an edited copy (substitutions, truncation, boilerplate).
    #[arg(long, default_value_t = SynthConfig::default().edited)]
    edited: f64,
    /// Share of stories that are a single document.
    #[arg(long, default_value_t = SynthConfig::default().singletons)]
    singletons: f64,
    /// Fewest lines of a synthetic article.
    #[arg(long, default_value_t = SynthConfig::default().min_lines)]
    min_lines: usize,
    /// Most lines of a synthetic article.
    #[arg(long, default_value_t = SynthConfig::default().max_lines)]
    max_lines: usize,
    /// Largest share of a synthetic article's lines taken from one real article.
    #[arg(long, default_value_t = SynthConfig::default().max_source_share)]
    max_source_share: f64,
    /// Date of the first story (YYYY-MM-DD); later stories follow at --stories-per-day.
    #[arg(long, default_value = "2024-01-01")]
    start_date: String,
    /// Stories dated per day (default: as many as the source lines allow while stories
    /// within a week of each other hardly ever share a line).
    #[arg(long)]
    stories_per_day: Option<f64>,
    /// Write no dates.
    #[arg(long)]
    no_dates: bool,
    /// Reuse the real stories whole (each once) instead of mixing new ones.
    #[arg(long)]
    whole: bool,
}

impl SynthArgs {
    fn to_config(&self) -> Result<SynthConfig> {
        Ok(SynthConfig {
            n_docs: self.docs,
            seed: self.seed,
            exact: self.exact,
            edited: self.edited,
            singletons: self.singletons,
            min_lines: self.min_lines,
            max_lines: self.max_lines,
            max_source_share: self.max_source_share,
            start: Day::parse(&self.start_date).with_context(|| {
                format!(
                    "--start-date {:?} is not a date (YYYY-MM-DD)",
                    self.start_date
                )
            })?,
            stories_per_day: self.stories_per_day,
            dates: !self.no_dates,
            whole: self.whole,
        })
    }
}

pub fn run(args: SynthArgs) -> Result<ExitCode> {
    let config = args.to_config()?;
    let started = std::time::Instant::now();
    let set = SourceSet::read(&args.input, &args.gold)?;
    let synth = Synthesizer::new(&set, &config)?;
    // Both outputs open (and so checked) before the work; renamed into place after it.
    let (mut out, mut out_gold) = (
        AtomicFile::create(&args.out)?,
        AtomicFile::create(&args.out_gold)?,
    );
    let stats = synth.write(&mut out, &mut out_gold).with_context(|| {
        format!(
            "writing {} and {}",
            args.out.display(),
            args.out_gold.display()
        )
    })?;
    out.commit()?;
    out_gold.commit()?;
    let langs: Vec<String> = stats
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let mode = match stats.mode {
        Mode::Mixed => format!(
            "mixed from {} source articles ({} lines per version): {:.1} lines per story, each line taken {:.1} times; {} of {} lines taken again within {} stories ({:.1} stories a day)",
            stats.n_sources,
            stats.n_pool_lines,
            stats.mean_lines,
            stats.n_lines_taken as f64 / stats.n_pool_lines.max(1) as f64,
            stats.n_lines_reused_in_window,
            stats.n_lines_taken,
            stats.window_stories,
            stats.stories_per_day
        ),
        Mode::Whole => format!("whole real stories ({:.1} a day)", stats.stories_per_day),
    };
    eprintln!(
        "tidings: {} documents ({} read, {} empty skipped); {} stories ({} of one document), {} articles; {} versions, {} exact copies, {} edited copies ({} substituted, {} truncated, {} boilerplate); languages: {}; {}; {:.2} s",
        stats.n_docs,
        set.n_read,
        set.n_empty,
        stats.n_stories,
        stats.n_singletons,
        stats.n_articles,
        stats.n_versions,
        stats.n_exact,
        stats.n_edited,
        stats.n_substituted,
        stats.n_truncated,
        stats.n_boilerplate,
        langs.join(", "),
        mode,
        started.elapsed().as_secs_f64()
    );
    if stats.n_docs < stats.requested {
        eprintln!(
            "tidings: warning: only {} of {} documents: the real stories ran out (whole mode uses each once)",
            stats.n_docs, stats.requested
        );
    }
    Ok(ExitCode::SUCCESS)
}
