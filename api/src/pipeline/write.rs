//! Pipeline writes shared by the mutations and `flywheel import`: opening prospect entries and
//! moving entries through the state machine, each batch checked whole before anything is
//! written and run inside the caller's transaction.

use super::stage;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::ingest::MAX_BATCH;
use crate::lookup::{rows_by, rows_in};
use chrono::{DateTime, Utc};
use entities::enums::PipelineState;
use entities::{creator, market, pipeline_entry, pipeline_event, scout, scout_market};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, SqlErr,
};
use std::collections::{HashMap, HashSet};

/// Refuses an empty batch or one above the limit.
pub fn check_batch(len: usize) -> ApiResult<()> {
    if (1..=MAX_BATCH).contains(&len) {
        Ok(())
    } else {
        Err(ApiError::bad(format!(
            "a batch carries 1 to {MAX_BATCH} items, got {len}"
        )))
    }
}

/// How errors name an item's field: `items[3].to` in a batch, plain `to` for a single item.
#[derive(Debug, Clone, Copy)]
pub struct Items {
    pub single: bool,
}

impl Items {
    fn field(self, index: usize, field: &str) -> String {
        if self.single {
            field.to_owned()
        } else {
            format!("items[{index}].{field}")
        }
    }

    fn invalid(self, index: usize, field: &str, why: impl std::fmt::Display) -> ApiError {
        if self.single {
            ApiError::bad(format!("{field}: {why}"))
        } else {
            ApiError::invalid(index, field, why)
        }
    }
}

/// A prospect to open, its references resolved to ids.
#[derive(Debug, Clone)]
pub struct NewProspect {
    pub creator_id: i64,
    pub market: String,
    pub scout_id: i64,
    pub note: Option<String>,
}

/// What to do with a creator who already has an open entry in the market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// Refuse the batch (the mutation: adding a creator twice is a mistake to report).
    Conflict,
    /// Skip it when the open entry is the same scout's, so re-running an import is a no-op;
    /// another scout's open entry is still a conflict.
    SkipSameScout,
}

/// The opened entries, and how many items were skipped as already open.
#[derive(Debug, Default)]
pub struct Opened {
    pub created: Vec<pipeline_entry::Model>,
    pub unchanged: usize,
}

/// The reason recorded on an entry's opening event.
const OPENING_REASON: &str = "prospected";

/// Opens a prospect entry per item, recording its first event by `actor`. Refuses unknown
/// creators, markets and scouts, a creator of another market, a scout who does not work in
/// the market, a creator twice in the batch, and (per `duplicate`) a creator already open.
pub async fn open_entries(
    txn: &DatabaseTransaction,
    items: &[NewProspect],
    actor: &str,
    now: DateTime<Utc>,
    duplicate: Duplicate,
) -> ApiResult<Opened> {
    let list = Items { single: false };
    let creator_ids: Vec<i64> = items.iter().map(|p| p.creator_id).collect();
    let creators =
        rows_by::<creator::Entity, _>(txn, creator::Column::Id, creator_ids.iter().copied(), |c| {
            c.id
        })
        .await?;
    let codes: HashSet<String> = items.iter().map(|p| p.market.clone()).collect();
    let markets: HashSet<String> = market::Entity::find()
        .filter(market::Column::Code.is_in(codes))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.code)
        .collect();
    let scout_ids: Vec<i64> = items.iter().map(|p| p.scout_id).collect();
    let scouts =
        rows_by::<scout::Entity, _>(txn, scout::Column::Id, scout_ids.iter().copied(), |s| s.id)
            .await?;
    let works_in: HashSet<(i64, String)> = scout_market::Entity::find()
        .filter(scout_market::Column::ScoutId.is_in(scouts.keys().copied()))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.scout_id, m.market_code))
        .collect();
    let open = open_entries_of(txn, &creator_ids).await?;

    let mut seen = HashSet::new();
    let mut fresh = Vec::with_capacity(items.len());
    let mut unchanged = 0;
    for (i, p) in items.iter().enumerate() {
        if !markets.contains(&p.market) {
            return Err(list.invalid(i, "market", format!("unknown market {:?}", p.market)));
        }
        // A creator of another market reads as a missing one: its market is not the
        // caller's to learn.
        if creators
            .get(&p.creator_id)
            .is_none_or(|c| c.market_code != p.market)
        {
            return Err(list.invalid(
                i,
                "creatorId",
                format!("no creator with id {} in market {}", p.creator_id, p.market),
            ));
        }
        if !scouts.contains_key(&p.scout_id) {
            return Err(list.invalid(i, "scoutId", format!("no scout with id {}", p.scout_id)));
        }
        if !works_in.contains(&(p.scout_id, p.market.clone())) {
            return Err(list.invalid(
                i,
                "scoutId",
                format!("scout {} does not work in market {}", p.scout_id, p.market),
            ));
        }
        if !seen.insert(p.creator_id) {
            return Err(list.invalid(
                i,
                "creatorId",
                format!("creator {} appears twice in this batch", p.creator_id),
            ));
        }
        match open.get(&(p.creator_id, p.market.clone())) {
            Some(entry)
                if duplicate == Duplicate::SkipSameScout && entry.scout_id == p.scout_id =>
            {
                unchanged += 1
            }
            Some(entry) => {
                return Err(ApiError::Conflict(format!(
                    "items[{i}].creatorId: creator {} already has an open pipeline entry ({}, {}) \
                     in {}; move that entry instead",
                    p.creator_id,
                    entry.id,
                    entry.state.as_str(),
                    p.market
                )));
            }
            None => fresh.push(p),
        }
    }

    for chunk in fresh.chunks(200) {
        let rows = chunk.iter().map(|p| pipeline_entry::ActiveModel {
            id: NotSet,
            creator_id: Set(p.creator_id),
            market_code: Set(p.market.clone()),
            scout_id: Set(p.scout_id),
            state: Set(PipelineState::Prospect),
            active_market: Set(Some(p.market.clone())),
            ecommerce_capable: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        pipeline_entry::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .map_err(conflict_on_unique)?;
    }
    let fresh_ids: Vec<i64> = fresh.iter().map(|p| p.creator_id).collect();
    let mut opened = open_entries_of(txn, &fresh_ids).await?;
    let mut created = Vec::with_capacity(fresh.len());
    let mut events = Vec::with_capacity(fresh.len());
    for p in fresh {
        let entry = opened
            .remove(&(p.creator_id, p.market.clone()))
            .ok_or_else(|| ApiError::invariant("an inserted entry was not found"))?;
        events.push(event(
            entry.id,
            None,
            PipelineState::Prospect,
            actor,
            OPENING_REASON,
            p.note.clone(),
            now,
        ));
        created.push(entry);
    }
    insert_events(txn, events).await?;
    Ok(Opened { created, unchanged })
}

/// A move of one entry.
#[derive(Debug, Clone)]
pub struct Move {
    pub entry_id: i64,
    pub to: PipelineState,
    pub reason: String,
    pub note: Option<String>,
    /// At certification: whether the creator can sell; defaults to the creator's record.
    pub ecommerce_capable: Option<bool>,
}

/// Applies every move or none: refuses an unknown entry (NOT_FOUND), one outside the scout's
/// markets (FORBIDDEN), an entry twice, a blank reason, `ecommerceCapable` off certification
/// (BAD_USER_INPUT) and a move the state machine does not allow (CONFLICT, naming the allowed
/// moves). Returns the moved entries in item order.
pub async fn move_entries(
    txn: &DatabaseTransaction,
    moves: &[Move],
    caller: &Caller,
    now: DateTime<Utc>,
    items: Items,
) -> ApiResult<Vec<pipeline_entry::Model>> {
    let ids: Vec<i64> = moves.iter().map(|m| m.entry_id).collect();
    let entries = rows_by::<pipeline_entry::Entity, _>(
        txn,
        pipeline_entry::Column::Id,
        ids.iter().copied(),
        |e| e.id,
    )
    .await?;
    let certifying: Vec<i64> = moves
        .iter()
        .filter(|m| m.to == PipelineState::Certified && m.ecommerce_capable.is_none())
        .filter_map(|m| entries.get(&m.entry_id).map(|e| e.creator_id))
        .collect();
    let creators =
        rows_by::<creator::Entity, _>(txn, creator::Column::Id, certifying.iter().copied(), |c| {
            c.id
        })
        .await?;

    let mut seen = HashSet::new();
    let mut updated = Vec::with_capacity(moves.len());
    let mut events = Vec::with_capacity(moves.len());
    for (i, m) in moves.iter().enumerate() {
        // An entry of a market the caller does not work in does not exist for it.
        let Some(entry) = entries
            .get(&m.entry_id)
            .filter(|e| caller.sees_creators_of(&e.market_code).unwrap_or(false))
        else {
            return Err(ApiError::NotFound(format!(
                "{}: no pipeline entry with id {}",
                items.field(i, "entryId"),
                m.entry_id
            )));
        };
        if !seen.insert(m.entry_id) {
            return Err(items.invalid(
                i,
                "entryId",
                format!("entry {} appears twice in this batch", m.entry_id),
            ));
        }
        if m.reason.trim().is_empty() {
            return Err(items.invalid(i, "reason", "say why the entry moves"));
        }
        scoring::pipeline::check_move(stage(entry.state), stage(m.to)).map_err(|illegal| {
            ApiError::Conflict(format!(
                "{}: entry {}: {illegal}",
                items.field(i, "to"),
                entry.id
            ))
        })?;
        let capable = match (m.to, m.ecommerce_capable) {
            (PipelineState::Certified, Some(c)) => Some(c),
            (PipelineState::Certified, None) => Some(
                creators
                    .get(&entry.creator_id)
                    .ok_or_else(|| {
                        ApiError::invariant(format!("entry {} has no creator", entry.id))
                    })?
                    .ecommerce_capable,
            ),
            (_, Some(_)) => {
                return Err(items.invalid(
                    i,
                    "ecommerceCapable",
                    "is recorded only when certifying",
                ));
            }
            (_, None) => entry.ecommerce_capable,
        };
        let open = stage(m.to).is_open();
        updated.push((
            entry.state,
            pipeline_entry::Model {
                state: m.to,
                active_market: open.then(|| entry.market_code.clone()),
                ecommerce_capable: capable,
                updated_at: now,
                ..entry.clone()
            },
        ));
        events.push(event(
            entry.id,
            Some(entry.state),
            m.to,
            &caller.subject,
            &m.reason,
            m.note.clone(),
            now,
        ));
    }
    // Each move applies only if the entry is still in the state it was read in: of two
    // concurrent moves of one entry, the second finds the row changed (PostgreSQL re-reads it
    // once the first commits) and is a CONFLICT, so the history never forks.
    let mut out = Vec::with_capacity(updated.len());
    for (from, after) in updated {
        let mut row = after.clone().into_active_model();
        row.state = Set(after.state);
        row.active_market = Set(after.active_market.clone());
        row.ecommerce_capable = Set(after.ecommerce_capable);
        row.updated_at = Set(after.updated_at);
        let applied = pipeline_entry::Entity::update_many()
            .set(row)
            .filter(pipeline_entry::Column::Id.eq(after.id))
            .filter(pipeline_entry::Column::State.eq(from))
            .exec(txn)
            .await?;
        if applied.rows_affected != 1 {
            return Err(ApiError::Conflict(format!(
                "entry {} was moved by someone else meanwhile; read it again and retry",
                after.id
            )));
        }
        out.push(after);
    }
    insert_events(txn, events).await?;
    Ok(out)
}

/// The scout row of a scout caller: found by its token subject, created on first use, with
/// the token's markets recorded as the markets it works in.
pub async fn scout_of(
    txn: &DatabaseTransaction,
    caller: &Caller,
    now: DateTime<Utc>,
) -> ApiResult<i64> {
    let found = scout::Entity::find()
        .filter(scout::Column::ExternalId.eq(caller.subject.clone()))
        .one(txn)
        .await?;
    let id = match found {
        Some(s) => s.id,
        None => {
            scout::ActiveModel {
                id: NotSet,
                external_id: Set(caller.subject.clone()),
                name: Set(caller.subject.clone()),
                created_at: Set(now),
            }
            .insert(txn)
            .await
            .map_err(conflict_on_unique)?
            .id
        }
    };
    let known: HashSet<String> = scout_market::Entity::find()
        .filter(scout_market::Column::ScoutId.eq(id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.market_code)
        .collect();
    // Only markets that exist: a prospect in an unknown one is refused later, with its item.
    let missing: Vec<scout_market::ActiveModel> = market::Entity::find()
        .filter(market::Column::Code.is_in(caller.markets.clone()))
        .all(txn)
        .await?
        .into_iter()
        .filter(|m| !known.contains(&m.code))
        .map(|m| scout_market::ActiveModel {
            scout_id: Set(id),
            market_code: Set(m.code),
        })
        .collect();
    if !missing.is_empty() {
        scout_market::Entity::insert_many(missing)
            .exec_without_returning(txn)
            .await
            .map_err(conflict_on_unique)?;
    }
    Ok(id)
}

/// A unique-index violation means a concurrent request wrote the same thing first.
fn conflict_on_unique(err: DbErr) -> ApiError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        ApiError::Conflict("a concurrent request wrote the same pipeline rows first; retry".into())
    } else {
        err.into()
    }
}

/// Open entries of these creators, keyed by (creator, market).
async fn open_entries_of(
    txn: &DatabaseTransaction,
    creator_ids: &[i64],
) -> ApiResult<HashMap<(i64, String), pipeline_entry::Model>> {
    let open =
        pipeline_entry::Entity::find().filter(pipeline_entry::Column::ActiveMarket.is_not_null());
    let rows = rows_in(txn, open, pipeline_entry::Column::CreatorId, creator_ids).await?;
    Ok(rows
        .into_iter()
        .map(|e| ((e.creator_id, e.market_code.clone()), e))
        .collect())
}

fn event(
    entry_id: i64,
    from: Option<PipelineState>,
    to: PipelineState,
    actor: &str,
    reason: &str,
    note: Option<String>,
    at: DateTime<Utc>,
) -> pipeline_event::ActiveModel {
    pipeline_event::ActiveModel {
        id: NotSet,
        entry_id: Set(entry_id),
        from_state: Set(from),
        to_state: Set(to),
        actor: Set(actor.to_owned()),
        reason: Set(reason.to_owned()),
        note: Set(note.filter(|n| !n.trim().is_empty())),
        at: Set(at),
    }
}

async fn insert_events(
    txn: &DatabaseTransaction,
    mut events: Vec<pipeline_event::ActiveModel>,
) -> ApiResult<()> {
    while !events.is_empty() {
        let rest = events.split_off(events.len().min(200));
        pipeline_event::Entity::insert_many(events)
            .exec_without_returning(txn)
            .await?;
        events = rest;
    }
    Ok(())
}
