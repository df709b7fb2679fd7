//! The [`EvalReport`] and a threshold sweep as plain-text tables for people.

use std::fmt::Write as _;

use crate::metrics::PairRecall;
use crate::report::{ClusterPart, EvalReport, SweepRow};

/// The rows of a threshold sweep as a plain-text table for people.
pub fn sweep_table(rows: &[SweepRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "threshold sweep, story level (* best B3-F1; cross-R: cross-lingual pair recall)"
    );
    let _ = writeln!(
        s,
        "  {:>9} {:>7}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>7}",
        "threshold", "stories", "pair-P", "pair-R", "pair-F", "B3-P", "B3-R", "B3-F", "cross-R"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{} {:>9.3} {:>7}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4} {:>6.4}  {:>7.4}",
            if r.best { '*' } else { ' ' },
            r.threshold,
            r.n_stories,
            r.pairwise.precision,
            r.pairwise.recall,
            r.pairwise.f1,
            r.b_cubed.precision,
            r.b_cubed.recall,
            r.b_cubed.f1,
            r.cross_lingual.recall
        );
    }
    s
}

impl EvalReport {
    /// Plain-text report for people.
    pub fn to_table(&self) -> String {
        self.to_table_with(|_| None)
    }

    /// Like [`EvalReport::to_table`], showing for some member ids of the worst
    /// clusters the text `snippet(id)` returns (e.g. the first words of the
    /// document); ids for which it returns `None` are listed bare.
    pub fn to_table_with(&self, snippet: impl Fn(&str) -> Option<String>) -> String {
        const SHOW_IDS: usize = 3;
        const SHOW_PARTS: usize = 5;
        const SHOW_LIST: usize = 10;
        const SHOW_LANG_PAIRS: usize = 10;
        let mut s = String::new();
        let c = &self.counts;
        let _ = writeln!(
            s,
            "documents: {} gold, {} prediction rows; {} matched, {} missing, {} unknown, {} duplicate",
            c.n_gold, c.n_pred, c.n_matched, c.n_missing, c.n_unknown, c.n_duplicate
        );
        s.push('\n');
        let _ = writeln!(
            s,
            "{:<8} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6}",
            "level",
            "gold",
            "pred",
            "pair-P",
            "pair-R",
            "pair-F",
            "B3-P",
            "B3-R",
            "B3-F",
            "ARI",
            "NMI"
        );
        for (name, l) in [("story", &self.story), ("article", &self.article)] {
            let _ = writeln!(
                s,
                "{:<8} {:>6} {:>6}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4}",
                name,
                l.n_gold_clusters,
                l.n_pred_clusters,
                l.pairwise.precision,
                l.pairwise.recall,
                l.pairwise.f1,
                l.b_cubed.precision,
                l.b_cubed.recall,
                l.b_cubed.f1,
                l.ari,
                l.nmi
            );
        }

        let lp = &self.story_pairs_by_lang;
        s.push('\n');
        let _ = writeln!(s, "gold same-story pairs kept together, by language");
        let row = |s: &mut String, name: &str, r: &PairRecall| {
            let _ = writeln!(
                s,
                "  {:<16} {:>9} {:>9} {:>7.4}",
                name, r.pairs, r.found, r.recall
            );
        };
        let _ = writeln!(
            s,
            "  {:<16} {:>9} {:>9} {:>7}",
            "", "pairs", "found", "recall"
        );
        row(&mut s, "cross-lingual", &lp.cross);
        row(&mut s, "same-language", &lp.same);
        for (lang, r) in &lp.by_lang {
            row(&mut s, lang, r);
        }
        let mut worst: Vec<(&String, &PairRecall)> = lp.by_pair.iter().collect();
        worst.sort_by(|a, b| a.1.recall.total_cmp(&b.1.recall).then(a.0.cmp(b.0)));
        if !worst.is_empty() {
            let _ = writeln!(s, "  lowest language pairs:");
            for (pair, r) in worst.into_iter().take(SHOW_LANG_PAIRS) {
                row(&mut s, pair, r);
            }
        }

        for (title, ids) in [
            (
                "missing from the prediction (scored as singletons)",
                &self.missing,
            ),
            ("unknown to the gold labels (ignored)", &self.unknown),
            (
                "duplicate in the prediction (first row used)",
                &self.duplicates,
            ),
        ] {
            if ids.is_empty() {
                continue;
            }
            let shown: Vec<&str> = ids.iter().take(SHOW_LIST).map(String::as_str).collect();
            let more = ids.len() - shown.len();
            let _ = write!(s, "\n{title}: {}\n  {}", ids.len(), shown.join(" "));
            if more > 0 {
                let _ = write!(s, " … and {more} more");
            }
            s.push('\n');
        }

        let parts = |s: &mut String, parts: &[ClusterPart]| {
            for part in parts.iter().take(SHOW_PARTS) {
                let label = part.label.as_deref().unwrap_or("(missing)");
                let shown: Vec<&str> = part.ids.iter().take(SHOW_IDS).map(String::as_str).collect();
                let _ = write!(
                    s,
                    "    {:<20} {:>5}  {}",
                    label,
                    part.ids.len(),
                    shown.join(" ")
                );
                if part.ids.len() > shown.len() {
                    s.push_str(" …");
                }
                s.push('\n');
                for id in shown {
                    if let Some(text) = snippet(id) {
                        let _ = writeln!(s, "      {id}: {text}");
                    }
                }
            }
            if parts.len() > SHOW_PARTS {
                let _ = writeln!(s, "    … and {} more", parts.len() - SHOW_PARTS);
            }
        };
        if !self.over_merged.is_empty() {
            let _ = writeln!(
                s,
                "\nover-merged predicted stories (most gold stories mixed)"
            );
            for m in &self.over_merged {
                let _ = writeln!(
                    s,
                    "  {}: {} documents from {} gold stories",
                    m.pred_story, m.size, m.n_gold_stories
                );
                parts(&mut s, &m.parts);
            }
        }
        if !self.split.is_empty() {
            let _ = writeln!(s, "\nsplit gold stories (most predicted stories)");
            for m in &self.split {
                let _ = writeln!(
                    s,
                    "  {}: {} documents in {} predicted stories",
                    m.gold_story, m.size, m.n_pred_stories
                );
                parts(&mut s, &m.parts);
            }
        }
        if !self.sweep.is_empty() {
            s.push('\n');
            s.push_str(&sweep_table(&self.sweep));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::evaluate;
    use crate::testutil::{gold, pred};

    #[test]
    fn report_renders_as_table_and_json() {
        let r = evaluate(
            &gold(),
            &pred("id\tstory\na\tbig\nb\tbig\nc\tsolo\nd\tbig\ne\tbig\nzz\tq\n"),
        );
        let t = r.to_table();
        for want in [
            "documents: 6 gold, 6 prediction rows; 5 matched, 1 missing, 1 unknown, 0 duplicate",
            "story ",
            "article ",
            "cross-lingual",
            "missing from the prediction (scored as singletons): 1\n  f\n",
            "unknown to the gold labels (ignored): 1\n  zz\n",
            "big: 4 documents from 2 gold stories",
            "s1: 3 documents in 2 predicted stories",
        ] {
            assert!(t.contains(want), "table lacks {want:?}:\n{t}");
        }
        let t = r.to_table_with(|id| (id == "a").then(|| "Storm hits coast".to_owned()));
        assert!(t.contains("      a: Storm hits coast\n"), "{t}");

        let json = serde_json::to_value(&r).expect("serializes");
        assert_eq!(json["counts"]["n_missing"], 1);
        assert_eq!(
            json["story"]["pairwise"]["recall"].as_f64(),
            Some(r.story.pairwise.recall)
        );
        assert_eq!(json["over_merged"][0]["parts"][0]["ids"][0], "a");
        assert!(json["story_pairs_by_lang"]["by_pair"]["eng-tur"]["pairs"].is_u64());
        assert!(json.get("sweep").is_none(), "no sweep, no key");
    }
}
