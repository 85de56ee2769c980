//! Flywheel's schema migrations. Each migration is one file and runs unchanged on SQLite and
//! PostgreSQL: only portable column types, no partial indexes, timestamps as
//! `timestamp with time zone` (text on SQLite).

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261125_000001_marketplace;
mod m20261125_000002_shop_rating;
mod m20261125_000003_content_score;
mod m20261125_000004_ltv;
mod m20261203_000001_ltv_holdout_ratio;

/// Applies Flywheel's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_marketplace::Migration),
            Box::new(m20261125_000002_shop_rating::Migration),
            Box::new(m20261125_000003_content_score::Migration),
            Box::new(m20261125_000004_ltv::Migration),
            Box::new(m20261203_000001_ltv_holdout_ratio::Migration),
        ]
    }
}
