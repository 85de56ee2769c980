//! Calibration/holdout check of a count model, and the choice between BG/NBD and MBG/NBD by
//! how well each predicts the holdout period.

use super::config::LtvConfig;
use super::count::{CountModel, DropoutModel, check_horizon};
use super::error::LtvError;
use super::fit::Fit;
use super::summary::Summary;
use serde::{Deserialize, Serialize};

/// One customer: calibration summary and repeat purchases counted in the holdout period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HoldoutObservation {
    /// Summary over the calibration period.
    pub calibration: Summary,
    /// Purchases in the holdout period.
    pub holdout_transactions: u32,
}

/// Predicted against actual holdout purchases for customers with one calibration frequency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FrequencyBucket {
    /// Calibration frequency; the last bucket (7) holds every frequency >= 7.
    pub frequency: u32,
    /// Customers in the bucket.
    pub customers: usize,
    /// Mean actual holdout purchases.
    pub actual_mean: f64,
    /// Mean predicted holdout purchases.
    pub predicted_mean: f64,
}

/// How well a count model predicts the holdout period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutReport {
    /// Buckets of calibration frequency 0..=6 and 7+ (empty buckets included).
    pub buckets: Vec<FrequencyBucket>,
    /// Total actual holdout purchases.
    pub actual_total: f64,
    /// Total predicted holdout purchases.
    pub predicted_total: f64,
    /// Mean squared error of the per-customer predictions.
    pub mean_squared_error: f64,
    /// Pearson correlation of per-customer predictions and actual counts (0 if either is constant).
    pub correlation: f64,
}

/// Last bucket: every calibration frequency from here up.
const TOP_BUCKET: u32 = 7;

impl HoldoutReport {
    /// Predicts each customer's purchases over `duration` after calibration and compares.
    pub fn new(
        model: &CountModel,
        observations: &[HoldoutObservation],
        duration: f64,
        config: &LtvConfig,
    ) -> Result<Self, LtvError> {
        check_horizon(duration)?;
        if observations.is_empty() {
            return Err(LtvError::EmptyHoldout);
        }
        let predicted = observations
            .iter()
            .enumerate()
            .map(|(index, o)| {
                model
                    .expected_transactions(&o.calibration, duration, config)
                    .map_err(|e| match e {
                        LtvError::Summary(source) => LtvError::Row { index, source },
                        other => other,
                    })
            })
            .collect::<Result<Vec<f64>, LtvError>>()?;
        let actual: Vec<f64> = observations
            .iter()
            .map(|o| f64::from(o.holdout_transactions))
            .collect();
        let mut buckets: Vec<FrequencyBucket> = (0..=TOP_BUCKET)
            .map(|frequency| FrequencyBucket {
                frequency,
                customers: 0,
                actual_mean: 0.0,
                predicted_mean: 0.0,
            })
            .collect();
        for ((o, a), p) in observations.iter().zip(&actual).zip(&predicted) {
            let b = &mut buckets[o.calibration.frequency.min(TOP_BUCKET) as usize];
            b.customers += 1;
            b.actual_mean += a;
            b.predicted_mean += p;
        }
        for b in buckets.iter_mut().filter(|b| b.customers > 0) {
            b.actual_mean /= b.customers as f64;
            b.predicted_mean /= b.customers as f64;
        }
        let n = actual.len() as f64;
        let mean_squared_error = actual
            .iter()
            .zip(&predicted)
            .map(|(a, p)| (a - p) * (a - p))
            .sum::<f64>()
            / n;
        Ok(Self {
            buckets,
            actual_total: actual.iter().sum(),
            predicted_total: predicted.iter().sum(),
            mean_squared_error,
            correlation: correlation(&predicted, &actual),
        })
    }
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// Both candidate fits with their holdout reports, and the one chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelChoice {
    /// The fit with the lower holdout mean squared error (BG/NBD on a tie).
    pub chosen: Fit<CountModel>,
    /// BG/NBD fit on the calibration summaries and its holdout report.
    pub bgnbd: (Fit<CountModel>, HoldoutReport),
    /// Modified BG/NBD fit and its holdout report.
    pub modified: (Fit<CountModel>, HoldoutReport),
}

/// Fits BG/NBD and MBG/NBD on the calibration summaries and keeps the one whose per-customer
/// holdout predictions have the lower mean squared error. Refit the chosen variant on the full
/// history before scoring.
pub fn choose_count_model(
    observations: &[HoldoutObservation],
    duration: f64,
    config: &LtvConfig,
) -> Result<ModelChoice, LtvError> {
    let calibration: Vec<Summary> = observations.iter().map(|o| o.calibration).collect();
    let assess = |kind| -> Result<(Fit<CountModel>, HoldoutReport), LtvError> {
        let fit = CountModel::fit(kind, &calibration, config)?;
        let report = HoldoutReport::new(&fit.params, observations, duration, config)?;
        Ok((fit, report))
    };
    let bgnbd = assess(DropoutModel::BgNbd)?;
    let modified = assess(DropoutModel::ModifiedBgNbd)?;
    let chosen = if modified.1.mean_squared_error < bgnbd.1.mean_squared_error {
        modified.0.clone()
    } else {
        bgnbd.0.clone()
    };
    Ok(ModelChoice {
        chosen,
        bgnbd,
        modified,
    })
}
