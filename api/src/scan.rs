//! Paged scans of all orders, for the rebuilds of the tables ingest keeps current
//! ([`crate::rollup::rebuild`]) after a bulk load that bypassed ingest.

use crate::error::ApiResult;
use entities::order;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

/// Orders read per query: a million orders never sit in memory at once.
const PAGE: u64 = 10_000;

/// Visits every order `select` matches, in id order and pages, reporting `(read, total)`.
pub async fn orders(
    txn: &DatabaseTransaction,
    select: Select<order::Entity>,
    progress: &(dyn Fn(u64, u64) + Sync),
    mut visit: impl FnMut(&order::Model),
) -> ApiResult<()> {
    let total = select.clone().count(txn).await?;
    let (mut after, mut read) = (0, 0);
    loop {
        let page = select
            .clone()
            .filter(order::Column::Id.gt(after))
            .order_by_asc(order::Column::Id)
            .limit(PAGE)
            .all(txn)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        page.iter().for_each(&mut visit);
        read += page.len() as u64;
        progress(read, total);
    }
    Ok(())
}
