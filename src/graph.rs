//! The module dependency graph: node = module, edge = how much one module depends on another.
//!
//! Each directed edge keeps its reference counts by [`DependencyKind`] and the indices of the resolved
//! references behind it (the evidence a reviewer checks). The clustering sees an undirected *coupling*
//! strength per module pair, derived here in one documented place ([`coupling`]).
//!
//! Invariant: the graph stage does no IO and reads no syntax; it only reshapes what `resolve` found.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::resolve::{DependencyKind, ModuleId, Resolved};

#[derive(Debug, Clone, Default)]
pub struct Edge {
    /// References by kind; weak references (from macro arguments, or method calls resolved by name) included.
    pub counts: BTreeMap<DependencyKind, u32>,
    /// How many of the references are weak.
    pub weak: u32,
    /// Indices into [`Resolved::references`], in sorted order.
    pub evidence: Vec<u32>,
}

impl Edge {
    pub fn total(&self) -> u32 {
        self.counts.values().sum()
    }
}

#[derive(Debug)]
pub struct ModuleGraph {
    /// Directed: an edge `a → b` means code in `a` names something in `b`.
    pub graph: DiGraph<ModuleId, Edge>,
    /// The node of each module, `None` for modules kept out (test-only code, unless asked for).
    pub node_of: Vec<Option<NodeIndex>>,
}

impl ModuleGraph {
    pub fn node(&self, module: ModuleId) -> Option<NodeIndex> {
        self.node_of.get(module.index()).copied().flatten()
    }

    pub fn module(&self, node: NodeIndex) -> ModuleId {
        self.graph[node]
    }
}

/// Builds the graph from the resolved references; test-only modules and references are left out unless
/// `include_tests`.
pub fn build(resolved: &Resolved, include_tests: bool) -> ModuleGraph {
    let mut graph = DiGraph::new();
    let node_of: Vec<Option<NodeIndex>> = resolved
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| (include_tests || !m.test_only).then(|| graph.add_node(ModuleId(i as u32))))
        .collect();
    let mut edges: BTreeMap<(NodeIndex, NodeIndex), Edge> = BTreeMap::new();
    for (index, reference) in resolved.references.iter().enumerate() {
        if reference.test_only && !include_tests {
            continue;
        }
        let (Some(from), Some(to)) =
            (node_of[reference.from.index()], node_of[reference.to.index()])
        else {
            continue;
        };
        let edge = edges.entry((from, to)).or_default();
        *edge.counts.entry(reference.kind).or_default() += 1;
        edge.weak += u32::from(reference.weak);
        edge.evidence.push(index as u32);
    }
    for ((from, to), edge) in edges {
        graph.add_edge(from, to, edge);
    }
    ModuleGraph { graph, node_of }
}

/// How strongly a dependency kind ties two modules together. Calls, struct literals and impls need the other
/// module's internals; types and patterns need its data shapes; an import alone, a macro argument or a method
/// call matched by name is weaker evidence.
pub fn kind_weight(kind: DependencyKind) -> f64 {
    match kind {
        DependencyKind::Call | DependencyKind::Construct | DependencyKind::Impl => 1.0,
        DependencyKind::Type => 0.8,
        DependencyKind::Pattern | DependencyKind::Value => 0.6,
        DependencyKind::Import | DependencyKind::Method => 0.5,
        DependencyKind::Macro => 0.3,
    }
}

/// Coupling strength of one directed edge: Σ over kinds of `kind_weight × ln(1 + count)`. The logarithm keeps
/// one module that calls another a hundred times from outweighing ten modules that each call it a few times;
/// weak references count half.
pub fn coupling(edge: &Edge) -> f64 {
    let total = edge.total().max(1) as f64;
    let weak_share = edge.weak as f64 / total;
    let strength: f64 =
        edge.counts.iter().map(|(kind, &n)| kind_weight(*kind) * (1.0 + n as f64).ln()).sum();
    strength * (1.0 - 0.5 * weak_share)
}
