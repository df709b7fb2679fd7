//! A document's text becomes [`DocFeatures`]: weighted concepts, names, numbers and
//! local character bigrams, with counts for coverage reports and a sketch for
//! near-duplicates.

use super::feature_list::FeatureList;
use super::intern::{id_of, intern, FeatureKey};
use super::sketch::SketchBuilder;
use super::{segment_ideo, with_words, FeatureId, Match, Words};
use crate::analyze::{self, tokenize, Token, TokenKind};
use crate::lang::Lang;
use crate::lexicon::{stable_hash, stable_hash_parts, Models};
use rustc_hash::{FxHashMap, FxHashSet};

/// Features of one document, before corpus weighting.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DocFeatures {
    pub lang: Lang,
    /// Features with their sublinear term frequencies, by id.
    #[serde(with = "held_as_ids")]
    pub features: FeatureList,
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
    pub sketch: Vec<u32>,
    /// The names it mentions (what a story record says a member adds).
    #[serde(default)]
    pub names: Mentions,
    /// The numbers it mentions, likewise.
    #[serde(default)]
    pub numbers: Mentions,
}

/// A concept of a word and its weight (the word cache's [`super::Concepts`]), in
/// 12 bytes: a `(u64, f32)` tuple takes 16 with its padding.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, packed(4))]
pub struct Concept {
    pub id: FeatureId,
    pub weight: f32,
}

/// A feature of a document and its weight, as a [`FeatureList`] gives it: the
/// feature by its [`FeatureKey`] (see [`super::intern`]). Its id is
/// [`Feature::id`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feature {
    pub key: FeatureKey,
    pub weight: f32,
}

impl Feature {
    pub fn new(id: FeatureId, weight: f32) -> Feature {
        Feature {
            key: intern(id),
            weight,
        }
    }

    /// The feature's id.
    #[inline]
    pub fn id(self) -> FeatureId {
        id_of(self.key)
    }
}

/// [`DocFeatures::features`] written as the list of `(id, weight)` tuples, by id,
/// it held when ids were held: stage files, pickles and content keys are those
/// bytes.
mod held_as_ids {
    use super::{FeatureId, FeatureList};
    use serde::ser::SerializeSeq;

    pub fn serialize<S: serde::Serializer>(
        features: &FeatureList,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(features.len()))?;
        for f in features.iter() {
            seq.serialize_element(&(f.id(), f.weight))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<FeatureList, D::Error> {
        let held = <Vec<(FeatureId, f32)> as serde::Deserialize>::deserialize(d)?;
        Ok(FeatureList::from_held(&held))
    }
}

/// Names (or numbers) a document mentions, in the order they first appear, at most
/// [`MAX_MENTIONS`]: each with the feature that matches it across languages and
/// scripts (a name's phonetic key, a number's digits) and its surface form. Kept
/// compact (one string for all the surfaces) because it outlives the text.
///
/// A name is a word capitalized mid-sentence that the language's lexicon does not
/// know (a capitalized word it knows is a noun or a title: German nouns, Turkish
/// "Dışişleri Bakanı"), any such word in English (the pivot, where every word is
/// "known"), or, in a caseless script, a word no lexicon knows.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mentions {
    keys: Vec<FeatureId>,
    /// The surface forms, one per key, each followed by a newline (no token holds one).
    surfaces: String,
}

/// A year names itself: "2019" in "in 2019" and in "2019'da" is the same mention.
fn is_year(digits: &str) -> bool {
    digits.len() == 4 && matches!(digits.parse::<u32>(), Ok(1800..=2100))
}

/// A number and what it counts: "16 bilateral meetings" is told from a page's other
/// 16s (a date, a time) by the first content word after it, compared by its
/// concept, so "16 ikili görüşme" matches it across languages. The surface form
/// keeps the number and the two words after it. (Years are mentions by
/// themselves: word order around a year differs between languages.)
struct NumberMention {
    digits: FeatureId,
    key: Option<FeatureId>,
    surface: String,
    words: usize,
}

impl NumberMention {
    fn new(digits: FeatureId, text: &str) -> NumberMention {
        NumberMention {
            digits,
            key: None,
            surface: text.to_string(),
            words: 0,
        }
    }

    /// Takes the next word (`what` it means: a concept or the word's own hash, or
    /// `None` for a stopword); true once the mention is complete.
    fn word(&mut self, text: &str, what: Option<FeatureId>) -> bool {
        if self.key.is_none() {
            self.key =
                what.map(|w| stable_hash_parts(&[&self.digits.to_le_bytes(), &w.to_le_bytes()]));
        }
        self.surface.push(' ');
        self.surface.push_str(text);
        self.words += 1;
        self.words >= 2 && self.key.is_some()
    }

    fn finish(self, numbers: &mut Mentions) {
        numbers.push(self.key.unwrap_or(self.digits), &self.surface);
    }
}

/// Mentions of each kind kept per document: enough for a news article's names and
/// figures.
pub const MAX_MENTIONS: usize = 32;

impl Mentions {
    fn push(&mut self, key: FeatureId, surface: &str) {
        if self.keys.len() < MAX_MENTIONS && !self.keys.contains(&key) {
            self.keys.push(key);
            self.surfaces.push_str(surface);
            self.surfaces.push('\n');
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Drops spare capacity: mentions outlive the text, for every document.
    pub fn shrink_to_fit(&mut self) {
        self.keys.shrink_to_fit();
        self.surfaces.shrink_to_fit();
    }

    /// (key, surface form) in the order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (FeatureId, &str)> {
        self.keys.iter().copied().zip(self.surfaces.lines())
    }

    /// Whether some mention has this key.
    pub fn has(&self, key: FeatureId) -> bool {
        self.keys.contains(&key)
    }

    /// The bytes it holds on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.len() * std::mem::size_of::<FeatureId>() + self.surfaces.len()
    }
}

/// A single Han character is a word with many senses: it counts half.
const SINGLE_CHAR_WEIGHT: f32 = 0.5;

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
    with_words(lang, models, |words| {
        features_with(text, lang, models, weights, words)
    })
}

/// The ids of the features [`doc_features`] finds in `text`, by id, without the
/// rest of its work (the weights, the sketch, the names and numbers): a document
/// whose members' sentences are compared with it needs no more.
pub fn feature_ids(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
) -> Vec<FeatureId> {
    with_words(lang, models, |words| {
        IdWalk::new(lang, models, weights, words).ids(text)
    })
}

/// What [`walk`] finds in a text: each feature occurrence with its weight, and
/// each token's normalized hash.
trait Sink {
    fn feature(&mut self, id: FeatureId, weight: f32);
    fn term(&mut self, hash: u64);
}

/// A document's term frequencies and its sketch.
struct TermFrequencies {
    tf: FxHashMap<FeatureId, f32>,
    sketch: SketchBuilder,
}

impl Sink for TermFrequencies {
    #[inline]
    fn feature(&mut self, id: FeatureId, weight: f32) {
        *self.tf.entry(id).or_default() += weight;
    }

    #[inline]
    fn term(&mut self, hash: u64) {
        self.sketch.push(hash);
    }
}

/// The features of a sentence, only which ones: [`sentence_features`].
#[derive(Default)]
struct Occurrences(Vec<(FeatureId, f32)>);

impl Sink for Occurrences {
    #[inline]
    fn feature(&mut self, id: FeatureId, weight: f32) {
        self.0.push((id, weight));
    }

    #[inline]
    fn term(&mut self, _: u64) {}
}

impl Occurrences {
    /// The ids [`features_with`] would keep, in its order: those whose weights sum
    /// above zero, by id.
    fn ids(&mut self) -> Vec<FeatureId> {
        self.0.sort_unstable_by_key(|e| e.0);
        let mut ids = Vec::new();
        for run in self.0.chunk_by(|x, y| x.0 == y.0) {
            if run.iter().map(|e| e.1).sum::<f32>() > 0.0 {
                ids.push(run[0].0);
            }
        }
        self.0.clear();
        ids
    }
}

fn features_with(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
    words: &mut Words<'_>,
) -> DocFeatures {
    let mut out = DocFeatures {
        lang,
        ..Default::default()
    };
    let mut sink = TermFrequencies {
        // About one feature per 8 bytes of news text: grown from empty, the map was
        // rehashed seven times per document.
        tf: FxHashMap::with_capacity_and_hasher(text.len() / 8, Default::default()),
        // About one token per 6 bytes of news text in a Latin script (fewer bytes
        // a token in other scripts: the list then grows once or twice more).
        sketch: SketchBuilder::with_capacity(text.len() / 6),
    };
    let mut seen_lines = FxHashSet::default();
    walk(
        text,
        models,
        weights,
        words,
        &mut seen_lines,
        &mut Vec::new(),
        &mut out,
        &mut sink,
    );
    let TermFrequencies { tf, sketch } = sink;
    out.names.shrink_to_fit();
    out.numbers.shrink_to_fit();
    (out.exact_hash, out.sketch) = sketch.finish();
    // Damped (sublinear), in no order: the list sorts them by id.
    out.features = FeatureList::from_pairs(
        tf.into_iter()
            .filter(|(_, w)| *w > 0.0)
            .map(|(id, w)| (id, if w > 1.0 { 1.0 + w.ln() } else { w })),
    );
    out
}

/// The tokens of `text` in `out.lang`, each line once (`seen_lines`: page furniture
/// repeats), into `sink`; counts, names and numbers into `out`. `tokens` holds a
/// line's tokens, taken before any is looked up (see `Words::prefetch`): a caller
/// that walks many short texts (the sentences of a document) hands the same one
/// to each.
#[allow(clippy::too_many_arguments)]
fn walk<'t>(
    text: &'t str,
    models: &Models,
    weights: &FeatureWeights,
    words: &mut Words<'_>,
    seen_lines: &mut FxHashSet<&'t str>,
    tokens: &mut Vec<Token<'t>>,
    out: &mut DocFeatures,
    sink: &mut impl Sink,
) {
    let lang = out.lang;
    let mut buf = String::new();
    // A number waiting for the words after it (see `NumberMention`).
    let mut pending: Option<NumberMention> = None;
    for line in text.lines() {
        if let Some(p) = pending.take() {
            p.finish(&mut out.numbers);
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        // Page furniture repeats (site name, contact block, tags): count each line once.
        // Kept by the line itself: exact, and no byte-by-byte FNV pass over every
        // line (a multiply's latency a byte).
        if !seen_lines.insert(trimmed) {
            continue;
        }
        tokens.clear();
        tokenize(line, |tok| tokens.push(tok));
        words.prefetch(
            tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .map(|t| t.text),
        );
        for &tok in tokens.iter() {
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
                    if let Some(p) = pending.take() {
                        p.finish(&mut out.numbers);
                    }
                    if is_year(&buf) {
                        out.numbers.push(h, tok.text);
                    } else if buf.len() >= 2 {
                        pending = Some(NumberMention::new(h, tok.text));
                    }
                    (h, (buf.len() >= 2).then_some(h), weights.number)
                }
                TokenKind::Ideo => {
                    segment_ideo(tok.text, lang, models, |start, end, matched| {
                        out.n_words += 1;
                        if matched {
                            let info = words.get(&tok.text[start..end]);
                            if info.stop {
                                return;
                            }
                            out.n_content += 1;
                            out.n_pivoted += 1;
                            let single = tok.text[start..end].chars().nth(1).is_none();
                            let w = if single { SINGLE_CHAR_WEIGHT } else { 1.0 };
                            for c in info.concepts.as_slice() {
                                sink.feature(c.id, w * c.weight);
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
                            sink.feature(h, weights.local);
                        }
                    });
                    (stable_hash(tok.text.as_bytes()), None, 0.0)
                }
                TokenKind::Word => {
                    let info = words.get(tok.text);
                    out.n_words += 1;
                    if let Some(p) = pending.as_mut() {
                        let what = (!info.stop).then(|| {
                            info.concepts
                                .as_slice()
                                .first()
                                .map_or(info.term_hash, |c| c.id)
                        });
                        if p.word(tok.text, what) {
                            if let Some(p) = pending.take() {
                                p.finish(&mut out.numbers);
                            }
                        }
                    }
                    if !info.stop {
                        out.n_content += 1;
                        let cased_name = tok.is_cased_name();
                        if matches!(info.matched, Some(Match::Pivot | Match::Lexicon)) {
                            out.n_pivoted += 1;
                        } else if cased_name {
                            out.n_names += 1;
                        }
                        for c in info.concepts.as_slice() {
                            sink.feature(c.id, c.weight);
                        }
                        if tok.may_be_name() {
                            for n in info.name().into_iter().chain(info.alt_name()) {
                                sink.feature(n, weights.name);
                            }
                            let known = matches!(info.matched, Some(Match::Lexicon));
                            if let (Some(n), false) = (info.name(), known) {
                                out.names.push(n, tok.text);
                            }
                        }
                    }
                    (info.term_hash, None, 0.0)
                }
            };
            if let Some(f) = fid {
                sink.feature(f, w);
            }
            sink.term(stream_term);
        }
    }
    if let Some(p) = pending.take() {
        p.finish(&mut out.numbers);
    }
}
/// Sentences shorter than this many words are not listed as something a document
/// adds: a dateline or a caption says little on its own.
const MIN_SENTENCE_WORDS: usize = 6;

/// Sentences listed are cut to this many characters.
const MAX_SENTENCE_CHARS: usize = 200;

/// The sentences of a text (of at least [`MIN_SENTENCE_WORDS`] words), each with
/// the features [`doc_features`] finds in it, for what one document says that
/// another does not. A sentence ends at `.`, `!`, `?` (and their CJK, Arabic and
/// Devanagari forms) before white space, or at the end of a line.
pub fn sentence_features(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
) -> Vec<(String, Vec<FeatureId>)> {
    sentence_features_except(text, lang, models, weights, &FxHashSet::default())
}

/// [`sentence_features`] without the sentences in `except` (as [`sentences`] gives
/// them). A sentence that a document in the same language has word for word has no
/// feature that document lacks: its walk finds the same tokens, and with no
/// negative weight (config and lexicons refuse them) whatever sums above zero in
/// the sentence sums above zero in the document. So what an edited copy adds is
/// found without walking the sentences it shares with its original, most of them.
pub fn sentence_features_except(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
    except: &FxHashSet<&str>,
) -> Vec<(String, Vec<FeatureId>)> {
    let mut out = Vec::new();
    walk_sentences(text, lang, models, weights, except, |s, ids| {
        out.push((surface(s), ids));
        true
    });
    out
}

/// The first `max` sentences of `text` not in `except` whose features `adds`
/// accepts, as [`sentence_features_except`] shows them, in order. The walk stops
/// once `max` are found: on the 50k crawl yardstick 18k of 50k members add the
/// most a member may, and the sentences after those were walked for nothing.
pub fn sentences_adding(
    text: &str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
    except: &FxHashSet<&str>,
    max: usize,
    mut adds: impl FnMut(&[FeatureId]) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if max == 0 {
        return out;
    }
    walk_sentences(text, lang, models, weights, except, |s, ids| {
        if adds(&ids) {
            out.push(surface(s));
        }
        out.len() < max
    });
    out
}

/// Calls `found` with each sentence of `text` not in `except`, in order, and its
/// features, for as long as `found` returns true.
fn walk_sentences<'t>(
    text: &'t str,
    lang: Lang,
    models: &Models,
    weights: &FeatureWeights,
    except: &FxHashSet<&str>,
    mut found: impl FnMut(&'t str, Vec<FeatureId>) -> bool,
) {
    // One walk per sentence through one borrow of the word cache, with the
    // features only collected: a call of `doc_features` per sentence (a map, a
    // sketch and their allocations each) made this pass cost about what the first
    // analysis of the whole corpus did.
    with_words(lang, models, |words| {
        let mut walk = IdWalk::new(lang, models, weights, words);
        let mut more = true;
        for_each_sentence(text, |s| {
            if more && !except.contains(s) {
                if let Some(ids) = walk.features(s) {
                    more = found(s, ids);
                }
            }
        });
    });
}

/// A sentence as shown: cut after [`MAX_SENTENCE_CHARS`] characters.
fn surface(s: &str) -> String {
    match s.char_indices().nth(MAX_SENTENCE_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// The sentences of `text`, trimmed, as [`sentence_features`] cuts them.
pub fn sentences(text: &str) -> FxHashSet<&str> {
    let mut all = FxHashSet::default();
    for_each_sentence(text, |s| {
        all.insert(s);
    });
    all
}

/// Calls `f` with each sentence of `text`, trimmed (see [`sentence_features`]).
///
/// The end marks are found by their bytes, not by decoding every character: the
/// decoding and the test of each character against eight marks took 1.2% of the
/// CPU samples of a whole 50k yardstick run, for the sentences pass alone. Only the
/// character after a mark is decoded (is it white space?). A test compares it with
/// the character-by-character cut on the corpora and on random text.
fn for_each_sentence<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    for line in text.lines() {
        let b = line.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            // No mark's first byte is a continuation byte (0x80..=0xBF), so a step
            // of one byte past any other never lands inside a mark.
            let (len, cjk) = match (b[i], b.get(i + 1..).unwrap_or_default()) {
                (b'.' | b'!' | b'?', _) => (1, false),
                (0xE3, [0x80, 0x82, ..]) | (0xEF, [0xBC, 0x81 | 0x9F, ..]) => (3, true), // 。！？
                (0xD8, [0x9F, ..]) => (2, false),                                        // ؟
                (0xE0, [0xA5, 0xA4, ..]) => (3, false),                                  // ।
                _ => {
                    i += 1;
                    continue;
                }
            };
            let end = i + len;
            if cjk || line[end..].chars().next().is_none_or(char::is_whitespace) {
                f(line[start..end].trim());
                start = end;
            }
            i = end;
        }
        f(line[start..].trim());
    }
}

/// Whether `s` is too short to list as something a document adds: empty, or fewer
/// than [`MIN_SENTENCE_WORDS`] words and no ideograph (whose words no space marks).
/// Words are counted only up to that least number, and the characters read for
/// ideographs only in a sentence with fewer.
fn too_short(s: &str) -> bool {
    s.is_empty()
        || (s.split_whitespace().nth(MIN_SENTENCE_WORDS - 1).is_none()
            && !s.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)))
}

/// A walk that keeps only which features a text has ([`Occurrences`]), with the
/// buffers that one text's walk leaves for the next: a document's sentences
/// ([`sentence_features`]) or a whole document ([`feature_ids`]).
struct IdWalk<'a, 'w, 't> {
    lang: Lang,
    models: &'a Models,
    weights: &'a FeatureWeights,
    words: &'a mut Words<'w>,
    occurrences: Occurrences,
    seen_lines: FxHashSet<&'t str>,
    tokens: Vec<Token<'t>>,
}

impl<'a, 'w, 't> IdWalk<'a, 'w, 't> {
    fn new(
        lang: Lang,
        models: &'a Models,
        weights: &'a FeatureWeights,
        words: &'a mut Words<'w>,
    ) -> Self {
        IdWalk {
            lang,
            models,
            weights,
            words,
            occurrences: Occurrences::default(),
            seen_lines: FxHashSet::default(),
            tokens: Vec::new(),
        }
    }

    /// The features of `s` as [`doc_features`] finds them, if it is a sentence.
    fn features(&mut self, s: &'t str) -> Option<Vec<FeatureId>> {
        if too_short(s) {
            return None;
        }
        Some(self.ids(s))
    }

    /// The ids of the features [`doc_features`] finds in `text`, by id.
    fn ids(&mut self, text: &'t str) -> Vec<FeatureId> {
        let mut counts = DocFeatures {
            lang: self.lang,
            ..Default::default()
        };
        self.seen_lines.clear();
        walk(
            text,
            self.models,
            self.weights,
            self.words,
            &mut self.seen_lines,
            &mut self.tokens,
            &mut counts,
            &mut self.occurrences,
        );
        self.occurrences.ids()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static MODELS: LazyLock<Models> = LazyLock::new(Models::bundled);

    /// Languages whose paths differ: the pivot, Snowball, truncation, Turkish
    /// fallbacks, Arabic folding, Greek, the Hindi stemmer, Han/Kana segmentation,
    /// Korean particles, Thai segmented by ICU4X, Hebrew without a stemmer, undetermined.
    const LANGS: &[&str] = &[
        "und", "eng", "tur", "ara", "deu", "rus", "ell", "pol", "hin", "mar", "heb", "pes", "cmn",
        "jpn", "kor", "tha", "isl",
    ];

    /// Runs of letters of one script, digits of several, and separators.
    const TEXT: &str = "([a-zA-ZÀ-ɏ]{1,8}|[Ѐ-ӿ]{1,8}|[Ά-ώ]{1,8}|[ء-ي\u{064B}-\u{0652}]{1,8}|[א-ת]{1,8}\
                        |[क-ह\u{093E}-\u{094D}]{1,8}|[一-鿿]{1,6}|[ぁ-ゖァ-ヺ々ー]{1,6}|[가-힣]{1,6}\
                        |[ก-ฮ\u{0E31}-\u{0E3A}\u{0E40}-\u{0E4E}]{1,8}|[0-9٠-٩०-९๐-๙]{1,5}\
                        |[ .,'’\\-!?。、\n]{1,3}){0,40}";

    /// Each sentence's features are those `doc_features` finds in the sentence
    /// alone: its ids, in its order. `surface` is the sentence when it is short.
    fn check_sentences(text: &str, lang: Lang) -> usize {
        let weights = FeatureWeights::default();
        let mut checked = 0;
        for (surface, ids) in sentence_features(text, lang, &MODELS, &weights) {
            if surface.ends_with('…') {
                continue;
            }
            let want: Vec<FeatureId> = doc_features(&surface, lang, &MODELS, &weights)
                .features
                .held()
                .into_iter()
                .map(|f| f.0)
                .collect();
            assert_eq!(ids, want, "{lang:?}: {surface}");
            checked += 1;
        }
        checked
    }

    #[test]
    fn sentence_features_are_each_sentences_features() {
        let sample = include_str!("../../../../data/sample.jsonl");
        let mut checked = 0;
        for line in sample.lines() {
            let doc: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = doc["text"].as_str().unwrap();
            let lang = crate::lang::detect_lang(text);
            checked += check_sentences(text, lang);
        }
        assert!(checked > 200, "{checked} sentences");
    }

    proptest! {
        #[test]
        fn sentence_features_of_any_text(text in TEXT, lang in 0..LANGS.len()) {
            check_sentences(&text, Lang::from_code(LANGS[lang]).unwrap());
        }

        /// What `sentence_features_except` relies on: a sentence's features are
        /// among those of the whole text, so a document holding the sentence word
        /// for word lacks none of them.
        #[test]
        fn a_sentence_has_no_feature_its_text_lacks(text in TEXT, lang in 0..LANGS.len()) {
            let lang = Lang::from_code(LANGS[lang]).unwrap();
            let weights = FeatureWeights::default();
            let whole: FxHashSet<FeatureId> = doc_features(&text, lang, &MODELS, &weights)
                .features
                .iter()
                .map(|f| f.id())
                .collect();
            for (surface, ids) in sentence_features(&text, lang, &MODELS, &weights) {
                prop_assert!(ids.iter().all(|id| whole.contains(id)), "{surface}");
            }
            let all = sentences(&text);
            prop_assert!(sentence_features_except(&text, lang, &MODELS, &weights, &all).is_empty());
        }

        /// `sentences_adding` is the first `max` of the sentences whose features
        /// pass, as `sentence_features_except` lists them: stopping early changes
        /// nothing.
        #[test]
        fn sentences_adding_are_the_first_that_pass(
            text in TEXT,
            lang in 0..LANGS.len(),
            max in 0usize..4,
            modulus in 1usize..4,
        ) {
            let lang = Lang::from_code(LANGS[lang]).unwrap();
            let weights = FeatureWeights::default();
            let first = sentences(&text).into_iter().min();
            let except: FxHashSet<&str> = first.into_iter().collect();
            let passes = |ids: &[FeatureId]| ids.len().is_multiple_of(modulus);
            let want: Vec<String> = sentence_features_except(&text, lang, &MODELS, &weights, &except)
                .into_iter()
                .filter(|(_, ids)| passes(ids))
                .take(max)
                .map(|(s, _)| s)
                .collect();
            let got = sentences_adding(&text, lang, &MODELS, &weights, &except, max, passes);
            prop_assert_eq!(got, want);
        }
    }

    /// The sentences as the cut by characters gave them, before the byte scan.
    fn sentences_by_chars(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for line in text.lines() {
            let mut start = 0;
            let mut chars = line.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                let end_mark = matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '؟' | '।');
                let next_blank = chars.peek().is_none_or(|&(_, n)| n.is_whitespace());
                let cjk = matches!(c, '。' | '！' | '？');
                if end_mark && (next_blank || cjk) {
                    let end = i + c.len_utf8();
                    out.push(line[start..end].trim());
                    start = end;
                }
            }
            out.push(line[start..].trim());
        }
        out
    }

    fn check_cut(text: &str) {
        let mut got = Vec::new();
        for_each_sentence(text, |s| got.push(s));
        assert_eq!(got, sentences_by_chars(text), "{text:?}");
    }

    #[test]
    fn sentences_cut_by_bytes_as_by_characters() {
        for text in crate::lang::corpus_texts() {
            check_cut(&text);
        }
        // Each mark before white space of one and several bytes, before a letter,
        // at a line's end, and the bytes that lead a mark in other characters.
        for mark in [".", "!", "?", "。", "！", "？", "؟", "।"] {
            for after in [
                "", " ", "\u{a0}", "\u{3000}", "\u{2029}", "\t", "a", "é", "\n", "\r\n",
            ] {
                check_cut(&format!("one{mark}{after}two{mark}"));
            }
        }
        check_cut("ウ、ﻼ！ ₂؞ ॥ ं ِ⁇。x");
    }

    /// A sentence is short as before the counts stopped early.
    fn check_short(s: &str) {
        let ideographic = s.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c));
        let before =
            s.is_empty() || (!ideographic && s.split_whitespace().count() < MIN_SENTENCE_WORDS);
        assert_eq!(too_short(s), before, "{s:?}");
    }

    proptest! {
        #[test]
        fn sentences_of_any_text_cut_as_by_characters(
            text in "([a-zé]{1,5}|[.!?。！？؟।、،]|[ \u{a0}\u{3000}\u{2029}\u{85}\t\r\n]|[ぁ-ゖ一-鿿ก-ฮ]{1,3}|[\u{600}-\u{6ff}\u{900}-\u{97f}\u{fe70}-\u{ff9f}\u{3000}-\u{303f}]){0,40}",
        ) {
            check_cut(&text);
            for s in sentences_by_chars(&text) {
                check_short(s);
            }
        }

        #[test]
        fn any_string_is_cut_as_by_characters(text in "\\PC{0,120}") {
            check_cut(&text);
            check_short(&text);
        }
    }

    /// A count is told from the same digits elsewhere by the word after it; a year
    /// is a mention by itself.
    #[test]
    fn numbers_are_mentioned_with_what_they_count() {
        let f = |t: &str| doc_features(t, Lang::ENG, &MODELS, &Default::default());
        let meetings = f("The minister, Sergei Lavrov, held 16 bilateral meetings in 2025.");
        let time = f("The statement came at 18:16 GMT, after a meeting in 2025.");
        let surfaces: Vec<&str> = meetings.numbers.iter().map(|(_, s)| s).collect();
        assert_eq!(surfaces, ["16 bilateral meetings", "2025"]);
        let key = |d: &DocFeatures, s: &str| d.numbers.iter().find(|m| m.1 == s).unwrap().0;
        assert!(!time.numbers.has(key(&meetings, "16 bilateral meetings")));
        assert!(time.numbers.has(key(&meetings, "2025")));
        let names: Vec<&str> = meetings.names.iter().map(|(_, s)| s).collect();
        assert_eq!(names, ["Sergei", "Lavrov"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn analysis_never_panics(text in TEXT, lang in proptest::sample::select(LANGS)) {
            let lang = Lang::from_code(lang).unwrap_or(Lang::UND);
            let f = doc_features(&text, lang, &MODELS, &Default::default());
            let weights: Vec<f32> = f.features.iter().map(|e| e.weight).collect();
            prop_assert!(weights.iter().all(|w| w.is_finite() && *w > 0.0));
            prop_assert!(f.n_pivoted <= f.n_content && f.n_content <= f.n_words);
            prop_assert!(f.features.held().windows(2).all(|p| p[0].0 < p[1].0));
            let rows = crate::pivot::explain(&text, lang, &MODELS);
            prop_assert!(rows.iter().all(|r| !r.token.is_empty()));
        }

        #[test]
        fn any_string_any_language(text in "\\PC{0,200}", lang in 0usize..60) {
            let lang = Lang::all().nth(lang % Lang::all().count()).unwrap();
            let f = doc_features(&text, lang, &MODELS, &Default::default());
            let weights: Vec<f32> = f.features.iter().map(|e| e.weight).collect();
            prop_assert!(weights.iter().all(|w| w.is_finite() && *w > 0.0));
            prop_assert!(f.n_pivoted <= f.n_content && f.n_content <= f.n_words);
        }
    }
}
