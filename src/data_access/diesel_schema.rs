//! Bodies of diesel's schema macros (`table!`, `joinable!`, `allow_tables_to_appear_in_same_query!`) and the
//! ORM attributes that tie a model to a table (`#[diesel(table_name = ..)]`, `#[table_name = ".."]`,
//! `#[sea_orm(table_name = "..")]`), read into plain owned data.
//!
//! Why syn here: the rest of the tool reads source through `ra_ap_syntax`, which leaves a macro body as an
//! opaque token tree. These bodies are not Rust items but they are Rust tokens, so syn's tokenizer and its
//! `Parse` combinators (attributes, `Ident::parse_any`, `syn::Type` for `Nullable<Array<Text>>`) read them
//! exactly, where a line-based scan would trip over doc comments, `use` lines and multi-line types.
//!
//! Error tolerance: every table definition is parsed on a fork, so a malformed table is skipped and the
//! parser resynchronises after its brace group (or a `;`). A body that does not even tokenize (unbalanced
//! delimiters, unterminated string) is cut textually at top-level `}` and `;` and each piece is parsed alone.
//! Nothing here panics or returns an error; unreadable input gives nothing.
//!
//! Line numbers: without proc-macro2's `span-locations` feature spans carry no lines, so `line_in_body` comes
//! from finding `name (` / `name {` in the body text with comments and string literals blanked out, in order.
//!
//! Known blind spots: a malformed table is dropped whole (no partial column list), and so is a good table
//! glued to stray tokens before it (`junk users (id) { .. }`); raw identifiers stay as written (`r#type`);
//! when locating lines, char literals are not blanked and block comments are taken as unnested (neither
//! occurs in real schema bodies).

use syn::ext::IdentExt;
use syn::parse::discouraged::Speculative;
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Attribute, Expr, ExprLit, Ident, Lit, Meta, Token, braced, parenthesized, token};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DieselTable {
    /// The Rust module name the macro creates (`medical_history`), used in paths like `medical_history::table`.
    pub name: String,
    /// The table's name in the database: `#[sql_name = ".."]` if given, else `name` (without schema).
    pub sql_name: String,
    /// `Some("myschema")` for `myschema.users (id) { .. }`.
    pub schema: Option<String>,
    pub primary_key: Vec<String>,
    /// Column Rust names (the `#[sql_name]` of a column is not needed).
    pub columns: Vec<String>,
    /// 0-based line of the table's name within the body text given to `parse_table_macro`.
    pub line_in_body: u32,
}

/// Parses the text between the braces of `table! { ... }` (the body only, without `table!` and the outer
/// braces). Returns every table it can read; a malformed table is skipped, the others are still returned
/// (error tolerant: never panics, never returns Err). Empty Vec for garbage.
pub fn parse_table_macro(body: &str) -> Vec<DieselTable> {
    let code = blank_comments_and_strings(body);
    let tables = match Parser::parse_str(table_entries, body) {
        Ok(tables) => tables,
        Err(_) => top_level_pieces(&code)
            .into_iter()
            .filter_map(|(start, end)| body.get(start..end))
            .flat_map(|piece| Parser::parse_str(table_entries, piece).unwrap_or_default())
            .collect(),
    };
    // Tables come in body order, so each search starts after the previous table's name.
    let (mut cursor, mut counted, mut line) = (0, 0, 0usize);
    tables
        .into_iter()
        .map(|mut table| {
            let (at, resume) = locate_table(&code, cursor, &table.name).unwrap_or((cursor, cursor));
            line += code
                .get(counted..at)
                .map_or(0, |between| between.iter().filter(|&&b| b == b'\n').count());
            (cursor, counted) = (resume, at.max(counted));
            table.line_in_body = u32::try_from(line).unwrap_or(u32::MAX);
            table
        })
        .collect()
}

/// `joinable!(child -> parent (fk))` body → (child, parent, fk column). None when malformed.
pub fn parse_joinable(body: &str) -> Option<(String, String, String)> {
    Parser::parse_str(joinable, body).ok()
}

/// `allow_tables_to_appear_in_same_query!(a, b, c,)` body → ["a","b","c"].
pub fn parse_table_list(body: &str) -> Vec<String> {
    Parser::parse_str(table_list, body).unwrap_or_default()
}

/// `#[diesel(table_name = crate::schema::patients)]` or `#[diesel(table_name = patients)]` or diesel 1.x
/// `#[table_name = "patients"]` attribute text (the whole attribute as written, e.g. `#[diesel(table_name = x, check_for_backend(Pg))]`,
/// possibly inside `#[cfg_attr(feature = "postgres", diesel(table_name = patients))]`) → the last path segment / string: "patients".
pub fn table_name_attribute(attribute_text: &str) -> Option<String> {
    attributes(attribute_text).iter().find_map(|attr| table_name_in_meta(&attr.meta, "diesel"))
}

/// `#[sea_orm(table_name = "orders")]` (possibly with other keys: `#[sea_orm(table_name = "orders", schema_name = "shop")]`) → "orders".
pub fn sea_orm_table_name(attribute_text: &str) -> Option<String> {
    attributes(attribute_text).iter().find_map(|attr| table_name_in_meta(&attr.meta, "sea_orm"))
}

// ---------------------------------------------------------------------------------------------------------
// table! bodies

/// The whole body: table definitions and `use` lines; a definition that does not parse is skipped.
fn table_entries(input: ParseStream) -> syn::Result<Vec<DieselTable>> {
    let mut tables = Vec::new();
    while !input.is_empty() {
        let fork = input.fork();
        match table_entry(&fork) {
            Ok(entry) => {
                input.advance_to(&fork);
                tables.extend(entry);
            }
            // Resynchronise after the bad definition: its brace group ends it (or a stray `;`).
            Err(_) => {
                skip_through(input, |input| input.peek(Token![;]) || input.peek(token::Brace))?
            }
        }
    }
    Ok(tables)
}

/// One `use ..;` line (→ None) or one `#[attrs] [schema.]name [(pk, ..)] { column -> Type, .. }`.
fn table_entry(input: ParseStream) -> syn::Result<Option<DieselTable>> {
    input.call(Attribute::parse_inner)?;
    let attrs = input.call(Attribute::parse_outer)?;
    if input.peek(Token![use]) {
        skip_through(input, |input| input.peek(Token![;]))?;
        return Ok(None);
    }
    let mut name = input.call(Ident::parse_any)?;
    let mut schema = None;
    if input.peek(Token![.]) {
        input.parse::<Token![.]>()?;
        schema = Some(name.to_string());
        name = input.call(Ident::parse_any)?;
    }
    let primary_key = if input.peek(token::Paren) {
        let keys;
        parenthesized!(keys in input);
        keys.parse_terminated(Ident::parse_any, Token![,])?.iter().map(Ident::to_string).collect()
    } else {
        vec!["id".to_owned()]
    };
    let body;
    braced!(body in input);
    let mut columns = Vec::new();
    while !body.is_empty() {
        body.call(Attribute::parse_outer)?;
        columns.push(body.call(Ident::parse_any)?.to_string());
        body.parse::<Token![->]>()?;
        body.parse::<syn::Type>()?;
        if !body.is_empty() {
            body.parse::<Token![,]>()?;
        }
    }
    let name = name.to_string();
    let sql_name = attrs
        .iter()
        .find_map(|attr| string_value(&attr.meta, "sql_name"))
        .unwrap_or_else(|| name.clone());
    Ok(Some(DieselTable { name, sql_name, schema, primary_key, columns, line_in_body: 0 }))
}

fn skip_token_tree(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| match cursor.token_tree() {
        Some((_, next)) => Ok(((), next)),
        None => Err(cursor.error("unexpected end of input")),
    })
}

/// Skips token trees up to and including the first one `last` accepts (or to the end).
fn skip_through(input: ParseStream, last: impl Fn(ParseStream) -> bool) -> syn::Result<()> {
    while !input.is_empty() {
        let done = last(input);
        skip_token_tree(input)?;
        if done {
            break;
        }
    }
    Ok(())
}

fn skip_past_comma(input: ParseStream) -> syn::Result<()> {
    skip_through(input, |input| input.peek(Token![,]))
}

/// `key = "value"` → value, when the attribute's path is `key`.
fn string_value(meta: &Meta, key: &str) -> Option<String> {
    if let Meta::NameValue(pair) = meta
        && pair.path.is_ident(key)
        && let Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) = &pair.value
    {
        return Some(text.value());
    }
    None
}

/// Comma-separated `element`s; one that does not parse up to its comma is skipped.
fn comma_separated<T>(
    input: ParseStream,
    element: fn(ParseStream) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    let mut elements = Vec::new();
    while !input.is_empty() {
        let fork = input.fork();
        if let Ok(parsed) = element(&fork)
            && (fork.is_empty() || fork.peek(Token![,]))
        {
            input.advance_to(&fork);
            elements.push(parsed);
        }
        skip_past_comma(input)?;
    }
    Ok(elements)
}

/// A copy of `text` where comments and string literals are spaces (newlines kept), so searching it finds code.
fn blank_comments_and_strings(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut code = bytes.to_vec();
    let find = |from: usize, what: &[u8]| {
        let rest = bytes.get(from..).unwrap_or_default();
        rest.windows(what.len())
            .position(|w| w == what)
            .map_or(bytes.len(), |n| from + n + what.len())
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = bytes.get(i..).unwrap_or_default();
        let raw_hashes = rest.iter().skip(1).take_while(|&&b| b == b'#').count();
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n)
        } else if rest.starts_with(b"/*") {
            find(i + 2, b"*/")
        } else if rest.starts_with(b"\"") {
            let mut j = i + 1;
            while j < bytes.len() && bytes.get(j) != Some(&b'"') {
                j += if bytes.get(j) == Some(&b'\\') { 2 } else { 1 };
            }
            j + 1
        } else if rest.starts_with(b"r")
            && rest.get(1 + raw_hashes) == Some(&b'"')
            && !bytes.get(i.wrapping_sub(1)).is_some_and(|&b| is_ident_byte(b))
        {
            let closing: Vec<u8> =
                std::iter::once(b'"').chain(std::iter::repeat_n(b'#', raw_hashes)).collect();
            find(i + 2 + raw_hashes, &closing)
        } else {
            i += 1;
            continue;
        };
        for byte in code.iter_mut().take(end).skip(i).filter(|b| **b != b'\n') {
            *byte = b' ';
        }
        i = end.max(i + 1);
    }
    code
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// `(start, end)` byte ranges of the body cut after each top-level `}` and `;` (used when it does not tokenize).
fn top_level_pieces(code: &[u8]) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, &byte) in code.iter().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b';' => {}
            _ => continue,
        }
        if depth == 0 {
            pieces.push((start, i + 1));
            start = i + 1;
        }
    }
    pieces.push((start, code.len()));
    pieces
}

/// The first `name (` or `name {` at or after `from` in the blanked body, preferring one outside braces (a
/// definition, not a column of a skipped table): (offset of the name, offset after it).
fn locate_table(code: &[u8], from: usize, name: &str) -> Option<(usize, usize)> {
    let needle = name.as_bytes();
    let defines_at = |i: usize| {
        let after = i + needle.len();
        let next =
            code.get(after..).and_then(|rest| rest.iter().find(|b| !b.is_ascii_whitespace()));
        code.get(i..after) == Some(needle)
            && (i == 0 || !code.get(i - 1).is_some_and(|&b| is_ident_byte(b)))
            && matches!(next, Some(b'(' | b'{'))
    };
    let mut depth = 0usize;
    let mut outside_braces = None;
    for (i, &byte) in code.iter().enumerate().skip(from) {
        if depth == 0 && defines_at(i) {
            outside_braces = Some(i);
            break;
        }
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let found = outside_braces.or_else(|| (from..code.len()).find(|&i| defines_at(i)))?;
    Some((found, found + needle.len()))
}

// ---------------------------------------------------------------------------------------------------------
// joinable!, allow_tables_to_appear_in_same_query!

fn joinable(input: ParseStream) -> syn::Result<(String, String, String)> {
    let child = input.call(Ident::parse_any)?;
    input.parse::<Token![->]>()?;
    let parent = input.call(Ident::parse_any)?;
    let fk;
    parenthesized!(fk in input);
    let column = fk.call(Ident::parse_any)?;
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    }
    Ok((child.to_string(), parent.to_string(), column.to_string()))
}

/// Comma-separated table names (a path gives its last segment); an unreadable element is skipped.
fn table_list(input: ParseStream) -> syn::Result<Vec<String>> {
    let paths = comma_separated(input, syn::Path::parse_mod_style)?;
    Ok(paths.iter().filter_map(|path| Some(path.segments.last()?.ident.to_string())).collect())
}

// ---------------------------------------------------------------------------------------------------------
// ORM attributes

fn attributes(text: &str) -> Vec<Attribute> {
    Parser::parse_str(Attribute::parse_outer, text.trim()).unwrap_or_default()
}

/// `orm(.., table_name = x, ..)`, diesel 1.x `table_name = "x"`, or either inside `cfg_attr(pred, ..)`.
fn table_name_in_meta(meta: &Meta, orm: &str) -> Option<String> {
    match meta {
        Meta::NameValue(pair) if orm == "diesel" && pair.path.is_ident("table_name") => {
            match &pair.value {
                Expr::Path(path) => path.path.segments.last().map(|last| last.ident.to_string()),
                _ => string_value(meta, "table_name"),
            }
        }
        Meta::List(list) if list.path.is_ident(orm) => {
            list.parse_args_with(table_name_key).ok().flatten()
        }
        Meta::List(list) if list.path.is_ident("cfg_attr") => list
            .parse_args_with(cfg_attr_metas)
            .ok()?
            .iter()
            .find_map(|inner| table_name_in_meta(inner, orm)),
        _ => None,
    }
}

/// The arguments of `diesel(..)` / `sea_orm(..)`: the value of `table_name`, a path's last segment or a string.
fn table_name_key(input: ParseStream) -> syn::Result<Option<String>> {
    let mut found = None;
    while !input.is_empty() {
        let key = input.call(Ident::parse_any).ok();
        if found.is_none() && key.is_some_and(|key| key == "table_name") && input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            found = if input.peek(syn::LitStr) {
                Some(input.parse::<syn::LitStr>()?.value())
            } else {
                input
                    .call(syn::Path::parse_mod_style)?
                    .segments
                    .last()
                    .map(|last| last.ident.to_string())
            };
        }
        skip_past_comma(input)?;
    }
    Ok(found)
}

/// `cfg_attr(predicate, meta, meta, ..)` → the metas after the predicate; an unreadable one is skipped.
fn cfg_attr_metas(input: ParseStream) -> syn::Result<Vec<Meta>> {
    skip_past_comma(input)?;
    comma_separated(input, Meta::parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Cases separated by `====` lines; each is a body, a `--` line, then one line per table:
    /// `[schema.]name sql=.. pk=.. cols=.. line=N`.
    const TABLES: &str = r##"patients (id) { id -> Int4, tags -> Nullable<Array<Text>>, r#type -> Array<Nullable<diesel::sql_types::Text>> }
--
patients sql=patients pk=id cols=id,tags,r#type line=0
====
wards (id) { id -> Int4, }

beds (ward_id, number) { ward_id -> Int4, number -> Int4, #[max_length = 40] label -> Varchar, }
--
wards sql=wards pk=id cols=id line=0
beds sql=beds pk=ward_id,number cols=ward_id,number,label line=2
====
use diesel::sql_types::*;
use crate::schema::sql_types::{Mood, invoices};
/// invoices (draft) { not a table }
/* invoices { */ #[doc = "invoices {"] #[doc = r#"invoices ("#] // invoices {
#[sql_name = "invoice_headers"]
invoices (number) {
    /// the mood
    mood -> Mood,
    #[sql_name = "type"]
    kind -> Int8,
}
--
invoices sql=invoice_headers pk=number cols=mood,kind line=5
====
billing.invoices (id) { id -> Int4, }
billing . refunds { id -> Int4, }
--
billing.invoices sql=invoices pk=id cols=id line=0
billing.refunds sql=refunds pk=id cols=id line=1
====
a (id) { id -> Int4, }
b (id) { id Int4, c (x) { } }
c (id) { id -> Int4, }
orders (id) { items -> Int4, }
items (id) { id -> Int4, }
--
a sql=a pk=id cols=id line=0
c sql=c pk=id cols=id line=2
orders sql=orders pk=id cols=items line=3
items sql=items pk=id cols=id line=4
====
a (id) { id -> Int4, }
b (id { id -> Int4, }
use x::{Y, c};
c (id) { id -> Int4, }
--
a sql=a pk=id cols=id line=0
c sql=c pk=id cols=id line=3
====
a (id) { id -> Int4, }
#[sql_name = "b]
b (id) { id -> Int4, }
--
a sql=a pk=id cols=id line=0
====
é ü;
ü (id) { id -> Int4, }
--
ü sql=ü pk=id cols=id line=1
"##;

    #[test]
    fn tables() {
        for case in TABLES.split("\n====\n") {
            let (body, expected) = case.split_once("\n--\n").unwrap();
            let rendered: Vec<String> = parse_table_macro(body)
                .iter()
                .map(|t| {
                    let (schema, name) = (t.schema.as_ref().map(|s| format!("{s}.")), &t.name);
                    let (pk, cols) = (t.primary_key.join(","), t.columns.join(","));
                    let line = t.line_in_body;
                    format!(
                        "{}{name} sql={} pk={pk} cols={cols} line={line}",
                        schema.unwrap_or_default(),
                        t.sql_name
                    )
                })
                .collect();
            assert_eq!(rendered.join("\n"), expected.trim_end(), "body:\n{body}");
        }
        let garbage =
            ["", "fn main() { println!(\"hi\"); }", "-> ,,, ;; }}}{{{ ((( ]]", "a (id) { id -> }"];
        let unterminated = [
            "a (id) { id -> Int4,",
            "/* unterminated",
            "r#\"unterminated",
            "#[sql_name = r#\"x\"#",
        ];
        for body in garbage.iter().chain(&unterminated) {
            assert_eq!(parse_table_macro(body), [], "{body}");
        }
    }

    /// One case a line: `input => expected`.
    fn check_lines(cases: &str, function: impl Fn(&str) -> Option<String>) {
        for line in cases.lines() {
            let (input, expected) = line.rsplit_once("=>").unwrap();
            assert_eq!(
                function(input.trim()).as_deref().unwrap_or("-"),
                expected.trim(),
                "{input}"
            );
        }
    }

    #[test]
    fn joinable_and_table_lists() {
        check_lines(
            "appointments -> patients (patient_id) => appointments patients patient_id
            beds->wards(ward_id), => beds wards ward_id
            appointments -> patients => -
            appointments patients (patient_id) => -
            appointments -> patients (patient_id) extra => -
            => -",
            |body| parse_joinable(body).map(|(a, b, c)| format!("{a} {b} {c}")),
        );
        check_lines(
            "appointments, patients, practitioners, => appointments patients practitioners
            billing::invoices, refunds => invoices refunds
            a, 42, b c, d => a d
            (( => -",
            |body| Some(parse_table_list(body).join(" ")).filter(|list| !list.is_empty()),
        );
    }

    #[test]
    fn orm_attributes() {
        check_lines(
            r#"#[diesel(table_name = crate::schema::patients)] => patients
            #[diesel(table_name = patients, check_for_backend(diesel::pg::Pg))] => patients
            #[diesel(check_for_backend(Pg), primary_key(a, b), table_name = schema::visits)] => visits
            #[diesel(sql_type = Nullable<Text>, table_name = notes)] => notes
            #[diesel(table_name = "wards")] => wards
            #[table_name = "patients"] => patients
            #[cfg_attr(feature = "postgres", diesel(table_name = patients))] => patients
            #[cfg_attr(all(feature = "pg", not(test)), derive(Insertable), diesel(table_name = s::beds))] => beds
            #[cfg_attr(feature = "x", table_name = "old_beds")] => old_beds
            #[derive(Queryable)] => -
            #[diesel(belongs_to(Patient, foreign_key = patient_id))] => -
            #[sea_orm(table_name = "orders")] => -
            #[serde(rename = "table_name")] => -
            #[cfg_attr(feature = "x", derive(Debug))] => -
            #[diesel(table_name = )] => -
            #[diesel(table_name => -
            table_name = patients => -"#,
            table_name_attribute,
        );
        check_lines(
            r#"#[sea_orm(table_name = "orders")] => orders
            #[sea_orm(schema_name = "shop", table_name = "line_items")] => line_items
            #[cfg_attr(feature = "orm", sea_orm(table_name = "carts"))] => carts
            #[sea_orm(primary_key, auto_increment = false)] => -
            #[diesel(table_name = orders)] => -
            #[table_name = "orders"] => -
            #[sea_orm(table_name = " => -"#,
            sea_orm_table_name,
        );
    }
}
