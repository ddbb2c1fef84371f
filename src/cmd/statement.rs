//! `crosscheck statement add|list`: what a party said about a claim.

use anyhow::Result;

use super::Ctx;
use crate::domain::compare::words_of;
use crate::model::{QuoteKind, Stance};
use crate::output::{self, Cell};
use crate::report::DateRange;
use crate::store::listing::{Scope, StatementFilter};
use crate::store::{Case, Fields, Statement};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a party's account of a claim; prints its handle (ST4) on stdout.
    #[command(
        after_help = "Examples:\n  crosscheck statement add C3 RU-MOD denies --date 2019-07-23 --source S7 \\\n    --quote \"there were no violations of other countries' airspace\" \\\n    --quote-kind reported\n  crosscheck statement add vostok-2018-troops the-diplomat disputes \\\n    --figure 50000..100000 --unit servicemen \\\n    --summary \"Likely 50,000 to 100,000 at most\" --source S9"
    )]
    Add(Box<AddArgs>),
    /// List statements.
    #[command(after_help = "Examples:\n  crosscheck statement list --claim C3\n  crosscheck statement list --party RU --format csv")]
    List(Box<super::ListArgs<Filter>>),
    /// Correct a statement; the history keeps the old values and the reason.
    #[command(
        after_help = "Examples:\n  crosscheck statement edit ST4 --stance disputes \\\n    --reason \"The ministry contests the framing, not the fact\"\n  crosscheck statement edit ST9 --party atlantic-council --quote-kind reported \\\n    --reason \"The sentence is the Atlantic Council's, not Shoigu's\""
    )]
    Edit(Box<EditArgs>),
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct StatementOptions {
    /// The words: the speaker's own (verbatim), or the source's account of them with --quote-kind reported.
    #[arg(long)]
    pub quote: Option<String>,
    /// Whose words the quote is: direct (the speaker's own, verbatim, possibly translated; the default) or reported (the source's account of what was said).
    #[arg(long, value_name = "KIND")]
    pub quote_kind: Option<String>,
    /// A summary, where there is no quote (or besides it).
    #[arg(long)]
    pub summary: Option<String>,
    /// When it was said: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub date: Option<String>,
    /// The person who said it: Hua Chunying.
    #[arg(long)]
    pub speaker: Option<String>,
    /// The source that records it: S12 or its slug.
    #[arg(long)]
    pub source: Option<String>,
    /// The party's own figure: 300000, or a range 50000..100000.
    #[arg(long)]
    pub figure: Option<String>,
    /// The figure's unit: servicemen.
    #[arg(long)]
    pub unit: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
}

impl StatementOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("quote", self.quote);
        fields.set_opt("quote_kind", self.quote_kind);
        fields.set_opt("summary", self.summary);
        fields.set_opt("said_on", self.date);
        fields.set_opt("speaker", self.speaker);
        fields.set_opt("source", self.source);
        fields.set_opt("figure", self.figure);
        fields.set_opt("unit", self.unit);
        fields.set_opt("notes", self.notes);
        fields
    }
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The statement: ST4 or its UUID.
    pub statement: String,
    /// Another claim: C3, its slug or UUID.
    #[arg(long)]
    pub claim: Option<String>,
    /// Another party: RU, RU-MOD, P7.
    #[arg(long)]
    pub party: Option<String>,
    /// A new stance: affirms, denies, disputes, qualifies.
    #[arg(long)]
    pub stance: Option<String>,
    #[command(flatten)]
    pub fields: StatementOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// Who said it: a state's ISO code (RU), a party code (RU-MOD) or handle (P7).
    pub party: String,
    /// The party's position: affirms, denies, disputes, qualifies.
    pub stance: String,
    #[command(flatten)]
    pub fields: StatementOptions,
    /// Record it even if a live statement already has this party, claim, stance, quote and source.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// Which statements `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only statements on this claim.
    #[arg(long)]
    pub claim: Option<String>,
    /// Only statements this source records: S12 or its slug.
    #[arg(long)]
    pub source: Option<String>,
    /// Only statements by this party (a state includes its bodies).
    #[arg(long)]
    pub party: Option<String>,
    /// Only statements with this stance.
    #[arg(long)]
    pub stance: Option<String>,
    /// Only statements on claims of this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only statements made in this range.
    #[command(flatten)]
    pub said: DateRange,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let args = *args;
            let mut fields = Fields::new();
            fields.set("claim", args.claim);
            fields.set("party", args.party);
            fields.set("stance", args.stance);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            super::add::<Statement>(case, ctx, &fields, args.allow_duplicate, &["claim", "party", "stance"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Edit(args) => {
            let args = *args;
            let mut fields = Fields::new();
            fields.set_opt("claim", args.claim);
            fields.set_opt("party", args.party);
            fields.set_opt("stance", args.stance);
            let fields = args.fields.into_fields(fields);
            super::edit::<Statement>(case, ctx, &args.statement, &fields, &args.reason)
        }
    }
}

/// The statement listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    rows(case, filter, scope, false, to)
}

/// The listing; `for_readers` (Markdown and HTML reports) shows a quote
/// that is the source's account of what was said as such: "according to
/// TASS: ...", without quotation marks, and the speaker's own words in
/// quotation marks. Files for scripts keep the fields as stored.
pub fn rows(case: &Case, filter: &Filter, scope: &Scope, for_readers: bool, to: output::To<'_>) -> Result<()> {
    let filter = StatementFilter {
        claim: filter.claim.clone(),
        source: filter.source.clone(),
        party: filter.party.clone(),
        stance: filter.stance.as_deref().map(Stance::parse).transpose()?,
        topic: filter.topic.clone(),
        said: filter.said.dates()?,
    };
    let columns = super::listing_columns::<Statement>();
    let at = |name: &str| columns.iter().position(|c| c.name == name).expect("a statement field");
    let (quote, kind, source) = (at("quote"), at("quote_kind"), at("source"));
    let words = |_: i64, cells: &mut Vec<Cell>| {
        let text = cells[quote].text();
        if for_readers && !text.is_empty() {
            let reference = cells[source].text();
            let publisher = if reference.is_empty() {
                String::new()
            } else {
                case.publisher(&reference)?
            };
            let kind = QuoteKind::parse(&cells[kind].text())?;
            cells[quote] = Cell::Text(words_of(&text, kind, "", &publisher, None));
        }
        Ok(())
    };
    super::stream::<Statement>(to, Vec::new(), |each| case.list_statements(&filter, scope, each), words)
}
