//! `flywheel demo`: seed a realistic demo marketplace (unless one is there), print a token per
//! role and what each role comes for (see [`super::examples`]), then serve.

use super::DEMO_SECRET;
use super::examples::{self, Subjects, Tokens};
use super::serve::{ServeArgs, serve_with};
use crate::db::{self, DbConfig};
use clap::Args;
use flywheel_demo::{self as demo, DemoOptions};
use indicatif::{ProgressBar, ProgressStyle};
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use std::path::{Path, PathBuf};

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

/// Seeds a demo marketplace into an empty, migrated database and scores it as a live
/// marketplace would have been (shared with the tests that run the examples).
pub async fn seed(db: &DatabaseConnection, options: &DemoOptions) -> anyhow::Result<()> {
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
    let txn = crate::db::begin_write(db).await?;
    let summary = demo::seed(&txn, options, &progress).await?;
    txn.commit().await?;
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
    // days from the bulk-loaded orders, then the fits), then the shop ratings (which read the
    // scores of the content selling their products).
    super::recompute::content(db).await?;
    let ltv = super::recompute::LtvArgs {
        as_of: None,
        rebuild_selling_days: true,
    };
    super::recompute::ltv(db, ltv).await?;
    rate_shops(db, options).await?;
    crate::db::refresh_statistics(db).await?;
    Ok(crate::db::checkpoint(db).await?)
}

/// Official evaluations the demo replays, one per month up to today.
const OFFICIAL_MONTHS: u32 = 6;

/// The shop ratings of a marketplace that has been rated for months: the last six monthly
/// official evaluations (so every shop's `ratingHistory` tells how it got where it is, with
/// hysteresis and grace periods at work), the latest one printed, then today's projection.
async fn rate_shops(db: &DatabaseConnection, options: &DemoOptions) -> anyhow::Result<()> {
    use crate::rating::recompute::{EvaluationKind, Options, run};
    let config = crate::rating::config();
    let today = options.now.date_naive();
    let due = crate::rating::schedule::past_due_days(
        today,
        OFFICIAL_MONTHS,
        config.hysteresis.official_day_of_month,
    );
    let Some((&latest, earlier)) = due.split_last() else {
        return Ok(());
    };
    crate::rating::aggregates::rebuild(db, &|_, _| {})
        .await
        .map_err(super::recompute::cli_error)?;
    for &as_of in earlier {
        let official = Options {
            kind: EvaluationKind::Official,
            as_of: Some(as_of),
            now: options.now,
        };
        run(db, config, &official, &|_, _, _| {})
            .await
            .map_err(super::recompute::cli_error)?;
    }
    println!("official shop ratings of {}:", latest);
    super::recompute::ratings(
        db,
        super::recompute::RatingsArgs {
            official: true,
            as_of: Some(latest),
            rebuild_aggregates: false,
        },
    )
    .await?;
    let projection = Options {
        kind: EvaluationKind::Projected,
        as_of: None,
        now: options.now,
    };
    run(db, config, &projection, &|_, _, _| {})
        .await
        .map_err(super::recompute::cli_error)?;
    Ok(())
}

/// Where the examples file goes: beside an SQLite database, else in the working directory.
fn examples_path(db_config: &DbConfig) -> PathBuf {
    let file = db_config
        .url
        .strip_prefix("sqlite://")
        .or_else(|| db_config.url.strip_prefix("sqlite:"))
        .map(|rest| Path::new(rest.split('?').next().unwrap_or(rest)));
    file.and_then(Path::parent)
        .unwrap_or(Path::new(""))
        .join("flywheel-examples.md")
}

/// Seeds if needed, prints tokens and examples (and writes them to a file), then serves
/// with GraphiQL opening on them.
pub async fn run(db_config: &DbConfig, args: DemoArgs) -> anyhow::Result<()> {
    if args.serve.jwt.jwt_secret.is_none() && args.serve.jwt.jwt_public_key.is_none() {
        eprintln!("note: FLYWHEEL_JWT_SECRET is not set; the demo signs tokens with a demo secret");
    }
    let keys = args.serve.jwt.keys(Some(DEMO_SECRET))?;
    // Bound before the seeding, which takes a while, so a bad address fails at once.
    let listener = if args.no_serve {
        None
    } else {
        Some(super::serve::listen(&args.serve.listen).await?)
    };
    let (conn, statements) = super::connect(db_config).await?;
    if args.reset {
        Migrator::fresh(&conn).await?;
    } else {
        db::migrate(&conn).await?;
    }
    let creators = entities::creator::Entity::find().count(&conn).await?;
    if creators == 0 {
        seed(&conn, &DemoOptions::today(args.scale, args.seed)).await?;
    } else {
        println!(
            "the database already holds a marketplace ({creators} creators); pass --reset to reseed"
        );
    }
    let subjects = Subjects::read(&conn).await?;
    let tokens = Tokens::mint(&keys, &subjects)?;
    let examples = examples::examples(&subjects);
    let url = format!("http://{}/graphql", args.serve.listen);
    println!(
        "\nTokens (valid 7 days):\n{}",
        examples::exports(&tokens, &subjects).trim_end()
    );
    println!("\nWhat each role comes for (GraphiQL at {url} opens with these as tabs):");
    for e in &examples {
        println!("\n# {}\n{}", e.title, e.curl(&url));
    }
    let path = examples_path(db_config);
    std::fs::write(
        &path,
        examples::markdown(&examples, &tokens, &subjects, &url),
    )
    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!(
        "\nThe same examples, with their GraphQL: {}",
        path.display()
    );
    let Some(listener) = listener else {
        return Ok(());
    };
    println!();
    let page = examples::page(&examples, &tokens);
    serve_with(listener, conn, statements, keys, &args.serve, page).await
}
