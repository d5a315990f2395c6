//! Structural rules: service cycles, chatty boundaries, shared domain types, layer cuts, hub services and
//! synchronous call chains.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::{condensation, tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::analysis::ServiceEdge;
use crate::extract::ItemKind;
use crate::resolve::{DependencyKind, ItemId, ModuleId};

use super::{Evidence, Risk, RiskInput, RiskKind, Severity};

/// A service whose modules keep less than this share of their coupling inside looks like a layer.
const LAYER_MAX_COHESION: f64 = 0.25;

pub(super) fn rules(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    service_cycles(input, risks);
    chatty_boundaries(input, risks);
    shared_domain_types(input, risks);
    layer_cuts(input, risks);
    hub_services(input, risks);
    sync_call_chains(input, risks);
}

/// The first pieces of evidence behind a service edge.
fn edge_evidence(
    input: &RiskInput<'_>,
    edge: &ServiceEdge,
    take: usize,
    only_calls: bool,
) -> Vec<Evidence> {
    let (from, to) = (input.service_name(edge.from), input.service_name(edge.to));
    edge.evidence
        .iter()
        .map(|&i| &input.resolved.references[i as usize])
        .filter(|r| !only_calls || is_call(r.kind))
        .take(take)
        .map(|r| {
            let target = input.resolved.target_path(r.to, r.to_item);
            Evidence {
                file: r.file,
                line: r.line,
                note: format!("{from} → {to}: {} {target}", r.kind.as_str()),
            }
        })
        .collect()
}

fn is_call(kind: DependencyKind) -> bool {
    matches!(kind, DependencyKind::Call | DependencyKind::Method | DependencyKind::Construct)
}

fn calls(edge: &ServiceEdge) -> u32 {
    edge.counts.iter().filter(|(k, _)| is_call(**k)).map(|(_, n)| n).sum()
}

/// The most edges a cycle's message names, the strongest (by references) in service order.
const CYCLE_EDGES_NAMED: usize = 10;

/// **service-cycle** (high): services that depend on each other in a cycle; the cycle's edges are the evidence.
fn service_cycles(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let k = input.proposal.services.len();
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..k).map(|s| graph.add_node(s)).collect();
    for edge in input.service_edges {
        graph.add_edge(nodes[edge.from], nodes[edge.to], ());
    }
    for component in tarjan_scc(&graph) {
        if component.len() < 2 {
            continue;
        }
        let members: BTreeSet<usize> = component.iter().map(|n| graph[*n]).collect();
        let inside: Vec<&ServiceEdge> = input
            .service_edges
            .iter()
            .filter(|e| members.contains(&e.from) && members.contains(&e.to))
            .collect();
        let names: Vec<&str> = members.iter().map(|&s| input.service_name(s)).collect();
        // The message names the strongest edges only: a cycle through every service of a large proposal has
        // hundreds (380 for 20 services), which made the message, and the report's top risks, a wall of
        // text. It still counts the others.
        let mut strongest: Vec<usize> = (0..inside.len()).collect();
        strongest.sort_by_key(|&i| std::cmp::Reverse(inside[i].total()));
        strongest.truncate(CYCLE_EDGES_NAMED);
        strongest.sort_unstable();
        let arrows: Vec<String> = strongest
            .iter()
            .map(|&i| inside[i])
            .map(|e| {
                format!(
                    "{} → {} ({})",
                    input.service_name(e.from),
                    input.service_name(e.to),
                    e.total()
                )
            })
            .collect();
        let weakest = inside.iter().min_by_key(|e| (e.total(), e.from, e.to));
        let remedy = match weakest {
            Some(e) => format!(
                "Break the cycle at its weakest edge, {} → {} ({} references): invert it with an event {} publishes, move the code it needs, or merge the services if they really change together.",
                input.service_name(e.from),
                input.service_name(e.to),
                e.total(),
                input.service_name(e.to)
            ),
            None => "Break the cycle with events or by moving code.".to_owned(),
        };
        risks.push(Risk {
            kind: RiskKind::ServiceCycle,
            severity: Severity::High,
            services: members.iter().copied().collect(),
            subject: format!(
                "services:{}",
                members
                    .iter()
                    .map(|&s| input.proposal.services[s].id.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            evidence: inside.iter().flat_map(|e| edge_evidence(input, e, 1, false)).collect(),
            message: format!(
                "{} services depend on each other in a cycle ({}): {}{}.",
                names.len(),
                names.join(", "),
                arrows.join("; "),
                match inside.len() - arrows.len() {
                    0 => String::new(),
                    more => format!(", and {more} more edges"),
                }
            ),
            remedy,
        });
    }
}

/// **chatty-boundary** (medium): two services with at least `chatty_calls` calls between them (both ways).
fn chatty_boundaries(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let mut pairs: BTreeMap<(usize, usize), Vec<&ServiceEdge>> = BTreeMap::new();
    for edge in input.service_edges {
        pairs.entry((edge.from.min(edge.to), edge.from.max(edge.to))).or_default().push(edge);
    }
    for ((a, b), edges) in pairs {
        let total: u32 = edges.iter().map(|e| calls(e)).sum();
        if total < input.thresholds.chatty_calls {
            continue;
        }
        let items: BTreeSet<ItemId> = edges
            .iter()
            .flat_map(|e| e.evidence.iter())
            .map(|&i| &input.resolved.references[i as usize])
            .filter(|r| is_call(r.kind))
            .filter_map(|r| r.to_item)
            .collect();
        risks.push(Risk {
            kind: RiskKind::ChattyBoundary,
            severity: Severity::Medium,
            services: vec![a, b],
            subject: format!("services:{},{}", input.proposal.services[a].id, input.proposal.services[b].id),
            evidence: edges.iter().flat_map(|e| edge_evidence(input, e, 6, true)).collect(),
            message: format!(
                "{} and {} call each other {total} times, through {} distinct items (threshold {}).",
                input.service_name(a),
                input.service_name(b),
                items.len(),
                input.thresholds.chatty_calls
            ),
            remedy: "Make the interface coarse-grained (one call per use case, returning what the caller needs), or move the code that talks this much to the side it talks to.".to_owned(),
        });
    }
}

/// **shared-domain-type** (medium): a struct or enum owned by a feature (in a service, or mapped to a table)
/// used by at least `shared_type_services` other services. Types of the shared kernel that map no table are
/// utilities (an error type, money, pagination) and are not flagged.
fn shared_domain_types(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let (resolved, proposal) = (input.resolved, input.proposal);
    let mapped: BTreeSet<ItemId> = input
        .data
        .accesses
        .iter()
        .filter(|a| a.via == "diesel model" || a.via == "sea-orm entity")
        .filter_map(|a| a.item)
        .collect();
    let mut users: BTreeMap<ItemId, BTreeMap<usize, Vec<Evidence>>> = BTreeMap::new();
    for reference in resolved.references.iter().filter(|r| !r.test_only) {
        let Some(item) = reference.to_item else { continue };
        let info = resolved.item(item);
        if !matches!(info.kind, ItemKind::Struct | ItemKind::Enum) {
            continue;
        }
        let own = proposal.service_of(info.module);
        if own.is_none() && !mapped.contains(&item) {
            continue;
        }
        let Some(user) = proposal.service_of(reference.from) else { continue };
        if Some(user) == own {
            continue;
        }
        users.entry(item).or_default().entry(user).or_default().push(Evidence {
            file: reference.file,
            line: reference.line,
            note: format!(
                "{} uses {} ({})",
                resolved.module(reference.from).path,
                info.name,
                reference.kind.as_str()
            ),
        });
    }
    for (item, by_service) in users {
        if by_service.len() < input.thresholds.shared_type_services {
            continue;
        }
        let info = resolved.item(item);
        let path = format!("{}::{}", resolved.module(info.module).path, info.name);
        let own = proposal.service_of(info.module);
        let names: Vec<&str> = by_service.keys().map(|&s| input.service_name(s)).collect();
        let mut services: Vec<usize> = by_service.keys().copied().collect();
        services.extend(own);
        risks.push(Risk {
            kind: RiskKind::SharedDomainType,
            severity: Severity::Medium,
            services,
            subject: format!("type:{path}"),
            evidence: by_service.values().flat_map(|e| e.iter().take(2).cloned()).collect(),
            message: format!("Domain type `{path}` is used by {} other services: {}.", names.len(), names.join(", ")),
            remedy: format!(
                "Give each service its own model of `{}` with only the fields it needs, and exchange data through versioned messages (DTOs) owned by {}.",
                info.name,
                own.map(|o| input.service_name(o)).unwrap_or("one service")
            ),
        });
    }
}

/// **layer-cut** (medium): a service of two or more modules that all sit under one parent module (not the
/// crate root) and that barely use each other: less than [`LAYER_MAX_COHESION`] of their coupling stays
/// inside the service. Modules of one architectural layer (`handlers::orders`, `handlers::catalog`) do not
/// call each other, while the modules of one feature folder do, so layers are recognised from the structure,
/// not from folder names.
fn layer_cuts(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let (resolved, proposal, graph) = (input.resolved, input.proposal, input.graph);
    for (service_index, service) in proposal.services.iter().enumerate() {
        if service.modules.len() < 2 {
            continue;
        }
        let parents: BTreeSet<Option<ModuleId>> =
            service.modules.iter().map(|m| resolved.module(*m).parent).collect();
        let [Some(parent)] = parents.into_iter().collect::<Vec<_>>()[..] else { continue };
        if resolved.module(parent).is_crate_root {
            continue;
        }
        let (mut inside, mut outside) = (0.0, 0.0);
        for edge in graph.graph.edge_indices() {
            let Some((a, b)) = graph.graph.edge_endpoints(edge) else { continue };
            let (sa, sb) =
                (proposal.service_of(graph.module(a)), proposal.service_of(graph.module(b)));
            let weight = crate::graph::coupling(&graph.graph[edge]);
            match (sa == Some(service_index), sb == Some(service_index)) {
                (true, true) => inside += weight,
                (true, false) | (false, true) => outside += weight,
                (false, false) => {}
            }
        }
        let cohesion = if inside + outside > 0.0 { inside / (inside + outside) } else { 0.0 };
        if cohesion >= LAYER_MAX_COHESION {
            continue;
        }
        let layer = &resolved.module(parent).path;
        risks.push(Risk {
            kind: RiskKind::LayerCut,
            severity: Severity::Medium,
            services: vec![service_index],
            subject: format!("service:{}", service.id),
            evidence: service
                .modules
                .iter()
                .map(|m| {
                    let module = resolved.module(*m);
                    Evidence { file: module.file, line: module.line, note: format!("{} is in layer {layer}", module.path) }
                })
                .collect(),
            message: format!(
                "{} consists only of modules of `{layer}` ({} modules) that barely use each other: {:.0}% of their coupling stays inside.",
                service.name,
                service.modules.len(),
                cohesion * 100.0
            ),
            remedy: "Cut by feature instead: give each feature's handler, logic, data access and models to one service, and keep the layer as an internal structure of each service.".to_owned(),
        });
    }
}

/// **hub-service** (medium): a service that at least `hub_dependents_share` of the other services depend on
/// (with four or more services), or that holds at least `hub_code_share` of the code and at least twice its
/// fair share (`2/k` with `k` services: with three services, 40 % of the code is no outlier).
fn hub_services(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let proposal = input.proposal;
    let k = proposal.services.len();
    let total_lines: u32 = proposal.services.iter().map(|s| s.code_lines).sum::<u32>().max(1);
    for (index, service) in proposal.services.iter().enumerate() {
        let dependents: BTreeSet<usize> =
            input.service_edges.iter().filter(|e| e.to == index).map(|e| e.from).collect();
        let share = dependents.len() as f64 / (k.max(2) - 1) as f64;
        let code_share = f64::from(service.code_lines) / f64::from(total_lines);
        let by_dependents = k >= 4 && share >= input.thresholds.hub_dependents_share;
        let by_size = k >= 3 && code_share >= input.thresholds.hub_code_share.max(2.0 / k as f64);
        if !by_dependents && !by_size {
            continue;
        }
        let mut reasons = Vec::new();
        if by_dependents {
            reasons.push(format!(
                "{} of the {} other services depend on it",
                dependents.len(),
                k - 1
            ));
        }
        if by_size {
            reasons.push(format!("it holds {:.0}% of the code", code_share * 100.0));
        }
        let mut services = vec![index];
        services.extend(&dependents);
        risks.push(Risk {
            kind: RiskKind::HubService,
            severity: Severity::Medium,
            services,
            subject: format!("service:{}", service.id),
            evidence: input
                .service_edges
                .iter()
                .filter(|e| e.to == index)
                .flat_map(|e| edge_evidence(input, e, 1, false))
                .collect(),
            message: format!("{} is a hub: {}.", service.name, reasons.join(" and ")),
            remedy: "Split it by the groups of callers it serves, move generic parts into a shared library, or let its dependents subscribe to its events instead of calling it.".to_owned(),
        });
    }
}

/// **sync-call-chain** (medium): a chain of synchronous calls across more than `call_chain_hops` service
/// boundaries. Cycles are collapsed first (they are reported as `service-cycle`), so chains are finite.
fn sync_call_chains(input: &RiskInput<'_>, risks: &mut Vec<Risk>) {
    let k = input.proposal.services.len();
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..k).map(|s| graph.add_node(s)).collect();
    for edge in input.service_edges.iter().filter(|e| calls(e) > 0) {
        graph.add_edge(nodes[edge.from], nodes[edge.to], ());
    }
    let condensed = condensation(graph, true);
    let Ok(order) = toposort(&condensed, None) else { return };
    // Longest path (in hops) starting at each condensed node, computed in reverse topological order.
    let mut longest: BTreeMap<NodeIndex, (usize, Option<NodeIndex>)> = BTreeMap::new();
    for &node in order.iter().rev() {
        let best = condensed
            .neighbors(node)
            .map(|next| (longest.get(&next).map_or(0, |l| l.0) + 1, Some(next)))
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .unwrap_or((0, None));
        longest.insert(node, best);
    }
    let Some((&start, &(hops, _))) =
        longest.iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))
    else {
        return;
    };
    if hops <= input.thresholds.call_chain_hops {
        return;
    }
    let mut chain: Vec<usize> = Vec::new();
    let mut current = Some(start);
    while let Some(node) = current {
        let mut members = condensed[node].clone();
        members.sort_unstable();
        chain.extend(members.first());
        current = longest.get(&node).and_then(|l| l.1);
    }
    let evidence = chain
        .windows(2)
        .filter_map(|pair| {
            input.service_edges.iter().find(|e| e.from == pair[0] && e.to == pair[1])
        })
        .flat_map(|e| edge_evidence(input, e, 1, true))
        .collect();
    let names: Vec<&str> = chain.iter().map(|&s| input.service_name(s)).collect();
    risks.push(Risk {
        kind: RiskKind::SyncCallChain,
        severity: Severity::Medium,
        services: chain.clone(),
        subject: format!("chain:{}", chain.iter().map(|&s| input.proposal.services[s].id.as_str()).collect::<Vec<_>>().join(">")),
        evidence,
        message: format!(
            "A chain of synchronous calls crosses {hops} service boundaries (threshold {}): {}.",
            input.thresholds.call_chain_hops,
            names.join(" → ")
        ),
        remedy: "Shorten the chain: let the first service get what it needs from events it has already received (a local read model), or make later hops asynchronous.".to_owned(),
    });
}
