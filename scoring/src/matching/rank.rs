//! Ranking: proximity from the seed blended with niche focus and creator attributes,
//! filtered, excluded, ordered and paginated.

use super::config::MatchConfig;
use super::error::{MatchError, Result};
use super::explain::Explainer;
use super::graph::{MatchGraph, NodeRef, unknown};
use super::input::{CreatorDirectory, CreatorId, CreatorProfile, Names, NicheId};
use super::ppr::{Correction, Push, Ranked, corrected, push};
use super::query::{
    Component, CreatorMatch, LookalikeQuery, MatchFilters, MatchPage, MatchQuery, PageRequest,
    PageStart, ScoreComponent,
};

/// The seed of a query, resolved against the graph.
#[derive(Debug)]
pub(crate) struct SeedContext {
    /// The seed node (brand or creator).
    pub node: NodeRef,
    /// Its internal index.
    pub idx: u32,
    /// Its niches with their normalised weights.
    pub niches: Vec<(u32, f64)>,
    /// Euclidean norm of `niches`' weights.
    niche_norm: f64,
    /// Its collaborations (brand-creator edges): how much graph evidence it has.
    pub collaborations: usize,
    /// Median weighted degree of its collaborators (0 without any): the degree of what it
    /// hires (a brand) or of itself (a creator seed), the reference of the degree correction.
    pub reference_degree: f64,
}

impl SeedContext {
    pub(crate) fn new(graph: &MatchGraph, node: NodeRef) -> Result<Self> {
        let idx = graph.index_of(node).ok_or_else(|| unknown(node))?;
        let mut niches = Vec::new();
        let mut collaborations = 0;
        let mut degrees = Vec::new();
        graph.for_each_neighbor(idx, |v, w| match graph.node(v) {
            NodeRef::Niche(_) => niches.push((v, f64::from(w))),
            NodeRef::Creator(_) => {
                collaborations += 1;
                degrees.push(graph.wdeg(v));
            }
            NodeRef::Brand(_) => collaborations += 1,
        });
        let reference_degree = match node {
            NodeRef::Creator(_) => graph.wdeg(idx),
            _ => median(&mut degrees),
        };
        let total: f64 = niches.iter().map(|(_, w)| w).sum();
        for entry in &mut niches {
            entry.1 /= total;
        }
        let niche_norm = niches.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        Ok(Self {
            node,
            idx,
            niches,
            niche_norm,
            collaborations,
            reference_degree,
        })
    }

    /// Cosine of the seed's niche vector and a creator's (niche node, weight) vector, in
    /// [0, 1]; 0 when either has no niches.
    pub(crate) fn niche_cosine(&self, creator: &[(u32, f64)]) -> f64 {
        let dot: f64 = creator
            .iter()
            .filter_map(|(n, w)| self.niches.iter().find(|(s, _)| s == n).map(|(_, b)| w * b))
            .sum();
        let norm = creator.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if dot > 0.0 {
            (dot / (norm * self.niche_norm)).min(1.0)
        } else {
            0.0
        }
    }

    /// Share of the proximity weight the seed's graph evidence earns: `n / (n + n0)` for `n`
    /// collaborations (1 when `n0` is 0); the rest moves to niche focus.
    pub(crate) fn graph_share(&self, n0: f64) -> f64 {
        let n = self.collaborations as f64;
        if n0 > 0.0 { n / (n + n0) } else { 1.0 }
    }

    /// Restart distribution: the seed, plus `niche_share` of the mass over its niches.
    pub(crate) fn restart(&self, niche_share: f64) -> Vec<(u32, f64)> {
        let share = if self.niches.is_empty() {
            0.0
        } else {
            niche_share
        };
        let mut out = vec![(self.idx, 1.0 - share)];
        out.extend(self.niches.iter().map(|&(n, w)| (n, share * w)));
        out.retain(|(_, m)| *m > 0.0);
        out
    }
}

/// Median of `xs` (0 if empty).
fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_unstable_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len().is_multiple_of(2) {
        0.5 * (xs[mid - 1] + xs[mid])
    } else {
        xs[mid]
    }
}

/// The degree correction of a query: `ppr.degree_exponent` over degrees above
/// `ppr.degree_reference` times the seed's reference degree.
pub(crate) fn correction_of(seed: &SeedContext, config: &MatchConfig) -> Correction {
    Correction {
        beta: config.ppr.degree_exponent,
        floor: config.ppr.degree_reference * seed.reference_degree,
    }
}

/// Niche cosine of the seed and creator `u`, its niche edges gathered in `buf`.
fn niche_cosine_of(
    graph: &MatchGraph,
    seed: &SeedContext,
    u: u32,
    buf: &mut Vec<(u32, f64)>,
) -> f64 {
    buf.clear();
    graph.for_each_neighbor(u, |v, w| {
        if matches!(graph.node(v), NodeRef::Niche(_)) {
            buf.push((v, f64::from(w)));
        }
    });
    seed.niche_cosine(buf)
}

/// A scored candidate.
#[derive(Debug, Clone)]
pub(crate) struct Scored {
    pub idx: u32,
    pub creator: CreatorId,
    pub score: f64,
    pub values: [f64; 6],
    /// Which values are measured rather than stand-ins for missing data.
    pub measured: [bool; 6],
    pub confidence: f64,
    pub existing: bool,
}

/// Every eligible creator of a query, best first, with the push behind them.
#[derive(Debug)]
pub(crate) struct Ranking {
    pub seed: SeedContext,
    pub push: Push,
    pub ranked: Vec<Scored>,
    /// The blend weights of this query (normalised, graph evidence shifted to niche focus
    /// for a thin seed), in [`Component::ALL`] order.
    pub weights: [f64; 6],
}

fn passes(graph: &MatchGraph, idx: u32, p: &CreatorProfile, f: &MatchFilters) -> bool {
    if !f.markets.is_empty() && !f.markets.contains(&p.market) {
        return false;
    }
    if f.min_followers.is_some_and(|m| p.followers < m)
        || f.max_followers.is_some_and(|m| p.followers > m)
        || (f.ecommerce_only && !p.ecommerce)
        || f.max_recent_violations
            .is_some_and(|m| p.recent_violations > m)
    {
        return false;
    }
    if let Some(min) = f.min_content_score
        && p.content_score.is_none_or(|s| s < min)
    {
        return false;
    }
    if f.niches.is_empty() {
        return true;
    }
    let wanted = |id: NicheId| {
        f.niches.contains(&id)
            || graph
                .niche_parent(id)
                .is_some_and(|p| f.niches.contains(&p))
    };
    let mut found = false;
    graph.for_each_neighbor(idx, |v, _| {
        if let NodeRef::Niche(id) = graph.node(v) {
            found |= wanted(id);
        }
    });
    found
}

fn check_filters(f: &MatchFilters) -> Result<()> {
    if let (Some(lo), Some(hi)) = (f.min_followers, f.max_followers)
        && lo > hi
    {
        return Err(MatchError::InvalidInput(format!(
            "min_followers {lo} is above max_followers {hi}"
        )));
    }
    if f.min_content_score.is_some_and(|s| !s.is_finite()) {
        return Err(MatchError::InvalidInput(
            "min_content_score must be finite".into(),
        ));
    }
    Ok(())
}

/// A creator's component values other than proximity and niche focus (content, LTV,
/// P(active), reliability), which of them are measured rather than stand-ins, and the data
/// completeness behind them.
struct Attributes {
    values: [f64; 4],
    measured: [bool; 4],
    completeness: f64,
}

fn attribute_values(p: &CreatorProfile, config: &MatchConfig) -> Attributes {
    let r = &config.rank;
    let unit = |x: Option<f64>| x.filter(|v| v.is_finite()).map(|v| v.clamp(0.0, 1.0));
    let content = unit(p.content_score.map(|s| s / 100.0));
    let ltv = p
        .ltv
        .filter(|v| v.is_finite())
        .map(|v| v.max(0.0) / (v.max(0.0) + r.ltv_reference));
    let active = unit(p.p_active);
    let total = f64::from(p.collaborations_total);
    let delivered = f64::from(p.collaborations_delivered.min(p.collaborations_total));
    let k = r.reliability_prior_strength;
    let reliability = if total + k > 0.0 {
        (delivered + r.reliability_prior_mean * k) / (total + k)
    } else {
        r.reliability_prior_mean
    };
    let measured = [
        content.is_some(),
        ltv.is_some(),
        active.is_some(),
        p.collaborations_total > 0,
    ];
    let known = measured[..3].iter().filter(|&&m| m).count() as f64;
    let history = total / (total + k.max(1.0));
    let or_missing = |x: Option<f64>| x.unwrap_or(r.missing_value);
    Attributes {
        values: [
            or_missing(content),
            or_missing(ltv),
            or_missing(active),
            reliability,
        ],
        measured,
        completeness: (known + history) / 4.0,
    }
}

/// The blend weights of a query, normalised: `weights.proximity` times the seed's graph share
/// stays on proximity, the rest joins niche focus.
fn query_weights(seed: &SeedContext, config: &MatchConfig) -> [f64; 6] {
    let mut weights = config.weights.as_array();
    let graph_share = seed.graph_share(config.rank.niche_prior_collaborations);
    weights[1] += weights[0] * (1.0 - graph_share);
    weights[0] *= graph_share;
    let sum: f64 = weights.iter().sum();
    weights.map(|w| w / sum)
}

/// Scores every creator the push reached from `seed`, and every member of the seed's niches,
/// filters and orders them.
pub(crate) fn rank(
    graph: &MatchGraph,
    directory: &dyn CreatorDirectory,
    seed_node: NodeRef,
    filters: &MatchFilters,
    include_existing: bool,
    config: &MatchConfig,
) -> Result<Ranking> {
    config.validate()?;
    check_filters(filters)?;
    let ppr = &config.ppr;
    let seed = SeedContext::new(graph, seed_node)?;
    let is_brand_seed = matches!(seed_node, NodeRef::Brand(_));
    let existing = |u: u32| is_brand_seed && graph.weight_between(seed.idx, u) > 0.0;
    // A creator this query may return, with its profile.
    let eligible = |u: u32| -> Option<(CreatorId, &CreatorProfile)> {
        let NodeRef::Creator(id) = graph.node(u) else {
            return None;
        };
        if u == seed.idx || (!include_existing && existing(u)) {
            return None;
        }
        let profile = directory.profile(id)?;
        passes(graph, u, profile, filters).then_some((id, profile))
    };
    let candidate = |u: u32| eligible(u).is_some();
    let correction = correction_of(&seed, config);
    let push = push(
        graph,
        &seed.restart(ppr.niche_restart_share),
        ppr.alpha,
        ppr.epsilon,
        ppr.max_pushes,
        Some(&Ranked {
            k: ppr.top_k,
            tolerance: ppr.top_k_tolerance,
            correction,
            candidate: &candidate,
        }),
    );
    let weights = query_weights(&seed, config);
    // Reached creators, then members of the seed's niches the push did not reach (niche
    // evidence alone), once each.
    let mut members: Vec<u32> = Vec::new();
    if weights[1] > 0.0 {
        for &(n, _) in &seed.niches {
            graph.for_each_neighbor(n, |v, _| {
                if matches!(graph.node(v), NodeRef::Creator(_)) && push.get(v).is_none() {
                    members.push(v);
                }
            });
        }
        members.sort_unstable();
        members.dedup();
    }
    let candidates = push
        .reached
        .iter()
        .map(|&(u, slot)| (u, slot.p))
        .chain(members.iter().map(|&u| (u, 0.0)));
    // Proximity is relative to the best creator before filters, so a filter never changes a
    // creator's score.
    let best = push
        .reached
        .iter()
        .filter(|(u, _)| {
            matches!(graph.node(*u), NodeRef::Creator(_))
                && *u != seed.idx
                && (include_existing || !existing(*u))
        })
        .map(|(_, slot)| corrected(slot.p, slot.wdeg, correction))
        .fold(0.0, f64::max);
    let residual = push.residual;
    let mut niches = Vec::new();
    let mut ranked = Vec::new();
    for (u, p) in candidates {
        let Some((creator, profile)) = eligible(u) else {
            continue;
        };
        let wdeg = graph.wdeg(u);
        // Niche focus needs every edge of the creator (hundreds for a hub); without weight it
        // is filled in for the returned page only (`to_page`).
        let niche_focus = if weights[1] > 0.0 {
            niche_cosine_of(graph, &seed, u, &mut niches)
        } else {
            0.0
        };
        let Attributes {
            values: [content, ltv, active, reliability],
            measured: [content_known, ltv_known, active_known, history_known],
            completeness,
        } = attribute_values(profile, config);
        let values = [
            if best > 0.0 {
                (corrected(p, wdeg, correction) / best).powf(config.rank.proximity_exponent)
            } else {
                0.0
            },
            niche_focus,
            content,
            ltv,
            active,
            reliability,
        ];
        let score = values.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>();
        let certainty = if p > 0.0 {
            p / (p + residual.raw_bound(wdeg))
        } else {
            0.0
        };
        ranked.push(Scored {
            idx: u,
            creator,
            score,
            values,
            measured: [
                true,
                true,
                content_known,
                ltv_known,
                active_known,
                history_known,
            ],
            confidence: 0.5 * certainty + 0.5 * completeness,
            existing: existing(u),
        });
    }
    // Creator ids are unique, so the order is total and an unstable sort gives the same order.
    ranked.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.creator.cmp(&b.creator)));
    Ok(Ranking {
        seed,
        push,
        ranked,
        weights,
    })
}

fn page_bounds(ranked: &[Scored], page: &PageRequest, max: usize) -> Result<(usize, usize)> {
    if page.size == 0 || page.size > max {
        return Err(MatchError::InvalidPage(format!(
            "page size must be within 1..={max}, got {}",
            page.size
        )));
    }
    let start = match page.start {
        PageStart::Offset(o) => o.min(ranked.len()),
        PageStart::After(cursor) => {
            ranked.partition_point(|s| !cursor.precedes(s.score, s.creator))
        }
    };
    Ok((start, (start + page.size).min(ranked.len())))
}

/// A scored candidate's component values, niche focus filled in when it had no weight.
fn values_of(
    graph: &MatchGraph,
    ranking: &Ranking,
    s: &Scored,
    niches: &mut Vec<(u32, f64)>,
) -> [f64; 6] {
    let mut values = s.values;
    if ranking.weights[1] <= 0.0 {
        values[1] = niche_cosine_of(graph, &ranking.seed, s.idx, niches);
    }
    values
}

fn to_page(
    graph: &MatchGraph,
    names: &dyn Names,
    ranking: &Ranking,
    page: &PageRequest,
    config: &MatchConfig,
) -> Result<MatchPage> {
    let (start, end) = page_bounds(&ranking.ranked, page, config.rank.max_page_size)?;
    let explainer = Explainer::new(graph, names, ranking, config);
    let mut niches = Vec::new();
    let items: Vec<CreatorMatch> = ranking.ranked[start..end]
        .iter()
        .map(|s| CreatorMatch {
            creator: s.creator,
            score: s.score,
            components: Component::ALL
                .iter()
                .zip(values_of(graph, ranking, s, &mut niches))
                .zip(ranking.weights.iter().zip(s.measured))
                .map(|((&component, value), (&weight, measured))| {
                    let contribution = weight * value;
                    ScoreComponent {
                        component,
                        value,
                        measured,
                        weight,
                        contribution,
                        share: if s.score > 0.0 {
                            contribution / s.score
                        } else {
                            0.0
                        },
                    }
                })
                .collect(),
            confidence: s.confidence,
            paths: explainer.paths(s.idx, config.rank.paths_per_result),
            existing_collaborator: s.existing,
        })
        .collect();
    let next_cursor = (end < ranking.ranked.len())
        .then(|| items.last())
        .flatten()
        .map(|last| super::query::Cursor {
            score: last.score,
            creator: last.creator,
        });
    Ok(MatchPage {
        items,
        total: ranking.ranked.len(),
        next_cursor,
        pushes: ranking.push.pushes,
        converged: ranking.push.converged,
        certified: ranking.push.certified,
    })
}

/// Ranks creators for a brand: the closest niche creators in the graph, blended with their
/// attributes, filtered, explained, one page at a time.
pub fn match_creators(
    graph: &MatchGraph,
    directory: &dyn CreatorDirectory,
    names: &dyn Names,
    query: &MatchQuery,
    config: &MatchConfig,
) -> Result<MatchPage> {
    let ranking = rank(
        graph,
        directory,
        NodeRef::Brand(query.brand),
        &query.filters,
        query.include_existing,
        config,
    )?;
    to_page(graph, names, &ranking, &query.page, config)
}

/// Ranks creators like a given creator: the same machinery seeded from the creator and its
/// niches (the seed itself is never returned).
pub fn lookalike_creators(
    graph: &MatchGraph,
    directory: &dyn CreatorDirectory,
    names: &dyn Names,
    query: &LookalikeQuery,
    config: &MatchConfig,
) -> Result<MatchPage> {
    let ranking = rank(
        graph,
        directory,
        NodeRef::Creator(query.creator),
        &query.filters,
        true,
        config,
    )?;
    to_page(graph, names, &ranking, &query.page, config)
}
