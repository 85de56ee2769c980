//! A country market: its currency and time zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "market")]
pub struct Model {
    /// ISO 3166 alpha-2 code, e.g. `US`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// ISO 4217 code; every amount in this market is in this currency.
    pub currency: String,
    /// IANA time zone, e.g. `America/New_York`.
    pub time_zone: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
