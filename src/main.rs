//! The `decompose` binary: parses the command line, runs the library, prints one summary or one error, and
//! picks the exit code: 0 success, 1 analysis error, 2 usage or configuration error (as clap does for usage
//! errors), 3 `check` found risks over the budgets.

use std::process::ExitCode;

use clap::Parser;

use decompose::cli::{Cli, Command};

/// mimalloc instead of the system allocator: the analysis allocates millions of small, short-lived strings and
/// vectors from several threads, where glibc's malloc spent about a fifth of the run (measured with `perf`).
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
    let result = decompose::analyze_timed(&config).and_then(|(analysis, mut timings)| {
        let clock = std::time::Instant::now();
        let written = decompose::report::write(&analysis, &config)?;
        timings.push(("report", clock.elapsed()));
        if args.verbose {
            let lines: u64 =
                analysis.resolved.modules.iter().map(|m| u64::from(m.code_lines)).sum();
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
        Ok((analysis, written))
    });
    match result {
        Ok((analysis, _)) if check => {
            let (summary, passed) = decompose::check_summary(&analysis, &config);
            if !args.quiet || !passed {
                println!("{summary}");
            }
            if passed { ExitCode::SUCCESS } else { ExitCode::from(EXIT_OVER_BUDGET) }
        }
        Ok((analysis, written)) => {
            if !args.quiet {
                println!("{}", decompose::summary_text(&analysis, &written));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            // A configuration that cannot hold is the user's input to fix, like a bad flag.
            let usage = err.downcast_ref::<decompose::config::ConfigError>().is_some();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}
