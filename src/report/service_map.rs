//! The service map: services as circles (area by code lines) on a ring, dependencies as curved arrows (width
//! by references), edges of service cycles in red. Laid out here, deterministically, and emitted as inline SVG;
//! each service is focusable, and the page's script highlights a service's neighbours on hover or focus.

use std::collections::BTreeSet;
use std::f64::consts::PI;
use std::fmt::Write;

use super::json::Report;

const SIZE: f64 = 640.0;
const RING: f64 = 230.0;

pub fn render(doc: &Report) -> String {
    let k = doc.services.len();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="service-map" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" aria-label="Service map: services and the dependencies between them" xmlns="http://www.w3.org/2000/svg">"#
    );
    out.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker><marker id="arrow-risk" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#cf222e"/></marker></defs>"##);
    if k == 0 {
        out.push_str("</svg>");
        return out;
    }
    let max_lines = doc.services.iter().map(|s| s.lines).max().unwrap_or(1).max(1) as f64;
    let position = |i: usize| -> (f64, f64, f64) {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / k as f64;
        let radius = 14.0 + 30.0 * (doc.services[i].lines as f64 / max_lines).sqrt();
        let (cx, cy) = if k == 1 {
            (SIZE / 2.0, SIZE / 2.0)
        } else {
            (SIZE / 2.0 + RING * angle.cos(), SIZE / 2.0 + RING * angle.sin())
        };
        (cx, cy, radius)
    };
    let index_of = |id: &str| doc.services.iter().position(|s| s.id == id);
    let cycle_edges: BTreeSet<(&str, &str)> = doc
        .risks
        .iter()
        .filter(|r| r.kind == "service-cycle")
        .flat_map(|r| {
            doc.service_dependencies
                .iter()
                .filter(|d| {
                    r.services.iter().any(|s| s == d.from) && r.services.iter().any(|s| s == d.to)
                })
                .map(|d| (d.from, d.to))
        })
        .collect();
    let max_weight =
        doc.service_dependencies.iter().map(|d| d.weight).max().unwrap_or(1).max(1) as f64;
    out.push_str(r#"<g class="edges">"#);
    for dependency in &doc.service_dependencies {
        let (Some(a), Some(b)) = (index_of(dependency.from), index_of(dependency.to)) else {
            continue;
        };
        let ((x1, y1, r1), (x2, y2, r2)) = (position(a), position(b));
        let (dx, dy) = (x2 - x1, y2 - y1);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / length, dy / length);
        // Start and end on the circles; bend to the right of the direction so that a → b and b → a differ.
        let (sx, sy) = (x1 + ux * r1, y1 + uy * r1);
        let (ex, ey) = (x2 - ux * (r2 + 3.0), y2 - uy * (r2 + 3.0));
        let (mx, my) = ((sx + ex) / 2.0 - uy * 0.18 * length, (sy + ey) / 2.0 + ux * 0.18 * length);
        let risky = cycle_edges.contains(&(dependency.from, dependency.to));
        let width = 1.0 + 4.0 * (1.0 + dependency.weight as f64).ln() / (1.0 + max_weight).ln();
        let _ = write!(
            out,
            r#"<path class="edge{}" data-from="{}" data-to="{}" d="M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {ex:.1},{ey:.1}" stroke-width="{width:.1}" marker-end="url(#{})"><title>{} → {}: {} references{}</title></path>"#,
            if risky { " risky" } else { "" },
            escape(dependency.from),
            escape(dependency.to),
            if risky { "arrow-risk" } else { "arrow" },
            escape(dependency.from),
            escape(dependency.to),
            dependency.weight,
            if risky { " (in a cycle)" } else { "" }
        );
    }
    out.push_str("</g><g class=\"nodes\">");
    for (i, service) in doc.services.iter().enumerate() {
        let (cx, cy, r) = position(i);
        let mut neighbours: Vec<&str> = doc
            .service_dependencies
            .iter()
            .filter_map(|d| {
                if d.from == service.id {
                    Some(d.to)
                } else if d.to == service.id {
                    Some(d.from)
                } else {
                    None
                }
            })
            .collect();
        neighbours.sort_unstable();
        neighbours.dedup();
        let label_y = if cy >= SIZE / 2.0 { cy + r + 16.0 } else { cy - r - 8.0 };
        let _ = write!(
            out,
            r#"<g class="node" tabindex="0" data-id="{id}" data-neighbours="{neighbours}"><circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}"/><text x="{cx:.1}" y="{label_y:.1}" text-anchor="middle">{name}</text><title>{name}: {modules} modules, {lines} lines, score {score}</title></g>"#,
            id = escape(&service.id),
            neighbours = escape(&neighbours.join(" ")),
            name = escape(&service.name),
            modules = service.modules.len(),
            lines = service.lines,
            score = service.distributed_monolith_score
        );
    }
    out.push_str("</g></svg>");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
