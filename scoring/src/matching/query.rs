//! Query and result types of matching and lookalikes, and cursor pagination.

use serde::{Deserialize, Serialize};

use super::error::{MatchError, Result};
use super::graph::NodeRef;
use super::input::{BrandId, CreatorId, NicheId};

/// Which creators may be returned. Empty lists and `None` mean "no constraint".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchFilters {
    /// Creator's market must be one of these.
    pub markets: Vec<String>,
    /// Creator must have content in one of these niches (or in a child of one).
    pub niches: Vec<NicheId>,
    /// At least this many followers.
    pub min_followers: Option<u64>,
    /// At most this many followers (to find niche creators, not the biggest).
    pub max_followers: Option<u64>,
    /// Only creators who can sell.
    pub ecommerce_only: bool,
    /// Content score (0-100) at least this; unscored creators fail it.
    pub min_content_score: Option<f64>,
    /// At most this many recent violations.
    pub max_recent_violations: Option<u32>,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PageStart {
    /// Skip this many results.
    Offset(usize),
    /// Start right after this result (stable across updates that do not move it).
    After(Cursor),
}

/// A page of results: where it starts and how many it holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageRequest {
    /// Where the page starts.
    pub start: PageStart,
    /// How many results, 1 to `rank.max_page_size`.
    pub size: usize,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            start: PageStart::Offset(0),
            size: 20,
        }
    }
}

/// Position of a result in the order (score descending, then creator id ascending).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The result's score.
    pub score: f64,
    /// The result's creator.
    pub creator: CreatorId,
}

impl Cursor {
    /// An opaque, URL-safe string form (32 hex digits) for GraphQL `after` arguments.
    pub fn encode(&self) -> String {
        format!("{:016x}{:016x}", self.score.to_bits(), self.creator.0)
    }

    /// Parses [`Cursor::encode`]'s output.
    pub fn decode(s: &str) -> Result<Self> {
        let bad = || MatchError::InvalidPage(format!("malformed cursor {s:?}"));
        if s.len() != 32 || !s.is_ascii() {
            return Err(bad());
        }
        let bits = u64::from_str_radix(&s[..16], 16).map_err(|_| bad())?;
        let id = u64::from_str_radix(&s[16..], 16).map_err(|_| bad())?;
        let score = f64::from_bits(bits);
        if !score.is_finite() {
            return Err(bad());
        }
        Ok(Self {
            score,
            creator: CreatorId(id),
        })
    }

    /// Whether a result at (`score`, `creator`) comes after this cursor in the order.
    pub(crate) fn precedes(&self, score: f64, creator: CreatorId) -> bool {
        score < self.score || (score == self.score && creator > self.creator)
    }
}

/// Creators for a brand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchQuery {
    /// The brand asking.
    pub brand: BrandId,
    /// Which creators may be returned.
    pub filters: MatchFilters,
    /// Also return creators the brand already worked with (excluded by default).
    pub include_existing: bool,
    /// Which page.
    pub page: PageRequest,
}

impl MatchQuery {
    /// First page, no filters, existing collaborators excluded.
    pub fn new(brand: BrandId) -> Self {
        Self {
            brand,
            filters: MatchFilters::default(),
            include_existing: false,
            page: PageRequest::default(),
        }
    }
}

/// Creators like a given creator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookalikeQuery {
    /// The creator to find lookalikes of (never returned itself).
    pub creator: CreatorId,
    /// Which creators may be returned.
    pub filters: MatchFilters,
    /// Which page.
    pub page: PageRequest,
}

/// The parts of the ranking blend, each normalised to [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Component {
    /// Degree-corrected PPR from the seed, relative to the best eligible candidate's before
    /// filters (so a filter never changes a creator's score; see `rank.proximity_exponent`).
    Proximity,
    /// Cosine of the creator's and the seed's niche vectors.
    NicheFocus,
    /// Content score / 100.
    Content,
    /// `ltv / (ltv + ltv_reference)`.
    Ltv,
    /// Probability the creator is active.
    PActive,
    /// Smoothed share of past collaborations delivered.
    Reliability,
}

impl Component {
    /// All components in blend order.
    pub const ALL: [Component; 6] = [
        Component::Proximity,
        Component::NicheFocus,
        Component::Content,
        Component::Ltv,
        Component::PActive,
        Component::Reliability,
    ];
}

/// One component of a result's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreComponent {
    /// Which component.
    pub component: Component,
    /// Its value in [0, 1].
    pub value: f64,
    /// False when the value stands in for data the creator does not have yet: the neutral
    /// `rank.missing_value` for an unknown content score, LTV or P(active), the prior
    /// `rank.reliability_prior_mean` for a creator with no collaborations. A brand must be
    /// able to tell a prior 0.8 from a measured one.
    pub measured: bool,
    /// Its weight in the blend (weights sum to 1).
    pub weight: f64,
    /// `weight * value`; contributions sum to the score.
    pub contribution: f64,
    /// `contribution / score`: its share of the score.
    pub share: f64,
}

/// One of the strongest paths from the seed to a result, in nodes and in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathExplanation {
    /// Nodes from the seed (or one of its niches) to the creator, other brands included:
    /// for analysis, never for a tenant's eyes (show `text`, which is redacted).
    pub nodes: Vec<NodeRef>,
    /// Share of the creator's proximity that arrives through this path's last step.
    pub strength: f64,
    /// The path in words, e.g. "shares your niche Dog Food (62% of its videos)", naming only
    /// what the [`Names`](super::input::Names) it was written with reveal.
    pub text: String,
}

/// One ranked creator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorMatch {
    /// The creator.
    pub creator: CreatorId,
    /// Blended score in [0, 1].
    pub score: f64,
    /// The score's parts and their shares.
    pub components: Vec<ScoreComponent>,
    /// Confidence in [0, 1]: how tight the proximity estimate is and how much of the
    /// creator's data is known rather than defaulted.
    pub confidence: f64,
    /// Strongest paths from the seed, strongest first.
    pub paths: Vec<PathExplanation>,
    /// Whether the brand already worked with this creator.
    pub existing_collaborator: bool,
}

/// A page of ranked creators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPage {
    /// The results, best first.
    pub items: Vec<CreatorMatch>,
    /// Results over all pages.
    pub total: usize,
    /// Cursor for the next page, if there is one.
    pub next_cursor: Option<Cursor>,
    /// Push operations the proximity computation took (its cost).
    pub pushes: usize,
    /// False if the push hit `ppr.max_pushes` before reaching the asked accuracy.
    pub converged: bool,
    /// Whether the push certified the top `ppr.top_k` proximities (`TopK` states the
    /// guarantee) before reaching `ppr.epsilon`.
    pub certified: bool,
}
