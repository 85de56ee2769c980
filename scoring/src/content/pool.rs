//! Traffic pools: the initial audience by account weight, then a ladder earned by score.

use serde::{Deserialize, Serialize};

use super::{ContentError, Distribution, PoolConfig};

/// What happened to a piece at this evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoolDecision {
    /// Not enough impressions in the current pool yet to judge it.
    Collecting,
    /// Judged and cleared the threshold: the status describes the new pool.
    Promoted,
    /// Judged and below the threshold (or no score yet): stays until its score improves.
    Held,
    /// In the top pool: nothing more to earn.
    Top,
    /// A severe violation froze distribution.
    Frozen,
}

/// Where a piece stands in the traffic pools after an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PoolStatus {
    /// Index of the current pool (0 = initial); store it as the piece's new
    /// [`Distribution::pool`].
    pub pool: usize,
    /// Cumulative impressions the current pool reaches.
    pub pool_size: u64,
    /// Size of the next pool, if there is one to earn.
    pub next_pool_size: Option<u64>,
    /// Score needed to move to the next pool, if there is one to earn.
    pub score_needed: Option<f64>,
    /// Impressions still to collect in this pool: before it is judged, or (top pool) to fill it.
    pub impressions_to_collect: u64,
    /// What this evaluation decided.
    pub decision: PoolDecision,
}

/// Size of the initial pool for an account weight in 0..=1: linear between the configured
/// minimum and maximum (100 and 500 by default).
pub fn initial_pool_size(account_weight: f64, config: &PoolConfig) -> Result<u64, ContentError> {
    if !(0.0..=1.0).contains(&account_weight) {
        return Err(ContentError::InvalidAccountWeight(account_weight));
    }
    let span = (config.initial_max - config.initial_min) as f64;
    Ok(config.initial_min + (account_weight * span).round() as u64)
}

/// Evaluates a piece's pool: promotes it one pool when it has collected enough impressions in its
/// current pool to be judged and `score` clears that pool's threshold.
///
/// At most one step is taken per evaluation: the recommender serves the next pool's audience
/// only after a promotion, so the impressions to judge that pool cannot exist yet. A piece
/// without a score (no views) can never be promoted; a frozen piece stays where it is.
pub fn evaluate_pool(
    distribution: &Distribution,
    score: Option<f64>,
    frozen: bool,
    config: &PoolConfig,
) -> Result<PoolStatus, ContentError> {
    config.validate()?;
    pool_status(distribution, score, frozen, config)
}

/// Evaluates a piece's pool as often as it keeps being promoted: a metric report is cumulative
/// and may cover impressions far past the current pool's judging point (the recommender served
/// them, so the piece earned those pools in the meantime), and a history loaded in bulk starts
/// every piece in the initial pool. One [`evaluate_pool`] step per report would leave such a
/// piece pools below where its own impressions prove it got to.
///
/// The decision is `Promoted` when the piece moved and is now collecting in its new pool;
/// otherwise the last step's (`Held`, `Top`, `Frozen`, `Collecting`).
pub fn settle_pool(
    distribution: &Distribution,
    score: Option<f64>,
    frozen: bool,
    config: &PoolConfig,
) -> Result<PoolStatus, ContentError> {
    config.validate()?;
    settled_status(distribution, score, frozen, config)
}

/// [`settle_pool`] for a configuration already validated.
pub(crate) fn settled_status(
    distribution: &Distribution,
    score: Option<f64>,
    frozen: bool,
    config: &PoolConfig,
) -> Result<PoolStatus, ContentError> {
    let mut at = *distribution;
    let mut status = pool_status(&at, score, frozen, config)?;
    let mut moved = false;
    while status.decision == PoolDecision::Promoted {
        moved = true;
        at.pool = status.pool;
        status = pool_status(&at, score, frozen, config)?;
    }
    if moved && status.decision == PoolDecision::Collecting {
        status.decision = PoolDecision::Promoted;
    }
    Ok(status)
}

/// [`evaluate_pool`] for a configuration already validated.
pub(crate) fn pool_status(
    distribution: &Distribution,
    score: Option<f64>,
    frozen: bool,
    config: &PoolConfig,
) -> Result<PoolStatus, ContentError> {
    let initial = initial_pool_size(distribution.account_weight, config)?;
    let pools = config.pool_count();
    if distribution.pool >= pools {
        return Err(ContentError::UnknownPool {
            pool: distribution.pool,
            pools,
        });
    }
    let size = |k: usize| {
        if k == 0 {
            initial
        } else {
            config.ladder[k - 1]
        }
    };
    let judge_at = |k: usize| {
        let start = if k == 0 { 0 } else { size(k - 1) };
        start + ((size(k) - start) as f64 * config.judge_fraction).ceil() as u64
    };
    let impressions = distribution.impressions;
    let status = |pool: usize, decision: PoolDecision| {
        let top = pool + 1 == pools;
        let to_collect = match decision {
            PoolDecision::Frozen | PoolDecision::Held => 0,
            PoolDecision::Top => size(pool).saturating_sub(impressions),
            PoolDecision::Collecting | PoolDecision::Promoted if top => {
                size(pool).saturating_sub(impressions)
            }
            PoolDecision::Collecting | PoolDecision::Promoted => {
                judge_at(pool).saturating_sub(impressions)
            }
        };
        let earnable = !top && decision != PoolDecision::Frozen;
        PoolStatus {
            pool,
            pool_size: size(pool),
            next_pool_size: earnable.then(|| size(pool + 1)),
            score_needed: earnable.then(|| config.thresholds[pool]),
            impressions_to_collect: to_collect,
            decision,
        }
    };
    let pool = distribution.pool;
    Ok(if frozen {
        status(pool, PoolDecision::Frozen)
    } else if pool + 1 == pools {
        status(pool, PoolDecision::Top)
    } else if impressions < judge_at(pool) {
        status(pool, PoolDecision::Collecting)
    } else if score.is_some_and(|s| s >= config.thresholds[pool]) {
        status(pool + 1, PoolDecision::Promoted)
    } else {
        status(pool, PoolDecision::Held)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(impressions: u64, weight: f64, pool: usize) -> Distribution {
        Distribution {
            impressions,
            account_weight: weight,
            pool,
        }
    }

    #[test]
    fn initial_pool_follows_account_weight() {
        let c = PoolConfig::default();
        assert_eq!(initial_pool_size(0.0, &c), Ok(100));
        assert_eq!(initial_pool_size(0.5, &c), Ok(300));
        assert_eq!(initial_pool_size(1.0, &c), Ok(500));
        assert!(initial_pool_size(1.5, &c).is_err());
        assert!(initial_pool_size(f64::NAN, &c).is_err());
    }

    #[test]
    fn new_piece_without_views_sits_in_its_initial_pool() {
        let s = evaluate_pool(&dist(0, 0.5, 0), None, false, &PoolConfig::default()).unwrap();
        assert_eq!(s.pool, 0);
        assert_eq!(s.pool_size, 300);
        assert_eq!(s.next_pool_size, Some(2_000));
        assert_eq!(s.score_needed, Some(50.0));
        assert_eq!(s.impressions_to_collect, 240);
        assert_eq!(s.decision, PoolDecision::Collecting);
    }

    #[test]
    fn promotes_only_when_judged_and_above_threshold() {
        let c = PoolConfig::default();
        // 239 of 300 impressions: not judged yet, whatever the score.
        let s = evaluate_pool(&dist(239, 0.5, 0), Some(99.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (0, PoolDecision::Collecting));
        // Judged, below 50: held with nothing more to collect.
        let s = evaluate_pool(&dist(240, 0.5, 0), Some(49.9), false, &c).unwrap();
        assert_eq!(
            (s.pool, s.decision, s.impressions_to_collect),
            (0, PoolDecision::Held, 0)
        );
        // Judged, at 50: promoted to 2,000, judged there at 300 + 0.8 * 1,700 = 1,660.
        let s = evaluate_pool(&dist(240, 0.5, 0), Some(50.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (1, PoolDecision::Promoted));
        assert_eq!(s.pool_size, 2_000);
        assert_eq!(s.next_pool_size, Some(10_000));
        assert_eq!(s.score_needed, Some(60.0));
        assert_eq!(s.impressions_to_collect, 1_420);
    }

    #[test]
    fn top_pool_and_frozen_pieces_have_nothing_to_earn() {
        let c = PoolConfig::default();
        let s = evaluate_pool(&dist(95_000, 1.0, 4), Some(95.0), false, &c).unwrap();
        assert_eq!(s.decision, PoolDecision::Top);
        assert_eq!((s.next_pool_size, s.score_needed), (None, None));
        assert_eq!(s.impressions_to_collect, 5_000);
        let s = evaluate_pool(&dist(9_000, 1.0, 2), Some(95.0), true, &c).unwrap();
        assert_eq!((s.pool, s.decision), (2, PoolDecision::Frozen));
        assert_eq!(
            (s.next_pool_size, s.score_needed, s.impressions_to_collect),
            (None, None, 0)
        );
    }

    #[test]
    fn promotion_into_the_top_pool_counts_impressions_to_fill_it() {
        let c = PoolConfig::default();
        let s = evaluate_pool(&dist(26_000, 1.0, 3), Some(80.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (4, PoolDecision::Promoted));
        assert_eq!(s.next_pool_size, None);
        assert_eq!(s.impressions_to_collect, 74_000);
    }

    #[test]
    fn settling_climbs_as_far_as_impressions_and_score_justify() {
        let c = PoolConfig::default();
        // 9,000 impressions and a score of 65: judged in pool 0 (240) and pool 1 (1,660), clears
        // 50 and 60, then collects in pool 2 (judged at 2,000 + 0.8 * 8,000 = 8,400: judged too,
        // but 65 is below its 70).
        let s = settle_pool(&dist(9_000, 0.5, 0), Some(65.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (2, PoolDecision::Held));
        // 5,000 impressions: promoted twice, still collecting in pool 2.
        let s = settle_pool(&dist(5_000, 0.5, 0), Some(65.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (2, PoolDecision::Promoted));
        assert_eq!(s.impressions_to_collect, 3_400);
        // A score of 95 and 99,000 impressions reaches the top.
        let s = settle_pool(&dist(99_000, 0.5, 0), Some(95.0), false, &c).unwrap();
        assert_eq!((s.pool, s.decision), (4, PoolDecision::Top));
        // No promotion possible: the single step's answer.
        let s = settle_pool(&dist(9_000, 0.5, 0), Some(40.0), false, &c).unwrap();
        assert_eq!(
            s,
            evaluate_pool(&dist(9_000, 0.5, 0), Some(40.0), false, &c).unwrap()
        );
        // Frozen pieces stay.
        let s = settle_pool(&dist(99_000, 0.5, 1), Some(95.0), true, &c).unwrap();
        assert_eq!((s.pool, s.decision), (1, PoolDecision::Frozen));
    }

    #[test]
    fn rejects_unknown_pool() {
        let e = evaluate_pool(&dist(0, 0.5, 5), None, false, &PoolConfig::default());
        assert_eq!(e, Err(ContentError::UnknownPool { pool: 5, pools: 5 }));
    }
}
