//! SARIF 2.1.0 (`decompose.sarif`): the risks as code-scanning results, so that tools that read SARIF
//! (code-scanning dashboards, pull-request annotations) show each risk at its file and line.
//!
//! One rule per risk kind (id = the stable code, name = the kind); one result per risk, located at its first
//! piece of evidence, with the rest as related locations. Levels: high → `error`, medium → `warning`,
//! low → `note`. Paths are relative to the analysed folder (`uriBaseId` `SRCROOT`).
//!
//! The log is made of typed structs rather than `serde_json::Value`s (a tree of maps, several allocations per
//! location: most of the time spent here on a large code base). Their fields stand in alphabetical order, the
//! order in which the `Value` maps wrote them, so the file stays as it was.

use serde::Serialize;

use super::json::{Report, RiskEntry};
use crate::risks::RiskKind;

pub fn render(doc: &Report) -> String {
    let rules: Vec<Rule> = RiskKind::ALL
        .iter()
        .map(|kind| Rule {
            full_description: Text { text: kind.why().into() },
            help: Text { text: kind.why().into() },
            id: kind.code(),
            name: kind.as_str(),
            properties: RuleProperties { tags: ["architecture", "distributed-monolith"] },
            short_description: Text { text: kind.as_str().replace('-', " ").into() },
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            original_uri_base_ids: BaseIds {
                srcroot: BaseId {
                    description: Text {
                        text: format!("The analysed folder, {}", doc.input.path).into(),
                    },
                },
            },
            results: doc.risks.iter().map(result).collect(),
            tool: Tool { driver: Driver { name: "decompose", rules, version: doc.tool.version } },
        }],
        version: "2.1.0",
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn result(risk: &RiskEntry) -> SarifResult<'_> {
    let level = match risk.severity {
        "high" => "error",
        "medium" => "warning",
        _ => "note",
    };
    let mut locations: Vec<Location> = risk
        .evidence
        .iter()
        .map(|e| Location {
            message: Text { text: e.note.as_str().into() },
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: &e.file, uri_base_id: "SRCROOT" },
                region: Region { start_line: e.line.max(1) },
            },
        })
        .collect();
    let primary = if locations.is_empty() { Vec::new() } else { vec![locations.remove(0)] };
    SarifResult {
        level,
        locations: primary,
        message: Text { text: format!("{} Remedy: {}", risk.message, risk.remedy).into() },
        partial_fingerprints: Fingerprints {
            decompose_subject: format!("{}:{}", risk.code, risk.subject),
        },
        properties: ResultProperties {
            services: &risk.services,
            severity: risk.severity,
            subject: &risk.subject,
        },
        related_locations: locations,
        rule_id: risk.code,
        rule_index: RiskKind::ALL.iter().position(|k| k.code() == risk.code).unwrap_or(0),
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    original_uri_base_ids: BaseIds<'a>,
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct BaseIds<'a> {
    #[serde(rename = "SRCROOT")]
    srcroot: BaseId<'a>,
}

#[derive(Serialize)]
struct BaseId<'a> {
    description: Text<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    rules: Vec<Rule<'a>>,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    full_description: Text<'a>,
    help: Text<'a>,
    id: &'static str,
    name: &'static str,
    properties: RuleProperties,
    short_description: Text<'a>,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: Vec<Location<'a>>,
    message: Text<'a>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties<'a>,
    related_locations: Vec<Location<'a>>,
    rule_id: &'static str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    decompose_subject: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    services: &'a [String],
    severity: &'a str,
    subject: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    message: Text<'a>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: &'a str,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}
