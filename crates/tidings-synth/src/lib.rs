//! Synthetic corpora with known labels, grown from a small labelled set, for
//! benchmarks at 10k, 100k and 1M documents (`tidings synth`).
//!
//! In: a labelled set, JSONL (`id`, `text`) plus gold TSV (`id story article lang`).
//! Out: JSONL (`id`, `text`, `lang`, `date`) and a gold TSV in the same format, so
//! `tidings eval --gold OUT.gold.tsv OUT.jsonl` scores the engine on it.
//!
//! **New stories from line-aligned translations.** The real sets hold only about
//! 100 to 1,000 articles, so most stories have to be made up. A synthetic article
//! is K lines (`min_lines..=max_lines`) drawn from several real source articles,
//! kept in source order within each source, the sources in random order. The
//! translations of one real article are line-aligned (line i of every version is
//! the translation of line i; ntrex-dev and wmt21-dev are, checked on every
//! article), so taking the *same* line positions from each language version gives
//! a real translation of the synthetic article in every language the sources
//! share. Per source article, the versions that count as aligned are its distinct
//! texts with the most common number of non-empty lines (a near-duplicate with a
//! dropped paragraph falls out); an article whose versions disagree still gives
//! its monolingual lines. A story takes a random subset of the lead source's
//! versions (skewed towards few), so stories vary in size; sources are then drawn
//! among the articles that have those languages, dropping languages while fewer
//! than `ceil(1 / max_source_share)` articles qualify.
//!
//! **No source dominates.** One source gives at most `max_source_share` of a
//! story's lines (at least one line), so a story mixes at least four sources by
//! default; a story gets fewer than `min_lines` lines only when too few sources
//! have its languages.
//!
//! **Collision risk, honestly.** Every synthetic story is a mixture of the same
//! few hundred real articles, so stories share what their sources share. Across
//! the corpus lines are reused heavily: each line of the pool (P lines per version)
//! is taken by stories × K / P stories, about 19 at 10k documents from ntrex-dev
//! (P ≈ 1,070, K ≈ 13) and about 1,800 at 1M. Two safeguards keep this away from
//! where the engine compares: stories are dated in the order they are made,
//! `stories_per_day` a day, and a story takes lines that no story took within the
//! last [`WINDOW_DAYS`] days' worth of stories, from sources that still have such
//! lines where it can (else the lines taken longest ago; the summary counts them).
//! By default there are as many stories a day as use two thirds of the pool within
//! that window, 2/3 · P / (10 days · mean K): 5.5 a day for ntrex-dev, where some
//! 30 lines in 20,000 are taken twice within the window (at the full pool, 8.2 a
//! day, one in six). Stories within a week still share *sources* (same topic and names, other
//! sentences): with S ≈ 5 sources each out of A = 66 articles, a pair does with
//! probability about 1 − (1 − S/A)^S, one in three. Documents far apart in time
//! share sentences: the engine cannot merge them (max-days), but at scale they
//! fill its kNN lists. So a synthetic corpus measures scale, copies, edits and
//! cross-lingual matching more than the separation of genuinely different events,
//! and its labels never call two stories the same. It is also harder than the set
//! it grows: a mixed story repeats its topic words less than a real article does,
//! so matching across languages through incomplete lexicons finds less to hold on
//! to (ntrex-dev grown to only 1,200 documents: story B³ F1 0.90, against 0.976 on
//! ntrex-dev itself). A 1M corpus from ntrex-dev is
//! dated over 77 years. Independent write-ups of one event (several articles
//! per story) exist only in whole mode.
//!
//! **Whole mode** (`whole`, or automatically when no language has enough source
//! articles to mix): stories are the real stories with all their articles and
//! documents, each used once, so the output stops when they run out.
//!
//! **Variants.** Every language version (and in whole mode every real document)
//! gets, independently, an exact copy (same text, new id) with probability
//! `exact` and an edited copy with probability `edited`: word substitutions with
//! words of other documents of the same language (characters, in scripts written
//! without spaces), truncation to a prefix of the lines, and boilerplate lines
//! (site header, share line, cookie notice) from a few templates shared by the
//! whole corpus, like real crawls; one or more of the three. Copies share the
//! story and article label of what they copy. A share `singletons` of the stories
//! is one document and nothing else.
//!
//! **Determinism and memory.** One seeded SplitMix64 stream drives everything, and
//! sources are sorted by id when read, so the same input and seed give
//! byte-identical output. Only the source set and a window of
//! [`SHUFFLE_WINDOW`] documents are held: documents are written story by story
//! through that window, shuffled inside it (the engine sorts by id anyway).
//! Ids are 12 hex digits from a keyed permutation of a counter: unique and
//! saying nothing about labels.

use tidings::document::{open_maybe_gz, parse_json_record, Day};
use tidings_eval::{EvalError, GoldLabels};

/// Why a synthetic corpus could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Gold labels that cannot be read (the message names file and line).
    #[error(transparent)]
    Gold(#[from] EvalError),
    #[error("invalid setting: {0}")]
    Config(String),
    /// The source set could not be read: IO (naming the file) or a bad line (naming
    /// file and line).
    #[error(transparent)]
    Engine(#[from] tidings::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::path::Path;

/// Documents held and shuffled before they are written (a few MB of text).
pub const SHUFFLE_WINDOW: usize = 8192;

/// Days within which stories should not share a line: the engine's default
/// `max_days` (7), plus the two days a story's documents may lag its date, plus
/// one for rounding.
pub const WINDOW_DAYS: f64 = 10.0;

/// 9999-12-31: later dates would not read back (four-digit years).
const LAST_DAY: Day = Day(2_932_896);

/// What to generate.
#[derive(Clone, Debug)]
pub struct SynthConfig {
    /// Documents to write.
    pub n_docs: usize,
    pub seed: u64,
    /// Probability that a language version gets an exact copy.
    pub exact: f64,
    /// Probability that a language version gets an edited copy.
    pub edited: f64,
    /// Share of stories that are one document with no copies.
    pub singletons: f64,
    /// Lines of a synthetic article (fewer when too few sources qualify).
    pub min_lines: usize,
    pub max_lines: usize,
    /// Largest share of a synthetic article's lines taken from one source article.
    pub max_source_share: f64,
    /// The day of the first story.
    pub start: Day,
    /// Stories per day, dated in the order they are made. `None`: as many as take
    /// two thirds of the source lines within [`WINDOW_DAYS`] days, so that stories
    /// that close hardly ever share a line (see the module documentation).
    pub stories_per_day: Option<f64>,
    /// Write dates at all.
    pub dates: bool,
    /// Reuse the real stories whole instead of mixing new ones.
    pub whole: bool,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            n_docs: 10_000,
            seed: 1,
            exact: 0.1,
            edited: 0.2,
            singletons: 0.3,
            min_lines: 6,
            max_lines: 20,
            max_source_share: 0.25,
            start: Day(19723), // 2024-01-01
            stories_per_day: None,
            dates: true,
            whole: false,
        }
    }
}

impl SynthConfig {
    /// # Errors
    /// [`Error::Config`] naming the first setting out of range.
    pub fn validate(&self) -> Result<()> {
        for (name, p) in [
            ("exact", self.exact),
            ("edited", self.edited),
            ("singletons", self.singletons),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(Error::Config(format!("{name} must be between 0 and 1")));
            }
        }
        if !(self.max_source_share > 0.0 && self.max_source_share <= 1.0) {
            return Err(Error::Config(
                "max source share must be above 0 and at most 1".into(),
            ));
        }
        if self
            .stories_per_day
            .is_some_and(|r| !(r.is_finite() && r > 0.0))
        {
            return Err(Error::Config(
                "stories per day must be a positive number".into(),
            ));
        }
        if self.min_lines == 0 || self.max_lines < self.min_lines {
            return Err(Error::Config(
                "lines: need 1 <= min lines <= max lines".into(),
            ));
        }
        Ok(())
    }

    /// Source articles a mixed story needs, so that none gives more than its share.
    fn min_sources(&self) -> usize {
        (1.0 / self.max_source_share).ceil() as usize
    }
}

// ---------------------------------------------------------------------------
// The source set
// ---------------------------------------------------------------------------

/// The labelled set that is grown: documents with their non-empty lines, grouped
/// into articles and stories as the gold labels say.
#[derive(Debug, Default)]
pub struct SourceSet {
    /// Language codes as the gold file spells them; documents refer to them by index.
    langs: Vec<String>,
    docs: Vec<SourceDoc>,
    articles: Vec<SourceArticle>,
    /// Real stories: their articles (whole mode).
    stories: Vec<Vec<usize>>,
    /// Per language, the documents with at least one line (word donors for edits).
    docs_by_lang: Vec<Vec<usize>>,
    /// Documents read.
    pub n_read: usize,
    /// Documents skipped because their text has no non-blank line.
    pub n_empty: usize,
}

#[derive(Debug)]
struct SourceDoc {
    lang: usize,
    text: String,
    /// Non-blank lines, as byte ranges of `text` (trailing whitespace trimmed).
    lines: Vec<(usize, usize)>,
}

impl SourceDoc {
    fn line(&self, i: usize) -> &str {
        let (a, b) = self.lines[i];
        &self.text[a..b]
    }
}

#[derive(Debug)]
struct SourceArticle {
    /// All its documents, sorted by id (whole mode).
    docs: Vec<usize>,
    /// Its line-aligned versions by language (sorted by language): distinct texts
    /// with the article's most common line count.
    by_lang: Vec<(usize, Vec<usize>)>,
    /// Lines of each aligned version.
    n_lines: usize,
}

impl SourceArticle {
    fn versions(&self, lang: usize) -> &[usize] {
        match self.by_lang.binary_search_by_key(&lang, |(l, _)| *l) {
            Ok(i) => &self.by_lang[i].1,
            Err(_) => &[],
        }
    }
}

impl SourceSet {
    /// Reads a JSONL file (plain or `.gz`) and its gold labels.
    ///
    /// # Errors
    /// A file that cannot be read (`tidings::Error::Io`); bad gold labels
    /// ([`Error::Gold`]); a line that is not a JSON object with an id, an id that
    /// repeats or that the gold labels lack (`tidings::Error::Parse`, naming file and line).
    pub fn read(jsonl: &Path, gold: &Path) -> Result<SourceSet> {
        let labels = GoldLabels::read(gold)?;
        let reader = open_maybe_gz(jsonl)?;
        let name = jsonl.display().to_string();
        let mut builder = Builder::new(&labels, gold.display().to_string());
        for (i, line) in reader.split(b'\n').enumerate() {
            let line = line.map_err(|e| tidings::Error::Io {
                path: jsonl.to_path_buf(),
                source: e,
            })?;
            builder.add(&line, &name, i + 1)?;
        }
        Ok(builder.finish())
    }

    /// Parses a JSONL text and gold TSV text; the names are for messages.
    ///
    /// # Errors
    /// As for [`SourceSet::read`].
    pub fn parse(jsonl: &str, jsonl_name: &str, gold: &str, gold_name: &str) -> Result<SourceSet> {
        let labels = GoldLabels::parse(gold, gold_name)?;
        let mut builder = Builder::new(&labels, gold_name.to_string());
        for (i, line) in jsonl.split('\n').enumerate() {
            builder.add(line.as_bytes(), jsonl_name, i + 1)?;
        }
        Ok(builder.finish())
    }

    /// Source articles with at least one non-blank line.
    pub fn n_articles(&self) -> usize {
        self.articles.len()
    }
}

/// Collects records and checks them against the gold labels.
struct Builder<'g> {
    gold: &'g GoldLabels,
    gold_name: String,
    row_of: HashMap<&'g str, usize>,
    /// `(id, text, gold row)`.
    records: Vec<(String, String, usize)>,
    /// id -> `file:line` where it was first read.
    seen: HashMap<String, String>,
}

impl<'g> Builder<'g> {
    fn new(gold: &'g GoldLabels, gold_name: String) -> Builder<'g> {
        let row_of = gold
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        Builder {
            gold,
            gold_name,
            row_of,
            records: Vec::new(),
            seen: HashMap::new(),
        }
    }

    fn add(&mut self, raw: &[u8], file: &str, line: usize) -> Result<()> {
        let parse = |message: String| {
            Error::Engine(tidings::Error::Parse {
                file: file.to_string(),
                line,
                message,
            })
        };
        let text = std::str::from_utf8(raw).map_err(|_| parse("line is not valid UTF-8".into()))?;
        if text.trim().is_empty() {
            return Ok(());
        }
        let doc = parse_json_record(text, format!("{file}:{line}")).map_err(|r| parse(r.reason))?;
        let Some(&row) = self.row_of.get(doc.id.as_str()) else {
            return Err(parse(format!(
                "id `{}` is not in the gold labels ({})",
                doc.id, self.gold_name
            )));
        };
        if let Some(first) = self.seen.get(&doc.id) {
            return Err(parse(format!(
                "duplicate id `{}`, first at {first}",
                doc.id
            )));
        }
        self.seen.insert(doc.id.clone(), format!("{file}:{line}"));
        self.records.push((doc.id, doc.text, row));
        Ok(())
    }

    fn finish(mut self) -> SourceSet {
        let gold = self.gold;
        // Sorted by id, so the output does not depend on the input's order.
        self.records.sort_by(|a, b| a.0.cmp(&b.0));
        let mut set = SourceSet {
            n_read: self.records.len(),
            ..SourceSet::default()
        };
        let mut lang_index: HashMap<&str, usize> = HashMap::new();
        // Gold article label -> its documents; gold story label -> its articles.
        let mut by_article: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        let mut story_of_article: BTreeMap<u32, u32> = BTreeMap::new();
        for (_, text, row) in self.records {
            let lines = non_blank_lines(&text);
            if lines.is_empty() {
                set.n_empty += 1;
                continue;
            }
            let code = gold.lang[row].as_str();
            let lang = *lang_index.entry(code).or_insert_with(|| {
                set.langs.push(code.to_string());
                set.langs.len() - 1
            });
            by_article
                .entry(gold.article[row])
                .or_default()
                .push(set.docs.len());
            story_of_article.insert(gold.article[row], gold.story[row]);
            set.docs.push(SourceDoc { lang, text, lines });
        }
        set.docs_by_lang = vec![Vec::new(); set.langs.len()];
        for (i, d) in set.docs.iter().enumerate() {
            set.docs_by_lang[d.lang].push(i);
        }
        let mut by_story: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (label, docs) in by_article {
            by_story
                .entry(story_of_article[&label])
                .or_default()
                .push(set.articles.len());
            let article = aligned_versions(&set.docs, docs);
            set.articles.push(article);
        }
        set.stories = by_story.into_values().collect();
        set
    }
}

/// Byte ranges of the non-blank lines, trailing whitespace trimmed.
fn non_blank_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim_end();
        if !trimmed.trim_start().is_empty() {
            out.push((start, start + trimmed.len()));
        }
        start += line.len() + 1;
    }
    out
}

/// An article's line-aligned versions: its distinct texts, the group sharing the
/// most common line count (ties: the longer count).
fn aligned_versions(docs: &[SourceDoc], members: Vec<usize>) -> SourceArticle {
    let mut distinct: Vec<usize> = Vec::new();
    for &d in &members {
        if !distinct.iter().any(|&e| docs[e].text == docs[d].text) {
            distinct.push(d);
        }
    }
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for &d in &distinct {
        *counts.entry(docs[d].lines.len()).or_default() += 1;
    }
    let n_lines = counts
        .iter()
        .max_by_key(|&(&n, &c)| (c, n))
        .map_or(0, |(&n, _)| n);
    let mut by_lang: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &d in &distinct {
        if docs[d].lines.len() == n_lines {
            by_lang.entry(docs[d].lang).or_default().push(d);
        }
    }
    SourceArticle {
        docs: members,
        by_lang: by_lang.into_iter().collect(),
        n_lines,
    }
}

// ---------------------------------------------------------------------------
// Generated documents
// ---------------------------------------------------------------------------

/// What a generated document is, relative to its article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A language version of the article (in whole mode: a real document).
    Version,
    /// An exact copy of a version.
    Exact,
    /// An edited copy of a version.
    Edited(Edits),
}

/// The edits an edited copy went through (at least one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edits {
    pub substituted: bool,
    pub truncated: bool,
    pub boilerplate: bool,
}

/// One generated document with its labels.
#[derive(Clone, Debug)]
pub struct SynthDoc<'a> {
    pub id: String,
    pub text: String,
    pub lang: &'a str,
    pub date: Option<Day>,
    pub story: String,
    pub article: String,
    pub kind: Kind,
    /// For copies, the id of the version copied.
    pub copy_of: Option<String>,
}

/// How stories were made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// New stories mixed from lines of several source articles.
    #[default]
    Mixed,
    /// The real stories, each once.
    Whole,
}

/// What was generated.
#[derive(Clone, Debug, Default)]
pub struct SynthStats {
    pub mode: Mode,
    /// Documents asked for (whole mode may run out before).
    pub requested: usize,
    pub n_docs: usize,
    pub n_stories: usize,
    pub n_articles: usize,
    /// Stories of one document.
    pub n_singletons: usize,
    pub n_versions: usize,
    pub n_exact: usize,
    pub n_edited: usize,
    pub n_substituted: usize,
    pub n_truncated: usize,
    pub n_boilerplate: usize,
    /// Documents per language, by code.
    pub languages: Vec<(String, usize)>,
    /// Source articles that lines were mixed from, and their lines per version.
    pub n_sources: usize,
    pub n_pool_lines: usize,
    /// Lines per mixed story, on average.
    pub mean_lines: f64,
    /// Lines taken by mixed stories, and how many of them another story had taken
    /// within the last `window_stories` stories (the pool was too small to avoid it).
    pub n_lines_taken: usize,
    pub n_lines_reused_in_window: usize,
    pub stories_per_day: f64,
    pub window_stories: u64,
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// SplitMix64: small, seedable, and the same on every platform.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// `k` distinct values of `0..n` in random order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

/// A keyed bijection on 48-bit numbers: ids from a counter are unique (below
/// 2^48) and look random. Each step (xor with a constant, multiplication by an odd
/// number, xorshift) is invertible modulo 2^48.
fn permute48(x: u64, key: u64) -> u64 {
    const MASK: u64 = (1 << 48) - 1;
    let mut x = x & MASK;
    for round in 0..4 {
        x ^= key.rotate_left(round * 16) & MASK;
        x = x.wrapping_mul(0x9E37_79B9_7F4B) & MASK;
        x ^= x >> 23;
    }
    x
}

const HEADERS: &[&str] = &[
    "Home | World | Business | Politics | Sport | Culture | Opinion",
    "Skip to main content",
    "Breaking News • Live Updates",
    "Subscribe now for unlimited access — first month free",
    "Menu   Search   Sign in",
];

const FOOTERS: &[&str] = &[
    "Share this article: Facebook | X | WhatsApp | Email",
    "Advertisement",
    "Read more: the top stories of the day",
    "Follow us on social media for the latest news.",
    "Sign up for our morning newsletter.",
];

const SITES: &[&str] = &[
    "The Daily Ledger",
    "Meridian Post",
    "NewsWire Today",
    "Global Herald Online",
    "Coastal Times",
    "Evening Courier",
];

/// Cookie notices in the page's language where we have one, else English (as
/// many sites do).
const COOKIES: &[(&str, &str)] = &[
    ("eng", "We use cookies to improve your experience. By continuing to browse the site you agree to our use of cookies. Accept | Settings"),
    ("deu", "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Akzeptieren | Einstellungen"),
    ("fra", "Nous utilisons des cookies pour améliorer votre expérience. Accepter | Paramètres"),
    ("spa", "Utilizamos cookies para mejorar su experiencia. Aceptar | Configuración"),
    ("ita", "Utilizziamo i cookie per migliorare la tua esperienza. Accetta | Impostazioni"),
    ("por", "Utilizamos cookies para melhorar a sua experiência. Aceitar | Definições"),
    ("nld", "Wij gebruiken cookies om uw ervaring te verbeteren. Accepteren | Instellingen"),
    ("tur", "Deneyiminizi iyileştirmek için çerezler kullanıyoruz. Kabul et | Ayarlar"),
    ("rus", "Мы используем файлы cookie, чтобы улучшить работу сайта. Принять | Настройки"),
];

/// Streams a synthetic corpus: an iterator over [`SynthDoc`]s, story by story, or
/// [`Synthesizer::write`] for JSONL and gold TSV.
pub struct Synthesizer<'a> {
    set: &'a SourceSet,
    config: SynthConfig,
    mode: Mode,
    rng: Rng,
    keys: [u64; 3],
    counters: [u64; 3],
    /// Per language: articles with at least one aligned version in it.
    articles_by_lang: Vec<Vec<usize>>,
    /// Per language: enough articles to mix a story from.
    feasible: Vec<bool>,
    /// Articles that can lead a mixed story (one feasible language or more).
    leads: Vec<usize>,
    /// Stories made so far; the current one while it is made.
    story_no: u64,
    stories_per_day: f64,
    /// Stories within [`WINDOW_DAYS`] of each other.
    window: u64,
    /// Per article and line: the number of the last story that took it (0: none).
    last_used: Vec<Vec<u64>>,
    /// Whole mode: real stories in random order, and the next one.
    whole_order: Vec<usize>,
    whole_next: usize,
    queue: VecDeque<SynthDoc<'a>>,
    emitted: usize,
    stats: StatsAcc<'a>,
}

#[derive(Default)]
struct StatsAcc<'a> {
    s: SynthStats,
    langs: BTreeMap<&'a str, usize>,
    story: String,
    article: String,
    story_docs: usize,
    mixed_stories: usize,
}

impl<'a> StatsAcc<'a> {
    fn add(&mut self, doc: &SynthDoc<'a>) {
        let s = &mut self.s;
        s.n_docs += 1;
        if doc.story != self.story {
            if self.story_docs == 1 {
                s.n_singletons += 1;
            }
            s.n_stories += 1;
            self.story_docs = 0;
            self.story.clone_from(&doc.story);
        }
        self.story_docs += 1;
        if doc.article != self.article {
            s.n_articles += 1;
            self.article.clone_from(&doc.article);
        }
        match doc.kind {
            Kind::Version => s.n_versions += 1,
            Kind::Exact => s.n_exact += 1,
            Kind::Edited(e) => {
                s.n_edited += 1;
                s.n_substituted += usize::from(e.substituted);
                s.n_truncated += usize::from(e.truncated);
                s.n_boilerplate += usize::from(e.boilerplate);
            }
        }
        *self.langs.entry(doc.lang).or_default() += 1;
    }
}

impl<'a> Synthesizer<'a> {
    /// # Errors
    /// [`Error::Config`] for a setting out of range, or a source set without
    /// documents.
    pub fn new(set: &'a SourceSet, config: &SynthConfig) -> Result<Synthesizer<'a>> {
        config.validate()?;
        if set.docs.is_empty() && config.n_docs > 0 {
            return Err(Error::Config(
                "the input has no document with text to grow from".into(),
            ));
        }
        let mut articles_by_lang = vec![Vec::new(); set.langs.len()];
        for (a, article) in set.articles.iter().enumerate() {
            for (lang, _) in &article.by_lang {
                articles_by_lang[*lang].push(a);
            }
        }
        let feasible: Vec<bool> = articles_by_lang
            .iter()
            .map(|a| a.len() >= config.min_sources())
            .collect();
        let leads: Vec<usize> = (0..set.articles.len())
            .filter(|&a| set.articles[a].by_lang.iter().any(|(l, _)| feasible[*l]))
            .collect();
        let mode = if config.whole || leads.is_empty() {
            Mode::Whole
        } else {
            Mode::Mixed
        };
        let mut rng = Rng(config.seed);
        let keys = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
        let mut whole_order: Vec<usize> = (0..set.stories.len()).collect();
        rng.shuffle(&mut whole_order);
        let mut stats = StatsAcc::default();
        stats.s.mode = mode;
        stats.s.requested = config.n_docs;
        if mode == Mode::Mixed {
            stats.s.n_sources = leads.len();
            stats.s.n_pool_lines = leads.iter().map(|&a| set.articles[a].n_lines).sum();
        }
        // So many stories a day that a window's stories take two thirds of the
        // pool's lines: with the fresh lines preferred, hardly any line is taken twice
        // within a window (at the full pool, about one in six is).
        let mean_lines = (config.min_lines + config.max_lines) as f64 / 2.0;
        let stories_per_day = config.stories_per_day.unwrap_or(match mode {
            Mode::Mixed => {
                (2.0 / 3.0 * stats.s.n_pool_lines as f64 / (WINDOW_DAYS * mean_lines)).max(0.1)
            }
            Mode::Whole => 1.0,
        });
        let window = (stories_per_day * WINDOW_DAYS).ceil() as u64;
        stats.s.stories_per_day = stories_per_day;
        stats.s.window_stories = window;
        let last_used = set.articles.iter().map(|a| vec![0; a.n_lines]).collect();
        Ok(Synthesizer {
            set,
            config: config.clone(),
            mode,
            rng,
            keys,
            counters: [0; 3],
            articles_by_lang,
            feasible,
            leads,
            story_no: 0,
            stories_per_day,
            window,
            last_used,
            whole_order,
            whole_next: 0,
            queue: VecDeque::new(),
            emitted: 0,
            stats,
        })
    }

    /// Mixed or whole (whole when asked, or when the set is too small to mix).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// What has been generated so far.
    pub fn stats(&self) -> SynthStats {
        let mut s = self.stats.s.clone();
        if self.stats.story_docs == 1 {
            s.n_singletons += 1;
        }
        s.languages = self
            .stats
            .langs
            .iter()
            .map(|(l, n)| (l.to_string(), *n))
            .collect();
        if self.stats.mixed_stories > 0 {
            s.mean_lines = s.n_lines_taken as f64 / self.stats.mixed_stories as f64;
        }
        s
    }

    /// Writes the whole corpus: JSONL documents and gold TSV (with header), in the
    /// same order, shuffled within a window of [`SHUFFLE_WINDOW`] documents.
    ///
    /// # Errors
    /// Only from the writers.
    pub fn write(mut self, docs: impl Write, gold: impl Write) -> std::io::Result<SynthStats> {
        let (mut docs, mut gold) = (docs, gold);
        // Its own stream, so the window does not change what is generated.
        let mut order = Rng(self.config.seed ^ 0x5EED_5107_F1E5_0000);
        let mut window: Vec<(Vec<u8>, Vec<u8>)> =
            Vec::with_capacity(SHUFFLE_WINDOW.min(self.config.n_docs));
        writeln!(gold, "id\tstory\tarticle\tlang")?;
        #[derive(serde::Serialize)]
        struct Line<'b> {
            id: &'b str,
            text: &'b str,
            lang: &'b str,
            #[serde(skip_serializing_if = "Option::is_none")]
            date: Option<String>,
        }
        for doc in self.by_ref() {
            let mut json = serde_json::to_vec(&Line {
                id: &doc.id,
                text: &doc.text,
                lang: doc.lang,
                date: doc.date.map(Day::to_iso),
            })
            .map_err(std::io::Error::other)?;
            json.push(b'\n');
            let row = format!("{}\t{}\t{}\t{}\n", doc.id, doc.story, doc.article, doc.lang);
            if window.len() == SHUFFLE_WINDOW {
                let i = order.below(window.len());
                let (j, g) = std::mem::replace(&mut window[i], (json, row.into_bytes()));
                docs.write_all(&j)?;
                gold.write_all(&g)?;
            } else {
                window.push((json, row.into_bytes()));
            }
        }
        order.shuffle(&mut window);
        for (j, g) in window {
            docs.write_all(&j)?;
            gold.write_all(&g)?;
        }
        docs.flush()?;
        gold.flush()?;
        Ok(self.stats())
    }

    fn label(&mut self, which: usize) -> u64 {
        let n = self.counters[which];
        self.counters[which] += 1;
        permute48(n, self.keys[which])
    }

    fn doc_id(&mut self) -> String {
        format!("{:012x}", self.label(0))
    }

    fn day(&mut self, base: Option<Day>, spread: usize) -> Option<Day> {
        base.map(|d| Day(d.0 + self.rng.below(spread) as i32))
    }

    /// Queues the next story's documents; false when whole mode has run out.
    fn next_story(&mut self) -> bool {
        let story = format!("s-{:012x}", self.label(1));
        let base = self.config.dates.then(|| {
            let offset = (self.story_no as f64 / self.stories_per_day).min(f64::from(i32::MAX / 2));
            Day((i64::from(self.config.start.0) + offset as i64).min(i64::from(LAST_DAY.0)) as i32)
        });
        self.story_no += 1;
        match self.mode {
            Mode::Mixed => {
                self.mixed_story(story, base);
                true
            }
            Mode::Whole => {
                let Some(&s) = self.whole_order.get(self.whole_next) else {
                    return false;
                };
                self.whole_next += 1;
                let set = self.set;
                for &a in &set.stories[s] {
                    let article = format!("a-{:012x}", self.label(2));
                    for &d in &set.articles[a].docs {
                        let text = set.docs[d].text.clone();
                        let lang = set.docs[d].lang;
                        self.push_with_variants(text, lang, &story, &article, base, false);
                    }
                }
                true
            }
        }
    }

    fn mixed_story(&mut self, story: String, base: Option<Day>) {
        let set = self.set;
        let (min_lines, max_lines, share, min_sources) = (
            self.config.min_lines,
            self.config.max_lines,
            self.config.max_source_share,
            self.config.min_sources(),
        );
        let lead = &set.articles[self.leads[self.rng.below(self.leads.len())]];
        // The lead's versions in languages with enough sources, one entry per version.
        let mut slots: Vec<usize> = lead
            .by_lang
            .iter()
            .filter(|(l, _)| self.feasible[*l])
            .flat_map(|(l, v)| std::iter::repeat_n(*l, v.len()))
            .collect();
        let singleton = self.rng.chance(self.config.singletons);
        // Skewed towards small stories, as in real news.
        let m = if singleton || slots.len() == 1 {
            1
        } else {
            let u = self.rng.unit();
            (2 + ((slots.len() - 1) as f64 * u * u) as usize).min(slots.len())
        };
        self.rng.shuffle(&mut slots);
        slots.truncate(m);
        // Versions wanted per language; languages are dropped until enough
        // articles have all of them. One version of a feasible language always has.
        let mut want: BTreeMap<usize, usize> = BTreeMap::new();
        for &l in &slots {
            *want.entry(l).or_default() += 1;
        }
        let candidates = loop {
            let first = *want.keys().next().expect("at least one slot");
            let c: Vec<usize> = self.articles_by_lang[first]
                .iter()
                .copied()
                .filter(|&a| {
                    want.iter()
                        .all(|(&l, &n)| set.articles[a].versions(l).len() >= n)
                })
                .collect();
            if c.len() >= min_sources || want.values().sum::<usize>() == 1 {
                break c;
            }
            let keys: Vec<usize> = want.keys().copied().collect();
            let l = keys[self.rng.below(keys.len())];
            if want[&l] == 1 {
                want.remove(&l);
            } else {
                *want.entry(l).or_default() -= 1;
            }
        };
        // Lines: at most `cap` from each source, sources in random order.
        let k = self.rng.range(min_lines, max_lines);
        let cap = ((k as f64 * share) as usize).max(1);
        let mut order = candidates;
        self.rng.shuffle(&mut order);
        // Sources with enough lines that no story took within the window come
        // first; the others only if those run out.
        let now = self.story_no;
        let window = self.window;
        let fresh = |last: &[u64]| {
            last.iter()
                .filter(|&&l| l == 0 || now - l >= window)
                .count()
        };
        let (mut ready, stale): (Vec<usize>, Vec<usize>) = order
            .into_iter()
            .partition(|&a| fresh(&self.last_used[a]) >= cap.min(set.articles[a].n_lines));
        ready.extend(stale);
        let mut picks: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut taken = 0;
        for a in ready {
            if taken == k {
                break;
            }
            let r = cap.min(k - taken).min(set.articles[a].n_lines);
            // Fresh lines at random; if too few, the ones taken longest ago.
            let mut keyed: Vec<(u64, u64, usize)> = self.last_used[a]
                .iter()
                .enumerate()
                .map(|(p, &last)| {
                    let recent = last != 0 && now - last < window;
                    (if recent { last } else { 0 }, 0, p)
                })
                .collect();
            for key in &mut keyed {
                key.1 = self.rng.next_u64();
            }
            keyed.sort_unstable();
            self.stats.s.n_lines_reused_in_window += keyed[..r].iter().filter(|k| k.0 != 0).count();
            let mut lines: Vec<usize> = keyed[..r].iter().map(|k| k.2).collect();
            lines.sort_unstable();
            for &p in &lines {
                self.last_used[a][p] = now;
            }
            taken += r;
            picks.push((a, lines));
        }
        self.stats.s.n_lines_taken += taken;
        self.stats.mixed_stories += 1;
        // Per language, which of each source's versions fills which of the story's
        // versions: the same line positions in every language.
        let mut versions: Vec<(usize, String)> = Vec::new();
        for (&lang, &n) in &want {
            let chosen: Vec<Vec<usize>> = picks
                .iter()
                .map(|(a, _)| {
                    let v = set.articles[*a].versions(lang);
                    self.rng
                        .sample(v.len(), n)
                        .into_iter()
                        .map(|i| v[i])
                        .collect()
                })
                .collect();
            for j in 0..n {
                let mut text = String::new();
                for ((_, lines), chosen) in picks.iter().zip(&chosen) {
                    let doc = &set.docs[chosen[j]];
                    for &p in lines {
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(doc.line(p));
                    }
                }
                versions.push((lang, text));
            }
        }
        let article = format!("a-{:012x}", self.label(2));
        let before = self.queue.len();
        let only_lang = versions[0].0;
        for (lang, text) in versions {
            self.push_with_variants(text, lang, &story, &article, base, singleton);
        }
        // A story that is not meant to be a singleton gets a second document.
        if !singleton && self.queue.len() == before + 1 {
            let v = self.queue[before].clone();
            self.push_copy(&v, only_lang, true);
        }
    }

    /// Queues a version and, unless it stands alone, its copies.
    fn push_with_variants(
        &mut self,
        text: String,
        lang: usize,
        story: &str,
        article: &str,
        base: Option<Day>,
        alone: bool,
    ) {
        let set = self.set;
        let doc = SynthDoc {
            id: self.doc_id(),
            text,
            lang: &set.langs[lang],
            date: self.day(base, 2),
            story: story.to_string(),
            article: article.to_string(),
            kind: Kind::Version,
            copy_of: None,
        };
        let exact = !alone && self.rng.chance(self.config.exact);
        let edited = !alone && self.rng.chance(self.config.edited);
        // The version goes first, so a story cut at the document limit keeps it.
        let copied = (exact || edited).then(|| doc.clone());
        self.queue.push_back(doc);
        if let Some(v) = copied {
            if exact {
                self.push_copy(&v, lang, false);
            }
            if edited {
                self.push_copy(&v, lang, true);
            }
        }
    }

    fn push_copy(&mut self, of: &SynthDoc<'a>, lang: usize, edited: bool) {
        let (text, kind) = if edited {
            let (t, e) = self.edit(&of.text, lang);
            (t, Kind::Edited(e))
        } else {
            (of.text.clone(), Kind::Exact)
        };
        let doc = SynthDoc {
            id: self.doc_id(),
            text,
            lang: of.lang,
            date: self.day(of.date, 2),
            story: of.story.clone(),
            article: of.article.clone(),
            kind,
            copy_of: Some(of.id.clone()),
        };
        self.queue.push_back(doc);
    }

    /// An edited copy: one or more of word substitution, truncation, boilerplate.
    fn edit(&mut self, text: &str, lang: usize) -> (String, Edits) {
        let n_lines = text.split('\n').count();
        let mut e = Edits {
            substituted: self.rng.chance(0.5),
            truncated: n_lines >= 2 && self.rng.chance(0.5),
            boilerplate: self.rng.chance(0.5),
        };
        if !(e.substituted || e.truncated || e.boilerplate) {
            match self.rng.below(3) {
                0 => e.substituted = true,
                1 if n_lines >= 2 => e.truncated = true,
                _ => e.boilerplate = true,
            }
        }
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        if e.truncated {
            let f = 0.4 + 0.5 * self.rng.unit();
            let keep = ((n_lines as f64 * f).ceil() as usize).clamp(1, n_lines - 1);
            lines.truncate(keep);
        }
        if e.substituted {
            lines = self.substitute(&lines, lang);
        }
        if e.boilerplate || lines.join("\n") == text {
            e.boilerplate = true;
            let site = SITES[self.rng.below(SITES.len())];
            let mut head: Vec<String> = Vec::new();
            if self.rng.chance(0.7) {
                head.push(site.to_string());
            }
            if self.rng.chance(0.7) {
                head.push(HEADERS[self.rng.below(HEADERS.len())].to_string());
            }
            let mut foot: Vec<String> = Vec::new();
            if self.rng.chance(0.6) {
                foot.push(FOOTERS[self.rng.below(FOOTERS.len())].to_string());
            }
            if self.rng.chance(0.5) {
                let code = self.set.langs[lang].as_str();
                let cookie = COOKIES
                    .iter()
                    .find(|(l, _)| *l == code)
                    .unwrap_or(&COOKIES[0])
                    .1;
                foot.push(cookie.to_string());
            }
            foot.push(format!("© 2024 {site}. All rights reserved."));
            head.append(&mut lines);
            head.append(&mut foot);
            lines = head;
        }
        (lines.join("\n"), e)
    }

    /// Replaces 3–10 % of the words (at least one) with words of other documents of
    /// the same language; in text written without spaces, characters.
    fn substitute(&mut self, lines: &[String], lang: usize) -> Vec<String> {
        let set = self.set;
        let n_chars: usize = lines.iter().map(|l| l.chars().count()).sum();
        let n_spaces: usize = lines.iter().map(|l| l.matches(' ').count()).sum();
        let by_char = n_spaces * 12 < n_chars;
        fn split(l: &str, by_char: bool) -> Vec<&str> {
            if by_char {
                l.char_indices()
                    .map(|(i, c)| &l[i..i + c.len_utf8()])
                    .collect()
            } else {
                l.split(' ').collect()
            }
        }
        let mut toks: Vec<Vec<&str>> = lines.iter().map(|l| split(l, by_char)).collect();
        let n: usize = toks.iter().map(Vec::len).sum();
        let donors = &set.docs_by_lang[lang];
        if n == 0 || donors.is_empty() {
            return lines.to_vec();
        }
        let f = 0.03 + 0.07 * self.rng.unit();
        let n_sub = ((n as f64 * f).round() as usize).max(1);
        for _ in 0..n_sub {
            let donor = &set.docs[donors[self.rng.below(donors.len())]];
            // A non-blank line: at least one word, at least one character.
            let words = split(donor.line(self.rng.below(donor.lines.len())), by_char);
            let word = words[self.rng.below(words.len())];
            let mut at = self.rng.below(n);
            for t in toks.iter_mut() {
                if at < t.len() {
                    t[at] = word;
                    break;
                }
                at -= t.len();
            }
        }
        toks.into_iter()
            .map(|t| if by_char { t.concat() } else { t.join(" ") })
            .collect()
    }
}

impl<'a> Iterator for Synthesizer<'a> {
    type Item = SynthDoc<'a>;

    fn next(&mut self) -> Option<SynthDoc<'a>> {
        if self.emitted >= self.config.n_docs {
            return None;
        }
        while self.queue.is_empty() {
            if !self.next_story() {
                return None;
            }
        }
        let doc = self.queue.pop_front()?;
        self.emitted += 1;
        self.stats.add(&doc);
        Some(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    /// A line-aligned set: article `a` (of `n`) has 6 + a % 4 lines in eng (twice,
    /// two different versions), deu and cmn, and each line says what it is
    /// (`eng a3 l2 v1 …`), so alignment can be checked from the output alone.
    /// Articles 0 and 1 share a story; article `n` is English only with another line count.
    fn aligned_set(n: usize) -> (String, String) {
        let (mut jsonl, mut gold) = (String::new(), String::from("id\tstory\tarticle\tlang\n"));
        let mut add = |id: String, story: usize, a: usize, lang: &str, text: String| {
            let line = serde_json::json!({"id": id, "text": text});
            jsonl.push_str(&format!("{line}\n"));
            gold.push_str(&format!("{id}\ts{story}\ta{a}\t{lang}\n"));
        };
        for a in 0..n {
            let lines = 6 + a % 4;
            let story = if a == 1 { 0 } else { a };
            for (lang, v) in [("eng", 0), ("eng", 1), ("deu", 0), ("cmn", 0)] {
                let text: Vec<String> = (0..lines)
                    .map(|p| match lang {
                        "cmn" => format!("{lang}的a{a}和l{p}是第v{v}篇中文新闻的内容"),
                        _ => format!("{lang} a{a} l{p} v{v} some words of news text here"),
                    })
                    .collect();
                add(format!("{lang}{v}-{a}"), story, a, lang, text.join("\n"));
            }
        }
        add(
            format!("eng0-{n}"),
            n,
            n,
            "eng",
            format!("eng a{n} l0 v0 only\n\neng a{n} l1 v0 only"),
        );
        (jsonl, gold)
    }

    fn aligned(n: usize) -> SourceSet {
        let (jsonl, gold) = aligned_set(n);
        SourceSet::parse(&jsonl, "in.jsonl", &gold, "in.gold.tsv").unwrap()
    }

    fn generate<'a>(set: &'a SourceSet, config: &SynthConfig) -> Vec<SynthDoc<'a>> {
        Synthesizer::new(set, config).unwrap().collect()
    }

    fn written(set: &SourceSet, config: &SynthConfig) -> (Vec<u8>, Vec<u8>) {
        let (mut docs, mut gold) = (Vec::new(), Vec::new());
        Synthesizer::new(set, config)
            .unwrap()
            .write(&mut docs, &mut gold)
            .unwrap();
        (docs, gold)
    }

    fn sample() -> SourceSet {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        SourceSet::read(&dir.join("sample.jsonl"), &dir.join("sample.gold.tsv")).unwrap()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let set = sample();
        let config = SynthConfig {
            n_docs: 3000,
            ..SynthConfig::default()
        };
        let first = written(&set, &config);
        assert_eq!(first, written(&set, &config));
        let other = SynthConfig {
            seed: 2,
            ..config.clone()
        };
        assert_ne!(first.0, written(&set, &other).0);
    }

    #[test]
    fn output_has_unique_ids_and_one_gold_row_each() {
        let set = sample();
        let config = SynthConfig {
            n_docs: 2500,
            ..SynthConfig::default()
        };
        let (docs, gold) = written(&set, &config);
        let docs = String::from_utf8(docs).unwrap();
        let gold = String::from_utf8(gold).unwrap();
        let ids: Vec<String> = docs
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                assert!(v["text"].as_str().is_some_and(|t| !t.is_empty()));
                assert!(v["date"].as_str().and_then(Day::parse).is_some());
                v["id"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(ids.len(), 2500);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        assert!(ids.iter().all(|id| id.len() == 12));
        let labels = GoldLabels::parse(&gold, "out.gold.tsv").unwrap();
        assert_eq!(labels.ids, ids, "gold rows in document order");
    }

    #[test]
    fn copies_keep_their_labels_and_exact_copies_their_text() {
        let set = aligned(10);
        let config = SynthConfig {
            n_docs: 4000,
            exact: 0.5,
            edited: 0.5,
            ..SynthConfig::default()
        };
        let docs = generate(&set, &config);
        let by_id: HashMap<&str, &SynthDoc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
        let (mut exact, mut edited) = (0, 0);
        for d in &docs {
            let Some(of) = &d.copy_of else {
                assert_eq!(d.kind, Kind::Version);
                continue;
            };
            let of = by_id[of.as_str()];
            assert_eq!(
                (&d.story, &d.article, d.lang),
                (&of.story, &of.article, of.lang)
            );
            assert!(d.date >= of.date && d.date.unwrap().0 - of.date.unwrap().0 <= 1);
            match d.kind {
                Kind::Exact => {
                    exact += 1;
                    assert_eq!(d.text, of.text);
                }
                Kind::Edited(e) => {
                    edited += 1;
                    assert!(e.substituted || e.truncated || e.boilerplate);
                    assert_ne!(d.text, of.text, "{e:?}");
                }
                Kind::Version => panic!("a version copies nothing"),
            }
        }
        assert!(exact > 500 && edited > 500, "{exact} {edited}");
    }

    /// Parses `eng a3 l2 v1 …` (or the cmn form) into (lang, article, line).
    fn provenance(line: &str) -> (String, usize, usize) {
        let cut = |s: &str, from: &str, to: char| -> usize {
            let rest = &s[s.find(from).unwrap() + from.len()..];
            rest[..rest.find(to).unwrap()].parse().unwrap()
        };
        let lang = line.chars().take(3).collect::<String>();
        let (a, p) = if lang == "cmn" {
            (cut(line, "的a", '和'), cut(line, "和l", '是'))
        } else {
            (cut(line, " a", ' '), cut(line, " l", ' '))
        };
        (lang, a, p)
    }

    #[test]
    fn versions_are_the_same_lines_of_aligned_translations_with_no_source_dominating() {
        let set = aligned(12);
        let config = SynthConfig {
            n_docs: 3000,
            min_lines: 12,
            max_lines: 12,
            max_source_share: 0.25,
            singletons: 0.0,
            ..SynthConfig::default()
        };
        let docs = generate(&set, &config);
        let mut by_story: BTreeMap<&str, Vec<&SynthDoc>> = BTreeMap::new();
        for d in docs.iter().filter(|d| d.kind == Kind::Version) {
            by_story.entry(&d.story).or_default().push(d);
        }
        let mut multilingual = 0;
        for versions in by_story.values() {
            let lines: Vec<Vec<(String, usize, usize)>> = versions
                .iter()
                .map(|d| d.text.split('\n').map(provenance).collect())
                .collect();
            for (d, l) in versions.iter().zip(&lines) {
                assert_eq!(l.len(), 12, "{}", d.text);
                assert!(l.iter().all(|(lang, _, _)| lang == d.lang));
                let positions: Vec<(usize, usize)> = l.iter().map(|&(_, a, p)| (a, p)).collect();
                let first: Vec<(usize, usize)> = lines[0].iter().map(|&(_, a, p)| (a, p)).collect();
                assert_eq!(positions, first, "same lines in every version");
                let mut per_source: HashMap<usize, usize> = HashMap::new();
                for (a, _) in &positions {
                    *per_source.entry(*a).or_default() += 1;
                }
                assert!(per_source.values().all(|&n| n <= 3), "{per_source:?}");
            }
            // Two versions in one language are different versions of the sources.
            let texts: HashSet<&str> = versions.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(texts.len(), versions.len());
            multilingual += usize::from(versions.iter().any(|d| d.lang != versions[0].lang));
        }
        assert!(multilingual > 50, "{multilingual}");
        // Stories are not singletons here: each has two documents or more.
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for d in &docs {
            *sizes.entry(&d.story).or_default() += 1;
        }
        let last = &docs.last().unwrap().story;
        assert!(sizes.iter().all(|(s, &n)| n >= 2 || s == last));
    }

    #[test]
    fn stories_dated_within_a_week_share_no_line() {
        let set = aligned(12);
        let config = SynthConfig {
            n_docs: 2000,
            stories_per_day: Some(0.25),
            ..SynthConfig::default()
        };
        let docs = generate(&set, &config);
        // Story -> (first day, the source lines it took).
        type Lines = HashSet<(usize, usize)>;
        let mut stories: BTreeMap<&str, (i32, Lines)> = BTreeMap::new();
        for d in docs.iter().filter(|d| d.kind == Kind::Version) {
            let entry = stories
                .entry(&d.story)
                .or_insert((i32::MAX, HashSet::new()));
            entry.0 = entry.0.min(d.date.unwrap().0);
            entry.1.extend(d.text.split('\n').map(|l| {
                let (_, a, p) = provenance(l);
                (a, p)
            }));
        }
        let stories: Vec<_> = stories.into_values().collect();
        assert!(stories.len() > 200);
        let mut close = 0;
        for (i, (day_a, lines_a)) in stories.iter().enumerate() {
            for (day_b, lines_b) in &stories[i + 1..] {
                if (day_a - day_b).abs() <= 9 {
                    close += 1;
                    assert!(lines_a.is_disjoint(lines_b), "{day_a} {day_b}");
                }
            }
        }
        assert!(close > 100, "{close}");
        let stats = Synthesizer::new(&set, &config)
            .unwrap()
            .write(std::io::sink(), std::io::sink())
            .unwrap();
        assert_eq!(stats.n_lines_reused_in_window, 0);
        assert_eq!(stats.window_stories, 3);
    }

    #[test]
    fn singletons_are_alone() {
        let set = aligned(8);
        let config = SynthConfig {
            n_docs: 500,
            singletons: 1.0,
            ..SynthConfig::default()
        };
        let docs = generate(&set, &config);
        let stories: HashSet<&str> = docs.iter().map(|d| d.story.as_str()).collect();
        assert_eq!(stories.len(), 500);
        let stats = Synthesizer::new(&set, &config)
            .unwrap()
            .write(std::io::sink(), std::io::sink())
            .unwrap();
        assert_eq!(
            (stats.n_singletons, stats.n_stories, stats.n_versions),
            (500, 500, 500)
        );
    }

    #[test]
    fn whole_mode_keeps_the_real_stories_and_runs_out() {
        let set = aligned(6);
        let config = SynthConfig {
            n_docs: 1000,
            whole: true,
            ..SynthConfig::default()
        };
        let docs = generate(&set, &config);
        assert!(docs.len() < 1000);
        let real_story = |text: &str| -> usize {
            let (_, a, _) = provenance(text.split('\n').next().unwrap());
            if a == 1 {
                0
            } else {
                a
            }
        };
        let mut story_of: HashMap<&str, usize> = HashMap::new();
        let mut articles: HashMap<&str, HashSet<&str>> = HashMap::new();
        for d in docs.iter().filter(|d| d.kind == Kind::Version) {
            let real = real_story(&d.text);
            assert_eq!(*story_of.entry(&d.story).or_insert(real), real);
            articles.entry(&d.story).or_default().insert(&d.article);
        }
        assert_eq!(
            story_of.len(),
            6,
            "seven articles, six stories (one of them English only)"
        );
        assert_eq!(articles.values().map(HashSet::len).max(), Some(2));
        let stats = Synthesizer::new(&set, &config)
            .unwrap()
            .write(std::io::sink(), std::io::sink())
            .unwrap();
        assert_eq!(stats.mode, Mode::Whole);
        assert_eq!((stats.n_stories, stats.n_articles), (6, 7));
        assert_eq!(stats.n_versions, 6 * 4 + 1);
    }

    #[test]
    fn too_few_articles_to_mix_means_whole_mode() {
        // Two articles plus the English-only one: three, and four are needed.
        let set = aligned(2);
        let synth = Synthesizer::new(&set, &SynthConfig::default()).unwrap();
        assert_eq!(synth.mode(), Mode::Whole);
        let set = aligned(3);
        let synth = Synthesizer::new(&set, &SynthConfig::default()).unwrap();
        assert_eq!(synth.mode(), Mode::Mixed);
    }

    #[test]
    fn edits_of_text_without_spaces_replace_characters() {
        let set = aligned(8);
        let mut synth = Synthesizer::new(&set, &SynthConfig::default()).unwrap();
        let cmn = set.langs.iter().position(|l| l == "cmn").unwrap();
        let text = "cmn的a0和l0是第v0篇中文新闻的内容\ncmn的a0和l1是第v0篇中文新闻的内容";
        let lines: Vec<String> = text.split('\n').map(String::from).collect();
        for _ in 0..50 {
            let out = synth.substitute(&lines, cmn);
            assert_eq!(out.len(), 2);
            for (a, b) in out.iter().zip(&lines) {
                assert_eq!(a.chars().count(), b.chars().count(), "{a}");
            }
        }
    }

    #[test]
    fn bad_input_names_file_and_line() {
        let gold = "id\tstory\tarticle\tlang\na\ts\tx\teng\n";
        let check = |jsonl: &str, want: &str| {
            let err = SourceSet::parse(jsonl, "in.jsonl", gold, "g.tsv").unwrap_err();
            assert!(
                matches!(err, Error::Engine(tidings::Error::Parse { line: 2, .. })),
                "{err}"
            );
            assert!(
                err.to_string().starts_with("in.jsonl:2: ") && err.to_string().contains(want),
                "{err}"
            );
        };
        check(
            "{\"id\":\"a\",\"text\":\"t\"}\n{\"id\":\"b\",\"text\":\"t\"}",
            "`b` is not in the gold labels (g.tsv)",
        );
        check(
            "{\"id\":\"a\",\"text\":\"t\"}\n{\"id\":\"a\",\"text\":\"t\"}",
            "duplicate id `a`, first at in.jsonl:1",
        );
        check("{\"id\":\"a\",\"text\":\"t\"}\n{\"id\":", "invalid JSON");
        check(
            "{\"id\":\"a\",\"text\":\"t\"}\n{\"text\":\"t\"}",
            "missing \"id\"",
        );
        let err = SourceSet::parse("", "in.jsonl", "id\tstory\n", "g.tsv").unwrap_err();
        assert!(
            matches!(err, Error::Gold(_)) && err.to_string().starts_with("g.tsv:1"),
            "{err}"
        );
        let err = SourceSet::read(
            Path::new("/nonexistent.jsonl"),
            Path::new("/nonexistent.tsv"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent.tsv"), "{err}");
        let empty = SourceSet::parse("", "in.jsonl", gold, "g.tsv").unwrap();
        assert!(matches!(
            Synthesizer::new(&empty, &SynthConfig::default()),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn settings_out_of_range_are_errors() {
        let set = aligned(4);
        for config in [
            SynthConfig {
                exact: 1.5,
                ..SynthConfig::default()
            },
            SynthConfig {
                singletons: -0.1,
                ..SynthConfig::default()
            },
            SynthConfig {
                max_source_share: 0.0,
                ..SynthConfig::default()
            },
            SynthConfig {
                stories_per_day: Some(0.0),
                ..SynthConfig::default()
            },
            SynthConfig {
                min_lines: 8,
                max_lines: 7,
                ..SynthConfig::default()
            },
        ] {
            assert!(
                matches!(Synthesizer::new(&set, &config), Err(Error::Config(_))),
                "{config:?}"
            );
        }
    }

    #[test]
    fn ids_from_a_counter_are_unique_and_the_start_day_is_2024() {
        let ids: HashSet<u64> = (0..200_000).map(|n| permute48(n, 0xDEAD_BEEF)).collect();
        assert_eq!(ids.len(), 200_000);
        assert!(ids.iter().all(|&x| x < 1 << 48));
        assert_eq!(SynthConfig::default().start.to_iso(), "2024-01-01");
        assert_eq!(LAST_DAY.to_iso(), "9999-12-31");
    }
}
