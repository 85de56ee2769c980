//! The machinery every record kind shares: the batch limit, the transaction, idempotency, and
//! the lookups and checks that name the offending item and field.

use crate::auth::{Caller, Policy};
use crate::error::{ApiError, ApiResult};
pub use crate::lookup::rows_by;
use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use entities::applied_event;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::future::Future;

/// The most items one batch may carry.
pub const MAX_BATCH: usize = 1000;

/// What a batch did.
#[derive(SimpleObject, Serialize, Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Items in the batch.
    pub received: usize,
    /// New rows or events applied for the first time.
    pub created: usize,
    /// Existing rows whose values changed.
    pub updated: usize,
    /// Items already applied or identical to what is stored.
    pub unchanged: usize,
    /// The `id` (the one reads return and root lookups take) of the row each item wrote or
    /// named, in item order: the creator, brand, shop, product, piece of content, order,
    /// collaboration, violation, niche, scout or pipeline entry; for an event, the row it
    /// applies to (the content of a metrics report, the order of a status change or a
    /// review); for a market, its code. So a client sees what it created without a lookup.
    #[serde(skip)]
    pub ids: Vec<ID>,
    /// What in-memory state must catch up on once the batch has committed.
    #[graphql(skip)]
    #[serde(skip)]
    pub touched: super::touched::Touched,
}

impl BatchOutcome {
    /// The counts of `written` and what the batch touched (nothing, if every item was
    /// already there as sent).
    pub fn touching(written: &[Written], touched: super::touched::Touched) -> Self {
        let changed = written.iter().any(|w| *w != Written::Unchanged);
        Self {
            touched: if changed { touched } else { Default::default() },
            ..Self::tally(written)
        }
    }

    /// Adds another batch's counts (import totals; ids are the batch's own).
    pub fn add(&mut self, other: BatchOutcome) {
        self.received += other.received;
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Who is ingesting, and the instant the batch is stamped with.
#[derive(Clone)]
pub struct IngestContext {
    pub caller: Caller,
    pub now: DateTime<Utc>,
    /// What content metrics and violations are rescored against.
    pub content: std::sync::Arc<crate::content::ContentScoring>,
}

/// One kind of record: how a batch of it is checked and written.
pub trait Kind: DeserializeOwned + Serialize + Clone + Send + Sync + Sized + 'static {
    /// The kind's name in import files and error messages.
    const NAME: &'static str;

    /// Refuses callers who may not write this kind (admins may write all).
    fn authorize(items: &[Self], ctx: &IngestContext) -> ApiResult<()> {
        let _ = items;
        if Policy::AdminOnly.admits(&ctx.caller) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only admins may ingest {}",
                Self::NAME
            )))
        }
    }

    /// Validates and writes the batch inside `txn`; any error rolls everything back.
    fn apply(
        txn: &DatabaseTransaction,
        items: Vec<Self>,
        ctx: &IngestContext,
    ) -> impl Future<Output = ApiResult<BatchOutcome>> + Send;

    /// The ids of the rows the items wrote or name ([`BatchOutcome::ids`]), read back in
    /// `txn` after [`apply`](Kind::apply), in item order.
    fn ids(
        txn: &DatabaseTransaction,
        items: &[Self],
    ) -> impl Future<Output = ApiResult<Vec<ID>>> + Send;
}

/// Runs one batch all-or-nothing.
pub async fn run<K: Kind>(
    db: &DatabaseConnection,
    items: Vec<K>,
    ctx: &IngestContext,
) -> ApiResult<BatchOutcome> {
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(ApiError::bad(format!(
            "a batch carries 1 to {MAX_BATCH} items, got {}",
            items.len()
        )));
    }
    check_texts(&items)?;
    K::authorize(&items, ctx)?;
    // A batch is idempotent, so one that lost a race to a concurrent writer of the same rows
    // runs again and finds them there (two identical batches: one creates, one is unchanged).
    let mut attempt = 0;
    loop {
        match apply_once(db, &items, ctx).await {
            Err(ApiError::Contended(why)) if attempt < CONTENTION_RETRIES => {
                attempt += 1;
                tracing::info!(kind = K::NAME, attempt, %why, "batch retried after contention");
                tokio::time::sleep(contention_backoff(attempt)).await;
            }
            outcome => return outcome,
        }
    }
}

/// Longest text any input field holds, in characters (names, handles, notes, external ids).
pub const MAX_TEXT: usize = 1000;

/// Longest code (market code, currency), in characters: the width of PostgreSQL's code columns.
pub const MAX_CODE: usize = 16;

/// The input fields that hold codes.
const CODE_FIELDS: &[&str] = &["code", "currency", "market"];

/// Refuses any text longer than [`MAX_TEXT`] (a code longer than [`MAX_CODE`]) in any field of
/// any item, naming the item and field: one rule for every kind, from GraphQL and from files,
/// so that SQLite and PostgreSQL store the same things.
pub fn check_texts<T: Serialize>(items: &[T]) -> ApiResult<()> {
    for (i, item) in items.iter().enumerate() {
        let value = serde_json::to_value(item)
            .map_err(|e| ApiError::internal("serialising a batch item to check its texts", e))?;
        check_text(&value, i, "", "")?;
    }
    Ok(())
}

fn check_text(value: &serde_json::Value, index: usize, path: &str, key: &str) -> ApiResult<()> {
    match value {
        serde_json::Value::String(text) => {
            let max = if CODE_FIELDS.contains(&key) {
                MAX_CODE
            } else {
                MAX_TEXT
            };
            let length = text.chars().count();
            if length > max {
                return Err(ApiError::invalid(
                    index,
                    path,
                    format!("at most {max} characters, got {length}"),
                ));
            }
        }
        serde_json::Value::Array(values) => {
            for (j, v) in values.iter().enumerate() {
                check_text(v, index, &format!("{path}[{j}]"), key)?;
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, v) in fields {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                check_text(v, index, &inner, name)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// How often a contended batch runs again before the client gets a CONFLICT.
const CONTENTION_RETRIES: u32 = 5;

/// 10, 20, 40, ... ms, each with up to as much again of jitter so that losers spread out.
fn contention_backoff(attempt: u32) -> std::time::Duration {
    let base = 10u64 << attempt.min(6);
    let jitter = rand::random::<u64>() % base;
    std::time::Duration::from_millis(base + jitter)
}

async fn apply_once<K: Kind>(
    db: &DatabaseConnection,
    items: &[K],
    ctx: &IngestContext,
) -> ApiResult<BatchOutcome> {
    let txn = crate::db::begin_write(db).await?;
    let mut outcome = K::apply(&txn, items.to_vec(), ctx).await?;
    outcome.ids = K::ids(&txn, items).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Runs one batch of JSON records (from an import file).
pub async fn run_values<K: Kind>(
    db: &DatabaseConnection,
    values: Vec<serde_json::Value>,
    ctx: &IngestContext,
) -> ApiResult<BatchOutcome> {
    let items = values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<K>(v).map_err(|e| {
                ApiError::invalid(i, "record", format!("not a {} record: {e}", K::NAME))
            })
        })
        .collect::<ApiResult<Vec<K>>>()?;
    run(db, items, ctx).await
}

/// Runs one batch of CSV rows (from an import file).
pub async fn run_rows<K: Kind>(
    db: &DatabaseConnection,
    headers: &csv::StringRecord,
    rows: &[csv::StringRecord],
    ctx: &IngestContext,
) -> ApiResult<BatchOutcome> {
    let items = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.deserialize::<K>(Some(headers)).map_err(|e| {
                ApiError::invalid(i, "record", format!("not a {} record: {e}", K::NAME))
            })
        })
        .collect::<ApiResult<Vec<K>>>()?;
    run(db, items, ctx).await
}

/// Refuses a duplicate external id inside one batch: which of the two would win is unclear.
pub fn unique_in_batch<'a>(ids: impl Iterator<Item = &'a str>, field: &str) -> ApiResult<()> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(ApiError::invalid(
                i,
                field,
                format!("{id:?} appears twice in this batch"),
            ));
        }
    }
    Ok(())
}

/// The ids (`id_column`) of the rows whose `key_column` holds each of `keys`, in `keys` order:
/// read back after a batch wrote them, so every key names a row. Only the two columns are
/// read.
pub async fn ids_by<E: EntityTrait>(
    txn: &DatabaseTransaction,
    key_column: E::Column,
    id_column: E::Column,
    keys: impl Iterator<Item = String>,
) -> ApiResult<Vec<ID>> {
    let keys: Vec<String> = keys.collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(crate::db::IN_LIST) {
        let rows: Vec<(String, i64)> = E::find()
            .select_only()
            .column(key_column)
            .column(id_column)
            .filter(key_column.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(txn)
            .await?;
        ids.extend(rows);
    }
    keys.iter()
        .map(|key| {
            ids.get(key)
                .map(|id| ID(id.to_string()))
                .ok_or_else(|| ApiError::invariant(format!("{key:?} was written but is not there")))
        })
        .collect()
}

/// Looks a reference up in `rows`, or names the item and field that pointed nowhere.
pub fn resolve<'a, M>(
    rows: &'a HashMap<String, M>,
    key: &str,
    index: usize,
    field: &str,
    kind: &str,
) -> ApiResult<&'a M> {
    rows.get(key).ok_or_else(|| {
        // Reads return internal ids; batches name rows by the client's keys. Say which.
        let by = match kind {
            "market" => "code",
            "niche" => "slug",
            _ => "externalId",
        };
        ApiError::invalid(index, field, format!("no {kind} with {by} {key:?}"))
    })
}

/// Refuses instants after `now` (a minute of clock skew allowed).
pub fn not_future(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    index: usize,
    field: &str,
) -> ApiResult<()> {
    if at > now + chrono::Duration::minutes(1) {
        return Err(ApiError::invalid(
            index,
            field,
            format!("{at} is in the future"),
        ));
    }
    Ok(())
}

/// Refuses an update that changes what a row was created with and other rows hang on (a
/// creator's market, a piece's creator): a CONFLICT naming the item, the field and why.
pub fn fixed<T: PartialEq>(
    index: usize,
    field: &str,
    old: Option<T>,
    new: T,
    why: &str,
) -> ApiResult<()> {
    match old {
        Some(old) if old != new => Err(ApiError::Conflict(format!(
            "items[{index}].{field}: cannot change once created: {why}"
        ))),
        _ => Ok(()),
    }
}

/// Refuses negative counts and amounts.
pub fn non_negative(value: impl Into<i64>, index: usize, field: &str) -> ApiResult<()> {
    let value = value.into();
    if value < 0 {
        return Err(ApiError::invalid(
            index,
            field,
            format!("must not be negative, got {value}"),
        ));
    }
    Ok(())
}

/// Refuses blank text.
pub fn not_blank(value: &str, index: usize, field: &str) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid(index, field, "must not be empty"));
    }
    Ok(())
}

/// Keeps only the events not applied before and records them as applied, so a repeated
/// batch of updates is a no-op. Returns the indexes of the new events.
pub async fn first_time(
    txn: &DatabaseTransaction,
    kind: &str,
    event_ids: &[&str],
    now: DateTime<Utc>,
) -> ApiResult<Vec<usize>> {
    let seen = rows_by::<applied_event::Entity, _>(
        txn,
        applied_event::Column::ExternalId,
        event_ids.iter().map(|s| s.to_string()),
        |m| format!("{}\u{0}{}", m.kind, m.external_id),
    )
    .await?;
    let fresh: Vec<usize> = (0..event_ids.len())
        .filter(|&i| !seen.contains_key(&format!("{kind}\u{0}{}", event_ids[i])))
        .collect();
    let rows: Vec<applied_event::ActiveModel> = fresh
        .iter()
        .map(|&i| applied_event::ActiveModel {
            kind: Set(kind.to_owned()),
            external_id: Set(event_ids[i].to_owned()),
            applied_at: Set(now),
        })
        .collect();
    insert_all(txn, rows).await?;
    Ok(fresh)
}

/// Inserts rows in chunks small enough for every backend's parameter limit.
pub async fn insert_all<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> ApiResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(200).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// What happened to one item of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Written {
    Unchanged,
    Updated,
    Created,
}

impl Written {
    /// Combines a row's fate with whether its dependent rows (links) changed.
    pub fn with_links(self, links_changed: bool) -> Self {
        if links_changed {
            self.max(Written::Updated)
        } else {
            self
        }
    }
}

impl BatchOutcome {
    /// Tallies per-item fates.
    pub fn tally(written: &[Written]) -> Self {
        let count = |w| written.iter().filter(|&&x| x == w).count();
        Self {
            received: written.len(),
            created: count(Written::Created),
            updated: count(Written::Updated),
            unchanged: count(Written::Unchanged),
            ..Self::default()
        }
    }
}

/// Writes rows built from a batch: `old` is the stored row with the same external id, if any,
/// and `new` carries the old id and stamps so that an unchanged row compares equal. Unchanged
/// rows are skipped, changed ones updated (stamped by `touch`), new ones inserted.
pub async fn upsert<E>(
    txn: &DatabaseTransaction,
    rows: Vec<(Option<E::Model>, E::Model)>,
    id_column: E::Column,
    touch: impl Fn(&mut E::Model),
) -> ApiResult<Vec<Written>>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + PartialEq + Clone,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    use sea_orm::ActiveModelTrait;
    let mut written = Vec::with_capacity(rows.len());
    let mut inserts = Vec::new();
    for (old, mut new) in rows {
        match old {
            Some(old) if old == new => written.push(Written::Unchanged),
            Some(_) => {
                touch(&mut new);
                sea_orm::IntoActiveModel::into_active_model(new)
                    .reset_all()
                    .update(txn)
                    .await?;
                written.push(Written::Updated);
            }
            None => {
                let mut am = sea_orm::IntoActiveModel::into_active_model(new);
                am.not_set(id_column);
                inserts.push(am);
                written.push(Written::Created);
            }
        }
    }
    insert_all(txn, inserts).await?;
    Ok(written)
}
