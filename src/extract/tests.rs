//! Snippet → dump of items, imports and references.

use expect_test::{Expect, expect};

use ra_ap_syntax::SyntaxKind;

use crate::discover::Edition;
use crate::parse::SyntaxTree;

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
    for literal in &summary.literals {
        out.push_str(&format!(
            "literal {}:{} {:?} arg of {:?} in {:?}\n",
            literal.scope, literal.line, literal.value, literal.arg_of, literal.in_macro
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn string_literals_in_macro_arguments() {
    // Literals alone (kept without parsing the arguments again), literals among paths, an unclosed call.
    check(
        r#"
fn f(id: u32) {
    info!("connecting to postgres://db/app");
    let q = sqlx::query!("SELECT * FROM orders", 1, 'c', 2.5,);
    let r = format!(
        "SELECT name FROM users WHERE id = {}",
        id
    );
    let s = query!("DELETE FROM carts" "oops");
    vec![
        r"UPDATE stock SET n = 0",
        "INSERT INTO audit VALUES (1)"
    ];
    concat!("SELECT a ", "FROM b");
    std::env::var("DATABASE_URL");
    log!(-1, "file.log");
    debug!(shared, "active rows");
    println!("{} {}", id, r#type, );
    warn!(a.b, "x");
    trace!(__decompose_macro_args, CONFIG);
    todo!("SELECT x FROM y"
"#,
        expect![[r#"
            scope 0 `` lines=20
            item 0:2 fn f
            ref 0:2 type u32 from f
            ref 0:3 macro info from f
            ref 0:4 macro sqlx::query from f
            ref 0:7 value id from f (macro) arg of format
            ref 0:5 macro format from f
            ref 0:9 macro query from f
            ref 0:10 macro vec from f
            ref 0:14 macro concat from f
            ref 0:15 call std::env::var from f
            ref 0:16 macro log from f
            ref 0:17 value shared from f (macro) arg of debug
            ref 0:17 macro debug from f
            ref 0:18 value id from f (macro) arg of println
            ref 0:18 value r#type from f (macro) arg of println
            ref 0:18 macro println from f
            ref 0:19 value a from f (macro) arg of warn
            ref 0:19 macro warn from f
            ref 0:20 value CONFIG from f (macro) arg of trace
            ref 0:20 macro trace from f
            ref 0:21 macro todo from f
            literal 0:3 "connecting to postgres://db/app" arg of Some("info") in Some("info")
            literal 0:4 "SELECT * FROM orders" arg of Some("query") in Some("query")
            literal 0:6 "SELECT name FROM users WHERE id = {}" arg of Some("format") in Some("format")
            literal 0:9 "DELETE FROM carts" arg of Some("query") in Some("query")
            literal 0:11 "UPDATE stock SET n = 0" arg of Some("vec") in Some("vec")
            literal 0:12 "INSERT INTO audit VALUES (1)" arg of Some("vec") in Some("vec")
            literal 0:14 "SELECT a FROM b" arg of None in Some("concat")
            literal 0:14 "SELECT a " arg of Some("concat") in Some("concat")
            literal 0:15 "DATABASE_URL" arg of Some("var") in None
            literal 0:16 "file.log" arg of Some("log") in Some("log")
        "#]],
    );
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
            ref 0:21 method lock from check
            ref 0:21 value CACHE from check arg of remember receiver of lock
            ref 2:24 call super::check from t
            ref 2:24 value Status::Open from t arg of check
        "#]],
    );
}

/// Macro arguments in the shapes read without parsing them again must give what their parse gives. An extra
/// `()` argument (a group at an argument's start, which no shape allows; it names nothing) makes the same
/// arguments go through the parse, so each call is checked against itself parsed.
#[test]
fn macro_arguments_read_without_a_parse_are_what_the_parse_finds() {
    let shapes = [
        r#""text {}", id"#,
        r#"linked = linked.id, "found""#,
        r#"found = linked.is_some(), "checked""#,
        "request.user.email.as_ref().unwrap()",
        "a.f().g.h(), b.c",
        "&x, *y, !z.is_empty(), q = &r.s",
        r#""SELECT * FROM orders", 1, 'c', 2.5"#,
        "__decompose_macro_args, CONFIG, cfg.__decompose_macro_args()",
        "\n        first.len(),\n        second\n    ",
        "r#type, id,",
    ];
    let parsed_anyway = ["x.0", "a.m(1)", "%x", "?y", "a == b", "Status::Paid", "f()", "self.id"];
    for (arguments, shortcut) in
        shapes.iter().map(|a| (*a, true)).chain(parsed_anyway.iter().map(|a| (*a, false)))
    {
        let source = format!("fn f(id: u32) {{\n    debug!({arguments});\n}}\n");
        let tree = crate::parse::syntax_tree(&source, ra_ap_syntax::Edition::CURRENT);
        let tt = (SyntaxTree::ROOT..tree.subtree_end(SyntaxTree::ROOT))
            .find(|&id| tree.kind(id) == SyntaxKind::TOKEN_TREE)
            .unwrap();
        assert_eq!(
            super::references::simple_argument_events(&tree, tt).is_some(),
            shortcut,
            "{arguments}"
        );
        // The group goes after the last argument; a trailing comma becomes a space, so lines stay as they were.
        let last = arguments.trim_end_matches([' ', '\n', ',']);
        let rest = arguments[last.len()..].replace(',', " ");
        let forced = format!("fn f(id: u32) {{\n    debug!({last}, (){rest});\n}}\n");
        let read = super::extract(&crate::parse::parse(&source, Edition::E2021));
        let reparsed = super::extract(&crate::parse::parse(&forced, Edition::E2021));
        assert_eq!(format!("{read:?}"), format!("{reparsed:?}"), "{arguments}");
    }
}
