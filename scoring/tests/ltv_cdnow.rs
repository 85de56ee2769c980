//! CDNOW validation against `lifetimes` 0.11.3 (data/README.md in shared data; CSVs copied to
//! tests/data): fitted parameters, log-likelihoods, every customer's predictions, holdout fit.

use scoring::ltv::{
    BgNbdParams, CountModel, DropoutModel, GammaGammaParams, HoldoutObservation, HoldoutReport,
    LtvConfig, LtvModel, Summary, choose_count_model, collapse_counts, collapse_spend,
};

fn data_path(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Rows of a CSV as maps from column name to text.
fn read_csv(name: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(data_path(name)).expect("data file");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &std::collections::HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().expect("number")
}

fn summaries() -> Vec<Summary> {
    read_csv("cdnow_summary_monetary.csv")
        .iter()
        .map(|r| Summary {
            frequency: num(r, "frequency") as u32,
            recency: num(r, "recency"),
            age: num(r, "T"),
            monetary_value: num(r, "monetary_value"),
        })
        .collect()
}

/// The lifetimes fits from data/README.md.
const LIFETIMES_BG: BgNbdParams = BgNbdParams {
    r: 0.242593,
    alpha: 4.413532,
    a: 0.792886,
    b: 2.425752,
};
const LIFETIMES_GG: GammaGammaParams = GammaGammaParams {
    p: 6.248802,
    q: 3.744588,
    v: 15.447748,
};

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn bgnbd_fit_matches_lifetimes() {
    let fit = CountModel::fit(DropoutModel::BgNbd, &summaries(), &LtvConfig::default()).unwrap();
    assert!(fit.converged);
    let p = fit.params.params;
    for (got, want) in [
        (p.r, LIFETIMES_BG.r),
        (p.alpha, LIFETIMES_BG.alpha),
        (p.a, LIFETIMES_BG.a),
        (p.b, LIFETIMES_BG.b),
    ] {
        assert!(rel(got, want) < 1e-4, "{got} vs {want}");
    }
    assert!((fit.log_likelihood - -9582.4256).abs() < 1e-3);
    assert_eq!(fit.n, 2357.0);
}

#[test]
fn gamma_gamma_fit_matches_lifetimes() {
    let fit = GammaGammaParams::fit(&summaries(), &LtvConfig::default()).unwrap();
    assert!(fit.converged);
    for (got, want) in [
        (fit.params.p, LIFETIMES_GG.p),
        (fit.params.q, LIFETIMES_GG.q),
        (fit.params.v, LIFETIMES_GG.v),
    ] {
        assert!(rel(got, want) < 1e-4, "{got} vs {want}");
    }
    assert!((fit.log_likelihood - -4055.9232).abs() < 1e-3);
    assert_eq!(fit.n, 946.0);
}

/// `lifetimes`' CLV settings for weekly data: 12 months of 4.345 weeks at 1 % a month.
fn lifetimes_clv_config() -> LtvConfig {
    LtvConfig::lifetimes_clv(12, 0.01, 4.345)
}

/// Largest relative deviation of each prediction from the golden `lifetimes` output.
fn worst_deviations(count: CountModel, spend: GammaGammaParams) -> [f64; 4] {
    let config = lifetimes_clv_config();
    let model = LtvModel::from_params(count, spend, config.clone()).unwrap();
    let mut worst = [0.0_f64; 4];
    for row in read_csv("cdnow_lifetimes_reference_predictions.csv") {
        let s = Summary {
            frequency: num(&row, "frequency") as u32,
            recency: num(&row, "recency"),
            age: num(&row, "T"),
            monetary_value: num(&row, "monetary_value"),
        };
        let value = model.value(&s).unwrap();
        let e52 = count.expected_transactions(&s, 52.0, &config).unwrap();
        for (k, (got, want)) in [
            (e52, num(&row, "expected_purchases")),
            (value.p_alive, num(&row, "p_alive")),
            (
                value.expected_value_per_transaction,
                num(&row, "expected_average_profit"),
            ),
            (value.ltv, num(&row, "clv")),
        ]
        .into_iter()
        .enumerate()
        {
            worst[k] = worst[k].max(rel(got, want));
        }
    }
    worst
}

#[test]
fn predictions_with_lifetimes_parameters_match_to_1e6() {
    let count = CountModel::new(DropoutModel::BgNbd, LIFETIMES_BG).unwrap();
    let worst = worst_deviations(count, LIFETIMES_GG);
    println!("reference params: {worst:?}");
    assert!(worst.iter().all(|&w| w < 1e-6), "{worst:?}");
}

/// Solves the 4x4 system `m d = v` by Gaussian elimination with partial pivoting.
fn solve4(mut m: [[f64; 4]; 4], mut v: [f64; 4]) -> [f64; 4] {
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))
            .unwrap();
        m.swap(col, pivot);
        v.swap(col, pivot);
        for row in col + 1..4 {
            let f = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (target, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                *target -= f * p;
            }
            v[row] -= f * v[col];
        }
    }
    let mut d = [0.0; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| m[row][k] * d[k]).sum();
        d[row] = (v[row] - s) / m[row][row];
    }
    d
}

/// Recovers the full-precision parameters `lifetimes` used from its golden P(alive):
/// `ln((1-p)/p) = ln a - ln(b+x-1) + (r+x) ln((alpha+T)/(alpha+t_x))` for repeat buyers,
/// solved by Gauss-Newton on log-parameters from the rounded README values.
fn lifetimes_full_precision_bgnbd() -> BgNbdParams {
    let data: Vec<(f64, f64, f64, f64)> = read_csv("cdnow_lifetimes_reference_predictions.csv")
        .iter()
        .filter(|r| num(r, "frequency") > 0.0 && (0.05..0.95).contains(&num(r, "p_alive")))
        .map(|r| {
            let p = num(r, "p_alive");
            (
                num(r, "frequency"),
                num(r, "recency"),
                num(r, "T"),
                ((1.0 - p) / p).ln(),
            )
        })
        .collect();
    let model = |t: &[f64; 4], (x, tx, age, _): (f64, f64, f64, f64)| {
        let [r, alpha, a, b] = t.map(f64::exp);
        (a / (b + x - 1.0)).ln() + (r + x) * ((alpha + age) / (alpha + tx)).ln()
    };
    let p = LIFETIMES_BG;
    let mut theta = [p.r, p.alpha, p.a, p.b].map(f64::ln);
    for _ in 0..20 {
        let mut jtj = [[0.0; 4]; 4];
        let mut jtr = [0.0; 4];
        for &d in &data {
            let resid = model(&theta, d) - d.3;
            let jac: [f64; 4] = std::array::from_fn(|k| {
                let (mut up, mut down) = (theta, theta);
                up[k] += 1e-6;
                down[k] -= 1e-6;
                (model(&up, d) - model(&down, d)) / 2e-6
            });
            for i in 0..4 {
                jtr[i] -= jac[i] * resid;
                for j in 0..4 {
                    jtj[i][j] += jac[i] * jac[j];
                }
            }
        }
        let step = solve4(jtj, jtr);
        for k in 0..4 {
            theta[k] += step[k];
        }
    }
    let [r, alpha, a, b] = theta.map(f64::exp);
    BgNbdParams { r, alpha, a, b }
}

#[test]
fn predictions_with_lifetimes_exact_parameters_match_to_1e8() {
    let exact = lifetimes_full_precision_bgnbd();
    println!("{exact:?}");
    for (got, want) in [
        (exact.r, LIFETIMES_BG.r),
        (exact.alpha, LIFETIMES_BG.alpha),
        (exact.a, LIFETIMES_BG.a),
        (exact.b, LIFETIMES_BG.b),
    ] {
        assert!(rel(got, want) < 1e-6, "{got} vs {want}");
    }
    let s = summaries();
    let spend = GammaGammaParams::fit(&s, &LtvConfig::default()).unwrap();
    let count = CountModel::new(DropoutModel::BgNbd, exact).unwrap();
    let worst = worst_deviations(count, spend.params);
    println!("exact lifetimes params: {worst:?}");
    // Count-model predictions agree to ~1e-13; spend and CLV carry the 2.5e-9 difference of
    // our Gamma-Gamma optimum from lifetimes'.
    assert!(worst.iter().all(|&w| w < 1e-8), "{worst:?}");
}

/// CDNOW's BG/NBD optimum is flat: our parameters and `lifetimes`' full-precision ones differ
/// by ~1e-6 relative yet have the same log-likelihood to 1e-11, so the data cannot tell them
/// apart and both are the maximum. Their predictions differ by ~1.3e-6 relative, hence 3e-6
/// here; the formulas themselves are checked to 1e-8 with `lifetimes`' exact parameters.
#[test]
fn predictions_with_our_fit_match_to_3e6_at_an_equally_good_optimum() {
    let s = summaries();
    let config = LtvConfig::default();
    let count = CountModel::fit(DropoutModel::BgNbd, &s, &config).unwrap();
    let spend = GammaGammaParams::fit(&s, &config).unwrap();
    let rows = collapse_counts(&s).unwrap();
    let theirs = CountModel::new(DropoutModel::BgNbd, lifetimes_full_precision_bgnbd()).unwrap();
    let their_ll = theirs.log_likelihood(&rows).unwrap();
    println!("ours {} theirs {}", count.log_likelihood, their_ll);
    assert!((count.log_likelihood - their_ll).abs() < 1e-8);
    let spend_rows = collapse_spend(&s).unwrap();
    let gg_ll = spend.params.log_likelihood(&spend_rows).unwrap();
    assert!((gg_ll - spend.log_likelihood).abs() < 1e-9);
    let worst = worst_deviations(count.params, spend.params);
    println!("our params: {worst:?}");
    assert!(worst.iter().all(|&w| w < 3e-6), "{worst:?}");
}

fn holdout_observations() -> Vec<HoldoutObservation> {
    let holdout = read_csv("cdnow_holdout.csv");
    summaries()
        .into_iter()
        .zip(holdout)
        .map(|(calibration, h)| HoldoutObservation {
            calibration,
            holdout_transactions: num(&h, "frequency_holdout") as u32,
        })
        .collect()
}

#[test]
fn holdout_prediction_correlates_like_the_paper() {
    let obs = holdout_observations();
    let config = LtvConfig::default();
    let s: Vec<Summary> = obs.iter().map(|o| o.calibration).collect();
    let fit = CountModel::fit(DropoutModel::BgNbd, &s, &config).unwrap();
    let report = HoldoutReport::new(&fit.params, &obs, 39.0, &config).unwrap();
    println!("{report:#?}");
    assert!((report.correlation - 0.626).abs() < 0.005);
    // 1882 actual holdout purchases (data/README.md).
    assert_eq!(report.actual_total, 1882.0);
    assert_eq!(report.buckets.len(), 8);
    assert_eq!(report.buckets[0].customers, 1411);
    assert_eq!(
        report.buckets.iter().map(|b| b.customers).sum::<usize>(),
        2357
    );
    // Zero-frequency customers: 334 of 1411 bought, about 0.24 purchases each on average.
    assert!(report.buckets[0].actual_mean > 0.2 && report.buckets[0].actual_mean < 0.35);
}

#[test]
fn model_choice_fits_both_variants_and_keeps_the_better_holdout() {
    let obs = holdout_observations();
    let choice = choose_count_model(&obs, 39.0, &LtvConfig::default()).unwrap();
    let (bg, mbg) = (&choice.bgnbd, &choice.modified);
    println!(
        "bg mse {} mbg mse {}",
        bg.1.mean_squared_error, mbg.1.mean_squared_error
    );
    println!("mbg {:?} ll {}", mbg.0.params, mbg.0.log_likelihood);
    assert_eq!(bg.0.params.kind, DropoutModel::BgNbd);
    assert_eq!(mbg.0.params.kind, DropoutModel::ModifiedBgNbd);
    assert!(bg.0.converged && mbg.0.converged);
    let best = if mbg.1.mean_squared_error < bg.1.mean_squared_error {
        &mbg.0
    } else {
        &bg.0
    };
    assert_eq!(&choice.chosen, best);
    // The MBG/NBD fit is a maximum of the likelihood written out directly (paper's formula,
    // linear space, fine for CDNOW's small x): every perturbation of it is worse.
    let direct_ll = |p: &BgNbdParams| -> f64 {
        let lg = ln_gamma_series;
        obs.iter()
            .map(|o| {
                let (x, tx, t) = (
                    f64::from(o.calibration.frequency),
                    o.calibration.recency,
                    o.calibration.age,
                );
                let BgNbdParams { r, alpha, a, b } = *p;
                let beta = lg(a + b) + lg(b + x + 1.0) - lg(b) - lg(a + b + x + 1.0);
                let nbd = lg(r + x) - lg(r) + r * alpha.ln();
                let tail = (alpha + t).powf(-(r + x)) + a / (b + x) * (alpha + tx).powf(-(r + x));
                beta + nbd + tail.ln()
            })
            .sum()
    };
    let at = direct_ll(&mbg.0.params.params);
    assert!(
        (at - mbg.0.log_likelihood).abs() < 1e-6,
        "{at} vs {}",
        mbg.0.log_likelihood
    );
    for k in 0..4 {
        for f in [0.999, 1.001] {
            let mut p = mbg.0.params.params;
            match k {
                0 => p.r *= f,
                1 => p.alpha *= f,
                2 => p.a *= f,
                _ => p.b *= f,
            }
            assert!(direct_ll(&p) < at);
        }
    }
    // In MBG/NBD one-time buyers can be dead.
    let once = Summary::new(0, 0.0, 30.0);
    assert!(mbg.0.params.p_alive(&once).unwrap() < 1.0);
    assert_eq!(bg.0.params.p_alive(&once).unwrap(), 1.0);
}

/// ln Γ by the Stirling series after shifting the argument above 30, independent of the
/// crate's Lanczos implementation.
fn ln_gamma_series(mut v: f64) -> f64 {
    let mut shift = 0.0;
    while v < 30.0 {
        shift -= v.ln();
        v += 1.0;
    }
    let inv = 1.0 / v;
    shift + (v - 0.5) * v.ln() - v + 0.5 * (2.0 * std::f64::consts::PI).ln() + inv / 12.0
        - inv.powi(3) / 360.0
        + inv.powi(5) / 1260.0
}

/// The covariance is the inverse of the observed information: checked against a Hessian of
/// the public log-likelihood by second differences in log-parameters, and symmetric.
#[test]
fn covariance_is_the_inverse_observed_information() {
    let s = summaries();
    let rows = collapse_counts(&s).unwrap();
    let fit = CountModel::fit(DropoutModel::BgNbd, &s, &LtvConfig::default()).unwrap();
    let base = fit.params.params;
    let theta = [base.r, base.alpha, base.a, base.b].map(f64::ln);
    let ll = |t: [f64; 4]| {
        let [r, alpha, a, b] = t.map(f64::exp);
        CountModel::new(DropoutModel::BgNbd, BgNbdParams { r, alpha, a, b })
            .unwrap()
            .log_likelihood(&rows)
            .unwrap()
    };
    let h = 1e-3;
    let info: [[f64; 4]; 4] = std::array::from_fn(|i| {
        std::array::from_fn(|j| {
            let at = |di: f64, dj: f64| {
                let mut t = theta;
                t[i] += di;
                t[j] += dj;
                ll(t)
            };
            -(at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4.0 * h * h)
        })
    });
    let cov = fit.log_covariance.clone().unwrap();
    for j in 0..4 {
        let unit: [f64; 4] = std::array::from_fn(|i| f64::from(u8::from(i == j)));
        let column = solve4(info, unit);
        for i in 0..4 {
            let scale = (cov[i][i] * cov[j][j]).sqrt();
            assert!((column[i] - cov[i][j]).abs() < 1e-3 * scale, "{i},{j}");
            assert_eq!(cov[i][j], cov[j][i]);
        }
    }
    let natural = fit.covariance.clone().unwrap();
    let se = fit.standard_errors.clone().unwrap();
    let values = [base.r, base.alpha, base.a, base.b];
    for i in 0..4 {
        assert!((se[i] - natural[i][i].sqrt()).abs() < 1e-15);
        for j in 0..4 {
            assert!((natural[i][j] - values[i] * values[j] * cov[i][j]).abs() < 1e-15);
            assert_eq!(natural[i][j], natural[j][i]);
        }
    }
}
