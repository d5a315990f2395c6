//! Snippet → dump of items, imports and references.

use expect_test::{Expect, expect};

use crate::discover::Edition;

fn check(source: &str, expect: Expect) {
    let parsed = crate::parse::parse(source, Edition::E2021);
    let summary = super::extract(&parsed);
    let mut out = String::new();
    for (i, scope) in summary.scopes.iter().enumerate() {
        let test = if scope.test_only { " test" } else { "" };
        out.push_str(&format!("scope {i} `{}` lines={}{test}\n", scope.name, scope.code_lines));
    }
    for decl in &summary.mod_decls {
        out.push_str(&format!("mod {} in {} path={:?}\n", decl.name, decl.scope, decl.path_attr));
    }
    for item in &summary.items {
        let parent = item.parent.as_deref().map(|p| format!(" of {p}")).unwrap_or_default();
        let test = if item.test_only { " test" } else { "" };
        out.push_str(&format!(
            "item {}:{} {} {}{parent}{test}\n",
            item.scope,
            item.line,
            item.kind.as_str(),
            item.name
        ));
    }
    for import in &summary.imports {
        out.push_str(&format!(
            "use {}:{} {} {:?}\n",
            import.scope,
            import.line,
            import.path.join("::"),
            import.binding
        ));
    }
    for r in &summary.references {
        let from = r.from_item.map(|i| summary.items[i as usize].name.clone()).unwrap_or_default();
        let mac = if r.in_macro { " (macro)" } else { "" };
        let arg_of = summary.arg_of(r).map(|n| format!(" arg of {n}")).unwrap_or_default();
        let receiver_of =
            summary.receiver_of(r).map(|n| format!(" receiver of {n}")).unwrap_or_default();
        out.push_str(&format!(
            "ref {}:{} {} {} from {from}{mac}{arg_of}{receiver_of}\n",
            r.scope,
            r.line,
            r.kind.as_str(),
            summary.path(r).join("::")
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn items_imports_and_references() {
    check(
        r#"
use crate::models::{order::{Order, Line as OrderLine}, *};
use super::db;
pub mod inline {
    pub fn helper() {}
}
mod declared;
#[path = "x/other.rs"]
mod other;
pub struct Cart { lines: Vec<OrderLine> }
impl Cart {
    pub fn total(&self) -> Money {
        let order = Order { id: 1 };
        db::save(&order);
        self.lines.iter().map(|l| l.price()).sum()
    }
}
fn check(status: Status) {
    match status { Status::Paid => {}, _ => {} }
    let v = vec![crate::pricing::discount(1)];
    remember(CACHE.lock());
}
#[cfg(test)]
mod tests { fn t() { super::check(Status::Open); } }
"#,
        expect![[r#"
            scope 0 `` lines=18
            scope 1 `inline` lines=3
            scope 2 `tests` lines=2 test
            mod declared in 0 path=None
            mod other in 0 path=Some("x/other.rs")
            item 1:5 fn helper
            item 0:10 struct Cart
            item 0:11 impl Cart
            item 0:12 method total of Cart
            item 0:18 fn check
            item 2:24 fn t test
            use 0:2 crate::models::order::Order Name("Order")
            use 0:2 crate::models::order::Line Name("OrderLine")
            use 0:2 crate::models Glob
            use 0:3 super::db Name("db")
            ref 0:10 type Vec from Cart
            ref 0:10 type OrderLine from Cart
            ref 0:11 impl Cart from Cart
            ref 0:12 type Money from total
            ref 0:13 construct Order from total
            ref 0:14 call db::save from total
            ref 0:14 value order from total arg of save
            ref 0:15 method sum from total
            ref 0:15 method map from total
            ref 0:15 method iter from total
            ref 0:15 method price from total
            ref 0:15 value l from total receiver of price
            ref 0:18 type Status from check
            ref 0:19 value status from check
            ref 0:19 pattern Status::Paid from check
            ref 0:20 call crate::pricing::discount from check (macro) arg of vec
            ref 0:20 macro vec from check
            ref 0:21 call remember from check
            ref 0:21 method lock from check arg of remember
            ref 0:21 value CACHE from check arg of remember receiver of lock
            ref 2:24 call super::check from t
            ref 2:24 value Status::Open from t arg of check
        "#]],
    );
}
