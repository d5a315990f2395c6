//! `services.mmd`: the service graph as a Mermaid flowchart, for documentation that renders Mermaid (GitHub,
//! GitLab, many wikis). Edges carry the number of references; edges in a service cycle are drawn thick.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::json::Report;

pub fn render(doc: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "flowchart LR");
    for (index, service) in doc.services.iter().enumerate() {
        let _ = writeln!(
            out,
            "    s{index}[\"{}<br/>{} modules, {} lines\"]",
            service.name.replace('"', "'"),
            service.modules.len(),
            service.lines
        );
    }
    let index_of = |id: &str| doc.services.iter().position(|s| s.id == id);
    let in_cycle: BTreeSet<(&str, &str)> = doc
        .risks
        .iter()
        .filter(|r| r.kind == "service-cycle")
        .flat_map(|r| {
            let members: BTreeSet<&str> = r.services.iter().map(String::as_str).collect();
            doc.service_dependencies
                .iter()
                .filter(move |d| members.contains(d.from) && members.contains(d.to))
                .map(|d| (d.from, d.to))
        })
        .collect();
    for dependency in &doc.service_dependencies {
        let (Some(from), Some(to)) = (index_of(dependency.from), index_of(dependency.to)) else {
            continue;
        };
        let arrow =
            if in_cycle.contains(&(dependency.from, dependency.to)) { "==>" } else { "-->" };
        let _ = writeln!(out, "    s{from} {arrow}|{}| s{to}", dependency.weight);
    }
    out
}
