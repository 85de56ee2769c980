//! Shop quality levels and how each one fulfils orders, so the rating has great, good,
//! average and poor shops to tell apart (the 12% -> 6% return figure brackets the range).

/// How well a shop runs; drawn per shop by quota so every level exists at any scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quality {
    Great,
    Good,
    Average,
    Poor,
}

/// The fulfilment behaviour of a quality level.
#[derive(Debug)]
pub(super) struct Profile {
    /// Probability an order is cancelled before shipping.
    pub cancel: f64,
    /// Share of cancellations that are the seller's fault (out of stock and the like).
    pub seller_cancel: f64,
    /// Probability the order ships after the 48 h deadline.
    pub late_ship: f64,
    /// Median hours to ship when on time.
    pub ship_hours: f64,
    /// Probability the tracking number scans on first try.
    pub tracking_valid: f64,
    /// Probability a delivered order is returned.
    pub returns: f64,
    /// Share of returns that are the seller's fault.
    pub seller_return: f64,
    /// First-review star weights, 1..=5.
    pub stars: [f64; 5],
    /// Expected upheld-or-not moderation cases against the shop over the year.
    pub violations: f64,
    /// Relative demand the shop attracts.
    pub appeal: f64,
}

const GREAT: Profile = Profile {
    cancel: 0.008,
    seller_cancel: 0.2,
    late_ship: 0.01,
    ship_hours: 12.0,
    tracking_valid: 0.995,
    returns: 0.03,
    seller_return: 0.25,
    stars: [0.01, 0.01, 0.03, 0.15, 0.80],
    violations: 0.05,
    appeal: 1.5,
};
const GOOD: Profile = Profile {
    cancel: 0.02,
    seller_cancel: 0.35,
    late_ship: 0.03,
    ship_hours: 20.0,
    tracking_valid: 0.985,
    returns: 0.05,
    seller_return: 0.35,
    stars: [0.02, 0.02, 0.06, 0.25, 0.65],
    violations: 0.15,
    appeal: 1.2,
};
const AVERAGE: Profile = Profile {
    cancel: 0.04,
    seller_cancel: 0.5,
    late_ship: 0.08,
    ship_hours: 28.0,
    tracking_valid: 0.96,
    returns: 0.08,
    seller_return: 0.5,
    stars: [0.05, 0.05, 0.12, 0.30, 0.48],
    violations: 0.4,
    appeal: 1.0,
};
const POOR: Profile = Profile {
    cancel: 0.09,
    seller_cancel: 0.7,
    late_ship: 0.2,
    ship_hours: 36.0,
    tracking_valid: 0.88,
    returns: 0.13,
    seller_return: 0.7,
    stars: [0.15, 0.10, 0.18, 0.27, 0.30],
    violations: 1.5,
    appeal: 0.7,
};

impl Quality {
    /// Every level, in quota order.
    pub const ALL: [Quality; 4] = [
        Quality::Great,
        Quality::Good,
        Quality::Average,
        Quality::Poor,
    ];
    /// Shares of the levels among shops.
    pub const SHARES: [f64; 4] = [0.17, 0.37, 0.30, 0.16];

    /// The level's fulfilment behaviour.
    pub fn profile(self) -> &'static Profile {
        match self {
            Quality::Great => &GREAT,
            Quality::Good => &GOOD,
            Quality::Average => &AVERAGE,
            Quality::Poor => &POOR,
        }
    }
}
