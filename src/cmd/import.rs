//! `crosscheck import FILE --into parties|sources|claims|statements|evidence|hypotheses|ratings|places|names`:
//! rows from CSV, TSV, JSON or JSON lines, the whole file in one transaction.

use std::io::{IsTerminal, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Ctx;
use crate::atomic::{Replaces, Target};
use crate::error::UserError;
use crate::store::import::{self, FileFormat, Layout, Listener, Options, Quoting, Summary};
use crate::store::reading;
use crate::store::{Case, Kind};
use anyhow::{Context, Result};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck import parties.csv --into parties
  crosscheck import claims.json --into claims --update
  crosscheck import desk.tsv --into sources \\\n    --map title=Headline,published=Date,url=Link
  crosscheck import export.txt --into statements --format tsv --no-header \\\n    --map claim=1,party=2,stance=3,quote=5
  crosscheck import evidence.csv --into evidence --skip-invalid rejects.csv
  crosscheck import claims.csv --into claims --dry-run

Columns are matched by the names reports write (any report imports back); `handle` and the computed columns of the claims and places reports are skipped with a note, and so is any other column that is not a field. Import parties, sources and claims before the statements and evidence that refer to them, those before the hypotheses and ratings, and places before their names.")]
pub struct Args {
    /// The file: .csv, .tsv, .json (one array of objects) or .jsonl (one object a line); - reads stdin (give --format).
    pub file: PathBuf,
    /// What the rows are: parties, sources, claims, statements, evidence, hypotheses, ratings, places or names.
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    pub into: Kind,
    /// The file's format, when its extension does not say it.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// The character between fields in a CSV-like file: , ; | or tab (write \t or tab). A tab reads the file as TSV.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// How CSV and TSV fields are quoted: auto (TSV: found out from the file, and an error naming this flag where it cannot be told; CSV: rfc4180), none (quote marks are text), rfc4180.
    #[arg(long, value_enum, default_value_t = Quoting::Auto)]
    pub quoting: Quoting,
    /// The file has no header row: say which column holds which field with --map, by number.
    #[arg(long)]
    pub no_header: bool,
    /// Which column holds a field: FIELD=COLUMN, the column by header name or 1-based number; several separated by commas, or the flag repeated.
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    pub map: Vec<String>,
    /// Change the records whose UUID is already in the case. Without it such a row is an error, unless its values are the same.
    #[arg(long)]
    pub update: bool,
    /// Add statements and evidence even where a live record already says the same (by default such a row is unchanged when every value matches, and an error otherwise).
    #[arg(long)]
    pub allow_duplicate: bool,
    /// Import the valid rows, and write each rejected row with its line and reason to this CSV (or .tsv) file.
    #[arg(long, value_name = "REJECTS.csv")]
    pub skip_invalid: Option<PathBuf>,
    /// Check every row and say what would happen, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The cells are exactly as stored (a file from `report --raw-cells`): keep a leading ' that reports otherwise put before formula-like cells.
    #[arg(long)]
    pub raw_cells: bool,
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object a line.
    Jsonl,
}

/// How many rejected rows a dry run lists on stderr.
const LISTED: usize = 20;

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let layout = layout(&args)?;
    let name = args.file.display().to_string();
    if let Some(rejects) = &args.skip_invalid
        && same_file(rejects, &args.file)
    {
        return Err(UserError::Usage(format!(
            "--skip-invalid {}: that is the file being imported; name another file",
            rejects.display()
        ))
        .into());
    }
    let rejects = args
        .skip_invalid
        .as_deref()
        .map(|path| Target::new("--skip-invalid", path, &ctx.db, Replaces::NoCase))
        .transpose()?;
    let twice = layout.format == FileFormat::Delimited(b'\t') && layout.quoting == Quoting::Auto;
    let (input, size) = open(&args.file, twice)?;
    let options = Options {
        update: args.update,
        keep_going: args.skip_invalid.is_some() || args.dry_run,
        strict: false,
        allow_duplicate: args.allow_duplicate,
    };
    let mut listener = Progress::new(&name, size);
    let writer = case.write(&ctx.analyst()?)?;
    let result = writer.import(args.into, options, &layout, &name, input, &mut listener);
    listener.clear();
    let summary = result.map_err(|e| nothing_imported(e, args.dry_run))?;
    let counts = summary.counts;
    let done = format!(
        "{}: {} new, {} updated, {} unchanged",
        rows(counts.inserted + counts.updated + counts.unchanged),
        counts.inserted,
        counts.updated,
        counts.unchanged
    );
    if args.dry_run {
        // The transaction is dropped, not committed: nothing is written.
        for rejected in summary.rejected.iter().take(LISTED) {
            crate::say!("{name}, line {}: {}", rejected.line, rejected.reason);
        }
        if summary.rejected.len() > LISTED {
            crate::say!("... and {} more rejected", rows((summary.rejected.len() - LISTED) as u64));
        }
        if counts.rejected > 0 && args.skip_invalid.is_none() {
            return Err(UserError::Usage(format!(
                "dry run: {} of {} in {name} {} invalid (listed above); an import would stop at the first and write nothing. Nothing was written",
                counts.rejected,
                rows(counts.rejected + counts.inserted + counts.updated + counts.unchanged),
                if counts.rejected == 1 { "is" } else { "are" }
            ))
            .into());
        }
        let rejected = if args.skip_invalid.is_some() {
            format!("; {} would be rejected (listed above)", counts.rejected)
        } else {
            String::new()
        };
        crate::say!(
            "dry run: {name} into {} would import {done}{rejected}. Nothing was written.",
            args.into.plural()
        );
        return Ok(());
    }
    if let Some(rejects) = &rejects {
        // Written before the commit: if it cannot be written, nothing is imported.
        write_rejects(rejects, &summary, args.raw_cells).with_context(|| "nothing was imported")?;
    }
    writer.commit()?;
    let rejected = match &args.skip_invalid {
        Some(rejects) => format!(
            "; rejected {}, written with their reasons to {}",
            counts.rejected,
            rejects.display()
        ),
        None => String::new(),
    };
    crate::say!("imported {name} into {}: {done}{rejected}", args.into.plural());
    Ok(())
}

/// "1 row", "2 rows".
fn rows(n: u64) -> String {
    if n == 1 { "1 row".to_string() } else { format!("{n} rows") }
}

/// The layout the flags and the file's name give.
fn layout(args: &Args) -> Result<Layout> {
    let delimiter = args.delimiter.as_deref().map(parse_delimiter).transpose()?;
    let extension = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let format = match (args.format, delimiter) {
        (Some(InputFormat::Json), Some(_)) | (Some(InputFormat::Jsonl), Some(_)) => {
            return Err(UserError::Usage("--delimiter is for CSV and TSV files, not JSON".into()).into());
        }
        (Some(InputFormat::Csv), d) => FileFormat::Delimited(d.unwrap_or(b',')),
        (Some(InputFormat::Tsv), d) => FileFormat::Delimited(d.unwrap_or(b'\t')),
        (Some(InputFormat::Json), None) => FileFormat::Json,
        (Some(InputFormat::Jsonl), None) => FileFormat::Jsonl,
        (None, Some(d)) => FileFormat::Delimited(d),
        (None, None) => match extension.as_str() {
            "csv" => FileFormat::Delimited(b','),
            "tsv" | "tab" => FileFormat::Delimited(b'\t'),
            "json" => FileFormat::Json,
            "jsonl" | "ndjson" => FileFormat::Jsonl,
            _ => {
                return Err(UserError::Usage(format!(
                    "cannot tell the format of {} from its name; give --format csv, tsv, json or jsonl",
                    args.file.display()
                ))
                .into());
            }
        },
    };
    let json = matches!(format, FileFormat::Json | FileFormat::Jsonl);
    if json && args.no_header {
        return Err(UserError::Usage("--no-header is for CSV and TSV files; JSON names every value by its key".into()).into());
    }
    if json && args.quoting != Quoting::Auto {
        return Err(UserError::Usage("--quoting is for CSV and TSV files, not JSON".into()).into());
    }
    let mut map = Vec::new();
    for text in &args.map {
        for (field, column) in import::parse_map(args.into, text)? {
            if map.iter().any(|(f, _)| *f == field) {
                return Err(UserError::invalid("map", text, format!("{field} is mapped twice; map each field once")).into());
            }
            if json && matches!(column, import::Column::Number(_)) {
                return Err(UserError::invalid("map", text, "JSON values have no column numbers; give the key's name").into());
            }
            map.push((field, column));
        }
    }
    if args.no_header && map.is_empty() {
        return Err(UserError::Usage(format!(
            "a file without a header needs --map to say which column holds which field, such as --map {}",
            example_map(args.into)
        ))
        .into());
    }
    if args.no_header && map.iter().any(|(_, c)| matches!(c, import::Column::Name(_))) {
        return Err(
            UserError::Usage("a file without a header has no column names: give columns by number, such as --map text=3".into()).into(),
        );
    }
    Ok(Layout {
        format,
        quoting: args.quoting,
        header: !args.no_header,
        map,
        raw_cells: args.raw_cells,
    })
}

/// Reads `--into`: a kind's plural (or its singular).
fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::from_name(text).ok_or_else(|| format!("allowed: {}", Kind::plurals()))
}

fn example_map(entity: Kind) -> String {
    let fields: Vec<String> = import::fields_of(entity)
        .iter()
        .filter(|f| !f.ends_with("uuid"))
        .take(3)
        .enumerate()
        .map(|(i, f)| format!("{f}={}", i + 1))
        .collect();
    fields.join(",")
}

fn parse_delimiter(text: &str) -> Result<u8, UserError> {
    match text {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && !t.contains(['"', '\n', '\r']) => Ok(t.as_bytes()[0]),
        _ => Err(UserError::invalid(
            "delimiter",
            text,
            "allowed: one ASCII character such as , ; | or tab (\\t)",
        )),
    }
}

/// Opens the file, with its size for the progress bar. Stdin is read as it
/// comes, except where the file must be read twice (finding out how a TSV
/// file is quoted): then it goes to a temporary file first, never into
/// memory.
fn open(path: &Path, twice: bool) -> Result<(Box<dyn ReadSeek>, u64)> {
    if path.as_os_str() == "-" {
        if twice {
            let mut file = tempfile::tempfile().context("cannot make a temporary file to read stdin twice")?;
            let size = spool(&mut std::io::stdin().lock(), &mut file)?;
            file.seek(std::io::SeekFrom::Start(0))?;
            return Ok((Box::new(std::io::BufReader::new(file)), size));
        }
        return Ok((Box::new(Stdin(std::io::stdin())), 0));
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => UserError::NotFound {
            what: "file",
            handle: path.display().to_string(),
            hint: "check the name and folder".into(),
        }
        .into(),
        _ => anyhow::Error::from(e).context(format!("cannot read {}", path.display())),
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(UserError::Usage(format!("{} is a folder; give a file to import", path.display())).into());
    }
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((Box::new(std::io::BufReader::new(file)), size))
}

/// Copies stdin to a temporary file, refusing a line longer than a row may
/// be (`cat /dev/zero | crosscheck import -` must not fill the disk).
fn spool(input: &mut impl Read, out: &mut std::fs::File) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut total, mut line_length, mut line) = (0u64, 0u64, 1u64);
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(anyhow::Error::from(e).context("cannot read stdin")),
        };
        let chunk = &buf[..n];
        match chunk.iter().rposition(|b| *b == b'\n') {
            Some(last) => {
                line += chunk.iter().filter(|b| **b == b'\n').count() as u64;
                line_length = (n - last - 1) as u64;
            }
            None => line_length += n as u64,
        }
        if line_length > reading::MAX_ROW {
            return Err(UserError::Usage(format!("-, line {line}: {}. Nothing was imported", reading::RowTooLong)).into());
        }
        out.write_all(chunk).context("cannot write the temporary copy of stdin")?;
        total += n as u64;
    }
}

/// Stdin, read once as it comes. Nothing seeks it: a file that must be read
/// twice is copied to a temporary file first (`open`).
struct Stdin(std::io::Stdin);

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Seek for Stdin {
    fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "stdin cannot be read twice"))
    }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Says, after a row's error, that the file was all or nothing.
fn nothing_imported(err: anyhow::Error, dry_run: bool) -> anyhow::Error {
    match err.downcast::<UserError>() {
        Ok(UserError::InFile {
            file,
            line,
            column,
            message,
        }) if !dry_run => UserError::InFile {
            file,
            line,
            column,
            message: format!("{message}. Nothing was imported: fix the row, or import the valid rows with --skip-invalid REJECTS.csv"),
        }
        .into(),
        Ok(other) => other.into(),
        Err(other) => other,
    }
}

/// Writes the rejected rows, each with its columns as read, its line and why.
fn write_rejects(target: &Target, summary: &Summary, raw_cells: bool) -> Result<()> {
    let tsv = target.given().extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    crate::report::write_atomically(target, |out| {
        let mut writer = csv::WriterBuilder::new().delimiter(if tsv { b'\t' } else { b',' }).from_writer(out);
        let mut header = summary.columns.clone();
        header.extend(["import_line".to_string(), "import_error".to_string()]);
        writer.write_record(&header)?;
        for rejected in &summary.rejected {
            let mut row = vec![String::new(); summary.columns.len()];
            for (i, value) in &rejected.cells {
                if let Some(slot) = row.get_mut(*i) {
                    *slot = if raw_cells {
                        value.clone()
                    } else {
                        crate::output::escape_formula(value).into_owned()
                    };
                }
            }
            row.push(rejected.line.to_string());
            row.push(crate::output::escape_formula(&rejected.reason).into_owned());
            writer.write_record(&row)?;
        }
        writer.flush()?;
        Ok(())
    })
}

/// Notes and, for a large file on a terminal, a progress line on stderr.
struct Progress {
    name: String,
    size: u64,
    /// Whether a progress line is shown: a large file, and stderr a terminal.
    on_terminal: bool,
    shown: bool,
    last: Option<Instant>,
}

/// Files smaller than this import too fast for a progress line to help.
const LARGE: u64 = 4 << 20;

impl Progress {
    fn new(name: &str, size: u64) -> Progress {
        Progress {
            name: name.to_string(),
            size,
            // Asked once: a system call a row was a fortieth of an import.
            on_terminal: size >= LARGE && std::io::stderr().is_terminal(),
            shown: false,
            last: None,
        }
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
            self.shown = false;
        }
    }
}

impl Listener for Progress {
    fn note(&mut self, text: &str) {
        self.clear();
        crate::say!("note: {text}");
    }

    fn progress(&mut self, bytes: u64) {
        if !self.on_terminal {
            return;
        }
        if self.last.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        self.last = Some(Instant::now());
        let percent = (bytes.min(self.size) * 100) / self.size.max(1);
        let filled = (percent / 5) as usize;
        eprint!(
            "\rimporting {} [{}{}] {percent:>3}%",
            self.name,
            "#".repeat(filled),
            " ".repeat(20 - filled)
        );
        let _ = std::io::stderr().flush();
        self.shown = true;
    }
}
