//! tidings: tells which news articles, in any language, are the same story.
//!
//! The pipeline: documents are read ([`document`]), their language detected
//! ([`lang`]), analyzed per language ([`analyze`]: normalize, stopwords, stem),
//! mapped through bundled bilingual lexicons into one English pivot space of
//! concepts, names and numbers ([`lexicon`], [`pivot`]), weighted by tf-idf into
//! sparse vectors and projected to dense ones ([`vectorize`]), indexed with HNSW
//! or brute force ([`ann`]) within date windows and linked into an exactly re-scored
//! kNN graph ([`graph`]), cut into stories by average link ([`cluster`]), and each story split into articles and variants
//! ([`story`]). [`eval`] scores any clustering against gold labels; [`plot`] draws
//! a threshold sweep of those scores as SVG; [`synth`] grows a labelled set into a
//! synthetic one of any size to score it on.
//!
//! ```
//! use tidings::pipeline::{cluster_documents, Config};
//! use tidings::document::Document;
//! let doc = |id: &str, text: &str| Document { id: id.into(), text: text.into(), ..Default::default() };
//! let docs = vec![
//!     doc("a", "Bolivia awaits the ruling of the International Court of Justice on access to the Pacific Ocean, expected on 1 October after five years."),
//!     doc("b", "Bolivia awaits the ruling of the International Court of Justice on its access to the Pacific Ocean, due on 1 October after five years of deliberation."),
//!     doc("c", "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation in services and wages."),
//! ];
//! let result = cluster_documents(docs, &Config::default()).unwrap();
//! assert_eq!(result.story_of("a"), result.story_of("b"));
//! assert_ne!(result.story_of("a"), result.story_of("c"));
//! ```

pub mod analyze;
pub mod ann;
pub mod cluster;
pub mod document;
pub mod graph;
pub mod lang;
pub mod lexicon;
pub mod output;
pub mod pipeline;
pub mod pivot;
pub mod story;
pub mod vectorize;

use std::path::PathBuf;

/// Errors of the library. Per-document trouble is not an error: it is counted and
/// reported (see [`document::Reject`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("loading models: {0}")]
    Model(String),
    #[error("invalid setting: {0}")]
    Config(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
