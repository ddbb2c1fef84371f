//! `crosscheck merge OTHER.db`: bring another case file's records, history
//! and captures into this case, matched by UUID and merged three ways, in
//! one transaction (store/merge.rs). `--dry-run` prints the plan.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::UserError;
use crate::model::grouped;
use crate::output::{self, inert};
use crate::store::merge::{Change, Counts, Options, Outcome, Prefer, What};
use crate::store::{Case, Kind};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck merge field-copy.db --dry-run
  crosscheck merge field-copy.db
  crosscheck merge desk-b.db --prefer theirs --as \"A. Editor\"

Records match by UUID: new ones come in under handles of their own, and a record both files hold is merged field by field against the last state both histories share. A field changed on both sides to different values, a verdict marked differently, a retraction against an edit, and a slug or party code another record holds here are conflicts: the merge stops, writes nothing and lists each one, unless --prefer settles them all one way. The other file's history entries come with it, each with the hash it has there; `crosscheck verify --other OTHER.db` checks them against that file. Merging the same file again changes nothing.")]
pub struct Args {
    #[command(flatten)]
    pub from: OtherFile,
    /// Print the plan, counts per kind, every change and every conflict, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// What to merge, and how: shared by `merge` and `diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct OtherFile {
    /// The other case file. It is only read, never changed.
    #[arg(value_name = "OTHER.db")]
    pub other: PathBuf,
    /// Settle every conflict one way: ours (this case's value) or theirs (the other file's). Each settled conflict is recorded in the history.
    #[arg(long, value_enum)]
    pub prefer: Option<Prefer>,
    /// Merge a file that fails its own `crosscheck verify`; the merge entry records its problems.
    #[arg(long)]
    pub force_unverified: bool,
}

impl OtherFile {
    pub fn options(&self, dry_run: bool) -> Options {
        Options {
            prefer: self.prefer,
            force_unverified: self.force_unverified,
            dry_run,
        }
    }
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let analyst = ctx.analyst()?;
    let dry_run = args.dry_run;
    let outcome = case.merge(&args.from.other, args.from.options(dry_run), &analyst, &mut |change| {
        if dry_run {
            super::print_line(&line(change))
        } else {
            // A merge names what needs a person's eye; the rest is counted.
            if !matches!(change.what, What::New | What::Update) {
                eprintln!("{}", line(change));
            }
            Ok(())
        }
    })?;
    if dry_run {
        super::print_line(&counts_table(&outcome))?;
    }
    if outcome.unsettled > 0 {
        return Err(stopped(&outcome, dry_run).into());
    }
    if !outcome.anything() {
        eprintln!("{} holds nothing this case lacks; nothing changed", inert(&outcome.name));
        return Ok(());
    }
    if dry_run {
        eprintln!(
            "dry run: merging {} would bring {}. Nothing was written.",
            inert(&outcome.name),
            summary(&outcome)
        );
    } else {
        eprintln!("merged {}: {}", inert(&outcome.name), summary(&outcome));
    }
    Ok(())
}

/// The error for conflicts left unsettled.
fn stopped(outcome: &Outcome, listed_on_stdout: bool) -> UserError {
    UserError::Conflict(format!(
        "{} conflict{} with {} (listed {}): nothing was written; settle {} with --prefer ours or --prefer theirs, or change the records in either file and merge again",
        outcome.unsettled,
        if outcome.unsettled == 1 { "" } else { "s" },
        inert(&outcome.name),
        if listed_on_stdout { "above" } else { "on stderr" },
        if outcome.unsettled == 1 { "it" } else { "them all" }
    ))
}

/// One line of the plan.
fn line(c: &Change) -> String {
    let value = |v: &str| format!("{:?}", inert(&output::shorten(v, 120)));
    let by = |who: &str| {
        if who.is_empty() {
            String::new()
        } else {
            format!(" ({})", inert(who))
        }
    };
    let record = format!("{} {}", c.kind, c.record);
    let text = match c.what {
        What::New => format!("{record}: {}{}", value(&c.theirs), by(&c.theirs_by)),
        What::Update => format!(
            "{record} {}: {} → {}{}",
            c.field,
            value(&c.ours),
            value(&c.theirs),
            by(&c.theirs_by)
        ),
        What::Conflict | What::Settled if c.base.is_some() || !c.ours_by.is_empty() || !c.theirs_by.is_empty() => format!(
            "{record} {}: base {}; ours {}{}; theirs {}{}",
            c.field,
            c.base.as_deref().map_or_else(|| "unknown".to_string(), value),
            value(&c.ours),
            by(&c.ours_by),
            value(&c.theirs),
            by(&c.theirs_by)
        ),
        What::Conflict | What::Settled | What::Collision => {
            format!("{record} {}: ours {}; theirs {}", c.field, value(&c.ours), value(&c.theirs))
        }
        What::Duplicate => record,
    };
    let note = if c.note.is_empty() {
        String::new()
    } else {
        format!(" [{}]", inert(&c.note))
    };
    format!("{:<10}{text}{note}", c.what.as_str())
}

/// Counts per kind, as a table.
fn counts_table(outcome: &Outcome) -> String {
    let rows = outcome.counts.iter().map(|(kind, c)| {
        vec![
            kind.to_string(),
            c.new.to_string(),
            c.updated.to_string(),
            c.conflicts.to_string(),
            c.settled.to_string(),
        ]
    });
    output::render_table(
        &["kind", "new", "updated", "conflicts", "settled"],
        rows,
        output::Terminal::detect(),
    )
}

/// "2 new claims, 1 claim updated, 12 history entries".
pub fn summary(outcome: &Outcome) -> String {
    let mut parts = Vec::new();
    let total = |f: fn(&Counts) -> u64| outcome.counts.iter().map(|(_, c)| f(c)).sum::<u64>();
    for (kind, c) in &outcome.counts {
        if c.new > 0 {
            let noun = match (c.new, Kind::from_table(kind)) {
                (1, _) => kind.to_string(),
                (_, Some(k)) => k.plural().to_string(),
                (_, None) => format!("{kind}s"),
            };
            parts.push(format!("{} new {noun}", grouped(c.new as f64)));
        }
    }
    let updated = total(|c| c.updated);
    if updated > 0 {
        parts.push(format!(
            "{} record{} updated",
            grouped(updated as f64),
            if updated == 1 { "" } else { "s" }
        ));
    }
    let settled = total(|c| c.settled);
    if settled > 0 {
        parts.push(format!("{} conflict{} settled", settled, if settled == 1 { "" } else { "s" }));
    }
    parts.push(format!(
        "{} history entr{}",
        grouped(outcome.entries as f64),
        if outcome.entries == 1 { "y" } else { "ies" }
    ));
    if !outcome.unverified.is_empty() {
        parts.push(format!(
            "although it fails verification ({} problem{}, recorded in the merge entry)",
            outcome.unverified.len(),
            if outcome.unverified.len() == 1 { "" } else { "s" }
        ));
    }
    parts.join(", ")
}
