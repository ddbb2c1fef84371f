//! `crosscheck rate HYPOTHESIS ITEM RATING`: how consistent one evidence item
//! or statement is with one hypothesis. Rating it again replaces the rating;
//! the history keeps every one.

use anyhow::Result;

use super::Ctx;
use crate::store::Case;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The hypothesis: H1 or its UUID.
    pub hypothesis: String,
    /// The evidence item or statement of the hypothesis's claim: E5, ST4, or its UUID.
    pub item: String,
    /// Heuer's scale: CC very consistent, C consistent, N neutral, NA not applicable, I inconsistent, II very inconsistent.
    pub rating: String,
    /// How much the item bears on the hypothesis: low, medium (the default) or high. It weights the rating's points.
    #[arg(long)]
    pub relevance: Option<String>,
    /// Why this rating: the reasoning a reviewer should see.
    #[arg(long)]
    pub note: Option<String>,
    /// Why a rating was changed, for the history (when rating an item again).
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let writer = case.write(&ctx.analyst()?)?;
    let rated = writer
        .rate(
            &args.hypothesis,
            &args.item,
            &args.rating,
            args.relevance.as_deref(),
            args.note.as_deref(),
            args.reason.as_deref().unwrap_or_default().trim(),
        )
        .map_err(|e| super::as_flags(e, &["hypothesis", "item", "rating"]))?;
    writer.commit()?;
    match (&rated.was, rated.changed) {
        (None, _) => {}
        (Some(was), true) => crate::say!("{} rated again: {} replaces {was}; the history keeps both", rated.handle, rated.now),
        (Some(_), false) => crate::say!("{} already holds this rating; nothing changed", rated.handle),
    }
    super::print_line(&rated.handle)
}
