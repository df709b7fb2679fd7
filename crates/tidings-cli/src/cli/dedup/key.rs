//! The key of a text at `--level exact`: its normalized form hashed, fast.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The key of a text at `--level exact`: the 128-bit xxh3 hash of its normalized
/// form, so that copies differing only in case, spacing or Unicode composition
/// share it. Normalized: runs of white space (Unicode's `White_Space`) become one
/// space, none at either end; each character lowercased by Unicode's default
/// mapping (no locale: `İ` is `i̇`); then composed (NFC). 128 bits, so that two
/// different texts sharing a key (and one of them dropped) is out of reach even
/// for billions of documents. `buf` is scratch space.
pub fn exact_key(text: &str, buf: &mut String) -> u128 {
    buf.clear();
    let bytes = text.as_bytes();
    // `text[run..i]` is text that stays as it is, not yet copied: copied at once
    // when a character that changes ends it, not character by character.
    let (mut i, mut run, mut gap, mut compose) = (0, 0, false, false);
    // Eight bytes at a time are tried again only past where they last failed.
    let mut words_from = 0;
    while i < bytes.len() {
        if i > run && i >= words_from {
            while let Some(word) = bytes.get(i..i + 8) {
                if !plain_ascii(u64::from_le_bytes(word.try_into().unwrap_or_default())) {
                    words_from = i + 8;
                    break;
                }
                i += 8;
            }
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        let (len, lower) = match ASCII_CLASS[usize::from(b)] {
            KEEP => {
                i += 1;
                continue;
            }
            // One space between two words stays in the run.
            SPACE
                if b == b' '
                    && i > run
                    && text[i + 1..]
                        .chars()
                        .next()
                        .is_some_and(|c| !is_white_space(c)) =>
            {
                i += 1;
                continue;
            }
            SPACE => (1, None),
            UPPER => (1, Some(char::from(b))),
            _ => {
                // `i` is on a character boundary: everything before it was ASCII
                // or whole characters.
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                if caseless(c) {
                    // Caseless and no white space: it stays.
                    compose |= !composed(c);
                    i += c.len_utf8();
                    continue;
                } else if is_white_space(c) {
                    (c.len_utf8(), None)
                } else if changes_when_lowercased(c) {
                    (c.len_utf8(), Some(c))
                } else {
                    compose |= !composed(c);
                    i += c.len_utf8();
                    continue;
                }
            }
        };
        if i > run {
            if gap {
                buf.push(' ');
                gap = false;
            }
            buf.push_str(&text[run..i]);
        }
        match lower {
            None => gap = !buf.is_empty(),
            Some(c) => {
                if gap {
                    buf.push(' ');
                    gap = false;
                }
                for l in c.to_lowercase() {
                    buf.push(l);
                    compose |= !composed(l);
                }
            }
        }
        i += len;
        run = i;
    }
    if run < bytes.len() {
        if gap {
            buf.push(' ');
        }
        buf.push_str(&text[run..]);
    }
    // Lowercased first, then composed: a capital with a combining accent
    // (`E` U+0301) composes to the same `é` as a precomposed `É` lowercased.
    if compose && is_nfc_quick(buf.chars()) != IsNormalized::Yes {
        *buf = buf.nfc().collect();
    }
    twox_hash::XxHash3_128::oneshot(buf.as_bytes())
}

/// True when the eight bytes of `w` (the next ones of a run, after a character
/// that stays) stay as they are: printable ASCII but capitals, with spaces only
/// between two other bytes of it. May say false when they would stay (the byte
/// loop then looks), never true when they would not.
fn plain_ascii(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The bit tricks of "Bit Twiddling Hacks" (Sean Eron Anderson): a byte below
    // n (exact), a byte between m and n (m < b < n; may also report b = n).
    let has_less = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let may_have_between = |x: u64, m: u64, n: u64| {
        (ONES * (127 + n)).wrapping_sub(x & (ONES * 127))
            & !x
            & ((x & (ONES * 127)) + ONES * (127 - m))
            & HIGH
            != 0
    };
    if w & HIGH != 0 || has_less(w, 0x20) || may_have_between(w, b'A' as u64 - 1, b'Z' as u64 + 1) {
        return false;
    }
    // The spaces (and perhaps a `!` after one): none last, none two in a row.
    let x = w ^ (ONES * 0x20);
    let spaces = x.wrapping_sub(ONES) & !x & HIGH;
    spaces & (spaces >> 8) == 0 && spaces >> 56 == 0
}

/// What [`exact_key`] does with each byte: keeps it, lowercases it, takes it for
/// white space (`char::is_whitespace` on ASCII: tab, LF, VT, FF, CR, space), or
/// reads the character it starts (any byte from 0x80).
const ASCII_CLASS: [u8; 256] = {
    let mut t = [KEEP; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'\t'..=b'\r' | b' ' => SPACE,
            b'A'..=b'Z' => UPPER,
            0x80..=0xFF => OTHER,
            _ => KEEP,
        };
        b += 1;
    }
    t
};
const KEEP: u8 = 0;
const SPACE: u8 = 1;
const UPPER: u8 = 2;
const OTHER: u8 = 3;

/// `char::is_whitespace` (Unicode's `White_Space`), spelt out: the same answer
/// (a test checks every character) without a table lookup per character.
fn is_white_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Whether lowercasing changes `c`: the uppercase and titlecase letters (a test
/// checks every character), told by a bitset lookup rather than the search of
/// the lowercase table that `char::to_lowercase` makes.
fn changes_when_lowercased(c: char) -> bool {
    c.is_uppercase()
        || matches!(
            c,
            '\u{1c5}'
                | '\u{1c8}'
                | '\u{1cb}'
                | '\u{1f2}'
                | '\u{1f88}'..='\u{1f8f}'
                | '\u{1f98}'..='\u{1f9f}'
                | '\u{1fa8}'..='\u{1faf}'
                | '\u{1fbc}'
                | '\u{1fcc}'
                | '\u{1ffc}'
        )
}

/// True for characters that a text is composed (NFC) around whatever stands
/// beside them: composed themselves and combining with nothing before them
/// (Latin up to U+02FF, the Cyrillic, Hebrew and Arabic letters, kana, CJK
/// ideographs, Hangul syllables; a test checks each one). A text of only these
/// needs no NFC check.
fn composed(c: char) -> bool {
    matches!(
        u32::from(c),
        0..=0x2FF
            | 0x0386
            | 0x0388..=0x03FF
            | 0x0400..=0x0482
            | 0x048A..=0x052F
            | 0x0531..=0x0556
            | 0x0561..=0x0587
            | 0x05D0..=0x05EA
            | 0x0621..=0x064A
            | 0x0660..=0x066F
            | 0x0671..=0x06D3
            | 0x0904..=0x093B
            | 0x093D..=0x094C
            | 0x0950
            | 0x0966..=0x096F
            | 0x0E01..=0x0E30
            | 0x0E32..=0x0E33
            | 0x0E3F..=0x0E46
            | 0x0E4F..=0x0E5B
            | 0x2010..=0x2027
            | 0x2030..=0x205E
            | 0x3001..=0x3029
            | 0x3030..=0x303F
            | 0x3041..=0x3096
            | 0x309B..=0x30FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xFF01..=0xFFEE
            | 0x1F000..=0x1FAFF
    )
}

/// True for the characters of blocks that have no case (Hebrew to Myanmar, Hangul
/// Jamo to Ethiopic, Canadian syllabics to Ol Chiki, CJK, Hangul syllables), which
/// lowercasing leaves as they are, white space left out (a test checks every
/// one): most of the text of those languages needs no other look.
fn caseless(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0590..=0x109F
            | 0x1100..=0x139F
            | 0x1400..=0x167F
            | 0x1681..=0x1C7F
            | 0x3001..=0x9FFF
            | 0xAC00..=0xD7AF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> u128 {
        exact_key(text, &mut String::new())
    }

    /// (a, b, same key?): case, white space and composition do not count; words,
    /// punctuation and letters do.
    #[test]
    fn exact_keys_ignore_case_spacing_and_composition() {
        let cases = [
            ("Hello World", "hello world", true),
            ("  Hello\t\n World \r\n", "hello world", true),
            ("Hello\u{a0}\u{3000}World", "hello world", true),
            ("Café", "cafe\u{301}", true),
            ("CAFÉ", "café", true),
            ("ΟΔΟΣ", "οδοσ", true),
            ("İstanbul", "i\u{307}stanbul", true),
            ("Straße", "strasse", false),
            ("Hello World", "Hello, World", false),
            ("Hello World", "HelloWorld", false),
            ("北京 会谈", "北京会谈", false),
            ("", "   ", true),
            // Eight plain bytes at a time, after a composed accent and before a
            // run of spaces (a case the property test found in a broken version).
            ("É,AAAAAA   b", "e\u{301},aaaaaa b", true),
            (
                "the council  met on monday",
                "the council met on monday",
                true,
            ),
        ];
        for (a, b, same) in cases {
            assert_eq!(key(a) == key(b), same, "{a:?} vs {b:?}");
        }
    }

    /// The normalization spelt out plainly, for the fast one to match.
    fn reference_key(text: &str) -> u128 {
        let words: Vec<String> = text
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().flat_map(char::to_lowercase).collect())
            .collect();
        let normalized: String = words.join(" ").nfc().collect();
        twox_hash::XxHash3_128::oneshot(normalized.as_bytes())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Any mix of words, capitals, runs of every kind of white space,
        /// accents precomposed or combining, case pairs beyond ASCII, scripts
        /// without case: the fast key is the plain one.
        #[test]
        fn exact_key_is_the_plain_normalization(
            text in "([a-z]{1,9}|[A-Z]{1,3}|[ ]{1,3}|[\t\n\r\u{b}\u{c}]|[\u{85}\u{a0}\u{2000}\u{3000}]|[.,!\\\"0-9]|[éÉΣσςİıДдǅẞß]|e\u{301}|[\u{301}\u{327}\u{93f}]|[北京가ힹאبअआ]|\u{1f600}){0,40}",
        ) {
            proptest::prop_assert_eq!(exact_key(&text, &mut String::new()), reference_key(&text), "{:?}", text);
        }
    }

    /// The shortcuts in `exact_key` answer as the standard library does, for
    /// every character.
    #[test]
    fn white_space_and_caseless_blocks_agree_with_std() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_white_space(c), c.is_whitespace(), "{c:?}");
            if caseless(c) {
                assert!(c.to_lowercase().eq([c]), "{c:?} has a lowercase");
                assert!(!c.is_whitespace(), "{c:?} is white space");
            }
            // Uppercase letters without a lowercase (`ϒ`) are only looked up.
            assert!(
                changes_when_lowercased(c) || c.to_lowercase().eq([c]),
                "{c:?}"
            );
            if composed(c) {
                use unicode_normalization::char::canonical_combining_class;
                assert!(
                    is_nfc_quick([c].into_iter()) == IsNormalized::Yes
                        && canonical_combining_class(c) == 0,
                    "{c:?} is no composed starter"
                );
            }
        }
    }
}
