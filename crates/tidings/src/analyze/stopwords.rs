//! Stopwords: NLTK's list of the language where it has one (conservative), else
//! stopwords-iso's, plus the profile's extra words and apostrophe endings
//! ([`crate::lang::LangProfile`]).

use crate::analyze::normalize_word;
use crate::lang::Lang;
use rustc_hash::FxHashSet;
use std::sync::LazyLock;

/// Normalized stopwords, one set per language in table order.
static STOPWORDS: LazyLock<Vec<FxHashSet<String>>> = LazyLock::new(|| {
    std::iter::once(Lang::UND)
        .chain(Lang::all())
        .map(|lang| {
            let profile = lang.profile();
            let mut set = FxHashSet::default();
            if profile.iso1.is_empty() {
                return set;
            }
            let list = stop_words::lookup(format!("nltk-{}", profile.iso1))
                .or_else(|| stop_words::lookup(profile.iso1))
                .unwrap_or(&[]);
            let extra = profile
                .apostrophe_endings
                .iter()
                .chain(profile.extra_stopwords);
            let mut buf = String::new();
            for w in list.iter().chain(extra) {
                normalize_word(w, lang, &mut buf);
                set.insert(buf.clone());
            }
            set
        })
        .collect()
});

/// Is `term` (already normalized) a stopword of `lang`?
pub fn is_stopword(lang: Lang, term: &str) -> bool {
    STOPWORDS[lang.index()].contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords() {
        let cases = [
            ("eng", "the", true),
            ("eng", "election", false),
            ("deu", "wurde", true), // an extra word
            ("tur", "nın", true),   // an apostrophe ending
            ("tur", "su", false),   // "water", deliberately not an ending
            ("aze", "də", true),
            ("und", "the", false),
            ("ara", "الذي", true),
        ];
        for (lang, word, want) in cases {
            let lang = Lang::from_code(lang).unwrap_or(Lang::UND);
            assert_eq!(is_stopword(lang, word), want, "{lang} {word}");
        }
    }
}
