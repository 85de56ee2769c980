//! New orders. Their later life (shipping, delivery, cancellation, return) arrives as status
//! events (`order_status`), their first review as `reviews`.

use super::support::*;
use crate::error::{ApiError, ApiResult};
use crate::long::Long;
use async_graphql::InputObject;
use chrono::{DateTime, Duration, Utc};
use entities::{content, creator, market, order, product, shop};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// The dispatch deadline when an order does not state one: two days after it was placed.
pub const DEFAULT_SHIP_WITHIN_HOURS: i64 = 48;

/// An order to create (matched by `externalId`; resending it changes nothing).
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct OrderInput {
    /// The client's own key for the order: a second batch with it updates the order.
    pub external_id: String,
    /// External id of the shop.
    pub shop: String,
    /// External id of the product; must belong to the shop.
    pub product: String,
    /// External id of the creator the sale is attributed to.
    pub creator: Option<String>,
    /// External id of the content that made the sale; its creator must be `creator`.
    pub content: Option<String>,
    /// Units ordered, 1 when omitted.
    #[serde(default = "one")]
    #[graphql(default = 1)]
    pub quantity: i32,
    /// Amount paid, in minor units of `currency`.
    pub amount_minor: Long,
    /// Must be the shop's market currency.
    pub currency: String,
    /// When the buyer placed the order; not in the future.
    pub placed_at: DateTime<Utc>,
    /// Promised dispatch deadline; defaults to 48 hours after `placedAt`.
    pub ship_by: Option<DateTime<Utc>>,
    /// Promised delivery date.
    pub deliver_by: Option<DateTime<Utc>>,
}

fn one() -> i32 {
    1
}

/// The ids of the orders named by external id: the rows order events apply to.
pub(super) async fn order_ids(
    txn: &DatabaseTransaction,
    orders: impl Iterator<Item = String>,
) -> ApiResult<Vec<async_graphql::ID>> {
    ids_by::<order::Entity>(txn, order::Column::ExternalId, order::Column::Id, orders).await
}

impl Kind for OrderInput {
    const NAME: &'static str = "orders";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        order_ids(txn, items.iter().map(|i| i.external_id.clone())).await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|o| o.external_id.as_str()), "externalId")?;
        let shops = rows_by::<shop::Entity, _>(
            txn,
            shop::Column::ExternalId,
            items.iter().map(|o| o.shop.clone()),
            |s| s.external_id.clone(),
        )
        .await?;
        let markets = rows_by::<market::Entity, _>(
            txn,
            market::Column::Code,
            shops.values().map(|s| s.market_code.clone()),
            |m| m.code.clone(),
        )
        .await?;
        let products = rows_by::<product::Entity, _>(
            txn,
            product::Column::ExternalId,
            items.iter().map(|o| o.product.clone()),
            |p| p.external_id.clone(),
        )
        .await?;
        let creators = rows_by::<creator::Entity, _>(
            txn,
            creator::Column::ExternalId,
            items.iter().filter_map(|o| o.creator.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let pieces = rows_by::<content::Entity, _>(
            txn,
            content::Column::ExternalId,
            items.iter().filter_map(|o| o.content.clone()),
            |c| c.external_id.clone(),
        )
        .await?;
        let existing = rows_by::<order::Entity, _>(
            txn,
            order::Column::ExternalId,
            items.iter().map(|o| o.external_id.clone()),
            |o| o.external_id.clone(),
        )
        .await?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, o) in items.iter().enumerate() {
            not_blank(&o.external_id, i, "externalId")?;
            let shop = resolve(&shops, &o.shop, i, "shop", "shop")?;
            let product = resolve(&products, &o.product, i, "product", "product")?;
            if product.shop_id != shop.id {
                return Err(ApiError::invalid(
                    i,
                    "product",
                    format!("product {:?} is not sold by shop {:?}", o.product, o.shop),
                ));
            }
            let creator_id = match &o.creator {
                Some(c) => Some(resolve(&creators, c, i, "creator", "creator")?.id),
                None => None,
            };
            let content_id = match &o.content {
                Some(c) => {
                    let piece = resolve(&pieces, c, i, "content", "content")?;
                    if Some(piece.creator_id) != creator_id {
                        return Err(ApiError::invalid(
                            i,
                            "content",
                            format!("content {c:?} is not by the order's creator"),
                        ));
                    }
                    Some(piece.id)
                }
                None => None,
            };
            if o.quantity < 1 {
                return Err(ApiError::invalid(
                    i,
                    "quantity",
                    format!("must be at least 1, got {}", o.quantity),
                ));
            }
            non_negative(o.amount_minor, i, "amountMinor")?;
            let currency = &markets[&shop.market_code].currency;
            if &o.currency != currency {
                return Err(ApiError::invalid(
                    i,
                    "currency",
                    format!(
                        "shop {:?} is in market {} which uses {currency}, not {}",
                        o.shop, shop.market_code, o.currency
                    ),
                ));
            }
            not_future(o.placed_at, ctx.now, i, "placedAt")?;
            let ship_by = o
                .ship_by
                .unwrap_or(o.placed_at + Duration::hours(DEFAULT_SHIP_WITHIN_HOURS));
            if ship_by < o.placed_at {
                return Err(ApiError::invalid(i, "shipBy", "before placedAt"));
            }
            if o.deliver_by.is_some_and(|d| d < ship_by) {
                return Err(ApiError::invalid(i, "deliverBy", "before shipBy"));
            }
            let old = existing.get(&o.external_id).cloned();
            fixed(
                i,
                "shop",
                old.as_ref().map(|o| o.shop_id),
                shop.id,
                "an order counts towards its shop's rating",
            )?;
            let placed = order::Model {
                shop_id: shop.id,
                product_id: product.id,
                creator_id,
                content_id,
                quantity: o.quantity,
                amount_minor: o.amount_minor.0,
                currency: o.currency.clone(),
                placed_at: o.placed_at,
                ship_by,
                deliver_by: o.deliver_by,
                ..old
                    .clone()
                    .unwrap_or_else(|| order::Model::new(o.external_id.clone(), ctx.now))
            };
            rows.push((old, placed));
        }
        crate::rating::aggregates::record(txn, rows.iter().map(|(old, new)| (old.as_ref(), new)))
            .await?;
        crate::ltv::selling_days::record(txn, rows.iter().map(|(old, new)| (old.as_ref(), new)))
            .await?;
        let now = ctx.now;
        let written =
            upsert::<order::Entity>(txn, rows, order::Column::Id, |m| m.updated_at = now).await?;
        Ok(BatchOutcome::tally(&written))
    }
}
