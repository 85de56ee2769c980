//! Offline evaluation: hide a share of collaborations, rank creators for every brand that
//! lost one, and measure how many hidden collaborators come back in the top K.
//!
//! Four rankings are compared on the same held-out split: ours ([`Method::Ours`], the full
//! blend over forward push), plain exact PPR by power iteration, niche cosine (brand and
//! creator niche vectors) and popularity in niche (followers among creators of the brand's
//! niches). Existing (kept) collaborators are excluded from every ranking, as in serving.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::config::MatchConfig;
use super::error::{MatchError, Result};
use super::fx::{FxHashMap, FxHashSet};
use super::graph::{MatchGraph, NodeRef};
use super::input::{BrandId, CollaborationInput, CreatorDirectory, CreatorId, GraphInput};
use super::ppr::power_iteration;
use super::query::MatchFilters;
use super::rank::{SeedContext, rank};

/// How to run an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalConfig {
    /// Share of brand-creator pairs hidden, in (0, 1). Default 0.2.
    pub hidden_share: f64,
    /// Cut-off of recall@K and nDCG@K. Default 50.
    pub k: usize,
    /// Seed of the split.
    pub seed: u64,
    /// Evaluate at most this many brands (those with the smallest ids). Default unlimited.
    pub max_queries: usize,
    /// L1 tolerance of the exact-PPR baseline. Default 1e-9.
    pub exact_tolerance: f64,
    /// Methods to run, reported in this order. Default [`Method::ALL`]; leaving out exact PPR
    /// (a power iteration over the whole graph per query) makes tuning runs much faster.
    pub methods: Vec<Method>,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            hidden_share: 0.2,
            k: 50,
            seed: 7,
            max_queries: usize::MAX,
            exact_tolerance: 1e-9,
            methods: Method::ALL.to_vec(),
        }
    }
}

/// A ranking method under evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Our blend over forward-push proximity.
    Ours,
    /// Raw exact PPR (power iteration), same restart distribution.
    ExactPpr,
    /// Cosine of brand and creator niche vectors.
    NicheCosine,
    /// Followers among creators sharing a niche with the brand.
    PopularityInNiche,
}

impl Method {
    /// Every method, ours first.
    pub const ALL: [Method; 4] = [
        Method::Ours,
        Method::ExactPpr,
        Method::NicheCosine,
        Method::PopularityInNiche,
    ];
}

/// Quality and latency of one method.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodReport {
    /// The method.
    pub method: Method,
    /// Mean recall@K over queries.
    pub recall_at_k: f64,
    /// Mean nDCG@K over queries.
    pub ndcg_at_k: f64,
    /// Mean GMV-weighted recall@K: the share of the hidden collaborations' GMV whose creator
    /// is in the top K, so rankings are judged on the value they would have recovered.
    pub gmv_recall_at_k: f64,
    /// Median collaborations (distinct brands in the kept graph) of the creators it ranked in
    /// the top K, over all queries: its degree profile, to compare with
    /// [`EvalReport::hidden_median_collaborations`].
    pub median_collaborations: f64,
    /// Wall time of each query, in query order.
    pub latencies: Vec<Duration>,
}

impl MethodReport {
    /// Latency quantile `q` in [0, 1] (nearest rank); zero if there were no queries.
    pub fn latency_quantile(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let i = ((q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).saturating_sub(1);
        sorted[i.min(sorted.len() - 1)]
    }
}

/// Result of an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// The cut-off K.
    pub k: usize,
    /// Number of brands evaluated.
    pub queries: usize,
    /// Median collaborations (distinct brands in the kept graph) of the hidden collaborators:
    /// the degree profile a ranking should reproduce.
    pub hidden_median_collaborations: f64,
    /// One report per method, in [`EvalConfig::methods`] order.
    pub methods: Vec<MethodReport>,
}

impl EvalReport {
    /// The report of one method.
    pub fn method(&self, method: Method) -> Option<&MethodReport> {
        self.methods.iter().find(|m| m.method == method)
    }
}

/// Splits collaborations into (kept, hidden) by brand-creator pair, so a hidden pair leaves no
/// trace in the graph. Deterministic for a seed.
pub fn split_collaborations(
    collaborations: &[CollaborationInput],
    hidden_share: f64,
    seed: u64,
) -> Result<(Vec<CollaborationInput>, Vec<CollaborationInput>)> {
    if !(hidden_share > 0.0 && hidden_share < 1.0) {
        return Err(MatchError::InvalidInput(format!(
            "hidden_share must be within (0, 1), got {hidden_share}"
        )));
    }
    let mut pairs: Vec<(BrandId, CreatorId)> = collaborations
        .iter()
        .map(|c| (c.brand, c.creator))
        .collect::<FxHashSet<_>>()
        .into_iter()
        .collect();
    pairs.sort();
    pairs.shuffle(&mut StdRng::seed_from_u64(seed));
    let hidden_count = (pairs.len() as f64 * hidden_share).round() as usize;
    let hidden: FxHashSet<_> = pairs[..hidden_count].iter().copied().collect();
    Ok(collaborations
        .iter()
        .partition(|c| !hidden.contains(&(c.brand, c.creator))))
}

/// Share of `relevant` found in the first `k` of `ranked`.
pub fn recall_at_k(ranked: &[CreatorId], relevant: &HashSet<CreatorId>, k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let hits = ranked
        .iter()
        .take(k)
        .filter(|c| relevant.contains(c))
        .count();
    hits as f64 / relevant.len() as f64
}

/// Share of the GMV of `relevant` (creator, GMV) found in the first `k` of `ranked`; 0 when the
/// hidden collaborations produced no GMV.
pub fn gmv_recall_at_k(ranked: &[CreatorId], relevant: &HashMap<CreatorId, f64>, k: usize) -> f64 {
    let total: f64 = relevant.values().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let found: f64 = ranked.iter().take(k).filter_map(|c| relevant.get(c)).sum();
    found / total
}

/// Normalised discounted cumulative gain of the first `k` of `ranked` (binary relevance).
pub fn ndcg_at_k(ranked: &[CreatorId], relevant: &HashSet<CreatorId>, k: usize) -> f64 {
    let gain = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, c)| relevant.contains(c))
        .map(|(i, _)| gain(i))
        .sum();
    let ideal: f64 = (0..relevant.len().min(k)).map(gain).sum();
    if ideal > 0.0 { dcg / ideal } else { 0.0 }
}

/// Top `k` creators by descending score, ties by ascending id.
fn top_k(mut scored: Vec<(CreatorId, f64)>, k: usize) -> Vec<CreatorId> {
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().take(k).map(|(c, _)| c).collect()
}

/// A creator's node, id and niche vector (niche node, edge weight).
type CreatorNiches = (u32, CreatorId, Vec<(u32, f64)>);

/// Per-creator niche vectors, for the niche baselines, and collaboration counts, for the
/// degree profiles.
struct NicheVectors {
    creators: Vec<CreatorNiches>,
    collaborations: FxHashMap<CreatorId, usize>,
}

impl NicheVectors {
    fn new(graph: &MatchGraph) -> Self {
        let mut collaborations = FxHashMap::default();
        let creators = (0..graph.node_count() as u32)
            .filter_map(|u| match graph.node(u) {
                NodeRef::Creator(id) => {
                    let mut niches = Vec::new();
                    let mut brands = 0;
                    graph.for_each_neighbor(u, |v, w| match graph.node(v) {
                        NodeRef::Niche(_) => niches.push((v, f64::from(w))),
                        NodeRef::Brand(_) => brands += 1,
                        NodeRef::Creator(_) => {}
                    });
                    collaborations.insert(id, brands);
                    Some((u, id, niches))
                }
                _ => None,
            })
            .collect();
        Self {
            creators,
            collaborations,
        }
    }

    /// Median collaboration count of `creators` (0 if empty).
    fn median_collaborations(&self, creators: impl Iterator<Item = CreatorId>) -> f64 {
        let mut counts: Vec<usize> = creators
            .map(|c| self.collaborations.get(&c).copied().unwrap_or(0))
            .collect();
        if counts.is_empty() {
            return 0.0;
        }
        counts.sort_unstable();
        let mid = counts.len() / 2;
        if counts.len().is_multiple_of(2) {
            (counts[mid - 1] + counts[mid]) as f64 / 2.0
        } else {
            counts[mid] as f64
        }
    }
}

/// Hides `hidden_share` of the collaborations, rebuilds the graph from the rest, and ranks
/// creators for every brand that lost at least one collaborator, with each [`Method`].
///
/// For directories that do not depend on collaborations (such as the synthetic one). When
/// profiles count collaborations (delivery records), a hidden one would leak through them:
/// split with [`split_collaborations`], take the hidden ones out of the profiles and call
/// [`evaluate_held_out`].
pub fn evaluate(
    input: &GraphInput,
    directory: &dyn CreatorDirectory,
    config: &MatchConfig,
    eval: &EvalConfig,
) -> Result<EvalReport> {
    let (kept, hidden) = split_collaborations(&input.collaborations, eval.hidden_share, eval.seed)?;
    let kept_input = GraphInput {
        collaborations: kept,
        ..input.clone()
    };
    evaluate_held_out(&kept_input, &hidden, directory, config, eval)
}

/// Ranks creators for every brand with a collaborator in `hidden`, on the graph of `kept`
/// (whose collaborations are the kept ones), with each [`Method`]; `directory` must describe
/// creators without the hidden collaborations. `eval.hidden_share` and `eval.seed` are not
/// used (the split is given).
pub fn evaluate_held_out(
    kept: &GraphInput,
    hidden: &[CollaborationInput],
    directory: &dyn CreatorDirectory,
    config: &MatchConfig,
    eval: &EvalConfig,
) -> Result<EvalReport> {
    config.validate()?;
    if eval.k == 0 {
        return Err(MatchError::InvalidInput("k must be > 0".into()));
    }
    let graph = MatchGraph::build(kept, &config.graph)?;
    let mut relevant: FxHashMap<BrandId, HashMap<CreatorId, f64>> = FxHashMap::default();
    for c in hidden {
        *relevant
            .entry(c.brand)
            .or_default()
            .entry(c.creator)
            .or_insert(0.0) += c.gmv.max(0.0);
    }
    let mut queries: Vec<(BrandId, HashMap<CreatorId, f64>)> = relevant.into_iter().collect();
    queries.sort_by_key(|(b, _)| *b);
    queries.truncate(eval.max_queries);

    let vectors = NicheVectors::new(&graph);
    let k = eval.k;
    let mut rows: Vec<MethodReport> = eval
        .methods
        .iter()
        .map(|&method| MethodReport {
            method,
            recall_at_k: 0.0,
            ndcg_at_k: 0.0,
            gmv_recall_at_k: 0.0,
            median_collaborations: 0.0,
            latencies: Vec::with_capacity(queries.len()),
        })
        .collect();
    let mut picked: Vec<Vec<CreatorId>> = vec![Vec::new(); rows.len()];
    for (brand, gmv) in &queries {
        let relevant: HashSet<CreatorId> = gmv.keys().copied().collect();
        let relevant = &relevant;
        let seed_node = NodeRef::Brand(*brand);
        let seed = SeedContext::new(&graph, seed_node)?;
        let existing: FxHashSet<u32> = {
            let mut set = FxHashSet::default();
            graph.for_each_neighbor(seed.idx, |v, _| {
                set.insert(v);
            });
            set
        };
        for (row, picked) in rows.iter_mut().zip(&mut picked) {
            let started = Instant::now();
            let ranked: Vec<CreatorId> = match row.method {
                Method::Ours => {
                    let ranking = rank(
                        &graph,
                        directory,
                        seed_node,
                        &MatchFilters::default(),
                        false,
                        config,
                    )?;
                    ranking.ranked.iter().take(k).map(|s| s.creator).collect()
                }
                Method::ExactPpr => {
                    let x = power_iteration(
                        &graph,
                        &seed.restart(config.ppr.niche_restart_share),
                        config.ppr.alpha,
                        eval.exact_tolerance,
                    );
                    let scored = vectors
                        .creators
                        .iter()
                        .filter(|(u, _, _)| x[*u as usize] > 0.0 && !existing.contains(u))
                        .map(|(u, id, _)| (*id, x[*u as usize]))
                        .collect();
                    top_k(scored, k)
                }
                Method::NicheCosine => {
                    let scored = vectors
                        .creators
                        .iter()
                        .filter(|(u, _, _)| !existing.contains(u))
                        .filter_map(|(_, id, niches)| {
                            let cosine = seed.niche_cosine(niches);
                            (cosine > 0.0).then_some((*id, cosine))
                        })
                        .collect();
                    top_k(scored, k)
                }
                Method::PopularityInNiche => {
                    let scored = vectors
                        .creators
                        .iter()
                        .filter(|(u, _, niches)| {
                            !existing.contains(u)
                                && niches
                                    .iter()
                                    .any(|(n, _)| seed.niches.iter().any(|(s, _)| s == n))
                        })
                        .map(|(_, id, _)| {
                            let fans = directory.profile(*id).map_or(0, |p| p.followers);
                            (*id, fans as f64)
                        })
                        .collect();
                    top_k(scored, k)
                }
            };
            row.latencies.push(started.elapsed());
            row.recall_at_k += recall_at_k(&ranked, relevant, k);
            row.ndcg_at_k += ndcg_at_k(&ranked, relevant, k);
            row.gmv_recall_at_k += gmv_recall_at_k(&ranked, gmv, k);
            picked.extend(ranked);
        }
    }
    let n = queries.len().max(1) as f64;
    for (row, picked) in rows.iter_mut().zip(picked) {
        row.recall_at_k /= n;
        row.ndcg_at_k /= n;
        row.gmv_recall_at_k /= n;
        row.median_collaborations = vectors.median_collaborations(picked.into_iter());
    }
    Ok(EvalReport {
        k,
        queries: queries.len(),
        hidden_median_collaborations: vectors
            .median_collaborations(queries.iter().flat_map(|(_, gmv)| gmv.keys().copied())),
        methods: rows,
    })
}
