//! What every resolver reads from the request: the database and the per-request loaders.

use super::loaders::{Many, One, many, one};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Request};
use entities::*;
use sea_orm::DatabaseConnection;
use std::hash::Hash;

/// The database handle of a resolver.
pub fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Adds a fresh set of loaders to a request: their caches live exactly as long as it.
pub fn with_loaders(request: Request, db: &DatabaseConnection) -> Request {
    request
        .data(one::<market::Entity, String>(
            db,
            market::Column::Code,
            |m| m.code.clone(),
        ))
        .data(one::<niche::Entity, i64>(db, niche::Column::Id, |m| m.id))
        .data(one::<creator::Entity, i64>(db, creator::Column::Id, |m| {
            m.id
        }))
        .data(one::<brand::Entity, i64>(db, brand::Column::Id, |m| m.id))
        .data(one::<shop::Entity, i64>(db, shop::Column::Id, |m| m.id))
        .data(one::<product::Entity, i64>(db, product::Column::Id, |m| {
            m.id
        }))
        .data(one::<content::Entity, i64>(db, content::Column::Id, |m| {
            m.id
        }))
        .data(one::<shop_rating::Entity, i64>(
            db,
            shop_rating::Column::ShopId,
            |m| m.shop_id,
        ))
        .data(many::<creator_niche::Entity, i64>(
            db,
            creator_niche::Column::CreatorId,
            |m| m.creator_id,
        ))
        .data(many::<brand_niche::Entity, i64>(
            db,
            brand_niche::Column::BrandId,
            |m| m.brand_id,
        ))
        .data(many::<brand_market::Entity, i64>(
            db,
            brand_market::Column::BrandId,
            |m| m.brand_id,
        ))
        .data(many::<content_product::Entity, i64>(
            db,
            content_product::Column::ContentId,
            |m| m.content_id,
        ))
}

/// Loads one row by key through the request's loader; `None` when it does not exist.
pub async fn load<E, K>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<E::Model>>
where
    E: sea_orm::EntityTrait,
    One<E, K>: Loader<K, Value = E::Model, Error = super::loaders::LoadError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let loader = ctx.data_unchecked::<DataLoader<One<E, K>>>();
    loader.load_one(key).await.map_err(internal)
}

/// Loads every row for a key through the request's loader.
pub async fn load_all<E>(ctx: &Context<'_>, key: i64) -> async_graphql::Result<Vec<E::Model>>
where
    E: sea_orm::EntityTrait,
    Many<E, i64>: Loader<i64, Value = Vec<E::Model>, Error = super::loaders::LoadError>,
{
    let loader = ctx.data_unchecked::<DataLoader<Many<E, i64>>>();
    Ok(loader
        .load_one(key)
        .await
        .map_err(internal)?
        .unwrap_or_default())
}

/// Loads a row that a foreign key guarantees exists.
pub async fn load_required<E, K>(ctx: &Context<'_>, key: K) -> async_graphql::Result<E::Model>
where
    E: sea_orm::EntityTrait,
    One<E, K>: Loader<K, Value = E::Model, Error = super::loaders::LoadError>,
    K: Send + Sync + Hash + Eq + Clone + std::fmt::Display + 'static,
{
    let shown = key.to_string();
    load::<E, K>(ctx, key).await?.ok_or_else(|| {
        crate::error::ApiError::Internal(format!("dangling reference to {shown}")).into()
    })
}

fn internal(err: super::loaders::LoadError) -> async_graphql::Error {
    crate::error::ApiError::from((*err).clone()).into()
}
