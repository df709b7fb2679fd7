//! The compiled lexicon: one language's lexicon as a byte table that is looked up in
//! place, so loading a lexicon is reading a 40-byte header, not parsing a file.
//!
//! `build.rs` compiles the bundled lexicons with [`compile`] once per build and the
//! binary carries the tables; `--models DIR` compiles its files with the same function
//! at run time. Both therefore read the same bytes for the same file. `build.rs`
//! includes this file with `#[path]`: it uses nothing from the crate, only std and
//! rustc-hash.
//!
//! Layout, every fixed-size integer little-endian (read with `from_le_bytes`, so the
//! table needs no alignment); "varint" is LEB128, seven bits a byte, low bits first:
//!
//! ```text
//! header    10 × u32: MAGIC, VERSION, n_keys, n_home, n_slots, n_concepts,
//!                     n_weights, keys_len, senses_len, names_len
//! tags      n_slots × u8: 0 empty, else a byte of the key's hash (1..=255)
//! records   n_slots × u32: offset of the slot's key record in `keys`
//! weights   n_weights × u32: the bits of each distinct f32 weight
//! name_ends n_concepts × u32: end of each concept's name in `names`
//! keys      per key: varint length, key bytes, varint offset of its senses
//! senses    per entry: varint count, then count × (varint concept, varint weight)
//! names     concept names (English term keys), concatenated
//! ```
//!
//! Tags and records are an open-addressing hash table ([`slot_and_tag`]; linear
//! probing, at most half the home slots taken). Segmenting Han and Kana text misses
//! up to eight times per character, so misses must be cheap: a miss reads tags only,
//! eight at a time (the largest lexicons have under a megabyte of them, which stays
//! in cache), and a key record only when a tag matches (one slot in 255). A hit reads
//! one record and one key. An inflected form and its lemma point to the same senses.
//!
//! Concepts and weights are numbered most used first, so most take one byte; a
//! weight is stored as the exact f32 the text parses to.

use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// "TDLX", little-endian.
pub const MAGIC: u32 = u32::from_le_bytes(*b"TDLX");
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 1;
/// Header words, each a u32.
pub const HEADER_WORDS: usize = 10;
/// Tags read at once (one u64); the table ends with this many empty slots.
pub const GROUP: usize = 8;

/// Home slot (one of `n_home`) and tag of `key`.
///
/// Not FNV-1a, the `stable_hash` that names concepts: its multiply per byte costs
/// more than the probe (Japanese segmentation hashes mostly 24-byte strings), and it
/// barely stirs its high bits (keys that differ in their last letter, as inflected
/// forms do, would crowd into neighbouring slots). This takes eight bytes a multiply
/// and ends with MurmurHash3's finalizer; the slot is the mix scaled to the table
/// (so any size works), the tag a byte of its low half, never 0.
pub fn slot_and_tag(key: &[u8], n_home: usize) -> (usize, u8) {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    // The length first, so a key and the key padded with zero bytes differ.
    let mut x = key.len() as u64;
    let mut words = key.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        x = (x.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Byte by byte: copying into a buffer calls memcpy, which costs more.
        let word = tail.iter().rev().fold(0u64, |w, &b| w << 8 | b as u64);
        x = (x.rotate_left(23) ^ word).wrapping_mul(K);
    }
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    let slot = ((x as u128 * n_home as u128) >> 64) as usize;
    (slot, (x as u32 % 255) as u8 + 1)
}

/// A line of the text format that does not parse.
#[derive(Debug)]
pub struct CompileError {
    /// 1-based, or 0 when the trouble is the whole file (too large to compile).
    pub line: usize,
    pub message: &'static str,
}

/// Compiles the text format (see `lexicon.rs`) into the table described above.
///
/// The meaning is the one the text has always had: a later line for the same key
/// replaces an earlier one, and alias lines are resolved after every concept line, in
/// file order, so an alias may name a lemma further down the file.
pub fn compile(text: &str) -> Result<Vec<u8>, CompileError> {
    let bad = |line: usize, message: &'static str| CompileError { line, message };
    // Bounds every count below, so they fit the table's u32s.
    offset(text.len())?;
    let mut keys = Keys::with_capacity(text.len() / 24);
    // Concepts and weights are interned as they come (weights by their bits) and
    // renumbered, most used first, once all are counted.
    let mut concepts = Interner::default();
    let mut weights = Interner::default();
    let mut senses: Vec<Vec<(usize, usize)>> = Vec::with_capacity(text.len() / 48);
    let mut aliases: Vec<(&str, &str, usize)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let (key, rest) = line
            .split_once('\t')
            .ok_or_else(|| bad(n + 1, "expected key<TAB>concepts"))?;
        if let Some(target) = rest.strip_prefix('=') {
            // Resolved below: the lemma's line may come later in the file.
            aliases.push((key, target, n + 1));
            continue;
        }
        let mut entry = Vec::new();
        for item in rest.split(' ').filter(|s| !s.is_empty()) {
            let (c, w) = item
                .rsplit_once(':')
                .ok_or_else(|| bad(n + 1, "expected concept:weight"))?;
            let w: f32 = w
                .parse()
                .map_err(|_| bad(n + 1, "weight is not a number"))?;
            // A document's features are sums of its words' weights: with no negative
            // weight a sentence's features are among those of any text holding it
            // (what `sentence_features_except` relies on).
            if !(w.is_finite() && w >= 0.0) {
                return Err(bad(n + 1, "weight must be finite and not negative"));
            }
            entry.push((concepts.intern(c), weights.intern(w.to_bits())));
        }
        keys.set(key, senses.len() as u32);
        senses.push(entry);
    }
    for (key, target, line) in aliases {
        let entry = keys
            .entry_of(target)
            .ok_or_else(|| bad(line, "alias to a key that has no concepts"))?;
        keys.set(key, entry);
    }
    let keys = keys.order;

    let (concepts, concept_no) = concepts.ranked();
    let (weights, weight_no) = weights.ranked();
    let mut sense_bytes: Vec<u8> = Vec::with_capacity(senses.len() * 6);
    let mut sense_at: Vec<usize> = Vec::with_capacity(senses.len());
    for entry in &senses {
        sense_at.push(sense_bytes.len());
        push_varint(&mut sense_bytes, entry.len());
        for &(c, w) in entry {
            push_varint(&mut sense_bytes, concept_no[c]);
            push_varint(&mut sense_bytes, weight_no[w]);
        }
    }

    // Keys hash to one of `n_home` slots, at most half of which end up taken: at
    // four in five, lookups took twice as long (Japanese segmentation's queries,
    // mostly misses). Probing does not wrap: a run that passes the last home slot
    // goes on into extra slots, and GROUP empty slots close the table, so a probe
    // reading GROUP tags at a time always meets an empty slot inside the table.
    let n_home = 2 * keys.len() + 1;
    let mut tags = vec![0u8; n_home];
    let mut records = vec![0u32; n_home];
    let mut key_bytes: Vec<u8> = Vec::with_capacity(keys.iter().map(|(k, _)| k.len() + 4).sum());
    for &(key, entry) in &keys {
        let record = offset(key_bytes.len())?;
        push_varint(&mut key_bytes, key.len());
        key_bytes.extend_from_slice(key.as_bytes());
        push_varint(&mut key_bytes, sense_at[entry as usize]);
        let (mut slot, tag) = slot_and_tag(key.as_bytes(), n_home);
        while tags.get(slot).is_some_and(|&t| t != 0) {
            slot += 1;
        }
        if slot == tags.len() {
            tags.push(0);
            records.push(0);
        }
        tags[slot] = tag;
        records[slot] = record;
    }
    tags.extend([0; GROUP]);
    records.extend([0; GROUP]);
    let n_slots = tags.len();

    let mut name_ends = Vec::with_capacity(concepts.len());
    let mut end = 0;
    for c in &concepts {
        end += c.len();
        name_ends.push(offset(end)?);
    }
    let header = [
        MAGIC,
        VERSION,
        offset(keys.len())?,
        offset(n_home)?,
        offset(n_slots)?,
        offset(concepts.len())?,
        offset(weights.len())?,
        offset(key_bytes.len())?,
        offset(sense_bytes.len())?,
        offset(end)?,
    ];
    let mut out = Vec::with_capacity(
        4 * (HEADER_WORDS + weights.len() + name_ends.len())
            + 5 * n_slots
            + key_bytes.len()
            + sense_bytes.len()
            + end,
    );
    out.extend(header.iter().flat_map(|w| w.to_le_bytes()));
    out.extend_from_slice(&tags);
    out.extend(records.iter().flat_map(|r| r.to_le_bytes()));
    out.extend(weights.iter().flat_map(|w| w.to_le_bytes()));
    out.extend(name_ends.iter().flat_map(|e| e.to_le_bytes()));
    out.extend_from_slice(&key_bytes);
    out.extend_from_slice(&sense_bytes);
    concepts
        .iter()
        .for_each(|c| out.extend_from_slice(c.as_bytes()));
    Ok(out)
}

/// Keys in the order they first appear, each with its entry (the index of its list
/// of senses, which aliases share): the table follows the file, never a hash order.
struct Keys<'a> {
    order: Vec<(&'a str, u32)>,
    number: FxHashMap<&'a str, usize>,
}

impl<'a> Keys<'a> {
    fn with_capacity(n: usize) -> Self {
        Keys {
            order: Vec::with_capacity(n),
            number: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// Gives `key` the entry `entry`, replacing the one it had.
    fn set(&mut self, key: &'a str, entry: u32) {
        match self.number.entry(key) {
            Entry::Occupied(o) => self.order[*o.get()].1 = entry,
            Entry::Vacant(v) => {
                v.insert(self.order.len());
                self.order.push((key, entry));
            }
        }
    }

    fn entry_of(&self, key: &str) -> Option<u32> {
        self.number.get(key).map(|&i| self.order[i].1)
    }
}

/// Numbers distinct values in the order they first come, and counts their uses.
struct Interner<T> {
    number: FxHashMap<T, usize>,
    values: Vec<(T, usize)>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            number: FxHashMap::default(),
            values: Vec::new(),
        }
    }
}

impl<T: Copy + Ord + std::hash::Hash> Interner<T> {
    fn intern(&mut self, x: T) -> usize {
        let next = self.values.len();
        let i = *self.number.entry(x).or_insert(next);
        if i == next {
            self.values.push((x, 0));
        }
        self.values[i].1 += 1;
        i
    }

    /// The values most used first, ties in value order (so the numbering depends on
    /// what the text says, not on where), and each first-come number's new number.
    fn ranked(self) -> (Vec<T>, Vec<usize>) {
        let mut order: Vec<usize> = (0..self.values.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&self.values[a], &self.values[b]);
            b.1.cmp(&a.1).then(a.0.cmp(&b.0))
        });
        let mut renumber = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        (order.iter().map(|&i| self.values[i].0).collect(), renumber)
    }
}

const TOO_LARGE: &str = "lexicon too large for the compiled table (4 GiB)";

/// A size or offset as the table's u32.
fn offset(n: usize) -> Result<u32, CompileError> {
    u32::try_from(n).map_err(|_| CompileError {
        line: 0,
        message: TOO_LARGE,
    })
}

/// LEB128: seven bits a byte, low bits first.
fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}
