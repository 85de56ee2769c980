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
