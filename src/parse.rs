//! Parsing one file with rust-analyzer's parser into a flat syntax tree.
//!
//! Invariant: parsing never fails. The parser is lossless and error-tolerant, so a file with a syntax error
//! still yields a tree with every item the parser could recover, plus a list of errors that the report shows
//! with file:line. The tree is built for a single file, which is what lets every file be parsed in parallel.
//!
//! Why the parser is driven by hand (lexer → `ra_ap_parser` → [`SyntaxTree`]) instead of through
//! `ra_ap_syntax::SourceFile::parse`, which runs the same lexer and parser:
//! - `SourceFile::parse` builds rowan's tree: one reference-counted allocation per node and per token (about
//!   27 per line), each token's text copied, then all of it freed again once the file is extracted. That was
//!   as much work as lexing and parsing together. decompose reads each tree once, front to back, and keeps
//!   nothing of it, so [`SyntaxTree`] is one vector of 16-byte entries that point into the file's text.
//! - its `Parse::errors()` also runs rust-analyzer's *validation* pass, a second walk over the whole tree that
//!   looks for semantic mistakes rustc reports anyway (bad escapes in literals, misplaced `crate` in paths,
//!   ...). Its findings say nothing about where services are. The errors kept here are exactly the lexer's
//!   and the parser's.
//!
//! The tree has the same nodes, tokens and text ranges as rowan's tree of the same text: it is built from the
//! same parser steps (`LexedStr::intersperse_trivia`, which also decides which comments belong to an item).

use ra_ap_parser::{LexedStr, StrStep, SyntaxKind, TopEntryPoint};
use ra_ap_syntax::Edition as RaEdition;

use crate::discover::Edition;
use crate::source::LineIndex;

/// A parsed file: the syntax tree and the syntax errors (1-based line, message).
pub struct ParsedFile<'t> {
    pub tree: SyntaxTree<'t>,
    pub errors: Vec<(u32, String)>,
    pub line_index: LineIndex,
    /// Code lines of the whole file, counted on the text.
    pub code_lines: u32,
}

pub fn parse(text: &str, edition: Edition) -> ParsedFile<'_> {
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
pub(crate) fn syntax_tree(text: &str, edition: RaEdition) -> SyntaxTree<'_> {
    build(text, edition, None)
}

fn build<'t>(
    text: &'t str,
    edition: RaEdition,
    mut errors: Option<&mut Vec<(usize, String)>>,
) -> SyntaxTree<'t> {
    let lexed = LexedStr::new(edition, text);
    let output = TopEntryPoint::SourceFile.parse(&lexed.to_input(edition));
    // About two entries per token (a node per token on average, from the grammar's wrapper nodes).
    let mut builder =
        Builder { nodes: Vec::with_capacity(lexed.len() * 2 + 1), open: Vec::new(), pos: 0 };
    lexed.intersperse_trivia(&output, &mut |step| match step {
        StrStep::Token { kind, text } => builder.token(kind, text.len()),
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
    builder.finish(text)
}

/// A lossless syntax tree of one file, as a vector of nodes and tokens in preorder.
///
/// Each entry knows where its subtree ends (`next`, the index after its last descendant) and its parent, so
/// the children of a node are found by hopping from `next` to `next`, and a walk in file order is a walk over
/// the vector. Tokens are entries without children; their text is the slice of the file between their start
/// and the next entry's start (the tree covers the text without gaps). Ids are indices; the root is 0.
pub struct SyntaxTree<'t> {
    text: &'t str,
    entries: Vec<Entry>,
}

/// Index of a node or token in its [`SyntaxTree`].
pub type NodeId = u32;

#[derive(Clone, Copy)]
struct Entry {
    kind: SyntaxKind,
    is_token: bool,
    /// Byte offset of the first character in the file.
    start: u32,
    /// Index of the entry after this one's subtree.
    next: u32,
    /// Index of the enclosing node; the root's parent is itself.
    parent: u32,
}

/// The parent of top-level entries while building.
const NO_PARENT: u32 = u32::MAX;

struct Builder {
    nodes: Vec<Entry>,
    /// Indices of the nodes entered and not yet exited.
    open: Vec<u32>,
    pos: u32,
}

impl Builder {
    fn parent(&self) -> u32 {
        self.open.last().copied().unwrap_or(NO_PARENT)
    }

    fn token(&mut self, kind: SyntaxKind, len: usize) {
        let index = self.nodes.len() as u32;
        let parent = self.parent();
        self.nodes.push(Entry { kind, is_token: true, start: self.pos, next: index + 1, parent });
        self.pos = self.pos.saturating_add(u32::try_from(len).unwrap_or(u32::MAX));
    }

    fn start_node(&mut self, kind: SyntaxKind) {
        let index = self.nodes.len() as u32;
        let parent = self.parent();
        self.nodes.push(Entry { kind, is_token: false, start: self.pos, next: index + 1, parent });
        self.open.push(index);
    }

    fn finish_node(&mut self) {
        if let Some(index) = self.open.pop() {
            let next = self.nodes.len() as u32;
            if let Some(node) = self.nodes.get_mut(index as usize) {
                node.next = next;
            }
        }
    }

    /// The parser wraps the whole input in one SOURCE_FILE node; should it ever not, a root is added so that
    /// every tree has exactly one, as rowan's builder does.
    fn finish(mut self, text: &str) -> SyntaxTree<'_> {
        while !self.open.is_empty() {
            self.finish_node();
        }
        let len = self.nodes.len() as u32;
        let single_root = self.nodes.first().is_some_and(|root| !root.is_token && root.next == len);
        if single_root {
            self.nodes[0].parent = 0;
        } else {
            for entry in &mut self.nodes {
                entry.next += 1;
                entry.parent = if entry.parent == NO_PARENT { 0 } else { entry.parent + 1 };
            }
            let root = Entry {
                kind: SyntaxKind::SOURCE_FILE,
                is_token: false,
                start: 0,
                next: len + 1,
                parent: 0,
            };
            self.nodes.insert(0, root);
        }
        debug_assert_eq!(self.pos as usize, text.len());
        SyntaxTree { text, entries: self.nodes }
    }
}

impl<'t> SyntaxTree<'t> {
    pub const ROOT: NodeId = 0;

    fn entry(&self, id: NodeId) -> Option<&Entry> {
        self.entries.get(id as usize)
    }

    /// The whole text the tree covers.
    pub fn source(&self) -> &'t str {
        self.text
    }

    /// `TOMBSTONE` for an id out of range, which names nothing.
    pub fn kind(&self, id: NodeId) -> SyntaxKind {
        self.entry(id).map_or(SyntaxKind::TOMBSTONE, |entry| entry.kind)
    }

    pub fn is_token(&self, id: NodeId) -> bool {
        self.entry(id).is_some_and(|entry| entry.is_token)
    }

    /// Byte offset where the node or token starts (with its attached comments and attributes, for an item).
    pub fn start(&self, id: NodeId) -> u32 {
        self.entry(id).map_or(self.text.len() as u32, |entry| entry.start)
    }

    /// Byte offset just past the node or token: where the next entry after its subtree starts.
    pub fn end(&self, id: NodeId) -> u32 {
        let next = self.entry(id).map_or(u32::MAX, |entry| entry.next);
        self.entry(next).map_or(self.text.len() as u32, |entry| entry.start)
    }

    /// The text of a node (all its tokens) or of a token.
    pub fn text(&self, id: NodeId) -> &'t str {
        self.text.get(self.start(id) as usize..self.end(id) as usize).unwrap_or_default()
    }

    /// The enclosing node; `None` for the root.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let parent = self.entry(id)?.parent;
        (parent != id).then_some(parent)
    }

    /// Direct children, nodes and tokens, in order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let end = self.entry(id).map_or(0, |entry| entry.next);
        let mut next = id.saturating_add(1);
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next = self.entry(child).map_or(end, |entry| entry.next);
            Some(child)
        })
    }

    /// Direct children that are nodes, in order.
    pub fn child_nodes(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id).filter(|&child| !self.is_token(child))
    }

    /// The first child node of `kind`.
    pub fn child_of_kind(&self, id: NodeId, kind: SyntaxKind) -> Option<NodeId> {
        self.child_nodes(id).find(|&child| self.kind(child) == kind)
    }

    /// Whether a direct child token of `kind` exists (`mut` in `static mut`, `*` in a glob import).
    pub fn has_token(&self, id: NodeId, kind: SyntaxKind) -> bool {
        self.children(id).any(|child| self.is_token(child) && self.kind(child) == kind)
    }

    /// The first token under `id`, following first children down (a `NAME`'s identifier); `None` when a node
    /// on the way is empty.
    pub fn first_token(&self, id: NodeId) -> Option<NodeId> {
        let mut node = id;
        loop {
            if self.is_token(node) {
                return Some(node);
            }
            node = self.children(node).next()?;
        }
    }

    /// The text of the first token under `id`: a `NAME`'s or `NAME_REF`'s identifier as written.
    pub fn first_token_text(&self, id: NodeId) -> Option<&'t str> {
        self.first_token(id).map(|token| self.text(token))
    }

    /// Index after the last entry of `id`'s subtree: the entries `id..subtree_end(id)` are `id` and all its
    /// descendants, in file order.
    pub fn subtree_end(&self, id: NodeId) -> NodeId {
        self.entry(id).map_or(id, |entry| entry.next)
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
    use ra_ap_syntax::{AstNode, NodeOrToken, SourceFile, WalkEvent};

    use super::*;

    #[test]
    fn a_syntax_error_keeps_the_other_items() {
        let parsed = parse("fn ok() {}\nfn broken( {\nstruct After;\n", Edition::E2021);
        assert!(!parsed.errors.is_empty());
        assert_eq!(parsed.errors[0].0, 2);
        let tree = &parsed.tree;
        let names: Vec<&str> = (0..tree.entries.len() as u32)
            .filter(|&id| tree.kind(id) == SyntaxKind::STRUCT)
            .filter_map(|id| tree.child_of_kind(id, SyntaxKind::NAME))
            .filter_map(|name| tree.first_token_text(name))
            .collect();
        assert_eq!(names, ["After"]);
    }

    /// Steps that do not wrap everything in one node still give one root (the parser never does this).
    #[test]
    fn a_root_is_added_when_the_steps_have_none() {
        let mut builder = Builder { nodes: Vec::new(), open: Vec::new(), pos: 0 };
        builder.token(SyntaxKind::IDENT, 1);
        builder.start_node(SyntaxKind::NAME);
        builder.token(SyntaxKind::IDENT, 2);
        let tree = builder.finish("abc");
        assert_eq!(tree.kind(SyntaxTree::ROOT), SyntaxKind::SOURCE_FILE);
        assert_eq!(tree.parent(SyntaxTree::ROOT), None);
        let children: Vec<NodeId> = tree.children(SyntaxTree::ROOT).collect();
        assert_eq!(children, [1, 2]);
        assert_eq!(tree.parent(3), Some(2));
        assert_eq!((tree.text(1), tree.text(2), tree.text(SyntaxTree::ROOT)), ("a", "bc", "abc"));
    }

    /// Preorder dump of a tree: kind, range and, for tokens, text; one line per entry, indented by depth.
    fn dump(tree: &SyntaxTree<'_>) -> String {
        fn visit(tree: &SyntaxTree<'_>, id: NodeId, depth: usize, out: &mut String) {
            let text =
                if tree.is_token(id) { format!(" {:?}", tree.text(id)) } else { String::new() };
            out.push_str(&format!(
                "{:depth$}{:?}@{}..{}{text}\n",
                "",
                tree.kind(id),
                tree.start(id),
                tree.end(id)
            ));
            for child in tree.children(id) {
                assert_eq!(tree.parent(child), Some(id));
                visit(tree, child, depth + 1, out);
            }
        }
        let mut out = String::new();
        visit(tree, SyntaxTree::ROOT, 0, &mut out);
        out
    }

    /// The same dump of rowan's tree, built by `SourceFile::parse`.
    fn dump_rowan(text: &str) -> String {
        let file = SourceFile::parse(text, RaEdition::Edition2021).tree();
        let mut out = String::new();
        let mut depth = 0;
        for event in file.syntax().preorder_with_tokens() {
            match event {
                WalkEvent::Enter(element) => {
                    let range = element.text_range();
                    let text = match &element {
                        NodeOrToken::Token(token) => format!(" {:?}", token.text()),
                        NodeOrToken::Node(_) => String::new(),
                    };
                    out.push_str(&format!(
                        "{:depth$}{:?}@{}..{}{text}\n",
                        "",
                        element.kind(),
                        u32::from(range.start()),
                        u32::from(range.end())
                    ));
                    depth += 1;
                }
                WalkEvent::Leave(_) => depth -= 1,
            }
        }
        out
    }

    /// The flat tree has exactly rowan's nodes, tokens and ranges, on valid code, broken code and the
    /// samples' files.
    #[test]
    fn same_tree_as_rowan() {
        let mut texts: Vec<String> = [
            "",
            "   ",
            "/// doc\n#[derive(Debug)]\npub struct A { x: u32 } // trailing\n",
            "fn f() { let x = a::b::<C>(1, \"s\\n\"); x.m(r#\"raw\"#) }\n",
            "fn broken( {\nstruct After;\n}}}\n",
            "impl<T> Tr for S<T> where T: Clone { fn g(&self) {} }\n",
            "macro_rules! m { ($x:expr) => { $x } }\nm!(1 + 2);\n",
            "\u{feff}use a::{b, c::*, d as _};\n'x",
            "\"unterminated",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-monoliths");
        let mut stack = vec![samples];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    texts.extend(std::fs::read_to_string(path));
                }
            }
        }
        assert!(texts.len() > 30);
        for text in &texts {
            let tree = syntax_tree(text, RaEdition::Edition2021);
            assert_eq!(dump(&tree), dump_rowan(text), "{text}");
        }
    }
}
