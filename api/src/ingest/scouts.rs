//! The scout programme's records: scouts with their markets, and prospects to open in a
//! scout's pipeline (`flywheel import prospects.csv`). Admins only.

use super::links;
use super::lists::list;
use super::support::*;
use crate::error::{ApiError, ApiResult};
use crate::pipeline::write::{Duplicate, NewProspect, open_entries};
use async_graphql::InputObject;
use entities::{creator, market, pipeline_entry, scout, scout_market};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A scout to create or update (matched by `externalId`, which is the subject of its tokens).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ScoutInput {
    /// The scout's key: the subject of its token. A second batch with it updates the scout.
    pub external_id: String,
    /// The scout's name.
    pub name: String,
    /// Market codes the scout works in; replaces the stored list. In CSV: `US;GB`.
    #[serde(deserialize_with = "list")]
    pub markets: Vec<String>,
}

impl Kind for ScoutInput {
    const NAME: &'static str = "scouts";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<scout::Entity>(
            txn,
            scout::Column::ExternalId,
            scout::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|s| s.external_id.as_str()), "externalId")?;
        let markets = rows_by::<market::Entity, _>(
            txn,
            market::Column::Code,
            items.iter().flat_map(|s| s.markets.clone()),
            |m| m.code.clone(),
        )
        .await?;
        let ext = |s: &scout::Model| s.external_id.clone();
        let keys = || items.iter().map(|s| s.external_id.clone());
        let existing =
            rows_by::<scout::Entity, _>(txn, scout::Column::ExternalId, keys(), ext).await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, s) in items.iter().enumerate() {
            not_blank(&s.external_id, i, "externalId")?;
            not_blank(&s.name, i, "name")?;
            for code in &s.markets {
                resolve(&markets, code, i, "markets", "market")?;
            }
            let old = existing.get(&s.external_id).cloned();
            let new = scout::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: s.external_id.clone(),
                name: s.name.clone(),
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
            };
            rows.push((old, new));
        }
        let written = upsert::<scout::Entity>(txn, rows, scout::Column::Id, |_| ()).await?;
        let ids = rows_by::<scout::Entity, _>(txn, scout::Column::ExternalId, keys(), ext).await?;
        let market_rows = items
            .iter()
            .map(|s| {
                links::distinct(
                    ids[&s.external_id].id,
                    &s.markets,
                    |scout_id, market_code| scout_market::Model {
                        scout_id,
                        market_code,
                    },
                )
            })
            .collect();
        let changed = links::replace::<scout_market::Entity, String>(
            txn,
            scout_market::Column::ScoutId,
            |l| l.scout_id,
            |l| l.market_code.clone(),
            market_rows,
        )
        .await?;
        let fates: Vec<Written> = written
            .iter()
            .zip(changed)
            .map(|(w, c)| w.with_links(c))
            .collect();
        Ok(BatchOutcome::tally(&fates))
    }
}

/// A creator to open as a prospect in a scout's pipeline. A creator already open in the
/// market in the same scout's pipeline is skipped (so a re-run imports nothing twice); open
/// in another scout's, it is a CONFLICT.
#[derive(Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProspectRecord {
    /// External id of the creator.
    pub creator: String,
    /// Market code: the creator's market.
    pub market: String,
    /// External id of the scout, who must work in the market.
    pub scout: String,
    pub note: Option<String>,
}

impl Kind for ProspectRecord {
    const NAME: &'static str = "prospects";

    /// The open entry of each creator in the item's market.
    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|p| p.creator.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let open: HashMap<String, i64> = pipeline_entry::Entity::find()
            .filter(pipeline_entry::Column::CreatorId.is_in(creators.values().map(|c| c.id)))
            .filter(pipeline_entry::Column::ActiveMarket.is_not_null())
            .all(txn)
            .await?
            .into_iter()
            .map(|e| {
                let key = format!("{}/{}", e.creator_id, e.active_market.unwrap_or_default());
                (key, e.id)
            })
            .collect();
        items
            .iter()
            .map(|p| {
                let creator = creators.get(&p.creator).map_or(0, |c| c.id);
                open.get(&format!("{creator}/{}", p.market))
                    .map(|id| async_graphql::ID(id.to_string()))
                    .ok_or_else(|| {
                        ApiError::invariant(format!(
                            "the prospect {:?} in {} was opened but is not there",
                            p.creator, p.market
                        ))
                    })
            })
            .collect()
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|p| p.creator.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let scouts = rows_by::<scout::Entity, _>(
            txn,
            scout::Column::ExternalId,
            items.iter().map(|p| p.scout.clone()),
            |s| s.external_id.clone(),
        )
        .await?;
        let mut prospects = Vec::with_capacity(items.len());
        for (i, p) in items.iter().enumerate() {
            prospects.push(NewProspect {
                creator_id: resolve(&creators, &p.creator, i, "creator", "creator")?.id,
                market: p.market.clone(),
                scout_id: resolve(&scouts, &p.scout, i, "scout", "scout")?.id,
                note: p.note.clone(),
            });
        }
        let opened = open_entries(
            txn,
            &prospects,
            &ctx.caller.subject,
            ctx.now,
            Duplicate::SkipSameScout,
        )
        .await?;
        Ok(BatchOutcome {
            received: items.len(),
            created: opened.created.len(),
            updated: 0,
            unchanged: opened.unchanged,
            ..BatchOutcome::default()
        })
    }
}
