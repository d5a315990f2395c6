//! decompose: reads a Rust monolith and proposes where its service boundaries are.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! discover → parse → extract → resolve → data_access → graph → cluster → risks → plan → report. [`analyze`] runs it and returns an
//! [`analysis::Analysis`], from which every output format is rendered.

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod source;

// The pipeline, in order.
pub mod discover;
pub mod parse;
pub mod extract;
pub mod resolve;
pub mod data_access;
pub mod graph;
pub mod cluster;
pub mod risks;
pub mod plan;
pub mod analysis;
pub mod report;
pub mod synthetic;

#[cfg(test)]
mod test_fixture;

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::config::Config;
use crate::diagnostics::{Diagnostics, Severity};
use crate::discover::Workspace;
use crate::extract::FileSummary;

/// Runs the whole analysis. Fails only when the run cannot go on (no such path, no Rust package, a
/// configuration that cannot hold); every problem with individual files becomes a diagnostic in the result.
pub fn analyze(config: &Config) -> anyhow::Result<Analysis> {
    analyze_timed(config).map(|(analysis, _)| analysis)
}

/// Wall-clock time of each stage, in pipeline order. Never written into a report (reports are deterministic).
pub type StageTimings = Vec<(&'static str, std::time::Duration)>;

/// [`analyze`], also returning how long each stage took.
pub fn analyze_timed(config: &Config) -> anyhow::Result<(Analysis, StageTimings)> {
    analyze_with(config, &NoProgress)
}

/// Watches a run as it goes, to show progress. The library only reports which stage runs and how far it got;
/// whether and how to draw that (bars on a terminal, nothing in a pipe) is the binary's business, so the
/// pipeline stays free of terminal concerns. Nothing it sees reaches a report.
pub trait Progress: Sync {
    /// A stage begins (the previous one, if any, has ended). `total` is its number of steps when known in
    /// advance: the files, for the stages that go file by file.
    fn stage(&self, name: &'static str, total: Option<u64>) {
        let _ = (name, total);
    }

    /// One step of the current stage is done. Called from worker threads, in no particular order.
    fn step(&self) {}
}

/// Shows nothing: what [`analyze`] and [`analyze_timed`] use.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Times the stages and tells the [`Progress`] observer which one runs: one call per stage boundary keeps
/// the two in step.
struct StageClock<'a> {
    progress: &'a dyn Progress,
    timings: StageTimings,
    current: Option<(&'static str, std::time::Instant)>,
}

impl StageClock<'_> {
    fn start(&mut self, name: &'static str, total: Option<usize>) {
        self.stop();
        self.progress.stage(name, total.map(|n| n as u64));
        self.current = Some((name, std::time::Instant::now()));
    }

    fn stop(&mut self) {
        if let Some((name, since)) = self.current.take() {
            self.timings.push((name, since.elapsed()));
        }
    }

    fn finish(mut self) -> StageTimings {
        self.stop();
        self.timings
    }
}

/// [`analyze_timed`], telling `progress` which stage runs and how many files are parsed so far.
pub fn analyze_with(
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<(Analysis, StageTimings)> {
    on_thread_pool(|| run_stages(config, progress))
}

/// Runs `op` on a worker of rayon's thread pool, the calling thread waiting for it.
///
/// Why: a parallel iterator started from a thread outside the pool hands its work to the pool and puts the
/// caller to sleep until the pool is done, so every parallel step of the pipeline cost a sleep and a wake-up
/// of the calling thread (80–90 context switches in a 10k-line run, against 20–30 from inside the pool), and
/// the first one waited for the pool's threads to start. Run from a worker, a parallel step starts at once
/// on that worker and the other workers join in as they wake up (10k lines 16.4 → 15.6 ms, 2k lines 5.2 →
/// 4.6 ms, 41 interleaved runs on a slow stretch of the machine). Inside the pool already, `op` runs in place.
pub(crate) fn on_thread_pool<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| op())
}

/// The stages of [`analyze_with`], in order, on a worker of the thread pool.
fn run_stages(
    config: &Config,
    progress: &dyn Progress,
) -> anyhow::Result<(Analysis, StageTimings)> {
    let mut clock = StageClock { progress, timings: Vec::new(), current: None };
    let mut diagnostics = Diagnostics::default();
    clock.start("discover", None);
    let workspace = discover::discover(config, &mut diagnostics)?;
    clock.start("parse + extract", Some(workspace.files.len()));
    let summaries = parse_and_extract_observed(&workspace, &mut diagnostics, progress);
    clock.start("resolve", None);
    // Much of resolution runs on one thread; the SQL in string literals, which needs no names, is parsed
    // meanwhile (its time shows under "resolve").
    let (resolved, sql) = rayon::join(
        || resolve::resolve(&workspace, &summaries, &mut diagnostics),
        || data_access::parse_sql(&workspace, &summaries, config.include_tests),
    );
    clock.start("data access", None);
    let data = data_access::analyze(
        &workspace,
        &summaries,
        sql,
        &resolved,
        config.include_tests,
        &mut diagnostics,
    );
    drop_in_background(summaries);
    clock.start("graph", None);
    let graph = graph::build(&resolved, config.include_tests);
    clock.start("cluster", None);
    let constraints = cluster::constraints::resolve(&config.project, &resolved)
        .map_err(|err| config::ConfigError(format!("{err:#}")))?;
    let options = cluster::ClusterOptions {
        target_services: config.target_services,
        signals: config.project.signals,
        constraints: &constraints,
    };
    let proposal = match config.boundaries {
        config::Boundaries::Proposed => cluster::propose(&resolved, &graph, &data, &options),
        config::Boundaries::Crates => {
            // Every package is a service; its bins and lib together.
            let groups: Vec<Option<usize>> =
                resolved.modules.iter().map(|m| Some(m.package)).collect();
            let names: Vec<String> = workspace.packages.iter().map(|p| p.name.clone()).collect();
            cluster::fixed_split(&resolved, &graph, &data, &options, &groups, &names)
        }
        config::Boundaries::Config => {
            let names: Vec<String> =
                config.project.services.iter().map(|s| s.name.clone()).collect();
            if names.is_empty() {
                return Err(config::ConfigError(
                    "--boundaries config: decompose.toml declares no [[service]]".to_owned(),
                )
                .into());
            }
            // Declared services are the named constraint groups; map group → declared index.
            let groups: Vec<Option<usize>> = constraints
                .group
                .iter()
                .map(|g| {
                    let name = constraints.group_names.get((*g)?)?.as_ref()?;
                    names.iter().position(|n| n == name)
                })
                .collect();
            cluster::fixed_split(&resolved, &graph, &data, &options, &groups, &names)
        }
    };
    clock.start("metrics + risks + plan", None);
    let analysis = Analysis::new(
        workspace,
        resolved,
        data,
        graph,
        proposal,
        config.project.risks,
        diagnostics,
    );
    Ok((analysis, clock.finish()))
}

/// Frees `value` on a worker of the thread pool, when one is free: the per-file summaries of a million lines
/// take over 100 ms to free, time the stages after them need not wait for. (A thread of its own took 45–70 µs
/// to start, on the critical path.)
fn drop_in_background<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// Parses and extracts every file in parallel; input order is kept, so the result is deterministic.
/// Syntax errors are merged into `diagnostics` in file order.
pub fn parse_and_extract(workspace: &Workspace, diagnostics: &mut Diagnostics) -> Vec<FileSummary> {
    parse_and_extract_observed(workspace, diagnostics, &NoProgress)
}

/// [`parse_and_extract`], with one `progress` step per file.
fn parse_and_extract_observed(
    workspace: &Workspace,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
) -> Vec<FileSummary> {
    let summaries: Vec<FileSummary> = workspace
        .files
        .par_iter()
        .enumerate()
        .map(|(index, file)| {
            let edition = workspace.packages[workspace.file_package[index]].edition;
            let parsed = parse::parse(&file.text, edition);
            let summary = extract::extract(&parsed);
            progress.step();
            summary
        })
        .collect();
    for (file, summary) in workspace.files.iter().zip(&summaries) {
        for (line, message) in &summary.syntax_errors {
            diagnostics.push(
                Severity::Error,
                "syntax",
                file.rel_path.clone(),
                *line,
                message.clone(),
            );
        }
    }
    summaries
}

/// The short summary printed after a run: services proposed, problems found, where the report is.
pub fn summary_text(analysis: &Analysis, written: &[std::path::PathBuf]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let proposal = &analysis.proposal;
    let _ = writeln!(
        out,
        "{}: {} modules, {} proposed services (modularity {:.3})",
        analysis.workspace.display_root,
        analysis.resolved.modules.len(),
        proposal.services.len(),
        proposal.modularity
    );
    for service in &proposal.services {
        let _ = writeln!(
            out,
            "  {:<28} {:>3} modules {:>6} lines",
            service.name,
            service.modules.len(),
            service.code_lines
        );
    }
    let errors = analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = analysis.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    if errors + warnings > 0 {
        let _ =
            writeln!(out, "{errors} error(s), {warnings} warning(s): see the report's diagnostics");
    }
    for path in written {
        let _ = writeln!(out, "wrote {}", path.display());
    }
    out.trim_end().to_owned()
}

/// The outcome of `decompose check`: the summary to print and whether the budgets hold.
pub fn check_summary(analysis: &Analysis, config: &Config) -> (String, bool) {
    use std::fmt::Write;
    let budgets = config.project.check;
    let count = |severity: risks::Severity| {
        analysis.risks.iter().filter(|r| r.severity == severity).count()
    };
    let (high, medium, low) =
        (count(risks::Severity::High), count(risks::Severity::Medium), count(risks::Severity::Low));
    let mut over = Vec::new();
    for (name, n, max) in [
        ("high", high, budgets.max_high),
        ("medium", medium, budgets.max_medium),
        ("low", low, budgets.max_low),
    ] {
        if n > max {
            over.push(format!("{n} {name} > {max}"));
        }
    }
    let budget_text =
        |max: usize| if max == usize::MAX { "any".to_owned() } else { max.to_string() };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "decompose check {}: {} services, {high} high, {medium} medium, {low} low risks (score {})",
        analysis.workspace.display_root,
        analysis.proposal.services.len(),
        analysis.score
    );
    let _ = writeln!(
        out,
        "budget: high <= {}, medium <= {}, low <= {} -> {}",
        budget_text(budgets.max_high),
        budget_text(budgets.max_medium),
        budget_text(budgets.max_low),
        if over.is_empty() { "passed".to_owned() } else { format!("FAILED ({})", over.join(", ")) }
    );
    for risk in analysis.risks.iter().take(15) {
        let services: Vec<&str> =
            risk.services.iter().map(|&s| analysis.proposal.services[s].id.as_str()).collect();
        let at = risk
            .evidence
            .first()
            .map(|e| format!(" {}:{}", analysis.workspace.file(e.file).rel_path, e.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<6} {} {:<26} {} ({}){at}",
            risk.severity.as_str(),
            risk.kind.code(),
            risk.kind.as_str(),
            risk.subject,
            services.join(", ")
        );
    }
    if analysis.risks.len() > 15 {
        let _ = writeln!(out, "  ... and {} more in the report", analysis.risks.len() - 15);
    }
    (out.trim_end().to_owned(), over.is_empty())
}
