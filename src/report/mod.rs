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
mod pretty;
pub mod sarif;
pub mod service_map;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::analysis::Analysis;
use crate::config::{Config, Format};

/// Writes every requested format; returns the paths written.
///
/// Each format is rendered and written to its temporary files in parallel (each is a pure function of the
/// report document); the temporary files are then renamed into place one after another in the order asked
/// for, so the files and the returned list do not depend on scheduling. If any format fails, no file is
/// renamed and the temporary files are removed: a run writes the whole report or nothing.
///
/// Runs on a worker of the thread pool (see [`crate::on_thread_pool`]).
pub fn write(analysis: &Analysis, config: &Config) -> anyhow::Result<Vec<PathBuf>> {
    crate::on_thread_pool(|| write_formats(analysis, config))
}

/// [`write`], on a worker of the thread pool.
fn write_formats(analysis: &Analysis, config: &Config) -> anyhow::Result<Vec<PathBuf>> {
    let out = &config.out_dir;
    prepare_out_dir(out)?;
    let doc = json::Report::from_analysis(analysis);
    let staged = stage_all(&doc, &config.formats, out);
    if staged.iter().any(Result::is_err) {
        let mut first_error = None;
        for result in staged {
            match result {
                Ok(files) => files.iter().for_each(Staged::discard),
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
        return Err(first_error.unwrap_or_else(|| anyhow::anyhow!("cannot write the report")));
    }
    let files: Vec<Staged> = staged.into_iter().flatten().flatten().collect();
    let mut written = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if let Err(err) = std::fs::rename(&file.temp, &file.target) {
            files[index..].iter().for_each(Staged::discard);
            return Err(err).with_context(|| format!("cannot write {}", file.target.display()));
        }
        written.push(file.target.clone());
    }
    Ok(written)
}

/// [`stage`]s every format in parallel; the results in the order of `formats`.
///
/// Longest first: the formats are started in the order of [`expected_cost`], each worker taking the next one
/// as it becomes free, so the two largest (JSON and HTML) start at once on two workers and the small ones fill
/// in after them. Left to a parallel iterator over the order asked for, the small formats on one side and the
/// large ones on the other, a large one started late and ran alone at the end (10k lines: formats done after
/// 1.9–2.1 ms, for 3 ms of work on two cores).
fn stage_all(
    doc: &json::Report,
    formats: &[Format],
    out: &Path,
) -> Vec<anyhow::Result<Vec<Staged>>> {
    let mut results: Vec<Option<anyhow::Result<Vec<Staged>>>> =
        formats.iter().map(|_| None).collect();
    let mut queue: Vec<(&Format, &mut Option<anyhow::Result<Vec<Staged>>>)> =
        formats.iter().zip(&mut results).collect();
    queue.sort_by_key(|(format, _)| std::cmp::Reverse(expected_cost(**format)));
    rayon::scope_fifo(|scope| {
        for (format, result) in queue {
            scope.spawn_fifo(move |_| *result = Some(stage(doc, *format, out)));
        }
    });
    results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Err(anyhow::anyhow!("a format was not rendered"))))
        .collect()
}

/// How long a format takes to render and write, as a rank (larger is longer): JSON (0.8 MB at 10k lines, 70 MB
/// at a million), then HTML (its pictures and tables), SARIF, DOT, Markdown and Mermaid.
fn expected_cost(format: Format) -> u8 {
    match format {
        Format::Json => 5,
        Format::Html => 4,
        Format::Sarif => 3,
        Format::Dot => 2,
        Format::Md => 1,
        Format::Mermaid => 0,
    }
}

/// One output file, written under a temporary name next to where it belongs.
struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    fn discard(&self) {
        // Best effort: the file may never have been created.
        let _ = std::fs::remove_file(&self.temp);
    }
}

/// What one output file holds.
enum Contents<'a> {
    Text(String),
    /// The JSON document, rendered in parallel pieces that are written in order (see [`pretty`]).
    Json(&'a json::Report<'a>),
    /// The HTML page, written to the file as it is rendered.
    Html(&'a json::Report<'a>),
}

/// Renders one format and writes its files under temporary names; on failure removes what it wrote.
fn stage(doc: &json::Report, format: Format, dir: &Path) -> anyhow::Result<Vec<Staged>> {
    let mut staged: Vec<Staged> = Vec::new();
    for (name, contents) in render(doc, format) {
        let file =
            Staged { temp: dir.join(format!(".{name}.decompose-tmp")), target: dir.join(name) };
        let result = write_file(&file.temp, &contents);
        staged.push(file);
        if let Err(err) = result {
            staged.iter().for_each(Staged::discard);
            return Err(err);
        }
    }
    Ok(staged)
}

/// The files of one format: (file name, contents).
fn render<'a>(doc: &'a json::Report<'a>, format: Format) -> Vec<(&'static str, Contents<'a>)> {
    use Contents::Text;
    match format {
        Format::Json => vec![("report.json", Contents::Json(doc))],
        Format::Html => vec![("index.html", Contents::Html(doc))],
        Format::Md => vec![("summary.md", Text(markdown::render(doc)))],
        Format::Mermaid => vec![("services.mmd", Text(mermaid::render(doc)))],
        Format::Sarif => vec![("decompose.sarif", Text(sarif::render(doc)))],
        Format::Dot => vec![
            ("modules.dot", Text(dot::modules(doc))),
            ("services.dot", Text(dot::services(doc))),
        ],
    }
}

/// The one place that creates files (see the module doc): always a temporary name inside the output folder.
#[allow(clippy::disallowed_methods)]
fn write_file(path: &Path, contents: &Contents<'_>) -> anyhow::Result<()> {
    /// Creates `path` and writes it through a buffer of `capacity` bytes.
    fn stream(
        path: &Path,
        capacity: usize,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        let context = || format!("cannot write {}", path.display());
        let file = std::fs::File::create(path).with_context(context)?;
        let mut writer = std::io::BufWriter::with_capacity(capacity, file);
        write(&mut writer).and_then(|()| writer.flush()).with_context(context)
    }
    match contents {
        // Unbuffered: the text is written whole.
        Contents::Text(text) => stream(path, 0, |writer| writer.write_all(text.as_bytes())),
        // Pieces as large as the buffer go to the file without being copied into it.
        Contents::Json(doc) => stream(path, 64 << 10, |writer| doc.write_json(writer)),
        Contents::Html(doc) => stream(path, 64 << 10, |writer| html::write(doc, writer)),
    }
}

/// The output folder must be a folder (created if missing), never an existing file.
fn prepare_out_dir(out: &Path) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("--out {} is an existing file, not a folder", out.display());
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The formats are rendered longest first, but the files are renamed into place and listed in the order
    /// asked for.
    #[test]
    fn files_are_written_in_the_order_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        crate::test_fixture::write_fixture(
            dir.path(),
            "//- /Cargo.toml\n[package]\nname = \"shop\"\n//- /src/lib.rs\npub fn hello() {}\n",
        );
        let mut config = crate::test_fixture::fixture_config(dir.path());
        config.formats = vec![Format::Mermaid, Format::Json, Format::Md, Format::Dot, Format::Html];
        let analysis = crate::analyze(&config).unwrap();
        let written = write(&analysis, &config).unwrap();
        let names: Vec<_> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(
            names,
            [
                "services.mmd",
                "report.json",
                "summary.md",
                "modules.dot",
                "services.dot",
                "index.html"
            ]
        );
    }
}
