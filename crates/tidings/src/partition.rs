//! The stages after the corpus statistics, cut into parts that run anywhere (a Ray
//! task, a Spark partition) and merge into exactly what the whole stage returns.
//!
//! ```text
//! Corpus ──split──► Corpus × shards ──corpus_stats──► CorpusStats × shards ──merge──► CorpusStats
//!        ──vectorize (each shard, merged stats)──► Vectors × shards ──Vectors::concat──► Vectors
//! Vectors ──copies──► Copies (once: a hash join over the whole corpus)
//!         ──graph_part(p of P)──► KnnGraph × P ──KnnGraph::merge──► KnnGraph
//!         ──stories_part(p of P)──► StoryLabels × P ──StoryLabels::merge──► StoryLabels
//!         ──articles_part(p of P)──► ArticlesPart × P ──ArticlesPart::merge──► Vec<Story>
//! ```
//!
//! **Architecture invariant: partitioned = whole.** Each merge equals the whole
//! stage's value, bit for bit, for any number of parts, by construction, not by
//! tolerance:
//! - *Statistics* are counts: a shard's add up to the whole's. A document's vector
//!   reads only its own features and the merged statistics (its dimensions are
//!   ranks among the merged statistics' features), so vectors per shard,
//!   concatenated in id order, are the whole run's.
//! - *Graph*: a part is a run of positions in window order ([`Windows::parts`]:
//!   dated documents by day, so a part is a span of days) and finds the edges of
//!   its own positions' neighbour queries. A query reads the blocks of days around
//!   its own (the overlap its date window needs), each built whole whatever part
//!   asks, so its neighbour list is the whole run's; an edge of the whole graph is
//!   found by the query of one of its ends; its weight is the same from both ends
//!   (the sparse dot product adds in dimension order). The union of the parts'
//!   edges, sorted and each once, is the whole graph's.
//! - *Stories*: average link and the strays' attachment never cross a connected
//!   component of the graph (they follow its edges), so the stories of a group of
//!   components, clustered with only those components' edges, are the whole run's
//!   stories of those documents. Labels number stories by their smallest document,
//!   which the merge recomputes over all parts.
//! - *Articles*: each story is cut into articles on its own (its documents, its
//!   edges, its copies), so a part builds its stories as the whole run does.
//!
//! Which components and stories go to which part is decided by each part from the
//! merged graph or labels, the same way everywhere (largest first, to the least
//! loaded part, ties to the smaller index), so no plan is shipped with the parts.
//! Every part reads the whole [`Vectors`] (for its queries' windows, its
//! components and stories): ship them once per worker.

use crate::document::{Day, Reject};
use crate::engine::{Corpus, Engine, StoryLabels, Vectors};
use crate::graph::{knn_graph_part, Copies, KnnGraph};
use crate::lang::Lang;
use crate::story::Story;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The label, in one part's [`StoryLabels`], of a document another part clusters.
pub const ELSEWHERE: u32 = u32::MAX;

/// An error about parts that do not fit together.
fn misfit(message: String) -> Error {
    Error::Parts(message)
}

/// Items of the given weights dealt to `parts` parts: the heaviest first, each to
/// the least loaded part (ties: the smaller part), items of equal weight in index
/// order. Returns each item's part.
fn deal(weights: &[u64], parts: usize) -> Vec<u32> {
    let parts = parts.max(1);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (Reverse(weights[i]), i));
    let mut load: BinaryHeap<Reverse<(u64, u32)>> =
        (0..parts as u32).map(|p| Reverse((0, p))).collect();
    let mut part_of = vec![0u32; weights.len()];
    for i in order {
        let Reverse((l, p)) = load.pop().expect("at least one part");
        part_of[i] = p;
        load.push(Reverse((l + weights[i], p)));
    }
    part_of
}

/// The connected component of each document: the smallest node of its
/// representative's component (a copy is where its representative is).
pub fn components(graph: &KnnGraph) -> Vec<u32> {
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut parent: Vec<u32> = (0..graph.n_docs as u32).collect();
    for e in &graph.edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    (0..graph.n_docs)
        .map(|d| {
            let rep = graph.copies.rep_of.get(d).copied().unwrap_or(d as u32);
            find(&mut parent, rep)
        })
        .collect()
}

/// The part of each document when the documents are dealt out in groups (`group`:
/// each document's group, a document index): groups weigh their documents.
fn part_of_docs(group: &[u32], parts: usize) -> Vec<u32> {
    let mut weight = vec![0u64; group.len()];
    for &g in group {
        weight[g as usize] += 1;
    }
    // Only the groups that are there (a group is named by one of its documents).
    let present: Vec<u32> = (0..group.len() as u32)
        .filter(|&g| weight[g as usize] > 0)
        .collect();
    let weights: Vec<u64> = present.iter().map(|&g| weight[g as usize]).collect();
    let dealt = deal(&weights, parts);
    let mut part_of_group = vec![0u32; group.len()];
    for (&g, &p) in present.iter().zip(&dealt) {
        part_of_group[g as usize] = p;
    }
    group.iter().map(|&g| part_of_group[g as usize]).collect()
}

/// One part's stories cut into articles (see [`Engine::articles_part`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticlesPart {
    pub n_docs: usize,
    pub n_stories: usize,
    /// The label of each story of the part, ascending, with the story.
    pub stories: Vec<(u32, Story)>,
}

impl ArticlesPart {
    /// The stories of all parts in label order: what [`Engine::articles`] returns.
    ///
    /// # Errors
    /// [`Error::Parts`] when the parts are of different corpora, or do not hold each
    /// story exactly once.
    pub fn merge(parts: Vec<ArticlesPart>) -> Result<Vec<Story>> {
        let Some(first) = parts.first() else {
            return Ok(Vec::new());
        };
        let (n_docs, n_stories) = (first.n_docs, first.n_stories);
        if let Some(p) = parts
            .iter()
            .find(|p| (p.n_docs, p.n_stories) != (n_docs, n_stories))
        {
            return Err(misfit(format!(
                "article parts of {n_docs} documents in {n_stories} stories and of {} in {}: parts of different corpora",
                p.n_docs, p.n_stories
            )));
        }
        let mut all: Vec<(u32, Story)> = parts.into_iter().flat_map(|p| p.stories).collect();
        all.sort_unstable_by_key(|(l, _)| *l);
        for (i, (l, _)) in all.iter().enumerate() {
            if *l as usize != i {
                return Err(misfit(format!(
                    "article parts: story {i} is {} (each story must be in exactly one part)",
                    if (*l as usize) < i {
                        "in two parts"
                    } else {
                        "in none"
                    }
                )));
            }
        }
        if all.len() != n_stories {
            return Err(misfit(format!(
                "article parts hold {} of {n_stories} stories",
                all.len()
            )));
        }
        Ok(all.into_iter().map(|(_, s)| s).collect())
    }
}

impl KnnGraph {
    /// The graph whose parts ([`Engine::graph_part`]) these are: their edges
    /// together, sorted by (a, b), each once.
    ///
    /// # Errors
    /// [`Error::Parts`] for parts of different corpora (sizes or copies differ).
    pub fn merge(parts: Vec<KnnGraph>) -> Result<KnnGraph> {
        let mut parts = parts.into_iter();
        let Some(mut out) = parts.next() else {
            return Ok(KnnGraph::default());
        };
        for p in parts {
            if p.n_docs != out.n_docs || p.copies != out.copies {
                return Err(misfit(format!(
                    "graph parts of {} and {} documents, or with other copies: parts of different corpora",
                    out.n_docs, p.n_docs
                )));
            }
            out.edges.extend(p.edges);
        }
        // An edge found from both ends has the same weight from both.
        out.edges.sort_unstable_by_key(|e| (e.a, e.b));
        out.edges.dedup_by(|x, y| x.a == y.a && x.b == y.b);
        Ok(out)
    }
}

impl StoryLabels {
    /// The labels whose parts ([`Engine::stories_part`]) these are: each document
    /// labelled by the one part that clusters it, stories numbered again in the
    /// order of their smallest document.
    ///
    /// # Errors
    /// [`Error::Parts`] for parts of different corpora, or a document that no part,
    /// or two, cluster.
    pub fn merge(parts: &[StoryLabels]) -> Result<StoryLabels> {
        let n = parts.first().map_or(0, |p| p.story_of_doc.len());
        if let Some(p) = parts.iter().find(|p| p.story_of_doc.len() != n) {
            return Err(misfit(format!(
                "story parts of {n} and {} documents: parts of different corpora",
                p.story_of_doc.len()
            )));
        }
        let mut renamed: Vec<Vec<u32>> =
            parts.iter().map(|p| vec![ELSEWHERE; p.n_stories]).collect();
        let mut story_of_doc = Vec::with_capacity(n);
        let mut n_stories = 0u32;
        for d in 0..n {
            let mut found = parts
                .iter()
                .enumerate()
                .filter(|(_, p)| p.story_of_doc[d] != ELSEWHERE);
            let Some((i, p)) = found.next() else {
                return Err(misfit(format!(
                    "story parts: no part clusters document {d}"
                )));
            };
            if let Some((j, _)) = found.next() {
                return Err(misfit(format!(
                    "story parts {i} and {j} both cluster document {d}"
                )));
            }
            let l = p.story_of_doc[d] as usize;
            let Some(slot) = renamed[i].get_mut(l) else {
                return Err(misfit(format!(
                    "story part {i}: label {l} of document {d} beyond its {} stories",
                    p.n_stories
                )));
            };
            if *slot == ELSEWHERE {
                *slot = n_stories;
                n_stories += 1;
            }
            story_of_doc.push(*slot);
        }
        Ok(StoryLabels {
            story_of_doc,
            n_stories: n_stories as usize,
        })
    }
}

impl Corpus {
    /// The corpus cut into `shards` runs of documents in id order, about equal
    /// (the rejects go with the first): each shard's statistics and vectors are
    /// computed apart ([`Vectors::concat`] puts the vectors back in order).
    pub fn split(self, shards: usize) -> Vec<Corpus> {
        let shards = shards.max(1);
        let n = self.docs.len();
        let mut docs = self.docs.into_iter();
        let mut features = self.features.into_iter();
        let mut rejects = Some(self.rejects);
        (0..shards)
            .map(|i| {
                let len = (i + 1) * n / shards - i * n / shards;
                Corpus {
                    docs: docs.by_ref().take(len).collect(),
                    features: features.by_ref().take(len).collect(),
                    rejects: rejects.take().unwrap_or_default(),
                }
            })
            .collect()
    }
}

impl Vectors {
    /// The vectors of consecutive shards of a corpus ([`Corpus::split`]), in
    /// order: the vectors of the whole corpus.
    pub fn concat(shards: Vec<Vectors>) -> Vectors {
        let mut out = Vectors::default();
        let mut rejects: Vec<Reject> = Vec::new();
        for s in shards {
            out.docs.extend(s.docs);
            out.vecs.extend(s.vecs);
            out.exact.extend(s.exact);
            out.sketches.extend(s.sketches);
            out.coverage.extend(s.coverage);
            rejects.extend(s.rejects);
        }
        out.rejects = rejects;
        out
    }
}

impl Engine {
    /// The copy groups the graph collapses (see [`Engine::graph`]): found once and
    /// handed to every [`Engine::graph_part`].
    pub fn copies(&self, vectors: &Vectors) -> Copies {
        self.copies_of(vectors, &vectors.days(), &vectors.langs())
    }

    /// [`Engine::copies`], with the documents' days and languages read already.
    pub(crate) fn copies_of(
        &self,
        vectors: &Vectors,
        days: &[Option<Day>],
        langs: &[Lang],
    ) -> Copies {
        let config = self.config();
        if config.candidates.collapse_copies {
            let input = vectors.copy_input(langs, days);
            Copies::find(&input, config.articles.near_duplicate_jaccard)
        } else {
            Copies::none(vectors.vecs.len())
        }
    }

    /// Part `part` of `parts` of [`Engine::graph`]: the edges the neighbour queries
    /// of one span of days find (see the module docs). [`KnnGraph::merge`] of all
    /// parts is [`Engine::graph`]'s graph. `copies` from [`Engine::copies`].
    pub fn graph_part(
        &self,
        vectors: &Vectors,
        copies: &Copies,
        part: usize,
        parts: usize,
    ) -> KnnGraph {
        let config = self.config();
        knn_graph_part(
            &vectors.vecs,
            &vectors.days(),
            copies.clone(),
            &config.candidates,
            config.edge_floor(config.stories.threshold),
            part,
            parts,
        )
    }

    /// Part `part` of `parts` of [`Engine::stories`]: the stories of one group of
    /// the graph's connected components, numbered from 0 in the order of their
    /// smallest document; the documents of other parts are [`ELSEWHERE`].
    /// [`StoryLabels::merge`] of all parts is [`Engine::stories`]'s labels.
    pub fn stories_part(
        &self,
        vectors: &Vectors,
        graph: &KnnGraph,
        part: usize,
        parts: usize,
    ) -> StoryLabels {
        let comp_of = components(graph);
        let part_of = part_of_docs(&comp_of, parts);
        let mine = |d: u32| part_of[d as usize] as usize == part;
        let own = KnnGraph {
            n_docs: graph.n_docs,
            copies: graph.copies.clone(),
            edges: graph.edges.iter().filter(|e| mine(e.a)).copied().collect(),
        };
        let labels = self.stories(vectors, &own);
        let mut renamed = vec![ELSEWHERE; labels.n_stories];
        let mut n_stories = 0u32;
        let story_of_doc = labels
            .story_of_doc
            .iter()
            .enumerate()
            .map(|(d, &l)| {
                if !mine(d as u32) {
                    return ELSEWHERE;
                }
                let slot = &mut renamed[l as usize];
                if *slot == ELSEWHERE {
                    *slot = n_stories;
                    n_stories += 1;
                }
                *slot
            })
            .collect();
        StoryLabels {
            story_of_doc,
            n_stories: n_stories as usize,
        }
    }

    /// Part `part` of `parts` of [`Engine::articles`]: the articles of one group of
    /// stories, dealt out by size. [`ArticlesPart::merge`] of all parts is
    /// [`Engine::articles`]'s stories.
    pub fn articles_part(
        &self,
        vectors: &Vectors,
        graph: &KnnGraph,
        labels: &StoryLabels,
        part: usize,
        parts: usize,
    ) -> ArticlesPart {
        let n = labels.story_of_doc.len();
        let mut size = vec![0u64; labels.n_stories];
        for &l in &labels.story_of_doc {
            size[l as usize] += 1;
        }
        let part_of_story = deal(&size, parts);
        let mine = |d: usize| part_of_story[labels.story_of_doc[d] as usize] as usize == part;
        // The part's stories keep their order (labels 0..m), and every other
        // document is a story of its own after them, its own representative: a
        // one-document story costs next to nothing, and the part's stories see
        // exactly their own documents, edges and copies.
        let own_stories: Vec<u32> = (0..labels.n_stories as u32)
            .filter(|&l| part_of_story[l as usize] as usize == part)
            .collect();
        let mut local = vec![ELSEWHERE; labels.n_stories];
        for (i, &l) in own_stories.iter().enumerate() {
            local[l as usize] = i as u32;
        }
        let mut next = own_stories.len() as u32;
        let story_of_doc: Vec<u32> = (0..n)
            .map(|d| {
                if mine(d) {
                    local[labels.story_of_doc[d] as usize]
                } else {
                    next += 1;
                    next - 1
                }
            })
            .collect();
        let rep_of = (0..n)
            .map(|d| {
                if mine(d) {
                    graph.copies.rep_of[d]
                } else {
                    d as u32
                }
            })
            .collect();
        let own = KnnGraph {
            n_docs: graph.n_docs,
            copies: Copies { rep_of },
            edges: graph
                .edges
                .iter()
                .filter(|e| mine(e.a as usize))
                .copied()
                .collect(),
        };
        let own_labels = StoryLabels {
            story_of_doc,
            n_stories: next as usize,
        };
        let stories = self
            .articles(vectors, &own, &own_labels)
            .into_iter()
            .take(own_stories.len());
        ArticlesPart {
            n_docs: n,
            n_stories: labels.n_stories,
            stories: own_stories.iter().copied().zip(stories).collect(),
        }
    }
}
