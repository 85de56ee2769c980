//! A video or live stream by a creator, with its latest metrics.
//! Video metrics apply to videos, `live_*` ones to live streams only.

use crate::enums::{ContentKind, ValueGrade};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "content")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub creator_id: i64,
    pub kind: ContentKind,
    pub niche_id: i64,
    pub title: String,
    pub value_grade: ValueGrade,
    pub published_at: DateTimeUtc,
    pub impressions: i64,
    pub views: i64,
    pub completions: i64,
    pub avg_watch_seconds: f64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub live_duration_seconds: Option<i64>,
    pub live_avg_viewers: Option<f64>,
    pub live_peak_viewers: Option<i64>,
    pub live_orders: Option<i64>,
    /// When the metrics above were last reported.
    pub metrics_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
