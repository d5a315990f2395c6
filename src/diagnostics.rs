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

/// How many examples [`grouped_text`] shows per category.
pub const EXAMPLES_PER_GROUP: usize = 3;

/// Diagnostics of one severity and category, counted: a run over a large repository can find thousands of
/// syntax errors, which the report lists one by one and the terminal only summarises.
#[derive(Debug)]
pub struct Group<'a> {
    pub severity: Severity,
    pub category: &'static str,
    pub count: usize,
    /// Distinct files concerned (problems not tied to a file are not counted).
    pub files: usize,
    /// The first diagnostics in the given order, one per file as far as possible, at most `examples`.
    pub examples: Vec<&'a Diagnostic>,
}

/// Groups diagnostics by severity and category: the most severe first, then the most frequent, then by name,
/// so the order is stable. Examples follow the order of `diagnostics` (the report's: by file and line).
pub fn group(diagnostics: &[Diagnostic], examples: usize) -> Vec<Group<'_>> {
    let mut by_kind: std::collections::BTreeMap<(Severity, &'static str), Vec<&Diagnostic>> =
        std::collections::BTreeMap::new();
    for diagnostic in diagnostics {
        by_kind.entry((diagnostic.severity, diagnostic.category)).or_default().push(diagnostic);
    }
    let mut groups: Vec<Group<'_>> = by_kind
        .into_iter()
        .map(|((severity, category), members)| {
            let files: std::collections::BTreeSet<&str> =
                members.iter().map(|d| d.file.as_str()).filter(|f| !f.is_empty()).collect();
            // Prefer one example per file: three syntax errors on neighbouring lines say less than three files.
            let mut shown: Vec<&Diagnostic> = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for &d in &members {
                if shown.len() < examples && (d.file.is_empty() || seen.insert(d.file.as_str())) {
                    shown.push(d);
                }
            }
            for &d in &members {
                if shown.len() < examples && !shown.iter().any(|s| std::ptr::eq(*s, d)) {
                    shown.push(d);
                }
            }
            shown.sort();
            Group { severity, category, count: members.len(), files: files.len(), examples: shown }
        })
        .collect();
    groups.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.count), a.category).cmp(&(
            b.severity,
            std::cmp::Reverse(b.count),
            b.category,
        ))
    });
    groups
}

/// The account of a run's diagnostics for the terminal, one paragraph per category of at least
/// `min_severity`: a lone diagnostic as it is, several as a counted line and their first few, indented.
/// Empty when there is nothing to say.
pub fn grouped_text(diagnostics: &[Diagnostic], min_severity: Severity) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for group in group(diagnostics, EXAMPLES_PER_GROUP) {
        if group.severity > min_severity {
            continue;
        }
        if let [only] = group.examples[..]
            && group.count == 1
        {
            let _ = writeln!(out, "{}", shorten(&only.to_string()));
            continue;
        }
        let severity = group.severity.as_str();
        // "12 dynamic-sql notes" reads better than "12 dynamic-sql infos".
        let noun = if group.severity == Severity::Info { "note" } else { severity };
        let plural = if group.count == 1 { "" } else { "s" };
        let _ =
            write!(out, "{severity}: {} {} {noun}{plural}", thousands(group.count), group.category);
        if group.files > 0 {
            let files = if group.files == 1 { "file" } else { "files" };
            let _ = write!(out, " in {} {files}", thousands(group.files));
        }
        if group.count > group.examples.len() {
            let _ = writeln!(out, ", all in the report; the first:");
        } else {
            let _ = writeln!(out, ":");
        }
        for example in &group.examples {
            let location = match (example.file.is_empty(), example.line) {
                (true, _) => String::new(),
                (false, 0) => format!("{}: ", example.file),
                (false, line) => format!("{}:{line}: ", example.file),
            };
            let _ = writeln!(out, "    {}", shorten(&format!("{location}{}", example.message)));
        }
    }
    out.trim_end().to_owned()
}

/// At most 200 characters, so that one long message (a list of examples) cannot flood the terminal.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `1204` → `1,204`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    fn diagnostics(lines: &[(Severity, &'static str, &str, u32, &str)]) -> Vec<Diagnostic> {
        let mut all = Diagnostics::default();
        for &(severity, category, file, line, message) in lines {
            all.push(severity, category, file, line, message);
        }
        all.into_sorted()
    }

    #[test]
    fn groups_by_category_with_counts_and_one_example_per_file() {
        let mut lines = vec![
            (
                Severity::Warning,
                "missing-module",
                "src/main.rs",
                3,
                "file not found for module `a`",
            ),
            (
                Severity::Warning,
                "missing-module",
                "src/main.rs",
                4,
                "file not found for module `b`",
            ),
            (Severity::Warning, "read", "src/latin1.rs", 0, "not valid UTF-8"),
            (Severity::Warning, "walk", "", 0, "skipped while walking: permission denied"),
            (Severity::Info, "dynamic-sql", "src/db.rs", 9, "SQL built at run time"),
        ];
        for file in 0..1_500 {
            lines.push((
                Severity::Error,
                "syntax",
                ["src/a.rs", "src/b.rs", "src/c.rs", "src/d.rs"][file % 4],
                file as u32 + 1,
                "expected SEMICOLON",
            ));
        }
        let all = diagnostics(&lines);
        expect![[r#"
            error: 1,500 syntax errors in 4 files, all in the report; the first:
                src/a.rs:1: expected SEMICOLON
                src/b.rs:2: expected SEMICOLON
                src/c.rs:3: expected SEMICOLON
            warning: 2 missing-module warnings in 1 file:
                src/main.rs:3: file not found for module `a`
                src/main.rs:4: file not found for module `b`
            warning: src/latin1.rs: not valid UTF-8
            warning: skipped while walking: permission denied"#]]
        .assert_eq(&grouped_text(&all, Severity::Warning));
        assert!(
            grouped_text(&all, Severity::Info)
                .ends_with("info: src/db.rs:9: SQL built at run time")
        );
        assert_eq!(grouped_text(&[], Severity::Info), "");
    }

    #[test]
    fn long_messages_are_shortened_and_numbers_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let long = "é".repeat(300);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 201);
        assert!(short.ends_with('…'));
    }
}
