//! The content score of one piece: cohort percentiles, weights, value grade, moderation.

use serde::{Deserialize, Serialize};

use super::pool::{PoolStatus, evaluate_pool};
use super::{CohortLevel, CohortSnapshot, Component, ContentConfig, ContentError, ContentKind};
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
    /// Version of the configuration that produced it.
    pub config_version: u32,
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
/// version, once, so scoring a million pieces does not repeat the checks.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    config: &'a ContentConfig,
    snapshot: &'a CohortSnapshot,
}

impl<'a> Scorer<'a> {
    /// A scorer, or an error if the configuration is invalid or the snapshot is of another
    /// version.
    pub fn new(
        config: &'a ContentConfig,
        snapshot: &'a CohortSnapshot,
    ) -> Result<Self, ContentError> {
        config.validate()?;
        if snapshot.config_version() != config.version {
            return Err(ContentError::VersionMismatch {
                snapshot: snapshot.config_version(),
                config: config.version,
            });
        }
        Ok(Self { config, snapshot })
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
        let kind = piece.engagement.kind();
        let cohort = self
            .snapshot
            .cohort(kind, &piece.cohort, self.config.min_cohort_size);
        let weights = self.config.weights(kind);
        let components: [ComponentScore; 4] = std::array::from_fn(|i| {
            let percentile = cohort.percentile(i, rates[i]);
            ComponentScore {
                component: Component::of(kind)[i],
                rate: rates[i],
                percentile,
                weight: weights[i],
                points: weights[i] * percentile,
                level: cohort.level(),
            }
        });
        let base = components.iter().map(|c| c.points).sum::<f64>();
        let audience = piece.engagement.audience();
        let peers = cohort.peers();
        let audience = audience as f64;
        let confidence = audience / (audience + self.config.confidence_half_audience)
            * peers as f64
            / (peers as f64 + self.config.confidence_half_peers);
        let outcome = self.finish(base, piece.value_grade, &piece.moderation);
        Ok(Some(ContentScore {
            config_version: self.config.version,
            kind,
            score: outcome.score,
            base,
            value_factor: outcome.value_factor,
            penalty: outcome.penalty,
            frozen: piece.moderation.is_frozen(),
            confidence,
            audience: piece.engagement.audience(),
            peers,
            level: cohort.level(),
            components,
        }))
    }

    /// Score and traffic pool of a piece.
    pub fn assess(&self, piece: &ContentPiece) -> Result<Assessment, ContentError> {
        let score = self.score(piece)?;
        let pool = evaluate_pool(
            &piece.distribution,
            score.map(|s| s.score),
            piece.moderation.is_frozen(),
            &self.config.pools,
        )?;
        Ok(Assessment { score, pool })
    }

    /// Assessments of many pieces, in order: the full recompute. Stops at the first bad piece.
    pub fn assess_all(&self, pieces: &[ContentPiece]) -> Result<Vec<Assessment>, ContentError> {
        pieces.iter().map(|p| self.assess(p)).collect()
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
