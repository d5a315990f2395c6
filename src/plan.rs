//! The migration plan: an order in which to carve services out of the monolith, one at a time (MonolithFirst,
//! strangler fig).
//!
//! The plan is greedy. At each step, among the services still inside the monolith, the next to extract is
//! the one that is cheapest to cut out now:
//!
//! `cost = interface + 3 · foreign_table_users + 2 · foreign_tables_used + 2 · shared_state + 5 · in_cycle`
//!
//! where `interface` is the number of its items the remaining services use (each becomes an endpoint or an
//! event), `foreign_table_users` the remaining services that touch its tables, `foreign_tables_used` the
//! remaining services' tables it touches, `shared_state` the state items it shares with remaining services,
//! and `in_cycle` 1 when it is in a dependency cycle with them; ties go to the smaller service. Each step says
//! what the service must offer, which tables move with it or must be split, which state moves to a backing
//! service and which risks the step removes.

use std::collections::BTreeSet;

use crate::analysis::ServiceEdge;
use crate::cluster::Proposal;
use crate::data_access::{DataAccess, DataKind};
use crate::resolve::{ItemId, Resolved};
use crate::risks::Risk;

#[derive(Debug, Clone)]
pub struct PlanStep {
    pub service: usize,
    pub cost: f64,
    /// Why now: the numbers behind the cost, as sentences.
    pub reasons: Vec<String>,
    /// Items of the service that the remaining monolith uses: the interface to offer (endpoints, events).
    pub interface: Vec<ItemId>,
    /// Owned tables no remaining service touches: they move with the service.
    pub tables_to_move: Vec<usize>,
    /// Tables shared with remaining services (owned or not): to split, or to reach through an API.
    pub tables_to_split: Vec<usize>,
    /// State items shared with remaining services: to move to a backing service.
    pub state_to_move: Vec<usize>,
    /// Indices into the analysis' risks that involve this service and no longer hold once it is out.
    pub risks_removed: Vec<usize>,
}

pub fn plan(
    resolved: &Resolved,
    data: &DataAccess,
    proposal: &Proposal,
    service_edges: &[ServiceEdge],
    risks: &[Risk],
) -> Vec<PlanStep> {
    let k = proposal.services.len();
    let mut steps = Vec::new();
    // The services that use each table and each state item, in one pass over the accesses.
    let mut table_users: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); data.tables.len()];
    let mut state_users: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); data.state.len()];
    for access in &data.accesses {
        let Some(service) = proposal.service_of(access.module) else { continue };
        let users = match access.kind {
            DataKind::Table => table_users.get_mut(access.data),
            DataKind::State => state_users.get_mut(access.data),
        };
        if let Some(users) = users {
            users.insert(service);
        }
    }
    // Whether each service is still in the monolith: a mask, as every table and edge is checked against it
    // for each candidate of each step; the candidates of a step are the services still in.
    let mut still_in = vec![true; k];
    // The distinct items each service edge uses, once: the greedy loop below looks at every edge again for
    // every candidate of every step, and an edge's evidence has one entry per reference.
    let edge_items: Vec<Vec<ItemId>> = service_edges
        .iter()
        .map(|edge| {
            let mut items: Vec<ItemId> = (edge.evidence.iter())
                .filter_map(|&i| resolved.references[i as usize].to_item)
                .collect();
            items.sort_unstable();
            items.dedup();
            items
        })
        .collect();
    while still_in.contains(&true) {
        let mut best: Option<PlanStep> = None;
        for s in (0..k).filter(|&s| still_in[s]) {
            // One of the others still in the monolith.
            let other = |o: usize| o != s && still_in.get(o).copied().unwrap_or(false);
            let mut interface: Vec<ItemId> = (service_edges.iter().zip(&edge_items))
                .filter(|(e, _)| e.to == s && other(e.from))
                .flat_map(|(_, items)| items.iter().copied())
                .collect();
            interface.sort_unstable();
            interface.dedup();
            let (mut tables_to_move, mut tables_to_split) = (Vec::new(), Vec::new());
            let mut foreign_users: BTreeSet<usize> = BTreeSet::new();
            let mut foreign_used = 0;
            for (t, users) in table_users.iter().enumerate() {
                let mine = proposal.table_owner[t] == Some(s);
                let mut shared = users.iter().copied().filter(|&u| other(u)).peekable();
                if mine && shared.peek().is_none() {
                    tables_to_move.push(t);
                } else if mine {
                    foreign_users.extend(shared);
                    tables_to_split.push(t);
                } else if users.contains(&s) && proposal.table_owner[t].is_some_and(other) {
                    foreign_used += 1;
                    tables_to_split.push(t);
                }
            }
            let state_to_move: Vec<usize> = state_users
                .iter()
                .enumerate()
                .filter(|(_, users)| users.contains(&s) && users.iter().any(|&u| other(u)))
                .map(|(i, _)| i)
                .collect();
            let in_cycle = service_edges.iter().any(|e| e.from == s && other(e.to))
                && reaches_back(service_edges, s, other);
            let cost = interface.len() as f64
                + 3.0 * foreign_users.len() as f64
                + 2.0 * foreign_used as f64
                + 2.0 * state_to_move.len() as f64
                + if in_cycle { 5.0 } else { 0.0 };
            let mut reasons = vec![
                format!(
                    "{} item(s) used by the rest of the monolith become its interface",
                    interface.len()
                ),
                format!(
                    "owns {} table(s) nobody else touches; {} of its tables are used by other services",
                    tables_to_move.len(),
                    foreign_users.len()
                ),
            ];
            if foreign_used > 0 {
                reasons.push(format!(
                    "touches {foreign_used} table(s) owned by services still in the monolith"
                ));
            }
            if !state_to_move.is_empty() {
                reasons.push(format!("shares {} in-process state item(s)", state_to_move.len()));
            }
            reasons.push(if in_cycle {
                "is in a dependency cycle with the rest: break it first".to_owned()
            } else {
                "is in no dependency cycle with the rest".to_owned()
            });
            let risks_removed = risks
                .iter()
                .enumerate()
                .filter(|(_, r)| r.services.contains(&s))
                .map(|(i, _)| i)
                .collect();
            let candidate = PlanStep {
                service: s,
                cost,
                reasons,
                interface,
                tables_to_move,
                tables_to_split,
                state_to_move,
                risks_removed,
            };
            let better = match &best {
                None => true,
                Some(current) => {
                    (candidate.cost, proposal.services[s].code_lines, s)
                        < (
                            current.cost,
                            proposal.services[current.service].code_lines,
                            current.service,
                        )
                }
            };
            if better {
                best = Some(candidate);
            }
        }
        let Some(step) = best else { break };
        if let Some(gone) = still_in.get_mut(step.service) {
            *gone = false;
        }
        steps.push(step);
    }
    steps
}

/// Whether `start` is reachable from any of the services `other` accepts that `start` depends on (a cycle
/// through the rest).
fn reaches_back(edges: &[ServiceEdge], start: usize, other: impl Fn(usize) -> bool) -> bool {
    let mut stack: Vec<usize> =
        edges.iter().filter(|e| e.from == start && other(e.to)).map(|e| e.to).collect();
    let mut seen: BTreeSet<usize> = stack.iter().copied().collect();
    while let Some(node) = stack.pop() {
        for edge in edges.iter().filter(|e| e.from == node) {
            if edge.to == start {
                return true;
            }
            if other(edge.to) && seen.insert(edge.to) {
                stack.push(edge.to);
            }
        }
    }
    false
}
