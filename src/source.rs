//! The text of the analysed files and the mapping from byte offsets to lines.
//!
//! Everything after discovery sees files only through a [`FileId`] and its text: no later stage touches the
//! file system.

/// Index of a file in [`crate::discover::Workspace::files`]; files are sorted by path, so ids are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One `.rs` file of the analysed repository.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path relative to the analysed root, `/`-separated (stable across machines, used in every output).
    pub rel_path: String,
    pub text: String,
}

/// Byte offset → 1-based line number, by binary search over line starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1),
        );
        LineIndex { line_starts }
    }

    /// The index of `text` and its code lines ([`count_code_lines`]) in one pass over the lines: a parsed
    /// file needs both, and two passes over the text cost a tenth of building its syntax tree.
    pub fn with_code_lines(text: &str) -> (LineIndex, u32) {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        let mut code_lines = 0;
        let mut start = 0;
        for line in text.split('\n') {
            line_starts.push(start as u32);
            start += line.len() + 1;
            code_lines += u32::from(is_code_line(line));
        }
        (LineIndex { line_starts }, code_lines)
    }

    pub fn line(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

/// Lines that hold code: not blank and not only a `//` comment. This is the size measure used for modules and
/// services (block comments are counted, a documented simplification).
pub fn count_code_lines(text: &str) -> u32 {
    text.lines().filter(|line| is_code_line(line)).count() as u32
}

/// Whether a line (with or without its line end) counts as code: something other than whitespace, and not a
/// `//` comment after only whitespace.
fn is_code_line(line: &str) -> bool {
    let rest = line.trim_start();
    !rest.is_empty() && !rest.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 1);
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(6), 3);
        assert_eq!(index.line(7), 4);
        assert_eq!(index.line(9), 4);
    }

    /// One pass gives what the two give, on line ends of every kind and on lines of whitespace only.
    #[test]
    fn one_pass_gives_the_index_and_the_count() {
        let texts = [
            "",
            "\n",
            "a",
            "fn a() {}\n\n// note\n   \n  let x = 1; // trailing\n",
            "x\r\n\r\n  // c\r\ny",
            "\u{3000}\u{3000}\n\u{a0}// after a no-break space\nz\n\n",
            "/* block */\n\t//!\n",
        ];
        for text in texts {
            let (index, code_lines) = LineIndex::with_code_lines(text);
            assert_eq!(index.line_starts, LineIndex::new(text).line_starts, "{text:?}");
            assert_eq!(code_lines, count_code_lines(text), "{text:?}");
        }
    }

    #[test]
    fn code_lines_skip_blank_and_comment_lines() {
        assert_eq!(count_code_lines("fn a() {}\n\n// note\n   \n  let x = 1; // trailing\n"), 2);
    }
}
