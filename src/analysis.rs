//! [`Analysis`]: the finished, inert result of a run, from which every output is rendered.
//!
//! It also derives the few aggregates that several outputs need (the service-to-service dependencies), so the
//! report stage only formats and never decides.

use std::collections::BTreeMap;

use crate::cluster::Proposal;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::discover::Workspace;
use crate::graph::ModuleGraph;
use crate::resolve::{DependencyKind, Resolved};

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
    pub graph: ModuleGraph,
    pub proposal: Proposal,
    pub service_edges: Vec<ServiceEdge>,
    /// Sorted, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn new(
        workspace: Workspace,
        resolved: Resolved,
        graph: ModuleGraph,
        proposal: Proposal,
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
        let service_edges = edges
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
        Analysis {
            workspace,
            resolved,
            graph,
            proposal,
            service_edges,
            diagnostics: diagnostics.into_sorted(),
        }
    }
}
