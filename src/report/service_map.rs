//! The service map: services as circles (area by code lines) on a ring, dependencies as curved arrows (width
//! by references), edges of service cycles in red. Laid out here, deterministically, and emitted as inline SVG;
//! each service is focusable, and the page's script highlights a service's neighbours on hover or focus.

use std::collections::BTreeSet;
use std::f64::consts::PI;
use std::fmt::Write;

use super::json::Report;

const SIZE: f64 = 640.0;
const RING: f64 = 230.0;
/// The ring when labels are set outward from it: the rest of the half-width is for circles and labels.
const RING_LABELS_OUTSIDE: f64 = 170.0;
/// The largest circle's radius (the smallest's is 14).
const MAX_RADIUS: f64 = 44.0;
/// About the width of a label's character at the map's 13 px, to tell whether a label fits.
const CHAR_WIDTH: f64 = 7.0;

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
    // Labels go above and below the circles while each fits between its neighbours on the ring; with many
    // services they would overlap (20 services leave 72 px), so they are set outward instead, on a smaller
    // ring. Circles shrink, all alike, when the largest would overlap its neighbours.
    let between = |ring: f64| if k > 1 { 2.0 * ring * (PI / k as f64).sin() } else { SIZE };
    let widest = doc.services.iter().map(|s| s.name.chars().count()).max().unwrap_or(0) as f64;
    let labels_outside = widest * CHAR_WIDTH > between(RING) - 8.0;
    let ring = if labels_outside { RING_LABELS_OUTSIDE } else { RING };
    let scale = (0.42 * between(ring) / MAX_RADIUS).min(1.0);
    let position = |i: usize| -> (f64, f64, f64) {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / k as f64;
        let share = doc.services[i].lines as f64 / max_lines;
        let radius = scale * (14.0 + (MAX_RADIUS - 14.0) * share.sqrt());
        let (cx, cy) = if k == 1 {
            (SIZE / 2.0, SIZE / 2.0)
        } else {
            (SIZE / 2.0 + ring * angle.cos(), SIZE / 2.0 + ring * angle.sin())
        };
        (cx, cy, radius)
    };
    // How each label is set: above or below its circle, or, outside the ring, along the ray from the centre
    // (turned to read left to right on the left half), which keeps neighbours' labels apart however many
    // services there are. There a label must end inside the picture: it keeps as many characters as fit, the
    // full name is in the circle's tooltip.
    let label = |cx: f64, cy: f64, r: f64| -> Label {
        let (dx, dy) = (cx - SIZE / 2.0, cy - SIZE / 2.0);
        let distance = (dx * dx + dy * dy).sqrt();
        if !labels_outside || distance < 1.0 {
            let y = if cy >= SIZE / 2.0 { cy + r + 16.0 } else { cy - r - 8.0 };
            return Label { x: cx, y, anchor: "middle", turn: None, keep: usize::MAX };
        }
        let (ux, uy) = (dx / distance, dy / distance);
        let degrees = uy.atan2(ux).to_degrees();
        let (anchor, turn) = if ux >= 0.0 { ("start", degrees) } else { ("end", degrees + 180.0) };
        let room = SIZE / 2.0 - distance - r - 10.0;
        Label {
            x: cx + ux * (r + 6.0),
            y: cy + uy * (r + 6.0),
            anchor,
            turn: Some(turn),
            keep: (room / CHAR_WIDTH).max(3.0) as usize,
        }
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
        let Label { x, y, anchor, turn, keep } = label(cx, cy, r);
        let shown: String = if service.name.chars().count() > keep {
            service.name.chars().take(keep.saturating_sub(1)).chain(['…']).collect()
        } else {
            service.name.clone()
        };
        let turn = turn.map_or(String::new(), |degrees| {
            format!(r#" dy="0.35em" transform="rotate({degrees:.1} {x:.1} {y:.1})""#)
        });
        let _ = write!(
            out,
            r#"<g class="node" tabindex="0" data-id="{id}" data-neighbours="{neighbours}"><circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}"/><text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}"{turn}>{shown}</text><title>{name}: {modules} modules, {lines} lines, score {score}</title></g>"#,
            id = escape(&service.id),
            neighbours = escape(&neighbours.join(" ")),
            shown = escape(&shown),
            name = escape(&service.name),
            modules = service.modules.len(),
            lines = service.lines,
            score = service.distributed_monolith_score
        );
    }
    out.push_str("</g></svg>");
    out
}

/// Where a service's label is drawn (see `render`).
struct Label {
    x: f64,
    y: f64,
    anchor: &'static str,
    /// Degrees the label is turned about its anchor, when set along the ray from the centre.
    turn: Option<f64>,
    /// Characters kept; a longer name ends in `…`.
    keep: usize,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::synthetic::{SynthParams, generate};

    /// The circles, their centres and labels (`x`, `y`, turned or not, text) as drawn.
    fn drawn(svg: &str) -> Vec<(f64, f64, f64, f64, f64, bool, String)> {
        let number = |node: &str, attribute: &str| -> f64 {
            let at = node.find(&format!(" {attribute}=\"")).unwrap() + attribute.len() + 3;
            node[at..].split('"').next().unwrap().parse().unwrap()
        };
        svg.split("<g class=\"node\"")
            .skip(1)
            .map(|node| {
                let circle = &node[node.find("<circle").unwrap()..];
                let text = &node[node.find("<text").unwrap()..];
                let label =
                    text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()].to_owned();
                let (cx, cy, r) = (number(circle, "cx"), number(circle, "cy"), number(circle, "r"));
                (cx, cy, r, number(text, "x"), number(text, "y"), text.contains("rotate("), label)
            })
            .collect()
    }

    fn map_of(features: usize) -> String {
        let dir = tempfile::tempdir().unwrap();
        let synth = generate(&SynthParams { features, ..SynthParams::default() });
        crate::test_fixture::write_files(dir.path(), &synth.files);
        let analysis = crate::analyze(&crate::test_fixture::fixture_config(dir.path())).unwrap();
        render(&super::super::json::Report::from_analysis(&analysis))
    }

    /// With many services, no two circles overlap, and the labels are set along the rays, inside the
    /// picture; with a few, labels stay above and below the circles.
    #[test]
    fn circles_and_labels_keep_apart_with_many_services() {
        let many = drawn(&map_of(24));
        assert!(many.len() >= 20, "{} services", many.len());
        for (i, a) in many.iter().enumerate() {
            for b in &many[i + 1..] {
                let distance = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                assert!(distance > a.2 + b.2, "circles overlap: {a:?} {b:?}");
            }
            assert!(a.5, "label not turned: {a:?}");
            let end = (a.3 - SIZE / 2.0).hypot(a.4 - SIZE / 2.0)
                + a.6.chars().count() as f64 * CHAR_WIDTH;
            assert!(end <= SIZE / 2.0, "label leaves the picture: {a:?}");
        }
        let few = drawn(&map_of(4));
        assert!(!few.is_empty() && few.iter().all(|node| !node.5), "{few:?}");
    }
}
