//! Database connection: SQLite (embedded, WAL) or PostgreSQL, migrations, and a statement
//! counter that `/metrics` exposes (and tests use to prove the absence of N+1 queries).

use crate::metrics::Histogram;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use std::time::Duration;

/// Counts and times the SQL statements sent to the database since start-up.
#[derive(Debug, Default)]
pub struct StatementCounter(Histogram);

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.count()
    }

    /// How long they took, as the driver returned them.
    pub fn latency(&self) -> &Histogram {
        &self.0
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
    db.set_metric_callback(move |info| seen.0.observe(info.elapsed));
    Ok((db, counter))
}

/// The pool's open and idle connections, read without a round trip.
pub fn pool_stats(db: &DatabaseConnection) -> Option<crate::metrics::PoolStats> {
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return None,
    };
    Some(crate::metrics::PoolStats { size, idle, max })
}

/// What an operator is told when [`connect`] fails: the cause once, where the database was
/// looked for (never the password), and what to check.
pub fn connect_error(cfg: &DbConfig, err: &DbErr) -> String {
    use sea_orm::sqlx::postgres::PgConnectOptions;
    let causes = std::iter::successors(Some(err as &dyn std::error::Error), |e| (*e).source());
    let cause = crate::error::joined(causes.map(|e| e.to_string()));
    let code = sqlx_error(err)
        .and_then(|e| e.as_database_error())
        .and_then(|d| d.code())
        .map(|c| c.into_owned());
    if cfg.url.starts_with("postgres") {
        let Ok(pg) = cfg.url.parse::<PgConnectOptions>() else {
            return format!(
                "cannot connect to PostgreSQL: {cause} (check DATABASE_URL: postgres://USER@HOST:PORT/DB)"
            );
        };
        let (host, port) = (pg.get_host(), pg.get_port());
        let target = format!(
            "postgres://{}@{host}:{port}/{}",
            pg.get_username(),
            pg.get_database().unwrap_or("")
        );
        let hint = match code.as_deref() {
            Some("28P01" | "28000") => "check the user and password in DATABASE_URL".to_owned(),
            Some("3D000") => "create the database, or name another one in DATABASE_URL".to_owned(),
            _ => format!("is PostgreSQL running on {host}:{port}?"),
        };
        return format!("cannot connect to the database at {target}: {cause} ({hint})");
    }
    let file = cfg.url.split('?').next().unwrap_or(&cfg.url);
    format!(
        "cannot open the database {file}: {cause} (does its directory exist, and may this user write there?)"
    )
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

/// Ids per `IN (...)` list: far under every backend's parameter limit.
pub const IN_LIST: usize = 500;

/// Parameters one multi-row statement may bind: under SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMETER_BUDGET: usize = 12_000;

/// Rows per multi-row insert for rows of `params` bound values each.
pub const fn rows_per_insert(params: usize) -> usize {
    PARAMETER_BUDGET / params
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

/// Folds SQLite's write-ahead log back into the database file and truncates it, so a bulk
/// load (the demo writes a WAL the size of the database) leaves one file of its real size.
/// Nothing to do on PostgreSQL.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_checkpoint_leaves_no_write_ahead_log_behind() {
        let dir = std::env::temp_dir().join(format!("flywheel-wal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.db");
        let cfg = DbConfig {
            url: format!("sqlite://{}?mode=rwc", file.display()),
            schema: None,
            max_connections: 1,
        };
        let (db, _) = connect(&cfg).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (x TEXT)")
            .await
            .unwrap();
        for _ in 0..50 {
            db.execute_unprepared("INSERT INTO t VALUES (hex(randomblob(4000)))")
                .await
                .unwrap();
        }
        let wal = dir.join("x.db-wal");
        assert!(std::fs::metadata(&wal).unwrap().len() > 100_000);
        checkpoint(&db).await.unwrap();
        assert_eq!(std::fs::metadata(&wal).map_or(0, |m| m.len()), 0);
        drop(db);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A closed port: the message says why once, where (without the password) and what to check.
    #[tokio::test]
    async fn an_unreachable_postgres_is_reported_once_with_its_host_and_a_hint() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cfg = DbConfig {
            url: format!("postgres://flywheel:s3cret@127.0.0.1:{port}/flywheel"),
            schema: None,
            max_connections: 1,
        };
        let err = connect(&cfg).await.expect_err("nothing listens there");
        let message = connect_error(&cfg, &err);
        assert!(
            message.starts_with(&format!(
                "cannot connect to the database at postgres://flywheel@127.0.0.1:{port}/flywheel: "
            )),
            "{message}"
        );
        assert!(
            message.ends_with(&format!("(is PostgreSQL running on 127.0.0.1:{port}?)")),
            "{message}"
        );
        assert!(!message.contains("s3cret"), "{message}");
        let cause = message.split(": ").skip(1).collect::<Vec<_>>();
        let mut seen = std::collections::HashSet::new();
        assert!(
            cause.iter().all(|part| seen.insert(*part)),
            "no part said twice: {message}"
        );
    }

    #[tokio::test]
    async fn an_sqlite_file_that_cannot_be_created_names_the_file() {
        let cfg = DbConfig {
            url: "sqlite:///nonexistent-dir-of-flywheel/x.db?mode=rwc".into(),
            schema: None,
            max_connections: 1,
        };
        let err = connect(&cfg).await.expect_err("no such directory");
        let message = connect_error(&cfg, &err);
        assert!(
            message.starts_with(
                "cannot open the database sqlite:///nonexistent-dir-of-flywheel/x.db: "
            ),
            "{message}"
        );
        assert!(message.contains("does its directory exist"), "{message}");
    }
}
