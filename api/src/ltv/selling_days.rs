//! The per-creator-per-day sales table (`creator_selling_day`), the LTV models' only view of
//! orders.
//!
//! A creator "transacts" on each UTC day with attributed (`orders.creator_id`), delivered and
//! not-returned (nor cancelled) sales, counted on the day the order was placed. Ingest calls
//! [`record`] with the orders a batch changed, before and after, in the batch's transaction —
//! as `rating::aggregates` does for `shop_daily` — so a delivery adds to the day and a return
//! after delivery takes it away again (a day left with no order is deleted), with one
//! `INSERT .. ON CONFLICT DO UPDATE` per 500 days and no order rescans. [`rebuild`] recomputes
//! the table from all orders, for bulk loads (the demo seeder).

use crate::days::day_of;
use crate::error::ApiResult;
use entities::{creator_selling_day as csd, order};
use scoring::rating::Day;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::{BTreeSet, HashMap};

/// Orders and GMV (minor units) of one creator-day.
type Counters = [i64; 2];

/// What one order adds to its creator's selling day, if it counts as a sale of the creator.
fn contribution(o: &order::Model) -> Option<((i64, Day), Counters)> {
    let creator = o.creator_id?;
    let sold = o.delivered_at.is_some() && o.returned_at.is_none() && o.cancelled_at.is_none();
    sold.then(|| ((creator, day_of(o.placed_at)), [1, o.amount_minor]))
}

fn add(sums: &mut HashMap<(i64, Day), Counters>, o: &order::Model, sign: i64) {
    if let Some((key, [orders, gmv])) = contribution(o) {
        let sum = sums.entry(key).or_insert([0; 2]);
        sum[0] += sign * orders;
        sum[1] += sign * gmv;
    }
}

/// Applies the orders a batch changed, as `(before, after)` pairs (`before` is `None` for a
/// new order), to the selling days, inside the batch's transaction.
pub async fn record<'a, C: ConnectionTrait>(
    txn: &C,
    changes: impl IntoIterator<Item = (Option<&'a order::Model>, &'a order::Model)>,
) -> ApiResult<()> {
    let mut deltas = HashMap::new();
    for (before, after) in changes {
        if let Some(before) = before {
            add(&mut deltas, before, -1);
        }
        add(&mut deltas, after, 1);
    }
    deltas.retain(|_, c| c.iter().any(|&x| x != 0));
    let shrunk: BTreeSet<i64> = deltas
        .iter()
        .filter(|(_, c)| c[0] < 0)
        .map(|((creator, _), _)| *creator)
        .collect();
    write(txn, deltas, true).await?;
    if !shrunk.is_empty() {
        // A day whose last sale was returned is no longer a selling day.
        csd::Entity::delete_many()
            .filter(csd::Column::CreatorId.is_in(shrunk))
            .filter(csd::Column::Orders.lte(0))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Rebuilds the table from all orders in one transaction, reporting `(orders read, orders in
/// all)`; returns the number of selling days written.
pub async fn rebuild(
    db: &DatabaseConnection,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> ApiResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    csd::Entity::delete_many().exec(&txn).await?;
    let sold = || {
        order::Entity::find()
            .filter(order::Column::CreatorId.is_not_null())
            .filter(order::Column::DeliveredAt.is_not_null())
            .filter(order::Column::ReturnedAt.is_null())
            .filter(order::Column::CancelledAt.is_null())
    };
    let mut sums = HashMap::new();
    crate::scan::orders(&txn, sold(), progress, |o| add(&mut sums, o, 1)).await?;
    let days = sums.len() as u64;
    write(&txn, sums, false).await?;
    txn.commit().await?;
    Ok(days)
}

/// Inserts days; with `accumulate`, an existing day gets the counters added to its own.
async fn write<C: ConnectionTrait>(
    txn: &C,
    days: HashMap<(i64, Day), Counters>,
    accumulate: bool,
) -> ApiResult<()> {
    let mut rows: Vec<_> = days.into_iter().collect();
    rows.sort_unstable_by_key(|(key, _)| *key);
    let mut on_conflict = OnConflict::columns([csd::Column::CreatorId, csd::Column::Day]);
    on_conflict.values([csd::Column::Orders, csd::Column::GmvMinor].map(|c| {
        (
            c,
            Expr::col((csd::Entity, c)).add(Expr::col((Alias::new("excluded"), c))),
        )
    }));
    for chunk in rows.chunks(crate::db::rows_per_insert(4)) {
        let models = chunk
            .iter()
            .map(|&((creator_id, day), [orders, gmv])| csd::ActiveModel {
                creator_id: Set(creator_id),
                day: Set(day),
                orders: Set(orders),
                gmv_minor: Set(gmv),
            });
        let insert = csd::Entity::insert_many(models);
        if accumulate {
            insert
                .on_conflict(on_conflict.clone())
                .exec_without_returning(txn)
                .await?;
        } else {
            insert.exec_without_returning(txn).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

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
