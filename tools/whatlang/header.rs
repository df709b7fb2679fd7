//! whatlang 0.18's trigram profiles and alphabets, as data: what [`super::detect`]
//! needs to compute whatlang's answer itself.
//!
//! Generated from whatlang-0.18.0's `src/trigrams/profiles.rs`,
//! `src/alphabets/{latin,cyrillic}.rs` and `src/scripts/lang_mapping.rs`: each
//! profile is its 300 trigrams (most frequent first) written one after another, three
//! characters each. Do not edit by hand; after a whatlang upgrade, regenerate it (the
//! oracle test in `detect.rs` fails until then).

use whatlang::Lang as Wl;

