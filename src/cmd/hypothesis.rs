//! `crosscheck hypothesis add|list|edit`: a claim's competing explanations,
//! for the matrix of `crosscheck ach`.

use anyhow::Result;

use super::Ctx;
use crate::output;
use crate::store::listing::{HypothesisFilter, Scope};
use crate::store::{Case, Fields, Hypothesis};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a hypothesis: one explanation of a claim; prints its handle (H1) on stdout. A claim's hypotheses are meant to be mutually exclusive: at most one of them can be true.
    #[command(
        after_help = "Examples:\n  crosscheck hypothesis add air-patrol-2019-airspace-violated \\\n    \"A Russian aircraft entered the airspace deliberately\"\n  crosscheck hypothesis add C13 \"No Russian aircraft entered the airspace\" \\\n    --notes \"Russia's MoD account\"\n\nWrite each hypothesis so that it excludes the others (deliberate entry, entry by error, no entry), and give at least two: `crosscheck ach CLAIM` weighs the evidence against each."
    )]
    Add(AddArgs),
    /// List hypotheses.
    #[command(after_help = "Examples:\n  crosscheck hypothesis list --claim C13\n  crosscheck hypothesis list --format csv")]
    List(super::ListArgs<Filter>),
    /// Correct a hypothesis; the history keeps the old values and the reason.
    #[command(
        after_help = "Example:\n  crosscheck hypothesis edit H2 \\\n    --text \"It entered by a navigation error or an equipment malfunction\" \\\n    --reason \"Both accounts Seoul reported\""
    )]
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim it explains: C3, its slug or UUID.
    pub claim: String,
    /// The explanation, worded so that it excludes the claim's other hypotheses.
    pub text: String,
    /// Free notes: whose account it is, what would show it wrong.
    #[arg(long)]
    pub notes: Option<String>,
    /// Add it even if a live hypothesis of the claim has the same words.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The hypothesis: H1 or its UUID.
    pub hypothesis: String,
    /// Another claim: C3, its slug or UUID (only while the hypothesis has no live ratings).
    #[arg(long)]
    pub claim: Option<String>,
    /// New words.
    #[arg(long)]
    pub text: Option<String>,
    /// New notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

/// Which hypotheses `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only the hypotheses of this claim.
    #[arg(long)]
    pub claim: Option<String>,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("claim", args.claim);
            fields.set("text", args.text);
            fields.set_opt("notes", args.notes);
            fields.set_opt("uuid", args.uuid);
            super::add::<Hypothesis>(case, ctx, &fields, args.allow_duplicate, &["claim", "text"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("claim", args.claim);
            fields.set_opt("text", args.text);
            fields.set_opt("notes", args.notes);
            super::edit::<Hypothesis>(case, ctx, &args.hypothesis, &fields, &args.reason)
        }
    }
}

/// The hypothesis listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = HypothesisFilter {
        claim: filter.claim.clone(),
    };
    super::stream::<Hypothesis>(to, Vec::new(), |each| case.list_hypotheses(&filter, scope, each), |_, _| Ok(()))
}
