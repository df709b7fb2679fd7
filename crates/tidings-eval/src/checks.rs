//! Two checks beside the scores: pairs of documents that must never share a story
//! (hard negatives: different events about the same people), and how well the
//! languages were identified, per gold language.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::io::{read_to_string, Assignments, GoldLabels, Result, Tsv};

/// Pairs of ids that must not share a story, read from a TSV with columns `id_a id_b`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MustSplit {
    pub pairs: Vec<(String, String)>,
}

impl MustSplit {
    /// Reads and parses a must-split TSV file.
    ///
    /// # Errors
    /// When the file cannot be read or lacks the `id_a` or `id_b` column, or a row
    /// has another number of fields than the header or an empty id.
    pub fn read(path: &Path) -> Result<MustSplit> {
        let text = read_to_string(path)?;
        MustSplit::parse(&text, &path.display().to_string())
    }

    /// Parses must-split TSV text; `source` names the input in error messages.
    ///
    /// # Errors
    /// As [`MustSplit::read`].
    pub fn parse(text: &str, source: &str) -> Result<MustSplit> {
        let tsv = Tsv::parse(text, source)?;
        let (a, b) = (tsv.column("id_a")?, tsv.column("id_b")?);
        let mut pairs = Vec::with_capacity(tsv.rows.len());
        for (line, fields) in &tsv.rows {
            pairs.push((
                tsv.field(*line, fields, a, "id_a")?.to_string(),
                tsv.field(*line, fields, b, "id_b")?.to_string(),
            ));
        }
        Ok(MustSplit { pairs })
    }
}

/// How many must-split pairs the prediction put in one story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HardNegatives {
    pub pairs: usize,
    /// Pairs whose two ids are both in the prediction.
    pub scored: usize,
    /// The scored pairs that share a predicted story.
    pub merged: Vec<(String, String)>,
}

/// Checks every must-split pair against the predicted stories.
pub fn hard_negatives(must: &MustSplit, pred: &Assignments) -> HardNegatives {
    let story: HashMap<&str, u32> = pred
        .ids
        .iter()
        .map(String::as_str)
        .zip(pred.story.iter().copied())
        .collect();
    let mut scored = 0;
    let mut merged = Vec::new();
    for (a, b) in &must.pairs {
        if let (Some(sa), Some(sb)) = (story.get(a.as_str()), story.get(b.as_str())) {
            scored += 1;
            if sa == sb {
                merged.push((a.clone(), b.clone()));
            }
        }
    }
    HardNegatives {
        pairs: must.pairs.len(),
        scored,
        merged,
    }
}

/// Language identification for one gold language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangIdRow {
    pub lang: String,
    pub docs: usize,
    pub correct: usize,
    /// Every answer given, most frequent first (ties by code).
    pub answers: Vec<(String, usize)>,
}

/// Per gold language (worst first, then by code), how often `detected` named it.
/// `canonical` maps a gold code to the code the detector uses for the same language
/// (`fas` → `pes`); ids without a detected language are left out.
pub fn language_identification(
    gold: &GoldLabels,
    detected: &HashMap<String, String>,
    canonical: impl Fn(&str) -> String,
) -> Vec<LangIdRow> {
    let mut by: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for (id, lang) in gold.ids.iter().zip(&gold.lang) {
        if let Some(got) = detected.get(id) {
            *by.entry(canonical(lang))
                .or_default()
                .entry(got.clone())
                .or_default() += 1;
        }
    }
    let mut rows: Vec<LangIdRow> = by
        .into_iter()
        .map(|(lang, answers)| {
            let docs = answers.values().sum();
            let correct = answers.get(&lang).copied().unwrap_or(0);
            let mut answers: Vec<(String, usize)> = answers.into_iter().collect();
            answers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            LangIdRow {
                lang,
                docs,
                correct,
                answers,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.correct * b.docs)
            .cmp(&(b.correct * a.docs))
            .then_with(|| a.lang.cmp(&b.lang))
    });
    rows
}

/// The rows as a table: overall accuracy, then one line per language.
pub fn language_identification_table(rows: &[LangIdRow]) -> String {
    use std::fmt::Write;
    let (ok, all) = rows
        .iter()
        .fold((0, 0), |acc, r| (acc.0 + r.correct, acc.1 + r.docs));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "language identification: {ok} of {all} documents ({:.3}), {} languages",
        ok as f64 / all.max(1) as f64,
        rows.len()
    );
    for r in rows {
        let answers: Vec<String> = r
            .answers
            .iter()
            .take(3)
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        let _ = writeln!(
            s,
            "  {:<4} {:>5} {:>6.3}  {}",
            r.lang,
            r.docs,
            r.correct as f64 / r.docs.max(1) as f64,
            answers.join(", ")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_pairs_and_language_rows() {
        let pred = Assignments::parse("id\tstory\na\t1\nb\t1\nc\t2\n", "p").unwrap();
        let must = MustSplit::parse("id_a\tid_b\na\tb\na\tc\nx\ta\n", "m").unwrap();
        let h = hard_negatives(&must, &pred);
        assert_eq!((h.pairs, h.scored), (3, 2));
        assert_eq!(h.merged, vec![("a".to_string(), "b".to_string())]);

        let gold = GoldLabels::parse(
            "id\tstory\tarticle\tlang\na\ts\tx\teng\nb\ts\tx\tfas\nc\tt\ty\tfas\n",
            "g",
        )
        .unwrap();
        let detected: HashMap<String, String> = [("a", "eng"), ("b", "pes"), ("c", "prs")]
            .iter()
            .map(|(i, l)| (i.to_string(), l.to_string()))
            .collect();
        let rows = language_identification(&gold, &detected, |l| {
            if l == "fas" { "pes" } else { l }.to_string()
        });
        assert_eq!(rows[0].lang, "pes");
        assert_eq!((rows[0].docs, rows[0].correct), (2, 1));
        assert_eq!((rows[1].docs, rows[1].correct), (1, 1));
        assert!(language_identification_table(&rows)
            .starts_with("language identification: 2 of 3 documents (0.667), 2 languages"));
    }
}
