//! `crosscheck party add|list`.

use anyhow::Result;

use super::Ctx;
use crate::model::PartyKind;
use crate::output;
use crate::store::listing::{PartyFilter, Scope};
use crate::store::{Case, Fields, Party};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a body, organisation, outlet or analyst (states are built in by ISO 3166 code: RU, CN, JP, KR...).
    #[command(
        after_help = "Examples:\n  crosscheck party add RU-MOD --name \"Russian Ministry of Defence\" \\\n    --kind body --parent RU\n  crosscheck party add kofman --name \"Michael Kofman\" --kind analyst"
    )]
    Add(AddArgs),
    /// List parties: by default those that are not states, and the states in use.
    #[command(after_help = "Examples:\n  crosscheck party list\n  crosscheck party list --all --kind state --format csv")]
    List(super::ListArgs<Filter>),
    /// Correct a party's fields; the history keeps the old values and the reason.
    #[command(
        after_help = "Example:\n  crosscheck party edit RU-MOD \\\n    --name \"Ministry of Defence of the Russian Federation\" \\\n    --reason \"Official English name\""
    )]
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The party: its code (RU-MOD), handle (P7) or UUID.
    pub party: String,
    /// A new code.
    #[arg(long)]
    pub code: Option<String>,
    /// A new name.
    #[arg(long)]
    pub name: Option<String>,
    /// A new kind: state, body, organisation, outlet, analyst.
    #[arg(long)]
    pub kind: Option<String>,
    /// The state or party it belongs to ("" for none).
    #[arg(long)]
    pub parent: Option<String>,
    /// New notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The code people will type: RU-MOD, kofman (two capital letters are kept for states).
    pub code: String,
    /// The party's name.
    #[arg(long)]
    pub name: String,
    /// What the party is: state, body, organisation, outlet, analyst.
    #[arg(long)]
    pub kind: String,
    /// The state or party it belongs to (for a body: RU, CN...).
    #[arg(long)]
    pub parent: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// Which parties `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only parties of this kind: state, body, organisation, outlet, analyst.
    #[arg(long)]
    pub kind: Option<String>,
    /// Include all 249 built-in states, not only those in use.
    #[arg(long)]
    pub all: bool,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("code", args.code);
            fields.set("name", args.name);
            fields.set("kind", args.kind);
            fields.set_opt("parent", args.parent);
            fields.set_opt("notes", args.notes);
            fields.set_opt("uuid", args.uuid);
            super::add::<Party>(case, ctx, &fields, false, &["code"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("code", args.code);
            fields.set_opt("name", args.name);
            fields.set_opt("kind", args.kind);
            fields.set_opt("parent", args.parent);
            fields.set_opt("notes", args.notes);
            super::edit::<Party>(case, ctx, &args.party, &fields, &args.reason)
        }
    }
}

/// The party listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = PartyFilter {
        kind: filter.kind.as_deref().map(PartyKind::parse).transpose()?,
        all: filter.all,
    };
    super::stream::<Party>(to, Vec::new(), |each| case.list_parties(&filter, scope, each), |_, _| Ok(()))
}
