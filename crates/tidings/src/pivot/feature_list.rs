//! A document's features as held from its analysis until its vector is made
//! ([`FeatureList`]): for every document of a run at once, so their size is the
//! analysis's peak memory.
//!
//! Held as [`Feature`]s, an entry took 8 bytes (a 32-bit key and an `f32` weight):
//! 357M entries, 2.7 GB, at the end of the analysis of 1M synthetic documents.
//! Two things make them smaller, and both are exact:
//! - **Keys in as few bytes as the list's largest needs**: 2 where a run has met
//!   fewer than 65,536 distinct features (the 1M synthetic corpus met 58k), 3 below
//!   16.8M. A fixed width, not a variable-length code: a key is read with one load
//!   and a mask, and a variable-length code would save little, the keys being in
//!   id order (which the vectors need: their dimensions are the ids' ranks, and in
//!   any other order each vector had its entries sorted again, 0.5 s of one thread
//!   at 50k crawl documents).
//! - **Weights by their index.** A document's weights are sums of a few concept
//!   weights, damped (`1 + ln w`): a few dozen distinct values for hundreds of
//!   features (53 a document on the crawl yardstick, 85 in the synthetic corpora).
//!   The distinct values are written once, as `f32` bits in the order first met,
//!   and each entry names its own by a one-byte index. A document with more than
//!   256 distinct weights writes each entry's weight whole instead.
//!
//! Layout: the entry count (LEB128), the table's length (LEB128; 0: weights written
//! whole), the keys' width in bytes, the table's weights (4 bytes each,
//! little-endian), each entry's key (little-endian) and its weight's index (or its
//! weight), then [`PAD`] zero bytes, so that a key is read as 4 bytes wherever it
//! is. An empty list is no bytes at all, so equal lists are equal bytes.

use super::features::Feature;
use super::intern::{with_keys, FeatureKey};
use super::FeatureId;

/// A document's [`Feature`]s, compactly (see the module docs), by id: what
/// [`FeatureList::iter`] and [`FeatureList::held`] give.
#[derive(Clone, Default, PartialEq)]
pub struct FeatureList(Box<[u8]>);

/// Most distinct weights a table holds: an index is one byte.
const TABLE_MAX: usize = 256;

/// Zero bytes after the last entry: a key of any width is read as 4 bytes.
const PAD: usize = 3;

/// Where a thread writes a list before it is copied into its own exact box: the
/// bytes, and the open table that finds each weight's index (with the weights
/// sorted and each searched for, writing a list took 61k instructions a document
/// of the crawl yardstick).
struct Scratch {
    /// [`HEADER_ROOM`] bytes, then the entries; the header is written last, just
    /// before them, once the table is known.
    out: Vec<u8>,
    /// The table's slots: a weight's bits, and its index + 1 (0: empty).
    bits: [u32; SLOTS],
    index: [u16; SLOTS],
    /// The weights in the order first met.
    table: Vec<u32>,
    /// The header, before it goes in front of the entries.
    header: Vec<u8>,
}

/// Slots of [`Scratch`]'s open table: twice [`TABLE_MAX`], so probes stay short.
const SLOTS: usize = 2 * TABLE_MAX;

/// Room for the longest header: two LEB128 numbers, the width and a full table.
const HEADER_ROOM: usize = 11 + 4 * TABLE_MAX;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = const {
        std::cell::RefCell::new(Scratch {
            out: Vec::new(),
            bits: [0; SLOTS],
            index: [0; SLOTS],
            table: Vec::new(),
            header: Vec::new(),
        })
    };
}

impl Scratch {
    /// Writes the list's bytes for `keyed` (each feature's key's number and its
    /// weight, by id) at the end of `out`, each key in `width` bytes, and returns
    /// where they start; with `indexed`, each weight by its index in the table, and
    /// `None` if there are more than [`TABLE_MAX`] distinct weights.
    fn encode(&mut self, keyed: &[(u64, f32)], width: usize, indexed: bool) -> Option<usize> {
        let end = HEADER_ROOM + keyed.len() * (width + if indexed { 1 } else { 4 });
        self.out.clear();
        self.out.resize(end + PAD, 0);
        self.index.fill(0);
        self.table.clear();
        // Each key is written as 4 bytes and the place moved on by its width: the
        // bytes past its width are zeros (the width holds the largest key), and the
        // next field writes over them. Written a width at a time, the copies went
        // through `memcpy`.
        let mut at = HEADER_ROOM;
        for &(key, weight) in keyed {
            self.out[at..at + 4].copy_from_slice(&(key as u32).to_le_bytes());
            at += width;
            let bits = weight.to_bits();
            if !indexed {
                self.out[at..at + 4].copy_from_slice(&bits.to_le_bytes());
                at += 4;
                continue;
            }
            let mut h = (bits.wrapping_mul(0x9E37_79B9) >> 23) as usize % SLOTS;
            let index = loop {
                match self.index[h] {
                    0 => {
                        if self.table.len() == TABLE_MAX {
                            return None;
                        }
                        self.table.push(bits);
                        (self.bits[h], self.index[h]) = (bits, self.table.len() as u16);
                        break self.table.len() - 1;
                    }
                    i if self.bits[h] == bits => break usize::from(i) - 1,
                    _ => h = (h + 1) % SLOTS,
                }
            };
            self.out[at] = index as u8;
            at += 1;
        }
        debug_assert_eq!(at, end);
        let header = &mut self.header;
        header.clear();
        write_leb128(header, keyed.len() as u32);
        write_leb128(header, self.table.len() as u32);
        header.push(width as u8);
        for &bits in &self.table {
            header.extend_from_slice(&bits.to_le_bytes());
        }
        let start = HEADER_ROOM - header.len();
        self.out[start..HEADER_ROOM].copy_from_slice(header);
        Some(start)
    }
}

impl FeatureList {
    /// The list of `(id, weight)` pairs (ids distinct, in any order), keyed with
    /// this thread's keys borrowed once for all of them.
    pub fn from_held(held: &[(FeatureId, f32)]) -> FeatureList {
        FeatureList::from_pairs(held.iter().copied())
    }

    /// [`FeatureList::from_held`] of pairs as they come.
    pub fn from_pairs(pairs: impl Iterator<Item = (FeatureId, f32)>) -> FeatureList {
        // Sized for the most there may be: a filtered iterator's least is none, and
        // the list grew from empty, reallocated about seven times a document.
        let mut held: Vec<(FeatureId, f32)> = Vec::with_capacity(pairs.size_hint().1.unwrap_or(0));
        held.extend(pairs);
        if held.is_empty() {
            return FeatureList::default();
        }
        held.sort_unstable_by_key(|e| e.0);
        debug_assert!(held.windows(2).all(|p| p[0].0 != p[1].0));
        // Each id replaced by its key's number, in place.
        with_keys(|keys| {
            for e in &mut held {
                e.0 = u64::from(keys.key(e.0).number());
            }
        });
        let largest = held.iter().map(|e| e.0).max().unwrap_or(0) as u32;
        let width = (32 - (largest | 1).leading_zeros() as usize).div_ceil(8);
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            let start = scratch
                .encode(&held, width, true)
                .or_else(|| scratch.encode(&held, width, false))
                .expect("weights written whole fit");
            FeatureList(scratch.out[start..].into())
        })
    }

    /// The list of `features` (keys distinct, in any order).
    pub fn from_features(features: Vec<Feature>) -> FeatureList {
        FeatureList::from_pairs(features.iter().map(|f| (f.id(), f.weight)))
    }

    /// How many features.
    pub fn len(&self) -> usize {
        if self.0.is_empty() {
            0
        } else {
            read_leb128(&self.0, &mut 0) as usize
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The features, by id.
    pub fn iter(&self) -> Iter<'_> {
        if self.0.is_empty() {
            return Iter {
                table: &[],
                entries: &[],
                at: 0,
                left: 0,
                width: 0,
                mask: 0,
            };
        }
        let mut at = 0;
        let left = read_leb128(&self.0, &mut at) as usize;
        let n_table = read_leb128(&self.0, &mut at) as usize;
        let width = usize::from(self.0[at]);
        let (table, entries) = self.0[at + 1..].split_at(4 * n_table);
        Iter {
            table,
            entries,
            at: 0,
            left,
            width,
            mask: u32::MAX >> (32 - 8 * width),
        }
    }

    /// The features, by id, into `out` (emptied first). A pass that looks each one
    /// up in a large table (the vectors, the statistics) goes faster over them so
    /// laid out than as they are read: its lookups' cache misses overlap, where
    /// behind the reading they waited on one another (50k crawl documents, one
    /// thread: vectors 0.40-0.44 s from `Feature`s, 0.59-0.86 s from the reading).
    pub fn decode_into(&self, out: &mut Vec<Feature>) {
        out.clear();
        out.extend(self.iter());
    }

    /// The features' keys, by id, into `out` (emptied first), as
    /// [`FeatureList::decode_into`] for a pass that counts them.
    pub fn keys_into(&self, out: &mut Vec<FeatureKey>) {
        out.clear();
        let mut it = self.iter();
        out.reserve(it.left);
        for _ in 0..it.left {
            out.push(it.key());
            it.at += it.weight_bytes();
        }
    }

    /// The features as `(id, weight)` pairs, by id: as they were analyzed, and as
    /// stage files and pickles hold them.
    pub fn held(&self) -> Vec<(FeatureId, f32)> {
        self.iter().map(|f| (f.id(), f.weight)).collect()
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.0.len()
    }
}

impl std::fmt::Debug for FeatureList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.held()).finish()
    }
}

impl FromIterator<Feature> for FeatureList {
    fn from_iter<I: IntoIterator<Item = Feature>>(iter: I) -> FeatureList {
        FeatureList::from_features(iter.into_iter().collect())
    }
}

impl From<Vec<Feature>> for FeatureList {
    fn from(features: Vec<Feature>) -> FeatureList {
        FeatureList::from_features(features)
    }
}

/// A [`FeatureList`]'s features, by id.
pub struct Iter<'a> {
    /// The weights' table, 4 bytes each (empty: each entry's weight is whole).
    table: &'a [u8],
    /// The entries, then [`PAD`] bytes.
    entries: &'a [u8],
    at: usize,
    left: usize,
    /// A key's bytes, and the mask that keeps them of 4 read.
    width: usize,
    mask: u32,
}

impl Iter<'_> {
    /// The key of the entry at `at`, which moves on to its weight.
    #[inline]
    fn key(&mut self) -> FeatureKey {
        let key = four(self.entries, self.at) & self.mask;
        self.at += self.width;
        FeatureKey::from_number(key)
    }

    /// Bytes an entry's weight takes: its index in the table, or itself.
    #[inline]
    fn weight_bytes(&self) -> usize {
        if self.table.is_empty() {
            4
        } else {
            1
        }
    }
}

impl Iterator for Iter<'_> {
    type Item = Feature;

    #[inline]
    fn next(&mut self) -> Option<Feature> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.key();
        let bits = if self.table.is_empty() {
            four(self.entries, self.at)
        } else {
            four(self.table, 4 * usize::from(self.entries[self.at]))
        };
        self.at += self.weight_bytes();
        Some(Feature {
            key,
            weight: f32::from_bits(bits),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The `u32` written little-endian at `bytes[at..at + 4]`.
#[inline]
fn four(bytes: &[u8], at: usize) -> u32 {
    let b: [u8; 4] = bytes[at..at + 4].try_into().expect("four bytes");
    u32::from_le_bytes(b)
}

fn write_leb128(out: &mut Vec<u8>, mut x: u32) {
    while x >= 0x80 {
        out.push(x as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// The LEB128 number at `bytes[*at..]`; `at` moves past it.
fn read_leb128(bytes: &[u8], at: &mut usize) -> u32 {
    let mut x = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        x |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return x;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Numbers read back as written, in as few bytes as 7 bits each take.
    #[test]
    fn leb128_reads_back() {
        for x in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            (1 << 21) - 1,
            1 << 21,
            (1 << 28) - 1,
            1 << 28,
            u32::MAX,
        ] {
            let mut out = Vec::new();
            write_leb128(&mut out, x);
            assert_eq!(
                out.len(),
                (32 - (x | 1).leading_zeros() as usize).div_ceil(7),
                "{x}"
            );
            assert_eq!(read_leb128(&out, &mut 0), x);
        }
    }

    fn list(held: &[(FeatureId, f32)]) -> FeatureList {
        FeatureList::from_held(held)
    }

    /// Whatever the ids, weights and their order, the list gives back the pairs
    /// it was made of, by id, and as many; two lists of the same pairs are equal.
    #[test]
    fn a_list_gives_back_its_features() {
        assert!(list(&[]).is_empty());
        assert_eq!(list(&[]).len(), 0);
        assert_eq!(list(&[]).iter().count(), 0);
        // Weights of every kind.
        let held = [
            (u64::MAX, 0.5),
            (7, f32::MIN_POSITIVE),
            (1 << 40, 3.25),
            (3, 0.5),
            (0, 1.0 + 2.0f32.ln()),
        ];
        let l = list(&held);
        let mut by_id = held.to_vec();
        by_id.sort_unstable_by_key(|e| e.0);
        assert_eq!(l.held(), by_id);
        assert_eq!(
            l.iter().map(|f| (f.id(), f.weight)).collect::<Vec<_>>(),
            by_id
        );
        assert_eq!(l.len(), 5);
        assert_eq!(l.iter().len(), 5);
        let mut reversed = held.to_vec();
        reversed.reverse();
        assert_eq!(list(&reversed), l);
        assert_ne!(list(&held[1..]), l);
    }

    /// With more distinct weights than a table holds, each weight is written whole
    /// and read back exactly; with a table, each entry takes one byte for its
    /// weight.
    #[test]
    fn many_distinct_weights_are_written_whole() {
        let many: Vec<(FeatureId, f32)> = (0..300u64)
            .map(|i| (i * 977, 1.0 + i as f32 / 7.0))
            .collect();
        assert_eq!(list(&many).held(), many);
        let few: Vec<(FeatureId, f32)> = (0..300u64)
            .map(|i| (i * 977, 1.0 + (i % 9) as f32))
            .collect();
        let (l, whole) = (list(&few), list(&many));
        assert_eq!(l.held(), few);
        assert!(l.heap_bytes() + 3 * 300 - 9 * 4 <= whole.heap_bytes());
    }

    /// Keys past 16 bits take 3 bytes each, and read back whole beside small ones.
    #[test]
    fn wide_keys_read_back() {
        let ids: Vec<FeatureId> = (0..70_000u64)
            .map(|i| (i ^ 0xA5A5).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let keys: Vec<u32> = ids
            .iter()
            .map(|&id| super::super::intern::intern(id).number())
            .collect();
        let wide = *keys.iter().max().unwrap();
        assert!(wide >= 1 << 16);
        let at = keys.iter().position(|&k| k == wide).unwrap();
        let held = [(ids[at], 2.5), (ids[0], 1.0)];
        let l = list(&held);
        let mut by_id = held.to_vec();
        by_id.sort_unstable_by_key(|e| e.0);
        assert_eq!(l.held(), by_id);
        let mut at = 0;
        read_leb128(&l.0, &mut at);
        read_leb128(&l.0, &mut at);
        assert_eq!(l.0[at], 3, "three bytes a key");
    }

    proptest! {
        #[test]
        fn any_features_read_back(ids in proptest::collection::btree_set(any::<u64>(), 0..400),
                                  weights in proptest::collection::vec(0.001f32..20.0, 1..300)) {
            let held: Vec<(FeatureId, f32)> = ids
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id, weights[i % weights.len()]))
                .collect();
            let l = list(&held);
            prop_assert_eq!(l.len(), held.len());
            prop_assert_eq!(l.held(), held);
        }
    }
}
