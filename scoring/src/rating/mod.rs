//! Shop ratings: S/A/B/C tiers (and Unrated) from a shop's own record, with hysteresis, perks
//! and exact "what to improve" hints.
//!
//! # Flow
//! 1. The caller builds [`ShopInputs`]: daily order aggregates by order date (with what is not
//!    the shop's fault already removed, see [`DailyAggregate`]), upheld violations, content
//!    scores, the shop's opening day, the evaluation day and its own `now`.
//! 2. [`evaluate`] scores ten metrics over rolling windows (fulfilment 30 days, product 60,
//!    content 90; widened to 90/180/365 when a metric has under 100 events), shrinks each toward
//!    the market-and-category prior with 50 pseudo-events, maps it to 0-100 through four anchors
//!    (recall 0, minimum 60, top standard 85, best 100), averages metrics into the content,
//!    product and fulfilment dimensions and weights them (0.25/0.35/0.40) into an overall score.
//! 3. Gates pick the tier the scores qualify for ([`Tier`], [`Blocker`]); hysteresis against the
//!    stored [`RatingState`] decides the official tier ([`Change`] says why it moved).
//! 4. [`improvement_hints`] gives each metric's target, the bad events it can absorb, the clean
//!    events it needs and the days counting against it with their roll-off dates.
//! 5. [`PerksConfig`] maps the tier to perks.
//!
//! Priors per market and category come from [`pooled_priors`] over the peer group (or the
//! config's platform defaults when the caller passes none).
//!
//! # Fairness choices (vs. the marketplaces surveyed in `shared/RATINGS.md`)
//! - Small samples are shrunk, not judged raw; a recall breach also needs 3 real bad events.
//! - One bad month warns, two demote; only a fall far below, a recall breach or a severe
//!   violation demotes at once. A performance fall to C comes with a 90-day grace period,
//!   extended monthly while the score improves.
//! - Every change and gate is explained in words ([`Change::describe`], [`Blocker::describe`]),
//!   and every hint count is exact (computed by the same scoring on a what-if record).
//! - A shop with no orders is Unrated and gets its priors: no division by zero anywhere.

mod config;
mod error;
mod evaluate;
mod hints;
mod input;
mod metric;
mod perks;
mod priors;
mod scorecard;
#[cfg(feature = "synthetic")]
pub mod synthetic;
mod tier;
mod window;

pub use config::{
    DimensionWeights, HysteresisConfig, MetricConfig, RatingConfig, SeverityWeights, TierConfig,
    WindowConfig,
};
pub use error::RatingError;
pub use evaluate::{
    Change, DemotionCause, Evaluation, Grace, RatingState, evaluate, evaluate_many,
};
pub use hints::{CountingAgainst, MetricHint, SEARCH_CAP, improvement_hints};
pub use input::{
    ContentSample, DailyAggregate, Day, EvaluationKind, Severity, ShopInputs, Violation,
};
pub use metric::{Dimension, Metric, PerMetric, map_score};
pub use perks::{Perks, PerksConfig};
pub use priors::pooled_priors;
pub use scorecard::{DimensionScores, MetricScore, Scorecard};
pub use tier::{Blocker, Eligibility, Tier, qualify};
