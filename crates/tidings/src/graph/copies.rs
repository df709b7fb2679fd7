//! Copies collapse before the graph: exact copies and near-duplicates of one
//! document become one node, so 500 syndicated copies cost one document in the
//! index, the graph and the agglomeration, not 500 (and not 500² pairs).
//!
//! A copy group is a *star*: every member is a copy of its representative, the
//! group's first document (smallest index, i.e. smallest id). Copies are what the
//! article stage calls exact copies and near-duplicates: the same language, the
//! same day (or both undated, so a group never widens a story's date span), and an
//! equal token stream or a shingle Jaccard of at least `near_duplicate_jaccard`.
//! Stars, not connected components: a chain of near-duplicates (A~B, B~C) does not
//! pull C in unless C is a near-duplicate of A itself.
//!
//! Near-duplicate candidates come from the bottom of the shingle sketches (a
//! bottom-k LSH): two documents with Jaccard ≥ 0.5 share one of their
//! [`BAND_HASHES`] smallest shingle hashes unless about (1 − J)^8 ≈ 0.4% of the time;
//! every candidate is checked by its sketch Jaccard.

use crate::document::Day;
use crate::lang::Lang;
use crate::memory::{touch, TOUCH_AHEAD};
use crate::pivot::sketch_jaccard_at_least;
use crate::vectorize::SparseVec;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The smallest shingle hashes of a sketch that key its near-duplicate buckets.
pub const BAND_HASHES: usize = 8;

/// A bucket holding more documents than this is a shingle many documents share
/// (boilerplate), not a sign of copying: it yields no candidates.
const MAX_BUCKET: usize = 64;

/// Copy groups: each document's representative.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copies {
    /// The representative of each document: itself, or the first document of the
    /// copy group it belongs to.
    pub rep_of: Vec<u32>,
}

/// What copy detection, and the article stage after it (`story.rs`), read of each
/// document.
pub struct CopyInput<'a> {
    pub vecs: &'a [SparseVec],
    pub langs: &'a [Lang],
    pub days: &'a [Option<Day>],
    /// Hash of each document's normalized token stream.
    pub exact: &'a [u64],
    /// Bottom-k shingle sketch of each document.
    pub sketches: &'a [Vec<u32>],
    /// The share of each document's content words that reached a concept through
    /// the lexicons (see [`crate::engine::Vectors::coverage`]); empty: all of them.
    pub coverage: &'a [f32],
    /// Each document's length in characters and its place in the reading order
    /// (for [`crate::config::Keep`]); empty: all 0.
    pub chars: &'a [u32],
    pub seq: &'a [u64],
}

impl<'a> CopyInput<'a> {
    /// The input with no coverage, lengths or reading order (all read as unknown).
    pub fn new(
        vecs: &'a [SparseVec],
        langs: &'a [Lang],
        days: &'a [Option<Day>],
        exact: &'a [u64],
        sketches: &'a [Vec<u32>],
    ) -> CopyInput<'a> {
        CopyInput {
            vecs,
            langs,
            days,
            exact,
            sketches,
            coverage: &[],
            chars: &[],
            seq: &[],
        }
    }
}

/// The sketches of the documents in `pairs`, one after another in one array, and
/// each document's (start, length) there (0, 0 for the others).
fn flat_sketches(sketches: &[Vec<u32>], pairs: &[(u32, u32)]) -> (Vec<u32>, Vec<(usize, usize)>) {
    let mut wanted = vec![false; sketches.len()];
    for &(a, b) in pairs {
        wanted[a as usize] = true;
        wanted[b as usize] = true;
    }
    let total: usize = (0..sketches.len())
        .filter(|&d| wanted[d])
        .map(|d| sketches[d].len())
        .sum();
    let mut flat = Vec::with_capacity(total);
    let mut spans = vec![(0, 0); sketches.len()];
    for (d, s) in sketches.iter().enumerate().filter(|&(d, _)| wanted[d]) {
        spans[d] = (flat.len(), s.len());
        flat.extend_from_slice(s);
    }
    (flat, spans)
}

/// A hash (a text's or one of its smallest shingles') in one language and day: copies
/// are found only among documents that share one.
type GroupKey = (u64, Lang, Option<Day>);

impl Copies {
    /// Every document its own representative.
    pub fn none(n_docs: usize) -> Copies {
        Copies {
            rep_of: (0..n_docs as u32).collect(),
        }
    }

    /// Finds the copy groups (see the module docs). Documents with an empty vector
    /// stay alone.
    pub fn find(input: &CopyInput<'_>, near_duplicate_jaccard: f32) -> Copies {
        let n = input.vecs.len();
        let mut rep_of: Vec<u32> = (0..n as u32).collect();
        // Exact copies: the first document with the same (stream, language, day).
        let mut first: FxHashMap<GroupKey, u32> = FxHashMap::default();
        for (d, rep) in rep_of.iter_mut().enumerate() {
            if input.vecs[d].is_empty() {
                continue;
            }
            let key = (input.exact[d], input.langs[d], input.days[d]);
            *rep = *first.entry(key).or_insert(d as u32);
        }
        // Near-duplicates among the exact groups' representatives: the documents
        // sharing one of their smallest shingles, in one language and day. Buckets
        // are runs of a sorted list (in a hash map, 1.6M small `Vec`s at 200k
        // yardstick documents were filled on one thread), each in document order.
        let mut keyed: Vec<(GroupKey, u32)> = rep_of
            .par_iter()
            .enumerate()
            .filter(|&(d, &rep)| rep == d as u32 && !input.vecs[d].is_empty())
            .flat_map_iter(|(d, _)| {
                input.sketches[d]
                    .iter()
                    .take(BAND_HASHES)
                    .map(move |&h| ((u64::from(h), input.langs[d], input.days[d]), d as u32))
            })
            .collect();
        keyed.par_sort_unstable();
        let mut pairs: Vec<(u32, u32)> = keyed
            .par_chunk_by(|x, y| x.0 == y.0)
            .filter(|b| b.len() > 1 && b.len() <= MAX_BUCKET)
            .flat_map_iter(|b| {
                b.iter().enumerate().flat_map(move |(i, &(_, x))| {
                    b[i + 1..].iter().map(move |&(_, y)| (x.min(y), x.max(y)))
                })
            })
            .collect();
        drop(keyed);
        pairs.par_sort_unstable();
        pairs.dedup();
        // The sketches compared, copied into one array for the comparisons: they
        // pair random documents, and a `Vec` per sketch was a pointer to follow
        // and a block of its own for each (6.0M pairs at 200k yardstick documents:
        // 1.52-1.78 s, then 0.99-1.08 s). A copy made here and dropped after, not
        // the run's storage: built from the documents' own sketches it held their
        // scattered blocks as well, and raised the run's peak memory (+56 MB at 200k).
        let (flat, spans) = flat_sketches(input.sketches, &pairs);
        let sketch = |d: u32| {
            let (start, len) = spans[d as usize];
            &flat[start..start + len]
        };
        // (later, earlier, Jaccard) of the pairs that are near-duplicates.
        // The later sketches' starts (where nearly every comparison ends) read a
        // few pairs ahead, so that their cache misses overlap (see `touch`).
        let mut near: Vec<(u32, u32, f32)> = pairs
            .par_chunks(TOUCH_AHEAD)
            .flat_map_iter(|chunk| {
                for &(_, b) in chunk {
                    let s = sketch(b);
                    touch(&s[..s.len().min(16)]);
                }
                chunk.iter().filter_map(|&(a, b)| {
                    sketch_jaccard_at_least(sketch(a), sketch(b), near_duplicate_jaccard)
                        .map(|j| (b, a, j))
                })
            })
            .collect();
        drop((flat, spans));
        near.par_sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
        // Stars in document order: a document joins the most similar earlier
        // representative it is a near-duplicate of (ties to the earliest).
        let mut near_rep: Vec<u32> = (0..n as u32).collect();
        for run in near.chunk_by(|x, y| x.0 == y.0) {
            let d = run[0].0;
            let best = run
                .iter()
                .filter(|&&(_, r, _)| near_rep[r as usize] == r)
                .fold(None::<(u32, f32)>, |best, &(_, r, j)| match best {
                    Some((_, bj)) if bj >= j => best,
                    _ => Some((r, j)),
                });
            if let Some((r, _)) = best {
                near_rep[d as usize] = r;
            }
        }
        for r in &mut rep_of {
            *r = near_rep[*r as usize];
        }
        Copies { rep_of }
    }

    /// The representatives, in document order.
    pub fn reps(&self) -> Vec<u32> {
        (0..self.rep_of.len() as u32)
            .filter(|&d| self.rep_of[d as usize] == d)
            .collect()
    }

    /// How many documents each document stands for: its group's size for a
    /// representative, 0 for a copy.
    pub fn sizes(&self) -> Vec<u32> {
        let mut sizes = vec![0u32; self.rep_of.len()];
        for &r in &self.rep_of {
            sizes[r as usize] += 1;
        }
        sizes
    }

    /// How many documents are a copy of another (not their group's representative).
    pub fn n_copies(&self) -> usize {
        self.rep_of
            .iter()
            .enumerate()
            .filter(|&(d, &r)| r != d as u32)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(f: u32) -> SparseVec {
        SparseVec::new(vec![(f, 1.0)])
    }

    #[test]
    fn copies_form_stars_by_language_and_day() {
        // 0, 1: exact copies. 2: near-duplicate of 0 (sketch Jaccard 60/68). 3: the
        // same stream as 0 in another language. 4: a copy of 0 on another day.
        // 5: a near-duplicate of 2 only (a chain): it stays alone.
        let s = |r: std::ops::Range<u32>| r.collect::<Vec<u32>>();
        let sketches = vec![s(0..64), s(0..64), s(4..68), s(0..64), s(0..64), s(30..94)];
        let exact = vec![1, 1, 2, 1, 1, 3];
        let langs = vec![
            Lang::ENG,
            Lang::ENG,
            Lang::ENG,
            Lang::TUR,
            Lang::ENG,
            Lang::ENG,
        ];
        let days = vec![None, None, None, None, Some(Day(3)), None];
        let vecs: Vec<SparseVec> = (0..6).map(v).collect();
        let input = CopyInput::new(&vecs, &langs, &days, &exact, &sketches);
        let c = Copies::find(&input, 0.5);
        assert_eq!(c.rep_of, vec![0, 0, 0, 3, 4, 5]);
        assert_eq!(c.sizes(), vec![3, 0, 0, 1, 1, 1]);
        assert_eq!(c.reps(), vec![0, 3, 4, 5]);
        assert_eq!(c.n_copies(), 2);
        assert!(!Copies::find(&input, 1.01)
            .rep_of
            .iter()
            .enumerate()
            .any(|(d, &r)| r != d as u32 && exact[d] != exact[r as usize]));
    }
}
