//! Records and writers: stories as [`StoryRecord`]s (written as JSONL), assignments
//! and rejects as TSV. Output is sorted and byte-identical for the same input,
//! whatever the thread count or input order.

use crate::engine::Clustering;
use crate::story::VariantKind;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// One member of an article, as people read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub id: String,
    pub lang: String,
    pub variant: VariantKind,
    /// Similarity to the article's representative, rounded to three decimals.
    pub sim: f32,
}

/// One article of a story: an original write-up and its versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub article: String,
    pub size: usize,
    pub representative: String,
    /// The representative first, then by id.
    pub members: Vec<MemberRecord>,
}

/// One story: the line `tidings cluster` writes per story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryRecord {
    pub story: String,
    pub size: usize,
    pub languages: Vec<String>,
    pub representative: String,
    pub headline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_end: Option<String>,
    /// Why a lone document was not compared (`empty`, `undetermined_language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Largest first, then by article id.
    pub articles: Vec<ArticleRecord>,
}

/// Story id: `s-` and the smallest document id in it (stable across runs).
pub fn story_id(c: &Clustering, story: usize) -> String {
    format!("s-{}", c.docs[c.stories[story].docs[0] as usize].id)
}

/// Article id: `a-` and the smallest document id in it.
pub fn article_id(c: &Clustering, first_doc: u32) -> String {
    format!("a-{}", c.docs[first_doc as usize].id)
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// The story records of a clustering, largest first, then by story id.
pub fn story_records(c: &Clustering) -> Vec<StoryRecord> {
    let mut order: Vec<usize> = (0..c.stories.len()).collect();
    order.sort_by(|&a, &b| {
        c.stories[b]
            .docs
            .len()
            .cmp(&c.stories[a].docs.len())
            .then(a.cmp(&b))
    });
    order.into_iter().map(|si| story_record(c, si)).collect()
}

fn story_record(c: &Clustering, si: usize) -> StoryRecord {
    let s = &c.stories[si];
    let mut languages: Vec<String> = s
        .docs
        .iter()
        .map(|&d| c.docs[d as usize].lang.code().to_string())
        .collect();
    languages.sort_unstable();
    languages.dedup();
    let dates: Vec<_> = s
        .docs
        .iter()
        .filter_map(|&d| c.docs[d as usize].date)
        .collect();
    let rep = &c.docs[s.representative as usize];
    let mut articles: Vec<ArticleRecord> = s
        .articles
        .iter()
        .map(|a| {
            let first = a.members.iter().map(|m| m.doc).min().unwrap_or(0);
            let mut members: Vec<MemberRecord> = a
                .members
                .iter()
                .map(|m| MemberRecord {
                    id: c.docs[m.doc as usize].id.clone(),
                    lang: c.docs[m.doc as usize].lang.code().to_string(),
                    variant: m.kind,
                    sim: round3(m.sim),
                })
                .collect();
            members.sort_by(|a, b| {
                (a.variant != VariantKind::Original)
                    .cmp(&(b.variant != VariantKind::Original))
                    .then_with(|| a.id.cmp(&b.id))
            });
            ArticleRecord {
                article: article_id(c, first),
                size: members.len(),
                representative: c.docs[a.representative as usize].id.clone(),
                members,
            }
        })
        .collect();
    articles.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.article.cmp(&b.article)));
    StoryRecord {
        story: story_id(c, si),
        size: s.docs.len(),
        languages,
        representative: rep.id.clone(),
        headline: rep.headline.clone(),
        date_start: dates.iter().min().map(|d| d.to_iso()),
        date_end: dates.iter().max().map(|d| d.to_iso()),
        note: if s.docs.len() == 1 {
            rep.status.note().map(str::to_string)
        } else {
            None
        },
        articles,
    }
}

/// One JSON line per story record ([`story_records`]).
pub fn write_stories(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    for record in story_records(c) {
        serde_json::to_writer(&mut w, &record)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// One `(id, story, article)` row per document, sorted by id: what
/// [`write_assignments`] writes, and what scoring reads from memory.
pub fn assignment_rows(c: &Clustering) -> impl Iterator<Item = (&str, String, String)> + '_ {
    let story_ids: Vec<String> = (0..c.stories.len()).map(|s| story_id(c, s)).collect();
    c.docs.iter().enumerate().map(move |(i, d)| {
        (
            d.id.as_str(),
            story_ids[c.story_of_doc[i] as usize].clone(),
            article_id(c, c.article_of_doc[i]),
        )
    })
}

/// `id<TAB>story<TAB>article`, one row per document, sorted by id.
pub fn write_assignments(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "id\tstory\tarticle")?;
    for (id, story, article) in assignment_rows(c) {
        writeln!(w, "{id}\t{story}\t{article}")?;
    }
    w.flush()
}

/// A TSV field as written: backslash, tab, line breaks and NUL escaped as `\\`,
/// `\t`, `\n`, `\r`, `\0`, so a rejected id or a file name with a tab cannot
/// shift the columns.
pub fn tsv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\\', '\t', '\n', '\r', '\0']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.into()
}

/// `location<TAB>id<TAB>reason`, in input order, every field escaped ([`tsv_field`]).
pub fn write_rejects(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "location\tid\treason")?;
    for r in &c.rejects {
        writeln!(
            w,
            "{}\t{}\t{}",
            tsv_field(&r.location),
            tsv_field(r.id.as_deref().unwrap_or("")),
            tsv_field(&r.reason)
        )?;
    }
    w.flush()
}

/// `a<TAB>b<TAB>sim`: the kNN graph's edges by document id, sorted.
pub fn write_edges(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "a\tb\tsim")?;
    for e in &c.graph.edges {
        writeln!(
            w,
            "{}\t{}\t{:.4}",
            c.docs[e.a as usize].id, c.docs[e.b as usize].id, e.sim
        )?;
    }
    w.flush()
}
