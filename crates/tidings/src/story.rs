//! Stories, their articles and variants.
//!
//! Inside a story, documents group into articles: the versions of one original
//! write-up (exact copies, near-duplicates, translations). Independent write-ups of
//! the same event are separate articles of one story. Articles are cut by the same
//! average-link procedure as stories, at a higher threshold; exact copies and
//! same-language near-duplicates (shingle Jaccard) are always one article.
//!
//! The pairs a story's articles are cut along: every pair while the story has at
//! most [`ALL_PAIRS_MAX`] documents; above, only the kNN graph's edges inside the
//! story and, for exact copies, an edge from each copy to the first of its group,
//! so a story of 10,000 syndicated copies costs about 10,000 · k pairs, not 50 million.

use crate::cluster::{average_link, Linkage};
use crate::config::ArticleConfig;
use crate::graph::{Copies, CopyInput, Edge, KnnGraph};
use crate::lang::Lang;
use crate::pivot::sketch_jaccard;
use crate::vectorize::{Dim, SparseVec};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// How a member relates to its article's representative, and an article's
/// representative to the story's.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantKind {
    /// The representative of the story's main article (the one holding the story's
    /// representative).
    Original,
    /// The representative of another article: its own write-up of the same event.
    Independent,
    Exact,
    NearDuplicate,
    Translation,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub doc: u32,
    pub kind: VariantKind,
    /// Similarity to the article's representative (1 for the representative).
    pub sim: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub representative: u32,
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub representative: u32,
    pub docs: Vec<u32>,
    pub articles: Vec<Article>,
}

/// Stories of up to this many representatives are split into articles over all
/// their pairs (2,016 at most); larger ones over the graph's edges and copy edges.
/// Average link is exact either way (a pair without an edge counts its cosine), so
/// the edges only decide which groups may merge, and copies were collapsed before
/// the graph. Lowered from 512: the same article scores on ntrex-dev and wmt21-dev,
/// article B³ F1 0.3413 → 0.3429 on ntrex-dev-all, and the article stage on the 50k
/// crawl yardstick 2.4 → 0.9 s.
pub const ALL_PAIRS_MAX: usize = 64;

/// The member with the highest mean similarity to the others (the medoid); ties
/// go to the smallest index, i.e. the smallest id.
///
/// For unit vectors Σ_o d·o over the others is d·S − d·d, with S the sum of all
/// members: linear in the members, where comparing every pair was quadratic
/// (10% of a 100k run's time). The weights are non-negative, so no cosine is clamped.
fn medoid(docs: &[u32], vecs: &[SparseVec]) -> u32 {
    let mut sum: FxHashMap<Dim, f64> = FxHashMap::default();
    for &d in docs {
        for &(f, w) in vecs[d as usize].entries() {
            *sum.entry(f).or_default() += f64::from(w);
        }
    }
    let mut best = (docs[0], f64::MIN);
    for &d in docs {
        let v = vecs[d as usize].entries();
        let (with_all, self_dot) = v.iter().fold((0.0, 0.0), |(a, s), &(f, w)| {
            let w = f64::from(w);
            (a + w * sum[&f], s + w * w)
        });
        let others = with_all - self_dot;
        if others > best.1 + 1e-6 {
            best = (d, others);
        }
    }
    best.0
}

fn variant_of(d: u32, rep: u32, input: &CopyInput<'_>) -> VariantKind {
    let (d, r) = (d as usize, rep as usize);
    if d == r {
        VariantKind::Original
    } else if input.exact[d] == input.exact[r] && input.langs[d] == input.langs[r] {
        VariantKind::Exact
    } else if input.langs[d] == input.langs[r] {
        VariantKind::NearDuplicate
    } else {
        VariantKind::Translation
    }
}

/// The edge between two documents of a story: 1 for copies (exact, or
/// same-language near-duplicates), else their cosine.
fn article_edge(a: u32, b: u32, input: &CopyInput<'_>, config: &ArticleConfig) -> Edge {
    let (ua, ub) = (a as usize, b as usize);
    let same_lang = input.langs[ua] == input.langs[ub];
    let copy = same_lang
        && (input.exact[ua] == input.exact[ub]
            || sketch_jaccard(&input.sketches[ua], &input.sketches[ub])
                >= config.near_duplicate_jaccard);
    let sim = if copy {
        1.0
    } else {
        input.vecs[ua].cosine(&input.vecs[ub])
    };
    Edge { a, b, sim }
}

/// The pairs a story's articles are cut along (see the module docs). `graph_edges`
/// are the kNN graph's edges between documents of this story.
fn article_edges(
    docs: &[u32],
    graph_edges: &[Edge],
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Vec<Edge> {
    if docs.len() <= ALL_PAIRS_MAX {
        let mut edges = Vec::with_capacity(docs.len() * (docs.len() - 1) / 2);
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                edges.push(article_edge(a, b, input, config));
            }
        }
        return edges;
    }
    let mut pairs: Vec<(u32, u32)> = graph_edges.iter().map(|e| (e.a, e.b)).collect();
    let mut first_of_copy: FxHashMap<(u64, Lang), u32> = FxHashMap::default();
    for &d in docs {
        let key = (input.exact[d as usize], input.langs[d as usize]);
        let first = *first_of_copy.entry(key).or_insert(d);
        if first != d {
            pairs.push((first, d));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|(a, b)| article_edge(a, b, input, config))
        .collect()
}

/// Builds one story from its documents (sorted indices) and the kNN graph's edges
/// between them. Articles are cut over the copy groups' representatives, each
/// standing for its group (`sizes`); a copy joins its representative's article.
pub fn build_story(
    docs: Vec<u32>,
    graph_edges: &[Edge],
    copies: &Copies,
    sizes: &[u32],
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Story {
    let reps: Vec<u32> = docs
        .iter()
        .copied()
        .filter(|&d| copies.rep_of[d as usize] == d)
        .collect();
    let mut groups = if reps.len() == 1 {
        vec![reps]
    } else {
        let edges = article_edges(&reps, graph_edges, input, config);
        let cfg = Linkage {
            threshold: config.threshold,
            max_days: None,
            cohesion: 0.0,
            knn: false,
        };
        average_link(
            &reps,
            &edges,
            input.vecs,
            |d| sizes[d as usize],
            input.days,
            &cfg,
        )
    };
    if groups.iter().map(Vec::len).sum::<usize>() < docs.len() {
        let group_of: FxHashMap<u32, usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.iter().map(move |&r| (r, i)))
            .collect();
        for &d in &docs {
            let r = copies.rep_of[d as usize];
            if r != d {
                groups[group_of[&r]].push(d);
            }
        }
        for g in &mut groups {
            g.sort_unstable();
        }
    }
    let story_rep = medoid(&docs, input.vecs);
    let articles = groups
        .into_iter()
        .map(|g| {
            let rep = medoid(&g, input.vecs);
            let main = g.contains(&story_rep);
            let members = g
                .iter()
                .map(|&d| Member {
                    doc: d,
                    kind: match variant_of(d, rep, input) {
                        VariantKind::Original if !main => VariantKind::Independent,
                        kind => kind,
                    },
                    sim: if d == rep {
                        1.0
                    } else {
                        input.vecs[d as usize].cosine(&input.vecs[rep as usize])
                    },
                })
                .collect();
            Article {
                representative: rep,
                members,
            }
        })
        .collect();
    Story {
        representative: story_rep,
        docs,
        articles,
    }
}

/// Builds every story from the story label of each document (numbered from 0),
/// in parallel; stories come out in label order.
pub fn build_stories(
    story_of_doc: &[u32],
    graph: &KnnGraph,
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Vec<Story> {
    let n_stories = story_of_doc.iter().max().map_or(0, |&m| m as usize + 1);
    let mut story_docs: Vec<Vec<u32>> = vec![Vec::new(); n_stories];
    for (i, &l) in story_of_doc.iter().enumerate() {
        story_docs[l as usize].push(i as u32);
    }
    // Only stories too large for all pairs need their graph edges.
    let mut story_edges: FxHashMap<u32, Vec<Edge>> = FxHashMap::default();
    for e in &graph.edges {
        let l = story_of_doc[e.a as usize];
        if l == story_of_doc[e.b as usize] && story_docs[l as usize].len() > ALL_PAIRS_MAX {
            story_edges.entry(l).or_default().push(*e);
        }
    }
    let sizes = graph.copies.sizes();
    story_docs
        .into_par_iter()
        .enumerate()
        .map(|(l, docs)| {
            let edges = story_edges.get(&(l as u32)).map_or(&[][..], Vec::as_slice);
            build_story(docs, edges, &graph.copies, &sizes, input, config)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The medoid by comparing every pair, as defined.
    fn medoid_by_pairs(docs: &[u32], vecs: &[SparseVec]) -> u32 {
        let mean = |d: u32| -> f32 {
            docs.iter()
                .filter(|&&o| o != d)
                .map(|&o| vecs[d as usize].cosine(&vecs[o as usize]))
                .sum()
        };
        let mut best = (docs[0], f32::MIN);
        for &d in docs {
            if mean(d) > best.1 + 1e-4 {
                best = (d, mean(d));
            }
        }
        best.0
    }

    #[test]
    fn a_large_story_is_cut_along_bounded_edges() {
        // 1,000 syndicated copies in one story, no graph edges between them: the
        // articles are cut along one copy edge per document, not half a million pairs,
        // and the copies are one article.
        let n = 1000;
        let vecs: Vec<SparseVec> = (0..n)
            .map(|i| SparseVec::new(vec![(1, 1.0), (2 + (i % 3) as u32, 0.1)]))
            .collect();
        let langs = vec![Lang::ENG; n];
        let exact: Vec<u64> = (0..n).map(|i| if i < 900 { 7 } else { 8 }).collect();
        let sketches = vec![Vec::new(); n];
        let days = vec![None; n];
        let input = CopyInput {
            vecs: &vecs,
            langs: &langs,
            exact: &exact,
            sketches: &sketches,
            days: &days,
        };
        let docs: Vec<u32> = (0..n as u32).collect();
        let config = ArticleConfig::default();
        let edges = article_edges(&docs, &[], &input, &config);
        assert_eq!(
            edges.len(),
            n - 2,
            "one edge per copy to the first of its group"
        );
        assert!(edges.iter().all(|e| e.sim == 1.0 && e.a < e.b));
        let story = build_story(docs, &[], &Copies::none(n), &vec![1; n], &input, &config);
        let mut sizes: Vec<usize> = story.articles.iter().map(|a| a.members.len()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [100, 900]);
        // A small story still compares every pair.
        let small: Vec<u32> = (0..10).collect();
        assert_eq!(article_edges(&small, &[], &input, &config).len(), 45);
    }

    #[test]
    fn medoid_is_the_member_most_similar_to_the_others() {
        let v = |e: &[(u32, f32)]| SparseVec::new(e.to_vec());
        let vecs = vec![
            v(&[(1, 1.0), (2, 1.0)]),
            v(&[(1, 1.0), (2, 1.0), (3, 1.0)]),
            v(&[(2, 1.0), (3, 1.0)]),
            v(&[(9, 1.0)]),
            v(&[]),
        ];
        // 1 shares with both 0 and 2; 3 and the empty vector share nothing.
        assert_eq!(medoid(&[0, 1, 2, 3, 4], &vecs), 1);
        assert_eq!(medoid_by_pairs(&[0, 1, 2, 3, 4], &vecs), 1);
        // Ties (two members, or identical ones) go to the first.
        assert_eq!(medoid(&[0, 2], &vecs), 0);
        assert_eq!(medoid(&[3], &vecs), 3);
        // Random groups: the same choice as comparing every pair (ties are exact here
        // only up to rounding, so groups with a near-tie are skipped).
        let mut rnd = crate::test_rng::xorshift(42);
        let vecs: Vec<SparseVec> = (0..200)
            .map(|_| {
                SparseVec::new(
                    (0..12)
                        .map(|_| ((rnd() % 40) as u32, 1.0 + (rnd() % 5) as f32))
                        .collect(),
                )
            })
            .collect();
        let mut compared = 0;
        for g in 0..20u32 {
            let docs: Vec<u32> = (g * 10..g * 10 + 10).collect();
            let mut means: Vec<f32> = docs
                .iter()
                .map(|&d| {
                    docs.iter()
                        .filter(|&&o| o != d)
                        .map(|&o| vecs[d as usize].cosine(&vecs[o as usize]))
                        .sum()
                })
                .collect();
            means.sort_by(|a, b| b.total_cmp(a));
            if means[0] - means[1] < 1e-3 {
                continue;
            }
            assert_eq!(
                medoid(&docs, &vecs),
                medoid_by_pairs(&docs, &vecs),
                "group {g}"
            );
            compared += 1;
        }
        assert!(compared >= 10, "only {compared} groups without a near-tie");
    }
}
