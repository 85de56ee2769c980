//! Hysteresis: how the official tier moves from one evaluation to the next, and why.

use serde::{Deserialize, Serialize};

use super::config::RatingConfig;
use super::error::RatingError;
use super::input::{Day, EvaluationKind, ShopInputs};
use super::metric::Metric;
use super::perks::Perks;
use super::scorecard::Scorecard;
use super::tier::Tier;

/// A grace period after a performance fall to C: restrictions wait while the shop improves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Grace {
    /// First day the official evaluation may end the grace period.
    pub until: Day,
    /// Overall score at the last official evaluation, to tell whether the shop is improving.
    pub score_at_last_check: f64,
}

/// What the caller stores per shop between evaluations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingState {
    /// The official tier in force.
    pub tier: Tier,
    /// Consecutive official evaluations whose scores fell short of `tier`.
    pub consecutive_below: u32,
    /// Day of the last official evaluation.
    pub last_official: Option<Day>,
    /// Grace period, while in C after a performance fall.
    pub grace: Option<Grace>,
}

impl RatingState {
    /// The state of a shop never evaluated: Unrated.
    pub fn new_shop() -> RatingState {
        RatingState {
            tier: Tier::Unrated,
            consecutive_below: 0,
            last_official: None,
            grace: None,
        }
    }

    /// Whether C restrictions are deferred (in C with a running grace period).
    pub fn restrictions_deferred(&self) -> bool {
        self.tier == Tier::C && self.grace.is_some()
    }
}

impl Default for RatingState {
    fn default() -> Self {
        RatingState::new_shop()
    }
}

/// Why a shop was demoted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum DemotionCause {
    /// Below the tier at this many consecutive official evaluations.
    ConsecutiveBelow {
        /// How many.
        evaluations: u32,
    },
    /// Overall score fell far under the tier's threshold.
    FarBelow {
        /// Overall score.
        score: f64,
        /// The tier's threshold.
        threshold: f64,
        /// The configured margin.
        margin: f64,
    },
    /// A metric at or beyond its recall threshold.
    Breach {
        /// The metric.
        metric: Metric,
    },
    /// A severe violation upheld in the content window.
    SevereViolation,
}

/// A change of official tier or grace status, or a warning of one (structured; see `describe`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// First tier of a shop that was Unrated.
    Rated {
        /// The tier.
        tier: Tier,
    },
    /// Moved up, at the threshold.
    Promoted {
        /// Previous tier.
        from: Tier,
        /// New tier.
        to: Tier,
    },
    /// Moved down (to a lower tier, or to Unrated after too few orders twice).
    Demoted {
        /// Previous tier.
        from: Tier,
        /// New tier.
        to: Tier,
        /// Why.
        cause: DemotionCause,
    },
    /// Below the tier this time; kept until the count reaches the configured number.
    DemotionWarning {
        /// Tier kept.
        tier: Tier,
        /// Tier the scores qualify for.
        qualified: Tier,
        /// Consecutive evaluations below so far.
        consecutive: u32,
        /// Evaluations that demote.
        required: u32,
    },
    /// A C shop with too few orders stays C: pausing sales does not wash a rating.
    HeldAtC,
    /// Grace period started after a fall to C.
    GraceStarted {
        /// End of the grace period.
        until: Day,
    },
    /// Grace period extended because the score improved.
    GraceExtended {
        /// New end.
        until: Day,
        /// Score at the previous official evaluation.
        from_score: f64,
        /// Score now.
        to_score: f64,
    },
    /// Grace period over without enough improvement: C restrictions apply.
    GraceEnded {
        /// Score at the previous official evaluation.
        from_score: f64,
        /// Score now.
        to_score: f64,
    },
}

impl Change {
    /// Plain-words explanation for the shop.
    pub fn describe(&self) -> String {
        match self {
            Change::Rated { tier } => format!("enough orders to be rated: tier {tier}"),
            Change::Promoted { from, to } => {
                format!("promoted from {from} to {to}: the scores reached {to}'s threshold")
            }
            Change::Demoted { from, to, cause } => {
                let why = match cause {
                    DemotionCause::ConsecutiveBelow { evaluations } => {
                        format!("below {from} at {evaluations} official evaluations in a row")
                    }
                    DemotionCause::FarBelow {
                        score,
                        threshold,
                        margin,
                    } => format!(
                        "overall score {score:.1} is more than {margin} points under {from}'s {threshold}"
                    ),
                    DemotionCause::Breach { metric } => {
                        format!("{} reached its recall threshold", metric.label())
                    }
                    DemotionCause::SevereViolation => "a severe violation was upheld".to_owned(),
                };
                format!("demoted from {from} to {to}: {why}")
            }
            Change::DemotionWarning {
                tier,
                qualified,
                consecutive,
                required,
            } => format!(
                "scores qualify for {qualified} only; {tier} is kept ({consecutive} of {required} evaluations below before a demotion)"
            ),
            Change::HeldAtC => {
                "too few orders to re-rate; the shop stays C until it is rated again".to_owned()
            }
            Change::GraceStarted { until } => {
                format!(
                    "grace period: C restrictions are deferred until {} while the shop improves",
                    until
                )
            }
            Change::GraceExtended {
                until,
                from_score,
                to_score,
            } => format!(
                "score improved from {from_score:.1} to {to_score:.1}: grace extended to {}",
                until
            ),
            Change::GraceEnded {
                from_score,
                to_score,
            } => format!(
                "grace period over and the score did not improve enough ({from_score:.1} to {to_score:.1}): C restrictions apply"
            ),
        }
    }
}

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Official or projected.
    pub kind: EvaluationKind,
    /// The state to store. A projection returns the previous state, unless a severe violation
    /// demoted the shop at once.
    pub state: RatingState,
    /// The official tier in force after this evaluation.
    pub tier: Tier,
    /// The tier an official evaluation would set today (equal to `tier` for an official one).
    pub projected_tier: Tier,
    /// Scores, qualified tier and blocking gates.
    pub scorecard: Scorecard,
    /// Changes made (official) or that an official evaluation today would make (projected).
    pub changes: Vec<Change>,
    /// Perks in force.
    pub perks: Perks,
    /// True when the shop is C but restrictions are deferred by the grace period.
    pub restrictions_deferred: bool,
}

impl Evaluation {
    /// Every change and blocking gate in words, for the shop's rating page.
    pub fn explain(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(Change::describe)
            .chain(self.scorecard.blockers.iter().map(|b| b.describe()))
            .collect()
    }
}

/// Rates a shop: scores its record, applies the hysteresis rules to `prev` and returns the new
/// state, tier, scores, perks and the reasons for any change.
///
/// An official evaluation (monthly) moves the tier: promotion at the threshold; demotion after
/// `demote_after` consecutive evaluations below, or at once when far below, in breach or after
/// a severe violation; a grace period after a performance fall to C. A projected evaluation
/// (daily) reports what the official one would do today without moving the tier, except that a
/// severe violation demotes at once.
pub fn evaluate(
    prev: &RatingState,
    inputs: &ShopInputs,
    config: &RatingConfig,
) -> Result<Evaluation, RatingError> {
    config.validate()?;
    inputs.validate()?;
    evaluate_validated(prev, inputs, config)
}

/// [`evaluate`] for many shops sharing one config: validates the config once.
pub fn evaluate_many<'a>(
    shops: impl IntoIterator<Item = (&'a RatingState, &'a ShopInputs)>,
    config: &RatingConfig,
) -> Result<Vec<Result<Evaluation, RatingError>>, RatingError> {
    config.validate()?;
    Ok(shops
        .into_iter()
        .map(|(prev, inputs)| {
            inputs.validate()?;
            evaluate_validated(prev, inputs, config)
        })
        .collect())
}

fn evaluate_validated(
    prev: &RatingState,
    inputs: &ShopInputs,
    config: &RatingConfig,
) -> Result<Evaluation, RatingError> {
    if let Some(last) = prev.last_official {
        let official = inputs.kind == EvaluationKind::Official;
        if inputs.as_of < last || (official && inputs.as_of == last) {
            return Err(RatingError::EvaluationOutOfOrder {
                as_of: inputs.as_of,
                last,
            });
        }
    }
    let scorecard = Scorecard::compute_validated(inputs, config);
    let (official, changes) = apply_rules(prev, &scorecard, config);
    let state = match inputs.kind {
        EvaluationKind::Official => official.clone(),
        EvaluationKind::Projected if severe_demotion(&changes) => RatingState {
            last_official: prev.last_official,
            ..official.clone()
        },
        EvaluationKind::Projected => prev.clone(),
    };
    let restrictions_deferred = state.restrictions_deferred();
    Ok(Evaluation {
        kind: inputs.kind,
        tier: state.tier,
        projected_tier: official.tier,
        perks: config
            .perks
            .for_tier(state.tier, restrictions_deferred)
            .clone(),
        restrictions_deferred,
        state,
        scorecard,
        changes,
    })
}

fn severe_demotion(changes: &[Change]) -> bool {
    changes.iter().any(|c| {
        matches!(
            c,
            Change::Demoted {
                cause: DemotionCause::SevereViolation,
                ..
            }
        )
    })
}

/// The official transition from `prev` given today's scorecard.
fn apply_rules(
    prev: &RatingState,
    card: &Scorecard,
    config: &RatingConfig,
) -> (RatingState, Vec<Change>) {
    let h = &config.hysteresis;
    let (from, qualified, score) = (prev.tier, card.tier, card.overall);
    let mut next = RatingState {
        last_official: Some(card.as_of),
        ..prev.clone()
    };
    let mut changes = Vec::new();
    let breach = card.metrics.0.iter().find(|m| m.breach).map(|m| m.metric);
    let immediate = if card.eligibility.severe_violations > 0 {
        Some(DemotionCause::SevereViolation)
    } else {
        breach.map(|metric| DemotionCause::Breach { metric })
    };
    let far_below = (score < from.threshold(&config.tiers) - h.far_below_margin).then_some(
        DemotionCause::FarBelow {
            score,
            threshold: from.threshold(&config.tiers),
            margin: h.far_below_margin,
        },
    );
    let mut demote_to = None;
    match (from.rank(), qualified.rank()) {
        _ if from != Tier::C && immediate.is_some() => {
            demote_to = immediate.map(|cause| (Tier::C, cause));
        }
        _ if from == qualified => next.consecutive_below = 0,
        (None, _) => {
            changes.push(Change::Rated { tier: qualified });
            next.tier = qualified;
            next.consecutive_below = 0;
            if qualified == Tier::C {
                start_grace(&mut next, &mut changes, card, config);
            }
        }
        (Some(_), None) if from == Tier::C => changes.push(Change::HeldAtC),
        (Some(f), Some(q)) if q > f => {
            changes.push(Change::Promoted {
                from,
                to: qualified,
            });
            next.tier = qualified;
            next.consecutive_below = 0;
            next.grace = None;
        }
        (Some(_), q) => {
            next.consecutive_below += 1;
            if let (Some(cause), Some(_)) = (far_below, q) {
                demote_to = Some((qualified, cause));
            } else if next.consecutive_below >= h.demote_after {
                let evaluations = next.consecutive_below;
                demote_to = Some((qualified, DemotionCause::ConsecutiveBelow { evaluations }));
            } else {
                changes.push(Change::DemotionWarning {
                    tier: from,
                    qualified,
                    consecutive: next.consecutive_below,
                    required: h.demote_after,
                });
            }
        }
    }
    if let Some((to, cause)) = demote_to {
        changes.push(Change::Demoted { from, to, cause });
        next.tier = to;
        next.consecutive_below = 0;
        next.grace = None;
        if to == Tier::C && cause != DemotionCause::SevereViolation {
            start_grace(&mut next, &mut changes, card, config);
        }
    } else if from == Tier::C && next.tier == Tier::C {
        review_grace(&mut next, &mut changes, card, config);
    }
    (next, changes)
}

fn start_grace(
    next: &mut RatingState,
    changes: &mut Vec<Change>,
    card: &Scorecard,
    config: &RatingConfig,
) {
    let until = card.as_of.after(config.hysteresis.grace_days);
    next.grace = Some(Grace {
        until,
        score_at_last_check: card.overall,
    });
    changes.push(Change::GraceStarted { until });
}

/// At an official evaluation of a C shop in grace: extend while improving, else end it.
fn review_grace(
    next: &mut RatingState,
    changes: &mut Vec<Change>,
    card: &Scorecard,
    config: &RatingConfig,
) {
    let h = &config.hysteresis;
    let Some(grace) = next.grace else { return };
    let (from_score, to_score) = (grace.score_at_last_check, card.overall);
    if card.eligibility.severe_violations > 0 {
        // A severe violation is not a performance dip: no deferral while it stands.
        next.grace = None;
        changes.push(Change::GraceEnded {
            from_score,
            to_score,
        });
    } else if card.as_of < grace.until {
        next.grace = Some(Grace {
            score_at_last_check: to_score,
            ..grace
        });
    } else if to_score >= from_score + h.grace_min_improvement {
        let until = card.as_of.after(h.grace_extension_days);
        next.grace = Some(Grace {
            until,
            score_at_last_check: to_score,
        });
        changes.push(Change::GraceExtended {
            until,
            from_score,
            to_score,
        });
    } else {
        next.grace = None;
        changes.push(Change::GraceEnded {
            from_score,
            to_score,
        });
    }
}
