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
    Config {
        // Relative, as the README's command gives it, so the report shows the same path.
        input: Path::new("sample-monoliths").join(sample),
        out_dir: out.to_path_buf(),
        formats: vec![Format::Html, Format::Json],
        target_services: None,
        include_tests: false,
        jobs: None,
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
            ari >= 0.8,
            "{sample}: adjusted Rand index {ari:.3} < 0.8\ntruth: {truth:?}\nours: {ours:?}"
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
