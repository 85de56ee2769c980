//! Batch ingest over HTTP and from files: validation that names the item and field,
//! all-or-nothing batches, and idempotency.

use flywheel_tests::fixture::{ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    repeated_batches_create_nothing_twice,
    a_bad_item_writes_nothing_and_is_named,
    metrics_and_order_events,
    import_files_resume,
    values_beyond_their_types_are_refused,
    what_rows_hang_on_cannot_change,
    a_batch_answers_the_ids_it_wrote
);

fn outcome(created: u64, updated: u64, unchanged: u64) -> Value {
    json!({"received": created + updated + unchanged, "created": created, "updated": updated, "unchanged": unchanged})
}

async fn creator_count(s: &TestServer) -> u64 {
    s.ok(&s.admin(), "{ creators { totalCount } }", json!({}))
        .await["creators"]["totalCount"]
        .as_u64()
        .unwrap()
}

async fn repeated_batches_create_nothing_twice(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let batch = json!([
        {"externalId": "cr-new", "market": "US", "handle": "new_face", "followers": 10,
         "accountWeight": 0.1, "ecommerceCapable": false, "niches": [{"niche": "makeup", "weight": 1.0}]},
    ]);
    let first = ingest(&s, "upsertCreators", "CreatorInput", batch.clone()).await;
    assert_eq!(first, outcome(1, 0, 0));
    let again = ingest(&s, "upsertCreators", "CreatorInput", batch).await;
    assert_eq!(again, outcome(0, 0, 1));
    assert_eq!(creator_count(&s).await, 4);
    let moved = json!([
        {"externalId": "cr-new", "market": "US", "handle": "new_face", "followers": 10,
         "accountWeight": 0.1, "ecommerceCapable": false, "niches": [{"niche": "skincare", "weight": 1.0}]},
    ]);
    assert_eq!(
        ingest(&s, "upsertCreators", "CreatorInput", moved).await,
        outcome(0, 1, 0)
    );
    let orders = json!([{"externalId": "or-1", "shop": "sh-glow", "product": "pr-serum", "creator": "cr-us",
        "content": "ct-us", "amountMinor": 2500, "currency": "USD", "placedAt": "2026-10-02T08:00:00Z"}]);
    assert_eq!(
        ingest(&s, "recordOrders", "OrderInput", orders).await,
        outcome(0, 0, 1)
    );
    s.stop().await;
}

/// Every mutation answers the ids of the rows its items wrote, in item order, the ones reads
/// return: a client sees what it created without looking it up by external id.
async fn a_batch_answers_the_ids_it_wrote(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let admin = s.admin();
    let creator = |external: &str, handle: &str| {
        json!({"externalId": external, "market": "US", "handle": handle, "followers": 10,
            "accountWeight": 0.1, "ecommerceCapable": false,
            "niches": [{"niche": "makeup", "weight": 1.0}]})
    };
    const UPSERT: &str = "mutation($items: [CreatorInput!]!) { upsertCreators(items: $items) {
        created unchanged ids } }";
    // A new creator, then one that exists (from the fixture): both get their row's id.
    let batch = json!([creator("cr-a", "alpha"), creator("cr-us", "glow_getter")]);
    let first = s.ok(&admin, UPSERT, json!({"items": batch})).await["upsertCreators"].clone();
    let ids: Vec<&str> = first["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{first}");
    for (id, external) in ids.iter().zip(["cr-a", "cr-us"]) {
        let read = s
            .ok(
                &admin,
                "query($id: ID!) { creator(id: $id) { externalId } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(read["creator"]["externalId"], external, "{id}");
    }
    let again = s.ok(&admin, UPSERT, json!({"items": batch})).await["upsertCreators"].clone();
    assert_eq!(again["ids"], first["ids"], "resending names the same rows");
    // Events name the row they apply to: a status change its order.
    let order = json!([{"externalId": "or-ids", "shop": "sh-glow", "product": "pr-serum",
        "creator": "cr-us", "content": "ct-us", "amountMinor": 2500, "currency": "USD",
        "placedAt": "2026-10-02T08:00:00Z"}]);
    let placed = s
        .ok(
            &admin,
            "mutation($items: [OrderInput!]!) { recordOrders(items: $items) { ids } }",
            json!({"items": order}),
        )
        .await["recordOrders"]["ids"][0]
        .clone();
    let shipped = json!([{"eventId": "ev-ids", "order": "or-ids", "status": "SHIPPED",
        "at": "2026-10-03T08:00:00Z"}]);
    let status = s
        .ok(
            &admin,
            "mutation($items: [OrderStatusInput!]!) { recordOrderStatus(items: $items) { ids } }",
            json!({"items": shipped}),
        )
        .await;
    assert_eq!(status["recordOrderStatus"]["ids"][0], placed, "{status}");
    let markets = s
        .ok(
            &admin,
            "mutation { upsertMarkets(items: [{code: \"US\", name: \"United States\",
                currency: \"USD\", timeZone: \"America/New_York\"}]) { ids } }",
            json!({}),
        )
        .await;
    assert_eq!(markets["upsertMarkets"]["ids"], json!(["US"]));
    s.stop().await;
}

async fn a_bad_item_writes_nothing_and_is_named(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let admin = s.admin();
    let creator = |ext: &str, handle: &str, followers: i64, market: &str, niche: &str| {
        json!({
            "externalId": ext, "market": market, "handle": handle, "followers": followers,
            "accountWeight": 0.5, "ecommerceCapable": true, "niches": [{"niche": niche, "weight": 1.0}]
        })
    };
    let cases = [
        (creator("cr-a", "a", -5, "US", "makeup"), "followers"),
        (creator("cr-a", "a", 5, "XX", "makeup"), "market"),
        (creator("cr-a", "a", 5, "US", "knitting"), "niches"),
    ];
    let mutation =
        "mutation($items: [CreatorInput!]!) { upsertCreators(items: $items) { created } }";
    for (bad, field) in cases {
        let items = json!([creator("cr-ok", "fine_one", 100, "US", "makeup"), bad]);
        let body = s.gql(Some(&admin), mutation, json!({"items": items})).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["index"], 1, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("items[1].{field}"))
        );
    }
    assert_eq!(
        creator_count(&s).await,
        3,
        "a failed batch leaves nothing written"
    );

    let taken = json!([creator("cr-other", "glowwithmia", 1, "US", "makeup")]);
    let body = s.gql(Some(&admin), mutation, json!({"items": taken})).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    let order = |currency: &str, placed: &str| {
        json!([{"externalId": "or-x", "shop": "sh-glow", "product": "pr-serum",
        "amountMinor": 100, "currency": currency, "placedAt": placed}])
    };
    let orders = "mutation($items: [OrderInput!]!) { recordOrders(items: $items) { created } }";
    let body = s
        .gql(
            Some(&admin),
            orders,
            json!({"items": order("GBP", "2026-10-01T00:00:00Z")}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "currency",
        "{body}"
    );
    let body = s
        .gql(
            Some(&admin),
            orders,
            json!({"items": order("USD", "2999-01-01T00:00:00Z")}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "placedAt",
        "{body}"
    );
    let wrong_shop = json!([{"externalId": "or-y", "shop": "sh-paws", "product": "pr-serum",
        "amountMinor": 100, "currency": "USD", "placedAt": "2026-10-01T00:00:00Z"}]);
    let body = s
        .gql(Some(&admin), orders, json!({"items": wrong_shop}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "product",
        "{body}"
    );

    let too_many: Vec<Value> = (0..1001)
        .map(|i| creator(&format!("c{i}"), &format!("h{i}"), 1, "US", "makeup"))
        .collect();
    let body = s
        .gql(Some(&admin), mutation, json!({"items": too_many}))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(creator_count(&s).await, 3);
    s.stop().await;
}

async fn metrics_and_order_events(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let admin = s.admin();
    let report = |event: &str, likes: i64, at: &str| {
        json!({"eventId": event, "content": "ct-us", "at": at,
        "impressions": 5000, "views": 1200, "completions": 400, "avgWatchSeconds": 14.5,
        "likes": likes, "comments": 30, "shares": 12})
    };
    let mutation = "mutation($items: [ContentMetricsInput!]!) { reportContentMetrics(items: $items) { created updated unchanged } }";
    let body = s
        .gql(
            Some(&admin),
            mutation,
            json!({"items": [report("m-1", 1300, "2026-10-05T00:00:00Z")]}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "likes",
        "likes above views: {body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("above views")
    );
    let data = s
        .ok(
            &admin,
            mutation,
            json!({"items": [report("m-1", 300, "2026-10-05T00:00:00Z")]}),
        )
        .await;
    assert_eq!(
        data["reportContentMetrics"]["created"], 1,
        "a first report is an event applied for the first time"
    );
    let data = s
        .ok(
            &admin,
            mutation,
            json!({"items": [report("m-1", 300, "2026-10-05T00:00:00Z")]}),
        )
        .await;
    assert_eq!(
        data["reportContentMetrics"]["unchanged"], 1,
        "a repeated report is skipped"
    );
    let stale = s
        .ok(
            &admin,
            mutation,
            json!({"items": [report("m-0", 100, "2026-10-04T00:00:00Z")]}),
        )
        .await;
    assert_eq!(
        stale["reportContentMetrics"]["unchanged"], 1,
        "an older report does not overwrite"
    );
    let read = s.ok(&admin, "query($id: ID!) { content(id: $id) { metrics { likes views } } }",
        json!({"id": s.ok(&admin, "{ creators(filter: {market: \"US\", minFollowers: 50000}) { edges { node { content { edges { node { id } } } } } } }", json!({})).await
            ["creators"]["edges"][0]["node"]["content"]["edges"][0]["node"]["id"]})).await;
    assert_eq!(
        read["content"]["metrics"],
        json!({"likes": 300, "views": 1200})
    );

    let status = "mutation($items: [OrderStatusInput!]!) { recordOrderStatus(items: $items) { created unchanged } }";
    let body = s
        .gql(
            Some(&admin),
            status,
            json!({"items": [
        {"eventId": "e-d", "order": "or-1", "status": "DELIVERED", "at": "2026-10-04T00:00:00Z"}]}),
        )
        .await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "no delivery before shipping: {body}"
    );
    let data = s.ok(&admin, status, json!({"items": [
        {"eventId": "e-d", "order": "or-1", "status": "DELIVERED", "at": "2026-10-04T00:00:00Z"},
        {"eventId": "e-s", "order": "or-1", "status": "SHIPPED", "at": "2026-10-02T20:00:00Z", "trackingValid": true}]})).await;
    assert_eq!(
        data["recordOrderStatus"]["created"], 2,
        "events apply in time order"
    );
    let reviews =
        "mutation($items: [ReviewInput!]!) { recordReviews(items: $items) { created unchanged } }";
    let body = s.gql(Some(&admin), reviews, json!({"items": [{"eventId": "r-1", "order": "or-1", "stars": 6, "at": "2026-10-05T00:00:00Z"}]})).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "stars");
    let data = s
        .ok(
            &admin,
            reviews,
            json!({"items": [
        {"eventId": "r-1", "order": "or-1", "stars": 5, "at": "2026-10-05T00:00:00Z"},
        {"eventId": "r-2", "order": "or-1", "stars": 1, "at": "2026-10-06T00:00:00Z"}]}),
        )
        .await;
    assert_eq!(
        data["recordReviews"],
        json!({"created": 1, "unchanged": 1}),
        "only the first review counts"
    );
    s.stop().await;
}

async fn import_files_resume(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/import");
    let args = || flywheel::cli::import::ImportArgs {
        files: vec![
            format!("{dir}/marketplace.ndjson").into(),
            format!("{dir}/creators.csv").into(),
            format!("{dir}/content.ndjson").into(),
        ],
        kind: None,
        batch_size: 2,
    };
    flywheel::cli::import::run(s.db_config(), args())
        .await
        .expect("import");
    assert_eq!(creator_count(&s).await, 5);
    flywheel::cli::import::run(s.db_config(), args())
        .await
        .expect("a re-run skips what is in");
    assert_eq!(creator_count(&s).await, 5);
    let jp = s.ok(&s.admin(), "{ creators(filter: {market: \"JP\"}) { edges { node { handle displayName niches { share niche { slug } } } } } }", json!({})).await;
    assert_eq!(
        jp["creators"]["edges"][0]["node"],
        json!({"handle": "tokyo_tidy", "displayName": "tokyo_tidy",
        "niches": [{"share": 1.0, "niche": {"slug": "storage"}}]})
    );
    // Content keeps its own `kind`; enums read in GraphQL's spelling or the stored one.
    let kay = s.creator_id("cr-im-1").await;
    let content = s
        .ok(
            &s.admin(),
            "query($id: ID!) { creator(id: $id) { content { edges { node { kind valueGrade } } } } }",
            json!({"id": kay}),
        )
        .await;
    assert_eq!(
        content["creator"]["content"]["edges"],
        json!([{"node": {"kind": "VIDEO", "valueGrade": "STRONGLY_USEFUL"}},
               {"node": {"kind": "LIVE", "valueGrade": "WEAKLY_USEFUL"}}])
    );

    let bad =
        std::env::temp_dir().join(format!("fw-bad-{}-{backend:?}.ndjson", std::process::id()));
    std::fs::write(&bad, "{\"record\":\"markets\",\"code\":\"FR\",\"name\":\"France\",\"currency\":\"EUR\",\"timeZone\":\"Europe/Paris\"}\n\
        {\"record\":\"niches\",\"slug\":\"x\",\"name\":\"X\",\"parentSlug\":\"nowhere\"}\n").unwrap();
    let err = flywheel::cli::import::run(
        s.db_config(),
        flywheel::cli::import::ImportArgs {
            files: vec![bad.clone()],
            kind: None,
            batch_size: 10,
        },
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains(":2:") && err.contains("parentSlug"), "{err}");
    assert!(
        err.contains("committed before it: markets 1 (1 created, 0 updated, 0 unchanged)"),
        "a failed import says what is in: {err}"
    );
    let _ = std::fs::remove_file(bad);
    s.stop().await;
}

/// Every value fits the type the schema declares and both databases store it alike: an `Int`
/// beyond 32 bits, a `Long` beyond 2^53 and an over-long text or code are BAD_USER_INPUT
/// naming the field, and a `Long` beyond 32 bits is stored and read back exactly.
async fn values_beyond_their_types_are_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let admin = s.admin();
    let send = |mutation: &'static str, input: &'static str, item: Value| {
        let (s, admin) = (&s, &admin);
        async move {
            let query = format!(
                "mutation($items: [{input}!]!) {{ {mutation}(items: $items) {{ created }} }}"
            );
            s.gql(Some(admin), &query, json!({ "items": [item] })).await
        }
    };
    let creator = |followers: Value, handle: String| {
        json!({"externalId": "cr-big", "market": "US", "handle": handle, "followers": followers,
            "accountWeight": 0.5, "ecommerceCapable": true, "niches": []})
    };
    let order = |external: &str, amount: Value| {
        json!({"externalId": external, "shop": "sh-glow", "product": "pr-serum",
            "amountMinor": amount, "currency": "USD", "placedAt": "2026-10-02T08:00:00Z"})
    };
    let refused = |body: &Value, needle: &str| {
        assert_eq!(error_code(body), Some("BAD_USER_INPUT"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{needle:?} in {message:?}");
    };
    let body = send(
        "upsertCreators",
        "CreatorInput",
        creator(json!(3_000_000_000i64), "big".into()),
    )
    .await;
    refused(&body, "Only integers from -2147483648 to 2147483647");
    let body = send(
        "upsertCreators",
        "CreatorInput",
        creator(json!(10), "x".repeat(1001)),
    )
    .await;
    refused(&body, "items[0].handle: at most 1000 characters, got 1001");
    let body = send(
        "upsertMarkets",
        "MarketInput",
        json!({"code": "A-MARKET-CODE-TOO-LONG", "name": "Far", "currency": "USD", "timeZone": "UTC"}),
    )
    .await;
    refused(&body, "items[0].code: at most 16 characters");
    let body = send(
        "recordOrders",
        "OrderInput",
        order("or-huge", json!(1i64 << 53)),
    )
    .await;
    refused(&body, "2^53");
    let big = 3_000_000_000i64;
    let body = send("recordOrders", "OrderInput", order("or-big", json!(big))).await;
    assert_eq!(body["data"]["recordOrders"]["created"], 1, "{body}");
    let data = s
        .ok(
            &admin,
            "query($id: ID!) { shop(id: $id) { orders(first: 50) { edges { node { externalId amount { amountMinor } } } } } }",
            json!({"id": f.shop_glow.to_string()}),
        )
        .await;
    let stored = data["shop"]["orders"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["externalId"] == "or-big")
        .map(|e| e["node"]["amount"]["amountMinor"].clone());
    assert_eq!(stored, Some(json!(big)), "a Long is read back exactly");
    s.stop().await;
}

/// An update may not change what other rows hang on: a creator's market, a piece's creator or
/// kind, a market's currency. Each is a CONFLICT naming the field, and nothing is written.
async fn what_rows_hang_on_cannot_change(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let admin = s.admin();
    // The fixture's piece ct-us (a video by cr-us), sent with another creator or kind.
    let piece = |creator: &str, kind: &str| {
        json!({"externalId": "ct-us", "creator": creator, "kind": kind, "niche": "skincare",
            "title": "5-step routine", "valueGrade": "STRONGLY_USEFUL",
            "publishedAt": "2026-10-01T12:00:00Z", "products": ["pr-serum"]})
    };
    let cases = [
        (
            "upsertCreators",
            "CreatorInput",
            "market",
            json!({"externalId": "cr-us", "market": "GB", "handle": "glowwithmia", "followers": 52000,
                "accountWeight": 0.6, "ecommerceCapable": true, "niches": []}),
        ),
        (
            "upsertContent",
            "ContentInput",
            "kind",
            piece("cr-us", "LIVE"),
        ),
        (
            "upsertContent",
            "ContentInput",
            "creator",
            piece("cr-us-dogs", "VIDEO"),
        ),
        (
            "upsertMarkets",
            "MarketInput",
            "currency",
            json!({"code": "US", "name": "United States", "currency": "EUR", "timeZone": "America/New_York"}),
        ),
    ];
    for (mutation, input, field, item) in cases {
        let query =
            format!("mutation($items: [{input}!]!) {{ {mutation}(items: $items) {{ updated }} }}");
        let body = s
            .gql(Some(&admin), &query, json!({ "items": [item] }))
            .await;
        assert_eq!(error_code(&body), Some("CONFLICT"), "{mutation}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!("items[0].{field}: cannot change once created")),
            "{message}"
        );
    }
    let data = s
        .ok(
            &admin,
            "{ creators(first: 10) { edges { node { externalId market { code currency } } } } }",
            json!({}),
        )
        .await;
    let us = data["creators"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["externalId"] == "cr-us")
        .map(|e| e["node"]["market"].clone());
    assert_eq!(
        us,
        Some(json!({"code": "US", "currency": "USD"})),
        "nothing written"
    );
    s.stop().await;
}
