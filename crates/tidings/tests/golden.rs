//! Golden token dumps, one file per language: the analysis of one news sentence
//! (`tests/golden/sentences.tsv`), token by token, as `tidings analyze` prints it.
//! `UPDATE_EXPECT=1 cargo test -p tidings --test golden` rewrites them; review the
//! diff like code.

use expect_test::expect_file;
use std::fmt::Write;
use tidings::lang::Lang;
use tidings::lexicon::Models;
use tidings::pivot::explain;

#[test]
fn token_dumps() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let sentences = std::fs::read_to_string(format!("{dir}/sentences.tsv")).unwrap();
    let models = Models::bundled();
    let mut langs = Vec::new();
    for line in sentences.lines().filter(|l| !l.trim().is_empty()) {
        let (code, text) = line.split_once('\t').expect("lang<TAB>sentence");
        let lang = Lang::from_code(code).unwrap_or_else(|| panic!("unknown language {code}"));
        langs.push(code);
        let mut dump = String::from("token\tterm\tstem\tpivots\tname\n");
        for r in explain(text, lang, &models) {
            let name = r.name.as_deref().unwrap_or("");
            writeln!(
                dump,
                "{}\t{}\t{}\t{}\t{name}",
                r.token, r.term, r.stem, r.pivots
            )
            .unwrap();
        }
        expect_file![format!("{dir}/tokens/{code}.tsv")].assert_eq(&dump);
    }
    let mut sorted = langs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(langs, sorted, "one sentence per language, sorted by code");
}
