//! Page furniture: lines that recur across many pages of one site (navigation,
//! cookie banners, "Share this article", newsletter and contact blocks, a sidebar's
//! "Most read" headlines) are struck from every document before it is analyzed.
//!
//! Inside one document a repeated line already counts once (`pivot::features`);
//! across documents a template adds the same words to every page of a site, so two
//! pages of different stories share a third of their words and a story chained
//! through shared furniture grows into a blob. Struck before analysis, the furniture
//! neither detects a page's language nor reaches its features, and two syndicated
//! copies of an article under different templates become exact copies.
//!
//! A line is furniture when it appears, word for word, on pages of at least
//! [`SITE_PAGES`] different titles of one site (the record's `source`, else its
//! URL's host): different titles, so that one article fetched or updated several
//! times never strikes its own paragraphs, and one site, so that an article
//! syndicated to many sites keeps its text. Pages with no site are all counted as
//! one site, with a higher bar ([`UNKNOWN_SITE_PAGES`]) since syndicated copies
//! with different headlines are then counted together too; and such a page keeps
//! lines that would be most of its words ([`Furniture::strip`]): there a template
//! cannot be told from the text its copies share.
//!
//! Counting needs every page first: [`FurnitureCounts`] is a stage of its own
//! (`Engine::furniture`), run over the inputs before they are read for analysis,
//! per shard and merged like the corpus statistics.

use crate::lexicon::stable_hash_parts;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;
use twox_hash::XxHash3_64;

use super::Document;

/// Distinct titles of one site whose pages must carry a line for it to be furniture.
pub const SITE_PAGES: usize = 3;

/// The same for pages with no known site (all of them counted as one).
pub const UNKNOWN_SITE_PAGES: usize = 8;

/// Lines longer than this many bytes are never furniture and are not counted: a
/// template's lines are short, and counting every body paragraph would cost memory
/// for nothing. (A 60-word cookie banner is about 400 bytes.)
pub const MAX_LINE_BYTES: usize = 600;

/// Who published a document: its `source`, else its URL's host without `www.`.
pub fn site_of(doc: &Document) -> Option<String> {
    doc.source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| doc.url.as_deref().and_then(url_host))
}

/// The host of a URL, without a `www.` in front (`https://www.dw.com/en/x` → `dw.com`).
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A line's key: the xxh3 of its site, a newline, and its text (trimmed) with
/// runs of white space as one space. It runs on every line of every page twice
/// (counting, then striking), so a line already in that form (nearly all) is
/// hashed as it is, without being split into words; xxh3 reads 8 bytes and more at
/// a time where the byte-serial FNV of the words it replaced was a third of the
/// furniture pass (`tidings furniture` of 1M synthetic documents: 6.7 → 5.5 s).
fn line_key(site: &[u8], line: &str) -> u64 {
    let mut h = XxHash3_64::new();
    h.write(site);
    h.write(b"\n");
    if is_spaced(line.as_bytes()) {
        h.write(line.as_bytes());
    } else {
        for (i, word) in line.split_whitespace().enumerate() {
            if i > 0 {
                h.write(b" ");
            }
            h.write(word.as_bytes());
        }
    }
    h.finish()
}

/// Whether a trimmed line's only white space (`char::is_whitespace`) is single
/// ASCII spaces, read from its UTF-8 bytes: no ASCII control character (the other
/// ASCII white space is among them), no two spaces in a row, and none of the
/// multi-byte encodings of U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
/// U+202F, U+205F and U+3000. Each test is a pass that needs no branch per byte
/// (a loop over the bytes with a `match` on each cost as much as the FNV it saved).
fn is_spaced(line: &[u8]) -> bool {
    // No early exit: the compiler vectorizes the whole pass.
    let controls = line.iter().fold(false, |any, &b| any | (b < b' '));
    if controls || memchr::memmem::find(line, b"  ").is_some() {
        return false;
    }
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    let white = |i: usize| match at(i) {
        0xC2 => matches!(at(i + 1), 0x85 | 0xA0),
        0xE1 => at(i + 1) == 0x9A && at(i + 2) == 0x80,
        0xE2 => match at(i + 1) {
            0x80 => matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
            0x81 => at(i + 2) == 0x9F,
            _ => false,
        },
        _ => at(i + 1) == 0x80 && at(i + 2) == 0x80,
    };
    !memchr::memchr3_iter(0xC2, 0xE2, 0xE3, line)
        .chain(memchr::memchr_iter(0xE1, line))
        .any(white)
}

/// The site part of a line key: empty for pages with no site.
fn site_bytes(site: &Option<String>) -> &[u8] {
    site.as_deref().map_or(&[][..], str::as_bytes)
}

/// The distinct lines of a document that may be furniture, keyed with its site.
fn candidate_lines<'a>(
    doc: &'a Document,
    site: &'a Option<String>,
) -> impl Iterator<Item = u64> + 'a {
    let mut seen = FxHashSet::default();
    doc.text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.len() <= MAX_LINE_BYTES)
        .map(move |l| line_key(site_bytes(site), l))
        .filter(move |&k| seen.insert(k))
}

/// A page's title for counting: its `title`, else its first non-empty line.
fn title_hash(doc: &Document) -> u32 {
    let title = doc
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| doc.text.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("");
    // 0 marks an empty slot in `Titles`.
    (stable_hash_parts(&[title.trim().as_bytes()]) as u32).max(1)
}

/// Up to [`UNKNOWN_SITE_PAGES`] distinct title hashes (0: empty).
type Titles = [u32; UNKNOWN_SITE_PAGES];

/// Stage 0: for each line (keyed with its site), the distinct titles of the pages
/// that carry it, up to the most any rule needs. Counted per shard, merged by
/// union, so the result does not depend on the order of the documents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FurnitureCounts {
    lines: FxHashMap<u64, (bool, Titles)>,
}

impl FurnitureCounts {
    /// The counts of a batch of documents, in parallel.
    pub fn of(docs: &[Document]) -> FurnitureCounts {
        use rayon::prelude::*;
        docs.par_iter()
            .fold(FurnitureCounts::default, |mut c, d| {
                c.add(d);
                c
            })
            .reduce(FurnitureCounts::default, |mut a, b| {
                a.merge(b);
                a
            })
    }

    /// How many (site, line) pairs were counted.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Counts one document's lines.
    pub fn add(&mut self, doc: &Document) {
        let site = site_of(doc);
        let known = site.is_some();
        // Hashed only for a page with a line to count: a crawled page is often one
        // long line, which is no candidate and was hashed whole as its title (a
        // third of the furniture pass on the 50k crawl yardstick).
        let mut title = None;
        for key in candidate_lines(doc, &site) {
            let title = *title.get_or_insert_with(|| title_hash(doc));
            let (_, titles) = self
                .lines
                .entry(key)
                .or_insert((known, [0; UNKNOWN_SITE_PAGES]));
            add_title(titles, title);
        }
    }

    /// Adds the counts of another shard.
    pub fn merge(&mut self, other: FurnitureCounts) {
        for (key, (known, theirs)) in other.lines {
            let (_, titles) = self
                .lines
                .entry(key)
                .or_insert((known, [0; UNKNOWN_SITE_PAGES]));
            for t in theirs.into_iter().filter(|&t| t != 0) {
                add_title(titles, t);
            }
        }
    }

    /// The lines that are furniture.
    pub fn furniture(&self) -> Furniture {
        let lines = self
            .lines
            .iter()
            .filter(|(_, (known, titles))| {
                let pages = titles.iter().filter(|&&t| t != 0).count();
                pages
                    >= if *known {
                        SITE_PAGES
                    } else {
                        UNKNOWN_SITE_PAGES
                    }
            })
            .map(|(&k, _)| k)
            .collect();
        Furniture { lines }
    }
}

fn add_title(titles: &mut Titles, title: u32) {
    if titles.contains(&title) {
        return;
    }
    if let Some(slot) = titles.iter_mut().find(|t| **t == 0) {
        *slot = title;
    }
}

/// The lines found to be furniture, each keyed with its site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Furniture {
    lines: FxHashSet<u64>,
}

impl Furniture {
    /// How many (site, line) pairs are furniture.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Strikes the furniture lines from a document's text; returns how many.
    pub fn strip(&self, doc: &mut Document) -> usize {
        if self.lines.is_empty() {
            return 0;
        }
        let site = site_of(doc);
        let lines: Vec<(&str, bool)> = doc
            .text
            .lines()
            .map(|line| {
                let l = line.trim();
                let furniture = !l.is_empty()
                    && l.len() <= MAX_LINE_BYTES
                    && self.lines.contains(&line_key(site_bytes(&site), l));
                (line, furniture)
            })
            .collect();
        let struck = lines.iter().filter(|(_, f)| *f).count();
        if struck == 0 {
            return 0;
        }
        if site.is_none() {
            // Without a site a template cannot be told from syndicated text: a wire
            // story republished under eight headlines recurs as every line of it.
            // Furniture frames a page; when it would be most of one, the lines are
            // the page's text, shared with its copies, and stay. The side with
            // fewer bytes has its words counted, the other's only until they
            // decide (counting all of them was more than half of this function,
            // itself a tenth of the analysis of 1M synthetic documents, whose
            // sentences recur: `perf`).
            let words = |furniture: bool| {
                lines
                    .iter()
                    .filter(move |l| l.1 == furniture)
                    .map(|(line, _)| line.split_whitespace().count())
            };
            let bytes = |furniture: bool| -> usize {
                lines
                    .iter()
                    .filter(|l| l.1 == furniture)
                    .map(|l| l.0.len())
                    .sum()
            };
            let struck_first = bytes(true) <= bytes(false);
            let counted: usize = words(struck_first).sum();
            let mut other = 0;
            let page_text = if struck_first {
                // Stays unless the kept words reach the struck ones.
                !words(false).any(|n| {
                    other += n;
                    other >= counted
                })
            } else {
                // Stays once the struck words outnumber the kept ones.
                words(true).any(|n| {
                    other += n;
                    other > counted
                })
            };
            if page_text {
                return 0;
            }
        }
        let kept: Vec<&str> = lines
            .iter()
            .filter(|(_, furniture)| !furniture)
            .map(|&(line, _)| line)
            .collect();
        doc.text = kept.join("\n");
        struck
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line's key is that of its words joined by single spaces: the fast path
    /// (a line already in that form hashed as it is) is taken exactly when the line
    /// is in that form, whatever white space it holds.
    #[test]
    fn line_keys_ignore_how_words_are_spaced() {
        let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
        for l in [
            "Share this article",
            "Share  this article",
            "Share\tthis article",
            "Share\u{a0}this article",
            "Share\u{3000}this\u{2009}article",
            "Teilen\u{85}Sie",
            "「共有」 する",
            "Поделиться — статьей",
        ] {
            let l = l.trim();
            assert_eq!(is_spaced(l.as_bytes()), words(l) == l, "{l:?}");
            assert_eq!(line_key(b"site", l), line_key(b"site", &words(l)), "{l:?}");
        }
        assert_ne!(line_key(b"a", "x"), line_key(b"b", "x"));
    }

    proptest! {
        #[test]
        fn spaced_lines_are_told_from_their_bytes(
            l in "[a-zé—「 \t\u{a0}\u{85}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{3001}]{0,12}"
        ) {
            let l = l.trim();
            let words = l.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(is_spaced(l.as_bytes()), words == l);
            prop_assert_eq!(line_key(b"s", l), line_key(b"s", &words));
        }
    }

    fn page(id: &str, site: Option<&str>, title: &str, body: &str) -> Document {
        Document {
            id: id.into(),
            title: Some(title.into()),
            text: format!(
                "Home | World | Sport\n{body}\nShare this article\n© 2026 The Example Post"
            ),
            url: site.map(|s| format!("https://www.{s}/news/{id}")),
            ..Default::default()
        }
    }

    #[test]
    fn lines_on_pages_of_several_titles_of_one_site_are_furniture() {
        let docs = [
            page(
                "a",
                Some("post.example"),
                "Port strike",
                "Dockers stopped work at dawn.",
            ),
            page(
                "b",
                Some("post.example"),
                "Museum reopens",
                "The museum reopened on Sunday.",
            ),
            page(
                "c",
                Some("post.example"),
                "Wildfire",
                "Villages were evacuated.",
            ),
            // The same article fetched twice more: its title does not count again.
            page(
                "d",
                Some("post.example"),
                "Port strike",
                "Dockers stopped work at dawn.",
            ),
            // Another site with the same furniture on two pages only.
            page(
                "e",
                Some("other.example"),
                "Transfer",
                "The striker signed for three years.",
            ),
            page(
                "f",
                Some("other.example"),
                "Chess",
                "The final went to a tie-break.",
            ),
        ];
        // Any order of shards gives the same furniture.
        let mut whole = FurnitureCounts::default();
        docs.iter().for_each(|d| whole.add(d));
        let (mut left, mut right) = (FurnitureCounts::default(), FurnitureCounts::default());
        docs[..3].iter().for_each(|d| right.add(d));
        docs[3..].iter().for_each(|d| left.add(d));
        left.merge(right);
        let furniture = whole.furniture();
        assert_eq!(furniture, left.furniture());
        // Three template lines of one site; the other site's pages are too few.
        assert_eq!(furniture.len(), 3);
        let mut a = docs[0].clone();
        assert_eq!(furniture.strip(&mut a), 3);
        assert_eq!(a.text, "Dockers stopped work at dawn.");
        let mut e = docs[4].clone();
        assert_eq!(furniture.strip(&mut e), 0);
        assert_eq!(e.text, docs[4].text);
    }

    #[test]
    fn an_article_syndicated_to_many_sites_keeps_its_text() {
        let body = "The central bank raised its rate by a quarter point.";
        let docs: Vec<Document> = (0..10)
            .map(|i| {
                let site = format!("site{i}.example");
                page(
                    &i.to_string(),
                    Some(&site),
                    &format!("Rates up ({i})"),
                    body,
                )
            })
            .collect();
        let mut counts = FurnitureCounts::default();
        docs.iter().for_each(|d| counts.add(d));
        assert!(counts.furniture().is_empty());
    }

    #[test]
    fn pages_with_no_site_need_more_titles() {
        let docs: Vec<Document> = (0..UNKNOWN_SITE_PAGES)
            .map(|i| {
                page(
                    &i.to_string(),
                    None,
                    &format!("Story {i}"),
                    &format!("Body {i}."),
                )
            })
            .collect();
        let mut counts = FurnitureCounts::default();
        docs[..UNKNOWN_SITE_PAGES - 1]
            .iter()
            .for_each(|d| counts.add(d));
        assert!(counts.furniture().is_empty());
        counts.add(&docs[UNKNOWN_SITE_PAGES - 1]);
        assert_eq!(counts.furniture().len(), 3);
    }

    /// On the 100k synthetic corpus (no sites; every line of a source article recurs
    /// in hundreds of documents under other first lines) every body was struck and
    /// story B³ F1 fell from 0.93 to 0.29: without a site, lines that would be most
    /// of a page are its text, shared with its copies.
    #[test]
    fn a_page_with_no_site_keeps_text_its_copies_share() {
        let body = [
            "The central bank raised its rate by a quarter point on Tuesday.",
            "It was the third rise this year, and markets had expected it.",
        ];
        let docs: Vec<Document> = (0..UNKNOWN_SITE_PAGES)
            .map(|i| Document {
                id: i.to_string(),
                text: format!("Rates up, headline {i}\n{}\nShare", body.join("\n")),
                ..Default::default()
            })
            .collect();
        let mut counts = FurnitureCounts::default();
        docs.iter().for_each(|d| counts.add(d));
        let furniture = counts.furniture();
        assert_eq!(furniture.len(), 3, "both body lines and the button recur");
        let mut copy = docs[0].clone();
        assert_eq!(furniture.strip(&mut copy), 0);
        assert_eq!(copy.text, docs[0].text);
        // A page that carries the same lines beside more text of its own loses them.
        let mut longer = Document {
            id: "long".into(),
            text: format!(
                "{}\nShare\n{}",
                body.join("\n"),
                "A longer report of its own follows here, with many more words in it \
                 than the two recurring lines have together, about the decision, who \
                 took it, what it means for borrowers and what comes next."
            ),
            ..Default::default()
        };
        assert_eq!(furniture.strip(&mut longer), 3);
        assert!(longer.text.starts_with("A longer report"));
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://www.dw.com/en/x").as_deref(),
            Some("dw.com")
        );
        assert_eq!(
            url_host("http://user@Example.ORG:8080/?q").as_deref(),
            Some("example.org")
        );
        assert_eq!(url_host("https:///x"), None);
    }
}
