//! Rows read by lists of keys. Every `column IN (...)` list is cut at [`crate::db::IN_LIST`]
//! keys, so a batch of any size reads in statements the databases take; ingest, the pipeline,
//! content scoring and the rating recompute all read through here.

use crate::error::ApiResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Value};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// The rows of `query` whose `column` holds one of `keys`, in no particular order.
pub async fn rows_in<E, V>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    column: E::Column,
    keys: &[V],
) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    V: Into<Value> + Clone,
{
    let mut out = Vec::new();
    for chunk in keys.chunks(crate::db::IN_LIST) {
        out.extend(
            query
                .clone()
                .filter(column.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The rows of `E` whose `column` holds one of `keys` (repeats read once), keyed by
/// `key_of`, which must give back that column's value.
pub async fn rows_by<E, K>(
    db: &impl ConnectionTrait,
    column: E::Column,
    keys: impl IntoIterator<Item = K>,
    key_of: fn(&E::Model) -> K,
) -> ApiResult<HashMap<K, E::Model>>
where
    E: EntityTrait,
    K: Into<Value> + Clone + Eq + Hash,
{
    let unique: Vec<K> = keys
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let rows = rows_in(db, E::find(), column, &unique).await?;
    Ok(rows.into_iter().map(|row| (key_of(&row), row)).collect())
}
