//! Creator lifetime value: BG/NBD (or modified BG/NBD) for the number of future selling days,
//! Gamma-Gamma for the value per selling day, and their discounted product over a horizon.
//!
//! Formulas follow the Python package `lifetimes` 0.11.3 (see `shared/LTV.md`), evaluated so
//! that no input overflows or yields NaN: likelihoods in log-sum-exp form, P(alive) as a
//! logistic of log-odds, and conditional expectations in the collapsed hypergeometric form.
//! Validated against `lifetimes` on CDNOW in `tests/ltv_cdnow.rs`.
//!
//! Typical use by the API, per market:
//! 1. [`CountModel::fit`] and [`GammaGammaParams::fit`] on the market's creator [`Summary`]s
//!    (identical summaries are collapsed into weights first); store both [`Fit`]s.
//! 2. [`LtvModel::new`] from the two fits and an [`LtvConfig`].
//! 3. [`LtvModel::value`] / [`LtvModel::value_with_interval`] per creator, or
//!    [`LtvModel::values`] for a batch: P(alive), expected selling days over the horizon,
//!    expected value per selling day, discounted LTV (and its interval).

mod config;
mod count;
mod error;
mod fit;
mod gamma_gamma;
mod holdout;
mod optimize;
mod special;
mod summary;
#[cfg(feature = "synthetic")]
pub mod synthetic;
mod value;

pub use config::LtvConfig;
pub use count::{BgNbdParams, CountModel, DropoutModel};
pub use error::{LtvError, SummaryError};
pub use fit::{Fit, Parameters};
pub use gamma_gamma::GammaGammaParams;
pub use holdout::{
    FrequencyBucket, HoldoutObservation, HoldoutReport, MIN_BUCKET_CUSTOMERS, ModelChoice,
    choose_count_model, miss_ratio,
};
pub use summary::{CountRow, SpendRow, Summary, collapse_counts, collapse_spend};
pub use value::{CreatorValue, LtvInterval, LtvModel};
