//! `flywheel serve`.

use super::JwtArgs;
use crate::db::{self, DbConfig};
use crate::graphql::Limits;
use crate::server::HttpLimits;
use clap::Args;
use std::time::Duration;

/// Server settings.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FLYWHEEL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub jwt: JwtArgs,
    /// Largest request body, in bytes (a 1,000-item ingest batch is well under 2 MiB).
    #[arg(long, env = "FLYWHEEL_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds a request may run before it is answered 408.
    #[arg(long, env = "FLYWHEEL_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Deepest allowed query nesting.
    #[arg(long, env = "FLYWHEEL_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Highest allowed query complexity.
    #[arg(long, env = "FLYWHEEL_MAX_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,
    /// Most aliases in one query.
    #[arg(long, env = "FLYWHEEL_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Milliseconds a DataLoader waits for a page's rows to ask before it queries them at once.
    #[arg(long, env = "FLYWHEEL_BATCH_WINDOW_MS", default_value_t = 2)]
    pub batch_window_ms: u64,
    /// Minutes between rebuilds of the content cohort snapshot that new metrics are scored
    /// against (also rebuilt by `flywheel recompute content`'s rescoring).
    #[arg(long, env = "FLYWHEEL_COHORT_REFRESH_MINUTES", default_value_t = 60)]
    pub cohort_refresh_minutes: u64,
    /// Hours between LTV refits (every market's model and every creator's prediction).
    #[arg(long, env = "FLYWHEEL_LTV_REFIT_HOURS", default_value_t = 24)]
    pub ltv_refit_hours: u64,
    /// Hours between projected shop-rating evaluations (the official one stays a command).
    #[arg(long, env = "FLYWHEEL_RATING_PROJECTION_HOURS", default_value_t = 24)]
    pub rating_projection_hours: u64,
}

impl ServeArgs {
    /// The HTTP and GraphQL limits.
    pub fn limits(&self) -> (HttpLimits, Limits) {
        (
            HttpLimits {
                body_bytes: self.max_body_bytes,
                timeout: Duration::from_secs(self.request_timeout_secs),
            },
            Limits {
                depth: self.max_depth,
                complexity: self.max_complexity,
                aliases: self.max_aliases,
                batch_window: Duration::from_millis(self.batch_window_ms),
            },
        )
    }
}

/// Migrates, then serves until SIGINT/SIGTERM.
pub async fn run(db_config: &DbConfig, args: ServeArgs) -> anyhow::Result<()> {
    let keys = args.jwt.keys(None)?;
    let (conn, statements) = db::connect(db_config).await?;
    let applied = db::migrate(&conn).await?;
    tracing::info!(applied, "migrations applied");
    serve_with(
        conn,
        statements,
        keys,
        &args,
        crate::graphiql::Page::default(),
    )
    .await
}

/// Serves an already migrated database (shared with `flywheel demo`), GraphiQL opening on
/// `page`.
pub async fn serve_with(
    conn: sea_orm::DatabaseConnection,
    statements: std::sync::Arc<db::StatementCounter>,
    keys: crate::auth::JwtKeys,
    args: &ServeArgs,
    page: crate::graphiql::Page,
) -> anyhow::Result<()> {
    let (http, gql) = args.limits();
    let hours = |h: u64| Duration::from_secs(3_600 * h.max(1));
    let schedule = crate::jobs::Schedule {
        cohort_refresh: Duration::from_secs(60 * args.cohort_refresh_minutes.max(1)),
        ltv_refit: hours(args.ltv_refit_hours),
        rating_projection: hours(args.rating_projection_hours),
    };
    let app = crate::app(conn, statements, keys, http, gql, schedule)
        .layer(axum::Extension(std::sync::Arc::new(page)));
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {}: {e} (set FLYWHEEL_LISTEN)",
                args.listen
            )
        })?;
    tracing::info!(address = %listener.local_addr()?, "serving GraphQL on /graphql");
    crate::server::serve(listener, app, crate::server::shutdown_signal()).await?;
    Ok(())
}
