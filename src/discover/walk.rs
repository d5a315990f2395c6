//! Walking the repository like ripgrep does, with the `ignore` crate.
//!
//! Honours `.gitignore`/`.ignore` (even outside a git checkout) and skips hidden folders and the build output
//! (`target/` next to a `Cargo.toml`). Unlike ripgrep it leaves out the global excludes file of whoever runs
//! it (git's `core.excludesFile`): the report depends on the repository, not on the machine it is analysed
//! on (and reading git's configuration for it was a third of the walk's time on a small repository).
//! Symbolic links are not followed, so a link loop cannot trap the walk; a linked folder is reported as a
//! diagnostic instead of being read twice. Walk errors (permission denied, ...) become diagnostics: the walk
//! goes on.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;

/// The files of interest below the root, as `/`-separated paths relative to it, sorted.
#[derive(Debug, Default)]
pub(crate) struct WalkResult {
    pub(crate) rust_files: Vec<String>,
    pub(crate) manifests: Vec<String>,
    /// `.sql` files, which `sqlx::query_file!` and `include_str!` can load.
    pub(crate) sql_files: Vec<String>,
}

/// Walks below `root`; `found` is called with each `.rs` and `.sql` file as the walk meets it (in walk order,
/// before the lists are sorted), so that reading can start before the walk ends.
pub(crate) fn walk(
    root: &Path,
    diagnostics: &mut Diagnostics,
    mut found: impl FnMut(&str),
) -> WalkResult {
    let mut res = WalkResult::default();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .git_global(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| !is_build_output(entry.path()))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let message = err.to_string();
                diagnostics.warning("walk", "", 0, format!("skipped while walking: {message}"));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let Some(rel) = relative_path(root, entry.path()) else {
            continue;
        };
        if file_type.is_symlink() {
            if entry.path().is_dir() {
                diagnostics.warning(
                    "symlink",
                    rel,
                    0,
                    "symbolic link to a folder not followed (it could loop or lead outside the repository)",
                );
                continue;
            }
            if !entry.path().is_file() {
                diagnostics.warning("symlink", rel, 0, "broken symbolic link skipped");
                continue;
            }
        } else if !file_type.is_file() {
            continue;
        }
        if rel.ends_with(".rs") {
            found(&rel);
            res.rust_files.push(rel);
        } else if rel == "Cargo.toml" || rel.ends_with("/Cargo.toml") {
            res.manifests.push(rel);
        } else if rel.ends_with(".sql") {
            found(&rel);
            res.sql_files.push(rel);
        }
    }
    res.rust_files.sort();
    res.manifests.sort();
    res.sql_files.sort();
    res
}

/// `target/` beside a `Cargo.toml` is cargo's build output, even when no `.gitignore` says so.
fn is_build_output(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "target")
        && path.is_dir()
        && path.parent().is_some_and(|parent| parent.join("Cargo.toml").is_file())
}

/// `root/a/b.rs` → `a/b.rs`, with `/` separators on every platform.
pub(crate) fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(parts.join("/"))
}

/// Joins a `/`-separated relative folder and a relative path and normalises `.` and `..` logically.
/// Returns `None` when the result would leave the root.
pub(crate) fn join_normalized(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The folder part of a `/`-separated relative path (`a/b/c.rs` → `a/b`, `c.rs` → ``).
pub(crate) fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

pub(crate) fn absolute(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').filter(|p| !p.is_empty()).fold(root.to_path_buf(), |acc, part| acc.join(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_relative_joins() {
        assert_eq!(join_normalized("src/a", "../b.rs").as_deref(), Some("src/b.rs"));
        assert_eq!(join_normalized("", "./x/y.rs").as_deref(), Some("x/y.rs"));
        assert_eq!(join_normalized("src", "../../outside.rs"), None);
        assert_eq!(parent_dir("a/b/c.rs"), "a/b");
        assert_eq!(parent_dir("c.rs"), "");
    }
}
