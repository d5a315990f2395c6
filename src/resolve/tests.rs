//! Multi-file fixtures → sorted dump of module dependencies.
//!
//! A fixture is one string holding several files, each introduced by `//- /path`, as in rust-analyzer's tests.

use expect_test::{Expect, expect};

use crate::test_fixture::analyze_fixture_resolved;

fn check(fixture: &str, expect: Expect) {
    let (resolved, diagnostics) = analyze_fixture_resolved(fixture);
    let mut lines: Vec<String> = Vec::new();
    for module in &resolved.modules {
        let test = if module.test_only { " (test)" } else { "" };
        lines.push(format!("module {}{test}", module.path));
    }
    let mut edges: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
    for r in &resolved.references {
        let to = match r.to_item {
            Some(item) => format!("{}::{}", resolved.module(r.to).path, resolved.item(item).name),
            None => resolved.module(r.to).path.clone(),
        };
        let weak = if r.weak { "?" } else { "" };
        edges
            .entry((resolved.module(r.from).path.clone(), to))
            .or_default()
            .push(format!("{}{weak}", r.kind.as_str()));
    }
    for ((from, to), kinds) in edges {
        lines.push(format!("{from} -> {to} [{}]", kinds.join(",")));
    }
    for (package, deps) in resolved.external.iter().enumerate() {
        for (name, count) in deps {
            lines.push(format!("external {package} {name} x{count}"));
        }
    }
    for orphan in &resolved.orphans {
        lines.push(format!("orphan {}", orphan.0));
    }
    for d in diagnostics {
        lines.push(format!("diagnostic {d}"));
    }
    expect.assert_eq(&(lines.join("\n") + "\n"));
}

#[test]
fn crate_self_super_and_nested_use_trees() {
    check(
        r#"
//- /Cargo.toml
[package]
name = "shop"
edition = "2021"
[dependencies]
sqlx = "0.7"
//- /src/main.rs
mod billing;
mod orders;
mod models;
fn main() { orders::place(); }
//- /src/models/mod.rs
pub mod order;
pub use order::Order;
//- /src/models/order.rs
pub struct Order { pub id: i64 }
//- /src/billing.rs
pub fn charge(order: &crate::models::Order) -> bool { sqlx::query("SELECT 1"); true }
//- /src/orders.rs
use crate::{billing::charge, models::{order::Order as O}};
use super::models::*;
pub fn place() { let o = O { id: 1 }; charge(&o); let _x: Order = o; }
mod inner { fn f() { super::place(); self::g(); } fn g() {} }
"#,
        expect![[r#"
            module shop
            module shop::billing
            module shop::orders
            module shop::models
            module shop::orders::inner
            module shop::models::order
            shop -> shop::orders::place [call]
            shop::billing -> shop::models::order::Order [type]
            shop::models -> shop::models::order::Order [import]
            shop::orders -> shop::billing::charge [import,call]
            shop::orders -> shop::models [import]
            shop::orders -> shop::models::order::Order [import,type,construct]
            shop::orders::inner -> shop::orders::place [call]
            external 0 sqlx x1
        "#]],
    );
}
