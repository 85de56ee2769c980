//! Synthetic creators, recovery of the true parameters, and the LTV with its interval.

use scoring::ltv::synthetic::{SyntheticSpec, generate};
use scoring::ltv::{
    CountModel, DropoutModel, GammaGammaParams, LtvConfig, LtvError, LtvModel, Summary,
};

fn spec(creators: usize, seed: u64) -> SyntheticSpec {
    SyntheticSpec {
        creators,
        seed,
        ..SyntheticSpec::default()
    }
}

#[test]
fn synthetic_creators_are_deterministic_and_valid() {
    let a = generate(&spec(5000, 1)).unwrap();
    assert_eq!(a, generate(&spec(5000, 1)).unwrap());
    assert_ne!(a, generate(&spec(5000, 2)).unwrap());
    for s in &a {
        s.validate_counts().unwrap();
        s.validate_monetary().unwrap();
        assert_eq!(s.age.fract(), 0.0);
        assert!((1.0..=365.0).contains(&s.age));
    }
    assert!(a.iter().any(|s| s.frequency > 0) && a.iter().any(|s| s.frequency == 0));
    assert!(a.iter().all(|s| s.recency.fract() == 0.0));
}

/// On exact (continuous-time) data the fits must find the truth within 3 standard errors.
#[test]
fn fits_recover_the_generating_parameters() {
    let truth = SyntheticSpec::default();
    let creators = generate(&SyntheticSpec {
        whole_days: false,
        ..spec(200_000, 11)
    })
    .unwrap();
    let config = LtvConfig::default();
    let count = CountModel::fit(DropoutModel::BgNbd, &creators, &config).unwrap();
    let spend = GammaGammaParams::fit(&creators, &config).unwrap();
    assert!(count.converged && spend.converged);
    let se = count.standard_errors.clone().unwrap();
    let p = count.params.params;
    let t = truth.count;
    for (k, (got, want)) in [(p.r, t.r), (p.alpha, t.alpha), (p.a, t.a), (p.b, t.b)]
        .into_iter()
        .enumerate()
    {
        assert!(
            (got - want).abs() < 3.0 * se[k],
            "param {k}: {got} vs {want} (se {})",
            se[k]
        );
    }
    let se = spend.standard_errors.clone().unwrap();
    let g = spend.params;
    let s = truth.spend;
    for (k, (got, want)) in [(g.p, s.p), (g.q, s.q), (g.v, s.v)].into_iter().enumerate() {
        assert!((got - want).abs() < 3.0 * se[k], "{k}: {got} vs {want}");
    }
}

fn fitted_model(creators: &[Summary], config: LtvConfig) -> LtvModel {
    let count = CountModel::fit(DropoutModel::BgNbd, creators, &config).unwrap();
    let spend = GammaGammaParams::fit(creators, &config).unwrap();
    LtvModel::new(&count, &spend, config).unwrap()
}

#[test]
fn ltv_is_the_discounted_sum_of_expected_period_value() {
    let creators = generate(&spec(20_000, 3)).unwrap();
    let config = LtvConfig {
        take_rate: 0.05,
        ..LtvConfig::default()
    };
    let count = CountModel::fit(DropoutModel::BgNbd, &creators, &config).unwrap();
    let spend = GammaGammaParams::fit(&creators, &config).unwrap();
    let model = LtvModel::new(&count, &spend, config.clone()).unwrap();
    let s = Summary {
        monetary_value: 80.0,
        ..Summary::new(6, 150.0, 200.0)
    };
    let v = model.value(&s).unwrap();
    let e = |t: f64| count.params.expected_transactions(&s, t, &config).unwrap();
    let m = spend.params.expected_value(&s).unwrap();
    let by_hand: f64 = (1..=12)
        .map(|k| {
            let k = f64::from(k);
            m * (e(30.0 * k) - e(30.0 * (k - 1.0))) / 1.01f64.powf(k)
        })
        .sum::<f64>()
        * 0.05;
    assert!((v.ltv - by_hand).abs() < 1e-10 * by_hand);
    assert!((v.expected_transactions - e(360.0)).abs() < 1e-12);
    assert_eq!(v.p_alive, count.params.p_alive(&s).unwrap());
    assert_eq!(v.expected_value_per_transaction, m);
    // Discounting only lowers the value; a higher take rate raises it proportionally.
    assert!(v.ltv < 0.05 * m * v.expected_transactions);
    let gmv = LtvModel::new(
        &count,
        &spend,
        LtvConfig {
            take_rate: 1.0,
            ..config
        },
    )
    .unwrap();
    assert!((gmv.value(&s).unwrap().ltv / v.ltv - 20.0).abs() < 1e-9);
}

#[test]
fn interval_brackets_the_estimate_and_narrows_with_more_data() {
    let s = Summary {
        monetary_value: 120.0,
        ..Summary::new(4, 100.0, 180.0)
    };
    let width = |n: usize| {
        let model = fitted_model(&generate(&spec(n, 5)).unwrap(), LtvConfig::default());
        let (v, i) = model.value_with_interval(&s).unwrap();
        assert!(i.low < v.ltv && v.ltv < i.high, "{i:?} {v:?}");
        assert_eq!(i.level, 0.9);
        // Seeded: the same model gives the same interval.
        assert_eq!(model.value_with_interval(&s).unwrap().1, i);
        (i.high - i.low) / v.ltv
    };
    let (small, large) = (width(5_000), width(100_000));
    assert!(large < 0.6 * small, "{small} vs {large}");
}

#[test]
fn batch_values_equal_single_values_and_keep_errors_per_row() {
    let mut creators = generate(&spec(3000, 9)).unwrap();
    creators.push(Summary::new(0, 5.0, 10.0));
    let model = fitted_model(&creators[..3000], LtvConfig::default());
    let batch = model.values(&creators);
    assert_eq!(batch.len(), creators.len());
    for (s, v) in creators.iter().zip(&batch).take(3000) {
        assert_eq!(v.as_ref().unwrap(), &model.value(s).unwrap());
    }
    assert!(matches!(batch[3000], Err(LtvError::Summary(_))));
}

#[test]
fn models_from_stored_parameters_have_no_interval_and_bad_config_is_refused() {
    let creators = generate(&spec(3000, 4)).unwrap();
    let config = LtvConfig::default();
    let count = CountModel::fit(DropoutModel::BgNbd, &creators, &config).unwrap();
    let spend = GammaGammaParams::fit(&creators, &config).unwrap();
    let bare = LtvModel::from_params(count.params, spend.params, config.clone()).unwrap();
    let s = creators[0];
    assert!(bare.value(&s).is_ok());
    assert_eq!(
        bare.value_with_interval(&s).unwrap_err(),
        LtvError::NoCovariance
    );
    for bad in [
        LtvConfig {
            take_rate: 0.0,
            ..config.clone()
        },
        LtvConfig {
            period_length: f64::NAN,
            ..config.clone()
        },
        LtvConfig {
            interval_level: 1.0,
            ..config.clone()
        },
        LtvConfig {
            periods: 0,
            ..config.clone()
        },
    ] {
        assert!(matches!(
            bad.validate(),
            Err(LtvError::InvalidConfig { .. })
        ));
        assert!(LtvModel::new(&count, &spend, bad).is_err());
    }
    assert!(LtvConfig::default().validate().is_ok());
}

/// A Gamma-Gamma fit with q <= 1 has no population mean: one-selling-day creators get the
/// documented fallback (the market's mean value per selling day) instead of an error or NaN,
/// while repeat buyers whose posterior mean exists keep it.
#[test]
fn undefined_spend_mean_uses_the_fallback() {
    let count = CountModel::new(
        DropoutModel::ModifiedBgNbd,
        scoring::ltv::BgNbdParams {
            r: 0.4,
            alpha: 30.0,
            a: 1.0e5,
            b: 1.0e7,
        },
    )
    .unwrap();
    let spend = GammaGammaParams::new(2.0, 0.8, 50.0).unwrap();
    let one_day = Summary::new(0, 0.0, 200.0);
    let repeat = Summary {
        monetary_value: 1200.0,
        ..Summary::new(4, 150.0, 200.0)
    };
    let bare = LtvModel::from_params(count, spend, LtvConfig::default()).unwrap();
    assert!(matches!(
        bare.value(&one_day),
        Err(LtvError::MeanSpendUndefined { .. })
    ));
    let model = bare.with_spend_fallback(900.0).unwrap();
    let v = model.value(&one_day).unwrap();
    assert_eq!(v.expected_value_per_transaction, 900.0);
    assert!(v.ltv.is_finite() && v.ltv > 0.0 && v.expected_transactions > 0.0);
    let r = model.value(&repeat).unwrap();
    assert_eq!(
        r.expected_value_per_transaction,
        spend.expected_value(&repeat).unwrap()
    );
    assert!(r.ltv.is_finite() && r.ltv > v.ltv);
    assert!(model.clone().with_spend_fallback(f64::NAN).is_err());
}
