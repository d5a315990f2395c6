//! Quality metrics of a decomposition, as defined in the literature (see shared/research and the report's
//! methodology section). Each is computed on the module graph as static references, not runtime calls.
//!
//! - **Modularity Q** (Newman & Girvan 2004): Σ_c [L_c/m − (d_c/2m)²] on the coupling graph the clustering
//!   optimised (modules and data nodes). Higher is better; computed by `cluster` itself.
//! - **TurboMQ** (Bunch; Mancoridis et al.): Σ_i CF_i with CF_i = 2μ_i / (2μ_i + Σ_{j≠i}(ε_ij + ε_ji)), μ_i the
//!   coupling inside service i, ε_ij from i to j; CF_i = 0 when μ_i = 0. Higher is better; at most K.
//! - **ICP**, inter-call percentage (Mono2Micro): Σ_inter (ln v + 1) / Σ_all (ln v + 1) over module pairs with
//!   v > 0 calls (function and method calls) between modules of services. Lower is better.
//! - **IFN**, interface number (FoSCI, as Mono2Micro computes it): the mean, over services, of the number of
//!   distinct items of a service that other services reference. Lower is better.
//! - **NED**, non-extreme distribution (Wu, Hassan & Holt 2005, as Mono2Micro codes it):
//!   1 − (Σ sizes of services with 5 ≤ size ≤ 20) / (Σ sizes), size counted in type definitions (structs,
//!   enums, unions, traits: the Rust counterpart of the classes the metric was defined on). Lower is better.
//! - **SM**, structural modularity (Jin et al., as Mono2Micro codes it): mean_k μ_k/N_k² − 2/(K(K−1)) ·
//!   Σ_{i≠j} σ_ij/(2 N_i N_j), with μ_k the module edges inside service k, σ_ij the module edges between i and
//!   j, N the module counts. Higher is better.
//! - **Data-ownership purity**: the share of owned tables that no other service accesses. Higher is better.
//! - Per service: **cohesion** = CF_i (the share of its coupling that stays inside), **coupling** = the
//!   coupling weight that crosses its boundary, and the services it depends on and is used by.

use std::collections::{BTreeMap, BTreeSet};

use crate::data_access::{DataAccess, DataKind};
use crate::extract::ItemKind;
use crate::graph::{ModuleGraph, coupling};
use crate::resolve::{DependencyKind, Resolved};

use super::Proposal;

/// Bounds of a "non-extreme" service size for NED, in type definitions.
const NED_MIN: usize = 5;
const NED_MAX: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub modularity: f64,
    pub turbo_mq: f64,
    pub icp: f64,
    pub ifn: f64,
    pub ned: f64,
    pub sm: f64,
    pub data_ownership_purity: f64,
    pub services: Vec<ServiceMetrics>,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceMetrics {
    pub cohesion: f64,
    /// Coupling weight crossing the service's boundary (both directions).
    pub coupling: f64,
    /// Distinct items of this service that other services reference.
    pub interface_items: usize,
    pub type_definitions: usize,
    pub depends_on: usize,
    pub used_by: usize,
}

pub fn compute(
    resolved: &Resolved,
    graph: &ModuleGraph,
    proposal: &Proposal,
    data: &DataAccess,
) -> Metrics {
    let k = proposal.services.len();
    let mut inside = vec![0.0; k];
    let mut between: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut edges_inside = vec![0usize; k];
    let mut edges_between: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut calls: BTreeMap<(usize, usize), (u32, bool)> = BTreeMap::new();
    let mut interface: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); k];
    for edge in graph.graph.edge_indices() {
        let Some((a, b)) = graph.graph.edge_endpoints(edge) else { continue };
        let (from, to) = (graph.module(a), graph.module(b));
        let (Some(sa), Some(sb)) = (proposal.service_of(from), proposal.service_of(to)) else {
            continue;
        };
        let data_edge = &graph.graph[edge];
        let weight = coupling(data_edge);
        let n_calls = data_edge.counts.get(&DependencyKind::Call).copied().unwrap_or(0)
            + data_edge.counts.get(&DependencyKind::Method).copied().unwrap_or(0);
        if n_calls > 0 {
            calls.insert((from.index(), to.index()), (n_calls, sa != sb));
        }
        if sa == sb {
            inside[sa] += weight;
            edges_inside[sa] += 1;
        } else {
            *between.entry((sa, sb)).or_default() += weight;
            *edges_between.entry((sa.min(sb), sa.max(sb))).or_default() += 1;
            for &index in &data_edge.evidence {
                if let Some(item) = resolved.references[index as usize].to_item {
                    interface[sb].insert(item.0);
                }
            }
        }
    }

    let mut services: Vec<ServiceMetrics> = vec![ServiceMetrics::default(); k];
    let mut turbo_mq = 0.0;
    for (i, service) in services.iter_mut().enumerate() {
        let external: f64 =
            between.iter().filter(|((a, b), _)| *a == i || *b == i).map(|(_, w)| w).sum();
        let cf = if inside[i] > 0.0 { 2.0 * inside[i] / (2.0 * inside[i] + external) } else { 0.0 };
        turbo_mq += cf;
        service.cohesion = cf;
        service.coupling = external;
        service.interface_items = interface[i].len();
        service.depends_on = between.keys().filter(|(a, _)| *a == i).count();
        service.used_by = between.keys().filter(|(_, b)| *b == i).count();
    }
    for item in &resolved.items {
        if matches!(
            item.kind,
            ItemKind::Struct | ItemKind::Enum | ItemKind::Union | ItemKind::Trait
        ) && let Some(s) = proposal.service_of(item.module)
        {
            services[s].type_definitions += 1;
        }
    }

    let icp = {
        let term = |v: u32| (v as f64).ln() + 1.0;
        let all: f64 = calls.values().map(|(v, _)| term(*v)).sum();
        let inter: f64 = calls.values().filter(|(_, cross)| *cross).map(|(v, _)| term(*v)).sum();
        if all > 0.0 { inter / all } else { 0.0 }
    };
    let ifn = if k > 0 {
        interface.iter().map(BTreeSet::len).sum::<usize>() as f64 / k as f64
    } else {
        0.0
    };
    let ned = {
        let total: usize = services.iter().map(|s| s.type_definitions).sum();
        let moderate: usize = services
            .iter()
            .map(|s| s.type_definitions)
            .filter(|&n| (NED_MIN..=NED_MAX).contains(&n))
            .sum();
        if total > 0 { 1.0 - moderate as f64 / total as f64 } else { 0.0 }
    };
    let sm = {
        let sizes: Vec<f64> = proposal.services.iter().map(|s| s.modules.len() as f64).collect();
        let cohesion: f64 =
            (0..k).map(|i| edges_inside[i] as f64 / (sizes[i] * sizes[i]).max(1.0)).sum();
        let coupling_sum: f64 = edges_between
            .iter()
            // Each unordered pair stands for both ordered pairs of the published formula.
            .map(|(&(i, j), &n)| 2.0 * n as f64 / (2.0 * sizes[i] * sizes[j]).max(1.0))
            .sum();
        if k == 0 {
            0.0
        } else if k == 1 {
            cohesion
        } else {
            cohesion / k as f64 - 2.0 / (k as f64 * (k as f64 - 1.0)) * coupling_sum
        }
    };
    let data_ownership_purity = {
        let mut owned = 0usize;
        let mut pure = 0usize;
        for (index, owner) in proposal.table_owner.iter().enumerate() {
            let Some(owner) = owner else { continue };
            owned += 1;
            let foreign = data.accesses.iter().any(|a| {
                a.kind == DataKind::Table
                    && a.data == index
                    && proposal.service_of(a.module).is_some_and(|s| s != *owner)
            });
            pure += usize::from(!foreign);
        }
        if owned > 0 { pure as f64 / owned as f64 } else { 1.0 }
    };
    Metrics {
        modularity: proposal.modularity,
        turbo_mq,
        icp,
        ifn,
        ned,
        sm,
        data_ownership_purity,
        services,
    }
}
