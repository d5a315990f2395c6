//! Pretty JSON rendered in parallel: byte for byte what `serde_json::to_writer_pretty` writes.
//!
//! `report.json` is 70 MB at a million lines, three quarters of it the `dependencies` array. Serialising it
//! on one thread was the longest task of the report stage while the other formats had long finished. Here
//! each field of the top-level object is rendered on its own, and the elements of a large array in chunks, in
//! parallel; each piece is rendered by a formatter that starts at the depth where the piece stands, so the
//! pieces joined in order are exactly the document serde_json would write in one pass (a test checks this on
//! whole reports).

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;

/// Array elements rendered per parallel task: large enough that a task outweighs its scheduling and its
/// buffer, small enough that a 50,000-element array spreads over every core.
pub(super) const CHUNK: usize = 512;

/// How one field of the top-level object is rendered into pieces (in order).
type Render<'a> = Box<dyn Fn(usize) -> serde_json::Result<Vec<Vec<u8>>> + Send + Sync + 'a>;

/// One field of the top-level object: its name and how to render its value.
pub(super) struct Field<'a> {
    name: &'static str,
    render: Render<'a>,
}

impl<'a> Field<'a> {
    /// A value rendered as one piece.
    pub(super) fn value<T: Serialize + Sync>(name: &'static str, value: &'a T) -> Field<'a> {
        Field {
            name,
            render: Box::new(move |_| {
                let mut piece = Vec::new();
                serialize_at(&mut piece, value, 1)?;
                Ok(vec![piece])
            }),
        }
    }

    /// An array whose elements are rendered in parallel chunks (of the given size).
    pub(super) fn array<T: Serialize + Sync>(name: &'static str, items: &'a [T]) -> Field<'a> {
        Field { name, render: Box::new(move |chunk| array_pieces(items, 1, chunk)) }
    }
}

/// Writes the object made of `fields` (in order) as pretty JSON with a final newline, rendering the fields
/// and the chunks of large arrays in parallel.
pub(super) fn write_object(
    fields: &[Field<'_>],
    chunk: usize,
    mut writer: impl Write,
) -> io::Result<()> {
    let rendered: Vec<serde_json::Result<Vec<Vec<u8>>>> =
        fields.par_iter().map(|field| (field.render)(chunk)).collect();
    // The object's own brackets, keys and separators come from the same formatter as its values.
    let mut object = Pretty { depth: 0, has_value: false };
    object.begin_object(&mut writer)?;
    for (index, (field, pieces)) in fields.iter().zip(rendered).enumerate() {
        object.begin_object_key(&mut writer, index == 0)?;
        serde_json::to_writer(&mut writer, field.name)?;
        object.begin_object_value(&mut writer)?;
        for piece in pieces? {
            writer.write_all(&piece)?;
        }
        object.end_object_value(&mut writer)?;
    }
    object.end_object(&mut writer)?;
    writer.write_all(b"\n")
}

/// `items` as a pretty array standing at `depth`: the opening bracket and the first chunk, further chunks,
/// then the closing bracket, in order.
fn array_pieces<T: Serialize + Sync>(
    items: &[T],
    depth: usize,
    chunk: usize,
) -> serde_json::Result<Vec<Vec<u8>>> {
    if items.is_empty() {
        return Ok(vec![b"[]".to_vec()]);
    }
    let mut pieces: Vec<Vec<u8>> = items
        .par_chunks(chunk.max(1))
        .enumerate()
        .map(|(index, chunk_items)| {
            let mut out = Vec::new();
            // Each chunk continues the array inside its brackets; only the first one opens it.
            if index == 0 {
                out.push(b'[');
            }
            let mut array = Pretty { depth: depth + 1, has_value: false };
            for (i, item) in chunk_items.iter().enumerate() {
                array
                    .begin_array_value(&mut out, index == 0 && i == 0)
                    .map_err(serde_json::Error::io)?;
                serialize_at(&mut out, item, depth + 1)?;
            }
            Ok(out)
        })
        .collect::<serde_json::Result<_>>()?;
    let mut end = Vec::new();
    Pretty { depth: depth + 1, has_value: true }
        .end_array(&mut end)
        .map_err(serde_json::Error::io)?;
    pieces.push(end);
    Ok(pieces)
}

/// Appends `value` as pretty JSON standing at `depth` (its nested lines indented from there).
fn serialize_at<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    depth: usize,
) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        Pretty { depth, has_value: false },
    ))
}

/// serde_json's `PrettyFormatter` with its two-space indent, starting at `depth` instead of 0 (its own
/// depth is private).
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// `,`, a new line and the indentation of the deepest level batched (`MAX_BATCHED_DEPTH`): a separator and its
/// indentation are one copy instead of one per level, on each of the million lines of a large report.
const SEPARATORS: &[u8; 2 + 2 * MAX_BATCHED_DEPTH] = &{
    let mut bytes = [b' '; 2 + 2 * MAX_BATCHED_DEPTH];
    bytes[0] = b',';
    bytes[1] = b'\n';
    bytes
};
const MAX_BATCHED_DEPTH: usize = 16;

impl Pretty {
    /// Before an array element or an object key (after a `,` unless `first`), and before a closing bracket
    /// (`first`): a new line and the indentation.
    fn entry<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        let start = usize::from(first);
        if self.depth <= MAX_BATCHED_DEPTH {
            return writer.write_all(&SEPARATORS[start..2 + 2 * self.depth]);
        }
        writer.write_all(&SEPARATORS[start..2])?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own unless the array or object is empty.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.entry(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    struct Entry {
        name: String,
        tags: Vec<&'static str>,
        counts: BTreeMap<&'static str, u32>,
        nested: Vec<Vec<u32>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[derive(Serialize)]
    struct Doc {
        version: u32,
        empty: Vec<Entry>,
        entries: Vec<Entry>,
        map: BTreeMap<String, BTreeMap<String, u32>>,
        score: f64,
        /// Deeper than the separators batch (`MAX_BATCHED_DEPTH`).
        deep: serde_json::Value,
    }

    fn doc() -> Doc {
        let entry = |i: u32| Entry {
            name: format!("e{i} \"quoted\"\n"),
            tags: if i.is_multiple_of(2) { vec![] } else { vec!["a", "b"] },
            counts: (0..i % 3).map(|k| (["x", "y", "z"][k as usize], k)).collect(),
            nested: vec![vec![], vec![i, i + 1]],
            note: i.is_multiple_of(4).then(|| "n".to_owned()),
        };
        Doc {
            version: 1,
            empty: Vec::new(),
            entries: (0..7).map(entry).collect(),
            map: [
                ("k".to_owned(), [("v".to_owned(), 2)].into()),
                ("e".to_owned(), BTreeMap::new()),
            ]
            .into(),
            score: 0.25,
            deep: (0..MAX_BATCHED_DEPTH + 3)
                .fold(serde_json::json!({"leaf": [1, 2]}), |inner, _| {
                    serde_json::json!([0, inner])
                }),
        }
    }

    fn written(doc: &Doc, chunk: usize) -> Vec<u8> {
        let fields = [
            Field::value("version", &doc.version),
            Field::array("empty", &doc.empty),
            Field::array("entries", &doc.entries),
            Field::value("map", &doc.map),
            Field::value("score", &doc.score),
            Field::value("deep", &doc.deep),
        ];
        let mut out = Vec::new();
        write_object(&fields, chunk, &mut out).unwrap();
        out
    }

    #[test]
    fn pieces_join_to_what_serde_json_writes_in_one_pass() {
        let doc = doc();
        let mut expected = serde_json::to_vec_pretty(&doc).unwrap();
        expected.push(b'\n');
        for chunk in [1, 2, 3, 7, 100] {
            assert_eq!(
                String::from_utf8(written(&doc, chunk)).unwrap(),
                String::from_utf8(expected.clone()).unwrap(),
                "chunk {chunk}"
            );
        }
    }
}
