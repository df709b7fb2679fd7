//! Bilingual lexicons: (language, term key) → weighted English pivot concepts.
//!
//! Architecture invariant: `models/` is read only here. The binary carries the
//! lexicons that were in `models/lexicons/` when it was built, compiled by `build.rs`
//! into tables that are looked up in place (`lexicon/compile.rs`): loading a bundled
//! lexicon parses nothing. `--models DIR` reads another set from disk instead and
//! compiles each file with the same function when its language is first seen.
//!
//! File format, one file per language, `models/lexicons/{lang}.tsv.gz`, sorted, UTF-8:
//! `key<TAB>concept:weight concept:weight …` where `key` is the term key
//! ([`crate::analyze::term_key`]) of a word of that language and each concept is an
//! English term key. Weights of one key are L2-normalized, and none is negative
//! or infinite (such a file is refused, naming the line). A line
//! `key<TAB>=lemma_key` makes an inflected form share its lemma's concepts (written
//! once, so inflection lists cost a line per form, not a copy of the senses).
//!
//! English is the pivot: an English term key *is* its concept, so there is no
//! `eng` file.

use crate::lang::{Lang, LANGS};
use crate::Error;
use std::borrow::Cow;
use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

mod compile;

/// Identifies a pivot concept (an English term key) by a stable 64-bit hash, so
/// vectors from different languages and lexicons meet without a shared vocabulary.
pub type ConceptId = u64;

/// FNV-1a: stable across platforms and releases, unlike `std`'s hasher.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    stable_hash_parts(&[bytes])
}

/// [`stable_hash`] of the concatenation of `parts`, without building it.
pub fn stable_hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h = StableHasher::new();
    parts.iter().for_each(|p| h.write(p));
    h.finish()
}

/// [`stable_hash`] fed piece by piece: the hash of the concatenation of what was
/// written.
#[derive(Clone, Copy, Debug)]
pub struct StableHasher(u64);

impl StableHasher {
    pub fn new() -> StableHasher {
        StableHasher(0xcbf29ce484222325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Default for StableHasher {
    fn default() -> StableHasher {
        StableHasher::new()
    }
}

pub fn concept_id(concept: &str) -> ConceptId {
    stable_hash(concept.as_bytes())
}

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_lexicons.rs"));
}

/// One language's lexicon: a compiled table (`lexicon/compile.rs`) read in place.
/// A bundled one borrows the bytes compiled into the binary, so loading it reads
/// only its header and a run touches only the pages its lookups reach.
pub struct Lexicon {
    bytes: Cow<'static, [u8]>,
    n_keys: usize,
    n_home: usize,
    tags: Range<usize>,
    records: Range<usize>,
    weights: Range<usize>,
    name_ends: Range<usize>,
    keys: Range<usize>,
    senses: Range<usize>,
    names: Range<usize>,
}

impl Lexicon {
    /// Parses the uncompressed text format into a compiled table; `source` names
    /// the file in errors.
    pub fn parse(mut reader: impl BufRead, source: &str) -> Result<Lexicon, Error> {
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(|e| Error::Io {
            path: source.into(),
            source: e,
        })?;
        let table = compile::compile(&text).map_err(|e| Error::Parse {
            file: source.to_string(),
            line: e.line,
            message: e.message.to_string(),
        })?;
        Lexicon::from_table(Cow::Owned(table), source)
    }

    /// Reads the header of a compiled table and checks that its sections fill it
    /// exactly; nothing else is read until a lookup.
    fn from_table(bytes: Cow<'static, [u8]>, source: &str) -> Result<Lexicon, Error> {
        let header: Option<Vec<usize>> = (0..compile::HEADER_WORDS)
            .map(|i| read_u32(&bytes, 4 * i).map(|w| w as usize))
            .collect();
        let bad = || Error::Model(format!("{source}: not a compiled lexicon of this version"));
        let Some(
            &[magic, version, n_keys, n_home, n_slots, n_concepts, n_weights, keys_len, senses_len, names_len],
        ) = header.as_deref()
        else {
            return Err(bad());
        };
        if magic != compile::MAGIC as usize || version != compile::VERSION as usize || n_home == 0 {
            return Err(bad());
        }
        let mut at = 4 * compile::HEADER_WORDS;
        // Saturating: a header with absurd sizes ends past the table and is refused below.
        let mut section = |len: usize| {
            let r = at..at.saturating_add(len);
            at = r.end;
            r
        };
        let lex = Lexicon {
            n_keys,
            n_home,
            tags: section(n_slots),
            records: section(n_slots.saturating_mul(4)),
            weights: section(n_weights.saturating_mul(4)),
            name_ends: section(n_concepts.saturating_mul(4)),
            keys: section(keys_len),
            senses: section(senses_len),
            names: section(names_len),
            bytes,
        };
        if lex.names.end != lex.bytes.len() {
            return Err(bad());
        }
        Ok(lex)
    }

    /// The concepts of `key`, as (concept number, weight).
    fn senses(&self, key: &str) -> Option<impl Iterator<Item = (usize, f32)> + '_> {
        let tags = &self.bytes[self.tags.clone()];
        let records = &self.bytes[self.records.clone()];
        let keys = &self.bytes[self.keys.clone()];
        let (mut slot, tag) = compile::slot_and_tag(key.as_bytes(), self.n_home);
        // Eight tags a step, as bit masks with bit 7 of byte i set for slot + i: the
        // slots holding the tag, before the first empty one (which ends the probe).
        const ONES: u64 = u64::from_le_bytes([1; compile::GROUP]);
        let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & (ONES << 7);
        loop {
            let group = read_u64(tags, slot)?;
            // Exact for the lowest zero byte, which is all that is used; a byte
            // flagged wrongly above a real match only costs a key comparison.
            let empty = zero_bytes(group);
            let before_empty = match empty {
                0 => u64::MAX,
                e => (e & e.wrapping_neg()) - 1,
            };
            let mut hits = zero_bytes(group ^ (ONES * tag as u64)) & before_empty;
            while hits != 0 {
                let at_slot = slot + hits.trailing_zeros() as usize / 8;
                let record = read_u32(records, 4 * at_slot)? as usize;
                let (len, at) = read_varint(keys, record)?;
                let end = at.checked_add(len)?;
                if keys.get(at..end)? == key.as_bytes() {
                    let (sense_at, _) = read_varint(keys, end)?;
                    return self.entry(sense_at);
                }
                hits &= hits - 1;
            }
            if empty != 0 {
                return None;
            }
            slot += compile::GROUP;
        }
    }

    /// The entry at `at` in the senses section: its count, then (concept, weight) numbers.
    fn entry(&self, at: usize) -> Option<impl Iterator<Item = (usize, f32)> + '_> {
        let senses = &self.bytes[self.senses.clone()];
        let weights = &self.bytes[self.weights.clone()];
        let (n, mut at) = read_varint(senses, at)?;
        Some((0..n).map_while(move |_| {
            let (concept, next) = read_varint(senses, at)?;
            let (weight, next) = read_varint(senses, next)?;
            at = next;
            let bits = read_u32(weights, weight.checked_mul(4)?)?;
            Some((concept, f32::from_bits(bits)))
        }))
    }

    fn concept_name(&self, i: usize) -> Option<&str> {
        let ends = &self.bytes[self.name_ends.clone()];
        let start = match i {
            0 => 0,
            _ => read_u32(ends, (i - 1).checked_mul(4)?)? as usize,
        };
        let end = read_u32(ends, i.checked_mul(4)?)? as usize;
        let names = &self.bytes[self.names.clone()];
        std::str::from_utf8(names.get(start..end)?).ok()
    }

    /// Pivot concepts of a term key, as (concept id, weight).
    pub fn lookup(&self, key: &str) -> Option<impl Iterator<Item = (ConceptId, f32)> + '_> {
        self.senses(key)
            .map(|cs| cs.filter_map(|(i, w)| Some((concept_id(self.concept_name(i)?), w))))
    }

    /// Is `key` a term key of this lexicon?
    pub fn contains(&self, key: &str) -> bool {
        self.senses(key).is_some()
    }

    /// Pivot concepts of a term key with their names, for `tidings analyze`.
    pub fn lookup_named(&self, key: &str) -> Vec<(&str, f32)> {
        self.senses(key)
            .map(|cs| {
                cs.filter_map(|(i, w)| Some((self.concept_name(i)?, w)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.n_keys
    }

    pub fn is_empty(&self) -> bool {
        self.n_keys == 0
    }
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// A varint (LEB128) at `at`, and where the bytes after it start.
fn read_varint(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut n = 0usize;
    for shift in (0..usize::BITS).step_by(7) {
        let b = *bytes.get(at)?;
        at += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return Some((n, at));
        }
    }
    None
}

/// Where lexicons come from.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelSource {
    /// Compiled into the binary from `models/lexicons/` at build time.
    Bundled,
    /// A folder with `{lang}.tsv.gz` files.
    Dir(PathBuf),
}

/// The lexicons of every language, loaded lazily (once per language, shared by all threads).
pub struct Models {
    /// Unique in the process: caches of analyses made with these lexicons are keyed
    /// by it ([`crate::pivot::with_words`]).
    id: u64,
    source: ModelSource,
    slots: Vec<OnceLock<Option<Lexicon>>>,
    errors: std::sync::Mutex<Vec<String>>,
}

impl Models {
    pub fn new(source: ModelSource) -> Result<Models, Error> {
        if let ModelSource::Dir(dir) = &source {
            if !dir.is_dir() {
                return Err(Error::Io {
                    path: dir.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "models folder not found",
                    ),
                });
            }
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Models {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            source,
            slots: LANGS.iter().map(|_| OnceLock::new()).collect(),
            errors: Default::default(),
        })
    }

    /// Tells this set of lexicons from every other one made in the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn bundled() -> Models {
        Models::new(ModelSource::Bundled).expect("bundled models need no IO")
    }

    /// The lexicon of `lang`, loading it on first use. `None` when there is none,
    /// or when it failed to load (the error is kept for [`Models::load_errors`]).
    pub fn get(&self, lang: Lang) -> Option<&Lexicon> {
        let slot = self.slots.get(lang.index())?;
        slot.get_or_init(|| match self.load(lang) {
            Ok(l) => l,
            Err(e) => {
                self.errors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(e.to_string());
                None
            }
        })
        .as_ref()
    }

    /// Loads every language now (for timing, and to surface errors early).
    pub fn load_all(&self) -> Result<usize, Error> {
        let mut n = 0;
        for l in Lang::all() {
            if let Some(lex) = self.get(l) {
                n += lex.len();
            }
        }
        match self.load_errors().into_iter().next() {
            Some(e) => Err(Error::Model(e)),
            None => Ok(n),
        }
    }

    pub fn load_errors(&self) -> Vec<String> {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `lang`'s lexicon: the one of its profile's `lexicon` language (its own, or a
    /// close language's it borrows).
    fn load(&self, lang: Lang) -> Result<Option<Lexicon>, Error> {
        let code = lang.profile().lexicon;
        match &self.source {
            ModelSource::Bundled => {
                let Some((_, table)) = bundled::LEXICONS.iter().find(|(c, _)| *c == code) else {
                    return Ok(None);
                };
                let name = format!("<bundled>/{code}");
                Lexicon::from_table(Cow::Borrowed(*table), &name).map(Some)
            }
            ModelSource::Dir(dir) => {
                let path = dir.join(format!("{code}.tsv.gz"));
                if !path.is_file() {
                    return Ok(None);
                }
                let file = std::fs::File::open(&path).map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e,
                })?;
                Lexicon::parse(
                    BufReader::new(flate2::read::GzDecoder::new(file)),
                    &path.display().to_string(),
                )
                .map(Some)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Read;
    use std::path::Path;

    /// The text format's meaning, written plainly: the oracle for the compiled tables.
    fn reference(text: &str) -> HashMap<&str, Vec<(&str, f32)>> {
        let mut map = HashMap::new();
        let mut aliases = Vec::new();
        for line in text.lines() {
            let (key, rest) = line.split_once('\t').unwrap();
            match rest.strip_prefix('=') {
                Some(target) => aliases.push((key, target)),
                None => {
                    let senses: Vec<(&str, f32)> = rest
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(|item| {
                            let (c, w) = item.rsplit_once(':').unwrap();
                            (c, w.parse().unwrap())
                        })
                        .collect();
                    map.insert(key, senses);
                }
            }
        }
        for (key, target) in aliases {
            let senses = map[target].clone();
            map.insert(key, senses);
        }
        map
    }

    /// Every key of `text` answers as [`reference`] says, weights to the bit, and
    /// keys it lacks are absent.
    fn check_same(lex: &Lexicon, text: &str, absent: &[&str]) {
        let want = reference(text);
        assert_eq!(lex.len(), want.len());
        let bits = |v: Vec<(&str, f32)>| -> Vec<(String, u32)> {
            v.into_iter()
                .map(|(c, w)| (c.to_string(), w.to_bits()))
                .collect()
        };
        for (key, senses) in &want {
            assert!(lex.contains(key), "{key:?}");
            assert_eq!(bits(lex.lookup_named(key)), bits(senses.clone()), "{key:?}");
            let ids: Vec<(ConceptId, u32)> = lex
                .lookup(key)
                .unwrap()
                .map(|(c, w)| (c, w.to_bits()))
                .collect();
            let want_ids: Vec<(ConceptId, u32)> = senses
                .iter()
                .map(|&(c, w)| (concept_id(c), w.to_bits()))
                .collect();
            assert_eq!(ids, want_ids, "{key:?}");
        }
        for key in absent {
            assert!(!want.contains_key(key) && !lex.contains(key) && lex.lookup(key).is_none());
        }
    }

    fn parse(text: &str) -> Result<Lexicon, Error> {
        Lexicon::parse(text.as_bytes(), "test.tsv")
    }

    #[test]
    fn compiled_tables_mean_what_the_text_says() {
        let long_key = "k".repeat(300);
        let long_line = format!("{long_key}\tx:1\n{}x\t={long_key}\n", "k".repeat(299));
        // 200 concepts: numbers past 127 take two bytes.
        let many: String = (0..200).map(|i| format!("w{i}\tc{i}:0.{i}\n")).collect();
        let cases: &[(&str, &str, &[&str])] = &[
            ("empty", "", &["a", ""]),
            ("alias", "a\tx:1 y:0.5\nb\t=a\n", &["c", "ab", ""]),
            ("alias before its lemma", "b\t=a\na\tx:1\n", &["c"]),
            ("later line replaces", "a\tx:1\na\ty:0.3\n", &["b"]),
            ("alias replaces a line", "a\tx:1\nb\ty:1\nb\t=a\n", &[]),
            ("alias of an alias", "a\tx:1\nb\t=a\nc\t=b\n", &[]),
            ("no concepts", "a\t\nb\t  \n", &["c"]),
            ("exact weights", "a\tx:0.1 y:1e-3 z:-0 w:0.70710677\n", &[]),
            ("colon in a concept", "a\tx:y:0.5\n", &[]),
            ("crlf", "a\tx:1\r\nb\t=a\r\n", &[]),
            (
                "utf-8",
                "東京\ttokyo:1\n東\teast:1\nüber\tover:1\n",
                &["京", "ube"],
            ),
            ("long keys", &long_line, &["k"]),
            ("many concepts", &many, &["w200"]),
        ];
        for &(name, text, absent) in cases {
            let lex = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            check_same(&lex, text, absent);
        }
    }

    #[test]
    fn text_that_does_not_parse_names_the_line() {
        let cases = [
            ("a x:1\n", "test.tsv:1: expected key<TAB>concepts"),
            ("a\tx:1\nb\tx\n", "test.tsv:2: expected concept:weight"),
            ("a\tx:1\nb\tx:one\n", "test.tsv:2: weight is not a number"),
            (
                "a\tx:1\nb\tx:-0.5\n",
                "test.tsv:2: weight must be finite and not negative",
            ),
            (
                "a\tx:inf\n",
                "test.tsv:1: weight must be finite and not negative",
            ),
            (
                "a\tx:1\nb\t=z\n",
                "test.tsv:2: alias to a key that has no concepts",
            ),
            // Aliases resolve in file order: an alias of a later alias finds nothing.
            (
                "a\tx:1\nc\t=b\nb\t=a\n",
                "test.tsv:2: alias to a key that has no concepts",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse(text).err().map(|e| e.to_string()).as_deref(),
                Some(want)
            );
        }
    }

    /// The bundled tables are the compiled files (so `--models models/lexicons` reads
    /// the same bytes) and answer every key as the text does.
    #[test]
    fn bundled_tables_match_their_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/lexicons");
        assert!(!bundled::LEXICONS.is_empty());
        for (code, table) in bundled::LEXICONS {
            let path = dir.join(format!("{code}.tsv.gz"));
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            assert!(compile::compile(&text).unwrap() == *table, "{code}");
            let lex = Lexicon::from_table(Cow::Borrowed(*table), code).unwrap();
            check_same(&lex, &text, &["", "\u{0}"]);
        }
    }

    /// A damaged table is refused or answers nonsense, but never panics.
    #[test]
    fn damaged_tables_never_panic() {
        let text = "a\tx:1 y:0.5\nb\t=a\ncc\tz:1\n東京\ttokyo:1\n";
        let good = compile::compile(text).unwrap();
        for at in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bytes = good.clone();
                bytes[at] ^= flip;
                if let Ok(lex) = Lexicon::from_table(Cow::Owned(bytes), "damaged") {
                    for key in ["a", "b", "cc", "東京", "d", ""] {
                        let _ = lex.lookup(key).map(|it| it.count());
                        let _ = lex.lookup_named(key);
                    }
                }
            }
        }
        for len in 0..good.len() {
            assert!(Lexicon::from_table(Cow::Owned(good[..len].to_vec()), "cut").is_err());
        }
    }
}
