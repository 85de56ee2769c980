//! Buyers' first reviews of their orders. Only the first review counts toward a shop's
//! product score, so a later one for the same order is kept out.

use super::support::*;
use crate::error::{ApiError, ApiResult};
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entities::order;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};

/// A buyer's first review of an order.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ReviewInput {
    /// Id of this review; a review already applied is skipped.
    pub event_id: String,
    /// External id of the order.
    pub order: String,
    /// 1 to 5.
    pub stars: i16,
    /// When the buyer wrote the review; not in the future.
    pub at: DateTime<Utc>,
    /// The review only complains about delivery (not the product's fault).
    #[serde(default)]
    #[graphql(default)]
    pub logistics_only: bool,
}

impl Kind for ReviewInput {
    const NAME: &'static str = "reviews";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        super::orders::order_ids(txn, items.iter().map(|i| i.order.clone())).await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|r| r.event_id.as_str()), "eventId")?;
        let mut orders = rows_by::<order::Entity, _>(
            txn,
            order::Column::ExternalId,
            items.iter().map(|r| r.order.clone()),
            |o| o.external_id.clone(),
        )
        .await?;
        for (i, r) in items.iter().enumerate() {
            not_blank(&r.event_id, i, "eventId")?;
            let o = resolve(&orders, &r.order, i, "order", "order")?;
            if !(1..=5).contains(&r.stars) {
                return Err(ApiError::invalid(
                    i,
                    "stars",
                    format!("must be 1 to 5, got {}", r.stars),
                ));
            }
            not_future(r.at, ctx.now, i, "at")?;
            if r.at < o.placed_at {
                return Err(ApiError::invalid(i, "at", "before the order was placed"));
            }
        }
        let ids: Vec<&str> = items.iter().map(|r| r.event_id.as_str()).collect();
        let fresh = first_time(txn, Self::NAME, &ids, ctx.now).await?;
        let before = orders.clone();
        let mut fates = vec![Written::Unchanged; items.len()];
        for i in fresh {
            let r = &items[i];
            let o = orders.get(&r.order).expect("resolved above");
            if o.review_stars.is_some() {
                continue;
            }
            let mut am = o.clone().into_active_model();
            am.review_stars = Set(Some(r.stars));
            am.reviewed_at = Set(Some(r.at));
            am.review_logistics_only = Set(r.logistics_only);
            am.updated_at = Set(ctx.now);
            let updated = am.update(txn).await?;
            orders.insert(r.order.clone(), updated);
            fates[i] = Written::Created;
        }
        crate::rating::aggregates::record(txn, orders.iter().map(|(k, o)| (before.get(k), o)))
            .await?;
        Ok(BatchOutcome::tally(&fates))
    }
}
