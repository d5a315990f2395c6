//! Pretty JSON rendered in parallel: byte for byte what `serde_json::to_writer_pretty` writes.
//!
//! `report.json` is 70 MB at a million lines, three quarters of it the `dependencies` array. Serialising it
//! on one thread was the longest task of the report stage while the other formats had long finished. Here
//! each field of the top-level object is rendered on its own, and the elements of a large array in chunks, in
//! parallel; each piece is rendered by a formatter that starts at the depth where the piece stands, so the
//! pieces joined in order are exactly the document serde_json would write in one pass (a test checks this on
//! whole reports).
//!
//! Pieces are rendered in document order (each worker takes the next one) and written by a thread of their
//! own as soon as every piece before them is: copying 70 MB into the file then overlaps the rendering
//! instead of following it on one core. The writer is an OS thread, not a rayon task: it waits on a channel,
//! and a rayon worker that waits keeps its core from the rendering (with `--jobs 1`, forever). It hands each
//! written piece's buffer back, and the next piece is rendered into it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;

/// The depth of a field's value: the top-level object's members.
const FIELD_DEPTH: usize = 1;

/// Array elements rendered per parallel task: large enough that a task outweighs its scheduling, small enough
/// that even a few hundred elements (the dependencies of a 10k-line code base: one 400 KB piece at 512 per
/// task) spread over every core, and that the buffers in flight, which the pieces after them reuse, stay
/// small: fresh memory costs a page fault per 4 KiB touched (with the reuse and a 64 KiB stream buffer, −260
/// of ~2,800 faults at 10k lines, −940 of ~14,900 at 100k).
pub(super) const CHUNK: usize = 64;

/// How many pieces a field's value is rendered in, for a chunk size.
type Count<'a> = Box<dyn Fn(usize) -> usize + Send + Sync + 'a>;
/// Renders one piece of a field's value, (chunk size, piece index), appending it to the buffer.
type Render<'a> =
    Box<dyn Fn(usize, usize, &mut Vec<u8>) -> serde_json::Result<()> + Send + Sync + 'a>;

/// One field of the top-level object: its name and how to render its value, in pieces.
pub(super) struct Field<'a> {
    name: &'static str,
    count: Count<'a>,
    render: Render<'a>,
}

impl<'a> Field<'a> {
    /// A value rendered as one piece.
    pub(super) fn value<T: Serialize + Sync>(name: &'static str, value: &'a T) -> Field<'a> {
        Field {
            name,
            count: Box::new(|_| 1),
            render: Box::new(move |_, _, out| serialize_at(out, value, FIELD_DEPTH)),
        }
    }

    /// An array whose elements are rendered in chunks (of the size given to [`write_object`]): the opening
    /// bracket and the first chunk, further chunks, then the closing bracket.
    pub(super) fn array<T: Serialize + Sync>(name: &'static str, items: &'a [T]) -> Field<'a> {
        let chunks = |chunk: usize| items.len().div_ceil(chunk.max(1));
        Field {
            name,
            count: Box::new(move |chunk| chunks(chunk) + 1),
            render: Box::new(move |chunk, index, out| {
                if items.is_empty() {
                    out.extend_from_slice(b"[]");
                    return Ok(());
                }
                if index == chunks(chunk) {
                    return Pretty { depth: FIELD_DEPTH + 1, has_value: true }
                        .end_array(out)
                        .map_err(serde_json::Error::io);
                }
                let chunk = chunk.max(1);
                let chunk_items = items.get(index * chunk..).unwrap_or_default();
                // Each chunk continues the array inside its brackets; only the first one opens it.
                if index == 0 {
                    out.push(b'[');
                }
                let mut array = Pretty { depth: FIELD_DEPTH + 1, has_value: false };
                for (i, item) in chunk_items.iter().take(chunk).enumerate() {
                    array
                        .begin_array_value(out, index == 0 && i == 0)
                        .map_err(serde_json::Error::io)?;
                    serialize_at(out, item, FIELD_DEPTH + 1)?;
                }
                Ok(())
            }),
        }
    }
}

/// One stretch of the document: bytes of the object's own (brackets, keys, separators), or a piece of a
/// field's value.
enum Segment<'f, 'a> {
    Frame(Vec<u8>),
    Piece(&'f Field<'a>, usize),
}

/// Writes the object made of `fields` (in order) as pretty JSON with a final newline, rendering the fields
/// and the chunks of large arrays in parallel while a thread of its own writes what is ready.
pub(super) fn write_object(
    fields: &[Field<'_>],
    chunk: usize,
    mut writer: impl Write + Send,
) -> io::Result<()> {
    let segments = segments(fields, chunk)?;
    let render = |segment: &Segment<'_, '_>, out: &mut Vec<u8>| match segment {
        Segment::Frame(bytes) => {
            out.extend_from_slice(bytes);
            Ok(())
        }
        Segment::Piece(field, index) => (field.render)(chunk, *index, out).map_err(io::Error::from),
    };
    // Buffers the writer is done with, for the next pieces: the document is rendered into the few pages
    // of the pieces in flight instead of first touching pages for every piece (and for every doubling of
    // each piece's buffer), which cost as much as the rendering itself on a small report.
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    let streamed = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, io::Result<Vec<u8>>)>();
        let writer = &mut writer;
        let spare = &spare;
        let written = std::thread::Builder::new()
            .name("decompose-json".into())
            .spawn_scoped(scope, move || write_in_order(receiver, writer, spare))
            .ok()?;
        // Each worker takes the next segment in document order, so the writer rarely waits.
        let next = AtomicUsize::new(0);
        (0..rayon::current_num_threads()).into_par_iter().for_each_with(sender, |sender, _| {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(segment) = segments.get(index) else { break };
                let mut out =
                    spare.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default();
                let piece = render(segment, &mut out).map(|()| out);
                // The writer stops receiving only after an error, which it returns itself.
                if sender.send((index, piece)).is_err() {
                    break;
                }
            }
        });
        Some(written.join().unwrap_or_else(|_| Err(io::Error::other("the JSON writer panicked"))))
    });
    match streamed {
        Some(result) => result,
        // No thread to be had: render everything, then write it here.
        None => {
            let pieces: Vec<io::Result<Vec<u8>>> = segments
                .par_iter()
                .map(|segment| {
                    let mut out = Vec::new();
                    render(segment, &mut out).map(|()| out)
                })
                .collect();
            pieces.into_iter().try_for_each(|piece| writer.write_all(&piece?))
        }
    }
}

/// The document's segments in order: the object's own bytes between the fields' pieces.
fn segments<'f, 'a>(fields: &'f [Field<'a>], chunk: usize) -> io::Result<Vec<Segment<'f, 'a>>> {
    // The object's own brackets, keys and separators come from the same formatter as its values.
    let mut object = Pretty { depth: 0, has_value: false };
    let mut res = Vec::new();
    let mut frame = Vec::new();
    object.begin_object(&mut frame)?;
    for (index, field) in fields.iter().enumerate() {
        object.begin_object_key(&mut frame, index == 0)?;
        serde_json::to_writer(&mut frame, field.name)?;
        object.begin_object_value(&mut frame)?;
        res.push(Segment::Frame(std::mem::take(&mut frame)));
        res.extend((0..(field.count)(chunk)).map(|piece| Segment::Piece(field, piece)));
        object.end_object_value(&mut frame)?;
    }
    object.end_object(&mut frame)?;
    frame.push(b'\n');
    res.push(Segment::Frame(frame));
    Ok(res)
}

/// Writes the pieces `receiver` gets (numbered, in any order) in their order, handing each buffer back to
/// `spare` once written; returns the first error, whether in rendering or in writing.
fn write_in_order(
    receiver: mpsc::Receiver<(usize, io::Result<Vec<u8>>)>,
    writer: &mut impl Write,
    spare: &Mutex<Vec<Vec<u8>>>,
) -> io::Result<()> {
    let mut waiting: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    let mut next = 0;
    for (index, piece) in receiver {
        waiting.insert(index, piece?);
        while let Some(mut piece) = waiting.remove(&next) {
            writer.write_all(&piece)?;
            piece.clear();
            spare.lock().unwrap_or_else(PoisonError::into_inner).push(piece);
            next += 1;
        }
    }
    Ok(())
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

    /// Takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::other("disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_ends_the_write_with_its_error() {
        let doc = doc();
        let fields = [Field::value("version", &doc.version), Field::array("entries", &doc.entries)];
        for room in [0, 1, 40, 200] {
            let err = write_object(&fields, 1, Full { room }).unwrap_err();
            assert_eq!(err.to_string(), "disk full", "room {room}");
        }
        assert!(write_object(&fields, 1, Full { room: 1 << 20 }).is_ok());
    }
}
