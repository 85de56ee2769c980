//! Funnel figures: the entries of a market or scout opened in a period, their histories turned
//! into scoring inputs, and `scoring::pipeline::Funnel` turned into GraphQL types.

use super::{stage, state};
use crate::error::ApiResult;
use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entities::enums::PipelineState;
use entities::{pipeline_entry, pipeline_event};
use scoring::pipeline::{EntryHistory, Transition};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// Which entries a funnel covers.
pub struct Scope {
    /// `None`: every market (admins only).
    pub markets: Option<Vec<String>>,
    pub scout_id: Option<i64>,
    /// Entries opened at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries opened before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// How many entries are in (or reached) a state.
#[derive(SimpleObject)]
pub struct StateCount {
    pub state: PipelineState,
    pub count: u64,
}

/// The share of entries that reached `from` and went on to reach `to`.
#[derive(SimpleObject)]
pub struct StageConversion {
    pub from: PipelineState,
    pub to: PipelineState,
    /// Null when no entry reached `from`.
    pub rate: Option<f64>,
}

/// The median days entries stayed in a state before moving on.
#[derive(SimpleObject)]
pub struct StageDays {
    pub state: PipelineState,
    /// Over the stays that ended; null when none did.
    pub median_days: Option<f64>,
}

/// Funnel figures of a set of pipeline entries.
#[derive(SimpleObject)]
pub struct Funnel {
    /// Entries opened in the period.
    pub entries: u64,
    /// Entries now in each state.
    pub current: Vec<StateCount>,
    /// Entries that reached each funnel state (prospect to certified), now or earlier.
    pub reached: Vec<StateCount>,
    /// Between consecutive funnel states.
    pub conversions: Vec<StageConversion>,
    pub median_days: Vec<StageDays>,
    /// Of certified entries (churned since included) with the flag recorded, the share that
    /// are e-commerce capable; null when there are none.
    pub ecommerce_capable_share: Option<f64>,
}

/// Loads the entries in scope and their events (two statements) and computes the funnel.
pub async fn funnel(db: &DatabaseConnection, scope: &Scope) -> ApiResult<Funnel> {
    let mut cond = Condition::all();
    if let Some(markets) = &scope.markets {
        cond = cond.add(pipeline_entry::Column::MarketCode.is_in(markets.clone()));
    }
    if let Some(scout) = scope.scout_id {
        cond = cond.add(pipeline_entry::Column::ScoutId.eq(scout));
    }
    if let Some(from) = scope.from {
        cond = cond.add(pipeline_entry::Column::CreatedAt.gte(from));
    }
    if let Some(to) = scope.to {
        cond = cond.add(pipeline_entry::Column::CreatedAt.lt(to));
    }
    let entries = pipeline_entry::Entity::find()
        .filter(cond.clone())
        .all(db)
        .await?;
    let ids = pipeline_entry::Entity::find()
        .select_only()
        .column(pipeline_entry::Column::Id)
        .filter(cond)
        .into_query();
    let mut moves: HashMap<i64, Vec<Transition>> = HashMap::with_capacity(entries.len());
    for event in pipeline_event::Entity::find()
        .filter(pipeline_event::Column::EntryId.in_subquery(ids))
        .all(db)
        .await?
    {
        moves.entry(event.entry_id).or_default().push(Transition {
            to: stage(event.to_state),
            at: event.at.timestamp(),
        });
    }
    let histories: Vec<EntryHistory> = entries
        .iter()
        .map(|e| EntryHistory {
            state: stage(e.state),
            ecommerce_capable: e.ecommerce_capable,
            transitions: moves.remove(&e.id).unwrap_or_default(),
        })
        .collect();
    let f = scoring::pipeline::Funnel::of(&histories);
    let counts = |v: Vec<(scoring::pipeline::Stage, usize)>| {
        v.into_iter()
            .map(|(s, n)| StateCount {
                state: state(s),
                count: n as u64,
            })
            .collect()
    };
    Ok(Funnel {
        entries: f.entries as u64,
        current: counts(f.current),
        reached: counts(f.reached),
        conversions: f
            .conversions
            .into_iter()
            .map(|c| StageConversion {
                from: state(c.from),
                to: state(c.to),
                rate: c.rate,
            })
            .collect(),
        median_days: f
            .median_days
            .into_iter()
            .map(|(s, d)| StageDays {
                state: state(s),
                median_days: d,
            })
            .collect(),
        ecommerce_capable_share: f.ecommerce_share,
    })
}
