//! Reference data: markets and the niche taxonomy.

use super::support::*;
use crate::error::{ApiError, ApiResult};
use async_graphql::InputObject;
use entities::{market, niche};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, IntoActiveModel};
use serde::{Deserialize, Serialize};

/// A market to create or update.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct MarketInput {
    /// ISO 3166 alpha-2 code, e.g. `US`.
    pub code: String,
    /// The market's name, e.g. `United States`.
    pub name: String,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// IANA time zone, e.g. `America/New_York`.
    pub time_zone: String,
}

impl Kind for MarketInput {
    const NAME: &'static str = "markets";

    async fn ids(_: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        Ok(items
            .iter()
            .map(|m| async_graphql::ID(m.code.clone()))
            .collect())
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        _ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|m| m.code.as_str()), "code")?;
        for (i, m) in items.iter().enumerate() {
            let upper = |s: &str| s.len() >= 2 && s.chars().all(|c| c.is_ascii_uppercase());
            if !upper(&m.code) || m.code.len() != 2 {
                return Err(ApiError::invalid(
                    i,
                    "code",
                    "must be two capital letters, e.g. US",
                ));
            }
            if !upper(&m.currency) || m.currency.len() != 3 {
                return Err(ApiError::invalid(
                    i,
                    "currency",
                    "must be an ISO 4217 code, e.g. USD",
                ));
            }
            not_blank(&m.name, i, "name")?;
            if !m.time_zone.contains('/') && m.time_zone != "UTC" {
                return Err(ApiError::invalid(
                    i,
                    "timeZone",
                    "must be an IANA zone, e.g. Asia/Tokyo",
                ));
            }
        }
        let existing = rows_by::<market::Entity, _>(
            txn,
            market::Column::Code,
            items.iter().map(|m| m.code.clone()),
            |m| m.code.clone(),
        )
        .await?;
        let mut outcome = BatchOutcome {
            received: items.len(),
            ..Default::default()
        };
        let mut new = Vec::new();
        for (i, m) in items.into_iter().enumerate() {
            fixed(
                i,
                "currency",
                existing.get(&m.code).map(|o| o.currency.as_str()),
                m.currency.as_str(),
                "a market's products, orders and collaborations are priced in its currency",
            )?;
            let row = market::Model {
                code: m.code,
                name: m.name,
                currency: m.currency,
                time_zone: m.time_zone,
            };
            match existing.get(&row.code) {
                Some(old) if *old == row => outcome.unchanged += 1,
                Some(_) => {
                    row.into_active_model().reset_all().update(txn).await?;
                    outcome.updated += 1;
                }
                None => {
                    new.push(row.into_active_model());
                    outcome.created += 1;
                }
            }
        }
        insert_all(txn, new).await?;
        Ok(outcome)
    }
}

/// A niche to create or update; a niche with no parent is a category.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct NicheInput {
    /// Stable identifier, e.g. `dog-food`.
    pub slug: String,
    /// The niche's name, e.g. `Dog Food`.
    pub name: String,
    /// The parent category's slug; omitted for a category.
    pub parent_slug: Option<String>,
}

impl Kind for NicheInput {
    const NAME: &'static str = "niches";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<niche::Entity>(
            txn,
            niche::Column::Slug,
            niche::Column::Id,
            items.iter().map(|i| i.slug.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        _ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|n| n.slug.as_str()), "slug")?;
        let slugs: Vec<String> = items
            .iter()
            .flat_map(|n| std::iter::once(n.slug.clone()).chain(n.parent_slug.clone()))
            .collect();
        let mut known =
            rows_by::<niche::Entity, _>(txn, niche::Column::Slug, slugs, |n| n.slug.clone())
                .await?;
        let mut outcome = BatchOutcome {
            received: items.len(),
            ..Default::default()
        };
        // Parents first, so a batch may carry a category and its leaves together.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&i| items[i].parent_slug.is_some());
        for i in order {
            let n = &items[i];
            not_blank(&n.slug, i, "slug")?;
            not_blank(&n.name, i, "name")?;
            let parent_id = match &n.parent_slug {
                Some(p) => {
                    let parent = resolve(&known, p, i, "parentSlug", "niche")?;
                    if parent.parent_id.is_some() {
                        return Err(ApiError::invalid(
                            i,
                            "parentSlug",
                            format!("{p:?} is itself a leaf; niches are two levels deep"),
                        ));
                    }
                    Some(parent.id)
                }
                None => None,
            };
            let row = match known.get(&n.slug) {
                Some(old) if old.name == n.name && old.parent_id == parent_id => {
                    outcome.unchanged += 1;
                    continue;
                }
                Some(old) => {
                    let mut am = old.clone().into_active_model();
                    am.name = Set(n.name.clone());
                    am.parent_id = Set(parent_id);
                    outcome.updated += 1;
                    am.update(txn).await?
                }
                None => {
                    outcome.created += 1;
                    niche::ActiveModel {
                        slug: Set(n.slug.clone()),
                        name: Set(n.name.clone()),
                        parent_id: Set(parent_id),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?
                }
            };
            known.insert(row.slug.clone(), row);
        }
        Ok(outcome)
    }
}
