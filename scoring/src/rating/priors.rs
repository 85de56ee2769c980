//! Market-and-category priors: the pooled mean each small shop is shrunk toward.

use super::config::RatingConfig;
use super::error::RatingError;
use super::input::ShopInputs;
use super::metric::{Metric, PerMetric};
use super::window::Windows;

/// Pooled mean of every metric over a peer group (one market and category), each metric over
/// its base window: `sum of numerators / sum of events`, so big shops weigh by their volume.
/// A metric no peer has events for keeps the config's default prior. Pass the result as
/// [`ShopInputs::priors`] of the group's shops.
pub fn pooled_priors<'a>(
    peers: impl IntoIterator<Item = &'a ShopInputs>,
    config: &RatingConfig,
) -> Result<PerMetric<f64>, RatingError> {
    config.validate()?;
    let mut sums = PerMetric([(0.0, 0u64); Metric::COUNT]);
    for shop in peers {
        shop.validate()?;
        let windows = Windows::build(shop, config);
        for metric in Metric::ALL {
            let base = config.windows.base_days(metric.dimension());
            let (num, events) = windows.over(base).parts(metric);
            sums[metric].0 += num;
            sums[metric].1 += events;
        }
    }
    Ok(PerMetric::from_fn(|metric| match sums[metric] {
        (_, 0) => config.metrics[metric].default_prior,
        (num, events) => num / events as f64,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::input::{DailyAggregate, Day, EvaluationKind};

    fn shop(orders: u32, late: u32) -> ShopInputs {
        ShopInputs {
            opened_at: Day::new(0),
            as_of: Day::new(100),
            now: Day::new(100),
            kind: EvaluationKind::Official,
            days: vec![DailyAggregate {
                day: Day::new(95),
                orders,
                shipped: orders,
                late_dispatches: late,
                ..DailyAggregate::default()
            }],
            violations: Vec::new(),
            content: Vec::new(),
            priors: None,
        }
    }

    #[test]
    fn pooled_by_volume_with_defaults_for_empty_metrics() {
        let config = RatingConfig::default();
        let peers = [shop(100, 10), shop(300, 0)];
        let priors = pooled_priors(&peers, &config).unwrap();
        assert_eq!(priors[Metric::LateDispatchRate], 10.0 / 400.0);
        assert_eq!(
            priors[Metric::AverageRating],
            config.metrics[Metric::AverageRating].default_prior
        );
        let mut bad = shop(1, 2);
        bad.days[0].shipped = 1;
        assert!(pooled_priors([&bad], &config).is_err());
    }
}
