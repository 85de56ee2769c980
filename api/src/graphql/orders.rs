//! Orders: visible through their shop only.

use super::context::load_required;
use super::creators::Creator;
use super::products::Product;
use super::scalars::{Long, Money, id};
use crate::auth::caller;
use crate::error::ApiError;
use async_graphql::{Context, Description, ID, Object, Result};
use chrono::{DateTime, Utc};
use entities::enums::Fault;
use entities::{creator, order, product};

/// An order of one product, with its fulfilment timeline and first review.
#[derive(Description)]
pub struct Order(pub order::Model);

#[Object(use_type_description)]
impl Order {
    /// The order's id in Flywheel (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the order, as sent to `recordOrders`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// Units ordered.
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    /// What the buyer paid, in the shop's market currency.
    async fn amount(&self) -> Money {
        Money {
            amount_minor: Long(self.0.amount_minor),
            currency: self.0.currency.clone(),
        }
    }
    /// When the buyer placed the order.
    async fn placed_at(&self) -> DateTime<Utc> {
        self.0.placed_at
    }
    /// The promised dispatch deadline.
    async fn ship_by(&self) -> DateTime<Utc> {
        self.0.ship_by
    }
    /// When it shipped; null before.
    async fn shipped_at(&self) -> Option<DateTime<Utc>> {
        self.0.shipped_at
    }
    /// Whether the carrier's tracking number was valid on first scan; null before shipping.
    async fn tracking_valid(&self) -> Option<bool> {
        self.0.tracking_valid
    }
    /// The delivery date promised to the buyer; null when none was.
    async fn deliver_by(&self) -> Option<DateTime<Utc>> {
        self.0.deliver_by
    }
    /// When it was delivered; null before.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// Who caused a late delivery; null when it was not late.
    async fn late_fault(&self) -> Option<Fault> {
        self.0.late_fault
    }
    /// When it was cancelled; null unless it was.
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
    /// Why it was cancelled; null unless it was.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }
    /// Who caused the cancellation (only seller faults count against the shop).
    async fn cancel_fault(&self) -> Option<Fault> {
        self.0.cancel_fault
    }
    /// When it was returned; null unless it was.
    async fn returned_at(&self) -> Option<DateTime<Utc>> {
        self.0.returned_at
    }
    /// Why it was returned; null unless it was.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }
    /// Who caused the return (only seller faults count against the shop).
    async fn return_fault(&self) -> Option<Fault> {
        self.0.return_fault
    }
    /// The buyer's first review, 1-5 stars; null before one.
    async fn review_stars(&self) -> Option<i16> {
        self.0.review_stars
    }
    /// When the first review came; null before one.
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.reviewed_at
    }
    /// The product ordered.
    async fn product(&self, ctx: &Context<'_>) -> Result<Product> {
        Ok(Product(
            load_required::<product::Entity, i64>(ctx, self.0.product_id).await?,
        ))
    }
    /// The creator the sale is attributed to (not shown to shop callers: creator profiles are
    /// for brands, scouts and admins).
    async fn creator(&self, ctx: &Context<'_>) -> Result<Option<Creator>> {
        let Some(cid) = self.0.creator_id else {
            return Ok(None);
        };
        let row = load_required::<creator::Entity, i64>(ctx, cid).await?;
        if !caller(ctx)?.sees_creators_of(&row.market_code)? {
            return Err(ApiError::not_found("creator", cid).into());
        }
        Ok(Some(Creator(row)))
    }
}
