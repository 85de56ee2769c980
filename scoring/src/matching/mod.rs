//! Brand-to-creator matching: the right niche creators, not the biggest ones.
//!
//! 1. [`MatchGraph`] holds brands, creators and a two-level niche taxonomy joined by weighted,
//!    undirected edges (creator-niche by content share, brand-niche, brand-creator by decayed
//!    collaborations, niche-parent). It is an immutable snapshot (a petgraph CSR base plus a
//!    small copy-on-write overlay) updated with [`MatchGraph::apply`] without a rebuild;
//!    [`SharedGraph`] serves readers while a writer updates.
//! 2. Proximity is personalised PageRank from the seed and its niches, computed locally by
//!    forward push ([`ppr_forward_push`]); [`ppr_exact`] (power iteration) is the oracle.
//! 3. [`match_creators`] and [`lookalike_creators`] blend degree-corrected proximity, niche
//!    focus, content score, LTV, P(active) and reliability ([`MatchConfig`]), filter, exclude
//!    existing collaborators, paginate stably and explain each result in words redacted for
//!    their reader ([`NamesFor`]); [`explanation`] adds the value components that lift it.
//! 4. [`synthetic`] generates seeded marketplaces with planted communities; [`eval`] measures
//!    recall@K and nDCG@K against exact PPR, niche-cosine and popularity baselines.

mod audience;
mod config;
mod error;
mod explain;
mod fx;
mod graph;
mod input;
mod ppr;
mod query;
mod rank;
mod values;

pub mod eval;
#[cfg(feature = "synthetic")]
pub mod synthetic;

pub use audience::{Audience, NamesFor};
pub use config::{BlendWeights, GraphConfig, MatchConfig, PprConfig, RankConfig};
pub use error::{MatchError, Result};
pub use graph::{GraphUpdate, MatchGraph, NodeRef, SharedGraph};
pub use input::{
    BrandId, BrandInput, CollaborationInput, CreatorDirectory, CreatorId, CreatorInput,
    CreatorProfile, CreatorProfiles, GraphInput, NameBook, Names, NicheId, NicheInput, NicheShare,
};
pub use ppr::{TopK, TopKEstimate, ppr_exact, ppr_forward_push, ppr_top_k};
pub use query::{
    Component, CreatorMatch, Cursor, LookalikeQuery, MatchFilters, MatchPage, MatchQuery,
    PageRequest, PageStart, PathExplanation, ScoreComponent,
};
pub use rank::{lookalike_creators, match_creators};
pub use values::{ContentStanding, explanation};
