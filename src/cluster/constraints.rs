//! Constraints from `decompose.toml`, turned into fixed groups the clustering honours exactly.
//!
//! Patterns are globs over module ids with `::` as the separator: `*` matches one segment, `**` any number.
//! - `[[service]]` pins the modules it matches to one named service (and gives that service its name);
//! - `[[keep_together]]` puts the modules it matches in one service;
//! - `[[keep_apart]]` keeps the modules of `a` out of any service holding a module of `b` (the modules of each
//!   side that nothing else pins are kept together, so that the constraint can be enforced exactly);
//! - `[exclude]` keeps modules out of the proposal altogether.
//!
//! Groups are merged with a union-find; merging two differently named services, a keep-apart pair that other
//! constraints put together, a module both pinned and excluded, or a pattern that matches no module, is an
//! error that names the modules involved: a constraint that cannot hold is never silently relaxed.

use anyhow::{Context, bail};
use globset::{GlobBuilder, GlobMatcher};

use crate::config::ProjectConfig;
use crate::resolve::Resolved;

#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Per module: its fixed group, if any constraint places it.
    pub group: Vec<Option<usize>>,
    /// Per group: the declared service name, if the group is a `[[service]]`.
    pub group_names: Vec<Option<String>>,
    /// Per module: excluded by `[exclude]`.
    pub excluded: Vec<bool>,
}

impl Constraints {
    pub fn none(n_modules: usize) -> Constraints {
        Constraints {
            group: vec![None; n_modules],
            group_names: Vec::new(),
            excluded: vec![false; n_modules],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.group.iter().all(Option::is_none)
    }
}

fn matcher(pattern: &str) -> anyhow::Result<GlobMatcher> {
    let glob = GlobBuilder::new(&pattern.replace("::", "/"))
        .literal_separator(true)
        .build()
        .with_context(|| format!("invalid module pattern `{pattern}`"))?;
    Ok(glob.compile_matcher())
}

/// The modules (indices) whose id matches any of the patterns; every pattern must match at least one.
fn matching(resolved: &Resolved, patterns: &[String], section: &str) -> anyhow::Result<Vec<usize>> {
    let mut res = Vec::new();
    for pattern in patterns {
        let matcher = matcher(pattern)?;
        let before = res.len();
        for (index, module) in resolved.modules.iter().enumerate() {
            if module.generated_table.is_none() && matcher.is_match(module.path.replace("::", "/"))
            {
                res.push(index);
            }
        }
        if res.len() == before {
            bail!("decompose.toml {section}: pattern `{pattern}` matches no module");
        }
    }
    res.sort_unstable();
    res.dedup();
    Ok(res)
}

struct UnionFind {
    parent: Vec<usize>,
    name: Vec<Option<String>>,
}

impl UnionFind {
    fn add(&mut self, name: Option<String>) -> usize {
        self.parent.push(self.parent.len());
        self.name.push(name);
        self.parent.len() - 1
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize, why: &str) -> anyhow::Result<()> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(());
        }
        match (&self.name[ra], &self.name[rb]) {
            (Some(x), Some(y)) if x != y => {
                let (first, second) = if x < y { (x, y) } else { (y, x) };
                bail!("decompose.toml: {why} would put services `{first}` and `{second}` together")
            }
            _ => {}
        }
        let name = self.name[ra].clone().or_else(|| self.name[rb].clone());
        self.parent[rb] = ra;
        self.name[ra] = name;
        Ok(())
    }
}

pub fn resolve(project: &ProjectConfig, resolved: &Resolved) -> anyhow::Result<Constraints> {
    let n = resolved.modules.len();
    let mut uf = UnionFind { parent: Vec::new(), name: Vec::new() };
    let mut node_of: Vec<Option<usize>> = vec![None; n];
    let path = |m: usize| resolved.modules[m].path.as_str();

    let mut excluded = vec![false; n];
    if !project.exclude.modules.is_empty() {
        for m in matching(resolved, &project.exclude.modules, "[exclude]")? {
            excluded[m] = true;
        }
    }

    for service in &project.services {
        let section = format!("[[service]] `{}`", service.name);
        let group = uf.add(Some(service.name.clone()));
        for m in matching(resolved, &service.modules, &section)? {
            if excluded[m] {
                bail!(
                    "decompose.toml: module `{}` is both excluded and pinned to `{}`",
                    path(m),
                    service.name
                );
            }
            match node_of[m] {
                Some(existing) => uf.union(existing, group, &format!("module `{}`", path(m)))?,
                None => node_of[m] = Some(group),
            }
        }
    }
    for (index, together) in project.keep_together.iter().enumerate() {
        let section = format!("[[keep_together]] #{}", index + 1);
        let group = uf.add(None);
        for m in matching(resolved, &together.modules, &section)? {
            if excluded[m] {
                bail!("decompose.toml {section}: module `{}` is excluded", path(m));
            }
            match node_of[m] {
                Some(existing) => uf.union(existing, group, &section)?,
                None => node_of[m] = Some(group),
            }
        }
    }
    let mut apart: Vec<(Vec<usize>, Vec<usize>, String)> = Vec::new();
    for (index, pair) in project.keep_apart.iter().enumerate() {
        let section = format!("[[keep_apart]] #{}", index + 1);
        let a = matching(resolved, &pair.a, &format!("{section} a"))?;
        let b = matching(resolved, &pair.b, &format!("{section} b"))?;
        if let Some(&both) = a.iter().find(|m| b.contains(m)) {
            bail!("decompose.toml {section}: module `{}` is on both sides", path(both));
        }
        for side in [&a, &b] {
            let group = uf.add(None);
            for &m in side.iter() {
                if node_of[m].is_none() && !excluded[m] {
                    node_of[m] = Some(group);
                }
            }
        }
        apart.push((a, b, section));
    }
    for (a, b, section) in &apart {
        for &x in a {
            for &y in b {
                if let (Some(gx), Some(gy)) = (node_of[x], node_of[y])
                    && uf.find(gx) == uf.find(gy)
                {
                    bail!(
                        "decompose.toml {section}: `{}` and `{}` must be apart, but other constraints put them together",
                        path(x),
                        path(y)
                    );
                }
            }
        }
    }

    // Number the final groups densely, in order of first module.
    let mut dense: Vec<Option<usize>> = vec![None; uf.parent.len()];
    let mut group_names = Vec::new();
    let mut group = vec![None; n];
    for m in 0..n {
        let Some(node) = node_of[m] else { continue };
        let root = uf.find(node);
        let id = match dense[root] {
            Some(id) => id,
            None => {
                group_names.push(uf.name[root].clone());
                dense[root] = Some(group_names.len() - 1);
                group_names.len() - 1
            }
        };
        group[m] = Some(id);
    }
    Ok(Constraints { group, group_names, excluded })
}
