//! The random draws the generators share: heavy tails, counts that add up to a target, exact
//! quotas, weighted choice, and instants that follow local evenings and a growing market.

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

/// A standard normal draw.
pub(super) fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}

/// A lognormal draw with the given median and log-scale spread: the shape of followers,
/// activity and prices.
pub(super) fn lognormal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// An exponential draw with the given mean.
pub(super) fn exponential(rng: &mut StdRng, mean: f64) -> f64 {
    let e: f64 = rng.sample(Exp1);
    mean * e
}

/// True with probability `p`.
pub(super) fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// The logistic function.
pub(super) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A Poisson count; zero for a non-positive or non-finite mean.
pub(super) fn poisson(rng: &mut StdRng, mean: f64) -> u64 {
    if !(mean > 0.0 && mean.is_finite()) {
        return 0;
    }
    match Poisson::new(mean) {
        Ok(d) => d.sample(rng) as u64,
        Err(_) => mean.round() as u64,
    }
}

/// Splits about `total` events over items in proportion to their weights (independent Poisson
/// counts), so the sum lands near the target whatever the weights' scale.
pub(super) fn allocate(rng: &mut StdRng, total: f64, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    weights
        .iter()
        .map(|w| poisson(rng, total * w / sum) as u32)
        .collect()
}

/// Labels `n` items with class indices in exact proportions (largest remainder), every class
/// getting at least `min_each` when `n` allows, in shuffled order. Used where a demo must show
/// every case (all pipeline states, all shop qualities) even at a tiny scale.
pub(super) fn quota(rng: &mut StdRng, n: usize, shares: &[f64], min_each: usize) -> Vec<usize> {
    let total: f64 = shares.iter().sum();
    let mut counts: Vec<usize> = shares
        .iter()
        .map(|s| (n as f64 * s / total).floor() as usize)
        .collect();
    let mut remainders: Vec<(usize, f64)> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| (i, n as f64 * s / total - counts[i] as f64))
        .collect();
    remainders.sort_by(|a, b| b.1.total_cmp(&a.1));
    // The floors leave fewer than one item per class unassigned: one pass settles them.
    let missing = n - counts.iter().sum::<usize>();
    for (i, _) in remainders.iter().take(missing) {
        counts[*i] += 1;
    }
    if n >= min_each * shares.len() {
        for i in 0..counts.len() {
            while counts[i] < min_each {
                // Take from the largest class; it has more than `min_each` because n allows.
                let largest = (0..counts.len()).max_by_key(|&j| counts[j]).unwrap_or(i);
                counts[largest] -= 1;
                counts[i] += 1;
            }
        }
    }
    let mut labels: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(i, c)| std::iter::repeat_n(i, *c))
        .collect();
    labels.shuffle(rng);
    labels
}

/// Weighted choice over a fixed set of items, by binary search in cumulative weights.
#[derive(Debug, Clone)]
pub(super) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// Non-positive or non-finite weights are never picked.
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut sum = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                if w.is_finite() && w > 0.0 {
                    sum += w;
                }
                sum
            })
            .collect();
        Self { cumulative }
    }

    /// An index drawn in proportion to its weight; `None` when every weight is zero.
    pub fn pick(&self, rng: &mut StdRng) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total <= 0.0 {
            return None;
        }
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|c| *c <= x);
        Some(i.min(self.cumulative.len() - 1))
    }
}

/// Relative activity by local hour: quiet nights, a lunch bump, busy evenings.
const HOURLY: [f64; 24] = [
    0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 0.9, 1.0, 1.0, 1.1, 1.3, 1.2, 1.0, 1.0, 1.1, 1.2,
    1.4, 1.7, 2.0, 2.1, 1.8, 1.1,
];

/// The 12 months of history ending at `now`, and how activity is spread over them.
#[derive(Debug, Clone)]
pub(super) struct Clock {
    pub now: DateTime<Utc>,
    /// The start of the history, one year before `now`.
    pub start: DateTime<Utc>,
    hours: Weighted,
}

impl Clock {
    /// A year of history ending at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now,
            start: now - TimeDelta::days(365),
            hours: Weighted::new(HOURLY),
        }
    }

    /// `t` plus a fractional number of hours.
    pub fn plus_hours(t: DateTime<Utc>, hours: f64) -> DateTime<Utc> {
        t + TimeDelta::seconds((hours * 3_600.0) as i64)
    }

    /// `t` plus a fractional number of days.
    pub fn plus_days(t: DateTime<Utc>, days: f64) -> DateTime<Utc> {
        Self::plus_hours(t, days * 24.0)
    }

    /// A uniform instant in `[from, to]` (`from` when the range is empty).
    pub fn uniform(rng: &mut StdRng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
        let span = (to - from).num_seconds();
        if span <= 0 {
            return from;
        }
        from + TimeDelta::seconds(rng.random_range(0..=span))
    }

    /// An instant in `[from, to]` for marketplace activity: more of it later in the year (the
    /// marketplace grows about 2x over the year) and in local evenings of a market `offset`
    /// hours from UTC.
    pub fn activity(
        &self,
        rng: &mut StdRng,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        offset_hours: i64,
    ) -> DateTime<Utc> {
        let year = (self.now - self.start).num_seconds().max(1) as f64;
        let growth = |t: DateTime<Utc>| {
            0.65 + 0.7 * ((t - self.start).num_seconds() as f64 / year).clamp(0.0, 1.0)
        };
        let mut t = Self::uniform(rng, from, to);
        for _ in 0..8 {
            if rng.random::<f64>() * 1.35 <= growth(t) {
                break;
            }
            t = Self::uniform(rng, from, to);
        }
        let Some(hour) = self.hours.pick(rng) else {
            return t;
        };
        let offset = offset_hours * 3_600;
        let local_day = (t.timestamp() + offset).div_euclid(86_400);
        let secs = local_day * 86_400 - offset + hour as i64 * 3_600 + rng.random_range(0..3_600);
        let shifted = t + TimeDelta::seconds(secs - t.timestamp());
        if shifted >= from && shifted <= to {
            shifted
        } else {
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn quota_is_exact_and_covers_every_class() {
        let mut rng = StdRng::seed_from_u64(1);
        let labels = quota(&mut rng, 10, &[0.7, 0.2, 0.05, 0.05], 1);
        assert_eq!(labels.len(), 10);
        for class in 0..4 {
            assert!(
                labels.contains(&class),
                "class {class} missing in {labels:?}"
            );
        }
        let labels = quota(&mut rng, 1_000, &[0.5, 0.3, 0.2], 0);
        assert_eq!(labels.iter().filter(|l| **l == 0).count(), 500);
        assert_eq!(labels.iter().filter(|l| **l == 2).count(), 200);
    }

    #[test]
    fn allocate_hits_the_target_roughly_and_follows_weights() {
        let mut rng = StdRng::seed_from_u64(2);
        let counts = allocate(&mut rng, 10_000.0, &[1.0, 3.0, 0.0, 6.0]);
        let total: u32 = counts.iter().sum();
        assert!((9_500..=10_500).contains(&total), "{total}");
        assert_eq!(counts[2], 0);
        assert!(counts[3] > counts[1] && counts[1] > counts[0], "{counts:?}");
    }

    #[test]
    fn weighted_never_picks_zero_weights() {
        let mut rng = StdRng::seed_from_u64(3);
        let w = Weighted::new([0.0, 2.0, 0.0, 1.0]);
        for _ in 0..1_000 {
            let i = w.pick(&mut rng).expect("some weight");
            assert!(i == 1 || i == 3);
        }
        assert_eq!(Weighted::new([0.0, 0.0]).pick(&mut rng), None);
        assert_eq!(Weighted::new([]).pick(&mut rng), None);
    }

    #[test]
    fn activity_stays_in_range_and_prefers_evenings() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        let clock = Clock::new(now);
        let mut rng = StdRng::seed_from_u64(4);
        let mut evening = 0;
        for _ in 0..2_000 {
            let t = clock.activity(&mut rng, clock.start, now, 9);
            assert!(t >= clock.start && t <= now);
            let local_hour = (t.timestamp() + 9 * 3_600).rem_euclid(86_400) / 3_600;
            if (18..23).contains(&local_hour) {
                evening += 1;
            }
        }
        // 5 of 24 hours carry about a third of the activity.
        assert!(evening > 500, "{evening} evening instants of 2000");
    }
}
