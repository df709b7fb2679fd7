//! Modern Greek (tonos, dialytika; polytonic via decomposition).

use super::*;

/// Lowercase base letter of a Greek character, plus (dialytika, tonos) flags.
pub(crate) fn greek_base(c: char) -> (char, bool, bool) {
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
pub(crate) fn greek_at(word: &str, i: usize) -> Option<(char, bool, bool, usize)> {
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
pub(crate) fn is_greek_cons(b: char) -> bool {
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
pub(crate) fn is_greek_voiceless(b: char) -> bool {
    matches!(b, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'τ' | 'φ' | 'χ' | 'ψ')
}

pub(crate) fn greek_simple(b: char) -> Option<&'static str> {
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

pub(crate) fn greek(word: &str, i: usize, out: &mut String) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

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
}
