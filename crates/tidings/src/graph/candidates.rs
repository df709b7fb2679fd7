//! Candidate generators: for each document, the documents it may share a story
//! with, found approximately; the graph re-scores every candidate exactly.
//!
//! One trait, [`CandidateGenerator`], with an implementation per method: exact
//! search by tiled matrix products ([`ExactCandidates`]) and HNSW, one index per
//! block of days ([`HnswCandidates`]), both on the dense projection of the sparse
//! vectors, and an inverted index over each document's strongest features
//! ([`SparseCandidates`], `sparse.rs`). All work in window order.

use super::ann::{top_k, AnnIndex, ExactIndex, HnswIndex, HnswParams, Neighbor, QUERY_TILE};
use super::windows::{block_index, blocks_near, Windows};
use crate::vectorize::{dense_projection_of, SparseVec, DENSE_DIM};
use ndarray::{s, Array2};
use rayon::prelude::*;
use std::ops::Range;

/// Finds, for every position of the window order, up to `k` candidate neighbours
/// among the positions its window allows ([`Windows::compatible`]), best first.
/// Neighbour ids are positions, not document indices.
pub trait CandidateGenerator: Sync {
    /// A short name for summaries (`exact`, `hnsw`).
    fn name(&self) -> &'static str;

    fn neighbors(&self, vecs: &[SparseVec], windows: &Windows, k: usize) -> Vec<Vec<Neighbor>> {
        self.neighbors_of(vecs, windows, k, 0..windows.n())
    }

    /// [`CandidateGenerator::neighbors`] of the positions in `queries` only (one
    /// list each, in order), for a part of the graph built on its own (see
    /// `partition.rs`). A position's list is the one a whole run finds for it: the
    /// index reads the same blocks of days, built whole, and the exact search the
    /// same tiles when `queries` is one of [`Windows::parts`].
    fn neighbors_of(
        &self,
        vecs: &[SparseVec],
        windows: &Windows,
        k: usize,
        queries: Range<usize>,
    ) -> Vec<Vec<Neighbor>>;
}

/// Brute force by tiled matrix products over the dense projection: the oracle the
/// approximate indexes are tested against, on request.
pub struct ExactCandidates;

/// An inverted index over each document's strongest features, candidates
/// re-scored exactly (`graph/sparse.rs`).
pub struct SparseCandidates;

impl CandidateGenerator for SparseCandidates {
    fn name(&self) -> &'static str {
        "sparse"
    }

    fn neighbors_of(
        &self,
        vecs: &[SparseVec],
        windows: &Windows,
        k: usize,
        queries: Range<usize>,
    ) -> Vec<Vec<Neighbor>> {
        super::sparse::sparse_neighbors(vecs, windows, k, queries)
    }
}

/// HNSW, one index per block of `max_days + 1` days, built in parallel (each
/// serially, so the result does not depend on the thread count).
pub struct HnswCandidates {
    pub params: HnswParams,
}

impl CandidateGenerator for ExactCandidates {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn neighbors_of(
        &self,
        vecs: &[SparseVec],
        windows: &Windows,
        k: usize,
        queries: Range<usize>,
    ) -> Vec<Vec<Neighbor>> {
        let dense = dense_projection_of(vecs, &windows.order, DENSE_DIM);
        exact_neighbors(&dense, windows, k, queries)
    }
}

impl CandidateGenerator for HnswCandidates {
    fn name(&self) -> &'static str {
        "hnsw"
    }

    fn neighbors_of(
        &self,
        vecs: &[SparseVec],
        windows: &Windows,
        k: usize,
        queries: Range<usize>,
    ) -> Vec<Vec<Neighbor>> {
        let dense = dense_projection_of(vecs, &windows.order, DENSE_DIM);
        hnsw_neighbors(&dense, windows, k, self.params, queries)
    }
}

/// Tiles of [`QUERY_TILE`] documents, each on its own thread. The window of a tile
/// spans its days, so small tiles also keep windows tight. Only the tiles inside
/// `queries` (a run of whole tiles: see [`Windows::parts`]).
fn exact_neighbors(
    dense: &Array2<f32>,
    w: &Windows,
    k: usize,
    queries: Range<usize>,
) -> Vec<Vec<Neighbor>> {
    w.tiles(QUERY_TILE)
        .into_iter()
        .filter(|t| t.start >= queries.start && t.end <= queries.end)
        .collect::<Vec<_>>()
        .into_par_iter()
        .flat_map_iter(|tile| {
            let queries = dense.slice(s![tile.clone(), ..]);
            let mut lists: Vec<Vec<Neighbor>> = vec![Vec::new(); tile.len()];
            for range in w.candidates(&tile) {
                let index = ExactIndex::build(dense.slice(s![range.clone(), ..]), range.start);
                let keep = |qi: usize, id: usize| {
                    let p = tile.start + qi;
                    p != id && w.compatible(p, id)
                };
                for (list, found) in lists.iter_mut().zip(index.search_batch(queries, k, &keep)) {
                    list.extend(found);
                }
            }
            lists.into_iter().map(move |l| top_k(l, k))
        })
        .collect()
}

fn hnsw_neighbors(
    dense: &Array2<f32>,
    w: &Windows,
    k: usize,
    params: HnswParams,
    queries: Range<usize>,
) -> Vec<Vec<Neighbor>> {
    let blocks = w.blocks();
    // Only the blocks the queries read are built (each whole, as in a whole run).
    let needed = w.blocks_read(&blocks, &queries);
    let indexes: Vec<Option<HnswIndex>> = blocks
        .par_iter()
        .zip(&needed)
        .map(|((_, r), &needed)| {
            needed.then(|| HnswIndex::build(dense.slice(s![r.clone(), ..]), r.start, params))
        })
        .collect();
    let block_of = block_index(&blocks);
    queries
        .into_par_iter()
        .map(|p| {
            let query = dense.row(p);
            let query = query.to_slice().expect("rows are contiguous");
            let keep = |id: usize| id != p && w.compatible(p, id);
            let found = blocks_near(&blocks, block_of[p])
                .filter_map(|b| indexes[b].as_ref())
                .flat_map(|index| index.search(query, k, &keep))
                .collect();
            top_k(found, k)
        })
        .collect()
}
