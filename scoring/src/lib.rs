//! Flywheel's scoring core.
//!
//! Everything here is pure and synchronous: plain structs in, plain structs out, no database,
//! no async, no GraphQL. The `api` crate turns rows into these inputs and the results into
//! GraphQL types, so every model can be unit-tested and benchmarked on its own.

pub mod content;
pub mod day;
pub mod fingerprint;
pub mod ltv;
pub mod matching;
pub mod pipeline;
pub mod rating;
pub mod severity;
pub mod stats;
