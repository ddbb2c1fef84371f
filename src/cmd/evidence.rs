//! `crosscheck evidence add|list`: sources linked to claims.

use anyhow::Result;

use super::Ctx;
use crate::model::Relation;
use crate::output;
use crate::store::listing::{EvidenceFilter, Scope};
use crate::store::{Case, Evidence, Fields};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Link a source to a claim; prints the link's handle (E5) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck evidence add border-length S1 supports --credibility 1 \\\n    --locator \"para 1\" \\\n    --excerpt \"it measures 4,209.3 kilometres\""
    )]
    Add(AddArgs),
    /// List evidence.
    #[command(after_help = "Examples:\n  crosscheck evidence list --claim C3\n  crosscheck evidence list --relation refutes --format json")]
    List(super::ListArgs<Filter>),
    /// Correct an evidence link; the history keeps the old values and the reason.
    #[command(after_help = "Example:\n  crosscheck evidence edit E5 --credibility 3 \\\n    --reason \"Only one outlet reports it\"")]
    Edit(EditArgs),
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct EvidenceOptions {
    /// The passage that matters, verbatim.
    #[arg(long)]
    pub excerpt: Option<String>,
    /// Where in the source: page, paragraph, timestamp.
    #[arg(long)]
    pub locator: Option<String>,
    /// Admiralty credibility: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged (the default).
    #[arg(long)]
    pub credibility: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
}

impl EvidenceOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("excerpt", self.excerpt);
        fields.set_opt("locator", self.locator);
        fields.set_opt("credibility", self.credibility);
        fields.set_opt("notes", self.notes);
        fields
    }
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The evidence: E5 or its UUID.
    pub evidence: String,
    /// Another claim: C3, its slug or UUID.
    #[arg(long)]
    pub claim: Option<String>,
    /// Another source: S12, its slug or UUID.
    #[arg(long)]
    pub source: Option<String>,
    /// A new relation: supports, refutes, context.
    #[arg(long)]
    pub relation: Option<String>,
    #[command(flatten)]
    pub fields: EvidenceOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// How the source bears on the claim: supports, refutes, context.
    pub relation: String,
    #[command(flatten)]
    pub fields: EvidenceOptions,
    /// Link it even if a live link already has this claim, source, relation and excerpt.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// Which evidence `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only evidence on this claim.
    #[arg(long)]
    pub claim: Option<String>,
    /// Only evidence from this source.
    #[arg(long)]
    pub source: Option<String>,
    /// Only evidence with this relation: supports, refutes, context.
    #[arg(long)]
    pub relation: Option<String>,
    /// Only evidence on claims of this topic.
    #[arg(long)]
    pub topic: Option<String>,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("claim", args.claim);
            fields.set("source", args.source);
            fields.set("relation", args.relation);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            super::add::<Evidence>(case, ctx, &fields, args.allow_duplicate, &["claim", "source", "relation"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("claim", args.claim);
            fields.set_opt("source", args.source);
            fields.set_opt("relation", args.relation);
            let fields = args.fields.into_fields(fields);
            super::edit::<Evidence>(case, ctx, &args.evidence, &fields, &args.reason)
        }
    }
}

/// The evidence listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = EvidenceFilter {
        claim: filter.claim.clone(),
        source: filter.source.clone(),
        relation: filter.relation.as_deref().map(Relation::parse).transpose()?,
        topic: filter.topic.clone(),
    };
    super::stream::<Evidence>(to, Vec::new(), |each| case.list_evidence(&filter, scope, each), |_, _| Ok(()))
}
