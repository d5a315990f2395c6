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

#[test]
fn pathological_trees_end_in_a_finished_report() {
    let dir = tempfile::tempdir().unwrap();
    // 20 nested modules, each declaring the next in its own folder.
    let mut fixture = String::from(
        "//- /deep/Cargo.toml\n[package]\nname = \"deep\"\nedition = \"2021\"\n//- /deep/src/lib.rs\npub mod m0;\n",
    );
    let mut path = String::from("deep/src");
    for level in 0..20 {
        path.push_str(&format!("/m{level}"));
        let file = format!("{path}.rs");
        let next = if level == 19 {
            String::from("pub fn bottom() {}\n")
        } else {
            format!("pub mod m{};\npub fn f() {{}}\n", level + 1)
        };
        fixture.push_str(&format!("//- /{file}\n{next}"));
    }
    // A `mod` that points outside the repository, and an empty crate.
    fixture.push_str("//- /escape/Cargo.toml\n[package]\nname = \"escape\"\nedition = \"2021\"\n//- /escape/src/lib.rs\n#[path = \"../../../../etc/passwd.rs\"]\nmod outside;\npub fn f() {}\n");
    fixture.push_str("//- /empty/Cargo.toml\n[package]\nname = \"empty\"\nedition = \"2021\"\n//- /empty/src/lib.rs\n");
    // Build output that must not be read.
    fixture.push_str("//- /deep/target/debug/build/junk.rs\nthis is not rust at all {{{\n");
    write_fixture(dir.path(), &fixture);
    // A symbolic link loop inside a crate.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("deep/src"), dir.path().join("deep/src/m0/loop"))
        .unwrap();

    let out = run(dir.path(), &["analyze", ".", "--out", "o", "--format", "json,html", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let modules: Vec<&str> =
        json["modules"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    let deepest = (0..20).map(|l| format!("m{l}")).collect::<Vec<_>>().join("::");
    assert!(modules.contains(&format!("deep::{deepest}").as_str()), "20 levels deep: {modules:?}");
    assert!(modules.contains(&"empty"), "the empty crate is listed: {modules:?}");
    let diagnostics = serde_json::to_string(&json["diagnostics"]).unwrap();
    assert!(diagnostics.contains("points outside the repository"), "{diagnostics}");
    #[cfg(unix)]
    assert!(diagnostics.contains("symbolic link to a folder not followed"), "{diagnostics}");
    assert!(!diagnostics.contains("junk.rs"), "target/ must not be read: {diagnostics}");
    assert!(dir.path().join("o/index.html").is_file());
}

#[test]
fn interrupted_writes_never_replace_a_good_report() {
    // Reports are written to a temporary name and renamed: no temporary file is left behind, and an existing
    // report is replaced whole.
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        "//- /app/Cargo.toml\n[package]\nname = \"app\"\n//- /app/src/lib.rs\npub fn f() {}\n",
    );
    for _ in 0..2 {
        let out = run(dir.path(), &["analyze", "app", "--out", "o", "-q"]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    let files = list_files(&dir.path().join("o"));
    assert_eq!(files, [std::path::PathBuf::from("index.html"), "report.json".into()]);
}

#[test]
fn a_report_that_cannot_be_written_whole_leaves_the_previous_one() {
    // One format failing (here: a folder squats on report.json's temporary name) must not rename any other
    // format into place: the previous report stays whole and no temporary file is left.
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        "//- /app/Cargo.toml\n[package]\nname = \"app\"\n//- /app/src/lib.rs\npub fn f() {}\n",
    );
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = dir.path().join("o/index.html");
    let before = std::fs::read(&report).unwrap();
    std::fs::write(dir.path().join("app/src/lib.rs"), "pub fn f() {}\npub fn g() { f() }\n")
        .unwrap();
    std::fs::create_dir(dir.path().join("o/.report.json.decompose-tmp")).unwrap();

    let out = run(dir.path(), &["analyze", "app", "--out", "o", "-q"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("report.json"), "{}", out.stderr);
    assert_eq!(std::fs::read(&report).unwrap(), before, "index.html must not be replaced");
    let files = list_files(&dir.path().join("o"));
    assert_eq!(files, [std::path::PathBuf::from("index.html"), "report.json".into()]);
}
