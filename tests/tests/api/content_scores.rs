//! Content scores end to end: pieces ingested over HTTP get their initial pool, a full
//! recompute scores them against their cohort, a metric report rescores one piece (score and
//! pool) in the ingest transaction, impossible metrics write nothing, a severe violation
//! freezes a piece, and scores are read by the callers allowed to read them.

use chrono::{Duration, Utc};
use flywheel::auth::Role;
use flywheel::matching::{Matching, Seed};
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use scoring::matching::{Audience, Component, MatchFilters, PageRequest};
use serde_json::{Value, json};

on_both_databases!(metrics_move_scores_and_pools);

/// Peers in US skincare by the same micro creator (the cohort is market, niche and follower
/// tier), published in the last days, with rates spread by `i`.
const PEERS: usize = 40;

fn peers() -> (Value, Value) {
    let now = Utc::now();
    let (mut content, mut metrics) = (vec![], vec![]);
    for i in 0..PEERS {
        let id = format!("ct-peer-{i}");
        content.push(
            json!({"externalId": id, "creator": "cr-us", "kind": "VIDEO",
            "niche": "skincare", "title": format!("clip {i}"), "valueGrade": "WEAKLY_USEFUL",
            "publishedAt": (now - Duration::days(1 + (i % 10) as i64)).to_rfc3339()}),
        );
        let views = 1_000;
        metrics.push(json!({"eventId": format!("m-peer-{i}"), "content": id,
            "at": (now - Duration::hours(1)).to_rfc3339(), "impressions": 1_500, "views": views,
            "completions": 100 + 10 * i, "avgWatchSeconds": 9.0, "likes": 20 + 2 * i,
            "comments": 2 + i / 4, "shares": 1 + i / 8}));
    }
    (json!(content), json!(metrics))
}

const SCORE: &str = "query($id: ID!) { content(id: $id) { score { total confidence frozen base
    valueFactor peers audience cohortLevel configVersion summary
    pool { index size nextSize scoreNeeded impressionsToCollect decision }
    components { name rate displayRate percentile weight points cohortLevel text }
    improvements { component targetPercentile gain text } } } }";

async fn score(s: &TestServer, token: &str, id: &str) -> Value {
    s.ok(token, SCORE, json!({ "id": id })).await["content"]["score"].clone()
}

async fn content_id(s: &TestServer, external: &str) -> String {
    let data = s
        .ok(
            &s.admin(),
            "{ topContent(market: \"US\", first: 100) { edges { node { id externalId } } } }",
            json!({}),
        )
        .await;
    data["topContent"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["externalId"] == external)
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{external} not in topContent"))
}

async fn metrics_move_scores_and_pools(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let admin = s.admin();
    let now = Utc::now();

    // A new piece without metrics: no score, its initial pool sized by account weight 0.6
    // (100 + 0.6 * 400 = 340 impressions), collecting.
    ingest(
        &s,
        "upsertContent",
        "ContentInput",
        json!([
            {"externalId": "ct-new", "creator": "cr-us", "kind": "VIDEO", "niche": "skincare",
             "title": "Night routine", "valueGrade": "STRONGLY_USEFUL",
             "publishedAt": (now - Duration::hours(5)).to_rfc3339(), "products": ["pr-serum"]},
        ]),
    )
    .await;
    let (content, metrics) = peers();
    ingest(&s, "upsertContent", "ContentInput", content).await;
    ingest(&s, "reportContentMetrics", "ContentMetricsInput", metrics).await;
    // A matching directory built before any score exists, refreshed after the recompute.
    let matching = Matching::new(s.db.clone());
    matching.warm().await;
    let summary = s
        .ok(
            &admin,
            "mutation { recomputeContentScores { pieces scored creators snapshotPieces } }",
            json!({}),
        )
        .await["recomputeContentScores"]
        .clone();
    // The fixture's two pieces, the new one and the peers; the new one has no views.
    assert_eq!(summary["pieces"], 2 + 1 + PEERS as u64);
    assert_eq!(summary["scored"], PEERS as u64);
    assert_eq!(summary["creators"], 3);
    assert_eq!(summary["snapshotPieces"], PEERS as u64);

    let content_of_us = |page: &scoring::matching::MatchPage| {
        page.items
            .iter()
            .find(|m| m.creator.0 == f.creator_us as u64)
            .and_then(|m| {
                m.components
                    .iter()
                    .find(|c| c.component == Component::Content)
            })
            .map(|c| c.value)
    };
    let rank = || {
        matching.rank(
            Seed::Brand(f.brand_glow),
            Audience::Operator,
            MatchFilters::default(),
            true,
            PageRequest::default(),
        )
    };
    let neutral = content_of_us(&rank().await.unwrap().page).unwrap();
    let new_id = {
        let data = s
            .ok(
                &admin,
                "query($id: ID!) { creator(id: $id) { content(first: 100) { edges { node { id externalId } } } } }",
                json!({ "id": f.creator_us.to_string() }),
            )
            .await;
        data["creator"]["content"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["externalId"] == "ct-new")
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let fresh = score(&s, &admin, &new_id).await;
    assert_eq!(fresh["total"], Value::Null);
    assert_eq!(fresh["pool"]["index"], 0);
    assert_eq!(fresh["pool"]["size"], 340);
    assert_eq!(fresh["pool"]["decision"], "COLLECTING");
    assert_eq!(fresh["components"], json!([]));

    // Strong metrics reported over HTTP: rescored in the same request. Every rate is above
    // every peer's, so each percentile is near the top of the niche cohort, and 12,000
    // impressions carry it through pools 0-2 (judged at 272, 1,668 and 8,400).
    let report = |event: &str, impressions: u64, likes: u64| {
        json!([{"eventId": event, "content": "ct-new", "at": (now - Duration::minutes(30)).to_rfc3339(),
            "impressions": impressions, "views": 2_000, "completions": 1_600, "avgWatchSeconds": 20.0,
            "likes": likes, "comments": 80, "shares": 40}])
    };
    let served_before = served_content_value(&s, &admin, &f).await;
    ingest(
        &s,
        "reportContentMetrics",
        "ContentMetricsInput",
        report("m-new-1", 12_000, 400),
    )
    .await;
    // The server's own matching reads the rescored creator at once, not at the next refresh.
    let served_after = served_content_value(&s, &admin, &f).await;
    assert!(
        served_after > served_before,
        "content component {served_before} -> {served_after}"
    );
    let strong = score(&s, &admin, &new_id).await;
    let total = strong["total"].as_f64().unwrap();
    assert!(total > 80.0 && total <= 100.0, "{strong}");
    assert_eq!(strong["cohortLevel"], "NICHE");
    assert_eq!(
        strong["peers"], PEERS as u64,
        "the snapshot of the last recompute"
    );
    assert_eq!(strong["audience"], 2_000);
    assert_eq!(strong["frozen"], false);
    assert_eq!(strong["pool"]["index"], 3, "{strong}");
    assert_eq!(strong["pool"]["size"], 30_000);
    assert_eq!(strong["pool"]["nextSize"], 100_000);
    assert_eq!(strong["pool"]["scoreNeeded"], 80.0);
    assert_eq!(strong["pool"]["decision"], "PROMOTED");
    // Judged in pool 3 at 10,000 + 0.8 * 20,000 = 26,000 impressions.
    assert_eq!(strong["pool"]["impressionsToCollect"], 26_000 - 12_000);
    let components = strong["components"].as_array().unwrap();
    assert_eq!(components.len(), 4);
    let points: f64 = components
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    assert!((points - strong["base"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(components[0]["name"], "completion rate");
    assert_eq!(components[0]["displayRate"], "80.0%");
    for c in components {
        let p = c["percentile"].as_f64().unwrap();
        assert!(p > 90.0 && p <= 100.0, "{c}");
        assert!(
            c["text"].as_str().unwrap().contains("US Skincare videos"),
            "{c}"
        );
    }

    // Impossible counts: refused, naming the item and field; nothing written.
    let body = s
        .gql(
            Some(&admin),
            "mutation($items: [ContentMetricsInput!]!) { reportContentMetrics(items: $items) { updated } }",
            json!({ "items": report("m-new-bad", 12_500, 2_500) }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("likes"), "{message}");
    assert_eq!(score(&s, &admin, &new_id).await["total"], strong["total"]);

    // Weak metrics: a low score, held where it was (pools are never taken back), with
    // improvements in words.
    let weak_id = content_id(&s, "ct-peer-1").await;
    let before = score(&s, &admin, &weak_id).await;
    ingest(&s, "reportContentMetrics", "ContentMetricsInput", json!([
        {"eventId": "m-weak", "content": "ct-peer-1", "at": (now - Duration::minutes(10)).to_rfc3339(),
         "impressions": 3_000, "views": 2_000, "completions": 40, "avgWatchSeconds": 3.0,
         "likes": 4, "comments": 0, "shares": 0}
    ]))
    .await;
    let weak = score(&s, &admin, &weak_id).await;
    assert!(weak["total"].as_f64().unwrap() < 10.0, "{weak}");
    assert_eq!(
        weak["pool"]["index"], before["pool"]["index"],
        "{before} {weak}"
    );
    assert_eq!(weak["pool"]["decision"], "HELD");
    let improvements = weak["improvements"].as_array().unwrap();
    assert!(
        !improvements.is_empty() && improvements.len() <= 2,
        "{weak}"
    );
    assert!(improvements[0]["gain"].as_f64().unwrap() > 0.0);
    assert!(
        improvements[0]["text"].as_str().unwrap().contains("adds"),
        "{weak}"
    );

    // Top content: best first, paginated by cursor; the strong piece leads.
    let top = s
        .ok(
            &admin,
            "{ topContent(market: \"US\", first: 5) { totalCount pageInfo { hasNextPage endCursor }
               edges { node { externalId score { total } } } } }",
            json!({}),
        )
        .await["topContent"]
        .clone();
    assert_eq!(top["totalCount"], PEERS as u64 + 1);
    let totals = |page: &Value| -> Vec<f64> {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["score"]["total"].as_f64().unwrap())
            .collect()
    };
    let first_page = totals(&top);
    assert_eq!(top["edges"][0]["node"]["externalId"], "ct-new");
    // Beauty is the parent of skincare: its ranking includes its children.
    let beauty = s.ok(&admin, "{ niches { id slug } }", json!({})).await["niches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["slug"] == "beauty")
        .map(|n| n["id"].clone())
        .unwrap();
    let next = s
        .ok(
            &admin,
            "query($after: String, $niche: ID) { topContent(market: \"US\", niche: $niche, kind: VIDEO, first: 5, after: $after) {
               edges { node { externalId score { total } } } } }",
            json!({ "after": top["pageInfo"]["endCursor"], "niche": beauty }),
        )
        .await["topContent"]
        .clone();
    let second_page = totals(&next);
    let ranked: Vec<f64> = first_page.iter().chain(&second_page).copied().collect();
    assert_eq!(ranked.len(), 10);
    assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "{ranked:?}");

    // The creator's rolling score rests on their scored pieces.
    let creator = s
        .ok(
            &admin,
            "query($id: ID!) { creator(id: $id) { contentScore { score pieces priorShare confidence } } }",
            json!({ "id": f.creator_us.to_string() }),
        )
        .await["creator"]["contentScore"]
        .clone();
    assert_eq!(creator["pieces"], PEERS as u64 + 1);

    // The matching directory, built before any score, reads the creator's new score.
    matching.refresh_scores().await.unwrap();
    let after = content_of_us(&rank().await.unwrap().page).unwrap();
    let stored = s
        .ok(
            &admin,
            "query($id: ID!) { creator(id: $id) { contentScore { score } } }",
            json!({ "id": f.creator_us.to_string() }),
        )
        .await["creator"]["contentScore"]["score"]
        .as_f64()
        .unwrap();
    assert!((after - stored / 100.0).abs() < 1e-12, "{after} {stored}");
    assert_ne!(
        neutral, after,
        "built without scores, the component was the neutral default"
    );

    let share = creator["priorShare"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.5, "{creator}");

    // The shop whose serum the strong piece sells: one piece, shrunk toward the market mean.
    let shop_query =
        "query($id: ID!) { shop(id: $id) { contentScore { score pieces priorMean priorShare } } }";
    let glow = s.token(Role::Shop, None, Some(f.shop_glow), &[]);
    let shop_score = s
        .ok(&glow, shop_query, json!({ "id": f.shop_glow.to_string() }))
        .await["shop"]["contentScore"]
        .clone();
    assert_eq!(shop_score["pieces"], 1, "{shop_score}");
    let (prior, share) = (
        shop_score["priorMean"].as_f64().unwrap(),
        shop_score["priorShare"].as_f64().unwrap(),
    );
    assert!((share - 5.0 / 6.0).abs() < 1e-9, "{shop_score}");
    let expected = share * prior + (1.0 - share) * total;
    assert!((shop_score["score"].as_f64().unwrap() - expected).abs() < 1e-9);
    let paws = s.token(Role::Shop, None, Some(f.shop_paws), &[]);
    let body = s
        .gql(
            Some(&paws),
            shop_query,
            json!({ "id": f.shop_glow.to_string() }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // A severe upheld violation zeroes the score and freezes the pool.
    ingest(&s, "recordViolations", "ViolationInput", json!([
        {"externalId": "v-sev", "subjectKind": "CONTENT", "subject": "ct-new", "severity": "SEVERE",
         "upheld": true, "reason": "counterfeit claims", "occurredAt": (now - Duration::minutes(5)).to_rfc3339()}
    ]))
    .await;
    let frozen = score(&s, &admin, &new_id).await;
    assert_eq!(frozen["total"], 0.0);
    assert_eq!(frozen["frozen"], true);
    assert_eq!(frozen["pool"]["decision"], "FROZEN");
    assert_eq!(frozen["pool"]["index"], 3, "a frozen piece keeps its pool");

    // Who may read: a US scout yes; a shop no (its role); to a GB scout a US piece, and to a
    // brand a removed piece, do not exist.
    let scout_us = s.token(Role::Scout, None, None, &["US"]);
    assert_eq!(score(&s, &scout_us, &weak_id).await["total"], weak["total"]);
    let scout_gb = s.token(Role::Scout, None, None, &["GB"]);
    let brand = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    for (token, id, code) in [
        (&scout_gb, &weak_id, "NOT_FOUND"),
        (&glow, &weak_id, "FORBIDDEN"),
        (&brand, &new_id, "NOT_FOUND"),
    ] {
        let body = s.gql(Some(token), SCORE, json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some(code), "{body}");
    }
    assert_eq!(score(&s, &brand, &weak_id).await["total"], weak["total"]);
    let body = s
        .gql(
            Some(&brand),
            "{ topContent(market: \"US\", first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["topContent"]["totalCount"], PEERS as u64,
        "{body}"
    );
    let body = s
        .gql(
            Some(&scout_gb),
            "{ topContent(market: \"US\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = s
        .gql(
            Some(&admin),
            "{ topContent(market: \"XX\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    s.stop().await;
}

/// The content component of the US creator's match for Glow, as the server ranks it.
async fn served_content_value(s: &TestServer, admin: &str, f: &Fixture) -> f64 {
    let data = s
        .ok(
            admin,
            "query($id: ID!) { brand(id: $id) { creatorMatches(first: 100, filter: {includeExistingCollaborators: true}) {
               edges { node { creator { id } components { name value } } } } } }",
            json!({ "id": f.brand_glow.to_string() }),
        )
        .await;
    let us = f.creator_us.to_string();
    data["brand"]["creatorMatches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["creator"]["id"] == us.as_str())
        .and_then(|n| {
            n["components"]
                .as_array()?
                .iter()
                .find(|c| c["name"] == "CONTENT_SCORE")
        })
        .and_then(|c| c["value"].as_f64())
        .unwrap_or_else(|| panic!("no content component for creator {us}: {data:#}"))
}
