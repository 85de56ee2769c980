//! The server's edges: health, readiness, metrics, authentication, limits, and the SDL.

use async_graphql::Value as Ordered;
use flywheel::auth::Role;
use flywheel_tests::{Backend, Log, TestServer, error_code, fixture, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    probes_and_metrics,
    authentication,
    request_limits,
    responses_complete_as_the_spec_says,
    internal_errors_are_logged_once_with_cause_and_request_id,
    every_request_writes_one_access_line
);

async fn probes_and_metrics(backend: Backend) {
    let s = TestServer::start(backend).await;
    let get = |path: &str| s.http.get(format!("{}{path}", s.base)).send();
    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    // Ready once the matching graph and the cohort snapshot are built, so no first query
    // waits for them; until then it says why.
    let started = std::time::Instant::now();
    loop {
        let ready = get("/readyz").await.unwrap();
        let status = ready.status();
        let body = ready.text().await.unwrap();
        if status == 200 {
            assert_eq!(body, "ready");
            break;
        }
        assert_eq!(
            (status.as_u16(), body.starts_with("warming up")),
            (503, true),
            "{body}"
        );
        assert!(started.elapsed().as_secs() < 60, "still warming up: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let warm = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(
        warm.contains("flywheel_matching_graph_nodes{kind=\"creator\"}"),
        "ready before the graph was built"
    );
    let page = get("/graphql").await.unwrap().text().await.unwrap();
    assert!(page.contains("graphiql"), "GET /graphql serves GraphiQL");
    s.gql(None, "{ me { role } }", json!({})).await;
    s.gql(Some(&s.admin()), "query Probe { me { role } }", json!({}))
        .await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("flywheel_http_requests_total{route=\"/graphql\",status=\"200\"}"));
    assert!(metrics.contains(
        "flywheel_http_request_duration_seconds_bucket{route=\"/graphql\",le=\"+Inf\"} 3"
    ));
    assert!(metrics.contains("flywheel_graphql_errors_total{code=\"UNAUTHENTICATED\"} 1"));
    assert!(s.metric("flywheel_sql_statements_total").await > 0.0);
    assert_eq!(
        s.metric("flywheel_http_request_duration_seconds_count{route=\"/healthz\"}")
            .await,
        1.0
    );
    assert_eq!(
        s.metric("flywheel_graphql_operation_duration_seconds_count{operation=\"Probe\"}")
            .await,
        1.0
    );
    assert_eq!(
        s.metric("flywheel_graphql_operation_duration_seconds_count{operation=\"anonymous\"}")
            .await,
        1.0
    );
    assert_eq!(
        s.metric("flywheel_sql_statement_duration_seconds_count")
            .await,
        s.metric("flywheel_sql_statements_total").await,
        "every statement is timed"
    );
    assert_eq!(s.metric("flywheel_db_pool_max_connections").await, 4.0);
    assert!(
        s.metric("flywheel_db_pool_connections{state=\"idle\"}")
            .await
            >= 0.0
    );
    assert!(s.metric("process_resident_memory_bytes").await > 1e6);
    assert!(s.metric("process_cpu_seconds_total").await >= 0.0);
    assert!(s.metric("flywheel_uptime_seconds").await >= 0.0);
    assert!(metrics.contains(&format!(
        "flywheel_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    )));
    // The jobs a server schedules: each counted from zero; the cohort refresh runs at start-up.
    for job in ["ltv_refit", "rating_projection", "matching_scores"] {
        assert_eq!(
            s.metric(&format!(
                "flywheel_job_runs_total{{job=\"{job}\",outcome=\"ok\"}}"
            ))
            .await,
            0.0
        );
    }
    let mut waited = 0;
    let text = loop {
        let text = get("/metrics").await.unwrap().text().await.unwrap();
        let done = text
            .contains("flywheel_job_runs_total{job=\"cohort_refresh\",outcome=\"ok\"} 1")
            && text.contains("flywheel_matching_graph_edges ");
        if done || waited >= 100 {
            break text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    };
    assert!(
        text.contains("flywheel_job_runs_total{job=\"cohort_refresh\",outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(text.contains("flywheel_job_last_success{job=\"cohort_refresh\"} 1"));
    let started = s
        .metric("flywheel_job_last_start_timestamp_seconds{job=\"cohort_refresh\"}")
        .await;
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1_000.0;
    assert!(
        started <= now + 1.0 && now - started < 3_600.0,
        "{started} vs {now}"
    );
    assert!(
        s.metric("flywheel_job_last_duration_seconds{job=\"cohort_refresh\"}")
            .await
            >= 0.0
    );
    // The matching graph of an empty marketplace, built at start-up.
    assert_eq!(
        s.metric("flywheel_matching_graph_nodes{kind=\"creator\"}")
            .await,
        0.0
    );
    assert_eq!(
        s.metric("flywheel_matching_graph_nodes{kind=\"brand\"}")
            .await,
        0.0
    );
    assert_eq!(s.metric("flywheel_matching_graph_edges").await, 0.0);
    assert!(s.metric("flywheel_matching_graph_age_seconds").await >= 0.0);
    s.stop().await;
}

/// Every request writes one access line at the default level, inside its span (method, path,
/// request id), with its status, latency, GraphQL operation and caller role, never the token.
async fn every_request_writes_one_access_line(backend: Backend) {
    let log = Log::capture();
    let s = TestServer::start(backend).await;
    let token = s.token(Role::Brand, Some(1), None, &[]);
    let send = |token: Option<&str>, query: &str| s.request(token, query, json!({})).send();
    let id_of = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let named = send(Some(&token), "query Whoami { me { role } }")
        .await
        .unwrap();
    let unnamed = send(None, "{ me { role } }").await.unwrap();
    let health = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    let cases = [
        (id_of(&named), "POST", "/graphql", 200, "Whoami", "brand"),
        (
            id_of(&unnamed),
            "POST",
            "/graphql",
            200,
            "anonymous",
            "unauthenticated",
        ),
        (id_of(&health), "GET", "/healthz", 200, "-", "-"),
    ];
    for (id, method, path, status, operation, role) in cases {
        let lines = log.of_request(&id);
        let access: Vec<&Value> = lines
            .iter()
            .filter(|l| l["fields"]["message"] == "access")
            .collect();
        assert_eq!(access.len(), 1, "one access line for {path}: {lines:#?}");
        let line = access[0];
        assert_eq!(line["level"], "INFO");
        let fields = &line["fields"];
        assert_eq!(fields["status"], status, "{line}");
        assert!(
            fields["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
            "{line}"
        );
        assert_eq!(fields["operation"], operation, "{line}");
        assert_eq!(fields["role"], role, "{line}");
        let span = &line["span"];
        assert_eq!(
            (&span["method"], &span["path"], &span["request_id"]),
            (&json!(method), &json!(path), &json!(id)),
            "{line}"
        );
        assert!(
            !line.to_string().contains(&token),
            "the token is never logged"
        );
    }
    s.stop().await;
}

/// A fault of ours (a stored LTV calibration that no longer parses) answers INTERNAL with the
/// generic message and nothing of the cause; the log holds one line for it, in the request's
/// span, with the cause chain and the field's path.
async fn internal_errors_are_logged_once_with_cause_and_request_id(backend: Backend) {
    use entities::ltv_market_model;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let log = Log::capture();
    let s = TestServer::start(backend).await;
    fixture::ingest(&s, "upsertMarkets", "MarketInput", json!([
        {"code": "US", "name": "United States", "currency": "USD", "timeZone": "America/New_York"},
    ]))
    .await;
    ltv_market_model::ActiveModel {
        market_code: Set("US".into()),
        currency: Set("USD".into()),
        kind: Set("bgnbd".into()),
        r: Set(1.0),
        alpha: Set(1.0),
        a: Set(1.0),
        b: Set(1.0),
        p: Set(1.0),
        q: Set(2.0),
        v: Set(1.0),
        count_log_likelihood: Set(0.0),
        spend_log_likelihood: Set(0.0),
        creators: Set(0),
        repeat_creators: Set(0),
        converged: Set(true),
        borrowed_from_global: Set(false),
        mean_day_value_minor: Set(1.0),
        count_fit: Set("{}".into()),
        spend_fit: Set("{}".into()),
        calibration: Set(r#"{"holdout_days": "ninety"}"#.into()),
        as_of: Set(0),
        fitted_at: Set(chrono::Utc::now()),
    }
    .insert(&s.db)
    .await
    .expect("store a corrupt calibration");

    let response = s
        .request(
            Some(&s.admin()),
            "{ market(code: \"US\") { code ltvModel { kind calibration { holdoutDays } } } }",
            json!({}),
        )
        .send()
        .await
        .expect("request");
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("a textual request id")
        .to_owned();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), Some("INTERNAL"), "{body:#}");
    let error = &body["errors"][0];
    assert_eq!(error["message"], "internal error; the request was logged");
    assert_eq!(error["path"], json!(["market", "ltvModel", "calibration"]));
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        body["data"]["market"],
        json!({"code": "US", "ltvModel": null}),
        "the rest still answers; the non-null calibration nulls its nearest nullable parent"
    );
    let shown = body.to_string();
    assert!(
        !shown.contains("ninety") && !shown.contains("calibration of"),
        "no detail reaches the client: {shown}"
    );

    let lines = log.of_request(&request_id);
    let errors: Vec<&Value> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert_eq!(errors.len(), 1, "one line for the one fault: {lines:#?}");
    let fields = &errors[0]["fields"];
    assert_eq!(fields["message"], "internal error");
    assert_eq!(fields["graphql_path"], "market.ltvModel.calibration");
    let cause = fields["error"].as_str().expect("the cause");
    assert!(
        cause.starts_with("reading the stored calibration of US: ") && cause.contains("ninety"),
        "the whole cause chain: {cause}"
    );
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
    let f = flywheel_tests::fixture::marketplace(&s).await;
    let me = s
        .ok(
            &s.token(Role::Scout, None, None, &["US", "GB"]),
            "{ me { role markets } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"], json!({"role": "SCOUT", "markets": ["US", "GB"]}));
    // A well-signed token whose scope names nothing that exists is refused, saying what.
    let missing = f.brand_glow.max(f.brand_paws).max(f.shop_indie) + 1000;
    for (token, what) in [
        (
            s.token(Role::Brand, Some(missing), None, &[]),
            format!("brand {missing}"),
        ),
        (
            s.token(Role::Shop, None, Some(missing), &[]),
            format!("shop {missing}"),
        ),
        (
            s.token(Role::Scout, None, None, &["US", "ZZ"]),
            "market ZZ".into(),
        ),
    ] {
        let body = s.gql(Some(&token), "{ me { role } }", json!({})).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("names {what}, which does not exist")),
            "{message}"
        );
    }
    for token in [
        s.token(Role::Brand, Some(f.brand_glow), None, &[]),
        s.token(Role::Shop, None, Some(f.shop_indie), &[]),
    ] {
        s.ok(&token, "{ me { role } }", json!({})).await;
    }
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

/// Every type, field, argument, input field and enum value of the schema says what it means,
/// so GraphiQL's docs and the SDL are a reference. async-graphql's connection types (the ones
/// with `pageInfo`) take no type description (their fields have theirs); the built-in
/// introspection types and scalars are not ours.
#[test]
fn every_type_field_and_argument_is_described() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let described = |d: &Option<async_graphql::Positioned<String>>| {
        d.as_ref().is_some_and(|d| !d.node.trim().is_empty())
    };
    let doc =
        async_graphql::parser::parse_schema(flywheel::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let t = t.node;
        let name = t.name.node.as_str();
        if name.starts_with("__") || ["Int", "Float", "String", "Boolean", "ID"].contains(&name) {
            continue;
        }
        let connection = matches!(&t.kind, TypeKind::Object(o)
            if o.fields.iter().any(|f| f.node.name.node == "pageInfo"));
        if !described(&t.description) && !connection {
            missing.push(name.to_string());
        }
        match &t.kind {
            TypeKind::Object(o) => fields(name, &o.fields, &described, &mut missing),
            TypeKind::Interface(i) => fields(name, &i.fields, &described, &mut missing),
            TypeKind::InputObject(i) => missing.extend(
                i.fields
                    .iter()
                    .filter(|f| !described(&f.node.description))
                    .map(|f| format!("{name}.{}", f.node.name.node)),
            ),
            TypeKind::Enum(e) => missing.extend(
                e.values
                    .iter()
                    .filter(|v| !described(&v.node.description))
                    .map(|v| format!("{name}.{}", v.node.value.node)),
            ),
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "{} schema items have no description; give each a `///` doc comment (a resolver's \
         argument takes `#[graphql(desc = \"...\")]`):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// Adds to `missing` each field of `ty` without a description, as `Type.field`, and each
/// argument without one, as `Type.field(arg)`.
fn fields(
    ty: &str,
    fields: &[async_graphql::Positioned<async_graphql::parser::types::FieldDefinition>],
    described: &impl Fn(&Option<async_graphql::Positioned<String>>) -> bool,
    missing: &mut Vec<String>,
) {
    for f in fields {
        let field = f.node.name.node.as_str();
        if !described(&f.node.description) {
            missing.push(format!("{ty}.{field}"));
        }
        missing.extend(
            f.node
                .arguments
                .iter()
                .filter(|a| !described(&a.node.description))
                .map(|a| format!("{ty}.{field}({})", a.node.name.node)),
        );
    }
}

/// Query abuse is refused by the admission check, before validation or any resolver, whoever
/// sends it: the documents below would each hold a core for seconds to hours if they ran.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abusive_documents_are_refused_before_any_work() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin = s.admin();
    let refused = |body: &serde_json::Value, needle: &str| {
        assert_eq!(error_code(body), Some("BAD_USER_INPUT"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{needle:?} not in {message:?}");
        assert!(body["data"].is_null(), "nothing ran: {body}");
    };
    // Fragments that each spread the next twice: 2^40 copies of `me` once expanded.
    let mut doubling = String::from("{ ...F0 }");
    for i in 0..40 {
        doubling.push_str(&format!(
            " fragment F{i} on Query {{ me {{ role }} ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    doubling.push_str(" fragment F40 on Query { me { role } }");
    refused(&s.gql(None, &doubling, json!({})).await, "cost");
    refused(&s.gql(Some(&admin), &doubling, json!({})).await, "cost");
    // One field repeated without aliases: every copy counts.
    let repeated = format!(
        "{{ {} }}",
        "creators(first: 100) { edges { node { handle } } } ".repeat(100)
    );
    refused(&s.gql(Some(&admin), &repeated, json!({})).await, "cost");
    let roots = format!("{{ {} }}", "me { role } ".repeat(21));
    refused(&s.gql(Some(&admin), &roots, json!({})).await, "root fields");
    // Page sizes multiply through nesting: 100 lookalikes of 100 lookalikes each.
    let nested = "query($n: Int) { creators(first: $n) { edges { node { lookalikes(first: 100) { edges { node { creator { handle } } } } } } } }";
    refused(
        &s.gql(Some(&admin), nested, json!({"n": 100})).await,
        "cost",
    );
    // A fragment that spreads itself.
    refused(
        &s.gql(
            Some(&admin),
            "{ ...A } fragment A on Query { me { role } ...A }",
            json!({}),
        )
        .await,
        "spreads itself",
    );
    // Tokens, directives, depth.
    let tokens = format!(
        "{{ me {{ role }} }} query Q {{ {} }}",
        "__typename ".repeat(2_500)
    );
    refused(&s.gql(None, &tokens, json!({})).await, "tokens");
    let directives = format!("{{ me {{ {} }} }}", "role @include(if: true) ".repeat(51));
    refused(
        &s.gql(Some(&admin), &directives, json!({})).await,
        "directives",
    );
    let brackets = format!("{}{}", "{ a ".repeat(100), "}".repeat(100));
    refused(&s.gql(None, &brackets, json!({})).await, "nests");
    s.stop().await;
}

/// The standard introspection query (graphql-js `getIntrospectionQuery()`, which GraphiQL,
/// Apollo, Postman and codegen send) is admitted at the default limits, every answer reports
/// its cost, and production mode keeps introspection and suggestions from strangers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_cost_reports_and_production_mode() {
    let introspection = include_str!("../../fixtures/graphql/introspection.graphql");
    let s = TestServer::start(Backend::Sqlite).await;
    let body = s.gql(None, introspection, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(body["data"]["__schema"]["types"].as_array().unwrap().len() > 50);
    let admin = s.admin();
    let body = s
        .gql(
            Some(&admin),
            "{ creators(first: 10) { edges { node { handle } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], json!(21));
    assert_eq!(body["extensions"]["cost"]["maximumQueryCost"], json!(5000));
    let typo = s
        .gql(Some(&admin), "{ creatorz { totalCount } }", json!({}))
        .await;
    assert!(
        typo["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean")
    );
    s.stop().await;

    let mut limits = flywheel::graphql::Limits {
        suggestions: false,
        ..Default::default()
    };
    limits.query.introspection = flywheel::graphql::admission::Introspection::Authenticated;
    let s = TestServer::start_with(Backend::Sqlite, TestServer::default_http(), limits).await;
    let anonymous = s.gql(None, introspection, json!({})).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    let admin = s.admin();
    let body = s.gql(Some(&admin), introspection, json!({})).await;
    assert!(body.get("errors").is_none(), "a token may introspect");
    let typo = s
        .gql(Some(&admin), "{ creatorz { totalCount } }", json!({}))
        .await;
    let message = typo["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    s.stop().await;
}

/// Each token (and each address without one) spends a bucket of cost points: past it, 429 with
/// `Retry-After` and the budget left; admins are not metered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_per_token_and_per_address() {
    let s = TestServer::start_limited(
        Backend::Sqlite,
        flywheel::server::ServerLimits {
            throttle: flywheel::throttle::ThrottleConfig {
                per_second: 1,
                burst: 100,
            },
            ..Default::default()
        },
    )
    .await;
    let brand = s.token(Role::Brand, Some(1), None, &[]);
    let page = "{ creators(first: 20) { edges { node { handle } } } }"; // 41 points
    let post = |token: Option<String>, query: &'static str| {
        s.request(token.as_deref(), query, json!({})).send()
    };
    for left in [59, 18] {
        let resp = post(Some(brand.clone()), page).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers()["ratelimit-remaining"],
            left.to_string().as_str()
        );
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(
            body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"],
            json!(left)
        );
    }
    let resp = post(Some(brand.clone()), page).await.unwrap();
    assert_eq!(resp.status(), 429);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (20..=25).contains(&wait),
        "23 points at 1 per second: {wait}"
    );
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"));
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("retry in")
    );
    // Another brand has its own bucket; admins have none.
    let other = s.token(Role::Brand, Some(2), None, &[]);
    assert_eq!(post(Some(other), page).await.unwrap().status(), 200);
    for _ in 0..5 {
        assert_eq!(post(Some(s.admin()), page).await.unwrap().status(), 200);
    }
    // Without a token the address pays, from a tenth of the budget.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            post(None, "{ me { role } }")
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..10], &[200; 10]);
    assert_eq!(statuses[11], 429, "{statuses:?}");
    s.stop().await;
}

/// Idle sockets cannot lock working clients out: at the cap the oldest idle connection makes
/// room, and a connection that never finishes its headers is closed after the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_bounded() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start_limited(
        Backend::Sqlite,
        flywheel::server::ServerLimits {
            connections: flywheel::connections::ConnectionLimits {
                max: 20,
                header_timeout: std::time::Duration::from_secs(2),
                write_timeout: std::time::Duration::from_secs(5),
            },
            ..Default::default()
        },
    )
    .await;
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    let resp = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "served past 200 idle sockets at a cap of 20"
    );
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            match slow.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "a connection stuck in its headers is closed"
    );
    drop(idle);
    s.stop().await;
}

/// The keys of the object at `path` (object keys and list indices) in a response body, in the
/// order the server sent them.
fn keys_at(text: &str, path: &[&str]) -> Vec<String> {
    let mut at: Ordered = serde_json::from_str(text).expect("JSON response");
    for step in path {
        at = match (at, step.parse::<usize>()) {
            (Ordered::List(mut items), Ok(i)) if i < items.len() => items.swap_remove(i),
            (Ordered::Object(mut map), _) => map.swap_remove(*step).unwrap_or(Ordered::Null),
            _ => Ordered::Null,
        };
    }
    match at {
        Ordered::Object(map) => map.keys().map(|k| k.to_string()).collect(),
        _ => panic!("no object at {path:?}: {text}"),
    }
}

/// Spec behaviour over HTTP: a refused nullable field is null in place, a refused non-null
/// root nulls `data`, and keys follow the selection however the resolvers finish.
async fn responses_complete_as_the_spec_says(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = flywheel_tests::fixture::marketplace(&s).await;
    let brand = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    let query = "{ markets { ltvModel { r } code } }";
    let text = s.gql_text(Some(&brand), query, json!({})).await;
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let markets = body["data"]["markets"]
        .as_array()
        .expect("markets answered");
    assert!(!markets.is_empty());
    for (i, market) in markets.iter().enumerate() {
        assert!(
            market["ltvModel"].is_null() && market["code"].is_string(),
            "{text}"
        );
        assert_eq!(body["errors"][i]["path"], json!(["markets", i, "ltvModel"]));
        assert_eq!(body["errors"][i]["extensions"]["code"], "FORBIDDEN");
        let at = ["data", "markets", &i.to_string()];
        assert_eq!(
            keys_at(&text, &at),
            ["ltvModel", "code"],
            "refused fields stay in place"
        );
    }
    let other = format!("{{ me {{ role }} brand(id: {}) {{ name }} }}", f.brand_paws);
    let body = s.gql(Some(&brand), &other, json!({})).await;
    assert!(
        body["data"].is_null(),
        "a refused non-null root nulls data: {body}"
    );
    assert_eq!(body["errors"][0]["path"], json!(["brand"]));

    // Loader-backed fields first, plain ones last: the executor finishes them in the other
    // order; the response must not show it.
    let query = "{ creators(first: 2) { edges { node { contentScore { score } niches { share } market { code } ltv { expectedSellingDays } followers externalId id } } totalCount } me { role } }";
    let admin = s.admin();
    for _ in 0..5 {
        let text = s.gql_text(Some(&admin), query, json!({})).await;
        assert_eq!(keys_at(&text, &["data"]), ["creators", "me"], "{text}");
        assert_eq!(
            keys_at(&text, &["data", "creators"]),
            ["edges", "totalCount"]
        );
        for edge in ["0", "1"] {
            assert_eq!(
                keys_at(&text, &["data", "creators", "edges", edge, "node"]),
                [
                    "contentScore",
                    "niches",
                    "market",
                    "ltv",
                    "followers",
                    "externalId",
                    "id"
                ],
                "keys in selection order: {text}"
            );
        }
    }
    s.stop().await;
}
