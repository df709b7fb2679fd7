//! Bilingual lexicons: (language, term key) → weighted English pivot concepts.
//!
//! Architecture invariant: `models/` is read only here. The binary carries the
//! lexicons that were in `models/lexicons/` when it was built (see `build.rs`);
//! `--models DIR` reads another set from disk instead.
//!
//! File format, one file per language, `models/lexicons/{lang}.tsv.gz`, sorted, UTF-8:
//! `key<TAB>concept:weight concept:weight …` where `key` is the term key
//! ([`crate::analyze::term_key`]) of a word of that language and each concept is an
//! English term key. Weights of one key are L2-normalized. A line
//! `key<TAB>=lemma_key` makes an inflected form share its lemma's concepts (written
//! once, so inflection lists cost a line per form, not a copy of the senses).
//!
//! English is the pivot: an English term key *is* its concept, so there is no
//! `eng` file.

use crate::lang::{Lang, LANGS};
use crate::Error;
use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Identifies a pivot concept (an English term key) by a stable 64-bit hash, so
/// vectors from different languages and lexicons meet without a shared vocabulary.
pub type ConceptId = u64;

/// FNV-1a: stable across platforms and releases, unlike `std`'s hasher.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    stable_hash_parts(&[bytes])
}

/// [`stable_hash`] of the concatenation of `parts`, without building it.
pub fn stable_hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in parts.iter().flat_map(|p| p.iter()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub fn concept_id(concept: &str) -> ConceptId {
    stable_hash(concept.as_bytes())
}

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_lexicons.rs"));
}

/// One language's lexicon.
pub struct Lexicon {
    /// Term key → index into `senses`; an inflected form and its lemma share one.
    entries: FxHashMap<Box<str>, u32>,
    /// Concepts of each entry, as (index into `concept_ids`, weight).
    senses: Vec<Box<[(u32, f32)]>>,
    concept_names: Vec<Box<str>>,
    concept_ids: Vec<ConceptId>,
}

impl Lexicon {
    /// Parses the uncompressed text format; `source` names the file in errors.
    pub fn parse(mut reader: impl BufRead, source: &str) -> Result<Lexicon, Error> {
        // One read and borrowed lines: a String per line would double the load time.
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(|e| Error::Io {
            path: source.into(),
            source: e,
        })?;
        let bad = |line: usize, what: &str| Error::Parse {
            file: source.to_string(),
            line,
            message: what.to_string(),
        };
        let mut entries = FxHashMap::with_capacity_and_hasher(text.len() / 24, Default::default());
        let mut senses: Vec<Box<[(u32, f32)]>> = Vec::with_capacity(text.len() / 48);
        let mut aliases: Vec<(&str, &str, usize)> = Vec::new();
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut concept_names: Vec<Box<str>> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let (key, rest) = line
                .split_once('\t')
                .ok_or_else(|| bad(n + 1, "expected key<TAB>concepts"))?;
            if let Some(target) = rest.strip_prefix('=') {
                // Resolved below: the lemma's line may come later in the file.
                aliases.push((key, target, n + 1));
                continue;
            }
            let mut concepts = Vec::new();
            for item in rest.split(' ').filter(|s| !s.is_empty()) {
                let (c, w) = item
                    .rsplit_once(':')
                    .ok_or_else(|| bad(n + 1, "expected concept:weight"))?;
                let w: f32 = w
                    .parse()
                    .map_err(|_| bad(n + 1, "weight is not a number"))?;
                let next = concept_names.len() as u32;
                let idx = *index.entry(c).or_insert_with(|| {
                    concept_names.push(c.into());
                    next
                });
                concepts.push((idx, w));
            }
            entries.insert(key.into(), senses.len() as u32);
            senses.push(concepts.into_boxed_slice());
        }
        for (key, target, line) in aliases {
            let &sense = entries
                .get(target)
                .ok_or_else(|| bad(line, "alias to a key that has no concepts"))?;
            entries.insert(key.into(), sense);
        }
        let concept_ids = concept_names.iter().map(|c| concept_id(c)).collect();
        Ok(Lexicon {
            entries,
            senses,
            concept_names,
            concept_ids,
        })
    }

    fn senses(&self, key: &str) -> Option<&[(u32, f32)]> {
        self.entries.get(key).map(|&i| &*self.senses[i as usize])
    }

    /// Pivot concepts of a term key, as (concept id, weight).
    pub fn lookup(&self, key: &str) -> Option<impl Iterator<Item = (ConceptId, f32)> + '_> {
        self.senses(key)
            .map(|cs| cs.iter().map(|&(i, w)| (self.concept_ids[i as usize], w)))
    }

    /// Is `key` a term key of this lexicon?
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Pivot concepts of a term key with their names, for `tidings analyze`.
    pub fn lookup_named(&self, key: &str) -> Vec<(&str, f32)> {
        self.senses(key)
            .map(|cs| {
                cs.iter()
                    .map(|&(i, w)| (&*self.concept_names[i as usize], w))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
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
    /// by it ([`crate::pivot::cached_word`]).
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

    fn load(&self, lang: Lang) -> Result<Option<Lexicon>, Error> {
        match &self.source {
            ModelSource::Bundled => {
                let Some((_, bytes)) = bundled::LEXICONS.iter().find(|(c, _)| *c == lang.code())
                else {
                    return Ok(None);
                };
                let name = format!("<bundled>/{}.tsv.gz", lang.code());
                Lexicon::parse(BufReader::new(flate2::read::GzDecoder::new(*bytes)), &name)
                    .map(Some)
            }
            ModelSource::Dir(dir) => {
                let path = dir.join(format!("{}.tsv.gz", lang.code()));
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
