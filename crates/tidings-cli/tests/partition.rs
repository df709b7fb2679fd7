//! Partitioned stages equal the whole ones (`tidings::partition`): statistics and
//! vectors per shard, the graph per span of days, stories per group of connected
//! components, articles per group of stories, for any number of parts and with
//! every candidate index.

use std::path::{Path, PathBuf};
use tidings::config::EngineConfig;
use tidings::document::{expand_inputs, DocReader};
use tidings::engine::{Clustering, Engine, StoryLabels, Vectors};
use tidings::graph::{IndexKind, KnnGraph};
use tidings::partition::{components, ArticlesPart, ELSEWHERE};
use tidings::vectorize::CorpusStats;

/// The stages in `parts` parts against the whole run, stage by stage, then the
/// files `tidings cluster` writes.
fn check(input: &Path, config: EngineConfig, all_parts: &[usize]) {
    let engine = Engine::new(config).unwrap();
    let inputs = expand_inputs(&[input.to_path_buf()]).unwrap();
    let furniture = engine.furniture_of_inputs(&inputs).unwrap();
    let (corpus, _) = engine
        .read_corpus_with(DocReader::new(inputs), &furniture)
        .unwrap();
    let (whole, _) = engine.finish(corpus.clone(), &[]).unwrap();
    assert!(
        whole.stats.n_multi > 0,
        "{}: no story to test",
        input.display()
    );
    for &parts in all_parts {
        let at = format!("{} in {parts} parts", input.display());
        let shards = corpus.clone().split(parts);
        let mut stats = CorpusStats::default();
        for s in &shards {
            stats.merge(engine.corpus_stats(s));
        }
        let vectors = Vectors::concat(
            shards
                .into_iter()
                .map(|s| engine.vectorize(s, &stats))
                .collect(),
        );
        assert!(vectors.vecs == whole.vecs, "{at}: vectors differ");
        let copies = engine.copies(&vectors);
        let graph = KnnGraph::merge(
            (0..parts)
                .map(|p| engine.graph_part(&vectors, &copies, p, parts))
                .collect(),
        )
        .unwrap();
        assert!(graph == whole.graph, "{at}: graphs differ");
        let label_parts: Vec<StoryLabels> = (0..parts)
            .map(|p| engine.stories_part(&vectors, &graph, p, parts))
            .collect();
        // The components are dealt out: as many parts cluster something as
        // there are components, up to the number of parts.
        let mut comps = components(&graph);
        comps.sort_unstable();
        comps.dedup();
        let busy = label_parts
            .iter()
            .filter(|l| l.story_of_doc.iter().any(|&s| s != ELSEWHERE))
            .count();
        assert_eq!(busy, comps.len().min(parts), "{at}: parts left idle");
        let labels = StoryLabels::merge(&label_parts).unwrap();
        assert_eq!(
            labels.story_of_doc, whole.story_of_doc,
            "{at}: stories differ"
        );
        let stories = ArticlesPart::merge(
            (0..parts)
                .map(|p| engine.articles_part(&vectors, &graph, &labels, p, parts))
                .collect(),
        )
        .unwrap();
        assert!(stories == whole.stories, "{at}: articles differ");
        let c = Clustering::new(vectors, graph, labels, stories);
        assert_eq!(files(&c), files(&whole), "{at}: output differs");
    }
}

/// What `tidings cluster` writes: stories, assignments, rejects.
fn files(c: &Clustering) -> Vec<u8> {
    let mut out = Vec::new();
    tidings::output::write_stories(c, &mut out).unwrap();
    tidings::output::write_assignments(c, &mut out).unwrap();
    tidings::output::write_rejects_jsonl(c, &mut out).unwrap();
    out
}

#[test]
fn partitioned_stages_equal_the_whole_on_the_sample() {
    check(
        &crate::repo().join("data/sample.jsonl"),
        EngineConfig::default(),
        &[1, 2, 3, 7],
    );
}

#[test]
fn partitioned_stages_equal_the_whole_on_ntrex_dev() {
    if let Some(p) = crate::shared("data/ntrex-dev.jsonl") {
        check(&p, EngineConfig::default(), &[2, 5]);
    }
}

/// A dated synthetic corpus over many date windows, with each index: a part's
/// queries read the blocks of days around its own, built whole.
#[test]
fn partitioned_stages_equal_the_whole_on_a_dated_corpus_with_every_index() {
    let dir = std::env::temp_dir().join(format!("tidings-partition-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (corpus, gold) = (dir.join("synth.jsonl"), dir.join("synth.gold.tsv"));
    let repo = crate::repo();
    let s = |p: PathBuf| p.display().to_string();
    crate::tidings_ok(&[
        "synth",
        &s(repo.join("data/sample.jsonl")),
        "--gold",
        &s(repo.join("data/sample.gold.tsv")),
        "--docs",
        "2500",
        "--seed",
        "1",
        "--stories-per-day",
        "4",
        "--out",
        &s(corpus.clone()),
        "--out-gold",
        &s(gold),
    ]);
    for index in [IndexKind::Auto, IndexKind::Exact, IndexKind::Hnsw] {
        let mut config = EngineConfig::default();
        config.candidates.index = index;
        config.candidates.max_days = Some(3);
        check(&corpus, config, &[2, 4]);
    }
    std::fs::remove_dir_all(&dir).ok();
}
