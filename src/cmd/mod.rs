//! One module per command, each an `Args` (or subcommand enum) and a `run`.
//! Commands hold no SQL: they read and write through `store`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::error::UserError;
use crate::output::{self, Cell, Column, OutputArgs};
use crate::store::{self, Case, Record};

pub mod ach;
pub mod anchor;
pub mod backup;
pub mod capture;
pub mod claim;
pub mod compare;
pub mod completions;
pub mod demo;
pub mod diff;
pub mod evidence;
pub mod export;
pub mod history;
pub mod hypothesis;
pub mod import;
pub mod init;
pub mod mark;
pub mod merge;
pub mod name;
pub mod party;
pub mod place;
pub mod rate;
pub mod rating;
pub mod report;
pub mod retract;
pub mod search;
pub mod source;
pub mod statement;
pub mod upgrade;
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
            .unwrap_or_else(|| {
                // Said once a command, however often the name is asked for.
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    crate::say!(
                        "warning: no analyst's name (no --as, CROSSCHECK_ANALYST or login name): the history records \"unknown\"; give --as NAME"
                    )
                });
                "unknown".to_string()
            });
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(UserError::invalid("analyst", &name, "allowed: a name without control characters, given with --as").into());
        }
        Ok(name)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        // A password in a connection string is kept apart from here on.
        db: store::server::redact(cli.db),
        analyst: cli.analyst,
    };
    match cli.command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Demo(args) => demo::run(args, &ctx),
        // Neither needs a case file.
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::man(args),
        Command::Upgrade(args) => upgrade::run(args, &ctx),
        command => {
            let mut case = Case::open(&ctx.db)?;
            if writes(&command) {
                ready_to_write(&mut case, &ctx)?;
            } else if !case.schema().readable() && !matches!(command, Command::Backup(_)) {
                // Reading must not change the file: an archived case keeps
                // its bytes and its checksum.
                return Err(older_schema(&case));
            }
            let case = &mut case;
            match command {
                Command::Party(c) => party::run(c, case, &ctx),
                Command::Place(c) => place::run(c, case, &ctx),
                Command::Name(c) => name::run(c, case, &ctx),
                Command::Source(c) => source::run(c, case, &ctx),
                Command::Claim(c) => claim::run(c, case, &ctx),
                Command::Statement(c) => statement::run(c, case, &ctx),
                Command::Evidence(c) => evidence::run(c, case, &ctx),
                Command::Hypothesis(c) => hypothesis::run(c, case, &ctx),
                Command::Rate(args) => rate::run(args, case, &ctx),
                Command::Rating(c) => rating::run(c, case, &ctx),
                Command::Ach(args) => ach::run(args, case),
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
                Command::Anchor(args) => anchor::run(args, case, &ctx),
                Command::Backup(args) => backup::run(args, case, &ctx),
                Command::Search(args) => search::run(args, case, &ctx),
                Command::Init(_) | Command::Demo(_) | Command::Upgrade(_) | Command::Completions(_) | Command::Man(_) => {
                    unreachable!("handled above")
                }
            }
        }
    }
}

/// Whether a command's output goes through the pager when stdout is a
/// terminal: what a reading command prints for a reader, unless
/// `--no-pager` or an `--output` file. Never a command that changes the
/// case (its output is a handle or a note), nor one that writes bytes or
/// scripts (`source extract`, `completions`, `man`).
pub fn pages(cli: &Cli) -> bool {
    if cli.no_pager {
        return false;
    }
    match &cli.command {
        Command::Party(c) => matches!(c, party::Command::List(_)),
        Command::Source(c) => matches!(c, source::Command::List(_) | source::Command::Show(_)),
        Command::Claim(c) => matches!(c, claim::Command::List(_) | claim::Command::Show(_)),
        Command::Statement(c) => matches!(c, statement::Command::List(_)),
        Command::Evidence(c) => matches!(c, evidence::Command::List(_)),
        Command::Hypothesis(c) => matches!(c, hypothesis::Command::List(_)),
        Command::Place(c) => matches!(c, place::Command::List(_) | place::Command::Show(_)),
        Command::Name(c) => matches!(c, name::Command::List(_)),
        Command::Report(args) => args.subject.output().is_none(),
        Command::Export(args) => args.output().is_none(),
        Command::Search(args) => !args.rebuild,
        Command::Rating(_)
        | Command::Demo(_)
        | Command::History(_)
        | Command::Compare(_)
        | Command::Ach(_)
        | Command::Verify(_)
        | Command::Diff(_) => true,
        Command::Init(_)
        | Command::Rate(_)
        | Command::Mark(_)
        | Command::Retract(_)
        | Command::Restore(_)
        | Command::Import(_)
        | Command::Merge(_)
        | Command::Anchor(_)
        | Command::Backup(_)
        | Command::Upgrade(_)
        | Command::Completions(_)
        | Command::Man(_) => false,
    }
}

/// True for the commands that change the case.
fn writes(command: &Command) -> bool {
    match command {
        Command::Party(c) => !matches!(c, party::Command::List(_)),
        Command::Source(c) => matches!(c, source::Command::Add(_) | source::Command::Edit(_) | source::Command::Attach(_)),
        Command::Claim(c) => matches!(c, claim::Command::Add(_) | claim::Command::Edit(_)),
        Command::Statement(c) => !matches!(c, statement::Command::List(_)),
        Command::Evidence(c) => !matches!(c, evidence::Command::List(_)),
        // A dry run writes nothing, and must not upgrade the file either.
        Command::Import(args) => !args.dry_run,
        Command::Hypothesis(c) => !matches!(c, hypothesis::Command::List(_)),
        Command::Place(c) => !matches!(c, place::Command::List(_) | place::Command::Show(_)),
        Command::Name(c) => !matches!(c, name::Command::List(_)),
        Command::Rating(_) => false,
        Command::Mark(_) | Command::Retract(_) | Command::Restore(_) | Command::Anchor(_) | Command::Rate(_) => true,
        Command::Merge(args) => !args.dry_run,
        // A diff runs the merge in a transaction it drops: it needs the case up to date.
        Command::Diff(_) => true,
        Command::Init(_) | Command::Upgrade(_) => true,
        Command::Search(args) => args.rebuild,
        Command::Demo(_)
        | Command::History(_)
        | Command::Compare(_)
        | Command::Report(_)
        | Command::Export(_)
        | Command::Verify(_)
        | Command::Backup(_)
        | Command::Ach(_)
        | Command::Completions(_)
        | Command::Man(_) => false,
    }
}

/// Readies a case for a writing command: a case of an older schema, or
/// one made before crosscheck marked its files, is brought up to date,
/// after saying so on stderr.
pub fn ready_to_write(case: &mut Case, ctx: &Ctx) -> Result<()> {
    let analyst = ctx.analyst()?;
    let schema = case.schema();
    if !schema.readable() {
        crate::say!(
            "upgrading case file {} from schema version {} to {} before writing; older crosscheck versions will no longer open it (`crosscheck upgrade` does this after making a checked backup)",
            output::inert(&ctx.db.display().to_string()),
            schema.version,
            store::db::latest_version()
        );
    } else if !schema.marked {
        crate::say!(
            "marking case file {} as a crosscheck case (PRAGMA application_id) before writing; nothing else about it changes",
            output::inert(&ctx.db.display().to_string())
        );
    }
    case.upgrade(&analyst)?;
    Ok(())
}

/// The refusal of a reading command on a case of an older schema.
pub fn older_schema(case: &Case) -> anyhow::Error {
    anyhow::anyhow!(
        "case file {} has schema version {}; this crosscheck reads version {}. Nothing was changed: `crosscheck upgrade` brings the case up to date after making a checked backup, or read it with the crosscheck that made it",
        output::inert(&case.path().display().to_string()),
        case.schema().version,
        store::db::latest_version()
    )
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
    pub order: OrderArgs,
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
            ..Default::default()
        }
    }
}

/// The order of a listing and how much of it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OrderArgs {
    /// Order by this field (any of the listing's columns that holds a value of its own: slug, title, published, status...); by default, by handle (history: by entry).
    #[arg(long, value_name = "FIELD")]
    pub sort: Option<String>,
    /// Reverse the order: newest handle, or the highest value, first.
    #[arg(long)]
    pub desc: bool,
    /// At most N records.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

impl OrderArgs {
    /// The scope of a listing with this order.
    pub fn with(&self, scope: ScopeArgs) -> store::listing::Scope {
        store::listing::Scope {
            sort: self.sort.clone(),
            descending: self.desc,
            limit: self.limit,
            ..scope.scope()
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
/// `positional` names the fields the command takes as arguments rather than
/// flags, so that an error names what the user typed.
pub fn add<R: Record>(case: &mut Case, ctx: &Ctx, fields: &store::Fields, allow_duplicate: bool, positional: &[&str]) -> Result<()> {
    let writer = case.write(&ctx.analyst()?)?;
    let handle = writer.create::<R>(fields, allow_duplicate).map_err(|e| as_flags(e, positional))?;
    writer.commit()?;
    print_line(&handle)?;
    warn(case, &handle, R::KIND, fields)
}

/// Warnings about a record just written, which never block: a date in the
/// future (a typo for a past year, as often as not) and a statement with no
/// source that records it.
fn warn(case: &Case, handle: &str, kind: store::Kind, fields: &store::Fields) -> Result<()> {
    let date = match kind {
        store::Kind::Claim => fields.get("claimed_on"),
        store::Kind::Statement => fields.get("said_on"),
        _ => "",
    }
    .trim();
    let today = case.now()?;
    let today = today.get(..10).unwrap_or(&today);
    // A date given to the year or month is in the future when it starts after today.
    if !date.is_empty() && date > today {
        crate::say!(
            "warning: {handle} is dated {date}, after today ({today}); correct it with `crosscheck {kind} edit {handle} --date ... --reason ...` if that is a typo"
        );
    }
    if kind == store::Kind::Statement && fields.get("source").trim().is_empty() && fields.get("source_uuid").trim().is_empty() {
        crate::say!(
            "warning: {handle} has no source that records it; add one with `crosscheck statement edit {handle} --source S12 --reason ...`"
        );
    }
    Ok(())
}

/// The flag a record field is set with: `claimed_on` and `said_on` by
/// `--date`, the rest by their own name (`copy_url` by `--copy-url`).
fn flag(field: &str) -> String {
    match field {
        "claimed_on" | "said_on" => "--date".to_string(),
        // "party kind", "source kind": the words name the field; `--kind` sets it.
        other => format!("--{}", other.rsplit(' ').next().unwrap_or(other).replace('_', "-")),
    }
}

/// Rewrites an error about a field to name the flag the user typed.
/// An entry `field=--flag` in `positional` names a flag that differs from
/// the field (`language=--lang`).
fn as_flags(err: anyhow::Error, positional: &[&str]) -> anyhow::Error {
    let named = |field: &String| {
        let renamed = positional
            .iter()
            .find_map(|p| p.strip_prefix(field.as_str()).and_then(|rest| rest.strip_prefix('=')));
        match renamed {
            Some(flag) => flag.to_string(),
            None if positional.contains(&field.as_str()) => field.clone(),
            None => flag(field),
        }
    };
    match err.downcast::<UserError>() {
        Ok(UserError::Invalid { field, value, allowed }) => UserError::Invalid {
            field: named(&field),
            value,
            allowed,
        }
        .into(),
        Ok(UserError::Missing { field, hint }) => UserError::Missing {
            field: named(&field),
            hint,
        }
        .into(),
        Ok(other) => other.into(),
        Err(err) => err,
    }
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
    let changed = writer.edit::<R>(text, fields, reason).map_err(|e| as_flags(e, &[]))?;
    writer.commit()?;
    if changed.changed {
        crate::say!("updated {}", changed.handle);
    } else {
        crate::say!("{} already has these values; nothing changed", changed.handle);
    }
    Ok(())
}

/// A correction's reason, which the history must have.
pub fn required_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(UserError::missing(
            "--reason",
            "say why, for example --reason \"Misattributed: the words are TASS's, not Shoigu's\"",
        )
        .into());
    }
    Ok(reason)
}

/// Prints a record's handle and fields as a two-column table. `shown` may
/// give a field a fuller form ("B (usually reliable)"); a retracted record
/// says so, with the reason.
pub fn print_record(handle: String, fields: store::Fields, shown: impl Fn(&str, &str) -> Option<String>) -> Result<()> {
    let mut lines = vec![("handle".to_string(), handle)];
    for (name, value) in fields.0 {
        let value = match (name, shown(name, &value)) {
            (_, Some(fuller)) => fuller,
            ("retracted", None) if !value.is_empty() => format!("yes: {value}"),
            (_, None) => value,
        };
        lines.push((name.to_string(), value));
    }
    print_fields(&lines)
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

/// Prints a record's trail of changes as a titled table, oldest first.
pub fn print_history(case: &Case, kind: store::Kind, id: i64, title: &str) -> Result<()> {
    let mut history = Vec::new();
    case.history(Some((kind, id)), &mut |e| {
        history.push(vec![
            e.id.to_string(),
            e.at.clone(),
            e.analyst.clone(),
            e.action.clone(),
            e.handle.clone(),
            history::summarise(&e),
            e.reason,
        ]);
        Ok(())
    })?;
    print_section(title, &["entry", "at", "analyst", "action", "record", "change", "reason"], history)
}

/// How `show` writes one record with its sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ShowFormat {
    /// Tables for people (the default).
    #[default]
    Table,
    /// One JSON object: the record's fields, then each section as an array of objects.
    Json,
    /// The same object on one line.
    Jsonl,
}

/// The rows a listing gives, as JSON objects by column name.
pub fn objects<R: Record>(list: impl FnOnce(&mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()>) -> Result<Vec<serde_json::Value>> {
    let names: Vec<String> = store::listing::columns::<R>().into_iter().map(|(name, _)| name).collect();
    let mut found = Vec::new();
    list(&mut |_, cells| {
        let object: serde_json::Map<String, serde_json::Value> = names.iter().cloned().zip(cells.iter().map(Cell::json)).collect();
        found.push(serde_json::Value::Object(object));
        Ok(())
    })?;
    Ok(found)
}

/// A record's history as JSON objects, oldest first.
pub fn history_objects(case: &Case, kind: store::Kind, id: i64) -> Result<Vec<serde_json::Value>> {
    let mut entries = Vec::new();
    case.history(Some((kind, id)), &mut |e| {
        entries.push(serde_json::json!({
            "entry": e.id,
            "at": e.at,
            "analyst": e.analyst,
            "action": e.action,
            "record": e.handle,
            "change": history::summarise(&e),
            "reason": e.reason,
            "hash": e.hash,
        }));
        Ok(())
    })?;
    Ok(entries)
}

/// Writes a `show` object for scripts.
pub fn print_object(value: &serde_json::Value, format: ShowFormat) -> Result<()> {
    let text = match format {
        ShowFormat::Jsonl => value.to_string(),
        _ => serde_json::to_string_pretty(value)?,
    };
    print_line(&text)
}
