//! Parsing one file with ra_ap_syntax.
//!
//! Invariant: parsing never fails. ra_ap_syntax is lossless and error-tolerant, so a file with a syntax error
//! still yields a tree with every item the parser could recover, plus a list of errors that the report shows
//! with file:line. The tree is built for a single file, which is what lets every file be parsed in parallel.
//!
//! Why the parser is driven by hand (lexer → `ra_ap_parser` → our own `GreenBuilder`) instead of through
//! `SourceFile::parse`, which runs the same steps:
//! - its `Parse::errors()` also runs rust-analyzer's *validation* pass, a second walk over the whole tree that
//!   looks for semantic mistakes rustc reports anyway (bad escapes in literals, misplaced `crate` in paths,
//!   ...). It cost about 30 % of parsing, and its findings say nothing about where services are. The errors
//!   kept here are exactly the lexer's and the parser's.
//! - its tree builder hashes every token and small node into a cache; [`GreenBuilder`] says why that does not
//!   pay here (another 20 % of parsing).

use ra_ap_parser::{LexedStr, StrStep, TopEntryPoint};
use ra_ap_syntax::{
    AstNode, Edition as RaEdition, RustLanguage, SourceFile, SyntaxKind, SyntaxNode,
};
use rowan::{GreenNode, GreenToken, Language, NodeOrToken};
use rustc_hash::FxHashMap;

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
    // (byte offset, message): parser errors in tree order, then lexer errors, as `SourceFile::parse` has them.
    let mut raw_errors: Vec<(usize, String)> = Vec::new();
    let tree = build(text, ra_edition(edition), Some(&mut raw_errors));
    let line_index = LineIndex::new(text);
    let errors = raw_errors
        .into_iter()
        .map(|(offset, msg)| (line_index.line(u32::try_from(offset).unwrap_or(u32::MAX)), msg))
        .collect();
    ParsedFile { tree, errors, line_index, code_lines: crate::source::count_code_lines(text) }
}

/// Only the tree of `text`, errors dropped: for the text of a macro call's arguments, re-parsed to find the
/// paths in it.
pub(crate) fn syntax_tree(text: &str, edition: RaEdition) -> SourceFile {
    build(text, edition, None)
}

fn build(
    text: &str,
    edition: RaEdition,
    mut errors: Option<&mut Vec<(usize, String)>>,
) -> SourceFile {
    let lexed = LexedStr::new(edition, text);
    let output = TopEntryPoint::SourceFile.parse(&lexed.to_input(edition));
    let mut builder = GreenBuilder::default();
    lexed.intersperse_trivia(&output, &mut |step| match step {
        StrStep::Token { kind, text } => builder.token(kind, text),
        StrStep::Enter { kind } => builder.start_node(kind),
        StrStep::Exit => builder.finish_node(),
        StrStep::Error { msg, pos } => {
            if let Some(errors) = errors.as_deref_mut() {
                errors.push((pos, msg.to_owned()));
            }
        }
    });
    if let Some(errors) = errors {
        errors.extend(lexed.errors().map(|(token, msg)| (lexed.text_start(token), msg.to_owned())));
    }
    let root = SyntaxNode::new_root(builder.finish());
    // The builder's root is always a SOURCE_FILE node: the entry point wraps the whole input in one.
    let tree = SourceFile::cast(root).unwrap_or_else(|| SourceFile::parse("", edition).tree());
    debug_assert_eq!(tree.syntax().text_range().len(), (text.len() as u32).into());
    tree
}

/// Builds rowan's green tree straight from the parser's steps, without rowan's `NodeCache`.
///
/// The cache deduplicates equal tokens and small nodes by hashing every one of them: that saves memory when a
/// tree lives long (rust-analyzer keeps them), but here a tree lives only while its file is extracted, and
/// the hashing was a fifth of parsing. On a huge file with many distinct identifiers the cache also slowed
/// down as it grew (a 50 MB file took 15 s). Two cheap caches keep most of the sharing: the last token of
/// each kind (punctuation and keywords repeat one text) and whitespace up to 32 bytes (indentation).
struct GreenBuilder {
    /// Open nodes: kind and the index of their first child in `children`.
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<NodeOrToken<GreenNode, GreenToken>>,
    /// Per kind (indexed by its number), the last token built.
    last_of_kind: Vec<Option<GreenToken>>,
    whitespace: FxHashMap<Box<str>, GreenToken>,
}

impl Default for GreenBuilder {
    fn default() -> Self {
        GreenBuilder {
            parents: Vec::new(),
            children: Vec::new(),
            last_of_kind: vec![None; SyntaxKind::__LAST as usize + 1],
            whitespace: FxHashMap::default(),
        }
    }
}

impl GreenBuilder {
    fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = if kind == SyntaxKind::WHITESPACE && text.len() <= 32 {
            match self.whitespace.get(text) {
                Some(token) => token.clone(),
                None => {
                    let token = GreenToken::new(RustLanguage::kind_to_raw(kind), text);
                    self.whitespace.insert(text.into(), token.clone());
                    token
                }
            }
        } else {
            match self.last_of_kind.get_mut(kind as usize) {
                Some(Some(last)) if last.text() == text => last.clone(),
                Some(slot) => {
                    let token = GreenToken::new(RustLanguage::kind_to_raw(kind), text);
                    *slot = Some(token.clone());
                    token
                }
                None => GreenToken::new(RustLanguage::kind_to_raw(kind), text),
            }
        };
        self.children.push(NodeOrToken::Token(token));
    }

    fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    fn finish_node(&mut self) {
        if let Some((kind, first)) = self.parents.pop() {
            let node =
                GreenNode::new(RustLanguage::kind_to_raw(kind), self.children.drain(first..));
            self.children.push(NodeOrToken::Node(node));
        }
    }

    /// The root: the parser always wraps the whole input in one SOURCE_FILE node.
    fn finish(mut self) -> GreenNode {
        while !self.parents.is_empty() {
            self.finish_node();
        }
        match self.children.pop() {
            Some(NodeOrToken::Node(root)) if self.children.is_empty() => root,
            _ => GreenNode::new(RustLanguage::kind_to_raw(SyntaxKind::SOURCE_FILE), self.children),
        }
    }
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
