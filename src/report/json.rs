//! `report.json`, schema version 1: the stable, machine-readable contract.
//!
//! The contract has its own types, separate from the internal model (rust-analyzer's rule: a serializable
//! type is an interface), so internals can change without changing a byte of the format. Later versions add
//! fields; none of the fields here may change meaning. Every list is sorted, so the file is byte-identical for
//! the same input.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::discover::TargetKind;

pub const SCHEMA_VERSION: u32 = 1;
/// Evidence listed per dependency at most; `evidence_total` gives the full count.
const MAX_EVIDENCE_PER_DEPENDENCY: usize = 25;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub input: Input,
    pub summary: Summary,
    pub modules: Vec<ModuleEntry>,
    pub services: Vec<ServiceEntry>,
    pub dependencies: Vec<DependencyEntry>,
    pub service_dependencies: Vec<DependencyEntry>,
    pub risks: Vec<serde_json::Value>,
    pub metrics: Metrics,
    pub sweep: Vec<SweepEntry>,
    pub external_dependencies: BTreeMap<String, BTreeMap<String, u32>>,
    pub orphans: Vec<String>,
    pub diagnostics: Vec<DiagnosticEntry>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Input {
    /// The analysed path as given on the command line.
    pub path: String,
    pub crates: Vec<CrateEntry>,
}

#[derive(Debug, Serialize)]
pub struct CrateEntry {
    pub name: String,
    pub package: String,
    pub kind: &'static str,
    pub root: String,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub packages: usize,
    pub files: usize,
    pub modules: usize,
    pub code_lines: u64,
    pub services: usize,
    pub kept_out_modules: usize,
    pub module_dependencies: usize,
    pub references: usize,
    pub diagnostics: usize,
}

#[derive(Debug, Serialize)]
pub struct ModuleEntry {
    pub id: String,
    #[serde(rename = "crate")]
    pub krate: String,
    pub file: String,
    /// Line of an inline module's `mod` keyword; 1 for file modules.
    pub line: u32,
    pub lines: u32,
    /// The service id, or null when kept out of the proposal.
    pub service: Option<String>,
    /// Why the module is not in a service (absent when it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_out: Option<&'static str>,
    pub test_only: bool,
}

#[derive(Debug, Serialize)]
pub struct ServiceEntry {
    pub id: String,
    pub name: String,
    pub modules: Vec<String>,
    pub lines: u32,
}

#[derive(Debug, Serialize)]
pub struct DependencyEntry {
    pub from: String,
    pub to: String,
    /// Number of references behind the dependency.
    pub weight: u32,
    pub kinds: BTreeMap<&'static str, u32>,
    pub evidence_total: usize,
    pub evidence: Vec<EvidenceEntry>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceEntry {
    pub file: String,
    pub line: u32,
    pub kind: &'static str,
    /// The item holding the reference (`Type::method`, `function`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_item: Option<String>,
    /// The item referred to, as a path.
    pub to: String,
    /// Lower confidence: read from macro arguments, or a method call matched by name.
    pub weak: bool,
}

#[derive(Debug, Serialize)]
pub struct Metrics {
    /// Newman-Girvan modularity (γ = 1) of the proposal on the weighted coupling graph.
    pub modularity: f64,
    /// The Leiden resolution of the chosen decomposition.
    pub resolution: f64,
}

#[derive(Debug, Serialize)]
pub struct SweepEntry {
    pub resolution: f64,
    pub services: usize,
    pub modularity: f64,
}

#[derive(Debug, Serialize)]
pub struct DiagnosticEntry {
    pub file: String,
    pub line: u32,
    pub severity: &'static str,
    pub category: &'static str,
    pub message: String,
}

/// Rounds a float to 4 decimals so that the last bits of a sum never change the file.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

impl Report {
    pub fn from_analysis(analysis: &Analysis) -> Report {
        let workspace = &analysis.workspace;
        let resolved = &analysis.resolved;
        let proposal = &analysis.proposal;
        let module_path = |m: crate::resolve::ModuleId| resolved.module(m).path.clone();

        let mut crates: Vec<CrateEntry> = workspace
            .packages
            .iter()
            .flat_map(|package| {
                package.targets.iter().map(move |target| CrateEntry {
                    name: target.crate_name.clone(),
                    package: package.name.clone(),
                    kind: match target.kind {
                        TargetKind::Lib => "lib",
                        TargetKind::Bin => "bin",
                        TargetKind::Test => "test",
                        TargetKind::Bench => "bench",
                        TargetKind::Example => "example",
                    },
                    root: workspace.file(target.root).rel_path.clone(),
                })
            })
            .collect();
        crates.sort_by(|a, b| a.root.cmp(&b.root));

        let mut modules: Vec<ModuleEntry> = resolved
            .modules
            .iter()
            .enumerate()
            .map(|(index, module)| {
                let assignment = proposal.assignment[index];
                let file = workspace.file(module.file).rel_path.clone();
                ModuleEntry {
                    id: module.path.clone(),
                    krate: workspace.packages[module.package].name.clone(),
                    file,
                    line: module.line,
                    lines: module.code_lines,
                    service: assignment.ok().map(|s| proposal.services[s].id.clone()),
                    kept_out: assignment.err().map(|reason| reason.as_str()),
                    test_only: module.test_only,
                }
            })
            .collect();
        modules.sort_by(|a, b| a.id.cmp(&b.id));

        let services: Vec<ServiceEntry> = proposal
            .services
            .iter()
            .map(|service| {
                let mut modules: Vec<String> =
                    service.modules.iter().map(|m| module_path(*m)).collect();
                modules.sort();
                ServiceEntry {
                    id: service.id.clone(),
                    name: service.name.clone(),
                    modules,
                    lines: service.code_lines,
                }
            })
            .collect();

        let evidence = |indices: &[u32]| -> Vec<EvidenceEntry> {
            indices
                .iter()
                .take(MAX_EVIDENCE_PER_DEPENDENCY)
                .map(|&i| {
                    let r = &resolved.references[i as usize];
                    let from_item = r.from_item.map(|id| item_label(resolved, id));
                    let to = match r.to_item {
                        Some(item) => {
                            format!("{}::{}", resolved.module(r.to).path, resolved.item(item).name)
                        }
                        None => resolved.module(r.to).path.clone(),
                    };
                    EvidenceEntry {
                        file: workspace.file(r.file).rel_path.clone(),
                        line: r.line,
                        kind: r.kind.as_str(),
                        from_item,
                        to,
                        weak: r.weak,
                    }
                })
                .collect()
        };
        let kinds = |counts: &BTreeMap<crate::resolve::DependencyKind, u32>| {
            counts.iter().map(|(k, v)| (k.as_str(), *v)).collect::<BTreeMap<_, _>>()
        };

        let graph = &analysis.graph.graph;
        let mut dependencies: Vec<DependencyEntry> = graph
            .edge_indices()
            .filter_map(|edge| {
                let (a, b) = graph.edge_endpoints(edge)?;
                let data = &graph[edge];
                Some(DependencyEntry {
                    from: module_path(graph[a]),
                    to: module_path(graph[b]),
                    weight: data.total(),
                    kinds: kinds(&data.counts),
                    evidence_total: data.evidence.len(),
                    evidence: evidence(&data.evidence),
                })
            })
            .collect();
        dependencies.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.to.cmp(&b.to)));

        let mut service_dependencies: Vec<DependencyEntry> = analysis
            .service_edges
            .iter()
            .map(|edge| DependencyEntry {
                from: proposal.services[edge.from].id.clone(),
                to: proposal.services[edge.to].id.clone(),
                weight: edge.total(),
                kinds: kinds(&edge.counts),
                evidence_total: edge.evidence.len(),
                evidence: evidence(&edge.evidence),
            })
            .collect();
        service_dependencies.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.to.cmp(&b.to)));

        let external_dependencies = workspace
            .packages
            .iter()
            .zip(&resolved.external)
            .filter(|(_, deps)| !deps.is_empty())
            .map(|(package, deps)| (package.name.clone(), deps.clone()))
            .collect();

        let mut orphans: Vec<String> =
            resolved.orphans.iter().map(|f| workspace.file(*f).rel_path.clone()).collect();
        orphans.extend(workspace.files_outside_packages.iter().cloned());
        orphans.sort();

        let diagnostics: Vec<DiagnosticEntry> = analysis
            .diagnostics
            .iter()
            .map(|d| DiagnosticEntry {
                file: d.file.clone(),
                line: d.line,
                severity: d.severity.as_str(),
                category: d.category,
                message: d.message.clone(),
            })
            .collect();

        let kept_out_modules = proposal.assignment.iter().filter(|a| a.is_err()).count();
        let summary = Summary {
            packages: workspace.packages.len(),
            files: workspace.files.len(),
            modules: resolved.modules.len(),
            code_lines: resolved.modules.iter().map(|m| u64::from(m.code_lines)).sum(),
            services: services.len(),
            kept_out_modules,
            module_dependencies: dependencies.len(),
            references: resolved.references.len(),
            diagnostics: diagnostics.len(),
        };

        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: "decompose", version: env!("CARGO_PKG_VERSION") },
            input: Input { path: workspace.display_root.clone(), crates },
            summary,
            modules,
            services,
            dependencies,
            service_dependencies,
            risks: Vec::new(),
            metrics: Metrics {
                modularity: round(proposal.modularity),
                resolution: round(proposal.resolution),
            },
            sweep: proposal
                .sweep
                .iter()
                .map(|p| SweepEntry {
                    resolution: round(p.resolution),
                    services: p.services,
                    modularity: round(p.modularity),
                })
                .collect(),
            external_dependencies,
            orphans,
            diagnostics,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|err| {
            // Serialising plain structs of strings and numbers cannot fail; keep the run alive regardless.
            format!("{{\"schema_version\": {SCHEMA_VERSION}, \"error\": \"{err}\"}}")
        });
        text.push('\n');
        text
    }
}

/// `Type::method` for methods, the name for other items.
pub(crate) fn item_label(
    resolved: &crate::resolve::Resolved,
    id: crate::resolve::ItemId,
) -> String {
    let item = resolved.item(id);
    match (&item.kind, &item.parent) {
        (crate::extract::ItemKind::Method, Some(parent)) => format!("{parent}::{}", item.name),
        (crate::extract::ItemKind::Impl, Some(trait_name)) => {
            format!("impl {trait_name} for {}", item.name)
        }
        (crate::extract::ItemKind::Impl, None) => format!("impl {}", item.name),
        _ => item.name.clone(),
    }
}
