//! The kNN graph: each document's `k` most similar documents within its date
//! window, found in the dense projection and re-scored exactly with the sparse vectors.
//!
//! **Date windows.** Documents dated more than `max_days` apart never share a story
//! (`cluster.rs`), so a dated document is compared only with documents dated within
//! `max_days` of it and with undated ones; an undated document is compared with all.
//! In a crawl that spans many days this makes the work grow with the documents times
//! the window, not with the square of the documents, and a neighbour list holds only
//! documents that could join the same story: without windows, on a 100k synthetic
//! corpus dated over eight years, the lists filled with documents on the same topic
//! from other years and story B³ recall fell to 0.54.
//!
//! Documents are laid out in *window order*: the dated ones by (day, index), then the
//! undated ones. The dated documents within `max_days` of a run of consecutive dated
//! positions are then one contiguous range, and the undated ones another.
//! - Exact: each tile of consecutive positions is compared by matrix products with
//!   those ranges ([`ExactIndex::search_batch`]).
//! - HNSW: one index per block of `max_days + 1` consecutive days, built in parallel
//!   (each serially, so the result does not depend on the thread count), and one for
//!   the undated documents. A dated document searches its block and the blocks on
//!   either side, which cover its window, and the undated one; an undated document
//!   searches every block. Neighbours outside the window are filtered inside the search.
//!
//! Without `max_days` every document is "undated": one window, one index.

use crate::ann::{top_k, AnnIndex, ExactIndex, HnswIndex, HnswParams, Neighbor, QUERY_TILE};
use crate::document::Day;
use crate::vectorize::{dense_projection_of, SparseVec, DENSE_DIM};
use ndarray::{s, Array2};
use rayon::prelude::*;
use std::ops::Range;

/// An undirected edge `a < b` with its exact cosine similarity.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub sim: f32,
}

/// The symmetrized kNN graph with exact similarities, sorted by (a, b).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KnnGraph {
    pub n_docs: usize,
    pub edges: Vec<Edge>,
}

impl KnnGraph {
    /// The edges at or above `floor`. A graph built at a lower floor holds every
    /// edge a graph built at this one would (the neighbour queries do not depend on
    /// the floor, and an edge's weight is the same from both ends), so this equals
    /// building the graph again at `floor`, without the index.
    pub fn above(&self, floor: f32) -> KnnGraph {
        KnnGraph {
            n_docs: self.n_docs,
            edges: self
                .edges
                .iter()
                .filter(|e| e.sim >= floor)
                .copied()
                .collect(),
        }
    }
}

/// Which nearest-neighbour index to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    Hnsw,
    Exact,
    /// Exact while no document's window holds more than [`AUTO_EXACT_MAX`]
    /// documents, HNSW above.
    Auto,
}

/// Up to this many documents in a window, brute force by tiled matrix products is
/// faster than building HNSW and querying it. The dense projections of sparse
/// concept vectors are nearly orthogonal (same-story cosines of 0.05–0.3), which
/// makes graph search wander. Measured on a 50k synthetic corpus dated within four
/// days (one window): index stage 15 s exact, 112 s HNSW (BENCHMARKS.md, "Exact or
/// HNSW"). Brute force grows with the square of the window, HNSW about linearly:
/// extrapolated, they meet near 350k; this leaves a margin.
pub const AUTO_EXACT_MAX: usize = 200_000;

/// How the graph is built.
#[derive(Clone, Copy, Debug)]
pub struct GraphConfig {
    /// Neighbours per document.
    pub k: usize,
    /// Edges below this exact similarity are dropped.
    pub floor: f32,
    /// Documents dated further apart are never compared (`None`: all are).
    pub max_days: Option<i32>,
    pub index: IndexKind,
    pub hnsw: HnswParams,
}

/// Documents in window order (see the module docs).
struct Windows {
    /// Position → document.
    order: Vec<u32>,
    /// Position → day, for the dated positions `0..n_dated`.
    days: Vec<i64>,
    n_dated: usize,
    max_days: i64,
}

impl Windows {
    fn new(days: &[Option<Day>], max_days: Option<i32>) -> Windows {
        let mut dated: Vec<(i64, u32)> = Vec::new();
        let mut undated: Vec<u32> = Vec::new();
        for (i, d) in days.iter().enumerate() {
            match (d, max_days) {
                (Some(d), Some(_)) => dated.push((i64::from(d.0), i as u32)),
                _ => undated.push(i as u32),
            }
        }
        dated.sort_unstable();
        Windows {
            n_dated: dated.len(),
            days: dated.iter().map(|&(d, _)| d).collect(),
            order: dated.iter().map(|&(_, i)| i).chain(undated).collect(),
            max_days: i64::from(max_days.unwrap_or(0).max(0)),
        }
    }

    fn n(&self) -> usize {
        self.order.len()
    }

    /// Whether the documents at two positions may be neighbours.
    fn compatible(&self, p: usize, q: usize) -> bool {
        p >= self.n_dated
            || q >= self.n_dated
            || (self.days[p] - self.days[q]).abs() <= self.max_days
    }

    /// Tiles of consecutive positions, never across the dated/undated boundary.
    fn tiles(&self, size: usize) -> Vec<Range<usize>> {
        let split = |r: Range<usize>| {
            r.clone()
                .step_by(size)
                .map(move |s| s..(s + size).min(r.end))
        };
        split(0..self.n_dated)
            .chain(split(self.n_dated..self.n()))
            .collect()
    }

    /// The positions any document of `tile` may be compared with: one or two ranges.
    fn candidates(&self, tile: &Range<usize>) -> Vec<Range<usize>> {
        if tile.start >= self.n_dated {
            let everything = 0..self.n();
            return vec![everything];
        }
        let (first, last) = (self.days[tile.start], self.days[tile.end - 1]);
        let lo = self.days.partition_point(|&d| d < first - self.max_days);
        let hi = self.days.partition_point(|&d| d <= last + self.max_days);
        [lo..hi, self.n_dated..self.n()]
            .into_iter()
            .filter(|r| !r.is_empty())
            .collect()
    }

    /// Blocks of `max_days + 1` consecutive days (numbered from the first day), each
    /// with its number, then the undated positions as one block numbered `None`.
    fn blocks(&self) -> Vec<(Option<i64>, Range<usize>)> {
        let width = self.max_days + 1;
        let mut out: Vec<(Option<i64>, Range<usize>)> = Vec::new();
        for p in 0..self.n_dated {
            let b = (self.days[p] - self.days[0]) / width;
            match out.last_mut() {
                Some((Some(last), r)) if *last == b => r.end = p + 1,
                _ => out.push((Some(b), p..p + 1)),
            }
        }
        if self.n_dated < self.n() {
            out.push((None, self.n_dated..self.n()));
        }
        out
    }
}

/// Tiles of [`QUERY_TILE`] documents, each on its own thread. The window of a tile
/// spans its days, so small tiles also keep windows tight.
fn exact_neighbors(dense: &Array2<f32>, w: &Windows, k: usize) -> Vec<Vec<Neighbor>> {
    w.tiles(QUERY_TILE)
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
) -> Vec<Vec<Neighbor>> {
    let blocks = w.blocks();
    let indexes: Vec<HnswIndex> = blocks
        .par_iter()
        .map(|(_, r)| HnswIndex::build(dense.slice(s![r.clone(), ..]), r.start, params))
        .collect();
    let block_of: Vec<usize> = blocks
        .iter()
        .enumerate()
        .flat_map(|(b, (_, r))| std::iter::repeat(b).take(r.len()))
        .collect();
    (0..w.n())
        .into_par_iter()
        .map(|p| {
            let query = dense.row(p);
            let query = query.to_slice().expect("rows are contiguous");
            let keep = |id: usize| id != p && w.compatible(p, id);
            let mine = blocks[block_of[p]].0;
            let found = blocks
                .iter()
                .zip(&indexes)
                .filter(|((b, _), _)| match (mine, b) {
                    (Some(m), Some(b)) => (m - b).abs() <= 1,
                    _ => true,
                })
                .flat_map(|(_, index)| index.search(query, k, &keep))
                .collect();
            top_k(found, k)
        })
        .collect()
}

/// The largest number of documents one document's window holds.
fn largest_window(w: &Windows) -> usize {
    w.tiles(QUERY_TILE)
        .iter()
        .map(|t| w.candidates(t).iter().map(Range::len).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// Builds the graph: neighbours by the chosen index, then each candidate pair
/// re-scored exactly with the sparse vectors, so the graph's weights (and all that
/// follows) do not depend on the index's approximations. Also says whether the
/// exact index was used.
pub fn build_knn_graph(
    vecs: &[SparseVec],
    days: &[Option<Day>],
    config: &GraphConfig,
) -> (KnnGraph, IndexKind) {
    assert_eq!(vecs.len(), days.len(), "one day (or none) per vector");
    let w = Windows::new(days, config.max_days);
    let used = match config.index {
        IndexKind::Auto if largest_window(&w) <= AUTO_EXACT_MAX => IndexKind::Exact,
        IndexKind::Auto => IndexKind::Hnsw,
        kind => kind,
    };
    let dense = dense_projection_of(vecs, &w.order, DENSE_DIM);
    let lists = match used {
        IndexKind::Exact => exact_neighbors(&dense, &w, config.k),
        _ => hnsw_neighbors(&dense, &w, config.k, config.hnsw),
    };
    drop(dense);
    let floor = config.floor;
    let mut edges: Vec<Edge> = lists
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(p, list)| {
            let i = w.order[p] as usize;
            let order = &w.order;
            list.into_iter().filter_map(move |n| {
                let j = order[n.id] as usize;
                let sim = vecs[i].cosine(&vecs[j]);
                (sim >= floor).then(|| Edge {
                    a: i.min(j) as u32,
                    b: i.max(j) as u32,
                    sim,
                })
            })
        })
        .collect();
    edges.par_sort_unstable_by(|x, y| (x.a, x.b).cmp(&(y.a, y.b)));
    edges.dedup_by(|x, y| x.a == y.a && x.b == y.b);
    (
        KnnGraph {
            n_docs: vecs.len(),
            edges,
        },
        used,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(days: &[Option<i32>], max_days: Option<i32>) -> Windows {
        let days: Vec<Option<Day>> = days.iter().map(|d| d.map(Day)).collect();
        Windows::new(&days, max_days)
    }

    #[test]
    fn window_order_puts_dated_documents_by_day_then_undated() {
        let w = windows(&[Some(10), None, Some(3), Some(10), None], Some(7));
        assert_eq!(w.order, vec![2, 0, 3, 1, 4]);
        assert_eq!(w.n_dated, 3);
        let w = windows(&[Some(10), None, Some(3)], None);
        assert_eq!((w.order.clone(), w.n_dated), (vec![0, 1, 2], 0));
    }

    #[test]
    fn candidate_ranges_cover_exactly_the_window() {
        // Days 0..40, two documents a day, and three undated documents.
        let mut days: Vec<Option<i32>> = (0..80).map(|i| Some(i / 2)).collect();
        days.extend([None, None, None]);
        let w = windows(&days, Some(7));
        for tile in w.tiles(5) {
            let ranges = w.candidates(&tile);
            for p in tile.clone() {
                for q in 0..w.n() {
                    let inside = ranges.iter().any(|r| r.contains(&q));
                    // Every compatible position is a candidate; the ranges are tight
                    // up to the days the tile spans.
                    assert!(
                        !w.compatible(p, q) || inside,
                        "tile {tile:?}: {p} misses {q}"
                    );
                    if q < w.n_dated && p < w.n_dated && inside {
                        let (first, last) = (w.days[tile.start], w.days[tile.end - 1]);
                        assert!(w.days[q] >= first - 7 && w.days[q] <= last + 7);
                    }
                }
            }
        }
        assert!(w
            .tiles(5)
            .iter()
            .all(|t| t.end <= w.n_dated || t.start >= w.n_dated));
    }

    #[test]
    fn blocks_are_max_days_plus_one_wide_and_neighbours_cover_the_window() {
        let days: Vec<Option<i32>> = [0, 1, 7, 8, 15, 16, 40]
            .into_iter()
            .map(Some)
            .chain([None])
            .collect();
        let w = windows(&days, Some(7));
        let blocks = w.blocks();
        assert_eq!(
            blocks,
            vec![
                (Some(0), 0..3),
                (Some(1), 3..5),
                (Some(2), 5..6),
                (Some(5), 6..7),
                (None, 7..8)
            ]
        );
        // A dated position's compatible positions lie in blocks at most one apart.
        let block = |p: usize| blocks.iter().find(|(_, r)| r.contains(&p)).unwrap().0;
        for p in 0..w.n_dated {
            for q in 0..w.n_dated {
                if w.compatible(p, q) {
                    assert!((block(p).unwrap() - block(q).unwrap()).abs() <= 1);
                }
            }
        }
    }
}
