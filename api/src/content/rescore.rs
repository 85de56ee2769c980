//! Rescoring on ingest: new metrics or a new violation change a piece's score and pool and its
//! creator's content score, in the ingest's own transaction.

use super::pieces::{self, Filter};
use super::{ContentScoring, content_error, stored};
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

/// Rescores the pieces `ids` against the current cohort snapshot, then their creators and
/// `creators`, inside `txn`.
pub async fn rescore(
    txn: &DatabaseTransaction,
    scoring: &ContentScoring,
    ids: &[i64],
    creators: &[i64],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if ids.is_empty() && creators.is_empty() {
        return Ok(());
    }
    let model = scoring.model().await?;
    let scorer = model.scorer()?;
    let loaded = pieces::load(txn, Filter::Ids(ids), &model.markets).await?;
    let mut rows = Vec::with_capacity(loaded.len());
    for l in &loaded {
        let assessment = scorer.assess(&l.piece).map_err(content_error)?;
        rows.push(stored::piece_row(&l.piece, &l.meta, &assessment, now));
    }
    stored::write_pieces(txn, rows, &|_| {}).await?;
    let mut creators: Vec<i64> = loaded
        .iter()
        .map(|l| l.meta.creator_id)
        .chain(creators.iter().copied())
        .collect();
    creators.sort_unstable();
    creators.dedup();
    let rows = stored::creator_rows(
        txn,
        Some(&creators),
        Some(&model.niche_means),
        &model.markets,
        now,
    )
    .await?;
    stored::write_creators(txn, rows).await
}
