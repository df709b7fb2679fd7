//! Transliteration to Latin, one module per script: the evidence that
//! [`crate::analyze::name_key`] turns into a key that survives script changes.
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

mod arabic;
mod armenian;
mod cyrillic;
mod devanagari;
mod georgian;
mod greek;
mod hebrew;

use crate::analyze::script::digit_value;
use arabic::{arabic, arabic_simple};
pub(crate) use arabic::{is_arabic_letter, is_arabic_mark};
use armenian::{armenian, armenian_simple};
use cyrillic::cyrillic;
use devanagari::devanagari_run;
use georgian::georgian;
use greek::{greek, greek_base, greek_simple};
use hebrew::{hebrew, hebrew_simple};
use unicode_normalization::char::{decompose_canonical, decompose_compatible};

// ---------------------------------------------------------------------------
// Small helpers shared by the scripts
// ---------------------------------------------------------------------------

#[inline]
pub(crate) fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

#[inline]
pub(crate) fn lower(c: char) -> char {
    if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Generic combining marks (Latin/Greek/Cyrillic diacritics in NFD input).
#[inline]
pub(crate) fn is_generic_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Invisible format characters that should vanish from a word.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0x034F | 0x180E)
}

/// Previous character before byte offset `i`, skipping combining marks
/// according to `skip`.
#[inline]
pub(crate) fn prev_char(s: &str, i: usize, skip: fn(char) -> bool) -> Option<char> {
    s.get(..i)?.chars().rev().find(|&c| !skip(c))
}

/// Next character at or after byte offset `i`, skipping marks per `skip`.
#[inline]
pub(crate) fn next_char(s: &str, i: usize, skip: fn(char) -> bool) -> Option<char> {
    s.get(i..)?.chars().find(|&c| !skip(c))
}

#[inline]
pub(crate) fn push_digit(d: u32, out: &mut String) {
    out.push((b'0' + d as u8) as char);
}

/// Previous non-skipped character before byte `i`, with its byte offset.
#[inline]
pub(crate) fn prev_pos(s: &str, i: usize, skip: fn(char) -> bool) -> Option<(usize, char)> {
    s.get(..i)?.char_indices().rev().find(|&(_, c)| !skip(c))
}

/// Next non-skipped character at or after byte `i`, with its byte offset.
#[inline]
pub(crate) fn next_pos(s: &str, i: usize, skip: fn(char) -> bool) -> Option<(usize, char)> {
    let t = s.get(i..)?;
    t.char_indices()
        .find(|&(_, c)| !skip(c))
        .map(|(k, c)| (i + k, c))
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
            0xAC00..=0xD7A3 => {
                hangul_syllable(prev_char(word, i, |_| false), c, out);
                next
            }
            _ if is_anusvara(c) => {
                anusvara(char_at(word, next), out);
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
        _ if is_any_ascii_script(cp) => any_ascii_into(c, out),
        _ => out.push(c),
    }
}

/// Scripts without a transliterator of our own whose characters any_ascii romanizes
/// one by one: Thaana, the Indic scripts from Bengali to Sinhala, Thai, Lao, Tibetan,
/// Myanmar, Ethiopic, Khmer and Hangul. Read character by character an abugida keeps
/// its inherent vowels (ગ → "g", ક → "k" but વોરન → "vorn"), which name keys drop
/// anyway: what they need is the consonants. Han and Kana are left alone: their
/// romanization (pinyin, kana readings) does not spell foreign names the Latin way.
fn is_any_ascii_script(cp: u32) -> bool {
    matches!(cp,
        0x0780..=0x07BF // Thaana
        | 0x0980..=0x0DFF // Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala
        | 0x0E00..=0x0FFF // Thai, Lao, Tibetan
        | 0x1000..=0x109F // Myanmar
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x1200..=0x139F // Ethiopic
        | 0x1780..=0x17FF // Khmer
        | 0x2D80..=0x2DDF // Ethiopic Extended
        | 0x3130..=0x318F // Hangul Compatibility Jamo
        | 0xAC00..=0xD7AF // Hangul syllables
    )
}

/// The anusvara of the Indic scripts after Devanagari (ં, ಂ, ం …), at the same
/// place in each block.
fn is_anusvara(c: char) -> bool {
    matches!(c as u32, 0x0980..=0x0DFF) && (c as u32) & 0x7F == 0x02
}

/// An anusvara is the nasal of the stop after it: "m" before a labial (Trump,
/// ട്രംപ്), else "n" (London, લંડન), where any_ascii always writes "m".
fn anusvara(next: Option<char>, out: &mut String) {
    // The first letter of the next character's romanization, as `any_ascii_into`
    // would write it, without building that string.
    let first = next.and_then(|n| {
        any_ascii::any_ascii_char(n)
            .chars()
            .find(char::is_ascii_alphanumeric)
    });
    let labial = first.is_some_and(|c| matches!(c.to_ascii_lowercase(), 'p' | 'b' | 'm'));
    out.push(if labial { 'm' } else { 'n' });
}

/// A Hangul syllable by any_ascii, except that an initial ㄹ after a syllable that
/// does not end in ㄹ is "r": Korean writes a foreign r as one ㄹ (트럼프 Trump,
/// 워렌 Warren, 파리 Paris) and an l between vowels as two (댈러스 Dallas, 힐러리
/// Hillary); a word-initial ㄹ stays "l" (런던 London).
fn hangul_syllable(prev: Option<char>, c: char, out: &mut String) {
    const FINALS: u32 = 28;
    const SYLLABLES_PER_INITIAL: u32 = 21 * FINALS;
    const RIEUL_INITIAL: u32 = 5;
    const RIEUL_FINAL: u32 = 8;
    let index = |c: char| (c as u32).wrapping_sub(0xAC00);
    let start = out.len();
    any_ascii_into(c, out);
    let after_open_syllable = prev
        .filter(|p| matches!(*p as u32, 0xAC00..=0xD7A3))
        .is_some_and(|p| index(p) % FINALS != RIEUL_FINAL);
    if index(c) / SYLLABLES_PER_INITIAL == RIEUL_INITIAL
        && after_open_syllable
        && out[start..].starts_with('l')
    {
        out.replace_range(start..start + 1, "r");
    }
}

/// any_ascii's romanization of `c`, lowercased, letters and digits only.
fn any_ascii_into(c: char, out: &mut String) {
    out.extend(
        any_ascii::any_ascii_char(c)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|a| a.to_ascii_lowercase()),
    );
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

/// Runs `f` over a table of (input, expected) cases and reports every failure.
#[cfg(test)]
pub(crate) fn check<T: PartialEq + std::fmt::Debug>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{name_key, script_of};
    use proptest::prelude::*;

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
                // any_ascii, one character at a time.
                ("กรุงเทพ", "krungethph".to_string()),
                ("서울", "seoul".to_string()),
                ("๒๕๖๗", "2567".to_string()), // Thai digits
                ("×", "×".to_string()),
            ],
            transliterate,
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
                prop_assert!(k.len() >= crate::analyze::name_key::MIN_KEY && k.len() <= crate::analyze::name_key::MAX_KEY);
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
