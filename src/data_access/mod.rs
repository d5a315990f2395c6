//! Data access: which code reads and writes which tables, which code runs in one transaction, which code
//! shares mutable in-process state, and how the code reaches its configuration and backing services.
//!
//! `extract` records raw facts (string literals with the call or macro around them, the call a path is an
//! argument of, the method called on a path, ORM attributes, macro bodies) and `resolve` tells which item
//! each path names; this stage interprets them:
//! - **SQL** in string literals (also `const` SQL, `concat!`, raw strings, `query_file!`/`include_str!` files)
//!   through [`sql`]: tables with read or write mode; SQL built at run time (`format!`, `push_str`) is marked
//!   dynamic with whatever table names can be read, and gets a diagnostic.
//! - **diesel**: `table!` definitions ([`diesel_schema`]) became generated modules in `resolve`; a path into one
//!   is an access, a write when it is an argument of `insert_into`/`update`/`delete`/`replace_into`, a read
//!   otherwise. `#[diesel(table_name = ..)]` models tie their module to the table.
//! - **sea-orm**: `#[sea_orm(table_name = ..)]` entities; `Entity::find*` reads, `insert`/`update`/`delete*`
//!   and `ActiveModel` saves write.
//! - **Transactions**: a function that opens one (`begin()`, `transaction(..)`, `build_transaction()`) is a
//!   transaction scope; the tables it touches are the transaction's tables.
//! - **Shared state** ([`state`]) and **environment** facts ([`environment`]).
//!
//! Known blind spots: an access made through a helper function that receives the SQL or the transaction as a
//! parameter is attributed to the helper; table names built entirely at run time are not known.

pub mod diesel_schema;
pub mod environment;
pub mod sql;
pub mod state;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostics, Severity};
use crate::discover::{Workspace, join_normalized, parent_dir};
use crate::extract::{FileSummary, ItemKind, Name, RefKind, Reference, StringLiteral};
use crate::resolve::{DataRef, ItemId, ModuleId, Resolved};
use crate::source::FileId;

pub use environment::{EnvFact, EnvFactKind};
pub use sql::AccessMode;
pub use state::{SharedState, StateKind};

/// What a data item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataKind {
    Table,
    State,
}

/// A table of the analysed application, known from SQL, diesel or sea-orm.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name in the database (lower-cased unless quoted).
    pub name: String,
    /// Where the table is declared (diesel `table!`, sea-orm entity, `CREATE TABLE` in code or a `.sql` file).
    pub declared_at: Vec<(String, u32)>,
}

/// One access by one piece of code to one data item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Access {
    pub kind: DataKind,
    /// Index into [`DataAccess::tables`] or [`DataAccess::state`].
    pub data: usize,
    pub module: ModuleId,
    pub item: Option<ItemId>,
    pub mode: AccessMode,
    pub file: FileId,
    pub line: u32,
    /// How: `sqlx::query`, `execute`, `diesel`, `diesel model`, `sea-orm`, `lock`, ...
    pub via: String,
    /// SQL built at run time: the table list may be incomplete.
    pub dynamic: bool,
}

/// A function that runs its accesses in one database transaction.
#[derive(Debug, Clone)]
pub struct Transaction {
    pub module: ModuleId,
    pub item: Option<ItemId>,
    pub file: FileId,
    pub line: u32,
    /// Indices into [`DataAccess::tables`], sorted.
    pub tables: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct DataAccess {
    /// Sorted by name.
    pub tables: Vec<Table>,
    /// Sorted by item path.
    pub state: Vec<SharedState>,
    /// Sorted.
    pub accesses: Vec<Access>,
    pub transactions: Vec<Transaction>,
    /// Sorted by file and line.
    pub environment: Vec<EnvFact>,
}

/// Diesel functions whose argument is the table being written.
const DIESEL_WRITES: &[&str] =
    &["insert_into", "insert_or_ignore_into", "replace_into", "update", "delete"];
/// Method calls that open a transaction (sqlx, diesel, tokio-postgres, postgres, rusqlite, sea-orm).
const TRANSACTION_OPENERS: &[&str] =
    &["begin", "transaction", "build_transaction", "begin_transaction"];
/// Macros whose string argument is a path to a SQL file, relative to the crate (sqlx) or the current file.
const SQL_FILE_MACROS: &[&str] =
    &["query_file", "query_file_as", "query_file_scalar", "query_file_unchecked"];

/// `sql` is [`parse_sql`] of the same summaries.
pub fn analyze(
    workspace: &Workspace,
    summaries: &[FileSummary],
    sql: SqlLiterals,
    resolved: &Resolved,
    include_tests: bool,
    diagnostics: &mut Diagnostics,
) -> DataAccess {
    // Tables and their accesses, shared state, and the environment do not depend on each other: side by side.
    let (cx, ((state, state_accesses), environment)) = rayon::join(
        || {
            let mut cx =
                Builder { workspace, resolved, tables: BTreeMap::new(), accesses: Vec::new() };
            cx.sql(summaries, sql, include_tests, diagnostics);
            cx.diesel(include_tests);
            cx.orm_attributes(summaries, include_tests);
            cx.sea_orm(include_tests);
            cx
        },
        || {
            rayon::join(
                || state::analyze(resolved, include_tests),
                || environment::analyze(summaries, resolved, include_tests),
            )
        },
    );

    // Tables in name order; accesses re-pointed to the final indices.
    let names: Vec<String> = cx.tables.keys().cloned().collect();
    let index_of: BTreeMap<&str, usize> =
        names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let mut accesses: Vec<Access> = cx
        .accesses
        .into_iter()
        .filter_map(|(table, mut access)| {
            access.data = *index_of.get(table.as_str())?;
            Some(access)
        })
        .collect();
    accesses.extend(state_accesses);
    accesses.sort();
    accesses.dedup();
    let tables = cx
        .tables
        .into_iter()
        .map(|(name, mut declared_at)| {
            declared_at.sort();
            declared_at.dedup();
            Table { name, declared_at }
        })
        .collect();

    let transactions = transactions(summaries, resolved, &accesses, include_tests);
    DataAccess { tables, state, accesses, transactions, environment }
}

/// A literal's SQL text, whether it is built at run time, and the tables it names.
type ParsedSql = (String, bool, Vec<sql::TableAccess>);

/// The SQL of every string literal, parsed: per file, per literal, `None` where the literal holds no SQL.
pub struct SqlLiterals(Vec<Vec<Option<ParsedSql>>>);

/// Parses the SQL in every literal, in parallel, in file and literal order. Parsing SQL is the costly part of
/// this stage and depends on nothing but the text, so it can run before (and alongside) name resolution.
pub fn parse_sql(
    workspace: &Workspace,
    summaries: &[FileSummary],
    include_tests: bool,
) -> SqlLiterals {
    // One file per task: the SQL sits in a few files next to each other (the repositories), and rayon's
    // default split handed a run of them to one task that the other worker, done with name resolution,
    // could not share (10k lines: resolve 2.1 → 1.9 ms).
    let parsed = summaries
        .par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(file_index, summary)| {
            let file = FileId(file_index as u32);
            summary
                .literals
                .iter()
                .map(|literal| {
                    if !include_tests && literal.test_only {
                        return None;
                    }
                    let (text, dynamic) = sql_text(workspace, file, literal)?;
                    let found = if dynamic {
                        let template = fill_format_holes(&text);
                        let parsed = sql::tables_in_sql(&template);
                        if parsed.parsed { parsed.tables } else { sql::tables_in_fragment(&text) }
                    } else {
                        sql::tables_in_sql(&text).tables
                    };
                    Some((text, dynamic, found))
                })
                .collect()
        })
        .collect();
    SqlLiterals(parsed)
}

/// The SQL text of a literal, and whether it is built at run time; `None` when it is not SQL.
fn sql_text(
    workspace: &Workspace,
    file: FileId,
    literal: &StringLiteral,
) -> Option<(String, bool)> {
    let in_macro = literal.in_macro.as_deref();
    if in_macro.is_some_and(|m| SQL_FILE_MACROS.contains(&m) || m == "include_str") {
        // sqlx resolves query files against the crate's folder; include_str! against the current file.
        let rel = &workspace.file(file).rel_path;
        let base = if in_macro == Some("include_str") {
            parent_dir(rel).to_owned()
        } else {
            let package = &workspace.packages[workspace.file_package[file.index()]];
            package.dir.clone()
        };
        let path = join_normalized(&base, &literal.value)?;
        let sql_file = workspace.sql_files.iter().find(|f| f.rel_path == path)?;
        return Some((sql_file.text.clone(), false));
    }
    let dynamic = in_macro == Some("format")
        || matches!(literal.arg_of.as_deref(), Some("push_str" | "push" | "format"))
        || (literal.value.contains('{')
            && literal.value.contains('}')
            && in_macro.is_some_and(|m| m.ends_with("format")));
    if sql::looks_like_sql(&literal.value) {
        return Some((literal.value.clone(), dynamic));
    }
    // A fragment of SQL assembled at run time: `format!("SELECT .. FROM {} ..")`, `sql.push_str(" FROM x")`.
    let lower = literal.value.to_ascii_lowercase();
    let fragment = [" from ", " join ", "insert into ", "update ", "delete from "]
        .iter()
        .any(|k| lower.contains(k));
    (dynamic && fragment).then(|| (literal.value.clone(), true))
}

struct Builder<'a> {
    workspace: &'a Workspace,
    resolved: &'a Resolved,
    /// Table name → where declared.
    tables: BTreeMap<String, Vec<(String, u32)>>,
    /// (table name, access with `data` not yet set).
    accesses: Vec<(String, Access)>,
}

impl Builder<'_> {
    fn table(&mut self, name: &str) -> String {
        let key = name.to_owned();
        self.tables.entry(key.clone()).or_default();
        key
    }

    #[allow(clippy::too_many_arguments)]
    fn access(
        &mut self,
        table: &str,
        module: ModuleId,
        item: Option<ItemId>,
        mode: AccessMode,
        file: FileId,
        line: u32,
        via: &str,
        dynamic: bool,
    ) {
        let table = self.table(table);
        self.accesses.push((
            table,
            Access {
                kind: DataKind::Table,
                data: 0,
                module,
                item,
                mode,
                file,
                line,
                via: via.to_owned(),
                dynamic,
            },
        ));
    }

    /// SQL in string literals.
    fn sql(
        &mut self,
        summaries: &[FileSummary],
        parsed: SqlLiterals,
        include_tests: bool,
        diagnostics: &mut Diagnostics,
    ) {
        let resolved = self.resolved;
        // Data references by the item they name, for SQL kept in a `const`/`static` (built when first needed).
        let mut refs_to_item: Option<BTreeMap<ItemId, Vec<&DataRef>>> = None;
        for (file_index, (summary, parsed)) in summaries.iter().zip(parsed.0).enumerate() {
            let file = FileId(file_index as u32);
            for (literal, parsed) in summary.literals.iter().zip(parsed) {
                let Some((text, dynamic, found)) = parsed else { continue };
                if found.is_empty() && !dynamic {
                    continue;
                }
                let rel = &self.workspace.file(file).rel_path;
                if dynamic {
                    let names: Vec<&str> = found.iter().map(|t| t.table.as_str()).collect();
                    diagnostics.push(
                        Severity::Info,
                        "dynamic-sql",
                        rel.clone(),
                        literal.line,
                        format!(
                            "SQL built at run time; tables read from its text: {}",
                            if names.is_empty() { "none".to_owned() } else { names.join(", ") }
                        ),
                    );
                }
                let via = match literal.in_macro.as_deref() {
                    None | Some("concat") => {
                        literal.arg_of.clone().or_else(|| literal.in_macro.clone())
                    }
                    Some(name) => Some(Name::new(name)),
                }
                .unwrap_or_else(|| Name::new_static("sql"));
                for &module in resolved.locator.modules(file, literal.scope) {
                    let item = literal
                        .from_item
                        .and_then(|l| resolved.locator.item(file, l, module, &resolved.items));
                    // SQL kept in a `const`/`static` is accessed where that constant is used.
                    let users: Vec<(ModuleId, Option<ItemId>, FileId, u32, Name)> = match item {
                        Some(id)
                            if matches!(
                                resolved.item(id).kind,
                                ItemKind::Const | ItemKind::Static
                            ) =>
                        {
                            let index = refs_to_item.get_or_insert_with(|| {
                                let mut index: BTreeMap<ItemId, Vec<&DataRef>> = BTreeMap::new();
                                for r in &resolved.data_refs {
                                    if let Some(to) = r.to_item {
                                        index.entry(to).or_default().push(r);
                                    }
                                }
                                index
                            });
                            index
                                .get(&id)
                                .map_or(&[][..], Vec::as_slice)
                                .iter()
                                .filter(|r| include_tests || !r.test_only)
                                .map(|r| {
                                    (
                                        r.from,
                                        r.from_item,
                                        r.file,
                                        r.line,
                                        r.arg_of.clone().unwrap_or_else(|| via.clone()),
                                    )
                                })
                                .collect()
                        }
                        _ => Vec::new(),
                    };
                    let sites = if users.is_empty() {
                        vec![(module, item, file, literal.line, via.clone())]
                    } else {
                        users
                    };
                    for (site_module, site_item, site_file, site_line, site_via) in sites {
                        for access in &found {
                            self.access(
                                &access.table,
                                site_module,
                                site_item,
                                access.mode,
                                site_file,
                                site_line,
                                &site_via,
                                dynamic,
                            );
                        }
                    }
                }
                // `CREATE TABLE` declares the table too.
                for access in &found {
                    if text.to_ascii_lowercase().contains("create table")
                        && access.mode == AccessMode::Write
                    {
                        self.tables
                            .entry(access.table.clone())
                            .or_default()
                            .push((rel.clone(), literal.line));
                    }
                }
            }
        }
        // Tables declared in `.sql` files (migrations): known even when no code names them.
        for file in &self.workspace.sql_files {
            for statement_table in sql::tables_in_sql(&file.text).tables {
                let lower = file.text.to_ascii_lowercase();
                if statement_table.mode == AccessMode::Write && lower.contains("create table") {
                    let line = declaration_line(&file.text, &statement_table.table);
                    self.tables
                        .entry(statement_table.table.clone())
                        .or_default()
                        .push((file.rel_path.clone(), line));
                }
            }
        }
    }

    /// Paths into the modules diesel's `table!` generates.
    fn diesel(&mut self, include_tests: bool) {
        let resolved = self.resolved;
        // Declarations: every generated table module (not its `dsl` child).
        for module in &resolved.modules {
            if let Some(table) = &module.generated_table
                && module.name != "dsl"
            {
                let rel = self.workspace.file(module.file).rel_path.clone();
                self.tables.entry(table.clone()).or_default().push((rel, module.line));
            }
        }
        for data_ref in resolved.data_refs.iter().filter(|r| include_tests || !r.test_only) {
            let Some(table) = &resolved.module(data_ref.to).generated_table else { continue };
            // The schema module itself (joinable!, allow_tables_to_appear_in_same_query!) declares, not accesses.
            let declaring = resolved.module(data_ref.to).parent;
            if declaring == Some(data_ref.from)
                || declaring.and_then(|d| resolved.module(d).parent) == Some(data_ref.from)
            {
                continue;
            }
            let write = data_ref.arg_of.as_deref().is_some_and(|f| DIESEL_WRITES.contains(&f));
            let mode = if write { AccessMode::Write } else { AccessMode::Read };
            let table = table.clone();
            self.access(
                &table,
                data_ref.from,
                data_ref.from_item,
                mode,
                data_ref.file,
                data_ref.line,
                "diesel",
                false,
            );
        }
    }

    /// `#[diesel(table_name = ..)]` and `#[sea_orm(table_name = ..)]` tie a model type to its table.
    fn orm_attributes(&mut self, summaries: &[FileSummary], include_tests: bool) {
        let resolved = self.resolved;
        for (file_index, summary) in summaries.iter().enumerate() {
            let file = FileId(file_index as u32);
            let mut by_item: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
            for (item, text) in &summary.table_attributes {
                by_item.entry(*item).or_default().push(text);
            }
            for (local, texts) in by_item {
                let Some(item) = summary.items.get(local as usize) else { continue };
                if item.test_only && !include_tests {
                    continue;
                }
                let (table, via) = match texts
                    .iter()
                    .find_map(|t| diesel_schema::table_name_attribute(t))
                {
                    Some(table) => (table, "diesel model"),
                    None => match texts.iter().find_map(|t| diesel_schema::sea_orm_table_name(t)) {
                        Some(table) => (table, "sea-orm entity"),
                        None => continue,
                    },
                };
                let writes =
                    texts.iter().any(|t| t.contains("Insertable") || t.contains("AsChangeset"));
                let reads = texts.iter().any(|t| {
                    t.contains("Queryable")
                        || t.contains("Selectable")
                        || t.contains("FromRow")
                        || t.contains("DeriveEntityModel")
                });
                // A diesel path (`crate::schema::patients`) names the generated module; use its table name.
                let table = self.diesel_sql_name(&table).unwrap_or(table);
                for &module in resolved.locator.modules(file, item.scope) {
                    let id = resolved.locator.item(file, local, module, &resolved.items);
                    if via == "sea-orm entity" {
                        let rel = self.workspace.file(file).rel_path.clone();
                        self.tables.entry(table.clone()).or_default().push((rel, item.line));
                    }
                    if writes {
                        self.access(
                            &table,
                            module,
                            id,
                            AccessMode::Write,
                            file,
                            item.line,
                            via,
                            false,
                        );
                    }
                    if reads || !writes {
                        self.access(
                            &table,
                            module,
                            id,
                            AccessMode::Read,
                            file,
                            item.line,
                            via,
                            false,
                        );
                    }
                }
            }
        }
    }

    /// The database name of a diesel table given its Rust module name.
    fn diesel_sql_name(&self, rust_name: &str) -> Option<String> {
        self.resolved
            .modules
            .iter()
            .find(|m| m.name == rust_name && m.generated_table.is_some())
            .and_then(|m| m.generated_table.clone())
    }

    /// sea-orm: `entity::Entity::find()` reads; `insert`/`update`/`delete*`, `ActiveModel` saves write.
    fn sea_orm(&mut self, include_tests: bool) {
        let resolved = self.resolved;
        // Entity modules: those whose items carry a sea-orm table name, found by `orm_attributes` above.
        let entity_tables: BTreeMap<ModuleId, String> = self
            .accesses
            .iter()
            .filter(|(_, a)| a.via == "sea-orm entity")
            .map(|(table, a)| (a.module, table.clone()))
            .collect();
        for data_ref in resolved.data_refs.iter().filter(|r| include_tests || !r.test_only) {
            let Some(table) = entity_tables.get(&data_ref.to) else { continue };
            if data_ref.from == data_ref.to {
                continue;
            }
            let last = data_ref.path.last().map(Name::as_str).unwrap_or_default();
            let method = data_ref.receiver_of.as_deref().unwrap_or_default();
            let writes = [
                "insert",
                "insert_many",
                "update",
                "update_many",
                "delete",
                "delete_many",
                "delete_by_id",
                "save",
            ];
            let write = writes.contains(&last)
                || writes.contains(&method)
                || data_ref.path.iter().any(|s| s == "ActiveModel");
            let mode = if write { AccessMode::Write } else { AccessMode::Read };
            let table = table.clone();
            self.access(
                &table,
                data_ref.from,
                data_ref.from_item,
                mode,
                data_ref.file,
                data_ref.line,
                "sea-orm",
                false,
            );
        }
    }
}

/// `format!` holes (`{}`, `{0}`, `{name}`, `{:?}`) replaced by a SQL placeholder so the template parses.
fn fill_format_holes(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                res.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                res.push('}');
            }
            '{' => {
                for inner in chars.by_ref() {
                    if inner == '}' {
                        break;
                    }
                }
                res.push_str("NULL");
            }
            c => res.push(c),
        }
    }
    res
}

/// The 1-based line of `CREATE TABLE [IF NOT EXISTS] name` in a SQL file (1 when not found).
fn declaration_line(text: &str, table: &str) -> u32 {
    let table = table.to_ascii_lowercase();
    for (i, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        if lower.contains("create table") && lower.contains(&table) {
            return i as u32 + 1;
        }
    }
    1
}

/// Functions that open a transaction, with the tables their accesses touch.
fn transactions(
    summaries: &[FileSummary],
    resolved: &Resolved,
    accesses: &[Access],
    include_tests: bool,
) -> Vec<Transaction> {
    let mut by_site: BTreeMap<(ModuleId, Option<ItemId>), BTreeSet<usize>> = BTreeMap::new();
    for access in accesses.iter().filter(|a| a.kind == DataKind::Table) {
        by_site.entry((access.module, access.item)).or_default().insert(access.data);
    }
    // The references that open a transaction, per file: a scan of every reference, in parallel.
    let openers: Vec<Vec<&Reference>> = summaries
        .par_iter()
        .map(|summary| {
            let opens = |reference: &&Reference| match reference.kind {
                RefKind::MethodCall => summary
                    .path(reference)
                    .first()
                    .is_some_and(|m| TRANSACTION_OPENERS.contains(&m.as_str())),
                RefKind::Call => summary
                    .path(reference)
                    .last()
                    .is_some_and(|m| m == "transaction" || m == "build_transaction"),
                _ => false,
            };
            let kept = |reference: &&Reference| include_tests || !reference.test_only;
            summary.references.iter().filter(kept).filter(opens).collect()
        })
        .collect();
    let mut res: Vec<Transaction> = Vec::new();
    let mut seen: BTreeSet<(ModuleId, Option<ItemId>)> = BTreeSet::new();
    for (file_index, openers) in openers.into_iter().enumerate() {
        let file = FileId(file_index as u32);
        for reference in openers {
            for &module in resolved.locator.modules(file, reference.scope) {
                let item = reference
                    .from_item
                    .and_then(|l| resolved.locator.item(file, l, module, &resolved.items));
                if !seen.insert((module, item)) {
                    continue;
                }
                let tables = by_site
                    .get(&(module, item))
                    .map(|t| t.iter().copied().collect())
                    .unwrap_or_default();
                res.push(Transaction { module, item, file, line: reference.line, tables });
            }
        }
    }
    res.sort_by_key(|t| (t.file, t.line));
    res
}
