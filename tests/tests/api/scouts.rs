//! The creator-scout pipeline over HTTP: scope per role, the state machine's refusals,
//! all-or-nothing batches, funnel figures on hand-made rows, and the prospects import.

use chrono::{DateTime, Duration, TimeZone, Utc};
use flywheel::auth::Role;
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, Statement, Value};
use serde_json::{Value as Json, json};

on_both_databases!(
    scopes_and_moves,
    bulk_move_is_all_or_nothing,
    funnel_on_hand_made_rows,
    import_prospects_csv
);

const ADD: &str = "mutation($items: [ProspectInput!]!) { addProspects(items: $items) { id state scout { externalId markets } history { from to actor reason note } } }";
const MOVE: &str = "mutation($id: ID!, $to: PipelineState!, $reason: String!, $capable: Boolean) { movePipelineEntry(entryId: $id, to: $to, reason: $reason, ecommerceCapable: $capable) { id state open ecommerceCapable allowedMoves history { from to reason } } }";
const BULK: &str = "mutation($items: [PipelineMoveInput!]!) { bulkMovePipelineEntries(items: $items) { id state } }";
const ENTRY: &str = "query($id: ID!) { pipelineEntry(id: $id) { state history { to } } }";

fn prospect(creator: i64, market: &str) -> Json {
    json!({"creatorId": creator.to_string(), "market": market})
}

fn message(body: &Json) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

/// Adds prospects; returns the new entries' ids.
async fn add(s: &TestServer, token: &str, items: Json) -> Vec<String> {
    let data = s.ok(token, ADD, json!({ "items": items })).await;
    data["addProspects"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn scopes_and_moves(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f: Fixture = marketplace(&s).await;
    let scout_us = s.token(Role::Scout, None, None, &["US"]);
    let scout_gb = s.token(Role::Scout, None, None, &["GB"]);
    let scout_xx = s.token(Role::Scout, None, None, &["XX"]);
    let body = s
        .gql(
            Some(&scout_xx),
            ADD,
            json!({"items": [prospect(f.creator_us, "XX")]}),
        )
        .await;
    // A token for a market that does not exist is refused before any resolver reads it.
    assert_eq!(
        error_code(&body),
        Some("UNAUTHENTICATED"),
        "unknown market: {body}"
    );
    let brand = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    let shop = s.token(Role::Shop, None, Some(f.shop_glow), &[]);

    // Brands and shops are refused every pipeline field.
    for token in [&brand, &shop] {
        let body = s
            .gql(Some(token), "{ pipeline { totalCount } }", json!({}))
            .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
        let body = s
            .gql(
                Some(token),
                ADD,
                json!({"items": [prospect(f.creator_us, "US")]}),
            )
            .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }

    // A scout adds a creator of its market; it owns the entry and the first event is recorded.
    let data = s
        .ok(
            &scout_us,
            ADD,
            json!({"items": [{"creatorId": f.creator_us.to_string(), "market": "US", "note": "saw her routine"}]}),
        )
        .await;
    let entry = &data["addProspects"][0];
    assert_eq!(entry["state"], "PROSPECT");
    assert_eq!(
        entry["scout"],
        json!({"externalId": "test:Scout", "markets": ["US"]}),
        "the scout row was made by the XX token (no such market), then gained US"
    );
    assert_eq!(
        entry["history"],
        json!([{"from": null, "to": "PROSPECT", "actor": "test:Scout", "reason": "prospected", "note": "saw her routine"}])
    );
    let me = s
        .ok(&scout_us, "{ me { scout { externalId } } }", json!({}))
        .await;
    assert_eq!(
        me["me"]["scout"]["externalId"], "test:Scout",
        "me says which scout"
    );
    let me = s
        .ok(&brand, "{ me { scout { externalId } } }", json!({}))
        .await;
    assert!(me["me"]["scout"].is_null());
    let id = entry["id"].as_str().unwrap().to_owned();

    // Outside its markets, a creator of another market, unknown creator, a duplicate.
    let body = s
        .gql(
            Some(&scout_us),
            ADD,
            json!({"items": [prospect(f.creator_gb, "GB")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = s
        .gql(
            Some(&scout_us),
            ADD,
            json!({"items": [prospect(f.creator_gb, "US")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        message(&body).ends_with(&format!("no creator with id {} in market US", f.creator_gb)),
        "a creator of another market reads as a missing one: {body}"
    );
    let body = s
        .gql(
            Some(&scout_us),
            ADD,
            json!({"items": [prospect(999_999, "US")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let body = s
        .gql(
            Some(&scout_us),
            ADD,
            json!({"items": [prospect(f.creator_us, "US")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    // An illegal move is a conflict naming the allowed moves; a legal one is recorded.
    let body = s
        .gql(
            Some(&scout_us),
            MOVE,
            json!({"id": id, "to": "CERTIFIED", "reason": "great fit"}),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert!(
        message(&body).contains("allowed from prospect: contacted, rejected"),
        "{body}"
    );
    let body = s
        .gql(
            Some(&scout_us),
            MOVE,
            json!({"id": id, "to": "CONTACTED", "reason": "sent a DM", "capable": true}),
        )
        .await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "capable off certification: {body}"
    );
    let moved = s
        .ok(
            &scout_us,
            MOVE,
            json!({"id": id, "to": "CONTACTED", "reason": "sent a DM"}),
        )
        .await;
    assert_eq!(
        moved["movePipelineEntry"]["allowedMoves"],
        json!(["ONBOARDING", "REJECTED"])
    );

    // To another market's scout it does not exist; nor may it suggest in that market.
    let body = s.gql(Some(&scout_gb), ENTRY, json!({"id": id})).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = s
        .gql(
            Some(&scout_gb),
            MOVE,
            json!({"id": id, "to": "ONBOARDING", "reason": "x"}),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let listed = s
        .ok(&scout_gb, "{ pipeline { totalCount } }", json!({}))
        .await;
    assert_eq!(listed["pipeline"]["totalCount"], 0);
    let body = s
        .gql(
            Some(&scout_gb),
            "{ prospectSuggestions(market: \"US\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Suggestions leave out creators already open in the market.
    let suggested = s
        .ok(
            &scout_us,
            "{ prospectSuggestions(market: \"US\") { totalCount
               edges { node { creator { handle } score attributedOrders why } } } }",
            json!({}),
        )
        .await;
    let handles: Vec<&str> = suggested["prospectSuggestions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["node"]["creator"]["handle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, ["barkbox_ben"]);
    assert_eq!(suggested["prospectSuggestions"]["totalCount"], 1);
    let first = &suggested["prospectSuggestions"]["edges"][0]["node"];
    let why = first["why"].as_str().unwrap();
    assert!(
        why.starts_with(&format!("score {:.2}: ", first["score"].as_f64().unwrap()))
            && why.contains("4800 followers adds"),
        "a suggestion says why: {why}"
    );
    let categories = s.ok(&scout_us, "{ niches { id slug } }", json!({})).await;
    let category = |slug: &str| {
        categories["niches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["slug"] == slug)
            .map(|n| n["id"].clone())
            .unwrap()
    };
    let filtered = "query($niche: ID, $min: Int, $max: Int) { prospectSuggestions(market: \"US\", nicheId: $niche, minFollowers: $min, maxFollowers: $max) { edges { node { creator { handle } } } } }";
    let count = |v: Json| v["prospectSuggestions"]["edges"].as_array().unwrap().len();
    let pets = s
        .ok(&scout_us, filtered, json!({"niche": category("pets")}))
        .await;
    assert_eq!(count(pets), 1, "a category matches its leaves");
    let beauty = s
        .ok(&scout_us, filtered, json!({"niche": category("beauty")}))
        .await;
    assert_eq!(count(beauty), 0, "the only beauty creator is already open");
    let big = s.ok(&scout_us, filtered, json!({"min": 5000})).await;
    assert_eq!(count(big), 0);
    let body = s
        .gql(Some(&scout_us), filtered, json!({"min": 10, "max": 5}))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    // Admins name the scout, which must work in the market; they see every market.
    let admin = s.admin();
    let body = s
        .gql(
            Some(&admin),
            ADD,
            json!({"items": [prospect(f.creator_gb, "GB")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    s.ok(
        &admin,
        "mutation { upsertScouts(items: [{externalId: \"sc-gb\", name: \"Gabe\", markets: [\"GB\"]}]) { created } }",
        json!({}),
    )
    .await;
    let gb_scout = s
        .ok(
            &admin,
            "{ pipeline { edges { node { scout { id } } } } }",
            json!({}),
        )
        .await["pipeline"]["edges"][0]["node"]["scout"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = s
        .gql(
            Some(&admin),
            ADD,
            json!({"items": [{"creatorId": f.creator_gb.to_string(), "market": "GB", "scoutId": gb_scout}]}),
        )
        .await;
    assert!(
        message(&body).contains("does not work in market GB"),
        "{body}"
    );
    let sc_gb = scout_id(&s, "sc-gb").await.to_string();
    add(
        &s,
        &admin,
        json!([{"creatorId": f.creator_gb.to_string(), "market": "GB", "scoutId": sc_gb}]),
    )
    .await;
    let all = s.ok(&admin, "{ pipeline { totalCount } }", json!({})).await;
    assert_eq!(all["pipeline"]["totalCount"], 2);
    let gb = s
        .ok(
            &scout_gb,
            "{ pipeline { edges { node { market { code } scout { externalId } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        gb["pipeline"]["edges"],
        json!([{"node": {"market": {"code": "GB"}, "scout": {"externalId": "sc-gb"}}}])
    );
    s.stop().await;
}

async fn bulk_move_is_all_or_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let scout = s.token(Role::Scout, None, None, &["US", "GB"]);
    let ids = add(
        &s,
        &scout,
        json!([prospect(f.creator_us, "US"), prospect(f.creator_gb, "GB")]),
    )
    .await;
    let states = || async {
        let mut out = Vec::new();
        for id in &ids {
            let data = s.ok(&scout, ENTRY, json!({"id": id})).await;
            out.push(data["pipelineEntry"]["state"].as_str().unwrap().to_owned());
        }
        out
    };
    let step = |id: &str, to: &str| json!({"entryId": id, "to": to, "reason": "bulk"});

    let body = s
        .gql(
            Some(&scout),
            BULK,
            json!({"items": [step(&ids[0], "CONTACTED"), step(&ids[1], "ONBOARDING")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert!(message(&body).starts_with("items[1].to:"), "{body}");
    assert_eq!(states().await, ["PROSPECT", "PROSPECT"], "nothing moved");

    let body = s
        .gql(
            Some(&scout),
            BULK,
            json!({"items": [step(&ids[0], "CONTACTED"), step("987654", "CONTACTED")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = s
        .gql(
            Some(&scout),
            BULK,
            json!({"items": [step(&ids[0], "CONTACTED"), step(&ids[0], "REJECTED")]}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(states().await, ["PROSPECT", "PROSPECT"], "nothing moved");

    let moved = s
        .ok(
            &scout,
            BULK,
            json!({"items": [step(&ids[0], "CONTACTED"), step(&ids[1], "REJECTED")]}),
        )
        .await;
    assert_eq!(
        moved["bulkMovePipelineEntries"],
        json!([{"id": ids[0], "state": "CONTACTED"}, {"id": ids[1], "state": "REJECTED"}])
    );
    // A rejected entry is closed: the creator may be prospected again.
    add(&s, &scout, json!([prospect(f.creator_gb, "GB")])).await;
    let body = s.gql(Some(&scout), BULK, json!({"items": []})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    s.stop().await;
}

/// Inserts one row the way a seeder writes it, bypassing the API.
async fn insert(s: &TestServer, table: &str, columns: &[&str], values: Vec<Value>) {
    let stmt = Query::insert()
        .into_table(Alias::new(table))
        .columns(columns.iter().map(|c| Alias::new(*c)))
        .values_panic(values.into_iter().map(Into::into))
        .to_owned();
    s.db.execute(&stmt).await.expect("insert");
}

async fn scout_id(s: &TestServer, external_id: &str) -> i64 {
    let row =
        s.db.query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            format!("SELECT id FROM scout WHERE external_id = '{external_id}'"),
        ))
        .await
        .expect("select")
        .expect("scout");
    row.try_get::<i64>("", "id").expect("id")
}

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::days(n)
}

/// Writes an entry and its events; `moves` are (state, day) from the opening one.
#[allow(clippy::too_many_arguments)]
async fn seed_entry(
    s: &TestServer,
    id: i64,
    creator: i64,
    market: &str,
    scout: i64,
    capable: Option<bool>,
    moves: &[(&str, i64)],
) {
    let (last, last_day) = *moves.last().unwrap();
    let open = !matches!(last, "rejected" | "churned");
    insert(
        s,
        "pipeline_entry",
        &[
            "id",
            "creator_id",
            "market_code",
            "scout_id",
            "state",
            "active_market",
            "ecommerce_capable",
            "created_at",
            "updated_at",
        ],
        vec![
            id.into(),
            creator.into(),
            market.into(),
            scout.into(),
            last.into(),
            open.then(|| market.to_owned()).into(),
            capable.into(),
            day(moves[0].1).into(),
            day(last_day).into(),
        ],
    )
    .await;
    for (i, &(to, at)) in moves.iter().enumerate() {
        let from = (i > 0).then(|| moves[i - 1].0.to_owned());
        insert(
            s,
            "pipeline_event",
            &[
                "id",
                "entry_id",
                "from_state",
                "to_state",
                "actor",
                "reason",
                "note",
                "at",
            ],
            vec![
                (id * 10 + i as i64).into(),
                id.into(),
                from.into(),
                to.into(),
                format!("scout:{scout}").into(),
                "seeded".into(),
                Option::<String>::None.into(),
                day(at).into(),
            ],
        )
        .await;
    }
}

const FUNNEL: &str = "query($market: String, $scout: ID, $from: DateTime, $to: DateTime) { funnel(market: $market, scoutId: $scout, from: $from, to: $to) { entries current { state count } reached { state count } conversions { from to rate } medianDays { state medianDays } ecommerceCapableShare } }";

async fn funnel_on_hand_made_rows(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f = marketplace(&s).await;
    let admin = s.admin();
    let extra: Vec<Json> = (1..=4)
        .map(|n| json!({"externalId": format!("cr-f{n}"), "market": "US", "handle": format!("funnel_{n}"),
            "followers": 1000 * n, "accountWeight": 0.5, "ecommerceCapable": false, "niches": []}))
        .collect();
    ingest(&s, "upsertCreators", "CreatorInput", json!(extra)).await;
    ingest(
        &s,
        "upsertScouts",
        "ScoutInput",
        json!([{"externalId": "scout-a", "name": "A", "markets": ["US"]},
               {"externalId": "scout-b", "name": "B", "markets": ["US", "GB"]}]),
    )
    .await;
    let us = s
        .ok(
            &admin,
            "{ creators(filter: {market: \"US\"}) { edges { node { id handle } } } }",
            json!({}),
        )
        .await;
    let creator = |handle: &str| -> i64 {
        us["creators"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["handle"] == handle)
            .and_then(|e| e["node"]["id"].as_str())
            .unwrap()
            .parse()
            .unwrap()
    };
    let (a, b) = (scout_id(&s, "scout-a").await, scout_id(&s, "scout-b").await);
    // The scoring unit test's hand-made set, in January.
    let p = "prospect";
    let (c, o, ce) = ("contacted", "onboarding", "certified");
    seed_entry(
        &s,
        1001,
        creator("funnel_1"),
        "US",
        a,
        Some(true),
        &[(p, 0), (c, 2), (o, 6), (ce, 16)],
    )
    .await;
    seed_entry(
        &s,
        1002,
        creator("funnel_2"),
        "US",
        a,
        Some(false),
        &[(p, 0), (c, 4), (o, 10), (ce, 30)],
    )
    .await;
    seed_entry(
        &s,
        1003,
        creator("funnel_3"),
        "US",
        a,
        Some(true),
        &[(p, 0), (c, 6), (o, 8), (ce, 20), ("churned", 50)],
    )
    .await;
    seed_entry(
        &s,
        1004,
        creator("funnel_4"),
        "US",
        a,
        None,
        &[(p, 0), (c, 1), ("rejected", 5)],
    )
    .await;
    seed_entry(
        &s,
        1005,
        f.creator_us,
        "US",
        a,
        None,
        &[(p, 0), (c, 3), (o, 5)],
    )
    .await;
    seed_entry(&s, 1006, creator("barkbox_ben"), "US", a, None, &[(p, 0)]).await;
    // Scout B: one in March in the US (the rejected creator again), one in GB.
    seed_entry(&s, 1007, creator("funnel_4"), "US", b, None, &[(p, 59)]).await;
    seed_entry(&s, 1008, f.creator_gb, "GB", b, None, &[(p, 60), (c, 61)]).await;

    let january = s
        .ok(&admin, FUNNEL, json!({"market": "US", "to": day(31)}))
        .await;
    assert_eq!(
        january["funnel"],
        json!({
            "entries": 6,
            "current": [
                {"state": "PROSPECT", "count": 1}, {"state": "CONTACTED", "count": 0},
                {"state": "ONBOARDING", "count": 1}, {"state": "CERTIFIED", "count": 2},
                {"state": "REJECTED", "count": 1}, {"state": "CHURNED", "count": 1}],
            "reached": [
                {"state": "PROSPECT", "count": 6}, {"state": "CONTACTED", "count": 5},
                {"state": "ONBOARDING", "count": 4}, {"state": "CERTIFIED", "count": 3}],
            "conversions": [
                {"from": "PROSPECT", "to": "CONTACTED", "rate": 5.0 / 6.0},
                {"from": "CONTACTED", "to": "ONBOARDING", "rate": 0.8},
                {"from": "ONBOARDING", "to": "CERTIFIED", "rate": 0.75}],
            "medianDays": [
                {"state": "PROSPECT", "medianDays": 3.0}, {"state": "CONTACTED", "medianDays": 4.0},
                {"state": "ONBOARDING", "medianDays": 12.0}, {"state": "CERTIFIED", "medianDays": 30.0}],
            "ecommerceCapableShare": 2.0 / 3.0,
        })
    );
    let entries = |v: &Json| v["funnel"]["entries"].as_i64().unwrap();
    let all_us = s.ok(&admin, FUNNEL, json!({"market": "US"})).await;
    assert_eq!(entries(&all_us), 7);
    let b_all = s.ok(&admin, FUNNEL, json!({"scout": b.to_string()})).await;
    assert_eq!(entries(&b_all), 2);
    let b_from = s
        .ok(
            &admin,
            FUNNEL,
            json!({"scout": b.to_string(), "from": day(60)}),
        )
        .await;
    assert_eq!(entries(&b_from), 1, "from is inclusive");
    let scout_us = s.token(Role::Scout, None, None, &["US"]);
    let b_us = s
        .ok(&scout_us, FUNNEL, json!({"scout": b.to_string()}))
        .await;
    assert_eq!(entries(&b_us), 1, "a US scout sees scout B's US entry only");
    let body = s
        .gql(Some(&scout_us), FUNNEL, json!({"market": "GB"}))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Seeded rows read like any other: the certified ones with their histories.
    let certified = s
        .ok(
            &scout_us,
            "{ pipeline(state: CERTIFIED) { edges { node { id ecommerceCapable history { from to actor } } } } }",
            json!({}),
        )
        .await;
    let edges = certified["pipeline"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[0]["node"]["history"].as_array().unwrap().len(), 4);
    assert_eq!(
        edges[0]["node"]["history"][3],
        json!({"from": "ONBOARDING", "to": "CERTIFIED", "actor": format!("scout:{a}")})
    );
    s.stop().await;
}

async fn import_prospects_csv(backend: Backend) {
    let s = TestServer::start(backend).await;
    marketplace(&s).await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/import");
    let args = || flywheel::cli::import::ImportArgs {
        files: vec![
            format!("{dir}/scouts.csv").into(),
            format!("{dir}/prospects.csv").into(),
        ],
        kind: None,
        batch_size: 2,
    };
    let listed = "{ pipeline { totalCount edges { node { state creator { handle } scout { externalId } history { actor note } } } } }";
    flywheel::cli::import::run(s.db_config(), args())
        .await
        .expect("import");
    let first = s.ok(&s.admin(), listed, json!({})).await;
    assert_eq!(first["pipeline"]["totalCount"], 3);
    assert_eq!(
        first["pipeline"]["edges"][0]["node"],
        json!({"state": "PROSPECT", "creator": {"handle": "glowwithmia"}, "scout": {"externalId": "sc-us"},
               "history": [{"actor": "cli:import", "note": "met at a live"}]})
    );
    flywheel::cli::import::run(s.db_config(), args())
        .await
        .expect("a re-run skips what is in");
    assert_eq!(s.ok(&s.admin(), listed, json!({})).await, first);

    let bad = std::env::temp_dir().join(format!(
        "fw-prospects-{}-{backend:?}.csv",
        std::process::id()
    ));
    std::fs::write(&bad, "creator,market,scout,note\ncr-us-dogs,US,sc-us,\n").unwrap();
    let err = flywheel::cli::import::run(
        s.db_config(),
        flywheel::cli::import::ImportArgs {
            files: vec![bad.clone()],
            kind: Some("prospects".into()),
            batch_size: 10,
        },
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("CONFLICT") && err.contains("already has an open pipeline entry"),
        "{err}"
    );
    let _ = std::fs::remove_file(bad);
    s.stop().await;
}
