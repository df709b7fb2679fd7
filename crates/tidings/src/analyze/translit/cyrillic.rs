//! Cyrillic: Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian and common Central Asian letters.

use super::*;

pub(crate) fn cyrillic(word: &str, i: usize, c: char, out: &mut String) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

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
}
