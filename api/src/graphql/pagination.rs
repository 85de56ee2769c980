//! Relay cursor connections over keyset pagination: `first`/`after`, ordered by id, with
//! `totalCount` counted only when a client asks for it.

use crate::error::{ApiError, ApiResult};
use async_graphql::Object;
use async_graphql::connection::{Connection, Edge};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
/// The page size when `first` is omitted.
pub const DEFAULT_PAGE: i32 = 20;

type CountFn = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ApiResult<u64>> + Send>> + Send + Sync>;

/// The extra fields of every connection.
pub struct ConnectionFields {
    count: CountFn,
}

#[Object]
impl ConnectionFields {
    /// How many items match, across all pages.
    async fn total_count(&self) -> async_graphql::Result<u64> {
        Ok((self.count)().await?)
    }
}

impl ConnectionFields {
    /// Fields whose `totalCount` counts the rows of `select` (only when asked for).
    pub fn counting<E>(db: &DatabaseConnection, select: &Select<E>) -> Self
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        let db = db.clone();
        let select = select.clone();
        Self {
            count: Arc::new(move || {
                let db = db.clone();
                let select = select.clone();
                Box::pin(async move { Ok(select.count(&db).await?) })
            }),
        }
    }
}

impl ConnectionFields {
    /// Fields whose `totalCount` is already known (a ranking computed in memory).
    pub fn known(total: u64) -> Self {
        Self {
            count: Arc::new(move || Box::pin(async move { Ok(total) })),
        }
    }
}

/// One page of a ranking computed in memory: `items` ordered by score descending, ties by id
/// ascending (`key` gives both), paged by the same cursors as [`ranked`].
pub fn ranked_in_memory<T, N: async_graphql::OutputType>(
    items: Vec<T>,
    key: impl Fn(&T) -> (f64, i64),
    first: Option<i32>,
    after: Option<String>,
    node: impl Fn(T) -> N,
) -> ApiResult<Page<N>> {
    let limit = page_size(first)? as usize;
    let after = after.as_deref().map(decode_rank_cursor).transpose()?;
    let start = after.map_or(0, |(at, last)| {
        items.partition_point(|item| {
            let (score, id) = key(item);
            score > at || (score == at && id <= last)
        })
    });
    let total = items.len();
    let end = (start + limit).min(total);
    let mut connection = Connection::with_additional_fields(
        after.is_some(),
        end < total,
        ConnectionFields::known(total as u64),
    );
    connection
        .edges
        .extend(items.into_iter().skip(start).take(end - start).map(|item| {
            let (score, id) = key(&item);
            Edge::new(encode_rank_cursor(score, id), node(item))
        }));
    Ok(connection)
}

/// Encodes a position in a ranking (score, then id) as an opaque cursor; the score's bits
/// keep it exact.
pub fn encode_rank_cursor(score: f64, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("rank:{:016x}:{id}", score.to_bits()))
}

/// Decodes a cursor made by [`encode_rank_cursor`].
pub fn decode_rank_cursor(cursor: &str) -> ApiResult<(f64, i64)> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let (bits, id) = s.strip_prefix("rank:")?.split_once(':')?;
            Some((
                f64::from_bits(u64::from_str_radix(bits, 16).ok()?),
                id.parse().ok()?,
            ))
        })
        .ok_or_else(|| ApiError::bad(format!("after: {cursor:?} is not a cursor from this API")))
}

/// One page of a ranking: rows best first, and what the connection needs besides the nodes.
pub struct RankedPage<M> {
    pub rows: Vec<M>,
    has_previous: bool,
    has_next: bool,
    fields: ConnectionFields,
}

impl<M> RankedPage<M> {
    /// The connection of `nodes` (one per row, in row order), with cursors from `key`.
    pub fn into_connection<N: async_graphql::OutputType>(
        self,
        key: impl Fn(&M) -> (f64, i64),
        nodes: impl IntoIterator<Item = N>,
    ) -> Page<N> {
        let mut connection =
            Connection::with_additional_fields(self.has_previous, self.has_next, self.fields);
        connection
            .edges
            .extend(self.rows.iter().zip(nodes).map(|(row, node)| {
                let (score, id) = key(row);
                Edge::new(encode_rank_cursor(score, id), node)
            }));
        connection
    }
}

/// Runs one page of `select` ranked by `score` descending, ties by `id` ascending: the keyset
/// of a ranking, so a page costs the same however deep the client has paged.
pub async fn ranked<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    score: E::Column,
    id: E::Column,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<RankedPage<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let limit = page_size(first)?;
    let after = after.as_deref().map(decode_rank_cursor).transpose()?;
    let fields = ConnectionFields::counting(db, &select);
    let mut page = select
        .order_by_desc(score)
        .order_by_asc(id)
        .limit(limit + 1);
    if let Some((at, last)) = after {
        page = page.filter(
            Condition::any()
                .add(score.lt(at))
                .add(Condition::all().add(score.eq(at)).add(id.gt(last))),
        );
    }
    let mut rows = page.all(db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok(RankedPage {
        rows,
        has_previous: after.is_some(),
        has_next,
        fields,
    })
}

/// A page of `N` with Relay's edges, cursors and pageInfo.
pub type Page<N> = Connection<String, N, ConnectionFields>;

/// Checks `first`: 1..=100, 20 when omitted.
pub fn page_size(first: Option<i32>) -> ApiResult<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(ApiError::bad(format!(
            "first must be between 1 and {MAX_PAGE}, got {first}"
        )));
    }
    Ok(first as u64)
}

/// Encodes a row id as an opaque cursor.
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

/// Decodes a cursor made by [`encode_cursor`].
pub fn decode_cursor(cursor: &str) -> ApiResult<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("id:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| ApiError::bad(format!("after: {cursor:?} is not a cursor from this API")))
}

/// Runs one keyset page of `select` ordered by `id_column`.
pub async fn keyset<E, N>(
    db: &DatabaseConnection,
    select: Select<E>,
    id_column: E::Column,
    first: Option<i32>,
    after: Option<String>,
    id_of: impl Fn(&E::Model) -> i64,
    node: impl Fn(E::Model) -> N,
) -> ApiResult<Page<N>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: async_graphql::OutputType,
{
    let limit = page_size(first)?;
    let after = after.as_deref().map(decode_cursor).transpose()?;
    let fields = ConnectionFields::counting(db, &select);
    let mut page = select.order_by_asc(id_column).limit(limit + 1);
    if let Some(after) = after {
        page = page.filter(id_column.gt(after));
    }
    let mut rows = page.all(db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let mut connection = Connection::with_additional_fields(after.is_some(), has_next, fields);
    connection.edges.extend(
        rows.into_iter()
            .map(|row| Edge::new(encode_cursor(id_of(&row)), node(row))),
    );
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        assert_eq!(
            decode_rank_cursor(&encode_rank_cursor(61.25, 7)).unwrap(),
            (61.25, 7)
        );
        assert!(decode_rank_cursor(&encode_cursor(7)).is_err());
        assert!(decode_cursor("nope").is_err());
        assert!(page_size(Some(101)).is_err());
        assert!(page_size(Some(0)).is_err());
        assert_eq!(page_size(None).unwrap(), 20);
    }

    #[test]
    fn an_in_memory_ranking_pages_through_ties_without_gaps_or_repeats() {
        // Best first, ties by id: five items, two pairs of equal scores.
        let items = vec![(0.9, 1), (0.7, 2), (0.7, 5), (0.5, 3), (0.5, 4)];
        let page = |after: Option<String>| {
            ranked_in_memory(
                items.clone(),
                |&(s, id)| (s, id),
                Some(2),
                after,
                |(_, id)| id,
            )
            .unwrap()
        };
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let p = page(after.clone());
            assert_eq!(p.has_previous_page, after.is_some());
            seen.extend(p.edges.iter().map(|e| e.node));
            if !p.has_next_page {
                break;
            }
            after = p.edges.last().map(|e| e.cursor.clone());
        }
        assert_eq!(seen, [1, 2, 5, 3, 4]);
        assert!(
            ranked_in_memory(items, |&(s, id)| (s, id), Some(101), None, |(_, id)| id).is_err()
        );
    }
}
