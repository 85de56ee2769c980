//! Brand-creator collaborations: mostly with creators of the brand's niches in its markets,
//! capable creators preferred; their GMV is what the creator's attributed orders of the brand
//! brought in during the collaboration.

use super::commerce::Commerce;
use super::creators::Creator;
use super::markets::MARKETS;
use super::sample::{Clock, Weighted, chance, lognormal};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

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
    pub by_pair: HashMap<(usize, usize), usize>,
}

/// Draws a handful of collaborations per brand (heavy-tailed: a few brands run many).
pub(super) fn generate(
    rng: &mut StdRng,
    creators: &[Creator],
    commerce: &Commerce,
    clock: &Clock,
) -> Collaborations {
    // Candidate creators per (market, niche), weighted towards capable ones and, mildly, size.
    let mut pools: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    let mut by_market: Vec<Vec<usize>> = vec![Vec::new(); MARKETS.len()];
    for (i, c) in creators.iter().enumerate() {
        by_market[c.market].push(i);
        for &(n, _) in &c.niches {
            pools.entry((c.market, n)).or_default().push(i);
        }
    }
    let appeal = |i: usize| {
        let c = &creators[i];
        (if c.capable { 3.0 } else { 1.0 }) * (c.followers as f64).powf(0.25)
    };
    let weights: HashMap<(usize, usize), Weighted> = pools
        .iter()
        .map(|(k, v)| (*k, Weighted::new(v.iter().map(|&i| appeal(i)))))
        .collect();
    let statuses = Weighted::new([0.10, 0.25, 0.55, 0.10]);

    let mut list = Vec::new();
    let mut by_pair = HashMap::new();
    for (b, brand) in commerce.brands.iter().enumerate() {
        let wanted = lognormal(rng, 6.0, 0.8).round().clamp(1.0, 80.0) as usize;
        let niche_pick = Weighted::new(brand.niches.iter().map(|n| n.1));
        for _ in 0..wanted {
            let slot = rng.random_range(0..brand.markets.len());
            let market = brand.markets[slot];
            let niche = brand.niches[niche_pick.pick(rng).unwrap_or(0)].0;
            let creator = match weights.get(&(market, niche)) {
                Some(w) if chance(rng, 0.85) => w.pick(rng).map(|k| pools[&(market, niche)][k]),
                _ if !by_market[market].is_empty() => {
                    Some(by_market[market][rng.random_range(0..by_market[market].len())])
                }
                _ => None,
            };
            let Some(creator) = creator else { continue };
            if by_pair.contains_key(&(b, creator)) {
                continue;
            }
            let status = [
                Status::Proposed,
                Status::Active,
                Status::Completed,
                Status::Cancelled,
            ][statuses.pick(rng).unwrap_or(2)];
            let (started_at, ended_at) = timeline(rng, status, clock);
            by_pair.insert((b, creator), list.len());
            list.push(Collaboration {
                brand: b,
                creator,
                status,
                started_at,
                ended_at,
                shop: brand.shops[slot],
            });
        }
    }
    let mut by_creator: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, c) in list.iter().enumerate() {
        by_creator.entry(c.creator).or_default().push(i);
    }
    Collaborations {
        list,
        by_creator,
        by_pair,
    }
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
