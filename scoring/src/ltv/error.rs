//! Errors of the LTV models: every bad input is reported, never turned into NaN or a panic.

use thiserror::Error;

/// What is wrong with one customer summary.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SummaryError {
    /// A field is NaN or infinite.
    #[error("{field} is {value}; it must be a finite number")]
    NonFinite {
        /// Name of the offending field.
        field: &'static str,
        /// The value received.
        value: f64,
    },
    /// A time or amount is negative.
    #[error("{field} is {value}; it must not be negative")]
    Negative {
        /// Name of the offending field.
        field: &'static str,
        /// The value received.
        value: f64,
    },
    /// The last repeat purchase lies after the end of observation.
    #[error(
        "recency {recency} exceeds age {age}; the last purchase cannot be after the end of observation"
    )]
    RecencyAfterAge {
        /// Time of the last repeat purchase.
        recency: f64,
        /// Time from first purchase to end of observation.
        age: f64,
    },
    /// A customer without repeat purchases must have recency 0.
    #[error("recency {recency} with frequency 0; without repeat purchases recency must be 0")]
    RecencyWithoutRepeat {
        /// The recency received.
        recency: f64,
    },
    /// Gamma-Gamma needs a positive average spend for every repeat buyer.
    #[error(
        "monetary value {value} for a customer with {frequency} repeat purchases; it must be > 0"
    )]
    NonPositiveMonetary {
        /// Number of repeat purchases.
        frequency: u32,
        /// The average spend received.
        value: f64,
    },
    /// A Gamma-Gamma row must be a repeat buyer.
    #[error("frequency 0 in a spend row; Gamma-Gamma is fitted on repeat buyers only")]
    NotARepeatBuyer,
    /// A collapsed row must stand for a positive, finite number of customers.
    #[error("weight {weight}; it must be finite and > 0")]
    BadWeight {
        /// The weight received.
        weight: f64,
    },
}

/// Errors of fitting and prediction in [`crate::ltv`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LtvError {
    /// A single summary given to a prediction is invalid.
    #[error("invalid customer summary: {0}")]
    Summary(#[from] SummaryError),
    /// A row of a data set given to a fit or a batch is invalid.
    #[error("invalid customer summary at row {index}: {source}")]
    Row {
        /// Position of the row in the input slice.
        index: usize,
        /// What is wrong with it.
        source: SummaryError,
    },
    /// Nothing to fit.
    #[error("no customers to fit")]
    Empty,
    /// Every customer has age 0, so no time was observed and the purchase rate is not identified.
    #[error("every customer has age 0; at least one must have been observed for some time")]
    NoObservationTime,
    /// Gamma-Gamma is fitted on repeat buyers only and there are none.
    #[error("no repeat buyers (frequency > 0); Gamma-Gamma has nothing to fit")]
    NoRepeatBuyers,
    /// The expected spend of this customer does not exist under the fitted Gamma-Gamma model.
    #[error(
        "expected spend undefined for frequency {frequency}: needs p*x + q > 1 (q = {q}; for x = 0 this means q > 1, the population mean)"
    )]
    MeanSpendUndefined {
        /// Number of repeat purchases of the customer.
        frequency: u32,
        /// The fitted q.
        q: f64,
    },
    /// A model parameter is not finite and positive.
    #[error("parameter {name} = {value}; it must be finite and > 0")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// The value received.
        value: f64,
    },
    /// A configuration field is out of range.
    #[error("invalid configuration: {field} = {value}; {reason}")]
    InvalidConfig {
        /// Field name in [`crate::ltv::LtvConfig`].
        field: &'static str,
        /// The value received, as text.
        value: String,
        /// The allowed range.
        reason: &'static str,
    },
    /// A horizon or duration is negative or not finite.
    #[error("horizon {0}; it must be finite and >= 0")]
    InvalidHorizon(f64),
    /// The hypergeometric series needs more terms than allowed (horizon far beyond alpha + T).
    #[error(
        "series did not converge in {terms} terms (z = {z}); the horizon is very far beyond alpha + T; raise max_series_terms"
    )]
    SeriesNotConverged {
        /// Terms summed.
        terms: usize,
        /// Argument of the series.
        z: f64,
    },
    /// The likelihood is not finite at the start point of the optimiser.
    #[error("the log-likelihood is not finite at the optimiser's start point")]
    NonFiniteLikelihood,
    /// An interval was asked of a model built without parameter covariances.
    #[error(
        "no parameter covariance: build the model from fits whose Hessian was positive definite"
    )]
    NoCovariance,
    /// The holdout report needs at least one customer.
    #[error("no holdout observations")]
    EmptyHoldout,
}
