//! Collecting the paths a piece of syntax mentions, with how each is used.
//!
//! Each outermost path (not the qualifier of a longer path) is one reference; its kind comes from its parent
//! node (type position, call, struct literal, pattern, impl header, macro). Method calls are recorded by name
//! only, since the receiver's type is unknown without type inference. Macro arguments are token trees, not
//! syntax: their text is parsed again as expressions (or items, for `name! { .. }` at item level) and the paths
//! found are recorded as `in_macro` references, weaker evidence because a macro may use its input in any way.

use ra_ap_syntax::ast::{self, HasName, HasVisibility};
use ra_ap_syntax::{AstNode, Edition, SourceFile, SyntaxKind, SyntaxNode, WalkEvent};

use super::{Extractor, FileSummary, Import, ImportBinding, RefKind, Reference, ScopeIdx};
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
        depth: 0,
        scope,
        from_item,
        test_only,
    };
    collector.walk(node);
}

struct Collector<'a> {
    res: &'a mut FileSummary,
    line_index: &'a LineIndex,
    /// Added to lines of re-parsed macro text to get the line in the real file.
    line_offset: u32,
    in_macro: bool,
    depth: u32,
    scope: ScopeIdx,
    from_item: Option<u32>,
    test_only: bool,
}

impl Collector<'_> {
    fn line(&self, node: &SyntaxNode) -> u32 {
        self.line_index.line(node.text_range().start().into()) + self.line_offset
    }

    fn walk(&mut self, node: &SyntaxNode) {
        let mut preorder = node.preorder();
        while let Some(event) = preorder.next() {
            let WalkEvent::Enter(node) = event else {
                continue;
            };
            match node.kind() {
                // Attributes (`#[derive(..)]`) and visibilities (`pub(in path)`) name no dependency.
                SyntaxKind::ATTR | SyntaxKind::VISIBILITY => preorder.skip_subtree(),
                SyntaxKind::USE => {
                    if let Some(use_item) = ast::Use::cast(node.clone()) {
                        self.use_item(&use_item);
                    }
                    preorder.skip_subtree();
                }
                SyntaxKind::PATH => {
                    if let Some(path) = ast::Path::cast(node) {
                        self.path(&path);
                    }
                }
                SyntaxKind::METHOD_CALL_EXPR => {
                    let call = ast::MethodCallExpr::cast(node.clone());
                    if let Some(name) = call.and_then(|c| c.name_ref()) {
                        let line = self.line(name.syntax());
                        self.push(vec![name.text().to_string()], RefKind::MethodCall, line);
                    }
                }
                SyntaxKind::MACRO_CALL => {
                    if let Some(call) = ast::MacroCall::cast(node) {
                        self.macro_body(&call);
                    }
                }
                _ => {}
            }
        }
    }

    fn push(&mut self, path: Vec<String>, kind: RefKind, line: u32) {
        self.res.references.push(Reference {
            scope: self.scope,
            path,
            kind,
            line,
            from_item: self.from_item,
            in_macro: self.in_macro,
            test_only: self.test_only,
        });
    }

    fn path(&mut self, path: &ast::Path) {
        let Some(parent) = path.syntax().parent() else {
            return;
        };
        // Only outermost paths: `a::b::c` is one reference, not three.
        if parent.kind() == SyntaxKind::PATH {
            return;
        }
        let kind = match parent.kind() {
            SyntaxKind::PATH_TYPE => match parent.parent().map(|p| p.kind()) {
                Some(SyntaxKind::IMPL) => RefKind::Impl,
                _ => RefKind::Type,
            },
            SyntaxKind::PATH_EXPR => {
                let callee = parent
                    .parent()
                    .and_then(ast::CallExpr::cast)
                    .and_then(|call| call.expr())
                    .is_some_and(|callee| callee.syntax() == &parent);
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
        let Some(segments) = path_segments(path) else {
            return;
        };
        // The macro wrapper's own name, and `self` as a value (the receiver), name no dependency.
        if segments.first().is_some_and(|s| s == WRAPPER_FN)
            || (segments.len() == 1 && segments[0] == "self")
        {
            return;
        }
        let line = self.line(path.syntax());
        self.push(segments, kind, line);
    }

    fn use_item(&mut self, use_item: &ast::Use) {
        let is_pub = use_item.visibility().is_some();
        let line = self.line(use_item.syntax());
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

    /// Re-parses a macro call's arguments and collects the paths in them.
    fn macro_body(&mut self, call: &ast::MacroCall) {
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
        let at_item_level = call
            .syntax()
            .parent()
            .is_some_and(|p| matches!(p.kind(), SyntaxKind::SOURCE_FILE | SyntaxKind::ITEM_LIST));
        // Item-level `name! { .. }` bodies usually hold items; everything else holds expressions.
        let wrapped = if open == '{' && at_item_level {
            body.to_owned()
        } else {
            format!("fn {WRAPPER_FN}() {{ {WRAPPER_FN}({body}); }}")
        };
        let parse = SourceFile::parse(&wrapped, Edition::CURRENT);
        let tree = parse.tree();
        let line_index = LineIndex::new(&wrapped);
        let body_line = self.line(tt.syntax());
        let mut nested = Collector {
            res: self.res,
            line_index: &line_index,
            line_offset: body_line.saturating_sub(1),
            in_macro: true,
            depth: self.depth + 1,
            scope: self.scope,
            from_item: self.from_item,
            test_only: self.test_only,
        };
        nested.walk(tree.syntax());
    }
}

/// Flattens a use tree: `use a::{b, c::d as e, f::*};` → `a::b`, `a::c::d as e`, `a::f::*`.
pub(super) fn flatten_use(use_item: &ast::Use) -> Vec<(Vec<String>, ImportBinding)> {
    let mut res = Vec::new();
    if let Some(tree) = use_item.use_tree() {
        flatten_tree(&tree, &mut Vec::new(), &mut res);
    }
    res
}

fn flatten_tree(
    tree: &ast::UseTree,
    prefix: &mut Vec<String>,
    res: &mut Vec<(Vec<String>, ImportBinding)>,
) {
    let depth = prefix.len();
    if let Some(path) = tree.path() {
        let Some(segments) = path_segments(&path) else {
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
            None => ImportBinding::Name(path.last().cloned().unwrap_or_default()),
        };
        res.push((path, binding));
    }
    prefix.truncate(depth);
}

/// The segments of a path as written; `None` for qualified paths such as `<T as Trait>::f`, whose inner type
/// and trait paths are collected on their own.
pub(crate) fn path_segments(path: &ast::Path) -> Option<Vec<String>> {
    let mut res = Vec::new();
    for segment in path.segments() {
        let text = match segment.kind()? {
            ast::PathSegmentKind::Name(name) => name.text().to_string(),
            ast::PathSegmentKind::CrateKw => "crate".to_owned(),
            ast::PathSegmentKind::SelfKw => "self".to_owned(),
            ast::PathSegmentKind::SuperKw => "super".to_owned(),
            ast::PathSegmentKind::SelfTypeKw => "Self".to_owned(),
            ast::PathSegmentKind::Type { .. } => return None,
        };
        res.push(text);
    }
    (!res.is_empty()).then_some(res)
}
