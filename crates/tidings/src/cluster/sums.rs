//! The agglomeration's group sums, packed into chunks.
//!
//! Each merge makes its group's sum anew and frees the two it was made of, so an
//! agglomeration frees most of the sums it makes, in no order, and their sizes are
//! all different. Held each in an allocation of its own, they left the allocator's
//! slabs part used: on the 1M synthetic corpus's giant component (888,974 nodes)
//! the resident set rose by 1,805 MB while the agglomeration ended with 1,121 MB
//! of sums (BENCHMARKS.md, thirty-fifth round). Here a sum is a range of a chunk of
//! [`CHUNK_UNITS`] units; a chunk that a third of is freed has its live sums
//! copied to the chunk being filled and goes back whole ([`SumStore::compact`]),
//! so the sums hold at most about half as much again as is live (1,341 MB for the
//! 1,121 MB there). The run's peak fell from 4,469 to 4,104 MB.
//!
//! An entry is stored in a 6-byte [`Unit`], its dimension an offset from the base
//! of its block of up to [`BLOCK`] entries, where a `(Dim, f32)` pair took 8 (the
//! 1M run's peak 4,106 → 3,752 MB, thirty-sixth round), and a sum is read through
//! a [`SumView`]. The weights are the f32s the sum was made of and every loop
//! adds the same products in the same order, so every dot product is the same to
//! the bit: the gallop into a long sum passes whole blocks, then halves one
//! ([`gallop_dot`]), and a merge of products reads a sum decoded into pairs.

use crate::vectorize::{Dim, Scan};
use std::mem::MaybeUninit;

/// A stored sum's unit, 6 bytes. A sum is stored in blocks: a block's first unit
/// is its head (how many entries follow in `off`, the block's base dimension in
/// `lo` and `hi`), each unit after it an entry (its dimension less the base in
/// `off`, its f32 weight's bits in `lo` and `hi`, halves so that the unit aligns on
/// 2 bytes). A block ends after [`BLOCK`] entries or before an entry more than
/// 65,535 past its base. A `(Dim, f32)` pair took 8 bytes: the sums held at the 1M
/// synthetic corpus's peak were 1,121 MB of them. Each entry's dimension is its
/// block's base plus its offset, with no chain from one entry to the next: the
/// gathers that read a sum (the hubs' totals in the agglomeration: 551M entries in
/// the 50k yardstick's stories stage) stay as short as over `(Dim, f32)` pairs,
/// where gaps from entry to entry, decoded as a running sum, doubled their cost.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(C)]
pub(super) struct Unit {
    off: u16,
    lo: u16,
    hi: u16,
}

/// Entries of a block, at most: a [`gallop_dot`] searches one by halving.
const BLOCK: usize = 64;

impl Unit {
    #[inline]
    fn bits(self) -> u32 {
        u32::from(self.hi) << 16 | u32::from(self.lo)
    }

    fn with_bits(off: u16, bits: u32) -> Unit {
        Unit {
            off,
            lo: bits as u16,
            hi: (bits >> 16) as u16,
        }
    }

    /// An entry's weight.
    #[inline]
    fn weight(self) -> f32 {
        f32::from_bits(self.bits())
    }
}

/// A sum made and encoded, not yet stored: its units, made by an [`Encoder`].
pub(super) struct Encoded {
    units: Vec<Unit>,
    entries: u32,
}

impl Encoded {
    /// The sum of `entries`, by rising dimension.
    pub(super) fn of(entries: &[(Dim, f32)]) -> Encoded {
        let mut e = Encoder::with_capacity(entries.len());
        for &(d, w) in entries {
            e.push(d, w);
        }
        e.finish()
    }

    /// How many entries.
    pub(super) fn len(&self) -> usize {
        self.entries as usize
    }

    /// It as read from the store.
    #[cfg(test)]
    fn view(&self) -> SumView<'_> {
        SumView {
            units: &self.units,
            entries: self.entries,
        }
    }
}

/// Encodes a sum entry by entry, as it is made (a merge of two sums adds into
/// one): a sum is never held as `(Dim, f32)` pairs.
pub(super) struct Encoder {
    units: Vec<Unit>,
    /// The open block's head and base.
    head: usize,
    base: Dim,
    entries: u32,
}

impl Encoder {
    /// Room for about `entries` entries.
    pub(super) fn with_capacity(entries: usize) -> Encoder {
        Encoder {
            units: Vec::with_capacity(entries + entries.div_ceil(BLOCK) + 1),
            head: usize::MAX,
            base: 0,
            entries: 0,
        }
    }

    /// Entries of the open block (a wrapped count when none is open).
    #[inline]
    fn in_block(&self) -> usize {
        self.units.len().wrapping_sub(self.head).wrapping_sub(1)
    }

    /// Adds the entry `(d, w)`, `d` above the last entry's.
    #[inline]
    pub(super) fn push(&mut self, d: Dim, w: f32) {
        if self.head == usize::MAX
            || self.in_block() == BLOCK
            || d - self.base > Dim::from(u16::MAX)
        {
            self.open(d);
        }
        self.units
            .push(Unit::with_bits((d - self.base) as u16, w.to_bits()));
        self.entries += 1;
    }

    /// Closes the open block, if any, and opens one based at `d`.
    #[cold]
    fn open(&mut self, d: Dim) {
        self.close();
        self.head = self.units.len();
        self.base = d;
        self.units.push(Unit::with_bits(0, d));
    }

    /// Writes the open block's count into its head.
    fn close(&mut self) {
        let count = self.in_block();
        if let Some(head) = self.units.get_mut(self.head) {
            head.off = count as u16;
        }
    }

    /// The sum encoded.
    pub(super) fn finish(mut self) -> Encoded {
        self.close();
        Encoded {
            units: self.units,
            entries: self.entries,
        }
    }
}

/// A stored sum as read: its units and how many entries it has.
#[derive(Clone, Copy)]
pub(super) struct SumView<'a> {
    units: &'a [Unit],
    entries: u32,
}

impl<'a> SumView<'a> {
    /// How many entries: what decides between a merge and a gallop.
    #[inline]
    pub(super) fn len(self) -> usize {
        self.entries as usize
    }

    /// Each block's base and entries.
    #[inline]
    fn blocks(self) -> impl Iterator<Item = (Dim, &'a [Unit])> {
        let mut rest = self.units;
        std::iter::from_fn(move || {
            let (head, tail) = rest.split_first()?;
            let (block, after) = tail.split_at(usize::from(head.off));
            rest = after;
            Some((head.bits(), block))
        })
    }

    /// Its entries, by rising dimension.
    pub(super) fn entries(self) -> impl Iterator<Item = (Dim, f32)> + 'a {
        self.blocks().flat_map(|(base, block)| {
            block
                .iter()
                .map(move |u| (base + Dim::from(u.off), u.weight()))
        })
    }

    /// Its entries as `(Dim, f32)` pairs in `out`, for the merge of products
    /// ([`vectorize::dot`](crate::vectorize::dot)), which reads its lists slot by
    /// slot.
    pub(super) fn decode_into(self, out: &mut Vec<(Dim, f32)>) {
        out.clear();
        out.reserve(self.len());
        out.extend(self.entries());
    }

    /// Its units, for the reads that start its cache misses early
    /// ([`touch`](crate::memory::touch)).
    pub(super) fn units(self) -> &'a [Unit] {
        self.units
    }
}

impl Scan for SumView<'_> {
    #[inline]
    fn each_slot(self, mut f: impl FnMut(Dim, f32)) {
        for (base, block) in self.blocks() {
            for u in block {
                f(base + Dim::from(u.off), u.weight());
            }
        }
    }

    fn last_dim(self) -> Option<Dim> {
        self.blocks()
            .last()
            .and_then(|(base, block)| Some(base + Dim::from(block.last()?.off)))
    }
}

/// Sparse dot product of an id-sorted list and a much longer stored sum: each
/// entry of the short one is found in the long one by passing the blocks that end
/// below it, then halving within the block. The matching products are added in
/// the short list's order, as a gallop over the entries themselves did.
pub(super) fn gallop_dot(short: impl Iterator<Item = (Dim, f32)>, long: SumView<'_>) -> f64 {
    let mut s = 0.0f64;
    let mut blocks = long.blocks();
    let Some((mut base, mut block)) = blocks.next() else {
        return 0.0;
    };
    // Entries of the current block not yet passed.
    let mut at = 0;
    for (f, w) in short {
        // The block whose last entry reaches `f`, if any.
        while block.last().is_none_or(|u| base + Dim::from(u.off) < f) {
            match blocks.next() {
                Some(next) => ((base, block), at) = (next, 0),
                None => return s,
            }
        }
        if f < base {
            continue;
        }
        let off = f - base;
        let i = at + block[at..].partition_point(|u| Dim::from(u.off) < off);
        // `i` is in the block: its last entry is at or past `f`.
        if Dim::from(block[i].off) == off {
            s += f64::from(w) * f64::from(block[i].weight());
            at = i + 1;
        } else {
            at = i;
        }
    }
    s
}

/// Units of a full chunk (4 MiB). A chunk's size starts small and
/// doubles up to this, so that a component of a few documents does not take a
/// whole one. Below jemalloc's `oversize_threshold` (8 MiB), whose allocations
/// have an arena of their own that hands freed pages back at once: with 8 MiB
/// chunks every new one was faulted in afresh, and the 1M corpus's stories stage
/// spent 5 to 8 s more in the kernel.
#[cfg(not(test))]
const CHUNK_UNITS: usize = (4 << 20) / std::mem::size_of::<Unit>();
/// Small in the tests, so that their agglomerations move sums between chunks.
#[cfg(test)]
const CHUNK_UNITS: usize = 1 << 9;

/// The first chunk's units.
const FIRST_CHUNK: usize = 1 << 9;

/// Units at or above which [`SumStore::put_all`] copies on the pool.
const PARALLEL_COPY: usize = 1 << 16;

/// Full chunks' buffers kept for reuse once their chunk goes back, at most.
const SPARE_BUFFERS: usize = 2;

/// A sum of more units than this has a chunk of its own, freed with it.
const OWN_CHUNK: usize = CHUNK_UNITS / 4;

/// Where a sum is: its chunk, its first unit there, its units and its entries.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct SumSlot {
    chunk: u32,
    start: u32,
    units: u32,
    entries: u32,
}

impl SumSlot {
    /// How many entries the sum has.
    pub(super) fn len(self) -> usize {
        self.entries as usize
    }

    /// Units it takes.
    fn units(self) -> usize {
        self.units as usize
    }
}

/// What [`SumStore::fill`] copies into a slot: a sum's units and its
/// entries (an [`Encoded`] sum's, or a stored one's that compaction moves).
type Source<'a> = (&'a [Unit], u32);

#[derive(Default)]
struct Chunk {
    /// The sums' units: as long as the slots handed out, once they are filled.
    units: Vec<Unit>,
    /// Units of the slots handed out ([`SumStore::reserve`]), filled or not.
    reserved: usize,
    /// Units of the sums freed from it.
    dead: usize,
    /// (owner, start) of each sum put into it: the owner (a group) still holds the
    /// sum while its slot is this one.
    owners: Vec<(u32, u32)>,
    /// Whether it waits in [`SumStore::full`] to be compacted.
    queued: bool,
}

/// The sums of one agglomeration.
#[derive(Default)]
pub(super) struct SumStore {
    chunks: Vec<Chunk>,
    /// Chunks whose units went back, for reuse.
    spare: Vec<u32>,
    /// Emptied buffers of full chunks, for the next ones (see [`SPARE_BUFFERS`]).
    buffers: Vec<Vec<Unit>>,
    /// The chunk new sums go into (`u32::MAX` before the first).
    tail: u32,
    /// Capacity of the last chunk made for the tail.
    last_capacity: usize,
    /// Chunks a third of which is freed, to compact.
    full: Vec<u32>,
}

#[cfg(test)]
thread_local! {
    /// Sums moved by compaction on this thread: the tests check that theirs reach
    /// it.
    pub(super) static MOVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl SumStore {
    pub(super) fn new() -> SumStore {
        SumStore {
            tail: u32::MAX,
            ..SumStore::default()
        }
    }

    /// The sum at `slot`.
    #[inline]
    pub(super) fn get(&self, slot: SumSlot) -> SumView<'_> {
        let start = slot.start as usize;
        let units = &self.chunks[slot.chunk as usize].units[start..start + slot.units()];
        SumView {
            units,
            entries: slot.entries,
        }
    }

    /// Stores `sum` for group `owner`.
    pub(super) fn put(&mut self, sum: &Encoded, owner: u32) -> SumSlot {
        let slot = self.reserve(sum.units.len(), sum.len(), owner);
        // The slot is the last handed out of its chunk, which is filled up to it.
        self.chunks[slot.chunk as usize]
            .units
            .extend_from_slice(&sum.units);
        slot
    }

    /// Stores each of `sums` for its owner, as many calls of [`SumStore::put`]
    /// would: the slots are handed out here, then the units copied into them on
    /// the pool. (Copied one after another on the calling thread, the sums of the
    /// 1M synthetic corpus's rounds made its stories stage 20 to 40% slower.)
    pub(super) fn put_all(&mut self, sums: &[(u32, &Encoded)]) -> Vec<SumSlot> {
        let sources: Vec<(u32, Source<'_>)> = sums
            .iter()
            .map(|&(o, sum)| (o, (&sum.units[..], sum.entries)))
            .collect();
        self.fill(&sources)
    }

    /// [`SumStore::put_all`] of sums' units.
    fn fill(&mut self, sums: &[(u32, Source<'_>)]) -> Vec<SumSlot> {
        let slots: Vec<SumSlot> = sums
            .iter()
            .map(|&(owner, (units, n_entries))| {
                self.reserve(units.len(), n_entries as usize, owner)
            })
            .collect();
        // Each chunk's new slots, in the order they were handed out there (their
        // starts ascending), cut from its spare capacity.
        let mut mine: Vec<Vec<usize>> = vec![Vec::new(); self.chunks.len()];
        for (i, slot) in slots.iter().enumerate() {
            mine[slot.chunk as usize].push(i);
        }
        let mut copies: Vec<(&mut [MaybeUninit<Unit>], &[Unit])> = Vec::with_capacity(sums.len());
        for (chunk, mine) in self.chunks.iter_mut().zip(&mine) {
            let mut spare = chunk.units.spare_capacity_mut();
            for &i in mine {
                let units = sums[i].1 .0;
                let (piece, rest) = spare.split_at_mut(units.len());
                copies.push((piece, units));
                spare = rest;
            }
        }
        let copy = |(piece, units): (&mut [MaybeUninit<Unit>], &[Unit])| {
            for (to, &from) in piece.iter_mut().zip(units) {
                to.write(from);
            }
        };
        let work: usize = sums.iter().map(|s| s.1 .0.len()).sum();
        if work >= PARALLEL_COPY && copies.len() >= 2 {
            use rayon::prelude::*;
            copies.into_par_iter().for_each(copy);
        } else {
            copies.into_iter().for_each(copy);
        }
        for (chunk, mine) in self.chunks.iter_mut().zip(&mine) {
            if !mine.is_empty() {
                // SAFETY: the units up to `reserved` are those of the slots handed
                // out; each was cut from the spare capacity above, in order and
                // without gaps (a chunk's slots are handed out end to end), and
                // written whole from its sum's units.
                unsafe { chunk.units.set_len(chunk.reserved) };
            }
        }
        slots
    }

    /// Hands out a slot for a sum of `len` units and `entries` entries, for
    /// `owner`, not yet filled.
    fn reserve(&mut self, len: usize, entries: usize, owner: u32) -> SumSlot {
        let chunk = if len > OWN_CHUNK {
            self.chunk_with(len)
        } else {
            let room = match self.chunks.get(self.tail as usize) {
                Some(c) => c.units.capacity() - c.reserved,
                None => 0,
            };
            if room < len {
                let capacity = (self.last_capacity * 2).clamp(FIRST_CHUNK, CHUNK_UNITS);
                self.last_capacity = capacity;
                let fresh = self.chunk_with(capacity.max(len));
                let old = std::mem::replace(&mut self.tail, fresh);
                // The chunk filled before was not queued while it was the tail.
                self.queue_if_third_freed(old);
            }
            self.tail
        };
        let c = &mut self.chunks[chunk as usize];
        let start = c.reserved as u32;
        c.reserved += len;
        c.owners.push((owner, start));
        SumSlot {
            chunk,
            start,
            units: len as u32,
            entries: entries as u32,
        }
    }

    /// A chunk with room for `capacity` units: a spare one, or a new one.
    fn chunk_with(&mut self, capacity: usize) -> u32 {
        let units = match self.buffers.pop() {
            Some(b) if capacity == CHUNK_UNITS => b,
            other => {
                self.buffers.extend(other);
                Vec::with_capacity(capacity)
            }
        };
        let chunk = Chunk {
            units,
            ..Chunk::default()
        };
        match self.spare.pop() {
            Some(i) => {
                self.chunks[i as usize] = chunk;
                i
            }
            None => {
                self.chunks.push(chunk);
                (self.chunks.len() - 1) as u32
            }
        }
    }

    /// Frees the sum at `slot`. Its chunk goes back at once when nothing of it is
    /// live any more, or waits for [`SumStore::compact`] once a third of it is
    /// freed.
    pub(super) fn free(&mut self, slot: SumSlot) {
        let i = slot.chunk;
        let c = &mut self.chunks[i as usize];
        c.dead += slot.units();
        if c.dead == c.reserved {
            self.release(i);
        } else {
            self.queue_if_third_freed(i);
        }
    }

    /// Queues chunk `i` for [`SumStore::compact`] once a third of it is freed,
    /// unless it is the chunk being filled (or none, `u32::MAX`) or queued already.
    fn queue_if_third_freed(&mut self, i: u32) {
        if i == self.tail {
            return;
        }
        if let Some(c) = self.chunks.get_mut(i as usize) {
            if !c.queued && 3 * c.dead >= c.reserved {
                c.queued = true;
                self.full.push(i);
            }
        }
    }

    /// Hands a chunk's units back to the allocator.
    fn release(&mut self, i: u32) {
        let chunk = std::mem::take(&mut self.chunks[i as usize]);
        if chunk.queued {
            self.full.retain(|&f| f != i);
        }
        self.recycle(chunk.units);
        if i == self.tail {
            self.tail = u32::MAX;
        }
        self.spare.push(i);
    }

    /// Keeps a full chunk's buffer, emptied, for the next chunk, while fewer than
    /// [`SPARE_BUFFERS`] are kept; else frees it.
    fn recycle(&mut self, mut units: Vec<Unit>) {
        if units.capacity() == CHUNK_UNITS && self.buffers.len() < SPARE_BUFFERS {
            units.clear();
            self.buffers.push(units);
        }
    }

    /// Copies the live sums of each chunk a third of which is freed to the chunk
    /// being filled, and hands the chunk back. `slot(&mut owners[o])` is where
    /// owner `o` holds its sum's slot; a moved sum's new slot is written there.
    /// Called only where every live sum is held by its owner (none taken out by a
    /// merge in progress), since a sum its owner does not hold counts as freed.
    pub(super) fn compact<T>(
        &mut self,
        owners: &mut [T],
        slot: impl Fn(&mut T) -> &mut Option<SumSlot>,
    ) {
        while let Some(i) = self.full.pop() {
            let c = &mut self.chunks[i as usize];
            c.queued = false;
            let put = std::mem::take(&mut c.owners);
            let units = std::mem::take(&mut c.units);
            let live: Vec<(u32, Source<'_>)> = put
                .into_iter()
                .filter_map(|(owner, start)| {
                    let held = *slot(&mut owners[owner as usize]);
                    let from = held.filter(|s| s.chunk == i && s.start == start)?;
                    let at = start as usize;
                    let moved = &units[at..at + from.units()];
                    Some((owner, (moved, from.entries)))
                })
                .collect();
            for (&(owner, _), to) in live.iter().zip(self.fill(&live)) {
                *slot(&mut owners[owner as usize]) = Some(to);
            }
            #[cfg(test)]
            MOVED.with(|n| n.set(n.get() + live.len()));
            drop(live);
            self.recycle(units);
            self.release(i);
        }
    }

    /// Units held, live or freed, and the capacity of the chunks (tests).
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let held = self.chunks.iter().map(|c| c.units.len()).sum();
        let capacity = self.chunks.iter().map(|c| c.units.capacity()).sum();
        (held, capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sum with gaps now and then wider than a block may span (140,001).
    fn sum(seed: u32, len: usize) -> Vec<(Dim, f32)> {
        (0..len as u32)
            .map(|i| (seed * 1000 + i + (i / 37) * 140_000, (seed + i) as f32))
            .collect()
    }

    fn read(view: SumView<'_>) -> Vec<(Dim, f32)> {
        view.entries().collect()
    }

    /// The gallop over a sum's entries themselves, as the agglomeration took it
    /// before sums were stored as units: the oracle of [`gallop_dot`].
    fn gallop_over_entries(short: &[(Dim, f32)], long: &[(Dim, f32)]) -> f64 {
        let (mut s, mut lo) = (0.0f64, 0usize);
        for &(f, w) in short {
            let mut step = 1;
            while lo + step < long.len() && long[lo + step].0 < f {
                step *= 2;
            }
            let hi = (lo + step + 1).min(long.len());
            match long[lo..hi].binary_search_by_key(&f, |e| e.0) {
                Ok(i) => {
                    s += f64::from(w) * f64::from(long[lo + i].1);
                    lo += i + 1;
                }
                Err(i) => lo += i,
            }
            if lo >= long.len() {
                break;
            }
        }
        s
    }

    /// A random id-sorted list: `len` entries, gaps mostly small, some past what a
    /// block may span, a few of about 2³², weights finite.
    fn random_sum(next: &mut impl FnMut() -> usize, len: usize, spread: usize) -> Vec<(Dim, f32)> {
        let mut dim: u64 = (next() % 3) as u64;
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            let gap = match next() % 1000 {
                0..10 => 65_535 + (next() % 200_000) as u64,
                10 if dim < 1 << 20 => 65_535 * 65_535 + (next() % 1000) as u64,
                _ => 1 + (next() % spread) as u64,
            };
            dim += gap;
            if dim > u64::from(u32::MAX) {
                break;
            }
            out.push((dim as Dim, (next() % 1000) as f32 / 7.0 + 0.001));
            if out.len() == 1 {
                dim = u64::from(out[0].0);
            }
        }
        out
    }

    /// The crate's test generator ([`crate::test_rng::xorshift`]), as indices.
    fn rng(seed: u64) -> impl FnMut() -> usize {
        let mut next = crate::test_rng::xorshift(seed);
        move || next() as usize
    }

    /// A stored sum reads back as its entries, through every reading: its
    /// entries, its scan (dimensions rising), its highest dimension, the gallop
    /// over its blocks (the same bits as the gallop over its entries) and the
    /// gather of products; its blocks hold at most [`BLOCK`] entries, each within
    /// 65,535 of its block's base.
    #[test]
    fn stored_sums_read_as_their_entries() {
        let mut next = rng(11);
        let mut store = SumStore::new();
        let (mut galloped_past_blocks, mut matched, mut scattered) = (0, 0, 0);
        for case in 0..400 {
            let (long_len, long_spread) = (1 + next() % 3000, 1 + next() % 40);
            let long = random_sum(&mut next, long_len, long_spread);
            let (short_len, short_spread) = (1 + next() % 200, 1 + next() % 400);
            let short = random_sum(&mut next, short_len, short_spread);
            let slot = store.put(&Encoded::of(&long), case);
            let view = store.get(slot);
            assert_eq!(read(view), long);
            assert_eq!(view.len(), long.len());
            assert_eq!(read(Encoded::of(&long).view()), long);
            assert_eq!(view.last_dim(), long.last().map(|e| e.0));
            assert!(view
                .blocks()
                .all(|(_, b)| !b.is_empty() && b.len() <= BLOCK));
            let mut scan = Vec::new();
            view.each_slot(|d, w| scan.push((d, w)));
            assert_eq!(scan, long);
            let want = gallop_over_entries(&short, &long);
            let got = gallop_dot(short.iter().copied(), view);
            assert_eq!(got.to_bits(), want.to_bits(), "case {case}");
            matched += usize::from(want != 0.0);
            if short.len() > 1 && view.blocks().count() > 4 {
                galloped_past_blocks += 1;
            }
            // Scattered into an array as long as its highest dimension: not past
            // 2²⁴ here.
            if short.last().is_some_and(|e| e.0 < 1 << 24) {
                let gathered = crate::vectorize::scattered(&short[..], |d| d.dot(view));
                let by_entries = crate::vectorize::scattered(&short[..], |d| d.dot(&long[..]));
                assert_eq!(gathered.to_bits(), by_entries.to_bits());
                scattered += 1;
            }
            store.free(slot);
        }
        assert!(galloped_past_blocks > 150, "{galloped_past_blocks}");
        assert!(scattered > 200, "{scattered}");
        assert!(matched > 100, "{matched}");
    }

    /// An entry of weight 0 stays an entry.
    #[test]
    fn a_zero_weight_stays_an_entry() {
        let sum = Encoded::of(&[(5, 0.0), (9, 1.5)]);
        let view = sum.view();
        assert_eq!(view.len(), 2);
        assert_eq!(read(view), [(5, 0.0), (9, 1.5)]);
        let short = [(5, 2.0), (9, 2.0)];
        assert_eq!(
            gallop_dot(short.iter().copied(), view).to_bits(),
            3.0f64.to_bits()
        );
    }

    /// Dimensions far apart, up to the widest, each start a block.
    #[test]
    fn the_widest_gap_reads_back() {
        let long = vec![(0, 0.5), (3, 1.5), (u32::MAX - 8, 2.5), (u32::MAX, 0.25)];
        assert_eq!(Encoded::of(&long).view().blocks().count(), 2);
        let mut store = SumStore::new();
        let slot = store.put(&Encoded::of(&long), 0);
        assert_eq!(read(store.get(slot)), long);
        assert_eq!(store.get(slot).last_dim(), Some(u32::MAX));
        let short = [
            (0, 2.0),
            (u32::MAX - 8, 2.0),
            (u32::MAX - 1, 1.0),
            (u32::MAX, 4.0),
        ];
        assert_eq!(gallop_dot(short.iter().copied(), store.get(slot)), 7.0);
    }

    /// Sums put, freed and moved by compaction read back as put, and what the
    /// chunks hold stays within half as much again as is live (plus the chunk being
    /// filled).
    #[test]
    fn sums_read_back_through_frees_and_compaction() {
        let moved_before = MOVED.with(std::cell::Cell::get);
        let mut store = SumStore::new();
        let mut held: Vec<Option<SumSlot>> = vec![None; 400];
        let mut next = rng(7);
        for step in 0..20_000 {
            let owner = next() % held.len();
            if let Some(slot) = held[owner].take() {
                assert_eq!(read(store.get(slot)), sum(owner as u32, slot.len()));
                store.free(slot);
            }
            if step % 3 != 0 {
                // Now and then longer than a chunk's quarter: a chunk of its own.
                let len = if next().is_multiple_of(50) {
                    OWN_CHUNK + 1 + next() % 100
                } else {
                    1 + next() % 60
                };
                held[owner] = Some(store.put(&Encoded::of(&sum(owner as u32, len)), owner as u32));
            }
            store.compact(&mut held, |h| h);
            let live: usize = held.iter().flatten().map(|s| s.len()).sum();
            let (in_chunks, _) = store.held();
            assert!(
                in_chunks <= live + live / 2 + CHUNK_UNITS,
                "step {step}: {in_chunks} units held for {live} live"
            );
        }
        for (owner, slot) in held.iter().enumerate() {
            if let Some(slot) = slot {
                assert_eq!(read(store.get(*slot)), sum(owner as u32, slot.len()));
            }
        }
        assert!(
            MOVED.with(std::cell::Cell::get) > moved_before,
            "no sum was moved"
        );
    }

    /// Sums stored together, copied on the pool across several chunks, read back
    /// as stored; so does one stored alone after them.
    #[test]
    fn sums_stored_together_read_back() {
        let mut store = SumStore::new();
        let lens: Vec<usize> = (0..600).map(|i| 1 + (i * 37) % 300).collect();
        assert!(lens.iter().sum::<usize>() >= PARALLEL_COPY);
        let made: Vec<Vec<(Dim, f32)>> = lens
            .iter()
            .enumerate()
            .map(|(i, &n)| sum(i as u32, n))
            .collect();
        let encoded: Vec<Encoded> = made.iter().map(|s| Encoded::of(s)).collect();
        let given: Vec<(u32, &Encoded)> = encoded
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s))
            .collect();
        let slots = store.put_all(&given);
        assert!(
            slots.iter().any(|s| s.chunk != slots[0].chunk),
            "one chunk only"
        );
        let one = store.put(&Encoded::of(&sum(999, 7)), 999);
        for (slot, s) in slots.iter().zip(&made) {
            assert_eq!(read(store.get(*slot)), *s);
        }
        assert_eq!(read(store.get(one)), sum(999, 7));
    }

    /// A chunk freed whole goes back at once, and is reused.
    #[test]
    fn a_chunk_freed_whole_is_reused() {
        let mut store = SumStore::new();
        let a = store.put(&Encoded::of(&sum(1, OWN_CHUNK + 1)), 1);
        store.free(a);
        assert_eq!(store.held(), (0, 0));
        let b = store.put(&Encoded::of(&sum(2, 10)), 2);
        assert_eq!(b.chunk, a.chunk);
        assert_eq!(read(store.get(b)), sum(2, 10));
    }
}
