//! Languages: our own [`Lang`] with whatlang behind it.
//!
//! One table ([`LANGS`], in [`profile`]) holds everything language-specific: codes,
//! script, stemming rule, case folding, stopword extras and lexicon fallbacks. A
//! [`Lang`] is an index into it. Code downstream asks the profile
//! (`lang.profile().dotless_i`) instead of comparing language codes; the only
//! language singled out by name is the pivot, English ([`Lang::is_pivot`]).

mod detect;
mod franc_data;
mod profile;
mod scripts;
mod whatlang_data;

pub use profile::{LangProfile, LexiconFallback, Stemming, LANGS};
use std::fmt;
use std::sync::LazyLock;

/// A language we can process, or `Und` (undetermined).
///
/// An index into [`LANGS`]; `Copy`, cheap to compare and hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Lang(u8);

/// ISO 639-3 and ISO 639-1 codes → language (a two-letter code never equals a
/// three-letter one).
static BY_CODE: LazyLock<rustc_hash::FxHashMap<&'static str, Lang>> = LazyLock::new(|| {
    let mut map = rustc_hash::FxHashMap::default();
    for (i, profile) in LANGS.iter().enumerate() {
        map.insert(profile.code, Lang(i as u8));
        if !profile.iso1.is_empty() {
            map.insert(profile.iso1, Lang(i as u8));
        }
    }
    map
});

impl Lang {
    pub const UND: Lang = Lang(0);
    pub const ENG: Lang = Lang(1);
    pub const TUR: Lang = Lang(2);
    pub const ARA: Lang = Lang(3);
    /// The language of the concepts (see [`Lang::is_pivot`]).
    pub const PIVOT: Lang = Lang::ENG;

    /// Looks a language up by its ISO 639-3 code; a few common ISO 639-1 codes
    /// and regional tags (`en`, `en-GB`, `tr`) are accepted too.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim();
        let base = code
            .split(['-', '_'])
            .next()
            .unwrap_or(code)
            .to_ascii_lowercase();
        if let Some(&l) = BY_CODE.get(base.as_str()) {
            return Some(l);
        }
        // The macrolanguage codes people write for our codes.
        let alias = match base.as_str() {
            "zho" | "chi" => "cmn",
            "nb" | "nor" => "nob",
            "fas" | "per" => "pes",
            "arb" => "ara",
            "tgl" => "fil",
            _ => return None,
        };
        BY_CODE.get(alias).copied()
    }

    /// Everything language-specific about `self`.
    pub fn profile(self) -> &'static LangProfile {
        &LANGS[self.index()]
    }

    /// Position in [`LANGS`]: per-language tables (stemmers, stopwords, lexicons,
    /// word caches) are vectors indexed by it.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub fn code(self) -> &'static str {
        self.profile().code
    }

    /// English, the pivot language: its term keys *are* the concepts every other
    /// language is mapped to.
    pub fn is_pivot(self) -> bool {
        self == Lang::PIVOT
    }

    pub fn is_und(self) -> bool {
        self.0 == 0
    }

    pub fn all() -> impl Iterator<Item = Lang> {
        (1..LANGS.len()).map(|i| Lang(i as u8))
    }

    pub(crate) fn from_whatlang(l: whatlang::Lang) -> Option<Lang> {
        Lang::from_code(l.code())
    }
}

/// Written as its ISO 639-3 code, so serialized results do not depend on the order
/// of [`LANGS`].
impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if code == "und" {
            return Ok(Lang::UND);
        }
        Lang::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language code {code:?}")))
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::UND
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How many bytes of a document language detection looks at. Detection is
/// trigram-based; a few hundred words decide as well as the whole text and the
/// cost stays flat for long articles.
const DETECT_BYTES: usize = 1200;

/// Above this confidence whatlang calls an answer reliable (`Info::is_reliable`).
const RELIABLE_CONFIDENCE: f64 = 0.9;

/// How many letters make a text long enough to trust a confident whatlang answer.
const LONG_TEXT_LETTERS: usize = 200;
const LONG_TEXT_CONFIDENCE: f64 = 0.0;

/// Detects the language of `text` among the languages we process.
///
/// An answer whatlang itself calls unreliable is [`Lang::UND`], not a guess
/// (whatlang reads "Brexit vote" as Dutch) — unless the text is long: on a few
/// hundred letters whatlang's reliability test still rejects clear answers (Arabic
/// at confidence 0.85, where Persian and Urdu share the script), so there a
/// confidence of [`LONG_TEXT_CONFIDENCE`] suffices.
pub fn detect_lang(text: &str) -> Lang {
    let text = prefix(text, DETECT_BYTES);
    // Profiles are written composed; Yoruba and Vietnamese news often is not (ẹ́ as
    // ẹ and a combining acute), and its trigrams would miss them.
    let composed: String;
    let text = if below_combining_marks(text)
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        text
    } else {
        composed = unicode_normalization::UnicodeNormalization::nfc(text.chars()).collect();
        &composed
    };
    // Counted only until the letters are enough.
    let long = || {
        text.chars()
            .filter(|c| c.is_alphabetic())
            .nth(LONG_TEXT_LETTERS - 1)
            .is_some()
    };
    match detect::EXTENDED.detect(text) {
        Some((lang, confidence))
            if confidence > RELIABLE_CONFIDENCE
                || (confidence >= LONG_TEXT_CONFIDENCE && long()) =>
        {
            lang
        }
        _ => Lang::UND,
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary:
/// what [`detect_lang`] reads of a text, and the tests that read it as it does.
pub fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Every character of `text` is below U+0300, where the combining marks begin:
/// such a text is composed (NFC) already, and a scan of its bytes tells it (a
/// character from U+0300 on starts with a byte of 0xCC or more), where the quick
/// check looks each character up.
fn below_combining_marks(text: &str) -> bool {
    text.bytes().all(|b| b < 0xCC)
}

/// The texts of the project's corpora at hand (the sample, and ntrex-dev,
/// wmt21-dev and ntrex-dev-all where `../shared` is there), for the tests that
/// compare language identification's parts with whatlang's.
#[cfg(test)]
pub(crate) fn corpus_texts() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("data/sample.jsonl")];
    for name in ["ntrex-dev", "wmt21-dev", "ntrex-dev-all"] {
        files.push(root.join(format!("../shared/data/{name}.jsonl")));
    }
    let mut texts = Vec::new();
    for f in files.iter().filter(|f| f.exists()) {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(v["text"].as_str().unwrap_or("").to_string());
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`below_combining_marks`] lets pass is what the quick check calls
    /// composed: every character below U+0300, each alone and after each other.
    #[test]
    fn text_below_combining_marks_is_composed() {
        let below: Vec<char> = (0..0x300).filter_map(char::from_u32).collect();
        let all: String = below.iter().collect();
        assert!(below_combining_marks(&all));
        assert_eq!(
            unicode_normalization::is_nfc_quick(all.chars()),
            unicode_normalization::IsNormalized::Yes
        );
        for &c in &below {
            let pair: String = [c, 'é', c].iter().collect();
            assert_eq!(
                unicode_normalization::is_nfc_quick(pair.chars()),
                unicode_normalization::IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
        }
        assert!(!below_combining_marks("e\u{301}"));
        assert!(!below_combining_marks("’"));
    }

    /// Scripts of one language in our table, and Amharic against Tigrinya by their
    /// letters.
    #[test]
    fn routes_by_script() {
        let code = |t: &str| detect_lang(&t.repeat(8)).code();
        assert_eq!(code("ދިވެހިރާއްޖެ "), "div");
        assert_eq!(code("ພາສາລາວ ປະເທດລາວ "), "lao");
        assert_eq!(code("አማርኛ አዲስ አበባ ከተማ "), "amh");
        assert_eq!(code("ኣብ ሕቡራት ሃገራት ትግርኛ "), "tir");
    }

    /// Language identification on every NTREX language (`../shared`, where present):
    /// overall, and for each language with a profile or a script of its own. The
    /// ones without (Bemba, Northern Ndebele, Northern Sotho, Bashkir, Sindhi,
    /// Sorani, Kurmanji, Hassaniya, Tashelhit, Cantonese, Faroese) are read as a
    /// close language; BENCHMARKS.md has the table.
    #[test]
    fn detects_the_ntrex_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        let (Ok(docs), Ok(gold)) = (
            std::fs::read_to_string(dir.join("ntrex-dev-all.jsonl")),
            std::fs::read_to_string(dir.join("ntrex-dev-all.gold.tsv")),
        ) else {
            return;
        };
        let lang_of: std::collections::HashMap<&str, &str> = gold
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some((*f.first()?, *f.get(3)?))
            })
            .collect();
        let mut per: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        for line in docs.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let gold_code: &str = lang_of[v["id"].as_str().unwrap()];
            let want =
                Lang::from_code(gold_code).map_or(gold_code.to_string(), |l| l.code().to_string());
            let got = detect_lang(v["text"].as_str().unwrap()).code();
            let e = per.entry(want.clone()).or_default();
            e.0 += usize::from(got == want.as_str());
            e.1 += 1;
        }
        let (ok, all) = per.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        assert!(ok * 100 >= all * 85, "{ok} of {all}");
        for code in [
            "eng", "deu", "rus", "ara", "tur", "cmn", "hin", "amh", "tir", "div", "lao", "bod",
            "dzo", "hau", "swa", "ibo", "yor", "isl", "fao", "som", "eus", "kaz", "pus", "guj",
            "khm",
        ] {
            let (ok, n) = per[code];
            assert!(ok * 100 >= n * 70 && n > 0, "{code}: {ok} of {n}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for l in Lang::all() {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::ENG));
        assert_eq!(Lang::from_code("tr"), Some(Lang::TUR));
        assert_eq!(Lang::from_code("zh"), Lang::from_code("cmn"));
        assert_eq!(Lang::from_code("xx"), None);
        assert_eq!(Lang::ENG.code(), "eng");
        assert_eq!(Lang::TUR.code(), "tur");
        assert_eq!(Lang::ARA.code(), "ara");
    }

    #[test]
    fn detects_or_abstains() {
        let cases = [
            ("Russia and African countries have agreed to strengthen cooperation in the spheres of politics and security", "eng"),
            ("Rusya Dışişleri Bakanı Sergey Lavrov, Rusya ile Afrika ülkelerinin politika ve güvenlik alanlarında işbirliğini güçlendirme kararı aldığını belirtti", "tur"),
            ("اتفق تحالف دول الساحل وروسيا على إقامة شراكة استراتيجية وعملية في مجال الدفاع والأمن", "ara"),
            ("Brexit", "und"),
            ("Það er mikilvægt að þjóðin fái að kjósa um þetta mál, sagði ráðherrann í gær", "isl"),
            ("", "und"),
        ];
        for (text, want) in cases {
            assert_eq!(detect_lang(text).code(), want, "{text}");
        }
    }
}
