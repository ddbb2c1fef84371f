//! The one way out for every row: table, CSV, TSV, JSON or JSON lines.
//! Commands produce typed rows; only this module knows how they are written.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use comfy_table::{Attribute, Cell as TableCell, Color, ContentArrangement, Table, presets};

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table that fits the terminal (the default).
    Table,
    /// Comma-separated values, with a header row.
    Csv,
    /// Tab-separated values, with a header row.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// The output flags every listing takes.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// In CSV and TSV, write cells exactly as stored, even those a spreadsheet
    /// would run as a formula (by default such cells get a leading ').
    #[arg(long)]
    pub raw_cells: bool,
}

/// One value in a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    /// The text form: empty for null, the plain number for numbers.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Real(n) => crate::model::plain_number(*n),
            Cell::Text(s) => s.clone(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(n) => (*n).into(),
            Cell::Real(n) if n.fract() == 0.0 && n.abs() < 9e15 => (*n as i64).into(),
            Cell::Real(n) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into),
            Cell::Text(s) => s.clone().into(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Cell::Null, Cell::Text)
    }
}
impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Self {
        n.map_or(Cell::Null, Cell::Real)
    }
}
impl From<Option<i64>> for Cell {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Cell::Null, Cell::Int)
    }
}

/// A column: its name in CSV headers and JSON keys, and whether the table
/// view shows it (tables leave out long or machine-only columns such as UUIDs).
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub in_table: bool,
}

/// Columns from names; a leading `-` hides the column in table view.
pub fn columns(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|n| match n.strip_prefix('-') {
            Some(name) => Column {
                name: name.to_string(),
                in_table: false,
            },
            None => Column {
                name: n.to_string(),
                in_table: true,
            },
        })
        .collect()
}

/// Receives rows one at a time, so that large listings stream.
pub trait Sink {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Where stdout goes, for the table view's width and colour.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub width: Option<u16>,
    pub colour: bool,
}

impl Terminal {
    /// Reads the terminal: colour only on a terminal and never with NO_COLOR;
    /// the width from the terminal, else from COLUMNS.
    pub fn detect() -> Terminal {
        let tty = std::io::stdout().is_terminal();
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w >= 20);
        Terminal {
            width: columns,
            colour: tty && !no_colour,
        }
    }
}

/// Builds the sink for a format.
pub fn sink<'a>(args: &OutputArgs, columns: Vec<Column>, out: Box<dyn Write + 'a>) -> Result<Box<dyn Sink + 'a>> {
    Ok(match args.format {
        Format::Table => Box::new(TableSink {
            columns,
            rows: Vec::new(),
            out,
            terminal: Terminal::detect(),
        }),
        Format::Csv | Format::Tsv => {
            let delimiter = if args.format == Format::Csv { b',' } else { b'\t' };
            let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(out);
            writer.write_record(columns.iter().map(|c| c.name.as_str()))?;
            Box::new(CsvSink {
                writer,
                escape: !args.raw_cells,
            })
        }
        Format::Json => Box::new(JsonSink {
            columns,
            out,
            first: true,
            lines: false,
        }),
        Format::Jsonl => Box::new(JsonSink {
            columns,
            out,
            first: true,
            lines: true,
        }),
    })
}

/// Where a listing's rows go: makes the sink once the columns are known, so
/// that `list` and `report` share one query per record and differ only here.
pub type To<'a> = Box<dyn FnOnce(Vec<Column>) -> Result<Box<dyn Sink + 'a>> + 'a>;

/// Rows to stdout, in the format the flags ask for.
pub fn to_stdout(args: &OutputArgs) -> To<'static> {
    let args = args.clone();
    Box::new(move |columns| sink(&args, columns, Box::new(std::io::BufWriter::new(std::io::stdout().lock()))))
}

/// Writes all rows at once to stdout.
pub fn print(args: &OutputArgs, columns: Vec<Column>, rows: impl IntoIterator<Item = Vec<Cell>>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut sink = sink(args, columns, Box::new(std::io::BufWriter::new(stdout.lock())))?;
    for row in rows {
        sink.row(row)?;
    }
    sink.finish()
}

struct TableSink<'a> {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    out: Box<dyn Write + 'a>,
    terminal: Terminal,
}

impl Sink for TableSink<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        self.rows.push(cells);
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let shown: Vec<usize> = (0..self.columns.len()).filter(|i| self.columns[*i].in_table).collect();
        let table = render_table(
            &shown.iter().map(|i| self.columns[*i].name.as_str()).collect::<Vec<_>>(),
            self.rows
                .iter()
                .map(|row| shown.iter().map(|i| row.get(*i).map(Cell::text).unwrap_or_default()).collect()),
            self.terminal,
        );
        if self.rows.is_empty() {
            // Nothing to show: say so on stderr and keep stdout empty.
            say_line("no rows");
        } else {
            writeln!(self.out, "{table}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Draws a table of text that fits the terminal, wrapping long cells. Every
/// cell is made inert first: no control character reaches the terminal.
pub fn render_table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>, terminal: Terminal) -> Table {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut table = Table::new();
    // Lines between rows only where a row spans several lines.
    let multi_line = rows.iter().flatten().any(|cell| cell.contains('\n'));
    table
        .load_style(if multi_line {
            presets::UTF8_FULL
        } else {
            presets::UTF8_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !terminal.colour {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    if let Some(width) = terminal.width {
        table.set_width(width);
    } else if !std::io::stdout().is_terminal() {
        table.set_width(120);
    }
    table.set_header(headers.iter().map(|h| {
        let cell = TableCell::new(h);
        if terminal.colour {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    let status_column = headers.iter().position(|h| *h == "status" || *h == "verdict");
    for row in rows {
        table.add_row(row.into_iter().enumerate().map(|(i, text)| {
            let colour = if terminal.colour && Some(i) == status_column {
                status_colour(&text)
            } else {
                None
            };
            let cell = TableCell::new(inert(&text));
            match colour {
                Some(c) => cell.fg(c),
                None => cell,
            }
        }));
    }
    table
}

fn status_colour(status: &str) -> Option<Color> {
    match status {
        "supported" => Some(Color::Green),
        "refuted" => Some(Color::Red),
        "misleading" => Some(Color::Magenta),
        "disputed" => Some(Color::Yellow),
        "in-review" => Some(Color::Cyan),
        _ => None,
    }
}

/// Cuts text to at most `max` characters, marking the cut with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max.saturating_sub(1)).collect::<String>().trim_end())
    }
}

/// Writes one message on stderr: `say!("imported {name}")`. Every message
/// goes through `inert`, as table cells do, so that a file name or value
/// echoed in it cannot drive the terminal. A closed stderr is not an error.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say_line(&format!($($arg)*))
    };
}

/// The line `say!` writes.
pub fn say_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", inert(text));
}

/// Shows control characters, terminal escape sequences and text-direction
/// overrides as visible escapes (`\x1b`, `\u{202e}`), so that a crafted field
/// cannot clear the screen, recolour or hide text. Newlines stay.
pub fn inert(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_dangerous(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Makes a text cell safe to open in a spreadsheet (OWASP CSV injection):
/// a cell that begins with = + - @, a tab or a carriage return gets a leading
/// apostrophe. A cell that already begins with apostrophes before such a
/// character gets one more, so that `unescape_formula` undoes it exactly.
pub fn escape_formula(text: &str) -> std::borrow::Cow<'_, str> {
    let rest = text.trim_start_matches('\'');
    if rest.starts_with(FORMULA_START) && (rest.len() < text.len() || text.starts_with(FORMULA_START)) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Undoes `escape_formula`.
pub fn unescape_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_START) => rest,
        _ => text,
    }
}

struct CsvSink<'a> {
    writer: csv::Writer<Box<dyn Write + 'a>>,
    escape: bool,
}

impl Sink for CsvSink<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        for cell in &cells {
            match cell {
                Cell::Text(s) if self.escape => self.writer.write_field(escape_formula(s).as_bytes())?,
                other => self.writer.write_field(other.text())?,
            }
        }
        self.writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

struct JsonSink<'a> {
    columns: Vec<Column>,
    out: Box<dyn Write + 'a>,
    first: bool,
    lines: bool,
}

impl Sink for JsonSink<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        if !self.lines {
            self.out.write_all(if self.first { b"[\n" } else { b",\n" })?;
        }
        self.first = false;
        self.out.write_all(b"{")?;
        for (i, (column, cell)) in self.columns.iter().zip(&cells).enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, &column.name)?;
            self.out.write_all(b":")?;
            serde_json::to_writer(&mut self.out, &cell.json())?;
        }
        self.out.write_all(b"}")?;
        if self.lines {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        if !self.lines {
            self.out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_escaping_round_trips() {
        for text in [
            "=1+1", "+7", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''+x", "'plain", "plain", "", "'", "a=b",
        ] {
            let escaped = escape_formula(text);
            assert!(!escaped.starts_with(FORMULA_START), "{text:?} -> {escaped:?}");
            assert_eq!(unescape_formula(&escaped), text, "{text:?}");
        }
        assert_eq!(escape_formula("=1+1"), "'=1+1");
        assert_eq!(escape_formula("plain"), "plain");
    }

    #[test]
    fn inert_shows_escapes_and_keeps_text() {
        assert_eq!(inert("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(inert("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(inert("Россия 中国\nline"), "Россия 中国\nline");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text weighted towards what spreadsheets and terminals treat specially.
    fn text() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '=', '+', '-', '@', '\'', '\t', '\r', '\n', '\u{1b}', '\u{7}', '\u{202e}', '\u{2066}', 'a',
        ]);
        prop::collection::vec(prop_oneof![special, any::<char>()], 0..16).prop_map(String::from_iter)
    }

    proptest! {
        #[test]
        fn formula_escaping_is_safe_and_undone_exactly(text in text()) {
            let escaped = escape_formula(&text);
            prop_assert!(!escaped.starts_with(FORMULA_START), "{:?} -> {:?}", text, escaped);
            prop_assert_eq!(unescape_formula(&escaped), text.as_str());
        }

        #[test]
        fn inert_text_holds_no_control_character_and_keeps_safe_text(text in text()) {
            let shown = inert(&text);
            prop_assert!(!shown.chars().any(is_dangerous), "{:?} -> {:?}", text, shown);
            if !text.chars().any(is_dangerous) {
                prop_assert_eq!(shown, text);
            }
        }
    }
}
