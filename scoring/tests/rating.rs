//! Shop rating: metrics, shrinkage, widening, gates, hysteresis, hints, perks and validation.

use scoring::rating::{
    Blocker, Change, ContentSample, DailyAggregate, Day, DemotionCause, Evaluation, EvaluationKind,
    Metric, RatingConfig, RatingError, RatingState, Severity, ShopInputs, Tier, Violation,
    evaluate, improvement_hints,
};

const AS_OF: Day = Day::new(1_000);

/// A clean day: every order shipped on time in 12 hours with tracking, delivered on time, half
/// of them reviewed at 5 stars.
fn clean_day(day: Day, orders: u32) -> DailyAggregate {
    DailyAggregate {
        day,
        orders,
        shipped: orders,
        late_dispatches: 0,
        seller_fault_cancellations: 0,
        valid_tracking: orders,
        delivered: orders,
        delivered_on_time: orders,
        handling_hours: 12 * orders,
        seller_fault_returns: 0,
        first_reviews: orders / 2,
        negative_first_reviews: 0,
        first_review_stars: 5 * (orders / 2),
    }
}

/// A shop evaluated on `as_of` with `history` days of `orders` orders each (edited by `edit`),
/// one piece of content a day scoring 85, opened 400 days before `as_of`.
fn shop_at(
    as_of: Day,
    history: i32,
    orders: u32,
    edit: impl Fn(&mut DailyAggregate),
) -> ShopInputs {
    let range = (as_of - history + 1).through(as_of);
    ShopInputs {
        opened_at: as_of - 400,
        as_of,
        now: as_of,
        kind: EvaluationKind::Official,
        days: range
            .clone()
            .map(|day| {
                let mut d = clean_day(day, orders);
                edit(&mut d);
                d
            })
            .collect(),
        violations: Vec::new(),
        content: range
            .map(|day| ContentSample { day, score: 85.0 })
            .collect(),
        priors: None,
    }
}

fn shop(edit: impl Fn(&mut DailyAggregate)) -> ShopInputs {
    shop_at(AS_OF, 120, 10, edit)
}

fn good() -> ShopInputs {
    shop(|_| {})
}

/// Late dispatch on 2 of every 5 days: 4% raw, 3.7% shrunk, under the S standard only.
fn late_a(d: &mut DailyAggregate) {
    if d.day.number().rem_euclid(5) < 2 {
        d.late_dispatches = 1;
    }
}

/// Late dispatch on 7 of every 10 days: 7%, under the A minimum but short of recall.
fn late_b(d: &mut DailyAggregate) {
    if d.day.number().rem_euclid(10) < 7 {
        d.late_dispatches = 1;
    }
}

/// Late dispatch on half the orders: far beyond recall.
fn late_breach(d: &mut DailyAggregate) {
    d.late_dispatches = d.shipped / 2;
}

/// Mediocre everywhere in fulfilment, no breach.
fn mediocre(d: &mut DailyAggregate) {
    late_b(d);
    d.valid_tracking = d.shipped - 1;
    d.delivered_on_time = d.delivered - 1;
    d.handling_hours = 40 * d.shipped;
    if d.day.number().rem_euclid(2) == 0 {
        d.seller_fault_returns = 1;
    }
}

fn rate(inputs: &ShopInputs) -> Evaluation {
    evaluate(&RatingState::new_shop(), inputs, &RatingConfig::default()).expect("valid inputs")
}

fn state(tier: Tier) -> RatingState {
    RatingState {
        tier,
        ..RatingState::new_shop()
    }
}

mod metrics {
    use super::*;

    #[test]
    fn a_clean_shop_is_s_with_every_metric_at_the_top_standard() {
        let e = rate(&good());
        let card = &e.scorecard;
        for m in card.metrics.0 {
            assert!(m.score >= 85.0, "{:?} scores {}", m.metric, m.score);
            assert!(!m.breach);
        }
        assert!(card.overall >= 90.0);
        assert_eq!(card.tier, Tier::S);
        assert_eq!(e.tier, Tier::S);
        assert!(card.blockers.is_empty());
    }

    /// Each metric, made terrible on its own, is computed from the right fields over the right
    /// window, scores 0, is in breach and puts the shop in C.
    #[test]
    fn every_metric_reaches_breach_from_its_own_fields() {
        type Edit = fn(&mut ShopInputs);
        let cases: [(Metric, Edit, f64, u32); 10] = [
            (
                Metric::ViolationRate,
                |s| {
                    s.violations = s
                        .content
                        .iter()
                        .map(|c| Violation {
                            day: c.day,
                            severity: Severity::Minor,
                        })
                        .collect()
                },
                1.0,
                180,
            ),
            (
                Metric::ContentScore,
                |s| s.content.iter_mut().for_each(|c| c.score = 0.0),
                0.0,
                180,
            ),
            (
                Metric::NegativeReviewRate,
                |s| {
                    s.days.iter_mut().for_each(|d| {
                        d.negative_first_reviews = 4;
                        d.first_review_stars = 4 + 5;
                    })
                },
                0.8,
                60,
            ),
            (
                Metric::SellerFaultReturnRate,
                |s| s.days.iter_mut().for_each(|d| d.seller_fault_returns = 3),
                0.3,
                60,
            ),
            (
                Metric::AverageRating,
                |s| {
                    s.days.iter_mut().for_each(|d| {
                        d.negative_first_reviews = 2;
                        d.first_review_stars = 2 * 2 + 3 * 3;
                    })
                },
                2.6,
                60,
            ),
            (
                Metric::LateDispatchRate,
                |s| s.days.iter_mut().for_each(late_breach),
                0.5,
                30,
            ),
            (
                Metric::SellerFaultCancellationRate,
                |s| {
                    s.days.iter_mut().for_each(|d| {
                        *d = DailyAggregate {
                            seller_fault_cancellations: 3,
                            ..clean_day(d.day, 7)
                        };
                        d.orders = 10;
                    })
                },
                0.3,
                30,
            ),
            (
                Metric::ValidTrackingRate,
                |s| s.days.iter_mut().for_each(|d| d.valid_tracking = 5),
                0.5,
                30,
            ),
            (
                Metric::OnTimeDeliveryRate,
                |s| s.days.iter_mut().for_each(|d| d.delivered_on_time = 5),
                0.5,
                30,
            ),
            (
                Metric::HandlingHours,
                |s| {
                    s.days
                        .iter_mut()
                        .for_each(|d| d.handling_hours = 150 * d.shipped)
                },
                150.0,
                30,
            ),
        ];
        for (metric, edit, raw, window) in cases {
            let mut inputs = good();
            edit(&mut inputs);
            let card = rate(&inputs).scorecard;
            let m = card.metrics[metric];
            assert_eq!(m.window_days, window, "{metric:?}");
            let got = m.raw_value.expect("events in window");
            assert!(
                (got - raw).abs() < 1e-9,
                "{metric:?}: raw {got}, expected {raw}"
            );
            assert_eq!(m.score, 0.0, "{metric:?}");
            assert!(m.breach, "{metric:?}");
            assert_eq!(card.tier, Tier::C, "{metric:?}");
            assert!(
                card.blockers
                    .iter()
                    .any(|b| matches!(b, Blocker::Breach { metric: x, .. } if *x == metric)),
                "{metric:?}: {:?}",
                card.blockers
            );
        }
    }

    #[test]
    fn dimensions_are_metric_means_and_overall_uses_the_weights() {
        let mut inputs = shop(late_b);
        inputs.content.iter_mut().for_each(|c| c.score = 50.0);
        let card = rate(&inputs).scorecard;
        let mean = |ms: &[Metric]| {
            ms.iter().map(|m| card.metrics[*m].score).sum::<f64>() / ms.len() as f64
        };
        let content = mean(&[Metric::ViolationRate, Metric::ContentScore]);
        let fulfil = mean(&Metric::ALL[5..]);
        assert!((card.dimensions.content - content).abs() < 1e-9);
        assert!((card.dimensions.fulfilment - fulfil).abs() < 1e-9);
        let overall = 0.25 * card.dimensions.content
            + 0.35 * card.dimensions.product
            + 0.40 * card.dimensions.fulfilment;
        assert!((card.overall - overall).abs() < 1e-9);
    }
}

mod shrinkage {
    use super::*;

    #[test]
    fn three_orders_and_one_late_cannot_make_a_c() {
        let mut inputs = shop_at(AS_OF, 3, 1, |_| {});
        inputs.days[2].late_dispatches = 1;
        let card = rate(&inputs).scorecard;
        let late = card.metrics[Metric::LateDispatchRate];
        assert!((late.raw_value.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // (1 + 50 * 0.02) / (3 + 50) = 3.77%: under the 4% minimum, nowhere near recall.
        assert!((late.value - 2.0 / 53.0).abs() < 1e-12);
        assert!(late.score > 60.0 && !late.breach);
        assert_ne!(card.tier, Tier::C);
        assert_eq!(card.tier, Tier::Unrated);
    }

    #[test]
    fn a_rated_shop_with_a_few_recent_orders_and_one_late_is_not_c() {
        // 40 orders two months ago, 3 today with one late: the window widens (to the widest, as
        // even 90 days hold fewer than 100 orders).
        let mut inputs = shop_at(AS_OF, 90, 0, |_| {});
        inputs.days[0] = clean_day(inputs.days[0].day, 40);
        inputs.days[89] = DailyAggregate {
            late_dispatches: 1,
            ..clean_day(AS_OF, 3)
        };
        let card = rate(&inputs).scorecard;
        let late = card.metrics[Metric::LateDispatchRate];
        assert_eq!(late.window_days, 365);
        assert_eq!(late.events, 43);
        assert!(!late.breach && late.score >= 60.0);
        assert_ne!(card.tier, Tier::C);
    }

    #[test]
    fn big_samples_are_barely_shrunk() {
        let inputs = shop_at(AS_OF, 30, 400, |d| d.late_dispatches = 20);
        let late = rate(&inputs).scorecard.metrics[Metric::LateDispatchRate];
        assert_eq!(late.events, 12_000);
        assert!((late.value - 0.05).abs() < 2e-4, "{}", late.value);
    }

    #[test]
    fn a_breach_needs_three_bad_events() {
        // Weak shrinkage so two cancellations in 35 orders land beyond the 5% recall.
        let config = RatingConfig {
            prior_strength: 1.0,
            ..RatingConfig::default()
        };
        let run = |cancelled: u32| {
            let mut inputs = shop_at(AS_OF, 7, 5, |_| {});
            for d in inputs.days.iter_mut().take(cancelled as usize) {
                *d = DailyAggregate {
                    seller_fault_cancellations: 1,
                    orders: 5,
                    ..clean_day(d.day, 4)
                };
            }
            evaluate(&RatingState::new_shop(), &inputs, &config)
                .unwrap()
                .scorecard
                .metrics[Metric::SellerFaultCancellationRate]
        };
        let two = run(2);
        assert!(two.value >= 0.05 && two.score == 0.0 && !two.breach);
        assert!(run(3).breach);
    }

    #[test]
    fn windows_widen_only_for_thin_metrics() {
        let small = rate(&shop_at(AS_OF, 120, 2, |_| {})).scorecard;
        assert_eq!(small.metrics[Metric::LateDispatchRate].window_days, 90);
        assert_eq!(small.metrics[Metric::LateDispatchRate].events, 180);
        let big = rate(&good()).scorecard;
        assert_eq!(big.metrics[Metric::LateDispatchRate].window_days, 30);
        // Reviews: 1 per day over 120 days of history: widened to the widest window.
        assert_eq!(small.metrics[Metric::NegativeReviewRate].window_days, 180);
        assert_eq!(small.metrics[Metric::NegativeReviewRate].events, 120);
    }

    #[test]
    fn market_priors_are_used_when_given() {
        let mut inputs = shop_at(AS_OF, 3, 1, |_| {});
        let config = RatingConfig::default();
        let mut priors = scoring::rating::PerMetric::from_fn(|m| config.metrics[m].default_prior);
        priors[Metric::LateDispatchRate] = 0.05;
        inputs.priors = Some(priors);
        let late = rate(&inputs).scorecard.metrics[Metric::LateDispatchRate];
        assert!((late.value - 2.5 / 53.0).abs() < 1e-12);
    }
}

mod gates {
    use super::*;

    fn blockers(inputs: &ShopInputs) -> (Tier, Vec<Blocker>) {
        let card = rate(inputs).scorecard;
        (card.tier, card.blockers)
    }

    #[test]
    fn s_needs_every_metric_at_the_top_standard() {
        let (tier, b) = blockers(&shop(late_a));
        assert_eq!(tier, Tier::A);
        assert!(
            matches!(
                b.as_slice(),
                [Blocker::MetricBelow {
                    tier: Tier::S,
                    metric: Metric::LateDispatchRate,
                    ..
                }]
            ),
            "{b:?}"
        );
    }

    #[test]
    fn s_needs_enough_orders() {
        let (tier, b) = blockers(&shop_at(AS_OF, 90, 1, |d| {
            d.first_reviews = 1;
            d.first_review_stars = 5;
        }));
        assert_eq!(tier, Tier::A);
        assert!(
            matches!(
                b.as_slice(),
                [Blocker::TooFewOrders {
                    tier: Tier::S,
                    orders: 90,
                    needed: 100,
                    window_days: 90
                }]
            ),
            "{b:?}"
        );
    }

    #[test]
    fn s_needs_age() {
        let mut inputs = good();
        inputs.opened_at = AS_OF - 60;
        let (tier, b) = blockers(&inputs);
        assert_eq!(tier, Tier::A);
        assert!(
            matches!(
                b.as_slice(),
                [Blocker::TooYoung {
                    age_days: 60,
                    needed: 90
                }]
            ),
            "{b:?}"
        );
    }

    #[test]
    fn a_needs_no_metric_under_the_minimum() {
        let e = rate(&shop(late_b));
        assert!(e.scorecard.overall >= 90.0, "the score alone would be S");
        assert_eq!(e.scorecard.tier, Tier::B);
        assert!(e.scorecard.blockers.iter().any(|b| matches!(
            b,
            Blocker::MetricBelow {
                tier: Tier::A,
                metric: Metric::LateDispatchRate,
                ..
            }
        )));
    }

    #[test]
    fn score_thresholds_decide_between_b_and_c() {
        let card = rate(&shop(mediocre)).scorecard;
        assert!(card.metrics.0.iter().all(|m| !m.breach));
        assert!(
            card.overall < 80.0 && card.overall >= 65.0,
            "{}",
            card.overall
        );
        assert_eq!(card.tier, Tier::B);
    }

    #[test]
    fn a_severe_violation_means_c_even_for_a_top_shop() {
        let mut inputs = good();
        inputs.violations.push(Violation {
            day: AS_OF - 10,
            severity: Severity::Severe,
        });
        let (tier, b) = blockers(&inputs);
        assert_eq!(tier, Tier::C);
        assert!(b.contains(&Blocker::SevereViolation { count: 1 }));
        // Outside the 90-day content window it no longer counts as a gate.
        inputs.violations[0].day = AS_OF - 95;
        assert_ne!(blockers(&inputs).0, Tier::C);
    }

    #[test]
    fn unrated_below_minimum_volume_and_no_orders_is_no_division_by_zero() {
        assert_eq!(rate(&shop_at(AS_OF, 29, 1, |_| {})).tier, Tier::Unrated);
        assert_eq!(rate(&shop_at(AS_OF, 30, 1, |_| {})).scorecard.tier, Tier::A);
        let empty = ShopInputs {
            days: Vec::new(),
            content: Vec::new(),
            ..good()
        };
        let e = rate(&empty);
        assert_eq!(e.tier, Tier::Unrated);
        assert!(e.scorecard.overall.is_finite());
        for m in e.scorecard.metrics.0 {
            assert_eq!(m.raw_value, None);
            assert_eq!(m.value, m.prior);
        }
        assert_eq!(e.perks, RatingConfig::default().perks.unrated);
    }
}

mod hysteresis {
    use super::*;

    fn official(prev: &RatingState, inputs: &ShopInputs) -> Evaluation {
        evaluate(prev, inputs, &RatingConfig::default()).expect("valid")
    }

    #[test]
    fn promotion_is_at_the_threshold() {
        let e = official(&state(Tier::B), &good());
        assert_eq!(e.tier, Tier::S);
        assert_eq!(
            e.changes,
            vec![Change::Promoted {
                from: Tier::B,
                to: Tier::S
            }]
        );
    }

    #[test]
    fn a_one_month_dip_does_not_demote_two_do() {
        let month = |as_of: Day, edit: fn(&mut DailyAggregate)| shop_at(as_of, 120, 10, edit);
        let first = official(&state(Tier::S), &month(AS_OF, late_b));
        assert_eq!(first.scorecard.tier, Tier::B);
        assert_eq!(first.tier, Tier::S);
        assert_eq!(first.state.consecutive_below, 1);
        assert!(matches!(
            first.changes[0],
            Change::DemotionWarning {
                consecutive: 1,
                required: 2,
                ..
            }
        ));
        // Recovery resets the count...
        let back = official(&first.state, &month(AS_OF + 30, |_| {}));
        assert_eq!((back.tier, back.state.consecutive_below), (Tier::S, 0));
        // ...so it takes two dips in a row.
        let dip1 = official(&back.state, &month(AS_OF + 60, late_b));
        assert_eq!(dip1.tier, Tier::S);
        let dip2 = official(&dip1.state, &month(AS_OF + 90, late_b));
        assert_eq!(dip2.tier, Tier::B);
        assert_eq!(
            dip2.changes,
            vec![Change::Demoted {
                from: Tier::S,
                to: Tier::B,
                cause: DemotionCause::ConsecutiveBelow { evaluations: 2 }
            }]
        );
    }

    #[test]
    fn a_fall_far_below_demotes_at_once() {
        let e = official(&state(Tier::S), &shop(mediocre));
        assert!(e.scorecard.overall < 87.0);
        assert_eq!(e.tier, Tier::B);
        assert!(matches!(
            e.changes[0],
            Change::Demoted {
                cause: DemotionCause::FarBelow { .. },
                ..
            }
        ));
    }

    #[test]
    fn a_severe_violation_demotes_at_once_even_in_a_projection() {
        let mut inputs = good();
        inputs.violations.push(Violation {
            day: AS_OF,
            severity: Severity::Severe,
        });
        for kind in [EvaluationKind::Official, EvaluationKind::Projected] {
            inputs.kind = kind;
            let e = official(&state(Tier::S), &inputs);
            assert_eq!(e.tier, Tier::C, "{kind:?}");
            assert_eq!(e.state.tier, Tier::C);
            assert_eq!(e.state.grace, None, "no grace after a severe violation");
            assert!(!e.restrictions_deferred);
            assert_eq!(e.perks, RatingConfig::default().perks.c);
        }
    }

    #[test]
    fn a_projection_shows_the_outcome_without_moving_the_tier() {
        let mut inputs = shop(late_b);
        inputs.kind = EvaluationKind::Projected;
        let prev = RatingState {
            consecutive_below: 1,
            last_official: Some(AS_OF - 30),
            ..state(Tier::S)
        };
        let e = official(&prev, &inputs);
        assert_eq!(e.tier, Tier::S);
        assert_eq!(e.projected_tier, Tier::B);
        assert_eq!(e.state, prev);
    }

    #[test]
    fn grace_after_a_fall_to_c_is_extended_while_improving_then_ends() {
        let bad = |as_of| {
            shop_at(as_of, 120, 10, |d| {
                late_breach(d);
                d.valid_tracking = d.shipped - 1;
            })
        };
        let better = |as_of| shop_at(as_of, 120, 10, late_breach);
        let fall = official(&state(Tier::B), &bad(AS_OF));
        assert_eq!(fall.tier, Tier::C);
        assert!(
            fall.changes
                .contains(&Change::GraceStarted { until: AS_OF + 90 })
        );
        assert!(fall.restrictions_deferred);
        assert_eq!(fall.perks, RatingConfig::default().perks.c_in_grace);

        let month1 = official(&fall.state, &bad(AS_OF + 30));
        assert!(month1.changes.is_empty() && month1.restrictions_deferred);
        let month2 = official(&month1.state, &bad(AS_OF + 60));
        let month3 = official(&month2.state, &better(AS_OF + 90));
        assert!(month3.scorecard.overall > month2.scorecard.overall + 1.0);
        assert!(
            matches!(month3.changes[..], [Change::GraceExtended { until, .. }] if until == AS_OF + 120)
        );
        let month4 = official(&month3.state, &better(AS_OF + 120));
        assert!(matches!(month4.changes[..], [Change::GraceEnded { .. }]));
        assert!(!month4.restrictions_deferred);
        assert_eq!(month4.perks, RatingConfig::default().perks.c);
    }

    #[test]
    fn unrated_shops_get_rated_and_c_shops_cannot_pause_into_unrated() {
        let first = official(&RatingState::new_shop(), &good());
        assert_eq!(first.changes, vec![Change::Rated { tier: Tier::S }]);
        let quiet = shop_at(AS_OF, 10, 1, |_| {});
        let held = official(&state(Tier::C), &quiet);
        assert_eq!(held.tier, Tier::C);
        assert_eq!(held.changes, vec![Change::HeldAtC]);
        let a = official(&state(Tier::A), &quiet);
        assert_eq!(a.tier, Tier::A, "one quiet month only warns");
    }

    #[test]
    fn evaluations_move_forward_only() {
        let e = official(&RatingState::new_shop(), &good());
        let again = evaluate(&e.state, &good(), &RatingConfig::default());
        assert!(matches!(
            again,
            Err(RatingError::EvaluationOutOfOrder { .. })
        ));
        let mut projected = good();
        projected.kind = EvaluationKind::Projected;
        assert!(evaluate(&e.state, &projected, &RatingConfig::default()).is_ok());
    }

    #[test]
    fn every_change_is_explained_in_words() {
        let e = official(&state(Tier::S), &shop(late_b));
        let words = e.explain();
        assert!(
            words.iter().any(|w| w.contains("1 of 2 evaluations below")),
            "{words:?}"
        );
        assert!(
            words.iter().any(|w| w.contains("late dispatch scores")),
            "{words:?}"
        );
    }
}

mod hints {
    use super::*;

    fn fixtures() -> Vec<ShopInputs> {
        vec![
            good(),
            shop(late_a),
            shop(late_b),
            shop(mediocre),
            shop_at(AS_OF, 20, 1, |_| {}),
        ]
    }

    #[test]
    fn absorbing_the_stated_bad_events_keeps_the_tier_and_one_more_loses_it() {
        let config = RatingConfig::default();
        let mut checked = 0;
        for inputs in fixtures() {
            let card = rate(&inputs).scorecard;
            for hint in improvement_hints(&card, &inputs, &config) {
                let Some(n) = hint.absorbable_bad_events else {
                    continue;
                };
                let keep = card.with_extra_events(hint.metric, n, 0, &config);
                let lose = card.with_extra_events(hint.metric, n + 1, 0, &config);
                assert_eq!(keep.tier, card.tier, "{:?} +{n}", hint.metric);
                assert_ne!(lose.tier, card.tier, "{:?} +{}", hint.metric, n + 1);
                checked += 1;
            }
        }
        assert!(checked >= 30, "only {checked} hints had a finite count");
    }

    #[test]
    fn the_count_holds_on_the_real_record() {
        // Cancellations only touch their own metric (and the volume, which only helps), so the
        // hint can be checked by writing the cancelled orders into the aggregates.
        let config = RatingConfig::default();
        let inputs = good();
        let card = rate(&inputs).scorecard;
        let n = improvement_hints(&card, &inputs, &config)
            .into_iter()
            .find(|h| h.metric == Metric::SellerFaultCancellationRate)
            .and_then(|h| h.absorbable_bad_events)
            .expect("finite");
        let with = |extra: u32| {
            let mut more = inputs.clone();
            let last = more.days.last_mut().unwrap();
            last.orders += extra;
            last.seller_fault_cancellations += extra;
            rate(&more).scorecard.tier
        };
        assert_eq!(with(n as u32), Tier::S);
        assert_ne!(with(n as u32 + 1), Tier::S);
    }

    #[test]
    fn clean_events_needed_are_exact() {
        let config = RatingConfig::default();
        let inputs = shop(late_a);
        let card = rate(&inputs).scorecard;
        let hints = improvement_hints(&card, &inputs, &config);
        let late = hints
            .iter()
            .find(|h| h.metric == Metric::LateDispatchRate)
            .unwrap();
        assert_eq!((late.target_tier, late.target_value), (Tier::S, 0.03));
        let n = late.clean_events_needed.unwrap();
        assert!(n > 0);
        let m = card.metrics[Metric::LateDispatchRate];
        assert!(m.with_extra_events(0, n, &config).score >= 85.0);
        assert!(m.with_extra_events(0, n - 1, &config).score < 85.0);
        // Those clean orders alone lift the shop to S.
        assert_eq!(
            card.with_extra_events(Metric::LateDispatchRate, 0, n, &config)
                .tier,
            Tier::S
        );
        assert!(
            hints
                .iter()
                .filter(|h| h.metric != Metric::LateDispatchRate)
                .all(|h| h.clean_events_needed == Some(0))
        );
    }

    #[test]
    fn bad_events_are_listed_with_their_roll_off_day() {
        let config = RatingConfig::default();
        let inputs = shop(late_a);
        let card = rate(&inputs).scorecard;
        let hints = improvement_hints(&card, &inputs, &config);
        let late = hints
            .iter()
            .find(|h| h.metric == Metric::LateDispatchRate)
            .unwrap();
        let expected: Vec<Day> = (AS_OF - 29)
            .through(AS_OF)
            .filter(|d| d.number().rem_euclid(5) < 2)
            .collect();
        assert_eq!(
            late.counting_against
                .iter()
                .map(|c| c.day)
                .collect::<Vec<_>>(),
            expected
        );
        assert!(
            late.counting_against
                .iter()
                .all(|c| c.rolls_off == c.day + 30 && c.bad_events == 1.0)
        );
        let total: f64 = late.counting_against.iter().map(|c| c.bad_events).sum();
        assert_eq!(total, card.metrics[Metric::LateDispatchRate].bad_events);
        assert!(late.describe().contains("roll"));
    }

    #[test]
    fn gaps_are_ranked_by_what_blocks_then_points_available() {
        let config = RatingConfig::default();
        let inputs = shop(mediocre);
        let card = rate(&inputs).scorecard;
        let hints = improvement_hints(&card, &inputs, &config);
        assert_eq!(hints.len(), Metric::COUNT);
        assert!(hints.windows(2).all(|w| {
            (w[0].blocks_next_tier, w[0].points_available)
                >= (w[1].blocks_next_tier, w[1].points_available)
        }));
        for h in &hints {
            assert_eq!(
                h.blocks_next_tier,
                h.clean_events_needed != Some(0),
                "{h:?}"
            );
        }
        // Lifting a metric to 100 gains exactly the stated points of overall score.
        for h in &hints {
            let d = h.metric.dimension();
            let n = Metric::ALL.iter().filter(|m| m.dimension() == d).count() as f64;
            let gain = config.weights.of(d) * (100.0 - card.metrics[h.metric].score) / n;
            assert!((h.points_available - gain).abs() < 1e-9, "{:?}", h.metric);
        }
        assert!(hints[0].points_available > 0.0);
    }

    #[test]
    fn a_c_shop_has_nothing_left_to_absorb() {
        let inputs = shop(late_breach);
        let card = rate(&inputs).scorecard;
        let hints = improvement_hints(&card, &inputs, &RatingConfig::default());
        assert!(hints.iter().all(|h| h.absorbable_bad_events.is_none()));
        assert!(hints.iter().all(|h| h.target_tier == Tier::B));
        // The breach that holds the shop at C comes first, whatever its points.
        assert_eq!(hints[0].metric, Metric::LateDispatchRate, "{hints:#?}");
        assert!(hints[0].blocks_next_tier);
        assert_eq!(hints.iter().filter(|h| h.blocks_next_tier).count(), 1);
        let advice = hints[0].describe();
        assert!(
            advice.contains("43.14%") && advice.contains("standard 10.00%"),
            "{advice}"
        );
    }

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(Metric::LateDispatchRate.show(0.0412), "4.12%");
        assert_eq!(Metric::HandlingHours.show(31.46), "31.5 h");
        assert_eq!(Metric::AverageRating.show(4.618), "4.62 stars");
        assert_eq!(Metric::ContentScore.show(62.04), "62.0 points");
    }
}

mod perks {
    use super::*;

    #[test]
    fn perks_follow_the_tier_and_the_config() {
        let mut config = RatingConfig::default();
        config.perks.s.traffic_weight = 2.0;
        config.perks.s.settlement_days = 0;
        let e = evaluate(&RatingState::new_shop(), &good(), &config).unwrap();
        assert_eq!(e.tier, Tier::S);
        assert_eq!(e.perks, config.perks.s);
        let d = RatingConfig::default().perks;
        assert!(d.s.traffic_weight > d.a.traffic_weight && d.a.traffic_weight > d.b.traffic_weight);
        assert!(d.b.traffic_weight > d.c.traffic_weight);
        assert!(
            d.s.settlement_days < d.b.settlement_days && d.c.product_selection_priority.is_none()
        );
        assert!(!d.unrated.affiliate_access || d.b.affiliate_access);
    }
}

mod validation {
    use super::*;

    fn err(config: RatingConfig) -> RatingError {
        config.validate().expect_err("invalid config")
    }

    #[test]
    fn the_default_config_is_valid() {
        assert_eq!(RatingConfig::default().validate(), Ok(()));
    }

    #[test]
    fn thresholds_must_be_monotone() {
        let mut c = RatingConfig::default();
        c.tiers.s_score = 75.0;
        assert!(matches!(
            err(c),
            RatingError::ThresholdsNotMonotone {
                s: 75.0,
                a: 80.0,
                ..
            }
        ));
        let mut c = RatingConfig::default();
        c.tiers.a_metric_floor = 90.0;
        assert!(matches!(err(c), RatingError::FloorsNotMonotone { .. }));
    }

    #[test]
    fn weights_must_sum_to_one() {
        let mut c = RatingConfig::default();
        c.weights.content = 0.35;
        let e = err(c);
        assert!(matches!(e, RatingError::WeightsDoNotSumToOne { .. }));
        assert!(e.to_string().contains("sum to 1"));
    }

    #[test]
    fn anchors_must_run_in_the_good_direction() {
        let mut c = RatingConfig::default();
        c.metrics[Metric::LateDispatchRate].top = 0.05;
        assert!(matches!(
            err(c),
            RatingError::AnchorsNotMonotone {
                metric: Metric::LateDispatchRate,
                ..
            }
        ));
        let mut c = RatingConfig::default();
        c.metrics[Metric::AverageRating].clean_event = 4.0;
        assert!(matches!(
            err(c),
            RatingError::AnchorsNotMonotone {
                metric: Metric::AverageRating,
                ..
            }
        ));
    }

    #[test]
    fn other_bad_values_are_named() {
        let c = RatingConfig {
            prior_strength: 0.0,
            ..RatingConfig::default()
        };
        assert!(matches!(
            err(c),
            RatingError::InvalidConfigValue {
                name: "prior_strength",
                ..
            }
        ));
        let mut c = RatingConfig::default();
        c.windows.widen_to = vec![180, 90];
        assert!(matches!(
            err(c),
            RatingError::InvalidConfigValue {
                name: "windows.widen_to",
                ..
            }
        ));
        let mut c = RatingConfig::default();
        c.windows.widen_to = vec![0, 90];
        assert!(matches!(
            err(c),
            RatingError::InvalidConfigValue {
                name: "windows.widen_to",
                ..
            }
        ));
        let mut c = RatingConfig::default();
        c.perks.c.traffic_weight = -1.0;
        assert!(matches!(err(c), RatingError::InvalidConfigValue { .. }));
        for day in [0, 29] {
            let mut c = RatingConfig::default();
            c.hysteresis.official_day_of_month = day;
            assert!(matches!(
                err(c),
                RatingError::InvalidConfigValue {
                    name: "hysteresis.official_day_of_month",
                    ..
                }
            ));
        }
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let run = |inputs: &ShopInputs| {
            evaluate(&RatingState::new_shop(), inputs, &RatingConfig::default()).unwrap_err()
        };
        let mut future = good();
        future.now = AS_OF - 1;
        assert_eq!(
            run(&future),
            RatingError::EvaluationInFuture {
                as_of: AS_OF,
                now: AS_OF - 1
            }
        );
        let mut unsorted = good();
        unsorted.days.swap(3, 4);
        assert!(matches!(run(&unsorted), RatingError::UnsortedDays { .. }));
        let mut late = good();
        late.days[0].late_dispatches = 11;
        assert!(matches!(
            run(&late),
            RatingError::InconsistentAggregate { .. }
        ));
        let mut stars = good();
        stars.days[0].first_review_stars = 1;
        assert!(matches!(
            run(&stars),
            RatingError::InconsistentAggregate { .. }
        ));
        let mut content = good();
        content.content[0].score = 120.0;
        assert!(matches!(
            run(&content),
            RatingError::ContentScoreOutOfRange { .. }
        ));
        let mut opened = good();
        opened.opened_at = AS_OF + 1;
        assert!(matches!(run(&opened), RatingError::ShopNotOpen { .. }));
        let mut priors = good();
        let mut p = scoring::rating::PerMetric([0.0; Metric::COUNT]);
        p[Metric::HandlingHours] = f64::NAN;
        priors.priors = Some(p);
        assert!(matches!(
            run(&priors),
            RatingError::InvalidPrior {
                metric: Metric::HandlingHours,
                ..
            }
        ));
        let mut config = RatingConfig::default();
        config.weights.product = 0.5;
        assert!(evaluate(&RatingState::new_shop(), &good(), &config).is_err());
    }
}
