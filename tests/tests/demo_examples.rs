//! The examples `flywheel demo` prints, writes and opens GraphiQL on: on a seeded demo each
//! one answers with its role's token, without errors and with something to show (no empty
//! list: a brand with matches, a scout with a pipeline).

use flywheel_tests::{Backend, TestServer, on_both_databases};
use serde_json::Value;

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
    s.stop().await;
}
