//! Hubs: the modules that every feature shares, set apart before the final clustering.
//!
//! A module that most features depend on (an error type, the database pool, money or pagination helpers)
//! would otherwise be pulled into one service and glue the others to it; so would a module that reaches into
//! most features (`main`, the router, an app-state builder). Bunch calls both "omnipresent modules"
//! (Mancoridis et al., ICSM 1999) and removes them before clustering; IBM Mono2Micro puts utility classes in a
//! partition of their own. Hubs also hide each other (a router glues the handlers into one cluster, which
//! makes the pool they all share look like that cluster's own), so the rule works in two steps:
//!
//! 1. **Candidates** by degree alone: a module whose fan-in or fan-out (distinct modules) is at least
//!    [`CANDIDATE_FACTOR`] times the mean, and at least 3.
//! 2. Judge each candidate by how its neighbours spread over the `k` clusters of a clustering that leaves the
//!    hubs out (`threshold = max(3, ⌈k/2⌉)`): the kernel against a clustering without any candidate, then the
//!    composition roots against one without the kernel (see `cluster::prepare`):
//!    - **shared kernel**: its dependents lie in at least `threshold` clusters, no cluster accounts for more
//!      than [`MAX_CONCENTRATION`] of the coupling into it, and it depends on at most [`KERNEL_MAX_FAN_OUT`]
//!      modules and on at most a third as many as depend on it;
//!    - **composition root**: its dependencies lie in at least `threshold` clusters, no cluster receives more
//!      than [`MAX_CONCENTRATION`] of its coupling, and at most [`ROOT_MAX_FAN_IN`] modules depend on it.
//!
//! Candidates that are neither go back into the clustering like any module. The concentration test is what
//! tells a router (spread evenly over the features) from a feature's own handler (mostly coupled to its own
//! feature), and an error type from a domain model that one feature owns and several others read.
//!
//! Known blind spot: a thin facade that most features call and that delegates to one or two modules (an
//! authentication check, say) looks like kernel.

use std::collections::{BTreeMap, BTreeSet};

use super::KeptOut;

/// A hub candidate has a fan-in or fan-out at least this many times the mean.
const CANDIDATE_FACTOR: f64 = 2.0;
/// A shared-kernel module depends on at most this many modules (the error type on none, the pool on config).
const KERNEL_MAX_FAN_OUT: usize = 2;
/// A composition root is depended on by at most this many modules (`main` by none, a router by `main`).
const ROOT_MAX_FAN_IN: usize = 2;
/// The largest share of a hub's coupling that one cluster may account for.
const MAX_CONCENTRATION: f64 = 0.5;
/// Below this many clusters there is nothing a hub could glue together.
const MIN_CLUSTERS: usize = 3;

/// Dependents and dependencies of every module, restricted to the participating modules, with coupling.
pub(super) struct Neighbours {
    dependents: Vec<BTreeMap<usize, f64>>,
    dependencies: Vec<BTreeMap<usize, f64>>,
}

impl Neighbours {
    pub(super) fn new(
        n_modules: usize,
        directed: &BTreeMap<(usize, usize), f64>,
        participating: &[bool],
    ) -> Self {
        let mut res = Neighbours {
            dependents: vec![BTreeMap::new(); n_modules],
            dependencies: vec![BTreeMap::new(); n_modules],
        };
        for (&(a, b), &weight) in directed {
            if participating[a] && participating[b] {
                res.dependents[b].insert(a, weight);
                res.dependencies[a].insert(b, weight);
            }
        }
        res
    }
}

/// Step 1: modules whose fan-in or fan-out stands out.
pub(super) fn candidates(neighbours: &Neighbours, participating: &[bool]) -> Vec<usize> {
    let members: Vec<usize> = (0..participating.len()).filter(|&m| participating[m]).collect();
    if members.is_empty() {
        return Vec::new();
    }
    let n = members.len() as f64;
    let mean_in = members.iter().map(|&m| neighbours.dependents[m].len()).sum::<usize>() as f64 / n;
    let mean_out =
        members.iter().map(|&m| neighbours.dependencies[m].len()).sum::<usize>() as f64 / n;
    let stands_out =
        |degree: usize, mean: f64| degree >= 3 && degree as f64 >= CANDIDATE_FACTOR * mean;
    members
        .into_iter()
        .filter(|&m| {
            stands_out(neighbours.dependents[m].len(), mean_in)
                || stands_out(neighbours.dependencies[m].len(), mean_out)
        })
        .collect()
}

/// Step 2: judges each candidate against a clustering of the modules without candidates.
pub(super) fn judge(
    neighbours: &Neighbours,
    candidates: &[usize],
    membership: &[Option<usize>],
) -> Vec<(usize, KeptOut)> {
    let k = membership.iter().flatten().collect::<BTreeSet<_>>().len();
    if k < MIN_CLUSTERS {
        return Vec::new();
    }
    let threshold = MIN_CLUSTERS.max(k.div_ceil(2));
    // (number of clusters, largest share of the coupling from/to one cluster)
    let spread = |modules: &BTreeMap<usize, f64>| -> (usize, f64) {
        let mut by_cluster: BTreeMap<usize, f64> = BTreeMap::new();
        for (&m, &w) in modules {
            if let Some(c) = membership[m] {
                *by_cluster.entry(c).or_default() += w;
            }
        }
        let total: f64 = by_cluster.values().sum();
        let top = by_cluster.values().copied().fold(0.0, f64::max);
        (by_cluster.len(), if total > 0.0 { top / total } else { 1.0 })
    };
    let mut res = Vec::new();
    for &module in candidates {
        let (dependents, dependencies) =
            (&neighbours.dependents[module], &neighbours.dependencies[module]);
        let (fan_in, fan_out) = (dependents.len(), dependencies.len());
        let (in_clusters, in_top) = spread(dependents);
        let (out_clusters, out_top) = spread(dependencies);
        if in_clusters >= threshold
            && in_top <= MAX_CONCENTRATION
            && fan_out <= KERNEL_MAX_FAN_OUT
            && 3 * fan_out <= fan_in
        {
            res.push((module, KeptOut::SharedKernel));
        } else if out_clusters >= threshold
            && out_top <= MAX_CONCENTRATION
            && fan_in <= ROOT_MAX_FAN_IN
        {
            res.push((module, KeptOut::Composition));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four features of two modules each (`2f` → `2f+1`), an error module 8 used by all, a `main` 9 using all.
    fn layered() -> BTreeMap<(usize, usize), f64> {
        let mut edges = BTreeMap::new();
        for f in 0..4 {
            edges.insert((2 * f, 2 * f + 1), 3.0);
            edges.insert((2 * f, 8), 1.0);
            edges.insert((2 * f + 1, 8), 1.0);
            edges.insert((9, 2 * f), 1.0);
        }
        edges
    }

    fn run(edges: &BTreeMap<(usize, usize), f64>, n: usize) -> Vec<(usize, KeptOut)> {
        let participating = vec![true; n];
        let neighbours = Neighbours::new(n, edges, &participating);
        let candidates = candidates(&neighbours, &participating);
        // The clustering without candidates: one cluster per feature.
        let membership: Vec<Option<usize>> =
            (0..n).map(|m| (m < 8 && !candidates.contains(&m)).then_some(m / 2)).collect();
        judge(&neighbours, &candidates, &membership)
    }

    #[test]
    fn finds_the_shared_kernel_and_the_composition_root() {
        assert_eq!(run(&layered(), 10), [(8, KeptOut::SharedKernel), (9, KeptOut::Composition)]);
    }

    #[test]
    fn a_feature_many_others_call_is_not_a_hub_when_it_has_code_behind_it() {
        let mut edges = layered();
        // Module 0 is called from every other feature but depends on 1, 3 and 8.
        for caller in [2, 4, 6] {
            edges.insert((caller, 0), 1.0);
        }
        edges.insert((0, 3), 1.0);
        assert_eq!(run(&edges, 10), [(8, KeptOut::SharedKernel), (9, KeptOut::Composition)]);
    }

    #[test]
    fn a_domain_type_one_feature_owns_is_not_kernel() {
        let mut edges = layered();
        // Module 1 (feature 0's model) is read by features 1 and 2, but feature 0 couples to it far more.
        edges.insert((0, 1), 9.0);
        edges.insert((2, 1), 1.0);
        edges.insert((4, 1), 1.0);
        assert_eq!(run(&edges, 10), [(8, KeptOut::SharedKernel), (9, KeptOut::Composition)]);
    }

    #[test]
    fn too_few_clusters_have_no_hubs() {
        let edges = BTreeMap::from([((0, 1), 1.0), ((2, 1), 1.0), ((3, 1), 1.0)]);
        assert!(run(&edges, 4).is_empty());
    }
}
