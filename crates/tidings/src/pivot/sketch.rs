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
    pub(crate) fn new() -> SketchBuilder {
        SketchBuilder {
            stream_hash: 0xcbf29ce484222325,
            shingle: [0; 3],
            n_tokens: 0,
            shingles: Vec::new(),
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
    pub(crate) fn finish(self) -> (u64, Vec<u64>) {
        let mut shingles = self.shingles;
        if self.n_tokens > 0 && self.n_tokens < 3 {
            shingles.push(self.stream_hash);
        }
        shingles.sort_unstable();
        shingles.dedup();
        shingles.truncate(SKETCH_SIZE);
        // Features and sketch are held for every document of the run until vectorized:
        // no spare capacity (it was half of their memory).
        shingles.shrink_to_fit();
        (self.stream_hash, shingles)
    }
}

/// Jaccard similarity estimated from two bottom-k sketches.
pub fn sketch_jaccard(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // Bottom-k of the union, and how many of those are in both.
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
            (None, Some(_)) => j += 1,
            (None, None) => break,
        }
        taken += 1;
    }
    both as f32 / taken.max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(tokens: &[u64]) -> Vec<u64> {
        let mut b = SketchBuilder::new();
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
}
