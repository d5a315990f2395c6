//! Reading `Cargo.toml` files without running cargo.
//!
//! Only what the analysis needs is read: the package name, edition, `[lib]`/`[[bin]]`/`[[test]]`/... targets,
//! dependencies (names only, and local `path`s) and workspace `members`/`exclude`. The values are read leniently
//! from a `toml::Table`: a manifest that uses a key decompose does not know is still fine, and a manifest that is
//! not valid TOML becomes a diagnostic.

use toml::{Table, Value};

/// What one `Cargo.toml` declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct Manifest {
    pub(crate) package: Option<PackageSection>,
    pub(crate) workspace: Option<WorkspaceSection>,
    pub(crate) lib: Option<TargetSection>,
    pub(crate) bins: Vec<TargetSection>,
    pub(crate) tests: Vec<TargetSection>,
    pub(crate) benches: Vec<TargetSection>,
    pub(crate) examples: Vec<TargetSection>,
    /// Dependency names as written (renames resolved to the key), normal, dev and build dependencies.
    pub(crate) dependencies: Vec<Dependency>,
}

#[derive(Debug, Clone)]
pub(crate) struct PackageSection {
    pub(crate) name: String,
    /// `None` when the edition is inherited from the workspace (`edition.workspace = true`) or missing.
    pub(crate) edition: Option<String>,
    pub(crate) edition_from_workspace: bool,
    pub(crate) autobins: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct WorkspaceSection {
    pub(crate) members: Vec<String>,
    pub(crate) exclude: Vec<String>,
    pub(crate) edition: Option<String>,
    /// `[workspace.dependencies]` entries with a local path, so `foo.workspace = true` can be followed.
    pub(crate) path_dependencies: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TargetSection {
    pub(crate) name: Option<String>,
    pub(crate) path: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Dependency {
    /// The name the code uses (`use foo::...`), i.e. the key in the table; `-` kept as written.
    pub(crate) name: String,
    /// A local path dependency (relative to the manifest's folder).
    pub(crate) path: Option<String>,
    /// `foo = { workspace = true }`: the path, if any, is in the workspace's `[workspace.dependencies]`.
    pub(crate) from_workspace: bool,
}

pub(crate) fn parse_manifest(text: &str) -> Result<Manifest, String> {
    let table: Table = text.parse::<Table>().map_err(|err| first_line(&err.to_string()))?;
    let mut manifest = Manifest::default();

    if let Some(package) = table.get("package").and_then(Value::as_table) {
        let name = package.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        let (edition, edition_from_workspace) = match package.get("edition") {
            Some(Value::String(edition)) => (Some(edition.clone()), false),
            Some(Value::Table(t)) => {
                (None, t.get("workspace").and_then(Value::as_bool) == Some(true))
            }
            _ => (None, false),
        };
        let autobins = package.get("autobins").and_then(Value::as_bool).unwrap_or(true);
        manifest.package = Some(PackageSection { name, edition, edition_from_workspace, autobins });
    }

    if let Some(workspace) = table.get("workspace").and_then(Value::as_table) {
        let strings = |key: &str| -> Vec<String> {
            workspace
                .get(key)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let edition = workspace
            .get("package")
            .and_then(Value::as_table)
            .and_then(|p| p.get("edition"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let path_dependencies = workspace
            .get("dependencies")
            .and_then(Value::as_table)
            .map(|deps| {
                deps.iter()
                    .filter_map(|(name, spec)| {
                        let path = spec.as_table()?.get("path")?.as_str()?;
                        Some((name.clone(), path.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        manifest.workspace = Some(WorkspaceSection {
            members: strings("members"),
            exclude: strings("exclude"),
            edition,
            path_dependencies,
        });
    }

    manifest.lib = table.get("lib").and_then(Value::as_table).map(target_section);
    let targets = |key: &str| -> Vec<TargetSection> {
        table
            .get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_table).map(target_section).collect())
            .unwrap_or_default()
    };
    manifest.bins = targets("bin");
    manifest.tests = targets("test");
    manifest.benches = targets("bench");
    manifest.examples = targets("example");

    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        collect_dependencies(table.get(key), &mut manifest.dependencies);
    }
    // `[target.'cfg(...)'.dependencies]`
    if let Some(targets) = table.get("target").and_then(Value::as_table) {
        for target in targets.values().filter_map(Value::as_table) {
            for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                collect_dependencies(target.get(key), &mut manifest.dependencies);
            }
        }
    }
    Ok(manifest)
}

fn target_section(table: &Table) -> TargetSection {
    TargetSection {
        name: table.get("name").and_then(Value::as_str).map(str::to_owned),
        path: table.get("path").and_then(Value::as_str).map(str::to_owned),
    }
}

fn collect_dependencies(section: Option<&Value>, out: &mut Vec<Dependency>) {
    let Some(deps) = section.and_then(Value::as_table) else {
        return;
    };
    for (name, spec) in deps {
        let (path, from_workspace) = match spec.as_table() {
            Some(spec) => (
                spec.get("path").and_then(Value::as_str).map(str::to_owned),
                spec.get("workspace").and_then(Value::as_bool) == Some(true),
            ),
            None => (None, false),
        };
        out.push(Dependency { name: name.clone(), path, from_workspace });
    }
}

fn first_line(message: &str) -> String {
    message.lines().find(|line| !line.trim().is_empty()).unwrap_or(message).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_targets_and_dependencies() {
        let manifest = parse_manifest(
            r#"
[package]
name = "shop-api"
edition.workspace = true

[lib]
name = "shop"
path = "src/shop.rs"

[[bin]]
name = "server"
path = "src/bin/server.rs"

[dependencies]
sqlx = { version = "0.7", features = ["postgres"] }
common = { path = "../common" }
axum.workspace = true
"#,
        )
        .map_err(|e| e.to_string());
        let Ok(manifest) = manifest else { panic!("{manifest:?}") };
        let package =
            manifest.package.as_ref().map(|p| (p.name.as_str(), p.edition_from_workspace));
        assert_eq!(package, Some(("shop-api", true)));
        assert_eq!(manifest.lib.as_ref().and_then(|l| l.name.as_deref()), Some("shop"));
        assert_eq!(manifest.bins.len(), 1);
        let deps: Vec<_> = manifest
            .dependencies
            .iter()
            .map(|d| format!("{}:{:?}:{}", d.name, d.path, d.from_workspace))
            .collect();
        assert_eq!(deps, ["axum:None:true", "common:Some(\"../common\"):false", "sqlx:None:false"]);
    }

    #[test]
    fn invalid_toml_is_an_error_message() {
        assert!(parse_manifest("[package\nname = 1").is_err());
    }
}
