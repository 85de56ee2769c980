//! A year of videos and live streams: engagement that varies with the creator's quality and the
//! niche and stays consistent (likes <= views <= impressions, completions <= views), linked to
//! products of the creator's market and niche (or of a brand they collaborate with), with the
//! number of orders each one will bring.

use super::collaborations::Collaborations;
use super::commerce::Commerce;
use super::creators::Creator;
use super::markets::MARKETS;
use super::names::{LIVE_TITLES, TITLES};
use super::sample::{Clock, Weighted, allocate, chance, lognormal, normal, sigmoid};
use super::taxonomy::{CATEGORIES, Taxonomy};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Conversion of strongly useful, weakly useful and not useful content, relative to average:
/// tutorials convert 3.2x.
const GRADE_CONVERSION: [f64; 3] = [3.2, 1.0, 0.35];
const GRADES: [&str; 3] = ["strongly_useful", "weakly_useful", "not_useful"];

/// The live-only figures of a stream.
#[derive(Debug)]
pub(super) struct Live {
    pub duration_seconds: i64,
    pub avg_viewers: f64,
    pub peak_viewers: i64,
}

/// One piece of content as generated.
#[derive(Debug)]
pub(super) struct Content {
    pub creator: usize,
    pub niche: usize,
    /// 0 strongly useful, 1 weakly useful, 2 not useful.
    pub grade: usize,
    /// Title template and typical-item indices.
    title: (u8, u8),
    pub published_at: DateTime<Utc>,
    pub impressions: i64,
    pub views: i64,
    pub completions: i64,
    pub avg_watch_seconds: f64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub live: Option<Live>,
    /// Linked products (indices into `Commerce::products`).
    pub products: Vec<usize>,
    /// Orders this piece brings (generated later, in the orders stage).
    pub orders: u32,
}

/// Products by (market, niche) and by (market, category), weighted by demand.
struct Pools {
    by_niche: HashMap<(usize, usize), (Vec<usize>, Weighted)>,
    by_category: HashMap<(usize, usize), (Vec<usize>, Weighted)>,
}

impl Pools {
    fn new(commerce: &Commerce, taxonomy: &Taxonomy) -> Self {
        let mut by_niche: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut by_category: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (i, p) in commerce.products.iter().enumerate() {
            let market = commerce.shops[p.shop].market;
            by_niche.entry((market, p.niche)).or_default().push(i);
            by_category
                .entry((market, taxonomy.niches[p.niche].category))
                .or_default()
                .push(i);
        }
        let weigh = |m: HashMap<(usize, usize), Vec<usize>>| {
            m.into_iter()
                .map(|(k, v)| {
                    let w = Weighted::new(v.iter().map(|&i| commerce.products[i].popularity));
                    (k, (v, w))
                })
                .collect()
        };
        Self {
            by_niche: weigh(by_niche),
            by_category: weigh(by_category),
        }
    }

    /// A product listed by `t` in the niche (else its category) of the market.
    fn pick(
        &self,
        rng: &mut StdRng,
        commerce: &Commerce,
        market: usize,
        niche: usize,
        category: usize,
        t: DateTime<Utc>,
    ) -> Option<usize> {
        for pool in [
            self.by_niche.get(&(market, niche)),
            self.by_category.get(&(market, category)),
        ]
        .into_iter()
        .flatten()
        {
            for _ in 0..6 {
                let i = pool.0[pool.1.pick(rng)?];
                if commerce.products[i].created_at <= t {
                    return Some(i);
                }
            }
        }
        None
    }
}

/// Everything content generation reads.
pub(super) struct World<'a> {
    pub creators: &'a [Creator],
    pub commerce: &'a Commerce,
    pub collaborations: &'a Collaborations,
    pub taxonomy: &'a Taxonomy,
    pub clock: &'a Clock,
}

/// About `target` pieces of content over the year (every capable creator posts at least once),
/// in publication order, with about `orders` attributed orders spread over them.
pub(super) fn generate(
    rng: &mut StdRng,
    world: &World<'_>,
    target: f64,
    orders: f64,
) -> Vec<Content> {
    let activity: Vec<f64> = world.creators.iter().map(|c| c.activity).collect();
    let counts = allocate(rng, target, &activity);
    let pools = Pools::new(world.commerce, world.taxonomy);
    let mut content = Vec::with_capacity(target as usize + world.creators.len());
    for (i, creator) in world.creators.iter().enumerate() {
        let count = if creator.capable {
            counts[i].max(1)
        } else {
            counts[i]
        };
        let niche_pick = Weighted::new(creator.niches.iter().map(|n| n.1));
        for _ in 0..count {
            let niche = creator.niches[niche_pick.pick(rng).unwrap_or(0)].0;
            let mut piece = draw(rng, world, i, niche);
            if creator.capable {
                piece.products = link_products(rng, world, &pools, i, &piece);
            }
            content.push(piece);
        }
    }
    content.sort_by_key(|c| c.published_at);
    let weights: Vec<f64> = content.iter().map(|c| order_weight(world, c)).collect();
    for (c, n) in content.iter_mut().zip(allocate(rng, orders, &weights)) {
        c.orders = n;
    }
    content
}

/// How many orders a piece draws relative to others: reach (damped), grade, the creator's
/// selling skill, cheaper products selling more, and live streams selling hard.
fn order_weight(world: &World<'_>, c: &Content) -> f64 {
    if c.products.is_empty() {
        return 0.0;
    }
    let usd: f64 = c
        .products
        .iter()
        .map(|&p| {
            world.taxonomy.niches[world.commerce.products[p].niche]
                .leaf
                .usd
        })
        .sum::<f64>()
        / c.products.len() as f64;
    let skill = (0.3 * world.creators[c.creator].quality).exp();
    let live = if c.live.is_some() { 3.0 } else { 1.0 };
    (c.views.max(1) as f64).powf(0.75) * GRADE_CONVERSION[c.grade] * skill * live
        / (usd / 25.0).sqrt()
}

/// One piece with its metrics, before products are linked.
fn draw(rng: &mut StdRng, world: &World<'_>, creator_index: usize, niche: usize) -> Content {
    let creator = &world.creators[creator_index];
    let clock = world.clock;
    let published_at = clock.activity(
        rng,
        creator.created_at.max(clock.start),
        clock.now - TimeDelta::hours(1),
        MARKETS[creator.market].utc_offset_hours,
    );
    let q = creator.quality;
    let tilt = (0.3 * q).exp();
    let grade_weights = if creator.capable {
        [0.25 * tilt, 0.5, 0.25 / tilt]
    } else {
        [0.12 * tilt, 0.33, 0.55 / tilt]
    };
    let grade = Weighted::new(grade_weights).pick(rng).unwrap_or(1);
    let is_live = chance(rng, if creator.capable { 0.12 } else { 0.03 });
    // The piece's own quality: the creator's plus luck.
    let cq = 0.6 * q + 0.8 * normal(rng);
    let engagement = CATEGORIES[world.taxonomy.niches[niche].category].engagement;
    let initial = 100.0 + 400.0 * creator.account_weight;
    let followers = creator.followers as f64;
    let view_rate = sigmoid(0.2 + 0.4 * cq + 0.2 * normal(rng)).clamp(0.2, 0.9);
    let title = (rng.random_range(0..6u8), rng.random_range(0..3u8));

    let (impressions, completion_rate, avg_watch, live) = if is_live {
        let duration = lognormal(rng, 5_400.0, 0.4).clamp(1_200.0, 14_400.0);
        let impressions = initial + followers * lognormal(rng, 0.08, 0.8) * (0.3 * cq).exp();
        let avg_watch = (lognormal(rng, 240.0, 0.6) * (0.3 * cq).exp()).min(duration);
        let viewers = impressions * view_rate * avg_watch / duration;
        let peak = (viewers * rng.random_range(1.6..3.5))
            .ceil()
            .min((impressions * view_rate).floor());
        let live = Live {
            duration_seconds: duration as i64,
            avg_viewers: (viewers * 10.0).round() / 10.0,
            peak_viewers: peak.max(viewers.ceil()) as i64,
        };
        (
            impressions,
            rng.random_range(0.02..0.1),
            avg_watch,
            Some(live),
        )
    } else {
        let length = lognormal(rng, [75.0, 35.0, 18.0][grade], 0.5).clamp(6.0, 600.0);
        let watched = 0.95 * sigmoid(-0.3 + 0.5 * cq + [-0.2, 0.0, 0.3][grade]);
        let mut impressions = initial + followers * lognormal(rng, 0.18, 0.9) * (0.45 * cq).exp();
        if chance(rng, 0.01 * cq.exp()) {
            // Pushed into the big traffic pools.
            impressions *= rng.random_range(5.0..20.0);
        }
        (
            impressions,
            watched.powf(1.6).clamp(0.01, 0.95),
            length * watched,
            None,
        )
    };
    let impressions = impressions.min(50_000_000.0).floor();
    let views = (impressions * view_rate).floor();
    let rate = |rng: &mut StdRng, base: f64, cap: f64| {
        (base * engagement * (0.4 * cq + 0.3 * normal(rng)).exp()).clamp(0.0001, cap)
    };
    let like_rate = rate(rng, 0.045, 0.35);
    let comment_rate = rate(
        rng,
        if is_live {
            0.02
        } else {
            [0.005, 0.0035, 0.003][grade]
        },
        0.05,
    );
    let share_rate = rate(rng, [0.0045, 0.0025, 0.003][grade], 0.05);
    Content {
        creator: creator_index,
        niche,
        grade,
        title,
        published_at,
        impressions: impressions as i64,
        views: views as i64,
        completions: (views * completion_rate).floor() as i64,
        avg_watch_seconds: (avg_watch * 10.0).round() / 10.0,
        likes: (views * like_rate).floor() as i64,
        comments: (views * comment_rate).floor() as i64,
        shares: (views * share_rate).floor() as i64,
        live,
        products: Vec::new(),
        orders: 0,
    }
}

/// The products a capable creator's piece promotes: none for most pure entertainment, one to
/// three for a video, two to six for a live stream; from a brand the creator is collaborating
/// with at the time when there is one, else the best sellers of the market and niche.
fn link_products(
    rng: &mut StdRng,
    world: &World<'_>,
    pools: &Pools,
    creator_index: usize,
    piece: &Content,
) -> Vec<usize> {
    let creator = &world.creators[creator_index];
    let t = piece.published_at;
    let count = match (&piece.live, piece.grade) {
        (Some(_), _) => rng.random_range(2..=6),
        (None, 2) if !chance(rng, 0.35) => 0,
        _ => match rng.random::<f64>() {
            x if x < 0.70 => 1,
            x if x < 0.92 => 2,
            _ => 3,
        },
    };
    let collaboration = world
        .collaborations
        .by_creator
        .get(&creator_index)
        .and_then(|list| {
            let covering: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&k| world.collaborations.list[k].covers(t))
                .collect();
            (!covering.is_empty()).then(|| covering[rng.random_range(0..covering.len())])
        });
    let category = world.taxonomy.niches[piece.niche].category;
    let mut products = Vec::with_capacity(count);
    for _ in 0..count {
        let sponsored = collaboration.filter(|_| chance(rng, 0.65)).and_then(|k| {
            let shop = &world.commerce.shops[world.collaborations.list[k].shop];
            let listed: Vec<usize> = shop
                .products
                .iter()
                .copied()
                .filter(|&p| world.commerce.products[p].created_at <= t)
                .collect();
            let in_niche: Vec<usize> = listed
                .iter()
                .copied()
                .filter(|&p| world.commerce.products[p].niche == piece.niche)
                .collect();
            let from = if in_niche.is_empty() {
                &listed
            } else {
                &in_niche
            };
            (!from.is_empty()).then(|| from[rng.random_range(0..from.len())])
        });
        let product = sponsored.or_else(|| {
            pools.pick(
                rng,
                world.commerce,
                creator.market,
                piece.niche,
                category,
                t,
            )
        });
        if let Some(p) = product.filter(|p| !products.contains(p)) {
            products.push(p);
        }
    }
    products
}

/// Writes content (ids in publication order) and its product links; returns both row counts.
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    content: &[Content],
    taxonomy: &Taxonomy,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    const COLUMNS: &[&str] = &[
        "id",
        "external_id",
        "creator_id",
        "kind",
        "niche_id",
        "title",
        "value_grade",
        "published_at",
        "impressions",
        "views",
        "completions",
        "avg_watch_seconds",
        "likes",
        "comments",
        "shares",
        "live_duration_seconds",
        "live_avg_viewers",
        "live_peak_viewers",
        "live_orders",
        "metrics_at",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "content", COLUMNS, content.len() as u64);
    for (i, c) in content.iter().enumerate() {
        let id = i as i64 + 1;
        let niche = &taxonomy.niches[c.niche];
        let title = match &c.live {
            Some(_) => {
                LIVE_TITLES[c.title.0 as usize % LIVE_TITLES.len()].replace("{n}", niche.leaf.name)
            }
            None => TITLES[c.grade][c.title.0 as usize % TITLES[c.grade].len()]
                .replace("{n}", niche.leaf.name)
                .replace("{i}", niche.leaf.items[c.title.1 as usize % 3]),
        };
        // Metrics settle within a month; recent pieces were measured today.
        let metrics_at = (c.published_at + TimeDelta::days(30)).min(now);
        rows.push([
            id.into(),
            format!("ct-{id:07}").into(),
            (c.creator as i64 + 1).into(),
            (if c.live.is_some() { "live" } else { "video" }).into(),
            niche.id.into(),
            title.into(),
            GRADES[c.grade].into(),
            c.published_at.into(),
            c.impressions.into(),
            c.views.into(),
            c.completions.into(),
            c.avg_watch_seconds.into(),
            c.likes.into(),
            c.comments.into(),
            c.shares.into(),
            c.live.as_ref().map(|l| l.duration_seconds).into(),
            c.live.as_ref().map(|l| l.avg_viewers).into(),
            c.live.as_ref().map(|l| l.peak_viewers).into(),
            c.live.as_ref().map(|_| i64::from(c.orders)).into(),
            Some(metrics_at).into(),
            c.published_at.into(),
            metrics_at.into(),
        ])
        .await?;
    }
    let written = rows.finish().await?;

    let links = content.iter().map(|c| c.products.len() as u64).sum();
    let mut rows = Inserter::new(
        sink,
        "content_product",
        &["content_id", "product_id"],
        links,
    );
    for (i, c) in content.iter().enumerate() {
        for &p in &c.products {
            rows.push([(i as i64 + 1).into(), (p as i64 + 1).into()])
                .await?;
        }
    }
    Ok((written, rows.finish().await?))
}
