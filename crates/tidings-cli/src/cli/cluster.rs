//! `tidings cluster`: documents in, stories, assignments and rejects out.

use super::atomic::{check_outputs, AtomicFile};
use super::input::{check_outcome, InputArgs};
use super::EngineArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tidings::document::{DocReader, Input};
use tidings::engine::{Clustering, Engine};
use tidings::output::{write_assignments, write_rejects, write_rejects_jsonl, write_stories};
use tidings::state::{Block, BlockBytes, BlockKey, State};

#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// JSONL (.jsonl .ndjson .json), WARC/WET (.warc .wet) or .txt files, plain or
    /// compressed (gzip, zstd, xz, bzip2: told by their bytes); folders, searched
    /// recursively; or `-` for stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Stories as JSONL (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// TSV `id story article`, one row per input document (fields escaped: `\t`, `\n`, `\r`, `\0`, `\\`).
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// The input records that could not be read, as JSONL `{source, line|offset|record, id, reason}`
    /// (TSV `location id reason` if the name ends in `.tsv`); default: summarized on stderr.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// TSV `a b sim` of the kNN graph's edges (exact cosine), for inspection and threshold sweeps.
    #[arg(long)]
    edges: Option<PathBuf>,
    /// JSONL audit of the pairs compared (every graph edge and every collapsed copy): both ids, their cosine, their relation (copy, version, translation, independent, different_story), kept or cut, and why.
    #[arg(long, value_name = "FILE")]
    pairs: Option<PathBuf>,
    /// Format of the stories and assignments: text (stories JSONL, assignments TSV)
    /// or parquet (builds with `--features parquet`).
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    /// Incremental runs: keep the statistics, the documents that can still join a
    /// story and every story id in DIR (made if missing), and add these inputs to
    /// the stories of earlier runs. Story ids never change once written; the outputs
    /// hold this batch and the earlier documents still open (see README).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    engine: EngineArgs,
}

fn summary(c: &Clustering) -> String {
    let s = &c.stats;
    let langs: Vec<String> = s
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    format!(
        "tidings: {} documents read, {} rejected; languages: {}; {} stories, {} with more than one document; {} copies collapsed; {:.2} s ({:.0} docs/s; furniture {:.2} s, read+analyze {:.2} s, index {:.2} s, stories {:.2} s, articles {:.2} s, sentences {:.2} s)",
        c.docs.len(),
        c.rejects.len(),
        langs.join(", "),
        s.n_stories,
        s.n_multi,
        s.n_copies,
        s.seconds_total,
        s.n_read as f64 / s.seconds_total.max(1e-9),
        s.seconds_furniture,
        s.seconds_read_analyze,
        s.seconds_index,
        s.seconds_cluster,
        s.seconds_articles,
        s.seconds_sentences
    )
}

/// How stories and assignments are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    Text,
    Parquet,
}

impl OutFormat {
    /// An error, before any work, for a format this build cannot write.
    fn check(self) -> Result<()> {
        anyhow::ensure!(
            self == OutFormat::Text || cfg!(feature = "parquet"),
            "--format parquet: this build writes no Parquet (build it with `cargo build --release --features parquet`)"
        );
        Ok(())
    }
}

/// Stories in `format`.
fn stories_as(
    format: OutFormat,
    result: &Clustering,
    w: impl std::io::Write + Send,
) -> std::io::Result<()> {
    match format {
        #[cfg(feature = "parquet")]
        OutFormat::Parquet => tidings::output::parquet_out::write_stories(result, w),
        _ => write_stories(result, w),
    }
}

/// Assignments in `format`.
fn assignments_as(
    format: OutFormat,
    result: &Clustering,
    w: impl std::io::Write + Send,
) -> std::io::Result<()> {
    match format {
        #[cfg(feature = "parquet")]
        OutFormat::Parquet => tidings::output::parquet_out::write_assignments(result, w),
        _ => write_assignments(result, w),
    }
}

/// The rejects of `result` into `f`: TSV if its name ends in `.tsv`, else JSONL.
///
/// # Errors
/// Writing fails.
pub fn write_rejects_file(f: &mut AtomicFile, result: &Clustering) -> Result<()> {
    let tsv = f
        .path()
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let written = if tsv {
        write_rejects(result, f.writer())
    } else {
        write_rejects_jsonl(result, f.writer())
    };
    written.with_context(|| format!("writing {}", f.path().display()))
}

/// The output files, each open on its temporary name: created before any input is
/// read, so a bad path fails at once; none may be an input or another output.
struct Outputs {
    out: Option<AtomicFile>,
    assignments: Option<AtomicFile>,
    rejects: Option<AtomicFile>,
    edges: Option<AtomicFile>,
    pairs: Option<AtomicFile>,
}

impl Outputs {
    fn create(args: &ClusterArgs, inputs: &[Input]) -> Result<Outputs> {
        check_outputs(
            &[
                &args.out,
                &args.assignments,
                &args.rejects,
                &args.edges,
                &args.pairs,
            ],
            inputs,
        )?;
        let open = |p: &Option<PathBuf>| p.as_deref().map(AtomicFile::create).transpose();
        Ok(Outputs {
            out: open(&args.out)?,
            assignments: open(&args.assignments)?,
            rejects: open(&args.rejects)?,
            edges: open(&args.edges)?,
            pairs: open(&args.pairs)?,
        })
    }

    /// Drops the vectors and the graph unless the edges or the pair audit are
    /// asked for (see [`Clustering::drop_vectors`]): the 200k crawl yardstick's
    /// sentences pass then peaks at 846 MB, not 1,014 (BENCHMARKS.md).
    fn drop_what_they_do_not_read(&self, result: &mut Clustering) {
        if self.edges.is_none() && self.pairs.is_none() {
            result.drop_vectors();
        }
    }

    /// Writes every output file, then renames them all into place (a failure on
    /// one leaves no new file behind); then the stories to stdout if no `-o`, last,
    /// so a reader that closes stdout early (`| head`) loses none of the files.
    fn write(
        mut self,
        result: &Clustering,
        config: &tidings::config::EngineConfig,
        format: OutFormat,
    ) -> Result<()> {
        let ctx = |f: &AtomicFile| format!("writing {}", f.path().display());
        // The stories and the assignments are written at once: the assignments on
        // one thread, in the time the stories' records take on the pool.
        let (stories, assignments) = rayon::join(
            || match &mut self.out {
                Some(f) => stories_as(format, result, f.writer()).with_context(|| ctx(f)),
                None => Ok(()),
            },
            || match &mut self.assignments {
                Some(f) => assignments_as(format, result, f.writer()).with_context(|| ctx(f)),
                None => Ok(()),
            },
        );
        stories?;
        assignments?;
        if let Some(f) = &mut self.edges {
            tidings::output::write_edges(result, f.writer()).with_context(|| ctx(f))?;
        }
        if let Some(f) = &mut self.pairs {
            tidings::output::write_pairs(result, config, f.writer()).with_context(|| ctx(f))?;
        }
        if let Some(f) = &mut self.rejects {
            write_rejects_file(f, result)?;
        }
        let to_stdout = self.out.is_none();
        for f in [
            self.out,
            self.edges,
            self.pairs,
            self.assignments,
            self.rejects,
        ]
        .into_iter()
        .flatten()
        {
            f.commit()?;
        }
        if to_stdout {
            // Stdout itself (not its lock) is Send, as the Parquet writer needs.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
            stories_as(format, result, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out))
                .context("writing stories")?;
        }
        Ok(())
    }
}

pub fn run(args: ClusterArgs) -> Result<ExitCode> {
    args.format.check()?;
    let engine = args.engine.engine()?;
    let inputs = args.input.expand(&args.inputs)?;
    let outputs = Outputs::create(&args, &inputs)?;
    if let Some(dir) = &args.state {
        return run_with_state(&args, dir, &engine, inputs, outputs);
    }
    let again = Input::rereadable(&inputs).then(|| inputs.clone());
    let (mut result, _, report) = args.input.read_and_cluster(&engine, inputs, &[])?;
    outputs.drop_what_they_do_not_read(&mut result);
    // What each independent report or edited copy adds, sentence by sentence, needs
    // their texts again: one more read (stdin was read once and is not).
    add_sentences_again(&engine, &mut result, again, &args.input)?;
    outputs.write(&result, engine.config(), args.format)?;
    let rejects_file = args.rejects.as_ref().map(|p| p.display().to_string());
    report_and_check(&args.input, &result, &report, rejects_file.as_deref())?;
    leave_to_exit(result);
    Ok(ExitCode::SUCCESS)
}

/// Leaves the run's result, no longer needed, to the end of the process instead
/// of freeing it: its documents' metadata, vectors and stories are millions of
/// allocations, freed one by one in about 1.5 s at 1M documents (`perf`), and the
/// system takes the memory back whole at exit. Only for a command that ends soon
/// after (`cluster` once its outputs are written, `eval` once it has the rows).
pub(crate) fn leave_to_exit(result: tidings::engine::Clustering) {
    std::mem::forget(result);
}

/// The sentences each member adds ([`Engine::add_sentences`]), from another read
/// of `again`, the inputs when they can be read twice.
///
/// # Errors
/// An input that cannot be read again.
fn add_sentences_again(
    engine: &Engine,
    result: &mut Clustering,
    again: Option<Vec<Input>>,
    input: &InputArgs,
) -> Result<()> {
    if let Some(inputs) = again {
        engine
            .add_sentences(result, DocReader::with_options(inputs, input.options()?))
            .context("reading again (the sentences each member adds)")?;
    }
    Ok(())
}

/// After a clustering run: what reading noticed and the summary on stderr, then
/// the exit rules ([`check_outcome`]).
///
/// # Errors
/// Nothing read, or too many rejects.
pub fn report_and_check(
    input: &InputArgs,
    result: &Clustering,
    report: &tidings::document::ReadReport,
    rejects_file: Option<&str>,
) -> Result<()> {
    input.print_report(&result.rejects, report, rejects_file);
    if !input.quiet {
        eprintln!("{}", summary(result));
    }
    check_outcome(
        result.docs.len(),
        &result.rejects,
        report,
        input.max_reject_share,
    )
}

/// The state's index in a `--state` folder ([`State`]).
const STATE_FILE: &str = "state.bin";
/// The folder of its blocks of documents ([`Block`]), one file each.
const BLOCKS: &str = "blocks";

/// The blocks `keys` of the state in `dir`, read back.
///
/// # Errors
/// A block the index lists is missing or damaged.
fn read_blocks(dir: &Path, keys: &[BlockKey]) -> Result<Vec<Block>> {
    keys.iter()
        .map(|k| {
            let path = dir.join(BLOCKS).join(k.file_name());
            let bytes = std::fs::read(&path).with_context(|| {
                format!("reading {} (the state's index lists it)", path.display())
            })?;
            let block =
                Block::from_bytes(&bytes).with_context(|| format!("reading {}", path.display()))?;
            anyhow::ensure!(block.key == *k, "{} holds another block", path.display());
            Ok(block)
        })
        .collect()
}

/// Writes `bytes` to `path` whole or not at all.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make {}", parent.display()))?;
    }
    let mut f = AtomicFile::create(path)?;
    std::io::Write::write_all(f.writer(), bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    f.commit()
}

/// `cluster --state DIR`: the inputs are one batch, clustered with the open
/// documents of the earlier ones (`tidings::state`). The outputs are committed
/// first, the state last: a run that fails before the end leaves the state as it
/// was, and running the batch again gives the same outputs.
fn run_with_state(
    args: &ClusterArgs,
    dir: &Path,
    engine: &Engine,
    inputs: Vec<Input>,
    outputs: Outputs,
) -> Result<ExitCode> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot make the state folder {}", dir.display()))?;
    let path = dir.join(STATE_FILE);
    let mut state_file = AtomicFile::create(&path)?;
    let mut state = match std::fs::read(&path) {
        Ok(bytes) => State::from_bytes(&bytes, engine.config())
            .with_context(|| format!("reading {}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::new(engine.config()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let again = Input::rereadable(&inputs).then(|| inputs.clone());
    // The batch's page furniture, added to that of the earlier batches.
    let start = std::time::Instant::now();
    let batch_furniture = args.input.furniture_counts(engine, &inputs)?;
    let seconds_furniture = start.elapsed().as_secs_f64();
    let mut counts = state.furniture().clone();
    counts.merge(batch_furniture.clone());
    let furniture = counts.furniture();
    let (watched, progress) = args.input.watch(inputs, "reading and analyzing")?;
    let (analyzed, rejects) = engine
        .read_analyzed_with(watched, &furniture)
        .context("reading")?;
    let n_read = analyzed.len();
    let seconds_read = start.elapsed().as_secs_f64() - seconds_furniture;
    progress.check_stop(&rejects)?;
    progress.message("clustering with the state (stories, articles)");
    let batch = state.admit(analyzed, rejects);
    let loaded = read_blocks(dir, &state.blocks_for(&batch, engine.config()))?;
    // The blocks first (as they are made), the index last: a block may then hold
    // documents of a run whose index was never written (it failed, or the exit
    // rules below stopped it), and the next run leaves them out.
    let blocks_dir = dir.join(BLOCKS);
    let write_block = |b: BlockBytes| write_atomic(&blocks_dir.join(b.key.file_name()), &b.bytes);
    let (mut result, inc) = engine
        .cluster_increment(&mut state, batch, loaded, batch_furniture, write_block)
        .context("clustering")?;
    result.furniture = furniture;
    progress.finish();
    result.stats.n_read = n_read;
    result.stats.seconds_furniture = seconds_furniture;
    result.stats.seconds_read_analyze = seconds_read;
    result.stats.seconds_total = start.elapsed().as_secs_f64();
    let report = progress.report();
    outputs.drop_what_they_do_not_read(&mut result);
    add_sentences_again(engine, &mut result, again, &args.input)?;
    outputs.write(&result, engine.config(), args.format)?;
    let rejects_file = args.rejects.as_ref().map(|p| p.display().to_string());
    args.input
        .print_report(&result.rejects, &report, rejects_file.as_deref());
    if !args.input.quiet {
        eprintln!("{}", summary(&result));
        eprintln!(
            "tidings: state {}: batch {}: {} documents added ({} joined {} earlier stories; {} new stories; {} earlier stories retired into older ones they now share a story with); {} earlier documents clustered again (of {} read from {} blocks); {} documents in all, in {} blocks",
            dir.display(),
            state.batches,
            inc.added,
            inc.joined_docs,
            inc.joined,
            inc.started,
            inc.retired,
            inc.again,
            inc.loaded,
            inc.blocks,
            state.len(),
            state.n_blocks()
        );
    }
    // A batch that fails the exit rules (nothing new read, too many rejects) does
    // not change the state: its outputs say what happened, and it can be run again.
    check_outcome(
        inc.added,
        &result.rejects,
        &report,
        args.input.max_reject_share,
    )?;
    let bytes = state.to_bytes()?;
    std::io::Write::write_all(state_file.writer(), &bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    state_file.commit()?;
    Ok(ExitCode::SUCCESS)
}
