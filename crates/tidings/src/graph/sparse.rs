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
//! A feature held by more than [`MAX_POSTING_SHARE`] of a block's documents (a
//! concept every story mentions) is too common to tell stories apart and is not
//! indexed there: its posting list would cost its length squared.
//!
//! Deterministic: features are visited in id order and postings in position order,
//! and ties go to the smaller position.

use super::ann::{top_k, Neighbor};
use super::windows::{block_index, blocks_meet, Windows};
use crate::pivot::FeatureId;
use crate::vectorize::SparseVec;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Features per document in the index and in its query.
pub const TOP_FEATURES: usize = 48;

/// A posting list longer than this share of its block's documents is dropped (but
/// never one of at most [`MIN_POSTING_CAP`] documents).
pub const MAX_POSTING_SHARE: f64 = 0.02;
const MIN_POSTING_CAP: usize = 1000;

/// A document's strongest features, by weight (ties to the smaller id), in id order.
fn top_features(v: &SparseVec, n: usize) -> Vec<(FeatureId, f32)> {
    let mut e: Vec<(FeatureId, f32)> = v.entries().to_vec();
    if e.len() > n {
        e.select_nth_unstable_by(n, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        e.truncate(n);
        e.shrink_to_fit();
    }
    e.sort_unstable_by_key(|x| x.0);
    e
}

/// For every position of `w`, up to `k` candidates by partial dot product over the
/// inverted index (see the module docs), best first.
pub fn sparse_neighbors(vecs: &[SparseVec], w: &Windows, k: usize) -> Vec<Vec<Neighbor>> {
    let n = w.n();
    let tops: Vec<Vec<(FeatureId, f32)>> = w
        .order
        .par_iter()
        .map(|&d| top_features(&vecs[d as usize], TOP_FEATURES))
        .collect();
    let blocks = w.blocks();
    let postings: Vec<FxHashMap<FeatureId, Vec<(u32, f32)>>> = blocks
        .par_iter()
        .map(|(_, range)| {
            let mut map: FxHashMap<FeatureId, Vec<(u32, f32)>> = FxHashMap::default();
            for p in range.clone() {
                for &(f, x) in &tops[p] {
                    map.entry(f).or_default().push((p as u32, x));
                }
            }
            let cap = ((range.len() as f64 * MAX_POSTING_SHARE) as usize).max(MIN_POSTING_CAP);
            map.retain(|_, list| list.len() <= cap);
            map
        })
        .collect();
    let block_of = block_index(&blocks);
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(acc, touched), p| {
                let mine = blocks[block_of[p]].0;
                let searched = blocks
                    .iter()
                    .zip(&postings)
                    .filter(|((b, _), _)| blocks_meet(mine, *b));
                for (_, index) in searched {
                    for &(f, x) in &tops[p] {
                        let Some(list) = index.get(&f) else {
                            continue;
                        };
                        for &(q, y) in list {
                            let q_us = q as usize;
                            if q_us == p || !w.compatible(p, q_us) {
                                continue;
                            }
                            if acc[q_us] == 0.0 {
                                touched.push(q);
                            }
                            acc[q_us] += x * y;
                        }
                    }
                }
                let found: Vec<Neighbor> = touched
                    .drain(..)
                    .map(|q| Neighbor {
                        id: q as usize,
                        sim: std::mem::take(&mut acc[q as usize]),
                    })
                    .collect();
                top_k(found, k)
            },
        )
        .collect()
}
