//! tidings: tells which news articles, in any language, are the same story.
//!
//! The engine runs in named stages ([`engine`]), each taking what the previous one
//! produced and returning an owned, serializable value:
//!
//! 1. **analyze** ([`engine::Engine::analyze`]): documents ([`document`]) get their
//!    language ([`lang`]), are analyzed per language ([`analyze`]: normalize,
//!    stopwords, stem) and mapped through bundled bilingual lexicons ([`lexicon`])
//!    into one English pivot space of concepts, names and numbers ([`pivot`]);
//! 2. **corpus statistics** ([`vectorize::CorpusStats`]): document frequencies
//!    overall and per language, computed per shard and merged;
//! 3. **vectorize**: tf-idf sparse vectors ([`vectorize`]);
//! 4. **graph**: candidates from an exact or HNSW index within date windows,
//!    re-scored exactly into a kNN graph ([`graph`]);
//! 5. **stories**: average link over the graph ([`cluster`]);
//! 6. **articles**: each story split into articles and variants ([`story`]).
//!
//! [`config::EngineConfig`] holds every setting, validated before any input is
//! read; [`partition`] cuts the stages after the statistics into parts that merge
//! into the whole; [`output`] turns a [`engine::Clustering`] into the records people read.
//!
//! ```
//! use tidings::config::EngineConfig;
//! use tidings::document::Document;
//! use tidings::engine::Engine;
//! let doc = |id: &str, text: &str| Document { id: id.into(), text: text.into(), ..Default::default() };
//! let docs = vec![
//!     doc("a", "Bolivia awaits the ruling of the International Court of Justice on access to the Pacific Ocean, expected on 1 October after five years."),
//!     doc("b", "Bolivia awaits the ruling of the International Court of Justice on its access to the Pacific Ocean, due on 1 October after five years of deliberation."),
//!     doc("c", "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation in services and wages."),
//! ];
//! let engine = Engine::new(EngineConfig::default()).unwrap();
//! let result = engine.cluster(docs).unwrap();
//! assert_eq!(result.story_of("a"), result.story_of("b"));
//! assert_ne!(result.story_of("a"), result.story_of("c"));
//! ```

pub mod analyze;
pub mod cluster;
pub mod config;
pub mod document;
pub mod engine;
pub mod graph;
pub mod lang;
pub mod lexicon;
mod memory;
pub mod output;
pub mod partition;
pub mod pivot;
mod spill;
pub mod stage_file;
pub mod state;
pub mod story;
pub mod vectorize;

/// A small deterministic generator for the randomized unit tests.
#[cfg(test)]
mod test_rng {
    /// Marsaglia's xorshift64 from a non-zero `seed`.
    pub fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }
}

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
    /// Parts of a partitioned stage that do not fit together (`partition.rs`).
    #[error("parts do not fit together: {0}")]
    Parts(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
