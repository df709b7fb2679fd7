//! Per-language analysis: segment → normalize → stopwords → stem.
//!
//! Analysis never does IO and never allocates per token on the hot path: the
//! tokenizer yields borrowed slices, and normalization writes into a buffer the
//! caller reuses.

pub mod name_key;
pub mod normalize;
pub mod script;
mod stem;
mod stopwords;
pub mod translit;

use crate::lang::Lang;

pub use name_key::name_key;
pub use normalize::normalize_word;
pub use script::{is_ideographic, script_of, Script};
pub use stem::{stem, TRUNCATE_CHARS};
pub use stopwords::is_stopword;
pub use translit::transliterate;

/// What a token is made of.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TokenKind {
    /// Letters (any alphabetic script), possibly with digits after a Latin letter (`G20`).
    Word,
    /// ASCII digits after folding other scripts' digits; thousands groups joined (`1,000` → `1000`).
    Number,
    /// A run of Han/Kana characters: scripts written without spaces, cut into the
    /// lexicon's words where it has them, else into character bigrams. (Korean writes
    /// spaces between its words: Hangul is a `Word`; Thai, Lao, Khmer and Myanmar
    /// runs are cut into `Word`s by ICU4X's segmenter.)
    Ideo,
}

/// One token, borrowed from the text.
#[derive(Clone, Copy, Debug)]
pub struct Token<'a> {
    pub text: &'a str,
    pub kind: TokenKind,
    /// First character is an uppercase letter.
    pub capitalized: bool,
    /// Nothing but sentence punctuation or a line break since the previous token.
    pub sentence_initial: bool,
}

impl Token<'_> {
    /// Capitalized where a sentence does not start: a name, in a cased script.
    pub fn is_cased_name(&self) -> bool {
        self.capitalized && !self.sentence_initial
    }

    /// Does the token's name key count as a feature? Where capitalization tells
    /// (a cased name) or cannot tell (a caseless script).
    pub fn may_be_name(&self) -> bool {
        self.is_cased_name() || is_caseless(self.text)
    }
}

/// The first character of `word` is an uppercase letter ([`Token::capitalized`]).
pub fn starts_with_capital(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Written without letter case (Arabic, Han, Devanagari …): no letter of `word` is
/// upper- or lowercase.
pub fn is_caseless(word: &str) -> bool {
    // An ASCII letter has a case: most words of cased scripts are answered at
    // their first ASCII letter, before any character is decoded.
    if word.as_bytes().iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    !word.chars().any(|c| c.is_uppercase() || c.is_lowercase())
}

/// Marks that belong inside a word: every combining mark (Unicode categories Mn,
/// Mc, Me: diacritics, Arabic harakat, the vowel signs and viramas of every Indic
/// script) and ZWJ/ZWNJ. `char::is_alphanumeric` is false for most of them, and
/// splitting on them cut words into pieces (Malayalam ലണ്ടനിൽ became ടനിൽ; the
/// list of ranges this replaced knew only Devanagari, Bengali and Tamil).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}') || unicode_normalization::char::is_combining_mark(c)
}

/// Character classes that decide token boundaries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Latin,
    Ideo,
    /// Thai, Lao, Khmer, Myanmar: written without spaces between words; a run is
    /// cut into words by ICU4X's word segmenter.
    Seg,
    Other,
    Sep,
}

/// Letters and marks of the scripts [`Class::Seg`] covers; their punctuation (Thai
/// ฯ ๏ ๚ ๛, Lao ຯ, Khmer ។ ៕ ៖, Myanmar ၊ ။) separates.
fn is_seg_letter(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0xAA60..=0xAA7F)
        && !matches!(
            c,
            'ฯ' | '๏'
                | '๚'
                | '๛'
                | 'ຯ'
                | '។'
                | '៕'
                | '៖'
                | '៘'
                | '៙'
                | '៚'
                | '၊'
                | '။'
        )
}

/// The word segmenter for [`Class::Seg`] runs, built on first use: ICU4X's
/// dictionaries. Its LSTM models (`new_auto`) scored lower on ntrex-dev-all (story
/// B³ F1 0.866 against 0.874) and are slower.
static SEGMENTER: std::sync::LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
    std::sync::LazyLock::new(|| {
        icu_segmenter::WordSegmenter::new_dictionary(
            icu_segmenter::options::WordBreakInvariantOptions::default(),
        )
    });

/// A character's [`Class`]: from a table of the Basic Multilingual Plane, made once
/// by [`class_by_rules`]. The rules ask Unicode's tables several questions per
/// character (digit in some script, alphanumeric, combining mark, script): on a
/// synthetic corpus in 16 languages that was about a sixth of all instructions.
fn class_of(c: char) -> Class {
    static BMP: std::sync::LazyLock<Box<[Class]>> = std::sync::LazyLock::new(|| {
        (0..=0xFFFF_u32)
            .map(|u| char::from_u32(u).map_or(Class::Sep, class_by_rules))
            .collect()
    });
    match BMP.get(c as usize) {
        Some(&class) => class,
        None => class_by_rules(c),
    }
}

fn class_by_rules(c: char) -> Class {
    if script::digit_value(c).is_some() {
        Class::Digit
    } else if is_seg_letter(c) {
        Class::Seg
    } else if c.is_ascii_alphabetic() {
        Class::Latin
    } else if c.is_alphanumeric() || is_mark(c) {
        match script::char_script(c) {
            Some(Script::Han | Script::Kana) => Class::Ideo,
            Some(Script::Latin) => Class::Latin,
            _ => Class::Other,
        }
    } else {
        Class::Sep
    }
}

fn is_sentence_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ':'
            | ';'
            | '"'
            | '“'
            | '”'
            | '«'
            | '»'
            | '„'
            | '—'
            | '–'
            | '\n'
            | '|'
            | '•'
            | '。'
            | '！'
            | '？'
            | '؟'
            | '۔'
            | '।'
    )
}

/// Chunks of text that are page furniture, not prose: URLs, e-mail addresses, handles.
fn is_furniture_chunk(chunk: &str) -> bool {
    // One pass over the bytes: a chunk is a word or two, and each `contains` of a
    // pattern set up a searcher of its own (95 instructions a chunk, callgrind).
    let b = chunk.as_bytes();
    b.starts_with(b"www.")
        || b.iter()
            .enumerate()
            .any(|(i, &c)| c == b'@' || (c == b':' && b[i + 1..].starts_with(b"//")))
}

/// Do two adjacent character classes continue one token? `G20` and `Ağustos` do;
/// `2018年` and `Kahire’de` (apostrophe is a separator) do not.
fn continues(run: Class, next: Class) -> bool {
    run == next
        || matches!(
            (run, next),
            (Class::Latin, Class::Other)
                | (Class::Other, Class::Latin)
                | (Class::Latin, Class::Digit)
        )
}

/// Splits `text` into tokens, calling `emit` for each.
///
/// Whitespace-separated chunks that are URLs or e-mail addresses are skipped.
/// Inside a chunk, a token is a maximal run of word characters (see [`continues`]);
/// apostrophes and hyphens separate (`Kahire’de` → `Kahire`, `de`). Digit groups
/// separated by one `,` `.` `'` or space and exactly three digits long are joined, so
/// `1,000`, `1.000` and `1 000` are the same number in every language.
pub fn tokenize<'a>(text: &'a str, mut emit: impl FnMut(Token<'a>)) {
    let base = text.as_ptr() as usize;
    let offset = |s: &str| s.as_ptr() as usize - base;
    // A number waiting to see whether the next digit group joins it.
    let mut pending: Option<(usize, usize, bool)> = None;
    let flush = |pending: &mut Option<(usize, usize, bool)>, emit: &mut dyn FnMut(Token<'a>)| {
        if let Some((s, e, initial)) = pending.take() {
            emit(Token {
                text: &text[s..e],
                kind: TokenKind::Number,
                capitalized: false,
                sentence_initial: initial,
            });
        }
    };
    for line in text.lines() {
        let mut sentence_start = true;
        for chunk in line.split_whitespace() {
            if is_furniture_chunk(chunk) {
                continue;
            }
            let chunk_off = offset(chunk);
            let mut run: Option<(usize, Class)> = None;
            let mut chars = chunk.char_indices();
            loop {
                let next = chars.next();
                let cls = next.map_or(Class::Sep, |(_, c)| class_of(c));
                if let Some((s, rc)) = run {
                    if !continues(rc, cls) {
                        let e = next.map_or(chunk.len(), |(i, _)| i);
                        let (s, e) = (chunk_off + s, chunk_off + e);
                        if rc == Class::Digit {
                            let joins = pending.is_some_and(|(_, pe, _)| {
                                let gap = &text[pe..s];
                                e - s == 3
                                    && gap.chars().count() == 1
                                    && gap.chars().all(|g| {
                                        matches!(g, ',' | '.' | '\'' | ' ' | '\u{a0}' | '\u{202f}')
                                    })
                            });
                            match (&mut pending, joins) {
                                (Some(p), true) => p.1 = e,
                                _ => {
                                    flush(&mut pending, &mut emit);
                                    pending = Some((s, e, sentence_start));
                                }
                            }
                        } else if rc == Class::Seg {
                            flush(&mut pending, &mut emit);
                            let run = &text[s..e];
                            let mut start = 0;
                            for end in SEGMENTER.segment_str(run).skip(1) {
                                emit(Token {
                                    text: &run[start..end],
                                    kind: TokenKind::Word,
                                    capitalized: false,
                                    sentence_initial: sentence_start && start == 0,
                                });
                                start = end;
                            }
                        } else {
                            flush(&mut pending, &mut emit);
                            let word = &text[s..e];
                            emit(Token {
                                text: word,
                                kind: if rc == Class::Ideo {
                                    TokenKind::Ideo
                                } else {
                                    TokenKind::Word
                                },
                                capitalized: starts_with_capital(word),
                                sentence_initial: sentence_start,
                            });
                        }
                        sentence_start = false;
                        run = None;
                    }
                }
                let Some((i, c)) = next else { break };
                if cls == Class::Sep {
                    sentence_start |= is_sentence_break(c);
                } else if run.is_none() {
                    run = Some((i, cls));
                }
            }
        }
    }
    flush(&mut pending, &mut emit);
}

/// Normalizes and stems one word the way both the runtime and the lexicon
/// builder do, so keys and lookups cannot drift apart. Returns `None` for
/// stopwords and empty results.
pub fn term_key(lang: Lang, word: &str) -> Option<String> {
    let mut buf = String::new();
    normalize_word(word, lang, &mut buf);
    if buf.is_empty() || is_stopword(lang, &buf) {
        return None;
    }
    Some(stem(lang, &buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table answers what the rules answer, for every character of every plane.
    #[test]
    fn the_class_table_is_the_rules() {
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            assert!(class_of(c) == class_by_rules(c), "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        /// The byte scans answer what the string searches they replace answered.
        #[test]
        fn chunk_and_case_checks_are_the_searches(text in "(www\\.|://|:/|@|:|/|w|[a-zA-Zé.]|[٠-٩ء-ي]|日本|-){0,8}") {
            let furniture = text.contains("://") || text.contains('@') || text.starts_with("www.");
            proptest::prop_assert_eq!(is_furniture_chunk(&text), furniture);
            let caseless = !text.chars().any(|c| c.is_uppercase() || c.is_lowercase());
            proptest::prop_assert_eq!(is_caseless(&text), caseless);
        }
    }

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, |t| {
            let mark = match t.kind {
                TokenKind::Word if t.capitalized && !t.sentence_initial => "^",
                TokenKind::Word => "",
                TokenKind::Number => "#",
                TokenKind::Ideo => "~",
            };
            out.push(format!("{mark}{}", t.text));
        });
        out
    }

    #[test]
    fn tokenizes() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Lavrov met Abdelatty in Cairo.",
                &["Lavrov", "met", "^Abdelatty", "in", "^Cairo"],
            ),
            (
                "Kahire’de 16 ikili görüşme",
                &["Kahire", "de", "#16", "ikili", "görüşme"],
            ),
            (
                "trade of $27.7 billion, 1,000 or 1.000 or 1 000", // The span keeps the separators; the number feature keeps only the digits.
                &[
                    "trade", "of", "#27", "#7", "billion", "#1,000", "or", "#1.000", "or", "#1 000",
                ],
            ),
            (
                "see https://example.com/a-b or mail feedback@example.com now",
                &["see", "or", "mail", "now"],
            ),
            ("G20 summit. Next", &["G20", "summit", "Next"]),
            ("2018年欧洲队", &["#2018", "~年欧洲队"]),
            // One script table decides: 々 is Han, Thai and Tamil digits are digits,
            // fullwidth Latin is Latin (and runs on into digits like G20).
            ("人々が集まった", &["~人々が集まった"]),
            ("๒๕๖๘ ไทย", &["#๒๕๖๘", "ไทย"]),
            ("ไทยเดินทางไป ทรัมป์", &["ไทย", "เดิน", "ทาง", "ไป", "ทรัมป์"]),
            ("ក្រុមអឺរ៉ុបឈ្នះ។", &["ក្រុម", "អឺរ៉ុប", "ឈ្នះ"]),
            ("Ｇ２０", &["Ｇ２０"]),
            ("٢٠٢٥ لافروف", &["#٢٠٢٥", "لافروف"]),
            ("राइडर कप", &["राइडर", "कप"]),
            (
                "ലണ്ടനിൽ ಲಂಡನ್‌ನಲ್ಲಿ లండన్‌లో ලන්ඩනයේ",
                &["ലണ്ടനിൽ", "ಲಂಡನ್‌ನಲ್ಲಿ", "లండన్‌లో", "ලන්ඩනයේ"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(tokens(text), *want, "{text}");
        }
    }
}
