//! Each distinct surface word is analyzed once per thread: a bounded cache per
//! language, for the lexicons of one [`Models`] at a time.

use super::word::{analyze_word, WordFeatures};
use super::FeatureId;
use crate::lang::{Lang, LANGS};
use crate::lexicon::Models;
use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;
use std::hash::BuildHasher;

/// A word's analysis by its text, held in the table itself: a hit reads the slot
/// it compared the key in, with no pointer to follow (with `Rc<TermInfo>` values,
/// taking the count was 6.5% of the CPU samples of a synthetic-corpus run).
/// hashbrown's `HashTable` finds or makes an entry in one probe and hands back a
/// borrow of it (std's map cannot without a second lookup).
#[derive(Default)]
struct WordMap(HashTable<(WordKey, WordFeatures)>);

impl WordMap {
    fn hash(bytes: &[u8]) -> u64 {
        FxBuildHasher.hash_one(bytes)
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

/// Per-language word caches are dropped when they grow past this many words, and a
/// thread's spellings ([`with_spelling`]) past this many spellings.
const CACHE_LIMIT: usize = 200_000;

/// The value kept for `bytes` in `table` (whose keys' bytes `key_bytes` gives),
/// made with its key by `make` if there is none; a table that holds
/// [`CACHE_LIMIT`] entries is emptied before one more is made. One probe finds or
/// makes it (see [`WordMap`]).
#[inline]
fn bounded_slot<'t, K, V>(
    table: &'t mut HashTable<(K, V)>,
    bytes: &[u8],
    key_bytes: impl Fn(&K) -> &[u8],
    make: impl FnOnce() -> (K, V),
) -> &'t mut V {
    let hash = WordMap::hash(bytes);
    let same = |(k, _): &(K, V)| key_bytes(k) == bytes;
    if table.len() >= CACHE_LIMIT && table.find(hash, same).is_none() {
        table.clear();
    }
    match table.entry(hash, same, |(k, _)| WordMap::hash(key_bytes(k))) {
        Entry::Occupied(e) => &mut e.into_mut().1,
        Entry::Vacant(e) => &mut e.insert(make()).into_mut().1,
    }
}

/// What a word's analysis takes from its normalized spelling alone, whatever its
/// language: the English key its transliteration falls back to and the feature of
/// its name key, each made when first asked for (`pivot::word`). A word is analyzed
/// once for each language it is met in, and a word of one language in a document
/// of another misses that language's lexicon and falls back in each alike (on the
/// crawl yardstick, whose documents join two texts, 627k (language, word) analyses
/// were made for 129k words).
#[derive(Default)]
pub(super) struct Spelling {
    pub fallback: Option<Option<Box<str>>>,
    pub name: Option<Option<FeatureId>>,
}

thread_local! {
    static SPELLINGS: RefCell<HashTable<(Box<str>, Spelling)>> = RefCell::default();
}

/// Runs `f` on this thread's [`Spelling`] of `term`. Spellings do not depend on the
/// lexicons, so they are kept whatever [`Models`] the word caches follow.
pub(super) fn with_spelling<R>(term: &str, f: impl FnOnce(&mut Spelling) -> R) -> R {
    SPELLINGS.with(|s| {
        let mut s = s.borrow_mut();
        let slot = bounded_slot(
            &mut s,
            term.as_bytes(),
            |k| k.as_bytes(),
            || (term.into(), Spelling::default()),
        );
        f(slot)
    })
}

/// A cached word: its bytes inline when they fit (nearly every word does), so a
/// lookup compares them in the table's own slot. With `Box<str>` keys every hit
/// followed a pointer to compare the key: on the 50k crawl yardstick that compare
/// was 8.6% of all CPU samples, most of it waiting on the cache miss.
#[derive(Clone)]
enum WordKey {
    Inline(u8, [u8; INLINE_BYTES]),
    Heap(Box<[u8]>),
}

/// Bytes a [`WordKey`] holds inline: with the length byte and the tag, the key
/// takes 24 bytes (a `Box<str>` took 16, and its bytes lay elsewhere).
const INLINE_BYTES: usize = 22;

impl WordKey {
    fn bytes(&self) -> &[u8] {
        match self {
            WordKey::Inline(n, buf) => &buf[..usize::from(*n)],
            WordKey::Heap(b) => b,
        }
    }
}

impl From<&[u8]> for WordKey {
    fn from(bytes: &[u8]) -> WordKey {
        if bytes.len() <= INLINE_BYTES {
            let mut buf = [0u8; INLINE_BYTES];
            buf[..bytes.len()].copy_from_slice(bytes);
            WordKey::Inline(bytes.len() as u8, buf)
        } else {
            WordKey::Heap(bytes.into())
        }
    }
}

/// One thread's analyses, all made with the lexicons of the [`Models`] whose id is
/// `models`: an analysis depends on the lexicons, so another `Models` starts afresh.
struct WordCache {
    models: Option<u64>,
    by_lang: Vec<WordMap>,
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache {
        models: None,
        by_lang: LANGS.iter().map(|_| WordMap::default()).collect(),
    });
}

/// Drops the word caches of every thread of the current rayon pool and of this
/// thread, memory and all.
pub fn release_caches() {
    let release = || {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.by_lang.iter_mut().for_each(|m| *m = WordMap::default());
            c.models = None;
        });
    };
    let release = || {
        release();
        SPELLINGS.with(|s| *s.borrow_mut() = HashTable::new());
    };
    rayon::broadcast(|_| release());
    release();
    super::intern::release_near();
}

/// Looks a word up in this thread's cache, analyzing it on a miss (for tests: the
/// engine reads the cache through [`with_words`]).
#[cfg(test)]
pub fn cached_word(lang: Lang, word: &str, models: &Models) -> WordFeatures {
    with_words(lang, models, |words| words.get(word).clone())
}

/// Runs `f` with this thread's analyses of `lang`'s words, made with `models`.
/// A document's tokens go through one of these: the thread-local, its borrow and
/// the lexicon check are paid once per document, not once per token (they were
/// about a fifth of a word lookup).
pub fn with_words<R>(lang: Lang, models: &Models, f: impl FnOnce(&mut Words<'_>) -> R) -> R {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.models != Some(models.id()) {
            c.by_lang.iter_mut().for_each(WordMap::clear);
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
    map: &'a mut WordMap,
    lang: Lang,
    models: &'a Models,
}

impl Words<'_> {
    /// Reads the cached analyses of `words`, so that the [`Words::get`]s that follow
    /// find them in the CPU's cache. These lookups do not wait on one another, so
    /// their cache misses overlap; a `get` per token, with a token's features handled
    /// between two, waits on each miss in turn.
    pub fn prefetch<'w>(&self, words: impl Iterator<Item = &'w str>) {
        for word in words {
            let bytes = word.as_bytes();
            let slot = self
                .map
                .0
                .find(WordMap::hash(bytes), |(k, _)| k.bytes() == bytes);
            // The key's compare loaded its bytes; `matched` lies at the far end of
            // the analysis (rustc lays its concepts out first), so reading it loads
            // the rest of the slot.
            std::hint::black_box(slot.map(|(_, f)| f.matched));
        }
    }

    /// The analysis of `word`, from the cache or made now.
    pub fn get(&mut self, word: &str) -> &WordFeatures {
        let bytes = word.as_bytes();
        let (lang, models) = (self.lang, self.models);
        bounded_slot(&mut self.map.0, bytes, WordKey::bytes, || {
            let info = WordFeatures::from(analyze_word(lang, word, models));
            (WordKey::from(bytes), info)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::ModelSource;
    use crate::pivot::Match;

    fn words_cached_here() -> usize {
        CACHE.with(|c| c.borrow().by_lang.iter().map(|m| m.0.len()).sum())
    }

    /// Released caches hold nothing (their tables are gone, not only emptied) and
    /// fill again with the same analyses.
    #[test]
    fn released_caches_fill_again_alike() {
        let models = Models::bundled();
        let before = cached_word(Lang::TUR, "Kahire", &models);
        assert!(words_cached_here() > 0);
        release_caches();
        assert_eq!(words_cached_here(), 0);
        CACHE.with(|c| assert!(c.borrow().by_lang.iter().all(|m| m.0.capacity() == 0)));
        assert_eq!(cached_word(Lang::TUR, "Kahire", &models), before);
    }

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
