//! A brand working with a creator, and the GMV it brought.

use crate::enums::CollaborationStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collaboration")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub brand_id: i64,
    pub creator_id: i64,
    pub status: CollaborationStatus,
    pub started_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    /// GMV attributed to the collaboration, in minor units of `currency`.
    pub gmv_minor: i64,
    pub currency: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
