//! `tidings eval`: score assignments against gold labels, or cluster and score.

use super::cluster::report_and_check;
use super::input::InputArgs;
use super::EngineArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::engine::SWEEP_THRESHOLDS;
use tidings::output::{article_id, story_id};
use tidings_eval::plot::sweep_svg;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Gold labels: TSV `id story article lang`.
    #[arg(long)]
    gold: PathBuf,
    /// Predicted assignments: TSV `id story [article]` (as `cluster --assignments` writes).
    #[arg(long, conflicts_with = "inputs")]
    assignments: Option<PathBuf>,
    /// Documents to cluster and score (instead of --assignments).
    inputs: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Score only documents whose gold language is one of these (comma-separated
    /// ISO 639-3 codes), e.g. the languages that have lexicons.
    #[arg(long, value_delimiter = ',')]
    langs: Vec<String>,
    /// Also score the stories at several thresholds (reading and indexing once):
    /// 0.02 to 0.2, or those of --sweep-thresholds.
    #[arg(long)]
    sweep: bool,
    /// Story thresholds of the sweep, comma-separated (implies --sweep).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    sweep_thresholds: Vec<f32>,
    /// Pairs of documents that must never share a story (TSV `id_a id_b`): report
    /// how many the clustering merged.
    #[arg(long, value_name = "FILE")]
    must_split: Option<PathBuf>,
    /// When clustering INPUTS: also report language identification per gold
    /// language (the gold `lang` column against the detected language).
    #[arg(long, conflicts_with = "assignments")]
    lang_report: bool,
    /// Draw the sweep as an SVG plot into this file (implies --sweep).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// The engine's settings when clustering INPUTS (as `tidings cluster` takes them).
    #[command(flatten)]
    engine: EngineArgs,
    /// How INPUTS are read (as `tidings cluster` reads them).
    #[command(flatten)]
    input: InputArgs,
}

impl EvalArgs {
    /// The thresholds to sweep, sorted and distinct; empty when there is no sweep.
    fn sweep_thresholds(&self) -> Result<Vec<f32>> {
        if !self.sweep && self.sweep_thresholds.is_empty() && self.plot.is_none() {
            return Ok(Vec::new());
        }
        anyhow::ensure!(
            self.assignments.is_none(),
            "a threshold sweep (--sweep, --sweep-thresholds, --plot) clusters the input \
             documents at each threshold; it cannot rescore the fixed --assignments"
        );
        let mut ts = if self.sweep_thresholds.is_empty() {
            SWEEP_THRESHOLDS.to_vec()
        } else {
            self.sweep_thresholds.clone()
        };
        if let Some(t) = ts.iter().find(|t| !(0.0..=1.0).contains(*t)) {
            anyhow::bail!("--sweep-thresholds: {t} is not between 0 and 1");
        }
        ts.sort_by(f32::total_cmp);
        ts.dedup();
        Ok(ts)
    }
}

/// The corpus as people call it: the input file names without `.jsonl`/`.gz`.
fn corpus_name(inputs: &[PathBuf]) -> String {
    let names: Vec<String> = inputs
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
            let name = name.strip_suffix(".gz").unwrap_or(&name);
            name.strip_suffix(".jsonl").unwrap_or(name).to_owned()
        })
        .collect();
    names.join(" + ")
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    use tidings_eval::{
        evaluate, hard_negatives, language_identification, language_identification_table,
        score_sweep, Assignments, GoldLabels, MustSplit,
    };
    let sweep = args.sweep_thresholds()?;
    let gold = GoldLabels::read(&args.gold)?;
    let mut headlines: std::collections::HashMap<String, String> = Default::default();
    let mut ids: Vec<String> = Vec::new();
    let mut points = Vec::new();
    let mut detected: std::collections::HashMap<String, String> = Default::default();
    let pred = match &args.assignments {
        Some(p) => Assignments::read(p)?,
        None => {
            anyhow::ensure!(
                !args.inputs.is_empty(),
                "give --assignments FILE or input documents to cluster"
            );
            let engine = args.engine.engine()?;
            let inputs = args.input.expand(&args.inputs)?;
            let (result, sweep_points, report) =
                args.input.read_and_cluster(&engine, inputs, &sweep)?;
            report_and_check(&args.input, &result, &report, None)?;
            if !sweep_points.is_empty() {
                eprintln!("tidings: sweep of {} thresholds", sweep_points.len());
                ids = result.docs.iter().map(|d| d.id.clone()).collect();
                points = sweep_points;
            }
            if args.lang_report {
                detected = result
                    .docs
                    .iter()
                    .map(|d| (d.id.clone(), d.lang.code().to_string()))
                    .collect();
            }
            // For the table only (a million of them cost half a second).
            if !args.json {
                headlines = result
                    .docs
                    .iter()
                    .map(|d| (d.id.clone(), d.headline.clone()))
                    .collect();
            }
            // The rows `cluster --assignments` writes, taken from memory.
            let pred = Assignments::from_numbered(
                result.docs.iter().map(|d| d.id.clone()).collect(),
                &result.story_of_doc,
                &result.article_of_doc,
                |s| story_id(&result, s as usize),
                |a| article_id(&result, a),
            );
            super::cluster::leave_to_exit(result);
            pred
        }
    };
    let (gold, pred) = if args.langs.is_empty() {
        (gold, pred)
    } else {
        let langs: Vec<&str> = args.langs.iter().map(String::as_str).collect();
        let gold = gold.retain_langs(&langs);
        let kept: std::collections::HashSet<&str> = gold.ids.iter().map(String::as_str).collect();
        let pred = pred.retain_ids(|id| kept.contains(id));
        (gold, pred)
    };
    let mut report = evaluate(&gold, &pred);
    // Ids outside the gold labels (e.g. other languages with --langs) are ignored
    // by the scoring, so the sweep needs no filtering of its own.
    report.sweep = score_sweep(
        &gold,
        &ids,
        points
            .iter()
            .map(|p| (p.threshold, p.story_of_doc.as_slice())),
    );
    if let Some(path) = &args.plot {
        let mut corpus = corpus_name(&args.inputs);
        if !args.langs.is_empty() {
            corpus = format!("{corpus} ({})", args.langs.join(","));
        }
        std::fs::write(path, sweep_svg(&corpus, &report.sweep))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let hard = match &args.must_split {
        Some(path) => Some(hard_negatives(&MustSplit::read(path)?, &pred)),
        None => None,
    };
    // The gold file's codes as the engine writes them (`fas` is `pes`).
    let canonical = |code: &str| {
        tidings::lang::Lang::from_code(code).map_or_else(|| code.to_string(), |l| l.code().into())
    };
    let langid = args
        .lang_report
        .then(|| language_identification(&gold, &detected, canonical));
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(h) = &hard {
            value["hard_negatives"] = serde_json::to_value(h)?;
        }
        if let Some(rows) = &langid {
            value["language_identification"] = serde_json::to_value(rows)?;
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!(
            "{}",
            report.to_table_with(|id| headlines.get(id).map(|h| h.chars().take(60).collect()))
        );
        if let Some(h) = &hard {
            println!(
                "\nmust-split pairs merged: {} of {} ({} with both documents clustered)",
                h.merged.len(),
                h.pairs,
                h.scored
            );
            for (a, b) in &h.merged {
                println!("  {a} {b}");
            }
        }
        if let Some(rows) = &langid {
            print!("\n{}", language_identification_table(rows));
        }
    }
    Ok(ExitCode::SUCCESS)
}
