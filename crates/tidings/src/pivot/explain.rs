//! The analysis of a text laid out token by token: what `tidings analyze` prints,
//! to see why two documents match (or do not).

use super::word::term_name_key;
use super::{analyze_word, segment_ideo, Match, TermInfo};
use crate::analyze::{tokenize, TokenKind};
use crate::lang::Lang;
use crate::lexicon::Models;

/// One token of [`explain`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TokenRow {
    /// The token as written (for Han/Kana, one segmented word or character).
    pub token: String,
    /// Normalized form.
    pub term: String,
    /// Term key (normalized and stemmed); empty for stopwords.
    pub stem: String,
    /// Pivot concepts: `concept:weight …` from the lexicon (or the English word
    /// itself), `~concept:weight` for a transliteration guess, or `(stopword)`,
    /// `(number)`, `(no word)` (Han/Kana character outside the lexicon), `(none)`.
    pub pivots: String,
    /// The name key, where the token counts as a name (capitalized mid-sentence, or
    /// in a caseless script) and has one.
    pub name: Option<String>,
}

/// Analyzes `text` as `lang` and returns one row per token, in text order: the
/// same analysis [`super::doc_features`] makes, readable.
pub fn explain(text: &str, lang: Lang, models: &Models) -> Vec<TokenRow> {
    let mut rows = Vec::new();
    let literal = |token: &str, pivots: &str| TokenRow {
        token: token.into(),
        term: token.into(),
        stem: token.into(),
        pivots: pivots.into(),
        name: None,
    };
    tokenize(text, |tok| match tok.kind {
        TokenKind::Number => rows.push(literal(tok.text, "(number)")),
        TokenKind::Ideo => segment_ideo(tok.text, lang, models, |start, end, matched| {
            let word = &tok.text[start..end];
            rows.push(if matched {
                word_row(word, lang, models, false)
            } else {
                literal(word, "(no word)")
            });
        }),
        TokenKind::Word => rows.push(word_row(tok.text, lang, models, tok.may_be_name())),
    });
    rows
}

fn word_row(word: &str, lang: Lang, models: &Models, may_be_name: bool) -> TokenRow {
    // Uncached: the rows need the strings the word cache does not keep.
    let info = analyze_word(lang, word, models);
    let name = match info.name {
        Some(_) if may_be_name && !info.stop => term_name_key(&info.term),
        _ => None,
    };
    TokenRow {
        token: word.into(),
        term: info.term.to_string(),
        stem: info.key.to_string(),
        pivots: describe_pivots(&info, lang, models),
        name,
    }
}

/// The `pivots` column: `concept:weight …` from the lexicon (or the English word
/// itself), `~concept:weight` for a transliteration guess.
fn describe_pivots(info: &TermInfo, lang: Lang, models: &Models) -> String {
    let named = |c: &str, w: f32| format!("{c}:{w:.2}");
    match (info.stop, info.matched, info.source_key.as_deref()) {
        (true, _, _) => "(stopword)".into(),
        (_, Some(Match::Lexicon), Some(k)) => models
            .get(lang)
            .map(|lex| {
                lex.lookup_named(k)
                    .into_iter()
                    .map(|(c, w)| named(c, w))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
        (_, Some(Match::Pivot), Some(k)) => named(k, 1.0),
        (_, Some(Match::Fallback), Some(k)) => {
            let w = info.concepts.first().map_or(0.0, |c| c.1);
            format!("~{}", named(k, w))
        }
        _ => "(none)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_per_token() {
        let models = Models::bundled();
        let rows = explain("Bakan Kahire'de 16 kişiyle konuştu", Lang::TUR, &models);
        let get = |t: &str| rows.iter().find(|r| r.token == t).unwrap();
        assert_eq!(get("Kahire").pivots, "cairo:1.00");
        assert!(get("Kahire").name.is_some());
        assert_eq!(get("de").pivots, "(stopword)");
        assert_eq!(get("16").pivots, "(number)");
        // Sentence-initial: capitalization says nothing, so no name.
        assert_eq!(get("Bakan").name, None);
        let rows = explain("2018年欧洲", Lang::from_code("cmn").unwrap(), &models);
        assert!(rows.iter().any(|r| r.token == "欧洲"), "{rows:?}");
    }
}
