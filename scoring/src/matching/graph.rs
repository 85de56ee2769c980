//! The matching graph: brands, creators and niches joined by weighted, undirected edges.
//!
//! # Layout and memory
//! A graph value is an immutable snapshot made of two shared parts:
//! - the **base**, a petgraph [`Csr`] (compressed sparse rows) built in one pass. Each
//!   undirected edge is stored once per direction as a `u32` neighbour plus an `f32` weight,
//!   so **16 bytes per edge**; each node costs about 64 bytes (row offset, weighted degree,
//!   its id and an entry in the id index). See [`MatchGraph::memory_bytes`].
//! - the **overlay**, the edges changed since the base was built: for each touched node, its
//!   changed neighbours (a weight of 0 meaning removed) and its new weighted degree, each behind
//!   its own `Arc`.
//!
//! # Updates without blocking readers
//! [`MatchGraph::apply`] never mutates: it copies the overlay's table of `Arc` pointers, copies
//! only the per-node change lists it touches (copy-on-write through `Arc::make_mut`) and returns
//! a new snapshot sharing the base. Readers keep using whatever snapshot they cloned (two `Arc`
//! clones). An update therefore costs O(changed edges + touched nodes in the overlay), not a
//! rebuild; once the overlay passes `compaction_threshold` nodes, [`MatchGraph::compact`] folds
//! it into a new base (O(edges), about two seconds at a million creators) off the read path.
//! A hub niche's change list grows with every creator that joins or leaves it and is copied by
//! each later update touching it; compaction is what keeps that bounded.
//! [`SharedGraph`] packages this for a server: readers take a lock only to clone the snapshot;
//! writers are serialised, and a compaction (rare) delays other writers, never readers.
//!
//! # Weights
//! creator-niche: the creator's share of videos in the niche times `creator_niche_weight`;
//! brand-niche: the brand's normalised niche weight times `brand_niche_weight`; brand-creator:
//! the sum over their collaborations of [`GraphConfig::collaboration_weight`]; niche-parent:
//! `parent_niche_link` times the niche's member weight, so a walk at a niche moves up with a
//! fixed probability whatever the niche's size. Niche-parent weights are computed when a base is
//! built and re-synchronised at compaction.

use std::sync::{Arc, Mutex, RwLock};

use petgraph::Directed;
use petgraph::csr::Csr;
use serde::{Deserialize, Serialize};

use super::config::GraphConfig;
use super::error::{MatchError, Result};
use super::fx::FxHashMap;
use super::input::{
    BrandId, BrandInput, CollaborationInput, CreatorId, CreatorInput, GraphInput, NicheId,
    NicheShare,
};

/// A node of the graph, named by the caller's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeRef {
    /// A leaf or parent niche.
    Niche(NicheId),
    /// A brand.
    Brand(BrandId),
    /// A creator.
    Creator(CreatorId),
}

/// An incremental change, applied with [`MatchGraph::apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GraphUpdate {
    /// Record a collaboration: adds (or strengthens) the brand-creator edge.
    AddCollaboration(CollaborationInput),
    /// Add a creator, or replace the niches of an existing one.
    UpsertCreator(CreatorInput),
    /// Add a brand, or replace the niches of an existing one.
    UpsertBrand(BrandInput),
}

type BaseCsr = Csr<(), f32, Directed, u32>;

/// The compact part of a snapshot, shared by every snapshot derived from it.
#[derive(Debug)]
struct Base {
    csr: BaseCsr,
    /// Weighted degrees summed in f64 from the stored f32 weights, so transition
    /// probabilities out of a node sum to 1 to rounding.
    wdeg: Vec<f64>,
    /// Largest weighted degree of a creator: bounds the PPR still to arrive at creators a push
    /// never reached.
    max_creator_wdeg: f64,
    nodes: Vec<NodeRef>,
    index: FxHashMap<NodeRef, u32>,
    parents: FxHashMap<NicheId, NicheId>,
}

/// A node's changes since the base: replaced neighbour weights (0 = removed), sorted by neighbour.
#[derive(Debug, Clone, Default)]
struct NodeDelta {
    wdeg: f64,
    changes: Vec<(u32, f32)>,
}

/// Everything changed since the base; cloned per update (it holds only pointers and new nodes).
#[derive(Debug, Clone, Default)]
struct Overlay {
    nodes: Vec<NodeRef>,
    index: FxHashMap<NodeRef, u32>,
    deltas: FxHashMap<u32, Arc<NodeDelta>>,
    edge_entries: isize,
    /// Largest weighted degree of a changed creator.
    max_creator_wdeg: f64,
}

/// An immutable snapshot of the matching graph; cloning it is two `Arc` clones.
#[derive(Debug, Clone)]
pub struct MatchGraph {
    base: Arc<Base>,
    overlay: Arc<Overlay>,
    config: GraphConfig,
}

/// Half-edges (both directions) of a graph under construction.
type EdgeList = Vec<(u32, u32, f32)>;

impl MatchGraph {
    /// Builds the graph from plain records. Fails on unknown or duplicate ids and on
    /// non-finite or non-positive weights.
    pub fn build(input: &GraphInput, config: &GraphConfig) -> Result<Self> {
        config.validate()?;
        let n = input.niches.len() + input.brands.len() + input.creators.len();
        let mut nodes = Vec::with_capacity(n);
        let mut index = FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut push_node = |node: NodeRef| -> Result<u32> {
            let idx = u32::try_from(nodes.len())
                .map_err(|_| MatchError::InvalidInput("more than 2^32 nodes".into()))?;
            if index.insert(node, idx).is_some() {
                return Err(MatchError::DuplicateId(format!("{node:?}")));
            }
            nodes.push(node);
            Ok(idx)
        };
        for niche in &input.niches {
            push_node(NodeRef::Niche(niche.id))?;
        }
        let brand_nodes = input
            .brands
            .iter()
            .map(|b| push_node(NodeRef::Brand(b.id)))
            .collect::<Result<Vec<_>>>()?;
        let creator_nodes = input
            .creators
            .iter()
            .map(|c| push_node(NodeRef::Creator(c.id)))
            .collect::<Result<Vec<_>>>()?;

        let mut parents = FxHashMap::default();
        for niche in &input.niches {
            if let Some(parent) = niche.parent {
                if parent == niche.id {
                    return Err(MatchError::InvalidInput(format!(
                        "niche {:?} is its own parent",
                        niche.id
                    )));
                }
                if !index.contains_key(&NodeRef::Niche(parent)) {
                    return Err(MatchError::UnknownNiche(parent));
                }
                parents.insert(niche.id, parent);
            }
        }

        let lookup = |id: NicheId| index.get(&NodeRef::Niche(id)).copied();
        let edge_estimate = 2
            * (input.collaborations.len()
                + input.creators.iter().map(|c| c.niches.len()).sum::<usize>()
                + input.brands.iter().map(|b| b.niches.len()).sum::<usize>());
        let mut edges: EdgeList = Vec::with_capacity(edge_estimate);
        for (creator, &u) in input.creators.iter().zip(&creator_nodes) {
            for (v, w) in normalised(&creator.niches, config.creator_niche_weight, lookup)? {
                push_both(&mut edges, u, v, w);
            }
        }
        for (brand, &u) in input.brands.iter().zip(&brand_nodes) {
            for (v, w) in normalised(&brand.niches, config.brand_niche_weight, lookup)? {
                push_both(&mut edges, u, v, w);
            }
        }
        for c in &input.collaborations {
            let w = checked_collaboration(config, c)?;
            let b = *index
                .get(&NodeRef::Brand(c.brand))
                .ok_or(MatchError::UnknownBrand(c.brand))?;
            let cr = *index
                .get(&NodeRef::Creator(c.creator))
                .ok_or(MatchError::UnknownCreator(c.creator))?;
            push_both(&mut edges, b, cr, w);
        }
        let base = assemble(nodes, index, parents, edges, config)?;
        Ok(Self {
            base: Arc::new(base),
            overlay: Arc::new(Overlay::default()),
            config: config.clone(),
        })
    }

    /// Returns a new snapshot with `updates` applied, all or nothing; `self` is unchanged, so
    /// readers holding it are never disturbed.
    pub fn apply(&self, updates: &[GraphUpdate]) -> Result<Self> {
        let mut overlay = (*self.overlay).clone();
        for update in updates {
            overlay.apply(&self.base, &self.config, update)?;
        }
        let base_len = self.base.nodes.len();
        overlay.max_creator_wdeg = overlay
            .deltas
            .iter()
            .filter(|(u, _)| {
                let u = **u as usize;
                let node = self
                    .base
                    .nodes
                    .get(u)
                    .unwrap_or_else(|| &overlay.nodes[u - base_len]);
                matches!(node, NodeRef::Creator(_))
            })
            .map(|(_, d)| d.wdeg)
            .fold(0.0, f64::max);
        Ok(Self {
            base: Arc::clone(&self.base),
            overlay: Arc::new(overlay),
            config: self.config.clone(),
        })
    }

    /// Whether the overlay has grown past `compaction_threshold` touched nodes.
    pub fn needs_compaction(&self) -> bool {
        self.overlay.deltas.len() >= self.config.compaction_threshold
    }

    /// Folds the overlay into a fresh compact base (O(edges)); the result answers every query
    /// as `self` does, except that niche-parent weights are re-synchronised with niche sizes.
    pub fn compact(&self) -> Result<Self> {
        let n = self.node_count();
        let mut edges: EdgeList = Vec::with_capacity(self.half_edge_count());
        for u in 0..n as u32 {
            let u_is_niche = matches!(self.node(u), NodeRef::Niche(_));
            self.for_each_neighbor(u, |v, w| {
                let both_niches = u_is_niche && matches!(self.node(v), NodeRef::Niche(_));
                if !both_niches {
                    edges.push((u, v, w));
                }
            });
        }
        let mut nodes = self.base.nodes.clone();
        nodes.extend_from_slice(&self.overlay.nodes);
        let mut index = self.base.index.clone();
        index.extend(self.overlay.index.iter().map(|(k, v)| (*k, *v)));
        let base = assemble(nodes, index, self.base.parents.clone(), edges, &self.config)?;
        Ok(Self {
            base: Arc::new(base),
            overlay: Arc::new(Overlay::default()),
            config: self.config.clone(),
        })
    }

    /// The configuration the graph was built with.
    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    /// Number of nodes (niches, brands and creators).
    pub fn node_count(&self) -> usize {
        self.base.nodes.len() + self.overlay.nodes.len()
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> usize {
        self.half_edge_count() / 2
    }

    fn half_edge_count(&self) -> usize {
        (self.base.csr.edge_count() as isize + self.overlay.edge_entries).max(0) as usize
    }

    /// Nodes touched by updates since the last build or compaction.
    pub fn overlay_len(&self) -> usize {
        self.overlay.deltas.len()
    }

    /// Approximate heap bytes held by this snapshot: 16 bytes per edge in the base, about
    /// 64 per node, plus the overlay.
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let b = &self.base;
        let map_entry = |k: usize| k + 1; // hashbrown: the slot plus one control byte
        let csr = b.csr.edge_count() * (size_of::<u32>() + size_of::<f32>())
            + (b.csr.node_count() + 1) * size_of::<usize>();
        let base = csr
            + b.wdeg.capacity() * size_of::<f64>()
            + b.nodes.capacity() * size_of::<NodeRef>()
            + b.index.capacity() * map_entry(size_of::<(NodeRef, u32)>())
            + b.parents.capacity() * map_entry(size_of::<(NicheId, NicheId)>());
        let o = &self.overlay;
        let overlay = o.nodes.capacity() * size_of::<NodeRef>()
            + o.index.capacity() * map_entry(size_of::<(NodeRef, u32)>())
            + o.deltas.capacity() * map_entry(size_of::<(u32, Arc<NodeDelta>)>())
            + o.deltas
                .values()
                .map(|d| size_of::<NodeDelta>() + d.changes.capacity() * size_of::<(u32, f32)>())
                .sum::<usize>();
        base + overlay
    }

    /// The node's internal index, if present.
    pub(crate) fn index_of(&self, node: NodeRef) -> Option<u32> {
        self.overlay.index_of(&self.base, node)
    }

    /// Whether the node is in the graph.
    pub fn contains(&self, node: NodeRef) -> bool {
        self.index_of(node).is_some()
    }

    /// The node at an internal index.
    pub(crate) fn node(&self, u: u32) -> NodeRef {
        let u = u as usize;
        match self.base.nodes.get(u) {
            Some(node) => *node,
            None => self.overlay.nodes[u - self.base.nodes.len()],
        }
    }

    /// An upper bound on every creator's weighted degree (exact after a build or compaction;
    /// after updates it may still count a creator's replaced, heavier niche edges).
    pub(crate) fn max_creator_wdeg(&self) -> f64 {
        self.base
            .max_creator_wdeg
            .max(self.overlay.max_creator_wdeg)
    }

    /// Weighted degree (sum of edge weights) at an internal index.
    pub(crate) fn wdeg(&self, u: u32) -> f64 {
        self.overlay.wdeg(&self.base, u)
    }

    /// Calls `f(neighbour, weight)` for every edge of `u`.
    #[inline]
    pub(crate) fn for_each_neighbor(&self, u: u32, f: impl FnMut(u32, f32)) {
        self.overlay.for_each_neighbor(&self.base, u, f);
    }

    /// Weight of the edge between two internal indices (0 if none).
    pub(crate) fn weight_between(&self, u: u32, v: u32) -> f64 {
        f64::from(self.overlay.edge_weight(&self.base, u, v))
    }

    /// A niche's parent in the taxonomy.
    pub fn niche_parent(&self, niche: NicheId) -> Option<NicheId> {
        self.base.parents.get(&niche).copied()
    }

    /// Weighted degree of a node, `None` if it is not in the graph. Forward push's error bound
    /// for a node is `epsilon` times this.
    pub fn weighted_degree(&self, node: NodeRef) -> Option<f64> {
        self.index_of(node).map(|u| self.wdeg(u))
    }

    /// A node's neighbours with their edge weights, sorted; for inspection and tests.
    pub fn neighbors(&self, node: NodeRef) -> Result<Vec<(NodeRef, f64)>> {
        let u = self.index_of(node).ok_or_else(|| unknown(node))?;
        let mut out = Vec::new();
        self.for_each_neighbor(u, |v, w| out.push((self.node(v), f64::from(w))));
        out.sort_by_key(|e| e.0);
        Ok(out)
    }
}

/// The error for a node missing from the graph.
pub(crate) fn unknown(node: NodeRef) -> MatchError {
    match node {
        NodeRef::Niche(id) => MatchError::UnknownNiche(id),
        NodeRef::Brand(id) => MatchError::UnknownBrand(id),
        NodeRef::Creator(id) => MatchError::UnknownCreator(id),
    }
}

fn push_both(edges: &mut EdgeList, u: u32, v: u32, w: f64) {
    edges.push((u, v, w as f32));
    edges.push((v, u, w as f32));
}

/// Validates niche shares and scales them to sum to `total`, merging repeated niches.
fn normalised(
    shares: &[NicheShare],
    total: f64,
    lookup: impl Fn(NicheId) -> Option<u32>,
) -> Result<Vec<(u32, f64)>> {
    let mut out: Vec<(u32, f64)> = Vec::with_capacity(shares.len());
    for s in shares {
        if !(s.share.is_finite() && s.share > 0.0) {
            return Err(MatchError::InvalidInput(format!(
                "share of niche {:?} must be finite and > 0, got {}",
                s.niche, s.share
            )));
        }
        let v = lookup(s.niche).ok_or(MatchError::UnknownNiche(s.niche))?;
        match out.iter_mut().find(|(n, _)| *n == v) {
            Some(entry) => entry.1 += s.share,
            None => out.push((v, s.share)),
        }
    }
    let sum: f64 = out.iter().map(|(_, w)| w).sum();
    for entry in &mut out {
        entry.1 *= total / sum;
    }
    Ok(out)
}

fn checked_collaboration(config: &GraphConfig, c: &CollaborationInput) -> Result<f64> {
    if !(c.age_days.is_finite() && c.age_days >= 0.0 && c.gmv.is_finite() && c.gmv >= 0.0) {
        return Err(MatchError::InvalidInput(format!(
            "collaboration {:?}-{:?} needs finite age_days >= 0 and gmv >= 0",
            c.brand, c.creator
        )));
    }
    Ok(config.collaboration_weight(c.age_days, c.gmv))
}

/// Adds niche-parent edges sized by member weight, merges repeated edges and builds the CSR.
fn assemble(
    nodes: Vec<NodeRef>,
    index: FxHashMap<NodeRef, u32>,
    parents: FxHashMap<NicheId, NicheId>,
    mut edges: EdgeList,
    config: &GraphConfig,
) -> Result<Base> {
    let n = nodes.len();
    if config.parent_niche_link > 0.0 {
        let mut member = vec![0.0f64; n];
        for &(u, _, w) in &edges {
            if matches!(nodes[u as usize], NodeRef::Niche(_)) {
                member[u as usize] += f64::from(w);
            }
        }
        for (child, parent) in &parents {
            let c = index[&NodeRef::Niche(*child)];
            let p = index[&NodeRef::Niche(*parent)];
            let size = member[c as usize].max(config.creator_niche_weight);
            push_both(&mut edges, c, p, config.parent_niche_link * size);
        }
    }
    edges.sort_unstable_by_key(|&(u, v, _)| (u, v));
    edges.dedup_by(|later, kept| {
        let same = later.0 == kept.0 && later.1 == kept.1;
        if same {
            kept.2 += later.2;
        }
        same
    });
    let mut csr = BaseCsr::from_sorted_edges(&edges)
        .map_err(|e| MatchError::InvalidInput(format!("edge list not sorted: {e:?}")))?;
    drop(edges);
    while csr.node_count() < n {
        csr.add_node(());
    }
    let wdeg = (0..n as u32)
        .map(|u| {
            csr.edges_slice(u)
                .iter()
                .map(|&w| f64::from(w))
                .sum::<f64>()
        })
        .collect::<Vec<f64>>();
    let max_creator_wdeg = nodes
        .iter()
        .zip(&wdeg)
        .filter(|(node, _)| matches!(node, NodeRef::Creator(_)))
        .map(|(_, &w)| w)
        .fold(0.0, f64::max);
    Ok(Base {
        csr,
        wdeg,
        max_creator_wdeg,
        nodes,
        index,
        parents,
    })
}

impl Overlay {
    fn index_of(&self, base: &Base, node: NodeRef) -> Option<u32> {
        base.index
            .get(&node)
            .or_else(|| self.index.get(&node))
            .copied()
    }

    #[inline]
    fn wdeg(&self, base: &Base, u: u32) -> f64 {
        if self.deltas.is_empty() {
            return base.wdeg.get(u as usize).copied().unwrap_or(0.0);
        }
        match self.deltas.get(&u) {
            Some(d) => d.wdeg,
            None => base.wdeg.get(u as usize).copied().unwrap_or(0.0),
        }
    }

    fn base_row(base: &Base, u: u32) -> (&[u32], &[f32]) {
        if (u as usize) < base.csr.node_count() {
            (base.csr.neighbors_slice(u), base.csr.edges_slice(u))
        } else {
            (&[], &[])
        }
    }

    #[inline]
    fn for_each_neighbor(&self, base: &Base, u: u32, mut f: impl FnMut(u32, f32)) {
        let (vs, ws) = Self::base_row(base, u);
        let delta = if self.deltas.is_empty() {
            None
        } else {
            self.deltas.get(&u)
        };
        match delta {
            None => {
                for (&v, &w) in vs.iter().zip(ws) {
                    f(v, w);
                }
            }
            Some(d) => {
                for (&v, &w) in vs.iter().zip(ws) {
                    if d.changes.binary_search_by_key(&v, |c| c.0).is_err() {
                        f(v, w);
                    }
                }
                for &(v, w) in &d.changes {
                    if w > 0.0 {
                        f(v, w);
                    }
                }
            }
        }
    }

    fn edge_weight(&self, base: &Base, u: u32, v: u32) -> f32 {
        if !self.deltas.is_empty()
            && let Some(d) = self.deltas.get(&u)
            && let Ok(i) = d.changes.binary_search_by_key(&v, |c| c.0)
        {
            return d.changes[i].1;
        }
        let (vs, ws) = Self::base_row(base, u);
        vs.binary_search(&v).map_or(0.0, |i| ws[i])
    }

    fn set_half(&mut self, base: &Base, u: u32, v: u32, w: f32) {
        let old = self.edge_weight(base, u, v);
        let start = self.wdeg(base, u);
        let delta = Arc::make_mut(self.deltas.entry(u).or_insert_with(|| {
            Arc::new(NodeDelta {
                wdeg: start,
                changes: Vec::new(),
            })
        }));
        match delta.changes.binary_search_by_key(&v, |c| c.0) {
            Ok(i) => delta.changes[i].1 = w,
            Err(i) => delta.changes.insert(i, (v, w)),
        }
        delta.wdeg = (delta.wdeg + f64::from(w) - f64::from(old)).max(0.0);
        self.edge_entries += isize::from(w > 0.0) - isize::from(old > 0.0);
    }

    fn set_edge(&mut self, base: &Base, u: u32, v: u32, w: f64) {
        self.set_half(base, u, v, w as f32);
        self.set_half(base, v, u, w as f32);
    }

    fn node_or_insert(&mut self, base: &Base, node: NodeRef) -> Result<u32> {
        if let Some(u) = self.index_of(base, node) {
            return Ok(u);
        }
        let u = u32::try_from(base.nodes.len() + self.nodes.len())
            .map_err(|_| MatchError::InvalidInput("more than 2^32 nodes".into()))?;
        self.nodes.push(node);
        self.index.insert(node, u);
        Ok(u)
    }

    fn node_at(&self, base: &Base, v: u32) -> NodeRef {
        match base.nodes.get(v as usize) {
            Some(node) => *node,
            None => self.nodes[v as usize - base.nodes.len()],
        }
    }

    /// Replaces the niche edges of `node` with `shares` scaled to `total`.
    fn replace_niches(
        &mut self,
        base: &Base,
        node: NodeRef,
        shares: &[NicheShare],
        total: f64,
    ) -> Result<()> {
        let wanted = normalised(shares, total, |id| self.index_of(base, NodeRef::Niche(id)))?;
        let u = self.node_or_insert(base, node)?;
        let mut current = Vec::new();
        self.for_each_neighbor(base, u, |v, _| current.push(v));
        for v in current {
            let is_niche = matches!(self.node_at(base, v), NodeRef::Niche(_));
            if is_niche && !wanted.iter().any(|(n, _)| *n == v) {
                self.set_edge(base, u, v, 0.0);
            }
        }
        for (v, w) in wanted {
            self.set_edge(base, u, v, w);
        }
        Ok(())
    }

    fn apply(&mut self, base: &Base, config: &GraphConfig, update: &GraphUpdate) -> Result<()> {
        match update {
            GraphUpdate::AddCollaboration(c) => {
                let w = checked_collaboration(config, c)?;
                let b = self
                    .index_of(base, NodeRef::Brand(c.brand))
                    .ok_or(MatchError::UnknownBrand(c.brand))?;
                let cr = self
                    .index_of(base, NodeRef::Creator(c.creator))
                    .ok_or(MatchError::UnknownCreator(c.creator))?;
                let old = f64::from(self.edge_weight(base, b, cr));
                self.set_edge(base, b, cr, old + w);
                Ok(())
            }
            GraphUpdate::UpsertCreator(c) => self.replace_niches(
                base,
                NodeRef::Creator(c.id),
                &c.niches,
                config.creator_niche_weight,
            ),
            GraphUpdate::UpsertBrand(b) => self.replace_niches(
                base,
                NodeRef::Brand(b.id),
                &b.niches,
                config.brand_niche_weight,
            ),
        }
    }
}

/// A graph shared by a server: many readers, one writer at a time, readers never wait for a
/// write to be computed (they hold the read lock only to clone a snapshot).
#[derive(Debug)]
pub struct SharedGraph {
    current: RwLock<MatchGraph>,
    writer: Mutex<()>,
}

impl SharedGraph {
    /// Wraps a freshly built graph.
    pub fn new(graph: MatchGraph) -> Self {
        Self {
            current: RwLock::new(graph),
            writer: Mutex::new(()),
        }
    }

    /// The current snapshot; queries run on it undisturbed by later updates.
    pub fn snapshot(&self) -> MatchGraph {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Applies updates (all or nothing), publishes the new snapshot, and compacts when the
    /// overlay has grown past its threshold. Returns the published snapshot.
    pub fn update(&self, updates: &[GraphUpdate]) -> Result<MatchGraph> {
        let _writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = self.snapshot().apply(updates)?;
        if next.needs_compaction() {
            next = next.compact()?;
        }
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next.clone();
        Ok(next)
    }
}
