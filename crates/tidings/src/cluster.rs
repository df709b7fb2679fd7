//! kNN graph → stories, in parallel and deterministically.
//!
//! Stories are cut from an average-link hierarchy, not from connected components:
//! transitive closure over a kNN graph chains distinct events that share vocabulary
//! (two conferences of the same forum a year apart). Average link merges two groups
//! only when their documents are similar *on average*, computed exactly from
//! cluster sum vectors: for unit vectors, mean pairwise cosine = ΣA·ΣB / (|A|·|B|).
//!
//! Candidate merges follow graph edges; the graph's connected components (over
//! edges at or above the candidate floor) are independent problems, solved in parallel.

use crate::config::StoryConfig;
use crate::document::Day;
use crate::graph::{Edge, KnnGraph};
use crate::pivot::FeatureId;
use crate::vectorize::{dot, SparseVec};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The parameters of one average-link cut (stories, or articles inside a story).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Linkage {
    /// Two groups merge while their mean pairwise cosine is at least this.
    pub threshold: f32,
    /// Documents dated further apart than this many days are never in one group.
    pub max_days: Option<i32>,
    /// See [`cohesive`]; 0 disables the check.
    pub cohesion: f32,
}

struct Group {
    members: Vec<u32>,
    sum: Vec<(FeatureId, f32)>,
    days: Option<(Day, Day)>,
    version: u32,
    alive: bool,
    neighbors: FxHashSet<u32>,
}

#[derive(PartialEq)]
struct Candidate {
    sim: f32,
    a: u32,
    b: u32,
    va: u32,
    vb: u32,
}

impl Eq for Candidate {}
impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        // Max-heap on sim; ties go to the smallest (a, b), so the order is total.
        self.sim
            .total_cmp(&o.sim)
            .then_with(|| (o.a, o.b).cmp(&(self.a, self.b)))
    }
}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

fn add_sparse(a: &[(FeatureId, f32)], b: &[(FeatureId, f32)]) -> Vec<(FeatureId, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                out.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(*x);
                i += 1;
            }
            (Some(_), Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => unreachable!(),
        }
    }
    out
}

/// Mean pairwise cosine inside a group of unit vectors, from its sum: |Σ|² = n + 2·Σ_{i<j} cos.
fn intra(g: &Group) -> f32 {
    let n = g.members.len() as f32;
    (dot(&g.sum, &g.sum) - n) / (n * (n - 1.0))
}

/// Two groups of several documents each merge only if they are at least `cohesion`
/// times as similar to each other as the looser of the two is inside. Two complete
/// stories on one topic (two North Korea stories, each with its 17 translations)
/// are similar on average, but far less than each story's versions are to each other.
/// A lone document joining a group is judged by the threshold alone.
fn cohesive(a: &Group, b: &Group, sim: f32, cohesion: f32, threshold: f32) -> bool {
    if cohesion <= 0.0 || a.members.len() < 2 || b.members.len() < 2 {
        return true;
    }
    sim >= (cohesion * intra(a).min(intra(b))).min(COHESION_CAP * threshold)
}

/// The cohesion requirement never exceeds this multiple of the threshold: exact
/// copies make a group's inner similarity near 1, and an independent write-up of the
/// same event should not have to match that.
const COHESION_CAP: f32 = 2.0;

fn span_ok(a: Option<(Day, Day)>, b: Option<(Day, Day)>, max_days: Option<i32>) -> bool {
    match (a, b, max_days) {
        (Some(x), Some(y), Some(m)) => x.1 .0.max(y.1 .0) - x.0 .0.min(y.0 .0) <= m,
        _ => true,
    }
}

fn merge_days(a: Option<(Day, Day)>, b: Option<(Day, Day)>) -> Option<(Day, Day)> {
    match (a, b) {
        (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Average-link agglomeration of `members` (document indices), merging along `edges`
/// (indices into the same document space). Returns groups, each sorted, ordered by
/// their smallest member.
pub(crate) fn average_link(
    members: &[u32],
    edges: &[Edge],
    vecs: &[SparseVec],
    days: &[Option<Day>],
    config: &Linkage,
) -> Vec<Vec<u32>> {
    let local: rustc_hash::FxHashMap<u32, u32> = members
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, i as u32))
        .collect();
    let mut groups: Vec<Group> = members
        .iter()
        .map(|&d| Group {
            members: vec![d],
            sum: vecs[d as usize].entries().to_vec(),
            days: days[d as usize].map(|x| (x, x)),
            version: 0,
            alive: true,
            neighbors: FxHashSet::default(),
        })
        .collect();
    let mut heap = BinaryHeap::new();
    for e in edges {
        let (Some(&a), Some(&b)) = (local.get(&e.a), local.get(&e.b)) else {
            continue;
        };
        groups[a as usize].neighbors.insert(b);
        groups[b as usize].neighbors.insert(a);
        if e.sim >= config.threshold {
            heap.push(Candidate {
                sim: e.sim,
                a,
                b,
                va: 0,
                vb: 0,
            });
        }
    }
    while let Some(c) = heap.pop() {
        if c.sim < config.threshold {
            break;
        }
        let (ga, gb) = (&groups[c.a as usize], &groups[c.b as usize]);
        if !ga.alive || !gb.alive || ga.version != c.va || gb.version != c.vb {
            continue;
        }
        if !span_ok(ga.days, gb.days, config.max_days)
            || !cohesive(ga, gb, c.sim, config.cohesion, config.threshold)
        {
            continue;
        }
        // Merge b into a.
        let gb = std::mem::replace(
            &mut groups[c.b as usize],
            Group {
                members: vec![],
                sum: vec![],
                days: None,
                version: 0,
                alive: false,
                neighbors: Default::default(),
            },
        );
        let ga = &mut groups[c.a as usize];
        ga.sum = add_sparse(&ga.sum, &gb.sum);
        ga.members.extend(gb.members);
        ga.days = merge_days(ga.days, gb.days);
        ga.version += 1;
        ga.neighbors.extend(gb.neighbors);
        ga.neighbors.remove(&c.a);
        ga.neighbors.remove(&c.b);
        let mut nbrs: Vec<u32> = ga.neighbors.iter().copied().collect();
        nbrs.sort_unstable();
        for n in nbrs {
            if !groups[n as usize].alive {
                continue;
            }
            groups[n as usize].neighbors.remove(&c.b);
            groups[n as usize].neighbors.insert(c.a);
            let (ga, gn) = (&groups[c.a as usize], &groups[n as usize]);
            let sim = dot(&ga.sum, &gn.sum) / (ga.members.len() * gn.members.len()) as f32;
            if sim >= config.threshold {
                let (a, b, va, vb) = if c.a < n {
                    (c.a, n, ga.version, gn.version)
                } else {
                    (n, c.a, gn.version, ga.version)
                };
                heap.push(Candidate { sim, a, b, va, vb });
            }
        }
    }
    let mut out: Vec<Vec<u32>> = groups
        .into_iter()
        .filter(|g| g.alive)
        .map(|mut g| {
            g.members.sort_unstable();
            g.members
        })
        .collect();
    out.sort_unstable_by_key(|g| g[0]);
    out
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Cuts the graph into stories. Returns one label per document; labels number the
/// stories in the order of their smallest document index.
pub fn cluster_stories(
    graph: &KnnGraph,
    vecs: &[SparseVec],
    days: &[Option<Day>],
    stories: &StoryConfig,
    max_days: Option<i32>,
) -> Vec<u32> {
    let config = &Linkage {
        threshold: stories.threshold,
        cohesion: stories.cohesion,
        max_days,
    };
    let n = graph.n_docs;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for e in &graph.edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut comp_of: Vec<u32> = (0..n as u32).map(|i| find(&mut parent, i)).collect();
    // Group documents and edges by component.
    let mut members: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    for (i, &c) in comp_of.iter().enumerate() {
        members.entry(c).or_default().push(i as u32);
    }
    let mut comp_edges: rustc_hash::FxHashMap<u32, Vec<Edge>> = Default::default();
    for e in &graph.edges {
        comp_edges
            .entry(comp_of[e.a as usize])
            .or_default()
            .push(*e);
    }
    let mut comps: Vec<(u32, Vec<u32>)> = members.into_iter().collect();
    comps.sort_unstable_by_key(|(c, _)| *c);
    // Largest components first, so one big component does not finish last alone.
    let mut order: Vec<usize> = (0..comps.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(comps[i].1.len()));
    let results: Vec<(usize, Vec<Vec<u32>>)> = order
        .into_par_iter()
        .map(|i| {
            let (c, m) = &comps[i];
            if m.len() == 1 {
                return (i, vec![m.clone()]);
            }
            let es = comp_edges.get(c).map(Vec::as_slice).unwrap_or(&[]);
            (i, average_link(m, es, vecs, days, config))
        })
        .collect();
    let mut groups: Vec<Vec<u32>> = results.into_iter().flat_map(|(_, g)| g).collect();
    groups.sort_unstable_by_key(|g| g[0]);
    for (label, g) in groups.iter().enumerate() {
        for &d in g {
            comp_of[d as usize] = label as u32;
        }
    }
    comp_of
}
