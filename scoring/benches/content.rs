//! Content scoring benches: one piece, and a full recompute of a million pieces (6 markets,
//! 100 niches), cohort percentiles included. Target: the full recompute under 2 s on one core.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scoring::content::synthetic::{SyntheticParams, generate};
use scoring::content::{CohortSnapshot, ContentConfig, Scorer};

const AS_OF: i32 = 20_000;

fn one_piece(c: &mut Criterion) {
    let market = generate(&SyntheticParams {
        pieces: 100_000,
        ..SyntheticParams::default()
    })
    .expect("valid synthetic parameters");
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&market.pieces, AS_OF, &config).expect("valid pieces");
    let scorer = Scorer::new(&config, &snapshot).expect("valid config");
    let piece = &market.pieces[0];
    c.bench_function("content/assess one piece (100k-piece snapshot)", |b| {
        b.iter(|| scorer.assess(black_box(piece)))
    });
    let score = scorer
        .score(piece)
        .expect("valid piece")
        .expect("piece has views");
    let labels = market.labels(&piece.cohort);
    c.bench_function("content/explain one piece", |b| {
        b.iter(|| scorer.explain(black_box(piece), black_box(&score), &labels))
    });
}

fn full_recompute(c: &mut Criterion) {
    let market = generate(&SyntheticParams {
        pieces: 1_000_000,
        ..SyntheticParams::default()
    })
    .expect("valid synthetic parameters");
    let config = ContentConfig::default();
    let mut group = c.benchmark_group("content/full recompute");
    group.sample_size(10);
    group.bench_function("build snapshot + assess 1M pieces", |b| {
        b.iter(|| {
            let snapshot =
                CohortSnapshot::build(&market.pieces, AS_OF, &config).expect("valid pieces");
            let scorer = Scorer::new(&config, &snapshot).expect("valid config");
            scorer.assess_all(&market.pieces).expect("valid pieces")
        })
    });
    group.bench_function("build snapshot of 1M pieces", |b| {
        b.iter(|| CohortSnapshot::build(&market.pieces, AS_OF, &config).expect("valid pieces"))
    });
    group.finish();
}

criterion_group!(benches, one_piece, full_recompute);
criterion_main!(benches);
