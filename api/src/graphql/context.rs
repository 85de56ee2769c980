//! What every resolver reads from the request: the database and the per-request loaders.

use super::loaders::{Many, ManyWith, One, many, many_with, one};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Request};
use entities::*;
use sea_orm::DatabaseConnection;
use std::hash::Hash;
use std::time::Duration;

/// The database handle of a resolver.
pub fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Adds a fresh set of loaders to a request. Each loader waits `window` after the first key
/// for the other rows of a page to ask, then loads them all in one statement.
pub fn with_loaders(request: Request, db: &DatabaseConnection, window: Duration) -> Request {
    use creator_niche::Column as CreatorNiche;
    request
        .data(one::<market::Entity, _>(
            db,
            market::Column::Code,
            |m| m.code.clone(),
            window,
        ))
        .data(one::<niche::Entity, _>(
            db,
            niche::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<creator::Entity, _>(
            db,
            creator::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<brand::Entity, _>(
            db,
            brand::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<shop::Entity, _>(
            db,
            shop::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<product::Entity, _>(
            db,
            product::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<content::Entity, _>(
            db,
            content::Column::Id,
            |m| m.id,
            window,
        ))
        .data(one::<content_score::Entity, _>(
            db,
            content_score::Column::ContentId,
            |m| m.content_id,
            window,
        ))
        .data(one::<creator_content_score::Entity, _>(
            db,
            creator_content_score::Column::CreatorId,
            |m| m.creator_id,
            window,
        ))
        .data(one::<shop_rating::Entity, _>(
            db,
            shop_rating::Column::ShopId,
            |m| m.shop_id,
            window,
        ))
        .data(one::<creator_ltv::Entity, _>(
            db,
            creator_ltv::Column::CreatorId,
            |m| m.creator_id,
            window,
        ))
        .data(one::<ltv_market_model::Entity, _>(
            db,
            ltv_market_model::Column::MarketCode,
            |m| m.market_code.clone(),
            window,
        ))
        .data(super::ltv::history_loader(db, window))
        .data(many_with::<creator_niche::Entity, niche::Entity, _>(
            db,
            CreatorNiche::CreatorId,
            |m| m.creator_id,
            window,
        ))
        .data(many_with::<brand_niche::Entity, niche::Entity, _>(
            db,
            brand_niche::Column::BrandId,
            |m| m.brand_id,
            window,
        ))
        .data(many::<brand_market::Entity, _>(
            db,
            brand_market::Column::BrandId,
            |m| m.brand_id,
            window,
        ))
        .data(one::<scout::Entity, _>(
            db,
            scout::Column::Id,
            |m| m.id,
            window,
        ))
        .data(many::<scout_market::Entity, _>(
            db,
            scout_market::Column::ScoutId,
            |m| m.scout_id,
            window,
        ))
        .data(many::<pipeline_event::Entity, _>(
            db,
            pipeline_event::Column::EntryId,
            |m| m.entry_id,
            window,
        ))
        .data(many::<content_product::Entity, _>(
            db,
            content_product::Column::ContentId,
            |m| m.content_id,
            window,
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

/// Loads the rows for many keys at once (one batch with every other row's keys), in key order,
/// failing on a dangling key.
pub async fn load_each<E, K>(
    ctx: &Context<'_>,
    keys: Vec<K>,
) -> async_graphql::Result<Vec<E::Model>>
where
    E: sea_orm::EntityTrait,
    One<E, K>: Loader<K, Value = E::Model, Error = super::loaders::LoadError>,
    K: Send + Sync + Hash + Eq + Clone + std::fmt::Display + 'static,
{
    let loader = ctx.data_unchecked::<DataLoader<One<E, K>>>();
    let mut found = loader
        .load_many(keys.iter().cloned())
        .await
        .map_err(internal)?;
    keys.iter()
        .map(|k| {
            found.remove(k).ok_or_else(|| {
                crate::error::ApiError::invariant(format!("dangling reference to {k}")).into()
            })
        })
        .collect()
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

/// The request's loader of `E` rows with the `R` row each refers to.
type WithLoader<E, R> = DataLoader<ManyWith<E, R, i64>, HashMapCache>;

/// Loads every row for a key, each with the row it refers to, through the request's loader.
pub async fn load_all_with<E, R>(
    ctx: &Context<'_>,
    key: i64,
) -> async_graphql::Result<Vec<(E::Model, R::Model)>>
where
    E: sea_orm::EntityTrait,
    R: sea_orm::EntityTrait,
    ManyWith<E, R, i64>:
        Loader<i64, Value = Vec<(E::Model, R::Model)>, Error = super::loaders::LoadError>,
{
    let loader = ctx.data_unchecked::<WithLoader<E, R>>();
    Ok(loader
        .load_one(key)
        .await
        .map_err(internal)?
        .unwrap_or_default())
}

/// Loads the rows of every key of a page in one statement and hands them to the request's
/// loader, so the page's per-row fields are answered without waiting for a batch to form.
pub async fn prime_all_with<E, R>(ctx: &Context<'_>, keys: Vec<i64>) -> async_graphql::Result<()>
where
    E: sea_orm::EntityTrait,
    R: sea_orm::EntityTrait,
    ManyWith<E, R, i64>:
        Loader<i64, Value = Vec<(E::Model, R::Model)>, Error = super::loaders::LoadError>,
{
    if keys.is_empty() {
        return Ok(());
    }
    let loader = ctx.data_unchecked::<WithLoader<E, R>>();
    let mut found = loader.loader().load(&keys).await.map_err(internal)?;
    let rows: Vec<_> = keys
        .into_iter()
        .map(|k| {
            let rows = found.remove(&k).unwrap_or_default();
            (k, rows)
        })
        .collect();
    loader.feed_many(rows).await;
    Ok(())
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
        crate::error::ApiError::invariant(format!("dangling reference to {shown}")).into()
    })
}

fn internal(err: super::loaders::LoadError) -> async_graphql::Error {
    crate::error::ApiError::from((*err).clone()).into()
}
