//! Approximate nearest neighbours. Architecture invariant: only this module knows hnsw_rs.
//!
//! Two implementations of [`AnnIndex`]: [`HnswIndex`] for scale and [`ExactIndex`]
//! (brute force), which is the test oracle and the faster choice for small batches.

use hnsw_rs::anndists::dist::Distance;
use hnsw_rs::hnsw::Hnsw;
use ndarray::Array2;

/// A neighbour of a query: a row index and its (approximate) cosine similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    pub id: usize,
    pub sim: f32,
}

pub trait AnnIndex: Sync {
    /// The `k` nearest rows to row `query`, the query itself excluded, best first.
    fn knn(&self, query: usize, k: usize) -> Vec<Neighbor>;
}

/// HNSW parameters, named (hnsw_rs takes five positional numbers).
#[derive(Clone, Copy, Debug)]
pub struct HnswParams {
    pub max_nb_connection: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
    pub max_layer: usize,
}

impl Default for HnswParams {
    fn default() -> Self {
        HnswParams {
            max_nb_connection: 16,
            ef_construction: 48,
            ef_search: 64,
            max_layer: 16,
        }
    }
}

/// `1 - a·b` for unit vectors, clamped at 0: hnsw_rs's `DistDot` asserts on the
/// rounding error of f32-normalized vectors and panics inside the build.
struct UnitDot;

impl Distance<f32> for UnitDot {
    fn eval(&self, a: &[f32], b: &[f32]) -> f32 {
        let d: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        (1.0 - d).max(0.0)
    }
}

pub struct HnswIndex<'a> {
    hnsw: Hnsw<'a, f32, UnitDot>,
    rows: &'a Array2<f32>,
    ef_search: usize,
}

impl<'a> HnswIndex<'a> {
    /// Builds the index over the rows with a non-zero norm (others cannot be ranked).
    ///
    /// Insertion is serial, in row order: hnsw_rs's parallel insert is not
    /// reproducible, and the output must not depend on the thread count.
    /// Queries ([`AnnIndex::knn`]) run in parallel.
    pub fn build(rows: &'a Array2<f32>, params: HnswParams) -> HnswIndex<'a> {
        let n = rows.nrows();
        let hnsw = Hnsw::new(
            params.max_nb_connection.min(256),
            n.max(1),
            params.max_layer,
            params.ef_construction,
            UnitDot,
        );
        for (i, row) in rows.outer_iter().enumerate() {
            let slice = row.to_slice().expect("rows are contiguous");
            if slice.iter().any(|&x| x != 0.0) {
                hnsw.insert_slice((slice, i));
            }
        }
        HnswIndex {
            hnsw,
            rows,
            ef_search: params.ef_search,
        }
    }
}

impl AnnIndex for HnswIndex<'_> {
    fn knn(&self, query: usize, k: usize) -> Vec<Neighbor> {
        let q = self.rows.row(query);
        let q = q.to_slice().expect("rows are contiguous");
        if q.iter().all(|&x| x == 0.0) {
            return Vec::new();
        }
        let mut out: Vec<Neighbor> = self
            .hnsw
            .search(q, k + 1, self.ef_search.max(k + 1))
            .into_iter()
            // With duplicate vectors the query is not always the first hit: drop it by id.
            .filter(|n| n.d_id != query)
            .map(|n| Neighbor {
                id: n.d_id,
                sim: 1.0 - n.distance,
            })
            .collect();
        out.truncate(k);
        out
    }
}

/// Brute force over all rows.
pub struct ExactIndex<'a> {
    rows: &'a Array2<f32>,
    live: Vec<bool>,
}

impl<'a> ExactIndex<'a> {
    pub fn build(rows: &'a Array2<f32>) -> ExactIndex<'a> {
        let live = rows
            .outer_iter()
            .map(|r| r.iter().any(|&x| x != 0.0))
            .collect();
        ExactIndex { rows, live }
    }
}

impl AnnIndex for ExactIndex<'_> {
    fn knn(&self, query: usize, k: usize) -> Vec<Neighbor> {
        if !self.live[query] {
            return Vec::new();
        }
        let q = self.rows.row(query);
        let sims = self.rows.dot(&q);
        let mut all: Vec<Neighbor> = sims
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != query && self.live[i])
            .map(|(id, &sim)| Neighbor { id, sim })
            .collect();
        let order = |a: &Neighbor, b: &Neighbor| b.sim.total_cmp(&a.sim).then(a.id.cmp(&b.id));
        if all.len() > k {
            all.select_nth_unstable_by(k, order);
            all.truncate(k);
        }
        all.sort_by(order);
        all
    }
}
