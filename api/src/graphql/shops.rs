//! Shops: a shop sees itself, a brand its own shops, admins all.

use super::brands::Brand;
use super::context::{db, load, load_required};
use super::key::Key;
use super::markets::Market;
use super::orders::Order;
use super::pagination::{Page, keyset};
use super::scalars::{id, parse_id};
use crate::auth::{Policy, caller};
use crate::error::ApiError;
use async_graphql::{Context, Description, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entities::{brand, market, order, shop};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

/// A shop: sells products in one market, owned by a brand or independent.
#[derive(Description)]
pub struct Shop(pub shop::Model);

#[Object(use_type_description)]
impl Shop {
    /// The shop's id in Flywheel: what `shop(id:)` takes (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the shop, as sent to `upsertShops`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The shop's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When the shop opened on the marketplace; its age counts toward the S tier.
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
    /// The market the shop sells in; its currency prices the shop's products and orders.
    async fn market(&self, ctx: &Context<'_>) -> Result<Market> {
        Ok(
            load_required::<market::Entity, String>(ctx, self.0.market_code.clone())
                .await?
                .into(),
        )
    }
    /// The owning brand, if any.
    async fn brand(&self, ctx: &Context<'_>) -> Result<Option<Brand>> {
        match self.0.brand_id {
            Some(bid) => Ok(load::<brand::Entity, i64>(ctx, bid).await?.map(Brand)),
            None => Ok(None),
        }
    }
    /// The shop's orders, oldest first.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Order>> {
        caller(ctx)?.require_shop(self.0.id, self.0.brand_id)?;
        let select = order::Entity::find().filter(order::Column::ShopId.eq(self.0.id));
        Ok(keyset(
            db(ctx),
            select,
            order::Column::Id,
            first,
            after,
            |o| o.id,
            Order,
        )
        .await?)
    }
    /// The shop's S/A/B/C rating as of its latest evaluation; null before the first one.
    async fn rating(&self, ctx: &Context<'_>) -> Result<Option<super::ratings::ShopRating>> {
        super::ratings::rating(ctx, &self.0).await
    }
    /// Content score over the recent content selling the shop's products (the creator rule:
    /// trimmed mean, shrunk toward the market mean, minus upheld violations).
    async fn content_score(
        &self,
        ctx: &Context<'_>,
    ) -> Result<super::content_score::AggregateContentScore> {
        super::content_score::shop_content_score(ctx, &self.0).await
    }
    /// Every stored evaluation of the shop's rating, oldest first.
    async fn rating_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<super::ratings::RatingEvaluation>> {
        super::ratings::history(ctx, &self.0, first, after).await
    }
}

/// Which shops to list.
#[derive(InputObject, Default)]
pub struct ShopFilter {
    /// Shops in this market: its upper-case code, e.g. `US`.
    pub market: Option<String>,
    /// Shops owned by this brand (brands always get only their own).
    pub brand_id: Option<ID>,
}

/// Shop queries.
#[derive(Default)]
pub struct ShopQuery;

#[Object]
impl ShopQuery {
    /// One shop by `id` or by `externalId` (exactly one): the shop itself, its owning brand,
    /// or an admin. Anyone else is
    /// refused alike whether the shop exists or not; only admins learn that it does not.
    #[graphql(guard = "Policy::ReadShop")]
    async fn shop(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The shop's `id`, as reads return it; give this or `externalId`, not both."
        )]
        id: Option<ID>,
        #[graphql(
            desc = "The client's key for the shop, as sent to `upsertShops`; give this or `id`, not both."
        )]
        external_id: Option<String>,
    ) -> Result<Shop> {
        let key = Key::of(id, external_id)?;
        let row = key
            .find::<shop::Entity>(ctx, shop::Column::ExternalId)
            .await?;
        let (shop_id, owner) = row
            .as_ref()
            .map_or((i64::MIN, None), |r| (r.id, r.brand_id));
        if caller(ctx)?.require_shop(shop_id, owner).is_err() {
            return Err(ApiError::Forbidden(format!("shop {key} is not yours")).into());
        }
        Ok(Shop(row.ok_or_else(|| key.not_found("shop"))?))
    }

    /// Shops by id: all for admins, a brand's own for brands.
    #[graphql(guard = "Policy::BrandTools")]
    async fn shops(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Which shops to list; all the caller may see when omitted.")]
        filter: Option<ShopFilter>,
    ) -> Result<Page<Shop>> {
        let filter = filter.unwrap_or_default();
        let mut cond = Condition::all();
        let asked = filter
            .brand_id
            .as_ref()
            .map(|b| parse_id("filter.brandId", b))
            .transpose()?;
        if let Some(brand) = caller(ctx)?.brand_scope(asked)? {
            cond = cond.add(shop::Column::BrandId.eq(brand));
        }
        if let Some(market) = filter.market {
            super::named::market(ctx, "filter.market", &market).await?;
            cond = cond.add(shop::Column::MarketCode.eq(market));
        }
        let select = shop::Entity::find().filter(cond);
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
}
