//! Memory: reading ahead what a pass will need ([`touch`], [`touch_first`]), and
//! handing memory freed between stages back to the system ([`release_freed`]).
//!
//! glibc's allocator keeps what a program frees in its arenas and returns to the
//! system only the free space at the top of each heap. The analyzed features
//! (freed as the vectors are made) and the index's working lists (freed once the
//! graph is built) are millions of small blocks spread among ones that live to
//! the end (document metadata, vectors), so their pages stay resident through the
//! stories and article stages although nothing uses them. `malloc_trim` walks the
//! free lists and releases every whole free page. It is called twice: once the
//! vectors are made (the features' pages) and once the graph is built (the index's).
//! Peak RSS, `tidings cluster` of the 200k yardstick: 1,692–1,713 → 1,418–1,442 MB,
//! no slower; `tidings eval` of 1M dated synthetic documents: 8,846 → 7,976–8,079
//! MB (BENCHMARKS.md, eleventh round), the call after vectorizing 100k: 838 → 783
//! MB (twelfth round). The `tidings` binary and the Python extension run on
//! jemalloc, which hands freed pages back by itself after a delay, so there the
//! call finds glibc's heaps nearly empty; it stays for other programs that embed
//! the engine on glibc's allocator.

/// Releases the free pages the allocator holds (glibc on Linux; elsewhere nothing).
pub(crate) fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and touches only the allocator's own
    // free lists, under each arena's lock, so any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Reads one entry in each cache line of `v`, so that a pass over it that follows
/// finds it in cache. Called for several vectors before any is used, their loads
/// do not wait on one another and their misses overlap; a dot product's pass waits
/// on the next line's load. The graph's exact cosines of 1M synthetic documents
/// spent half their samples on loading the neighbour's entries (`perf annotate`).
pub(crate) fn touch<T: Copy>(v: &[T]) {
    let per_line = (64 / std::mem::size_of::<T>()).max(1);
    for &e in v.iter().step_by(per_line).take(TOUCH_LINES) {
        std::hint::black_box(e);
    }
}

/// [`touch`] reads at most this many cache lines of a vector: a document's
/// vector whole, of a group's sum (thousands of entries) its start, after which
/// the hardware prefetcher follows the pass along it.
const TOUCH_LINES: usize = 16;

/// How many vectors are [`touch`]ed ahead of their use: enough for the misses to
/// overlap, few enough that they are all still in cache when used.
pub(crate) const TOUCH_AHEAD: usize = 16;

/// Reads the first element of `v`, if any, so that its cache miss starts now:
/// called for several lists before any is walked (a block's posting lists), the
/// misses overlap where a walk after each lookup waited on its own. [`touch`]
/// reads more of each.
pub(crate) fn touch_first<T: Copy>(v: &[T]) {
    std::hint::black_box(v.first().copied());
}
