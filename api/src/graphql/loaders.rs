//! DataLoaders: every relation resolved per row goes through one of these, so a page of N rows
//! costs one query per relation, not N.

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Related};
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
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

/// Loads all rows per key from `column IN (keys)`, each with the `R` row it refers to, in one
/// joined statement (a link table and its target: one batch where two would wait in turn).
pub struct ManyWith<E: EntityTrait, R, K> {
    db: DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
    related: PhantomData<fn() -> R>,
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

impl<E, R, K> Loader<K> for ManyWith<E, R, K>
where
    E: EntityTrait + Related<R>,
    R: EntityTrait,
    E::Model: Clone + Send + Sync,
    R::Model: Clone + Send + Sync,
    K: Clone + Eq + Hash + Send + Sync + Into<sea_orm::Value> + 'static,
{
    type Value = Vec<(E::Model, R::Model)>;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, LoadError> {
        let rows = E::find()
            .find_also_related(R::default())
            .filter(self.column.is_in(keys.iter().cloned()))
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<K, Self::Value> = HashMap::new();
        for (row, target) in rows {
            // The foreign key guarantees the target; a missing one is a broken database.
            let target = target.ok_or_else(|| {
                Arc::new(sea_orm::DbErr::RecordNotFound(format!(
                    "{} row without its {}",
                    E::default().table_name(),
                    R::default().table_name()
                )))
            })?;
            out.entry((self.key)(&row)).or_default().push((row, target));
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

/// A loader of every row per key with the row each one refers to. It keeps what it loaded for
/// the request, so a list resolver can load a whole page's rows up front
/// ([`super::context::prime_all_with`]) and the per-row fields find them there.
pub fn many_with<E: EntityTrait, R, K>(
    db: &DatabaseConnection,
    column: E::Column,
    key: fn(&E::Model) -> K,
    window: Duration,
) -> DataLoader<ManyWith<E, R, K>, HashMapCache>
where
    ManyWith<E, R, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    DataLoader::with_cache(
        ManyWith {
            db: db.clone(),
            column,
            key,
            related: PhantomData,
        },
        tokio::spawn,
        HashMapCache::default(),
    )
    .delay(window)
}
