//! Creator LTV end to end: attributed orders and their delivered/returned statuses ingested
//! over HTTP keep the selling days current (and equal to a rebuild); the `recompute ltv` job
//! fits the US market on its own and lets GB borrow the platform fit; `Creator.ltv`,
//! `topCreatorsByLtv` and `Market.ltvModel` serve the figures `scoring::ltv` computes here on
//! the same summaries; access and bad arguments are refused with the right codes.

use chrono::{DateTime, Duration, Utc};
use flywheel::auth::Role;
use flywheel::ltv::{config, recompute, selling_days};
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use scoring::ltv::{
    CountModel, DropoutModel, FrequencyBucket, GammaGammaParams, LtvModel, Summary, miss_ratio,
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use std::collections::BTreeMap;

on_both_databases!(
    selling_days_fit_and_serve_creator_ltv,
    a_young_marketplace_is_skipped_with_reasons
);

/// US creators beyond the fixture's.
const CREATORS: usize = 40;

/// One attributed sale: creator external id, days before today, amount, whether delivered,
/// whether returned after delivery.
struct Sale {
    creator: String,
    days_ago: i64,
    amount: i64,
    delivered: bool,
    returned: bool,
}

/// US creator `i` (`cr-l{i}`, skincare when even, dog food when odd): a first selling day
/// 101-300 days ago and up to 12 repeat days after it, 2 to 42 days apart; two orders on the first day when
/// `i % 4 == 0`; the last sale returned when `i % 5 == 1` (its day stops counting). `cr-gb`
/// sells three times in GB; `cr-l-none`'s only order is never delivered.
fn sales() -> Vec<Sale> {
    let mut out = Vec::new();
    let sale = |creator: String, days_ago, amount| Sale {
        creator,
        days_ago,
        amount,
        delivered: true,
        returned: false,
    };
    for i in 0..CREATORS as i64 {
        let creator = format!("cr-l{i}");
        let first = 300 - (i * 7) % 200;
        out.push(sale(creator.clone(), first, 1000 + 37 * i));
        if i % 4 == 0 {
            out.push(sale(creator.clone(), first, 400));
        }
        let mut day = first;
        for j in 0..[0, 1, 2, 3, 5, 8, 12][i as usize % 7] {
            day -= 2 + (i % 5) * 9 + (j * 7) % 5;
            if day < 5 {
                break;
            }
            out.push(sale(creator.clone(), day, 1000 + 137 * ((i * 3 + j) % 11)));
        }
        if i % 5 == 1 {
            out.last_mut().expect("a sale").returned = true;
        }
    }
    for (days_ago, amount) in [(200, 1500), (120, 900), (30, 2100)] {
        out.push(sale("cr-gb".into(), days_ago, amount));
    }
    out.push(Sale {
        delivered: false,
        ..sale("cr-l-none".into(), 40, 999)
    });
    out
}

fn is_gb(s: &Sale) -> bool {
    s.creator == "cr-gb"
}

/// Orders and their status events, as a client sends them.
fn batches(today: DateTime<Utc>, sales: &[Sale]) -> (Value, Value) {
    let (mut orders, mut events) = (vec![], vec![]);
    let at = |t: DateTime<Utc>| t.to_rfc3339();
    for (k, s) in sales.iter().enumerate() {
        let id = format!("or-l{k}");
        let placed = today - Duration::days(s.days_ago) + Duration::hours(10);
        let (shop, product, currency) = if is_gb(s) {
            ("sh-indie", "pr-lips", "GBP")
        } else {
            ("sh-glow", "pr-serum", "USD")
        };
        orders.push(json!({"externalId": id, "shop": shop, "product": product,
            "creator": s.creator, "amountMinor": s.amount, "currency": currency,
            "placedAt": at(placed)}));
        let mut event = |n: &str, status: &str, t: DateTime<Utc>, extra: Value| {
            let mut ev = json!({"eventId": format!("{id}-{n}"), "order": id, "status": status,
                "at": at(t)});
            ev.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            events.push(ev);
        };
        event("s", "SHIPPED", placed + Duration::hours(20), json!({}));
        if s.delivered {
            event("d", "DELIVERED", placed + Duration::days(2), json!({}));
        }
        if s.returned {
            event(
                "r",
                "RETURNED",
                placed + Duration::days(3),
                json!({"fault": "BUYER", "reason": "changed mind"}),
            );
        }
    }
    (json!(orders), json!(events))
}

/// Per creator: selling day (days ago) -> (orders, GMV), counted by hand from the sales.
fn expected_days(sales: &[Sale]) -> BTreeMap<String, BTreeMap<i64, (i64, i64)>> {
    let mut out: BTreeMap<String, BTreeMap<i64, (i64, i64)>> = BTreeMap::new();
    for s in sales.iter().filter(|s| s.delivered && !s.returned) {
        let day = out
            .entry(s.creator.clone())
            .or_default()
            .entry(s.days_ago)
            .or_default();
        day.0 += 1;
        day.1 += s.amount;
    }
    out
}

/// The BG/NBD summary of a creator's selling days (in days before today), as of today.
fn summary(days: &BTreeMap<i64, (i64, i64)>) -> Summary {
    let first = *days.keys().max().unwrap();
    let last = *days.keys().min().unwrap();
    let x = days.len() as u32 - 1;
    let repeat_gmv: i64 = days
        .iter()
        .filter(|(d, _)| **d != first)
        .map(|(_, v)| v.1)
        .sum();
    Summary {
        monetary_value: if x == 0 {
            0.0
        } else {
            repeat_gmv as f64 / f64::from(x)
        },
        ..Summary::new(x, (first - last) as f64, first as f64)
    }
}

async fn stored_days(s: &TestServer) -> Vec<(i64, i32, i64, i64)> {
    entities::creator_selling_day::Entity::find()
        .order_by_asc(entities::creator_selling_day::Column::CreatorId)
        .order_by_asc(entities::creator_selling_day::Column::Day)
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.creator_id, d.day, d.orders, d.gmv_minor))
        .collect()
}

/// The fields of `Creator.ltv`, asked with the arguments given (none: the defaults).
const LTV_FIELDS: &str = "{ horizonDays discountRate reason pActive
      expectedSellingDays expectedOrders expectedGmv { amountMinor currency }
      ltv { amountMinor currency } interval { low { amountMinor } high { amountMinor } level holdoutRatio }
      asOf model { kind borrowedFromGlobal fittedAt } }";

/// Reads a creator's LTV; `h` and `d` in `vars` become arguments when present.
async fn ltv_of(s: &TestServer, token: &str, vars: Value) -> Value {
    s.gql(Some(token), &ltv_query(&vars), vars).await
}

fn ltv_query(vars: &Value) -> String {
    let (params, args) = match (vars.get("h"), vars.get("d")) {
        (None, None) => ("", ""),
        (Some(_), None) => (", $h: Int!", "(horizonDays: $h)"),
        _ => (
            ", $h: Int!, $d: Float!",
            "(horizonDays: $h, discountRate: $d)",
        ),
    };
    format!("query($id: ID!{params}) {{ creator(id: $id) {{ handle ltv{args} {LTV_FIELDS} }} }}")
}

/// `data.creator.ltv` of a request that must succeed.
async fn ltv_ok(s: &TestServer, token: &str, vars: Value) -> Value {
    let body = ltv_of(s, token, vars).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["creator"]["ltv"].clone()
}

const MODEL: &str = "query($m: String!) { market(code: $m) { code ltvModel { kind r alpha a b
    p q v countLogLikelihood spendLogLikelihood n repeatCreators converged borrowedFromGlobal
    meanSellingDayValue { amountMinor currency } asOf fittedAt
    calibration { holdoutDays creators bgnbdMeanSquaredError modifiedBgnbdMeanSquaredError
      correlation buckets { frequency creators actualMean predictedMean } } } } }";

const TOP: &str = "query($m: String!, $n: ID, $first: Int, $after: String) {
  topCreatorsByLtv(market: $m, niche: $n, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id externalId ltv { ltv { amountMinor } } } } } }";

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

async fn selling_days_fit_and_serve_creator_ltv(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f: Fixture = marketplace(&s).await;
    let creators: Vec<Value> = (0..CREATORS)
        .map(|i| {
            let niche = if i % 2 == 0 { "skincare" } else { "dog-food" };
            json!({"externalId": format!("cr-l{i}"), "market": "US", "handle": format!("ltv_{i}"),
                "followers": 1000 + i, "accountWeight": 0.5, "ecommerceCapable": true,
                "niches": [{"niche": niche, "weight": 1.0}]})
        })
        .chain([
            json!({"externalId": "cr-l-none", "market": "US", "handle": "ltv_none",
            "followers": 10, "accountWeight": 0.5, "ecommerceCapable": false,
            "niches": [{"niche": "makeup", "weight": 1.0}]}),
        ])
        .collect();
    ingest(&s, "upsertCreators", "CreatorInput", json!(creators)).await;
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let sales = sales();
    let (orders, events) = batches(today, &sales);
    // Each batch twice: nothing may count twice.
    for _ in 0..2 {
        ingest(&s, "recordOrders", "OrderInput", orders.clone()).await;
        ingest(&s, "recordOrderStatus", "OrderStatusInput", events.clone()).await;
    }

    // Ingest kept the selling days; a rebuild from the orders gives the same table.
    let expected = expected_days(&sales);
    let kept = stored_days(&s).await;
    assert_eq!(
        kept.len(),
        expected.values().map(BTreeMap::len).sum::<usize>(),
        "one row per creator-day, returned days removed"
    );
    let gmv: i64 = kept.iter().map(|d| d.3).sum();
    let want_gmv: i64 = expected
        .values()
        .flat_map(|d| d.values())
        .map(|v| v.1)
        .sum();
    assert_eq!(gmv, want_gmv);
    selling_days::rebuild(&s.db, &|_, _| {}).await.unwrap();
    assert_eq!(stored_days(&s).await, kept);

    // cr-l21's only sale was returned: no selling day left.
    let n_us = expected.keys().filter(|c| c.starts_with("cr-l")).count();
    assert_eq!(n_us, CREATORS - 1);
    assert!(!expected.contains_key("cr-l21"));

    // Before any fit: null figures with a reason.
    let admin = s.admin();
    let l0 = s.creator_id("cr-l0").await;
    let before = ltv_ok(&s, &admin, json!({"id": l0})).await;
    assert!(before["pActive"].is_null());
    assert!(
        before["reason"].as_str().unwrap().contains("no LTV model"),
        "{before:#}"
    );

    // A market without sales is skipped, and the others are fitted all the same.
    ingest(
        &s,
        "upsertMarkets",
        "MarketInput",
        json!([
            {"code": "DE", "name": "Germany", "currency": "EUR", "timeZone": "Europe/Berlin"},
        ]),
    )
    .await;
    let options = recompute::Options {
        min_creators: 30,
        min_repeat_creators: 15,
        ..recompute::Options::new(Utc::now())
    };
    let report = recompute::run(&s.db, &options, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(report.markets.len(), 2, "{report:?}");
    assert_eq!(
        report.skipped,
        vec![recompute::Skipped {
            market: "DE".into(),
            creators: 0,
            reason: "no creator has sold there yet".into(),
        }]
    );
    let us_report = report.markets.iter().find(|m| m.market == "US").unwrap();
    assert!(!us_report.borrowed_from_global);
    assert_eq!(us_report.creators, n_us);
    assert!(
        report
            .markets
            .iter()
            .any(|m| m.market == "GB" && m.borrowed_from_global)
    );
    assert_eq!(report.predicted, n_us + 1);

    // The US model is scoring::ltv's fit of the summaries computed here.
    let model = s.ok(&admin, MODEL, json!({"m": "US"})).await["market"]["ltvModel"].clone();
    assert_eq!(model["borrowedFromGlobal"], false);
    assert_eq!(model["n"], n_us);
    let kind = match model["kind"].as_str().unwrap() {
        "BG_NBD" => DropoutModel::BgNbd,
        "MODIFIED_BG_NBD" => DropoutModel::ModifiedBgNbd,
        other => panic!("{other}"),
    };
    // In creator id (= ingest) order, as the API reads them, so both fits sum alike.
    let us: Vec<(String, Summary)> = (0..CREATORS)
        .map(|i| format!("cr-l{i}"))
        .filter_map(|c| expected.get(&c).map(|d| (c.clone(), summary(d))))
        .collect();
    let summaries: Vec<Summary> = us.iter().map(|(_, s)| *s).collect();
    let ltv_config = config(365, 0.1).unwrap();
    let count = CountModel::fit(kind, &summaries, &ltv_config).unwrap();
    let repeat: Vec<Summary> = summaries
        .iter()
        .copied()
        .filter(|s| s.frequency > 0)
        .collect();
    assert_eq!(model["repeatCreators"], repeat.len());
    let spend = GammaGammaParams::fit(&repeat, &ltv_config).unwrap();
    let p = count.params.params;
    for (name, want) in [
        ("r", p.r),
        ("alpha", p.alpha),
        ("a", p.a),
        ("b", p.b),
        ("p", spend.params.p),
        ("q", spend.params.q),
        ("v", spend.params.v),
        ("countLogLikelihood", count.log_likelihood),
        ("spendLogLikelihood", spend.log_likelihood),
    ] {
        let got = model[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-6, "{name}: {got} vs {want}");
    }
    let calibration = &model["calibration"];
    assert_eq!(calibration["holdoutDays"], 90);
    let buckets: Vec<FrequencyBucket> = calibration["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| FrequencyBucket {
            frequency: b["frequency"].as_u64().unwrap() as u32,
            customers: b["creators"].as_u64().unwrap() as usize,
            actual_mean: b["actualMean"].as_f64().unwrap(),
            predicted_mean: b["predictedMean"].as_f64().unwrap(),
        })
        .collect();
    assert!(!buckets.is_empty());
    let (days, total): (usize, i64) = expected
        .iter()
        .filter(|(c, _)| c.starts_with("cr-l"))
        .flat_map(|(_, d)| d.values())
        .fold((0, 0), |(n, g), v| (n + 1, g + v.1));
    let mean_day = total as f64 / days as f64;
    assert_eq!(
        model["meanSellingDayValue"]["amountMinor"],
        mean_day.round() as i64
    );
    assert_eq!(model["meanSellingDayValue"]["currency"], "USD");

    // Creator.ltv, stored (default arguments) and on the fly, equals the model computed here.
    for (horizon, discount) in [(365, 0.1), (180, 0.05)] {
        let predictor = LtvModel::new(&count, &spend, config(horizon, discount).unwrap())
            .unwrap()
            .with_spend_fallback(mean_day)
            .unwrap();
        for (creator, summary) in us
            .iter()
            .filter(|(c, _)| ["cr-l0", "cr-l1", "cr-l5", "cr-l9"].contains(&c.as_str()))
        {
            let id = s.creator_id(creator).await;
            let vars = if horizon == 365 {
                json!({"id": id})
            } else {
                json!({"id": id, "h": horizon, "d": discount})
            };
            let got = ltv_ok(&s, &admin, vars).await;
            // Without a usable covariance (here: few repeat sellers) there is no interval.
            let (want, interval) = match predictor.value_with_interval(summary) {
                Ok((v, i)) => (v, Some(i)),
                Err(scoring::ltv::LtvError::NoCovariance) => {
                    (predictor.value(summary).unwrap(), None)
                }
                Err(e) => panic!("{e}"),
            };
            assert!(got["reason"].is_null(), "{got:#}");
            assert_eq!(got["horizonDays"], horizon);
            assert!(
                rel(got["pActive"].as_f64().unwrap(), want.p_alive) < 1e-6,
                "{creator} {got:#}"
            );
            let days = got["expectedSellingDays"].as_f64().unwrap();
            assert!(
                rel(days, want.expected_transactions) < 1e-6,
                "{creator} {got:#}"
            );
            let ltv = got["ltv"]["amountMinor"].as_i64().unwrap() as f64;
            assert!(
                (ltv - want.ltv).abs() <= 1.0 + 1e-6 * want.ltv,
                "{creator}: {ltv} vs {}",
                want.ltv
            );
            let gmv = got["expectedGmv"]["amountMinor"].as_i64().unwrap() as f64;
            let want_gmv = want.expected_transactions * want.expected_value_per_transaction;
            assert!((gmv - want_gmv).abs() <= 1.0 + 1e-6 * want_gmv);
            assert_eq!(got["ltv"]["currency"], "USD");
            match interval {
                Some(interval) => {
                    // Same seeded draws around the same parameters, stretched by the miss of
                    // the creator's holdout bucket.
                    let ratio = miss_ratio(&buckets, summary.frequency);
                    let interval = ratio.map_or(interval, |r| interval.covering_miss(r));
                    assert_eq!(got["interval"]["holdoutRatio"].as_f64(), ratio);
                    let low = got["interval"]["low"]["amountMinor"].as_i64().unwrap() as f64;
                    let high = got["interval"]["high"]["amountMinor"].as_f64().unwrap();
                    assert!((low - interval.low).abs() <= 1.0 + 1e-3 * interval.low);
                    assert!((high - interval.high).abs() <= 1.0 + 1e-3 * interval.high);
                    assert!(low <= ltv && ltv <= high, "{low} {ltv} {high}");
                }
                None => assert!(got["interval"].is_null(), "{got:#}"),
            }
            assert_eq!(got["model"]["borrowedFromGlobal"], false);
            assert_eq!(got["asOf"], today.date_naive().to_string());
        }
    }
    // cr-l0 has two orders on its first day and no return: orders per selling day > 1.
    let l0_days = &expected["cr-l0"];
    let per_day = l0_days.values().map(|v| v.0).sum::<i64>() as f64 / l0_days.len() as f64;
    let got = ltv_ok(&s, &admin, json!({"id": l0})).await;
    let ratio =
        got["expectedOrders"].as_f64().unwrap() / got["expectedSellingDays"].as_f64().unwrap();
    assert!(
        rel(ratio, per_day) < 1e-9 && per_day > 1.0,
        "{ratio} vs {per_day}"
    );

    // GB borrows the platform fit and says so; a creator without a selling day gets a reason.
    let gb = ltv_ok(&s, &admin, json!({"id": f.creator_gb.to_string()})).await;
    assert_eq!(gb["model"]["borrowedFromGlobal"], true, "{gb:#}");
    assert_eq!(gb["ltv"]["currency"], "GBP");
    assert!(gb["ltv"]["amountMinor"].as_i64().unwrap() > 0);
    for who in [
        s.creator_id("cr-l-none").await,
        s.creator_id("cr-l21").await,
        f.creator_us.to_string(),
    ] {
        let none = ltv_ok(&s, &admin, json!({"id": who, "h": 90})).await;
        assert!(
            none["ltv"].is_null() && none["pActive"].is_null(),
            "{none:#}"
        );
        assert!(
            none["reason"].as_str().unwrap().contains("no selling day"),
            "{none:#}"
        );
    }

    // The ranking: stored LTV descending, keyset pages, niche filter.
    let mut ranked: Vec<(i64, String)> = vec![];
    let mut after = Value::Null;
    loop {
        let page = s
            .ok(&admin, TOP, json!({"m": "US", "first": 7, "after": after}))
            .await;
        let conn = &page["topCreatorsByLtv"];
        assert_eq!(conn["totalCount"], n_us);
        for e in conn["edges"].as_array().unwrap() {
            let node = &e["node"];
            ranked.push((
                node["ltv"]["ltv"]["amountMinor"].as_i64().unwrap(),
                node["externalId"].as_str().unwrap().to_owned(),
            ));
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(ranked.len(), n_us);
    assert!(ranked.windows(2).all(|w| w[0].0 >= w[1].0), "{ranked:?}");
    let dogs_niche = s.ok(&admin, "{ niches { id slug } }", json!({})).await["niches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["slug"] == "pets")
        .unwrap()["id"]
        .clone();
    let dogs = s
        .ok(
            &admin,
            TOP,
            json!({"m": "US", "n": dogs_niche, "first": 100}),
        )
        .await;
    let dog_ids: Vec<&str> = dogs["topCreatorsByLtv"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["externalId"].as_str().unwrap())
        .collect();
    let want_dogs: Vec<&str> = ranked
        .iter()
        .map(|(_, c)| c.as_str())
        .filter(|c| c[4..].parse::<usize>().unwrap() % 2 == 1)
        .collect();
    assert_eq!(dog_ids, want_dogs);
    assert_eq!(dog_ids.len(), CREATORS / 2 - 1, "the odd ones but cr-l21");

    // The funnel values the certified cohort with the stored LTVs: a US scout (the test
    // tokens' subject) certifies the top two.
    s.ok(
        &admin,
        "mutation { upsertScouts(items: [{externalId: \"test:Scout\", name: \"Uma\", markets: [\"US\"]}]) { created } }",
        json!({}),
    )
    .await;
    let scout = s.token(Role::Scout, None, None, &["US"]);
    let mut certified_total = 0;
    for (ltv, external) in &ranked[..2] {
        let creator = s.creator_id(external).await;
        let added = s
            .ok(
                &scout,
                "mutation($c: ID!) { addProspects(items: [{creatorId: $c, market: \"US\"}]) { id } }",
                json!({ "c": creator }),
            )
            .await;
        let entry = added["addProspects"][0]["id"].clone();
        for to in ["CONTACTED", "ONBOARDING", "CERTIFIED"] {
            s.ok(
                &scout,
                "mutation($e: ID!, $to: PipelineState!, $c: Boolean) { movePipelineEntry(entryId: $e, to: $to, reason: \"test\", ecommerceCapable: $c) { state } }",
                json!({"e": entry, "to": to, "c": (to == "CERTIFIED").then_some(true)}),
            )
            .await;
        }
        certified_total += ltv;
    }
    let funnel = s
        .ok(
            &admin,
            "{ funnel(market: \"US\") { certifiedLtv { currency creators total { amountMinor currency } mean { amountMinor } meanPActive } } }",
            json!({}),
        )
        .await["funnel"]["certifiedLtv"]
        .clone();
    assert_eq!(funnel[0]["currency"], "USD", "{funnel}");
    assert_eq!(funnel[0]["creators"], 2);
    assert_eq!(funnel[0]["total"]["amountMinor"], certified_total);
    assert_eq!(funnel.as_array().unwrap().len(), 1);

    // Access: brands and US scouts read US creators; to a GB scout a US creator does not
    // exist, a shop is refused by role; only admins read the market model.
    let brand = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    let scout_us = s.token(Role::Scout, None, None, &["US"]);
    let scout_gb = s.token(Role::Scout, None, None, &["GB"]);
    let shop = s.token(Role::Shop, None, Some(f.shop_glow), &[]);
    let vars = json!({"id": l0, "h": 180});
    for token in [&brand, &scout_us] {
        let data = ltv_ok(&s, token, vars.clone()).await;
        assert!(data["ltv"]["amountMinor"].as_i64().unwrap() > 0);
        s.ok(token, TOP, json!({"m": "US", "first": 3})).await;
    }
    for (token, code) in [(&scout_gb, "NOT_FOUND"), (&shop, "FORBIDDEN")] {
        let body = ltv_of(&s, token, vars.clone()).await;
        assert_eq!(error_code(&body), Some(code), "{body:#}");
        let body = s.gql(Some(token), TOP, json!({"m": "US"})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    }
    for token in [&brand, &scout_us, &shop] {
        let body = s.gql(Some(token), MODEL, json!({"m": "US"})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    }
    let body = s.gql(Some(&admin), TOP, json!({"m": "XX"})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");

    // Bad arguments.
    for (h, d) in [(0, 0.1), (-30, 0.1), (365, -0.01)] {
        let body = ltv_of(&s, &admin, json!({"id": l0, "h": h, "d": d})).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{h} {d}: {body:#}"
        );
    }
    let body = s
        .gql(Some(&admin), TOP, json!({"m": "US", "after": "bogus"}))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    s.stop().await;
}

/// A marketplace whose every sale is younger than the holdout: nothing can choose a model, so
/// every market is skipped with the reason, the run itself succeeds, and creators' LTV says
/// there is no model.
async fn a_young_marketplace_is_skipped_with_reasons(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f: Fixture = marketplace(&s).await;
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let sale = |creator: &str, days_ago| Sale {
        creator: creator.into(),
        days_ago,
        amount: 1200,
        delivered: true,
        returned: false,
    };
    let sales = [sale("cr-us", 20), sale("cr-us", 10), sale("cr-us-dogs", 5)];
    let (orders, events) = batches(today, &sales);
    ingest(&s, "recordOrders", "OrderInput", orders).await;
    ingest(&s, "recordOrderStatus", "OrderStatusInput", events).await;

    let report = recompute::run(&s.db, &recompute::Options::new(Utc::now()), &|_, _, _| {})
        .await
        .expect("a young marketplace is not an error");
    assert!(report.markets.is_empty(), "{report:?}");
    assert_eq!(report.predicted, 0);
    let skipped: Vec<(&str, usize)> = report
        .skipped
        .iter()
        .map(|k| (k.market.as_str(), k.creators))
        .collect();
    assert_eq!(skipped, [("GB", 0), ("US", 2)], "{report:?}");
    let us = &report.skipped[1].reason;
    let cutoff = (today - Duration::days(90)).date_naive();
    assert!(
        us.contains("fewer than the 200 and 50 its own fit needs")
            && us.contains(&format!(
                "the platform-wide fit failed: no creator sold before {cutoff}"
            )),
        "{us}"
    );
    let got = ltv_ok(&s, &s.admin(), json!({"id": f.creator_us.to_string()})).await;
    assert!(
        got["reason"].as_str().unwrap().contains("no LTV model"),
        "{got:#}"
    );
    s.stop().await;
}
