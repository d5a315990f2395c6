//! Collecting the paths a piece of syntax mentions, with how each is used.
//!
//! Each outermost path (not the qualifier of a longer path) is one reference; its kind comes from its parent
//! node (type position, call, struct literal, pattern, impl header, macro). Method calls are recorded by name
//! only, since the receiver's type is unknown without type inference. Macro arguments are token trees, not
//! syntax: their text is parsed again as expressions (or items, for `name! { .. }` at item level) and the paths
//! found are recorded as `in_macro` references, weaker evidence because a macro may use its input in any way.

use std::borrow::Cow;

use ra_ap_syntax::{Edition, SyntaxKind};

use super::{
    Extractor, FileSummary, Import, ImportBinding, Name, RefKind, RefSite, ScopeIdx, StringLiteral,
};
use crate::parse::{NodeId, SyntaxTree};
use crate::source::LineIndex;

/// Macro calls nested deeper than this are not re-parsed (each level re-parses its body once).
const MAX_MACRO_DEPTH: u32 = 4;
/// The callee name of the wrapper built around macro arguments; never reported.
const WRAPPER_FN: &str = "__decompose_macro_args";

pub(super) fn collect(
    cx: &mut Extractor<'_, '_>,
    node: NodeId,
    scope: ScopeIdx,
    from_item: Option<u32>,
    test_only: bool,
) {
    let mut collector = Collector {
        res: &mut cx.res,
        tree: cx.tree,
        root: node,
        line_index: cx.line_index,
        line_offset: 0,
        in_macro: false,
        macro_name: None,
        depth: 0,
        scope,
        from_item,
        test_only,
    };
    collector.walk();
}

struct Collector<'a, 't> {
    res: &'a mut FileSummary,
    tree: &'a SyntaxTree<'t>,
    /// The node whose subtree is walked. Its ancestors still decide how the paths in it are used (an impl
    /// header, an item list), by kind; only nodes inside the walk are looked into (a call's callee).
    root: NodeId,
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

/// The first child node that is not an attribute: the callee of a `CALL_EXPR`, the receiver of a
/// `METHOD_CALL_EXPR` (`#[attr] f(x)` puts the attribute first).
fn first_expr(tree: &SyntaxTree<'_>, node: NodeId) -> Option<NodeId> {
    tree.child_nodes(node).find(|&child| tree.kind(child) != SyntaxKind::ATTR)
}

/// The last segment's name of a `PATH` node (`a::b::c` → `c`), as `path.segment()?.name_ref()?` reads it.
pub(super) fn path_last_name<'t>(tree: &SyntaxTree<'t>, path: NodeId) -> Option<&'t str> {
    let segment = tree.child_of_kind(path, SyntaxKind::PATH_SEGMENT)?;
    tree.first_token_text(tree.child_of_kind(segment, SyntaxKind::NAME_REF)?)
}

/// The last segment's name of a `MACRO_CALL`'s path (`diesel::table!` → `table`).
pub(super) fn macro_name<'t>(tree: &SyntaxTree<'t>, call: NodeId) -> Option<&'t str> {
    path_last_name(tree, tree.child_of_kind(call, SyntaxKind::PATH)?)
}

/// Appends the segments of a `PATH` node as written (`crate`, `self`, `super`, `Self` kept) to `out`; false,
/// with `out` as it was, for qualified paths such as `<T as Trait>::f`. A path is its qualifier (a `PATH`
/// child), `::` and its own `PATH_SEGMENT`. `Path::segments` reads from the innermost qualifier outwards and
/// stops at a path without a segment; this reads from the outermost path inwards (no list of the qualifiers
/// needed), keeps what lies inside the innermost path without a segment, and reverses what it appended.
fn path_segments(tree: &SyntaxTree<'_>, path: NodeId, out: &mut Vec<Name>) -> bool {
    let qualifier = |p: NodeId| tree.child_of_kind(p, SyntaxKind::PATH);
    let base = out.len();
    // Whether every segment kept so far has a name (`<T>::f` has none).
    let mut named = true;
    for p in std::iter::successors(Some(path), |&p| qualifier(p)) {
        let Some(segment) = tree.child_of_kind(p, SyntaxKind::PATH_SEGMENT) else {
            out.truncate(base);
            named = true;
            continue;
        };
        let Some(token) =
            tree.child_of_kind(segment, SyntaxKind::NAME_REF).and_then(|n| tree.first_token(n))
        else {
            named = false;
            continue;
        };
        out.push(match tree.kind(token) {
            SyntaxKind::SELF_TYPE_KW => Name::new_static("Self"),
            SyntaxKind::SELF_KW => Name::new_static("self"),
            SyntaxKind::SUPER_KW => Name::new_static("super"),
            SyntaxKind::CRATE_KW => Name::new_static("crate"),
            _ => Name::new(tree.text(token)),
        });
    }
    if named && out.len() > base {
        out[base..].reverse();
        true
    } else {
        out.truncate(base);
        false
    }
}

/// The method name of a `METHOD_CALL_EXPR` node.
fn method_name<'t>(tree: &SyntaxTree<'t>, call: NodeId) -> Option<&'t str> {
    tree.first_token_text(tree.child_of_kind(call, SyntaxKind::NAME_REF)?)
}

/// The value of a `LITERAL` node that is a string (`ast::Literal::kind` reads its token: the first child that
/// is not an attribute or trivia); `None` for other literals and for strings [`string_value`] rejects.
fn string_literal_value<'t>(tree: &SyntaxTree<'t>, literal: NodeId) -> Option<Cow<'t, str>> {
    let token = tree.children(literal).find(|&child| {
        let kind = tree.kind(child);
        kind != SyntaxKind::ATTR && !kind.is_trivia()
    })?;
    if !tree.is_token(token) || tree.kind(token) != SyntaxKind::STRING {
        return None;
    }
    string_value(tree.text(token))
}

/// The value of a string literal's token (escapes resolved; raw strings as written), as
/// `ast::String::value` computes it; `None` for a string with a bad escape or a missing quote.
fn string_value(token: &str) -> Option<Cow<'_, str>> {
    let left = token.find('"')?;
    let right = token.rfind('"')?;
    let contents = token.get(left + 1..right)?;
    if token.starts_with('r') {
        return Some(Cow::Borrowed(contents));
    }
    if !contents.contains(['\\', '\r', '"']) {
        // Nothing to unescape, and none of the characters the unescaper rejects when bare.
        return Some(Cow::Borrowed(contents));
    }
    let mut value = String::with_capacity(contents.len());
    let mut ok = true;
    ra_ap_syntax::unescape::unescape_str(contents, |_, unescaped| match unescaped {
        Ok(c) => value.push(c),
        Err(_) => ok = false,
    });
    ok.then_some(Cow::Owned(value))
}

impl Collector<'_, '_> {
    fn line_at(&self, offset: u32) -> u32 {
        self.line_index.line(offset) + self.line_offset
    }

    /// Visits every node under the root in preorder (file order, which is the order of the tree's entries) by
    /// one scan of the entries, jumping over the subtrees that name no dependency. Tokens never have the kind
    /// of a node handled here, so they cost one comparison each; what a node's surroundings decide is read
    /// through its parent links when one is met, not kept on a stack for every node. No recursion, so deeply
    /// nested input cannot overflow the call stack.
    fn walk(&mut self) {
        let tree = self.tree;
        let end = tree.subtree_end(self.root);
        let mut id = self.root;
        while id < end {
            id = match tree.kind(id) {
                // Attributes (`#[derive(..)]`) and visibilities (`pub(in path)`) name no dependency.
                SyntaxKind::ATTR | SyntaxKind::VISIBILITY => tree.subtree_end(id),
                SyntaxKind::USE => {
                    self.use_item(id);
                    tree.subtree_end(id)
                }
                SyntaxKind::PATH => {
                    self.path(id);
                    id + 1
                }
                SyntaxKind::METHOD_CALL_EXPR => {
                    self.method_call(id);
                    id + 1
                }
                SyntaxKind::LITERAL => {
                    self.literal(id);
                    id + 1
                }
                SyntaxKind::MACRO_CALL => {
                    self.macro_body(id);
                    id + 1
                }
                _ => id + 1,
            };
        }
    }

    /// Whether `node`, an ancestor of a node being visited, lies inside the walk: the nodes above the root
    /// come before it in preorder.
    fn in_walk(&self, node: NodeId) -> bool {
        node >= self.root
    }

    /// Records a method call by its name only (the receiver's type is unknown without type inference). Its
    /// `arg_of` is not looked for: that describes the data a reference names, and a method call names none
    /// (`FileSummary` keeps none for it; looking cost a walk up the ancestors for every call).
    fn method_call(&mut self, call: NodeId) {
        let tree = self.tree;
        if let Some(name) = tree.child_of_kind(call, SyntaxKind::NAME_REF) {
            let line = self.line_at(tree.start(name));
            let text = tree.first_token_text(name).unwrap_or_default();
            let start = self.res.ref_names.len();
            self.res.ref_names.push(Name::new(text));
            self.push(start, RefKind::MethodCall, line, None, None);
        }
    }

    /// Records a reference whose path was appended to the file's names from `start` on.
    fn push(
        &mut self,
        start: usize,
        kind: RefKind,
        line: u32,
        arg_of: Option<Name>,
        receiver_of: Option<Name>,
    ) {
        let site = self.site(kind, line);
        self.res.push_reference(start, arg_of, receiver_of, site);
    }

    /// Where a reference of `kind` on `line` stands: this walk's scope, item and context.
    fn site(&self, kind: RefKind, line: u32) -> RefSite {
        RefSite {
            scope: self.scope,
            kind,
            line,
            from_item: self.from_item,
            in_macro: self.in_macro,
            test_only: self.test_only,
        }
    }

    /// The function or method whose argument list holds `node` (the nearest one, within the same expression;
    /// the macro's name for the arguments of a macro).
    fn arg_of(&self, node: NodeId) -> Option<Name> {
        let tree = self.tree;
        for ancestor in std::iter::successors(tree.parent(node), |&a| tree.parent(a)) {
            match tree.kind(ancestor) {
                SyntaxKind::ARG_LIST => {
                    let call = tree.parent(ancestor).filter(|&call| self.in_walk(call))?;
                    return match tree.kind(call) {
                        SyntaxKind::CALL_EXPR => {
                            // The callee is the call's first expression child (`CallExpr::expr`).
                            let callee = first_expr(tree, call)?;
                            if tree.kind(callee) != SyntaxKind::PATH_EXPR {
                                return None;
                            }
                            let path = tree.child_of_kind(callee, SyntaxKind::PATH)?;
                            let name = path_last_name(tree, path)?;
                            if name == WRAPPER_FN {
                                self.macro_name.clone()
                            } else {
                                Some(Name::new(name))
                            }
                        }
                        SyntaxKind::METHOD_CALL_EXPR => method_name(tree, call).map(Name::new),
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
    fn literal(&mut self, literal: NodeId) {
        let tree = self.tree;
        let Some(value) = string_literal_value(tree, literal) else { return };
        let arg_of = self.arg_of(literal);
        let line = self.line_at(tree.start(literal));
        self.keep_literal(value, line, arg_of, self.macro_name.clone());
    }

    /// Keeps a string literal's value if it may name data ([`is_interesting_literal`], told the call it is an
    /// argument of).
    fn keep_literal(
        &mut self,
        value: Cow<'_, str>,
        line: u32,
        arg_of: Option<Name>,
        in_macro: Option<Name>,
    ) {
        if !is_interesting_literal(&value, arg_of.as_deref()) {
            return;
        }
        self.res.literals.push(StringLiteral {
            scope: self.scope,
            from_item: self.from_item,
            line,
            value: value.into_owned(),
            arg_of,
            in_macro,
            test_only: self.test_only,
        });
    }

    fn path(&mut self, path: NodeId) {
        let tree = self.tree;
        let Some(parent) = tree.parent(path) else {
            return;
        };
        let parent_kind = tree.kind(parent);
        // Only outermost paths: `a::b::c` is one reference, not three.
        if parent_kind == SyntaxKind::PATH {
            return;
        }
        let grandparent = tree.parent(parent);
        let grandparent_kind = grandparent.map(|g| tree.kind(g));
        // Whether the path's parent is the grandparent's first expression (the callee of a call, the receiver
        // of a method call).
        let parent_is_first_child =
            grandparent.is_some_and(|g| self.in_walk(g) && first_expr(tree, g) == Some(parent));
        let kind = match parent_kind {
            SyntaxKind::PATH_TYPE => match grandparent_kind {
                Some(SyntaxKind::IMPL) => RefKind::Impl,
                _ => RefKind::Type,
            },
            SyntaxKind::PATH_EXPR => {
                let callee =
                    grandparent_kind == Some(SyntaxKind::CALL_EXPR) && parent_is_first_child;
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
        let arg_of = self.arg_of(path);
        let receiver_of = match grandparent {
            Some(g)
                if parent_kind == SyntaxKind::PATH_EXPR
                    && grandparent_kind == Some(SyntaxKind::METHOD_CALL_EXPR)
                    && parent_is_first_child =>
            {
                method_name(tree, g).map(Name::new)
            }
            _ => None,
        };
        // The segments go straight into the file's names.
        let start = self.res.ref_names.len();
        if !path_segments(tree, path, &mut self.res.ref_names) {
            return;
        }
        let segments = self.res.ref_names.get(start..).unwrap_or_default();
        // The macro wrapper's own name, and `self` as a value (the receiver), name no dependency.
        if segments.first().is_some_and(|s| s == WRAPPER_FN)
            || (segments.len() == 1 && segments[0] == "self")
        {
            self.res.ref_names.truncate(start);
            return;
        }
        let line = self.line_at(tree.start(path));
        self.push(start, kind, line, arg_of, receiver_of);
    }

    fn use_item(&mut self, use_item: NodeId) {
        let line = self.line_at(self.tree.start(use_item));
        push_imports(self.res, self.tree, use_item, self.scope, line, self.test_only);
    }

    /// Re-parses a macro call's arguments and collects the paths in them.
    fn macro_body(&mut self, call: NodeId) {
        if self.depth >= MAX_MACRO_DEPTH {
            return;
        }
        let tree = self.tree;
        let Some(tt) = tree.child_of_kind(call, SyntaxKind::TOKEN_TREE) else { return };
        let mut chars = tree.text(tt).chars();
        let (Some(open), Some(_)) = (chars.next(), chars.next_back()) else {
            return;
        };
        let body = chars.as_str();
        if body.trim().is_empty() {
            return;
        }
        let at_item_level = tree.parent(call).is_some_and(|p| {
            matches!(tree.kind(p), SyntaxKind::SOURCE_FILE | SyntaxKind::ITEM_LIST)
        });
        // Item-level `name! { .. }` bodies usually hold items; everything else holds expressions.
        let macro_name = macro_name(tree, call).map(Name::new);
        let as_items = open == '{' && at_item_level;
        if !as_items
            && macro_name.as_deref() != Some("concat")
            && self.simple_arguments(tt, macro_name.as_ref())
        {
            return;
        }
        let wrapped = if as_items {
            body.to_owned()
        } else {
            format!("fn {WRAPPER_FN}() {{ {WRAPPER_FN}({body}); }}")
        };
        let body_tree = crate::parse::syntax_tree(&wrapped, Edition::CURRENT);
        let line_index = LineIndex::new(&wrapped);
        let body_line = self.line_at(tree.start(tt));
        if macro_name.as_deref() == Some("concat") {
            let arg_of = self.arg_of(call).or_else(|| self.macro_name.clone());
            self.concat(&body_tree, body_line, arg_of);
        }
        let mut nested = Collector {
            res: self.res,
            tree: &body_tree,
            root: SyntaxTree::ROOT,
            line_index: &line_index,
            line_offset: body_line.saturating_sub(1),
            in_macro: true,
            macro_name,
            depth: self.depth + 1,
            scope: self.scope,
            from_item: self.from_item,
            test_only: self.test_only,
        };
        nested.walk();
    }

    /// A macro's arguments in a few plain shapes, separated by commas, recorded as parsing the arguments again
    /// would record them (as arguments of the macro, read inside it), without that parse: in code that logs
    /// with `tracing`, the parses were a quarter of the reference walk. The shapes: a literal; a name followed
    /// by field accesses and calls of methods without arguments (`id`, `row.id`, `user.email.as_ref().unwrap()`);
    /// either after `&`, `*` or `!`; and, as `tracing` writes fields, `name = ` before them
    /// (`debug!(found = linked.is_some(), "ready")`). False, having done nothing, for any other arguments,
    /// which are parsed. `macro_arguments_read_without_a_parse_are_what_the_parse_finds` checks the two agree.
    fn simple_arguments(&mut self, tt: NodeId, macro_name: Option<&Name>) -> bool {
        let tree = self.tree;
        let Some(events) = simple_argument_events(tree, tt) else { return false };
        for event in events {
            match event {
                // The wrapper the arguments would be parsed in is never reported.
                ArgEvent::Value { name, .. } if tree.text(name) == WRAPPER_FN => {}
                ArgEvent::Value { name, receiver_of } => {
                    let receiver_of = receiver_of.map(|method| Name::new(tree.text(method)));
                    self.macro_argument(name, RefKind::Value, macro_name, receiver_of);
                }
                ArgEvent::MethodCall(method) => {
                    self.macro_argument(method, RefKind::MethodCall, macro_name, None);
                }
                ArgEvent::Literal(token) => {
                    if tree.kind(token) != SyntaxKind::STRING {
                        continue;
                    }
                    let Some(value) = string_value(tree.text(token)) else { continue };
                    let line = self.line_at(tree.start(token));
                    self.keep_literal(value, line, macro_name.cloned(), macro_name.cloned());
                }
            }
        }
        true
    }

    /// Records `token` (a name or a method) as a one-segment path of `kind`, read inside the macro `macro_name`
    /// as an argument of it.
    fn macro_argument(
        &mut self,
        token: NodeId,
        kind: RefKind,
        macro_name: Option<&Name>,
        receiver_of: Option<Name>,
    ) {
        let tree = self.tree;
        let line = self.line_at(tree.start(token));
        let start = self.res.ref_names.len();
        self.res.ref_names.push(Name::new(tree.text(token)));
        let site = RefSite { in_macro: true, ..self.site(kind, line) };
        self.res.push_reference(start, macro_name.cloned(), receiver_of, site);
    }

    /// `concat!("SELECT a ", "FROM b")` is one string at compile time: keep it whole, as the `concat` literal.
    fn concat(&mut self, body: &SyntaxTree<'_>, line: u32, arg_of: Option<Name>) {
        let mut value = String::new();
        for id in SyntaxTree::ROOT..body.subtree_end(SyntaxTree::ROOT) {
            if body.kind(id) == SyntaxKind::LITERAL
                && let Some(part) = string_literal_value(body, id)
            {
                value.push_str(&part);
            }
        }
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

/// What one of [`Collector::simple_arguments`]' shapes records, in the order a walk of its parse meets it.
pub(super) enum ArgEvent {
    /// A one-segment value path (the name's token), with the method it is the receiver of.
    Value {
        name: NodeId,
        receiver_of: Option<NodeId>,
    },
    /// A method call (the method name's token).
    MethodCall(NodeId),
    Literal(NodeId),
}

/// Reads the arguments of a macro call (`tt`: its `TOKEN_TREE`) in the shapes [`Collector::simple_arguments`]
/// lists; `None` for anything else, and for an unclosed call (broken code), which the parse sees as it is. The
/// events come in the order a walk of the parsed arguments meets them: per argument the field name before `=`,
/// then the method calls outermost first (`a.f().g()` is `g` called on `a.f()`), then the name they start
/// from, receiver of the first call when that call is applied to the name directly.
pub(super) fn simple_argument_events(tree: &SyntaxTree<'_>, tt: NodeId) -> Option<Vec<ArgEvent>> {
    // Between the brackets: the tokens, and the groups (`()`) as nodes.
    let mut tokens: Vec<NodeId> =
        tree.children(tt).skip(1).filter(|&t| !tree.kind(t).is_trivia()).collect();
    let closing = tokens.pop()?;
    if !(tree.is_token(closing)
        && matches!(
            tree.kind(closing),
            SyntaxKind::R_PAREN | SyntaxKind::R_BRACK | SyntaxKind::R_CURLY
        ))
    {
        return None;
    }
    // Arguments are parsed as current Rust: a name that is a keyword there (`async` in a 2015 crate) is left
    // to the parse.
    let token_kind = |i: usize| -> Option<SyntaxKind> {
        let &token = tokens.get(i)?;
        tree.is_token(token).then(|| tree.kind(token))
    };
    let is_name = |i: usize| {
        token_kind(i) == Some(SyntaxKind::IDENT)
            && SyntaxKind::from_keyword(tree.text(tokens[i]), Edition::CURRENT).is_none()
    };
    // `()`: a group node holding its two brackets and nothing else.
    let is_empty_call = |i: usize| {
        tokens.get(i).is_some_and(|&group| {
            !tree.is_token(group)
                && tree.kind(group) == SyntaxKind::TOKEN_TREE
                && tree
                    .children(group)
                    .filter(|&t| !tree.kind(t).is_trivia())
                    .map(|t| tree.kind(t))
                    .eq([SyntaxKind::L_PAREN, SyntaxKind::R_PAREN])
        })
    };
    let mut events = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if is_name(i) && token_kind(i + 1) == Some(SyntaxKind::EQ) {
            events.push(ArgEvent::Value { name: tokens[i], receiver_of: None });
            i += 2;
        }
        while matches!(token_kind(i), Some(SyntaxKind::AMP | SyntaxKind::STAR | SyntaxKind::BANG)) {
            i += 1;
        }
        if token_kind(i).is_some_and(SyntaxKind::is_literal) {
            events.push(ArgEvent::Literal(tokens[i]));
            i += 1;
        } else if is_name(i) {
            let base = tokens[i];
            i += 1;
            // `.field` and `.method()`, in the order written; the calls are recorded outermost first. The
            // name is the receiver of the first postfix when that one is a call.
            let (calls, first_postfix) = (events.len(), i);
            let mut receiver_of = None;
            while token_kind(i) == Some(SyntaxKind::DOT) && is_name(i + 1) {
                let call = is_empty_call(i + 2);
                if call {
                    events.push(ArgEvent::MethodCall(tokens[i + 1]));
                    if i == first_postfix {
                        receiver_of = Some(tokens[i + 1]);
                    }
                }
                i += 2 + usize::from(call);
            }
            events[calls..].reverse();
            events.push(ArgEvent::Value { name: base, receiver_of });
        } else {
            return None;
        }
        match token_kind(i) {
            None if i == tokens.len() => {}
            Some(SyntaxKind::COMMA) => i += 1,
            _ => return None,
        }
    }
    Some(events)
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
/// Letter case is ignored without lower-casing a copy: every string literal of the code base passes here.
fn is_interesting_literal(value: &str, arg_of: Option<&str>) -> bool {
    if arg_of.is_some_and(|name| NAMING_CALLS.contains(&name)) {
        return true;
    }
    // The first word: the letters it starts with, at most 12.
    let trimmed = value.trim_start().as_bytes();
    let letters = trimmed.iter().take(12).take_while(|b| b.is_ascii_alphabetic()).count();
    let first_word = &trimmed[..letters];
    if SQL_STARTS.iter().any(|start| start.as_bytes().eq_ignore_ascii_case(first_word)) {
        return true;
    }
    let bytes = value.as_bytes();
    let contains = |needle: &str| {
        let needle = needle.as_bytes();
        bytes.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
    };
    let ends_with = |suffix: &str| {
        bytes.len() >= suffix.len()
            && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    value.contains("://")
        || contains(" from ")
        || contains(" into ")
        || contains(" join ")
        || value.starts_with('/')
        || value.starts_with("./")
        || ends_with(".log")
        || ends_with(".sql")
        || contains("localhost")
        || contains("host=")
        || value.contains("0.0.0.0")
        || value.contains("127.0.0.1")
}

/// Records the imports of a `use` item (at item level or inside a body), one per flattened path.
pub(super) fn push_imports(
    res: &mut FileSummary,
    tree: &SyntaxTree<'_>,
    use_item: NodeId,
    scope: ScopeIdx,
    line: u32,
    test_only: bool,
) {
    let is_pub = tree.child_of_kind(use_item, SyntaxKind::VISIBILITY).is_some();
    for (path, binding) in flatten_use(tree, use_item) {
        res.imports.push(Import { scope, path, binding, is_pub, line, test_only });
    }
}

/// Flattens a use tree: `use a::{b, c::d as e, f::*};` → `a::b`, `a::c::d as e`, `a::f::*`.
fn flatten_use(tree: &SyntaxTree<'_>, use_item: NodeId) -> Vec<(Vec<Name>, ImportBinding)> {
    let mut res = Vec::new();
    if let Some(use_tree) = tree.child_of_kind(use_item, SyntaxKind::USE_TREE) {
        flatten_tree(tree, use_tree, &mut Vec::new(), &mut res);
    }
    res
}

fn flatten_tree(
    tree: &SyntaxTree<'_>,
    use_tree: NodeId,
    prefix: &mut Vec<Name>,
    res: &mut Vec<(Vec<Name>, ImportBinding)>,
) {
    let depth = prefix.len();
    if let Some(path) = tree.child_of_kind(use_tree, SyntaxKind::PATH)
        && !path_segments(tree, path, prefix)
    {
        return;
    }
    if let Some(list) = tree.child_of_kind(use_tree, SyntaxKind::USE_TREE_LIST) {
        for child in tree.child_nodes(list) {
            if tree.kind(child) == SyntaxKind::USE_TREE {
                flatten_tree(tree, child, prefix, res);
            }
        }
    } else if tree.has_token(use_tree, SyntaxKind::STAR) {
        res.push((prefix.clone(), ImportBinding::Glob));
    } else if !prefix.is_empty() {
        // `use a::b::{self}` names `b`.
        let mut path = prefix.clone();
        if path.len() > 1 && path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        let binding = match tree.child_of_kind(use_tree, SyntaxKind::RENAME) {
            Some(rename) => match tree.child_of_kind(rename, SyntaxKind::NAME) {
                Some(name) if !tree.has_token(rename, SyntaxKind::UNDERSCORE) => {
                    ImportBinding::Name(tree.first_token_text(name).unwrap_or_default().to_owned())
                }
                _ => ImportBinding::Underscore,
            },
            None => ImportBinding::Name(path.last().map(Name::to_string).unwrap_or_default()),
        };
        res.push((path, binding));
    }
    prefix.truncate(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter as first written, lower-casing copies of the literal: the reference the copy-free one must
    /// agree with.
    fn lower_cased_filter(value: &str, arg_of: Option<&str>) -> bool {
        if arg_of.is_some_and(|name| NAMING_CALLS.contains(&name)) {
            return true;
        }
        let lower_start: String =
            value.trim_start().chars().take(12).collect::<String>().to_ascii_lowercase();
        let first_word =
            lower_start.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default();
        if SQL_STARTS.contains(&first_word) {
            return true;
        }
        let lower = value.to_ascii_lowercase();
        ["://", " from ", " into ", " join ", "localhost", "host=", "0.0.0.0", "127.0.0.1"]
            .iter()
            .any(|needle| lower.contains(needle))
            || lower.starts_with('/')
            || lower.starts_with("./")
            || lower.ends_with(".log")
            || lower.ends_with(".sql")
    }

    #[test]
    fn interesting_literals_ignore_letter_case_without_a_copy() {
        let values = [
            "SELECT id FROM orders",
            "  \n\tselect 1",
            "Selection of items",
            "InsertIntoSomething",
            "abcdefghijklmnselect",
            "count(*) FROM t",
            "x JOIN y",
            "Postgres://User@Host/db",
            "/var/log/app",
            "./data.SQL",
            "server.LOG",
            "LOCALHOST:8080",
            "HOST=db port=5432",
            "0.0.0.0:80",
            "127.0.0.1",
            "Hello, world",
            "",
            "é select ü",
            "sélect * from t",
            "日本 FROM 語",
            "log",
            ".sq",
        ];
        for value in values {
            for arg_of in [None, Some("var"), Some("info")] {
                assert_eq!(
                    is_interesting_literal(value, arg_of),
                    lower_cased_filter(value, arg_of),
                    "{value:?} {arg_of:?}"
                );
            }
        }
        assert!(is_interesting_literal("Update users SET x = 1", None));
        assert!(!is_interesting_literal("Updated the users", None));
    }
}
