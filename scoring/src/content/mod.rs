//! Content scores and traffic pools.
//!
//! A video is scored on its completion, like, comment and share rates (a live stream on watch
//! time, comments per viewer-minute, orders per thousand viewers and share rate), each turned
//! into a percentile of its cohort (same market, niche and follower tier, published in the same
//! rolling window), weighted, multiplied by its value-grade factor and reduced by upheld
//! moderation violations. The score decides which traffic pool the piece earns.
//!
//! Typical use, as in a full recompute:
//!
//! ```
//! use scoring::content::{CohortSnapshot, ContentConfig, Scorer, synthetic};
//! use scoring::day::Day;
//!
//! let market = synthetic::generate(&synthetic::SyntheticParams::default())?;
//! let config = ContentConfig::default();
//! let snapshot = CohortSnapshot::build(&market.pieces, Day::new(20_000), &config)?;
//! let scorer = Scorer::new(&config, &snapshot)?;
//! let piece = &market.pieces[0];
//! let assessment = scorer.assess(piece)?;
//! if let Some(score) = &assessment.score {
//!     let why = scorer.explain(piece, score, &market.labels(&piece.cohort));
//!     assert!((0.0..=100.0).contains(&why.score));
//! }
//! # Ok::<(), scoring::content::ContentError>(())
//! ```
//!
//! Creator and shop scores aggregate stored piece scores with [`aggregate_content_score`].

mod cohort;
mod config;
mod creator;
mod error;
mod explain;
mod pool;
mod score;
#[cfg(feature = "synthetic")]
pub mod synthetic;
mod types;

pub use cohort::{Cohort, CohortLevel, CohortSnapshot};
pub use config::{
    ContentConfig, CreatorConfig, LiveWeights, PiecePenalties, PoolConfig, ValueFactors,
    VideoWeights,
};
pub use creator::{AggregateScore, NicheMeans, RecentScore, Violation, aggregate_content_score};
pub use error::ContentError;
pub use explain::{CohortLabels, ComponentExplanation, Explanation, Suggestion};
pub use pool::{PoolDecision, PoolStatus, evaluate_pool, initial_pool_size, settle_pool};
pub use score::{Assessment, ComponentScore, ContentScore, Scorer};
pub use types::{
    CohortKey, Component, ContentKind, ContentPiece, Distribution, Engagement, FollowerTier,
    LiveStats, MarketId, Moderation, NicheId, Severity, ValueGrade, VideoStats,
};
