//! Every tunable of matching in one place, with documented defaults and validation.

use serde::{Deserialize, Serialize};

use super::error::{MatchError, Result};

/// Root configuration: graph weighting, proximity, blend weights and ranking. Every section and
/// field may be left out of a serialised configuration and takes its default, so a file need
/// only name what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// How input records become edge weights, and when the update overlay is compacted.
    pub graph: GraphConfig,
    /// Personalised PageRank parameters.
    pub ppr: PprConfig,
    /// Weights of the ranking blend.
    pub weights: BlendWeights,
    /// Normalisation of the ranking components and pagination limits.
    pub rank: RankConfig,
}

/// Edge weighting. Edges are undirected; a walk leaves a node along an edge with probability
/// proportional to its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphConfig {
    /// Total weight of a creator's niche edges (its shares are normalised to sum to this).
    /// Default 0.5: all of a creator's niches weigh half a recent collaboration, since who a
    /// creator worked for says more about its next brand than what its videos are about. Over
    /// five held-out splits of the demo (seeds 7, 11, 23, 31, 47), with value weights 0.03 /
    /// 0.02 / 0.01, 0.5 raised mean recall@50 from 0.475 to 0.483 (0.4 gave 0.482).
    pub creator_niche_weight: f64,
    /// Total weight of a brand's niche edges. Default 1.0.
    pub brand_niche_weight: f64,
    /// Odds of a walk at a leaf niche stepping to its parent rather than to a member: the
    /// niche-parent edge weighs this times the niche's member weight. Default 0.25.
    pub parent_niche_link: f64,
    /// Half-life of a collaboration's weight, in days. Default 180.
    pub collaboration_half_life_days: f64,
    /// GMV at which a collaboration weighs `1 + ln 2` instead of 1. Default 10,000 minor units.
    pub gmv_reference: f64,
    /// Nodes touched by incremental updates after which [`needs_compaction`] says to rebuild
    /// the compact base. Default 50,000.
    ///
    /// [`needs_compaction`]: super::graph::MatchGraph::needs_compaction
    pub compaction_threshold: usize,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            creator_niche_weight: 0.5,
            brand_niche_weight: 1.0,
            parent_niche_link: 0.25,
            collaboration_half_life_days: 180.0,
            gmv_reference: 10_000.0,
            compaction_threshold: 50_000,
        }
    }
}

/// Personalised PageRank by forward push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PprConfig {
    /// Restart (teleport) probability. Higher keeps mass closer to the seed. Default 0.15.
    pub alpha: f64,
    /// Finest push threshold per unit of weighted degree: the push refines from 1e-3 by 4x
    /// until the top `top_k` is certified (`ppr::TopK`) and never below this, so the cost is
    /// at most `1 / (alpha * epsilon)` edge visits and every estimate is at most
    /// `epsilon * weighted_degree` below the exact score. Default 8e-6: the finest budget that
    /// keeps p99 under 20 ms on Last.fm (17,632 creators, the slowest graph measured); at
    /// 4e-6 its p50 was 9.5 ms, and 1e-6 took 115 ms.
    pub epsilon: f64,
    /// Share of the restart mass spread over the seed's niches (the rest restarts at the seed
    /// itself). Default 0.05: the seed's niches are one step from it anyway, and restarting
    /// there spreads mass over everyone in the niche, which is the niche-only signal of the
    /// weakest baselines; from 0.3 to 0.05 recall@50 rose from 0.494 to 0.526 on the demo and
    /// by about 0.01 on the synthetic marketplace. Some mass is kept so a seed without collaborations still
    /// reaches its niches' creators quickly.
    pub niche_restart_share: f64,
    /// Degree correction `beta`: proximity is `ppr / max(weighted_degree, floor)^beta` (0 = raw
    /// PPR, 1 = fully degree-normalised above the floor), the ranking knob, separate from
    /// accuracy (`epsilon`, `top_k_tolerance`). Raw PPR over-ranks creators with many
    /// collaborations (the median of its picks is 236 against 114 held out on MovieLens, 185
    /// against 24 on Last.fm) and fully normalised PPR ranks those with one. Default 0.375 with
    /// `degree_reference` 1, chosen across MovieLens-100k, Last.fm, the synthetic marketplace at
    /// 5 and 40 collaborations per brand and the 0.1-scale demo (docs/matching-eval.md):
    /// recall@50 at seed 1 0.487 / 0.399 / 0.223 / 0.287 / 0.736 against exact PPR's 0.378 /
    /// 0.286 / 0.200 / 0.268 / 0.744; the earlier 0.25 without a floor gave 0.487 / 0.394 /
    /// 0.209 / 0.292 / 0.707, 0.25 with the floor 0.482 / 0.399 / 0.221 / 0.284 / 0.736.
    /// Degree here is collaboration and niche weight, not audience size.
    pub degree_exponent: f64,
    /// Reference of the degree correction, as a multiple of the seed's reference degree (the
    /// median weighted degree of a brand's collaborators, a creator seed's own): creators below
    /// `degree_reference` times it are not corrected (`ppr / max(W, floor)^beta`), so the
    /// correction tames creators above the degree of what the seed hires and does not lift the
    /// never-hired above creators its peers hired. 0: every degree is corrected. Default 1: on
    /// the demo, where 84% of creators never collaborated and brands rehire, the plain
    /// correction (0) lifted the never-hired and cost recall@50 (0.707 against raw PPR's 0.744
    /// at seed 1); with the floor it is 0.736 / 0.784 / 0.812 at seeds 1 / 7 / 11 (exact PPR
    /// 0.744 / 0.768 / 0.803); 0.5 and 2 gave 0.733 and 0.728 at seed 1.
    pub degree_reference: f64,
    /// Size of the set the push certifies (`ppr::TopK`): it refines until the top `top_k`
    /// eligible creators by degree-corrected proximity are settled. Default 50 (the depth
    /// recall is judged at).
    pub top_k: usize,
    /// Relative tolerance of that certificate: every error bound at most this times the
    /// `top_k`-th estimate, so every returned creator has at least `1 / (1 + tolerance)` of the
    /// true `top_k`-th proximity. Default 0.5: the bounds are worst-case (the true error is far
    /// smaller), and on MovieLens 0.5 and 2 ranked identically at 4e-6.
    pub top_k_tolerance: f64,
    /// Safety cap on pushes per query; if hit, the result is flagged as not converged.
    /// Default 2,000,000.
    pub max_pushes: usize,
}

impl Default for PprConfig {
    fn default() -> Self {
        Self {
            alpha: 0.15,
            epsilon: 8e-6,
            niche_restart_share: 0.05,
            degree_exponent: 0.375,
            degree_reference: 1.0,
            top_k: 50,
            top_k_tolerance: 0.5,
            max_pushes: 2_000_000,
        }
    }
}

/// Weights of the ranking blend; only their ratios matter (they are normalised by their sum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlendWeights {
    /// Graph proximity (degree-corrected PPR). Default 0.48 (best of the values tried on the
    /// synthetic evaluation).
    pub proximity: f64,
    /// Share of the creator's content in the seed's niches. Default 0: proximity already
    /// carries the niches (niche edges and restarts), so this counts the niche-only signal
    /// twice, and brands hire across sibling niches; on the demo a weight of 0.05 cut recall@50
    /// from 0.526 to 0.499 and 0.17 to 0.426, on the synthetic marketplace 0.17 changed
    /// nothing beyond noise. Kept (and reported among the components) for catalogues where it helps.
    pub niche_focus: f64,
    /// Content score. Default 0.05.
    ///
    /// The value components (content score, LTV, P(active)) rank for what a creator will be
    /// worth, which past hires do not show: on held-out demo collaborations each one alone
    /// lowers recall (the graph already carries what made brands hire), so by default they
    /// mostly break near-ties in proximity. At 0.05 / 0.03 / 0.015 mean recall@50 over five
    /// demo splits (seeds 7, 11, 23, 31, 47) is 0.483 against exact PPR's 0.479, ahead on four
    /// of them, and 0.222 against 0.219 on the synthetic marketplace; at 0.13 / 0.09 / 0.04 the
    /// demo gave 0.453 against 0.476. Raise them to rank more for value, at that measured cost.
    pub content: f64,
    /// Predicted LTV. Default 0.03.
    pub ltv: f64,
    /// Probability of being active. Default 0.015.
    pub p_active: f64,
    /// Share of past collaborations delivered (smoothed). Default 0.09.
    pub reliability: f64,
}

impl Default for BlendWeights {
    fn default() -> Self {
        Self {
            proximity: 0.48,
            niche_focus: 0.0,
            content: 0.05,
            ltv: 0.03,
            p_active: 0.015,
            reliability: 0.09,
        }
    }
}

impl BlendWeights {
    /// The weights in [`Component`](super::rank::Component) order.
    pub(crate) fn as_array(&self) -> [f64; 6] {
        [
            self.proximity,
            self.niche_focus,
            self.content,
            self.ltv,
            self.p_active,
            self.reliability,
        ]
    }
}

/// Component normalisation and pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankConfig {
    /// LTV at which the LTV component is 0.5 (it is `ltv / (ltv + reference)`). Default 1,000.
    pub ltv_reference: f64,
    /// Proximity component is `(proximity / best proximity) ^ exponent`; below 1 it lifts the
    /// long tail of PPR so close-but-not-closest creators still compete on their attributes.
    /// Default 0.5.
    pub proximity_exponent: f64,
    /// Prior mean of reliability for creators with little history. Default 0.8.
    pub reliability_prior_mean: f64,
    /// Prior strength in pseudo-collaborations. Default 2.
    pub reliability_prior_strength: f64,
    /// Component value used when content score, LTV or P(active) is unknown, in [0, 1].
    /// Default 0.5 (neither rewarded nor punished; confidence drops instead).
    pub missing_value: f64,
    /// Collaborations `n0` at which a seed's graph evidence and its niche evidence weigh the
    /// same: a seed with `n` collaborations gives proximity `n / (n + n0)` of its weight and
    /// moves the rest to niche focus, so a brand with few collaborations ranks by its niches
    /// and one with many by its graph. 0 keeps the weights as configured. Default 0: with
    /// the certified push the blend is at or above niche cosine on every graph measured
    /// without it, and n0 = 1 gained 0.012 of recall@50 on the sparse synthetic marketplace
    /// (5 collaborations per brand) but lost 0.034 on the small demo, n0 = 20 lost 0.07 on
    /// MovieLens. Raise it for catalogues where niches predict hires well.
    pub niche_prior_collaborations: f64,
    /// Largest page a query may ask for. Default 100.
    pub max_page_size: usize,
    /// Strongest paths explained per result. Default 2.
    pub paths_per_result: usize,
}

impl Default for RankConfig {
    fn default() -> Self {
        Self {
            ltv_reference: 1_000.0,
            proximity_exponent: 0.5,
            reliability_prior_mean: 0.8,
            reliability_prior_strength: 2.0,
            missing_value: 0.5,
            niche_prior_collaborations: 0.0,
            max_page_size: 100,
            paths_per_result: 2,
        }
    }
}

fn check(ok: bool, field: &'static str, reason: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(MatchError::InvalidConfig {
            field,
            reason: reason.to_string(),
        })
    }
}

fn positive(x: f64, field: &'static str) -> Result<()> {
    check(
        x.is_finite() && x > 0.0,
        field,
        "must be a finite number > 0",
    )
}

fn unit(x: f64, field: &'static str) -> Result<()> {
    check((0.0..=1.0).contains(&x), field, "must be within [0, 1]")
}

impl MatchConfig {
    /// Checks every field; call once after loading a configuration.
    pub fn validate(&self) -> Result<()> {
        self.graph.validate()?;
        let p = &self.ppr;
        check(
            p.alpha > 0.0 && p.alpha < 1.0,
            "ppr.alpha",
            "must be within (0, 1)",
        )?;
        check(
            p.epsilon > 0.0 && p.epsilon < 1.0,
            "ppr.epsilon",
            "must be within (0, 1); smaller is more accurate and slower",
        )?;
        unit(p.niche_restart_share, "ppr.niche_restart_share")?;
        unit(p.degree_exponent, "ppr.degree_exponent")?;
        check(
            p.degree_reference.is_finite() && p.degree_reference >= 0.0,
            "ppr.degree_reference",
            "must be a finite number >= 0",
        )?;
        check(p.top_k > 0, "ppr.top_k", "must be > 0")?;
        positive(p.top_k_tolerance, "ppr.top_k_tolerance")?;
        check(p.max_pushes > 0, "ppr.max_pushes", "must be > 0")?;
        let w = self.weights.as_array();
        check(
            w.iter().all(|x| x.is_finite() && *x >= 0.0),
            "weights",
            "must all be finite and >= 0",
        )?;
        check(
            w.iter().sum::<f64>() > 0.0,
            "weights",
            "must not all be zero",
        )?;
        let r = &self.rank;
        positive(r.ltv_reference, "rank.ltv_reference")?;
        check(
            r.proximity_exponent > 0.0 && r.proximity_exponent <= 1.0,
            "rank.proximity_exponent",
            "must be within (0, 1]",
        )?;
        unit(r.reliability_prior_mean, "rank.reliability_prior_mean")?;
        check(
            r.reliability_prior_strength.is_finite() && r.reliability_prior_strength >= 0.0,
            "rank.reliability_prior_strength",
            "must be a finite number >= 0",
        )?;
        unit(r.missing_value, "rank.missing_value")?;
        check(
            r.niche_prior_collaborations.is_finite() && r.niche_prior_collaborations >= 0.0,
            "rank.niche_prior_collaborations",
            "must be a finite number >= 0",
        )?;
        check(r.max_page_size > 0, "rank.max_page_size", "must be > 0")?;
        check(
            r.paths_per_result > 0,
            "rank.paths_per_result",
            "must be > 0",
        )
    }
}

impl GraphConfig {
    /// Checks the graph section alone (building a graph needs only this part).
    pub fn validate(&self) -> Result<()> {
        positive(self.creator_niche_weight, "graph.creator_niche_weight")?;
        positive(self.brand_niche_weight, "graph.brand_niche_weight")?;
        check(
            self.parent_niche_link.is_finite() && self.parent_niche_link >= 0.0,
            "graph.parent_niche_link",
            "must be a finite number >= 0",
        )?;
        positive(
            self.collaboration_half_life_days,
            "graph.collaboration_half_life_days",
        )?;
        positive(self.gmv_reference, "graph.gmv_reference")?;
        check(
            self.compaction_threshold > 0,
            "graph.compaction_threshold",
            "must be > 0",
        )
    }

    /// Weight one collaboration adds to its brand-creator edge: halves every half-life and
    /// grows with the logarithm of its GMV.
    pub fn collaboration_weight(&self, age_days: f64, gmv: f64) -> f64 {
        let decay = 0.5f64.powf(age_days.max(0.0) / self.collaboration_half_life_days);
        decay * (1.0 + (gmv.max(0.0) / self.gmv_reference).ln_1p())
    }
}
