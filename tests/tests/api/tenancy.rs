//! Tenancy over HTTP: walking the schema from each role, no brand, shop or scout learns
//! another's private data, in data, explanations or error messages. Paws & Co shares one
//! creator with Glow Labs (glowwithmia) and has partners of its own, one of them cancelled;
//! everything Glow Labs is told is searched for Paws & Co and those partners.

use flywheel::auth::Role;
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    explanations_and_errors_name_no_other_tenant,
    lookups_by_external_id_tell_no_more_than_by_id
);

/// Every string under `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn errors(body: &Value) -> Value {
    let mut e = body["errors"].clone();
    for err in e.as_array_mut().into_iter().flatten() {
        err.as_object_mut().map(|o| o.remove("locations"));
    }
    e
}

/// Paws & Co's private partners: one it shares with Glow Labs' creator's niche, cancelled.
async fn paws_partners(s: &TestServer) -> i64 {
    ingest(s, "upsertCreators", "CreatorInput", json!([
        {"externalId": "cr-secret", "market": "US", "handle": "paws_secret_pick", "followers": 9000,
         "accountWeight": 0.5, "ecommerceCapable": true, "niches": [{"niche": "skincare", "weight": 1.0}]},
    ])).await;
    ingest(s, "upsertCollaborations", "CollaborationInput", json!([
        {"externalId": "co-paws-shared", "brand": "br-paws", "creator": "cr-us", "status": "COMPLETED",
         "startedAt": "2026-07-01T00:00:00Z", "endedAt": "2026-08-01T00:00:00Z", "gmvMinor": 90000, "currency": "USD"},
        {"externalId": "co-paws-secret", "brand": "br-paws", "creator": "cr-secret", "status": "CANCELLED",
         "startedAt": "2026-07-01T00:00:00Z", "endedAt": "2026-07-10T00:00:00Z", "gmvMinor": 0, "currency": "USD"},
    ])).await;
    s.creator_id("cr-secret").await.parse().expect("an id")
}

const MATCHES: &str = "query($b: ID!) { brand(id: $b) { creatorMatches(first: 50, filter: \
    {includeExistingCollaborators: true}) { message edges { node { creator { handle } explanation } } } } }";
const LOOKALIKES: &str = "query($c: ID!) { creator(id: $c) { lookalikes(first: 50) { message \
    edges { node { creator { handle } explanation } } } } }";

async fn explanations_and_errors_name_no_other_tenant(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f: Fixture = marketplace(&s).await;
    let secret = paws_partners(&s).await;
    let admin = s.admin();
    let glow = s.token(Role::Brand, Some(f.brand_glow), None, &[]);

    // The operator sees the path through Paws & Co by name: the leak was real.
    let full = s
        .ok(&admin, MATCHES, json!({"b": f.brand_glow.to_string()}))
        .await;
    let mut admin_words = Vec::new();
    strings(&full, &mut admin_words);
    assert!(
        admin_words.iter().any(|w| w.contains("Paws & Co")),
        "{full:#}"
    );

    // Everything Glow Labs is told, explanations and errors alike.
    let mut told: Vec<String> = Vec::new();
    let mut seen = |body: &Value| {
        let mut words = Vec::new();
        strings(&body["data"], &mut words);
        strings(&body["errors"], &mut words);
        told.extend(words);
    };
    let body = s
        .gql(Some(&glow), MATCHES, json!({"b": f.brand_glow.to_string()}))
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let explained = body["data"]["brand"]["creatorMatches"]["edges"].clone();
    assert!(
        explained
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["explanation"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t.as_str().unwrap().contains("creators you worked with"))),
        "the path through Paws & Co is told without it: {explained:#}"
    );
    // Explanations (not the match list itself) must not name Paws & Co's own partners.
    let mut words = Vec::new();
    for e in explained.as_array().unwrap() {
        strings(&e["node"]["explanation"], &mut words);
    }
    // Lookalikes name their seed (the caller's choice), never a brand behind it.
    for (c, seed) in [(f.creator_us, "glowwithmia"), (secret, "paws_secret_pick")] {
        let body = s
            .gql(Some(&glow), LOOKALIKES, json!({"c": c.to_string()}))
            .await;
        for e in body["data"]["creator"]["lookalikes"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let mut texts = Vec::new();
            strings(&e["node"]["explanation"], &mut texts);
            words.extend(texts.into_iter().map(|t| t.replace(seed, "SEED")));
        }
        strings(&body["errors"], &mut words);
    }
    // Foreign ids: another brand, its shop, its matches and collaborations.
    for (query, vars) in [
        (
            "query($b: ID!) { brand(id: $b) { name } }",
            json!({"b": f.brand_paws.to_string()}),
        ),
        (MATCHES, json!({"b": f.brand_paws.to_string()})),
        (
            "query($s: ID!) { shop(id: $s) { name } }",
            json!({"s": f.shop_paws.to_string()}),
        ),
        (
            "query($b: ID!) { shops(filter: {brandId: $b}) { totalCount } }",
            json!({"b": f.brand_paws.to_string()}),
        ),
    ] {
        seen(&s.gql(Some(&glow), query, vars).await);
    }
    let taken = s.gql(Some(&glow), "mutation($i: [CollaborationInput!]!) { upsertCollaborations(items: $i) { created } }",
        json!({"i": [{"externalId": "co-paws-secret", "brand": "br-glow", "creator": "cr-us", "status": "PROPOSED",
            "startedAt": "2026-10-01T00:00:00Z", "currency": "USD"}]})).await;
    assert!(
        taken["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already in use"),
        "{taken:#}"
    );
    seen(&taken);
    let named = s.gql(Some(&glow), "mutation($i: [CollaborationInput!]!) { upsertCollaborations(items: $i) { created } }",
        json!({"i": [{"externalId": "co-x", "brand": "br-paws", "creator": "cr-us", "status": "PROPOSED",
            "startedAt": "2026-10-01T00:00:00Z", "currency": "USD"}]})).await;
    let unknown = s.gql(Some(&glow), "mutation($i: [CollaborationInput!]!) { upsertCollaborations(items: $i) { created } }",
        json!({"i": [{"externalId": "co-x", "brand": "br-nobody", "creator": "cr-us", "status": "PROPOSED",
            "startedAt": "2026-10-01T00:00:00Z", "currency": "USD"}]})).await;
    assert_eq!(
        errors(&named),
        errors(&unknown),
        "another brand reads as no brand"
    );
    seen(&named);
    words.extend(told);
    let forbidden = [
        "Paws",
        "paws_secret_pick",
        "barkbox_ben",
        "cr-secret",
        "cr-us-dogs",
        "br-paws",
    ];
    for w in &words {
        for bad in forbidden {
            assert!(
                !w.contains(bad),
                "Glow Labs was told {w:?}, which names {bad:?}"
            );
        }
        assert!(!w.contains(&format!("#{secret}")), "{w:?}");
    }

    // Foreign and missing ids answer alike, for every role's scoped lookups.
    let scout_us = s.token(Role::Scout, None, None, &["US"]);
    let paws_shop = s.token(Role::Shop, None, Some(f.shop_paws), &[]);
    let cases: [(&str, &str, &str, i64); 4] = [
        (
            "scout: creator of another market",
            &scout_us,
            "query($id: ID!) { creator(id: $id) { handle } }",
            f.creator_gb,
        ),
        (
            "brand: another brand's shop",
            &glow,
            "query($id: ID!) { shop(id: $id) { name } }",
            f.shop_paws,
        ),
        (
            "shop: another shop",
            &paws_shop,
            "query($id: ID!) { shop(id: $id) { name } }",
            f.shop_glow,
        ),
        (
            "brand: another brand",
            &glow,
            "query($id: ID!) { brand(id: $id) { name } }",
            f.brand_paws,
        ),
    ];
    for (what, token, query, id) in cases {
        let foreign = s
            .gql(Some(token), query, json!({"id": id.to_string()}))
            .await;
        let missing = s.gql(Some(token), query, json!({"id": "999999"})).await;
        assert!(foreign.get("errors").is_some(), "{what}: {foreign:#}");
        assert_eq!(
            errors(&foreign).to_string().replace(&id.to_string(), "ID"),
            errors(&missing).to_string().replace("999999", "ID"),
            "{what}: a foreign id must read as a missing one"
        );
    }
    s.stop().await;
}

/// Root fields read a row by the externalId a batch gave it as well as by id; a refusal or a
/// miss repeats only the key sent, so another tenant's row and a missing one look alike.
async fn lookups_by_external_id_tell_no_more_than_by_id(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let admin = s.admin();
    let glow = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    let scout_gb = s.token(Role::Scout, None, None, &["GB"]);
    let ask = |token: &str, query: &str| {
        let (s, token, query) = (&s, token.to_owned(), query.to_owned());
        async move { s.gql(Some(&token), &query, json!({})).await }
    };
    let data = ask(&admin, "{ brand(externalId: \"br-glow\") { id } shop(externalId: \"sh-paws\") { id } creator(externalId: \"cr-us\") { id } content(externalId: \"ct-us\") { id } }").await;
    assert_eq!(
        (
            &data["data"]["brand"]["id"],
            &data["data"]["shop"]["id"],
            &data["data"]["creator"]["id"]
        ),
        (
            &json!(f.brand_glow.to_string()),
            &json!(f.shop_paws.to_string()),
            &json!(f.creator_us.to_string())
        ),
        "{data}"
    );
    assert_eq!(data["data"]["content"]["id"], f.content_us.to_string());
    let own = ask(&glow, "{ brand(externalId: \"br-glow\") { name } }").await;
    assert_eq!(own["data"]["brand"]["name"], "Glow Labs", "{own}");
    // Another brand's row and a missing one: the same refusal, naming only what was sent.
    for (token, query, code, message) in [
        (
            &glow,
            "{ brand(externalId: \"br-paws\") { name } }",
            "FORBIDDEN",
            "brand \"br-paws\" is not yours",
        ),
        (
            &glow,
            "{ brand(externalId: \"br-nope\") { name } }",
            "FORBIDDEN",
            "brand \"br-nope\" is not yours",
        ),
        (
            &glow,
            "{ shop(externalId: \"sh-paws\") { name } }",
            "FORBIDDEN",
            "shop \"sh-paws\" is not yours",
        ),
        (
            &glow,
            "{ shop(externalId: \"sh-nope\") { name } }",
            "FORBIDDEN",
            "shop \"sh-nope\" is not yours",
        ),
        (
            &scout_gb,
            "{ creator(externalId: \"cr-us\") { handle } }",
            "NOT_FOUND",
            "no creator with externalId \"cr-us\"",
        ),
        (
            &scout_gb,
            "{ creator(externalId: \"cr-nope\") { handle } }",
            "NOT_FOUND",
            "no creator with externalId \"cr-nope\"",
        ),
        (
            &admin,
            "{ brand(externalId: \"br-nope\") { name } }",
            "NOT_FOUND",
            "no brand with externalId \"br-nope\"",
        ),
        (
            &admin,
            "{ brand(id: \"1\", externalId: \"br-glow\") { name } }",
            "BAD_USER_INPUT",
            "give exactly one of `id` and `externalId`",
        ),
        (
            &admin,
            "{ brand { name } }",
            "BAD_USER_INPUT",
            "give exactly one of `id` and `externalId`",
        ),
    ] {
        let body = ask(token, query).await;
        assert_eq!(error_code(&body), Some(code), "{query}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{query}");
    }
    s.stop().await;
}
