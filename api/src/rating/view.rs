//! The stored (JSON) and served (GraphQL) shapes of a rating's metrics, perks and hints: one
//! type each, so what the API shows is exactly what the evaluation stored.

use crate::days::date_of;
use async_graphql::{Enum, SimpleObject};
use chrono::NaiveDate;
use entities::shop_rating::RatingTier;
use scoring::rating as r;
use serde::{Deserialize, Serialize};

/// The API's tier for the scoring crate's.
pub fn tier(t: r::Tier) -> RatingTier {
    match t {
        r::Tier::S => RatingTier::S,
        r::Tier::A => RatingTier::A,
        r::Tier::B => RatingTier::B,
        r::Tier::C => RatingTier::C,
        r::Tier::Unrated => RatingTier::Unrated,
    }
}

/// The scoring crate's tier for a stored one.
pub fn scoring_tier(t: RatingTier) -> r::Tier {
    match t {
        RatingTier::S => r::Tier::S,
        RatingTier::A => r::Tier::A,
        RatingTier::B => r::Tier::B,
        RatingTier::C => r::Tier::C,
        RatingTier::Unrated => r::Tier::Unrated,
    }
}

/// One of the three dimensions a shop is rated on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingDimension {
    /// The content selling the shop's products: its violations and content scores.
    Content,
    /// The products as buyers judge them: reviews and seller-fault returns.
    Product,
    /// Getting orders to buyers: dispatch, tracking, cancellations, delivery.
    Fulfilment,
}

impl From<r::Dimension> for RatingDimension {
    fn from(d: r::Dimension) -> Self {
        match d {
            r::Dimension::Content => Self::Content,
            r::Dimension::Product => Self::Product,
            r::Dimension::Fulfilment => Self::Fulfilment,
        }
    }
}

/// One of the ten metrics behind the dimensions.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingMetric {
    /// Severity-weighted upheld violations per piece of content (lower is better).
    ViolationRate,
    /// Mean content score of content selling the shop's products (higher is better).
    ContentScore,
    /// Share of first reviews with 1-2 stars (lower is better).
    NegativeReviewRate,
    /// Seller-fault returns per delivered order (lower is better).
    SellerFaultReturnRate,
    /// Mean stars of first reviews (higher is better).
    AverageRating,
    /// Late dispatches per shipped order (lower is better).
    LateDispatchRate,
    /// Seller-fault cancellations per order (lower is better).
    SellerFaultCancellationRate,
    /// Shipped orders with valid tracking (higher is better).
    ValidTrackingRate,
    /// Delivered orders on time, carrier delays excluded (higher is better).
    OnTimeDeliveryRate,
    /// Mean hours from order to hand-over (lower is better).
    HandlingHours,
}

impl From<r::Metric> for RatingMetric {
    fn from(m: r::Metric) -> Self {
        match m {
            r::Metric::ViolationRate => Self::ViolationRate,
            r::Metric::ContentScore => Self::ContentScore,
            r::Metric::NegativeReviewRate => Self::NegativeReviewRate,
            r::Metric::SellerFaultReturnRate => Self::SellerFaultReturnRate,
            r::Metric::AverageRating => Self::AverageRating,
            r::Metric::LateDispatchRate => Self::LateDispatchRate,
            r::Metric::SellerFaultCancellationRate => Self::SellerFaultCancellationRate,
            r::Metric::ValidTrackingRate => Self::ValidTrackingRate,
            r::Metric::OnTimeDeliveryRate => Self::OnTimeDeliveryRate,
            r::Metric::HandlingHours => Self::HandlingHours,
        }
    }
}

/// One metric of a shop on the evaluation day.
#[derive(SimpleObject, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricView {
    /// The metric.
    pub metric: RatingMetric,
    /// The dimension it belongs to.
    pub dimension: RatingDimension,
    /// Days it was measured over (wider than its base window when events were few).
    pub window_days: u32,
    /// Orders, reviews or pieces of content in the window.
    pub events: u64,
    /// The shop's own value; null without events.
    pub raw_value: Option<f64>,
    /// The market-and-category mean small samples are pulled toward.
    pub prior: f64,
    /// The value scored: the shop's own, shrunk toward the prior by its volume.
    pub value: f64,
    /// 0-100.
    pub score: f64,
    /// At or beyond the recall threshold with enough bad events: tier C.
    pub breach: bool,
}

impl From<&r::MetricScore> for MetricView {
    fn from(m: &r::MetricScore) -> Self {
        Self {
            metric: m.metric.into(),
            dimension: m.metric.dimension().into(),
            window_days: m.window_days,
            events: m.events,
            raw_value: m.raw_value,
            prior: m.prior,
            value: m.value,
            score: m.score,
            breach: m.breach,
        }
    }
}

/// A day whose bad events count against a metric, and when they stop counting.
#[derive(SimpleObject, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountingAgainstView {
    /// Order date, publication date or day the violation was upheld.
    pub day: NaiveDate,
    /// Bad events it adds: a count for rates, the shortfall in bad-event units otherwise.
    pub bad_events: f64,
    /// First day it no longer counts.
    pub rolls_off: NaiveDate,
}

/// What one metric needs for the next tier: those holding the shop back first, then by the
/// points they could add.
#[derive(SimpleObject, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImprovementView {
    /// The metric.
    pub metric: RatingMetric,
    /// Days it was measured over.
    pub window_days: u32,
    /// The shop's own value; null without events.
    pub raw_value: Option<f64>,
    /// The value scored: the shop's own, shrunk toward the prior by its volume.
    pub value: f64,
    /// Its score, 0-100.
    pub score: f64,
    /// The tier aimed at (the next one up; S for S shops, to keep it).
    pub target_tier: RatingTier,
    /// The metric value that tier needs.
    pub target_value: f64,
    /// Bad events the metric can still take without changing the tier the scores qualify
    /// for (one more would); null when no count within reach would change it, or in C.
    pub absorbable_bad_events: Option<u64>,
    /// Clean events needed to meet the target (0 if met); null when out of reach.
    pub clean_events_needed: Option<u64>,
    /// Days with bad events in the window, oldest first.
    pub counting_against: Vec<CountingAgainstView>,
    /// The metric falls short of what the target tier needs (in C: it is in breach), so it
    /// holds the shop where it is. Evaluations stored before this field read false.
    #[serde(default)]
    pub blocks_next_tier: bool,
    /// Overall points the shop would gain if this metric scored 100.
    pub points_available: f64,
    /// The hint in words.
    pub advice: String,
}

impl From<&r::MetricHint> for ImprovementView {
    fn from(h: &r::MetricHint) -> Self {
        Self {
            metric: h.metric.into(),
            window_days: h.window_days,
            raw_value: h.raw_value,
            value: h.value,
            score: h.score,
            target_tier: tier(h.target_tier),
            target_value: h.target_value,
            absorbable_bad_events: h.absorbable_bad_events,
            clean_events_needed: h.clean_events_needed,
            counting_against: h
                .counting_against
                .iter()
                .map(|c| CountingAgainstView {
                    day: date_of(c.day),
                    bad_events: c.bad_events,
                    rolls_off: date_of(c.rolls_off),
                })
                .collect(),
            blocks_next_tier: h.blocks_next_tier,
            points_available: h.points_available,
            advice: h.describe(),
        }
    }
}

/// What a tier grants the shop.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct PerksView {
    /// Multiplier on recommendation traffic (1.0 = baseline).
    pub traffic_weight: f64,
    /// Pick order in product-selection programmes (1 picks first); null = no access.
    pub product_selection_priority: Option<u8>,
    /// Days from delivery to payout.
    pub settlement_days: u16,
    /// May join platform campaigns.
    pub campaign_access: bool,
    /// May use the affiliate (creator) programme.
    pub affiliate_access: bool,
    /// Badge shown on the shop; null for none.
    pub badge: Option<String>,
}

impl From<&r::Perks> for PerksView {
    fn from(p: &r::Perks) -> Self {
        Self {
            traffic_weight: p.traffic_weight,
            product_selection_priority: p.product_selection_priority,
            settlement_days: p.settlement_days,
            campaign_access: p.campaign_access,
            affiliate_access: p.affiliate_access,
            badge: p.badge.clone(),
        }
    }
}

/// A dimension score with its weight in the overall score and its metrics.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct DimensionView {
    /// The dimension.
    pub dimension: RatingDimension,
    /// 0-100: the mean of its metric scores.
    pub score: f64,
    /// Its weight in the overall score.
    pub weight: f64,
    /// Its metrics on the evaluation day.
    pub metrics: Vec<MetricView>,
}
