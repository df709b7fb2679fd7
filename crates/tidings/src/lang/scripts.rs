//! whatlang's `detect_script`, answered as whatlang answers it, with one range
//! lookup per character instead of a call through up to 25 function pointers.
//!
//! whatlang checks a character against its scripts in a running order: the script
//! found moves one place towards the front, and its counters are then sorted by
//! falling count with an unstable sort, the first one winning. Ties are decided by
//! that order, so it is kept here as whatlang keeps it. The ranges are whatlang
//! 0.18's (`scripts/chars.rs`); the tests compare the answers with whatlang's.

use std::cmp::Reverse;
use whatlang::Script;

/// whatlang's scripts, in its starting order.
const SCRIPTS: [Script; 25] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Arabic,
    Script::Mandarin,
    Script::Devanagari,
    Script::Hebrew,
    Script::Ethiopic,
    Script::Georgian,
    Script::Bengali,
    Script::Hangul,
    Script::Hiragana,
    Script::Katakana,
    Script::Greek,
    Script::Kannada,
    Script::Tamil,
    Script::Thai,
    Script::Gujarati,
    Script::Gurmukhi,
    Script::Telugu,
    Script::Malayalam,
    Script::Oriya,
    Script::Myanmar,
    Script::Sinhala,
    Script::Khmer,
    Script::Armenian,
];

const LATIN: u8 = 0;
const CYRILLIC: u8 = 1;

/// What a character is to whatlang's script counters.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Found {
    /// In none of the scripts.
    None,
    /// In one script (an index into [`SCRIPTS`]).
    One(u8),
    /// In Latin and Cyrillic alike (U+1D2B, U+1D78: whatlang's Latin range
    /// 1D00–1D7F holds two of its Cyrillic letters); the one checked first counts.
    LatinOrCyrillic,
}

/// whatlang's `is_stop_char`: ASCII punctuation, digits, space and control characters.
pub(super) fn is_stop_char(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{0040}' | '\u{005B}'..='\u{0060}' | '\u{007B}'..='\u{007E}')
}

/// The scripts whose whatlang ranges hold `c`, for a character whatlang counts
/// (not a stop character: every one is ASCII and in no script, so `None` for them
/// too).
fn found(c: char) -> Found {
    // An ASCII character is a Latin letter or in no script (a stop character, or
    // DEL): two tests where the stop test and the ranges took a dozen, for nearly
    // every character of a text in a Latin script.
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            Found::One(LATIN)
        } else {
            Found::None
        };
    }
    let s = match c as u32 {
        0x1D2B | 0x1D78 => return Found::LatinOrCyrillic,
        0x80..=0x2AF
        | 0x1D00..=0x1DBF
        | 0x1E00..=0x1EFF
        | 0x2100..=0x214F
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF
        | 0xAB30..=0xAB6F => LATIN,
        0x0400..=0x0484 | 0x0487..=0x052F | 0x2DE0..=0x2DFF | 0xA640..=0xA69D | 0xA69F => CYRILLIC,
        0x0600..=0x06FF
        | 0x0750..=0x07FF
        | 0x08A0..=0x08FF
        | 0xFB50..=0xFDFF
        | 0xFE70..=0xFEFF
        | 0x10E60..=0x10E7F
        | 0x1EE00..=0x1EEFF => 2,
        0x2E80..=0x2E99
        | 0x2E9B..=0x2EF3
        | 0x2F00..=0x2FD5
        | 0x3005
        | 0x3007
        | 0x3021..=0x3029
        | 0x3038..=0x303B
        | 0x3400..=0x4DB5
        | 0x4E00..=0x9FCC
        | 0xF900..=0xFA6D
        | 0xFA70..=0xFAD9 => 3,
        0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF => 4,
        0x0590..=0x05FF => 5,
        0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F => 6,
        0x10A0..=0x10FF => 7,
        0x0980..=0x09FF => 8,
        0xAC00..=0xD7AF
        | 0x1100..=0x11FF
        | 0x3130..=0x318F
        | 0x3200..=0x32FF
        | 0xA960..=0xA97F
        | 0xD7B0..=0xD7FF
        | 0xFF00..=0xFFEF => 9,
        0x3040..=0x309F => 10,
        0x30A0..=0x30FF => 11,
        0x0370..=0x03FF => 12,
        0x0C80..=0x0CFF => 13,
        0x0B80..=0x0BFF => 14,
        0x0E00..=0x0E7F => 15,
        0x0A80..=0x0AFF => 16,
        0x0A00..=0x0A7F => 17,
        0x0C00..=0x0C7F => 18,
        0x0D00..=0x0D7F => 19,
        0x0B00..=0x0B7F => 20,
        0x1000..=0x109F => 21,
        0x0D80..=0x0DFF => 22,
        0x1780..=0x17FF | 0x19E0..=0x19FF => 23,
        0x0530..=0x058F | 0xFB13..=0xFB17 => 24,
        _ => return Found::None,
    };
    Found::One(s)
}

/// `whatlang::detect_script(text)`.
pub(super) fn detect_script(text: &str) -> Option<Script> {
    // order[i]: the script checked i-th; at[s]: where script s is checked.
    let mut order: [u8; SCRIPTS.len()] = std::array::from_fn(|i| i as u8);
    let mut at = order;
    let mut counts = [0usize; SCRIPTS.len()];
    for c in text.chars() {
        // A stop character is found in no script: skipped below, as whatlang skips it.
        let s = match found(c) {
            Found::None => continue,
            Found::One(s) => s,
            Found::LatinOrCyrillic if at[usize::from(LATIN)] < at[usize::from(CYRILLIC)] => LATIN,
            Found::LatinOrCyrillic => CYRILLIC,
        };
        counts[usize::from(s)] += 1;
        let i = usize::from(at[usize::from(s)]);
        if i > 0 {
            let before = order[i - 1];
            order.swap(i - 1, i);
            at[usize::from(s)] = (i - 1) as u8;
            at[usize::from(before)] = i as u8;
        }
    }
    // whatlang's own ending: its counters in their running order, sorted by falling
    // count with the same unstable sort, the first one if it counted anything.
    let mut counters: Vec<(Script, usize)> = order
        .iter()
        .map(|&s| (SCRIPTS[usize::from(s)], counts[usize::from(s)]))
        .collect();
    counters.sort_unstable_by_key(|(_, count)| Reverse(*count));
    let (script, count) = counters[0];
    (count > 0).then_some(script)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(text: &str) {
        assert_eq!(
            detect_script(text),
            whatlang::detect_script(text),
            "{text:?}"
        );
    }

    /// Every character whatlang's ranges reach, and their edges, is found where
    /// whatlang finds it: each alone, and each after text of each script (which
    /// reorders whatlang's checks).
    #[test]
    fn each_character_as_whatlang() {
        let leads = ["", "abc ", "абв ", "ᴫᴫ ", "ᵸ abc", "日本 ", "ㄱ ", "αβγ "];
        for c in (0u32..0x20000).filter_map(char::from_u32) {
            for lead in leads {
                check(&format!("{lead}{c}"));
            }
        }
    }

    /// The project's corpora, as language identification reads them.
    #[test]
    fn corpora_as_whatlang() {
        let texts = super::super::corpus_texts();
        for text in &texts {
            check(crate::lang::prefix(text, 1200));
        }
        assert!(!texts.is_empty());
    }

    /// Mixed scripts in equal measure, where ties are decided by whatlang's running
    /// order and its sort.
    const MIXED: &str = "([a-zé]{1,3}|[а-я]{1,3}|[ء-ي]{1,3}|[一-鿿]{1,2}|[α-ω]{1,3}|[ぁ-ゟ]{1,2}|[ァ-ヿ]{1,2}\
                         |[가-힣]{1,2}|[ᴀ-ᵿ]{1,2}|[\u{1D2B}\u{1D78}]|[ก-๛]{1,2}|[ա-ֆ]{1,2}|[ 0-9.,]{1,2}){0,40}";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn mixed_scripts_as_whatlang(text in MIXED) {
            check(&text);
        }

        #[test]
        fn any_string_as_whatlang(text in "\\PC{0,80}") {
            check(&text);
        }
    }
}
