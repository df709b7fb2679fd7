//! Script-neutral evidence for names: transliteration to Latin and a coarse
//! phonetic *name key* that survives script changes.
//!
//! "Lavrov", "Лавров", "لافروف", "Λαβρόφ", "लावरोव", "לברוב" all yield the key
//! `"lbrb"`.
//!
//! * [`transliterate`] maps one (case-folded) word to Latin: Cyrillic
//!   (ru/uk/bg/sr/mk + common Central Asian letters), modern Greek (tonos,
//!   dialytika, polytonic via decomposition), Arabic (+ Persian/Urdu/Kurdish
//!   letters), Hebrew, Devanagari (with schwa deletion), Armenian, Georgian.
//!   Latin with diacritics is folded to ASCII; digits of any script become
//!   ASCII digits; other scripts (CJK, Thai, ...) pass through unchanged.
//! * [`name_key`] is a consonant skeleton of the transliteration with broad
//!   consonant classes (all labials merge, all velars + h merge, ...).
//! * [`script_of`] tells which script a word is mostly in.
//!
//! All functions are total (never panic) and allocate only their output
//! string; tables are `match` on `char`.
//!
//! Known limitations (pinned in `tests::known_limitations`):
//! * Latin spelling is read one way: silent English h ("John" → k), German
//!   "ch" (read as a sibilant), Spanish j.
//! * Russian/Greek "ev" for Latin "eu" (Европа, Ευρώπη vs Europe).
//! * Inflection that adds consonants (Москва vs Moscow, Лавровым).
//! * Arabic ت/ط/د + ه transliterate as "th"/"dh" and read as one sound
//!   (طهران "thran" vs Tehran).
//! * Arabic clitic prefixes و/ب/ل/لل are not stripped (only ال is).

use unicode_normalization::char::{decompose_canonical, decompose_compatible};

// ---------------------------------------------------------------------------
// Script detection
// ---------------------------------------------------------------------------

/// Which script a word is mostly in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Hebrew,
    Devanagari,
    Han,
    Kana,
    Hangul,
    Thai,
    Armenian,
    Georgian,
    Other,
}

const SCRIPTS: [Script; 13] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Greek,
    Script::Arabic,
    Script::Hebrew,
    Script::Devanagari,
    Script::Han,
    Script::Kana,
    Script::Hangul,
    Script::Thai,
    Script::Armenian,
    Script::Georgian,
    Script::Other,
];

/// Script of one character, `None` for digits, punctuation, spaces, symbols
/// and generic combining marks (they do not vote).
fn char_script(c: char) -> Option<Script> {
    let cp = c as u32;
    if cp < 0x80 {
        return if c.is_ascii_alphabetic() {
            Some(Script::Latin)
        } else {
            None
        };
    }
    if digit_value(c).is_some() {
        return None;
    }
    let s = match cp {
        0x00C0..=0x024F
        | 0x0250..=0x02AF
        | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF
        | 0xAB30..=0xAB6F
        | 0xFB00..=0xFB06
        | 0xFF21..=0xFF3A
        | 0xFF41..=0xFF5A => {
            if c == '\u{D7}' || c == '\u{F7}' {
                return None;
            }
            Script::Latin
        }
        0x00AA | 0x00BA => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F | 0xFB13..=0xFB17 => Script::Armenian,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0900..=0x097F | 0xA8E0..=0xA8FF => Script::Devanagari,
        0x0E00..=0x0E7F => Script::Thai,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xFFA0..=0xFFDC => {
            Script::Hangul
        }
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0x1B000..=0x1B16F => Script::Kana,
        0x2E80..=0x2FDF
        | 0x3005
        | 0x3007
        | 0x3021..=0x3029
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F => Script::Han,
        _ => {
            if c.is_alphabetic() {
                Script::Other
            } else {
                return None;
            }
        }
    };
    Some(s)
}

/// Which script a word is mostly in (majority of its letters; ties go to the
/// script listed first in [`Script`]). Words without letters are `Other`.
pub fn script_of(word: &str) -> Script {
    let mut counts = [0u32; 13];
    for c in word.chars() {
        if let Some(s) = char_script(c) {
            counts[s as usize] += 1;
        }
    }
    let mut best = Script::Other;
    let mut best_n = 0u32;
    for (k, &n) in counts.iter().enumerate() {
        if n > best_n {
            best_n = n;
            best = SCRIPTS[k];
        }
    }
    best
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

#[inline]
fn lower(c: char) -> char {
    if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Generic combining marks (Latin/Greek/Cyrillic diacritics in NFD input).
#[inline]
fn is_generic_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Invisible format characters that should vanish from a word.
#[inline]
fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0x034F | 0x180E)
}

/// Previous character before byte offset `i`, skipping combining marks
/// according to `skip`.
#[inline]
fn prev_char(s: &str, i: usize, skip: fn(char) -> bool) -> Option<char> {
    s.get(..i)?.chars().rev().find(|&c| !skip(c))
}

/// Next character at or after byte offset `i`, skipping marks per `skip`.
#[inline]
fn next_char(s: &str, i: usize, skip: fn(char) -> bool) -> Option<char> {
    s.get(i..)?.chars().find(|&c| !skip(c))
}

/// Value of a decimal digit of any (common) script.
fn digit_value(c: char) -> Option<u32> {
    let cp = c as u32;
    if cp < 0x80 {
        return c.to_digit(10);
    }
    const ZEROS: [u32; 38] = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x1E950,
    ];
    if cp < 0x0660 {
        return None;
    }
    for z in ZEROS {
        if cp >= z && cp < z + 10 {
            return Some(cp - z);
        }
    }
    if (0x1D7CE..=0x1D7FF).contains(&cp) {
        return Some((cp - 0x1D7CE) % 10);
    }
    None
}

#[inline]
fn push_digit(d: u32, out: &mut String) {
    out.push((b'0' + d as u8) as char);
}

// ---------------------------------------------------------------------------
// Transliteration
// ---------------------------------------------------------------------------

/// Latin transliteration of one already case-folded word (lowercase).
///
/// Cyrillic, Greek, Arabic (+Persian/Urdu), Hebrew, Devanagari, Armenian and
/// Georgian are romanized; Latin is folded to ASCII (é→e, ß→ss, ø→o, ı→i,
/// ł→l, æ→ae, þ→th, ð→d ...); digits of any script become ASCII digits;
/// characters of other scripts pass through unchanged. Uppercase input is
/// lowercased on the way. Never panics.
pub fn transliterate(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    transliterate_into(word, &mut out);
    out
}

/// Like [`transliterate`] but appends to `out` (lets callers reuse a buffer).
pub fn transliterate_into(word: &str, out: &mut String) {
    let len = word.len();
    let bytes = word.as_bytes();
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b.to_ascii_lowercase() as char);
            i += 1;
            continue;
        }
        let c = match char_at(word, i) {
            Some(c) => c,
            None => break,
        };
        let next = i + c.len_utf8();
        i = match c as u32 {
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0xA640..=0xA69F => cyrillic(word, i, c, out),
            0x0370..=0x03FF | 0x1F00..=0x1FFF => greek(word, i, out),
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF => arabic(word, i, c, out),
            0x0590..=0x05FF => hebrew(word, i, c, out),
            0x0900..=0x097F | 0xA8E0..=0xA8FF => devanagari_run(word, i, out),
            0x0530..=0x058F => armenian(word, i, c, out),
            0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => {
                georgian(c, out);
                next
            }
            _ => {
                other(c, out);
                next
            }
        };
        // Defensive: always make progress.
        if i < next {
            i = next;
        }
    }
}

/// Characters outside the context-sensitive scripts: Latin folding, digits,
/// invisible chars, compatibility forms; everything else passes through.
fn other(c: char, out: &mut String) {
    if let Some(d) = digit_value(c) {
        push_digit(d, out);
        return;
    }
    if is_generic_mark(c) || is_invisible(c) {
        return;
    }
    let cp = c as u32;
    match cp {
        0x00AA
        | 0x00BA
        | 0x00C0..=0x024F
        | 0x0250..=0x02AF
        | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF
        | 0xAB30..=0xAB6F => latin_fold(c, out),
        // Ligatures, presentation forms, fullwidth ASCII, letterlike symbols,
        // super/subscripts, enclosed and mathematical alphanumerics.
        0xFB00..=0xFDFF
        | 0xFE70..=0xFEFF
        | 0xFF01..=0xFF5E
        | 0x2070..=0x209F
        | 0x2100..=0x214F
        | 0x2460..=0x24FF
        | 0x1D400..=0x1D7FF => {
            let before = out.len();
            decompose_compatible(c, |d| simple_char(d, out));
            if out.len() == before && !matches!(cp, 0xFE70..=0xFEFF | 0xFB1E) {
                // No usable decomposition (e.g. an unassigned code point).
                out.push(c);
            }
        }
        _ => out.push(c),
    }
}

/// Context-free mapping of one character (used for decomposition pieces).
fn simple_char(c: char, out: &mut String) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && c != '\'') {
            out.push(c.to_ascii_lowercase());
        }
        return;
    }
    if let Some(d) = digit_value(c) {
        push_digit(d, out);
        return;
    }
    let cp = c as u32;
    match cp {
        0x0300..=0x036F => {}
        0x0600..=0x06FF => {
            if let Some(s) = arabic_simple(c) {
                out.push_str(s)
            }
        }
        0x0590..=0x05FF => {
            if let Some(s) = hebrew_simple(c) {
                out.push_str(s)
            }
        }
        0x0530..=0x058F => {
            if let Some(s) = armenian_simple(lower(c)) {
                out.push_str(s)
            }
        }
        0x0370..=0x03FF => {
            let (b, _, _) = greek_base(c);
            out.push_str(greek_simple(b).unwrap_or(""));
        }
        0x00C0..=0x024F | 0x1E00..=0x1EFF => latin_fold(c, out),
        _ => {
            if !is_generic_mark(c) {
                out.push(c)
            }
        }
    }
}

/// Fold one non-ASCII Latin letter to ASCII.
fn latin_fold(c: char, out: &mut String) {
    let s = match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' | 'ǣ' | 'Ǣ' | 'ǽ' | 'Ǽ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' | 'ǿ' | 'Ǿ' | 'ɵ' | 'ɔ' | 'Ɔ' => "o",
        'ı' | 'ɨ' | 'ɪ' | 'ɩ' => "i",
        'ł' | 'Ł' | 'ŀ' | 'Ŀ' | 'ƚ' | 'ɫ' | 'ɬ' | 'ɭ' | 'ȴ' => "l",
        'þ' | 'Þ' => "th",
        'ð' | 'Ð' | 'đ' | 'Đ' | 'ɗ' | 'ɖ' | 'Ɖ' | 'Ɗ' | 'ȡ' => "d",
        'ħ' | 'Ħ' | 'ɦ' => "h",
        'ŋ' | 'Ŋ' => "ng",
        'ĸ' | 'ƙ' | 'Ƙ' => "k",
        'ſ' | 'ʂ' | 'ȿ' => "s",
        'ŉ' | 'ɲ' | 'Ɲ' | 'ƞ' | 'ɳ' | 'ȵ' => "n",
        'ƒ' | 'Ƒ' => "f",
        'ǝ' | 'Ǝ' | 'ə' | 'Ə' | 'ɛ' | 'Ɛ' | 'ɘ' => "e",
        'ʒ' | 'Ʒ' | 'ƶ' | 'Ƶ' | 'ȥ' | 'Ȥ' | 'ʐ' | 'ʑ' => "z",
        'ʉ' | 'Ʉ' | 'ʊ' | 'Ʊ' => "u",
        'ƀ' | 'Ƀ' | 'ɓ' | 'Ɓ' => "b",
        'ƈ' | 'Ƈ' | 'ȼ' | 'Ȼ' | 'ɕ' => "c",
        'ƥ' | 'Ƥ' => "p",
        'ʠ' | 'ɋ' | 'Ɋ' => "q",
        'ɍ' | 'Ɍ' | 'ɽ' | 'ɾ' | 'ɹ' => "r",
        'ƭ' | 'Ƭ' | 'ʈ' | 'Ʈ' | 'ŧ' | 'Ŧ' | 'ȶ' => "t",
        'ƴ' | 'Ƴ' | 'ɏ' | 'Ɏ' => "y",
        'ɑ' | 'ɐ' | 'ɒ' => "a",
        'ɡ' | 'ɠ' | 'Ɠ' | 'ǥ' | 'Ǥ' => "g",
        'ʋ' | 'Ʋ' => "v",
        'ƿ' | 'Ƿ' => "w",
        'ȝ' | 'Ȝ' => "y",
        'ʔ' | 'ʕ' | 'ʼ' | 'ʻ' | 'ʾ' | 'ʿ' => "",
        _ => {
            let before = out.len();
            decompose_compatible(c, |d| {
                if d.is_ascii_alphanumeric() {
                    out.push(d.to_ascii_lowercase());
                }
            });
            if out.len() == before {
                out.push(c);
            }
            return;
        }
    };
    out.push_str(s);
}

// ---------------------------------------------------------------------------
// Cyrillic
// ---------------------------------------------------------------------------

fn cyrillic(word: &str, i: usize, c: char, out: &mut String) -> usize {
    let mut next = i + c.len_utf8();
    let c = lower(c);
    // NFD input: и + combining breve = й.
    if c == 'и' && char_at(word, next) == Some('\u{306}') {
        out.push('y');
        return next + 2;
    }
    let s = match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ӣ' | 'ӏ' => "i",
        'й' => "y",
        'к' | 'қ' | 'ҡ' | 'ӄ' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' | 'ҫ' => "s",
        'т' => "t",
        'у' | 'ў' | 'ү' | 'ұ' | 'ӯ' => "u",
        'ф' => "f",
        'х' | 'ҳ' => "kh",
        'ц' => "ts",
        'ч' | 'ҷ' | 'ҹ' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'є' => "ye",
        'ї' => {
            let at_start = !prev_char(word, i, is_generic_mark).is_some_and(|p| p.is_alphabetic());
            if at_start {
                "yi"
            } else {
                "i"
            }
        }
        'ґ' | 'ғ' | 'ҕ' => "g",
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' | 'ѕ' => "dz",
        'ѓ' => "gj",
        'ќ' => "kj",
        'ә' => "a",
        'ң' | 'ҥ' => "ng",
        'һ' => "h",
        'ҙ' => "z",
        'ѣ' => "e",
        'ѳ' => "f",
        'ѵ' => "i",
        _ => {
            if is_generic_mark(c) {
                ""
            } else {
                out.push(c);
                return next;
            }
        }
    };
    out.push_str(s);
    // Skip NFD diacritics attached to this letter (ё = е + U+0308 etc.).
    while let Some(m) = char_at(word, next) {
        if is_generic_mark(m) {
            next += m.len_utf8();
        } else {
            break;
        }
    }
    next
}

// ---------------------------------------------------------------------------
// Greek
// ---------------------------------------------------------------------------

/// Lowercase base letter of a Greek character, plus (dialytika, tonos) flags.
fn greek_base(c: char) -> (char, bool, bool) {
    let c = lower(c);
    match c {
        'α'..='ρ' | 'σ'..='ω' => (c, false, false),
        'ς' | 'ϲ' => ('σ', false, false),
        'ϐ' => ('β', false, false),
        'ϑ' => ('θ', false, false),
        'ϕ' => ('φ', false, false),
        'ϰ' => ('κ', false, false),
        'ϱ' => ('ρ', false, false),
        _ => {
            let mut base = c;
            let mut first = true;
            let mut dia = false;
            let mut tonos = false;
            decompose_canonical(c, |d| {
                if first {
                    base = d;
                    first = false;
                } else if d == '\u{308}' {
                    dia = true;
                } else if matches!(d, '\u{301}' | '\u{300}' | '\u{342}') {
                    tonos = true;
                }
            });
            let base = match base {
                'ς' | 'ϲ' => 'σ',
                b => b,
            };
            (base, dia, tonos)
        }
    }
}

/// Read the Greek letter at byte `i`: (base, dialytika, tonos, next index).
/// Following combining marks (NFD input) are consumed and folded into flags.
fn greek_at(word: &str, i: usize) -> Option<(char, bool, bool, usize)> {
    let c = char_at(word, i)?;
    if !matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF) {
        return None;
    }
    let (b, mut dia, mut tonos) = greek_base(c);
    let mut j = i + c.len_utf8();
    while let Some(m) = char_at(word, j) {
        if !is_generic_mark(m) {
            break;
        }
        if m == '\u{308}' {
            dia = true;
        } else if matches!(m, '\u{301}' | '\u{300}' | '\u{342}') {
            tonos = true;
        }
        j += m.len_utf8();
    }
    Some((b, dia, tonos, j))
}

#[inline]
fn is_greek_cons(b: char) -> bool {
    matches!(
        b,
        'β' | 'γ'
            | 'δ'
            | 'ζ'
            | 'θ'
            | 'κ'
            | 'λ'
            | 'μ'
            | 'ν'
            | 'ξ'
            | 'π'
            | 'ρ'
            | 'σ'
            | 'τ'
            | 'φ'
            | 'χ'
            | 'ψ'
    )
}

#[inline]
fn is_greek_voiceless(b: char) -> bool {
    matches!(b, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'τ' | 'φ' | 'χ' | 'ψ')
}

fn greek_simple(b: char) -> Option<&'static str> {
    Some(match b {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' => "s",
        'τ' => "t",
        'υ' => "i",
        'φ' => "f",
        'χ' => "kh",
        'ψ' => "ps",
        'ω' => "o",
        'ϳ' => "j",
        'ϝ' => "w",
        _ => return None,
    })
}

fn greek(word: &str, i: usize, out: &mut String) -> usize {
    let (b, _dia, tonos, j) = match greek_at(word, i) {
        Some(x) => x,
        None => {
            // Not reachable for the ranges we dispatch, but stay total.
            let c = char_at(word, i).unwrap_or(' ');
            return i + c.len_utf8();
        }
    };
    let nxt = greek_at(word, j);
    let prev = prev_char(word, i, is_generic_mark);
    let at_start = !prev.is_some_and(|p| p.is_alphabetic());
    let after_cons = prev.is_some_and(|p| is_greek_cons(greek_base(p).0));

    // Digraphs and diphthongs.
    if let Some((nb, ndia, _, nj)) = nxt {
        let diph_ok = !ndia && !tonos;
        let s: Option<&str> = match (b, nb) {
            ('ο', 'υ') if diph_ok => Some("u"),
            ('α', 'ι') if diph_ok => Some("ai"),
            ('ε', 'ι') if diph_ok => Some("ei"),
            ('ο', 'ι') if diph_ok => Some("oi"),
            ('υ', 'ι') if diph_ok => Some("i"),
            ('α', 'υ') | ('ε', 'υ') | ('η', 'υ') if diph_ok => {
                out.push_str(match b {
                    'α' => "a",
                    'ε' => "e",
                    _ => "i",
                });
                let voiceless = match greek_at(word, nj) {
                    Some((b3, _, _, _)) => is_greek_voiceless(b3),
                    None => true,
                };
                out.push(if voiceless { 'f' } else { 'v' });
                return nj;
            }
            ('μ', 'π') => Some(if at_start || after_cons { "b" } else { "mb" }),
            ('ν', 'τ') => Some(if at_start || after_cons { "d" } else { "nd" }),
            ('γ', 'κ') => Some(if at_start || after_cons { "g" } else { "ng" }),
            ('γ', 'γ') => Some("ng"),
            ('γ', 'ξ') => Some("nx"),
            ('γ', 'χ') => Some("nkh"),
            ('τ', 'σ') => Some("ts"),
            ('τ', 'ζ') => Some("dz"),
            _ => None,
        };
        if let Some(s) = s {
            out.push_str(s);
            return nj;
        }
    }
    match greek_simple(b) {
        Some(s) => out.push_str(s),
        None => {
            // Greek punctuation / numeral signs / Coptic: keep the char,
            // except pure diacritic signs.
            if let Some(c) = char_at(word, i) {
                if !matches!(c as u32, 0x0374 | 0x0375 | 0x037A | 0x0384 | 0x0385 | 0x1FBD..=0x1FC1 | 0x1FCD..=0x1FCF | 0x1FDD..=0x1FDF | 0x1FED..=0x1FEF | 0x1FFD | 0x1FFE)
                {
                    out.push(c);
                }
            }
        }
    }
    j
}

// ---------------------------------------------------------------------------
// Arabic (+ Persian, Urdu, Kurdish letters)
// ---------------------------------------------------------------------------

/// Harakat, Quranic marks, tatweel, superscript alef: removed.
#[inline]
fn is_arabic_mark(c: char) -> bool {
    matches!(c as u32, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x0640 | 0x06D6..=0x06ED | 0x08D3..=0x08FF)
        || is_invisible(c)
}

#[inline]
fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x0621..=0x063F | 0x0641..=0x064A | 0x066E..=0x066F | 0x0671..=0x06D3 | 0x06D5 | 0x06EE..=0x06EF | 0x06FA..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08C9)
}

#[inline]
fn is_alef(c: char) -> bool {
    matches!(c, 'ا' | 'أ' | 'إ' | 'آ' | 'ٱ')
}

#[inline]
fn is_ya(c: char) -> bool {
    matches!(c, 'ي' | 'ی' | 'ې' | 'ۍ')
}

/// Context-free Arabic letter table (و→u, ي→i).
fn arabic_simple(c: char) -> Option<&'static str> {
    Some(match c {
        'ا' | 'ٱ' | 'آ' | 'أ' | 'ى' | 'ة' | 'ۃ' => "a",
        'إ' => "i",
        'ء' | 'ئ' | 'ع' => "",
        'ؤ' => "u",
        'ب' => "b",
        'ت' | 'ط' | 'ٹ' | 'ټ' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' | 'ه' | 'ہ' | 'ھ' | 'ۂ' => "h",
        'خ' => "kh",
        'د' | 'ض' | 'ڈ' => "d",
        'ذ' => "dh",
        'ر' | 'ڑ' | 'ڕ' => "r",
        'ز' | 'ظ' => "z",
        'س' | 'ص' => "s",
        'ش' | 'ښ' => "sh",
        'غ' => "gh",
        'ف' => "f",
        'ڤ' | 'ۋ' => "v",
        'ق' => "q",
        'ك' | 'ک' | 'ڪ' => "k",
        'گ' | 'ڨ' | 'ګ' | 'ڭ' => "g",
        'ل' | 'ڵ' => "l",
        'م' => "m",
        'ن' | 'ں' | 'ڻ' => "n",
        'و' | 'ۇ' => "u",
        'ۆ' | 'ۉ' => "o",
        'ي' | 'ی' | 'ې' | 'ۍ' => "i",
        'ے' | 'ۓ' | 'ێ' | 'ۀ' | 'ە' => "e",
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        _ => return None,
    })
}

/// Previous non-skipped character before byte `i`, with its byte offset.
#[inline]
fn prev_pos(s: &str, i: usize, skip: fn(char) -> bool) -> Option<(usize, char)> {
    s.get(..i)?.char_indices().rev().find(|&(_, c)| !skip(c))
}

/// Next non-skipped character at or after byte `i`, with its byte offset.
#[inline]
fn next_pos(s: &str, i: usize, skip: fn(char) -> bool) -> Option<(usize, char)> {
    let t = s.get(i..)?;
    t.char_indices()
        .find(|&(_, c)| !skip(c))
        .map(|(k, c)| (i + k, c))
}

fn arabic(word: &str, i: usize, c: char, out: &mut String) -> usize {
    let next = i + c.len_utf8();
    if let Some(d) = digit_value(c) {
        push_digit(d, out);
        return next;
    }
    if is_arabic_mark(c) {
        return next;
    }
    let prev = prev_pos(word, i, is_arabic_mark).filter(|&(_, p)| is_arabic_letter(p));
    let at_start = prev.is_none();
    let nb = next_char(word, next, is_arabic_mark).filter(|&n| is_arabic_letter(n));
    match c {
        'و' | 'ۇ' | 'ي' | 'ی' | 'ې' => {
            let is_waw = matches!(c, 'و' | 'ۇ');
            let consonant = match prev {
                None => true,
                Some((pi, p)) => {
                    let p_initial = prev_pos(word, pi, is_arabic_mark)
                        .map_or(true, |(_, q)| !is_arabic_letter(q));
                    if is_alef(p) && p_initial {
                        // أو / إي / او at word start: long vowel.
                        false
                    } else if matches!(p, 'ا' | 'آ' | 'ٱ' | 'ى' | 'ة' | 'و' | 'ۇ') || is_ya(p)
                    {
                        // After a vowel letter: glide.
                        true
                    } else {
                        // After a consonant: vowel, unless an alef follows
                        // (رواندا rwanda, سوريا surya).
                        matches!(nb, Some('ا'))
                    }
                }
            };
            out.push_str(match (is_waw, consonant) {
                (true, true) => "w",
                (true, false) => "u",
                (false, true) => "y",
                (false, false) => "i",
            });
        }
        'ا' | 'أ' | 'إ' | 'ٱ' if at_start && matches!(nb, Some('و' | 'ي' | 'ی')) => {}
        'ع' => {
            if at_start {
                out.push('a')
            }
        }
        _ => match arabic_simple(c) {
            Some(s) => out.push_str(s),
            None => out.push(match c {
                '،' | '٬' => ',',
                '؛' => ';',
                '؟' => '?',
                '٪' => '%',
                '٫' => '.',
                '۔' => '.',
                _ => c,
            }),
        },
    }
    next
}

// ---------------------------------------------------------------------------
// Hebrew
// ---------------------------------------------------------------------------

/// Niqqud and cantillation marks: removed.
#[inline]
fn is_hebrew_mark(c: char) -> bool {
    matches!(
        c as u32,
        0x0591..=0x05BD | 0x05BF | 0x05C1 | 0x05C2 | 0x05C4 | 0x05C5 | 0x05C7
    ) || is_invisible(c)
}

/// Marks plus geresh/apostrophe: skipped when looking back for context.
#[inline]
fn is_hebrew_skip(c: char) -> bool {
    is_hebrew_mark(c) || matches!(c, '\u{05F3}' | '\'' | '’')
}

#[inline]
fn is_hebrew_letter(c: char) -> bool {
    matches!(c as u32, 0x05D0..=0x05EA | 0x05EF..=0x05F2)
}

fn hebrew_simple(c: char) -> Option<&'static str> {
    Some(match c {
        'א' => "a",
        'ב' => "b",
        'ג' => "g",
        'ד' => "d",
        'ה' => "h",
        'ו' => "o",
        'ז' => "z",
        'ח' => "kh",
        'ט' => "t",
        'י' => "i",
        'כ' | 'ך' => "k",
        'ל' => "l",
        'מ' | 'ם' => "m",
        'נ' | 'ן' => "n",
        'ס' => "s",
        'ע' => "",
        'פ' => "p",
        'ף' => "f",
        'צ' | 'ץ' => "ts",
        'ק' => "k",
        'ר' => "r",
        'ש' => "sh",
        'ת' => "t",
        'װ' => "v",
        'ױ' => "oy",
        'ײ' => "ey",
        '\u{05BE}' => "-",
        _ => return None,
    })
}

fn hebrew(word: &str, i: usize, c: char, out: &mut String) -> usize {
    let next = i + c.len_utf8();
    if is_hebrew_mark(c) || c == '\u{05F3}' || c == '\u{05F4}' {
        return next;
    }
    let prev = prev_pos(word, i, is_hebrew_skip).filter(|&(_, p)| is_hebrew_letter(p));
    let at_start = prev.is_none();
    let nxt = next_pos(word, next, is_hebrew_mark);
    let nb = nxt.map(|(_, n)| n);
    // Geresh (׳ or an apostrophe) after ג ז צ ת marks a foreign sound.
    if let Some((gi, g)) = nxt {
        if matches!(g, '\u{05F3}' | '\'' | '’') {
            let s = match c {
                'ג' => Some("j"),
                'ז' => Some("zh"),
                'צ' | 'ץ' => Some("ch"),
                'ת' => Some("th"),
                _ => None,
            };
            if let Some(s) = s {
                out.push_str(s);
                return gi + g.len_utf8();
            }
        }
    }
    let prev_vowel_letter = matches!(prev, Some((_, 'ו' | 'י')));
    let s = match c {
        'א' => {
            if at_start && matches!(nb, Some('ו' | 'י')) {
                ""
            } else {
                "a"
            }
        }
        'ע' => {
            if at_start {
                "a"
            } else {
                ""
            }
        }
        'ו' | 'י' => {
            let is_vav = c == 'ו';
            if nb == Some(c) {
                // Double letter: consonant.
                out.push(if is_vav { 'v' } else { 'y' });
                let (ni, nc) = nxt.unwrap_or((next, c));
                return ni + nc.len_utf8();
            }
            let consonant = at_start || prev_vowel_letter;
            match (is_vav, consonant) {
                (true, true) => "v",
                (true, false) => "o",
                (false, true) => "y",
                (false, false) => "i",
            }
        }
        'ה' => {
            let at_end = !nb.is_some_and(is_hebrew_letter);
            if at_end && !at_start && !prev_vowel_letter {
                "a"
            } else {
                "h"
            }
        }
        _ => match hebrew_simple(c) {
            Some(s) => s,
            None => {
                out.push(c);
                return next;
            }
        },
    };
    out.push_str(s);
    next
}

// ---------------------------------------------------------------------------
// Devanagari (Hindi, Marathi, Nepali)
// ---------------------------------------------------------------------------

const VIRAMA: char = '\u{094D}';
const NUKTA: char = '\u{093C}';

#[inline]
fn is_deva(c: char) -> bool {
    matches!(c as u32, 0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x200C | 0x200D)
}

fn deva_cons(c: char) -> Option<&'static str> {
    Some(match c {
        'क' => "k",
        'ख' => "kh",
        'ग' => "g",
        'घ' => "gh",
        'ङ' => "n",
        'च' => "ch",
        'छ' => "chh",
        'ज' => "j",
        'झ' => "jh",
        'ञ' => "n",
        'ट' => "t",
        'ठ' => "th",
        'ड' => "d",
        'ढ' => "dh",
        'ण' => "n",
        'त' => "t",
        'थ' => "th",
        'द' => "d",
        'ध' => "dh",
        'न' | 'ऩ' => "n",
        'प' => "p",
        'फ' => "ph",
        'ब' => "b",
        'भ' => "bh",
        'म' => "m",
        'य' | '\u{95F}' | 'ॺ' => "y",
        'र' | 'ऱ' => "r",
        'ल' | 'ळ' | 'ऴ' => "l",
        'व' => "v",
        'श' | 'ष' => "sh",
        'स' => "s",
        'ह' => "h",
        '\u{958}' => "q",
        '\u{959}' => "kh",
        '\u{95A}' | 'ॻ' => "g",
        '\u{95B}' => "z",
        '\u{95C}' => "r",
        '\u{95D}' => "rh",
        '\u{95E}' => "f",
        'ॹ' => "zh",
        'ॼ' => "j",
        'ॾ' => "d",
        'ॿ' => "b",
        _ => return None,
    })
}

/// Consonant + nukta.
fn deva_nukta(c: char) -> Option<&'static str> {
    Some(match c {
        'क' => "q",
        'ख' => "kh",
        'ग' => "gh",
        'ज' => "z",
        'झ' => "zh",
        'ड' => "r",
        'ढ' => "rh",
        'फ' => "f",
        _ => return None,
    })
}

fn deva_vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'अ' | 'आ' | 'ऄ' | 'ॲ' => "a",
        'इ' | 'ई' => "i",
        'उ' | 'ऊ' | 'ॶ' | 'ॷ' => "u",
        'ऋ' | 'ॠ' => "ri",
        'ऌ' | 'ॡ' => "li",
        'ऍ' | 'ऎ' | 'ए' => "e",
        'ऐ' => "ai",
        'ऑ' | 'ऒ' | 'ओ' => "o",
        'औ' => "au",
        'ॐ' => "om",
        _ => return None,
    })
}

fn deva_matra(c: char) -> Option<&'static str> {
    Some(match c {
        'ा' => "a",
        'ि' | 'ी' => "i",
        'ु' | 'ू' | 'ॖ' | 'ॗ' => "u",
        'ृ' | 'ॄ' => "ri",
        'ॢ' | 'ॣ' => "li",
        'ॅ' | 'ॆ' | 'े' | 'ॎ' => "e",
        'ै' => "ai",
        'ॉ' | 'ॊ' | 'ो' => "o",
        'ौ' => "au",
        'ॏ' => "aw",
        'ऺ' | 'ऻ' => "",
        _ => return None,
    })
}

#[inline]
fn is_deva_nasal_or_visarga(c: char) -> bool {
    matches!(c, 'ँ' | 'ं' | 'ः' | 'ऀ')
}

// Segment kinds for schwa deletion.
const SEG_BOUND: u8 = 0; // digit, punctuation: word boundary
const SEG_VOW: u8 = 1; // independent vowel
const SEG_INH: u8 = 2; // consonant with inherent 'a'
const SEG_EXP: u8 = 3; // consonant with explicit vowel sign
const SEG_NONE: u8 = 4; // consonant + virama
const SEG_PROT: u8 = 5; // consonant with inherent 'a' + anusvara/visarga (kept)
const MAX_SEG: usize = 64;

/// Transliterate a maximal run of Devanagari starting at byte `start`;
/// returns the end of the run.
fn devanagari_run(word: &str, start: usize, out: &mut String) -> usize {
    let rest = match word.get(start..) {
        Some(r) => r,
        None => return word.len(),
    };
    let mut end = start;
    for (k, ch) in rest.char_indices() {
        if is_deva(ch) {
            end = start + k + ch.len_utf8();
        } else {
            break;
        }
    }
    let run = &word[start..end];

    // Pass 1: segment structure.
    let mut seg = [SEG_BOUND; MAX_SEG];
    let mut semi: u64 = 0; // consonant is r/y/v/l (final schwa kept after a cluster)
    let mut n = 0usize;
    for ch in run.chars() {
        if deva_cons(ch).is_some() {
            if n < MAX_SEG {
                seg[n] = SEG_INH;
                if matches!(ch, 'र' | 'य' | 'व' | 'ल') {
                    semi |= 1u64 << n;
                }
            }
            n += 1;
        } else if deva_vowel(ch).is_some() {
            if n < MAX_SEG {
                seg[n] = SEG_VOW;
            }
            n += 1;
        } else if deva_matra(ch).is_some() || ch == VIRAMA || is_deva_nasal_or_visarga(ch) {
            if n > 0 && n <= MAX_SEG && seg[n - 1] == SEG_INH {
                seg[n - 1] = if ch == VIRAMA {
                    SEG_NONE
                } else if is_deva_nasal_or_visarga(ch) {
                    SEG_PROT
                } else {
                    SEG_EXP
                };
            }
        } else if ch == NUKTA || ch == '\u{200C}' || ch == '\u{200D}' || ch == 'ऽ' {
            // no segment
        } else if matches!(ch as u32, 0x0951..=0x0954 | 0xA8E0..=0xA8F1) {
            // Vedic accents: no segment
        } else {
            if n < MAX_SEG {
                seg[n] = SEG_BOUND;
            }
            n += 1;
        }
    }

    // Schwa deletion, right to left (Ohala): final schwa is dropped (unless
    // the word is one consonant, or the last consonant is r/y/v/l after a
    // cluster: mitra, indra); medial schwa is dropped in VC_CV.
    let mut del: u64 = 0;
    if n <= MAX_SEG {
        let has_v = |j: usize, del: u64| -> bool {
            match seg[j] {
                SEG_VOW | SEG_EXP | SEG_PROT => true,
                SEG_INH => del & (1u64 << j) == 0,
                _ => false,
            }
        };
        let is_c = |j: usize| matches!(seg[j], SEG_INH | SEG_EXP | SEG_NONE | SEG_PROT);
        for k in (0..n).rev() {
            if seg[k] != SEG_INH {
                continue;
            }
            let at_end = k + 1 == n || seg[k + 1] == SEG_BOUND;
            if at_end {
                if k == 0 || seg[k - 1] == SEG_BOUND {
                    continue;
                }
                if seg[k - 1] == SEG_NONE && semi & (1u64 << k) != 0 {
                    continue;
                }
                del |= 1u64 << k;
            } else if k > 0 && has_v(k - 1, del) && is_c(k + 1) && has_v(k + 1, del) {
                del |= 1u64 << k;
            }
        }
    }

    // Pass 2: emit.
    let mut k = 0usize;
    let mut it = run.chars().peekable();
    while let Some(ch) = it.next() {
        if let Some(mut lat) = deva_cons(ch) {
            if it.peek() == Some(&NUKTA) {
                it.next();
                if let Some(v) = deva_nukta(ch) {
                    lat = v;
                }
            }
            out.push_str(lat);
            let keep_a = if n <= MAX_SEG {
                matches!(seg[k], SEG_INH | SEG_PROT) && del & (1u64 << k) == 0
            } else {
                !matches!(it.peek(), Some(&c2) if c2 == VIRAMA || deva_matra(c2).is_some())
            };
            if keep_a {
                out.push('a');
            }
            k += 1;
        } else if let Some(v) = deva_vowel(ch) {
            out.push_str(v);
            k += 1;
        } else if let Some(m) = deva_matra(ch) {
            out.push_str(m);
        } else if ch == 'ं' {
            let labial = matches!(it.peek(), Some('प' | 'फ' | 'ब' | 'भ' | 'म' | '\u{95E}'));
            out.push(if labial { 'm' } else { 'n' });
        } else if ch == 'ँ' || ch == 'ऀ' {
            out.push('n');
        } else if ch == 'ः' {
            out.push('h');
        } else if ch == VIRAMA
            || ch == NUKTA
            || ch == '\u{200C}'
            || ch == '\u{200D}'
            || ch == 'ऽ'
            || matches!(ch as u32, 0x0951..=0x0954 | 0xA8E0..=0xA8F1)
        {
            // silent
        } else {
            match digit_value(ch) {
                Some(d) => push_digit(d, out),
                None => out.push(match ch {
                    '।' | '॥' => '.',
                    _ => ch,
                }),
            }
            k += 1;
        }
    }
    end
}

// ---------------------------------------------------------------------------
// Armenian, Georgian
// ---------------------------------------------------------------------------

fn armenian_simple(c: char) -> Option<&'static str> {
    Some(match c {
        'ա' => "a",
        'բ' => "b",
        'գ' => "g",
        'դ' => "d",
        'ե' | 'է' | 'ը' => "e",
        'զ' => "z",
        'թ' | 'տ' => "t",
        'ժ' => "zh",
        'ի' => "i",
        'լ' => "l",
        'խ' => "kh",
        'ծ' | 'ց' => "ts",
        'կ' | 'ք' => "k",
        'հ' => "h",
        'ձ' => "dz",
        'ղ' => "gh",
        'ճ' | 'չ' => "ch",
        'մ' => "m",
        'յ' => "y",
        'ն' => "n",
        'շ' => "sh",
        'ո' | 'օ' => "o",
        'պ' | 'փ' => "p",
        'ջ' => "j",
        'ռ' | 'ր' => "r",
        'ս' => "s",
        'վ' | 'ւ' => "v",
        'և' => "ev",
        'ֆ' => "f",
        '\u{055A}'..='\u{055C}' | '\u{055E}' | '\u{055F}' => "",
        _ => return None,
    })
}

fn armenian(word: &str, i: usize, c: char, out: &mut String) -> usize {
    let next = i + c.len_utf8();
    let c = lower(c);
    let at_start = !prev_char(word, i, is_generic_mark).is_some_and(|p| p.is_alphabetic());
    match c {
        'ո' => {
            if matches!(char_at(word, next), Some('ւ' | 'Ւ')) {
                out.push('u');
                return next + 'ւ'.len_utf8();
            }
            out.push_str(if at_start { "vo" } else { "o" });
        }
        'ե' if at_start => out.push_str("ye"),
        _ => match armenian_simple(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        },
    }
    next
}

fn georgian(c: char, out: &mut String) {
    let c = lower(c);
    let s = match c {
        'ა' => "a",
        'ბ' => "b",
        'გ' => "g",
        'დ' => "d",
        'ე' => "e",
        'ვ' => "v",
        'ზ' => "z",
        'თ' | 'ტ' => "t",
        'ი' => "i",
        'კ' | 'ქ' => "k",
        'ლ' => "l",
        'მ' => "m",
        'ნ' => "n",
        'ო' => "o",
        'პ' | 'ფ' => "p",
        'ჟ' => "zh",
        'რ' => "r",
        'ს' => "s",
        'უ' => "u",
        'ღ' => "gh",
        'ყ' => "q",
        'შ' => "sh",
        'ჩ' | 'ჭ' => "ch",
        'ც' | 'წ' => "ts",
        'ძ' => "dz",
        'ხ' => "kh",
        'ჯ' => "j",
        'ჰ' => "h",
        'ჱ' => "e",
        'ჲ' => "y",
        'ჳ' => "w",
        'ჴ' => "q",
        'ჵ' => "o",
        'ჶ' => "f",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

// ---------------------------------------------------------------------------
// Name key
// ---------------------------------------------------------------------------

/// Longest key produced (longer skeletons are truncated).
const MAX_KEY: usize = 16;
/// Shortest key returned (first letter + 2 consonant classes).
const MIN_KEY: usize = 3;

/// Strip the Arabic article ال (and Latin "al-"/"el-") when at least three
/// letters remain.
fn strip_article(word: &str) -> &str {
    if let Some((ai, 'ا')) = next_pos(word, 0, is_arabic_mark) {
        if let Some((li, 'ل')) = next_pos(word, ai + 'ا'.len_utf8(), is_arabic_mark) {
            let rest = &word[li + 'ل'.len_utf8()..];
            let letters = rest.chars().filter(|&c| is_arabic_letter(c)).count();
            if letters >= 3 {
                return rest;
            }
        }
        return word;
    }
    let b = word.as_bytes();
    if b.len() > 3
        && (b[0] == b'a' || b[0] == b'e' || b[0] == b'A' || b[0] == b'E')
        && (b[1] == b'l' || b[1] == b'L')
        && b[2] == b'-'
    {
        let rest = &word[3..];
        if rest.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
            return rest;
        }
    }
    word
}

#[inline]
fn is_vowel_byte(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// A coarse phonetic key that survives script changes and vowel-less
/// scripts.
///
/// Built from [`transliterate`] (after stripping an Arabic article ال when ≥3
/// letters remain): the first sound is kept (a vowel becomes `a`), later
/// vowels and vowel-like glides (y; w after a vowel; word-final h) are dropped,
/// and consonants fold into classes:
///
/// | class | letters / digraphs |
/// |---|---|
/// | `b` | b p f v w ph bh (all labials: Greek β=v, Arabic has no p/v) |
/// | `k` | k c(+a/o/u/cons) q g x(k) h kh gh ck (Russian г≈h, Greek χ) |
/// | `t` | t d th dh |
/// | `s` | s z c(+e/i/y) x(s) sh ch ts tz tch shch cz |
/// | `j` | j zh dj dz dzh jh (Greek τζ is romanized dz) |
/// | `l r m n` | themselves |
///
/// Adjacent identical classes collapse (ll, ss, tts); a nasal directly
/// before a homorganic stop is dropped (mb→b, nd/nt→t), because Greek spells
/// foreign b/d as μπ/ντ (unless that would make the key too short: India).
/// A word-final `h` is silent (Abdullah, عبدالله). An `h` after an
/// obstruent is absorbed (bh, dh, jh, kh, ph, th, ...). Returns `None` when
/// the key is shorter than 3 characters (so "of", "ab" → None, "putin" →
/// "btn"). Output is ASCII lowercase, at most 16 bytes.
pub fn name_key(word: &str) -> Option<String> {
    let w = strip_article(word);
    let mut t = transliterate(w);
    let mut key = [0u8; MAX_KEY];
    let mut n = key_of(t.as_bytes(), &mut key, true);
    if n < MIN_KEY {
        // Short word: keep nasals before stops rather than lose it (India).
        n = key_of(t.as_bytes(), &mut key, false);
    }
    if n < MIN_KEY {
        return None;
    }
    // Reuse the transliteration's buffer for the key: one allocation total.
    t.clear();
    for &b in &key[..n] {
        t.push(b as char);
    }
    Some(t)
}

/// Compute the key of an ASCII-ish transliteration into `key`; returns its
/// length. Non-ASCII-letter bytes are ignored.
fn key_of(b: &[u8], key: &mut [u8; MAX_KEY], drop_nasal: bool) -> usize {
    const V: u8 = 0; // vowel
    const SKIP: u8 = 1; // silent
    let len = b.len();
    // Next ASCII letter (lowercased) at or after j, and its index.
    let letter_at = |j: usize| -> Option<(usize, u8)> {
        let mut j = j;
        while j < len {
            let c = b[j];
            if c.is_ascii_alphabetic() {
                return Some((j, c.to_ascii_lowercase()));
            }
            j += 1;
        }
        None
    };
    let mut n = 0usize;
    let mut last: u8 = V; // last class pushed (V after a vowel: no collapse)
    let mut prev_vowel = false;
    let mut first = true;
    let mut i = 0usize;
    while let Some((pos, c)) = letter_at(i) {
        if n >= MAX_KEY {
            break;
        }
        let nx = letter_at(pos + 1);
        let nc = nx.map(|(_, x)| x);
        let after_next = |k: usize| nx.and_then(|(p, _)| letter_at(p + 1 + k)).map(|(_, x)| x);
        // (class, second class for x, letters consumed)
        let (cls, cls2, used): (u8, u8, usize) = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => (V, 0, 1),
            b'w' => {
                if prev_vowel && !nc.is_some_and(is_vowel_byte) {
                    (V, 0, 1)
                } else {
                    (b'b', 0, 1)
                }
            }
            b'h' => {
                if nc.is_none() {
                    (SKIP, 0, 1)
                } else {
                    (b'k', 0, 1)
                }
            }
            b'b' | b'p' | b'f' | b'v' => (b'b', 0, 1),
            b'c' => match nc {
                Some(b'h') | Some(b'z') | Some(b's') => (b's', 0, 2),
                Some(b'k') => (b'k', 0, 2),
                Some(b'e') | Some(b'i') | Some(b'y') => (b's', 0, 1),
                _ => (b'k', 0, 1),
            },
            b'd' => match nc {
                Some(b'j') | Some(b'z') => (b'j', 0, 2),
                _ => (b't', 0, 1),
            },
            b'g' | b'k' | b'q' => (b'k', 0, 1),
            b'j' => (b'j', 0, 1),
            b's' => (b's', 0, 1),
            b't' => match nc {
                Some(b's') | Some(b'z') => (b's', 0, 2),
                Some(b'c') if after_next(0) == Some(b'h') => (b's', 0, 3),
                _ => (b't', 0, 1),
            },
            b'x' => (b'k', b's', 1),
            b'z' => match nc {
                Some(b'h') => (b'j', 0, 2),
                _ => (b's', 0, 1),
            },
            b'l' | b'm' | b'n' | b'r' => (c, 0, 1),
            _ => (SKIP, 0, 1),
        };
        // Advance past `used` letters.
        let mut p = pos;
        let mut cnt = 1;
        while cnt < used {
            match letter_at(p + 1) {
                Some((q, _)) => p = q,
                None => break,
            }
            cnt += 1;
        }
        // An h after an obstruent is absorbed (bh, dh, kh, ph, sh, th, ...).
        let obstruent = matches!(
            c,
            b'b' | b'c'
                | b'd'
                | b'g'
                | b'j'
                | b'k'
                | b'p'
                | b'q'
                | b's'
                | b't'
                | b'z'
                | b'r'
                | b'f'
                | b'v'
        );
        if cls != V && cls != SKIP && obstruent {
            if let Some((q, b'h')) = letter_at(p + 1) {
                p = q;
            }
        }
        i = p + 1;
        match cls {
            V => {
                if first {
                    key[n] = b'a';
                    n += 1;
                    first = false;
                }
                prev_vowel = true;
                last = V;
            }
            SKIP => {}
            _ => {
                for k in [cls, cls2] {
                    if k == 0 || n >= MAX_KEY {
                        continue;
                    }
                    if k == last {
                        // collapse doubles (ll, ss, tts)
                    } else if drop_nasal
                        && n > 1
                        && ((k == b'b' && last == b'm') || (k == b't' && last == b'n'))
                    {
                        // Nasal before a homorganic stop is dropped: Greek
                        // writes foreign b/d as μπ/ντ (Ομπάμα, Μπάιντεν), and
                        // Greek names keep the nasal in Latin (Lambros). The
                        // first letter is kept (abjads: نتنياهو ntnyahu).
                        key[n - 1] = k;
                    } else {
                        key[n] = k;
                        n += 1;
                    }
                    last = k;
                }
                first = false;
                prev_vowel = false;
            }
        }
    }
    n
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Run `f` over a table of (input, expected) cases; report every failure.
    fn check<T: PartialEq + std::fmt::Debug>(
        what: &str,
        cases: &[(&str, T)],
        f: impl Fn(&str) -> T,
    ) {
        let mut bad = Vec::new();
        for (input, want) in cases {
            let got = f(input);
            if &got != want {
                bad.push(format!("  {what}({input:?}) = {got:?}, want {want:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} of {} cases failed:\n{}",
            bad.len(),
            cases.len(),
            bad.join("\n")
        );
    }

    fn key(w: &str) -> Option<String> {
        name_key(w)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    /// Same entity across scripts → same key.
    const GROUPS: &[(&str, &[&str])] = &[
        (
            "lbrb",
            &[
                "Lavrov",
                "lavrov",
                "Лавров",
                "лавров",
                "لافروف",
                "Λαβρόφ",
                "λαβρόφ",
                "लावरोव",
                "לברוב",
                "Лаврова",
            ],
        ),
        (
            "btn",
            &[
                "Putin",
                "Путин",
                "بوتين",
                "Πούτιν",
                "पुतिन",
                "פוטין",
                "პუტინი",
                "Պուտին",
            ],
        ),
        (
            "trb",
            &["Trump", "Трамп", "ترامب", "Τραμπ", "ट्रम्प", "ट्रंप", "טראמפ"],
        ),
        ("mrls", &["Morales", "Моралес", "موراليس", "Μοράλες"]),
        (
            "blb",
            &["Bolivia", "Боливия", "بوليفيا", "Βολιβία", "बोलीविया"],
        ),
        ("bskb", &["Peskov", "Песков", "بيسكوف"]),
        ("mkrn", &["Macron", "Макрон", "ماكرون", "Μακρόν"]),
        (
            "artkn",
            &["Erdoğan", "Erdogan", "Эрдоган", "أردوغان", "Ερντογάν"],
        ),
        ("mrkl", &["Merkel", "Меркель", "ميركل", "Μέρκελ", "मर्केल"]),
        ("brkst", &["Brexit", "Брексит", "بريكست", "Μπρέξιτ"]),
        // Beyond the brief's list.
        (
            "slnsk",
            &["Zelensky", "Зеленский", "زيلينسكي", "Ζελένσκι", "ज़ेलेंस्की"],
        ),
        (
            "btn",
            &["Biden", "Байден", "بايدن", "Μπάιντεν", "बाइडेन", "ביידן"],
        ),
        (
            "ntnk",
            &[
                "Netanyahu",
                "Нетаньяху",
                "نتنياهو",
                "Νετανιάχου",
                "नेतन्याहू",
                "נתניהו",
            ],
        ),
        (
            "abm",
            &["Obama", "Обама", "أوباما", "Ομπάμα", "ओबामा", "אובמה"],
        ),
        ("ark", &["Iraq", "Ирак", "العراق", "Ιράκ", "इराक"]),
        ("kms", &["Hamas", "Хамас", "حماس", "Χαμάς", "हमास"]),
        ("ktlr", &["Hitler", "Гитлер", "هتلر", "Χίτλερ"]),
        ("atl", &["Italia", "Италия", "إيطاليا", "Ιταλία", "इटली"]),
        ("sbrs", &["Tsipras", "Ципрас", "تسيبراس", "Τσίπρας"]),
        ("sbs", &["Chavez", "Чавес", "تشافيز", "Τσάβες"]),
        ("msk", &["Moscow", "موسكو", "Μόσχα", "मॉस्को"]),
        ("ltn", &["London", "Лондон", "لندن", "Λονδίνο", "लंदन"]),
        ("jnsn", &["Джонсон", "جونسون", "Τζόνσον", "जॉनसन"]),
        ("atns", &["Antonis", "Αντώνης"]),
        ("lbrb", &["ﻟﺎﻓﺮﻭﻑ"]), // Arabic presentation forms
    ];

    #[test]
    fn cross_script_keys() {
        for (want, words) in GROUPS {
            let cases: Vec<(&str, Option<String>)> =
                words.iter().map(|w| (*w, some(want))).collect();
            check("name_key", &cases, key);
        }
    }

    /// Known misses, pinned so a change in behaviour is noticed.
    #[test]
    fn known_limitations() {
        // English silent h: "John" keeps h→k, other scripts have no h.
        assert_eq!(key("Johnson"), some("jknsn"));
        // Greek/Russian read "eu" as ev; Latin keeps a vowel.
        assert_eq!(key("Europe"), some("arb"));
        assert_eq!(key("Европа"), some("abrb"));
        // Moscow: Russian nominative has a final -va.
        assert_eq!(key("Москва"), some("mskb"));
        // Rwanda: Russian writes u for w.
        assert_eq!(key("Rwanda"), some("rbt"));
        assert_eq!(key("Руанда"), some("rnt")); // "rt" too short: nasal kept
                                                // Latin "ch" is read as a sibilant (English/Spanish), so German /x/ misses.
        assert_eq!(key("Bach"), None);
    }

    #[test]
    fn different_names_stay_apart() {
        let pairs: &[(&str, &str)] = &[
            ("Putin", "Peskov"),
            ("Putin", "Paris"),
            ("Peskov", "Paris"),
            ("Lavrov", "Lavrentiev"),
            ("Лавров", "Лаврентьев"),
            ("Macron", "Merkel"),
            ("Trump", "Truman"),
            ("Morales", "Moralez"), // collide: fine, checked below
        ];
        for (a, b) in &pairs[..pairs.len() - 1] {
            assert_ne!(key(a), key(b), "{a} vs {b}");
        }
        assert_eq!(key("Morales"), key("Moreles"));
        assert_eq!(key("Morales"), key("Moralez"));
    }

    #[test]
    fn key_basics() {
        check(
            "name_key",
            &[
                ("of", None),
                ("ab", None),
                ("the", None),
                ("", None),
                ("123", None),
                ("٢٠٢٤", None),
                ("東京", None),
                ("!!!", None),
                ("Syria", None), // only two consonants
                ("putin", some("btn")),
                ("PUTIN", some("btn")),
                ("lavrov", some("lbrb")),
                ("Kassel", some("ksl")), // doubles collapse
                ("Shch", None),
                ("Xavier", some("ksbr")),  // x → ks
                ("al-Assad", some("ast")), // Latin article stripped
                ("الأسد", some("ast")),     // Arabic article stripped
                ("Асад", some("ast")),
                ("Ahmed", some("akmt")), // medial h kept (Ахмед, أحمد)
                ("Ахмед", some("akmt")),
                ("أحمد", some("akmt")),
                ("Sarah", None), // final h after vowel dropped → "sr" → too short
                ("Phillips", some("blbs")),
                ("Washington", some("bsnktn")),
            ],
            key,
        );
        // Keys are capped.
        let long = key("bcdfgjklmnpqrstvxzbcdfgjklmnpqrstvxz").unwrap();
        assert!(long.len() <= MAX_KEY);
    }

    #[test]
    fn cyrillic() {
        check(
            "transliterate",
            &[
                ("лавров", "lavrov".to_string()),
                ("ЛАВРОВ", "lavrov".to_string()),
                ("щука", "shchuka".to_string()),
                ("жизнь", "zhizn".to_string()),
                ("объект", "obekt".to_string()),
                ("юлия", "yuliya".to_string()),
                ("хрущёв", "khrushchev".to_string()),
                ("зеленський", "zelenskiy".to_string()),
                ("київ", "kiiv".to_string()),
                ("європа", "yevropa".to_string()),
                ("ґанок", "ganok".to_string()),
                ("вучић", "vuchic".to_string()),
                ("џеј", "dzej".to_string()),
                ("љубљана", "ljubljana".to_string()),
                ("софия", "sofiya".to_string()),
                ("ъгъл", "gl".to_string()),
                ("и\u{306}", "y".to_string()),    // NFD й
                ("е\u{308}ж", "ezh".to_string()), // NFD ё
                ("қазақстан", "kazakstan".to_string()),
            ],
            transliterate,
        );
    }

    #[test]
    fn greek() {
        check(
            "transliterate",
            &[
                ("λαβρόφ", "lavrof".to_string()),
                ("πούτιν", "putin".to_string()),
                ("μπρέξιτ", "brexit".to_string()), // μπ → b at start
                ("ντόναλντ", "donald".to_string()), // ντ → d at start and after a consonant
                ("γκάζι", "gazi".to_string()),     // γκ → g at start
                ("άγγελος", "angelos".to_string()),
                ("λάμπρος", "lambros".to_string()), // medial μπ → mb
                ("αντώνης", "andonis".to_string()),
                ("ουκρανία", "ukrania".to_string()), // ου → u
                ("σοϊγκού", "soingu".to_string()),   // diaeresis breaks οι
                ("κάιρο", "kairo".to_string()),
                ("ευρώπη", "evropi".to_string()), // ευ before voiced → ev
                ("αυτός", "aftos".to_string()),   // αυ before voiceless → af
                ("χαμάς", "khamas".to_string()),
                ("ψυχή", "psikhi".to_string()),
                ("θεσσαλονίκη", "thessaloniki".to_string()),
                ("τσίπρας", "tsipras".to_string()),
                ("τζόνσον", "dzonson".to_string()),
                ("ΑΘΗΝΑ", "athina".to_string()),
                ("Ἀθῆναι", "athinai".to_string()),   // polytonic
                ("α\u{301}λφα", "alfa".to_string()), // NFD tonos
                ("σ", "s".to_string()),
                ("ς", "s".to_string()),
            ],
            transliterate,
        );
    }

    #[test]
    fn arabic() {
        check(
            "transliterate",
            &[
                ("لافروف", "lafruf".to_string()),
                ("بوتين", "butin".to_string()),
                ("مُحَمَّد", "mhmd".to_string()), // harakat + shadda removed
                ("بـــوتـــين", "butin".to_string()), // tatweel removed
                ("مدرسة", "mdrsa".to_string()), // ta marbuta
                ("مصطفى", "mstfa".to_string()), // alef maqsura
                ("أردوغان", "ardughan".to_string()), // hamza on alef
                ("إسرائيل", "israil".to_string()), // hamza below / on ya
                ("مؤتمر", "mutmr".to_string()), // hamza on waw
                ("سماء", "sma".to_string()),  // lone hamza dropped
                ("آسيا", "asya".to_string()),
                ("واشنطن", "washntn".to_string()), // initial و is w
                ("رواندا", "rwanda".to_string()),  // و before alef is w
                ("أوروبا", "uruba".to_string()),   // أو = long u
                ("عمان", "aman".to_string()),      // initial ع
                ("العراق", "alraq".to_string()),   // article kept in transliteration
                ("پاکستان", "pakstan".to_string()), // Persian letters
                ("گرجستان", "grjstan".to_string()),
                ("چین", "chin".to_string()),
                ("ژاپن", "zhapn".to_string()),
                ("ٹرمپ", "trmp".to_string()), // Urdu
                ("٢٠٢٤", "2024".to_string()),
                ("۱۴۰۳", "1403".to_string()),
                ("ﻟﺎﻓﺮﻭﻑ", "lafruf".to_string()), // presentation forms
                ("؟", "?".to_string()),
            ],
            transliterate,
        );
        // Article: stripped for the key only when ≥3 letters remain.
        check(
            "name_key",
            &[
                ("العراق", some("ark")),
                ("الأسد", some("ast")),
                ("اَلْعِرَاق", some("ark")), // with harakat
                ("الهند", some("knt")),
                ("الله", None), // only 2 letters after ال: kept; key "al" too short
                ("عبدالله", some("abtl")),
                ("Abdullah", some("abtl")),
                ("Абдулла", some("abtl")),
                ("India", some("ant")), // nasal kept when the key would be short
                ("Ινδία", some("ant")),
            ],
            key,
        );
        // Only 2 letters after ال: not stripped.
        assert_eq!(name_key("البن"), some("albn"));
    }

    #[test]
    fn hebrew() {
        check(
            "transliterate",
            &[
                ("לברוב", "lbrob".to_string()),
                ("פוטין", "potin".to_string()),
                ("טראמפ", "tramp".to_string()),
                ("אובמה", "obma".to_string()),
                ("ביידן", "bydn".to_string()),
                ("ישראל", "yshral".to_string()),
                ("וושינגטון", "vshington".to_string()),
                ("ג׳ונסון", "jonson".to_string()),  // geresh
                ("צ'רצ'יל", "chrchil".to_string()), // apostrophe as geresh
                ("שָׁלוֹם", "shlom".to_string()),      // niqqud removed
                ("עמוס", "amos".to_string()),
            ],
            transliterate,
        );
    }

    #[test]
    fn devanagari() {
        check(
            "transliterate",
            &[
                ("लावरोव", "lavrov".to_string()), // medial + final schwa deletion
                ("पुतिन", "putin".to_string()),
                ("ट्रम्प", "tramp".to_string()), // virama
                ("ट्रंप", "tramp".to_string()),  // anusvara before labial → m
                ("संत", "sant".to_string()),    // anusvara → n
                ("कमल", "kamal".to_string()),
                ("समझना", "samajhna".to_string()),
                ("भारत", "bharat".to_string()),
                ("मित्र", "mitra".to_string()), // final schwa kept after cluster+r
                ("नरेंद्र", "narendra".to_string()),
                ("न", "na".to_string()),
                ("ज़ेलेंस्की", "zelenski".to_string()), // nukta (decomposed)
                ("\u{095B}ेलेंस्की", "zelenski".to_string()), // nukta (precomposed)
                ("फ़्रांस", "frans".to_string()),
                ("ऑस्ट्रेलिया", "ostreliya".to_string()),
                ("दुःख", "duhkh".to_string()), // visarga
                ("२०२४", "2024".to_string()),
                ("मराठी", "marathi".to_string()),
                ("ॐ", "om".to_string()),
            ],
            transliterate,
        );
    }

    #[test]
    fn armenian_georgian() {
        check(
            "transliterate",
            &[
                ("պուտին", "putin".to_string()),
                ("Պուտին", "putin".to_string()),
                ("երևան", "yerevan".to_string()),
                ("լավրով", "lavrov".to_string()),
                ("ոսկի", "voski".to_string()),
                ("პუტინი", "putini".to_string()),
                ("თბილისი", "tbilisi".to_string()),
                ("საქართველო", "sakartvelo".to_string()),
                ("ᲗᲑᲘᲚᲘᲡᲘ", "tbilisi".to_string()), // Mtavruli
            ],
            transliterate,
        );
    }

    #[test]
    fn latin_digits_passthrough() {
        check(
            "transliterate",
            &[
                ("erdoğan", "erdogan".to_string()),
                ("straße", "strasse".to_string()),
                ("søren", "soren".to_string()),
                ("ıstanbul", "istanbul".to_string()),
                ("şişli", "sisli".to_string()),
                ("çelik", "celik".to_string()),
                ("łódź", "lodz".to_string()),
                ("ærø", "aero".to_string()),
                ("ångström", "angstrom".to_string()),
                ("þór", "thor".to_string()),
                ("guðrún", "gudrun".to_string()),
                ("œuvre", "oeuvre".to_string()),
                ("nguyễn", "nguyen".to_string()),
                ("đà", "da".to_string()),
                ("ﬁne", "fine".to_string()),
                ("ＡＢＣ１２", "abc12".to_string()),
                ("e\u{301}te\u{301}", "ete".to_string()), // NFD
                ("Müller", "muller".to_string()),
                ("co\u{ad}op", "coop".to_string()), // soft hyphen
                ("g20", "g20".to_string()),
                ("東京2020", "東京2020".to_string()),
                ("กรุงเทพ", "กรุงเทพ".to_string()),
                ("서울", "서울".to_string()),
                ("๒๕๖๗", "2567".to_string()), // Thai digits
                ("×", "×".to_string()),
            ],
            transliterate,
        );
    }

    #[test]
    fn scripts() {
        check(
            "script_of",
            &[
                ("lavrov", Script::Latin),
                ("erdoğan", Script::Latin),
                ("лавров", Script::Cyrillic),
                ("λαβρόφ", Script::Greek),
                ("Ἀθῆναι", Script::Greek),
                ("لافروف", Script::Arabic),
                ("پاکستان", Script::Arabic),
                ("לברוב", Script::Hebrew),
                ("लावरोव", Script::Devanagari),
                ("東京", Script::Han),
                ("カタカナ", Script::Kana),
                ("ひらがな", Script::Kana),
                ("서울", Script::Hangul),
                ("กรุงเทพ", Script::Thai),
                ("երևան", Script::Armenian),
                ("თბილისი", Script::Georgian),
                ("g20", Script::Latin),
                ("2024", Script::Other),
                ("", Script::Other),
                ("ⴰⵎⴰⵣⵉⵖ", Script::Other),    // Tifinagh
                ("путинa", Script::Cyrillic), // mixed: majority wins
            ],
            script_of,
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_any_string(s in any::<String>()) {
            let _ = transliterate(&s);
            let _ = script_of(&s);
            if let Some(k) = name_key(&s) {
                prop_assert!(k.bytes().all(|b| b.is_ascii_lowercase()), "{k:?}");
                prop_assert!(k.len() >= MIN_KEY && k.len() <= MAX_KEY);
            }
        }

        #[test]
        fn never_panics_script_soup(
            v in proptest::collection::vec(
                prop_oneof![
                    0x0000u32..0x0250, 0x0300u32..0x0370, 0x0370u32..0x0400, 0x0400u32..0x0530,
                    0x0530u32..0x0600, 0x0590u32..0x0600, 0x0600u32..0x0700, 0x0900u32..0x0980,
                    0x10A0u32..0x1100, 0x1C90u32..0x1CC0, 0x1F00u32..0x2000, 0x200Bu32..0x2010,
                    0xFB00u32..0xFF00, 0xFF00u32..0xFFF0, 0x1D400u32..0x1D800,
                ],
                0..24,
            )
        ) {
            let s: String = v.into_iter().filter_map(char::from_u32).collect();
            let _ = transliterate(&s);
            let _ = script_of(&s);
            if let Some(k) = name_key(&s) {
                prop_assert!(k.bytes().all(|b| b.is_ascii_lowercase()), "{k:?}");
            }
        }

        #[test]
        fn latin_ascii_is_identity_lowercase(s in "[a-zA-Z0-9]{0,20}") {
            prop_assert_eq!(transliterate(&s), s.to_ascii_lowercase());
        }
    }
}
