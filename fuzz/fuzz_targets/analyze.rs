//! Any text, in any language of the profile table, through the analyzer: language
//! detection, the features of a document and the token dump of `tidings analyze`.
//! Analysis must end without panicking on every string (ARCHITECTURE.md's
//! invariant), and its features keep their invariants: sorted, finite, positive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use tidings::lang::{detect_lang, Lang};
use tidings::lexicon::Models;
use tidings::pivot::{doc_features, explain};

static MODELS: LazyLock<Models> = LazyLock::new(Models::bundled);

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    // The first byte picks the language (one of them, und included); the rest is
    // the text, invalid UTF-8 replaced as the readers replace it.
    let langs: Vec<Lang> = Lang::all().collect();
    let lang = langs[usize::from(pick) % langs.len()];
    let text = String::from_utf8_lossy(text);
    let _ = detect_lang(&text);
    let f = doc_features(&text, lang, &MODELS, &Default::default());
    assert!(f.features.windows(2).all(|p| p[0].0 < p[1].0));
    assert!(f.features.iter().all(|(_, w)| w.is_finite() && *w > 0.0));
    assert!(f.n_pivoted <= f.n_content && f.n_content <= f.n_words);
    let _ = explain(&text, lang, &MODELS);
});
