//! The numerical traps of LTV.md section 7, each checked against a value computed here by an
//! independent route: the integral over the dropout probability of the posterior expectation,
//! or the textbook hypergeometric series summed directly (in log space where it overflows).

use scoring::ltv::{
    BgNbdParams, CountModel, DropoutModel, GammaGammaParams, LtvConfig, LtvError, Summary,
};

fn bg(r: f64, alpha: f64, a: f64, b: f64) -> CountModel {
    CountModel::new(DropoutModel::BgNbd, BgNbdParams { r, alpha, a, b }).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Composite Simpson over geometric panels of [0, 1] (resolves features at tiny arguments).
fn integrate(f: impl Fn(f64) -> f64) -> f64 {
    let mut edges = vec![0.0];
    edges.extend((0..=14).rev().map(|k| 10f64.powi(-k)));
    edges
        .windows(2)
        .map(|w| {
            let (lo, hi, n) = (w[0], w[1], 4000);
            let h = (hi - lo) / n as f64;
            let s: f64 = (0..=n)
                .map(|i| {
                    let weight = if i == 0 || i == n {
                        1.0
                    } else if i % 2 == 1 {
                        4.0
                    } else {
                        2.0
                    };
                    weight * f(lo + i as f64 * h)
                })
                .sum();
            s * h / 3.0
        })
        .sum()
}

/// ln Γ via Stirling after shifting above 30 (independent of the crate's Lanczos).
fn ln_gamma(mut v: f64) -> f64 {
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

/// E[Y(t) | x, t_x, T] for BG/NBD by integration: alive at T, the rate is Gamma(r+x, alpha+T)
/// and the dropout probability Beta(a, b+x); given p, E[Y] = (1 - ((alpha+T)/(alpha+T+p t))^(r+x))/p.
/// Substituting p = u^(1/a) removes the p^(a-1) singularity; needs b + x >= 1.
fn expected_by_integral(m: &CountModel, s: &Summary, t: f64) -> f64 {
    let BgNbdParams { r, alpha, a, b } = m.params;
    let x = f64::from(s.frequency);
    let (rx, bx, base) = (r + x, b + x, alpha + s.age);
    let ln_beta = ln_gamma(a) + ln_gamma(bx) - ln_gamma(a + bx);
    let g = |u: f64| {
        if u == 0.0 {
            // Limit p -> 0: (r+x) t/(alpha+T).
            return rx * t / base;
        }
        let p = u.powf(1.0 / a);
        let inner = -(-rx * (p * t / base).ln_1p()).exp_m1() / p;
        // (1-p)^(b+x-1), exactly 1 when b + x = 1 (avoids 0 * ln 0 at p = 1).
        let tail = if bx == 1.0 {
            1.0
        } else {
            ((bx - 1.0) * (-p).ln_1p()).exp()
        };
        tail * inner
    };
    let posterior = integrate(g) / a * (-ln_beta).exp();
    posterior * m.p_alive(s).unwrap()
}

/// The textbook formula with ln 2F1(r+x, b+x; a+b+x-1; z) summed in log space (all terms
/// positive for x >= 1), for x in the thousands where 2F1 itself overflows f64.
fn expected_by_log_series(m: &CountModel, s: &Summary, t: f64) -> f64 {
    let BgNbdParams { r, alpha, a, b } = m.params;
    let x = f64::from(s.frequency);
    let (big_a, big_b, c) = (r + x, b + x, a + b + x - 1.0);
    let z = t / (alpha + s.age + t);
    let mut log_terms = vec![0.0];
    let mut lt = 0.0_f64;
    let mut n = 0.0;
    loop {
        lt += ((big_a + n) * (big_b + n) / ((c + n) * (n + 1.0)) * z).ln();
        n += 1.0;
        log_terms.push(lt);
        let max = log_terms.iter().cloned().fold(f64::MIN, f64::max);
        if lt < max - 60.0 {
            break;
        }
    }
    let max = log_terms.iter().cloned().fold(f64::MIN, f64::max);
    let ln_f = max + log_terms.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
    let power = big_a * (1.0 - z).ln();
    let bracket = -(ln_f + power).exp_m1();
    (c / (a - 1.0)) * bracket * m.p_alive(s).unwrap()
}

fn config() -> LtvConfig {
    LtvConfig::default()
}

#[test]
fn x_in_the_thousands_is_finite_and_accurate() {
    // Daily-like parameters (LTV.md): ln 2F1 ~ 745 at x = 1000, beyond f64.
    let m = bg(0.10, 50.16, 0.40, 0.81);
    for (x, tx, age, t) in [
        (1000, 360.0, 365.0, 30.0),
        (2000, 364.0, 365.0, 365.0),
        (3000, 364.9, 365.0, 90.0),
    ] {
        let s = Summary::new(x, tx, age);
        let got = m.expected_transactions(&s, t, &config()).unwrap();
        let series = expected_by_log_series(&m, &s, t);
        let integral = expected_by_integral(&m, &s, t);
        assert!(got.is_finite() && got > 0.0);
        assert!(rel(got, series) < 1e-9, "x={x}: {got} vs series {series}");
        assert!(
            rel(got, integral) < 1e-8,
            "x={x}: {got} vs integral {integral}"
        );
    }
}

#[test]
fn p_alive_does_not_overflow_when_recency_is_far_before_age() {
    // ((alpha+T)/(alpha+t_x))^(r+x) = e^(2000 ln 7) overflows in linear space.
    let m = bg(0.10, 50.16, 0.40, 0.81);
    let s = Summary::new(2000, 10.0, 365.0);
    let p = m.p_alive(&s).unwrap();
    assert!((0.0..1e-300).contains(&p));
    let e = m.expected_transactions(&s, 365.0, &config()).unwrap();
    assert!((0.0..1e-290).contains(&e));
}

/// Textbook 2F1(a1, b1; c1; z) summed directly in linear space (fine for small arguments).
fn hyp2f1(a1: f64, b1: f64, c1: f64, z: f64) -> f64 {
    let (mut term, mut sum, mut n) = (1.0, 1.0, 0.0);
    while n < 1e6 {
        term *= (a1 + n) * (b1 + n) / ((c1 + n) * (n + 1.0)) * z;
        sum += term;
        n += 1.0;
        if term.abs() < 1e-18 * sum.abs() && n > 50.0 {
            break;
        }
    }
    sum
}

#[test]
fn a_plus_b_below_one_gives_the_true_value_not_nan() {
    // lifetimes issue #302: lifetimes returns NaN, the true value is 0.5646.
    let m = bg(0.11, 2.24, 0.31, 0.50);
    let s = Summary::new(0, 0.0, 1.0);
    let got = m.expected_transactions(&s, 30.0, &config()).unwrap();
    let (r, alpha, a, b): (f64, f64, f64, f64) = (0.11, 2.24, 0.31, 0.50);
    let z = 30.0 / (alpha + 1.0 + 30.0);
    let c = a + b - 1.0;
    let direct = c / (a - 1.0) * (1.0 - (1.0 - z).powf(r) * hyp2f1(r, b, c, z));
    assert!(rel(got, direct) < 1e-10, "{got} vs {direct}");
    assert!((got - 0.5646).abs() < 5e-5, "{got}");
}

#[test]
fn a_near_one_is_continuous_and_accurate() {
    let s = Summary::new(2, 20.0, 38.0);
    let at_one = bg(0.2426, 4.4135, 1.0, 2.4258);
    let exact = at_one.expected_transactions(&s, 52.0, &config()).unwrap();
    let integral = expected_by_integral(&at_one, &s, 52.0);
    assert!(rel(exact, integral) < 1e-9, "{exact} vs {integral}");
    for eps in [1e-9, -1e-9, 1e-12] {
        let near = bg(0.2426, 4.4135, 1.0 + eps, 2.4258);
        let got = near.expected_transactions(&s, 52.0, &config()).unwrap();
        let reference = expected_by_integral(&near, &s, 52.0);
        assert!(
            rel(got, reference) < 1e-9,
            "a = 1 + {eps}: {got} vs {reference}"
        );
        assert!(rel(got, exact) < 1e-7);
    }
}

#[test]
fn b_equal_to_one_with_no_repeat_purchases_is_not_nan() {
    // lifetimes computes 0 * inf = NaN in the denominator here.
    for kind in [DropoutModel::BgNbd, DropoutModel::ModifiedBgNbd] {
        let m = CountModel::new(
            kind,
            BgNbdParams {
                r: 0.24,
                alpha: 4.4,
                a: 0.79,
                b: 1.0,
            },
        )
        .unwrap();
        let s = Summary::new(0, 0.0, 30.0);
        let p = m.p_alive(&s).unwrap();
        let e = m.expected_transactions(&s, 52.0, &config()).unwrap();
        assert!(p.is_finite() && e.is_finite() && e > 0.0);
        if kind == DropoutModel::BgNbd {
            assert_eq!(p, 1.0);
            let reference = expected_by_integral(&m, &s, 52.0);
            assert!(rel(e, reference) < 1e-9, "{e} vs {reference}");
        } else {
            assert!(p < 1.0);
        }
    }
}

#[test]
fn horizons_far_beyond_age_are_finite_and_accurate() {
    let m = bg(0.242593, 4.413532, 0.792886, 2.425752);
    for (s, t) in [
        (Summary::new(0, 0.0, 30.0), 10_000.0),
        (Summary::new(2, 20.0, 38.0), 100_000.0),
        (Summary::new(0, 0.0, 0.0), 5_000.0),
    ] {
        let got = m.expected_transactions(&s, t, &config()).unwrap();
        let reference = expected_by_integral(&m, &s, t);
        assert!(rel(got, reference) < 1e-8, "t = {t}: {got} vs {reference}");
    }
    // Beyond the term cap the model says so instead of returning a wrong number.
    let tight = LtvConfig {
        max_series_terms: 100,
        ..config()
    };
    let err = m
        .expected_transactions(&Summary::new(0, 0.0, 30.0), 100_000.0, &tight)
        .unwrap_err();
    assert!(matches!(err, LtvError::SeriesNotConverged { .. }));
}

#[test]
fn unconditional_expectation_matches_the_paper_form() {
    // E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
    let (r, alpha, a, b) = (0.242593, 4.413532, 0.792886, 2.425752);
    let m = bg(r, alpha, a, b);
    for t in [1.0, 39.0, 78.0] {
        let z = t / (alpha + t);
        let direct = (a + b - 1.0) / (a - 1.0)
            * (1.0 - (alpha / (alpha + t)).powf(r) * hyp2f1(r, b, a + b - 1.0, z));
        let got = m.expected_transactions_unconditional(t, &config()).unwrap();
        assert!(rel(got, direct) < 1e-10, "{got} vs {direct}");
    }
}

#[test]
fn bad_inputs_are_reported_never_nan() {
    let m = bg(0.24, 4.4, 0.79, 2.4);
    let c = config();
    let cases = [
        Summary::new(1, 40.0, 30.0),
        Summary::new(0, 3.0, 30.0),
        Summary::new(1, -1.0, 30.0),
        Summary::new(1, 1.0, f64::INFINITY),
        Summary::new(1, f64::NAN, 30.0),
    ];
    for s in cases {
        assert!(matches!(m.p_alive(&s), Err(LtvError::Summary(_))));
        assert!(matches!(
            m.expected_transactions(&s, 10.0, &c),
            Err(LtvError::Summary(_))
        ));
    }
    let s = Summary::new(1, 1.0, 30.0);
    assert!(matches!(
        m.expected_transactions(&s, -1.0, &c),
        Err(LtvError::InvalidHorizon(_))
    ));
    assert!(matches!(
        m.expected_transactions(&s, f64::NAN, &c),
        Err(LtvError::InvalidHorizon(_))
    ));
    assert!(
        CountModel::new(
            DropoutModel::BgNbd,
            BgNbdParams {
                r: 0.0,
                alpha: 1.0,
                a: 1.0,
                b: 1.0
            }
        )
        .is_err()
    );
    // Gamma-Gamma: q <= 1 leaves the population mean undefined; say so.
    let gg = GammaGammaParams::new(2.0, 0.8, 10.0).unwrap();
    assert!(matches!(
        gg.population_mean(),
        Err(LtvError::MeanSpendUndefined { .. })
    ));
    assert!(matches!(
        gg.expected_value(&Summary::new(0, 0.0, 5.0)),
        Err(LtvError::MeanSpendUndefined { .. })
    ));
    // ... while a repeat buyer's posterior mean still exists (p x + q > 1).
    let buyer = Summary {
        monetary_value: 20.0,
        ..Summary::new(1, 2.0, 5.0)
    };
    assert!(gg.expected_value(&buyer).unwrap().is_finite());
    let no_spend = Summary {
        monetary_value: 0.0,
        ..buyer
    };
    assert!(gg.expected_value(&no_spend).is_err());
    // Fitting Gamma-Gamma without repeat buyers.
    let none = [Summary::new(0, 0.0, 5.0)];
    assert_eq!(
        GammaGammaParams::fit(&none, &c).unwrap_err(),
        LtvError::NoRepeatBuyers
    );
    assert_eq!(
        CountModel::fit(DropoutModel::BgNbd, &[], &c).unwrap_err(),
        LtvError::Empty
    );
}

/// Dropout that barely varies between creators drives a and b into the millions (the maximum
/// is at the point-mass limit). The likelihood must stay smooth enough there for the fit to
/// converge: subtracting ln Γ values of ~1e8 left it noisy at 1e-8, and about half of these
/// fits stopped short (one demo market did).
#[test]
fn homogeneous_dropout_fits_converge() {
    use scoring::ltv::synthetic::{SyntheticSpec, generate};
    let (a, b) = (7.0e4, 1.0e7);
    for seed in 1..=4 {
        let spec = SyntheticSpec {
            creators: 2_000,
            count: BgNbdParams {
                r: 1.0,
                alpha: 8.0,
                a,
                b,
            },
            seed,
            ..SyntheticSpec::default()
        };
        let rows = generate(&spec).unwrap();
        let fit = CountModel::fit(DropoutModel::BgNbd, &rows, &LtvConfig::default()).unwrap();
        let p = fit.params.params;
        assert!(fit.converged, "seed {seed}: {fit:?}");
        let dropout = p.a / (p.a + p.b);
        eprintln!(
            "seed {seed}: a+b {:.3e} dropout {dropout:.5} true {:.5}",
            p.a + p.b,
            a / (a + b)
        );
        assert!(rel(dropout, a / (a + b)) < 0.5, "seed {seed}: {p:?}");
    }
}
