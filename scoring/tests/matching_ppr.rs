//! Forward push against the power-iteration oracle: the stated error bound
//! `0 <= exact(v) - push(v) <= epsilon * W(v)` must hold on hand-made and random graphs,
//! before and after incremental updates and compaction.

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
}
