//! Flywheel's SeaORM entities: one module per table, no logic.
//!
//! Ids are 64-bit surrogate keys; every ingestable row also has the client's `external_id`
//! (unique) so ingest is idempotent. Timestamps are UTC, set in Rust, stored as
//! `timestamp with time zone`. Money is an integer of minor units plus a currency code.

pub mod enums;

pub mod applied_event;
pub mod brand;
pub mod brand_market;
pub mod brand_niche;
pub mod collaboration;
pub mod content;
pub mod content_product;
pub mod content_score;
pub mod creator;
pub mod creator_content_score;
pub mod creator_ltv;
pub mod creator_niche;
pub mod creator_selling_day;
pub mod ltv_market_model;
pub mod market;
pub mod niche;
pub mod order;
pub mod pipeline_entry;
pub mod pipeline_event;
pub mod product;
pub mod scout;
pub mod scout_market;
pub mod shop;
pub mod shop_daily;
pub mod shop_rating;
pub mod shop_rating_evaluation;
pub mod violation;
