//! Order status events: shipped, delivered, cancelled, returned, each with its instant and,
//! where it matters for the shop's rating, whose fault it was.

use super::support::*;
use crate::error::{ApiError, ApiResult};
use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};
use entities::enums::Fault;
use entities::order;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};

/// What happened to an order.
#[derive(Enum, Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Handed to the carrier.
    Shipped,
    /// Received by the buyer.
    Delivered,
    /// Called off before delivery.
    Cancelled,
    /// Sent back by the buyer after delivery.
    Returned,
}

/// One change of an order's status.
#[derive(InputObject, Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusInput {
    /// Id of this event; an event already applied is skipped.
    pub event_id: String,
    /// External id of the order.
    pub order: String,
    /// What happened.
    pub status: OrderStatus,
    /// When it happened; not in the future.
    pub at: DateTime<Utc>,
    /// Cancellations and returns: why.
    pub reason: Option<String>,
    /// Cancellations, returns, and late deliveries: whose fault it was.
    pub fault: Option<Fault>,
    /// Shipments: whether the tracking number was valid.
    pub tracking_valid: Option<bool>,
}

impl OrderStatusInput {
    /// Applies the event to the order, or says why it cannot happen.
    fn advance(&self, i: usize, o: &order::Model) -> ApiResult<order::ActiveModel> {
        let fail = |why: String| Err(ApiError::invalid(i, "status", why));
        if self.at < o.placed_at {
            return Err(ApiError::invalid(i, "at", "before the order was placed"));
        }
        if o.cancelled_at.is_some() || o.returned_at.is_some() {
            return fail(format!("order {:?} is already closed", o.external_id));
        }
        let mut am = o.clone().into_active_model();
        match self.status {
            OrderStatus::Shipped => {
                if o.shipped_at.is_some() {
                    return fail("the order has already shipped".into());
                }
                am.shipped_at = Set(Some(self.at));
                am.tracking_valid = Set(Some(self.tracking_valid.unwrap_or(true)));
            }
            OrderStatus::Delivered => {
                match o.shipped_at {
                    None => return fail("a delivery needs a shipment first".into()),
                    Some(s) if self.at < s => {
                        return Err(ApiError::invalid(i, "at", "before the order shipped"));
                    }
                    _ => {}
                }
                if o.delivered_at.is_some() {
                    return fail("the order was already delivered".into());
                }
                let late = o.deliver_by.is_some_and(|d| self.at > d);
                if late && self.fault.is_none() {
                    return Err(ApiError::invalid(
                        i,
                        "fault",
                        "a late delivery needs a fault (seller or carrier)",
                    ));
                }
                am.delivered_at = Set(Some(self.at));
                am.late_fault = Set(if late { self.fault } else { None });
            }
            OrderStatus::Cancelled => {
                if o.delivered_at.is_some() {
                    return fail("a delivered order is returned, not cancelled".into());
                }
                am.cancelled_at = Set(Some(self.at));
                am.cancel_reason = Set(Some(self.reason().to_owned()));
                am.cancel_fault = Set(Some(self.fault(i)?));
            }
            OrderStatus::Returned => {
                if o.delivered_at.is_none_or(|d| self.at < d) {
                    return fail("only a delivered order can be returned, after delivery".into());
                }
                am.returned_at = Set(Some(self.at));
                am.return_reason = Set(Some(self.reason().to_owned()));
                am.return_fault = Set(Some(self.fault(i)?));
            }
        }
        Ok(am)
    }

    fn reason(&self) -> &str {
        self.reason.as_deref().unwrap_or("unspecified")
    }

    fn fault(&self, i: usize) -> ApiResult<Fault> {
        self.fault
            .ok_or_else(|| ApiError::invalid(i, "fault", "cancellations and returns need a fault"))
    }
}

impl Kind for OrderStatusInput {
    const NAME: &'static str = "order_status";

    async fn ids(txn: &DatabaseTransaction, items: &[Self]) -> ApiResult<Vec<async_graphql::ID>> {
        super::orders::order_ids(txn, items.iter().map(|i| i.order.clone())).await
    }

    async fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> ApiResult<BatchOutcome> {
        unique_in_batch(items.iter().map(|e| e.event_id.as_str()), "eventId")?;
        let mut orders = rows_by::<order::Entity, _>(
            txn,
            order::Column::ExternalId,
            items.iter().map(|e| e.order.clone()),
            |o| o.external_id.clone(),
        )
        .await?;
        for (i, e) in items.iter().enumerate() {
            not_blank(&e.event_id, i, "eventId")?;
            resolve(&orders, &e.order, i, "order", "order")?;
            not_future(e.at, ctx.now, i, "at")?;
        }
        let ids: Vec<&str> = items.iter().map(|e| e.event_id.as_str()).collect();
        let fresh = first_time(txn, Self::NAME, &ids, ctx.now).await?;
        let before = orders.clone();
        let mut fates = vec![Written::Unchanged; items.len()];
        // Events of one order apply in time order, whatever their order in the batch.
        let mut fresh = fresh;
        fresh.sort_by_key(|&i| (items[i].at, i));
        for i in fresh {
            let e = &items[i];
            let current = orders.get(&e.order).expect("resolved above");
            let mut am = e.advance(i, current)?;
            am.updated_at = Set(ctx.now);
            let updated = am.update(txn).await?;
            orders.insert(e.order.clone(), updated);
            fates[i] = Written::Created;
        }
        crate::rating::aggregates::record(txn, orders.iter().map(|(k, o)| (before.get(k), o)))
            .await?;
        crate::ltv::selling_days::record(txn, orders.iter().map(|(k, o)| (before.get(k), o)))
            .await?;
        Ok(BatchOutcome::tally(&fates))
    }
}
