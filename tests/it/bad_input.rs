//! Bad input never crashes and never loses anything: a clear one-line error where the run cannot go on, a
//! diagnostic in the report where it can, and nothing written outside the output folder.

use crate::{list_files, run, write_fixture};

fn assert_one_line_error(out: &crate::Run) {
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr.trim().lines().count(), 1, "one line expected: {out:?}");
    assert!(out.stderr.starts_with("error: "), "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["analyze", "no/such/repo", "--out", "o"]);
    assert_one_line_error(&out);
    assert!(out.stderr.contains("no/such/repo"), "{out:?}");
    assert!(list_files(dir.path()).is_empty(), "nothing may be written");
}

#[test]
fn folder_without_rust_code() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), "//- /docs/readme.md\nhello\n");
    let out = run(dir.path(), &["analyze", "docs", "--out", "o"]);
    assert_one_line_error(&out);
    assert!(out.stderr.contains("no Rust code"), "{out:?}");
}

#[test]
fn out_is_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        "//- /app/Cargo.toml\n[package]\nname = \"app\"\n//- /app/src/lib.rs\npub fn f() {}\n//- /taken\nx\n",
    );
    let out = run(dir.path(), &["analyze", "app", "--out", "taken"]);
    assert_one_line_error(&out);
    assert!(out.stderr.contains("taken"), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken")).unwrap(),
        "x\n",
        "the file is untouched"
    );
}

#[test]
fn broken_files_become_diagnostics_and_the_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        r#"
//- /app/Cargo.toml
[package]
name = "app"
edition = "2021"
//- /app/src/main.rs
mod good;
mod broken;
mod missing;
mod latin1;
fn main() { good::run(); broken::after(); }
//- /app/src/good.rs
pub fn run() { crate::broken::after(); }
//- /app/src/broken.rs
pub fn oops( {
pub fn after() {}
//- /app/src/stray.rs
pub fn never_declared() {}
"#,
    );
    // A file that is not UTF-8 (Latin-1 "café").
    std::fs::write(dir.path().join("app/src/latin1.rs"), b"pub fn caf\xe9() {}\npub fn ok() {}\n")
        .unwrap();
    let before = list_files(dir.path());
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json,html"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let has = |file: &str, line: u64, severity: &str, category: &str| {
        json["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["file"] == file
                && d["line"] == line
                && d["severity"] == severity
                && d["category"] == category
        })
    };
    let all = &json["diagnostics"];
    assert!(has("src/broken.rs", 1, "error", "syntax"), "{all:#}");
    assert!(has("src/main.rs", 3, "warning", "missing-module"), "{all:#}");
    assert!(has("src/latin1.rs", 0, "warning", "read"), "{all:#}");
    assert_eq!(json["orphans"], serde_json::json!(["src/stray.rs"]));
    // The item after the syntax error is still found and resolved.
    let dependencies = json["dependencies"].as_array().unwrap();
    assert!(
        dependencies.iter().any(|d| d["from"] == "app::good" && d["to"] == "app::broken"),
        "{dependencies:#?}"
    );
    // Nothing was written outside the output folder.
    let after: Vec<_> =
        list_files(dir.path()).into_iter().filter(|p| !p.starts_with("o")).collect();
    assert_eq!(before, after);
}

#[test]
fn workspace_with_a_missing_member_and_a_path_cycle() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        r#"
//- /Cargo.toml
[workspace]
members = ["crates/*", "gone"]
//- /crates/api/Cargo.toml
[package]
name = "api"
edition = "2021"
[dependencies]
core-lib = { path = "../core-lib" }
//- /crates/api/src/lib.rs
pub fn serve() { core_lib::store::save(); }
#[path = "lib.rs"]
mod again;
//- /crates/core-lib/Cargo.toml
[package]
name = "core-lib"
edition = "2021"
//- /crates/core-lib/src/lib.rs
pub mod store;
//- /crates/core-lib/src/store.rs
pub fn save() {}
"#,
    );
    let out = run(dir.path(), &["analyze", ".", "--out", "o", "--format", "json", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let text = std::fs::read_to_string(dir.path().join("o/report.json")).unwrap();
    assert!(text.contains("workspace member `gone` not found"), "{text}");
    assert!(text.contains("already loaded as `api`"), "{text}");
    assert!(
        text.contains(r#""from": "api","#) && text.contains(r#""to": "core_lib::store","#),
        "{text}"
    );
}
