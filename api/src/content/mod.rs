//! Content scores in the API: every piece's score and traffic pool kept current on metric and
//! violation ingest, creators' rolling content scores next to them, and the full recompute.
//! The maths is `scoring::content`; this module turns rows into its inputs and its results
//! into rows.
//!
//! Pieces are scored against a [`Model`]: the cohort snapshot of the current window (28 days by
//! default) and the niche means creators are shrunk toward. A server builds it at start-up and
//! rebuilds it on a schedule; `flywheel recompute content` rebuilds it and rescores everything.

mod pieces;
pub mod recompute;
mod rescore;
pub mod stored;

pub use pieces::severity;
pub use rescore::rescore;
pub use stored::{SellingPiece, selling_content, shop_score};

use crate::days::day_of;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Duration, Utc};
use scoring::content::{CohortSnapshot, ContentConfig, ContentError, NicheMeans, Scorer};
use scoring::fingerprint::Fingerprint;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;

/// The content configuration in force: the documented defaults of `scoring::content`.
pub fn config() -> &'static ContentConfig {
    static CONFIG: std::sync::LazyLock<ContentConfig> =
        std::sync::LazyLock::new(ContentConfig::default);
    &CONFIG
}

/// The fingerprint of [`config`], stored with every content score.
pub fn fingerprint() -> Fingerprint {
    static FINGERPRINT: std::sync::LazyLock<Fingerprint> =
        std::sync::LazyLock::new(|| Fingerprint::of(config()));
    *FINGERPRINT
}

/// What pieces are scored against: the cohorts of the current window and the niche means.
pub struct Model {
    pub snapshot: CohortSnapshot,
    pub niche_means: NicheMeans,
    pub markets: pieces::Markets,
    pub built_at: DateTime<Utc>,
}

impl Model {
    /// Builds the model as of `now` from the content published in the cohort window and the
    /// stored scores of the creator window.
    pub async fn build(db: &impl ConnectionTrait, now: DateTime<Utc>) -> ApiResult<Self> {
        let config = config();
        let markets = pieces::Markets::load(db).await?;
        let since = now - Duration::days(i64::from(config.window_days));
        let loaded = pieces::load(db, pieces::Filter::PublishedAfter(since), &markets).await?;
        let snapshot = CohortSnapshot::build(loaded.iter().map(|l| &l.piece), day_of(now), config)
            .map_err(content_error)?;
        let niche_means = stored::niche_means(db, &markets, now).await?;
        Ok(Self {
            snapshot,
            niche_means,
            markets,
            built_at: now,
        })
    }

    /// A scorer over this model's snapshot.
    pub fn scorer(&self) -> ApiResult<Scorer<'_>> {
        Scorer::new(config(), &self.snapshot).map_err(content_error)
    }
}

/// The model a server (or an import) scores with: built on first use, swapped whole on refresh
/// so a scoring in flight keeps the snapshot it started with.
pub struct ContentScoring {
    db: DatabaseConnection,
    model: std::sync::RwLock<Option<Arc<Model>>>,
    building: tokio::sync::Mutex<()>,
    tried: std::sync::atomic::AtomicBool,
}

impl ContentScoring {
    /// Scoring over `db`; nothing is read until first use.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            model: std::sync::RwLock::new(None),
            building: tokio::sync::Mutex::new(()),
            tried: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn current(&self) -> Option<Arc<Model>> {
        crate::locks::read(&self.model).clone()
    }

    /// The current model, built now if there is none yet.
    pub async fn model(&self) -> ApiResult<Arc<Model>> {
        if let Some(model) = self.current() {
            return Ok(model);
        }
        let _building = self.building.lock().await;
        match self.current() {
            Some(model) => Ok(model),
            None => self.rebuild().await,
        }
    }

    /// Rebuilds the model from the database and swaps it in.
    pub async fn refresh(&self) -> ApiResult<Arc<Model>> {
        let _building = self.building.lock().await;
        self.rebuild().await
    }

    /// Whether a build has finished since start-up, whatever its outcome (the server's
    /// `cohort_refresh` job makes the first one at start-up; `/readyz` waits for it).
    pub fn tried(&self) -> bool {
        self.tried.load(std::sync::atomic::Ordering::Acquire)
    }

    async fn rebuild(&self) -> ApiResult<Arc<Model>> {
        let started = std::time::Instant::now();
        let built = Model::build(&self.db, Utc::now()).await;
        self.tried.store(true, std::sync::atomic::Ordering::Release);
        let model = Arc::new(built?);
        tracing::info!(
            pieces = model.snapshot.piece_count(),
            millis = started.elapsed().as_millis() as u64,
            "content cohort snapshot built"
        );
        *crate::locks::write(&self.model) = Some(Arc::clone(&model));
        Ok(model)
    }
}

/// Scoring errors: impossible counts are the client's; anything else is ours.
pub(crate) fn content_error(e: ContentError) -> ApiError {
    match e {
        ContentError::InvalidStats { .. } => ApiError::BadInput(e.to_string()),
        other => ApiError::internal("scoring content", other),
    }
}

/// Explains a stored score against the current cohorts (the improvements name today's target
/// rates); `None` while the piece has no score.
pub async fn explain(
    db: &impl ConnectionTrait,
    model: &Model,
    row: &entities::content_score::Model,
    labels: &scoring::content::CohortLabels<'_>,
) -> ApiResult<Option<scoring::content::Explanation>> {
    let Some(score) = stored::score_of(row) else {
        return Ok(None);
    };
    let loaded = pieces::load(db, pieces::Filter::Ids(&[row.content_id]), &model.markets).await?;
    loaded
        .first()
        .map(|l| model.scorer().map(|s| s.explain(&l.piece, &score, labels)))
        .transpose()
}
