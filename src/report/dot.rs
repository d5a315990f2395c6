//! Graphviz exports: the module graph clustered by proposed service, and the service graph.

use std::fmt::Write;

use super::json::Report;

/// The module graph; one `cluster_*` subgraph per service, kept-out modules outside any cluster.
pub fn modules(doc: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph modules {{");
    let _ = writeln!(out, "  graph [rankdir=LR, fontname=\"Helvetica\"];");
    let _ =
        writeln!(out, "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];");
    for (index, service) in doc.services.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{index} {{");
        let _ = writeln!(out, "    label={};", quote(&service.name));
        for module in &service.modules {
            let _ = writeln!(out, "    {};", quote(module));
        }
        let _ = writeln!(out, "  }}");
    }
    for module in doc.modules.iter().filter(|m| m.service.is_none()) {
        let _ = writeln!(out, "  {} [style=dashed];", quote(&module.id));
    }
    for dependency in &doc.dependencies {
        let _ = writeln!(
            out,
            "  {} -> {} [weight={}, label=\"{}\"];",
            quote(dependency.from),
            quote(dependency.to),
            dependency.weight,
            dependency.weight
        );
    }
    let _ = writeln!(out, "}}");
    out
}

/// The service graph: one node per service (labelled with its size), edges weighted by references.
pub fn services(doc: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph services {{");
    let _ = writeln!(out, "  node [shape=box, style=rounded, fontname=\"Helvetica\"];");
    for service in &doc.services {
        let label = format!(
            "{}\\n{} modules, {} lines",
            service.name,
            service.modules.len(),
            service.lines
        );
        let _ = writeln!(
            out,
            "  {} [label=\"{}\"];",
            quote(&service.id),
            escape(&label).replace("\\\\n", "\\n")
        );
    }
    for dependency in &doc.service_dependencies {
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\", penwidth={:.1}];",
            quote(dependency.from),
            quote(dependency.to),
            dependency.weight,
            1.0 + (f64::from(dependency.weight)).ln().max(0.0)
        );
    }
    let _ = writeln!(out, "}}");
    out
}

fn escape(text: &str) -> String {
    Escaped(text).to_string()
}

/// `text` in double quotes, escaped ([`Escaped`]): the module graph quotes both ends of every dependency, and
/// building strings per quote was most of its time.
fn quote(text: &str) -> impl std::fmt::Display + '_ {
    Quoted(text)
}

struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", Escaped(self.0))
    }
}

/// `text` with backslashes and double quotes escaped, written as it is formatted.
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['\\', '"']) {
            let (before, after) = rest.split_at(at);
            let mut chars = after.chars();
            f.write_str(before)?;
            f.write_char('\\')?;
            if let Some(special) = chars.next() {
                f.write_char(special)?;
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_backslashes_and_quotes() {
        let cases = [
            ("", r#""""#),
            ("plain::path", r#""plain::path""#),
            ("a\"b", r#""a\"b""#),
            ("\\", r#""\\""#),
            ("\"\\\"", r#""\"\\\"""#),
            ("trailing\\", r#""trailing\\""#),
            ("ünïcode \"x\"", r#""ünïcode \"x\"""#),
        ];
        for (text, quoted) in cases {
            assert_eq!(quote(text).to_string(), quoted, "{text}");
            assert_eq!(format!("\"{}\"", escape(text)), quoted, "{text}");
        }
        assert_eq!(quote("say \"hi\" \\ bye").to_string(), r#""say \"hi\" \\ bye""#);
    }
}
