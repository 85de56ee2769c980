//! The full recompute: a fresh cohort snapshot, every piece's score and pool, every creator's
//! content score, written in one transaction (all or nothing).

use super::pieces::{self, Filter};
use super::{Model, content_error, stored};
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// What a recompute did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Pieces scored (with or without views).
    pub pieces: usize,
    /// Pieces with a score (some views).
    pub scored: usize,
    /// Creators given a content score.
    pub creators: usize,
    /// Pieces in the cohort snapshot.
    pub snapshot_pieces: usize,
    /// Pieces per market and traffic pool index.
    pub pools: BTreeMap<(String, usize), usize>,
}

/// Rescores all content and all creators as of `now`. `progress` gets the stage, done, total.
pub async fn run(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> ApiResult<Summary> {
    progress("cohorts", 0, 1);
    let model = Model::build(db, now).await?;
    let scorer = model.scorer()?;
    progress("reading", 0, 1);
    let (pieces, metas): (Vec<_>, Vec<_>) = pieces::load(db, Filter::All, &model.markets)
        .await?
        .into_iter()
        .map(|l| (l.piece, l.meta))
        .unzip();
    let total = pieces.len() as u64;
    progress("scoring", 0, total);
    let assessments = scorer.assess_all(&pieces).map_err(content_error)?;
    let mut summary = Summary {
        pieces: pieces.len(),
        snapshot_pieces: model.snapshot.piece_count(),
        ..Summary::default()
    };
    let mut rows = Vec::with_capacity(pieces.len());
    for ((piece, meta), a) in pieces.iter().zip(&metas).zip(&assessments) {
        summary.scored += usize::from(a.score.is_some());
        *summary
            .pools
            .entry((meta.market_code.clone(), a.pool.pool))
            .or_default() += 1;
        rows.push(stored::piece_row(piece, meta, a, now));
    }
    let txn = crate::db::begin_write(db).await?;
    stored::write_pieces(&txn, rows, &|done| progress("writing", done, total)).await?;
    progress("creators", 0, 1);
    let creators = stored::creator_rows(&txn, None, None, &model.markets, now).await?;
    summary.creators = creators.len();
    stored::write_creators(&txn, creators).await?;
    txn.commit().await?;
    Ok(summary)
}
