//! `crosscheck source add|list|show|edit`.

use anyhow::Result;

use super::{Ctx, word_list};
use crate::model::{Reliability, SourceKind};
use crate::output;
use crate::store::listing::{Scope, SourceFilter};
use crate::store::{Case, Fields, Kind, Source, format_handle};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a source; prints its handle (S12) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck source add \\\n    \"Russia calls South Korean military pilots' actions 'aerial hooliganism'\" \\\n    --publisher TASS --url https://tass.com/politics/1070039 \\\n    --published 2019-07-23 \\\n    --language en --kind news-report --reliability B"
    )]
    Add(AddArgs),
    /// List sources.
    #[command(after_help = "Examples:\n  crosscheck source list\n  crosscheck source list --reliability A,B --format csv")]
    List(super::ListArgs<Filter>),
    /// Show one source: its fields and every claim it bears on.
    #[command(after_help = "Example:\n  crosscheck source show S3")]
    Show(ShowArgs),
    /// Change a source's fields; the history keeps the old values.
    #[command(
        after_help = "Example:\n  crosscheck source edit S3 --reliability A \\\n    --reason \"Confirmed against the ministry's own site\""
    )]
    Edit(EditArgs),
    /// Keep a capture of the source (PDF, HTML, image, WARC) in the case file, with its SHA-256.
    Attach(super::capture::AttachArgs),
    /// Write a kept capture back out, byte for byte.
    Extract(super::capture::ExtractArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The document's title.
    pub title: String,
    #[command(flatten)]
    pub fields: SourceOptions,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct SourceOptions {
    /// Who published it.
    #[arg(long)]
    pub publisher: Option<String>,
    /// The original publisher's address.
    #[arg(long)]
    pub url: Option<String>,
    /// The address of a copy or mirror, kept apart from the original's.
    #[arg(long)]
    pub copy_url: Option<String>,
    /// Publication date: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub published: Option<String>,
    /// Language code: en, ru, zh, ja, ko...
    #[arg(long)]
    pub language: Option<String>,
    /// official-statement, news-report, white-paper, legal-act, dataset, analysis, reference, opinion, other.
    #[arg(long)]
    pub kind: Option<String>,
    /// Admiralty reliability: A completely reliable ... E unreliable, F cannot be judged (the default).
    #[arg(long)]
    pub reliability: Option<String>,
    /// A short name to type instead of the handle: tass-2019-07-23.
    #[arg(long)]
    pub slug: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
}

impl SourceOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("publisher", self.publisher);
        fields.set_opt("url", self.url);
        fields.set_opt("copy_url", self.copy_url);
        fields.set_opt("published", self.published);
        fields.set_opt("language", self.language);
        fields.set_opt("kind", self.kind);
        fields.set_opt("reliability", self.reliability);
        fields.set_opt("slug", self.slug);
        fields.set_opt("notes", self.notes);
        fields
    }
}

/// Which sources `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only sources of these kinds (comma-separated).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only sources with these reliability grades (comma-separated): A,B.
    #[arg(long)]
    pub reliability: Option<String>,
    /// Only sources whose publisher contains this text.
    #[arg(long)]
    pub publisher: Option<String>,
    /// Only sources published in this range.
    #[command(flatten)]
    pub published: crate::report::DateRange,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// Output: tables (the default), or json or jsonl for scripts (the source's fields, the evidence drawn from it, the statements it records, its captures and its history).
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: super::ShowFormat,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// New title.
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub fields: SourceOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("title", args.title);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            super::add::<Source>(case, ctx, &fields, false, &["title"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Show(args) if args.format != super::ShowFormat::Table => show_object(case, &args.source, args.format),
        Command::Show(args) => show(case, &args.source),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("title", args.title);
            let fields = args.fields.into_fields(fields);
            super::edit::<Source>(case, ctx, &args.source, &fields, &args.reason)
        }
        Command::Attach(args) => super::capture::attach(args, case, ctx),
        Command::Extract(args) => super::capture::extract(args, case, ctx),
    }
}

/// The source listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = SourceFilter {
        kinds: word_list(&filter.kind, SourceKind::parse)?,
        reliability: word_list(&filter.reliability, Reliability::parse)?,
        publisher: filter.publisher.clone(),
        published: filter.published.dates()?,
    };
    super::stream::<Source>(to, Vec::new(), |each| case.list_sources(&filter, scope, each), |_, _| Ok(()))
}

fn show(case: &Case, text: &str) -> Result<()> {
    let id = case.resolve(Kind::Source, text)?;
    let source: Source = case.load(id)?;
    super::print_record(format_handle(Kind::Source, id), case.fields(&source)?, |name, value| {
        (name == "reliability").then(|| format!("{value} ({})", source.reliability.describe()))
    })?;
    super::print_section(
        "Evidence from this source",
        &["evidence", "claim", "relation", "credibility", "excerpt", "locator"],
        case.source_evidence(id)?,
    )?;
    super::print_section(
        "Statements recorded by this source",
        &["statement", "claim", "party", "stance", "date", "quote or summary"],
        case.source_statements(id)?,
    )?;
    super::print_section(
        "Captures\n(check a copy with sha256sum; write one out with `crosscheck source extract`)",
        &["capture", "sha256", "file"],
        case.source_captures(id)?,
    )
}

/// `source show --format json`: the source and its sections as one object.
fn show_object(case: &Case, text: &str, format: super::ShowFormat) -> Result<()> {
    let id = case.resolve(Kind::Source, text)?;
    let source: Source = case.load(id)?;
    let handle = format_handle(Kind::Source, id);
    let mut object = serde_json::Map::new();
    object.insert("handle".into(), handle.clone().into());
    for (name, value) in case.fields(&source)?.0 {
        object.insert(name.into(), value.into());
    }
    let scope = Scope::default();
    let evidence = crate::store::listing::EvidenceFilter {
        source: Some(handle.clone()),
        ..Default::default()
    };
    object.insert(
        "evidence".into(),
        super::objects::<crate::store::Evidence>(|each| case.list_evidence(&evidence, &scope, each))?.into(),
    );
    let statements = crate::store::listing::StatementFilter {
        source: Some(handle.clone()),
        ..Default::default()
    };
    object.insert(
        "statements".into(),
        super::objects::<crate::store::Statement>(|each| case.list_statements(&statements, &scope, each))?.into(),
    );
    let captures: Vec<serde_json::Value> = case
        .captures(&handle)?
        .into_iter()
        .map(|c| serde_json::json!({"capture": c.number, "sha256": c.sha256, "size": c.size, "file_name": c.file_name}))
        .collect();
    object.insert("captures".into(), captures.into());
    object.insert("history".into(), super::history_objects(case, Kind::Source, id)?.into());
    super::print_object(&serde_json::Value::Object(object), format)
}
