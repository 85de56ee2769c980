//! Creator lifetime value: the per-creator-per-day sales the models read (kept on ingest), the
//! fitted model of every market, and every creator's stored prediction.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A day number: days since 1970-01-01 (UTC).
fn day(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().take()
}

/// A JSON document stored as text (portable; read and written only by the API).
fn json(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().take()
}

fn tables() -> Tables {
    let mut selling_day = Table::create();
    selling_day
        .table("creator_selling_day")
        .col(reference("creator_id"))
        .col(day("day"))
        .col(count("orders"))
        .col(count("gmv_minor"))
        .primary_key(&mut primary_key(&["creator_id", "day"]))
        .foreign_key(&mut foreign_key(
            "creator_selling_day",
            "creator_id",
            "creator",
            "id",
        ));

    let mut model = Table::create();
    model
        .table("ltv_market_model")
        .col(code("market_code").primary_key().take())
        .col(code("currency"))
        .col(code("kind"))
        .col(real("r"))
        .col(real("alpha"))
        .col(real("a"))
        .col(real("b"))
        .col(real("p"))
        .col(real("q"))
        .col(real("v"))
        .col(real("count_log_likelihood"))
        .col(real("spend_log_likelihood"))
        .col(count("creators"))
        .col(count("repeat_creators"))
        .col(flag("converged"))
        .col(flag("borrowed_from_global"))
        .col(real("mean_day_value_minor"))
        .col(json("count_fit"))
        .col(json("spend_fit"))
        .col(json("calibration"))
        .col(day("as_of"))
        .col(at("fitted_at"))
        .foreign_key(&mut foreign_key(
            "ltv_market_model",
            "market_code",
            "market",
            "code",
        ));

    let mut prediction = Table::create();
    prediction
        .table("creator_ltv")
        .col(reference("creator_id").primary_key().take())
        .col(code("market_code"))
        .col(real("p_active"))
        .col(real("expected_selling_days"))
        .col(real("expected_orders"))
        .col(count("expected_gmv_minor"))
        .col(count("ltv_minor"))
        .col(optional_count("ltv_low_minor"))
        .col(optional_count("ltv_high_minor"))
        .col(code("currency"))
        .col(day("as_of"))
        .foreign_key(&mut foreign_key(
            "creator_ltv",
            "creator_id",
            "creator",
            "id",
        ))
        .foreign_key(&mut foreign_key(
            "creator_ltv",
            "market_code",
            "ltv_market_model",
            "market_code",
        ));

    vec![
        (selling_day.if_not_exists().take(), vec![]),
        (model.if_not_exists().take(), vec![]),
        (
            prediction.if_not_exists().take(),
            vec![index(
                "creator_ltv",
                &["market_code", "ltv_minor", "creator_id"],
            )],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}
