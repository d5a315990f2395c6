//! Data rules: shared tables (write, read), cross-service transactions, shared in-process state.

use std::collections::{BTreeMap, BTreeSet};

use crate::data_access::{Access, AccessMode, DataKind};

use super::{Evidence, Risk, RiskInput, RiskKind, Severity};

pub(super) fn rules(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    shared_tables(input, risks);
    cross_service_transactions(input, risks);
    shared_state(input, risks);
}

fn evidence(input: &RiskInput<'_>, access: &Access, what: &str) -> Evidence {
    let module = &input.resolved.module(access.module).path;
    let item =
        access.item.map(|i| format!("::{}", input.resolved.item_label(i))).unwrap_or_default();
    let mode = match access.mode {
        AccessMode::Read => "reads",
        AccessMode::Write => "writes",
    };
    Evidence {
        file: access.file,
        line: access.line,
        note: format!("{module}{item} {mode} {what} ({})", access.via),
    }
}

/// **shared-table-write** (high): a table written by more than one service.
/// **shared-table-read** (medium): a service reads (and does not write) a table another service owns.
fn shared_tables(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let proposal = input.proposal;
    for (index, table) in input.data.tables.iter().enumerate() {
        let accesses: Vec<&Access> = input
            .data
            .accesses
            .iter()
            .filter(|a| a.kind == DataKind::Table && a.data == index)
            .collect();
        let owner = proposal.table_owner[index];
        let mut writers: BTreeMap<usize, Vec<&Access>> = BTreeMap::new();
        let mut readers: BTreeMap<usize, Vec<&Access>> = BTreeMap::new();
        for access in &accesses {
            let Some(service) = proposal.service_of(access.module) else { continue };
            match access.mode {
                AccessMode::Write => writers.entry(service).or_default().push(access),
                AccessMode::Read => readers.entry(service).or_default().push(access),
            }
        }
        let what = format!("table `{}`", table.name);
        if writers.len() >= 2 {
            let foreign: Vec<usize> =
                writers.keys().copied().filter(|s| Some(*s) != owner).collect();
            let names: Vec<&str> = writers.keys().map(|&s| input.service_name(s)).collect();
            let owner_name = owner
                .map(|o| input.service_name(o).to_owned())
                .unwrap_or_else(|| "no service".to_owned());
            risks.push(Risk {
                kind: RiskKind::SharedTableWrite,
                severity: Severity::High,
                services: writers.keys().copied().collect(),
                subject: format!("table:{}", table.name),
                evidence: foreign
                    .iter()
                    .flat_map(|s| writers[s].iter().map(|a| evidence(input, a, &what)))
                    .collect(),
                message: format!(
                    "Table `{}` is written by {} services ({}); its owner is {owner_name}.",
                    table.name,
                    names.len(),
                    names.join(", ")
                ),
                remedy: format!(
                    "Let {owner_name} alone write `{}`: the other writers call an API or publish an event that {owner_name} applies; or move the table into one of them and split it if the writes are about different facts.",
                    table.name
                ),
            });
        }
        let Some(owner) = owner else { continue };
        for (reader, reads) in &readers {
            if *reader == owner || writers.contains_key(reader) {
                continue;
            }
            let (reader_name, owner_name) =
                (input.service_name(*reader), input.service_name(owner));
            risks.push(Risk {
                kind: RiskKind::SharedTableRead,
                severity: Severity::Medium,
                services: vec![*reader, owner],
                subject: format!("table:{}", table.name),
                evidence: reads.iter().map(|a| evidence(input, a, &what)).collect(),
                message: format!(
                    "{reader_name} reads table `{}`, owned by {owner_name} ({} place(s)).",
                    table.name,
                    reads.len()
                ),
                remedy: format!(
                    "Give {reader_name} the data through {owner_name}'s API (a query endpoint) or a read model it keeps from {owner_name}'s events, instead of reading `{}` directly.",
                    table.name
                ),
            });
        }
    }
}

/// **cross-service-transaction** (high): one transaction touches tables owned by more than one service.
fn cross_service_transactions(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let proposal = input.proposal;
    for transaction in &input.data.transactions {
        let owners: BTreeSet<usize> =
            transaction.tables.iter().filter_map(|&t| proposal.table_owner[t]).collect();
        if owners.len() < 2 {
            continue;
        }
        let function = input.resolved.site_path(transaction.module, transaction.item);
        let mut evidence = vec![Evidence {
            file: transaction.file,
            line: transaction.line,
            note: format!("{function} opens a transaction"),
        }];
        for access in input.data.accesses.iter().filter(|a| {
            a.kind == DataKind::Table
                && a.module == transaction.module
                && a.item == transaction.item
                && transaction.tables.contains(&a.data)
        }) {
            let table = &input.data.tables[access.data].name;
            let owner = proposal.table_owner[access.data]
                .map(|o| input.service_name(o))
                .unwrap_or("no service");
            evidence.push(Evidence {
                file: access.file,
                line: access.line,
                note: format!("table `{table}` (owned by {owner})"),
            });
        }
        let names: Vec<&str> = owners.iter().map(|&s| input.service_name(s)).collect();
        let tables: Vec<&str> =
            transaction.tables.iter().map(|&t| input.data.tables[t].name.as_str()).collect();
        risks.push(Risk {
            kind: RiskKind::CrossServiceTransaction,
            severity: Severity::High,
            services: owners.iter().copied().collect(),
            subject: format!("transaction:{function}"),
            evidence,
            message: format!(
                "The transaction in {function} touches tables of {} services ({}): {}.",
                names.len(),
                names.join(", "),
                tables.join(", ")
            ),
            remedy: "Replace the transaction by a saga (local transactions with compensating actions, driven by events or an orchestrator), or move the cut so that all its tables belong to one service.".to_owned(),
        });
    }
}

/// **shared-global-state** (high): in-process mutable state used by more than one service.
fn shared_state(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let proposal = input.proposal;
    for (index, state) in input.data.state.iter().enumerate() {
        let accesses: Vec<&Access> = input
            .data
            .accesses
            .iter()
            .filter(|a| a.kind == DataKind::State && a.data == index)
            .collect();
        let services: BTreeSet<usize> =
            accesses.iter().filter_map(|a| proposal.service_of(a.module)).collect();
        if services.len() < 2 {
            continue;
        }
        let owner = proposal.state_owner[index];
        let what = format!("`{}`", state.path);
        let names: Vec<&str> = services.iter().map(|&s| input.service_name(s)).collect();
        risks.push(Risk {
            kind: RiskKind::SharedGlobalState,
            severity: Severity::High,
            services: services.iter().copied().collect(),
            subject: format!("state:{}", state.path),
            evidence: accesses
                .iter()
                .filter(|a| proposal.service_of(a.module) != owner)
                .map(|a| evidence(input, a, &what))
                .collect(),
            message: format!(
                "In-process state `{}` ({}) is used by {} services: {}.",
                state.path,
                state.kind.as_str(),
                names.len(),
                names.join(", ")
            ),
            remedy: "Move the state to a backing service both can reach (a cache such as Redis for caches and sessions, a database for data), or make one service its owner and let the others ask it through an API.".to_owned(),
        });
    }
}
