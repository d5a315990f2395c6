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

fn register_font() {
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
