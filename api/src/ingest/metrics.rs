//! Metric reports for content: cumulative counts as of an instant. A report older than the
//! stored one is ignored, so reports may arrive out of order.

use super::Touched;
use super::support::*;
use crate::error::{ApiError, ApiResult};
use crate::long::Long;
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::content;
use entities::enums::ContentKind;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};

/// Cumulative metrics of one piece as of `at`.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ContentMetricsInput {
    /// Id of this report; a report already applied is skipped.
    pub event_id: String,
    /// External id of the content.
    pub content: String,
    /// The instant the counts are as of; not in the future. A report older than the stored one
    /// is ignored.
    pub at: DateTime<Utc>,
    /// Times the piece was shown (videos: at least `views`).
    pub impressions: Long,
    /// Views (for live streams: unique viewers).
    pub views: Long,
    /// Views watched to the end (at most `views`).
    pub completions: Long,
    /// Mean watch time per view, in seconds (>= 0).
    pub avg_watch_seconds: f64,
    /// Likes (at most `views`).
    pub likes: Long,
    /// Comments.
    pub comments: Long,
    /// Shares.
    pub shares: Long,
    /// Live streams only: length of the stream, in seconds.
    pub live_duration_seconds: Option<i32>,
    /// Live streams only: mean concurrent viewers.
    pub live_avg_viewers: Option<f64>,
    /// Live streams only: most concurrent viewers.
    pub live_peak_viewers: Option<i32>,
    /// Live streams only: orders placed through the stream.
    pub live_orders: Option<i32>,
}

impl ContentMetricsInput {
    fn check(&self, i: usize, kind: ContentKind, now: DateTime<Utc>) -> ApiResult<()> {
        not_future(self.at, now, i, "at")?;
        for (field, v) in [
            ("impressions", self.impressions),
            ("views", self.views),
            ("completions", self.completions),
            ("likes", self.likes),
            ("comments", self.comments),
            ("shares", self.shares),
        ] {
            non_negative(v, i, field)?;
        }
        for (field, v) in [("likes", self.likes), ("completions", self.completions)] {
            if v > self.views {
                return Err(ApiError::invalid(
                    i,
                    field,
                    format!("{field} ({v}) above views ({})", self.views),
                ));
            }
        }
        if self.views > self.impressions && kind == ContentKind::Video {
            return Err(ApiError::invalid(
                i,
                "views",
                format!(
                    "views ({}) above impressions ({})",
                    self.views, self.impressions
                ),
            ));
        }
        if !(self.avg_watch_seconds.is_finite() && self.avg_watch_seconds >= 0.0) {
            return Err(ApiError::invalid(
                i,
                "avgWatchSeconds",
                "must be a non-negative number",
            ));
        }
        match kind {
            ContentKind::Live => {
                let duration = self.live_duration_seconds.unwrap_or(0);
                if duration <= 0 {
                    return Err(ApiError::invalid(
                        i,
                        "liveDurationSeconds",
                        "a live stream needs a positive duration",
                    ));
                }
                for (field, v) in [
                    ("livePeakViewers", self.live_peak_viewers),
                    ("liveOrders", self.live_orders),
                ] {
                    non_negative(v.unwrap_or(0), i, field)?;
                }
                let avg = self.live_avg_viewers.unwrap_or(0.0);
                if !(avg.is_finite() && avg >= 0.0) {
                    return Err(ApiError::invalid(
                        i,
                        "liveAvgViewers",
                        "must be a non-negative number",
                    ));
                }
                if avg > self.live_peak_viewers.unwrap_or(0) as f64 {
                    return Err(ApiError::invalid(
                        i,
                        "liveAvgViewers",
                        "average viewers above peak viewers",
                    ));
                }
            }
            ContentKind::Video => {
                if self.live_duration_seconds.is_some() || self.live_orders.is_some() {
                    return Err(ApiError::invalid(
                        i,
                        "liveDurationSeconds",
                        "live metrics given for a video",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Kind for ContentMetricsInput {
    const NAME: &'static str = "content_metrics";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<content::Entity>(
            txn,
            content::Column::ExternalId,
            content::Column::Id,
            items.iter().map(|i| i.content.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|m| m.event_id.as_str()), "eventId")?;
        let mut pieces = rows_by::<content::Entity, _>(
            txn,
            content::Column::ExternalId,
            items.iter().map(|m| m.content.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        for (i, m) in items.iter().enumerate() {
            not_blank(&m.event_id, i, "eventId")?;
            let piece = resolve(&pieces, &m.content, i, "content", "content")?;
            m.check(i, piece.kind, ctx.now)?;
        }
        let ids: Vec<&str> = items.iter().map(|m| m.event_id.as_str()).collect();
        let fresh = first_time(txn, Self::NAME, &ids, ctx.now).await?;
        let mut fates = vec![Written::Unchanged; items.len()];
        let mut updated = Vec::new();
        let mut reported = Vec::new();
        for i in fresh {
            let m = &items[i];
            let piece = pieces.get_mut(&m.content).expect("resolved above");
            if piece.metrics_at.is_some_and(|seen| seen >= m.at) {
                continue;
            }
            let mut am = piece.clone().into_active_model();
            am.impressions = Set(m.impressions.0);
            am.views = Set(m.views.0);
            am.completions = Set(m.completions.0);
            am.avg_watch_seconds = Set(m.avg_watch_seconds);
            am.likes = Set(m.likes.0);
            am.comments = Set(m.comments.0);
            am.shares = Set(m.shares.0);
            am.live_duration_seconds = Set(m.live_duration_seconds.map(i64::from));
            am.live_avg_viewers = Set(m.live_avg_viewers);
            am.live_peak_viewers = Set(m.live_peak_viewers.map(i64::from));
            am.live_orders = Set(m.live_orders.map(i64::from));
            am.metrics_at = Set(Some(m.at));
            am.updated_at = Set(ctx.now);
            *piece = am.update(txn).await?;
            fates[i] = Written::Created;
            updated.push(piece.id);
            reported.push(m.content.clone());
        }
        // The new counts move the pieces' scores and pools, in this same transaction.
        crate::content::rescore(txn, &ctx.content, &updated, &[], ctx.now).await?;
        Ok(BatchOutcome::touching(&fates, Touched::Metrics(reported)))
    }
}
