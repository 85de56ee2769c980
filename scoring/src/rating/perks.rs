//! Perks per tier: what a rating is worth to the shop, configurable per marketplace.

use serde::{Deserialize, Serialize};

use super::error::RatingError;
use super::tier::Tier;

/// What a tier grants. Multipliers are this design's own proposal, not any platform's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Perks {
    /// Multiplier on recommendation traffic (1.0 = baseline).
    pub traffic_weight: f64,
    /// Order in which shops pick in product-selection programmes: 1 picks first; `None` = no access.
    pub product_selection_priority: Option<u8>,
    /// Days from delivery to payout.
    pub settlement_days: u16,
    /// May join platform campaigns.
    pub campaign_access: bool,
    /// May use the affiliate (creator) programme.
    pub affiliate_access: bool,
    /// Badge shown on the shop, if any.
    pub badge: Option<String>,
}

impl Perks {
    fn validate(&self, name: &'static str) -> Result<(), RatingError> {
        if self.traffic_weight.is_finite() && self.traffic_weight > 0.0 {
            Ok(())
        } else {
            Err(RatingError::InvalidConfigValue {
                name,
                expected: "a traffic_weight finite and > 0",
                value: self.traffic_weight,
            })
        }
    }
}

/// Perks of every tier, plus Unrated shops and C shops still in their grace period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerksConfig {
    /// S: traffic x1.15, first pick, 1-day settlement, campaigns, affiliates, badge.
    pub s: Perks,
    /// A: traffic x1.05, second pick, 5-day settlement, campaigns, affiliates.
    pub a: Perks,
    /// B: the baseline: traffic x1.0, third pick, 8-day settlement, campaigns.
    pub b: Perks,
    /// C: traffic x0.8, no product selection, 15-day settlement, no campaigns or affiliates.
    pub c: Perks,
    /// C during the grace period: restrictions deferred, so the B baseline by default.
    pub c_in_grace: Perks,
    /// Unrated (too few orders to judge): the B baseline without the S/A-only perks, with a
    /// "New shop" badge so buyers know why there is no rating.
    pub unrated: Perks,
}

impl PerksConfig {
    /// The perks a shop gets for a tier, given whether C restrictions are deferred.
    pub fn for_tier(&self, tier: Tier, restrictions_deferred: bool) -> &Perks {
        match tier {
            Tier::S => &self.s,
            Tier::A => &self.a,
            Tier::B => &self.b,
            Tier::C if restrictions_deferred => &self.c_in_grace,
            Tier::C => &self.c,
            Tier::Unrated => &self.unrated,
        }
    }

    /// Checks every traffic weight is positive.
    pub fn validate(&self) -> Result<(), RatingError> {
        self.s.validate("perks.s.traffic_weight")?;
        self.a.validate("perks.a.traffic_weight")?;
        self.b.validate("perks.b.traffic_weight")?;
        self.c.validate("perks.c.traffic_weight")?;
        self.c_in_grace
            .validate("perks.c_in_grace.traffic_weight")?;
        self.unrated.validate("perks.unrated.traffic_weight")
    }
}

impl Default for PerksConfig {
    fn default() -> Self {
        let perks = |traffic_weight,
                     priority,
                     settlement_days,
                     campaigns,
                     affiliates,
                     badge: Option<&str>| Perks {
            traffic_weight,
            product_selection_priority: priority,
            settlement_days,
            campaign_access: campaigns,
            affiliate_access: affiliates,
            badge: badge.map(str::to_owned),
        };
        let baseline = perks(1.0, Some(3), 8, true, false, None);
        PerksConfig {
            s: perks(1.15, Some(1), 1, true, true, Some("S-tier shop")),
            a: perks(1.05, Some(2), 5, true, true, Some("A-tier shop")),
            b: baseline.clone(),
            c: perks(0.8, None, 15, false, false, None),
            c_in_grace: baseline.clone(),
            unrated: Perks {
                badge: Some("New shop".to_owned()),
                ..baseline
            },
        }
    }
}
