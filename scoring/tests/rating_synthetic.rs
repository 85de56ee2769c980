//! The synthetic generator: deterministic, valid, and spreading shops over every tier.

use scoring::rating::synthetic::{SyntheticConfig, generate, shop};
use scoring::rating::{RatingConfig, RatingState, Tier, evaluate};

fn config(shops: u64) -> SyntheticConfig {
    SyntheticConfig {
        shops,
        ..SyntheticConfig::default()
    }
}

#[test]
fn same_seed_same_shops_and_shops_regenerate_alone() {
    let a = generate(&config(50));
    let b = generate(&config(50));
    assert_eq!(a, b);
    assert_eq!(shop(&config(50), 37), a[37]);
    let other = generate(&SyntheticConfig {
        seed: 7,
        ..config(50)
    });
    assert_ne!(a, other);
}

#[test]
fn tiers_spread_over_every_tier_and_follow_quality() {
    let rating = RatingConfig::default();
    let shops = generate(&config(3_000));
    let mut counts = [0usize; 5];
    let mut quality_sum = [0.0f64; 5];
    for s in &shops {
        let e = evaluate(&RatingState::new_shop(), &s.inputs, &rating)
            .expect("synthetic inputs are valid");
        let i = match e.tier {
            Tier::S => 0,
            Tier::A => 1,
            Tier::B => 2,
            Tier::C => 3,
            Tier::Unrated => 4,
        };
        counts[i] += 1;
        quality_sum[i] += s.quality;
    }
    eprintln!("S/A/B/C/Unrated counts: {counts:?}");
    let mean = |i: usize| quality_sum[i] / counts[i] as f64;
    eprintln!("mean quality: {:?}", (0..5).map(mean).collect::<Vec<_>>());
    for (i, c) in counts.iter().enumerate() {
        assert!(
            *c >= 3_000 / 50,
            "tier #{i} has only {c} of 3000 shops: {counts:?}"
        );
    }
    // Better tiers hold better shops on average.
    assert!(mean(0) > mean(1) && mean(1) > mean(2) && mean(2) > mean(3));
}

#[test]
fn hint_counts_are_exact_on_synthetic_shops() {
    use scoring::rating::improvement_hints;
    let rating = RatingConfig::default();
    let mut checked = 0;
    for s in generate(&config(150)) {
        let card = evaluate(&RatingState::new_shop(), &s.inputs, &rating)
            .expect("valid")
            .scorecard;
        for hint in improvement_hints(&card, &s.inputs, &rating) {
            if let Some(n) = hint.absorbable_bad_events {
                let tier = |x| card.with_extra_events(hint.metric, x, 0, &rating).tier;
                assert_eq!(tier(n), card.tier, "shop {} {:?}", s.index, hint.metric);
                assert_ne!(tier(n + 1), card.tier, "shop {} {:?}", s.index, hint.metric);
                checked += 1;
            }
            if let Some(n) = hint.clean_events_needed.filter(|n| *n > 0) {
                let ms = card.metrics[hint.metric];
                let meets = |y| {
                    let m = ms.with_extra_events(0, y, &rating);
                    match hint.target_tier {
                        Tier::S => m.score >= rating.tiers.s_metric_floor,
                        Tier::A => m.score >= rating.tiers.a_metric_floor,
                        _ => !m.breach,
                    }
                };
                assert!(
                    meets(n) && !meets(n - 1),
                    "shop {} {:?}",
                    s.index,
                    hint.metric
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

mod properties {
    use proptest::prelude::*;
    use scoring::rating::{Metric, MetricScore, RatingConfig};

    proptest! {
        /// Scores stay in 0-100, never get better with more bad events and the shrunk value
        /// lies between the shop's own value and the prior.
        #[test]
        fn scores_are_bounded_monotone_and_shrunk(
            metric in 0..Metric::COUNT,
            events in 0u64..5_000,
            bad_share in 0.0f64..=1.0,
            extra in 1u64..500,
        ) {
            let config = RatingConfig::default();
            let metric = Metric::ALL[metric];
            let mc = config.metrics[metric];
            let bad = (events as f64 * bad_share).round();
            let numerator = bad * mc.bad_event + (events as f64 - bad) * mc.clean_event;
            let m = MetricScore::compute(metric, 30, numerator, events, mc.default_prior, &config);
            prop_assert!((0.0..=100.0).contains(&m.score));
            let worse = m.with_extra_events(extra, 0, &config);
            prop_assert!(worse.score <= m.score);
            prop_assert!(worse.bad_events > m.bad_events);
            let better = m.with_extra_events(0, extra, &config);
            prop_assert!(better.score >= m.score);
            if let Some(raw) = m.raw_value {
                let (lo, hi) = if raw < m.prior { (raw, m.prior) } else { (m.prior, raw) };
                prop_assert!(m.value >= lo - 1e-9 && m.value <= hi + 1e-9);
            }
        }
    }
}
