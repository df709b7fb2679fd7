//! The agglomeration's group sums, packed into chunks.
//!
//! Each merge makes its group's sum anew and frees the two it was made of, so an
//! agglomeration frees most of the sums it makes, in no order, and their sizes are
//! all different. Held each in an allocation of its own, they left the allocator's
//! slabs part used: on the 1M synthetic corpus's giant component (888,974 nodes)
//! the resident set rose by 1,805 MB while the agglomeration ended with 1,121 MB
//! of sums (BENCHMARKS.md, thirty-fifth round). Here a sum is a range of a chunk of
//! [`CHUNK_ENTRIES`] entries; a chunk that a third of is freed has its live sums
//! copied to the chunk being filled and goes back whole ([`SumStore::compact`]),
//! so the sums hold at most about half as much again as is live (1,341 MB for the
//! 1,121 MB there). The run's peak fell from 4,469 to 4,104 MB. The entries
//! themselves are the same, so every dot product is the same to the bit.

use crate::vectorize::Dim;

/// Entries of a full chunk (4 MiB). A chunk's size starts small and doubles up to
/// this, so that a component of a few documents does not take a whole one. Below
/// jemalloc's `oversize_threshold` (8 MiB), whose allocations have an arena of
/// their own that hands freed pages back at once: with 8 MiB chunks every new one
/// was faulted in afresh, and the 1M corpus's stories stage spent 5 to 8 s more in
/// the kernel.
#[cfg(not(test))]
const CHUNK_ENTRIES: usize = 1 << 19;
/// Small in the tests, so that their agglomerations move sums between chunks.
#[cfg(test)]
const CHUNK_ENTRIES: usize = 1 << 9;

/// The first chunk's entries.
const FIRST_CHUNK: usize = 1 << 9;

/// Entries at or above which [`SumStore::put_all`] copies on the pool.
const PARALLEL_COPY: usize = 1 << 16;

/// Full chunks' buffers kept for reuse once their chunk goes back, at most.
const SPARE_BUFFERS: usize = 2;

/// A sum longer than this has a chunk of its own, freed with it.
const OWN_CHUNK: usize = CHUNK_ENTRIES / 4;

/// A slot's spare capacity, to be written with its sum.
type Copy<'a> = (
    &'a mut [std::mem::MaybeUninit<(Dim, f32)>],
    &'a [(Dim, f32)],
);

/// Where a sum is: its chunk, its first entry there and its length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct SumSlot {
    chunk: u32,
    start: u32,
    len: u32,
}

impl SumSlot {
    pub(super) fn len(self) -> usize {
        self.len as usize
    }
}

#[derive(Default)]
struct Chunk {
    /// The sums' entries: as long as the slots handed out, once they are filled.
    entries: Vec<(Dim, f32)>,
    /// Entries of the slots handed out ([`SumStore::reserve`]), filled or not.
    reserved: usize,
    /// Entries of the sums freed from it.
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
    /// Chunks whose entries went back, for reuse.
    spare: Vec<u32>,
    /// Emptied buffers of full chunks, for the next ones (see [`SPARE_BUFFERS`]).
    buffers: Vec<Vec<(Dim, f32)>>,
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

    /// The entries of the sum at `slot`.
    #[inline]
    pub(super) fn get(&self, slot: SumSlot) -> &[(Dim, f32)] {
        let start = slot.start as usize;
        &self.chunks[slot.chunk as usize].entries[start..start + slot.len as usize]
    }

    /// Stores `sum` for group `owner`.
    pub(super) fn put(&mut self, sum: &[(Dim, f32)], owner: u32) -> SumSlot {
        let slot = self.reserve(sum.len(), owner);
        // The slot is the last handed out of its chunk, which is filled up to it.
        self.chunks[slot.chunk as usize]
            .entries
            .extend_from_slice(sum);
        slot
    }

    /// Stores each of `sums` for its owner, as many calls of [`SumStore::put`]
    /// would: the slots are handed out here, then the entries copied into them on
    /// the pool. (Copied one after another on the calling thread, the sums of the
    /// 1M synthetic corpus's rounds made its stories stage 20 to 40% slower.)
    pub(super) fn put_all(&mut self, sums: &[(u32, &[(Dim, f32)])]) -> Vec<SumSlot> {
        let slots: Vec<SumSlot> = sums
            .iter()
            .map(|&(owner, sum)| self.reserve(sum.len(), owner))
            .collect();
        // Each chunk's new slots, in the order they were handed out there (their
        // starts ascending), cut from its spare capacity.
        let mut mine: Vec<Vec<usize>> = vec![Vec::new(); self.chunks.len()];
        for (i, slot) in slots.iter().enumerate() {
            mine[slot.chunk as usize].push(i);
        }
        let mut copies: Vec<Copy<'_>> = Vec::with_capacity(sums.len());
        for (chunk, mine) in self.chunks.iter_mut().zip(&mine) {
            let mut spare = chunk.entries.spare_capacity_mut();
            for &i in mine {
                let (piece, rest) = spare.split_at_mut(sums[i].1.len());
                copies.push((piece, sums[i].1));
                spare = rest;
            }
        }
        let copy = |(piece, sum): Copy<'_>| {
            for (to, &from) in piece.iter_mut().zip(sum) {
                to.write(from);
            }
        };
        let work: usize = sums.iter().map(|s| s.1.len()).sum();
        if work >= PARALLEL_COPY && copies.len() >= 2 {
            use rayon::prelude::*;
            copies.into_par_iter().for_each(copy);
        } else {
            copies.into_iter().for_each(copy);
        }
        for (chunk, mine) in self.chunks.iter_mut().zip(&mine) {
            if !mine.is_empty() {
                // SAFETY: the entries up to `reserved` are those of the slots
                // handed out; each was cut from the spare capacity above, in
                // order and without gaps (a chunk's slots are handed out end to
                // end), and written whole from its sum.
                unsafe { chunk.entries.set_len(chunk.reserved) };
            }
        }
        slots
    }

    /// Hands out a slot of `len` entries for `owner`, not yet filled.
    fn reserve(&mut self, len: usize, owner: u32) -> SumSlot {
        if len > OWN_CHUNK {
            let chunk = self.chunk_with(len);
            return self.append(chunk, len, owner);
        }
        let room = match self.chunks.get(self.tail as usize) {
            Some(c) => c.entries.capacity() - c.reserved,
            None => 0,
        };
        if room < len {
            let capacity = (self.last_capacity * 2).clamp(FIRST_CHUNK, CHUNK_ENTRIES);
            self.last_capacity = capacity;
            let fresh = self.chunk_with(capacity.max(len));
            let old = std::mem::replace(&mut self.tail, fresh);
            // The chunk filled before was not queued while it was the tail.
            self.queue_if_third_freed(old);
        }
        self.append(self.tail, len, owner)
    }

    /// A chunk with room for `capacity` entries: a spare one, or a new one.
    fn chunk_with(&mut self, capacity: usize) -> u32 {
        let entries = match self.buffers.pop() {
            Some(b) if capacity == CHUNK_ENTRIES => b,
            other => {
                self.buffers.extend(other);
                Vec::with_capacity(capacity)
            }
        };
        let chunk = Chunk {
            entries,
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

    fn append(&mut self, chunk: u32, len: usize, owner: u32) -> SumSlot {
        let c = &mut self.chunks[chunk as usize];
        let start = c.reserved as u32;
        c.reserved += len;
        c.owners.push((owner, start));
        SumSlot {
            chunk,
            start,
            len: len as u32,
        }
    }

    /// Frees the sum at `slot`. Its chunk goes back at once when nothing of it is
    /// live any more, or waits for [`SumStore::compact`] once a third of it is
    /// freed.
    pub(super) fn free(&mut self, slot: SumSlot) {
        let i = slot.chunk;
        let c = &mut self.chunks[i as usize];
        c.dead += slot.len as usize;
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

    /// Hands a chunk's entries back to the allocator.
    fn release(&mut self, i: u32) {
        let chunk = std::mem::take(&mut self.chunks[i as usize]);
        if chunk.queued {
            self.full.retain(|&f| f != i);
        }
        self.recycle(chunk.entries);
        if i == self.tail {
            self.tail = u32::MAX;
        }
        self.spare.push(i);
    }

    /// Keeps a full chunk's buffer, emptied, for the next chunk, while fewer than
    /// [`SPARE_BUFFERS`] are kept; else frees it.
    fn recycle(&mut self, mut entries: Vec<(Dim, f32)>) {
        if entries.capacity() == CHUNK_ENTRIES && self.buffers.len() < SPARE_BUFFERS {
            entries.clear();
            self.buffers.push(entries);
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
            let entries = std::mem::take(&mut c.entries);
            let live: Vec<(u32, &[(Dim, f32)])> = put
                .into_iter()
                .filter_map(|(owner, start)| {
                    let held = *slot(&mut owners[owner as usize]);
                    let from = held.filter(|s| s.chunk == i && s.start == start)?;
                    let at = start as usize;
                    Some((owner, &entries[at..at + from.len as usize]))
                })
                .collect();
            for (&(owner, _), to) in live.iter().zip(self.put_all(&live)) {
                *slot(&mut owners[owner as usize]) = Some(to);
            }
            #[cfg(test)]
            MOVED.with(|n| n.set(n.get() + live.len()));
            drop(live);
            self.recycle(entries);
            self.release(i);
        }
    }

    /// Entries held, live or freed, and the capacity of the chunks (tests).
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let held = self.chunks.iter().map(|c| c.entries.len()).sum();
        let capacity = self.chunks.iter().map(|c| c.entries.capacity()).sum();
        (held, capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(seed: u32, len: usize) -> Vec<(Dim, f32)> {
        (0..len as u32)
            .map(|i| (seed * 1000 + i, (seed + i) as f32))
            .collect()
    }

    /// Sums put, freed and moved by compaction read back as put, and what the
    /// chunks hold stays within half as much again as is live (plus the chunk being
    /// filled).
    #[test]
    fn sums_read_back_through_frees_and_compaction() {
        let moved_before = MOVED.with(std::cell::Cell::get);
        let mut store = SumStore::new();
        let mut held: Vec<Option<SumSlot>> = vec![None; 400];
        let mut rnd = 7u64;
        let mut next = || {
            rnd = rnd
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rnd >> 33) as usize
        };
        for step in 0..20_000 {
            let owner = next() % held.len();
            if let Some(slot) = held[owner].take() {
                assert_eq!(store.get(slot), &sum(owner as u32, slot.len())[..]);
                store.free(slot);
            }
            if step % 3 != 0 {
                // Now and then longer than a chunk's quarter: a chunk of its own.
                let len = if next() % 50 == 0 {
                    OWN_CHUNK + 1 + next() % 100
                } else {
                    1 + next() % 60
                };
                held[owner] = Some(store.put(&sum(owner as u32, len), owner as u32));
            }
            store.compact(&mut held, |h| h);
            let live: usize = held.iter().flatten().map(|s| s.len()).sum();
            let (in_chunks, _) = store.held();
            assert!(
                in_chunks <= live + live / 2 + CHUNK_ENTRIES,
                "step {step}: {in_chunks} entries held for {live} live"
            );
        }
        for (owner, slot) in held.iter().enumerate() {
            if let Some(slot) = slot {
                assert_eq!(store.get(*slot), &sum(owner as u32, slot.len())[..]);
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
        let given: Vec<(u32, &[(Dim, f32)])> = made
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, &s[..]))
            .collect();
        let slots = store.put_all(&given);
        assert!(
            slots.iter().any(|s| s.chunk != slots[0].chunk),
            "one chunk only"
        );
        let one = store.put(&sum(999, 7), 999);
        for (slot, s) in slots.iter().zip(&made) {
            assert_eq!(store.get(*slot), &s[..]);
        }
        assert_eq!(store.get(one), &sum(999, 7)[..]);
    }

    /// A chunk freed whole goes back at once, and is reused.
    #[test]
    fn a_chunk_freed_whole_is_reused() {
        let mut store = SumStore::new();
        let a = store.put(&sum(1, OWN_CHUNK + 1), 1);
        store.free(a);
        assert_eq!(store.held(), (0, 0));
        let b = store.put(&sum(2, 10), 2);
        assert_eq!(b.chunk, a.chunk);
        assert_eq!(store.get(b), &sum(2, 10)[..]);
    }
}
