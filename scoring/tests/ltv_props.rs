//! Properties over random parameters and summaries: predictions are always finite and in
//! range (never NaN), grow with the horizon, and the LTV never exceeds the undiscounted value.

use proptest::prelude::*;
use scoring::ltv::{
    BgNbdParams, CountModel, DropoutModel, GammaGammaParams, LtvConfig, LtvModel, Summary,
};

fn params() -> impl Strategy<Value = BgNbdParams> {
    (0.01f64..5.0, 0.01f64..500.0, 0.05f64..5.0, 0.05f64..5.0)
        .prop_map(|(r, alpha, a, b)| BgNbdParams { r, alpha, a, b })
}

fn summary() -> impl Strategy<Value = Summary> {
    (0u32..3000, 0.0f64..1.0, 0.0f64..400.0, 1.0f64..500.0).prop_map(|(x, share, age, m)| Summary {
        frequency: x,
        recency: if x == 0 { 0.0 } else { share * age },
        age,
        monetary_value: m,
    })
}

fn kind() -> impl Strategy<Value = DropoutModel> {
    prop_oneof![Just(DropoutModel::BgNbd), Just(DropoutModel::ModifiedBgNbd)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn predictions_are_finite_in_range_and_grow_with_the_horizon(
        p in params(), s in summary(), kind in kind(), t in 0.0f64..400.0
    ) {
        let m = CountModel::new(kind, p).unwrap();
        let config = LtvConfig::default();
        let alive = m.p_alive(&s).unwrap();
        prop_assert!((0.0..=1.0).contains(&alive));
        let short = m.expected_transactions(&s, t, &config).unwrap();
        let long = m.expected_transactions(&s, t + 30.0, &config).unwrap();
        prop_assert!(short.is_finite() && short >= -1e-9 * (1.0 + long.abs()));
        prop_assert!(long >= short - 1e-9 * (1.0 + long.abs()), "{short} > {long}");
    }

    #[test]
    fn ltv_is_finite_and_at_most_the_undiscounted_value(
        p in params(), s in summary(), kind in kind(),
        (gp, gq, gv) in (0.1f64..10.0, 1.05f64..10.0, 0.1f64..100.0),
        take in 0.01f64..1.0
    ) {
        let count = CountModel::new(kind, p).unwrap();
        let spend = GammaGammaParams::new(gp, gq, gv).unwrap();
        let config = LtvConfig { take_rate: take, ..LtvConfig::default() };
        let v = LtvModel::from_params(count, spend, config).unwrap().value(&s).unwrap();
        prop_assert!(v.ltv.is_finite() && v.ltv >= -1e-9);
        let undiscounted = take * v.expected_value_per_transaction * v.expected_transactions;
        prop_assert!(v.ltv <= undiscounted * (1.0 + 1e-9) + 1e-12);
    }
}
