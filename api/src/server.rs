//! The HTTP server: GraphQL over HTTP, GraphiQL, health, readiness and metrics, with request
//! ids, tracing, a body limit, a timeout and graceful shutdown.
//!
//! It is also the edge where every GraphQL error gets its code and a fault of ours is logged,
//! once, inside the request's span (`normalise_errors`).

use crate::auth::{Authentication, JwtKeys, ScopeCheck};
use crate::error::{ApiError, INTERNAL_MESSAGE};
use crate::graphql::admission::Admission;
use crate::graphql::completion;
use crate::graphql::{FlywheelSchema, context::with_loaders};
use crate::metrics::Metrics;
use crate::throttle::{Budget, Payer, Throttle, Throttled};
use async_graphql::{PathSegment, Response, ServerError, Value};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use futures_util::FutureExt;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
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
    /// What a document may ask for, checked before the schema sees it.
    pub admission: Arc<Admission>,
    /// Every caller's budget of cost points.
    pub throttle: Arc<Throttle>,
    /// Which token scopes are known to exist.
    pub scopes: Arc<ScopeCheck>,
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

/// Every limit a server runs with.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerLimits {
    pub http: HttpLimits,
    pub graphql: crate::graphql::Limits,
    pub throttle: crate::throttle::ThrottleConfig,
    pub connections: crate::connections::ConnectionLimits,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            body_bytes: 2 * 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Builds the router with every route and layer.
pub fn router(state: AppState, limits: HttpLimits) -> Router {
    Router::new()
        .route("/graphql", get(crate::graphiql::page).post(graphql))
        .route(crate::graphiql::ASSET_ROUTE, get(crate::graphiql::asset))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.timeout))
        // Outside the limits, so a 408 or 413 is logged and counted like any answer.
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
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

/// What the GraphQL handler tells the access log (`observe`) of a request, through the
/// response's extensions: the operation's name and the caller's role, never the token.
#[derive(Clone, Debug)]
struct Access {
    operation: String,
    role: &'static str,
}

/// The name an operation is logged and measured by: `operationName` if sent, else the name
/// of the document's one named operation, else `anonymous`. The document is parsed only if
/// admission parsed it already (`parsed`), so a refused request costs no parse.
fn operation_name(request: &mut async_graphql::Request, parsed: bool) -> String {
    use async_graphql::parser::types::DocumentOperations;
    if let Some(name) = &request.operation_name {
        return name.clone();
    }
    if parsed
        && let Ok(doc) = request.parsed_query()
        && let DocumentOperations::Multiple(operations) = &doc.operations
        && operations.len() == 1
        && let Some(name) = operations.keys().next()
    {
        return name.to_string();
    }
    "anonymous".to_owned()
}

/// The caller's role as the access log shows it.
fn role_name(caller: &Authentication) -> &'static str {
    caller.as_ref().map_or("unauthenticated", |c| c.role.name())
}

async fn graphql(
    State(app): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> axum::response::Response {
    let caller = authenticate(&app.keys, &headers);
    let mut request = req.into_inner();
    let mut access = Access {
        operation: operation_name(&mut request, false),
        role: role_name(&caller),
    };
    let mut http = execute(&app, peer, caller, request, &mut access).await;
    http.extensions_mut().insert(access);
    http
}

/// Meters, admits and executes one GraphQL request, naming its operation in `access` once
/// the document is parsed.
async fn execute(
    app: &AppState,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    caller: Authentication,
    mut request: async_graphql::Request,
    access: &mut Access,
) -> axum::response::Response {
    let payer = match &caller {
        Ok(c) if !c.is_throttled() => None,
        Ok(c) => Some(Payer::Token(format!(
            "{:?}:{}:{:?}:{:?}",
            c.role, c.subject, c.brand_id, c.shop_id
        ))),
        Err(_) => peer.map(|Extension(ConnectInfo(addr))| Payer::Address(addr.ip())),
    }
    .filter(|_| app.throttle.enabled());
    // An empty bucket is refused before the document is even parsed.
    if let Some(payer) = &payer
        && let Err(throttled) = app.throttle.charge(payer, 0, Instant::now())
    {
        return throttled_response(app, throttled, None);
    }
    let admitted = app.admission.admit(&mut request, caller.is_ok());
    access.operation = operation_name(&mut request, admitted.is_ok());
    let cost = match admitted {
        Ok(cost) => cost,
        Err(err) => return respond(app, Response::from_errors(vec![err])),
    };
    let budget = match &payer {
        Some(payer) => match app.throttle.charge(payer, cost, Instant::now()) {
            Ok(budget) => Some(budget),
            Err(throttled) => return throttled_response(app, throttled, Some(cost)),
        },
        None => None,
    };
    // Only a caller who paid for its request costs a lookup of its scope.
    let caller = match caller {
        Ok(caller) => app.scopes.check(&app.db, caller).await,
        refused => refused,
    };
    // The executor consumes the document; completion needs it after (see
    // [`crate::graphql::completion`]).
    let document = request.parsed_query().ok().cloned();
    let operation = request.operation_name.clone();
    let request = with_loaders(
        request
            .data(caller)
            .data(Arc::clone(&app.matching))
            .data(Arc::clone(&app.content)),
        &app.db,
        app.batch_window,
    );
    let mut response = unless_panicked(app.schema.execute(request)).await;
    if let Some(document) = &document {
        completion::complete(
            app.admission.shape(),
            document,
            operation.as_deref(),
            &mut response,
        );
    }
    response
        .extensions
        .insert("cost".into(), cost_extension(app, Some(cost), budget));
    let mut http = respond(app, response);
    if let Some(budget) = budget {
        budget_headers(http.headers_mut(), budget);
    }
    http
}

/// The response, or if a resolver panicked, an INTERNAL error saying so: the panic would
/// otherwise cut the connection without an answer, and nothing would log it in the request's
/// span. `normalise_errors` logs the panic's message like any internal error. Unwinding is
/// safe to stop here: everything the execution held is dropped with it, and the std locks it
/// may take (matching's, content's) recover from poisoning.
async fn unless_panicked(execution: impl Future<Output = Response>) -> Response {
    match AssertUnwindSafe(execution).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            let err: async_graphql::Error =
                ApiError::invariant(format!("a resolver panicked: {what}")).into();
            Response::from_errors(vec![err.into_server_error(Default::default())])
        }
    }
}

/// Codes every error, counts it, and turns the response into HTTP.
fn respond(app: &AppState, mut response: Response) -> axum::response::Response {
    normalise_errors(&mut response);
    for err in &response.errors {
        if let Some(Value::String(code)) = err.extensions.as_ref().and_then(|e| e.get("code")) {
            app.metrics.error(code);
        }
    }
    GraphQLResponse::from(response).into_response()
}

/// `extensions.cost`, shaped like Shopify's: what the request costs, the most one may cost,
/// and the caller's budget after it (absent for unmetered callers).
fn cost_extension(app: &AppState, cost: Option<u64>, budget: Option<Budget>) -> Value {
    let mut cost_map = async_graphql::indexmap::IndexMap::new();
    if let Some(cost) = cost {
        cost_map.insert(
            async_graphql::Name::new("requestedQueryCost"),
            Value::from(cost),
        );
    }
    cost_map.insert(
        async_graphql::Name::new("maximumQueryCost"),
        Value::from(app.admission.limits().cost),
    );
    if let Some(b) = budget {
        cost_map.insert(
            async_graphql::Name::new("throttleStatus"),
            async_graphql::value!({
                "maximumAvailable": b.maximum,
                "currentlyAvailable": b.available,
                "restoreRate": b.restore_rate,
            }),
        );
    }
    Value::Object(cost_map)
}

fn budget_headers(headers: &mut HeaderMap, budget: Budget) {
    headers.insert("ratelimit-limit", HeaderValue::from(budget.maximum));
    headers.insert("ratelimit-remaining", HeaderValue::from(budget.available));
}

/// 429 with `Retry-After`, the budget in headers and in `extensions.cost`, and an error that
/// says how long to wait (or that the request can never fit the budget).
fn throttled_response(
    app: &AppState,
    throttled: Throttled,
    cost: Option<u64>,
) -> axum::response::Response {
    let wait = throttled.retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let message = if throttled.never {
        format!(
            "the query costs {} points, more than the {} your budget can hold; ask for less",
            cost.unwrap_or_default(),
            throttled.budget.maximum
        )
    } else {
        format!(
            "rate limit reached: {} of {} points left, restored at {} per second; retry in {wait} s",
            throttled.budget.available, throttled.budget.maximum, throttled.budget.restore_rate
        )
    };
    let err: async_graphql::Error = ApiError::Throttled(message).into();
    let mut response = Response::from_errors(vec![err.into_server_error(Default::default())]);
    response.extensions.insert(
        "cost".into(),
        cost_extension(app, cost, Some(throttled.budget)),
    );
    let mut http = respond(app, response);
    *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if !throttled.never {
        http.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    }
    budget_headers(http.headers_mut(), throttled.budget);
    http
}

/// Gives every error a code, and logs each error the client is not told about, once, here:
/// inside the request's span (so the line carries its `request_id`), with the field's path.
///
/// Whose error it is comes from its structure, never from async-graphql's wording:
/// - its `source` is an [`ApiError`]: ours, coded already; an INTERNAL one is logged with its
///   whole cause chain;
/// - no path: it never reached a resolver (the parser, the validator or our admission
///   refused the document): BAD_USER_INPUT;
/// - a path and no source: async-graphql's coercion of a field's arguments (a scalar that
///   does not parse, a validator), which builds its error from an `InputValueError` with no
///   source; nothing of ours builds an error without one (`clippy.toml` disallows
///   `async_graphql::Error::new`, and ours all go through `From<ApiError>`): BAD_USER_INPUT;
/// - a path and a foreign source: a `Display` error a resolver let through with `?`, which
///   async-graphql's blanket `From` keeps as the source: INTERNAL, its message logged and
///   replaced.
fn normalise_errors(response: &mut Response) {
    for err in &mut response.errors {
        if let Some(ours) = err.source::<ApiError>() {
            if let ApiError::Internal(cause) = ours {
                tracing::error!(
                    graphql_path = %shown_path(&err.path),
                    error = %cause.chain(),
                    "internal error"
                );
            }
            continue;
        }
        let code = if err.path.is_empty() || err.source.is_none() {
            "BAD_USER_INPUT"
        } else {
            tracing::error!(
                graphql_path = %shown_path(&err.path),
                error = %err.message,
                "unexpected resolver error"
            );
            err.message = INTERNAL_MESSAGE.to_owned();
            "INTERNAL"
        };
        set_code(err, code);
    }
}

/// A GraphQL path as a client would write it: `market.ltvModel.calibration`, `items.3.id`.
fn shown_path(path: &[PathSegment]) -> String {
    let segments: Vec<String> = path
        .iter()
        .map(|segment| match segment {
            PathSegment::Field(name) => name.clone(),
            PathSegment::Index(i) => i.to_string(),
        })
        .collect();
    segments.join(".")
}

fn set_code(err: &mut ServerError, code: &str) {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}

/// Ready once the start-up build of the matching graph and the content cohort snapshot has
/// finished (so no first query waits for it), and while the database answers a ping within a
/// second: a load balancer must learn of an outage at once, not after the pool's acquire
/// timeout.
async fn ready(State(app): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(1), app.db.ping()).await {
        Ok(Ok(())) if !(app.matching.tried() && app.content.tried()) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "warming up: building the matching graph and the content cohort snapshot",
        ),
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let gauges = crate::metrics::Gauges {
        pool: crate::db::pool_stats(&app.db),
        graph: app.matching.stats(),
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(&gauges),
    )
}

/// Counts and times every request, and writes its access line: one `info` event inside the
/// request's span (which holds the method, path and request id) with the status, the latency
/// to the response's head in milliseconds, and for GraphQL the operation and the caller's role
/// (`-` on other routes).
async fn observe(
    State(app): State<AppState>,
    req: Request,
    next: Next,
) -> axum::response::Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    app.metrics.request(&route, status, elapsed);
    let access = response.extensions().get::<Access>();
    if let Some(access) = access {
        app.metrics.operation(&access.operation, elapsed);
    }
    tracing::info!(
        status,
        latency_ms = elapsed.as_micros() as f64 / 1_000.0,
        operation = access.map_or("-", |a| a.operation.as_str()),
        role = access.map_or("-", |a| a.role),
        "access"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Query;

    #[Object]
    impl Query {
        async fn page(&self, #[graphql(validator(minimum = 1))] first: i32) -> i32 {
            first
        }
        async fn missing(&self) -> Result<i32, ApiError> {
            Err(ApiError::not_found("shop", 7))
        }
        async fn broken(&self) -> Result<i32, ApiError> {
            Err(ApiError::invariant("dangling reference to 7"))
        }
        async fn foreign(&self) -> async_graphql::Result<i32> {
            Err(std::fmt::Error)?
        }
    }

    /// What `normalise_errors` makes of the first error async-graphql really produces for a
    /// query: its code, its message, and whether it has a path.
    async fn normalised(query: &str) -> (String, String, bool) {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let mut response = schema.execute(query).await;
        normalise_errors(&mut response);
        let err = &response.errors[0];
        let code = match err.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(Value::String(code)) => code.clone(),
            other => panic!("no code: {other:?}"),
        };
        (code, err.message.clone(), !err.path.is_empty())
    }

    #[tokio::test]
    async fn errors_are_coded_by_their_structure() {
        let (code, _, pathed) = normalised("{ page(first: ").await;
        assert_eq!((code.as_str(), pathed), ("BAD_USER_INPUT", false), "syntax");
        let (code, _, pathed) = normalised("{ page(first: \"ten\") }").await;
        assert_eq!(
            (code.as_str(), pathed),
            ("BAD_USER_INPUT", false),
            "validation"
        );
        let (code, message, pathed) = normalised("{ page(first: 0) }").await;
        assert_eq!(
            (code.as_str(), pathed),
            ("BAD_USER_INPUT", true),
            "argument coercion: a path, no source"
        );
        assert!(
            message.contains("greater than or equal to 1"),
            "kept: {message}"
        );
        let (code, message, _) = normalised("{ missing }").await;
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("NOT_FOUND", "no shop with id 7")
        );
        let (code, message, _) = normalised("{ broken }").await;
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("INTERNAL", INTERNAL_MESSAGE)
        );
        let (code, message, pathed) = normalised("{ foreign }").await;
        assert_eq!(
            (code.as_str(), message.as_str(), pathed),
            ("INTERNAL", INTERNAL_MESSAGE, true),
            "a foreign error let through with `?` is a fault, its message hidden"
        );
    }

    #[tokio::test]
    async fn a_panicking_execution_answers_internal() {
        let mut response = unless_panicked(async { panic!("index out of bounds") }).await;
        let Some(ApiError::Internal(cause)) = response.errors[0].source::<ApiError>() else {
            panic!("an internal error: {:?}", response.errors);
        };
        assert_eq!(cause.chain(), "a resolver panicked: index out of bounds");
        normalise_errors(&mut response);
        assert_eq!(response.errors[0].message, INTERNAL_MESSAGE);
    }
}
