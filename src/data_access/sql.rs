//! Tables in SQL text, with whether each is read or written.
//!
//! SQL found in string literals is parsed with the `sqlparser` crate, trying the PostgreSQL, MySQL, SQLite and
//! generic dialects in turn (the first that parses wins). Every relation the statements name is collected with
//! sqlparser's visitor; the *write* targets come from the statement itself (the table of an `INSERT`/`REPLACE`
//! /upsert, `UPDATE`, `DELETE`, `MERGE`, `TRUNCATE`, and DDL: `CREATE`/`ALTER`/`DROP TABLE`,
//! `CREATE INDEX .. ON`), every other relation is *read* (`SELECT`, joins, subqueries, CTE bodies, the source of
//! `INSERT .. SELECT`, `UPDATE .. FROM`, `DELETE .. USING`). Names a `WITH` clause defines are not tables.
//!
//! SQL that no dialect parses (or that is built at run time, see [`tables_in_fragment`]) falls back to a
//! keyword scan: identifiers after `FROM`/`JOIN` are read, after `INTO`/`UPDATE`/`DELETE FROM`/`TRUNCATE`/
//! `TABLE` written. Table names are the last part of a qualified name, lower-cased unless quoted.
//!
//! Known blind spots: table names given as parameters (`{}` in a `format!`) are unknown; a view is reported as
//! a table; statements a dialect cannot parse lose the read/write precision of the AST.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    FromTable, ObjectName, ObjectType, Query, Statement, TableFactor, TableObject, Visit, Visitor,
    visit_relations,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// How a table is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessMode {
    Read,
    Write,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableAccess {
    pub table: String,
    pub mode: AccessMode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlTables {
    /// Sorted, deduplicated (a table both read and written appears twice, once per mode).
    pub tables: Vec<TableAccess>,
    /// True when a sqlparser dialect parsed the text; false when the keyword fallback was used.
    pub parsed: bool,
}

/// Longer SQL is not parsed (generated dumps); the keyword scan still reads it.
const MAX_PARSED_LEN: usize = 256 * 1024;

/// Statement keywords, each with a word that must follow somewhere for the text to be a statement and not
/// prose: "select a time slot" is no query, "SELECT id FROM orders" is.
const STATEMENTS: &[(&str, &[&str])] = &[
    ("select", &["from"]),
    ("insert", &["into"]),
    ("replace", &["into"]),
    ("update", &["set"]),
    ("delete", &["from"]),
    ("with", &["as"]),
    ("create", &["table", "index", "view"]),
    ("alter", &["table"]),
    ("drop", &["table", "index", "view"]),
    ("truncate", &[]),
    ("merge", &["into"]),
];

/// Does this string look like SQL at all? A statement keyword first (after white space and `--` comments)
/// and the structure of that statement (`SELECT .. FROM`, `INSERT INTO`, `UPDATE .. SET`, `DELETE FROM`,
/// DDL), or a `SELECT` of expressions with no prose (`SELECT 1`, `SELECT now()`).
pub fn looks_like_sql(text: &str) -> bool {
    let body = strip_leading_comments(text);
    let words: Vec<String> = body
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .take(64)
        .map(str::to_ascii_lowercase)
        .collect();
    let Some(first) = words.first() else { return false };
    let Some((_, needs)) = STATEMENTS.iter().find(|(keyword, _)| keyword == first) else {
        return false;
    };
    if first == "truncate" {
        return words.len() >= 2 && words.len() <= 8;
    }
    if needs.iter().any(|n| words[1..].iter().any(|w| w == n)) {
        // Prose such as "delete from the list" has the words but not the shape: it must parse or hold a
        // placeholder, an `=`, a `*` or a statement end.
        return Parser::parse_sql(&GenericDialect {}, body).is_ok()
            || body.contains('$')
            || body.contains('?')
            || body.contains('=')
            || body.contains('*')
            || body.trim_end().ends_with(';')
            || words.len() <= 6;
    }
    // `SELECT 1`, `SELECT now()`: short and parsable.
    first == "select" && words.len() <= 4 && Parser::parse_sql(&GenericDialect {}, body).is_ok()
}

fn strip_leading_comments(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
    }
    rest
}

/// Tables in a complete SQL text (one or more statements). Never panics, whatever the input.
pub fn tables_in_sql(sql: &str) -> SqlTables {
    if sql.len() <= MAX_PARSED_LEN {
        let dialects: [&dyn Dialect; 4] =
            [&PostgreSqlDialect {}, &MySqlDialect {}, &SQLiteDialect {}, &GenericDialect {}];
        for dialect in dialects {
            if let Ok(statements) = Parser::parse_sql(dialect, sql) {
                return SqlTables { tables: from_statements(&statements), parsed: true };
            }
        }
    }
    SqlTables { tables: tables_in_fragment(sql), parsed: false }
}

/// Collects the names a `WITH` clause defines.
struct CteNames(BTreeSet<String>);

impl Visitor for CteNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.0
                    .insert(normalize(&cte.alias.name.value, cte.alias.name.quote_style.is_some()));
            }
        }
        ControlFlow::Continue(())
    }
}

fn from_statements(statements: &[Statement]) -> Vec<TableAccess> {
    let mut res = BTreeSet::new();
    for statement in statements {
        let mut ctes = CteNames(BTreeSet::new());
        let _ = statement.visit(&mut ctes);
        let mut targets: Vec<String> = write_targets(statement);
        let _ = visit_relations(statement, |name: &ObjectName| {
            let table = table_name(name);
            // The write target is visited too: count it once as written, not also as read.
            if let Some(position) = targets.iter().position(|t| *t == table) {
                targets.remove(position);
                res.insert(TableAccess { table, mode: AccessMode::Write });
            } else if !ctes.0.contains(&table) {
                res.insert(TableAccess { table, mode: AccessMode::Read });
            }
            ControlFlow::<()>::Continue(())
        });
        // Targets the visitor does not name (DDL names) are written all the same.
        for table in targets {
            res.insert(TableAccess { table, mode: AccessMode::Write });
        }
    }
    res.into_iter().collect()
}

/// The tables a statement writes, by its kind.
fn write_targets(statement: &Statement) -> Vec<String> {
    let factor_name = |factor: &TableFactor| match factor {
        TableFactor::Table { name, .. } => Some(table_name(name)),
        _ => None,
    };
    match statement {
        Statement::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => vec![table_name(name)],
            _ => Vec::new(),
        },
        Statement::Update(update) => factor_name(&update.table.relation).into_iter().collect(),
        Statement::Delete(delete) => {
            if !delete.tables.is_empty() {
                delete.tables.iter().map(table_name).collect()
            } else {
                let from = match &delete.from {
                    FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from) => from,
                };
                from.iter().take(1).filter_map(|t| factor_name(&t.relation)).collect()
            }
        }
        Statement::Merge(merge) => factor_name(&merge.table).into_iter().collect(),
        Statement::Truncate(truncate) => {
            truncate.table_names.iter().map(|t| table_name(&t.name)).collect()
        }
        Statement::CreateTable(create) => vec![table_name(&create.name)],
        Statement::AlterTable(alter) => vec![table_name(&alter.name)],
        Statement::CreateIndex(index) => vec![table_name(&index.table_name)],
        Statement::Drop { object_type: ObjectType::Table, names, .. } => {
            names.iter().map(table_name).collect()
        }
        _ => Vec::new(),
    }
}

/// `public."Orders"` → `Orders`, `shop.orders` → `orders`.
fn table_name(name: &ObjectName) -> String {
    let text = name.to_string();
    let last = split_qualified(&text).pop().unwrap_or_default();
    let quoted = last.starts_with('"') || last.starts_with('`') || last.starts_with('[');
    normalize(last.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']'), quoted)
}

fn normalize(name: &str, quoted: bool) -> String {
    if quoted { name.to_owned() } else { name.to_ascii_lowercase() }
}

/// Splits `a."b.c".d` at dots outside quotes.
fn split_qualified(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '.') => parts.push(String::new()),
            (None, '"' | '`' | '[') => {
                quote = Some(if c == '[' { ']' } else { c });
                if let Some(part) = parts.last_mut() {
                    part.push(c);
                }
            }
            (Some(q), c) if c == q => {
                quote = None;
                if let Some(part) = parts.last_mut() {
                    part.push(c);
                }
            }
            _ => {
                if let Some(part) = parts.last_mut() {
                    part.push(c);
                }
            }
        }
    }
    parts
}

/// Keyword scan for SQL built at run time (format! templates, pieces pushed onto a String) or that no
/// dialect parses. `--` comments are skipped; a format hole where a name would be yields nothing.
pub fn tables_in_fragment(fragment: &str) -> Vec<TableAccess> {
    let without_comments: String = fragment
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = without_comments
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let mut res = BTreeSet::new();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    for (i, word) in lower.iter().enumerate() {
        let mode = match word.as_str() {
            "from" | "join" | "using" if !(word == "from" && i > 0 && lower[i - 1] == "delete") => {
                AccessMode::Read
            }
            "from" => AccessMode::Write,
            "into" | "update" | "truncate" | "table" => AccessMode::Write,
            _ => continue,
        };
        // Skip `TABLE IF NOT EXISTS`, `TRUNCATE TABLE`.
        let mut next = i + 1;
        while lower
            .get(next)
            .is_some_and(|w| ["if", "not", "exists", "table", "only"].contains(&w.as_str()))
        {
            next += 1;
        }
        let Some(candidate) = words.get(next) else { continue };
        let candidate = split_qualified(candidate).pop().unwrap_or_default();
        let quoted = candidate.starts_with('"') || candidate.starts_with('`');
        let bare = candidate.trim_matches(|c| c == '"' || c == '`');
        let is_identifier = !bare.is_empty()
            && bare.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && bare.chars().all(|c| c.is_alphanumeric() || c == '_');
        let keyword = ["select", "set", "values", "where", "lateral", "unnest", "null"]
            .contains(&bare.to_ascii_lowercase().as_str());
        if is_identifier && !keyword {
            res.insert(TableAccess { table: normalize(bare, quoted), mode });
        }
    }
    res.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tables: &[TableAccess]) -> String {
        tables
            .iter()
            .map(|t| {
                format!("{}:{}", t.table, if t.mode == AccessMode::Read { "read" } else { "write" })
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn check(sql: &str, expect: &str) {
        let found = tables_in_sql(sql);
        assert!(found.parsed, "no dialect parsed: {sql}");
        assert_eq!(render(&found.tables), expect, "{sql}");
    }

    #[test]
    fn reads_and_writes() {
        check(
            "SELECT * FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id = $1",
            "order_lines:read orders:read",
        );
        check(
            "SELECT id FROM books WHERE author_id IN (SELECT id FROM authors WHERE name = ?)",
            "authors:read books:read",
        );
        check(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.token = $1)",
            "sessions:read",
        );
        check("SELECT t.n FROM (SELECT count(*) AS n FROM reviews) t", "reviews:read");
        check(
            "WITH recent AS (SELECT * FROM orders WHERE placed > now()) SELECT * FROM recent JOIN customers c ON c.id = recent.customer_id",
            "customers:read orders:read",
        );
        check("INSERT INTO payments (id, amount) VALUES ($1, $2)", "payments:write");
        check(
            "INSERT INTO archive (id) SELECT id FROM orders WHERE closed",
            "archive:write orders:read",
        );
        check(
            "INSERT INTO stock (book_id, qty) VALUES ($1, $2) ON CONFLICT (book_id) DO UPDATE SET qty = stock.qty + 1",
            "stock:write",
        );
        check(
            "INSERT INTO stock (book_id, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE qty = qty + 1",
            "stock:write",
        );
        check("REPLACE INTO settings (k, v) VALUES (?, ?)", "settings:write");
        check("INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)", "settings:write");
        check(
            "UPDATE stock_levels SET qty = qty - 1 WHERE book_id = $1 AND qty > (SELECT min_qty FROM rules)",
            "rules:read stock_levels:write",
        );
        check(
            "UPDATE appointments SET billed = true FROM invoices WHERE invoices.appointment_id = appointments.id",
            "appointments:write invoices:read",
        );
        check(
            "DELETE FROM sessions USING customers WHERE sessions.customer_id = customers.id",
            "customers:read sessions:write",
        );
        check("TRUNCATE TABLE cart_items", "cart_items:write");
        check(
            "CREATE TABLE IF NOT EXISTS warehouses (id SERIAL PRIMARY KEY, name TEXT NOT NULL)",
            "warehouses:write",
        );
        check("ALTER TABLE books ADD COLUMN isbn TEXT", "books:write");
        check("CREATE INDEX idx_books_title ON books (title)", "books:write");
        check("DROP TABLE legacy_orders", "legacy_orders:write");
        check("INSERT INTO a (x) VALUES (1); SELECT * FROM b", "a:write b:read");
        check(
            "SELECT * FROM public.\"Orders\" JOIN shop.customers ON true",
            "Orders:read customers:read",
        );
        check(
            "\n            SELECT b.id, b.title\n            FROM books b\n            WHERE b.id = $1\n        ",
            "books:read",
        );
    }

    #[test]
    fn recognises_sql_and_not_prose() {
        for sql in [
            "SELECT id FROM orders",
            "  insert into orders (id) values ($1)",
            "UPDATE books SET title = $1 WHERE id = $2",
            "DELETE FROM sessions WHERE expires_at < now()",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "CREATE TABLE t (id INT)",
            "TRUNCATE cart_items",
            "SELECT 1",
            "-- find a book\nSELECT * FROM books",
        ] {
            assert!(looks_like_sql(sql), "{sql}");
        }
        for prose in [
            "Please select a time slot from the list",
            "select a shipping method",
            "Update failed: order not found",
            "delete this?",
            "from {} to {}",
            "Create account",
            "Insert coin",
            "",
        ] {
            assert!(!looks_like_sql(prose), "{prose}");
        }
    }

    #[test]
    fn fragments_and_fallback() {
        assert_eq!(render(&tables_in_fragment("SELECT * FROM books ORDER BY {} {}")), "books:read");
        assert_eq!(render(&tables_in_fragment("SELECT * FROM {} WHERE id = $1")), "");
        assert_eq!(
            render(&tables_in_fragment(" JOIN authors a ON a.id = b.author_id")),
            "authors:read"
        );
        assert_eq!(render(&tables_in_fragment("DELETE FROM carts WHERE id = {}")), "carts:write");
        assert_eq!(
            render(&tables_in_fragment(
                "-- every table below\nCREATE TABLE IF NOT EXISTS books (id INT)"
            )),
            "books:write"
        );
        let unparsable = tables_in_sql("SELECT FROM WHERE orders ((");
        assert!(!unparsable.parsed);
    }

    #[test]
    fn never_panics() {
        for junk in
            ["((((((((", "\u{0}", "SELECT '", "'; DROP", ")))", "select * from", "INSERT INTO"]
        {
            let _ = tables_in_sql(junk);
            let _ = looks_like_sql(junk);
        }
        let long = "SELECT a FROM b WHERE c IN (".repeat(2_000);
        let _ = tables_in_sql(&long);
        let huge = "x".repeat(300_000);
        assert!(!tables_in_sql(&huge).parsed);
    }
}
