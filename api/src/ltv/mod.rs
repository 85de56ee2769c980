//! Creator lifetime value in the product: selling days kept on ingest ([`selling_days`]), the
//! per-market fits and stored predictions of `flywheel recompute ltv` ([`recompute`]), and the
//! prediction GraphQL serves ([`Estimate`]), all on top of `scoring::ltv`.
//!
//! Time is in days. A creator's "transaction" is a selling day (see [`selling_days`]); its
//! value is the day's GMV in the market's currency (minor units). LTV is GMV (take rate 1)
//! discounted per period over the horizon.

pub mod history;
pub mod recompute;
pub mod selling_days;

use crate::days::Day;
use crate::error::{ApiError, ApiResult};
use entities::ltv_market_model;
use history::SellingHistory;
use recompute::Calibration;
use scoring::ltv::{
    CountModel, Fit, FrequencyBucket, GammaGammaParams, LtvConfig, LtvError, LtvModel, miss_ratio,
};

/// Horizon of the stored predictions and of `Creator.ltv` without arguments (days).
pub const DEFAULT_HORIZON_DAYS: i32 = 365;
/// Annual discount rate of the stored predictions and of `Creator.ltv` without arguments.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.10;
/// The longest horizon a caller may ask for (days): the models are not meant for decades.
pub const MAX_HORIZON_DAYS: i32 = 3650;
/// Length of a discounting period (days): cash flows are discounted at period ends.
const PERIOD_DAYS: f64 = 30.0;
/// Parameter draws behind each stored interval (a 90 % interval).
const INTERVAL_DRAWS: usize = 100;

/// The `scoring::ltv` settings for a horizon in days and an annual discount rate: monthly
/// periods (the last one shorter or equal), each discounted at the annual rate's equivalent
/// for its length. Bad values are the caller's error.
pub fn config(horizon_days: i32, annual_discount_rate: f64) -> ApiResult<LtvConfig> {
    if !(1..=MAX_HORIZON_DAYS).contains(&horizon_days) {
        return Err(ApiError::bad(format!(
            "horizonDays must be between 1 and {MAX_HORIZON_DAYS}, got {horizon_days}"
        )));
    }
    if !(annual_discount_rate.is_finite() && (0.0..=10.0).contains(&annual_discount_rate)) {
        return Err(ApiError::bad(format!(
            "discountRate must be between 0 and 10 (per year), got {annual_discount_rate}"
        )));
    }
    let horizon = f64::from(horizon_days);
    let periods = (horizon / PERIOD_DAYS).ceil().max(1.0);
    let period_length = horizon / periods;
    Ok(LtvConfig {
        periods: periods as u32,
        period_length,
        discount_rate: (1.0 + annual_discount_rate).powf(period_length / 365.0) - 1.0,
        take_rate: 1.0,
        interval_draws: INTERVAL_DRAWS,
        ..LtvConfig::default()
    })
}

/// The stored model's count variant as stored and shown.
pub fn kind_code(kind: scoring::ltv::DropoutModel) -> &'static str {
    match kind {
        scoring::ltv::DropoutModel::BgNbd => "bgnbd",
        scoring::ltv::DropoutModel::ModifiedBgNbd => "mbgnbd",
    }
}

/// The fits stored with a market's model.
pub fn stored_fits(
    row: &ltv_market_model::Model,
) -> ApiResult<(Fit<CountModel>, Fit<GammaGammaParams>)> {
    let parse = |what: &str, e: serde_json::Error| {
        ApiError::internal(
            format!(
                "reading the stored {what} fit of market {}",
                row.market_code
            ),
            e,
        )
    };
    let count = serde_json::from_str(&row.count_fit).map_err(|e| parse("count", e))?;
    let spend = serde_json::from_str(&row.spend_fit).map_err(|e| parse("spend", e))?;
    Ok((count, spend))
}

/// The holdout check stored with a market's model.
pub fn stored_calibration(row: &ltv_market_model::Model) -> ApiResult<Calibration> {
    serde_json::from_str(&row.calibration).map_err(|e| {
        ApiError::internal(
            format!("reading the stored calibration of {}", row.market_code),
            e,
        )
    })
}

/// A market's predictor from its fits: intervals from the fits' covariances, and the market's
/// mean value per selling day wherever the Gamma-Gamma mean is undefined (q <= 1).
pub fn predictor(
    count: &Fit<CountModel>,
    spend: &Fit<GammaGammaParams>,
    mean_day_value_minor: f64,
    config: LtvConfig,
) -> ApiResult<LtvModel> {
    let internal = |e: LtvError| ApiError::internal("building the LTV predictor", e);
    LtvModel::new(count, spend, config)
        .map_err(internal)?
        .with_spend_fallback(mean_day_value_minor)
        .map_err(internal)
}

/// One creator's prediction in the market's currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub p_active: f64,
    pub expected_selling_days: f64,
    pub expected_orders: f64,
    pub expected_gmv_minor: i64,
    pub ltv_minor: i64,
    /// The 90 % interval of the LTV from the parameters' uncertainty, stretched to cover
    /// `holdout_ratio`, when the fits had one.
    pub interval_minor: Option<(i64, i64)>,
    /// Actual over predicted holdout selling days of creators with this one's frequency
    /// (`scoring::ltv::miss_ratio`), when the bucket was big enough to say.
    pub holdout_ratio: Option<f64>,
}

/// Why a creator has no prediction (shown to clients as the reason).
const NOT_FINITE: &str = "the model gives no finite value for this creator";

/// Rounds money to minor units; a non-finite amount is refused, never a NaN in a response.
fn minor(value: f64) -> Result<i64, String> {
    if value.is_finite() {
        Ok(value.round() as i64)
    } else {
        Err(NOT_FINITE.into())
    }
}

/// The prediction for a creator's history as of `as_of`: expected selling days and their
/// value from the models, expected orders at the creator's own orders per selling day, and
/// an interval covering both the parameters' uncertainty and the model's miss on the
/// market's holdout (`holdout`, its frequency buckets) for creators like this one. The error
/// is the reason there is none, in words.
pub fn estimate(
    model: &LtvModel,
    holdout: &[FrequencyBucket],
    h: &SellingHistory,
    as_of: Day,
) -> Result<Estimate, String> {
    let summary = h.summary(as_of);
    let holdout_ratio = miss_ratio(holdout, summary.frequency);
    let (value, interval) = match model.value_with_interval(&summary) {
        Ok((v, i)) => {
            let i = holdout_ratio.map_or(i, |ratio| i.covering_miss(ratio));
            (v, Some((minor(i.low)?, minor(i.high)?)))
        }
        Err(LtvError::NoCovariance) => (model.value(&summary).map_err(|e| e.to_string())?, None),
        Err(e) => return Err(e.to_string()),
    };
    let expected_orders = value.expected_transactions * h.orders_per_day();
    if !(value.p_alive.is_finite() && expected_orders.is_finite()) {
        return Err(NOT_FINITE.into());
    }
    Ok(Estimate {
        p_active: value.p_alive,
        expected_selling_days: value.expected_transactions,
        expected_orders,
        expected_gmv_minor: minor(
            value.expected_transactions * value.expected_value_per_transaction,
        )?,
        ltv_minor: minor(value.ltv)?,
        interval_minor: interval,
        holdout_ratio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_turns_days_and_an_annual_rate_into_periods() {
        let c = config(365, 0.10).unwrap();
        assert_eq!(c.periods, 13);
        assert!((c.horizon() - 365.0).abs() < 1e-9);
        // 13 periods at the per-period rate compound to 10 % over the year.
        let compounded = (1.0 + c.discount_rate).powi(13);
        assert!((compounded - 1.10).abs() < 1e-12);
        assert_eq!(config(10, 0.0).unwrap().periods, 1);
        for (h, d) in [
            (0, 0.1),
            (-5, 0.1),
            (4000, 0.1),
            (365, -0.01),
            (365, f64::NAN),
        ] {
            let err = config(h, d).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{h} {d}");
        }
    }
}
