//! Recoverable problems found while analysing, kept as data.
//!
//! A bad file never ends the run (ripgrep's rule): a syntax error, a non-UTF-8 file or a `mod` whose file is
//! missing becomes a [`Diagnostic`] that the report lists with its file and line. Only a problem that makes the
//! whole run impossible (no such input path, an unusable output folder) is an `Err`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem, located in the analysed repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the analysed root, `/`-separated; empty when the problem is not tied to a file.
    pub file: String,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: u32,
    pub severity: Severity,
    /// Short stable category (`syntax`, `encoding`, `missing-module`, ...), used to group and count.
    pub category: &'static str,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.line) {
            (true, _) => write!(f, "{}: {}", self.severity.as_str(), self.message),
            (false, 0) => write!(f, "{}: {}: {}", self.severity.as_str(), self.file, self.message),
            (false, line) => {
                write!(f, "{}: {}:{}: {}", self.severity.as_str(), self.file, line, self.message)
            }
        }
    }
}

/// The diagnostics of one run. Stages push into it; the report sorts it once at the end.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(
        &mut self,
        severity: Severity,
        category: &'static str,
        file: impl Into<String>,
        line: u32,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            file: file.into(),
            line,
            severity,
            category,
            message: message.into(),
        });
    }

    pub fn warning(
        &mut self,
        category: &'static str,
        file: impl Into<String>,
        line: u32,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, category, file, line, message);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// All diagnostics, sorted by file, line, severity and message, without exact duplicates.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }
}
