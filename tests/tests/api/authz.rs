//! The authorisation matrix: every query and mutation, asked by every role and scope, is
//! either answered or refused: FORBIDDEN, or NOT_FOUND for a creator, a piece or an entry
//! found by id outside the caller's scope, exactly as for a missing one (`tenancy.rs` holds
//! that exactness). UNAUTHENTICATED without a token.
//!
//! Each case names the [`Policy`] of every guarded field it passes through: a caller of a role
//! one of them does not admit is refused with that policy's own message, so a field whose
//! policy changes fails its case. Every root field of the schema has a case, and every policy
//! is named by one.

use async_graphql::parser::types::{
    DocumentOperations, OperationType, Selection, TypeKind, TypeSystemDefinition,
};
use flywheel::auth::{Policy, Role};
use flywheel_tests::fixture::{Fixture, marketplace, us_prospect};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};
use std::collections::BTreeSet;

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

/// Each caller's role and token.
fn tokens(s: &TestServer, f: &Fixture) -> Vec<(&'static str, Role, String)> {
    CALLERS
        .iter()
        .map(|&name| {
            let (role, brand, shop, markets): (_, _, _, &[&str]) = match name {
                "admin" => (Role::Admin, None, None, &[]),
                "brand_glow" => (Role::Brand, Some(f.brand_glow), None, &[]),
                "brand_paws" => (Role::Brand, Some(f.brand_paws), None, &[]),
                "scout_us" => (Role::Scout, None, None, &["US"]),
                "scout_gb" => (Role::Scout, None, None, &["GB"]),
                "shop_glow" => (Role::Shop, None, Some(f.shop_glow), &[]),
                "shop_paws" => (Role::Shop, None, Some(f.shop_paws), &[]),
                _ => unreachable!(),
            };
            (name, role, s.token(role, brand, shop, markets))
        })
        .collect()
}

/// One operation, the policies guarding it and who may run it.
struct Case {
    name: &'static str,
    query: String,
    variables: Value,
    /// The policies of the guarded fields the query passes through, outermost first.
    policies: &'static [Policy],
    /// The callers that get data; the others the policies admit are refused by scope. `None`
    /// for a mutation whose effect does not repeat: only the roles its policies refuse are
    /// asked here, `scouts.rs` runs it for the others.
    allowed: Option<&'static [&'static str]>,
}

fn case(
    name: &'static str,
    query: &str,
    variables: Value,
    policies: &'static [Policy],
    allowed: &'static [&'static str],
) -> Case {
    Case {
        name,
        query: query.to_owned(),
        variables,
        policies,
        allowed: Some(allowed),
    }
}

fn mutation(
    field: &'static str,
    input: &str,
    item: Value,
    policies: &'static [Policy],
    allowed: &'static [&'static str],
) -> Case {
    let query =
        format!("mutation($items: [{input}!]!) {{ {field}(items: $items) {{ received }} }}");
    case(field, &query, json!({ "items": [item] }), policies, allowed)
}

/// A mutation whose effect does not repeat, asked only by the roles its policies refuse.
fn once(name: &'static str, query: &str, variables: Value, policies: &'static [Policy]) -> Case {
    Case {
        allowed: None,
        ..case(name, query, variables, policies, &[])
    }
}

const ALL: &[&str] = &CALLERS;
const ADMIN: &[&str] = &["admin"];

fn cases(f: &Fixture, entry: &str) -> Vec<Case> {
    let id = |n: i64| json!({ "id": n.to_string() });
    vec![
        case("me", "{ me { role } }", json!({}), &[Policy::SignedIn], ALL),
        case(
            "markets",
            "{ markets { code } }",
            json!({}),
            &[Policy::SignedIn],
            ALL,
        ),
        case(
            "niches",
            "{ niches { slug } }",
            json!({}),
            &[Policy::SignedIn],
            ALL,
        ),
        case(
            "creator US",
            "query($id: ID!) { creator(id: $id) { handle niches { share } market { code } } }",
            id(f.creator_us),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "creator GB",
            "query($id: ID!) { creator(id: $id) { handle } }",
            id(f.creator_gb),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_gb"],
        ),
        case(
            "creators",
            "{ creators { totalCount } }",
            json!({}),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us", "scout_gb"],
        ),
        case(
            "creators GB",
            "{ creators(filter: {market: \"GB\"}) { totalCount } }",
            json!({}),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_gb"],
        ),
        case(
            "content",
            "query($id: ID!) { content(id: $id) { title products { title } } }",
            id(f.content_us),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "brand",
            "query($id: ID!) { brand(id: $id) { name markets { code } niches { weight } } }",
            id(f.brand_glow),
            &[Policy::BrandTools],
            &["admin", "brand_glow"],
        ),
        case(
            "brand collaborations",
            "query($id: ID!) { brand(id: $id) { collaborations { edges { node { gmv { amountMinor } creator { handle } } } } } }",
            id(f.brand_glow),
            &[Policy::BrandTools],
            &["admin", "brand_glow"],
        ),
        case(
            "brands",
            "{ brands { totalCount } }",
            json!({}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        case(
            "shop",
            "query($id: ID!) { shop(id: $id) { name market { code } brand { name } } }",
            id(f.shop_glow),
            &[Policy::ReadShop],
            &["admin", "brand_glow", "shop_glow"],
        ),
        case(
            "shop orders",
            "query($id: ID!) { shop(id: $id) { orders { totalCount edges { node { amount { currency } product { title } } } } } }",
            id(f.shop_glow),
            &[Policy::ReadShop],
            &["admin", "brand_glow", "shop_glow"],
        ),
        case(
            "independent shop",
            "query($id: ID!) { shop(id: $id) { name } }",
            id(f.shop_indie),
            &[Policy::ReadShop],
            ADMIN,
        ),
        case(
            "shops",
            "{ shops { totalCount } }",
            json!({}),
            &[Policy::BrandTools],
            &["admin", "brand_glow", "brand_paws"],
        ),
        case(
            "market",
            "{ market(code: \"US\") { code } }",
            json!({}),
            &[Policy::SignedIn],
            ALL,
        ),
        case(
            "market LTV model",
            "{ market(code: \"US\") { ltvModel { n } } }",
            json!({}),
            &[Policy::SignedIn, Policy::AdminOnly],
            ADMIN,
        ),
        case(
            "content score",
            "query($id: ID!) { content(id: $id) { score { frozen } } }",
            id(f.content_us),
            &[Policy::ReadCreators, Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "topContent",
            "{ topContent(market: \"US\") { totalCount } }",
            json!({}),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "topCreatorsByLtv",
            "{ topCreatorsByLtv(market: \"US\") { totalCount } }",
            json!({}),
            &[Policy::ReadCreators],
            &["admin", "brand_glow", "brand_paws", "scout_us"],
        ),
        case(
            "lookalikes",
            "{ creators(first: 1) { edges { node { lookalikes { totalCount } } } } }",
            json!({}),
            &[Policy::ReadCreators, Policy::BrandTools],
            &["admin", "brand_glow", "brand_paws"],
        ),
        case(
            "brand creatorMatches",
            "query($id: ID!) { brand(id: $id) { creatorMatches { totalCount } } }",
            id(f.brand_glow),
            &[Policy::BrandTools, Policy::BrandTools],
            &["admin", "brand_glow"],
        ),
        case(
            "shopsByTier",
            "{ shopsByTier(market: \"US\", tier: UNRATED) { totalCount } }",
            json!({}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        case(
            "tierDistribution",
            "{ tierDistribution(market: \"US\") { market } }",
            json!({}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        case(
            "pipeline",
            "{ pipeline { totalCount } }",
            json!({}),
            &[Policy::ScoutProgramme],
            &["admin", "scout_us", "scout_gb"],
        ),
        case(
            "pipelineEntry",
            "query($id: ID!) { pipelineEntry(id: $id) { state } }",
            json!({ "id": entry }),
            &[Policy::ScoutProgramme],
            &["admin", "scout_us"],
        ),
        case(
            "prospectSuggestions",
            "{ prospectSuggestions(market: \"US\") { totalCount } }",
            json!({}),
            &[Policy::ScoutProgramme],
            &["admin", "scout_us"],
        ),
        case(
            "funnel",
            "{ funnel { entries } }",
            json!({}),
            &[Policy::ScoutProgramme],
            &["admin", "scout_us", "scout_gb"],
        ),
        mutation(
            "upsertMarkets",
            "MarketInput",
            json!({"code": "US", "name": "United States", "currency": "USD", "timeZone": "America/New_York"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertNiches",
            "NicheInput",
            json!({"slug": "pets", "name": "Pets"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertCreators",
            "CreatorInput",
            json!({"externalId": "cr-gb", "market": "GB",
            "handle": "londonlashes", "followers": 210000, "accountWeight": 0.8, "ecommerceCapable": true,
            "niches": [{"niche": "makeup", "weight": 1.0}]}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertBrands",
            "BrandInput",
            json!({"externalId": "br-paws", "name": "Paws & Co",
            "markets": ["US"], "niches": [{"niche": "dog-food", "weight": 1.0}]}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertShops",
            "ShopInput",
            json!({"externalId": "sh-indie", "market": "GB",
            "name": "Indie Beauty", "openedAt": "2025-06-01T00:00:00Z"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertProducts",
            "ProductInput",
            json!({"externalId": "pr-lips", "shop": "sh-indie",
            "niche": "makeup", "title": "Matte lipstick", "priceMinor": 1200, "currency": "GBP"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertContent",
            "ContentInput",
            json!({"externalId": "ct-gb", "creator": "cr-gb",
            "kind": "LIVE", "niche": "makeup", "title": "Friday live", "valueGrade": "WEAKLY_USEFUL",
            "publishedAt": "2026-10-03T19:00:00Z", "products": ["pr-lips"]}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "reportContentMetrics",
            "ContentMetricsInput",
            json!({"eventId": "mx", "content": "ct-gb",
            "at": "2026-10-03T22:00:00Z", "impressions": 900, "views": 800, "completions": 0, "avgWatchSeconds": 300.0,
            "likes": 50, "comments": 90, "shares": 4, "liveDurationSeconds": 3600, "liveAvgViewers": 120.0,
            "livePeakViewers": 310, "liveOrders": 14}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "recordOrders",
            "OrderInput",
            json!({"externalId": "or-1", "shop": "sh-glow",
            "product": "pr-serum", "creator": "cr-us", "content": "ct-us", "amountMinor": 2500,
            "currency": "USD", "placedAt": "2026-10-02T08:00:00Z"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "recordOrderStatus",
            "OrderStatusInput",
            json!({"eventId": "ex", "order": "or-1",
            "status": "SHIPPED", "at": "2026-10-02T20:00:00Z"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "recordReviews",
            "ReviewInput",
            json!({"eventId": "rx", "order": "or-1", "stars": 4,
            "at": "2026-10-06T00:00:00Z"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "recordViolations",
            "ViolationInput",
            json!({"externalId": "vx", "subjectKind": "CONTENT",
            "subject": "ct-us", "severity": "MINOR", "upheld": true, "reason": "undisclosed ad",
            "occurredAt": "2026-10-02T00:00:00Z"}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        mutation(
            "upsertCollaborations",
            "CollaborationInput",
            json!({"externalId": "co-1", "brand": "br-glow",
            "creator": "cr-us", "status": "ACTIVE", "startedAt": "2026-09-01T00:00:00Z", "gmvMinor": 125000,
            "currency": "USD"}),
            &[Policy::BrandTools],
            &["admin", "brand_glow"],
        ),
        mutation(
            "upsertScouts",
            "ScoutInput",
            json!({"externalId": "sc-us", "name": "Scout US", "markets": ["US"]}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        case(
            "recomputeContentScores",
            "mutation { recomputeContentScores { pieces } }",
            json!({}),
            &[Policy::AdminOnly],
            ADMIN,
        ),
        once(
            "addProspects",
            "mutation($items: [ProspectInput!]!) { addProspects(items: $items) { id } }",
            json!({"items": [{"creatorId": f.creator_us.to_string(), "market": "US"}]}),
            &[Policy::ScoutProgramme],
        ),
        once(
            "movePipelineEntry",
            "mutation($id: ID!) { movePipelineEntry(entryId: $id, to: CONTACTED, reason: \"called\") { state } }",
            json!({ "id": entry }),
            &[Policy::ScoutProgramme],
        ),
        once(
            "bulkMovePipelineEntries",
            "mutation($items: [PipelineMoveInput!]!) { bulkMovePipelineEntries(items: $items) { state } }",
            json!({"items": [{"entryId": entry, "to": "CONTACTED", "reason": "called"}]}),
            &[Policy::ScoutProgramme],
        ),
    ]
}

/// `Query.me`, `Mutation.upsertMarkets`, ...: every root field of the schema.
fn root_fields() -> BTreeSet<String> {
    let sdl = async_graphql::parser::parse_schema(flywheel::graphql::sdl()).expect("SDL");
    let mut fields = BTreeSet::new();
    for def in &sdl.definitions {
        if let TypeSystemDefinition::Type(ty) = def
            && let TypeKind::Object(object) = &ty.node.kind
            && matches!(ty.node.name.node.as_str(), "Query" | "Mutation")
        {
            for field in &object.fields {
                fields.insert(format!("{}.{}", ty.node.name.node, field.node.name.node));
            }
        }
    }
    fields
}

/// The root field a case's document asks for, as [`root_fields`] names it.
fn root_field(query: &str) -> String {
    let doc = async_graphql::parser::parse_query(query).expect("query");
    let DocumentOperations::Single(op) = &doc.operations else {
        panic!("one operation per case: {query}");
    };
    let root = match op.node.ty {
        OperationType::Mutation => "Mutation",
        _ => "Query",
    };
    let Selection::Field(field) = &op.node.selection_set.node.items[0].node else {
        panic!("a field first: {query}");
    };
    format!("{root}.{}", field.node.name.node)
}

async fn every_operation_by_every_role(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let callers = tokens(&s, &f);
    let cases = cases(&f, &us_prospect(&s, &f).await);
    let asked: BTreeSet<String> = cases.iter().map(|c| root_field(&c.query)).collect();
    let missing: Vec<_> = root_fields().difference(&asked).cloned().collect();
    assert!(
        missing.is_empty(),
        "no case names the policy of {missing:?}"
    );
    for policy in Policy::ALL {
        assert!(
            cases.iter().any(|c| c.policies.contains(&policy)),
            "no case names {policy:?}"
        );
    }
    for case in cases {
        let anonymous = s.gql(None, &case.query, case.variables.clone()).await;
        assert_eq!(
            error_code(&anonymous),
            Some("UNAUTHENTICATED"),
            "{} without a token",
            case.name
        );
        for (caller, role, token) in &callers {
            let allowed = case.allowed.is_some_and(|a| a.contains(caller));
            // The outermost guard that refuses the role answers, with its policy's message.
            let refusing = case.policies.iter().find(|p| !p.roles().contains(role));
            if refusing.is_none() && case.allowed.is_none() {
                continue;
            }
            let body = s
                .gql(Some(token), &case.query, case.variables.clone())
                .await;
            if let Some(policy) = refusing {
                assert!(!allowed, "{}: {policy:?} refuses {caller}", case.name);
                assert_eq!(
                    (error_code(&body), body["errors"][0]["message"].as_str()),
                    (Some("FORBIDDEN"), Some(policy.refusal().as_str())),
                    "{} as {caller} should be refused by {policy:?}: {body}",
                    case.name
                );
            } else if allowed {
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
