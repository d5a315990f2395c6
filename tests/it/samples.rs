//! The sample monoliths: their proposals match their `expected.toml`, and the committed reports are fresh.
//!
//! `reports/<sample>/` holds the committed output of `decompose analyze sample-monoliths/<sample>`; this test
//! regenerates each report into a temporary folder and compares it byte for byte. To accept a change, run
//! `UPDATE_REPORTS=1 cargo test --test it samples` (or the loop in the README) and review the diff.

use std::collections::BTreeMap;
use std::path::Path;

use decompose::cluster::compare::adjusted_rand_index;
use decompose::config::{Config, Format};

use crate::repo_root;

/// The ground truth a sample's authors wrote.
#[derive(Debug, serde::Deserialize)]
struct Expected {
    services: Vec<ExpectedService>,
    #[serde(default)]
    tables: Vec<ExpectedTable>,
    #[serde(default)]
    risks: Vec<ExpectedRisk>,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedRisk {
    kind: String,
    subject: String,
    #[serde(default)]
    services: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedTable {
    name: String,
    owner: String,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedService {
    name: String,
    modules: Vec<String>,
}

fn samples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("sample-monoliths"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("expected.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 2, "expected at least two sample monoliths, found {names:?}");
    names
}

fn config(sample: &str, out: &Path) -> Config {
    let input = Path::new("sample-monoliths").join(sample);
    Config {
        project: decompose::config::load_project(&input, None).unwrap(),
        // Relative, as the README's command gives it, so the report shows the same path.
        input: Path::new("sample-monoliths").join(sample),
        out_dir: out.to_path_buf(),
        formats: vec![Format::Html, Format::Json],
        target_services: None,
        include_tests: false,
        jobs: None,
        boundaries: decompose::config::Boundaries::Proposed,
    }
}

fn report_json(sample: &str) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let analysis = decompose::analyze(&config(sample, out.path())).unwrap();
    decompose::report::write(&analysis, &config(sample, out.path())).unwrap();
    serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap()).unwrap()
}

#[test]
fn proposals_match_expected_services() {
    // cargo runs integration tests in the package root, which is where the relative input paths start.
    assert_eq!(std::env::current_dir().unwrap(), repo_root());
    for sample in samples() {
        let text = std::fs::read_to_string(
            repo_root().join("sample-monoliths").join(&sample).join("expected.toml"),
        )
        .unwrap();
        let expected: Expected = toml::from_str(&text).unwrap();
        let report = report_json(&sample);
        let proposed: BTreeMap<String, Option<String>> = report["modules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (m["id"].as_str().unwrap().to_owned(), m["service"].as_str().map(str::to_owned))
            })
            .collect();
        let mut truth = Vec::new();
        let mut ours = Vec::new();
        for service in &expected.services {
            for module in &service.modules {
                let Some(assigned) = proposed.get(module) else {
                    panic!(
                        "{sample}: expected.toml names module {module}, which the analysis did not find"
                    )
                };
                truth.push(service.name.clone());
                // A module kept out of the proposal counts as a cluster of its own.
                ours.push(assigned.clone().unwrap_or_else(|| format!("(kept out) {module}")));
            }
        }
        let ari = adjusted_rand_index(&truth, &ours);
        eprintln!("{sample}: ARI {ari:.3} over {} modules", truth.len());
        assert!(
            ari >= 0.9,
            "{sample}: adjusted Rand index {ari:.3} < 0.9\ntruth: {truth:?}\nours: {ours:?}"
        );
    }
}

#[test]
fn committed_reports_are_fresh_and_deterministic() {
    let update = std::env::var_os("UPDATE_REPORTS").is_some();
    for sample in samples() {
        let out = tempfile::tempdir().unwrap();
        let cfg = config(&sample, out.path());
        let analysis = decompose::analyze(&cfg).unwrap();
        decompose::report::write(&analysis, &cfg).unwrap();
        // A second run must give the same bytes (determinism by construction, checked).
        let again = tempfile::tempdir().unwrap();
        let cfg_again = config(&sample, again.path());
        decompose::report::write(&decompose::analyze(&cfg_again).unwrap(), &cfg_again).unwrap();
        for file in ["index.html", "report.json"] {
            let fresh = std::fs::read(out.path().join(file)).unwrap();
            assert!(
                fresh == std::fs::read(again.path().join(file)).unwrap(),
                "{sample}/{file} differs between runs"
            );
            let committed_path = repo_root().join("reports").join(&sample).join(file);
            if update {
                std::fs::create_dir_all(committed_path.parent().unwrap()).unwrap();
                std::fs::write(&committed_path, &fresh).unwrap();
                continue;
            }
            let committed = std::fs::read(&committed_path).unwrap_or_default();
            assert!(
                committed == fresh,
                "reports/{sample}/{file} is stale: run `UPDATE_REPORTS=1 cargo test --test it samples` and review the diff"
            );
        }
    }
}

#[test]
fn samples_parse_without_errors() {
    for sample in samples() {
        let report = report_json(&sample);
        let errors: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{sample}: {errors:#?}");
        let orphans = report["orphans"].as_array().unwrap();
        assert!(orphans.is_empty(), "{sample}: orphan files {orphans:?}");
    }
}

/// Our service id for each expected service: the one most of its modules were assigned to.
fn service_mapping(expected: &Expected, report: &serde_json::Value) -> BTreeMap<String, String> {
    let proposed: BTreeMap<&str, &str> = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| Some((m["id"].as_str()?, m["service"].as_str()?)))
        .collect();
    let mut res = BTreeMap::new();
    for service in &expected.services {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for module in &service.modules {
            if let Some(ours) = proposed.get(module.as_str()) {
                *votes.entry(ours).or_default() += 1;
            }
        }
        if let Some((ours, _)) = votes.into_iter().max_by_key(|(_, n)| *n) {
            res.insert(service.name.clone(), ours.to_owned());
        }
    }
    res
}

#[test]
fn every_expected_table_is_found_with_its_owner_and_none_is_invented() {
    for sample in samples() {
        let text = std::fs::read_to_string(
            repo_root().join("sample-monoliths").join(&sample).join("expected.toml"),
        )
        .unwrap();
        let expected: Expected = toml::from_str(&text).unwrap();
        assert!(!expected.tables.is_empty(), "{sample}: expected.toml lists no tables");
        let report = report_json(&sample);
        let mapping = service_mapping(&expected, &report);
        let found: BTreeMap<String, Option<String>> = report["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "table")
            .map(|d| {
                let name = d["id"].as_str().unwrap().trim_start_matches("table:").to_owned();
                (name, d["owner"].as_str().map(str::to_owned))
            })
            .collect();
        let mut problems = Vec::new();
        for table in &expected.tables {
            let want = mapping.get(&table.owner);
            match found.get(&table.name) {
                None => problems.push(format!("table {} not found", table.name)),
                Some(owner) if owner.as_ref() != want => problems.push(format!(
                    "table {}: owner {:?}, expected {:?} (the service of `{}`)",
                    table.name, owner, want, table.owner
                )),
                Some(_) => {}
            }
        }
        let known: Vec<&str> = expected.tables.iter().map(|t| t.name.as_str()).collect();
        for name in found.keys() {
            if !known.contains(&name.as_str()) {
                problems.push(format!("table {name} is not in expected.toml (invented?)"));
            }
        }
        assert!(problems.is_empty(), "{sample}:\n{}", problems.join("\n"));
    }
}

/// Copies `from` to `to`, renaming every module: file and folder names under `src/` and every whole-word
/// occurrence of those names in the code. The code is the same program with other names.
fn copy_renamed(from: &Path, to: &Path, mapping: &BTreeMap<String, String>) {
    let rename_word = |word: &str| mapping.get(word).cloned().unwrap_or_else(|| word.to_owned());
    for rel in crate::list_files(from) {
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let parts: Vec<String> = rel_text
            .split('/')
            .map(|part| match part.strip_suffix(".rs") {
                Some(stem) => format!("{}.rs", rename_word(stem)),
                None => rename_word(part),
            })
            .collect();
        let target = to.join(parts.join("/"));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let bytes = std::fs::read(from.join(&rel)).unwrap();
        if rel_text.ends_with(".rs") {
            let text = String::from_utf8(bytes).unwrap();
            let mut out = String::with_capacity(text.len());
            let mut word = String::new();
            for c in text.chars().chain(std::iter::once('\0')) {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                out.push_str(&rename_word(&word));
                word.clear();
                if c != '\0' {
                    out.push(c);
                }
            }
            std::fs::write(target, out).unwrap();
        } else {
            std::fs::write(target, bytes).unwrap();
        }
    }
}

#[test]
fn renaming_every_module_changes_no_boundary_when_the_semantic_signal_is_off() {
    for sample in samples() {
        let root = repo_root().join("sample-monoliths").join(&sample);
        // Module names: every file stem and folder below any src/, except crate roots and mod.rs.
        let mut mapping: BTreeMap<String, String> = BTreeMap::new();
        for rel in crate::list_files(&root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            let Some((_, inside)) = rel.split_once("src/") else { continue };
            for part in inside.trim_end_matches(".rs").split('/') {
                if !["main", "lib", "mod"].contains(&part) {
                    let next = format!("m{}", mapping.len());
                    mapping.entry(part.to_owned()).or_insert(next);
                }
            }
        }
        let renamed = tempfile::tempdir().unwrap();
        copy_renamed(&root, renamed.path(), &mapping);

        let run = |input: &Path| {
            let out = tempfile::tempdir().unwrap();
            let mut project = decompose::config::ProjectConfig::empty();
            project.signals.semantic = 0.0;
            let config = Config {
                input: input.to_path_buf(),
                out_dir: out.path().to_path_buf(),
                formats: vec![Format::Json],
                target_services: None,
                include_tests: false,
                jobs: None,
                boundaries: decompose::config::Boundaries::Proposed,
                project,
            };
            let analysis = decompose::analyze(&config).unwrap();
            analysis
                .resolved
                .modules
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let label = match analysis.proposal.assignment[i] {
                        Ok(service) => format!("service {service}"),
                        Err(reason) => format!("{} {}", reason.as_str(), m.path),
                    };
                    (m.path.clone(), label)
                })
                .collect::<BTreeMap<String, String>>()
        };
        let original = run(&root);
        let renamed_labels = run(renamed.path());
        assert!(mapping.len() >= 10, "{sample}: too few module names to rename: {mapping:?}");
        let unchanged = renamed_labels.keys().filter(|id| original.contains_key(*id)).count();
        assert!(
            unchanged <= 4,
            "{sample}: only crate roots and layer-free ids may keep their name ({unchanged} did)"
        );
        let rename_id = |id: &str| {
            id.split("::")
                .map(|s| mapping.get(s).map_or(s, String::as_str))
                .collect::<Vec<_>>()
                .join("::")
        };
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for (id, label) in &original {
            let Some(other) = renamed_labels.get(&rename_id(id)) else {
                panic!("{sample}: {id} lost in renaming")
            };
            ours.push(if label.starts_with("service") {
                label.clone()
            } else {
                format!("out {id}")
            });
            theirs.push(if other.starts_with("service") {
                other.clone()
            } else {
                format!("out {id}")
            });
        }
        let ari = adjusted_rand_index(&ours, &theirs);
        assert!((ari - 1.0).abs() < 1e-12, "{sample}: renaming changed the boundaries (ARI {ari})");
    }
}

#[test]
fn every_planted_risk_is_reported_and_no_unplanted_high_risk() {
    for sample in samples() {
        let text = std::fs::read_to_string(
            repo_root().join("sample-monoliths").join(&sample).join("expected.toml"),
        )
        .unwrap();
        let expected: Expected = toml::from_str(&text).unwrap();
        assert!(!expected.risks.is_empty(), "{sample}: expected.toml plants no risk");
        let report = report_json(&sample);
        let mapping = service_mapping(&expected, &report);
        let risks = report["risks"].as_array().unwrap();
        let services_of = |risk: &serde_json::Value| -> Vec<String> {
            risk["services"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        // A cycle's subject names our service ids, which the sample's authors cannot know: a planted cycle
        // matches a reported one that contains all the planted services.
        let matches = |planted: &ExpectedRisk, risk: &serde_json::Value| -> bool {
            if risk["kind"] != planted.kind.as_str() {
                return false;
            }
            if planted.kind == "service-cycle" {
                let ours = services_of(risk);
                return planted
                    .services
                    .iter()
                    .all(|s| mapping.get(s).is_some_and(|id| ours.contains(id)));
            }
            risk["subject"] == planted.subject.as_str()
        };
        let mut problems = Vec::new();
        for planted in &expected.risks {
            if !risks.iter().any(|r| matches(planted, r)) {
                problems.push(format!("planted {} {} not reported", planted.kind, planted.subject));
            }
        }
        for risk in risks.iter().filter(|r| r["severity"] == "high") {
            if !expected.risks.iter().any(|p| matches(p, risk)) {
                problems.push(format!("unplanted high risk {} {}", risk["kind"], risk["subject"]));
            }
        }
        assert!(problems.is_empty(), "{sample}:\n{}", problems.join("\n"));
    }
}
