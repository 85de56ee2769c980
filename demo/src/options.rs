//! What the caller chooses about a demo marketplace, and what seeding reports back.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use std::time::Duration;

/// How big, which random world, and when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Multiplies every count (1.0: 20,000 creators, 1,000 brands, 2,000 shops, about 200,000
    /// pieces of content and 1,000,000 orders). Small scales keep every market, niche, shop
    /// quality and pipeline state.
    pub scale: f64,
    /// The random seed: the same seed, scale and `now` give the same marketplace.
    pub seed: u64,
    /// The end of the 12 months of history (the CLI passes today, truncated to the day).
    pub now: DateTime<Utc>,
}

/// Why [`DemoOptions`] cannot be seeded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoOptionsError {
    /// The scale is not a finite number in the supported range.
    #[error("scale must be a number from {min} to {max}, got {0}", min = DemoOptions::MIN_SCALE, max = DemoOptions::MAX_SCALE)]
    Scale(f64),
    /// `now` is outside the years the generator's date arithmetic is meant for.
    #[error("now must be between the years 2000 and 2200, got {0}")]
    Now(DateTime<Utc>),
}

impl DemoOptions {
    /// The seed the CLI uses when none is given.
    pub const DEFAULT_SEED: u64 = 20_261_125;
    /// Below this a demo would lose whole markets.
    pub const MIN_SCALE: f64 = 0.001;
    /// Above this the in-memory generation outgrows a laptop.
    pub const MAX_SCALE: f64 = 20.0;

    /// Options ending today (UTC midnight), for the CLI.
    pub fn today(scale: f64, seed: u64) -> Self {
        let now = Utc::now();
        let midnight = Utc
            .with_ymd_and_hms(now.year(), now.month(), now.day(), 0, 0, 0)
            .single()
            .unwrap_or(now);
        Self {
            scale,
            seed,
            now: midnight,
        }
    }

    /// Checks the options, saying what is wrong.
    pub fn validate(&self) -> Result<(), DemoOptionsError> {
        if !(self.scale.is_finite() && (Self::MIN_SCALE..=Self::MAX_SCALE).contains(&self.scale)) {
            return Err(DemoOptionsError::Scale(self.scale));
        }
        if !(2000..=2200).contains(&self.now.year()) {
            return Err(DemoOptionsError::Now(self.now));
        }
        Ok(())
    }

    /// A base count at this scale, never below `min`.
    pub(super) fn count(&self, base: f64, min: usize) -> usize {
        ((base * self.scale).round() as usize).max(min)
    }
}

impl Default for DemoOptions {
    /// Scale 1.0 with the default seed, ending today.
    fn default() -> Self {
        Self::today(1.0, Self::DEFAULT_SEED)
    }
}

/// Rows written to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    pub rows: u64,
}

/// Ids worth minting demo tokens for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSamples {
    /// The brand with the most collaborations.
    pub brand_id: i64,
    /// The brand-owned shop with the most orders.
    pub shop_id: i64,
    /// The scout with the most pipeline entries.
    pub scout_id: i64,
    /// That scout's market codes.
    pub scout_markets: Vec<String>,
}

/// What seeding wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    /// Rows per table, in insertion order.
    pub tables: Vec<TableCount>,
    /// Wall time of generation and writing.
    pub elapsed: Duration,
    pub samples: DemoSamples,
}

impl DemoSummary {
    /// Rows written to `table` (0 for a table the demo does not fill).
    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }

    /// Rows written in all.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rejects_bad_scales_and_dates() {
        let ok = DemoOptions::today(0.02, 1);
        assert_eq!(ok.validate(), Ok(()));
        for scale in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e6] {
            let o = DemoOptions {
                scale,
                ..ok.clone()
            };
            assert!(
                matches!(o.validate(), Err(DemoOptionsError::Scale(_))),
                "{scale}"
            );
        }
        let past = DemoOptions {
            now: Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            ..ok
        };
        assert!(matches!(past.validate(), Err(DemoOptionsError::Now(_))));
    }

    #[test]
    fn today_is_midnight_utc() {
        let o = DemoOptions::default();
        assert_eq!(o.now.timestamp() % 86_400, 0);
        assert_eq!(o.scale, 1.0);
    }
}
