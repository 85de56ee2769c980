//! Replacing an owner's link rows (a creator's niches, a brand's niches and markets) only where
//! they differ from what is stored.

use super::support::insert_all;
use crate::error::ApiResult;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter};
use std::collections::HashMap;

/// Replaces each owner's links with `wanted` where they differ; returns, per owner in order,
/// whether its links changed. `owner` reads a link's owner id; `order` sorts links for
/// comparison.
pub async fn replace<E, K: Ord>(
    txn: &DatabaseTransaction,
    owner_column: E::Column,
    owner: fn(&E::Model) -> i64,
    order: fn(&E::Model) -> K,
    wanted: Vec<(i64, Vec<E::Model>)>,
) -> ApiResult<Vec<bool>>
where
    E: EntityTrait,
    E::Model: PartialEq + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let ids: Vec<i64> = wanted.iter().map(|(id, _)| *id).collect();
    let mut stored: HashMap<i64, Vec<E::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = E::find()
            .filter(owner_column.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        for row in rows {
            stored.entry(owner(&row)).or_default().push(row);
        }
    }
    let mut changed = Vec::with_capacity(wanted.len());
    let mut stale = Vec::new();
    let mut inserts = Vec::new();
    for (id, mut want) in wanted {
        want.sort_by_key(order);
        let mut have = stored.remove(&id).unwrap_or_default();
        have.sort_by_key(order);
        let differs = have != want;
        changed.push(differs);
        if differs {
            if !have.is_empty() {
                stale.push(id);
            }
            inserts.extend(want.into_iter().map(IntoActiveModel::into_active_model));
        }
    }
    for chunk in stale.chunks(500) {
        E::delete_many()
            .filter(owner_column.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    insert_all(txn, inserts).await?;
    Ok(changed)
}

/// An owner's link rows built from its values, each value once, in order.
pub fn distinct<T: Ord + Clone, M>(
    owner: i64,
    values: &[T],
    row: impl Fn(i64, T) -> M,
) -> (i64, Vec<M>) {
    let mut values = values.to_vec();
    values.sort();
    values.dedup();
    (owner, values.into_iter().map(|v| row(owner, v)).collect())
}
