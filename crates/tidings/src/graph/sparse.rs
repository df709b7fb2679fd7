//! Candidates from an inverted index over each document's strongest features.
//!
//! Each document is indexed under its [`TOP_FEATURES`] highest-weighted features
//! and queries with the same ones; partial dot products accumulate over the shared
//! postings (score-at-a-time), and the k best by that partial score are the
//! candidates (the graph re-scores them with the full cosine). Work grows with the
//! postings a document's features share, not with the window: a document that
//! shares no strong feature with another is never compared with it.
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

use super::ann::{top_k_of, Neighbor};
use super::windows::{block_index, blocks_near, Windows};
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

/// A document's strongest features, by weight (ties to the smaller id), in id order.
fn top_features(v: &SparseVec, n: usize) -> Vec<(Dim, f32)> {
    let mut e = Vec::new();
    top_features_into(v, n, &mut e);
    e.shrink_to_fit();
    e
}

/// [`top_features`] into `e` (cleared first), which keeps its capacity.
fn top_features_into(v: &SparseVec, n: usize, e: &mut Vec<(Dim, f32)>) {
    e.clear();
    e.extend(v.entries().iter().map(|x| (x.dim(), x.weight())));
    if e.len() > n {
        e.select_nth_unstable_by(n, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        e.truncate(n);
    }
    e.sort_unstable_by_key(|x| x.0);
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
    let tops: Vec<Vec<(Dim, f32)>> = w
        .order
        .par_iter()
        .enumerate()
        .map(|(p, &d)| {
            if needed[block_of[p]] {
                top_features(&vecs[d as usize], TOP_FEATURES)
            } else {
                Vec::new()
            }
        })
        .collect();
    let postings: Vec<FxHashMap<Dim, Vec<(u32, f32)>>> = blocks
        .par_iter()
        .zip(&needed)
        .map(|((_, range), &needed)| {
            let mut map: FxHashMap<Dim, Vec<(u32, f32)>> = FxHashMap::default();
            if !needed {
                return map;
            }
            for p in range.clone() {
                for &(f, x) in &tops[p] {
                    map.entry(f).or_default().push((p as u32, x));
                }
            }
            for list in map.values_mut() {
                if list.len() > POSTING_CAP {
                    // The documents the feature weighs most in, ties to the earlier.
                    list.select_nth_unstable_by(POSTING_CAP, |a, b| {
                        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                    });
                    list.truncate(POSTING_CAP);
                    list.sort_unstable_by_key(|e| e.0);
                }
            }
            map
        })
        .collect();
    // Each position is queried once: its strongest features are found again
    // there rather than held through the queries, whose neighbour lists make the
    // run's peak. `tidings eval` of 1M dated synthetic documents: peak RSS
    // 7,976-8,079 → 7,670 MB; the graph of the 200k yardstick no slower.
    drop(tops);
    queries
        .into_par_iter()
        .map_init(
            || {
                let (acc, touched) = (vec![0f32; n], vec![0u32; n]);
                (acc, touched, Vec::<Neighbor>::new(), Vec::new())
            },
            |(acc, touched, found, top), p| {
                top_features_into(&vecs[w.order[p] as usize], TOP_FEATURES, top);
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
                    for &(f, x) in top.iter() {
                        let Some(list) = index.get(&f) else {
                            continue;
                        };
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
                found.clear();
                found.extend(touched[..n_touched].iter().map(|&q| Neighbor {
                    id: q as usize,
                    sim: std::mem::take(&mut acc[q as usize]),
                }));
                top_k_of(found, k)
            },
        )
        .collect()
}
