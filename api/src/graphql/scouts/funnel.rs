//! Funnel figures: the entries of a market or scout opened in a period, their histories turned
//! into scoring inputs, and `scoring::pipeline::Funnel` turned into GraphQL types.

use crate::error::ApiResult;
use crate::graphql::scalars::{Long, Money};
use crate::pipeline::{stage, state};
use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entities::enums::PipelineState;
use entities::{creator_ltv, pipeline_entry, pipeline_event};
use scoring::pipeline::{EntryHistory, Transition};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};
use std::collections::{BTreeMap, HashMap};

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
    /// The state.
    pub state: PipelineState,
    /// Entries in (or that reached) it.
    pub count: u64,
}

/// The share of entries that reached `from` and went on to reach `to`.
#[derive(SimpleObject)]
pub struct StageConversion {
    /// The earlier state.
    pub from: PipelineState,
    /// The next state.
    pub to: PipelineState,
    /// Null when no entry reached `from`.
    pub rate: Option<f64>,
}

/// The median days entries stayed in a state before moving on.
#[derive(SimpleObject)]
pub struct StageDays {
    /// The state.
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
    /// Median days in each funnel state before moving on.
    pub median_days: Vec<StageDays>,
    /// Of certified entries (churned since included) with the flag recorded, the share that
    /// are e-commerce capable; null when there are none.
    pub ecommerce_capable_share: Option<f64>,
    /// Predicted LTV of the creators now certified, per currency (markets do not share one).
    pub certified_ltv: Vec<CohortLtv>,
}

/// What the certified cohort is predicted to be worth, in one currency.
#[derive(SimpleObject)]
pub struct CohortLtv {
    /// The ISO 4217 currency of the amounts, e.g. `USD`.
    pub currency: String,
    /// Certified creators with a stored prediction (creators who never sold have none).
    pub creators: u64,
    /// Sum of their LTVs (stored default horizon and discount rate).
    pub total: Money,
    /// Mean of their LTVs.
    pub mean: Money,
    /// Mean probability that they are still active.
    pub mean_p_active: f64,
}

/// The stored LTVs of the creators of the certified entries in `cond`.
async fn certified_ltv(db: &DatabaseConnection, cond: Condition) -> ApiResult<Vec<CohortLtv>> {
    let certified = pipeline_entry::Entity::find()
        .select_only()
        .column(pipeline_entry::Column::CreatorId)
        .filter(cond)
        .filter(pipeline_entry::Column::State.eq(PipelineState::Certified))
        .into_query();
    let mut sums: BTreeMap<String, (u64, i64, f64)> = BTreeMap::new();
    for ltv in creator_ltv::Entity::find()
        .filter(creator_ltv::Column::CreatorId.in_subquery(certified))
        .all(db)
        .await?
    {
        let sum = sums.entry(ltv.currency).or_default();
        sum.0 += 1;
        sum.1 += ltv.ltv_minor;
        sum.2 += ltv.p_active;
    }
    Ok(sums
        .into_iter()
        .map(|(currency, (n, total, p_active))| CohortLtv {
            creators: n,
            total: Money {
                amount_minor: Long(total),
                currency: currency.clone(),
            },
            mean: Money {
                amount_minor: Long((total as f64 / n as f64).round() as i64),
                currency: currency.clone(),
            },
            mean_p_active: p_active / n as f64,
            currency,
        })
        .collect())
}

/// Loads the entries in scope, their events and the certified creators' LTVs (three
/// statements) and computes the funnel.
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
    let certified_ltv = certified_ltv(db, cond.clone()).await?;
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
        certified_ltv,
    })
}
