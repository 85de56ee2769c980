//! The jobs a server runs on a schedule, so its scores stay current without an operator: the
//! content cohort snapshot new metrics are scored against, the per-market LTV fits with every
//! creator's prediction, the scores matching ranks with, and the shop ratings (the daily
//! projection, and the monthly official evaluation when it is due). Each job is the same code
//! as its `flywheel recompute` command; a failure is logged and retried at the next tick. Every run
//! is logged and counted in `/metrics` (`flywheel_job_*`, by job name).

use crate::content::ContentScoring;
use crate::error::ApiResult;
use crate::matching::Matching;
use crate::metrics::Metrics;
use crate::rating::recompute::EvaluationKind;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How often each job runs.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Content cohort snapshot rebuild (the first at start-up).
    pub cohort_refresh: Duration,
    /// LTV refit and predictions (the first one period after start-up).
    pub ltv_refit: Duration,
    /// Projected shop ratings, and the official evaluation when due (the first one period
    /// after start-up).
    pub rating_projection: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            cohort_refresh: Duration::from_secs(3_600),
            ltv_refit: Duration::from_secs(24 * 3_600),
            rating_projection: Duration::from_secs(24 * 3_600),
        }
    }
}

/// Starts the scheduled jobs on the current runtime, recording their runs in `metrics`.
pub fn spawn(
    db: DatabaseConnection,
    content: Arc<ContentScoring>,
    matching: Arc<Matching>,
    metrics: Arc<Metrics>,
    schedule: Schedule,
) {
    let jobs = Jobs(metrics);
    jobs.every(
        "cohort_refresh",
        schedule.cohort_refresh,
        At::Once,
        move || {
            let content = Arc::clone(&content);
            async move { content.refresh().await.map(|_| ()) }
        },
    );
    // Content scores change with every metric report: matching re-reads them as often as the
    // cohorts are refreshed, and after every LTV refit.
    let scores = Arc::clone(&matching);
    jobs.every(
        "matching_scores",
        schedule.cohort_refresh,
        At::Later,
        move || {
            let matching = Arc::clone(&scores);
            async move { matching.refresh_scores().await }
        },
    );
    let ltv_db = db.clone();
    jobs.every("ltv_refit", schedule.ltv_refit, At::Later, move || {
        let db = ltv_db.clone();
        let matching = Arc::clone(&matching);
        async move {
            let options = crate::ltv::recompute::Options::new(Utc::now());
            crate::ltv::recompute::run(&db, &options, &|_, _, _| {}).await?;
            matching.refresh_scores().await
        }
    });
    jobs.every(
        "rating_projection",
        schedule.rating_projection,
        At::Later,
        move || {
            let db = db.clone();
            async move { rate_shops(&db, Utc::now()).await }
        },
    );
}

/// The rating job: the official evaluation when one is due (as of its due day), then the
/// daily projection.
async fn rate_shops(db: &DatabaseConnection, now: DateTime<Utc>) -> ApiResult<()> {
    use crate::rating::recompute::{Options, last_official, run};
    let config = crate::rating::config();
    let due = crate::rating::schedule::due_official(
        last_official(db).await?,
        now.date_naive(),
        config.hysteresis.official_day_of_month,
    );
    if let Some(day) = due {
        let options = Options {
            kind: EvaluationKind::Official,
            as_of: Some(day),
            now,
        };
        run(db, config, &options, &|_, _, _| {}).await?;
    }
    let options = Options {
        kind: EvaluationKind::Projected,
        as_of: None,
        now,
    };
    run(db, config, &options, &|_, _, _| {}).await.map(|_| ())
}

/// When a job first runs.
enum At {
    /// At start-up.
    Once,
    /// One period after start-up.
    Later,
}

/// Where the jobs' runs are recorded.
struct Jobs(Arc<Metrics>);

impl Jobs {
    /// Runs `job` every `period`, the first time at `first`.
    fn every<F, Fut>(&self, name: &'static str, period: Duration, first: At, job: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = crate::error::ApiResult<()>> + Send,
    {
        let metrics = Arc::clone(&self.0);
        metrics.job_scheduled(name);
        tokio::spawn(async move {
            let start = match first {
                At::Once => tokio::time::Instant::now(),
                At::Later => tokio::time::Instant::now() + period,
            };
            let mut tick = tokio::time::interval_at(start, period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let (at, started) = (std::time::SystemTime::now(), std::time::Instant::now());
                let outcome = job().await;
                let took = started.elapsed();
                metrics.job_ran(name, at, took, outcome.is_ok());
                match outcome {
                    Ok(()) => tracing::info!(
                        job = name,
                        millis = took.as_millis() as u64,
                        "scheduled job done"
                    ),
                    Err(err) => tracing::error!(
                        job = name,
                        error = %err.operator_message(),
                        "scheduled job failed"
                    ),
                }
            }
        });
    }
}
