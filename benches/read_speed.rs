//! `read-speed FILE...`: reads every input with the same reader `tidings cluster`
//! uses (decompression, format detection, JSONL parsing or WARC/WET records) and
//! nothing else, then prints one TSV line: seconds, documents, rejects, bytes as
//! stored, MB/s as stored, docs/s. `benches/read.sh` runs it on JSONL, zstd JSONL
//! and WET; the figures are in BENCHMARKS.md.

use std::path::PathBuf;
use std::time::Instant;
use tidings::document::{expand_inputs, DocReader};

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: read-speed FILE...");
        std::process::exit(2);
    }
    let bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let inputs = match expand_inputs(&paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("read-speed: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let (mut docs, mut rejects, mut text_bytes) = (0u64, 0u64, 0u64);
    for item in DocReader::new(inputs) {
        match item {
            Ok(Ok(d)) => {
                docs += 1;
                text_bytes += d.text.len() as u64;
            }
            Ok(Err(_)) => rejects += 1,
            Err(e) => {
                eprintln!("read-speed: {e}");
                std::process::exit(2);
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{secs:.3}\t{docs}\t{rejects}\t{bytes}\t{:.1}\t{:.0}\t{text_bytes}",
        bytes as f64 / 1e6 / secs,
        docs as f64 / secs
    );
}
