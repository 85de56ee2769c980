//! Shop ratings: daily per-shop order aggregates kept on ingest, the current rating of every
//! shop, and the history of its evaluations (stored, never recomputed to show the past).

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The counters of one day's order cohort, in `scoring::rating::DailyAggregate` order.
const DAILY_COUNTERS: [&str; 12] = [
    "orders",
    "shipped",
    "late_dispatches",
    "seller_fault_cancellations",
    "valid_tracking",
    "delivered",
    "delivered_on_time",
    "handling_hours",
    "seller_fault_returns",
    "first_reviews",
    "negative_first_reviews",
    "first_review_stars",
];

/// A day number: days since 1970-01-01 (UTC), the rating's unit of time.
fn day(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().take()
}

/// A JSON document stored as text (portable; read and written only by the API).
fn json(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().take()
}

/// The three dimension scores and the overall score, shared by the current rating and history.
fn scores(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(real("overall"))
        .col(real("content_score"))
        .col(real("product_score"))
        .col(real("fulfilment_score"))
        .col(json("metrics"))
}

fn tables() -> Tables {
    let mut daily = Table::create();
    daily
        .table("shop_daily")
        .col(reference("shop_id"))
        .col(day("day"));
    for counter in DAILY_COUNTERS {
        daily.col(count(counter));
    }
    daily
        .primary_key(&mut primary_key(&["shop_id", "day"]))
        .foreign_key(&mut foreign_key("shop_daily", "shop_id", "shop", "id"));

    let mut current = Table::create();
    current
        .table("shop_rating")
        .col(reference("shop_id").primary_key().take())
        .col(code("tier"))
        .col(code("projected_tier"))
        .col(flag("restrictions_deferred"))
        .col(json("state"))
        .col(code("kind"))
        .col(day("as_of"))
        .col(text("config_version"));
    scores(&mut current)
        .col(json("explanation"))
        .col(json("improvements"))
        .col(at("updated_at"))
        .foreign_key(&mut foreign_key("shop_rating", "shop_id", "shop", "id"));

    let mut history = Table::create();
    history
        .table("shop_rating_evaluation")
        .col(id())
        .col(reference("shop_id"))
        .col(code("kind"))
        .col(day("as_of"))
        .col(at("evaluated_at"))
        .col(code("tier"))
        .col(code("previous_tier"))
        .col(code("projected_tier"))
        .col(code("qualified_tier"));
    scores(&mut history)
        .col(json("changes"))
        .col(json("reasons"))
        .col(text("config_version"))
        .foreign_key(&mut foreign_key(
            "shop_rating_evaluation",
            "shop_id",
            "shop",
            "id",
        ));

    vec![
        (daily.if_not_exists().take(), vec![]),
        (
            current.if_not_exists().take(),
            vec![index("shop_rating", &["tier", "shop_id"])],
        ),
        (
            history.if_not_exists().take(),
            vec![index("shop_rating_evaluation", &["shop_id", "id"])],
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
