//! "What to improve": per metric, the target, the exact slack or effort, and what rolls off when.
//!
//! Every count is computed by re-running the same scoring on a what-if record
//! ([`Scorecard::with_extra_events`]), so the numbers are exact by construction: absorbing the
//! stated number of bad events keeps the tier, one more loses it.

use serde::{Deserialize, Serialize};

use super::config::RatingConfig;
use super::input::{Day, ShopInputs};
use super::metric::Metric;
use super::scorecard::{Scorecard, bad_events};
use super::tier::Tier;
use super::window::{Sums, age};

/// Largest count the searches try; beyond it a metric is reported as "no limit".
pub const SEARCH_CAP: u64 = 10_000_000;

/// A day's (or a violation's, or a piece of content's) share of a metric's bad events.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountingAgainst {
    /// Order date, publication day or day the violation was upheld.
    pub day: Day,
    /// Bad events it adds (a count for rates; the shortfall in bad-event units otherwise).
    pub bad_events: f64,
    /// First day it no longer counts (`day + window`).
    pub rolls_off: Day,
}

/// What one metric needs, for the shop's "how to reach the next tier" page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricHint {
    /// Which metric.
    pub metric: Metric,
    /// Window it is measured on.
    pub window_days: u32,
    /// The shop's own value; `None` without events.
    pub raw_value: Option<f64>,
    /// The scored (shrunk) value.
    pub value: f64,
    /// Its score.
    pub score: f64,
    /// Tier aimed at: the next one up (A for Unrated); S for S shops, to keep it.
    pub target_tier: Tier,
    /// Metric value that tier needs (for B: the recall threshold, to stay better than).
    pub target_value: f64,
    /// Bad events the metric can still take with the qualified tier unchanged, all else equal;
    /// one more changes it. `None` when it cannot change it within [`SEARCH_CAP`] (or it is C).
    pub absorbable_bad_events: Option<u64>,
    /// Clean events needed for the metric to meet `target_value` (0 if it does); `None` if not
    /// reachable within [`SEARCH_CAP`].
    pub clean_events_needed: Option<u64>,
    /// Days with bad events in the window, oldest first, with the day each rolls off.
    pub counting_against: Vec<CountingAgainst>,
    /// The metric falls short of what `target_tier` needs of it now (for a C shop: it is in
    /// breach): it holds the shop where it is, so it ranks first.
    pub blocks_next_tier: bool,
    /// Overall points the shop would gain if this metric scored 100: the ranking key after
    /// `blocks_next_tier`.
    pub points_available: f64,
}

impl MetricHint {
    /// Plain-words summary for the shop.
    pub fn describe(&self) -> String {
        let noun = self.metric.event_noun();
        let target = self.metric.show(self.target_value);
        let mut out = format!(
            "{}: {} (score {:.1}, over {} days).",
            self.metric.label(),
            self.metric.show(self.value),
            self.score,
            self.window_days
        );
        match self.clean_events_needed {
            Some(0) => out += &format!(" Meets the {} standard {target}.", self.target_tier),
            Some(n) => {
                out += &format!(
                    " {n} more clean {noun} bring it to the {} standard {target}.",
                    self.target_tier
                )
            }
            None => {
                out += &format!(
                    " The {} standard {target} is out of reach this window.",
                    self.target_tier
                )
            }
        }
        if let Some(n) = self.absorbable_bad_events {
            out += &format!(
                " It can take {n} more bad {noun} without changing the tier; one more would."
            );
        }
        if let Some(first) = self.counting_against.first() {
            out += &format!(
                " {} day(s) count against it; the oldest rolls off on {}.",
                self.counting_against.len(),
                first.rolls_off
            );
        }
        out
    }
}

/// Smallest `x` in `0..=cap` with `pred(x)`, for a predicate false then true; `None` if never.
fn first_true(cap: u64, pred: impl Fn(u64) -> bool) -> Option<u64> {
    if pred(0) {
        return Some(0);
    }
    let (mut lo, mut hi) = (0, 1);
    while !pred(hi) {
        if hi == cap {
            return None;
        }
        lo = hi;
        hi = (hi * 2).min(cap);
    }
    // pred(lo) is false and pred(hi) is true.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) { hi = mid } else { lo = mid }
    }
    Some(hi)
}

/// Improvement hints for every metric: those holding the shop below the next tier first, then
/// by points available (largest first).
///
/// `card` must come from `inputs` and `config` (e.g. `evaluate(..).scorecard`). Counts hold
/// "all else equal": they move one metric at a time. They are about the tier the scores qualify
/// for; hysteresis may delay an official change.
pub fn improvement_hints(
    card: &Scorecard,
    inputs: &ShopInputs,
    config: &RatingConfig,
) -> Vec<MetricHint> {
    let records = records(inputs, config);
    let in_dimension = |m: Metric| {
        Metric::ALL
            .iter()
            .filter(|o| o.dimension() == m.dimension())
            .count() as f64
    };
    let mut hints: Vec<MetricHint> = card
        .metrics
        .0
        .iter()
        .map(|ms| {
            let metric = ms.metric;
            let mc = &config.metrics[metric];
            let t = &config.tiers;
            let target_tier = card.tier.next_up().unwrap_or(Tier::S);
            let target_value = match target_tier {
                Tier::S => mc.top,
                Tier::A => mc.minimum,
                _ => mc.recall,
            };
            let meets = |clean: u64| {
                let m = ms.with_extra_events(0, clean, config);
                match target_tier {
                    Tier::S => m.score >= t.s_metric_floor,
                    Tier::A => m.score >= t.a_metric_floor,
                    _ => !m.breach,
                }
            };
            let absorbable_bad_events = (card.tier != Tier::C)
                .then(|| {
                    first_true(SEARCH_CAP, |x| {
                        card.with_extra_events(metric, x, 0, config).tier != card.tier
                    })
                })
                .flatten()
                .map(|lose| lose - 1);
            let window = i64::from(ms.window_days);
            let counting_against = records
                .iter()
                .filter(|(day, _)| age(*day, card.as_of).is_some_and(|a| i64::from(a) < window))
                .filter_map(|(day, sums)| {
                    let (num, events) = sums.parts(metric);
                    let bad = bad_events(metric, num, events, config);
                    (bad > 0.0).then(|| CountingAgainst {
                        day: *day,
                        bad_events: bad,
                        rolls_off: day.after(ms.window_days),
                    })
                })
                .collect();
            let clean_events_needed = first_true(SEARCH_CAP, meets);
            MetricHint {
                metric,
                window_days: ms.window_days,
                raw_value: ms.raw_value,
                value: ms.value,
                score: ms.score,
                target_tier,
                target_value,
                absorbable_bad_events,
                clean_events_needed,
                counting_against,
                blocks_next_tier: clean_events_needed != Some(0),
                points_available: config.weights.of(metric.dimension()) / in_dimension(metric)
                    * (100.0 - ms.score),
            }
        })
        .collect();
    hints.sort_by(|a, b| {
        (b.blocks_next_tier.cmp(&a.blocks_next_tier))
            .then(b.points_available.total_cmp(&a.points_available))
    });
    hints
}

/// Every dated record of the shop (days, content, violations) as sums, oldest first.
fn records(inputs: &ShopInputs, config: &RatingConfig) -> Vec<(Day, Sums)> {
    let mut out: Vec<(Day, Sums)> = inputs
        .days
        .iter()
        .map(|d| (d.day, Sums::of_day(d)))
        .chain(
            inputs
                .content
                .iter()
                .map(|c| (c.day, Sums::of_content(c.score))),
        )
        .chain(
            inputs
                .violations
                .iter()
                .map(|v| (v.day, Sums::of_violation(v, &config.severity))),
        )
        .collect();
    out.sort_by_key(|(day, _)| *day);
    out
}
