//! The validated options every stage may read.
//!
//! `cli.rs` turns what the user typed into a [`Config`] once; stages take `&Config` (or the part they need)
//! instead of long parameter lists. There is deliberately no `Default`: the caller has the context.

use std::path::PathBuf;

/// Output formats of the report stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// `index.html`: the self-contained review report.
    Html,
    /// `report.json`: the machine-readable contract (schema_version 1).
    Json,
    /// `modules.dot`: the module graph clustered by proposed service, for Graphviz.
    Dot,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The repository, crate or folder to analyse (as the user gave it; canonicalised by `discover`).
    pub input: PathBuf,
    /// Folder the report files are written to; nothing is written anywhere else.
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    /// Steer the clustering toward this many services.
    pub target_services: Option<usize>,
    /// Keep test-only code (`#[cfg(test)]` modules, `tests/`, `benches/`, `examples/`) in the proposal.
    pub include_tests: bool,
    /// Threads for the per-file stages; `None` means all cores.
    pub jobs: Option<usize>,
}
