//! Daily per-shop order aggregates (`shop_daily`), the rating's only view of orders: a
//! [`crate::rollup`] of every order by shop and placement day, kept current by ingest and
//! rebuilt by `flywheel recompute ratings --rebuild-aggregates` and after the demo seeder's
//! bulk load.

use crate::days::Day;
use crate::error::{ApiError, ApiResult};
use crate::rollup::{self, Cohort, Rollup};
use entities::enums::Fault;
use entities::{order, shop_daily};
use scoring::rating::DailyAggregate;
use sea_orm::{ConnectionTrait, DatabaseConnection, Set};

/// The counters of one cohort, in `DailyAggregate` field order.
type Counters = [i64; 12];

/// What one order adds to its shop's cohort, with what is not the shop's fault left out as
/// `DailyAggregate` requires: a cancelled order is not counted as shipped (it never reached a
/// buyer); late deliveries not caused by the seller leave both delivery counts; returns count
/// only when seller-caused on a counted delivery; first reviews count only when left after
/// delivery and not logistics-only.
fn contribution(o: &order::Model) -> (Cohort, Counters) {
    let seller = |fault: Option<Fault>| fault == Some(Fault::Seller);
    let shipped = o.shipped_at.filter(|_| o.cancelled_at.is_none());
    let delivered = o
        .delivered_at
        .filter(|_| shipped.is_some() && o.late_fault.is_none_or(|f| f == Fault::Seller));
    let on_time = delivered.is_some_and(|d| o.deliver_by.is_none_or(|by| d <= by));
    let review = o.review_stars.filter(|_| {
        !o.review_logistics_only
            && matches!((o.reviewed_at, o.delivered_at), (Some(r), Some(d)) if r >= d)
    });
    let handling_hours = shipped.map_or(0, |s| ((s - o.placed_at).num_minutes().max(0) + 30) / 60);
    let flag = |b: bool| i64::from(b);
    let counters = [
        1,
        flag(shipped.is_some()),
        flag(shipped.is_some_and(|s| s > o.ship_by)),
        flag(o.cancelled_at.is_some() && seller(o.cancel_fault)),
        flag(shipped.is_some() && o.tracking_valid == Some(true)),
        flag(delivered.is_some()),
        flag(on_time),
        handling_hours,
        flag(delivered.is_some() && o.returned_at.is_some() && seller(o.return_fault)),
        flag(review.is_some()),
        flag(review.is_some_and(|s| s <= 2)),
        review.map_or(0, i64::from),
    ];
    (rollup::cohort(o.shop_id, o.placed_at), counters)
}

/// The `shop_daily` roll-up: every order counts, and a cohort stays when its orders leave.
struct ShopDaily;

impl Rollup<12> for ShopDaily {
    type Entity = shop_daily::Entity;
    const KEY: [shop_daily::Column; 2] = [shop_daily::Column::ShopId, shop_daily::Column::Day];
    const COUNTERS: [shop_daily::Column; 12] = [
        shop_daily::Column::Orders,
        shop_daily::Column::Shipped,
        shop_daily::Column::LateDispatches,
        shop_daily::Column::SellerFaultCancellations,
        shop_daily::Column::ValidTracking,
        shop_daily::Column::Delivered,
        shop_daily::Column::DeliveredOnTime,
        shop_daily::Column::HandlingHours,
        shop_daily::Column::SellerFaultReturns,
        shop_daily::Column::FirstReviews,
        shop_daily::Column::NegativeFirstReviews,
        shop_daily::Column::FirstReviewStars,
    ];
    const PRUNE_EMPTIED: bool = false;

    fn contribution(o: &order::Model) -> Option<(Cohort, Counters)> {
        Some(contribution(o))
    }

    fn row((shop_id, day): Cohort, c: Counters) -> shop_daily::ActiveModel {
        shop_daily::ActiveModel {
            shop_id: Set(shop_id),
            day: Set(day.number()),
            orders: Set(c[0]),
            shipped: Set(c[1]),
            late_dispatches: Set(c[2]),
            seller_fault_cancellations: Set(c[3]),
            valid_tracking: Set(c[4]),
            delivered: Set(c[5]),
            delivered_on_time: Set(c[6]),
            handling_hours: Set(c[7]),
            seller_fault_returns: Set(c[8]),
            first_reviews: Set(c[9]),
            negative_first_reviews: Set(c[10]),
            first_review_stars: Set(c[11]),
        }
    }
}

/// Applies the orders a batch changed, as `(before, after)` pairs (`before` is `None` for a
/// new order), to the daily aggregates, inside the batch's transaction.
pub async fn record<'a, C: ConnectionTrait>(
    txn: &C,
    changes: impl IntoIterator<Item = (Option<&'a order::Model>, &'a order::Model)>,
) -> ApiResult<()> {
    rollup::record::<ShopDaily, 12>(txn, changes).await
}

/// Rebuilds every shop's daily aggregates from all orders in one transaction, reporting
/// `(orders read, orders in all)`; returns the number of cohorts written.
pub async fn rebuild(
    db: &DatabaseConnection,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> ApiResult<u64> {
    rollup::rebuild::<ShopDaily, 12>(db, progress).await
}

/// A stored cohort as the scoring input; a negative or oversized counter means the table
/// drifted from the orders (rebuild it).
pub fn to_aggregate(m: &shop_daily::Model) -> ApiResult<DailyAggregate> {
    let n = |v: i64| {
        u32::try_from(v).map_err(|_| {
            ApiError::invariant(format!(
                "shop_daily ({}, {}) holds counter {v}; run `flywheel recompute ratings --rebuild-aggregates`",
                m.shop_id, m.day
            ))
        })
    };
    Ok(DailyAggregate {
        day: Day::new(m.day),
        orders: n(m.orders)?,
        shipped: n(m.shipped)?,
        late_dispatches: n(m.late_dispatches)?,
        seller_fault_cancellations: n(m.seller_fault_cancellations)?,
        valid_tracking: n(m.valid_tracking)?,
        delivered: n(m.delivered)?,
        delivered_on_time: n(m.delivered_on_time)?,
        handling_hours: n(m.handling_hours)?,
        seller_fault_returns: n(m.seller_fault_returns)?,
        first_reviews: n(m.first_reviews)?,
        negative_first_reviews: n(m.negative_first_reviews)?,
        first_review_stars: n(m.first_review_stars)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::days::day_of;
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use std::collections::HashMap;

    fn order(placed: DateTime<Utc>) -> order::Model {
        order::Model {
            id: 1,
            shop_id: 7,
            product_id: 1,
            amount_minor: 100,
            currency: "USD".into(),
            ship_by: placed + Duration::hours(48),
            deliver_by: Some(placed + Duration::days(5)),
            ..order::Model::new("or-1".into(), placed)
        }
    }

    fn add(sums: &mut rollup::Sums<12>, o: &order::Model, sign: i64) {
        rollup::add::<ShopDaily, 12>(sums, o, sign)
    }

    /// Field order: orders, shipped, late, seller cancels, tracking, delivered, on time, hours,
    /// seller returns, reviews, negative reviews, stars.
    fn counters(o: &order::Model) -> Counters {
        contribution(o).1
    }

    #[test]
    fn only_the_shops_faults_count() {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 23, 30, 0).unwrap();
        let mut o = order(placed);
        assert_eq!(contribution(&o).0, (7, day_of(placed)));
        assert_eq!(
            day_of(placed),
            Day::new(20_758),
            "the UTC day, not the next one"
        );
        assert_eq!(counters(&o), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        // Shipped late with valid tracking, then delivered late by the carrier: the late
        // delivery leaves both delivery counts, the late dispatch stays.
        o.shipped_at = Some(placed + Duration::hours(60));
        o.tracking_valid = Some(true);
        o.delivered_at = Some(placed + Duration::days(6));
        o.late_fault = Some(Fault::Carrier);
        assert_eq!(counters(&o), [1, 1, 1, 0, 1, 0, 0, 60, 0, 0, 0, 0]);
        // Late by the seller: delivered, not on time; a buyer-fault return does not count.
        o.late_fault = Some(Fault::Seller);
        o.returned_at = Some(placed + Duration::days(7));
        o.return_fault = Some(Fault::Buyer);
        assert_eq!(counters(&o), [1, 1, 1, 0, 1, 1, 0, 60, 0, 0, 0, 0]);
        o.return_fault = Some(Fault::Seller);
        assert_eq!(counters(&o)[8], 1);

        // Reviews: logistics-only and pre-delivery ones are left out.
        o.review_stars = Some(2);
        o.reviewed_at = Some(placed + Duration::days(8));
        assert_eq!(counters(&o)[9..], [1, 1, 2]);
        o.review_logistics_only = true;
        assert_eq!(counters(&o)[9..], [0, 0, 0]);
        o.review_logistics_only = false;
        o.reviewed_at = Some(placed + Duration::days(1));
        assert_eq!(counters(&o)[9..], [0, 0, 0]);
    }

    #[test]
    fn a_cancelled_order_is_not_shipped() {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let mut o = order(placed);
        o.shipped_at = Some(placed + Duration::hours(10));
        o.cancelled_at = Some(placed + Duration::hours(20));
        o.cancel_fault = Some(Fault::Seller);
        assert_eq!(counters(&o), [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        o.cancel_fault = Some(Fault::Buyer);
        assert_eq!(counters(&o), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn deltas_move_an_order_between_cohorts_and_sums_stay_valid() {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let before = order(placed);
        let mut after = order(placed + Duration::days(1));
        after.shipped_at = Some(after.placed_at + Duration::hours(5));
        after.tracking_valid = Some(true);
        let mut sums = HashMap::new();
        add(&mut sums, &before, 1);
        add(&mut sums, &before, -1);
        add(&mut sums, &after, 1);
        assert_eq!(sums[&(7, day_of(placed))], [0; 12]);
        let (shop_id, day) = (7, day_of(after.placed_at));
        let c = sums[&(shop_id, day)];
        let row = shop_daily::Model {
            shop_id,
            day: day.number(),
            orders: c[0],
            shipped: c[1],
            late_dispatches: c[2],
            seller_fault_cancellations: c[3],
            valid_tracking: c[4],
            delivered: c[5],
            delivered_on_time: c[6],
            handling_hours: c[7],
            seller_fault_returns: c[8],
            first_reviews: c[9],
            negative_first_reviews: c[10],
            first_review_stars: c[11],
        };
        let aggregate = to_aggregate(&row).expect("non-negative");
        assert_eq!(
            (
                aggregate.orders,
                aggregate.shipped,
                aggregate.handling_hours
            ),
            (1, 1, 5)
        );
        aggregate.validate().expect("consistent");
        assert!(to_aggregate(&shop_daily::Model { orders: -1, ..row }).is_err());
    }
}
