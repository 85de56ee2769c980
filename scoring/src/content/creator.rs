//! Creator (or shop) content score: a robust rolling aggregate of recent pieces' scores.

use std::collections::HashMap;

use crate::day::Day;
use serde::{Deserialize, Serialize};

use super::{CohortKey, ContentError, CreatorConfig, MarketId, NicheId, Severity};

/// A recent piece's score, as stored by the recompute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecentScore {
    /// The piece's content score, 0..=100 (pieces without a score yet are left out).
    pub score: f64,
    /// Publication day, in the same day numbering as `as_of_day`.
    pub published_day: Day,
}

/// An upheld violation of the creator (or on content selling the shop's products).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// How grave it was.
    pub severity: Severity,
    /// Day it was upheld.
    pub day: Day,
}

/// A creator's or shop's content score with the parts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AggregateScore {
    /// Final score, 0..=100.
    pub score: f64,
    /// Trimmed mean of the recent pieces' scores, `None` without pieces.
    pub trimmed_mean: Option<f64>,
    /// Pieces in the window that counted (at most `max_pieces`).
    pub pieces: usize,
    /// The niche (or market) mean shrunk toward.
    pub prior_mean: f64,
    /// Share of the prior in the shrunk score: `prior_pieces / (pieces + prior_pieces)`.
    pub prior_share: f64,
    /// Points taken off for upheld violations in the window.
    pub penalty: f64,
    /// 0..1: the share of the score resting on the creator's own pieces (`1 - prior_share`).
    pub confidence: f64,
}

/// Content score of a creator over their recent pieces, or of a shop over the content selling
/// its products: the same rule serves both.
///
/// The most recent `max_pieces` pieces of the window `(as_of_day - window_days, as_of_day]` are
/// trimmed by `trim_fraction` at each end and averaged, so one viral video cannot make a creator;
/// the mean is shrunk toward `prior_mean` (the niche's mean content score) with the weight of
/// `prior_pieces` pieces, so three lucky videos cannot either; then every upheld violation in
/// the window costs its severity's points.
pub fn aggregate_content_score(
    pieces: &[RecentScore],
    violations: &[Violation],
    prior_mean: f64,
    as_of_day: Day,
    config: &CreatorConfig,
) -> Result<AggregateScore, ContentError> {
    config.validate()?;
    let valid = |s: f64| (0.0..=100.0).contains(&s);
    if !valid(prior_mean) {
        return Err(ContentError::InvalidScore(prior_mean));
    }
    if let Some(bad) = pieces.iter().find(|p| !valid(p.score)) {
        return Err(ContentError::InvalidScore(bad.score));
    }
    let first_day = as_of_day.before(config.window_days);
    let in_window = |day: Day| day > first_day && day <= as_of_day;

    let mut recent: Vec<RecentScore> = pieces
        .iter()
        .copied()
        .filter(|p| in_window(p.published_day))
        .collect();
    recent.sort_by_key(|p| std::cmp::Reverse(p.published_day));
    recent.truncate(config.max_pieces);
    let mut scores: Vec<f64> = recent.iter().map(|p| p.score).collect();
    scores.sort_by(f64::total_cmp);

    let n = scores.len();
    let cut = (n as f64 * config.trim_fraction).floor() as usize;
    let kept = &scores[cut..n - cut];
    let trimmed_mean = (!kept.is_empty()).then(|| kept.iter().sum::<f64>() / kept.len() as f64);

    let (shrunk, prior_share) = match trimmed_mean {
        None => (prior_mean, 1.0),
        Some(mean) => {
            let share = config.prior_pieces / (n as f64 + config.prior_pieces);
            (share * prior_mean + (1.0 - share) * mean, share)
        }
    };
    let penalty: f64 = violations
        .iter()
        .filter(|v| in_window(v.day))
        .map(|v| config.penalty(v.severity))
        .sum();
    Ok(AggregateScore {
        score: (shrunk - penalty).clamp(0.0, 100.0),
        trimmed_mean,
        pieces: n,
        prior_mean,
        prior_share,
        penalty,
        confidence: 1.0 - prior_share,
    })
}

/// Mean content score per market and niche: the prior [`aggregate_content_score`] shrinks a
/// creator with few pieces toward.
#[derive(Debug, Clone, PartialEq)]
pub struct NicheMeans {
    niches: HashMap<(MarketId, NicheId), (f64, usize)>,
    markets: HashMap<MarketId, (f64, usize)>,
    overall: (f64, usize),
    min_pieces: usize,
}

impl NicheMeans {
    /// Collects `(cohort, score)` pairs, e.g. the scored pieces of a recompute. A niche mean is
    /// trusted from `min_pieces` pieces on (use the cohort minimum, 30 by default, for the same
    /// reason); below that the market mean is used, then the overall mean.
    pub fn from_scores<'a>(
        scores: impl IntoIterator<Item = (&'a CohortKey, f64)>,
        min_pieces: usize,
    ) -> Self {
        let mut means = Self {
            niches: HashMap::new(),
            markets: HashMap::new(),
            overall: (0.0, 0),
            min_pieces,
        };
        let add = |acc: &mut (f64, usize), score: f64| {
            acc.0 += score;
            acc.1 += 1;
        };
        for (key, score) in scores {
            add(
                means.niches.entry((key.market, key.niche)).or_default(),
                score,
            );
            add(means.markets.entry(key.market).or_default(), score);
            add(&mut means.overall, score);
        }
        means
    }

    /// The prior for a creator of `niche` in `market`; the neutral 50 when nothing is known.
    pub fn prior(&self, market: MarketId, niche: NicheId) -> f64 {
        let trusted = |acc: Option<&(f64, usize)>| {
            acc.filter(|(_, n)| *n >= self.min_pieces.max(1))
                .map(|(sum, n)| sum / *n as f64)
        };
        trusted(self.niches.get(&(market, niche)))
            .or_else(|| trusted(self.markets.get(&market)))
            .or_else(|| trusted(Some(&self.overall)))
            .unwrap_or(50.0)
    }
}
