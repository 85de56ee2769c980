//! Database connection: SQLite (embedded, WAL) or PostgreSQL, migrations, and a statement
//! counter that `/metrics` exposes (and tests use to prove the absence of N+1 queries).

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counts SQL statements sent to the database since start-up.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// PostgreSQL schema to use (created if missing); tests give each run its own.
    pub schema: Option<String>,
    /// Connection pool size.
    pub max_connections: u32,
}

/// Connects, enables WAL and foreign keys on SQLite, and counts statements.
pub async fn connect(cfg: &DbConfig) -> Result<(DatabaseConnection, Arc<StatementCounter>), DbErr> {
    // While PostgreSQL is down, a checkout retries connecting until its timeout, so the timeout
    // is how long a request waits to be told so: a few seconds. SQLite is a file that never
    // goes away; there a checkout waits only for a busy pool.
    let patience = Duration::from_secs(if cfg.url.starts_with("postgres") {
        3
    } else {
        10
    });
    let mut opts = ConnectOptions::new(cfg.url.clone());
    opts.max_connections(cfg.max_connections)
        .min_connections(1)
        .connect_timeout(patience)
        .acquire_timeout(patience)
        // A ping before every checkout doubles the round trips of a busy server; only a
        // connection idle long enough to have been dropped by a proxy or the server is tested.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    if let Some(schema) = cfg
        .schema
        .as_ref()
        .filter(|_| cfg.url.starts_with("postgres"))
    {
        let admin = Database::connect(cfg.url.clone()).await?;
        admin
            .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await?;
        admin.close().await?;
        opts.set_schema_search_path(schema.clone());
    }
    // WAL lets readers proceed while a writer commits; NORMAL sync is durable enough under WAL.
    opts.map_sqlx_sqlite_opts(|o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
    });
    let mut db = Database::connect(opts).await?;
    let counter = Arc::new(StatementCounter::default());
    let seen = counter.clone();
    db.set_metric_callback(move |_info| {
        seen.0.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, counter))
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), waiting for it up to the busy timeout: a deferred transaction that reads first
/// and writes second fails at once with "database is locked" when another writer committed in
/// between, and no busy timeout helps it. Every write goes through here.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Whether a database error means a concurrent writer won, so that the same transaction may
/// succeed when run again: PostgreSQL's unique violation (23505, the loser of two inserts of
/// one key), serialization failure (40001), deadlock (40P01) and lock timeout (55P03); SQLite's
/// busy, locked and unique-constraint codes (5, 517, 6, 2067, 1555).
pub fn is_contention(err: &DbErr) -> bool {
    sqlx_error(err)
        .and_then(|e| e.as_database_error())
        .and_then(|d| d.code())
        .is_some_and(|code| {
            matches!(
                code.as_ref(),
                "23505" | "40001" | "40P01" | "55P03" | "5" | "517" | "6" | "2067" | "1555"
            )
        })
}

/// The driver's error under a statement or connection failure, if that is what failed.
fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    use sea_orm::RuntimeErr::SqlxError;
    match err {
        DbErr::Exec(SqlxError(e)) | DbErr::Query(SqlxError(e)) | DbErr::Conn(SqlxError(e)) => {
            Some(e)
        }
        _ => None,
    }
}

/// What to tell a client when a database error means the database cannot serve writes or
/// reads at all, rather than anything about the request: unreachable (connection refused or
/// lost, no connection free within the acquire timeout), out of disk (SQLite 13, PostgreSQL
/// 53100), or read-only (SQLite 8 and its extended codes, PostgreSQL 25006). A transaction that
/// fails this way is rolled back whole.
pub fn outage(err: &DbErr) -> Option<&'static str> {
    use sea_orm::sqlx::Error;
    const UNREACHABLE: &str =
        "the database is unavailable right now; retry in a few seconds (batches are idempotent)";
    const FULL: &str = "the database is out of disk space: nothing of this request was written; \
                        retry once an operator has freed space";
    const READ_ONLY: &str =
        "the database is read-only: nothing of this request was written; ask an operator";
    if matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) {
        return Some(UNREACHABLE);
    }
    match sqlx_error(err)? {
        Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => {
            Some(UNREACHABLE)
        }
        Error::Database(d) => match d.code()?.as_ref() {
            "53100" => Some(FULL),
            "25006" => Some(READ_ONLY),
            code => match code.parse::<i32>().ok()? & 0xff {
                13 => Some(FULL),
                8 => Some(READ_ONLY),
                _ => None,
            },
        },
        _ => None,
    }
}

/// Applies every pending migration; returns how many ran.
pub async fn migrate(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?.len();
    Migrator::up(db, None).await?;
    Ok(pending)
}

/// Refreshes the query planner's statistics (and, on PostgreSQL, the visibility map) after a
/// bulk load. Until then PostgreSQL plans against empty tables: counts read the heap instead of
/// the index, and a server with autovacuum off, or one that has not reached its threshold yet,
/// keeps those plans (on the demo, the creators page served 13 % more pages per second after it).
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT quote_ident(tablename) AS name FROM pg_tables \
                     WHERE schemaname = current_schema() ORDER BY tablename",
                ))
                .await?;
            let tables = rows
                .iter()
                .map(|row| row.try_get::<String>("", "name"))
                .collect::<Result<Vec<_>, _>>()?;
            if !tables.is_empty() {
                db.execute_unprepared(&format!("VACUUM (ANALYZE) {}", tables.join(", ")))
                    .await?;
            }
        }
        // A bounded sample per index keeps this to well under a second on the demo.
        _ => {
            db.execute_unprepared("PRAGMA analysis_limit = 1000; ANALYZE")
                .await?;
        }
    }
    Ok(())
}
