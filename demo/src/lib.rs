//! The demo marketplace seeder behind `flywheel demo`: a deterministic, realistic synthetic
//! content-commerce marketplace shaped by the domain facts (six markets with local prices, a
//! niche taxonomy, a pyramid of creators of whom 32% can sell, brands and their shops, a year
//! of content and about a million orders with their fulfilment, collaborations, moderation and
//! the scout programme), written in bulk in one transaction.
//!
//! Call [`seed`] in a transaction on a migrated, empty database. Generation is in memory and stage by stage,
//! each stage with its own seeded RNG, so the same [`DemoOptions`] always give the same rows;
//! orders are generated and written as a stream.

mod collaborations;
mod commerce;
mod content;
mod creators;
mod markets;
mod moderation;
mod names;
mod options;
mod orders;
mod quality;
mod sample;
mod scouts;
mod taxonomy;
mod writer;

#[cfg(test)]
mod tests;

pub use options::{DemoOptions, DemoOptionsError, DemoSamples, DemoSummary, TableCount};

use rand::SeedableRng;
use rand::rngs::StdRng;
use sample::Clock;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr};
use std::time::Instant;
use taxonomy::{CATEGORIES, Taxonomy};
use writer::{Inserter, Sink};

/// Base counts at scale 1.0.
const CREATORS: f64 = 20_000.0;
const BRANDS: f64 = 1_000.0;
const SHOPS: f64 = 2_000.0;
const CONTENT: f64 = 200_000.0;
const ORDERS: f64 = 1_000_000.0;
/// Share of orders that content brings; the rest are shops' direct orders.
const ATTRIBUTED_SHARE: f64 = 0.88;
/// Page-cache size for the load on SQLite (KiB, as a negative `cache_size`): index pages of a
/// million orders stay in memory instead of being spilled and re-read.
const SQLITE_CACHE_KIB: i64 = 262_144;

/// Tables with an auto-increment id whose sequence must follow the explicit ids on PostgreSQL.
const ID_TABLES: &[&str] = &[
    "niche",
    "creator",
    "brand",
    "shop",
    "product",
    "content",
    "orders",
    "collaboration",
    "violation",
    "scout",
    "pipeline_entry",
    "pipeline_event",
];

/// An independent RNG per generation stage, so changing one stage leaves the others' draws
/// alone.
fn stage_rng(seed: u64, stage: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ stage.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Seeds a demo marketplace into a migrated, empty database (SQLite or PostgreSQL) inside
/// `txn`, which the caller opens (as a write transaction: the seeder only writes) and commits.
/// `progress(stage, done, total)` is called as rows are written, the stage being the table name
/// (or "generate" while the world is drawn in memory).
pub async fn seed(
    txn: &DatabaseTransaction,
    opts: &DemoOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<DemoSummary, DbErr> {
    opts.validate()
        .map_err(|e| DbErr::Custom(format!("invalid demo options: {e}")))?;
    let started = Instant::now();
    let clock = Clock::new(opts.now);
    let taxonomy = Taxonomy::new();
    const STEPS: u64 = 5;

    progress("generate", 0, STEPS);
    let creators = creators::generate(
        &mut stage_rng(opts.seed, 1),
        opts.count(CREATORS, 60),
        &taxonomy,
        &clock,
    );
    progress("generate", 1, STEPS);
    let commerce = commerce::generate(
        &mut stage_rng(opts.seed, 2),
        opts.count(BRANDS, 12),
        opts.count(SHOPS, 18),
        &taxonomy,
        &clock,
    );
    progress("generate", 2, STEPS);
    let collaborations = collaborations::generate(
        &mut stage_rng(opts.seed, 3),
        &creators,
        &commerce,
        &taxonomy,
        &clock,
    );
    progress("generate", 3, STEPS);
    let world = content::World {
        creators: &creators,
        commerce: &commerce,
        collaborations: &collaborations,
        taxonomy: &taxonomy,
        clock: &clock,
    };
    let orders_target = ORDERS * opts.scale;
    let content = content::generate(
        &mut stage_rng(opts.seed, 4),
        &world,
        CONTENT * opts.scale,
        orders_target * ATTRIBUTED_SHARE,
    );
    let direct = orders::plan_direct(
        &mut stage_rng(opts.seed, 5),
        &commerce,
        orders_target * (1.0 - ATTRIBUTED_SHARE),
    );
    progress("generate", 4, STEPS);
    let violations = moderation::generate(
        &mut stage_rng(opts.seed, 6),
        &moderation::World {
            creators: &creators,
            commerce: &commerce,
            content: &content,
            clock: &clock,
        },
    );
    let programme = scouts::generate(&mut stage_rng(opts.seed, 7), &creators, &clock);
    progress("generate", STEPS, STEPS);

    let backend = txn.get_database_backend();
    if backend == DbBackend::Sqlite {
        txn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
            .await?;
    }
    let sink = Sink {
        conn: txn,
        progress,
    };
    let mut tables = Vec::with_capacity(18);
    let mut count = |table: &'static str, rows: u64| tables.push(TableCount { table, rows });

    count("market", write_markets(sink).await?);
    count("niche", write_niches(sink, &taxonomy).await?);
    let (creator_rows, niche_rows) = creators::write(sink, &creators, &taxonomy, clock.now).await?;
    count("creator", creator_rows);
    count("creator_niche", niche_rows);
    let [brand, brand_market, brand_niche, shop, product] =
        commerce::write(sink, &commerce, &taxonomy, clock.now).await?;
    count("brand", brand);
    count("brand_market", brand_market);
    count("brand_niche", brand_niche);
    count("shop", shop);
    count("product", product);
    let (content_rows, link_rows) = content::write(sink, &content, &taxonomy, clock.now).await?;
    count("content", content_rows);
    count("content_product", link_rows);
    let order_world = orders::World {
        commerce: &commerce,
        content: &content,
        collaborations: &collaborations,
        clock: &clock,
    };
    let stats = orders::write(sink, &mut stage_rng(opts.seed, 8), &order_world, &direct).await?;
    count("orders", stats.rows);
    count(
        "collaboration",
        collaborations::write(sink, &collaborations, &creators, &stats.collaboration_gmv).await?,
    );
    count("violation", moderation::write(sink, &violations).await?);
    let [scout, scout_market, entry, event] =
        scouts::write(sink, &programme, &creators, &taxonomy).await?;
    count("scout", scout);
    count("scout_market", scout_market);
    count("pipeline_entry", entry);
    count("pipeline_event", event);

    for table in ID_TABLES {
        writer::reset_sequence(txn, table).await?;
    }
    if backend == DbBackend::Sqlite {
        // Back to SQLite's default so the pooled connection does not keep a large cache.
        txn.execute_unprepared("PRAGMA cache_size = -2000").await?;
    }

    let samples = samples(&commerce, &collaborations, &stats, &programme);
    Ok(DemoSummary {
        tables,
        elapsed: started.elapsed(),
        samples,
    })
}

/// The ids the CLI mints tokens for: the busiest brand, brand-owned shop and scout.
fn samples(
    commerce: &commerce::Commerce,
    collaborations: &collaborations::Collaborations,
    stats: &orders::OrderStats,
    programme: &scouts::Programme,
) -> DemoSamples {
    let mut per_brand = vec![(0usize, 0i64); commerce.brands.len()];
    for (c, gmv) in collaborations.list.iter().zip(&stats.collaboration_gmv) {
        per_brand[c.brand].0 += 1;
        per_brand[c.brand].1 += gmv;
    }
    // Ties go to the lowest id (max_by_key keeps the last maximum, so compare reversed index).
    let brand = (0..per_brand.len())
        .max_by_key(|&b| (per_brand[b], std::cmp::Reverse(b)))
        .unwrap_or(0);
    let shop = (0..commerce.shops.len())
        .filter(|&s| commerce.shops[s].brand.is_some())
        .max_by_key(|&s| (stats.per_shop[s], std::cmp::Reverse(s)))
        .unwrap_or(0);
    let mut per_scout = vec![0usize; programme.scouts.len()];
    for e in &programme.entries {
        per_scout[e.scout] += 1;
    }
    let scout = (0..per_scout.len())
        .max_by_key(|&s| (per_scout[s], std::cmp::Reverse(s)))
        .unwrap_or(0);
    DemoSamples {
        brand_id: brand as i64 + 1,
        shop_id: shop as i64 + 1,
        scout_id: scout as i64 + 1,
        scout_markets: programme
            .scouts
            .get(scout)
            .map(|s| {
                s.markets
                    .iter()
                    .map(|&m| markets::MARKETS[m].code.to_owned())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

async fn write_markets<C: ConnectionTrait>(sink: Sink<'_, C>) -> Result<u64, DbErr> {
    let mut rows = Inserter::new(
        sink,
        "market",
        &["code", "name", "currency", "time_zone"],
        markets::MARKETS.len() as u64,
    );
    for m in markets::MARKETS {
        rows.push([
            m.code.into(),
            m.name.into(),
            m.currency.into(),
            m.time_zone.into(),
        ])
        .await?;
    }
    rows.finish().await
}

/// Parents first (ids 1..=P), then every leaf pointing at its parent.
async fn write_niches<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    taxonomy: &Taxonomy,
) -> Result<u64, DbErr> {
    let total = (CATEGORIES.len() + taxonomy.niches.len()) as u64;
    let mut rows = Inserter::new(sink, "niche", &["id", "slug", "name", "parent_id"], total);
    for (i, c) in CATEGORIES.iter().enumerate() {
        rows.push([
            Taxonomy::category_id(i).into(),
            c.slug.into(),
            c.name.into(),
            Option::<i64>::None.into(),
        ])
        .await?;
    }
    for n in &taxonomy.niches {
        rows.push([
            n.id.into(),
            n.leaf.slug.into(),
            n.leaf.name.into(),
            Some(Taxonomy::category_id(n.category)).into(),
        ])
        .await?;
    }
    rows.finish().await
}
