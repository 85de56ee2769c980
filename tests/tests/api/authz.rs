//! The authorisation matrix: every query and mutation, asked by every role and scope, is
//! either answered or refused: FORBIDDEN, or NOT_FOUND for a creator, a piece or an entry
//! found by id outside the caller's scope, exactly as for a missing one (`tenancy.rs` holds
//! that exactness). UNAUTHENTICATED without a token.

use flywheel::auth::Role;
use flywheel_tests::fixture::{Fixture, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(every_operation_by_every_role, scoped_lists);

const CALLERS: [&str; 7] = [
    "admin",
    "brand_glow",
    "brand_paws",
    "scout_us",
    "scout_gb",
    "shop_glow",
    "shop_paws",
];

fn tokens(s: &TestServer, f: &Fixture) -> Vec<(&'static str, String)> {
    CALLERS
        .iter()
        .map(|&name| {
            let token = match name {
                "admin" => s.admin(),
                "brand_glow" => s.token(Role::Brand, Some(f.brand_glow), None, &[]),
                "brand_paws" => s.token(Role::Brand, Some(f.brand_paws), None, &[]),
                "scout_us" => s.token(Role::Scout, None, None, &["US"]),
                "scout_gb" => s.token(Role::Scout, None, None, &["GB"]),
                "shop_glow" => s.token(Role::Shop, None, Some(f.shop_glow), &[]),
                "shop_paws" => s.token(Role::Shop, None, Some(f.shop_paws), &[]),
                _ => unreachable!(),
            };
            (name, token)
        })
        .collect()
}

/// One operation and who may run it.
struct Case {
    name: &'static str,
    query: String,
    variables: Value,
    allowed: &'static [&'static str],
}

fn case(
    name: &'static str,
    query: &str,
    variables: Value,
    allowed: &'static [&'static str],
) -> Case {
    Case {
        name,
        query: query.to_owned(),
        variables,
        allowed,
    }
}

fn mutation(field: &str, input: &str, item: Value, allowed: &'static [&'static str]) -> Case {
    Case {
        name: "mutation",
        query: format!("mutation($items: [{input}!]!) {{ {field}(items: $items) {{ received }} }}"),
        variables: json!({ "items": [item] }),
        allowed,
    }
}

const ALL: &[&str] = &CALLERS;
const ADMIN: &[&str] = &["admin"];

fn cases(f: &Fixture) -> Vec<Case> {
    let id = |n: i64| json!({ "id": n.to_string() });
    vec![
        case("me", "{ me { role } }", json!({}), ALL),
        case("markets", "{ markets { code } }", json!({}), ALL),
        case("niches", "{ niches { slug } }", json!({}), ALL),
        case(
            "creator US",
            "query($id: ID!) { creator(id: $id) { handle niches { share } market { code } } }",
            id(f.creator_us),
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "creator GB",
            "query($id: ID!) { creator(id: $id) { handle } }",
            id(f.creator_gb),
            &["admin", "brand_glow", "brand_paws", "scout_gb"],
        ),
        case(
            "creators",
            "{ creators { totalCount } }",
            json!({}),
            &["admin", "brand_glow", "brand_paws", "scout_us", "scout_gb"],
        ),
        case(
            "creators GB",
            "{ creators(filter: {market: \"GB\"}) { totalCount } }",
            json!({}),
            &["admin", "brand_glow", "brand_paws", "scout_gb"],
        ),
        case(
            "content",
            "query($id: ID!) { content(id: $id) { title products { title } } }",
            id(f.content_us),
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "brand",
            "query($id: ID!) { brand(id: $id) { name markets { code } niches { weight } } }",
            id(f.brand_glow),
            &["admin", "brand_glow"],
        ),
        case(
            "brand collaborations",
            "query($id: ID!) { brand(id: $id) { collaborations { edges { node { gmv { amountMinor } creator { handle } } } } } }",
            id(f.brand_glow),
            &["admin", "brand_glow"],
        ),
        case("brands", "{ brands { totalCount } }", json!({}), ADMIN),
        case(
            "shop",
            "query($id: ID!) { shop(id: $id) { name market { code } brand { name } } }",
            id(f.shop_glow),
            &["admin", "brand_glow", "shop_glow"],
        ),
        case(
            "shop orders",
            "query($id: ID!) { shop(id: $id) { orders { totalCount edges { node { amount { currency } product { title } } } } } }",
            id(f.shop_glow),
            &["admin", "brand_glow", "shop_glow"],
        ),
        case(
            "independent shop",
            "query($id: ID!) { shop(id: $id) { name } }",
            id(f.shop_indie),
            ADMIN,
        ),
        case(
            "shops",
            "{ shops { totalCount } }",
            json!({}),
            &["admin", "brand_glow", "brand_paws"],
        ),
        mutation(
            "upsertMarkets",
            "MarketInput",
            json!({"code": "US", "name": "United States", "currency": "USD", "timeZone": "America/New_York"}),
            ADMIN,
        ),
        mutation(
            "upsertNiches",
            "NicheInput",
            json!({"slug": "pets", "name": "Pets"}),
            ADMIN,
        ),
        mutation(
            "upsertCreators",
            "CreatorInput",
            json!({"externalId": "cr-gb", "market": "GB",
            "handle": "londonlashes", "followers": 210000, "accountWeight": 0.8, "ecommerceCapable": true,
            "niches": [{"niche": "makeup", "weight": 1.0}]}),
            ADMIN,
        ),
        mutation(
            "upsertBrands",
            "BrandInput",
            json!({"externalId": "br-paws", "name": "Paws & Co",
            "markets": ["US"], "niches": [{"niche": "dog-food", "weight": 1.0}]}),
            ADMIN,
        ),
        mutation(
            "upsertShops",
            "ShopInput",
            json!({"externalId": "sh-indie", "market": "GB",
            "name": "Indie Beauty", "openedAt": "2025-06-01T00:00:00Z"}),
            ADMIN,
        ),
        mutation(
            "upsertProducts",
            "ProductInput",
            json!({"externalId": "pr-lips", "shop": "sh-indie",
            "niche": "makeup", "title": "Matte lipstick", "priceMinor": 1200, "currency": "GBP"}),
            ADMIN,
        ),
        mutation(
            "upsertContent",
            "ContentInput",
            json!({"externalId": "ct-gb", "creator": "cr-gb",
            "kind": "LIVE", "niche": "makeup", "title": "Friday live", "valueGrade": "WEAKLY_USEFUL",
            "publishedAt": "2026-10-03T19:00:00Z", "products": ["pr-lips"]}),
            ADMIN,
        ),
        mutation(
            "reportContentMetrics",
            "ContentMetricsInput",
            json!({"eventId": "mx", "content": "ct-gb",
            "at": "2026-10-03T22:00:00Z", "impressions": 900, "views": 800, "completions": 0, "avgWatchSeconds": 300.0,
            "likes": 50, "comments": 90, "shares": 4, "liveDurationSeconds": 3600, "liveAvgViewers": 120.0,
            "livePeakViewers": 310, "liveOrders": 14}),
            ADMIN,
        ),
        mutation(
            "recordOrders",
            "OrderInput",
            json!({"externalId": "or-1", "shop": "sh-glow",
            "product": "pr-serum", "creator": "cr-us", "content": "ct-us", "amountMinor": 2500,
            "currency": "USD", "placedAt": "2026-10-02T08:00:00Z"}),
            ADMIN,
        ),
        mutation(
            "recordOrderStatus",
            "OrderStatusInput",
            json!({"eventId": "ex", "order": "or-1",
            "status": "SHIPPED", "at": "2026-10-02T20:00:00Z"}),
            ADMIN,
        ),
        mutation(
            "recordReviews",
            "ReviewInput",
            json!({"eventId": "rx", "order": "or-1", "stars": 4,
            "at": "2026-10-06T00:00:00Z"}),
            ADMIN,
        ),
        mutation(
            "recordViolations",
            "ViolationInput",
            json!({"externalId": "vx", "subjectKind": "CONTENT",
            "subject": "ct-us", "severity": "MINOR", "upheld": true, "reason": "undisclosed ad",
            "occurredAt": "2026-10-02T00:00:00Z"}),
            ADMIN,
        ),
        mutation(
            "upsertCollaborations",
            "CollaborationInput",
            json!({"externalId": "co-1", "brand": "br-glow",
            "creator": "cr-us", "status": "ACTIVE", "startedAt": "2026-09-01T00:00:00Z", "gmvMinor": 125000,
            "currency": "USD"}),
            &["admin", "brand_glow"],
        ),
    ]
}

async fn every_operation_by_every_role(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let callers = tokens(&s, &f);
    for case in cases(&f) {
        let anonymous = s.gql(None, &case.query, case.variables.clone()).await;
        assert_eq!(
            error_code(&anonymous),
            Some("UNAUTHENTICATED"),
            "{} without a token",
            case.name
        );
        for (caller, token) in &callers {
            let body = s
                .gql(Some(token), &case.query, case.variables.clone())
                .await;
            if case.allowed.contains(caller) {
                assert!(
                    body.get("errors").is_none(),
                    "{} as {caller} should pass: {body}",
                    case.name
                );
            } else {
                assert!(
                    matches!(error_code(&body), Some("FORBIDDEN" | "NOT_FOUND")),
                    "{} as {caller} should be refused: {body}",
                    case.name
                );
            }
        }
    }
    s.stop().await;
}

async fn scoped_lists(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let scout = s.token(Role::Scout, None, None, &["GB"]);
    let data = s
        .ok(
            &scout,
            "{ creators { totalCount edges { node { market { code } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["creators"]["totalCount"], 1,
        "a scout lists only its markets' creators"
    );
    let brand = s.token(Role::Brand, Some(f.brand_paws), None, &[]);
    let data = s
        .ok(&brand, "{ shops { edges { node { name } } } }", json!({}))
        .await;
    assert_eq!(
        data["shops"]["edges"],
        json!([{"node": {"name": "Paws US"}}]),
        "a brand lists only its shops"
    );
    let body = s
        .gql(
            Some(&brand),
            "query($b: ID!) { shops(filter: {brandId: $b}) { totalCount } }",
            json!({"b": f.brand_glow.to_string()}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let shop = s.token(Role::Shop, None, Some(f.shop_glow), &[]);
    let body = s.gql(Some(&shop), "query($id: ID!) { shop(id: $id) { orders { edges { node { creator { handle } } } } } }",
        json!({"id": f.shop_glow.to_string()})).await;
    assert_eq!(
        error_code(&body),
        Some("FORBIDDEN"),
        "shops do not read creator profiles: {body}"
    );
    let brand_other = s.token(Role::Brand, Some(f.brand_paws), None, &[]);
    let body = s.gql(Some(&brand_other), "mutation($i: [CollaborationInput!]!) { upsertCollaborations(items: $i) { created } }",
        json!({"i": [{"externalId": "co-9", "brand": "br-glow", "creator": "cr-us", "status": "PROPOSED",
            "startedAt": "2026-10-01T00:00:00Z", "currency": "USD"}]})).await;
    assert_eq!(
        error_code(&body),
        Some("FORBIDDEN"),
        "a brand records only its own collaborations"
    );
    s.stop().await;
}
