//! `crosscheck source add|list|show|edit`.

use anyhow::Result;
use rusqlite::Connection;

use super::{Ctx, print_handle, stream_to};
use crate::db;
use crate::handle::{self, Kind};
use crate::model::{Reliability, SourceKind};
use crate::output::{self, Cell, columns};
use crate::record::{self, Fields, Record};
use crate::report::DateRange;
use crate::store::Source;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a source; prints its handle (S12) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck source add \"Russia calls South Korean military pilots' actions 'aerial hooliganism'\" \\\n    --publisher TASS --url https://tass.com/politics/1070039 --published 2019-07-23 \\\n    --language en --kind news-report --reliability B"
    )]
    Add(AddArgs),
    /// List sources.
    #[command(after_help = "Examples:\n  crosscheck source list\n  crosscheck source list --reliability A,B --format csv")]
    List(super::ListArgs<Filter>),
    /// Show one source: its fields and every claim it bears on.
    #[command(after_help = "Example:\n  crosscheck source show S3")]
    Show(ShowArgs),
    /// Change a source's fields; the history keeps the old values.
    #[command(after_help = "Example:\n  crosscheck source edit S3 --reliability A --reason \"Confirmed against the ministry's own site\"")]
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
    /// Why the change was made, for the history.
    #[arg(long, default_value = "")]
    pub reason: String,
}

pub fn run(command: Command, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("title", args.title);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            let tx = db::write(conn)?;
            let actor = ctx.actor(&tx)?;
            let id = record::create::<Source>(&tx, &actor, &fields)?;
            tx.commit()?;
            print_handle(Kind::Source, id);
            Ok(())
        }
        Command::List(args) => list(conn, &args.filter, output::to_stdout(&args.output)),
        Command::Show(args) => show(conn, &args.source),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("title", args.title);
            let fields = args.fields.into_fields(fields);
            super::edit::<Source>(conn, ctx, &args.source, &fields, &args.reason)
        }
        Command::Attach(args) => super::capture::attach(args, conn, ctx),
        Command::Extract(args) => super::capture::extract(args, conn, ctx),
    }
}

fn word_list<T>(
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, crate::error::UserError>,
    word: impl Fn(T) -> &'static str,
) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let words: Result<Vec<&str>, _> = super::split_list(v).iter().map(|w| parse(w).map(&word)).collect();
            Ok(Some(serde_json::to_string(&words?)?))
        }
    }
}

/// The source listing: the handle, then the fields the importer reads back.
pub fn list(conn: &Connection, filter: &Filter, to: output::To<'_>) -> Result<()> {
    let kinds = word_list(&filter.kind, SourceKind::parse, SourceKind::as_str)?;
    let grades = word_list(&filter.reliability, Reliability::parse, Reliability::as_str)?;
    let (since, until) = filter.published.bounds()?;
    stream_to(
        conn,
        &format!(
            "SELECT id, uuid, slug, title, publisher, url, copy_url, published, language, kind, reliability, notes FROM source
             WHERE (?1 IS NULL OR kind IN (SELECT value FROM json_each(?1)))
               AND (?2 IS NULL OR reliability IN (SELECT value FROM json_each(?2)))
               AND (?3 IS NULL OR instr(lower(publisher), lower(?3)) > 0)
               AND {}
             ORDER BY id",
            DateRange::sql("published", 4, 5)
        ),
        &[&kinds, &grades, &filter.publisher, &since, &until],
        columns(&[
            "handle",
            "-uuid",
            "slug",
            "title",
            "publisher",
            "-url",
            "-copy_url",
            "published",
            "-language",
            "kind",
            "reliability",
            "-notes",
        ]),
        to,
        |r| {
            let mut cells = vec![Cell::Text(handle::format(Kind::Source, r.get(0)?)), Cell::Text(r.get(1)?)];
            cells.push(Cell::Text(r.get::<_, Option<String>>(2)?.unwrap_or_default()));
            for i in 3..12 {
                cells.push(Cell::Text(r.get(i)?));
            }
            Ok(cells)
        },
    )
}

fn show(conn: &Connection, text: &str) -> Result<()> {
    let id = handle::resolve(conn, Kind::Source, text)?;
    let source = Source::load(conn, id)?;
    let fields = source.to_fields(conn)?;
    let mut lines = vec![("handle".to_string(), handle::format(Kind::Source, id))];
    for (name, value) in &fields.0 {
        let shown = match *name {
            "reliability" => format!("{value} ({})", source.reliability.describe()),
            _ => value.clone(),
        };
        lines.push((name.to_string(), shown));
    }
    super::print_fields(&lines)?;
    super::print_section(
        conn,
        "Evidence from this source",
        "SELECT 'E' || e.id, coalesce(c.slug, 'C' || c.id), e.relation, e.credibility, e.excerpt, e.locator
         FROM evidence e JOIN claim c ON c.id = e.claim_id WHERE e.source_id = ?1 ORDER BY e.id",
        id,
        &["evidence", "claim", "relation", "credibility", "excerpt", "locator"],
    )?;
    super::print_section(
        conn,
        "Statements recorded by this source",
        "SELECT 'ST' || s.id, coalesce(c.slug, 'C' || c.id), p.code, s.stance, s.said_on, CASE WHEN s.quote <> '' THEN s.quote ELSE s.summary END
         FROM statement s JOIN claim c ON c.id = s.claim_id JOIN party p ON p.id = s.party_id WHERE s.source_id = ?1 ORDER BY s.id",
        id,
        &["statement", "claim", "party", "stance", "date", "quote or summary"],
    )?;
    super::print_section(
        conn,
        "Captures (check a copy with sha256sum; write one out with `crosscheck source extract`)",
        "SELECT id, sha256, file_name || char(10) || media_type || ', ' || size || ' bytes' || char(10) || 'attached by ' || attached_by || char(10) || attached_at
         FROM capture WHERE source_id = ?1 ORDER BY id",
        id,
        &["capture", "sha256", "file"],
    )
}
