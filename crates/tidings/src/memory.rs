//! Handing memory freed between stages back to the system.
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
//! MB (twelfth round).

/// Releases the free pages the allocator holds (glibc on Linux; elsewhere nothing).
pub(crate) fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and touches only the allocator's own
    // free lists, under each arena's lock, so any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
