//! Bottom-k sketches of a document's token stream: word 3-gram hashes, for
//! same-language near-duplicate Jaccard, and the hash of the whole stream, equal
//! for exact copies.

use crate::lexicon::stable_hash_parts;

/// Size of the bottom-k shingle sketch: Jaccard estimates within ±0.06 at k = 64.
pub const SKETCH_SIZE: usize = 64;

/// Collects a token stream's shingles as the tokens come ([`SketchBuilder::push`]),
/// then keeps the bottom [`SKETCH_SIZE`] ([`SketchBuilder::finish`]).
pub(crate) struct SketchBuilder {
    stream_hash: u64,
    shingle: [u64; 3],
    n_tokens: usize,
    shingles: Vec<u64>,
}

impl SketchBuilder {
    /// A builder with room for `tokens` shingles before it grows.
    pub(crate) fn with_capacity(tokens: usize) -> SketchBuilder {
        SketchBuilder {
            stream_hash: 0xcbf29ce484222325,
            shingle: [0; 3],
            n_tokens: 0,
            shingles: Vec::with_capacity(tokens),
        }
    }

    /// Adds the hash of one token's normalized form.
    pub(crate) fn push(&mut self, term: u64) {
        self.stream_hash = (self.stream_hash ^ term).wrapping_mul(0x100000001b3);
        self.shingle = [self.shingle[1], self.shingle[2], term];
        self.n_tokens += 1;
        if self.n_tokens >= 3 {
            // The hash of the three hashes' bytes, without building them into a buffer.
            self.shingles.push(stable_hash_parts(&[
                &self.shingle[0].to_le_bytes(),
                &self.shingle[1].to_le_bytes(),
                &self.shingle[2].to_le_bytes(),
            ]));
        }
    }

    /// (hash of the whole stream, bottom-k sketch). A stream of one or two tokens
    /// has no 3-gram: its sketch is the stream hash.
    ///
    /// The sketch keeps the high 32 bits of each of the smallest shingle hashes, in
    /// the same order: a sketch is held for every document from analysis to the end
    /// of the run, 64 hashes of 8 bytes were 0.5 KB a document, and a hash of one
    /// sketch meets a different one of another with the same high 32 bits about
    /// once in 10⁶ pairs of documents (64 × 64 chances in 2³²): one shared hash in
    /// 64 more, then.
    pub(crate) fn finish(self) -> (u64, Vec<u32>) {
        let mut shingles = self.shingles;
        if self.n_tokens > 0 && self.n_tokens < 3 {
            shingles.push(self.stream_hash);
        }
        // Only the smallest hashes are kept, so only they are sorted: the smallest
        // 2k found first, sorted and walked; the rest sorted too only where repeated
        // shingles leave fewer than k distinct among them. The walk meets the hashes
        // in the order a full sort gives (all of the first part are at most any of
        // the rest), so the sketch is the same. Sorting all of a document's ~300
        // shingles cost 38 M instructions more over 5,000 yardstick texts
        // (callgrind).
        let split = (2 * SKETCH_SIZE).min(shingles.len());
        if split < shingles.len() {
            shingles.select_nth_unstable(split - 1);
        }
        let (first, rest) = shingles.split_at_mut(split);
        first.sort_unstable();
        let mut sketch: Vec<u32> = Vec::with_capacity(SKETCH_SIZE.min(split));
        walk_into(&mut sketch, first);
        if sketch.len() < SKETCH_SIZE && !rest.is_empty() {
            rest.sort_unstable();
            walk_into(&mut sketch, rest);
        }
        (self.stream_hash, sketch)
    }
}

/// Adds the high halves of sorted `hashes` to `sketch`, each once, until it holds
/// [`SKETCH_SIZE`].
fn walk_into(sketch: &mut Vec<u32>, hashes: &[u64]) {
    for high in hashes.iter().map(|&h| (h >> 32) as u32) {
        if sketch.len() == SKETCH_SIZE {
            return;
        }
        if sketch.last() != Some(&high) {
            sketch.push(high);
        }
    }
}

/// Jaccard similarity estimated from two bottom-k sketches.
pub fn sketch_jaccard(a: &[u32], b: &[u32]) -> f32 {
    sketch_jaccard_at_least(a, b, f32::NEG_INFINITY).unwrap_or(0.0)
}

/// [`sketch_jaccard`] if it is at least `min`, else `None`, found without walking
/// the rest of the sketches once `min` is out of reach. Copy detection compares
/// every pair of documents that share one of their smallest shingles, and nearly
/// all of them are far from near-duplicates: on 200k crawl yardstick documents,
/// 6.0M pairs for 200k near-duplicates, 2.2 s of the index stage.
pub fn sketch_jaccard_at_least(a: &[u32], b: &[u32], min: f32) -> Option<f32> {
    if a.is_empty() || b.is_empty() {
        return (0.0 >= min).then_some(0.0);
    }
    // Bottom-k of the union, and how many of those are in both.
    let k = a.len().max(b.len()).min(SKETCH_SIZE);
    // The estimate ends as both / taken with taken ≤ k, so it is at most
    // (both + k − taken) / k: under `min` by a whole hash (against rounding), it
    // cannot reach `min`.
    let hopeless = min * k as f32 - 1.0;
    let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
    // A merge without branches on the hashes (they interleave at random, and a
    // branching merge mispredicts on them): each step takes the smaller head, or
    // both heads when they are equal.
    while taken < k && i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        both += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
        taken += 1;
        if ((both + k - taken) as f32) < hopeless {
            return None;
        }
    }
    // One sketch is used up: the union's next hashes are the other's, none shared.
    taken = k.min(taken + (a.len() - i) + (b.len() - j));
    let jaccard = both as f32 / taken.max(1) as f32;
    (jaccard >= min).then_some(jaccard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(tokens: &[u64]) -> Vec<u32> {
        let mut b = SketchBuilder::with_capacity(0);
        for &t in tokens {
            b.push(t);
        }
        b.finish().1
    }

    #[test]
    fn jaccard_of_sketches() {
        let a = sketch(&(0..100).collect::<Vec<_>>());
        let b = sketch(&(0..100).collect::<Vec<_>>());
        let c = sketch(&(1000..1100).collect::<Vec<_>>());
        assert_eq!(a.len(), SKETCH_SIZE);
        assert_eq!(sketch_jaccard(&a, &b), 1.0);
        assert_eq!(sketch_jaccard(&a, &c), 0.0);
        assert_eq!(sketch_jaccard(&a, &[]), 0.0);
        // Short streams still have a sketch: their stream hash.
        assert_eq!(sketch(&[7]).len(), 1);
        assert!(sketch(&[]).is_empty());
    }

    /// The sketch by its definition: every shingle hash sorted, their high halves
    /// without repeats, the first [`SKETCH_SIZE`] of them.
    fn sketch_by_definition(tokens: &[u64]) -> Vec<u32> {
        let mut all: Vec<u64> = tokens
            .windows(3)
            .map(|w| {
                stable_hash_parts(&[
                    &w[0].to_le_bytes(),
                    &w[1].to_le_bytes(),
                    &w[2].to_le_bytes(),
                ])
            })
            .collect();
        all.sort_unstable();
        let mut want: Vec<u32> = all.iter().map(|&h| (h >> 32) as u32).collect();
        want.dedup();
        want.truncate(SKETCH_SIZE);
        want
    }

    /// A sketch is the high halves of the smallest shingle hashes, strictly
    /// increasing, at most [`SKETCH_SIZE`] of them.
    #[test]
    fn sketches_are_the_smallest_hashes_high_halves() {
        let tokens: Vec<u64> = (0..300).map(|t| t * 7919).collect();
        let got = sketch(&tokens);
        assert_eq!(got, sketch_by_definition(&tokens));
        assert!(got.windows(2).all(|w| w[0] < w[1]));
    }

    proptest::proptest! {
        /// Streams of a few distinct tokens repeat their shingles, so that the
        /// smallest hashes found first may hold fewer than k distinct ones.
        #[test]
        fn sketches_of_repeating_streams(
            tokens in proptest::collection::vec(0u64..12, 3..700),
        ) {
            proptest::prop_assert_eq!(sketch(&tokens), sketch_by_definition(&tokens));
        }

        /// A phrase said many times, then other words: its shingles, each repeated,
        /// crowd the smallest hashes, and the sketch reaches into the rest.
        #[test]
        fn sketches_of_a_repeated_phrase(
            phrase in proptest::collection::vec(0u64..1000, 1..8),
            times in 20usize..80,
            tail in proptest::collection::vec(proptest::prelude::any::<u64>(), 60..300),
        ) {
            let mut tokens: Vec<u64> = phrase.iter().copied().cycle().take(phrase.len() * times).collect();
            tokens.extend(tail);
            proptest::prop_assert_eq!(sketch(&tokens), sketch_by_definition(&tokens));
        }

        #[test]
        fn sketches_of_any_streams(tokens in proptest::collection::vec(proptest::prelude::any::<u64>(), 3..500)) {
            proptest::prop_assert_eq!(sketch(&tokens), sketch_by_definition(&tokens));
        }
    }

    /// The bottom-k estimate step by step: the union's smallest hashes taken one
    /// at a time, counting those in both.
    fn jaccard_by_definition(a: &[u32], b: &[u32]) -> f32 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let k = a.len().max(b.len()).min(SKETCH_SIZE);
        let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
        while taken < k && (i < a.len() || j < b.len()) {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => i += 1,
                (Some(_), Some(_)) => j += 1,
                (Some(_), None) => i += 1,
                _ => j += 1,
            }
            taken += 1;
        }
        both as f32 / taken as f32
    }

    /// The branch-free merge and the early stop change nothing: the estimate by
    /// definition, and `None` exactly when it is under `min`, for pairs of every
    /// overlap and length.
    #[test]
    fn jaccard_at_least_is_the_jaccard_above_min() {
        let mut rnd = crate::test_rng::xorshift(11);
        let mut reached = 0;
        for _ in 0..2000 {
            let n = 1 + rnd() % 140;
            let shift = rnd() % (n + 10);
            let a = sketch(&(0..n).collect::<Vec<_>>());
            let b = sketch(&(shift..shift + 1 + rnd() % 140).collect::<Vec<_>>());
            let want = jaccard_by_definition(&a, &b);
            assert_eq!(sketch_jaccard(&a, &b), want);
            for min in [0.0, 0.1, 0.25, 0.5, 0.6, 0.9, 1.0] {
                let got = sketch_jaccard_at_least(&a, &b, min);
                assert_eq!(got, (want >= min).then_some(want), "{n} {shift} {min}");
                reached += usize::from(got.is_some() && min >= 0.5);
            }
        }
        assert!(reached > 100, "only {reached} pairs reached 0.5");
    }
}
