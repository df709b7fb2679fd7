//! Helpers shared by the unit tests of the modules.

use crate::{Assignments, GoldLabels, Prf};

const EPS: f64 = 1e-12;

/// Asserts `got` equals `want` within `EPS`, naming the case on failure.
pub(crate) fn check(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= EPS,
        "{what}: got {got:?}, want {want:?}"
    );
}

pub(crate) fn check_prf(what: &str, got: Prf, precision: f64, recall: f64) {
    check(&format!("{what} precision"), got.precision, precision);
    check(&format!("{what} recall"), got.recall, recall);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    check(&format!("{what} f1"), got.f1, f1);
}

pub(crate) const GOLD: &str = "id\tstory\tarticle\tlang\n\
    a\ts1\ta1\teng\n\
    b\ts1\ta1\ttur\n\
    c\ts1\ta2\teng\n\
    d\ts2\ta3\tdeu\n\
    e\ts2\ta3\teng\n\
    f\ts3\ta4\tfra\n";

pub(crate) fn gold() -> GoldLabels {
    GoldLabels::parse(GOLD, "gold.tsv").expect("test gold parses")
}

pub(crate) fn pred(text: &str) -> Assignments {
    Assignments::parse(text, "pred.tsv").expect("test prediction parses")
}
