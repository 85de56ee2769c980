//! The creator-scout programme: pipeline entries and their history, the mutations that open
//! and move them, prospect suggestions and funnel figures.
//!
//! Scope: scouts read and write only entries of the markets in their token; admins everything;
//! brands and shops nothing. A scout is identified by its token subject: the `scout` row with
//! that `external_id`, created on its first write with the token's markets. Admins adding
//! prospects name the scout by id.

mod funnel;
mod suggest;

use super::context::{db, load_all, load_required};
use super::creators::Creator;
use super::markets::Market;
use super::pagination::{Page, keyset};
use super::scalars::{id, parse_id};
use crate::auth::{Policy, caller};
use crate::error::ApiError;
use crate::ingest::BatchOutcome;
use crate::ingest::scouts::ScoutInput;
use crate::pipeline::write::{self, Duplicate, Items, Move, NewProspect};
use crate::pipeline::{stage, state};
use async_graphql::{Context, Description, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entities::enums::PipelineState;
use entities::{creator, market, pipeline_entry, pipeline_event, scout, scout_market};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

pub use funnel::Funnel;
pub use suggest::ProspectSuggestion;

/// A creator scout of the onboarding programme.
#[derive(Description)]
pub struct Scout(pub scout::Model);

#[Object(use_type_description)]
impl Scout {
    /// The scout's id in Flywheel: what `scoutId` arguments take (not its `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The scout's identity: its token subject.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The scout's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Market codes the scout works in.
    async fn markets(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let mut codes: Vec<String> = load_all::<scout_market::Entity>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|m| m.market_code)
            .collect();
        codes.sort();
        Ok(codes)
    }
}

/// A creator in a market's onboarding pipeline.
#[derive(Description)]
pub struct PipelineEntry(pub pipeline_entry::Model);

#[Object(use_type_description)]
impl PipelineEntry {
    /// The entry's id: what `pipelineEntry(id:)` and `movePipelineEntry(entryId:)` take.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The creator in the pipeline.
    async fn creator(&self, ctx: &Context<'_>) -> Result<Creator> {
        Ok(Creator(
            load_required::<creator::Entity, i64>(ctx, self.0.creator_id).await?,
        ))
    }
    /// The market whose pipeline it is (the creator's own).
    async fn market(&self, ctx: &Context<'_>) -> Result<Market> {
        Ok(
            load_required::<market::Entity, String>(ctx, self.0.market_code.clone())
                .await?
                .into(),
        )
    }
    /// The scout who owns the entry.
    async fn scout(&self, ctx: &Context<'_>) -> Result<Scout> {
        Ok(Scout(
            load_required::<scout::Entity, i64>(ctx, self.0.scout_id).await?,
        ))
    }
    /// Where the entry stands now.
    async fn state(&self) -> PipelineState {
        self.0.state
    }
    /// False once rejected or churned.
    async fn open(&self) -> bool {
        self.0.active_market.is_some()
    }
    /// The states the entry may move to now.
    async fn allowed_moves(&self) -> Vec<PipelineState> {
        scoring::pipeline::allowed_from(stage(self.0.state))
            .into_iter()
            .map(state)
            .collect()
    }
    /// Recorded at certification: whether the creator can sell (has sold through content).
    async fn ecommerce_capable(&self) -> Option<bool> {
        self.0.ecommerce_capable
    }
    /// When the entry was opened.
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the entry last moved (its opening, if it never did).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every move, oldest first, the opening one included.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<PipelineEvent>> {
        let mut events = load_all::<pipeline_event::Entity>(ctx, self.0.id).await?;
        events.sort_by_key(|e| (e.at, e.id));
        Ok(events.into_iter().map(PipelineEvent).collect())
    }
}

/// One move of a pipeline entry.
#[derive(Description)]
pub struct PipelineEvent(pub pipeline_event::Model);

#[Object(use_type_description)]
impl PipelineEvent {
    /// The state before the move; null for the opening event.
    async fn from(&self) -> Option<PipelineState> {
        self.0.from_state
    }
    /// The state after the move.
    async fn to(&self) -> PipelineState {
        self.0.to_state
    }
    /// Who moved it: the caller's token subject.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// When it moved.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Why it moved, as the mover said (`prospected` for the opening event).
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The mover's note; null without one.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// A creator to add to a market's pipeline as a prospect.
#[derive(InputObject, serde::Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProspectInput {
    /// The creator's `id` (not its `externalId`).
    pub creator_id: ID,
    /// The market: its upper-case code, e.g. `US`; the creator's own.
    pub market: String,
    /// The owning scout: required for admins; scouts own what they add and may omit it.
    pub scout_id: Option<ID>,
    /// A note for the opening event; null for none.
    pub note: Option<String>,
}

/// One move of a bulk move.
#[derive(InputObject, serde::Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct PipelineMoveInput {
    /// The entry's `id`, as `pipeline` returns it.
    pub entry_id: ID,
    /// The state to move to: one of the entry's `allowedMoves`.
    pub to: PipelineState,
    /// Why the entry moves; not blank.
    pub reason: String,
    /// A note kept with the move; null for none.
    pub note: Option<String>,
    /// At certification only: whether the creator can sell; defaults to the creator's record.
    pub ecommerce_capable: Option<bool>,
}

impl PipelineMoveInput {
    fn into_move(self, index: usize, items: Items) -> crate::error::ApiResult<Move> {
        let field = if items.single {
            "entryId".to_owned()
        } else {
            format!("items[{index}].entryId")
        };
        Ok(Move {
            entry_id: parse_id(&field, &self.entry_id)?,
            to: self.to,
            reason: self.reason,
            note: self.note,
            ecommerce_capable: self.ecommerce_capable,
        })
    }
}

/// Pipeline mutations.
#[derive(Default)]
pub struct ScoutMutation;

#[Object]
impl ScoutMutation {
    /// Creates or updates scouts and the markets they work in (matched by `externalId`, the
    /// subject of the scout's tokens).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_scouts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 scouts, applied all or none.")] items: Vec<
            ScoutInput,
        >,
    ) -> Result<BatchOutcome> {
        let ingest = crate::graphql::ingest::context(ctx)?;
        Ok(crate::ingest::run(db(ctx), items, &ingest).await?)
    }

    /// Adds up to 1,000 creators as prospects, all or nothing. A creator must belong to the
    /// market; one already open there is a CONFLICT.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn add_prospects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 prospects, added all or none.")] items: Vec<
            ProspectInput,
        >,
    ) -> Result<Vec<PipelineEntry>> {
        write::check_batch(items.len())?;
        crate::ingest::check_texts(&items)?;
        let who = caller(ctx)?;
        let now = Utc::now();
        let txn = crate::db::begin_write(db(ctx))
            .await
            .map_err(ApiError::from)?;
        let own = if who.acts_as_scout() {
            Some(write::scout_of(&txn, who, now).await?)
        } else {
            None
        };
        let mut prospects = Vec::with_capacity(items.len());
        for (i, p) in items.into_iter().enumerate() {
            let named = p
                .scout_id
                .as_ref()
                .map(|s| parse_id(&format!("items[{i}].scoutId"), s))
                .transpose()?;
            let scout_id = match (own, named) {
                (Some(own), Some(named)) if own != named => {
                    return Err(ApiError::Forbidden(format!(
                        "items[{i}].scoutId: scouts add prospects for themselves only"
                    ))
                    .into());
                }
                (Some(own), _) => {
                    who.require_creator_market(&p.market).map_err(|_| {
                        ApiError::Forbidden(format!(
                            "items[{i}].market: {} is not one of your markets",
                            p.market
                        ))
                    })?;
                    own
                }
                (None, Some(named)) => named,
                (None, None) => {
                    return Err(
                        ApiError::invalid(i, "scoutId", "admins must name the scout").into(),
                    );
                }
            };
            prospects.push(NewProspect {
                creator_id: parse_id(&format!("items[{i}].creatorId"), &p.creator_id)?,
                market: p.market,
                scout_id,
                note: p.note,
            });
        }
        let opened =
            write::open_entries(&txn, &prospects, &who.subject, now, Duplicate::Conflict).await?;
        txn.commit().await.map_err(ApiError::from)?;
        Ok(opened.created.into_iter().map(PipelineEntry).collect())
    }

    /// Moves one entry. A move the pipeline does not allow is a CONFLICT that names the moves
    /// allowed from the entry's state.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn move_pipeline_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry's `id`, as `pipeline` returns it.")] entry_id: ID,
        #[graphql(desc = "The state to move to: one of the entry's `allowedMoves`.")]
        to: PipelineState,
        #[graphql(desc = "Why the entry moves; not blank.")] reason: String,
        #[graphql(desc = "A note kept with the move; null for none.")] note: Option<String>,
        #[graphql(
            desc = "At certification only: whether the creator can sell; defaults to the creator's record."
        )]
        ecommerce_capable: Option<bool>,
    ) -> Result<PipelineEntry> {
        let input = PipelineMoveInput {
            entry_id,
            to,
            reason,
            note,
            ecommerce_capable,
        };
        let mut moved = apply_moves(ctx, vec![input], Items { single: true }).await?;
        Ok(moved.remove(0))
    }

    /// Moves up to 1,000 entries, all or nothing.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn bulk_move_pipeline_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The batch: 1 to 1,000 moves, applied all or none; an entry at most once."
        )]
        items: Vec<PipelineMoveInput>,
    ) -> Result<Vec<PipelineEntry>> {
        apply_moves(ctx, items, Items { single: false }).await
    }
}

async fn apply_moves(
    ctx: &Context<'_>,
    inputs: Vec<PipelineMoveInput>,
    items: Items,
) -> Result<Vec<PipelineEntry>> {
    write::check_batch(inputs.len())?;
    crate::ingest::check_texts(&inputs)?;
    let moves = inputs
        .into_iter()
        .enumerate()
        .map(|(i, m)| m.into_move(i, items))
        .collect::<crate::error::ApiResult<Vec<_>>>()?;
    let txn = crate::db::begin_write(db(ctx))
        .await
        .map_err(ApiError::from)?;
    let moved = write::move_entries(&txn, &moves, caller(ctx)?, Utc::now(), items).await?;
    txn.commit().await.map_err(ApiError::from)?;
    Ok(moved.into_iter().map(PipelineEntry).collect())
}

/// Pipeline queries.
#[derive(Default)]
pub struct ScoutQuery;

#[Object]
impl ScoutQuery {
    /// Pipeline entries by id, filtered by market, state and scout. Scouts see their markets.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only entries of this market (its upper-case code, e.g. `US`); scouts get only their markets."
        )]
        market: Option<String>,
        #[graphql(desc = "Only entries in this state.")] state: Option<PipelineState>,
        #[graphql(desc = "Only entries this scout owns, by the scout's `id`.")] scout_id: Option<
            ID,
        >,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<PipelineEntry>> {
        if let Some(code) = &market {
            super::named::market(ctx, "market", code).await?;
        }
        let mut cond = Condition::all();
        if let Some(markets) = caller(ctx)?.market_scope(market.as_deref())? {
            cond = cond.add(pipeline_entry::Column::MarketCode.is_in(markets));
        }
        if let Some(state) = state {
            cond = cond.add(pipeline_entry::Column::State.eq(state));
        }
        if let Some(scout) = &scout_id {
            cond = cond.add(pipeline_entry::Column::ScoutId.eq(parse_id("scoutId", scout)?));
        }
        let select = pipeline_entry::Entity::find().filter(cond);
        Ok(keyset(
            db(ctx),
            select,
            pipeline_entry::Column::Id,
            first,
            after,
            |e| e.id,
            PipelineEntry,
        )
        .await?)
    }

    /// One entry with its history; for a scout, an entry outside its markets does not exist.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn pipeline_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry's `id`, as `pipeline` returns it.")] id: ID,
    ) -> Result<PipelineEntry> {
        let key = parse_id("id", &id)?;
        let row = pipeline_entry::Entity::find_by_id(key)
            .one(db(ctx))
            .await
            .map_err(ApiError::from)?;
        match row {
            Some(row) if caller(ctx)?.sees_creators_of(&row.market_code)? => Ok(PipelineEntry(row)),
            _ => Err(ApiError::not_found("pipeline entry", key).into()),
        }
    }

    /// Creators of a market not in an open pipeline entry there, best prospects first (see
    /// `ProspectSuggestion.score`), ties by id; paged by `first` (at most 100) and `after`.
    #[graphql(guard = "Policy::ScoutProgramme")]
    #[allow(clippy::too_many_arguments)] // one parameter per GraphQL argument
    async fn prospect_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The market: its upper-case code, e.g. `US`.")] market: String,
        #[graphql(
            desc = "Only creators in this niche, by its `id` (a category includes its leaves)."
        )]
        niche_id: Option<ID>,
        #[graphql(desc = "Only creators with at least this many followers.")] min_followers: Option<
            i32,
        >,
        #[graphql(desc = "Only creators with at most this many followers.")] max_followers: Option<
            i32,
        >,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<ProspectSuggestion>> {
        super::named::market(ctx, "market", &market).await?;
        caller(ctx)?.require_creator_market(&market)?;
        let niche_id = match &niche_id {
            Some(id) => Some(super::named::niche(ctx, "nicheId", id).await?),
            None => None,
        };
        // A bad page is refused before the market is ranked.
        super::pagination::page_size(first)?;
        let filter = suggest::Filter {
            market,
            niche_id,
            followers: super::follower_range::FollowerRange::parse(
                "",
                min_followers,
                max_followers,
            )?,
        };
        let ranked = suggest::suggestions(db(ctx), &filter).await?;
        Ok(super::pagination::ranked_in_memory(
            ranked,
            |s| (s.score, s.creator.0.id),
            first,
            after,
            |s| s,
        )?)
    }

    /// Funnel figures over the entries opened in [from, to) (either bound optional), for a
    /// market and/or a scout; scouts over their markets.
    #[graphql(guard = "Policy::ScoutProgramme")]
    async fn funnel(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only entries of this market (its upper-case code, e.g. `US`); scouts get only their markets."
        )]
        market: Option<String>,
        #[graphql(desc = "Only entries this scout owns, by the scout's `id`.")] scout_id: Option<
            ID,
        >,
        #[graphql(desc = "Only entries opened at or after this instant.")] from: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "Only entries opened before this instant.")] to: Option<DateTime<Utc>>,
    ) -> Result<Funnel> {
        if let Some(code) = &market {
            super::named::market(ctx, "market", code).await?;
        }
        let scope = funnel::Scope {
            markets: caller(ctx)?.market_scope(market.as_deref())?,
            scout_id: scout_id.map(|s| parse_id("scoutId", &s)).transpose()?,
            from,
            to,
        };
        Ok(funnel::funnel(db(ctx), &scope).await?)
    }
}
