//! The HTTP server: GraphQL over HTTP, GraphiQL, health, readiness and metrics, with request
//! ids, tracing, a body limit, a timeout and graceful shutdown.

use crate::auth::JwtKeys;
use crate::auth::guard::Authentication;
use crate::graphql::{FlywheelSchema, aliases, context::with_loaders};
use crate::metrics::Metrics;
use async_graphql::{Response, ServerError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub schema: FlywheelSchema,
    pub db: DatabaseConnection,
    pub keys: Arc<JwtKeys>,
    pub metrics: Arc<Metrics>,
    /// DataLoader batch window (see [`crate::graphql::Limits::batch_window`]).
    pub batch_window: Duration,
    /// Most aliased fields in one document (see [`crate::graphql::aliases`]).
    pub max_aliases: usize,
    /// The matching graph and its directory, kept current by ingest.
    pub matching: Arc<crate::matching::Matching>,
    /// The content cohort snapshot metric ingest scores against.
    pub content: Arc<crate::content::ContentScoring>,
}

/// Request-level limits.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// Largest accepted request body, in bytes.
    pub body_bytes: usize,
    /// Longest a request may run before it gets 408.
    pub timeout: Duration,
}

/// Builds the router with every route and layer.
pub fn router(state: AppState, limits: HttpLimits) -> Router {
    Router::new()
        .route("/graphql", get(crate::graphiql::page).post(graphql))
        .route(crate::graphiql::ASSET_ROUTE, get(crate::graphiql::asset))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.timeout))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: draining in-flight requests");
}

fn authenticate(keys: &JwtKeys, headers: &HeaderMap) -> Authentication {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| "missing bearer token: send `Authorization: Bearer <token>`".to_owned())?;
    let text = value
        .to_str()
        .map_err(|_| "malformed Authorization header".to_owned())?;
    let token = text
        .strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .ok_or_else(|| "the Authorization header must be `Bearer <token>`".to_owned())?;
    keys.verify(token.trim())
}

async fn graphql(
    State(app): State<AppState>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> GraphQLResponse {
    let mut request = req.into_inner();
    let mut response = match aliases::check(&mut request, app.max_aliases) {
        Ok(()) => {
            let request = with_loaders(
                request
                    .data(authenticate(&app.keys, &headers))
                    .data(Arc::clone(&app.matching))
                    .data(Arc::clone(&app.content)),
                &app.db,
                app.batch_window,
            );
            app.schema.execute(request).await
        }
        Err(err) => Response::from_errors(vec![err]),
    };
    normalise_errors(&mut response);
    for err in &response.errors {
        if let Some(async_graphql::Value::String(code)) =
            err.extensions.as_ref().and_then(|e| e.get("code"))
        {
            app.metrics.error(code);
        }
    }
    response.into()
}

/// Gives every error a code. Errors raised by our resolvers already have one; the rest come
/// from async-graphql itself (syntax, validation, limits, argument parsing: the client's
/// mistake) or are unexpected, in which case the detail is logged and hidden.
fn normalise_errors(response: &mut Response) {
    for err in &mut response.errors {
        if err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let client_mistake = err.path.is_empty()
            || err.message.starts_with("Failed to parse")
            || err.message.starts_with("Invalid value")
            || err.message.contains("Query is too complex")
            || err.message.contains("Query is nested too deep");
        let code = if client_mistake {
            "BAD_USER_INPUT"
        } else {
            tracing::error!(message = %err.message, path = ?err.path, "unexpected resolver error");
            err.message = "internal error; the request was logged".into();
            "INTERNAL"
        };
        set_code(err, code);
    }
}

fn set_code(err: &mut ServerError, code: &str) {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}

async fn ready(State(app): State<AppState>) -> impl IntoResponse {
    match app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
}

async fn observe(State(app): State<AppState>, req: Request, next: Next) -> impl IntoResponse {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    app.metrics
        .request(&route, response.status().as_u16(), started.elapsed());
    response
}
