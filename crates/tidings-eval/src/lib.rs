//! Scoring a clustering of documents against gold story and article labels.
//!
//! Inputs are two tab-separated files with a header line:
//!
//! * gold labels, columns `id story article lang` ([`GoldLabels`]);
//! * predicted assignments, columns `id story [article]`, as written by
//!   `tidings cluster --assignments` ([`Assignments`]).
//!
//! Columns are found by their header name, so their order does not matter and
//! extra columns are ignored; every row must have as many fields as the header.
//! Labels are arbitrary strings, interned to `u32` in order of first appearance.
//!
//! Metrics work on two equally long slices of `u32` cluster labels (gold, predicted):
//! pair counting ([`pairwise`]), [`b_cubed`], [`adjusted_rand_index`], [`nmi`] and
//! same-story pair recall split by language ([`pair_recall_by_lang`]). All of them
//! go through a contingency table, so they run in O(n) expected time.
//!
//! Conventions for degenerate inputs: a ratio whose denominator is zero (no pairs
//! predicted, no gold pairs, no documents) is 1.0, because nothing was claimed or
//! nothing could be missed; F1 is 0.0 when precision and recall are both 0.0.
//! ARI and NMI follow scikit-learn: 1.0 for identical partitions (including
//! n = 0, n = 1, both a single cluster, both all singletons).
//!
//! [`evaluate`] aligns a prediction with the gold labels by id and builds an
//! [`EvalReport`] (serializable; [`EvalReport::to_table`] renders it for people).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How many over-merged clusters and split stories an [`EvalReport`] lists.
pub const WORST_N: usize = 5;

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

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Maps strings to dense `u32` ids in order of first appearance.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
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
struct Tsv<'a> {
    source: &'a str,
    /// `(1-based line number, fields)` for every non-blank data line.
    rows: Vec<(usize, Vec<&'a str>)>,
    header: Vec<&'a str>,
    header_line: usize,
}

impl<'a> Tsv<'a> {
    fn parse(text: &'a str, source: &'a str) -> Result<Tsv<'a>> {
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

    fn column(&self, name: &'static str) -> Result<usize> {
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
    fn field(
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

fn read_to_string(path: &Path) -> Result<String> {
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
        let mut seen: HashMap<&str, usize> = HashMap::new();
        // article id -> (story id, line where first seen)
        let mut article_story: HashMap<u32, (u32, usize)> = HashMap::new();
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
        let mut out = Assignments {
            article: c_article.map(|_| Vec::new()),
            ..Assignments::default()
        };
        let (mut stories, mut articles) = (Interner::default(), Interner::default());
        for (line, fields) in &tsv.rows {
            let line = *line;
            out.ids
                .push(tsv.field(line, fields, c_id, "id")?.to_owned());
            out.story
                .push(stories.intern(tsv.field(line, fields, c_story, "story")?));
            if let (Some(col), Some(labels)) = (c_article, out.article.as_mut()) {
                labels.push(articles.intern(tsv.field(line, fields, col, "article")?));
            }
        }
        out.story_names = stories.names;
        out.article_names = articles.names;
        Ok(out)
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
        let mut stories = Interner::default();
        Assignments {
            ids: ids.to_vec(),
            story: labels
                .iter()
                .map(|l| stories.intern(&l.to_string()))
                .collect(),
            article: None,
            story_names: stories.names,
            article_names: Vec::new(),
        }
    }

    /// Article label of row `row`: the article column, or the story when absent.
    fn article_of(&self, row: usize) -> u32 {
        self.article.as_ref().map_or(self.story[row], |a| a[row])
    }
}

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

/// Precision, recall and their harmonic mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// Builds a `Prf`, F1 being 0.0 when both precision and recall are 0.0.
    pub fn new(precision: f64, recall: f64) -> Prf {
        let sum = precision + recall;
        let f1 = if sum > 0.0 {
            2.0 * precision * recall / sum
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// `num / den`, or 1.0 when `den` is zero (nothing claimed, nothing to find).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        1.0
    } else {
        num / den
    }
}

/// Number of unordered pairs among `k` items.
fn pairs_of(k: u64) -> u64 {
    k * k.saturating_sub(1) / 2
}

/// Sparse contingency table of two labelings.
struct Contingency {
    n: u64,
    /// Gold cluster sizes.
    rows: Vec<u64>,
    /// Predicted cluster sizes.
    cols: Vec<u64>,
    /// Non-zero cells `(row, col, count)`.
    cells: Vec<(usize, usize, u64)>,
}

impl Contingency {
    /// # Panics
    /// When `gold` and `pred` differ in length.
    fn new(gold: &[u32], pred: &[u32]) -> Contingency {
        assert_eq!(
            gold.len(),
            pred.len(),
            "gold and predicted labelings must have the same length"
        );
        let mut row_ix: HashMap<u32, usize> = HashMap::new();
        let mut col_ix: HashMap<u32, usize> = HashMap::new();
        let mut cell_ix: HashMap<(usize, usize), usize> = HashMap::new();
        let mut t = Contingency {
            n: gold.len() as u64,
            rows: Vec::new(),
            cols: Vec::new(),
            cells: Vec::new(),
        };
        for (&g, &p) in gold.iter().zip(pred) {
            let r = *row_ix.entry(g).or_insert_with(|| {
                t.rows.push(0);
                t.rows.len() - 1
            });
            let c = *col_ix.entry(p).or_insert_with(|| {
                t.cols.push(0);
                t.cols.len() - 1
            });
            t.rows[r] += 1;
            t.cols[c] += 1;
            let k = *cell_ix.entry((r, c)).or_insert_with(|| {
                t.cells.push((r, c, 0));
                t.cells.len() - 1
            });
            t.cells[k].2 += 1;
        }
        t
    }

    /// Pairs together in both, in gold, in prediction.
    fn pair_counts(&self) -> (u64, u64, u64) {
        let both = self.cells.iter().map(|&(_, _, c)| pairs_of(c)).sum();
        let gold = self.rows.iter().map(|&a| pairs_of(a)).sum();
        let pred = self.cols.iter().map(|&b| pairs_of(b)).sum();
        (both, gold, pred)
    }

    /// True when both labelings are the same partition up to renaming.
    fn is_bijection(&self) -> bool {
        self.cells.len() == self.rows.len() && self.cells.len() == self.cols.len()
    }
}

/// Pair-counting precision and recall: of the document pairs the prediction
/// puts together, the share that share a gold cluster, and vice versa.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn pairwise(gold: &[u32], pred: &[u32]) -> Prf {
    let (both, in_gold, in_pred) = Contingency::new(gold, pred).pair_counts();
    Prf::new(
        ratio(both as f64, in_pred as f64),
        ratio(both as f64, in_gold as f64),
    )
}

/// B-cubed precision and recall (Bagga & Baldwin 1998; Amigó et al. 2009):
/// per document, the share of its predicted cluster in its gold cluster
/// (precision) and of its gold cluster in its predicted cluster (recall),
/// averaged over documents.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn b_cubed(gold: &[u32], pred: &[u32]) -> Prf {
    let t = Contingency::new(gold, pred);
    if t.n == 0 {
        return Prf::new(1.0, 1.0);
    }
    let (mut p, mut r) = (0.0, 0.0);
    for &(row, col, c) in &t.cells {
        // `c` documents each have `c` same-gold documents in a predicted cluster of cols[col].
        let c2 = (c * c) as f64;
        p += c2 / t.cols[col] as f64;
        r += c2 / t.rows[row] as f64;
    }
    let n = t.n as f64;
    Prf::new(p / n, r / n)
}

/// Adjusted Rand index (Hubert & Arabie 1985), as scikit-learn's
/// `adjusted_rand_score`: 1.0 for identical partitions, about 0.0 for
/// chance, negative when worse than chance. Computed in exact integer
/// arithmetic up to the final division.
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn adjusted_rand_index(gold: &[u32], pred: &[u32]) -> f64 {
    let t = Contingency::new(gold, pred);
    let (both, in_gold, in_pred) = t.pair_counts();
    let (tp, in_gold, in_pred) = (i128::from(both), i128::from(in_gold), i128::from(in_pred));
    let total = i128::from(pairs_of(t.n));
    let fp = in_pred - tp;
    let fn_ = in_gold - tp;
    let tn = total - tp - fp - fn_;
    if fp == 0 && fn_ == 0 {
        return 1.0;
    }
    let num = 2 * (tp * tn - fn_ * fp);
    let den = (tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn);
    num as f64 / den as f64
}

/// Shannon entropy (nats) of a distribution given by counts summing to `n`.
fn entropy(counts: &[u64], n: f64) -> f64 {
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Normalized mutual information, normalized by the arithmetic mean of the
/// two entropies (scikit-learn's default `average_method="arithmetic"`).
///
/// 1.0 when both labelings are the same partition (including n = 0, both a
/// single cluster, both all singletons); 0.0 when the mutual information is
/// zero otherwise (e.g. one side a single cluster, the other not).
///
/// # Panics
/// When `gold` and `pred` differ in length.
pub fn nmi(gold: &[u32], pred: &[u32]) -> f64 {
    let t = Contingency::new(gold, pred);
    if t.is_bijection() {
        return 1.0;
    }
    let n = t.n as f64;
    let ln_n = n.ln();
    let mi: f64 = t
        .cells
        .iter()
        .map(|&(r, c, k)| {
            let k = k as f64;
            // p_ij * ln(p_ij / (p_i p_j)) = k/n * (ln k + ln n - ln a_i - ln b_j)
            k / n * (k.ln() + ln_n - (t.rows[r] as f64).ln() - (t.cols[c] as f64).ln())
        })
        .sum();
    if mi <= 0.0 {
        return 0.0;
    }
    let mean_h = (entropy(&t.rows, n) + entropy(&t.cols, n)) / 2.0;
    (mi / mean_h).clamp(0.0, 1.0)
}

/// Gold same-cluster pairs and how many of them the prediction keeps together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairRecall {
    pub pairs: u64,
    pub found: u64,
    /// `found / pairs`, 1.0 when `pairs` is 0.
    pub recall: f64,
}

impl PairRecall {
    pub fn new(pairs: u64, found: u64) -> PairRecall {
        PairRecall {
            pairs,
            found,
            recall: ratio(found as f64, pairs as f64),
        }
    }
}

/// Recall of gold same-cluster pairs, split by the languages of the two documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangPairRecall {
    /// Pairs of documents in different languages.
    pub cross: PairRecall,
    /// Pairs of documents in the same language.
    pub same: PairRecall,
    /// Per unordered language pair, keyed `"eng-tur"` (names sorted; `"eng-eng"`
    /// for same-language pairs). Only pairs that occur in the gold labels.
    pub by_pair: BTreeMap<String, PairRecall>,
    /// Per language: pairs with at least one document in that language
    /// (a cross-lingual pair counts for both of its languages). Every language
    /// present in the input appears, possibly with 0 pairs.
    pub by_lang: BTreeMap<String, PairRecall>,
}

/// Adds, for each group's documents-per-language counts, the pairs per
/// `(lang a, lang b)` with `a <= b` (by id) to `out`.
fn add_pairs<'a>(
    groups: impl Iterator<Item = &'a BTreeMap<u32, u64>>,
    out: &mut HashMap<(u32, u32), u64>,
) {
    for counts in groups {
        let counts: Vec<(u32, u64)> = counts.iter().map(|(&l, &c)| (l, c)).collect();
        for (i, &(la, ca)) in counts.iter().enumerate() {
            *out.entry((la, la)).or_default() += pairs_of(ca);
            for &(lb, cb) in &counts[i + 1..] {
                *out.entry((la, lb)).or_default() += ca * cb;
            }
        }
    }
}

/// Gold same-cluster pairs split by language: cross-lingual, same-language,
/// per language pair and per language, each with how many the prediction puts
/// together. O(n) plus, per gold cluster, the square of its number of languages.
///
/// # Panics
/// When the three slices differ in length.
pub fn pair_recall_by_lang(gold: &[u32], pred: &[u32], lang: &[&str]) -> LangPairRecall {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and predicted labelings must have the same length"
    );
    assert_eq!(
        gold.len(),
        lang.len(),
        "labels and languages must have the same length"
    );
    let mut langs = Interner::default();
    // Documents per (gold cluster, language) and per (gold, predicted cluster, language).
    let mut in_gold: HashMap<u32, BTreeMap<u32, u64>> = HashMap::new();
    let mut in_both: HashMap<(u32, u32), BTreeMap<u32, u64>> = HashMap::new();
    for ((&g, &p), &l) in gold.iter().zip(pred).zip(lang) {
        let l = langs.intern(l);
        *in_gold.entry(g).or_default().entry(l).or_default() += 1;
        *in_both.entry((g, p)).or_default().entry(l).or_default() += 1;
    }
    let mut pairs = HashMap::new();
    let mut found = HashMap::new();
    add_pairs(in_gold.values(), &mut pairs);
    add_pairs(in_both.values(), &mut found);

    let name = |l: u32| langs.names[l as usize].as_str();
    let mut by_lang: BTreeMap<String, (u64, u64)> =
        langs.names.iter().map(|l| (l.clone(), (0, 0))).collect();
    let mut by_pair: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut cross, mut same) = ((0, 0), (0, 0));
    for (&(la, lb), &n_pairs) in &pairs {
        if n_pairs == 0 {
            continue;
        }
        let n_found = found.get(&(la, lb)).copied().unwrap_or(0);
        let add = |acc: &mut (u64, u64)| {
            acc.0 += n_pairs;
            acc.1 += n_found;
        };
        let (a, b) = (name(la), name(lb));
        let key = if a <= b {
            format!("{a}-{b}")
        } else {
            format!("{b}-{a}")
        };
        add(by_pair.entry(key).or_default());
        add(by_lang.get_mut(a).expect("interned language"));
        if la == lb {
            add(&mut same);
        } else {
            add(by_lang.get_mut(b).expect("interned language"));
            add(&mut cross);
        }
    }
    let to_recall = |m: BTreeMap<String, (u64, u64)>| {
        m.into_iter()
            .map(|(k, (p, f))| (k, PairRecall::new(p, f)))
            .collect()
    };
    LangPairRecall {
        cross: PairRecall::new(cross.0, cross.1),
        same: PairRecall::new(same.0, same.1),
        by_pair: to_recall(by_pair),
        by_lang: to_recall(by_lang),
    }
}

// ---------------------------------------------------------------------------
// Evaluation report
// ---------------------------------------------------------------------------

/// Scores of one level (story or article).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelScores {
    /// Distinct gold clusters.
    pub n_gold_clusters: usize,
    /// Distinct predicted clusters over the gold documents (missing ones count
    /// as one singleton each).
    pub n_pred_clusters: usize,
    pub pairwise: Prf,
    pub b_cubed: Prf,
    pub ari: f64,
    pub nmi: f64,
}

impl LevelScores {
    fn compute(gold: &[u32], pred: &[u32]) -> LevelScores {
        let distinct = |v: &[u32]| v.iter().collect::<HashSet<_>>().len();
        LevelScores {
            n_gold_clusters: distinct(gold),
            n_pred_clusters: distinct(pred),
            pairwise: pairwise(gold, pred),
            b_cubed: b_cubed(gold, pred),
            ari: adjusted_rand_index(gold, pred),
            nmi: nmi(gold, pred),
        }
    }
}

/// Document counts of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Documents in the gold labels (all are scored).
    pub n_gold: usize,
    /// Rows in the prediction, duplicates and unknown ids included.
    pub n_pred: usize,
    /// Gold documents found in the prediction.
    pub n_matched: usize,
    /// Gold documents absent from the prediction (scored as singletons).
    pub n_missing: usize,
    /// Distinct prediction ids not in the gold labels (ignored).
    pub n_unknown: usize,
    /// Distinct ids on more than one prediction row (first row wins).
    pub n_duplicate: usize,
}

/// Documents of one cluster that share a label on the other side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterPart {
    /// Gold story (in [`OverMerged`]) or predicted story (in [`SplitStory`]);
    /// `None` for a gold document missing from the prediction, which is its own singleton.
    pub label: Option<String>,
    /// Member ids, in gold file order. Map them to text to show documents.
    pub ids: Vec<String>,
}

/// A predicted story mixing several gold stories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverMerged {
    pub pred_story: String,
    pub size: usize,
    pub n_gold_stories: usize,
    /// One part per gold story, largest first.
    pub parts: Vec<ClusterPart>,
}

/// A gold story spread over several predicted stories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitStory {
    pub gold_story: String,
    pub size: usize,
    pub n_pred_stories: usize,
    /// One part per predicted story, largest first.
    pub parts: Vec<ClusterPart>,
}

/// Everything [`evaluate`] measures; serializes to JSON with serde.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub counts: Counts,
    pub story: LevelScores,
    pub article: LevelScores,
    /// Story-level gold pairs by language.
    pub story_pairs_by_lang: LangPairRecall,
    /// Gold ids absent from the prediction, in gold order.
    pub missing: Vec<String>,
    /// Prediction ids not in the gold labels, in prediction order.
    pub unknown: Vec<String>,
    /// Ids on more than one prediction row, in order of their first repeat.
    pub duplicates: Vec<String>,
    /// Up to [`WORST_N`] predicted stories mixing the most gold stories.
    pub over_merged: Vec<OverMerged>,
    /// Up to [`WORST_N`] gold stories spread over the most predicted stories.
    pub split: Vec<SplitStory>,
    /// Story scores at several thresholds, when the run swept them ([`score_sweep`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<SweepRow>,
}

/// Story-level scores of one clustering of a threshold sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepRow {
    pub threshold: f32,
    /// Predicted stories over the gold documents (as [`LevelScores::n_pred_clusters`]).
    pub n_stories: usize,
    pub pairwise: Prf,
    pub b_cubed: Prf,
    /// Gold same-story pairs of documents in different languages kept together.
    pub cross_lingual: PairRecall,
    /// A row with the highest story B-cubed F1 (several when they tie: neighbouring
    /// thresholds often cut the same stories).
    pub best: bool,
}

/// Scores the clusterings of a threshold sweep, one row per `(threshold, labels)`
/// in the order given; `labels[i]` is the story of document `ids[i]`. Each row has
/// the story scores [`evaluate`] gives for the same labels.
///
/// # Panics
/// When some `labels` is not as long as `ids`.
pub fn score_sweep<'a>(
    gold: &GoldLabels,
    ids: &[String],
    points: impl IntoIterator<Item = (f32, &'a [u32])>,
) -> Vec<SweepRow> {
    let mut rows: Vec<SweepRow> = points
        .into_iter()
        .map(|(threshold, labels)| {
            let r = evaluate(gold, &Assignments::from_labels(ids, labels));
            SweepRow {
                threshold,
                n_stories: r.story.n_pred_clusters,
                pairwise: r.story.pairwise,
                b_cubed: r.story.b_cubed,
                cross_lingual: r.story_pairs_by_lang.cross,
                best: false,
            }
        })
        .collect();
    let best = rows
        .iter()
        .map(|r| r.b_cubed.f1)
        .fold(f64::NEG_INFINITY, f64::max);
    for r in &mut rows {
        r.best = r.b_cubed.f1 == best;
    }
    rows
}

/// The rows of a threshold sweep as a plain-text table for people.
pub fn sweep_table(rows: &[SweepRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "threshold sweep, story level (* best B3-F1; cross-R: cross-lingual pair recall)"
    );
    let _ = writeln!(
        s,
        "  {:>9} {:>7}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>7}",
        "threshold", "stories", "pair-P", "pair-R", "pair-F", "B3-P", "B3-R", "B3-F", "cross-R"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{} {:>9.3} {:>7}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4} {:>6.4}  {:>7.4}",
            if r.best { '*' } else { ' ' },
            r.threshold,
            r.n_stories,
            r.pairwise.precision,
            r.pairwise.recall,
            r.pairwise.f1,
            r.b_cubed.precision,
            r.b_cubed.recall,
            r.b_cubed.f1,
            r.cross_lingual.recall
        );
    }
    s
}

/// Documents sharing an `outer` label, split by `inner` label: `(outer, size, parts)`
/// with parts `(inner, document indices)`.
type MixedGroup = (u32, usize, Vec<(u32, Vec<usize>)>);

/// Groups document indices by `outer` label, then by `inner` label; parts
/// largest first (ties by first index), keeping only groups with at least two
/// parts, the [`WORST_N`] with most parts (then largest, then first in file).
fn mixed_groups(outer: &[u32], inner: &[u32]) -> Vec<MixedGroup> {
    let mut cells: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
    for (i, (&o, &n)) in outer.iter().zip(inner).enumerate() {
        cells.entry((o, n)).or_default().push(i);
    }
    let mut groups: HashMap<u32, Vec<(u32, Vec<usize>)>> = HashMap::new();
    for ((o, n), ids) in cells {
        groups.entry(o).or_default().push((n, ids));
    }
    let mut out: Vec<_> = groups
        .into_iter()
        .filter(|(_, parts)| parts.len() >= 2)
        .map(|(o, mut parts)| {
            parts.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.1[0].cmp(&b.1[0])));
            let size: usize = parts.iter().map(|(_, ids)| ids.len()).sum();
            (o, size, parts)
        })
        .collect();
    // Most parts first, then largest, then by the first document of the largest part.
    out.sort_by(|a, b| {
        b.2.len()
            .cmp(&a.2.len())
            .then(b.1.cmp(&a.1))
            .then(a.2[0].1[0].cmp(&b.2[0].1[0]))
    });
    out.truncate(WORST_N);
    out
}

/// Scores `pred` against `gold`, matching documents by id.
///
/// Gold documents missing from the prediction are scored as singletons; prediction
/// rows with ids not in the gold labels are ignored; for ids on several rows the
/// first row wins. All three are listed in the report.
pub fn evaluate(gold: &GoldLabels, pred: &Assignments) -> EvalReport {
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut dup_seen = HashSet::new();
    for (row, id) in pred.ids.iter().enumerate() {
        if first_row.contains_key(id.as_str()) {
            if dup_seen.insert(id.as_str()) {
                duplicates.push(id.clone());
            }
        } else {
            first_row.insert(id, row);
        }
    }
    let gold_ids: HashSet<&str> = gold.ids.iter().map(String::as_str).collect();
    let mut unknown_seen = HashSet::new();
    let unknown: Vec<String> = pred
        .ids
        .iter()
        .filter(|id| !gold_ids.contains(id.as_str()) && unknown_seen.insert(id.as_str()))
        .cloned()
        .collect();

    // Predicted labels aligned with gold documents; missing documents get fresh
    // labels past the prediction's own, one each.
    let n_story_labels = pred.story_names.len() as u32;
    let mut next_story = n_story_labels;
    let mut next_article = pred.article_names.len().max(pred.story_names.len()) as u32;
    let mut pred_story = Vec::with_capacity(gold.len());
    let mut pred_article = Vec::with_capacity(gold.len());
    let mut missing = Vec::new();
    for id in &gold.ids {
        match first_row.get(id.as_str()) {
            Some(&row) => {
                pred_story.push(pred.story[row]);
                pred_article.push(pred.article_of(row));
            }
            None => {
                missing.push(id.clone());
                pred_story.push(next_story);
                pred_article.push(next_article);
                next_story += 1;
                next_article += 1;
            }
        }
    }

    let langs: Vec<&str> = gold.lang.iter().map(String::as_str).collect();
    let pred_name = |label: u32| pred.story_names.get(label as usize).cloned();
    let ids_of = |ix: Vec<usize>| ix.into_iter().map(|i| gold.ids[i].clone()).collect();
    let over_merged = mixed_groups(&pred_story, &gold.story)
        .into_iter()
        .map(|(p, size, parts)| OverMerged {
            pred_story: pred_name(p).unwrap_or_default(),
            size,
            n_gold_stories: parts.len(),
            parts: parts
                .into_iter()
                .map(|(g, ix)| ClusterPart {
                    label: Some(gold.story_names[g as usize].clone()),
                    ids: ids_of(ix),
                })
                .collect(),
        })
        .collect();
    let split = mixed_groups(&gold.story, &pred_story)
        .into_iter()
        .map(|(g, size, parts)| SplitStory {
            gold_story: gold.story_names[g as usize].clone(),
            size,
            n_pred_stories: parts.len(),
            parts: parts
                .into_iter()
                .map(|(p, ix)| ClusterPart {
                    label: pred_name(p),
                    ids: ids_of(ix),
                })
                .collect(),
        })
        .collect();

    EvalReport {
        counts: Counts {
            n_gold: gold.len(),
            n_pred: pred.len(),
            n_matched: gold.len() - missing.len(),
            n_missing: missing.len(),
            n_unknown: unknown.len(),
            n_duplicate: duplicates.len(),
        },
        story: LevelScores::compute(&gold.story, &pred_story),
        article: LevelScores::compute(&gold.article, &pred_article),
        story_pairs_by_lang: pair_recall_by_lang(&gold.story, &pred_story, &langs),
        missing,
        unknown,
        duplicates,
        over_merged,
        split,
        sweep: Vec::new(),
    }
}

impl EvalReport {
    /// Plain-text report for people.
    pub fn to_table(&self) -> String {
        self.to_table_with(|_| None)
    }

    /// Like [`EvalReport::to_table`], showing for some member ids of the worst
    /// clusters the text `snippet(id)` returns (e.g. the first words of the
    /// document); ids for which it returns `None` are listed bare.
    pub fn to_table_with(&self, snippet: impl Fn(&str) -> Option<String>) -> String {
        const SHOW_IDS: usize = 3;
        const SHOW_PARTS: usize = 5;
        const SHOW_LIST: usize = 10;
        const SHOW_LANG_PAIRS: usize = 10;
        let mut s = String::new();
        let c = &self.counts;
        let _ = writeln!(
            s,
            "documents: {} gold, {} prediction rows; {} matched, {} missing, {} unknown, {} duplicate",
            c.n_gold, c.n_pred, c.n_matched, c.n_missing, c.n_unknown, c.n_duplicate
        );
        s.push('\n');
        let _ = writeln!(
            s,
            "{:<8} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6}",
            "level",
            "gold",
            "pred",
            "pair-P",
            "pair-R",
            "pair-F",
            "B3-P",
            "B3-R",
            "B3-F",
            "ARI",
            "NMI"
        );
        for (name, l) in [("story", &self.story), ("article", &self.article)] {
            let _ = writeln!(
                s,
                "{:<8} {:>6} {:>6}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4} {:>6.4}  {:>6.4} {:>6.4}",
                name,
                l.n_gold_clusters,
                l.n_pred_clusters,
                l.pairwise.precision,
                l.pairwise.recall,
                l.pairwise.f1,
                l.b_cubed.precision,
                l.b_cubed.recall,
                l.b_cubed.f1,
                l.ari,
                l.nmi
            );
        }

        let lp = &self.story_pairs_by_lang;
        s.push('\n');
        let _ = writeln!(s, "gold same-story pairs kept together, by language");
        let row = |s: &mut String, name: &str, r: &PairRecall| {
            let _ = writeln!(
                s,
                "  {:<16} {:>9} {:>9} {:>7.4}",
                name, r.pairs, r.found, r.recall
            );
        };
        let _ = writeln!(
            s,
            "  {:<16} {:>9} {:>9} {:>7}",
            "", "pairs", "found", "recall"
        );
        row(&mut s, "cross-lingual", &lp.cross);
        row(&mut s, "same-language", &lp.same);
        for (lang, r) in &lp.by_lang {
            row(&mut s, lang, r);
        }
        let mut worst: Vec<(&String, &PairRecall)> = lp.by_pair.iter().collect();
        worst.sort_by(|a, b| a.1.recall.total_cmp(&b.1.recall).then(a.0.cmp(b.0)));
        if !worst.is_empty() {
            let _ = writeln!(s, "  lowest language pairs:");
            for (pair, r) in worst.into_iter().take(SHOW_LANG_PAIRS) {
                row(&mut s, pair, r);
            }
        }

        for (title, ids) in [
            (
                "missing from the prediction (scored as singletons)",
                &self.missing,
            ),
            ("unknown to the gold labels (ignored)", &self.unknown),
            (
                "duplicate in the prediction (first row used)",
                &self.duplicates,
            ),
        ] {
            if ids.is_empty() {
                continue;
            }
            let shown: Vec<&str> = ids.iter().take(SHOW_LIST).map(String::as_str).collect();
            let more = ids.len() - shown.len();
            let _ = write!(s, "\n{title}: {}\n  {}", ids.len(), shown.join(" "));
            if more > 0 {
                let _ = write!(s, " … and {more} more");
            }
            s.push('\n');
        }

        let parts = |s: &mut String, parts: &[ClusterPart]| {
            for part in parts.iter().take(SHOW_PARTS) {
                let label = part.label.as_deref().unwrap_or("(missing)");
                let shown: Vec<&str> = part.ids.iter().take(SHOW_IDS).map(String::as_str).collect();
                let _ = write!(
                    s,
                    "    {:<20} {:>5}  {}",
                    label,
                    part.ids.len(),
                    shown.join(" ")
                );
                if part.ids.len() > shown.len() {
                    s.push_str(" …");
                }
                s.push('\n');
                for id in shown {
                    if let Some(text) = snippet(id) {
                        let _ = writeln!(s, "      {id}: {text}");
                    }
                }
            }
            if parts.len() > SHOW_PARTS {
                let _ = writeln!(s, "    … and {} more", parts.len() - SHOW_PARTS);
            }
        };
        if !self.over_merged.is_empty() {
            let _ = writeln!(
                s,
                "\nover-merged predicted stories (most gold stories mixed)"
            );
            for m in &self.over_merged {
                let _ = writeln!(
                    s,
                    "  {}: {} documents from {} gold stories",
                    m.pred_story, m.size, m.n_gold_stories
                );
                parts(&mut s, &m.parts);
            }
        }
        if !self.split.is_empty() {
            let _ = writeln!(s, "\nsplit gold stories (most predicted stories)");
            for m in &self.split {
                let _ = writeln!(
                    s,
                    "  {}: {} documents in {} predicted stories",
                    m.gold_story, m.size, m.n_pred_stories
                );
                parts(&mut s, &m.parts);
            }
        }
        if !self.sweep.is_empty() {
            s.push('\n');
            s.push_str(&sweep_table(&self.sweep));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    /// Asserts `got` equals `want` within `EPS`, naming the case on failure.
    fn check(what: &str, got: f64, want: f64) {
        assert!(
            (got - want).abs() <= EPS,
            "{what}: got {got:?}, want {want:?}"
        );
    }

    fn check_prf(what: &str, got: Prf, precision: f64, recall: f64) {
        check(&format!("{what} precision"), got.precision, precision);
        check(&format!("{what} recall"), got.recall, recall);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        check(&format!("{what} f1"), got.f1, f1);
    }

    /// One metric case: expected (precision, recall) for pairwise and B-cubed, ARI, NMI.
    struct Case {
        name: &'static str,
        gold: &'static [u32],
        pred: &'static [u32],
        pairwise: (f64, f64),
        b_cubed: (f64, f64),
        ari: f64,
        nmi: f64,
    }

    /// Hand-computed cases. Notation: pairs(k) = k(k-1)/2; "tp" = pairs together
    /// in both, "gold"/"pred" = pairs together in gold/prediction, N = pairs(n).
    /// ARI = 2(tp·tn − fn·fp) / ((tp+fn)(fn+tn) + (tp+fp)(fp+tn)).
    const CASES: &[Case] = &[
        // sklearn docstring: adjusted_rand_score([0,0,1,1],[0,0,1,1]) == 1.0
        Case {
            name: "identical",
            gold: &[0, 0, 1, 1],
            pred: &[0, 0, 1, 1],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // sklearn: normalized_mutual_info_score([0,0,1,1],[1,1,0,0]) == 1.0
        Case {
            name: "identical, labels swapped",
            gold: &[0, 0, 1, 1],
            pred: &[1, 1, 0, 0],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // sklearn docstring: adjusted_rand_score([0,0,1,2],[0,0,1,1]) == 0.5714285714285714
        // gold {01}{2}{3}, pred {01}{23}: tp=1, gold=1, pred=2 -> P=1/2, R=1.
        // B3 P: docs 0,1 -> 1; docs 2,3 -> 1/2 each; (1+1+.5+.5)/4 = 0.75. B3 R = 1.
        // ARI: N=6, fp=1, fn=0, tn=4: 2(4-0)/(1·4 + 2·5) = 8/14.
        // NMI: H(gold) = 1.5 ln2, H(pred) = ln2, MI = ln2 (pred determined by gold)
        //      -> ln2 / ((1.5 ln2 + ln2)/2) = 0.8.
        Case {
            name: "sklearn ari example, one merge",
            gold: &[0, 0, 1, 2],
            pred: &[0, 0, 1, 1],
            pairwise: (0.5, 1.0),
            b_cubed: (0.75, 1.0),
            ari: 0.5714285714285714,
            nmi: 0.8,
        },
        // sklearn docstring: adjusted_rand_score([0,0,1,1],[0,1,0,1]) == -0.5
        // tp=0, gold=2, pred=2: P=R=0. B3: every doc shares its size-2 cluster with
        // one other-story doc -> 1/2. ARI: N=6, fp=2, fn=2, tn=2: 2(0-4)/(2·4+2·4) = -0.5.
        // NMI: all cells 1 -> p_ij = p_i p_j = 1/4 -> MI = 0.
        Case {
            name: "sklearn ari example, crossed",
            gold: &[0, 0, 1, 1],
            pred: &[0, 1, 0, 1],
            pairwise: (0.0, 0.0),
            b_cubed: (0.5, 0.5),
            ari: -0.5,
            nmi: 0.0,
        },
        // sklearn: adjusted_rand_score([0,0,0,0],[0,1,2,3]) == 0.0,
        //          normalized_mutual_info_score([0,0,0,0],[0,1,2,3]) == 0.0
        // tp=0, gold=6, pred=0: P = 1 (no pair claimed), R = 0. B3 P=1, R=1/4.
        // ARI: fp=0, fn=6, tn=0: 2(0-0)/(6·6+0) = 0.
        Case {
            name: "one story split into singletons",
            gold: &[0, 0, 0, 0],
            pred: &[0, 1, 2, 3],
            pairwise: (1.0, 0.0),
            b_cubed: (1.0, 0.25),
            ari: 0.0,
            nmi: 0.0,
        },
        // Mirror image: tp=0, gold=0, pred=6 -> P=0, R=1 (nothing to find); B3 P=1/4, R=1.
        Case {
            name: "singletons merged into one cluster",
            gold: &[0, 1, 2, 3],
            pred: &[7, 7, 7, 7],
            pairwise: (0.0, 1.0),
            b_cubed: (0.25, 1.0),
            ari: 0.0,
            nmi: 0.0,
        },
        Case {
            name: "both one cluster",
            gold: &[5, 5, 5],
            pred: &[9, 9, 9],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "both all singletons",
            gold: &[0, 1, 2],
            pred: &[2, 0, 1],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "n = 0",
            gold: &[],
            pred: &[],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        Case {
            name: "n = 1",
            gold: &[3],
            pred: &[4],
            pairwise: (1.0, 1.0),
            b_cubed: (1.0, 1.0),
            ari: 1.0,
            nmi: 1.0,
        },
        // The classic B-cubed example (Bagga & Baldwin 1998, also discussed by
        // Amigó et al. 2009): gold {1-5}{6,7}{8-12}, response merges the last two.
        // B3 P: docs 1-5 -> 1; docs 6,7 -> 2/7; docs 8-12 -> 5/7;
        //       (5 + 2·2/7 + 5·5/7)/12 = (64/7)/12 = 16/21. B3 R = 1.
        // Pairs: gold = 10+1+10 = 21, pred = 10+21 = 31, tp = 21 -> P = 21/31, R = 1.
        // ARI: N=66, fp=10, fn=0, tn=35: 2·21·35/(21·35 + 31·45) = 1470/2130 = 49/71.
        // NMI: pred is a coarsening of gold so MI = H(pred);
        //   H(gold) = -(2·5/12 ln(5/12) + 2/12 ln(2/12)), H(pred) = -(5/12 ln(5/12) + 7/12 ln(7/12)),
        //   2 H(pred) / (H(gold) + H(pred)) = 0.7955984133996865.
        Case {
            name: "bagga-baldwin merge",
            gold: &[0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2],
            pred: &[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
            pairwise: (21.0 / 31.0, 1.0),
            b_cubed: (16.0 / 21.0, 1.0),
            ari: 49.0 / 71.0,
            nmi: 0.7955984133996865,
        },
        // Contingency table (rows gold A,B,C sizes 5,4,3; columns pred X,Y,Z sizes 4,6,2):
        //        X  Y  Z
        //   A    3  2  .
        //   B    1  3  .
        //   C    .  1  2
        // tp = 3+1+3+1 = 8; gold = 10+6+3 = 19; pred = 6+15+1 = 22.
        // Pairwise P = 8/22, R = 8/19.
        // B3 P = (1/12)·Σ c²/col = ((9+1)/4 + (4+9+1)/6 + 4/2)/12 = (41/6)/12 = 41/72.
        // B3 R = (1/12)·Σ c²/row = ((9+4)/5 + (1+9)/4 + (1+4)/3)/12 = (203/30)/12 = 203/360.
        // ARI: N=66, fp=14, fn=11, tn=33: 2(8·33 − 11·14)/(19·44 + 22·47) = 220/1870 = 2/17.
        // NMI: MI = Σ c/12 ln(12c/(row·col)) = 0.38440914650685554,
        //   H(gold) = H(5,4,3), H(pred) = H(4,6,2) -> 0.3680386772451051.
        Case {
            name: "3x3 contingency table",
            gold: &[0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
            pred: &[0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 2, 2],
            pairwise: (8.0 / 22.0, 8.0 / 19.0),
            b_cubed: (41.0 / 72.0, 203.0 / 360.0),
            ari: 2.0 / 17.0,
            nmi: 0.3680386772451051,
        },
    ];

    fn check_case(name: &str, c: &Case, gold: &[u32], pred: &[u32]) {
        check_prf(
            &format!("{name}: pairwise"),
            pairwise(gold, pred),
            c.pairwise.0,
            c.pairwise.1,
        );
        check_prf(
            &format!("{name}: b-cubed"),
            b_cubed(gold, pred),
            c.b_cubed.0,
            c.b_cubed.1,
        );
        check(
            &format!("{name}: ari"),
            adjusted_rand_index(gold, pred),
            c.ari,
        );
        check(&format!("{name}: nmi"), nmi(gold, pred), c.nmi);
    }

    #[test]
    fn metrics_match_hand_computed_cases() {
        for c in CASES {
            check_case(c.name, c, c.gold, c.pred);
        }
    }

    #[test]
    fn metrics_are_invariant_under_renaming_and_reordering() {
        // Rename labels with different bijections on each side, and reorder documents
        // (same permutation on both sides): nothing may change.
        for c in CASES {
            let rename = |v: &[u32], f: fn(u32) -> u32| v.iter().map(|&x| f(x)).collect::<Vec<_>>();
            let gold = rename(c.gold, |x| 1000 - 7 * x);
            let pred = rename(c.pred, |x| (x + 3) * 11);
            check_case(&format!("{} renamed", c.name), c, &gold, &pred);
            let n = c.gold.len();
            let order: Vec<usize> = (0..n).map(|i| (i * 5 + 2) % n.max(1)).collect();
            let mut seen = order.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() == n {
                let g: Vec<u32> = order.iter().map(|&i| gold[i]).collect();
                let p: Vec<u32> = order.iter().map(|&i| pred[i]).collect();
                check_case(&format!("{} renamed and shuffled", c.name), c, &g, &p);
            }
            let rev = |v: &[u32]| v.iter().rev().copied().collect::<Vec<_>>();
            check_case(
                &format!("{} reversed", c.name),
                c,
                &rev(c.gold),
                &rev(c.pred),
            );
        }
    }

    #[test]
    fn swapping_gold_and_prediction_swaps_precision_and_recall() {
        for c in CASES {
            let swapped = Case {
                name: c.name,
                gold: c.pred,
                pred: c.gold,
                pairwise: (c.pairwise.1, c.pairwise.0),
                b_cubed: (c.b_cubed.1, c.b_cubed.0),
                ari: c.ari,
                nmi: c.nmi,
            };
            check_case(&format!("{} swapped", c.name), &swapped, c.pred, c.gold);
        }
    }

    #[test]
    fn pairwise_is_linear_on_large_input() {
        // 100,000 documents in one gold story, predicted as two halves:
        // tp = 2·pairs(50,000), gold = pairs(100,000) -> R = 49,999/99,999, P = 1.
        // Quadratic pair enumeration would take ~5·10⁹ steps; this must be instant.
        let n = 100_000u32;
        let gold = vec![0u32; n as usize];
        let pred: Vec<u32> = (0..n).map(|i| u32::from(i >= n / 2)).collect();
        check_prf("large", pairwise(&gold, &pred), 1.0, 49_999.0 / 99_999.0);
        let r = pair_recall_by_lang(&gold, &pred, &vec!["eng"; n as usize]);
        assert_eq!(r.same.pairs, 4_999_950_000);
        assert_eq!(r.same.found, 2 * 1_249_975_000);
        check("large ari", adjusted_rand_index(&gold, &pred), 0.0);
    }

    #[test]
    fn pair_recall_splits_by_language() {
        // Story 0: eng, eng, tur, deu; story 1: eng, tur; story 2: fra (singleton).
        // Prediction keeps story 0's eng+eng+tur together, splits off deu;
        // story 1 is split into two.
        let gold = [0, 0, 0, 0, 1, 1, 2];
        let pred = [0, 0, 0, 1, 2, 3, 4];
        let lang = ["eng", "eng", "tur", "deu", "eng", "tur", "fra"];
        let r = pair_recall_by_lang(&gold, &pred, &lang);
        // Gold pairs: story 0: eng-eng 1, eng-tur 2, deu-eng 2, deu-tur 1; story 1: eng-tur 1.
        // Found: eng-eng 1, eng-tur 2.
        let want: &[(&str, u64, u64)] = &[
            ("deu-eng", 2, 0),
            ("deu-tur", 1, 0),
            ("eng-eng", 1, 1),
            ("eng-tur", 3, 2),
        ];
        let got: Vec<(&str, u64, u64)> = r
            .by_pair
            .iter()
            .map(|(k, v)| (k.as_str(), v.pairs, v.found))
            .collect();
        assert_eq!(got, want);
        assert_eq!((r.cross.pairs, r.cross.found), (6, 2));
        check("cross recall", r.cross.recall, 2.0 / 6.0);
        assert_eq!((r.same.pairs, r.same.found), (1, 1));
        // Per language: every pair involving it (cross pairs count for both sides).
        let want: &[(&str, u64, u64)] =
            &[("deu", 3, 0), ("eng", 6, 3), ("fra", 0, 0), ("tur", 4, 2)];
        let got: Vec<(&str, u64, u64)> = r
            .by_lang
            .iter()
            .map(|(k, v)| (k.as_str(), v.pairs, v.found))
            .collect();
        assert_eq!(got, want);
        check("fra recall (no pairs)", r.by_lang["fra"].recall, 1.0);
    }

    const GOLD: &str = "id\tstory\tarticle\tlang\n\
        a\ts1\ta1\teng\n\
        b\ts1\ta1\ttur\n\
        c\ts1\ta2\teng\n\
        d\ts2\ta3\tdeu\n\
        e\ts2\ta3\teng\n\
        f\ts3\ta4\tfra\n";

    fn gold() -> GoldLabels {
        GoldLabels::parse(GOLD, "gold.tsv").expect("test gold parses")
    }

    fn pred(text: &str) -> Assignments {
        Assignments::parse(text, "pred.tsv").expect("test prediction parses")
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

    fn check_level(what: &str, l: &LevelScores, p: (f64, f64), b3: (f64, f64)) {
        check_prf(&format!("{what} pairwise"), l.pairwise, p.0, p.1);
        check_prf(&format!("{what} b-cubed"), l.b_cubed, b3.0, b3.1);
    }

    #[test]
    fn evaluating_gold_against_itself_is_perfect() {
        let g = gold();
        let as_pred = pred(
            "id\tstory\tarticle\na\ts1\ta1\nb\ts1\ta1\nc\ts1\ta2\nd\ts2\ta3\ne\ts2\ta3\nf\ts3\ta4\n",
        );
        let r = evaluate(&g, &as_pred);
        for (what, l) in [("story", &r.story), ("article", &r.article)] {
            check_level(what, l, (1.0, 1.0), (1.0, 1.0));
            check(&format!("{what} ari"), l.ari, 1.0);
            check(&format!("{what} nmi"), l.nmi, 1.0);
        }
        assert_eq!((r.story.n_gold_clusters, r.story.n_pred_clusters), (3, 3));
        assert_eq!(
            (r.article.n_gold_clusters, r.article.n_pred_clusters),
            (4, 4)
        );
        check("cross recall", r.story_pairs_by_lang.cross.recall, 1.0);
        assert!(r.missing.is_empty() && r.unknown.is_empty() && r.duplicates.is_empty());
        assert!(r.over_merged.is_empty() && r.split.is_empty());
        assert_eq!(
            r.counts,
            Counts {
                n_gold: 6,
                n_pred: 6,
                n_matched: 6,
                n_missing: 0,
                n_unknown: 0,
                n_duplicate: 0
            }
        );
    }

    #[test]
    fn missing_ids_are_singletons_and_lower_recall() {
        // c and e are missing. Story pairs: gold s1 {a,b,c} = 3, s2 {d,e} = 1 -> 4.
        // Found: a-b only -> R = 1/4; every predicted pair (a-b) is right -> P = 1.
        let r = evaluate(&gold(), &pred("id\tstory\na\tx\nb\tx\nd\ty\nf\tz\n"));
        assert_eq!(r.missing, ["c", "e"]);
        assert_eq!((r.counts.n_matched, r.counts.n_missing), (4, 2));
        // B3 recall per doc: a,b 2/3, c 1/3, d,e 1/2, f 1 -> (2/3+2/3+1/3+1/2+1/2+1)/6 = 11/18.
        check_level("story", &r.story, (1.0, 0.25), (1.0, 11.0 / 18.0));
        // 5 predicted clusters: x, y, z and one singleton per missing document.
        assert_eq!(r.story.n_pred_clusters, 5);
        // s1 is split into x and c's singleton; s2 into y and e's singleton.
        let split: Vec<(&str, Vec<Option<&str>>)> = r
            .split
            .iter()
            .map(|s| {
                (
                    s.gold_story.as_str(),
                    s.parts.iter().map(|p| p.label.as_deref()).collect(),
                )
            })
            .collect();
        assert_eq!(
            split,
            [("s1", vec![Some("x"), None]), ("s2", vec![Some("y"), None])]
        );
    }

    #[test]
    fn unknown_and_duplicate_ids_are_reported_and_ignored() {
        // "zz" is not in gold; "a" appears twice (first row wins: s1's cluster); "b" twice too.
        let r = evaluate(
            &gold(),
            &pred("id\tstory\na\tp\nzz\tq\nb\tp\nc\tp\na\tq\nd\tr\ne\tr\nf\tt\nb\tt\nzz\tq\n"),
        );
        assert_eq!(r.unknown, ["zz"]);
        assert_eq!(r.duplicates, ["a", "b", "zz"]); // in order of their first repeat
        assert!(r.missing.is_empty());
        assert_eq!(r.counts.n_pred, 10);
        assert_eq!(
            (r.counts.n_unknown, r.counts.n_duplicate, r.counts.n_matched),
            (1, 3, 6)
        );
        check_level("story", &r.story, (1.0, 1.0), (1.0, 1.0));
    }

    #[test]
    fn without_article_column_stories_are_scored_as_articles() {
        // Prediction without articles is perfect on stories; at article level it merges
        // a1 {a,b} with a2 {c}: tp = 1 (a-b) + 1 (d-e), pred pairs = 3 + 1 = 4 -> P = 1/2, R = 1.
        let r = evaluate(
            &gold(),
            &pred("id\tstory\na\t1\nb\t1\nc\t1\nd\t2\ne\t2\nf\t3\n"),
        );
        check_level("story", &r.story, (1.0, 1.0), (1.0, 1.0));
        check_prf("article pairwise", r.article.pairwise, 0.5, 1.0);
        assert_eq!(
            (r.article.n_gold_clusters, r.article.n_pred_clusters),
            (4, 3)
        );
    }

    #[test]
    fn worst_lists_name_clusters_and_member_ids() {
        // Cluster "big" mixes s1 (a,b) and s2 (d,e) and s3 (f); "c" alone.
        let r = evaluate(
            &gold(),
            &pred("id\tstory\na\tbig\nb\tbig\nc\tsolo\nd\tbig\ne\tbig\nf\tbig\n"),
        );
        assert_eq!(r.over_merged.len(), 1);
        let m = &r.over_merged[0];
        assert_eq!(
            (m.pred_story.as_str(), m.size, m.n_gold_stories),
            ("big", 5, 3)
        );
        let parts: Vec<(Option<&str>, Vec<&str>)> = m
            .parts
            .iter()
            .map(|p| {
                (
                    p.label.as_deref(),
                    p.ids.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            [
                (Some("s1"), vec!["a", "b"]),
                (Some("s2"), vec!["d", "e"]),
                (Some("s3"), vec!["f"])
            ]
        );
        assert_eq!(r.split.len(), 1);
        assert_eq!(
            (r.split[0].gold_story.as_str(), r.split[0].n_pred_stories),
            ("s1", 2)
        );
        assert_eq!(r.split[0].parts[0].ids, ["a", "b"]);
        assert_eq!(r.split[0].parts[1].ids, ["c"]);

        // At most WORST_N, most mixed first: 7 clusters each mixing 2 singleton stories,
        // one mixing 3.
        let mut g = String::from("id\tstory\tarticle\tlang\n");
        let mut p = String::from("id\tstory\n");
        for i in 0..17 {
            let _ = writeln!(g, "d{i}\ts{i}\ta{i}\teng");
            let _ = writeln!(p, "d{i}\tc{}", if i < 3 { 0 } else { (i - 1) / 2 });
        }
        let r = evaluate(&GoldLabels::parse(&g, "g").expect("g"), &pred(&p));
        let counts: Vec<usize> = r.over_merged.iter().map(|m| m.n_gold_stories).collect();
        assert_eq!(counts, [3, 2, 2, 2, 2]);
        assert_eq!(r.over_merged[0].pred_story, "c0");
    }

    #[test]
    fn a_sweep_scores_each_labeling_and_marks_every_best_row() {
        let g = gold();
        // `zz` is not in the gold labels: ignored, as by `evaluate`.
        let ids: Vec<String> = ["a", "b", "c", "d", "e", "f", "zz"]
            .map(String::from)
            .to_vec();
        let together = [0, 0, 0, 0, 0, 0, 0];
        let right = [5, 5, 5, 1, 1, 2, 3];
        let apart = [0, 1, 2, 3, 4, 5, 6];
        let rows = score_sweep(
            &g,
            &ids,
            [
                (0.01, &together[..]),
                (0.05, &right[..]),
                (0.06, &right[..]),
                (0.2, &apart[..]),
            ],
        );
        let best: Vec<bool> = rows.iter().map(|r| r.best).collect();
        assert_eq!(best, [false, true, true, false], "ties are all marked");
        let stories: Vec<usize> = rows.iter().map(|r| r.n_stories).collect();
        assert_eq!(stories, [1, 3, 3, 6]);
        check_prf("right", rows[1].b_cubed, 1.0, 1.0);
        assert_eq!(rows[1].cross_lingual, PairRecall::new(3, 3));
        assert_eq!(rows[3].cross_lingual, PairRecall::new(3, 0));
        for (r, labels) in rows.iter().zip([&together[..], &right, &right, &apart]) {
            let full = evaluate(&g, &Assignments::from_labels(&ids, labels));
            assert_eq!(r.pairwise, full.story.pairwise);
            assert_eq!(r.b_cubed, full.story.b_cubed);
        }
        let table = sweep_table(&rows);
        assert_eq!(table.lines().count(), 2 + rows.len(), "{table}");
        assert_eq!(
            table.lines().filter(|l| l.starts_with('*')).count(),
            2,
            "{table}"
        );
        assert!(
            table.contains("     0.050       3  1.0000 1.0000"),
            "{table}"
        );
    }

    #[test]
    fn report_renders_as_table_and_json() {
        let r = evaluate(
            &gold(),
            &pred("id\tstory\na\tbig\nb\tbig\nc\tsolo\nd\tbig\ne\tbig\nzz\tq\n"),
        );
        let t = r.to_table();
        for want in [
            "documents: 6 gold, 6 prediction rows; 5 matched, 1 missing, 1 unknown, 0 duplicate",
            "story ",
            "article ",
            "cross-lingual",
            "missing from the prediction (scored as singletons): 1\n  f\n",
            "unknown to the gold labels (ignored): 1\n  zz\n",
            "big: 4 documents from 2 gold stories",
            "s1: 3 documents in 2 predicted stories",
        ] {
            assert!(t.contains(want), "table lacks {want:?}:\n{t}");
        }
        let t = r.to_table_with(|id| (id == "a").then(|| "Storm hits coast".to_owned()));
        assert!(t.contains("      a: Storm hits coast\n"), "{t}");

        let json = serde_json::to_value(&r).expect("serializes");
        assert_eq!(json["counts"]["n_missing"], 1);
        assert_eq!(
            json["story"]["pairwise"]["recall"].as_f64(),
            Some(r.story.pairwise.recall)
        );
        assert_eq!(json["over_merged"][0]["parts"][0]["ids"][0], "a");
        assert!(json["story_pairs_by_lang"]["by_pair"]["eng-tur"]["pairs"].is_u64());
        assert!(json.get("sweep").is_none(), "no sweep, no key");
    }

    #[test]
    fn real_gold_file_parses_and_scores_perfectly_against_itself() {
        // Reads the shared benchmark labels when present (../shared/data relative to
        // the crate); without them this only exercises nothing, by design.
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ntrex-dev.gold.tsv");
        if !path.exists() {
            eprintln!("skipping: {} not found", path.display());
            return;
        }
        let g = GoldLabels::read(&path).expect("real gold parses");
        assert_eq!(g.len(), 1188);
        assert_eq!((g.story_names.len(), g.article_names.len()), (58, 66));
        let mut tsv = String::from("id\tstory\tarticle\n");
        for i in 0..g.len() {
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}",
                g.ids[i],
                g.story_names[g.story[i] as usize],
                g.article_names[g.article[i] as usize]
            );
        }
        let r = evaluate(&g, &pred(&tsv));
        for l in [&r.story, &r.article] {
            check_level("self", l, (1.0, 1.0), (1.0, 1.0));
            assert_eq!((l.ari, l.nmi), (1.0, 1.0));
        }
        assert_eq!(r.story_pairs_by_lang.cross.recall, 1.0);
        assert!(r.story_pairs_by_lang.cross.pairs > 0);
    }
}
pub mod plot;
