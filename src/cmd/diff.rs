//! `crosscheck diff OTHER.db`: what merging another case file would change,
//! and every conflict, as a listing in the usual formats. It runs the merge
//! and writes nothing (store/merge.rs).

use anyhow::Result;

use super::Ctx;
use super::merge::OtherFile;
use crate::output::{self, Cell, OutputArgs, columns};
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck diff field-copy.db
  crosscheck diff desk-b.db --format csv > plan.csv
  crosscheck diff desk-b.db --prefer ours --format json

One row per record, capture or import that would come in, per field that would change, and per conflict, with the value both files started from (base), each side's value, and who set it when. Counts go to stderr. `crosscheck merge OTHER.db --dry-run` prints the same plan as text.")]
pub struct Args {
    #[command(flatten)]
    pub from: OtherFile,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let analyst = ctx.analyst()?;
    let mut sink = output::to_stdout(&args.output)(columns(&[
        "change",
        "kind",
        "record",
        "-uuid",
        "field",
        "base",
        "ours",
        "theirs",
        "ours_by",
        "theirs_by",
        "note",
    ]))?;
    let outcome = case.merge(&args.from.other, args.from.options(true), &analyst, &mut |c| {
        sink.row(vec![
            Cell::from(c.what.as_str()),
            Cell::from(c.kind),
            Cell::Text(c.record.clone()),
            Cell::Text(c.uuid.clone()),
            Cell::Text(c.field.clone()),
            c.base.clone().into(),
            Cell::Text(c.ours.clone()),
            Cell::Text(c.theirs.clone()),
            Cell::Text(c.ours_by.clone()),
            Cell::Text(c.theirs_by.clone()),
            Cell::Text(c.note.clone()),
        ])
    })?;
    sink.finish()?;
    if !outcome.anything() {
        eprintln!("{} holds nothing this case lacks", output::inert(&outcome.name));
    } else {
        eprintln!(
            "merging {} would bring {}",
            output::inert(&outcome.name),
            super::merge::summary(&outcome)
        );
        if outcome.unsettled > 0 {
            eprintln!(
                "{} conflict{} would stop the merge (change = conflict or collision)",
                outcome.unsettled,
                if outcome.unsettled == 1 { "" } else { "s" }
            );
        }
    }
    Ok(())
}
