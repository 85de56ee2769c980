//! Prospect suggestions: a market's creators not yet in an open pipeline entry, ranked by
//! `scoring::pipeline::prospect_score` over what is stored now (followers, e-commerce
//! capability, content score or raw engagement, predicted LTV rank or attributed orders).
//!
//! Every candidate of the market is scored in memory: a few grouped statements (raw
//! engagement summed only for creators the content model has not scored), then
//! O(candidates) work: about 0.1 s for the demo's 5,000 US candidates.

use super::super::creators::{Creator, in_niche};
use super::super::follower_range::FollowerRange;
use crate::error::ApiResult;
use async_graphql::SimpleObject;
use entities::{content, creator, creator_content_score, creator_ltv, order, pipeline_entry};
use scoring::pipeline::{ProspectSignals, prospect_score};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// What to suggest.
pub struct Filter {
    pub market: String,
    pub niche_id: Option<i64>,
    pub followers: FollowerRange,
}

/// A creator worth contacting, with the parts of its score.
#[derive(SimpleObject)]
pub struct ProspectSuggestion {
    /// The suggested creator.
    pub creator: Creator,
    /// 0..1: 30% reach (how the audience fits the programme: rising on a log scale to 1 at
    /// 50k followers, falling back to 0 at 10M, so established accounts do not lead), 30%
    /// engagement (the creator's
    /// content score; before it is first scored, likes, comments and shares per view over its
    /// content, one half at 5%), 25% sales (attributed orders, one half at 20), 15%
    /// e-commerce capability. Once predicted, the creator's LTV percentile in the market
    /// replaces the attributed orders in the sales part.
    pub score: f64,
    /// Reach, 0..1: log followers, saturating at 10M.
    pub reach: f64,
    /// Engagement, 0..1: the content score over 100, or before one, a half at 5% interactions
    /// per view.
    pub engagement: f64,
    /// Sales, 0..1: the LTV percentile in the market, or before one, a half at 20 attributed
    /// orders.
    pub sales: f64,
    /// 1 if the creator can sell through content, else 0.
    pub ecommerce: f64,
    /// Orders attributed to the creator.
    pub attributed_orders: i64,
    /// The score in words: its parts by what they add, with the evidence behind each.
    pub why: String,
}

/// Each creator's predicted LTV as its mid-rank percentile (0..1) among the market's creators
/// with a stored prediction: LTVs are in the market's currency and heavy-tailed, a rank is
/// neither.
async fn ltv_ranks(db: &DatabaseConnection, market: &str) -> ApiResult<HashMap<i64, f64>> {
    let ltvs: Vec<(i64, i64)> = creator_ltv::Entity::find()
        .select_only()
        .column(creator_ltv::Column::CreatorId)
        .column(creator_ltv::Column::LtvMinor)
        .filter(creator_ltv::Column::MarketCode.eq(market))
        .into_tuple()
        .all(db)
        .await?;
    let values: Vec<f64> = ltvs.iter().map(|&(_, ltv)| ltv as f64).collect();
    let n = values.len() as f64;
    let ranks = ltvs
        .iter()
        .zip(scoring::stats::mid_ranks(&values))
        .map(|(&(id, _), rank)| (id, (rank - 0.5) / n))
        .collect();
    Ok(ranks)
}

/// Every prospect of the market that passes the filter, best first (ties: lower id).
pub async fn suggestions(
    db: &DatabaseConnection,
    filter: &Filter,
) -> ApiResult<Vec<ProspectSuggestion>> {
    let open = pipeline_entry::Entity::find()
        .select_only()
        .column(pipeline_entry::Column::CreatorId)
        .filter(pipeline_entry::Column::ActiveMarket.eq(filter.market.clone()));
    let mut cond = Condition::all()
        .add(creator::Column::MarketCode.eq(filter.market.clone()))
        .add(creator::Column::Id.not_in_subquery(open.into_query()));
    if let Some(lo) = filter.followers.min {
        cond = cond.add(creator::Column::Followers.gte(lo));
    }
    if let Some(hi) = filter.followers.max {
        cond = cond.add(creator::Column::Followers.lte(hi));
    }
    if let Some(niche) = filter.niche_id {
        cond = cond.add(in_niche(niche));
    }
    let candidates = creator::Entity::find().filter(cond.clone()).all(db).await?;
    let ids = || {
        creator::Entity::find()
            .select_only()
            .column(creator::Column::Id)
            .filter(cond.clone())
            .into_query()
    };
    let content_scores: HashMap<i64, f64> = creator_content_score::Entity::find()
        .filter(creator_content_score::Column::CreatorId.in_subquery(ids()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.creator_id, s.score))
        .collect();
    // Raw engagement only counts until the content model has scored a creator, so it is
    // summed over the content of the unscored ones only (the sums read every piece's row).
    let scored = creator_content_score::Entity::find()
        .select_only()
        .column(creator_content_score::Column::CreatorId)
        .into_query();
    let sum = |e: Expr| Func::cast_as(Func::sum(e), Alias::new("BIGINT"));
    let totals: HashMap<i64, [i64; 4]> = content::Entity::find()
        .select_only()
        .column(content::Column::CreatorId)
        .expr(sum(Expr::col(content::Column::Views)))
        .expr(sum(Expr::col(content::Column::Likes)))
        .expr(sum(Expr::col(content::Column::Comments)))
        .expr(sum(Expr::col(content::Column::Shares)))
        .filter(content::Column::CreatorId.in_subquery(ids()))
        .filter(content::Column::CreatorId.not_in_subquery(scored))
        .group_by(content::Column::CreatorId)
        .into_tuple::<(i64, i64, i64, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, views, likes, comments, shares)| (id, [views, likes, comments, shares]))
        .collect();
    // COUNT(*), not COUNT(id): the (creator_id, placed_at) index answers it alone.
    let orders: HashMap<i64, i64> = order::Entity::find()
        .select_only()
        .column(order::Column::CreatorId)
        .expr(Func::cast_as(
            Func::count(Expr::col(sea_orm::sea_query::Asterisk)),
            Alias::new("BIGINT"),
        ))
        .filter(order::Column::CreatorId.in_subquery(ids()))
        .group_by(order::Column::CreatorId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let ltv_ranks = ltv_ranks(db, &filter.market).await?;

    let mut ranked: Vec<(
        creator::Model,
        scoring::pipeline::ProspectScore,
        i64,
        String,
    )> = candidates
        .into_iter()
        .map(|c| {
            let [views, likes, comments, shares] = totals.get(&c.id).copied().unwrap_or_default();
            let attributed = orders.get(&c.id).copied().unwrap_or_default();
            let signals = ProspectSignals {
                followers: c.followers,
                ecommerce_capable: c.ecommerce_capable,
                views,
                likes,
                comments,
                shares,
                orders: attributed,
                content_score: content_scores.get(&c.id).copied(),
                ltv_rank: ltv_ranks.get(&c.id).copied(),
            };
            let score = prospect_score(&signals);
            (c, score, attributed, score.explain(&signals))
        })
        .collect();
    ranked.sort_by(|(a, sa, ..), (b, sb, ..)| sb.score.total_cmp(&sa.score).then(a.id.cmp(&b.id)));
    Ok(ranked
        .into_iter()
        .map(|(c, s, attributed, why)| ProspectSuggestion {
            creator: Creator(c),
            score: s.score,
            reach: s.reach,
            engagement: s.engagement,
            sales: s.sales,
            ecommerce: s.ecommerce,
            attributed_orders: attributed,
            why,
        })
        .collect())
}
