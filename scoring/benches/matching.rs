//! Matching benches on synthetic marketplaces: graph build, one match query, the top-K push
//! alone (its stopping rule at the default configuration), one incremental update, at 100,000 creators (5,000 brands, 300 niches) and 1,000,000 creators (50,000
//! brands, 1,000 niches). Besides criterion's timings it prints per-query p50/p99 over many
//! brands, the graph's own byte count and the process's peak RSS during the 1M build.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use scoring::matching::synthetic::{SyntheticConfig, SyntheticMarket, generate};
use scoring::matching::{
    BrandId, CollaborationInput, CreatorId, GraphConfig, GraphUpdate, MatchConfig, MatchGraph,
    MatchQuery, NodeRef, TopK, match_creators, ppr_top_k,
};

/// A line of /proc/self/status in kB (Linux only; `None` elsewhere).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Builds the graph once outside criterion, reporting time, size and peak resident memory.
fn build_reported(market: &SyntheticMarket, label: &str) -> MatchGraph {
    // Writing 5 to clear_refs resets the peak-RSS mark, so VmHWM below is the build's peak.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before = status_kb("VmRSS:");
    let started = Instant::now();
    let graph = MatchGraph::build(&market.input, &GraphConfig::default()).expect("valid input");
    let took = started.elapsed();
    let peak = status_kb("VmHWM:");
    let bytes = graph.memory_bytes();
    eprintln!(
        "[{label}] build {took:?}: {} nodes, {} edges, graph {:.1} MiB ({:.1} bytes/edge incl. nodes)",
        graph.node_count(),
        graph.edge_count(),
        bytes as f64 / (1 << 20) as f64,
        bytes as f64 / graph.edge_count() as f64,
    );
    if let (true, Some(before), Some(peak)) = (reset, rss_before, peak) {
        eprintln!(
            "[{label}] process RSS before build {:.0} MiB, peak during build {:.0} MiB (+{:.0} MiB)",
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0
        );
    }
    graph
}

/// Times `n` queries over different brands and prints p50 / p99.
fn query_percentiles(graph: &MatchGraph, market: &SyntheticMarket, n: usize, label: &str) {
    let config = MatchConfig::default();
    let brands = market.input.brands.len();
    let mut times: Vec<Duration> = (0..n)
        .map(|i| {
            let brand = market.input.brands[(i * 7919) % brands].id;
            let started = Instant::now();
            let page = match_creators(
                graph,
                &market.profiles,
                &market.names,
                &MatchQuery::new(brand),
                &config,
            )
            .expect("known brand");
            black_box(page);
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((q * n as f64) as usize).min(n - 1)];
    eprintln!(
        "[{label}] {n} queries: p50 {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        times[n - 1]
    );
}

fn bench_size(
    c: &mut Criterion,
    label: &str,
    creators: usize,
    brands: usize,
    niches: usize,
    samples: usize,
) {
    let market =
        generate(&SyntheticConfig::with_size(creators, brands, niches, 1)).expect("valid shape");
    let graph = build_reported(&market, label);
    query_percentiles(&graph, &market, 1_000, label);
    let config = MatchConfig::default();

    let mut group = c.benchmark_group(label);
    group.sample_size(samples);
    group.bench_function("build", |b| {
        b.iter(|| {
            MatchGraph::build(black_box(&market.input), &GraphConfig::default()).expect("valid")
        })
    });
    let mut next = 0usize;
    group.bench_function("match_query", |b| {
        b.iter(|| {
            next = (next + 7919) % brands;
            let query = MatchQuery::new(BrandId(next as u64 + 1));
            match_creators(&graph, &market.profiles, &market.names, &query, &config)
                .expect("known brand")
        })
    });
    let ppr = &config.ppr;
    let top = TopK {
        k: ppr.top_k,
        tolerance: ppr.top_k_tolerance,
        degree_exponent: ppr.degree_exponent,
        degree_floor: 0.0,
        epsilon: ppr.epsilon,
    };
    group.bench_function("top_k_push", |b| {
        b.iter(|| {
            next = (next + 7919) % brands;
            let seed = [(NodeRef::Brand(BrandId(next as u64 + 1)), 1.0)];
            ppr_top_k(&graph, &seed, ppr.alpha, &top, |n| {
                matches!(n, NodeRef::Creator(_))
            })
            .expect("known brand")
        })
    });
    group.bench_function("add_collaboration", |b| {
        b.iter_batched(
            || {
                next = (next + 7919) % brands;
                GraphUpdate::AddCollaboration(CollaborationInput {
                    brand: BrandId(next as u64 + 1),
                    creator: CreatorId((next * 31 % creators) as u64 + 1),
                    age_days: 0.0,
                    gmv: 10_000.0,
                })
            },
            |update| {
                graph
                    .apply(std::slice::from_ref(&update))
                    .expect("known ids")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn matching_100k(c: &mut Criterion) {
    bench_size(c, "matching_100k", 100_000, 5_000, 300, 20);
}

fn matching_1m(c: &mut Criterion) {
    bench_size(c, "matching_1m", 1_000_000, 50_000, 1_000, 10);
}

criterion_group!(benches, matching_100k, matching_1m);
criterion_main!(benches);
