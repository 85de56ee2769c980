//! Brands (markets, 1-4 niches mostly in one category), their shops (one per market) plus
//! independent shops, and each shop's products in its niches at local prices.

use super::markets::MARKETS;
use super::names::{BRAND_HEADS, BRAND_TAILS, FIRST_NAMES, SHOP_WORDS, VARIANTS, pick};
use super::quality::Quality;
use super::sample::{Clock, Weighted, chance, exponential, lognormal, quota};
use super::taxonomy::{CATEGORIES, Taxonomy};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashSet;

/// A brand as generated.
#[derive(Debug)]
pub(super) struct Brand {
    pub name: String,
    pub markets: Vec<usize>,
    /// (niche index, weight), normalised weights (rounded to 3 decimals).
    pub niches: Vec<(usize, f64)>,
    pub created_at: DateTime<Utc>,
    /// Its shop per market, parallel to `markets`.
    pub shops: Vec<usize>,
}

/// A shop as generated.
#[derive(Debug)]
pub(super) struct Shop {
    pub market: usize,
    pub brand: Option<usize>,
    pub name: String,
    pub opened_at: DateTime<Utc>,
    pub quality: Quality,
    /// A tiny shop: a handful of products and orders.
    pub tiny: bool,
    /// Relative demand.
    pub popularity: f64,
    /// Its products (indices into `Commerce::products`).
    pub products: Vec<usize>,
}

/// A product listing as generated.
#[derive(Debug)]
pub(super) struct Product {
    pub shop: usize,
    pub niche: usize,
    pub title: String,
    pub price_minor: i64,
    pub created_at: DateTime<Utc>,
    /// Relative demand within the marketplace.
    pub popularity: f64,
}

/// The supply side of the marketplace.
#[derive(Debug)]
pub(super) struct Commerce {
    pub brands: Vec<Brand>,
    pub shops: Vec<Shop>,
    pub products: Vec<Product>,
}

/// Brands (and, with independents, one more shop) every market gets whatever the scale.
const MIN_PER_MARKET: usize = 2;
/// Share of tiny shops among all shops.
const TINY_SHARE: f64 = 0.08;

/// Generates `brands` brands and about `shops` shops (one per brand market, the rest
/// independent), with their products.
pub(super) fn generate(
    rng: &mut StdRng,
    brands: usize,
    shops: usize,
    taxonomy: &Taxonomy,
    clock: &Clock,
) -> Commerce {
    let sizes = Weighted::new(MARKETS.iter().map(|m| m.size));
    let popularity: Vec<Weighted> = (0..MARKETS.len())
        .map(|m| Weighted::new(taxonomy.popularity(m)))
        .collect();
    let mut names = HashSet::new();
    let mut brand_list: Vec<Brand> = (0..brands)
        .map(|b| {
            let market_count = match rng.random::<f64>() {
                x if x < 0.55 => 1,
                x if x < 0.80 => 2,
                x if x < 0.92 => 3,
                _ => 4,
            };
            // The first brands are spread over the markets so each has a few at any scale.
            let mut markets = if b < MIN_PER_MARKET * MARKETS.len() {
                vec![b % MARKETS.len()]
            } else {
                Vec::new()
            };
            while markets.len() < market_count {
                let m = sizes.pick(rng).unwrap_or(0);
                if !markets.contains(&m) {
                    markets.push(m);
                }
            }
            let niches = brand_niches(rng, taxonomy, &popularity[markets[0]]);
            let created_at = Clock::plus_days(clock.now, -rng.random_range(400.0..2_200.0));
            Brand {
                name: brand_name(rng, &mut names),
                markets,
                niches,
                created_at,
                shops: Vec::new(),
            }
        })
        .collect();

    let brand_shops: usize = brand_list.iter().map(|b| b.markets.len()).sum();
    let independent = shops
        .saturating_sub(brand_shops)
        .max(shops / 8)
        .max(MARKETS.len());
    let total = brand_shops + independent;
    // Quality levels plus a tiny class, in exact shares so each exists at any scale.
    let mut shares = Quality::SHARES.map(|s| s * (1.0 - TINY_SHARE)).to_vec();
    shares.push(TINY_SHARE);
    let classes = quota(rng, total, &shares, 1);

    let mut shop_list = Vec::with_capacity(total);
    for (b, brand) in brand_list.iter_mut().enumerate() {
        for &market in &brand.markets {
            let class = classes[shop_list.len()];
            let opened = Clock::uniform(
                rng,
                brand
                    .created_at
                    .max(Clock::plus_days(clock.now, -3.0 * 365.0)),
                clock.now,
            );
            let name = format!("{} {} Official", brand.name, MARKETS[market].name);
            brand.shops.push(shop_list.len());
            shop_list.push(new_shop(rng, market, Some(b), name, opened, class));
        }
    }
    let mut per_market = vec![0; MARKETS.len()];
    for shop in &shop_list {
        per_market[shop.market] += 1;
    }
    for _ in 0..independent {
        let class = classes[shop_list.len()];
        // Markets short of shops first, then by size.
        let market = match (0..MARKETS.len()).find(|&m| per_market[m] < MIN_PER_MARKET + 1) {
            Some(m) => m,
            None => sizes.pick(rng).unwrap_or(0),
        };
        per_market[market] += 1;
        let opened = Clock::uniform(rng, Clock::plus_days(clock.now, -3.0 * 365.0), clock.now);
        let name = format!(
            "{}'s {}",
            pick(rng, FIRST_NAMES[market]),
            pick(rng, SHOP_WORDS)
        );
        shop_list.push(new_shop(rng, market, None, name, opened, class));
    }

    let mut products = Vec::new();
    for (s, shop) in shop_list.iter_mut().enumerate() {
        let niches = match shop.brand {
            Some(b) => brand_list[b].niches.clone(),
            None => brand_niches(rng, taxonomy, &popularity[shop.market])
                .into_iter()
                .take(2)
                .collect(),
        };
        let niche_pick = Weighted::new(niches.iter().map(|n| n.1));
        let label = shop
            .brand
            .map_or_else(|| shop.name.clone(), |b| brand_list[b].name.clone());
        let count = if shop.tiny {
            rng.random_range(1..=3)
        } else {
            lognormal(rng, 12.0, 0.7).clamp(3.0, 150.0) as usize
        };
        for _ in 0..count {
            let niche = niches[niche_pick.pick(rng).unwrap_or(0)].0;
            shop.products.push(products.len());
            products.push(new_product(rng, s, shop, niche, &label, taxonomy, clock));
        }
    }
    Commerce {
        brands: brand_list,
        shops: shop_list,
        products,
    }
}

/// A shop of the given class (0..4 are quality levels, 4 is tiny with a random level).
fn new_shop(
    rng: &mut StdRng,
    market: usize,
    brand: Option<usize>,
    name: String,
    opened_at: DateTime<Utc>,
    class: usize,
) -> Shop {
    let tiny = class >= Quality::ALL.len();
    let quality = if tiny {
        Quality::ALL[rng.random_range(0..Quality::ALL.len())]
    } else {
        Quality::ALL[class]
    };
    let popularity = if tiny {
        0.02
    } else {
        lognormal(rng, 1.0, 0.9) * quality.profile().appeal
    };
    Shop {
        market,
        brand,
        name,
        opened_at,
        quality,
        tiny,
        popularity,
        products: Vec::new(),
    }
}

fn new_product(
    rng: &mut StdRng,
    shop_index: usize,
    shop: &Shop,
    niche: usize,
    label: &str,
    taxonomy: &Taxonomy,
    clock: &Clock,
) -> Product {
    let n = &taxonomy.niches[niche];
    let item = pick(rng, &n.leaf.items);
    let title = format!("{label} {item} - {}", pick(rng, VARIANTS));
    let usd = n.leaf.usd * lognormal(rng, 1.0, 0.45);
    let price_minor = MARKETS[shop.market].shelf_price_minor(usd, CATEGORIES[n.category].class);
    // Most of a shop's range is listed in its first months.
    let created_at = Clock::plus_days(shop.opened_at, exponential(rng, 60.0))
        .min(Clock::plus_days(clock.now, -1.0));
    Product {
        shop: shop_index,
        niche,
        title,
        price_minor,
        created_at: created_at.max(shop.opened_at),
        popularity: shop.popularity * lognormal(rng, 1.0, 0.8),
    }
}

/// 1-4 niches, mostly in the category of the first, with normalised weights.
fn brand_niches(rng: &mut StdRng, taxonomy: &Taxonomy, popularity: &Weighted) -> Vec<(usize, f64)> {
    let primary = popularity.pick(rng).unwrap_or(0);
    let siblings = &taxonomy.by_category[taxonomy.niches[primary].category];
    let count = rng.random_range(1..=4);
    let mut niches = vec![primary];
    for _ in 1..count {
        let n = if chance(rng, 0.85) {
            siblings[rng.random_range(0..siblings.len())]
        } else {
            popularity.pick(rng).unwrap_or(primary)
        };
        if !niches.contains(&n) {
            niches.push(n);
        }
    }
    let weights: Vec<f64> = (0..niches.len())
        .map(|i| {
            if i == 0 {
                2.0
            } else {
                rng.random_range(0.3..1.0)
            }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    niches
        .into_iter()
        .zip(weights)
        .map(|(n, w)| (n, (w / sum * 1_000.0).round() / 1_000.0))
        .collect()
}

/// A unique brand name such as "Lumi Botanics"; a roman numeral settles rare clashes.
fn brand_name(rng: &mut StdRng, taken: &mut HashSet<String>) -> String {
    let base = format!("{} {}", pick(rng, BRAND_HEADS), pick(rng, BRAND_TAILS));
    let mut name = base.clone();
    let mut n = 1;
    while !taken.insert(name.clone()) {
        n += 1;
        name = format!("{base} {n}");
    }
    name
}

/// Writes brands, their markets and niches, shops and products, returning the row counts in
/// that order.
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    commerce: &Commerce,
    taxonomy: &Taxonomy,
    now: DateTime<Utc>,
) -> Result<[u64; 5], DbErr> {
    let Commerce {
        brands,
        shops,
        products,
    } = commerce;
    let mut rows = Inserter::new(
        sink,
        "brand",
        &["id", "external_id", "name", "created_at", "updated_at"],
        brands.len() as u64,
    );
    for (i, b) in brands.iter().enumerate() {
        let id = i as i64 + 1;
        rows.push([
            id.into(),
            format!("br-{id:04}").into(),
            b.name.as_str().into(),
            b.created_at.into(),
            now.into(),
        ])
        .await?;
    }
    let brand_rows = rows.finish().await?;

    let total = brands.iter().map(|b| b.markets.len() as u64).sum();
    let mut rows = Inserter::new(sink, "brand_market", &["brand_id", "market_code"], total);
    for (i, b) in brands.iter().enumerate() {
        for &m in &b.markets {
            rows.push([(i as i64 + 1).into(), MARKETS[m].code.into()])
                .await?;
        }
    }
    let market_rows = rows.finish().await?;

    let total = brands.iter().map(|b| b.niches.len() as u64).sum();
    let mut rows = Inserter::new(
        sink,
        "brand_niche",
        &["brand_id", "niche_id", "weight"],
        total,
    );
    for (i, b) in brands.iter().enumerate() {
        for &(n, w) in &b.niches {
            rows.push([
                (i as i64 + 1).into(),
                taxonomy.niches[n].id.into(),
                w.into(),
            ])
            .await?;
        }
    }
    let niche_rows = rows.finish().await?;

    const SHOP: &[&str] = &[
        "id",
        "external_id",
        "market_code",
        "brand_id",
        "name",
        "opened_at",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "shop", SHOP, shops.len() as u64);
    for (i, s) in shops.iter().enumerate() {
        let id = i as i64 + 1;
        rows.push([
            id.into(),
            format!("sh-{id:05}").into(),
            MARKETS[s.market].code.into(),
            s.brand.map(|b| b as i64 + 1).into(),
            s.name.as_str().into(),
            s.opened_at.into(),
            s.opened_at.into(),
            now.into(),
        ])
        .await?;
    }
    let shop_rows = rows.finish().await?;

    const PRODUCT: &[&str] = &[
        "id",
        "external_id",
        "shop_id",
        "niche_id",
        "title",
        "price_minor",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "product", PRODUCT, products.len() as u64);
    for (i, p) in products.iter().enumerate() {
        let id = i as i64 + 1;
        rows.push([
            id.into(),
            format!("pr-{id:06}").into(),
            (p.shop as i64 + 1).into(),
            taxonomy.niches[p.niche].id.into(),
            p.title.as_str().into(),
            p.price_minor.into(),
            p.created_at.into(),
            p.created_at.into(),
        ])
        .await?;
    }
    Ok([
        brand_rows,
        market_rows,
        niche_rows,
        shop_rows,
        rows.finish().await?,
    ])
}
