//! Window order: the layout that turns "documents within `max_days` of each other"
//! into contiguous ranges of positions (see the module docs of [`crate::graph`]).

use crate::document::Day;
use std::ops::Range;

/// Documents in window order (see the module docs).
pub struct Windows {
    /// Position → document.
    pub order: Vec<u32>,
    /// Position → day, for the dated positions `0..n_dated`.
    days: Vec<i64>,
    pub n_dated: usize,
    max_days: i64,
}

impl Windows {
    pub fn new(days: &[Option<Day>], max_days: Option<i32>) -> Windows {
        let all: Vec<u32> = (0..days.len() as u32).collect();
        Windows::of_nodes(&all, days, max_days)
    }

    /// Window order of some documents only (`nodes`, document indices): positions
    /// map to those documents.
    pub fn of_nodes(nodes: &[u32], days: &[Option<Day>], max_days: Option<i32>) -> Windows {
        let mut dated: Vec<(i64, u32)> = Vec::new();
        let mut undated: Vec<u32> = Vec::new();
        for &i in nodes {
            match (days[i as usize], max_days) {
                (Some(d), Some(_)) => dated.push((i64::from(d.0), i)),
                _ => undated.push(i),
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

    pub fn n(&self) -> usize {
        self.order.len()
    }

    /// Whether the documents at two positions may be neighbours.
    pub fn compatible(&self, p: usize, q: usize) -> bool {
        p >= self.n_dated
            || q >= self.n_dated
            || (self.days[p] - self.days[q]).abs() <= self.max_days
    }

    /// Tiles of consecutive positions, never across the dated/undated boundary.
    pub fn tiles(&self, size: usize) -> Vec<Range<usize>> {
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
    pub fn candidates(&self, tile: &Range<usize>) -> Vec<Range<usize>> {
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
    pub fn blocks(&self) -> Vec<(Option<i64>, Range<usize>)> {
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

impl Windows {
    /// Which of `blocks` (from [`Windows::blocks`]) the positions in `queries` read:
    /// the blocks that meet one of theirs ([`blocks_meet`]).
    pub(crate) fn blocks_read(
        &self,
        blocks: &[(Option<i64>, Range<usize>)],
        queries: &Range<usize>,
    ) -> Vec<bool> {
        let theirs: Vec<Option<i64>> = blocks
            .iter()
            .filter(|(_, r)| r.start < queries.end && queries.start < r.end)
            .map(|(b, _)| *b)
            .collect();
        blocks
            .iter()
            .map(|(b, _)| theirs.iter().any(|&t| blocks_meet(t, *b)))
            .collect()
    }

    /// The positions cut into `parts` runs of whole tiles of `tile` positions
    /// ([`Windows::tiles`]), about equal in length, in order; some may be empty.
    /// Consecutive positions are documents of consecutive days, so a part reads
    /// only the blocks of days around its own (a date window with the overlap its
    /// windows need), and whole tiles make an exact search of a part that of the
    /// whole run.
    pub fn parts(&self, parts: usize, tile: usize) -> Vec<Range<usize>> {
        let tiles = self.tiles(tile);
        let parts = parts.max(1);
        (0..parts)
            .map(|i| {
                let (lo, hi) = (i * tiles.len() / parts, (i + 1) * tiles.len() / parts);
                if lo == hi {
                    let at = tiles.get(lo).map_or(self.n(), |t| t.start);
                    at..at
                } else {
                    tiles[lo].start..tiles[hi - 1].end
                }
            })
            .collect()
    }
}

/// For each position, the index of its block in `blocks` (from [`Windows::blocks`]).
pub(crate) fn block_index(blocks: &[(Option<i64>, Range<usize>)]) -> Vec<usize> {
    blocks
        .iter()
        .enumerate()
        .flat_map(|(b, (_, r))| std::iter::repeat_n(b, r.len()))
        .collect()
}

/// Whether a document of block `a` may have neighbours in block `b`: dated blocks
/// at most one apart (they cover its window), or either one undated.
pub(crate) fn blocks_meet(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1,
        _ => true,
    }
}

/// The indices in `blocks` (from [`Windows::blocks`]) of the blocks a document of
/// block `at` reads: those that [`blocks_meet`] it, found next to it. Blocks are
/// in day order with the undated one last, so a dated block's are at most the one
/// before, itself, the one after and the undated block. Scanning every block for
/// each query cost the number of blocks per document: at 1M synthetic documents
/// over 77 years, 3,500 blocks.
pub(crate) fn blocks_near(
    blocks: &[(Option<i64>, Range<usize>)],
    at: usize,
) -> impl Iterator<Item = usize> + '_ {
    let mine = blocks[at].0;
    let (lo, hi) = match mine {
        Some(_) => (at.saturating_sub(1), (at + 2).min(blocks.len())),
        None => (0, blocks.len()),
    };
    let undated = match blocks.last() {
        Some((None, _)) if hi < blocks.len() => Some(blocks.len() - 1),
        _ => None,
    };
    (lo..hi)
        .filter(move |&b| blocks_meet(mine, blocks[b].0))
        .chain(undated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Day;

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
        // The blocks a block reads, found next to it, are those that meet it.
        for at in 0..blocks.len() {
            let near: Vec<usize> = blocks_near(&blocks, at).collect();
            let meet: Vec<usize> = (0..blocks.len())
                .filter(|&b| blocks_meet(blocks[at].0, blocks[b].0))
                .collect();
            assert_eq!(near, meet, "block {at}");
        }
        // A dated position's compatible positions lie in blocks at most one apart,
        // and every position of its own block and of the undated one is compatible
        // (the sparse index checks no days there).
        let block = |p: usize| blocks.iter().find(|(_, r)| r.contains(&p)).unwrap().0;
        for p in 0..w.n() {
            for q in 0..w.n() {
                if p < w.n_dated && q < w.n_dated && w.compatible(p, q) {
                    assert!((block(p).unwrap() - block(q).unwrap()).abs() <= 1);
                }
                if block(p) == block(q) || block(q).is_none() {
                    assert!(w.compatible(p, q), "{p} {q}");
                }
            }
        }
    }

    #[test]
    fn parts_are_runs_of_whole_tiles_that_cover_every_position_once() {
        let mut days: Vec<Option<i32>> = (0..1000).map(|i| Some(i / 30)).collect();
        days.extend([None; 300]);
        let w = windows(&days, Some(3));
        let tiles = w.tiles(64);
        for parts in [1, 2, 3, 7, 40] {
            let ranges = w.parts(parts, 64);
            assert_eq!(ranges.len(), parts);
            let mut next = 0;
            for r in &ranges {
                assert_eq!(r.start, next, "{parts} parts: {ranges:?}");
                next = r.end;
                // Whole tiles only.
                assert!(tiles.iter().all(|t| t.end <= r.start
                    || t.start >= r.end
                    || (t.start >= r.start && t.end <= r.end)));
            }
            assert_eq!(next, w.n());
        }
        // A part of the first days reads its blocks and the next, not the undated
        // block's neighbours alone.
        let blocks = w.blocks();
        let read = w.blocks_read(&blocks, &(0..10));
        assert_eq!(read.iter().filter(|&&r| r).count(), 3, "{blocks:?}");
    }
}
