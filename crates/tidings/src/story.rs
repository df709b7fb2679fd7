//! Stories, their articles and variants.
//!
//! Inside a story, documents group into articles: the versions of one original
//! write-up (exact copies, near-duplicates, translations). Independent write-ups of
//! the same event are separate articles of one story. Exact copies and
//! same-language near-duplicates (shingle Jaccard) are always one article.
//!
//! Articles are cut by average link over every pair of the story's distinct
//! documents ([`cut_articles`]), with two rules that story clustering does not need:
//!
//! - **A pair's cosine is measured against the cut for its kind of pair.** Versions
//!   of one write-up in one language share most of their words (cosine 0.6 median
//!   on wmt21-dev); translations reach each other only through the lexicons (0.19
//!   median, 0.33 on ntrex-dev); and two independent write-ups of one event in one
//!   language (0.17 median, up to 0.6) are as similar as many translations. So a
//!   pair counts its cosine divided by the cut of its kind
//!   ([`ArticleConfig::same_language`], or for two languages [`translation_cut`],
//!   lower the less of the two documents the lexicons read), and groups merge
//!   while the mean of that is at least 1.
//! - **Documents in a shared language decide.** Two groups that both hold documents
//!   of some language merge only if those documents' mean cosine plus shingle
//!   Jaccard across the groups reaches [`ArticleConfig::same_language_floor`]:
//!   comparing a document with a
//!   version in its own language is reliable where comparing through the lexicons is
//!   not, so two independent English reports with their translations stay two
//!   articles however well their translations match.
//!
//! On wmt21-dev and ntrex-dev (articles inside the stories as clustered) a single
//! cut at cosine 0.12 gave article B³ F1 0.904 and 0.901; these rules, 0.970 and 0.967
//! (BENCHMARKS.md, "Articles").
//!
//! A story of more than [`DENSE_MAX`] distinct documents (a crawl's syndicated
//! wire story) is cut more coarsely: average link at the same-language cut over
//! the kNN graph's edges inside the story and, for exact copies, an edge from each
//! copy to the first of its group, so such a story costs about its size · k pairs,
//! not its size squared.

use crate::cluster::{average_link, Linkage};
use crate::config::{ArticleConfig, Keep};
use crate::document::Day;
use crate::graph::{Copies, CopyInput, Edge, KnnGraph};
use crate::lang::Lang;
use crate::pivot::sketch_jaccard;
use crate::vectorize::SparseVec;
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

impl Story {
    /// The document a member of `article` is compared with for what it adds: an
    /// independent report with the story's representative, an edited copy with the
    /// version it copies (its article's representative). A translation or an exact
    /// copy is the same write-up as its article's representative: what it seems to
    /// add is what the comparison misses across languages (word order around a
    /// number, a compound no lexicon splits), not news. `None` for those and for
    /// the story's representative.
    pub fn compared_with(&self, article: &Article, member: &Member) -> Option<u32> {
        let base = match member.kind {
            VariantKind::Independent => self.representative,
            VariantKind::NearDuplicate => article.representative,
            _ => return None,
        };
        (member.doc != self.representative).then_some(base)
    }
}

/// Stories of up to this many distinct documents (copy groups' representatives)
/// are cut into articles over the matrix of all their pairs ([`cut_articles`]: three
/// n × n matrices of f64, 25 MB at the limit); larger ones along the graph's
/// edges (see the module docs).
pub const DENSE_MAX: usize = 1024;

/// The member with the highest mean similarity to the others (the medoid); near
/// ties (within 1e-6) go to the first by `tie`.
///
/// For unit vectors Σ_o d·o over the others is d·S − d·d, with S the sum of all
/// members: linear in the members, where comparing every pair was quadratic
/// (10% of a 100k run's time). The weights are non-negative, so no cosine is clamped.
fn medoid<K: Ord>(docs: &[u32], vecs: &[SparseVec], tie: impl Fn(u32) -> K) -> u32 {
    if docs.len() <= 2 {
        // Each of two is as similar to the other: the tie decides (a lone document
        // is its own medoid). Most stories and articles of a crawl are one or two.
        return docs
            .iter()
            .copied()
            .min_by_key(|&d| tie(d))
            .unwrap_or(docs[0]);
    }
    // S by dimension in this thread's dense array (a hash map of it, made for each
    // story and article, was a twentieth of the stories stage at 1M documents); each
    // entry adds the members in the same order either way, so the same sums.
    let scores: Vec<f64> = SUM.with(|sum| {
        let mut sum = sum.borrow_mut();
        cover_dims(&mut sum, docs, vecs, 0.0);
        for &d in docs {
            vecs[d as usize].each(|dim, w| sum[dim as usize] += f64::from(w));
        }
        let scores = docs
            .iter()
            .map(|&d| {
                let (mut with_all, mut self_dot) = (0.0, 0.0);
                vecs[d as usize].each(|dim, w| {
                    let w = f64::from(w);
                    with_all += w * sum[dim as usize];
                    self_dot += w * w;
                });
                with_all - self_dot
            })
            .collect();
        for &d in docs {
            vecs[d as usize].each(|dim, _| sum[dim as usize] = 0.0);
        }
        scores
    });
    let best = scores.iter().copied().fold(f64::MIN, f64::max);
    docs.iter()
        .zip(&scores)
        .filter(|(_, &s)| s >= best - 1e-6)
        .map(|(&d, _)| d)
        .min_by_key(|&d| tie(d))
        .unwrap_or(docs[0])
}

/// Grows a thread's array indexed by dimension (with `fill`) to cover every
/// dimension of `docs`' vectors.
fn cover_dims<T: Clone>(array: &mut Vec<T>, docs: &[u32], vecs: &[SparseVec], fill: T) {
    let last = docs
        .iter()
        .filter_map(|&d| vecs[d as usize].last_dim())
        .map(|d| d as usize)
        .max();
    if let Some(last) = last {
        if array.len() <= last {
            array.resize(last + 1, fill);
        }
    }
}

/// Each of `docs`' vectors with its dimensions renumbered 0.. in the order they are
/// first met, and how many there are: a dense array over the story's features fits
/// in cache where one over the corpus's would not. The numbering goes through this
/// thread's array over all dimensions (a hash map of them was a twelfth of the
/// article stage on the 200k crawl yardstick).
fn story_local(docs: &[u32], vecs: &[SparseVec]) -> (Vec<Vec<(u32, f32)>>, usize) {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        cover_dims(&mut local, docs, vecs, u32::MAX);
        let mut width = 0u32;
        let compact = docs
            .iter()
            .map(|&d| {
                let v = &vecs[d as usize];
                let mut compact = Vec::with_capacity(v.len());
                v.each(|dim, w| {
                    let id = &mut local[dim as usize];
                    if *id == u32::MAX {
                        *id = width;
                        width += 1;
                    }
                    compact.push((*id, w));
                });
                compact
            })
            .collect();
        for &d in docs {
            vecs[d as usize].each(|dim, _| local[dim as usize] = u32::MAX);
        }
        (compact, width as usize)
    })
}

thread_local! {
    /// [`medoid`]'s sum of the members by dimension, zero between uses.
    static SUM: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
    /// [`story_local`]'s number of each dimension in the story, `u32::MAX` between
    /// uses.
    static LOCAL: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The member that represents a story or an article, by the `keep` policy; ties
/// go to the earliest date (undated last), then the smallest index (id).
fn representative(docs: &[u32], input: &CopyInput<'_>, keep: Keep) -> u32 {
    let day = |d: u32| input.days.get(d as usize).copied().flatten();
    let tie = |d: u32| (day(d).is_none(), day(d), d);
    let chars = |d: u32| input.chars.get(d as usize).copied().unwrap_or(0);
    let seq = |d: u32| input.seq.get(d as usize).copied().unwrap_or(0);
    let by = |key: &dyn Fn(u32) -> (u64, (bool, Option<Day>, u32))| {
        docs.iter()
            .copied()
            .min_by_key(|&d| key(d))
            .unwrap_or(docs[0])
    };
    match keep {
        Keep::Central => medoid(docs, input.vecs, tie),
        Keep::Earliest => by(&|d| (0, tie(d))),
        Keep::Longest => by(&|d| (u64::from(u32::MAX - chars(d)), tie(d))),
        Keep::First => by(&|d| (seq(d), tie(d))),
    }
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

/// Whether two documents of one language, with this shingle Jaccard, are copies
/// of one article: exact copies, or near-duplicates.
fn is_copy(
    a: usize,
    b: usize,
    jaccard: f32,
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> bool {
    input.exact[a] == input.exact[b] || jaccard >= config.near_duplicate_jaccard
}

/// The similarity of two documents of a story: 1 for copies (exact, or
/// same-language near-duplicates), else their cosine.
fn article_sim(a: u32, b: u32, input: &CopyInput<'_>, config: &ArticleConfig) -> f32 {
    let (ua, ub) = (a as usize, b as usize);
    let copy = input.langs[ua] == input.langs[ub]
        && is_copy(
            ua,
            ub,
            sketch_jaccard(&input.sketches[ua], &input.sketches[ub]),
            input,
            config,
        );
    if copy {
        1.0
    } else {
        input.vecs[ua].cosine(&input.vecs[ub])
    }
}

fn article_edge(a: u32, b: u32, input: &CopyInput<'_>, config: &ArticleConfig) -> Edge {
    Edge {
        a,
        b,
        sim: article_sim(a, b, input, config),
    }
}

/// The cut for two documents in different languages: the configured one for
/// documents whose content words all reach a concept through the lexicons, lower
/// as fewer do (by the square of the product of their shares, at least
/// [`MIN_TRANSLATION_CUT`]). A translation's cosine shows only what both lexicons
/// carry: on ntrex-dev an English text and its French translation (89% of their
/// words matched) have cosine 0.54 at the median, Arabic and Chinese ones (55%)
/// 0.07, while independent write-ups of one event stay low in any pair. One cut for
/// every pair either merged the independent Turkish seed into the English report
/// (cosine 0.096; eng–tur translations 0.42) or split the Japanese and Icelandic
/// versions of wmt21-dev's documents (0.12). Article B³ F1 with one cut (0.1) →
/// by coverage: wmt21-dev 0.940 → 0.969, ntrex-dev 0.947 → 0.966, ntrex-dev-all
/// (80 languages with no lexicon or a thin one) 0.653 → 0.805. Powers 1 / 1.5 / 2 /
/// 2.5 / 3 gave wmt21-dev 0.960 / 0.964 / 0.969 / 0.969 / 0.966.
fn translation_cut(a: u32, b: u32, input: &CopyInput<'_>, config: &ArticleConfig) -> f64 {
    let share = |d: u32| f64::from(input.coverage.get(d as usize).copied().unwrap_or(1.0));
    let reach = share(a) * share(b);
    (f64::from(config.cross_language) * reach * reach).max(MIN_TRANSLATION_CUT)
}

/// The lowest cut for a pair of documents in two languages, however little of them
/// the lexicons read (on the dev sets 0.02 to 0.04 score alike).
const MIN_TRANSLATION_CUT: f64 = 0.03;

/// Cuts a story's distinct documents (`reps`, each standing for `sizes[d]` copies)
/// into articles: average link over all pairs with the two rules of the module
/// docs. Returns groups of `reps`, each sorted, ordered by their smallest member.
///
/// Each group pair keeps three totals over its document pairs, which add up when
/// groups merge (Lance–Williams): the pair weights (cosine over its kind's cut), and
/// the cosines and count of the pairs in one language. A merge updates one row; each
/// row keeps its best partner, recomputed only when that partner merged.
pub fn cut_articles(
    reps: &[u32],
    sizes: &[u32],
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Vec<Vec<u32>> {
    let n = reps.len();
    let at = |i: usize, j: usize| i * n + j;
    // weight: Σ cos / cut; same: Σ (cos + shingle Jaccard) over same-language pairs,
    // count: their number. Two machine translations of one source share word
    // 3-grams (Jaccard 0.2 median on wmt21-dev) where independent write-ups share
    // almost none (0.06 at most for nine in ten), so the shingles lift versions
    // whose cosine is low (article B³ F1 on wmt21-dev 0.939 → 0.951 with the
    // cross-language cut at 0.06, ntrex-dev the same).
    let size = |i: usize| f64::from(sizes[reps[i] as usize].max(1));
    // Cosines by scattering one document's weights into a dense array over the
    // story's features, then one multiply-add per entry of each other document: a
    // story of 1,000 distinct documents has half a million pairs, and merging two
    // sparse vectors per pair was most of the article stage on the 200k crawl.
    let (compact, width) = story_local(reps, input.vecs);
    // Row i's pairs with the later documents written in place, each row on its
    // own thread, then mirrored.
    let mut cells = vec![Totals::default(); n * n];
    cells.par_chunks_mut(n.max(1)).enumerate().for_each_init(
        || vec![0.0f32; width],
        |dense, (i, row)| {
            with_scattered(dense, &compact[i], |dense| {
                for j in i + 1..n {
                    let dot = gather_dot(dense, &compact[j]);
                    let pairs = size(i) * size(j);
                    row[j] = pair_totals(reps[i], reps[j], dot, pairs, input, config);
                }
            });
        },
    );
    drop(compact);
    mirror(&mut cells, n);
    let mut members: Vec<Vec<u32>> = reps.iter().map(|&d| vec![d]).collect();
    let mut docs: Vec<f64> = (0..n).map(size).collect();
    // The live groups in increasing order (ties below go to the first found).
    let mut live: Vec<usize> = (0..n).collect();
    let floor = f64::from(config.same_language_floor);
    // The linkage of two live groups, or None where a shared language forbids it.
    let linkage = |i: usize, j: usize, cells: &[Totals], docs: &[f64]| {
        let t = &cells[at(i, j)];
        (t.count == 0.0 || t.same / t.count >= floor).then(|| t.weight / (docs[i] * docs[j]))
    };
    // Whether the linkage of i and j is certainly below `b`, told without its two
    // divisions ([`certainly_below`]). Most pairs a row scans are far below its
    // best; the divisions were most of the serial part of the articles stage (200k
    // yardstick, `perf annotate`).
    let below = |i: usize, j: usize, b: f64, cells: &[Totals], docs: &[f64]| {
        certainly_below(cells[at(i, j)].weight, docs[i] * docs[j], b)
    };
    // Each row's best partner: (linkage, partner); ties go to the smaller partner.
    let best_of = |i: usize, live: &[usize], cells: &[Totals], docs: &[f64]| {
        let mut best: Option<(f64, usize)> = None;
        for &j in live {
            if j == i || best.is_some_and(|(b, _)| below(i, j, b, cells, docs)) {
                continue;
            }
            if let Some(l) = linkage(i, j, cells, docs) {
                if best.is_none_or(|(b, _)| l > b) {
                    best = Some((l, j));
                }
            }
        }
        best
    };
    // Every row scanned once: as much work as the pairs' cosines, so in parallel.
    let mut best: Vec<Option<(f64, usize)>> = (0..n)
        .into_par_iter()
        .map(|i| best_of(i, &live, &cells, &docs))
        .collect();
    loop {
        // The best pair overall; ties go to the smallest (i, j).
        let mut top: Option<(f64, usize, usize)> = None;
        for &i in &live {
            if let Some((l, j)) = best[i] {
                let (x, y) = (i.min(j), i.max(j));
                let better = match top {
                    None => true,
                    Some((tl, ti, tj)) => l > tl || (l == tl && (x, y) < (ti, tj)),
                };
                if better {
                    top = Some((l, x, y));
                }
            }
        }
        let Some((l, i, j)) = top else { break };
        if l < 1.0 {
            break;
        }
        // j joins i. Only live rows and columns are read again.
        live.retain(|&k| k != j);
        for &k in &live {
            let moved = cells[at(j, k)];
            let t = &mut cells[at(i, k)];
            *t += moved;
            let t = *t;
            cells[at(k, i)] = t;
        }
        docs[i] += docs[j];
        let moved = std::mem::take(&mut members[j]);
        members[i].extend(moved);
        best[j] = None;
        for &k in &live {
            let stale = k == i || matches!(best[k], Some((_, p)) if p == i || p == j);
            if stale {
                best[k] = best_of(k, &live, &cells, &docs);
            } else if best[k].is_some_and(|(b, _)| below(k, i, b, &cells, &docs)) {
                continue;
            } else if let Some(l) = linkage(k, i, &cells, &docs) {
                if best[k].is_none_or(|(b, p)| l > b || (l == b && i < p)) {
                    best[k] = Some((l, i));
                }
            }
        }
    }
    let mut out: Vec<Vec<u32>> = members.into_iter().filter(|m| !m.is_empty()).collect();
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort_unstable_by_key(|g| g[0]);
    out
}

/// `weight / docs < b` for certain (not a tie), without the division: `weight` is
/// below `b · docs` by far more than rounding (a margin of 1e-12 against a few
/// units of 2^-53). `weight` is non-negative and `docs` positive.
fn certainly_below(weight: f64, docs: f64, b: f64) -> bool {
    weight < b * docs * (1.0 - 1e-12)
}

/// A pair of groups' three totals in [`cut_articles`], side by side: a merge and a
/// row's scan read all three of a pair, which in three matrices were three cache
/// misses where this is one.
#[derive(Clone, Copy, Default)]
struct Totals {
    /// Σ cosine / cut of the pair's kind.
    weight: f64,
    /// Σ (cosine + shingle Jaccard) over the same-language pairs.
    same: f64,
    /// The number of same-language pairs.
    count: f64,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, o: Totals) {
        self.weight += o.weight;
        self.same += o.same;
        self.count += o.count;
    }
}

/// The [`Totals`] of documents `a` and `b`, whose vectors' dot product is `dot`,
/// standing for `pairs` document pairs (their copies' counts multiplied).
fn pair_totals(
    a: u32,
    b: u32,
    dot: f32,
    pairs: f64,
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Totals {
    let cos = f64::from(dot.clamp(0.0, 1.0));
    let (a, b) = (a as usize, b as usize);
    if input.langs[a] == input.langs[b] {
        let jaccard = sketch_jaccard(&input.sketches[a], &input.sketches[b]);
        let copy = is_copy(a, b, jaccard, input, config);
        let cos = if copy { 1.0 } else { cos };
        let cut = f64::from(config.same_language);
        let alike = (cos + f64::from(jaccard)).min(1.0);
        Totals {
            weight: pairs * cos / cut,
            same: pairs * alike,
            count: pairs,
        }
    } else {
        let cut = translation_cut(a as u32, b as u32, input, config);
        Totals {
            weight: pairs * cos / cut,
            ..Totals::default()
        }
    }
}

/// Copies the upper triangle of the n × n matrix `cells` onto the lower, tile by
/// tile, so that the column side's cache lines are written whole.
fn mirror(cells: &mut [Totals], n: usize) {
    const TILE: usize = 32;
    for bi in (0..n).step_by(TILE) {
        for bj in (bi..n).step_by(TILE) {
            for i in bi..(bi + TILE).min(n) {
                for j in bj.max(i + 1)..(bj + TILE).min(n) {
                    cells[j * n + i] = cells[i * n + j];
                }
            }
        }
    }
}

/// Runs `f` with `entries` (story-local numbers, [`story_local`]) scattered into
/// `dense`, which is zero elsewhere before and everywhere after: the array each
/// row of [`cut_articles`] gathers its cosines from.
fn with_scattered<R>(dense: &mut [f32], entries: &[(u32, f32)], f: impl FnOnce(&[f32]) -> R) -> R {
    for &(f, w) in entries {
        dense[f as usize] = w;
    }
    let r = f(dense);
    for &(f, _) in entries {
        dense[f as usize] = 0.0;
    }
    r
}

/// Σ dense[f]·w over `sparse`, in four partial sums: one sum waits on each
/// addition before the next, and a story's dense array is short enough to be in
/// cache, so the additions, not the loads, were the cost.
fn gather_dot(dense: &[f32], sparse: &[(u32, f32)]) -> f32 {
    let mut lanes = [0.0f32; 4];
    let chunks = sparse.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for (lane, &(f, w)) in lanes.iter_mut().zip(c) {
            *lane += dense[f as usize] * w;
        }
    }
    for (lane, &(f, w)) in lanes.iter_mut().zip(rest) {
        *lane += dense[f as usize] * w;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The pairs a story too large for [`cut_articles`] is cut along (see the module
/// docs). `graph_edges` are the kNN graph's edges between documents of this story.
fn article_edges(
    docs: &[u32],
    graph_edges: &[Edge],
    input: &CopyInput<'_>,
    config: &ArticleConfig,
) -> Vec<Edge> {
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
    } else if reps.len() <= DENSE_MAX {
        cut_articles(&reps, sizes, input, config)
    } else {
        let edges = article_edges(&reps, graph_edges, input, config);
        let cfg = Linkage {
            threshold: config.same_language,
            max_days: None,
            cohesion: 0.0,
            knn: false,
            in_rounds: false,
        };
        average_link(
            &reps,
            &edges,
            input.vecs,
            |d| sizes[d as usize],
            input.days,
            input.langs,
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
    let story_rep = representative(&docs, input, config.keep);
    let articles = groups
        .into_iter()
        .map(|g| {
            let rep = representative(&g, input, config.keep);
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
        if l == story_of_doc[e.b as usize] && story_docs[l as usize].len() > DENSE_MAX {
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
        // More syndicated copies in one story than the dense cut takes, no graph
        // edges between them: the articles are cut along one copy edge per
        // document, not half a million pairs, and the copies are one article.
        let n = DENSE_MAX + 100;
        let vecs: Vec<SparseVec> = (0..n)
            .map(|i| SparseVec::new(vec![(1, 1.0), (2 + (i % 3) as u32, 0.1)]))
            .collect();
        let langs = vec![Lang::ENG; n];
        let exact: Vec<u64> = (0..n).map(|i| if i < 1000 { 7 } else { 8 }).collect();
        let sketches = vec![Vec::new(); n];
        let days = vec![None; n];
        let input = CopyInput::new(&vecs, &langs, &days, &exact, &sketches);
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
        assert_eq!(sizes, [n - 1000, 1000]);
    }

    /// The two rules of the article cut: each kind of pair against its own cut, and
    /// documents in a shared language deciding whether two groups are one article.
    #[test]
    fn articles_are_cut_by_kind_of_pair_and_shared_languages_decide() {
        // Two write-ups of one event (A: docs 0-2, B: docs 3-5), each in English,
        // German and French. Within a write-up the translations share concepts 1-3
        // (cosine about 0.3, above the cross-language cut, far below the
        // same-language one); the two write-ups share concept 9, strongly enough that
        // A's German and B's French (cosine about 0.4) would pass the cross-language
        // cut; the two English texts (about 0.2) are told apart by their language.
        let v = |e: &[(u32, f32)]| SparseVec::new(e.to_vec());
        let vecs = vec![
            v(&[(1, 1.0), (10, 2.0), (9, 1.0)]),
            v(&[(1, 1.0), (20, 2.0), (9, 1.5)]),
            v(&[(1, 1.0), (30, 2.0), (9, 1.0)]),
            v(&[(2, 1.0), (11, 2.0), (9, 1.0)]),
            v(&[(2, 1.0), (21, 2.0), (9, 1.0)]),
            v(&[(2, 1.0), (31, 2.0), (9, 1.5)]),
        ];
        let langs = [
            Lang::ENG,
            Lang::from_code("deu").unwrap(),
            Lang::from_code("fra").unwrap(),
        ];
        let langs: Vec<Lang> = (0..6).map(|i| langs[i % 3]).collect();
        let exact: Vec<u64> = (0..6).collect();
        let sketches = vec![Vec::new(); 6];
        let days = vec![None; 6];
        let input = CopyInput::new(&vecs, &langs, &days, &exact, &sketches);
        let cos = |a: usize, b: usize| vecs[a].cosine(&vecs[b]);
        let config = ArticleConfig::default();
        assert!(cos(0, 3) < config.same_language_floor, "{}", cos(0, 3));
        assert!(cos(1, 5) > config.cross_language, "{}", cos(1, 5));
        let reps: Vec<u32> = (0..6).collect();
        let sizes = vec![1; 6];
        assert_eq!(
            cut_articles(&reps, &sizes, &input, &config),
            [vec![0, 1, 2], vec![3, 4, 5]]
        );
        // Without the shared-language rule (and with one cut for every pair, as
        // before), the write-ups chain into one article.
        let loose = ArticleConfig {
            same_language_floor: 0.0,
            same_language: config.cross_language,
            ..config
        };
        assert_eq!(cut_articles(&reps, &sizes, &input, &loose).len(), 1);
    }

    /// Average link over groups by definition: every step sums the pair totals of
    /// every two live groups' members afresh and merges the best pair (ties to the
    /// smallest pair of groups, the first group keeping its place) while it reaches 1.
    fn articles_by_definition(
        reps: &[u32],
        sizes: &[u32],
        input: &CopyInput<'_>,
        config: &ArticleConfig,
    ) -> Vec<Vec<u32>> {
        let n = reps.len();
        let (compact, width) = story_local(reps, input.vecs);
        let mut dense = vec![0.0f32; width];
        let size = |i: usize| f64::from(sizes[reps[i] as usize].max(1));
        let mut pair = vec![Totals::default(); n * n];
        for i in 0..n {
            with_scattered(&mut dense, &compact[i], |dense| {
                for j in 0..n {
                    let dot = gather_dot(dense, &compact[j]);
                    pair[i * n + j] =
                        pair_totals(reps[i], reps[j], dot, size(i) * size(j), input, config);
                }
            });
        }
        let floor = f64::from(config.same_language_floor);
        let mut groups: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        loop {
            let mut top: Option<(f64, usize, usize)> = None;
            for x in 0..n {
                for y in x + 1..n {
                    if groups[x].is_empty() || groups[y].is_empty() {
                        continue;
                    }
                    let mut t = Totals::default();
                    for &i in &groups[x] {
                        for &j in &groups[y] {
                            t += pair[i * n + j];
                        }
                    }
                    if t.count > 0.0 && t.same / t.count < floor {
                        continue;
                    }
                    let docs = |g: &[usize]| g.iter().map(|&i| size(i)).sum::<f64>();
                    let l = t.weight / (docs(&groups[x]) * docs(&groups[y]));
                    if top.is_none_or(|(b, _, _)| l > b) {
                        top = Some((l, x, y));
                    }
                }
            }
            match top {
                Some((l, x, y)) if l >= 1.0 => {
                    let moved = std::mem::take(&mut groups[y]);
                    groups[x].extend(moved);
                }
                _ => break,
            }
        }
        let mut out: Vec<Vec<u32>> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                let mut m: Vec<u32> = g.into_iter().map(|i| reps[i]).collect();
                m.sort_unstable();
                m
            })
            .collect();
        out.sort_unstable_by_key(|g| g[0]);
        out
    }

    /// `cut_articles` (pair totals in one matrix, only live rows updated, each
    /// row's best partner kept) cuts as average link by definition does, on
    /// stories of three languages with copies (equal exact hashes), near-duplicates
    /// (shared sketches), documents standing for several copies, and sums of
    /// the members' pair totals in any order close enough not to decide a tie.
    #[test]
    fn cut_articles_is_average_link_by_definition() {
        let mut rnd = crate::test_rng::xorshift(29);
        let langs3 = [
            Lang::ENG,
            Lang::from_code("deu").unwrap(),
            Lang::from_code("fra").unwrap(),
        ];
        let config = ArticleConfig::default();
        let (mut articles, mut merged, mut blocked) = (0, 0, 0);
        for case in 0..60 {
            let n = 2 + (rnd() % 30) as usize;
            // A few topics, each a handful of features: documents of one topic
            // are alike, more so in one language.
            let vecs: Vec<SparseVec> = (0..n)
                .map(|_| {
                    let topic = (rnd() % 4) as u32;
                    let mut e: Vec<(u32, f32)> = (0..6)
                        .map(|_| (topic * 8 + (rnd() % 8) as u32, 1.0 + (rnd() % 4) as f32))
                        .collect();
                    e.push((100 + (rnd() % 40) as u32, 1.0));
                    SparseVec::new(e)
                })
                .collect();
            let langs: Vec<Lang> = (0..n).map(|_| langs3[(rnd() % 3) as usize]).collect();
            let exact: Vec<u64> = (0..n as u64)
                .map(|i| if rnd().is_multiple_of(6) { 1_000 } else { i })
                .collect();
            let sketches: Vec<Vec<u32>> = (0..n)
                .map(|_| {
                    let base = (rnd() % 3) as u32 * 40;
                    let mut s: Vec<u32> = (0..20).map(|_| base + (rnd() % 60) as u32).collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            let coverage: Vec<f32> = (0..n).map(|_| 0.5 + (rnd() % 6) as f32 / 10.0).collect();
            let days = vec![None; n];
            let input = CopyInput {
                coverage: &coverage,
                ..CopyInput::new(&vecs, &langs, &days, &exact, &sketches)
            };
            let sizes: Vec<u32> = (0..n).map(|_| 1 + (rnd() % 3) as u32).collect();
            let reps: Vec<u32> = (0..n as u32).collect();
            let got = cut_articles(&reps, &sizes, &input, &config);
            assert_eq!(
                got,
                articles_by_definition(&reps, &sizes, &input, &config),
                "case {case}"
            );
            articles += got.len();
            merged += usize::from(got.len() < n);
            let loose = ArticleConfig {
                same_language_floor: 0.0,
                ..config
            };
            blocked += usize::from(cut_articles(&reps, &sizes, &input, &loose).len() < got.len());
        }
        // The cases merge some documents and not others, and the shared-language
        // rule decides in some.
        assert!(merged > 40 && articles > 200, "{merged} {articles}");
        assert!(blocked > 10, "{blocked}");
    }

    #[test]
    fn each_keep_policy_picks_its_representative() {
        let v = |e: &[(u32, f32)]| SparseVec::new(e.to_vec());
        // Doc 0 shares a concept with each of the others: the medoid.
        let vecs = vec![
            v(&[(1, 1.0), (2, 1.0), (3, 1.0)]),
            v(&[(1, 1.0), (7, 1.0)]),
            v(&[(2, 1.0), (8, 1.0)]),
            v(&[(3, 1.0), (9, 1.0)]),
        ];
        let langs = vec![Lang::ENG; 4];
        let exact: Vec<u64> = (0..4).collect();
        let sketches = vec![Vec::new(); 4];
        let days = vec![Some(Day(9)), Some(Day(2)), None, Some(Day(5))];
        let chars = [100, 200, 900, 50];
        let seq = [3, 2, 1, 0];
        let input = CopyInput {
            chars: &chars,
            seq: &seq,
            ..CopyInput::new(&vecs, &langs, &days, &exact, &sketches)
        };
        let docs = [0, 1, 2, 3];
        assert_eq!(representative(&docs, &input, Keep::Central), 0);
        assert_eq!(representative(&docs, &input, Keep::Earliest), 1);
        assert_eq!(representative(&docs, &input, Keep::Longest), 2);
        assert_eq!(representative(&docs, &input, Keep::First), 3);
        // Identical documents tie as medoids: the earliest dated wins, an undated
        // one never does, and equal dates go to the smallest id.
        let same = vec![v(&[(1, 1.0)]); 4];
        let tied = CopyInput {
            vecs: &same,
            ..input
        };
        assert_eq!(representative(&[0, 2, 3], &tied, Keep::Central), 3);
        let days = vec![Some(Day(1)), Some(Day(1)), None, Some(Day(1))];
        let tied = CopyInput {
            days: &days,
            ..tied
        };
        assert_eq!(representative(&[2, 3, 1], &tied, Keep::Central), 1);
    }

    /// What [`certainly_below`] lets a row scan skip is below the bound after the
    /// division too, on random values and on ones within a few ulps of the bound.
    #[test]
    fn certainly_below_is_below_after_dividing() {
        let mut rnd = crate::test_rng::xorshift(31);
        let mut unit = || (rnd() % 1_000_000 + 1) as f64 / 1_000_000.0;
        let mut skipped = 0;
        for _ in 0..200_000 {
            let docs = (unit() * 400.0).ceil() * (unit() * 400.0).ceil();
            let b = unit() * 3.0;
            let exact = b * docs;
            for w in [
                unit() * 2.0 * exact,
                exact,
                exact * (1.0 - 1e-12),
                exact * (1.0 - 2e-12),
                f64::from_bits((exact * (1.0 - 1e-12)).to_bits() - 3),
            ] {
                if certainly_below(w, docs, b) {
                    skipped += 1;
                    assert!(w / docs < b, "{w} / {docs} against {b}");
                }
            }
        }
        assert!(skipped > 200_000);
    }

    /// The four-lane gather is the dot product, for every length of the sparse
    /// side (each remainder of four), to within f32 rounding.
    #[test]
    fn gather_dot_is_the_dot_product() {
        let mut rnd = crate::test_rng::xorshift(23);
        let dense: Vec<f32> = (0..64).map(|_| (rnd() % 1000) as f32 / 999.0).collect();
        for len in 0..40 {
            let sparse: Vec<(u32, f32)> = (0..len)
                .map(|_| ((rnd() % 64) as u32, (rnd() % 1000) as f32 / 999.0))
                .collect();
            let want: f64 = sparse
                .iter()
                .map(|&(f, w)| f64::from(dense[f as usize]) * f64::from(w))
                .sum();
            let got = f64::from(gather_dot(&dense, &sparse));
            assert!(
                (got - want).abs() <= 1e-5 * want.max(1.0),
                "{len}: {got} {want}"
            );
        }
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
        assert_eq!(medoid(&[0, 1, 2, 3, 4], &vecs, |d| d), 1);
        assert_eq!(medoid_by_pairs(&[0, 1, 2, 3, 4], &vecs), 1);
        // Ties (two members, or identical ones) go to the first.
        assert_eq!(medoid(&[0, 2], &vecs, |d| d), 0);
        assert_eq!(medoid(&[3], &vecs, |d| d), 3);
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
                medoid(&docs, &vecs, |d| d),
                medoid_by_pairs(&docs, &vecs),
                "group {g}"
            );
            compared += 1;
        }
        assert!(compared >= 10, "only {compared} groups without a near-tie");
    }
}
