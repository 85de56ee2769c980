//! The one error type of the matching module.

use thiserror::Error;

use super::input::{BrandId, CreatorId, NicheId};

/// Everything that can go wrong in matching; bad input is reported, never panicked on.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MatchError {
    /// A configuration value is out of its allowed range.
    #[error("invalid matching configuration: `{field}` {reason}")]
    InvalidConfig {
        /// Dotted path of the offending field, e.g. `ppr.alpha`.
        field: &'static str,
        /// What is wrong and what would be accepted.
        reason: String,
    },
    /// An input record is malformed (non-finite or negative weight, self reference, ...).
    #[error("invalid matching input: {0}")]
    InvalidInput(String),
    /// The brand is not in the graph; add it with `GraphUpdate::UpsertBrand` first.
    #[error("unknown brand {0:?}: add it to the graph before matching or recording collaborations")]
    UnknownBrand(BrandId),
    /// The creator is not in the graph; add it with `GraphUpdate::UpsertCreator` first.
    #[error("unknown creator {0:?}: add it to the graph before using it")]
    UnknownCreator(CreatorId),
    /// The niche is not in the taxonomy the graph was built with; new niches need a rebuild.
    #[error("unknown niche {0:?}: niches are fixed at build time, rebuild the graph to add one")]
    UnknownNiche(NicheId),
    /// The same id appears twice where ids must be unique.
    #[error("duplicate id: {0}")]
    DuplicateId(String),
    /// The pagination request is unusable (page size out of range, cursor malformed).
    #[error("invalid page request: {0}")]
    InvalidPage(String),
}

/// Result alias of the matching module.
pub type Result<T> = std::result::Result<T, MatchError>;
