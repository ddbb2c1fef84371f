//! One module per command, each an `Args` (or subcommand enum) and a `run`.

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::Connection;

use crate::cli::{Cli, Command};
use crate::db;
use crate::error::UserError;
use crate::history::Actor;
use crate::output::{self, Cell, Column, OutputArgs};

pub mod backup;
pub mod capture;
pub mod claim;
pub mod compare;
pub mod demo;
pub mod evidence;
pub mod export;
pub mod history;
pub mod import;
pub mod init;
pub mod mark;
pub mod party;
pub mod report;
pub mod search;
pub mod source;
pub mod statement;
pub mod verify;

/// What every command is given: where the case file is and who is working.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    pub analyst: Option<String>,
}

impl Ctx {
    /// The analyst recorded in history: `--as`, else CROSSCHECK_ANALYST, else
    /// the login name.
    pub fn analyst(&self) -> Result<String> {
        let name = self
            .analyst
            .clone()
            .or_else(|| std::env::var("CROSSCHECK_ANALYST").ok().filter(|s| !s.trim().is_empty()))
            .or_else(|| std::env::var("USER").ok().filter(|s| !s.trim().is_empty()))
            .or_else(|| std::env::var("LOGNAME").ok().filter(|s| !s.trim().is_empty()))
            .or_else(|| std::env::var("USERNAME").ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| "unknown".to_string());
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(UserError::invalid("analyst", &name, "allowed: a name without control characters, given with --as").into());
        }
        Ok(name)
    }

    /// Who is writing and when, taken once per command.
    pub fn actor(&self, conn: &Connection) -> Result<Actor> {
        Ok(Actor {
            analyst: self.analyst()?,
            at: db::now(conn)?,
        })
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        db: cli.db,
        analyst: cli.analyst,
    };
    match cli.command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Demo(args) => demo::run(args, &ctx),
        command => {
            let mut conn = db::open(&ctx.db)?;
            match command {
                Command::Party(c) => party::run(c, &mut conn, &ctx),
                Command::Source(c) => source::run(c, &mut conn, &ctx),
                Command::Claim(c) => claim::run(c, &mut conn, &ctx),
                Command::Statement(c) => statement::run(c, &mut conn, &ctx),
                Command::Evidence(c) => evidence::run(c, &mut conn, &ctx),
                Command::Mark(args) => mark::run(args, &mut conn, &ctx),
                Command::History(args) => history::run(args, &conn),
                Command::Compare(args) => compare::run(args, &conn),
                Command::Report(args) => report::run(args, &mut conn, &ctx),
                Command::Export(args) => export::run(args, &mut conn, &ctx),
                Command::Import(args) => import::run(args, &mut conn, &ctx),
                Command::Verify(args) => verify::run(args, &mut conn, &ctx),
                Command::Backup(args) => backup::run(args, &mut conn, &ctx),
                Command::Search(args) => search::run(args, &mut conn, &ctx),
                Command::Init(_) | Command::Demo(_) => unreachable!("handled above"),
            }
        }
    }
}

/// A listing's flags: which records (the filter `report` shares), and how
/// to write them.
#[derive(Debug, clap::Args)]
pub struct ListArgs<F: clap::Args> {
    #[command(flatten)]
    pub filter: F,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs a listing query and writes each row, as it is read, wherever `to`
/// says: stdout for `list`, a report file for `report`.
pub fn stream_to<'a>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
    columns: Vec<Column>,
    to: output::To<'a>,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> Result<Vec<Cell>>,
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut sink = to(columns)?;
    while let Some(row) = rows.next()? {
        sink.row(map(row)?)?;
    }
    sink.finish()
}

/// A figure stored as two columns, written as text: `300000`, `50000..100000`.
pub fn figure_cell(low: Option<f64>, high: Option<f64>) -> Cell {
    crate::model::Figure::from_columns(low, high).map_or(Cell::Text(String::new()), |f| Cell::Text(f.plain()))
}

/// Prints a new record's handle on stdout, and nothing else there.
pub fn print_handle(kind: crate::handle::Kind, id: i64) {
    println!("{}", crate::handle::format(kind, id));
}

/// Splits a comma-separated list flag: `RU,CN,JP`.
pub fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Changes the given fields of one record in one transaction, and says on
/// stderr what happened.
pub fn edit<R: crate::record::Record>(
    conn: &mut Connection,
    ctx: &Ctx,
    text: &str,
    fields: &crate::record::Fields,
    reason: &str,
) -> Result<()> {
    if fields.0.is_empty() {
        return Err(UserError::Usage(format!(
            "nothing to change: give at least one field to set, for example `crosscheck {} edit {text} --notes \"...\"`",
            R::KIND.table()
        ))
        .into());
    }
    let tx = db::write(conn)?;
    let actor = ctx.actor(&tx)?;
    let id = crate::handle::resolve(&tx, R::KIND, text)?;
    let changed = crate::record::edit::<R>(&tx, &actor, id, fields, reason)?;
    tx.commit()?;
    let handle = crate::handle::format(R::KIND, id);
    if changed {
        eprintln!("updated {handle}");
    } else {
        eprintln!("{handle} already has these values; nothing changed");
    }
    Ok(())
}

/// Prints a record's fields as a two-column table.
pub fn print_fields(lines: &[(String, String)]) -> Result<()> {
    use std::io::Write;
    let table = output::render_table(
        &["field", "value"],
        lines.iter().map(|(k, v)| vec![k.clone(), v.clone()]),
        output::Terminal::detect(),
    );
    writeln!(std::io::stdout().lock(), "{table}")?;
    Ok(())
}

/// Prints a titled table of the rows a query gives for one record, or says
/// there are none.
pub fn print_section(conn: &Connection, title: &str, sql: &str, id: i64, headers: &[&str]) -> Result<()> {
    use std::io::Write;
    let mut stmt = conn.prepare(sql)?;
    let count = stmt.column_count();
    let rows: Vec<Vec<String>> = stmt
        .query_map([id], |r| {
            (0..count).map(|i| value_text(r.get_ref(i)?)).collect::<rusqlite::Result<Vec<_>>>()
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "\n{title}")?;
    if rows.is_empty() {
        writeln!(out, "  (none)")?;
    } else {
        writeln!(
            out,
            "{}",
            output::render_table(headers, rows.into_iter(), output::Terminal::detect())
        )?;
    }
    Ok(())
}

/// Any SQLite value as display text.
pub fn value_text(value: rusqlite::types::ValueRef<'_>) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(n) => crate::model::plain_number(n),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
    })
}
