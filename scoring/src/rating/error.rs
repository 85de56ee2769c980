//! Errors of the rating module: bad configuration or bad inputs, each saying how to fix it.

use thiserror::Error;

use super::input::Day;
use super::metric::Metric;

/// Why a rating could not be computed. Nothing in this module panics on bad input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RatingError {
    /// Tier score thresholds must rise strictly from B to A to S, within 0-100.
    #[error(
        "tier thresholds must satisfy 0 <= B < A < S <= 100, got B={b}, A={a}, S={s}; raise S above A"
    )]
    ThresholdsNotMonotone {
        /// Configured S threshold.
        s: f64,
        /// Configured A threshold.
        a: f64,
        /// Configured B threshold.
        b: f64,
    },
    /// The per-metric score floors of the gates must satisfy 0 < A floor < S floor < 100.
    #[error("metric floors must satisfy 0 < A floor < S floor < 100, got A={a}, S={s}")]
    FloorsNotMonotone {
        /// Score every metric needs for S.
        s: f64,
        /// Score every metric needs for A.
        a: f64,
    },
    /// Dimension weights must be non-negative and add up to 1.
    #[error(
        "dimension weights must be >= 0 and sum to 1, got content={content}, product={product}, fulfilment={fulfilment} (sum {sum})"
    )]
    WeightsDoNotSumToOne {
        /// Content weight.
        content: f64,
        /// Product weight.
        product: f64,
        /// Fulfilment weight.
        fulfilment: f64,
        /// Their sum.
        sum: f64,
    },
    /// A metric's anchors must run strictly from recall through minimum and top to best, in the
    /// metric's good direction, with the bad and clean events at or beyond the ends.
    #[error(
        "anchors of {metric:?} must run bad_event <= recall < minimum < top < best <= clean_event in its good direction: {detail}"
    )]
    AnchorsNotMonotone {
        /// The metric at fault.
        metric: Metric,
        /// The offending values.
        detail: String,
    },
    /// A config number that must be positive (or finite) is not.
    #[error("config value `{name}` must be {expected}, got {value}")]
    InvalidConfigValue {
        /// Field path.
        name: &'static str,
        /// The rule it breaks.
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// The evaluation date is after the caller's clock.
    #[error(
        "evaluation date {} is in the future (now is {}); evaluate today or earlier",
        as_of,
        now
    )]
    EvaluationInFuture {
        /// Requested evaluation day.
        as_of: Day,
        /// Caller's today.
        now: Day,
    },
    /// The shop opens after the evaluation date.
    #[error("shop opens on {}, after the evaluation date {}", opened_at, as_of)]
    ShopNotOpen {
        /// Opening day.
        opened_at: Day,
        /// Evaluation day.
        as_of: Day,
    },
    /// The evaluation date is not after the last official evaluation in the state.
    #[error(
        "evaluation date {} is before (or, for an official one, on) the last official evaluation {}; states only move forward",
        as_of,
        last
    )]
    EvaluationOutOfOrder {
        /// Requested evaluation day.
        as_of: Day,
        /// Last official evaluation day in the state.
        last: Day,
    },
    /// Daily aggregates must be in ascending day order with one entry per day.
    #[error(
        "daily aggregates must be sorted by day with no duplicates; {} is out of order",
        day
    )]
    UnsortedDays {
        /// First offending day.
        day: Day,
    },
    /// A day's counts contradict each other.
    #[error("aggregate of {} is inconsistent: {what}", day)]
    InconsistentAggregate {
        /// The day.
        day: Day,
        /// What is wrong.
        what: &'static str,
    },
    /// A content score outside 0-100.
    #[error("content score {score} of {} is outside 0-100", day)]
    ContentScoreOutOfRange {
        /// Publication day.
        day: Day,
        /// The score given.
        score: f64,
    },
    /// A prior that is negative or not finite.
    #[error("prior of {metric:?} must be finite and >= 0, got {value}")]
    InvalidPrior {
        /// The metric.
        metric: Metric,
        /// The value given.
        value: f64,
    },
}
