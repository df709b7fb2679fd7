//! `tidings build-lexicons`: raw bilingual pairs → `models/lexicons`.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings_lexicon::build_lexicons;

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Folder of raw pair files written by tools/lexicon/extract.py.
    #[arg(long)]
    raw: PathBuf,
    /// Hand-written patch file.
    #[arg(long)]
    patch: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "models/lexicons")]
    out: PathBuf,
}

pub fn run(args: BuildArgs) -> Result<ExitCode> {
    let written =
        build_lexicons(&args.raw, args.patch.as_deref(), &args.out).context("building lexicons")?;
    for (lang, n) in written {
        eprintln!("tidings: {lang}: {n} keys");
    }
    Ok(ExitCode::SUCCESS)
}
