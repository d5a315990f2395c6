//! The command line's wiring: help, exit codes, output folder, formats.

use std::process::Command;

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
    assert!(html.contains("<html"));
    // Self-contained: nothing is fetched (the SVG namespace URI is an identifier, not a fetch).
    for fetch in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//", "href=\"//"] {
        assert!(!html.contains(fetch), "the report fetches something: {fetch}");
    }
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

/// The repository's own `.gitignore` decides what is analysed; the excludes file of whoever runs the tool
/// (git's global `core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore`) does not, or two people
/// analysing the same repository would get different reports.
#[test]
fn the_repository_gitignore_counts_and_a_user_global_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    std::fs::write(dir.path().join("shop/.gitignore"), "orders.rs\n").unwrap();
    let config = dir.path().join("home/.config");
    std::fs::create_dir_all(config.join("git")).unwrap();
    std::fs::write(config.join("git/ignore"), "billing.rs\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_decompose"))
        .args(["analyze", "shop", "--out", "o", "--format", "dot", "--quiet"])
        .current_dir(dir.path())
        .env("HOME", dir.path().join("home"))
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let dot = std::fs::read_to_string(dir.path().join("o/modules.dot")).unwrap();
    assert!(
        dot.contains("\"shop::billing\""),
        "a user's global excludes dropped billing.rs: {dot}"
    );
    assert!(
        !dot.contains("\"shop::orders\""),
        "the repository's .gitignore was not honoured: {dot}"
    );
}

/// Progress bars are for a person at a terminal: a pipe (tests, CI logs) and `--quiet` get none.
#[test]
fn no_progress_output_when_stderr_is_not_a_terminal_or_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    let out = run(dir.path(), &["analyze", "shop", "--out", "o"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "", "a clean run prints nothing on stderr in a pipe: {out:?}");
    let out = run(dir.path(), &["analyze", "shop", "--out", "o", "-v"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("parse + extract:"), "-v prints the stage times: {out:?}");
    for drawing in ['\r', '\u{1b}', '='] {
        assert!(!out.stderr.contains(drawing), "no progress drawing in a pipe: {out:?}");
    }
    let out = run(dir.path(), &["analyze", "shop", "--out", "o", "-q"]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""), "{out:?}");
}

/// On a terminal (util-linux `script` runs the binary under a pseudo-terminal) the stages show as bars, which
/// are cleared before the summary; `--quiet` shows none.
#[test]
fn progress_bars_on_a_terminal() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed, no pseudo-terminal to test with");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHOP);
    let on_terminal = |extra: &str| {
        let command = format!("'{}' analyze shop --out o {extra}", env!("CARGO_BIN_EXE_decompose"));
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            // A terminal that can move its cursor: with `TERM=dumb` or none, indicatif draws nothing.
            .env("TERM", "xterm")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let shown = on_terminal("");
    for stage in ["discover", "parse + extract", "report"] {
        assert!(shown.contains(stage), "no bar for {stage}: {shown:?}");
    }
    assert!(shown.contains("/3 files"), "parsing counts the files: {shown:?}");
    assert!(shown.contains("proposed services"), "the summary follows: {shown:?}");
    assert_eq!(on_terminal("--quiet"), "", "--quiet draws nothing, even on a terminal");
}

/// Problems with the analysed files are counted by category on stderr, with their first few; the report has
/// every one.
#[test]
fn diagnostics_are_grouped_by_category_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let mut fixture = String::from(
        "//- /app/Cargo.toml\n[package]\nname = \"app\"\nedition = \"2021\"\n//- /app/src/main.rs\nmod gone_a;\nmod gone_b;\n",
    );
    for file in 0..6 {
        fixture.push_str(&format!("mod broken{file};\n"));
    }
    fixture.push_str("fn main() {}\n");
    for file in 0..6 {
        fixture.push_str(&format!(
            "//- /app/src/broken{file}.rs\npub fn a( {{}}\npub fn b() {{ let = ; }}\npub fn ok() {{}}\n"
        ));
    }
    write_fixture(dir.path(), &fixture);
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let syntax = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["category"] == "syntax")
        .count();
    assert!(syntax > 6, "several errors per file: {out:?}");
    let headers: Vec<&str> = out.stderr.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        headers,
        [
            format!("error: {syntax} syntax errors in 6 files, all in the report; the first:")
                .as_str(),
            "warning: 2 missing-module warnings in 1 file:",
        ],
        "one line per category, counted: {out:?}"
    );
    let examples: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("    ")).collect();
    assert_eq!(examples.len(), 3 + 2, "three syntax errors, both missing modules: {out:?}");
    for (example, file) in examples.iter().zip(["broken0", "broken1", "broken2"]) {
        assert!(example.starts_with(&format!("    src/{file}.rs:1: ")), "one per file: {out:?}");
    }
    assert!(
        out.stdout
            .contains(&format!("{syntax} error(s), 2 warning(s): see the report's diagnostics")),
        "{out:?}"
    );
    let quiet = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json", "-q"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{quiet:?}");
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

/// Three features of two modules each, plus a router.
const THREE_FEATURES: &str = r#"
//- /app/Cargo.toml
[package]
name = "app"
edition = "2021"
//- /app/src/main.rs
mod orders_api; mod orders_core; mod billing_api; mod billing_core; mod shipping_api; mod shipping_core;
fn main() { orders_api::run(); billing_api::run(); shipping_api::run(); }
//- /app/src/orders_api.rs
use crate::orders_core::{Order, place, total};
pub fn run() { let o = Order { id: 1 }; place(&o); total(&o); crate::billing_api::charge(1); }
//- /app/src/orders_core.rs
pub struct Order { pub id: u64 }
pub fn place(o: &Order) -> u64 { o.id }
pub fn total(o: &Order) -> u64 { o.id * 2 }
//- /app/src/billing_api.rs
use crate::billing_core::{Invoice, issue, settle};
pub fn run() { let i = Invoice { n: 1 }; issue(&i); settle(&i); }
pub fn charge(n: u64) -> u64 { n }
//- /app/src/billing_core.rs
pub struct Invoice { pub n: u64 }
pub fn issue(i: &Invoice) -> u64 { i.n }
pub fn settle(i: &Invoice) -> u64 { i.n + 1 }
//- /app/src/shipping_api.rs
use crate::shipping_core::{Parcel, send, track};
pub fn run() { let p = Parcel { w: 1 }; send(&p); track(&p); }
//- /app/src/shipping_core.rs
pub struct Parcel { pub w: u64 }
pub fn send(p: &Parcel) -> u64 { p.w }
pub fn track(p: &Parcel) -> u64 { p.w + 1 }
"#;

fn services_of(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("o/report.json")).unwrap()).unwrap();
    json["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| Some((m["id"].as_str()?.to_owned(), m["service"].as_str()?.to_owned())))
        .collect()
}

#[test]
fn decompose_toml_constraints_are_honoured_exactly() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), THREE_FEATURES);
    // Without constraints: one service per feature.
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let free = services_of(dir.path());
    assert_eq!(free["app::orders_api"], free["app::orders_core"]);
    assert_ne!(free["app::orders_core"], free["app::billing_core"]);

    std::fs::write(
        dir.path().join("app/decompose.toml"),
        r#"
[signals]
semantic = 0.0
[[service]]
name = "Money Matters"
modules = ["app::billing_*"]
[[keep_together]]
modules = ["app::shipping_core", "app::orders_core"]
[[keep_apart]]
a = ["app::orders_api"]
b = ["app::orders_core"]
[exclude]
modules = ["app::shipping_api"]
"#,
    )
    .unwrap();
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let steered = services_of(dir.path());
    assert_eq!(steered["app::billing_api"], "money-matters");
    assert_eq!(steered["app::billing_core"], "money-matters");
    assert_eq!(steered["app::shipping_core"], steered["app::orders_core"]);
    assert_ne!(steered["app::orders_api"], steered["app::orders_core"]);
    assert!(!steered.contains_key("app::shipping_api"), "excluded modules are in no service");
}

#[test]
fn conflicting_or_invalid_constraints_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), THREE_FEATURES);
    let cases = [
        (
            "[[service]]\nname = \"A\"\nmodules = [\"app::orders_*\"]\n[[service]]\nname = \"B\"\nmodules = [\"app::billing_*\"]\n[[keep_together]]\nmodules = [\"app::orders_api\", \"app::billing_api\"]\n",
            "would put services `A` and `B` together",
        ),
        ("[[keep_apart]]\na = [\"app::orders_*\"]\nb = [\"app::orders_core\"]\n", "on both sides"),
        ("[[service]]\nname = \"X\"\nmodules = [\"app::nothing_here\"]\n", "matches no module"),
        ("[signals]\nstructural = -1\n", "must be a number"),
        ("[sgnals]\nsemantic = 0\n", "unknown field"),
    ];
    for (toml, message) in cases {
        std::fs::write(dir.path().join("app/decompose.toml"), toml).unwrap();
        let out = run(dir.path(), &["analyze", "app", "--out", "o", "-q"]);
        assert_eq!(out.code, 2, "{toml}\n{out:?}");
        assert!(out.stderr.contains(message), "{toml}\n{out:?}");
        assert_eq!(out.stderr.trim().lines().count(), 1, "{out:?}");
    }
}

#[test]
fn a_models_module_shared_by_features_is_split_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = THREE_FEATURES.replace("mod shipping_core;", "mod shipping_core; mod models;")
        + r#"
//- /app/src/models.rs
pub struct OrderRow { pub id: u64 }
pub struct InvoiceRow { pub n: u64 }
pub struct ParcelRow { pub w: u64 }
"#;
    let fixture = fixture
        .replace("pub fn place(o: &Order) -> u64 { o.id }", "pub fn place(o: &Order) -> u64 { let r = crate::models::OrderRow { id: o.id }; r.id }")
        .replace("pub fn issue(i: &Invoice) -> u64 { i.n }", "pub fn issue(i: &Invoice) -> u64 { let r = crate::models::InvoiceRow { n: i.n }; r.n }")
        .replace("pub fn send(p: &Parcel) -> u64 { p.w }", "pub fn send(p: &Parcel) -> u64 { let r = crate::models::ParcelRow { w: p.w }; r.w }");
    write_fixture(dir.path(), &fixture);
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json", "-q"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let services = services_of(dir.path());
    let split =
        json["split_modules"].as_array().unwrap().iter().find(|s| s["module"] == "app::models");
    let Some(split) = split else {
        panic!("app::models is not proposed for splitting: {:#}", json["split_modules"])
    };
    let part_of = |item: &str| -> String {
        split["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["items"].as_array().unwrap().iter().any(|i| i.as_str().unwrap().starts_with(item))
            })
            .map(|p| p["service"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(part_of("OrderRow"), services["app::orders_core"]);
    assert_eq!(part_of("InvoiceRow"), services["app::billing_core"]);
    assert_eq!(part_of("ParcelRow"), services["app::shipping_core"]);
}

/// Two services that share a table: orders writes `stock`, which inventory owns.
const SHARED_TABLE: &str = r#"
//- /app/Cargo.toml
[package]
name = "app"
edition = "2021"
//- /app/decompose.toml
[[service]]
name = "orders"
modules = ["app::orders*"]
[[service]]
name = "inventory"
modules = ["app::inventory*"]
//- /app/src/lib.rs
pub mod orders; pub mod orders_repo; pub mod inventory; pub mod inventory_repo;
//- /app/src/orders.rs
pub async fn place(pool: &Pool) { crate::orders_repo::insert(pool).await; }
//- /app/src/orders_repo.rs
pub async fn insert(pool: &Pool) {
    sqlx::query("INSERT INTO orders (id) VALUES ($1)").execute(pool).await;
    sqlx::query("UPDATE stock SET qty = qty - 1 WHERE id = $1").execute(pool).await;
}
//- /app/src/inventory.rs
pub async fn restock(pool: &Pool) { crate::inventory_repo::add(pool).await; crate::inventory_repo::count(pool).await; }
//- /app/src/inventory_repo.rs
pub async fn add(pool: &Pool) { sqlx::query("UPDATE stock SET qty = qty + 1").execute(pool).await; }
pub async fn count(pool: &Pool) { sqlx::query("SELECT qty FROM stock").fetch_one(pool).await; }
"#;

#[test]
fn check_fails_over_budget_and_writes_valid_sarif() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHARED_TABLE);
    let out = run(
        dir.path(),
        &["check", "app", "--boundaries", "config", "--out", "o", "--format", "sarif"],
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("FAILED (1 high > 0)"), "{out:?}");
    assert!(
        out.stdout.contains("DM001 shared-table-write")
            && out.stdout.contains("src/orders_repo.rs:3"),
        "{out:?}"
    );

    // SARIF 2.1.0: the required structure, one rule per kind, one result per risk at its file and line.
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("o/decompose.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "decompose");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 14);
    assert!(rules.iter().all(|r| r["id"].is_string() && r["shortDescription"]["text"].is_string()));
    let results = run0["results"].as_array().unwrap();
    let shared = results.iter().find(|r| r["ruleId"] == "DM001").unwrap();
    assert_eq!(shared["level"], "error");
    assert!(shared["message"]["text"].as_str().unwrap().contains("stock"));
    let location = &shared["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/orders_repo.rs");
    assert_eq!(location["region"]["startLine"], 3);
    for result in results {
        let rule = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[rule]["id"], result["ruleId"],
            "ruleIndex must point at the result's rule"
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
}

#[test]
fn check_passes_within_budget() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHARED_TABLE);
    let toml = std::fs::read_to_string(dir.path().join("app/decompose.toml")).unwrap();
    std::fs::write(
        dir.path().join("app/decompose.toml"),
        format!("{toml}\n[check]\nmax_high = 1\n"),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["check", "app", "--boundaries", "config", "--out", "o", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("-> passed"), "{out:?}");
}

#[test]
fn check_with_a_bad_config_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), SHARED_TABLE);
    std::fs::write(dir.path().join("app/decompose.toml"), "[check]\nmax_hihg = 1\n").unwrap();
    let out = run(dir.path(), &["check", "app", "--out", "o"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown field"), "{out:?}");
    std::fs::write(dir.path().join("app/decompose.toml"), "").unwrap();
    let out = run(dir.path(), &["check", "app", "--boundaries", "config", "--out", "o"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("declares no [[service]]"), "{out:?}");
}

#[test]
fn boundaries_crates_makes_every_package_a_service() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        r#"
//- /Cargo.toml
[workspace]
members = ["api", "core"]
//- /api/Cargo.toml
[package]
name = "api"
edition = "2021"
[dependencies]
core = { path = "../core" }
//- /api/src/main.rs
mod routes;
fn main() { routes::serve(); }
//- /api/src/routes.rs
pub fn serve() { core::orders::place(); }
//- /core/Cargo.toml
[package]
name = "core"
edition = "2021"
[dependencies]
api = { path = "../api" }
//- /core/src/lib.rs
pub mod orders;
//- /core/src/orders.rs
pub fn place() {}
"#,
    );
    let out = run(
        dir.path(),
        &["analyze", ".", "--boundaries", "crates", "--out", "o", "--format", "json", "-q"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let services: Vec<&str> =
        json["services"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(services, ["api", "core"]);
    let dependency = &json["service_dependencies"][0];
    assert_eq!(
        (dependency["from"].as_str(), dependency["to"].as_str()),
        (Some("api"), Some("core"))
    );
}

#[test]
fn services_flag_steers_the_number_of_services() {
    let repo = crate::repo_root();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let count = |n: &str| {
        let args = [
            "analyze",
            "sample-monoliths/bookstore",
            "--services",
            n,
            "--out",
            out_dir.to_str().unwrap(),
            "--format",
            "json",
            "-q",
        ];
        let out = run(&repo, &args);
        assert_eq!(out.code, 0, "{out:?}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
                .unwrap();
        json["services"].as_array().unwrap().len()
    };
    let (few, many) = (count("3"), count("14"));
    assert!(few <= 4, "--services 3 gave {few} services");
    assert!(many >= 11, "--services 14 gave {many} services");
}

#[test]
fn exports_carry_the_content() {
    let repo = crate::repo_root();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let args = [
        "analyze",
        "sample-monoliths/clinic",
        "--out",
        out_dir.to_str().unwrap(),
        "--format",
        "json,md,mermaid,dot",
        "-q",
    ];
    let out = run(&repo, &args);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 1);
    let services: Vec<&serde_json::Value> = json["services"].as_array().unwrap().iter().collect();
    let markdown = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    let mermaid = std::fs::read_to_string(out_dir.join("services.mmd")).unwrap();
    assert!(mermaid.starts_with("flowchart LR"));
    for service in &services {
        let name = service["name"].as_str().unwrap();
        assert!(markdown.contains(&format!("| {name} |")), "summary.md lacks {name}");
        assert!(mermaid.contains(&format!("[\"{name}<br/>")), "services.mmd lacks {name}");
    }
    assert_eq!(
        mermaid.lines().filter(|l| l.contains("-->") || l.contains("==>")).count(),
        json["service_dependencies"].as_array().unwrap().len()
    );
    // DOT parses back into the same nodes and edges: one quoted node per module in the graph, one edge per
    // module dependency.
    let dot = std::fs::read_to_string(out_dir.join("modules.dot")).unwrap();
    let edges =
        dot.lines().filter(|l| l.trim_start().starts_with('"') && l.contains(" -> ")).count();
    assert_eq!(edges, json["dependencies"].as_array().unwrap().len());
    let nodes: std::collections::BTreeSet<&str> = dot
        .lines()
        .filter(|l| l.trim_start().starts_with('"') && !l.contains(" -> "))
        .filter_map(|l| l.trim().split('"').nth(1))
        .collect();
    let in_services: usize = services.iter().map(|s| s["modules"].as_array().unwrap().len()).sum();
    let kept_out =
        json["modules"].as_array().unwrap().iter().filter(|m| m["service"].is_null()).count();
    assert_eq!(nodes.len(), in_services + kept_out);
}
