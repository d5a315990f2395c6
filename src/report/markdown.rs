//! `summary.md`: a Markdown summary sized for a pull-request comment: the proposal, the top risks and the
//! first steps of the migration plan, with pointers into the full report.

use std::fmt::Write;

use super::json::Report;

/// Risks and plan steps listed at most; the rest is counted.
const MAX_ROWS: usize = 10;

pub fn render(doc: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## decompose: {}", doc.input.path);
    let _ = writeln!(out);
    let high = doc.risks.iter().filter(|r| r.severity == "high").count();
    let _ = writeln!(
        out,
        "**{} services** proposed from {} modules ({} lines) · modularity {} · distributed-monolith score **{}** / 100 · {} high risk(s)",
        doc.summary.services,
        doc.summary.modules,
        doc.summary.code_lines,
        doc.metrics.modularity,
        doc.distributed_monolith_score,
        high
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "| service | modules | lines | owns tables | score |");
    let _ = writeln!(out, "|---|---:|---:|---|---:|");
    for service in &doc.services {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape(&service.name),
            service.modules.len(),
            service.lines,
            escape(&service.tables.join(", ")),
            service.distributed_monolith_score
        );
    }
    if !doc.risks.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "### Top risks");
        let _ = writeln!(out);
        for risk in doc.risks.iter().take(MAX_ROWS) {
            let at = risk
                .evidence
                .first()
                .map(|e| format!(" (`{}:{}`)", e.file, e.line))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{}** `{}` {}{at}",
                risk.severity,
                risk.code,
                escape(&risk.message)
            );
        }
        if doc.risks.len() > MAX_ROWS {
            let _ = writeln!(out, "- … and {} more in the report", doc.risks.len() - MAX_ROWS);
        }
    }
    if !doc.plan.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "### Extract first");
        let _ = writeln!(out);
        for step in doc.plan.iter().take(3) {
            let _ = writeln!(
                out,
                "{}. **{}**: {} interface item(s), moves {} table(s), splits {}",
                step.step,
                escape(&step.service),
                step.interface.len(),
                step.tables_to_move.len(),
                step.tables_to_split.len()
            );
        }
    }
    out
}

/// Markdown table cells cannot hold `|` or line breaks.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
