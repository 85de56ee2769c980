//! `flywheel import`: load records from NDJSON or CSV files in batches through the same code as
//! the ingest mutations. Each batch is all-or-nothing and idempotent, so a re-run after a
//! failure skips what is already in and carries on.

use crate::auth::{Caller, Role};
use crate::db::{self, DbConfig};
use crate::error::ApiError;
use crate::ingest::{self, BatchOutcome, IngestContext, MAX_BATCH};
use anyhow::{Context as _, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// What to import.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// NDJSON (`.ndjson`, `.jsonl`: one record per line with a `record` field naming its kind)
    /// or CSV (`.csv`: a header row of field names; the kind is the file name, e.g.
    /// `creators.csv`, or `--kind`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Record kind of CSV files whose name is not a kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// Records per transaction.
    #[arg(long, default_value_t = 500)]
    pub batch_size: usize,
}

/// Totals per kind across all files.
type Summary = BTreeMap<String, BatchOutcome>;

/// Imports every file in order, stopping at the first bad batch.
pub async fn run(db_config: &DbConfig, args: ImportArgs) -> anyhow::Result<()> {
    if !(1..=MAX_BATCH).contains(&args.batch_size) {
        bail!("--batch-size must be between 1 and {MAX_BATCH}");
    }
    let (conn, _) = super::connect(db_config).await?;
    db::migrate(&conn).await?;
    let ctx = IngestContext {
        caller: Caller {
            subject: "cli:import".into(),
            role: Role::Admin,
            brand_id: None,
            shop_id: None,
            markets: vec![],
        },
        now: chrono::Utc::now(),
        content: std::sync::Arc::new(crate::content::ContentScoring::new(conn.clone())),
    };
    let mut summary = Summary::new();
    for path in &args.files {
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let progress = Progress::new(path, size);
        let result = match extension(path) {
            "csv" => import_csv(&conn, path, &args, &ctx, &progress, &mut summary).await,
            "ndjson" | "jsonl" => {
                import_ndjson(&conn, path, args.batch_size, &ctx, &progress, &mut summary).await
            }
            other => Err(anyhow::anyhow!(
                "{}: unknown format {other:?}; use .ndjson, .jsonl or .csv",
                path.display()
            )),
        };
        progress.finish(result.is_ok());
        if let Err(err) = result {
            bail!("{err:#}; {}", committed(&summary));
        }
    }
    crate::db::refresh_statistics(&conn).await?;
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>9}",
        "kind", "received", "created", "updated", "unchanged"
    );
    for (kind, o) in &summary {
        println!(
            "{kind:<16} {:>9} {:>9} {:>9} {:>9}",
            o.received, o.created, o.updated, o.unchanged
        );
    }
    Ok(())
}

/// What a failed import leaves in the database: every batch before the bad one.
fn committed(summary: &Summary) -> String {
    if summary.is_empty() {
        return "import stopped; nothing was committed".to_owned();
    }
    let kinds: Vec<String> = summary
        .iter()
        .map(|(kind, o)| {
            format!(
                "{kind} {} ({} created, {} updated, {} unchanged)",
                o.received, o.created, o.updated, o.unchanged
            )
        })
        .collect();
    format!(
        "import stopped; committed before it: {}; a re-run skips what is in and carries on",
        kinds.join(", ")
    )
}

/// A file's progress: a bar on a terminal, else a line on stderr every few seconds, so a
/// long import under a scheduler or in CI shows it is moving.
struct Progress {
    bar: ProgressBar,
    name: String,
    size: u64,
    last_line: std::cell::Cell<std::time::Instant>,
}

impl Progress {
    /// Seconds between plain progress lines.
    const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

    fn new(path: &Path, size: u64) -> Self {
        let bar = ProgressBar::new(size).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        let name = path.display().to_string();
        bar.set_message(name.clone());
        if bar.is_hidden() {
            eprintln!("importing {name} ({size} bytes)");
        }
        Self {
            bar,
            name,
            size,
            last_line: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// Moves to `position` bytes into the file.
    fn set(&self, position: u64) {
        self.bar.set_position(position);
        if self.bar.is_hidden() && self.last_line.get().elapsed() >= Self::EVERY {
            self.last_line.set(std::time::Instant::now());
            let percent = position as f64 * 100.0 / self.size.max(1) as f64;
            eprintln!(
                "{}: {percent:.0}% ({position} of {} bytes)",
                self.name, self.size
            );
        }
    }

    fn finish(&self, ok: bool) {
        self.bar.finish_and_clear();
        if self.bar.is_hidden() && ok {
            eprintln!("{}: done", self.name);
        }
    }
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// Turns a batch error into one naming the file and line of the offending record.
fn locate(err: ApiError, path: &Path, lines: &[usize]) -> anyhow::Error {
    match &err {
        ApiError::Invalid { index, .. } => {
            let line = lines.get(*index).copied().unwrap_or(0);
            anyhow::anyhow!("{}:{line}: {}", path.display(), err.message())
        }
        _ => anyhow::anyhow!(
            "{}: {} ({})",
            path.display(),
            err.operator_message(),
            err.code()
        ),
    }
}

async fn import_ndjson(
    conn: &sea_orm::DatabaseConnection,
    path: &Path,
    batch_size: usize,
    ctx: &IngestContext,
    progress: &Progress,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let reader = BufReader::new(std::fs::File::open(path)?);
    let mut kind = String::new();
    let mut batch: Vec<serde_json::Value> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut position = 0;
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        position += line.len() as u64 + 1;
        progress.set(position);
        if line.trim().is_empty() {
            continue;
        }
        let mut value: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| anyhow::anyhow!("{}:{}: not JSON: {e}", path.display(), n + 1))?;
        // `record`, not `kind`: content has a `kind` of its own (VIDEO or LIVE).
        let record_kind = value
            .as_object_mut()
            .and_then(|o| o.remove("record"))
            .and_then(|k| k.as_str().map(str::to_owned))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}:{}: a record needs a \"record\" field naming its kind (one of {})",
                    path.display(),
                    n + 1,
                    ingest::KINDS.join(", ")
                )
            })?;
        if record_kind != kind || batch.len() == batch_size {
            flush(conn, &kind, &mut batch, &mut lines, path, ctx, summary).await?;
            kind = record_kind;
        }
        batch.push(value);
        lines.push(n + 1);
    }
    flush(conn, &kind, &mut batch, &mut lines, path, ctx, summary).await
}

async fn flush(
    conn: &sea_orm::DatabaseConnection,
    kind: &str,
    batch: &mut Vec<serde_json::Value>,
    lines: &mut Vec<usize>,
    path: &Path,
    ctx: &IngestContext,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let outcome = ingest::run_json(conn, kind, std::mem::take(batch), ctx)
        .await
        .map_err(|e| locate(e, path, lines))?;
    summary.entry(kind.to_owned()).or_default().add(outcome);
    lines.clear();
    Ok(())
}

async fn import_csv(
    conn: &sea_orm::DatabaseConnection,
    path: &Path,
    args: &ImportArgs,
    ctx: &IngestContext,
    progress: &Progress,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let kind = args.kind.clone().unwrap_or_else(|| stem.to_owned());
    if !ingest::KINDS.contains(&kind.as_str()) {
        bail!(
            "{}: cannot tell the record kind; name the file after it or pass --kind (one of {})",
            path.display(),
            ingest::KINDS.join(", ")
        );
    }
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::with_capacity(args.batch_size);
    let mut lines = Vec::with_capacity(args.batch_size);
    let mut records = reader.records();
    loop {
        let next = records.next();
        if let Some(record) = &next {
            let record = record
                .as_ref()
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            progress.set(record.position().map_or(0, |p| p.byte()));
            lines.push(record.position().map_or(0, |p| p.line() as usize));
            rows.push(record.clone());
        }
        if rows.len() == args.batch_size || (next.is_none() && !rows.is_empty()) {
            let outcome = ingest::run_csv(conn, &kind, &headers, &rows, ctx)
                .await
                .map_err(|e| locate(e, path, &lines))?;
            summary.entry(kind.clone()).or_default().add(outcome);
            rows.clear();
            lines.clear();
        }
        if next.is_none() {
            return Ok(());
        }
    }
}
