//! One integration-test binary (it links once; this machine has two cores).
//! Tests that need `../shared` run whenever it is there; when it is not, they say
//! SKIPPED on a developer's machine and fail in CI (`CI` set), where it must be.

mod cli;
mod dedup;
mod engine;
mod inputs;
mod partition;
mod shared;
mod stage;
mod state;
mod warc;

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `first column → column col` of a TSV with a header line (assignments, gold
/// labels).
pub fn tsv_column(path: &std::path::Path, col: usize) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[col].to_string())
        })
        .collect()
}

/// True when the environment variable `CI` is set (to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// `../shared/{rel}` if the shared benchmark data is present; otherwise prints why
/// the calling test is skipped and returns `None`.
///
/// # Panics
/// When the data is absent in CI: there a skip would pass without testing anything.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(
        !in_ci(),
        "{} is not there, and CI is set: CI checks ../shared out beside the repo, \
         and the tests that need it must run there",
        p.display()
    );
    eprintln!(
        "SKIPPED: {} is not there (../shared is checked out beside the repo in CI)",
        p.display()
    );
    None
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
