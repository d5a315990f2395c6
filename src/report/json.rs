//! `report.json`, schema version 1: the stable, machine-readable contract.
//!
//! The contract has its own types, separate from the internal model (rust-analyzer's rule: a serializable
//! type is an interface), so internals can change without changing a byte of the format. Later versions add
//! fields; none of the fields here may change meaning. Every list is sorted, so the file is byte-identical for
//! the same input.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::discover::TargetKind;
use crate::resolve::{ItemLabel, TargetPath};

pub const SCHEMA_VERSION: u32 = 1;
/// Evidence listed per module dependency and per service dependency at most; `evidence_total` gives the full
/// count. Module edges are many (tens of thousands in a large code base), service edges few.
const MAX_MODULE_EVIDENCE: usize = 5;
const MAX_SERVICE_EVIDENCE: usize = 25;

/// Borrows from the [`Analysis`] it renders (`'a`) where that saves the most: the evidence of the
/// dependencies, several hundred thousand entries at a million lines.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub schema_version: u32,
    pub tool: Tool,
    pub input: Input,
    pub summary: Summary,
    pub modules: Vec<ModuleEntry>,
    pub services: Vec<ServiceEntry>,
    pub dependencies: Vec<DependencyEntry<'a>>,
    pub service_dependencies: Vec<DependencyEntry<'a>>,
    /// Modules set apart as shared libraries / platform, and the services that depend on them.
    pub shared_kernel: Vec<SharedKernelEntry>,
    /// Modules that mix features: which of their items belong to which service.
    pub split_modules: Vec<SplitEntry>,
    /// Tables, shared state and transactions, with their owner and every access.
    pub data: Vec<DataEntry>,
    /// Environment reads, hard-coded endpoints, data and log files, backing-service clients, servers.
    pub environment: Vec<EnvironmentEntry>,
    pub risks: Vec<RiskEntry>,
    /// The order in which to extract the services, one step each (MonolithFirst).
    pub plan: Vec<PlanEntry>,
    /// Distributed-monolith score, 0 (no risk found) to 100: `100 × (1 − Π (1 − w))` over the risks, with
    /// w = 0.25 (high), 0.10 (medium), 0.03 (low).
    pub distributed_monolith_score: f64,
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
    /// Prefix of the files' web addresses (GitHub/GitLab, on the checked-out branch), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
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
    pub tables: usize,
    pub shared_state: usize,
    pub transactions: usize,
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
    /// Tables this service owns.
    pub tables: Vec<String>,
    /// Shared-state items this service owns.
    pub state: Vec<String>,
    pub metrics: ServiceMetricsEntry,
    /// Distributed-monolith score over the risks this service is involved in.
    pub distributed_monolith_score: f64,
}

#[derive(Debug, Serialize)]
pub struct PlanEntry {
    pub step: usize,
    pub service: String,
    /// The extraction cost that put it here (lower goes first; see the methodology).
    pub cost: f64,
    pub why: Vec<String>,
    /// Items the rest of the monolith uses: the endpoints or events the service must offer.
    pub interface: Vec<String>,
    pub tables_to_move: Vec<String>,
    pub tables_to_split: Vec<String>,
    pub state_to_move: Vec<String>,
    /// `CODE subject` of the risks this step removes.
    pub risks_removed: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RiskEntry {
    pub code: &'static str,
    pub kind: &'static str,
    pub severity: &'static str,
    pub services: Vec<String>,
    pub subject: String,
    pub evidence: Vec<RiskEvidence>,
    pub message: String,
    /// Why this kind of risk matters.
    pub why: &'static str,
    pub remedy: String,
}

#[derive(Debug, Serialize)]
pub struct RiskEvidence {
    pub file: String,
    pub line: u32,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct SplitEntry {
    pub module: String,
    pub file: String,
    /// The module's own service, if it is in one.
    pub service: Option<String>,
    pub parts: Vec<SplitPart>,
}

#[derive(Debug, Serialize)]
pub struct SplitPart {
    pub service: String,
    /// Items (with their line) that belong to this service.
    pub items: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SharedKernelEntry {
    pub module: String,
    /// `shared-kernel` (used by most services, depends on little) or `composition-root` (wiring).
    pub role: &'static str,
    /// Services whose modules use it (for a composition root: the services it wires).
    pub services: Vec<String>,
    /// Modules that depend on it.
    pub dependents: usize,
}

#[derive(Debug, Serialize)]
pub struct DataEntry {
    /// `table:<name>`, `state:<item path>` or `transaction:<function path>`.
    pub id: String,
    /// `table`, `state` or `transaction`.
    pub kind: &'static str,
    /// The owning service (for a transaction: the service of the function that opens it).
    pub owner: Option<String>,
    /// Services other than the owner that access it.
    pub foreign_services: Vec<String>,
    /// For state: `lock`, `atomic`, `cell`, `thread-local`, `static mut`, and the declared type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For transactions: the tables it touches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    /// Where it is declared (`CREATE TABLE`, diesel `table!`, the static), when known.
    pub declared_at: Vec<Location>,
    pub accessors: Vec<AccessorEntry>,
}

impl DataEntry {
    /// How a service touches this data: `RW`, `W`, `R` or empty.
    pub fn access_mark(&self, service: &str) -> &'static str {
        let (mut read, mut write) = (false, false);
        for accessor in self.accessors.iter().filter(|a| a.service.as_deref() == Some(service)) {
            read |= accessor.mode == "read";
            write |= accessor.mode == "write";
        }
        match (read, write) {
            (true, true) => "RW",
            (false, true) => "W",
            (true, false) => "R",
            (false, false) => "",
        }
    }
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct AccessorEntry {
    pub module: String,
    pub service: Option<String>,
    /// `read` or `write`.
    pub mode: &'static str,
    pub file: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// How: `query`, `execute`, `diesel`, `diesel model`, `lock`, ...
    pub via: String,
    /// SQL built at run time: the table list may be incomplete.
    pub dynamic: bool,
}

#[derive(Debug, Serialize)]
pub struct EnvironmentEntry {
    pub kind: &'static str,
    pub module: String,
    pub service: Option<String>,
    pub file: String,
    pub line: u32,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct DependencyEntry<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// Number of references behind the dependency.
    pub weight: u32,
    pub kinds: BTreeMap<&'static str, u32>,
    pub evidence_total: usize,
    pub evidence: Vec<EvidenceEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceEntry<'a> {
    pub file: &'a str,
    pub line: u32,
    pub kind: &'static str,
    /// The item holding the reference (`Type::method`, `function`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_item: Option<ItemLabel<'a>>,
    /// The item referred to, as a path.
    pub to: TargetPath<'a>,
    /// Lower confidence: read from macro arguments, or a method call matched by name.
    pub weak: bool,
}

#[derive(Debug, Serialize)]
pub struct Metrics {
    /// Newman-Girvan modularity (γ = 1) of the proposal on the weighted coupling graph.
    pub modularity: f64,
    /// The Leiden resolution of the chosen decomposition.
    pub resolution: f64,
    /// Bunch's TurboMQ: Σ of each service's cluster factor (higher is better, at most the number of services).
    pub turbo_mq: f64,
    /// Inter-call percentage: share of (log-scaled) calls that cross services (lower is better).
    pub icp: f64,
    /// Interface number: mean number of items a service offers to others (lower is better).
    pub ifn: f64,
    /// Non-extreme distribution: share of type definitions in services of extreme size (lower is better).
    pub ned: f64,
    /// Structural modularity (higher is better).
    pub sm: f64,
    /// Share of owned tables that no other service accesses (higher is better).
    pub data_ownership_purity: f64,
}

#[derive(Debug, Serialize)]
pub struct ServiceMetricsEntry {
    /// Share of the service's coupling that stays inside it (its cluster factor).
    pub cohesion: f64,
    /// Coupling weight crossing its boundary.
    pub coupling: f64,
    pub interface_items: usize,
    pub type_definitions: usize,
    pub depends_on: usize,
    pub used_by: usize,
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

/// The module dependencies, ordered by the modules' ids.
fn dependency_entries(analysis: &Analysis) -> Vec<DependencyEntry<'_>> {
    let resolved = &analysis.resolved;
    let graph = &analysis.graph.graph;
    let edges: Vec<_> = graph.edge_indices().collect();
    let mut dependencies: Vec<DependencyEntry> = edges
        .par_iter()
        .filter_map(|&edge| {
            let (a, b) = graph.edge_endpoints(edge)?;
            let data = &graph[edge];
            Some(DependencyEntry {
                from: &resolved.module(graph[a]).path,
                to: &resolved.module(graph[b]).path,
                weight: data.total(),
                kinds: kind_counts(&data.counts),
                evidence_total: data.evidence.len(),
                evidence: evidence_entries(analysis, &data.evidence, MAX_MODULE_EVIDENCE),
            })
        })
        .collect();
    dependencies.par_sort_by(|a, b| a.from.cmp(b.from).then_with(|| a.to.cmp(b.to)));
    dependencies
}

/// The first `max` of the references at `indices`, as evidence.
fn evidence_entries<'a>(
    analysis: &'a Analysis,
    indices: &[u32],
    max: usize,
) -> Vec<EvidenceEntry<'a>> {
    let resolved = &analysis.resolved;
    indices
        .iter()
        .take(max)
        .map(|&i| {
            let r = &resolved.references[i as usize];
            EvidenceEntry {
                file: &analysis.workspace.file(r.file).rel_path,
                line: r.line,
                kind: r.kind.as_str(),
                from_item: r.from_item.map(|id| resolved.item_label(id)),
                to: resolved.target_path(r.to, r.to_item),
                weak: r.weak,
            }
        })
        .collect()
}

/// References per kind of dependency, by the kinds' names.
fn kind_counts(
    counts: &BTreeMap<crate::resolve::DependencyKind, u32>,
) -> BTreeMap<&'static str, u32> {
    counts.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// Rounds a float to 4 decimals so that the last bits of a sum never change the file.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

impl<'a> Report<'a> {
    pub fn from_analysis(analysis: &'a Analysis) -> Report<'a> {
        // The module dependencies are the largest part (50,000 entries at a million lines, about half of the
        // time here at 10k lines): built in parallel, beside the rest, which is built on one thread.
        let (dependencies, mut report) =
            rayon::join(|| dependency_entries(analysis), || Self::without_dependencies(analysis));
        report.summary.module_dependencies = dependencies.len();
        report.dependencies = dependencies;
        report
    }

    /// The report with every field but the module dependencies (empty, and counted as 0 in the summary).
    fn without_dependencies(analysis: &'a Analysis) -> Report<'a> {
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
            // Modules generated by diesel's `table!` are tables: they appear in `data`.
            .filter(|(_, module)| module.generated_table.is_none())
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

        let data = &analysis.data;
        let services: Vec<ServiceEntry> = proposal
            .services
            .iter()
            .enumerate()
            .map(|(service_index, service)| {
                let mut modules: Vec<String> =
                    service.modules.iter().map(|m| module_path(*m)).collect();
                modules.sort();
                let owned =
                    |owners: &[Option<usize>], index: usize| owners[index] == Some(service_index);
                ServiceEntry {
                    id: service.id.clone(),
                    name: service.name.clone(),
                    modules,
                    lines: service.code_lines,
                    tables: (0..data.tables.len())
                        .filter(|&t| owned(&proposal.table_owner, t))
                        .map(|t| data.tables[t].name.clone())
                        .collect(),
                    state: (0..data.state.len())
                        .filter(|&t| owned(&proposal.state_owner, t))
                        .map(|t| data.state[t].path.clone())
                        .collect(),
                    distributed_monolith_score: analysis.service_scores[service_index],
                    metrics: {
                        let m = &analysis.metrics.services[service_index];
                        ServiceMetricsEntry {
                            cohesion: round(m.cohesion),
                            coupling: round(m.coupling),
                            interface_items: m.interface_items,
                            type_definitions: m.type_definitions,
                            depends_on: m.depends_on,
                            used_by: m.used_by,
                        }
                    },
                }
            })
            .collect();

        let evidence = |indices: &[u32], max: usize| evidence_entries(analysis, indices, max);
        let mut service_dependencies: Vec<DependencyEntry> = analysis
            .service_edges
            .iter()
            .map(|edge| DependencyEntry {
                from: &proposal.services[edge.from].id,
                to: &proposal.services[edge.to].id,
                weight: edge.total(),
                kinds: kind_counts(&edge.counts),
                evidence_total: edge.evidence.len(),
                evidence: evidence(&edge.evidence, MAX_SERVICE_EVIDENCE),
            })
            .collect();
        service_dependencies.sort_by(|a, b| a.from.cmp(b.from).then_with(|| a.to.cmp(b.to)));

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

        let kept_out_modules = modules.iter().filter(|m| m.service.is_none()).count();
        let shared_kernel = shared_kernel_entries(analysis);
        let split_modules = analysis
            .splits
            .iter()
            .map(|split| SplitEntry {
                module: module_path(split.module),
                file: workspace.file(resolved.module(split.module).file).rel_path.clone(),
                service: proposal.service_of(split.module).map(|s| proposal.services[s].id.clone()),
                parts: split
                    .parts
                    .iter()
                    .map(|(service, items)| SplitPart {
                        service: proposal.services[*service].id.clone(),
                        items: items
                            .iter()
                            .map(|&i| {
                                format!(
                                    "{} (line {})",
                                    resolved.item_label(i),
                                    resolved.item(i).line
                                )
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let data_entries = data_entries(analysis);
        let environment = data
            .environment
            .iter()
            .map(|fact| EnvironmentEntry {
                kind: fact.kind.as_str(),
                module: module_path(fact.module),
                service: proposal.service_of(fact.module).map(|s| proposal.services[s].id.clone()),
                file: workspace.file(fact.file).rel_path.clone(),
                line: fact.line,
                detail: fact.detail.clone(),
            })
            .collect();
        let summary = Summary {
            packages: workspace.packages.len(),
            files: workspace.files.len(),
            modules: modules.len(),
            code_lines: resolved.modules.iter().map(|m| u64::from(m.code_lines)).sum(),
            services: services.len(),
            kept_out_modules,
            tables: data.tables.len(),
            shared_state: data.state.len(),
            transactions: data.transactions.len(),
            module_dependencies: 0,
            references: resolved.references.len(),
            diagnostics: diagnostics.len(),
        };

        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: "decompose", version: env!("CARGO_PKG_VERSION") },
            input: Input {
                path: workspace.display_root.clone(),
                web: workspace.web_base.clone(),
                crates,
            },
            summary,
            modules,
            services,
            dependencies: Vec::new(),
            service_dependencies,
            shared_kernel,
            split_modules,
            data: data_entries,
            environment,
            risks: analysis
                .risks
                .iter()
                .map(|risk| RiskEntry {
                    code: risk.kind.code(),
                    kind: risk.kind.as_str(),
                    severity: risk.severity.as_str(),
                    services: risk
                        .services
                        .iter()
                        .map(|&s| proposal.services[s].id.clone())
                        .collect(),
                    subject: risk.subject.clone(),
                    evidence: risk
                        .evidence
                        .iter()
                        .map(|e| RiskEvidence {
                            file: workspace.file(e.file).rel_path.clone(),
                            line: e.line,
                            note: e.note.clone(),
                        })
                        .collect(),
                    message: risk.message.clone(),
                    why: risk.kind.why(),
                    remedy: risk.remedy.clone(),
                })
                .collect(),
            distributed_monolith_score: analysis.score,
            plan: analysis
                .plan
                .iter()
                .enumerate()
                .map(|(index, step)| PlanEntry {
                    step: index + 1,
                    service: proposal.services[step.service].id.clone(),
                    cost: round(step.cost),
                    why: step.reasons.clone(),
                    interface: step
                        .interface
                        .iter()
                        .map(|&i| {
                            format!(
                                "{}::{}",
                                module_path(resolved.item(i).module),
                                resolved.item_label(i)
                            )
                        })
                        .collect(),
                    tables_to_move: step
                        .tables_to_move
                        .iter()
                        .map(|&t| analysis.data.tables[t].name.clone())
                        .collect(),
                    tables_to_split: step
                        .tables_to_split
                        .iter()
                        .map(|&t| analysis.data.tables[t].name.clone())
                        .collect(),
                    state_to_move: step
                        .state_to_move
                        .iter()
                        .map(|&t| analysis.data.state[t].path.clone())
                        .collect(),
                    risks_removed: step
                        .risks_removed
                        .iter()
                        .map(|&r| {
                            format!(
                                "{} {}",
                                analysis.risks[r].kind.code(),
                                analysis.risks[r].subject
                            )
                        })
                        .collect(),
                })
                .collect(),
            metrics: {
                let m = &analysis.metrics;
                Metrics {
                    modularity: round(m.modularity),
                    resolution: round(proposal.resolution),
                    turbo_mq: round(m.turbo_mq),
                    icp: round(m.icp),
                    ifn: round(m.ifn),
                    ned: round(m.ned),
                    sm: round(m.sm),
                    data_ownership_purity: round(m.data_ownership_purity),
                }
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

    /// The document as pretty JSON with a final newline, written to `writer` (what `report.json` holds):
    /// exactly `serde_json::to_writer_pretty(self)`, rendered in parallel (see [`super::pretty`]).
    pub fn write_json(&self, writer: impl std::io::Write + Send) -> std::io::Result<()> {
        self.write_json_chunked(super::pretty::CHUNK, writer)
    }

    fn write_json_chunked(
        &self,
        chunk: usize,
        writer: impl std::io::Write + Send,
    ) -> std::io::Result<()> {
        use super::pretty::Field;
        // Every field, in declaration order: the test below compares the result with the derived
        // `Serialize`, so a field added to the struct but not here fails it.
        let fields = [
            Field::value("schema_version", &self.schema_version),
            Field::value("tool", &self.tool),
            Field::value("input", &self.input),
            Field::value("summary", &self.summary),
            Field::array("modules", &self.modules),
            Field::array("services", &self.services),
            Field::array("dependencies", &self.dependencies),
            Field::array("service_dependencies", &self.service_dependencies),
            Field::array("shared_kernel", &self.shared_kernel),
            Field::array("split_modules", &self.split_modules),
            Field::array("data", &self.data),
            Field::array("environment", &self.environment),
            Field::array("risks", &self.risks),
            Field::array("plan", &self.plan),
            Field::value("distributed_monolith_score", &self.distributed_monolith_score),
            Field::value("metrics", &self.metrics),
            Field::array("sweep", &self.sweep),
            Field::value("external_dependencies", &self.external_dependencies),
            Field::array("orphans", &self.orphans),
            Field::array("diagnostics", &self.diagnostics),
        ];
        super::pretty::write_object(&fields, chunk, writer)
    }
}

/// Tables, then shared state, then transactions; accessors sorted by module, file and line.
fn data_entries(analysis: &Analysis) -> Vec<DataEntry> {
    use crate::data_access::{AccessMode, DataKind};
    let (workspace, resolved, data, proposal) =
        (&analysis.workspace, &analysis.resolved, &analysis.data, &analysis.proposal);
    let service_id = |s: Option<usize>| s.map(|s| proposal.services[s].id.clone());
    let accessors = |kind: DataKind, index: usize| -> Vec<AccessorEntry> {
        let mut list: Vec<AccessorEntry> = data
            .accesses
            .iter()
            .filter(|a| a.kind == kind && a.data == index)
            .map(|a| AccessorEntry {
                module: resolved.module(a.module).path.clone(),
                service: service_id(proposal.service_of(a.module)),
                mode: match a.mode {
                    AccessMode::Read => "read",
                    AccessMode::Write => "write",
                },
                file: workspace.file(a.file).rel_path.clone(),
                line: a.line,
                item: a.item.map(|i| resolved.item_label(i).to_string()),
                via: a.via.clone(),
                dynamic: a.dynamic,
            })
            .collect();
        list.sort();
        list.dedup();
        list
    };
    let foreign = |owner: &Option<String>, accessors: &[AccessorEntry]| -> Vec<String> {
        let mut services: Vec<String> = accessors
            .iter()
            .filter_map(|a| a.service.clone())
            .filter(|s| Some(s) != owner.as_ref())
            .collect();
        services.sort();
        services.dedup();
        services
    };
    let mut res = Vec::new();
    for (index, table) in data.tables.iter().enumerate() {
        let owner = service_id(proposal.table_owner[index]);
        let accessors = accessors(DataKind::Table, index);
        res.push(DataEntry {
            id: format!("table:{}", table.name),
            kind: "table",
            foreign_services: foreign(&owner, &accessors),
            owner,
            detail: None,
            tables: Vec::new(),
            declared_at: table
                .declared_at
                .iter()
                .map(|(file, line)| Location { file: file.clone(), line: *line })
                .collect(),
            accessors,
        });
    }
    for (index, state) in data.state.iter().enumerate() {
        let owner = service_id(proposal.state_owner[index]);
        let accessors = accessors(DataKind::State, index);
        res.push(DataEntry {
            id: format!("state:{}", state.path),
            kind: "state",
            foreign_services: foreign(&owner, &accessors),
            owner,
            detail: Some(format!("{}: {}", state.kind.as_str(), state.type_text)),
            tables: Vec::new(),
            declared_at: vec![Location {
                file: workspace.file(state.file).rel_path.clone(),
                line: state.line,
            }],
            accessors,
        });
    }
    for transaction in &data.transactions {
        let function = resolved.site_path(transaction.module, transaction.item);
        let tables: Vec<String> =
            transaction.tables.iter().map(|&t| data.tables[t].name.clone()).collect();
        let owner = service_id(proposal.service_of(transaction.module));
        let accessors: Vec<AccessorEntry> = transaction
            .tables
            .iter()
            .flat_map(|&t| accessors(DataKind::Table, t))
            .filter(|a| {
                a.module == resolved.module(transaction.module).path
                    && a.item == transaction.item.map(|i| resolved.item_label(i).to_string())
            })
            .collect();
        let mut table_services: Vec<String> = transaction
            .tables
            .iter()
            .filter_map(|&t| service_id(proposal.table_owner[t]))
            .collect();
        table_services.sort();
        table_services.dedup();
        table_services.retain(|s| Some(s) != owner.as_ref());
        res.push(DataEntry {
            id: format!("transaction:{function}"),
            kind: "transaction",
            owner,
            foreign_services: table_services,
            detail: None,
            tables,
            declared_at: vec![Location {
                file: workspace.file(transaction.file).rel_path.clone(),
                line: transaction.line,
            }],
            accessors,
        });
    }
    res
}

/// The hubs `cluster` set apart, with the services on the other side of their dependencies.
fn shared_kernel_entries(analysis: &Analysis) -> Vec<SharedKernelEntry> {
    use crate::cluster::KeptOut;
    let (resolved, graph, proposal) = (&analysis.resolved, &analysis.graph, &analysis.proposal);
    let mut res = Vec::new();
    for (index, assignment) in proposal.assignment.iter().enumerate() {
        let role = match assignment {
            Err(KeptOut::SharedKernel) => "shared-kernel",
            Err(KeptOut::Composition) => "composition-root",
            _ => continue,
        };
        let module = crate::resolve::ModuleId(index as u32);
        let Some(node) = graph.node(module) else { continue };
        let direction = if role == "shared-kernel" {
            petgraph::Direction::Incoming
        } else {
            petgraph::Direction::Outgoing
        };
        let neighbours: Vec<crate::resolve::ModuleId> =
            graph.graph.neighbors_directed(node, direction).map(|n| graph.module(n)).collect();
        let mut services: Vec<String> = neighbours
            .iter()
            .filter_map(|m| proposal.service_of(*m))
            .map(|s| proposal.services[s].id.clone())
            .collect();
        services.sort();
        services.dedup();
        res.push(SharedKernelEntry {
            module: resolved.module(module).path.clone(),
            role,
            services,
            dependents: graph.graph.neighbors_directed(node, petgraph::Direction::Incoming).count(),
        });
    }
    res.sort_by(|a, b| a.role.cmp(b.role).then_with(|| a.module.cmp(&b.module)));
    res
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The parallel writer must produce exactly what serde_json writes from the derived `Serialize`, for
    /// every chunk size: checked on the two sample monoliths, whose reports use every field.
    #[test]
    fn report_json_is_what_serde_json_writes() {
        for sample in ["bookstore", "clinic"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("sample-monoliths")
                .join(sample);
            let analysis = crate::analyze(&crate::test_fixture::fixture_config(&root)).unwrap();
            let doc = Report::from_analysis(&analysis);
            let mut expected = serde_json::to_vec_pretty(&doc).unwrap();
            expected.push(b'\n');
            for chunk in [1, 3, super::super::pretty::CHUNK] {
                let mut written = Vec::new();
                doc.write_json_chunked(chunk, &mut written).unwrap();
                assert!(
                    written == expected,
                    "{sample}, chunk {chunk}: the parallel writer differs"
                );
            }
        }
    }
}
