//! The module tree of every crate: from each crate root, follow `mod` declarations to files.
//!
//! `mod foo;` is looked up as `foo.rs` or `foo/mod.rs` next to a crate root or `mod.rs` file, and under
//! `<stem>/` next to any other file (Rust 2018 layout); `#[path = ".."]` overrides that; inline `mod x { .. }`
//! blocks are modules of the same file. The walk is depth-capped (as rust-analyzer's `MOD_DEPTH_LIMIT`) and a
//! file is included at most once per crate, so `#[path]` cycles end with a diagnostic. Several crates may
//! include the same file (a `tests/common.rs` shared by test crates, a file both `lib.rs` and `main.rs`
//! declare): as in rustc, each crate then has its own module for it. A declaration whose file is
//! missing, or would be outside the repository, is a diagnostic and the run goes on. Files no root reaches are
//! orphans.

use crate::diagnostics::Diagnostics;
use crate::discover::{Workspace, join_normalized, parent_dir};
use std::collections::HashMap;

use crate::extract::{FileSummary, ScopeIdx};
use crate::source::FileId;

use super::{Module, ModuleId};

/// Deeper module nesting than this is treated as a cycle or a generated pathology.
const MOD_DEPTH_LIMIT: usize = 32;

pub(super) struct ModuleTree {
    pub(super) modules: Vec<Module>,
    /// For each file, whether any crate root reaches it.
    pub(super) reached: Vec<bool>,
}

pub(super) fn build(
    workspace: &Workspace,
    summaries: &[FileSummary],
    diagnostics: &mut Diagnostics,
) -> ModuleTree {
    let mut tree = ModuleTree { modules: Vec::new(), reached: vec![false; workspace.files.len()] };
    for (package_index, package) in workspace.packages.iter().enumerate() {
        for (target_index, target) in package.targets.iter().enumerate() {
            // Files loaded in this crate, with the module that loaded them.
            let mut loaded: HashMap<FileId, ModuleId> = HashMap::new();
            let root = push_module(
                &mut tree,
                &mut loaded,
                Module {
                    path: target.module_prefix.clone(),
                    name: target.crate_name.clone(),
                    package: package_index,
                    target: target_index,
                    file: target.root,
                    scope: 0,
                    line: 1,
                    parent: None,
                    test_only: target.kind.is_test_only(),
                    is_crate_root: true,
                    code_lines: 0,
                    generated_table: None,
                },
            );
            let dir = parent_dir(&workspace.file(target.root).rel_path).to_owned();
            let mut stack = vec![(root, dir, 0usize)];
            while let Some((module, child_dir, depth)) = stack.pop() {
                let mut cx = Expansion {
                    workspace,
                    summaries,
                    tree: &mut tree,
                    loaded: &mut loaded,
                    diagnostics,
                };
                let children = cx.expand(module, &child_dir, depth);
                // Reverse so the first declaration is expanded first (stable, reader-friendly ids order).
                stack.extend(children.into_iter().rev());
            }
        }
    }
    tree
}

fn push_module(
    tree: &mut ModuleTree,
    loaded: &mut HashMap<FileId, ModuleId>,
    module: Module,
) -> ModuleId {
    let id = ModuleId(tree.modules.len() as u32);
    if module.scope == 0 {
        tree.reached[module.file.index()] = true;
        loaded.insert(module.file, id);
    }
    tree.modules.push(module);
    id
}

/// What expanding one module needs: the inputs, the tree being built and the files this crate has loaded.
struct Expansion<'a> {
    workspace: &'a Workspace,
    summaries: &'a [FileSummary],
    tree: &'a mut ModuleTree,
    loaded: &'a mut HashMap<FileId, ModuleId>,
    diagnostics: &'a mut Diagnostics,
}

impl Expansion<'_> {
    /// Creates the child modules of `module` (inline blocks of its scope and its `mod x;` declarations) and returns
    /// those whose own children still need expanding, with the folder their `mod x;` children live in.
    fn expand(
        &mut self,
        module: ModuleId,
        child_dir: &str,
        depth: usize,
    ) -> Vec<(ModuleId, String, usize)> {
        let Expansion { workspace, summaries, tree, loaded, diagnostics } = self;
        let (workspace, summaries) = (*workspace, *summaries);
        let parent = tree.modules[module.index()].clone();
        let summary = &summaries[parent.file.index()];
        let file_path = &workspace.file(parent.file).rel_path;
        let mut res = Vec::new();
        if depth >= MOD_DEPTH_LIMIT {
            diagnostics.warning(
                "module-tree",
                file_path.clone(),
                0,
                format!(
                    "modules nested deeper than {MOD_DEPTH_LIMIT} levels; the rest is not followed"
                ),
            );
            return res;
        }

        // Inline modules of this scope.
        for (index, scope) in summary.scopes.iter().enumerate() {
            if scope.parent != Some(parent.scope) {
                continue;
            }
            let id = push_module(
                tree,
                loaded,
                Module {
                    path: format!("{}::{}", parent.path, scope.name),
                    name: scope.name.clone(),
                    package: parent.package,
                    target: parent.target,
                    file: parent.file,
                    scope: index as ScopeIdx,
                    line: scope.line,
                    parent: Some(module),
                    test_only: parent.test_only || scope.test_only,
                    is_crate_root: false,
                    code_lines: 0,
                    generated_table: None,
                },
            );
            let name = scope.path_attr.as_deref().unwrap_or(&scope.name);
            let dir = join_normalized(child_dir, name).unwrap_or_default();
            res.push((id, dir, depth + 1));
        }

        // `mod x;` declarations of this scope.
        for decl in summary.mod_decls.iter().filter(|d| d.scope == parent.scope) {
            let candidates: Vec<Option<String>> = match &decl.path_attr {
                // `#[path]` in a file scope is relative to the file's folder; inside inline modules, to their folder.
                Some(path) if parent.scope == 0 => {
                    vec![join_normalized(parent_dir(file_path), path)]
                }
                Some(path) => vec![join_normalized(child_dir, path)],
                None => vec![
                    join_normalized(child_dir, &format!("{}.rs", decl.name)),
                    join_normalized(child_dir, &format!("{}/mod.rs", decl.name)),
                ],
            };
            if candidates.iter().all(Option::is_none) {
                diagnostics.warning(
                    "missing-module",
                    file_path.clone(),
                    decl.line,
                    format!("`mod {}` points outside the repository; not followed", decl.name),
                );
                continue;
            }
            let found =
                candidates.iter().flatten().find_map(|c| workspace.file_id(c).map(|id| (id, c)));
            let Some((file, found_path)) = found else {
                let tried: Vec<&str> = candidates.iter().flatten().map(String::as_str).collect();
                diagnostics.warning(
                    "missing-module",
                    file_path.clone(),
                    decl.line,
                    format!(
                        "file for `mod {}` not found (looked for {})",
                        decl.name,
                        tried.join(" and ")
                    ),
                );
                continue;
            };
            if let Some(existing) = loaded.get(&file) {
                let existing = &tree.modules[existing.index()].path;
                diagnostics.warning(
                "module-tree",
                file_path.clone(),
                decl.line,
                format!(
                    "`mod {}`: {found_path} is already loaded as `{existing}`; not loaded twice",
                    decl.name
                ),
            );
                continue;
            }
            if workspace.file_package[file.index()] != parent.package {
                diagnostics.warning(
                    "module-tree",
                    file_path.clone(),
                    decl.line,
                    format!(
                        "`mod {}`: {found_path} belongs to another package; not followed",
                        decl.name
                    ),
                );
                continue;
            }
            let id = push_module(
                tree,
                loaded,
                Module {
                    path: format!("{}::{}", parent.path, decl.name),
                    name: decl.name.clone(),
                    package: parent.package,
                    target: parent.target,
                    file,
                    scope: 0,
                    line: 1,
                    parent: Some(module),
                    test_only: parent.test_only || decl.test_only,
                    is_crate_root: false,
                    code_lines: 0,
                    generated_table: None,
                },
            );
            // Children of a `mod.rs` file or a `#[path]` file live next to it; of `x.rs`, under `x/`.
            let own_dir = parent_dir(found_path);
            let is_mod_rs = found_path.ends_with("/mod.rs")
                || found_path == "mod.rs"
                || decl.path_attr.is_some();
            let dir = if is_mod_rs {
                own_dir.to_owned()
            } else {
                join_normalized(own_dir, &decl.name).unwrap_or_default()
            };
            res.push((id, dir, depth + 1));
        }
        res
    }
}
