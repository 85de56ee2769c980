//! The content score of one piece: cohort percentiles, weights, value grade, moderation.

use crate::fingerprint::Fingerprint;
use serde::{Deserialize, Serialize};

use super::pool::{PoolStatus, settled_status};
use super::{
    Cohort, CohortLevel, CohortSnapshot, Component, ContentConfig, ContentError, ContentKind,
};
use super::{ContentPiece, Moderation, ValueGrade};

/// One component of a score, with everything needed to explain it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ComponentScore {
    /// Which component.
    pub component: Component,
    /// The piece's raw value (a rate per view, seconds, or orders per thousand viewers).
    pub rate: f64,
    /// Its mid-rank percentile (0..=100) in the cohort.
    pub percentile: f64,
    /// The component's weight.
    pub weight: f64,
    /// `weight * percentile`: its share of the base score, before value grade and penalties.
    pub points: f64,
    /// The cohort level the percentile was taken in.
    pub level: CohortLevel,
}

/// The content score of one piece, with its parts.
///
/// `score = max(0, min(100, base * value_factor) - penalty)`, or 0 when `frozen`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContentScore {
    /// Fingerprint of the configuration that produced it.
    pub config: Fingerprint,
    /// Video or live stream.
    pub kind: ContentKind,
    /// Final score, 0..=100.
    pub score: f64,
    /// Weighted sum of the component percentiles, 0..=100.
    pub base: f64,
    /// Value-grade multiplier applied to `base`.
    pub value_factor: f64,
    /// Points taken off for upheld minor and major violations.
    pub penalty: f64,
    /// A severe violation zeroed the score and froze distribution.
    pub frozen: bool,
    /// 0..1: how far to trust the score, from the audience and the cohort size it rests on.
    pub confidence: f64,
    /// Views (video) or viewers (live) behind the rates.
    pub audience: u64,
    /// Pieces in the cohort used.
    pub peers: usize,
    /// Cohort level used.
    pub level: CohortLevel,
    /// The four components, in [`Component::of`] order.
    pub components: [ComponentScore; 4],
}

/// Score and pool of a piece, as the API stores them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The score, or `None` while the piece has no views.
    pub score: Option<ContentScore>,
    /// The traffic pool after this evaluation.
    pub pool: PoolStatus,
}

/// Scores pieces against one cohort snapshot under one validated configuration.
///
/// Creating it validates the configuration and checks the snapshot was built under the same
/// configuration, once, so scoring a million pieces does not repeat the checks.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    config: &'a ContentConfig,
    fingerprint: Fingerprint,
    snapshot: &'a CohortSnapshot,
}

impl<'a> Scorer<'a> {
    /// A scorer, or an error if the configuration is invalid or the snapshot was built under
    /// another one.
    pub fn new(
        config: &'a ContentConfig,
        snapshot: &'a CohortSnapshot,
    ) -> Result<Self, ContentError> {
        config.validate()?;
        let fingerprint = Fingerprint::of(config);
        if snapshot.config() != fingerprint {
            return Err(ContentError::ConfigMismatch {
                snapshot: snapshot.config(),
                config: fingerprint,
            });
        }
        Ok(Self {
            config,
            fingerprint,
            snapshot,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &'a ContentConfig {
        self.config
    }

    /// The snapshot in use.
    pub fn snapshot(&self) -> &'a CohortSnapshot {
        self.snapshot
    }

    /// The score of a piece, or `None` while it has no views (there is nothing to rate yet).
    pub fn score(&self, piece: &ContentPiece) -> Result<Option<ContentScore>, ContentError> {
        let Some(rates) = piece.engagement.rates(piece.id)? else {
            return Ok(None);
        };
        let cohort = self.snapshot.cohort(
            piece.engagement.kind(),
            &piece.cohort,
            self.config.min_cohort_size,
        );
        let percentiles = std::array::from_fn(|i| cohort.percentile(i, rates[i]));
        Ok(Some(self.compose(piece, rates, percentiles, &cohort)))
    }

    /// Score and traffic pool of a piece; the pool is settled (see [`super::settle_pool`]).
    pub fn assess(&self, piece: &ContentPiece) -> Result<Assessment, ContentError> {
        let score = self.score(piece)?;
        self.with_pool(piece, score)
    }

    /// Assessments of many pieces, in input order: the full recompute. Fails on the first bad
    /// piece.
    ///
    /// Same results as calling [`Self::assess`] on each piece, computed in three passes so that
    /// a million pieces stay fast: rates and cohorts in input order; percentiles cohort by
    /// cohort, so each cohort's sorted values stay in cache (in input order almost every binary
    /// search missed it); then the results, written sequentially.
    pub fn assess_all(&self, pieces: &[ContentPiece]) -> Result<Vec<Assessment>, ContentError> {
        let min = self.config.min_cohort_size;
        let mut slots = Vec::with_capacity(pieces.len());
        let mut rates = Vec::with_capacity(pieces.len());
        for p in pieces {
            slots.push(self.snapshot.resolve(p.engagement.kind(), &p.cohort, min));
            rates.push(p.engagement.rates(p.id)?);
        }
        // Counting sort of the rated pieces by group (bucket 0: no peers at all), carrying
        // their rates so the percentile pass reads them sequentially.
        let bucket = |slot: Option<usize>| slot.map_or(0, |s| s + 1);
        let buckets = self.snapshot.group_count() + 1;
        let mut starts = vec![0usize; buckets + 1];
        for (slot, r) in slots.iter().zip(&rates) {
            if r.is_some() {
                starts[bucket(*slot) + 1] += 1;
            }
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut order = vec![(0usize, [0.0f64; 4]); starts[buckets]];
        for (i, (slot, r)) in slots.iter().zip(&rates).enumerate() {
            if let Some(r) = r {
                let at = &mut next[bucket(*slot)];
                order[*at] = (i, *r);
                *at += 1;
            }
        }
        let mut percentiles = vec![[0.0f64; 4]; pieces.len()];
        for b in 0..buckets {
            let cohort = self.snapshot.cohort_at(b.checked_sub(1));
            for &(i, r) in &order[starts[b]..starts[b + 1]] {
                percentiles[i] = std::array::from_fn(|c| cohort.percentile(c, r[c]));
            }
        }
        // Filled by push into an exact allocation: collecting into a `Result` cannot know the
        // length and would regrow (and copy) hundreds of megabytes.
        let mut out = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            let score = rates[i].map(|r| {
                self.compose(piece, r, percentiles[i], &self.snapshot.cohort_at(slots[i]))
            });
            out.push(self.with_pool(piece, score)?);
        }
        Ok(out)
    }

    /// Puts a score together from a piece's rates and their percentiles in `cohort`.
    fn compose(
        &self,
        piece: &ContentPiece,
        rates: [f64; 4],
        percentiles: [f64; 4],
        cohort: &Cohort<'_>,
    ) -> ContentScore {
        let kind = piece.engagement.kind();
        let weights = self.config.weights(kind);
        let components: [ComponentScore; 4] = std::array::from_fn(|i| ComponentScore {
            component: Component::of(kind)[i],
            rate: rates[i],
            percentile: percentiles[i],
            weight: weights[i],
            points: weights[i] * percentiles[i],
            level: cohort.level(),
        });
        let base = components.iter().map(|c| c.points).sum::<f64>();
        let audience = piece.engagement.audience();
        let peers = cohort.peers();
        let confidence = audience as f64 / (audience as f64 + self.config.confidence_half_audience)
            * peers as f64
            / (peers as f64 + self.config.confidence_half_peers);
        let outcome = self.finish(base, piece.value_grade, &piece.moderation);
        ContentScore {
            config: self.fingerprint,
            kind,
            score: outcome.score,
            base,
            value_factor: outcome.value_factor,
            penalty: outcome.penalty,
            frozen: piece.moderation.is_frozen(),
            confidence,
            audience,
            peers,
            level: cohort.level(),
            components,
        }
    }

    fn with_pool(
        &self,
        piece: &ContentPiece,
        score: Option<ContentScore>,
    ) -> Result<Assessment, ContentError> {
        let pool = settled_status(
            &piece.distribution,
            score.map(|s| s.score),
            piece.moderation.is_frozen(),
            &self.config.pools,
        )?;
        Ok(Assessment { score, pool })
    }

    /// Applies value grade and moderation to a base score; shared with the explanations so a
    /// "what if" is computed by exactly the same rule.
    pub(crate) fn finish(&self, base: f64, grade: ValueGrade, moderation: &Moderation) -> Outcome {
        let value_factor = self.config.value_factors.of(grade);
        let p = self.config.penalties;
        let penalty = f64::from(moderation.minor) * p.minor + f64::from(moderation.major) * p.major;
        let score = if moderation.is_frozen() {
            0.0
        } else {
            ((base * value_factor).min(100.0) - penalty).max(0.0)
        };
        Outcome {
            score,
            value_factor,
            penalty,
        }
    }
}

/// Result of [`Scorer::finish`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    pub(crate) score: f64,
    pub(crate) value_factor: f64,
    pub(crate) penalty: f64,
}
