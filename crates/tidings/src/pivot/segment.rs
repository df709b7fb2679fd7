//! Han and Kana runs have no spaces: they are cut into the words of the language's
//! lexicon by forward maximum matching.

use crate::lang::Lang;
use crate::lexicon::Models;

/// Longest dictionary word tried when segmenting Han/Kana text.
const MAX_WORD_CHARS: usize = 8;

/// Segments a run of Han/Kana characters by forward maximum matching against
/// `lang`'s lexicon: the longest dictionary word (up to [`MAX_WORD_CHARS`]) starting
/// at a character is one word. Calls `f(start, end, matched)` with byte offsets for
/// each word, and with `matched == false` for each character no word starts at.
pub fn segment_ideo(
    text: &str,
    lang: Lang,
    models: &Models,
    mut f: impl FnMut(usize, usize, bool),
) {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let n_chars = starts.len() - 1;
    let lex = models.get(lang);
    let mut i = 0;
    while i < n_chars {
        let word_end = lex.and_then(|lex| {
            (i + 1..=n_chars.min(i + MAX_WORD_CHARS))
                .rev()
                .find(|&j| lex.contains(&text[starts[i]..starts[j]]))
        });
        match word_end {
            Some(j) => {
                f(starts[i], starts[j], true);
                i = j;
            }
            None => {
                f(starts[i], starts[i + 1], false);
                i += 1;
            }
        }
    }
}
