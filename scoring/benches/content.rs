//! Content scoring benches: one piece, and a full recompute of a million pieces (6 markets,
//! 100 niches), cohort percentiles included. Target: the full recompute under 2 s on one core.
//!
//! The full recompute is measured in CPU time of the benchmarking thread (Linux
//! `/proc/thread-self/schedstat`), because on a shared machine wall time mostly measures the
//! other processes; the per-piece benches use wall time.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, criterion_group, criterion_main};
use scoring::content::synthetic::{SyntheticParams, generate};
use scoring::content::{CohortSnapshot, ContentConfig, Scorer};
use scoring::day::Day;

const AS_OF: Day = Day::new(20_000);

/// CPU time consumed by the current thread, in nanoseconds.
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("the CPU-time bench needs Linux /proc/thread-self/schedstat")
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, exactly what the wall-time formatter expects.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

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

fn full_recompute(c: &mut Criterion<ThreadCpuTime>) {
    let market = generate(&SyntheticParams {
        pieces: 1_000_000,
        ..SyntheticParams::default()
    })
    .expect("valid synthetic parameters");
    let config = ContentConfig::default();
    let mut group = c.benchmark_group("content/full recompute (CPU time)");
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

criterion_group!(per_piece, one_piece);
criterion_group! {
    name = recompute;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = full_recompute
}
criterion_main!(per_piece, recompute);
