//! Exports the weighted coupling graph decompose clusters (modules, tables and state after hub detection,
//! with the structural, data and semantic signals combined) as a TSV edge list, with the modularity our
//! Leiden reaches on it in its header, so that a reference implementation can be run on the very same graph
//! (see scripts/leidenalg_compare.py and docs/benchmarks.md).
//!
//! `cargo run --release --example export_coupling_graph -- <repository> <out.tsv>`; the repository may also be
//! `synthetic:<features>:<modules per layer>` for a generated layered monolith (see `decompose::synthetic`),
//! kept in `<dir>` when `--keep <dir>` follows (to analyse or benchmark it afterwards).

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)] // A command-line tool.

use std::fmt::Write;
use std::path::PathBuf;

use decompose::cluster::leiden::{LeidenParams, WeightedGraph, leiden, modularity};
use decompose::config::{Config, Format};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: export_coupling_graph <repository> <out.tsv>");
    };
    // A generated monolith lives in a temporary folder for the duration of the run.
    let _generated;
    let input = match input.strip_prefix("synthetic:") {
        Some(spec) => {
            let numbers: Vec<usize> = spec.split(':').filter_map(|n| n.parse().ok()).collect();
            let [features, modules_per_layer] = numbers[..] else {
                anyhow::bail!("synthetic:<features>:<modules per layer>, got {spec}");
            };
            let params = decompose::synthetic::SynthParams {
                features,
                modules_per_layer,
                ..decompose::synthetic::SynthParams::default()
            };
            let monolith = decompose::synthetic::generate(&params);
            let dir = tempfile::tempdir()?;
            let keep = match (args.next().as_deref(), args.next()) {
                (Some("--keep"), Some(keep)) => Some(PathBuf::from(keep)),
                _ => None,
            };
            let target = keep.unwrap_or_else(|| dir.path().to_path_buf());
            for (path, text) in &monolith.files {
                let full = target.join(path);
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(full, text)?;
            }
            _generated = dir;
            target
        }
        None => PathBuf::from(input),
    };
    let config = Config {
        project: decompose::config::load_project(&input, None)?,
        input,
        out_dir: std::env::temp_dir(),
        formats: vec![Format::Json],
        target_services: None,
        include_tests: false,
        jobs: None,
        boundaries: decompose::config::Boundaries::Proposed,
    };
    let analysis = decompose::analyze(&config)?;
    let constraints =
        decompose::cluster::constraints::resolve(&config.project, &analysis.resolved)?;
    let options = decompose::cluster::ClusterOptions {
        target_services: None,
        signals: config.project.signals,
        constraints: &constraints,
    };
    let coupling = decompose::cluster::coupling_graph(
        &analysis.resolved,
        &analysis.graph,
        &analysis.data,
        &options,
    );
    let mut graph = WeightedGraph::new(coupling.labels.len());
    for &(a, b, w) in &coupling.edges {
        graph.add_edge(a, b, w);
    }
    let quality = |seed: u64| {
        let membership =
            leiden(&graph, &LeidenParams { seed, ..LeidenParams::with_resolution(1.0) });
        modularity(&graph, &membership, 1.0)
    };
    let single = quality(42);
    let best = (0..10).map(quality).fold(f64::MIN, f64::max);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# decompose nodes={} edges={} single={single:.6} best10={best:.6}",
        coupling.labels.len(),
        coupling.edges.len()
    );
    for &(a, b, w) in &coupling.edges {
        let _ = writeln!(text, "{a}\t{b}\t{w}");
    }
    std::fs::write(&out, text)?;
    println!(
        "{}: {} nodes, {} edges; decompose Leiden modularity: {single:.4} (seed 42), {best:.4} (best of 10 seeds)",
        config.input.display(),
        coupling.labels.len(),
        coupling.edges.len()
    );
    Ok(())
}
