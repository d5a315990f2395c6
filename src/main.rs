//! The `decompose` binary: parses the command line, runs the library, prints one summary or one error, and
//! picks the exit code: 0 success, 1 analysis error, 2 usage or configuration error (as clap does for usage
//! errors), 3 `check` found risks over the budgets.
//!
//! Talking to the terminal happens here only: progress bars on stderr while the run goes (when stderr is a
//! terminal and not `--quiet`), then the diagnostics grouped by category on stderr, then the summary on stdout.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use decompose::Progress;
use decompose::cli::{Cli, Command};
use decompose::diagnostics::Severity;

/// mimalloc instead of the system allocator: the analysis allocates millions of small, short-lived strings and
/// vectors from several threads, where glibc's malloc spent about a fifth of the run (measured with `perf`).
/// It is built without transparent huge pages (`no_thp` in Cargo.toml): with them, the kernel zeroed 2 MiB pages
/// on first touch and again after each of mimalloc's 64 KiB purges split them, about a sixth of the CPU time at
/// 1M lines (`clear_page_erms` in `perf`); without them a 1M-line run is 10–15 % faster and peaks 70 MB lower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze(args) => run(&args, false),
        Command::Check(args) => run(&args, true),
    }
}

/// Exit code of `decompose check` when the risks exceed the budgets.
const EXIT_OVER_BUDGET: u8 = 3;

#[allow(clippy::print_stdout, clippy::print_stderr)] // The binary is where the terminal is talked to.
fn run(args: &decompose::cli::AnalyzeArgs, check: bool) -> ExitCode {
    let config = match args.to_config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    if let Some(jobs) = config.jobs {
        // A second call (in tests) fails harmlessly: the pool already exists.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global();
    }
    // Progress is for a person watching: never in a pipe, a log or a test, and not when asked to be quiet.
    let bars = (!args.quiet && std::io::stderr().is_terminal()).then(Bars::default);
    let progress: &dyn Progress = match &bars {
        Some(bars) => bars,
        None => &decompose::NoProgress,
    };
    let outcome = decompose::analyze_with(&config, progress).and_then(|(analysis, mut timings)| {
        progress.stage("report", None);
        let clock = std::time::Instant::now();
        let written = decompose::report::write(&analysis, &config)?;
        timings.push(("report", clock.elapsed()));
        Ok((analysis, written, timings))
    });
    // The bars go before anything else is printed.
    if let Some(bars) = &bars {
        bars.clear();
    }
    let (analysis, written, timings) = match outcome {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err:#}");
            // A configuration that cannot hold is the user's input to fix, like a bad flag.
            let usage = err.downcast_ref::<decompose::config::ConfigError>().is_some();
            return ExitCode::from(if usage { 2 } else { 1 });
        }
    };
    if args.verbose {
        let lines: u64 = analysis.resolved.modules.iter().map(|m| u64::from(m.code_lines)).sum();
        for (stage, took) in &timings {
            eprintln!("{stage:>24}: {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
        let total: f64 = timings.iter().map(|(_, t)| t.as_secs_f64()).sum();
        eprintln!(
            "{:>24}: {:>8.1} ms ({lines} lines, {:.0} lines/s)",
            "total",
            total * 1000.0,
            lines as f64 / total.max(1e-9)
        );
    }
    if !args.quiet {
        // Counted by category rather than one line each: the report has them all. Infos (dynamic SQL,
        // unresolved paths) are for the report, or for `-v`.
        let shown = if args.verbose { Severity::Info } else { Severity::Warning };
        let text = decompose::diagnostics::grouped_text(&analysis.diagnostics, shown);
        if !text.is_empty() {
            eprintln!("{text}");
        }
    }
    if check {
        let (summary, passed) = decompose::check_summary(&analysis, &config);
        if !args.quiet || !passed {
            println!("{summary}");
        }
        return if passed { ExitCode::SUCCESS } else { ExitCode::from(EXIT_OVER_BUDGET) };
    }
    if !args.quiet {
        println!("{}", decompose::summary_text(&analysis, &written));
    }
    ExitCode::SUCCESS
}

/// Progress bars on stderr, one per stage: a bar with a count for the stage that goes file by file, a
/// spinner with the elapsed time for the others. Each bar is cleared when its stage ends, so what stays on
/// the terminal is the diagnostics and the summary.
#[derive(Default)]
struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn clear(&self) {
        if let Some(bar) = self.current.lock().unwrap_or_else(PoisonError::into_inner).take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bars {
    fn stage(&self, name: &'static str, total: Option<u64>) {
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::new(total),
                "{spinner:.green} {msg:<24} [{bar:32.cyan/blue}] {human_pos}/{human_len} files {elapsed}",
            ),
            None => (ProgressBar::new_spinner(), "{spinner:.green} {msg:<24} {elapsed}"),
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(name);
        bar.enable_steady_tick(Duration::from_millis(100));
        let previous = self.current.lock().unwrap_or_else(PoisonError::into_inner).replace(bar);
        if let Some(previous) = previous {
            previous.finish_and_clear();
        }
    }

    fn step(&self) {
        if let Some(bar) = &*self.current.lock().unwrap_or_else(PoisonError::into_inner) {
            bar.inc(1);
        }
    }
}
