//! Seeded synthetic content for benches, tests and the API's demo: realistic enough that rates,
//! niches and tiers differ the way they do on the platform, deterministic for a given seed.

use crate::day::Day;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use super::{CohortKey, CohortLabels, ContentError, ContentPiece, Distribution, Engagement};
use super::{FollowerTier, LiveStats, MarketId, Moderation, NicheId, PoolConfig, ValueGrade};
use super::{VideoStats, initial_pool_size};

/// Market display names, biggest first.
pub const MARKETS: [&str; 6] = ["US", "UK", "Indonesia", "Thailand", "Saudi Arabia", "Japan"];

/// Parent niches with their ten niches each: a 100-niche taxonomy.
pub const TAXONOMY: [(&str, [&str; 10]); 10] = [
    (
        "beauty",
        [
            "skincare",
            "makeup",
            "haircare",
            "fragrance",
            "nails",
            "men's grooming",
            "k-beauty",
            "sun care",
            "body care",
            "beauty tools",
        ],
    ),
    (
        "fashion",
        [
            "womenswear",
            "menswear",
            "streetwear",
            "modest fashion",
            "jewellery",
            "bags",
            "shoes",
            "lingerie",
            "vintage",
            "kidswear",
        ],
    ),
    (
        "home",
        [
            "kitchen gadgets",
            "home decor",
            "cleaning",
            "storage",
            "bedding",
            "lighting",
            "garden",
            "diy",
            "furniture",
            "smart home",
        ],
    ),
    (
        "food",
        [
            "snacks",
            "coffee",
            "tea",
            "baking",
            "cooking",
            "healthy eating",
            "sweets",
            "spices",
            "drinks",
            "meal prep",
        ],
    ),
    (
        "tech",
        [
            "phones",
            "phone accessories",
            "audio",
            "gaming gear",
            "laptops",
            "wearables",
            "cameras",
            "chargers",
            "smart gadgets",
            "pc building",
        ],
    ),
    (
        "fitness",
        [
            "yoga",
            "gym",
            "running",
            "home workout",
            "supplements",
            "activewear",
            "cycling",
            "pilates",
            "martial arts",
            "recovery",
        ],
    ),
    (
        "pets",
        [
            "dogs",
            "cats",
            "aquarium",
            "birds",
            "small pets",
            "pet food",
            "pet grooming",
            "pet toys",
            "pet health",
            "reptiles",
        ],
    ),
    (
        "baby",
        [
            "baby care",
            "toys",
            "nursery",
            "feeding",
            "strollers",
            "maternity",
            "kids books",
            "educational toys",
            "baby clothes",
            "parenting",
        ],
    ),
    (
        "outdoors",
        [
            "camping",
            "hiking",
            "fishing",
            "travel gear",
            "beach",
            "climbing",
            "car accessories",
            "bikes",
            "water sports",
            "picnic",
        ],
    ),
    (
        "hobbies",
        [
            "crafts",
            "stationery",
            "books",
            "board games",
            "collectibles",
            "music gear",
            "art supplies",
            "sewing",
            "photography",
            "plants",
        ],
    ),
];

/// Offset of parent-niche ids, so niche and parent ids never collide in the caller's tables.
pub const PARENT_ID_OFFSET: u32 = 1_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticParams {
    /// Number of pieces.
    pub pieces: usize,
    /// Number of markets, 1..=6 (taken from [`MARKETS`] in order).
    pub markets: usize,
    /// Number of niches, 1..=100 (taken from [`TAXONOMY`] parent by parent).
    pub niches: usize,
    /// Share of live streams among the pieces.
    pub live_share: f64,
    /// Last publication day.
    pub as_of_day: Day,
    /// Pieces are published over the `days` days ending on `as_of_day`.
    pub days: u32,
    /// Seed of the generator: same seed, same marketplace.
    pub seed: u64,
    /// Ladder the pieces' pools are consistent with.
    pub pools: PoolConfig,
}

impl Default for SyntheticParams {
    fn default() -> Self {
        Self {
            pieces: 10_000,
            markets: MARKETS.len(),
            niches: 100,
            live_share: 0.1,
            as_of_day: Day::new(20_000),
            days: 28,
            seed: 42,
            pools: PoolConfig::default(),
        }
    }
}

/// A generated marketplace: display names plus the pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticMarketplace {
    /// Market names, indexed by [`MarketId`].
    pub markets: Vec<&'static str>,
    /// Niche names, indexed by [`NicheId`].
    pub niches: Vec<&'static str>,
    /// Parent-niche names, indexed by [`NicheId`] minus [`PARENT_ID_OFFSET`].
    pub parents: Vec<&'static str>,
    /// The pieces, in generation order, ids 0.. .
    pub pieces: Vec<ContentPiece>,
}

impl SyntheticMarketplace {
    /// Display names of a cohort key of this marketplace, for explanations.
    pub fn labels(&self, key: &CohortKey) -> CohortLabels<'static> {
        let name = |names: &[&'static str], i: usize| names.get(i).copied().unwrap_or("unknown");
        CohortLabels {
            market: name(&self.markets, usize::from(key.market.0)),
            niche: name(&self.niches, key.niche.0 as usize),
            parent_niche: name(
                &self.parents,
                key.parent_niche.0.saturating_sub(PARENT_ID_OFFSET) as usize,
            ),
        }
    }
}

/// Generates a marketplace. Niche popularity is skewed (a few big niches, a long tail), so the
/// cohort back-off is exercised; a latent quality per piece moves all its rates together.
pub fn generate(params: &SyntheticParams) -> Result<SyntheticMarketplace, ContentError> {
    let bad = |msg: &str| Err(ContentError::InvalidConfig(format!("synthetic: {msg}")));
    if !(1..=MARKETS.len()).contains(&params.markets) {
        return bad("markets must be within 1..=6");
    }
    if !(1..=100).contains(&params.niches) {
        return bad("niches must be within 1..=100");
    }
    if !(0.0..=1.0).contains(&params.live_share) {
        return bad("live_share must be within 0..=1");
    }
    if params.days == 0 {
        return bad("days must be positive");
    }
    params.pools.validate()?;
    let mut rng = StdRng::seed_from_u64(params.seed);
    let niches: Vec<&'static str> = TAXONOMY
        .iter()
        .flat_map(|(_, n)| n.iter().copied())
        .take(params.niches)
        .collect();
    let parents: Vec<&'static str> = TAXONOMY.iter().map(|(p, _)| *p).collect();

    // Cumulative Zipf-like popularity (exponent 0.9) for niches, and market sizes.
    let cumulative = |weights: Vec<f64>| {
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        weights
            .into_iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect::<Vec<f64>>()
    };
    let niche_cdf = cumulative((1..=params.niches).map(|r| (r as f64).powf(-0.9)).collect());
    let market_cdf = cumulative((1..=params.markets).map(|r| 1.0 / r as f64).collect());
    let pick = |cdf: &[f64], u: f64| cdf.partition_point(|c| *c < u).min(cdf.len() - 1);
    // Each niche and market has its own engagement level (log-scale offsets).
    let niche_effect: Vec<f64> = (0..params.niches).map(|_| 0.3 * normal(&mut rng)).collect();
    let market_effect: Vec<f64> = (0..params.markets)
        .map(|_| 0.2 * normal(&mut rng))
        .collect();

    let mut pieces = Vec::with_capacity(params.pieces);
    for id in 0..params.pieces {
        let market = pick(&market_cdf, rng.random::<f64>());
        let niche = pick(&niche_cdf, rng.random::<f64>());
        let followers = (9.9 + 1.8 * normal(&mut rng)).exp() as u64;
        let tier = FollowerTier::from_followers(followers);
        let tier_rank = FollowerTier::ALL
            .iter()
            .position(|t| *t == tier)
            .unwrap_or(0) as f64;
        let account_weight = (0.15 + 0.17 * tier_rank + 0.1 * normal(&mut rng)).clamp(0.0, 1.0);
        let quality = normal(&mut rng);
        let effect = niche_effect[niche] + market_effect[market] + 0.4 * quality;
        let is_live = rng.random::<f64>() < params.live_share;
        // Log-normal around exp(mu), lifted by the piece's niche, market and quality.
        let mut draw = |mu: f64, sigma: f64| (mu + effect + sigma * normal(&mut rng)).exp();
        let engagement = if is_live {
            let viewers = draw(5.5 + 0.5 * tier_rank, 1.0) as u64;
            let v = viewers as f64;
            let watch = draw(4.0, 0.5);
            Engagement::Live(LiveStats {
                viewers,
                watch_seconds: (v * watch) as u64,
                comments: (v * watch / 60.0 * draw(-3.0, 0.6)) as u64,
                orders: (v * draw(-5.3, 0.8)) as u64,
                shares: (v * draw(-5.0, 0.7)) as u64,
            })
        } else {
            let views = draw(6.5 + 0.6 * tier_rank, 1.3) as u64;
            let v = views as f64;
            // Logistic of a log-odds around -0.8 (about 31% completion at the median).
            let completion = 1.0 / (1.0 + 1.0 / draw(-0.8, 0.4));
            Engagement::Video(VideoStats {
                views,
                completions: (v * completion) as u64,
                likes: (v * draw(-3.2, 0.5).min(1.0)) as u64,
                comments: (v * draw(-5.8, 0.7)) as u64,
                shares: (v * draw(-6.2, 0.8)) as u64,
            })
        };
        let u = rng.random::<f64>();
        let value_grade = if u < 0.2 {
            ValueGrade::StronglyUseful
        } else if u < 0.7 {
            ValueGrade::WeaklyUseful
        } else {
            ValueGrade::NotUseful
        };
        let u = rng.random::<f64>();
        let moderation = Moderation {
            minor: u32::from(u < 0.02),
            major: u32::from((0.02..0.025).contains(&u)),
            severe: u32::from((0.025..0.026).contains(&u)),
        };
        let impressions = (engagement.audience() as f64 * (1.2 + 0.8 * rng.random::<f64>())) as u64;
        // The pool a piece with that many impressions must have reached: past every pool
        // whose size it exceeds.
        let initial = initial_pool_size(account_weight, &params.pools)?;
        let pool = std::iter::once(initial)
            .chain(params.pools.ladder.iter().copied())
            .take(params.pools.ladder.len())
            .take_while(|size| impressions > *size)
            .count();
        pieces.push(ContentPiece {
            id: id as u64,
            cohort: CohortKey {
                market: MarketId(market as u16),
                niche: NicheId(niche as u32),
                parent_niche: NicheId(PARENT_ID_OFFSET + (niche / 10) as u32),
                tier,
            },
            published_day: params.as_of_day - rng.random_range(0..params.days) as i32,
            value_grade,
            engagement,
            moderation,
            distribution: Distribution {
                impressions,
                account_weight,
                pool,
            },
        });
    }
    Ok(SyntheticMarketplace {
        markets: MARKETS[..params.markets].to_vec(),
        niches,
        parents,
        pieces,
    })
}

fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}
