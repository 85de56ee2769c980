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

/// Fewest customers a bucket needs before its miss is trusted (below it, one customer's
/// luck would move the ratio).
pub const MIN_BUCKET_CUSTOMERS: usize = 30;

/// How far off the model was on the holdout for customers with `frequency` repeat purchases
/// before it: actual over predicted mean purchases of their bucket (1.3 = it under-predicted
/// by 30%). `None` when the bucket is too small to say ([`MIN_BUCKET_CUSTOMERS`]) or the
/// model predicted nothing for it.
pub fn miss_ratio(buckets: &[FrequencyBucket], frequency: u32) -> Option<f64> {
    let b = buckets
        .iter()
        .find(|b| b.frequency == frequency.min(TOP_BUCKET))?;
    (b.customers >= MIN_BUCKET_CUSTOMERS && b.predicted_mean > 0.0 && b.actual_mean.is_finite())
        .then(|| b.actual_mean / b.predicted_mean)
}

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
            correlation: crate::stats::pearson(&predicted, &actual).unwrap_or(0.0),
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ltv::LtvInterval;

    fn bucket(frequency: u32, customers: usize, actual: f64, predicted: f64) -> FrequencyBucket {
        FrequencyBucket {
            frequency,
            customers,
            actual_mean: actual,
            predicted_mean: predicted,
        }
    }

    #[test]
    fn the_miss_is_read_from_the_customers_bucket_when_it_is_big_enough() {
        let buckets = [
            bucket(0, 500, 0.13, 0.10),
            bucket(1, MIN_BUCKET_CUSTOMERS - 1, 2.0, 1.0),
            bucket(2, 40, 0.0, 0.0),
            bucket(7, 60, 3.0, 4.0),
        ];
        assert!((miss_ratio(&buckets, 0).unwrap() - 1.3).abs() < 1e-12);
        assert_eq!(miss_ratio(&buckets, 1), None, "too few customers");
        assert_eq!(miss_ratio(&buckets, 2), None, "nothing predicted");
        assert_eq!(miss_ratio(&buckets, 5), None, "no bucket");
        assert_eq!(
            miss_ratio(&buckets, 12),
            Some(0.75),
            "7 and more share the top bucket"
        );
    }

    #[test]
    fn an_interval_covering_the_miss_spans_the_scaled_interval_too() {
        let i = LtvInterval {
            low: 90.0,
            high: 110.0,
            level: 0.9,
        };
        let under = i.covering_miss(1.3);
        assert_eq!((under.low, under.level), (90.0, 0.9));
        assert!((under.high - 143.0).abs() < 1e-9);
        let over = i.covering_miss(0.5);
        assert_eq!((over.low, over.high), (45.0, 110.0));
        for ratio in [1.0, f64::NAN, 0.0, -2.0] {
            assert_eq!(i.covering_miss(ratio), i, "{ratio}");
        }
    }
}
