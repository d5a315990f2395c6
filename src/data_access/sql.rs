//! Tables in SQL text, with whether each is read or written.
//!
//! Services are cut along the data they own, so every SQL string in the monolith is reduced to the tables it
//! reads and writes. Complete SQL is parsed with `sqlparser` (PostgreSQL, MySQL, SQLite, then the generic
//! dialect; the first that parses wins) and walked with its visitor: every relation is *read* (`SELECT`,
//! joins, subqueries anywhere, CTE bodies, the source of `INSERT .. SELECT`, `UPDATE .. FROM`,
//! `DELETE .. USING`, `MERGE .. USING`) except the target of the statement, which is *written*
//! (`INSERT`/`REPLACE`/upsert, `UPDATE`, `DELETE`, `MERGE`, `TRUNCATE`, `COPY .. FROM`, and DDL:
//! `CREATE`/`ALTER`/`DROP TABLE` or `VIEW`, `CREATE INDEX .. ON`). Names a `WITH` clause defines are not tables.
//! Format holes (`{}`, `{name}`) become an identifier before parsing, so a template still parses, and a hole
//! where a table name would be names no table.
//!
//! SQL built at run time, or that no dialect parses, gets a keyword scan instead ([`tables_in_fragment`]).
//!
//! Known blind spots: table names known only at run time are lost; a view is reported as a table; a
//! statement no dialect parses loses the AST's precision (subqueries, aliases, functions in `FROM`); a CTE
//! name is excluded in the whole query that defines it, even where a real table of that name is meant;
//! vendor statements beyond those listed (stored procedures, `LOAD DATA`) only report the relations they read.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::ptr;

use sqlparser::ast::{
    CopySource, FromTable, Ident, ObjectName, ObjectNamePart, ObjectType, Query, Statement, TableFactor,
    TableObject, TableWithJoins, Visit, Visitor,
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

/// Longer text (generated dumps) is not given to sqlparser: the keyword scan is linear and cheap.
const MAX_PARSED_LEN: usize = 1 << 20;
/// Longer text is not scanned at all; no SQL string in an application is this long.
const MAX_SCANNED_LEN: usize = 16 << 20;
/// Deeper parentheses are not given to sqlparser (its own recursion limit would reject them anyway).
const MAX_NESTING: usize = 200;
/// What a format hole becomes before parsing: an identifier parses wherever a value or a name may stand.
const HOLE: &str = "__decompose_hole__";
/// Words that never follow a statement keyword in SQL but often do in English.
const PROSE: &[&str] = &[
    "the", "your", "you", "please", "this", "that", "an", "my", "our", "we", "cannot", "could", "should",
    "would", "failed", "is", "was",
];
/// Words where a table name would be that are not one (`FROM LATERAL`, `INTO VALUES`, `FROM {}`..).
const NOT_NAMES: &[&str] = &[
    "select", "from", "where", "set", "values", "lateral", "unnest", "null", "default", "table", "into",
    "join", "on", "using", "as", "with", "and", "or", "not", "exists", "if", "only", "the", "a", "an",
];
/// Words that end a table reference in a `FROM a x, b y` list; any other word after a name is its alias.
const CLAUSES: &[&str] = &[
    "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group", "order",
    "limit", "offset", "having", "union", "except", "intersect", "window", "set", "returning", "values",
    "select", "for", "cascade", "restrict", "restart", "continue", "straight_join",
];
/// Words allowed between `CREATE`/`ALTER`/`DROP` and `TABLE`/`INDEX`/`VIEW`.
const DDL_MODIFIERS: &[&str] = &[
    "or", "replace", "unique", "temporary", "temp", "unlogged", "global", "local", "virtual", "materialized",
    "external", "fulltext", "spatial",
];

/// Does this string literal look like SQL at all? It must start (after white space and comments) with a
/// statement keyword *and* have that statement's shape, since prose such as "Select a time slot" or
/// "Update failed: order not found" starts with the same words. A `SELECT` without `FROM` counts when it
/// parses and is code-like (`SELECT 1`, `SELECT now()`, or an upper-case `SELECT CURRENT_DATE`); a bare
/// `SELECT` does not (it is no statement).
pub fn looks_like_sql(text: &str) -> bool {
    // The shape is in the first few hundred bytes; lexing all of a huge literal would be wasted.
    let head = &text[..text.floor_char_boundary(4096)];
    let toks = lex(head);
    if toks.iter().any(|t| word(t).is_some_and(|w| PROSE.iter().any(|p| w.eq_ignore_ascii_case(p)))) {
        return false;
    }
    let Some(first) = toks.first().and_then(word) else { return false };
    let kw_at = |i: usize, kw: &str| toks.get(i).and_then(word).is_some_and(|w| w.eq_ignore_ascii_case(kw));
    let kw_within = |range: std::ops::Range<usize>, kw: &str| range.clone().find(|&i| kw_at(i, kw));
    let name_after = |i: usize| read_name(&toks, i).is_some();
    match first.to_ascii_lowercase().as_str() {
        "select" => {
            if let Some(from) = kw_within(2..toks.len(), "from") {
                return name_after(from + 1) || matches!(toks.get(from + 1).map(|t| &t.tok), Some(Tok::Punct('(')));
            }
            let code_like = toks[1..].iter().any(|t| !matches!(t.tok, Tok::Word(w) if !w.starts_with(|c: char| c.is_ascii_digit())))
                || (first == "SELECT" && toks.len() >= 2);
            toks.len() >= 2 && code_like && text.len() <= 4096 && parses(&sanitize(text, &toks))
        }
        "insert" => kw_within(1..4, "into").is_some_and(|i| name_after(i + 1)),
        "replace" | "merge" => kw_at(1, "into") && name_after(2),
        "update" => {
            let start = if kw_at(1, "or") { 3 } else if kw_at(1, "only") { 2 } else { 1 };
            name_after(start) && kw_within(start + 1..start + 4, "set").is_some()
        }
        "delete" => kw_within(1..4, "from").is_some_and(|i| name_after(i + 1)),
        "with" => {
            let name = if kw_at(1, "recursive") { 2 } else { 1 };
            let mut i = name + 1;
            if matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Punct('('))) {
                i = toks[i..].iter().position(|t| t.tok == Tok::Punct(')')).map_or(toks.len(), |p| i + p + 1);
            }
            name_after(name) && kw_at(i, "as")
        }
        "create" | "alter" | "drop" => {
            let mut i = 1;
            while toks.get(i).and_then(word).is_some_and(|w| DDL_MODIFIERS.iter().any(|m| w.eq_ignore_ascii_case(m))) {
                i += 1;
            }
            let kind = ["table", "index", "view"].iter().any(|k| kw_at(i, k));
            kind && toks.len() > i + 1 && !matches!(toks[i + 1].tok, Tok::Punct(_))
        }
        "truncate" => {
            let mut i = 1;
            while kw_at(i, "table") || kw_at(i, "only") {
                i += 1;
            }
            let Some((_, mut next)) = read_name(&toks, i) else { return false };
            // `TRUNCATE a, b CASCADE;` and nothing else: "Truncate long names" is prose.
            loop {
                match toks.get(next).map(|t| &t.tok) {
                    None | Some(Tok::Punct(';')) => return true,
                    Some(Tok::Punct(',')) => match read_name(&toks, next + 1) {
                        Some((_, after)) => next = after,
                        None => return false,
                    },
                    Some(Tok::Word(w)) => {
                        return ["cascade", "restrict", "restart", "continue"].iter().any(|k| w.eq_ignore_ascii_case(k));
                    }
                    Some(_) => return false,
                }
            }
        }
        _ => false,
    }
}

/// Tables in a complete SQL text (one or more statements). Never panics, whatever the input.
/// Tries dialects in order PostgreSQL, MySQL, SQLite, Generic; the first that parses wins.
/// If none parses, falls back to [`tables_in_fragment`] with `parsed: false`.
pub fn tables_in_sql(sql: &str) -> SqlTables {
    if sql.len() > MAX_SCANNED_LEN {
        return SqlTables { tables: Vec::new(), parsed: false };
    }
    let toks = lex(sql);
    if sql.len() <= MAX_PARSED_LEN && nesting(&toks) <= MAX_NESTING {
        let text = sanitize(sql, &toks);
        let dialects: [&dyn Dialect; 4] =
            [&PostgreSqlDialect {}, &MySqlDialect {}, &SQLiteDialect {}, &GenericDialect {}];
        for dialect in dialects {
            if let Ok(statements) = Parser::parse_sql(dialect, &text) {
                let mut collector = Collector::default();
                for statement in &statements {
                    let _ = statement.visit(&mut collector);
                }
                return SqlTables { tables: collector.found.into_iter().collect(), parsed: true };
            }
        }
    }
    SqlTables { tables: scan(&toks), parsed: false }
}

fn parses(sql: &str) -> bool {
    Parser::parse_sql(&GenericDialect {}, sql).is_ok()
}

/// Walks parsed statements: the statement tells its write target before its relations are visited, so the
/// target's own relation visit can be told apart (by address) from reads of the same table elsewhere.
#[derive(Default)]
struct Collector {
    found: BTreeSet<TableAccess>,
    /// Names defined by the `WITH` clause of each enclosing query, innermost last.
    ctes: Vec<Vec<String>>,
    /// Relations already accounted for (write targets) or that are no table (table functions).
    claimed: Vec<*const ObjectName>,
}

impl Collector {
    fn write(&mut self, name: &ObjectName) {
        self.claimed.push(ptr::from_ref(name));
        if let Some(table) = table_name(name) {
            self.found.insert(TableAccess { table, mode: AccessMode::Write });
        }
    }

    fn write_factor(&mut self, factor: &TableFactor) {
        if let TableFactor::Table { name, .. } = factor {
            self.write(name);
        }
    }

    /// MySQL `DELETE o FROM orders o JOIN ..`: the listed names are aliases or tables of the `FROM` list.
    fn write_deleted(&mut self, names: &[ObjectName], from: &[TableWithJoins]) {
        let factors = from.iter().flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        for factor in factors {
            let TableFactor::Table { name, alias, .. } = factor else { continue };
            let alias = alias.as_ref().map(|a| ident_name(&a.name));
            let deleted = names.iter().filter_map(table_name).any(|n| Some(&n) == alias.as_ref() || Some(&n) == table_name(name).as_ref());
            if deleted {
                self.write(name);
            }
        }
    }
}

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let names = query.with.iter().flat_map(|w| &w.cte_tables).map(|c| ident_name(&c.alias.name));
        self.ctes.push(names.collect());
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.ctes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        match statement {
            Statement::Insert(insert) => {
                if let TableObject::TableName(name) = &insert.table {
                    self.write(name);
                }
            }
            Statement::Update(update) => self.write_factor(&update.table.relation),
            Statement::Delete(delete) => {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
                if delete.tables.is_empty() {
                    if let Some(first) = from.first() {
                        self.write_factor(&first.relation);
                    }
                } else {
                    self.write_deleted(&delete.tables, from);
                }
            }
            Statement::Merge(merge) => self.write_factor(&merge.table),
            Statement::Truncate(truncate) => truncate.table_names.iter().for_each(|t| self.write(&t.name)),
            Statement::CreateTable(create) => self.write(&create.name),
            Statement::CreateView(create) => self.write(&create.name),
            Statement::CreateVirtualTable { name, .. } | Statement::AlterView { name, .. } => self.write(name),
            Statement::AlterTable(alter) => self.write(&alter.name),
            Statement::CreateIndex(index) => self.write(&index.table_name),
            Statement::Drop { object_type, names, table, .. } => match object_type {
                ObjectType::Table | ObjectType::View | ObjectType::MaterializedView => {
                    names.iter().for_each(|n| self.write(n));
                }
                ObjectType::Index => table.iter().for_each(|t| self.write(t)),
                _ => {}
            },
            Statement::RenameTable(renames) => {
                renames.iter().for_each(|r| [&r.old_name, &r.new_name].into_iter().for_each(|n| self.write(n)));
            }
            Statement::Copy { source: CopySource::Table { table_name: name, .. }, to, .. } => {
                // `COPY t FROM stdin` loads the table, `COPY t TO stdout` dumps it.
                if *to {
                    self.pre_visit_relation(name)?;
                } else {
                    self.write(name);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        // `FROM generate_series(1, 10)` is a table-valued function, not a table.
        if let TableFactor::Table { name, args: Some(_), .. } = factor {
            self.claimed.push(ptr::from_ref(name));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &ObjectName) -> ControlFlow<()> {
        if self.claimed.iter().any(|&c| ptr::eq(c, name)) {
            return ControlFlow::Continue(());
        }
        let Some(table) = table_name(name) else { return ControlFlow::Continue(()) };
        let is_cte = name.0.len() == 1 && self.ctes.iter().flatten().any(|c| *c == table);
        if !is_cte {
            self.found.insert(TableAccess { table, mode: AccessMode::Read });
        }
        ControlFlow::Continue(())
    }
}

/// The last part of a qualified name, lower-cased unless quoted; `None` for a format hole or MySQL's `dual`.
fn table_name(name: &ObjectName) -> Option<String> {
    let ObjectNamePart::Identifier(ident) = name.0.last()? else { return None };
    let table = ident_name(ident);
    let not_table = table.eq_ignore_ascii_case(HOLE) || (ident.quote_style.is_none() && table == "dual");
    (!not_table && !table.is_empty()).then_some(table)
}

fn ident_name(ident: &Ident) -> String {
    if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_ascii_lowercase() }
}

/// A token of the keyword scan; comments and white space are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// An unquoted identifier, keyword or number.
    Word(&'a str),
    /// A quoted identifier without its quotes (`"Orders"`, `` `orders` ``).
    Quoted(&'a str),
    /// A string literal.
    Str,
    /// A format hole, or a word glued to one (`orders_{}`): a name known only at run time.
    Hole,
    /// A bind parameter: `$1`, `?`, `:name`, `@p`.
    Param,
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    start: usize,
    end: usize,
}

fn word<'a>(token: &Token<'a>) -> Option<&'a str> {
    if let Tok::Word(w) = token.tok { Some(w) } else { None }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The end of a format hole starting at `start` (`{`), if it is one: `{}`, `{0}`, `{name}`, `{:?}`.
fn hole_end(b: &[u8], start: usize) -> Option<usize> {
    let len = b[start + 1..].iter().take(64).position(|&c| c == b'}')?;
    let inner = &b[start + 1..start + 1 + len];
    inner.iter().all(|&c| is_word_byte(c) || b":?#<>^+-.*".contains(&c)).then_some(start + len + 2)
}

/// Splits SQL into tokens. Works on bytes: every delimiter is ASCII, so every slice is on a char boundary.
fn lex(text: &str) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &[u8]| b.get(from..).and_then(|rest| rest.windows(pat.len()).position(|w| w == pat)).map(|p| from + p);
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let next = b.get(i + 1).copied();
        let tok = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if next == Some(b'-') => {
                i = find(i, b"\n").map_or(b.len(), |e| e + 1);
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = find(i + 2, b"*/").map_or(b.len(), |e| e + 2);
                continue;
            }
            b'\'' | b'"' | b'`' => {
                // A doubled quote inside is an escaped quote.
                let mut end = i + 1;
                while end < b.len() && (b[end] != c || b.get(end + 1) == Some(&c)) {
                    end += if b[end] == c { 2 } else { 1 };
                }
                i = (end + 1).min(b.len());
                if c == b'\'' { Tok::Str } else { Tok::Quoted(&text[start + 1..end.min(b.len())]) }
            }
            b'?' => {
                i += 1;
                Tok::Param
            }
            b'$' | b'@' | b':' if next.is_some_and(|n| is_word_byte(n) && n != b'$') => {
                i += 1;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                Tok::Param
            }
            b':' if next == Some(b':') => {
                // A `::type` cast, not a `:name` parameter.
                i += 2;
                Tok::Punct(':')
            }
            _ if is_word_byte(c) || (c == b'{' && hole_end(b, i).is_some()) => {
                let mut hole = false;
                while i < b.len() {
                    if is_word_byte(b[i]) {
                        i += 1;
                    } else if let Some(end) = (b[i] == b'{').then(|| hole_end(b, i)).flatten() {
                        hole = true;
                        i = end;
                    } else {
                        break;
                    }
                }
                if hole { Tok::Hole } else { Tok::Word(&text[start..i]) }
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                i += ch.len_utf8().max(1);
                Tok::Punct(ch)
            }
        };
        toks.push(Token { tok, start, end: i });
    }
    toks
}

/// The deepest parenthesis nesting.
fn nesting(toks: &[Token<'_>]) -> usize {
    let mut depth = 0usize;
    let mut max = 0;
    for t in toks {
        match t.tok {
            Tok::Punct('(') => {
                depth += 1;
                max = max.max(depth);
            }
            Tok::Punct(')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The text with every format hole replaced by [`HOLE`], so that a `format!` template parses.
fn sanitize(sql: &str, toks: &[Token<'_>]) -> String {
    let mut res = String::with_capacity(sql.len());
    let mut copied = 0;
    for t in toks.iter().filter(|t| t.tok == Tok::Hole) {
        res.push_str(&sql[copied..t.start]);
        res.push_str(HOLE);
        copied = t.end;
    }
    res.push_str(&sql[copied..]);
    res
}

/// A possibly qualified name at `i`: its last part (`None` when that is only known at run time) and the
/// index after it. `None` when no name starts at `i`.
fn read_name(toks: &[Token<'_>], i: usize) -> Option<(Option<String>, usize)> {
    let part = |t: &Token<'_>| match t.tok {
        Tok::Word(w) if !w.starts_with(|c: char| c.is_ascii_digit()) => Some(Some(w.to_ascii_lowercase())),
        Tok::Quoted(q) if !q.is_empty() => Some(Some(q.to_owned())),
        Tok::Hole => Some(None),
        _ => None,
    };
    let first = toks.get(i)?;
    if word(first).is_some_and(|w| NOT_NAMES.iter().any(|k| w.eq_ignore_ascii_case(k))) {
        return None;
    }
    let mut last = part(first)?;
    let mut next = i + 1;
    while toks.get(next).is_some_and(|t| t.tok == Tok::Punct('.')) {
        let Some(p) = toks.get(next + 1).and_then(part) else { break };
        last = p;
        next += 2;
    }
    Some((last, next))
}

/// Keyword scan for SQL that is built at run time (format! templates, pieces pushed onto a String) or that no
/// dialect parses: identifiers after FROM / JOIN / USING (read), INTO / UPDATE / DELETE FROM / TRUNCATE [TABLE]
/// / CREATE|ALTER|DROP TABLE [IF [NOT] EXISTS] / CREATE INDEX .. ON (write). Format holes and bind parameters
/// are not table names; a hole where a table name would be yields nothing.
pub fn tables_in_fragment(fragment: &str) -> Vec<TableAccess> {
    if fragment.len() > MAX_SCANNED_LEN {
        return Vec::new();
    }
    scan(&lex(fragment))
}

fn scan(toks: &[Token<'_>]) -> Vec<TableAccess> {
    let lower = |i: usize| toks.get(i).and_then(word).map(str::to_ascii_lowercase).unwrap_or_default();
    let is = |i: usize, kw: &str| toks.get(i).and_then(word).is_some_and(|w| w.eq_ignore_ascii_case(kw));
    let mut found = BTreeSet::new();
    let mut ctes = BTreeSet::new();
    let mut stmt = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.tok == Tok::Punct(';') {
            stmt = i + 1;
        }
        let Some(w) = word(t) else { continue };
        let prev = if i > 0 { lower(i - 1) } else { String::new() };
        // `WITH recent AS (`, `, later AS (`: names of the query, not tables.
        let after_with = ["with", "recursive"].contains(&prev.as_str()) || (i > 0 && toks[i - 1].tok == Tok::Punct(','));
        if after_with && is(i + 1, "as") && toks.get(i + 2).is_some_and(|t| t.tok == Tok::Punct('(')) {
            ctes.insert(w.to_ascii_lowercase());
        }
        let ddl = || {
            let mut j = stmt;
            let head = ["create", "alter", "drop"].iter().any(|k| is(j, k));
            j += 1;
            while j < i && DDL_MODIFIERS.iter().any(|m| is(j, m)) {
                j += 1;
            }
            head && j == i
        };
        let (mode, list) = match w.to_ascii_lowercase().as_str() {
            "from" if prev == "delete" => (AccessMode::Write, false),
            "from" => (AccessMode::Read, true),
            "join" | "using" => (AccessMode::Read, false),
            "into" => (AccessMode::Write, false),
            // `ON DUPLICATE KEY UPDATE`, `DO UPDATE`, `FOR UPDATE`, `ON UPDATE CASCADE`, `THEN UPDATE SET`.
            "update" if !["key", "do", "for", "on", "then"].contains(&prev.as_str()) => (AccessMode::Write, false),
            "truncate" => (AccessMode::Write, true),
            "table" | "view" if ddl() => (AccessMode::Write, true),
            "on" if is(stmt, "create") && (stmt..i).any(|j| is(j, "index")) => (AccessMode::Write, false),
            _ => continue,
        };
        let mut j = i + 1;
        if is(j, "or") {
            j += 2; // SQLite `UPDATE OR REPLACE t`
        }
        while ["table", "only", "if", "not", "exists", "ignore", "low_priority", "quick"].iter().any(|k| is(j, k)) {
            j += 1;
        }
        while let Some((name, after)) = read_name(toks, j) {
            let call = toks.get(after).is_some_and(|t| t.tok == Tok::Punct('('));
            if let Some(table) = name.filter(|_| !(mode == AccessMode::Read && call)) {
                found.insert(TableAccess { table, mode });
            }
            if !list {
                break;
            }
            // `FROM a x, b AS y`: skip the alias, go on after a comma.
            let mut k = after;
            if is(k, "as") {
                k += 1;
            }
            if toks.get(k).and_then(word).is_some_and(|w| !CLAUSES.iter().any(|c| w.eq_ignore_ascii_case(c))) {
                k += 1;
            }
            if toks.get(k).is_none_or(|t| t.tok != Tok::Punct(',')) {
                break;
            }
            j = k + 1;
        }
    }
    found.retain(|t: &TableAccess| !(t.mode == AccessMode::Read && ctes.contains(&t.table)) && t.table != "dual");
    found.into_iter().collect()
}
