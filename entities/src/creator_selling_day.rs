//! One UTC day on which a creator had attributed, delivered, not-returned sales: a
//! "transaction" of the LTV models, kept current on ingest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "creator_selling_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub creator_id: i64,
    /// Days since 1970-01-01 (UTC) the orders were placed.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: i32,
    /// Delivered, not-returned orders attributed to the creator that day.
    pub orders: i64,
    /// Their amount, in minor units of the creator's market currency.
    pub gmv_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
