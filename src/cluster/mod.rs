//! Clustering: from the module graph to a [`Proposal`] of services.
//!
//! The modules that take part are the graph's nodes that hold code of their own and touch at least one other
//! module; a module that only declares submodules, or is isolated, is kept out with a stated reason. Leiden
//! runs on the undirected coupling graph over a sweep of resolutions, from coarse to fine; the proposal is the
//! decomposition with the best modularity (γ = 1), or, with `--services N`, the one whose service count is
//! closest to N (ties: better modularity). Every run uses the same seed, so the proposal is deterministic.
//!
//! Two kinds of module would glue every feature together if clustered like the others, so they are set apart
//! first (`hubs`): the *shared kernel* (error types, the database pool, utilities: used from most clusters,
//! depending on little) and the *composition roots* (`main`, the router, the app state: reaching into most
//! clusters, used by little). This is Bunch's "omnipresent module" idea (Mancoridis et al. 1999) with the
//! cluster-spread rule of `hubs`, computed on a first clustering; the final proposal clusters the rest.
//!
//! Invariant: this stage never reads files or syntax; it sees the graph and the resolved module list.

pub mod compare;
mod hubs;
pub mod leiden;
mod naming;

use std::collections::BTreeMap;

use crate::graph::{ModuleGraph, coupling};
use crate::resolve::{ModuleId, Resolved};

use leiden::{LeidenParams, WeightedGraph, modularity};

/// Resolutions tried, from coarse (few large services) to fine (many small ones).
const SWEEP: [f64; 16] =
    [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6, 2.0, 2.5, 3.0, 4.0];
const SEED: u64 = 42;

/// Why a module is not part of any proposed service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeptOut {
    /// Test-only code (`#[cfg(test)]`, tests/, benches/, examples/).
    TestOnly,
    /// The module holds no item of its own: only `mod` declarations and imports.
    DeclaresOnly,
    /// No dependency to or from any other module of the proposal.
    Isolated,
    /// Used from most services while depending on little: a shared library / platform candidate.
    SharedKernel,
    /// Reaches into most services while little depends on it: wiring (`main`, routers, app state).
    Composition,
}

impl KeptOut {
    pub fn as_str(self) -> &'static str {
        match self {
            KeptOut::TestOnly => "test-only code",
            KeptOut::DeclaresOnly => "declares submodules only",
            KeptOut::Isolated => "no dependency to or from other modules",
            KeptOut::SharedKernel => "shared kernel: used by most services, depends on little",
            KeptOut::Composition => "composition root: wires most services together",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    /// Stable slug (`orders`, `catalog-book`); unique in the proposal.
    pub id: String,
    /// Readable name from the service's dominant feature words.
    pub name: String,
    /// Modules, in module order.
    pub modules: Vec<ModuleId>,
    pub code_lines: u32,
}

/// One point of the resolution sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    pub resolution: f64,
    pub services: usize,
    /// Modularity at γ = 1 of this decomposition, comparable across the sweep.
    pub modularity: f64,
}

#[derive(Debug, Clone)]
pub struct Proposal {
    /// Services ordered by size (largest first), then name.
    pub services: Vec<Service>,
    /// Per module: the index of its service, or why it is kept out.
    pub assignment: Vec<Result<usize, KeptOut>>,
    pub modularity: f64,
    pub resolution: f64,
    pub sweep: Vec<SweepPoint>,
}

impl Proposal {
    pub fn service_of(&self, module: ModuleId) -> Option<usize> {
        self.assignment.get(module.index()).and_then(|a| a.ok())
    }
}

pub fn propose(
    resolved: &Resolved,
    graph: &ModuleGraph,
    target_services: Option<usize>,
) -> Proposal {
    let n_modules = resolved.modules.len();
    let mut has_items = vec![false; n_modules];
    for item in &resolved.items {
        has_items[item.module.index()] = true;
    }

    // Undirected coupling between participating modules.
    let mut assignment: Vec<Result<usize, KeptOut>> = (0..n_modules)
        .map(|i| match graph.node(ModuleId(i as u32)) {
            None => Err(KeptOut::TestOnly),
            Some(_) if !has_items[i] => Err(KeptOut::DeclaresOnly),
            Some(_) => Ok(0),
        })
        .collect();
    let directed = directed_edges(graph, &assignment);

    // Hubs (shared kernel, composition roots) are judged against a clustering of everything else.
    let participating: Vec<bool> = assignment.iter().map(Result::is_ok).collect();
    let neighbours = hubs::Neighbours::new(n_modules, &directed, &participating);
    let candidates = hubs::candidates(&neighbours, &participating);
    let mut without_candidates = assignment.clone();
    for &module in &candidates {
        without_candidates[module] = Err(KeptOut::SharedKernel);
    }
    let clean = sweep_and_choose(n_modules, &directed, &without_candidates, None);
    for (module, role) in hubs::judge(&neighbours, &candidates, &clean.membership_by_module) {
        assignment[module] = Err(role);
    }
    // The proposal proper.
    let chosen = sweep_and_choose(n_modules, &directed, &assignment, target_services);
    for (i, slot) in assignment.iter_mut().enumerate() {
        if slot.is_ok() && chosen.membership_by_module[i].is_none() {
            *slot = Err(KeptOut::Isolated);
        }
    }
    let (resolution, quality, sweep) = (chosen.resolution, chosen.modularity, chosen.sweep);
    let count = chosen.membership_by_module.iter().flatten().copied().max().map_or(0, |m| m + 1);
    let mut groups: Vec<Vec<ModuleId>> = vec![Vec::new(); count];
    for (module, community) in chosen.membership_by_module.iter().enumerate() {
        if let Some(community) = community {
            groups[*community].push(ModuleId(module as u32));
        }
    }

    // Services, named and ordered.
    let names = naming::name_services(resolved, &groups);
    let mut services: Vec<Service> = groups
        .into_iter()
        .zip(names)
        .map(|(modules, (id, name))| {
            let code_lines = modules.iter().map(|m| resolved.module(*m).code_lines).sum();
            Service { id, name, modules, code_lines }
        })
        .collect();
    services.sort_by(|a, b| b.code_lines.cmp(&a.code_lines).then_with(|| a.id.cmp(&b.id)));
    for (index, service) in services.iter().enumerate() {
        for module in &service.modules {
            assignment[module.index()] = Ok(index);
        }
    }
    Proposal { services, assignment, modularity: quality, resolution, sweep }
}

/// Directed coupling between two modules that take part: `(from, to) → coupling`.
fn directed_edges(
    graph: &ModuleGraph,
    assignment: &[Result<usize, KeptOut>],
) -> BTreeMap<(usize, usize), f64> {
    let mut res = BTreeMap::new();
    for edge in graph.graph.edge_indices() {
        let Some((a, b)) = graph.graph.edge_endpoints(edge) else { continue };
        let (a, b) = (graph.module(a).index(), graph.module(b).index());
        if a != b && assignment[a].is_ok() && assignment[b].is_ok() {
            *res.entry((a, b)).or_default() += coupling(&graph.graph[edge]);
        }
    }
    res
}

/// A chosen decomposition of the modules still taking part.
struct Clustering {
    /// Per module: its community, or `None` when it takes no part (kept out, or no edge to another member).
    membership_by_module: Vec<Option<usize>>,
    resolution: f64,
    modularity: f64,
    sweep: Vec<SweepPoint>,
}

/// Runs Leiden over the resolution sweep on the members' undirected coupling graph and picks one result.
fn sweep_and_choose(
    n_modules: usize,
    directed: &BTreeMap<(usize, usize), f64>,
    assignment: &[Result<usize, KeptOut>],
    target_services: Option<usize>,
) -> Clustering {
    let mut pair_weight: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (&(a, b), &w) in directed {
        if assignment[a].is_ok() && assignment[b].is_ok() {
            *pair_weight.entry((a.min(b), a.max(b))).or_default() += w;
        }
    }
    let mut node_of = vec![usize::MAX; n_modules];
    let mut members: Vec<usize> = Vec::new();
    for &(a, b) in pair_weight.keys() {
        for m in [a, b] {
            if node_of[m] == usize::MAX {
                node_of[m] = 0;
                members.push(m);
            }
        }
    }
    members.sort_unstable();
    for (node, &module) in members.iter().enumerate() {
        node_of[module] = node;
    }
    let mut weighted = WeightedGraph::new(members.len());
    for (&(a, b), &w) in &pair_weight {
        weighted.add_edge(node_of[a], node_of[b], w);
    }

    let mut runs: Vec<(f64, Vec<usize>, usize, f64)> = Vec::new();
    for &resolution in &SWEEP {
        let params = LeidenParams { seed: SEED, ..LeidenParams::with_resolution(resolution) };
        let membership = leiden::leiden(&weighted, &params);
        let count = membership.iter().copied().max().map_or(0, |m| m + 1);
        let quality = modularity(&weighted, &membership, 1.0);
        runs.push((resolution, membership, count, quality));
    }
    let sweep = runs
        .iter()
        .map(|(resolution, _, services, modularity)| SweepPoint {
            resolution: *resolution,
            services: *services,
            modularity: *modularity,
        })
        .collect();
    let chosen = match target_services {
        Some(target) => runs.iter().min_by(|a, b| {
            let da = a.2.abs_diff(target);
            let db = b.2.abs_diff(target);
            da.cmp(&db).then(b.3.total_cmp(&a.3))
        }),
        None => runs.iter().max_by(|a, b| a.3.total_cmp(&b.3).then(b.0.total_cmp(&a.0))),
    };
    let mut membership_by_module = vec![None; n_modules];
    let (resolution, modularity) = match chosen {
        Some((resolution, membership, _, quality)) => {
            for (node, &community) in membership.iter().enumerate() {
                membership_by_module[members[node]] = Some(community);
            }
            (*resolution, *quality)
        }
        None => (1.0, 0.0),
    };
    Clustering { membership_by_module, resolution, modularity, sweep }
}
