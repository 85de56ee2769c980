//! The marketplace model: markets, niches, creators, brands, shops, products, content, orders,
//! collaborations, violations, scouts and their pipelines, and the ingest ledger.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The client-supplied id that makes ingest idempotent.
fn external_id() -> ColumnDef {
    text("external_id").unique_key().take()
}

/// Every table, in dependency order, with its indexes.
fn tables() -> Tables {
    let mut out = Vec::new();
    let mut add = |t: &mut TableCreateStatement, ix: Vec<IndexCreateStatement>| {
        out.push((t.if_not_exists().take(), ix))
    };

    add(
        Table::create()
            .table("market")
            .col(
                ColumnDef::new("code")
                    .string_len(16)
                    .not_null()
                    .primary_key(),
            )
            .col(text("name"))
            .col(code("currency"))
            .col(text("time_zone")),
        vec![],
    );
    add(
        Table::create()
            .table("niche")
            .col(id())
            .col(text("slug").unique_key())
            .col(text("name"))
            .col(optional_reference("parent_id"))
            .foreign_key(&mut foreign_key("niche", "parent_id", "niche", "id")),
        vec![index("niche", &["parent_id"])],
    );
    add(
        Table::create()
            .table("creator")
            .col(id())
            .col(external_id())
            .col(code("market_code"))
            .col(text("handle").unique_key())
            .col(text("display_name"))
            .col(count("followers"))
            .col(real("account_weight"))
            .col(flag("ecommerce_capable"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("creator", "market_code", "market", "code")),
        vec![
            index("creator", &["market_code", "id"]),
            index("creator", &["market_code", "followers"]),
            index("creator", &["followers"]),
        ],
    );
    add(
        Table::create()
            .table("creator_niche")
            .col(reference("creator_id"))
            .col(reference("niche_id"))
            .col(real("share"))
            .primary_key(&mut primary_key(&["creator_id", "niche_id"]))
            .foreign_key(&mut foreign_key(
                "creator_niche",
                "creator_id",
                "creator",
                "id",
            ))
            .foreign_key(&mut foreign_key("creator_niche", "niche_id", "niche", "id")),
        vec![index("creator_niche", &["niche_id", "creator_id"])],
    );
    add(
        Table::create()
            .table("brand")
            .col(id())
            .col(external_id())
            .col(text("name"))
            .col(at("created_at"))
            .col(at("updated_at")),
        vec![],
    );
    add(
        Table::create()
            .table("brand_market")
            .col(reference("brand_id"))
            .col(code("market_code"))
            .primary_key(&mut primary_key(&["brand_id", "market_code"]))
            .foreign_key(&mut foreign_key("brand_market", "brand_id", "brand", "id"))
            .foreign_key(&mut foreign_key(
                "brand_market",
                "market_code",
                "market",
                "code",
            )),
        vec![index("brand_market", &["market_code", "brand_id"])],
    );
    add(
        Table::create()
            .table("brand_niche")
            .col(reference("brand_id"))
            .col(reference("niche_id"))
            .col(real("weight"))
            .primary_key(&mut primary_key(&["brand_id", "niche_id"]))
            .foreign_key(&mut foreign_key("brand_niche", "brand_id", "brand", "id"))
            .foreign_key(&mut foreign_key("brand_niche", "niche_id", "niche", "id")),
        vec![index("brand_niche", &["niche_id", "brand_id"])],
    );
    add(
        Table::create()
            .table("shop")
            .col(id())
            .col(external_id())
            .col(code("market_code"))
            .col(optional_reference("brand_id"))
            .col(text("name"))
            .col(at("opened_at"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("shop", "market_code", "market", "code"))
            .foreign_key(&mut foreign_key("shop", "brand_id", "brand", "id")),
        vec![
            index("shop", &["market_code", "id"]),
            index("shop", &["brand_id"]),
        ],
    );
    add(
        Table::create()
            .table("product")
            .col(id())
            .col(external_id())
            .col(reference("shop_id"))
            .col(reference("niche_id"))
            .col(text("title"))
            .col(count("price_minor"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("product", "shop_id", "shop", "id"))
            .foreign_key(&mut foreign_key("product", "niche_id", "niche", "id")),
        vec![
            index("product", &["shop_id"]),
            index("product", &["niche_id"]),
        ],
    );
    add(
        Table::create()
            .table("content")
            .col(id())
            .col(external_id())
            .col(reference("creator_id"))
            .col(code("kind"))
            .col(reference("niche_id"))
            .col(text("title"))
            .col(code("value_grade"))
            .col(at("published_at"))
            .col(count("impressions"))
            .col(count("views"))
            .col(count("completions"))
            .col(
                ColumnDef::new("avg_watch_seconds")
                    .double()
                    .not_null()
                    .default(0.0),
            )
            .col(count("likes"))
            .col(count("comments"))
            .col(count("shares"))
            .col(optional_count("live_duration_seconds"))
            .col(optional_real("live_avg_viewers"))
            .col(optional_count("live_peak_viewers"))
            .col(optional_count("live_orders"))
            .col(optional_at("metrics_at"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("content", "creator_id", "creator", "id"))
            .foreign_key(&mut foreign_key("content", "niche_id", "niche", "id")),
        vec![
            index("content", &["creator_id", "published_at"]),
            index("content", &["niche_id", "published_at"]),
        ],
    );
    add(
        Table::create()
            .table("content_product")
            .col(reference("content_id"))
            .col(reference("product_id"))
            .primary_key(&mut primary_key(&["content_id", "product_id"]))
            .foreign_key(&mut foreign_key(
                "content_product",
                "content_id",
                "content",
                "id",
            ))
            .foreign_key(&mut foreign_key(
                "content_product",
                "product_id",
                "product",
                "id",
            )),
        vec![index("content_product", &["product_id", "content_id"])],
    );
    add(
        Table::create()
            .table("orders")
            .col(id())
            .col(external_id())
            .col(reference("shop_id"))
            .col(reference("product_id"))
            .col(optional_reference("creator_id"))
            .col(optional_reference("content_id"))
            .col(ColumnDef::new("quantity").integer().not_null().default(1))
            .col(count("amount_minor"))
            .col(code("currency"))
            .col(at("placed_at"))
            .col(at("ship_by"))
            .col(optional_at("shipped_at"))
            .col(optional_flag("tracking_valid"))
            .col(optional_at("deliver_by"))
            .col(optional_at("delivered_at"))
            .col(optional_code("late_fault"))
            .col(optional_at("cancelled_at"))
            .col(optional_text("cancel_reason"))
            .col(optional_code("cancel_fault"))
            .col(optional_at("returned_at"))
            .col(optional_text("return_reason"))
            .col(optional_code("return_fault"))
            .col(ColumnDef::new("review_stars").small_integer().null())
            .col(optional_at("reviewed_at"))
            .col(
                ColumnDef::new("review_logistics_only")
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("orders", "shop_id", "shop", "id"))
            .foreign_key(&mut foreign_key("orders", "product_id", "product", "id"))
            .foreign_key(&mut foreign_key("orders", "creator_id", "creator", "id"))
            .foreign_key(&mut foreign_key("orders", "content_id", "content", "id")),
        vec![
            index("orders", &["shop_id", "placed_at"]),
            index("orders", &["creator_id", "placed_at"]),
            index("orders", &["content_id"]),
            index("orders", &["product_id"]),
        ],
    );
    add(
        Table::create()
            .table("collaboration")
            .col(id())
            .col(external_id())
            .col(reference("brand_id"))
            .col(reference("creator_id"))
            .col(code("status"))
            .col(at("started_at"))
            .col(optional_at("ended_at"))
            .col(count("gmv_minor"))
            .col(code("currency"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("collaboration", "brand_id", "brand", "id"))
            .foreign_key(&mut foreign_key(
                "collaboration",
                "creator_id",
                "creator",
                "id",
            )),
        vec![
            index("collaboration", &["brand_id", "id"]),
            index("collaboration", &["creator_id", "brand_id"]),
        ],
    );
    add(
        Table::create()
            .table("violation")
            .col(id())
            .col(external_id())
            .col(code("subject_kind"))
            .col(optional_reference("content_id"))
            .col(optional_reference("creator_id"))
            .col(optional_reference("shop_id"))
            .col(code("severity"))
            .col(flag("upheld"))
            .col(text("reason"))
            .col(at("occurred_at"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key("violation", "content_id", "content", "id"))
            .foreign_key(&mut foreign_key("violation", "creator_id", "creator", "id"))
            .foreign_key(&mut foreign_key("violation", "shop_id", "shop", "id")),
        vec![
            index("violation", &["content_id"]),
            index("violation", &["creator_id", "occurred_at"]),
            index("violation", &["shop_id", "occurred_at"]),
        ],
    );
    add(
        Table::create()
            .table("scout")
            .col(id())
            .col(external_id())
            .col(text("name"))
            .col(at("created_at")),
        vec![],
    );
    add(
        Table::create()
            .table("scout_market")
            .col(reference("scout_id"))
            .col(code("market_code"))
            .primary_key(&mut primary_key(&["scout_id", "market_code"]))
            .foreign_key(&mut foreign_key("scout_market", "scout_id", "scout", "id"))
            .foreign_key(&mut foreign_key(
                "scout_market",
                "market_code",
                "market",
                "code",
            )),
        vec![index("scout_market", &["market_code", "scout_id"])],
    );
    add(
        Table::create()
            .table("pipeline_entry")
            .col(id())
            .col(reference("creator_id"))
            .col(code("market_code"))
            .col(reference("scout_id"))
            .col(code("state"))
            .col(optional_code("active_market"))
            .col(optional_flag("ecommerce_capable"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut foreign_key(
                "pipeline_entry",
                "creator_id",
                "creator",
                "id",
            ))
            .foreign_key(&mut foreign_key(
                "pipeline_entry",
                "market_code",
                "market",
                "code",
            ))
            .foreign_key(&mut foreign_key(
                "pipeline_entry",
                "scout_id",
                "scout",
                "id",
            )),
        vec![
            index("pipeline_entry", &["creator_id", "active_market"])
                .unique()
                .take(),
            index("pipeline_entry", &["market_code", "state"]),
            index("pipeline_entry", &["scout_id", "state"]),
        ],
    );
    add(
        Table::create()
            .table("pipeline_event")
            .col(id())
            .col(reference("entry_id"))
            .col(optional_code("from_state"))
            .col(code("to_state"))
            .col(text("actor"))
            .col(text("reason"))
            .col(optional_text("note"))
            .col(at("at"))
            .foreign_key(&mut foreign_key(
                "pipeline_event",
                "entry_id",
                "pipeline_entry",
                "id",
            )),
        vec![index("pipeline_event", &["entry_id", "at"])],
    );
    add(
        Table::create()
            .table("applied_event")
            .col(code("kind"))
            .col(text("external_id"))
            .col(at("applied_at"))
            .primary_key(&mut primary_key(&["kind", "external_id"])),
        vec![],
    );
    out
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
