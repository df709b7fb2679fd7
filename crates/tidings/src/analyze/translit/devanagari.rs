//! Devanagari (Hindi, Marathi, Nepali), with schwa deletion.

use super::*;

pub(crate) const VIRAMA: char = '\u{094D}';
pub(crate) const NUKTA: char = '\u{093C}';

#[inline]
pub(crate) fn is_deva(c: char) -> bool {
    matches!(c as u32, 0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x200C | 0x200D)
}

pub(crate) fn deva_cons(c: char) -> Option<&'static str> {
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
pub(crate) fn deva_nukta(c: char) -> Option<&'static str> {
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

pub(crate) fn deva_vowel(c: char) -> Option<&'static str> {
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

pub(crate) fn deva_matra(c: char) -> Option<&'static str> {
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
pub(crate) fn is_deva_nasal_or_visarga(c: char) -> bool {
    matches!(c, 'ँ' | 'ं' | 'ः' | 'ऀ')
}

// Segment kinds for schwa deletion.
pub(crate) const SEG_BOUND: u8 = 0; // digit, punctuation: word boundary
pub(crate) const SEG_VOW: u8 = 1; // independent vowel
pub(crate) const SEG_INH: u8 = 2; // consonant with inherent 'a'
pub(crate) const SEG_EXP: u8 = 3; // consonant with explicit vowel sign
pub(crate) const SEG_NONE: u8 = 4; // consonant + virama
pub(crate) const SEG_PROT: u8 = 5; // consonant with inherent 'a' + anusvara/visarga (kept)
pub(crate) const MAX_SEG: usize = 64;

/// Transliterate a maximal run of Devanagari starting at byte `start`;
/// returns the end of the run.
pub(crate) fn devanagari_run(word: &str, start: usize, out: &mut String) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

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
}
