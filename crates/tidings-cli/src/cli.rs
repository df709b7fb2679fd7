//! Command-line interface: one `Args` struct per subcommand, each turned into a
//! validated library config before anything runs.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::analyze::TokenKind;
use tidings::document::{expand_inputs, Day, DocReader};
use tidings::graph::IndexKind;
use tidings::lang::{detect_lang, Lang};
use tidings::lexicon::{ModelSource, Models};
use tidings_lexicon::build_lexicons;
use tidings::output::{write_assignments, write_rejects, write_stories};
use tidings::pipeline::{cluster_inputs, Clustering, Config, SWEEP_THRESHOLDS};
use tidings::pivot::{cached_word, segment_ideo, Match, TermInfo};
use tidings_eval::plot::sweep_svg;
use tidings_synth::{Mode, SourceSet, SynthConfig, Synthesizer};

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
    models: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

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
    /// Average-link cut for stories (mean pairwise cosine).
    #[arg(long, default_value_t = Config::default().cluster.threshold)]
    threshold: f32,
    /// Average-link cut for articles inside a story.
    #[arg(long, default_value_t = Config::default().article.threshold)]
    article_threshold: f32,
    /// Documents dated more than this many days apart never share a story (0 = no limit).
    #[arg(long, default_value_t = 7)]
    max_days: i32,
    /// Neighbours per document in the kNN graph.
    #[arg(long, default_value_t = Config::default().k)]
    k: usize,
    /// Nearest-neighbour index (auto: brute force while no date window holds more than 200,000 documents, HNSW above).
    #[arg(long, value_parser = ["auto", "hnsw", "exact"], default_value = "auto")]
    index: String,
    #[command(flatten)]
    common: CommonArgs,
}

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
    /// Draw the sweep as an SVG plot into this file (implies --sweep).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    cluster: EvalClusterArgs,
}

#[derive(Args, Debug)]
pub struct EvalClusterArgs {
    /// Average-link cut for stories, when clustering INPUTS.
    #[arg(long, default_value_t = Config::default().cluster.threshold)]
    threshold: f32,
    /// Average-link cut for articles, when clustering INPUTS.
    #[arg(long, default_value_t = Config::default().article.threshold)]
    article_threshold: f32,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// JSONL files, folders of `.txt` files, or `-` for stdin; with --text, none.
    inputs: Vec<PathBuf>,
    /// Analyze this text instead of input files.
    #[arg(long)]
    text: Option<String>,
    /// Language of --text (default: detected).
    #[arg(long)]
    lang: Option<String>,
    /// Instead of tokens, print per language the share of content words that reach
    /// a pivot concept (TSV `lang docs content_words pivoted names coverage
    /// coverage_without_names`; names: unreached words capitalized mid-sentence).
    #[arg(long)]
    coverage: bool,
    #[command(flatten)]
    common: CommonArgs,
}

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

fn model_source(common: &CommonArgs) -> ModelSource {
    match &common.models {
        Some(d) => ModelSource::Dir(d.clone()),
        None => ModelSource::Bundled,
    }
}

fn set_threads(common: &CommonArgs) -> Result<()> {
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("setting up threads")?;
    }
    Ok(())
}

impl ClusterArgs {
    fn to_config(&self) -> Result<Config> {
        let mut c = Config {
            models: model_source(&self.common),
            k: self.k.max(1),
            ..Config::default()
        };
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.threshold),
            "--threshold must be between 0 and 1"
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.article_threshold),
            "--article-threshold must be between 0 and 1"
        );
        c.cluster.threshold = self.threshold;
        c.cluster.max_days = (self.max_days > 0).then_some(self.max_days);
        c.article.threshold = self.article_threshold;
        c.index = match self.index.as_str() {
            "hnsw" => IndexKind::Hnsw,
            "exact" => IndexKind::Exact,
            _ => IndexKind::Auto,
        };
        Ok(c)
    }
}

fn create(path: &PathBuf) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(
        File::create(path).with_context(|| format!("creating {}", path.display()))?,
    ))
}

fn summary(c: &Clustering) -> String {
    let s = &c.stats;
    let langs: Vec<String> = s
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    format!(
        "tidings: {} documents read, {} rejected; languages: {}; {} stories, {} with more than one document; {:.2} s ({:.0} docs/s; read+analyze {:.2} s, index {:.2} s, cluster {:.2} s)",
        s.n_read,
        s.n_rejected,
        langs.join(", "),
        s.n_stories,
        s.n_multi,
        s.seconds_total,
        s.n_read as f64 / s.seconds_total.max(1e-9),
        s.seconds_read_analyze,
        s.seconds_index,
        s.seconds_cluster
    )
}

fn cluster(args: ClusterArgs) -> Result<ExitCode> {
    set_threads(&args.common)?;
    let config = args.to_config()?;
    let inputs = expand_inputs(&args.inputs).context("reading inputs")?;
    let result = cluster_inputs(inputs, &config).context("clustering")?;
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
                eprintln!(
                    "tidings: rejected {} {}: {}",
                    r.location,
                    r.id.as_deref().unwrap_or("(no id)"),
                    r.reason
                );
            }
        }
    }
    eprintln!("{}", summary(&result));
    Ok(ExitCode::SUCCESS)
}

fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    set_threads(&args.common)?;
    let models = Models::new(model_source(&args.common))?;
    let mut docs = Vec::new();
    if let Some(t) = &args.text {
        docs.push(tidings::document::Document {
            id: "text".into(),
            text: t.clone(),
            ..Default::default()
        });
    } else {
        anyhow::ensure!(!args.inputs.is_empty(), "give input files or --text");
        for item in DocReader::new(expand_inputs(&args.inputs)?) {
            match item? {
                Ok(d) => docs.push(d),
                Err(r) => eprintln!("tidings: rejected {}: {}", r.location, r.reason),
            }
        }
    }
    let forced = match &args.lang {
        Some(l) => {
            Some(Lang::from_code(l).with_context(|| format!("unknown language code {l:?}"))?)
        }
        None => None,
    };
    let lang_of = |doc: &tidings::document::Document| {
        forced
            .or(doc.lang)
            .unwrap_or_else(|| detect_lang(&doc.text))
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.coverage {
        let feats: Vec<(Lang, tidings::pivot::DocFeatures)> = docs
            .iter()
            .map(|doc| {
                let lang = lang_of(doc);
                (
                    lang,
                    tidings::pivot::doc_features(&doc.text, lang, &models, &Default::default()),
                )
            })
            .collect();
        let mut per_lang: Vec<_> =
            tidings::pivot::coverage_by_lang(feats.iter().map(|(l, f)| (*l, f)))
                .into_iter()
                .map(|(l, counts)| (l.code(), counts))
                .collect();
        per_lang.sort_by_key(|(code, _)| *code);
        writeln!(
            out,
            "lang\tdocs\tcontent_words\tpivoted\tnames\tcoverage\tcoverage_without_names"
        )?;
        for (lang, c) in per_lang {
            writeln!(
                out,
                "{lang}\t{}\t{}\t{}\t{}\t{:.3}\t{:.3}",
                c.docs,
                c.content_words,
                c.pivoted,
                c.names,
                c.share(),
                c.share_without_names()
            )?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "id\tlang\ttoken\tterm\tstem\tpivots")?;
    for doc in &docs {
        let lang = lang_of(doc);
        let mut rows: Vec<(String, String, String, String)> = Vec::new();
        tidings::analyze::tokenize(&doc.text, |tok| match tok.kind {
            TokenKind::Number => rows.push((
                tok.text.into(),
                tok.text.into(),
                tok.text.into(),
                "(number)".into(),
            )),
            TokenKind::Ideo => segment_ideo(tok.text, lang, &models, |start, end, matched| {
                let word = &tok.text[start..end];
                if matched {
                    let info = cached_word(lang, word, &models);
                    rows.push((
                        word.into(),
                        info.term.to_string(),
                        info.key.to_string(),
                        describe_pivots(&info, lang, &models),
                    ));
                } else {
                    rows.push((word.into(), word.into(), word.into(), "(no word)".into()));
                }
            }),
            TokenKind::Word => {
                let info = cached_word(lang, tok.text, &models);
                rows.push((
                    tok.text.into(),
                    info.term.to_string(),
                    info.key.to_string(),
                    describe_pivots(&info, lang, &models),
                ));
            }
        });
        for (token, term, stem, pivots) in rows {
            writeln!(out, "{}\t{lang}\t{token}\t{term}\t{stem}\t{pivots}", doc.id)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `pivots` column of `tidings analyze`: `concept:weight …` from the lexicon (or
/// the English word itself), `~concept:weight` for a transliteration guess.
fn describe_pivots(info: &TermInfo, lang: Lang, models: &Models) -> String {
    let named = |c: &str, w: f32| format!("{c}:{w:.2}");
    match (info.stop, info.matched, info.source_key.as_deref()) {
        (true, _, _) => "(stopword)".into(),
        (_, Some(Match::Lexicon), Some(k)) => models
            .get(lang)
            .map(|lex| {
                lex.lookup_named(k)
                    .into_iter()
                    .map(|(c, w)| named(c, w))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
        (_, Some(Match::Pivot), Some(k)) => named(k, 1.0),
        (_, Some(Match::Fallback), Some(k)) => {
            let w = info.concepts.first().map_or(0.0, |c| c.1);
            format!("~{}", named(k, w))
        }
        _ => "(none)".into(),
    }
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

fn eval(args: EvalArgs) -> Result<ExitCode> {
    use tidings_eval::{evaluate, score_sweep, Assignments, GoldLabels};
    let sweep = args.sweep_thresholds()?;
    let gold = GoldLabels::read(&args.gold)?;
    let mut headlines: std::collections::HashMap<String, String> = Default::default();
    let mut ids: Vec<String> = Vec::new();
    let mut points = Vec::new();
    let pred = match &args.assignments {
        Some(p) => Assignments::read(p)?,
        None => {
            anyhow::ensure!(
                !args.inputs.is_empty(),
                "give --assignments FILE or input documents to cluster"
            );
            set_threads(&args.cluster.common)?;
            let mut config = Config {
                models: model_source(&args.cluster.common),
                sweep,
                ..Config::default()
            };
            config.cluster.threshold = args.cluster.threshold;
            config.article.threshold = args.cluster.article_threshold;
            let mut result =
                cluster_inputs(expand_inputs(&args.inputs)?, &config).context("clustering")?;
            eprintln!("{}", summary(&result));
            if !result.sweep.is_empty() {
                eprintln!(
                    "tidings: sweep of {} thresholds: {:.2} s",
                    result.sweep.len(),
                    result.stats.seconds_sweep
                );
                ids = result.docs.iter().map(|d| d.id.clone()).collect();
                points = std::mem::take(&mut result.sweep);
            }
            let mut buf = Vec::new();
            write_assignments(&result, &mut buf)?;
            headlines = result
                .docs
                .iter()
                .map(|d| (d.id.clone(), d.headline.clone()))
                .collect();
            Assignments::parse(std::str::from_utf8(&buf)?, "<clustering>")?
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
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!(
            "{}",
            report.to_table_with(|id| headlines.get(id).map(|h| h.chars().take(60).collect()))
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let written =
        build_lexicons(&args.raw, args.patch.as_deref(), &args.out).context("building lexicons")?;
    for (lang, n) in written {
        eprintln!("tidings: {lang}: {n} keys");
    }
    Ok(ExitCode::SUCCESS)
}

fn synth(args: SynthArgs) -> Result<ExitCode> {
    let config = args.to_config()?;
    let started = std::time::Instant::now();
    let set = SourceSet::read(&args.input, &args.gold)?;
    let synth = Synthesizer::new(&set, &config)?;
    let stats = synth
        .write(create(&args.out)?, create(&args.out_gold)?)
        .with_context(|| {
            format!(
                "writing {} and {}",
                args.out.display(),
                args.out_gold.display()
            )
        })?;
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

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Cluster(a) => cluster(a),
        Command::Analyze(a) => analyze(a),
        Command::Eval(a) => eval(a),
        Command::BuildLexicons(a) => build(a),
        Command::Synth(a) => synth(a),
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
