//! `flywheel demo`: seed a realistic demo marketplace (unless one is there), print a token per
//! role and example queries, then serve.

use super::serve::{ServeArgs, serve_with};
use super::{DEMO_SECRET, token};
use crate::auth::{JwtKeys, Role};
use crate::db::{self, DbConfig};
use crate::demo::{self, DemoOptions};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Statement};

/// Demo settings, plus everything `serve` takes.
#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Multiplies the demo's size (1.0: 20,000 creators, 200,000 pieces of content,
    /// 1,000,000 orders).
    #[arg(long, env = "FLYWHEEL_DEMO_SCALE", default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed of the demo marketplace.
    #[arg(long, env = "FLYWHEEL_DEMO_SEED", default_value_t = DemoOptions::DEFAULT_SEED)]
    pub seed: u64,
    /// Drop everything and reseed, even if the database already holds a demo.
    #[arg(long)]
    pub reset: bool,
    /// Seed (if needed) and print tokens, but do not serve.
    #[arg(long)]
    pub no_serve: bool,
}

/// Ids the printed tokens are scoped to.
struct Samples {
    brand: i64,
    shop: i64,
    scout_markets: Vec<String>,
}

async fn first_id(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo database is incomplete; rerun with --reset"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// The busiest brand, brand-owned shop and scout: the most telling tokens to try.
async fn samples(db: &DatabaseConnection) -> anyhow::Result<Samples> {
    let brand = first_id(db, "SELECT brand_id FROM collaboration GROUP BY brand_id ORDER BY COUNT(*) DESC, brand_id LIMIT 1").await?;
    let shop = first_id(
        db,
        "SELECT s.id FROM shop s JOIN orders o ON o.shop_id = s.id WHERE s.brand_id IS NOT NULL \
         GROUP BY s.id ORDER BY COUNT(*) DESC, s.id LIMIT 1",
    )
    .await?;
    let scout = first_id(db, "SELECT scout_id FROM pipeline_entry GROUP BY scout_id ORDER BY COUNT(*) DESC, scout_id LIMIT 1").await?;
    let markets = entities::scout_market::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|m| m.scout_id == scout)
        .map(|m| m.market_code)
        .collect();
    Ok(Samples {
        brand,
        shop,
        scout_markets: markets,
    })
}

async fn seed(db: &DatabaseConnection, args: &DemoArgs) -> anyhow::Result<()> {
    let bar = ProgressBar::new(1).with_style(
        ProgressStyle::with_template("{spinner} {msg:<16} [{bar:30}] {pos}/{len} {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let progress = |stage: &str, done: u64, total: u64| {
        bar.set_message(stage.to_owned());
        bar.set_length(total.max(1));
        bar.set_position(done);
    };
    let summary = demo::seed(db, &DemoOptions::today(args.scale, args.seed), &progress).await?;
    bar.finish_and_clear();
    let rows: Vec<String> = summary
        .tables
        .iter()
        .map(|t| format!("{} {}", t.rows, t.table))
        .collect();
    println!(
        "seeded the demo marketplace in {:.1?}: {}",
        summary.elapsed,
        rows.join(", ")
    );
    // The scores a live marketplace would have accumulated: content scores, LTVs (selling
    // days from the bulk-loaded orders, then the fits), then an official rating evaluation
    // (shop ratings read the scores of the content selling their products).
    super::recompute::content(db).await?;
    let ltv = super::recompute::LtvArgs {
        as_of: None,
        rebuild_selling_days: true,
    };
    super::recompute::ltv(db, ltv).await?;
    super::recompute::ratings(
        db,
        super::recompute::RatingsArgs {
            official: true,
            as_of: None,
            rebuild_aggregates: true,
        },
    )
    .await?;
    Ok(crate::db::refresh_statistics(db).await?)
}

fn mint(
    keys: &JwtKeys,
    role: Role,
    brand: Option<i64>,
    shop: Option<i64>,
    markets: &[String],
) -> anyhow::Result<String> {
    let args = token::TokenArgs {
        role,
        brand_id: brand,
        shop_id: shop,
        markets: markets.to_vec(),
        subject: None,
        ttl_hours: 24 * 7,
        jwt: super::JwtArgs {
            jwt_secret: None,
            jwt_public_key: None,
            jwt_algorithm: super::PublicKeyAlgorithm::Rs256,
        },
    };
    keys.mint(&token::claims(&args))
}

/// Seeds if needed, prints tokens and examples, then serves.
pub async fn run(db_config: &DbConfig, args: DemoArgs) -> anyhow::Result<()> {
    if args.serve.jwt.jwt_secret.is_none() && args.serve.jwt.jwt_public_key.is_none() {
        eprintln!("note: FLYWHEEL_JWT_SECRET is not set; the demo signs tokens with a demo secret");
    }
    let keys = args.serve.jwt.keys(Some(DEMO_SECRET))?;
    let (conn, statements) = db::connect(db_config).await?;
    if args.reset {
        Migrator::fresh(&conn).await?;
    } else {
        db::migrate(&conn).await?;
    }
    let creators = entities::creator::Entity::find().count(&conn).await?;
    if creators == 0 {
        seed(&conn, &args).await?;
    } else {
        println!(
            "the database already holds a marketplace ({creators} creators); pass --reset to reseed"
        );
    }
    let s = samples(&conn).await?;
    let url = format!("http://{}/graphql", args.serve.listen);
    let admin = mint(&keys, Role::Admin, None, None, &[])?;
    println!("\nTokens (valid 7 days):");
    println!("  export ADMIN={admin}");
    println!(
        "  export BRAND={}   # brand {}",
        mint(&keys, Role::Brand, Some(s.brand), None, &[])?,
        s.brand
    );
    println!(
        "  export SHOP={}   # shop {}",
        mint(&keys, Role::Shop, None, Some(s.shop), &[])?,
        s.shop
    );
    println!(
        "  export SCOUT={}   # markets {}",
        mint(&keys, Role::Scout, None, None, &s.scout_markets)?,
        s.scout_markets.join(",")
    );
    println!("\nTry (GraphiQL at {url}, with header Authorization: Bearer $TOKEN):");
    for (who, query) in [
        ("ADMIN", "{ creators(first: 5, filter: {market: \\\"US\\\", minFollowers: 100000}) { totalCount edges { node { handle followers niches { share niche { name } } } } } }".to_owned()),
        ("BRAND", format!("{{ brand(id: \\\"{}\\\") {{ name niches {{ weight niche {{ name }} }} collaborations(first: 3) {{ edges {{ node {{ status gmv {{ amountMinor currency }} creator {{ handle }} }} }} }} }} }}", s.brand)),
        ("SHOP", format!("{{ shop(id: \\\"{}\\\") {{ name market {{ code }} orders(first: 3) {{ totalCount edges {{ node {{ amount {{ amountMinor currency }} placedAt shippedAt returnFault }} }} }} }} }}", s.shop)),
        ("SCOUT", "{ me { role markets } creators(first: 3) { totalCount edges { node { handle market { code } } } } }".to_owned()),
    ] {
        println!("  curl -s {url} -H \"Authorization: Bearer ${who}\" -H 'Content-Type: application/json' \\\n    -d '{{\"query\":\"{query}\"}}'");
    }
    if args.no_serve {
        return Ok(());
    }
    println!();
    serve_with(conn, statements, keys, &args.serve).await
}
