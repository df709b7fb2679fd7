//! The compiled lexicon: one language's lexicon as a byte table that is looked up in
//! place, so loading a lexicon is reading a 32-byte header, not parsing a file.
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
//! header    9 × u32: MAGIC, VERSION, n_keys, n_slots, n_concepts, n_weights,
//!                    keys_len, senses_len, names_len
//! slots     n_slots × u64: 0 empty, else tag << 32 | (key record offset + 1)
//! weights   n_weights × u32: the bits of each distinct f32 weight
//! name_ends n_concepts × u32: end of each concept's name in `names`
//! keys      per key: varint length, key bytes, varint offset of its senses
//! senses    per entry: varint count, then count × (varint concept, varint weight)
//! names     concept names (English term keys), concatenated
//! ```
//!
//! The slots are an open-addressing hash table over [`stable_hash`] of the key (linear
//! probing, at most four-fifths full): a hit reads a few neighbouring slots and one
//! key record, and a miss usually reads slots only, as their tags differ from the
//! key's. Segmenting Han and Kana text misses up to eight times per character, so
//! misses must be cheap. An inflected form and its lemma point to the same senses.
//! Concepts and weights are numbered most used first, so most take one byte; a
//! weight is stored as the exact f32 the text parses to.

use rustc_hash::FxHashMap;

/// "TDLX", little-endian.
pub const MAGIC: u32 = u32::from_le_bytes(*b"TDLX");
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 1;
/// Header words, each a u32.
pub const HEADER_WORDS: usize = 9;

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

/// First slot and tag of a key with hash `h` in a table of `n_slots` slots: the
/// slot from the hash's high bits (scaled, not masked, so any table size works),
/// the tag from all of them.
pub fn slot_and_tag(h: u64, n_slots: usize) -> (usize, u32) {
    let slot = ((h as u128 * n_slots as u128) >> 64) as usize;
    (slot, (h ^ (h >> 32)) as u32)
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
    // Key → entry; an entry is a list of (concept, weight) and aliases share one.
    let mut entries: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(text.len() / 24, Default::default());
    let mut senses: Vec<Vec<(&str, f32)>> = Vec::with_capacity(text.len() / 48);
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
        let mut concepts = Vec::new();
        for item in rest.split(' ').filter(|s| !s.is_empty()) {
            let (c, w) = item
                .rsplit_once(':')
                .ok_or_else(|| bad(n + 1, "expected concept:weight"))?;
            let w: f32 = w
                .parse()
                .map_err(|_| bad(n + 1, "weight is not a number"))?;
            concepts.push((c, w));
        }
        entries.insert(key, senses.len() as u32);
        senses.push(concepts);
    }
    for (key, target, line) in aliases {
        let &entry = entries
            .get(target)
            .ok_or_else(|| bad(line, "alias to a key that has no concepts"))?;
        entries.insert(key, entry);
    }

    // Most used first, ties by value: the numbering depends only on the text.
    let concepts = rank(senses.iter().flatten().map(|&(c, _)| c));
    let weights = rank(senses.iter().flatten().map(|&(_, w)| w.to_bits()));
    let concept_no: FxHashMap<&str, usize> =
        concepts.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let weight_no: FxHashMap<u32, usize> =
        weights.iter().enumerate().map(|(i, &w)| (w, i)).collect();
    let mut sense_bytes: Vec<u8> = Vec::with_capacity(senses.len() * 6);
    let mut sense_at: Vec<usize> = Vec::with_capacity(senses.len());
    for entry in &senses {
        sense_at.push(sense_bytes.len());
        push_varint(&mut sense_bytes, entry.len());
        for (c, w) in entry {
            push_varint(&mut sense_bytes, concept_no[c]);
            push_varint(&mut sense_bytes, weight_no[&w.to_bits()]);
        }
    }

    // Keys in sorted order, so the table depends only on what the text means; the
    // slot count leaves at least one slot in five empty, so every probe ends.
    let mut keys: Vec<(&str, u32)> = entries.into_iter().collect();
    keys.sort_unstable();
    let n_slots = keys.len() + keys.len() / 4 + 1;
    let mut slots = vec![0u64; n_slots];
    let mut key_bytes: Vec<u8> = Vec::with_capacity(keys.iter().map(|(k, _)| k.len() + 4).sum());
    for &(key, entry) in &keys {
        let record = key_bytes.len() as u64 + 1;
        push_varint(&mut key_bytes, key.len());
        key_bytes.extend_from_slice(key.as_bytes());
        push_varint(&mut key_bytes, sense_at[entry as usize]);
        let (mut slot, tag) = slot_and_tag(stable_hash(key.as_bytes()), n_slots);
        while slots[slot] != 0 {
            slot = if slot + 1 == n_slots { 0 } else { slot + 1 };
        }
        slots[slot] = (tag as u64) << 32 | record;
    }
    // The last record's `offset + 1` must fit the slot's low half.
    offset(key_bytes.len())?;

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
        offset(n_slots)?,
        offset(concepts.len())?,
        offset(weights.len())?,
        offset(key_bytes.len())?,
        offset(sense_bytes.len())?,
        offset(end)?,
    ];
    let mut out = Vec::with_capacity(
        4 * (HEADER_WORDS + weights.len() + name_ends.len())
            + 8 * n_slots
            + key_bytes.len()
            + sense_bytes.len()
            + end,
    );
    out.extend(header.iter().flat_map(|w| w.to_le_bytes()));
    out.extend(slots.iter().flat_map(|s| s.to_le_bytes()));
    out.extend(weights.iter().flat_map(|w| w.to_le_bytes()));
    out.extend(name_ends.iter().flat_map(|e| e.to_le_bytes()));
    out.extend_from_slice(&key_bytes);
    out.extend_from_slice(&sense_bytes);
    concepts
        .iter()
        .for_each(|c| out.extend_from_slice(c.as_bytes()));
    Ok(out)
}

/// The distinct values of `items`, most frequent first, ties in value order.
fn rank<T: Copy + Ord + std::hash::Hash>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut counts: FxHashMap<T, usize> = FxHashMap::default();
    items.for_each(|x| *counts.entry(x).or_default() += 1);
    let mut ranked: Vec<(T, usize)> = counts.into_iter().collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(x, _)| x).collect()
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
