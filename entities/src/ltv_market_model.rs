//! The LTV model of one market as last fitted: count model (BG/NBD or modified BG/NBD) and
//! Gamma-Gamma parameters, their fits (with covariances, for intervals) and holdout check.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ltv_market_model")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub market_code: String,
    pub currency: String,
    /// `bgnbd` or `mbgnbd`.
    pub kind: String,
    pub r: f64,
    /// Per day.
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub p: f64,
    pub q: f64,
    /// In minor units of `currency`.
    pub v: f64,
    pub count_log_likelihood: f64,
    pub spend_log_likelihood: f64,
    /// Creators the count model was fitted on (the whole platform's when borrowed).
    pub creators: i64,
    /// Creators with a repeat selling day, the Gamma-Gamma sample.
    pub repeat_creators: i64,
    pub converged: bool,
    /// Too little data in the market: the platform-wide fit is used instead.
    pub borrowed_from_global: bool,
    /// The market's mean value per selling day, the spend fallback (minor units).
    pub mean_day_value_minor: f64,
    /// `scoring::ltv::Fit<CountModel>` as JSON.
    pub count_fit: String,
    /// `scoring::ltv::Fit<GammaGammaParams>` as JSON.
    pub spend_fit: String,
    /// Holdout calibration as JSON (see `api::ltv::Calibration`).
    pub calibration: String,
    /// Day (since 1970-01-01, UTC) the summaries were taken.
    pub as_of: i32,
    pub fitted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
