//! `crosscheck anchor`: the head of the history, in a form to publish or
//! send, so that the case can be checked against it later
//! (`crosscheck verify --expect HASH`). The anchoring is itself recorded.

use anyhow::Result;

use super::Ctx;
use crate::model::grouped;
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck anchor\n  crosscheck anchor --reason \"sent to the editor, 24 July\"\n\nPrints the newest history entry's hash, the number of entries and the time, after writing an `anchor` entry (which is that newest entry). Keep what it prints outside the case file: publish it with the report, email it, write it in a notebook. Later, `crosscheck verify --expect HASH` fails unless the case's history still holds that entry: a history rewritten since, even with every hash recomputed, no longer does."
)]
pub struct Args {
    /// Where the hash goes or why, for the history: "sent to the editor", "published with the report".
    #[arg(long, default_value = "")]
    pub reason: String,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let writer = case.write(&ctx.analyst()?)?;
    let head = writer.anchor(args.reason.trim())?;
    writer.commit()?;
    let name = ctx.db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    super::print_line(&crate::output::inert(&format!(
        "crosscheck case {name}: history entry {id}, {entries} {noun}, written {at}\nhash {hash}\ncheck with: crosscheck verify --expect {hash}",
        id = head.id,
        entries = grouped(head.entries as f64),
        noun = if head.entries == 1 { "entry" } else { "entries" },
        at = head.at,
        hash = head.hash,
    )))
}
