//! `index.html`: the self-contained review report (inline CSS, no script or font from the network).
//!
//! The page is rendered from the same [`Report`] document as `report.json`, so the two can never disagree;
//! this module only arranges that document into views for the askama template.

use std::collections::BTreeMap;

use askama::Template;

use super::json::{DependencyEntry, ModuleEntry, Report, ServiceEntry};

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    doc: &'a Report,
    services: Vec<ServiceView<'a>>,
    service_dependencies: Vec<ServiceDependencyView<'a>>,
    kept_out: Vec<&'a ModuleEntry>,
    externals: Vec<(&'a str, String)>,
    modularity: String,
    errors: usize,
    warnings: usize,
}

struct ServiceView<'a> {
    entry: &'a ServiceEntry,
    modules: Vec<&'a ModuleEntry>,
    share: String,
    bar: u32,
    outbound: Vec<(&'a str, u32)>,
    inbound: Vec<(&'a str, u32)>,
}

struct ServiceDependencyView<'a> {
    from: &'a str,
    to: &'a str,
    dependency: &'a DependencyEntry,
    kinds: String,
}

pub fn render(doc: &Report) -> anyhow::Result<String> {
    let modules_by_id: BTreeMap<&str, &ModuleEntry> =
        doc.modules.iter().map(|m| (m.id.as_str(), m)).collect();
    let names: BTreeMap<&str, &str> =
        doc.services.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let total_lines: u32 = doc.services.iter().map(|s| s.lines).sum::<u32>().max(1);
    let max_lines = doc.services.iter().map(|s| s.lines).max().unwrap_or(1).max(1);
    let services = doc
        .services
        .iter()
        .map(|service| {
            let mut outbound: Vec<(&str, u32)> = doc
                .service_dependencies
                .iter()
                .filter(|d| d.from == service.id)
                .map(|d| (names.get(d.to.as_str()).copied().unwrap_or(d.to.as_str()), d.weight))
                .collect();
            outbound.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let mut inbound: Vec<(&str, u32)> = doc
                .service_dependencies
                .iter()
                .filter(|d| d.to == service.id)
                .map(|d| (names.get(d.from.as_str()).copied().unwrap_or(d.from.as_str()), d.weight))
                .collect();
            inbound.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            ServiceView {
                entry: service,
                modules: service
                    .modules
                    .iter()
                    .filter_map(|m| modules_by_id.get(m.as_str()).copied())
                    .collect(),
                share: format!("{:.0}%", 100.0 * f64::from(service.lines) / f64::from(total_lines)),
                bar: (100 * service.lines / max_lines).max(1),
                outbound,
                inbound,
            }
        })
        .collect();
    let mut service_dependencies: Vec<ServiceDependencyView> = doc
        .service_dependencies
        .iter()
        .map(|d| ServiceDependencyView {
            from: names.get(d.from.as_str()).copied().unwrap_or(d.from.as_str()),
            to: names.get(d.to.as_str()).copied().unwrap_or(d.to.as_str()),
            dependency: d,
            kinds: d.kinds.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "),
        })
        .collect();
    service_dependencies.sort_by(|a, b| {
        b.dependency.weight.cmp(&a.dependency.weight).then_with(|| a.from.cmp(b.from))
    });
    let kept_out = doc.modules.iter().filter(|m| m.service.is_none()).collect();
    let externals = doc
        .external_dependencies
        .iter()
        .map(|(package, deps)| {
            let list =
                deps.iter().map(|(name, n)| format!("{name} ({n})")).collect::<Vec<_>>().join(", ");
            (package.as_str(), list)
        })
        .collect();
    let page = IndexPage {
        doc,
        services,
        service_dependencies,
        kept_out,
        externals,
        modularity: format!("{:.3}", doc.metrics.modularity),
        errors: doc.diagnostics.iter().filter(|d| d.severity == "error").count(),
        warnings: doc.diagnostics.iter().filter(|d| d.severity == "warning").count(),
    };
    Ok(page.render()?)
}
