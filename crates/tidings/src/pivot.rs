//! Pivot: an analyzed document becomes weighted features in one language-neutral space.
//!
//! Features are 64-bit ids of four kinds, each a stable hash with its own prefix:
//! - **concepts**: English term keys. English words are their own concept; other
//!   languages reach concepts through their lexicon ([`crate::lexicon`]).
//! - **names**: phonetic keys of names ([`crate::analyze::name_key`]), so that
//!   Lavrov, Лавров and لافروف meet whatever the lexicons hold.
//! - **numbers**: digit strings (years, counts, dates) are the same in every language.
//! - **local**: character bigrams of scripts we cannot segment (Han, Kana, Hangul,
//!   Thai), which match only documents in the same language.
//!
//! Each distinct surface word is analyzed once per thread (a bounded cache), so
//! the cost of stemming and lookups is paid per vocabulary item, not per token.

use crate::analyze::{self, name_key, normalize_word, tokenize, transliterate, Token, TokenKind};
use crate::lang::{Lang, LANGS};
use crate::lexicon::{concept_id, stable_hash, stable_hash_parts, Models};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::rc::Rc;

pub type FeatureId = u64;

/// Weighted pivot concepts of one word.
type Concepts = Vec<(FeatureId, f32)>;

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
#[derive(Debug)]
pub struct TermInfo {
    /// Normalized form.
    pub term: Box<str>,
    /// Term key (normalized and stemmed); empty for stopwords.
    pub key: Box<str>,
    pub stop: bool,
    pub matched: Option<Match>,
    /// The key whose concepts were taken: the lexicon key that matched (after suffix
    /// stripping, perhaps), or the English key of the transliteration fallback.
    pub source_key: Option<Box<str>>,
    /// Pivot concepts with weights (empty for stopwords).
    pub concepts: Box<[(FeatureId, f32)]>,
    /// The phonetic name key's feature id, if the word can be a name.
    pub name: Option<FeatureId>,
}

/// Weight of a concept reached only through the transliteration fallback: a guess, so
/// it counts less than a dictionary match.
const FALLBACK_WEIGHT: f32 = 0.5;

/// Turkish case and possessive endings that Snowball Turkish leaves on (ekonomisi,
/// üniversitesi, Kahire'de), longest first.
const TUR_SUFFIXES: &[&str] = &[
    "larının",
    "lerinin",
    "lerinde",
    "larında",
    "lerine",
    "larına",
    "ndaki",
    "ndeki",
    "ndan",
    "nden",
    "ları",
    "leri",
    "daki",
    "deki",
    "nın",
    "nin",
    "nun",
    "nün",
    "dan",
    "den",
    "tan",
    "ten",
    "nda",
    "nde",
    "yla",
    "yle",
    "lar",
    "ler",
    "sı",
    "si",
    "su",
    "sü",
    "ın",
    "in",
    "un",
    "ün",
    "da",
    "de",
    "ta",
    "te",
    "ya",
    "ye",
    "ı",
    "i",
    "u",
    "ü",
    "a",
    "e",
];

/// Looks `key`, then `term`, then shortened forms of `term` up in `lang`'s lexicon;
/// returns the lexicon key that matched and its concepts.
fn lookup_with_fallbacks(
    lang: Lang,
    term: &str,
    key: &str,
    models: &Models,
) -> Option<(Box<str>, Concepts)> {
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
    let chars = term.chars().count();
    if lang == Lang::TUR {
        for suf in TUR_SUFFIXES {
            if let Some(base) = term.strip_suffix(suf) {
                if base.chars().count() >= 3 {
                    let k = analyze::stem(lang, base);
                    if let Some(c) = collect(&k).or_else(|| collect(base)) {
                        return Some(c);
                    }
                }
            }
        }
    }
    if lang.info().stemmer.is_none() || lang == Lang::TUR {
        // Languages without a stemmer: strip up to three final letters (light stemming).
        let idx: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
        for cut in 1..=3usize {
            if chars < cut + 4 {
                break;
            }
            if let Some(c) = collect(&term[..idx[chars - cut]]) {
                return Some(c);
            }
        }
    }
    None
}

fn is_latin_word(w: &str) -> bool {
    matches!(analyze::script_of(w), analyze::Script::Latin)
}

/// Analyzes one surface word of `lang` (not cached; see [`DocAnalyzer`]).
pub fn analyze_word(lang: Lang, word: &str, models: &Models) -> TermInfo {
    let mut buf = String::new();
    normalize_word(word, lang, &mut buf);
    let term: Box<str> = buf.as_str().into();
    let is_caseless_script = !word.chars().any(|c| c.is_uppercase() || c.is_lowercase());
    if (buf.chars().count() < 2 && !analyze::is_ideographic(&buf))
        || analyze::is_stopword(lang, &buf)
    {
        return TermInfo {
            term,
            key: "".into(),
            stop: true,
            matched: None,
            source_key: None,
            concepts: Box::new([]),
            name: None,
        };
    }
    let key = analyze::stem(lang, &buf);
    let (matched, source_key, concepts) = if lang == Lang::ENG {
        let c = vec![(concept_id(&key), 1.0)];
        (Some(Match::Pivot), Some(key.as_str().into()), c)
    } else if let Some((k, c)) = lookup_with_fallbacks(lang, &buf, &key, models) {
        (Some(Match::Lexicon), Some(k), c)
    } else if !is_latin_word(&buf) {
        // Transliterated Arabic or Cyrillic rarely spells an English word; names are
        // caught by the name key instead.
        (None, None, vec![])
    } else {
        let latin = transliterate(&buf);
        match analyze::term_key(Lang::ENG, &latin) {
            Some(k) if k.len() >= 3 => {
                // Undetermined text has no lexicon to prefer: its guess counts fully.
                let w = if lang.is_und() { 1.0 } else { FALLBACK_WEIGHT };
                let c = vec![(concept_id(&k), w)];
                (Some(Match::Fallback), Some(k.into()), c)
            }
            _ => (None, None, vec![]),
        }
    };
    // Words of caseless scripts that no lexicon knows are likely names; in cased
    // scripts the caller decides from capitalization in context.
    let could_be_name = !is_caseless_script || matched != Some(Match::Lexicon);
    let name = could_be_name
        .then(|| name_key(&transliterate(&buf)))
        .flatten()
        .map(|k| stable_hash_parts(&[b"n:", k.as_bytes()]));
    TermInfo {
        term,
        key: key.into(),
        stop: false,
        matched,
        source_key,
        concepts: concepts.into_boxed_slice(),
        name,
    }
}

/// Segments a run of Han/Kana characters by forward maximum matching against
/// `lang`'s lexicon: the longest dictionary word (up to [`MAX_WORD_CHARS`]) starting
/// at a character is one word. Calls `f(start, end, matched)` with byte offsets for
/// each word, and with `matched == false` for each character no word starts at.
pub fn segment_ideo(
    text: &str,
    lang: Lang,
    models: &Models,
    mut f: impl FnMut(usize, usize, bool),
) {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let n_chars = starts.len() - 1;
    let lex = models.get(lang);
    let mut i = 0;
    while i < n_chars {
        let word_end = lex.and_then(|lex| {
            (i + 1..=n_chars.min(i + MAX_WORD_CHARS))
                .rev()
                .find(|&j| lex.contains(&text[starts[i]..starts[j]]))
        });
        match word_end {
            Some(j) => {
                f(starts[i], starts[j], true);
                i = j;
            }
            None => {
                f(starts[i], starts[i + 1], false);
                i += 1;
            }
        }
    }
}

/// Features of one document, before corpus weighting.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DocFeatures {
    pub lang: Lang,
    /// (feature, sublinear term frequency), sorted by feature id.
    pub features: Vec<(FeatureId, f32)>,
    pub n_words: u32,
    /// Words that are not stopwords.
    pub n_content: u32,
    /// Content words that reached a concept through the pivot or a lexicon.
    pub n_pivoted: u32,
    /// Content words that reached none but are capitalized mid-sentence (names, in
    /// cased scripts; they match through name keys instead).
    pub n_names: u32,
    /// Hash of the normalized token stream: equal for exact copies.
    pub exact_hash: u64,
    /// Bottom-k sketch of word 3-gram hashes, for same-language near-duplicate Jaccard.
    pub sketch: Vec<u64>,
}

/// Longest dictionary word tried when segmenting Han/Kana text.
const MAX_WORD_CHARS: usize = 8;
/// A single Han character is a word with many senses: it counts half.
const SINGLE_CHAR_WEIGHT: f32 = 0.5;

/// Size of the bottom-k shingle sketch: Jaccard estimates within ±0.06 at k = 64.
pub const SKETCH_SIZE: usize = 64;
/// Per-language word caches are dropped when they grow past this many words.
const CACHE_LIMIT: usize = 200_000;

thread_local! {
    static CACHE: RefCell<Vec<FxHashMap<Box<str>, Rc<TermInfo>>>> =
        RefCell::new(LANGS.iter().map(|_| FxHashMap::default()).collect());
}

fn lang_slot(lang: Lang) -> usize {
    LANGS
        .iter()
        .position(|i| i.code == lang.code())
        .unwrap_or(0)
}

/// Looks a word up in this thread's cache, analyzing it on a miss.
pub fn cached_word(lang: Lang, word: &str, models: &Models) -> Rc<TermInfo> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let map = &mut c[lang_slot(lang)];
        if let Some(t) = map.get(word) {
            return t.clone();
        }
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        let info = Rc::new(analyze_word(lang, word, models));
        map.insert(word.into(), info.clone());
        info
    })
}

/// Weights of the feature kinds. Concepts carry the topic; names and numbers are
/// strong cross-lingual evidence but a story shares them with its background.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureWeights {
    pub name: f32,
    pub number: f32,
    pub local: f32,
}

impl Default for FeatureWeights {
    fn default() -> Self {
        FeatureWeights {
            name: 1.0,
            number: 0.7,
            local: 1.0,
        }
    }
}

/// Turns a document's text into [`DocFeatures`].
pub fn doc_features(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
) -> DocFeatures {
    let mut tf: FxHashMap<FeatureId, f32> = FxHashMap::default();
    let mut seen_lines: FxHashSet<u64> = FxHashSet::default();
    let mut out = DocFeatures {
        lang,
        ..Default::default()
    };
    let mut stream_hash: u64 = 0xcbf29ce484222325;
    let mut shingle: [u64; 3] = [0; 3];
    let mut n_tokens = 0usize;
    let mut shingles: Vec<u64> = Vec::new();
    let mut buf = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        // Page furniture repeats (site name, contact block, tags): count each line once.
        if !seen_lines.insert(stable_hash(trimmed.as_bytes())) {
            continue;
        }
        tokenize(line, |tok: Token<'_>| {
            let (stream_term, fid, w): (u64, Option<FeatureId>, f32) = match tok.kind {
                TokenKind::Number => {
                    let digits = tok.text.chars().filter_map(|c| {
                        if c.is_ascii_digit() {
                            Some(c)
                        } else {
                            analyze::normalize::fold_digit(c)
                        }
                    });
                    buf.clear();
                    buf.extend(digits);
                    let h = stable_hash_parts(&[b"#", buf.as_bytes()]);
                    (h, (buf.len() >= 2).then_some(h), weights.number)
                }
                TokenKind::Ideo => {
                    segment_ideo(tok.text, lang, models, |start, end, matched| {
                        out.n_words += 1;
                        if matched {
                            let info = cached_word(lang, &tok.text[start..end], models);
                            if info.stop {
                                return;
                            }
                            out.n_content += 1;
                            out.n_pivoted += 1;
                            let single = tok.text[start..end].chars().nth(1).is_none();
                            let w = if single { SINGLE_CHAR_WEIGHT } else { 1.0 };
                            for &(c, cw) in info.concepts.iter() {
                                *tf.entry(c).or_default() += w * cw;
                            }
                        } else {
                            // No word here: the character bigram (or the lone last
                            // character), which matches only the same language.
                            out.n_content += 1;
                            let bigram_end = tok.text[end..]
                                .chars()
                                .next()
                                .map_or(end, |c| end + c.len_utf8());
                            let h = stable_hash_parts(&[
                                b"x:",
                                lang.code().as_bytes(),
                                b":",
                                &tok.text.as_bytes()[start..bigram_end],
                            ]);
                            *tf.entry(h).or_default() += weights.local;
                        }
                    });
                    (stable_hash(tok.text.as_bytes()), None, 0.0)
                }
                TokenKind::Word => {
                    let info = cached_word(lang, tok.text, models);
                    out.n_words += 1;
                    if !info.stop {
                        out.n_content += 1;
                        let cased_name = tok.capitalized && !tok.sentence_initial;
                        if matches!(info.matched, Some(Match::Pivot | Match::Lexicon)) {
                            out.n_pivoted += 1;
                        } else if cased_name {
                            out.n_names += 1;
                        }
                        for &(c, w) in info.concepts.iter() {
                            *tf.entry(c).or_default() += w;
                        }
                        let caseless = !tok
                            .text
                            .chars()
                            .any(|c| c.is_uppercase() || c.is_lowercase());
                        if cased_name || caseless {
                            if let Some(n) = info.name {
                                *tf.entry(n).or_default() += weights.name;
                            }
                        }
                    }
                    (stable_hash(info.term.as_bytes()), None, 0.0)
                }
            };
            if let Some(f) = fid {
                *tf.entry(f).or_default() += w;
            }
            stream_hash = (stream_hash ^ stream_term).wrapping_mul(0x100000001b3);
            shingle = [shingle[1], shingle[2], stream_term];
            n_tokens += 1;
            if n_tokens >= 3 {
                shingles.push(stable_hash(
                    &[
                        shingle[0].to_le_bytes(),
                        shingle[1].to_le_bytes(),
                        shingle[2].to_le_bytes(),
                    ]
                    .concat(),
                ));
            }
        });
    }
    if n_tokens > 0 && n_tokens < 3 {
        shingles.push(stream_hash);
    }
    shingles.sort_unstable();
    shingles.dedup();
    shingles.truncate(SKETCH_SIZE);
    // Features and sketch are held for every document of the run until vectorized:
    // no spare capacity (it was half of their memory).
    shingles.shrink_to_fit();
    out.sketch = shingles;
    out.exact_hash = stream_hash;
    let mut features: Vec<(FeatureId, f32)> = tf
        .into_iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(f, w)| (f, if w > 1.0 { 1.0 + w.ln() } else { w }))
        .collect();
    features.sort_unstable_by_key(|&(f, _)| f);
    features.shrink_to_fit();
    out.features = features;
    out
}

/// Lexicon coverage of a set of documents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coverage {
    pub docs: usize,
    pub content_words: u64,
    /// Content words that reached a pivot concept.
    pub pivoted: u64,
    /// Content words that reached none but look like names (see [`DocFeatures::n_names`]).
    pub names: u64,
}

impl Coverage {
    /// Share of content words that reach a pivot concept.
    pub fn share(&self) -> f64 {
        self.pivoted as f64 / self.content_words.max(1) as f64
    }

    /// The same share with names left out of the count: what the lexicon, as a
    /// dictionary of words, covers. Equal to [`Coverage::share`] in caseless scripts.
    pub fn share_without_names(&self) -> f64 {
        self.pivoted as f64 / (self.content_words - self.names).max(1) as f64
    }
}

/// Coverage per language.
pub fn coverage_by_lang<'a>(
    docs: impl Iterator<Item = (Lang, &'a DocFeatures)>,
) -> std::collections::BTreeMap<Lang, Coverage> {
    let mut per_lang: std::collections::BTreeMap<Lang, Coverage> = Default::default();
    for (lang, f) in docs {
        let e = per_lang.entry(lang).or_default();
        e.docs += 1;
        e.content_words += u64::from(f.n_content);
        e.pivoted += u64::from(f.n_pivoted);
        e.names += u64::from(f.n_names);
    }
    per_lang
}

/// Jaccard similarity estimated from two bottom-k sketches.
pub fn sketch_jaccard(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // Bottom-k of the union, and how many of those are in both.
    let k = a.len().max(b.len()).min(SKETCH_SIZE);
    let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
    while taken < k && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            (None, Some(_)) => j += 1,
            (None, None) => break,
        }
        taken += 1;
    }
    both as f32 / taken.max(1) as f32
}
