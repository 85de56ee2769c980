//! Forward push against the power-iteration oracle: the stated error bound
//! `0 <= exact(v) - push(v) <= epsilon * W(v)` must hold on hand-made and random graphs,
//! before and after incremental updates and compaction; the top-K push ([`ppr_top_k`]) must
//! keep its per-node bounds and its certificate on hand-made, random and generated graphs of
//! very different densities.

use proptest::prelude::*;
use scoring::matching::synthetic::{SyntheticConfig, generate};
use scoring::matching::*;

fn share(niche: u64, share: f64) -> NicheShare {
    NicheShare {
        niche: NicheId(niche),
        share,
    }
}

fn collab(brand: u64, creator: u64, age_days: f64, gmv: f64) -> CollaborationInput {
    CollaborationInput {
        brand: BrandId(brand),
        creator: CreatorId(creator),
        age_days,
        gmv,
    }
}

/// Two parent niches with two leaves each, three brands, six creators (one isolated).
fn hand_made() -> GraphInput {
    let niche = |id, parent: Option<u64>| NicheInput {
        id: NicheId(id),
        parent: parent.map(NicheId),
    };
    GraphInput {
        niches: vec![
            niche(1, None),
            niche(2, Some(1)),
            niche(3, Some(1)),
            niche(10, None),
            niche(11, Some(10)),
        ],
        brands: vec![
            BrandInput {
                id: BrandId(1),
                niches: vec![share(2, 1.0)],
            },
            BrandInput {
                id: BrandId(2),
                niches: vec![share(3, 3.0), share(2, 1.0)],
            },
            BrandInput {
                id: BrandId(3),
                niches: vec![share(11, 1.0)],
            },
        ],
        creators: vec![
            CreatorInput {
                id: CreatorId(1),
                niches: vec![share(2, 0.62), share(3, 0.38)],
            },
            CreatorInput {
                id: CreatorId(2),
                niches: vec![share(2, 1.0)],
            },
            CreatorInput {
                id: CreatorId(3),
                niches: vec![share(2, 8.0), share(11, 2.0)],
            },
            CreatorInput {
                id: CreatorId(4),
                niches: vec![share(3, 1.0)],
            },
            CreatorInput {
                id: CreatorId(5),
                niches: vec![share(11, 1.0)],
            },
            CreatorInput {
                id: CreatorId(6),
                niches: vec![],
            },
        ],
        collaborations: vec![
            collab(1, 2, 10.0, 50_000.0),
            collab(2, 2, 400.0, 0.0),
            collab(2, 4, 0.0, 1_000.0),
            collab(3, 3, 30.0, 20_000.0),
            collab(3, 3, 90.0, 5_000.0),
        ],
    }
}

/// Asserts the forward-push error bound for one seed set on one graph.
fn assert_bound(graph: &MatchGraph, seeds: &[(NodeRef, f64)], alpha: f64, epsilon: f64) {
    let exact = ppr_exact(graph, seeds, alpha, 1e-13).unwrap();
    let approx = ppr_forward_push(graph, seeds, alpha, epsilon).unwrap();
    let total: f64 = exact.values().sum();
    assert!((total - 1.0).abs() < 1e-9, "exact PPR sums to {total}");
    for (node, &x) in &exact {
        let p = approx.get(node).copied().unwrap_or(0.0);
        let bound = epsilon * graph.weighted_degree(*node).unwrap();
        let gap = x - p;
        assert!(
            gap >= -1e-9 && gap <= bound + 1e-9,
            "{node:?}: exact {x}, push {p}, gap {gap}, bound {bound} (eps {epsilon})"
        );
    }
    for node in approx.keys() {
        assert!(
            exact.contains_key(node),
            "push reached {node:?} the walk cannot reach"
        );
    }
}

#[test]
fn push_within_bound_on_hand_made_graph() {
    let graph = MatchGraph::build(&hand_made(), &GraphConfig::default()).unwrap();
    let seeds: [&[(NodeRef, f64)]; 4] = [
        &[(NodeRef::Brand(BrandId(1)), 1.0)],
        &[
            (NodeRef::Brand(BrandId(2)), 0.7),
            (NodeRef::Niche(NicheId(3)), 0.3),
        ],
        &[(NodeRef::Creator(CreatorId(5)), 1.0)],
        &[(NodeRef::Niche(NicheId(10)), 1.0)],
    ];
    for seed in seeds {
        for epsilon in [1e-1, 1e-2, 1e-3, 1e-5] {
            for alpha in [0.1, 0.15, 0.5] {
                assert_bound(&graph, seed, alpha, epsilon);
            }
        }
    }
}

#[test]
fn isolated_seed_keeps_all_its_mass() {
    let graph = MatchGraph::build(&hand_made(), &GraphConfig::default()).unwrap();
    let seed = [(NodeRef::Creator(CreatorId(6)), 1.0)];
    let exact = ppr_exact(&graph, &seed, 0.15, 1e-12).unwrap();
    let push = ppr_forward_push(&graph, &seed, 0.15, 1e-4).unwrap();
    assert_eq!(exact.len(), 1);
    assert!((exact[&seed[0].0] - 1.0).abs() < 1e-12);
    assert!((push[&seed[0].0] - 1.0).abs() < 1e-12);
}

#[test]
fn bound_holds_after_updates_and_compaction() {
    let graph = MatchGraph::build(&hand_made(), &GraphConfig::default()).unwrap();
    let updated = graph
        .apply(&[
            GraphUpdate::AddCollaboration(collab(1, 4, 0.0, 10_000.0)),
            GraphUpdate::UpsertCreator(CreatorInput {
                id: CreatorId(7),
                niches: vec![share(3, 1.0), share(11, 1.0)],
            }),
            GraphUpdate::UpsertCreator(CreatorInput {
                id: CreatorId(1),
                niches: vec![share(11, 1.0)],
            }),
            GraphUpdate::UpsertBrand(BrandInput {
                id: BrandId(4),
                niches: vec![share(2, 1.0)],
            }),
        ])
        .unwrap();
    let compacted = updated.compact().unwrap();
    assert_eq!(compacted.overlay_len(), 0);
    assert_eq!(compacted.edge_count(), updated.edge_count());
    for g in [&updated, &compacted] {
        for seed in [
            NodeRef::Brand(BrandId(1)),
            NodeRef::Brand(BrandId(4)),
            NodeRef::Creator(CreatorId(7)),
        ] {
            assert_bound(g, &[(seed, 1.0)], 0.15, 1e-4);
        }
    }
    // Creator 1 left Dog Food (2) and Cat Food (3): both sides of both edges are gone.
    let neighbours = updated.neighbors(NodeRef::Creator(CreatorId(1))).unwrap();
    let all_niches = GraphConfig::default().creator_niche_weight;
    assert_eq!(neighbours, vec![(NodeRef::Niche(NicheId(11)), all_niches)]);
    let dog_food = updated.neighbors(NodeRef::Niche(NicheId(2))).unwrap();
    assert!(
        dog_food
            .iter()
            .all(|(n, _)| *n != NodeRef::Creator(CreatorId(1)))
    );
    // The original snapshot is untouched.
    assert_eq!(
        graph
            .neighbors(NodeRef::Creator(CreatorId(1)))
            .unwrap()
            .len(),
        2
    );
    // Edges other than niche-parent ones survive compaction with their weights.
    for node in [
        NodeRef::Creator(CreatorId(4)),
        NodeRef::Brand(BrandId(1)),
        NodeRef::Creator(CreatorId(7)),
    ] {
        assert_eq!(
            updated.neighbors(node).unwrap(),
            compacted.neighbors(node).unwrap()
        );
    }
}

#[test]
fn push_cost_depends_on_epsilon_not_graph_size() {
    let pushes = |creators, brands, niches, epsilon| {
        let market = generate(&SyntheticConfig::with_size(creators, brands, niches, 3)).unwrap();
        let graph = MatchGraph::build(&market.input, &GraphConfig::default()).unwrap();
        let mut config = MatchConfig::default();
        config.ppr.epsilon = epsilon;
        (1..=20)
            .map(|b| {
                match_creators(
                    &graph,
                    &market.profiles,
                    &market.names,
                    &MatchQuery::new(BrandId(b)),
                    &config,
                )
                .unwrap()
                .pushes
            })
            .sum::<usize>()
    };
    let small = pushes(4_000, 250, 12, 1e-4);
    let large = pushes(40_000, 2_500, 120, 1e-4);
    let finer = pushes(4_000, 250, 12, 2e-5);
    assert!(large < 2 * small, "10x graph: {large} pushes vs {small}");
    assert!(finer > 2 * small, "5x accuracy: {finer} pushes vs {small}");
}

fn is_creator(node: NodeRef) -> bool {
    matches!(node, NodeRef::Creator(_))
}

/// Checks a top-K push against power iteration; returns whether it was certified.
fn assert_top_k(graph: &MatchGraph, seeds: &[(NodeRef, f64)], alpha: f64, top: &TopK) -> bool {
    let beta = top.degree_exponent;
    let exact = ppr_exact(graph, seeds, alpha, 1e-14).unwrap();
    let corrected = |node: NodeRef, p: f64| {
        let w = graph.weighted_degree(node).unwrap();
        if w > 0.0 {
            p / w.max(top.degree_floor).powf(beta)
        } else {
            p
        }
    };
    let mut truth: Vec<(NodeRef, f64)> = exact
        .iter()
        .filter(|(n, _)| is_creator(**n))
        .map(|(&n, &p)| (n, corrected(n, p)))
        .collect();
    truth.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let got = ppr_top_k(graph, seeds, alpha, top, is_creator).unwrap();
    let estimate = |node: NodeRef| {
        got.scores
            .iter()
            .find(|e| e.0 == node)
            .map_or((0.0, got.unreached_bound), |e| (e.1, e.2))
    };
    let mut worst = got.unreached_bound;
    for &(node, s) in &truth {
        let (est, bound) = estimate(node);
        worst = worst.max(bound);
        assert!(
            est <= s + 1e-12 && s - est <= bound + 1e-12,
            "{node:?}: exact {s}, estimate {est}, bound {bound} ({top:?})"
        );
    }
    let k = top.k;
    if truth.len() <= k {
        return got.certified;
    }
    let returned: Vec<NodeRef> = got.scores.iter().take(k).map(|e| e.0).collect();
    let true_kth = truth[k - 1].1;
    // A true gap wider than every bound leaves no room for a wrong member, certified or not.
    if true_kth - truth[k].1 > worst {
        let mut want: Vec<NodeRef> = truth[..k].iter().map(|e| e.0).collect();
        let mut have = returned.clone();
        want.sort();
        have.sort();
        assert_eq!(have, want, "gap {} > bound {worst}", true_kth - truth[k].1);
    }
    if got.certified {
        let true_of = |n: NodeRef| truth.iter().find(|e| e.0 == n).map_or(0.0, |e| e.1);
        for node in returned {
            assert!(
                true_of(node) * (1.0 + top.tolerance) >= true_kth - 1e-12,
                "certified {node:?} scores {} against a true K-th of {true_kth}",
                true_of(node)
            );
        }
    }
    got.certified
}

#[test]
fn top_k_keeps_bounds_and_certificate_on_hand_made_graph() {
    let graph = MatchGraph::build(&hand_made(), &GraphConfig::default()).unwrap();
    let seed = [
        (NodeRef::Brand(BrandId(1)), 0.95),
        (NodeRef::Niche(NicheId(2)), 0.05),
    ];
    let mut certified = 0;
    for beta in [0.0, 0.5, 1.0] {
        // No floor, one between the creators' degrees, one above all of them.
        for floor in [0.0, 1.0, 100.0] {
            for k in [1, 2, 3] {
                let top = TopK {
                    k,
                    tolerance: 0.05,
                    degree_exponent: beta,
                    degree_floor: floor,
                    epsilon: 1e-9,
                };
                certified += usize::from(assert_top_k(&graph, &seed, 0.15, &top));
            }
        }
    }
    // Six reachable creators and a threshold of 1e-9: every rule settles.
    assert_eq!(certified, 27);
}

#[test]
fn top_k_certificate_holds_on_sparse_and_dense_markets() {
    for per_brand in [2.0, 60.0] {
        let market = generate(&SyntheticConfig {
            collaborations_per_brand: per_brand,
            ..SyntheticConfig::with_size(600, 60, 6, 5)
        })
        .unwrap();
        let graph = MatchGraph::build(&market.input, &GraphConfig::default()).unwrap();
        let mut certified = 0;
        let mut cases = 0;
        for brand in [1, 17, 33] {
            let seed = [(NodeRef::Brand(BrandId(brand)), 1.0)];
            for (beta, floor) in [(0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (0.375, 2.0), (1.0, 5.0)] {
                for (k, tolerance) in [(10, 0.1), (50, 0.02)] {
                    let top = TopK {
                        k,
                        tolerance,
                        degree_exponent: beta,
                        degree_floor: floor,
                        epsilon: 1e-7,
                    };
                    cases += 1;
                    certified += usize::from(assert_top_k(&graph, &seed, 0.15, &top));
                }
            }
        }
        assert!(
            certified * 2 >= cases,
            "{per_brand} collaborations per brand: {certified} of {cases} certified"
        );
    }
}

#[test]
fn top_k_stops_earlier_when_degree_corrected() {
    // At beta = 1 every bound is the residual per unit of degree, below the threshold, so the
    // certificate comes cheaply; raw PPR needs the residual mass itself to shrink.
    let market = generate(&SyntheticConfig::with_size(4_000, 250, 12, 3)).unwrap();
    let graph = MatchGraph::build(&market.input, &GraphConfig::default()).unwrap();
    let pushes = |beta| {
        let top = TopK {
            k: 50,
            tolerance: 0.1,
            degree_exponent: beta,
            degree_floor: 0.0,
            epsilon: 1e-7,
        };
        (1..=10)
            .map(|b| {
                let seed = [(NodeRef::Brand(BrandId(b)), 1.0)];
                let got = ppr_top_k(&graph, &seed, 0.15, &top, is_creator).unwrap();
                assert!(got.certified || beta < 1.0);
                got.pushes
            })
            .sum::<usize>()
    };
    let (raw, corrected) = (pushes(0.0), pushes(1.0));
    assert!(
        corrected * 2 < raw,
        "beta 1: {corrected} pushes, beta 0: {raw}"
    );
}

fn random_market() -> impl Strategy<Value = (GraphInput, u64, f64)> {
    let creators =
        prop::collection::vec(prop::collection::vec((0u64..6, 0.1f64..5.0), 0..4), 1..12);
    let collabs = prop::collection::vec((1u64..5, 0usize..12, 0.0f64..800.0, 0.0f64..1e5), 0..25);
    (creators, collabs, 1u64..5, 1e-5f64..0.05).prop_map(|(creators, collabs, seed, eps)| {
        let niches = (0..6)
            .map(|i| NicheInput {
                id: NicheId(i),
                parent: (i >= 2).then_some(NicheId(i % 2)),
            })
            .collect();
        let n = creators.len();
        let input = GraphInput {
            niches,
            brands: (1..5)
                .map(|b| BrandInput {
                    id: BrandId(b),
                    niches: vec![share(b % 6, 1.0)],
                })
                .collect(),
            creators: creators
                .into_iter()
                .enumerate()
                .map(|(i, s)| CreatorInput {
                    id: CreatorId(i as u64),
                    niches: s.into_iter().map(|(n, w)| share(n, w)).collect(),
                })
                .collect(),
            collaborations: collabs
                .into_iter()
                .map(|(b, c, age, gmv)| collab(b, (c % n) as u64, age, gmv))
                .collect(),
        };
        (input, seed, eps)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn push_within_bound_on_random_graphs((input, seed, eps) in random_market()) {
        let graph = MatchGraph::build(&input, &GraphConfig::default()).unwrap();
        assert_bound(&graph, &[(NodeRef::Brand(BrandId(seed)), 0.6), (NodeRef::Niche(NicheId(seed % 6)), 0.4)], 0.15, eps);
    }

    #[test]
    fn top_k_within_bounds_on_random_graphs(
        (input, seed, eps) in random_market(),
        k in 1usize..6,
        beta in 0.0f64..=1.0,
        floor in prop_oneof![Just(0.0f64), 0.0f64..5.0],
        tolerance in 0.01f64..0.5,
    ) {
        let graph = MatchGraph::build(&input, &GraphConfig::default()).unwrap();
        let top = TopK { k, tolerance, degree_exponent: beta, degree_floor: floor, epsilon: eps };
        assert_top_k(&graph, &[(NodeRef::Brand(BrandId(seed)), 1.0)], 0.15, &top);
    }
}
