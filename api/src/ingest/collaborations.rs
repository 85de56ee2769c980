//! Brand-creator collaborations. A brand may record its own; admins any.

use super::Touched;
use super::support::*;
use crate::auth::Policy;
use crate::error::{ApiError, ApiResult};
use crate::long::Long;
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::enums::CollaborationStatus;
use entities::{brand, collaboration, creator, market};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// A collaboration to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CollaborationInput {
    /// The client's own key for the collaboration: a second batch with it updates the collaboration.
    pub external_id: String,
    /// External id of the brand.
    pub brand: String,
    /// External id of the creator.
    pub creator: String,
    /// Where the collaboration stands.
    pub status: CollaborationStatus,
    /// When it started; not in the future.
    pub started_at: DateTime<Utc>,
    /// When it ended: not before `startedAt`, not in the future; null while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    /// GMV so far, in minor units of `currency`.
    #[serde(default)]
    #[graphql(default)]
    pub gmv_minor: Long,
    /// The creator's market currency.
    pub currency: String,
}

impl Kind for CollaborationInput {
    const NAME: &'static str = "collaborations";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<collaboration::Entity>(
            txn,
            collaboration::Column::ExternalId,
            collaboration::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    fn authorize(_items: &[Self], ctx: &IngestContext) -> ApiResult<()> {
        // Brands may write collaborations; `apply` checks each is their own.
        if Policy::BrandTools.admits(&ctx.caller) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only admins and brands may record collaborations".into(),
            ))
        }
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|c| c.external_id.as_str()), "externalId")?;
        let brands = rows_by::<brand::Entity, _>(
            txn,
            brand::Column::ExternalId,
            items.iter().map(|c| c.brand.clone()),
            |b| b.external_id.clone(),
        )
        .await?;
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|c| c.creator.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let markets = rows_by::<market::Entity, _>(
            txn,
            market::Column::Code,
            creators.values().map(|c| c.market_code.clone()),
            |m| m.code.clone(),
        )
        .await?;
        let existing = rows_by::<collaboration::Entity, _>(
            txn,
            collaboration::Column::ExternalId,
            items.iter().map(|c| c.external_id.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, c) in items.iter().enumerate() {
            not_blank(&c.external_id, i, "externalId")?;
            if !ctx
                .caller
                .may_record_collaboration_of(brands.get(&c.brand).map(|b| b.id))
            {
                return Err(ApiError::Forbidden(format!(
                    "items[{i}].brand: you may only record collaborations of your own brand"
                )));
            }
            let b = resolve(&brands, &c.brand, i, "brand", "brand")?;
            let who = resolve(&creators, &c.creator, i, "creator", "creator")?;
            not_future(c.started_at, ctx.now, i, "startedAt")?;
            if let Some(end) = c.ended_at {
                not_future(end, ctx.now, i, "endedAt")?;
                if end < c.started_at {
                    return Err(ApiError::invalid(i, "endedAt", "before startedAt"));
                }
            }
            non_negative(c.gmv_minor, i, "gmvMinor")?;
            let currency = &markets[&who.market_code].currency;
            if &c.currency != currency {
                return Err(ApiError::invalid(
                    i,
                    "currency",
                    format!(
                        "creator {:?} is in market {} which uses {currency}, not {}",
                        c.creator, who.market_code, c.currency
                    ),
                ));
            }
            if let Some(old) = existing.get(&c.external_id)
                && old.brand_id != b.id
            {
                // Whose it is stays theirs: the id is only said to be taken.
                return Err(ApiError::Conflict(format!(
                    "items[{i}].externalId: {:?} is already in use (collaboration ids are \
                     unique across the marketplace); choose another",
                    c.external_id
                )));
            }
            let old = existing.get(&c.external_id).cloned();
            fixed(
                i,
                "creator",
                old.as_ref().map(|o| o.creator_id),
                who.id,
                "a collaboration is with one creator; record another collaboration",
            )?;
            let new = collaboration::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: c.external_id.clone(),
                brand_id: b.id,
                creator_id: who.id,
                status: c.status,
                started_at: c.started_at,
                ended_at: c.ended_at,
                gmv_minor: c.gmv_minor.0,
                currency: c.currency.clone(),
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written = upsert::<collaboration::Entity>(txn, rows, collaboration::Column::Id, |m| {
            m.updated_at = now
        })
        .await?;
        let touched = Touched::Collaborations {
            all: items.iter().map(|c| c.external_id.clone()).collect(),
            new: items
                .iter()
                .zip(&written)
                .filter(|(_, w)| **w == Written::Created)
                .map(|(c, _)| c.external_id.clone())
                .collect(),
        };
        Ok(BatchOutcome::touching(&written, touched))
    }
}
