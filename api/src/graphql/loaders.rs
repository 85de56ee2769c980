//! DataLoaders: every relation resolved per row goes through one of these, so a page of N rows
//! costs one query per relation, not N.

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

/// Loads one row per key from `column IN (keys)`.
pub struct One<E: EntityTrait, K> {
    db: DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
}

/// Loads all rows per key from `column IN (keys)`.
pub struct Many<E: EntityTrait, K> {
    db: DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
}

/// The loader's error: the database's, shared between the waiting fields.
pub type LoadError = Arc<sea_orm::DbErr>;

async fn fetch<E, K>(
    db: &DatabaseConnection,
    column: E::Column,
    keys: &[K],
) -> Result<Vec<E::Model>, LoadError>
where
    E: EntityTrait,
    K: Clone + Into<sea_orm::Value>,
{
    E::find()
        .filter(column.is_in(keys.iter().cloned()))
        .all(db)
        .await
        .map_err(Arc::new)
}

impl<E, K> Loader<K> for One<E, K>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync,
    K: Clone + Eq + Hash + Send + Sync + Into<sea_orm::Value> + 'static,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, E::Model>, LoadError> {
        let rows = fetch::<E, K>(&self.db, self.column, keys).await?;
        Ok(rows
            .into_iter()
            .map(|row| ((self.key)(&row), row))
            .collect())
    }
}

impl<E, K> Loader<K> for Many<E, K>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync,
    K: Clone + Eq + Hash + Send + Sync + Into<sea_orm::Value> + 'static,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Vec<E::Model>>, LoadError> {
        let mut out: HashMap<K, Vec<E::Model>> = HashMap::new();
        for row in fetch::<E, K>(&self.db, self.column, keys).await? {
            out.entry((self.key)(&row)).or_default().push(row);
        }
        Ok(out)
    }
}

/// A loader of one row per key.
pub fn one<E: EntityTrait, K>(
    db: &DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
    window: Duration,
) -> DataLoader<One<E, K>>
where
    One<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    DataLoader::new(
        One {
            db: db.clone(),
            column,
            key,
        },
        tokio::spawn,
    )
    .delay(window)
}

/// A loader of every row per key.
pub fn many<E: EntityTrait, K>(
    db: &DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
    window: Duration,
) -> DataLoader<Many<E, K>>
where
    Many<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    DataLoader::new(
        Many {
            db: db.clone(),
            column,
            key,
        },
        tokio::spawn,
    )
    .delay(window)
}
