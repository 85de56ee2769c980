//! A small marketplace ingested over HTTP, the way a client would send it.

use crate::TestServer;
use flywheel::auth::Role;
use serde_json::{Value, json};

/// Ids of the fixture's rows, as the API reports them.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub brand_glow: i64,
    pub brand_paws: i64,
    pub shop_glow: i64,
    pub shop_paws: i64,
    pub shop_indie: i64,
    pub creator_us: i64,
    pub creator_gb: i64,
    pub content_us: i64,
}

/// Ingests one batch as admin and returns its outcome.
pub async fn ingest(server: &TestServer, mutation: &str, input: &str, items: Value) -> Value {
    let query = format!(
        "mutation($items: [{input}!]!) {{ {mutation}(items: $items) {{ received created updated unchanged }} }}"
    );
    let data = server
        .ok(&server.admin(), &query, json!({ "items": items }))
        .await;
    data[mutation].clone()
}

async fn id_of(server: &TestServer, list: &str, external_id: &str) -> i64 {
    let query = format!("{{ {list}(first: 100) {{ edges {{ node {{ id externalId }} }} }} }}");
    let data = server.ok(&server.admin(), &query, json!({})).await;
    data[list]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["externalId"] == external_id)
        .and_then(|e| e["node"]["id"].as_str())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{external_id} not found in {list}"))
}

/// Opens a pipeline entry for the US creator as a scout of the US; returns the entry's id.
pub async fn us_prospect(server: &TestServer, f: &Fixture) -> String {
    let scout = server.token(Role::Scout, None, None, &["US"]);
    let data = server
        .ok(
            &scout,
            "mutation($items: [ProspectInput!]!) { addProspects(items: $items) { id } }",
            json!({"items": [{"creatorId": f.creator_us.to_string(), "market": "US"}]}),
        )
        .await;
    data["addProspects"][0]["id"]
        .as_str()
        .expect("entry id")
        .to_owned()
}

/// Markets US and GB, a two-category taxonomy, three creators, two brands, three shops.
pub async fn marketplace(server: &TestServer) -> Fixture {
    ingest(server, "upsertMarkets", "MarketInput", json!([
        {"code": "US", "name": "United States", "currency": "USD", "timeZone": "America/New_York"},
        {"code": "GB", "name": "United Kingdom", "currency": "GBP", "timeZone": "Europe/London"},
    ])).await;
    ingest(
        server,
        "upsertNiches",
        "NicheInput",
        json!([
            {"slug": "beauty", "name": "Beauty"},
            {"slug": "skincare", "name": "Skincare", "parentSlug": "beauty"},
            {"slug": "makeup", "name": "Makeup", "parentSlug": "beauty"},
            {"slug": "pets", "name": "Pets"},
            {"slug": "dog-food", "name": "Dog Food", "parentSlug": "pets"},
        ]),
    )
    .await;
    ingest(
        server,
        "upsertCreators",
        "CreatorInput",
        json!([
            {"externalId": "cr-us", "market": "US", "handle": "glowwithmia", "followers": 52000,
             "accountWeight": 0.6, "ecommerceCapable": true,
             "niches": [{"niche": "skincare", "weight": 0.7}, {"niche": "makeup", "weight": 0.3}]},
            {"externalId": "cr-us-dogs", "market": "US", "handle": "barkbox_ben", "followers": 4800,
             "accountWeight": 0.3, "ecommerceCapable": false,
             "niches": [{"niche": "dog-food", "weight": 1.0}]},
            {"externalId": "cr-gb", "market": "GB", "handle": "londonlashes", "followers": 210000,
             "accountWeight": 0.8, "ecommerceCapable": true,
             "niches": [{"niche": "makeup", "weight": 1.0}]},
        ]),
    )
    .await;
    ingest(
        server,
        "upsertBrands",
        "BrandInput",
        json!([
            {"externalId": "br-glow", "name": "Glow Labs", "markets": ["US", "GB"],
             "niches": [{"niche": "skincare", "weight": 0.8}, {"niche": "makeup", "weight": 0.2}]},
            {"externalId": "br-paws", "name": "Paws & Co", "markets": ["US"],
             "niches": [{"niche": "dog-food", "weight": 1.0}]},
        ]),
    )
    .await;
    ingest(server, "upsertShops", "ShopInput", json!([
        {"externalId": "sh-glow", "market": "US", "brand": "br-glow", "name": "Glow Labs US", "openedAt": "2024-01-10T00:00:00Z"},
        {"externalId": "sh-paws", "market": "US", "brand": "br-paws", "name": "Paws US", "openedAt": "2025-03-01T00:00:00Z"},
        {"externalId": "sh-indie", "market": "GB", "name": "Indie Beauty", "openedAt": "2025-06-01T00:00:00Z"},
    ])).await;
    ingest(server, "upsertProducts", "ProductInput", json!([
        {"externalId": "pr-serum", "shop": "sh-glow", "niche": "skincare", "title": "Vitamin C serum", "priceMinor": 2500, "currency": "USD"},
        {"externalId": "pr-kibble", "shop": "sh-paws", "niche": "dog-food", "title": "Grain-free kibble", "priceMinor": 4000, "currency": "USD"},
        {"externalId": "pr-lips", "shop": "sh-indie", "niche": "makeup", "title": "Matte lipstick", "priceMinor": 1200, "currency": "GBP"},
    ])).await;
    ingest(server, "upsertContent", "ContentInput", json!([
        {"externalId": "ct-us", "creator": "cr-us", "kind": "VIDEO", "niche": "skincare", "title": "5-step routine",
         "valueGrade": "STRONGLY_USEFUL", "publishedAt": "2026-10-01T12:00:00Z", "products": ["pr-serum"]},
        {"externalId": "ct-gb", "creator": "cr-gb", "kind": "LIVE", "niche": "makeup", "title": "Friday live",
         "valueGrade": "WEAKLY_USEFUL", "publishedAt": "2026-10-03T19:00:00Z", "products": ["pr-lips"]},
    ])).await;
    ingest(server, "recordOrders", "OrderInput", json!([
        {"externalId": "or-1", "shop": "sh-glow", "product": "pr-serum", "creator": "cr-us", "content": "ct-us",
         "amountMinor": 2500, "currency": "USD", "placedAt": "2026-10-02T08:00:00Z"},
    ])).await;
    ingest(server, "upsertCollaborations", "CollaborationInput", json!([
        {"externalId": "co-1", "brand": "br-glow", "creator": "cr-us", "status": "ACTIVE",
         "startedAt": "2026-09-01T00:00:00Z", "gmvMinor": 125000, "currency": "USD"},
        {"externalId": "co-2", "brand": "br-paws", "creator": "cr-us-dogs", "status": "COMPLETED",
         "startedAt": "2026-05-01T00:00:00Z", "endedAt": "2026-06-01T00:00:00Z", "gmvMinor": 40000, "currency": "USD"},
    ])).await;
    let content_us = {
        let data = server
            .ok(
                &server.admin(),
                "query($id: ID!) { creator(id: $id) { content { edges { node { id } } } } }",
                json!({ "id": id_of(server, "creators", "cr-us").await.to_string() }),
            )
            .await;
        data["creator"]["content"]["edges"][0]["node"]["id"]
            .as_str()
            .expect("content id")
            .parse()
            .expect("int")
    };
    Fixture {
        brand_glow: id_of(server, "brands", "br-glow").await,
        brand_paws: id_of(server, "brands", "br-paws").await,
        shop_glow: id_of(server, "shops", "sh-glow").await,
        shop_paws: id_of(server, "shops", "sh-paws").await,
        shop_indie: id_of(server, "shops", "sh-indie").await,
        creator_us: id_of(server, "creators", "cr-us").await,
        creator_gb: id_of(server, "creators", "cr-gb").await,
        content_us,
    }
}
