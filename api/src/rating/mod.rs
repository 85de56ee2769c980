//! Shop ratings in the API: daily aggregates kept current on ingest, evaluations of every shop
//! stored with their history, and the shapes GraphQL serves. The rating maths is
//! `scoring::rating`; this module only turns rows into its inputs and its results into rows.

pub mod aggregates;
pub mod recompute;
pub mod schedule;
pub mod view;

use scoring::rating::RatingConfig;

/// The rating configuration in force: the documented defaults of `scoring::rating`, shared by
/// the evaluations and the perks GraphQL shows for a tier.
pub fn config() -> &'static RatingConfig {
    static CONFIG: std::sync::LazyLock<RatingConfig> =
        std::sync::LazyLock::new(RatingConfig::default);
    &CONFIG
}
