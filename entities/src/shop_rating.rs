//! The current rating of a shop: the state hysteresis needs for the next evaluation and what
//! the latest evaluation found, so reading a rating is one row.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A shop's tier; `Unrated` means too few orders to judge. Ordered best first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RatingTier {
    /// Best: every metric at the top-tier standard, with enough orders and age.
    #[sea_orm(string_value = "s")]
    S,
    /// Good: no metric under the platform minimum.
    #[sea_orm(string_value = "a")]
    A,
    /// Baseline.
    #[sea_orm(string_value = "b")]
    B,
    /// Below the B threshold, or in breach.
    #[sea_orm(string_value = "c")]
    C,
    /// Too few orders in the eligibility window to be rated (not "worse than C").
    #[sea_orm(string_value = "unrated")]
    Unrated,
}

/// The monthly official evaluation (moves the tier) or the daily projection.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EvaluationKind {
    /// The monthly evaluation, which moves the tier.
    #[sea_orm(string_value = "official")]
    Official,
    /// The daily projection: the tier an official evaluation would set that day.
    #[sea_orm(string_value = "projected")]
    Projected,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_rating")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shop_id: i64,
    /// The official tier in force.
    pub tier: RatingTier,
    /// The tier an official evaluation would set as of `as_of`.
    pub projected_tier: RatingTier,
    /// In C with the grace period running.
    pub restrictions_deferred: bool,
    /// `scoring::rating::RatingState` as JSON: what the next evaluation starts from.
    pub state: String,
    /// Kind of the latest evaluation.
    pub kind: EvaluationKind,
    /// Day (since 1970-01-01, UTC) the latest evaluation was as of.
    pub as_of: i32,
    pub config_version: String,
    pub overall: f64,
    pub content_score: f64,
    pub product_score: f64,
    pub fulfilment_score: f64,
    /// Metric scores as a JSON array.
    pub metrics: String,
    /// Changes and blocking gates in words, as a JSON array of strings.
    pub explanation: String,
    /// Improvement hints as a JSON array.
    pub improvements: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
