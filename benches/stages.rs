//! Per-stage throughput: read, detect, and the engine's stages (analyze, corpus
//! statistics, vectorize, graph, stories, articles), plus analysis per language.
//! Reads ../shared/data/wmt21-dev.jsonl when present (the real mix of languages),
//! else the bundled data/sample.jsonl. `cargo bench -p tidings-bench`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::path::PathBuf;
use tidings::config::EngineConfig;
use tidings::document::{expand_inputs, DocReader, Document};
use tidings::engine::{Corpus, Engine};
use tidings::graph::{AnnIndex, HnswIndex, HnswParams, IndexKind};
use tidings::lang::detect_lang;
use tidings::lexicon::Models;
use tidings::pivot::doc_features;
use tidings::vectorize::{dense_projection, DENSE_DIM};

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

/// The engine's stages, each called as a distributed run or a binding calls it
/// (the same functions `Engine::cluster` composes), on one undated window.
fn stages(c: &mut Criterion) {
    let path = corpus_path("wmt21-dev");
    let docs = read(&path);
    let engine = |index| {
        let mut config = EngineConfig::default();
        config.candidates.index = index;
        Engine::new(config).unwrap()
    };
    let exact = engine(IndexKind::Exact);
    exact.models().load_all().unwrap();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let n = docs.len();
    let mut g = c.benchmark_group("stages");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("read", n), |b| {
        b.iter(|| assert_eq!(read(&path).len(), n))
    });
    g.bench_function(BenchmarkId::new("detect", n), |b| {
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
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(BenchmarkId::new("analyze", n), |b| {
        b.iter_batched(
            || docs.clone(),
            |docs| assert_eq!(exact.analyze(docs).unwrap().len(), n),
            BatchSize::LargeInput,
        )
    });
    let corpus = Corpus::assemble(exact.analyze(docs.clone()).unwrap(), vec![]);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("corpus_stats", n), |b| {
        b.iter(|| assert_eq!(exact.corpus_stats(&corpus).n_docs(), n))
    });
    let stats = exact.corpus_stats(&corpus);
    g.bench_function(BenchmarkId::new("vectorize", n), |b| {
        // vectorize takes the corpus: each iteration gets a fresh copy (not timed).
        b.iter_batched(
            || corpus.clone(),
            |corpus| assert_eq!(exact.vectorize(corpus, &stats).vecs.len(), n),
            BatchSize::LargeInput,
        )
    });
    let vectors = exact.vectorize(corpus.clone(), &stats);
    let dense = dense_projection(&vectors.vecs, DENSE_DIM);
    g.bench_function(BenchmarkId::new("hnsw_build", n), |b| {
        b.iter(|| {
            let index = HnswIndex::build(dense.view(), 0, HnswParams::default());
            let q = dense.row(0);
            assert!(index.search(q.as_slice().unwrap(), 1, &|_| true).len() <= 1)
        })
    });
    // The whole graph stage: dense projection, index (HNSW: built per date block),
    // queries and exact re-scoring.
    for (name, e) in [
        ("graph_hnsw", engine(IndexKind::Hnsw)),
        ("graph_exact", engine(IndexKind::Exact)),
    ] {
        g.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| assert!(!e.graph(&vectors).edges.is_empty()))
        });
    }
    let graph = exact.graph(&vectors);
    g.bench_function(BenchmarkId::new("stories", n), |b| {
        b.iter(|| assert_eq!(exact.stories(&vectors, &graph).story_of_doc.len(), n))
    });
    let labels = exact.stories(&vectors, &graph);
    g.bench_function(BenchmarkId::new("articles", n), |b| {
        b.iter(|| {
            assert_eq!(
                exact.articles(&vectors, &graph, &labels).len(),
                labels.n_stories
            )
        })
    });
    g.finish();
}

criterion_group!(benches, load, stages, analyze_by_lang);
criterion_main!(benches);
