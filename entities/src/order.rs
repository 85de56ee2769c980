//! An order of one product from one shop, attributed to the creator and content that sold it,
//! with its fulfilment timeline and the buyer's first review.

use crate::enums::Fault;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub shop_id: i64,
    pub product_id: i64,
    pub creator_id: Option<i64>,
    pub content_id: Option<i64>,
    pub quantity: i32,
    /// Amount in minor units of `currency`, which is the shop's market currency.
    pub amount_minor: i64,
    pub currency: String,
    pub placed_at: DateTimeUtc,
    /// The dispatch deadline promised to the buyer; later shipping is a late dispatch.
    pub ship_by: DateTimeUtc,
    pub shipped_at: Option<DateTimeUtc>,
    /// Whether the carrier's tracking number was valid on first scan.
    pub tracking_valid: Option<bool>,
    /// The delivery date promised to the buyer.
    pub deliver_by: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    /// Who caused a late delivery, when it was late.
    pub late_fault: Option<Fault>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
    pub cancel_fault: Option<Fault>,
    pub returned_at: Option<DateTimeUtc>,
    pub return_reason: Option<String>,
    pub return_fault: Option<Fault>,
    /// The buyer's first review, 1-5 stars.
    pub review_stars: Option<i16>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// The review only complains about delivery, which is not the product's fault.
    pub review_logistics_only: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl Model {
    /// A new order, not yet inserted (id 0), placed, created and updated at `now`, to which
    /// nothing has happened since: every lifecycle field (shipping, delivery, cancellation,
    /// return, review) is empty. Its placement (shop, product, attribution, amount, deadlines;
    /// one unit) is the caller's to fill in, with `..Model::new(..)` after the fields it knows.
    pub fn new(external_id: String, now: DateTimeUtc) -> Self {
        Self {
            id: 0,
            external_id,
            shop_id: 0,
            product_id: 0,
            creator_id: None,
            content_id: None,
            quantity: 1,
            amount_minor: 0,
            currency: String::new(),
            placed_at: now,
            ship_by: now,
            shipped_at: None,
            tracking_valid: None,
            deliver_by: None,
            delivered_at: None,
            late_fault: None,
            cancelled_at: None,
            cancel_reason: None,
            cancel_fault: None,
            returned_at: None,
            return_reason: None,
            return_fault: None,
            review_stars: None,
            reviewed_at: None,
            review_logistics_only: false,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
