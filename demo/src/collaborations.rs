//! Brand-creator collaborations, drawn the way they form in an affiliate marketplace; their GMV
//! is what the creator's attributed orders of the brand brought in during the collaboration.
//!
//! # Why communities
//! Brands rarely pick creators cold, by reach. They hire through agencies and managers that
//! place one roster with related brands, copy what works for peers in their category, and
//! rehire creators who delivered; a creator who sold for one brand of a circle gets hired by the
//! next. Real collaboration graphs are therefore clustered: brands of a niche cluster share
//! creators, creators work again and again with related brands, and a creator's past partners
//! say more about its next ones than its follower count does. A seeder that draws creators of
//! the brand's niche by size leaves none of that structure and makes "the biggest creators of
//! the niche" the best possible guess, which is neither what real marketplaces look like nor
//! what brands come to Flywheel for (issue 7, ../shared/DOMAIN.md).
//!
//! # The model
//! The creators of one market and category fall into communities of about
//! [`CREATORS_PER_COMMUNITY`] (a shared audience, agency or manager; a creator's community is
//! in its dominant niche's category). A brand belongs to one community of every (market,
//! category) it sells in, the same circle index in each. Collaborations are drawn in rounds, one
//! per brand per round, so brands see the hires other brands made before. Each one is, by chance:
//! - a rehire of a creator who completed a collaboration with the brand in that market
//!   ([`REHIRE`]; it starts after the previous one ended);
//! - word of mouth: a creator who already worked with brands of the brand's community, in
//!   proportion to how often ([`WORD_OF_MOUTH`]), so a few creators become community favourites;
//! - a creator of the brand's community in the niche, by appeal ([`IN_COMMUNITY`]);
//! - a creator of the niche in the market, by appeal ([`BY_REACH`]): capable creators and,
//!   mildly, bigger ones;
//! - anyone in the market (the rest).
//!
//! A source with nobody to offer falls back to the next one down the list. Draws come from the
//! stage's RNG alone, so the same seed gives the same collaborations. The rounds order hires for
//! the draw, not in time: a word-of-mouth hire may start before the hire it heard of.

use super::commerce::Commerce;
use super::creators::Creator;
use super::markets::MARKETS;
use super::sample::{Clock, Weighted, exponential, lognormal};
use super::taxonomy::Taxonomy;
use super::writer::{Inserter, Sink};
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Typical size of a creator community within one market and category.
const CREATORS_PER_COMMUNITY: f64 = 60.0;
/// Chance a hire is a rehire of a creator who completed a collaboration with the brand.
const REHIRE: f64 = 0.08;
/// Chance a hire comes by word of mouth from the brand's community.
const WORD_OF_MOUTH: f64 = 0.42;
/// Chance a hire is a community creator of the niche, by appeal.
const IN_COMMUNITY: f64 = 0.25;
/// Chance a hire is any creator of the niche in the market, by appeal (the rest: anyone there).
const BY_REACH: f64 = 0.20;
/// Attempts at a creator the brand has not worked with before giving up on a hire.
const ATTEMPTS: usize = 4;

/// Where a collaboration stands (the stored spellings of `CollaborationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Proposed,
    Active,
    Completed,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Active => "active",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One collaboration as generated.
#[derive(Debug)]
pub(super) struct Collaboration {
    pub brand: usize,
    pub creator: usize,
    pub status: Status,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The brand's shop in the creator's market, whose products the creator promotes.
    pub shop: usize,
}

impl Collaboration {
    /// Whether the creator was promoting the brand at `t` (proposals do not count yet).
    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        matches!(
            self.status,
            Status::Active | Status::Completed | Status::Cancelled
        ) && t >= self.started_at
            && self.ended_at.is_none_or(|end| t <= end)
    }
}

/// All collaborations, with lookups by creator and by (brand, creator).
#[derive(Debug)]
pub(super) struct Collaborations {
    pub list: Vec<Collaboration>,
    pub by_creator: HashMap<usize, Vec<usize>>,
    /// Every collaboration of a pair (a rehire follows the previous one in time).
    by_pair: HashMap<(usize, usize), Vec<usize>>,
}

impl Collaborations {
    /// The pair's collaboration covering `t`, if any (a pair's collaborations never overlap).
    pub fn covering(&self, brand: usize, creator: usize, t: DateTime<Utc>) -> Option<usize> {
        self.by_pair
            .get(&(brand, creator))?
            .iter()
            .copied()
            .find(|&k| self.list[k].covers(t))
    }

    fn push(&mut self, c: Collaboration) {
        self.by_pair
            .entry((c.brand, c.creator))
            .or_default()
            .push(self.list.len());
        self.list.push(c);
    }
}

/// A market and category's community, by circle index.
type Community = (usize, usize, usize);

/// Creators with their appeal, for weighted draws.
struct Pool {
    members: Vec<usize>,
    weights: Weighted,
}

impl Pool {
    fn new(members: Vec<usize>, appeal: impl Fn(usize) -> f64) -> Self {
        let weights = Weighted::new(members.iter().map(|&i| appeal(i)));
        Self { members, weights }
    }

    fn pick(&self, rng: &mut StdRng) -> Option<usize> {
        self.weights.pick(rng).map(|k| self.members[k])
    }
}

/// Weighted pools by appeal: capable creators are three times as sought after; brands shortlist
/// creators whose content performs (the latent quality that drives engagement and conversion,
/// hence content scores and sales), and size helps, mildly.
fn pools<K: std::hash::Hash + Eq>(
    members: HashMap<K, Vec<usize>>,
    creators: &[Creator],
) -> HashMap<K, Pool> {
    let appeal = |i: usize| {
        let c = &creators[i];
        (if c.capable { 3.0 } else { 1.0 })
            * (0.6 * c.quality).exp()
            * (c.followers as f64).powf(0.25)
    };
    members
        .into_iter()
        .map(|(k, v)| (k, Pool::new(v, appeal)))
        .collect()
}

/// Where a hire comes from, in fallback order.
#[derive(Debug, Clone, Copy)]
enum Source {
    WordOfMouth,
    Community,
    Reach,
    Anyone,
}

const SOURCES: [Source; 4] = [
    Source::WordOfMouth,
    Source::Community,
    Source::Reach,
    Source::Anyone,
];

/// The creator side of the marketplace as hiring sees it.
struct Talent {
    /// Communities per (market, category).
    communities: HashMap<(usize, usize), usize>,
    /// Creators by (market, niche): reach.
    by_niche: HashMap<(usize, usize), Pool>,
    /// Creators of a community by niche: (market, niche, circle).
    by_community_niche: HashMap<(usize, usize, usize), Pool>,
    /// Creators of a community in any niche of its category.
    by_community: HashMap<Community, Pool>,
    by_market: Vec<Vec<usize>>,
    /// Creators hired by brands of a community, once per hire (so a uniform draw follows
    /// how often each was hired there).
    rosters: HashMap<Community, Vec<usize>>,
}

impl Talent {
    fn new(rng: &mut StdRng, creators: &[Creator], taxonomy: &Taxonomy) -> Self {
        let category = |n: usize| taxonomy.niches[n].category;
        let mut sizes: HashMap<(usize, usize), usize> = HashMap::new();
        for c in creators {
            *sizes
                .entry((c.market, category(c.niches[0].0)))
                .or_default() += 1;
        }
        let communities: HashMap<(usize, usize), usize> = sizes
            .into_iter()
            .map(|(k, n)| {
                (
                    k,
                    ((n as f64 / CREATORS_PER_COMMUNITY).round() as usize).max(1),
                )
            })
            .collect();
        let mut by_niche: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut by_community_niche: HashMap<(usize, usize, usize), Vec<usize>> = HashMap::new();
        let mut by_community: HashMap<Community, Vec<usize>> = HashMap::new();
        let mut by_market = vec![Vec::new(); MARKETS.len()];
        for (i, c) in creators.iter().enumerate() {
            let home = category(c.niches[0].0);
            let circle = rng.random_range(0..communities[&(c.market, home)]);
            by_market[c.market].push(i);
            by_community
                .entry((c.market, home, circle))
                .or_default()
                .push(i);
            for &(n, _) in &c.niches {
                by_niche.entry((c.market, n)).or_default().push(i);
                if category(n) == home {
                    by_community_niche
                        .entry((c.market, n, circle))
                        .or_default()
                        .push(i);
                }
            }
        }
        Self {
            communities,
            by_niche: pools(by_niche, creators),
            by_community_niche: pools(by_community_niche, creators),
            by_community: pools(by_community, creators),
            by_market,
            rosters: HashMap::new(),
        }
    }

    /// The community of a brand with circle draw `circle` (in [0, 1)) in a market and category.
    fn community(&self, market: usize, category: usize, circle: f64) -> Community {
        let count = self
            .communities
            .get(&(market, category))
            .copied()
            .unwrap_or(1);
        (
            market,
            category,
            ((circle * count as f64) as usize).min(count - 1),
        )
    }

    /// One creator from `source` for a hire in `niche` by a brand of `community`, falling back
    /// down the sources while one has nobody to offer.
    fn draw(
        &self,
        rng: &mut StdRng,
        source: usize,
        community: Community,
        niche: usize,
    ) -> Option<usize> {
        let (market, _, circle) = community;
        SOURCES[source..].iter().find_map(|s| match s {
            Source::WordOfMouth => self
                .rosters
                .get(&community)
                .filter(|r| !r.is_empty())
                .map(|r| r[rng.random_range(0..r.len())]),
            Source::Community => self
                .by_community_niche
                .get(&(market, niche, circle))
                .or_else(|| self.by_community.get(&community))
                .and_then(|p| p.pick(rng)),
            Source::Reach => self
                .by_niche
                .get(&(market, niche))
                .and_then(|p| p.pick(rng)),
            Source::Anyone => {
                let all = &self.by_market[market];
                (!all.is_empty()).then(|| all[rng.random_range(0..all.len())])
            }
        })
    }
}

/// Draws a handful of collaborations per brand (heavy-tailed: a few brands run many), in
/// communities as the module documentation describes.
pub(super) fn generate(
    rng: &mut StdRng,
    creators: &[Creator],
    commerce: &Commerce,
    taxonomy: &Taxonomy,
    clock: &Clock,
) -> Collaborations {
    let mut talent = Talent::new(rng, creators, taxonomy);
    let statuses = Weighted::new([0.10, 0.25, 0.55, 0.10]);
    let brands = &commerce.brands;
    let wanted: Vec<usize> = brands
        .iter()
        .map(|_| lognormal(rng, 6.0, 0.8).round().clamp(1.0, 80.0) as usize)
        .collect();
    let circles: Vec<f64> = brands.iter().map(|_| rng.random::<f64>()).collect();
    let niche_picks: Vec<Weighted> = brands
        .iter()
        .map(|b| Weighted::new(b.niches.iter().map(|n| n.1)))
        .collect();
    let mut out = Collaborations {
        list: Vec::new(),
        by_creator: HashMap::new(),
        by_pair: HashMap::new(),
    };
    // Completed collaborations of each brand, the candidates for a rehire.
    let mut completed: Vec<Vec<usize>> = vec![Vec::new(); brands.len()];
    let rounds = wanted.iter().copied().max().unwrap_or(0);
    for round in 0..rounds {
        for (b, brand) in brands.iter().enumerate() {
            if wanted[b] <= round {
                continue;
            }
            let slot = rng.random_range(0..brand.markets.len());
            let market = brand.markets[slot];
            let niche = brand.niches[niche_picks[b].pick(rng).unwrap_or(0)].0;
            let community = talent.community(market, taxonomy.niches[niche].category, circles[b]);
            let roll = rng.random::<f64>();
            if roll < REHIRE {
                if let Some(k) = rehire(rng, &mut out, &completed[b], market, creators, clock) {
                    talent
                        .rosters
                        .entry(community)
                        .or_default()
                        .push(out.list[k].creator);
                    if out.list[k].status == Status::Completed {
                        completed[b].push(k);
                    }
                }
                continue;
            }
            let source = match roll - REHIRE {
                x if x < WORD_OF_MOUTH => 0,
                x if x < WORD_OF_MOUTH + IN_COMMUNITY => 1,
                x if x < WORD_OF_MOUTH + IN_COMMUNITY + BY_REACH => 2,
                _ => 3,
            };
            let Some(creator) = (0..ATTEMPTS)
                .filter_map(|_| talent.draw(rng, source, community, niche))
                .find(|&c| !out.by_pair.contains_key(&(b, c)))
            else {
                continue;
            };
            let status = [
                Status::Proposed,
                Status::Active,
                Status::Completed,
                Status::Cancelled,
            ][statuses.pick(rng).unwrap_or(2)];
            let (started_at, ended_at) = timeline(rng, status, clock);
            if status == Status::Completed {
                completed[b].push(out.list.len());
            }
            talent.rosters.entry(community).or_default().push(creator);
            out.push(Collaboration {
                brand: b,
                creator,
                status,
                started_at,
                ended_at,
                shop: brand.shops[slot],
            });
        }
    }
    for (i, c) in out.list.iter().enumerate() {
        out.by_creator.entry(c.creator).or_default().push(i);
    }
    out
}

/// Rehires, in `market`, a creator whose collaboration with the brand completed (one of
/// `completed`, not rehired yet): the new one starts a few weeks after the previous ended and
/// is completed if it has had time to run its course, else active. `None` if there is no such
/// creator or the new start would be in the future. Returns the new collaboration's index.
fn rehire(
    rng: &mut StdRng,
    out: &mut Collaborations,
    completed: &[usize],
    market: usize,
    creators: &[Creator],
    clock: &Clock,
) -> Option<usize> {
    let latest = |k: usize| {
        let c = &out.list[k];
        out.by_pair[&(c.brand, c.creator)].last() == Some(&k)
    };
    let candidates: Vec<usize> = completed
        .iter()
        .copied()
        .filter(|&k| creators[out.list[k].creator].market == market && latest(k))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let previous = &out.list[candidates[rng.random_range(0..candidates.len())]];
    let start = Clock::plus_days(previous.ended_at?, 3.0 + exponential(rng, 30.0));
    if start >= clock.now {
        return None;
    }
    let end = Clock::plus_days(start, rng.random_range(14.0..84.0));
    let (status, ended_at) = if end <= clock.now {
        (Status::Completed, Some(end))
    } else {
        (Status::Active, None)
    };
    let next = Collaboration {
        brand: previous.brand,
        creator: previous.creator,
        status,
        started_at: start,
        ended_at,
        shop: previous.shop,
    };
    out.push(next);
    Some(out.list.len() - 1)
}

/// Start and end by status: proposals are recent, active ones started within 4 months,
/// completed ones ran 2-12 weeks, cancelled ones stopped within 3 weeks.
fn timeline(
    rng: &mut StdRng,
    status: Status,
    clock: &Clock,
) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let now = clock.now;
    match status {
        Status::Proposed => (Clock::plus_days(now, -rng.random_range(0.5..30.0)), None),
        Status::Active => (Clock::plus_days(now, -rng.random_range(3.0..120.0)), None),
        Status::Completed => {
            let start = Clock::plus_days(now, -rng.random_range(20.0..365.0));
            (
                start,
                Some(Clock::plus_days(start, rng.random_range(14.0..84.0)).min(now)),
            )
        }
        Status::Cancelled => {
            let start = Clock::plus_days(now, -rng.random_range(5.0..365.0));
            (
                start,
                Some(Clock::plus_days(start, rng.random_range(1.0..21.0)).min(now)),
            )
        }
    }
}

/// Writes the collaborations with the GMV their orders brought (`gmv[i]` for the i-th).
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    collaborations: &Collaborations,
    creators: &[Creator],
    gmv: &[i64],
) -> Result<u64, DbErr> {
    const COLUMNS: &[&str] = &[
        "id",
        "external_id",
        "brand_id",
        "creator_id",
        "status",
        "started_at",
        "ended_at",
        "gmv_minor",
        "currency",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(
        sink,
        "collaboration",
        COLUMNS,
        collaborations.list.len() as u64,
    );
    for (i, c) in collaborations.list.iter().enumerate() {
        let id = i as i64 + 1;
        rows.push([
            id.into(),
            format!("co-{id:06}").into(),
            (c.brand as i64 + 1).into(),
            (c.creator as i64 + 1).into(),
            c.status.as_str().into(),
            c.started_at.into(),
            c.ended_at.into(),
            gmv.get(i).copied().unwrap_or(0).into(),
            MARKETS[creators[c.creator].market].currency.into(),
            c.started_at.into(),
            c.ended_at.unwrap_or(c.started_at).into(),
        ])
        .await?;
    }
    rows.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{commerce, creators};
    use chrono::TimeZone;
    use rand::SeedableRng;
    use std::collections::HashSet;

    fn world() -> (Vec<Creator>, Commerce, Taxonomy, Clock) {
        let clock = Clock::new(Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap());
        let taxonomy = Taxonomy::new();
        let creators = creators::generate(&mut StdRng::seed_from_u64(1), 3_000, &taxonomy, &clock);
        let commerce =
            commerce::generate(&mut StdRng::seed_from_u64(2), 150, 300, &taxonomy, &clock);
        (creators, commerce, taxonomy, clock)
    }

    #[test]
    fn hires_cluster_in_communities_and_pairs_repeat_in_sequence() {
        let (creators, commerce, taxonomy, clock) = world();
        let draw = || {
            generate(
                &mut StdRng::seed_from_u64(3),
                &creators,
                &commerce,
                &taxonomy,
                &clock,
            )
        };
        let out = draw();
        let again = draw();
        let key = |c: &Collaboration| (c.brand, c.creator, c.started_at, c.status);
        assert!(out.list.iter().map(key).eq(again.list.iter().map(key)));

        for c in &out.list {
            let creator = &creators[c.creator];
            let brand = &commerce.brands[c.brand];
            assert!(
                brand.markets.contains(&creator.market),
                "outside the brand's markets"
            );
            assert_eq!(commerce.shops[c.shop].market, creator.market);
        }
        // A pair's collaborations follow one another: at most one covers any instant.
        let mut repeated = 0;
        for list in out.by_pair.values() {
            repeated += usize::from(list.len() > 1);
            for pair in list.windows(2) {
                let (a, b) = (&out.list[pair[0]], &out.list[pair[1]]);
                assert_eq!(a.status, Status::Completed);
                assert!(a.ended_at.is_some_and(|end| end < b.started_at));
            }
        }
        assert!(repeated > 0, "no brand ever rehired a creator");

        // Word of mouth: many creators work for several brands, far more than if every hire
        // were an independent draw by reach (then a creator's brands would rarely repeat).
        let mut brands_of: HashMap<usize, HashSet<usize>> = HashMap::new();
        for c in &out.list {
            brands_of.entry(c.creator).or_default().insert(c.brand);
        }
        let shared = brands_of.values().filter(|b| b.len() >= 3).count();
        assert!(
            shared * 10 >= brands_of.len(),
            "{shared} of {} hired creators work for 3+ brands",
            brands_of.len()
        );
    }
}
