//! Moderation violations against content, creators or shops. Resending one with a new
//! `upheld` records the outcome of an appeal.

use super::Touched;
use super::support::*;
use crate::error::ApiResult;
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::enums::{Severity, SubjectKind};
use entities::{content, creator, shop, violation};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// A violation to record or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ViolationInput {
    /// The client's own key for the violation: a second batch with it updates the violation
    /// (an appeal's outcome, say).
    pub external_id: String,
    /// What the violation was raised against.
    pub subject_kind: SubjectKind,
    /// External id of the content, creator or shop.
    pub subject: String,
    /// How serious it is.
    pub severity: Severity,
    /// Upheld after review; only upheld violations weigh on scores.
    pub upheld: bool,
    /// Why it was raised, in words.
    pub reason: String,
    /// When it happened; not in the future.
    pub occurred_at: DateTime<Utc>,
}

impl Kind for ViolationInput {
    const NAME: &'static str = "violations";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<violation::Entity>(
            txn,
            violation::Column::ExternalId,
            violation::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|v| v.external_id.as_str()), "externalId")?;
        let subjects = |kind: SubjectKind| {
            items
                .iter()
                .filter(move |v| v.subject_kind == kind)
                .map(|v| v.subject.clone())
        };
        let pieces = rows_by::<content::Entity, _>(
            txn,
            content::Column::ExternalId,
            subjects(SubjectKind::Content),
            |c| c.external_id.clone(),
        )
        .await?;
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            subjects(SubjectKind::Creator),
            |c| c.external_id.clone(),
        )
        .await?;
        let shops = rows_by::<shop::Entity, _>(
            txn,
            shop::Column::ExternalId,
            subjects(SubjectKind::Shop),
            |s| s.external_id.clone(),
        )
        .await?;
        let existing = rows_by::<violation::Entity, _>(
            txn,
            violation::Column::ExternalId,
            items.iter().map(|v| v.external_id.clone()),
            |v| v.external_id.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            not_blank(&v.external_id, i, "externalId")?;
            not_blank(&v.reason, i, "reason")?;
            not_future(v.occurred_at, ctx.now, i, "occurredAt")?;
            let (content_id, creator_id, shop_id) = match v.subject_kind {
                SubjectKind::Content => {
                    let piece = resolve(&pieces, &v.subject, i, "subject", "content")?;
                    (Some(piece.id), Some(piece.creator_id), None)
                }
                SubjectKind::Creator => (
                    None,
                    Some(resolve(&creators, &v.subject, i, "subject", "creator")?.id),
                    None,
                ),
                SubjectKind::Shop => (
                    None,
                    None,
                    Some(resolve(&shops, &v.subject, i, "subject", "shop")?.id),
                ),
            };
            let old = existing.get(&v.external_id).cloned();
            let new = violation::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: v.external_id.clone(),
                subject_kind: v.subject_kind,
                content_id,
                creator_id,
                shop_id,
                severity: v.severity,
                upheld: v.upheld,
                reason: v.reason.clone(),
                occurred_at: v.occurred_at,
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        // Content and creator violations change content scores: rescore what they touch.
        let pieces: Vec<i64> = rows.iter().filter_map(|(_, v)| v.content_id).collect();
        let creators: Vec<i64> = rows
            .iter()
            .filter(|(_, v)| v.content_id.is_none())
            .filter_map(|(_, v)| v.creator_id)
            .collect();
        let now = ctx.now;
        let written =
            upsert::<violation::Entity>(txn, rows, violation::Column::Id, |m| m.updated_at = now)
                .await?;
        crate::content::rescore(txn, &ctx.content, &pieces, &creators, now).await?;
        let touched = Touched::Violations(items.iter().map(|v| v.external_id.clone()).collect());
        Ok(BatchOutcome::touching(&written, touched))
    }
}
