//! Seeding against real databases: a temp SQLite file always, PostgreSQL when asked for
//! (`cargo test -p flywheel-demo -- --ignored`, needs PostgreSQL on 127.0.0.1:5432).

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entities::{content, creator, order, pipeline_entry};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, EntityTrait, Statement, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
        .single()
        .expect("valid date")
}

fn options(scale: f64, seed: u64) -> DemoOptions {
    DemoOptions {
        scale,
        seed,
        now: now(),
    }
}

fn quiet(_: &str, _: u64, _: u64) {}

/// Seeds in a transaction of its own and commits it, as the CLI does.
async fn seed_in(
    db: &DatabaseConnection,
    opts: &DemoOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<DemoSummary, DbErr> {
    let txn = db.begin().await?;
    let summary = seed(&txn, opts, progress).await?;
    txn.commit().await?;
    Ok(summary)
}

/// A unique name for throwaway databases and schemas.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// A migrated SQLite file that is deleted on drop.
struct TempSqlite {
    path: PathBuf,
    db: DatabaseConnection,
}

impl TempSqlite {
    async fn new() -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique("flywheel_demo")));
        let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("open sqlite");
        Migrator::up(&db, None).await.expect("migrate");
        Self { path, db }
    }
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("one row");
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Queries counting rows that break an invariant; each must return 0.
const BROKEN: &[(&str, &str)] = &[
    (
        "likes, comments, shares <= views <= impressions and completions <= views",
        "SELECT COUNT(*) FROM content WHERE likes > views OR comments > views OR shares > views \
         OR views > impressions OR completions > views",
    ),
    (
        "order currency is the shop market's",
        "SELECT COUNT(*) FROM orders o JOIN shop s ON s.id = o.shop_id JOIN market m ON m.code = s.market_code \
         WHERE o.currency <> m.currency",
    ),
    (
        "amount = price x quantity, product of the order's shop",
        "SELECT COUNT(*) FROM orders o JOIN product p ON p.id = o.product_id \
         WHERE o.amount_minor <> p.price_minor * o.quantity OR o.shop_id <> p.shop_id",
    ),
    (
        "collaboration currency is the creator market's",
        "SELECT COUNT(*) FROM collaboration co JOIN creator c ON c.id = co.creator_id \
         JOIN market m ON m.code = c.market_code WHERE co.currency <> m.currency",
    ),
    (
        "collaborations are in the brand's markets",
        "SELECT COUNT(*) FROM collaboration co JOIN creator c ON c.id = co.creator_id WHERE NOT EXISTS \
         (SELECT 1 FROM brand_market bm WHERE bm.brand_id = co.brand_id AND bm.market_code = c.market_code)",
    ),
    (
        "only e-commerce capable creators sell",
        "SELECT COUNT(*) FROM orders o JOIN creator c ON c.id = o.creator_id WHERE c.ecommerce_capable = false",
    ),
    (
        "content promotes products of its creator's market",
        "SELECT COUNT(*) FROM content_product cp JOIN content ct ON ct.id = cp.content_id \
         JOIN creator c ON c.id = ct.creator_id JOIN product p ON p.id = cp.product_id \
         JOIN shop s ON s.id = p.shop_id WHERE s.market_code <> c.market_code",
    ),
    (
        "orders credited to content are its creator's, for a product it links",
        "SELECT COUNT(*) FROM orders o JOIN content ct ON ct.id = o.content_id WHERE o.creator_id <> ct.creator_id \
         OR NOT EXISTS (SELECT 1 FROM content_product cp WHERE cp.content_id = o.content_id AND cp.product_id = o.product_id)",
    ),
    (
        "a live stream's orders are the orders credited to it",
        "SELECT COUNT(*) FROM content ct WHERE ct.kind = 'live' \
         AND ct.live_orders <> (SELECT COUNT(*) FROM orders o WHERE o.content_id = ct.id)",
    ),
    (
        "live figures on live streams only, peak >= average",
        "SELECT COUNT(*) FROM content WHERE (kind = 'live') <> (live_duration_seconds IS NOT NULL) \
         OR live_peak_viewers < live_avg_viewers",
    ),
    (
        "niche shares sum to 1",
        "SELECT COUNT(*) FROM (SELECT creator_id, SUM(share) AS s FROM creator_niche GROUP BY creator_id) x \
         WHERE x.s < 0.999 OR x.s > 1.001",
    ),
    (
        "leaves hang under root categories",
        "SELECT COUNT(*) FROM niche n JOIN niche p ON p.id = n.parent_id WHERE p.parent_id IS NOT NULL",
    ),
    (
        "open entries hold their market in active_market, closed ones NULL",
        "SELECT COUNT(*) FROM pipeline_entry WHERE (state IN ('rejected', 'churned')) = (active_market IS NOT NULL) \
         OR active_market <> market_code",
    ),
    (
        "entries are in their scout's markets",
        "SELECT COUNT(*) FROM pipeline_entry e WHERE NOT EXISTS \
         (SELECT 1 FROM scout_market sm WHERE sm.scout_id = e.scout_id AND sm.market_code = e.market_code)",
    ),
    (
        "every entry has a creating event and events end in the entry's state",
        "SELECT COUNT(*) FROM pipeline_entry e WHERE NOT EXISTS \
         (SELECT 1 FROM pipeline_event v WHERE v.entry_id = e.id AND v.from_state IS NULL AND v.to_state = 'prospect') \
         OR NOT EXISTS (SELECT 1 FROM pipeline_event v WHERE v.entry_id = e.id AND v.to_state = e.state AND v.at = e.updated_at)",
    ),
    (
        "actors are the entry's scout",
        "SELECT COUNT(*) FROM pipeline_event v JOIN pipeline_entry e ON e.id = v.entry_id \
         WHERE v.actor <> 'scout:' || CAST(e.scout_id AS TEXT)",
    ),
    (
        "a violation names exactly its subject",
        "SELECT COUNT(*) FROM violation WHERE NOT ( \
         (subject_kind = 'content' AND content_id IS NOT NULL AND creator_id IS NOT NULL AND shop_id IS NULL) \
         OR (subject_kind = 'creator' AND content_id IS NULL AND creator_id IS NOT NULL AND shop_id IS NULL) \
         OR (subject_kind = 'shop' AND content_id IS NULL AND creator_id IS NULL AND shop_id IS NOT NULL))",
    ),
];

/// Everything a seeded marketplace must satisfy, whatever the backend.
async fn check_marketplace(db: &DatabaseConnection, summary: &DemoSummary, opts: &DemoOptions) {
    for t in &summary.tables {
        let rows = scalar(db, &format!("SELECT COUNT(*) FROM \"{}\"", t.table)).await;
        assert_eq!(rows as u64, t.rows, "summary count of {}", t.table);
    }
    assert_eq!(summary.rows("market"), 6);
    assert!(scalar(db, "SELECT COUNT(*) FROM niche WHERE parent_id IS NULL").await >= 10);
    assert!(scalar(db, "SELECT COUNT(*) FROM niche WHERE parent_id IS NOT NULL").await >= 100);
    for (what, sql) in BROKEN {
        assert_eq!(scalar(db, sql).await, 0, "broken: {what}");
    }
    for state in [
        "prospect",
        "contacted",
        "onboarding",
        "certified",
        "rejected",
        "churned",
    ] {
        let n = scalar(
            db,
            &format!("SELECT COUNT(*) FROM pipeline_entry WHERE state = '{state}'"),
        )
        .await;
        assert!(n > 0, "no pipeline entry is {state}");
    }
    for market in ["US", "GB", "ID", "TH", "JP", "SA"] {
        for table in ["creator", "shop", "scout_market"] {
            let n = scalar(
                db,
                &format!("SELECT COUNT(*) FROM {table} WHERE market_code = '{market}'"),
            )
            .await;
            assert!(n >= 3, "{market} has {n} rows in {table}");
        }
    }
    let s = &summary.samples;
    let collaborations = scalar(
        db,
        &format!(
            "SELECT COUNT(*) FROM collaboration WHERE brand_id = {}",
            s.brand_id
        ),
    )
    .await;
    assert!(collaborations > 0, "sample brand has no collaborations");
    let shop_orders = scalar(
        db,
        &format!("SELECT COUNT(*) FROM orders o JOIN shop s ON s.id = o.shop_id WHERE s.brand_id IS NOT NULL AND s.id = {}", s.shop_id),
    )
    .await;
    assert!(shop_orders > 0, "sample shop has no orders or no brand");
    let markets = scalar(
        db,
        &format!(
            "SELECT COUNT(*) FROM scout_market WHERE scout_id = {}",
            s.scout_id
        ),
    )
    .await;
    assert_eq!(markets as usize, s.scout_markets.len());

    check_creators(db).await;
    check_orders(db, opts.now).await;
    check_pipeline(db).await;
}

async fn check_creators(db: &DatabaseConnection) {
    let mut creators = creator::Entity::find()
        .all(db)
        .await
        .expect("load creators");
    let capable =
        creators.iter().filter(|c| c.ecommerce_capable).count() as f64 / creators.len() as f64;
    assert!((0.31..=0.33).contains(&capable), "capable share {capable}");
    creators.sort_by_key(|c| c.followers);
    let median = creators[creators.len() / 2].followers;
    let top = creators.last().map_or(0, |c| c.followers);
    assert!(
        top > 50 * median,
        "followers not heavy-tailed: top {top}, median {median}"
    );
    let decile = creators.len() / 10;
    let mean_weight =
        |cs: &[creator::Model]| cs.iter().map(|c| c.account_weight).sum::<f64>() / cs.len() as f64;
    assert!(
        mean_weight(&creators[creators.len() - decile..]) > mean_weight(&creators[..decile]) + 0.3
    );
    assert!(
        creators
            .iter()
            .all(|c| (0.0..=1.0).contains(&c.account_weight))
    );
    // Bigger creators are more often capable.
    let capable_in = |cs: &[creator::Model]| cs.iter().filter(|c| c.ecommerce_capable).count();
    assert!(capable_in(&creators[creators.len() - decile..]) > 2 * capable_in(&creators[..decile]));

    let content = content::Entity::find().all(db).await.expect("load content");
    let grades: HashSet<_> = content.iter().map(|c| c.value_grade).collect();
    assert_eq!(grades.len(), 3, "value grades {grades:?}");
    assert!(
        content
            .iter()
            .any(|c| c.kind == entities::enums::ContentKind::Live)
    );
}

async fn check_orders(db: &DatabaseConnection, now: DateTime<Utc>) {
    let orders = order::Entity::find().all(db).await.expect("load orders");
    let mut faults: HashMap<&str, HashSet<String>> = HashMap::new();
    let (mut late_ship, mut logistics, mut stars, mut reviews) = (0, 0, 0i64, 0i64);
    for o in &orders {
        assert_eq!(
            o.ship_by - o.placed_at,
            TimeDelta::hours(48),
            "order {}",
            o.id
        );
        assert!(
            o.placed_at <= now && o.placed_at >= now - TimeDelta::days(366),
            "order {}",
            o.id
        );
        assert!(
            o.updated_at >= o.placed_at && o.updated_at <= now,
            "order {}",
            o.id
        );
        assert!((1..=5).contains(&o.quantity));
        if o.cancelled_at.is_some() {
            assert!(
                o.shipped_at.is_none() && o.cancel_reason.is_some(),
                "order {}",
                o.id
            );
            faults
                .entry("cancel")
                .or_default()
                .extend(o.cancel_fault.map(|f| f.as_str().to_owned()));
        }
        if let Some(shipped) = o.shipped_at {
            assert!(
                shipped > o.placed_at && o.tracking_valid.is_some(),
                "order {}",
                o.id
            );
            late_ship += usize::from(shipped > o.ship_by);
        }
        match (o.delivered_at, o.deliver_by, o.shipped_at) {
            (Some(delivered), Some(by), Some(shipped)) => {
                assert!(delivered > shipped, "order {}", o.id);
                assert_eq!(o.late_fault.is_some(), delivered > by, "order {}", o.id);
                faults
                    .entry("late")
                    .or_default()
                    .extend(o.late_fault.map(|f| f.as_str().to_owned()));
            }
            (Some(_), _, _) => panic!("order {} delivered without shipping or promise", o.id),
            _ => assert!(
                o.late_fault.is_none() && o.returned_at.is_none() && o.review_stars.is_none()
            ),
        }
        if let Some(returned) = o.returned_at {
            assert!(
                o.delivered_at.is_some_and(|d| returned > d) && o.return_reason.is_some(),
                "order {}",
                o.id
            );
            faults
                .entry("return")
                .or_default()
                .extend(o.return_fault.map(|f| f.as_str().to_owned()));
        }
        assert_eq!(
            o.review_stars.is_some(),
            o.reviewed_at.is_some(),
            "order {}",
            o.id
        );
        if let Some(s) = o.review_stars {
            assert!((1..=5).contains(&s));
            stars += i64::from(s);
            reviews += 1;
            logistics += usize::from(o.review_logistics_only);
        }
    }
    assert!(
        late_ship > 0 && logistics > 0,
        "late shipments {late_ship}, logistics-only reviews {logistics}"
    );
    let mean = stars as f64 / reviews.max(1) as f64;
    assert!((3.8..=4.7).contains(&mean), "mean review {mean}");
    for (what, needed) in [
        ("cancel", &["seller", "buyer"][..]),
        ("late", &["seller", "carrier"]),
        ("return", &["seller", "buyer", "carrier"]),
    ] {
        for fault in needed {
            assert!(
                faults.get(what).is_some_and(|f| f.contains(*fault)),
                "no {fault} fault for {what}: {faults:?}"
            );
        }
    }
    // Shops of every size: tiny ones with a handful of orders and busy ones.
    let mut per_shop: HashMap<i64, usize> = HashMap::new();
    for o in &orders {
        *per_shop.entry(o.shop_id).or_default() += 1;
    }
    assert!(
        per_shop.values().any(|&n| n <= 12) && per_shop.values().any(|&n| n >= 200),
        "{per_shop:?}"
    );
}

async fn check_pipeline(db: &DatabaseConnection) {
    use entities::enums::PipelineState::{Certified, Churned};
    let entries = pipeline_entry::Entity::find()
        .all(db)
        .await
        .expect("load entries");
    assert!(
        entries
            .iter()
            .filter(|e| e.state == Certified)
            .all(|e| e.ecommerce_capable.is_some())
    );
    // Capability is recorded at certification, so churned entries that were certified keep it.
    let certified: Vec<_> = entries
        .iter()
        .filter(|e| e.ecommerce_capable.is_some())
        .collect();
    assert!(
        certified
            .iter()
            .all(|e| matches!(e.state, Certified | Churned))
    );
    let capable = certified
        .iter()
        .filter(|e| e.ecommerce_capable == Some(true))
        .count() as f64
        / certified.len() as f64;
    assert!(
        (0.28..=0.4).contains(&capable),
        "capable share of certified {capable}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_a_consistent_marketplace_on_sqlite() {
    let temp = TempSqlite::new().await;
    let opts = options(0.02, 7);
    let stages = std::sync::Mutex::new(Vec::<String>::new());
    let progress = |stage: &str, done: u64, total: u64| {
        assert!(done <= total, "{stage}: {done} > {total}");
        let mut seen = stages.lock().expect("not poisoned");
        if seen.last().is_none_or(|s| s != stage) {
            seen.push(stage.to_owned());
        }
    };
    let summary = seed_in(&temp.db, &opts, &progress).await.expect("seed");

    assert_eq!(summary.rows("creator"), 400);
    assert!(
        (3_000..=5_000).contains(&summary.rows("content")),
        "{}",
        summary.rows("content")
    );
    assert!(
        (16_000..=24_000).contains(&summary.rows("orders")),
        "{}",
        summary.rows("orders")
    );
    assert!(summary.rows("shop") >= 40 && summary.rows("brand") == 20);
    let stages = stages.into_inner().expect("not poisoned");
    assert_eq!(stages.first().map(String::as_str), Some("generate"));
    assert!(
        stages.iter().any(|s| s == "orders") && stages.iter().any(|s| s == "pipeline_event"),
        "{stages:?}"
    );
    check_marketplace(&temp.db, &summary, &opts).await;
}

/// A few sums over every big table: equal fingerprints mean (practically) equal data.
async fn fingerprint(db: &DatabaseConnection) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT SUM(amount_minor) + SUM(quantity) + COUNT(shipped_at) + COUNT(review_stars) FROM orders",
        "SELECT SUM(likes) + SUM(views) + SUM(creator_id) FROM content",
        "SELECT SUM(followers) + SUM(LENGTH(handle)) FROM creator",
        "SELECT SUM(gmv_minor) + SUM(creator_id) FROM collaboration",
        "SELECT SUM(price_minor) FROM product",
    ] {
        out.push(scalar(db, sql).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_marketplace() {
    let (a, b, c) = (
        TempSqlite::new().await,
        TempSqlite::new().await,
        TempSqlite::new().await,
    );
    let first = seed_in(&a.db, &options(0.02, 11), &quiet)
        .await
        .expect("seed a");
    let second = seed_in(&b.db, &options(0.02, 11), &quiet)
        .await
        .expect("seed b");
    assert_eq!(first.tables, second.tables);
    assert_eq!(first.samples, second.samples);
    assert_eq!(fingerprint(&a.db).await, fingerprint(&b.db).await);

    let other = seed_in(&c.db, &options(0.02, 12), &quiet)
        .await
        .expect("seed c");
    assert_ne!(fingerprint(&a.db).await, fingerprint(&c.db).await);
    assert_ne!(first.tables, other.tables);
}

#[tokio::test]
async fn invalid_options_are_refused_before_writing() {
    let temp = TempSqlite::new().await;
    let err = seed_in(&temp.db, &options(f64::NAN, 1), &quiet)
        .await
        .expect_err("NaN scale");
    assert!(err.to_string().contains("scale"), "{err}");
    assert_eq!(scalar(&temp.db, "SELECT COUNT(*) FROM market").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL on 127.0.0.1:5432 (user postgres, database test)"]
async fn seeds_postgresql_too() {
    let url = std::env::var("FLYWHEEL_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = Database::connect(&url)
        .await
        .expect("connect to PostgreSQL");
    let schema = unique("demo_test");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");

    // In a task, so the schema is dropped even when a check panics.
    let (task_url, task_schema) = (url.clone(), schema.clone());
    let run = tokio::spawn(async move {
        let mut options_pg = ConnectOptions::new(&task_url);
        options_pg
            .set_schema_search_path(task_schema)
            .max_connections(4);
        let db = Database::connect(options_pg).await?;
        Migrator::up(&db, None).await?;
        let opts = options(0.01, 5);
        let summary = seed_in(&db, &opts, &quiet).await?;
        check_marketplace(&db, &summary, &opts).await;
        // Sequences follow the explicit ids: a plain insert gets the next id.
        let next = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "INSERT INTO scout (external_id, name, created_at) VALUES ('sc-new', 'New Scout', now()) RETURNING id",
            ))
            .await?
            .expect("returned id")
            .try_get_by_index::<i64>(0)?;
        assert_eq!(next as u64, summary.rows("scout") + 1);
        db.close().await?;
        Ok::<(), DbErr>(())
    });
    let result = run.await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .expect("drop schema");
    match result {
        Ok(outcome) => outcome.expect("seed PostgreSQL"),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
