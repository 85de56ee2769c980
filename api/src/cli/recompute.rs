//! `flywheel recompute`: batch jobs that bring stored scores up to date.

use crate::db::{self, DbConfig};
use crate::error::ApiError;
use crate::rating::{aggregates, recompute};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use entities::shop_rating::EvaluationKind;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;

/// What to recompute.
#[derive(Subcommand, Debug)]
pub enum RecomputeArgs {
    /// Evaluate every shop's rating and store the evaluations and new states, in one
    /// transaction (all shops or none).
    Ratings(RatingsArgs),
    /// Rebuild the content cohort snapshot, then rescore every piece (score and traffic pool)
    /// and every creator's content score, in one transaction.
    Content,
    /// Fit every market's LTV models (BG/NBD or modified BG/NBD, Gamma-Gamma) on the creators'
    /// selling days and store them with every creator's prediction, in one transaction.
    Ltv(LtvArgs),
}

/// Options of `recompute ltv`.
#[derive(Args, Debug)]
pub struct LtvArgs {
    /// Day the histories are taken (YYYY-MM-DD, UTC, inclusive); today by default.
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// First rebuild the selling days from all orders (after a bulk load outside ingest).
    #[arg(long)]
    pub rebuild_selling_days: bool,
}

/// Options of `recompute ratings`.
#[derive(Args, Debug)]
pub struct RatingsArgs {
    /// The official (monthly) evaluation, which moves tiers; without it, the daily projection.
    #[arg(long)]
    pub official: bool,
    /// Day to evaluate (YYYY-MM-DD, UTC); today by default, never in the future.
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// First rebuild the daily aggregates from all orders (after a bulk load outside ingest).
    #[arg(long)]
    pub rebuild_aggregates: bool,
}

/// Runs a recompute command.
pub async fn run(db_config: &DbConfig, args: RecomputeArgs) -> anyhow::Result<()> {
    let (conn, _) = super::connect(db_config).await?;
    db::migrate(&conn).await?;
    match args {
        RecomputeArgs::Ratings(args) => ratings(&conn, args).await,
        RecomputeArgs::Content => content(&conn).await,
        RecomputeArgs::Ltv(args) => ltv(&conn, args).await,
    }
}

/// The progress bar of every recompute.
fn progress_bar() -> ProgressBar {
    ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len} {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    )
}

/// The progress callback of a staged rebuild: the bar shows the stage and how far it is.
fn staged(bar: &ProgressBar) -> impl Fn(&str, u64, u64) + Sync + '_ {
    move |stage, done, total| {
        bar.set_message(stage.to_owned());
        counted(bar)(done, total);
    }
}

/// The progress callback of a one-stage rebuild.
fn counted(bar: &ProgressBar) -> impl Fn(u64, u64) + Sync + '_ {
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

/// `recompute content`: prints what was scored and the share of pieces in each traffic pool
/// per market (a healthy ladder is a pyramid).
pub async fn content(conn: &DatabaseConnection) -> anyhow::Result<()> {
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let summary = crate::content::recompute::run(conn, chrono::Utc::now(), &staged(&bar))
        .await
        .map_err(cli_error)?;
    bar.finish_and_clear();
    println!(
        "scored {} piece(s) ({} with views) and {} creator(s) in {:.1?}; cohort snapshot of {} piece(s)",
        summary.pieces,
        summary.scored,
        summary.creators,
        started.elapsed(),
        summary.snapshot_pieces
    );
    let pools = summary
        .pools
        .keys()
        .map(|(_, p)| *p)
        .max()
        .map_or(0, |p| p + 1);
    print!("{:<8}", "market");
    for p in 0..pools {
        print!(" {:>8}", format!("pool {p}"));
    }
    println!();
    let mut markets: Vec<&String> = summary.pools.keys().map(|(m, _)| m).collect();
    markets.dedup();
    for market in markets {
        let total: usize = (0..pools)
            .map(|p| {
                summary
                    .pools
                    .get(&(market.clone(), p))
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        print!("{market:<8}");
        for p in 0..pools {
            let n = summary
                .pools
                .get(&(market.clone(), p))
                .copied()
                .unwrap_or(0);
            print!(" {:>7.2}%", 100.0 * n as f64 / total.max(1) as f64);
        }
        println!();
    }
    Ok(())
}

/// `recompute ltv`, also run by `flywheel demo` after seeding.
pub async fn ltv(conn: &DatabaseConnection, args: LtvArgs) -> anyhow::Result<()> {
    let bar = progress_bar();
    if args.rebuild_selling_days {
        bar.set_message("orders");
        let days = crate::ltv::selling_days::rebuild(conn, &counted(&bar))
            .await
            .map_err(cli_error)?;
        bar.println(format!("rebuilt {days} creator selling days"));
    }
    let started = std::time::Instant::now();
    let options = crate::ltv::recompute::Options {
        as_of: args.as_of,
        ..crate::ltv::recompute::Options::new(chrono::Utc::now())
    };
    let report = crate::ltv::recompute::run(conn, &options, &staged(&bar))
        .await
        .map_err(cli_error)?;
    bar.finish_and_clear();
    let shown = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{r:.3}"));
    println!(
        "fitted {} market(s), skipped {}, and stored {} creator LTV(s) ({} without one) in {:.1?}",
        report.markets.len(),
        report.skipped.len(),
        report.predicted,
        report.unpredicted,
        started.elapsed()
    );
    println!(
        "{:<8} {:<7} {:<9} {:<10} {:>9} {:>9} {:>9}",
        "market", "model", "borrowed", "converged", "creators", "predicted", "spearman"
    );
    for m in &report.markets {
        println!(
            "{:<8} {:<7} {:<9} {:<10} {:>9} {:>9} {:>9}",
            m.market,
            m.kind,
            m.borrowed_from_global,
            m.converged,
            m.creators,
            m.predicted,
            shown(m.spearman)
        );
    }
    println!(
        "Spearman correlation of predicted LTV with past-365-day GMV, all creators: {}",
        shown(report.spearman)
    );
    for s in &report.skipped {
        println!(
            "skipped {} ({} creator(s) with sales): {}",
            s.market, s.creators, s.reason
        );
    }
    ltv_outcome(&report)
}

/// `recompute ltv` succeeds when it fitted a market, or when no market has sales to fit (a
/// new marketplace, or markets without sales, is not an error); it fails only when markets
/// have sales and none of them could be fitted.
fn ltv_outcome(report: &crate::ltv::recompute::Report) -> anyhow::Result<()> {
    let unfitted = report.skipped.iter().filter(|s| s.creators > 0).count();
    if report.markets.is_empty() && unfitted > 0 {
        anyhow::bail!("no market could be fitted ({unfitted} with sales skipped, see above)");
    }
    Ok(())
}

pub async fn ratings(conn: &DatabaseConnection, args: RatingsArgs) -> anyhow::Result<()> {
    let conn = conn.clone();
    let bar = progress_bar();
    if args.rebuild_aggregates {
        bar.set_message("orders");
        let cohorts = aggregates::rebuild(&conn, &counted(&bar))
            .await
            .map_err(cli_error)?;
        bar.println(format!("rebuilt {cohorts} shop-day aggregates"));
    }
    let options = recompute::Options {
        kind: if args.official {
            EvaluationKind::Official
        } else {
            EvaluationKind::Projected
        },
        as_of: args.as_of,
        now: chrono::Utc::now(),
    };
    let summary = recompute::run(&conn, crate::rating::config(), &options, &staged(&bar))
        .await
        .map_err(cli_error)?;
    bar.finish_and_clear();
    println!(
        "evaluated {} shop(s), {} with a change or warning",
        summary.evaluated, summary.changed
    );
    println!("{:<8} {:<8} {:>7}", "market", "tier", "shops");
    for ((market, tier), shops) in &summary.tiers {
        println!("{market:<8} {:<8} {shops:>7}", format!("{tier:?}"));
    }
    Ok(())
}

/// The whole message, internal cause included: the operator at the terminal is not a client.
pub(crate) fn cli_error(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.operator_message())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ltv::recompute::{Report, Skipped};

    fn skipped(market: &str, creators: usize) -> Skipped {
        Skipped {
            market: market.into(),
            creators,
            reason: "why".into(),
        }
    }

    #[test]
    fn recompute_ltv_fails_only_when_markets_with_sales_could_not_be_fitted() {
        let nothing_to_fit = Report {
            skipped: vec![skipped("GB", 0)],
            ..Report::default()
        };
        assert!(
            ltv_outcome(&nothing_to_fit).is_ok(),
            "no sales is not an error"
        );
        let young = Report {
            skipped: vec![skipped("GB", 0), skipped("US", 12)],
            ..Report::default()
        };
        let err = ltv_outcome(&young).expect_err("sales and no fit");
        assert!(err.to_string().contains("1 with sales skipped"), "{err}");
    }
}
