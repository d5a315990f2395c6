//! Test support: multi-file fixtures written to a temporary folder and run through the pipeline, and the
//! repository's own Rust files as real code to test the parser against.
//!
//! A fixture is one string in which each file starts with a line `//- /relative/path`, as in rust-analyzer's
//! tests, so a whole small workspace fits next to the expectation it is checked against.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::config::{Config, Format};
use crate::diagnostics::Diagnostics;
use crate::resolve::Resolved;

/// Writes the files of a fixture below `root`.
pub(crate) fn write_fixture(root: &Path, fixture: &str) {
    let mut current: Option<(String, String)> = None;
    let mut files = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("//- /") {
            files.extend(current.take());
            current = Some((path.trim().to_owned(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    files.extend(current);
    write_files(root, &files);
}

/// Writes `(relative path, text)` files below `root` (a fixture's, or a generated monolith's).
pub(crate) fn write_files(root: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        #[allow(clippy::disallowed_methods)]
        std::fs::write(full, text).unwrap();
    }
}

pub(crate) fn fixture_config(root: &Path) -> Config {
    Config {
        input: root.to_path_buf(),
        out_dir: root.join("out"),
        formats: vec![Format::Json],
        target_services: None,
        include_tests: false,
        jobs: Some(1),
        boundaries: crate::config::Boundaries::Proposed,
        project: crate::config::load_project(root, None).unwrap(),
    }
}

/// Discover, parse, extract and resolve a fixture; diagnostics as display strings.
pub(crate) fn analyze_fixture_resolved(fixture: &str) -> (Resolved, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), fixture);
    let config = fixture_config(dir.path());
    let mut diagnostics = Diagnostics::default();
    let workspace = crate::discover::discover(&config, &mut diagnostics).unwrap();
    let summaries = crate::parse_and_extract(&workspace, &mut diagnostics);
    let resolved = crate::resolve::resolve(&workspace, &summaries, &mut diagnostics);
    let diagnostics = diagnostics.into_sorted().iter().map(ToString::to_string).collect();
    (resolved, diagnostics)
}

/// The whole analysis of a fixture (its `decompose.toml`, if any, applies).
pub(crate) fn analyze_fixture(fixture: &str) -> crate::analysis::Analysis {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), fixture);
    crate::analyze(&fixture_config(dir.path())).unwrap()
}

/// The text of every `.rs` file under these folders of the repository (`src`, `sample-monoliths`): real code
/// for the tests that hold the parser's pieces against rust-analyzer's own.
pub(crate) fn repository_rust_files(folders: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack: Vec<_> = folders.iter().map(|folder| root.join(folder)).collect();
    let mut texts = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                texts.extend(std::fs::read_to_string(path));
            }
        }
    }
    texts
}
