//! Every tunable of the LTV models in one place.

use super::error::LtvError;
use serde::{Deserialize, Serialize};

/// Tunables of fitting, series evaluation and the discounted LTV.
///
/// Times are in the unit of the summaries the models were fitted on (Flywheel uses days;
/// CDNOW uses weeks). `Default` is Flywheel's daily setting: 12 periods of 30 days at 1 % per
/// period, no take rate (LTV in GMV), a 90 % interval from 200 seeded parameter draws.
/// `periods = 12, period_length = 4.345, discount_rate = 0.01, take_rate = 1` on weekly data
/// reproduces `lifetimes`' `customer_lifetime_value(freq='W')`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvConfig {
    /// Maximum BFGS iterations of a fit (default 1000).
    pub max_iterations: usize,
    /// A fit has converged when every component of the gradient of the mean negative
    /// log-likelihood in log-parameters is below this (default 1e-9).
    pub gradient_tolerance: f64,
    /// When the line search can no longer make progress (rounding), the fit still counts as
    /// converged if the gradient is below this (default 1e-5): a flat optimum is success.
    pub acceptable_gradient: f64,
    /// Cap on the terms of the hypergeometric series of the conditional expectation
    /// (default 1,000,000, enough for horizons up to ~30,000 times alpha + T).
    pub max_series_terms: usize,
    /// Number of discounting periods in the LTV horizon (default 12).
    pub periods: u32,
    /// Length of one period in model time units (default 30, days).
    pub period_length: f64,
    /// Discount rate per period; cash flows are discounted at period ends (default 0.01).
    pub discount_rate: f64,
    /// Share of the creator's GMV the platform keeps (default 1.0: LTV in GMV).
    pub take_rate: f64,
    /// Two-sided level of the LTV interval (default 0.9).
    pub interval_level: f64,
    /// Parameter draws behind the LTV interval (default 200).
    pub interval_draws: usize,
    /// Seed of the parameter draws, so intervals are reproducible (default 20_070_101).
    pub seed: u64,
}

impl Default for LtvConfig {
    fn default() -> Self {
        Self {
            max_iterations: 1000,
            gradient_tolerance: 1e-9,
            acceptable_gradient: 1e-5,
            max_series_terms: 1_000_000,
            periods: 12,
            period_length: 30.0,
            discount_rate: 0.01,
            take_rate: 1.0,
            interval_level: 0.9,
            interval_draws: 200,
            seed: 20_070_101,
        }
    }
}

fn bad(field: &'static str, value: impl ToString, reason: &'static str) -> LtvError {
    LtvError::InvalidConfig {
        field,
        value: value.to_string(),
        reason,
    }
}

impl LtvConfig {
    /// Checks every field and says which one is out of range.
    pub fn validate(&self) -> Result<(), LtvError> {
        if self.max_iterations == 0 {
            return Err(bad("max_iterations", 0, "must be >= 1"));
        }
        if !(self.gradient_tolerance.is_finite() && self.gradient_tolerance > 0.0) {
            return Err(bad(
                "gradient_tolerance",
                self.gradient_tolerance,
                "must be finite and > 0",
            ));
        }
        if !(self.acceptable_gradient.is_finite()
            && self.acceptable_gradient >= self.gradient_tolerance)
        {
            return Err(bad(
                "acceptable_gradient",
                self.acceptable_gradient,
                "must be finite and >= gradient_tolerance",
            ));
        }
        if self.max_series_terms < 10 {
            return Err(bad(
                "max_series_terms",
                self.max_series_terms,
                "must be >= 10",
            ));
        }
        if self.periods == 0 {
            return Err(bad("periods", 0, "must be >= 1"));
        }
        if !(self.period_length.is_finite() && self.period_length > 0.0) {
            return Err(bad(
                "period_length",
                self.period_length,
                "must be finite and > 0",
            ));
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(bad(
                "discount_rate",
                self.discount_rate,
                "must be finite and > -1",
            ));
        }
        if !(self.take_rate.is_finite() && self.take_rate > 0.0 && self.take_rate <= 1.0) {
            return Err(bad("take_rate", self.take_rate, "must be in (0, 1]"));
        }
        if !(self.interval_level > 0.0 && self.interval_level < 1.0) {
            return Err(bad(
                "interval_level",
                self.interval_level,
                "must be in (0, 1)",
            ));
        }
        if self.interval_draws < 2 {
            return Err(bad("interval_draws", self.interval_draws, "must be >= 2"));
        }
        Ok(())
    }

    /// The settings under which the LTV equals `lifetimes`' `customer_lifetime_value`:
    /// `months` month-end cash flows at `monthly_discount`, `units_per_month` model time units
    /// per month (4.345 for weeks, 30 for `lifetimes`' `freq='D'`), no take rate.
    pub fn lifetimes_clv(months: u32, monthly_discount: f64, units_per_month: f64) -> Self {
        Self {
            periods: months,
            period_length: units_per_month,
            discount_rate: monthly_discount,
            take_rate: 1.0,
            ..Self::default()
        }
    }

    /// The LTV horizon in model time units (`periods * period_length`).
    pub fn horizon(&self) -> f64 {
        f64::from(self.periods) * self.period_length
    }
}
