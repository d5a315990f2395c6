//! Fixtures → dump of tables, accesses, transactions, state and environment facts.

use expect_test::{Expect, expect};

use crate::data_access::DataKind;
use crate::diagnostics::Diagnostics;
use crate::test_fixture::{fixture_config, write_fixture};

fn check(fixture: &str, expect: Expect) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_fixture(dir.path(), fixture);
    let config = fixture_config(dir.path());
    let mut diagnostics = Diagnostics::default();
    let Ok(workspace) = crate::discover::discover(&config, &mut diagnostics) else {
        panic!("discover failed")
    };
    let summaries = crate::parse_and_extract(&workspace, &mut diagnostics);
    let resolved = crate::resolve::resolve(&workspace, &summaries, &mut diagnostics);
    let sql = super::parse_sql(&workspace, &summaries, false);
    let data = super::analyze(&workspace, &summaries, sql, &resolved, false, &mut diagnostics);
    let mut out = String::new();
    for table in &data.tables {
        out.push_str(&format!("table {}\n", table.name));
    }
    for state in &data.state {
        out.push_str(&format!("state {} ({})\n", state.path, state.kind.as_str()));
    }
    for access in &data.accesses {
        let name = match access.kind {
            DataKind::Table => data.tables[access.data].name.clone(),
            DataKind::State => data.state[access.data].path.clone(),
        };
        let mode = match access.mode {
            super::AccessMode::Read => "read",
            super::AccessMode::Write => "write",
        };
        let item = access.item.map(|i| resolved.item(i).name.clone()).unwrap_or_default();
        let dynamic = if access.dynamic { " dynamic" } else { "" };
        out.push_str(&format!(
            "{mode} {name} by {}::{item} at {}:{} via {}{dynamic}\n",
            resolved.module(access.module).path,
            workspace.file(access.file).rel_path,
            access.line,
            access.via
        ));
    }
    for tx in &data.transactions {
        let item = tx.item.map(|i| resolved.item(i).name.clone()).unwrap_or_default();
        let tables: Vec<&str> = tx.tables.iter().map(|&t| data.tables[t].name.as_str()).collect();
        out.push_str(&format!("transaction {item} [{}]\n", tables.join(", ")));
    }
    for fact in &data.environment {
        out.push_str(&format!(
            "env {} {} at line {}\n",
            fact.kind.as_str(),
            fact.detail,
            fact.line
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn sql_in_literals_consts_concat_and_format() {
    check(
        r##"
//- /Cargo.toml
[package]
name = "shop"
edition = "2021"
//- /src/lib.rs
const FIND: &str = "SELECT id, total FROM orders WHERE id = $1";
pub async fn find(pool: &Pool) { sqlx::query(FIND).fetch_one(pool).await; }
pub async fn place(pool: &Pool) {
    let mut tx = pool.begin().await?;
    sqlx::query(r#"INSERT INTO orders (id) VALUES ($1)"#).execute(&mut *tx).await;
    sqlx::query(concat!("UPDATE stock_levels ", "SET qty = qty - 1 WHERE book_id = $1")).execute(&mut *tx).await;
    tx.commit().await?;
}
pub fn sorted(column: &str) -> String { format!("SELECT * FROM books ORDER BY {}", column) }
pub fn prose() -> &'static str { "Please select a time slot from the list" }
// sqlx::query("DELETE FROM customers")
"##,
        expect![[r#"
            table books
            table orders
            table stock_levels
            read books by shop::sorted at src/lib.rs:9 via format dynamic
            read orders by shop::find at src/lib.rs:2 via query
            write orders by shop::place at src/lib.rs:5 via query
            write stock_levels by shop::place at src/lib.rs:6 via query
            transaction place [orders, stock_levels]
            env backing-client sqlx (database) at line 2
        "#]],
    );
}

#[test]
fn diesel_schema_paths_and_models() {
    check(
        r#"
//- /Cargo.toml
[package]
name = "clinic"
edition = "2021"
//- /src/lib.rs
pub mod schema;
pub mod repo;
pub mod model;
//- /src/schema.rs
diesel::table! {
    #[sql_name = "patient_records"]
    patients (id) {
        id -> Int4,
        name -> Text,
    }
}
diesel::table! {
    invoices (id) {
        id -> Int4,
        patient_id -> Int4,
    }
}
//- /src/model.rs
#[derive(Queryable, Insertable)]
#[diesel(table_name = crate::schema::invoices)]
pub struct Invoice { pub id: i32 }
//- /src/repo.rs
use crate::schema::patients;
use crate::schema::invoices::dsl::*;
pub fn load(conn: &mut PgConnection) { patients::table.load::<Patient>(conn); }
pub fn bill(conn: &mut PgConnection) {
    conn.transaction(|conn| {
        diesel::insert_into(invoices).values(&new).execute(conn)?;
        diesel::update(patients::table.find(1)).set(patients::name.eq("x")).execute(conn)
    });
}
"#,
        expect![[r#"
            table invoices
            table patient_records
            write invoices by clinic::repo::bill at src/repo.rs:6 via diesel
            read invoices by clinic::model::Invoice at src/model.rs:3 via diesel model
            write invoices by clinic::model::Invoice at src/model.rs:3 via diesel model
            read patient_records by clinic::repo::load at src/repo.rs:3 via diesel
            read patient_records by clinic::repo::bill at src/repo.rs:7 via diesel
            write patient_records by clinic::repo::bill at src/repo.rs:7 via diesel
            transaction bill [invoices, patient_records]
            env backing-client diesel (database) at line 6
            env backing-client diesel (database) at line 1
        "#]],
    );
}

#[test]
fn shared_state_and_environment() {
    check(
        r#"
//- /Cargo.toml
[package]
name = "app"
edition = "2021"
//- /src/main.rs
use std::sync::atomic::{AtomicU64, Ordering};
mod cache;
static HITS: AtomicU64 = AtomicU64::new(0);
static PAGE_SIZE: u32 = 20;
lazy_static::lazy_static! {
    static ref SESSIONS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());
}
#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or("postgres://app:secret@localhost/app".into());
    HITS.fetch_add(1, Ordering::Relaxed);
    let n = PAGE_SIZE;
    let s = SESSIONS.read();
    cache::warm();
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await;
    axum::serve(listener, app).await;
}
//- /src/cache.rs
use std::sync::Mutex;
pub static CACHE: Mutex<Vec<u8>> = Mutex::new(Vec::new());
pub fn warm() { CACHE.lock().push(1); std::fs::write("./data/cache.bin", b""); }
"#,
        expect![[r#"
            state app::HITS (atomic)
            state app::SESSIONS (lock)
            state app::cache::CACHE (lock)
            write app::HITS by app::HITS at src/main.rs:3 via definition
            write app::HITS by app::main at src/main.rs:11 via fetch_add
            write app::SESSIONS by app::SESSIONS at src/main.rs:6 via definition
            read app::SESSIONS by app::main at src/main.rs:13 via read
            write app::cache::CACHE by app::cache::CACHE at src/cache.rs:2 via definition
            write app::cache::CACHE by app::cache::warm at src/cache.rs:3 via lock
            env data-path ./data/cache.bin at line 3
            env env-read DATABASE_URL at line 10
            env connection-string postgres://app:***@localhost/app at line 10
            env hardcoded-host 0.0.0.0:8080 (bind) at line 15
            env server tokio::net::TcpListener::bind at line 15
            env server axum::serve at line 16
        "#]],
    );
}

#[test]
fn query_files_and_sea_orm_entities() {
    // Hits: `query_file!` loads SQL from a file next to the crate; `include_str!` from next to the source;
    // sea-orm entity reads (`find_by_id`) and writes (`insert`, `ActiveModel`). Near-miss: a `query_file!`
    // whose file does not exist names no table.
    check(
        r#"
//- /Cargo.toml
[package]
name = "shop"
edition = "2021"
//- /queries/stock.sql
UPDATE stock SET qty = qty - 1 WHERE book_id = $1
//- /src/archive.sql
INSERT INTO archive (id) SELECT id FROM orders WHERE closed
//- /src/lib.rs
pub mod entities;
pub mod repo;
pub async fn take(pool: &Pool) { sqlx::query_file!("queries/stock.sql", 1).execute(pool).await; }
pub async fn gone(pool: &Pool) { sqlx::query_file!("queries/missing.sql").execute(pool).await; }
pub async fn archive(pool: &Pool) { sqlx::query(include_str!("archive.sql")).execute(pool).await; }
//- /src/entities.rs
pub mod customer {
    #[derive(Clone, Debug, DeriveEntityModel)]
    #[sea_orm(table_name = "customers")]
    pub struct Model { pub id: i32 }
}
//- /src/repo.rs
use crate::entities::customer;
pub async fn load(db: &Db) { customer::Entity::find_by_id(1).one(db).await; }
pub async fn add(db: &Db) { customer::Entity::insert(customer::ActiveModel { ..Default::default() }).exec(db).await; }
"#,
        expect![[r#"
            table archive
            table customers
            table orders
            table stock
            write archive by shop::archive at src/lib.rs:5 via include_str
            read customers by shop::repo::load at src/repo.rs:2 via sea-orm
            write customers by shop::repo::add at src/repo.rs:3 via sea-orm
            read customers by shop::entities::customer::Model at src/entities.rs:4 via sea-orm entity
            read orders by shop::archive at src/lib.rs:5 via include_str
            write stock by shop::take at src/lib.rs:3 via query_file
            env backing-client sqlx (database) at line 3
        "#]],
    );
}
