//! `flywheel recompute ltv`: fit every market's models on its creators' selling histories and
//! store the models and every creator's prediction at the default horizon.
//!
//! Per market: BG/NBD and modified BG/NBD are fitted on the histories as they stood
//! [`HOLDOUT_DAYS`] before `as_of` and the one predicting the selling days since then better
//! (mean squared error) is refitted on the full histories; Gamma-Gamma is fitted on the repeat
//! sellers. A market with fewer than [`MIN_CREATORS`] creators or [`MIN_REPEAT_CREATORS`]
//! repeat sellers (thresholds of [`Options`]; or whose fit fails) borrows the platform-wide fit and says so. The
//! platform-wide value model is fitted on values divided by each market's mean value per
//! selling day, so currencies never mix; a borrowing market scales it back by its own mean.
//!
//! A market that cannot be fitted is skipped, not a failure of the run: one where no creator
//! has sold yet, and, while neither its own fit nor the platform-wide one succeeds (a young
//! marketplace, where no creator sold before the holdout), every other. The report names each
//! skipped market and why.
//!
//! One run is one transaction: models and predictions are replaced together (a skipped market
//! is left without a model, so its creators' LTV says there is none).

use super::history::{self, Scope, SellingHistory};
use super::{
    DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_DAYS, Estimate, estimate, kind_code, predictor,
};
use crate::days::Day;
use crate::days::day_of;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{creator_ltv, ltv_market_model, market};
use scoring::ltv::{
    CountModel, DropoutModel, Fit, FrequencyBucket, GammaGammaParams, HoldoutObservation,
    LtvConfig, LtvError, Summary, choose_count_model,
};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, Set};
use serde::{Deserialize, Serialize};

/// Length of the holdout period that chooses between BG/NBD and modified BG/NBD (days).
pub const HOLDOUT_DAYS: i32 = 90;
/// Creators a market needs for its own fit.
pub const MIN_CREATORS: usize = 200;
/// Repeat sellers a market needs for its own value model.
pub const MIN_REPEAT_CREATORS: usize = 50;

/// What to fit.
#[derive(Debug, Clone)]
pub struct Options {
    /// The day the histories are taken (inclusive); today when `None`.
    pub as_of: Option<NaiveDate>,
    /// The caller's clock.
    pub now: DateTime<Utc>,
    /// Creators and repeat sellers a market needs for its own fit ([`MIN_CREATORS`] and
    /// [`MIN_REPEAT_CREATORS`] in production).
    pub min_creators: usize,
    pub min_repeat_creators: usize,
}

impl Options {
    /// Production thresholds, histories as of today.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            as_of: None,
            now,
            min_creators: MIN_CREATORS,
            min_repeat_creators: MIN_REPEAT_CREATORS,
        }
    }
}

/// The holdout check of a market's count model, stored as JSON and shown to admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Length of the holdout period (days).
    pub holdout_days: i32,
    /// Creators seen before the holdout period.
    pub creators: usize,
    /// Mean squared error of each variant's per-creator holdout predictions.
    pub bgnbd_mse: f64,
    pub mbgnbd_mse: f64,
    /// Predicted vs actual mean selling days in the holdout, by calibration frequency (the
    /// last bucket holds 7 and more), for the chosen variant.
    pub buckets: Vec<FrequencyBucket>,
    /// Correlation of predicted and actual holdout selling days, chosen variant.
    pub correlation: f64,
}

/// One market's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketReport {
    pub market: String,
    pub kind: &'static str,
    pub borrowed_from_global: bool,
    pub converged: bool,
    /// Creators with at least one selling day.
    pub creators: usize,
    pub predicted: usize,
    /// Spearman correlation of predicted LTV and GMV of the past 365 days.
    pub spearman: Option<f64>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub as_of: Day,
    pub markets: Vec<MarketReport>,
    /// Creators with a stored prediction, and without one (a history the models refuse).
    pub predicted: usize,
    pub unpredicted: usize,
    /// Spearman correlation of predicted LTV and past-365-day GMV over all predicted creators.
    pub spearman: Option<f64>,
    /// Markets left without a model, in code order.
    pub skipped: Vec<Skipped>,
}

/// A market the run could not fit, and why, in words for an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub market: String,
    /// Creators with at least one selling day.
    pub creators: usize,
    pub reason: String,
}

/// Why a fit failed, saying what data is missing where the error is about missing data.
fn why(e: &LtvError, cutoff: Day) -> String {
    match e {
        LtvError::Empty | LtvError::EmptyHoldout => format!(
            "no creator sold before {} ({HOLDOUT_DAYS} days before the as-of day), which the \
             holdout that chooses the model needs",
            crate::days::date_of(cutoff)
        ),
        LtvError::NoRepeatBuyers => {
            "no creator has sold on two different days yet, which the value model needs".to_owned()
        }
        other => other.to_string(),
    }
}

/// A fitted count and value model with its holdout check.
#[derive(Clone)]
struct Fitted {
    count: Fit<CountModel>,
    spend: Fit<GammaGammaParams>,
    calibration: Calibration,
    creators: usize,
    repeat_creators: usize,
}

/// A market's data.
struct MarketData {
    market: market::Model,
    histories: Vec<SellingHistory>,
    /// GMV per selling day over all its creators (minor units, at least 1).
    mean_day_value: f64,
}

/// Chooses the count variant on the holdout and refits it on the full summaries.
fn fit_count(
    summaries: &[Summary],
    observations: &[HoldoutObservation],
    config: &LtvConfig,
) -> Result<(Fit<CountModel>, Calibration), LtvError> {
    let choice = choose_count_model(observations, f64::from(HOLDOUT_DAYS), config)?;
    let kind = choice.chosen.params.kind;
    let report = match kind {
        DropoutModel::BgNbd => &choice.bgnbd.1,
        DropoutModel::ModifiedBgNbd => &choice.modified.1,
    };
    let calibration = Calibration {
        holdout_days: HOLDOUT_DAYS,
        creators: observations.len(),
        bgnbd_mse: choice.bgnbd.1.mean_squared_error,
        mbgnbd_mse: choice.modified.1.mean_squared_error,
        buckets: report.buckets.clone(),
        correlation: report.correlation,
    };
    Ok((CountModel::fit(kind, summaries, config)?, calibration))
}

/// Fits both models on summaries (spend values already in the unit wanted).
fn fit_all(
    summaries: &[Summary],
    observations: &[HoldoutObservation],
    config: &LtvConfig,
) -> Result<Fitted, LtvError> {
    let (count, calibration) = fit_count(summaries, observations, config)?;
    let repeat: Vec<Summary> = summaries
        .iter()
        .copied()
        .filter(|s| s.frequency > 0 && s.monetary_value > 0.0)
        .collect();
    let spend = GammaGammaParams::fit(&repeat, config)?;
    Ok(Fitted {
        count,
        spend,
        calibration,
        creators: summaries.len(),
        repeat_creators: repeat.len(),
    })
}

/// The value fit with money multiplied by `k`: v and its (co)variances scale, p and q and the
/// log-parameter covariance do not; the log-likelihood shifts by -n ln k.
fn scale_spend(fit: &Fit<GammaGammaParams>, k: f64) -> Fit<GammaGammaParams> {
    let mut out = fit.clone();
    out.params.v *= k;
    out.log_likelihood -= fit.n * k.ln();
    if let Some(cov) = out.covariance.as_mut() {
        for (i, row) in cov.iter_mut().enumerate() {
            for (j, c) in row.iter_mut().enumerate() {
                *c *= [i, j]
                    .iter()
                    .map(|&x| if x == 2 { k } else { 1.0 })
                    .product::<f64>();
            }
        }
    }
    if let Some(se) = out.standard_errors.as_mut() {
        se[2] *= k;
    }
    out
}

impl MarketData {
    fn summaries(&self, as_of: Day, value_unit: f64) -> Vec<Summary> {
        self.histories
            .iter()
            .map(|h| {
                let mut s = h.summary(as_of);
                s.monetary_value /= value_unit;
                s
            })
            .collect()
    }

    fn observations(&self, cutoff: Day) -> Vec<HoldoutObservation> {
        self.histories
            .iter()
            .filter_map(|h| h.holdout(cutoff))
            .collect()
    }
}

/// Fits every market and stores models and predictions, reporting progress as
/// `(stage, done, total)`.
pub async fn run(
    db: &DatabaseConnection,
    options: &Options,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> ApiResult<Report> {
    let today = options.now.date_naive();
    let as_of_date = options.as_of.unwrap_or(today);
    if as_of_date > today {
        return Err(ApiError::bad(format!(
            "as-of date {as_of_date} is in the future (today is {today})"
        )));
    }
    let as_of = day_of(as_of_date.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    let cutoff = as_of - HOLDOUT_DAYS;
    let config = super::config(DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT_RATE)?;

    let markets = market::Entity::find()
        .order_by_asc(market::Column::Code)
        .all(db)
        .await?;
    let market_count = markets.len() as u64;
    let mut data = Vec::with_capacity(markets.len());
    for (i, m) in markets.into_iter().enumerate() {
        progress("histories", i as u64, market_count);
        let histories = history::load(db, Scope::Market(&m.code), as_of, cutoff).await?;
        let (days, gmv) = histories
            .iter()
            .fold((0, 0), |(d, g), h| (d + h.days, g + h.gmv_minor));
        let mean_day_value = (gmv as f64 / days.max(1) as f64).max(1.0);
        data.push(MarketData {
            market: m,
            histories,
            mean_day_value,
        });
    }
    let mut skipped: Vec<Skipped> = data
        .iter()
        .filter(|d| d.histories.is_empty())
        .map(|d| Skipped {
            market: d.market.code.clone(),
            creators: 0,
            reason: "no creator has sold there yet".to_owned(),
        })
        .collect();
    data.retain(|d| !d.histories.is_empty());

    // The platform-wide fit: values in units of each market's mean selling day.
    let fits = data.len() as u64 + 1;
    progress("fit", 0, fits);
    let global = if data.is_empty() {
        Err("no market has sales".to_owned())
    } else {
        let summaries: Vec<Summary> = data
            .iter()
            .flat_map(|d| d.summaries(as_of, d.mean_day_value))
            .collect();
        let observations: Vec<HoldoutObservation> =
            data.iter().flat_map(|d| d.observations(cutoff)).collect();
        fit_all(&summaries, &observations, &config).map_err(|e| why(&e, cutoff))
    };

    let mut fitted_data = Vec::with_capacity(data.len());
    let mut models = Vec::with_capacity(data.len());
    for (i, d) in data.into_iter().enumerate() {
        progress("fit", i as u64 + 1, fits);
        let summaries = d.summaries(as_of, 1.0);
        let repeat = summaries.iter().filter(|s| s.frequency > 0).count();
        let own = if summaries.len() >= options.min_creators
            && repeat >= options.min_repeat_creators
        {
            fit_all(&summaries, &d.observations(cutoff), &config).map_err(|e| {
                tracing::warn!(market = %d.market.code, error = %e, "a market's own LTV fit failed");
                format!("its own fit failed ({})", why(&e, cutoff))
            })
        } else {
            Err(format!(
                "{} creator(s) and {repeat} repeat seller(s) are fewer than the {} and {} its own \
                 fit needs",
                summaries.len(),
                options.min_creators,
                options.min_repeat_creators
            ))
        };
        let (fitted, borrowed) = match (own, &global) {
            (Ok(own), _) => (own, false),
            (Err(_), Ok(global)) => (
                Fitted {
                    spend: scale_spend(&global.spend, d.mean_day_value),
                    ..global.clone()
                },
                true,
            ),
            (Err(own), Err(global)) => {
                skipped.push(Skipped {
                    market: d.market.code.clone(),
                    creators: d.histories.len(),
                    reason: format!("{own}, and the platform-wide fit failed: {global}"),
                });
                continue;
            }
        };
        models.push((fitted, borrowed));
        fitted_data.push(d);
    }
    let data = fitted_data;
    skipped.sort_by(|a, b| a.market.cmp(&b.market));
    for s in &skipped {
        tracing::info!(market = %s.market, reason = %s.reason, "LTV fit skipped");
    }

    let total: usize = data.iter().map(|d| d.histories.len()).sum();
    let mut report = Report {
        as_of,
        skipped,
        ..Report::default()
    };
    let mut rows = Vec::with_capacity(total);
    let (mut all_ltv, mut all_past) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (d, (fitted, borrowed)) in data.iter().zip(&models) {
        let model = predictor(
            &fitted.count,
            &fitted.spend,
            d.mean_day_value,
            config.clone(),
        )?;
        let (mut ltv, mut past) = (Vec::new(), Vec::new());
        for h in &d.histories {
            progress(
                "predict",
                rows.len() as u64 + report.unpredicted as u64,
                total as u64,
            );
            match estimate(&model, &fitted.calibration.buckets, h, as_of) {
                Ok(e) => {
                    ltv.push(e.ltv_minor as f64);
                    past.push(h.past_year_gmv_minor as f64);
                    rows.push(prediction_row(h.creator_id, &d.market, as_of, &e));
                }
                Err(reason) => {
                    tracing::debug!(creator = h.creator_id, %reason, "no LTV");
                    report.unpredicted += 1;
                }
            }
        }
        report.markets.push(MarketReport {
            market: d.market.code.clone(),
            kind: kind_code(fitted.count.params.kind),
            borrowed_from_global: *borrowed,
            converged: fitted.count.converged && fitted.spend.converged,
            creators: d.histories.len(),
            predicted: ltv.len(),
            spearman: scoring::stats::spearman(&ltv, &past),
        });
        all_ltv.extend(ltv);
        all_past.extend(past);
    }
    report.predicted = rows.len();
    report.spearman = scoring::stats::spearman(&all_ltv, &all_past);

    let txn = crate::db::begin_write(db).await?;
    creator_ltv::Entity::delete_many().exec(&txn).await?;
    ltv_market_model::Entity::delete_many().exec(&txn).await?;
    for (d, (fitted, borrowed)) in data.iter().zip(&models) {
        ltv_market_model::Entity::insert(model_row(d, fitted, *borrowed, as_of, options.now)?)
            .exec_without_returning(&txn)
            .await?;
    }
    let chunks = rows.len().div_ceil(crate::db::rows_per_insert(11)) as u64;
    for (i, chunk) in rows.chunks(crate::db::rows_per_insert(11)).enumerate() {
        progress("store", i as u64, chunks);
        creator_ltv::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    progress("store", chunks, chunks);
    Ok(report)
}

fn model_row(
    d: &MarketData,
    f: &Fitted,
    borrowed: bool,
    as_of: Day,
    now: DateTime<Utc>,
) -> ApiResult<ltv_market_model::ActiveModel> {
    let (c, s) = (f.count.params.params, f.spend.params);
    Ok(ltv_market_model::ActiveModel {
        market_code: Set(d.market.code.clone()),
        currency: Set(d.market.currency.clone()),
        kind: Set(kind_code(f.count.params.kind).to_owned()),
        r: Set(c.r),
        alpha: Set(c.alpha),
        a: Set(c.a),
        b: Set(c.b),
        p: Set(s.p),
        q: Set(s.q),
        v: Set(s.v),
        count_log_likelihood: Set(f.count.log_likelihood),
        spend_log_likelihood: Set(f.spend.log_likelihood),
        creators: Set(f.creators as i64),
        repeat_creators: Set(f.repeat_creators as i64),
        converged: Set(f.count.converged && f.spend.converged),
        borrowed_from_global: Set(borrowed),
        mean_day_value_minor: Set(d.mean_day_value),
        count_fit: Set(to_json(&f.count)?),
        spend_fit: Set(to_json(&f.spend)?),
        calibration: Set(to_json(&f.calibration)?),
        as_of: Set(as_of.number()),
        fitted_at: Set(now),
    })
}

/// A stored JSON document.
fn to_json<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| ApiError::internal("serialising an LTV fit", e))
}

fn prediction_row(
    creator_id: i64,
    market: &market::Model,
    as_of: Day,
    e: &Estimate,
) -> creator_ltv::ActiveModel {
    creator_ltv::ActiveModel {
        creator_id: Set(creator_id),
        market_code: Set(market.code.clone()),
        p_active: Set(e.p_active),
        expected_selling_days: Set(e.expected_selling_days),
        expected_orders: Set(e.expected_orders),
        expected_gmv_minor: Set(e.expected_gmv_minor),
        ltv_minor: Set(e.ltv_minor),
        ltv_low_minor: Set(e.interval_minor.map(|i| i.0)),
        ltv_high_minor: Set(e.interval_minor.map(|i| i.1)),
        holdout_ratio: Set(e.holdout_ratio),
        currency: Set(market.currency.clone()),
        as_of: Set(as_of.number()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_money_scales_v_and_its_spread_only() {
        let summaries: Vec<Summary> = (1..60)
            .map(|i| Summary {
                monetary_value: 10.0 + f64::from(i % 7) * 3.0,
                ..Summary::new(1 + i % 4, 10.0, 50.0)
            })
            .collect();
        let config = LtvConfig::default();
        let fit = GammaGammaParams::fit(&summaries, &config).unwrap();
        let scaled_data: Vec<Summary> = summaries
            .iter()
            .map(|s| Summary {
                monetary_value: s.monetary_value * 100.0,
                ..*s
            })
            .collect();
        let refit = GammaGammaParams::fit(&scaled_data, &config).unwrap();
        let scaled = scale_spend(&fit, 100.0);
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(rel(scaled.params.v, refit.params.v) < 1e-4);
        assert!(rel(scaled.params.p, refit.params.p) < 1e-4);
        assert!(rel(scaled.log_likelihood, refit.log_likelihood) < 1e-6);
        let (se, want) = (
            scaled.standard_errors.unwrap(),
            refit.standard_errors.unwrap(),
        );
        for k in 0..3 {
            assert!(rel(se[k], want[k]) < 1e-3, "{k}: {} vs {}", se[k], want[k]);
        }
    }
}
