//! The performance benchmark: `cargo run --release --example bench [-- <lines> ...]` (default 10k, 100k, 1M).
//!
//! For each size it generates a layered monolith with `decompose::synthetic`, then, in a fresh process so
//! that peak memory is the run's own, measures (1) parsing alone: every file read and parsed with
//! ra_ap_syntax in parallel, the floor; and (2) the whole `analyze` with every output written, stage by stage.
//! It prints the time of each stage, lines per second, peak memory (VmHWM) and the ratio of the whole analysis
//! to parsing alone. Results and targets are recorded in docs/benchmarks.md.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::disallowed_methods,
    clippy::unwrap_used
)] // A tool.

use std::path::Path;
use std::time::Instant;

use decompose::config::{Boundaries, Config, Format, ProjectConfig};
use decompose::synthetic::{SynthParams, generate};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, lines, dir] = &args[..]
        && flag == "--one"
    {
        measure(lines.parse().unwrap(), Path::new(dir));
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        args.iter().map(|a| a.parse().unwrap()).collect()
    };
    for lines in sizes {
        let dir = tempfile::tempdir().unwrap();
        let params = params_for(lines);
        let monolith = generate(&params);
        for (path, text) in &monolith.files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        // A fresh process per size: its peak memory is this run's alone.
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--one", &monolith.code_lines.to_string(), dir.path().to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// Features and modules for roughly `lines` lines of code (about 120 lines per module).
fn params_for(lines: usize) -> SynthParams {
    let modules = (lines / 120).max(16);
    let features = (modules / 40).clamp(4, 60);
    let modules_per_layer = (modules / (features * 4)).max(1);
    SynthParams { features, modules_per_layer, lines_per_module: 120, ..SynthParams::default() }
}

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn measure(lines: usize, dir: &Path) {
    // Parsing alone: read and parse every .rs file in parallel.
    let start = Instant::now();
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let parsed: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            decompose::parse::parse(&text, decompose::discover::Edition::E2021).errors.len()
        })
        .sum();
    let parse_only = start.elapsed();
    assert_eq!(parsed, 0, "generated code must parse without errors");

    let out = tempfile::tempdir().unwrap();
    let config = Config {
        input: dir.to_path_buf(),
        out_dir: out.path().to_path_buf(),
        formats: vec![
            Format::Html,
            Format::Json,
            Format::Dot,
            Format::Md,
            Format::Mermaid,
            Format::Sarif,
        ],
        target_services: None,
        include_tests: false,
        jobs: None,
        project: ProjectConfig::empty(),
        boundaries: Boundaries::Proposed,
    };
    let start = Instant::now();
    let (analysis, mut timings) = decompose::analyze_timed(&config).unwrap();
    let clock = Instant::now();
    decompose::report::write(&analysis, &config).unwrap();
    timings.push(("report", clock.elapsed()));
    let total = start.elapsed();

    println!(
        "## {lines} lines, {} files, {} modules, {} services",
        files.len(),
        analysis.resolved.modules.len(),
        analysis.proposal.services.len()
    );
    println!();
    println!("| stage | time (ms) | lines/s |");
    println!("|---|---:|---:|");
    for (stage, took) in &timings {
        let secs = took.as_secs_f64();
        println!("| {stage} | {:.1} | {:.0} |", secs * 1000.0, lines as f64 / secs.max(1e-9));
    }
    println!(
        "| **whole analysis** | **{:.1}** | {:.0} |",
        total.as_secs_f64() * 1000.0,
        lines as f64 / total.as_secs_f64()
    );
    println!(
        "| parsing alone (floor) | {:.1} | {:.0} |",
        parse_only.as_secs_f64() * 1000.0,
        lines as f64 / parse_only.as_secs_f64()
    );
    println!();
    println!(
        "ratio whole / parsing alone: {:.2}; peak memory: {:.0} MiB",
        total.as_secs_f64() / parse_only.as_secs_f64(),
        peak_memory_mib()
    );
    println!();
}
