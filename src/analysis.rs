//! [`Analysis`]: the finished, inert result of a run, from which every output is rendered.
//!
//! It also derives the few aggregates that several outputs need (the service-to-service dependencies), so the
//! report stage only formats and never decides.

use std::collections::BTreeMap;

use crate::cluster::Proposal;
use crate::cluster::granularity::{self, ModuleSplit};
use crate::cluster::metrics::{self, Metrics};
use crate::config::RiskThresholds;
use crate::data_access::DataAccess;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::discover::Workspace;
use crate::graph::ModuleGraph;
use crate::resolve::{DependencyKind, Resolved};
use crate::risks::{self, Risk, RiskInput};

/// Dependencies from one proposed service to another, summed over their modules.
#[derive(Debug, Clone)]
pub struct ServiceEdge {
    pub from: usize,
    pub to: usize,
    pub counts: BTreeMap<DependencyKind, u32>,
    /// Indices into `Resolved::references`.
    pub evidence: Vec<u32>,
}

impl ServiceEdge {
    pub fn total(&self) -> u32 {
        self.counts.values().sum()
    }
}

#[derive(Debug)]
pub struct Analysis {
    pub workspace: Workspace,
    pub resolved: Resolved,
    pub data: DataAccess,
    pub graph: ModuleGraph,
    pub proposal: Proposal,
    pub metrics: Metrics,
    /// Modules that mix features, with the items that belong to each service.
    pub splits: Vec<ModuleSplit>,
    pub service_edges: Vec<ServiceEdge>,
    /// Sorted by severity, kind and subject.
    pub risks: Vec<Risk>,
    /// The order in which to extract the services (MonolithFirst).
    pub plan: Vec<crate::plan::PlanStep>,
    /// Distributed-monolith score of the whole split (0–100), and of each service.
    pub score: f64,
    pub service_scores: Vec<f64>,
    /// Sorted, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn new(
        workspace: Workspace,
        resolved: Resolved,
        data: DataAccess,
        graph: ModuleGraph,
        proposal: Proposal,
        thresholds: RiskThresholds,
        mut diagnostics: Diagnostics,
    ) -> Analysis {
        let mut edges: BTreeMap<(usize, usize), ServiceEdge> = BTreeMap::new();
        for edge in graph.graph.edge_indices() {
            let Some((a, b)) = graph.graph.edge_endpoints(edge) else {
                continue;
            };
            let from = proposal.service_of(graph.module(a));
            let to = proposal.service_of(graph.module(b));
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if from == to {
                continue;
            }
            let data = &graph.graph[edge];
            let service_edge = edges.entry((from, to)).or_insert_with(|| ServiceEdge {
                from,
                to,
                counts: BTreeMap::new(),
                evidence: Vec::new(),
            });
            for (kind, count) in &data.counts {
                *service_edge.counts.entry(*kind).or_default() += count;
            }
            service_edge.evidence.extend(&data.evidence);
        }
        let service_edges: Vec<ServiceEdge> = edges
            .into_values()
            .map(|mut e| {
                e.evidence.sort_unstable();
                e
            })
            .collect();
        if resolved.stats.unresolved > 0 {
            let examples: Vec<String> = resolved
                .stats
                .unresolved_examples
                .iter()
                .map(|(file, line, path)| {
                    format!("{}:{line} `{path}`", workspace.file(*file).rel_path)
                })
                .collect();
            diagnostics.push(
                crate::diagnostics::Severity::Info,
                "resolve",
                "",
                0,
                format!(
                    "{} multi-segment paths named nothing the resolver could see (items made by macros or \
                     build scripts, or crates not declared in a Cargo.toml), e.g. {}",
                    resolved.stats.unresolved,
                    examples.join(", ")
                ),
            );
        }
        // Metrics, granularity splits and risks (then the plan, which reads them) depend on nothing but what is
        // above: computed side by side.
        let ((metrics, splits), (risks, plan)) = rayon::join(
            || {
                rayon::join(
                    || metrics::compute(&resolved, &graph, &proposal, &data),
                    || granularity::split_modules(&resolved, &proposal),
                )
            },
            || {
                let risks = risks::assess(&RiskInput {
                    workspace: &workspace,
                    resolved: &resolved,
                    data: &data,
                    graph: &graph,
                    proposal: &proposal,
                    service_edges: &service_edges,
                    thresholds,
                });
                let plan = crate::plan::plan(&resolved, &data, &proposal, &service_edges, &risks);
                (risks, plan)
            },
        );
        let score = risks::score(&risks);
        let service_scores = (0..proposal.services.len())
            .map(|s| risks::score(risks.iter().filter(|r| r.services.contains(&s))))
            .collect();
        Analysis {
            workspace,
            resolved,
            data,
            metrics,
            splits,
            risks,
            plan,
            score,
            service_scores,
            graph,
            proposal,
            service_edges,
            diagnostics: diagnostics.into_sorted(),
        }
    }
}
