//! The marketplace's parties and catalogue: creators, brands, shops and products.

use super::Touched;
use super::links;
use super::lists::list;
use super::support::*;
use crate::error::{ApiError, ApiResult};
use crate::long::Long;
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::{
    brand, brand_market, brand_niche, creator, creator_niche, market, niche, product, shop,
};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A niche and its weight: a creator's share of content there, or a brand's catalogue weight.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct WeightedNicheInput {
    /// The niche's slug.
    pub niche: String,
    /// Weight in (0, 1]; the weights of one creator or brand add up to at most 1.
    pub weight: f64,
}

impl std::str::FromStr for WeightedNicheInput {
    type Err = String;

    /// Parses `slug:weight`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (niche, weight) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not `slug:weight`"))?;
        let weight = weight
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: weight is not a number"))?;
        Ok(Self {
            niche: niche.trim().to_owned(),
            weight,
        })
    }
}

async fn niches_by_slug<'a>(
    txn: &DatabaseTransaction,
    lists: impl Iterator<Item = &'a [WeightedNicheInput]>,
) -> ApiResult<HashMap<String, niche::Model>> {
    let slugs: Vec<String> = lists
        .flat_map(|l| l.iter().map(|n| n.niche.clone()))
        .collect();
    rows_by::<niche::Entity, _>(txn, niche::Column::Slug, slugs, |n| n.slug.clone()).await
}

/// Checks a weighted niche list and resolves it to (niche id, weight).
fn weighted(
    list: &[WeightedNicheInput],
    niches: &HashMap<String, niche::Model>,
    index: usize,
) -> ApiResult<Vec<(i64, f64)>> {
    let mut out: Vec<(i64, f64)> = Vec::with_capacity(list.len());
    for n in list {
        let row = resolve(niches, &n.niche, index, "niches", "niche")?;
        if !(n.weight > 0.0 && n.weight <= 1.0) {
            return Err(ApiError::invalid(
                index,
                "niches",
                format!(
                    "weight of {:?} must be in (0, 1], got {}",
                    n.niche, n.weight
                ),
            ));
        }
        if out.iter().any(|(id, _)| *id == row.id) {
            return Err(ApiError::invalid(
                index,
                "niches",
                format!("{:?} is listed twice", n.niche),
            ));
        }
        out.push((row.id, n.weight));
    }
    let total: f64 = out.iter().map(|(_, w)| w).sum();
    if total > 1.0 + 1e-6 {
        return Err(ApiError::invalid(
            index,
            "niches",
            format!("weights add up to {total:.3}, above 1"),
        ));
    }
    Ok(out)
}

async fn markets_by_code(
    txn: &DatabaseTransaction,
    codes: impl IntoIterator<Item = String>,
) -> ApiResult<HashMap<String, market::Model>> {
    rows_by::<market::Entity, _>(txn, market::Column::Code, codes, |m| m.code.clone()).await
}

/// A creator to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CreatorInput {
    /// The client's own key for the creator: a second batch with it updates the creator.
    pub external_id: String,
    /// The market's upper-case code, e.g. `US`.
    pub market: String,
    /// The account's handle on the platform.
    pub handle: String,
    /// The name the account shows; the handle when omitted.
    pub display_name: Option<String>,
    /// The account's follower count.
    pub followers: i32,
    /// The recommender's trust in the account, 0..1.
    pub account_weight: f64,
    /// Has sold through content at least once.
    pub ecommerce_capable: bool,
    /// Leaf niches with the share of the creator's content in each; replaces the stored list.
    /// In CSV: `slug:weight;slug:weight`.
    #[serde(deserialize_with = "list")]
    pub niches: Vec<WeightedNicheInput>,
}

impl Kind for CreatorInput {
    const NAME: &'static str = "creators";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<creator::Entity>(
            txn,
            creator::Column::ExternalId,
            creator::Column::Id,
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
        unique_in_batch(items.iter().map(|c| c.handle.as_str()), "handle")?;
        let markets = markets_by_code(txn, items.iter().map(|c| c.market.clone())).await?;
        let niches = niches_by_slug(txn, items.iter().map(|c| c.niches.as_slice())).await?;
        let ext = |c: &creator::Model| c.external_id.clone();
        let existing = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|c| c.external_id.clone()),
            ext,
        )
        .await?;
        let by_handle = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::Handle,
            items.iter().map(|c| c.handle.clone()),
            |c| c.handle.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        let mut shares = Vec::with_capacity(items.len());
        for (i, c) in items.iter().enumerate() {
            not_blank(&c.external_id, i, "externalId")?;
            not_blank(&c.handle, i, "handle")?;
            resolve(&markets, &c.market, i, "market", "market")?;
            non_negative(c.followers, i, "followers")?;
            if !(0.0..=1.0).contains(&c.account_weight) {
                return Err(ApiError::invalid(
                    i,
                    "accountWeight",
                    format!("must be between 0 and 1, got {}", c.account_weight),
                ));
            }
            if let Some(other) = by_handle
                .get(&c.handle)
                .filter(|o| o.external_id != c.external_id)
            {
                return Err(ApiError::Conflict(format!(
                    "items[{i}].handle: {:?} already belongs to creator {:?}",
                    c.handle, other.external_id
                )));
            }
            shares.push(weighted(&c.niches, &niches, i)?);
            let old = existing.get(&c.external_id).cloned();
            fixed(
                i,
                "market",
                old.as_ref().map(|o| o.market_code.as_str()),
                c.market.as_str(),
                "a creator's content, orders and pipeline entries are in its market",
            )?;
            let new = creator::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: c.external_id.clone(),
                market_code: c.market.clone(),
                handle: c.handle.clone(),
                display_name: c.display_name.clone().unwrap_or_else(|| c.handle.clone()),
                followers: c.followers.into(),
                account_weight: c.account_weight,
                ecommerce_capable: c.ecommerce_capable,
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written =
            upsert::<creator::Entity>(txn, rows, creator::Column::Id, |m| m.updated_at = now)
                .await?;
        let ids = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().map(|c| c.external_id.clone()),
            ext,
        )
        .await?;
        let wanted = items
            .iter()
            .zip(shares)
            .map(|(c, list)| {
                let creator_id = ids[&c.external_id].id;
                let rows = list
                    .into_iter()
                    .map(|(niche_id, share)| creator_niche::Model {
                        creator_id,
                        niche_id,
                        share,
                    })
                    .collect();
                (creator_id, rows)
            })
            .collect();
        let changed = links::replace::<creator_niche::Entity, i64>(
            txn,
            creator_niche::Column::CreatorId,
            |l| l.creator_id,
            |l| l.niche_id,
            wanted,
        )
        .await?;
        let fates: Vec<Written> = written
            .iter()
            .zip(changed)
            .map(|(w, c)| w.with_links(c))
            .collect();
        let touched = Touched::Creators(items.iter().map(|c| c.external_id.clone()).collect());
        Ok(BatchOutcome::touching(&fates, touched))
    }
}

/// A brand to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct BrandInput {
    /// The client's own key for the brand: a second batch with it updates the brand.
    pub external_id: String,
    /// The brand's name.
    pub name: String,
    /// Market codes the brand sells in; replaces the stored list. In CSV: `US;GB`.
    #[serde(deserialize_with = "list")]
    pub markets: Vec<String>,
    /// The brand's niches and their catalogue weights; replaces the stored list.
    /// In CSV: `slug:weight;slug:weight`.
    #[serde(deserialize_with = "list")]
    pub niches: Vec<WeightedNicheInput>,
}

impl Kind for BrandInput {
    const NAME: &'static str = "brands";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<brand::Entity>(
            txn,
            brand::Column::ExternalId,
            brand::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|b| b.external_id.as_str()), "externalId")?;
        let markets = markets_by_code(txn, items.iter().flat_map(|b| b.markets.clone())).await?;
        let niches = niches_by_slug(txn, items.iter().map(|b| b.niches.as_slice())).await?;
        let ext = |b: &brand::Model| b.external_id.clone();
        let keys = || items.iter().map(|b| b.external_id.clone());
        let existing =
            rows_by::<brand::Entity, _>(txn, brand::Column::ExternalId, keys(), ext).await?;
        let mut rows = Vec::with_capacity(items.len());
        let mut weights = Vec::with_capacity(items.len());
        for (i, b) in items.iter().enumerate() {
            not_blank(&b.external_id, i, "externalId")?;
            not_blank(&b.name, i, "name")?;
            for code in &b.markets {
                resolve(&markets, code, i, "markets", "market")?;
            }
            weights.push(weighted(&b.niches, &niches, i)?);
            let old = existing.get(&b.external_id).cloned();
            let new = brand::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: b.external_id.clone(),
                name: b.name.clone(),
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written =
            upsert::<brand::Entity>(txn, rows, brand::Column::Id, |m| m.updated_at = now).await?;
        let ids = rows_by::<brand::Entity, _>(txn, brand::Column::ExternalId, keys(), ext).await?;
        let brand_ids: Vec<i64> = items.iter().map(|b| ids[&b.external_id].id).collect();
        let niche_rows = brand_ids
            .iter()
            .zip(weights)
            .map(|(&brand_id, list)| {
                let rows = list
                    .into_iter()
                    .map(|(niche_id, weight)| brand_niche::Model {
                        brand_id,
                        niche_id,
                        weight,
                    })
                    .collect();
                (brand_id, rows)
            })
            .collect();
        let niches_changed = links::replace::<brand_niche::Entity, i64>(
            txn,
            brand_niche::Column::BrandId,
            |l| l.brand_id,
            |l| l.niche_id,
            niche_rows,
        )
        .await?;
        let market_rows = brand_ids
            .iter()
            .zip(&items)
            .map(|(&brand_id, b)| {
                links::distinct(brand_id, &b.markets, |brand_id, market_code| {
                    brand_market::Model {
                        brand_id,
                        market_code,
                    }
                })
            })
            .collect();
        let markets_changed = links::replace::<brand_market::Entity, String>(
            txn,
            brand_market::Column::BrandId,
            |l| l.brand_id,
            |l| l.market_code.clone(),
            market_rows,
        )
        .await?;
        let fates: Vec<Written> = written
            .iter()
            .zip(niches_changed.iter().zip(markets_changed))
            .map(|(w, (n, m))| w.with_links(*n || m))
            .collect();
        let touched = Touched::Brands(items.iter().map(|b| b.external_id.clone()).collect());
        Ok(BatchOutcome::touching(&fates, touched))
    }
}

/// A shop to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ShopInput {
    /// The client's own key for the shop: a second batch with it updates the shop.
    pub external_id: String,
    /// The market's upper-case code, e.g. `US`.
    pub market: String,
    /// External id of the owning brand, if any.
    pub brand: Option<String>,
    /// The shop's name.
    pub name: String,
    /// When the shop opened on the marketplace; not in the future.
    pub opened_at: DateTime<Utc>,
}

impl Kind for ShopInput {
    const NAME: &'static str = "shops";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<shop::Entity>(
            txn,
            shop::Column::ExternalId,
            shop::Column::Id,
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
        let markets = markets_by_code(txn, items.iter().map(|s| s.market.clone())).await?;
        let brands = rows_by::<brand::Entity, _>(
            txn,
            brand::Column::ExternalId,
            items.iter().filter_map(|s| s.brand.clone()),
            |b| b.external_id.clone(),
        )
        .await?;
        let existing = rows_by::<shop::Entity, _>(
            txn,
            shop::Column::ExternalId,
            items.iter().map(|s| s.external_id.clone()),
            |s| s.external_id.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, s) in items.iter().enumerate() {
            not_blank(&s.external_id, i, "externalId")?;
            not_blank(&s.name, i, "name")?;
            resolve(&markets, &s.market, i, "market", "market")?;
            not_future(s.opened_at, ctx.now, i, "openedAt")?;
            let brand_id = match &s.brand {
                Some(b) => Some(resolve(&brands, b, i, "brand", "brand")?.id),
                None => None,
            };
            let old = existing.get(&s.external_id).cloned();
            fixed(
                i,
                "market",
                old.as_ref().map(|o| o.market_code.as_str()),
                s.market.as_str(),
                "a shop's products and orders are priced in its market's currency",
            )?;
            let new = shop::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: s.external_id.clone(),
                market_code: s.market.clone(),
                brand_id,
                name: s.name.clone(),
                opened_at: s.opened_at,
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written =
            upsert::<shop::Entity>(txn, rows, shop::Column::Id, |m| m.updated_at = now).await?;
        Ok(BatchOutcome::tally(&written))
    }
}

/// A product to create or update (matched by `externalId`).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProductInput {
    /// The client's own key for the product: a second batch with it updates the product.
    pub external_id: String,
    /// External id of the shop that lists it.
    pub shop: String,
    /// Leaf niche slug.
    pub niche: String,
    /// The product's title.
    pub title: String,
    /// Price in minor units of `currency`.
    pub price_minor: Long,
    /// Must be the shop's market currency.
    pub currency: String,
}

impl Kind for ProductInput {
    const NAME: &'static str = "products";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        ids_by::<product::Entity>(
            txn,
            product::Column::ExternalId,
            product::Column::Id,
            items.iter().map(|i| i.external_id.clone()),
        )
        .await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|p| p.external_id.as_str()), "externalId")?;
        let shops = rows_by::<shop::Entity, _>(
            txn,
            shop::Column::ExternalId,
            items.iter().map(|p| p.shop.clone()),
            |s| s.external_id.clone(),
        )
        .await?;
        let markets = markets_by_code(txn, shops.values().map(|s| s.market_code.clone())).await?;
        let niches = rows_by::<niche::Entity, _>(
            txn,
            niche::Column::Slug,
            items.iter().map(|p| p.niche.clone()),
            |n| n.slug.clone(),
        )
        .await?;
        let existing = rows_by::<product::Entity, _>(
            txn,
            product::Column::ExternalId,
            items.iter().map(|p| p.external_id.clone()),
            |p| p.external_id.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, p) in items.iter().enumerate() {
            not_blank(&p.external_id, i, "externalId")?;
            not_blank(&p.title, i, "title")?;
            let shop = resolve(&shops, &p.shop, i, "shop", "shop")?;
            let niche = resolve(&niches, &p.niche, i, "niche", "niche")?;
            non_negative(p.price_minor, i, "priceMinor")?;
            let currency = &markets[&shop.market_code].currency;
            if &p.currency != currency {
                return Err(ApiError::invalid(
                    i,
                    "currency",
                    format!(
                        "shop {:?} sells in {currency}, not {}",
                        shop.external_id, p.currency
                    ),
                ));
            }
            let old = existing.get(&p.external_id).cloned();
            fixed(
                i,
                "shop",
                old.as_ref().map(|o| o.shop_id),
                shop.id,
                "a product's orders and ratings belong to its shop",
            )?;
            let new = product::Model {
                id: old.as_ref().map_or(0, |o| o.id),
                external_id: p.external_id.clone(),
                shop_id: shop.id,
                niche_id: niche.id,
                title: p.title.clone(),
                price_minor: p.price_minor.0,
                created_at: old.as_ref().map_or(ctx.now, |o| o.created_at),
                updated_at: old.as_ref().map_or(ctx.now, |o| o.updated_at),
            };
            rows.push((old, new));
        }
        let now = ctx.now;
        let written =
            upsert::<product::Entity>(txn, rows, product::Column::Id, |m| m.updated_at = now)
                .await?;
        Ok(BatchOutcome::tally(&written))
    }
}
