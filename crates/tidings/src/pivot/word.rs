//! One surface word of one language: normalized, stopword or not, stemmed, matched
//! to pivot concepts (the pivot itself, the lexicon with the profile's fallbacks,
//! or a transliteration guess), and its name key.

use super::cache::with_spelling;
use super::{Concept, FeatureId};
use crate::analyze::{self, name_key, normalize_word, transliterate, Script};
use crate::lang::Lang;
use crate::lexicon::{concept_id, stable_hash, stable_hash_parts, Models};

/// Weighted pivot concepts of one word, as a lexicon gives them.
type Senses = Vec<(FeatureId, f32)>;

/// How a content word was matched to pivot concepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Match {
    /// English: the term key is the concept.
    Pivot,
    /// Found in the language's lexicon (possibly after suffix stripping).
    Lexicon,
    /// Not in the lexicon: its transliteration is used as an English term key,
    /// which catches cognates and names spelled alike (referéndum, Bolivia).
    Fallback,
}

/// Everything known about one surface word in one language.
#[derive(Clone, Debug)]
pub struct TermInfo {
    /// Normalized form.
    pub term: Box<str>,
    /// [`stable_hash`] of `term`: the token's hash in the document's token stream
    /// (exact-copy hash and shingles), computed once per word instead of per token.
    pub term_hash: u64,
    /// Term key (normalized and stemmed); empty for stopwords. A `String` as the
    /// stemmer made it: made a `Box<str>`, it was reallocated to its length.
    pub key: String,
    pub stop: bool,
    pub matched: Option<Match>,
    /// The key whose concepts were taken: the lexicon key that matched (after suffix
    /// stripping, perhaps), or the English key of the transliteration fallback.
    pub source_key: Option<Box<str>>,
    /// Pivot concepts with weights (empty for stopwords).
    pub concepts: Box<[(FeatureId, f32)]>,
    /// The phonetic name key's feature id, if the word can be a name.
    pub name: Option<FeatureId>,
    /// The name key of the word without a clitic in front (the profile's
    /// `name_prefixes`), where that differs.
    pub alt_name: Option<FeatureId>,
}

/// What a document's walk reads of a word ([`TermInfo`] without the strings only
/// `tidings analyze` shows), as the word cache holds it in its own slots: 88 bytes,
/// concepts inline. With `TermInfo` in the slots (112 bytes then) the walk's read of a
/// word's first concept, behind the boxed slice's pointer, was half the walk's own
/// samples on the 50k crawl yardstick: a cache miss for every word not read lately.
#[derive(Clone, Debug, PartialEq)]
pub struct WordFeatures {
    /// See [`TermInfo::term_hash`].
    pub term_hash: u64,
    pub concepts: Concepts,
    /// [`TermInfo::name`] and [`TermInfo::alt_name`]; `has_names` says which are set.
    names: [FeatureId; 2],
    has_names: u8,
    pub stop: bool,
    pub matched: Option<Match>,
}

impl WordFeatures {
    /// See [`TermInfo::name`].
    pub fn name(&self) -> Option<FeatureId> {
        (self.has_names & 1 != 0).then_some(self.names[0])
    }

    /// See [`TermInfo::alt_name`].
    pub fn alt_name(&self) -> Option<FeatureId> {
        (self.has_names & 2 != 0).then_some(self.names[1])
    }
}

impl From<TermInfo> for WordFeatures {
    fn from(t: TermInfo) -> WordFeatures {
        let has_names = u8::from(t.name.is_some()) | (u8::from(t.alt_name.is_some()) << 1);
        WordFeatures {
            term_hash: t.term_hash,
            concepts: Concepts::from(&t.concepts[..]),
            names: [t.name.unwrap_or(0), t.alt_name.unwrap_or(0)],
            has_names,
            stop: t.stop,
            matched: t.matched,
        }
    }
}

/// Concepts a word's slot holds inline: the most a bundled lexicon gives a word.
const INLINE_CONCEPTS: usize = 4;

/// A word's weighted concepts, inline up to [`INLINE_CONCEPTS`]; more (a lexicon
/// given with `--models` may list them) on the heap.
#[derive(Clone, Debug, PartialEq)]
pub enum Concepts {
    Inline(u8, [Concept; INLINE_CONCEPTS]),
    Heap(Box<[Concept]>),
}

impl Concepts {
    pub fn as_slice(&self) -> &[Concept] {
        match self {
            Concepts::Inline(n, c) => &c[..usize::from(*n)],
            Concepts::Heap(c) => c,
        }
    }
}

impl From<&[(FeatureId, f32)]> for Concepts {
    fn from(c: &[(FeatureId, f32)]) -> Concepts {
        let feature = |&(id, weight): &(FeatureId, f32)| Concept { id, weight };
        if c.len() <= INLINE_CONCEPTS {
            let mut inline = [Concept { id: 0, weight: 0.0 }; INLINE_CONCEPTS];
            for (slot, x) in inline.iter_mut().zip(c) {
                *slot = feature(x);
            }
            Concepts::Inline(c.len() as u8, inline)
        } else {
            Concepts::Heap(c.iter().map(feature).collect())
        }
    }
}

/// Weight of a concept reached only through the transliteration fallback: a guess, so
/// it counts less than a dictionary match.
const FALLBACK_WEIGHT: f32 = 0.5;

/// Looks `key`, then `term`, then shortened forms of `term` up in `lang`'s lexicon
/// (the profile's [`crate::lang::LexiconFallback`]); returns the lexicon key that
/// matched and its concepts.
fn lookup_with_fallbacks(
    lang: Lang,
    term: &str,
    key: &str,
    models: &Models,
) -> Option<(Box<str>, Senses)> {
    let lex = models.get(lang)?;
    let collect = |k: &str| lex.lookup(k).map(|it| (k.into(), it.collect::<Vec<_>>()));
    if let Some(c) = collect(key) {
        return Some(c);
    }
    if key != term {
        if let Some(c) = collect(term) {
            return Some(c);
        }
    }
    let fallback = lang.profile().lexicon_fallback;
    for suf in fallback.suffixes {
        if let Some(base) = term.strip_suffix(suf) {
            if base.chars().count() >= 3 {
                let k = analyze::stem(lang, base);
                if let Some(c) = collect(&k).or_else(|| collect(base)) {
                    return Some(c);
                }
            }
        }
    }
    if fallback.strip_letters == 0 {
        return None;
    }
    // Light stemming: strip up to `strip_letters` final letters.
    let chars = term.chars().count();
    let idx: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    for cut in 1..=fallback.strip_letters {
        if chars < cut + 4 {
            break;
        }
        if let Some(c) = collect(&term[..idx[chars - cut]]) {
            return Some(c);
        }
    }
    None
}

/// Cuts the longest of `lang`'s particles off the end of `term`, if at least two
/// letters are left.
fn strip_particle(lang: Lang, term: &mut String) {
    for p in lang.profile().particles {
        if let Some(base) = term.strip_suffix(p) {
            if base.chars().count() >= 2 {
                term.truncate(base.len());
                return;
            }
        }
    }
}

/// The name key of a normalized term, as text (see [`name_key`]).
pub fn term_name_key(term: &str) -> Option<String> {
    name_key(&transliterate(term))
}

/// The English term key of `term`'s transliteration, if it is one of 3 bytes or
/// more: the concept a word no lexicon knows falls back to.
fn fallback_key(term: &str) -> Option<Box<str>> {
    with_spelling(term, |s| {
        s.fallback
            .get_or_insert_with(|| {
                analyze::term_key(Lang::PIVOT, &transliterate(term))
                    .filter(|k| k.len() >= 3)
                    .map(Into::into)
            })
            .clone()
    })
}

/// The feature of `term`'s name key ([`term_name_key`]), if it has one.
fn name_feature(term: &str) -> Option<FeatureId> {
    with_spelling(term, |s| {
        *s.name.get_or_insert_with(|| {
            term_name_key(term).map(|k| stable_hash_parts(&[b"n:", k.as_bytes()]))
        })
    })
}

/// Analyzes one surface word of `lang` (not cached; see [`super::Words::get`]).
pub fn analyze_word(lang: Lang, word: &str, models: &Models) -> TermInfo {
    let mut buf = String::new();
    normalize_word(word, lang, &mut buf);
    strip_particle(lang, &mut buf);
    let term: Box<str> = buf.as_str().into();
    let is_caseless_script = analyze::is_caseless(word);
    if (buf.chars().count() < 2 && !analyze::is_ideographic(&buf))
        || analyze::is_stopword(lang, &buf)
    {
        return TermInfo {
            term_hash: stable_hash(term.as_bytes()),
            term,
            key: String::new(),
            stop: true,
            matched: None,
            source_key: None,
            concepts: Box::new([]),
            name: None,
            alt_name: None,
        };
    }
    let key = analyze::stem(lang, &buf);
    let (matched, source_key, concepts) = if lang.is_pivot() {
        let c = vec![(concept_id(&key), 1.0)];
        (Some(Match::Pivot), Some(key.as_str().into()), c)
    } else if let Some((k, c)) = lookup_with_fallbacks(lang, &buf, &key, models) {
        (Some(Match::Lexicon), Some(k), c)
    } else if analyze::script_of(&buf) != Script::Latin {
        // Transliterated Arabic or Cyrillic rarely spells an English word; names are
        // caught by the name key instead.
        (None, None, vec![])
    } else {
        match fallback_key(&buf) {
            Some(k) => {
                // Undetermined text has no lexicon to prefer: its guess counts fully.
                let w = if lang.is_und() { 1.0 } else { FALLBACK_WEIGHT };
                let c = vec![(concept_id(&k), w)];
                (Some(Match::Fallback), Some(k), c)
            }
            None => (None, None, vec![]),
        }
    };
    // Words of caseless scripts that no lexicon knows are likely names; in cased
    // scripts the caller decides from capitalization in context. (A name key on
    // every caseless word, lexicon hits too, was measured: story B³ F1 ntrex-dev-all
    // 0.874 → 0.868, ntrex-dev 0.986 → 0.981, sample 0.963 → 0.903.) A cased word
    // that does not start with a capital is never read as a name (see
    // `Token::may_be_name`), so it gets no key: the key was a sixth of the word's
    // analysis.
    let could_be_name = if is_caseless_script {
        matched != Some(Match::Lexicon)
    } else {
        analyze::starts_with_capital(word)
    };
    let name = could_be_name.then(|| name_feature(&buf)).flatten();
    let alt_name = if could_be_name {
        lang.profile()
            .name_prefixes
            .iter()
            .find_map(|p| buf.strip_prefix(p).filter(|rest| rest.chars().count() >= 3))
            .and_then(name_feature)
            .filter(|&k| Some(k) != name)
    } else {
        None
    };
    TermInfo {
        term_hash: stable_hash(term.as_bytes()),
        term,
        key,
        stop: false,
        matched,
        source_key,
        concepts: concepts.into_boxed_slice(),
        name,
        alt_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name key where a token of the word can be read as a name: capitalized in a
    /// cased script, or in a caseless one; a word starting with a small letter gets
    /// none (no token of it is read as a name, see `Token::may_be_name`).
    #[test]
    fn name_keys_where_a_token_can_be_a_name() {
        let models = Models::bundled();
        let deu = Lang::from_code("deu").unwrap();
        let ara = Lang::from_code("ara").unwrap();
        assert!(analyze_word(deu, "Schmidtke", &models).name.is_some());
        assert!(analyze_word(deu, "schmidtke", &models).name.is_none());
        assert!(analyze_word(Lang::ENG, "Ankara", &models).name.is_some());
        assert!(analyze_word(Lang::ENG, "ankara", &models).name.is_none());
        // Caseless: a word no lexicon knows may be a name, whatever its place.
        assert!(analyze_word(ara, "شميدتكه", &models).name.is_some());
    }

    /// The sizes [`WordFeatures`]' comment gives: a slot of the word cache holds
    /// one beside its 24-byte key.
    #[test]
    fn word_features_are_smaller_than_term_info() {
        assert_eq!(std::mem::size_of::<WordFeatures>(), 88);
        assert_eq!(std::mem::size_of::<TermInfo>(), 120);
    }

    /// A word's fallback key and name key come from its spelling alone: met in one
    /// language after another, and again once the spellings are dropped, a word is
    /// analyzed as on a thread that has seen no word before.
    #[test]
    fn spellings_remembered_across_languages_answer_alike() {
        let models = Models::bundled();
        let langs = ["deu", "fra", "isl", "tur", "swe", "ell"].map(|c| Lang::from_code(c).unwrap());
        let words = [
            "Regierung",
            "Präsident",
            "Kahire",
            "Reykjavík",
            "Bolsonaro",
            "referéndum",
            "Ministerium",
            "Λαβρόφ",
            "İstanbul",
        ];
        let fresh = |lang: Lang, word: &str| {
            std::thread::scope(|s| {
                s.spawn(|| format!("{:?}", analyze_word(lang, word, &models)))
                    .join()
                    .unwrap()
            })
        };
        for round in 0..2 {
            for &lang in &langs {
                for word in words {
                    let got = format!("{:?}", analyze_word(lang, word, &models));
                    assert_eq!(got, fresh(lang, word), "{lang:?} {word} (round {round})");
                }
            }
            crate::pivot::cache::release_caches();
        }
    }

    /// Concepts beyond the inline ones go to the heap, in order.
    #[test]
    fn concepts_inline_and_on_the_heap() {
        let few: Vec<(FeatureId, f32)> = vec![(7, 0.5), (3, 0.25)];
        let many: Vec<(FeatureId, f32)> = (0..6).map(|i| (i, i as f32)).collect();
        for c in [&few, &many] {
            let back: Vec<(FeatureId, f32)> = Concepts::from(&c[..])
                .as_slice()
                .iter()
                .map(|f| (f.id, f.weight))
                .collect();
            assert_eq!(&back, c);
        }
        assert!(matches!(Concepts::from(&few[..]), Concepts::Inline(2, _)));
        assert!(matches!(Concepts::from(&many[..]), Concepts::Heap(_)));
    }
}
