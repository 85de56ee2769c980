//! The ten metrics behind a shop rating, their dimensions and the piecewise score mapping.

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

/// One of the three dimensions a shop is assessed on; each is the mean of its metric scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dimension {
    /// How the content selling the shop's products behaves: violations and content scores.
    Content,
    /// What buyers think of what they received: reviews, returns, average rating.
    Product,
    /// How the shop ships: dispatch, cancellations, tracking, delivery, handling time.
    Fulfilment,
}

impl Dimension {
    /// All dimensions, in display order.
    pub const ALL: [Dimension; 3] = [
        Dimension::Content,
        Dimension::Product,
        Dimension::Fulfilment,
    ];

    /// Human label for messages.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Content => "content quality",
            Dimension::Product => "product experience",
            Dimension::Fulfilment => "fulfilment service",
        }
    }
}

/// A metric: a ratio `numerator / events` over a rolling window of the shop's own record.
///
/// Every metric is expressed so that one "event" is one order, review or piece of content, and the
/// numerator is what those events add up to (bad orders, hours, stars, content points). That
/// single shape is what makes shrinkage, widening and the improvement counts uniform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Metric {
    /// Severity-weighted upheld violations per piece of content (lower is better).
    ViolationRate,
    /// Mean content score (0-100) of the content selling the shop's products (higher is better).
    ContentScore,
    /// Share of first reviews that are 1-2 stars, logistics-only reviews excluded (lower is better).
    NegativeReviewRate,
    /// Seller-fault returns per delivered order (lower is better).
    SellerFaultReturnRate,
    /// Mean stars of first reviews (higher is better).
    AverageRating,
    /// Late dispatches per shipped order (lower is better).
    LateDispatchRate,
    /// Seller-fault cancellations per order (lower is better).
    SellerFaultCancellationRate,
    /// Shipped orders with valid tracking uploaded in time (higher is better).
    ValidTrackingRate,
    /// Delivered orders that arrived on time, carrier-fault delays excluded (higher is better).
    OnTimeDeliveryRate,
    /// Mean hours from order to hand-over to the carrier (lower is better).
    HandlingHours,
}

impl Metric {
    /// Number of metrics.
    pub const COUNT: usize = 10;

    /// All metrics in a fixed order (the order of [`PerMetric`]).
    pub const ALL: [Metric; Metric::COUNT] = [
        Metric::ViolationRate,
        Metric::ContentScore,
        Metric::NegativeReviewRate,
        Metric::SellerFaultReturnRate,
        Metric::AverageRating,
        Metric::LateDispatchRate,
        Metric::SellerFaultCancellationRate,
        Metric::ValidTrackingRate,
        Metric::OnTimeDeliveryRate,
        Metric::HandlingHours,
    ];

    /// Position in [`Metric::ALL`] and in a [`PerMetric`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The dimension this metric belongs to.
    pub fn dimension(self) -> Dimension {
        match self {
            Metric::ViolationRate | Metric::ContentScore => Dimension::Content,
            Metric::NegativeReviewRate | Metric::SellerFaultReturnRate | Metric::AverageRating => {
                Dimension::Product
            }
            _ => Dimension::Fulfilment,
        }
    }

    /// Whether a larger value is better (tracking, on-time delivery, rating, content score).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::ContentScore
                | Metric::AverageRating
                | Metric::ValidTrackingRate
                | Metric::OnTimeDeliveryRate
        )
    }

    /// Human label for messages.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ViolationRate => "upheld content violations",
            Metric::ContentScore => "content score",
            Metric::NegativeReviewRate => "negative first reviews",
            Metric::SellerFaultReturnRate => "seller-fault returns",
            Metric::AverageRating => "average rating",
            Metric::LateDispatchRate => "late dispatch",
            Metric::SellerFaultCancellationRate => "seller-fault cancellations",
            Metric::ValidTrackingRate => "valid tracking",
            Metric::OnTimeDeliveryRate => "on-time delivery",
            Metric::HandlingHours => "handling time",
        }
    }

    /// A value of this metric as a seller reads it: rates in percent, handling time in hours,
    /// the rating in stars, the content score in points.
    pub fn show(self, value: f64) -> String {
        match self {
            Metric::ContentScore => format!("{value:.1} points"),
            Metric::AverageRating => format!("{value:.2} stars"),
            Metric::HandlingHours => format!("{value:.1} h"),
            _ => format!("{:.2}%", value * 100.0),
        }
    }

    /// What one event of this metric is, for "absorb N / needs N" messages.
    pub fn event_noun(self) -> &'static str {
        match self {
            Metric::ViolationRate | Metric::ContentScore => "pieces of content",
            Metric::NegativeReviewRate | Metric::AverageRating => "first reviews",
            Metric::SellerFaultReturnRate | Metric::OnTimeDeliveryRate => "delivered orders",
            Metric::SellerFaultCancellationRate => "orders",
            Metric::LateDispatchRate | Metric::ValidTrackingRate | Metric::HandlingHours => {
                "shipped orders"
            }
        }
    }
}

/// One value per metric, indexed by [`Metric`]; used for configs, priors and scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PerMetric<T>(pub [T; Metric::COUNT]);

impl<T> PerMetric<T> {
    /// Builds a table by calling `f` for every metric.
    pub fn from_fn(mut f: impl FnMut(Metric) -> T) -> Self {
        PerMetric(Metric::ALL.map(&mut f))
    }

    /// Iterates `(metric, value)` pairs in [`Metric::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Metric, &T)> {
        Metric::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T> Index<Metric> for PerMetric<T> {
    type Output = T;
    fn index(&self, metric: Metric) -> &T {
        &self.0[metric.index()]
    }
}

impl<T> IndexMut<Metric> for PerMetric<T> {
    fn index_mut(&mut self, metric: Metric) -> &mut T {
        &mut self.0[metric.index()]
    }
}

/// Maps a metric value to a 0-100 score through four anchors, linearly in between.
///
/// `recall` maps to 0 (and beyond it stays 0), `minimum` to `a_floor` (the score every A metric
/// needs), `top` to `s_floor` (the score every S metric needs) and `best` to 100. Tying the
/// anchors to the tier gates means "metric score 85" and "meets the top-tier standard" are the
/// same statement, which keeps the explanations honest.
pub fn map_score(
    value: f64,
    higher_is_better: bool,
    anchors: [f64; 4],
    a_floor: f64,
    s_floor: f64,
) -> f64 {
    let sign = if higher_is_better { 1.0 } else { -1.0 };
    let x = sign * value;
    let points = [
        (sign * anchors[0], 0.0),
        (sign * anchors[1], a_floor),
        (sign * anchors[2], s_floor),
        (sign * anchors[3], 100.0),
    ];
    if x <= points[0].0 {
        return 0.0;
    }
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if x <= x1 {
            return y0 + (x - x0) / (x1 - x0) * (y1 - y0);
        }
    }
    100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const LATE: [f64; 4] = [0.10, 0.04, 0.03, 0.005];

    #[test]
    fn late_dispatch_anchors_from_the_design() {
        assert_eq!(map_score(0.10, false, LATE, 60.0, 85.0), 0.0);
        assert_eq!(map_score(0.25, false, LATE, 60.0, 85.0), 0.0);
        assert!((map_score(0.04, false, LATE, 60.0, 85.0) - 60.0).abs() < 1e-9);
        assert!((map_score(0.03, false, LATE, 60.0, 85.0) - 85.0).abs() < 1e-9);
        assert_eq!(map_score(0.0, false, LATE, 60.0, 85.0), 100.0);
        assert!((map_score(0.07, false, LATE, 60.0, 85.0) - 30.0).abs() < 1e-9);
    }

    #[test]
    fn higher_is_better_maps_upwards() {
        let rating = [3.0, 4.0, 4.5, 4.9];
        assert_eq!(map_score(2.0, true, rating, 60.0, 85.0), 0.0);
        assert!((map_score(4.25, true, rating, 60.0, 85.0) - 72.5).abs() < 1e-9);
        assert_eq!(map_score(5.0, true, rating, 60.0, 85.0), 100.0);
    }

    #[test]
    fn dimensions_cover_the_brief() {
        let count = |d| Metric::ALL.iter().filter(|m| m.dimension() == d).count();
        assert_eq!(count(Dimension::Content), 2);
        assert_eq!(count(Dimension::Product), 3);
        assert_eq!(count(Dimension::Fulfilment), 5);
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
        }
    }
}
