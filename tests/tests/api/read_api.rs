//! The read API: cursor connections, filters, lookups, and DataLoaders keeping a page's cost
//! constant in SQL statements.

use flywheel_tests::fixture::{ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    pages_and_filters,
    a_page_costs_a_constant_number_of_statements
);

/// Adds `n` US creators, alternating between skincare and dog food.
async fn many_creators(s: &TestServer, n: usize) {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let niches = if i % 2 == 0 {
                json!([{"niche": "skincare", "weight": 0.6}, {"niche": "makeup", "weight": 0.4}])
            } else {
                json!([{"niche": "dog-food", "weight": 1.0}])
            };
            json!({"externalId": format!("bulk-{i}"), "market": "US", "handle": format!("bulk_{i}"),
                "followers": 1000 * (i as i64 + 1), "accountWeight": 0.5, "ecommerceCapable": i % 3 == 0,
                "niches": niches})
        })
        .collect();
    ingest(s, "upsertCreators", "CreatorInput", json!(items)).await;
}

async fn pages_and_filters(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    many_creators(&s, 60).await;
    let admin = s.admin();
    let page = "query($after: String) { creators(first: 25, after: $after, filter: {market: \"US\"}) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }";
    let mut after = Value::Null;
    let mut seen = Vec::new();
    loop {
        let data = s.ok(&admin, page, json!({"after": after})).await;
        let c = &data["creators"];
        assert_eq!(c["totalCount"], 62);
        seen.extend(
            c["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].clone()),
        );
        if c["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 62, "pages cover every creator once");
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), 62);

    let count = |filter: &'static str| {
        let s = &s;
        let admin = admin.clone();
        async move {
            let q = format!("{{ creators(filter: {filter}) {{ totalCount }} }}");
            s.ok(&admin, &q, json!({})).await["creators"]["totalCount"]
                .as_u64()
                .unwrap()
        }
    };
    let beauty = s.ok(&admin, "{ niches { id slug } }", json!({})).await["niches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["slug"] == "beauty")
        .unwrap()["id"]
        .clone();
    let by_category = s
        .ok(
            &admin,
            "query($n: ID!) { creators(filter: {nicheId: $n}) { totalCount } }",
            json!({"n": beauty}),
        )
        .await;
    assert_eq!(
        by_category["creators"]["totalCount"], 32,
        "a category covers its leaves"
    );
    assert_eq!(
        count("{minFollowers: 10000, maxFollowers: 20000}").await,
        11
    );
    assert_eq!(count("{market: \"US\", ecommerceCapable: true}").await, 21);
    let body = s
        .gql(
            Some(&admin),
            "{ creators(filter: {minFollowers: 5, maxFollowers: 1}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let body = s
        .gql(
            Some(&admin),
            "{ creators(after: \"garbage\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    // A filter naming nothing is refused, in one wording, rather than answering nothing.
    let brand = s.token(flywheel::auth::Role::Brand, Some(f.brand_glow), None, &[]);
    let brand_matches = format!(
        "{{ brand(id: {}) {{ creatorMatches(filter: FILTER) {{ totalCount }} }} }}",
        f.brand_glow
    );
    for (token, query, message) in [
        (
            &admin,
            "{ creators(filter: FILTER) { totalCount } }".to_owned(),
            "filter.market: no market \"us\" (codes are upper case: \"US\"); the markets are GB, US",
        ),
        (
            &brand,
            brand_matches,
            "filter.market: no market \"us\" (codes are upper case: \"US\"); the markets are GB, US",
        ),
        (
            &admin,
            "{ topContent(market: \"XX\") { totalCount } }".to_owned(),
            "market: no market \"XX\"; the markets are GB, US",
        ),
        (
            &admin,
            "{ creators(filter: {nicheId: \"999999\"}) { totalCount } }".to_owned(),
            "filter.nicheId: no niche 999999; the `niches` query lists the taxonomy",
        ),
    ] {
        let query = query.replace("FILTER", "{market: \"us\"}");
        let body = s.gql(Some(token), &query, json!({})).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{query}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{query}");
    }
    let body = s
        .gql(
            Some(&admin),
            "{ creator(id: \"999999\") { handle } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    let body = s
        .gql(
            Some(&admin),
            "{ creator(id: \"abc\") { handle } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));

    let detail = s.ok(&admin, "query($id: ID!) { creator(id: $id) { handle followers market { currency }
        niches { share niche { slug parent { slug } } } content { edges { node { kind valueGrade products { title price { amountMinor currency } } } } } } }",
        json!({"id": f.creator_us.to_string()})).await;
    assert_eq!(
        detail["creator"],
        json!({"handle": "glowwithmia", "followers": 52000, "market": {"currency": "USD"},
        "niches": [{"share": 0.7, "niche": {"slug": "skincare", "parent": {"slug": "beauty"}}},
                   {"share": 0.3, "niche": {"slug": "makeup", "parent": {"slug": "beauty"}}}],
        "content": {"edges": [{"node": {"kind": "VIDEO", "valueGrade": "STRONGLY_USEFUL",
            "products": [{"title": "Vitamin C serum", "price": {"amountMinor": 2500, "currency": "USD"}}]}}]}})
    );
    s.stop().await;
}

async fn a_page_costs_a_constant_number_of_statements(backend: Backend) {
    // A wide batch window: on a loaded machine a debug build can take longer than the default
    // window to resolve a page's rows; the point here is that every relation goes through a
    // loader, so the statement count does not depend on the page size.
    let limits = flywheel::graphql::Limits {
        batch_window: std::time::Duration::from_millis(250),
        ..Default::default()
    };
    let s = TestServer::start_with(backend, TestServer::default_http(), limits).await;
    marketplace(&s).await;
    many_creators(&s, 120).await;
    let admin = s.admin();
    let query = |first: u32| {
        format!(
            "{{ creators(first: {first}) {{ edges {{ node {{ handle market {{ code }} niches {{ share niche {{ name parent {{ name }} }} }} }} }} }} }}"
        )
    };
    let mut costs = Vec::new();
    for first in [10, 100] {
        let before = s.metric("flywheel_sql_statements_total").await;
        let data = s.ok(&admin, &query(first), json!({})).await;
        let after = s.metric("flywheel_sql_statements_total").await;
        assert_eq!(
            data["creators"]["edges"].as_array().unwrap().len(),
            first as usize
        );
        costs.push(after - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "a page of 100 costs what a page of 10 does: {costs:?}"
    );
    assert!(
        costs[1] <= 4.0,
        "page, markets, niche links joined with their niches, parents: {costs:?}"
    );
    s.stop().await;
}
