//! Plain input records: what the API maps its database rows to.
//!
//! Ids are the caller's numeric primary keys wrapped in newtypes so a brand id can never be
//! passed where a creator id is expected. Names live outside the graph (see [`Names`]) so the
//! graph stays small and names can change without touching it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// A creator's id as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CreatorId(pub u64);

/// A brand's id as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BrandId(pub u64);

/// A niche's id (leaf or parent) as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NicheId(pub u64);

/// A niche of the taxonomy; `parent` is `None` for a top-level (parent) niche.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NicheInput {
    /// The niche.
    pub id: NicheId,
    /// The niche it belongs to, if any.
    pub parent: Option<NicheId>,
}

/// How much of a creator's content (or of a brand's catalogue) is in one niche.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NicheShare {
    /// The niche.
    pub niche: NicheId,
    /// Positive weight; shares of one owner are normalised to sum to 1, so raw video counts work.
    pub share: f64,
}

/// A creator and where its content lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorInput {
    /// The creator.
    pub id: CreatorId,
    /// Its niches with the share of its videos in each.
    pub niches: Vec<NicheShare>,
}

/// A brand and the niches it sells in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandInput {
    /// The brand.
    pub id: BrandId,
    /// Its niches with their weight in its catalogue.
    pub niches: Vec<NicheShare>,
}

/// One collaboration between a brand and a creator; repeated pairs strengthen one edge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CollaborationInput {
    /// The brand.
    pub brand: BrandId,
    /// The creator.
    pub creator: CreatorId,
    /// Days since the collaboration (0 for one recorded now); older ones weigh less. The
    /// decay is applied when the weight is added, so a periodic rebuild from current ages
    /// (e.g. nightly) keeps old edges fading.
    pub age_days: f64,
    /// GMV it generated, in the caller's minor units; more GMV weighs more (logarithmically).
    pub gmv: f64,
}

/// Everything needed to build the matching graph in one go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphInput {
    /// The niche taxonomy (leaf and parent niches).
    pub niches: Vec<NicheInput>,
    /// All brands.
    pub brands: Vec<BrandInput>,
    /// All creators.
    pub creators: Vec<CreatorInput>,
    /// All collaborations.
    pub collaborations: Vec<CollaborationInput>,
}

/// Per-creator attributes used to rank and filter; kept by the caller, outside the graph,
/// because they change on their own schedule (LTV recomputes, new videos, moderation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorProfile {
    /// Market code (e.g. "US").
    pub market: String,
    /// Follower count.
    pub followers: u64,
    /// Whether the creator can sell (e-commerce capable).
    pub ecommerce: bool,
    /// Content score 0-100, if scored.
    pub content_score: Option<f64>,
    /// Predicted LTV, if predicted, in units where `rank.ltv_reference` is the mean of the
    /// creator's market (explanations read `ltv / ltv_reference` as a multiple of that mean).
    pub ltv: Option<f64>,
    /// Probability the creator is still active, if predicted.
    pub p_active: Option<f64>,
    /// Past collaborations with any brand.
    pub collaborations_total: u32,
    /// Of those, how many were delivered.
    pub collaborations_delivered: u32,
    /// Moderation violations in the recent window.
    pub recent_violations: u32,
}

/// A creator directory keyed through the fast integer hasher: ranking looks a profile up for
/// every creator a query reaches (tens of thousands on a large graph), where SipHash cost a
/// fifth of a query.
pub type CreatorProfiles = HashMap<CreatorId, CreatorProfile, super::fx::FxBuildHasher>;

/// Where ranking looks creator attributes up; a `HashMap` works, so can a caller's cache.
pub trait CreatorDirectory {
    /// The creator's profile; creators without one are never returned as matches.
    fn profile(&self, id: CreatorId) -> Option<&CreatorProfile>;
}

impl<S: std::hash::BuildHasher> CreatorDirectory for HashMap<CreatorId, CreatorProfile, S> {
    fn profile(&self, id: CreatorId) -> Option<&CreatorProfile> {
        self.get(&id)
    }
}

/// Display names for explanations; supplied by the caller in its users' language.
pub trait Names {
    /// A niche's name.
    fn niche(&self, id: NicheId) -> Option<&str>;
    /// A brand's name, if the reader may see the brand and its collaborations. `None` hides
    /// it: explanations then describe a path through the brand without naming it or counting
    /// its partners (see [`NamesFor`](super::audience::NamesFor)).
    fn brand(&self, id: BrandId) -> Option<&str>;
    /// A creator's name (used by lookalike explanations).
    fn creator(&self, id: CreatorId) -> Option<&str>;
}

/// A plain in-memory [`Names`] implementation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameBook {
    /// Niche names.
    pub niches: HashMap<NicheId, String>,
    /// Brand names.
    pub brands: HashMap<BrandId, String>,
    /// Creator names.
    pub creators: HashMap<CreatorId, String>,
}

impl Names for NameBook {
    fn niche(&self, id: NicheId) -> Option<&str> {
        self.niches.get(&id).map(String::as_str)
    }
    fn brand(&self, id: BrandId) -> Option<&str> {
        self.brands.get(&id).map(String::as_str)
    }
    fn creator(&self, id: CreatorId) -> Option<&str> {
        self.creators.get(&id).map(String::as_str)
    }
}
