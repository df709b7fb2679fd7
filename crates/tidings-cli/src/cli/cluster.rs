//! `tidings cluster`: documents in, stories, assignments and rejects out.

use super::{create, ensure_read, inputs_of, EngineArgs};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::engine::Clustering;
use tidings::output::{tsv_field, write_assignments, write_rejects, write_stories};

#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// JSONL files (`.jsonl`, `.jsonl.gz`), folders of `.txt` files, or `-` for JSONL on stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Stories as JSONL (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// TSV `id story article`, one row per input document.
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// TSV of input records that could not be read, with the reason (default: listed on stderr).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// TSV `a b sim` of the kNN graph's edges (exact cosine), for inspection and threshold sweeps.
    #[arg(long)]
    edges: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn summary(c: &Clustering) -> String {
    let s = &c.stats;
    let langs: Vec<String> = s
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    format!(
        "tidings: {} documents read, {} rejected; languages: {}; {} stories, {} with more than one document; {} copies collapsed; {:.2} s ({:.0} docs/s; read+analyze {:.2} s, index {:.2} s, stories {:.2} s, articles {:.2} s)",
        s.n_read,
        s.n_rejected,
        langs.join(", "),
        s.n_stories,
        s.n_multi,
        s.n_copies,
        s.seconds_total,
        s.n_read as f64 / s.seconds_total.max(1e-9),
        s.seconds_read_analyze,
        s.seconds_index,
        s.seconds_cluster,
        s.seconds_articles
    )
}

pub fn run(args: ClusterArgs) -> Result<ExitCode> {
    let engine = args.engine.engine()?;
    let inputs = inputs_of(&args.inputs)?;
    let result = engine.cluster_inputs(inputs).context("clustering")?;
    match &args.out {
        Some(p) => write_stories(&result, create(p)?)
            .with_context(|| format!("writing {}", p.display()))?,
        None => write_stories(&result, std::io::stdout().lock()).context("writing stories")?,
    }
    if let Some(p) = &args.edges {
        tidings::output::write_edges(&result, create(p)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.assignments {
        write_assignments(&result, create(p)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    match &args.rejects {
        Some(p) => write_rejects(&result, create(p)?)
            .with_context(|| format!("writing {}", p.display()))?,
        None => {
            for r in &result.rejects {
                // Escaped as in the rejects file: an id with a line break stays on its line.
                eprintln!(
                    "tidings: rejected {} {}: {}",
                    tsv_field(&r.location),
                    r.id.as_deref().map_or("(no id)".into(), tsv_field),
                    tsv_field(&r.reason)
                );
            }
        }
    }
    eprintln!("{}", summary(&result));
    ensure_read(&result)?;
    Ok(ExitCode::SUCCESS)
}
