//! The per-creator-per-day sales table (`creator_selling_day`), the LTV models' only view of
//! orders: a [`crate::rollup`] of the sold orders by creator and placement day, kept current by
//! ingest and rebuilt after bulk loads (the demo seeder) and by `flywheel recompute ltv
//! --rebuild-selling-days`.
//!
//! A creator "transacts" on each UTC day with attributed (`orders.creator_id`), delivered and
//! not-returned (nor cancelled) sales, counted on the day the order was placed: a delivery adds
//! to the day and a return after delivery takes it away again, and a day left with no order is
//! deleted.

use crate::error::ApiResult;
use crate::rollup::{self, Cohort, Rollup};
use entities::{creator_selling_day as csd, order};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select, Set,
};

/// Orders and GMV (minor units) of one creator-day.
type Counters = [i64; 2];

/// What one order adds to its creator's selling day, if it counts as a sale of the creator.
fn contribution(o: &order::Model) -> Option<(Cohort, Counters)> {
    let creator = o.creator_id?;
    let sold = o.delivered_at.is_some() && o.returned_at.is_none() && o.cancelled_at.is_none();
    sold.then(|| (rollup::cohort(creator, o.placed_at), [1, o.amount_minor]))
}

/// The `creator_selling_day` roll-up: only sales count, and a day without one is no selling day.
struct SellingDays;

impl Rollup<2> for SellingDays {
    type Entity = csd::Entity;
    const KEY: [csd::Column; 2] = [csd::Column::CreatorId, csd::Column::Day];
    const COUNTERS: [csd::Column; 2] = [csd::Column::Orders, csd::Column::GmvMinor];
    const PRUNE_EMPTIED: bool = true;

    fn contribution(o: &order::Model) -> Option<(Cohort, Counters)> {
        contribution(o)
    }

    fn row((creator_id, day): Cohort, [orders, gmv]: Counters) -> csd::ActiveModel {
        csd::ActiveModel {
            creator_id: Set(creator_id),
            day: Set(day.number()),
            orders: Set(orders),
            gmv_minor: Set(gmv),
        }
    }

    /// The orders [`contribution`] counts, and no others.
    fn candidates() -> Select<order::Entity> {
        order::Entity::find()
            .filter(order::Column::CreatorId.is_not_null())
            .filter(order::Column::DeliveredAt.is_not_null())
            .filter(order::Column::ReturnedAt.is_null())
            .filter(order::Column::CancelledAt.is_null())
    }
}

/// Applies the orders a batch changed, as `(before, after)` pairs (`before` is `None` for a
/// new order), to the selling days, inside the batch's transaction.
pub async fn record<'a, C: ConnectionTrait>(
    txn: &C,
    changes: impl IntoIterator<Item = (Option<&'a order::Model>, &'a order::Model)>,
) -> ApiResult<()> {
    rollup::record::<SellingDays, 2>(txn, changes).await
}

/// Rebuilds the table from all orders in one transaction, reporting `(orders read, orders in
/// all)`; returns the number of selling days written.
pub async fn rebuild(
    db: &DatabaseConnection,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> ApiResult<u64> {
    rollup::rebuild::<SellingDays, 2>(db, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::days::day_of;
    use chrono::{Duration, TimeZone, Utc};
    use std::collections::HashMap;

    fn order(creator: Option<i64>) -> order::Model {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 23, 30, 0).unwrap();
        order::Model {
            id: 1,
            shop_id: 7,
            product_id: 1,
            creator_id: creator,
            amount_minor: 2_500,
            currency: "USD".into(),
            ship_by: placed + Duration::hours(48),
            shipped_at: Some(placed + Duration::hours(5)),
            tracking_valid: Some(true),
            ..order::Model::new("or-1".into(), placed)
        }
    }

    fn add(sums: &mut rollup::Sums<2>, o: &order::Model, sign: i64) {
        rollup::add::<SellingDays, 2>(sums, o, sign)
    }

    #[test]
    fn only_delivered_unreturned_attributed_orders_count_on_their_placement_day() {
        let mut o = order(Some(3));
        assert_eq!(contribution(&o), None, "not delivered yet");
        // Delivered two days later: still the placement day (UTC), not the delivery day.
        o.delivered_at = Some(o.placed_at + Duration::days(2));
        assert_eq!(
            contribution(&o),
            Some(((3, day_of(o.placed_at)), [1, 2_500]))
        );
        let mut returned = o.clone();
        returned.returned_at = Some(o.placed_at + Duration::days(4));
        assert_eq!(contribution(&returned), None);
        let direct = order::Model {
            creator_id: None,
            ..o.clone()
        };
        assert_eq!(contribution(&direct), None, "not attributed to a creator");

        // A delivery then a return of the same order nets to zero on that day.
        let mut sums = HashMap::new();
        let pending = order(Some(3));
        add(&mut sums, &pending, -1);
        add(&mut sums, &o, 1);
        assert_eq!(sums[&(3, day_of(o.placed_at))], [1, 2_500]);
        add(&mut sums, &o, -1);
        add(&mut sums, &returned, 1);
        assert_eq!(sums[&(3, day_of(o.placed_at))], [0, 0]);
    }
}
