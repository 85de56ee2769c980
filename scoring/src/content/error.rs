//! The one error type of the content module.

use crate::fingerprint::Fingerprint;
use thiserror::Error;

/// Everything that can be wrong with the input of a content computation.
///
/// Bad input is reported, never panicked on: the API turns these into GraphQL errors whose
/// message tells the caller what to fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ContentError {
    /// A configuration value is out of range or inconsistent with another one.
    #[error("invalid content configuration: {0}")]
    InvalidConfig(String),
    /// Engagement counts that cannot happen (e.g. more completions than views).
    #[error("invalid engagement counts for piece {piece}: {reason}")]
    InvalidStats {
        /// The caller's id of the offending piece.
        piece: u64,
        /// What is inconsistent.
        reason: String,
    },
    /// The account weight that sizes the first pool must lie within 0..=1.
    #[error("account weight must lie within 0..=1, got {0}")]
    InvalidAccountWeight(f64),
    /// A piece claims to sit in a pool the configured ladder does not have.
    #[error("pool {pool} does not exist: the ladder has {pools} pools (0..{pools})")]
    UnknownPool {
        /// The pool index that was passed.
        pool: usize,
        /// How many pools the ladder has.
        pools: usize,
    },
    /// A score handed to the creator aggregate is not a number within 0..=100.
    #[error("content score must lie within 0..=100, got {0}")]
    InvalidScore(f64),
    /// The cohort snapshot was built under another configuration than the scorer's.
    #[error(
        "cohort snapshot was built under configuration {snapshot}, the scorer uses {config}; rebuild the snapshot"
    )]
    ConfigMismatch {
        /// Fingerprint recorded in the snapshot.
        snapshot: Fingerprint,
        /// Fingerprint of the configuration passed to the scorer.
        config: Fingerprint,
    },
}
