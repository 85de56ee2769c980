//! One roll-up of orders into daily cohorts, for the tables ingest keeps current instead of
//! rescanning orders: the shop daily aggregates (`rating::aggregates`) and the creator selling
//! days (`ltv::selling_days`). A table says only what is its own ([`Rollup`]); the algorithm is
//! here once.
//!
//! Each order counts in the cohort of its owner (shop, creator) and the UTC day it was placed,
//! so an order enters and leaves every window exactly once, whenever its later events arrive.
//! Ingest calls [`record`] with the orders a batch changed, before and after, in the batch's
//! transaction: the difference of their contributions is added to the stored counters with
//! `INSERT .. ON CONFLICT DO UPDATE SET c = c + excluded.c` (as many cohorts a statement as
//! [`crate::db::rows_per_insert`] allows), so concurrent batches never lose an update: each
//! adds its own difference to whatever the row holds when it writes, and no owner's orders
//! are rescanned. [`rebuild`] recomputes a table from all orders, for data written around
//! ingest (the demo seeder's bulk load) and for `flywheel recompute`, its orders read in pages
//! ([`crate::scan::orders`]).

use crate::days::{Day, day_of};
use crate::error::ApiResult;
use entities::order;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};
use std::collections::{BTreeSet, HashMap};

/// A cohort: its owner's id (a shop, a creator) and the UTC day its orders were placed.
pub type Cohort = (i64, Day);

/// Counters summed per cohort.
pub type Sums<const N: usize> = HashMap<Cohort, [i64; N]>;

type Column<T, const N: usize> = <<T as Rollup<N>>::Entity as EntityTrait>::Column;

/// What one roll-up table has of its own: its columns, what an order adds to it, and how a
/// cohort becomes a row. `N` is its number of counters.
pub trait Rollup<const N: usize> {
    /// The table.
    type Entity: EntityTrait;
    /// The key columns: the owner's id, then the day.
    const KEY: [Column<Self, N>; 2];
    /// The counter columns, in the order of the counters; the first is the cohort's order
    /// count.
    const COUNTERS: [Column<Self, N>; N];
    /// Whether a cohort whose order count falls to zero or below is deleted after a write: a
    /// table of days on which something happened has no row for a day it no longer counts.
    const PRUNE_EMPTIED: bool;

    /// The order's cohort and what it adds to its counters, if the order counts here.
    fn contribution(o: &order::Model) -> Option<(Cohort, [i64; N])>;

    /// The row of a cohort with these counters.
    fn row(cohort: Cohort, counters: [i64; N]) -> <Self::Entity as EntityTrait>::ActiveModel;

    /// The orders a rebuild reads: all of them, unless a query can leave out those that
    /// cannot count.
    fn candidates() -> Select<order::Entity> {
        order::Entity::find()
    }
}

/// The cohort of an order placed at `placed` by `owner`.
pub fn cohort(owner: i64, placed: chrono::DateTime<chrono::Utc>) -> Cohort {
    (owner, day_of(placed))
}

/// Adds `sign` times the order's contribution to its cohort's sums.
pub(crate) fn add<T: Rollup<N>, const N: usize>(sums: &mut Sums<N>, o: &order::Model, sign: i64) {
    if let Some((cohort, counters)) = T::contribution(o) {
        let sum = sums.entry(cohort).or_insert([0; N]);
        for (s, c) in sum.iter_mut().zip(counters) {
            *s += sign * c;
        }
    }
}

/// Applies the orders a batch changed, as `(before, after)` pairs (`before` is `None` for a
/// new order), to the table, inside the batch's transaction.
pub async fn record<'a, T: Rollup<N>, const N: usize>(
    txn: &impl ConnectionTrait,
    changes: impl IntoIterator<Item = (Option<&'a order::Model>, &'a order::Model)>,
) -> ApiResult<()> {
    let deltas = deltas::<T, N>(changes);
    let shrunk = if T::PRUNE_EMPTIED {
        shrunk(&deltas)
    } else {
        BTreeSet::new()
    };
    write::<T, N>(txn, deltas, true).await?;
    let [owner, _] = T::KEY;
    let shrunk: Vec<i64> = shrunk.into_iter().collect();
    for owners in shrunk.chunks(crate::db::IN_LIST) {
        T::Entity::delete_many()
            .filter(owner.is_in(owners.iter().copied()))
            .filter(T::COUNTERS[0].lte(0))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The net change a batch makes to each cohort, without the cohorts it leaves as they were.
fn deltas<'a, T: Rollup<N>, const N: usize>(
    changes: impl IntoIterator<Item = (Option<&'a order::Model>, &'a order::Model)>,
) -> Sums<N> {
    let mut deltas = HashMap::new();
    for (before, after) in changes {
        if let Some(before) = before {
            add::<T, N>(&mut deltas, before, -1);
        }
        add::<T, N>(&mut deltas, after, 1);
    }
    deltas.retain(|_, c| c.iter().any(|&x| x != 0));
    deltas
}

/// The owners with a cohort that lost orders: only they can have a cohort left empty.
fn shrunk<const N: usize>(deltas: &Sums<N>) -> BTreeSet<i64> {
    deltas
        .iter()
        .filter(|(_, c)| c[0] < 0)
        .map(|((owner, _), _)| *owner)
        .collect()
}

/// Rebuilds the table from all orders in one transaction, reporting `(orders read, orders in
/// all)`; returns the number of cohorts written.
pub async fn rebuild<T: Rollup<N>, const N: usize>(
    db: &DatabaseConnection,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> ApiResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    T::Entity::delete_many().exec(&txn).await?;
    let mut sums = HashMap::new();
    crate::scan::orders(&txn, T::candidates(), progress, |o| {
        add::<T, N>(&mut sums, o, 1)
    })
    .await?;
    let cohorts = sums.len() as u64;
    write::<T, N>(&txn, sums, false).await?;
    txn.commit().await?;
    Ok(cohorts)
}

/// Inserts cohorts; with `accumulate`, an existing cohort gets the counters added to its own.
async fn write<T: Rollup<N>, const N: usize>(
    txn: &impl ConnectionTrait,
    cohorts: Sums<N>,
    accumulate: bool,
) -> ApiResult<()> {
    let mut rows: Vec<_> = cohorts.into_iter().collect();
    rows.sort_unstable_by_key(|(cohort, _)| *cohort);
    let mut on_conflict = OnConflict::columns(T::KEY);
    on_conflict.values(T::COUNTERS.map(|c| {
        (
            c,
            Expr::col((T::Entity::default(), c)).add(Expr::col((Alias::new("excluded"), c))),
        )
    }));
    for chunk in rows.chunks(crate::db::rows_per_insert(T::KEY.len() + N)) {
        let insert = T::Entity::insert_many(chunk.iter().map(|&(cohort, c)| T::row(cohort, c)));
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
    use entities::creator_selling_day as csd;

    /// Orders and units per creator-day of every attributed order, whatever its state.
    struct Units;

    impl Rollup<2> for Units {
        type Entity = csd::Entity;
        const KEY: [csd::Column; 2] = [csd::Column::CreatorId, csd::Column::Day];
        const COUNTERS: [csd::Column; 2] = [csd::Column::Orders, csd::Column::GmvMinor];
        const PRUNE_EMPTIED: bool = true;

        fn contribution(o: &order::Model) -> Option<(Cohort, [i64; 2])> {
            let creator = o.creator_id?;
            Some((cohort(creator, o.placed_at), [1, i64::from(o.quantity)]))
        }

        fn row(_: Cohort, _: [i64; 2]) -> csd::ActiveModel {
            unreachable!("the batch's deltas are not written here")
        }
    }

    #[test]
    fn a_batch_nets_its_changes_per_cohort_and_names_the_owners_that_lost_orders() {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let day = day_of(placed);
        let order = |creator, units, day_offset| order::Model {
            creator_id: creator,
            quantity: units,
            placed_at: placed + Duration::days(day_offset),
            ..order::Model::new("or-1".into(), placed)
        };
        let (new, unattributed) = (order(Some(1), 3, 0), order(None, 3, 0));
        let (moved_from, moved_to) = (order(Some(2), 1, 0), order(Some(2), 1, 1));
        let (grown_from, grown_to) = (order(Some(5), 1, 0), order(Some(5), 2, 0));
        let same = order(Some(4), 5, 0);
        let d = deltas::<Units, 2>([
            (None, &new),
            (Some(&moved_from), &moved_to),
            (Some(&same), &same),
            (Some(&grown_from), &grown_to),
            (Some(&new), &unattributed),
        ]);
        // Creator 1's new order is netted out by its loss of attribution, creator 4's cohort
        // is unchanged: neither is written.
        let moved = HashMap::from([
            ((2, day), [-1, -1]),
            ((2, day + 1), [1, 1]),
            ((5, day), [0, 1]),
        ]);
        assert_eq!(d, moved);
        assert_eq!(shrunk(&d), BTreeSet::from([2]), "only 2 lost an order");
    }
}
