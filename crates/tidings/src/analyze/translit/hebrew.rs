//! Hebrew (niqqud dropped, geresh read).

use super::*;

/// Niqqud and cantillation marks: removed.
#[inline]
pub(crate) fn is_hebrew_mark(c: char) -> bool {
    matches!(
        c as u32,
        0x0591..=0x05BD | 0x05BF | 0x05C1 | 0x05C2 | 0x05C4 | 0x05C5 | 0x05C7
    ) || is_invisible(c)
}

/// Marks plus geresh/apostrophe: skipped when looking back for context.
#[inline]
pub(crate) fn is_hebrew_skip(c: char) -> bool {
    is_hebrew_mark(c) || matches!(c, '\u{05F3}' | '\'' | '’')
}

#[inline]
pub(crate) fn is_hebrew_letter(c: char) -> bool {
    matches!(c as u32, 0x05D0..=0x05EA | 0x05EF..=0x05F2)
}

pub(crate) fn hebrew_simple(c: char) -> Option<&'static str> {
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

pub(crate) fn hebrew(word: &str, i: usize, c: char, out: &mut String) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

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
}
