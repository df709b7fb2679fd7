//! The stage commands: the engine's stages one process at a time, each value in a
//! stage file (`tidings::stage_file`), so that any scheduler (a shell script,
//! Spark's `RDD.pipe`, Slurm, Airflow) can drive a run through files and get the
//! output of `tidings cluster`:
//!
//! ```text
//! tidings furniture SHARD_INPUTS… --out N.furniture          per shard
//! tidings stats-merge *.furniture --out all.furniture          union of the counts
//! tidings analyze-batch SHARD_INPUTS… --furniture all.furniture --out N.shard --stats N.stats
//! tidings stats-merge *.stats --out all.stats                  sum of the counts
//! tidings graph 1.shard 2.shard … --stats all.stats --out run.graph
//! tidings stories --graph run.graph INPUTS… -o stories.jsonl --assignments a.tsv --rejects r.jsonl
//! ```
//!
//! Every stage is resumable ([`done`]): a finished one leaves `OUT.done`, and run
//! again with the same inputs and settings it says so and does nothing.

mod done;

use super::atomic::{check_outputs, AtomicFile};
use super::cluster::{report_and_check, write_rejects_file};
use super::input::InputArgs;
use super::{model_source, set_threads, CommonArgs, EngineArgs};
use anyhow::{Context, Result};
use clap::Args;
use done::{Marker, State};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tidings::config::EngineConfig;
use tidings::document::{DocReader, Furniture, FurnitureCounts, Input};
use tidings::engine::{Clustering, Engine};
use tidings::output::{write_assignments, write_stories};
use tidings::stage_file::{self, AnalyzedShard, GraphStage, SavedReport, ShardStats, StageValue};

#[derive(Args, Debug)]
pub struct FurnitureArgs {
    /// The inputs of one shard, as `cluster` takes them (files, folders; `-` for stdin).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The page-furniture counts, as a stage file (merge the shards' with `stats-merge`).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AnalyzeBatchArgs {
    /// The inputs of one shard, as `cluster` takes them (files, folders; `-` for stdin).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The page-furniture counts of every shard, merged (`furniture`, then
    /// `stats-merge`) [default: those of this shard's inputs, as `cluster` on them alone]
    #[arg(long, value_name = "FILE")]
    furniture: Option<PathBuf>,
    /// The shard's analyzed documents and rejects, as a stage file.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Also the shard's corpus statistics, as a stage file (merge them with `stats-merge`).
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct StatsMergeArgs {
    /// Stage files of one type: corpus statistics (`analyze-batch --stats`) or
    /// page-furniture counts (`furniture --out`), merged results included.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The merged statistics or counts, as a stage file of the same type.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Print only errors on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The shards (`analyze-batch --out`), in the order one run would read their
    /// inputs (which decides `--keep first` and the order of the rejects).
    #[arg(required = true, value_name = "SHARD")]
    shards: Vec<PathBuf>,
    /// The corpus statistics of every shard, merged (`stats-merge`) [default: counted
    /// from the shards; also when the file counts other documents than theirs]
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// The vectors and the kNN graph, as a stage file.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Print only errors on stderr.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args, Debug)]
pub struct StoriesArgs {
    /// The vectors and graph (`graph --out`), built with the same engine flags.
    #[arg(long, value_name = "FILE")]
    graph: PathBuf,
    /// Every shard's inputs again, for the sentences each member adds (files, not
    /// stdin); without them none are listed, as when `cluster` reads stdin.
    inputs: Vec<PathBuf>,
    /// Stories as JSONL (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// TSV `id story article`, one row per input document.
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// The input records that could not be read, as JSONL (TSV if the name ends in
    /// `.tsv`); default: summarized on stderr.
    #[arg(long)]
    rejects: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs a stage unless its marker says it is done; `work` writes and commits the
/// outputs, and the marker follows them only when it succeeds.
fn run_stage(
    command: &str,
    quiet: bool,
    marker: Option<Marker>,
    work: impl FnOnce() -> Result<()>,
) -> Result<ExitCode> {
    if let Some(m) = &marker {
        match m.state() {
            State::Done => {
                if !quiet {
                    eprintln!(
                        "tidings: {command}: done already, not redone: {} matches its inputs, settings and outputs (remove it to redo the stage)",
                        m.path().display()
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            State::Stale => {
                if !quiet {
                    eprintln!(
                        "tidings: {command}: {} is stale (an input, a setting or an output changed): redoing the stage",
                        m.path().display()
                    );
                }
                m.clear()?;
            }
            State::Absent => {}
        }
    }
    work()?;
    if let Some(m) = marker {
        m.write()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every setting of the input flags that shapes what is read, for a marker.
fn input_settings(input: &InputArgs) -> Result<String> {
    Ok(format!(
        "{:?} on_error={:?} max_reject_share={}",
        input.options()?,
        input.on_error,
        input.max_reject_share
    ))
}

/// Stage files given as inputs, checked like inputs against the outputs.
fn as_inputs(files: &[&Path]) -> Vec<Input> {
    files.iter().map(|p| Input::file(p.to_path_buf())).collect()
}

/// Reads a stage file, the error naming it. Decoded on a thread of the pool, where
/// the stage's work frees and allocates: glibc gives each thread an arena of its
/// own, and the features of the documents decoded on the main thread, freed by the
/// pool's threads as they vectorized, stayed in the main thread's arena where
/// their vectors could not reuse them (`tidings graph` of a million documents
/// peaked at 11.9 GB so, 9.4 GB decoding on the pool).
fn read<T: StageValue + Send>(path: &Path) -> Result<T> {
    let mut decoded = None;
    rayon::scope(|s| s.spawn(|_| decoded = Some(stage_file::read(path))));
    decoded
        .expect("the scope waits for its task")
        .with_context(|| format!("reading the {} file", T::TYPE))
}

/// Writes a stage value into its atomic file.
fn write<T: StageValue>(value: &T, f: &mut AtomicFile) -> Result<()> {
    stage_file::write(value, f.writer()).with_context(|| format!("writing {}", f.path().display()))
}

fn size_of(p: &Path) -> String {
    std::fs::metadata(p).map_or_else(|_| "?".into(), |m| format!("{} bytes", m.len()))
}

pub fn run_furniture(args: FurnitureArgs) -> Result<ExitCode> {
    set_threads(&args.common)?;
    let engine = Engine::new(EngineConfig::default()).context("invalid settings")?;
    let inputs = args.input.expand(&args.inputs)?;
    check_outputs(&[&Some(args.out.clone())], &inputs)?;
    let settings = format!("{:?}", args.input.options()?);
    let marker = Marker::new("furniture", &settings, &inputs, &[], &[&args.out])?;
    run_stage("furniture", args.input.quiet, marker, || {
        let mut out = AtomicFile::create(&args.out)?;
        let counts = engine
            .furniture(DocReader::with_options(inputs, args.input.options()?))
            .context("reading (page furniture)")?;
        write(&counts, &mut out)?;
        out.commit()?;
        if !args.input.quiet {
            eprintln!(
                "tidings: furniture: {} lines counted ({} of them furniture in this shard alone); {} ({})",
                counts.len(),
                counts.furniture().len(),
                args.out.display(),
                size_of(&args.out)
            );
        }
        Ok(())
    })
}

pub fn run_analyze_batch(args: AnalyzeBatchArgs) -> Result<ExitCode> {
    set_threads(&args.common)?;
    let engine = Engine::new(EngineConfig {
        models: model_source(&args.common),
        ..EngineConfig::default()
    })
    .context("invalid settings")?;
    let inputs = args.input.expand(&args.inputs)?;
    let files: Vec<&Path> = args.furniture.iter().map(PathBuf::as_path).collect();
    let mut read_here = inputs.clone();
    read_here.extend(as_inputs(&files));
    check_outputs(&[&Some(args.out.clone()), &args.stats], &read_here)?;
    let settings = format!(
        "{}\n{:?}",
        input_settings(&args.input)?,
        engine.config().analysis
    ) + &format!("\n{:?}", engine.config().models);
    let mut outputs = vec![args.out.as_path()];
    outputs.extend(args.stats.as_deref());
    let marker = Marker::new("analyze-batch", &settings, &inputs, &files, &outputs)?;
    run_stage("analyze-batch", args.input.quiet, marker, || {
        let mut out = AtomicFile::create(&args.out)?;
        let mut stats = args.stats.as_deref().map(AtomicFile::create).transpose()?;
        let start = Instant::now();
        // Without the merged counts: this shard's own, as `cluster` on its inputs
        // would strike (none for stdin, which cannot be read twice).
        let furniture = match &args.furniture {
            Some(p) => read::<FurnitureCounts>(p)?.furniture(),
            None if Input::rereadable(&inputs) => engine
                .furniture(DocReader::with_options(
                    inputs.clone(),
                    args.input.options()?,
                ))
                .context("reading (page furniture)")?
                .furniture(),
            None => Furniture::default(),
        };
        let (watched, progress) = args.input.watch(inputs, "reading and analyzing")?;
        let (docs, rejects) = engine
            .read_analyzed_with(watched, &furniture)
            .context("reading")?;
        progress.check_stop(&rejects)?;
        progress.finish();
        let shard = AnalyzedShard {
            docs,
            rejects,
            furniture,
            report: SavedReport::from(&progress.report()),
        };
        if let Some(f) = &mut stats {
            write(&shard.stats(), f)?;
        }
        write(&shard, &mut out)?;
        out.commit()?;
        if let Some(f) = stats {
            f.commit()?;
        }
        if !args.input.quiet {
            // Rejects and notes are reported once, by `stories`, for the whole run.
            eprintln!(
                "tidings: analyze-batch: {} documents read, {} rejected; {:.2} s; {} ({})",
                shard.docs.len(),
                shard.rejects.len(),
                start.elapsed().as_secs_f64(),
                args.out.display(),
                size_of(&args.out)
            );
            if shard.docs.is_empty() {
                args.input.warn(
                    "no document in this shard (a run of no document at all fails at `stories`)",
                );
            }
        }
        Ok(())
    })
}

pub fn run_stats_merge(args: StatsMergeArgs) -> Result<ExitCode> {
    let files: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    check_outputs(&[&Some(args.out.clone())], &as_inputs(&files))?;
    let marker = Marker::new("stats-merge", "", &[], &files, &[&args.out])?;
    run_stage("stats-merge", args.quiet, marker, || {
        let mut out = AtomicFile::create(&args.out)?;
        let kind = stage_file::type_of(files[0])?;
        for p in &files[1..] {
            let other = stage_file::type_of(p)?;
            anyhow::ensure!(
                other == kind,
                "{} holds a {other} and {} a {kind}: stats-merge merges files of one type",
                p.display(),
                files[0].display()
            );
        }
        let n = if kind == FurnitureCounts::TYPE {
            let mut all = FurnitureCounts::default();
            for p in &files {
                all.merge(read(p)?);
            }
            write(&all, &mut out)?;
            all.len()
        } else if kind == ShardStats::TYPE {
            let mut all = ShardStats::default();
            for p in &files {
                all.merge(read(p)?);
            }
            write(&all, &mut out)?;
            all.stats.n_docs()
        } else {
            anyhow::bail!(
                "{} holds a {kind}: stats-merge merges corpus statistics ({}) or page-furniture counts ({})",
                files[0].display(),
                ShardStats::TYPE,
                FurnitureCounts::TYPE
            );
        };
        out.commit()?;
        if !args.quiet {
            eprintln!(
                "tidings: stats-merge: {} files of {kind} merged ({n} {}); {} ({})",
                files.len(),
                if kind == ShardStats::TYPE {
                    "documents"
                } else {
                    "lines"
                },
                args.out.display(),
                size_of(&args.out)
            );
        }
        Ok(())
    })
}

pub fn run_graph(args: GraphArgs) -> Result<ExitCode> {
    let engine = args.engine.engine()?;
    let mut files: Vec<&Path> = args.shards.iter().map(PathBuf::as_path).collect();
    files.extend(args.stats.as_deref());
    check_outputs(&[&Some(args.out.clone())], &as_inputs(&files))?;
    let settings = format!("{:?}", engine.config());
    let marker = Marker::new("graph", &settings, &[], &files, &[&args.out])?;
    let quiet = args.quiet;
    let warn = |m: String| {
        if !quiet {
            eprintln!("tidings: warning: {m}");
        }
    };
    run_stage("graph", quiet, marker, || {
        let mut out = AtomicFile::create(&args.out)?;
        let start = Instant::now();
        let mut shards: Vec<AnalyzedShard> = Vec::with_capacity(args.shards.len());
        let mut report = SavedReport::default();
        for p in &args.shards {
            let mut shard: AnalyzedShard = read(p)?;
            if let Some(first) = shards.first() {
                anyhow::ensure!(
                    shard.furniture == first.furniture,
                    "{} was analyzed with other page furniture than {}: analyze every shard with the same --furniture (the merged counts of all shards)",
                    p.display(),
                    args.shards[0].display()
                );
                // One copy of the furniture is enough.
                shard.furniture = Furniture::default();
            }
            report.merge(std::mem::take(&mut shard.report));
            shards.push(shard);
        }
        let furniture = std::mem::take(&mut shards[0].furniture);
        let (corpus, n_read) = AnalyzedShard::assemble(shards);
        let stats = match &args.stats {
            Some(p) => {
                let given: ShardStats = read(p)?;
                if given.counts(&corpus) {
                    given.stats
                } else {
                    warn(format!(
                        "{} counts other documents than the shards assembled ({} counted, {} assembled: shards sharing ids, or statistics of other shards): counted again from the shards",
                        p.display(),
                        given.stats.n_docs(),
                        corpus.docs.len()
                    ));
                    engine.corpus_stats(&corpus)
                }
            }
            None => engine.corpus_stats(&corpus),
        };
        let vectors = engine.vectorize(corpus, &stats);
        drop(stats);
        let graph = engine.graph(&vectors);
        let value = GraphStage {
            config: engine.config().clone(),
            vectors,
            graph,
            furniture,
            n_read,
            report,
        };
        write(&value, &mut out)?;
        out.commit()?;
        if !quiet {
            eprintln!(
                "tidings: graph: {} documents ({} records rejected so far), {} edges, {} copies collapsed; {:.2} s; {} ({})",
                value.vectors.docs.len(),
                value.vectors.rejects.len(),
                value.graph.edges.len(),
                value.graph.copies.n_copies(),
                start.elapsed().as_secs_f64(),
                args.out.display(),
                size_of(&args.out)
            );
        }
        Ok(())
    })
}

pub fn run_stories(args: StoriesArgs) -> Result<ExitCode> {
    let engine = args.engine.engine()?;
    let inputs = if args.inputs.is_empty() {
        Vec::new()
    } else {
        args.input.expand(&args.inputs)?
    };
    let named = [&args.out, &args.assignments, &args.rejects];
    let mut read_here = inputs.clone();
    read_here.extend(as_inputs(&[&args.graph]));
    check_outputs(&named, &read_here)?;
    let settings = format!("{}\n{:?}", input_settings(&args.input)?, engine.config());
    let outputs: Vec<&Path> = named.iter().filter_map(|p| p.as_deref()).collect();
    let marker = Marker::new("stories", &settings, &inputs, &[&args.graph], &outputs)?;
    run_stage("stories", args.input.quiet, marker, || {
        let open = |p: &Option<PathBuf>| p.as_deref().map(AtomicFile::create).transpose();
        let (mut out, mut assignments, mut rejects) = (
            open(&args.out)?,
            open(&args.assignments)?,
            open(&args.rejects)?,
        );
        let start = Instant::now();
        let mut g: GraphStage = read(&args.graph)?;
        anyhow::ensure!(
            g.config == *engine.config(),
            "{} was built with other engine settings than these ({}): give `stories` the engine flags `graph` had",
            args.graph.display(),
            g.config.differences(engine.config()).join(", ")
        );
        let t = Instant::now();
        let labels = engine.stories_spilling(&mut g.vectors, &g.graph)?;
        let seconds_cluster = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let stories = engine.articles(&g.vectors, &g.graph, &labels);
        let seconds_articles = t.elapsed().as_secs_f64();
        let mut c = Clustering::new(g.vectors, g.graph, labels, stories);
        c.furniture = g.furniture;
        c.stats.n_read = g.n_read;
        c.stats.seconds_cluster = seconds_cluster;
        c.stats.seconds_articles = seconds_articles;
        // `stories` writes neither the edges nor the pair audit.
        c.drop_vectors();
        if !inputs.is_empty() {
            if Input::rereadable(&inputs) {
                engine
                    .add_sentences(
                        &mut c,
                        DocReader::with_options(inputs, args.input.options()?),
                    )
                    .context("reading again (the sentences each member adds)")?;
            } else {
                args.input.warn(
                    "stdin cannot be read again: no sentences are listed as what members add",
                );
            }
        }
        c.stats.seconds_total = start.elapsed().as_secs_f64();
        let ctx = |f: &AtomicFile| format!("writing {}", f.path().display());
        if let Some(f) = &mut out {
            write_stories(&c, f.writer()).with_context(|| ctx(f))?;
        }
        if let Some(f) = &mut assignments {
            write_assignments(&c, f.writer()).with_context(|| ctx(f))?;
        }
        if let Some(f) = &mut rejects {
            write_rejects_file(f, &c)?;
        }
        let to_stdout = out.is_none();
        for f in [out, assignments, rejects].into_iter().flatten() {
            f.commit()?;
        }
        if to_stdout {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write_stories(&c, &mut w)
                .and_then(|()| std::io::Write::flush(&mut w))
                .context("writing stories")?;
        }
        let rejects_file = args.rejects.as_ref().map(|p| p.display().to_string());
        report_and_check(
            &args.input,
            &c,
            &g.report.into_report(),
            rejects_file.as_deref(),
        )
    })
}
