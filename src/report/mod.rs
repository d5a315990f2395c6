//! Report: renders a finished [`Analysis`] and decides nothing.
//!
//! Invariant: this is the only stage that writes files, and it writes only inside the output folder. Each
//! file is written to a temporary name in that folder and renamed into place, so an interrupted run never
//! leaves a half-written report over a good one. Only this stage knows JSON, HTML and DOT.

pub mod charts;
pub mod dot;
pub mod html;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod sarif;
pub mod service_map;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::config::{Config, Format};

/// Writes every requested format; returns the paths written.
///
/// The formats are rendered in parallel (each is a pure function of the report document), then written one
/// after another in the order asked for, so the files and the returned list do not depend on scheduling.
pub fn write(analysis: &Analysis, config: &Config) -> anyhow::Result<Vec<PathBuf>> {
    let out = &config.out_dir;
    prepare_out_dir(out)?;
    let doc = json::Report::from_analysis(analysis);
    let rendered: Vec<Vec<(&str, String)>> = config
        .formats
        .par_iter()
        .map(|format| render(&doc, *format))
        .collect::<anyhow::Result<_>>()?;
    let mut written = Vec::new();
    for (name, contents) in rendered.iter().flatten() {
        written.push(write_atomic(out, name, contents)?);
    }
    Ok(written)
}

/// The files of one format: (file name, contents).
fn render(doc: &json::Report, format: Format) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(match format {
        Format::Json => vec![("report.json", doc.to_json())],
        Format::Html => vec![("index.html", html::render(doc)?)],
        Format::Md => vec![("summary.md", markdown::render(doc))],
        Format::Mermaid => vec![("services.mmd", mermaid::render(doc))],
        Format::Sarif => vec![("decompose.sarif", sarif::render(doc))],
        Format::Dot => {
            vec![("modules.dot", dot::modules(doc)), ("services.dot", dot::services(doc))]
        }
    })
}

/// The output folder must be a folder (created if missing), never an existing file.
fn prepare_out_dir(out: &Path) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("--out {} is an existing file, not a folder", out.display());
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))
}

/// Writes `name` inside `dir` through a temporary file and a rename.
fn write_atomic(dir: &Path, name: &str, contents: &str) -> anyhow::Result<PathBuf> {
    let target = dir.join(name);
    let temp = dir.join(format!(".{name}.decompose-tmp"));
    #[allow(clippy::disallowed_methods)] // The one place that writes files; see the module doc.
    std::fs::write(&temp, contents).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, &target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(target)
}
