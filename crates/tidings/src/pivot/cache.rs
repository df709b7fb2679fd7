//! Each distinct surface word is analyzed once per thread: a bounded cache per
//! language, for the lexicons of one [`Models`] at a time.

use super::word::{analyze_word, TermInfo};
use crate::lang::{Lang, LANGS};
use crate::lexicon::Models;
use rustc_hash::FxHashMap;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Per-language word caches are dropped when they grow past this many words.
const CACHE_LIMIT: usize = 200_000;

/// A cached word: its bytes inline when they fit (nearly every word does), so a
/// lookup compares them in the table's own slot. With `Box<str>` keys every hit
/// followed a pointer to compare the key: on the 50k crawl yardstick that compare
/// was 8.6% of all CPU samples, most of it waiting on the cache miss.
#[derive(Clone)]
enum WordKey {
    Inline(u8, [u8; INLINE_BYTES]),
    Heap(Box<str>),
}

/// Bytes a [`WordKey`] holds inline: with the length byte and the tag, the key
/// takes 24 bytes, no more than a `Box<str>` and its padding beside an `Rc`.
const INLINE_BYTES: usize = 22;

impl WordKey {
    fn new(word: &str) -> WordKey {
        if word.len() <= INLINE_BYTES {
            let mut buf = [0u8; INLINE_BYTES];
            buf[..word.len()].copy_from_slice(word.as_bytes());
            WordKey::Inline(word.len() as u8, buf)
        } else {
            WordKey::Heap(word.into())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            WordKey::Inline(n, buf) => &buf[..usize::from(*n)],
            WordKey::Heap(s) => s.as_bytes(),
        }
    }
}

// `Borrow<[u8]>` lets the map be probed with a word's bytes: hash and equality
// must be those of the byte slice (bytes, not `str`: no UTF-8 check per probe).
impl Borrow<[u8]> for WordKey {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl Hash for WordKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

impl PartialEq for WordKey {
    fn eq(&self, other: &WordKey) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for WordKey {}

/// One thread's analyses, all made with the lexicons of the [`Models`] whose id is
/// `models`: an analysis depends on the lexicons, so another `Models` starts afresh.
struct WordCache {
    models: Option<u64>,
    by_lang: Vec<FxHashMap<WordKey, Rc<TermInfo>>>,
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
    map: &'a mut FxHashMap<WordKey, Rc<TermInfo>>,
    lang: Lang,
    models: &'a Models,
}

impl Words<'_> {
    /// The analysis of `word`, from the cache or made now.
    pub fn get(&mut self, word: &str) -> Rc<TermInfo> {
        if let Some(t) = self.map.get(word.as_bytes()) {
            return t.clone();
        }
        if self.map.len() >= CACHE_LIMIT {
            self.map.clear();
        }
        let info = Rc::new(analyze_word(self.lang, word, self.models));
        self.map.insert(WordKey::new(word), info.clone());
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
