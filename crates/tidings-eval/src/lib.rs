//! Scoring a clustering of documents against gold story and article labels.
//!
//! Inputs are two tab-separated files with a header line:
//!
//! * gold labels, columns `id story article lang` ([`GoldLabels`]);
//! * predicted assignments, columns `id story [article]`, as written by
//!   `tidings cluster --assignments` ([`Assignments`]).
//!
//! Columns are found by their header name, so their order does not matter and
//! extra columns are ignored; every row must have as many fields as the header.
//! Labels are arbitrary strings, interned to `u32` in order of first appearance.
//!
//! Metrics work on two equally long slices of `u32` cluster labels (gold, predicted):
//! pair counting ([`pairwise`]), [`b_cubed`], [`adjusted_rand_index`], [`nmi`] and
//! same-story pair recall split by language ([`pair_recall_by_lang`]). All of them
//! go through a contingency table, so they run in O(n) expected time.
//!
//! Conventions for degenerate inputs: a ratio whose denominator is zero (no pairs
//! predicted, no gold pairs, no documents) is 1.0, because nothing was claimed or
//! nothing could be missed; F1 is 0.0 when precision and recall are both 0.0.
//! ARI and NMI follow scikit-learn: 1.0 for identical partitions (including
//! n = 0, n = 1, both a single cluster, both all singletons).
//!
//! Beside the scores: [`hard_negatives`] counts must-split pairs put in one story,
//! [`language_identification`] tabulates detected against gold languages.
//!
//! [`evaluate`] aligns a prediction with the gold labels by id and builds an
//! [`EvalReport`] (serializable; [`EvalReport::to_table`] renders it for people).

mod checks;
mod io;
mod metrics;
pub mod plot;
mod report;
mod table;
#[cfg(test)]
mod testutil;

pub use checks::{
    hard_negatives, language_identification, language_identification_table, HardNegatives,
    LangIdRow, MustSplit,
};
pub use io::{Assignments, EvalError, GoldLabels, Result};
pub use metrics::{
    adjusted_rand_index, b_cubed, nmi, pair_recall_by_lang, pairwise, LangPairRecall, PairRecall,
    Prf,
};
pub use report::{
    evaluate, score_sweep, ClusterPart, Counts, EvalReport, LevelScores, OverMerged, SplitStory,
    SweepRow, WORST_N,
};
pub use table::sweep_table;
