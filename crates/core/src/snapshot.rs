//! A streaming reader of every input `sidewatch scan` accepts, with the shape detected from the
//! JSON itself:
//!
//! * a Config snapshot or history file as AWS Config delivers it to S3:
//!   `{"fileVersion": "1.0", "configSnapshotId": …, "configurationItems": [ … ]}`;
//! * a `BatchGetResourceConfig` response: `{"baseConfigurationItems": [ … ], "unprocessedResourceKeys": [ … ]}`;
//! * a `GetResourceConfigHistory` response: `{"configurationItems": [ … ], "nextToken": …}`;
//! * a JSON array of configuration items;
//! * a single configuration item (an object with `resourceType`);
//! * several of the above in a row, such as JSON Lines (one item per line).
//!
//! Keys may come in any order. The item arrays are streamed one element at a time, so memory stays
//! flat however many items the input holds: each element is handed to the caller and dropped
//! before the next one is read. An element that is valid JSON but not a configuration item is
//! reported through the callback with its position and the rest are still read; input that is not
//! JSON, or not any of the shapes above, stops the read with a [`SnapshotError`] that says where
//! and what to do. Items handed over before such an error stay handed over.
//!
//! ```
//! use sidewatch_core::snapshot::{read_items, InputShape};
//!
//! let file = br#"{"fileVersion": "1.0", "configSnapshotId": "a1b2", "configurationItems": [
//!     {"resourceType": "AWS::S3::Bucket", "resourceId": "one", "configuration": {}},
//!     {"resourceType": "AWS::S3::Bucket"},
//!     {"resourceType": "AWS::S3::Bucket", "resourceId": "three", "configuration": {}}
//! ]}"#;
//! let (mut ids, mut bad) = (Vec::new(), Vec::new());
//! let summary = read_items(&file[..], |outcome| match outcome {
//!     Ok(item) => ids.push(item.resource_id),
//!     Err(unreadable) => bad.push(unreadable.to_string()),
//! })
//! .unwrap();
//! assert_eq!(ids, ["one", "three"]);
//! assert!(bad[0].starts_with("item 2 (index 1, AWS::S3::Bucket)"));
//! assert_eq!(summary.shape, InputShape::SnapshotFile);
//! assert_eq!((summary.items, summary.unreadable), (2, 1));
//! ```

use crate::item::{ConfigurationItem, ItemError, ItemFields, json_type};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::ops::RangeInclusive;

/// What the reader hands over for each element of an item array (or each single item): the item,
/// or why that element is not one.
pub type ItemOutcome = Result<ConfigurationItem, UnreadableItem>;

/// One element of the input as [`read_elements`] hands it over: parsed as JSON, not yet turned
/// into a [`ConfigurationItem`]. [`Element::into_outcome`] does that, on whichever thread calls it,
/// so a scan parses on one core and converts and evaluates on another.
#[derive(Debug)]
pub struct Element(ElementKind);

#[derive(Debug)]
enum ElementKind {
    /// A JSON value in an item's place, the `index`-th of the input.
    Value { index: u64, value: Value },
    /// An object in an item's place, of which only the fields an item is built from were kept
    /// (a framed element).
    Fields { index: u64, fields: Box<ItemFields> },
    /// A top-level value of JSON Lines that is not JSON.
    Broken(UnreadableItem),
}

impl Element {
    /// The item, or why the element is not one (as [`read_items`] hands it over).
    pub fn into_outcome(self) -> ItemOutcome {
        let (index, mut fields) = match self.0 {
            ElementKind::Value {
                index,
                value: Value::Object(map),
            } => (index, Box::new(ItemFields::from_map(map))),
            ElementKind::Value { index, value } => {
                return Err(UnreadableItem {
                    index,
                    resource: None,
                    lines: None,
                    error: ItemError::NotAnObject(json_type(&value)),
                });
            }
            ElementKind::Fields { index, fields } => (index, fields),
            ElementKind::Broken(unreadable) => return Err(unreadable),
        };
        ConfigurationItem::from_fields(&mut fields).map_err(|error| UnreadableItem {
            index,
            // Described only when it is not an item: `from_fields` leaves these two in place then.
            resource: describe_resource(&fields),
            lines: None,
            error,
        })
    }
}

/// An element of the input that is valid JSON but not a configuration item. Reading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableItem {
    /// Zero-based position among all items of the input (across arrays and top-level values), so
    /// `index 3` of a snapshot file is `jq '.configurationItems[3]'`.
    pub index: u64,
    /// `resourceType` and `resourceId` as far as the element carries them as strings, to find it.
    pub resource: Option<String>,
    /// The input lines it spans, when it is a broken value of JSON Lines (not an element of an
    /// item array).
    pub lines: Option<RangeInclusive<usize>>,
    /// What is wrong with it.
    pub error: ItemError,
}

impl fmt::Display for UnreadableItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "item {} (index {}", self.index + 1, self.index)?;
        if let Some(resource) = &self.resource {
            write!(f, ", {resource}")?;
        }
        match &self.lines {
            Some(lines) if lines.start() == lines.end() => write!(f, ", line {}", lines.start())?,
            Some(lines) => write!(f, ", lines {}-{}", lines.start(), lines.end())?,
            None => {}
        }
        write!(f, "): {}", self.error)
    }
}

impl std::error::Error for UnreadableItem {}

/// The shape of the input, as recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputShape {
    /// A Config snapshot or history file as delivered to S3 (`fileVersion`, `configurationItems`).
    SnapshotFile,
    /// A `BatchGetResourceConfig` response (`baseConfigurationItems`).
    BatchGetResourceConfig,
    /// A `GetResourceConfigHistory` response (`configurationItems` without `fileVersion`).
    ResourceConfigHistory,
    /// A JSON array of configuration items.
    ItemArray,
    /// One configuration item.
    SingleItem,
    /// Several top-level JSON values in a row (JSON Lines), each one of the shapes above.
    JsonLines,
}

impl InputShape {
    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            InputShape::SnapshotFile => "AWS Config snapshot file",
            InputShape::BatchGetResourceConfig => "BatchGetResourceConfig response",
            InputShape::ResourceConfigHistory => "GetResourceConfigHistory response",
            InputShape::ItemArray => "array of configuration items",
            InputShape::SingleItem => "single configuration item",
            InputShape::JsonLines => "JSON Lines (several JSON values)",
        }
    }
}

/// What a completed read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSummary {
    /// The shape of the input ([`InputShape::JsonLines`] when it held several top-level values).
    pub shape: InputShape,
    /// Top-level JSON values read.
    pub values: u64,
    /// Items handed over as `Ok`.
    pub items: u64,
    /// Elements handed over as `Err` ([`UnreadableItem`]).
    pub unreadable: u64,
    /// Entries of `unprocessedResourceKeys` in `BatchGetResourceConfig` responses: resources AWS
    /// Config did not return, which this input therefore does not cover.
    pub unprocessed_resource_keys: u64,
    /// The last non-empty `nextToken` (or the AWS CLI's `NextToken`) of a
    /// `GetResourceConfigHistory` response: the history has more pages than this input holds.
    pub next_token: Option<String>,
}

/// What the accepted inputs are, for error messages.
pub const ACCEPTED_INPUTS: &str = "an AWS Config snapshot file ({\"fileVersion\", \"configurationItems\": [...]}), \
     a BatchGetResourceConfig or GetResourceConfigHistory response, an array of configuration \
     items, a single configuration item, or JSON Lines of them";

/// Input that cannot be read at all (as opposed to one unreadable item). The message says where
/// and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The underlying reader failed (file system, decompression, closed pipe).
    #[error("cannot read the input: {0}")]
    Io(#[source] std::io::Error),
    /// Nothing but whitespace.
    #[error("the input is empty; expected {ACCEPTED_INPUTS}")]
    Empty,
    /// Not JSON.
    #[error(
        "the input is not valid JSON at line {line}, column {column}: {message}; expected {ACCEPTED_INPUTS} (plain or gzip)"
    )]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON stops in the middle of a value.
    #[error(
        "the input ends in the middle of a JSON value at line {line}, column {column}: it looks truncated; download or export it again"
    )]
    Truncated { line: usize, column: usize },
    /// Valid JSON, but not a shape sidewatch reads.
    #[error(
        "unrecognised input at line {line}, column {column}: {message}; expected {ACCEPTED_INPUTS}"
    )]
    Shape {
        line: usize,
        column: usize,
        message: String,
    },
}

impl SnapshotError {
    /// The error of a value that starts somewhere in the input; `line` and `column` are where in
    /// the input the parser stopped.
    fn from_json(error: serde_json::Error, line: usize, column: usize) -> Self {
        let message = || {
            let text = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
        };
        match error.classify() {
            serde_json::error::Category::Io => SnapshotError::Io(error.into()),
            serde_json::error::Category::Eof => SnapshotError::Truncated { line, column },
            serde_json::error::Category::Syntax => SnapshotError::Syntax {
                line,
                column,
                message: message(),
            },
            serde_json::error::Category::Data => SnapshotError::Shape {
                line,
                column,
                message: message(),
            },
        }
    }

    /// Why a value among several is unreadable, for its [`UnreadableItem`].
    fn item_error(&self) -> ItemError {
        match self {
            SnapshotError::Truncated { .. } => {
                ItemError::Json("it ends in the middle of a value (truncated)".to_owned())
            }
            SnapshotError::Syntax {
                line,
                column,
                message,
            } => ItemError::Json(format!("{message} at line {line}, column {column}")),
            SnapshotError::Shape {
                line,
                column,
                message,
            } => ItemError::Unrecognised(format!("{message} at line {line}, column {column}")),
            SnapshotError::Io(e) => ItemError::Json(e.to_string()),
            SnapshotError::Empty => ItemError::Json(self.to_string()),
        }
    }
}

/// Reads every configuration item in `reader`, handing each over to `on_item` as soon as it is
/// read, and returns what the input held. Memory stays flat in the number of items.
///
/// A UTF-8 byte-order mark at the start is skipped. Once the input shows itself as several values
/// in a row (JSON Lines), a value that is not JSON or not an item is handed over as an
/// [`UnreadableItem`] naming its lines, and reading resumes at the next line that starts a value
/// (`{` or `[` in column 1); a broken first value with no such line after it is a
/// [`SnapshotError`], as before. Decompression is the caller's business (the core does no I/O of
/// its own).
pub fn read_items<R: Read>(
    reader: R,
    mut on_item: impl FnMut(ItemOutcome),
) -> Result<ReadSummary, SnapshotError> {
    let (mut items, mut unreadable) = (0, 0);
    let mut summary = read_elements(reader, |element| {
        let outcome = element.into_outcome();
        match outcome {
            Ok(_) => items += 1,
            Err(_) => unreadable += 1,
        }
        on_item(outcome);
    })?;
    summary.items = items;
    summary.unreadable = unreadable;
    Ok(summary)
}

/// [`read_items`] one step earlier: each element as soon as it is parsed, for the caller to turn
/// into an item with [`Element::into_outcome`] (on another thread, say). In the summary, `items`
/// counts the elements handed over as JSON values and `unreadable` those that are not JSON:
/// which of the values are items is known only once they are turned into items.
pub fn read_elements<R: Read>(
    reader: R,
    mut on_element: impl FnMut(Element),
) -> Result<ReadSummary, SnapshotError> {
    let input = RefCell::new(Lines::new(reader).map_err(SnapshotError::Io)?);
    let mut state = State {
        on_item: &mut on_element,
        framing: Some(&input),
        next_index: 0,
        items: 0,
        unreadable: 0,
        unprocessed_resource_keys: 0,
        next_token: None,
    };
    let mut shape = None;
    let mut values = 0u64;
    // Set once a value was read or a broken one skipped: later broken values are item errors.
    let mut several = false;
    loop {
        if !input
            .borrow_mut()
            .skip_whitespace()
            .map_err(SnapshotError::Io)?
        {
            break;
        }
        let (start_line, start_column) = {
            let mut input = input.borrow_mut();
            input.start_value();
            (input.line, input.column)
        };
        let mut de = serde_json::Deserializer::from_reader(Shared(&input));
        let error = match TopLevel(&mut state).deserialize(&mut de) {
            Ok(this) => {
                values += 1;
                several = true;
                shape = Some(if values == 1 {
                    this
                } else {
                    InputShape::JsonLines
                });
                continue;
            }
            Err(error) => error,
        };
        drop(de);
        let mut input = input.borrow_mut();
        // Positions in the whole input, not in this value.
        let (line, column) = input.position_of(&error, start_line, start_column);
        let fatal = SnapshotError::from_json(error, line, column);
        if matches!(fatal, SnapshotError::Io(_)) {
            return Err(fatal);
        }
        let resume = input.resume(start_line).map_err(SnapshotError::Io)?;
        if !several && resume.is_none() {
            return Err(fatal);
        }
        several = true;
        let last_line = match resume {
            Some(next) => next - 1,
            // At the end of the input: its last line, whether or not a newline ends it.
            None if input.column == 1 => input.line - 1,
            None => input.line,
        };
        state.broken(start_line..=last_line.max(start_line), &fatal);
    }
    let shape = shape.ok_or(SnapshotError::Empty)?;
    Ok(ReadSummary {
        shape,
        values,
        items: state.items,
        unreadable: state.unreadable,
        unprocessed_resource_keys: state.unprocessed_resource_keys,
        next_token: state.next_token,
    })
}

/// Bytes of the line being parsed kept to read it again when a broken value ends on it; a longer
/// line is skipped with the broken value instead.
const MAX_KEPT: usize = 1 << 20;

/// Bytes read from the input at once.
const READ_BUFFER: usize = 64 << 10;

/// Elements of an item array longer than this are left to the streaming parser, which never holds
/// one whole.
const MAX_FRAMED: usize = 16 << 20;

/// Where the object after the `,` at the start of `text` (after whitespace) starts; `None` when
/// something else comes first.
fn next_object(text: &str) -> Option<usize> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = text.as_bytes();
    let comma = bytes.iter().position(|b| !is_space(b))?;
    if bytes[comma] != b',' {
        return None;
    }
    let object = comma + 1 + bytes[comma + 1..].iter().position(|b| !is_space(b))?;
    (bytes[object] == b'{').then_some(object)
}

/// Elements nested deeper than this are left to the streaming parser: its recursion limit counts
/// from the top-level value, a framed element's from the element.
const MAX_FRAMED_DEPTH: usize = 100;

/// The input with its position counted, and the bytes the parser has read of the current line
/// kept (up to [`MAX_KEPT`]): when a broken value of JSON Lines swallowed the start of the next
/// line, that line is read again.
///
/// It also takes the elements of item arrays out of the input itself ([`Lines::next_framed`]):
/// serde_json reads a `Read` one byte per call, several times slower than it parses a `str`, so
/// the elements that lie whole in the read buffer are parsed there, and one that runs past it is
/// cut out whole and parsed as a slice. The parser never sees those bytes; what it sees is counted
/// apart (`seen_line`, `seen_column`), so the positions of its errors are put back in the whole
/// input ([`Lines::position_of`]).
struct Lines<R> {
    inner: BufReader<R>,
    /// Bytes already read once and to be read again, from `replay_at`.
    replay: Vec<u8>,
    replay_at: usize,
    /// A read error met while framing, handed to the parser once it has read the bytes before it.
    pending_error: Option<std::io::Error>,
    /// 1-based position of the next byte.
    line: usize,
    column: usize,
    /// What the parser has read of the current line, unless it was longer than [`MAX_KEPT`].
    kept: Vec<u8>,
    kept_overflow: bool,
    /// The parser's own count of the current value's bytes it read (as serde_json counts them:
    /// line from 1, column 0 after a newline), and the last byte it read.
    seen_line: usize,
    seen_column: usize,
    last_seen: u8,
    /// Where the last framed element of the current value ended, when one was.
    framed: Option<FramedEnd>,
    /// Elements parsed in place after the one handed over, waiting their turn.
    queued: VecDeque<Box<ItemFields>>,
    /// Reused for the kept bytes of elements parsed in place.
    taken: Vec<u8>,
}

/// The end of the last framed element of a top-level value, to map the parser's positions back.
#[derive(Debug, Clone, Copy)]
struct FramedEnd {
    /// Newlines in every element framed so far in this value.
    newlines: usize,
    /// The whole input's column of the next byte, and the parser's own line and column, there.
    column: usize,
    seen_line: usize,
    seen_column: usize,
}

/// How serde_json reads the input: through the shared [`Lines`], which frames elements between
/// its reads.
struct Shared<'a, R>(&'a RefCell<Lines<R>>);

impl<R: Read> Read for Shared<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().read(buf)
    }
}

impl<R: Read> Lines<R> {
    /// Wraps `reader`, dropping a UTF-8 byte-order mark. The first three bytes are read one by one
    /// (a reader may hand over fewer than asked, as a gzip sniffer in front of it does).
    fn new(reader: R) -> std::io::Result<Self> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let mut inner = BufReader::with_capacity(READ_BUFFER, reader);
        let mut first = Vec::with_capacity(BOM.len());
        while first.len() < BOM.len() {
            let available = inner.fill_buf()?;
            let Some(&byte) = available.first() else {
                break;
            };
            inner.consume(1);
            first.push(byte);
            if !BOM.starts_with(&first) {
                break;
            }
        }
        if first == BOM {
            first.clear();
        }
        Ok(Lines {
            inner,
            replay: first,
            replay_at: 0,
            pending_error: None,
            line: 1,
            column: 1,
            kept: Vec::new(),
            kept_overflow: false,
            seen_line: 1,
            seen_column: 0,
            last_seen: 0,
            framed: None,
            queued: VecDeque::new(),
            taken: Vec::new(),
        })
    }

    /// Advances past whitespace; false at the end of the input.
    fn skip_whitespace(&mut self) -> std::io::Result<bool> {
        loop {
            let Some(&byte) = self.fill_buf()?.first() else {
                return Ok(false);
            };
            if !matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(true);
            }
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
            self.consume(1);
        }
    }

    fn start_value(&mut self) {
        self.kept.clear();
        self.kept_overflow = false;
        self.seen_line = 1;
        self.seen_column = 0;
        self.last_seen = 0;
        self.framed = None;
    }

    /// Where in the whole input the parser's `error` is, for a value that started at
    /// `start_line`, `start_column`: serde_json counts from the value's start, and never saw the
    /// framed elements.
    fn position_of(
        &self,
        error: &serde_json::Error,
        start_line: usize,
        start_column: usize,
    ) -> (usize, usize) {
        let (line, column) = (error.line(), error.column());
        match self.framed {
            None => (
                start_line + line - 1,
                if line == 1 {
                    start_column + column - 1
                } else {
                    column
                },
            ),
            Some(end) => (
                start_line + line - 1 + end.newlines,
                if line == end.seen_line {
                    (end.column + column).saturating_sub(end.seen_column + 1)
                } else {
                    column
                },
            ),
        }
    }

    /// Takes the next element of an item array out of the input, when the parser stands right
    /// after an object element (`last_seen` is its `}`) and what follows is `,` and an object
    /// that parses whole: returns its fields. Otherwise every byte taken is put back and the
    /// parser reads on as if nothing happened (the array's end, any error, an element too large
    /// or too deep to frame).
    fn next_framed(&mut self, frame: &mut Vec<u8>) -> Option<Box<ItemFields>> {
        // Taken out of the input already: handed over before anything else is read.
        if let Some(fields) = self.queued.pop_front() {
            return Some(fields);
        }
        if self.last_seen != b'}' || self.pending_error.is_some() {
            return None;
        }
        if let Some(fields) = self.parse_in_place() {
            return Some(fields);
        }
        frame.clear();
        let element = match self.frame_element(frame) {
            Ok(Some(start)) => start,
            Ok(None) => {
                self.put_back(frame);
                return None;
            }
            Err(e) => {
                self.put_back(frame);
                self.pending_error = Some(e);
                return None;
            }
        };
        // One UTF-8 check of the whole element, then serde_json's `str` reader, which need not
        // check each string again (the slice reader does, a call per string). Invalid UTF-8 is
        // left to the streaming parser, which says where it is.
        let Ok(text) = std::str::from_utf8(&frame[element..]) else {
            self.put_back(frame);
            return None;
        };
        let mut de = serde_json::Deserializer::from_str(text);
        match <Framed as de::Deserialize>::deserialize(&mut de).and_then(|Framed(fields)| {
            de.end()?;
            Ok(fields)
        }) {
            Ok(fields) => {
                self.hide(frame);
                Some(fields)
            }
            Err(_) => {
                self.put_back(frame);
                None
            }
        }
    }

    /// [`Lines::next_framed`] without a copy or a scan for each element's end: the read buffer's
    /// UTF-8 is checked once, then each `,` and whole object in it is parsed where it is with
    /// serde_json's `str` reader, up to the first that does not end in the buffer or does not
    /// parse. Their bytes are taken, the first object returned and the others queued. Nothing is
    /// taken when not even the first one is there (bytes to read again, the array's end, an
    /// error).
    fn parse_in_place(&mut self) -> Option<Box<ItemFields>> {
        if self.replay_at < self.replay.len() {
            return None;
        }
        let buffer = self.inner.buffer();
        let text = match std::str::from_utf8(buffer) {
            Ok(text) => text,
            // A character cut at the buffer's end (or invalid UTF-8, left to the streaming
            // parser): the text before it.
            Err(e) => std::str::from_utf8(&buffer[..e.valid_up_to()]).unwrap_or_default(),
        };
        let mut end = 0;
        while let Some(object) = next_object(&text[end..]) {
            let mut stream =
                serde_json::Deserializer::from_str(&text[end + object..]).into_iter::<Framed>();
            let Some(Ok(Framed(fields))) = stream.next() else {
                break;
            };
            self.queued.push_back(fields);
            end += object + stream.byte_offset();
        }
        if end == 0 {
            return None;
        }
        // What the position needs of the bytes taken: newlines, and the last line's bytes as
        // far as they are kept.
        let taken = &buffer[..end];
        let newlines = memchr::memchr_iter(b'\n', taken).count();
        let tail = memchr::memrchr(b'\n', taken).map_or(taken, |at| &taken[at + 1..]);
        let room = if newlines > 0 {
            MAX_KEPT
        } else {
            MAX_KEPT.saturating_sub(self.kept.len())
        };
        self.taken.clear();
        self.taken.extend_from_slice(&tail[..tail.len().min(room)]);
        let tail_len = tail.len();
        self.inner.consume(end);
        let kept = std::mem::take(&mut self.taken);
        self.hide_counted(newlines, tail_len, &kept);
        self.taken = kept;
        self.queued.pop_front()
    }

    /// Moves `,` and the object after it into `frame` and returns where the object starts in
    /// it; `None` when something else comes first or the object does not end in time.
    fn frame_element(&mut self, frame: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
        const BEFORE_COMMA: u8 = 0;
        const AFTER_COMMA: u8 = 1;
        const IN_VALUE: u8 = 2;
        let mut phase = BEFORE_COMMA;
        let mut start = 0;
        let mut depth = 0usize;
        let (mut in_string, mut escaped) = (false, false);
        loop {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut i = 0;
            let mut end = None;
            let mut other = false;
            while i < buf.len() {
                let byte = buf[i];
                if phase != IN_VALUE {
                    match byte {
                        b' ' | b'\t' | b'\r' | b'\n' => {}
                        b',' if phase == BEFORE_COMMA => phase = AFTER_COMMA,
                        b'{' if phase == AFTER_COMMA => {
                            phase = IN_VALUE;
                            start = frame.len() + i;
                            depth = 1;
                        }
                        _ => {
                            other = true;
                            break;
                        }
                    }
                    i += 1;
                } else if escaped {
                    escaped = false;
                    i += 1;
                } else if in_string {
                    match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                        None => i = buf.len(),
                        Some(at) => {
                            i += at;
                            if buf[i] == b'"' {
                                in_string = false;
                            } else {
                                escaped = true;
                            }
                            i += 1;
                        }
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            let taken = end.unwrap_or(i);
            frame.extend_from_slice(&buf[..taken]);
            self.consume(taken);
            if other || frame.len() > MAX_FRAMED {
                return Ok(None);
            }
            if end.is_some() {
                return Ok(Some(start));
            }
        }
    }

    /// Puts `frame` back in front of what is still to be read.
    fn put_back(&mut self, frame: &mut Vec<u8>) {
        if frame.is_empty() {
            return;
        }
        frame.extend_from_slice(&self.replay[self.replay_at..]);
        std::mem::swap(&mut self.replay, frame);
        self.replay_at = 0;
        frame.clear();
    }

    /// Counts the framed bytes in the input's position (the parser never sees them) and notes
    /// where they ended.
    fn hide(&mut self, bytes: &[u8]) {
        let newlines = memchr::memchr_iter(b'\n', bytes).count();
        let tail = memchr::memrchr(b'\n', bytes).map_or(bytes, |at| &bytes[at + 1..]);
        self.hide_counted(newlines, tail.len(), tail);
    }

    /// [`Lines::hide`] of bytes holding `newlines` newlines and `tail_len` bytes after the last
    /// one, of which `tail` holds at least as many as are kept.
    fn hide_counted(&mut self, newlines: usize, tail_len: usize, tail: &[u8]) {
        if newlines > 0 {
            self.line += newlines;
            self.column = 1;
            self.kept.clear();
            self.kept_overflow = false;
        }
        self.column += tail_len;
        let room = MAX_KEPT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&tail[..tail.len().min(room)]);
        self.kept_overflow |= tail_len > room;
        let before = self.framed.map_or(0, |f| f.newlines);
        self.framed = Some(FramedEnd {
            newlines: before + newlines,
            column: self.column,
            seen_line: self.seen_line,
            seen_column: self.seen_column,
        });
    }

    /// After a value that started on `start_line` broke: goes to the first line after
    /// `start_line` that starts with `{` or `[` (the line the parser stopped on is read again) and
    /// returns its number; `None` when the input ends first.
    fn resume(&mut self, start_line: usize) -> std::io::Result<Option<usize>> {
        if self.line > start_line && !self.kept_overflow {
            let mut replay = std::mem::take(&mut self.kept);
            replay.extend_from_slice(&self.replay[self.replay_at..]);
            self.replay = replay;
            self.replay_at = 0;
            self.column = 1;
        } else if !self.skip_line()? {
            return Ok(None);
        }
        loop {
            match self.fill_buf()?.first() {
                None => return Ok(None),
                Some(b'{' | b'[') => return Ok(Some(self.line)),
                Some(_) => {
                    if !self.skip_line()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Skips past the next newline; false when the input ends first.
    fn skip_line(&mut self) -> std::io::Result<bool> {
        loop {
            let available = self.fill_buf()?;
            if available.is_empty() {
                return Ok(false);
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.consume(at + 1);
                    self.line += 1;
                    self.column = 1;
                    return Ok(true);
                }
                None => {
                    let n = available.len();
                    self.column += n;
                    self.consume(n);
                }
            }
        }
    }

    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.replay_at < self.replay.len() {
            Ok(&self.replay[self.replay_at..])
        } else if let Some(e) = self.pending_error.take() {
            Err(e)
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, n: usize) {
        if self.replay_at < self.replay.len() {
            self.replay_at += n;
        } else {
            self.inner.consume(n);
        }
    }
}

/// What the JSON parser reads: counted, and kept while on one line.
impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        for &byte in &buf[..n] {
            self.last_seen = byte;
            if byte == b'\n' {
                self.seen_line += 1;
                self.seen_column = 0;
                self.line += 1;
                self.column = 1;
                self.kept.clear();
                self.kept_overflow = false;
            } else {
                self.seen_column += 1;
                self.column += 1;
                if self.kept.len() < MAX_KEPT {
                    self.kept.push(byte);
                } else {
                    self.kept_overflow = true;
                }
            }
        }
        Ok(n)
    }
}

/// Where an item array's elements can be framed as slices (see [`Lines`]).
trait Framing {
    fn next_framed(&self, frame: &mut Vec<u8>) -> Option<Box<ItemFields>>;
}

impl<R: Read> Framing for RefCell<Lines<R>> {
    fn next_framed(&self, frame: &mut Vec<u8>) -> Option<Box<ItemFields>> {
        self.borrow_mut().next_framed(frame)
    }
}

/// Reads a framed item object: its [`ITEM_FIELDS`](crate::item::ITEM_FIELDS), as the [`Value`]
/// of the whole element holds them, built with the reader's [`Scratch`]; its other fields are
/// checked as JSON exactly as a [`Value`] would be, but never built.
struct KnownSeed<'s>(&'s mut Scratch);

impl<'de> DeserializeSeed<'de> for KnownSeed<'_> {
    type Value = Box<ItemFields>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Box<ItemFields>, D::Error> {
        // What a failed element left on the stacks is dropped here.
        self.0.entries.clear();
        self.0.elements.clear();
        self.0.depth = 1;
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for KnownSeed<'_> {
    type Value = Box<ItemFields>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration item")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Box<ItemFields>, A::Error> {
        let mut fields = Box::<ItemFields>::default();
        while let Some(FieldName(slot)) = map.next_key()? {
            match slot {
                Some(slot) => fields.set(slot, map.next_value_seed(Build(&mut *self.0))?),
                None => map.next_value_seed(Checked(1))?,
            }
        }
        Ok(fields)
    }
}

thread_local! {
    /// The reading thread's [`Scratch`], reused from one framed element to the next (a thread's
    /// own: serde_json's stream reader, which says where an element parsed in place ends, takes
    /// a type, not a seed).
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// A framed item object read with [`KnownSeed`] and the thread's [`SCRATCH`].
struct Framed(Box<ItemFields>);

impl<'de> de::Deserialize<'de> for Framed {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SCRATCH.with_borrow_mut(|scratch| KnownSeed(scratch).deserialize(deserializer).map(Framed))
    }
}

/// Stacks of the members of the objects and arrays being built, reused from one element to the
/// next: an object or array is made once its last member is read, at its final size.
#[derive(Debug, Default)]
struct Scratch {
    entries: Vec<(String, Value)>,
    elements: Vec<Value>,
    /// How deep the object or array being read is in its element (the element itself is 1).
    depth: usize,
}

/// Builds the same [`Value`] as `Value`'s own `Deserialize` (the same members, in the same order,
/// a repeated key keeping its first place and its last value), but allocates each object and array
/// once at its size, where serde_json grows them member by member (an object's map, with its hash
/// table, several times over).
struct Build<'s>(&'s mut Scratch);

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let outer = self.0.depth;
        self.0.depth = deeper::<A::Error>(outer)?;
        let start = self.0.elements.len();
        while let Some(element) = seq.next_element_seed(Build(&mut *self.0))? {
            self.0.elements.push(element);
        }
        self.0.depth = outer;
        Ok(Value::Array(self.0.elements.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let outer = self.0.depth;
        self.0.depth = deeper::<A::Error>(outer)?;
        let start = self.0.entries.len();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Build(&mut *self.0))?;
            self.0.entries.push((key, value));
        }
        self.0.depth = outer;
        let mut object = Map::with_capacity(self.0.entries.len() - start);
        for (key, value) in self.0.entries.drain(start..) {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A key of an item object: its slot among [`ITEM_FIELDS`](crate::item::ITEM_FIELDS), or `None`.
struct FieldName(Option<usize>);

impl<'de> de::Deserialize<'de> for FieldName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FieldNameVisitor)
    }
}

struct FieldNameVisitor;

impl Visitor<'_> for FieldNameVisitor {
    type Value = FieldName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<FieldName, E> {
        Ok(FieldName(ItemFields::slot(name)))
    }
}

/// Any JSON value, read through as a [`Value`] is (strings decoded and checked, numbers in
/// range), but kept nowhere; its number is the depth of the object or array it is in.
struct Checked(usize);

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth = deeper::<A::Error>(self.0)?;
        while seq.next_element_seed(Checked(depth))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = deeper::<A::Error>(self.0)?;
        while map.next_key_seed(Checked(depth))?.is_some() {
            map.next_value_seed(Checked(depth))?;
        }
        Ok(())
    }
}

/// The depth of an object or array inside one at `depth`; an element nested deeper than
/// [`MAX_FRAMED_DEPTH`] is an error, which leaves it to the streaming parser.
fn deeper<E: de::Error>(depth: usize) -> Result<usize, E> {
    if depth >= MAX_FRAMED_DEPTH {
        return Err(E::custom(TOO_DEEP));
    }
    Ok(depth + 1)
}

/// The error of an element nested deeper than [`MAX_FRAMED_DEPTH`].
const TOO_DEEP: &str = "nested too deep to read apart";

/// The reader's running state, shared by the visitors.
struct State<'f, F> {
    on_item: &'f mut F,
    /// The input, to frame item array elements from; `None` reads them all through serde.
    framing: Option<&'f dyn Framing>,
    next_index: u64,
    items: u64,
    unreadable: u64,
    unprocessed_resource_keys: u64,
    next_token: Option<String>,
}

impl<F: FnMut(Element)> State<'_, F> {
    /// Hands one JSON value in an item's place over.
    fn emit(&mut self, value: Value) {
        let index = self.next_index;
        self.next_index += 1;
        self.items += 1;
        (self.on_item)(Element(ElementKind::Value { index, value }));
    }

    /// Hands over a framed object in an item's place, as the fields an item is built from.
    fn emit_fields(&mut self, fields: Box<ItemFields>) {
        let index = self.next_index;
        self.next_index += 1;
        self.items += 1;
        (self.on_item)(Element(ElementKind::Fields { index, fields }));
    }

    /// Hands over a top-level value of JSON Lines that is not JSON or not an item.
    fn broken(&mut self, lines: RangeInclusive<usize>, error: &SnapshotError) {
        let index = self.next_index;
        self.next_index += 1;
        self.unreadable += 1;
        (self.on_item)(Element(ElementKind::Broken(UnreadableItem {
            index,
            resource: None,
            lines: Some(lines),
            error: error.item_error(),
        })));
    }
}

/// `resourceType resourceId` of an element, as far as it has them, to point at a bad item.
fn describe_resource(fields: &ItemFields) -> Option<String> {
    let field = |key: &str| fields.get(key).and_then(Value::as_str);
    match (field("resourceType"), field("resourceId")) {
        (Some(t), Some(id)) => Some(format!("{t} {id}")),
        (Some(t), None) => Some(t.to_owned()),
        (None, Some(id)) => Some(id.to_owned()),
        (None, None) => None,
    }
}

/// One top-level JSON value: an item array, an object holding item arrays, or a single item.
struct TopLevel<'s, 'f, F>(&'s mut State<'f, F>);

impl<'de, F: FnMut(Element)> DeserializeSeed<'de> for TopLevel<'_, '_, F> {
    type Value = InputShape;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<InputShape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Element)> Visitor<'de> for TopLevel<'_, '_, F> {
    type Value = InputShape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ACCEPTED_INPUTS)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<InputShape, A::Error> {
        ItemArray(self.0).visit_seq(seq)?;
        Ok(InputShape::ItemArray)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InputShape, A::Error> {
        let state = self.0;
        let mut batch_get = false;
        let mut item_list = false;
        // Everything but the item arrays: the metadata of a container, or the fields of one item.
        let mut other = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "baseConfigurationItems" => {
                    map.next_value_seed(ItemArray(&mut *state))?;
                    batch_get = true;
                }
                "configurationItems" => {
                    map.next_value_seed(ItemArray(&mut *state))?;
                    item_list = true;
                }
                _ => {
                    let value: Value = map.next_value()?;
                    other.insert(key, value);
                }
            }
        }
        if batch_get || item_list {
            if let Some(Value::Array(keys)) = other.get("unprocessedResourceKeys") {
                state.unprocessed_resource_keys += keys.len() as u64;
            }
            // `NextToken` is how the AWS CLI writes it when `--max-items` cut the output.
            let token = other.get("nextToken").or_else(|| other.get("NextToken"));
            if let Some(Value::String(token)) = token
                && !token.is_empty()
            {
                state.next_token = Some(token.clone());
            }
            return Ok(if batch_get {
                InputShape::BatchGetResourceConfig
            } else if other.contains_key("fileVersion") || other.contains_key("configSnapshotId") {
                InputShape::SnapshotFile
            } else {
                InputShape::ResourceConfigHistory
            });
        }
        if other.contains_key("resourceType") {
            state.emit(Value::Object(other));
            return Ok(InputShape::SingleItem);
        }
        Err(de::Error::custom(unknown_object(&other)))
    }
}

fn unknown_object(map: &Map<String, Value>) -> String {
    if map.is_empty() {
        return "found an empty JSON object".to_owned();
    }
    const SHOWN: usize = 6;
    let mut keys: Vec<&str> = map.keys().map(String::as_str).take(SHOWN).collect();
    if map.len() > SHOWN {
        keys.push("…");
    }
    format!(
        "found a JSON object with none of configurationItems, baseConfigurationItems or \
         resourceType (its keys: {})",
        keys.join(", ")
    )
}

/// An array of configuration items, streamed element by element. `null` counts as empty.
struct ItemArray<'s, 'f, F>(&'s mut State<'f, F>);

impl<'de, F: FnMut(Element)> DeserializeSeed<'de> for ItemArray<'_, '_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Element)> Visitor<'de> for ItemArray<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of configuration items")
    }

    /// Elements after an object element are framed when they can be ([`Lines::next_framed`]);
    /// the parser reads the others, the array's end and every error.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut frame = Vec::new();
        let mut after_object = false;
        loop {
            if let Some(framing) = self.0.framing.filter(|_| after_object) {
                while let Some(fields) = framing.next_framed(&mut frame) {
                    self.0.emit_fields(fields);
                }
            }
            let Some(value) = seq.next_element::<Value>()? else {
                return Ok(());
            };
            after_object = value.is_object();
            self.0.emit(value);
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::Cell;
    use std::rc::Rc;

    /// Reads `text`, returning the resource ids read, the unreadable items, and the summary.
    fn read(text: &str) -> Result<(Vec<String>, Vec<UnreadableItem>, ReadSummary), SnapshotError> {
        let (mut ids, mut bad) = (Vec::new(), Vec::new());
        let summary = read_items(text.as_bytes(), |outcome| match outcome {
            Ok(item) => ids.push(item.resource_id),
            Err(e) => bad.push(e),
        })?;
        Ok((ids, bad, summary))
    }

    fn item(id: &str) -> Value {
        json!({
            "configurationItemVersion": "1.3",
            "awsAccountId": "123456789012",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": id,
            "ARN": format!("arn:aws:s3:::{id}"),
            "awsRegion": "us-east-1",
            "configuration": {"name": id},
            "supplementaryConfiguration": {}
        })
    }

    fn api_item(id: &str) -> Value {
        json!({
            "version": "1.3",
            "accountId": "123456789012",
            "configurationItemCaptureTime": 1717171717.5,
            "configurationItemStatus": "OK",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": id,
            "arn": format!("arn:aws:s3:::{id}"),
            "configuration": format!("{{\"name\":\"{id}\"}}"),
            "supplementaryConfiguration": {"IsRequesterPaysEnabled": "false"}
        })
    }

    #[test]
    fn snapshot_file_in_any_key_order() {
        let items = json!([item("a"), item("b")]);
        for text in [
            json!({"fileVersion": "1.0", "configSnapshotId": "s-1", "configurationItems": items})
                .to_string(),
            format!(
                r#"{{"configurationItems": {items}, "configSnapshotId": "s-1", "fileVersion": "1.0"}}"#
            ),
            format!(
                r#"{{"configSnapshotId": "s-1", "configurationItems": {items}, "fileVersion": "1.0"}}"#
            ),
            // The Config developer guide's example snapshot carries `requestId` instead.
            format!(
                r#"{{"fileVersion": "1.0", "requestId": "r-1", "configurationItems": {items}}}"#
            ),
        ] {
            let (ids, bad, summary) = read(&text).unwrap();
            assert_eq!(ids, ["a", "b"], "{text}");
            assert!(bad.is_empty());
            assert_eq!(summary.shape, InputShape::SnapshotFile, "{text}");
            assert_eq!((summary.values, summary.items), (1, 2));
        }
    }

    #[test]
    fn batch_get_response_counts_unprocessed_keys() {
        let text = json!({
            "unprocessedResourceKeys": [
                {"resourceType": "AWS::S3::Bucket", "resourceId": "later"}
            ],
            "baseConfigurationItems": [api_item("x"), api_item("y")]
        })
        .to_string();
        let (ids, _, summary) = read(&text).unwrap();
        assert_eq!(ids, ["x", "y"]);
        assert_eq!(summary.shape, InputShape::BatchGetResourceConfig);
        assert_eq!(summary.unprocessed_resource_keys, 1);
        assert_eq!(summary.next_token, None);
    }

    #[test]
    fn history_response_keeps_the_next_token() {
        let text = json!({"configurationItems": [api_item("h")], "nextToken": "tok"}).to_string();
        let (ids, _, summary) = read(&text).unwrap();
        assert_eq!(ids, ["h"]);
        assert_eq!(summary.shape, InputShape::ResourceConfigHistory);
        assert_eq!(summary.next_token.as_deref(), Some("tok"));
        let text = json!({"configurationItems": [], "NextToken": "cli"}).to_string();
        assert_eq!(read(&text).unwrap().2.next_token.as_deref(), Some("cli"));
        let text = json!({"nextToken": "", "configurationItems": []}).to_string();
        let (ids, _, summary) = read(&text).unwrap();
        assert!(ids.is_empty());
        assert_eq!(summary.next_token, None);
    }

    #[test]
    fn array_single_item_and_json_lines() {
        let (ids, _, summary) = read(&json!([item("a"), api_item("b")]).to_string()).unwrap();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(summary.shape, InputShape::ItemArray);

        let (ids, _, summary) = read(&format!("\n  {:#}  \n", item("one"))).unwrap();
        assert_eq!(ids, ["one"]);
        assert_eq!(summary.shape, InputShape::SingleItem);

        let lines = format!("{}\n{}\n\n{}\n", item("l1"), api_item("l2"), item("l3"));
        let (ids, _, summary) = read(&lines).unwrap();
        assert_eq!(ids, ["l1", "l2", "l3"]);
        assert_eq!((summary.shape, summary.values), (InputShape::JsonLines, 3));

        // Values need no newline between them, and a snapshot may follow an item.
        let mixed = format!(
            "{}{}",
            item("i"),
            json!({"configurationItems": [item("j")]})
        );
        let (ids, _, _) = read(&mixed).unwrap();
        assert_eq!(ids, ["i", "j"]);
    }

    #[test]
    fn empty_arrays_and_null_arrays_hold_no_items() {
        for text in [
            r#"{"fileVersion":"1.0","configurationItems":[]}"#,
            r#"{"configurationItems":null}"#,
            r#"{"baseConfigurationItems":[],"unprocessedResourceKeys":[]}"#,
            "[]",
        ] {
            let (ids, bad, summary) = read(text).unwrap();
            assert!(ids.is_empty() && bad.is_empty(), "{text}");
            assert_eq!(summary.items, 0);
        }
    }

    #[test]
    fn malformed_items_in_the_middle_are_reported_and_the_rest_kept() {
        let text = json!({"configurationItems": [
            item("first"),
            {"resourceType": "AWS::S3::Bucket", "configuration": {}},
            42,
            {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1", "tags": "oops"},
            item("last")
        ]})
        .to_string();
        let (ids, bad, summary) = read(&text).unwrap();
        assert_eq!(ids, ["first", "last"]);
        assert_eq!((summary.items, summary.unreadable), (2, 3));
        assert_eq!(bad[0].index, 1);
        assert_eq!(bad[0].error, ItemError::MissingField("resourceId"));
        assert_eq!(
            bad[0].to_string(),
            "item 2 (index 1, AWS::S3::Bucket): configuration item has no `resourceId`; every \
             item AWS Config delivers carries one"
        );
        assert_eq!(bad[1].index, 2);
        assert_eq!(bad[1].error, ItemError::NotAnObject("a number"));
        assert_eq!(
            bad[2].resource.as_deref(),
            Some("AWS::EC2::SecurityGroup sg-1")
        );
        assert!(bad[2].to_string().contains("`tags`"), "{}", bad[2]);
    }

    #[test]
    fn indexes_run_across_arrays_and_values() {
        let text = format!(
            "{}\n{}\n",
            json!([item("a"), 1]),
            json!({"configurationItems": [item("b"), "x"]})
        );
        let (_, bad, _) = read(&text).unwrap();
        assert_eq!(bad.iter().map(|b| b.index).collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn truncated_input_is_a_clear_error_after_the_items_before_it() {
        let full =
            json!({"fileVersion": "1.0", "configurationItems": [item("a"), item("b")]}).to_string();
        let cut = &full[..full.len() - 40];
        let mut seen = Vec::new();
        let err = read_items(cut.as_bytes(), |o| seen.push(o.unwrap().resource_id)).unwrap_err();
        assert_eq!(seen, ["a"]);
        assert!(
            matches!(err, SnapshotError::Truncated { line: 1, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn not_json_and_unknown_shapes_say_where_and_what() {
        let err =
            read("{\n  \"configurationItems\": [\n    {\"resourceType\": x}\n]}").unwrap_err();
        let SnapshotError::Syntax { line, column, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*line, *column), (3, 22));
        assert!(err.to_string().contains("line 3, column 22"), "{err}");
        assert!(err.to_string().contains("snapshot file"), "{err}");

        let err = read(r#"{"Items": [], "Count": 0}"#).unwrap_err();
        assert!(matches!(err, SnapshotError::Shape { .. }), "{err:?}");
        assert!(err.to_string().contains("its keys: Items, Count"), "{err}");
        assert!(
            read("{}")
                .unwrap_err()
                .to_string()
                .contains("empty JSON object")
        );
        let err = read("42").unwrap_err();
        assert!(matches!(err, SnapshotError::Shape { .. }), "{err:?}");
        let err = read(r#"{"configurationItems": "nope"}"#).unwrap_err();
        assert!(
            err.to_string().contains("array of configuration items"),
            "{err}"
        );
        let err = read("garbage {\"resourceType\": \"AWS::S3::Bucket\"}").unwrap_err();
        assert!(
            matches!(
                err,
                SnapshotError::Syntax {
                    line: 1,
                    column: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        // After a value, trailing garbage is a broken value of its own, reported with its place.
        let (ids, bad, _) =
            read("{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\"} garbage").unwrap();
        assert_eq!(ids, ["b"]);
        assert_eq!(bad[0].lines, Some(1..=1));
        assert!(
            bad[0].to_string().contains("line 1, column 56"),
            "{}",
            bad[0]
        );
    }

    #[test]
    fn a_broken_line_of_json_lines_is_reported_and_the_others_read() {
        let (a, b, c) = (item("a"), item("b"), item("c"));
        for (broken, expected_lines, expected_index) in [
            // Not JSON, on one line.
            ("not json at all", 2..=2, 1),
            // Cut in the middle of a string: the newline ends it.
            ("{\"resourceType\": \"AWS::S3::Buck", 2..=2, 1),
            // Cut after a value: the next line's `{` is where the parser notices, and is read again.
            ("{\"resourceType\": \"AWS::S3::Bucket\"", 2..=2, 1),
            // Cut inside an item array: the next line is read as its element (once), the one
            // after it again.
            ("{\"configurationItems\": [", 2..=3, 2),
            // JSON, but not an item.
            ("{}", 2..=2, 1),
            ("42", 2..=2, 1),
            // Garbage over several lines is one broken value.
            ("oops\n  more oops\n}", 2..=4, 1),
        ] {
            let text = format!("{a}\n{broken}\n{b}\n{c}\n");
            let (ids, bad, summary) = read(&text).unwrap();
            assert_eq!(ids, ["a", "b", "c"], "{broken}");
            assert_eq!(bad.len(), 1, "{broken}: {bad:?}");
            assert_eq!(bad[0].lines, Some(expected_lines.clone()), "{broken}");
            assert_eq!(bad[0].index, expected_index, "{broken}");
            assert_eq!((summary.items, summary.unreadable), (3, 1), "{broken}");
        }
        // The first line broken, and the last one truncated.
        let text = format!(
            "{{\"resourceType\": \"AWS::S3::Bucket\", oops\n{a}\n{b}\n{{\"resourceType\": \"AWS"
        );
        let (ids, bad, _) = read(&text).unwrap();
        assert_eq!(ids, ["a", "b"]);
        let lines: Vec<_> = bad.iter().map(|b| b.lines.clone().unwrap()).collect();
        assert_eq!(lines, [1..=1, 4..=4]);
        assert!(
            bad[0]
                .to_string()
                .starts_with("item 1 (index 0, line 1): configuration item is not valid JSON"),
            "{}",
            bad[0]
        );
        assert!(bad[1].to_string().contains("truncated"), "{}", bad[1]);
    }

    #[test]
    fn a_broken_single_document_still_stops_the_read() {
        // Pretty-printed: no later line starts a value, so nothing is read twice.
        let text = "{\n  \"configurationItems\": [\n    {\"resourceType\": x}\n  ]\n}\n";
        assert!(matches!(
            read(text),
            Err(SnapshotError::Syntax {
                line: 3,
                column: 22,
                ..
            })
        ));
    }

    /// Hands over at most `chunk` bytes a call, as a decompressor or a pipe may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.bytes.len().min(buf.len()).min(self.chunk);
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped_however_the_reader_splits_it() {
        let text = format!("\u{feff}{}\n{}", item("one"), item("two"));
        for chunk in 1..=4 {
            let mut ids = Vec::new();
            read_items(
                Trickle {
                    bytes: text.as_bytes(),
                    chunk,
                },
                |o| ids.push(o.unwrap().resource_id),
            )
            .unwrap();
            assert_eq!(ids, ["one", "two"], "chunks of {chunk}");
        }
        // A lone partial mark is not one.
        assert!(matches!(read("\u{feff}"), Err(SnapshotError::Empty)));
        assert!(read_items(&b"\xEF\xBB"[..], |_| {}).is_err());
    }

    #[test]
    fn empty_input_is_an_error_and_a_byte_order_mark_is_skipped() {
        assert!(matches!(read(""), Err(SnapshotError::Empty)));
        assert!(matches!(read(" \n\t "), Err(SnapshotError::Empty)));
        let with_bom = format!("\u{feff}{}", json!([item("bom")]));
        assert_eq!(read(&with_bom).unwrap().0, ["bom"]);
    }

    #[test]
    fn reader_errors_are_io_errors() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let err = read_items(Failing, |_| {}).unwrap_err();
        assert!(matches!(err, SnapshotError::Io(_)), "{err:?}");
        assert!(err.to_string().contains("disk on fire"));
    }

    /// Produces a snapshot file of `total` items on demand, one item per `read` call at most,
    /// recording how many items it has produced so far.
    struct LazySnapshot {
        total: u64,
        produced: Rc<Cell<u64>>,
        pending: Vec<u8>,
        offset: usize,
        finished: bool,
    }

    impl Read for LazySnapshot {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.offset == self.pending.len() {
                self.pending.clear();
                self.offset = 0;
                let n = self.produced.get();
                if n == 0 && !self.finished {
                    self.pending
                        .extend_from_slice(br#"{"fileVersion":"1.0","configurationItems":["#);
                }
                if n < self.total {
                    if n > 0 {
                        self.pending.push(b',');
                    }
                    // Small items keep the test quick in debug builds; the count is what matters.
                    let item = json!({"resourceType": "AWS::S3::Bucket", "resourceId": format!("bucket-{n}")});
                    serde_json::to_writer(&mut self.pending, &item)?;
                    self.produced.set(n + 1);
                } else if !self.finished {
                    self.pending
                        .extend_from_slice(br#"],"configSnapshotId":"lazy"}"#);
                    self.finished = true;
                } else {
                    return Ok(0);
                }
            }
            let n = buf.len().min(self.pending.len() - self.offset);
            buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
            self.offset += n;
            Ok(n)
        }
    }

    #[test]
    fn a_large_stream_is_processed_without_collecting() {
        const TOTAL: u64 = 100_000;
        let produced = Rc::new(Cell::new(0));
        let reader = LazySnapshot {
            total: TOTAL,
            produced: Rc::clone(&produced),
            pending: Vec::new(),
            offset: 0,
            finished: false,
        };
        let mut seen = 0u64;
        let mut max_ahead = 0u64;
        let summary = read_items(reader, |outcome| {
            let item = outcome.unwrap();
            assert_eq!(item.resource_id, format!("bucket-{seen}"));
            seen += 1;
            // Each item reaches the callback while the reader has produced only a buffer's worth
            // more: nothing is collected first.
            max_ahead = max_ahead.max(produced.get() - seen);
        })
        .unwrap();
        assert_eq!(seen, TOTAL);
        assert_eq!(summary.items, TOTAL);
        assert_eq!(summary.shape, InputShape::SnapshotFile);
        assert!(
            max_ahead < 100,
            "the reader ran {max_ahead} items ahead of the callback"
        );
    }

    #[test]
    fn elements_parsed_many_to_a_buffer_are_read_whole_and_errors_placed_in_the_input() {
        // Pretty-printed items (several lines each, some names not ASCII, so that characters
        // are cut at buffer ends) over several read buffers: most are parsed in place, many from
        // one buffer. Every item is read as written, and an element that is not JSON after them
        // is reported where serde_json places it reading the whole input.
        let name = |i: usize| format!("bücket-{i}-{}", "é€".repeat(i % 7));
        let items: Vec<String> = (0..3000)
            .map(|i| {
                let mut item = item(&format!("b{i}"));
                item["resourceName"] = json!(name(i));
                // Indented: a line starting with `{` would make a broken element the start of
                // JSON Lines to resume reading after.
                format!("  {}", serde_json::to_string_pretty(&item).unwrap()).replace('\n', "\n  ")
            })
            .collect();
        assert!(items.iter().map(String::len).sum::<usize>() > 4 * READ_BUFFER);
        let whole = format!("[\n{}\n]", items.join(",\n"));
        let mut names = Vec::new();
        let summary = read_items(whole.as_bytes(), |outcome| {
            names.push(outcome.unwrap().resource_name.unwrap());
        })
        .unwrap();
        assert_eq!(summary.items, 3000);
        assert_eq!(names, (0..3000).map(name).collect::<Vec<_>>());

        for (at, broken) in [(2000, "tru"), (2500, r#""bad \q escape""#), (2999, "01")] {
            let mut items = items.clone();
            items.insert(
                at,
                format!(r#"  {{"resourceType": "AWS::S3::Bucket", "resourceId": {broken}}}"#),
            );
            let text = format!("[\n{}\n]", items.join(",\n"));
            let expected = serde_json::from_str::<Value>(&text).unwrap_err();
            let mut seen = 0;
            let error = read_items(text.as_bytes(), |outcome| {
                outcome.unwrap();
                seen += 1;
            })
            .unwrap_err();
            assert_eq!(seen, at, "{broken}");
            let place = format!("line {}, column {}", expected.line(), expected.column());
            assert!(error.to_string().contains(&place), "{error} ({expected})");
        }
    }

    #[test]
    fn deep_elements_read_as_the_streaming_parser_reads_them() {
        // An element after an object is framed unless it is nested
        // deeper than MAX_FRAMED_DEPTH; after a number it is read by the streaming parser, whose
        // recursion limit counts from the top-level array. Either way the same elements are read
        // and the same inputs refused.
        let first = item("first").to_string();
        let mut outcomes = Vec::new();
        for depth in (96..=102).chain(122..=130) {
            let deep = format!(
                r#"{{"resourceType": "AWS::S3::Bucket", "resourceId": "deep", "configuration": {}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            let outcome = |text: String| match read(&text) {
                Ok((ids, _, _)) => Ok(ids.iter().any(|id| id == "deep")),
                Err(e) => Err(e.to_string().contains("recursion limit")),
            };
            let apart = outcome(format!("[{first}, {deep}]"));
            assert_eq!(
                apart,
                outcome(format!("[0, {deep}]")),
                "nested {depth} deep"
            );
            outcomes.push(apart);
        }
        // Both sides of the recursion limit were met.
        assert!(outcomes.contains(&Ok(true)) && outcomes.contains(&Err(true)));
    }

    /// `text` read by [`Build`] and by `Value`'s own `Deserialize`: the same result or both an
    /// error; the scratch stacks are empty after a success.
    fn build_as_serde_json_does(text: &str) {
        let expected = serde_json::from_str::<Value>(text);
        let mut scratch = Scratch::default();
        let mut de = serde_json::Deserializer::from_str(text);
        let built = Build(&mut scratch)
            .deserialize(&mut de)
            .and_then(|value| de.end().map(|()| value));
        match (built, expected) {
            (Ok(built), Ok(expected)) => {
                // Serialized, so that the order of object members counts (`Map`'s `==` ignores it).
                assert_eq!(
                    serde_json::to_string(&built).unwrap(),
                    serde_json::to_string(&expected).unwrap(),
                    "{text}"
                );
                assert!(scratch.entries.is_empty() && scratch.elements.is_empty());
            }
            (Err(_), Err(_)) => {}
            (built, expected) => panic!("{text}: built {built:?}, serde_json {expected:?}"),
        }
    }

    #[test]
    fn values_are_built_as_serde_json_builds_them() {
        for text in [
            r#"{"b": 1, "a": [1, -2, 3.5, 1e300, -0.0, 18446744073709551615, -9223372036854775808]}"#,
            r#"{"k": "first", "j": {}, "k": "last", "i": [[], [{}], {"k": [1, {"k": 2}]}]}"#,
            r#"["\u00e9\n\"", "", true, false, null, {"": null}]"#,
            "[]",
            "{}",
            "0",
            r#""text""#,
            "[1e400]",
            r#"{"a": [1, 2}"#,
            r#"{"a": 1,}"#,
        ] {
            build_as_serde_json_does(text);
        }
        // A failed element leaves members on the stacks; the next item starts from empty ones.
        let mut scratch = Scratch::default();
        let mut de = serde_json::Deserializer::from_str(r#"{"configuration": {"a": [1, {"b": ]}}"#);
        assert!(KnownSeed(&mut scratch).deserialize(&mut de).is_err());
        assert!(!scratch.entries.is_empty() || !scratch.elements.is_empty());
        let text = r#"{"resourceType": "AWS::S3::Bucket", "configuration": {"a": [1]}}"#;
        let mut de = serde_json::Deserializer::from_str(text);
        let fields = KnownSeed(&mut scratch).deserialize(&mut de).unwrap();
        assert_eq!(fields.get("configuration"), Some(&json!({"a": [1]})));
        assert!(scratch.entries.is_empty() && scratch.elements.is_empty());
    }

    /// JSON text: scalars of every kind, arrays, and objects whose keys come from a small
    /// alphabet, so that they repeat (which a `Value` cannot hold, hence text).
    fn any_json() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just("null".to_owned()),
            any::<bool>().prop_map(|b| b.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| Value::from(n).to_string()),
            "[a-c\\\\\"\u{e9}\n]{0,4}".prop_map(|s| Value::from(s).to_string()),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6)
                    .prop_map(|elements| format!("[{}]", elements.join(", "))),
                proptest::collection::vec(("[a-c]{0,2}", inner), 0..6).prop_map(|members| {
                    let members: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("{}: {v}", Value::from(k.as_str())))
                        .collect();
                    format!("{{{}}}", members.join(", "))
                }),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_json_is_built_as_serde_json_builds_it(text in any_json()) {
            build_as_serde_json_does(&text);
        }
    }
}
