//! Offline evaluation on the synthetic marketplace: our ranking must recover hidden
//! collaborations at least as well as exact PPR and clearly better than niche baselines.

use scoring::matching::eval::{EvalConfig, Method, evaluate, ndcg_at_k, recall_at_k, split_collaborations};
use scoring::matching::synthetic::{SyntheticConfig, generate};
use scoring::matching::{CreatorId, MatchConfig};
use std::collections::HashSet;

#[test]
fn ours_beats_baselines_on_planted_communities() {
    let market = generate(&SyntheticConfig::small(42)).unwrap();
    let config = MatchConfig::default();
    let report = evaluate(&market.input, &market.profiles, &config, &EvalConfig::default()).unwrap();
    let recall = |m| report.method(m).unwrap().recall_at_k;
    let ndcg = |m| report.method(m).unwrap().ndcg_at_k;
    for m in Method::ALL {
        eprintln!("{m:?}: recall@{} {:.3} ndcg {:.3} p50 {:?}", report.k, recall(m), ndcg(m),
            report.method(m).unwrap().latency_quantile(0.5));
    }
    assert!(report.queries >= 100, "only {} queries", report.queries);
    assert!(recall(Method::Ours) >= recall(Method::ExactPpr));
    assert!(recall(Method::Ours) >= 1.5 * recall(Method::NicheCosine));
    assert!(recall(Method::Ours) >= 1.5 * recall(Method::PopularityInNiche));
    assert!(ndcg(Method::Ours) > ndcg(Method::NicheCosine));
    assert_eq!(report.method(Method::Ours).unwrap().latencies.len(), report.queries);
}
