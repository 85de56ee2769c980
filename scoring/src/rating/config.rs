//! Every tunable of the rating in one struct, with documented defaults and validation.

use serde::{Deserialize, Serialize};

use super::error::RatingError;
use super::metric::{Dimension, Metric, PerMetric};
use super::perks::PerksConfig;

/// How one metric's value turns into a score, and what one bad or clean event is worth.
///
/// Values are in the metric's own unit: a fraction for rates, hours, stars, content points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricConfig {
    /// Recall threshold: at or beyond it the score is 0 and the shop is in breach (C).
    pub recall: f64,
    /// Platform minimum: scores the A floor (60 by default).
    pub minimum: f64,
    /// Top-tier standard: scores the S floor (85 by default).
    pub top: f64,
    /// Best practice: scores 100.
    pub best: f64,
    /// What one bad event adds to the numerator (1 for a bad order; 1 star; 96 hours...).
    pub bad_event: f64,
    /// What one clean event adds to the numerator (0 for a clean order; 5 stars; 12 hours...).
    pub clean_event: f64,
    /// Platform-wide mean used when the caller passes no market-and-category prior.
    pub default_prior: f64,
}

impl MetricConfig {
    /// The four anchors in score order: recall (0), minimum, top, best (100).
    pub fn anchors(&self) -> [f64; 4] {
        [self.recall, self.minimum, self.top, self.best]
    }
}

/// Rolling windows (days) and when they widen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowConfig {
    /// Content metrics' window (90, like TikTok's creator score).
    pub content_days: u32,
    /// Product metrics' window (60, like TikTok's review and return rates).
    pub product_days: u32,
    /// Fulfilment metrics' window (30, like TikTok and Amazon).
    pub fulfilment_days: u32,
    /// Window for the volume gates (orders needed to be rated, orders needed for S) (90).
    pub eligibility_days: u32,
    /// Wider windows tried in turn when a metric has fewer than `min_events` (90, 180, 365,
    /// like eBay's 3-month / 12-month rule).
    pub widen_to: Vec<u32>,
    /// Events a metric needs before its window stops widening (100).
    pub min_events: u32,
}

impl WindowConfig {
    /// The base window of a dimension.
    pub fn base_days(&self, dimension: Dimension) -> u32 {
        match dimension {
            Dimension::Content => self.content_days,
            Dimension::Product => self.product_days,
            Dimension::Fulfilment => self.fulfilment_days,
        }
    }
}

/// Weights of the three dimensions in the overall score; they must add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DimensionWeights {
    /// Content quality (0.25).
    pub content: f64,
    /// Product experience (0.35).
    pub product: f64,
    /// Fulfilment service (0.40).
    pub fulfilment: f64,
}

impl DimensionWeights {
    /// The weight of a dimension.
    pub fn of(&self, dimension: Dimension) -> f64 {
        match dimension {
            Dimension::Content => self.content,
            Dimension::Product => self.product,
            Dimension::Fulfilment => self.fulfilment,
        }
    }
}

/// Tier thresholds and gates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TierConfig {
    /// Overall score for S (90).
    pub s_score: f64,
    /// Overall score for A (80).
    pub a_score: f64,
    /// Overall score for B (65); below it the shop is C.
    pub b_score: f64,
    /// Score every metric needs for S; also the score of a metric's `top` anchor (85).
    pub s_metric_floor: f64,
    /// Score every metric needs for A; also the score of a metric's `minimum` anchor (60).
    pub a_metric_floor: f64,
    /// Orders in the eligibility window needed for S (100, like eBay Top Rated).
    pub s_min_orders: u32,
    /// Shop age in days needed for S (90).
    pub s_min_age_days: u32,
    /// Orders in the eligibility window below which a shop is Unrated (30, like TikTok's SPS).
    pub min_orders_rated: u32,
    /// Bad events a metric needs before a recall breach counts (3): one unlucky order never
    /// makes a C, as sellers complained of on eBay and Amazon.
    pub breach_min_bad_events: u32,
}

/// What each upheld violation adds to the violation rate's numerator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeverityWeights {
    /// Minor violation (1).
    pub minor: f64,
    /// Major violation (3).
    pub major: f64,
    /// Severe violation (10); it also demotes to C on its own.
    pub severe: f64,
}

/// How tiers move between evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HysteresisConfig {
    /// Consecutive official evaluations below the tier before a demotion (2, like Shopee).
    pub demote_after: u32,
    /// Points under the current tier's threshold that demote at once (3).
    pub far_below_margin: f64,
    /// Days after a performance fall to C before restrictions apply (90, like eBay).
    pub grace_days: u32,
    /// Days the grace period is extended by at an official evaluation that shows improvement (30).
    pub grace_extension_days: u32,
    /// Overall points gained since the last official evaluation that count as improving (1).
    pub grace_min_improvement: f64,
    /// Day of the month official evaluations are due (1, as Shopee's and LazMall's monthly
    /// reviews); 1 to 28, so every month has it.
    pub official_day_of_month: u32,
}

/// All tunables of the shop rating. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingConfig {
    /// Per-metric anchors, event weights and default priors.
    pub metrics: PerMetric<MetricConfig>,
    /// Windows and widening.
    pub windows: WindowConfig,
    /// Pseudo-events of prior mean added to every metric (50): with 3 orders the prior dominates,
    /// with 1,000 the shop's own record does.
    pub prior_strength: f64,
    /// Dimension weights of the overall score.
    pub weights: DimensionWeights,
    /// Tier thresholds and gates.
    pub tiers: TierConfig,
    /// Violation severity weights.
    pub severity: SeverityWeights,
    /// Hysteresis and grace period.
    pub hysteresis: HysteresisConfig,
    /// Perks per tier.
    pub perks: PerksConfig,
}

impl Default for RatingConfig {
    fn default() -> Self {
        let m = |recall, minimum, top, best, bad_event, clean_event, default_prior| MetricConfig {
            recall,
            minimum,
            top,
            best,
            bad_event,
            clean_event,
            default_prior,
        };
        let metrics = PerMetric::from_fn(|metric| match metric {
            Metric::ViolationRate => m(0.10, 0.03, 0.01, 0.0, 1.0, 0.0, 0.01),
            // Content scores are cohort percentiles, 50 on average by construction, and a
            // shop's mean over the content selling its products (made by many creators) is
            // shrunk toward that: 55 is already about the top decile of shops, 45 the bottom
            // fifth. The anchors sit on that scale, not on the 0-100 range.
            Metric::ContentScore => m(25.0, 42.0, 55.0, 70.0, 20.0, 80.0, 50.0),
            Metric::NegativeReviewRate => m(0.25, 0.10, 0.05, 0.02, 1.0, 0.0, 0.06),
            Metric::SellerFaultReturnRate => m(0.08, 0.03, 0.01, 0.002, 1.0, 0.0, 0.012),
            Metric::AverageRating => m(3.0, 4.0, 4.5, 4.9, 1.0, 5.0, 4.4),
            Metric::LateDispatchRate => m(0.10, 0.04, 0.03, 0.005, 1.0, 0.0, 0.02),
            Metric::SellerFaultCancellationRate => m(0.05, 0.025, 0.01, 0.002, 1.0, 0.0, 0.008),
            Metric::ValidTrackingRate => m(0.80, 0.95, 0.98, 0.995, 0.0, 1.0, 0.97),
            Metric::OnTimeDeliveryRate => m(0.80, 0.90, 0.97, 0.995, 0.0, 1.0, 0.94),
            Metric::HandlingHours => m(96.0, 48.0, 24.0, 12.0, 96.0, 12.0, 30.0),
        });
        RatingConfig {
            metrics,
            windows: WindowConfig {
                content_days: 90,
                product_days: 60,
                fulfilment_days: 30,
                eligibility_days: 90,
                widen_to: vec![90, 180, 365],
                min_events: 100,
            },
            prior_strength: 50.0,
            weights: DimensionWeights {
                content: 0.25,
                product: 0.35,
                fulfilment: 0.40,
            },
            tiers: TierConfig {
                s_score: 90.0,
                a_score: 80.0,
                b_score: 65.0,
                s_metric_floor: 85.0,
                a_metric_floor: 60.0,
                s_min_orders: 100,
                s_min_age_days: 90,
                min_orders_rated: 30,
                breach_min_bad_events: 3,
            },
            severity: SeverityWeights {
                minor: 1.0,
                major: 3.0,
                severe: 10.0,
            },
            hysteresis: HysteresisConfig {
                demote_after: 2,
                far_below_margin: 3.0,
                grace_days: 90,
                grace_extension_days: 30,
                grace_min_improvement: 1.0,
                official_day_of_month: 1,
            },
            perks: PerksConfig::default(),
        }
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), RatingError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(RatingError::InvalidConfigValue {
            name,
            expected: "finite and > 0",
            value,
        })
    }
}

impl RatingConfig {
    /// Checks the config is coherent; call once after loading it. `evaluate` calls it too.
    pub fn validate(&self) -> Result<(), RatingError> {
        let t = &self.tiers;
        if !(0.0 <= t.b_score
            && t.b_score < t.a_score
            && t.a_score < t.s_score
            && t.s_score <= 100.0)
        {
            return Err(RatingError::ThresholdsNotMonotone {
                s: t.s_score,
                a: t.a_score,
                b: t.b_score,
            });
        }
        if !(0.0 < t.a_metric_floor
            && t.a_metric_floor < t.s_metric_floor
            && t.s_metric_floor < 100.0)
        {
            return Err(RatingError::FloorsNotMonotone {
                s: t.s_metric_floor,
                a: t.a_metric_floor,
            });
        }
        let w = &self.weights;
        let sum = w.content + w.product + w.fulfilment;
        if [w.content, w.product, w.fulfilment]
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0)
            || (sum - 1.0).abs() > 1e-9
        {
            return Err(RatingError::WeightsDoNotSumToOne {
                content: w.content,
                product: w.product,
                fulfilment: w.fulfilment,
                sum,
            });
        }
        for (metric, mc) in self.metrics.iter() {
            let sign = if metric.higher_is_better() { 1.0 } else { -1.0 };
            let chain = [
                mc.bad_event,
                mc.recall,
                mc.minimum,
                mc.top,
                mc.best,
                mc.clean_event,
            ]
            .map(|x| sign * x);
            let strict = chain[1..5].windows(2).all(|p| p[0] < p[1]);
            let ends = chain[0] <= chain[1] && chain[4] <= chain[5];
            let finite = chain.iter().all(|x| x.is_finite()) && mc.default_prior.is_finite();
            if !(strict && ends && finite && mc.default_prior >= 0.0) {
                return Err(RatingError::AnchorsNotMonotone {
                    metric,
                    detail: format!(
                        "bad_event={}, recall={}, minimum={}, top={}, best={}, clean_event={}, default_prior={}",
                        mc.bad_event,
                        mc.recall,
                        mc.minimum,
                        mc.top,
                        mc.best,
                        mc.clean_event,
                        mc.default_prior
                    ),
                });
            }
        }
        let win = &self.windows;
        for (name, days) in [
            ("windows.content_days", win.content_days),
            ("windows.product_days", win.product_days),
            ("windows.fulfilment_days", win.fulfilment_days),
            ("windows.eligibility_days", win.eligibility_days),
        ] {
            positive(name, f64::from(days))?;
        }
        if let Some(first) = win.widen_to.first() {
            positive("windows.widen_to", f64::from(*first))?;
        }
        if let Some(bad) = win.widen_to.windows(2).find(|p| p[0] >= p[1]) {
            return Err(RatingError::InvalidConfigValue {
                name: "windows.widen_to",
                expected: "strictly increasing day counts",
                value: f64::from(bad[1]),
            });
        }
        positive("prior_strength", self.prior_strength)?;
        let s = &self.severity;
        for (name, v) in [
            ("severity.minor", s.minor),
            ("severity.major", s.major),
            ("severity.severe", s.severe),
        ] {
            positive(name, v)?;
        }
        let h = &self.hysteresis;
        positive("hysteresis.demote_after", f64::from(h.demote_after))?;
        positive(
            "hysteresis.grace_extension_days",
            f64::from(h.grace_extension_days),
        )?;
        if !(1..=28).contains(&h.official_day_of_month) {
            return Err(RatingError::InvalidConfigValue {
                name: "hysteresis.official_day_of_month",
                expected: "a day of the month from 1 to 28",
                value: f64::from(h.official_day_of_month),
            });
        }
        for (name, v) in [
            ("hysteresis.far_below_margin", h.far_below_margin),
            ("hysteresis.grace_min_improvement", h.grace_min_improvement),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(RatingError::InvalidConfigValue {
                    name,
                    expected: "finite and >= 0",
                    value: v,
                });
            }
        }
        self.perks.validate()
    }
}
