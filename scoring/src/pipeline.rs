//! The creator-scout programme's onboarding pipeline: the state machine, the funnel figures a
//! programme lead compares markets by, and the score that ranks prospects worth contacting.
//!
//! A creator goes prospect -> contacted -> onboarding -> certified. `Rejected` (not a fit, or
//! declined) ends an entry before certification; `Churned` ends a certified one. Both exits
//! are final: a creator who comes back starts a new entry. [`MOVES`] is the only place the
//! allowed moves are written down.

use std::fmt;

/// A place in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Prospect,
    Contacted,
    Onboarding,
    Certified,
    Rejected,
    Churned,
}

impl Stage {
    /// Every stage, funnel stages first.
    pub const ALL: [Stage; 6] = [
        Stage::Prospect,
        Stage::Contacted,
        Stage::Onboarding,
        Stage::Certified,
        Stage::Rejected,
        Stage::Churned,
    ];

    /// The funnel, in order; the exits are not part of it.
    pub const FUNNEL: [Stage; 4] = [
        Stage::Prospect,
        Stage::Contacted,
        Stage::Onboarding,
        Stage::Certified,
    ];

    /// The lower-case name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Contacted => "contacted",
            Stage::Onboarding => "onboarding",
            Stage::Certified => "certified",
            Stage::Rejected => "rejected",
            Stage::Churned => "churned",
        }
    }

    /// Whether an entry in this stage is still open (not rejected or churned).
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Rejected | Stage::Churned)
    }

    /// The position in [`Stage::FUNNEL`], `None` for the exits.
    fn funnel_position(self) -> Option<usize> {
        Stage::FUNNEL.iter().position(|&s| s == self)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every allowed move, `(from, to)`. Nothing else is allowed.
pub const MOVES: &[(Stage, Stage)] = &[
    (Stage::Prospect, Stage::Contacted),
    (Stage::Prospect, Stage::Rejected),
    (Stage::Contacted, Stage::Onboarding),
    (Stage::Contacted, Stage::Rejected),
    (Stage::Onboarding, Stage::Certified),
    (Stage::Onboarding, Stage::Rejected),
    (Stage::Certified, Stage::Churned),
];

/// The stages an entry in `from` may move to, in [`MOVES`] order.
pub fn allowed_from(from: Stage) -> Vec<Stage> {
    MOVES
        .iter()
        .filter(|(f, _)| *f == from)
        .map(|&(_, to)| to)
        .collect()
}

/// A move the state machine refuses, with what is allowed instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct IllegalMove {
    pub from: Stage,
    pub to: Stage,
    /// The moves allowed from `from` (empty for the final stages).
    pub allowed: Vec<Stage>,
}

impl fmt::Display for IllegalMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot move from {} to {}; ", self.from, self.to)?;
        if self.allowed.is_empty() {
            write!(f, "{} is final, no move is allowed from it", self.from)
        } else {
            let names: Vec<&str> = self.allowed.iter().map(|s| s.name()).collect();
            write!(f, "allowed from {}: {}", self.from, names.join(", "))
        }
    }
}

/// Checks a move against [`MOVES`].
pub fn check_move(from: Stage, to: Stage) -> Result<(), IllegalMove> {
    if MOVES.contains(&(from, to)) {
        Ok(())
    } else {
        Err(IllegalMove {
            from,
            to,
            allowed: allowed_from(from),
        })
    }
}

const SECONDS_PER_DAY: f64 = 86_400.0;

/// One recorded move of an entry; `at` in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    pub to: Stage,
    pub at: i64,
}

/// One pipeline entry as the funnel sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryHistory {
    pub state: Stage,
    /// Recorded at certification.
    pub ecommerce_capable: Option<bool>,
    /// Its moves, the opening one (to prospect) included, in any order.
    pub transitions: Vec<Transition>,
}

impl EntryHistory {
    /// The furthest funnel stage the entry reached. Reaching a stage implies having passed
    /// the ones before it, so a history with gaps still counts in every earlier stage and
    /// conversions never exceed 1.
    fn furthest(&self) -> Option<usize> {
        self.transitions
            .iter()
            .map(|t| t.to)
            .chain([self.state])
            .filter_map(Stage::funnel_position)
            .max()
    }

    /// The days spent in each stage the entry has left, in move order.
    fn stays(&self) -> Vec<(Stage, f64)> {
        let mut moves = self.transitions.clone();
        moves.sort_by_key(|t| t.at);
        moves
            .windows(2)
            .map(|w| (w[0].to, (w[1].at - w[0].at) as f64 / SECONDS_PER_DAY))
            .collect()
    }
}

/// The conversion from one funnel stage to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    pub from: Stage,
    pub to: Stage,
    /// Entries that reached `to` over those that reached `from`; `None` when none reached
    /// `from`.
    pub rate: Option<f64>,
}

/// Funnel figures over a set of entries (a market's or a scout's, opened in a period).
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub entries: usize,
    /// Entries now in each stage, in [`Stage::ALL`] order.
    pub current: Vec<(Stage, usize)>,
    /// Entries that ever reached each funnel stage, in [`Stage::FUNNEL`] order.
    pub reached: Vec<(Stage, usize)>,
    /// Between consecutive funnel stages.
    pub conversions: Vec<Conversion>,
    /// The median days an entry stayed in each funnel stage before moving on, over the stays
    /// that ended; `None` when none ended.
    pub median_days: Vec<(Stage, Option<f64>)>,
    /// Of the entries that reached certification with the flag recorded, the share that are
    /// e-commerce capable; `None` when there are none.
    pub ecommerce_share: Option<f64>,
}

impl Funnel {
    /// Computes every figure over `entries`.
    pub fn of(entries: &[EntryHistory]) -> Self {
        Self {
            entries: entries.len(),
            current: current_counts(entries),
            reached: reached_counts(entries),
            conversions: conversions(&reached_counts(entries)),
            median_days: median_days(entries),
            ecommerce_share: ecommerce_share(entries),
        }
    }
}

/// Entries now in each stage, in [`Stage::ALL`] order.
pub fn current_counts(entries: &[EntryHistory]) -> Vec<(Stage, usize)> {
    Stage::ALL
        .iter()
        .map(|&s| (s, entries.iter().filter(|e| e.state == s).count()))
        .collect()
}

/// Entries that reached each funnel stage (or a later one), in [`Stage::FUNNEL`] order.
pub fn reached_counts(entries: &[EntryHistory]) -> Vec<(Stage, usize)> {
    let furthest: Vec<Option<usize>> = entries.iter().map(EntryHistory::furthest).collect();
    Stage::FUNNEL
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            (
                s,
                furthest
                    .iter()
                    .filter(|f| f.is_some_and(|f| f >= i))
                    .count(),
            )
        })
        .collect()
}

/// Conversions between consecutive stages of [`reached_counts`].
pub fn conversions(reached: &[(Stage, usize)]) -> Vec<Conversion> {
    reached
        .windows(2)
        .map(|w| Conversion {
            from: w[0].0,
            to: w[1].0,
            rate: (w[0].1 > 0).then(|| w[1].1 as f64 / w[0].1 as f64),
        })
        .collect()
}

/// The median of `values`; `None` when empty. Sorts in place.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The median days per funnel stage over the stays that ended, in [`Stage::FUNNEL`] order.
pub fn median_days(entries: &[EntryHistory]) -> Vec<(Stage, Option<f64>)> {
    let stays: Vec<(Stage, f64)> = entries.iter().flat_map(EntryHistory::stays).collect();
    Stage::FUNNEL
        .iter()
        .map(|&s| {
            let mut days: Vec<f64> = stays
                .iter()
                .filter(|(stage, _)| *stage == s)
                .map(|&(_, d)| d)
                .collect();
            (s, median(&mut days))
        })
        .collect()
}

/// The share of certified entries (now certified or churned since) that are e-commerce
/// capable, over those where certification recorded it.
pub fn ecommerce_share(entries: &[EntryHistory]) -> Option<f64> {
    let certified = Stage::Certified.funnel_position();
    let flags: Vec<bool> = entries
        .iter()
        .filter(|e| e.furthest() == certified)
        .filter_map(|e| e.ecommerce_capable)
        .collect();
    (!flags.is_empty()).then(|| flags.iter().filter(|&&c| c).count() as f64 / flags.len() as f64)
}

/// What is known of a creator not yet in the pipeline, to rank it as a prospect.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProspectSignals {
    pub followers: i64,
    /// Has sold through content at least once.
    pub ecommerce_capable: bool,
    /// Totals over the creator's content.
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    /// Orders attributed to the creator.
    pub orders: i64,
    /// The creator's content score, 0..100, when the content model has scored it; replaces
    /// the raw engagement rate.
    pub content_score: Option<f64>,
    /// Predicted LTV mapped to 0..1 by the LTV model (e.g. its percentile in the market), when
    /// known; replaces the attributed-order signal.
    pub ltv_rank: Option<f64>,
}

/// A prospect's score, 0..1, and the four parts it is made of (each 0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProspectScore {
    pub score: f64,
    pub reach: f64,
    pub engagement: f64,
    pub sales: f64,
    pub ecommerce: f64,
}

impl ProspectScore {
    /// Why the prospect ranks where it does, for the scout: its parts by what they add to the
    /// score, largest first, each with the evidence behind it ("content score 62 adds 0.19").
    pub fn explain(&self, s: &ProspectSignals) -> String {
        let w = PROSPECT_WEIGHTS;
        let engagement = match s.content_score {
            Some(score) => format!("content score {score:.0}"),
            None if s.views > 0 => {
                let rate = (s.likes + s.comments + s.shares).max(0) as f64 / s.views as f64;
                format!("{:.1}% engagement per view", rate * 100.0)
            }
            None => "no content views yet".to_owned(),
        };
        let sales = match s.ltv_rank {
            Some(rank) => format!(
                "predicted LTV in the top {:.0}% of the market",
                (100.0 * (1.0 - rank)).ceil().clamp(1.0, 100.0)
            ),
            None => format!("{} attributed orders", s.orders.max(0)),
        };
        let ecommerce = if s.ecommerce_capable {
            "sells through content".to_owned()
        } else {
            "has not sold through content".to_owned()
        };
        let followers = s.followers.max(0);
        let audience = if followers > REACH_TARGET {
            format!("{followers} followers (past the {REACH_TARGET} the programme recruits for)")
        } else {
            format!("{followers} followers")
        };
        let mut parts = [
            (w.reach * self.reach, audience),
            (w.engagement * self.engagement, engagement),
            (w.sales * self.sales, sales),
            (w.ecommerce * self.ecommerce, ecommerce),
        ];
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let parts: Vec<String> = parts
            .iter()
            .map(|(adds, what)| format!("{what} adds {adds:.2}"))
            .collect();
        format!("score {:.2}: {}", self.score, parts.join(", "))
    }
}

/// Weights of the prospect score's parts; they sum to 1.
pub const PROSPECT_WEIGHTS: ProspectScore = ProspectScore {
    score: 1.0,
    reach: 0.30,
    engagement: 0.30,
    sales: 0.25,
    ecommerce: 0.15,
};

/// Followers the programme recruits for (50k): mid-tier accounts, big enough to sell through
/// content and small enough to onboard. Reach rises on a log scale to 1 here, then falls.
pub const REACH_TARGET: i64 = 50_000;
/// Followers at which reach is back to 0 (10M): accounts far past the target are established,
/// usually agency-managed (the pyramid's top), and not what a scout recruits.
const REACH_CEILING: f64 = 10_000_000.0;
/// Engagement rate ((likes + comments + shares) / views) that scores one half.
const ENGAGEMENT_HALF: f64 = 0.05;
/// Attributed orders that score one half.
const ORDERS_HALF: f64 = 20.0;

/// How well a creator's audience fits the programme, 0..1: `ln(1 + f) / ln(1 + 50k)` up to
/// [`REACH_TARGET`], then `1 - ln(f / 50k) / ln(10M / 50k)` down to 0 at 10M followers (a
/// 500k account 0.57, a 2M one 0.30). Without the fall, the largest accounts ranked first by
/// default, since they also lead on attributed orders and LTV.
pub fn reach(followers: i64) -> f64 {
    let f = followers.max(0) as f64;
    let target = REACH_TARGET as f64;
    if f <= target {
        (1.0 + f).ln() / (1.0 + target).ln()
    } else {
        (1.0 - (f / target).ln() / (REACH_CEILING / target).ln()).max(0.0)
    }
}

/// Ranks a creator as a prospect. Each part saturates so no single signal dominates:
/// reach as [`reach`]; engagement = r / (r + 5%) for the engagement rate
/// r, or content score / 100 when known; sales = orders / (orders + 20), or the LTV rank when
/// known; e-commerce = 1 when the creator has sold. The score is their weighted sum
/// ([`PROSPECT_WEIGHTS`]).
pub fn prospect_score(s: &ProspectSignals) -> ProspectScore {
    let reach = reach(s.followers);
    let engagement = match s.content_score {
        Some(score) => (score / 100.0).clamp(0.0, 1.0),
        None if s.views > 0 => {
            let rate = (s.likes + s.comments + s.shares).max(0) as f64 / s.views as f64;
            rate / (rate + ENGAGEMENT_HALF)
        }
        None => 0.0,
    };
    let sales = match s.ltv_rank {
        Some(rank) => rank.clamp(0.0, 1.0),
        None => {
            let orders = s.orders.max(0) as f64;
            orders / (orders + ORDERS_HALF)
        }
    };
    let ecommerce = if s.ecommerce_capable { 1.0 } else { 0.0 };
    let w = PROSPECT_WEIGHTS;
    ProspectScore {
        score: w.reach * reach
            + w.engagement * engagement
            + w.sales * sales
            + w.ecommerce * ecommerce,
        reach,
        engagement,
        sales,
        ecommerce,
    }
}

#[cfg(test)]
mod tests {
    use super::Stage::*;
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn every_pair_of_stages_is_allowed_exactly_when_listed() {
        let allowed = [
            (Prospect, Contacted),
            (Prospect, Rejected),
            (Contacted, Onboarding),
            (Contacted, Rejected),
            (Onboarding, Certified),
            (Onboarding, Rejected),
            (Certified, Churned),
        ];
        for from in Stage::ALL {
            for to in Stage::ALL {
                let result = check_move(from, to);
                if allowed.contains(&(from, to)) {
                    assert_eq!(result, Ok(()), "{from} -> {to} should be allowed");
                } else {
                    let err = result.expect_err(&format!("{from} -> {to} should be refused"));
                    assert_eq!(err.allowed, allowed_from(from));
                }
            }
        }
    }

    #[test]
    fn allowed_moves_per_stage() {
        assert_eq!(allowed_from(Prospect), vec![Contacted, Rejected]);
        assert_eq!(allowed_from(Contacted), vec![Onboarding, Rejected]);
        assert_eq!(allowed_from(Onboarding), vec![Certified, Rejected]);
        assert_eq!(allowed_from(Certified), vec![Churned]);
        assert!(allowed_from(Rejected).is_empty());
        assert!(allowed_from(Churned).is_empty());
        assert!(
            Stage::ALL
                .iter()
                .all(|s| s.is_open() != allowed_from(*s).is_empty())
        );
    }

    #[test]
    fn refusals_name_the_allowed_moves() {
        let err = check_move(Contacted, Certified).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move from contacted to certified; allowed from contacted: onboarding, rejected"
        );
        let err = check_move(Churned, Prospect).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move from churned to prospect; churned is final, no move is allowed from it"
        );
    }

    fn entry(state: Stage, capable: Option<bool>, moves: &[(Stage, i64)]) -> EntryHistory {
        EntryHistory {
            state,
            ecommerce_capable: capable,
            transitions: moves
                .iter()
                .map(|&(to, day)| Transition { to, at: day * DAY })
                .collect(),
        }
    }

    /// Six entries: two certified (one capable), one churned after certification (capable),
    /// one rejected at contacted, one onboarding, one prospect.
    fn hand_made() -> Vec<EntryHistory> {
        vec![
            entry(
                Certified,
                Some(true),
                &[
                    (Prospect, 0),
                    (Contacted, 2),
                    (Onboarding, 6),
                    (Certified, 16),
                ],
            ),
            entry(
                Certified,
                Some(false),
                &[
                    (Onboarding, 10),
                    (Contacted, 4),
                    (Prospect, 0),
                    (Certified, 30),
                ],
            ),
            entry(
                Churned,
                Some(true),
                &[
                    (Prospect, 0),
                    (Contacted, 6),
                    (Onboarding, 8),
                    (Certified, 20),
                    (Churned, 50),
                ],
            ),
            entry(
                Rejected,
                None,
                &[(Prospect, 0), (Contacted, 1), (Rejected, 5)],
            ),
            entry(
                Onboarding,
                None,
                &[(Prospect, 0), (Contacted, 3), (Onboarding, 5)],
            ),
            entry(Prospect, None, &[(Prospect, 0)]),
        ]
    }

    #[test]
    fn funnel_of_a_hand_made_set() {
        let f = Funnel::of(&hand_made());
        assert_eq!(f.entries, 6);
        assert_eq!(
            f.current,
            vec![
                (Prospect, 1),
                (Contacted, 0),
                (Onboarding, 1),
                (Certified, 2),
                (Rejected, 1),
                (Churned, 1)
            ]
        );
        assert_eq!(
            f.reached,
            vec![
                (Prospect, 6),
                (Contacted, 5),
                (Onboarding, 4),
                (Certified, 3)
            ]
        );
        let rates: Vec<_> = f
            .conversions
            .iter()
            .map(|c| (c.from, c.to, c.rate))
            .collect();
        assert_eq!(
            rates,
            vec![
                (Prospect, Contacted, Some(5.0 / 6.0)),
                (Contacted, Onboarding, Some(4.0 / 5.0)),
                (Onboarding, Certified, Some(3.0 / 4.0)),
            ]
        );
        // Prospect stays 2, 4, 6, 1, 3 -> 3; contacted 4, 6, 2, 4, 2 -> 4;
        // onboarding 10, 20, 12 -> 12; certified 30 (the churned one only).
        assert_eq!(
            f.median_days,
            vec![
                (Prospect, Some(3.0)),
                (Contacted, Some(4.0)),
                (Onboarding, Some(12.0)),
                (Certified, Some(30.0))
            ]
        );
        assert_eq!(f.ecommerce_share, Some(2.0 / 3.0));
    }

    #[test]
    fn empty_and_gappy_sets() {
        let f = Funnel::of(&[]);
        assert_eq!(f.entries, 0);
        assert!(f.conversions.iter().all(|c| c.rate.is_none()));
        assert!(f.median_days.iter().all(|(_, d)| d.is_none()));
        assert_eq!(f.ecommerce_share, None);
        // A certified entry whose history lacks the earlier moves counts in every stage.
        let gappy = [entry(Certified, None, &[(Certified, 3)])];
        assert_eq!(
            reached_counts(&gappy),
            vec![
                (Prospect, 1),
                (Contacted, 1),
                (Onboarding, 1),
                (Certified, 1)
            ]
        );
        assert_eq!(ecommerce_share(&gappy), None, "no flag recorded");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn a_prospect_is_explained_by_its_largest_parts_first() {
        let s = ProspectSignals {
            followers: 52_000,
            ecommerce_capable: true,
            content_score: Some(62.0),
            orders: 14,
            ..Default::default()
        };
        let score = prospect_score(&s);
        let why = score.explain(&s);
        assert!(
            why.starts_with(&format!("score {:.2}: ", score.score)),
            "{why}"
        );
        assert!(
            why.contains("52000 followers (past the 50000 the programme recruits for) adds 0.30"),
            "{why}"
        );
        assert!(why.contains("content score 62 adds 0.19"), "{why}");
        assert!(why.contains("14 attributed orders adds 0.10"), "{why}");
        let reach = why.find("followers").unwrap();
        let engagement = why.find("content score").unwrap();
        assert!(reach < engagement, "0.30 before 0.19: {why}");
    }

    #[test]
    fn prospect_score_parts() {
        let nothing = prospect_score(&ProspectSignals::default());
        assert_eq!(nothing.score, 0.0);
        let s = ProspectSignals {
            followers: REACH_TARGET,
            ecommerce_capable: true,
            views: 1000,
            likes: 30,
            comments: 10,
            shares: 10,
            orders: 20,
            ..Default::default()
        };
        let p = prospect_score(&s);
        assert!((p.reach - 1.0).abs() < 1e-9);
        assert!(
            (p.engagement - 0.5).abs() < 1e-12,
            "5% engagement scores one half"
        );
        assert!((p.sales - 0.5).abs() < 1e-12, "20 orders score one half");
        assert_eq!(p.ecommerce, 1.0);
        assert!((p.score - (0.30 + 0.15 + 0.125 + 0.15)).abs() < 1e-9);
        let w = PROSPECT_WEIGHTS;
        assert!((w.reach + w.engagement + w.sales + w.ecommerce - 1.0).abs() < 1e-12);
    }

    #[test]
    fn model_scores_replace_raw_signals_when_known() {
        let raw = ProspectSignals {
            followers: 5000,
            views: 100,
            likes: 50,
            orders: 3,
            ..Default::default()
        };
        let modelled = ProspectSignals {
            content_score: Some(80.0),
            ltv_rank: Some(0.9),
            ..raw
        };
        let p = prospect_score(&modelled);
        assert!(
            p.explain(&modelled)
                .contains("predicted LTV in the top 10% of the market adds 0.23"),
            "{}",
            p.explain(&modelled)
        );
        let best = ProspectSignals {
            ltv_rank: Some(0.998),
            ..modelled
        };
        let why = prospect_score(&best).explain(&best);
        assert!(why.contains("in the top 1% of the market"), "{why}");
        assert_eq!(p.engagement, 0.8);
        assert_eq!(p.sales, 0.9);
        assert_eq!(p.reach, prospect_score(&raw).reach);
    }

    #[test]
    fn reach_peaks_at_the_programmes_target_and_falls_for_established_accounts() {
        let mut last = -1.0;
        for followers in [0, 10, 1_000, 10_000, REACH_TARGET] {
            let r = reach(followers);
            assert!(r > last, "{followers}: {r}");
            last = r;
        }
        assert!((reach(REACH_TARGET) - 1.0).abs() < 1e-12);
        for followers in [100_000, 500_000, 2_000_000, 10_000_000] {
            let r = reach(followers);
            assert!(r < last, "{followers}: {r}");
            last = r;
        }
        assert!((reach(500_000) - 0.5654).abs() < 1e-4);
        assert!((reach(2_000_000) - 0.3038).abs() < 1e-4);
        assert_eq!(reach(10_000_000), 0.0);
        assert_eq!(reach(50_000_000), 0.0);
        // A 2M account that sells well no longer outranks a 40k one that sells a little less.
        let signals = |followers, ltv_rank| ProspectSignals {
            followers,
            ecommerce_capable: true,
            content_score: Some(60.0),
            ltv_rank: Some(ltv_rank),
            ..Default::default()
        };
        let big = prospect_score(&signals(2_000_000, 0.99)).score;
        let mid = prospect_score(&signals(40_000, 0.8)).score;
        assert!(mid > big, "{mid} vs {big}");
    }
}
