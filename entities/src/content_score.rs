//! The latest score and traffic pool of a piece of content, kept current on metric ingest.

use crate::enums::{CohortLevel, ContentKind, PoolDecision};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "content_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub content_id: i64,
    /// The publishing creator's market, copied so top content is one index scan.
    pub market_code: String,
    /// The piece's niche, copied for the same reason.
    pub niche_id: i64,
    pub kind: ContentKind,
    /// 0-100; null while the piece has no views.
    pub score: Option<f64>,
    /// 0-1: how far the score rests on enough views and enough peers.
    pub confidence: f64,
    /// A severe upheld violation zeroed the score and froze distribution.
    pub frozen: bool,
    /// Weighted percentiles before the value factor and penalties.
    pub base: Option<f64>,
    pub value_factor: Option<f64>,
    pub penalty: Option<f64>,
    /// Views (videos) or viewers (live streams) the rates rest on.
    pub audience: i64,
    /// Pieces in the cohort the percentiles were taken in.
    pub peers: i64,
    pub cohort_level: Option<CohortLevel>,
    /// Component rates and percentiles, in `scoring::content::Component::of` order.
    pub rate_1: Option<f64>,
    pub percentile_1: Option<f64>,
    pub rate_2: Option<f64>,
    pub percentile_2: Option<f64>,
    pub rate_3: Option<f64>,
    pub percentile_3: Option<f64>,
    pub rate_4: Option<f64>,
    pub percentile_4: Option<f64>,
    /// Index of the current traffic pool (0 = initial).
    pub pool: i64,
    /// Cumulative impressions the current pool reaches.
    pub pool_size: i64,
    pub next_pool_size: Option<i64>,
    pub score_needed: Option<f64>,
    pub impressions_to_collect: i64,
    pub decision: PoolDecision,
    pub config_version: i64,
    pub scored_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
