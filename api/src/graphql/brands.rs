//! Brands: each brand sees its own; admins see all.

use super::collaborations::Collaboration;
use super::context::{db, load_all, load_all_with, load_each};
use super::key::Key;
use super::markets::{Market, Niche};
use super::pagination::{Page, keyset};
use super::scalars::id;
use crate::auth::{Policy, caller};
use crate::error::ApiError;
use async_graphql::{Context, Description, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{brand, brand_market, brand_niche, collaboration, market, niche};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

/// A brand: sells through shops and works with creators.
#[derive(Description)]
pub struct Brand(pub brand::Model);

/// One of a brand's niches and its weight in the brand's catalogue.
#[derive(SimpleObject)]
pub struct BrandNiche {
    /// The niche.
    pub niche: Niche,
    /// Its weight in the brand's catalogue, in (0, 1]; a brand's weights add up to at most 1.
    pub weight: f64,
}

#[Object(use_type_description)]
impl Brand {
    /// The brand's id in Flywheel: what `brand(id:)` takes (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the brand, as sent to `upsertBrands`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The brand's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When Flywheel first stored the brand.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The markets the brand sells in.
    async fn markets(&self, ctx: &Context<'_>) -> Result<Vec<Market>> {
        let links = load_all::<brand_market::Entity>(ctx, self.0.id).await?;
        let codes = links.into_iter().map(|l| l.market_code).collect();
        let markets = load_each::<market::Entity, String>(ctx, codes).await?;
        Ok(markets.into_iter().map(Market::from).collect())
    }
    /// The brand's niches, heaviest first.
    async fn niches(&self, ctx: &Context<'_>) -> Result<Vec<BrandNiche>> {
        let mut links = load_all_with::<brand_niche::Entity, niche::Entity>(ctx, self.0.id).await?;
        links.sort_by(|(a, _), (b, _)| {
            b.weight
                .total_cmp(&a.weight)
                .then(a.niche_id.cmp(&b.niche_id))
        });
        Ok(links
            .into_iter()
            .map(|(link, niche)| BrandNiche {
                niche: niche.into(),
                weight: link.weight,
            })
            .collect())
    }
    /// The brand's collaborations, oldest first: the brand itself and admins only.
    async fn collaborations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Collaboration>> {
        caller(ctx)?.require_brand(self.0.id)?;
        let select =
            collaboration::Entity::find().filter(collaboration::Column::BrandId.eq(self.0.id));
        Ok(keyset(
            db(ctx),
            select,
            collaboration::Column::Id,
            first,
            after,
            |c| c.id,
            Collaboration,
        )
        .await?)
    }
    /// Creators closest to the brand in the marketplace graph, ranked, filtered and explained:
    /// the brand itself and admins only.
    #[graphql(guard = "Policy::BrandTools")]
    async fn creator_matches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Which creators may match; when omitted, any the brand has not worked with yet."
        )]
        filter: Option<super::matching::MatchFilter>,
    ) -> Result<super::matching::MatchConnection> {
        super::matching::creator_matches(ctx, self.0.id, first, after, filter).await
    }
}

/// Which brands to list.
#[derive(InputObject, Default)]
pub struct BrandFilter {
    /// Brands selling in this market: its upper-case code, e.g. `US`.
    pub market: Option<String>,
}

/// Brand queries.
#[derive(Default)]
pub struct BrandQuery;

#[Object]
impl BrandQuery {
    /// One brand by `id` or by `externalId` (exactly one): a brand only itself.
    #[graphql(guard = "Policy::BrandTools")]
    async fn brand(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The brand's `id`, as reads return it; give this or `externalId`, not both."
        )]
        id: Option<ID>,
        #[graphql(
            desc = "The client's key for the brand, as sent to `upsertBrands`; give this or `id`, not both."
        )]
        external_id: Option<String>,
    ) -> Result<Brand> {
        let key = Key::of(id, external_id)?;
        let row = key
            .find::<brand::Entity>(ctx, brand::Column::ExternalId)
            .await?;
        if caller(ctx)?
            .require_brand(row.as_ref().map_or(i64::MIN, |r| r.id))
            .is_err()
        {
            return Err(ApiError::Forbidden(format!("brand {key} is not yours")).into());
        }
        Ok(Brand(row.ok_or_else(|| key.not_found("brand"))?))
    }

    /// Every brand, by id (admins).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn brands(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Which brands to list; all when omitted.")] filter: Option<BrandFilter>,
    ) -> Result<Page<Brand>> {
        let mut select = brand::Entity::find();
        if let Some(market) = filter.and_then(|f| f.market) {
            let in_market = brand_market::Entity::find()
                .select_only()
                .column(brand_market::Column::BrandId)
                .filter(brand_market::Column::MarketCode.eq(market));
            select = select.filter(brand::Column::Id.in_subquery(in_market.into_query()));
        }
        Ok(keyset(
            db(ctx),
            select,
            brand::Column::Id,
            first,
            after,
            |b| b.id,
            Brand,
        )
        .await?)
    }
}
