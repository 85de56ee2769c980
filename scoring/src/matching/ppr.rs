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
    /// Whether the top-K certificate held when the push stopped (false without one).
    pub certified: bool,
    /// The residual left, which bounds every estimate's error.
    pub residual: Residual,
}

/// The residual mass a push left, which bounds the error of every estimate.
///
/// On an undirected graph `W(u) * ppr_u(v) = W(v) * ppr_v(u)`, so the mass still to arrive at
/// `v`, `sum_u r(u) * ppr_u(v)`, is at most `W(v) * max_u r(u) / W(u)`, and at most
/// `sum_u r(u)` because `ppr_u(v) <= 1`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Residual {
    /// `sum_u r(u)`.
    pub total: f64,
    /// `max_u r(u) / W(u)` (below the last threshold once converged).
    pub max_ratio: f64,
}

impl Residual {
    /// Bound on `ppr(v) - p(v)` for a node of weighted degree `wdeg`.
    pub fn raw_bound(&self, wdeg: f64) -> f64 {
        self.total.min(self.max_ratio * wdeg)
    }

    /// Bound on the error of the degree-corrected score `p / max(W, floor)^beta` at weighted
    /// degree `wdeg`.
    pub fn bound(&self, wdeg: f64, correction: Correction) -> f64 {
        if wdeg > 0.0 {
            self.raw_bound(wdeg) / correction.divisor(wdeg)
        } else {
            0.0
        }
    }

    /// The same bound for a node the push never reached, whose degree is only known to be at
    /// most `max_wdeg`: `min(R, rho * W) / max(W, floor)^beta` does not decrease in `W` up to
    /// `W = R / rho` and does not increase after it, so it peaks at `min(max_wdeg, R / rho)`
    /// (`R^(1-beta) * rho^beta` there without a floor).
    pub fn unreached_bound(&self, max_wdeg: f64, correction: Correction) -> f64 {
        if self.total <= 0.0 || self.max_ratio <= 0.0 {
            return 0.0;
        }
        self.bound(max_wdeg.min(self.total / self.max_ratio), correction)
    }
}

/// The degree correction of the ranked score: `p / max(W, floor)^beta`. The floor is a
/// reference degree below which no creator is corrected (0: every degree is).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Correction {
    /// `beta` in [0, 1].
    pub beta: f64,
    /// Reference weighted degree, >= 0.
    pub floor: f64,
}

impl Correction {
    /// `max(W, floor)^beta`, the divisor of a node of weighted degree `wdeg > 0`.
    #[inline]
    pub fn divisor(&self, wdeg: f64) -> f64 {
        if self.beta == 0.0 {
            1.0
        } else {
            wdeg.max(self.floor).powf(self.beta)
        }
    }
}

/// Degree-corrected score `p / max(W, floor)^beta` (`p` itself for a node without edges).
pub(crate) fn corrected(p: f64, wdeg: f64, correction: Correction) -> f64 {
    if wdeg > 0.0 {
        p / correction.divisor(wdeg)
    } else {
        p
    }
}

/// Whether estimates with error bounds settle the top K (see [`TopK`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Certificate {
    certified: bool,
}

impl Certificate {
    /// `scored` holds (estimate, error bound, node) of every reached creator; `eligible` says
    /// which of them the query may return (asked only where the answer matters: the
    /// contenders for the top K and the nodes whose bound could break a rule); `unreached`
    /// bounds every candidate not among them.
    fn of(
        scored: &mut [(f64, f64, u32)],
        k: usize,
        tolerance: f64,
        unreached: f64,
        eligible: &mut dyn FnMut(u32) -> bool,
    ) -> Self {
        let Some(kth) = kth_eligible(scored, k, eligible) else {
            return Self { certified: false };
        };
        // Separated: no eligible creator outside the top K can reach the K-th estimate, so the
        // eligible ones at or above it are exactly the K (a tie at the K-th breaks it).
        let mut contenders = 0;
        let separated = unreached < kth
            && scored.iter().all(|&(p, e, u)| {
                if p + e >= kth && eligible(u) {
                    contenders += 1;
                }
                contenders <= k
            });
        // Tight: every eligible creator's bound is within the tolerance of the K-th estimate.
        let certified = separated
            || (unreached <= tolerance * kth
                && scored
                    .iter()
                    .all(|&(_, e, u)| e <= tolerance * kth || !eligible(u)));
        Self { certified }
    }
}

/// The K-th largest estimate among the eligible entries of `scored` (`None` if fewer than K
/// are eligible), found by linear-time selection, widened past the ineligible entries it
/// meets, so only contenders are asked.
fn kth_eligible(
    scored: &mut [(f64, f64, u32)],
    k: usize,
    eligible: &mut dyn FnMut(u32) -> bool,
) -> Option<f64> {
    if k == 0 {
        return None;
    }
    let (mut rest, mut need, mut kth) = (&mut scored[..], k, f64::INFINITY);
    while need > 0 {
        if rest.len() < need {
            return None;
        }
        rest.select_nth_unstable_by(need - 1, |a, b| b.0.total_cmp(&a.0));
        let (top, after) = rest.split_at_mut(need);
        for &(p, _, u) in top.iter() {
            if eligible(u) {
                need -= 1;
                kth = kth.min(p);
            }
        }
        rest = after;
    }
    Some(kth)
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

fn check_top_k(tolerance: f64, degree_exponent: f64) -> Result<()> {
    if !(tolerance.is_finite() && tolerance > 0.0) {
        return Err(MatchError::InvalidConfig {
            field: "ppr.top_k_tolerance",
            reason: format!("must be a finite number > 0, got {tolerance}"),
        });
    }
    if !(0.0..=1.0).contains(&degree_exponent) {
        return Err(MatchError::InvalidConfig {
            field: "ppr.degree_exponent",
            reason: format!("must be within [0, 1], got {degree_exponent}"),
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
    /// Bit 0: touched this query; bit 1: in the queue; bit 2: eligibility asked; bit 3:
    /// eligible.
    flags: Vec<u8>,
    touched: Vec<u32>,
    queue: VecDeque<u32>,
    /// Touched nodes already sorted into creators or not (a prefix of `touched`, which only
    /// grows during a query), so each node is looked at once however many rounds certify.
    checked: usize,
    /// The creators among them, with their correction divisors.
    creators: Vec<(u32, f64)>,
    /// (estimate, bound, node) of every creator, the certificate's buffer.
    scored: Vec<(f64, f64, u32)>,
}

const TOUCHED: u8 = 1;
const QUEUED: u8 = 2;
const ASKED: u8 = 4;
const ELIGIBLE: u8 = 8;

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

    /// Pushes queued nodes until every residual is below `epsilon * W` (true) or `max_pushes`
    /// is reached (false).
    fn drain(
        &mut self,
        graph: &MatchGraph,
        alpha: f64,
        epsilon: f64,
        max_pushes: usize,
        pushes: &mut usize,
    ) -> bool {
        while let Some(u) = self.queue.pop_front() {
            let i = u as usize;
            self.flags[i] &= !QUEUED;
            let (r, w) = (self.r[i], self.wdeg[i]);
            if w > 0.0 && r < epsilon * w {
                continue;
            }
            if *pushes == max_pushes {
                return false;
            }
            *pushes += 1;
            self.r[i] = 0.0;
            if w <= 0.0 {
                self.p[i] += r;
                continue;
            }
            self.p[i] += alpha * r;
            let spread = (1.0 - alpha) * r / w;
            graph.for_each_neighbor(u, |v, wv| {
                self.touch(graph, v);
                let j = v as usize;
                self.r[j] += spread * f64::from(wv);
                if self.wdeg[j] <= 0.0 || self.r[j] >= epsilon * self.wdeg[j] {
                    self.enqueue(v);
                }
            });
        }
        true
    }

    /// Queues every touched node whose residual is at or above a new, lower threshold.
    fn requeue(&mut self, epsilon: f64) {
        for k in 0..self.touched.len() {
            let u = self.touched[k];
            let i = u as usize;
            if self.r[i] > 0.0 && self.r[i] >= epsilon * self.wdeg[i] {
                self.enqueue(u);
            }
        }
    }

    /// The residual left, which bounds every estimate's error.
    fn residual(&self) -> Residual {
        let mut out = Residual::default();
        for &u in &self.touched {
            let i = u as usize;
            if self.r[i] > 0.0 {
                out.total += self.r[i];
                out.max_ratio = out.max_ratio.max(self.r[i] / self.wdeg[i]);
            }
        }
        out
    }

    /// The top-K certificate of the current estimates (see [`TopK`]) over the creators the
    /// query may return, whose weighted degrees are at most `max_wdeg`. Whether a creator may
    /// be returned (a directory look-up, filters) is asked once per query, and only of the
    /// creators that could change the verdict.
    fn certificate(&mut self, graph: &MatchGraph, ranked: &Ranked, max_wdeg: f64) -> Certificate {
        let residual = self.residual();
        let c = ranked.correction;
        for &u in &self.touched[self.checked..] {
            if matches!(graph.node(u), NodeRef::Creator(_)) {
                let w = self.wdeg[u as usize];
                self.creators
                    .push((u, if w > 0.0 { c.divisor(w) } else { 1.0 }));
            }
        }
        self.checked = self.touched.len();
        self.scored.clear();
        for &(u, divisor) in &self.creators {
            let i = u as usize;
            let w = self.wdeg[i];
            let bound = if w > 0.0 {
                residual.raw_bound(w) / divisor
            } else {
                0.0
            };
            self.scored.push((self.p[i] / divisor, bound, u));
        }
        let flags = &mut self.flags;
        let mut eligible = |u: u32| {
            let f = &mut flags[u as usize];
            if *f & ASKED == 0 {
                *f |= ASKED | if (ranked.candidate)(u) { ELIGIBLE } else { 0 };
            }
            *f & ELIGIBLE != 0
        };
        Certificate::of(
            &mut self.scored,
            ranked.k,
            ranked.tolerance,
            residual.unreached_bound(max_wdeg, c),
            &mut eligible,
        )
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
        self.checked = 0;
        self.creators.clear();
        reached
    }
}

/// What the top-K stopping rule ranks and how tight it must be (see [`TopK`] for the rule).
pub(crate) struct Ranked<'a> {
    /// Size of the set to certify.
    pub k: usize,
    /// Relative tolerance `delta`.
    pub tolerance: f64,
    /// Degree correction of the ranked score `ppr / max(W, floor)^beta`.
    pub correction: Correction,
    /// Whether a creator may be ranked (the query may return it). Only creators are asked,
    /// whose weighted degrees bound the unreached ones'; each at most once a query, and only
    /// where the answer can change the certificate.
    pub candidate: &'a dyn Fn(u32) -> bool,
}

/// First threshold of a refining push: coarse enough to cost at most `1 / (alpha * 1e-3)` edge
/// visits, so a seed whose top K separates early pays little.
const START_EPSILON: f64 = 1e-3;
/// Each refinement round divides the threshold by this.
const REFINE_FACTOR: f64 = 4.0;

/// Forward push from a restart distribution over internal indices. Without `ranked` it pushes
/// to `epsilon`; with it, it starts at [`START_EPSILON`] and refines by [`REFINE_FACTOR`] until
/// the top-K certificate holds or `epsilon` is reached.
pub(crate) fn push(
    graph: &MatchGraph,
    restart: &[(u32, f64)],
    alpha: f64,
    epsilon: f64,
    max_pushes: usize,
    ranked: Option<&Ranked>,
) -> Push {
    WORKSPACE.with_borrow_mut(|ws| {
        ws.grow(graph.node_count());
        for &(u, m) in restart {
            ws.touch(graph, u);
            ws.r[u as usize] += m;
            ws.enqueue(u);
        }
        let mut threshold = match ranked {
            Some(_) => START_EPSILON.max(epsilon),
            None => epsilon,
        };
        let mut pushes = 0;
        let (converged, certified) = loop {
            let converged = ws.drain(graph, alpha, threshold, max_pushes, &mut pushes);
            let Some(ranked) = ranked else {
                break (converged, false);
            };
            let certified = converged
                && ws
                    .certificate(graph, ranked, graph.max_creator_wdeg())
                    .certified;
            if !converged || certified || threshold <= epsilon {
                break (converged, certified);
            }
            threshold = (threshold / REFINE_FACTOR).max(epsilon);
            ws.requeue(threshold);
        };
        let residual = ws.residual();
        Push {
            reached: ws.finish(),
            pushes,
            converged,
            certified,
            residual,
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
    let result = push(graph, &restart, alpha, epsilon, usize::MAX, None);
    Ok(result
        .reached
        .iter()
        .map(|&(u, r)| (graph.node(u), r.p))
        .collect())
}

/// The top-K stopping rule of a refining forward push, and the guarantee it gives.
///
/// The ranked score is degree-corrected PPR, `s(v) = ppr(v) / W(v)^beta`. After pushing to a
/// threshold, every node's estimate `s^(v)` satisfies `s^(v) <= s(v) <= s^(v) + e(v)` with
/// `e(v) = min(R, rho * W(v)) / W(v)^beta` (see the residual bound: `R` the residual mass
/// left, `rho` the largest residual per unit of degree), and every creator the push never
/// reached has `s(v)` at most that bound at the largest creator degree (at most
/// `R^(1-beta) * rho^beta`). The push starts coarse and divides its
/// threshold by 4 until, among the candidates, with `s_K` the K-th largest estimate:
///
/// * **separated**: every estimate outside the top K plus its bound is below `s_K`; then the
///   top K by estimate is exactly the true top K (as a set), or
/// * **tight**: every bound is at most `tolerance * s_K`; then fewer than K candidates have a
///   true score above `(1 + tolerance) * s_K`, so every returned one scores at least
///   `1 / (1 + tolerance)` of the true K-th score, and each estimate is within
///   `tolerance * s_K` of the truth.
///
/// If neither holds at `epsilon` (the finest threshold, which bounds the cost at
/// `1 / (alpha * epsilon)` edge visits) the result is returned uncertified, still within its
/// bounds. Raw PPR (`beta = 0`) is the costly case: the bound of a high-degree node grows with
/// its degree; at `beta = 1` every bound is `rho`, below the threshold, so the rule stops
/// earliest.
#[derive(Debug, Clone, PartialEq)]
pub struct TopK {
    /// Size of the certified set.
    pub k: usize,
    /// Relative tolerance of the tight rule, > 0.
    pub tolerance: f64,
    /// `beta` in [0, 1].
    pub degree_exponent: f64,
    /// Reference weighted degree `floor` >= 0 (0: none): degrees below it are not corrected.
    pub degree_floor: f64,
    /// Finest push threshold, in (0, 1).
    pub epsilon: f64,
}

/// Degree-corrected estimates of a refining push ([`ppr_top_k`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TopKEstimate {
    /// Every reached candidate with its estimate of `ppr / W^beta` and that estimate's error
    /// bound, best first.
    pub scores: Vec<(NodeRef, f64, f64)>,
    /// Upper bound on the score of every candidate not in `scores`.
    pub unreached_bound: f64,
    /// Whether the push stopped on the separated or the tight rule of [`TopK`].
    pub certified: bool,
    /// Push operations performed.
    pub pushes: usize,
}

/// Degree-corrected personalised PageRank from `seeds`, pushed until the top `top.k` of the
/// creators `candidate` accepts is certified ([`TopK`] states the guarantee) or `top.epsilon`
/// is reached.
pub fn ppr_top_k(
    graph: &MatchGraph,
    seeds: &[(NodeRef, f64)],
    alpha: f64,
    top: &TopK,
    candidate: impl Fn(NodeRef) -> bool,
) -> Result<TopKEstimate> {
    check_params(alpha, top.epsilon)?;
    check_top_k(top.tolerance, top.degree_exponent)?;
    if !(top.degree_floor.is_finite() && top.degree_floor >= 0.0) {
        return Err(MatchError::InvalidConfig {
            field: "degree_floor",
            reason: format!("must be a finite number >= 0, got {}", top.degree_floor),
        });
    }
    let restart = restart_of(graph, seeds)?;
    let accept = |u: u32| {
        let node = graph.node(u);
        matches!(node, NodeRef::Creator(_)) && candidate(node)
    };
    let ranked = Ranked {
        k: top.k,
        tolerance: top.tolerance,
        correction: Correction {
            beta: top.degree_exponent,
            floor: top.degree_floor,
        },
        candidate: &accept,
    };
    let result = push(
        graph,
        &restart,
        alpha,
        top.epsilon,
        usize::MAX,
        Some(&ranked),
    );
    let c = Correction {
        beta: top.degree_exponent,
        floor: top.degree_floor,
    };
    let mut scores: Vec<(NodeRef, f64, f64)> = result
        .reached
        .iter()
        .filter(|(u, _)| accept(*u))
        .map(|&(u, r)| {
            (
                graph.node(u),
                corrected(r.p, r.wdeg, c),
                result.residual.bound(r.wdeg, c),
            )
        })
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(TopKEstimate {
        scores,
        unreached_bound: result.residual.unreached_bound(graph.max_creator_wdeg(), c),
        certified: result.certified,
        pushes: result.pushes,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreached_bound_is_the_largest_bound_over_degrees() {
        let residual = Residual {
            total: 0.02,
            max_ratio: 1e-3,
        };
        // R / rho = 20: below, between and above the floors tried.
        for max_wdeg in [5.0, 20.0, 80.0] {
            for (beta, floor) in [(0.0, 0.0), (0.375, 0.0), (0.375, 10.0), (1.0, 40.0)] {
                let c = Correction { beta, floor };
                let sup = (1..=8_000)
                    .map(|i| f64::from(i) * max_wdeg / 8_000.0)
                    .map(|w| residual.bound(w, c))
                    .fold(0.0, f64::max);
                let got = residual.unreached_bound(max_wdeg, c);
                assert!(
                    got >= sup - 1e-15 && got <= sup * (1.0 + 1e-9),
                    "W <= {max_wdeg}, {c:?}: bound {got}, sup {sup}"
                );
            }
        }
        assert_eq!(
            Residual::default().unreached_bound(10.0, Correction::default()),
            0.0
        );
    }

    /// The certificate's rule over the eligible entries only, asked of every entry.
    fn eager(scored: &[(f64, f64, u32)], k: usize, tol: f64, unreached: f64, ok: &[bool]) -> bool {
        let mut kept: Vec<(f64, f64)> = scored
            .iter()
            .filter(|e| ok[e.2 as usize])
            .map(|e| (e.0, e.1))
            .collect();
        if k == 0 || kept.len() < k {
            return false;
        }
        kept.sort_by(|a, b| b.0.total_cmp(&a.0));
        let kth = kept[k - 1].0;
        let rest_upper = kept[k..]
            .iter()
            .map(|(p, e)| p + e)
            .fold(unreached, f64::max);
        let worst = kept.iter().map(|e| e.1).fold(unreached, f64::max);
        kth > rest_upper || worst <= tol * kth
    }

    #[test]
    fn the_certificate_asks_only_contenders_and_agrees_with_asking_all() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        for round in 0..2_000 {
            let n = rng.random_range(0..60);
            let k = rng.random_range(0..8);
            let ok: Vec<bool> = (0..n).map(|_| rng.random_bool(0.7)).collect();
            // Coarse estimates tie often; bounds from none to wide.
            let width = [0.0, 0.01, 0.3][round % 3];
            let scored: Vec<(f64, f64, u32)> = (0..n)
                .map(|u| {
                    let p = f64::from(rng.random_range(0..20_u32)) / 20.0;
                    (p, width * rng.random::<f64>(), u as u32)
                })
                .collect();
            let unreached = [0.0, 0.05][round % 2];
            let mut eligible = |u: u32| ok[u as usize];
            let lazy =
                Certificate::of(&mut scored.clone(), k, 0.5, unreached, &mut eligible).certified;
            assert_eq!(
                lazy,
                eager(&scored, k, 0.5, unreached, &ok),
                "round {round}"
            );
        }
        // Well separated: only the top of the list is asked about.
        let mut scored: Vec<(f64, f64, u32)> = (0..1_000)
            .map(|u| (1.0 / f64::from(u + 1), 1e-6, u))
            .collect();
        let mut asked = 0;
        let mut eligible = |_| {
            asked += 1;
            true
        };
        assert!(Certificate::of(&mut scored, 10, 0.5, 0.0, &mut eligible).certified);
        assert!(asked <= 20, "asked {asked} of 1000");
    }

    #[test]
    fn the_floor_leaves_low_degrees_uncorrected() {
        let c = Correction {
            beta: 0.5,
            floor: 4.0,
        };
        // Below the floor every degree shares one divisor, so raw PPR orders them.
        assert_eq!(corrected(0.1, 1.0, c), corrected(0.1, 4.0, c));
        assert_eq!(corrected(0.1, 1.0, c), 0.05);
        // Above it the correction is the plain one.
        assert_eq!(corrected(0.1, 16.0, c), 0.025);
        assert_eq!(corrected(0.1, 0.0, c), 0.1);
        let plain = Correction {
            beta: 0.5,
            floor: 0.0,
        };
        assert_eq!(corrected(0.1, 1.0, plain), 0.1);
    }
}
