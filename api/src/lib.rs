//! The `flywheel` service: CLI, GraphQL server, auth, ingest and jobs. It turns database rows
//! into scoring inputs and scoring results into GraphQL types, and nothing more: the maths
//! lives in the `scoring` crate.

pub mod auth;
pub mod cli;
pub mod connections;
pub mod content;
pub mod days;
pub mod db;
pub mod error;
pub mod graphiql;
pub mod graphql;
pub mod ingest;
pub mod jobs;
pub mod locks;
pub mod long;
pub mod lookup;
pub mod ltv;
pub mod matching;
pub mod metrics;
pub mod pipeline;
pub mod rating;
pub mod rollup;
pub mod scan;
pub mod server;
pub mod throttle;

use std::sync::Arc;

/// Builds the whole HTTP application over a migrated database and starts its scheduled jobs.
pub fn app(
    db: sea_orm::DatabaseConnection,
    statements: Arc<db::StatementCounter>,
    keys: auth::JwtKeys,
    limits: &server::ServerLimits,
    schedule: jobs::Schedule,
) -> axum::Router {
    let matching = Arc::new(matching::Matching::new(db.clone()));
    let content = Arc::new(content::ContentScoring::new(db.clone()));
    let metrics = Arc::new(metrics::Metrics::new(statements));
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        // Build the graph the first queries would otherwise wait for (the cohort snapshot is
        // the `cohort_refresh` job's first run); `/readyz` waits for both.
        let warm = Arc::clone(&matching);
        runtime.spawn(async move { warm.warm().await });
        let _guard = runtime.enter();
        jobs::spawn(
            db.clone(),
            Arc::clone(&content),
            Arc::clone(&matching),
            Arc::clone(&metrics),
            schedule,
        );
    }
    let schema = graphql::schema(Some(db.clone()), limits.graphql);
    let admission = graphql::admission::Admission::new(&schema.sdl(), limits.graphql.query);
    let state = server::AppState {
        matching,
        content,
        schema,
        admission: Arc::new(admission),
        throttle: Arc::new(throttle::Throttle::new(limits.throttle)),
        scopes: Arc::default(),
        db,
        keys: Arc::new(keys),
        metrics,
        batch_window: limits.graphql.batch_window,
    };
    server::router(state, limits.http)
}
