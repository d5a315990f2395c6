//! Each sample's report in a real browser: headless Chromium renders `index.html`; the test fails on any
//! JavaScript error, checks that every section and the SVG chart are in the rendered DOM, and saves a
//! screenshot under `target/report-screenshots/`. Without Chromium the test is skipped with a message,
//! unless `DECOMPOSE_REQUIRE_BROWSER` is set (as `.ci/run` does), so CI never skips it silently.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::repo_root;

const SECTIONS: &[&str] = &[
    "summary",
    "sweep",
    "services",
    "risks",
    "plan",
    "dependencies",
    "data",
    "kept-out",
    "diagnostics",
    "methodology",
];

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let output = Command::new("which").arg(name).output().ok()?;
        output
            .status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
    })
}

fn headless(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .args(["--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap()
}

#[test]
fn reports_render_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("DECOMPOSE_REQUIRE_BROWSER").is_none(),
            "DECOMPOSE_REQUIRE_BROWSER is set but no Chromium was found"
        );
        eprintln!(
            "skipped: no Chromium on this machine (install the `chromium` package to run this test)"
        );
        return;
    };
    let shots = repo_root().join("target").join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for sample in ["bookstore", "clinic"] {
        let page = repo_root().join("reports").join(sample).join("index.html");
        let url = format!("file://{}", page.display());
        let profile = tempfile::tempdir().unwrap();
        let dom = headless(&browser, profile.path(), &["--dump-dom"], &url);
        assert!(
            dom.status.success(),
            "{sample}: chromium failed: {}",
            String::from_utf8_lossy(&dom.stderr)
        );
        let html = String::from_utf8_lossy(&dom.stdout);
        let log = String::from_utf8_lossy(&dom.stderr);
        // Console messages reach stderr as `CONSOLE(..)`/`Uncaught ..` lines with logging enabled.
        let errors: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("Uncaught") || (l.contains("CONSOLE") && l.contains("rror")))
            .collect();
        assert!(errors.is_empty(), "{sample}: JavaScript errors:\n{}", errors.join("\n"));
        for section in SECTIONS {
            assert!(
                html.contains(&format!("<section id=\"{section}\"")),
                "{sample}: section {section} missing"
            );
        }
        // The service map and the plotters charts (sweep, coupling, sizes, ownership) are inline SVG.
        assert!(html.contains("class=\"service-map\""), "{sample}: no service map");
        assert!(html.matches("<svg").count() >= 5, "{sample}: SVG charts missing");
        let shot = shots.join(format!("{sample}.png"));
        let profile = tempfile::tempdir().unwrap();
        let screenshot = headless(
            &browser,
            profile.path(),
            &["--window-size=1280,2400", &format!("--screenshot={}", shot.display())],
            &url,
        );
        assert!(screenshot.status.success() && shot.is_file(), "{sample}: no screenshot");
    }
}
