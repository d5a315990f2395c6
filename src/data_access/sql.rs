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

use std::collections::{BTreeSet, HashSet};
use std::ops::ControlFlow;
use std::ptr;

use sqlparser::ast::{
    CopySource, FromTable, Ident, ObjectName, ObjectNamePart, ObjectType, Query, Statement,
    TableFactor, TableObject, TableWithJoins, Visit, Visitor,
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
/// More operators in one statement are not given to sqlparser; see [`too_deep`].
const MAX_OPERATORS: usize = 4096;
/// What a format hole becomes before parsing: an identifier parses wherever a value or a name may stand.
const HOLE: &str = "__decompose_hole__";
/// The words [`looks_like_sql`] accepts as a statement's first.
const STATEMENT_KEYWORDS: &[&str] = &[
    "select", "insert", "replace", "merge", "update", "delete", "with", "create", "alter", "drop",
    "truncate",
];
/// Words that never follow a statement keyword in SQL but often do in English.
const PROSE: &[&str] = &[
    "the", "your", "you", "please", "this", "that", "an", "my", "our", "we", "cannot", "could",
    "should", "would", "failed", "was",
];
/// Words where a table name would be that are not one (`FROM LATERAL`, `INTO VALUES`, `FROM WHERE`).
const NOT_NAMES: &[&str] = &[
    "select", "from", "where", "set", "values", "lateral", "unnest", "null", "default", "table",
    "into", "join", "on", "using", "as", "with", "and", "or", "not", "exists", "if", "only",
];
/// Words that end a table reference in a `FROM a x, b y` list; any other word after a name is its alias.
#[rustfmt::skip]
const CLAUSES: &[&str] = &[
    "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group",
    "order", "limit", "offset", "having", "union", "except", "intersect", "window", "set",
    "returning", "values", "select", "for", "cascade", "restrict", "restart", "continue",
    "straight_join",
];
/// Words skipped between a statement keyword and its table name (`TRUNCATE TABLE ONLY t`, `DROP TABLE IF
/// EXISTS t`, MySQL's `UPDATE LOW_PRIORITY IGNORE t`).
#[rustfmt::skip]
const BEFORE_NAME: &[&str] = &[
    "table", "only", "if", "not", "exists", "ignore", "low_priority", "quick", "concurrently",
];
/// Words allowed between `CREATE`/`ALTER`/`DROP` and `TABLE`/`INDEX`/`VIEW`.
#[rustfmt::skip]
const DDL_MODIFIERS: &[&str] = &[
    "or", "replace", "unique", "temporary", "temp", "unlogged", "global", "local", "virtual",
    "materialized", "external", "fulltext", "spatial",
];

/// Is the token a word in `list` (ASCII case-insensitive)? Asked for every token of every string literal, so
/// the lists are slices: a word of another length is rejected without looking at its bytes.
fn kw(token: Option<&Token<'_>>, list: &[&str]) -> bool {
    token.and_then(word).is_some_and(|w| list.iter().any(|k| k.eq_ignore_ascii_case(w)))
}

/// Does this string literal look like SQL at all? It must start (after white space and comments) with a
/// statement keyword *and* have that statement's shape, since prose such as "Select a time slot" or
/// "Update failed: order not found" starts with the same words. A `SELECT` without `FROM` counts when it
/// parses and is code-like (`SELECT 1`, `SELECT now()`, or an upper-case `SELECT CURRENT_DATE`); a bare
/// `SELECT` does not (it is no statement).
pub fn looks_like_sql(text: &str) -> bool {
    // Nearly every string literal of a code base is no SQL and says so with its first word: the rest of it
    // is lexed only after a statement keyword.
    let starts_a_statement = lex_at_most(text, 1)
        .first()
        .and_then(word)
        .is_some_and(|w| STATEMENT_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w)));
    if !starts_a_statement {
        return false;
    }
    // The shape is in the first few hundred bytes; lexing all of a huge literal would be wasted.
    let toks = lex(&text[..text.floor_char_boundary(4096)]);
    let at = |i: usize, list: &[&str]| kw(toks.get(i), list);
    let within =
        |from: usize, to: usize, list: &[&str]| (from..to.min(toks.len())).find(|&i| at(i, list));
    let punct = |i: usize, c: char| toks.get(i).is_some_and(|t| t.tok == Tok::Punct(c));
    let name_at = |i: usize| read_name(&toks, i).is_some();
    let Some(first) = toks.first().and_then(word) else { return false };
    if toks.iter().any(|t| kw(Some(t), PROSE)) {
        return false;
    }
    match first.to_ascii_lowercase().as_str() {
        "select" => {
            if let Some(from) = within(2, toks.len(), &["from"]) {
                return name_at(from + 1) || punct(from + 1, '(');
            }
            // No FROM: code-like (a number, a call, an operator) or an upper-case keyword, and it parses.
            let code_like = first == "SELECT"
                || toks[1..]
                    .iter()
                    .any(|t| word(t).is_none_or(|w| w.starts_with(|c: char| c.is_ascii_digit())));
            toks.len() >= 2 && code_like && text.len() <= 4096 && parses(&sanitize(text, &toks))
        }
        "insert" => within(1, 4, &["into"]).is_some_and(|i| name_at(i + 1)),
        "replace" | "merge" => at(1, &["into"]) && name_at(2),
        "update" => {
            let start = if at(1, &["or"]) { 3 } else { 1 + usize::from(at(1, &["only"])) };
            name_at(start) && within(start + 1, start + 4, &["set"]).is_some()
        }
        "delete" => within(1, 4, &["from"]).is_some_and(|i| name_at(i + 1)),
        "with" => {
            let name = if at(1, &["recursive"]) { 2 } else { 1 };
            let mut i = name + 1;
            if punct(i, '(') {
                i = (i..toks.len()).find(|&j| punct(j, ')')).map_or(toks.len(), |j| j + 1);
            }
            name_at(name) && at(i, &["as"])
        }
        "create" | "alter" | "drop" => {
            let i = (1..toks.len()).find(|&i| !at(i, DDL_MODIFIERS)).unwrap_or(toks.len());
            at(i, &["table", "index", "view"])
                && toks.get(i + 1).is_some_and(|t| !matches!(t.tok, Tok::Punct(_)))
        }
        "truncate" => {
            let i = (1..toks.len()).find(|&i| !at(i, &["table", "only"])).unwrap_or(toks.len());
            let Some((_, mut next)) = read_name(&toks, i) else { return false };
            // `TRUNCATE a, b CASCADE;` and nothing else: "Truncate long names" is prose.
            while punct(next, ',') {
                let Some((_, after)) = read_name(&toks, next + 1) else { return false };
                next = after;
            }
            next == toks.len()
                || punct(next, ';')
                || at(next, &["cascade", "restrict", "restart", "continue"])
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
    if sql.len() <= MAX_PARSED_LEN && !too_deep(&toks) {
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
    claimed: HashSet<*const ObjectName>,
}

impl Collector {
    fn write(&mut self, name: &ObjectName) {
        self.claimed.insert(ptr::from_ref(name));
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
        let factors = from
            .iter()
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        for factor in factors {
            let TableFactor::Table { name, alias, .. } = factor else { continue };
            let alias = alias.as_ref().map(|a| ident_name(&a.name));
            let deleted = names
                .iter()
                .filter_map(table_name)
                .any(|n| Some(&n) == alias.as_ref() || Some(&n) == table_name(name).as_ref());
            if deleted {
                self.write(name);
            }
        }
    }
}

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let names =
            query.with.iter().flat_map(|w| &w.cte_tables).map(|c| ident_name(&c.alias.name));
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
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                if delete.tables.is_empty() {
                    if let Some(first) = from.first() {
                        self.write_factor(&first.relation);
                    }
                } else {
                    self.write_deleted(&delete.tables, from);
                }
            }
            Statement::Merge(merge) => self.write_factor(&merge.table),
            Statement::Truncate(truncate) => {
                truncate.table_names.iter().for_each(|t| self.write(&t.name))
            }
            Statement::CreateTable(create) => self.write(&create.name),
            Statement::CreateView(create) => self.write(&create.name),
            Statement::CreateVirtualTable { name, .. } | Statement::AlterView { name, .. } => {
                self.write(name)
            }
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
                renames.iter().for_each(|r| {
                    [&r.old_name, &r.new_name].into_iter().for_each(|n| self.write(n))
                });
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
            self.claimed.insert(ptr::from_ref(name));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &ObjectName) -> ControlFlow<()> {
        if self.claimed.contains(&ptr::from_ref(name)) {
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
    // A hole inside quotes (`"{}"`) is not replaced before parsing; it is no name either.
    let not_table = table.eq_ignore_ascii_case(HOLE)
        || table.contains('{')
        || (ident.quote_style.is_none() && table == "dual");
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
    lex_at_most(text, usize::MAX)
}

/// The first `max` tokens of [`lex`].
fn lex_at_most(text: &str, max: usize) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &[u8]| {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map(|p| from + p)
    };
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() && toks.len() < max {
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

/// Too deep for sqlparser's AST: deeper parentheses than [`MAX_NESTING`], or more operators in one statement
/// than [`MAX_OPERATORS`]. A chain `a + b + c ..` parses in a loop but nests one level per operator, and
/// dropping such a tree recurses that deep: a long enough chain overflows the stack, which aborts.
fn too_deep(toks: &[Token<'_>]) -> bool {
    let (mut depth, mut operators) = (0usize, 0usize);
    for t in toks {
        match t.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth = depth.saturating_sub(1),
            Tok::Punct(';') => operators = 0,
            Tok::Punct(c) if "+-*/%|&^<>=!~:#@[".contains(c) => operators += 1,
            Tok::Word(_)
                if kw(Some(t), &["and", "or", "not", "is", "union", "except", "intersect"]) =>
            {
                operators += 1
            }
            _ => {}
        }
        if depth > MAX_NESTING || operators > MAX_OPERATORS {
            return true;
        }
    }
    false
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
        Tok::Word(w) if !w.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(Some(w.to_ascii_lowercase()))
        }
        Tok::Quoted(q) if q.contains('{') => Some(None),
        Tok::Quoted(q) if !q.is_empty() => Some(Some(q.to_owned())),
        Tok::Hole => Some(None),
        _ => None,
    };
    let first = toks.get(i)?;
    if kw(Some(first), NOT_NAMES) {
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
    let at = |i: usize, list: &[&str]| kw(toks.get(i), list);
    let punct = |i: usize, c: char| toks.get(i).is_some_and(|t| t.tok == Tok::Punct(c));
    let mut found = BTreeSet::new();
    let mut ctes = BTreeSet::new();
    // Where the current statement starts, and whether it has had a FROM (a DELETE's first FROM names its
    // target; later ones are in subqueries) or an INDEX (`CREATE INDEX .. ON t`).
    let (mut stmt, mut seen_from, mut seen_index) = (0, false, false);
    for (i, t) in toks.iter().enumerate() {
        if t.tok == Tok::Punct(';') {
            (stmt, seen_from, seen_index) = (i + 1, false, false);
        }
        let Some(w) = word(t) else { continue };
        let prev = |list: &[&str]| i > 0 && at(i - 1, list);
        // `WITH recent AS (`, `, later AS (`: names of the query, not tables.
        if (prev(&["with", "recursive"]) || (i > 0 && punct(i - 1, ',')))
            && at(i + 1, &["as"])
            && punct(i + 2, '(')
        {
            ctes.insert(w.to_ascii_lowercase());
        }
        let ddl = || {
            at(stmt, &["create", "alter", "drop"]) && (stmt + 1..i).all(|j| at(j, DDL_MODIFIERS))
        };
        let (mode, list) = match w.to_ascii_lowercase().as_str() {
            "from" if !std::mem::replace(&mut seen_from, true) && at(stmt, &["delete"]) => {
                (AccessMode::Write, false)
            }
            "from" => (AccessMode::Read, true),
            "join" | "using" => (AccessMode::Read, false),
            "into" => (AccessMode::Write, false),
            // `ON DUPLICATE KEY UPDATE`, `DO UPDATE`, `FOR UPDATE`, `ON UPDATE CASCADE`, `THEN UPDATE SET`.
            "update" if !prev(&["key", "do", "for", "on", "then"]) => (AccessMode::Write, false),
            "truncate" => (AccessMode::Write, true),
            "table" | "view" if ddl() => (AccessMode::Write, true),
            "index" => {
                seen_index = true;
                continue;
            }
            "on" if seen_index && at(stmt, &["create"]) => (AccessMode::Write, false),
            _ => continue,
        };
        // SQLite `UPDATE OR REPLACE t`, `TRUNCATE TABLE ONLY t`, `DROP TABLE IF EXISTS t`.
        let mut j = if at(i + 1, &["or"]) { i + 3 } else { i + 1 };
        while at(j, BEFORE_NAME) {
            j += 1;
        }
        while let Some((name, after)) = read_name(toks, j) {
            // In FROM a name followed by `(` is a table function (`generate_series(1, 3)`).
            let call = mode == AccessMode::Read && punct(after, '(');
            if let Some(table) = name.filter(|_| !call) {
                found.insert(TableAccess { table, mode });
            }
            // `FROM a x, b AS y`: skip the alias, go on after a comma.
            let mut k = if at(after, &["as"]) { after + 1 } else { after };
            if toks.get(k).and_then(word).is_some() && !at(k, CLAUSES) {
                k += 1;
            }
            if !list || !punct(k, ',') {
                break;
            }
            j = k + 1;
        }
    }
    found.retain(|t| !(t.mode == AccessMode::Read && ctes.contains(&t.table)) && t.table != "dual");
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tables: &[TableAccess]) -> String {
        let mode = |m: AccessMode| if m == AccessMode::Read { "read" } else { "write" };
        tables.iter().map(|t| format!("{}:{}", t.table, mode(t.mode))).collect::<Vec<_>>().join(" ")
    }

    /// `expect` is the rendered result; a leading `~` means the keyword fallback must have been used.
    fn check(sql: &str, expect: &str) {
        let found = tables_in_sql(sql);
        let (fallback, expect) =
            expect.strip_prefix('~').map_or((false, expect), |rest| (true, rest));
        assert_eq!(found.parsed, !fallback, "parsed: {sql}");
        assert_eq!(render(&found.tables), expect, "{sql}");
    }

    /// Cases are `sql => expected`, one a line; `\"` stands for `"`.
    fn cases(table: &str) -> Vec<(String, &str)> {
        let lines = table.lines().map(str::trim).filter(|l| !l.is_empty());
        lines
            .map(|l| {
                let (sql, expect) = l.rsplit_once(" =>").expect("a case is `sql => expected`");
                (sql.replace("\\\"", "\""), expect.trim())
            })
            .collect()
    }

    #[test]
    fn parsed_statements() {
        let table = "
            SELECT id, total FROM orders WHERE id = $1 => orders:read
            SELECT * FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN customers AS c ON c.id = o.customer_id => customers:read order_lines:read orders:read
            SELECT id FROM books WHERE author_id IN (SELECT id FROM authors WHERE name = ?) => authors:read books:read
            SELECT 1 WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.token = $1) => sessions:read
            SELECT name, (SELECT count(*) FROM reviews r WHERE r.book_id = b.id) FROM books b => books:read reviews:read
            SELECT t.n FROM (SELECT count(*) AS n FROM reviews) t => reviews:read
            WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN customers c ON c.id = recent.customer_id => customers:read orders:read
            WITH moved AS (DELETE FROM cart_items WHERE cart_id = $1 RETURNING *) INSERT INTO order_lines SELECT * FROM moved => cart_items:write order_lines:write
            INSERT INTO payments (id, amount) VALUES ($1, $2) => payments:write
            INSERT INTO archive (id) SELECT id FROM orders WHERE closed => archive:write orders:read
            INSERT INTO stock (id, qty) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET qty = stock.qty + 1 => stock:write
            INSERT INTO stock (id, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE qty = qty + 1 => stock:write
            REPLACE INTO settings (k, v) VALUES (?, ?) => settings:write
            INSERT OR REPLACE INTO settings (k, v) VALUES (:k, :v) => settings:write
            UPDATE stock_levels SET qty = qty - 1 WHERE qty > (SELECT min_qty FROM rules) => rules:read stock_levels:write
            UPDATE counters SET n = (SELECT max(n) FROM counters) + 1 => counters:read counters:write
            UPDATE appointments SET billed = true FROM invoices WHERE invoices.id = appointments.invoice_id => appointments:write invoices:read
            DELETE FROM sessions USING customers WHERE sessions.customer_id = customers.id => customers:read sessions:write
            DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id => customers:read orders:write
            MERGE INTO stock s USING deliveries d ON s.id = d.id WHEN MATCHED THEN UPDATE SET qty = d.qty => deliveries:read stock:write
            TRUNCATE TABLE cart_items => cart_items:write
            CREATE TABLE IF NOT EXISTS warehouses (id SERIAL PRIMARY KEY, name TEXT NOT NULL) => warehouses:write
            ALTER TABLE books ADD COLUMN isbn TEXT => books:write
            CREATE UNIQUE INDEX idx_books_title ON books (title) => books:write
            DROP TABLE IF EXISTS legacy_orders, old_carts => legacy_orders:write old_carts:write
            CREATE VIEW open_orders AS SELECT * FROM orders WHERE NOT closed => open_orders:write orders:read
            COPY audit_log FROM STDIN => audit_log:write
            INSERT INTO a (x) VALUES (1); SELECT * FROM b; DELETE FROM c => a:write b:read c:write
            SELECT * FROM public.\"Orders\" JOIN shop.customers ON true => Orders:read customers:read
            SELECT * FROM `shop`.`orders` WHERE id = ? => orders:read
            SELECT * FROM generate_series(1, 10) g, unnest($1::int[]) u, (VALUES (1)) v(x) =>
            SELECT 1 FROM dual =>
            SELECT * FROM orders WHERE id = @id AND placed::date = $1 AND note = 'at 12:30 {}' => orders:read
            -- newest first =>
            SELECT * FROM orders WHERE id = {} AND status = {status} => orders:read
            INSERT INTO {} (id) SELECT id FROM orders => orders:read
            SELECT * FROM \"{table}\" JOIN `{}` ON true WHERE id = $1 =>
            SELECT * FROM books ORDER BY {} {} => ~books:read
            SELECT FROM WHERE orders (( => ~
            SELECT * FROM orders o, customers c WHERE o.id = c.id FETCH RANDOMLY => ~customers:read orders:read
        ";
        for (sql, expect) in cases(table) {
            check(&sql, expect);
        }
        check(
            "\n            SELECT b.id, b.title\n            FROM books b\n            WHERE b.id = $1\n        ",
            "books:read",
        );
        check(
            "-- latest first\n/* paged */ SELECT * FROM books ORDER BY id DESC LIMIT 10",
            "books:read",
        );
    }

    #[test]
    fn fragments() {
        let table = "
            SELECT * FROM {} WHERE id = $1 =>
            SELECT * FROM orders_{} WHERE id = $1 =>
            UPDATE `{table}` SET x = 1 =>
            JOIN authors a ON a.id = b.author_id => authors:read
            DELETE FROM carts WHERE id IN (SELECT cart_id FROM {table}) => carts:write
            UPDATE OR IGNORE stock SET qty = ? WHERE id = ? => stock:write
            INSERT INTO stock VALUES (?) ON DUPLICATE KEY UPDATE qty = 1 => stock:write
            SELECT * FROM jobs FOR UPDATE SKIP LOCKED => jobs:read
            TRUNCATE TABLE a, b => a:write b:write
            CREATE TEMPORARY TABLE IF NOT EXISTS books (id INT) => books:write
            CREATE INDEX CONCURRENTLY idx ON shop.books (title) => books:write
            WITH recent AS (SELECT * FROM orders) SELECT * FROM recent => orders:read
            SELECT * FROM \"Orders\" JOIN lines USING (order_id) => Orders:read lines:read
        ";
        for (fragment, expect) in cases(table) {
            assert_eq!(render(&tables_in_fragment(&fragment)), expect, "{fragment}");
        }
    }

    #[test]
    fn recognises_sql_and_not_prose() {
        let sql = "SELECT id FROM orders|  insert into orders (id) values ($1)|INSERT OR REPLACE INTO settings VALUES (?)|\
            UPDATE books SET title = $1 WHERE id = $2|DELETE FROM sessions WHERE expires_at IS NULL|\
            WITH x AS (SELECT 1) SELECT * FROM x|WITH RECURSIVE t(n) AS (SELECT 1) SELECT n FROM t|CREATE TABLE t (id INT)|\
            CREATE UNIQUE INDEX i ON t (a)|ALTER TABLE t ADD COLUMN c INT|DROP TABLE t|TRUNCATE cart_items|\
            TRUNCATE TABLE a, b CASCADE;|REPLACE INTO t (a) VALUES (1)|MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE|\
            SELECT 1|SELECT now()|SELECT * FROM {} WHERE id = $1|-- find a book\nSELECT * FROM books|\n    SELECT b.id\n    FROM books b\n";
        for text in sql.split('|') {
            assert!(looks_like_sql(text), "{text}");
        }
        // A bare `SELECT` is no statement.
        let prose = "Please select a time slot|select a shipping method|Select an item from the list|\
            Update failed: order not found|delete this?|from {} to {}|Create account|Create a table for the results|\
            Insert coin|Truncate long names|Drop table|SELECT|";
        for text in prose.split('|') {
            assert!(!looks_like_sql(text), "{text}");
        }
    }

    #[test]
    fn never_panics() {
        for junk in
            "((((((((|\u{0}|SELECT '|'; DROP|)))|select * from|INSERT INTO|{|é{é}ü|\"|`|:|$|/*|--|?"
                .split('|')
        {
            let _ = (tables_in_sql(junk), tables_in_fragment(junk), looks_like_sql(junk));
        }
        let nested =
            format!("SELECT * FROM a WHERE x = {}1{}", "(".repeat(5_000), ")".repeat(5_000));
        assert_eq!(render(&tables_in_sql(&nested).tables), "a:read");
        // Operator and set-operation chains nest one AST level per link; dropping that tree must not overflow.
        for n in [MAX_OPERATORS - 10, 100_000] {
            for link in ["+1", " UNION SELECT 1 FROM a", "::int", "[1]", " AND NOT x", " OR - x"] {
                let chain = format!("SELECT x{} FROM a", link.repeat(n));
                assert_eq!(render(&tables_in_sql(&chain).tables), "a:read");
            }
        }
        let start = std::time::Instant::now();
        let long = "SELECT a FROM b WHERE c IN (".repeat(8_000);
        assert!(long.len() > 200_000);
        let _ = (tables_in_sql(&long), looks_like_sql(&long));
        assert!(!tables_in_sql(&"x ".repeat(150_000)).parsed);
        assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
    }
}
