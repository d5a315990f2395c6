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
//! - the lexer's tokens are turned into the parser's input in one pass ([`lex`]), where `LexedStr` takes two
//!   and a general conversion; a file with any lexer error still goes through `LexedStr`.
//!
//! The tree has the same nodes, tokens and text ranges as rowan's tree of the same text (a test compares them):
//! it is built from the same parser steps, with whitespace and comments put back by the rules of
//! `LexedStr::intersperse_trivia` (see [`Builder`]). The errors are the same too, except that an illegal float
//! index (`x.1e0`) is reported on its own line; rust-analyzer gives the token's index as its offset.

mod lex;

use lex::Tokens;
use ra_ap_parser::{Step, SyntaxKind, TopEntryPoint};
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
    let (line_index, code_lines) = LineIndex::with_code_lines(text);
    let errors = raw_errors
        .into_iter()
        .map(|(offset, msg)| (line_index.line(u32::try_from(offset).unwrap_or(u32::MAX)), msg))
        .collect();
    ParsedFile { tree, errors, line_index, code_lines }
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
    let tokens = Tokens::new(text, edition);
    let output = TopEntryPoint::SourceFile.parse(&tokens.input);
    // About two entries per token (a node per token on average, from the grammar's wrapper nodes).
    let mut builder = Builder {
        text,
        kinds: &tokens.kinds,
        starts: &tokens.starts,
        pos: 0,
        state: State::PendingEnter,
        nodes: Vec::with_capacity(transient_capacity(tokens.len() * 2 + 1)),
        open: Vec::new(),
    };
    for step in output.iter() {
        match step {
            Step::Token { kind, n_input_tokens } => {
                builder.flush_exit();
                builder.eat_trivia();
                builder.token(kind, usize::from(n_input_tokens));
            }
            Step::FloatSplit { ends_in_dot } => {
                builder.flush_exit();
                builder.eat_trivia();
                let error = builder.float_split(ends_in_dot);
                if let (Some(errors), Some(error)) = (errors.as_deref_mut(), error) {
                    errors.push(error);
                }
            }
            Step::Enter { kind } => builder.enter(kind),
            Step::Exit => builder.exit(),
            Step::Error { msg } => {
                if let Some(errors) = errors.as_deref_mut() {
                    errors.push((builder.offset(), msg.to_owned()));
                }
            }
        }
    }
    // The root's exit is held back like any other: the file's trailing trivia belongs to the root.
    if matches!(builder.state, State::PendingExit) {
        builder.eat_trivia();
        builder.finish_node();
    }
    let tree = builder.finish(text);
    if let Some(errors) = errors {
        errors.extend(tokens.errors);
    }
    tree
}

/// The capacity to reserve for `n` elements in a buffer that lives only while one file is parsed and read:
/// `n` rounded up to a power of two, below a million elements. Files of similar size then ask the allocator
/// for the same block size, and get the block the previous file freed, instead of a block of a size class of
/// their own in memory not touched yet: each first touch of a page is a page fault, which cost 1.5–2 µs on the
/// benchmark's machine. Large buffers keep the exact size, where doubling what is reserved would matter.
fn transient_capacity(n: usize) -> usize {
    if n < 1 << 20 { n.next_power_of_two() } else { n }
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

/// Builds a [`SyntaxTree`] from the lexer's tokens and the parser's steps, which cover only the tokens that
/// are not trivia. Whitespace and comments are put back the way ra_ap_parser's `intersperse_trivia` does it
/// (rowan's trees are built through that function; this is the same algorithm without a callback per
/// step): trivia goes before the next token or node, except that comments directly above an item belong to
/// the item ([`n_attached_trivia`]), and an `Exit` waits for the next step so that the trivia after a node
/// ends up outside it.
struct Builder<'l> {
    text: &'l str,
    /// The lexer's tokens: kinds, and start offsets followed by the text's length (see [`Tokens`]).
    kinds: &'l [SyntaxKind],
    starts: &'l [u32],
    /// Index of the next lexer token.
    pos: usize,
    state: State,
    nodes: Vec<Entry>,
    /// Indices of the nodes entered and not yet exited.
    open: Vec<u32>,
}

enum State {
    /// Nothing entered yet: the first `Enter` opens the root, with no trivia before it.
    PendingEnter,
    Normal,
    /// An `Exit` not yet applied.
    PendingExit,
}

impl<'l> Builder<'l> {
    /// Byte offset of the next lexer token (the text's length after the last).
    fn offset(&self) -> usize {
        self.starts.get(self.pos).map_or(self.text.len(), |&start| start as usize)
    }

    /// Kind of lexer token `i`, `EOF` past the end.
    fn lexed_kind(&self, i: usize) -> SyntaxKind {
        self.kinds.get(i).copied().unwrap_or(SyntaxKind::EOF)
    }

    /// Text of lexer token `i`.
    fn lexed_text(&self, i: usize) -> &'l str {
        let (Some(&start), Some(&end)) = (self.starts.get(i), self.starts.get(i + 1)) else {
            return "";
        };
        self.text.get(start as usize..end as usize).unwrap_or_default()
    }

    fn parent(&self) -> u32 {
        self.open.last().copied().unwrap_or(NO_PARENT)
    }

    fn push(&mut self, kind: SyntaxKind, is_token: bool, start: usize) {
        let index = self.nodes.len() as u32;
        let parent = self.parent();
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        self.nodes.push(Entry { kind, is_token, start, next: index + 1, parent });
    }

    /// A token made of the next `n` lexer tokens (`>>` is two `>` for the lexer, one token for the parser).
    fn token(&mut self, kind: SyntaxKind, n: usize) {
        let start = self.offset();
        self.push(kind, true, start);
        self.pos = (self.pos + n).min(self.kinds.len());
    }

    fn start_node(&mut self, kind: SyntaxKind, start: usize) {
        let index = self.nodes.len() as u32;
        self.push(kind, false, start);
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

    /// Applies an `Exit` held back by [`Self::exit`].
    fn flush_exit(&mut self) {
        if matches!(std::mem::replace(&mut self.state, State::Normal), State::PendingExit) {
            self.finish_node();
        }
    }

    fn exit(&mut self) {
        if matches!(std::mem::replace(&mut self.state, State::PendingExit), State::PendingExit) {
            self.finish_node();
        }
    }

    fn enter(&mut self, kind: SyntaxKind) {
        match std::mem::replace(&mut self.state, State::Normal) {
            State::PendingEnter => return self.start_node(kind, self.offset()),
            State::PendingExit => self.finish_node(),
            State::Normal => {}
        }
        let n_trivia = self
            .kinds
            .get(self.pos..)
            .map_or(0, |rest| rest.iter().take_while(|kind| kind.is_trivia()).count());
        let leading =
            (self.pos..self.pos + n_trivia).rev().map(|i| (self.lexed_kind(i), self.lexed_text(i)));
        let n_attached = n_attached_trivia(kind, leading);
        self.eat_n_trivia(n_trivia - n_attached);
        self.start_node(kind, self.offset());
        self.eat_n_trivia(n_attached);
    }

    fn eat_trivia(&mut self) {
        while let Some(&kind) = self.kinds.get(self.pos)
            && kind.is_trivia()
        {
            self.token(kind, 1);
        }
    }

    fn eat_n_trivia(&mut self, n: usize) {
        for _ in 0..n {
            if let Some(&kind) = self.kinds.get(self.pos) {
                self.token(kind, 1);
            }
        }
    }

    /// The parser's view of a float token in a field access: `x.0.1` is lexed as `x`, `.`, `0.1`, and the
    /// parser asks to split `0.1` into `0`, `.`, `1`, each index in a `NAME_REF`, the first closing the
    /// inner field expression. Returns the error for a float without a dot (`x.1e0`), at the float's offset.
    fn float_split(&mut self, ends_in_dot: bool) -> Option<(usize, String)> {
        if self.pos >= self.kinds.len() {
            return None;
        }
        let start = self.offset();
        let text = self.lexed_text(self.pos);
        let mut error = None;
        match text.split_once('.') {
            Some((left, _)) => {
                self.start_node(SyntaxKind::NAME_REF, start);
                self.push(SyntaxKind::INT_NUMBER, true, start);
                self.finish_node();
                // The field expression the parser closed before the split ends after its first index.
                self.finish_node();
                let dot = start + left.len();
                self.push(SyntaxKind::DOT, true, dot);
                if ends_in_dot {
                    self.state = State::Normal;
                } else {
                    self.start_node(SyntaxKind::NAME_REF, dot + 1);
                    self.push(SyntaxKind::INT_NUMBER, true, dot + 1);
                    self.finish_node();
                    // The parser left the outer field expression open; the next step closes it.
                    self.state = State::PendingExit;
                }
            }
            None => {
                error = Some((start, "illegal float literal".to_owned()));
                self.start_node(SyntaxKind::ERROR, start);
                self.push(SyntaxKind::FLOAT_NUMBER, true, start);
                self.finish_node();
                self.finish_node();
                self.state = if ends_in_dot { State::Normal } else { State::PendingExit };
            }
        }
        self.pos += 1;
        error
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
        debug_assert_eq!(self.pos, self.kinds.len());
        SyntaxTree { text, entries: self.nodes }
    }
}

/// How many of the trivia tokens before an item (`trivia`, nearest first) belong to it: its doc comment and
/// the comments right above it, up to a blank line (unless a doc comment follows the blank line) or an inner
/// comment. The rule of ra_ap_parser's `intersperse_trivia`, which keeps it private.
fn n_attached_trivia<'a>(
    kind: SyntaxKind,
    trivia: impl Iterator<Item = (SyntaxKind, &'a str)>,
) -> usize {
    use SyntaxKind::*;
    let is_outer_doc = |text: &str| {
        !(text.starts_with("////") || text.starts_with("/***"))
            && (text.starts_with("///") || text.starts_with("/**"))
    };
    let is_inner_doc = |text: &str| text.starts_with("//!") || text.starts_with("/*!");
    match kind {
        CONST | ENUM | FN | IMPL | MACRO_CALL | MACRO_DEF | MACRO_RULES | MODULE | RECORD_FIELD
        | STATIC | STRUCT | TRAIT | TUPLE_FIELD | TYPE_ALIAS | UNION | USE | VARIANT
        | EXTERN_CRATE => {
            let mut attached = 0;
            let mut trivia = trivia.enumerate().peekable();
            while let Some((i, (kind, text))) = trivia.next() {
                match kind {
                    WHITESPACE if text.contains("\n\n") => {
                        // A blank line ends the item's comments, unless a doc comment comes before it.
                        if let Some((COMMENT, next)) = trivia.peek().map(|(_, pair)| *pair)
                            && is_outer_doc(next)
                        {
                            continue;
                        }
                        break;
                    }
                    COMMENT => {
                        if is_inner_doc(text) {
                            break;
                        }
                        attached = i + 1;
                    }
                    _ => {}
                }
            }
            attached
        }
        _ => 0,
    }
}

impl<'t> SyntaxTree<'t> {
    pub const ROOT: NodeId = 0;

    fn entry(&self, id: NodeId) -> Option<&Entry> {
        self.entries.get(id as usize)
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

    /// The first direct child token of `kind` (`for` in an `impl` header).
    pub fn token_of_kind(&self, id: NodeId, kind: SyntaxKind) -> Option<NodeId> {
        self.children(id).find(|&child| self.is_token(child) && self.kind(child) == kind)
    }

    /// Whether a direct child token of `kind` exists (`mut` in `static mut`, `*` in a glob import).
    pub fn has_token(&self, id: NodeId, kind: SyntaxKind) -> bool {
        self.token_of_kind(id, kind).is_some()
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
        let tokens = Tokens::new("a bc", RaEdition::Edition2021);
        let mut builder = Builder {
            text: "a bc",
            kinds: &tokens.kinds,
            starts: &tokens.starts,
            pos: 0,
            state: State::Normal,
            nodes: Vec::new(),
            open: Vec::new(),
        };
        builder.token(SyntaxKind::IDENT, 1);
        builder.eat_trivia();
        builder.start_node(SyntaxKind::NAME, builder.offset());
        builder.token(SyntaxKind::IDENT, 1);
        let tree = builder.finish("a bc");
        assert_eq!(tree.kind(SyntaxTree::ROOT), SyntaxKind::SOURCE_FILE);
        assert_eq!(tree.parent(SyntaxTree::ROOT), None);
        let children: Vec<NodeId> = tree.children(SyntaxTree::ROOT).collect();
        assert_eq!(children, [1, 2, 3]);
        assert_eq!(tree.parent(4), Some(3));
        let texts = [1, 2, 3, SyntaxTree::ROOT].map(|id| tree.text(id));
        assert_eq!(texts, ["a", " ", "bc", "a bc"]);
    }

    /// A float in a field access without a dot (`x.1e0`) is an error, reported on its own line (rust-analyzer's
    /// own trivia pass gives the token's index as its offset).
    #[test]
    fn an_illegal_float_index_is_reported_on_its_line() {
        let parsed = parse("fn g() {\n\n    x.1e0;\n}\n", Edition::E2021);
        assert_eq!(parsed.errors, [(3, "illegal float literal".to_owned())]);
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
            "fn f() { x.0.1; x.0.; t.0 .1; a.1.2.3; s.0.1.max(2); (s.1e5).0; }\n",
            "fn g() {\n\n    x.1e0;\n}\n",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        texts.extend(crate::test_fixture::repository_rust_files(&["sample-monoliths"]));
        assert!(texts.len() > 30);
        for text in &texts {
            let tree = syntax_tree(text, RaEdition::Edition2021);
            assert_eq!(dump(&tree), dump_rowan(text), "{text}");
        }
    }
}
