//! A seeded synthetic marketplace with planted communities, for tests, evaluation and benches.
//!
//! Every leaf niche hides a few *communities* (think "raw-food dog owners" inside Dog Food).
//! Creators and brands each belong to one. A brand collaborates mostly inside its community,
//! sometimes elsewhere in its niche and rarely anywhere, preferring creators with good content,
//! activity and reliability, and caring little about follower counts. Niche data alone cannot
//! see communities; the collaboration graph can, which is what matching should exploit.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution, LogNormal, Normal, Poisson};

use super::error::{MatchError, Result};
use super::input::{
    BrandId, BrandInput, CollaborationInput, CreatorId, CreatorInput, CreatorProfile,
    CreatorProfiles, GraphInput, NameBook, NicheId, NicheInput, NicheShare,
};

/// Shape of a synthetic marketplace.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticConfig {
    /// Number of creators.
    pub creators: usize,
    /// Number of brands.
    pub brands: usize,
    /// Number of leaf niches (parents are added on top, one per `niches_per_parent` leaves).
    pub leaf_niches: usize,
    /// Leaf niches per parent niche.
    pub niches_per_parent: usize,
    /// Planted communities per leaf niche.
    pub communities_per_niche: usize,
    /// Mean collaborations per brand.
    pub collaborations_per_brand: f64,
    /// Probability a collaboration stays inside the brand's community.
    pub in_community: f64,
    /// Probability it goes elsewhere in the brand's niche (the rest go anywhere).
    pub in_niche: f64,
    /// Market codes creators are spread over.
    pub markets: Vec<String>,
    /// Random seed: the same seed gives the same marketplace.
    pub seed: u64,
}

impl SyntheticConfig {
    /// A marketplace of the given size with the default shape.
    pub fn with_size(creators: usize, brands: usize, leaf_niches: usize, seed: u64) -> Self {
        Self {
            creators,
            brands,
            leaf_niches,
            niches_per_parent: 10,
            communities_per_niche: 4,
            collaborations_per_brand: 20.0,
            in_community: 0.7,
            in_niche: 0.2,
            markets: ["US", "GB", "DE", "ID", "SA"].map(String::from).to_vec(),
            seed,
        }
    }

    /// 4,000 creators, 250 brands, 12 leaf niches (about 330 creators per niche, so the top 50
    /// cannot simply be "everyone in the niche"): small enough for exact PPR per query.
    pub fn small(seed: u64) -> Self {
        Self::with_size(4_000, 250, 12, seed)
    }

    fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(MatchError::InvalidInput(format!("synthetic: {what}")));
        if self.creators == 0 || self.brands == 0 || self.leaf_niches == 0 {
            return bad("creators, brands and leaf_niches must be > 0");
        }
        if self.niches_per_parent == 0 || self.communities_per_niche == 0 {
            return bad("niches_per_parent and communities_per_niche must be > 0");
        }
        if !(self.collaborations_per_brand.is_finite() && self.collaborations_per_brand >= 1.0) {
            return bad("collaborations_per_brand must be >= 1");
        }
        if !(self.in_community >= 0.0 && self.in_niche >= 0.0)
            || self.in_community + self.in_niche > 1.0
        {
            return bad("in_community and in_niche must be >= 0 and sum to at most 1");
        }
        if self.markets.is_empty() {
            return bad("markets must not be empty");
        }
        Ok(())
    }
}

/// A generated marketplace: graph input, creator profiles, names, and the planted truth.
#[derive(Debug, Clone)]
pub struct SyntheticMarket {
    /// Niches, brands, creators and collaborations.
    pub input: GraphInput,
    /// Attributes of every creator.
    pub profiles: CreatorProfiles,
    /// Names of niches and brands (creators are left to the fallback "creator #id").
    pub names: NameBook,
    /// Planted community of each creator, in `input.creators` order.
    pub creator_community: Vec<u32>,
    /// Planted community of each brand, in `input.brands` order.
    pub brand_community: Vec<u32>,
}

const CATEGORIES: [&str; 10] = [
    "Pets", "Beauty", "Fitness", "Home", "Fashion", "Food", "Tech", "Kids", "Outdoor", "Gaming",
];

/// Creators of one community with cumulative appeal, for weighted sampling.
#[derive(Default)]
struct Pool {
    creators: Vec<u32>,
    cumulative: Vec<f64>,
}

impl Pool {
    fn sample(&self, rng: &mut StdRng) -> Option<u32> {
        let total = *self.cumulative.last()?;
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.creators.get(i.min(self.creators.len() - 1)).copied()
    }
}

fn distribution_error(e: impl std::fmt::Display) -> MatchError {
    MatchError::InvalidInput(format!("synthetic distribution: {e}"))
}

/// Generates a marketplace; deterministic for a given configuration.
pub fn generate(config: &SyntheticConfig) -> Result<SyntheticMarket> {
    config.validate()?;
    let mut rng = StdRng::seed_from_u64(config.seed);
    let leaves = config.leaf_niches;
    let parents = leaves.div_ceil(config.niches_per_parent);
    let communities = leaves * config.communities_per_niche;
    let leaf_id = |leaf: usize| NicheId((parents + leaf) as u64);
    let parent_of = |leaf: usize| leaf / config.niches_per_parent;

    let mut names = NameBook::default();
    let mut niches = Vec::with_capacity(parents + leaves);
    for p in 0..parents {
        let name = match p / CATEGORIES.len() {
            0 => CATEGORIES[p].to_string(),
            round => format!("{} {}", CATEGORIES[p % CATEGORIES.len()], round + 1),
        };
        names.niches.insert(NicheId(p as u64), name);
        niches.push(NicheInput {
            id: NicheId(p as u64),
            parent: None,
        });
    }
    for leaf in 0..leaves {
        let parent = NicheId(parent_of(leaf) as u64);
        let name = format!(
            "{} / {}",
            names.niches[&parent],
            leaf % config.niches_per_parent + 1
        );
        names.niches.insert(leaf_id(leaf), name);
        niches.push(NicheInput {
            id: leaf_id(leaf),
            parent: Some(parent),
        });
    }

    // A related leaf: usually a sibling under the same parent, otherwise any leaf.
    let other_leaf = |rng: &mut StdRng, leaf: usize| -> usize {
        let p = parent_of(leaf);
        let first = p * config.niches_per_parent;
        let last = (first + config.niches_per_parent).min(leaves);
        if rng.random_bool(0.7) && last - first > 1 {
            first + rng.random_range(0..last - first)
        } else {
            rng.random_range(0..leaves)
        }
    };

    let followers = LogNormal::new(8.0, 1.5).map_err(distribution_error)?;
    let content = Normal::new(60.0, 15.0).map_err(distribution_error)?;
    let ltv = LogNormal::new(6.0, 1.0).map_err(distribution_error)?;
    let history = Poisson::new(3.0).map_err(distribution_error)?;
    let gmv = LogNormal::new(9.0, 1.2).map_err(distribution_error)?;

    let mut creators = Vec::with_capacity(config.creators);
    let mut creator_community = Vec::with_capacity(config.creators);
    let mut profiles =
        CreatorProfiles::with_capacity_and_hasher(config.creators, Default::default());
    let mut pools: Vec<Pool> = (0..communities).map(|_| Pool::default()).collect();
    for i in 0..config.creators {
        let id = CreatorId(i as u64 + 1);
        let community = rng.random_range(0..communities);
        let leaf = community / config.communities_per_niche;
        let mut shares = vec![NicheShare {
            niche: leaf_id(leaf),
            share: 1.0,
        }];
        if rng.random_bool(0.6) {
            let primary = rng.random_range(0.5..0.9);
            shares[0].share = primary;
            shares.push(NicheShare {
                niche: leaf_id(other_leaf(&mut rng, leaf)),
                share: 1.0 - primary,
            });
        }
        let score: f64 = content.sample(&mut rng);
        let score = score.clamp(0.0, 100.0);
        let p_active = rng.random_range(0.3..1.0);
        let reliability = rng.random_range(0.5..1.0);
        let total = history.sample(&mut rng) as u64;
        let delivered = Binomial::new(total, reliability)
            .map_err(distribution_error)?
            .sample(&mut rng);
        let fans = followers.sample(&mut rng) as u64;
        let violations = if rng.random_bool(0.1) {
            rng.random_range(1..4)
        } else {
            0
        };
        let appeal =
            (0.2 + score / 100.0) * (0.3 + p_active) * reliability * (fans as f64 + 1.0).powf(0.1);
        let pool = &mut pools[community];
        let running = pool.cumulative.last().copied().unwrap_or(0.0);
        pool.creators.push(i as u32);
        pool.cumulative.push(running + appeal);
        profiles.insert(
            id,
            CreatorProfile {
                market: config.markets[rng.random_range(0..config.markets.len())].clone(),
                followers: fans,
                ecommerce: rng.random_bool(0.32),
                content_score: Some(score),
                ltv: Some(ltv.sample(&mut rng)),
                p_active: Some(p_active),
                collaborations_total: total as u32,
                collaborations_delivered: delivered as u32,
                recent_violations: violations,
            },
        );
        creators.push(CreatorInput { id, niches: shares });
        creator_community.push(community as u32);
    }

    let per_brand = Poisson::new(config.collaborations_per_brand - 1.0 + f64::EPSILON)
        .map_err(distribution_error)?;
    let mut brands = Vec::with_capacity(config.brands);
    let mut brand_community = Vec::with_capacity(config.brands);
    let mut collaborations = Vec::new();
    for b in 0..config.brands {
        let id = BrandId(b as u64 + 1);
        let community = rng.random_range(0..communities);
        let leaf = community / config.communities_per_niche;
        let mut shares = vec![NicheShare {
            niche: leaf_id(leaf),
            share: 1.0,
        }];
        if rng.random_bool(0.5) {
            shares.push(NicheShare {
                niche: leaf_id(other_leaf(&mut rng, leaf)),
                share: 0.4,
            });
        }
        names.brands.insert(id, format!("Brand {}", b + 1));
        let count = 1 + per_brand.sample(&mut rng) as usize;
        for _ in 0..count {
            let u = rng.random::<f64>();
            let target = if u < config.in_community {
                pools[community].sample(&mut rng)
            } else if u < config.in_community + config.in_niche {
                let c = leaf * config.communities_per_niche
                    + rng.random_range(0..config.communities_per_niche);
                pools[c].sample(&mut rng)
            } else {
                None
            };
            let creator = target.unwrap_or_else(|| rng.random_range(0..config.creators as u32));
            collaborations.push(CollaborationInput {
                brand: id,
                creator: creators[creator as usize].id,
                age_days: rng.random_range(0.0..720.0),
                gmv: gmv.sample(&mut rng),
            });
        }
        brands.push(BrandInput { id, niches: shares });
        brand_community.push(community as u32);
    }

    Ok(SyntheticMarket {
        input: GraphInput {
            niches,
            brands,
            creators,
            collaborations,
        },
        profiles,
        names,
        creator_community,
        brand_community,
    })
}
