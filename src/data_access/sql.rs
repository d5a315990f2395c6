//! TEMPORARY STAND-IN (keyword scan only), replaced by the sqlparser-based implementation being written.

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
    pub tables: Vec<TableAccess>,
    pub parsed: bool,
}

pub fn looks_like_sql(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    (lower.starts_with("select ") && lower.contains(" from "))
        || lower.starts_with("insert into")
        || (lower.starts_with("update ") && lower.contains(" set "))
        || lower.starts_with("delete from")
        || lower.starts_with("create table")
}

pub fn tables_in_sql(sql: &str) -> SqlTables {
    SqlTables { tables: tables_in_fragment(sql), parsed: false }
}

pub fn tables_in_fragment(fragment: &str) -> Vec<TableAccess> {
    let words: Vec<String> = fragment
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut res = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let mode = match w.as_str() {
            "from" | "join" => AccessMode::Read,
            "into" | "update" | "table" => AccessMode::Write,
            _ => continue,
        };
        if let Some(next) = words.get(i + 1)
            && next.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !next.is_empty()
            && !["set", "select", "values", "if", "exists", "not"].contains(&next.as_str())
        {
            res.push(TableAccess { table: next.clone(), mode });
        }
    }
    res.sort();
    res.dedup();
    res
}
