//! A creator's rolling content score over recent pieces, shrunk toward the niche mean.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "creator_content_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub creator_id: i64,
    /// 0-100, after shrinkage and violation penalties.
    pub score: f64,
    /// Trimmed mean of the recent pieces' scores; null without scored pieces.
    pub trimmed_mean: Option<f64>,
    pub pieces: i64,
    /// The niche mean the score is shrunk toward.
    pub prior_mean: f64,
    /// Weight of that prior in the score (0-1).
    pub prior_share: f64,
    /// Points taken off for upheld violations.
    pub penalty: f64,
    pub confidence: f64,
    pub config_version: i64,
    pub scored_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
