//! `flywheel serve`.

use super::JwtArgs;
use crate::connections::ConnectionLimits;
use crate::db::{self, DbConfig};
use crate::graphql::Limits;
use crate::graphql::admission::{Introspection, QueryLimits};
use crate::jobs::Schedule;
use crate::server::{HttpLimits, ServerLimits};
use crate::throttle::ThrottleConfig;
use clap::Args;
use std::time::Duration;
use tokio::net::TcpListener;

/// Server settings.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FLYWHEEL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub jwt: JwtArgs,
    /// Largest request body, in bytes (a 1,000-item ingest batch is well under 2 MiB).
    #[arg(long, env = "FLYWHEEL_MAX_BODY_BYTES", default_value_t = HttpLimits::default().body_bytes)]
    pub max_body_bytes: usize,
    /// Seconds a request may run before it is answered 408.
    #[arg(long, env = "FLYWHEEL_REQUEST_TIMEOUT_SECS", default_value_t = HttpLimits::default().timeout.as_secs())]
    pub request_timeout_secs: u64,
    /// Deepest allowed field nesting (introspection is bounded on its own).
    #[arg(long, env = "FLYWHEEL_MAX_DEPTH", default_value_t = QueryLimits::default().depth)]
    pub max_depth: usize,
    /// Highest allowed query cost: one point per object, multiplied by page sizes through the
    /// nesting, more for fields that rank (README, Limits).
    #[arg(long, env = "FLYWHEEL_MAX_COST", default_value_t = QueryLimits::default().cost)]
    pub max_cost: u64,
    /// Most aliases in one query, fragments expanded.
    #[arg(long, env = "FLYWHEEL_MAX_ALIASES", default_value_t = QueryLimits::default().aliases)]
    pub max_aliases: usize,
    /// Most directives written in one document.
    #[arg(long, env = "FLYWHEEL_MAX_DIRECTIVES", default_value_t = QueryLimits::default().directives)]
    pub max_directives: usize,
    /// Most root fields in one operation.
    #[arg(long, env = "FLYWHEEL_MAX_ROOT_FIELDS", default_value_t = QueryLimits::default().root_fields)]
    pub max_root_fields: usize,
    /// Most lexical tokens in one document (large inputs belong in variables).
    #[arg(long, env = "FLYWHEEL_MAX_TOKENS", default_value_t = QueryLimits::default().tokens)]
    pub max_tokens: usize,
    /// Production defaults: introspection only with a valid token, no "did you mean" hints.
    #[arg(long, env = "FLYWHEEL_PRODUCTION")]
    pub production: bool,
    /// Who may introspect the schema [default: public, or authenticated with --production].
    #[arg(long, env = "FLYWHEEL_INTROSPECTION", value_enum)]
    pub introspection: Option<Introspection>,
    /// Cost points restored per second to each token (anonymous addresses: a tenth); 0 turns
    /// rate limiting off. Admin tokens are not metered.
    #[arg(long, env = "FLYWHEEL_RATE_LIMIT_PER_SEC", default_value_t = ThrottleConfig::default().per_second)]
    pub rate_limit_per_sec: u64,
    /// Cost points a token can hold: its largest burst (anonymous addresses: a tenth).
    #[arg(long, env = "FLYWHEEL_RATE_LIMIT_BURST", default_value_t = ThrottleConfig::default().burst)]
    pub rate_limit_burst: u64,
    /// Most open connections; at the cap the oldest idle one is closed for a new one.
    #[arg(long, env = "FLYWHEEL_MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().max)]
    pub max_connections: usize,
    /// Seconds a connection may take to send a request's headers, idle keep-alive included.
    #[arg(long, env = "FLYWHEEL_HEADER_TIMEOUT_SECS", default_value_t = ConnectionLimits::default().header_timeout.as_secs())]
    pub header_timeout_secs: u64,
    /// Seconds a response write may make no progress before the connection is closed.
    #[arg(long, env = "FLYWHEEL_WRITE_TIMEOUT_SECS", default_value_t = ConnectionLimits::default().write_timeout.as_secs())]
    pub write_timeout_secs: u64,
    /// Milliseconds a DataLoader waits for a page's rows to ask before it queries them at once.
    #[arg(long, env = "FLYWHEEL_BATCH_WINDOW_MS", default_value_t = Limits::default().batch_window.as_millis() as u64)]
    pub batch_window_ms: u64,
    /// Minutes between rebuilds of the content cohort snapshot that new metrics are scored
    /// against (also rebuilt by `flywheel recompute content`'s rescoring).
    #[arg(long, env = "FLYWHEEL_COHORT_REFRESH_MINUTES", default_value_t = Schedule::default().cohort_refresh.as_secs() / 60)]
    pub cohort_refresh_minutes: u64,
    /// Hours between LTV refits (every market's model and every creator's prediction).
    #[arg(long, env = "FLYWHEEL_LTV_REFIT_HOURS", default_value_t = Schedule::default().ltv_refit.as_secs() / 3_600)]
    pub ltv_refit_hours: u64,
    /// Hours between projected shop-rating evaluations (the official one stays a command).
    #[arg(long, env = "FLYWHEEL_RATING_PROJECTION_HOURS", default_value_t = Schedule::default().rating_projection.as_secs() / 3_600)]
    pub rating_projection_hours: u64,
}

impl ServeArgs {
    /// The limits these flags set.
    pub fn limits(&self) -> ServerLimits {
        let introspection = self.introspection.unwrap_or(if self.production {
            Introspection::Authenticated
        } else {
            Introspection::Public
        });
        ServerLimits {
            http: HttpLimits {
                body_bytes: self.max_body_bytes,
                timeout: Duration::from_secs(self.request_timeout_secs),
            },
            graphql: Limits {
                query: QueryLimits {
                    depth: self.max_depth,
                    cost: self.max_cost,
                    aliases: self.max_aliases,
                    directives: self.max_directives,
                    root_fields: self.max_root_fields,
                    tokens: self.max_tokens,
                    introspection,
                },
                suggestions: !self.production,
                batch_window: Duration::from_millis(self.batch_window_ms),
            },
            throttle: ThrottleConfig {
                per_second: self.rate_limit_per_sec,
                burst: self.rate_limit_burst,
            },
            connections: ConnectionLimits {
                max: self.max_connections.max(1),
                header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
                write_timeout: Duration::from_secs(self.write_timeout_secs.max(1)),
            },
        }
    }

    /// The job periods these flags set (at least a minute, or an hour, each).
    pub fn schedule(&self) -> Schedule {
        let hours = |h: u64| Duration::from_secs(3_600 * h.max(1));
        Schedule {
            cohort_refresh: Duration::from_secs(60 * self.cohort_refresh_minutes.max(1)),
            ltv_refit: hours(self.ltv_refit_hours),
            rating_projection: hours(self.rating_projection_hours),
        }
    }
}

/// Binds the listen address, migrates, then serves until SIGINT/SIGTERM. The address comes
/// first: a mistyped or taken one fails at once, with the database untouched.
pub async fn run(db_config: &DbConfig, args: ServeArgs) -> anyhow::Result<()> {
    let keys = args.jwt.keys(None)?;
    let listener = listen(&args.listen).await?;
    let (conn, statements) = super::connect(db_config).await?;
    let applied = db::migrate(&conn).await?;
    tracing::info!(applied, "migrations applied");
    serve_with(
        listener,
        conn,
        statements,
        keys,
        &args,
        crate::graphiql::Page::default(),
    )
    .await
}

/// Binds `address` (`HOST:PORT`), saying which setting to fix when it cannot.
pub async fn listen(address: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {address}: {e} (set --listen or FLYWHEEL_LISTEN)")
    })
}

/// Serves an already migrated database on `listener` (shared with `flywheel demo`),
/// GraphiQL opening on `page`.
pub async fn serve_with(
    listener: TcpListener,
    conn: sea_orm::DatabaseConnection,
    statements: std::sync::Arc<db::StatementCounter>,
    keys: crate::auth::JwtKeys,
    args: &ServeArgs,
    page: crate::graphiql::Page,
) -> anyhow::Result<()> {
    let limits = args.limits();
    let app = crate::app(conn, statements, keys, &limits, args.schedule())
        .layer(axum::Extension(std::sync::Arc::new(page)));
    tracing::info!(address = %listener.local_addr()?, "serving GraphQL on /graphql");
    crate::connections::serve(
        listener,
        app,
        limits.connections,
        crate::server::shutdown_signal(),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Every default is defined once, by the settings' `Default`: the flags read it.
    #[test]
    fn flags_left_out_give_the_defaults() {
        let cli = crate::cli::Cli::try_parse_from(["flywheel", "serve"]).expect("the flags parse");
        let crate::cli::Command::Serve(args) = cli.command else {
            unreachable!()
        };
        assert_eq!(
            format!("{:?}", args.limits()),
            format!("{:?}", ServerLimits::default())
        );
        assert_eq!(
            format!("{:?}", args.schedule()),
            format!("{:?}", Schedule::default())
        );
    }

    /// A bad address fails before the database is opened: the SQLite file is never created.
    #[tokio::test]
    async fn a_bad_listen_address_fails_before_the_database_is_touched() {
        let file = std::env::temp_dir().join(format!("flywheel-listen-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let cli = crate::cli::Cli::try_parse_from([
            "flywheel",
            "--database-url",
            &url,
            "serve",
            "--listen",
            "127.0.0.1:notaport",
            "--jwt-secret",
            "a-secret-of-sixteen-or-more",
        ])
        .expect("the flags parse");
        let db_config = cli.db_config();
        let crate::cli::Command::Serve(args) = cli.command else {
            unreachable!()
        };
        let err = run(&db_config, args).await.expect_err("a bad address");
        assert!(
            err.to_string()
                .starts_with("cannot listen on 127.0.0.1:notaport: "),
            "{err}"
        );
        assert!(!file.exists(), "the database was not opened");
    }
}
