//! A creator in a market's onboarding pipeline.
//!
//! `active_market` equals `market_code` while the entry is open and is NULL once it has exited
//! (rejected, churned); a unique index on (creator_id, active_market) then allows at most one
//! open entry per creator and market on both SQLite and PostgreSQL, without partial indexes.

use crate::enums::PipelineState;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub creator_id: i64,
    pub market_code: String,
    pub scout_id: i64,
    pub state: PipelineState,
    pub active_market: Option<String>,
    /// Recorded at certification: whether the creator has sold.
    pub ecommerce_capable: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
