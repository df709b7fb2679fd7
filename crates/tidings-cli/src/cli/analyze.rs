//! `tidings analyze`: why two documents match, token by token, or lexicon coverage.

use super::{model_source, set_threads, CommonArgs};
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tidings::analyze::TokenKind;
use tidings::document::{expand_inputs, DocReader};
use tidings::lang::{detect_lang, Lang};
use tidings::lexicon::Models;
use tidings::pivot::{cached_word, segment_ideo, Match, TermInfo};

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
