//! LTV benchmarks: fits on CDNOW and on a million synthetic daily creators, and a million
//! predictions (P(alive), expected selling days, LTV).

use criterion::{Criterion, criterion_group, criterion_main};
use scoring::ltv::synthetic::{SyntheticSpec, generate};
use scoring::ltv::{
    CountModel, DropoutModel, GammaGammaParams, LtvConfig, LtvModel, Summary, collapse_counts,
};
use std::hint::black_box;

fn cdnow() -> Vec<Summary> {
    let path = format!(
        "{}/tests/data/cdnow_summary_monetary.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut reader = csv::Reader::from_path(path).expect("CDNOW data");
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            let f = |i: usize| r[i].parse::<f64>().expect("number");
            Summary {
                frequency: f(1) as u32,
                recency: f(2),
                age: f(3),
                monetary_value: f(4),
            }
        })
        .collect()
}

fn fits(c: &mut Criterion) {
    let config = LtvConfig::default();
    let data = cdnow();
    c.bench_function("ltv/fit_bgnbd_cdnow_2357", |b| {
        b.iter(|| CountModel::fit(DropoutModel::BgNbd, black_box(&data), &config).unwrap())
    });
    c.bench_function("ltv/fit_gamma_gamma_cdnow_946", |b| {
        b.iter(|| GammaGammaParams::fit(black_box(&data), &config).unwrap())
    });
    let creators = generate(&SyntheticSpec::default()).expect("synthetic creators");
    let mut group = c.benchmark_group("ltv/1m_creators");
    group.sample_size(10);
    group.bench_function("collapse_and_fit_bgnbd", |b| {
        b.iter(|| CountModel::fit(DropoutModel::BgNbd, black_box(&creators), &config).unwrap())
    });
    group.bench_function("collapse_only", |b| {
        b.iter(|| collapse_counts(black_box(&creators)).unwrap())
    });
    group.bench_function("fit_gamma_gamma", |b| {
        b.iter(|| GammaGammaParams::fit(black_box(&creators), &config).unwrap())
    });
    group.finish();
}

fn predictions(c: &mut Criterion) {
    let config = LtvConfig::default();
    let creators = generate(&SyntheticSpec::default()).expect("synthetic creators");
    let count = CountModel::fit(DropoutModel::BgNbd, &creators, &config).unwrap();
    let spend = GammaGammaParams::fit(&creators, &config).unwrap();
    let model = LtvModel::new(&count, &spend, config).unwrap();
    let mut group = c.benchmark_group("ltv/1m_creators");
    group.sample_size(10);
    group.bench_function("predict_batch_values", |b| {
        b.iter(|| model.values(black_box(&creators)))
    });
    group.bench_function("predict_one_by_one", |b| {
        b.iter(|| {
            black_box(&creators)
                .iter()
                .map(|s| model.value(s).map(|v| v.ltv).unwrap_or(0.0))
                .sum::<f64>()
        })
    });
    group.finish();
    let one = creators[0];
    c.bench_function("ltv/value_with_interval_one_creator", |b| {
        b.iter(|| model.value_with_interval(black_box(&one)).unwrap())
    });
}

criterion_group!(benches, fits, predictions);
criterion_main!(benches);
