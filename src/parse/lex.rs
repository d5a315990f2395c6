//! The tokens of one file, for the parser and for the tree builder, lexed in one pass.
//!
//! ra_ap_parser's own path is `LexedStr::new` (rustc's lexer, then a conversion of each token to a
//! `SyntaxKind` that also validates literals and words its errors) followed by `LexedStr::to_input`, a second
//! pass that builds the parser's input. The conversion and the second pass cost more than rustc's lexer
//! itself: at 100,000 lines, 30 ms for `LexedStr::new` against 13 ms for the bare lexer, plus 6 ms for
//! `to_input`. Here both happen in one pass over rustc's tokens, with the same kinds and the same input.
//!
//! Only files without any lexer error take this path, and so no error message is ever worded here: as soon
//! as a token would carry an error (an unterminated literal or comment, a bad escape, an unknown prefix, ...)
//! or the file starts with something only `LexedStr` handles (a shebang, frontmatter) or holds a token it
//! splits (`##` before edition 2024), [`lex`] gives up and the file is lexed by `LexedStr`, whose results are
//! then exact by construction. A test checks both paths against `LexedStr` on valid and broken code.

use ra_ap_parser::{Edition, Input, LexedStr, SyntaxKind, T};
use ra_ap_rustc_lexer::{FrontmatterAllowed, LiteralKind, TokenKind};

/// A file's tokens, trivia included, and the parser's input (the tokens that are not trivia).
pub(super) struct Tokens {
    /// Kind of each token.
    pub(super) kinds: Vec<SyntaxKind>,
    /// Byte offset where each token starts, then the text's length: token `i` is `starts[i]..starts[i + 1]`.
    pub(super) starts: Vec<u32>,
    pub(super) input: Input,
    /// Lexer errors: (byte offset of the token, message).
    pub(super) errors: Vec<(usize, String)>,
}

impl Tokens {
    /// Lexes `text`: in one pass when it has no lexer error, else through `LexedStr`.
    pub(super) fn new(text: &str, edition: Edition) -> Tokens {
        lex(text, edition)
            .unwrap_or_else(|| Tokens::from_lexed(&LexedStr::new(edition, text), edition))
    }

    fn from_lexed(lexed: &LexedStr<'_>, edition: Edition) -> Tokens {
        Tokens {
            kinds: (0..lexed.len()).map(|i| lexed.kind(i)).collect(),
            starts: (0..=lexed.len()).map(|i| lexed.text_start(i) as u32).collect(),
            input: lexed.to_input(edition),
            errors: lexed
                .errors()
                .map(|(token, msg)| (lexed.text_start(token), msg.to_owned()))
                .collect(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.kinds.len()
    }
}

/// The one-pass lexer: `None` when the file needs `LexedStr` (see the module doc).
fn lex(text: &str, edition: Edition) -> Option<Tokens> {
    // `LexedStr` first looks for a shebang and for frontmatter (a `---` fence after blank lines).
    if text.starts_with("#!") || text.trim_start().starts_with('-') {
        return None;
    }
    // About one token in three bytes, as `LexedStr` reserves.
    let capacity = super::transient_capacity(text.len() / 3);
    let mut kinds = Vec::with_capacity(capacity);
    let mut starts = Vec::with_capacity(capacity + 1);
    let mut input = Input::with_capacity(capacity);
    let mut offset = 0usize;
    // As in `LexedStr::to_input`: whether the previous token that was not trivia touches this one.
    let mut was_joint = false;
    for token in ra_ap_rustc_lexer::tokenize(text, FrontmatterAllowed::No) {
        let len = token.len as usize;
        let token_text = text.get(offset..offset + len)?;
        let kind = kind_of(token.kind, token_text, edition)?;
        kinds.push(kind);
        starts.push(u32::try_from(offset).ok()?);
        offset += len;
        if kind.is_trivia() {
            was_joint = false;
        } else if kind == SyntaxKind::IDENT {
            let contextual = SyntaxKind::from_contextual_keyword(token_text, edition);
            input.push_ident(contextual.unwrap_or(SyntaxKind::IDENT), edition);
        } else {
            if was_joint {
                input.was_joint();
            }
            input.push(kind, edition);
            // A float with a fractional part is joint, which tells the parser how to split it in a field
            // access (`x.0.1`).
            if kind == SyntaxKind::FLOAT_NUMBER {
                if token_text.ends_with('.') {
                    was_joint = false;
                } else {
                    input.was_joint();
                }
            } else {
                was_joint = true;
            }
        }
    }
    starts.push(u32::try_from(offset).ok()?);
    Some(Tokens { kinds, starts, input, errors: Vec::new() })
}

/// The `SyntaxKind` `LexedStr` gives a token, or `None` when it would give an error with it, or split it.
fn kind_of(kind: TokenKind, text: &str, edition: Edition) -> Option<SyntaxKind> {
    use SyntaxKind::*;
    Some(match kind {
        TokenKind::LineComment { .. } | TokenKind::BlockComment { terminated: true, .. } => COMMENT,
        TokenKind::Whitespace => WHITESPACE,
        TokenKind::Ident if text == "_" => UNDERSCORE,
        TokenKind::Ident => SyntaxKind::from_keyword(text, edition).unwrap_or(IDENT),
        TokenKind::RawIdent => IDENT,
        TokenKind::Literal { kind, .. } => literal_kind(kind, text)?,
        TokenKind::Lifetime { starts_with_number: false } | TokenKind::RawLifetime => {
            LIFETIME_IDENT
        }
        TokenKind::Semi => T![;],
        TokenKind::Comma => T![,],
        TokenKind::Dot => T![.],
        TokenKind::OpenParen => T!['('],
        TokenKind::CloseParen => T![')'],
        TokenKind::OpenBrace => T!['{'],
        TokenKind::CloseBrace => T!['}'],
        TokenKind::OpenBracket => T!['['],
        TokenKind::CloseBracket => T![']'],
        TokenKind::At => T![@],
        TokenKind::Pound => T![#],
        TokenKind::Tilde => T![~],
        TokenKind::Question => T![?],
        TokenKind::Colon => T![:],
        TokenKind::Dollar => T![$],
        TokenKind::Eq => T![=],
        TokenKind::Bang => T![!],
        TokenKind::Lt => T![<],
        TokenKind::Gt => T![>],
        TokenKind::Minus => T![-],
        TokenKind::And => T![&],
        TokenKind::Or => T![|],
        TokenKind::Plus => T![+],
        TokenKind::Star => T![*],
        TokenKind::Slash => T![/],
        TokenKind::Caret => T![^],
        TokenKind::Percent => T![%],
        // `LexedStr` reports no error for these two either: the parser does.
        TokenKind::Unknown => ERROR,
        TokenKind::UnknownPrefix if text == "builtin" => IDENT,
        // Errors (an unterminated block comment, a bad identifier or lifetime, an unknown prefix), a token
        // `LexedStr` splits (`GuardedStrPrefix` before edition 2024) and frontmatter.
        _ => return None,
    })
}

/// A literal's kind, or `None` when `LexedStr` would report an error in it. Strings and characters are
/// checked with the unescaping `LexedStr` uses; a string without `\` or a carriage return has nothing to check.
fn literal_kind(kind: LiteralKind, text: &str) -> Option<SyntaxKind> {
    use SyntaxKind::*;
    use rustc_literal_escaper as escaper;
    // The text between the quotes, after a prefix of `prefix` bytes (`b`, `c`) and before any suffix.
    let inner = |prefix: usize, quote: char| -> Option<&str> {
        let body = text.get(prefix + 1..)?;
        body.get(..body.rfind(quote)?)
    };
    let clean = |s: &str| !s.bytes().any(|b| b == b'\\' || b == b'\r');
    Some(match kind {
        LiteralKind::Int { empty_int: false, .. } => INT_NUMBER,
        LiteralKind::Float { empty_exponent: false, .. } => FLOAT_NUMBER,
        LiteralKind::Char { terminated: true } => {
            escaper::unescape_char(inner(0, '\'')?).ok()?;
            CHAR
        }
        LiteralKind::Byte { terminated: true } => {
            escaper::unescape_byte(inner(1, '\'')?).ok()?;
            BYTE
        }
        LiteralKind::Str { terminated: true } => {
            let body = inner(0, '"')?;
            if !clean(body) {
                let mut ok = true;
                escaper::unescape_str(body, |_, result| ok &= result.is_ok());
                ok.then_some(())?;
            }
            STRING
        }
        LiteralKind::ByteStr { terminated: true } => {
            let mut ok = true;
            escaper::unescape_byte_str(inner(1, '"')?, |_, result| ok &= result.is_ok());
            ok.then_some(())?;
            BYTE_STRING
        }
        LiteralKind::CStr { terminated: true } => {
            let mut ok = true;
            escaper::unescape_c_str(inner(1, '"')?, |_, result| ok &= result.is_ok());
            ok.then_some(())?;
            C_STRING
        }
        LiteralKind::RawStr { n_hashes: Some(_) } => STRING,
        LiteralKind::RawByteStr { n_hashes: Some(_) } => BYTE_STRING,
        LiteralKind::RawCStr { n_hashes: Some(_) } => C_STRING,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use ra_ap_parser::TopEntryPoint;

    use super::*;

    /// The parser's steps on an input, as text.
    fn steps(input: &Input) -> Vec<String> {
        TopEntryPoint::SourceFile.parse(input).iter().map(|step| format!("{step:?}")).collect()
    }

    /// Checks [`Tokens::new`] against `LexedStr` on `text`: the same kinds, offsets and errors, and an input on
    /// which the parser takes the same steps. Returns whether the one-pass lexer took the file.
    fn same_as_lexed_str(text: &str, edition: Edition) -> bool {
        let lexed = LexedStr::new(edition, text);
        let expected = Tokens::from_lexed(&lexed, edition);
        let fast = lex(text, edition);
        let tokens = Tokens::new(text, edition);
        assert_eq!(tokens.kinds, expected.kinds, "{edition:?} {text:?}");
        assert_eq!(tokens.starts, expected.starts, "{edition:?} {text:?}");
        assert_eq!(tokens.errors, expected.errors, "{edition:?} {text:?}");
        assert_eq!(steps(&tokens.input), steps(&expected.input), "{edition:?} {text:?}");
        if fast.is_some() {
            assert!(
                expected.errors.is_empty(),
                "the one-pass lexer took a file with errors: {text:?}"
            );
        }
        fast.is_some()
    }

    #[test]
    fn both_paths_give_what_lexed_str_gives() {
        let mut texts: Vec<String> = [
            "",
            "  \n\t",
            "fn main() { let _ = a::<B>(1, 2.5, 3., 1e3, 0x1f, 'c', b'x', \"s\\n\", b\"b\", c\"c\"); }",
            "fn f() { x.0.1; x.0.; t.0 .1; a.1.2.3; (s.1e5).0; 1.0f32; 2u8 }",
            "let s = r#\"raw \"quoted\" \"#; let b = br\"x\"; let c = cr##\"y\"##;",
            "impl<'a, T: 'a> Tr<'a> for S<'a, T> where T: ?Sized + 'static {}",
            "fn g<'a>(&'a self) -> &'a T { self.0 }",
            "union U { a: u8 } macro_rules! m { ($x:expr) => { $x >>= 1 } } auto trait A {} default fn d() {}",
            "async fn a() { let x = async move { y.await? }; dyn Tr; try {}; gen {}; raw; safe; builtin # x }",
            "let r#type = r#match; 'r#raw: loop { break 'r#raw; }",
            "a && b || c != d <= e >= f -> g => h :: i .. j ..= k ... l",
            "l += m -= n *= o /= p %= q ^= r &= s |= t <<= u >>= v << w >> x",
            "/// doc\n//! inner\n/* block /* nested */ */ /** outer */ struct S;",
            "let s = \"line\\\n   continued\";",
            "let s = \"carriage\r\nreturn\";",
            "#![allow(dead_code)]\nfn main() {}",
            "\u{feff}fn bom() {}",
            "fn unicode() { let café = \"ünïcödé\"; let 変数 = 1; }",
            // Errors and what only `LexedStr` handles.
            "\"unterminated",
            "'",
            "fn f() { let c = 'ab'; }",
            "let c = '';",
            "let s = \"bad \\q escape\";",
            "let b = b\"\u{e9}\";",
            "let c = c\"nul \\0 inside\";",
            "let x = 0x;",
            "let y = 1e;",
            "/* never closed",
            "let l = '1lifetime;",
            "let p = foo#bar; let q = k'x';",
            "let r = r#\"unterminated raw",
            "let r = r##~\"bad\"##;",
            "let x = \u{2116};",
            "let g = #\"guarded\"#; let h = ##;",
            "#!/usr/bin/env rust\nfn main() {}",
            "---\n[package]\nname = \"x\"\n---\nfn main() {}",
            "-- not frontmatter",
            "let ident\u{200d}joiner = 1;",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        // Real files: this crate's own sources and the samples'.
        texts.extend(crate::test_fixture::repository_rust_files(&["src", "sample-monoliths"]));
        let editions = [
            Edition::Edition2015,
            Edition::Edition2018,
            Edition::Edition2021,
            Edition::Edition2024,
        ];
        let (mut fast, mut fallback) = (0, 0);
        for text in &texts {
            for edition in editions {
                if same_as_lexed_str(text, edition) {
                    fast += 1;
                } else {
                    fallback += 1;
                }
            }
        }
        // Both paths were taken, each many times.
        assert!(fast > 100 && fallback > 60, "fast {fast}, fallback {fallback}");
    }
}
