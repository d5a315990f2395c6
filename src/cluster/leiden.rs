//! Leiden community detection on a weighted, undirected module graph.
//!
//! `decompose` proposes service boundaries by clustering the module dependency
//! graph: a good boundary cuts few (weighted) dependencies while keeping each
//! proposed service cohesive. We measure that with Newman–Girvan modularity
//! with a resolution parameter γ,
//!
//! ```text
//! Q = Σ_c [ L_c / m  -  γ (d_c / 2m)² ]
//! ```
//!
//! where `L_c` is the weight of the edges inside community `c`, `d_c` the sum of
//! its members' weighted degrees and `m` the total edge weight. γ is the knob a
//! resolution sweep turns: higher γ penalises big communities more, so it
//! yields more, smaller services.
//!
//! # Why Leiden and not Louvain
//!
//! Louvain (greedy local moving + aggregation) is fast but can produce
//! communities that are *internally disconnected*: a node that bridged two
//! halves of a community moves away and nothing ever splits the halves again.
//! For service boundaries that is unacceptable — a "service" made of two
//! modules that do not talk to each other is not a service. Leiden (Traag,
//! Waltman & van Eck 2019, "From Louvain to Leiden: guaranteeing
//! well-connected communities") fixes this with a refinement phase. One
//! iteration of the algorithm is:
//!
//! 1. **Fast local moving** (`move_nodes_fast`): visit nodes from a queue and
//!    move each to the neighbouring community with the best modularity gain.
//!    Only neighbours of a node that moved are re-queued, so after the first
//!    sweep the work is proportional to what actually changes.
//! 2. **Refinement** (`refine`): inside each community found in step 1, start
//!    from singletons and merge only nodes that are *well connected* to the
//!    community into *well connected* sub-communities, picking among improving
//!    merges at random (weight `exp(ΔQ/θ)`). Every refined community is grown by
//!    adding a node adjacent to it, so each one is a connected subgraph.
//! 3. **Aggregation** (`aggregate`): collapse every *refined* community into a
//!    single node, but start the next level from the *non-refined* partition.
//!    Aggregating the refined partition is what lets a later level split a
//!    badly-connected community; starting from the coarse partition keeps the
//!    quality found in step 1.
//!
//! These levels repeat until local moving leaves every (aggregate) node in its
//! own community. The whole procedure is then re-run from its own output (up
//! to [`LeidenParams::max_passes`] times) until the partition stops changing,
//! which is when the paper's stronger guarantees (subpartition γ-density) hold
//! — or until a pass gains less than `1e-5` modularity, so huge graphs do not
//! spend a whole pass on a few nodes' worth of improvement
//! ([`LeidenParams::min_pass_gain`]).
//! As a last, cheap safety net each pass splits any community that is not
//! connected into its connected components; this never lowers modularity.
//!
//! Pinned groups ([`leiden_constrained`]) are handled by contracting each
//! group to one node and never letting local moving put two groups together.
//!
//! # Determinism
//!
//! All randomness comes from a SplitMix64 generator seeded from
//! [`LeidenParams::seed`]: node visiting orders are seeded shuffles and the
//! refinement's random choice draws from the same stream. Ties between equally
//! good target communities are broken by the lowest community id, and a node
//! only leaves its community for a *strictly* better one. The output is
//! renumbered canonically (see [`leiden`]) so equal partitions compare equal.
//!
//! # Complexity
//!
//! Each phase is `O(n + m)` per sweep (plus the queue re-visits in local
//! moving), using dense scratch arrays indexed by community id instead of
//! hash maps. Nothing iterates over node pairs.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

/// Marker for "this node belongs to no pinned group" in the internal group
/// arrays. Groups are compacted to `0..k` before use, so this never collides.
const NO_GROUP: usize = usize::MAX;

/// Undirected weighted graph in compact adjacency form.
///
/// Edges are collected with [`WeightedGraph::add_edge`]; the compressed
/// (CSR) adjacency the algorithms use is built lazily on first use and cached,
/// so building a graph edge by edge stays `O(1)` per edge and parallel edges
/// are merged once, in bulk, instead of by searching adjacency lists.
///
/// Conventions (the standard ones for modularity):
/// * parallel edges accumulate into one edge whose weight is the sum;
/// * a self-loop of weight `w` counts once in [`total_weight`](Self::total_weight)
///   and contributes `2w` to its node's [`degree`](Self::degree).
#[derive(Clone, Debug, Default)]
pub struct WeightedGraph {
    n: usize,
    /// Raw edges as added (`a`, `b`, weight); kept so the CSR can be rebuilt
    /// if more edges are added after a query.
    edges: Vec<(usize, usize, f64)>,
    degrees: Vec<f64>,
    total: f64,
    csr: OnceLock<Net>,
}

impl WeightedGraph {
    /// A graph with `n_nodes` nodes and no edges.
    ///
    /// # Panics
    /// If `n_nodes` exceeds `u32::MAX` (node ids are stored as `u32`
    /// internally to halve the adjacency's memory traffic).
    pub fn new(n_nodes: usize) -> Self {
        assert!(u32::try_from(n_nodes).is_ok(), "at most u32::MAX nodes are supported");
        Self {
            n: n_nodes,
            edges: Vec::new(),
            degrees: vec![0.0; n_nodes],
            total: 0.0,
            csr: OnceLock::new(),
        }
    }

    /// Adds an undirected edge `a — b` of the given weight.
    ///
    /// Weights that are `<= 0`, NaN or infinite are ignored: modularity is
    /// only defined for positive weights, and a dependency that carries no
    /// weight should not pull modules together.
    ///
    /// # Panics
    /// If `a` or `b` is not a node of the graph (`>= n_nodes`), like indexing
    /// out of bounds: that is a bug in the caller, not a data problem.
    pub fn add_edge(&mut self, a: usize, b: usize, weight: f64) {
        assert!(
            a < self.n && b < self.n,
            "edge ({a}, {b}) out of range for a graph of {} nodes",
            self.n
        );
        if !(weight.is_finite() && weight > 0.0) {
            return;
        }
        self.edges.push((a, b, weight));
        self.degrees[a] += weight;
        self.degrees[b] += weight; // a self-loop therefore adds 2w, as intended
        self.total += weight;
        self.csr.take();
    }

    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.n
    }

    /// `m`: the sum of edge weights, each undirected edge (and self-loop) once.
    pub fn total_weight(&self) -> f64 {
        self.total
    }

    /// Weighted degree of `node` (a self-loop of weight `w` counts `2w`).
    pub fn degree(&self, node: usize) -> f64 {
        self.degrees[node]
    }

    /// Neighbours of `node` with the accumulated weight of the edge to each.
    ///
    /// The self-loop, if any, comes first as `(node, w)`; the other neighbours
    /// follow in increasing index order, each exactly once.
    pub fn neighbors(&self, node: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let net = self.net();
        let self_loop = net.self_loops[node];
        (self_loop > 0.0).then_some((node, self_loop)).into_iter().chain(net.adj(node))
    }

    /// Builds the adjacency that the queries and [`leiden`] read, if it is not built yet. Call it before
    /// running on the graph from several threads at once: the first of them would build it while the others
    /// wait for it asleep, and a sleeping thread takes about 0.1 ms to wake up on a busy machine.
    pub fn prepare(&self) {
        self.net();
    }

    /// The cached CSR form, built on first use.
    fn net(&self) -> &Net {
        self.csr.get_or_init(|| Net::from_edges(self.n, &self.edges))
    }
}

/// Tuning for [`leiden`].
#[derive(Clone, Debug)]
pub struct LeidenParams {
    /// γ in `Q = Σ_c [L_c/m - γ (d_c/2m)²]`. 1.0 is classic modularity;
    /// larger values give more, smaller communities.
    pub resolution: f64,
    /// Seed for every random choice (visiting orders, refinement choices).
    pub seed: u64,
    /// θ of the refinement phase: a merge with gain `ΔQ` is chosen with weight
    /// `exp(ΔQ/θ)`. As in the authors' reference implementation, `ΔQ` is
    /// measured in units of edge weight (not divided by `m`), so with unit
    /// weights the paper's default 0.01 is almost greedy while still breaking
    /// near-ties randomly. `θ <= 0` makes the refinement fully greedy.
    pub randomness: f64,
    /// How many times the whole Leiden procedure is re-run from its own result
    /// at most; it stops earlier as soon as a run changes nothing or improves
    /// modularity by less than `1e-5`. At least one run is always made. Each
    /// extra run can only keep or improve modularity.
    pub max_passes: usize,
    /// The smallest modularity gain for which another pass is run (see
    /// [`MIN_PASS_GAIN`], the default).
    pub min_pass_gain: f64,
}

impl LeidenParams {
    /// The given resolution with seed 42, randomness 0.01, 10 passes and a
    /// minimum pass gain of [`MIN_PASS_GAIN`].
    pub fn with_resolution(resolution: f64) -> Self {
        Self {
            resolution,
            seed: 42,
            randomness: 0.01,
            max_passes: 10,
            min_pass_gain: MIN_PASS_GAIN,
        }
    }
}

impl Default for LeidenParams {
    fn default() -> Self {
        Self::with_resolution(1.0)
    }
}

/// Leiden community detection maximising modularity with resolution (see the
/// module documentation for the phases and why each exists).
///
/// Returns one community id per node, renumbered `0..k` in order of each
/// community's smallest node index, so the result is canonical: two equal
/// partitions are equal vectors. Every community induces a connected
/// subgraph; isolated nodes (and all nodes of a graph without edges) are
/// singletons. Deterministic for a given [`LeidenParams::seed`].
pub fn leiden(graph: &WeightedGraph, params: &LeidenParams) -> Vec<usize> {
    let net = graph.net();
    let groups = vec![NO_GROUP; net.n()];
    run(net, &groups, params, None)
}

/// Like [`leiden`], but starts from `initial` instead of singletons.
///
/// Useful to refine a partition found elsewhere (or at a neighbouring
/// resolution in a sweep): communities of `initial` are improved, split when
/// badly connected, or merged, and the result never has lower modularity
/// than `initial`. Ids in `initial` are arbitrary labels; only equality
/// matters.
///
/// # Panics
/// If `initial.len() != graph.n_nodes()` (a caller bug).
pub fn leiden_from(graph: &WeightedGraph, params: &LeidenParams, initial: &[usize]) -> Vec<usize> {
    assert_eq!(initial.len(), graph.n_nodes(), "initial membership must have one entry per node");
    let net = graph.net();
    let groups = vec![NO_GROUP; net.n()];
    run(net, &groups, params, Some(canonical_labels(initial)))
}

/// Leiden with pinned groups: `fixed[i] = Some(g)` forces node `i` into the
/// same community as every other node with the same `g`, and never into a
/// community with a node of a different `g`. Nodes with `None` are free.
///
/// Implementation: each pinned group is first contracted into one super-node
/// (its internal edges become a self-loop, so modularity is unchanged by the
/// contraction). A super-node can therefore only ever move as a block. Every
/// community additionally remembers which group, if any, it holds, and local
/// moving never moves a super-node into a community holding another group;
/// refinement only works inside such communities and aggregation carries the
/// group label to the aggregate node, so the constraint survives every level.
/// The result on the contracted graph is then expanded back to the original
/// nodes.
///
/// Connectivity is guaranteed in the contracted graph: if the members of one
/// pinned group are not connected to each other in the original graph, their
/// community is (necessarily) not connected there either.
///
/// # Panics
/// If `fixed.len() != graph.n_nodes()` (a caller bug).
pub fn leiden_constrained(
    graph: &WeightedGraph,
    params: &LeidenParams,
    fixed: &[Option<usize>],
) -> Vec<usize> {
    assert_eq!(fixed.len(), graph.n_nodes(), "fixed must have one entry per node");
    let net = graph.net();
    // Map every node to its contracted node: one per pinned group (in order
    // of first appearance), one per free node.
    let mut group_node: HashMap<usize, usize> = HashMap::new();
    let mut contracted_groups = Vec::new();
    let mut to_contracted = Vec::with_capacity(fixed.len());
    for pin in fixed {
        let id = match pin {
            Some(g) => {
                // Group labels are compacted to 0..k so NO_GROUP stays free.
                let next_group = group_node.len();
                *group_node.entry(*g).or_insert_with(|| {
                    contracted_groups.push(next_group);
                    contracted_groups.len() - 1
                })
            }
            None => {
                contracted_groups.push(NO_GROUP);
                contracted_groups.len() - 1
            }
        };
        to_contracted.push(id);
    }
    let contracted = aggregate(net, &to_contracted, contracted_groups.len());
    let result = run(&contracted, &contracted_groups, params, None);
    let expanded: Vec<usize> = to_contracted.iter().map(|&c| result[c]).collect();
    canonical_labels(&expanded)
}

/// Newman–Girvan modularity with resolution γ for a weighted graph:
/// `Q = Σ_c [L_c/m - γ (d_c/2m)²]`, self-loops counted once in `L_c`.
///
/// Community ids in `membership` are arbitrary labels. Returns 0.0 for a graph
/// without edges (modularity is undefined there; 0 is the neutral value).
///
/// # Panics
/// If `membership.len() != graph.n_nodes()` (a caller bug).
pub fn modularity(graph: &WeightedGraph, membership: &[usize], resolution: f64) -> f64 {
    assert_eq!(membership.len(), graph.n_nodes(), "membership must have one entry per node");
    let m = graph.total_weight();
    if m <= 0.0 {
        return 0.0;
    }
    let labels = canonical_labels(membership);
    let k = labels.iter().map(|&c| c + 1).max().unwrap_or(0);
    let mut internal = vec![0.0; k];
    let mut degree = vec![0.0; k];
    for &(a, b, w) in &graph.edges {
        if labels[a] == labels[b] {
            internal[labels[a]] += w;
        }
    }
    for (&c, &d) in labels.iter().zip(&graph.degrees) {
        degree[c] += d;
    }
    internal.iter().zip(&degree).map(|(&l, &d)| l / m - resolution * (d / (2.0 * m)).powi(2)).sum()
}

// ---------------------------------------------------------------------------
// Internal graph representation
// ---------------------------------------------------------------------------

/// Compressed sparse row adjacency, without self-loops in the rows.
///
/// Self-loops are kept apart because local moving never needs them (a loop
/// moves with its node) while aggregation creates them from the edges inside a
/// community. `degrees` include `2 ×` the self-loop, so the sum of a
/// community's degrees is exactly its `d_c`, at every aggregation level.
#[derive(Clone, Debug, Default)]
struct Net {
    offsets: Vec<usize>,
    /// `u32` rather than `usize`: the adjacency is the biggest array the
    /// algorithm streams through, and halving it measurably speeds up large
    /// graphs. [`WeightedGraph::new`] rejects node counts that do not fit.
    targets: Vec<u32>,
    weights: Vec<f64>,
    self_loops: Vec<f64>,
    degrees: Vec<f64>,
    /// `2m`: the sum of all degrees.
    total_degree: f64,
}

impl Net {
    fn n(&self) -> usize {
        self.degrees.len()
    }

    /// Neighbours of `v` (excluding itself) with edge weights.
    fn adj(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.offsets[v]..self.offsets[v + 1];
        self.targets[range.clone()]
            .iter()
            .map(|&t| t as usize)
            .zip(self.weights[range].iter().copied())
    }

    /// Builds the CSR by counting sort, then sorts each row and merges
    /// parallel edges: `O(m log d)` overall and no per-edge searching.
    fn from_edges(n: usize, edges: &[(usize, usize, f64)]) -> Net {
        let mut self_loops = vec![0.0; n];
        let mut counts = vec![0usize; n + 1];
        for &(a, b, w) in edges {
            if a == b {
                self_loops[a] += w;
            } else {
                counts[a + 1] += 1;
                counts[b + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut cursor = counts.clone();
        let mut pairs = vec![(0u32, 0.0f64); counts[n]];
        for &(a, b, w) in edges {
            if a != b {
                pairs[cursor[a]] = (b as u32, w);
                cursor[a] += 1;
                pairs[cursor[b]] = (a as u32, w);
                cursor[b] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(pairs.len());
        let mut weights: Vec<f64> = Vec::with_capacity(pairs.len());
        let mut degrees = Vec::with_capacity(n);
        offsets.push(0);
        for (v, row) in counts.windows(2).enumerate() {
            let row = &mut pairs[row[0]..row[1]];
            row.sort_unstable_by_key(|p| p.0);
            let row_start = targets.len();
            for &(t, w) in row.iter() {
                match weights.last_mut() {
                    Some(last) if targets.len() > row_start && targets.last() == Some(&t) => {
                        *last += w;
                    }
                    _ => {
                        targets.push(t);
                        weights.push(w);
                    }
                }
            }
            offsets.push(targets.len());
            degrees.push(2.0 * self_loops[v] + weights[row_start..].iter().sum::<f64>());
        }
        let total_degree = degrees.iter().sum();
        Net { offsets, targets, weights, self_loops, degrees, total_degree }
    }
}

/// Collapses each community of `membership` (ids `0..k`) into one node.
///
/// Edges between communities are summed; edges inside a community become its
/// self-loop and degrees are summed, so modularity of any partition of the
/// aggregate equals modularity of the corresponding partition of `net`. This
/// is what makes optimising the small aggregate graph equivalent to moving
/// whole groups of original nodes at once.
fn aggregate(net: &Net, membership: &[usize], k: usize) -> Net {
    // Bucket nodes by community (counting sort) so each aggregate row is
    // built in one go with a dense accumulator.
    let mut start = vec![0usize; k + 1];
    for &c in membership {
        start[c + 1] += 1;
    }
    for c in 0..k {
        start[c + 1] += start[c];
    }
    let mut cursor = start.clone();
    let mut order = vec![0usize; membership.len()];
    for (v, &c) in membership.iter().enumerate() {
        order[cursor[c]] = v;
        cursor[c] += 1;
    }

    let mut acc = vec![0.0f64; k];
    // The communities each row links to.
    let mut linked = FirstSeen::new(k);
    let mut offsets = Vec::with_capacity(k + 1);
    let mut targets = Vec::new();
    let mut weights = Vec::new();
    let mut self_loops = Vec::with_capacity(k);
    let mut degrees = Vec::with_capacity(k);
    offsets.push(0);
    for (c, bounds) in start.windows(2).enumerate() {
        let mut self_loop = 0.0;
        let mut degree = 0.0;
        linked.start();
        // The own community is never listed; its weight becomes the self-loop.
        linked.skip(c);
        for &v in &order[bounds[0]..bounds[1]] {
            self_loop += net.self_loops[v];
            degree += net.degrees[v];
            for (u, w) in net.adj(v) {
                let cu = membership[u];
                // Seen once from each endpoint.
                self_loop += if cu == c { 0.5 * w } else { 0.0 };
                acc[cu] += w;
                linked.meet(cu);
            }
        }
        acc[c] = 0.0;
        // Rows are left unsorted: nothing depends on neighbour order except
        // the order candidates are listed in, which is deterministic anyway.
        for &cu in linked.listed() {
            targets.push(cu as u32);
            weights.push(acc[cu]);
            acc[cu] = 0.0;
        }
        offsets.push(targets.len());
        self_loops.push(self_loop);
        degrees.push(degree);
    }
    Net { offsets, targets, weights, self_loops, degrees, total_degree: net.total_degree }
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

/// Smallest modularity gain for which another pass is worth running, by
/// default ([`LeidenParams::min_pass_gain`]).
///
/// The paper iterates until a pass changes nothing. On large graphs the last
/// passes keep shuffling a handful of nodes for gains of a few `1e-6` while
/// each costs a full pass (≈0.15 s at 100k nodes / 1M edges); differences
/// that small are far below anything that could change a proposed service
/// boundary. On the graphs `decompose` usually sees (hundreds to thousands of
/// nodes) moving a single node changes modularity by much more than this, so
/// the cut-off only ever trims the tail of huge runs.
pub const MIN_PASS_GAIN: f64 = 1e-5;

/// Runs Leiden passes from `initial` (canonical ids) or singletons until a
/// pass changes nothing, gains less than `min_pass_gain`, or `max_passes`
/// is reached. `groups[v]` is the pinned group of node `v` or [`NO_GROUP`].
fn run(
    net: &Net,
    groups: &[usize],
    params: &LeidenParams,
    initial: Option<Vec<usize>>,
) -> Vec<usize> {
    let n = net.n();
    // Without edges every node is isolated, and modularity gains are all 0/0.
    if net.total_degree.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return (0..n).collect();
    }
    let mut rng = SplitMix64::new(params.seed);
    // Splitting can only help, and guarantees connected communities even if
    // no pass improves on `initial`.
    let mut membership = split_disconnected(net, &initial.unwrap_or_else(|| (0..n).collect()));
    let mut quality = net_modularity(net, &membership, params.resolution);
    for _ in 0..params.max_passes.max(1) {
        let next = leiden_pass(net, groups, &membership, params, &mut rng);
        let next = split_disconnected(net, &next);
        if next == membership {
            break;
        }
        let next_quality = net_modularity(net, &next, params.resolution);
        // A pass never lowers quality in exact arithmetic; if rounding says
        // otherwise, keep what we had.
        if next_quality < quality {
            break;
        }
        let gain = next_quality - quality;
        membership = next;
        quality = next_quality;
        if gain < params.min_pass_gain {
            break;
        }
    }
    membership
}

/// Modularity of a (dense, `0..k`) membership of `net`, in `O(n + m)`;
/// equal to [`modularity`] on the original graph at every aggregation level.
fn net_modularity(net: &Net, membership: &[usize], resolution: f64) -> f64 {
    let k = membership.iter().map(|&c| c + 1).max().unwrap_or(0);
    let mut internal = vec![0.0f64; k];
    let mut degree = vec![0.0f64; k];
    for (v, &c) in membership.iter().enumerate() {
        degree[c] += net.degrees[v];
        // Each inner edge is seen from both ends: 2 * L_c in total.
        internal[c] += 2.0 * net.self_loops[v]
            + net.adj(v).filter(|&(u, _)| membership[u] == c).map(|(_, w)| w).sum::<f64>();
    }
    let two_m = net.total_degree;
    internal.iter().zip(&degree).map(|(&l, &d)| l / two_m - resolution * (d / two_m).powi(2)).sum()
}

/// One run of the Leiden algorithm: levels of local moving, refinement and
/// aggregation until local moving leaves every aggregate node on its own.
fn leiden_pass(
    base: &Net,
    groups: &[usize],
    initial: &[usize],
    params: &LeidenParams,
    rng: &mut SplitMix64,
) -> Vec<usize> {
    let mut current: Option<Net> = None;
    let mut level_groups = groups.to_vec();
    let mut membership = initial.to_vec();
    // Which aggregate node each original node is part of at this level.
    let mut node_to_agg: Vec<usize> = (0..base.n()).collect();
    loop {
        let net = current.as_ref().unwrap_or(base);
        move_nodes_fast(net, &level_groups, &mut membership, params.resolution, rng);
        let n_communities = renumber_dense(&mut membership);
        if n_communities == net.n() {
            break;
        }
        let mut refined = refine(net, &membership, params, rng);
        let mut n_refined = renumber_dense(&mut refined);
        if n_refined == net.n() {
            // Refinement merged nothing (possible only in degenerate cases,
            // e.g. every single merge has a negative gain although the whole
            // community has a positive one). Aggregate on the coarse partition
            // instead, as leidenalg does, so every level still shrinks the
            // graph and the loop terminates.
            refined.clone_from(&membership);
            n_refined = n_communities;
        }
        let next = aggregate(net, &refined, n_refined);
        // Start the next level from the non-refined partition: an aggregate
        // node inherits the coarse community of its members (all of them
        // share it, because refined communities nest inside coarse ones).
        let mut next_membership = vec![0usize; n_refined];
        let mut next_groups = vec![NO_GROUP; n_refined];
        for v in 0..net.n() {
            next_membership[refined[v]] = membership[v];
            if level_groups[v] != NO_GROUP {
                next_groups[refined[v]] = level_groups[v];
            }
        }
        for a in &mut node_to_agg {
            *a = refined[*a];
        }
        membership = next_membership;
        level_groups = next_groups;
        current = Some(next);
    }
    node_to_agg.iter().map(|&a| membership[a]).collect()
}

// ---------------------------------------------------------------------------
// Phase 1: fast local moving
// ---------------------------------------------------------------------------

/// True if a node pinned to `node_group` may not join a community holding
/// `community_group`.
fn conflicts(node_group: usize, community_group: usize) -> bool {
    node_group != NO_GROUP && community_group != NO_GROUP && node_group != community_group
}

/// Queue-based local moving (Leiden's `MoveNodesFast`).
///
/// Louvain sweeps over all nodes until a whole sweep changes nothing, which
/// wastes most of its time re-examining nodes whose surroundings did not
/// change. Here every node is queued once (in seeded random order); when a
/// node moves, only its neighbours outside its new community are re-queued,
/// since only their gains changed in a way that could make them want to move.
///
/// The gain of moving `v` (already removed from its community) into `C` is
/// `k_v,C - γ k_v d_C / 2m` (in edge-weight units; the constant factor `1/m`
/// does not change which move is best). An empty community is always a
/// candidate (gain 0), so a node can leave a community it no longer fits.
///
/// `membership` must use ids `0..n`; it is updated in place (ids stay `< n`).
fn move_nodes_fast(
    net: &Net,
    groups: &[usize],
    membership: &mut [usize],
    resolution: f64,
    rng: &mut SplitMix64,
) {
    let n = net.n();
    let scale = resolution / net.total_degree;
    let mut comm_degree = vec![0.0f64; n];
    let mut comm_size = vec![0usize; n];
    let mut comm_group = vec![NO_GROUP; n];
    let mut comm_pinned = vec![0usize; n];
    // A `u32` copy of the membership: it is read for every neighbour of every
    // visited node, and the smaller array stays in cache longer.
    let mut member: Vec<u32> = membership.iter().map(|&c| c as u32).collect();
    for (v, &c) in membership.iter().enumerate() {
        comm_degree[c] += net.degrees[v];
        comm_size[c] += 1;
        if groups[v] != NO_GROUP {
            comm_group[c] = groups[v];
            comm_pinned[c] += 1;
        }
    }
    // Stack of (possibly stale) empty community ids, lowest id on top.
    let mut empties: Vec<usize> = (0..n).rev().filter(|&c| comm_size[c] == 0).collect();

    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut queue: VecDeque<usize> = order.into();
    let mut queued = vec![true; n];
    let mut link = vec![0.0f64; n]; // weight from v to each community
    // The communities next to v.
    let mut next_to = FirstSeen::new(n);

    while let Some(v) = queue.pop_front() {
        queued[v] = false;
        let old = member[v] as usize;
        let kv = net.degrees[v];
        let gv = groups[v];
        next_to.start();
        for (u, w) in net.adj(v) {
            let c = member[u] as usize;
            link[c] += w;
            next_to.meet(c);
        }
        let touched = next_to.listed();

        // Take v out of its community.
        comm_degree[old] -= kv;
        comm_size[old] -= 1;
        if comm_size[old] == 0 {
            comm_degree[old] = 0.0; // no floating-point residue in empty communities
        }
        if gv != NO_GROUP {
            comm_pinned[old] -= 1;
            if comm_pinned[old] == 0 {
                comm_group[old] = NO_GROUP;
            }
        }

        let stay_gain = link[old] - scale * kv * comm_degree[old];
        let mut best: Option<(usize, f64)> = None;
        let mut consider = |c: usize, gain: f64| match best {
            Some((bc, bg)) if gain < bg || (gain == bg && c > bc) => {}
            _ => best = Some((c, gain)),
        };
        for &c in touched {
            // `gv` is tested first so unpinned nodes (the common case) never
            // touch `comm_group`.
            if c != old && (gv == NO_GROUP || !conflicts(gv, comm_group[c])) {
                consider(c, link[c] - scale * kv * comm_degree[c]);
            }
        }
        if comm_size[old] > 0 {
            // Drop stale entries: communities that were refilled after they
            // were pushed. One empty id always exists here, because the other
            // n - 1 nodes occupy at most n - 1 of the n ids.
            while let Some(&e) = empties.last() {
                if comm_size[e] == 0 {
                    break;
                }
                empties.pop();
            }
            if let Some(&e) = empties.last() {
                consider(e, 0.0);
            }
        }
        for &c in touched {
            link[c] = 0.0;
        }

        // Move only for a strict improvement: prevents endless ping-pong
        // between equally good communities.
        let target = match best {
            Some((c, gain)) if gain > stay_gain + 1e-12 * kv => c,
            _ => old,
        };
        comm_degree[target] += kv;
        comm_size[target] += 1;
        if gv != NO_GROUP {
            comm_pinned[target] += 1;
            comm_group[target] = gv;
        }
        if target != old {
            member[v] = target as u32;
            if comm_size[old] == 0 {
                empties.push(old);
            }
            for (u, _) in net.adj(v) {
                if !queued[u] && member[u] as usize != target {
                    queued[u] = true;
                    queue.push_back(u);
                }
            }
        }
    }
    for (m, &c) in membership.iter_mut().zip(&member) {
        *m = c as usize;
    }
}

// ---------------------------------------------------------------------------
// Phase 2: refinement
// ---------------------------------------------------------------------------

/// Leiden's `RefinePartition`: split each community of `membership` into
/// well-connected, connected sub-communities.
///
/// Every node starts as a singleton. Nodes are visited in seeded random
/// order; a node that is still a singleton and is *well connected* to its
/// community `S` (`E(v, S-v) >= γ k_v (d_S - k_v) / 2m`) may join a
/// sub-community `C` of `S` that it is adjacent to, provided `C` is itself
/// well connected to `S`, and only if the gain is non-negative. Among the
/// candidates (staying alone has gain 0) one is drawn with probability
/// proportional to `exp(ΔQ/θ)`: the randomness explores more of the space
/// than always taking the best merge, which the paper shows gives better
/// partitions after aggregation. Because a node only ever joins a
/// sub-community it has an edge to, every sub-community is connected.
///
/// Returns the refined membership using node ids as community ids (not dense).
fn refine(
    net: &Net,
    membership: &[usize],
    params: &LeidenParams,
    rng: &mut SplitMix64,
) -> Vec<usize> {
    let n = net.n();
    let scale = params.resolution / net.total_degree;
    let theta = params.randomness;
    let random_choice = theta.is_finite() && theta > 0.0;

    let mut comm_degree = vec![0.0f64; n];
    for (v, &c) in membership.iter().enumerate() {
        comm_degree[c] += net.degrees[v];
    }
    // Weight from each node to the rest of its own (coarse) community.
    let node_ext: Vec<f64> = (0..n)
        .map(|v| net.adj(v).filter(|&(u, _)| membership[u] == membership[v]).map(|(_, w)| w).sum())
        .collect();

    let mut refined: Vec<usize> = (0..n).collect();
    let mut sub_degree = net.degrees.clone();
    let mut sub_ext = node_ext.clone();
    let mut non_singleton = vec![false; n];

    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut link = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut candidates: Vec<(usize, f64)> = Vec::new();
    let mut cumulative: Vec<f64> = Vec::new();

    for v in order {
        // Only singletons move: once a sub-community has grown, moving its
        // members again could disconnect it.
        if non_singleton[v] || refined[v] != v {
            continue;
        }
        let s = membership[v];
        let ds = comm_degree[s];
        let kv = net.degrees[v];
        if node_ext[v] < scale * kv * (ds - kv) {
            continue;
        }
        sub_degree[v] = 0.0;
        sub_ext[v] = 0.0;
        for (u, w) in net.adj(v) {
            if membership[u] == s {
                let c = refined[u];
                if link[c] == 0.0 {
                    touched.push(c);
                }
                link[c] += w;
            }
        }

        candidates.clear();
        candidates.push((v, 0.0));
        for &c in &touched {
            let dc = sub_degree[c];
            if sub_ext[c] >= scale * dc * (ds - dc) {
                let gain = link[c] - scale * kv * dc;
                if gain >= 0.0 {
                    candidates.push((c, gain));
                }
            }
        }
        let chosen =
            if random_choice && candidates.len() > 1 {
                let max_gain = candidates.iter().map(|&(_, g)| g).fold(0.0f64, f64::max);
                cumulative.clear();
                let mut total = 0.0;
                for &(_, g) in &candidates {
                    // Weights below e^-40 cannot matter next to the best
                    // candidate's weight of 1; skipping them avoids slow
                    // underflowing `exp` calls.
                    let x = (g - max_gain) / theta;
                    if x > -40.0 {
                        total += x.exp();
                    }
                    cumulative.push(total);
                }
                let r = rng.next_f64() * total;
                let i = cumulative.partition_point(|&c| c <= r).min(candidates.len() - 1);
                candidates[i].0
            } else {
                candidates
                    .iter()
                    .fold((v, 0.0f64), |(bc, bg), &(c, g)| {
                        if g > bg || (g == bg && c < bc) { (c, g) } else { (bc, bg) }
                    })
                    .0
            };

        sub_degree[chosen] += kv;
        sub_ext[chosen] += node_ext[v] - 2.0 * link[chosen];
        if chosen != v {
            refined[v] = chosen;
            non_singleton[chosen] = true;
        }
        for &c in &touched {
            link[c] = 0.0;
        }
        touched.clear();
    }
    refined
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Splits every community into its connected components (BFS restricted to
/// the community) and renumbers canonically.
///
/// Leiden already guarantees connected communities after convergence; this
/// makes the guarantee unconditional for every pass (including a pass cut
/// short by `max_passes` or the coarse-aggregation fallback), at `O(n + m)`.
/// Splitting a community with no edges between its parts strictly increases
/// modularity, so this never costs quality.
fn split_disconnected(net: &Net, membership: &[usize]) -> Vec<usize> {
    let n = net.n();
    let mut label = vec![usize::MAX; n];
    let mut next = 0;
    let mut stack = Vec::new();
    for root in 0..n {
        if label[root] != usize::MAX {
            continue;
        }
        label[root] = next;
        stack.push(root);
        while let Some(v) = stack.pop() {
            for (u, _) in net.adj(v) {
                if label[u] == usize::MAX && membership[u] == membership[root] {
                    label[u] = next;
                    stack.push(u);
                }
            }
        }
        next += 1;
    }
    // Labels were handed out in order of each component's smallest node, so
    // they are already canonical.
    label
}

/// The distinct communities met while walking neighbours, in order of first sight. Listed without a branch
/// (the neighbours' communities are too irregular for the branch predictor): each community met is written at
/// the list's end, which advances only the first time the current walk meets it.
struct FirstSeen {
    list: Vec<usize>,
    len: usize,
    /// The walk that last met each community.
    met_in: Vec<usize>,
    walk: usize,
}

impl FirstSeen {
    /// For communities `0..n`. A walk meets at most `n - 1` distinct ones (a node's neighbours lie outside it,
    /// a row skips its own community), so the list's end never passes `n - 1` before a write.
    fn new(n: usize) -> Self {
        FirstSeen { list: vec![0; n], len: 0, met_in: vec![0; n], walk: 0 }
    }

    /// Empties the list for a new walk.
    fn start(&mut self) {
        self.walk += 1;
        self.len = 0;
    }

    /// Keeps `c` out of this walk's list.
    fn skip(&mut self, c: usize) {
        self.met_in[c] = self.walk;
    }

    fn meet(&mut self, c: usize) {
        self.list[self.len] = c;
        self.len += usize::from(self.met_in[c] != self.walk);
        self.met_in[c] = self.walk;
    }

    fn listed(&self) -> &[usize] {
        &self.list[..self.len]
    }
}

/// Renumbers ids (all `< membership.len()`) densely to `0..k` in order of
/// first appearance; returns `k`.
fn renumber_dense(membership: &mut [usize]) -> usize {
    let mut map = vec![usize::MAX; membership.len()];
    let mut k = 0;
    for c in membership.iter_mut() {
        if map[*c] == usize::MAX {
            map[*c] = k;
            k += 1;
        }
        *c = map[*c];
    }
    k
}

/// Renumbers arbitrary labels to `0..k` in order of first appearance (the
/// canonical form every public function returns).
fn canonical_labels(labels: &[usize]) -> Vec<usize> {
    let mut map: HashMap<usize, usize> = HashMap::new();
    labels
        .iter()
        .map(|&l| {
            let k = map.len();
            *map.entry(l).or_insert(k)
        })
        .collect()
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, statistically sound for
/// shuffling, and fully determined by its seed — which is all we need, and
/// keeps the crate free of a `rand` dependency.
#[derive(Clone, Debug)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..bound` (Lemire's multiply-shift; the bias is below
    /// `bound / 2^64`, irrelevant here). `bound` must be non-zero.
    fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clique(g: &mut WeightedGraph, nodes: std::ops::Range<usize>) {
        for a in nodes.clone() {
            for b in a + 1..nodes.end {
                g.add_edge(a, b, 1.0);
            }
        }
    }

    fn ring_of_cliques(n_cliques: usize, size: usize) -> WeightedGraph {
        let mut g = WeightedGraph::new(n_cliques * size);
        for c in 0..n_cliques {
            clique(&mut g, c * size..(c + 1) * size);
            let next = (c + 1) % n_cliques;
            g.add_edge(c * size, next * size + 1, 1.0);
        }
        g
    }

    /// Planted partition: `groups` groups of `size` nodes, each pair linked
    /// with probability `p_in` inside a group and `p_out` across. Returns the
    /// graph and the true group of each node.
    fn planted(
        groups: usize,
        size: usize,
        p_in: f64,
        p_out: f64,
        seed: u64,
    ) -> (WeightedGraph, Vec<usize>) {
        let n = groups * size;
        let mut rng = SplitMix64::new(seed);
        let mut g = WeightedGraph::new(n);
        for a in 0..n {
            for b in a + 1..n {
                let p = if a / size == b / size { p_in } else { p_out };
                if rng.next_f64() < p {
                    g.add_edge(a, b, 1.0);
                }
            }
        }
        (g, (0..n).map(|v| v / size).collect())
    }

    /// Sparse planted partition sampled edge by edge (no pair loop), for large
    /// graphs: each edge stays inside its group with probability `mix_in`.
    fn planted_sparse(
        n: usize,
        group_size: usize,
        n_edges: usize,
        mix_in: f64,
        seed: u64,
    ) -> WeightedGraph {
        let mut rng = SplitMix64::new(seed);
        let mut g = WeightedGraph::new(n);
        for _ in 0..n_edges {
            let a = rng.below(n);
            let b = if rng.next_f64() < mix_in {
                let base = a / group_size * group_size;
                base + rng.below(group_size.min(n - base))
            } else {
                rng.below(n)
            };
            if a != b {
                g.add_edge(a, b, 1.0);
            }
        }
        g
    }

    fn n_communities(membership: &[usize]) -> usize {
        membership.iter().map(|&c| c + 1).max().unwrap_or(0)
    }

    /// Every community induces a connected subgraph.
    fn all_connected(g: &WeightedGraph, membership: &[usize]) -> bool {
        let k = n_communities(membership);
        let mut seen = vec![false; g.n_nodes()];
        let mut components = 0;
        for root in 0..g.n_nodes() {
            if seen[root] {
                continue;
            }
            components += 1;
            seen[root] = true;
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                for (u, _) in g.neighbors(v) {
                    if !seen[u] && membership[u] == membership[root] {
                        seen[u] = true;
                        stack.push(u);
                    }
                }
            }
        }
        components == k
    }

    /// Fraction of nodes carrying the majority true label of their community.
    fn majority_accuracy(membership: &[usize], truth: &[usize]) -> f64 {
        let mut counts: HashMap<(usize, usize), usize> = HashMap::new();
        for (&c, &t) in membership.iter().zip(truth) {
            *counts.entry((c, t)).or_default() += 1;
        }
        let mut best: HashMap<usize, usize> = HashMap::new();
        for (&(c, _), &count) in &counts {
            let b = best.entry(c).or_default();
            *b = (*b).max(count);
        }
        best.values().sum::<usize>() as f64 / membership.len() as f64
    }

    fn karate() -> WeightedGraph {
        // Zachary's karate club, 0-indexed (as in networkx), 78 edges.
        const EDGES: [(usize, usize); 78] = [
            (0, 1),
            (0, 2),
            (0, 3),
            (0, 4),
            (0, 5),
            (0, 6),
            (0, 7),
            (0, 8),
            (0, 10),
            (0, 11),
            (0, 12),
            (0, 13),
            (0, 17),
            (0, 19),
            (0, 21),
            (0, 31),
            (1, 2),
            (1, 3),
            (1, 7),
            (1, 13),
            (1, 17),
            (1, 19),
            (1, 21),
            (1, 30),
            (2, 3),
            (2, 7),
            (2, 8),
            (2, 9),
            (2, 13),
            (2, 27),
            (2, 28),
            (2, 32),
            (3, 7),
            (3, 12),
            (3, 13),
            (4, 6),
            (4, 10),
            (5, 6),
            (5, 10),
            (5, 16),
            (6, 16),
            (8, 30),
            (8, 32),
            (8, 33),
            (9, 33),
            (13, 33),
            (14, 32),
            (14, 33),
            (15, 32),
            (15, 33),
            (18, 32),
            (18, 33),
            (19, 33),
            (20, 32),
            (20, 33),
            (22, 32),
            (22, 33),
            (23, 25),
            (23, 27),
            (23, 29),
            (23, 32),
            (23, 33),
            (24, 25),
            (24, 27),
            (24, 31),
            (25, 31),
            (26, 29),
            (26, 33),
            (27, 33),
            (28, 31),
            (28, 33),
            (29, 32),
            (29, 33),
            (30, 32),
            (30, 33),
            (31, 32),
            (31, 33),
            (32, 33),
        ];
        let mut g = WeightedGraph::new(34);
        for (a, b) in EDGES {
            g.add_edge(a, b, 1.0);
        }
        g
    }

    #[test]
    fn graph_accumulates_parallel_edges_and_self_loops() {
        let mut g = WeightedGraph::new(3);
        g.add_edge(0, 1, 1.0);
        g.add_edge(1, 0, 2.0);
        g.add_edge(2, 2, 1.5);
        g.add_edge(0, 2, 0.0); // ignored
        g.add_edge(0, 2, -1.0); // ignored
        g.add_edge(0, 2, f64::NAN); // ignored
        g.add_edge(0, 2, f64::INFINITY); // ignored
        assert_eq!(g.total_weight(), 4.5);
        assert_eq!(g.degree(0), 3.0);
        assert_eq!(g.degree(1), 3.0);
        assert_eq!(g.degree(2), 3.0);
        assert_eq!(g.neighbors(0).collect::<Vec<_>>(), vec![(1, 3.0)]);
        assert_eq!(g.neighbors(2).collect::<Vec<_>>(), vec![(2, 1.5)]);
        // Adding after a query invalidates the cached adjacency.
        g.add_edge(0, 2, 1.0);
        assert_eq!(g.neighbors(2).collect::<Vec<_>>(), vec![(2, 1.5), (0, 1.0)]);
    }

    #[test]
    fn two_cliques_joined_by_one_edge() {
        let mut g = WeightedGraph::new(10);
        clique(&mut g, 0..5);
        clique(&mut g, 5..10);
        g.add_edge(4, 5, 1.0);
        let m = leiden(&g, &LeidenParams::with_resolution(1.0));
        assert_eq!(m, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn ring_of_cliques_gives_one_community_per_clique() {
        let g = ring_of_cliques(8, 5);
        let m = leiden(&g, &LeidenParams::with_resolution(1.0));
        let expected: Vec<usize> = (0..40).map(|v| v / 5).collect();
        assert_eq!(m, expected);
    }

    #[test]
    fn karate_club_reaches_known_modularity() {
        let g = karate();
        assert_eq!(g.total_weight(), 78.0);
        assert_eq!(g.degree(33), 17.0);
        for seed in [1, 42, 7777] {
            let params = LeidenParams { seed, ..LeidenParams::with_resolution(1.0) };
            let m = leiden(&g, &params);
            let q = modularity(&g, &m, 1.0);
            assert!(q >= 0.41, "seed {seed}: modularity {q}");
            assert!(q <= 0.41979 + 1e-4, "above the known optimum: {q}");
            assert!(all_connected(&g, &m));
        }
    }

    #[test]
    fn deterministic_for_a_seed() {
        for seed in 0..4 {
            let g = planted_sparse(600, 30, 3000, 0.6, seed);
            let params = LeidenParams { seed: seed + 100, ..LeidenParams::with_resolution(1.0) };
            let a = leiden(&g, &params);
            let b = leiden(&g, &params);
            assert_eq!(a, b);
            assert_eq!(leiden_constrained(&g, &params, &vec![None; 600]), a);
        }
    }

    #[test]
    fn communities_are_connected_on_a_planted_graph() {
        let (g, _) = planted(40, 50, 0.15, 0.004, 9);
        assert_eq!(g.n_nodes(), 2000);
        for resolution in [0.5, 1.0, 2.0] {
            let m = leiden(&g, &LeidenParams::with_resolution(resolution));
            assert!(all_connected(&g, &m), "resolution {resolution}");
        }
        // Sparse graphs, where disconnection is most likely.
        let g = planted_sparse(2000, 40, 3000, 0.7, 3);
        let m = leiden(&g, &LeidenParams::with_resolution(1.0));
        assert!(all_connected(&g, &m));
    }

    #[test]
    fn planted_partition_is_recovered() {
        let (g, truth) = planted(20, 50, 0.3, 0.01, 2024);
        let m = leiden(&g, &LeidenParams::with_resolution(1.0));
        let accuracy = majority_accuracy(&m, &truth);
        assert!(accuracy >= 0.98, "accuracy {accuracy}");
        assert_eq!(n_communities(&m), 20);
        let truth_q = modularity(&g, &truth, 1.0);
        assert!(modularity(&g, &m, 1.0) >= truth_q - 1e-9);
        // Starting from the truth never makes it worse.
        let from_truth = leiden_from(&g, &LeidenParams::with_resolution(1.0), &truth);
        assert!(modularity(&g, &from_truth, 1.0) >= truth_q - 1e-12);
    }

    #[test]
    fn empty_single_and_isolated_nodes() {
        let params = LeidenParams::with_resolution(1.0);
        let empty = WeightedGraph::new(0);
        assert!(leiden(&empty, &params).is_empty());
        assert_eq!(modularity(&empty, &[], 1.0), 0.0);
        assert!(leiden_constrained(&empty, &params, &[]).is_empty());

        let single = WeightedGraph::new(1);
        assert_eq!(leiden(&single, &params), vec![0]);
        let mut looped = WeightedGraph::new(1);
        looped.add_edge(0, 0, 2.0);
        assert_eq!(leiden(&looped, &params), vec![0]);

        let mut zero = WeightedGraph::new(4);
        zero.add_edge(0, 1, 0.0);
        assert_eq!(leiden(&zero, &params), vec![0, 1, 2, 3]);
        assert_eq!(modularity(&zero, &[0, 0, 0, 0], 1.0), 0.0);

        // Isolated nodes stay singletons, even when started inside a community.
        let mut g = WeightedGraph::new(7);
        clique(&mut g, 1..4);
        let m = leiden(&g, &params);
        assert_eq!(m, vec![0, 1, 1, 1, 2, 3, 4]);
        let m = leiden_from(&g, &params, &[9; 7]);
        assert_eq!(m, vec![0, 1, 1, 1, 2, 3, 4]);
    }

    #[test]
    fn modularity_matches_hand_computed_values() {
        // Two triangles joined by one edge: m = 7, degrees 2,2,3 | 3,2,2.
        let mut g = WeightedGraph::new(6);
        clique(&mut g, 0..3);
        clique(&mut g, 3..6);
        g.add_edge(2, 3, 1.0);
        let split = [0, 0, 0, 1, 1, 1];
        // 2 * (3/7 - (7/14)^2) = 6/7 - 1/2
        assert!((modularity(&g, &split, 1.0) - (6.0 / 7.0 - 0.5)).abs() < 1e-12);
        assert!((modularity(&g, &split, 0.5) - (6.0 / 7.0 - 0.25)).abs() < 1e-12);
        // One community: 7/7 - 1 = 0. Labels are arbitrary.
        assert!(modularity(&g, &[5; 6], 1.0).abs() < 1e-12);
        // Singletons: -(4+4+9+9+4+4)/196.
        let singletons = [10, 11, 12, 13, 14, 15];
        assert!((modularity(&g, &singletons, 1.0) + 34.0 / 196.0).abs() < 1e-12);
        // Leiden finds the split.
        assert_eq!(leiden(&g, &LeidenParams::with_resolution(1.0)), split.to_vec());

        // Self-loop: edge 0-1 (w 1) and loop at 0 (w 1): m = 2, d0 = 3, d1 = 1.
        let mut g = WeightedGraph::new(2);
        g.add_edge(0, 1, 1.0);
        g.add_edge(0, 0, 1.0);
        assert!(modularity(&g, &[0, 0], 1.0).abs() < 1e-12);
        // (1/2 - 9/16) + (0 - 1/16) = -1/8
        assert!((modularity(&g, &[0, 1], 1.0) + 0.125).abs() < 1e-12);
    }

    #[test]
    fn higher_resolution_gives_at_least_as_many_communities() {
        let (g, _) = planted(20, 50, 0.3, 0.01, 77);
        let mut previous = 0;
        for resolution in [0.05, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0] {
            let m = leiden(&g, &LeidenParams::with_resolution(resolution));
            let k = n_communities(&m);
            assert!(k >= previous, "resolution {resolution}: {k} < {previous}");
            previous = k;
        }
        assert!(previous > 20);
    }

    #[test]
    fn leiden_from_improves_a_given_partition() {
        let g = ring_of_cliques(6, 4);
        let params = LeidenParams::with_resolution(1.0);
        let expected: Vec<usize> = (0..24).map(|v| v / 4).collect();
        // Everything in one community, or pairs of cliques glued together.
        assert_eq!(leiden_from(&g, &params, &[0; 24]), expected);
        let pairs: Vec<usize> = (0..24).map(|v| v / 8 + 100).collect();
        assert_eq!(leiden_from(&g, &params, &pairs), expected);
    }

    #[test]
    fn constrained_honours_fixed_groups() {
        let mut g = WeightedGraph::new(10);
        clique(&mut g, 0..5);
        clique(&mut g, 5..10);
        g.add_edge(4, 5, 1.0);
        let params = LeidenParams::with_resolution(1.0);
        let mut fixed = vec![None; 10];
        fixed[0] = Some(7); // node 0 and node 9 are pinned together...
        fixed[9] = Some(7);
        fixed[1] = Some(3); // ...and 1 and 2 are pinned apart.
        fixed[2] = Some(4);
        let m = leiden_constrained(&g, &params, &fixed);
        assert_eq!(m[0], m[9]);
        assert_ne!(m[1], m[2]);
        assert_ne!(m[0], m[1]);

        // No pins: same as plain Leiden.
        assert_eq!(leiden_constrained(&g, &params, &[None; 10]), leiden(&g, &params));

        // Random pins on a planted graph: every constraint holds.
        let (g, _) = planted(10, 30, 0.3, 0.02, 5);
        let mut rng = SplitMix64::new(11);
        let fixed: Vec<Option<usize>> =
            (0..300).map(|_| (rng.next_f64() < 0.1).then(|| rng.below(6))).collect();
        let m = leiden_constrained(&g, &params, &fixed);
        for a in 0..300 {
            for b in 0..300 {
                if let (Some(ga), Some(gb)) = (fixed[a], fixed[b]) {
                    assert_eq!(ga == gb, m[a] == m[b], "nodes {a} and {b}");
                }
            }
        }
        assert!(modularity(&g, &m, 1.0) > 0.0);
    }
}
