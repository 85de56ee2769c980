//! How a root field names its row: by the `id` reads return, or by the `externalId` the
//! client gave it in a batch. Exactly one of the two; either way a refusal or a miss repeats
//! only the key the caller sent, so a row the caller may not read and a missing one look alike.

use super::context::{db, load};
use super::loaders::{LoadError, One};
use super::scalars::parse_id;
use crate::error::ApiError;
use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Result};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A row's key as a root field received it.
#[derive(Debug, Clone)]
pub enum Key {
    Id(i64),
    External(String),
}

impl Key {
    /// Exactly one of `id` and `externalId`.
    pub fn of(id: Option<ID>, external_id: Option<String>) -> Result<Self, ApiError> {
        match (id, external_id) {
            (Some(id), None) => Ok(Key::Id(parse_id("id", &id)?)),
            (None, Some(external)) => Ok(Key::External(external)),
            _ => Err(ApiError::bad("give exactly one of `id` and `externalId`")),
        }
    }

    /// The row, if any: by id through the request's loader, by external id in one query.
    pub async fn find<E>(&self, ctx: &Context<'_>, external: E::Column) -> Result<Option<E::Model>>
    where
        E: EntityTrait,
        One<E, i64>: Loader<i64, Value = E::Model, Error = LoadError>,
    {
        match self {
            Key::Id(id) => load::<E, i64>(ctx, *id).await,
            Key::External(key) => Ok(E::find()
                .filter(external.eq(key.as_str()))
                .one(db(ctx))
                .await
                .map_err(ApiError::from)?),
        }
    }

    /// NOT_FOUND naming the key as sent: `no brand with externalId "br-1"`.
    pub fn not_found(&self, kind: &str) -> ApiError {
        ApiError::NotFound(match self {
            Key::Id(id) => format!("no {kind} with id {id}"),
            Key::External(key) => format!("no {kind} with externalId {key:?}"),
        })
    }
}

/// The key as the caller wrote it: `7` or `"br-1"`.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Id(id) => write!(f, "{id}"),
            Key::External(key) => write!(f, "{key:?}"),
        }
    }
}
