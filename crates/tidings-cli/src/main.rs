//! The `tidings` binary: parse flags, build a config, call the library, map errors to exit codes.

use std::process::ExitCode;

// jemalloc rather than glibc's allocator: analysis makes and frees many small
// blocks of many sizes (a document's term map, features, sketch, mentions), and
// the stories and articles grow and drop long lists. With glibc, its own
// functions (`_int_malloc`, `unlink_chunk`, `_int_free`, `malloc`, `realloc`)
// were 12% of the samples of the 50k crawl yardstick (`perf record`). With
// jemalloc that run took 8.8–8.9 s instead of 9.6–11.1 s, and the 1M eval 104–106 s
// instead of 118–126 s, at the same peak memory; mimalloc, as fast, held a quarter
// more (BENCHMARKS.md, twentieth round).
// jemalloc returns freed pages to the system by itself (after `dirty_decay_ms`),
// so the engine's `malloc_trim` between stages has nothing to do here. The Python
// extension sets the same allocator (crates/tidings-py/src/lib.rs).
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    ExitCode::from(tidings_cli::main_with_args(std::env::args_os()))
}
