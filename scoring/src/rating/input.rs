//! What the caller hands in: a shop's daily aggregates, its content record and the dates
//! ([`Day`] numbers).

use serde::{Deserialize, Serialize};

use super::error::RatingError;
use super::metric::PerMetric;

pub use crate::day::Day;
pub use crate::severity::Severity;

/// One day of a shop's order record, **by order date**: every count belongs to the cohort of
/// orders placed on `day`, so each order enters and leaves a window exactly once, on a known date.
///
/// The caller must pre-exclude what is not the shop's fault (this is where the marketplaces in
/// the research notes were unfair):
/// - `orders`: fake, sample and gift orders are not counted;
/// - `late_dispatches`: only hand-overs after the handling-time promise; an on-time hand-over the
///   carrier scanned late ("label trap") is not late;
/// - `delivered` / `delivered_on_time`: orders late through carrier fault or force majeure are
///   removed from both;
/// - `seller_fault_returns`: buyer-fault returns (changed mind, wrong size ordered) are excluded;
/// - first reviews: logistics-only reviews, reviews left before delivery and reviews removed by
///   moderation are excluded from `first_reviews`, `negative_first_reviews` and the stars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyAggregate {
    /// The order date of this cohort.
    pub day: Day,
    /// Orders placed (the volume that makes a shop rateable).
    pub orders: u32,
    /// Orders of the cohort handed over to a carrier.
    pub shipped: u32,
    /// Shipped orders handed over after the handling-time promise, by the seller's fault.
    pub late_dispatches: u32,
    /// Orders cancelled by the seller (out of stock, cannot ship).
    pub seller_fault_cancellations: u32,
    /// Shipped orders with valid tracking uploaded in time.
    pub valid_tracking: u32,
    /// Delivered orders, carrier-fault late deliveries excluded.
    pub delivered: u32,
    /// Of `delivered`, those that arrived by the promised date.
    pub delivered_on_time: u32,
    /// Sum over shipped orders of the hours from order to hand-over.
    pub handling_hours: u32,
    /// Returns or refunds caused by the seller (not as described, damaged, wrong item).
    pub seller_fault_returns: u32,
    /// First reviews received on the cohort's orders (exclusions above).
    pub first_reviews: u32,
    /// Of `first_reviews`, those with 1 or 2 stars.
    pub negative_first_reviews: u32,
    /// Sum of stars (1-5) of `first_reviews`.
    pub first_review_stars: u32,
}

impl DailyAggregate {
    /// Checks the counts are mutually consistent; a clear error beats a silently odd rating.
    pub fn validate(&self) -> Result<(), RatingError> {
        let fail = |what: &'static str| {
            Err(RatingError::InconsistentAggregate {
                day: self.day,
                what,
            })
        };
        let (orders, shipped) = (u64::from(self.orders), u64::from(self.shipped));
        if shipped + u64::from(self.seller_fault_cancellations) > orders {
            return fail("shipped + seller_fault_cancellations exceeds orders");
        }
        if self.late_dispatches > self.shipped || self.valid_tracking > self.shipped {
            return fail("late_dispatches or valid_tracking exceeds shipped");
        }
        if self.delivered > self.shipped {
            return fail("delivered exceeds shipped");
        }
        if self.delivered_on_time > self.delivered || self.seller_fault_returns > self.delivered {
            return fail("delivered_on_time or seller_fault_returns exceeds delivered");
        }
        if self.negative_first_reviews > self.first_reviews {
            return fail("negative_first_reviews exceeds first_reviews");
        }
        let (reviews, negative) = (
            u64::from(self.first_reviews),
            u64::from(self.negative_first_reviews),
        );
        let stars = u64::from(self.first_review_stars);
        if stars < reviews + (reviews - negative) * 2
            || stars > 2 * negative + 5 * (reviews - negative)
        {
            return fail(
                "first_review_stars impossible for the review counts (1-2 stars negative, 3-5 others)",
            );
        }
        Ok(())
    }
}

/// An upheld violation (appealed-and-overturned ones must not be passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Day the violation was upheld.
    pub day: Day,
    /// How serious it is.
    pub severity: Severity,
}

/// A piece of content (video or live stream) selling the shop's products, with its score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContentSample {
    /// Day it was published.
    pub day: Day,
    /// Its content score, 0-100 (from `scoring::content`).
    pub score: f64,
}

/// Whether an evaluation is the official monthly one or the daily projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EvaluationKind {
    /// The monthly evaluation: moves the official tier, counts toward hysteresis.
    Official,
    /// The daily projection: shows where the shop is heading without moving its tier (except a
    /// severe violation, which demotes at once).
    Projected,
}

/// Everything needed to rate one shop on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopInputs {
    /// Day the shop opened (for the S-tier age gate).
    pub opened_at: Day,
    /// Day being evaluated; windows end on it, inclusive.
    pub as_of: Day,
    /// Today, per the caller's clock; `as_of` may not be later.
    pub now: Day,
    /// Official monthly evaluation or daily projection.
    pub kind: EvaluationKind,
    /// Daily order aggregates in ascending `day` order, one per day at most; days without
    /// activity may be omitted. Days after `as_of` are ignored.
    pub days: Vec<DailyAggregate>,
    /// Upheld content violations (any order).
    pub violations: Vec<Violation>,
    /// Content selling the shop's products (any order).
    pub content: Vec<ContentSample>,
    /// Market-and-category mean of each metric, the value small samples are shrunk toward;
    /// `None` uses the platform defaults in the config.
    pub priors: Option<PerMetric<f64>>,
}

impl ShopInputs {
    /// Checks dates, ordering and counts; called by [`super::evaluate`].
    pub fn validate(&self) -> Result<(), RatingError> {
        if self.as_of > self.now {
            return Err(RatingError::EvaluationInFuture {
                as_of: self.as_of,
                now: self.now,
            });
        }
        if self.opened_at > self.as_of {
            return Err(RatingError::ShopNotOpen {
                opened_at: self.opened_at,
                as_of: self.as_of,
            });
        }
        for pair in self.days.windows(2) {
            if pair[1].day <= pair[0].day {
                return Err(RatingError::UnsortedDays { day: pair[1].day });
            }
        }
        for day in &self.days {
            day.validate()?;
        }
        if let Some(bad) = self
            .content
            .iter()
            .find(|c| !(0.0..=100.0).contains(&c.score))
        {
            return Err(RatingError::ContentScoreOutOfRange {
                day: bad.day,
                score: bad.score,
            });
        }
        let bad_prior = self
            .priors
            .as_ref()
            .and_then(|p| p.iter().find(|(_, v)| !(v.is_finite() && **v >= 0.0)));
        if let Some((metric, value)) = bad_prior {
            return Err(RatingError::InvalidPrior {
                metric,
                value: *value,
            });
        }
        Ok(())
    }
}
