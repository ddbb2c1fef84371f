//! Reading import files within bounds: a row, a field and the number of
//! columns have limits, so that memory stays bounded whatever the input (a
//! file with no line ends, /dev/zero, a quote mark never closed), and a
//! JSON array is read one item at a time rather than whole.

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::rc::Rc;

use crate::model::grouped;

/// The most bytes one row (a CSV record, a JSON line or array item) may have.
pub const MAX_ROW: u64 = 8 << 20;

/// The most bytes one field may hold.
pub const MAX_FIELD: usize = 4 << 20;

/// The most columns (CSV columns, or distinct JSON keys) a file may have.
pub const MAX_COLUMNS: usize = 10_000;

/// The most bytes of rejected rows an import keeps for its rejects file.
pub const MAX_REJECTED: usize = 32 << 20;

/// The error of an import whose rejected rows outgrow `MAX_REJECTED`.
pub fn too_many_rejected(file_name: &str, line: u64) -> anyhow::Error {
    crate::error::UserError::Usage(format!(
        "{file_name}: by line {line}, more than {} bytes of rows were rejected (32 MiB, kept for the rejects file): is this the file, and --into, you meant? Nothing was imported; fix the file, or import it in parts",
        grouped(MAX_REJECTED as f64)
    ))
    .into()
}

/// How many names a message lists before it counts the rest.
const LISTED: usize = 20;

/// Names for a message: at most 20, each cut to 60 characters, then how
/// many more there are.
pub fn listed(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(LISTED)
        .map(|n| crate::output::shorten(n, 60))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", grouped((names.len() - LISTED) as f64)));
    }
    text
}

/// Why a row was refused before its values were read: a field too long.
pub fn field_too_long(bytes: usize) -> String {
    format!(
        "the value is {} bytes; a field holds at most {} bytes (4 MiB)",
        grouped(bytes as f64),
        grouped(MAX_FIELD as f64)
    )
}

/// A value as a rejects file keeps it: whole, or its start when it is too
/// long to be a field (the row's line says where the rest is).
pub fn kept(value: String) -> String {
    if value.len() <= MAX_FIELD {
        value
    } else {
        format!("{} ({} bytes)", crate::output::shorten(&value, 1000), grouped(value.len() as f64))
    }
}

/// The error of a row longer than `MAX_ROW`.
#[derive(Debug)]
pub struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a row longer than {} bytes (8 MiB): the file is not in the format given, a quote mark is never closed, or the line ends are missing",
            grouped(MAX_ROW as f64)
        )
    }
}

impl std::error::Error for RowTooLong {}

/// True when an I/O error is a `RowTooLong`.
pub fn is_row_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RowTooLong>())
}

/// Counts the bytes read since the last row began.
#[derive(Debug, Clone, Default)]
pub struct RowMeter(Rc<Cell<u64>>);

impl RowMeter {
    /// A new row begins.
    pub fn reset(&self) {
        self.0.set(0);
    }
}

/// A reader that fails with `RowTooLong` once more than `MAX_ROW` bytes
/// are read without the meter being reset: a CSV reader's buffer then never
/// grows past that.
pub struct Bounded<R> {
    inner: R,
    meter: RowMeter,
}

impl<R: Read> Bounded<R> {
    pub fn new(inner: R, meter: RowMeter) -> Self {
        Bounded { inner, meter }
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.meter.0.get() + n as u64;
        self.meter.0.set(total);
        if total > MAX_ROW {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, RowTooLong));
        }
        Ok(n)
    }
}

/// Reads one line of at most `MAX_ROW` bytes into `line` (which it
/// clears). Returns the bytes read (0 at the end of the file), or
/// `RowTooLong` for a longer line.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<usize> {
    line.clear();
    let n = reader.take(MAX_ROW + 1).read_until(b'\n', line)?;
    if n as u64 > MAX_ROW && line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, RowTooLong));
    }
    Ok(n)
}

/// One item of a JSON array: the line it begins on, how many bytes of the
/// file have been read when it ends, and its text.
pub struct Item {
    pub line: u64,
    pub bytes: u64,
    pub text: Vec<u8>,
}

/// What is wrong with a JSON file as a whole, with the line.
#[derive(Debug)]
pub enum ArrayError {
    Io(std::io::Error),
    /// The file does not begin with `[`.
    NotArray,
    /// The file ends inside the array; the line where the open item began.
    Truncated(u64),
    /// One item is longer than `MAX_ROW`; the line where it began.
    TooLong(u64),
    /// Something else that is not JSON: the line and what.
    Syntax(u64, &'static str),
}

impl From<std::io::Error> for ArrayError {
    fn from(e: std::io::Error) -> Self {
        ArrayError::Io(e)
    }
}

/// Reads the items of one JSON array from a stream, one at a time, holding
/// only the item being read: the array's commas and brackets are found by
/// following strings and nesting; each item is parsed on its own.
pub struct JsonArray<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    line: u64,
    bytes: u64,
    started: bool,
    done: bool,
}

impl<R: Read> JsonArray<R> {
    pub fn new(reader: R) -> Self {
        JsonArray {
            reader,
            buf: vec![0; 64 * 1024],
            pos: 0,
            len: 0,
            line: 1,
            bytes: 0,
            started: false,
            done: false,
        }
    }

    pub fn into_inner(self) -> R {
        self.reader
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        while self.pos == self.len {
            match self.reader.read(&mut self.buf) {
                Ok(0) => return Ok(None),
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn take(&mut self) -> std::io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.pos += 1;
            self.bytes += 1;
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    /// Skips white space; returns the next byte without taking it.
    fn skip_space(&mut self) -> std::io::Result<Option<u8>> {
        while let Some(b) = self.peek()? {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Ok(Some(b));
            }
            self.take()?;
        }
        Ok(None)
    }

    /// The next item, or None after the closing `]`.
    pub fn next_item(&mut self) -> Result<Option<Item>, ArrayError> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            // A byte-order mark may come first.
            if self.peek()? == Some(0xEF) {
                for expected in [0xEF, 0xBB, 0xBF] {
                    if self.take()? != Some(expected) {
                        return Err(ArrayError::NotArray);
                    }
                }
            }
            if self.skip_space()? != Some(b'[') {
                return Err(ArrayError::NotArray);
            }
            self.take()?;
            if self.skip_space()? == Some(b']') {
                self.take()?;
                return self.end().map(|()| None);
            }
        }
        let first = self.skip_space()?;
        let line = self.line;
        match first {
            None => return Err(ArrayError::Truncated(line)),
            Some(b',' | b']') => {
                return Err(ArrayError::Syntax(
                    line,
                    "an item is missing: two commas in a row, or a comma before ]",
                ));
            }
            Some(_) => {}
        }
        let (mut text, mut depth, mut in_string, mut escaped) = (Vec::new(), 0u32, false, false);
        let closed = loop {
            let Some(b) = self.take()? else {
                return Err(ArrayError::Truncated(line));
            };
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b']' => break true,
                    b',' if depth == 0 => break false,
                    _ => {}
                }
            }
            text.push(b);
            if text.len() as u64 > MAX_ROW {
                return Err(ArrayError::TooLong(line));
            }
        };
        while text.last().is_some_and(|b| b.is_ascii_whitespace()) {
            text.pop();
        }
        if closed {
            self.end()?;
        }
        Ok(Some(Item {
            line,
            bytes: self.bytes,
            text,
        }))
    }

    /// After the closing `]`: nothing but white space may follow.
    fn end(&mut self) -> Result<(), ArrayError> {
        self.done = true;
        match self.skip_space()? {
            None => Ok(()),
            Some(_) => Err(ArrayError::Syntax(self.line, "text follows the array's closing ]")),
        }
    }

    /// Bytes of the file read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Result<Vec<(u64, String)>, String> {
        let mut array = JsonArray::new(text.as_bytes());
        let mut out = Vec::new();
        loop {
            match array.next_item() {
                Ok(Some(item)) => out.push((item.line, String::from_utf8(item.text).unwrap())),
                Ok(None) => return Ok(out),
                Err(e) => return Err(format!("{e:?}")),
            }
        }
    }

    #[test]
    fn a_json_array_is_read_item_by_item() {
        assert_eq!(items("[]").unwrap(), []);
        assert_eq!(items("\u{feff} [ ] \n").unwrap(), []);
        assert_eq!(
            items("[\n {\"a\": \"x,]\\\"\"},\n {\"b\": [1, {\"c\": 2}]}\n]\n").unwrap(),
            [(2, "{\"a\": \"x,]\\\"\"}".to_string()), (3, "{\"b\": [1, {\"c\": 2}]}".to_string())]
        );
        assert_eq!(items("[1,2]").unwrap(), [(1, "1".to_string()), (1, "2".to_string())]);
    }

    #[test]
    fn a_broken_array_is_an_error_with_its_line() {
        assert_eq!(items("{\"a\": 1}").unwrap_err(), "NotArray");
        assert_eq!(items("[\n{\"a\": 1},\n{\"b\": ").unwrap_err(), "Truncated(3)");
        assert_eq!(items("[{\"a\": 1}").unwrap_err(), "Truncated(1)");
        assert!(items("[1,,2]").unwrap_err().starts_with("Syntax(1"));
        assert!(items("[1] x").unwrap_err().starts_with("Syntax(1"));
    }

    #[test]
    fn listed_names_are_counted_past_twenty() {
        let names: Vec<String> = (1..=25).map(|n| n.to_string()).collect();
        assert!(listed(&names).ends_with("19, 20 and 5 more"));
    }
}
