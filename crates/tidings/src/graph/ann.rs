//! Approximate nearest neighbours. Architecture invariant: only this module knows hnsw_rs.
//!
//! Two implementations of [`AnnIndex`], each over a contiguous block of rows of the
//! dense matrix: [`HnswIndex`] for large blocks and [`ExactIndex`] (brute force by
//! tiled matrix products), which is the test oracle and the faster choice up to
//! tens of thousands of rows. Which block a query searches is decided by the caller
//! (`graph.rs`: date windows); a `keep` predicate filters candidates inside the search,
//! so a neighbour list never fills up with rows the caller would drop.

use hnsw_rs::anndists::dist::Distance;
use hnsw_rs::hnsw::Hnsw;
use ndarray::{s, ArrayView2};

/// A neighbour of a query: a row index and its (approximate) cosine similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    pub id: usize,
    pub sim: f32,
}

/// Best first; ties go to the smaller row index, so every order is total.
fn best_first(a: &Neighbor, b: &Neighbor) -> std::cmp::Ordering {
    b.sim.total_cmp(&a.sim).then(a.id.cmp(&b.id))
}

/// The `k` best of `list` (which it reorders), sorted best first, in a list of
/// their own: the lists of a whole window are held until the graph is built, and a
/// list cut from thousands of candidates must not keep their capacity (it was 800
/// MB on the 50k crawl yardstick).
pub fn top_k_of(mut list: &mut [Neighbor], k: usize) -> Vec<Neighbor> {
    if k > 0 && list.len() > PREFILTER * k {
        // The k-th best of the first 2k bounds the k-th best of all from below: the k
        // best of all are at least as good. One pass with a branch that is nearly
        // always "no" leaves few to select among (a query of the 200k crawl reaches
        // thousands of positions for 24 neighbours).
        let floor = floor_of(&mut list[..2 * k], k);
        let mut kept = 0;
        for i in 0..list.len() {
            if reaches(&list[i], &floor) {
                list.swap(kept, i);
                kept += 1;
            }
        }
        list = &mut list[..kept];
    }
    best_of(list, k)
}

/// [`top_k_of`] of the neighbours `make` gives for `ids` (called once for each, in
/// order), with `buf` (cleared first) as the list: past the first 2k, only those
/// that reach the k-th best of the ones kept so far are kept (`top_k_of`'s filter,
/// with a floor that rises), so the result is the same while most candidates are
/// never written. A
/// sparse-index query of the 200k crawl yardstick reaches thousands of positions;
/// writing each out as a neighbour, then reading it back to filter, was a third of
/// the queries' samples.
pub fn top_k_filtered<T: Copy>(
    ids: &[T],
    k: usize,
    buf: &mut Vec<Neighbor>,
    mut make: impl FnMut(T) -> Neighbor,
) -> Vec<Neighbor> {
    buf.clear();
    if k == 0 || ids.len() <= PREFILTER * k {
        buf.extend(ids.iter().map(|&q| make(q)));
        return best_of(buf, k);
    }
    let (head, rest) = ids.split_at(2 * k);
    buf.extend(head.iter().map(|&q| make(q)));
    let mut floor = floor_of(buf, k);
    for &q in rest {
        let n = make(q);
        if reaches(&n, &floor) {
            buf.push(n);
            // The floor rises as better candidates come: once the kept reach
            // `RAISE` times k, the k-th best of them is the floor and only the k
            // best are kept (the ones dropped have k better). Positions are
            // reached in feature order, not by score, so the k-th best of the
            // first 2k is a loose floor for the rest.
            if buf.len() >= RAISE * k {
                floor = floor_of(buf, k);
                buf.truncate(k);
            }
        }
    }
    best_of(buf, k)
}

/// [`top_k_filtered`] raises its floor when it keeps this many times `k`.
const RAISE: usize = 4;

/// The k-th best of `head` (which it reorders; at least `k` long, `k` > 0): the
/// prefilter's floor.
fn floor_of(head: &mut [Neighbor], k: usize) -> Neighbor {
    head.select_nth_unstable_by(k - 1, best_first);
    head[k - 1]
}

/// Whether `n` is at least as good as `floor`.
fn reaches(n: &Neighbor, floor: &Neighbor) -> bool {
    best_first(n, floor) != std::cmp::Ordering::Greater
}

/// The `k` best of `list` (which it reorders), sorted best first, in a list of
/// their own.
fn best_of(list: &mut [Neighbor], k: usize) -> Vec<Neighbor> {
    if list.len() > k {
        list.select_nth_unstable_by(k, best_first);
    }
    let mut best = list[..list.len().min(k)].to_vec();
    best.sort_by(best_first);
    best
}

/// [`top_k_of`] filters a list longer than this many times `k` before selecting.
const PREFILTER: usize = 4;

/// Keeps the `k` best of `list`, sorted best first.
pub fn top_k(mut list: Vec<Neighbor>, k: usize) -> Vec<Neighbor> {
    top_k_of(&mut list, k)
}

pub trait AnnIndex: Sync {
    /// The `k` indexed rows most similar to the unit vector `query` among those for
    /// which `keep(row)` holds (the caller excludes the query's own row this way), best first.
    fn search(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Neighbor>;
}

/// HNSW parameters, named (hnsw_rs takes five positional numbers).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// An all-zero vector (an empty document) cannot be ranked: never indexed, never a query.
fn is_zero<'a>(row: impl IntoIterator<Item = &'a f32>) -> bool {
    row.into_iter().all(|&x| x == 0.0)
}

/// An HNSW graph over rows `offset..offset + rows.nrows()` of the dense matrix.
pub struct HnswIndex<'a> {
    hnsw: Hnsw<'a, f32, UnitDot>,
    ef_search: usize,
}

impl<'a> HnswIndex<'a> {
    /// Builds the index over the rows with a non-zero norm (others cannot be ranked).
    /// `offset` is the matrix row of `rows`' first row: neighbours are reported as matrix rows.
    ///
    /// Insertion is serial, in row order: hnsw_rs's parallel insert is not
    /// reproducible, and the output must not depend on the thread count. Separate
    /// indexes (one per date block) are built in parallel, and queries run in parallel.
    pub fn build(rows: ArrayView2<'_, f32>, offset: usize, params: HnswParams) -> HnswIndex<'a> {
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
            if !is_zero(slice) {
                hnsw.insert_slice((slice, offset + i));
            }
        }
        HnswIndex {
            hnsw,
            ef_search: params.ef_search,
        }
    }
}

impl AnnIndex for HnswIndex<'_> {
    fn search(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Neighbor> {
        if is_zero(query) || k == 0 {
            return Vec::new();
        }
        let to_neighbors = |found: Vec<hnsw_rs::hnsw::Neighbour>| -> Vec<Neighbor> {
            found
                .into_iter()
                .filter(|n| keep(n.d_id))
                .map(|n| Neighbor {
                    id: n.d_id,
                    sim: 1.0 - n.distance,
                })
                .collect()
        };
        // Unfiltered search first: hnsw_rs's filtered search is over twice as slow
        // (wmt21-dev), and usually only the query itself is dropped.
        let ef = self.ef_search.max(k + 1);
        let plain = to_neighbors(self.hnsw.search(query, k + 1, ef));
        if plain.len() >= k {
            return top_k(plain, k);
        }
        // hnsw_rs filters inside its search, but then takes the first `k` results
        // before filtering again, which can drop one (the entry point): ask for one more.
        let filter = |id: &usize| keep(*id);
        top_k(
            to_neighbors(self.hnsw.search_filter(query, k + 1, ef, Some(&filter))),
            k,
        )
    }
}

/// Brute force over rows `offset..offset + rows.nrows()` of the dense matrix.
pub struct ExactIndex<'a> {
    rows: ArrayView2<'a, f32>,
    offset: usize,
    live: Vec<bool>,
}

/// Queries and rows per tile of a brute-force product: a 256 × 2,048 block of
/// similarities (2 MB) stays in cache while its top-k lists are updated.
pub const QUERY_TILE: usize = 256;
const ROW_TILE: usize = 2048;

impl<'a> ExactIndex<'a> {
    pub fn build(rows: ArrayView2<'a, f32>, offset: usize) -> ExactIndex<'a> {
        let live = rows.outer_iter().map(|r| !is_zero(r)).collect();
        ExactIndex { rows, offset, live }
    }

    /// The `k` best rows for each query row (as [`AnnIndex::search`]), with
    /// `keep(query, row)` told the query's position in `queries`. One matrix
    /// product (matrixmultiply's sgemm) per [`ROW_TILE`] rows: with a few hundred
    /// queries (the caller's tiles, [`QUERY_TILE`]) that is about ten times the speed
    /// of one matrix-vector product per query, which streams the whole block from
    /// memory for every query.
    pub fn search_batch(
        &self,
        queries: ArrayView2<'_, f32>,
        k: usize,
        keep: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> Vec<Vec<Neighbor>> {
        let mut best: Vec<Vec<Neighbor>> = vec![Vec::new(); queries.nrows()];
        if k == 0 {
            return best;
        }
        let q_live: Vec<bool> = queries.outer_iter().map(|r| !is_zero(r)).collect();
        for r0 in (0..self.rows.nrows()).step_by(ROW_TILE) {
            let r1 = (r0 + ROW_TILE).min(self.rows.nrows());
            let sims = queries.dot(&self.rows.slice(s![r0..r1, ..]).t());
            for (qi, row) in sims.outer_iter().enumerate() {
                if !q_live[qi] {
                    continue;
                }
                let list = &mut best[qi];
                for (j, &sim) in row.iter().enumerate() {
                    let id = self.offset + r0 + j;
                    if self.live[r0 + j] && keep(qi, id) {
                        list.push(Neighbor { id, sim });
                    }
                }
                // Trim only now and then: selection is linear, so this stays O(rows).
                if list.len() >= 4 * k.max(64) {
                    *list = top_k(std::mem::take(list), k);
                }
            }
        }
        best.into_iter().map(|l| top_k(l, k)).collect()
    }
}

impl AnnIndex for ExactIndex<'_> {
    fn search(
        &self,
        query: &[f32],
        k: usize,
        keep: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Neighbor> {
        let q = ArrayView2::from_shape((1, query.len()), query).expect("one row");
        let mut out = self.search_batch(q, k, &|_, id| keep(id));
        out.pop().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The k best by a full sort: with many ties (sims of a few values) or
        /// few, in random order, best first (then the first 2k hold the k best,
        /// and the k-th of them is the k-th of all) or worst first (then every
        /// candidate beats the floor of those before it, which keeps rising).
        #[test]
        fn top_k_is_the_head_of_the_sorted_list(
            sims in proptest::collection::vec(0u16..2000, 0..400),
            k in 0usize..40,
            ties: bool,
            order in 0u8..3,
        ) {
            let mut list: Vec<Neighbor> = sims
                .iter()
                .enumerate()
                .map(|(i, &s)| {
                    let s = if ties { s % 6 } else { s };
                    Neighbor { id: (i * 7919) % 1009, sim: f32::from(s) / 8.0 }
                })
                .collect();
            let mut sorted = list.clone();
            sorted.sort_by(best_first);
            match order {
                1 => list.clone_from(&sorted),
                2 => list = sorted.iter().rev().copied().collect(),
                _ => {}
            }
            sorted.truncate(k);
            let key = |l: &[Neighbor]| l.iter().map(|n| (n.id, n.sim.to_bits())).collect::<Vec<_>>();
            // Made one at a time and filtered against the first 2k as they come.
            let mut buf = Vec::new();
            let mut made = 0;
            let filtered = top_k_filtered(&list, k, &mut buf, |n| {
                made += 1;
                n
            });
            prop_assert_eq!(made, list.len());
            prop_assert_eq!(key(&filtered), key(&sorted));
            let got = top_k(list, k);
            prop_assert_eq!(key(&got), key(&sorted));
        }
    }
}
