//! A creator's value: P(active), expected selling days and value per selling day over the
//! horizon, and the discounted LTV with an interval from the parameters' uncertainty.

use super::config::LtvConfig;
use super::count::{CountModel, check_param};
use super::error::LtvError;
use super::fit::{Fit, Parameters};
use super::gamma_gamma::GammaGammaParams;
use super::optimize::cholesky;
use super::summary::Summary;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Point prediction for one creator over the configured horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CreatorValue {
    /// Probability the creator is still active at the end of observation.
    pub p_alive: f64,
    /// Expected selling days (repeat transactions) over the horizon.
    pub expected_transactions: f64,
    /// Expected value per selling day (Gamma-Gamma posterior mean).
    pub expected_value_per_transaction: f64,
    /// Discounted value over the horizon times the take rate. With take rate 1 and
    /// `lifetimes`' period settings this is `lifetimes`' CLV.
    pub ltv: f64,
}

/// Interval of the LTV from the uncertainty of the fitted market parameters (how sure the
/// model is of the expected value), not the spread of the creator's own future sales.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LtvInterval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Two-sided level, e.g. 0.9.
    pub level: f64,
}

impl LtvInterval {
    /// The interval stretched to cover the model's measured miss too: where customers like
    /// this one bought `ratio` times what the model predicted on the holdout
    /// ([`miss_ratio`](super::holdout::miss_ratio)), the interval also spans the same interval
    /// scaled by `ratio`. The parameters' uncertainty alone is often a few percent while the
    /// model's own bias on real data is tens of percent; an interval that ignored it would
    /// claim a precision the model does not have. A ratio of 1 (or none) changes nothing.
    pub fn covering_miss(self, ratio: f64) -> Self {
        if !(ratio.is_finite() && ratio > 0.0) {
            return self;
        }
        Self {
            low: self.low.min(self.low * ratio),
            high: self.high.max(self.high * ratio),
            level: self.level,
        }
    }
}

/// The count-model part of a prediction, shared by creators with the same (x, t_x, T).
#[derive(Clone, Copy)]
struct CountPart {
    p_alive: f64,
    expected: f64,
    /// Sum over periods of the expected transactions in the period, discounted.
    discounted: f64,
}

fn count_part(count: &CountModel, s: &Summary, c: &LtvConfig) -> Result<CountPart, LtvError> {
    let mut previous = 0.0;
    let mut discounted = 0.0;
    let mut factor = 1.0;
    for k in 1..=c.periods {
        let e = count.expected_unchecked(s, f64::from(k) * c.period_length, c.max_series_terms)?;
        factor /= 1.0 + c.discount_rate;
        discounted += (e - previous) * factor;
        previous = e;
    }
    Ok(CountPart {
        p_alive: count.p_alive(s)?,
        expected: previous,
        discounted,
    })
}

/// Expected value per transaction: the Gamma-Gamma posterior mean, or `fallback` where that
/// mean does not exist (q <= 1 with few repeat transactions, see [`LtvModel::with_spend_fallback`]).
fn spend_value(
    spend: &GammaGammaParams,
    s: &Summary,
    fallback: Option<f64>,
) -> Result<f64, LtvError> {
    match (spend.expected_value(s), fallback) {
        (Err(LtvError::MeanSpendUndefined { .. }), Some(m)) => Ok(m),
        (result, _) => result,
    }
}

fn combine(
    part: CountPart,
    spend: &GammaGammaParams,
    fallback: Option<f64>,
    s: &Summary,
    c: &LtvConfig,
) -> Result<CreatorValue, LtvError> {
    let m = spend_value(spend, s, fallback)?;
    Ok(CreatorValue {
        p_alive: part.p_alive,
        expected_transactions: part.expected,
        expected_value_per_transaction: m,
        ltv: c.take_rate * m * part.discounted,
    })
}

/// Fitted count and spend models of one market plus the LTV settings: what the API keeps in
/// memory to score creators. Cheap to rebuild from stored fits.
#[derive(Debug, Clone)]
pub struct LtvModel {
    count: CountModel,
    spend: GammaGammaParams,
    config: LtvConfig,
    /// Seeded parameter draws behind the intervals (empty without covariances).
    draws: Vec<(CountModel, GammaGammaParams)>,
    /// Value per transaction used where the Gamma-Gamma mean is undefined.
    spend_fallback: Option<f64>,
}

/// Draws parameters around `fit` from the normal approximation in log-parameters.
fn draw_params<P: Parameters>(fit: &Fit<P>, rng: &mut StdRng) -> Option<P> {
    let cov = fit.log_covariance.as_ref()?;
    let n = cov.len();
    // Models have at most 4 parameters: pad the covariance with an identity block so one
    // fixed-size Cholesky serves both (the padding's draws are never used).
    let mut m = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            m[i][j] = if i < n && j < n {
                cov[i][j]
            } else {
                f64::from(u8::from(i == j))
            };
        }
    }
    let l = cholesky(&m)?;
    let z: Vec<f64> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
    let centre = fit.params.values();
    let values: Vec<f64> = (0..n)
        .map(|i| (centre[i].ln() + (0..=i).map(|k| l[i][k] * z[k]).sum::<f64>()).exp())
        .collect();
    Some(fit.params.with_values(&values))
}

impl LtvModel {
    /// A model from fits; prepares `config.interval_draws` seeded parameter draws when both
    /// fits have a covariance (spend draws with q <= 1, whose population mean is undefined,
    /// are redrawn).
    pub fn new(
        count: &Fit<CountModel>,
        spend: &Fit<GammaGammaParams>,
        config: LtvConfig,
    ) -> Result<Self, LtvError> {
        let mut model = Self::from_params(count.params, spend.params, config)?;
        let mut rng = StdRng::seed_from_u64(model.config.seed);
        let wanted = model.config.interval_draws;
        let mut attempts = 0;
        while model.draws.len() < wanted && attempts < 100 * wanted {
            attempts += 1;
            let (Some(c), Some(g)) = (draw_params(count, &mut rng), draw_params(spend, &mut rng))
            else {
                model.draws.clear();
                break;
            };
            if g.q > 1.0 {
                model.draws.push((c, g));
            }
        }
        if model.draws.len() < wanted {
            model.draws.clear();
        }
        Ok(model)
    }

    /// A model from stored parameters alone: point predictions, no intervals.
    pub fn from_params(
        count: CountModel,
        spend: GammaGammaParams,
        config: LtvConfig,
    ) -> Result<Self, LtvError> {
        config.validate()?;
        let count = CountModel::new(count.kind, count.params)?;
        let spend = GammaGammaParams::new(spend.p, spend.q, spend.v)?;
        Ok(Self {
            count,
            spend,
            config,
            draws: Vec::new(),
            spend_fallback: None,
        })
    }

    /// Sets the value per transaction used where the Gamma-Gamma posterior mean does not exist:
    /// a fit with q <= 1 has no population mean, so a one-time buyer (x = 0), or any x with
    /// p x + q <= 1, would otherwise get an error (`lifetimes` returns a negative value).
    /// Flywheel passes the market's observed mean value per selling day, so such a creator is
    /// valued like the market's average selling day instead of getting no (or a NaN) figure.
    pub fn with_spend_fallback(mut self, value: f64) -> Result<Self, LtvError> {
        check_param("spend_fallback", value)?;
        self.spend_fallback = Some(value);
        Ok(self)
    }

    /// The settings in use.
    pub fn config(&self) -> &LtvConfig {
        &self.config
    }

    /// Point prediction for one creator.
    pub fn value(&self, s: &Summary) -> Result<CreatorValue, LtvError> {
        s.validate_counts()?;
        s.validate_monetary()?;
        let part = count_part(&self.count, s, &self.config)?;
        combine(part, &self.spend, self.spend_fallback, s, &self.config)
    }

    /// Point prediction plus the LTV interval: the LTV is recomputed under every parameter
    /// draw and the interval is the central `interval_level` share of those values.
    pub fn value_with_interval(
        &self,
        s: &Summary,
    ) -> Result<(CreatorValue, LtvInterval), LtvError> {
        let value = self.value(s)?;
        if self.draws.is_empty() {
            return Err(LtvError::NoCovariance);
        }
        let mut ltvs = self
            .draws
            .iter()
            .map(|(c, g)| {
                let part = count_part(c, s, &self.config)?;
                combine(part, g, self.spend_fallback, s, &self.config)
            })
            .map(|v| v.map(|v| v.ltv))
            .collect::<Result<Vec<f64>, LtvError>>()?;
        ltvs.sort_by(f64::total_cmp);
        let level = self.config.interval_level;
        let interval = LtvInterval {
            low: quantile(&ltvs, 0.5 * (1.0 - level)),
            high: quantile(&ltvs, 0.5 * (1.0 + level)),
            level,
        };
        Ok((value, interval))
    }

    /// Point predictions for many creators; the count part is computed once per distinct
    /// (x, t_x, T), which daily data repeats a lot. One result per input, in order.
    pub fn values(&self, summaries: &[Summary]) -> Vec<Result<CreatorValue, LtvError>> {
        let mut cache: HashMap<(u32, u64, u64), Result<CountPart, LtvError>> = HashMap::new();
        summaries
            .iter()
            .map(|s| {
                s.validate_counts()?;
                s.validate_monetary()?;
                let key = (s.frequency, s.recency.to_bits(), s.age.to_bits());
                let part = cache
                    .entry(key)
                    .or_insert_with(|| count_part(&self.count, s, &self.config))
                    .clone()?;
                combine(part, &self.spend, self.spend_fallback, s, &self.config)
            })
            .collect()
    }
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}
