//! kNN graph → stories, in parallel and deterministically.
//!
//! Stories are cut from an average-link hierarchy, not from connected components:
//! transitive closure over a kNN graph chains distinct events that share vocabulary
//! (two conferences of the same forum a year apart). Average link merges two groups
//! only when their documents are similar *on average*.
//!
//! **Exact average link, kept by Lance–Williams totals.** The linkage of two groups
//! is the mean weight over every pair of their documents: the edge's weight where the
//! graph has one, else the pair's cosine. The total between two groups adds up when
//! groups merge, W(A∪B, C) = W(A, C) + W(B, C), so it is kept along the edges; for
//! a neighbour of one side of a merge the other side's part is the dot product of
//! the two groups' sum vectors (ΣA·ΣB = the sum of their pairs' cosines). On the
//! stories' kNN graph that part is only bounded at the merge, and computed when the
//! bound comes out on top of the heap ([`Link`]); most bounds never do. Counting a pair without an edge as 0 (the
//! graph HAC of ParHAC and TeraHAC) would need no dot product at all, but a kNN graph
//! with k = 24 misses most translation pairs of a large story: ntrex-dev story B³ F1
//! fell from 0.977 to 0.875 (BENCHMARKS.md, "Crawl scale").
//!
//! A node may stand for several documents (copies collapsed before the graph,
//! `graph/copies.rs`): it counts as that many documents, copies of each other.
//!
//! Candidate merges follow graph edges; the graph's connected components (over
//! edges at or above the candidate floor) are independent problems, solved in parallel.
//!
//! **Stories merge in rounds** (RAC, reciprocal agglomerative clustering): each
//! round, every group whose links changed finds its best partner exactly, and all
//! pairs that are each other's best merge at once ([`Linkage::in_rounds`]).
//! A crawl's graph is often one component (the 50k crawl yardstick's: 34,440 of
//! its 34,459 nodes; the 1M dated synthetic corpus's: 888,983 nodes, its stories
//! chained by their dates), and merging one pair at a time off a heap left the
//! second core idle. Where average link is reducible the rounds make the heap's
//! merges; here they need not, and seldom differ (BENCHMARKS.md). The articles'
//! cut of a large story keeps the heap ([`average_link`]), whose merges it was
//! tuned on.

mod sums;

use crate::config::StoryConfig;
use crate::document::Day;
use crate::graph::{Edge, KnnGraph};
use crate::lang::{Lang, LANGS};
use crate::memory::{touch, TOUCH_AHEAD};
use crate::vectorize::{dot, dot_f64, scattered, sum_equal_ids, Dim, Scattered, SparseVec};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use sums::{gallop_dot, Encoded, Encoder, SumSlot, SumStore, SumView};

// A group's languages are a bit set of 128.
const _: () = assert!(LANGS.len() <= 128);

/// The parameters of one average-link cut (stories, or articles inside a story).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Linkage {
    /// Two groups merge while their average linkage is at least this.
    pub threshold: f32,
    /// Documents dated further apart than this many days are never in one group.
    pub max_days: Option<i32>,
    /// See [`cohesive`]; 0 disables the check.
    pub cohesion: f32,
    /// The edges are a kNN graph's, weighted by their cosines: the totals of pairs
    /// without an edge are bounded and computed only when the bound could win (see
    /// [`Link`]). Otherwise (the article cut, whose edges carry other weights) every
    /// total is computed at the merge that needs it.
    pub knn: bool,
    /// Merge in rounds ([`Agglomeration::in_rounds`]: the stories), not one pair at
    /// a time off a heap ([`Agglomeration::by_heap`]: the articles' cut).
    pub in_rounds: bool,
}

/// The total between two groups that some edge joins: `known`, a sum of pair
/// weights, plus at most `unknown` for the pairs of documents not yet counted.
///
/// On a kNN graph, when A merges with B and a neighbour C of A has no edge to B,
/// ΣB·ΣC is not computed at the merge: no pair of B × C has an edge, so each pair's
/// cosine is at most the similarity of either document's strongest edge (its
/// nearest neighbour; [`Group::bound`]), and `unknown` grows by the sum of those
/// bounds. The heap orders pairs by the upper bound (known + unknown) / (|A|·|C|); a
/// pair whose bound comes out on top is computed exactly (ΣA·ΣC, the sum over all
/// its pairs) and put back. A pair merges only when its exact linkage is on top, at
/// or above every other pair's bound, so the merges are those of exact average
/// link, as long as the candidate generator found every document's nearest
/// neighbour (a bound from the k-th neighbour would be tighter, but the sparse index
/// ranks candidates by partial scores, and that bound failed often enough to move
/// documents on ntrex-dev). On the 50k crawl yardstick one big component made 1.3M
/// dot products of group sums at merge time; with bounds, 0.45M. In rounds
/// ([`Agglomeration::in_rounds`]) a bound is computed when it reaches its group's
/// best exact linkage: 0.65M there.
#[derive(Clone, Copy)]
struct Link {
    known: f64,
    unknown: f64,
    /// The linkage (or bound) of the pair's candidate in the heap, or
    /// [`NOT_QUEUED`]. Only that candidate counts: others for the pair are stale.
    /// A pair is queued again only when its linkage rises above it; one that falls
    /// is queued again when its old candidate comes out on top. A big group that
    /// takes in one small group after another would otherwise queue its every
    /// neighbour at every merge: on the 50k crawl yardstick the heap held a million
    /// candidates on average.
    queued: f64,
}

impl Link {
    const NONE: Link = Link {
        known: 0.0,
        unknown: 0.0,
        queued: NOT_QUEUED,
    };
}

impl std::ops::AddAssign for Link {
    /// The totals add up; the candidate stays the one of the pair added to.
    fn add_assign(&mut self, o: Link) {
        self.known += o.known;
        self.unknown += o.unknown;
    }
}

/// A group during the agglomeration. Weights are sums of cosines over document
/// pairs (f64: a big group sums millions of them).
struct Group {
    /// (document, the documents it stands for).
    members: Vec<(u32, f32)>,
    /// Documents it stands for (a node of collapsed copies counts each copy).
    size: f64,
    /// Σ of the pair weights between its own documents (exact, like the totals).
    internal: f64,
    days: Option<(Day, Day)>,
    /// The languages of its members, one bit per [`Lang`] (0: not known).
    langs: u128,
    /// Σ size(d)·u(d) over its members, where u(d) bounds the cosine of `d` and any
    /// document no edge joins it to (its strongest edge's similarity).
    bound: f64,
    /// Neighbour group → the pair's record in [`Agglomeration::links`], for the
    /// groups some edge joins to this one.
    adj: FxHashMap<u32, LinkId>,
    /// Σ size(d)·v_d over the members, id-sorted, once needed (see
    /// [`Agglomeration::sum_ref`]), in [`Agglomeration::sums`].
    sum: Option<SumSlot>,
}

impl Group {
    fn dead() -> Group {
        Group {
            members: Vec::new(),
            size: 0.0,
            internal: 0.0,
            days: None,
            langs: 0,
            bound: 0.0,
            adj: FxHashMap::default(),
            sum: None,
        }
    }

    /// Mean pair weight inside the group.
    fn intra(&self) -> f64 {
        let pairs = self.size * (self.size - 1.0) / 2.0;
        if pairs > 0.0 {
            self.internal / pairs
        } else {
            1.0
        }
    }
}

#[derive(PartialEq)]
struct Candidate {
    /// The pair's linkage, or a bound on it, when it was queued.
    sim: f64,
    a: u32,
    b: u32,
    /// The pair's record: while both groups live, it is the one it was queued
    /// with (a record is renamed or dropped only when one of its groups goes).
    link: LinkId,
}

impl Eq for Candidate {}
impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        // Max-heap on sim; ties go to the smallest (a, b), so the order is total
        // (two candidates of one pair and linkage have the same record).
        self.sim
            .total_cmp(&o.sim)
            .then_with(|| (o.a, o.b, o.link).cmp(&(self.a, self.b, self.link)))
    }
}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The candidates, greatest first in [`Candidate`]'s order, as one heap would give
/// them, but in buckets by linkage, each a small heap: a pop reads only the top
/// bucket. On the 50k crawl yardstick one heap held 460k candidates on average (up
/// to 934k), and each pop went down ten levels of a 4-ary heap, a cache miss each:
/// the pops were a sixth of the stories stage.
///
/// A candidate's bucket is the top [`BUCKET_BITS`] bits of its linkage's total
/// order (sign, exponent and 8 bits of mantissa: 256 buckets per octave), clamped
/// to the range the linkages take, so a higher bucket never holds a lesser
/// candidate.
struct Queue {
    buckets: Vec<BinaryHeap<Candidate>>,
    /// One bit per non-empty bucket.
    occupied: Vec<u64>,
    /// The highest non-empty bucket.
    top: Option<usize>,
    /// The bucket keys of the first and the last bucket.
    lo: u64,
    hi: u64,
}

/// See [`Queue`].
const BUCKET_BITS: u32 = 20;

/// `x`'s place in [`f64::total_cmp`]'s order, as an unsigned integer.
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

impl Queue {
    /// A queue for linkages from `threshold` up (lower ones share the first bucket).
    fn new(threshold: f64) -> Queue {
        let key = |x: f64| order_key(x) >> (64 - BUCKET_BITS);
        // A linkage is a mean of cosines, at most 1 but for rounding; a threshold at
        // or near zero would make millions of buckets for nothing.
        let (lo, hi) = (key(threshold.max(1e-6)), key(2.0));
        let n = (hi - lo + 1) as usize;
        Queue {
            buckets: (0..n).map(|_| BinaryHeap::new()).collect(),
            occupied: vec![0; n.div_ceil(64)],
            top: None,
            lo,
            hi,
        }
    }

    fn bucket(&self, sim: f64) -> usize {
        let k = order_key(sim) >> (64 - BUCKET_BITS);
        (k.clamp(self.lo, self.hi) - self.lo) as usize
    }

    fn push(&mut self, c: Candidate) {
        let i = self.bucket(c.sim);
        self.buckets[i].push(c);
        self.occupied[i / 64] |= 1 << (i % 64);
        if self.top.is_none_or(|t| i > t) {
            self.top = Some(i);
        }
    }

    fn peek(&self) -> Option<&Candidate> {
        self.buckets[self.top?].peek()
    }

    fn pop(&mut self) -> Option<Candidate> {
        let t = self.top?;
        let c = self.buckets[t].pop();
        if self.buckets[t].is_empty() {
            self.occupied[t / 64] &= !(1 << (t % 64));
            self.top = self.highest_below(t);
        }
        c
    }

    /// The highest non-empty bucket under bucket `t`.
    fn highest_below(&self, t: usize) -> Option<usize> {
        let (mut w, bit) = (t / 64, t % 64);
        let mut word = self.occupied[w] & ((1u64 << bit) - 1);
        loop {
            if word != 0 {
                return Some(w * 64 + 63 - word.leading_zeros() as usize);
            }
            if w == 0 {
                return None;
            }
            w -= 1;
            word = self.occupied[w];
        }
    }
}

/// Two groups of several documents each merge only if they are at least `cohesion`
/// times as similar to each other as the looser of the two is inside. Two complete
/// stories on one topic (two North Korea stories, each with its 17 translations)
/// are similar on average, but far less than each story's versions are to each other.
/// A lone document joining a group is judged by the threshold alone, and so are
/// two groups with no language in common of which one is in a single language:
/// the versions of an article in one language are far more alike than any of them
/// is to a translation through the lexicons. On wmt21-dev the 16 Japanese versions
/// of a document (cosine 0.45 to each other) stayed apart from its Icelandic and
/// English ones (0.16 to them): story B³ F1 0.904 → 0.927 there, ntrex-dev
/// unchanged, ntrex-dev-all 0.8947 → 0.8940. (Any two groups with no language in
/// common: wmt21-dev 0.917, ntrex-dev-all 0.8935.)
fn cohesive(a: &Group, b: &Group, sim: f64, config: &Linkage) -> bool {
    let one = |g: &Group| g.langs.count_ones() == 1;
    let disjoint = a.langs != 0 && b.langs != 0 && a.langs & b.langs == 0 && (one(a) || one(b));
    if config.cohesion <= 0.0 || a.size < 2.0 || b.size < 2.0 || disjoint {
        return true;
    }
    let cohesion = f64::from(config.cohesion);
    let cap = f64::from(COHESION_CAP * config.threshold);
    sim >= (cohesion * a.intra().min(b.intra())).min(cap)
}

/// The cohesion requirement never exceeds this multiple of the threshold: exact
/// copies make a group's inner similarity near 1, and an independent write-up of the
/// same event should not have to match that.
const COHESION_CAP: f32 = 2.0;

fn span_ok(a: Option<(Day, Day)>, b: Option<(Day, Day)>, max_days: Option<i32>) -> bool {
    match (a, b, max_days) {
        (Some(x), Some(y), Some(m)) => x.1 .0.max(y.1 .0) - x.0 .0.min(y.0 .0) <= m,
        _ => true,
    }
}

fn merge_days(a: Option<(Day, Day)>, b: Option<(Day, Day)>) -> Option<(Day, Day)> {
    match (a, b) {
        (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
        (x, None) => x,
        (None, y) => y,
    }
}

/// What [`Agglomeration::sum_ref`] hands out: a lone document's own vector, or a
/// group's materialized sum (f32 weights: it adds up many).
#[derive(Clone, Copy)]
enum SumRef<'a> {
    Doc(&'a SparseVec),
    Group(SumView<'a>),
}

impl SumRef<'_> {
    /// How many entries.
    fn len(self) -> usize {
        match self {
            SumRef::Doc(v) => v.len(),
            SumRef::Group(v) => v.len(),
        }
    }

    /// The dot product of the two: a branch-free merge when their lengths are alike
    /// (its sum rounded to f32), galloping the shorter into the longer when one is
    /// [`GALLOP_RATIO`] times the other (see [`gallops`]). A vector's dimensions
    /// are gaps, so a long document's vector is merged rather than searched: the
    /// same matching products added in the same order (a merge adds +0.0 between
    /// them), so the same f64 sum as a gallop's.
    fn dot(self, other: SumRef<'_>) -> f64 {
        let (x, y) = (self.len(), other.len());
        if !gallops(x, y) {
            return f64::from(match (self, other) {
                (SumRef::Doc(a), SumRef::Doc(b)) => dot(a, b),
                (SumRef::Doc(a), SumRef::Group(b)) => decoded(b, |b| dot(a, b)),
                (SumRef::Group(a), SumRef::Doc(b)) => decoded(a, |a| dot(a, b)),
                (SumRef::Group(a), SumRef::Group(b)) => decoded(a, |a| {
                    DECODED_TOO.with_borrow_mut(|buf| {
                        b.decode_into(buf);
                        dot(a, &buf[..])
                    })
                }),
            });
        }
        let (short, long) = if x <= y { (self, other) } else { (other, self) };
        match (short, long) {
            (SumRef::Doc(a), SumRef::Group(long)) => {
                gallop_dot(a.entries().map(|e| (e.dim(), e.weight())), long)
            }
            (SumRef::Group(a), SumRef::Group(long)) => gallop_dot(a.entries(), long),
            (SumRef::Doc(a), SumRef::Doc(b)) => dot_f64(a, b),
            (SumRef::Group(a), SumRef::Doc(b)) => decoded(a, |a| dot_f64(a, b)),
        }
    }

    /// [`scattered`] of it.
    fn scattered<R>(self, f: impl FnOnce(&Scattered<'_>) -> R) -> R {
        match self {
            SumRef::Doc(v) => scattered(v, f),
            SumRef::Group(v) => scattered(v, f),
        }
    }

    /// Its dot product with a scattered sum ([`Scattered::dot`]).
    fn gathered(self, dense: &Scattered<'_>) -> f64 {
        match self {
            SumRef::Doc(v) => dense.dot(v),
            SumRef::Group(v) => dense.dot(v),
        }
    }

    /// [`touch`] of it.
    fn touch(self) {
        match self {
            SumRef::Doc(v) => touch(v.slots()),
            SumRef::Group(v) => touch(v.units()),
        }
    }
}

thread_local! {
    /// A stored sum decoded for a merge of products ([`decoded`]), and a second
    /// for a merge of two: each as long as the longest sum decoded on the thread
    /// (8 bytes an entry), kept for the next.
    static DECODED: std::cell::RefCell<Vec<(Dim, f32)>> = const { std::cell::RefCell::new(Vec::new()) };
    static DECODED_TOO: std::cell::RefCell<Vec<(Dim, f32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f` of `sum`'s entries as `(Dim, f32)` pairs, in this thread's buffer: the
/// merge of products reads its lists slot by slot, which a stored sum's blocks do
/// not offer; it reads each entry once anyway.
fn decoded<R>(sum: SumView<'_>, f: impl FnOnce(&[(Dim, f32)]) -> R) -> R {
    DECODED.with_borrow_mut(|buf| {
        sum.decode_into(buf);
        f(buf)
    })
}

/// Whether [`sum_dot`] gallops the shorter of two vectors of these lengths into the
/// longer, rather than merging them; [`Agglomeration::totals`] rounds as it would.
fn gallops(x: usize, y: usize) -> bool {
    x.min(y) * GALLOP_RATIO < x.max(y)
}

/// See [`sum_dot`]: a merge costs about one step per entry of both vectors, a
/// gallop a few per entry of the short one.
const GALLOP_RATIO: usize = 16;

/// The index of a pair's record in [`Agglomeration::links`].
type LinkId = u32;

/// The agglomeration's state: the groups, the links between them and the vectors
/// their sums are made of.
struct Agglomeration<'a> {
    groups: Vec<Group>,
    /// Whether each group is still one (not merged into another), apart from the
    /// groups so a stale candidate is dropped without reading its group: on the
    /// 200k crawl yardstick 4.6M of the 7.7M candidates checked had a merged group.
    alive: Vec<bool>,
    /// One record per pair of groups some edge joins, found from either side
    /// through [`Group::adj`]. A record held by each side (the link map's values,
    /// as before) meant that every update of a pair, and every merge's rename, went
    /// to the neighbour's map as well: a cache miss or three each.
    links: Vec<Link>,
    vecs: &'a [SparseVec],
    /// The groups' sums (see `sums.rs`).
    sums: SumStore,
}

impl Agglomeration<'_> {
    /// Builds the sum of each of `groups` that has several members and none yet,
    /// each once, on the pool when there are several.
    fn materialize(&mut self, groups: impl IntoIterator<Item = u32>) {
        let mut unbuilt: Vec<u32> = groups
            .into_iter()
            .filter(|&g| {
                let group = &self.groups[g as usize];
                group.members.len() >= 2 && group.sum.is_none()
            })
            .collect();
        unbuilt.sort_unstable();
        unbuilt.dedup();
        let vecs = self.vecs;
        let build = |&g: &u32| sum_of(&self.groups[g as usize].members, vecs);
        let sums: Vec<Encoded> = if unbuilt.len() >= 2 {
            unbuilt.par_iter().map(build).collect()
        } else {
            unbuilt.iter().map(build).collect()
        };
        for (g, sum) in unbuilt.into_iter().zip(sums) {
            self.groups[g as usize].sum = Some(self.sums.put(&sum, g));
        }
    }

    /// A group's sum, Σ size(d)·v_d over its members, and a factor: a lone
    /// document's own vector times its size, or the materialized sum times 1.
    fn sum_ref(&self, g: u32) -> (SumRef<'_>, f64) {
        let group = &self.groups[g as usize];
        match group.sum {
            Some(slot) => (SumRef::Group(self.sums.get(slot)), 1.0),
            None => {
                let (d, n) = group.members[0];
                (SumRef::Doc(&self.vecs[d as usize]), f64::from(n))
            }
        }
    }

    /// The sum of the similarities of every pair of documents across two groups
    /// that no edge joins: ΣA·ΣB. Both are [`Agglomeration::materialize`]d.
    fn total(&self, a: u32, b: u32) -> f64 {
        let ((x, fx), (y, fy)) = (self.sum_ref(a), self.sum_ref(b));
        fx * fy * x.dot(y)
    }
}

/// Hubs with sums shorter than this are merged pair by pair (see
/// [`Agglomeration::totals`]).
const DENSE_HUB: usize = 64;

/// Totals that read at least this many sum entries together (both sides of each
/// pair) are spread over threads; fewer take less time than waking a thread. Eight
/// pairs or more, whatever their sums, was the rule before.
const PARALLEL_WORK: usize = 32_768;

/// The entries of other sides a task of [`Agglomeration::totals`] gathers from one
/// scattered hub, about.
const CHUNK_WORK: usize = 16_384;

/// Sum entries a merge must add, at or above which it adds them on another
/// thread while the merge renames the links ([`Agglomeration::merge`]).
const OVERLAP_WORK: usize = 8_192;

/// Entries of a document's vector, about: what building the sum of a group with
/// none yet costs a member.
const MEAN_ENTRIES: usize = 256;

#[cfg(test)]
thread_local! {
    /// Merges on this thread that added their sums on another meanwhile: the tests
    /// check that the agglomeration's own test reaches that path.
    static OVERLAPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Σ size(d)·v_d over `members`, id-sorted.
fn sum_entries(members: &[(u32, f32)], vecs: &[SparseVec]) -> Vec<(Dim, f32)> {
    let mut all: Vec<(Dim, f32)> = members
        .iter()
        .flat_map(|&(d, n)| {
            vecs[d as usize]
                .entries()
                .map(move |e| (e.dim(), n * e.weight()))
        })
        .collect();
    all.sort_by_key(|e| e.0);
    sum_equal_ids(&mut all);
    all
}

/// [`sum_entries`], encoded to be stored.
fn sum_of(members: &[(u32, f32)], vecs: &[SparseVec]) -> Encoded {
    Encoded::of(&sum_entries(members, vecs))
}

/// The entrywise sum of two id-sorted sparse lists, about `capacity` entries,
/// encoded as it is made.
fn add_sorted(
    mut a: impl Iterator<Item = (Dim, f32)>,
    mut b: impl Iterator<Item = (Dim, f32)>,
    capacity: usize,
) -> Encoded {
    let mut out = Encoder::with_capacity(capacity);
    let (mut x, mut y) = (a.next(), b.next());
    loop {
        match (x, y) {
            (Some(p), Some(q)) => match p.0.cmp(&q.0) {
                Ordering::Less => {
                    out.push(p.0, p.1);
                    x = a.next();
                }
                Ordering::Greater => {
                    out.push(q.0, q.1);
                    y = b.next();
                }
                Ordering::Equal => {
                    out.push(p.0, p.1 + q.1);
                    (x, y) = (a.next(), b.next());
                }
            },
            (Some(p), None) => {
                out.push(p.0, p.1);
                a.for_each(|(d, w)| out.push(d, w));
                break;
            }
            (None, Some(q)) => {
                out.push(q.0, q.1);
                b.for_each(|(d, w)| out.push(d, w));
                break;
            }
            (None, None) => break,
        }
    }
    out.finish()
}

/// Average-link agglomeration of `members` (document indices), merging along
/// `edges` (indices into the same document space). `size` gives the number of
/// documents each member stands for (1 for a plain document; a node of collapsed
/// copies stands for each copy). Returns groups, each sorted, ordered by their
/// smallest member.
///
/// The linkage of two groups is the mean weight over every pair of their
/// documents: an edge's weight where the pair has one, else their cosine. Groups
/// are candidates only while some edge joins them. The merges are made in rounds
/// or one at a time off a heap, as [`Linkage::in_rounds`] says.
pub(crate) fn average_link(
    members: &[u32],
    edges: impl AsRef<[Edge]>,
    vecs: &[SparseVec],
    size: impl Fn(u32) -> u32 + Sync,
    days: &[Option<Day>],
    langs: &[Lang],
    config: &Linkage,
) -> Vec<Vec<u32>> {
    let mut agg = Agglomeration::new(members, edges.as_ref(), vecs, size, days, langs, config);
    // The edges are links now: edges handed over (a component's, see
    // `cluster_stories`) are freed before the merges make their sums.
    drop(edges);
    if config.in_rounds {
        agg.in_rounds(config);
    } else {
        agg.by_heap(config);
    }
    agg.into_groups()
}

impl<'a> Agglomeration<'a> {
    /// One group per member, one link per edge between two members (by local
    /// index; one edge per pair, as the graph and the articles' cut have), each
    /// member's bound from its strongest edge (kNN graph).
    fn new(
        members: &[u32],
        edges: &[Edge],
        vecs: &'a [SparseVec],
        size: impl Fn(u32) -> u32 + Sync,
        days: &[Option<Day>],
        langs: &[Lang],
        config: &Linkage,
    ) -> Agglomeration<'a> {
        // Each member's local index: an array over the documents when they are not
        // many more than the members (a component of the stories' graph), else a
        // map. The build runs on the pool: on the 1M dated synthetic corpus, one
        // component of 888,983 nodes, it took 2.4 s on one thread.
        let span = members.iter().max().map_or(0, |&m| m as usize + 1);
        let dense: Vec<u32> = if span <= 4 * members.len() + 1024 {
            let mut v = vec![u32::MAX; span];
            for (i, &d) in members.iter().enumerate() {
                v[d as usize] = i as u32;
            }
            v
        } else {
            Vec::new()
        };
        let map: FxHashMap<u32, u32> = if dense.is_empty() {
            members
                .iter()
                .enumerate()
                .map(|(i, &d)| (d, i as u32))
                .collect()
        } else {
            FxHashMap::default()
        };
        let local = |d: u32| -> Option<u32> {
            if dense.is_empty() {
                map.get(&d).copied()
            } else {
                dense.get(d as usize).copied().filter(|&i| i != u32::MAX)
            }
        };
        let mut groups: Vec<Group> = members
            .par_iter()
            .map(|&d| {
                let n = size(d).max(1);
                let s = f64::from(n);
                Group {
                    members: vec![(d, n as f32)],
                    size: s,
                    // Copies of one another: every pair counts 1.
                    internal: s * (s - 1.0) / 2.0,
                    days: days[d as usize].map(|x| (x, x)),
                    langs: langs.get(d as usize).map_or(0, |l| 1u128 << l.index()),
                    // Without an edge no bound is known; a cosine is at most 1.
                    bound: s,
                    adj: FxHashMap::default(),
                    sum: None,
                }
            })
            .collect();
        // The edges between two members, by local index; an edge's record is its
        // place here.
        let local_edges: Vec<(u32, u32, f32)> = edges
            .par_iter()
            .filter_map(|e| match (local(e.a), local(e.b)) {
                (Some(a), Some(b)) if a != b => Some((a, b, e.sim)),
                _ => None,
            })
            .collect();
        drop((dense, map));
        let links: Vec<Link> = local_edges
            .par_iter()
            .map(|&(a, b, sim)| Link {
                known: groups[a as usize].size * groups[b as usize].size * f64::from(sim),
                unknown: 0.0,
                queued: NOT_QUEUED,
            })
            .collect();
        // Each member's edges in the graph's order (so each neighbour map is
        // filled in the order one pass over the edges would fill it), then each
        // map made at its full size at once, on the pool.
        let mut start = vec![0usize; members.len() + 1];
        for &(a, b, _) in &local_edges {
            start[a as usize + 1] += 1;
            start[b as usize + 1] += 1;
        }
        for i in 0..members.len() {
            start[i + 1] += start[i];
        }
        let mut incident = vec![(0u32, 0 as LinkId); start[members.len()]];
        let mut next = start.clone();
        for (id, &(a, b, _)) in local_edges.iter().enumerate() {
            incident[next[a as usize]] = (b, id as LinkId);
            next[a as usize] += 1;
            incident[next[b as usize]] = (a, id as LinkId);
            next[b as usize] += 1;
        }
        drop(next);
        groups.par_iter_mut().enumerate().for_each(|(g, group)| {
            let mine = &incident[start[g]..start[g + 1]];
            group.adj.reserve(mine.len());
            let mut strongest = 0.0f32;
            for &(n, id) in mine {
                let repeated = group.adj.insert(n, id).is_some();
                debug_assert!(!repeated, "one edge per pair");
                strongest = strongest.max(local_edges[id as usize].2);
            }
            if config.knn && !mine.is_empty() {
                group.bound = group.size * f64::from(strongest);
            }
        });
        drop((incident, start, local_edges));
        Agglomeration {
            alive: vec![true; groups.len()],
            groups,
            links,
            vecs,
            sums: SumStore::new(),
        }
    }

    /// The groups left, each sorted, ordered by their smallest member.
    fn into_groups(self) -> Vec<Vec<u32>> {
        let mut out: Vec<Vec<u32>> = self
            .groups
            .into_iter()
            .zip(self.alive)
            .filter(|(_, alive)| *alive)
            .map(|(g, _)| {
                let mut m: Vec<u32> = g.members.into_iter().map(|(d, _)| d).collect();
                m.sort_unstable();
                m
            })
            .collect();
        out.sort_unstable_by_key(|g| g[0]);
        out
    }

    /// Merges the pair on top of the heap, one at a time.
    fn by_heap(&mut self, config: &Linkage) {
        let threshold = f64::from(config.threshold);
        let mut heap = Queue::new(threshold);
        for a in 0..self.groups.len() as u32 {
            let neighbours: Vec<(u32, LinkId)> = self.groups[a as usize]
                .adj
                .iter()
                .filter(|&(&b, _)| b > a)
                .map(|(&b, &id)| (b, id))
                .collect();
            for (b, id) in neighbours {
                self.requeue(&mut heap, a, b, id, threshold);
            }
        }
        while let Some(c) = heap.pop() {
            match self.check(&c, config) {
                Popped::Stale => continue,
                Popped::Blocked => {
                    self.links[c.link as usize].queued = NOT_QUEUED;
                    continue;
                }
                Popped::Lowered => {
                    self.requeue_from(&mut heap, c.a, c.b, c.link, threshold, Some(NOT_QUEUED));
                    continue;
                }
                Popped::Bound => {
                    // The bounds on top are computed together: one dot product each,
                    // in parallel, then put back exact.
                    let mut batch = vec![(c.a, c.b, c.link)];
                    while batch.len() < EXACT_BATCH {
                        let Some(t) = heap.peek() else { break };
                        match self.check(t, config) {
                            Popped::Stale => {}
                            Popped::Blocked => {
                                let t = heap.pop().expect("peeked");
                                self.links[t.link as usize].queued = NOT_QUEUED;
                                continue;
                            }
                            Popped::Lowered => {
                                let t = heap.pop().expect("peeked");
                                let r = Some(NOT_QUEUED);
                                self.requeue_from(&mut heap, t.a, t.b, t.link, threshold, r);
                                continue;
                            }
                            Popped::Bound => batch.push((t.a, t.b, t.link)),
                            Popped::Exact => break,
                        }
                        heap.pop();
                    }
                    self.compute_exact(&batch);
                    for &(a, b, id) in &batch {
                        self.requeue_from(&mut heap, a, b, id, threshold, Some(NOT_QUEUED));
                    }
                    continue;
                }
                Popped::Exact => self.links[c.link as usize].queued = NOT_QUEUED,
            }
            if !self.mergeable(c.a, c.b, c.sim, config) {
                // Put back once either group changes: the merge requeues its links.
                continue;
            }
            let keep = self.merge(c.a, c.b, config, None);
            let neighbours: Vec<(u32, LinkId)> = self.groups[keep as usize]
                .adj
                .iter()
                .map(|(&n, &id)| (n, id))
                .collect();
            for (n, id) in neighbours {
                self.requeue(&mut heap, keep, n, id, threshold);
            }
        }
    }
}

/// What a candidate popped from the heap is now.
enum Popped {
    /// A group is gone, or the pair was queued again since.
    Stale,
    /// The pair's (bound on its) linkage fell since it was queued: queue it again.
    Lowered,
    /// On top by its bound: compute it exactly.
    Bound,
    /// On top by its bound, but the two groups could not merge even at it: their
    /// date span is too wide, or the bound is under what [`cohesive`] asks. Left
    /// out of the heap, uncomputed, like a pair that fails at its exact linkage:
    /// a merge of either group queues it again. The exact linkage is at most the
    /// bound, so it would fail too, and the merges are the same without its dot
    /// product. On a dated synthetic corpus of 100k documents (`--max-days 7`)
    /// this skipped 159k of about 330k bounds on top (stories 5.7 → 4.4 s, output
    /// byte-identical); on the undated crawl yardstick only the cohesion check can
    /// block, and it rarely does at a bound.
    Blocked,
    /// On top by its exact linkage: merge.
    Exact,
}

/// Links read by a round's searches ([`Agglomeration::in_rounds`]) at or above
/// which they run on the pool. Late rounds have few groups whose links changed,
/// but big ones: on the 200k crawl yardstick, rounds of fewer than 256 groups
/// searched on one thread took a seventh of the stage's samples.
const ROUND_PARALLEL: usize = 8_192;

/// Links the rounds may read in all ([`Agglomeration::in_rounds`]) before they
/// are judged stalled: fewer merges than one per [`STALL_RATIO`] links read. The
/// 50k and 200k crawl yardsticks' rounds read at most 348 and 422 links a merge
/// so far, at any round; 3,000 documents on one topic, tied for one partner, read
/// 3,600 (9.0 s in rounds, 3.5 s off the heap, 2.9 s stalled after 9 merges).
const STALL_LINKS: usize = 1 << 20;

/// See [`STALL_LINKS`].
const STALL_RATIO: usize = 2_048;

#[cfg(test)]
thread_local! {
    /// Agglomerations on this thread that the heap finished: the tests check that
    /// a stalled one reaches that path.
    static STALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Groups whose links changed that a round on this thread left unsearched
    /// ([`Agglomeration::in_rounds`]): the tests check that path is reached.
    static UNSEARCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What [`Agglomeration::search`] finds of a group: its best partner among the
/// exact links, and the bounded links (neighbour, record) that could beat it.
struct Search {
    best: Option<(f64, u32)>,
    bounded: Vec<(u32, LinkId)>,
}

/// Bounds on top of the heap computed exactly together, in parallel (see [`Link`]).
const EXACT_BATCH: usize = 64;

/// [`Link::queued`] of a pair with no candidate in the heap.
const NOT_QUEUED: f64 = f64::NEG_INFINITY;

impl Agglomeration<'_> {
    /// The pair's linkage, or its upper bound while part of its total is unknown.
    fn linkage(&self, a: u32, b: u32, link: &Link) -> f64 {
        let (ga, gb) = (&self.groups[a as usize], &self.groups[b as usize]);
        (link.known + link.unknown) / (ga.size * gb.size)
    }

    /// Whether two groups may merge at linkage `sim`: their date span allows it
    /// and they pass [`cohesive`].
    fn mergeable(&self, a: u32, b: u32, sim: f64, config: &Linkage) -> bool {
        let (ga, gb) = (&self.groups[a as usize], &self.groups[b as usize]);
        span_ok(ga.days, gb.days, config.max_days) && cohesive(ga, gb, sim, config)
    }

    fn check(&self, c: &Candidate, config: &Linkage) -> Popped {
        if !self.alive[c.a as usize] || !self.alive[c.b as usize] {
            return Popped::Stale;
        }
        let link = &self.links[c.link as usize];
        if link.queued != c.sim {
            return Popped::Stale;
        }
        let sim = self.linkage(c.a, c.b, link);
        if sim < c.sim {
            Popped::Lowered
        } else if link.unknown > 0.0 {
            if self.mergeable(c.a, c.b, sim, config) {
                Popped::Bound
            } else {
                Popped::Blocked
            }
        } else {
            Popped::Exact
        }
    }

    /// Queues the pair if its (bound on its) linkage reaches the threshold and is
    /// above the candidate it has in the heap: a candidate queued higher stays, and
    /// is found lowered when it comes out on top.
    fn requeue(&mut self, heap: &mut Queue, a: u32, b: u32, id: LinkId, threshold: f64) {
        self.requeue_from(heap, a, b, id, threshold, None);
    }

    /// [`Agglomeration::requeue`] of the pair `a`, `b` whose record is `id`, its
    /// candidate first set to `reset` if given (a pair popped from the queue has
    /// none).
    fn requeue_from(
        &mut self,
        heap: &mut Queue,
        a: u32,
        b: u32,
        id: LinkId,
        threshold: f64,
        reset: Option<f64>,
    ) {
        let sizes = self.groups[a as usize].size * self.groups[b as usize].size;
        let link = &mut self.links[id as usize];
        if let Some(r) = reset {
            link.queued = r;
        }
        let sim = (link.known + link.unknown) / sizes;
        if sim >= threshold && sim > link.queued {
            link.queued = sim;
            heap.push(Candidate {
                sim,
                a: a.min(b),
                b: a.max(b),
                link: id,
            });
        }
    }

    /// Agglomerates in rounds (RAC, reciprocal agglomerative clustering): in each
    /// round every group whose links changed finds its best partner, the mergeable
    /// neighbour of highest linkage at or above the threshold, and every two groups
    /// that are each other's best merge. A best partner is exact: first the links
    /// of the group still bounded whose bound reaches its best exact linkage are
    /// computed.
    ///
    /// Where average link is reducible (a merged group is never closer to a third
    /// than the nearer of its parts was), the pair on top of the heap is always a
    /// reciprocal pair, and the merges are [`Agglomeration::by_heap`]'s. Candidates
    /// only along edges, the cohesion rule and the date span make it not quite so:
    /// a merge can bring two groups together whose pairs had no edge. Each round's
    /// searches, exact totals and sums run on the pool, where
    /// [`Agglomeration::by_heap`] has one merge's work at a time. Rounds that
    /// stall ([`STALL_LINKS`]) are finished by the heap. A group whose links
    /// changed only by merges of its neighbours is searched again only if its
    /// best partner took part in one or a changed link reaches that partner's
    /// linkage: else a search would find the same partner.
    ///
    /// Tried and left out (BENCHMARKS.md): computing a bound only when it also
    /// reaches the best linkage of the other side (which then cannot choose this
    /// group), with the bounds of undecided reciprocal pairs computed after: 22%
    /// fewer products, and the stage a tenth slower for the extra steps.
    fn in_rounds(&mut self, config: &Linkage) {
        let threshold = f64::from(config.threshold);
        let n = self.groups.len();
        // A group's best partner: (linkage, partner), ties to the smaller partner.
        let mut best: Vec<Option<(f64, u32)>> = vec![None; n];
        let mut dirty: Vec<u32> = (0..n as u32)
            .filter(|&g| !self.groups[g as usize].adj.is_empty())
            .collect();
        let mut marked = vec![false; n];
        // The groups last round's merges made, and each link to one of them from a
        // neighbour: (neighbour, merged group, record).
        let mut made = vec![false; n];
        let mut changed: Vec<(u32, u32, LinkId)> = Vec::new();
        let mut search_again = vec![false; n];
        let (mut scanned, mut merged) = (0usize, 0usize);
        while !dirty.is_empty() {
            // The stall rule counts the links of every group whose links changed,
            // searched or not, so the rounds end where a search of each would.
            scanned += dirty
                .iter()
                .map(|&g| self.groups[g as usize].adj.len())
                .sum::<usize>();
            // A neighbour of last round's merges keeps its best partner unsearched
            // when that partner took part in no merge and each of its links that
            // changed is under it: its other links, its size and the partner's are
            // what its last search read, so a search would find that partner again
            // (and no bounded link to compute). On the crawl yardstick this spares
            // a seventh (50k) to a fifth (200k) of the links the searches read.
            for &(g, k, id) in &changed {
                if search_again[g as usize] {
                    continue;
                }
                let floor = match best[g as usize] {
                    Some((sim, p)) if !made[p as usize] && self.alive[p as usize] => sim,
                    Some(_) => f64::NEG_INFINITY,
                    None => threshold,
                };
                if self.linkage(g, k, &self.links[id as usize]) >= floor {
                    search_again[g as usize] = true;
                }
            }
            // The first round (no merge yet) searches every group.
            if merged > 0 {
                dirty.retain(|&g| {
                    let search = made[g as usize] || search_again[g as usize];
                    #[cfg(test)]
                    if !search {
                        // What the search left out would have found.
                        let s = self.search(g, config, threshold);
                        assert!(s.bounded.is_empty() && s.best == best[g as usize]);
                        UNSEARCHED.with(|n| n.set(n.get() + 1));
                    }
                    search
                });
            }
            for &(g, _, _) in &changed {
                search_again[g as usize] = false;
            }
            let links: usize = dirty
                .iter()
                .map(|&g| self.groups[g as usize].adj.len())
                .sum();
            let parallel = dirty.len() >= 2 && links >= ROUND_PARALLEL;
            let search = |&g: &u32| self.search(g, config, threshold);
            let searched: Vec<Search> = if parallel {
                dirty.par_iter().map(search).collect()
            } else {
                dirty.iter().map(search).collect()
            };
            let mut wanted: Vec<(u32, u32, LinkId)> = dirty
                .iter()
                .zip(&searched)
                .flat_map(|(&g, s)| {
                    s.bounded
                        .iter()
                        .map(move |&(p, id)| (g.min(p), g.max(p), id))
                })
                .collect();
            if !wanted.is_empty() {
                wanted.sort_unstable_by_key(|w| w.2);
                wanted.dedup_by_key(|w| w.2);
                self.compute_exact(&wanted);
            }
            // A link the other side had computed was under this side's best
            // (else this side wanted it too), and is still.
            let found = |(&g, s): (&u32, &Search)| (g, self.best_of(g, s, config, threshold));
            let found: Vec<(u32, Option<(f64, u32)>)> = if parallel {
                dirty.par_iter().zip(&searched).map(found).collect()
            } else {
                dirty.iter().zip(&searched).map(found).collect()
            };
            drop(searched);
            for &(g, b) in &found {
                best[g as usize] = b;
            }
            // A reciprocal pair has a side whose links changed: two other groups
            // each other's best would have merged in the round they became so.
            let mut pairs: Vec<(u32, u32)> = found
                .iter()
                .filter_map(|&(g, b)| {
                    let (_, p) = b?;
                    let (_, back) = best[p as usize]?;
                    (back == g).then_some((g.min(p), g.max(p)))
                })
                .collect();
            pairs.sort_unstable();
            pairs.dedup();
            merged += pairs.len();
            if scanned > STALL_LINKS && scanned > STALL_RATIO * merged {
                // Rounds that merge a pair or two while they search everything
                // around them (groups tied for a common partner each choose the
                // smallest, so one pair is reciprocal) would go on for as many
                // rounds as there are groups: the heap finishes from here.
                #[cfg(test)]
                STALLS.with(|n| n.set(n.get() + 1));
                self.by_heap(config);
                return;
            }
            for &g in &dirty {
                made[g as usize] = false;
            }
            dirty.clear();
            changed.clear();
            let mut pending = Vec::with_capacity(pairs.len());
            for (a, b) in pairs {
                best[a as usize] = None;
                best[b as usize] = None;
                // Without a kNN graph a merge computes totals with its neighbours,
                // whose sums must be whole: no sum waits for the round's end.
                let deferred = config.knn.then_some(&mut pending);
                let keep = self.merge(a, b, config, deferred);
                made[keep as usize] = true;
                // The merged group and each of its neighbours: their links changed.
                let group = &self.groups[keep as usize];
                changed.extend(group.adj.iter().map(|(&g, &id)| (g, keep, id)));
                for g in std::iter::once(keep).chain(group.adj.keys().copied()) {
                    if !std::mem::replace(&mut marked[g as usize], true) {
                        dirty.push(g);
                    }
                }
            }
            self.finish_sums(pending);
            for &g in &dirty {
                marked[g as usize] = false;
            }
            // A neighbour of one merge may be gone in a later one (the merged groups
            // are not: a round's pairs are disjoint).
            dirty.retain(|&g| self.alive[g as usize]);
            dirty.sort_unstable();
            changed.retain(|c| self.alive[c.0 as usize]);
        }
    }

    /// One pass over the links of `g`: its best partner among the exact ones, the
    /// mergeable neighbour of highest linkage at or above the threshold (ties to
    /// the smaller neighbour), and the links still bounded whose bound reaches that
    /// linkage (and the threshold), of pairs that could merge at that bound: those
    /// [`Agglomeration::best_of`] needs exact.
    fn search(&self, g: u32, config: &Linkage, threshold: f64) -> Search {
        let mut best: Option<(f64, u32)> = None;
        let mut bounded: Vec<(f64, u32, LinkId)> = Vec::new();
        for (&p, &id) in &self.groups[g as usize].adj {
            let link = &self.links[id as usize];
            let sim = self.linkage(g, p, link);
            if sim < threshold {
                continue;
            }
            if link.unknown > 0.0 {
                bounded.push((sim, p, id));
                continue;
            }
            let better = best.is_none_or(|(b, q)| sim > b || (sim == b && p < q));
            if better && self.mergeable(g, p, sim, config) {
                best = Some((sim, p));
            }
        }
        let floor = best.map_or(threshold, |b| b.0);
        let bounded = bounded
            .into_iter()
            .filter(|&(bound, p, _)| bound >= floor && self.mergeable(g, p, bound, config))
            .map(|(_, p, id)| (p, id))
            .collect();
        Search { best, bounded }
    }

    /// The best partner of `g` once the links [`Agglomeration::search`] found
    /// bounded are exact.
    fn best_of(
        &self,
        g: u32,
        search: &Search,
        config: &Linkage,
        threshold: f64,
    ) -> Option<(f64, u32)> {
        let mut best = search.best;
        for &(p, id) in &search.bounded {
            let sim = self.linkage(g, p, &self.links[id as usize]);
            let better = best.is_none_or(|(b, q)| sim > b || (sim == b && p < q));
            if sim >= threshold && better && self.mergeable(g, p, sim, config) {
                best = Some((sim, p));
            }
        }
        best
    }

    /// Replaces the bounds of `pairs` (two groups and their record) by their
    /// exact totals, ΣA·ΣB.
    fn compute_exact(&mut self, pairs: &[(u32, u32, LinkId)]) {
        self.materialize(pairs.iter().flat_map(|&(a, b, _)| [a, b]));
        let groups: Vec<(u32, u32)> = pairs.iter().map(|&(a, b, _)| (a, b)).collect();
        let totals = self.totals(&groups);
        for (&(_, _, id), known) in pairs.iter().zip(totals) {
            let link = &mut self.links[id as usize];
            link.known = known;
            link.unknown = 0.0;
        }
    }

    /// [`Agglomeration::total`] of each pair, the same to the bit. A group in
    /// several pairs (the group a merge just made: every link it has was bounded)
    /// is a *hub*: its sum is scattered once into a dense array, and each pair's
    /// total gathers the other side's entries from it, instead of merging the two
    /// sums. The matching products are added in the same order, by dimension.
    fn totals(&self, pairs: &[(u32, u32)]) -> Vec<f64> {
        let mut count: FxHashMap<u32, u32> = FxHashMap::default();
        for &(a, b) in pairs {
            *count.entry(a).or_default() += 1;
            *count.entry(b).or_default() += 1;
        }
        // Each pair goes to the side in more pairs; of two in as many, the one
        // with the shorter sum (then the smaller id).
        let key = |g: u32| (count[&g], Reverse(self.sum_ref(g).0.len()), Reverse(g));
        let mut by_hub: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (i, &(a, b)) in pairs.iter().enumerate() {
            let hub = if key(b) > key(a) { b } else { a };
            by_hub.entry(hub).or_default().push(i);
        }
        let mut hubs: Vec<(u32, Vec<usize>)> = by_hub.into_iter().collect();
        hubs.sort_unstable_by_key(|w| w.0);
        let other = |hub: u32, i: usize| {
            let (a, b) = pairs[i];
            if a == hub {
                b
            } else {
                a
            }
        };
        // Whether a hub's pairs are each merged or galloped ([`Agglomeration::total`])
        // rather than gathered from the scattered hub: decided for the hub's pairs
        // together, before they are cut into chunks below.
        let direct = |hub: u32, items: &[usize]| {
            let h = self.sum_ref(hub).0.len();
            h < DENSE_HUB
                || (items.len() == 1 && gallops(h, self.sum_ref(other(hub, items[0])).0.len()))
        };
        let solve = |&(hub, direct, items): &(u32, bool, &[usize])| -> Vec<(usize, f64)> {
            if direct {
                return items
                    .iter()
                    .map(|&i| (i, self.total(hub, other(hub, i))))
                    .collect();
            }
            // Scattering pays even for one pair: a merge step waits on the
            // comparison before it, a store or a gather does not (measured on the
            // 50k yardstick: 171k single pairs of sums, 1.8k entries on average).
            // Two sums sum_dot would gallop (one 16 times the other) are galloped.
            let (h, fh) = self.sum_ref(hub);
            h.scattered(|dense| {
                // The others' sums are read a few at a time before they are
                // used, so that their cache misses overlap (see `touch`).
                items
                    .chunks(TOUCH_AHEAD)
                    .flat_map(|chunk| {
                        for &i in chunk {
                            self.sum_ref(other(hub, i)).0.touch();
                        }
                        chunk.iter().map(|&i| {
                            let (o, fo) = self.sum_ref(other(hub, i));
                            let mut s = o.gathered(dense);
                            // sum_dot's merge rounds to f32, its gallop does not.
                            if !gallops(h.len(), o.len()) {
                                s = f64::from(s as f32);
                            }
                            (i, fh * fo * s)
                        })
                    })
                    .collect()
            })
        };
        // Entries read, about: a batch of short sums is done before the other
        // thread would be awake (at 200k yardstick documents, a tenth of the stories
        // stage's samples were the scheduler's, waking and parking it).
        let work: usize = pairs
            .iter()
            .map(|&(a, b)| self.sum_ref(a).0.len() + self.sum_ref(b).0.len())
            .sum::<usize>();
        let parallel = pairs.len() >= 2 && work >= PARALLEL_WORK;
        // A batch is mostly the pairs of one hub, the group a merge just made, so
        // a hub's pairs are cut into chunks of about CHUNK_WORK gathered entries,
        // each chunk scattering the hub again on its own thread: with one task a
        // hub, the other thread sat idle through most of the stories stage.
        let mut tasks: Vec<(u32, bool, &[usize])> = Vec::with_capacity(hubs.len());
        for (hub, items) in &hubs {
            let direct = direct(*hub, items);
            if !parallel {
                tasks.push((*hub, direct, items));
                continue;
            }
            let mut start = 0;
            let mut gathered = 0;
            for (k, &i) in items.iter().enumerate() {
                gathered += self.sum_ref(other(*hub, i)).0.len();
                if gathered >= CHUNK_WORK || k + 1 == items.len() {
                    tasks.push((*hub, direct, &items[start..=k]));
                    start = k + 1;
                    gathered = 0;
                }
            }
        }
        let solved: Vec<Vec<(usize, f64)>> = if parallel {
            tasks.par_iter().map(solve).collect()
        } else {
            tasks.iter().map(solve).collect()
        };
        let mut totals = vec![0.0; pairs.len()];
        for (i, t) in solved.into_iter().flatten() {
            totals[i] = t;
        }
        totals
    }

    /// Merges two groups; returns the one that survives. With `deferred`, the
    /// merged group's sum and members are left in it, to be made by
    /// [`Agglomeration::finish_sums`].
    fn merge(
        &mut self,
        a: u32,
        b: u32,
        config: &Linkage,
        deferred: Option<&mut Vec<PendingSum>>,
    ) -> u32 {
        // The group with more neighbours survives: renaming the other's neighbours
        // costs one map update each.
        let (ga, gb) = (&self.groups[a as usize], &self.groups[b as usize]);
        let (keep, gone) = if gb.adj.len() > ga.adj.len() {
            (b, a)
        } else {
            (a, b)
        };
        // Lance–Williams: W(keep ∪ gone, n) = W(keep, n) + W(gone, n). A neighbour
        // of one side only has no edge to the other: that part is bounded (kNN
        // graph) or computed now from the sum vectors.
        let (gk, gg) = (&self.groups[keep as usize], &self.groups[gone as usize]);
        // With a kNN graph, a one-sided link is bounded as the renaming meets it,
        // by the sides' sizes and bounds before the merge: Σ over B × C of
        // min(u(d), u(e)) is at most either side's Σ u times the other side's size.
        // (Found apart first, each neighbour was looked up twice more: a cache miss
        // each.)
        let knn_sides = config
            .knn
            .then_some([(gk.size, gk.bound), (gg.size, gg.bound)]);
        let missing: Vec<(u32, Link)> = if config.knn {
            Vec::new()
        } else {
            // The neighbours of `a` that are neither `b` nor `b`'s neighbours.
            let one_sided = |a: &Group, b: &Group, b_id: u32| -> Vec<u32> {
                a.adj
                    .keys()
                    .filter(|&&n| n != b_id && !b.adj.contains_key(&n))
                    .copied()
                    .collect()
            };
            let only_keep = one_sided(gk, gg, gone);
            let only_gone = one_sided(gg, gk, keep);
            // Only the sums these dot products read: a merge with no one-sided
            // neighbour (every merge of an article whose graph is complete) needs none.
            let sides = [(keep, !only_gone.is_empty()), (gone, !only_keep.is_empty())];
            let wanted = sides.into_iter().filter(|s| s.1).map(|s| s.0);
            self.materialize(only_keep.iter().chain(&only_gone).copied().chain(wanted));
            // Each total is independent (on one big component these dots are most of
            // the stage's work, and the other thread would otherwise be idle), and
            // the side each neighbour lacks is one group: scattered once.
            let pairs: Vec<(u32, u32)> = only_keep
                .iter()
                .map(|&n| (gone, n))
                .chain(only_gone.iter().map(|&n| (keep, n)))
                .collect();
            let totals = self.totals(&pairs);
            pairs
                .iter()
                .zip(totals)
                .map(|(&(_, n), known)| {
                    (
                        n,
                        Link {
                            known,
                            ..Link::NONE
                        },
                    )
                })
                .collect()
        };
        let vecs = self.vecs;
        let (groups, links) = (&mut self.groups, &mut self.links);
        let mut g = std::mem::replace(&mut groups[gone as usize], Group::dead());
        self.alive[gone as usize] = false;
        let between = g
            .adj
            .remove(&keep)
            .map_or(Link::NONE, |id| links[id as usize]);
        // The merged sum and the renaming of the links touch nothing of each
        // other's: a long sum is added on the other thread meanwhile (on the 200k
        // yardstick the sums were two fifths of the merges' samples, the renaming
        // the rest, all on one thread).
        let (k_sum, k_members) = {
            let k = &mut groups[keep as usize];
            (k.sum.take(), std::mem::take(&mut k.members))
        };
        let (g_sum, g_members) = (g.sum.take(), std::mem::take(&mut g.members));
        let store = &self.sums;
        let add = || {
            let (k, g) = (k_sum.map(|s| store.get(s)), g_sum.map(|s| store.get(s)));
            merge_sums(k, &k_members, g, &g_members, vecs)
        };
        let overlap = (k_sum.is_some() || g_sum.is_some())
            && sum_work(k_sum, &k_members) + sum_work(g_sum, &g_members) >= OVERLAP_WORK;
        // Hash-map order is deterministic (FxHash has no random seed), and each
        // total below is a sum of two terms, so the result does not depend on it.
        // A sum keeps the candidate the keeping side's pair has in the heap; a
        // record renamed from `gone` to `keep` has none (its candidates name `gone`).
        let bounded = |groups: &[Group], n: u32, (size, bound): (f64, f64)| {
            let gn = &groups[n as usize];
            Link {
                known: 0.0,
                unknown: (gn.size * bound).min(size * gn.bound),
                queued: NOT_QUEUED,
            }
        };
        let rename = || {
            if let Some([_, gone_side]) = knn_sides {
                for (&n, &id) in &groups[keep as usize].adj {
                    if n != gone && !g.adj.contains_key(&n) {
                        links[id as usize] += bounded(groups, n, gone_side);
                    }
                }
            }
            for (n, id) in g.adj.drain() {
                groups[n as usize].adj.remove(&gone);
                match groups[keep as usize].adj.get(&n) {
                    Some(&kept) => {
                        let w = links[id as usize];
                        links[kept as usize] += w;
                    }
                    None => {
                        links[id as usize].queued = NOT_QUEUED;
                        if let Some([keep_side, _]) = knn_sides {
                            links[id as usize] += bounded(groups, n, keep_side);
                        }
                        groups[n as usize].adj.insert(keep, id);
                        groups[keep as usize].adj.insert(n, id);
                    }
                }
            }
            for (n, w) in missing {
                let id = groups[keep as usize].adj[&n];
                links[id as usize] += w;
            }
            groups[keep as usize].adj.remove(&gone);
        };
        let parts = match deferred {
            Some(pending) => {
                rename();
                // The sums stay with their groups until the round's end, where
                // compaction finds them held (see `SumStore::compact`).
                groups[keep as usize].sum = k_sum;
                groups[gone as usize].sum = g_sum;
                pending.push(PendingSum {
                    keep,
                    gone,
                    kept_members: k_members,
                    gone_members: g_members,
                });
                None
            }
            None if overlap => {
                #[cfg(test)]
                OVERLAPS.with(|n| n.set(n.get() + 1));
                let sum = rayon::join(add, rename).0;
                Some((sum, k_members, g_members))
            }
            None => {
                rename();
                Some((add(), k_members, g_members))
            }
        };
        if let Some((sum, k_members, g_members)) = parts {
            for slot in [k_sum, g_sum].into_iter().flatten() {
                self.sums.free(slot);
            }
            let slot = sum.map(|sum| self.sums.put(&sum, keep));
            self.groups[keep as usize].take_in(slot, k_members, g_members);
            self.sums.compact(&mut self.groups, |g| &mut g.sum);
        }
        let k = &mut self.groups[keep as usize];
        debug_assert_eq!(between.unknown, 0.0, "a merge reads an exact linkage");
        k.internal += g.internal + between.known;
        k.size += g.size;
        k.days = merge_days(k.days, g.days);
        k.langs |= g.langs;
        k.bound += g.bound;
        keep
    }
}

/// What a merge in a round leaves to be added with the round's others: the two
/// groups (each holding its sum meanwhile) and their members.
struct PendingSum {
    keep: u32,
    gone: u32,
    kept_members: Vec<(u32, f32)>,
    gone_members: Vec<(u32, f32)>,
}

/// The entries adding a group's sum to another's reads of it: its sum's, or
/// about its members' vectors' when it has none yet.
fn sum_work(sum: Option<SumSlot>, members: &[(u32, f32)]) -> usize {
    sum.map_or(members.len() * MEAN_ENTRIES, SumSlot::len)
}

/// New sums at or above which [`Agglomeration::finish_sums`] frees them on the pool.
const PARALLEL_FREE: usize = 64;

/// Sum entries a batch of [`Agglomeration::finish_sums`] adds, about: the new sums
/// of a batch are held beside the old until the batch is stored (64 MiB or so).
const FINISH_BATCH_WORK: usize = 8 << 20;

impl Agglomeration<'_> {
    /// Adds the sums of a round's merges on the pool: each is one merged group's,
    /// and nothing else reads those groups' sums or members until the next round.
    ///
    /// In batches of about [`FINISH_BATCH_WORK`] entries: a round of the 1M
    /// synthetic corpus's giant component made up to hundreds of megabytes of new
    /// sums, which all waited beside the old ones (peak 4,428 → 4,774 MB).
    fn finish_sums(&mut self, pending: Vec<PendingSum>) {
        let mut pending = pending.into_iter().peekable();
        while pending.peek().is_some() {
            let (mut batch, mut work) = (Vec::new(), 0);
            while work < FINISH_BATCH_WORK {
                let Some(p) = pending.next() else { break };
                let [kept, gone] = [p.keep, p.gone].map(|g| self.groups[g as usize].sum);
                work += sum_work(kept, &p.kept_members) + sum_work(gone, &p.gone_members);
                batch.push(p);
            }
            let (vecs, store, groups) = (self.vecs, &self.sums, &self.groups);
            let sum_of = |g: u32| groups[g as usize].sum.map(|s| store.get(s));
            let sums: Vec<Option<Encoded>> = batch
                .par_iter()
                .map(|p| {
                    let (kept, gone) = (sum_of(p.keep), sum_of(p.gone));
                    merge_sums(kept, &p.kept_members, gone, &p.gone_members, vecs)
                })
                .collect();
            for p in &batch {
                for g in [p.keep, p.gone] {
                    if let Some(slot) = self.groups[g as usize].sum.take() {
                        self.sums.free(slot);
                    }
                }
            }
            let made: Vec<(u32, &Encoded)> = batch
                .iter()
                .zip(&sums)
                .filter_map(|(p, sum)| Some((p.keep, sum.as_ref()?)))
                .collect();
            let mut slots = self.sums.put_all(&made).into_iter();
            drop(made);
            for (p, sum) in batch.into_iter().zip(&sums) {
                let slot = sum.as_ref().and_then(|_| slots.next());
                self.groups[p.keep as usize].take_in(slot, p.kept_members, p.gone_members);
            }
            // Freed on the pool, where they were made (a round of a small
            // component's few, here).
            if sums.len() >= PARALLEL_FREE {
                sums.into_par_iter().for_each(drop);
            }
            self.sums.compact(&mut self.groups, |g| &mut g.sum);
        }
    }
}

impl Group {
    /// Takes in a merge's sum and both sides' members (the longer list extended).
    fn take_in(&mut self, sum: Option<SumSlot>, mut k: Vec<(u32, f32)>, mut g: Vec<(u32, f32)>) {
        self.sum = sum;
        if g.len() > k.len() {
            std::mem::swap(&mut g, &mut k);
        }
        k.extend(g);
        self.members = k;
    }
}

/// The sum of two merging groups: kept once either side has one (a group that
/// needed a dot product will likely need more), else left to be built when needed.
fn merge_sums(
    a: Option<SumView<'_>>,
    a_members: &[(u32, f32)],
    b: Option<SumView<'_>>,
    b_members: &[(u32, f32)],
    vecs: &[SparseVec],
) -> Option<Encoded> {
    match (a, b) {
        (None, None) => None,
        // The stored sum first either way: f32 addition is commutative, so the
        // entries' bits do not depend on the side.
        (Some(x), None) | (None, Some(x)) => {
            let members = if a.is_some() { b_members } else { a_members };
            let y = sum_entries(members, vecs);
            Some(add_sorted(
                x.entries(),
                y.iter().copied(),
                x.len() + y.len(),
            ))
        }
        (Some(x), Some(y)) => Some(add_sorted(x.entries(), y.entries(), x.len() + y.len())),
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Groups of at most this many nodes are strays that [`attach_strays`] may move.
const STRAY_MAX_NODES: usize = 3;
/// Larger groups are strays beside a group at least this many times their size: a
/// dozen translations that hold together but not to the hundred of their article.
/// On the dev sets (story B³ F1, ntrex-dev-all / wmt21-dev) no larger strays:
/// 0.824 / 0.882; ratio 8: 0.861 / 0.879; 12: 0.854 / 0.882; 16: 0.846 / 0.882;
/// ratio 4 merges two ntrex-dev stories (0.986 → 0.941).
const STRAY_RATIO: usize = 12;
/// A stray joins the group its edges point to only if that group takes at least
/// this many times the edge weight of any other group.
const STRAY_DOMINANCE: f64 = 2.0;

/// Moves small groups into the group their edges point to: the ranking signal that
/// average link misses. A document with little cross-lingual evidence (a language
/// with no lexicon, read through names and numbers) has its nearest neighbours in
/// its own story, yet its mean cosine to a story of a hundred translations stays
/// under the threshold, so it would stay alone.
///
/// A group of at most [`STRAY_MAX_NODES`] nodes, or one [`STRAY_RATIO`] times
/// smaller than the group its outside edges weigh most towards, moves there if
/// some edge to it reaches `min_weight`, that group takes at least
/// [`STRAY_DOMINANCE`] times the weight of any other, and the date span allows it. Every decision reads the groups as average link left them,
/// so the result does not depend on the order of the strays.
fn attach_strays(
    groups: Vec<Vec<u32>>,
    edges: &[Edge],
    days: &[Option<Day>],
    min_weight: f32,
    max_days: Option<i32>,
) -> Vec<Vec<u32>> {
    let n = days.len();
    let mut group_of = vec![u32::MAX; n];
    for (g, members) in groups.iter().enumerate() {
        for &d in members {
            group_of[d as usize] = g as u32;
        }
    }
    let span = |g: &[u32]| {
        g.iter()
            .filter_map(|&d| days[d as usize])
            .fold(None, |acc, d| merge_days(acc, Some((d, d))))
    };
    // Outside edges of the strays: (stray group, other group, weight).
    let may_move = |from: u32, to: u32| {
        let (f, t) = (groups[from as usize].len(), groups[to as usize].len());
        t > f && (f <= STRAY_MAX_NODES || f * STRAY_RATIO <= t)
    };
    let mut votes: FxHashMap<u32, FxHashMap<u32, (f64, f32)>> = FxHashMap::default();
    for e in edges {
        let (ga, gb) = (group_of[e.a as usize], group_of[e.b as usize]);
        if ga == gb || ga == u32::MAX || gb == u32::MAX {
            continue;
        }
        for (from, to) in [(ga, gb), (gb, ga)] {
            if may_move(from, to) {
                let v = votes
                    .entry(from)
                    .or_default()
                    .entry(to)
                    .or_insert((0.0, 0.0));
                v.0 += f64::from(e.sim);
                v.1 = v.1.max(e.sim);
            }
        }
    }
    let mut moves: Vec<(u32, u32)> = votes
        .into_iter()
        .filter_map(|(from, to)| {
            let mut to: Vec<(u32, (f64, f32))> = to.into_iter().collect();
            to.sort_unstable_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
            let (best, (total, max)) = to[0];
            let second = to.get(1).map_or(0.0, |x| x.1 .0);
            let ok = max >= min_weight
                && total >= STRAY_DOMINANCE * second
                && span_ok(
                    span(&groups[from as usize]),
                    span(&groups[best as usize]),
                    max_days,
                );
            ok.then_some((from, best))
        })
        .collect();
    // A stray whose target is itself moving follows it; strays only move into
    // larger groups, so the chains end.
    moves.sort_unstable();
    let target: FxHashMap<u32, u32> = moves.iter().copied().collect();
    let mut groups = groups;
    for &(from, mut to) in &moves {
        while let Some(&next) = target.get(&to) {
            to = next;
        }
        let members = std::mem::take(&mut groups[from as usize]);
        groups[to as usize].extend(members);
    }
    groups.retain(|g| !g.is_empty());
    for g in &mut groups {
        g.sort_unstable();
    }
    groups
}

/// Cuts the graph into stories. Returns one label per document; labels number the
/// stories in the order of their smallest document index. A copy goes to its
/// representative's story (a representative is the smallest index of its group, so
/// the order is the same as if copies were clustered one by one).
pub fn cluster_stories(
    graph: &KnnGraph,
    vecs: &[SparseVec],
    days: &[Option<Day>],
    langs: &[Lang],
    stories: &StoryConfig,
    max_days: Option<i32>,
) -> Vec<u32> {
    let config = &Linkage {
        threshold: stories.threshold,
        cohesion: stories.cohesion,
        max_days,
        knn: true,
        in_rounds: true,
    };
    let n = graph.n_docs;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for e in &graph.edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut comp_of: Vec<u32> = (0..n as u32).map(|i| find(&mut parent, i)).collect();
    let sizes = graph.copies.sizes();
    // Group the graph's nodes and edges by component.
    let mut members: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    for (i, &c) in comp_of.iter().enumerate() {
        if sizes[i] > 0 {
            members.entry(c).or_default().push(i as u32);
        }
    }
    let mut comp_edges: rustc_hash::FxHashMap<u32, Vec<Edge>> = Default::default();
    for e in &graph.edges {
        comp_edges
            .entry(comp_of[e.a as usize])
            .or_default()
            .push(*e);
    }
    let mut comps: Vec<(u32, Vec<u32>)> = members.into_iter().collect();
    comps.sort_unstable_by_key(|(c, _)| *c);
    // Largest components first, so one big component does not finish last alone.
    let mut order: Vec<usize> = (0..comps.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(comps[i].1.len()));
    // Each component's edges handed to its agglomeration, which frees them once
    // they are links: held to the end, the copies (all the graph's edges, 83 MB
    // of the 1M synthetic corpus) sat under the largest component's sums.
    let work: Vec<(usize, Vec<Edge>)> = order
        .into_iter()
        .map(|i| (i, comp_edges.remove(&comps[i].0).unwrap_or_default()))
        .collect();
    drop(comp_edges);
    let results: Vec<(usize, Vec<Vec<u32>>)> = work
        .into_par_iter()
        .map(|(i, es)| {
            let m = &comps[i].1;
            if m.len() == 1 {
                return (i, vec![m.clone()]);
            }
            (
                i,
                average_link(m, es, vecs, |d| sizes[d as usize], days, langs, config),
            )
        })
        .collect();
    let mut groups: Vec<Vec<u32>> = results.into_iter().flat_map(|(_, g)| g).collect();
    if stories.attach > 0.0 {
        groups = attach_strays(groups, &graph.edges, days, stories.attach, max_days);
    }
    groups.sort_unstable_by_key(|g| g[0]);
    for (label, g) in groups.iter().enumerate() {
        for &d in g {
            comp_of[d as usize] = label as u32;
        }
    }
    for (d, &r) in graph.copies.rep_of.iter().enumerate() {
        comp_of[d] = comp_of[r as usize];
    }
    comp_of
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, sim: f32) -> Edge {
        Edge { a, b, sim }
    }

    /// The bucketed queue pops what one heap pops, in the same order: pushes and
    /// pops interleaved, linkages equal, far under the threshold and over 1.
    #[test]
    fn queue_pops_as_a_heap_does() {
        let mut rnd = crate::test_rng::xorshift(5);
        for threshold in [0.055, 0.0, 0.3] {
            let mut queue = Queue::new(threshold);
            let mut heap = BinaryHeap::new();
            let mut popped = 0;
            for step in 0..20_000 {
                if rnd() % 5 < 3 {
                    let sim = match rnd() % 6 {
                        0 => 0.06,
                        1 => -0.5 + (rnd() % 1000) as f64 / 100.0,
                        _ => (rnd() % 1_000_000) as f64 / 1e6,
                    };
                    let (a, b) = ((rnd() % 50) as u32, (rnd() % 50) as u32);
                    queue.push(Candidate { sim, a, b, link: 0 });
                    heap.push(Candidate { sim, a, b, link: 0 });
                } else {
                    let (q, h) = (queue.pop(), heap.pop());
                    let key =
                        |c: &Option<Candidate>| c.as_ref().map(|c| (c.sim.to_bits(), c.a, c.b));
                    assert_eq!(key(&q), key(&h), "threshold {threshold}, step {step}");
                    popped += usize::from(h.is_some());
                }
                let key = |c: Option<&Candidate>| c.map(|c| (c.sim.to_bits(), c.a, c.b));
                assert_eq!(key(queue.peek()), key(heap.peek()));
            }
            while let Some(h) = heap.pop() {
                let q = queue.pop().expect("as many as the heap");
                assert_eq!((q.sim.to_bits(), q.a, q.b), (h.sim.to_bits(), h.a, h.b));
            }
            assert!(queue.pop().is_none());
            assert!(popped > 5_000);
        }
    }

    /// The totals of a batch, with hubs gathered from a dense array, are those of
    /// the pairs merged one by one, to the bit: groups of every size (lone
    /// documents, copies, sums long and short), hubs in many pairs and in one.
    #[test]
    fn batch_totals_are_the_pairwise_totals() {
        let mut rnd = crate::test_rng::xorshift(11);
        let vecs: Vec<SparseVec> = (0..300)
            .map(|_| {
                let len = 1 + (rnd() % 120) as usize;
                let wide = 50 + (rnd() % 5000) as u32;
                SparseVec::new(
                    (0..len)
                        .map(|_| ((rnd() % u64::from(wide)) as u32, 0.1 + (rnd() % 9) as f32))
                        .collect(),
                )
            })
            .collect();
        // The last cases have groups big enough that a batch is spread over threads
        // and a hub's pairs are cut into chunks.
        let mut chunked = 0;
        for case in 0..30 {
            let big = case >= 20;
            let n_groups = if big { 40 } else { 12 };
            let mut groups: Vec<Group> = (0..n_groups)
                .map(|_| {
                    let n = if rnd().is_multiple_of(3) {
                        1
                    } else {
                        1 + (rnd() % if big { 120 } else { 40 }) as usize
                    };
                    let members: Vec<(u32, f32)> = (0..n)
                        .map(|_| ((rnd() % 300) as u32, 1.0 + (rnd() % 3) as f32))
                        .collect();
                    Group {
                        members,
                        ..Group::dead()
                    }
                })
                .collect();
            groups.push(Group {
                members: vec![(7, 1.0)],
                ..Group::dead()
            });
            let n_groups = n_groups + 1;
            let mut agg = Agglomeration {
                alive: vec![true; groups.len()],
                groups,
                links: Vec::new(),
                vecs: &vecs,
                sums: SumStore::new(),
            };
            let len = agg.groups.len() as u64;
            // Pairs around two hubs, then pairs at random.
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for hub in [case % n_groups, (case + 5) % n_groups] {
                let n_pairs = if big { 20 + rnd() % 40 } else { rnd() % 12 };
                for _ in 0..n_pairs {
                    let o = (rnd() % len) as u32;
                    if o != hub && !pairs.contains(&(o.min(hub), o.max(hub))) {
                        pairs.push((o.min(hub), o.max(hub)));
                    }
                }
            }
            for _ in 0..(rnd() % 20) {
                let (a, b) = ((rnd() % len) as u32, (rnd() % len) as u32);
                if a < b && !pairs.contains(&(a, b)) {
                    pairs.push((a, b));
                }
            }
            agg.materialize(0..len as u32);
            let want: Vec<u64> = pairs
                .iter()
                .map(|&(a, b)| agg.total(a, b).to_bits())
                .collect();
            let entries = |g: u32| agg.sum_ref(g).0.len();
            let work: usize = pairs.iter().map(|&(a, b)| entries(a) + entries(b)).sum();
            let hub_gathers = |hub: u32| -> usize {
                let others = pairs
                    .iter()
                    .filter_map(|&(a, b)| (a == hub).then_some(b).or((b == hub).then_some(a)));
                others.map(entries).sum()
            };
            if work >= PARALLEL_WORK && (0..n_groups).any(|h| hub_gathers(h) >= 2 * CHUNK_WORK) {
                chunked += 1;
            }
            let got: Vec<u64> = agg.totals(&pairs).iter().map(|t| t.to_bits()).collect();
            assert_eq!(got, want, "case {case}, pairs {pairs:?}");
        }
        assert!(
            chunked >= 3,
            "only {chunked} cases cut a hub's pairs into chunks"
        );
    }

    /// A stray joins the story its edges point to, and only when one edge is strong
    /// enough, that story dominates and the dates allow it.
    #[test]
    fn strays_join_the_story_their_neighbours_are_in() {
        // Group 0: nodes 0-4; group 1: nodes 5-9; node 10 a stray.
        let groups = || vec![vec![0, 1, 2, 3, 4], vec![5, 6, 7, 8, 9], vec![10]];
        let undated = vec![None; 11];
        let into_0 = [edge(0, 10, 0.12), edge(1, 10, 0.09), edge(2, 10, 0.07)];
        let mut edges = into_0.to_vec();
        edges.push(edge(5, 10, 0.05));
        let got = attach_strays(groups(), &edges, &undated, 0.08, None);
        assert_eq!(got, vec![vec![0, 1, 2, 3, 4, 10], vec![5, 6, 7, 8, 9]]);
        // No edge reaches the minimum weight.
        assert_eq!(
            attach_strays(groups(), &edges, &undated, 0.2, None),
            groups()
        );
        // Group 1 weighs more than half as much as group 0: no clear winner.
        edges.extend([edge(6, 10, 0.1), edge(7, 10, 0.08)]);
        assert_eq!(
            attach_strays(groups(), &edges, &undated, 0.08, None),
            groups()
        );
        // Dated too far apart.
        let mut days: Vec<Option<Day>> = vec![Some(Day(0)); 11];
        days[10] = Some(Day(30));
        assert_eq!(
            attach_strays(groups(), &into_0, &days, 0.08, Some(7)),
            groups()
        );
        // A stray never takes a larger group into itself, and two strays of one
        // size do not join each other.
        let pair = vec![vec![0], vec![1]];
        assert_eq!(
            attach_strays(pair.clone(), &[edge(0, 1, 0.5)], &undated[..2], 0.08, None),
            pair
        );
    }

    /// `n` documents on a few topics: shared topic features plus their own; `wide`
    /// adds 2,000 faint features of each document's own, so groups' sums grow long.
    fn topic_docs(rnd: &mut impl FnMut() -> u64, n: usize, wide: bool) -> Vec<SparseVec> {
        (0..n)
            .map(|d| {
                let topic = (rnd() % 4) as u32;
                let mut e: Vec<(u32, f32)> = (0..6)
                    .map(|_| (topic * 10 + (rnd() % 10) as u32, 1.0 + (rnd() % 4) as f32))
                    .collect();
                e.extend((0..4).map(|_| (100 + (rnd() % 200) as u32, 1.0)));
                if wide {
                    e.extend((0..2000).map(|k| (1000 + 2000 * d as u32 + k, 0.01)));
                }
                SparseVec::new(e)
            })
            .collect()
    }

    /// Each document's `k` most similar others (of positive cosine), one edge per
    /// pair: a kNN graph.
    fn knn_edges(vecs: &[SparseVec], k: usize) -> Vec<Edge> {
        let n = vecs.len();
        let mut edges: Vec<Edge> = Vec::new();
        for a in 0..n {
            let mut sims: Vec<(f32, usize)> = (0..n)
                .filter(|&b| b != a)
                .map(|b| (vecs[a].cosine(&vecs[b]), b))
                .collect();
            sims.sort_by(|x, y| y.0.total_cmp(&x.0));
            for &(sim, b) in sims.iter().take(k).filter(|x| x.0 > 0.0) {
                edges.push(edge(a.min(b) as u32, a.max(b) as u32, sim));
            }
        }
        edges.sort_by_key(|e| (e.a, e.b));
        edges.dedup_by_key(|e| (e.a, e.b));
        edges
    }

    /// Average link by its definition: at every step, every pair of groups some edge
    /// joins, their mean pair weight over every pair of documents (the edge's weight,
    /// else the cosine), the best pair merged if at or above the threshold and
    /// cohesive. Quadratic per step: an oracle for small inputs.
    fn average_link_by_definition(
        n: usize,
        edges: &[Edge],
        vecs: &[SparseVec],
        days: &[Option<Day>],
        config: &Linkage,
    ) -> Vec<Vec<u32>> {
        let mut weight: FxHashMap<(u32, u32), f64> = FxHashMap::default();
        for e in edges {
            weight.insert((e.a.min(e.b), e.a.max(e.b)), f64::from(e.sim));
        }
        let pair = |x: u32, y: u32| -> f64 {
            weight
                .get(&(x.min(y), x.max(y)))
                .copied()
                .unwrap_or_else(|| f64::from(dot(&vecs[x as usize], &vecs[y as usize])))
        };
        let mean = |a: &[u32], b: &[u32]| -> f64 {
            let s: f64 = a
                .iter()
                .flat_map(|&x| b.iter().map(move |&y| pair(x, y)))
                .sum();
            s / (a.len() * b.len()) as f64
        };
        let intra = |a: &[u32]| -> f64 {
            let mut s = 0.0;
            for (i, &x) in a.iter().enumerate() {
                for &y in &a[i + 1..] {
                    s += pair(x, y);
                }
            }
            s / (a.len() * (a.len() - 1) / 2) as f64
        };
        let joined = |a: &[u32], b: &[u32]| {
            a.iter().any(|&x| {
                b.iter()
                    .any(|&y| weight.contains_key(&(x.min(y), x.max(y))))
            })
        };
        let mut groups: Vec<Vec<u32>> = (0..n as u32).map(|d| vec![d]).collect();
        loop {
            let mut best: Option<(f64, usize, usize)> = None;
            for i in 0..groups.len() {
                for j in i + 1..groups.len() {
                    let (a, b) = (&groups[i], &groups[j]);
                    if !joined(a, b) {
                        continue;
                    }
                    let span = a.iter().chain(b).filter_map(|&d| days[d as usize]);
                    let (lo, hi) = span.fold((i32::MAX, i32::MIN), |(lo, hi), d| {
                        (lo.min(d.0), hi.max(d.0))
                    });
                    if config.max_days.is_some_and(|m| lo <= hi && hi - lo > m) {
                        continue;
                    }
                    let sim = mean(a, b);
                    let cohesive = a.len() < 2
                        || b.len() < 2
                        || sim
                            >= (f64::from(config.cohesion) * intra(a).min(intra(b)))
                                .min(f64::from(COHESION_CAP * config.threshold));
                    if sim >= f64::from(config.threshold)
                        && cohesive
                        && best.is_none_or(|(s, _, _)| sim > s)
                    {
                        best = Some((sim, i, j));
                    }
                }
            }
            let Some((_, i, j)) = best else { break };
            let b = groups.remove(j);
            groups[i].extend(b);
            groups[i].sort_unstable();
        }
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }

    #[test]
    fn average_link_is_average_link_by_definition() {
        let mut rnd = crate::test_rng::xorshift(7);
        let mut informative = 0;
        let overlaps_before = OVERLAPS.with(|n| n.get());
        let moved_before = sums::MOVED.with(std::cell::Cell::get);
        for case in 0..40 {
            let n = 6 + (rnd() % 30) as usize;
            // Every fourth case, each document also has 2,000 faint features of its
            // own: groups' sums grow long enough for a merge to add them on another
            // thread and for a batch of totals to be cut into chunks.
            let wide = case % 4 == 2;
            let vecs = topic_docs(&mut rnd, n, wide);
            // A sparse graph: each document's few best others, like a kNN graph.
            let edges = knn_edges(&vecs, 3);
            let members: Vec<u32> = (0..n as u32).collect();
            // Every other case dated over a week, stories at most three days wide:
            // bounds on top whose groups are too far apart are never computed.
            let dated = case % 2 == 1;
            let days: Vec<Option<Day>> = (0..n)
                .map(|_| dated.then(|| Day((rnd() % 7) as i32)))
                .collect();
            // Totals computed at each merge, and bounded until they could win (the
            // edges are each document's 3 best: a kNN graph).
            let mut got = Vec::new();
            for knn in [false, true] {
                let config = Linkage {
                    threshold: 0.15,
                    max_days: dated.then_some(3),
                    cohesion: 0.4,
                    knn,
                    in_rounds: false,
                };
                got = average_link(&members, &edges, &vecs, |_| 1, &days, &[], &config);
                let want = average_link_by_definition(n, &edges, &vecs, &days, &config);
                assert_eq!(got, want, "case {case}, bounded {knn}, dated {dated}");
            }
            // Some merges happened, and some pairs the graph joins stayed apart.
            if got.iter().any(|g| g.len() > 2) && got.len() > 2 {
                informative += 1;
            }
        }
        assert!(informative >= 20, "only {informative} informative cases");
        let overlaps = OVERLAPS.with(|n| n.get()) - overlaps_before;
        assert!(overlaps > 0, "no merge added its sums on another thread");
        // The tests' chunks are small: sums were moved between them, and the groups
        // are still those of the definition.
        let moved = sums::MOVED.with(std::cell::Cell::get) - moved_before;
        assert!(moved > 0, "no sum was moved between chunks");
    }

    /// The agglomeration does not depend on how far apart the vectors' dimensions
    /// lie: with every dimension spread 65,600 apart (each gap wider than a slot
    /// holds, so every vector's slots carry skips), the cosines are the same to the
    /// bit and so are the groups, through merges, gallops and gathers alike.
    #[test]
    fn far_apart_dimensions_cluster_alike() {
        let mut rnd = crate::test_rng::xorshift(23);
        for case in 0..12 {
            let n = 6 + (rnd() % 30) as usize;
            let vecs = topic_docs(&mut rnd, n, false);
            let spread: Vec<SparseVec> = vecs
                .iter()
                .map(|v| {
                    let plain: Vec<(Dim, f32)> = v.clone().into();
                    let far: Vec<(Dim, f32)> =
                        plain.iter().map(|&(d, w)| (d * 65_600, w)).collect();
                    SparseVec::try_from(far).unwrap()
                })
                .collect();
            assert!(spread
                .iter()
                .all(|v| v.slots().len() > v.len() || v.len() < 2));
            let edges = knn_edges(&vecs, 3);
            assert_eq!(
                knn_edges(&spread, 3)
                    .iter()
                    .map(|e| (e.a, e.b, e.sim.to_bits()))
                    .collect::<Vec<_>>(),
                edges
                    .iter()
                    .map(|e| (e.a, e.b, e.sim.to_bits()))
                    .collect::<Vec<_>>(),
                "case {case}"
            );
            let members: Vec<u32> = (0..n as u32).collect();
            let days = vec![None; n];
            for (knn, in_rounds) in [(false, false), (true, false), (true, true)] {
                let config = Linkage {
                    threshold: 0.15,
                    max_days: None,
                    cohesion: 0.4,
                    knn,
                    in_rounds,
                };
                let near = average_link(&members, &edges, &vecs, |_| 1, &days, &[], &config);
                let far = average_link(&members, &edges, &spread, |_| 1, &days, &[], &config);
                assert_eq!(
                    near, far,
                    "case {case}, bounded {knn}, in rounds {in_rounds}"
                );
            }
        }
    }

    /// Where average link is reducible (every pair an edge, no cohesion rule, no
    /// dates), the rounds merge as the heap does, that is, as the definition says.
    /// On kNN graphs with both rules they may differ: a merge can bring two groups
    /// together whose pairs had no edge. They seldom do.
    #[test]
    fn rounds_are_average_link_where_it_is_reducible() {
        let mut rnd = crate::test_rng::xorshift(11);
        let (mut informative, mut knn_equal) = (0, 0);
        let unsearched = UNSEARCHED.with(|n| n.get());
        let moved = sums::MOVED.with(std::cell::Cell::get);
        let cases = 40;
        for case in 0..cases {
            let n = 6 + (rnd() % 40) as usize;
            let wide = case % 4 == 2;
            let vecs = topic_docs(&mut rnd, n, wide);
            let members: Vec<u32> = (0..n as u32).collect();
            let sim = |a: usize, b: usize| vecs[a].cosine(&vecs[b]);
            let complete: Vec<Edge> = (0..n)
                .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                .map(|(a, b)| edge(a as u32, b as u32, sim(a, b)))
                .collect();
            let undated = vec![None; n];
            for knn in [false, true] {
                let config = Linkage {
                    threshold: 0.15,
                    max_days: None,
                    cohesion: 0.0,
                    knn,
                    in_rounds: true,
                };
                let got = average_link(&members, &complete, &vecs, |_| 1, &undated, &[], &config);
                let want = average_link_by_definition(n, &complete, &vecs, &undated, &config);
                assert_eq!(got, want, "case {case}, complete graph, bounded {knn}");
                if got.iter().any(|g| g.len() > 2) && got.len() > 2 {
                    informative += 1;
                }
            }
            // A kNN graph (each document's 3 best), dated, with the cohesion rule.
            let knn = knn_edges(&vecs, 3);
            let days: Vec<Option<Day>> = (0..n).map(|_| Some(Day((rnd() % 7) as i32))).collect();
            let config = Linkage {
                threshold: 0.15,
                max_days: Some(3),
                cohesion: 0.4,
                knn: true,
                in_rounds: true,
            };
            // Bounded totals (the stories), and exact totals at each merge.
            for knn_totals in [true, false] {
                let config = Linkage {
                    knn: knn_totals,
                    ..config
                };
                let got = average_link(&members, &knn, &vecs, |_| 1, &days, &[], &config);
                let want = average_link_by_definition(n, &knn, &vecs, &days, &config);
                knn_equal += usize::from(got == want);
            }
        }
        assert!(informative >= 40, "only {informative} informative cases");
        // Rounds left groups unsearched (each checked against its search there).
        assert!(UNSEARCHED.with(|n| n.get()) > unsearched);
        // Their sums were moved between the tests' small chunks at a round's end.
        assert!(
            sums::MOVED.with(std::cell::Cell::get) > moved,
            "no sum was moved"
        );
        assert!(
            knn_equal >= 2 * cases * 9 / 10,
            "only {knn_equal} of {} kNN cases agree",
            2 * cases
        );
    }

    /// Groups tied for one partner each choose the smallest, so a round has one
    /// reciprocal pair: such rounds are judged stalled, and the heap finishes
    /// with the merges it would have made alone.
    #[test]
    fn stalled_rounds_are_finished_off_the_heap() {
        // A core of 50 near-identical documents, and 1,000 others alike (each
        // shares the same fifth of the core's features, and nothing else).
        let mut vecs: Vec<SparseVec> = (0..50u32)
            .map(|i| {
                let mut e: Vec<(u32, f32)> = (0..200).map(|f| (f, 1.0)).collect();
                e.push((100_000 + i, 0.3));
                SparseVec::new(e)
            })
            .collect();
        vecs.extend((0..1000u32).map(|s| {
            let mut e: Vec<(u32, f32)> = (0..40).map(|j| (j * 5, 1.0)).collect();
            e.extend((0..160).map(|f| (1_000 + 200 * s + f, 1.0)));
            SparseVec::new(e)
        }));
        let edges = knn_edges(&vecs, 24);
        let members: Vec<u32> = (0..vecs.len() as u32).collect();
        let days = vec![None; vecs.len()];
        let run = |in_rounds| {
            let config = Linkage {
                threshold: 0.055,
                max_days: None,
                cohesion: 0.4,
                knn: true,
                in_rounds,
            };
            average_link(&members, &edges, &vecs, |_| 1, &days, &[], &config)
        };
        let stalls = STALLS.with(|n| n.get());
        let heap = run(false);
        assert_eq!(STALLS.with(|n| n.get()), stalls);
        let rounds = run(true);
        assert_eq!(
            STALLS.with(|n| n.get()),
            stalls + 1,
            "the rounds did not stall"
        );
        assert_eq!(rounds, heap);
        assert!(
            heap.iter().any(|g| g.len() > 100),
            "no big group: nothing tested"
        );
    }

    #[test]
    fn a_node_of_copies_counts_as_its_copies() {
        // Node 0 stands for three identical documents; 1 and 2 are plain documents.
        // Collapsed or spelled out, the groups are the same.
        let vecs = vec![
            SparseVec::new(vec![(1, 1.0), (2, 1.0)]),
            SparseVec::new(vec![(1, 1.0), (3, 1.0)]),
            SparseVec::new(vec![(4, 1.0), (3, 0.2)]),
            SparseVec::new(vec![(1, 1.0), (2, 1.0)]),
            SparseVec::new(vec![(1, 1.0), (2, 1.0)]),
        ];
        let e = |a: u32, b: u32| Edge {
            a,
            b,
            sim: vecs[a as usize].cosine(&vecs[b as usize]),
        };
        let config = Linkage {
            threshold: 0.3,
            max_days: None,
            cohesion: 0.0,
            knn: false,
            in_rounds: false,
        };
        let days = vec![None; 5];
        let collapsed = average_link(
            &[0, 1, 2],
            [e(0, 1), e(1, 2)],
            &vecs,
            |d| if d == 0 { 3 } else { 1 },
            &days,
            &[],
            &config,
        );
        let spelled = average_link(
            &[0, 1, 2, 3, 4],
            [
                e(0, 1),
                e(1, 2),
                e(0, 3),
                e(0, 4),
                e(3, 4),
                e(1, 3),
                e(1, 4),
            ],
            &vecs,
            |_| 1,
            &days,
            &[],
            &config,
        );
        assert_eq!(collapsed, vec![vec![0, 1], vec![2]]);
        assert_eq!(spelled, vec![vec![0, 1, 3, 4], vec![2]]);
    }
}
