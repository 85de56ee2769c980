//! Shop ratings end to end: a month of orders ingested over HTTP (late dispatches, carrier- and
//! seller-late deliveries, cancellations and returns of both faults, reviews incl.
//! logistics-only ones) keeps the daily aggregates current; the evaluation the `recompute
//! ratings` command runs rates the shop; the shop reads its tier, metrics, history and
//! improvements, and other shops and brands are refused.

use chrono::{DateTime, Datelike, Duration, Utc};
use flywheel::auth::Role;
use flywheel::rating::recompute::EvaluationKind;
use flywheel::rating::{aggregates, config, recompute};
use flywheel_tests::fixture::{Fixture, ingest, marketplace};
use flywheel_tests::{Backend, TestServer, error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(a_month_of_orders_rates_the_shop);

const ORDERS: usize = 60;

/// What the month holds, counted by hand from the rules in `month`.
#[derive(Debug, Default)]
struct Expected {
    orders: u32,
    shipped: u32,
    late: u32,
    seller_cancels: u32,
    delivered: u32,
    seller_returns: u32,
    reviews: u32,
    negative: u32,
    late_days: Vec<String>,
}

/// Orders of sh-glow placed 10-29 days ago, their status events and reviews. Order `i`:
/// cancelled by the seller when i % 20 == 0, by the buyer when i % 20 == 10; otherwise shipped
/// (late when i % 15 == 0, invalid tracking when i % 29 == 0), delivered (late by the carrier
/// when i % 11 == 0, by the seller when i % 13 == 0), returned (seller fault when i % 25 == 3,
/// buyer fault when i % 8 == 5), reviewed (logistics-only 1 star when i % 5 == 1, else 2 stars
/// when i % 18 == 0 and 5 stars when i % 3 == 0).
fn month(today: DateTime<Utc>) -> (Value, Value, Value, Expected) {
    let (mut orders, mut events, mut reviews) = (vec![], vec![], vec![]);
    // The fixture's or-1 (placed 2026-10-02, never shipped) is in the window too.
    let mut e = Expected {
        orders: 1 + ORDERS as u32,
        ..Expected::default()
    };
    let at = |t: DateTime<Utc>| t.to_rfc3339();
    for i in 0..ORDERS {
        let placed = today - Duration::days(10 + i as i64 / 3) + Duration::hours(9);
        let id = format!("or-m{i}");
        orders.push(
            json!({"externalId": id, "shop": "sh-glow", "product": "pr-serum",
            "amountMinor": 2500, "currency": "USD", "placedAt": at(placed),
            "deliverBy": at(placed + Duration::days(5))}),
        );
        let mut event = |n: &str, status: &str, t: DateTime<Utc>, extra: Value| {
            let mut ev =
                json!({"eventId": format!("{id}-{n}"), "order": id, "status": status, "at": at(t)});
            ev.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            events.push(ev);
        };
        if i % 20 == 0 || i % 20 == 10 {
            let fault = if i % 20 == 0 { "SELLER" } else { "BUYER" };
            event(
                "x",
                "CANCELLED",
                placed + Duration::hours(2),
                json!({"fault": fault, "reason": "stock"}),
            );
            e.seller_cancels += u32::from(i % 20 == 0);
            continue;
        }
        e.shipped += 1;
        let late = i % 15 == 0;
        if late {
            e.late += 1;
            e.late_days.push(placed.date_naive().to_string());
        }
        let shipped = placed + Duration::hours(if late { 60 } else { 20 });
        event(
            "s",
            "SHIPPED",
            shipped,
            json!({"trackingValid": i % 29 != 0}),
        );
        let (delivered, fault) = match (i % 11, i % 13) {
            (0, _) => (placed + Duration::days(6), Some("CARRIER")),
            (_, 0) => (placed + Duration::days(6), Some("SELLER")),
            _ => (placed + Duration::days(4), None),
        };
        event("d", "DELIVERED", delivered, json!({"fault": fault}));
        let counted = fault != Some("CARRIER");
        e.delivered += u32::from(counted);
        match i % 8 {
            _ if i % 25 == 3 => {
                event(
                    "r",
                    "RETURNED",
                    delivered + Duration::days(1),
                    json!({"fault": "SELLER", "reason": "damaged"}),
                );
                e.seller_returns += u32::from(counted);
            }
            5 => event(
                "r",
                "RETURNED",
                delivered + Duration::days(1),
                json!({"fault": "BUYER", "reason": "changed mind"}),
            ),
            _ => {}
        }
        let review = |stars: i32, logistics: bool| {
            json!({"eventId": format!("{id}-review"), "order": id,
            "stars": stars, "at": at(delivered + Duration::days(2)), "logisticsOnly": logistics})
        };
        if i % 5 == 1 {
            reviews.push(review(1, true));
        } else if i % 3 == 0 {
            let stars = if i % 18 == 0 { 2 } else { 5 };
            reviews.push(review(stars, false));
            e.reviews += 1;
            e.negative += u32::from(stars == 2);
        }
    }
    e.late_days.sort();
    e.late_days.dedup();
    (json!(orders), json!(events), json!(reviews), e)
}

const RATING: &str = "query($id: ID!) { shop(id: $id) { rating {
    tier projectedTier overall kind asOf restrictionsDeferred restrictionsDeferredUntil explanation
    configVersion nextOfficialEvaluation
    perks { trafficWeight settlementDays badge }
    dimensions { dimension score weight metrics { metric events rawValue value prior score } }
    nextTier nextTierPerks { trafficWeight settlementDays }
    improvements { metric targetTier absorbableBadEvents cleanEventsNeeded blocksNextTier pointsAvailable advice
                   windowDays countingAgainst { day badEvents rollsOff } }
  }
  ratingHistory(first: 10) { totalCount edges { node { kind tier previousTier qualifiedTier overall reasons } } }
} }";

async fn evaluate(s: &TestServer, kind: EvaluationKind) -> Result<recompute::Summary, String> {
    let options = recompute::Options {
        kind,
        as_of: None,
        now: Utc::now(),
    };
    recompute::run(&s.db, config(), &options, &|_, _, _| {})
        .await
        .map_err(|e| format!("{}: {}", e.code(), e.message()))
}

fn metric<'a>(rating: &'a Value, name: &str) -> &'a Value {
    rating["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["metrics"].as_array().unwrap())
        .find(|m| m["metric"] == name)
        .unwrap_or_else(|| panic!("metric {name} missing"))
}

fn raw(rating: &Value, name: &str) -> f64 {
    metric(rating, name)["rawValue"]
        .as_f64()
        .expect("raw value")
}

async fn a_month_of_orders_rates_the_shop(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f: Fixture = marketplace(&s).await;
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let (orders, events, reviews, e) = month(today);
    // Each batch twice: the aggregates must not count anything twice.
    for _ in 0..2 {
        ingest(&s, "recordOrders", "OrderInput", orders.clone()).await;
        ingest(&s, "recordOrderStatus", "OrderStatusInput", events.clone()).await;
        ingest(&s, "recordReviews", "ReviewInput", reviews.clone()).await;
    }

    let shop_glow = s.token(Role::Shop, None, Some(f.shop_glow), &[]);
    let id = json!({"id": f.shop_glow.to_string()});
    let before = s.ok(&shop_glow, RATING, id.clone()).await;
    assert_eq!(
        before["shop"]["rating"],
        Value::Null,
        "no rating before the first evaluation"
    );

    let summary = evaluate(&s, EvaluationKind::Official)
        .await
        .expect("official evaluation");
    assert_eq!(summary.evaluated, 3, "every open shop is evaluated");
    let again = evaluate(&s, EvaluationKind::Official).await;
    assert!(
        again.as_ref().is_err_and(|m| m.starts_with("CONFLICT")),
        "{again:?}"
    );

    let data = s.ok(&shop_glow, RATING, id.clone()).await;
    let rating = &data["shop"]["rating"];
    // Official evaluations are monthly, on the 1st: the next is due the 1st of next month.
    let next_month = today.date_naive().with_day(1).unwrap() + chrono::Months::new(1);
    assert_eq!(rating["nextOfficialEvaluation"], next_month.to_string());
    // The fulfilment and product metrics are the month's counts, with what is not the shop's
    // fault left out (buyer cancellations and returns, carrier-late deliveries, logistics-only
    // reviews).
    let n = |x: u32| f64::from(x);
    assert_eq!(
        metric(rating, "SELLER_FAULT_CANCELLATION_RATE")["events"],
        e.orders
    );
    assert_eq!(
        raw(rating, "SELLER_FAULT_CANCELLATION_RATE"),
        n(e.seller_cancels) / n(e.orders)
    );
    assert_eq!(raw(rating, "LATE_DISPATCH_RATE"), n(e.late) / n(e.shipped));
    assert_eq!(
        metric(rating, "SELLER_FAULT_RETURN_RATE")["events"],
        e.delivered
    );
    assert_eq!(
        raw(rating, "SELLER_FAULT_RETURN_RATE"),
        n(e.seller_returns) / n(e.delivered)
    );
    assert_eq!(
        raw(rating, "NEGATIVE_REVIEW_RATE"),
        n(e.negative) / n(e.reviews)
    );
    assert_eq!(metric(rating, "CONTENT_SCORE")["events"], 0);
    let tier = rating["tier"].as_str().unwrap();
    // Too few peers to pool a market prior: small samples are shrunk toward the platform
    // defaults (late dispatch 2%), which keeps this record (3 seller returns and 3 seller
    // cancellations in 61 orders) out of C.
    assert_eq!(metric(rating, "LATE_DISPATCH_RATE")["prior"], 0.02);
    assert_eq!(tier, "B", "{rating:#}");
    assert_eq!(rating["kind"], "OFFICIAL");
    assert_eq!(rating["asOf"], today.date_naive().to_string());
    assert_eq!(rating["dimensions"].as_array().unwrap().len(), 3);
    assert!(!rating["perks"]["trafficWeight"].is_null());

    // Improvements: all ten metrics, those short of the next tier first, then most points;
    // the late dispatches count against the shop on their order dates and roll off when their
    // window has passed. Rates read in percent.
    let hints = rating["improvements"].as_array().unwrap();
    assert_eq!(hints.len(), 10);
    let order: Vec<(bool, f64)> = hints
        .iter()
        .map(|h| {
            let blocks = h["blocksNextTier"].as_bool().unwrap();
            assert_eq!(blocks, h["cleanEventsNeeded"] != 0, "{h}");
            (blocks, h["pointsAvailable"].as_f64().unwrap())
        })
        .collect();
    assert!(order.windows(2).all(|p| p[0] >= p[1]), "{order:?}");
    assert!(
        hints
            .iter()
            .all(|h| !h["advice"].as_str().unwrap().contains("0.0000"))
    );
    let next = rating["nextTier"].as_str().expect("a next tier below S");
    assert!(
        rating["nextTierPerks"]["trafficWeight"].as_f64()
            > rating["perks"]["trafficWeight"].as_f64(),
        "the next tier ({next}) is worth more: {rating:#}"
    );
    let late = hints
        .iter()
        .find(|h| h["metric"] == "LATE_DISPATCH_RATE")
        .unwrap();
    let days: Vec<&str> = late["countingAgainst"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, e.late_days);
    let window = late["windowDays"].as_i64().unwrap();
    let first = &late["countingAgainst"][0];
    let day =
        chrono::NaiveDate::parse_from_str(first["day"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(
        first["rollsOff"],
        (day + Duration::days(window)).to_string()
    );
    assert!(late["advice"].as_str().unwrap().contains("late dispatch"));

    // History: the official evaluation rated the shop from Unrated and said why.
    let history = &data["shop"]["ratingHistory"];
    assert_eq!(history["totalCount"], 1);
    let first_eval = &history["edges"][0]["node"];
    assert_eq!(first_eval["previousTier"], "UNRATED");
    assert_eq!(first_eval["tier"], tier);
    let reasons = first_eval["reasons"][0].as_str().unwrap();
    assert!(
        reasons.contains("enough orders to be rated"),
        "{first_eval:#}"
    );

    // A daily projection adds to the history without recomputing the past; rebuilding the
    // aggregates from the orders gives what ingest kept.
    aggregates::rebuild(&s.db, &|_, _| {})
        .await
        .expect("rebuild");
    evaluate(&s, EvaluationKind::Projected)
        .await
        .expect("projection");
    let after = s.ok(&shop_glow, RATING, id.clone()).await;
    let projected = &after["shop"]["rating"];
    assert_eq!(projected["kind"], "PROJECTED");
    assert_eq!(projected["tier"], tier);
    assert_eq!(projected["dimensions"], rating["dimensions"]);
    let history = &after["shop"]["ratingHistory"];
    assert_eq!(history["totalCount"], 2);
    assert_eq!(history["edges"][0]["node"], first_eval.clone());

    // The shop's brand sees it; another shop and another brand are refused.
    let brand_glow = s.token(Role::Brand, Some(f.brand_glow), None, &[]);
    let seen = s.ok(&brand_glow, RATING, id.clone()).await;
    assert_eq!(seen["shop"]["rating"]["tier"], tier);
    for token in [
        s.token(Role::Shop, None, Some(f.shop_paws), &[]),
        s.token(Role::Brand, Some(f.brand_paws), None, &[]),
    ] {
        let body = s.gql(Some(&token), RATING, id.clone()).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    }

    // Admins list shops by tier and see the distribution per market; others may not.
    let admin = s.admin();
    let by_tier = "query($t: RatingTier!) { shopsByTier(market: \"US\", tier: $t) { totalCount edges { node { id } } } }";
    let listed = s.ok(&admin, by_tier, json!({"t": tier})).await;
    assert_eq!(
        listed["shopsByTier"]["edges"][0]["node"]["id"],
        f.shop_glow.to_string()
    );
    let unrated = s.ok(&admin, by_tier, json!({"t": "UNRATED"})).await;
    assert_eq!(
        unrated["shopsByTier"]["edges"][0]["node"]["id"],
        f.shop_paws.to_string()
    );
    let dist = s
        .ok(
            &admin,
            "{ tierDistribution { market tier shops } }",
            json!({}),
        )
        .await;
    assert_eq!(
        dist["tierDistribution"],
        json!([
            {"market": "GB", "tier": "UNRATED", "shops": 1},
            {"market": "US", "tier": tier, "shops": 1},
            {"market": "US", "tier": "UNRATED", "shops": 1},
        ])
    );
    let body = s
        .gql(Some(&shop_glow), "{ tierDistribution { tier } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = s
        .gql(
            Some(&admin),
            "{ tierDistribution(market: \"XX\") { tier } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    // A severe violation on content selling the shop's products weighs only once upheld; then
    // even the daily projection demotes to C at once.
    let violation = |upheld: bool| {
        json!([{"externalId": "vi-1", "subjectKind": "CONTENT", "subject": "ct-us",
            "severity": "SEVERE", "upheld": upheld, "reason": "counterfeit",
            "occurredAt": (today - Duration::days(3)).to_rfc3339()}])
    };
    ingest(&s, "recordViolations", "ViolationInput", violation(false)).await;
    evaluate(&s, EvaluationKind::Projected)
        .await
        .expect("projection");
    let pending = s.ok(&shop_glow, RATING, id.clone()).await;
    assert_eq!(pending["shop"]["rating"]["tier"], "B");
    ingest(&s, "recordViolations", "ViolationInput", violation(true)).await;
    evaluate(&s, EvaluationKind::Projected)
        .await
        .expect("projection");
    let upheld = s.ok(&shop_glow, RATING, id.clone()).await;
    let rating = &upheld["shop"]["rating"];
    assert_eq!(rating["tier"], "C", "{rating:#}");
    assert_eq!(
        (
            &rating["restrictionsDeferred"],
            &rating["restrictionsDeferredUntil"]
        ),
        (&json!(false), &Value::Null),
        "no grace after a severe violation"
    );
    assert_eq!(rating["perks"]["settlementDays"], 15);
    let last = &upheld["shop"]["ratingHistory"]["edges"][3]["node"];
    assert_eq!(
        (last["previousTier"].as_str(), last["tier"].as_str()),
        (Some("B"), Some("C"))
    );
    assert!(
        last["reasons"][0]
            .as_str()
            .unwrap()
            .contains("severe violation"),
        "{last:#}"
    );
    s.stop().await;
}
