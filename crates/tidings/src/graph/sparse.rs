//! Candidates from an inverted index over each document's strongest features.
//!
//! Each document is indexed under its [`TOP_FEATURES`] highest-weighted features
//! that another document of the window order also holds ([`Shared`]), and queries
//! with the same ones; partial dot products accumulate over the shared postings
//! (score-at-a-time), and the k best by that partial score are the candidates (the
//! graph re-scores them with the full cosine). Work grows with the postings a
//! document's features share, not with the window: a document that shares no
//! strong feature with another is never compared with it.
//!
//! Postings are kept per block of `max_days + 1` days ([`Windows::blocks`]), like
//! the HNSW indexes: a dated document reads its block and the blocks on either side
//! (which cover its window) and the undated block; an undated one reads every block.
//!
//! A feature's posting list keeps at most [`POSTING_CAP`] documents, those it
//! weighs most in: a concept every story mentions would otherwise cost its list's
//! length squared, and the work per document would grow with the window.
//!
//! Deterministic: features are visited in id order and postings in position order,
//! and ties go to the smaller position.

use super::ann::{top_k_filtered, Neighbor};
use super::windows::{block_index, blocks_near, Windows};
use crate::memory::touch_first;
use crate::vectorize::{Dim, SparseVec};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Features per document in the index and in its query.
pub const TOP_FEATURES: usize = 48;

/// A feature's posting list keeps at most this many documents: those it weighs
/// most in. Work per query is then at most [`TOP_FEATURES`] times this, whatever the
/// window's size. The cap was once 2% of the block (and a longer list dropped):
/// per-query work grew with the window, and the index took 3.5 s at 50k crawl
/// documents but about 30 s at 200k (one window each). Dropping a long list also
/// cut a big story's own names out of the index, where truncating keeps the
/// documents those names matter most to, and the rest still reach them.
pub const POSTING_CAP: usize = 1000;

/// A document's strongest features that another document holds (`shared`), by
/// weight (ties to the smaller id), in id order, into `e` (cleared first), which
/// keeps its capacity.
fn top_features_into(v: &SparseVec, n: usize, shared: &Shared, e: &mut Vec<(Dim, f32)>) {
    e.clear();
    e.extend(
        v.entries()
            .filter(|x| shared.has(x.dim()))
            .map(|x| (x.dim(), x.weight())),
    );
    if e.len() > n {
        e.select_nth_unstable_by(n, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        e.truncate(n);
    }
    e.sort_unstable_by_key(|x| x.0);
}

/// The dimensions that two or more documents of a window order hold, as a bitset.
///
/// A feature only one document holds (a name, a number, a rare word's concept)
/// weighs most in it, having the highest idf, yet its posting list finds no other
/// document: as a key it took the place of a feature that could. On ntrex-dev-all,
/// where most languages are read through names and numbers, such features were a
/// quarter of the documents' 48 strongest; kept out of the keys, story B³ F1 went
/// 0.8947 → 0.8991 there (cross-lingual recall 0.755 → 0.773) and 0.9860 → 0.9895 on
/// ntrex-dev (0.967 → 0.990) (BENCHMARKS.md, twenty-first round). Counted over
/// every position of the order, whatever the queries, so a position's list does not
/// depend on the range it is queried in.
struct Shared(Vec<u64>);

impl Shared {
    fn of(vecs: &[SparseVec], w: &Windows) -> Shared {
        let width = w
            .order
            .iter()
            .filter_map(|&d| vecs[d as usize].last_dim())
            .map(|d| d as usize + 1)
            .max()
            .unwrap_or(0);
        let words = width.div_ceil(64);
        let new = || (vec![0u64; words], vec![0u64; words]);
        // Each thread marks the dimensions its documents hold once and twice; a
        // document holds a dimension once, so twice means two documents.
        let chunk = w.order.len().div_ceil(rayon::current_num_threads()).max(1);
        let (_, twice) = w
            .order
            .par_chunks(chunk)
            .map(|docs| {
                let (mut once, mut twice) = new();
                for &d in docs {
                    for e in vecs[d as usize].entries() {
                        let (i, bit) = (e.dim() as usize / 64, 1u64 << (e.dim() % 64));
                        twice[i] |= once[i] & bit;
                        once[i] |= bit;
                    }
                }
                (once, twice)
            })
            .reduce(new, |(mut once, mut twice), (o, t)| {
                for i in 0..words {
                    twice[i] |= t[i] | (once[i] & o[i]);
                    once[i] |= o[i];
                }
                (once, twice)
            });
        Shared(twice)
    }

    fn has(&self, d: Dim) -> bool {
        let d = d as usize;
        self.0.get(d / 64).is_some_and(|w| w >> (d % 64) & 1 == 1)
    }
}

/// The dimension of a vector's strongest entry (ties to the smaller dimension;
/// `Dim::MAX` for an empty vector): a key that puts documents alike side by side,
/// for an order of work that reuses what is in cache.
fn strongest_dim(v: &SparseVec) -> Dim {
    v.entries()
        .min_by(|a, b| {
            b.weight()
                .total_cmp(&a.weight())
                .then(a.dim().cmp(&b.dim()))
        })
        .map_or(Dim::MAX, |e| e.dim())
}

/// The posting lists of one block: every feature's list in one array, found
/// through a map of (start, length). A map of one growing list per feature spent
/// an allocation on each of the block's distinct strong features, most of them in
/// one or two documents: the index stage's peak at 1M synthetic documents fell
/// from 6.8 to 5.7 GB without them (BENCHMARKS.md, twelfth round).
#[derive(Default)]
struct Postings {
    at: FxHashMap<Dim, (u32, u32)>,
    /// (position, weight), by feature, then by position.
    lists: Vec<(u32, f32)>,
}

impl Postings {
    /// The postings of the positions `range` of `w`, each under its document's
    /// [`TOP_FEATURES`] strongest features (found here, in parallel, and not kept).
    /// A list longer than [`POSTING_CAP`] keeps the documents the feature weighs
    /// most in, ties to the earlier, in position order.
    fn of(vecs: &[SparseVec], w: &Windows, shared: &Shared, range: Range<usize>) -> Postings {
        let mut all: Vec<(Dim, u32, f32)> = range
            .into_par_iter()
            .flat_map_iter(|p| {
                let mut top = Vec::new();
                top_features_into(&vecs[w.order[p] as usize], TOP_FEATURES, shared, &mut top);
                top.into_iter().map(move |(f, x)| (f, p as u32, x))
            })
            .collect();
        // A document holds a feature once: (feature, position) is unique, so any
        // sort gives one order (an undated window is one block: sorted on one
        // thread, its 9.6M entries at 200k yardstick documents were 42 of the
        // index stage's 5,113 samples).
        all.par_sort_unstable_by_key(|&(f, p, _)| (f, p));
        let mut at = FxHashMap::default();
        let mut lists = Vec::with_capacity(all.len());
        for run in all.chunk_by_mut(|a, b| a.0 == b.0) {
            let start = lists.len() as u32;
            let kept = if run.len() > POSTING_CAP {
                run.select_nth_unstable_by(POSTING_CAP, |a, b| {
                    b.2.total_cmp(&a.2).then(a.1.cmp(&b.1))
                });
                let kept = &mut run[..POSTING_CAP];
                kept.sort_unstable_by_key(|e| e.1);
                kept
            } else {
                run
            };
            lists.extend(kept.iter().map(|&(_, p, x)| (p, x)));
            at.insert(kept[0].0, (start, kept.len() as u32));
        }
        lists.shrink_to_fit();
        Postings { at, lists }
    }

    /// The list of feature `f`, if a document of the block has it.
    fn get(&self, f: Dim) -> Option<&[(u32, f32)]> {
        let &(start, len) = self.at.get(&f)?;
        Some(&self.lists[start as usize..(start + len) as usize])
    }
}

/// For every position of `queries` (a range of positions of `w`), up to `k`
/// candidates by partial dot product over the inverted index (see the module
/// docs), best first. Only the blocks those positions read are indexed, each
/// whole, so a position's list does not depend on the range it is queried in.
pub fn sparse_neighbors(
    vecs: &[SparseVec],
    w: &Windows,
    k: usize,
    queries: Range<usize>,
) -> Vec<Vec<Neighbor>> {
    let n = w.n();
    let blocks = w.blocks();
    let needed = w.blocks_read(&blocks, &queries);
    let block_of = block_index(&blocks);
    let shared = Shared::of(vecs, w);
    let postings: Vec<Postings> = blocks
        .par_iter()
        .zip(&needed)
        .map(|((_, range), &needed)| {
            if needed {
                Postings::of(vecs, w, &shared, range.clone())
            } else {
                Postings::default()
            }
        })
        .collect();
    // No position's strongest features are held: the postings find them once and
    // each query (one a position) again, where holding them through the queries,
    // whose neighbour lists make the index stage's peak, cost `tidings eval` of 1M
    // dated synthetic documents 7,976-8,079 against 7,670 MB peak RSS.
    // Queried block by block, as the positions come, and within a block in order
    // of their strongest feature (then position): documents that share it read
    // mostly the same posting lists and the same candidates' scores, which then
    // stay in cache. (Across blocks, that order cost a dated run its windows'
    // locality: 1M synthetic documents, index 36 → 52 s.) Each query's list is
    // its own whatever the order, and they come back in position order.
    let mut order: Vec<(u32, Dim, u32)> = queries
        .clone()
        .into_par_iter()
        .map(|p| {
            let strongest = strongest_dim(&vecs[w.order[p] as usize]);
            (block_of[p] as u32, strongest, p as u32)
        })
        .collect();
    order.par_sort_unstable();
    let mut lists: Vec<(u32, Vec<Neighbor>)> = order
        .into_par_iter()
        .map(|(_, _, p)| p as usize)
        .map_init(
            || {
                let (acc, touched) = (vec![0f32; n], vec![0u32; n]);
                let lists: Vec<(&[(u32, f32)], f32)> = Vec::new();
                (acc, touched, Vec::<Neighbor>::new(), Vec::new(), lists)
            },
            |(acc, touched, found, top, lists), p| {
                top_features_into(&vecs[w.order[p] as usize], TOP_FEATURES, &shared, top);
                // Days are checked per posting only where some may be too far: not
                // for an undated document, nor in its own block (a block spans
                // `max_days + 1` days) or the undated one. An undated crawl is all
                // of its work; the check read a random day per posting.
                let undated = p >= w.n_dated;
                // The positions reached, in the order first reached: each posting
                // writes its position at the end and keeps it by advancing the
                // count if it is new (a branch on "new" went either way about half
                // the time: 8.0 s → 5.9 s of candidates at 200k). At most n - 1.
                let mut n_touched = 0;
                for b in blocks_near(&blocks, block_of[p]) {
                    let index = &postings[b];
                    let near = undated || b == block_of[p] || blocks[b].0.is_none();
                    // Every list found first, its start read, then each added:
                    // the lookups' and the lists' cache misses overlap, where a
                    // lookup after each list's pass waited on its own.
                    lists.clear();
                    lists.extend(top.iter().filter_map(|&(f, x)| {
                        let list = index.get(f)?;
                        touch_first(list);
                        Some((list, x))
                    }));
                    for &(list, x) in lists.iter() {
                        for &(q, y) in list {
                            let q_us = q as usize;
                            if q_us == p || !(near || w.compatible(p, q_us)) {
                                continue;
                            }
                            touched[n_touched] = q;
                            n_touched += usize::from(acc[q_us] == 0.0);
                            acc[q_us] += x * y;
                        }
                    }
                }
                // The candidates in a buffer kept for the next query; only the k
                // best are copied out (the lists are held until the graph is built).
                let list = top_k_filtered(&touched[..n_touched], k, found, |q| Neighbor {
                    id: q as usize,
                    sim: std::mem::take(&mut acc[q as usize]),
                });
                (p as u32, list)
            },
        )
        .collect();
    lists.par_sort_unstable_by_key(|&(p, _)| p);
    lists.into_iter().map(|(_, list)| list).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Day;

    /// A document's strongest features that no other document holds are not its
    /// keys: pairs whose only shared feature is weaker than 60 features each holds
    /// alone still find each other (with those 60 as keys, nothing would).
    #[test]
    fn features_no_other_document_holds_are_no_keys() {
        let n = 40u32;
        let vecs: Vec<SparseVec> = (0..n)
            .map(|i| {
                let own = (0..60).map(|j| (1_000 + 100 * i + j, 1.0));
                SparseVec::new(own.chain([(i / 2, 0.3)]).collect())
            })
            .collect();
        let w = Windows::new(&vec![None; n as usize], None);
        let shared = Shared::of(&vecs, &w);
        assert!((0..n / 2).all(|d| shared.has(d)));
        assert!((0..n).all(|i| !shared.has(1_000 + 100 * i)));
        let lists = sparse_neighbors(&vecs, &w, 4, 0..n as usize);
        for (p, list) in lists.iter().enumerate() {
            let (doc, found): (u32, Vec<u32>) =
                (w.order[p], list.iter().map(|nb| w.order[nb.id]).collect());
            assert_eq!(found, vec![doc ^ 1], "{doc}");
        }
    }

    /// The queries run block by block in order of their strongest feature, yet
    /// each position's list is its own: queried all at once, in ranges, or one at a time, the same
    /// lists, in position order, on dated and undated documents.
    #[test]
    fn each_position_gets_its_own_list_whatever_the_order_of_work() {
        let mut rnd = crate::test_rng::xorshift(3);
        let n = 400;
        let vecs: Vec<SparseVec> = (0..n)
            .map(|_| {
                let topic = (rnd() % 12) as u32 * 10;
                SparseVec::new(
                    (0..16)
                        .map(|_| (topic + (rnd() % 40) as u32, 1.0 + (rnd() % 5) as f32))
                        .collect(),
                )
            })
            .collect();
        let days: Vec<Option<Day>> = (0..n)
            .map(|i| (i % 4 != 0).then(|| Day(20_000 + (rnd() % 30) as i32)))
            .collect();
        let w = Windows::new(&days, Some(7));
        let k = 8;
        let all = sparse_neighbors(&vecs, &w, k, 0..n);
        assert_eq!(all.len(), n);
        let mut nonempty = 0;
        for (p, list) in all.iter().enumerate() {
            assert_eq!(list, &sparse_neighbors(&vecs, &w, k, p..p + 1)[0], "{p}");
            nonempty += usize::from(!list.is_empty());
        }
        let halves: Vec<Vec<Neighbor>> = [0..n / 3, n / 3..n]
            .into_iter()
            .flat_map(|r| sparse_neighbors(&vecs, &w, k, r))
            .collect();
        assert_eq!(halves, all);
        // The strongest features differ, so the order of work within a block is
        // not the positions'.
        let keys: std::collections::BTreeSet<Dim> = (0..n)
            .map(|p| strongest_dim(&vecs[w.order[p] as usize]))
            .collect();
        assert!(
            keys.len() > 20 && nonempty > n / 2,
            "{} {nonempty}",
            keys.len()
        );
    }
}
