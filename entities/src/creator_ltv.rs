//! A creator's stored LTV prediction at the default horizon and discount rate, so a page of
//! creators (or a ranking by LTV) is one indexed read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "creator_ltv")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub creator_id: i64,
    /// The market whose model produced it.
    pub market_code: String,
    pub p_active: f64,
    pub expected_selling_days: f64,
    pub expected_orders: f64,
    pub expected_gmv_minor: i64,
    /// Discounted value over the horizon.
    pub ltv_minor: i64,
    pub ltv_low_minor: Option<i64>,
    pub ltv_high_minor: Option<i64>,
    /// Actual over predicted holdout selling days of creators with its frequency, when its
    /// market's holdout bucket was big enough; the interval covers it.
    pub holdout_ratio: Option<f64>,
    pub currency: String,
    /// Day (since 1970-01-01, UTC) of the summary.
    pub as_of: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
