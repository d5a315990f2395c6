//! Granularity: modules that mix features, and how to split them item by item.
//!
//! Modules are the unit of clustering, but real monoliths often keep every feature's types in one
//! `models.rs` or every query in one `db.rs`. Such a module cannot go to one service whole. Here every item of
//! a module (struct, enum, trait, function, const, static; methods and impls count for their type) gets a
//! service *affinity*: the coupling of the references between the item and the modules of each service, in
//! both directions, weighted by kind. An item belongs to a service when that service holds at least
//! [`ITEM_DOMINANCE`] of its affinity. A module is *mixed* when at least two services each own at least
//! [`MIN_SHARE`] of its items' affinity and at least two of its items have a dominant service other than each
//! other's: the proposal then lists which items move to which service. Items without any affinity stay with
//! the module's own service.
//!
//! This is computed for modules in a service and for shared-kernel modules (a `models.rs` every feature uses
//! looks like kernel at module level; its items, each used by one feature, say it should be split instead).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::cluster::{KeptOut, Proposal};
use crate::extract::ItemKind;
use crate::graph::kind_weight;
use crate::resolve::{ItemId, ModuleId, Resolved};

/// Share of an item's affinity one service needs for the item to belong to it.
const ITEM_DOMINANCE: f64 = 0.6;
/// Share of a module's item affinity each of two services needs for the module to count as mixed.
const MIN_SHARE: f64 = 0.25;

/// Coupling of one item with each service (by index), sorted by service. Nearly every item couples with one or
/// two services, so a short sorted vector: an ordered map per item cost an allocation per node.
type Affinity = Vec<(usize, f64)>;

/// Adds `weight` to the affinity of `service`.
fn add(affinity: &mut Affinity, service: usize, weight: f64) {
    match affinity.binary_search_by_key(&service, |&(s, _)| s) {
        Ok(i) => affinity[i].1 += weight,
        Err(i) => affinity.insert(i, (service, weight)),
    }
}

/// A module whose items belong to different services.
#[derive(Debug, Clone)]
pub struct ModuleSplit {
    pub module: ModuleId,
    /// Per service (index into `Proposal::services`), the items that belong to it, sorted.
    pub parts: BTreeMap<usize, Vec<ItemId>>,
}

pub fn split_modules(resolved: &Resolved, proposal: &Proposal) -> Vec<ModuleSplit> {
    // The "home" item of each item: methods and impls belong to the type of the same name in their module.
    // Computed once per item, not per reference: at a million lines there are a few hundred thousand items
    // but twice as many reference ends, and each lookup is a string-keyed search.
    let mut type_of: FxHashMap<(ModuleId, &str), ItemId> = FxHashMap::default();
    for (index, item) in resolved.items.iter().enumerate() {
        if matches!(
            item.kind,
            ItemKind::Struct | ItemKind::Enum | ItemKind::Union | ItemKind::Trait
        ) {
            type_of.entry((item.module, item.name.as_str())).or_insert(ItemId(index as u32));
        }
    }
    let home: Vec<ItemId> = (resolved.items.iter().enumerate())
        .map(|(index, item)| {
            let type_name = match item.kind {
                ItemKind::Method => item.parent.as_deref(),
                ItemKind::Impl => Some(item.name.as_str()),
                _ => None,
            };
            (type_name.and_then(|name| type_of.get(&(item.module, name)).copied()))
                .unwrap_or(ItemId(index as u32))
        })
        .collect();
    let considered = |module: ModuleId| {
        matches!(proposal.assignment[module.index()], Ok(_) | Err(KeptOut::SharedKernel))
    };

    // Affinity of each (home) item of considered modules with each service, indexed by item.
    let mut affinity: Vec<Affinity> = vec![Affinity::new(); resolved.items.len()];
    for reference in resolved.references.iter().filter(|r| !r.test_only) {
        let weight = kind_weight(reference.kind) * if reference.weak { 0.5 } else { 1.0 };
        // Incoming: another service's code uses this item.
        if let Some(to_item) = reference.to_item
            && considered(reference.to)
            && let Some(service) = proposal.service_of(reference.from)
        {
            add(&mut affinity[home[to_item.index()].index()], service, weight);
        }
        // Outgoing: this item's code uses another service.
        if let Some(from_item) = reference.from_item
            && considered(reference.from)
            && let Some(service) = proposal.service_of(reference.to)
        {
            add(&mut affinity[home[from_item.index()].index()], service, weight);
        }
    }

    let mut by_module: BTreeMap<ModuleId, Vec<(ItemId, &Affinity)>> = BTreeMap::new();
    for (index, services) in
        affinity.iter().enumerate().filter(|(_, services)| !services.is_empty())
    {
        let item = ItemId(index as u32);
        by_module.entry(resolved.item(item).module).or_default().push((item, services));
    }
    let mut res = Vec::new();
    for (module, items) in by_module {
        let mut totals: BTreeMap<usize, f64> = BTreeMap::new();
        let mut parts: BTreeMap<usize, Vec<ItemId>> = BTreeMap::new();
        for (item, services) in &items {
            let sum: f64 = services.iter().map(|(_, w)| w).sum();
            for (service, w) in services.iter() {
                *totals.entry(*service).or_default() += w;
            }
            let dominant = services
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .filter(|(_, w)| sum > 0.0 && *w / sum >= ITEM_DOMINANCE);
            if let Some((service, _)) = dominant {
                parts.entry(*service).or_default().push(*item);
            }
        }
        let total: f64 = totals.values().sum();
        let strong = totals.values().filter(|w| total > 0.0 && **w / total >= MIN_SHARE).count();
        if strong < 2 || parts.len() < 2 {
            continue;
        }
        // Items with no dominant service stay with the module's own service (if it has one).
        if let Ok(own) = proposal.assignment[module.index()] {
            for (item, _) in &items {
                if !parts.values().any(|list| list.contains(item)) {
                    parts.entry(own).or_default().push(*item);
                }
            }
        }
        for list in parts.values_mut() {
            list.sort();
        }
        res.push(ModuleSplit { module, parts });
    }
    res
}
