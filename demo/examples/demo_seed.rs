//! Times the demo seeder the way `flywheel demo` runs it: a fresh SQLite file in WAL mode,
//! migrated, then seeded in one transaction.
//!
//! `cargo run --release -p flywheel-demo --example demo_seed -- [scale] [path]`
//! (scale 1.0 and a file in the temp directory by default).

use flywheel_demo::{DemoOptions, seed};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use std::io::Write;
use std::path::PathBuf;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1.0);
    let path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("flywheel-demo.db"));
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(file)?;
        }
    }

    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display())).await?;
    db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    Migrator::up(&db, None).await?;

    let opts = DemoOptions::today(scale, DemoOptions::DEFAULT_SEED);
    let started = std::time::Instant::now();
    let progress = |stage: &str, done: u64, total: u64| {
        if done == total {
            let at = started.elapsed().as_secs_f64();
            eprint!("\r{stage:>16}: {done:>9} rows, done at {at:6.2} s\n");
        } else {
            eprint!("\r{stage:>16}: {done:>9} / {total}");
        }
        let _ = std::io::stderr().flush();
    };
    let txn = db.begin().await?;
    let summary = seed(&txn, &opts, &progress).await?;
    txn.commit().await?;
    db.close().await?;

    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len())
    };
    println!(
        "scale {scale}, seed {}, history ending {}",
        opts.seed, opts.now
    );
    for t in &summary.tables {
        println!("{:>16} {:>10}", t.table, t.rows);
    }
    println!("{:>16} {:>10}", "total", summary.total_rows());
    println!("seeded in {:.2} s", summary.elapsed.as_secs_f64());
    println!(
        "database {} : {:.1} MiB (+ {:.1} MiB WAL)",
        path.display(),
        size("") as f64 / 1_048_576.0,
        size("-wal") as f64 / 1_048_576.0
    );
    println!("samples: {:?}", summary.samples);
    Ok(())
}
