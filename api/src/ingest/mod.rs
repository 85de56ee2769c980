//! Batch ingest: the records the marketplace sends us, validated at the edge and written
//! all-or-nothing in one transaction. Every record carries a client-supplied external id, so a
//! repeated batch creates nothing twice. The GraphQL mutations and `flywheel import` share this
//! code: one input type per record kind serves both.

mod collaborations;
mod content;
mod links;
mod lists;
mod metrics;
mod order_status;
mod orders;
mod parties;
mod reference;
mod reviews;
pub(crate) mod scouts;
mod support;
mod touched;
mod violations;

pub use collaborations::CollaborationInput;
pub use content::ContentInput;
pub use metrics::ContentMetricsInput;
pub use order_status::OrderStatusInput;
pub use orders::OrderInput;
pub use parties::{BrandInput, CreatorInput, ProductInput, ShopInput};
pub use reference::{MarketInput, NicheInput};
pub use reviews::ReviewInput;
pub use support::{BatchOutcome, IngestContext, Kind, MAX_BATCH, check_texts, run};
pub use touched::Touched;
pub use violations::ViolationInput;

/// Declares the record kinds once: their names for files and the dispatch from JSON.
macro_rules! kinds {
    ($($kind:ty),+ $(,)?) => {
        /// Every record kind `flywheel import` understands, by the name used in files.
        pub const KINDS: &[&str] = &[$(<$kind as Kind>::NAME),+];

        /// Applies a batch of CSV rows of the named kind (the import path); `headers` names
        /// the columns after the record's fields.
        pub async fn run_csv(
            db: &sea_orm::DatabaseConnection,
            kind: &str,
            headers: &csv::StringRecord,
            rows: &[csv::StringRecord],
            ctx: &IngestContext,
        ) -> crate::error::ApiResult<BatchOutcome> {
            $(if kind == <$kind as Kind>::NAME {
                return support::run_rows::<$kind>(db, headers, rows, ctx).await;
            })+
            Err(unknown_kind(kind))
        }

        /// Applies a batch of JSON records of the named kind (the import path).
        pub async fn run_json(
            db: &sea_orm::DatabaseConnection,
            kind: &str,
            items: Vec<serde_json::Value>,
            ctx: &IngestContext,
        ) -> crate::error::ApiResult<BatchOutcome> {
            $(if kind == <$kind as Kind>::NAME {
                return support::run_values::<$kind>(db, items, ctx).await;
            })+
            Err(unknown_kind(kind))
        }
    };
}

fn unknown_kind(kind: &str) -> crate::error::ApiError {
    crate::error::ApiError::bad(format!(
        "unknown record kind {kind:?}; expected one of {}",
        KINDS.join(", ")
    ))
}

kinds!(
    reference::MarketInput,
    reference::NicheInput,
    parties::CreatorInput,
    parties::BrandInput,
    parties::ShopInput,
    parties::ProductInput,
    content::ContentInput,
    metrics::ContentMetricsInput,
    orders::OrderInput,
    order_status::OrderStatusInput,
    reviews::ReviewInput,
    violations::ViolationInput,
    collaborations::CollaborationInput,
    scouts::ScoutInput,
    scouts::ProspectRecord,
);
