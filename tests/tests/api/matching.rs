//! Brand-to-creator matches and lookalikes over HTTP: the graph follows writes made over
//! HTTP, filters and pagination, who may ask, and bad input.

use flywheel::auth::Role;
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    graph_follows_writes,
    filters_pagination_and_lookalikes,
    refusals_and_bad_input
);

const MATCHES: &str = "query($id: ID!, $first: Int, $after: String, $filter: MatchFilter) {
  brand(id: $id) { creatorMatches(first: $first, after: $after, filter: $filter) {
    totalCount message pageInfo { hasNextPage }
    edges { cursor node { creator { externalId } score confidence existingCollaborator
      explanation components { name value weight share } } } } } }";

const LOOKALIKES: &str = "query($id: ID!, $filter: MatchFilter) {
  creator(id: $id) { lookalikes(filter: $filter) { totalCount
    edges { node { creator { externalId } explanation } } } } }";

/// Runs a match query for a brand as `token`; returns the whole response.
async fn matches(s: &TestServer, token: &str, brand: i64, vars: Value) -> Value {
    let mut variables = json!({ "id": brand.to_string() });
    variables
        .as_object_mut()
        .expect("object")
        .extend(vars.as_object().expect("object").clone());
    s.gql(Some(token), MATCHES, variables).await
}

/// The matched creators' external ids, best first.
fn creators(body: &Value) -> Vec<String> {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["brand"]["creatorMatches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["creator"]["externalId"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect()
}

fn node<'a>(body: &'a Value, creator: &str) -> &'a Value {
    body["data"]["brand"]["creatorMatches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["creator"]["externalId"] == creator)
        .unwrap_or_else(|| panic!("{creator} not matched in {body:#}"))
}

fn glow(s: &TestServer, f: &Fixture) -> String {
    s.token(Role::Brand, Some(f.brand_glow), None, &[])
}

async fn graph_follows_writes(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let token = glow(&s, &f);

    // cr-us already works with Glow Labs: excluded unless asked for, then explained.
    let body = matches(&s, &token, f.brand_glow, json!({})).await;
    assert_eq!(creators(&body), ["cr-gb"]);
    let body = matches(
        &s,
        &token,
        f.brand_glow,
        json!({"filter": {"includeExistingCollaborators": true}}),
    )
    .await;
    let us = node(&body, "cr-us");
    assert_eq!(us["existingCollaborator"], true);
    assert!(
        us["explanation"]
            .as_array()
            .expect("explanation")
            .iter()
            .any(|t| t.as_str().unwrap_or_default().contains("worked with you")),
        "{us:#}"
    );
    let gb = node(&body, "cr-gb");
    assert_eq!(gb["existingCollaborator"], false);
    let text = gb["explanation"][0].as_str().expect("explanation");
    assert!(text.contains("Makeup"), "{text}");
    let shares: f64 = gb["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| c["share"].as_f64().expect("share"))
        .sum();
    assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");

    // The brand records a collaboration with cr-gb over HTTP: the very next query sees it.
    let record = "mutation($items: [CollaborationInput!]!) { upsertCollaborations(items: $items) { created } }";
    let item = json!([{"externalId": "co-3", "brand": "br-glow", "creator": "cr-gb", "status": "ACTIVE",
        "startedAt": "2026-11-01T00:00:00Z", "gmvMinor": 5000, "currency": "GBP"}]);
    let data = s.ok(&token, record, json!({ "items": item })).await;
    assert_eq!(data["upsertCollaborations"]["created"], 1);
    let body = matches(&s, &token, f.brand_glow, json!({})).await;
    assert!(creators(&body).is_empty(), "{body:#}");
    let body = matches(
        &s,
        &token,
        f.brand_glow,
        json!({"filter": {"includeExistingCollaborators": true}}),
    )
    .await;
    assert_eq!(node(&body, "cr-gb")["existingCollaborator"], true);

    // A new skincare creator ingested over HTTP is matched at once.
    ingest(&s, "upsertCreators", "CreatorInput", json!([
        {"externalId": "cr-new", "market": "US", "handle": "dewy_dana", "followers": 9000,
         "accountWeight": 0.4, "ecommerceCapable": true, "niches": [{"niche": "skincare", "weight": 1.0}]},
    ])).await;
    let body = matches(&s, &token, f.brand_glow, json!({})).await;
    assert_eq!(creators(&body), ["cr-new"]);
    s.stop().await;
}

async fn filters_pagination_and_lookalikes(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let token = glow(&s, &f);
    ingest(&s, "upsertCreators", "CreatorInput", json!([
        {"externalId": "cr-skin-gb", "market": "GB", "handle": "skin_sam", "followers": 3000,
         "accountWeight": 0.4, "ecommerceCapable": false, "niches": [{"niche": "skincare", "weight": 1.0}]},
    ])).await;
    let all = json!({"includeExistingCollaborators": true});
    let with = |extra: Value| {
        let mut filter = all.clone();
        filter
            .as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        json!({ "filter": filter })
    };
    let mut everyone = creators(&matches(&s, &token, f.brand_glow, with(json!({}))).await);
    everyone.sort();
    assert_eq!(everyone, ["cr-gb", "cr-skin-gb", "cr-us"]);

    let cases = [
        (json!({"market": "GB"}), vec!["cr-gb", "cr-skin-gb"]),
        (
            json!({"minFollowers": 4000, "maxFollowers": 100000}),
            vec!["cr-us"],
        ),
        (json!({"ecommerceCapable": true}), vec!["cr-gb", "cr-us"]),
        (
            json!({"nicheId": niche_id(&s, "makeup").await}),
            vec!["cr-gb", "cr-us"],
        ),
        (
            json!({"nicheId": niche_id(&s, "beauty").await, "market": "US"}),
            vec!["cr-us"],
        ),
        // No content score is stored yet, so a minimum leaves everyone out.
        (json!({"minContentScore": 10}), vec![]),
    ];
    for (extra, expected) in cases {
        let mut got = creators(&matches(&s, &token, f.brand_glow, with(extra.clone())).await);
        got.sort();
        assert_eq!(got, expected, "filter {extra}");
    }

    // An upheld violation reaches the directory through ingest.
    ingest(&s, "recordViolations", "ViolationInput", json!([
        {"externalId": "vi-1", "subjectKind": "CREATOR", "subject": "cr-gb", "severity": "MAJOR",
         "upheld": true, "reason": "undisclosed ad", "occurredAt": "2026-11-20T00:00:00Z"},
    ])).await;
    let mut clean = creators(
        &matches(
            &s,
            &token,
            f.brand_glow,
            with(json!({"noRecentViolations": true})),
        )
        .await,
    );
    clean.sort();
    assert_eq!(clean, ["cr-skin-gb", "cr-us"]);

    // Pages of one walk the same order as one page of three, without repeats.
    let whole = creators(&matches(&s, &token, f.brand_glow, with(json!({}))).await);
    let mut walked = Vec::new();
    let mut after = Value::Null;
    loop {
        let mut vars = with(json!({}));
        vars["first"] = json!(1);
        vars["after"] = after.clone();
        let body = matches(&s, &token, f.brand_glow, vars).await;
        walked.extend(creators(&body));
        let conn = &body["data"]["brand"]["creatorMatches"];
        assert_eq!(conn["totalCount"], 3);
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["edges"][0]["cursor"].clone();
    }
    assert_eq!(walked, whole);

    // Lookalikes of cr-us: never itself; cr-gb shares its makeup niche.
    let data = s
        .ok(&token, LOOKALIKES, json!({"id": f.creator_us.to_string()}))
        .await;
    let like: Vec<&str> = data["creator"]["lookalikes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["creator"]["externalId"].as_str().expect("id"))
        .collect();
    assert!(!like.contains(&"cr-us"), "{like:?}");
    assert!(like.contains(&"cr-gb"), "{like:?}");
    s.stop().await;
}

async fn niche_id(s: &TestServer, slug: &str) -> String {
    let query = "query($parent: ID) { niches(parentId: $parent) { id slug } }";
    let categories = s.ok(&s.admin(), query, json!({})).await["niches"].clone();
    let mut all = categories.as_array().expect("niches").clone();
    for c in categories.as_array().expect("niches") {
        let leaves = s.ok(&s.admin(), query, json!({"parent": c["id"]})).await;
        all.extend(leaves["niches"].as_array().expect("niches").iter().cloned());
    }
    all.iter()
        .find(|n| n["slug"] == slug)
        .and_then(|n| n["id"].as_str())
        .unwrap_or_else(|| panic!("niche {slug} missing"))
        .to_owned()
}

async fn refusals_and_bad_input(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let paws = s.token(Role::Brand, Some(f.brand_paws), None, &[]);
    let admin = s.admin();

    // Another brand's matches are refused; admins may ask for any brand's.
    let body = matches(&s, &paws, f.brand_glow, json!({})).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    assert_eq!(
        creators(&matches(&s, &admin, f.brand_glow, json!({})).await),
        ["cr-gb"]
    );
    // Scouts may read creators but not their lookalikes.
    let scout = s.token(Role::Scout, None, None, &["US"]);
    let body = s
        .gql(
            Some(&scout),
            LOOKALIKES,
            json!({"id": f.creator_us.to_string()}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");

    let body = matches(&s, &admin, 999_999, json!({})).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body:#}");
    let bad = [
        json!({"first": 101}),
        json!({"filter": {"minFollowers": 10, "maxFollowers": 5}}),
        json!({"filter": {"minFollowers": -1}}),
        json!({"filter": {"minContentScore": 101}}),
        json!({"after": "not-a-cursor"}),
    ];
    for vars in bad {
        let body = matches(&s, &admin, f.brand_glow, vars.clone()).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{vars}: {body:#}"
        );
    }

    // A brand with no niches and no collaborations: an empty result with a message.
    ingest(
        &s,
        "upsertBrands",
        "BrandInput",
        json!([
            {"externalId": "br-new", "name": "New Brand", "markets": ["US"], "niches": []},
        ]),
    )
    .await;
    let data = s
        .ok(
            &admin,
            "{ brands(first: 100) { edges { node { id externalId } } } }",
            json!({}),
        )
        .await;
    let new_brand: i64 = data["brands"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["externalId"] == "br-new")
        .and_then(|e| e["node"]["id"].as_str())
        .and_then(|id| id.parse().ok())
        .expect("br-new");
    let body = matches(&s, &admin, new_brand, json!({})).await;
    assert!(creators(&body).is_empty());
    let conn = &body["data"]["brand"]["creatorMatches"];
    assert_eq!(conn["totalCount"], 0);
    assert!(
        conn["message"]
            .as_str()
            .is_some_and(|m| m.contains("no niches")),
        "{body:#}"
    );
    s.stop().await;
}
