//! New videos and live streams (their metrics arrive separately, see `metrics`).

use super::links;
use super::lists::list;
use super::support::*;
use crate::error::{ApiError, ApiResult};
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::enums::{ContentKind, ValueGrade};
use entities::{content, content_product, creator, niche, product};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// A piece of content to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ContentInput {
    /// The client's own key for the piece: a second batch with it updates the piece.
    pub external_id: String,
    /// External id of the creator.
    pub creator: String,
    /// A video or a live stream.
    pub kind: ContentKind,
    /// Leaf niche slug.
    pub niche: String,
    /// The piece's title.
    pub title: String,
    /// How useful the piece is to a buyer.
    pub value_grade: ValueGrade,
    /// When the piece was published; not in the future.
    pub published_at: DateTime<Utc>,
    /// External ids of the products the piece sells; replaces the stored list.
    /// In CSV: `pr-1;pr-2`.
    #[serde(default, deserialize_with = "list")]
    #[graphql(default)]
    pub products: Vec<String>,
}

impl Kind for ContentInput {
    const NAME: &'static str = "content";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<content::Entity>(
            txn,
            content::Column::ExternalId,
            content::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|c| c.external_id.as_str()), "externalId")?;
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|c| c.creator.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let niches = rows_by::<niche::Entity, _>(
            txn,
            niche::Column::Slug,
            items.iter().map(|c| c.niche.clone()),
            |n| n.slug.clone(),
        )
        .await?;
        let products = rows_by::<product::Entity, _>(
            txn,
            product::Column::ExternalId,
            items.iter().flat_map(|c| c.products.clone()),
            |p| p.external_id.clone(),
        )
        .await?;
        let keys = || items.iter().map(|c| c.external_id.clone());
        let ext = |c: &content::Model| c.external_id.clone();
        let existing =
            rows_by::<content::Entity, _>(txn, content::Column::ExternalId, keys(), ext).await?;
        let mut rows = Vec::with_capacity(items.len());
        let mut sold = Vec::with_capacity(items.len());
        for (i, c) in items.iter().enumerate() {
            not_blank(&c.external_id, i, "externalId")?;
            let author = resolve(&creators, &c.creator, i, "creator", "creator")?;
            let niche = resolve(&niches, &c.niche, i, "niche", "niche")?;
            if niche.parent_id.is_none() {
                return Err(ApiError::invalid(
                    i,
                    "niche",
                    format!(
                        "{:?} is a category; content belongs to a leaf niche",
                        c.niche
                    ),
                ));
            }
            not_future(c.published_at, ctx.now, i, "publishedAt")?;
            let mut product_ids = Vec::with_capacity(c.products.len());
            for p in &c.products {
                product_ids.push(resolve(&products, p, i, "products", "product")?.id);
            }
            product_ids.sort_unstable();
            product_ids.dedup();
            sold.push(product_ids);
            let old = existing.get(&c.external_id).cloned();
            fixed(
                i,
                "creator",
                old.as_ref().map(|o| o.creator_id),
                author.id,
                "a piece's scores, orders and pool are its creator's",
            )?;
            fixed(
                i,
                "kind",
                old.as_ref().map(|o| o.kind),
                c.kind,
                "a video's metrics are not a live stream's",
            )?;
            let new = match &old {
                Some(o) => content::Model {
                    creator_id: author.id,
                    kind: c.kind,
                    niche_id: niche.id,
                    title: c.title.clone(),
                    value_grade: c.value_grade,
                    published_at: c.published_at,
                    ..o.clone()
                },
                None => content::Model {
                    id: 0,
                    external_id: c.external_id.clone(),
                    creator_id: author.id,
                    kind: c.kind,
                    niche_id: niche.id,
                    title: c.title.clone(),
                    value_grade: c.value_grade,
                    published_at: c.published_at,
                    impressions: 0,
                    views: 0,
                    completions: 0,
                    avg_watch_seconds: 0.0,
                    likes: 0,
                    comments: 0,
                    shares: 0,
                    live_duration_seconds: None,
                    live_avg_viewers: None,
                    live_peak_viewers: None,
                    live_orders: None,
                    metrics_at: None,
                    created_at: ctx.now,
                    updated_at: ctx.now,
                },
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written =
            upsert::<content::Entity>(txn, rows, content::Column::Id, |m| m.updated_at = now)
                .await?;
        let ids =
            rows_by::<content::Entity, _>(txn, content::Column::ExternalId, keys(), ext).await?;
        let wanted = items
            .iter()
            .zip(sold)
            .map(|(c, products)| {
                let content_id = ids[&c.external_id].id;
                let rows = products
                    .into_iter()
                    .map(|product_id| content_product::Model {
                        content_id,
                        product_id,
                    })
                    .collect();
                (content_id, rows)
            })
            .collect();
        let changed = links::replace::<content_product::Entity, i64>(
            txn,
            content_product::Column::ContentId,
            |l| l.content_id,
            |l| l.product_id,
            wanted,
        )
        .await?;
        // New pieces get their initial pool; a changed niche or kind moves a piece's cohort.
        let pieces: Vec<i64> = ids.values().map(|c| c.id).collect();
        crate::content::rescore(txn, &ctx.content, &pieces, &[], now).await?;
        let fates: Vec<Written> = written
            .iter()
            .zip(changed)
            .map(|(w, c)| w.with_links(c))
            .collect();
        Ok(BatchOutcome::tally(&fates))
    }
}
