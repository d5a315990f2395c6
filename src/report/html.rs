//! `index.html`: the self-contained review report (inline CSS, no script or font from the network).
//!
//! The page is rendered from the same [`Report`] document as `report.json`, so the two can never disagree;
//! this module only arranges that document into views for the askama template.

use std::collections::BTreeMap;

use askama::Template;

use super::json::{DataEntry, DependencyEntry, ModuleEntry, Report, ServiceEntry};

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    doc: &'a Report<'a>,
    services: Vec<ServiceView<'a>>,
    service_dependencies: Vec<ServiceDependencyView<'a>>,
    kept_out: Vec<&'a ModuleEntry>,
    externals: Vec<(&'a str, String)>,
    modularity: String,
    errors: usize,
    warnings: usize,
    high_risks: usize,
    top_risks: Vec<&'a super::json::RiskEntry>,
    risk_kinds: Vec<&'a str>,
    twelve_factor: Vec<TwelveFactorRow>,
    matrix: OwnershipMatrix,
    pictures: Pictures,
    state: Vec<&'a DataEntry>,
    transactions: Vec<&'a DataEntry>,
}

/// The page's pictures, inline SVG (already safe markup): the charts drawn by plotters and the service map.
#[derive(Default)]
struct Pictures {
    sweep: String,
    service_map: String,
    coupling: String,
    ownership: String,
    sizes: String,
}

impl Pictures {
    /// Draws the pictures in parallel: they are independent, and together half of the page's time (0.4 of
    /// 0.8 ms at 10k lines), which would otherwise lengthen the report stage's longest task.
    fn draw(doc: &Report) -> Pictures {
        use super::{charts, service_map};
        charts::register_font();
        let ((sweep, service_map), (coupling, (ownership, sizes))) = rayon::join(
            || rayon::join(|| charts::sweep(doc), || service_map::render(doc)),
            || {
                rayon::join(
                    || charts::coupling_matrix(doc),
                    || rayon::join(|| charts::ownership_matrix(doc), || charts::service_sizes(doc)),
                )
            },
        );
        Pictures { sweep, service_map, coupling, ownership, sizes }
    }
}

/// Services × tables, each cell `R`, `W`, `RW` or empty; the owner's cells and foreign accesses are marked.
struct OwnershipMatrix {
    tables: Vec<String>,
    rows: Vec<MatrixRow>,
}

struct MatrixRow {
    service: String,
    cells: Vec<MatrixCell>,
}

struct MatrixCell {
    text: &'static str,
    /// `owner`, `foreign` or empty.
    class: &'static str,
    title: String,
}

fn ownership_matrix(doc: &Report) -> OwnershipMatrix {
    let tables: Vec<&DataEntry> = {
        let mut t: Vec<&DataEntry> = doc.data.iter().filter(|d| d.kind == "table").collect();
        // Group columns by owner, in service order, so each service's tables sit together.
        let rank = |owner: &Option<String>| {
            owner
                .as_ref()
                .and_then(|o| doc.services.iter().position(|s| &s.id == o))
                .unwrap_or(usize::MAX)
        };
        t.sort_by(|a, b| rank(&a.owner).cmp(&rank(&b.owner)).then_with(|| a.id.cmp(&b.id)));
        t
    };
    let rows = doc
        .services
        .iter()
        .map(|service| {
            let cells = tables
                .iter()
                .map(|table| {
                    let text = table.access_mark(&service.id);
                    let owner = table.owner.as_deref() == Some(service.id.as_str());
                    let class = match (owner, text.is_empty()) {
                        (true, _) => "owner",
                        (false, false) => "foreign",
                        (false, true) => "",
                    };
                    let name = table.id.trim_start_matches("table:");
                    let title = match (owner, text) {
                        (true, _) => format!("{} owns {name}", service.name),
                        (false, "") => String::new(),
                        (false, _) => {
                            format!("{} accesses {name}, owned by another service", service.name)
                        }
                    };
                    MatrixCell { text, class, title }
                })
                .collect();
            MatrixRow { service: service.name.clone(), cells }
        })
        .collect();
    OwnershipMatrix {
        tables: tables.iter().map(|t| t.id.trim_start_matches("table:").to_owned()).collect(),
        rows,
    }
}

struct TwelveFactorRow {
    service: String,
    cells: Vec<TwelveFactorCell>,
}

struct TwelveFactorCell {
    mark: &'static str,
    class: &'static str,
    title: String,
}

/// Per service, one cell per factor: a finding of the related risk kinds in its code is a ✘.
fn twelve_factor(doc: &Report) -> Vec<TwelveFactorRow> {
    let factors: [(&[&str], &str); 5] = [
        (&["hardcoded-config"], "config"),
        (&["local-state", "shared-global-state"], "state"),
        (&["log-to-file"], "logs"),
        (&["no-graceful-shutdown"], "shutdown"),
        (&["hardcoded-config"], "backing"),
    ];
    doc.services
        .iter()
        .map(|service| {
            let cells = factors
                .iter()
                .enumerate()
                .map(|(index, (kinds, _))| {
                    let findings: Vec<&super::json::RiskEntry> = doc
                        .risks
                        .iter()
                        .filter(|r| kinds.contains(&r.kind) && r.services.contains(&service.id))
                        .filter(|r| {
                            index != 4
                                || r.message.contains("://")
                                || r.message.contains("connection")
                        })
                        .collect();
                    let has_server = doc.environment.iter().any(|e| {
                        e.kind == "server" && e.service.as_deref() == Some(service.id.as_str())
                    });
                    if index == 3 && !has_server && findings.is_empty() {
                        return TwelveFactorCell {
                            mark: "·",
                            class: "na",
                            title: "starts no server".to_owned(),
                        };
                    }
                    match findings.first() {
                        Some(first) => TwelveFactorCell {
                            mark: "✘",
                            class: "bad",
                            title: first.message.clone(),
                        },
                        None => TwelveFactorCell {
                            mark: "✔",
                            class: "ok",
                            title: "no finding".to_owned(),
                        },
                    }
                })
                .collect();
            TwelveFactorRow { service: service.name.clone(), cells }
        })
        .collect()
}

struct ServiceView<'a> {
    entry: &'a ServiceEntry,
    /// Items of this service that other services use.
    interface: Vec<String>,
    /// The strongest couplings inside the service: why these modules belong together.
    cohesion: Vec<String>,
    /// The strongest couplings to other services: what a split must replace with an interface.
    ties: Vec<String>,
    modules: Vec<&'a ModuleEntry>,
    share: String,
    bar: u32,
    outbound: Vec<(&'a str, u32)>,
    inbound: Vec<(&'a str, u32)>,
}

struct ServiceDependencyView<'a> {
    from: &'a str,
    to: &'a str,
    dependency: &'a DependencyEntry<'a>,
    kinds: String,
}

/// Writes the page to `out` as it is rendered: the page is a few hundred kilobytes (more at a million lines),
/// which a `String` would hold whole, growing by doubling into memory never touched before.
pub fn write(doc: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (pictures, page) = rayon::join(|| Pictures::draw(doc), || page(doc));
    IndexPage { pictures, ..page }.write_into(out)
}

/// The page's views of the report, without the pictures (drawn beside it).
fn page<'a>(doc: &'a Report<'a>) -> IndexPage<'a> {
    let modules_by_id: BTreeMap<&str, &ModuleEntry> =
        doc.modules.iter().map(|m| (m.id.as_str(), m)).collect();
    let names: BTreeMap<&str, &str> =
        doc.services.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let total_lines: u32 = doc.services.iter().map(|s| s.lines).sum::<u32>().max(1);
    let max_lines = doc.services.iter().map(|s| s.lines).max().unwrap_or(1).max(1);
    // Each module dependency sorted once into the services it concerns: inside one service (cohesion) or
    // between two (ties, listed under both). Filtering all dependencies per service was quadratic.
    let service_index: BTreeMap<&str, usize> =
        doc.services.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let service_of = |module: &str| {
        modules_by_id
            .get(module)
            .and_then(|m| m.service.as_deref())
            .and_then(|s| service_index.get(s).copied())
    };
    let mut inside: Vec<Vec<&DependencyEntry>> = vec![Vec::new(); doc.services.len()];
    let mut between: Vec<Vec<&DependencyEntry>> = vec![Vec::new(); doc.services.len()];
    for dependency in &doc.dependencies {
        match (service_of(dependency.from), service_of(dependency.to)) {
            (Some(from), Some(to)) if from == to => inside[from].push(dependency),
            (Some(from), Some(to)) => {
                between[from].push(dependency);
                between[to].push(dependency);
            }
            _ => {}
        }
    }
    let services = doc
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| {
            let mut outbound: Vec<(&str, u32)> = doc
                .service_dependencies
                .iter()
                .filter(|d| d.from == service.id)
                .map(|d| (names.get(d.to).copied().unwrap_or(d.to), d.weight))
                .collect();
            outbound.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let mut inbound: Vec<(&str, u32)> = doc
                .service_dependencies
                .iter()
                .filter(|d| d.to == service.id)
                .map(|d| (names.get(d.from).copied().unwrap_or(d.from), d.weight))
                .collect();
            inbound.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let cohesion = strongest(inside[index].iter().copied());
            let ties = strongest(between[index].iter().copied());
            let mut interface: Vec<String> = doc
                .service_dependencies
                .iter()
                .filter(|d| d.to == service.id)
                .flat_map(|d| d.evidence.iter().map(|e| e.to.to_string()))
                .collect();
            interface.sort();
            interface.dedup();
            ServiceView {
                entry: service,
                interface,
                cohesion,
                ties,
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
            from: names.get(d.from).copied().unwrap_or(d.from),
            to: names.get(d.to).copied().unwrap_or(d.to),
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
    IndexPage {
        doc,
        services,
        service_dependencies,
        kept_out,
        externals,
        modularity: format!("{:.3}", doc.metrics.modularity),
        errors: doc.diagnostics.iter().filter(|d| d.severity == "error").count(),
        warnings: doc.diagnostics.iter().filter(|d| d.severity == "warning").count(),
        high_risks: doc.risks.iter().filter(|r| r.severity == "high").count(),
        top_risks: doc.risks.iter().take(5).collect(),
        risk_kinds: {
            let mut kinds: Vec<&str> = doc.risks.iter().map(|r| r.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            kinds
        },
        twelve_factor: twelve_factor(doc),
        matrix: ownership_matrix(doc),
        pictures: Pictures::default(),
        state: doc.data.iter().filter(|d| d.kind == "state").collect(),
        transactions: doc.data.iter().filter(|d| d.kind == "transaction").collect(),
    }
}

/// The three strongest module dependencies, as sentences (`a → b: 12 references (call 5, type 7)`).
fn strongest<'a>(dependencies: impl Iterator<Item = &'a DependencyEntry<'a>>) -> Vec<String> {
    let mut list: Vec<&DependencyEntry> = dependencies.collect();
    list.sort_by(|a, b| {
        b.weight.cmp(&a.weight).then_with(|| a.from.cmp(b.from)).then_with(|| a.to.cmp(b.to))
    });
    list.iter()
        .take(3)
        .map(|d| {
            format!(
                "{} → {}: {} references ({})",
                short(d.from),
                short(d.to),
                d.weight,
                kinds_text(d)
            )
        })
        .collect()
}

/// A module id without its crate prefix, for compact sentences.
fn short(module: &str) -> &str {
    module.split_once("::").map_or(module, |(_, rest)| rest)
}

fn kinds_text(dependency: &DependencyEntry) -> String {
    dependency.kinds.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}
