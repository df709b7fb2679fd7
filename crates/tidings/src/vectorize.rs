//! Corpus weighting and vectors: sparse tf-idf vectors for exact scoring, and dense
//! projections (ndarray) for the approximate index.

use crate::lang::Lang;
use crate::pivot::intern::{id_of, intern, FeatureKey};
use crate::pivot::{DocFeatures, FeatureId, FeatureList};
use ndarray::Array2;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A dimension of the vectors: a feature's rank among the corpus's feature ids
/// ([`sparse_vectors`]). Ranks keep the ids' order, so a vector sorted by dimension
/// is sorted as by id, and every sum over matching entries adds them in the same
/// order as over ids: the same bits. Half the width of a [`FeatureId`], so a
/// group sum's entry is 8 bytes, not 16; a vector holds only the gaps between its
/// dimensions ([`Slot`]).
pub type Dim = u32;

/// One entry of a [`SparseVec`] as it is read: a dimension and its weight in
/// bfloat16 (f32's sign and exponent, 7 bits of mantissa). Rounding the weights of
/// the unit vectors to 7 bits left story B³ F1 on ntrex-dev and wmt21-dev unchanged
/// and ntrex-dev-all at 0.8948 against 0.8940; 5 bits began to cost on wmt21-dev
/// (BENCHMARKS.md, "Crawl scale", eleventh round). Products and sums are still taken
/// in f32 and f64. A vector holds its entries as [`Slot`]s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    dim: Dim,
    /// The weight's bfloat16 bits ([`to_bf16`]).
    weight: u16,
}

impl Entry {
    #[inline]
    pub fn dim(self) -> Dim {
        self.dim
    }

    /// The weight, exactly as held (a bfloat16 widens to f32 without rounding).
    #[inline]
    pub fn weight(self) -> f32 {
        widen(self.weight)
    }
}

/// A bfloat16's value.
#[inline]
fn widen(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}

/// `x` rounded to the nearest bfloat16 (ties to even), as its 16 bits: the high
/// half of the f32, rounded on the low half. Written out rather than taken from the
/// `half` crate, which would bring zerocopy and its derive macro into the engine's
/// build for these three lines. A NaN stays a NaN (quiet); vectors hold none.
#[inline]
fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) | 0x0040) as u16;
    }
    let round = 0x7FFF + ((bits >> 16) & 1);
    (bits.wrapping_add(round) >> 16) as u16
}

/// How a [`SparseVec`] holds an entry: 4 bytes, its dimension as the gap from the
/// entry before (the first's from 0) and its weight's bfloat16 bits. The vectors are
/// held from vectorizing to the end of a run, the largest part of what a run holds
/// (298 entries a document on the synthetic corpora, 248 on the crawl yardstick); a
/// `(Dim, bfloat16)` pair took 6 bytes. A gap wider than [`SKIP`] is bridged by a
/// skip: a slot of weight 0 (no entry has weight 0) that advances the dimension by
/// its gap times [`SKIP`], the entry after it keeping a gap of 1 to [`SKIP`]. A
/// vector's dimensions are its features' ranks among the corpus's (132k distinct at
/// 50k yardstick documents, 151k at 200k): with ~250 entries a vector, a gap passes
/// 65,535 only once the corpus has some millions of distinct features; at 20
/// million, about 44% of the entries would take a skip (5.8 bytes an entry), and no
/// entry takes more than one unless its gap passes 2³² − 65,536.
///
/// Every loop over a vector's slots treats a skip as an entry of weight 0 at its
/// dimension: in a sum of products it adds 0·x, which leaves an f64 sum as it was
/// (a sum that starts at +0.0 never becomes −0.0), and the dimensions of a vector's
/// slots still rise strictly, so a merge meets each of the other's entries once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Slot {
    gap: u16,
    weight: u16,
}

/// The widest gap an entry's slot holds, and what each unit of a skip's gap
/// advances: 65,535, not 65,536, so that every gap beyond it is a whole number of
/// them plus a remainder of 1 to 65,535 (the dimensions of a skip and of the entry
/// after it must differ).
const SKIP: Dim = u16::MAX as Dim;

impl Slot {
    /// The slot's dimension, that of the slot before it being `prev` (0 for the
    /// first).
    #[inline]
    fn dim_after(self, prev: Dim) -> Dim {
        let unit = if self.weight == 0 { SKIP } else { 1 };
        prev + Dim::from(self.gap) * unit
    }

    /// Its weight; 0.0 for a skip.
    #[inline]
    fn weight(self) -> f32 {
        widen(self.weight)
    }
}

/// An id-sorted sparse list read in order, for the scatters and gathers of
/// products ([`scattered`]): a vector, a group's stored sum (`cluster::sums`) or a
/// plain `(Dim, f32)` list. A slot of weight 0 is a skip (see [`Slot`]).
pub trait Scan: Copy {
    /// `f` of each slot's dimension and weight, in order.
    fn each_slot(self, f: impl FnMut(Dim, f32));
    /// The last entry's dimension.
    fn last_dim(self) -> Option<Dim>;
}

/// A [`Scan`] whose slots are also read one at a time, for the merges that take
/// products ([`dot`]): a vector, whose [`Slot`]s hold gaps and may be skips, or a
/// plain `(Dim, f32)` list.
pub trait Slots: Scan {
    /// How many slots (a vector's entries and skips).
    fn slot_count(self) -> usize;
    /// Slot `i`'s dimension and weight, the slot before it being at `prev`.
    fn slot(self, i: usize, prev: Dim) -> (Dim, f32);
}

impl Slots for &SparseVec {
    #[inline]
    fn slot_count(self) -> usize {
        self.slots.len()
    }

    #[inline]
    fn slot(self, i: usize, prev: Dim) -> (Dim, f32) {
        let s = self.slots[i];
        (s.dim_after(prev), s.weight())
    }
}

impl Scan for &SparseVec {
    #[inline]
    fn each_slot(self, mut f: impl FnMut(Dim, f32)) {
        let mut dim = 0;
        for s in self.slots.iter() {
            dim = s.dim_after(dim);
            f(dim, s.weight());
        }
    }

    #[inline]
    fn last_dim(self) -> Option<Dim> {
        SparseVec::last_dim(self)
    }
}

impl Slots for &[(Dim, f32)] {
    #[inline]
    fn slot_count(self) -> usize {
        self.len()
    }

    #[inline]
    fn slot(self, i: usize, _: Dim) -> (Dim, f32) {
        self[i]
    }
}

impl Scan for &[(Dim, f32)] {
    #[inline]
    fn each_slot(self, mut f: impl FnMut(Dim, f32)) {
        for &(d, w) in self {
            f(d, w);
        }
    }

    #[inline]
    fn last_dim(self) -> Option<Dim> {
        self.last().map(|e| e.0)
    }
}

/// A sparse vector: dimensions strictly increasing, unit L2 norm before its weights
/// were rounded to bfloat16 (or empty). Built only through [`SparseVec::new`], so
/// both invariants always hold.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<(Dim, f32)>", into = "Vec<(Dim, f32)>")]
pub struct SparseVec {
    /// Exactly as long as it must be (a `Vec`'s capacity would be 8 bytes more).
    slots: Box<[Slot]>,
    /// How many entries (slots less skips).
    len: u32,
    /// The last entry's dimension (0 when empty): what sizes the arrays a vector is
    /// scattered into, read without a pass over the slots. With `len` it fills the
    /// box's 24 bytes.
    last: Dim,
}

/// How far from 1 the squared norm of a vector read back may be: each weight is
/// within 2⁻⁸ of its unit-norm value, so the squared norm within about 2⁻⁷.
const NORM_TOLERANCE: f64 = 1e-2;

/// Read back as written: a vector that breaks the invariants is an error, not
/// silently repaired (renormalizing would change the bytes a stage shipped). The
/// weights are written as f32; each was a bfloat16, so it is read back exactly.
impl TryFrom<Vec<(Dim, f32)>> for SparseVec {
    type Error = &'static str;

    fn try_from(entries: Vec<(Dim, f32)>) -> Result<Self, Self::Error> {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err("sparse vector: dimensions are not strictly increasing");
        }
        if !entries.iter().all(|(_, w)| w.is_finite() && *w != 0.0) {
            return Err("sparse vector: a weight is zero or not finite");
        }
        let norm: f64 = entries.iter().map(|(_, w)| f64::from(*w).powi(2)).sum();
        if !entries.is_empty() && (norm - 1.0).abs() > NORM_TOLERANCE {
            return Err("sparse vector: not of unit norm");
        }
        let v = SparseVec::of_entries(entries.iter().map(|&(dim, w)| Entry {
            dim,
            weight: to_bf16(w),
        }));
        if v.len() < entries.len() {
            return Err("sparse vector: a weight rounds to zero");
        }
        Ok(v)
    }
}

impl From<SparseVec> for Vec<(Dim, f32)> {
    fn from(v: SparseVec) -> Self {
        v.entries().map(|e| (e.dim(), e.weight())).collect()
    }
}

impl SparseVec {
    /// Sorts, merges duplicate ids, drops zeros and non-finite weights, normalizes,
    /// rounds each weight to bfloat16 ([`Entry`]).
    pub fn new(mut entries: Vec<(Dim, f32)>) -> SparseVec {
        entries.retain(|(_, w)| w.is_finite() && *w != 0.0);
        entries.sort_unstable_by_key(|&(f, _)| f);
        sum_equal_ids(&mut entries);
        let norm = entries
            .iter()
            .map(|(_, w)| (*w as f64).powi(2))
            .sum::<f64>()
            .sqrt();
        if norm == 0.0 {
            return SparseVec::default();
        }
        // A weight below bfloat16's smallest rounds to zero: not an entry.
        SparseVec::of_entries(entries.iter().map(|&(dim, w)| Entry {
            dim,
            weight: to_bf16((w as f64 / norm) as f32),
        }))
    }

    /// The vector of `entries` (dimensions rising), as [`Slot`]s; an entry of
    /// weight 0 is left out.
    fn of_entries(entries: impl ExactSizeIterator<Item = Entry>) -> SparseVec {
        let mut slots = Vec::with_capacity(entries.len());
        let (mut prev, mut len) = (0, 0);
        for e in entries.filter(|e| e.weight() != 0.0) {
            let mut gap = e.dim - prev;
            while gap > SKIP {
                // As many units as leave a remainder of 1 to SKIP (at most SKIP
                // of them: a second skip only for a gap past 2³² − 65,536).
                let units = ((gap - 1) / SKIP).min(SKIP);
                slots.push(Slot {
                    gap: units as u16,
                    weight: 0,
                });
                gap -= units * SKIP;
            }
            slots.push(Slot {
                gap: gap as u16,
                weight: e.weight,
            });
            prev = e.dim;
            len += 1;
        }
        SparseVec {
            slots: slots.into_boxed_slice(),
            len,
            last: prev,
        }
    }

    /// `f` of each entry's dimension and weight, by rising dimension: what
    /// [`SparseVec::entries`] gives, in a loop of its own.
    ///
    /// A loop of its own rather than [`Slots::each_slot`] with a test of the weight:
    /// written that way, `tidings stories --threads 1` of the 50k yardstick's graph
    /// counted 640 M more instructions of 21,818 M (callgrind).
    #[inline]
    pub fn each(&self, mut f: impl FnMut(Dim, f32)) {
        let mut dim = 0;
        for s in self.slots.iter() {
            dim = s.dim_after(dim);
            if s.weight != 0 {
                f(dim, s.weight());
            }
        }
    }

    /// Its entries, by rising dimension.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            slots: self.slots.iter(),
            dim: 0,
            left: self.len(),
        }
    }

    /// Its slots (skips included), for the loops that take products ([`Slots`]).
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its highest dimension.
    pub fn last_dim(&self) -> Option<Dim> {
        (self.len > 0).then_some(self.last)
    }

    /// Cosine similarity (both are unit vectors), clamped to [0, 1].
    pub fn cosine(&self, other: &SparseVec) -> f32 {
        dot(self, other).clamp(0.0, 1.0)
    }
}

/// The entries of a [`SparseVec`], decoded from its slots.
#[derive(Clone)]
pub struct Entries<'a> {
    slots: std::slice::Iter<'a, Slot>,
    dim: Dim,
    /// Entries not yet read: an exact size, so that a `collect` allocates once.
    left: usize,
}

impl Iterator for Entries<'_> {
    type Item = Entry;

    #[inline]
    fn next(&mut self) -> Option<Entry> {
        loop {
            let s = *self.slots.next()?;
            self.dim = s.dim_after(self.dim);
            if s.weight != 0 {
                self.left -= 1;
                return Some(Entry {
                    dim: self.dim,
                    weight: s.weight,
                });
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// Merges the runs of equal ids of an id-sorted list into one entry with their sum.
pub(crate) fn sum_equal_ids<K: PartialEq>(entries: &mut Vec<(K, f32)>) {
    entries.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
}

/// Dot product of two id-sorted sparse lists, rounded to f32 ([`dot_f64`]).
pub fn dot<A: Slots, B: Slots>(a: A, b: B) -> f32 {
    dot_f64(a, b) as f32
}

/// Dot product of two id-sorted sparse lists, in f64.
///
/// Branch-free merge: both cursors advance by comparison results and every step
/// adds a product that is zero unless the dimensions match, because the ids of two
/// documents interleave at random and a branching merge mispredicts on them. The
/// sum is the same to the bit as the branching merge's (adding +0.0 changes
/// nothing); its speed was not measured on its own (BENCHMARKS.md, "Crawl scale").
/// A slot's dimension is read from the one before it (a vector's are gaps), so
/// each side keeps the dimension it is at.
pub fn dot_f64<A: Slots, B: Slots>(a: A, b: B) -> f64 {
    let (la, lb) = (a.slot_count(), b.slot_count());
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    let (mut x, mut y) = (a.slot(0, 0), b.slot(0, 0));
    loop {
        let product = f64::from(x.1) * f64::from(y.1);
        s += if x.0 == y.0 { product } else { 0.0 };
        let (next_a, next_b) = (x.0 <= y.0, y.0 <= x.0);
        i += usize::from(next_a);
        j += usize::from(next_b);
        if i >= la || j >= lb {
            return s;
        }
        let (nx, ny) = (a.slot(i, x.0), b.slot(j, y.0));
        x = if next_a { nx } else { x };
        y = if next_b { ny } else { y };
    }
}

/// One id-sorted list scattered by dimension into a dense array, zero elsewhere,
/// for dot products with many others: each of them gathers its entries from the
/// array, in its order of dimensions, so the matching products are added in the
/// order [`dot`] adds them and the sum is the same to the bit. Against a merge of
/// the two lists, a gather reads only the other's entries, with no comparison
/// deciding the next load.
pub(crate) struct Scattered<'a>(&'a [f32]);

thread_local! {
    /// The dense array of [`scattered`], kept zero between uses; as long as the
    /// largest id scattered on this thread.
    static DENSE: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with `v` [`Scattered`] (on this thread's array, zeroed again after).
/// A skip slot writes 0.0 where the array already holds it: no entry of `v` lies
/// there, and it lies below `v`'s last entry.
pub(crate) fn scattered<R, S: Scan>(v: S, f: impl FnOnce(&Scattered<'_>) -> R) -> R {
    DENSE.with(|dense| {
        let mut dense = dense.borrow_mut();
        if let Some(last) = v.last_dim() {
            let last = last as usize;
            if dense.len() <= last {
                dense.resize(last + 1, 0.0);
            }
        }
        let array = &mut dense[..];
        v.each_slot(|d, w| array[d as usize] = w);
        let r = f(&Scattered(array));
        v.each_slot(|d, _| array[d as usize] = 0.0);
        r
    })
}

impl Scattered<'_> {
    /// The dot product with `other`, in f64 (as [`dot`] sums before rounding).
    pub(crate) fn dot<S: Scan>(&self, other: S) -> f64 {
        let mut s = 0.0f64;
        other.each_slot(|d, w| {
            let x = self.0.get(d as usize).copied().unwrap_or(0.0);
            s += f64::from(w) * f64::from(x);
        });
        s
    }
}

/// Corpus statistics: how many documents hold each feature, overall and within
/// each language. Computed per shard ([`CorpusStats::of`]) and merged
/// ([`CorpusStats::merge`]): counts add, so the merge of the shards' statistics
/// equals the statistics of their union, whatever the order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(into = "StatsRepr", from = "StatsRepr")]
pub struct CorpusStats {
    n_docs: usize,
    df: FxHashMap<FeatureKey, u32>,
    n_lang: FxHashMap<Lang, usize>,
    lang_df: FxHashMap<(Lang, FeatureKey), u32>,
}

/// [`CorpusStats`] as written: sorted lists, so the same statistics give the same
/// bytes; features by their ids (the keys are this process's, `pivot::intern`).
#[derive(Serialize, Deserialize)]
struct StatsRepr {
    n_docs: usize,
    df: Vec<(FeatureId, u32)>,
    n_lang: Vec<(Lang, usize)>,
    lang_df: Vec<(Lang, FeatureId, u32)>,
}

impl From<CorpusStats> for StatsRepr {
    fn from(s: CorpusStats) -> StatsRepr {
        let mut df: Vec<_> = s.df.into_iter().map(|(k, n)| (id_of(k), n)).collect();
        df.sort_unstable();
        let mut n_lang: Vec<_> = s.n_lang.into_iter().collect();
        n_lang.sort_unstable();
        let mut lang_df: Vec<_> = s
            .lang_df
            .into_iter()
            .map(|((l, k), n)| (l, id_of(k), n))
            .collect();
        lang_df.sort_unstable();
        StatsRepr {
            n_docs: s.n_docs,
            df,
            n_lang,
            lang_df,
        }
    }
}

impl From<StatsRepr> for CorpusStats {
    fn from(r: StatsRepr) -> CorpusStats {
        CorpusStats {
            n_docs: r.n_docs,
            df: r.df.into_iter().map(|(f, n)| (intern(f), n)).collect(),
            n_lang: r.n_lang.into_iter().collect(),
            lang_df: r
                .lang_df
                .into_iter()
                .map(|(l, f, n)| ((l, intern(f)), n))
                .collect(),
        }
    }
}

/// The sum of two count maps, iterating the smaller one.
fn add_counts<K: std::hash::Hash + Eq, V: std::ops::AddAssign + Default>(
    mut a: FxHashMap<K, V>,
    mut b: FxHashMap<K, V>,
) -> FxHashMap<K, V> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    for (k, n) in b {
        *a.entry(k).or_default() += n;
    }
    a
}

impl CorpusStats {
    /// The statistics of `docs`, counted in parallel. Every document counts in
    /// [`CorpusStats::n_docs`] and in its language, also one with no features.
    pub fn of(docs: &[DocFeatures]) -> CorpusStats {
        CorpusStats::of_each(docs, |d| d)
    }

    /// [`CorpusStats::of`] over anything that holds a document's features (a
    /// shard's analyzed documents), without copying them out.
    pub fn of_each<T: Sync>(
        docs: &[T],
        features: impl Fn(&T) -> &DocFeatures + Sync + Send,
    ) -> CorpusStats {
        // One chunk a thread. A chunk's maps hold a large part of the corpus's
        // (language, feature) pairs whatever its size (155k of the 50k yardstick's
        // 491k in each 4,096 of its documents), so each chunk more is one more such
        // map to count into and merge: in chunks of 4,096 the statistics took 0.20
        // s at 50k and 0.72 s at 200k, in one chunk a thread 0.13 s and 0.47 s
        // (BENCHMARKS.md, "Crawl scale", twenty-sixth round). Counts add, so any
        // chunking gives the same.
        let per_thread = docs.len().div_ceil(rayon::current_num_threads());
        CorpusStats::of_chunks(docs, features, per_thread.max(MIN_STATS_CHUNK))
    }

    /// [`CorpusStats::of_each`], counting `docs` in chunks of `per` documents.
    fn of_chunks<T: Sync>(
        docs: &[T],
        features: impl Fn(&T) -> &DocFeatures + Sync + Send,
        per: usize,
    ) -> CorpusStats {
        docs.par_chunks(per.max(1))
            .map(|chunk| {
                let mut s = CorpusStats {
                    n_docs: chunk.len(),
                    ..Default::default()
                };
                let mut keys = Vec::new();
                for d in chunk.iter().map(&features) {
                    *s.n_lang.entry(d.lang).or_default() += 1;
                    d.features.keys_into(&mut keys);
                    for &f in &keys {
                        *s.lang_df.entry((d.lang, f)).or_default() += 1;
                    }
                }
                // A feature's count is the sum of its counts in each language: one
                // addition per (language, feature) of the chunk, not one more map
                // update per feature of every document.
                for (&(_, f), &n) in &s.lang_df {
                    *s.df.entry(f).or_default() += n;
                }
                s
            })
            .reduce(CorpusStats::default, CorpusStats::merged)
    }

    /// Adds another shard's statistics.
    pub fn merge(&mut self, other: CorpusStats) {
        *self = std::mem::take(self).merged(other);
    }

    fn merged(self, other: CorpusStats) -> CorpusStats {
        CorpusStats {
            n_docs: self.n_docs + other.n_docs,
            df: add_counts(self.df, other.df),
            n_lang: add_counts(self.n_lang, other.n_lang),
            lang_df: add_counts(self.lang_df, other.lang_df),
        }
    }

    /// Documents counted.
    pub fn n_docs(&self) -> usize {
        self.n_docs
    }
}

/// How sharply a feature common within its language is discounted: its relative
/// rarity is raised to this power. In languages with no lexicon the features that
/// survive are name keys of short words, syllables and cognate guesses; at power 1
/// those shared by a sixth of a language's documents kept half their weight and
/// pulled that language's documents of different stories into one cluster (98
/// Tibetan and Dzongkha documents of 20 stories on ntrex-dev-all). Names shared by
/// the few documents of one story keep most of theirs (df 2 of 66: 0.80 at 1.5).
/// Measured on the dev sets, story B³ F1 at powers 1 / 1.5 / 2 (thresholds 0.055 /
/// 0.055 / 0.045): ntrex-dev-all 0.795 / 0.820 / 0.833, ntrex-dev 0.984 / 0.986 /
/// 0.961, wmt21-dev 0.866 / 0.882 / 0.883; at 1.75 ntrex-dev falls to 0.961 too
/// (the independent write-ups of one story in one language share their names in
/// two to five documents), BENCHMARKS.md.
pub const RARITY_EXPONENT: f32 = 1.5;

/// BM25's idf, which stays positive for features in every document and needs no
/// special case for tiny corpora.
pub fn idf(n_docs: usize, df: u32) -> f32 {
    let (n, df) = (n_docs as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln() as f32
}

/// tf-idf sparse vectors for every document, made from (and taking) each
/// document's `features`, which are left empty: weighting in place keeps one copy
/// of the largest per-document data in memory, not two.
///
/// The corpus idf is multiplied by the feature's *relative rarity within the
/// document's language*, idf_L(df_L) / idf_L(1), which is 1 for a feature only this
/// document of its language has and near 0 for one that all of them have. It removes
/// what a language's documents share because of how the language is analyzed (a
/// frequent word the lexicon maps to a wrong concept, a missing stopword), which would
/// otherwise pull documents of one language together across stories. A language with
/// a single document is unaffected.
///
/// The rarity is raised to [`RARITY_EXPONENT`].
///
/// `stats` are those of the whole corpus the vectors will be compared in (a feature
/// or language it lacks counts as seen once). Each feature becomes a [`Dim`], its
/// rank among the feature ids of `stats` and `docs`.
pub fn sparse_vectors(docs: &mut [DocFeatures], stats: &CorpusStats) -> Vec<SparseVec> {
    weighted(docs, stats, false)
}

/// [`sparse_vectors`] with `stats` counted from `docs` themselves
/// ([`CorpusStats::of`]), so that they hold every feature of `docs`: the documents'
/// features are not looked up one by one for those the statistics lack (a lookup
/// per feature of every document that finds nothing: 0.13 s of the 100k synthetic
/// corpus's 0.59 s of vectors).
pub fn sparse_vectors_counted(docs: &mut [DocFeatures], stats: &CorpusStats) -> Vec<SparseVec> {
    weighted(docs, stats, true)
}

/// [`sparse_vectors`]; `counted`: `stats` are the documents' own.
fn weighted(docs: &mut [DocFeatures], stats: &CorpusStats, counted: bool) -> Vec<SparseVec> {
    let n = stats.n_docs;
    // Features `stats` lacks (none when they are the documents' own statistics).
    let mut keys: Vec<FeatureKey> = if counted {
        Vec::with_capacity(stats.df.len())
    } else {
        docs.par_iter()
            .flat_map_iter(|d| d.features.iter().map(|e| e.key))
            .filter(|f| !stats.df.contains_key(f))
            .collect()
    };
    keys.extend(stats.df.keys());
    // Ranked by id: keys are numbered in the order threads met the features.
    let mut ids: Vec<(FeatureId, FeatureKey)> = keys.into_iter().map(|k| (id_of(k), k)).collect();
    ids.par_sort_unstable_by_key(|&(id, _)| id);
    ids.dedup_by_key(|&mut (id, _)| id);
    // Feature → (rank, corpus idf): one lookup for both, the idf computed once
    // per feature, not once per document that has it.
    let dims: FxHashMap<FeatureKey, (Dim, f32)> = ids
        .par_iter()
        .enumerate()
        .map(|(rank, &(_, f))| {
            let df = stats.df.get(&f).copied().unwrap_or(1);
            (f, (rank as Dim, idf(n, df)))
        })
        .collect();
    drop(ids);
    // The rarity factor of a feature by its document frequency in the language,
    // for the frequencies most features have: made once per language, as the
    // vectors would compute it (a logarithm and a power per feature were about a
    // twentieth of a 30k-document run's samples).
    let rarity = |nl: usize, rare: f32, ldf: u32| (idf(nl, ldf) / rare).powf(RARITY_EXPONENT);
    let tables: FxHashMap<Lang, Vec<f32>> = stats
        .n_lang
        .par_iter()
        .map(|(&lang, &nl)| {
            let rare = idf(nl, 1);
            let table = (0..RARITY_TABLE as u32)
                .map(|ldf| rarity(nl, rare, ldf))
                .collect();
            (lang, table)
        })
        .collect();
    // The rarity factor of a feature in a language with document frequency `ldf`.
    let rarity_in = |lang: Lang, ldf: u32| {
        let table = tables.get(&lang).map_or(&[][..], Vec::as_slice);
        match table.get(ldf as usize) {
            Some(&l) => l,
            None => {
                let nl = stats.n_lang.get(&lang).copied().unwrap_or(1);
                rarity(nl, idf(nl, 1), ldf)
            }
        }
    };
    // (Language, feature) → (dim, corpus idf, rarity), made once per pair the
    // statistics hold: one lookup per feature of a document where there were two
    // in maps of millions (the dims, then the language's counts). Only where the
    // documents' features outnumber those pairs: a small batch weighted with a
    // large corpus's statistics (an incremental run, one shard of many) looks its
    // features up directly rather than build a table of the whole corpus.
    let n_features: usize = docs.iter().map(|d| d.features.len()).sum();
    let table = (n_features >= stats.lang_df.len()).then(|| {
        stats
            .lang_df
            .par_iter()
            .map(|(&(lang, f), &ldf)| {
                let (dim, g) = dims[&f];
                ((lang, f), (dim, g, rarity_in(lang, ldf)))
            })
            .collect::<FxHashMap<(Lang, FeatureKey), (Dim, f32, f32)>>()
    });
    let weight_of = |lang: Lang, f: FeatureKey| -> (Dim, f32, f32) {
        if let Some(&w) = table.as_ref().and_then(|t| t.get(&(lang, f))) {
            return w;
        }
        // Without the table, or a pair it lacks: a feature the statistics lack in
        // this language counts as seen once there.
        let (dim, g) = dims[&f];
        let ldf = stats.lang_df.get(&(lang, f)).copied().unwrap_or(1);
        (dim, g, rarity_in(lang, ldf))
    };
    // A chunk's vectors are made on the pool, then its features freed here, on
    // one thread: freed on the pool as each vector was made, the features (made by
    // both threads' arenas in the analysis) had both threads waiting on each
    // other's arena locks in glibc's allocator, and the loop ran on 1.4 cores (1M
    // synthetic corpus: 9.8 s). Freed a chunk at a time, they never pile up.
    let mut vecs = Vec::with_capacity(docs.len());
    for chunk in docs.chunks_mut(FREE_CHUNK) {
        vecs.par_extend(chunk.par_iter().map_init(Vec::new, |held, d| {
            d.features.decode_into(held);
            let entries = held
                .iter()
                .map(|&f| {
                    let (dim, g, l) = weight_of(d.lang, f.key);
                    (dim, f.weight * g * l)
                })
                .collect();
            SparseVec::new(entries)
        }));
        for d in chunk {
            d.features = FeatureList::default();
        }
    }
    vecs
}

/// The statistics are counted in chunks of at least this many documents (see
/// [`CorpusStats::of_each`]): a small batch is not split across threads.
const MIN_STATS_CHUNK: usize = 4096;

/// Documents vectorized together before their features are freed (see
/// [`sparse_vectors`]).
const FREE_CHUNK: usize = 8192;

/// Document frequencies within a language below this have their rarity factor
/// read from a table made once per language (see [`sparse_vectors`]).
const RARITY_TABLE: usize = 1024;

/// Width of the dense projection used by the index.
pub const DENSE_DIM: usize = 128;

/// Projects sparse vectors to `dim` dense dimensions by signed feature hashing (the
/// "hashing trick"): inner products are preserved in expectation, and no vocabulary
/// or training is needed. Rows are unit-normalized; an empty vector stays all zero.
pub fn dense_projection(vecs: &[SparseVec], dim: usize) -> Array2<f32> {
    let all: Vec<u32> = (0..vecs.len() as u32).collect();
    dense_projection_of(vecs, &all, dim)
}

/// [`dense_projection`] of `vecs[rows[0]]`, `vecs[rows[1]]`, … in that order (the
/// kNN graph lays documents out by date).
pub fn dense_projection_of(vecs: &[SparseVec], rows: &[u32], dim: usize) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((rows.len(), dim));
    let flat = out.as_slice_mut().expect("a new array is contiguous");
    flat.par_chunks_mut(dim.max(1))
        .zip(rows.par_iter())
        .for_each(|(row, &v)| {
            for e in vecs[v as usize].entries() {
                let (f, w) = (e.dim(), e.weight());
                let h = u64::from(f).wrapping_mul(0x9E3779B97F4A7C15);
                let idx = (h >> 33) as usize % dim;
                let sign = if h & 1 == 0 { 1.0 } else { -1.0 };
                row[idx] += sign * w;
            }
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|x| *x /= norm);
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pivot::Feature;

    /// Rounding to bfloat16 is to the nearest, ties to the even significand, and
    /// widening back is exact: a bfloat16 rounds to itself.
    #[test]
    fn bf16_rounds_to_nearest_even() {
        let widen = |b: u16| f32::from_bits(u32::from(b) << 16);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: to 1 (even). 1 + 3·2^-8 is
        // halfway between 1 + 2^-7 and 1 + 2^-6: to 1 + 2^-6 (even).
        assert_eq!(widen(to_bf16(1.0 + 2f32.powi(-8))), 1.0);
        assert_eq!(
            widen(to_bf16(1.0 + 3.0 * 2f32.powi(-8))),
            1.0 + 2f32.powi(-6)
        );
        // Just above halfway rounds up.
        assert_eq!(
            widen(to_bf16(1.0 + 2f32.powi(-8) + 2f32.powi(-20))),
            1.0 + 2f32.powi(-7)
        );
        for x in [0.1f32, 0.3, -0.7, 1e-30, 0.999_999, 0.5] {
            let r = widen(to_bf16(x));
            assert!((r - x).abs() <= x.abs() / 256.0, "{x} -> {r}");
            assert_eq!(to_bf16(r), to_bf16(x), "{x}: a bfloat16 rounds to itself");
        }
        assert!(widen(to_bf16(f32::NAN)).is_nan());
    }

    /// A vector entry takes 4 bytes, a vector's own part 24.
    #[test]
    fn vectors_are_compact() {
        assert_eq!(std::mem::size_of::<Slot>(), 4);
        assert_eq!(std::mem::size_of::<SparseVec>(), 24);
    }

    /// Vectors whose dimensions lie far apart (gaps wider than a slot's 16 bits,
    /// bridged by skips) read back, count and multiply as their entries say: the
    /// merge and the gather of their slots give, to the bit, the f64 sum of the
    /// matching products in order of dimension, against each other and against
    /// the same entries as a plain `(Dim, f32)` list.
    #[test]
    fn far_apart_dimensions_are_held_by_skips() {
        let mut rnd = crate::test_rng::xorshift(11);
        let mut skipped = 0;
        for case in 0..400 {
            let spread = [12u64, 70_000, 400_000, 1 << 31][case % 4];
            let dims = |rnd: &mut dyn FnMut() -> u64, n: u64| -> Vec<(Dim, f32)> {
                (0..n)
                    .map(|_| ((rnd() % spread) as Dim, 0.05 + (rnd() % 100) as f32 / 7.0))
                    .collect()
            };
            let n = rnd() % 40;
            let a = SparseVec::new(dims(&mut rnd, n));
            let plain_a: Vec<(Dim, f32)> = a.clone().into();
            // Half of b's dimensions are a's.
            let n = rnd() % 40;
            let mut b = dims(&mut rnd, n);
            b.extend(
                plain_a
                    .iter()
                    .filter(|_| rnd().is_multiple_of(2))
                    .map(|&(d, _)| (d, 1.0)),
            );
            let b = SparseVec::new(b);
            let plain_b: Vec<(Dim, f32)> = b.clone().into();
            for (v, plain) in [(&a, &plain_a), (&b, &plain_b)] {
                assert_eq!(v.len(), plain.len());
                assert!(plain.windows(2).all(|w| w[0].0 < w[1].0));
                assert!(plain.iter().all(|&(_, w)| w != 0.0));
                assert_eq!(v.last_dim(), plain.last().map(|e| e.0));
                assert_eq!(SparseVec::try_from(plain.clone()).as_ref(), Ok(v));
                skipped += v.slots().len() - v.len();
            }
            let mut want = 0.0f64;
            for &(d, x) in &plain_a {
                if let Ok(j) = plain_b.binary_search_by_key(&d, |e| e.0) {
                    want += f64::from(x) * f64::from(plain_b[j].1);
                }
            }
            let (sa, sb) = (&a, &b);
            assert_eq!(dot_f64(sa, sb).to_bits(), want.to_bits(), "case {case}");
            assert_eq!(dot(sa, sb).to_bits(), (want as f32).to_bits());
            assert_eq!(dot_f64(sa, &plain_b[..]).to_bits(), want.to_bits());
            assert_eq!(dot_f64(&plain_a[..], sb).to_bits(), want.to_bits());
            assert_eq!(a.cosine(&b), (want as f32).clamp(0.0, 1.0));
            if spread <= 400_000 {
                let gathered = scattered(sa, |s| s.dot(sb));
                assert_eq!(gathered.to_bits(), want.to_bits(), "case {case}");
                let gathered = scattered(&plain_b[..], |s| s.dot(sa));
                assert_eq!(gathered.to_bits(), want.to_bits(), "case {case}");
            }
        }
        assert!(skipped > 1000, "only {skipped} skips");
        // Gaps at each edge of a skip's units, and the widest a `Dim` allows.
        let mut at = 0;
        let mut edges = vec![(0, 1.0)];
        for gap in [
            1,
            SKIP - 1,
            SKIP,
            SKIP + 1,
            2 * SKIP - 1,
            2 * SKIP,
            2 * SKIP + 1,
            1 << 20,
        ] {
            at += gap;
            edges.push((at, 1.0));
        }
        edges.push((Dim::MAX - 7, 1.0));
        edges.push((Dim::MAX, 1.0));
        let v = SparseVec::new(edges.clone());
        let plain: Vec<(Dim, f32)> = v.clone().into();
        assert_eq!(
            plain.iter().map(|e| e.0).collect::<Vec<_>>(),
            edges.iter().map(|e| e.0).collect::<Vec<_>>()
        );
        assert_eq!(v.last_dim(), Some(Dim::MAX));
        // One skip for each gap past SKIP.
        assert_eq!(v.slots().len() - v.len(), 6);
        let self_dot: f64 = plain
            .iter()
            .map(|&(_, w)| f64::from(w) * f64::from(w))
            .sum();
        assert_eq!(dot_f64(&v, &v).to_bits(), self_dot.to_bits());
        assert_eq!(dot_f64(&v, &plain[..]).to_bits(), self_dot.to_bits());
        // Two for a gap past 2³² − 65,536 (65,535 units of 65,535, and 65,535 more).
        let widest = SparseVec::new(vec![(0, 1.0), (Dim::MAX, 1.0)]);
        assert_eq!(widest.slots().len() - widest.len(), 2);
        let plain: Vec<(Dim, f32)> = widest.clone().into();
        assert_eq!(plain.iter().map(|e| e.0).collect::<Vec<_>>(), [0, Dim::MAX]);
    }

    /// The statistics do not depend on how the documents are cut into chunks:
    /// counts add.
    #[test]
    fn statistics_are_the_same_in_any_chunks() {
        let docs: Vec<DocFeatures> = (0..50u64)
            .map(|i| DocFeatures {
                lang: [Lang::ENG, Lang::TUR, Lang::from_code("deu").unwrap()][i as usize % 3],
                // Some features in many documents, some in one (by id, as a
                // document's are); one document in seven has none.
                features: (0..i % 7)
                    .filter(|k| k % 2 == 0)
                    .chain((0..i % 7).filter(|k| k % 2 == 1).map(|k| 100 + i * 7 + k))
                    .map(|id| Feature::new(id, 1.0))
                    .collect(),
                ..Default::default()
            })
            .collect();
        let whole = CorpusStats::of_chunks(&docs, |d| d, docs.len());
        assert_eq!(whole.n_docs(), 50);
        assert_eq!(CorpusStats::of(&docs), whole);
        for per in [1, 3, 7, 49] {
            assert_eq!(
                CorpusStats::of_chunks(&docs, |d| d, per),
                whole,
                "chunks of {per}"
            );
        }
    }

    /// A vector written as `(dim, weight)` pairs reads back to the same entries.
    #[test]
    fn vectors_read_back_as_written() {
        let v = SparseVec::new(vec![(3, 0.2), (1, 1.0), (7, 0.013), (2, 0.5)]);
        let written: Vec<(Dim, f32)> = v.clone().into();
        assert_eq!(SparseVec::try_from(written), Ok(v));
    }

    /// Each weight is tf · idf(df) · (idf_L(df_L) / idf_L(1))^1.5, normalized: the
    /// rarity read from the per-language table (df_L under [`RARITY_TABLE`]) and
    /// computed beyond it are both that formula; and so with the statistics known
    /// to be the documents' own ([`sparse_vectors_counted`]).
    #[test]
    fn weights_are_tf_idf_times_rarity() {
        // 1,100 English documents share feature 1 (df_L past the table), each has
        // its own feature 1000 + i, and every tenth feature 2; 30 Turkish
        // documents share feature 2 with them and feature 3 among themselves.
        let feature = Feature::new;
        let mut docs: Vec<DocFeatures> = (0..1100u64)
            .map(|i| {
                let mut features = vec![feature(1, 1.0), feature(1000 + i, 2.0)];
                if i % 10 == 0 {
                    features.insert(1, feature(2, 1.5));
                }
                DocFeatures {
                    lang: Lang::ENG,
                    features: features.into(),
                    ..Default::default()
                }
            })
            .collect();
        docs.extend((0..30).map(|_| DocFeatures {
            lang: Lang::TUR,
            features: vec![feature(2, 1.0), feature(3, 1.0)].into(),
            ..Default::default()
        }));
        let want: Vec<Vec<(FeatureId, f32)>> = {
            let stats = CorpusStats::of(&docs);
            docs.iter()
                .map(|d| {
                    let nl = stats.n_lang[&d.lang];
                    let raw: Vec<(FeatureId, f64)> = d
                        .features
                        .iter()
                        .map(|f| {
                            let (id, weight) = (f.id(), f.weight);
                            let g = f64::from(idf(stats.n_docs, stats.df[&f.key]));
                            let ldf = stats.lang_df[&(d.lang, f.key)];
                            let l = f64::from(idf(nl, ldf)) / f64::from(idf(nl, 1));
                            (id, f64::from(weight) * g * l.powf(1.5))
                        })
                        .collect();
                    let norm = raw.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
                    raw.into_iter()
                        .map(|(f, w)| (f, (w / norm) as f32))
                        .collect()
                })
                .collect()
        };
        let stats = CorpusStats::of(&docs);
        let mut again = docs.clone();
        let vecs = sparse_vectors(&mut docs, &stats);
        // The statistics are the documents' own: not looking for the features they
        // lack gives the same vectors.
        assert_eq!(sparse_vectors_counted(&mut again, &stats), vecs);
        // Dimensions are ranks of the ids: 1, 2, 3, then 1000 + i.
        let dim_of = |f: FeatureId| if f < 1000 { f - 1 } else { f - 1000 + 3 } as Dim;
        for (v, w) in vecs.iter().zip(&want) {
            assert_eq!(v.len(), w.len());
            assert_eq!(v.entries().count(), w.len());
            for (e, &(f, want)) in v.entries().zip(w) {
                assert_eq!(e.dim(), dim_of(f));
                // Held in bfloat16: within half a unit of its 8-bit significand.
                let got = e.weight();
                assert!(
                    (got - want).abs() <= want.abs() / 256.0,
                    "feature {f}: {got} against {want}"
                );
            }
        }
        assert!(
            docs.iter().all(|d| d.features.is_empty()),
            "features are taken"
        );
    }
}
