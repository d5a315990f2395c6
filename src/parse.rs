//! Parsing one file with ra_ap_syntax.
//!
//! Invariant: parsing never fails. ra_ap_syntax is lossless and error-tolerant, so a file with a syntax error
//! still yields a tree with every item the parser could recover, plus a list of errors that the report shows
//! with file:line. The tree is built for a single file, which is what lets every file be parsed in parallel.

use ra_ap_syntax::{AstNode, Edition as RaEdition, SourceFile};

use crate::discover::Edition;
use crate::source::LineIndex;

/// A parsed file: the syntax tree and the syntax errors (1-based line, message).
pub struct ParsedFile {
    pub tree: SourceFile,
    pub errors: Vec<(u32, String)>,
    pub line_index: LineIndex,
    /// Code lines of the whole file, counted on the text (rebuilding the text from the tree would cost a
    /// second walk over every token).
    pub code_lines: u32,
}

pub fn parse(text: &str, edition: Edition) -> ParsedFile {
    let parse = SourceFile::parse(text, ra_edition(edition));
    let line_index = LineIndex::new(text);
    let errors = parse
        .errors()
        .iter()
        .map(|err| (line_index.line(err.range().start().into()), err.to_string()))
        .collect();
    let tree = parse.tree();
    debug_assert_eq!(tree.syntax().text_range().len(), (text.len() as u32).into());
    ParsedFile { tree, errors, line_index, code_lines: crate::source::count_code_lines(text) }
}

pub(crate) fn ra_edition(edition: Edition) -> RaEdition {
    match edition {
        Edition::E2015 => RaEdition::Edition2015,
        Edition::E2018 => RaEdition::Edition2018,
        Edition::E2021 => RaEdition::Edition2021,
        Edition::E2024 => RaEdition::Edition2024,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_keeps_the_other_items() {
        let parsed = parse("fn ok() {}\nfn broken( {\nstruct After;\n", Edition::E2021);
        assert!(!parsed.errors.is_empty());
        assert_eq!(parsed.errors[0].0, 2);
        let names: Vec<String> = parsed
            .tree
            .syntax()
            .descendants()
            .filter_map(ra_ap_syntax::ast::Struct::cast)
            .filter_map(|s| ra_ap_syntax::ast::HasName::name(&s).map(|n| n.text().to_string()))
            .collect();
        assert_eq!(names, ["After"]);
    }
}
