//! The server's edges: health, readiness, metrics, authentication, limits, and the SDL.

use flywheel::auth::Role;
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::json;

on_both_databases!(probes_and_metrics, authentication, request_limits);

async fn probes_and_metrics(backend: Backend) {
    let s = TestServer::start(backend).await;
    let get = |path: &str| s.http.get(format!("{}{path}", s.base)).send();
    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let page = get("/graphql").await.unwrap().text().await.unwrap();
    assert!(page.contains("graphiql"), "GET /graphql serves GraphiQL");
    s.gql(None, "{ me { role } }", json!({})).await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("flywheel_http_requests_total{route=\"/graphql\",status=\"200\"}"));
    assert!(metrics.contains("flywheel_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(metrics.contains("flywheel_graphql_errors_total{code=\"UNAUTHENTICATED\"} 1"));
    assert!(s.metric("flywheel_sql_statements_total").await > 0.0);
    s.stop().await;
}

async fn authentication(backend: Backend) {
    let s = TestServer::start(backend).await;
    let anonymous = s.gql(None, "{ me { role } }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    assert!(
        anonymous["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
    let forged = s
        .gql(Some("not.a.token"), "{ me { role } }", json!({}))
        .await;
    assert_eq!(error_code(&forged), Some("UNAUTHENTICATED"));
    let other_secret = flywheel::auth::JwtKeys::new(&flywheel::auth::KeySource::Secret(
        "some-other-secret-of-enough-length".into(),
    ))
    .unwrap()
    .mint(&flywheel::auth::Claims {
        sub: "x".into(),
        role: Role::Admin,
        brand_id: None,
        shop_id: None,
        markets: None,
        exp: chrono::Utc::now().timestamp() + 60,
        iat: 0,
    })
    .unwrap();
    assert_eq!(
        error_code(
            &s.gql(Some(&other_secret), "{ me { role } }", json!({}))
                .await
        ),
        Some("UNAUTHENTICATED")
    );
    let me = s
        .ok(
            &s.token(Role::Scout, None, None, &["US", "GB"]),
            "{ me { role markets } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"], json!({"role": "SCOUT", "markets": ["US", "GB"]}));
    s.stop().await;
}

async fn request_limits(backend: Backend) {
    let s = TestServer::start_with(
        backend,
        flywheel::server::HttpLimits {
            body_bytes: 4096,
            timeout: std::time::Duration::from_secs(30),
        },
        flywheel::graphql::Limits::default(),
    )
    .await;
    let admin = s.admin();
    let too_big = s
        .http
        .post(format!("{}/graphql", s.base))
        .bearer_auth(&admin)
        .json(&json!({ "query": format!("{{ me {{ role }} }} #{}", "x".repeat(10_000)) }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413, "bodies above the limit are refused");
    let deep = "{ creators { edges { node { content { edges { node { creator { content { edges { node { creator { content { edges { node { id } } } } } } } } } } } } } } }";
    let body = s.gql(Some(&admin), deep, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let aliases: String = (0..31).map(|i| format!("a{i}: me {{ role }} ")).collect();
    let body = s
        .gql(Some(&admin), &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases")
    );
    let body = s
        .gql(
            Some(&admin),
            "{ creators(first: 101) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let body = s
        .gql(
            Some(&admin),
            "{ creators(first: \"ten\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let body = s.gql(Some(&admin), "{ nope }", json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    s.stop().await;
}

#[test]
fn schema_file_matches_the_live_sdl() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        stored == flywheel::graphql::sdl(),
        "schema.graphql is out of date: run `cargo run -p flywheel -- schema --out schema.graphql`"
    );
}
