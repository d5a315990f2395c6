//! The performance benchmark: `cargo run --release --example bench [-- <lines> ...]` (default 10k, 100k, 1M).
//!
//! For each size it generates a layered monolith with `decompose::synthetic`, flushes it to disk, lets the
//! file system settle (see `settle`), and measures, each in a fresh process (so that neither warms the
//! other's heap, and peak memory is the run's own), (1) parsing alone: every `.rs` file read and parsed by
//! `ra_ap_syntax::SourceFile::parse` in parallel, the floor; and (2) the whole `analyze` with every output
//! written, stage by stage. The two are run in turn, 41 times each below 50,000 lines, 15 times below half a
//! million and 9 times above, and the run with the median total of each is printed: timings on a shared
//! machine vary by ±20 % from run to run and drift over minutes, taking turns exposes both measurements to
//! the same drift, and with five runs each the median itself still moved by ±10 % between runs of the
//! benchmark. It prints the time of each stage, lines per second, peak memory (VmHWM) and the ratio of the
//! whole analysis to parsing alone. Last, it measures how time grows from each size to the next, in runs
//! that take turns between the two sizes (see `growth`). Results and targets are recorded in
//! docs/benchmarks.md.

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
use ra_ap_syntax::AstNode;
use rayon::prelude::*;

/// The allocator of the `decompose` binary, so that both measurements run as the tool does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs of each measurement for a monolith of `lines` lines; the median is kept. Small sizes take
/// milliseconds a run, so more runs cost little and steady the median where noise is largest: at 10k lines
/// one millisecond of the machine's jitter is 5 % of the ratio, and with 15 runs the median ratio still moved
/// between 1.54× and 1.83× from one bench run to the next.
fn runs_for(lines: usize) -> usize {
    match lines {
        0..50_000 => 41,
        50_000..500_000 => 15,
        _ => 9,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match &args[..] {
        [flag, dir] if flag == "--floor" => return floor(Path::new(dir)),
        [flag, dir] if flag == "--analyze" => return analyze(Path::new(dir)),
        _ => {}
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        args.iter().map(|a| a.parse().unwrap()).collect()
    };
    // Each size's monolith, kept for the growth measurement at the end.
    let mut monoliths: Vec<(usize, tempfile::TempDir)> = Vec::new();
    for lines in sizes {
        let dir = tempfile::tempdir().unwrap();
        let params = params_for(lines);
        let monolith = generate(&params);
        for (path, text) in &monolith.files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        // On disk before the first measurement: otherwise the kernel writes the new files back (after ~30 s)
        // in the middle of the runs, on a core that one of them needs.
        sync_all(dir.path());
        settle();
        let (floor, analysis) = median_runs(dir.path(), runs_for(monolith.code_lines));
        let floor_ms: f64 = floor.trim().parse().unwrap();
        report(monolith.code_lines, &analysis, floor_ms);
        monoliths.push((monolith.code_lines, dir));
    }
    growth(&monoliths);
}

/// Runs this program with `flag` (`--floor` or `--analyze`) on `dir` in a fresh process; returns the total
/// in milliseconds (the output's first line) and the whole output.
fn run_once(dir: &Path, flag: &str) -> (f64, String) {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([flag, dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let total: f64 = text.lines().next().unwrap().split('\t').next().unwrap().parse().unwrap();
    (total, text)
}

/// How time grows from each size to the next, measured in runs that take turns between the two sizes (the
/// smaller's floor and analysis, then the larger's), as the ratio is measured in runs that take turns
/// between the floor and the analysis. The sizes' own medians above are taken a minute or more apart, and
/// the machine drifts in between: in the fourteenth session's six bench runs, parsing alone grew 10.5 to
/// 10.9 times from 100k to 1M lines, for 10.23 times the lines, and the analysis 10.5 to 11.7 times. Prints
/// the growth of the whole analysis and of parsing alone (each the ratio of the medians), and the analysis's
/// growth scaled to exactly ten times the lines, as `t ∝ lines^k` would give it (the target: at most 11×).
fn growth(monoliths: &[(usize, tempfile::TempDir)]) {
    if monoliths.len() < 2 {
        return;
    }
    println!("### Growth (runs taking turns between the two sizes)");
    println!();
    println!(
        "| from (lines) | to (lines) | lines | whole analysis | for exactly 10× the lines | parsing alone |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for pair in monoliths.windows(2) {
        let [(small_lines, small), (big_lines, big)] = pair else { continue };
        settle();
        let (mut floors, mut analyses) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
        for _ in 0..runs_for(*big_lines) {
            for (side, dir) in [small, big].into_iter().enumerate() {
                floors[side].push(run_once(dir.path(), "--floor").0);
                analyses[side].push(run_once(dir.path(), "--analyze").0);
            }
        }
        let median = |runs: &mut Vec<f64>| {
            runs.sort_by(f64::total_cmp);
            runs[runs.len() / 2]
        };
        let [small_floor, big_floor] = floors.each_mut().map(median);
        let [small_analysis, big_analysis] = analyses.each_mut().map(median);
        let lines = *big_lines as f64 / *small_lines as f64;
        let analysis = big_analysis / small_analysis;
        println!(
            "| {small_lines} | {big_lines} | {lines:.2}× | {analysis:.2}× ({small_analysis:.1} → {big_analysis:.1} ms) | \
             {:.2}× | {:.2}× ({small_floor:.1} → {big_floor:.1} ms) |",
            analysis.powf(1.0 / lines.log10()),
            big_floor / small_floor,
        );
    }
    println!();
}

/// Runs this program with `--floor` and then `--analyze`, each in a fresh process, `runs` times; returns the
/// output of each one's median run (by its first line, a total in milliseconds).
fn median_runs(dir: &Path, runs: usize) -> (String, String) {
    let (mut floors, mut analyses): (Vec<_>, Vec<_>) =
        (0..runs).map(|_| (run_once(dir, "--floor"), run_once(dir, "--analyze"))).unzip();
    let median = |runs: &mut Vec<(f64, String)>| {
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        runs.swap_remove(runs.len() / 2).1
    };
    (median(&mut floors), median(&mut analyses))
}

/// Waits for the file system to be quiet. A previous bench run's monoliths, or the analyses' reports, may
/// just have been deleted, and the file system spends the next seconds freeing (on this machine's disk,
/// mounted with `discard`, discarding) their blocks: the analysis, which writes its report, then took 15–19
/// ms at 10k lines against 15 in a quiet moment (41 runs each), while parsing alone reads only. A lone run of
/// the tool meets a quiet disk. (`sync_all` has already flushed the new files, wherever `sync` is missing; `sync` asks the
/// kernel to commit the deletions now, and the pause covers the discards that follow.)
fn settle() {
    let _ = std::process::Command::new("sync").status();
    std::thread::sleep(std::time::Duration::from_secs(5));
}

/// Flushes every file and folder under `dir` to disk.
fn sync_all(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sync_all(&path);
        }
        std::fs::File::open(&path).unwrap().sync_all().unwrap();
    }
    std::fs::File::open(dir).unwrap().sync_all().unwrap();
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

/// Parsing alone: prints the milliseconds taken to read and parse every `.rs` file under `dir`.
fn floor(dir: &Path) {
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
    let bytes: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let parse = ra_ap_syntax::SourceFile::parse(&text, ra_ap_syntax::Edition::Edition2021);
            usize::from(parse.tree().syntax().text_range().len())
        })
        .sum();
    let took = start.elapsed();
    assert!(bytes > 0);
    println!("{:.1}", took.as_secs_f64() * 1000.0);
}

/// The whole analysis with every output: prints the total in milliseconds, then one `stage<TAB>ms` line per
/// stage, then the counts and peak memory.
fn analyze(dir: &Path) {
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

    println!("{:.1}", total.as_secs_f64() * 1000.0);
    for (stage, took) in &timings {
        println!("{stage}\t{:.1}", took.as_secs_f64() * 1000.0);
    }
    println!("files\t{}", analysis.workspace.files.len());
    println!("modules\t{}", analysis.resolved.modules.len());
    println!("services\t{}", analysis.proposal.services.len());
    println!("peak\t{:.0}", peak_memory_mib());
}

/// Prints one size's results as the markdown recorded in docs/benchmarks.md.
fn report(lines: usize, analysis: &str, floor_ms: f64) {
    let mut rows = analysis.lines();
    let total_ms: f64 = rows.next().unwrap().parse().unwrap();
    let pairs: Vec<(&str, &str)> = rows.filter_map(|row| row.split_once('\t')).collect();
    let value = |key: &str| pairs.iter().find(|(k, _)| *k == key).map_or("?", |(_, v)| *v);
    let per_second = |ms: f64| lines as f64 / (ms / 1000.0).max(1e-9);
    println!(
        "### {lines} lines, {} files, {} modules, {} services",
        value("files"),
        value("modules"),
        value("services")
    );
    println!();
    println!("| stage | time (ms) | lines/s |");
    println!("|---|---:|---:|");
    for (stage, ms) in &pairs {
        if ["files", "modules", "services", "peak"].contains(stage) {
            continue;
        }
        let ms: f64 = ms.parse().unwrap();
        println!("| {stage} | {ms:.1} | {:.0} |", per_second(ms));
    }
    println!("| **whole analysis** | **{total_ms:.1}** | {:.0} |", per_second(total_ms));
    println!("| parsing alone (floor) | {floor_ms:.1} | {:.0} |", per_second(floor_ms));
    println!();
    println!(
        "ratio whole / parsing alone: {:.2}; peak memory: {} MiB",
        total_ms / floor_ms,
        value("peak")
    );
    println!();
}
