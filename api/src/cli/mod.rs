//! The `flywheel` command line: every flag has an environment fallback (shown in `--help`
//! and listed in the README).

pub mod demo;
pub mod examples;
pub mod import;
pub mod ltv;
mod matching;
mod recompute;
mod serve;
mod token;

use crate::auth::{JwtKeys, KeySource};
use crate::db::{self, DbConfig};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// The secret `flywheel demo` and `flywheel token` use when none is configured. `serve`
/// refuses to start without a configured secret or public key.
pub const DEMO_SECRET: &str = "flywheel-demo-secret-not-for-production";

/// Flywheel: scoring and matching for a content-commerce marketplace, over GraphQL.
#[derive(Parser, Debug)]
#[command(name = "flywheel", version)]
pub struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://flywheel.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// PostgreSQL schema to use (created if missing).
    #[arg(long, env = "FLYWHEEL_DB_SCHEMA", global = true)]
    pub database_schema: Option<String>,
    /// Database connection pool size.
    #[arg(long, env = "FLYWHEEL_DB_POOL", default_value_t = 16, global = true)]
    pub db_pool: u32,
    /// Log format.
    #[arg(
        long,
        env = "FLYWHEEL_LOG_FORMAT",
        value_enum,
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// How logs are written (levels come from `RUST_LOG`, default `info`).
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations, then serve GraphQL.
    Serve(serve::ServeArgs),
    /// Seed a demo marketplace (unless one exists), print tokens and example queries, serve.
    Demo(demo::DemoArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema {
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Mint a bearer token (HS256) for a role and scope.
    Token(token::TokenArgs),
    /// Load records from NDJSON or CSV files, in batches, idempotently.
    Import(import::ImportArgs),
    /// Recompute stored scores: shop ratings, content scores and pools, creator LTVs.
    #[command(subcommand)]
    Recompute(recompute::RecomputeArgs),
    /// Fit BG/NBD + Gamma-Gamma on an RFM file, or predict with them (no database).
    #[command(subcommand)]
    Ltv(ltv::LtvCommand),
    /// Offline evaluation of brand-to-creator matching on the current database.
    #[command(subcommand)]
    Matching(matching::MatchingCommand),
}

/// JWT verification settings shared by the commands that serve or mint.
#[derive(Args, Debug, Clone)]
pub struct JwtArgs {
    /// HS256 secret for verifying (and minting) tokens.
    #[arg(long, env = "FLYWHEEL_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM public key file for RS256/ES256 tokens issued elsewhere (instead of a secret).
    #[arg(long, env = "FLYWHEEL_JWT_PUBLIC_KEY", conflicts_with = "jwt_secret")]
    pub jwt_public_key: Option<PathBuf>,
    /// Algorithm of the public key.
    #[arg(
        long,
        env = "FLYWHEEL_JWT_ALGORITHM",
        value_enum,
        default_value = "rs256"
    )]
    pub jwt_algorithm: PublicKeyAlgorithm,
}

/// Asymmetric algorithms accepted with a public key.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum PublicKeyAlgorithm {
    Rs256,
    Es256,
}

impl JwtArgs {
    /// The key source, falling back to `fallback_secret` when nothing is configured.
    pub fn source(&self, fallback_secret: Option<&str>) -> anyhow::Result<KeySource> {
        if let Some(path) = &self.jwt_public_key {
            let pem = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let algorithm = match self.jwt_algorithm {
                PublicKeyAlgorithm::Rs256 => jsonwebtoken::Algorithm::RS256,
                PublicKeyAlgorithm::Es256 => jsonwebtoken::Algorithm::ES256,
            };
            return Ok(KeySource::PublicKey { algorithm, pem });
        }
        match (&self.jwt_secret, fallback_secret) {
            (Some(secret), _) if secret.len() < 16 => {
                anyhow::bail!("FLYWHEEL_JWT_SECRET must be at least 16 characters")
            }
            (Some(secret), _) => Ok(KeySource::Secret(secret.clone())),
            (None, Some(fallback)) => Ok(KeySource::Secret(fallback.to_owned())),
            (None, None) => anyhow::bail!(
                "no JWT key configured: set FLYWHEEL_JWT_SECRET (or --jwt-secret), or \
                 FLYWHEEL_JWT_PUBLIC_KEY for tokens issued elsewhere"
            ),
        }
    }

    /// Ready keys (see [`JwtArgs::source`]).
    pub fn keys(&self, fallback_secret: Option<&str>) -> anyhow::Result<JwtKeys> {
        JwtKeys::new(&self.source(fallback_secret)?)
    }
}

impl Cli {
    fn db_config(&self) -> DbConfig {
        DbConfig {
            url: self.database_url.clone(),
            schema: self.database_schema.clone(),
            max_connections: self.db_pool,
        }
    }
}

/// Installs the process's log, in `format`, written to `writer` (the CLI's is stderr; the
/// integration tests read theirs back), coloured only when `ansi` (the CLI: stderr is a
/// terminal and `NO_COLOR` is unset; escapes in a file or a collector are noise). Fails if a
/// log is installed already.
pub fn init_logging<W>(
    format: LogFormat,
    writer: W,
    ansi: bool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing::subscriber::set_global_default(subscriber(format, writer, ansi))?;
    Ok(())
}

/// The subscriber [`init_logging`] installs.
fn subscriber<W>(
    format: LogFormat,
    writer: W,
    ansi: bool,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    match format {
        LogFormat::Human => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().finish()),
    }
}

/// Connects for a command, saying what failed, where and what to check
/// ([`db::connect_error`]).
async fn connect(
    cfg: &DbConfig,
) -> anyhow::Result<(
    sea_orm::DatabaseConnection,
    std::sync::Arc<db::StatementCounter>,
)> {
    db::connect(cfg)
        .await
        .map_err(|e| anyhow::anyhow!(db::connect_error(cfg, &e)))
}

/// Parses the command line and runs the command.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    init_logging(cli.log_format, std::io::stderr, ansi).map_err(|e| anyhow::anyhow!(e))?;
    let db_config = cli.db_config();
    match cli.command {
        Command::Serve(args) => serve::run(&db_config, args).await,
        Command::Demo(args) => demo::run(&db_config, args).await,
        Command::Migrate => {
            let (conn, _) = connect(&db_config).await?;
            let applied = db::migrate(&conn).await?;
            println!("applied {applied} migration(s); the database is up to date");
            Ok(())
        }
        Command::Schema { out } => {
            let sdl = crate::graphql::sdl();
            match out {
                Some(path) => std::fs::write(&path, sdl)?,
                None => print!("{sdl}"),
            }
            Ok(())
        }
        Command::Token(args) => token::run(args),
        Command::Import(args) => import::run(&db_config, args).await,
        Command::Recompute(args) => recompute::run(&db_config, args).await,
        Command::Ltv(command) => ltv::run(command),
        Command::Matching(command) => matching::run(&db_config, command).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// What one event looks like through the subscriber [`init_logging`] installs.
    fn logged(format: LogFormat, ansi: bool) -> String {
        let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = Arc::clone(&buffer);
        let make = move || Sink(Arc::clone(&sink));
        tracing::subscriber::with_default(subscriber(format, make, ansi), || {
            tracing::info!(status = 200, "request");
        });
        String::from_utf8(buffer.lock().unwrap().clone()).unwrap()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_log_that_is_not_a_terminal_has_no_colour_escapes() {
        for format in [LogFormat::Human, LogFormat::Json] {
            let plain = logged(format, false);
            assert!(plain.contains("request"), "{plain}");
            assert!(!plain.contains('\x1b'), "{format:?}: {plain:?}");
        }
        assert!(
            logged(LogFormat::Human, true).contains('\x1b'),
            "a terminal still gets colours"
        );
    }
}
