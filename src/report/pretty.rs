//! Pretty JSON rendered in parallel: byte for byte what `serde_json::to_writer_pretty` writes.
//!
//! `report.json` is 70 MB at a million lines, three quarters of it the `dependencies` array. Serialising it
//! on one thread was the longest task of the report stage while the other formats had long finished. Here
//! each field of the top-level object is rendered on its own, and the elements of a large array in chunks, in
//! parallel; each piece is rendered by a formatter that starts at the depth where the piece stands, so the
//! pieces joined in order are exactly the document serde_json would write in one pass (a test checks this on
//! whole reports).
//!
//! Pieces are rendered in document order (each worker takes the next one) and written as soon as every piece
//! before them is, by the worker that completes the piece that is due ([`InOrder`]): copying 70 MB into the
//! file then overlaps the rendering instead of following it on one core. Each written piece's buffer is kept,
//! and a later piece is rendered into it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

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
/// and the chunks of large arrays in parallel; whichever worker completes the next piece in document order
/// writes it (see [`InOrder`]).
pub(super) fn write_object(
    fields: &[Field<'_>],
    chunk: usize,
    writer: impl Write + Send,
) -> io::Result<()> {
    let segments = segments(fields, chunk)?;
    let render = |segment: &Segment<'_, '_>, out: &mut Vec<u8>| match segment {
        Segment::Frame(bytes) => {
            out.extend_from_slice(bytes);
            Ok(())
        }
        Segment::Piece(field, index) => (field.render)(chunk, *index, out).map_err(io::Error::from),
    };
    let in_order = InOrder::new(writer);
    // Each worker takes the next segment in document order, so pieces mostly arrive in the order they are
    // written.
    let next = AtomicUsize::new(0);
    (0..rayon::current_num_threads()).into_par_iter().for_each(|_| {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(segment) = segments.get(index) else { break };
            let mut out = in_order.spare();
            let piece = render(segment, &mut out).map(|()| out);
            if in_order.put(index, piece).is_err() {
                break;
            }
        }
    });
    in_order.finish(segments.len())
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

/// Writes numbered pieces, handed in from any worker in any order, in their order.
///
/// Whoever hands in the piece that is due writes it, and every piece after it that is waiting, while the
/// others go on rendering; pieces that arrive meanwhile are left for the writer. Writing is thus spread over
/// the workers as the pieces become due and overlaps the rendering of later ones (70 MB at a million lines).
/// A writer thread of its own did the same, but it had to be started, it competed with both workers for the
/// two cores while they rendered, and a worker sat in `join` while it wrote the last pieces (report stage
/// 2.2 → 1.8 ms at 10k lines, 14.6 → 11.7 ms at 100k, 118 → 112 ms at 1M, interleaved runs).
///
/// Written buffers are kept for the next pieces: the document is rendered into the few pages of the pieces
/// in flight instead of first touching pages for every piece (and for every doubling of each piece's
/// buffer), which cost as much as the rendering itself on a small report.
struct InOrder<W> {
    state: Mutex<Pending>,
    /// Locked only by the worker whose turn it is to write ([`Pending::writing`]).
    writer: Mutex<W>,
}

/// The pieces waiting for their turn, and who writes.
struct Pending {
    waiting: BTreeMap<usize, Vec<u8>>,
    /// The next piece to write.
    next: usize,
    /// A worker is writing: pieces handed in meanwhile are left to it.
    writing: bool,
    error: Option<io::Error>,
    spare: Vec<Vec<u8>>,
}

impl<W: Write> InOrder<W> {
    fn new(writer: W) -> Self {
        let state = Pending {
            waiting: BTreeMap::new(),
            next: 0,
            writing: false,
            error: None,
            spare: Vec::new(),
        };
        InOrder { state: Mutex::new(state), writer: Mutex::new(writer) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An empty buffer to render the next piece into.
    fn spare(&self) -> Vec<u8> {
        self.lock().spare.pop().unwrap_or_default()
    }

    /// Hands in piece `index`, and writes what is due unless another worker already does. `Err` once
    /// rendering or writing has failed: there is no point rendering more.
    fn put(&self, index: usize, piece: io::Result<Vec<u8>>) -> Result<(), ()> {
        let mut state = self.lock();
        match piece {
            Ok(piece) => {
                state.waiting.insert(index, piece);
            }
            Err(err) => {
                state.error.get_or_insert(err);
            }
        }
        if state.error.is_some() {
            return Err(());
        }
        if state.writing {
            return Ok(());
        }
        state.writing = true;
        loop {
            let mut due = Vec::new();
            let pending = &mut *state;
            while let Some(piece) = pending.waiting.remove(&pending.next) {
                due.push(piece);
                pending.next += 1;
            }
            if due.is_empty() {
                state.writing = false;
                return Ok(());
            }
            drop(state);
            let mut result = Ok(());
            {
                let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
                for piece in &mut due {
                    if result.is_ok() {
                        result = writer.write_all(piece);
                    }
                    piece.clear();
                }
            }
            state = self.lock();
            state.spare.append(&mut due);
            if let Err(err) = result {
                state.error.get_or_insert(err);
                state.writing = false;
                return Err(());
            }
        }
    }

    /// After every worker is done: the first error, or a check that all `count` pieces were written.
    fn finish(self, count: usize) -> io::Result<()> {
        let state = self.state.into_inner().unwrap_or_else(PoisonError::into_inner);
        if let Some(err) = state.error {
            return Err(err);
        }
        if state.next != count {
            return Err(io::Error::other("a piece of the JSON document was not rendered"));
        }
        Ok(())
    }
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

    #[test]
    fn pieces_handed_in_out_of_order_are_written_in_order() {
        let mut out = Vec::new();
        let in_order = InOrder::new(&mut out);
        for index in [2, 0, 3, 1] {
            in_order.put(index, Ok(vec![b'a' + index as u8])).unwrap();
        }
        assert_eq!(in_order.spare(), Vec::<u8>::new());
        in_order.finish(4).unwrap();
        assert_eq!(out, b"abcd");
        let missing = InOrder::new(Vec::new());
        missing.put(1, Ok(vec![b'b'])).unwrap();
        assert!(missing.finish(2).is_err(), "piece 0 never came");
    }
}
