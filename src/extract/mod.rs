//! Extraction: one parsed file → a [`FileSummary`] of plain data.
//!
//! A `FileSummary` plays the role of rust-analyzer's `ItemTree`: it is built per file and is crate-independent.
//! It does not know which crate or module the file belongs to, nor what any name refers to; it records the
//! items the file defines, its `mod` declarations, its `use` imports and every path it mentions, each with its
//! line. Name resolution (the `resolve` stage) gives these paths a meaning.
//!
//! Invariant: this is the last stage that sees syntax trees. Everything here is owned, `Send` data, so files
//! are extracted in parallel and the trees are dropped as soon as their summary exists.

mod references;
#[cfg(test)]
mod tests;

use ra_ap_syntax::{SmolStr, SyntaxKind};

use crate::parse::{NodeId, ParsedFile, SyntaxTree};
use crate::source::{LineIndex, count_code_lines};

/// An identifier as written. Names are short, and a million-line repository has millions of them (about two
/// path segments per line): `SmolStr` keeps names of up to 23 bytes inline, with no allocation of their own.
pub type Name = SmolStr;

/// Index of a [`Scope`] in [`FileSummary::scopes`]; 0 is the file itself.
pub type ScopeIdx = u32;

/// What one file defines and mentions.
#[derive(Debug, Clone, Default)]
pub struct FileSummary {
    pub syntax_errors: Vec<(u32, String)>,
    /// Module scopes of the file: `[0]` is the file's own module, the rest are inline `mod x { .. }` blocks.
    pub scopes: Vec<Scope>,
    /// Out-of-line `mod x;` declarations, whose body is another file.
    pub mod_decls: Vec<ModDecl>,
    pub items: Vec<Item>,
    pub imports: Vec<Import>,
    pub references: Vec<Reference>,
    /// The names of every reference, one reference after another (read them with [`FileSummary::path`] and
    /// its siblings): one allocation per file instead of one per reference, about two million at a million
    /// lines, and the names lie in the order the later stages read them.
    ref_names: Vec<Name>,
    /// String literals that may matter to the data-access analysis (SQL, URLs, paths, env var names).
    pub literals: Vec<StringLiteral>,
    /// Bodies of item-level macros that define data (`table!`, `joinable!`, `lazy_static!`, ...).
    pub macro_bodies: Vec<MacroBody>,
    /// Attributes that map a type to a table (`#[diesel(table_name = ..)]`, `#[sea_orm(table_name = ..)]`) and
    /// the ORM derives next to them, as written: `(index into items, attribute text)`.
    pub table_attributes: Vec<(u32, String)>,
}

/// A string literal with where it stands: the call it is an argument of and the macro it is inside.
#[derive(Debug, Clone)]
pub struct StringLiteral {
    pub scope: ScopeIdx,
    pub from_item: Option<u32>,
    pub line: u32,
    /// The literal's value (escapes resolved; for `concat!`, the parts joined).
    pub value: String,
    /// Last segment of the function or method this literal is an argument of (`query`, `execute`, `var`).
    pub arg_of: Option<Name>,
    /// The innermost macro around it (`format`, `query`, `concat`, `include_str`).
    pub in_macro: Option<Name>,
    pub test_only: bool,
}

/// The body of an item-level macro call, as text, for the stage that knows its grammar.
#[derive(Debug, Clone)]
pub struct MacroBody {
    pub scope: ScopeIdx,
    /// Last segment of the macro's path (`table`, `joinable`, `lazy_static`).
    pub name: String,
    pub body: String,
    /// Line of the body's first character (after the opening delimiter).
    pub line: u32,
    pub test_only: bool,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub parent: Option<ScopeIdx>,
    /// Empty for the file scope.
    pub name: String,
    pub line: u32,
    /// `#[cfg(test)]` on this inline module or an enclosing one.
    pub test_only: bool,
    /// `#[path = ".."]` on an inline module changes where its own `mod x;` children are looked up.
    pub path_attr: Option<String>,
    /// Code lines of this scope, not counting nested inline modules.
    pub code_lines: u32,
}

#[derive(Debug, Clone)]
pub struct ModDecl {
    pub scope: ScopeIdx,
    pub name: String,
    pub line: u32,
    pub path_attr: Option<String>,
    pub test_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    Struct,
    Enum,
    Union,
    Trait,
    Fn,
    /// A function inside an `impl` or `trait` block; `Item::parent` names the type or trait.
    Method,
    Const,
    Static,
    TypeAlias,
    MacroRules,
    /// An `impl` block; its name is the implementing type, `Item::parent` the trait (if any).
    Impl,
    /// An item-level macro call such as `lazy_static! { .. }` or `diesel::table! { .. }`.
    MacroCall,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::Union => "union",
            ItemKind::Trait => "trait",
            ItemKind::Fn => "fn",
            ItemKind::Method => "method",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::TypeAlias => "type",
            ItemKind::MacroRules => "macro_rules",
            ItemKind::Impl => "impl",
            ItemKind::MacroCall => "macro_call",
        }
    }

    /// Items that a path can name from another module (`impl` blocks and methods are reached through their type).
    pub fn is_nameable(self) -> bool {
        !matches!(self, ItemKind::Impl | ItemKind::Method | ItemKind::MacroCall)
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub scope: ScopeIdx,
    pub name: Name,
    pub kind: ItemKind,
    pub line: u32,
    pub is_pub: bool,
    pub test_only: bool,
    /// For methods: the `impl`'s self type or the trait; for impls: the trait being implemented.
    pub parent: Option<Name>,
    /// `static mut`, for the shared-state analysis.
    pub is_mut: bool,
    /// A method of a trait implementation (`impl Display for X { fn fmt .. }`): calls to it by name are too
    /// ambiguous to resolve, since every implementor shares the name.
    pub in_trait_impl: bool,
    /// The declared type of a `static` (also from `lazy_static!`/`thread_local!`), as written.
    pub type_text: Option<String>,
}

/// What a `use` binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportBinding {
    /// `use a::b;` binds `b`; `use a::b as c;` binds `c`.
    Name(String),
    /// `use a::Trait as _;` brings a trait into scope without a name.
    Underscore,
    /// `use a::b::*;`
    Glob,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub scope: ScopeIdx,
    /// Segments as written, possibly starting with `crate`, `self`, `super` or `::`-less extern crate names.
    pub path: Vec<Name>,
    pub binding: ImportBinding,
    pub is_pub: bool,
    pub line: u32,
    pub test_only: bool,
}

/// How a path is used where it appears; the graph weighs kinds differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefKind {
    /// A path in a type position: signatures, fields, generic arguments, bounds, casts.
    Type,
    /// A path that is called: `foo()`, `Type::new()`.
    Call,
    /// `obj.method()`: only the method's name is known (lower confidence).
    MethodCall,
    /// A struct literal `Order { .. }`.
    Construct,
    /// A path in a pattern: `Status::Paid`, `Some(Order { .. })`.
    Pattern,
    /// A path used as a value: a const, static, unit struct or enum variant.
    Value,
    /// The self type or trait of an `impl` block.
    Impl,
    /// The path of a macro invocation.
    Macro,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Type => "type",
            RefKind::Call => "call",
            RefKind::MethodCall => "method",
            RefKind::Construct => "construct",
            RefKind::Pattern => "pattern",
            RefKind::Value => "value",
            RefKind::Impl => "impl",
            RefKind::Macro => "macro",
        }
    }
}

/// A path the file mentions, with how and where.
///
/// Compact on purpose: a million-line repository has about two million of them, all kept until data access.
/// The segments and the optional call context are kept in the file's [`FileSummary`], read with
/// [`FileSummary::path`], [`FileSummary::arg_of`] and [`FileSummary::receiver_of`].
#[derive(Debug, Clone)]
pub struct Reference {
    /// Where the names start in [`FileSummary::ref_names`]: the path segments, then `arg_of` if
    /// `has_arg_of`, then `receiver_of` if `has_receiver_of`.
    start: u32,
    path_len: u16,
    has_arg_of: bool,
    has_receiver_of: bool,
    pub kind: RefKind,
    /// Read from inside a macro call's tokens: the macro may use it differently, so it is weaker evidence.
    pub in_macro: bool,
    pub test_only: bool,
    pub scope: ScopeIdx,
    pub line: u32,
    /// The item whose body or signature holds the reference (index into `FileSummary::items`).
    pub from_item: Option<u32>,
}

/// Where a reference stands in the code, besides its path.
pub struct RefSite {
    pub scope: ScopeIdx,
    pub kind: RefKind,
    pub line: u32,
    pub from_item: Option<u32>,
    pub in_macro: bool,
    pub test_only: bool,
}

impl FileSummary {
    /// A reference's path segments as written (`crate`, `self`, `super`, `Self` kept); one segment for method
    /// calls.
    pub fn path(&self, reference: &Reference) -> &[Name] {
        let start = reference.start as usize;
        self.ref_names.get(start..start + usize::from(reference.path_len)).unwrap_or_default()
    }

    /// Last segment of the function or method a reference's path is an argument of (`insert_into`, `update`);
    /// always `None` for method calls, which name no data.
    pub fn arg_of(&self, reference: &Reference) -> Option<&Name> {
        let at = reference.start as usize + usize::from(reference.path_len);
        reference.has_arg_of.then(|| self.ref_names.get(at)).flatten()
    }

    /// The method called directly on a reference's path (`CACHE.lock()` → `lock`, `users::table.filter(..)`
    /// → `filter`).
    pub fn receiver_of(&self, reference: &Reference) -> Option<&Name> {
        let at = reference.start as usize
            + usize::from(reference.path_len)
            + usize::from(reference.has_arg_of);
        reference.has_receiver_of.then(|| self.ref_names.get(at)).flatten()
    }

    /// Records a reference whose path segments were appended to [`FileSummary::ref_names`] from `start` on.
    /// Paths longer than `u16::MAX` segments (only in generated garbage) keep their first segments. A method
    /// call keeps no `arg_of` (see [`FileSummary::arg_of`]).
    fn push_reference(
        &mut self,
        start: usize,
        arg_of: Option<Name>,
        receiver_of: Option<Name>,
        site: RefSite,
    ) {
        let Ok(start_u32) = u32::try_from(start) else {
            // More names than a file of the size read can hold; never reached.
            self.ref_names.truncate(start);
            return;
        };
        self.ref_names.truncate(start + usize::from(u16::MAX));
        let path_len = self.ref_names.len().saturating_sub(start) as u16;
        let arg_of = arg_of.filter(|_| site.kind != RefKind::MethodCall);
        let (has_arg_of, has_receiver_of) = (arg_of.is_some(), receiver_of.is_some());
        self.ref_names.extend(arg_of);
        self.ref_names.extend(receiver_of);
        self.references.push(Reference {
            start: start_u32,
            path_len,
            has_arg_of,
            has_receiver_of,
            kind: site.kind,
            in_macro: site.in_macro,
            test_only: site.test_only,
            scope: site.scope,
            line: site.line,
            from_item: site.from_item,
        });
    }
}

/// Extracts the summary of one parsed file.
pub fn extract(parsed: &ParsedFile<'_>) -> FileSummary {
    let mut cx = Extractor {
        tree: &parsed.tree,
        line_index: &parsed.line_index,
        res: FileSummary::default(),
    };
    cx.res.syntax_errors = parsed.errors.clone();
    cx.res.scopes.push(Scope {
        parent: None,
        name: String::new(),
        line: 1,
        test_only: false,
        path_attr: None,
        code_lines: 0,
    });
    let file_lines = parsed.code_lines;
    cx.items(SyntaxTree::ROOT, 0, false);
    // Each scope's lines exclude its inline children.
    let mut own: Vec<u32> = cx.res.scopes.iter().map(|s| s.code_lines).collect();
    own[0] = file_lines;
    for i in (1..cx.res.scopes.len()).rev() {
        if let Some(parent) = cx.res.scopes[i].parent {
            own[parent as usize] = own[parent as usize].saturating_sub(cx.res.scopes[i].code_lines);
        }
    }
    for (scope, lines) in cx.res.scopes.iter_mut().zip(own) {
        scope.code_lines = lines;
    }
    cx.res
}

struct Extractor<'a, 't> {
    tree: &'a SyntaxTree<'t>,
    line_index: &'a LineIndex,
    res: FileSummary,
}

/// The kinds of `ast::Item`: what a file, an inline module or an `extern` block lists.
fn is_item(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::ASM_EXPR
            | SyntaxKind::CONST
            | SyntaxKind::ENUM
            | SyntaxKind::EXTERN_BLOCK
            | SyntaxKind::EXTERN_CRATE
            | SyntaxKind::FN
            | SyntaxKind::IMPL
            | SyntaxKind::MACRO_CALL
            | SyntaxKind::MACRO_DEF
            | SyntaxKind::MACRO_RULES
            | SyntaxKind::MODULE
            | SyntaxKind::STATIC
            | SyntaxKind::STRUCT
            | SyntaxKind::TRAIT
            | SyntaxKind::TYPE_ALIAS
            | SyntaxKind::UNION
            | SyntaxKind::USE
    )
}

/// The kinds of `ast::AssocItem`: what an `impl` or `trait` block lists.
fn is_assoc_item(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::CONST | SyntaxKind::FN | SyntaxKind::MACRO_CALL | SyntaxKind::TYPE_ALIAS
    )
}

/// The attributes of an item, in order.
fn attrs<'a>(tree: &'a SyntaxTree<'_>, node: NodeId) -> impl Iterator<Item = NodeId> + 'a {
    tree.child_nodes(node).filter(|&child| tree.kind(child) == SyntaxKind::ATTR)
}

/// The kinds of `ast::Type`.
pub(crate) fn is_type(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::ARRAY_TYPE
            | SyntaxKind::DYN_TRAIT_TYPE
            | SyntaxKind::FN_PTR_TYPE
            | SyntaxKind::FOR_TYPE
            | SyntaxKind::IMPL_TRAIT_TYPE
            | SyntaxKind::INFER_TYPE
            | SyntaxKind::MACRO_TYPE
            | SyntaxKind::NEVER_TYPE
            | SyntaxKind::PAREN_TYPE
            | SyntaxKind::PATH_TYPE
            | SyntaxKind::PATTERN_TYPE
            | SyntaxKind::PTR_TYPE
            | SyntaxKind::REF_TYPE
            | SyntaxKind::SLICE_TYPE
            | SyntaxKind::TUPLE_TYPE
    )
}

impl Extractor<'_, '_> {
    fn line(&self, node: NodeId) -> u32 {
        self.line_index.line(self.tree.start(node))
    }

    /// The item's `NAME` child.
    fn name(&self, node: NodeId) -> Option<NodeId> {
        self.tree.child_of_kind(node, SyntaxKind::NAME)
    }

    /// The text of the item's name; empty when the parser found none.
    fn name_text(&self, node: NodeId) -> Name {
        Name::new(
            self.name(node).and_then(|name| self.tree.first_token_text(name)).unwrap_or_default(),
        )
    }

    /// The line of an item's name (not of its attributes or doc comment), which is where a reader looks.
    fn name_line(&self, node: NodeId) -> u32 {
        self.line(self.name(node).unwrap_or(node))
    }

    fn is_pub(&self, node: NodeId) -> bool {
        self.tree.child_of_kind(node, SyntaxKind::VISIBILITY).is_some()
    }

    /// The items of a file (`SOURCE_FILE`) or of an inline module (`ITEM_LIST`).
    fn items(&mut self, list: NodeId, scope: ScopeIdx, test_ctx: bool) {
        let tree = self.tree;
        for item in tree.child_nodes(list).filter(|&child| is_item(tree.kind(child))) {
            let test_only = test_ctx || self.is_cfg_test(item);
            self.item(item, scope, test_only);
        }
    }

    fn push_item(&mut self, item: Item) -> u32 {
        self.res.items.push(item);
        (self.res.items.len() - 1) as u32
    }

    fn item(&mut self, node: NodeId, scope: ScopeIdx, test_only: bool) {
        let kind = match self.tree.kind(node) {
            SyntaxKind::MODULE => return self.module(node, scope, test_only),
            SyntaxKind::USE => return self.use_item(node, scope, test_only),
            SyntaxKind::IMPL => return self.impl_block(node, scope, test_only),
            SyntaxKind::TRAIT => return self.trait_block(node, scope, test_only),
            SyntaxKind::MACRO_CALL => {
                let name = Name::new(references::macro_name(self.tree, node).unwrap_or_default());
                let index = self.push_item(Item {
                    scope,
                    name,
                    kind: ItemKind::MacroCall,
                    line: self.line(node),
                    is_pub: false,
                    test_only,
                    parent: None,
                    is_mut: false,
                    in_trait_impl: false,
                    type_text: None,
                });
                self.macro_body(node, scope, test_only);
                references::collect(self, node, scope, Some(index), test_only);
                return;
            }
            SyntaxKind::STRUCT => ItemKind::Struct,
            SyntaxKind::ENUM => ItemKind::Enum,
            SyntaxKind::UNION => ItemKind::Union,
            SyntaxKind::FN => ItemKind::Fn,
            SyntaxKind::CONST => ItemKind::Const,
            SyntaxKind::STATIC => ItemKind::Static,
            SyntaxKind::TYPE_ALIAS => ItemKind::TypeAlias,
            SyntaxKind::MACRO_RULES | SyntaxKind::MACRO_DEF => ItemKind::MacroRules,
            // `extern crate`, `extern { .. }` blocks and `global_asm!`.
            _ => return,
        };
        let is_static = kind == ItemKind::Static;
        let is_mut = is_static && self.tree.has_token(node, SyntaxKind::MUT_KW);
        let type_text = is_static
            .then(|| self.tree.child_nodes(node).find(|&child| is_type(self.tree.kind(child))))
            .flatten()
            .map(|ty| self.tree.text(ty).to_owned());
        let index = self.push_item(Item {
            scope,
            name: self.name_text(node),
            kind,
            line: self.name_line(node),
            is_pub: self.is_pub(node),
            test_only,
            parent: None,
            is_mut,
            in_trait_impl: false,
            type_text,
        });
        if matches!(kind, ItemKind::Struct | ItemKind::Enum) {
            self.table_attributes(node, index);
        }
        references::collect(self, node, scope, Some(index), test_only);
    }

    /// Keeps the attributes that tie a type to a table, and the ORM derives, for the data-access stage.
    fn table_attributes(&mut self, node: NodeId, index: u32) {
        let tree = self.tree;
        for attr in attrs(tree, node) {
            let text = tree.text(attr);
            let relevant = text.contains("table_name")
                || (text.contains("derive")
                    && ORM_DERIVES.iter().any(|derive| text.contains(derive)));
            if relevant {
                self.res.table_attributes.push((index, text.to_owned()));
            }
        }
    }

    /// Records the body of an item-level macro that defines data, and turns the statics declared by
    /// `lazy_static!` and `thread_local!` into items so that paths to them resolve.
    fn macro_body(&mut self, call: NodeId, scope: ScopeIdx, test_only: bool) {
        let Some(name) = references::macro_name(self.tree, call) else {
            return;
        };
        if !DATA_MACROS.contains(&name) {
            return;
        }
        let name = name.to_owned();
        let Some(tt) = self.tree.child_of_kind(call, SyntaxKind::TOKEN_TREE) else { return };
        let mut chars = self.tree.text(tt).chars();
        let (Some(_), Some(_)) = (chars.next(), chars.next_back()) else { return };
        let body = chars.as_str().to_owned();
        let line = self.line(tt);
        if name == "lazy_static" || name == "thread_local" {
            for (offset, static_name, type_text) in declared_statics(&body) {
                self.push_item(Item {
                    scope,
                    name: Name::new(static_name),
                    kind: ItemKind::Static,
                    line: line + offset,
                    is_pub: true,
                    test_only,
                    parent: Some(Name::new(&name)),
                    is_mut: false,
                    in_trait_impl: false,
                    type_text: Some(type_text),
                });
            }
        }
        self.res.macro_bodies.push(MacroBody { scope, name, body, line, test_only });
    }

    fn module(&mut self, module: NodeId, scope: ScopeIdx, test_only: bool) {
        let Some(name_node) = self.name(module) else { return };
        let line = self.line(name_node);
        let name = self.name_text(module).to_string();
        let path_attr = self.path_attribute(module);
        match self.tree.child_of_kind(module, SyntaxKind::ITEM_LIST) {
            None => self.res.mod_decls.push(ModDecl { scope, name, line, path_attr, test_only }),
            Some(list) => {
                let code_lines = count_code_lines(self.tree.text(module));
                self.res.scopes.push(Scope {
                    parent: Some(scope),
                    name,
                    line,
                    test_only,
                    path_attr,
                    code_lines,
                });
                let inner = (self.res.scopes.len() - 1) as ScopeIdx;
                self.items(list, inner, test_only);
            }
        }
    }

    fn use_item(&mut self, use_item: NodeId, scope: ScopeIdx, test_only: bool) {
        let line = self.line(use_item);
        references::push_imports(&mut self.res, self.tree, use_item, scope, line, test_only);
    }

    /// The types of an `impl` header, as `ast::Impl` reads them: (self type, trait). The trait is the first
    /// type when it stands before a `for` keyword (`impl Trait for Type`); the self type is the type after it.
    fn impl_types(&self, imp: NodeId) -> (Option<NodeId>, Option<NodeId>) {
        let tree = self.tree;
        let for_kw = tree.token_of_kind(imp, SyntaxKind::FOR_KW);
        let mut types = tree.child_nodes(imp).filter(|&child| is_type(tree.kind(child))).peekable();
        let trait_ =
            types.next_if(|&ty| for_kw.is_some_and(|for_kw| tree.start(ty) < tree.start(for_kw)));
        (types.next(), trait_)
    }

    fn impl_block(&mut self, imp: NodeId, scope: ScopeIdx, test_only: bool) {
        let (self_ty, trait_) = self.impl_types(imp);
        let self_ty = self_ty.map(|t| type_name(self.tree, t)).unwrap_or_default();
        let trait_name = trait_.map(|t| Name::new(type_name(self.tree, t)));
        let impl_index = self.push_item(Item {
            scope,
            name: Name::new(&self_ty),
            kind: ItemKind::Impl,
            line: self.line(imp),
            is_pub: false,
            test_only,
            parent: trait_name,
            is_mut: false,
            in_trait_impl: false,
            type_text: None,
        });
        self.container(imp, scope, test_only, &self_ty, impl_index);
    }

    fn trait_block(&mut self, tr: NodeId, scope: ScopeIdx, test_only: bool) {
        let name = self.name_text(tr);
        let trait_index = self.push_item(Item {
            scope,
            name: name.clone(),
            kind: ItemKind::Trait,
            line: self.name_line(tr),
            is_pub: self.is_pub(tr),
            test_only,
            parent: None,
            is_mut: false,
            in_trait_impl: false,
            type_text: None,
        });
        self.container(tr, scope, test_only, &name, trait_index);
    }

    /// An `impl` or `trait` block: its header (self type, trait, generics, where clauses) belongs to the block's
    /// item, each associated function becomes a method item of its own.
    fn container(
        &mut self,
        node: NodeId,
        scope: ScopeIdx,
        test_only: bool,
        parent: &str,
        index: u32,
    ) {
        let tree = self.tree;
        for child in tree.child_nodes(node) {
            if tree.kind(child) != SyntaxKind::ASSOC_ITEM_LIST {
                references::collect(self, child, scope, Some(index), test_only);
            }
        }
        if let Some(list) = tree.child_of_kind(node, SyntaxKind::ASSOC_ITEM_LIST) {
            self.assoc_items(list, scope, test_only, parent, Some(index));
        }
    }

    fn assoc_items(
        &mut self,
        list: NodeId,
        scope: ScopeIdx,
        test_ctx: bool,
        parent: &str,
        container: Option<u32>,
    ) {
        let in_trait_impl = container.is_some_and(|i| {
            self.res.items[i as usize].kind == ItemKind::Impl
                && self.res.items[i as usize].parent.is_some()
        });
        let tree = self.tree;
        for assoc in tree.child_nodes(list).filter(|&child| is_assoc_item(tree.kind(child))) {
            let test_only = test_ctx || self.is_cfg_test(assoc);
            if tree.kind(assoc) == SyntaxKind::FN {
                let index = self.push_item(Item {
                    scope,
                    name: self.name_text(assoc),
                    kind: ItemKind::Method,
                    line: self.name_line(assoc),
                    is_pub: self.is_pub(assoc),
                    test_only,
                    parent: Some(Name::new(parent)),
                    is_mut: false,
                    in_trait_impl,
                    type_text: None,
                });
                references::collect(self, assoc, scope, Some(index), test_only);
            } else {
                references::collect(self, assoc, scope, container, test_only);
            }
        }
    }

    /// `#[cfg(test)]` (also inside `all(..)`/`any(..)`, but not `not(test)`): code that only exists in test
    /// builds.
    fn is_cfg_test(&self, node: NodeId) -> bool {
        let tree = self.tree;
        attrs(tree, node).any(|attr| {
            // Cheap test first (most attributes are derives): `#[cfg(` needs an outer attribute (no `!`) whose
            // meta starts with the identifier `cfg`.
            let outer = !tree.has_token(attr, SyntaxKind::BANG);
            let starts_with_cfg = tree
                .child_nodes(attr)
                .next()
                .and_then(|meta| tree.first_token_text(meta))
                .is_some_and(|text| text == "cfg");
            if !(outer && starts_with_cfg) {
                return false;
            }
            let text: String = tree.text(attr).chars().filter(|c| !c.is_whitespace()).collect();
            let Some(inner) = text.strip_prefix("#[cfg(").and_then(|t| t.strip_suffix(")]")) else {
                return false;
            };
            !inner.contains("not(")
                && inner
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|word| word == "test")
        })
    }

    /// The string of `#[path = "..."]`, if any.
    fn path_attribute(&self, node: NodeId) -> Option<String> {
        attrs(self.tree, node).find_map(|attr| {
            let inner = self.tree.text(attr).trim().strip_prefix("#[")?.strip_suffix(']')?.trim();
            let value = inner.strip_prefix("path")?.trim_start().strip_prefix('=')?.trim();
            Some(value.strip_prefix('"')?.strip_suffix('"')?.to_owned())
        })
    }
}

/// Derives that make a type a database row (diesel, sea-orm, sqlx).
const ORM_DERIVES: &[&str] = &[
    "Queryable",
    "Insertable",
    "AsChangeset",
    "Selectable",
    "Identifiable",
    "DeriveEntityModel",
    "FromRow",
];

/// Item-level macros whose bodies the data-access stage reads.
const DATA_MACROS: &[&str] =
    &["table", "joinable", "allow_tables_to_appear_in_same_query", "lazy_static", "thread_local"];

/// `static ref NAME: Type = ..;` (lazy_static) and `static NAME: Type = ..;` (thread_local) in a macro body:
/// `(line offset, name, type)`. A textual scan, since the body is not Rust syntax.
fn declared_statics(body: &str) -> Vec<(u32, String, String)> {
    let mut res = Vec::new();
    let mut rest = body;
    let mut consumed_lines = 0u32;
    while let Some(at) = find_word(rest, "static") {
        consumed_lines += rest[..at].matches('\n').count() as u32;
        let after = rest[at + "static".len()..].trim_start();
        let after = after.strip_prefix("ref ").map(str::trim_start).unwrap_or(after);
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let after_name = after[name.len()..].trim_start();
        if !name.is_empty()
            && let Some(ty) = after_name.strip_prefix(':')
        {
            let type_text = ty.split('=').next().unwrap_or_default().trim().to_owned();
            res.push((consumed_lines, name, type_text));
        }
        rest = &rest[at + "static".len()..];
    }
    res
}

/// Position of `word` in `text` as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let end = at + word.len();
        let after =
            end >= bytes.len() || !(bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_');
        if before && after {
            return Some(at);
        }
        from = end;
    }
    None
}

/// The last path segment of a type (`crate::models::Order<T>` → `Order`, `&mut Vec<X>` → `Vec`).
pub(crate) fn type_name(tree: &SyntaxTree<'_>, ty: NodeId) -> String {
    match tree.kind(ty) {
        SyntaxKind::PATH_TYPE => tree
            .child_of_kind(ty, SyntaxKind::PATH)
            .and_then(|path| references::path_last_name(tree, path))
            .unwrap_or_default()
            .to_owned(),
        SyntaxKind::REF_TYPE => tree
            .child_nodes(ty)
            .find(|&child| is_type(tree.kind(child)))
            .map(|inner| type_name(tree, inner))
            .unwrap_or_default(),
        _ => tree.text(ty).to_owned(),
    }
}
