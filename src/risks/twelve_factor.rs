//! Twelve-factor findings: config in code, local state, logs to files, servers without graceful shutdown.
//!
//! They come from `data_access::environment` facts and shared state, one risk per module (or per state item),
//! attributed to the module's service when it has one (platform modules carry none).
//!
//! Known blind spots: actix-web's `HttpServer` and Rocket stop gracefully on SIGTERM by default, so a server
//! of theirs is not flagged unless signals are disabled; a shutdown hook installed by a framework this rule
//! does not know is missed (a false positive that the evidence lets a reviewer dismiss).

use std::collections::BTreeMap;

use crate::data_access::{EnvFact, EnvFactKind};
use crate::resolve::ModuleId;

use super::{Evidence, Risk, RiskInput, RiskKind, Severity};

pub(super) fn rules(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    per_module(
        input,
        risks,
        &[EnvFactKind::HardcodedUrl, EnvFactKind::ConnectionString, EnvFactKind::HardcodedHost],
        RiskKind::HardcodedConfig,
    );
    per_module(input, risks, &[EnvFactKind::DataPath], RiskKind::LocalState);
    per_module(input, risks, &[EnvFactKind::LogFile], RiskKind::LogToFile);
    in_memory_state(input, risks);
    graceful_shutdown(input, risks);
}

fn services_of(input: &RiskInput<'_>, module: ModuleId) -> Vec<usize> {
    input.proposal.service_of(module).into_iter().collect()
}

fn per_module(input: &RiskInput<'_>, risks: &mut Vec<Risk>, kinds: &[EnvFactKind], kind: RiskKind) {
    let mut by_module: BTreeMap<ModuleId, Vec<&EnvFact>> = BTreeMap::new();
    for fact in input.data.environment.iter().filter(|f| kinds.contains(&f.kind)) {
        by_module.entry(fact.module).or_default().push(fact);
    }
    for (module, facts) in by_module {
        let path = &input.resolved.module(module).path;
        let credentials = facts.iter().any(|f| f.detail.contains(":***@"));
        let details: Vec<&str> = facts.iter().map(|f| f.detail.as_str()).collect();
        let (severity, message, remedy) = match kind {
            RiskKind::HardcodedConfig => (
                if credentials { Severity::High } else { Severity::Medium },
                format!(
                    "{path} has {} endpoint(s) or connection setting(s) in code{}: {}.",
                    facts.len(),
                    if credentials { ", including credentials" } else { "" },
                    details.join(", ")
                ),
                "Read them from the environment (std::env::var or a config crate) with no baked-in default for secrets; inject backing services by URL per deployment.".to_owned(),
            ),
            RiskKind::LocalState => (
                Severity::Medium,
                format!("{path} keeps data on local disk: {}.", details.join(", ")),
                "Store the data in a backing service (an object store for files, a database for records); keep the local disk for scratch space only.".to_owned(),
            ),
            _ => (
                Severity::Low,
                format!("{path} writes logs to a file: {}.", details.join(", ")),
                "Write logs to stdout/stderr as an event stream and let the platform collect and route them.".to_owned(),
            ),
        };
        risks.push(Risk {
            kind,
            severity,
            services: services_of(input, module),
            subject: format!("module:{path}"),
            evidence: facts
                .iter()
                .map(|f| Evidence {
                    file: f.file,
                    line: f.line,
                    note: format!("{}: {}", f.kind.as_str(), f.detail),
                })
                .collect(),
            message,
            remedy,
        });
    }
}

/// **local-state** (low) for mutable state kept in process memory: every instance has its own copy, so
/// sessions and caches kept there force sticky sessions. (When several services use it, it is also
/// `shared-global-state`, high.)
fn in_memory_state(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    for (index, state) in input.data.state.iter().enumerate() {
        let users: Vec<usize> = {
            let mut users: Vec<usize> = input
                .data
                .accesses
                .iter()
                .filter(|a| a.kind == crate::data_access::DataKind::State && a.data == index)
                .filter_map(|a| input.proposal.service_of(a.module))
                .collect();
            users.sort_unstable();
            users.dedup();
            users
        };
        risks.push(Risk {
            kind: RiskKind::LocalState,
            severity: Severity::Low,
            services: users,
            subject: format!("state:{}", state.path),
            evidence: vec![Evidence {
                file: state.file,
                line: state.line,
                note: format!("{} ({}: {})", state.path, state.kind.as_str(), state.type_text),
            }],
            message: format!(
                "`{}` keeps mutable state in process memory ({}): each instance has its own copy.",
                state.path,
                state.kind.as_str()
            ),
            remedy: "Keep sessions and caches in a backing service (Redis, a database) so that any instance can serve any request; a per-process cache is fine only if stale data is acceptable.".to_owned(),
        });
    }
}

/// **no-graceful-shutdown** (medium): a server started in a package that handles no signal and uses no
/// graceful-shutdown hook.
fn graceful_shutdown(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let facts = &input.data.environment;
    let package_of = |m: ModuleId| input.resolved.module(m).package;
    let mut flagged: std::collections::BTreeSet<ModuleId> = std::collections::BTreeSet::new();
    for server in facts.iter().filter(|f| f.kind == EnvFactKind::Server) {
        // Frameworks that stop gracefully on SIGTERM by themselves.
        if server.detail.contains("HttpServer") || server.detail.starts_with("rocket") {
            continue;
        }
        let handled = facts.iter().any(|f| {
            f.kind == EnvFactKind::SignalHandling
                && package_of(f.module) == package_of(server.module)
        });
        if handled || !flagged.insert(server.module) {
            continue;
        }
        let path = &input.resolved.module(server.module).path;
        risks.push(Risk {
            kind: RiskKind::NoGracefulShutdown,
            severity: Severity::Medium,
            services: services_of(input, server.module),
            subject: format!("module:{path}"),
            evidence: vec![Evidence {
                file: server.file,
                line: server.line,
                note: format!("{} starts a server; no signal handling in its crate", server.detail),
            }],
            message: format!("{path} starts a server ({}) without handling SIGTERM or a graceful-shutdown hook.", server.detail),
            remedy: "Stop gracefully: wait for SIGTERM/ctrl-c (tokio::signal) and pass it to the server (axum's with_graceful_shutdown, hyper's graceful shutdown) so in-flight requests finish before exit.".to_owned(),
        });
    }
}
