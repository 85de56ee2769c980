//! A creator: one account in one market.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "creator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The id the ingesting client gave; makes ingest idempotent.
    #[sea_orm(unique)]
    pub external_id: String,
    pub market_code: String,
    #[sea_orm(unique)]
    pub handle: String,
    pub display_name: String,
    pub followers: i64,
    /// The recommender's trust in the account, 0..1; sets a new video's first pool.
    pub account_weight: f64,
    /// Has sold through content at least once.
    pub ecommerce_capable: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
