//! Nothing here: this package holds the criterion benches (`stages.rs`) and the bench scripts.
