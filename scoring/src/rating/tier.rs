//! Tiers and their gates: which tier a set of scores qualifies for, and what blocks the next one.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::TierConfig;
use super::metric::Metric;

/// A shop's tier. `Unrated` is outside the S > A > B > C order: it means "too few orders to
/// judge", not "worse than C".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tier {
    /// Best: every metric at the top-tier standard, enough orders and age.
    S,
    /// Good: no metric under the platform minimum.
    A,
    /// Baseline.
    B,
    /// Below the B threshold or in breach.
    C,
    /// Too few orders in the eligibility window to be rated.
    Unrated,
}

impl Tier {
    /// Rank in the S > A > B > C order (3..0); `None` for Unrated.
    pub fn rank(self) -> Option<u8> {
        match self {
            Tier::S => Some(3),
            Tier::A => Some(2),
            Tier::B => Some(1),
            Tier::C => Some(0),
            Tier::Unrated => None,
        }
    }

    /// The tier above (S has none; Unrated shops aim at A, the standard every rated shop should
    /// meet).
    pub fn next_up(self) -> Option<Tier> {
        match self {
            Tier::S => None,
            Tier::A => Some(Tier::S),
            Tier::B | Tier::Unrated => Some(Tier::A),
            Tier::C => Some(Tier::B),
        }
    }

    /// Overall score threshold of a rated tier (C has 0).
    pub fn threshold(self, tiers: &TierConfig) -> f64 {
        match self {
            Tier::S => tiers.s_score,
            Tier::A => tiers.a_score,
            Tier::B => tiers.b_score,
            Tier::C | Tier::Unrated => 0.0,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::S => "S",
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::Unrated => "Unrated",
        })
    }
}

/// A gate a shop fails; the list explains why it is not in the next tier up (or why it is C).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Blocker {
    /// Overall score under the tier's threshold.
    ScoreBelow {
        /// Tier aimed at.
        tier: Tier,
        /// The shop's overall score.
        score: f64,
        /// The threshold.
        needed: f64,
    },
    /// A metric under the score every metric needs for the tier.
    MetricBelow {
        /// Tier aimed at.
        tier: Tier,
        /// The metric.
        metric: Metric,
        /// Its score.
        score: f64,
        /// The floor.
        needed: f64,
    },
    /// Too few orders in the eligibility window (for S, or to be rated at all).
    TooFewOrders {
        /// Tier aimed at.
        tier: Tier,
        /// Orders in the window.
        orders: u64,
        /// Orders needed.
        needed: u32,
        /// The window's length in days.
        window_days: u32,
    },
    /// Shop too young for S.
    TooYoung {
        /// Shop age in days.
        age_days: i64,
        /// Age needed.
        needed: u32,
    },
    /// A metric at or beyond its recall threshold with enough bad events to count: C.
    Breach {
        /// The metric.
        metric: Metric,
        /// Its (shrunk) value.
        value: f64,
        /// The recall threshold.
        recall: f64,
    },
    /// Severe violations upheld in the content window: C at once.
    SevereViolation {
        /// How many.
        count: u32,
    },
}

impl Blocker {
    /// Plain-words explanation for the shop.
    pub fn describe(&self) -> String {
        match self {
            Blocker::ScoreBelow {
                tier,
                score,
                needed,
            } => format!("overall score {score:.1} is under the {needed:.0} that {tier} needs"),
            Blocker::MetricBelow {
                tier,
                metric,
                score,
                needed,
            } => format!(
                "{} scores {score:.1}; {tier} needs every metric at {needed:.0} or more",
                metric.label()
            ),
            Blocker::TooFewOrders {
                tier,
                orders,
                needed,
                window_days,
            } => {
                let more = u64::from(*needed).saturating_sub(*orders);
                let goal = match tier {
                    Tier::Unrated => "to be rated".to_owned(),
                    tier => format!("for {tier}"),
                };
                format!(
                    "{orders} orders in the last {window_days} days; {more} more within that \
                     window {goal} ({needed} needed; orders older than {window_days} days stop \
                     counting)"
                )
            }
            Blocker::TooYoung { age_days, needed } => {
                format!("the shop is {age_days} days old; S needs {needed} days")
            }
            Blocker::Breach {
                metric,
                value,
                recall,
            } => format!(
                "{} is at {}, at or beyond the recall threshold {}: tier C",
                metric.label(),
                metric.show(*value),
                metric.show(*recall)
            ),
            Blocker::SevereViolation { count } => {
                format!("{count} severe violation(s) upheld in the content window: tier C")
            }
        }
    }
}

/// The facts the gates look at, besides the scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Orders in the eligibility window.
    pub orders: u64,
    /// Days since the shop opened.
    pub age_days: i64,
    /// Severe violations upheld in the base content window.
    pub severe_violations: u32,
    /// Length of the window `orders` counts, in days.
    pub window_days: u32,
}

/// The tier that scores and facts qualify for (no hysteresis), with the gates blocking the tier
/// above it. `breaches` lists the metrics in breach with their value and recall threshold.
pub fn qualify(
    scores: &[f64; Metric::COUNT],
    breaches: &[(Metric, f64, f64)],
    overall: f64,
    facts: &Eligibility,
    tiers: &TierConfig,
) -> (Tier, Vec<Blocker>) {
    if facts.severe_violations > 0 || !breaches.is_empty() {
        let mut blockers: Vec<Blocker> = breaches
            .iter()
            .map(|&(metric, value, recall)| Blocker::Breach {
                metric,
                value,
                recall,
            })
            .collect();
        if facts.severe_violations > 0 {
            blockers.push(Blocker::SevereViolation {
                count: facts.severe_violations,
            });
        }
        return (Tier::C, blockers);
    }
    if facts.orders < u64::from(tiers.min_orders_rated) {
        let blocker = Blocker::TooFewOrders {
            tier: Tier::Unrated,
            orders: facts.orders,
            needed: tiers.min_orders_rated,
            window_days: facts.window_days,
        };
        return (Tier::Unrated, vec![blocker]);
    }
    // Walk down from S: the failures of the tier just above the one that passes are exactly
    // what blocks the next step up.
    let mut above = Vec::new();
    for tier in [Tier::S, Tier::A, Tier::B] {
        let failures = gate_failures(tier, scores, overall, facts, tiers);
        if failures.is_empty() {
            return (tier, above);
        }
        above = failures;
    }
    (Tier::C, above)
}

/// The gates of rated tier `tier` (S, A or B) that the shop fails.
fn gate_failures(
    tier: Tier,
    scores: &[f64; Metric::COUNT],
    overall: f64,
    facts: &Eligibility,
    tiers: &TierConfig,
) -> Vec<Blocker> {
    let mut out = Vec::new();
    let needed = tier.threshold(tiers);
    if overall < needed {
        out.push(Blocker::ScoreBelow {
            tier,
            score: overall,
            needed,
        });
    }
    let floor = match tier {
        Tier::S => Some(tiers.s_metric_floor),
        Tier::A => Some(tiers.a_metric_floor),
        _ => None,
    };
    if let Some(needed) = floor {
        for (metric, &score) in Metric::ALL.iter().zip(scores) {
            if score < needed {
                out.push(Blocker::MetricBelow {
                    tier,
                    metric: *metric,
                    score,
                    needed,
                });
            }
        }
    }
    if tier == Tier::S {
        if facts.orders < u64::from(tiers.s_min_orders) {
            out.push(Blocker::TooFewOrders {
                tier,
                orders: facts.orders,
                needed: tiers.s_min_orders,
                window_days: facts.window_days,
            });
        }
        if facts.age_days < i64::from(tiers.s_min_age_days) {
            out.push(Blocker::TooYoung {
                age_days: facts.age_days,
                needed: tiers.s_min_age_days,
            });
        }
    }
    out
}
