//! Records and writers: stories as [`StoryRecord`]s (written as JSONL), assignments
//! and rejects as TSV. Output is sorted and byte-identical for the same input,
//! whatever the thread count or input order.

use crate::document::Reject;
use crate::engine::Clustering;
use crate::pivot::Mentions;
use crate::story::{Article, Member, VariantKind};
use rayon::prelude::*;
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
    /// What an independent report mentions that the story's representative does
    /// not, or an edited copy that the version it copies does not; absent for
    /// representatives, translations and exact copies, and for a member that adds
    /// nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adds: Option<Adds>,
}

/// Names and numbers a member mentions that its story's representative does not,
/// compared by name key and by digits, so across languages and scripts (Лавров is
/// Lavrov, ١٦ is 16), in order of first appearance, at most [`MAX_ADDS`] of each.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Adds {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<String>,
    /// Sentences whose concepts, names and numbers are mostly absent from the
    /// document it is compared with (at most [`crate::engine::MAX_ADDED_SENTENCES`]),
    /// when the inputs could be read again (not stdin).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<String>,
}

/// A story record lists at most this many sources.
pub const MAX_SOURCES: usize = 32;

/// What a member adds, listed at most this many of each kind.
pub const MAX_ADDS: usize = 8;

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
    /// Its publishers (each document's `source`, else its URL's host), sorted, at
    /// most [`MAX_SOURCES`]; absent when no document says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Why a lone document was not compared (`empty`, `undetermined_language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The ids of earlier stories that this run connected to this one, retired
    /// into its id (`cluster --state`: the older story's id is kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// Largest first, then by article id.
    pub articles: Vec<ArticleRecord>,
}

/// Story id: `s-` and the smallest document id in it (stable across runs).
pub fn story_id(c: &Clustering, story: usize) -> String {
    if let Some(name) = c.story_names.get(story) {
        return name.clone();
    }
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
    // Made on the pool, as they are serialized (`write_json_lines`).
    order
        .into_par_iter()
        .map(|si| story_record(c, si))
        .collect()
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
    let lacks = |own: &Mentions, theirs: &Mentions| -> Vec<String> {
        own.iter()
            .filter(|&(key, _)| !theirs.has(key))
            .take(MAX_ADDS)
            .map(|(_, surface)| surface.to_string())
            .collect()
    };
    // What each member is compared with: `Story::compared_with`.
    let adds = |a: &Article, member: &Member| -> Option<Adds> {
        let base = &c.docs[s.compared_with(a, member)? as usize];
        let m = &c.docs[member.doc as usize];
        let adds = Adds {
            names: lacks(&m.names, &base.names),
            numbers: lacks(&m.numbers, &base.numbers),
            sentences: c.sentences_of(member.doc).to_vec(),
        };
        let empty = adds.names.is_empty() && adds.numbers.is_empty() && adds.sentences.is_empty();
        (!empty).then_some(adds)
    };
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
                    adds: adds(a, m),
                })
                .collect();
            let representative = c.docs[a.representative as usize].id.clone();
            members.sort_by(|a, b| {
                (a.id != representative)
                    .cmp(&(b.id != representative))
                    .then_with(|| a.id.cmp(&b.id))
            });
            ArticleRecord {
                article: article_id(c, first),
                size: members.len(),
                representative,
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
        sources: {
            let mut v: Vec<String> = s
                .docs
                .iter()
                .filter_map(|&d| c.docs[d as usize].source.clone())
                .collect();
            v.sort_unstable();
            v.dedup();
            v.truncate(MAX_SOURCES);
            v
        },
        merged: c.story_merged.get(si).cloned().unwrap_or_default(),
        note: if s.docs.len() == 1 {
            rep.status.note().map(str::to_string)
        } else {
            None
        },
        articles,
    }
}

/// One JSON line per story record ([`story_records`]).
pub fn write_stories(c: &Clustering, w: impl Write) -> io::Result<()> {
    write_json_lines(&story_records(c), w)
}

/// Records serialized together on one thread of the pool.
const SERIALIZED_TOGETHER: usize = 64;

/// Runs of [`SERIALIZED_TOGETHER`] records whose JSON is held at once.
const RUNS_HELD: usize = 64;

/// One JSON line per item, in order, the items serialized on the pool a run at a
/// time: the output is written after every stage, where one thread left the other
/// core idle (on the 50k crawl yardstick, with the assignments written meanwhile, the
/// time after the last stage fell from 0.18 to 0.11 s). At most [`RUNS_HELD`] runs'
/// JSON is held at once.
fn write_json_lines<T: Serialize + Sync>(items: &[T], mut w: impl Write) -> io::Result<()> {
    for part in items.chunks(RUNS_HELD * SERIALIZED_TOGETHER) {
        let lines: Vec<io::Result<Vec<u8>>> = part
            .par_chunks(SERIALIZED_TOGETHER)
            .map(|run| {
                let mut bytes = Vec::new();
                for item in run {
                    serde_json::to_writer(&mut bytes, item)?;
                    bytes.push(b'\n');
                }
                Ok(bytes)
            })
            .collect();
        for bytes in lines {
            w.write_all(&bytes?)?;
        }
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

/// `id<TAB>story<TAB>article`, one row per document, sorted by id; fields escaped
/// ([`tsv_field`]), so an id with a tab or line break keeps its row.
pub fn write_assignments(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "id\tstory\tarticle")?;
    for (id, story, article) in assignment_rows(c) {
        writeln!(
            w,
            "{}\t{}\t{}",
            tsv_field(id),
            tsv_field(&story),
            tsv_field(&article)
        )?;
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

/// `a<TAB>b<TAB>sim`: the kNN graph's edges by document id, sorted; ids escaped.
pub fn write_edges(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "a\tb\tsim")?;
    for e in &c.graph.edges {
        writeln!(
            w,
            "{}\t{}\t{:.4}",
            tsv_field(&c.docs[e.a as usize].id),
            tsv_field(&c.docs[e.b as usize].id),
            e.sim
        )?;
    }
    w.flush()
}

/// Where a reject was found, split out of its location (`file:12` is a line,
/// `file:byte 4096` a byte offset, `file:record 3` a WARC record, `file` the file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRecord {
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The id, when one could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub reason: String,
}

impl RejectRecord {
    pub fn of(r: &Reject) -> RejectRecord {
        let mut out = RejectRecord {
            source: r.location.clone(),
            line: None,
            offset: None,
            record: None,
            id: r.id.clone(),
            reason: r.reason.clone(),
        };
        if let Some((source, pos)) = r.location.rsplit_once(':') {
            let num = |s: &str| s.parse::<u64>().ok();
            let (line, offset, record) = if let Some(n) = pos.strip_prefix("byte ").and_then(num) {
                (None, Some(n), None)
            } else if let Some(n) = pos.strip_prefix("record ").and_then(num) {
                (None, None, Some(n))
            } else {
                (num(pos), None, None)
            };
            if line.is_some() || offset.is_some() || record.is_some() {
                out = RejectRecord {
                    source: source.to_string(),
                    line,
                    offset,
                    record,
                    ..out
                };
            }
        }
        out
    }
}

/// One JSON line per reject ([`RejectRecord`]), in input order.
pub fn write_rejects_jsonl(c: &Clustering, mut w: impl Write) -> io::Result<()> {
    for r in &c.rejects {
        serde_json::to_writer(&mut w, &RejectRecord::of(r))?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines serialized on the pool come out in order, as one thread writes them,
    /// across the parts held at a time.
    #[test]
    fn json_lines_in_order() {
        let items: Vec<(u32, String)> = (0..10_000).map(|i| (i, format!("story {i}"))).collect();
        let mut parallel = Vec::new();
        write_json_lines(&items, &mut parallel).unwrap();
        let mut serial = Vec::new();
        for item in &items {
            serde_json::to_writer(&mut serial, item).unwrap();
            serial.push(b'\n');
        }
        assert_eq!(parallel, serial);
        let mut none = Vec::new();
        write_json_lines::<u32>(&[], &mut none).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn reject_locations_split_into_line_offset_or_record() {
        let cases = [
            ("in.jsonl:12", ("in.jsonl", Some(12), None, None)),
            (
                "a:b.jsonl.zst:byte 4096",
                ("a:b.jsonl.zst", None, Some(4096), None),
            ),
            ("c.warc.gz:record 3", ("c.warc.gz", None, None, Some(3))),
            ("dir/x.txt", ("dir/x.txt", None, None, None)),
            ("odd:name", ("odd:name", None, None, None)),
        ];
        for (location, (source, line, offset, record)) in cases {
            let r = RejectRecord::of(&Reject {
                id: None,
                location: location.into(),
                reason: "r".into(),
            });
            assert_eq!(
                (r.source.as_str(), r.line, r.offset, r.record),
                (source, line, offset, record),
                "{location}"
            );
        }
    }

    #[test]
    fn tsv_fields_escape_what_would_break_a_row() {
        for (raw, want) in [
            ("plain", "plain"),
            ("a\tb", "a\\tb"),
            ("l1\nl2\r", "l1\\nl2\\r"),
            ("nul\0", "nul\\0"),
            ("back\\slash", "back\\\\slash"),
        ] {
            assert_eq!(tsv_field(raw), want, "{raw:?}");
        }
    }
}

/// Parquet writers (feature `parquet`): the same rows as the TSV and JSONL
/// writers, for pipelines that keep their data in Parquet.
#[cfg(feature = "parquet")]
pub mod parquet_out {
    use super::{assignment_rows, story_records};
    use crate::engine::Clustering;
    use arrow_array::builder::{ListBuilder, StringBuilder, UInt64Builder};
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use std::io::{self, Write};
    use std::sync::Arc;

    fn to_io(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
        io::Error::other(e)
    }

    fn write_batch(batch: RecordBatch, w: impl Write + Send) -> io::Result<()> {
        let mut writer = ArrowWriter::try_new(w, batch.schema(), None).map_err(to_io)?;
        writer.write(&batch).map_err(to_io)?;
        writer.close().map_err(to_io)?;
        Ok(())
    }

    /// Columns `id story article` (strings), one row per document, sorted by id.
    pub fn write_assignments(c: &Clustering, w: impl Write + Send) -> io::Result<()> {
        let (mut ids, mut stories, mut articles) = (Vec::new(), Vec::new(), Vec::new());
        for (id, story, article) in assignment_rows(c) {
            ids.push(id.to_string());
            stories.push(story);
            articles.push(article);
        }
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("story", DataType::Utf8, false),
            Field::new("article", DataType::Utf8, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(StringArray::from(stories)),
            Arc::new(StringArray::from(articles)),
        ];
        write_batch(RecordBatch::try_new(schema, columns).map_err(to_io)?, w)
    }

    /// One row per story, in the order of the JSONL: `story`, `size`, `languages`
    /// (a list), `representative`, `headline`, `date_start`, `date_end`, `note`, and
    /// `articles` as the JSON array the JSONL line holds (nested members stay
    /// readable by any Parquet reader without a schema for them).
    pub fn write_stories(c: &Clustering, w: impl Write + Send) -> io::Result<()> {
        let records = story_records(c);
        let mut story = StringBuilder::new();
        let mut size = UInt64Builder::new();
        let mut languages = ListBuilder::new(StringBuilder::new());
        let mut representative = StringBuilder::new();
        let mut headline = StringBuilder::new();
        let mut date_start = StringBuilder::new();
        let mut date_end = StringBuilder::new();
        let mut note = StringBuilder::new();
        let mut articles = StringBuilder::new();
        for r in &records {
            story.append_value(&r.story);
            size.append_value(r.size as u64);
            for l in &r.languages {
                languages.values().append_value(l);
            }
            languages.append(true);
            representative.append_value(&r.representative);
            headline.append_value(&r.headline);
            date_start.append_option(r.date_start.as_deref());
            date_end.append_option(r.date_end.as_deref());
            note.append_option(r.note.as_deref());
            articles.append_value(serde_json::to_string(&r.articles)?);
        }
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("story", Arc::new(story.finish())),
            ("size", Arc::new(size.finish())),
            ("languages", Arc::new(languages.finish())),
            ("representative", Arc::new(representative.finish())),
            ("headline", Arc::new(headline.finish())),
            ("date_start", Arc::new(date_start.finish())),
            ("date_end", Arc::new(date_end.finish())),
            ("note", Arc::new(note.finish())),
            ("articles", Arc::new(articles.finish())),
        ];
        let batch = RecordBatch::try_from_iter(columns).map_err(to_io)?;
        write_batch(batch, w)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::config::EngineConfig;
        use crate::document::Document;
        use arrow_array::cast::AsArray;
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

        fn read_back(bytes: Vec<u8>) -> RecordBatch {
            let path = std::env::temp_dir().join(format!(
                "tidings-parquet-out-{}-{}.parquet",
                std::process::id(),
                bytes.len()
            ));
            std::fs::write(&path, bytes).unwrap();
            let file = std::fs::File::open(&path).unwrap();
            let mut r = ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap();
            let batch = r.next().unwrap().unwrap();
            std::fs::remove_file(&path).unwrap();
            batch
        }

        #[test]
        fn assignments_and_stories_read_back_as_written() {
            let text = "The Keston harbour bridge reopened to traffic on Thursday after eight months of repairs.";
            let docs = ["b", "a\tx", "c"]
                .iter()
                .map(|id| Document {
                    id: id.to_string(),
                    text: text.into(),
                    ..Default::default()
                })
                .collect();
            let c = crate::engine::cluster_documents(docs, &EngineConfig::default()).unwrap();
            let mut buf = Vec::new();
            write_assignments(&c, &mut buf).unwrap();
            let batch = read_back(buf);
            let ids: Vec<&str> = batch
                .column(0)
                .as_string::<i32>()
                .iter()
                .flatten()
                .collect();
            // Parquet holds the id as it is: no TSV escaping.
            assert_eq!(ids, ["a\tx", "b", "c"]);
            let mut buf = Vec::new();
            write_stories(&c, &mut buf).unwrap();
            let batch = read_back(buf);
            assert_eq!(batch.num_rows(), super::story_records(&c).len());
            let articles = batch.column_by_name("articles").unwrap().as_string::<i32>();
            let parsed: serde_json::Value = serde_json::from_str(articles.value(0)).unwrap();
            assert!(parsed.is_array());
        }
    }
}

/// One audited pair (`cluster --pairs`): two documents the engine compared, how
/// they relate in the result, and why they were kept together or cut apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairRecord {
    pub a: String,
    pub b: String,
    /// Their cosine in the pivot space, rounded to four decimals.
    pub sim: f32,
    /// `copy` (an exact copy or near-duplicate collapsed before the graph),
    /// `translation` or `version` (one article, two languages or one),
    /// `independent` (one story, two articles) or `different_story`.
    pub relation: String,
    /// `kept` (one story) or `cut` (two stories).
    pub decision: String,
    pub why: String,
}

/// The pairs the engine compared, audited (see [`PairRecord`]): every edge of the
/// kNN graph (the candidate pairs at or above the edge floor) and every copy with
/// the representative it was collapsed into, in document order.
pub fn pair_records(c: &Clustering, config: &crate::config::EngineConfig) -> Vec<PairRecord> {
    let day = |d: usize| c.docs[d].date;
    let mut pairs: Vec<(u32, u32, bool)> = c
        .graph
        .edges
        .iter()
        .map(|e| (e.a, e.b, false))
        .chain(
            c.graph
                .copies
                .rep_of
                .iter()
                .enumerate()
                .filter(|&(d, &r)| r as usize != d)
                .map(|(d, &r)| (r.min(d as u32), r.max(d as u32), true)),
        )
        .collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| (p.0, p.1));
    let (story_cut, article) = (config.stories.threshold, &config.articles);
    pairs
        .into_iter()
        .map(|(a, b, copy)| {
            let (x, y) = (a as usize, b as usize);
            let sim = c.vecs[x].cosine(&c.vecs[y]);
            let same_lang = c.docs[x].lang == c.docs[y].lang;
            let (relation, decision, why) = if copy {
                (
                    "copy",
                    "kept",
                    "an exact copy or near-duplicate (same language and day, shingle Jaccard at least the near-duplicate cut): collapsed into one node before the graph".to_string(),
                )
            } else if c.story_of_doc[x] != c.story_of_doc[y] {
                let apart = match (day(x), day(y), config.candidates.max_days) {
                    (Some(p), Some(q), Some(m)) if (p.0 - q.0).abs() > m => Some((p.0 - q.0).abs()),
                    _ => None,
                };
                let why = match apart {
                    Some(n) => format!("their stories span {n} days, more than --max-days allows"),
                    None if sim < story_cut => format!(
                        "cosine {sim:.3} is below the story threshold {story_cut}, and so was the average over their stories"
                    ),
                    None => format!(
                        "cosine {sim:.3} reaches the story threshold {story_cut}, but the average over their two stories did not, or the two stories failed the cohesion check"
                    ),
                };
                ("different_story", "cut", why)
            } else if c.article_of_doc[x] != c.article_of_doc[y] {
                let why = if same_lang {
                    format!(
                        "one story; two articles: same language, cosine {sim:.3} against the article cut {} and the shared-language floor {} (cosine plus shingle Jaccard, averaged over the articles' documents in that language)",
                        article.same_language, article.same_language_floor
                    )
                } else {
                    format!(
                        "one story; two articles: two languages, cosine {sim:.3}, and the average over the two articles stayed below their translation cut (at most {}, lower the less of them the lexicons read), or a shared language kept them apart",
                        article.cross_language
                    )
                };
                ("independent", "kept", why)
            } else {
                let (relation, cut) = if same_lang {
                    ("version", f64::from(article.same_language))
                } else {
                    ("translation", f64::from(article.cross_language))
                };
                (
                    relation,
                    "kept",
                    format!("one article: cosine {sim:.3}; the average over the article's pairs, each against its cut (here {cut} at most), reached it"),
                )
            };
            PairRecord {
                a: c.docs[x].id.clone(),
                b: c.docs[y].id.clone(),
                sim: (sim * 10_000.0).round() / 10_000.0,
                relation: relation.into(),
                decision: decision.into(),
                why,
            }
        })
        .collect()
}

/// [`pair_records`] as JSONL.
pub fn write_pairs(
    c: &Clustering,
    config: &crate::config::EngineConfig,
    mut w: impl Write,
) -> io::Result<()> {
    for p in pair_records(c, config) {
        serde_json::to_writer(&mut w, &p)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}
