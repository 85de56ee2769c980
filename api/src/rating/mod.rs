//! Shop ratings in the API: daily aggregates kept current on ingest, evaluations of every shop
//! stored with their history, and the shapes GraphQL serves. The rating maths is
//! `scoring::rating`; this module only turns rows into its inputs and its results into rows.

pub mod aggregates;
pub mod recompute;
pub mod schedule;
pub mod view;

use scoring::rating::RatingConfig;

/// A short fingerprint of a rating configuration (FNV-1a over its JSON), stored with every
/// evaluation so a change of thresholds shows in the history.
pub fn config_version(config: &RatingConfig) -> String {
    let text = serde_json::to_string(config).expect("the rating config serializes");
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The rating configuration in force: the documented defaults of `scoring::rating`, shared by
/// the evaluations and the perks GraphQL shows for a tier.
pub fn config() -> &'static RatingConfig {
    static CONFIG: std::sync::LazyLock<RatingConfig> =
        std::sync::LazyLock::new(RatingConfig::default);
    &CONFIG
}
