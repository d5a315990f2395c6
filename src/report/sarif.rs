//! SARIF 2.1.0 (`decompose.sarif`): the risks as code-scanning results, so that tools that read SARIF
//! (code-scanning dashboards, pull-request annotations) show each risk at its file and line.
//!
//! One rule per risk kind (id = the stable code, name = the kind); one result per risk, located at its first
//! piece of evidence, with the rest as related locations. Levels: high → `error`, medium → `warning`,
//! low → `note`. Paths are relative to the analysed folder (`uriBaseId` `SRCROOT`).

use serde_json::{Value, json};

use super::json::Report;
use crate::risks::RiskKind;

pub fn render(doc: &Report) -> String {
    let rules: Vec<Value> = RiskKind::ALL
        .iter()
        .map(|kind| {
            json!({
                "id": kind.code(),
                "name": kind.as_str(),
                "shortDescription": { "text": kind.as_str().replace('-', " ") },
                "fullDescription": { "text": kind.why() },
                "help": { "text": kind.why() },
                "properties": { "tags": ["architecture", "distributed-monolith"] }
            })
        })
        .collect();
    let results: Vec<Value> = doc
        .risks
        .iter()
        .map(|risk| {
            let level = match risk.severity {
                "high" => "error",
                "medium" => "warning",
                _ => "note",
            };
            let location = |file: &str, line: u32, note: &str| {
                json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": file, "uriBaseId": "SRCROOT" },
                        "region": { "startLine": line.max(1) }
                    },
                    "message": { "text": note }
                })
            };
            let mut locations: Vec<Value> =
                risk.evidence.iter().map(|e| location(&e.file, e.line, &e.note)).collect();
            let primary = if locations.is_empty() { Vec::new() } else { vec![locations.remove(0)] };
            let rule_index = RiskKind::ALL.iter().position(|k| k.code() == risk.code).unwrap_or(0);
            json!({
                "ruleId": risk.code,
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": format!("{} Remedy: {}", risk.message, risk.remedy) },
                "locations": primary,
                "relatedLocations": locations,
                "partialFingerprints": { "decomposeSubject": format!("{}:{}", risk.code, risk.subject) },
                "properties": { "severity": risk.severity, "subject": risk.subject, "services": risk.services }
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "decompose",
                "version": doc.tool.version,
                "rules": rules
            }},
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": format!("The analysed folder, {}", doc.input.path) } } },
            "results": results
        }]
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}
