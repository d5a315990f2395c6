//! Each rule on a small workspace whose split is pinned by `decompose.toml`, with hits and near-misses.

use expect_test::{Expect, expect};

use crate::test_fixture::analyze_fixture;

fn check(fixture: &str, expect: Expect) {
    let analysis = analyze_fixture(fixture);
    let mut out = String::new();
    for risk in &analysis.risks {
        let services: Vec<&str> =
            risk.services.iter().map(|&s| analysis.proposal.services[s].id.as_str()).collect();
        out.push_str(&format!(
            "{} {} {} {} [{}] evidence={}\n",
            risk.kind.code(),
            risk.kind.as_str(),
            risk.severity.as_str(),
            risk.subject,
            services.join(","),
            risk.evidence.len()
        ));
    }
    out.push_str(&format!("score {}\n", analysis.score));
    expect.assert_eq(&out);
}

/// Three services pinned: `alpha` owns table alpha, `beta` owns beta, `gamma` owns gamma.
const DATA: &str = r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /decompose.toml
[[service]]
name = "alpha"
modules = ["app::alpha*"]
[[service]]
name = "beta"
modules = ["app::beta*"]
[[service]]
name = "gamma"
modules = ["app::gamma*"]
//- /src/lib.rs
pub mod alpha_api; pub mod alpha_repo; pub mod beta_api; pub mod beta_repo; pub mod gamma_repo;
//- /src/alpha_api.rs
use std::sync::Mutex;
pub static CACHE: Mutex<Vec<u64>> = Mutex::new(Vec::new());
pub static LIMIT: u32 = 10;
pub fn list() { CACHE.lock(); crate::alpha_repo::all(); }
//- /src/alpha_repo.rs
pub async fn all(pool: &Pool) { sqlx::query("SELECT id FROM alpha").fetch_all(pool).await; }
pub async fn add(pool: &Pool) {
    let mut tx = pool.begin().await;
    sqlx::query("INSERT INTO alpha (id) VALUES ($1)").execute(&mut *tx).await;
    sqlx::query("UPDATE beta SET n = n + 1").execute(&mut *tx).await;
    tx.commit().await;
}
//- /src/beta_api.rs
pub fn show() { crate::alpha_api::CACHE.lock(); let n = crate::alpha_api::LIMIT; crate::beta_repo::get(); }
//- /src/beta_repo.rs
pub async fn get(pool: &Pool) { sqlx::query("SELECT n FROM beta JOIN gamma ON gamma.id = beta.id").fetch_all(pool).await; }
pub async fn put(pool: &Pool) { sqlx::query("INSERT INTO beta (n) VALUES (1)").execute(pool).await; }
//- /src/gamma_repo.rs
pub async fn put(pool: &Pool) { sqlx::query("INSERT INTO gamma (id) VALUES (1)").execute(pool).await; }
pub async fn get(pool: &Pool) { sqlx::query("SELECT id FROM gamma").fetch_all(pool).await; }
"#;

#[test]
fn data_rules() {
    // Hits: beta is written by alpha and beta (DM001); beta reads gamma (DM002); alpha's transaction touches
    // alpha and beta (DM003); CACHE is used by alpha and beta (DM004) and is in-process state (TF002).
    // Near-misses: gamma is written by its owner alone (no DM001 for gamma); alpha's read of its own table is
    // no DM002; LIMIT is immutable (no state); beta's single-table statements open no transaction.
    check(
        DATA,
        expect![[r#"
        DM001 shared-table-write high table:beta [alpha,beta] evidence=1
        DM003 cross-service-transaction high transaction:app::alpha_repo::add [alpha,beta] evidence=3
        DM004 shared-global-state high state:app::alpha_api::CACHE [alpha,beta] evidence=1
        DM002 shared-table-read medium table:gamma [beta,gamma] evidence=1
        DM009 hub-service medium service:alpha [alpha,beta] evidence=1
        TF002 local-state low state:app::alpha_api::CACHE [alpha,beta] evidence=1
        score 66.9
    "#]],
    );
}

/// Four services pinned: a cycle a → b → a, chatty a ↔ b, c → a and d → a (a is a hub), a call chain
/// c → d → (a ↔ b), a layer `views` whose modules belong to three different services.
const STRUCTURE: &str = r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /decompose.toml
[risks]
chatty_calls = 6
call_chain_hops = 1
[[service]]
name = "a"
modules = ["app::a", "app::views::va"]
[[service]]
name = "b"
modules = ["app::b", "app::views::vb"]
[[service]]
name = "c"
modules = ["app::c", "app::views::vc"]
[[service]]
name = "d"
modules = ["app::d"]
//- /src/lib.rs
pub mod a; pub mod b; pub mod c; pub mod d; pub mod views;
//- /src/views/mod.rs
pub mod va; pub mod vb; pub mod vc;
//- /src/views/va.rs
pub fn render() -> u32 { crate::a::one() }
//- /src/views/vb.rs
pub fn render() -> u32 { crate::b::back() }
//- /src/views/vc.rs
pub fn render() -> u32 { crate::c::start() }
//- /src/a.rs
pub struct Order { pub id: u32 }
pub fn one() -> u32 { crate::b::f1() + crate::b::f2() + crate::b::f3() + crate::b::f4() + crate::b::f5() }
pub fn two() -> u32 { crate::b::f1() }
//- /src/b.rs
pub fn f1() -> u32 { 1 }
pub fn f2() -> u32 { 2 }
pub fn f3() -> u32 { 3 }
pub fn f4() -> u32 { 4 }
pub fn f5() -> u32 { 5 }
pub fn back() -> u32 { crate::a::two() }
pub fn uses(o: &crate::a::Order) -> u32 { o.id }
//- /src/c.rs
pub fn start() -> u32 { crate::a::one() + crate::d::report() }
pub fn uses(o: &crate::a::Order) -> u32 { o.id }
//- /src/d.rs
pub fn report() -> u32 { crate::a::one() }
pub fn uses(o: &crate::a::Order) -> u32 { o.id }
"#;

#[test]
fn structure_rules() {
    // Hits: a ↔ b cycle (DM005); a ↔ b has 7 calls ≥ 6 (DM006); Order is used by b, c and d (DM007); a is a
    // hub (3 of 3 others depend on it, DM009); c → d → (a, b) crosses 2 boundaries > 1 (DM010; the cycle
    // counts as one stop).
    // Near-misses: c → a and d → a are not cycles; c ↔ a has 2 calls (< 6); the `views` layer is spread over
    // three services, but each service has a module elsewhere too, so no service is a layer cut (DM008).
    check(
        STRUCTURE,
        expect![[r#"
        DM005 service-cycle high services:b,a [b,a] evidence=2
        DM006 chatty-boundary medium services:b,a [b,a] evidence=7
        DM007 shared-domain-type medium type:app::a::Order [b,a,c,d] evidence=3
        DM009 hub-service medium service:a [b,a,c,d] evidence=3
        DM010 sync-call-chain medium chain:c>d>b [b,c,d] evidence=1
        score 50.8
    "#]],
    );
}

#[test]
fn layer_cut() {
    // Every module of the `views` layer is pinned to v, while `views`' siblings spread over a, b and c: a
    // service made of one layer only (DM008). Services a (a, a2) and b (b, b2) sit in the crate root, which
    // is not a layer: no DM008 for them.
    let fixture = r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /decompose.toml
[[service]]
name = "v"
modules = ["app::views::*"]
[[service]]
name = "a"
modules = ["app::a", "app::a2"]
[[service]]
name = "b"
modules = ["app::b", "app::b2"]
[[service]]
name = "c"
modules = ["app::c"]
//- /src/lib.rs
pub mod a; pub mod a2; pub mod b; pub mod b2; pub mod c; pub mod views;
//- /src/views/mod.rs
pub mod va; pub mod vb; pub mod vc;
//- /src/views/va.rs
pub fn render() -> u32 { crate::a::one() }
//- /src/views/vb.rs
pub fn render() -> u32 { crate::b::one() }
//- /src/views/vc.rs
pub fn render() -> u32 { crate::c::one() }
//- /src/a.rs
pub fn one() -> u32 { crate::a2::x() }
//- /src/a2.rs
pub fn x() -> u32 { 1 }
//- /src/b.rs
pub fn one() -> u32 { crate::b2::x() }
//- /src/b2.rs
pub fn x() -> u32 { 1 }
//- /src/c.rs
pub fn one() -> u32 { 1 }
"#;
    check(
        fixture,
        expect![[r#"
        DM008 layer-cut medium service:v [v] evidence=3
        score 10
    "#]],
    );
}

#[test]
fn twelve_factor_rules() {
    // Hits: a URL with credentials (TF001 high), a hard-coded URL (TF001 medium), data on local disk (TF002),
    // a log file (TF003), axum without graceful shutdown (TF004). Near-misses: the port comes from the
    // environment, a route string is not a file path.
    let fixture = r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /src/main.rs
mod config; mod files;
#[tokio::main]
async fn main() {
    let port = std::env::var("PORT").unwrap_or_default();
    let app = axum::Router::new().route("/orders/{id}", get(files::show));
    let listener = tokio::net::TcpListener::bind(format!("0.0.0.0:{port}")).await;
    axum::serve(listener, app).await;
}
//- /src/config.rs
pub fn database_url() -> String { std::env::var("DATABASE_URL").unwrap_or("postgres://app:hunter2@db:5432/app".into()) }
pub const GATEWAY: &str = "https://pay.example.com/v1/charge";
//- /src/files.rs
pub fn show() { std::fs::write("./data/last.json", b"{}"); let log = std::fs::OpenOptions::new().append(true).open("/var/log/app/app.log"); }
"#;
    check(
        fixture,
        expect![[r#"
        TF001 hardcoded-config high module:app::config [] evidence=2
        TF002 local-state medium module:app::files [files] evidence=1
        TF004 no-graceful-shutdown medium module:app [files] evidence=1
        TF003 log-to-file low module:app::files [files] evidence=1
        score 41.1
    "#]],
    );
}

#[test]
fn a_clean_split_has_no_risk() {
    // The near-miss of every rule at once: two services that own their tables and state, talk through one
    // call, share only a utility type from a kernel module, read config from the environment, log to stdout
    // and stop gracefully.
    check(
        r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /decompose.toml
[[service]]
name = "orders"
modules = ["app::orders*"]
[[service]]
name = "billing"
modules = ["app::billing*"]
//- /src/main.rs
mod util; mod orders; mod orders_repo; mod billing; mod billing_repo;
#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or_default();
    let listener = tokio::net::TcpListener::bind(std::env::var("ADDR").unwrap_or_default()).await;
    axum::serve(listener, app()).with_graceful_shutdown(async { tokio::signal::ctrl_c().await; }).await;
}
//- /src/util.rs
pub struct Money(pub i64);
//- /src/orders.rs
pub async fn place(pool: &Pool) { let m = crate::util::Money(1); crate::orders_repo::insert(pool).await; crate::billing::charge(m.0).await; }
//- /src/orders_repo.rs
pub async fn insert(pool: &Pool) {
    let mut tx = pool.begin().await;
    sqlx::query("INSERT INTO orders (id) VALUES ($1)").execute(&mut *tx).await;
    sqlx::query("INSERT INTO order_lines (order_id) VALUES ($1)").execute(&mut *tx).await;
    tx.commit().await;
}
//- /src/billing.rs
pub async fn charge(amount: i64) { let m = crate::util::Money(amount); crate::billing_repo::record(m.0).await; }
//- /src/billing_repo.rs
pub async fn record(amount: i64) { sqlx::query("INSERT INTO invoices (amount) VALUES ($1)").execute(pool()).await; }
"#,
        expect![[r#"
            score 0
        "#]],
    );
}

/// Five pinned services that all call each other: a cycle of 20 edges. The message names the ten strongest
/// (s0 → s1, with three calls, among them) and counts the rest.
#[test]
fn a_large_cycle_names_its_strongest_edges() {
    let mut fixture = String::from(
        "//- /Cargo.toml\n[package]\nname = \"app\"\nedition = \"2021\"\n//- /decompose.toml\n",
    );
    for s in 0..5 {
        fixture.push_str(&format!("[[service]]\nname = \"s{s}\"\nmodules = [\"app::s{s}\"]\n"));
    }
    fixture
        .push_str("//- /src/lib.rs\npub mod s0; pub mod s1; pub mod s2; pub mod s3; pub mod s4;\n");
    for s in 0..5 {
        fixture.push_str(&format!("//- /src/s{s}.rs\npub fn f() -> u32 {{ 1 }}\n"));
        fixture
            .push_str("pub fn g() -> u32 { 2 }\npub fn h() -> u32 { 3 }\npub fn all() -> u32 {\n");
        for t in (0..5).filter(|&t| t != s) {
            fixture.push_str(&format!("    crate::s{t}::f() +\n"));
        }
        if s == 0 {
            fixture.push_str("    crate::s1::g() + crate::s1::h() +\n");
        }
        fixture.push_str("    0\n}\n");
    }
    let analysis = analyze_fixture(&fixture);
    let cycle = analysis.risks.iter().find(|r| r.kind.code() == "DM005").unwrap();
    assert!(
        cycle.message.starts_with("5 services depend on each other in a cycle"),
        "{}",
        cycle.message
    );
    assert!(cycle.message.contains("s0 → s1 (3)"), "{}", cycle.message);
    assert_eq!(cycle.message.matches(" → ").count(), 10, "{}", cycle.message);
    assert!(cycle.message.ends_with(", and 10 more edges."), "{}", cycle.message);
}
