//! Recovering planted services from synthetic monoliths (`decompose::synthetic`): the acceptance bar.
//!
//! Each configuration is generated, written into a temporary folder and analysed; the proposal is scored
//! against the planted features with the adjusted Rand index over the feature modules (a module kept out of
//! the proposal counts as a cluster of its own), and every planted table must be owned by the service that
//! holds most of its feature's modules. The bar: ARI ≥ 0.9 with business names, ≥ 0.8 with opaque names,
//! and ≥ 90% of the tables with the right owner.

use std::collections::BTreeMap;
use std::path::Path;

use decompose::cluster::compare::adjusted_rand_index;
use decompose::config::{Config, Format, ProjectConfig};
use decompose::synthetic::{DataStyle, Naming, SynthMonolith, SynthParams, generate};

/// How one configuration fared.
struct Outcome {
    label: String,
    modules: usize,
    services: usize,
    ari: f64,
    tables_right: usize,
    tables_total: usize,
    problems: Vec<String>,
}

fn write(synth: &SynthMonolith, root: &Path) {
    for (path, text) in &synth.files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

fn run(params: &SynthParams) -> Outcome {
    let label = format!(
        "{:?}/{:?} {} features x {} per layer x {} lines, noise {}",
        params.naming,
        params.style,
        params.features,
        params.modules_per_layer,
        params.lines_per_module,
        params.noise
    );
    let synth = generate(params);
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    write(&synth, input.path());
    let config = Config {
        input: input.path().to_path_buf(),
        out_dir: out.path().to_path_buf(),
        formats: vec![Format::Json],
        target_services: None,
        include_tests: false,
        jobs: None,
        boundaries: decompose::config::Boundaries::Proposed,
        project: ProjectConfig::empty(),
    };
    let analysis = decompose::analyze(&config).unwrap();
    let mut problems = Vec::new();

    // The proposed service (or "kept out") of every planted module.
    let proposed: BTreeMap<&str, Result<usize, String>> = analysis
        .resolved
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let label = analysis.proposal.assignment[i].map_err(|why| why.as_str().to_owned());
            (m.path.as_str(), label)
        })
        .collect();
    let mut truth = Vec::new();
    let mut ours = Vec::new();
    for (module, &feature) in &synth.truth {
        let Some(assigned) = proposed.get(module.as_str()) else {
            problems.push(format!("module {module} not found by the analysis"));
            continue;
        };
        truth.push(feature);
        ours.push(match assigned {
            Ok(service) => format!("service {service}"),
            Err(why) => {
                problems.push(format!("{module} kept out: {why}"));
                format!("kept out {module}")
            }
        });
    }
    let ari = adjusted_rand_index(&truth, &ours);

    // Each feature's service: the one holding most of its modules.
    let mut votes: BTreeMap<usize, BTreeMap<usize, usize>> = BTreeMap::new();
    for (module, &feature) in &synth.truth {
        if let Some(Ok(service)) = proposed.get(module.as_str()) {
            *votes.entry(feature).or_default().entry(*service).or_default() += 1;
        }
    }
    let service_of_feature: BTreeMap<usize, usize> = votes
        .into_iter()
        .filter_map(|(feature, v)| {
            let best = v.into_iter().max_by_key(|&(service, n)| (n, std::cmp::Reverse(service)))?;
            Some((feature, best.0))
        })
        .collect();
    let found: BTreeMap<&str, Option<usize>> = analysis
        .data
        .tables
        .iter()
        .zip(&analysis.proposal.table_owner)
        .map(|(table, owner)| (table.name.as_str(), *owner))
        .collect();
    let mut tables_right = 0;
    for (table, feature) in &synth.tables {
        let want = service_of_feature.get(feature).copied();
        match found.get(table.as_str()) {
            None => problems.push(format!("table {table} not found")),
            Some(owner) if *owner == want && want.is_some() => tables_right += 1,
            Some(owner) => problems.push(format!(
                "table {table} (feature {feature}): owner {owner:?}, expected {want:?}"
            )),
        }
    }
    for name in found.keys() {
        if !synth.tables.contains_key(*name) {
            problems.push(format!("table {name} is not a planted table (invented?)"));
        }
    }
    Outcome {
        label,
        modules: truth.len(),
        services: analysis.proposal.services.len(),
        ari,
        tables_right,
        tables_total: synth.tables.len(),
        problems,
    }
}

/// Runs every configuration, prints every outcome, then checks the bar (so one failure shows all numbers).
fn check(configurations: &[SynthParams]) {
    let mut failures = Vec::new();
    for params in configurations {
        let outcome = run(params);
        let bar = match params.naming {
            Naming::Named => 0.9,
            Naming::Opaque => 0.8,
        };
        let table_share = outcome.tables_right as f64 / outcome.tables_total as f64;
        eprintln!(
            "{}: ARI {:.3} over {} modules, {} services; table owners {}/{} ({:.0}%)",
            outcome.label,
            outcome.ari,
            outcome.modules,
            outcome.services,
            outcome.tables_right,
            outcome.tables_total,
            100.0 * table_share
        );
        for problem in outcome.problems.iter().take(12) {
            eprintln!("    {problem}");
        }
        if outcome.ari < bar || table_share < 0.9 {
            failures.push(format!(
                "{}: ARI {:.3} (bar {bar}), table owners {:.0}% (bar 90%)",
                outcome.label,
                outcome.ari,
                100.0 * table_share
            ));
        }
    }
    assert!(failures.is_empty(), "below the bar:\n{}", failures.join("\n"));
}

fn params(
    naming: Naming,
    style: DataStyle,
    features: usize,
    modules_per_layer: usize,
    lines_per_module: usize,
    seed: u64,
) -> SynthParams {
    SynthParams { features, modules_per_layer, lines_per_module, style, naming, noise: 0.1, seed }
}

#[test]
fn small_monoliths_recover_their_planted_services() {
    check(&[
        params(Naming::Named, DataStyle::Sql, 5, 1, 120, 1),
        params(Naming::Named, DataStyle::Diesel, 6, 2, 80, 2),
        params(Naming::Opaque, DataStyle::Sql, 6, 2, 80, 3),
        params(Naming::Opaque, DataStyle::Diesel, 4, 1, 120, 4),
    ]);
}

#[test]
fn medium_monoliths_recover_their_planted_services() {
    check(&[
        params(Naming::Named, DataStyle::Sql, 16, 1, 100, 5),
        params(Naming::Named, DataStyle::Diesel, 12, 2, 60, 6),
        params(Naming::Opaque, DataStyle::Sql, 20, 1, 80, 7),
        params(Naming::Opaque, DataStyle::Diesel, 14, 2, 60, 8),
    ]);
}
