//! Rolling windows: the shop's record summed over each window length in one pass.

use super::config::{RatingConfig, SeverityWeights};
use super::input::{DailyAggregate, Day, Severity, ShopInputs, Violation};
use super::metric::Metric;

/// Raw sums of a shop's record over some days; every metric is a ratio of two of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sums {
    orders: u64,
    shipped: u64,
    late: u64,
    cancellations: u64,
    tracked: u64,
    delivered: u64,
    on_time: u64,
    handling_hours: u64,
    returns: u64,
    reviews: u64,
    negative: u64,
    stars: u64,
    content_items: u64,
    content_points: f64,
    violation_weight: f64,
    severe: u32,
}

impl Sums {
    /// Sums of a single day.
    pub(crate) fn of_day(d: &DailyAggregate) -> Sums {
        let mut s = Sums::default();
        s.add_day(d);
        s
    }

    /// Sums of a single piece of content.
    pub(crate) fn of_content(score: f64) -> Sums {
        Sums {
            content_items: 1,
            content_points: score,
            ..Sums::default()
        }
    }

    /// Sums of a single violation.
    pub(crate) fn of_violation(v: &Violation, weights: &SeverityWeights) -> Sums {
        let mut s = Sums::default();
        s.add_violation(v, weights);
        s
    }

    fn add_day(&mut self, d: &DailyAggregate) {
        self.orders += u64::from(d.orders);
        self.shipped += u64::from(d.shipped);
        self.late += u64::from(d.late_dispatches);
        self.cancellations += u64::from(d.seller_fault_cancellations);
        self.tracked += u64::from(d.valid_tracking);
        self.delivered += u64::from(d.delivered);
        self.on_time += u64::from(d.delivered_on_time);
        self.handling_hours += u64::from(d.handling_hours);
        self.returns += u64::from(d.seller_fault_returns);
        self.reviews += u64::from(d.first_reviews);
        self.negative += u64::from(d.negative_first_reviews);
        self.stars += u64::from(d.first_review_stars);
    }

    fn add_violation(&mut self, v: &Violation, weights: &SeverityWeights) {
        self.violation_weight += match v.severity {
            Severity::Minor => weights.minor,
            Severity::Major => weights.major,
            Severity::Severe => weights.severe,
        };
        self.severe += u32::from(v.severity == Severity::Severe);
    }

    fn add(&mut self, o: &Sums) {
        self.orders += o.orders;
        self.shipped += o.shipped;
        self.late += o.late;
        self.cancellations += o.cancellations;
        self.tracked += o.tracked;
        self.delivered += o.delivered;
        self.on_time += o.on_time;
        self.handling_hours += o.handling_hours;
        self.returns += o.returns;
        self.reviews += o.reviews;
        self.negative += o.negative;
        self.stars += o.stars;
        self.content_items += o.content_items;
        self.content_points += o.content_points;
        self.violation_weight += o.violation_weight;
        self.severe += o.severe;
    }

    /// A metric's `(numerator, events)` over these sums.
    pub(crate) fn parts(&self, metric: Metric) -> (f64, u64) {
        let counts = |num: u64, den: u64| (num as f64, den);
        match metric {
            Metric::ViolationRate => (self.violation_weight, self.content_items),
            Metric::ContentScore => (self.content_points, self.content_items),
            Metric::NegativeReviewRate => counts(self.negative, self.reviews),
            Metric::SellerFaultReturnRate => counts(self.returns, self.delivered),
            Metric::AverageRating => counts(self.stars, self.reviews),
            Metric::LateDispatchRate => counts(self.late, self.shipped),
            Metric::SellerFaultCancellationRate => counts(self.cancellations, self.orders),
            Metric::ValidTrackingRate => counts(self.tracked, self.shipped),
            Metric::OnTimeDeliveryRate => counts(self.on_time, self.delivered),
            Metric::HandlingHours => counts(self.handling_hours, self.shipped),
        }
    }
}

/// A shop's record summed over every configured window length, ending on `as_of` inclusive.
pub(crate) struct Windows {
    /// Distinct window lengths, ascending.
    lengths: Vec<u32>,
    /// `totals[i]` = sums over the last `lengths[i]` days.
    totals: Vec<Sums>,
}

/// Age in days of `day` at `as_of` (0 = the evaluation day itself); `None` if after `as_of`.
pub(crate) fn age(day: Day, as_of: Day) -> Option<u32> {
    u32::try_from(as_of - day).ok()
}

impl Windows {
    /// Sums the shop's record into every window in one pass over the days.
    pub(crate) fn build(inputs: &ShopInputs, config: &RatingConfig) -> Windows {
        let w = &config.windows;
        let mut lengths = vec![
            w.content_days,
            w.product_days,
            w.fulfilment_days,
            w.eligibility_days,
        ];
        lengths.extend_from_slice(&w.widen_to);
        lengths.sort_unstable();
        lengths.dedup();
        let longest = lengths.last().copied().unwrap_or(0);
        let mut bands = vec![Sums::default(); lengths.len()];
        let band_of = |day: Day| {
            age(day, inputs.as_of)
                .filter(|a| *a < longest)
                .map(|a| lengths.partition_point(|len| *len <= a))
        };
        for d in inputs.days.iter().rev() {
            match age(d.day, inputs.as_of) {
                None => continue,
                Some(a) if a >= longest => break,
                Some(a) => bands[lengths.partition_point(|len| *len <= a)].add_day(d),
            }
        }
        for c in &inputs.content {
            if let Some(i) = band_of(c.day) {
                bands[i].add(&Sums::of_content(c.score));
            }
        }
        for v in &inputs.violations {
            if let Some(i) = band_of(v.day) {
                bands[i].add_violation(v, &config.severity);
            }
        }
        let mut running = Sums::default();
        let totals = bands
            .iter()
            .map(|b| {
                running.add(b);
                running
            })
            .collect();
        Windows { lengths, totals }
    }

    /// Sums over the last `days` days (`days` must be one of the configured lengths).
    pub(crate) fn over(&self, days: u32) -> &Sums {
        let i = self.lengths.partition_point(|len| *len < days);
        &self.totals[i.min(self.totals.len() - 1)]
    }

    /// The window a metric is measured on: its dimension's base window, widened through
    /// `widen_to` until it holds `min_events` events (else the widest), with its parts.
    pub(crate) fn for_metric(&self, metric: Metric, config: &RatingConfig) -> (u32, f64, u64) {
        let w = &config.windows;
        let base = w.base_days(metric.dimension());
        let candidates =
            std::iter::once(base).chain(w.widen_to.iter().copied().filter(|d| *d > base));
        let mut chosen = (base, 0.0, 0);
        for days in candidates {
            let (num, events) = self.over(days).parts(metric);
            chosen = (days, num, events);
            if events >= u64::from(w.min_events) {
                break;
            }
        }
        chosen
    }

    /// Orders in the eligibility window.
    pub(crate) fn eligible_orders(&self, config: &RatingConfig) -> u64 {
        self.over(config.windows.eligibility_days).orders
    }

    /// Severe violations in the base content window.
    pub(crate) fn severe_violations(&self, config: &RatingConfig) -> u32 {
        self.over(config.windows.content_days).severe
    }
}
