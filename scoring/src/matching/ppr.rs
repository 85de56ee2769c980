//! Personalised PageRank: local forward push for queries, power iteration as the oracle.
//!
//! The walk: at a node `u` it restarts with probability `alpha` (to the restart distribution),
//! otherwise it follows an edge with probability `w(u, v) / W(u)` (`W` = weighted degree); a
//! node without edges keeps its mass. The PPR score of a node is the walk's long-run share of
//! time there.
//!
//! Forward push (Andersen, Chung, Lang 2006) keeps an estimate `p` and a residual `r`; pushing
//! `u` moves `alpha * r(u)` into `p(u)` and spreads the rest over its neighbours. It stops when
//! every `r(u) < epsilon * W(u)`. Because the graph is undirected, the estimate then satisfies,
//! for every node `v`, `0 <= ppr(v) - p(v) <= epsilon * W(v)`, and the total work is at most
//! `1 / (alpha * epsilon)` edge visits: it depends on the accuracy asked for, not the graph size.
//!
//! Each thread that runs pushes keeps dense scratch arrays over the graph's nodes (about 25
//! bytes per node, 26 MB at a million creators), allocated once and cleaned incrementally, so a
//! query touches only the nodes it reaches and never allocates per node of the graph.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

use super::error::{MatchError, Result};
use super::graph::{MatchGraph, NodeRef, unknown};

/// A node the push reached, with its estimate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reached {
    /// Estimated PPR score (> 0).
    pub p: f64,
    /// Weighted degree of the node.
    pub wdeg: f64,
}

/// Outcome of a forward push over internal indices.
#[derive(Debug)]
pub(crate) struct Push {
    /// Nodes with a positive estimate, sorted by index.
    pub reached: Vec<(u32, Reached)>,
    /// Number of push operations performed.
    pub pushes: usize,
    /// Whether every residual fell under its threshold (false if `max_pushes` was hit).
    pub converged: bool,
}

impl Push {
    /// The estimate of a node, if the push reached it.
    pub fn get(&self, u: u32) -> Option<Reached> {
        self.reached
            .binary_search_by_key(&u, |e| e.0)
            .ok()
            .map(|i| self.reached[i].1)
    }

    /// Estimated score of a node (0 if not reached).
    pub fn score(&self, u: u32) -> f64 {
        self.get(u).map_or(0.0, |r| r.p)
    }
}

fn check_params(alpha: f64, epsilon: f64) -> Result<()> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(MatchError::InvalidConfig {
            field: "ppr.alpha",
            reason: format!("must be within (0, 1), got {alpha}"),
        });
    }
    if !(epsilon > 0.0 && epsilon < 1.0) {
        return Err(MatchError::InvalidConfig {
            field: "ppr.epsilon",
            reason: format!("must be within (0, 1), got {epsilon}"),
        });
    }
    Ok(())
}

/// Resolves caller seeds to a restart distribution over internal indices summing to 1.
pub(crate) fn restart_of(graph: &MatchGraph, seeds: &[(NodeRef, f64)]) -> Result<Vec<(u32, f64)>> {
    let mut out = Vec::with_capacity(seeds.len());
    for &(node, mass) in seeds {
        if !(mass.is_finite() && mass >= 0.0) {
            return Err(MatchError::InvalidInput(format!(
                "restart mass of {node:?} must be finite and >= 0, got {mass}"
            )));
        }
        let u = graph.index_of(node).ok_or_else(|| unknown(node))?;
        out.push((u, mass));
    }
    let total: f64 = out.iter().map(|(_, m)| m).sum();
    if total <= 0.0 {
        return Err(MatchError::InvalidInput(
            "restart distribution has no mass".into(),
        ));
    }
    for entry in &mut out {
        entry.1 /= total;
    }
    Ok(out)
}

/// Dense per-thread scratch arrays, reused across queries so a push costs only the nodes it
/// touches (about 25 bytes per graph node per serving thread, allocated once).
#[derive(Default)]
struct Workspace {
    p: Vec<f64>,
    r: Vec<f64>,
    wdeg: Vec<f64>,
    /// Bit 0: touched this query; bit 1: in the queue.
    flags: Vec<u8>,
    touched: Vec<u32>,
    queue: VecDeque<u32>,
}

const TOUCHED: u8 = 1;
const QUEUED: u8 = 2;

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::default());
}

impl Workspace {
    fn grow(&mut self, n: usize) {
        if self.p.len() < n {
            self.p.resize(n, 0.0);
            self.r.resize(n, 0.0);
            self.wdeg.resize(n, 0.0);
            self.flags.resize(n, 0);
        }
    }

    #[inline]
    fn touch(&mut self, graph: &MatchGraph, u: u32) {
        let i = u as usize;
        if self.flags[i] & TOUCHED == 0 {
            self.flags[i] = TOUCHED;
            self.wdeg[i] = graph.wdeg(u);
            self.touched.push(u);
        }
    }

    #[inline]
    fn enqueue(&mut self, u: u32) {
        let i = u as usize;
        if self.flags[i] & QUEUED == 0 {
            self.flags[i] |= QUEUED;
            self.queue.push_back(u);
        }
    }

    /// Collects the estimates and clears every touched entry for the next query.
    fn finish(&mut self) -> Vec<(u32, Reached)> {
        self.touched.sort_unstable();
        let mut reached = Vec::with_capacity(self.touched.len());
        for &u in &self.touched {
            let i = u as usize;
            if self.p[i] > 0.0 {
                reached.push((
                    u,
                    Reached {
                        p: self.p[i],
                        wdeg: self.wdeg[i],
                    },
                ));
            }
            self.p[i] = 0.0;
            self.r[i] = 0.0;
            self.flags[i] = 0;
        }
        self.touched.clear();
        self.queue.clear();
        reached
    }
}

/// Forward push from a restart distribution over internal indices.
pub(crate) fn push(
    graph: &MatchGraph,
    restart: &[(u32, f64)],
    alpha: f64,
    epsilon: f64,
    max_pushes: usize,
) -> Push {
    WORKSPACE.with_borrow_mut(|ws| {
        ws.grow(graph.node_count());
        for &(u, m) in restart {
            ws.touch(graph, u);
            ws.r[u as usize] += m;
            ws.enqueue(u);
        }
        let mut pushes = 0;
        let mut converged = true;
        while let Some(u) = ws.queue.pop_front() {
            let i = u as usize;
            ws.flags[i] &= !QUEUED;
            let (r, w) = (ws.r[i], ws.wdeg[i]);
            if w > 0.0 && r < epsilon * w {
                continue;
            }
            if pushes == max_pushes {
                converged = false;
                break;
            }
            pushes += 1;
            ws.r[i] = 0.0;
            if w <= 0.0 {
                ws.p[i] += r;
                continue;
            }
            ws.p[i] += alpha * r;
            let spread = (1.0 - alpha) * r / w;
            graph.for_each_neighbor(u, |v, wv| {
                ws.touch(graph, v);
                let j = v as usize;
                ws.r[j] += spread * f64::from(wv);
                if ws.wdeg[j] <= 0.0 || ws.r[j] >= epsilon * ws.wdeg[j] {
                    ws.enqueue(v);
                }
            });
        }
        Push {
            reached: ws.finish(),
            pushes,
            converged,
        }
    })
}

/// Approximate personalised PageRank from `seeds` (restart masses, normalised to sum to 1)
/// by forward push. Every returned score is at most `epsilon * weighted_degree` below the
/// exact one; unreached nodes have exact score below that bound too.
pub fn ppr_forward_push(
    graph: &MatchGraph,
    seeds: &[(NodeRef, f64)],
    alpha: f64,
    epsilon: f64,
) -> Result<HashMap<NodeRef, f64>> {
    check_params(alpha, epsilon)?;
    let restart = restart_of(graph, seeds)?;
    let result = push(graph, &restart, alpha, epsilon, usize::MAX);
    Ok(result
        .reached
        .iter()
        .map(|&(u, r)| (graph.node(u), r.p))
        .collect())
}

/// Exact personalised PageRank by power iteration over the whole graph, iterated until the L1
/// change is below `tolerance` (or 100,000 rounds). O(edges) per round: the test and
/// evaluation oracle, not for serving.
pub fn ppr_exact(
    graph: &MatchGraph,
    seeds: &[(NodeRef, f64)],
    alpha: f64,
    tolerance: f64,
) -> Result<HashMap<NodeRef, f64>> {
    check_params(alpha, 0.5)?;
    let restart = restart_of(graph, seeds)?;
    let x = power_iteration(graph, &restart, alpha, tolerance);
    Ok(x.iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(u, &p)| (graph.node(u as u32), p))
        .collect())
}

/// Dense power iteration over internal indices.
pub(crate) fn power_iteration(
    graph: &MatchGraph,
    restart: &[(u32, f64)],
    alpha: f64,
    tolerance: f64,
) -> Vec<f64> {
    let n = graph.node_count();
    let mut teleport = vec![0.0; n];
    for &(u, m) in restart {
        teleport[u as usize] += m;
    }
    let wdeg: Vec<f64> = (0..n as u32).map(|u| graph.wdeg(u)).collect();
    let mut x = teleport.clone();
    let mut next = vec![0.0; n];
    for _ in 0..100_000 {
        for (nx, t) in next.iter_mut().zip(&teleport) {
            *nx = alpha * t;
        }
        for u in 0..n {
            if x[u] == 0.0 {
                continue;
            }
            if wdeg[u] <= 0.0 {
                next[u] += (1.0 - alpha) * x[u];
                continue;
            }
            let spread = (1.0 - alpha) * x[u] / wdeg[u];
            graph.for_each_neighbor(u as u32, |v, w| next[v as usize] += spread * f64::from(w));
        }
        let change: f64 = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if change < tolerance {
            break;
        }
    }
    x
}
