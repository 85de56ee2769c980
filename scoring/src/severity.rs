//! How serious an upheld moderation violation is: one scale for content scores and shop ratings,
//! each of which prices the levels in its own config.

use serde::{Deserialize, Serialize};

/// Severity of an upheld violation, least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// E.g. a missing disclosure: costs a piece a few points, weighs least on a shop's
    /// violation rate.
    Minor,
    /// E.g. a misleading claim: costs a piece many points, weighs more on the rate.
    Major,
    /// E.g. counterfeit or dangerous goods: zeroes the piece's score and freezes its
    /// distribution, and demotes the shop to C at once, with no grace period.
    Severe,
}
