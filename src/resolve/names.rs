//! Namespaces, imports and path resolution (the `DefMap` role).
//!
//! Phases: (1) place every item in its module; (2) give each module its namespace of items and child modules;
//! (3) resolve `use` imports to a fixed point, because an import may go through another module's import or
//! `pub use` re-export (bounded rounds, so import cycles end); (4) resolve every reference from the module it
//! is written in. Visibility is not checked: code that compiles only names what it may, and checking it would
//! only hide real coupling.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use rayon::prelude::*;

use crate::discover::{Edition, Workspace};
use crate::extract::{FileSummary, ImportBinding, ItemKind, Name, RefKind, ScopeIdx};
use crate::source::FileId;

use super::{
    DataRef, DependencyKind, ItemId, ItemInfo, Locator, Module, ModuleId, ResolutionStats,
    Resolved, ResolvedRef,
};

/// Rounds of import resolution; real code settles in 2–4, the cap ends import cycles.
const MAX_IMPORT_ROUNDS: usize = 16;
/// Glob imports followed through at most this many modules (globs may form cycles).
const MAX_GLOB_DEPTH: u32 = 6;
/// Crates every Rust crate can name without declaring them.
const SYSROOT_CRATES: [&str; 5] = ["std", "core", "alloc", "proc_macro", "test"];

/// Method names so common in the standard library and popular crates that a call by that name says nothing
/// about which type is called, even when the analysed code defines one method of that name.
const AMBIGUOUS_METHOD_NAMES: &[&str] = &[
    "all",
    "and_then",
    "any",
    "as_bytes",
    "as_deref",
    "as_mut",
    "as_ref",
    "as_slice",
    "as_str",
    "await",
    "borrow",
    "borrow_mut",
    "build",
    "bytes",
    "chars",
    "clear",
    "clone",
    "cloned",
    "cmp",
    "collect",
    "contains",
    "contains_key",
    "copied",
    "count",
    "default",
    "drain",
    "entry",
    "eq",
    "err",
    "execute",
    "expect",
    "extend",
    "filter",
    "filter_map",
    "find",
    "first",
    "flat_map",
    "flatten",
    "fmt",
    "fold",
    "for_each",
    "from",
    "get",
    "get_mut",
    "hash",
    "insert",
    "into",
    "into_iter",
    "is_empty",
    "is_none",
    "is_some",
    "iter",
    "iter_mut",
    "join",
    "json",
    "keys",
    "last",
    "len",
    "lines",
    "lock",
    "map",
    "map_err",
    "max",
    "min",
    "new",
    "next",
    "ok",
    "ok_or",
    "ok_or_else",
    "or_insert",
    "parse",
    "partial_cmp",
    "position",
    "push",
    "push_str",
    "read",
    "remove",
    "retain",
    "rev",
    "run",
    "send",
    "set",
    "skip",
    "sort",
    "sort_by",
    "split",
    "sum",
    "take",
    "to_lowercase",
    "to_owned",
    "to_string",
    "to_uppercase",
    "to_vec",
    "trim",
    "try_into",
    "unwrap",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "values",
    "with",
    "write",
    "zip",
];

/// Names every module sees without importing them: the std prelude's types and variants and the primitive
/// types. A path starting with one (`String::from`, `Vec::new`, `u32::MAX`) is a use of std.
const PRELUDE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Iterator",
    "IntoIterator",
    "Extend",
    "FromIterator",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Fn",
    "FnMut",
    "FnOnce",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Debug",
    "Hash",
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
];

/// A generic type parameter (`T::Output`, `S::Error`): resolved by the caller's type, not by a path.
fn is_generic_parameter(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.as_str().len() <= 1
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Def {
    Module(ModuleId),
    Item(ItemId),
    /// A crate outside the analysed code (a dependency or the sysroot).
    External(Name),
}

/// An import of one module instance, borrowed from its file's summary.
struct PendingImport<'s> {
    module: ModuleId,
    path: &'s [Name],
    binding: &'s ImportBinding,
    file: FileId,
    line: u32,
    test_only: bool,
    resolved: Option<Def>,
}

struct Namespaces {
    /// Items and child modules defined in each module.
    defs: Vec<HashMap<Name, Def>>,
    /// Named imports resolved so far.
    imports: Vec<HashMap<Name, Def>>,
    /// Glob imports resolved so far.
    globs: Vec<Vec<Def>>,
    /// The crate root of each module's crate.
    crate_root: Vec<ModuleId>,
    /// Names visible from each package outside its modules, in the order they shadow each other: workspace
    /// libraries (as their root module) and dependencies, then the sysroot crates, then the std prelude and
    /// primitive types (as `std`). One map, so that a name no module defines (a local variable, most often)
    /// costs one lookup instead of a search through three lists.
    extern_names: Vec<HashMap<String, Def>>,
    /// 2015-edition packages resolve `use` paths from the crate root.
    edition_2015: Vec<bool>,
    /// Once imports are final: every name some glob import can reach (the names of the modules that are
    /// the target of a glob). A name outside it (a local variable, a name only an external crate's glob
    /// brings in) fails without a search through the globs.
    glob_names: Option<FxHashSet<Name>>,
}

impl Namespaces {
    fn lookup_in(&self, module: ModuleId, name: &str, depth: u32) -> Option<Def> {
        if let Some(def) = self.lookup_own(module, name) {
            return Some(def);
        }
        if depth >= MAX_GLOB_DEPTH
            || self.globs[module.index()].is_empty()
            || self.glob_names.as_ref().is_some_and(|names| !names.contains(name))
        {
            return None;
        }
        let mut searched = HashMap::default();
        searched.insert(module, depth);
        self.lookup_in_globs(module, name, depth, &mut searched)
    }

    /// A name defined or imported by the module itself.
    fn lookup_own(&self, module: ModuleId, name: &str) -> Option<Def> {
        let m = module.index();
        self.defs[m].get(name).or_else(|| self.imports[m].get(name)).cloned()
    }

    /// Depth-first through the module's glob imports, in their order, as far as [`MAX_GLOB_DEPTH`]. A module
    /// already searched at the same or a smaller depth is not searched again: that search had at least as
    /// much depth left and found nothing (or is still under way, further up: a cycle). Without this, globs
    /// that lead back and forth (a module re-exporting a thousand generated children with `pub use
    /// child::*`, each of which says `use super::*`, as web-sys does) made each failing lookup visit
    /// (fan-out)³ modules (down to a child, back up to the parent, three times): half an hour on one crate.
    /// Now each module is searched at most [`MAX_GLOB_DEPTH`] times per lookup. The first match stays the
    /// unbounded search's: a module searched before found nothing; a path through an ancestor still being
    /// searched reaches only what that ancestor's own search reaches, so it could differ only where two globs
    /// bring in different items of one name, which rustc rejects as ambiguous.
    fn lookup_in_globs(
        &self,
        module: ModuleId,
        name: &str,
        depth: u32,
        searched: &mut HashMap<ModuleId, u32>,
    ) -> Option<Def> {
        self.globs[module.index()].iter().find_map(|glob| {
            let Def::Module(target) = glob else {
                return None;
            };
            let at = depth + 1;
            // A glob of a module into itself is caught here too: the module is in `searched` at `depth`.
            if searched.get(target).is_some_and(|&before| before <= at) {
                return None;
            }
            searched.insert(*target, at);
            if let Some(def) = self.lookup_own(*target, name) {
                return Some(def);
            }
            if at >= MAX_GLOB_DEPTH {
                return None;
            }
            self.lookup_in_globs(*target, name, at, searched)
        })
    }

    /// The first segment of a path: the module's own namespace, then the extern prelude.
    fn lookup_first(&self, modules: &[Module], module: ModuleId, name: &str) -> Option<Def> {
        if let Some(def) = self.lookup_in(module, name, 0) {
            return Some(def);
        }
        let package = modules[module.index()].package;
        if let Some(def) = self.extern_names[package].get(name) {
            return Some(def.clone());
        }
        is_generic_parameter(name).then(|| Def::External(Name::new_static("std")))
    }

    /// Resolves a path as far as it goes: a path into a module whose last segments are unknown still names
    /// that module; a path through a type (`Order::new`, `Status::Paid`) names the type.
    fn resolve_path(
        &self,
        modules: &[Module],
        items: &[ItemInfo],
        module: ModuleId,
        path: &[Name],
        self_type: Option<&str>,
        from_root_fallback: bool,
    ) -> Option<Def> {
        let first = path.first()?;
        let mut rest = &path[1..];
        let mut current = match first.as_str() {
            "crate" => Def::Module(self.crate_root[module.index()]),
            "self" => Def::Module(module),
            "super" => {
                let mut m = modules[module.index()].parent?;
                while rest.first().is_some_and(|s| s == "super") {
                    m = modules[m.index()].parent?;
                    rest = &rest[1..];
                }
                Def::Module(m)
            }
            "Self" => self.lookup_first(modules, module, self_type?)?,
            name => match self.lookup_first(modules, module, name) {
                Some(def) => def,
                None if from_root_fallback => {
                    self.lookup_in(self.crate_root[module.index()], name, 0)?
                }
                None => return None,
            },
        };
        for segment in rest {
            match &current {
                Def::Module(m) => match self.lookup_in(*m, segment, 0) {
                    Some(def) => current = def,
                    None => break,
                },
                Def::Item(item) if items[item.index()].kind == ItemKind::TypeAlias => break,
                Def::Item(_) | Def::External(_) => break,
            }
        }
        Some(current)
    }
}

pub(super) fn resolve_names(
    workspace: &Workspace,
    summaries: &[FileSummary],
    mut modules: Vec<Module>,
    orphans: Vec<FileId>,
) -> Resolved {
    // A file included by several crates has one module per crate (rustc compiles it once per crate).
    let mut scope_module: HashMap<(FileId, ScopeIdx), Vec<ModuleId>> = HashMap::default();
    for (i, m) in modules.iter().enumerate() {
        scope_module.entry((m.file, m.scope)).or_default().push(ModuleId(i as u32));
    }
    let instances = |file: FileId, scope: ScopeIdx| -> &[ModuleId] {
        scope_module.get(&(file, scope)).map_or(&[], Vec::as_slice)
    };
    for module in &mut modules {
        module.code_lines = summaries[module.file.index()].scopes[module.scope as usize].code_lines;
    }

    // Phase 1: items, and each file's local item index → its ItemId in each module instance. Each file's items
    // are built in parallel; ids are then given in file order, as one pass over the files would give them.
    let per_file: Vec<(Vec<ItemInfo>, Vec<bool>, Vec<u32>)> = summaries
        .par_iter()
        .enumerate()
        .map(|(file_index, summary)| {
            let file = FileId(file_index as u32);
            let (mut infos, mut in_trait_impl) = (Vec::new(), Vec::new());
            // Where each item's ids start within the file's (see `Locator::item_ids`).
            let mut starts = Vec::with_capacity(summary.items.len() + 1);
            starts.push(0);
            for item in &summary.items {
                let modules_of_item = instances(file, item.scope);
                for &module in modules_of_item {
                    infos.push(ItemInfo {
                        module,
                        name: item.name.clone(),
                        kind: item.kind,
                        line: item.line,
                        is_pub: item.is_pub,
                        test_only: item.test_only || modules[module.index()].test_only,
                        parent: item.parent.clone(),
                        is_mut: item.is_mut,
                        type_text: item.type_text.clone(),
                    });
                    in_trait_impl.push(item.in_trait_impl);
                }
                starts.push(infos.len() as u32);
            }
            (infos, in_trait_impl, starts)
        })
        .collect();
    let total_items = per_file.iter().map(|(infos, _, _)| infos.len()).sum();
    let mut items: Vec<ItemInfo> = Vec::with_capacity(total_items);
    let mut item_in_trait_impl: Vec<bool> = Vec::with_capacity(total_items);
    let mut item_ids: Vec<Vec<u32>> = Vec::with_capacity(summaries.len());
    for (infos, in_trait_impl, mut starts) in per_file {
        let first = items.len() as u32;
        starts.iter_mut().for_each(|start| *start += first);
        item_ids.push(starts);
        items.extend(infos);
        item_in_trait_impl.extend(in_trait_impl);
    }

    // Phase 1b: the modules diesel's `table!` generates, so paths to tables and columns resolve.
    let file_modules = modules.len();
    for index in 0..file_modules {
        let parent = modules[index].clone();
        let bodies = summaries[parent.file.index()]
            .macro_bodies
            .iter()
            .filter(|b| b.scope == parent.scope && b.name == "table");
        for body in bodies {
            for table in crate::data_access::diesel_schema::parse_table_macro(&body.body) {
                let generated = Module {
                    path: format!("{}::{}", parent.path, table.name),
                    name: table.name.clone(),
                    line: body.line + table.line_in_body,
                    parent: Some(ModuleId(index as u32)),
                    is_crate_root: false,
                    code_lines: 0,
                    generated_table: Some(table.sql_name.clone()),
                    ..parent.clone()
                };
                let table_module = ModuleId(modules.len() as u32);
                modules.push(generated.clone());
                let dsl_module = ModuleId(modules.len() as u32);
                modules.push(Module {
                    path: format!("{}::dsl", generated.path),
                    name: "dsl".to_owned(),
                    parent: Some(table_module),
                    ..generated.clone()
                });
                let mut add = |module: ModuleId, name: &str, kind: ItemKind| {
                    items.push(ItemInfo {
                        module,
                        name: Name::new(name),
                        kind,
                        line: generated.line,
                        is_pub: true,
                        test_only: generated.test_only,
                        parent: None,
                        is_mut: false,
                        type_text: None,
                    });
                    item_in_trait_impl.push(false);
                };
                add(table_module, "table", ItemKind::Struct);
                add(dsl_module, &table.name, ItemKind::Struct);
                for column in
                    table.columns.iter().map(String::as_str).chain(["all_columns", "star"])
                {
                    add(table_module, column, ItemKind::Const);
                    add(dsl_module, column, ItemKind::Const);
                }
            }
        }
    }

    // Phase 2: namespaces.
    let n = modules.len();
    let mut ns = Namespaces {
        defs: vec![HashMap::default(); n],
        imports: vec![HashMap::default(); n],
        globs: vec![Vec::new(); n],
        crate_root: Vec::with_capacity(n),
        extern_names: Vec::new(),
        edition_2015: workspace.packages.iter().map(|p| p.edition == Edition::E2015).collect(),
        glob_names: None,
    };
    for (index, module) in modules.iter().enumerate() {
        let mut root = ModuleId(index as u32);
        while let Some(parent) = modules[root.index()].parent {
            root = parent;
        }
        ns.crate_root.push(root);
        if let Some(parent) = module.parent {
            ns.defs[parent.index()]
                .entry(Name::new(&module.name))
                .or_insert(Def::Module(ModuleId(index as u32)));
        }
    }
    for (index, item) in items.iter().enumerate() {
        if item.kind.is_nameable() && !item.name.is_empty() {
            ns.defs[item.module.index()]
                .entry(item.name.clone())
                .or_insert(Def::Item(ItemId(index as u32)));
        }
    }
    // Library crate roots by crate name, so `use clinic_common::db` reaches the other crate's modules.
    let mut libraries: HashMap<String, ModuleId> = HashMap::default();
    for (index, module) in modules.iter().enumerate() {
        let package = &workspace.packages[module.package];
        let target = &package.targets[module.target];
        if module.is_crate_root && target.kind == crate::discover::TargetKind::Lib {
            libraries.entry(target.crate_name.clone()).or_insert(ModuleId(index as u32));
        }
    }
    for package in &workspace.packages {
        let mut names: HashMap<String, Def> = HashMap::default();
        for dependency in &package.dependencies {
            let def = match libraries.get(dependency) {
                Some(root) => Def::Module(*root),
                None => Def::External(Name::new(dependency)),
            };
            names.insert(dependency.clone(), def);
        }
        // Binaries, tests and examples name their own package's library.
        for target in &package.targets {
            if let Some(root) = libraries.get(&target.crate_name) {
                names.entry(target.crate_name.clone()).or_insert(Def::Module(*root));
            }
        }
        for name in SYSROOT_CRATES {
            names.entry(name.to_owned()).or_insert_with(|| Def::External(Name::new_static(name)));
        }
        for name in PRELUDE_NAMES {
            names.entry((*name).to_owned()).or_insert(Def::External(Name::new_static("std")));
        }
        ns.extern_names.push(names);
    }

    // Phase 3: imports to a fixed point.
    let mut pending: Vec<PendingImport> = Vec::new();
    for (file_index, summary) in summaries.iter().enumerate() {
        let file = FileId(file_index as u32);
        for import in &summary.imports {
            for &module in instances(file, import.scope) {
                pending.push(PendingImport {
                    module,
                    path: &import.path,
                    binding: &import.binding,
                    file,
                    line: import.line,
                    test_only: import.test_only || modules[module.index()].test_only,
                    resolved: None,
                });
            }
        }
    }
    for _ in 0..MAX_IMPORT_ROUNDS {
        let mut changed = false;
        for import in pending.iter_mut().filter(|i| i.resolved.is_none()) {
            let fallback =
                ns.edition_2015[modules[import.module.index()].package] || import.path.len() > 1;
            let Some(def) =
                ns.resolve_path(&modules, &items, import.module, import.path, None, fallback)
            else {
                continue;
            };
            // A path that stopped early (a module whose item is unknown) may resolve further next round.
            let complete = resolves_fully(&ns, &modules, import, &def);
            if !complete {
                continue;
            }
            let m = import.module.index();
            match import.binding {
                ImportBinding::Name(name) => {
                    ns.imports[m].entry(Name::new(name)).or_insert(def.clone());
                }
                ImportBinding::Glob => ns.globs[m].push(def.clone()),
                ImportBinding::Underscore => {}
            }
            import.resolved = Some(def);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    // Imports that only resolved part of the way still name a module: keep that as evidence.
    for import in pending.iter_mut().filter(|i| i.resolved.is_none()) {
        import.resolved = ns.resolve_path(&modules, &items, import.module, import.path, None, true);
    }

    // Phase 4: references. Imports are final now: each module's names go into one map (its own items first,
    // as `lookup_in` orders them), so that a lookup hashes the name once.
    for (defs, imports) in ns.defs.iter_mut().zip(&mut ns.imports) {
        for (name, def) in imports.drain() {
            defs.entry(name).or_insert(def);
        }
    }
    let mut glob_targets = vec![false; n];
    for def in ns.globs.iter().flatten() {
        if let Def::Module(target) = def {
            glob_targets[target.index()] = true;
        }
    }
    ns.glob_names = Some(
        ns.defs
            .iter()
            .zip(glob_targets)
            .filter(|(_, target)| *target)
            .flat_map(|(defs, _)| defs.keys().cloned())
            .collect(),
    );
    let mut method_index: HashMap<&str, Vec<ItemId>> = HashMap::default();
    for (index, item) in items.iter().enumerate() {
        if item.kind == ItemKind::Method && !item.test_only && !item.name.is_empty() {
            method_index.entry(item.name.as_str()).or_default().push(ItemId(index as u32));
        }
    }
    method_index.retain(|name, candidates| {
        candidates.retain(|id| !item_in_trait_impl[id.index()]);
        let first_module = candidates.first().map(|id| items[id.index()].module);
        !candidates.is_empty()
            && !AMBIGUOUS_METHOD_NAMES.contains(name)
            && candidates.iter().all(|id| Some(items[id.index()].module) == first_module)
    });

    // The references of imports, by file: each file's part is sorted with the file's other references.
    let mut import_refs: Vec<Vec<ResolvedRef>> = vec![Vec::new(); summaries.len()];
    let mut data_refs: Vec<DataRef> = Vec::new();
    let mut external: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); workspace.packages.len()];
    let mut stats = ResolutionStats::default();
    let target_module = |def: &Def| -> Option<(ModuleId, Option<ItemId>)> {
        match def {
            Def::Module(m) => Some((*m, None)),
            Def::Item(i) => Some((items[i.index()].module, Some(*i))),
            Def::External(_) => None,
        }
    };

    for import in &pending {
        let Some(def) = &import.resolved else {
            stats.record_unresolved(import.file, import.line, import.path);
            continue;
        };
        match def {
            Def::External(name) => {
                stats.external += 1;
                count_external(&mut external, &modules, import.module, name);
            }
            _ => {
                stats.internal += 1;
                if let Some((to, to_item)) = target_module(def)
                    && to != import.module
                {
                    import_refs[import.file.index()].push(ResolvedRef {
                        from: import.module,
                        from_item: None,
                        to,
                        to_item,
                        kind: DependencyKind::Import,
                        file: import.file,
                        line: import.line,
                        weak: false,
                        test_only: import.test_only,
                    });
                }
            }
        }
    }

    // Each file's references resolve independently against the finished namespaces: in parallel, merged
    // in file order so that every list (and the first unresolved examples) is as a sequential pass makes it.
    let n_packages = workspace.packages.len();
    let per_file: Vec<FileRefs> = summaries
        .par_iter()
        .zip(import_refs)
        .enumerate()
        .map(|(file_index, (summary, mut references))| {
            let mut data_refs: Vec<DataRef> = Vec::new();
            let mut external: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); n_packages];
            let mut stats = ResolutionStats::default();
            let file = FileId(file_index as u32);
            let scope_instances: Vec<&[ModuleId]> =
                (0..summary.scopes.len()).map(|scope| instances(file, scope as ScopeIdx)).collect();
            for (reference, &module) in summary.references.iter().flat_map(|r| {
                scope_instances
                    .get(r.scope as usize)
                    .copied()
                    .unwrap_or_default()
                    .iter()
                    .map(move |m| (r, m))
            }) {
                let path = summary.path(reference);
                let from_item = reference
                    .from_item
                    .and_then(|i| super::item_in(&item_ids[file_index], i, module, &items));
                let def = if reference.kind == RefKind::MethodCall {
                    let Some(name) = path.first() else {
                        continue;
                    };
                    match method_index.get(name.as_str()) {
                        Some(candidates) => candidates.first().map(|id| Def::Item(*id)),
                        None => continue,
                    }
                } else {
                    let self_type = from_item.and_then(|id| {
                        let item = &items[id.index()];
                        match item.kind {
                            ItemKind::Method => item.parent.as_deref(),
                            ItemKind::Impl
                            | ItemKind::Struct
                            | ItemKind::Enum
                            | ItemKind::Union
                            | ItemKind::Trait => Some(item.name.as_str()),
                            _ => None,
                        }
                    });
                    ns.resolve_path(&modules, &items, module, path, self_type, false)
                };
                let Some(def) = def else {
                    if path.len() > 1 {
                        stats.record_unresolved(file, reference.line, path);
                    }
                    continue;
                };
                // A single-segment value that names a module is a local variable shadowing nothing we can see.
                if path.len() == 1
                    && matches!(def, Def::Module(_))
                    && reference.kind != RefKind::Type
                {
                    continue;
                }
                if let Def::External(name) = &def {
                    stats.external += 1;
                    count_external(&mut external, &modules, module, name);
                    continue;
                }
                stats.internal += 1;
                let Some((to, to_item)) = target_module(&def) else {
                    continue;
                };
                let names_data = modules[to.index()].generated_table.is_some()
                    || to_item.is_some_and(|i| {
                        matches!(items[i.index()].kind, ItemKind::Static | ItemKind::Const)
                    })
                    || path.iter().any(|s| s == "Entity" || s == "ActiveModel");
                if names_data && reference.kind != RefKind::MethodCall {
                    data_refs.push(DataRef {
                        from: module,
                        from_item,
                        to,
                        to_item,
                        path: path.into(),
                        file,
                        line: reference.line,
                        arg_of: summary.arg_of(reference).cloned(),
                        receiver_of: summary.receiver_of(reference).cloned(),
                        test_only: reference.test_only || modules[module.index()].test_only,
                    });
                }
                if to == module {
                    continue;
                }
                references.push(ResolvedRef {
                    from: module,
                    from_item,
                    to,
                    to_item,
                    kind: DependencyKind::from_ref(reference.kind),
                    file,
                    line: reference.line,
                    weak: reference.in_macro || reference.kind == RefKind::MethodCall,
                    test_only: reference.test_only || modules[module.index()].test_only,
                });
            }
            // The order compares every field, so references that compare equal are identical and an unstable
            // sort gives the very same vector as a stable one.
            references.sort_unstable();
            FileRefs { references, data_refs, external, stats }
        })
        .collect();
    // Reserved once: growing these by doubling copied ~25 MB at a million lines, into fresh pages each time.
    let mut references: Vec<ResolvedRef> =
        Vec::with_capacity(per_file.iter().map(|part| part.references.len()).sum());
    data_refs.reserve(per_file.iter().map(|part| part.data_refs.len()).sum());
    let mut sorted_parts = Vec::with_capacity(per_file.len());
    for part in per_file {
        sorted_parts.push(part.references);
        data_refs.extend(part.data_refs);
        for (total, counts) in external.iter_mut().zip(part.external) {
            for (name, n) in counts {
                *total.entry(name).or_default() += n;
            }
        }
        stats.absorb(part.stats);
    }
    // Every reference of a module is written in the module's file, so it lies in one sorted part, in one
    // run of that part; the runs, ordered by module, are the whole sorted list (checked, and sorted again
    // if that ever failed to hold). Each file's references are sorted in parallel where they are made, a
    // few hundred at a time, in cache: at 10k lines the end of this phase went from 0.37 to 0.10 ms for
    // 0.15 ms more in the per-file work, at 100k from 3.6 to 1.2 ms for 1 ms more.
    let mut runs: Vec<&[ResolvedRef]> =
        sorted_parts.iter().flat_map(|part| part.chunk_by(|a, b| a.from == b.from)).collect();
    runs.sort_unstable_by_key(|run| run.first().map(|r| r.from));
    runs.into_iter().for_each(|run| references.extend_from_slice(run));
    if !references.is_sorted() {
        references.par_sort_unstable();
    }

    let locator = Locator { scope_module, item_ids };
    Resolved { modules, items, references, data_refs, external, orphans, stats, locator }
}

/// Whether an import's path resolved all its segments (or ended at an item or external crate, past which
/// segments name associated items or the external crate's modules).
fn resolves_fully(
    ns: &Namespaces,
    modules: &[Module],
    import: &PendingImport<'_>,
    def: &Def,
) -> bool {
    match def {
        Def::Item(_) | Def::External(_) => true,
        Def::Module(m) => {
            // The path resolved fully only if its last segment names this module.
            let last = import.path.last().map(Name::as_str);
            let module = &modules[m.index()];
            match last {
                Some("self") | Some("crate") | Some("super") => true,
                Some(name) => {
                    module.name == name
                        || ns.extern_names[module.package].get(name) == Some(&Def::Module(*m))
                }
                None => false,
            }
        }
    }
}

/// What the references of one file resolved to (see phase 4 of [`resolve_names`]).
struct FileRefs {
    references: Vec<ResolvedRef>,
    data_refs: Vec<DataRef>,
    external: Vec<BTreeMap<String, u32>>,
    stats: ResolutionStats,
}

fn count_external(
    external: &mut [BTreeMap<String, u32>],
    modules: &[Module],
    module: ModuleId,
    name: &str,
) {
    if SYSROOT_CRATES.contains(&name) {
        return;
    }
    // Called for every external reference: the name is copied only the first time it is counted.
    let counts = &mut external[modules[module.index()].package];
    match counts.get_mut(name) {
        Some(count) => *count += 1,
        None => {
            counts.insert(name.to_owned(), 1);
        }
    }
}
