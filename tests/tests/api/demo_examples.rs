//! The examples `flywheel demo` prints, writes and opens GraphiQL on: on a seeded demo each
//! one answers with its role's token, without errors and with something to show (no empty
//! list: a brand with matches, a scout with a pipeline).

use flywheel_tests::{Backend, TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(every_example_answers_with_its_roles_token);

/// The paths of the empty lists in a value.
fn empty_lists(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Array(items) if items.is_empty() => out.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                empty_lists(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                empty_lists(field, &format!("{path}.{key}"), out);
            }
        }
        _ => {}
    }
}

async fn every_example_answers_with_its_roles_token(backend: Backend) {
    let (s, examples, tokens) = TestServer::start_demo(backend, 0.02).await;
    for example in &examples {
        let body = example.body();
        let query = body["query"].as_str().expect("query");
        let answer = s
            .gql(
                Some(tokens.of(example.role)),
                query,
                body["variables"].clone(),
            )
            .await;
        assert!(
            answer.get("errors").is_none(),
            "{}: {answer:#}",
            example.title
        );
        let mut empty = Vec::new();
        empty_lists(&answer["data"], "data", &mut empty);
        assert!(
            empty.is_empty(),
            "{}: empty {empty:?} in {answer:#}",
            example.title
        );
    }
    let scout = examples.last().expect("examples");
    let me = s
        .gql(
            Some(tokens.of(scout.role)),
            "{ me { subject } pipeline { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert!(
        me["data"]["me"]["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("sc-")),
        "the scout token is a seeded scout's: {me}"
    );
    honest_figures(&s).await;
    prospects_page_and_fit_the_programme(&s).await;
    ratings_have_a_history(&s).await;
    s.stop().await;
}

/// The demo has rated its shops monthly for half a year: a shop's history holds six official
/// evaluations a month apart and today's projection, and the next one is due next month.
async fn ratings_have_a_history(s: &TestServer) {
    let shop = s
        .ok(
            &s.admin(),
            "{ shop(id: \"1\") { rating { kind nextOfficialEvaluation }
                 ratingHistory(first: 20) { edges { node { kind asOf } } } } }",
            json!({}),
        )
        .await["shop"]
        .clone();
    let history: Vec<(String, String)> = shop["ratingHistory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let node = &e["node"];
            (node["kind"].to_string(), node["asOf"].to_string())
        })
        .collect();
    let official: Vec<&String> = history
        .iter()
        .filter(|(kind, _)| kind == "\"OFFICIAL\"")
        .map(|(_, day)| day)
        .collect();
    assert_eq!(official.len(), 6, "{history:?}");
    assert!(
        official.iter().all(|day| day.ends_with("-01\"")),
        "{history:?}"
    );
    assert_eq!(shop["rating"]["kind"], "PROJECTED", "{shop:#}");
    let next = shop["rating"]["nextOfficialEvaluation"].as_str().unwrap();
    assert!(
        next.ends_with("-01") && !official.contains(&&format!("\"{next}\"")),
        "{shop:#}"
    );
}

/// A scout pages through a market's prospects best first, without gaps or repeats, and the
/// top of the list is the programme's mid-tier, not the largest accounts.
async fn prospects_page_and_fit_the_programme(s: &TestServer) {
    let admin = s.admin();
    const PAGE: &str = "query($after: String) { prospectSuggestions(market: \"US\", first: 10,
        after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { score creator { id followers } } } } }";
    let (mut seen, mut after, mut last_score) = (Vec::new(), Value::Null, f64::INFINITY);
    let mut top_followers = Vec::new();
    let total = loop {
        let page = s.ok(&admin, PAGE, json!({"after": after})).await["prospectSuggestions"].clone();
        for edge in page["edges"].as_array().unwrap() {
            let score = edge["node"]["score"].as_f64().unwrap();
            assert!(
                score <= last_score,
                "best first: {score} after {last_score}"
            );
            last_score = score;
            if top_followers.len() < 10 {
                top_followers.push(edge["node"]["creator"]["followers"].as_i64().unwrap());
            }
            seen.push(edge["node"]["creator"]["id"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break page["totalCount"].as_u64().unwrap() as usize;
        }
        after = page["pageInfo"]["endCursor"].clone();
    };
    assert!(total > 10, "more than a page of prospects: {total}");
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (total, total));
    top_followers.sort_unstable();
    let median = top_followers[top_followers.len() / 2];
    assert!(
        median <= 4 * scoring::pipeline::REACH_TARGET,
        "the top ten's median account has {median} followers: {top_followers:?}"
    );
}

/// On a marketplace the size of the demo, the figures shown to brands say what they rest
/// on: LTV intervals cover the model's measured miss on the holdout, and a match component
/// that stands in for missing data is flagged.
async fn honest_figures(s: &TestServer) {
    let admin = s.admin();
    let top = s
        .ok(
            &admin,
            "{ topCreatorsByLtv(market: \"US\", first: 100) { edges { node { ltv {
                 ltv { amountMinor } interval { low { amountMinor } high { amountMinor }
                 holdoutRatio } } } } } }",
            json!({}),
        )
        .await;
    let mut stretched = 0;
    for edge in top["topCreatorsByLtv"]["edges"].as_array().unwrap() {
        let ltv = &edge["node"]["ltv"];
        let (Some(ratio), Some(value)) = (
            ltv["interval"]["holdoutRatio"].as_f64(),
            ltv["ltv"]["amountMinor"].as_f64(),
        ) else {
            continue;
        };
        let low = ltv["interval"]["low"]["amountMinor"].as_f64().unwrap();
        let high = ltv["interval"]["high"]["amountMinor"].as_f64().unwrap();
        // Rounding to minor units aside, the interval holds the prediction scaled by the miss.
        assert!(
            low <= value * ratio + 1.0 && value * ratio <= high + 1.0,
            "{ltv:#}"
        );
        stretched += 1;
    }
    assert!(stretched > 0, "no interval knows its miss: {top:#}");
    let matches = s
        .ok(
            &admin,
            "{ brand(id: \"1\") { creatorMatches(first: 100) { edges { node {
                 components { name value measured } } } } } }",
            json!({}),
        )
        .await;
    let prior = scoring::matching::MatchConfig::default()
        .rank
        .reliability_prior_mean;
    let mut flagged = 0;
    for edge in matches["brand"]["creatorMatches"]["edges"]
        .as_array()
        .unwrap()
    {
        for c in edge["node"]["components"].as_array().unwrap() {
            if c["name"] == "RELIABILITY" && c["measured"] == false {
                assert_eq!(c["value"].as_f64(), Some(prior), "{c}");
                flagged += 1;
            }
        }
    }
    assert!(
        flagged > 0,
        "some matched creator has no collaboration yet: {matches:#}"
    );
}
