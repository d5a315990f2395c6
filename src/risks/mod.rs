//! Risks: the distributed-monolith catalog, applied to a split (proposed, existing or intended).
//!
//! A split whose services share a database, deploy in lock-step or change together is a distributed monolith:
//! the costs of microservices with none of the gains. Every rule here finds one such pattern in a split and
//! returns [`Risk`]s with a stable code, a severity, the services involved, file:line evidence, why it matters
//! and a concrete remedy. Rules live in one file per family: `data` (shared tables, transactions, state),
//! `structure` (cycles, chatty boundaries, shared domain types, layer cuts, hubs, call chains) and
//! `twelve_factor` (config in code, local state, logs to files, no graceful shutdown). Thresholds come from
//! `decompose.toml` `[risks]` with documented defaults.
//!
//! The distributed-monolith score combines the risks: `100 × (1 − Π (1 − w))` over the risks involved, with
//! `w` = 0.25 for a high, 0.10 for a medium and 0.03 for a low risk; 0 means no risk found, each high risk
//! takes a quarter of the remaining headroom, and the score never exceeds 100.

mod data;
mod structure;
#[cfg(test)]
mod tests;
mod twelve_factor;

use crate::analysis::ServiceEdge;
use crate::cluster::Proposal;
use crate::config::RiskThresholds;
use crate::data_access::DataAccess;
use crate::discover::Workspace;
use crate::graph::ModuleGraph;
use crate::resolve::Resolved;
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// This severity's share in the distributed-monolith score (see the module doc).
    pub fn weight(self) -> f64 {
        match self {
            Severity::High => 0.25,
            Severity::Medium => 0.10,
            Severity::Low => 0.03,
        }
    }
}

/// The catalog. Codes are stable: `DM` for distributed-monolith patterns, `TF` for twelve-factor findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskKind {
    SharedTableWrite,
    SharedTableRead,
    CrossServiceTransaction,
    SharedGlobalState,
    ServiceCycle,
    ChattyBoundary,
    SharedDomainType,
    LayerCut,
    HubService,
    SyncCallChain,
    HardcodedConfig,
    LocalState,
    LogToFile,
    NoGracefulShutdown,
}

impl RiskKind {
    pub const ALL: [RiskKind; 14] = [
        RiskKind::SharedTableWrite,
        RiskKind::SharedTableRead,
        RiskKind::CrossServiceTransaction,
        RiskKind::SharedGlobalState,
        RiskKind::ServiceCycle,
        RiskKind::ChattyBoundary,
        RiskKind::SharedDomainType,
        RiskKind::LayerCut,
        RiskKind::HubService,
        RiskKind::SyncCallChain,
        RiskKind::HardcodedConfig,
        RiskKind::LocalState,
        RiskKind::LogToFile,
        RiskKind::NoGracefulShutdown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskKind::SharedTableWrite => "DM001",
            RiskKind::SharedTableRead => "DM002",
            RiskKind::CrossServiceTransaction => "DM003",
            RiskKind::SharedGlobalState => "DM004",
            RiskKind::ServiceCycle => "DM005",
            RiskKind::ChattyBoundary => "DM006",
            RiskKind::SharedDomainType => "DM007",
            RiskKind::LayerCut => "DM008",
            RiskKind::HubService => "DM009",
            RiskKind::SyncCallChain => "DM010",
            RiskKind::HardcodedConfig => "TF001",
            RiskKind::LocalState => "TF002",
            RiskKind::LogToFile => "TF003",
            RiskKind::NoGracefulShutdown => "TF004",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::SharedTableWrite => "shared-table-write",
            RiskKind::SharedTableRead => "shared-table-read",
            RiskKind::CrossServiceTransaction => "cross-service-transaction",
            RiskKind::SharedGlobalState => "shared-global-state",
            RiskKind::ServiceCycle => "service-cycle",
            RiskKind::ChattyBoundary => "chatty-boundary",
            RiskKind::SharedDomainType => "shared-domain-type",
            RiskKind::LayerCut => "layer-cut",
            RiskKind::HubService => "hub-service",
            RiskKind::SyncCallChain => "sync-call-chain",
            RiskKind::HardcodedConfig => "hardcoded-config",
            RiskKind::LocalState => "local-state",
            RiskKind::LogToFile => "log-to-file",
            RiskKind::NoGracefulShutdown => "no-graceful-shutdown",
        }
    }

    /// Why the pattern matters: one paragraph, shown with every risk of this kind.
    pub fn why(self) -> &'static str {
        match self {
            RiskKind::SharedTableWrite => {
                "Two services writing one table couple through the database: a schema change needs both teams, neither can change its storage alone, and the services must deploy together. This is the first sign of a distributed monolith."
            }
            RiskKind::SharedTableRead => {
                "A service reading another service's table depends on that service's private schema: the owner can no longer change its storage without breaking the reader, so the two deploy in lock-step."
            }
            RiskKind::CrossServiceTransaction => {
                "After the split, one database transaction over tables of several services becomes a distributed transaction: either a two-phase commit (slow, fragile) or lost atomicity. It needs a saga, or the cut must move."
            }
            RiskKind::SharedGlobalState => {
                "In-process mutable state used by several services cannot be shared once they run as separate processes; kept in memory it forces sticky sessions and blocks scaling out."
            }
            RiskKind::ServiceCycle => {
                "Services that depend on each other in a cycle cannot be deployed, versioned or reasoned about independently: a change anywhere in the cycle ripples around it."
            }
            RiskKind::ChattyBoundary => {
                "Many fine-grained calls across a boundary become many network round trips: latency and failure modes at every call, and an interface that changes whenever either side does."
            }
            RiskKind::SharedDomainType => {
                "A domain type used by many services is a shared kernel: changing it forces lock-step releases of every user, unlike a stable utility."
            }
            RiskKind::LayerCut => {
                "A service made of one architectural layer (all handlers, all repositories) is a cut by layer, not by feature: every feature change then touches several services."
            }
            RiskKind::HubService => {
                "A service most others depend on, or that holds an outsized share of the code, is a bottleneck and a single point of failure; it is often the old monolith under a new name."
            }
            RiskKind::SyncCallChain => {
                "A long chain of synchronous calls across services multiplies latency and failure probability: the whole chain is only as available as its weakest link."
            }
            RiskKind::HardcodedConfig => {
                "Twelve-factor services keep config in the environment: URLs, hosts, ports and credentials in code differ per deployment, leak secrets and force a rebuild to move a backing service."
            }
            RiskKind::LocalState => {
                "Twelve-factor processes are stateless: data kept on local disk or in process memory is lost on restart and not shared between instances, so the service cannot scale out or be replaced freely."
            }
            RiskKind::LogToFile => {
                "Twelve-factor services treat logs as event streams on stdout/stderr; files on a container's disk are lost with it and invisible to the platform's log collection."
            }
            RiskKind::NoGracefulShutdown => {
                "A server that ignores SIGTERM is killed mid-request on every deploy or scale-in: twelve-factor processes start fast and stop gracefully."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub file: FileId,
    pub line: u32,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Risk {
    pub kind: RiskKind,
    pub severity: Severity,
    /// Indices into `Proposal::services`, sorted.
    pub services: Vec<usize>,
    /// What the risk is about: `table:orders`, `state:app::CACHE`, `service:orders`, `module:app::config`.
    pub subject: String,
    pub evidence: Vec<Evidence>,
    pub message: String,
    pub remedy: String,
}

/// Everything the rules read.
pub struct RiskInput<'a> {
    pub workspace: &'a Workspace,
    pub resolved: &'a Resolved,
    pub data: &'a DataAccess,
    pub graph: &'a ModuleGraph,
    pub proposal: &'a Proposal,
    pub service_edges: &'a [ServiceEdge],
    pub thresholds: RiskThresholds,
}

impl RiskInput<'_> {
    fn service_name(&self, service: usize) -> &str {
        &self.proposal.services[service].name
    }
}

/// Evidence per risk at most; the count behind it is in the message.
const MAX_EVIDENCE: usize = 12;

pub fn assess(input: &RiskInput<'_>) -> Vec<Risk> {
    let mut risks = Vec::new();
    data::rules(input, &mut risks);
    structure::rules(input, &mut risks);
    twelve_factor::rules(input, &mut risks);
    for risk in &mut risks {
        risk.services.sort_unstable();
        risk.services.dedup();
        risk.evidence.sort();
        risk.evidence.dedup();
        risk.evidence.truncate(MAX_EVIDENCE);
    }
    risks.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    risks
}

/// `100 × (1 − Π (1 − w))` over the given risks' severity weights, rounded to one decimal.
pub fn score<'a>(risks: impl IntoIterator<Item = &'a Risk>) -> f64 {
    let remaining: f64 = risks.into_iter().map(|r| 1.0 - r.severity.weight()).product();
    ((1.0 - remaining) * 1000.0).round() / 10.0
}
