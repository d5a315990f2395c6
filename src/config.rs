//! The validated options every stage may read.
//!
//! `cli.rs` turns what the user typed into a [`Config`] once; stages take `&Config` (or the part they need)
//! instead of long parameter lists. There is deliberately no `Default`: the caller has the context.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Output formats of the report stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// `index.html`: the self-contained review report.
    Html,
    /// `report.json`: the machine-readable contract (schema_version 1).
    Json,
    /// `modules.dot` and `services.dot`: the module graph clustered by service, and the service graph.
    Dot,
    /// `summary.md`: a Markdown summary sized for a pull-request comment.
    Md,
    /// `services.mmd`: the service graph as a Mermaid flowchart.
    Mermaid,
    /// `decompose.sarif`: the risks as SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// Which split the analysis judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Boundaries {
    /// The clustering's proposal.
    Proposed,
    /// Every Cargo package of the workspace is a service: the split a team already has.
    Crates,
    /// The services declared in decompose.toml (`[[service]]` module globs): the split a team intends.
    Config,
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
    /// `decompose.toml` (from `--config`, or the analysed folder), or the defaults.
    pub project: ProjectConfig,
    pub boundaries: Boundaries,
}

/// `decompose.toml`: the team's steering of the analysis. Every section is optional.
///
/// ```toml
/// [signals]            # weights of the coupling signals; 0 switches one off
/// structural = 1.0
/// data = 1.0
/// semantic = 0.5
///
/// [[service]]          # pin modules (globs over module ids, `*` one segment, `**` any depth) to a named service
/// name = "Billing"
/// modules = ["shop::*::billing", "shop::models::invoice"]
///
/// [[keep_together]]    # these modules end in one service
/// modules = ["shop::handlers::cart", "shop::services::checkout"]
///
/// [[keep_apart]]       # these two sets never share a service
/// a = ["shop::**::orders"]
/// b = ["shop::**::payments"]
///
/// [exclude]            # generated code, vendored code, tools: kept out of the proposal
/// modules = ["shop::generated::**"]
/// ```
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    #[serde(default)]
    pub signals: Signals,
    #[serde(default, rename = "service")]
    pub services: Vec<DeclaredService>,
    #[serde(default)]
    pub keep_together: Vec<KeepTogether>,
    #[serde(default)]
    pub keep_apart: Vec<KeepApart>,
    #[serde(default)]
    pub exclude: Exclude,
    #[serde(default)]
    pub risks: RiskThresholds,
    #[serde(default)]
    pub check: CheckBudgets,
}

/// Thresholds of the risk rules (`[risks]` in `decompose.toml`), each with a documented default.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskThresholds {
    /// `chatty-boundary`: calls between two services (both directions) from which the boundary is chatty.
    pub chatty_calls: u32,
    /// `shared-domain-type`: other services that use a domain type before it is a shared kernel.
    pub shared_type_services: usize,
    /// `hub-service`: share of the other services that depend on one service.
    pub hub_dependents_share: f64,
    /// `hub-service`: share of all code lines held by one service.
    pub hub_code_share: f64,
    /// `sync-call-chain`: service hops in a chain of synchronous calls before it is flagged.
    pub call_chain_hops: usize,
}

impl Default for RiskThresholds {
    fn default() -> Self {
        RiskThresholds {
            chatty_calls: 20,
            shared_type_services: 3,
            hub_dependents_share: 0.5,
            hub_code_share: 0.4,
            call_chain_hops: 3,
        }
    }
}

/// Budgets for `decompose check` (`[check]`): the most risks of each severity a split may have.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckBudgets {
    pub max_high: usize,
    pub max_medium: usize,
    pub max_low: usize,
}

impl Default for CheckBudgets {
    fn default() -> Self {
        CheckBudgets { max_high: 0, max_medium: usize::MAX, max_low: usize::MAX }
    }
}

/// Weights of the coupling signals the clustering combines.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    /// References between modules (calls, types, impls, imports, ...), log-scaled per kind.
    #[serde(default = "one")]
    pub structural: f64,
    /// Shared tables and shared state (writes weigh twice as much as reads).
    #[serde(default = "one")]
    pub data: f64,
    /// Similarity of the domain vocabulary of two modules (TF-IDF of identifier words, cosine).
    #[serde(default = "default_semantic")]
    pub semantic: f64,
}

fn one() -> f64 {
    1.0
}

fn default_semantic() -> f64 {
    Signals::DEFAULT_SEMANTIC
}

impl Signals {
    /// Structure and data decide; vocabulary only breaks near-ties, because names can mislead (a `models.rs`
    /// full of every feature's types shares words with every feature).
    pub const DEFAULT_SEMANTIC: f64 = 0.5;
}

impl Default for Signals {
    fn default() -> Self {
        Signals { structural: 1.0, data: 1.0, semantic: Signals::DEFAULT_SEMANTIC }
    }
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredService {
    pub name: String,
    pub modules: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepTogether {
    pub modules: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepApart {
    pub a: Vec<String>,
    pub b: Vec<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclude {
    #[serde(default)]
    pub modules: Vec<String>,
}

impl ProjectConfig {
    /// No file: no constraints, default weights.
    pub fn empty() -> ProjectConfig {
        ProjectConfig {
            signals: Signals::default(),
            services: Vec::new(),
            keep_together: Vec::new(),
            keep_apart: Vec::new(),
            exclude: Exclude::default(),
            risks: RiskThresholds::default(),
            check: CheckBudgets::default(),
        }
    }

    pub fn parse(text: &str) -> Result<ProjectConfig, String> {
        let config: ProjectConfig = toml::from_str(text).map_err(|err| err.message().to_owned())?;
        for (name, weight) in [
            ("structural", config.signals.structural),
            ("data", config.signals.data),
            ("semantic", config.signals.semantic),
        ] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(format!("[signals] {name} must be a number ≥ 0, got {weight}"));
            }
        }
        Ok(config)
    }
}

/// A problem with the user's configuration (an invalid `decompose.toml`, constraints that cannot all hold):
/// the binary reports it as a usage error (exit code 2), not an analysis failure.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads `decompose.toml`: the explicit file if given (it must exist), else `<input>/decompose.toml` if present.
pub fn load_project(input: &Path, explicit: Option<&Path>) -> anyhow::Result<ProjectConfig> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = input.join("decompose.toml");
            if !default.is_file() {
                return Ok(ProjectConfig::empty());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(|err| ConfigError(format!("{err:#}")))?;
    ProjectConfig::parse(&text)
        .map_err(|err| ConfigError(format!("{}: {err}", path.display())).into())
}
