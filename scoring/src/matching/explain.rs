//! Explanations: a result's strongest paths from the seed, in nodes and in words.
//!
//! PPR satisfies `p(c) = alpha * restart(c) + (1 - alpha) * sum_v p(v) * w(v, c) / W(v)`, so
//! each neighbour `v` of a creator contributes a known share of its score. The strongest
//! paths take the neighbours with the largest contributions and walk back from each, one
//! strongest predecessor at a time, until they reach the seed or one of its niches.
//!
//! The words name only what the reader may see: every brand name comes from [`Names`], which
//! hides other tenants' brands (see [`super::audience`]), and a step through a hidden brand is
//! told without naming or counting its partners.

use super::config::MatchConfig;
use super::fx::FxHashSet;
use super::graph::{MatchGraph, NodeRef};
use super::input::{BrandId, CreatorId, Names, NicheId};
use super::query::PathExplanation;
use super::rank::Ranking;

/// Longest path explained, in nodes.
const MAX_PATH_NODES: usize = 5;

/// Builds explanations for the results of one ranking.
pub(crate) struct Explainer<'a> {
    graph: &'a MatchGraph,
    names: &'a dyn Names,
    ranking: &'a Ranking,
    alpha: f64,
    creator_niche_weight: f64,
    /// Neighbours of the seed that are brands or creators (its collaborations).
    seed_partners: FxHashSet<u32>,
}

impl<'a> Explainer<'a> {
    pub(crate) fn new(
        graph: &'a MatchGraph,
        names: &'a dyn Names,
        ranking: &'a Ranking,
        config: &MatchConfig,
    ) -> Self {
        let mut seed_partners = FxHashSet::default();
        graph.for_each_neighbor(ranking.seed.idx, |v, _| {
            if !matches!(graph.node(v), NodeRef::Niche(_)) {
                seed_partners.insert(v);
            }
        });
        Self {
            graph,
            names,
            ranking,
            alpha: config.ppr.alpha,
            creator_niche_weight: graph.config().creator_niche_weight,
            seed_partners,
        }
    }

    /// Score flowing from `u` into its neighbour along an edge of weight `w`.
    fn inflow(&self, u: u32, w: f32) -> f64 {
        match self.ranking.push.get(u) {
            Some(s) if s.p > 0.0 && s.wdeg > 0.0 => {
                (1.0 - self.alpha) * s.p * f64::from(w) / s.wdeg
            }
            _ => 0.0,
        }
    }

    /// Neighbours of `node` by the score they send it, strongest first.
    fn predecessors(&self, node: u32, exclude: &[u32]) -> Vec<(u32, f64)> {
        let mut preds = Vec::new();
        self.graph.for_each_neighbor(node, |u, w| {
            let flow = self.inflow(u, w);
            if flow > 0.0 && !exclude.contains(&u) {
                preds.push((u, flow));
            }
        });
        preds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        preds
    }

    fn is_seed_side(&self, u: u32) -> bool {
        u == self.ranking.seed.idx || self.ranking.seed.niches.iter().any(|(n, _)| *n == u)
    }

    /// Up to `count` strongest paths to the creator at `cand`, strongest first.
    pub(crate) fn paths(&self, cand: u32, count: usize) -> Vec<PathExplanation> {
        let total = self.ranking.push.score(cand);
        self.predecessors(cand, &[])
            .into_iter()
            .take(count)
            .map(|(last, flow)| {
                let mut path = vec![cand, last];
                while !self.is_seed_side(path[path.len() - 1]) && path.len() < MAX_PATH_NODES {
                    let here = path[path.len() - 1];
                    match self.predecessors(here, &path).first() {
                        Some(&(u, _)) => path.push(u),
                        None => break,
                    }
                }
                path.reverse();
                let text = self.text(&path);
                PathExplanation {
                    nodes: path.iter().map(|&u| self.graph.node(u)).collect(),
                    strength: if total > 0.0 {
                        (flow / total).min(1.0)
                    } else {
                        0.0
                    },
                    text,
                }
            })
            .collect()
    }

    fn niche_name(&self, id: NicheId) -> String {
        self.names
            .niche(id)
            .map_or_else(|| format!("niche #{}", id.0), str::to_string)
    }

    fn creator_name(&self, id: CreatorId) -> String {
        self.names
            .creator(id)
            .map_or_else(|| format!("creator #{}", id.0), str::to_string)
    }

    /// How the seed is addressed: ("you", "your") for a brand, its name for a creator.
    fn voice(&self) -> (String, String) {
        match self.ranking.seed.node {
            NodeRef::Creator(id) => {
                let name = self.creator_name(id);
                (name.clone(), format!("{name}'s"))
            }
            _ => ("you".to_string(), "your".to_string()),
        }
    }

    /// A seed niche related to `id` through the taxonomy: (seed niche, relation).
    fn related_seed_niche(&self, id: NicheId) -> Option<(NicheId, &'static str)> {
        let parent = self.graph.niche_parent(id);
        self.ranking.seed.niches.iter().find_map(|&(n, _)| {
            let NodeRef::Niche(seed_niche) = self.graph.node(n) else {
                return None;
            };
            let seed_parent = self.graph.niche_parent(seed_niche);
            if parent == Some(seed_niche) {
                Some((seed_niche, "part of"))
            } else if parent.is_some() && parent == seed_parent {
                Some((seed_niche, "a sibling of"))
            } else if seed_parent == Some(id) {
                Some((seed_niche, "the parent of"))
            } else {
                None
            }
        })
    }

    /// The path in words, from its last step (the one that reaches the creator).
    fn text(&self, path: &[u32]) -> String {
        let (subject, possessive) = self.voice();
        let n = path.len();
        let cand = path[n - 1];
        let Some(&last) = path.get(n.wrapping_sub(2)) else {
            return format!("close to {subject} in the graph");
        };
        match self.graph.node(last) {
            NodeRef::Niche(id) => {
                let pct = 100.0 * self.graph.weight_between(cand, last) / self.creator_niche_weight;
                let name = self.niche_name(id);
                if self.ranking.seed.niches.iter().any(|(s, _)| *s == last) {
                    format!("shares {possessive} niche {name} ({pct:.0}% of its videos)")
                } else if let Some((seed_niche, relation)) = self.related_seed_niche(id) {
                    format!(
                        "works in {name} ({pct:.0}% of its videos), {relation} {possessive} niche {}",
                        self.niche_name(seed_niche)
                    )
                } else {
                    format!(
                        "works in {name} ({pct:.0}% of its videos), linked to {possessive} network"
                    )
                }
            }
            NodeRef::Brand(_) if last == self.ranking.seed.idx => {
                "already worked with you".to_string()
            }
            NodeRef::Brand(id) => self.brand_text(last, id, &subject, &possessive),
            NodeRef::Creator(id) => format!("close to {subject} through {}", self.creator_name(id)),
        }
    }

    /// The step through another brand `id`. A reader who may see the brand gets its name
    /// and what it shares with the seed; anyone else gets the same kind of link in words that
    /// name and count nothing behind the brand (its partners are its own business).
    fn brand_text(&self, brand: u32, id: BrandId, subject: &str, possessive: &str) -> String {
        let mut shared_creators = 0usize;
        let mut shared_niche = None;
        self.graph.for_each_neighbor(brand, |v, _| {
            if self.seed_partners.contains(&v) && matches!(self.graph.node(v), NodeRef::Creator(_))
            {
                shared_creators += 1;
            }
            if shared_niche.is_none() && self.ranking.seed.niches.iter().any(|(s, _)| *s == v) {
                shared_niche = Some(v);
            }
        });
        let shared_niche = shared_niche.and_then(|v| match self.graph.node(v) {
            NodeRef::Niche(n) => Some(self.niche_name(n)),
            _ => None,
        });
        let worked_with_seed = self.seed_partners.contains(&brand);
        let Some(name) = self.names.brand(id) else {
            return if worked_with_seed {
                // Not even that the seed was hired: its partners are not the reader's.
                format!("close to {subject} in the marketplace graph")
            } else if shared_creators > 0 {
                format!("close to creators {subject} worked with")
            } else if let Some(niche) = shared_niche {
                format!("popular with brands in {possessive} niche {niche}")
            } else {
                format!("close to {subject} through other brands' collaborations")
            };
        };
        if worked_with_seed {
            format!("worked with {name}, as {subject} did")
        } else if shared_creators > 0 {
            let plural = if shared_creators == 1 { "" } else { "s" };
            format!(
                "worked with {name}, which shares {shared_creators} creator{plural} with {subject}"
            )
        } else if let Some(niche) = shared_niche {
            format!("worked with {name}, which also sells in {possessive} niche {niche}")
        } else {
            format!("worked with {name}, a brand close to {subject} in the graph")
        }
    }
}
