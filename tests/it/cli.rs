//! The command line's wiring: help, exit codes, output folder, formats.

use crate::{list_files, run, write_fixture};

const SHOP: &str = r#"
//- /shop/Cargo.toml
[package]
name = "shop"
edition = "2021"
//- /shop/src/main.rs
mod orders;
mod billing;
fn main() { orders::place(1); }
//- /shop/src/orders.rs
use crate::billing::{charge, Invoice};
pub struct Order { pub id: u64 }
pub fn place(id: u64) -> Invoice { let order = Order { id }; charge(order.id) }
//- /shop/src/billing.rs
pub struct Invoice { pub total: u64 }
pub fn charge(amount: u64) -> Invoice { Invoice { total: amount } }
"#;

#[test]
fn help_documents_every_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["analyze", "--help"]);
    assert_eq!(out.code, 0, "{out:?}");
    for option in ["--out", "--format", "--services", "--quiet", "--include-tests", "--jobs"] {
        assert!(out.stdout.contains(option), "--help does not mention {option}: {out:?}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["analyze"]).code, 2);
    assert_eq!(run(dir.path(), &["analyze", ".", "--format", "pdf"]).code, 2);
    assert_eq!(run(dir.path(), &["analyze", ".", "--services", "0"]).code, 2);
    assert_eq!(run(dir.path(), &["frobnicate"]).code, 2);
}

#[test]
fn default_output_folder_is_reports_slash_name_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    let out = run(dir.path(), &["analyze", "shop"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("proposed services"), "{out:?}");
    let files = list_files(&dir.path().join("reports"));
    assert_eq!(files, [std::path::PathBuf::from("shop/index.html"), "shop/report.json".into()]);
    let html = std::fs::read_to_string(dir.path().join("reports/shop/index.html")).unwrap();
    assert!(html.contains("<html") && !html.contains("http://") && !html.contains("https://"));
}

#[test]
fn formats_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    let out =
        run(dir.path(), &["analyze", "shop", "--out", "o", "--format", "dot,json", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "", "--quiet prints nothing on success");
    let files = list_files(&dir.path().join("o"));
    assert_eq!(
        files,
        [std::path::PathBuf::from("modules.dot"), "report.json".into(), "services.dot".into()]
    );
    let dot = std::fs::read_to_string(dir.path().join("o/modules.dot")).unwrap();
    assert!(
        dot.starts_with("digraph modules {")
            && dot.contains("\"shop::orders\" -> \"shop::billing\""),
        "{dot}"
    );
}

#[test]
fn report_json_keeps_the_schema_v1_contract() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    let out = run(dir.path(), &["analyze", "shop", "--out", "o", "--format", "json", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["tool"]["name"], "decompose");
    assert_eq!(json["input"]["path"], "shop");
    assert_eq!(json["input"]["crates"][0]["root"], "src/main.rs");
    for key in ["modules", "services", "dependencies", "risks", "diagnostics"] {
        assert!(json[key].is_array(), "{key} missing");
    }
    assert!(json["metrics"]["modularity"].is_number());
    let orders =
        json["modules"].as_array().unwrap().iter().find(|m| m["id"] == "shop::orders").unwrap();
    assert_eq!(orders["crate"], "shop");
    assert_eq!(orders["file"], "src/orders.rs");
    let dep = json["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["from"] == "shop::orders" && d["to"] == "shop::billing")
        .unwrap();
    // `use` (2 names), `charge(..)` call, `Invoice` in the signature.
    assert_eq!(dep["kinds"], serde_json::json!({"call": 1, "import": 2, "type": 1}));
    assert_eq!(dep["weight"], 4);
    assert_eq!(dep["evidence"][0]["file"], "src/orders.rs");
}
