//! The one way out for every row: table, CSV, TSV, JSON or JSON lines.
//! Commands produce typed rows; only this module knows how they are written.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use comfy_table::{
    Attribute, Cell as TableCell, Color, ColumnConstraint, ContentArrangement, ContentLineStyle, Table, TableStyle, Width, presets,
};

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
    /// In a table, show one block per record (field │ value), as psql's
    /// expanded mode does; tables too wide for the terminal are shown so anyway.
    #[arg(long, short = 'x')]
    pub expanded: bool,
}

impl OutputArgs {
    /// Whether `--expanded` asked for one block per record.
    pub fn expanded(&self) -> bool {
        self.expanded
    }
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

    pub fn json(&self) -> serde_json::Value {
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
    /// The width to fit, in columns.
    pub width: u16,
    pub colour: bool,
    /// One block per record, whatever the width.
    pub expanded: bool,
}

impl Terminal {
    /// Reads the terminal: colour only on a terminal and never with NO_COLOR;
    /// the width from the terminal, else from COLUMNS, else 120. Output that
    /// goes through the pager is laid out for the terminal behind it.
    pub fn detect() -> Terminal {
        if let Some(terminal) = crate::pager::terminal() {
            return terminal;
        }
        let tty = std::io::stdout().is_terminal();
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let columns = || {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<u16>().ok())
                .filter(|w| *w >= 20)
        };
        // comfy-table asks the terminal (through crossterm) when stdout is one.
        let terminal = || if tty { Table::new().width().filter(|w| *w >= 20) } else { None };
        Terminal {
            width: terminal().or_else(columns).unwrap_or(120),
            colour: tty && !no_colour,
            expanded: false,
        }
    }
}

/// Builds the sink for a format.
pub fn sink<'a>(args: &OutputArgs, columns: Vec<Column>, out: Box<dyn Write + 'a>) -> Result<Box<dyn Sink + 'a>> {
    Ok(match args.format {
        Format::Table => {
            let shown: Vec<usize> = (0..columns.len()).filter(|i| columns[*i].in_table).collect();
            let headers = shown.iter().map(|i| columns[*i].name.clone()).collect();
            let terminal = Terminal {
                expanded: args.expanded(),
                ..Terminal::detect()
            };
            Box::new(TableSink {
                shown,
                chunk: Vec::new(),
                writer: TableWriter::new(headers, terminal),
                out,
            })
        }
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
    /// The columns the table shows, by position in a row.
    shown: Vec<usize>,
    /// Rows not yet written.
    chunk: Vec<Vec<String>>,
    writer: TableWriter,
    out: Box<dyn Write + 'a>,
}

impl Sink for TableSink<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        self.chunk.push(
            self.shown
                .iter()
                .map(|i| inert(&cells.get(*i).map(Cell::text).unwrap_or_default()))
                .collect(),
        );
        if self.chunk.len() == CHUNK {
            self.writer.chunk(&self.chunk, &mut self.out)?;
            self.chunk.clear();
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.writer.chunk(&self.chunk, &mut self.out)?;
        if self.writer.records == 0 {
            // Nothing to show: say so on stderr and keep stdout empty.
            say_line("no rows");
        }
        self.writer.finish(&mut self.out)?;
        self.out.flush()?;
        Ok(())
    }
}

/// Draws a table of text that fits the terminal (see `TableWriter`). Every
/// cell is made inert first: no control character reaches the terminal.
pub fn render_table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>, terminal: Terminal) -> String {
    let mut writer = TableWriter::new(headers.iter().map(|h| h.to_string()).collect(), terminal);
    let rows: Vec<Vec<String>> = rows.map(|row| row.iter().map(|cell| inert(cell)).collect()).collect();
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = writer.chunk(&rows, &mut out).and_then(|()| writer.finish(&mut out));
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.truncate(text.trim_end_matches('\n').len());
    text
}

// ---------------------------------------------------------------- table layout
//
// A column is sized to its content, and only free text wraps:
// - A column whose name says it holds prose (`FREE_TEXT`: text, title, quote,
//   notes, url...) wraps at spaces. It is never narrower than `FREE_MIN`
//   (narrower prose reads worse than the expanded form), and it keeps every
//   word of up to `WORD_CAP` characters whole; only a longer one, in practice
//   a web address, is cut at the column's edge.
// - Any other column holds handles, slugs, codes, dates, grades, stances,
//   statuses, UUIDs and numbers: tokens, which are never broken. Such a column
//   is at least as wide as its longest word, so a cell without whitespace
//   shows whole on one line; a cell with spaces ("C3 vostok-troops",
//   "300,000 troops") may wrap between its words, never inside one.
// The name decides for the columns listings have; the content decides for
// the rest, so a column of tokens the list does not know stays whole too.
// When the words that must stay whole do not fit side by side, the table
// becomes one block per record (psql's expanded mode), where only values wrap.

/// Column names (or words of them: `copy_url`, `quote or summary`) that hold
/// prose.
const FREE_TEXT: &[&str] = &[
    "text",
    "title",
    "quote",
    "summary",
    "excerpt",
    "notes",
    "reason",
    "name",
    "publisher",
    "url",
    "speaker",
    "appeared",
    "unit",
    "locator",
    "value",
    "snippet",
    "change",
    "words",
    "figures",
];

/// The narrowest a prose column gets: under about twenty characters a line
/// holds two or three words and a record reads better as a block.
const FREE_MIN: usize = 20;

/// Words of prose up to this long are never cut.
const WORD_CAP: usize = 30;

/// Rows a table measures before it writes any, as psql's FETCH_COUNT: memory
/// stays bounded at any number of rows, and the widths fit what comes first.
const CHUNK: usize = 1000;

fn is_free_text(header: &str) -> bool {
    header
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| FREE_TEXT.contains(&word.to_ascii_lowercase().as_str()))
}

/// How wide a column would be with nothing wrapped, and the least it may be.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measure {
    want: usize,
    floor: usize,
}

/// Measures columns: display widths as the rendering counts them (comfy-table
/// measures with unicode-width), of whole lines and of each cell's longest word.
fn measure(headers: &[String], rows: &[Vec<String>]) -> Vec<Measure> {
    fn longest_word(text: &str) -> &str {
        text.split_whitespace().max_by_key(|w| w.chars().count()).unwrap_or("")
    }
    let mut whole = Table::new();
    let mut words = Table::new();
    let mut heading = Table::new();
    whole.add_row(headers.to_vec());
    heading.add_row(headers.iter().map(|h| longest_word(h)).collect::<Vec<_>>());
    for row in rows {
        whole.add_row(row.clone());
        words.add_row(row.iter().map(|c| longest_word(c)).collect::<Vec<_>>());
    }
    let want = whole.column_max_content_widths();
    let word = words.column_max_content_widths();
    let heading = heading.column_max_content_widths();
    headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let want = usize::from(want[i]);
            let word = usize::from(word.get(i).copied().unwrap_or(1));
            let heading = usize::from(heading[i]);
            let floor = if is_free_text(header) {
                want.min(FREE_MIN.max(word.min(WORD_CAP))).max(heading)
            } else {
                word.max(heading)
            };
            Measure { want, floor }
        })
        .collect()
}

/// How a part of a listing is drawn.
#[derive(Debug, Clone, PartialEq)]
enum Layout {
    /// Columns of these content widths; `ruled` puts a line between rows.
    Table { widths: Vec<usize>, ruled: bool },
    /// One block per record.
    Expanded,
}

/// The width a table's borders and padding take: `│ a ┆ b │`.
fn frame(columns: usize) -> usize {
    3 * columns + 1
}

/// Widths for these rows: every column at its floor, then the room left
/// shared out evenly among the columns that want more, each up to what it
/// wants (so short columns are never padded to the terminal's width).
fn layout(headers: &[String], rows: &[Vec<String>], terminal: Terminal) -> Layout {
    if terminal.expanded || headers.is_empty() {
        return Layout::Expanded;
    }
    let measures = measure(headers, rows);
    let room = usize::from(terminal.width).saturating_sub(frame(headers.len()));
    let mut widths: Vec<usize> = measures.iter().map(|m| m.floor).collect();
    let Some(mut spare) = room.checked_sub(widths.iter().sum()) else {
        return Layout::Expanded;
    };
    loop {
        let open: Vec<usize> = (0..widths.len()).filter(|i| widths[*i] < measures[*i].want).collect();
        if open.is_empty() || spare == 0 {
            break;
        }
        let share = (spare / open.len()).max(1);
        for i in open {
            let add = share.min(measures[i].want - widths[i]).min(spare);
            widths[i] += add;
            spare -= add;
        }
    }
    // A row that wraps is told from the next by its first column, the
    // handle; rows whose cells hold lines of their own need the rule.
    let ruled = rows.iter().flatten().any(|cell| cell.contains('\n'));
    Layout::Table { widths, ruled }
}

/// Writes a listing chunk by chunk. The first chunk sets the widths; a later
/// chunk goes on in them when its words that must stay whole fit. When one
/// does not, the table is closed and a new one begins under a repeated header,
/// with widths measured on that chunk: widening in place would misalign the
/// rows already written, and cutting the word is what this layout exists to
/// avoid. Once records are written as blocks, the rest are too, so that their
/// numbering runs on.
struct TableWriter {
    headers: Vec<String>,
    terminal: Terminal,
    layout: Option<Layout>,
    /// Records written so far.
    records: usize,
    /// The bottom border of the table being written, to close it with.
    bottom: Option<String>,
}

impl TableWriter {
    fn new(headers: Vec<String>, terminal: Terminal) -> TableWriter {
        TableWriter {
            headers,
            terminal,
            layout: None,
            records: 0,
            bottom: None,
        }
    }

    fn chunk(&mut self, rows: &[Vec<String>], out: &mut dyn Write) -> std::io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let goes_on = match &self.layout {
            None => false,
            Some(Layout::Expanded) => true,
            Some(Layout::Table { widths, .. }) => measure(&self.headers, rows).iter().zip(widths).all(|(m, w)| m.floor <= *w),
        };
        if !goes_on {
            self.finish(out)?;
            self.layout = Some(layout(&self.headers, rows, self.terminal));
        }
        match self.layout.clone() {
            Some(Layout::Table { widths, ruled }) => {
                let mut lines = table_lines(&self.headers, !goes_on, rows, &widths, ruled, self.terminal);
                self.bottom = lines.pop();
                if goes_on {
                    // Instead of the top border of a table without a header:
                    // nothing, or the line between rows of a ruled table.
                    if ruled {
                        lines[0] = horizontal(&widths, ['├', '╌', '┼', '┤']);
                    } else {
                        lines.remove(0);
                    }
                }
                write_lines(out, &lines)?;
                self.records += rows.len();
            }
            _ => {
                for row in rows {
                    self.records += 1;
                    write_lines(out, &record_lines(&self.headers, row, self.records, self.terminal))?;
                }
            }
        }
        Ok(())
    }

    /// Closes the table being written, if any.
    fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self.bottom.take() {
            Some(bottom) => writeln!(out, "{bottom}"),
            None => Ok(()),
        }
    }
}

fn write_lines(out: &mut dyn Write, lines: &[String]) -> std::io::Result<()> {
    for line in lines {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A border line of a table of these content widths.
fn horizontal(widths: &[usize], [left, fill, junction, right]: [char; 4]) -> String {
    let mut line = String::from(left);
    for (i, width) in widths.iter().enumerate() {
        if i > 0 {
            line.push(junction);
        }
        line.extend(std::iter::repeat_n(fill, width + 2));
    }
    line.push(right);
    line
}

fn new_table(terminal: Terminal) -> Table {
    let mut table = Table::new();
    // The widths are set column by column; comfy-table only wraps within them.
    table.set_content_arrangement(ContentArrangement::Disabled);
    if terminal.colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn header_cell(text: &str, terminal: Terminal) -> TableCell {
    let cell = TableCell::new(text);
    if terminal.colour {
        cell.add_attribute(Attribute::Bold)
    } else {
        cell
    }
}

fn body_cell(header: &str, text: &str, terminal: Terminal) -> TableCell {
    let cell = TableCell::new(text);
    match (header, terminal.colour) {
        ("status" | "verdict", true) => match status_colour(text) {
            Some(colour) => cell.fg(colour),
            None => cell,
        },
        _ => cell,
    }
}

/// A word too long for its column, cut after a `-`, `/`, `_`, `.`, `?` or
/// `&` where it has one (slugs and web addresses read on), else at the edge.
/// Only ASCII words are cut here, where characters are columns; comfy-table
/// cuts any other at the edge.
fn break_long_words(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    let long = |word: &str| word.is_ascii() && word.len() > width;
    if width == 0 || !text.split_whitespace().any(long) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if !long(word) {
                out.push_str(word);
                continue;
            }
            let mut rest = word;
            while rest.len() > width {
                let cut = rest[..width].rfind(['-', '/', '_', '.', '?', '&']).map_or(width, |at| at + 1);
                out.push_str(&rest[..cut]);
                out.push('\n');
                rest = &rest[cut..];
            }
            out.push_str(rest);
        }
    }
    out.into()
}

/// The lines of a table in these widths: borders, the header if asked for,
/// and the rows.
fn table_lines(
    headers: &[String],
    with_header: bool,
    rows: &[Vec<String>],
    widths: &[usize],
    ruled: bool,
    terminal: Terminal,
) -> Vec<String> {
    let mut table = new_table(terminal);
    table.load_style(if ruled { presets::UTF8_FULL } else { presets::UTF8_FULL_CONDENSED });
    if with_header {
        table.set_header(headers.iter().map(|h| header_cell(h, terminal)));
    }
    for row in rows {
        table.add_row(
            headers
                .iter()
                .zip(row)
                .zip(widths)
                .map(|((h, text), w)| body_cell(h, &break_long_words(text, *w), terminal)),
        );
    }
    table.set_constraints(widths.iter().map(|w| fixed(w + 2)));
    table.lines().collect()
}

fn fixed(width: usize) -> ColumnConstraint {
    ColumnConstraint::Absolute(Width::Fixed(u16::try_from(width).unwrap_or(u16::MAX)))
}

/// One record as a block, as psql's expanded mode draws it:
///
/// ```text
/// ─[ RECORD 1 ]──┼──────────────
/// handle         │ S1
/// title          │ China–Russia border
/// ```
fn record_lines(headers: &[String], row: &[String], number: usize, terminal: Terminal) -> Vec<String> {
    let width = usize::from(terminal.width);
    let mut table = new_table(terminal);
    table.load_style(TableStyle::new().content_lines(ContentLineStyle::none().junction('│')));
    let names = headers.iter().map(|h| h.chars().count()).max().unwrap_or(1).min(width / 2);
    let values = width.saturating_sub(names + 3).max(1);
    for (header, text) in headers.iter().zip(row) {
        table.add_row(vec![
            header_cell(header, terminal),
            body_cell(header, &break_long_words(text, values), terminal),
        ]);
    }
    let used = usize::from(table.column_max_content_widths()[1]).min(values);
    if let Some(column) = table.column_mut(0) {
        column.set_padding((0, 1)).set_constraint(fixed(names + 1));
    }
    if let Some(column) = table.column_mut(1) {
        column.set_padding((1, 0)).set_constraint(fixed(values + 1));
    }
    let label = format!("─[ RECORD {number} ]");
    let label_width = label.chars().count();
    let mut rule = label;
    if label_width <= names {
        rule.extend(std::iter::repeat_n('─', names + 1 - label_width));
        rule.push('┼');
        rule.extend(std::iter::repeat_n('─', used + 1));
    } else {
        rule.extend(std::iter::repeat_n('─', (names + 3 + used).saturating_sub(label_width)));
    }
    std::iter::once(rule).chain(table.lines()).collect()
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

    fn plain(width: u16) -> Terminal {
        Terminal {
            width,
            colour: false,
            expanded: false,
        }
    }

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn long_words_are_cut_after_a_hyphen_or_slash() {
        assert_eq!(
            break_long_words("see wikipedia-china-russia-border now", 12),
            "see wikipedia-\nchina-\nrussia-\nborder now"
        );
        assert_eq!(break_long_words("https://example.org/a/b", 10), "https://\nexample.\norg/a/b");
        assert_eq!(break_long_words("abcdefghij", 4), "abcd\nefgh\nij");
        assert_eq!(break_long_words("short words stay", 5), "short words stay");
    }

    #[test]
    fn tokens_keep_their_width_and_prose_wraps_at_spaces() {
        let table = render_table(
            &["handle", "slug", "title"],
            rows(&[&["S1", "tass-2019-07-23", "Russia calls the pilots' actions aerial hooliganism"]]).into_iter(),
            plain(55),
        );
        assert_eq!(
            table,
            "┌────────┬─────────────────┬──────────────────────────┐\n\
             │ handle ┆ slug            ┆ title                    │\n\
             ╞════════╪═════════════════╪══════════════════════════╡\n\
             │ S1     ┆ tass-2019-07-23 ┆ Russia calls the pilots' │\n\
             │        ┆                 ┆ actions aerial           │\n\
             │        ┆                 ┆ hooliganism              │\n\
             └────────┴─────────────────┴──────────────────────────┘"
        );
    }

    #[test]
    fn tokens_too_wide_to_stand_side_by_side_make_blocks() {
        let table = render_table(
            &["handle", "slug", "title"],
            rows(&[
                &["S1", "a-slug-of-thirty-characters-ok", "A title"],
                &["S2", "short", "Another title that is long enough to wrap"],
            ])
            .into_iter(),
            plain(40),
        );
        assert_eq!(
            table,
            "─[ RECORD 1 ]──────────────────────────\n\
             handle │ S1\n\
             slug   │ a-slug-of-thirty-characters-ok\n\
             title  │ A title\n\
             ─[ RECORD 2 ]───────────────────────────\n\
             handle │ S2\n\
             slug   │ short\n\
             title  │ Another title that is long\n\
             \x20      │ enough to wrap"
        );
    }

    #[test]
    fn later_chunks_go_on_in_the_same_widths_or_start_a_new_table() {
        let headers = vec!["handle".to_string(), "slug".to_string()];
        let mut writer = TableWriter::new(headers, plain(40));
        let mut out = Vec::new();
        writer.chunk(&rows(&[&["S1", "first"], &["S2", "second"]]), &mut out).unwrap();
        writer.chunk(&rows(&[&["S3", "third"]]), &mut out).unwrap();
        writer.chunk(&rows(&[&["S4", "a-longer-slug"]]), &mut out).unwrap();
        writer.finish(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "┌────────┬────────┐\n\
             │ handle ┆ slug   │\n\
             ╞════════╪════════╡\n\
             │ S1     ┆ first  │\n\
             │ S2     ┆ second │\n\
             │ S3     ┆ third  │\n\
             └────────┴────────┘\n\
             ┌────────┬───────────────┐\n\
             │ handle ┆ slug          │\n\
             ╞════════╪═══════════════╡\n\
             │ S4     ┆ a-longer-slug │\n\
             └────────┴───────────────┘\n"
        );
        assert_eq!(writer.records, 4);
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

/// Prose wrapped between words to fit `width` columns, each line after the
/// first starting with `indent`. A word longer than a line stands alone.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let room = width.saturating_sub(if out.is_empty() { 0 } else { indent.chars().count() });
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            if !out.is_empty() {
                out.push('\n');
                out.push_str(indent);
            }
            out.push_str(&line);
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        if !out.is_empty() {
            out.push('\n');
            out.push_str(indent);
        }
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    #[test]
    fn prose_wraps_between_words_with_an_indent() {
        assert_eq!(wrap("one two three four", 9, "  "), "one two\n  three\n  four");
        assert_eq!(wrap("short", 80, "  "), "short");
        assert_eq!(wrap("a-very-long-word fits", 5, ""), "a-very-long-word\nfits");
    }
}
