//! Markets and the niche taxonomy: reference data every signed-in caller may read.

use super::context::{db, load};
use crate::auth::Policy;
use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use entities::{market, niche};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// A country market.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Market {
    /// ISO 3166 alpha-2 code, upper case (e.g. `US`): what `market` arguments take.
    pub code: String,
    /// The market's name.
    pub name: String,
    /// ISO 4217 currency of every amount in this market.
    pub currency: String,
    /// IANA time zone.
    pub time_zone: String,
}

impl From<market::Model> for Market {
    fn from(m: market::Model) -> Self {
        Self {
            code: m.code,
            name: m.name,
            currency: m.currency,
            time_zone: m.time_zone,
        }
    }
}

/// A niche: a leaf under a parent category, or a parent category itself.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Niche {
    /// The niche's id: what `niches(parentId:)` and niche filters take.
    pub id: ID,
    /// Stable identifier, e.g. `dog-food`: what ingest names the niche by.
    pub slug: String,
    /// The niche's name.
    pub name: String,
    #[graphql(skip)]
    pub parent_id: Option<i64>,
}

#[ComplexObject]
impl Niche {
    /// The parent category; null for a category.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Niche>> {
        match self.parent_id {
            Some(pid) => Ok(load::<niche::Entity, i64>(ctx, pid).await?.map(Niche::from)),
            None => Ok(None),
        }
    }
}

impl From<niche::Model> for Niche {
    fn from(n: niche::Model) -> Self {
        Self {
            id: super::scalars::id(n.id),
            slug: n.slug,
            name: n.name,
            parent_id: n.parent_id,
        }
    }
}

/// Reference-data queries.
#[derive(Default)]
pub struct MarketQuery;

#[Object]
impl MarketQuery {
    /// Every market, by code.
    #[graphql(guard = "Policy::SignedIn")]
    async fn markets(&self, ctx: &Context<'_>) -> Result<Vec<Market>> {
        let rows = market::Entity::find()
            .order_by_asc(market::Column::Code)
            .all(db(ctx))
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(rows.into_iter().map(Market::from).collect())
    }

    /// One market by code.
    #[graphql(guard = "Policy::SignedIn")]
    async fn market(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The market's code: upper case, e.g. `US`.")] code: String,
    ) -> Result<Market> {
        Ok(load::<market::Entity, String>(ctx, code.clone())
            .await?
            .ok_or_else(|| crate::error::ApiError::NotFound(format!("no market {code}")))?
            .into())
    }

    /// The niche taxonomy: categories when `parentId` is omitted, else that category's leaves.
    #[graphql(guard = "Policy::SignedIn")]
    async fn niches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A category's `id`: list its leaves. Omitted: list the categories.")]
        parent_id: Option<ID>,
    ) -> Result<Vec<Niche>> {
        let filter = match &parent_id {
            Some(pid) => niche::Column::ParentId.eq(super::scalars::parse_id("parentId", pid)?),
            None => niche::Column::ParentId.is_null(),
        };
        let rows = niche::Entity::find()
            .filter(filter)
            .order_by_asc(niche::Column::Name)
            .all(db(ctx))
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(rows.into_iter().map(Niche::from).collect())
    }
}
