//! SVG charts for the HTML report, drawn with plotters.
//!
//! plotters measures text to lay out labels; its default features ask the system's fonts (font-kit,
//! fontconfig), which differ between machines and would make the charts differ too. Here plotters is built
//! with its SVG backend and `ab_glyph`, measuring text with DejaVu Sans kept in `assets/fonts/` (Bitstream Vera
//! license, see `assets/fonts/LICENSE-DejaVu.txt`), so a chart is byte-identical on every machine. The SVG
//! goes inline into `index.html`.

use std::sync::Once;

use plotters::prelude::*;

use super::json::Report;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FONT_NAME: &str = "sans-serif";

/// Registers the bundled font with plotters, once per process. Each chart calls it; the page calls it before
/// drawing its charts in parallel, so that none of them waits asleep for another's registration.
pub(super) fn register_font() {
    REGISTER.call_once(|| {
        // The bundled font is a valid TrueType file; if registration failed anyway, text would be measured as
        // empty and the chart would still render.
        let _ = plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT);
    });
}

/// Number of services and modularity over the resolution sweep, the chosen point marked: shows how stable
/// the proposal is and where a coarser or finer decomposition would lie.
pub fn sweep(doc: &Report) -> String {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        let _ = draw_sweep(&root, doc);
        let _ = root.present();
    }
    svg
}

fn draw_sweep(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    doc: &Report,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let points: Vec<(f64, f64, f64)> =
        doc.sweep.iter().map(|p| (p.resolution, p.services as f64, p.modularity)).collect();
    if points.is_empty() {
        return Ok(());
    }
    let x_max = points.iter().map(|p| p.0).fold(0.0, f64::max) * 1.05;
    let y_max = points.iter().map(|p| p.1).fold(1.0, f64::max).ceil() + 1.0;
    let q_max = points.iter().map(|p| p.2).fold(0.0, f64::max).max(0.1) * 1.15;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .caption("Resolution sweep", (FONT_NAME, 16))
        .x_label_area_size(34)
        .y_label_area_size(44)
        .right_y_label_area_size(48)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| e.to_string())?
        .set_secondary_coord(0.0..x_max, 0.0..q_max);
    chart
        .configure_mesh()
        .x_desc("Leiden resolution (higher = finer)")
        .y_desc("services")
        .label_style((FONT_NAME, 12))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .configure_secondary_axes()
        .y_desc("modularity")
        .label_style((FONT_NAME, 12))
        .draw()
        .map_err(|e| e.to_string())?;
    let blue = RGBColor(9, 105, 218);
    let orange = RGBColor(207, 106, 0);
    chart
        .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), blue.stroke_width(2)))
        .map_err(|e| e.to_string())?
        .label("services")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], blue.stroke_width(2)));
    chart
        .draw_series(points.iter().map(|p| Circle::new((p.0, p.1), 3, blue.filled())))
        .map_err(|e| e.to_string())?;
    chart
        .draw_secondary_series(LineSeries::new(
            points.iter().map(|p| (p.0, p.2)),
            orange.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?
        .label("modularity")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], orange.stroke_width(2)));
    let chosen = doc.metrics.resolution;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(chosen, 0.0), (chosen, y_max)],
            RGBColor(120, 120, 120).stroke_width(1),
        )))
        .map_err(|e| e.to_string())?
        .label("proposal")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 16, y)], RGBColor(120, 120, 120).stroke_width(1))
        });
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT_NAME, 12))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(200, 200, 200))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// One cell of a heatmap: its colour intensity (0–1), text, and whether it is highlighted (owner, diagonal).
struct Cell {
    intensity: f64,
    text: String,
    strong: bool,
}

/// A matrix chart: rows × columns of coloured cells with labels, drawn cell by cell so that any number of
/// rows and columns fits (the caller caps them).
fn heatmap(
    title: &str,
    rows: &[String],
    cols: &[String],
    cells: &[Vec<Cell>],
    base: RGBColor,
) -> String {
    register_font();
    let cell = 26.0_f64;
    let left =
        10.0 + 7.0 * rows.iter().map(|r| r.chars().count()).max().unwrap_or(4).min(28) as f64;
    let top = 34.0 + 6.5 * cols.iter().map(|c| c.chars().count()).max().unwrap_or(4).min(28) as f64;
    let width = ((left + cell * cols.len() as f64 + 20.0)
        .max(16.0 + 7.5 * title.chars().count() as f64)) as u32;
    let height = (top + cell * rows.len() as f64 + 12.0) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let _ = root.draw(&Text::new(title.to_owned(), (8, 6), (FONT_NAME, 15).into_font()));
        for (j, col) in cols.iter().enumerate() {
            let x = (left + cell * j as f64 + cell / 2.0) as i32;
            let label: String = col.chars().take(28).collect();
            let style =
                TextStyle::from((FONT_NAME, 11).into_font()).transform(FontTransform::Rotate270);
            let _ = root.draw(&Text::new(label, (x - 6, (top - 6.0) as i32), style));
        }
        for (i, row) in rows.iter().enumerate() {
            let y = top + cell * i as f64;
            let label: String = row.chars().take(28).collect();
            let _ = root.draw(&Text::new(
                label,
                (6, (y + cell / 2.0 - 6.0) as i32),
                (FONT_NAME, 12).into_font(),
            ));
            for (j, value) in cells[i].iter().enumerate() {
                let x = left + cell * j as f64;
                let mix = value.intensity.clamp(0.0, 1.0);
                let blend = |c: u8| (255.0 - (255.0 - c as f64) * mix).round() as u8;
                let fill = RGBColor(blend(base.0), blend(base.1), blend(base.2));
                let corners =
                    [(x as i32, y as i32), ((x + cell) as i32 - 1, (y + cell) as i32 - 1)];
                let _ = root.draw(&Rectangle::new(corners, fill.filled()));
                let border = if value.strong {
                    RGBColor(9, 105, 218).stroke_width(2)
                } else {
                    RGBColor(230, 230, 230).stroke_width(1)
                };
                let _ = root.draw(&Rectangle::new(corners, border));
                if !value.text.is_empty() {
                    let color = if mix > 0.6 { WHITE } else { BLACK };
                    let style = TextStyle::from((FONT_NAME, 10).into_font()).color(&color);
                    let _ = root.draw(&Text::new(
                        value.text.clone(),
                        ((x + 4.0) as i32, (y + cell / 2.0 - 5.0) as i32),
                        style,
                    ));
                }
            }
        }
        let _ = root.present();
    }
    svg
}

/// Rows and columns shown at most in a matrix chart; larger code bases show the largest services/tables.
const MAX_MATRIX: usize = 40;

/// The dependency-structure matrix between services: row depends on column, colour by references (log).
pub fn coupling_matrix(doc: &Report) -> String {
    let services: Vec<&super::json::ServiceEntry> = doc.services.iter().take(MAX_MATRIX).collect();
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let max = doc.service_dependencies.iter().map(|d| d.weight).max().unwrap_or(1).max(1) as f64;
    let cells: Vec<Vec<Cell>> = services
        .iter()
        .map(|from| {
            services
                .iter()
                .map(|to| {
                    let weight = doc
                        .service_dependencies
                        .iter()
                        .find(|d| d.from == from.id && d.to == to.id)
                        .map_or(0, |d| d.weight);
                    Cell {
                        intensity: if weight == 0 {
                            0.0
                        } else {
                            0.15 + 0.85 * (1.0 + weight as f64).ln() / (1.0 + max).ln()
                        },
                        text: if weight == 0 { String::new() } else { weight.to_string() },
                        strong: from.id == to.id,
                    }
                })
                .collect()
        })
        .collect();
    heatmap(
        "Coupling between services (row depends on column, references)",
        &names,
        &names,
        &cells,
        RGBColor(207, 106, 0),
    )
}

/// Services × tables: `W`, `R` or `RW` per cell, the owner's cells outlined, foreign accesses in red.
pub fn ownership_matrix(doc: &Report) -> String {
    let tables: Vec<&super::json::DataEntry> =
        doc.data.iter().filter(|d| d.kind == "table").take(MAX_MATRIX).collect();
    let services: Vec<&super::json::ServiceEntry> = doc.services.iter().take(MAX_MATRIX).collect();
    let rows: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let cols: Vec<String> =
        tables.iter().map(|t| t.id.trim_start_matches("table:").to_owned()).collect();
    let cells: Vec<Vec<Cell>> = services
        .iter()
        .map(|service| {
            tables
                .iter()
                .map(|table| {
                    let text = table.access_mark(&service.id);
                    let owner = table.owner.as_deref() == Some(service.id.as_str());
                    Cell {
                        intensity: match (owner, text.is_empty()) {
                            (true, _) => 0.25,
                            (false, false) => 0.9,
                            (false, true) => 0.0,
                        },
                        text: text.to_owned(),
                        strong: owner,
                    }
                })
                .collect()
        })
        .collect();
    // Foreign accesses are the saturated cells: red on white; owned cells a light tint, outlined.
    heatmap(
        "Data ownership (outlined: owner; dark: another service's table)",
        &rows,
        &cols,
        &cells,
        RGBColor(207, 34, 46),
    )
}

/// Code lines per service, largest first.
pub fn service_sizes(doc: &Report) -> String {
    register_font();
    let services: Vec<&super::json::ServiceEntry> = doc.services.iter().take(MAX_MATRIX).collect();
    let mut svg = String::new();
    {
        let height = 60 + 24 * services.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (640, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let max = services.iter().map(|s| s.lines).max().unwrap_or(1).max(1) as f64;
        let label_width = 10
            + 7 * services.iter().map(|s| s.name.chars().count()).max().unwrap_or(4).min(28) as i32;
        let _ = root.draw(&Text::new(
            "Service sizes (lines of code)".to_owned(),
            (8, 6),
            (FONT_NAME, 15).into_font(),
        ));
        for (i, service) in services.iter().enumerate() {
            let y = 34 + 24 * i as i32;
            let length = ((640 - label_width - 70) as f64 * service.lines as f64 / max) as i32;
            let name: String = service.name.chars().take(28).collect();
            let _ = root.draw(&Text::new(name, (6, y + 3), (FONT_NAME, 12).into_font()));
            let _ = root.draw(&Rectangle::new(
                [(label_width, y), (label_width + length.max(1), y + 16)],
                RGBColor(9, 105, 218).filled(),
            ));
            let _ = root.draw(&Text::new(
                service.lines.to_string(),
                (label_width + length + 6, y + 3),
                (FONT_NAME, 11).into_font(),
            ));
        }
        let _ = root.present();
    }
    svg
}
