//! Offline evaluation on the synthetic marketplace: our ranking must recover hidden
//! collaborations at least as well as exact PPR and clearly better than the niche baselines.

use std::collections::HashSet;

use scoring::matching::eval::{
    EvalConfig, Method, evaluate, gmv_recall_at_k, ndcg_at_k, recall_at_k, split_collaborations,
};
use scoring::matching::synthetic::{SyntheticConfig, generate};
use scoring::matching::{CreatorId, MatchConfig};

#[test]
fn ours_beats_baselines_on_planted_communities() {
    let market = generate(&SyntheticConfig::small(42)).unwrap();
    let report = evaluate(
        &market.input,
        &market.profiles,
        &MatchConfig::default(),
        // Every brand that lost a collaborator (about 240): fewer queries leave the
        // comparison with exact PPR to noise.
        &EvalConfig {
            exact_tolerance: 1e-8,
            ..EvalConfig::default()
        },
    )
    .unwrap();
    let get = |m| report.method(m).unwrap();
    for m in Method::ALL {
        eprintln!(
            "{m:?}: recall@{} {:.3} nDCG {:.3} p50 {:?}",
            report.k,
            get(m).recall_at_k,
            get(m).ndcg_at_k,
            get(m).latency_quantile(0.5)
        );
        assert_eq!(get(m).latencies.len(), report.queries);
    }
    assert!(report.queries >= 200, "only {} queries", report.queries);
    let ours = get(Method::Ours).recall_at_k;
    assert!(ours >= get(Method::ExactPpr).recall_at_k);
    assert!(ours >= 1.5 * get(Method::NicheCosine).recall_at_k);
    assert!(ours >= 2.0 * get(Method::PopularityInNiche).recall_at_k);
    assert!(get(Method::Ours).ndcg_at_k >= get(Method::ExactPpr).ndcg_at_k);
}

#[test]
fn split_is_seeded_and_hides_whole_pairs() {
    let market = generate(&SyntheticConfig::with_size(500, 40, 5, 1)).unwrap();
    let collabs = &market.input.collaborations;
    let (kept, hidden) = split_collaborations(collabs, 0.2, 9).unwrap();
    assert_eq!(kept.len() + hidden.len(), collabs.len());
    assert_eq!(
        (kept.clone(), hidden.clone()),
        split_collaborations(collabs, 0.2, 9).unwrap()
    );
    assert_ne!(hidden, split_collaborations(collabs, 0.2, 10).unwrap().1);
    let kept_pairs: HashSet<_> = kept.iter().map(|c| (c.brand, c.creator)).collect();
    assert!(
        hidden
            .iter()
            .all(|c| !kept_pairs.contains(&(c.brand, c.creator)))
    );
    assert!(split_collaborations(collabs, 1.0, 9).is_err());
}

#[test]
fn recall_and_ndcg_by_hand() {
    let ranked: Vec<CreatorId> = [5, 1, 7, 2].map(CreatorId).to_vec();
    let relevant: HashSet<CreatorId> = [1, 2, 9].map(CreatorId).into_iter().collect();
    assert!((recall_at_k(&ranked, &relevant, 2) - 1.0 / 3.0).abs() < 1e-12);
    assert!((recall_at_k(&ranked, &relevant, 4) - 2.0 / 3.0).abs() < 1e-12);
    let dcg = 1.0 / 3f64.log2() + 1.0 / 5f64.log2();
    let ideal = 1.0 + 1.0 / 3f64.log2() + 0.5;
    assert!((ndcg_at_k(&ranked, &relevant, 4) - dcg / ideal).abs() < 1e-12);
    assert_eq!(ndcg_at_k(&ranked, &HashSet::new(), 4), 0.0);
}

#[test]
fn gmv_recall_weighs_hits_by_the_gmv_they_produced() {
    let ranked = [CreatorId(1), CreatorId(2), CreatorId(3)];
    let relevant: std::collections::HashMap<CreatorId, f64> =
        [(CreatorId(2), 300.0), (CreatorId(9), 100.0)].into();
    assert!((gmv_recall_at_k(&ranked, &relevant, 2) - 0.75).abs() < 1e-12);
    assert_eq!(gmv_recall_at_k(&ranked, &relevant, 1), 0.0);
    let free: std::collections::HashMap<CreatorId, f64> = [(CreatorId(1), 0.0)].into();
    assert_eq!(gmv_recall_at_k(&ranked, &free, 3), 0.0);
}
