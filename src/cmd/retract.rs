//! `crosscheck retract RECORD --reason TEXT` and `crosscheck restore`:
//! withdraw a record, or undo that. Nothing is deleted: a retracted record
//! stays in the file and its history, and drops out of listings,
//! comparisons, counts, reports and search.

use anyhow::Result;

use super::Ctx;
use crate::output::inert;
use crate::store::Case;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record: a handle (C3, S12, ST4, E5, P7, H1, R3, PL1, N4), a claim, source or place slug, a party code, or a UUID.
    pub record: String,
    /// Why, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx, retract: bool) -> Result<()> {
    let reason = super::required_reason(&args.reason)?;
    let writer = case.write(&ctx.analyst()?)?;
    let (changed, dependents) = writer.retract(&args.record, retract, reason)?;
    writer.commit()?;
    let handle = changed.handle;
    if !changed.changed {
        crate::say!("{handle} is already retracted; nothing changed");
        return Ok(());
    }
    if !retract {
        crate::say!("restored {handle}: it shows again in listings, comparisons and reports");
        return Ok(());
    }
    crate::say!(
        "retracted {handle}: it stays in the case file and its history, and is left out of listings, comparisons, reports and search"
    );
    if !dependents.is_empty() {
        let shown: Vec<&str> = dependents.iter().take(20).map(String::as_str).collect();
        crate::say!(
            "note: {} live record{} refer{} to {handle} and {} not retracted: {}{}; retract each that should go with it (`crosscheck retract {} --reason {:?}`)",
            dependents.len(),
            if dependents.len() == 1 { "" } else { "s" },
            if dependents.len() == 1 { "s" } else { "" },
            if dependents.len() == 1 { "was" } else { "were" },
            shown.join(", "),
            if dependents.len() > shown.len() { ", ..." } else { "" },
            dependents[0],
            inert(reason)
        );
    }
    Ok(())
}
