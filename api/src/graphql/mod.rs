//! The GraphQL schema: one module per area, merged into one query and one mutation root.

pub mod admission;
mod brands;
mod collaborations;
pub mod completion;
mod content;
mod content_score;
pub mod context;
mod creators;
pub(crate) mod follower_range;
pub(crate) mod ingest;
mod key;
mod loaders;
mod ltv;
mod markets;
mod matching;
mod named;
mod orders;
mod pagination;
mod products;
mod ratings;
mod scalars;
pub(crate) mod scouts;
pub mod shape;
mod shops;
mod viewer;

use async_graphql::{EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    viewer::ViewerQuery,
    markets::MarketQuery,
    creators::CreatorQuery,
    content::ContentQuery,
    content_score::ContentScoreQuery,
    brands::BrandQuery,
    shops::ShopQuery,
    ratings::RatingQuery,
    scouts::ScoutQuery,
    ltv::LtvQuery,
);

/// Every mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(
    ingest::IngestMutation,
    scouts::ScoutMutation,
    content_score::ContentScoreMutation,
);

/// Flywheel's schema type.
pub type FlywheelSchema = Schema<Query, Mutation, EmptySubscription>;

/// Limits that keep one request from monopolising the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// What one document may ask for, checked before validation.
    pub query: admission::QueryLimits,
    /// "Did you mean" hints in validation errors (they map the schema for a stranger).
    pub suggestions: bool,
    /// How long a DataLoader waits after the first key for the rest of a page's keys.
    pub batch_window: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query: admission::QueryLimits::default(),
            suggestions: true,
            batch_window: std::time::Duration::from_millis(2),
        }
    }
}

/// Builds the schema over a database. Depth and cost are the admission check's to enforce
/// (it measures fragments once, where the validator would expand them), so the schema keeps
/// only the parser-recursion and directive bounds as a second line.
pub fn schema(db: Option<DatabaseConnection>, limits: Limits) -> FlywheelSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_directives(limits.query.directives)
        .limit_recursive_depth(32);
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    if let Some(db) = db {
        builder = builder.data(db);
    }
    builder.finish()
}

/// The schema's SDL, as `flywheel schema` prints it and `schema.graphql` stores it.
pub fn sdl() -> String {
    schema(None, Limits::default()).sdl()
}
