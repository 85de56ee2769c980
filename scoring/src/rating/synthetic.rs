//! Seeded synthetic shops of every quality and size, for benches, tests and the API's demo.
//!
//! Each shop draws a hidden quality and a daily order volume; its daily aggregates, content and
//! violations follow from them with binomial and Poisson noise, so tiers spread over
//! S/A/B/C/Unrated. Shop `i` depends only on `(seed, i)`: any subset can be regenerated alone.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution, Normal, Poisson};
use serde::{Deserialize, Serialize};

use super::input::{
    ContentSample, DailyAggregate, Day, EvaluationKind, Severity, ShopInputs, Violation,
};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SyntheticConfig {
    /// Number of shops.
    pub shops: u64,
    /// Seed; the same seed gives the same shops.
    pub seed: u64,
    /// Evaluation day (also `now`).
    pub as_of: Day,
    /// Days of history generated before `as_of` (at most; young shops have less).
    pub history_days: u32,
}

impl Default for SyntheticConfig {
    /// 1,000 shops, seed 42, evaluated on day 20,000 (2024-10-04), 120 days of history.
    fn default() -> Self {
        SyntheticConfig {
            shops: 1_000,
            seed: 42,
            as_of: Day::new(20_000),
            history_days: 120,
        }
    }
}

/// A generated shop with the hidden truth behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticShop {
    /// Index of the shop, 0-based.
    pub index: u64,
    /// Hidden quality in 0-1 (1 = flawless); the rating should broadly agree with it.
    pub quality: f64,
    /// Mean orders per day.
    pub daily_orders: f64,
    /// The inputs to rate it (an official evaluation on `as_of`).
    pub inputs: ShopInputs,
}

/// Generates `config.shops` shops.
pub fn generate(config: &SyntheticConfig) -> Vec<SyntheticShop> {
    (0..config.shops).map(|i| shop(config, i)).collect()
}

fn binomial(rng: &mut StdRng, n: u32, p: f64) -> u32 {
    // p is clamped to [0, 1], for which Binomial::new cannot fail.
    Binomial::new(u64::from(n), p.clamp(0.0, 1.0))
        .map_or(0, |b| u32::try_from(b.sample(rng)).unwrap_or(n))
}

/// Generates shop `index` of the set described by `config`.
pub fn shop(config: &SyntheticConfig, index: u64) -> SyntheticShop {
    let mut rng = StdRng::seed_from_u64(
        config.seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let quality: f64 = rng.random();
    let bad = (1.0 - quality).powi(3);
    let daily_orders = (rng.random_range(0.1f64.ln()..40f64.ln())).exp();
    let mut jitter = || rng.random_range(0.6..1.5);
    let late = (0.004 + 0.12 * bad) * jitter();
    let cancel = (0.002 + 0.06 * bad) * jitter();
    let untracked = (0.003 + 0.2 * bad) * jitter();
    let not_on_time = (0.006 + 0.2 * bad) * jitter();
    let handling = (10.0 + 80.0 * bad) * jitter();
    let returns = (0.002 + 0.08 * bad) * jitter();
    let negative = (0.015 + 0.25 * bad) * jitter();
    let violation = (0.003 + 0.1 * bad * bad) * jitter();
    let top_stars = 0.95 - 0.5 * bad;
    let content_per_day = rng.random_range(0.05..1.5);
    let content_mean = 80.0 - 60.0 * bad;

    let age = rng.random_range(14..=1500);
    let opened_at = config.as_of - age;
    let first = opened_at.max(config.as_of - config.history_days as i32 + 1);
    let orders_dist = Poisson::new(daily_orders).ok();
    let content_dist = Poisson::new(content_per_day).ok();
    let score_dist = Normal::new(content_mean, 10.0).ok();

    let mut days = Vec::new();
    let mut content = Vec::new();
    let mut violations = Vec::new();
    for day in first.through(config.as_of) {
        let orders = orders_dist.map_or(0.0, |d| d.sample(&mut rng)) as u32;
        if orders > 0 {
            let cancellations = binomial(&mut rng, orders, cancel);
            let shipped = orders - cancellations;
            let delivered = binomial(&mut rng, shipped, 0.97);
            let reviews = binomial(&mut rng, delivered, 0.15);
            let negatives = binomial(&mut rng, reviews, negative);
            let positives = reviews - negatives;
            days.push(DailyAggregate {
                day,
                orders,
                shipped,
                late_dispatches: binomial(&mut rng, shipped, late),
                seller_fault_cancellations: cancellations,
                valid_tracking: shipped - binomial(&mut rng, shipped, untracked),
                delivered,
                delivered_on_time: delivered - binomial(&mut rng, delivered, not_on_time),
                handling_hours: (f64::from(shipped) * handling * rng.random_range(0.8..1.2)) as u32,
                seller_fault_returns: binomial(&mut rng, delivered, returns),
                first_reviews: reviews,
                negative_first_reviews: negatives,
                first_review_stars: negatives
                    + binomial(&mut rng, negatives, 0.5)
                    + 3 * positives
                    + binomial(&mut rng, positives, top_stars)
                    + binomial(&mut rng, positives, top_stars),
            });
        }
        let pieces = content_dist.map_or(0.0, |d| d.sample(&mut rng)) as u32;
        for _ in 0..pieces {
            let score = score_dist.map_or(content_mean, |d| d.sample(&mut rng));
            content.push(ContentSample {
                day,
                score: score.clamp(0.0, 100.0),
            });
            if rng.random_bool(violation.min(1.0)) {
                let roll: f64 = rng.random();
                let severity = if roll < 0.02 {
                    Severity::Severe
                } else if roll < 0.2 {
                    Severity::Major
                } else {
                    Severity::Minor
                };
                violations.push(Violation { day, severity });
            }
        }
    }
    SyntheticShop {
        index,
        quality,
        daily_orders,
        inputs: ShopInputs {
            opened_at,
            as_of: config.as_of,
            now: config.as_of,
            kind: EvaluationKind::Official,
            days,
            violations,
            content,
            priors: None,
        },
    }
}
