//! Pivot: an analyzed document becomes weighted features in one language-neutral space.
//!
//! Features are 64-bit ids of four kinds, each a stable hash with its own prefix:
//! - **concepts**: English term keys. English words are their own concept; other
//!   languages reach concepts through their lexicon ([`crate::lexicon`]).
//! - **names**: phonetic keys of names ([`crate::analyze::name_key`]), so that
//!   Lavrov, Лавров and لافروف meet whatever the lexicons hold.
//! - **numbers**: digit strings (years, counts, dates) are the same in every language.
//! - **local**: character bigrams of Han and Kana text the lexicon has no word for,
//!   which match only documents in the same language.
//!
//! Each distinct surface word is analyzed once per thread (a bounded cache), so
//! the cost of stemming and lookups is paid per vocabulary item, not per token.
//!
//! The module follows the data: [`word`] analyzes one surface word (normalize,
//! stopwords, stem, lexicon, transliteration fallback, name key), [`cache`] keeps
//! those analyses per thread, [`segment`] cuts Han/Kana runs into dictionary words,
//! [`features`] turns a document into [`DocFeatures`] (its features held compactly
//! by [`feature_list`] until its vector is made), [`sketch`] summarizes its
//! token stream for near-duplicate detection, and [`explain`] lays the same
//! analysis out token by token (`tidings analyze`).

pub mod cache;
pub mod explain;
pub mod feature_list;
pub mod features;
pub mod intern;
pub mod segment;
pub mod sketch;
pub mod word;

pub use cache::{with_words, Words};
pub use explain::{explain, TokenRow};
pub use feature_list::FeatureList;
pub use features::{
    coverage_by_lang, doc_features, feature_ids, sentence_features, sentence_features_except,
    sentences, sentences_adding, Concept, Coverage, DocFeatures, Feature, FeatureWeights, Mentions,
    MAX_MENTIONS,
};
pub use segment::segment_ideo;
pub use sketch::{sketch_jaccard, sketch_jaccard_at_least, SKETCH_SIZE};
pub use word::{analyze_word, Concepts, Match, TermInfo, WordFeatures};

pub type FeatureId = u64;
