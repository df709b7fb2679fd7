//! Each distinct surface word is analyzed once per thread: a bounded cache per
//! language, for the lexicons of one [`Models`] at a time.

use super::word::{analyze_word, TermInfo};
use crate::lang::{Lang, LANGS};
use crate::lexicon::Models;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// Per-language word caches are dropped when they grow past this many words.
const CACHE_LIMIT: usize = 200_000;

/// One thread's analyses, all made with the lexicons of the [`Models`] whose id is
/// `models`: an analysis depends on the lexicons, so another `Models` starts afresh.
struct WordCache {
    models: Option<u64>,
    by_lang: Vec<FxHashMap<Box<str>, Rc<TermInfo>>>,
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache {
        models: None,
        by_lang: LANGS.iter().map(|_| FxHashMap::default()).collect(),
    });
}

/// Looks a word up in this thread's cache, analyzing it on a miss.
pub fn cached_word(lang: Lang, word: &str, models: &Models) -> Rc<TermInfo> {
    with_words(lang, models, |words| words.get(word))
}

/// Runs `f` with this thread's analyses of `lang`'s words, made with `models`.
/// A document's tokens go through one of these: the thread-local, its borrow and
/// the lexicon check are paid once per document, not once per token (they were
/// about a fifth of a word lookup).
pub fn with_words<R>(lang: Lang, models: &Models, f: impl FnOnce(&mut Words<'_>) -> R) -> R {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.models != Some(models.id()) {
            c.by_lang.iter_mut().for_each(FxHashMap::clear);
            c.models = Some(models.id());
        }
        f(&mut Words {
            map: &mut c.by_lang[lang.index()],
            lang,
            models,
        })
    })
}

/// One language's cached word analyses, borrowed by [`with_words`].
pub struct Words<'a> {
    map: &'a mut FxHashMap<Box<str>, Rc<TermInfo>>,
    lang: Lang,
    models: &'a Models,
}

impl Words<'_> {
    /// The analysis of `word`, from the cache or made now.
    pub fn get(&mut self, word: &str) -> Rc<TermInfo> {
        if let Some(t) = self.map.get(word) {
            return t.clone();
        }
        if self.map.len() >= CACHE_LIMIT {
            self.map.clear();
        }
        let info = Rc::new(analyze_word(self.lang, word, self.models));
        self.map.insert(word.into(), info.clone());
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::ModelSource;
    use crate::pivot::Match;

    /// The cache once answered from analyses made with other lexicons: after a run
    /// without lexicons, Turkish "Kahire" stayed a transliteration guess.
    #[test]
    fn cache_follows_the_lexicons() {
        let tur = Lang::TUR;
        let empty_dir =
            std::env::temp_dir().join(format!("tidings-no-lexicons-{}", std::process::id()));
        std::fs::create_dir_all(&empty_dir).unwrap();
        let empty = Models::new(ModelSource::Dir(empty_dir.clone())).unwrap();
        let bundled = Models::bundled();
        let without = cached_word(tur, "Kahire", &empty);
        let with = cached_word(tur, "Kahire", &bundled);
        let again = cached_word(tur, "Kahire", &empty);
        std::fs::remove_dir_all(&empty_dir).ok();
        assert_ne!(without.matched, Some(Match::Lexicon));
        assert_eq!(with.matched, Some(Match::Lexicon));
        assert_ne!(with.concepts, without.concepts);
        assert_eq!(again.matched, without.matched);
        assert_eq!(again.concepts, without.concepts);
    }
}
