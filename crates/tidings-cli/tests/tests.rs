//! One integration-test binary (it links once; this machine has two cores).
//! Tests that need `../shared` run whenever it is there and say so when it is not.

mod cli;
mod engine;
mod shared;

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `../shared/{rel}` if the shared benchmark data is present; otherwise prints why
/// the calling test is skipped and returns `None`.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: {} is not there (../shared is checked out beside the repo in CI)",
            p.display()
        );
        None
    }
}

/// Runs the real binary; panics with its stderr if it fails.
pub fn tidings_ok(args: &[&str]) -> std::process::Output {
    let out = tidings(args);
    assert!(
        out.status.success(),
        "tidings {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the real binary.
pub fn tidings(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args)
        .output()
        .expect("the binary runs")
}
