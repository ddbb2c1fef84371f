//! Bringing rows in from files: CSV, TSV, JSON and JSON lines. The seed and
//! `crosscheck import` both go through `import`, so the shipped case tests the
//! same code users run. Every row becomes fields and goes through
//! `record`, the one path that checks values; the caller holds the one
//! transaction a file is imported in.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Result;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::handle;
use super::history::{self, Actor, Change};
use super::kind::{Kind, handle as format_handle};
use super::reading::{self, ArrayError, Bounded, JsonArray, MAX_COLUMNS, MAX_FIELD, RowMeter, RowTooLong, listed};
use super::record::{self, Action, Fields, Record};
use super::records::Claim;
use crate::error::UserError;

/// The fields a file of this kind may give, in report order.
pub fn fields_of(kind: Kind) -> &'static [&'static str] {
    crate::with_record!(kind, R => R::FIELDS)
}

/// How rows are brought in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Update rows whose UUID is already in the case, instead of refusing them.
    pub update: bool,
    /// Go on past a bad row: each row runs in its own savepoint, so that a
    /// bad one leaves no trace, and bad rows come back with their reasons.
    pub keep_going: bool,
    /// Refuse a column that is not a field, instead of skipping it with a note.
    pub strict: bool,
    /// Add a row even where a live record already says the same.
    pub allow_duplicate: bool,
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Inserted => self.inserted += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// How a file is laid out.
#[derive(Debug, Clone)]
pub struct Layout {
    pub format: FileFormat,
    pub quoting: Quoting,
    /// The first row names the columns.
    pub header: bool,
    /// Fields taken from columns other than the one of the same name.
    pub map: Vec<(&'static str, Column)>,
    /// Cells are exactly as stored: keep a leading ' that reports put before
    /// formula-like cells, instead of taking it off.
    pub raw_cells: bool,
}

impl Layout {
    /// A CSV file with a header, as reports write them.
    pub fn csv() -> Layout {
        Layout {
            format: FileFormat::Delimited(b','),
            quoting: Quoting::Rfc4180,
            header: true,
            map: Vec::new(),
            raw_cells: false,
        }
    }
}

/// The kinds of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV with this delimiter; TSV is a tab.
    Delimited(u8),
    /// One JSON array of objects.
    Json,
    /// One JSON object a line.
    Jsonl,
}

/// How fields in CSV and TSV are quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Quoting {
    /// TSV: found out from the file (and an error where it cannot be told); CSV: rfc4180.
    Auto,
    /// Quote marks are text: no field spans a line or holds the delimiter.
    None,
    /// A field may be enclosed in quote marks, with "" for a quote mark inside (RFC 4180).
    Rfc4180,
}

impl Quoting {
    pub fn flag(self) -> &'static str {
        match self {
            Quoting::Auto => "--quoting auto",
            Quoting::None => "--quoting none",
            Quoting::Rfc4180 => "--quoting rfc4180",
        }
    }
}

/// A column named in `--map`: by its header name or its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Name(String),
    Number(usize),
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Name(name) => write!(f, "{name}"),
            Column::Number(n) => write!(f, "{n}"),
        }
    }
}

/// Reads `--map FIELD=COLUMN[,FIELD=COLUMN...]`: COLUMN is a header name or
/// a 1-based column number.
pub fn parse_map(entity: Kind, text: &str) -> Result<Vec<(&'static str, Column)>, UserError> {
    let mut map = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |why: String| UserError::invalid("map", pair, why);
        let (field, column) = pair
            .split_once('=')
            .ok_or_else(|| bad("allowed: FIELD=COLUMN, such as text=3 or text=claim_text".into()))?;
        let field = fields_of(entity)
            .iter()
            .find(|f| f.eq_ignore_ascii_case(field.trim()))
            .copied()
            .ok_or_else(|| {
                bad(format!(
                    "{} is not a field of {}; allowed: {}",
                    field.trim(),
                    entity.plural(),
                    fields_of(entity).join(", ")
                ))
            })?;
        let column = column.trim();
        let column = if !column.is_empty() && column.bytes().all(|b| b.is_ascii_digit()) {
            match column.parse::<usize>() {
                Ok(n) if n >= 1 => Column::Number(n),
                _ => return Err(bad("column numbers start at 1".into())),
            }
        } else if column.is_empty() {
            return Err(bad("give the column after =, as a header name or a number from 1".into()));
        } else {
            Column::Name(column.to_string())
        };
        if map.iter().any(|(f, _)| *f == field) {
            return Err(bad(format!("{field} is mapped twice; map each field once")));
        }
        map.push((field, column));
    }
    Ok(map)
}

/// A row that could not be imported: where it was, its cells by column, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub line: u64,
    pub cells: Vec<(usize, String)>,
    pub reason: String,
}

/// What an import did, and what it read.
#[derive(Debug, Default)]
pub struct Summary {
    pub counts: Counts,
    /// The names of the file's columns (numbers for a file without a header).
    pub columns: Vec<String>,
    pub rejected: Vec<Rejected>,
    pub sha256: String,
}

/// Hears what an import has to say while it runs.
pub trait Listener {
    /// Something the user should know: columns skipped, the quoting chosen.
    fn note(&mut self, _text: &str) {}
    /// How many bytes of the file have been read.
    fn progress(&mut self, _bytes: u64) {}
}

/// A listener that hears nothing.
pub struct Quiet;
impl Listener for Quiet {}

/// Imports a file into the open transaction `conn`. With `keep_going`, bad
/// rows come back in `Summary::rejected`; without it, the first bad row is an
/// error naming the file, line, column, value and what is allowed, and the
/// caller's transaction rolls back.
#[allow(clippy::too_many_arguments)]
pub fn import(
    conn: &Connection,
    actor: &Actor,
    entity: Kind,
    options: Options,
    layout: &Layout,
    file_name: &str,
    mut input: impl Read + Seek,
    listener: &mut dyn Listener,
) -> Result<Summary> {
    let quoting = match layout.format {
        FileFormat::Delimited(delimiter) => {
            let quoting = match layout.quoting {
                Quoting::Auto if delimiter == b'\t' => {
                    let found = detect_quoting(&mut input, delimiter, layout.header, file_name)?;
                    input.seek(SeekFrom::Start(0))?;
                    if let Some(found) = found {
                        listener.note(&format!(
                            "read {file_name} with {} ({})",
                            found.flag(),
                            match found {
                                Quoting::None => "quote marks are text",
                                _ => "quote marks enclose fields",
                            }
                        ));
                    }
                    found.unwrap_or(Quoting::None)
                }
                Quoting::Auto => Quoting::Rfc4180,
                given => given,
            };
            Some(quoting)
        }
        _ => None,
    };
    import_from(conn, actor, entity, options, layout, quoting, file_name, input, listener)
}

/// Reads a CSV file with a header row whose names are the entity's fields,
/// and imports every row (the seed). A column that is not a field is an
/// error, and so is the first bad row.
pub fn import_csv(conn: &Connection, actor: &Actor, entity: Kind, options: Options, file_name: &str, input: impl Read) -> Result<Counts> {
    let options = Options { strict: true, ..options };
    let layout = Layout::csv();
    let summary = import_from(
        conn,
        actor,
        entity,
        options,
        &layout,
        Some(Quoting::Rfc4180),
        file_name,
        input,
        &mut Quiet,
    )?;
    Ok(summary.counts)
}

#[allow(clippy::too_many_arguments)]
fn import_from(
    conn: &Connection,
    actor: &Actor,
    entity: Kind,
    options: Options,
    layout: &Layout,
    quoting: Option<Quoting>,
    file_name: &str,
    input: impl Read,
    listener: &mut dyn Listener,
) -> Result<Summary> {
    super::db::with_bulk_writes(conn, || {
        import_rows(conn, actor, entity, options, layout, quoting, file_name, input, listener)
    })
}

#[allow(clippy::too_many_arguments)]
fn import_rows(
    conn: &Connection,
    actor: &Actor,
    entity: Kind,
    options: Options,
    layout: &Layout,
    quoting: Option<Quoting>,
    file_name: &str,
    input: impl Read,
    listener: &mut dyn Listener,
) -> Result<Summary> {
    let mut rows = Rows::open(layout, quoting, file_name, input)?;
    let import = begin(conn, actor, entity, file_name)?;
    let last_before = last_id(conn, entity)?;
    let mut plan = Plan {
        entity,
        file_name: file_name.to_string(),
        map: layout.map.clone(),
        strict: options.strict,
        names: Vec::new(),
        fields: Vec::new(),
        by_name: HashMap::new(),
    };
    if layout.header && matches!(layout.format, FileFormat::Delimited(_)) {
        let names = rows.header()?;
        plan.add_columns(names, listener)?;
        plan.check_map(layout)?;
    }
    let unescape = matches!(layout.format, FileFormat::Delimited(_)) && !layout.raw_cells;
    let mut summary = Summary::default();
    // The rejected rows are kept for the rejects file: within a bound.
    let mut rejected_bytes = 0usize;
    let mut new_rows = crate::with_record!(entity, R => new_rows::<R>(conn, actor, import.0, options))?;
    while let Some(row) = rows.next(&mut plan, listener)? {
        listener.progress(row.bytes);
        let line = row.line;
        let mut cells = row.cells;
        if unescape {
            for (_, value) in &mut cells {
                let unescaped = crate::output::unescape_formula(value);
                if unescaped.len() != value.len() {
                    *value = unescaped.to_string();
                }
            }
        }
        // The cells stay whole only where a bad row is set aside with them.
        let mut fields = Fields(Vec::with_capacity(cells.len()));
        for (i, value) in &mut cells {
            if let Some(Some(field)) = plan.fields.get(*i) {
                let value = if options.keep_going { value.clone() } else { std::mem::take(value) };
                fields.set(field, value);
            }
        }
        let import_one_row = || {
            if plain_new_row(entity, &fields) {
                new_rows.import(fields)
            } else {
                // After the rows waiting to be written, as in the file.
                new_rows.finish()?;
                import_row(conn, actor, entity, import.0, options, fields)
            }
        };
        let result = match row.problem {
            Some((column, message)) => Err(in_file(file_name, line, &column, message).into()),
            None if options.keep_going => in_savepoint(conn, import_one_row),
            None => import_one_row(),
        };
        match result {
            Ok(outcome) => summary.counts.add(outcome),
            Err(e) => {
                let located = locate(e, file_name, line, &plan.names, &plan.fields);
                match located.downcast_ref::<UserError>() {
                    Some(UserError::InFile { column, message, .. }) if options.keep_going => {
                        let reason = if column.is_empty() {
                            message.clone()
                        } else {
                            format!("column {column}: {message}")
                        };
                        rejected_bytes += cells.iter().map(|(_, v)| v.len()).sum::<usize>() + reason.len();
                        if rejected_bytes > reading::MAX_REJECTED {
                            return Err(reading::too_many_rejected(file_name, line));
                        }
                        summary.rejected.push(Rejected { line, cells, reason });
                        summary.counts.rejected += 1;
                    }
                    _ => return Err(located),
                }
            }
        }
    }
    new_rows.finish()?;
    drop(new_rows);
    summary.sha256 = rows.finish()?;
    super::search::index_import(conn, entity, import.0, last_before)?;
    summary.columns = plan.names;
    finish(
        conn,
        actor,
        entity,
        (import.0, &import.1),
        file_name,
        &summary.sha256,
        summary.counts,
    )?;
    Ok(summary)
}

/// How a row goes that `import_row` would only check and insert: through
/// a statement held for the whole import (`record::Inserter`). A row that
/// is not new (its UUID or slug taken) or says what a live record says goes
/// the way of any other row, `import_one`, which finds out which it is.
trait NewRows {
    fn import(&mut self, fields: Fields) -> Result<Outcome>;
    /// Writes what `import` kept to write with others; call it at the end.
    fn finish(&mut self) -> Result<()>;
}

fn new_rows<'c, R: Record + 'c>(conn: &'c Connection, actor: &'c Actor, import_id: i64, options: Options) -> Result<Box<dyn NewRows + 'c>> {
    Ok(Box::new(Inserting::<R> {
        conn,
        actor,
        import_id,
        options,
        inserter: record::Inserter::new(conn, import_id, &actor.at)?,
    }))
}

/// A row that `import_row` would only check and insert: it needs nothing
/// else written with it (a claim that arrives with a verdict gets a history
/// entry of its own).
fn plain_new_row(entity: Kind, fields: &Fields) -> bool {
    entity != Kind::Claim || matches!(fields.get("status"), "" | "unverified")
}

struct Inserting<'c, R: Record> {
    conn: &'c Connection,
    actor: &'c Actor,
    import_id: i64,
    options: Options,
    inserter: record::Inserter<'c, R>,
}

impl<R: Record> NewRows for Inserting<'_, R> {
    fn import(&mut self, fields: Fields) -> Result<Outcome> {
        let record = R::from_fields(self.conn, &fields)?;
        // New for certain: its UUID made here, no slug, and of a kind whose
        // rows neither refer to each other nor can say the same thing.
        // Such rows may wait to be written together (PostgreSQL's COPY);
        // any other row is written in its turn, after those waiting. Not
        // with --keep-going: there each row runs in a savepoint, and one
        // that failed would take the rows written with it back too.
        if !self.options.keep_going
            && matches!(R::KIND, Kind::Source | Kind::Claim)
            && fields.get("uuid").trim().is_empty()
            && record.unique_key().1.is_empty()
            && self.inserter.buffer(&record)?
        {
            return Ok(Outcome::Inserted);
        }
        self.inserter.flush()?;
        if record.duplicate_of(self.conn)?.is_none() {
            record.check_key_elsewhere(self.conn)?;
            if self.inserter.insert(&record)? {
                return Ok(Outcome::Inserted);
            }
        }
        import_one::<R>(self.conn, self.actor, self.import_id, self.options, &fields)
    }

    fn finish(&mut self) -> Result<()> {
        self.inserter.flush()
    }
}

/// Runs one row in a savepoint, so that a row that fails half-way leaves
/// nothing behind.
fn in_savepoint<T>(conn: &Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT import_row")?;
    match work() {
        Ok(value) => {
            conn.execute_batch("RELEASE import_row")?;
            Ok(value)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
            Err(e)
        }
    }
}

// ---------------------------------------------------------------- columns

/// Which column gives which field.
struct Plan {
    entity: Kind,
    file_name: String,
    map: Vec<(&'static str, Column)>,
    strict: bool,
    /// The file's column names (numbers where there is no header).
    names: Vec<String>,
    fields: Vec<Option<&'static str>>,
    /// JSON keys to columns.
    by_name: HashMap<String, usize>,
}

impl Plan {
    /// Adds columns, says which are skipped and why, and refuses two columns
    /// that give the same field.
    fn add_columns(&mut self, names: Vec<String>, listener: &mut dyn Listener) -> Result<()> {
        if self.names.len() + names.len() > MAX_COLUMNS {
            return Err(UserError::Usage(format!(
                "{}: {} columns; an import reads at most {} (the columns of a CSV or TSV file, the distinct keys of a JSON file): is this the file and the format you meant? Nothing was imported",
                self.file_name,
                crate::model::grouped((self.names.len() + names.len()) as f64),
                crate::model::grouped(MAX_COLUMNS as f64)
            ))
            .into());
        }
        let (mut own, mut computed, mut shadowed, mut unknown) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for name in names {
            let index = self.names.len();
            let shown = name.trim().trim_start_matches('\u{feff}').to_string();
            let field = self.field_for(index, &shown);
            if let Some(field) = field
                && let Some(other) = self.fields.iter().position(|f| *f == Some(field))
            {
                return Err(UserError::Usage(format!(
                    "{}: columns {} ({}) and {} ({}) both give {field}; keep one, or say which with --map {field}=COLUMN",
                    self.file_name,
                    other + 1,
                    self.names[other],
                    index + 1,
                    shown
                ))
                .into());
            }
            if field.is_none() {
                let described = if shown.is_empty() {
                    format!("{} (no name)", index + 1)
                } else {
                    shown.clone()
                };
                let field_of_name = fields_of(self.entity).iter().find(|f| f.eq_ignore_ascii_case(&shown));
                if shown.eq_ignore_ascii_case("handle") {
                    own.push(described);
                } else if (self.entity == Kind::Claim
                    && (crate::report::claims::COMPUTED.contains(&shown.as_str())
                        || shown.starts_with(crate::report::claims::STANCE_PREFIX)))
                    || (self.entity == Kind::Place && shown == super::places::NAMES_COLUMN)
                {
                    computed.push(described);
                } else if let Some(field) = field_of_name {
                    let from = self
                        .map
                        .iter()
                        .find(|(f, _)| f == field)
                        .map(|(_, c)| c.to_string())
                        .unwrap_or_default();
                    shadowed.push(format!("{described} (--map takes {field} from column {from})"));
                } else {
                    unknown.push(described);
                }
            }
            self.by_name.insert(shown.to_lowercase(), index);
            self.names.push(shown);
            self.fields.push(field);
        }
        let file = &self.file_name;
        if self.strict && !(own.is_empty() && computed.is_empty() && shadowed.is_empty() && unknown.is_empty()) {
            let all = [own, computed, shadowed, unknown].concat();
            return Err(in_file(
                file,
                1,
                "",
                format!(
                    "columns that are not fields of {}: {}; allowed: {}",
                    self.entity.plural(),
                    listed(&all),
                    fields_of(self.entity).join(", ")
                ),
            )
            .into());
        }
        if !own.is_empty() {
            listener.note(&format!(
                "{file}: skipped column handle: this case gives records handles of its own"
            ));
        }
        if !computed.is_empty() {
            listener.note(&format!(
                "{file}: skipped columns the {} report computes: {}",
                self.entity.plural(),
                listed(&computed)
            ));
        }
        if !shadowed.is_empty() {
            listener.note(&format!("{file}: skipped columns: {}", listed(&shadowed)));
        }
        if !unknown.is_empty() {
            listener.note(&format!(
                "{file}: skipped columns that are not fields of {}: {} (fields: {}; to take one under another name, use --map FIELD=COLUMN)",
                self.entity.plural(),
                listed(&unknown),
                fields_of(self.entity).join(", ")
            ));
        }
        Ok(())
    }

    /// The field a column gives: the one `--map` names it for, else the field
    /// of its name unless `--map` takes that field from elsewhere.
    fn field_for(&self, index: usize, name: &str) -> Option<&'static str> {
        let mapped = self.map.iter().find(|(_, column)| match column {
            Column::Number(n) => *n == index + 1,
            Column::Name(wanted) => wanted.trim().eq_ignore_ascii_case(name),
        });
        if let Some((field, _)) = mapped {
            return Some(field);
        }
        fields_of(self.entity)
            .iter()
            .find(|f| f.eq_ignore_ascii_case(name))
            .copied()
            .filter(|field| !self.map.iter().any(|(f, _)| f == field))
    }

    /// Every column `--map` names must be in the file.
    fn check_map(&self, layout: &Layout) -> Result<()> {
        for (field, column) in &self.map {
            let found = match column {
                Column::Number(n) => *n <= self.names.len(),
                Column::Name(name) => self.names.iter().any(|n| n.eq_ignore_ascii_case(name.trim())),
            };
            if !found {
                let has = if layout.header {
                    format!("its columns are {}", listed(&self.names))
                } else {
                    format!("its rows have {} columns", self.names.len())
                };
                return Err(UserError::Usage(format!("--map {field}={column}: {} has no column {column}; {has}", self.file_name)).into());
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- reading

/// One row as read: its line, its cells by column, and a problem that makes
/// it a bad row before any value is looked at (a column name and why).
struct RawRow {
    line: u64,
    bytes: u64,
    cells: Vec<(usize, String)>,
    problem: Option<(String, String)>,
}

enum Rows<R: Read> {
    Delimited {
        reader: csv::Reader<Bounded<HashingReader<R>>>,
        /// The row being read, kept from row to row: a new one a row grew
        /// its buffers a few times each, a twentieth of an import's work.
        record: csv::StringRecord,
        meter: RowMeter,
        file_name: String,
        width: Option<usize>,
        quoting: Quoting,
        header: bool,
    },
    Json {
        items: JsonArray<HashingReader<R>>,
        file_name: String,
    },
    Jsonl {
        reader: BufReader<HashingReader<R>>,
        file_name: String,
        line: u64,
        bytes: u64,
    },
}

/// The error of a file that cannot be read on as a whole: no row can be
/// skipped past it, so it names no flag that skips rows.
fn unreadable(file_name: &str, line: u64, why: impl std::fmt::Display) -> anyhow::Error {
    UserError::Usage(format!("{file_name}, line {line}: {why}. Nothing was imported")).into()
}

impl<R: Read> Rows<R> {
    fn open(layout: &Layout, quoting: Option<Quoting>, file_name: &str, input: R) -> Result<Self> {
        let input = HashingReader::new(input);
        Ok(match layout.format {
            FileFormat::Delimited(delimiter) => {
                let quoting = quoting.unwrap_or(Quoting::Rfc4180);
                let meter = RowMeter::default();
                let reader = csv::ReaderBuilder::new()
                    .buffer_capacity(READ_BUFFER)
                    .delimiter(delimiter)
                    .quoting(quoting != Quoting::None)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(Bounded::new(input, meter.clone()));
                Rows::Delimited {
                    reader,
                    record: csv::StringRecord::new(),
                    meter,
                    file_name: file_name.to_string(),
                    width: None,
                    quoting,
                    header: layout.header,
                }
            }
            FileFormat::Json => Rows::Json {
                items: JsonArray::new(input),
                file_name: file_name.to_string(),
            },
            FileFormat::Jsonl => Rows::Jsonl {
                reader: BufReader::new(input),
                file_name: file_name.to_string(),
                line: 0,
                bytes: 0,
            },
        })
    }

    /// The header row of a CSV or TSV file.
    fn header(&mut self) -> Result<Vec<String>> {
        let Rows::Delimited {
            reader,
            meter,
            file_name,
            width,
            ..
        } = self
        else {
            return Ok(Vec::new());
        };
        let mut record = csv::StringRecord::new();
        let found = reader.read_record(&mut record).map_err(|e| csv_error(file_name, 1, &e))?;
        meter.reset();
        if !found {
            return Err(in_file(
                file_name,
                1,
                "",
                "the file is empty: it has no header row naming the columns".into(),
            )
            .into());
        }
        *width = Some(record.len());
        Ok(record.iter().map(str::to_string).collect())
    }

    fn next(&mut self, plan: &mut Plan, listener: &mut dyn Listener) -> Result<Option<RawRow>> {
        match self {
            Rows::Delimited {
                reader,
                record,
                meter,
                file_name,
                width,
                quoting,
                header,
            } => {
                let line = reader.position().line();
                let found = reader.read_record(record).map_err(|e| csv_error(file_name, line, &e))?;
                meter.reset();
                if !found {
                    return Ok(None);
                }
                let line = record.position().map_or(line, |p| p.line());
                if width.is_none() {
                    // No header: the first row says how many columns there are.
                    *width = Some(record.len());
                    plan.add_columns((1..=record.len()).map(|n| n.to_string()).collect(), listener)?;
                    plan.check_map(&Layout {
                        header: false,
                        ..Layout::csv()
                    })?;
                }
                let expected = width.unwrap_or(record.len());
                let mut problem = (record.len() != expected).then(|| {
                    let quoted = record.iter().any(|f| f.starts_with('"'));
                    let mut why = format!(
                        "this row has {} fields where the {} has {expected}",
                        record.len(),
                        if *header { "header" } else { "first row" }
                    );
                    if quoted || *quoting == Quoting::Rfc4180 {
                        why.push_str(&format!(
                            " (read with {}; if quote marks in this file are text, import with {})",
                            quoting.flag(),
                            if *quoting == Quoting::None {
                                Quoting::Rfc4180.flag()
                            } else {
                                Quoting::None.flag()
                            }
                        ));
                    }
                    (String::new(), why)
                });
                if problem.is_none()
                    && let Some(i) = record.iter().position(|f| f.len() > MAX_FIELD)
                {
                    let column = plan.names.get(i).cloned().unwrap_or_default();
                    problem = Some((column, reading::field_too_long(record[i].len())));
                }
                Ok(Some(RawRow {
                    line,
                    bytes: reader.position().byte(),
                    cells: record.iter().map(|f| reading::kept(f.to_string())).enumerate().collect(),
                    problem,
                }))
            }
            Rows::Json { items, file_name } => {
                let item = items.next_item().map_err(|e| array_error(file_name, e))?;
                let Some(item) = item else { return Ok(None) };
                let object = serde_json::from_slice::<Object>(&item.text).map_err(|e| {
                    // The parser counts lines from the item's start.
                    let message = e.to_string();
                    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
                    format!(
                        "this item is not a JSON object: {message} (line {}, column {})",
                        item.line + e.line().saturating_sub(1) as u64,
                        e.column()
                    )
                });
                Ok(Some(object_row(plan, item.line, item.bytes, object, listener)?))
            }
            Rows::Jsonl {
                reader,
                file_name,
                line,
                bytes,
            } => loop {
                let mut raw = Vec::new();
                let n = reading::read_line(reader, &mut raw).map_err(|e| {
                    if reading::is_row_too_long(&e) {
                        unreadable(file_name, *line + 1, RowTooLong)
                    } else {
                        anyhow::Error::from(e).context(format!("cannot read {file_name}"))
                    }
                })?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                *bytes += n as u64;
                // Each line stands alone: a bad one is a bad row, and the
                // rows after it can still be read.
                let object = match String::from_utf8(raw) {
                    Err(_) => Err("the line is not valid UTF-8; save the file as UTF-8".to_string()),
                    Ok(text) => {
                        let trimmed = text.trim_start_matches('\u{feff}').trim();
                        if trimmed.is_empty() {
                            continue;
                        }
                        serde_json::from_str::<Object>(trimmed).map_err(|e| match e.classify() {
                            serde_json::error::Category::Data => format!("this line is not a JSON object: {e}"),
                            _ => format!("not valid JSON: {e}"),
                        })
                    }
                };
                return Ok(Some(object_row(plan, *line, *bytes, object, listener)?));
            },
        }
    }

    /// Reads what is left and gives the file's SHA-256.
    fn finish(self) -> Result<String> {
        Ok(match self {
            Rows::Delimited { reader, .. } => reader.into_inner().into_inner().finish()?,
            Rows::Json { items, .. } => items.into_inner().finish()?,
            Rows::Jsonl { reader, .. } => reader.into_inner().finish()?,
        })
    }
}

/// A CSV reading error, with the file and line. A row too long ends the
/// import: the reader cannot find where the next row begins.
fn csv_error(file_name: &str, line: u64, e: &csv::Error) -> anyhow::Error {
    match e.kind() {
        csv::ErrorKind::Io(io) if reading::is_row_too_long(io) => unreadable(file_name, line, RowTooLong),
        _ => in_file(file_name, line, "", csv_problem(e)).into(),
    }
}

/// What is wrong with a JSON file as a whole.
fn array_error(file_name: &str, e: ArrayError) -> anyhow::Error {
    match e {
        ArrayError::Io(e) if reading::is_row_too_long(&e) => unreadable(file_name, 1, RowTooLong),
        ArrayError::Io(e) => anyhow::Error::from(e).context(format!("cannot read {file_name}")),
        ArrayError::NotArray => in_file(
            file_name,
            1,
            "",
            "a JSON file must hold one array of objects ([{...}, {...}]); for one object a line, use a .jsonl file or --format jsonl"
                .into(),
        )
        .into(),
        ArrayError::Truncated(line) => unreadable(
            file_name,
            line,
            "the file ends before this item and the array are closed: it is cut short (a copy not finished, or a download broken off)",
        ),
        ArrayError::TooLong(line) => unreadable(file_name, line, RowTooLong),
        ArrayError::Syntax(line, why) => unreadable(file_name, line, format!("not valid JSON: {why}")),
    }
}

/// A JSON object as a row: every new key becomes a column.
fn object_row(plan: &mut Plan, line: u64, bytes: u64, object: Result<Object, String>, listener: &mut dyn Listener) -> Result<RawRow> {
    let object = match object {
        Ok(object) => object,
        Err(why) => {
            return Ok(RawRow {
                line,
                bytes,
                cells: Vec::new(),
                problem: Some((String::new(), why)),
            });
        }
    };
    // Keys are matched to fields without regard to case, as CSV headers
    // are: two keys that differ only so would give one field twice.
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (key, _) in &object.0 {
        if let Some(first) = seen.insert(key.trim().to_lowercase(), key) {
            let why = if first == key {
                format!("the key {key:?} appears twice in this object; keep one")
            } else {
                format!("the keys {first:?} and {key:?} both appear in this object, and keys are matched without regard to case; keep one")
            };
            return Ok(RawRow {
                line,
                bytes,
                cells: Vec::new(),
                problem: Some((key.trim().to_string(), why)),
            });
        }
    }
    let new: Vec<String> = object
        .0
        .iter()
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !plan.by_name.contains_key(&k.to_lowercase()))
        .collect();
    if !new.is_empty() {
        plan.add_columns(new, listener)?;
    }
    let mut cells = Vec::new();
    let mut problem = None;
    for (key, value) in object.0 {
        let index = plan.by_name[&key.trim().to_lowercase()];
        let text = match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                problem.get_or_insert((
                    key.clone(),
                    format!("{key:?} holds a list or an object; allowed: text, a number, true, false or null"),
                ));
                continue;
            }
        };
        if text.len() > MAX_FIELD {
            problem.get_or_insert((key.clone(), reading::field_too_long(text.len())));
        }
        cells.push((index, reading::kept(text)));
    }
    Ok(RawRow {
        line,
        bytes,
        cells,
        problem,
    })
}

/// A JSON object with its keys in the file's order.
struct Object(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, serde_json::Value>()? {
                    pairs.push(pair);
                }
                Ok(Object(pairs))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// Finds out how a tab-separated file quotes its fields. Real-world TSV
/// often has none: a field may begin with a quote mark and hold more. Read
/// as RFC 4180, such a field would swallow tabs and lines, so a file is read
/// with quoting only when every quoted field is well formed and the rows come
/// out even; where both readings fit and differ, the user must say which.
/// None when no field begins with a quote mark, so that both read the same.
fn detect_quoting(input: &mut (impl Read + Seek), delimiter: u8, header: bool, file_name: &str) -> Result<Option<Quoting>> {
    // The reading with quote marks as text.
    let meter = RowMeter::default();
    let mut plain = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(false)
        .has_headers(false)
        .flexible(true)
        .from_reader(Bounded::new(&mut *input, meter.clone()));
    let mut record = csv::ByteRecord::new();
    let mut width = None;
    let mut plain_even = true;
    let mut first_quoted: Option<(u64, usize, String)> = None;
    loop {
        let line = plain.position().line();
        let found = plain.read_byte_record(&mut record).map_err(|e| csv_error(file_name, line, &e))?;
        meter.reset();
        if !found {
            break;
        }
        let w = *width.get_or_insert(record.len());
        plain_even &= record.len() == w;
        if first_quoted.is_none()
            && let Some(i) = record.iter().position(|f| f.starts_with(b"\""))
        {
            let line = record.position().map_or(0, |p| p.line());
            first_quoted = Some((line, i, String::from_utf8_lossy(&record[i]).into_owned()));
        }
    }
    drop(plain);
    let Some((line, index, plain_value)) = first_quoted else {
        return Ok(None);
    };
    input.seek(SeekFrom::Start(0))?;
    let quoted = scan_rfc4180(&mut *input, delimiter)?;
    let rfc_fits = quoted.well_formed && quoted.even;
    Ok(Some(match (plain_even, rfc_fits) {
        (true, false) | (false, false) => Quoting::None,
        (false, true) => Quoting::Rfc4180,
        // "" inside quotes is how RFC 4180 writers (our reports among them)
        // write a quote mark; text rarely doubles them.
        (true, true) if quoted.doubled => Quoting::Rfc4180,
        (true, true) => {
            let column = if header {
                format!("column {}", index + 1)
            } else {
                format!("field {}", index + 1)
            };
            let inner = plain_value.trim_start_matches('"').trim_end_matches('"');
            return Err(UserError::Usage(format!(
                "{file_name}: cannot tell how this tab-separated file is quoted: line {line}, {column} reads as {plain_value:?} if quote marks are text ({}), or as {inner:?} if they enclose the field ({}); say which with --quoting",
                Quoting::None.flag(),
                Quoting::Rfc4180.flag()
            ))
            .into());
        }
    }))
}

/// What a strict RFC 4180 reading of a file found.
struct Scan {
    /// Every quoted field closes, and is followed by a delimiter or line end.
    well_formed: bool,
    /// Every row has as many fields as the first.
    even: bool,
    /// Some quoted field holds "" (a quote mark written the RFC 4180 way).
    doubled: bool,
}

fn scan_rfc4180(input: impl Read, delimiter: u8) -> Result<Scan> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut scan = Scan {
        well_formed: true,
        even: true,
        doubled: false,
    };
    let (mut state, mut fields, mut width, mut empty_row) = (State::FieldStart, 0usize, None::<usize>, true);
    let mut end_row = |fields: &mut usize, empty: &mut bool, scan: &mut Scan| {
        if !*empty {
            let w = *width.get_or_insert(*fields + 1);
            scan.even &= *fields + 1 == w;
        }
        *fields = 0;
        *empty = true;
    };
    let mut reader = BufReader::new(input);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            let line_end = b == b'\n' || b == b'\r';
            state = match state {
                State::Quoted if b == b'"' => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::QuoteInQuoted if b == b'"' => {
                    scan.doubled = true;
                    State::Quoted
                }
                State::QuoteInQuoted if !(b == delimiter || line_end) => {
                    scan.well_formed = false;
                    State::Unquoted
                }
                _ if b == delimiter => {
                    fields += 1;
                    empty_row = false;
                    State::FieldStart
                }
                _ if line_end => {
                    end_row(&mut fields, &mut empty_row, &mut scan);
                    State::FieldStart
                }
                State::FieldStart if b == b'"' => {
                    empty_row = false;
                    State::Quoted
                }
                _ => {
                    empty_row = false;
                    State::Unquoted
                }
            };
        }
        let n = buf.len();
        reader.consume(n);
    }
    if state == State::Quoted {
        scan.well_formed = false;
    }
    end_row(&mut fields, &mut empty_row, &mut scan);
    Ok(scan)
}

// ---------------------------------------------------------------- rows

/// Starts an import: one `import` row that every imported row points at.
pub fn begin(conn: &Connection, actor: &Actor, entity: Kind, file_name: &str) -> Result<(i64, String)> {
    let uuid = super::record::new_uuid();
    let id = conn.query_row(
        "INSERT INTO import (uuid, entity, file_name, sha256, analyst, imported_at) VALUES (?1, ?2, ?3, '', ?4, ?5) RETURNING id",
        params![uuid, entity.plural(), file_name, actor.analyst, actor.at],
        |r| r.get(0),
    )?;
    Ok((id, uuid))
}

/// The id of the last row of the kind's table, 0 for none: the rows an
/// import inserts come after it.
fn last_id(conn: &Connection, entity: Kind) -> Result<i64> {
    let table = entity.table();
    let sql = super::record::statement_text(table, "last id", || format!("SELECT coalesce(max(id), 0) FROM {table}"));
    Ok(conn.query_row(sql, (), |r| r.get(0))?)
}

/// Imports one row: creates it, or with `update` changes the row with the same
/// UUID. The error names the field at fault; the caller adds file and line.
pub fn import_row(conn: &Connection, actor: &Actor, entity: Kind, import_id: i64, options: Options, mut fields: Fields) -> Result<Outcome> {
    if entity == Kind::Claim && !matches!(fields.get("status"), "" | "unverified") {
        let held: Option<String> = conn
            .prepare_cached("SELECT status FROM claim WHERE uuid = lower(?1)")?
            .query_row([fields.get("uuid").trim()], |r| r.get(0))
            .optional()?;
        if held.is_some_and(|s| s.eq_ignore_ascii_case(fields.get("status").trim())) {
            // The verdict the case holds: its author and time stay unless given.
            fields
                .0
                .retain(|(name, value)| !(matches!(*name, "status_by" | "status_at") && value.trim().is_empty()));
        } else {
            // A new verdict that comes without its author is the importer's.
            if fields.get("status_by").trim().is_empty() {
                fields.set("status_by", actor.analyst.clone());
            }
            if fields.get("status_at").trim().is_empty() {
                fields.set("status_at", actor.at.clone());
            }
        }
    }
    crate::with_record!(entity, R => import_one::<R>(conn, actor, import_id, options, &fields))
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

fn import_one<R: Record>(conn: &Connection, actor: &Actor, import_id: i64, options: Options, fields: &Fields) -> Result<Outcome> {
    let record = R::from_fields(conn, fields)?;
    // A new row that says what a live record already says (under another
    // UUID) would be counted twice: the same values are no change, and
    // anything else is refused as `add` refuses it.
    if let Some(twin) = record.duplicate_of(conn)?
        && handle::by_uuid(conn, R::KIND, record.uuid())?.is_none()
        && !options.allow_duplicate
    {
        let held = R::load(conn, twin)?.to_fields(conn)?;
        let given = record.to_fields(conn)?;
        let same = held.0.iter().zip(&given.0).all(|((name, a), (_, b))| *name == "uuid" || a == b);
        if same {
            return Ok(Outcome::Unchanged);
        }
        return Err(record::duplicate::<R>(twin).into());
    }
    // Insert first and look for the row only when its UUID is taken: one
    // probe of the UUID index a row instead of two. On PostgreSQL a refused
    // insert ends the transaction, so the row is looked for first there.
    let found = if conn.is_postgres() {
        handle::by_uuid(conn, R::KIND, record.uuid())?
    } else {
        None
    };
    let existing = match found
        .map(Ok)
        .unwrap_or_else(|| record::insert_new(conn, actor, &record, Some(import_id)))
    {
        Ok(id) if found.is_some() => id,
        Ok(id) => {
            // Only a claim that arrives with a verdict has one to record.
            if R::KIND == Kind::Claim && !matches!(fields.get("status").trim(), "" | "unverified") {
                record_imported_verdict(conn, actor, id)?;
            }
            return Ok(Outcome::Inserted);
        }
        // A UNIQUE conflict on any column (SQLite reports one of them) may
        // be a row already in the case.
        Err(e)
            if matches!(
                e.downcast_ref::<UserError>(),
                Some(UserError::DuplicateUuid { .. } | UserError::Conflict(_))
            ) =>
        {
            match handle::by_uuid(conn, R::KIND, record.uuid())? {
                Some(id) => id,
                None => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    // A row already in the case: the same values are no change; others
    // are a change only --update may make.
    let id = existing;
    let before = R::load(conn, id)?.to_fields(conn)?;
    let after = R::from_fields(conn, &fields.over(&before))?.to_fields(conn)?;
    let differ: Vec<String> = before
        .0
        .iter()
        .zip(&after.0)
        .filter(|(was, is)| was.1 != is.1)
        .map(|((name, was), (_, is))| {
            format!(
                "{name} {:?} in the case, {:?} in the file",
                crate::output::shorten(was, 80),
                crate::output::shorten(is, 80)
            )
        })
        .collect();
    if differ.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    if !options.update {
        return Err(UserError::Conflict(format!(
            "{} {} has this UUID ({}) with other values ({}); import with --update to change it",
            R::KIND.table(),
            format_handle(R::KIND, id),
            record.uuid(),
            differ.join("; ")
        ))
        .into());
    }
    // The change is the record's own history entry; the row stays counted
    // under the import that brought it in.
    record::edit::<R>(conn, actor, id, fields, Action::Edit, "import --update")?;
    Ok(Outcome::Updated)
}

/// A claim that arrives with a verdict gets a `mark` entry in its history, so
/// that the verdict's who, when and why are on record like any other.
fn record_imported_verdict(conn: &Connection, actor: &Actor, id: i64) -> Result<()> {
    let claim = Claim::load(conn, id)?;
    if claim.status == crate::model::Status::Unverified {
        return Ok(());
    }
    // The entry is written now, by the verdict's analyst; the verdict's own
    // time, which the file may give, is in the entry's values (`at`).
    let verdict_by = Actor {
        analyst: claim.status_by.clone(),
        at: actor.at.clone(),
    };
    history::append(
        conn,
        &verdict_by,
        Change {
            action: "mark",
            entity: "claim",
            entity_uuid: &claim.uuid,
            handle: &format_handle(Kind::Claim, id),
            claim_uuid: Some(&claim.uuid),
            before: Some(json!({"status": "unverified"})),
            after: Some(json!({"status": claim.status.as_str(), "at": claim.status_at})),
            reason: &claim.reason,
        },
    )
}

/// Ends an import: records its counts and the file's hash, and writes the
/// one history entry that says who imported what.
pub fn finish(
    conn: &Connection,
    actor: &Actor,
    entity: Kind,
    (import_id, import_uuid): (i64, &str),
    file_name: &str,
    sha256: &str,
    counts: Counts,
) -> Result<()> {
    conn.execute(
        "UPDATE import SET sha256 = ?2, inserted = ?3, updated = ?4, rejected = ?5 WHERE id = ?1",
        params![
            import_id,
            sha256,
            counts.inserted as i64,
            counts.updated as i64,
            counts.rejected as i64
        ],
    )?;
    history::append(
        conn,
        actor,
        Change {
            action: "import",
            entity: "import",
            entity_uuid: import_uuid,
            handle: file_name,
            claim_uuid: None,
            before: None,
            after: Some(json!({
                "into": entity.plural(),
                "file": file_name,
                "sha256": sha256,
                "inserted": counts.inserted,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "rejected": counts.rejected,
            })),
            reason: "",
        },
    )
}

/// How many bytes of a CSV or TSV file are read at a time.
const READ_BUFFER: usize = 64 * 1024;

/// How many bytes the hashing thread is given at a time.
const HASHED_CHUNK: usize = 256 * 1024;

/// A reader that hashes what passes through it. The hashing runs on a
/// thread of its own, fed a copy of what is read, 256 KiB at a time: SHA-256
/// of the file was a twelfth of an import's work, and the import itself is
/// single-threaded. Handing it each read of 8 KiB cost more than the hash:
/// a million sources made 13,000 hand-overs and 58,000 futex calls.
pub struct HashingReader<R> {
    inner: R,
    /// What was read and is not yet handed to the hashing thread.
    pending: Vec<u8>,
    chunks: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    hasher: Option<std::thread::JoinHandle<String>>,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        // A few chunks in flight at most, so that memory stays flat.
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let hasher = std::thread::spawn(move || {
            let mut hasher = Sha256::new();
            for chunk in received {
                hasher.update(&chunk);
            }
            hex::encode(hasher.finalize())
        });
        HashingReader {
            inner,
            pending: Vec::with_capacity(HASHED_CHUNK + READ_BUFFER),
            chunks: Some(chunks),
            hasher: Some(hasher),
        }
    }

    /// Hands what was read to the hashing thread.
    fn hand_over(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::replace(&mut self.pending, Vec::with_capacity(HASHED_CHUNK + READ_BUFFER));
        if let Some(chunks) = &self.chunks {
            chunks
                .send(chunk)
                .map_err(|_| std::io::Error::other("the file's SHA-256 could not be computed"))?;
        }
        Ok(())
    }

    /// Reads what is left, so that the hash covers the whole file.
    pub fn finish(mut self) -> std::io::Result<String> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        self.hand_over()?;
        drop(self.chunks.take());
        self.hasher
            .take()
            .and_then(|hasher| hasher.join().ok())
            .ok_or_else(|| std::io::Error::other("the file's SHA-256 could not be computed"))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() >= HASHED_CHUNK {
            self.hand_over()?;
        }
        Ok(n)
    }
}

fn in_file(file: &str, line: u64, column: &str, message: String) -> UserError {
    UserError::InFile {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message,
    }
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8; save the file as UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// Adds the file, line and column to a row's error. `names` are the file's
/// columns and `fields` the field each gives.
pub fn locate(err: anyhow::Error, file: &str, line: u64, names: &[String], fields: &[Option<&'static str>]) -> anyhow::Error {
    let column_of = |field: &str| fields.iter().position(|f| *f == Some(field)).map(|i| names[i].clone());
    let (field, missing) = match err.downcast_ref::<UserError>() {
        Some(UserError::Invalid { field, .. }) => (Some(field.clone()), false),
        Some(UserError::Missing { field, .. }) => (Some(field.clone()), true),
        Some(UserError::NotFound { what, .. }) => (Some(what.to_string()), false),
        Some(UserError::InFile { .. }) => return err,
        _ => (None, false),
    };
    match err.downcast::<UserError>() {
        Ok(user) => {
            let mut message = user.to_string();
            let column = match field.as_deref() {
                Some(field) => match column_of(field) {
                    Some(column) => column,
                    None if missing && fields.iter().any(Option::is_some) => {
                        message.push_str(&format!(" (the file has no column for {field}; map one with --map {field}=COLUMN)"));
                        String::new()
                    }
                    None => field.to_string(),
                },
                None => String::new(),
            };
            in_file(file, line, &column, message).into()
        }
        Err(other) => other.context(format!("{file}, line {line}")),
    }
}
