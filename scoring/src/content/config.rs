//! Every tunable of content scoring, in one place, with the documented defaults.

use serde::{Deserialize, Serialize};

use super::{ContentError, ContentKind, Severity, ValueGrade};

/// Weights of the video components; they must sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VideoWeights {
    /// Completion rate: 35%, the strongest signal named by the source.
    pub completion: f64,
    /// Like rate: 25% (source).
    pub like: f64,
    /// Comment rate: 20% (source).
    pub comment: f64,
    /// Share rate: the remaining 20%.
    pub share: f64,
}

impl Default for VideoWeights {
    fn default() -> Self {
        Self {
            completion: 0.35,
            like: 0.25,
            comment: 0.20,
            share: 0.20,
        }
    }
}

/// Weights of the live-stream components; they must sum to 1.
///
/// Watch time mirrors completion (35%). Orders get 25% rather than comments because a live
/// stream is a selling format: the source's brand accounts run them to sell, and a stream that
/// holds viewers but sells nothing should not climb as fast as one that converts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LiveWeights {
    /// Average watch time per viewer: 35%.
    pub watch_time: f64,
    /// Comments per viewer-minute: 20%.
    pub comments_per_viewer_minute: f64,
    /// Orders per thousand viewers: 25%.
    pub orders_per_thousand: f64,
    /// Shares per viewer: 20%.
    pub share: f64,
}

impl Default for LiveWeights {
    fn default() -> Self {
        Self {
            watch_time: 0.35,
            comments_per_viewer_minute: 0.20,
            orders_per_thousand: 0.25,
            share: 0.20,
        }
    }
}

/// Multipliers applied to the engagement score by value grade; the product is capped at 100.
///
/// The source's 3.2x is a *conversion* multiple, not an attention one. Applied as is it would
/// turn a median tutorial (50 points) into 160 and let any tutorial outrank every showcase, so
/// the score would stop measuring how well a piece holds its audience. A 15% bonus and a 10%
/// discount instead move a piece by about one pool threshold step (10 points near the
/// thresholds), enough to favour useful content at equal engagement while a top-decile
/// showcase still beats a median tutorial. The cap keeps the scale 0-100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValueFactors {
    /// Strongly useful (tutorials): 1.15.
    pub strongly_useful: f64,
    /// Weakly useful (showcases): 1.0, the reference.
    pub weakly_useful: f64,
    /// Not useful (pure entertainment): 0.9.
    pub not_useful: f64,
}

impl Default for ValueFactors {
    fn default() -> Self {
        Self {
            strongly_useful: 1.15,
            weakly_useful: 1.0,
            not_useful: 0.9,
        }
    }
}

impl ValueFactors {
    /// The factor of a grade.
    pub fn of(&self, grade: ValueGrade) -> f64 {
        match grade {
            ValueGrade::StronglyUseful => self.strongly_useful,
            ValueGrade::WeaklyUseful => self.weakly_useful,
            ValueGrade::NotUseful => self.not_useful,
        }
    }
}

/// Points subtracted per upheld violation on a piece. A severe one zeroes the score and
/// freezes the piece, so it has no point value.
///
/// A minor slip (5) costs less than one pool step; a major one (20) costs about two, enough that
/// a piece with a major violation practically stops climbing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PiecePenalties {
    /// Points per upheld minor violation: 5.
    pub minor: f64,
    /// Points per upheld major violation: 20.
    pub major: f64,
}

impl Default for PiecePenalties {
    fn default() -> Self {
        Self {
            minor: 5.0,
            major: 20.0,
        }
    }
}

/// The traffic-pool ladder.
///
/// Pool 0 is the initial pool, sized by the account's weight between `initial_min` and
/// `initial_max`; pools 1.. have the sizes in `ladder`. Sizes are cumulative impressions.
/// `thresholds[i]` is the score needed to leave pool `i` for pool `i + 1`, so there is one
/// threshold per ladder step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolConfig {
    /// Size of the initial pool of a weight-0 account: 100 impressions (source).
    pub initial_min: u64,
    /// Size of the initial pool of a weight-1 account: 500 impressions (source).
    pub initial_max: u64,
    /// Sizes of the pools after the initial one: 2,000, 10,000, 30,000, 100,000 (the source's
    /// "order of 100,000" at the top).
    pub ladder: Vec<u64>,
    /// Score to clear to leave pool i: 50, 60, 70, 80. The first is the cohort median, so a piece
    /// needs to beat half its peers to leave the initial pool; each step is harder.
    pub thresholds: Vec<f64>,
    /// Share of a pool's own impressions collected before the piece is judged: 0.8. Judging
    /// before the pool is exhausted avoids a stall between pools; 80% means the rates rest on
    /// most of the pool's audience.
    pub judge_fraction: f64,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            initial_min: 100,
            initial_max: 500,
            ladder: vec![2_000, 10_000, 30_000, 100_000],
            thresholds: vec![50.0, 60.0, 70.0, 80.0],
            judge_fraction: 0.8,
        }
    }
}

impl PoolConfig {
    /// Number of pools, the initial one included.
    pub fn pool_count(&self) -> usize {
        self.ladder.len() + 1
    }

    /// Checks sizes grow, thresholds are monotone and within 0..=100, and the fraction is sane.
    pub fn validate(&self) -> Result<(), ContentError> {
        let bad = |msg: String| Err(ContentError::InvalidConfig(msg));
        if self.initial_min == 0 || self.initial_min > self.initial_max {
            return bad(format!(
                "pools: need 0 < initial_min <= initial_max, got {} and {}",
                self.initial_min, self.initial_max
            ));
        }
        if self.ladder.is_empty() {
            return bad("pools: the ladder needs at least one pool after the initial one".into());
        }
        let mut previous = self.initial_max;
        for &size in &self.ladder {
            if size <= previous {
                return bad(format!(
                    "pools: sizes must grow strictly above initial_max {}; {size} follows {previous}",
                    self.initial_max
                ));
            }
            previous = size;
        }
        if self.thresholds.len() != self.ladder.len() {
            return bad(format!(
                "pools: need one threshold per ladder pool ({}), got {}",
                self.ladder.len(),
                self.thresholds.len()
            ));
        }
        let mut previous = 0.0;
        for &t in &self.thresholds {
            if !(0.0..=100.0).contains(&t) || t < previous {
                return bad(format!(
                    "pools: thresholds must be non-decreasing within 0..=100, got {:?}",
                    self.thresholds
                ));
            }
            previous = t;
        }
        if !(self.judge_fraction > 0.0 && self.judge_fraction <= 1.0) {
            return bad(format!(
                "pools: judge_fraction must lie in (0, 1], got {}",
                self.judge_fraction
            ));
        }
        Ok(())
    }
}

/// Tunables of the creator (or shop) content score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorConfig {
    /// Only pieces and violations of the last 90 days count: recent enough to describe the
    /// creator today, long enough to hold a few dozen pieces for a weekly poster.
    pub window_days: u32,
    /// At most the 50 most recent pieces in the window count, so a prolific creator's score
    /// still moves when their content changes.
    pub max_pieces: usize,
    /// Share of pieces dropped at each end before averaging: 0.2. With 10 or more pieces the best
    /// two are ignored, so one viral video cannot make a creator (nor one flop break one).
    pub trim_fraction: f64,
    /// Weight of the niche mean, in pieces: 5. A creator with 5 pieces sits halfway between
    /// their own trimmed mean and the niche mean; with 45 pieces the niche holds 10%.
    pub prior_pieces: f64,
    /// Points per upheld violation in the window, by severity: 2 / 8 / 25. They apply on top of
    /// the pieces' own penalties because trimming would otherwise drop a zeroed piece as an
    /// outlier, and a deleted video must not take its violation with it.
    pub minor_penalty: f64,
    /// See `minor_penalty`.
    pub major_penalty: f64,
    /// See `minor_penalty`.
    pub severe_penalty: f64,
}

impl Default for CreatorConfig {
    fn default() -> Self {
        Self {
            window_days: 90,
            max_pieces: 50,
            trim_fraction: 0.2,
            prior_pieces: 5.0,
            minor_penalty: 2.0,
            major_penalty: 8.0,
            severe_penalty: 25.0,
        }
    }
}

impl CreatorConfig {
    /// Points one upheld violation of `severity` costs the creator.
    pub fn penalty(&self, severity: Severity) -> f64 {
        match severity {
            Severity::Minor => self.minor_penalty,
            Severity::Major => self.major_penalty,
            Severity::Severe => self.severe_penalty,
        }
    }

    /// Checks ranges and that penalties grow with severity.
    pub fn validate(&self) -> Result<(), ContentError> {
        let bad = |msg: String| Err(ContentError::InvalidConfig(msg));
        if self.window_days == 0 || self.max_pieces == 0 {
            return bad("creator: window_days and max_pieces must be positive".into());
        }
        if !(0.0..0.5).contains(&self.trim_fraction) {
            return bad(format!(
                "creator: trim_fraction must lie in [0, 0.5), got {}",
                self.trim_fraction
            ));
        }
        if !(self.prior_pieces >= 0.0 && self.prior_pieces.is_finite()) {
            return bad(format!(
                "creator: prior_pieces must be finite and >= 0, got {}",
                self.prior_pieces
            ));
        }
        let p = [self.minor_penalty, self.major_penalty, self.severe_penalty];
        if !(p[0] >= 0.0 && p[0] <= p[1] && p[1] <= p[2] && p[2] <= 100.0) {
            return bad(format!(
                "creator: penalties must satisfy 0 <= minor <= major <= severe <= 100, got {p:?}"
            ));
        }
        Ok(())
    }
}

/// All tunables of content scoring. `Default` gives the documented defaults; call
/// [`ContentConfig::validate`] after changing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentConfig {
    /// Video component weights.
    pub video_weights: VideoWeights,
    /// Live-stream component weights.
    pub live_weights: LiveWeights,
    /// Cohort window: pieces published in the last 28 days, about a month, long enough to hold
    /// enough peers per niche and short enough to follow trends and seasons.
    pub window_days: u32,
    /// Fewest peers a cohort level needs before it is trusted: 30.
    ///
    /// With n peers an empirical percentile near the middle has a standard error of about
    /// 50/sqrt(n) points: 9 at n = 30, which moves the score by at most about 3 points through
    /// the heaviest weight (35%), below one pool step. At n = 10 it would be 16 points, enough to
    /// promote or hold a piece by luck, so smaller cohorts back off to the parent niche and then
    /// the market.
    pub min_cohort_size: usize,
    /// Fewest views (viewers, for live) a piece needs to enter the cohort: 100, the smallest
    /// initial pool. A 5-view piece with 2 likes has a like rate of 40% that says nothing and
    /// would distort everyone's percentiles. Such pieces are still scored, with low confidence.
    pub min_audience_for_cohort: u64,
    /// Audience at which the view part of confidence is 0.5: 100. Confidence from views is
    /// views / (views + 100): 0.5 at the smallest pool, 0.95 at 2,000 views.
    pub confidence_half_audience: f64,
    /// Peer count at which the cohort part of confidence is 0.5: 10. At the 30-peer minimum it is
    /// 0.75, at 300 peers 0.97.
    pub confidence_half_peers: f64,
    /// Value-grade multipliers.
    pub value_factors: ValueFactors,
    /// Moderation penalties per piece.
    pub penalties: PiecePenalties,
    /// Traffic-pool ladder.
    pub pools: PoolConfig,
    /// Creator and shop aggregate.
    pub creator: CreatorConfig,
    /// Suggestions below this gain (0.5 points) are not worth a creator's attention.
    pub min_suggestion_gain: f64,
    /// How many improvement suggestions an explanation offers: 2.
    pub max_suggestions: usize,
    /// Percentiles a suggestion aims at, ascending: 50, 75, 90. A component is pointed at the
    /// next one above it, a step a creator can picture rather than "reach the top".
    pub suggestion_targets: Vec<f64>,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            video_weights: VideoWeights::default(),
            live_weights: LiveWeights::default(),
            window_days: 28,
            min_cohort_size: 30,
            min_audience_for_cohort: 100,
            confidence_half_audience: 100.0,
            confidence_half_peers: 10.0,
            value_factors: ValueFactors::default(),
            penalties: PiecePenalties::default(),
            pools: PoolConfig::default(),
            creator: CreatorConfig::default(),
            min_suggestion_gain: 0.5,
            max_suggestions: 2,
            suggestion_targets: vec![50.0, 75.0, 90.0],
        }
    }
}

impl ContentConfig {
    /// Component weights of a kind, in [`super::Component::of`] order.
    pub fn weights(&self, kind: ContentKind) -> [f64; 4] {
        match kind {
            ContentKind::Video => {
                let w = self.video_weights;
                [w.completion, w.like, w.comment, w.share]
            }
            ContentKind::Live => {
                let w = self.live_weights;
                [
                    w.watch_time,
                    w.comments_per_viewer_minute,
                    w.orders_per_thousand,
                    w.share,
                ]
            }
        }
    }

    /// Checks every rule: weights non-negative and summing to 1, factors positive and ordered by
    /// usefulness, penalties ordered, thresholds monotone, windows and sizes positive.
    pub fn validate(&self) -> Result<(), ContentError> {
        let bad = |msg: String| Err(ContentError::InvalidConfig(msg));
        for kind in [ContentKind::Video, ContentKind::Live] {
            let w = self.weights(kind);
            if !w.iter().all(|x| *x >= 0.0) || (w.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
                return bad(format!(
                    "{} weights must be >= 0 and sum to 1, got {w:?}",
                    kind.plural()
                ));
            }
        }
        if self.window_days == 0 {
            return bad("window_days must be positive".into());
        }
        if self.min_cohort_size == 0 {
            return bad("min_cohort_size must be positive".into());
        }
        let positive = |x: f64| x > 0.0 && x.is_finite();
        if !(positive(self.confidence_half_audience) && positive(self.confidence_half_peers)) {
            return bad("confidence half points must be finite and positive".into());
        }
        let f = self.value_factors;
        if !(f.not_useful > 0.0
            && f.not_useful <= f.weakly_useful
            && f.weakly_useful <= f.strongly_useful
            && f.strongly_useful.is_finite())
        {
            return bad(format!(
                "value factors must satisfy 0 < not_useful <= weakly_useful <= strongly_useful, got {f:?}"
            ));
        }
        let p = self.penalties;
        if !(p.minor >= 0.0 && p.minor <= p.major && p.major <= 100.0) {
            return bad(format!(
                "penalties must satisfy 0 <= minor <= major <= 100, got {p:?}"
            ));
        }
        if !(self.min_suggestion_gain >= 0.0 && self.min_suggestion_gain.is_finite()) {
            return bad("min_suggestion_gain must be finite and >= 0".into());
        }
        let t = &self.suggestion_targets;
        if t.iter().any(|x| !(0.0..100.0).contains(x)) || t.windows(2).any(|w| w[0] >= w[1]) {
            return bad(format!(
                "suggestion_targets must be strictly ascending within [0, 100), got {t:?}"
            ));
        }
        self.pools.validate()?;
        self.creator.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(ContentConfig::default().validate(), Ok(()));
    }

    #[test]
    fn rejects_weights_not_summing_to_one() {
        let mut c = ContentConfig::default();
        c.video_weights.share = 0.3;
        assert!(
            matches!(c.validate(), Err(ContentError::InvalidConfig(m)) if m.contains("videos weights"))
        );
    }

    #[test]
    fn rejects_non_monotone_thresholds_and_sizes() {
        let mut c = ContentConfig::default();
        c.pools.thresholds = vec![50.0, 70.0, 60.0, 80.0];
        assert!(c.validate().is_err());
        let mut c = ContentConfig::default();
        c.pools.ladder = vec![2_000, 1_000, 30_000, 100_000];
        assert!(c.validate().is_err());
        let mut c = ContentConfig::default();
        c.pools.thresholds.pop();
        assert!(c.validate().is_err());
    }

    #[test]
    fn rejects_unordered_factors_and_penalties() {
        let mut c = ContentConfig::default();
        c.value_factors.not_useful = 1.2;
        assert!(c.validate().is_err());
        let mut c = ContentConfig::default();
        c.penalties.minor = 30.0;
        assert!(c.validate().is_err());
        let mut c = ContentConfig::default();
        c.creator.severe_penalty = 1.0;
        assert!(c.validate().is_err());
        let mut c = ContentConfig::default();
        c.live_weights.share = f64::NAN;
        assert!(c.validate().is_err());
        let c = ContentConfig {
            suggestion_targets: vec![75.0, 50.0],
            ..ContentConfig::default()
        };
        assert!(c.validate().is_err());
    }
}
