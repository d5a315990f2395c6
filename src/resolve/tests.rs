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

/// Globs that lead back and forth (a module re-exporting generated children with `pub use child::*`, each
/// of which says `use super::*`, as web-sys does with 1,700 children) are searched with each module at most
/// once per depth. A search of every path took (fan-out)^3 steps per unknown name (27 million here, for each
/// local variable of each child): half an hour on web-sys. The names still resolve through the globs; the
/// local variables stay unresolved.
#[test]
fn glob_fan_out_with_cycles() {
    let children = 300;
    let mut fixture = String::from(
        "//- /Cargo.toml\n[package]\nname = \"gen\"\nedition = \"2021\"\n//- /src/lib.rs\nmod features;\n\
         pub use features::*;\n\
         pub fn run() { let local = 1; let _ = last_feature(local); Feature299::new(); }\n\
         //- /src/features/mod.rs\n",
    );
    for i in 0..children {
        fixture.push_str(&format!("mod gen_{i};\npub use gen_{i}::*;\n"));
    }
    for i in 0..children {
        fixture.push_str(&format!(
            "//- /src/features/gen_{i}.rs\nuse super::*;\npub struct Feature{i};\n\
             impl Feature{i} {{ pub fn new() -> Self {{ let unknown_local = Feature0; let _ = unknown_local; Feature{i} }} }}\n"
        ));
    }
    fixture.push_str("pub fn last_feature(x: i32) -> i32 { x }\n");
    let (resolved, _) = analyze_fixture_resolved(&fixture);
    let mut lines: Vec<String> = resolved
        .references
        .iter()
        .filter(|r| {
            resolved.module(r.from).path == "gen"
                || resolved.module(r.from).path == "gen::features::gen_7"
        })
        .map(|r| {
            let to = r.to_item.map_or("-", |item| resolved.item(item).name.as_str());
            format!("{} -> {}::{to}", resolved.module(r.from).path, resolved.module(r.to).path)
        })
        .collect();
    lines.dedup();
    expect![[r#"
        gen -> gen::features::-
        gen -> gen::features::gen_299::Feature299
        gen -> gen::features::gen_299::last_feature
        gen::features::gen_7 -> gen::features::-
        gen::features::gen_7 -> gen::features::gen_0::Feature0
    "#]]
    .assert_eq(&(lines.join("\n") + "\n"));
}
