//! One module per command, each an `Args` (or subcommand enum) and a `run`.
//! Commands hold no SQL: they read and write through `store`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::error::UserError;
use crate::output::{self, Cell, Column, OutputArgs};
use crate::store::{self, Case, Record};

pub mod backup;
pub mod capture;
pub mod claim;
pub mod compare;
pub mod demo;
pub mod diff;
pub mod evidence;
pub mod export;
pub mod history;
pub mod import;
pub mod init;
pub mod mark;
pub mod merge;
pub mod party;
pub mod report;
pub mod retract;
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
            let mut case = Case::open(&ctx.db)?;
            let case = &mut case;
            match command {
                Command::Party(c) => party::run(c, case, &ctx),
                Command::Source(c) => source::run(c, case, &ctx),
                Command::Claim(c) => claim::run(c, case, &ctx),
                Command::Statement(c) => statement::run(c, case, &ctx),
                Command::Evidence(c) => evidence::run(c, case, &ctx),
                Command::Mark(args) => mark::run(args, case, &ctx),
                Command::Retract(args) => retract::run(args, case, &ctx, true),
                Command::Restore(args) => retract::run(args, case, &ctx, false),
                Command::History(args) => history::run(args, case),
                Command::Compare(args) => compare::run(args, case),
                Command::Report(args) => report::run(args, case, &ctx),
                Command::Export(args) => export::run(args, case, &ctx),
                Command::Import(args) => import::run(args, case, &ctx),
                Command::Merge(args) => merge::run(args, case, &ctx),
                Command::Diff(args) => diff::run(args, case, &ctx),
                Command::Verify(args) => verify::run(args, case, &ctx),
                Command::Backup(args) => backup::run(args, case, &ctx),
                Command::Search(args) => search::run(args, case, &ctx),
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
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Whether retracted records show.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct ScopeArgs {
    /// Show retracted records too (they are left out by default).
    #[arg(long)]
    pub include_retracted: bool,
}

impl ScopeArgs {
    pub fn scope(self) -> store::listing::Scope {
        store::listing::Scope {
            include_retracted: self.include_retracted,
        }
    }
}

/// The columns of a kind's listing, as the output module takes them.
pub fn listing_columns<R: Record>() -> Vec<Column> {
    store::listing::columns::<R>()
        .into_iter()
        .map(|(name, in_table)| Column { name, in_table })
        .collect()
}

/// Writes a listing's rows, as they are read, wherever `to` says: stdout
/// for `list`, a report file for `report`.
pub fn stream<R: Record>(
    to: output::To<'_>,
    extra: Vec<Column>,
    list: impl FnOnce(&mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()>,
    mut extend: impl FnMut(i64, &mut Vec<Cell>) -> Result<()>,
) -> Result<()> {
    let mut columns = listing_columns::<R>();
    columns.extend(extra);
    let mut sink = to(columns)?;
    list(&mut |id, mut cells| {
        extend(id, &mut cells)?;
        sink.row(cells)
    })?;
    sink.finish()
}

/// Writes one line on stdout. A closed pipe comes back as an error that
/// main treats as success, never a panic.
pub fn print_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Splits a comma-separated list flag: `RU,CN,JP`.
pub fn split_list(value: &str) -> Vec<String> {
    crate::domain::compare::split_list(value)
}

/// Reads a comma-separated list of words: `disputed,misleading`.
pub fn word_list<T>(value: &Option<String>, parse: impl Fn(&str) -> Result<T, UserError>) -> Result<Vec<T>> {
    match value {
        None => Ok(Vec::new()),
        Some(v) => Ok(split_list(v).iter().map(|w| parse(w)).collect::<Result<_, _>>()?),
    }
}

/// Creates a record in one transaction and prints its handle on stdout.
pub fn add<R: Record>(case: &mut Case, ctx: &Ctx, fields: &store::Fields, allow_duplicate: bool) -> Result<()> {
    let writer = case.write(&ctx.analyst()?)?;
    let handle = writer.create::<R>(fields, allow_duplicate)?;
    writer.commit()?;
    print_line(&handle)
}

/// Changes the given fields of one record in one transaction, and says on
/// stderr what happened.
pub fn edit<R: Record>(case: &mut Case, ctx: &Ctx, text: &str, fields: &store::Fields, reason: &str) -> Result<()> {
    if fields.0.is_empty() {
        return Err(UserError::Usage(format!(
            "nothing to change: give at least one field to set, for example `crosscheck {} edit {} --notes \"...\" --reason \"...\"`",
            R::KIND.table(),
            output::inert(text)
        ))
        .into());
    }
    let reason = required_reason(reason)?;
    let writer = case.write(&ctx.analyst()?)?;
    let changed = writer.edit::<R>(text, fields, reason)?;
    writer.commit()?;
    if changed.changed {
        eprintln!("updated {}", changed.handle);
    } else {
        eprintln!("{} already has these values; nothing changed", changed.handle);
    }
    Ok(())
}

/// A correction's reason, which the history must have.
pub fn required_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(UserError::missing(
            "reason",
            "say why, for example --reason \"Misattributed: the words are TASS's, not Shoigu's\"",
        )
        .into());
    }
    Ok(reason)
}

/// Prints a record's fields as a two-column table.
pub fn print_fields(lines: &[(String, String)]) -> Result<()> {
    let table = output::render_table(
        &["field", "value"],
        lines.iter().map(|(k, v)| vec![k.clone(), v.clone()]),
        output::Terminal::detect(),
    );
    print_line(&table.to_string())
}

/// Prints a titled table of rows, or says there are none.
pub fn print_section(title: &str, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
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
