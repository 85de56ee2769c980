//! Graph construction, memory accounting and the shared-snapshot update path.

use scoring::matching::synthetic::{SyntheticConfig, generate};
use scoring::matching::*;

#[test]
fn memory_is_sixteen_bytes_per_edge_plus_per_node_overhead() {
    let market = generate(&SyntheticConfig::with_size(20_000, 1_000, 60, 5)).unwrap();
    let graph = MatchGraph::build(&market.input, &GraphConfig::default()).unwrap();
    let (nodes, edges) = (graph.node_count(), graph.edge_count());
    let bytes = graph.memory_bytes();
    eprintln!("{nodes} nodes, {edges} edges, {bytes} bytes");
    assert!(
        bytes >= 16 * edges + 40 * nodes,
        "{bytes} bytes is below the stored arrays"
    );
    assert!(
        bytes <= 16 * edges + 100 * nodes,
        "{bytes} bytes: more than documented"
    );
    // Every creator has at least one niche edge, every collaboration pair one edge.
    assert!(edges >= market.input.creators.len());
}

#[test]
fn updates_grow_a_small_overlay_and_compact_when_told() {
    let market = generate(&SyntheticConfig::with_size(2_000, 100, 10, 5)).unwrap();
    let config = GraphConfig {
        compaction_threshold: 6,
        ..GraphConfig::default()
    };
    let graph = MatchGraph::build(&market.input, &config).unwrap();
    let shared = SharedGraph::new(graph.clone());
    let collab = |brand: u64, creator: u64| {
        GraphUpdate::AddCollaboration(CollaborationInput {
            brand: BrandId(brand),
            creator: CreatorId(creator),
            age_days: 0.0,
            gmv: 0.0,
        })
    };
    let w = |g: &MatchGraph| {
        g.neighbors(NodeRef::Brand(BrandId(1)))
            .unwrap()
            .into_iter()
            .find(|(n, _)| *n == NodeRef::Creator(CreatorId(1)))
            .map_or(0.0, |(_, w)| w)
    };
    let one = shared.update(&[collab(1, 1)]).unwrap();
    assert_eq!(one.overlay_len(), 2, "one edge touches its two ends only");
    let new_edge = usize::from(w(&graph) == 0.0);
    assert_eq!(one.edge_count(), graph.edge_count() + new_edge);
    assert!(
        (w(&one) - w(&graph) - 1.0).abs() < 1e-6,
        "a fresh collaboration without GMV adds 1"
    );
    assert!(!one.needs_compaction());
    let many = shared
        .update(&[collab(2, 2), collab(3, 3), collab(4, 4)])
        .unwrap();
    assert_eq!(many.overlay_len(), 0, "passing the threshold compacts");
    assert!((w(&many) - w(&one)).abs() < 1e-6);
    assert_eq!(shared.snapshot().edge_count(), many.edge_count());
}

#[test]
fn collaboration_weight_decays_and_grows_with_gmv() {
    let config = GraphConfig::default();
    let fresh = config.collaboration_weight(0.0, 0.0);
    assert!((fresh - 1.0).abs() < 1e-12);
    assert!((config.collaboration_weight(180.0, 0.0) - 0.5).abs() < 1e-12);
    assert!((config.collaboration_weight(0.0, 10_000.0) - (1.0 + 2f64.ln())).abs() < 1e-12);
    assert!(
        GraphConfig {
            gmv_reference: 0.0,
            ..config
        }
        .validate()
        .is_err()
    );
}
