//! `tidings analyze`: why two documents match, token by token, or lexicon coverage.

use super::input::InputArgs;
use super::{model_source, set_threads, CommonArgs};
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::document::DocReader;
use tidings::lang::{detect_lang, Lang};
use tidings::lexicon::Models;
use tidings::pivot::explain;

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
    /// How INPUTS are read (as `tidings cluster` reads them).
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(args: AnalyzeArgs) -> Result<ExitCode> {
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
        let inputs = args.input.expand(&args.inputs)?;
        for item in DocReader::with_options(inputs, args.input.options()?) {
            match item? {
                Ok(d) => docs.push(d),
                Err(r) => {
                    if !args.input.quiet {
                        eprintln!(
                            "tidings: rejected {}: {}",
                            tidings::output::tsv_field(&r.location),
                            tidings::output::tsv_field(&r.reason)
                        );
                    }
                }
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
    writeln!(out, "id\tlang\ttoken\tterm\tstem\tpivots\tname")?;
    for doc in &docs {
        let lang = lang_of(doc);
        for row in explain(&doc.text, lang, &models) {
            writeln!(
                out,
                "{}\t{lang}\t{}\t{}\t{}\t{}\t{}",
                doc.id,
                row.token,
                row.term,
                row.stem,
                row.pivots,
                row.name.as_deref().unwrap_or("")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
