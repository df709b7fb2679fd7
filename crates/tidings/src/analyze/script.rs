//! Which script a character or a word is written in, and the one table of decimal
//! digits of every script. The tokenizer, transliteration, name keys and the
//! language profiles all read scripts from here.

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

impl Script {
    /// Has upper- and lowercase letters.
    pub fn is_cased(self) -> bool {
        matches!(
            self,
            Script::Latin | Script::Cyrillic | Script::Greek | Script::Armenian
        )
    }
}

pub(crate) const SCRIPTS: [Script; 13] = [
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
pub(crate) fn char_script(c: char) -> Option<Script> {
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

/// Value of a decimal digit of any (common) script.
pub fn digit_value(c: char) -> Option<u32> {
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

/// Han, Kana and Hangul words: they can be one character long.
pub fn is_ideographic(word: &str) -> bool {
    matches!(script_of(word), Script::Han | Script::Kana | Script::Hangul)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

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
}
