//! One day's order cohort of one shop (orders placed that UTC day), already net of what is not
//! the shop's fault: the input of the shop rating, kept current on ingest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_daily")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shop_id: i64,
    /// Days since 1970-01-01 (UTC) of the orders' placement.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: i32,
    pub orders: i64,
    pub shipped: i64,
    pub late_dispatches: i64,
    pub seller_fault_cancellations: i64,
    pub valid_tracking: i64,
    pub delivered: i64,
    pub delivered_on_time: i64,
    pub handling_hours: i64,
    pub seller_fault_returns: i64,
    pub first_reviews: i64,
    pub negative_first_reviews: i64,
    pub first_review_stars: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
