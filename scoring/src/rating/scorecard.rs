//! Metric, dimension and overall scores of one shop on one day, and the tier they qualify for.

use serde::{Deserialize, Serialize};

use super::config::RatingConfig;
use super::error::RatingError;
use super::input::{Day, ShopInputs};
use super::metric::{Dimension, Metric, PerMetric, map_score};
use super::tier::{Blocker, Eligibility, Tier, qualify};
use super::window::Windows;

/// One metric of one shop: its window, counts, shrunk value and score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricScore {
    /// Which metric.
    pub metric: Metric,
    /// Window it was measured on (its base window, or wider when events were too few).
    pub window_days: u32,
    /// Events in the window (orders, reviews, pieces of content).
    pub events: u64,
    /// What those events add up to (bad orders, hours, stars, content points).
    pub numerator: f64,
    /// Market-and-category mean the value is shrunk toward.
    pub prior: f64,
    /// The shop's own value, `numerator / events`; `None` without events.
    pub raw_value: Option<f64>,
    /// Shrunk value `(numerator + k * prior) / (events + k)`, the one that is scored.
    pub value: f64,
    /// 0-100 score of `value`.
    pub score: f64,
    /// Bad events behind the value, measured against a clean record (for rates, the count).
    pub bad_events: f64,
    /// At or beyond the recall threshold with at least the configured bad events: tier C.
    pub breach: bool,
}

impl MetricScore {
    /// Scores a metric from its window counts. `k` pseudo-events at the prior keep a handful of
    /// orders from swinging a tier (a Bayesian average, as in IMDb's top 250).
    pub fn compute(
        metric: Metric,
        window_days: u32,
        numerator: f64,
        events: u64,
        prior: f64,
        config: &RatingConfig,
    ) -> MetricScore {
        let mc = &config.metrics[metric];
        let k = config.prior_strength;
        let n = events as f64;
        let value = (numerator + k * prior) / (n + k);
        let higher = metric.higher_is_better();
        let t = &config.tiers;
        let score = map_score(
            value,
            higher,
            mc.anchors(),
            t.a_metric_floor,
            t.s_metric_floor,
        );
        let bad_events = bad_events(metric, numerator, events, config);
        let sign = if higher { 1.0 } else { -1.0 };
        let beyond_recall = sign * value <= sign * mc.recall;
        MetricScore {
            metric,
            window_days,
            events,
            numerator,
            prior,
            raw_value: (events > 0).then(|| numerator / n),
            value,
            score,
            bad_events,
            breach: beyond_recall && bad_events >= f64::from(t.breach_min_bad_events),
        }
    }

    /// The same metric with `bad` more bad events and `clean` more clean events, all else equal.
    pub fn with_extra_events(&self, bad: u64, clean: u64, config: &RatingConfig) -> MetricScore {
        let mc = &config.metrics[self.metric];
        MetricScore::compute(
            self.metric,
            self.window_days,
            self.numerator + bad as f64 * mc.bad_event + clean as f64 * mc.clean_event,
            self.events + bad + clean,
            self.prior,
            config,
        )
    }
}

/// Bad events behind `numerator` over `events`, measured against a record of clean events: the
/// count itself for rates; for hours, stars and content points, the shortfall in bad-event units.
pub(crate) fn bad_events(
    metric: Metric,
    numerator: f64,
    events: u64,
    config: &RatingConfig,
) -> f64 {
    let mc = &config.metrics[metric];
    let sign = if metric.higher_is_better() { 1.0 } else { -1.0 };
    let shortfall = (sign * (mc.clean_event * events as f64 - numerator)).max(0.0);
    shortfall / (mc.clean_event - mc.bad_event).abs()
}

/// The three dimension scores, each the mean of its metric scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DimensionScores {
    /// Content quality, 0-100.
    pub content: f64,
    /// Product experience, 0-100.
    pub product: f64,
    /// Fulfilment service, 0-100.
    pub fulfilment: f64,
}

impl DimensionScores {
    /// The score of a dimension.
    pub fn of(&self, dimension: Dimension) -> f64 {
        match dimension {
            Dimension::Content => self.content,
            Dimension::Product => self.product,
            Dimension::Fulfilment => self.fulfilment,
        }
    }
}

/// Everything the scores say about a shop on one day, before hysteresis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Evaluation day.
    pub as_of: Day,
    /// Every metric's score, in [`Metric::ALL`] order.
    pub metrics: PerMetric<MetricScore>,
    /// Dimension scores.
    pub dimensions: DimensionScores,
    /// Weighted overall score, 0-100.
    pub overall: f64,
    /// Volume, age and severe violations the gates look at.
    pub eligibility: Eligibility,
    /// Tier the scores and gates qualify for today (no hysteresis).
    pub tier: Tier,
    /// Gates blocking the next tier up (or putting the shop in C or Unrated).
    pub blockers: Vec<Blocker>,
}

impl Scorecard {
    /// Scores a shop from its inputs. Validates config and inputs; never divides by zero (a shop
    /// with no orders gets its priors and is Unrated).
    pub fn compute(inputs: &ShopInputs, config: &RatingConfig) -> Result<Scorecard, RatingError> {
        config.validate()?;
        inputs.validate()?;
        Ok(Scorecard::compute_validated(inputs, config))
    }

    /// [`Scorecard::compute`] without validation, for callers that validated already.
    pub(crate) fn compute_validated(inputs: &ShopInputs, config: &RatingConfig) -> Scorecard {
        let windows = Windows::build(inputs, config);
        let metrics = PerMetric::from_fn(|metric| {
            let (days, numerator, events) = windows.for_metric(metric, config);
            let prior = inputs
                .priors
                .map_or(config.metrics[metric].default_prior, |p| p[metric]);
            MetricScore::compute(metric, days, numerator, events, prior, config)
        });
        let eligibility = Eligibility {
            orders: windows.eligible_orders(config),
            age_days: inputs.as_of - inputs.opened_at,
            severe_violations: windows.severe_violations(config),
            window_days: config.windows.eligibility_days,
        };
        Scorecard::assemble(inputs.as_of, metrics, eligibility, config)
    }

    fn assemble(
        as_of: Day,
        metrics: PerMetric<MetricScore>,
        eligibility: Eligibility,
        config: &RatingConfig,
    ) -> Scorecard {
        let mean = |dimension: Dimension| {
            let (sum, n) = metrics
                .0
                .iter()
                .filter(|m| m.metric.dimension() == dimension)
                .fold((0.0, 0.0), |(s, n), m| (s + m.score, n + 1.0));
            sum / n
        };
        let dimensions = DimensionScores {
            content: mean(Dimension::Content),
            product: mean(Dimension::Product),
            fulfilment: mean(Dimension::Fulfilment),
        };
        let overall = Dimension::ALL
            .iter()
            .map(|d| config.weights.of(*d) * dimensions.of(*d))
            .sum();
        let scores = metrics.0.map(|m| m.score);
        let breaches: Vec<_> = metrics
            .0
            .iter()
            .filter(|m| m.breach)
            .map(|m| (m.metric, m.value, config.metrics[m.metric].recall))
            .collect();
        let (tier, blockers) = qualify(&scores, &breaches, overall, &eligibility, &config.tiers);
        Scorecard {
            as_of,
            metrics,
            dimensions,
            overall,
            eligibility,
            tier,
            blockers,
        }
    }

    /// The scorecard if `metric` had `bad` more bad events and `clean` more clean ones, all else
    /// equal: the what-if behind the improvement hints, public so callers can check them.
    pub fn with_extra_events(
        &self,
        metric: Metric,
        bad: u64,
        clean: u64,
        config: &RatingConfig,
    ) -> Scorecard {
        let mut metrics = self.metrics;
        metrics[metric] = metrics[metric].with_extra_events(bad, clean, config);
        Scorecard::assemble(self.as_of, metrics, self.eligibility, config)
    }
}
