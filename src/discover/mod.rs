//! Discovery: from a path to the crates it holds and their source files.
//!
//! This is the only stage that reads the file system. It accepts one crate, a Cargo workspace (members with
//! globs, `exclude`) or a plain folder holding several crates, reads the manifests without running cargo, walks
//! the files with the `ignore` crate and reads every `.rs` file of the selected packages into memory. Later stages
//! see [`Workspace`]: packages, their targets (crate roots) and file texts by [`FileId`].

mod manifest;
mod remote;
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, bail};
use globset::{Glob, GlobSetBuilder};

use crate::config::Config;
use crate::diagnostics::{Diagnostics, Severity};
use crate::source::{FileId, SourceText};

pub(crate) use walk::{join_normalized, parent_dir};

use manifest::{Manifest, parse_manifest};

/// Files larger than this are not parsed: generated blobs of this size hold no architecture worth the time.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Everything known about the analysed repository before parsing.
#[derive(Debug)]
pub struct Workspace {
    /// The input path as the user gave it, `/`-separated (what the report shows; never an absolute path, so
    /// reports are identical on every machine).
    pub display_root: String,
    /// Name of the analysed repository (its folder name).
    pub name: String,
    pub packages: Vec<Package>,
    /// Every `.rs` file of the selected packages, sorted by path; `FileId` indexes this.
    pub files: Vec<SourceText>,
    /// For each file, the package whose folder holds it.
    pub file_package: Vec<usize>,
    /// `.rs` files found below the root that belong to no selected package.
    pub files_outside_packages: Vec<String>,
    /// `.sql` files below the root (path, text), sorted by path, for `query_file!` and `include_str!`.
    pub sql_files: Vec<SourceText>,
    /// Web address prefix of the analysed files on GitHub/GitLab (`…/blob/<branch>/`), if known.
    pub web_base: Option<String>,
}

impl Workspace {
    pub fn file(&self, id: FileId) -> &SourceText {
        &self.files[id.index()]
    }

    /// The id of the file at a `/`-separated path relative to the root.
    pub fn file_id(&self, rel_path: &str) -> Option<FileId> {
        self.files
            .binary_search_by(|f| f.rel_path.as_str().cmp(rel_path))
            .ok()
            .map(|i| FileId(i as u32))
    }
}

/// A Cargo package of the analysed repository.
#[derive(Debug, Clone)]
pub struct Package {
    /// The name in `[package]`, as written (may contain `-`).
    pub name: String,
    /// Folder relative to the root, `/`-separated, empty for the root itself.
    pub dir: String,
    pub edition: Edition,
    pub targets: Vec<Target>,
    /// Every dependency name as code spells it in paths (`-` → `_`), local or external.
    pub dependencies: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    E2015,
    E2018,
    E2021,
    E2024,
}

impl Edition {
    fn parse(text: Option<&str>) -> Edition {
        match text {
            Some("2018") => Edition::E2018,
            Some("2021") => Edition::E2021,
            Some("2024") => Edition::E2024,
            // Cargo's default when a manifest names no edition.
            _ => Edition::E2015,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetKind {
    Lib,
    Bin,
    Test,
    Bench,
    Example,
}

impl TargetKind {
    /// Tests, benches and examples are kept out of the service proposal unless asked for.
    pub fn is_test_only(self) -> bool {
        matches!(self, TargetKind::Test | TargetKind::Bench | TargetKind::Example)
    }
}

/// One crate root of a package: a library, a binary, a test, a bench or an example.
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: TargetKind,
    /// The crate name code uses (`-` → `_`).
    pub crate_name: String,
    /// Prefix of the module ids of this target (`bookstore`, or `shop::bin::server` when the binary's name
    /// collides with another crate of the workspace).
    pub module_prefix: String,
    pub root: FileId,
}

/// Code spells crate names with `_` where Cargo.toml may use `-`.
pub fn crate_ident(name: &str) -> String {
    name.replace('-', "_")
}

pub fn discover(config: &Config, diagnostics: &mut Diagnostics) -> anyhow::Result<Workspace> {
    let input = &config.input;
    let display_root = display_path(input);
    let metadata = std::fs::metadata(input)
        .with_context(|| format!("cannot read {display_root}: no such file or directory"))?;
    let root: PathBuf = if metadata.is_dir() {
        input.clone()
    } else if input.file_name().is_some_and(|name| name == "Cargo.toml") {
        input.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
    } else {
        bail!(
            "{display_root} is not a folder: give the folder of a crate, workspace or repository"
        );
    };
    let root = std::fs::canonicalize(&root)
        .with_context(|| format!("cannot resolve the path {display_root}"))?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".to_owned());

    let (walked, mut read) = walk_and_read(&root, diagnostics);
    let manifests = read_manifests(&root, &walked.manifests, diagnostics);
    let selected = select_packages(&manifests, diagnostics);
    if selected.is_empty() && walked.rust_files.is_empty() {
        bail!("no Rust code found in {display_root}: no Cargo.toml and no .rs file");
    }
    if selected.is_empty() {
        bail!(
            "no Cargo package found in {display_root}: found {} .rs file(s) but no Cargo.toml with a [package]",
            walked.rust_files.len()
        );
    }

    // Each .rs file belongs to the package with the deepest folder containing it, among all packages found
    // (so files of a nested, unselected package are not blamed on its parent).
    let all_package_dirs: Vec<&str> = manifests
        .iter()
        .filter(|(_, m)| m.package.is_some())
        .map(|(dir, _)| dir.as_str())
        .collect();
    let mut files_outside_packages = Vec::new();
    let mut kept: Vec<(String, usize)> = Vec::new();
    for rel in &walked.rust_files {
        let owner = all_package_dirs
            .iter()
            .filter(|dir| is_inside(rel, dir))
            .max_by_key(|dir| dir.len())
            .and_then(|dir| selected.iter().position(|p| p.dir == *dir));
        match owner {
            Some(index) => kept.push((rel.clone(), index)),
            None => files_outside_packages.push(rel.clone()),
        }
    }

    let mut take = |rel: &str| {
        let (text, diagnostic) = read.remove(rel).unwrap_or_else(|| read_source(&root, rel));
        diagnostics.extend(diagnostic);
        text
    };
    let files: Vec<SourceText> = kept.iter().map(|(rel, _)| take(rel)).collect();
    let file_package = kept.iter().map(|(_, index)| *index).collect();
    let sql_files = walked.sql_files.iter().map(|rel| take(rel)).collect();

    let mut workspace = Workspace {
        display_root,
        name,
        packages: Vec::new(),
        files,
        file_package,
        files_outside_packages,
        sql_files,
        web_base: remote::web_base(&root),
    };
    let packages = build_packages(&workspace, selected, &manifests, diagnostics);
    workspace.packages = packages;
    Ok(workspace)
}

/// A file read: its text, and the warning if it could not be read whole.
type FileRead = (SourceText, Option<crate::diagnostics::Diagnostic>);

/// Walks the repository and reads every `.rs` and `.sql` file met, keyed by relative path.
///
/// Why at once: the walk runs on one thread (0.35 ms cold at 10k lines), and reading the files after it on
/// all of them took as long again (0.4–0.7 ms). Each file is handed to the thread pool as the walk meets it,
/// so the other workers read while the walk goes on (discovery 0.96 → 0.89 ms at 10k lines, 5.2 → 4.9 ms at
/// 100k). A file outside the selected packages is read for nothing, and dropped; that is rare, since the walk
/// already leaves out build output and ignored files.
fn walk_and_read(
    root: &Path,
    diagnostics: &mut Diagnostics,
) -> (walk::WalkResult, HashMap<String, FileRead>) {
    let read = Mutex::new(Vec::new());
    let walked = rayon::scope(|scope| {
        walk::walk(root, diagnostics, |rel| {
            let (rel, read) = (rel.to_owned(), &read);
            scope.spawn(move |_| {
                let file = read_source(root, &rel);
                read.lock().unwrap_or_else(PoisonError::into_inner).push((rel, file));
            });
        })
    });
    let read = read.into_inner().unwrap_or_else(PoisonError::into_inner).into_iter().collect();
    (walked, read)
}

fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() { text } else { trimmed.to_owned() }
}

fn is_inside(rel: &str, dir: &str) -> bool {
    dir.is_empty() || rel.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

fn read_manifests(
    root: &Path,
    rel_paths: &[String],
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, Manifest> {
    let mut res = BTreeMap::new();
    for rel in rel_paths {
        let text = match std::fs::read(walk::absolute(root, rel)) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => {
                diagnostics.warning("manifest", rel.clone(), 0, format!("cannot read: {err}"));
                continue;
            }
        };
        match parse_manifest(&text) {
            Ok(manifest) => {
                res.insert(parent_dir(rel).to_owned(), manifest);
            }
            Err(err) => diagnostics.warning(
                "manifest",
                rel.clone(),
                0,
                format!("not valid TOML, skipped: {err}"),
            ),
        }
    }
    res
}

/// A package chosen for analysis, before its targets are known.
struct SelectedPackage {
    dir: String,
}

/// Which packages to analyse, following Cargo's rules as far as they can be read from manifests:
/// - the root is a workspace: its members (globs), minus `exclude`, plus the root package;
/// - the root is a package without `[workspace]`: it and the local path dependencies it pulls in;
/// - otherwise (a folder of crates): every package found, except those a workspace above them does not list.
fn select_packages(
    manifests: &BTreeMap<String, Manifest>,
    diagnostics: &mut Diagnostics,
) -> Vec<SelectedPackage> {
    let is_package = |dir: &str| manifests.get(dir).is_some_and(|m| m.package.is_some());
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    match manifests.get("") {
        Some(root) if root.workspace.is_some() => {
            dirs.extend(workspace_members("", root, manifests, diagnostics));
            if root.package.is_some() {
                dirs.insert(String::new());
            }
        }
        Some(root) if root.package.is_some() => {
            dirs.insert(String::new());
        }
        _ => {
            for (dir, manifest) in manifests {
                if manifest.package.is_none() {
                    continue;
                }
                let governing = manifests.iter().find(|(ws_dir, ws)| {
                    ws.workspace.is_some() && ws_dir.as_str() != dir && is_inside(dir, ws_dir)
                });
                match governing {
                    Some((ws_dir, ws)) => {
                        let members =
                            workspace_members(ws_dir, ws, manifests, &mut Diagnostics::default());
                        if members.contains(dir) {
                            dirs.insert(dir.clone());
                        }
                    }
                    None => {
                        dirs.insert(dir.clone());
                    }
                }
            }
            // Members of nested workspaces whose root has no package are found through the loop above.
            for (ws_dir, ws) in manifests.iter().filter(|(_, m)| m.workspace.is_some()) {
                dirs.extend(workspace_members(ws_dir, ws, manifests, diagnostics));
            }
        }
    }
    // Local path dependencies inside the repository are part of the analysis (Cargo makes them workspace
    // members implicitly).
    let mut queue: Vec<String> = dirs.iter().cloned().collect();
    while let Some(dir) = queue.pop() {
        let Some(manifest) = manifests.get(&dir) else {
            continue;
        };
        let workspace_paths = nearest_workspace(&dir, manifests)
            .map(|(ws_dir, ws)| (ws_dir, ws.path_dependencies.clone()))
            .unwrap_or_default();
        for dependency in &manifest.dependencies {
            let target = match (&dependency.path, dependency.from_workspace) {
                (Some(path), _) => join_normalized(&dir, path),
                (None, true) => workspace_paths
                    .1
                    .iter()
                    .find(|(name, _)| *name == dependency.name)
                    .and_then(|(_, path)| join_normalized(&workspace_paths.0, path)),
                (None, false) => None,
            };
            if let Some(target) = target
                && is_package(&target)
                && dirs.insert(target.clone())
            {
                queue.push(target);
            }
        }
    }
    dirs.into_iter().filter(|dir| is_package(dir)).map(|dir| SelectedPackage { dir }).collect()
}

fn nearest_workspace<'a>(
    dir: &str,
    manifests: &'a BTreeMap<String, Manifest>,
) -> Option<(String, &'a manifest::WorkspaceSection)> {
    manifests
        .iter()
        .filter(|(ws_dir, m)| m.workspace.is_some() && is_inside_or_same(dir, ws_dir))
        .max_by_key(|(ws_dir, _)| ws_dir.len())
        .and_then(|(ws_dir, m)| Some((ws_dir.clone(), m.workspace.as_ref()?)))
}

fn is_inside_or_same(dir: &str, ancestor: &str) -> bool {
    dir == ancestor || is_inside(dir, ancestor)
}

/// The package folders a workspace lists in `members` (glob patterns), minus `exclude`.
fn workspace_members(
    ws_dir: &str,
    manifest: &Manifest,
    manifests: &BTreeMap<String, Manifest>,
    diagnostics: &mut Diagnostics,
) -> BTreeSet<String> {
    let mut res = BTreeSet::new();
    let Some(workspace) = &manifest.workspace else {
        return res;
    };
    let manifest_file =
        if ws_dir.is_empty() { "Cargo.toml".to_owned() } else { format!("{ws_dir}/Cargo.toml") };
    let exclude: Vec<String> =
        workspace.exclude.iter().filter_map(|e| join_normalized(ws_dir, e)).collect();
    for member in &workspace.members {
        let Some(pattern) = join_normalized(ws_dir, member) else {
            diagnostics.warning(
                "workspace",
                manifest_file.clone(),
                0,
                format!("workspace member `{member}` points outside the repository; skipped"),
            );
            continue;
        };
        let matcher = Glob::new(&pattern).map(|g| {
            let mut builder = GlobSetBuilder::new();
            builder.add(g);
            builder.build()
        });
        let matched: Vec<String> = match matcher {
            Ok(Ok(set)) => manifests
                .iter()
                .filter(|(dir, m)| m.package.is_some() && set.is_match(dir.as_str()))
                .map(|(dir, _)| dir.clone())
                .collect(),
            _ => manifests.keys().filter(|dir| **dir == pattern).cloned().collect(),
        };
        if matched.is_empty() {
            diagnostics.push(
                Severity::Warning,
                "workspace",
                manifest_file.clone(),
                0,
                format!(
                    "workspace member `{member}` not found (no Cargo.toml with a [package] there)"
                ),
            );
        }
        for dir in matched {
            let excluded = exclude.iter().any(|e| is_inside_or_same(&dir, e));
            if !excluded {
                res.insert(dir);
            }
        }
    }
    res
}

fn read_source(root: &Path, rel: &str) -> FileRead {
    let path = walk::absolute(root, rel);
    let diagnostic = |message: String| crate::diagnostics::Diagnostic {
        file: rel.to_owned(),
        line: 0,
        severity: Severity::Warning,
        category: "read",
        message,
    };
    let empty = |rel: &str| SourceText { rel_path: rel.to_owned(), text: String::new() };
    // The size comes from the open file, not from a second lookup of its path, and at most the limit is read
    // whatever the file grows to meanwhile.
    let read = std::fs::File::open(&path).and_then(|file| {
        let size = file.metadata()?.len();
        if size > MAX_FILE_BYTES {
            return Ok(Err(size));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        // Grown past the limit since its size was read.
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Ok(Err(bytes.len() as u64));
        }
        Ok(Ok(bytes))
    });
    match read {
        Ok(Ok(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => (SourceText { rel_path: rel.to_owned(), text }, None),
            Err(err) => {
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let message =
                    "not valid UTF-8; read with replacement characters, names may be wrong"
                        .to_owned();
                (SourceText { rel_path: rel.to_owned(), text }, Some(diagnostic(message)))
            }
        },
        Ok(Err(size)) => {
            let message = format!(
                "file is {} MiB, over the {} MiB limit; not parsed",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            );
            (empty(rel), Some(diagnostic(message)))
        }
        Err(err) => (empty(rel), Some(diagnostic(format!("cannot read: {err}")))),
    }
}

/// Targets of each selected package, from its manifest and Cargo's conventional layout.
fn build_packages(
    workspace: &Workspace,
    selected: Vec<SelectedPackage>,
    manifests: &BTreeMap<String, Manifest>,
    diagnostics: &mut Diagnostics,
) -> Vec<Package> {
    let mut packages = Vec::new();
    // Library crate names that exist, so a binary of the same name gets a distinct module prefix.
    let mut lib_names: BTreeSet<String> = BTreeSet::new();
    for selected in &selected {
        if let Some(manifest) = manifests.get(&selected.dir)
            && let Some(package) = &manifest.package
        {
            let lib = manifest.lib.as_ref();
            let path = lib.and_then(|l| l.path.clone()).unwrap_or_else(|| "src/lib.rs".to_owned());
            let exists =
                join_normalized(&selected.dir, &path).and_then(|p| workspace.file_id(&p)).is_some();
            if exists {
                let name = lib.and_then(|l| l.name.clone()).unwrap_or_else(|| package.name.clone());
                lib_names.insert(crate_ident(&name));
            }
        }
    }
    let mut used_prefixes: BTreeSet<String> = BTreeSet::new();
    for selected in selected {
        let dir = selected.dir;
        let Some(manifest) = manifests.get(&dir) else {
            continue;
        };
        let Some(section) = &manifest.package else {
            continue;
        };
        let manifest_file =
            if dir.is_empty() { "Cargo.toml".to_owned() } else { format!("{dir}/Cargo.toml") };
        let edition_text = if section.edition_from_workspace {
            nearest_workspace(&dir, manifests).and_then(|(_, ws)| ws.edition.clone())
        } else {
            section.edition.clone()
        };
        let package_ident = crate_ident(&section.name);
        let at = |rel: &str| join_normalized(&dir, rel).and_then(|p| workspace.file_id(&p));
        let mut targets = Vec::new();

        // Library.
        let lib_name = manifest
            .lib
            .as_ref()
            .and_then(|l| l.name.clone())
            .map(|n| crate_ident(&n))
            .unwrap_or_else(|| package_ident.clone());
        let lib_path = manifest.lib.as_ref().and_then(|l| l.path.clone());
        match lib_path.as_deref().or(Some("src/lib.rs")).and_then(at) {
            Some(root) => {
                used_prefixes.insert(lib_name.clone());
                targets.push(Target {
                    kind: TargetKind::Lib,
                    crate_name: lib_name.clone(),
                    module_prefix: lib_name.clone(),
                    root,
                });
            }
            None => {
                if let Some(path) = lib_path {
                    diagnostics.warning(
                        "manifest",
                        manifest_file.clone(),
                        0,
                        format!("[lib] path `{path}` not found"),
                    );
                }
            }
        }

        // Binaries: explicit [[bin]] entries, then Cargo's auto-discovered ones.
        let mut bins: Vec<(String, FileId)> = Vec::new();
        for bin in &manifest.bins {
            let name = bin.name.clone().unwrap_or_else(|| section.name.clone());
            let path = bin.path.clone().unwrap_or_else(|| {
                if name == section.name {
                    "src/main.rs".to_owned()
                } else {
                    format!("src/bin/{name}.rs")
                }
            });
            match at(&path) {
                Some(root) => bins.push((name, root)),
                None => diagnostics.warning(
                    "manifest",
                    manifest_file.clone(),
                    0,
                    format!("[[bin]] `{name}`: file `{path}` not found"),
                ),
            }
        }
        if section.autobins {
            if let Some(root) = at("src/main.rs") {
                bins.push((section.name.clone(), root));
            }
            bins.extend(auto_targets(workspace, &dir, "src/bin"));
        }
        bins.sort_by_key(|b| b.1);
        bins.dedup_by(|a, b| a.1 == b.1);
        for (name, root) in bins {
            let ident = crate_ident(&name);
            // A binary shares its name with the package's library in most crates: its modules then live under
            // `<package>::bin::<name>` so ids stay unique.
            let module_prefix = if lib_names.contains(&ident) || used_prefixes.contains(&ident) {
                format!("{package_ident}::bin::{ident}")
            } else {
                ident.clone()
            };
            used_prefixes.insert(module_prefix.clone());
            targets.push(Target { kind: TargetKind::Bin, crate_name: ident, module_prefix, root });
        }

        // Test-only targets: tests/, benches/, examples/ (and explicit entries).
        for (kind, folder, explicit) in [
            (TargetKind::Test, "tests", &manifest.tests),
            (TargetKind::Bench, "benches", &manifest.benches),
            (TargetKind::Example, "examples", &manifest.examples),
        ] {
            let mut found: Vec<(String, FileId)> = auto_targets(workspace, &dir, folder);
            for target in explicit {
                if let Some(path) = &target.path
                    && let Some(root) = at(path)
                {
                    let name = target.name.clone().unwrap_or_else(|| file_stem(path));
                    found.push((name, root));
                }
            }
            found.sort_by_key(|f| f.1);
            found.dedup_by(|a, b| a.1 == b.1);
            for (name, root) in found {
                let ident = crate_ident(&name);
                targets.push(Target {
                    kind,
                    crate_name: ident.clone(),
                    module_prefix: format!("{package_ident}::{folder}::{ident}"),
                    root,
                });
            }
        }

        let dependencies = manifest.dependencies.iter().map(|d| crate_ident(&d.name)).collect();
        if targets.is_empty() {
            diagnostics.warning(
                "manifest",
                manifest_file,
                0,
                format!("package `{}` has no crate root (no src/lib.rs, src/main.rs or declared target)", section.name),
            );
        }
        packages.push(Package {
            name: section.name.clone(),
            dir,
            edition: Edition::parse(edition_text.as_deref()),
            targets,
            dependencies,
        });
    }
    packages
}

/// Cargo's auto-discovered targets in a folder: `folder/name.rs` and `folder/name/main.rs`.
fn auto_targets(workspace: &Workspace, package_dir: &str, folder: &str) -> Vec<(String, FileId)> {
    let Some(base) = join_normalized(package_dir, folder) else {
        return Vec::new();
    };
    let prefix = format!("{base}/");
    let start = workspace.files.partition_point(|f| f.rel_path.as_str() < prefix.as_str());
    workspace.files[start..]
        .iter()
        .enumerate()
        .take_while(|(_, f)| f.rel_path.starts_with(&prefix))
        .filter_map(|(offset, f)| {
            let rest = &f.rel_path[prefix.len()..];
            let name = match rest.split_once('/') {
                None => rest.strip_suffix(".rs")?,
                Some((dir, "main.rs")) => dir,
                Some(_) => return None,
            };
            Some((name.to_owned(), FileId((start + offset) as u32)))
        })
        .collect()
}

fn file_stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".rs").unwrap_or(file).to_owned()
}
