//! Reading gold labels and predicted assignments: tab-separated files with a header,
//! columns found by name, every error naming the file and the 1-based line.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

/// Errors from reading gold labels or assignments.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: no header line")]
    NoHeader { file: String },
    #[error("{file}:{line}: header has no `{column}` column (found: {found})")]
    MissingColumn {
        file: String,
        line: usize,
        column: &'static str,
        found: String,
    },
    #[error("{file}:{line}: column `{column}` appears twice in the header")]
    DuplicateColumn {
        file: String,
        line: usize,
        column: String,
    },
    #[error("{file}:{line}: expected {expected} tab-separated fields, found {found}")]
    FieldCount {
        file: String,
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("{file}:{line}: empty `{column}` field")]
    EmptyField {
        file: String,
        line: usize,
        column: &'static str,
    },
    #[error("{file}:{line}: duplicate id `{id}`, first seen on line {first_line}")]
    DuplicateId {
        file: String,
        line: usize,
        id: String,
        first_line: usize,
    },
    #[error(
        "{file}:{line}: article `{article}` is in story `{story}`, \
         but in story `{first_story}` on line {first_line}"
    )]
    ArticleInTwoStories {
        file: String,
        line: usize,
        article: String,
        story: String,
        first_story: String,
        first_line: usize,
    },
}

/// Result type of this module.
pub type Result<T> = std::result::Result<T, EvalError>;

/// Maps strings to dense `u32` ids in order of first appearance.
#[derive(Default)]
pub(crate) struct Interner {
    ids: HashMap<String, u32>,
    pub(crate) names: Vec<String>,
}

impl Interner {
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("more than u32::MAX distinct labels");
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }
}

/// A tab-separated table with a header, columns located by name.
pub(crate) struct Tsv<'a> {
    source: &'a str,
    /// `(1-based line number, fields)` for every non-blank data line.
    pub(crate) rows: Vec<(usize, Vec<&'a str>)>,
    header: Vec<&'a str>,
    header_line: usize,
}

impl<'a> Tsv<'a> {
    pub(crate) fn parse(text: &'a str, source: &'a str) -> Result<Tsv<'a>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
            .filter(|(_, line)| !line.trim().is_empty());
        let (header_line, header) = lines.next().ok_or_else(|| EvalError::NoHeader {
            file: source.to_owned(),
        })?;
        let header: Vec<&str> = header.split('\t').map(str::trim).collect();
        for (i, name) in header.iter().enumerate() {
            if !name.is_empty() && header[..i].contains(name) {
                return Err(EvalError::DuplicateColumn {
                    file: source.to_owned(),
                    line: header_line,
                    column: (*name).to_owned(),
                });
            }
        }
        let mut rows = Vec::new();
        for (line, text) in lines {
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            if fields.len() != header.len() {
                return Err(EvalError::FieldCount {
                    file: source.to_owned(),
                    line,
                    expected: header.len(),
                    found: fields.len(),
                });
            }
            rows.push((line, fields));
        }
        Ok(Tsv {
            source,
            rows,
            header,
            header_line,
        })
    }

    pub(crate) fn column(&self, name: &'static str) -> Result<usize> {
        self.optional_column(name)
            .ok_or_else(|| EvalError::MissingColumn {
                file: self.source.to_owned(),
                line: self.header_line,
                column: name,
                found: self.header.join(", "),
            })
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    /// Field `col` (named `name` for errors) of a row; errors when empty.
    pub(crate) fn field(
        &self,
        line: usize,
        fields: &[&'a str],
        col: usize,
        name: &'static str,
    ) -> Result<&'a str> {
        match fields[col] {
            "" => Err(EvalError::EmptyField {
                file: self.source.to_owned(),
                line,
                column: name,
            }),
            value => Ok(value),
        }
    }
}

pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Gold labels: one document per row, `id story article lang`.
///
/// `story[i]`, `article[i]` index `story_names`, `article_names`, interned in
/// order of first appearance. Article labels are global: an article belongs to
/// exactly one story (checked when parsing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoldLabels {
    pub ids: Vec<String>,
    pub story: Vec<u32>,
    pub article: Vec<u32>,
    pub lang: Vec<String>,
    pub story_names: Vec<String>,
    pub article_names: Vec<String>,
}

impl GoldLabels {
    /// Keeps only the documents whose language is in `langs` (labels keep their names).
    pub fn retain_langs(&self, langs: &[&str]) -> GoldLabels {
        let keep: Vec<usize> = (0..self.ids.len())
            .filter(|&i| langs.contains(&self.lang[i].as_str()))
            .collect();
        GoldLabels {
            ids: keep.iter().map(|&i| self.ids[i].clone()).collect(),
            story: keep.iter().map(|&i| self.story[i]).collect(),
            article: keep.iter().map(|&i| self.article[i]).collect(),
            lang: keep.iter().map(|&i| self.lang[i].clone()).collect(),
            story_names: self.story_names.clone(),
            article_names: self.article_names.clone(),
        }
    }

    /// Reads and parses a gold TSV file.
    ///
    /// # Errors
    /// [`EvalError::Io`] when the file cannot be read, else as for `parse`.
    pub fn read(path: &Path) -> Result<GoldLabels> {
        let text = read_to_string(path)?;
        GoldLabels::parse(&text, &path.display().to_string())
    }

    /// Parses gold TSV text; `source` names the input in error messages.
    ///
    /// # Errors
    /// When the header lacks a required column or names one twice, a row has a
    /// different number of fields than the header or an empty required field, an id
    /// repeats, or an article appears under two stories;
    /// the message names `source` and the 1-based line.
    pub fn parse(text: &str, source: &str) -> Result<GoldLabels> {
        let tsv = Tsv::parse(text, source)?;
        let (c_id, c_story, c_article, c_lang) = (
            tsv.column("id")?,
            tsv.column("story")?,
            tsv.column("article")?,
            tsv.column("lang")?,
        );
        let mut gold = GoldLabels::default();
        let (mut stories, mut articles) = (Interner::default(), Interner::default());
        let mut seen: HashMap<&str, usize> = HashMap::default();
        // article id -> (story id, line where first seen)
        let mut article_story: HashMap<u32, (u32, usize)> = HashMap::default();
        for (line, fields) in &tsv.rows {
            let line = *line;
            let id = tsv.field(line, fields, c_id, "id")?;
            let story = tsv.field(line, fields, c_story, "story")?;
            let article = tsv.field(line, fields, c_article, "article")?;
            let lang = tsv.field(line, fields, c_lang, "lang")?;
            if let Some(&first_line) = seen.get(id) {
                return Err(EvalError::DuplicateId {
                    file: source.to_owned(),
                    line,
                    id: id.to_owned(),
                    first_line,
                });
            }
            seen.insert(id, line);
            let s = stories.intern(story);
            let a = articles.intern(article);
            let &mut (first_story, first_line) = article_story.entry(a).or_insert((s, line));
            if first_story != s {
                return Err(EvalError::ArticleInTwoStories {
                    file: source.to_owned(),
                    line,
                    article: article.to_owned(),
                    story: story.to_owned(),
                    first_story: stories.names[first_story as usize].clone(),
                    first_line,
                });
            }
            gold.ids.push(id.to_owned());
            gold.story.push(s);
            gold.article.push(a);
            gold.lang.push(lang.to_owned());
        }
        gold.story_names = stories.names;
        gold.article_names = articles.names;
        Ok(gold)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no documents.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Builds [`Assignments`] row by row, interning story and article names in order
/// of first appearance.
struct RowBuilder {
    out: Assignments,
    stories: Interner,
    articles: Interner,
}

impl RowBuilder {
    /// `with_article`: whether rows carry an article label (else `article` is `None`).
    fn new(with_article: bool) -> RowBuilder {
        RowBuilder {
            out: Assignments {
                article: with_article.then(Vec::new),
                ..Assignments::default()
            },
            stories: Interner::default(),
            articles: Interner::default(),
        }
    }

    /// Adds a row; `article` is dropped when the builder has no article column.
    fn push(&mut self, id: &str, story: &str, article: Option<&str>) {
        self.out.ids.push(id.to_owned());
        self.out.story.push(self.stories.intern(story));
        if let (Some(article), Some(labels)) = (article, self.out.article.as_mut()) {
            labels.push(self.articles.intern(article));
        }
    }

    fn finish(mut self) -> Assignments {
        self.out.story_names = self.stories.names;
        self.out.article_names = self.articles.names;
        self.out
    }
}

/// Predicted assignments: one row per document, `id story [article]`.
///
/// Rows are kept as read, including duplicate ids ([`evaluate`] uses the first
/// and reports the rest). `article` is `None` when the file has no `article`
/// column; then the article level is scored with the story labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignments {
    pub ids: Vec<String>,
    pub story: Vec<u32>,
    pub article: Option<Vec<u32>>,
    pub story_names: Vec<String>,
    pub article_names: Vec<String>,
}

impl Assignments {
    /// Keeps only the rows whose id satisfies `keep`.
    pub fn retain_ids(&self, keep: impl Fn(&str) -> bool) -> Assignments {
        let rows: Vec<usize> = (0..self.ids.len())
            .filter(|&i| keep(&self.ids[i]))
            .collect();
        Assignments {
            ids: rows.iter().map(|&i| self.ids[i].clone()).collect(),
            story: rows.iter().map(|&i| self.story[i]).collect(),
            article: self
                .article
                .as_ref()
                .map(|a| rows.iter().map(|&i| a[i]).collect()),
            story_names: self.story_names.clone(),
            article_names: self.article_names.clone(),
        }
    }

    /// Reads and parses an assignments TSV file.
    ///
    /// # Errors
    /// [`EvalError::Io`] when the file cannot be read, else as for `parse`.
    pub fn read(path: &Path) -> Result<Assignments> {
        let text = read_to_string(path)?;
        Assignments::parse(&text, &path.display().to_string())
    }

    /// Parses assignments TSV text; `source` names the input in error messages.
    ///
    /// # Errors
    /// When the header lacks a required column or names one twice, a row has a
    /// different number of fields than the header or an empty required field;
    /// the message names `source` and the 1-based line.
    pub fn parse(text: &str, source: &str) -> Result<Assignments> {
        let tsv = Tsv::parse(text, source)?;
        let c_id = tsv.column("id")?;
        let c_story = tsv.column("story")?;
        let c_article = tsv.optional_column("article");
        let mut rows = RowBuilder::new(c_article.is_some());
        for (line, fields) in &tsv.rows {
            let line = *line;
            let id = tsv.field(line, fields, c_id, "id")?;
            let story = tsv.field(line, fields, c_story, "story")?;
            let article = c_article
                .map(|col| tsv.field(line, fields, col, "article"))
                .transpose()?;
            rows.push(id, story, article);
        }
        Ok(rows.finish())
    }

    /// Assignments from `(id, story, article)` rows held in memory, as a clustering
    /// gives them: the same as parsing a TSV of these rows, without the text
    /// (story and article names interned in order of first appearance).
    pub fn from_rows<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Assignments {
        let mut out = RowBuilder::new(true);
        for (id, story, article) in rows {
            out.push(id, story, Some(article));
        }
        out.finish()
    }

    /// [`Assignments::from_rows`] of rows whose labels are numbers, each named once
    /// by `story_name` / `article_name` (which must give distinct numbers distinct
    /// names): the same result without a name made and looked up per row (at 1M
    /// documents, two strings a row were most of a second on one thread).
    ///
    /// # Panics
    /// When the three slices differ in length.
    pub fn from_numbered(
        ids: Vec<String>,
        story: &[u32],
        article: &[u32],
        story_name: impl Fn(u32) -> String,
        article_name: impl Fn(u32) -> String,
    ) -> Assignments {
        assert!(
            ids.len() == story.len() && ids.len() == article.len(),
            "one story and one article per id"
        );
        // Numbered in order of first appearance, as the interner numbers names.
        let number = |labels: &[u32], name: &dyn Fn(u32) -> String| {
            let mut seen: HashMap<u32, u32> = HashMap::default();
            let mut names = Vec::new();
            let numbered = labels
                .iter()
                .map(|&l| {
                    *seen.entry(l).or_insert_with(|| {
                        names.push(name(l));
                        (names.len() - 1) as u32
                    })
                })
                .collect();
            (numbered, names)
        };
        let (story, story_names) = number(story, &story_name);
        let (article, article_names) = number(article, &article_name);
        Assignments {
            ids,
            story,
            article: Some(article),
            story_names,
            article_names,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Documents `ids` assigned to story `labels` (no article column), as a
    /// clustering in memory gives them; story names are the labels' numbers.
    ///
    /// # Panics
    /// When the two slices differ in length.
    pub fn from_labels(ids: &[String], labels: &[u32]) -> Assignments {
        assert_eq!(ids.len(), labels.len(), "one label per id");
        let mut out = RowBuilder::new(false);
        for (id, label) in ids.iter().zip(labels) {
            out.push(id, &label.to_string(), None);
        }
        out.finish()
    }

    /// Article label of row `row`: the article column, or the story when absent.
    pub(crate) fn article_of(&self, row: usize) -> u32 {
        self.article.as_ref().map_or(self.story[row], |a| a[row])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{gold, pred};

    /// Rows numbered by label are read as the same rows named.
    #[test]
    fn numbered_rows_are_the_named_rows() {
        let ids: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let (story, article) = ([7, 3, 7, 0, 3], [4, 1, 2, 0, 1]);
        let got = Assignments::from_numbered(
            ids.clone(),
            &story,
            &article,
            |s| format!("s{s}"),
            |a| format!("a{a}"),
        );
        let names: Vec<(String, String)> = story
            .iter()
            .zip(&article)
            .map(|(s, a)| (format!("s{s}"), format!("a{a}")))
            .collect();
        let want = Assignments::from_rows(
            ids.iter()
                .zip(&names)
                .map(|(id, (s, a))| (id.as_str(), s.as_str(), a.as_str())),
        );
        assert_eq!(got, want);
        assert_eq!(got.story_names, ["s7", "s3", "s0"]);
    }

    #[test]
    fn gold_parses_and_interns_in_order_of_appearance() {
        let g = gold();
        assert_eq!(g.ids, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(g.story, [0, 0, 0, 1, 1, 2]);
        assert_eq!(g.article, [0, 0, 1, 2, 2, 3]);
        assert_eq!(g.story_names, ["s1", "s2", "s3"]);
        assert_eq!(g.article_names, ["a1", "a2", "a3", "a4"]);
        assert_eq!(g.lang, ["eng", "tur", "eng", "deu", "eng", "fra"]);
        // Column order, CRLF, a BOM, blank lines and extra columns do not matter.
        let g2 = GoldLabels::parse(
            "\u{feff}lang\tid\tnote\tarticle\tstory\r\n\r\n\
             eng\ta\tx\ta1\ts1\r\ntur\tb\ty\ta1\ts1\r\n",
            "g",
        )
        .expect("parses");
        assert_eq!(g2.ids, ["a", "b"]);
        assert_eq!(g2.story, [0, 0]);
        assert_eq!(g2.lang, ["eng", "tur"]);
    }

    #[test]
    fn assignments_parse_with_and_without_article() {
        let p = pred("id\tstory\tarticle\nx\tc9\tk1\ny\tc7\tk2\nz\tc9\tk1\n");
        assert_eq!(p.story, [0, 1, 0]);
        assert_eq!(p.story_names, ["c9", "c7"]);
        assert_eq!(p.article, Some(vec![0, 1, 0]));
        let p = pred("id\tstory\nx\t3\ny\t3\n");
        assert_eq!(p.story, [0, 0]);
        assert_eq!(p.article, None);
        // Duplicates are kept for evaluate to report.
        let p = pred("id\tstory\nx\t1\nx\t2\n");
        assert_eq!(p.ids, ["x", "x"]);
    }

    #[test]
    fn rows_in_memory_equal_the_parsed_tsv() {
        let rows = [("x", "c9", "k1"), ("y", "c7", "k2"), ("z", "c9", "k1")];
        let tsv: String = rows
            .iter()
            .map(|(id, s, a)| format!("{id}\t{s}\t{a}\n"))
            .collect();
        assert_eq!(
            Assignments::from_rows(rows),
            pred(&format!("id\tstory\tarticle\n{tsv}"))
        );
        let ids = ["x", "y", "z"].map(String::from);
        assert_eq!(
            Assignments::from_labels(&ids, &[3, 1, 3]),
            pred("id\tstory\nx\t3\ny\t1\nz\t3\n")
        );
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let gold_cases: &[(&str, &str)] = &[
            ("", "gold.tsv: no header line"),
            ("\n\n", "gold.tsv: no header line"),
            (
                "id\tstory\tlang\n",
                "gold.tsv:1: header has no `article` column (found: id, story, lang)",
            ),
            (
                "id\tstory\tarticle\tlang\tid\n",
                "gold.tsv:1: column `id` appears twice in the header",
            ),
            (
                "id\tstory\tarticle\tlang\na\ts\tt\teng\nb\ts\n",
                "gold.tsv:3: expected 4 tab-separated fields, found 2",
            ),
            (
                // blank line 2 is skipped but still counted
                "id\tstory\tarticle\tlang\n\na\ts\tt\teng\tx\n",
                "gold.tsv:3: expected 4 tab-separated fields, found 5",
            ),
            (
                "id\tstory\tarticle\tlang\na\t\tt\teng\n",
                "gold.tsv:2: empty `story` field",
            ),
            (
                "id\tstory\tarticle\tlang\na\ts\tt\teng\nb\ts\tt\teng\na\ts\tu\ttur\n",
                "gold.tsv:4: duplicate id `a`, first seen on line 2",
            ),
            (
                "id\tstory\tarticle\tlang\na\ts1\tt\teng\nb\ts2\tt\teng\n",
                "gold.tsv:3: article `t` is in story `s2`, but in story `s1` on line 2",
            ),
        ];
        for (text, want) in gold_cases {
            match GoldLabels::parse(text, "gold.tsv") {
                Ok(_) => panic!("gold {text:?} parsed, expected error {want:?}"),
                Err(e) => assert_eq!(e.to_string(), *want, "gold input {text:?}"),
            }
        }
        let pred_cases: &[(&str, &str)] = &[
            ("", "pred.tsv: no header line"),
            (
                "x\t1\n",
                "pred.tsv:1: header has no `id` column (found: x, 1)",
            ),
            (
                "id\tcluster\n",
                "pred.tsv:1: header has no `story` column (found: id, cluster)",
            ),
            (
                "id\tstory\tarticle\nx\t1\t2\ny\t1\n",
                "pred.tsv:3: expected 3 tab-separated fields, found 2",
            ),
            (
                "id\tstory\nx\t1\t2\n",
                "pred.tsv:2: expected 2 tab-separated fields, found 3",
            ),
            (
                "id\tstory\tarticle\nx\t1\t\n",
                "pred.tsv:2: empty `article` field",
            ),
        ];
        for (text, want) in pred_cases {
            match Assignments::parse(text, "pred.tsv") {
                Ok(_) => panic!("prediction {text:?} parsed, expected error {want:?}"),
                Err(e) => assert_eq!(e.to_string(), *want, "prediction input {text:?}"),
            }
        }
    }

    #[test]
    fn read_errors_name_the_path() {
        let path = Path::new("/nonexistent/tidings-eval/gold.tsv");
        for err in [
            GoldLabels::read(path).map(|_| ()),
            Assignments::read(path).map(|_| ()),
        ] {
            let err = err.expect_err("reading a missing file fails");
            // The message names the path; the OS error travels in `source()`.
            assert_eq!(
                err.to_string(),
                "cannot read /nonexistent/tidings-eval/gold.tsv"
            );
            assert!(std::error::Error::source(&err).is_some());
        }
        // Reading a real file works and parse errors carry its path.
        let dir = std::env::temp_dir().join(format!("tidings-eval-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let good = dir.join("pred.tsv");
        std::fs::write(&good, "id\tstory\na\t1\n").expect("write");
        assert_eq!(Assignments::read(&good).expect("reads").ids, ["a"]);
        let bad = dir.join("bad.tsv");
        std::fs::write(&bad, "id\tstory\na\n").expect("write");
        let msg = Assignments::read(&bad).expect_err("bad row").to_string();
        assert_eq!(
            msg,
            format!(
                "{}:2: expected 2 tab-separated fields, found 1",
                bad.display()
            )
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
