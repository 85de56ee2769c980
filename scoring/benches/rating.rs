//! Shop rating benches: one shop, its hints, and 100,000 synthetic shops on one core.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scoring::rating::synthetic::{SyntheticConfig, generate, shop};
use scoring::rating::{RatingConfig, RatingState, evaluate, evaluate_many, improvement_hints};

fn one_shop(c: &mut Criterion) {
    let config = RatingConfig::default();
    let synthetic = SyntheticConfig::default();
    // The first shop with a typical volume (5-20 orders a day).
    let typical = (0..)
        .map(|i| shop(&synthetic, i))
        .find(|s| (5.0..20.0).contains(&s.daily_orders))
        .expect("the generator spans this volume");
    let state = RatingState::new_shop();
    c.bench_function("rating/evaluate_one_shop", |b| {
        b.iter(|| evaluate(black_box(&state), black_box(&typical.inputs), &config))
    });
    let card = evaluate(&state, &typical.inputs, &config)
        .expect("valid")
        .scorecard;
    c.bench_function("rating/improvement_hints_one_shop", |b| {
        b.iter(|| improvement_hints(black_box(&card), black_box(&typical.inputs), &config))
    });
}

fn many_shops(c: &mut Criterion) {
    let config = RatingConfig::default();
    let shops = generate(&SyntheticConfig {
        shops: 100_000,
        ..SyntheticConfig::default()
    });
    let state = RatingState::new_shop();
    let mut group = c.benchmark_group("rating");
    group.sample_size(10);
    group.bench_function("evaluate_100k_shops", |b| {
        b.iter(|| {
            evaluate_many(shops.iter().map(|s| (&state, &s.inputs)), &config)
                .expect("valid config")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, one_shop, many_shops);
criterion_main!(benches);
