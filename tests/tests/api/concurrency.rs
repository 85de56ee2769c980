//! Concurrent writers over HTTP: batches sent at once all land (no "database is locked", no
//! duplicate-key INTERNAL for the loser of two identical batches), nothing is lost or doubled,
//! and two moves of one pipeline entry never both succeed.

use flywheel::auth::Role;
use flywheel_tests::fixture::{marketplace, us_prospect};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

on_both_databases!(
    concurrent_batches_all_land_once,
    concurrent_moves_of_one_entry
);

const ORDERS: &str =
    "mutation($items: [OrderInput!]!) { recordOrders(items: $items) { created unchanged } }";

fn orders(batch: usize, size: usize) -> Value {
    (0..size)
        .map(|i| {
            json!({"externalId": format!("or-{batch}-{i}"), "shop": "sh-glow", "product": "pr-serum",
                "creator": "cr-us", "amountMinor": 1000 + i, "currency": "USD",
                "placedAt": "2026-10-02T08:00:00Z"})
        })
        .collect()
}

async fn count(s: &TestServer, table: &str) -> i64 {
    s.db.query_one_raw(Statement::from_string(
        s.db.get_database_backend(),
        format!("SELECT COUNT(*) AS n FROM {table}"),
    ))
    .await
    .expect("count")
    .expect("a row")
    .try_get::<i64>("", "n")
    .expect("n")
}

async fn concurrent_batches_all_land_once(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let before = count(&s, "orders").await;
    let admin = s.admin();
    // Eight distinct batches, each sent twice at the same moment.
    let (batches, size) = (8, 50);
    let sent = (0..batches).flat_map(|b| [b, b]).map(|b| {
        let (s, admin) = (&s, &admin);
        async move {
            s.gql(Some(admin), ORDERS, json!({"items": orders(b, size)}))
                .await
        }
    });
    let answers = join_all(sent).await;
    let mut created = 0;
    for body in &answers {
        assert!(body.get("errors").is_none(), "every batch lands: {body}");
        created += body["data"]["recordOrders"]["created"].as_i64().unwrap();
    }
    assert_eq!(created, (batches * size) as i64, "each order created once");
    assert_eq!(
        count(&s, "orders").await - before,
        (batches * size) as i64,
        "no order lost or doubled"
    );
    s.stop().await;
}

async fn concurrent_moves_of_one_entry(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let scout = s.token(Role::Scout, None, None, &["US"]);
    let id = us_prospect(&s, &f).await;
    // Eight scouts' clicks on the same move: one wins, the others find it made (or the row
    // changed under them) and conflict; the history records the move once.
    let moves = std::iter::repeat_n("CONTACTED", 8).map(|to| {
        let (s, scout, id) = (&s, &scout, &id);
        async move {
            s.gql(
                Some(scout),
                "mutation($id: ID!, $to: PipelineState!) { movePipelineEntry(entryId: $id, to: $to, reason: \"race\") { state } }",
                json!({"id": id, "to": to}),
            )
            .await
        }
    });
    let answers = join_all(moves).await;
    let won: Vec<&Value> = answers
        .iter()
        .filter(|b| b.get("errors").is_none())
        .collect();
    assert_eq!(won.len(), 1, "exactly one move wins: {answers:?}");
    for body in answers.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(
            error_code(body),
            Some("CONFLICT"),
            "the others conflict: {body}"
        );
    }
    let entry = s
        .ok(
            &scout,
            "query($id: ID!) { pipelineEntry(id: $id) { state history { from to } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(entry["pipelineEntry"]["state"], "CONTACTED");
    assert_eq!(
        entry["pipelineEntry"]["history"],
        json!([{"from": null, "to": "PROSPECT"}, {"from": "PROSPECT", "to": "CONTACTED"}]),
        "one history, no fork"
    );
    s.stop().await;
}
