//! Collecting the paths a piece of syntax mentions, with how each is used.
//!
//! Each outermost path (not the qualifier of a longer path) is one reference; its kind comes from its parent
//! node (type position, call, struct literal, pattern, impl header, macro). Method calls are recorded by name
//! only, since the receiver's type is unknown without type inference. Macro arguments are token trees, not
//! syntax: their text is parsed again as expressions (or items, for `name! { .. }` at item level) and the paths
//! found are recorded as `in_macro` references, weaker evidence because a macro may use its input in any way.

use ra_ap_syntax::ast::{self, HasName, HasVisibility};
use ra_ap_syntax::{AstNode, Edition, SourceFile, SyntaxKind, SyntaxNode, WalkEvent};

use super::{
    Extractor, FileSummary, Import, ImportBinding, RefKind, Reference, ScopeIdx, StringLiteral,
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
    collector.walk(node);
}

struct Collector<'a> {
    res: &'a mut FileSummary,
    line_index: &'a LineIndex,
    /// Added to lines of re-parsed macro text to get the line in the real file.
    line_offset: u32,
    in_macro: bool,
    /// The innermost macro whose arguments are being walked.
    macro_name: Option<String>,
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
                        let arg_of = self.arg_of(&node);
                        self.push(
                            vec![name.text().to_string()],
                            RefKind::MethodCall,
                            line,
                            arg_of,
                            None,
                        );
                    }
                }
                SyntaxKind::LITERAL => {
                    if let Some(literal) = ast::Literal::cast(node) {
                        self.literal(&literal);
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

    fn push(
        &mut self,
        path: Vec<String>,
        kind: RefKind,
        line: u32,
        arg_of: Option<String>,
        receiver_of: Option<String>,
    ) {
        self.res.references.push(Reference {
            scope: self.scope,
            path,
            kind,
            line,
            from_item: self.from_item,
            in_macro: self.in_macro,
            test_only: self.test_only,
            arg_of,
            receiver_of,
        });
    }

    /// The function or method whose argument list holds `node` (the nearest one, within the same expression;
    /// the macro's name for the arguments of a macro).
    fn arg_of(&self, node: &SyntaxNode) -> Option<String> {
        for ancestor in node.ancestors().skip(1) {
            match ancestor.kind() {
                SyntaxKind::ARG_LIST => {
                    let call = ancestor.parent()?;
                    return match call.kind() {
                        SyntaxKind::CALL_EXPR => {
                            let callee = ast::CallExpr::cast(call)?.expr()?;
                            let ast::Expr::PathExpr(path) = callee else { return None };
                            let name = path.path()?.segment()?.name_ref()?.text().to_string();
                            if name == WRAPPER_FN { self.macro_name.clone() } else { Some(name) }
                        }
                        SyntaxKind::METHOD_CALL_EXPR => {
                            Some(ast::MethodCallExpr::cast(call)?.name_ref()?.text().to_string())
                        }
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
    fn literal(&mut self, literal: &ast::Literal) {
        let ast::LiteralKind::String(string) = literal.kind() else { return };
        let Ok(value) = string.value() else { return };
        let arg_of = self.arg_of(literal.syntax());
        if !is_interesting_literal(&value, arg_of.as_deref()) {
            return;
        }
        let line = self.line(literal.syntax());
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
        let arg_of = self.arg_of(path.syntax());
        let receiver_of = (parent.kind() == SyntaxKind::PATH_EXPR)
            .then(|| parent.parent().and_then(ast::MethodCallExpr::cast))
            .flatten()
            .filter(|call| call.receiver().is_some_and(|r| r.syntax() == &parent))
            .and_then(|call| call.name_ref())
            .map(|name| name.text().to_string());
        self.push(segments, kind, line, arg_of, receiver_of);
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
        let macro_name = call
            .path()
            .and_then(|p| p.segment())
            .and_then(|s| s.name_ref())
            .map(|n| n.text().to_string());
        if macro_name.as_deref() == Some("concat") {
            let arg_of = self.arg_of(call.syntax()).or_else(|| self.macro_name.clone());
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
        nested.walk(tree.syntax());
    }
}

impl Collector<'_> {
    /// `concat!("SELECT a ", "FROM b")` is one string at compile time: keep it whole, as the `concat` literal.
    fn concat(&mut self, tree: &SourceFile, line: u32, arg_of: Option<String>) {
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
            in_macro: Some("concat".to_owned()),
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
