//! Clustering metrics on two equally long slices of `u32` labels (gold, predicted),
//! all through a sparse contingency table: pairwise, B-cubed, ARI, NMI, and
//! same-story pair recall split by language.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::io::Interner;

/// Precision, recall and their harmonic mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// Builds a `Prf`, F1 being 0.0 when both precision and recall are 0.0.
    pub fn new(precision: f64, recall: f64) -> Prf {
        let sum = precision + recall;
        let f1 = if sum > 0.0 {
            2.0 * precision * recall / sum
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// `num / den`, or 1.0 when `den` is zero (nothing claimed, nothing to find).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        1.0
    } else {
        num / den
    }
}

/// Number of unordered pairs among `k` items.
fn pairs_of(k: u64) -> u64 {
    k * k.saturating_sub(1) / 2
}

/// Sparse contingency table of two labelings.
struct Contingency {
    n: u64,
    /// Gold cluster sizes.
    rows: Vec<u64>,
    /// Predicted cluster sizes.
    cols: Vec<u64>,
    /// Non-zero cells `(row, col, count)`.
    cells: Vec<(usize, usize, u64)>,
}

impl Contingency {
    /// # Panics
    /// When `gold` and `pred` differ in length.
    fn new(gold: &[u32], pred: &[u32]) -> Contingency {
        assert_eq!(
            gold.len(),
            pred.len(),
            "gold and predicted labelings must have the same length"
        );
        let mut row_ix: HashMap<u32, usize> = HashMap::default();
        let mut col_ix: HashMap<u32, usize> = HashMap::default();
        let mut cell_ix: HashMap<(usize, usize), usize> = HashMap::default();
        let mut t = Contingency {
            n: gold.len() as u64,
            rows: Vec::new(),
            cols: Vec::new(),
            cells: Vec::new(),
        };
        for (&g, &p) in gold.iter().zip(pred) {
            let r = *row_ix.entry(g).or_insert_with(|| {
                t.rows.push(0);
                t.rows.len() - 1
            });
            let c = *col_ix.entry(p).or_insert_with(|| {
                t.cols.push(0);
                t.cols.len() - 1
            });
            t.rows[r] += 1;
            t.cols[c] += 1;
            let k = *cell_ix.entry((r, c)).or_insert_with(|| {
                t.cells.push((r, c, 0));
                t.cells.len() - 1
            });
            t.cells[k].2 += 1;
        }
        t
    }

    /// Pairs together in both, in gold, in prediction.
    fn pair_counts(&self) -> (u64, u64, u64) {
        let both = self.cells.iter().map(|&(_, _, c)| pairs_of(c)).sum();
        let gold = self.rows.iter().map(|&a| pairs_of(a)).sum();
        let pred = self.cols.iter().map(|&b| pairs_of(b)).sum();
        (both, gold, pred)
    }

    /// True when both labelings are the same partition up to renaming.
    fn is_bijection(&self) -> bool {
        self.cells.len() == self.rows.len() && self.cells.len() == self.cols.len()
    }
}

/// Pair-counting precision and recall: of the document pairs the prediction
/// puts together, the share that share a gold cluster, and vice versa.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn pairwise(gold: &[u32], pred: &[u32]) -> Prf {
    let (both, in_gold, in_pred) = Contingency::new(gold, pred).pair_counts();
    Prf::new(
        ratio(both as f64, in_pred as f64),
        ratio(both as f64, in_gold as f64),
    )
}

/// B-cubed precision and recall (Bagga & Baldwin 1998; Amigó et al. 2009):
/// per document, the share of its predicted cluster in its gold cluster
/// (precision) and of its gold cluster in its predicted cluster (recall),
/// averaged over documents.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn b_cubed(gold: &[u32], pred: &[u32]) -> Prf {
    let t = Contingency::new(gold, pred);
    if t.n == 0 {
        return Prf::new(1.0, 1.0);
    }
    let (mut p, mut r) = (0.0, 0.0);
    for &(row, col, c) in &t.cells {
        // `c` documents each have `c` same-gold documents in a predicted cluster of cols[col].
        let c2 = (c * c) as f64;
        p += c2 / t.cols[col] as f64;
        r += c2 / t.rows[row] as f64;
    }
    let n = t.n as f64;
    Prf::new(p / n, r / n)
}

/// Adjusted Rand index (Hubert & Arabie 1985), as scikit-learn's
/// `adjusted_rand_score`: 1.0 for identical partitions, about 0.0 for
/// chance, negative when worse than chance. Computed in exact integer
/// arithmetic up to the final division.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn adjusted_rand_index(gold: &[u32], pred: &[u32]) -> f64 {
    let t = Contingency::new(gold, pred);
    let (both, in_gold, in_pred) = t.pair_counts();
    let (tp, in_gold, in_pred) = (i128::from(both), i128::from(in_gold), i128::from(in_pred));
    let total = i128::from(pairs_of(t.n));
    let fp = in_pred - tp;
    let fn_ = in_gold - tp;
    let tn = total - tp - fp - fn_;
    if fp == 0 && fn_ == 0 {
        return 1.0;
    }
    let num = 2 * (tp * tn - fn_ * fp);
    let den = (tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn);
    num as f64 / den as f64
}

/// Shannon entropy (nats) of a distribution given by counts summing to `n`.
fn entropy(counts: &[u64], n: f64) -> f64 {
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Normalized mutual information, normalized by the arithmetic mean of the
/// two entropies (scikit-learn's default `average_method="arithmetic"`).
///
/// 1.0 when both labelings are the same partition (including n = 0, both a
/// single cluster, both all singletons); 0.0 when the mutual information is
/// zero otherwise (e.g. one side a single cluster, the other not).
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn nmi(gold: &[u32], pred: &[u32]) -> f64 {
    let t = Contingency::new(gold, pred);
    if t.is_bijection() {
        return 1.0;
    }
    let n = t.n as f64;
    let ln_n = n.ln();
    let mi: f64 = t
        .cells
        .iter()
        .map(|&(r, c, k)| {
            let k = k as f64;
            // p_ij * ln(p_ij / (p_i p_j)) = k/n * (ln k + ln n - ln a_i - ln b_j)
            k / n * (k.ln() + ln_n - (t.rows[r] as f64).ln() - (t.cols[c] as f64).ln())
        })
        .sum();
    if mi <= 0.0 {
        return 0.0;
    }
    let mean_h = (entropy(&t.rows, n) + entropy(&t.cols, n)) / 2.0;
    (mi / mean_h).clamp(0.0, 1.0)
}

/// Gold same-cluster pairs and how many of them the prediction keeps together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairRecall {
    pub pairs: u64,
    pub found: u64,
    /// `found / pairs`, 1.0 when `pairs` is 0.
    pub recall: f64,
}

impl PairRecall {
    pub fn new(pairs: u64, found: u64) -> PairRecall {
        PairRecall {
            pairs,
            found,
            recall: ratio(found as f64, pairs as f64),
        }
    }
}

/// Recall of gold same-cluster pairs, split by the languages of the two documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangPairRecall {
    /// Pairs of documents in different languages.
    pub cross: PairRecall,
    /// Pairs of documents in the same language.
    pub same: PairRecall,
    /// Per unordered language pair, keyed `"eng-tur"` (names sorted; `"eng-eng"`
    /// for same-language pairs). Only pairs that occur in the gold labels.
    pub by_pair: BTreeMap<String, PairRecall>,
    /// Per language: pairs with at least one document in that language
    /// (a cross-lingual pair counts for both of its languages). Every language
    /// present in the input appears, possibly with 0 pairs.
    pub by_lang: BTreeMap<String, PairRecall>,
}

/// Adds, for each group's documents-per-language counts, the pairs per
/// `(lang a, lang b)` with `a <= b` (by id) to `out`.
fn add_pairs<'a>(
    groups: impl Iterator<Item = &'a BTreeMap<u32, u64>>,
    out: &mut HashMap<(u32, u32), u64>,
) {
    for counts in groups {
        let counts: Vec<(u32, u64)> = counts.iter().map(|(&l, &c)| (l, c)).collect();
        for (i, &(la, ca)) in counts.iter().enumerate() {
            *out.entry((la, la)).or_default() += pairs_of(ca);
            for &(lb, cb) in &counts[i + 1..] {
                *out.entry((la, lb)).or_default() += ca * cb;
            }
        }
    }
}

/// Gold same-cluster pairs split by language: cross-lingual, same-language,
/// per language pair and per language, each with how many the prediction puts
/// together. O(n) plus, per gold cluster, the square of its number of languages.
///
/// # Panics
/// When the three slices differ in length.
pub fn pair_recall_by_lang(gold: &[u32], pred: &[u32], lang: &[&str]) -> LangPairRecall {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and predicted labelings must have the same length"
    );
    assert_eq!(
        gold.len(),
        lang.len(),
        "labels and languages must have the same length"
    );
    let mut langs = Interner::default();
    // Documents per (gold cluster, language) and per (gold, predicted cluster, language).
    let mut in_gold: HashMap<u32, BTreeMap<u32, u64>> = HashMap::default();
    let mut in_both: HashMap<(u32, u32), BTreeMap<u32, u64>> = HashMap::default();
    for ((&g, &p), &l) in gold.iter().zip(pred).zip(lang) {
        let l = langs.intern(l);
        *in_gold.entry(g).or_default().entry(l).or_default() += 1;
        *in_both.entry((g, p)).or_default().entry(l).or_default() += 1;
    }
    let mut pairs = HashMap::default();
    let mut found = HashMap::default();
    add_pairs(in_gold.values(), &mut pairs);
    add_pairs(in_both.values(), &mut found);

    let name = |l: u32| langs.names[l as usize].as_str();
    let mut by_lang: BTreeMap<String, (u64, u64)> =
        langs.names.iter().map(|l| (l.clone(), (0, 0))).collect();
    let mut by_pair: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut cross, mut same) = ((0, 0), (0, 0));
    for (&(la, lb), &n_pairs) in &pairs {
        if n_pairs == 0 {
            continue;
        }
        let n_found = found.get(&(la, lb)).copied().unwrap_or(0);
        let add = |acc: &mut (u64, u64)| {
            acc.0 += n_pairs;
            acc.1 += n_found;
        };
        let (a, b) = (name(la), name(lb));
        let key = if a <= b {
            format!("{a}-{b}")
        } else {
            format!("{b}-{a}")
        };
        add(by_pair.entry(key).or_default());
        add(by_lang.get_mut(a).expect("interned language"));
        if la == lb {
            add(&mut same);
        } else {
            add(by_lang.get_mut(b).expect("interned language"));
            add(&mut cross);
        }
    }
    let to_recall = |m: BTreeMap<String, (u64, u64)>| {
        m.into_iter()
            .map(|(k, (p, f))| (k, PairRecall::new(p, f)))
            .collect()
    };
    LangPairRecall {
        cross: PairRecall::new(cross.0, cross.1),
        same: PairRecall::new(same.0, same.1),
        by_pair: to_recall(by_pair),
        by_lang: to_recall(by_lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{check, check_prf};

    /// One metric case: expected (precision, recall) for pairwise and B-cubed, ARI, NMI.
    struct Case {
        name: &'static str,
        gold: &'static [u32],
        pred: &'static [u32],
        pairwise: (f64, f64),
        b_cubed: (f64, f64),
        ari: f64,
        nmi: f64,
    }

    /// Hand-computed cases. Notation: pairs(k) = k(k-1)/2; "tp" = pairs together
    /// in both, "gold"/"pred" = pairs together in gold/prediction, N = pairs(n).
    /// ARI = 2(tp·tn − fn·fp) / ((tp+fn)(fn+tn) + (tp+fp)(fp+tn)).
    const CASES: &[Case] = &[
        // sklearn docstring: adjusted_rand_score([0,0,1,1],[0,0,1,1]) == 1.0
        Case {
            name: "identical",
            gold: &[0, 0, 1, 1],
            pred: &[0, 0, 1, 1],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // sklearn: normalized_mutual_info_score([0,0,1,1],[1,1,0,0]) == 1.0
        Case {
            name: "identical, labels swapped",
            gold: &[0, 0, 1, 1],
            pred: &[1, 1, 0, 0],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // sklearn docstring: adjusted_rand_score([0,0,1,2],[0,0,1,1]) == 0.5714285714285714
        // gold {01}{2}{3}, pred {01}{23}: tp=1, gold=1, pred=2 -> P=1/2, R=1.
        // B3 P: docs 0,1 -> 1; docs 2,3 -> 1/2 each; (1+1+.5+.5)/4 = 0.75. B3 R = 1.
        // ARI: N=6, fp=1, fn=0, tn=4: 2(4-0)/(1·4 + 2·5) = 8/14.
        // NMI: H(gold) = 1.5 ln2, H(pred) = ln2, MI = ln2 (pred determined by gold)
        //      -> ln2 / ((1.5 ln2 + ln2)/2) = 0.8.
        Case {
            name: "sklearn ari example, one merge",
            gold: &[0, 0, 1, 2],
            pred: &[0, 0, 1, 1],
            pairwise: (0.5, 1.0),
            b_cubed: (0.75, 1.0),
            ari: 0.5714285714285714,
            nmi: 0.8,
        },
        // sklearn docstring: adjusted_rand_score([0,0,1,1],[0,1,0,1]) == -0.5
        // tp=0, gold=2, pred=2: P=R=0. B3: every doc shares its size-2 cluster with
        // one other-story doc -> 1/2. ARI: N=6, fp=2, fn=2, tn=2: 2(0-4)/(2·4+2·4) = -0.5.
        // NMI: all cells 1 -> p_ij = p_i p_j = 1/4 -> MI = 0.
        Case {
            name: "sklearn ari example, crossed",
            gold: &[0, 0, 1, 1],
            pred: &[0, 1, 0, 1],
            pairwise: (0.0, 0.0),
            b_cubed: (0.5, 0.5),
            ari: -0.5,
            nmi: 0.0,
        },
        // sklearn: adjusted_rand_score([0,0,0,0],[0,1,2,3]) == 0.0,
        //          normalized_mutual_info_score([0,0,0,0],[0,1,2,3]) == 0.0
        // tp=0, gold=6, pred=0: P = 1 (no pair claimed), R = 0. B3 P=1, R=1/4.
        // ARI: fp=0, fn=6, tn=0: 2(0-0)/(6·6+0) = 0.
        Case {
            name: "one story split into singletons",
            gold: &[0, 0, 0, 0],
            pred: &[0, 1, 2, 3],
            pairwise: (1.0, 0.0),
            b_cubed: (1.0, 0.25),
            ari: 0.0,
            nmi: 0.0,
        },
        // Mirror image: tp=0, gold=0, pred=6 -> P=0, R=1 (nothing to find); B3 P=1/4, R=1.
        Case {
            name: "singletons merged into one cluster",
            gold: &[0, 1, 2, 3],
            pred: &[7, 7, 7, 7],
            pairwise: (0.0, 1.0),
            b_cubed: (0.25, 1.0),
            ari: 0.0,
            nmi: 0.0,
        },
        Case {
            name: "both one cluster",
            gold: &[5, 5, 5],
            pred: &[9, 9, 9],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "both all singletons",
            gold: &[0, 1, 2],
            pred: &[2, 0, 1],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "n = 0",
            gold: &[],
            pred: &[],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "n = 1",
            gold: &[3],
            pred: &[4],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // The classic B-cubed example (Bagga & Baldwin 1998, also discussed by
        // Amigó et al. 2009): gold {1-5}{6,7}{8-12}, response merges the last two.
        // B3 P: docs 1-5 -> 1; docs 6,7 -> 2/7; docs 8-12 -> 5/7;
        //       (5 + 2·2/7 + 5·5/7)/12 = (64/7)/12 = 16/21. B3 R = 1.
        // Pairs: gold = 10+1+10 = 21, pred = 10+21 = 31, tp = 21 -> P = 21/31, R = 1.
        // ARI: N=66, fp=10, fn=0, tn=35: 2·21·35/(21·35 + 31·45) = 1470/2130 = 49/71.
        // NMI: pred is a coarsening of gold so MI = H(pred);
        //   H(gold) = -(2·5/12 ln(5/12) + 2/12 ln(2/12)), H(pred) = -(5/12 ln(5/12) + 7/12 ln(7/12)),
        //   2 H(pred) / (H(gold) + H(pred)) = 0.7955984133996865.
        Case {
            name: "bagga-baldwin merge",
            gold: &[0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2],
            pred: &[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
            pairwise: (21.0 / 31.0, 1.0),
            b_cubed: (16.0 / 21.0, 1.0),
            ari: 49.0 / 71.0,
            nmi: 0.7955984133996865,
        },
        // Contingency table (rows gold A,B,C sizes 5,4,3; columns pred X,Y,Z sizes 4,6,2):
        //        X  Y  Z
        //   A    3  2  .
        //   B    1  3  .
        //   C    .  1  2
        // tp = 3+1+3+1 = 8; gold = 10+6+3 = 19; pred = 6+15+1 = 22.
        // Pairwise P = 8/22, R = 8/19.
        // B3 P = (1/12)·Σ c²/col = ((9+1)/4 + (4+9+1)/6 + 4/2)/12 = (41/6)/12 = 41/72.
        // B3 R = (1/12)·Σ c²/row = ((9+4)/5 + (1+9)/4 + (1+4)/3)/12 = (203/30)/12 = 203/360.
        // ARI: N=66, fp=14, fn=11, tn=33: 2(8·33 − 11·14)/(19·44 + 22·47) = 220/1870 = 2/17.
        // NMI: MI = Σ c/12 ln(12c/(row·col)) = 0.38440914650685554,
        //   H(gold) = H(5,4,3), H(pred) = H(4,6,2) -> 0.3680386772451051.
        Case {
            name: "3x3 contingency table",
            gold: &[0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
            pred: &[0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 2, 2],
            pairwise: (8.0 / 22.0, 8.0 / 19.0),
            b_cubed: (41.0 / 72.0, 203.0 / 360.0),
            ari: 2.0 / 17.0,
            nmi: 0.3680386772451051,
        },
    ];

    fn check_case(name: &str, c: &Case, gold: &[u32], pred: &[u32]) {
        check_prf(
            &format!("{name}: pairwise"),
            pairwise(gold, pred),
            c.pairwise.0,
            c.pairwise.1,
        );
        check_prf(
            &format!("{name}: b-cubed"),
            b_cubed(gold, pred),
            c.b_cubed.0,
            c.b_cubed.1,
        );
        check(
            &format!("{name}: ari"),
            adjusted_rand_index(gold, pred),
            c.ari,
        );
        check(&format!("{name}: nmi"), nmi(gold, pred), c.nmi);
    }

    #[test]
    fn metrics_match_hand_computed_cases() {
        for c in CASES {
            check_case(c.name, c, c.gold, c.pred);
        }
    }

    #[test]
    fn metrics_are_invariant_under_renaming_and_reordering() {
        // Rename labels with different bijections on each side, and reorder documents
        // (same permutation on both sides): nothing may change.
        for c in CASES {
            let rename = |v: &[u32], f: fn(u32) -> u32| v.iter().map(|&x| f(x)).collect::<Vec<_>>();
            let gold = rename(c.gold, |x| 1000 - 7 * x);
            let pred = rename(c.pred, |x| (x + 3) * 11);
            check_case(&format!("{} renamed", c.name), c, &gold, &pred);
            let n = c.gold.len();
            let order: Vec<usize> = (0..n).map(|i| (i * 5 + 2) % n.max(1)).collect();
            let mut seen = order.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() == n {
                let g: Vec<u32> = order.iter().map(|&i| gold[i]).collect();
                let p: Vec<u32> = order.iter().map(|&i| pred[i]).collect();
                check_case(&format!("{} renamed and shuffled", c.name), c, &g, &p);
            }
            let rev = |v: &[u32]| v.iter().rev().copied().collect::<Vec<_>>();
            check_case(
                &format!("{} reversed", c.name),
                c,
                &rev(c.gold),
                &rev(c.pred),
            );
        }
    }

    #[test]
    fn swapping_gold_and_prediction_swaps_precision_and_recall() {
        for c in CASES {
            let swapped = Case {
                name: c.name,
                gold: c.pred,
                pred: c.gold,
                pairwise: (c.pairwise.1, c.pairwise.0),
                b_cubed: (c.b_cubed.1, c.b_cubed.0),
                ari: c.ari,
                nmi: c.nmi,
            };
            check_case(&format!("{} swapped", c.name), &swapped, c.pred, c.gold);
        }
    }

    #[test]
    fn pairwise_is_linear_on_large_input() {
        // 100,000 documents in one gold story, predicted as two halves:
        // tp = 2·pairs(50,000), gold = pairs(100,000) -> R = 49,999/99,999, P = 1.
        // Quadratic pair enumeration would take ~5·10⁹ steps; this must be instant.
        let n = 100_000u32;
        let gold = vec![0u32; n as usize];
        let pred: Vec<u32> = (0..n).map(|i| u32::from(i >= n / 2)).collect();
        check_prf("large", pairwise(&gold, &pred), 1.0, 49_999.0 / 99_999.0);
        let r = pair_recall_by_lang(&gold, &pred, &vec!["eng"; n as usize]);
        assert_eq!(r.same.pairs, 4_999_950_000);
        assert_eq!(r.same.found, 2 * 1_249_975_000);
        check("large ari", adjusted_rand_index(&gold, &pred), 0.0);
    }

    #[test]
    fn pair_recall_splits_by_language() {
        // Story 0: eng, eng, tur, deu; story 1: eng, tur; story 2: fra (singleton).
        // Prediction keeps story 0's eng+eng+tur together, splits off deu;
        // story 1 is split into two.
        let gold = [0, 0, 0, 0, 1, 1, 2];
        let pred = [0, 0, 0, 1, 2, 3, 4];
        let lang = ["eng", "eng", "tur", "deu", "eng", "tur", "fra"];
        let r = pair_recall_by_lang(&gold, &pred, &lang);
        // Gold pairs: story 0: eng-eng 1, eng-tur 2, deu-eng 2, deu-tur 1; story 1: eng-tur 1.
        // Found: eng-eng 1, eng-tur 2.
        let want: &[(&str, u64, u64)] = &[
            ("deu-eng", 2, 0),
            ("deu-tur", 1, 0),
            ("eng-eng", 1, 1),
            ("eng-tur", 3, 2),
        ];
        let got: Vec<(&str, u64, u64)> = r
            .by_pair
            .iter()
            .map(|(k, v)| (k.as_str(), v.pairs, v.found))
            .collect();
        assert_eq!(got, want);
        assert_eq!((r.cross.pairs, r.cross.found), (6, 2));
        check("cross recall", r.cross.recall, 2.0 / 6.0);
        assert_eq!((r.same.pairs, r.same.found), (1, 1));
        // Per language: every pair involving it (cross pairs count for both sides).
        let want: &[(&str, u64, u64)] =
            &[("deu", 3, 0), ("eng", 6, 3), ("fra", 0, 0), ("tur", 4, 2)];
        let got: Vec<(&str, u64, u64)> = r
            .by_lang
            .iter()
            .map(|(k, v)| (k.as_str(), v.pairs, v.found))
            .collect();
        assert_eq!(got, want);
        check("fra recall (no pairs)", r.by_lang["fra"].recall, 1.0);
    }
}
