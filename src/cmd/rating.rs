//! `crosscheck rating list`: the ratings `crosscheck rate` recorded.

use anyhow::Result;

use super::Ctx;
use crate::output;
use crate::store::listing::{RatingFilter, Scope};
use crate::store::{Case, Rating};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List ratings: which item is rated how against which hypothesis (`crosscheck rate` adds and replaces them).
    #[command(
        after_help = "Examples:\n  crosscheck rating list --claim C13\n  crosscheck rating list --hypothesis H2 --format csv\n  crosscheck rating list --item E59"
    )]
    List(super::ListArgs<Filter>),
}

/// Which ratings `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only ratings against the hypotheses of this claim.
    #[arg(long)]
    pub claim: Option<String>,
    /// Only ratings against this hypothesis.
    #[arg(long)]
    pub hypothesis: Option<String>,
    /// Only ratings of this evidence item or statement: E5, ST4.
    #[arg(long)]
    pub item: Option<String>,
}

pub fn run(command: Command, case: &mut Case, _ctx: &Ctx) -> Result<()> {
    match command {
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
    }
}

/// The rating listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = RatingFilter {
        claim: filter.claim.clone(),
        hypothesis: filter.hypothesis.clone(),
        item: filter.item.clone(),
    };
    super::stream::<Rating>(to, Vec::new(), |each| case.list_ratings(&filter, scope, each), |_, _| Ok(()))
}
