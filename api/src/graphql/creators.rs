//! Creators: public profiles for brands and admins, and for scouts in their markets.

use super::content::{Content, removed_pieces};
use super::context::{db, load, load_all_with, load_required, prime_all_with};
use super::follower_range::FollowerRange;
use super::key::Key;
use super::markets::{Market, Niche};
use super::pagination::{Page, keyset};
use super::scalars::id;
use crate::auth::{Policy, caller};
use async_graphql::{Context, Description, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{content, creator, creator_niche, market, niche};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

/// A creator account in one market.
#[derive(Description)]
pub struct Creator(pub creator::Model);

/// One of a creator's niches and the share of its content there.
#[derive(SimpleObject)]
pub struct CreatorNiche {
    /// The niche.
    pub niche: Niche,
    /// Share of the creator's content in this niche, 0..1.
    pub share: f64,
}

#[Object(use_type_description)]
impl Creator {
    /// The creator's id in Flywheel: what `creator(id:)` takes (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the creator, as sent to `upsertCreators`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The account's handle on the platform.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The name the account shows.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Follower count, as last ingested.
    async fn followers(&self) -> i64 {
        self.0.followers
    }
    /// The recommender's trust in the account, 0..1; sets a new video's first traffic pool.
    async fn account_weight(&self) -> f64 {
        self.0.account_weight
    }
    /// Has sold through content at least once.
    async fn ecommerce_capable(&self) -> bool {
        self.0.ecommerce_capable
    }
    /// When Flywheel first stored the creator.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The market the account is in.
    async fn market(&self, ctx: &Context<'_>) -> Result<Market> {
        Ok(
            load_required::<market::Entity, String>(ctx, self.0.market_code.clone())
                .await?
                .into(),
        )
    }
    /// The creator's rolling content score over recent pieces; null before the first scoring.
    async fn content_score(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::content_score::AggregateContentScore>> {
        Ok(
            load::<entities::creator_content_score::Entity, i64>(ctx, self.0.id)
                .await?
                .map(Into::into),
        )
    }
    /// The creator's niches, largest share first.
    async fn niches(&self, ctx: &Context<'_>) -> Result<Vec<CreatorNiche>> {
        let mut links =
            load_all_with::<creator_niche::Entity, niche::Entity>(ctx, self.0.id).await?;
        links.sort_by(|(a, _), (b, _)| {
            b.share
                .total_cmp(&a.share)
                .then(a.niche_id.cmp(&b.niche_id))
        });
        Ok(links
            .into_iter()
            .map(|(link, niche)| CreatorNiche {
                niche: niche.into(),
                share: link.share,
            })
            .collect())
    }
    /// The creator's videos and live streams, oldest first (brands: public ones only).
    async fn content(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Content>> {
        let mut select = content::Entity::find().filter(content::Column::CreatorId.eq(self.0.id));
        if !caller(ctx)?.sees_removed_content() {
            select = select.filter(content::Column::Id.not_in_subquery(removed_pieces()));
        }
        Ok(keyset(
            db(ctx),
            select,
            content::Column::Id,
            first,
            after,
            |c| c.id,
            Content,
        )
        .await?)
    }
    /// Predicted lifetime value over `horizonDays`, discounted at `discountRate` per year:
    /// admins, brands, and scouts of the creator's market. Default arguments read the stored
    /// prediction of the last `recompute ltv`; others are computed from the stored model.
    async fn ltv(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "crate::ltv::DEFAULT_HORIZON_DAYS",
            desc = "Days ahead to predict over: 1 to 3650, 365 when omitted."
        )]
        horizon_days: i32,
        #[graphql(
            default_with = "crate::ltv::DEFAULT_DISCOUNT_RATE",
            desc = "Yearly discount rate as a fraction (0.1 is 10%): 0 to 10, 0.1 when omitted."
        )]
        discount_rate: f64,
    ) -> Result<super::ltv::CreatorLtv> {
        super::ltv::creator_ltv(ctx, &self.0, horizon_days, discount_rate).await
    }
    /// Creators like this one (same niches, same brands), ranked, filtered and explained:
    /// brands and admins only.
    #[graphql(guard = "Policy::BrandTools")]
    async fn lookalikes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Which creators may match; when omitted, any but this one.")]
        filter: Option<super::matching::MatchFilter>,
    ) -> Result<super::matching::MatchConnection> {
        super::matching::lookalikes(ctx, self.0.id, first, after, filter).await
    }
}

/// Which creators to list.
#[derive(InputObject, Default)]
pub struct CreatorFilter {
    /// Creators in this market: its upper-case code, e.g. `US`. Scouts get only their markets.
    pub market: Option<String>,
    /// Creators with this niche (a leaf niche or a parent category).
    pub niche_id: Option<ID>,
    /// Creators with at least this many followers.
    pub min_followers: Option<i32>,
    /// Creators with at most this many followers (not below `minFollowers`).
    pub max_followers: Option<i32>,
    /// `true`: only creators who have sold through content; `false`: only those who have not;
    /// omitted: either.
    pub ecommerce_capable: Option<bool>,
}

/// Creator queries.
#[derive(Default)]
pub struct CreatorQuery;

#[Object]
impl CreatorQuery {
    /// One creator by `id` or by `externalId` (exactly one); for a scout, a creator outside
    /// its markets does not exist.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The creator's `id`, as reads return it; give this or `externalId`, not both."
        )]
        id: Option<ID>,
        #[graphql(
            desc = "The client's key for the creator, as sent to `upsertCreators`; give this or `id`, not both."
        )]
        external_id: Option<String>,
    ) -> Result<Creator> {
        let key = Key::of(id, external_id)?;
        match key
            .find::<creator::Entity>(ctx, creator::Column::ExternalId)
            .await?
        {
            Some(row) if caller(ctx)?.sees_creators_of(&row.market_code)? => Ok(Creator(row)),
            _ => Err(key.not_found("creator").into()),
        }
    }

    /// Creators matching a filter, by id.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn creators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Which creators to list; all the caller may see when omitted.")]
        filter: Option<CreatorFilter>,
    ) -> Result<Page<Creator>> {
        let filter = filter.unwrap_or_default();
        if let Some(code) = &filter.market {
            super::named::market(ctx, "filter.market", code).await?;
        }
        let mut cond = Condition::all();
        if let Some(markets) = caller(ctx)?.market_scope(filter.market.as_deref())? {
            cond = cond.add(creator::Column::MarketCode.is_in(markets));
        }
        let followers =
            FollowerRange::parse("filter.", filter.min_followers, filter.max_followers)?;
        if let Some(lo) = followers.min {
            cond = cond.add(creator::Column::Followers.gte(lo));
        }
        if let Some(hi) = followers.max {
            cond = cond.add(creator::Column::Followers.lte(hi));
        }
        if let Some(capable) = filter.ecommerce_capable {
            cond = cond.add(creator::Column::EcommerceCapable.eq(capable));
        }
        if let Some(niche_id) = &filter.niche_id {
            cond = cond.add(in_niche(
                super::named::niche(ctx, "filter.nicheId", niche_id).await?,
            ));
        }
        let select = creator::Entity::find().filter(cond);
        let page = keyset(
            db(ctx),
            select,
            creator::Column::Id,
            first,
            after,
            |c| c.id,
            Creator,
        )
        .await?;
        if ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("niches")
            .exists()
        {
            let ids = page.edges.iter().map(|e| e.node.0.id).collect();
            prime_all_with::<creator_niche::Entity, niche::Entity>(ctx, ids).await?;
        }
        Ok(page)
    }
}

/// Creators with a niche: the niche itself or, for a category, any of its leaves.
pub(super) fn in_niche(niche_id: i64) -> sea_orm::sea_query::SimpleExpr {
    creator::Column::Id.in_subquery(niche_members(niche_id))
}

/// Ids of the creators with a niche (the niche itself or, for a category, any of its leaves).
pub(super) fn niche_members(niche_id: i64) -> sea_orm::sea_query::SelectStatement {
    let leaves = niche::Entity::find()
        .select_only()
        .column(niche::Column::Id)
        .filter(niche::Column::ParentId.eq(niche_id));
    let in_niche = creator_niche::Entity::find()
        .select_only()
        .column(creator_niche::Column::CreatorId)
        .filter(
            Condition::any()
                .add(creator_niche::Column::NicheId.eq(niche_id))
                .add(creator_niche::Column::NicheId.in_subquery(leaves.into_query())),
        );
    in_niche.into_query()
}
