//! One stored evaluation of a shop's rating, official or projected: its scores, tier and the
//! reasons for any change, kept as computed so the past is never recomputed.

use crate::shop_rating::{EvaluationKind, RatingTier};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_rating_evaluation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub kind: EvaluationKind,
    /// Day (since 1970-01-01, UTC) the evaluation was as of.
    pub as_of: i32,
    pub evaluated_at: DateTimeUtc,
    /// Official tier after the evaluation.
    pub tier: RatingTier,
    /// Official tier before it.
    pub previous_tier: RatingTier,
    /// Tier an official evaluation would set that day.
    pub projected_tier: RatingTier,
    /// Tier the scores qualified for, before hysteresis.
    pub qualified_tier: RatingTier,
    pub overall: f64,
    pub content_score: f64,
    pub product_score: f64,
    pub fulfilment_score: f64,
    /// Metric scores as a JSON array.
    pub metrics: String,
    /// `scoring::rating::Change`s as JSON.
    pub changes: String,
    /// Changes and blocking gates in words, as a JSON array of strings.
    pub reasons: String,
    pub config_version: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
