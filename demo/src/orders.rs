//! Orders, generated and written as a stream (a million rows never sit in memory): the orders
//! each piece of content brings, then each shop's own (unattributed) orders, every one with a
//! fulfilment timeline that follows its shop's quality level.

use super::collaborations::Collaborations;
use super::commerce::Commerce;
use super::content::Content;
use super::markets::{MARKETS, Market};
use super::names::{CANCEL_REASONS, RETURN_REASONS};
use super::quality::Profile;
use super::sample::{Clock, Weighted, allocate, chance, lognormal};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr, Value};

/// Share of a video's orders credited to the creator's showcase rather than the video itself.
const SHOWCASE_SHARE: f64 = 0.05;
/// Share of delivered orders that get a first review.
const REVIEW_RATE: f64 = 0.32;
/// Mean hours from a video's publication to an order it brings.
const ORDER_DELAY_HOURS: f64 = 36.0;

/// What the orders stage reports back to the stages after it.
#[derive(Debug)]
pub(super) struct OrderStats {
    pub rows: u64,
    /// Orders per shop.
    pub per_shop: Vec<u64>,
    /// GMV (minor units, not cancelled) each collaboration brought.
    pub collaboration_gmv: Vec<i64>,
}

/// Everything the orders stage reads.
pub(super) struct World<'a> {
    pub commerce: &'a Commerce,
    pub content: &'a [Content],
    pub collaborations: &'a Collaborations,
    pub clock: &'a Clock,
}

/// Each shop's own orders (search, store page): about `target` spread by shop demand, and a
/// handful for every tiny shop.
pub(super) fn plan_direct(rng: &mut StdRng, commerce: &Commerce, target: f64) -> Vec<u32> {
    let weights: Vec<f64> = commerce
        .shops
        .iter()
        .map(|s| {
            if s.tiny {
                0.0
            } else {
                s.popularity * (s.products.len() as f64).sqrt()
            }
        })
        .collect();
    let mut counts = allocate(rng, target, &weights);
    for (count, shop) in counts.iter_mut().zip(&commerce.shops) {
        if shop.tiny {
            *count = rng.random_range(1..=12);
        }
    }
    counts
}

/// One order's fulfilment timeline.
#[derive(Debug, Default)]
struct Timeline {
    shipped_at: Option<DateTime<Utc>>,
    tracking_valid: Option<bool>,
    deliver_by: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    late_fault: Option<&'static str>,
    cancelled_at: Option<DateTime<Utc>>,
    cancel: Option<(&'static str, &'static str)>,
    returned_at: Option<DateTime<Utc>>,
    returned: Option<(&'static str, &'static str)>,
    review_stars: Option<i16>,
    reviewed_at: Option<DateTime<Utc>>,
    logistics_only: bool,
}

impl Timeline {
    /// The last thing that happened to the order.
    fn updated_at(&self, placed: DateTime<Utc>) -> DateTime<Utc> {
        [
            self.shipped_at,
            self.delivered_at,
            self.cancelled_at,
            self.returned_at,
            self.reviewed_at,
        ]
        .into_iter()
        .flatten()
        .fold(placed, DateTime::max)
    }
}

/// A reason with the seller at fault (`seller`) or not, from a (reason, fault) list.
fn reason(
    rng: &mut StdRng,
    list: &[(&'static str, &'static str)],
    seller: bool,
) -> (&'static str, &'static str) {
    let fits = |r: &&(&str, &str)| (r.1 == "seller") == seller;
    let n = list.iter().filter(fits).count().max(1);
    list.iter()
        .filter(fits)
        .nth(rng.random_range(0..n))
        .copied()
        .unwrap_or(list[0])
}

/// Star weights of a review left on a returned order, and of a logistics-only complaint.
const RETURNED_STARS: [f64; 5] = [0.45, 0.25, 0.15, 0.10, 0.05];
const LOGISTICS_STARS: [f64; 5] = [0.35, 0.30, 0.25, 0.07, 0.03];

/// Plays an order placed at `placed` forward to `now`: cancellation, dispatch against the 48 h
/// deadline, tracking, delivery against the promise, returns and a first review. Anything that
/// would happen after `now` has not happened yet.
fn fulfil(
    rng: &mut StdRng,
    placed: DateTime<Utc>,
    shop: &Profile,
    market: &Market,
    now: DateTime<Utc>,
) -> Timeline {
    let mut t = Timeline::default();
    if chance(rng, shop.cancel) {
        let at = Clock::plus_hours(placed, rng.random_range(0.3..40.0));
        if at <= now {
            t.cancelled_at = Some(at);
            let seller = chance(rng, shop.seller_cancel);
            t.cancel = Some(reason(rng, CANCEL_REASONS, seller));
        }
        return t;
    }
    let deliver_by = placed + TimeDelta::days(market.promise_days);
    t.deliver_by = Some(deliver_by);
    let late_ship = chance(rng, shop.late_ship);
    let ship_hours = if late_ship {
        48.0 + rng.random_range(2.0..96.0)
    } else {
        lognormal(rng, shop.ship_hours, 0.5).min(47.5)
    };
    let shipped = Clock::plus_hours(placed, ship_hours);
    if shipped > now {
        return t;
    }
    let tracking = chance(rng, shop.tracking_valid);
    t.shipped_at = Some(shipped);
    t.tracking_valid = Some(tracking);
    let mut transit = lognormal(rng, market.transit_days, 0.35);
    if !tracking {
        transit += rng.random_range(1.0..4.0);
    }
    if chance(rng, 0.04) {
        transit += rng.random_range(2.0..6.0);
    }
    let delivered = Clock::plus_days(shipped, transit);
    if delivered > now {
        return t;
    }
    t.delivered_at = Some(delivered);
    let late = delivered > deliver_by;
    if late {
        t.late_fault = Some(if late_ship || !tracking {
            "seller"
        } else {
            "carrier"
        });
    }
    let mut last = delivered;
    let mut stars = &shop.stars;
    if chance(rng, shop.returns * if late { 1.5 } else { 1.0 }) {
        let at = Clock::plus_days(delivered, rng.random_range(1.0..14.0));
        if at <= now {
            let seller = chance(rng, shop.seller_return);
            t.returned_at = Some(at);
            t.returned = Some(reason(rng, RETURN_REASONS, seller));
            last = at;
            if seller {
                stars = &RETURNED_STARS;
            }
        }
    }
    if chance(
        rng,
        if t.returned_at.is_some() {
            0.5
        } else {
            REVIEW_RATE
        },
    ) {
        let at = Clock::plus_hours(last, rng.random_range(6.0..240.0));
        if at <= now {
            t.logistics_only = late && chance(rng, 0.4);
            if t.logistics_only {
                stars = &LOGISTICS_STARS;
            }
            t.reviewed_at = Some(at);
            t.review_stars = Weighted::new(*stars).pick(rng).map(|i| i as i16 + 1);
        }
    }
    t
}

/// Units per order: mostly one.
const QUANTITY: [f64; 5] = [0.80, 0.14, 0.04, 0.015, 0.005];

/// The order stream's writer and the statistics it keeps.
struct Stream<'a, C> {
    rows: Inserter<'a, C>,
    world: &'a World<'a>,
    quantity: Weighted,
    stats: OrderStats,
}

impl<C: ConnectionTrait> Stream<'_, C> {
    /// Generates, accounts for and writes one order.
    async fn order(
        &mut self,
        rng: &mut StdRng,
        product: usize,
        placed: DateTime<Utc>,
        creator: Option<usize>,
        content: Option<usize>,
    ) -> Result<(), DbErr> {
        let commerce = self.world.commerce;
        let p = &commerce.products[product];
        let shop = &commerce.shops[p.shop];
        let market = &MARKETS[shop.market];
        let quantity = self.quantity.pick(rng).unwrap_or(0) as i64 + 1;
        let amount = p.price_minor * quantity;
        let t = fulfil(
            rng,
            placed,
            shop.quality.profile(),
            market,
            self.world.clock.now,
        );
        self.stats.per_shop[p.shop] += 1;
        if let (Some(c), Some(b), None) = (creator, shop.brand, t.cancelled_at) {
            let collaborations = self.world.collaborations;
            if let Some(k) = collaborations.covering(b, c, placed) {
                self.stats.collaboration_gmv[k] += amount;
            }
        }
        let id = self.stats.rows as i64 + 1;
        self.stats.rows += 1;
        let row: [Value; 27] = [
            id.into(),
            format!("or-{id:07}").into(),
            (p.shop as i64 + 1).into(),
            (product as i64 + 1).into(),
            creator.map(|c| c as i64 + 1).into(),
            content.map(|c| c as i64 + 1).into(),
            (quantity as i32).into(),
            amount.into(),
            market.currency.into(),
            placed.into(),
            (placed + TimeDelta::hours(48)).into(),
            t.shipped_at.into(),
            t.tracking_valid.into(),
            t.deliver_by.into(),
            t.delivered_at.into(),
            t.late_fault.map(str::to_owned).into(),
            t.cancelled_at.into(),
            t.cancel.map(|r| r.0.to_owned()).into(),
            t.cancel.map(|r| r.1.to_owned()).into(),
            t.returned_at.into(),
            t.returned.map(|r| r.0.to_owned()).into(),
            t.returned.map(|r| r.1.to_owned()).into(),
            t.review_stars.into(),
            t.reviewed_at.into(),
            t.logistics_only.into(),
            placed.into(),
            t.updated_at(placed).into(),
        ];
        self.rows.push(row).await
    }
}

const COLUMNS: &[&str] = &[
    "id",
    "external_id",
    "shop_id",
    "product_id",
    "creator_id",
    "content_id",
    "quantity",
    "amount_minor",
    "currency",
    "placed_at",
    "ship_by",
    "shipped_at",
    "tracking_valid",
    "deliver_by",
    "delivered_at",
    "late_fault",
    "cancelled_at",
    "cancel_reason",
    "cancel_fault",
    "returned_at",
    "return_reason",
    "return_fault",
    "review_stars",
    "reviewed_at",
    "review_logistics_only",
    "created_at",
    "updated_at",
];

/// Generates and writes every order: first those content brought (in publication order), then
/// each shop's direct orders (`direct[s]` for shop s).
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    rng: &mut StdRng,
    world: &World<'_>,
    direct: &[u32],
) -> Result<OrderStats, DbErr> {
    let total = world
        .content
        .iter()
        .map(|c| u64::from(c.orders))
        .sum::<u64>()
        + direct.iter().map(|&n| u64::from(n)).sum::<u64>();
    let now = world.clock.now;
    let mut stream = Stream {
        rows: Inserter::new(sink, "orders", COLUMNS, total),
        world,
        quantity: Weighted::new(QUANTITY),
        stats: OrderStats {
            rows: 0,
            per_shop: vec![0; world.commerce.shops.len()],
            collaboration_gmv: vec![0; world.collaborations.list.len()],
        },
    };
    for (i, c) in world.content.iter().enumerate() {
        let window_hours = (now - c.published_at).num_seconds() as f64 / 3_600.0;
        for _ in 0..c.orders {
            let Some(&product) = c.products.get(rng.random_range(0..c.products.len().max(1)))
            else {
                break;
            };
            let (placed, credited) = match &c.live {
                Some(live) => {
                    let at = c.published_at
                        + TimeDelta::seconds(rng.random_range(0..live.duration_seconds.max(1)));
                    (at.min(now), Some(i))
                }
                None => {
                    // Exponential delay truncated to the time since publication.
                    let u: f64 = rng.random();
                    let delay = -ORDER_DELAY_HOURS
                        * (1.0 - u * (1.0 - (-window_hours / ORDER_DELAY_HOURS).exp())).ln();
                    let credited = (!chance(rng, SHOWCASE_SHARE)).then_some(i);
                    (Clock::plus_hours(c.published_at, delay).min(now), credited)
                }
            };
            stream
                .order(rng, product, placed, Some(c.creator), credited)
                .await?;
        }
    }
    for (s, shop) in world.commerce.shops.iter().enumerate() {
        let pick = Weighted::new(
            shop.products
                .iter()
                .map(|&p| world.commerce.products[p].popularity),
        );
        let offset = MARKETS[shop.market].utc_offset_hours;
        for _ in 0..direct.get(s).copied().unwrap_or(0) {
            let Some(k) = pick.pick(rng) else { break };
            let product = shop.products[k];
            let from = world.commerce.products[product]
                .created_at
                .max(world.clock.start);
            let placed = world.clock.activity(rng, from, now, offset);
            stream.order(rng, product, placed, None, None).await?;
        }
    }
    let Stream { rows, stats, .. } = stream;
    rows.finish().await?;
    Ok(stats)
}
