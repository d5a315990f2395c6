//! How the code reaches its configuration and backing services: the input of the twelve-factor checks.
//!
//! Twelve-factor services keep config in the environment, reach backing services by URLs given to them, log
//! to stdout and hold no data on local disk. This module records the facts a reviewer needs to judge that,
//! each with file and line: environment reads; URLs, connection strings, hosts and ports written in code;
//! files on disk used for data or logs; clients of databases, caches, queues, object stores and HTTP
//! services; servers that bind a port; and signal handling (for graceful shutdown). It only records; the
//! risk rules decide what is a problem.
//!
//! Known blind spots: values read from a config file (not the environment) are not followed; a URL assembled
//! from parts at run time is not seen.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::extract::{FileSummary, Name, RefKind, StringLiteral};
use crate::resolve::{ItemId, ModuleId, Resolved};
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnvFactKind {
    /// `std::env::var("X")`, `dotenv()`, `envy::from_env()`.
    EnvRead,
    /// An `http(s)://` URL in code.
    HardcodedUrl,
    /// A database, cache or queue URL (or `host=.. user=..` string) in code.
    ConnectionString,
    /// An IP address, `localhost` or a port number given in code.
    HardcodedHost,
    /// A file or folder on local disk used for data.
    DataPath,
    /// Logs written to a file instead of stdout/stderr.
    LogFile,
    /// A client of a backing service (database, cache, queue, object store, HTTP).
    BackingClient,
    /// A server that binds a port.
    Server,
    /// Signal handling or a graceful-shutdown hook.
    SignalHandling,
}

impl EnvFactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvFactKind::EnvRead => "env-read",
            EnvFactKind::HardcodedUrl => "hardcoded-url",
            EnvFactKind::ConnectionString => "connection-string",
            EnvFactKind::HardcodedHost => "hardcoded-host",
            EnvFactKind::DataPath => "data-path",
            EnvFactKind::LogFile => "log-file",
            EnvFactKind::BackingClient => "backing-client",
            EnvFactKind::Server => "server",
            EnvFactKind::SignalHandling => "signal-handling",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvFact {
    pub file: FileId,
    pub line: u32,
    pub kind: EnvFactKind,
    pub module: ModuleId,
    pub item: Option<ItemId>,
    /// The variable, URL (password masked), path, crate or call.
    pub detail: String,
}

const DATABASE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "sqlite",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mongodb",
    "mongodb+srv",
    "kafka",
    "nats",
    "mssql",
    "sqlserver",
    "clickhouse",
    "cassandra",
    "memcached",
];
const WEB_SCHEMES: &[&str] = &["http", "https", "ws", "wss", "ftp", "sftp", "s3", "gs"];
const FILE_CALLS: &[&str] = &[
    "write",
    "create",
    "create_dir_all",
    "create_dir",
    "open",
    "read_to_string",
    "read",
    "append",
];
/// Crates that are clients of a backing service, with what they reach.
const CLIENT_CRATES: &[(&str, &str)] = &[
    ("sqlx", "database"),
    ("diesel", "database"),
    ("sea_orm", "database"),
    ("tokio_postgres", "database"),
    ("postgres", "database"),
    ("rusqlite", "database"),
    ("mysql", "database"),
    ("mysql_async", "database"),
    ("mongodb", "database"),
    ("redis", "cache"),
    ("deadpool_redis", "cache"),
    ("bb8_redis", "cache"),
    ("memcache", "cache"),
    ("lapin", "queue"),
    ("rdkafka", "queue"),
    ("async_nats", "queue"),
    ("nats", "queue"),
    ("rumqttc", "queue"),
    ("aws_sdk_s3", "object store"),
    ("rusoto_s3", "object store"),
    ("reqwest", "http"),
    ("ureq", "http"),
    ("surf", "http"),
    ("hyper", "http"),
    ("tonic", "grpc"),
    ("elasticsearch", "search"),
];
const COMPILE_TIME_MACROS: &[&str] = &[
    "include_str",
    "include_bytes",
    "migrate",
    "query_file",
    "query_file_as",
    "query_file_scalar",
    "embed_migrations",
];
const FILE_LOGGERS: &[&str] =
    &["tracing_appender", "log4rs", "fern", "simplelog", "flexi_logger", "file_rotate"];

/// Segments [`classify_reference`] looks for anywhere in a path, one bit each, so that a path is scanned once
/// (it is called for every reference, millions in a large code base, and almost none of them match).
mod segment {
    pub(super) const ENV: u8 = 1;
    /// `ctrl_c`, `with_graceful_shutdown`, `graceful_shutdown`, `ctrlc`, `signal_hook`.
    pub(super) const SIGNAL_NAME: u8 = 1 << 1;
    pub(super) const SIGNAL: u8 = 1 << 2;
    pub(super) const HTTP_SERVER: u8 = 1 << 3;
    pub(super) const SERVER: u8 = 1 << 4;
    pub(super) const TCP_LISTENER: u8 = 1 << 5;

    pub(super) fn flag(segment: &str) -> u8 {
        match segment {
            "env" => ENV,
            "ctrl_c" | "with_graceful_shutdown" | "graceful_shutdown" | "ctrlc" | "signal_hook" => {
                SIGNAL_NAME
            }
            "signal" => SIGNAL,
            "HttpServer" => HTTP_SERVER,
            "Server" => SERVER,
            "TcpListener" => TCP_LISTENER,
            _ => 0,
        }
    }
}

pub(super) fn analyze(
    summaries: &[FileSummary],
    resolved: &Resolved,
    include_tests: bool,
) -> Vec<EnvFact> {
    // Files are independent: classified in parallel, facts concatenated in file order.
    let per_file: Vec<Vec<EnvFact>> = summaries
        .par_iter()
        .enumerate()
        .map(|(file_index, summary)| {
            file_facts(FileId(file_index as u32), summary, resolved, include_tests)
        })
        .collect();
    let mut res: Vec<EnvFact> = per_file.into_iter().flatten().collect();
    // `env::var("X")` is one read: keep the variable's name, drop the call found at the same place.
    let named: BTreeSet<(FileId, u32)> = res
        .iter()
        .filter(|f| f.kind == EnvFactKind::EnvRead && !f.detail.contains("::"))
        .map(|f| (f.file, f.line))
        .collect();
    res.retain(|f| {
        !(f.kind == EnvFactKind::EnvRead
            && f.detail.contains("::")
            && named.contains(&(f.file, f.line)))
    });
    res.sort();
    res.dedup();
    res
}

/// The facts of one file.
fn file_facts(
    file: FileId,
    summary: &FileSummary,
    resolved: &Resolved,
    include_tests: bool,
) -> Vec<EnvFact> {
    let mut res = Vec::new();
    let sites = |scope, local: Option<u32>| -> Vec<(ModuleId, Option<ItemId>)> {
        resolved
            .locator
            .modules(file, scope)
            .iter()
            .map(|&m| (m, local.and_then(|l| resolved.locator.item(file, l, m, &resolved.items))))
            .filter(|(m, _)| resolved.module(*m).generated_table.is_none())
            .collect()
    };
    for literal in summary.literals.iter().filter(|l| include_tests || !l.test_only) {
        let Some((kind, detail)) = classify_literal(literal) else { continue };
        for (module, item) in sites(literal.scope, literal.from_item) {
            res.push(EnvFact {
                file,
                line: literal.line,
                kind,
                module,
                item,
                detail: detail.clone(),
            });
        }
    }
    let mut clients_seen: BTreeSet<(u32, String)> = BTreeSet::new();
    for reference in summary.references.iter().filter(|r| include_tests || !r.test_only) {
        let Some((kind, detail)) = classify_reference(summary.path(reference), reference.kind)
        else {
            continue;
        };
        // One client fact per crate and scope is enough evidence; more would flood the report.
        if kind == EnvFactKind::BackingClient
            && !clients_seen.insert((reference.scope, crate_of(&detail).to_owned()))
        {
            continue;
        }
        for (module, item) in sites(reference.scope, reference.from_item) {
            res.push(EnvFact {
                file,
                line: reference.line,
                kind,
                module,
                item,
                detail: detail.clone(),
            });
        }
    }
    res
}

fn crate_of(detail: &str) -> &str {
    detail.split(' ').next().unwrap_or(detail)
}

fn classify_literal(literal: &StringLiteral) -> Option<(EnvFactKind, String)> {
    let value = literal.value.trim();
    let arg_of = literal.arg_of.as_deref();
    if matches!(arg_of, Some("var" | "var_os")) {
        return Some((EnvFactKind::EnvRead, value.to_owned()));
    }
    if let Some((scheme, rest)) = value.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        let valid =
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+');
        if valid && !rest.is_empty() && !rest.starts_with('{') {
            if DATABASE_SCHEMES.contains(&scheme.as_str()) {
                return Some((EnvFactKind::ConnectionString, mask_password(value)));
            }
            if WEB_SCHEMES.contains(&scheme.as_str()) {
                return Some((EnvFactKind::HardcodedUrl, mask_password(value)));
            }
        }
    }
    let lower = value.to_ascii_lowercase();
    if lower.contains("host=")
        && (lower.contains("user=") || lower.contains("password=") || lower.contains("dbname="))
    {
        return Some((
            EnvFactKind::ConnectionString,
            "host=… (libpq connection string)".to_owned(),
        ));
    }
    if lower.ends_with(".log") {
        return Some((EnvFactKind::LogFile, value.to_owned()));
    }
    if is_host(value) {
        let how = arg_of.map(|f| format!(" ({f})")).unwrap_or_default();
        return Some((EnvFactKind::HardcodedHost, format!("{value}{how}")));
    }
    // A macro's own argument (`write!(f, "..")`) is no file call; compile-time paths (`include_str!`,
    // `sqlx::migrate!`) name no run-time data.
    let macro_argument = literal.in_macro.is_some() && literal.in_macro == literal.arg_of;
    if literal.in_macro.as_deref().is_some_and(|m| COMPILE_TIME_MACROS.contains(&m)) {
        return None;
    }
    let in_file_call = !macro_argument && arg_of.is_some_and(|f| FILE_CALLS.contains(&f));
    if (in_file_call || looks_like_file_path(value))
        && !value.contains(' ')
        && !value.is_empty()
        && !lower.ends_with(".sql")
    {
        return Some((EnvFactKind::DataPath, value.to_owned()));
    }
    None
}

/// A path on a local file system, not a URL route: relative (`./data`, `../x`, `~/x`), under a folder that
/// holds data on Unix systems (`/var/..`, `/tmp/..`, `/data/..`), or ending in a file extension. Route
/// templates (`/books/{id}`, `/api/v1/orders`) are not paths.
fn looks_like_file_path(value: &str) -> bool {
    const DATA_ROOTS: &[&str] =
        &["/var/", "/tmp/", "/data/", "/srv/", "/opt/", "/home/", "/mnt/", "/etc/", "/usr/"];
    if value.contains('{') || value.contains(':') {
        return false;
    }
    if value.starts_with("./") || value.starts_with("../") || value.starts_with("~/") {
        return true;
    }
    if DATA_ROOTS.iter().any(|root| value.starts_with(root)) {
        return true;
    }
    let last = value.rsplit('/').next().unwrap_or_default();
    value.starts_with('/')
        && last.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && (2..=4).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// `0.0.0.0`, `127.0.0.1:8080`, `localhost:3000`, `10.1.2.3`.
fn is_host(value: &str) -> bool {
    let host = value.rsplit_once(':').map_or(value, |(h, port)| {
        if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) { h } else { value }
    });
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

fn classify_reference(path: &[Name], kind: RefKind) -> Option<(EnvFactKind, String)> {
    let first = path.first()?.as_str();
    let last = path.last()?.as_str();
    // Called for every reference (millions): the joined path is built only for a fact.
    let joined = || path.join("::");
    let seen = path.iter().fold(0, |seen, s| seen | segment::flag(s));
    let has = |flag: u8| seen & flag != 0;
    if kind == RefKind::Call && (has(segment::ENV) && matches!(last, "var" | "var_os" | "vars")) {
        return Some((EnvFactKind::EnvRead, joined()));
    }
    if kind == RefKind::Call && matches!(first, "dotenv" | "dotenvy" | "envy") {
        return Some((EnvFactKind::EnvRead, joined()));
    }
    if has(segment::SIGNAL_NAME)
        || (has(segment::SIGNAL) && matches!(first, "tokio" | "signal" | "async_std"))
    {
        return Some((EnvFactKind::SignalHandling, joined()));
    }
    if kind == RefKind::MethodCall
        && matches!(first, "with_graceful_shutdown" | "shutdown_timeout" | "graceful_shutdown")
    {
        return Some((EnvFactKind::SignalHandling, joined()));
    }
    if FILE_LOGGERS.contains(&first) {
        return Some((EnvFactKind::LogFile, format!("{first} (file logger)")));
    }
    let server = has(segment::HTTP_SERVER)
        || (first == "axum" && last == "serve")
        || (has(segment::SERVER) && matches!(last, "bind" | "try_bind"))
        || (first == "rocket" && matches!(last, "build" | "ignite" | "launch"))
        || (first == "warp" && last == "serve")
        || (has(segment::TCP_LISTENER) && last == "bind");
    if server && kind == RefKind::Call {
        return Some((EnvFactKind::Server, joined()));
    }
    if path.len() > 1
        && let Some((name, what)) = CLIENT_CRATES.iter().find(|(name, _)| *name == first)
    {
        return Some((EnvFactKind::BackingClient, format!("{name} ({what})")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(value: &str, arg_of: Option<&str>) -> Option<String> {
        let literal = StringLiteral {
            scope: 0,
            from_item: None,
            line: 1,
            value: value.to_owned(),
            arg_of: arg_of.map(Name::new),
            in_macro: None,
            test_only: false,
        };
        classify_literal(&literal).map(|(kind, detail)| format!("{} {detail}", kind.as_str()))
    }

    #[test]
    fn literals() {
        assert_eq!(literal("DATABASE_URL", Some("var")).as_deref(), Some("env-read DATABASE_URL"));
        assert_eq!(
            literal("postgres://shop:secret@localhost:5432/shop", None).as_deref(),
            Some("connection-string postgres://shop:***@localhost:5432/shop")
        );
        assert_eq!(
            literal("https://api.example.com/v1/charges", None).as_deref(),
            Some("hardcoded-url https://api.example.com/v1/charges")
        );
        assert_eq!(
            literal("0.0.0.0", Some("bind")).as_deref(),
            Some("hardcoded-host 0.0.0.0 (bind)")
        );
        assert_eq!(
            literal("/var/log/app/shipping.log", None).as_deref(),
            Some("log-file /var/log/app/shipping.log")
        );
        assert_eq!(
            literal("./data/covers", Some("create_dir_all")).as_deref(),
            Some("data-path ./data/covers")
        );
        // Not facts: prose, a format template, SQL files (loaded by the SQL rules).
        assert_eq!(literal("select a shipping method", None), None);
        assert_eq!(literal("{}://{}", None), None);
        assert_eq!(literal("migrations/001.sql", Some("open")), None);
        // Macro arguments and compile-time paths are not data.
        let in_macro = |value: &str, name: &str| {
            let literal = StringLiteral {
                scope: 0,
                from_item: None,
                line: 1,
                value: value.to_owned(),
                arg_of: Some(Name::new(name)),
                in_macro: Some(Name::new(name)),
                test_only: false,
            };
            classify_literal(&literal)
        };
        assert_eq!(in_macro("{msg}", "write"), None);
        assert_eq!(in_macro("./migrations", "migrate"), None);
        // Routes are not files.
        assert_eq!(literal("/books/{id}", Some("route")), None);
        assert_eq!(literal("/api/v1/orders", Some("route")), None);
        assert_eq!(
            literal("/var/lib/app/data.db", None).as_deref(),
            Some("data-path /var/lib/app/data.db")
        );
    }

    #[test]
    fn references() {
        let fact = |path: &[&str], kind| {
            let path: Vec<Name> = path.iter().map(Name::new).collect();
            classify_reference(&path, kind).map(|(k, d)| format!("{} {d}", k.as_str()))
        };
        assert_eq!(
            fact(&["std", "env", "var"], RefKind::Call).as_deref(),
            Some("env-read std::env::var")
        );
        assert_eq!(
            fact(&["tokio", "signal", "ctrl_c"], RefKind::Call).as_deref(),
            Some("signal-handling tokio::signal::ctrl_c")
        );
        assert_eq!(fact(&["axum", "serve"], RefKind::Call).as_deref(), Some("server axum::serve"));
        assert_eq!(
            fact(&["HttpServer", "new"], RefKind::Call).as_deref(),
            Some("server HttpServer::new")
        );
        assert_eq!(
            fact(&["reqwest", "Client"], RefKind::Type).as_deref(),
            Some("backing-client reqwest (http)")
        );
        assert_eq!(fact(&["Vec", "new"], RefKind::Call), None);
    }
}
