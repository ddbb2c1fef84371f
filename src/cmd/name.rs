//! `crosscheck name add|list|edit`: a party's name for a place.

use anyhow::Result;

use super::Ctx;
use crate::output;
use crate::store::listing::Scope;
use crate::store::places::NameFilter;
use crate::store::{Case, Fields, Name};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Give a place a name, with its language and the parties that use it; prints its handle (N4) on stdout.
    #[command(
        after_help = "Examples:\n  crosscheck name add liancourt-rocks 독도 --lang ko --used-by KR \\\n    --source kr-mofa-dokdo-basic-position\n  crosscheck name add liancourt-rocks \"Liancourt Rocks\" --lang en --reference \\\n    --notes \"The name most English-language references that take no side use\"\n  crosscheck name add southern-kurils 北方領土 --lang ja --used-by JP\n\nA place takes each name once (case, accents and spacing aside); two places may share a name."
    )]
    Add(Box<AddArgs>),
    /// List names: which party calls which place what.
    #[command(
        after_help = "Examples:\n  crosscheck name list --place liancourt-rocks\n  crosscheck name list --used-by JP --lang ja\n  crosscheck name list --format csv"
    )]
    List(super::ListArgs<Filter>),
    /// Correct a name; the history keeps the old values and the reason.
    #[command(
        after_help = "Examples:\n  crosscheck name edit N4 --used-by KR,KR-MOFA \\\n    --reason \"The ministry's page uses it too\"\n  crosscheck name edit N6 --reference no \\\n    --reason \"A reference publication's name, not a neutral one\""
    )]
    Edit(Box<EditArgs>),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The place: its slug, handle (PL1) or UUID.
    pub place: String,
    /// The name, as the party writes it: Dokdo, 독도, Takeshima, 竹島.
    pub text: String,
    /// The name's language: an ISO 639-1 code such as ko, ja, ru, zh or en (optionally with a script or region: ko-Latn, zh-Hant).
    #[arg(long = "lang", visible_alias = "language", value_name = "CODE")]
    pub language: String,
    /// This is the place's neutral or reference name: the one a desk uses when it takes no side (Liancourt Rocks), or a reference publication's (IHO S-23's Japan Sea).
    #[arg(long)]
    pub reference: bool,
    #[command(flatten)]
    pub fields: NameOptions,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct NameOptions {
    /// The parties that use the name, comma-separated: KR, or JP,JP-MOFA. Leave it out for a name no party claims.
    #[arg(long, value_name = "PARTIES")]
    pub used_by: Option<String>,
    /// The source that shows the usage: S12 or its slug.
    #[arg(long)]
    pub source: Option<String>,
    /// Where the usage is recorded and anything else worth keeping: the note a reader checks the name against.
    #[arg(long)]
    pub notes: Option<String>,
}

impl NameOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("used_by", self.used_by);
        fields.set_opt("source", self.source);
        fields.set_opt("notes", self.notes);
        fields
    }
}

/// Which names `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only the names of this place.
    #[arg(long)]
    pub place: Option<String>,
    /// Only names this party uses (a state includes its bodies): KR, JP-MOFA.
    #[arg(long)]
    pub used_by: Option<String>,
    /// Only names in this language: ko (which includes ko-Latn).
    #[arg(long = "lang", visible_alias = "language", value_name = "CODE")]
    pub language: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The name: its handle (N4) or UUID.
    pub name: String,
    /// The place it names.
    #[arg(long)]
    pub place: Option<String>,
    /// The name's text.
    #[arg(long)]
    pub text: Option<String>,
    /// The name's language (ISO 639-1).
    #[arg(long = "lang", visible_alias = "language", value_name = "CODE")]
    pub language: Option<String>,
    /// Whether it is the neutral or reference name: yes or no.
    #[arg(long, value_name = "YES_OR_NO")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub fields: NameOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("place", args.place);
            fields.set("text", args.text);
            fields.set("language", args.language);
            fields.set_opt("uuid", args.uuid);
            if args.reference {
                fields.set("reference", "yes");
            }
            let fields = args.fields.into_fields(fields);
            super::add::<Name>(
                case,
                ctx,
                &fields,
                false,
                &["place", "text", "language=--lang", "used_by=--used-by"],
            )
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("place", args.place);
            fields.set_opt("text", args.text);
            fields.set_opt("language", args.language);
            fields.set_opt("reference", args.reference);
            let fields = args.fields.into_fields(fields);
            super::edit::<Name>(case, ctx, &args.name, &fields, &args.reason)
        }
    }
}

/// The name listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = NameFilter {
        place: filter.place.clone(),
        used_by: filter.used_by.clone(),
        language: filter.language.clone(),
    };
    super::stream::<Name>(to, Vec::new(), |each| case.list_names(&filter, scope, each), |_, _| Ok(()))
}
