//! A stored LTV prediction keeps the model's measured miss for creators like it (actual over
//! predicted holdout selling days of its frequency bucket), which its interval covers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("creator_ltv")
                    .add_column(crate::columns::optional_real("holdout_ratio"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("creator_ltv")
                    .drop_column("holdout_ratio")
                    .take(),
            )
            .await
    }
}
