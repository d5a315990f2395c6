//! The command line: clap derive types, and their conversion into a [`Config`].
//!
//! Doc comments on the fields are the `--help` text. Usage errors exit with code 2 (clap's convention), analysis
//! errors with code 1; `main.rs` decides exit codes, this module only describes the interface.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::{Boundaries, Config, Format};

/// Reads a Rust monolith and proposes where its service boundaries are.
///
/// decompose parses every crate of a repository into a module dependency graph, clusters it into proposed
/// services and writes a self-contained HTML report and a JSON report with the evidence behind each proposal.
#[derive(Debug, Parser)]
#[command(name = "decompose", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse a repository and write the report (index.html, report.json, ...).
    Analyze(AnalyzeArgs),
    /// Analyse a repository and fail (exit code 3) when its risks exceed the budgets of decompose.toml
    /// `[check]` (default: no high-severity risk). Prints a compact summary fit for a CI log.
    Check(AnalyzeArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The repository to analyse: one crate, a Cargo workspace, or a folder holding several crates.
    pub path: PathBuf,

    /// Folder for the report files [default: reports/<name of the analysed repository>].
    /// It is created if missing; nothing is written outside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Report formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Html, Format::Json])]
    pub format: Vec<Format>,

    /// Steer the proposal toward this many services (the closest decomposition the clustering finds).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub services: Option<u32>,

    /// Which split to judge: the clustering's proposal, the existing crates (every package a service), or
    /// the services declared in decompose.toml.
    #[arg(long, value_enum, default_value_t = Boundaries::Proposed)]
    pub boundaries: Boundaries,

    /// Keep test-only code (#[cfg(test)] modules, tests/, benches/, examples/) in the service proposal.
    #[arg(long)]
    pub include_tests: bool,

    /// The steering file [default: decompose.toml in the analysed folder, if there is one]: signal weights,
    /// pinned services, keep-together and keep-apart constraints, exclusions.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Number of threads for parsing [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,

    /// Print nothing but errors: no progress bars, no diagnostics, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Also print how long each stage took and the informational diagnostics (on stderr).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

impl AnalyzeArgs {
    /// The validated configuration; the default output folder is `reports/<name>` under the current directory.
    /// Fails when `decompose.toml` cannot be read or is not valid.
    pub fn to_config(&self) -> anyhow::Result<Config> {
        let out_dir = match &self.out {
            Some(dir) => dir.clone(),
            None => Path::new("reports").join(default_report_name(&self.path)),
        };
        let mut formats = self.format.clone();
        formats.sort();
        formats.dedup();
        Ok(Config {
            input: self.path.clone(),
            out_dir,
            formats,
            target_services: self.services.map(|n| n as usize),
            include_tests: self.include_tests,
            jobs: self.jobs.map(|n| n as usize),
            project: crate::config::load_project(&self.path, self.config.as_deref())?,
            boundaries: self.boundaries,
        })
    }
}

/// The name of the analysed repository: the last component of its path (after resolving `.` and `..`).
fn default_report_name(path: &Path) -> String {
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    resolved
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "repository".to_owned())
}
