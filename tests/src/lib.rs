//! The integration-test harness: starts the real Flywheel server on an ephemeral port over a
//! fresh database (a temporary SQLite file, or a PostgreSQL schema of its own) and speaks
//! GraphQL to it over HTTP.
//!
//! PostgreSQL is found at `FLYWHEEL_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). Every scenario runs on both databases; set
//! `FLYWHEEL_TEST_SKIP_PG=1` only on a machine without PostgreSQL.

pub mod browser;
pub mod fixture;

use flywheel::auth::{Claims, JwtKeys, KeySource, Role};
use flywheel::cli::examples::{self, Example, Subjects, Tokens};
use flywheel::db::{self, DbConfig};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The secret test tokens are signed with.
pub const SECRET: &str = "integration-test-secret-0123456789";

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares one `#[tokio::test]` per database for an `async fn(Backend)` scenario.
#[macro_export]
macro_rules! on_both_databases {
    ($($scenario:ident),+ $(,)?) => {
        $(mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::skip_postgres() {
                    eprintln!("FLYWHEEL_TEST_SKIP_PG is set: skipping the PostgreSQL run");
                    return;
                }
                super::$scenario($crate::Backend::Postgres).await
            }
        })+
    };
}

/// Whether the PostgreSQL runs were switched off explicitly.
pub fn skip_postgres() -> bool {
    std::env::var("FLYWHEEL_TEST_SKIP_PG").is_ok_and(|v| v == "1")
}

fn pg_url() -> String {
    std::env::var("FLYWHEEL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of the test's own.
pub struct TestDb {
    pub config: DbConfig,
    backend: Backend,
    path: Option<std::path::PathBuf>,
}

impl TestDb {
    /// Creates an empty database (nothing migrated yet).
    pub async fn new(backend: Backend) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let stamp = chrono::Utc::now().timestamp();
        let tag = format!("{stamp}_{}_{n}", std::process::id());
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("flywheel-test-{tag}.db"));
                Self {
                    config: DbConfig {
                        url: format!("sqlite://{}?mode=rwc", path.display()),
                        schema: None,
                        max_connections: 4,
                    },
                    backend,
                    path: Some(path),
                }
            }
            Backend::Postgres => {
                drop_stale_schemas(stamp).await;
                Self {
                    config: DbConfig {
                        url: pg_url(),
                        schema: Some(format!("fwtest_{tag}")),
                        max_connections: 4,
                    },
                    backend,
                    path: None,
                }
            }
        }
    }

    /// Removes the database.
    pub async fn drop(self) {
        match self.backend {
            Backend::Sqlite => {
                if let Some(path) = self.path {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                }
            }
            Backend::Postgres => {
                let schema = self.config.schema.expect("postgres tests use a schema");
                drop_schema(&schema).await;
            }
        }
    }
}

async fn admin_connection() -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(pg_url())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {} ({e}). Start it with `pg_ctlcluster \
             --skip-systemctl-redirect $(ls /etc/postgresql) main start`, point \
             FLYWHEEL_TEST_PG_URL at one, or set FLYWHEEL_TEST_SKIP_PG=1",
                pg_url()
            )
        })
}

async fn drop_schema(schema: &str) {
    use sea_orm::ConnectionTrait;
    let conn = admin_connection().await;
    let _ = conn
        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .await;
    let _ = conn.close().await;
}

/// Drops schemas left by test runs that died more than an hour ago.
async fn drop_stale_schemas(now: i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = admin_connection().await;
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fwtest\\_%'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "nspname") else {
            continue;
        };
        let stamp = name
            .split('_')
            .nth(1)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(now);
        if now - stamp > 3600 {
            let _ = conn
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                .await;
        }
    }
    let _ = conn.close().await;
}

/// A running server over a fresh, migrated database.
pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub db: sea_orm::DatabaseConnection,
    keys: JwtKeys,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
    database: Option<TestDb>,
}

impl TestServer {
    /// The HTTP limits `flywheel serve` uses by default.
    pub fn default_http() -> flywheel::server::HttpLimits {
        flywheel::server::HttpLimits::default()
    }

    /// Starts a server on a new database of the given kind.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(
            backend,
            Self::default_http(),
            flywheel::graphql::Limits::default(),
        )
        .await
    }

    /// Starts a server with the given HTTP and GraphQL limits, without rate limiting (tests
    /// of other things send bursts no client would).
    pub async fn start_with(
        backend: Backend,
        http: flywheel::server::HttpLimits,
        limits: flywheel::graphql::Limits,
    ) -> Self {
        let off = flywheel::throttle::ThrottleConfig {
            per_second: 0,
            ..Default::default()
        };
        Self::start_limited(
            backend,
            flywheel::server::ServerLimits {
                http,
                graphql: limits,
                throttle: off,
                connections: Default::default(),
            },
        )
        .await
    }

    /// Starts a server with every limit given.
    pub async fn start_limited(backend: Backend, limits: flywheel::server::ServerLimits) -> Self {
        let (database, conn, statements, keys) = Self::fresh(backend).await;
        let app = flywheel::app(
            conn.clone(),
            statements,
            keys.clone(),
            &limits,
            flywheel::jobs::Schedule::default(),
        );
        Self::serve(database, conn, keys, app, limits.connections).await
    }

    /// Starts a server on a small demo marketplace, seeded and scored as `flywheel demo`
    /// does, with GraphiQL opening on the demo's examples. Returns the examples and the
    /// tokens they run with.
    pub async fn start_demo(backend: Backend, scale: f64) -> (Self, Vec<Example>, Tokens) {
        let (database, conn, statements, keys) = Self::fresh(backend).await;
        flywheel::cli::demo::seed(&conn, &flywheel_demo::DemoOptions::today(scale, 7))
            .await
            .expect("seed the demo");
        let subjects = Subjects::read(&conn).await.expect("the demo's subjects");
        let tokens = Tokens::mint(&keys, &subjects).expect("tokens");
        let examples = examples::examples(&subjects);
        let page = examples::page(&examples, &tokens);
        let limits = flywheel::server::ServerLimits::default();
        let app = flywheel::app(
            conn.clone(),
            statements,
            keys.clone(),
            &limits,
            flywheel::jobs::Schedule::default(),
        )
        .layer(axum::Extension(std::sync::Arc::new(page)));
        (
            Self::serve(database, conn, keys, app, limits.connections).await,
            examples,
            tokens,
        )
    }

    /// A new, migrated database of the given kind, and the test secret's keys.
    async fn fresh(
        backend: Backend,
    ) -> (
        TestDb,
        sea_orm::DatabaseConnection,
        std::sync::Arc<db::StatementCounter>,
        JwtKeys,
    ) {
        let database = TestDb::new(backend).await;
        let (conn, statements) = db::connect(&database.config).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        let keys = JwtKeys::new(&KeySource::Secret(SECRET.into())).expect("keys");
        (database, conn, statements, keys)
    }

    async fn serve(
        database: TestDb,
        conn: sea_orm::DatabaseConnection,
        keys: JwtKeys,
        app: axum::Router,
        connections: flywheel::connections::ConnectionLimits,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            flywheel::connections::serve(listener, app, connections, async {
                let _ = rx.await;
            })
            .await
            .expect("server");
        });
        Self {
            base,
            http: reqwest::Client::new(),
            db: conn,
            keys,
            shutdown: Some(tx),
            handle: Some(handle),
            database: Some(database),
        }
    }

    /// The database settings, for driving the CLI's functions against the same database.
    pub fn db_config(&self) -> &DbConfig {
        &self.database.as_ref().expect("running").config
    }

    /// Stops the server and removes its database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.await;
        }
        let _ = self.db.clone().close().await;
        if let Some(database) = self.database.take() {
            database.drop().await;
        }
    }

    /// A token for a role and scope, valid for an hour.
    pub fn token(
        &self,
        role: Role,
        brand_id: Option<i64>,
        shop_id: Option<i64>,
        markets: &[&str],
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        self.keys
            .mint(&Claims {
                sub: format!("test:{role:?}"),
                role,
                brand_id: brand_id.map(|b| b.to_string()),
                shop_id: shop_id.map(|s| s.to_string()),
                markets: (!markets.is_empty())
                    .then(|| markets.iter().map(|m| m.to_string()).collect()),
                exp: now + 3600,
                iat: now,
            })
            .expect("mint")
    }

    /// An admin token.
    pub fn admin(&self) -> String {
        self.token(Role::Admin, None, None, &[])
    }

    /// Posts a GraphQL request; returns the whole JSON response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let text = self.gql_text(token, query, variables).await;
        serde_json::from_str(&text).expect("JSON response")
    }

    /// Posts a GraphQL request; returns the response body as sent, keys in the server's order.
    pub async fn gql_text(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let resp = self
            .request(token, query, variables)
            .send()
            .await
            .expect("request");
        resp.text().await.expect("response body")
    }

    /// A GraphQL POST ready to send, for tests that read its status or headers.
    pub fn request(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> reqwest::RequestBuilder {
        let req = self
            .http
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        match token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    /// Posts a GraphQL request that must succeed; returns `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(Some(token), query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The id of the creator with this external id (among the first 100), read as an admin.
    pub async fn creator_id(&self, external_id: &str) -> String {
        let data = self
            .ok(
                &self.admin(),
                "{ creators(first: 100) { edges { node { id externalId } } } }",
                json!({}),
            )
            .await;
        data["creators"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["node"]["externalId"] == external_id)
            .and_then(|e| e["node"]["id"].as_str())
            .unwrap_or_else(|| panic!("no creator {external_id}"))
            .to_owned()
    }

    /// The value of a Prometheus counter without labels.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("metric {name} missing"))
    }
}

/// The log of every server this test binary runs, as the server writes it with
/// `--log-format json`, kept in memory so that a test can read what a request logged.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    /// The binary's log, installed by the first call (tests that never ask log nowhere).
    pub fn capture() -> &'static Log {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log::default();
            let writer = log.clone();
            flywheel::cli::init_logging(
                flywheel::cli::LogFormat::Json,
                move || writer.clone(),
                false,
            )
            .expect("no other log is installed in the test binary");
            log
        })
    }

    /// The lines logged so far within the request with this `x-request-id`.
    pub fn of_request(&self, request_id: &str) -> Vec<Value> {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|line| {
                line["spans"]
                    .as_array()
                    .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == request_id))
            })
            .collect()
    }
}

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
