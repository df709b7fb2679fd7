//! Per-stage throughput: read, detect, analyze (all, and per language), vectorize,
//! index build, kNN, cluster.
//! Reads ../shared/data/wmt21-dev.jsonl when present (the real mix of languages),
//! else the bundled data/sample.jsonl. `cargo bench --bench stages`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::path::PathBuf;
use tidings::ann::{AnnIndex, HnswIndex, HnswParams};
use tidings::cluster::{cluster_stories, ClusterConfig};
use tidings::document::{expand_inputs, DocReader, Document};
use tidings::graph::{build_knn_graph, GraphConfig, IndexKind};
use tidings::lang::detect_lang;
use tidings::lexicon::Models;
use tidings::pivot::doc_features;
use tidings::vectorize::{dense_projection, document_frequencies, sparse_vectors, DENSE_DIM};

fn corpus_path(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = root.join(format!("../shared/data/{name}.jsonl"));
    let path = if shared.exists() {
        shared
    } else {
        root.join("data/sample.jsonl")
    };
    eprintln!("bench corpus: {}", path.display());
    path
}

fn read(path: &PathBuf) -> Vec<Document> {
    DocReader::new(expand_inputs(std::slice::from_ref(path)).unwrap())
        .filter_map(|r| r.ok().and_then(|r| r.ok()))
        .collect()
}

/// Analysis per language, on ntrex-dev (the same articles in 16 languages, so the
/// languages' costs compare). The word cache is warm after the first iteration: this
/// is the steady state of a long run, where most words have been seen.
fn analyze_by_lang(c: &mut Criterion) {
    let docs = read(&corpus_path("ntrex-dev"));
    let models = Models::bundled();
    models.load_all().unwrap();
    let mut by_lang: std::collections::BTreeMap<_, Vec<&Document>> = Default::default();
    for d in &docs {
        by_lang.entry(detect_lang(&d.text)).or_default().push(d);
    }
    let mut g = c.benchmark_group("analyze_by_lang");
    g.sample_size(10);
    for (lang, docs) in by_lang.iter().filter(|(l, d)| !l.is_und() && d.len() >= 10) {
        g.throughput(Throughput::Elements(docs.len() as u64));
        g.bench_function(BenchmarkId::new(lang.code(), docs.len()), |b| {
            b.iter(|| {
                let n: usize = docs
                    .iter()
                    .map(|d| {
                        doc_features(&d.text, *lang, &models, &Default::default())
                            .features
                            .len()
                    })
                    .sum();
                assert!(n > 0)
            })
        });
    }
    g.finish();
}

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("all_lexicons", |b| {
        b.iter(|| assert!(Models::bundled().load_all().unwrap() > 100_000))
    });
    g.finish();
}

fn stages(c: &mut Criterion) {
    let path = corpus_path("wmt21-dev");
    let docs = read(&path);
    let models = Models::bundled();
    models.load_all().unwrap();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let mut g = c.benchmark_group("stages");
    g.sample_size(10);
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function(BenchmarkId::new("read", docs.len()), |b| {
        b.iter(|| assert_eq!(read(&path).len(), docs.len()))
    });
    g.bench_function(BenchmarkId::new("detect", docs.len()), |b| {
        b.iter(|| {
            assert!(
                docs.iter()
                    .map(|d| detect_lang(&d.text))
                    .filter(|l| !l.is_und())
                    .count()
                    > 0
            )
        })
    });
    let langs: Vec<_> = docs.iter().map(|d| detect_lang(&d.text)).collect();
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(BenchmarkId::new("analyze+pivot", docs.len()), |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .zip(&langs)
                .map(|(d, &l)| {
                    doc_features(&d.text, l, &models, &Default::default())
                        .features
                        .len()
                })
                .sum();
            assert!(n > 0)
        })
    });
    let feats: Vec<_> = docs
        .iter()
        .zip(&langs)
        .map(|(d, &l)| doc_features(&d.text, l, &models, &Default::default()))
        .collect();
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function(BenchmarkId::new("vectorize", docs.len()), |b| {
        // sparse_vectors takes the features: each iteration gets a fresh copy (not timed).
        b.iter_batched(
            || feats.clone(),
            |mut feats| {
                let df = document_frequencies(&feats);
                let v = sparse_vectors(&mut feats, &df);
                assert_eq!(dense_projection(&v, DENSE_DIM).nrows(), docs.len())
            },
            BatchSize::LargeInput,
        )
    });
    let df = document_frequencies(&feats);
    let vecs = sparse_vectors(&mut feats.clone(), &df);
    let dense = dense_projection(&vecs, DENSE_DIM);
    g.bench_function(BenchmarkId::new("hnsw_build", docs.len()), |b| {
        b.iter(|| {
            let index = HnswIndex::build(dense.view(), 0, HnswParams::default());
            let q = dense.row(0);
            assert!(index.search(q.as_slice().unwrap(), 1, &|_| true).len() <= 1)
        })
    });
    // The whole graph stage: dense projection, index (HNSW: built per date block),
    // queries and exact re-scoring. The bench corpus is undated: one window.
    let days = vec![None; vecs.len()];
    let graph_config = |index| GraphConfig {
        k: 24,
        floor: 0.1,
        max_days: Some(7),
        index,
        hnsw: HnswParams::default(),
    };
    for (name, kind) in [
        ("knn_graph_hnsw", IndexKind::Hnsw),
        ("knn_graph_exact", IndexKind::Exact),
    ] {
        g.bench_function(BenchmarkId::new(name, docs.len()), |b| {
            b.iter(|| {
                assert!(!build_knn_graph(&vecs, &days, &graph_config(kind))
                    .0
                    .edges
                    .is_empty())
            })
        });
    }
    let (graph, _) = build_knn_graph(&vecs, &days, &graph_config(IndexKind::Exact));
    let config = ClusterConfig {
        threshold: 0.2,
        max_days: None,
        cohesion: 0.3,
    };
    g.bench_function(BenchmarkId::new("cluster", docs.len()), |b| {
        b.iter(|| {
            assert_eq!(
                cluster_stories(&graph, &vecs, &days, &config).len(),
                docs.len()
            )
        })
    });
    g.finish();
}

criterion_group!(benches, load, stages, analyze_by_lang);
criterion_main!(benches);
