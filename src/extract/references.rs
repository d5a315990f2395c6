//! Collecting the paths a piece of syntax mentions, with how each is used.
//!
//! Each outermost path (not the qualifier of a longer path) is one reference; its kind comes from its parent
//! node (type position, call, struct literal, pattern, impl header, macro). Method calls are recorded by name
//! only, since the receiver's type is unknown without type inference. Macro arguments are token trees, not
//! syntax: their text is parsed again as expressions (or items, for `name! { .. }` at item level) and the paths
//! found are recorded as `in_macro` references, weaker evidence because a macro may use its input in any way.

use ra_ap_syntax::ast::{self, HasName, HasVisibility};
use ra_ap_syntax::{
    AstNode, Edition, NodeOrToken, RustLanguage, SourceFile, SyntaxKind, SyntaxNode,
};
use rowan::{GreenNodeData, GreenTokenData, Language};

use super::{
    Extractor, FileSummary, Import, ImportBinding, Name, RefKind, RefSite, Reference, ScopeIdx,
    StringLiteral,
};
use crate::source::LineIndex;

/// Macro calls nested deeper than this are not re-parsed (each level re-parses its body once).
const MAX_MACRO_DEPTH: u32 = 4;
/// The callee name of the wrapper built around macro arguments; never reported.
const WRAPPER_FN: &str = "__decompose_macro_args";

pub(super) fn collect(
    cx: &mut Extractor<'_>,
    node: &SyntaxNode,
    scope: ScopeIdx,
    from_item: Option<u32>,
    test_only: bool,
) {
    let mut collector = Collector {
        res: &mut cx.res,
        line_index: &cx.parsed.line_index,
        line_offset: 0,
        in_macro: false,
        macro_name: None,
        depth: 0,
        scope,
        from_item,
        test_only,
    };
    // The kinds above `node` (impl header, item list, source file) decide how its first paths are used.
    let ancestors: Vec<Frame<'_>> = {
        let mut kinds: Vec<Frame<'_>> = node
            .ancestors()
            .skip(1)
            .map(|a| Frame { kind: a.kind(), green: None, child: 0 })
            .collect();
        kinds.reverse();
        kinds
    };
    collector.walk(node.green(), node.text_range().start().into(), ancestors);
}

struct Collector<'a> {
    res: &'a mut FileSummary,
    line_index: &'a LineIndex,
    /// Added to lines of re-parsed macro text to get the line in the real file.
    line_offset: u32,
    in_macro: bool,
    /// The innermost macro whose arguments are being walked.
    macro_name: Option<Name>,
    depth: u32,
    scope: ScopeIdx,
    from_item: Option<u32>,
    test_only: bool,
}

/// One node on the path from the walk's root to the node being visited.
///
/// Why the walk runs over the *green* tree (rowan's immutable, position-free nodes) and not over `SyntaxNode`s:
/// every `SyntaxNode` the cursor API hands out is a fresh allocation with a reference count, and a file has
/// about twelve nodes per line, of which the collector cares about one in seven (paths, method calls,
/// literals, macro calls, `use`s). Walking green nodes costs no allocation; only the interesting nodes are
/// turned into a small typed tree of their own ([`subtree`]) to read them with the `ast` API.
struct Frame<'g> {
    kind: SyntaxKind,
    /// `None` for the ancestors above the walk's root, of which only the kind is known.
    green: Option<&'g GreenNodeData>,
    /// Index among the node's *node* children (tokens not counted) of the child being visited.
    child: u32,
}

/// A typed view of one green node, as the root of a tree of its own: offsets inside it start at 0.
fn subtree<N: AstNode>(green: &GreenNodeData) -> Option<N> {
    N::cast(SyntaxNode::new_root(green.to_owned()))
}

fn kind_of(green: &GreenNodeData) -> SyntaxKind {
    RustLanguage::kind_from_raw(green.kind())
}

/// The node children of a green node, in order.
fn child_nodes(green: &GreenNodeData) -> impl Iterator<Item = &GreenNodeData> {
    green.children().filter_map(|child| child.into_node())
}

/// Index among the node children of the first one that is not an attribute: the callee of a `CALL_EXPR`,
/// the receiver of a `METHOD_CALL_EXPR` (`#[attr] f(x)` puts the attribute first).
fn first_expr_index(green: &GreenNodeData) -> Option<u32> {
    child_nodes(green).position(|child| kind_of(child) != SyntaxKind::ATTR).map(|i| i as u32)
}

/// The first node child of `kind`, with its offset from the start of `green`.
fn child_of_kind_at(green: &GreenNodeData, kind: SyntaxKind) -> Option<(&GreenNodeData, u32)> {
    let mut offset = 0;
    for child in green.children() {
        if let NodeOrToken::Node(node) = child
            && kind_of(node) == kind
        {
            return Some((node, offset));
        }
        offset += u32::from(child.text_len());
    }
    None
}

/// The first node child of `kind`.
fn child_of_kind(green: &GreenNodeData, kind: SyntaxKind) -> Option<&GreenNodeData> {
    child_nodes(green).find(|child| kind_of(child) == kind)
}

/// The text of the first token under `green` (a `NAME_REF`'s identifier), as `NameRef::text` reads it.
fn first_token_text(green: &GreenNodeData) -> Option<&str> {
    first_token(green).map(GreenTokenData::text)
}

/// The last segment's name of a `PATH` node (`a::b::c` → `c`), as `path.segment()?.name_ref()?` reads it.
fn path_last_name(path: &GreenNodeData) -> Option<&str> {
    let segment = child_of_kind(path, SyntaxKind::PATH_SEGMENT)?;
    first_token_text(child_of_kind(segment, SyntaxKind::NAME_REF)?)
}

/// The segments of a green `PATH` node as written (`crate`, `self`, `super`, `Self` kept); `None` for
/// qualified paths such as `<T as Trait>::f`. A path is its qualifier (a `PATH` child), `::` and its own
/// `PATH_SEGMENT`, so the segments are collected from the innermost qualifier outwards.
fn path_segments(path: &GreenNodeData) -> Option<Vec<Name>> {
    let mut chain = vec![path];
    while let Some(qualifier) = chain.last().and_then(|p| child_of_kind(p, SyntaxKind::PATH)) {
        chain.push(qualifier);
    }
    let mut res = Vec::with_capacity(chain.len());
    for path in chain.iter().rev() {
        // As `Path::segments` does, a path without a segment ends the list.
        let Some(segment) = child_of_kind(path, SyntaxKind::PATH_SEGMENT) else { break };
        let Some(name_ref) = child_of_kind(segment, SyntaxKind::NAME_REF) else {
            // `<T>::f` or `<T as Trait>::f`, or a segment the parser could not read.
            return None;
        };
        let token = first_token(name_ref)?;
        res.push(match RustLanguage::kind_from_raw(token.kind()) {
            SyntaxKind::SELF_TYPE_KW => Name::new_static("Self"),
            SyntaxKind::SELF_KW => Name::new_static("self"),
            SyntaxKind::SUPER_KW => Name::new_static("super"),
            SyntaxKind::CRATE_KW => Name::new_static("crate"),
            _ => Name::new(token.text()),
        });
    }
    (!res.is_empty()).then_some(res)
}

/// The first token under `green`.
pub(super) fn first_token(green: &GreenNodeData) -> Option<&GreenTokenData> {
    let mut node = green;
    loop {
        match node.children().next()? {
            NodeOrToken::Token(token) => return Some(token),
            NodeOrToken::Node(child) => node = child,
        }
    }
}

/// The method name of a `METHOD_CALL_EXPR` node.
fn method_name(call: &GreenNodeData) -> Option<&str> {
    first_token_text(child_of_kind(call, SyntaxKind::NAME_REF)?)
}

impl Collector<'_> {
    fn line_at(&self, offset: u32) -> u32 {
        self.line_index.line(offset) + self.line_offset
    }

    /// Visits every node under `root` in preorder, with an explicit stack (deeply nested input must not
    /// overflow the call stack). `ancestors` are the frames above `root`.
    fn walk<'g>(&mut self, root: &'g GreenNodeData, root_offset: u32, mut stack: Vec<Frame<'g>>) {
        let base = stack.len();
        // Children still to visit, per frame of the stack from `base` on: (iterator, offset of the next child).
        let mut pending: Vec<(rowan::Children<'g>, u32)> = Vec::new();
        let mut next = Some((root, root_offset));
        loop {
            if let Some((green, offset)) = next.take() {
                let kind = kind_of(green);
                let descend = self.enter(green, kind, offset, &stack);
                if descend {
                    stack.push(Frame { kind, green: Some(green), child: 0 });
                    pending.push((green.children(), offset));
                }
            }
            // Find the next node child of the innermost frame that has one left.
            let Some((children, child_offset)) = pending.last_mut() else { break };
            let mut found = None;
            for child in children.by_ref() {
                let at = *child_offset;
                *child_offset += u32::from(child.text_len());
                if let NodeOrToken::Node(node) = child {
                    found = Some((node, at));
                    break;
                }
            }
            match found {
                Some(child) => {
                    next = Some(child);
                    // The frame's `child` counts the node children entered so far (minus one = this one).
                    if let Some(frame) = stack.last_mut() {
                        frame.child += 1;
                    }
                }
                None => {
                    pending.pop();
                    stack.pop();
                    if stack.len() < base {
                        break;
                    }
                }
            }
        }
    }

    /// Handles one node; returns whether to visit its children.
    fn enter(
        &mut self,
        green: &GreenNodeData,
        kind: SyntaxKind,
        offset: u32,
        ancestors: &[Frame<'_>],
    ) -> bool {
        match kind {
            // Attributes (`#[derive(..)]`) and visibilities (`pub(in path)`) name no dependency.
            SyntaxKind::ATTR | SyntaxKind::VISIBILITY => return false,
            SyntaxKind::USE => {
                if let Some(use_item) = subtree::<ast::Use>(green) {
                    self.use_item(&use_item, offset);
                }
                return false;
            }
            SyntaxKind::PATH => self.path(green, offset, ancestors),
            SyntaxKind::METHOD_CALL_EXPR => {
                if let Some((name, name_offset)) = child_of_kind_at(green, SyntaxKind::NAME_REF) {
                    let line = self.line_at(offset + name_offset);
                    let arg_of = self.arg_of(ancestors);
                    let text = first_token_text(name).unwrap_or_default();
                    self.push(vec![Name::new(text)], RefKind::MethodCall, line, arg_of, None);
                }
            }
            SyntaxKind::LITERAL => {
                if let Some(literal) = subtree::<ast::Literal>(green) {
                    self.literal(&literal, offset, ancestors);
                }
            }
            SyntaxKind::MACRO_CALL => {
                if let Some(call) = subtree::<ast::MacroCall>(green) {
                    self.macro_body(&call, offset, ancestors);
                }
            }
            _ => {}
        }
        true
    }

    fn push(
        &mut self,
        path: Vec<Name>,
        kind: RefKind,
        line: u32,
        arg_of: Option<Name>,
        receiver_of: Option<Name>,
    ) {
        let site = RefSite {
            scope: self.scope,
            kind,
            line,
            from_item: self.from_item,
            in_macro: self.in_macro,
            test_only: self.test_only,
        };
        self.res.references.push(Reference::new(path, arg_of, receiver_of, site));
    }

    /// The function or method whose argument list holds the node whose ancestors are `ancestors` (the
    /// nearest one, within the same expression; the macro's name for the arguments of a macro).
    fn arg_of(&self, ancestors: &[Frame<'_>]) -> Option<Name> {
        for (depth, frame) in ancestors.iter().enumerate().rev() {
            match frame.kind {
                SyntaxKind::ARG_LIST => {
                    let call = ancestors.get(depth.checked_sub(1)?)?;
                    let green = call.green?;
                    return match call.kind {
                        SyntaxKind::CALL_EXPR => {
                            // The callee is the call's first expression child (`CallExpr::expr`).
                            let callee =
                                child_nodes(green).nth(first_expr_index(green)? as usize)?;
                            if kind_of(callee) != SyntaxKind::PATH_EXPR {
                                return None;
                            }
                            let name = path_last_name(child_of_kind(callee, SyntaxKind::PATH)?)?;
                            if name == WRAPPER_FN {
                                self.macro_name.clone()
                            } else {
                                Some(Name::new(name))
                            }
                        }
                        SyntaxKind::METHOD_CALL_EXPR => method_name(green).map(Name::new),
                        _ => None,
                    };
                }
                SyntaxKind::STMT_LIST
                | SyntaxKind::BLOCK_EXPR
                | SyntaxKind::CLOSURE_EXPR
                | SyntaxKind::FN
                | SyntaxKind::SOURCE_FILE => return None,
                _ => {}
            }
        }
        None
    }

    /// Keeps string literals that may name data: SQL, URLs and connection strings, file paths, env var names.
    fn literal(&mut self, literal: &ast::Literal, offset: u32, ancestors: &[Frame<'_>]) {
        let ast::LiteralKind::String(string) = literal.kind() else { return };
        let Ok(value) = string.value() else { return };
        let arg_of = self.arg_of(ancestors);
        if !is_interesting_literal(&value, arg_of.as_deref()) {
            return;
        }
        let line = self.line_at(offset);
        self.res.literals.push(StringLiteral {
            scope: self.scope,
            from_item: self.from_item,
            line,
            value: value.into_owned(),
            arg_of,
            in_macro: self.macro_name.clone(),
            test_only: self.test_only,
        });
    }

    fn path(&mut self, green: &GreenNodeData, offset: u32, ancestors: &[Frame<'_>]) {
        let Some(parent) = ancestors.last() else {
            return;
        };
        // Only outermost paths: `a::b::c` is one reference, not three.
        if parent.kind == SyntaxKind::PATH {
            return;
        }
        let grandparent = ancestors.len().checked_sub(2).and_then(|i| ancestors.get(i));
        // Whether the path's parent is the grandparent's first expression (the callee of a call, the receiver
        // of a method call): the grandparent's `child` counter is one past the index of the child being visited.
        let parent_is_first_child = grandparent.is_some_and(|g| {
            g.green.and_then(first_expr_index).is_some_and(|first| g.child == first + 1)
        });
        let kind = match parent.kind {
            SyntaxKind::PATH_TYPE => match grandparent.map(|g| g.kind) {
                Some(SyntaxKind::IMPL) => RefKind::Impl,
                _ => RefKind::Type,
            },
            SyntaxKind::PATH_EXPR => {
                let callee = grandparent.is_some_and(|g| g.kind == SyntaxKind::CALL_EXPR)
                    && parent_is_first_child;
                if callee { RefKind::Call } else { RefKind::Value }
            }
            SyntaxKind::RECORD_EXPR => RefKind::Construct,
            SyntaxKind::PATH_PAT | SyntaxKind::TUPLE_STRUCT_PAT | SyntaxKind::RECORD_PAT => {
                RefKind::Pattern
            }
            SyntaxKind::MACRO_CALL => RefKind::Macro,
            SyntaxKind::ATTR | SyntaxKind::USE_TREE | SyntaxKind::VISIBILITY => return,
            _ => RefKind::Type,
        };
        let Some(segments) = path_segments(green) else {
            return;
        };
        // The macro wrapper's own name, and `self` as a value (the receiver), name no dependency.
        if segments.first().is_some_and(|s| s == WRAPPER_FN)
            || (segments.len() == 1 && segments[0] == "self")
        {
            return;
        }
        let line = self.line_at(offset);
        let arg_of = self.arg_of(ancestors);
        let receiver_of = match grandparent {
            Some(g)
                if parent.kind == SyntaxKind::PATH_EXPR
                    && g.kind == SyntaxKind::METHOD_CALL_EXPR
                    && parent_is_first_child =>
            {
                g.green.and_then(method_name).map(Name::new)
            }
            _ => None,
        };
        self.push(segments, kind, line, arg_of, receiver_of);
    }

    fn use_item(&mut self, use_item: &ast::Use, offset: u32) {
        let is_pub = use_item.visibility().is_some();
        let line = self.line_at(offset);
        for (path, binding) in flatten_use(use_item) {
            self.res.imports.push(Import {
                scope: self.scope,
                path,
                binding,
                is_pub,
                line,
                test_only: self.test_only,
            });
        }
    }

    /// Re-parses a macro call's arguments and collects the paths in them. `call` is a tree of its own, whose
    /// offsets are relative to `offset`.
    fn macro_body(&mut self, call: &ast::MacroCall, offset: u32, ancestors: &[Frame<'_>]) {
        if self.depth >= MAX_MACRO_DEPTH {
            return;
        }
        let Some(tt) = call.token_tree() else { return };
        let text = tt.syntax().text().to_string();
        let mut chars = text.chars();
        let (Some(open), Some(_)) = (chars.next(), chars.next_back()) else {
            return;
        };
        let body = chars.as_str();
        if body.trim().is_empty() {
            return;
        }
        let at_item_level = ancestors
            .last()
            .is_some_and(|p| matches!(p.kind, SyntaxKind::SOURCE_FILE | SyntaxKind::ITEM_LIST));
        // Item-level `name! { .. }` bodies usually hold items; everything else holds expressions.
        let wrapped = if open == '{' && at_item_level {
            body.to_owned()
        } else {
            format!("fn {WRAPPER_FN}() {{ {WRAPPER_FN}({body}); }}")
        };
        let tree = crate::parse::syntax_tree(&wrapped, Edition::CURRENT);
        let line_index = LineIndex::new(&wrapped);
        let body_line = self.line_at(offset + u32::from(tt.syntax().text_range().start()));
        let macro_name = call
            .path()
            .and_then(|p| p.segment())
            .and_then(|s| s.name_ref())
            .map(|n| Name::new(n.text()));
        if macro_name.as_deref() == Some("concat") {
            let arg_of = self.arg_of(ancestors).or_else(|| self.macro_name.clone());
            self.concat(&tree, body_line, arg_of);
        }
        let mut nested = Collector {
            res: self.res,
            line_index: &line_index,
            line_offset: body_line.saturating_sub(1),
            in_macro: true,
            macro_name,
            depth: self.depth + 1,
            scope: self.scope,
            from_item: self.from_item,
            test_only: self.test_only,
        };
        nested.walk(tree.syntax().green(), 0, Vec::new());
    }
}

impl Collector<'_> {
    /// `concat!("SELECT a ", "FROM b")` is one string at compile time: keep it whole, as the `concat` literal.
    fn concat(&mut self, tree: &SourceFile, line: u32, arg_of: Option<Name>) {
        let value: String = tree
            .syntax()
            .descendants()
            .filter_map(ast::Literal::cast)
            .filter_map(|literal| match literal.kind() {
                ast::LiteralKind::String(s) => s.value().ok().map(|v| v.into_owned()),
                _ => None,
            })
            .collect();
        if !is_interesting_literal(&value, None) {
            return;
        }
        self.res.literals.push(StringLiteral {
            scope: self.scope,
            from_item: self.from_item,
            line,
            value,
            arg_of,
            in_macro: Some(Name::new_static("concat")),
            test_only: self.test_only,
        });
    }
}

/// SQL keywords a statement can start with; a literal starting with one may be SQL.
const SQL_STARTS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate",
    "replace", "merge",
];
/// Functions whose string argument names something the data-access stage reads (env vars, files).
const NAMING_CALLS: &[&str] =
    &["var", "var_os", "env", "open", "create", "create_dir_all", "write", "read_to_string"];

/// A cheap filter so that only literals the data-access stage may care about are kept: possible SQL (also
/// fragments with `FROM`/`INTO`/`JOIN`), URLs and connection strings, file paths, `.log`/`.sql` names, hosts
/// and ports, and arguments of env/file functions. The data-access stage decides what each really is.
fn is_interesting_literal(value: &str, arg_of: Option<&str>) -> bool {
    if arg_of.is_some_and(|name| NAMING_CALLS.contains(&name)) {
        return true;
    }
    let trimmed = value.trim_start();
    let lower_start: String = trimmed.chars().take(12).collect::<String>().to_ascii_lowercase();
    let first_word =
        lower_start.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default();
    if SQL_STARTS.contains(&first_word) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    lower.contains("://")
        || lower.contains(" from ")
        || lower.contains(" into ")
        || lower.contains(" join ")
        || lower.starts_with('/')
        || lower.starts_with("./")
        || lower.ends_with(".log")
        || lower.ends_with(".sql")
        || lower.contains("localhost")
        || lower.contains("host=")
        || lower.contains("0.0.0.0")
        || lower.contains("127.0.0.1")
}

/// Flattens a use tree: `use a::{b, c::d as e, f::*};` → `a::b`, `a::c::d as e`, `a::f::*`.
pub(super) fn flatten_use(use_item: &ast::Use) -> Vec<(Vec<Name>, ImportBinding)> {
    let mut res = Vec::new();
    if let Some(tree) = use_item.use_tree() {
        flatten_tree(&tree, &mut Vec::new(), &mut res);
    }
    res
}

fn flatten_tree(
    tree: &ast::UseTree,
    prefix: &mut Vec<Name>,
    res: &mut Vec<(Vec<Name>, ImportBinding)>,
) {
    let depth = prefix.len();
    if let Some(path) = tree.path() {
        let Some(segments) = path_segments(path.syntax().green()) else {
            return;
        };
        prefix.extend(segments);
    }
    if let Some(list) = tree.use_tree_list() {
        for child in list.use_trees() {
            flatten_tree(&child, prefix, res);
        }
    } else if tree.star_token().is_some() {
        res.push((prefix.clone(), ImportBinding::Glob));
    } else if !prefix.is_empty() {
        // `use a::b::{self}` names `b`.
        let mut path = prefix.clone();
        if path.len() > 1 && path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        let binding = match tree.rename() {
            Some(rename) => match rename.name() {
                Some(name) if rename.underscore_token().is_none() => {
                    ImportBinding::Name(name.text().to_string())
                }
                _ => ImportBinding::Underscore,
            },
            None => ImportBinding::Name(path.last().map(Name::to_string).unwrap_or_default()),
        };
        res.push((path, binding));
    }
    prefix.truncate(depth);
}
