//! Shop ratings over GraphQL: `Shop.rating` and `Shop.ratingHistory` (the shop itself, its
//! brand, admins), and the admin views of tiers per market. Everything shown is read from the
//! stored evaluations; nothing is recomputed to answer a query.

use super::context::{db, load};
use super::pagination::{Page, keyset};
use super::scalars::id;
use super::shops::Shop;
use crate::auth::{Policy, caller};
use crate::days::{Day, date_of};
use crate::error::{ApiError, ApiResult};
use crate::rating::view::{
    DimensionView, ImprovementView, MetricView, PerksView, RatingDimension, scoring_tier,
};
use async_graphql::{Context, Description, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entities::shop_rating::{EvaluationKind, RatingTier};
use entities::{shop, shop_rating, shop_rating_evaluation};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;

fn parse<T: serde::de::DeserializeOwned>(what: &str, shop_id: i64, text: &str) -> ApiResult<T> {
    serde_json::from_str(text)
        .map_err(|e| ApiError::internal(format!("reading the stored {what} of shop {shop_id}"), e))
}

/// The three dimensions with their weights and metrics, from stored scores.
fn dimensions(shop_id: i64, scores: [f64; 3], metrics: &str) -> ApiResult<Vec<DimensionView>> {
    let metrics: Vec<MetricView> = parse("metrics", shop_id, metrics)?;
    let weights = &crate::rating::config().weights;
    let dims = [
        (RatingDimension::Content, weights.content),
        (RatingDimension::Product, weights.product),
        (RatingDimension::Fulfilment, weights.fulfilment),
    ];
    Ok(dims
        .into_iter()
        .zip(scores)
        .map(|((dimension, weight), score)| DimensionView {
            dimension,
            score,
            weight,
            metrics: metrics
                .iter()
                .filter(|m| m.dimension == dimension)
                .cloned()
                .collect(),
        })
        .collect())
}

/// A shop's rating as of its latest evaluation.
#[derive(Description)]
pub struct ShopRating(shop_rating::Model);

#[Object(use_type_description)]
impl ShopRating {
    /// The official tier in force.
    async fn tier(&self) -> RatingTier {
        self.0.tier
    }
    /// The tier an official evaluation would set on `asOf`: where the shop is heading.
    async fn projected_tier(&self) -> RatingTier {
        self.0.projected_tier
    }
    /// Overall score, 0-100.
    async fn overall(&self) -> f64 {
        self.0.overall
    }
    /// Content quality, product experience and fulfilment service, with their metrics.
    async fn dimensions(&self) -> Result<Vec<DimensionView>> {
        let m = &self.0;
        Ok(dimensions(
            m.shop_id,
            [m.content_score, m.product_score, m.fulfilment_score],
            &m.metrics,
        )?)
    }
    /// What the tier grants now.
    async fn perks(&self) -> PerksView {
        let perks = &crate::rating::config().perks;
        perks
            .for_tier(scoring_tier(self.0.tier), self.0.restrictions_deferred)
            .into()
    }
    /// The tier above the official one (A for an unrated shop); null for S.
    async fn next_tier(&self) -> Option<RatingTier> {
        scoring_tier(self.0.tier)
            .next_up()
            .map(crate::rating::view::tier)
    }
    /// What the next tier would grant: what reaching it is worth. Null for S.
    async fn next_tier_perks(&self) -> Option<PerksView> {
        let perks = &crate::rating::config().perks;
        let next = scoring_tier(self.0.tier).next_up()?;
        Some(perks.for_tier(next, false).into())
    }
    /// True in C while the grace period defers its restrictions.
    async fn restrictions_deferred(&self) -> bool {
        self.0.restrictions_deferred
    }
    /// The first day an official evaluation may end the grace period and apply C's
    /// restrictions; null when none are deferred.
    async fn restrictions_deferred_until(&self) -> Result<Option<NaiveDate>> {
        if !self.0.restrictions_deferred {
            return Ok(None);
        }
        let state: scoring::rating::RatingState = parse("state", self.0.shop_id, &self.0.state)?;
        Ok(state.grace.map(|g| date_of(g.until)))
    }
    /// The day the next official evaluation is due (monthly, on the rating configuration's
    /// day of the month): the one that can move `tier`. The server runs it that day (UTC)
    /// once the platform has run its first official evaluation.
    async fn next_official_evaluation(&self) -> Result<NaiveDate> {
        let state: scoring::rating::RatingState = parse("state", self.0.shop_id, &self.0.state)?;
        let after = state.last_official.unwrap_or(Day::new(self.0.as_of) - 1);
        Ok(crate::rating::schedule::next_due(
            date_of(after),
            crate::rating::config().hysteresis.official_day_of_month,
        ))
    }
    /// What to improve, metric by metric, the most points first.
    async fn improvements(&self) -> Result<Vec<ImprovementView>> {
        Ok(parse("improvements", self.0.shop_id, &self.0.improvements)?)
    }
    /// The latest changes and the gates blocking the next tier, in words.
    async fn explanation(&self) -> Result<Vec<String>> {
        Ok(parse("explanation", self.0.shop_id, &self.0.explanation)?)
    }
    /// Kind of the latest evaluation.
    async fn kind(&self) -> EvaluationKind {
        self.0.kind
    }
    /// Day the latest evaluation was as of (UTC).
    async fn as_of(&self) -> NaiveDate {
        date_of(Day::new(self.0.as_of))
    }
    /// When it was stored.
    async fn evaluated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Fingerprint of the rating configuration used.
    async fn config_version(&self) -> &str {
        &self.0.config_version
    }
}

/// One stored evaluation, as it was computed.
#[derive(Description)]
pub struct RatingEvaluation(shop_rating_evaluation::Model);

#[Object(use_type_description)]
impl RatingEvaluation {
    /// The evaluation's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// Official (monthly, moves the tier) or projected (daily).
    async fn kind(&self) -> EvaluationKind {
        self.0.kind
    }
    /// Day evaluated (UTC).
    async fn as_of(&self) -> NaiveDate {
        date_of(Day::new(self.0.as_of))
    }
    /// When it was computed.
    async fn evaluated_at(&self) -> DateTime<Utc> {
        self.0.evaluated_at
    }
    /// Official tier after this evaluation.
    async fn tier(&self) -> RatingTier {
        self.0.tier
    }
    /// Official tier before it.
    async fn previous_tier(&self) -> RatingTier {
        self.0.previous_tier
    }
    /// Tier an official evaluation would have set that day.
    async fn projected_tier(&self) -> RatingTier {
        self.0.projected_tier
    }
    /// Tier the scores qualified for that day, before hysteresis.
    async fn qualified_tier(&self) -> RatingTier {
        self.0.qualified_tier
    }
    /// Overall score, 0-100.
    async fn overall(&self) -> f64 {
        self.0.overall
    }
    /// Content quality, product experience and fulfilment service, with their metrics.
    async fn dimensions(&self) -> Result<Vec<DimensionView>> {
        let m = &self.0;
        Ok(dimensions(
            m.shop_id,
            [m.content_score, m.product_score, m.fulfilment_score],
            &m.metrics,
        )?)
    }
    /// Why the tier moved (or would), and the gates that blocked the next one, in words.
    async fn reasons(&self) -> Result<Vec<String>> {
        Ok(parse("reasons", self.0.shop_id, &self.0.reasons)?)
    }
    /// Fingerprint of the rating configuration used.
    async fn config_version(&self) -> &str {
        &self.0.config_version
    }
}

/// `Shop.rating`: the stored current rating; null before the shop's first evaluation.
pub async fn rating(ctx: &Context<'_>, shop: &shop::Model) -> Result<Option<ShopRating>> {
    caller(ctx)?.require_shop(shop.id, shop.brand_id)?;
    Ok(load::<shop_rating::Entity, i64>(ctx, shop.id)
        .await?
        .map(ShopRating))
}

/// `Shop.ratingHistory`: every stored evaluation, oldest first.
pub async fn history(
    ctx: &Context<'_>,
    shop: &shop::Model,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<RatingEvaluation>> {
    caller(ctx)?.require_shop(shop.id, shop.brand_id)?;
    let select = shop_rating_evaluation::Entity::find()
        .filter(shop_rating_evaluation::Column::ShopId.eq(shop.id));
    Ok(keyset(
        db(ctx),
        select,
        shop_rating_evaluation::Column::Id,
        first,
        after,
        |e| e.id,
        RatingEvaluation,
    )
    .await?)
}

/// Shops of one market and official tier (shops never evaluated count as Unrated).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct TierCount {
    /// The market's code.
    pub market: String,
    /// The official tier.
    pub tier: RatingTier,
    /// Shops of the market in that tier.
    pub shops: i64,
}

/// Admin views of the ratings.
#[derive(Default)]
pub struct RatingQuery;

#[Object]
impl RatingQuery {
    /// Shops of a market in an official tier, by id (shops never evaluated are UNRATED).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn shops_by_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The market: its upper-case code, e.g. `US`.")] market: String,
        #[graphql(desc = "The official tier; `UNRATED` includes shops never evaluated.")]
        tier: RatingTier,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Shop>> {
        super::named::market(ctx, "market", &market).await?;
        let mut rated = Query::select();
        rated
            .column(shop_rating::Column::ShopId)
            .from(shop_rating::Entity);
        let in_tier = if tier == RatingTier::Unrated {
            rated.and_where(shop_rating::Column::Tier.ne(RatingTier::Unrated));
            shop::Column::Id.not_in_subquery(rated)
        } else {
            rated.and_where(shop_rating::Column::Tier.eq(tier));
            shop::Column::Id.in_subquery(rated)
        };
        let select = shop::Entity::find()
            .filter(shop::Column::MarketCode.eq(market))
            .filter(in_tier);
        Ok(keyset(
            db(ctx),
            select,
            shop::Column::Id,
            first,
            after,
            |s| s.id,
            Shop,
        )
        .await?)
    }

    /// How many shops each market has in each official tier (shops never evaluated count as
    /// UNRATED); every market, or one.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn tier_distribution(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this market (its upper-case code, e.g. `US`); every market when omitted."
        )]
        market: Option<String>,
    ) -> Result<Vec<TierCount>> {
        let tier_col = (shop_rating::Entity, shop_rating::Column::Tier);
        let market_col = (shop::Entity, shop::Column::MarketCode);
        let mut query = Query::select();
        query
            .expr_as(Expr::col(market_col), Alias::new("market"))
            .expr_as(Expr::col(tier_col), Alias::new("tier"))
            .expr_as(
                Expr::col((shop::Entity, shop::Column::Id)).count(),
                Alias::new("shops"),
            )
            .from(shop::Entity)
            .left_join(
                shop_rating::Entity,
                Expr::col((shop::Entity, shop::Column::Id))
                    .equals((shop_rating::Entity, shop_rating::Column::ShopId)),
            )
            .group_by_col(market_col)
            .group_by_col(tier_col);
        if let Some(market) = &market {
            super::named::market(ctx, "market", market).await?;
            query.and_where(Expr::col(market_col).eq(market.as_str()));
        }
        let rows = db(ctx).query_all(&query).await.map_err(ApiError::from)?;
        let mut counts: BTreeMap<(String, RatingTier), i64> = BTreeMap::new();
        for row in rows {
            let tier: Option<String> = row.try_get("", "tier").map_err(ApiError::from)?;
            // Shops never evaluated (no rating row) are Unrated.
            let tier = match tier {
                Some(t) => RatingTier::try_from_value(&t).map_err(ApiError::from)?,
                None => RatingTier::Unrated,
            };
            let market: String = row.try_get("", "market").map_err(ApiError::from)?;
            let shops: i64 = row.try_get("", "shops").map_err(ApiError::from)?;
            *counts.entry((market, tier)).or_default() += shops;
        }
        let out = counts
            .into_iter()
            .map(|((market, tier), shops)| TierCount {
                market,
                tier,
                shops,
            })
            .collect();
        Ok(out)
    }
}
