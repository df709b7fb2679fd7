//! The language table: one [`LangProfile`] per language, everything language-specific
//! in one row (charabia's shape). Adding a language is a row here, its stopword
//! extras if NLTK lacks some, and a lexicon (see CONTRIBUTING.md).

use crate::analyze::Script;
use rust_stemmers::Algorithm;
use whatlang::Lang as Wl;

/// How a language's term keys are stemmed ([`crate::analyze::stem`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stemming {
    /// A Snowball algorithm (rust-stemmers).
    Snowball(Algorithm),
    /// No stemmer for an inflected alphabetic language (Polish, Ukrainian …): words
    /// are cut to their first [`crate::analyze::TRUNCATE_CHARS`] letters.
    Truncate,
    /// The light Hindi suffix stripper (Ramanathan & Rao), for Devanagari languages.
    HindiLight,
    /// Words keep their normalized form (Han, Hebrew, Thai …).
    None,
}

/// How a word the lexicon does not know is retried before the transliteration
/// fallback ([`crate::pivot`]).
#[derive(Clone, Copy, Debug)]
pub struct LexiconFallback {
    /// Endings tried longest first; what is left (at least three letters) is stemmed
    /// and looked up. Turkish needs them: Snowball Turkish leaves case and
    /// possessive endings on (ekonomisi, üniversitesi).
    pub suffixes: &'static [&'static str],
    /// Then up to this many final letters are cut (light stemming), keeping at least
    /// four.
    pub strip_letters: usize,
}

/// Static facts about one language.
#[derive(Debug)]
pub struct LangProfile {
    /// ISO 639-3 code as whatlang writes it (`eng`, `tur`, `cmn`).
    pub code: &'static str,
    /// ISO 639-1 code used by stopword lists (`en`); empty if none.
    pub iso1: &'static str,
    /// whatlang's name for it; `None` for languages whatlang does not know.
    pub whatlang: Option<Wl>,
    /// The script it is written in (Japanese: Kana, which tells it from Chinese).
    pub script: Script,
    pub stemming: Stemming,
    /// Case folding maps `I` to dotless `ı` (Turkish, Azeri; `İ` → `i` everywhere).
    pub dotless_i: bool,
    /// Case endings written after an apostrophe (Kahire’de, Rusya'nın): the tokenizer
    /// splits them off as words of their own, and they carry no topic, so they are
    /// stopwords. Endings that are also common words (Turkish su "water", tur
    /// "tour", ün "fame") are left out.
    pub apostrophe_endings: &'static [&'static str],
    /// Closed-class words (auxiliary and modal verb forms, pronouns, conjunctions)
    /// missing from the language's NLTK stopword list although it lists other forms
    /// of the same words (German has "werden" but not "wurde"). Found among the most
    /// frequent words no lexicon reaches in news text; content words are not here.
    pub extra_stopwords: &'static [&'static str],
    pub lexicon_fallback: LexiconFallback,
    /// Particles written joined to the end of a word (Korean 는, 의, 에서): cut off,
    /// longest first, before a word is stemmed, looked up or keyed as a name, if what
    /// is left has at least two letters.
    pub particles: &'static [&'static str],
    /// Clitics a name may carry in front (Arabic و ب ل …): a word
    /// that starts with one also gets the name key of what follows it, as a second
    /// key (بوتين is Putin, but ولافروف is "and Lavrov").
    pub name_prefixes: &'static [&'static str],
    /// Whose lexicon the language reads: its own code, or that of a close language
    /// whose dictionary serves it (Faroese reads Icelandic's, Dari reads Persian's). A
    /// borrowing row takes the lender's stemming too, so its keys are the lexicon's.
    pub lexicon: &'static str,
}

impl LangProfile {
    /// A row with the defaults: no special casing or endings, and light stemming in
    /// lexicon lookups where there is no Snowball stemmer.
    const fn new(
        code: &'static str,
        iso1: &'static str,
        whatlang: Option<Wl>,
        script: Script,
        stemming: Stemming,
    ) -> LangProfile {
        let strip_letters = match stemming {
            Stemming::Snowball(_) => 0,
            _ => LIGHT_STEM_LETTERS,
        };
        LangProfile {
            code,
            iso1,
            whatlang,
            script,
            stemming,
            dotless_i: false,
            apostrophe_endings: &[],
            extra_stopwords: &[],
            lexicon_fallback: LexiconFallback {
                suffixes: &[],
                strip_letters,
            },
            lexicon: code,
            particles: &[],
            name_prefixes: &[],
        }
    }

    const fn name_prefixes(mut self, prefixes: &'static [&'static str]) -> Self {
        self.name_prefixes = prefixes;
        self
    }

    const fn particles(mut self, particles: &'static [&'static str]) -> Self {
        self.particles = particles;
        self
    }

    const fn lexicon_of(mut self, code: &'static str) -> Self {
        self.lexicon = code;
        self
    }

    const fn dotless_i(mut self) -> Self {
        self.dotless_i = true;
        self
    }

    const fn apostrophe_endings(mut self, words: &'static [&'static str]) -> Self {
        self.apostrophe_endings = words;
        self
    }

    const fn extra_stopwords(mut self, words: &'static [&'static str]) -> Self {
        self.extra_stopwords = words;
        self
    }

    const fn lexicon_fallback(mut self, suffixes: &'static [&'static str], strip: usize) -> Self {
        self.lexicon_fallback = LexiconFallback {
            suffixes,
            strip_letters: strip,
        };
        self
    }

    /// Written without letter case (Arabic, Hebrew, Devanagari, Han, Thai …): there
    /// capitalization cannot tell names.
    pub fn caseless(&self) -> bool {
        !self.script.is_cased()
    }
}

/// Final letters cut in lexicon lookups of languages without a Snowball stemmer.
const LIGHT_STEM_LETTERS: usize = 3;

use LangProfile as P;
use Script::*;
use Stemming::{HindiLight, Snowball, Truncate};

/// The languages tidings processes. Index 0 is `und`; the order is the order of
/// [`crate::lang::Lang`] values (`Lang::ENG` is 1, `Lang::TUR` 2, `Lang::ARA` 3).
pub static LANGS: &[LangProfile] = &[
    P::new("und", "", None, Other, Stemming::None),
    P::new(
        "eng",
        "en",
        Some(Wl::Eng),
        Latin,
        Snowball(Algorithm::English),
    ),
    P::new(
        "tur",
        "tr",
        Some(Wl::Tur),
        Latin,
        Snowball(Algorithm::Turkish),
    )
    .dotless_i()
    .apostrophe_endings(TUR_APOSTROPHE_ENDINGS)
    .extra_stopwords(&["onun", "herhangi", "kimse", "yine"])
    .lexicon_fallback(TUR_SUFFIXES, LIGHT_STEM_LETTERS),
    P::new(
        "ara",
        "ar",
        Some(Wl::Ara),
        Arabic,
        Snowball(Algorithm::Arabic),
    )
    .extra_stopwords(ARA_EXTRA_STOPWORDS)
    .name_prefixes(ARA_NAME_PREFIXES),
    P::new(
        "deu",
        "de",
        Some(Wl::Deu),
        Latin,
        Snowball(Algorithm::German),
    )
    .extra_stopwords(&[
        "wurde", "wurden", "wurdest", "worden", "sei", "seien", "seiest", "konnte", "konnten",
        "könnte", "könnten", "unserer", "unseres", "eurer",
    ]),
    P::new(
        "fra",
        "fr",
        Some(Wl::Fra),
        Latin,
        Snowball(Algorithm::French),
    )
    .extra_stopwords(&["cette", "cet", "leurs", "tandis", "aujourd"]),
    P::new(
        "spa",
        "es",
        Some(Wl::Spa),
        Latin,
        Snowball(Algorithm::Spanish),
    ),
    P::new(
        "rus",
        "ru",
        Some(Wl::Rus),
        Cyrillic,
        Snowball(Algorithm::Russian),
    )
    .extra_stopwords(&["тех", "той"]),
    P::new(
        "ita",
        "it",
        Some(Wl::Ita),
        Latin,
        Snowball(Algorithm::Italian),
    )
    .extra_stopwords(&["essersi", "quei", "entro", "sé"]),
    P::new(
        "por",
        "pt",
        Some(Wl::Por),
        Latin,
        Snowball(Algorithm::Portuguese),
    )
    .extra_stopwords(&[
        "sido", "entanto", "neste", "nesta", "nestes", "nestas", "havia",
    ]),
    P::new("pol", "pl", Some(Wl::Pol), Latin, Truncate).extra_stopwords(&[
        "czego",
        "którą",
        "jesteśmy",
        "jesteście",
        "samym",
        "samą",
        "innym",
        "jakim",
    ]),
    P::new(
        "nld",
        "nl",
        Some(Wl::Nld),
        Latin,
        Snowball(Algorithm::Dutch),
    )
    .extra_stopwords(&[
        "hadden",
        "werden",
        "waarbij",
        "waarin",
        "waaronder",
        "voordat",
        "deed",
        "deden",
        "kunt",
        "konden",
        "hieraan",
        "eraan",
        "zowel",
        "gehad",
        "doet",
        "bent",
    ]),
    P::new(
        "swe",
        "sv",
        Some(Wl::Swe),
        Latin,
        Snowball(Algorithm::Swedish),
    )
    .extra_stopwords(&["själva"]),
    P::new(
        "dan",
        "da",
        Some(Wl::Dan),
        Latin,
        Snowball(Algorithm::Danish),
    ),
    P::new(
        "nob",
        "no",
        Some(Wl::Nob),
        Latin,
        Snowball(Algorithm::Norwegian),
    ),
    P::new(
        "fin",
        "fi",
        Some(Wl::Fin),
        Latin,
        Snowball(Algorithm::Finnish),
    )
    .extra_stopwords(&["ettei", "itseään"]),
    P::new(
        "hun",
        "hu",
        Some(Wl::Hun),
        Latin,
        Snowball(Algorithm::Hungarian),
    ),
    P::new(
        "ell",
        "el",
        Some(Wl::Ell),
        Greek,
        Snowball(Algorithm::Greek),
    ),
    P::new(
        "ron",
        "ro",
        Some(Wl::Ron),
        Latin,
        Snowball(Algorithm::Romanian),
    ),
    P::new("ces", "cs", Some(Wl::Ces), Latin, Truncate),
    P::new("slk", "sk", Some(Wl::Slk), Latin, Truncate),
    P::new("slv", "sl", Some(Wl::Slv), Latin, Truncate),
    P::new("hrv", "hr", Some(Wl::Hrv), Latin, Truncate),
    P::new("srp", "sr", Some(Wl::Srp), Cyrillic, Truncate),
    P::new("bul", "bg", Some(Wl::Bul), Cyrillic, Truncate),
    P::new("ukr", "uk", Some(Wl::Ukr), Cyrillic, Truncate),
    P::new("bel", "be", Some(Wl::Bel), Cyrillic, Truncate),
    P::new("lit", "lt", Some(Wl::Lit), Latin, Truncate),
    P::new("lav", "lv", Some(Wl::Lav), Latin, Truncate),
    P::new("est", "et", Some(Wl::Est), Latin, Truncate),
    P::new("cat", "ca", Some(Wl::Cat), Latin, Truncate),
    P::new("epo", "eo", Some(Wl::Epo), Latin, Truncate),
    P::new("aze", "az", Some(Wl::Aze), Latin, Truncate)
        .dotless_i()
        .apostrophe_endings(&[
            "ı", "i", "u", "ü", "a", "ə", "da", "də", "dan", "dən", "nın", "nin", "nun", "nün",
            "ın", "la", "lə", "dakı", "dəki", "nda", "ndə", "ndan", "ndən", "na", "nə", "nı", "ni",
        ]),
    P::new("ind", "id", Some(Wl::Ind), Latin, Truncate),
    P::new("vie", "vi", Some(Wl::Vie), Latin, Truncate),
    P::new("pes", "fa", Some(Wl::Pes), Arabic, Stemming::None),
    P::new("urd", "ur", Some(Wl::Urd), Arabic, Stemming::None),
    // No name prefixes: with ו ב ל and ו/ש + ה, Hebrew's own pair recall on
    // ntrex-dev-all rose (0.640 → 0.672) but the set's cross-lingual recall fell
    // (0.702 → 0.691) and story B³ F1 with it (0.874 → 0.869).
    P::new("heb", "he", Some(Wl::Heb), Hebrew, Stemming::None),
    P::new("hin", "hi", Some(Wl::Hin), Devanagari, HindiLight).extra_stopwords(HIN_EXTRA_STOPWORDS),
    P::new("ben", "bn", Some(Wl::Ben), Other, Stemming::None),
    P::new("mar", "mr", Some(Wl::Mar), Devanagari, HindiLight),
    P::new(
        "tam",
        "ta",
        Some(Wl::Tam),
        Other,
        Snowball(Algorithm::Tamil),
    ),
    P::new("cmn", "zh", Some(Wl::Cmn), Han, Stemming::None),
    P::new("jpn", "ja", Some(Wl::Jpn), Kana, Stemming::None),
    P::new("kor", "ko", Some(Wl::Kor), Hangul, Stemming::None).particles(KOR_PARTICLES),
    P::new("tha", "th", Some(Wl::Tha), Thai, Stemming::None),
    P::new("kat", "ka", Some(Wl::Kat), Georgian, Stemming::None),
    P::new("hye", "hy", Some(Wl::Hye), Armenian, Stemming::None),
    P::new("afr", "af", Some(Wl::Afr), Latin, Truncate),
    // Not in whatlang: told apart by its letters þ and ð (see `detect_lang`).
    P::new("isl", "is", None, Latin, Truncate),
    // NTREX's other languages, detected by whatlang or by the franc profiles of
    // `franc_data.rs`, their words weighed against their own language's documents.
    // Their lexicons come from Apertium, FreeDict and CLDR (models/SOURCES.md), thin
    // for most (CLDR's emoji annotations and names); a few have none. The scripts
    // without a transliterator of our own reach name keys through any_ascii.
    P::new("bos", "bs", None, Latin, Truncate),
    P::new("cym", "cy", Some(Wl::Cym), Latin, Truncate),
    P::new("eus", "eu", None, Latin, Truncate),
    P::new("ewe", "ee", None, Latin, Stemming::None),
    P::new("fao", "fo", None, Latin, Truncate).lexicon_of("isl"),
    P::new("fij", "fj", None, Latin, Stemming::None),
    P::new("fil", "tl", Some(Wl::Tgl), Latin, Stemming::None),
    P::new("fuc", "ff", None, Latin, Stemming::None),
    P::new("gle", "ga", None, Latin, Truncate),
    P::new("glg", "gl", None, Latin, Snowball(Algorithm::Portuguese)),
    P::new("hau", "ha", None, Latin, Stemming::None),
    P::new("hmn", "", None, Latin, Stemming::None),
    P::new("ibo", "ig", None, Latin, Stemming::None),
    P::new("kin", "rw", None, Latin, Stemming::None),
    P::new("kmr", "ku", None, Latin, Truncate),
    P::new("ltz", "lb", None, Latin, Truncate),
    P::new("mlg", "mg", None, Latin, Stemming::None),
    P::new("mlt", "mt", None, Latin, Truncate),
    P::new("mri", "mi", None, Latin, Stemming::None),
    P::new("msa", "ms", None, Latin, Truncate),
    P::new("nde", "nd", None, Latin, Stemming::None),
    P::new("nno", "nn", None, Latin, Snowball(Algorithm::Norwegian)),
    P::new("nso", "", None, Latin, Stemming::None),
    P::new("nya", "ny", None, Latin, Stemming::None),
    P::new("orm", "om", None, Latin, Truncate),
    P::new("smo", "sm", None, Latin, Stemming::None),
    P::new("sna", "sn", Some(Wl::Sna), Latin, Stemming::None),
    P::new("som", "so", None, Latin, Truncate),
    P::new("sqi", "sq", None, Latin, Truncate),
    P::new("ssw", "ss", None, Latin, Stemming::None),
    P::new("swa", "sw", None, Latin, Stemming::None),
    P::new("tah", "ty", None, Latin, Stemming::None),
    P::new("ton", "to", None, Latin, Stemming::None),
    P::new("tsn", "tn", None, Latin, Stemming::None),
    P::new("tuk", "tk", Some(Wl::Tuk), Latin, Truncate),
    P::new("uzb", "uz", Some(Wl::Uzb), Latin, Truncate),
    P::new("ven", "ve", None, Latin, Stemming::None),
    P::new("wol", "wo", None, Latin, Stemming::None),
    P::new("xho", "xh", None, Latin, Stemming::None),
    P::new("yor", "yo", None, Latin, Stemming::None),
    P::new("zul", "zu", Some(Wl::Zul), Latin, Stemming::None),
    P::new("bak", "ba", None, Cyrillic, Truncate),
    P::new("kaz", "kk", None, Cyrillic, Truncate),
    P::new("kir", "ky", None, Cyrillic, Truncate),
    P::new("mkd", "mk", Some(Wl::Mkd), Cyrillic, Truncate).lexicon_of("bul"),
    P::new("mon", "mn", None, Cyrillic, Truncate),
    P::new("tat", "tt", None, Cyrillic, Truncate),
    P::new("tgk", "tg", None, Cyrillic, Truncate),
    P::new("ckb", "", None, Arabic, Stemming::None),
    P::new("pus", "ps", None, Arabic, Stemming::None),
    P::new("snd", "sd", None, Arabic, Stemming::None),
    P::new("uig", "ug", None, Arabic, Stemming::None),
    P::new("prs", "", None, Arabic, Stemming::None).lexicon_of("pes"),
    // Hassaniya and Tashelhit in Arabic script: no profile tells them from Arabic, so
    // they are only ever declared.
    P::new("mey", "", None, Arabic, Snowball(Algorithm::Arabic)).lexicon_of("ara"),
    P::new("shi", "", None, Arabic, Stemming::None),
    P::new("nep", "ne", Some(Wl::Nep), Devanagari, HindiLight),
    P::new("amh", "am", Some(Wl::Amh), Other, Stemming::None),
    P::new("tir", "ti", None, Other, Stemming::None),
    P::new("guj", "gu", Some(Wl::Guj), Other, Stemming::None),
    P::new("pan", "pa", Some(Wl::Pan), Other, Stemming::None),
    P::new("kan", "kn", Some(Wl::Kan), Other, Stemming::None),
    P::new("tel", "te", Some(Wl::Tel), Other, Stemming::None).particles(TEL_PARTICLES),
    P::new("mal", "ml", Some(Wl::Mal), Other, Stemming::None).particles(MAL_PARTICLES),
    P::new("sin", "si", Some(Wl::Sin), Other, Stemming::None),
    P::new("mya", "my", Some(Wl::Mya), Other, Stemming::None),
    P::new("khm", "km", Some(Wl::Khm), Other, Stemming::None),
    P::new("lao", "lo", None, Other, Stemming::None),
    P::new("bod", "bo", None, Other, Stemming::None),
    P::new("dzo", "dz", None, Other, Stemming::None),
    P::new("div", "dv", None, Other, Stemming::None),
    P::new("yue", "", None, Han, Stemming::None).lexicon_of("cmn"),
];

/// Turkish endings after an apostrophe. un "flour" and in "den" are rare in news and
/// follow many names (Lavrov'un, Putin'in).
const TUR_APOSTROPHE_ENDINGS: &[&str] = &[
    "ı", "i", "u", "ü", "yı", "yi", "yu", "yü", "a", "e", "ye", "da", "ta", "te", "dan", "den",
    "nın", "nin", "nun", "nün", "ın", "un", "in", "la", "le", "yla", "yle", "daki", "deki", "taki",
    "teki", "ndaki", "ndeki", "nda", "nde", "ndan", "nden", "na", "nı", "ni", "nu", "nü", "dır",
    "dir", "dür", "tır", "tir", "lar", "ler", "ları", "leri", "larda", "lerde", "ların", "lerin",
    "yken", "sı", "si", "sü", "lı", "li", "lu", "lü",
];

/// Turkish case and possessive endings that Snowball Turkish leaves on (ekonomisi,
/// üniversitesi), stripped in lexicon lookups, longest first. Unlike
/// [`TUR_APOSTROPHE_ENDINGS`] (whole tokens after an apostrophe, a list of what may
/// follow a name) these are cut from the end of a word.
const TUR_SUFFIXES: &[&str] = &[
    "larının",
    "lerinin",
    "lerinde",
    "larında",
    "lerine",
    "larına",
    "ndaki",
    "ndeki",
    "ndan",
    "nden",
    "ları",
    "leri",
    "daki",
    "deki",
    "nın",
    "nin",
    "nun",
    "nün",
    "dan",
    "den",
    "tan",
    "ten",
    "nda",
    "nde",
    "yla",
    "yle",
    "lar",
    "ler",
    "sı",
    "si",
    "su",
    "sü",
    "ın",
    "in",
    "un",
    "ün",
    "da",
    "de",
    "ta",
    "te",
    "ya",
    "ye",
    "ı",
    "i",
    "u",
    "ü",
    "a",
    "e",
];

/// Korean case and topic particles and the common endings that follow nouns, longest
/// first: 트럼프는, 트럼프의, 미국에서 are 트럼프 and 미국.
const KOR_PARTICLES: &[&str] = &[
    "에서는",
    "에서도",
    "에게서",
    "으로는",
    "으로도",
    "이라고",
    "에서",
    "에게",
    "으로",
    "까지",
    "부터",
    "처럼",
    "보다",
    "이나",
    "라고",
    "하고",
    "과의",
    "와의",
    "에는",
    "에도",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "도",
    "만",
    "로",
];

/// Case endings of Malayalam and Telugu, written joined to a name (ലണ്ടനിൽ "in
/// London", లండన్‌లో), longest first: cut off, the name keys as in any other
/// script. Lists for Tamil, Kannada and Sinhala were tried and left out: pair
/// recall on ntrex-dev-all Malayalam 0.438 → 0.472, Telugu 0.559 → 0.608, but
/// Tamil (whose Snowball stemmer strips endings itself) 0.489 → 0.475, Sinhala
/// 0.583 → 0.539, Kannada unchanged.
const MAL_PARTICLES: &[&str] = &[
    "ത്തിന്റെ",
    "ിന്റെ",
    "ത്തിൽ",
    "ന്റെ",
    "യുടെ",
    "ുടെ",
    "ക്ക്",
    "യിൽ",
    "ിലെ",
    "ിൽ",
    "ിന്",
];
const TEL_PARTICLES: &[&str] = &["యొక్క", "లోని", "లో", "కు", "కి", "తో", "ని", "ను"];

/// Arabic proclitics (conjunctions و ف, prepositions ب ل ك, with the article ال
/// after them), longest first. The article alone is the name key's own business.
const ARA_NAME_PREFIXES: &[&str] = &[
    "وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "و", "ف", "ب", "ل", "ك",
];

const ARA_EXTRA_STOPWORDS: &[&str] = &[
    "وقد",
    "لقد",
    "خلال",
    "عندما",
    "تم",
    "والتي",
    "وهي",
    "يكن",
    "ولم",
    "وهذا",
    "الرغم",
    "ومع",
    "وذلك",
    "تكن",
    "إنهم",
    "أنهم",
    "يزال",
    "سيتم",
    "رغم",
    "حسبما",
    "ولن",
    "معها",
    "لماذا",
];

const HIN_EXTRA_STOPWORDS: &[&str] = &[
    "उन्होंने",
    "मैं",
    "अब",
    "उसने",
    "मुझे",
    "किए",
    "करके",
    "ऐसा",
    "हूँ",
    "हूं",
    "वाली",
    "वाला",
    "वाले",
    "जिसमें",
    "खुद",
    "थें",
    "जिससे",
    "जिसने",
    "मैंने",
    "करेंगे",
    "जिन्होंने",
    "आपको",
    "अगर",
    "हमें",
    "उन्हें",
    "उसे",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn named_constants_match_the_table() {
        assert_eq!(LANGS[Lang::UND.index()].code, "und");
        assert_eq!(LANGS[Lang::ENG.index()].code, "eng");
        assert_eq!(LANGS[Lang::TUR.index()].code, "tur");
        assert_eq!(LANGS[Lang::ARA.index()].code, "ara");
    }

    #[test]
    fn rows_are_consistent() {
        let mut codes = std::collections::HashSet::new();
        for p in LANGS {
            assert!(codes.insert(p.code), "{} twice", p.code);
            assert_eq!(p.code.len(), 3, "{}", p.code);
            if let Some(wl) = p.whatlang {
                assert_eq!(Lang::from_code(wl.code()).map(|l| l.code()), Some(p.code));
            }
            let lender = Lang::from_code(p.lexicon).expect("a lexicon of a language we have");
            if lender.code() != p.code {
                assert_eq!(
                    lender.profile().lexicon,
                    lender.code(),
                    "{}: borrowed twice",
                    p.code
                );
                assert_eq!(
                    lender.profile().stemming,
                    p.stemming,
                    "{}: the lender's stemming",
                    p.code
                );
            }
            // Truncation is for alphabets with inflection at the end of the word.
            if p.stemming == Stemming::Truncate {
                assert!(matches!(p.script, Latin | Cyrillic), "{}", p.code);
            }
            for w in p.apostrophe_endings.iter().chain(p.extra_stopwords) {
                assert!(!w.is_empty() && !w.contains(' '), "{}: {w:?}", p.code);
            }
            let suf = p.lexicon_fallback.suffixes;
            for pair in suf.windows(2) {
                assert!(
                    pair[0].chars().count() >= pair[1].chars().count(),
                    "{}: suffixes longest first ({} before {})",
                    p.code,
                    pair[0],
                    pair[1]
                );
            }
        }
    }
}
