//! The kNN graph: each document's `k` most similar documents within its date
//! window, found by a candidate generator and re-scored exactly with the sparse
//! vectors. Its nodes are the representatives of the copy groups (`copies.rs`):
//! exact copies and near-duplicates are collapsed before anything is indexed.
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
//! - Sparse: an inverted index per block of days, read the same way (`sparse.rs`).
//!
//! Without `max_days` every document is "undated": one window, one index.
//!
//! **Parts.** The graph can be built in parts that run apart ([`knn_graph_part`]):
//! a part is a run of whole query tiles in window order ([`Windows::parts`]), so a
//! span of days; its generator builds only the blocks its queries read, each whole,
//! so every query finds what it finds in a whole run, and the parts' edges merge
//! into the whole graph (`partition.rs`). Undated documents read every block: a
//! part of them builds the whole index.

mod ann;
mod candidates;
mod copies;
mod sparse;
mod windows;

pub use ann::{AnnIndex, ExactIndex, HnswIndex, HnswParams, Neighbor};
pub use candidates::{CandidateGenerator, ExactCandidates, HnswCandidates, SparseCandidates};
pub use copies::{Copies, CopyInput};
pub use windows::Windows;

use crate::config::CandidateConfig;
use crate::document::Day;
use crate::memory::{touch, TOUCH_AHEAD};
use crate::vectorize::{scattered, SparseVec};
use rayon::prelude::*;

/// An undirected edge `a < b` with its exact cosine similarity.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub sim: f32,
}

/// The symmetrized kNN graph with exact similarities, sorted by (a, b). Its nodes
/// are the representatives of the copy groups: a copy has no edge and goes where
/// its representative goes.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KnnGraph {
    pub n_docs: usize,
    pub copies: Copies,
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
            copies: self.copies.clone(),
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
    /// An inverted index over each document's strongest features.
    Sparse,
    /// The index we recommend: today the sparse one, at every size.
    Auto,
}

/// The candidate generator `config.index` asks for. `Auto` is
/// the sparse index at every size.
///
/// Brute force over the dense projection grows with the square of a window (on the
/// crawl yardstick 2.2 s for 15k documents and 11 s for 35k, the sparse index 0.54 s
/// and 4.7 s), and it also finds worse neighbours: the 128-dimension signed-hash
/// projection adds noise as large as a weak same-story cosine, and a document in a
/// language with no lexicon (read through names and numbers, cosines 0.05–0.15 to
/// its own story) loses its true neighbours in it. With the languages of issue 11,
/// the sparse graph scores story B³ F1 ntrex-dev-all 0.797 against 0.751 by brute
/// force, ntrex-dev 0.984 against 0.977 (BENCHMARKS.md, "Candidates").
pub fn candidate_generator(config: &CandidateConfig) -> Box<dyn CandidateGenerator> {
    match config.index {
        IndexKind::Exact => Box::new(ExactCandidates),
        IndexKind::Sparse | IndexKind::Auto => Box::new(SparseCandidates),
        IndexKind::Hnsw => Box::new(HnswCandidates {
            params: config.hnsw,
        }),
    }
}

/// The window order of the representatives of `copies`, which the graph (whole or
/// in parts) indexes.
fn rep_windows(
    vecs: &[SparseVec],
    days: &[Option<Day>],
    copies: &Copies,
    config: &CandidateConfig,
) -> Windows {
    assert_eq!(vecs.len(), days.len(), "one day (or none) per vector");
    assert_eq!(
        vecs.len(),
        copies.rep_of.len(),
        "one representative per vector"
    );
    Windows::of_nodes(&copies.reps(), days, config.max_days)
}

/// Builds the graph over the representatives of `copies`: candidates from the
/// generator `config` chooses, then each candidate pair re-scored exactly with the
/// sparse vectors and kept if at or above `floor`, so the graph's weights (and all
/// that follows) do not depend on the index's approximations.
pub fn build_knn_graph(
    vecs: &[SparseVec],
    days: &[Option<Day>],
    copies: Copies,
    config: &CandidateConfig,
    floor: f32,
) -> KnnGraph {
    let w = rep_windows(vecs, days, &copies, config);
    let generator = candidate_generator(config);
    let mut graph = knn_graph_from(vecs, &w, generator.as_ref(), config.k, floor);
    graph.copies = copies;
    graph
}

/// The part `part` of `parts` of [`build_knn_graph`]'s graph: the edges found by
/// the neighbour queries of one run of positions in window order
/// ([`Windows::parts`]). Every edge of the whole graph is found by the query of one
/// of its ends, and each query finds what it finds in a whole run (see
/// [`CandidateGenerator::neighbors_of`]), so the parts' edges together
/// ([`KnnGraph::merge`]) are the whole graph's. `copies` are found once for all
/// parts (copy detection is a hash join over the whole corpus).
pub fn knn_graph_part(
    vecs: &[SparseVec],
    days: &[Option<Day>],
    copies: Copies,
    config: &CandidateConfig,
    floor: f32,
    part: usize,
    parts: usize,
) -> KnnGraph {
    let w = rep_windows(vecs, days, &copies, config);
    let queries = w
        .parts(parts, ann::QUERY_TILE)
        .get(part)
        .cloned()
        .unwrap_or(0..0);
    let generator = candidate_generator(config);
    let lists = generator.neighbors_of(vecs, &w, config.k, queries.clone());
    let mut graph = graph_of_lists(vecs, &w, lists, queries.start, floor);
    graph.copies = copies;
    graph
}

/// [`build_knn_graph`] with a given generator, over the documents of `w` (no copies).
pub fn knn_graph_from(
    vecs: &[SparseVec],
    w: &Windows,
    generator: &dyn CandidateGenerator,
    k: usize,
    floor: f32,
) -> KnnGraph {
    let lists = generator.neighbors(vecs, w, k);
    graph_of_lists(vecs, w, lists, 0, floor)
}

/// The edges of neighbour lists (positions `first..` of `w`), re-scored exactly
/// and kept at or above `floor`, sorted, each once.
fn graph_of_lists(
    vecs: &[SparseVec],
    w: &Windows,
    lists: Vec<Vec<Neighbor>>,
    first: usize,
    floor: f32,
) -> KnnGraph {
    // Each pair once, then re-scored: a pair of mutual neighbours is in both
    // lists, and its cosine is the same either way (the dot product adds the
    // same products in the same order of ids).
    let mut pairs: Vec<(u32, u32)> = lists
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(p, list)| {
            let i = w.order[first + p];
            let order = &w.order;
            list.into_iter().map(move |n| {
                let j = order[n.id];
                (i.min(j), i.max(j))
            })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    // By first document: its vector scattered once, each neighbour's gathered
    // from it (`SparseVec::cosine` to the bit: the same f64 sum, rounded and
    // clamped the same way).
    let edges: Vec<Edge> = pairs
        .par_chunk_by(|x, y| x.0 == y.0)
        .flat_map_iter(|run| {
            let a = run[0].0;
            scattered(&vecs[a as usize], |v| {
                // The neighbours' vectors are read a few at a time before they
                // are used, so that their cache misses overlap (see `touch`).
                run.chunks(TOUCH_AHEAD)
                    .flat_map(|chunk| {
                        for &(_, b) in chunk {
                            touch(vecs[b as usize].slots());
                        }
                        chunk.iter().filter_map(|&(_, b)| {
                            let sim = (v.dot(&vecs[b as usize]) as f32).clamp(0.0, 1.0);
                            (sim >= floor).then_some(Edge { a, b, sim })
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    KnnGraph {
        n_docs: vecs.len(),
        copies: Copies::none(vecs.len()),
        edges,
    }
}
