//! Stories, their articles and variants.
//!
//! Inside a story, documents group into articles: the versions of one original
//! write-up (exact copies, near-duplicates, translations). Independent write-ups of
//! the same event are separate articles of one story. Articles are cut by the same
//! average-link procedure as stories, at a higher threshold, over all pairs of the
//! story; exact copies and same-language near-duplicates (shingle Jaccard) are
//! always one article.

use crate::cluster::{average_link, ClusterConfig};
use crate::document::Day;
use crate::graph::Edge;
use crate::lang::Lang;
use crate::pivot::{sketch_jaccard, FeatureId};
use crate::vectorize::SparseVec;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// How a member relates to its article's representative.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantKind {
    Original,
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

/// What the variant analysis needs to know of each document.
pub struct VariantInput<'a> {
    pub vecs: &'a [SparseVec],
    pub langs: &'a [Lang],
    pub exact: &'a [u64],
    pub sketches: &'a [Vec<u64>],
    pub days: &'a [Option<Day>],
}

#[derive(Clone, Copy, Debug)]
pub struct ArticleConfig {
    /// Average-link cut for articles (cosine in the pivot space).
    pub threshold: f32,
    /// Same-language documents with at least this shingle Jaccard are near-duplicates
    /// of one article whatever their cosine.
    pub near_duplicate_jaccard: f32,
}

impl Default for ArticleConfig {
    fn default() -> Self {
        ArticleConfig {
            threshold: 0.12,
            near_duplicate_jaccard: 0.5,
        }
    }
}

/// The member with the highest mean similarity to the others (the medoid); ties
/// go to the smallest index, i.e. the smallest id.
///
/// For unit vectors Σ_o d·o over the others is d·S − d·d, with S the sum of all
/// members: linear in the members, where comparing every pair was quadratic
/// (10% of a 100k run's time). The weights are non-negative, so no cosine is clamped.
fn medoid(docs: &[u32], vecs: &[SparseVec]) -> u32 {
    let mut sum: FxHashMap<FeatureId, f64> = FxHashMap::default();
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

fn variant_of(d: u32, rep: u32, input: &VariantInput<'_>) -> VariantKind {
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

/// Builds one story from its documents (sorted indices).
pub fn build_story(docs: Vec<u32>, input: &VariantInput<'_>, config: &ArticleConfig) -> Story {
    let groups = if docs.len() == 1 {
        vec![docs.clone()]
    } else {
        let mut edges = Vec::new();
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
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
                edges.push(Edge { a, b, sim });
            }
        }
        let cfg = ClusterConfig {
            threshold: config.threshold,
            max_days: None,
            cohesion: 0.0,
        };
        average_link(&docs, &edges, input.vecs, input.days, &cfg)
    };
    let articles = groups
        .into_iter()
        .map(|g| {
            let rep = medoid(&g, input.vecs);
            let members = g
                .iter()
                .map(|&d| Member {
                    doc: d,
                    kind: variant_of(d, rep, input),
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
        representative: medoid(&docs, input.vecs),
        docs,
        articles,
    }
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
    fn medoid_is_the_member_most_similar_to_the_others() {
        let v = |e: &[(u64, f32)]| SparseVec::new(e.to_vec());
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
        let mut state = 42u64;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let vecs: Vec<SparseVec> = (0..200)
            .map(|_| {
                SparseVec::new(
                    (0..12)
                        .map(|_| (rnd() % 40, 1.0 + (rnd() % 5) as f32))
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
