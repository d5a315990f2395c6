//! The one integration-test binary (see matklad's "Delete Cargo Integration Tests"): end-to-end checks that
//! run the real `decompose` binary or the library's whole pipeline.

#![allow(clippy::unwrap_used, clippy::disallowed_methods, clippy::print_stderr)]

mod bad_input;
mod browser;
mod cli;
mod robustness;
mod samples;
mod synthetic;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The outcome of one run of the binary, printed in one block so a failing assertion shows everything.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `decompose` with `args` in `cwd`.
pub(crate) fn run(cwd: &Path, args: &[&str]) -> Run {
    let output =
        Command::new(env!("CARGO_BIN_EXE_decompose")).args(args).current_dir(cwd).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Writes a multi-file fixture (`//- /path` headers) below `root`.
pub(crate) fn write_fixture(root: &Path, fixture: &str) {
    let mut current: Option<(String, String)> = None;
    let mut files = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("//- /") {
            files.extend(current.take());
            current = Some((path.trim().to_owned(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    files.extend(current);
    for (path, text) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

/// Every file below `root`, relative and sorted (to check that nothing was written where it should not be).
pub(crate) fn list_files(root: &Path) -> Vec<PathBuf> {
    let mut res = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                res.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    res.sort();
    res
}

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
