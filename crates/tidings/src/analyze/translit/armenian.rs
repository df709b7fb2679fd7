//! Armenian.

use super::*;

pub(crate) fn armenian_simple(c: char) -> Option<&'static str> {
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

pub(crate) fn armenian(word: &str, i: usize, c: char, out: &mut String) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

    #[test]
    fn armenian() {
        check(
            "transliterate",
            &[
                ("պուտին", "putin".to_string()),
                ("Պուտին", "putin".to_string()),
                ("երևան", "yerevan".to_string()),
                ("լավրով", "lavrov".to_string()),
                ("ոսկի", "voski".to_string()),
            ],
            transliterate,
        );
    }
}
