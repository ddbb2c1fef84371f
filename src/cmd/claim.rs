//! `crosscheck claim add|list|show|edit`.

use anyhow::Result;
use rusqlite::Connection;

use super::{Ctx, figure_cell, print_handle, stream_to};
use crate::db;
use crate::handle::{self, Kind};
use crate::model::{Figure, Status};
use crate::output::{self, Cell, Column, columns};
use crate::record::{self, Fields, Record};
use crate::report::DateRange;
use crate::store::Claim;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a claim; prints its handle (C3) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck claim add \"About 300,000 servicemen took part in Vostok-2018\" \\\n    --topic vostok-2018 --date 2019 --appeared-in \"Joining Forces (2019)\" \\\n    --figure 300000 --unit servicemen --slug vostok-troops"
    )]
    Add(AddArgs),
    /// List claims with their verdicts.
    #[command(
        after_help = "Examples:\n  crosscheck claim list\n  crosscheck claim list --status disputed,misleading\n  crosscheck claim list --topic vostok-2018 --format json"
    )]
    List(super::ListArgs<Filter>),
    /// Show everything about one claim: statements, evidence, verdict, history.
    #[command(after_help = "Example:\n  crosscheck claim show vostok-2018-troops")]
    Show(ShowArgs),
    /// Change a claim's fields (use `mark` for the verdict); the history keeps the old values.
    #[command(after_help = "Example:\n  crosscheck claim edit C3 --topic vostok-2018 --reason \"Topic names unified\"")]
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: one checkable proposition.
    pub text: String,
    #[command(flatten)]
    pub fields: ClaimOptions,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct ClaimOptions {
    /// A topic to group claims by: vostok-2018.
    #[arg(long)]
    pub topic: Option<String>,
    /// When the claim was made: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub date: Option<String>,
    /// Where the claim appeared: an article, a speech.
    #[arg(long)]
    pub appeared_in: Option<String>,
    /// The figure the claim carries: 300000, or a range 50000..100000.
    #[arg(long)]
    pub figure: Option<String>,
    /// The figure's unit: km, servicemen.
    #[arg(long)]
    pub unit: Option<String>,
    /// A short name to type instead of the handle: vostok-troops.
    #[arg(long)]
    pub slug: Option<String>,
}

impl ClaimOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("topic", self.topic);
        fields.set_opt("claimed_on", self.date);
        fields.set_opt("appeared_in", self.appeared_in);
        fields.set_opt("figure", self.figure);
        fields.set_opt("unit", self.unit);
        fields.set_opt("slug", self.slug);
        fields
    }
}

/// Which claims `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only claims with these verdicts (comma-separated): unverified, in-review, supported, refuted, misleading, disputed, unverifiable.
    #[arg(long)]
    pub status: Option<String>,
    /// Only claims on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only claims this party made a statement on (a state includes its bodies): RU, RU-MOD.
    #[arg(long)]
    pub party: Option<String>,
    /// Only claims made in this range.
    #[command(flatten)]
    pub claimed: DateRange,
}

/// A claim filter's values, as the parameters ?1 to ?5 of `Filter::SQL`.
pub struct FilterValues {
    statuses: Option<String>,
    topic: Option<String>,
    party: Option<i64>,
    since: Option<String>,
    until: Option<String>,
}

impl FilterValues {
    pub fn params(&self) -> [&dyn rusqlite::ToSql; 5] {
        [&self.statuses, &self.topic, &self.party, &self.since, &self.until]
    }
}

impl Filter {
    /// Checks the filter's values and resolves the party.
    pub fn values(&self, conn: &Connection) -> Result<FilterValues> {
        let (since, until) = self.claimed.bounds()?;
        Ok(FilterValues {
            statuses: status_filter(&self.status)?,
            topic: self.topic.clone(),
            party: self.party.as_deref().map(|p| handle::resolve(conn, Kind::Party, p)).transpose()?,
            since,
            until,
        })
    }

    /// The condition the filter puts on the `claim` table.
    pub fn sql() -> String {
        format!(
            "(?1 IS NULL OR claim.status IN (SELECT value FROM json_each(?1)))
             AND (?2 IS NULL OR claim.topic = ?2)
             AND (?3 IS NULL OR EXISTS (SELECT 1 FROM statement fs JOIN party fp ON fp.id = fs.party_id
                                        WHERE fs.claim_id = claim.id AND (fp.id = ?3 OR fp.parent_id = ?3)))
             AND {}",
            DateRange::sql("claim.claimed_on", 4, 5)
        )
    }
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// New text.
    #[arg(long)]
    pub text: Option<String>,
    #[command(flatten)]
    pub fields: ClaimOptions,
    /// Why the change was made, for the history.
    #[arg(long, default_value = "")]
    pub reason: String,
}

pub fn run(command: Command, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("text", args.text);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            let tx = db::write(conn)?;
            let actor = ctx.actor(&tx)?;
            let id = record::create::<Claim>(&tx, &actor, &fields)?;
            tx.commit()?;
            print_handle(Kind::Claim, id);
            Ok(())
        }
        Command::List(args) => list(conn, &args.filter, output::to_stdout(&args.output)),
        Command::Show(args) => show(conn, &args.claim),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("text", args.text);
            let fields = args.fields.into_fields(fields);
            super::edit::<Claim>(conn, ctx, &args.claim, &fields, &args.reason)
        }
    }
}

/// Reads a comma-separated list of verdicts into a JSON array for SQL.
pub fn status_filter(value: &Option<String>) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let words: Result<Vec<&str>, _> = super::split_list(v).iter().map(|w| Status::parse(w).map(Status::as_str)).collect();
            Ok(Some(serde_json::to_string(&words?)?))
        }
    }
}

/// The claim listing: the handle, then the fields the importer reads back.
pub fn list(conn: &Connection, filter: &Filter, to: output::To<'_>) -> Result<()> {
    rows(conn, filter, Vec::new(), to, |_, _| Ok(()))
}

/// The claim listing with more columns after the fields (the claims report's
/// counts and stances), which `extend` fills for each claim by its id.
pub fn rows(
    conn: &Connection,
    filter: &Filter,
    extra: Vec<Column>,
    to: output::To<'_>,
    mut extend: impl FnMut(i64, &mut Vec<Cell>) -> Result<()>,
) -> Result<()> {
    let values = filter.values(conn)?;
    let mut columns = columns(&[
        "handle",
        "-uuid",
        "slug",
        "text",
        "topic",
        "-claimed_on",
        "-appeared_in",
        "figure",
        "unit",
        "status",
        "-reason",
        "-status_by",
        "-status_at",
    ]);
    columns.extend(extra);
    stream_to(
        conn,
        &format!(
            "SELECT id, uuid, slug, text, topic, claimed_on, appeared_in, figure_low, figure_high, figure_unit, status, status_reason, status_by, status_at
             FROM claim WHERE {} ORDER BY id",
            Filter::sql()
        ),
        &values.params(),
        columns,
        to,
        |r| {
            let id = r.get(0)?;
            let mut cells = vec![
                Cell::Text(handle::format(Kind::Claim, id)),
                Cell::Text(r.get(1)?),
                Cell::Text(r.get::<_, Option<String>>(2)?.unwrap_or_default()),
                Cell::Text(r.get(3)?),
                Cell::Text(r.get(4)?),
                Cell::Text(r.get(5)?),
                Cell::Text(r.get(6)?),
                figure_cell(r.get(7)?, r.get(8)?),
                Cell::Text(r.get(9)?),
                Cell::Text(r.get(10)?),
                Cell::Text(r.get(11)?),
                Cell::Text(r.get(12)?),
                Cell::Text(r.get(13)?),
            ];
            extend(id, &mut cells)?;
            Ok(cells)
        },
    )
}

fn show(conn: &Connection, text: &str) -> Result<()> {
    let id = handle::resolve(conn, Kind::Claim, text)?;
    let claim = Claim::load(conn, id)?;
    let mut lines = vec![("handle".to_string(), handle::format(Kind::Claim, id))];
    for (name, value) in claim.to_fields(conn)?.0 {
        let shown = match name {
            "figure" => claim.figure.map(|f: Figure| f.human()).unwrap_or_default(),
            "status" => format!("{value} ({})", claim.status.describe()),
            _ => value,
        };
        lines.push((name.to_string(), shown));
    }
    super::print_fields(&lines)?;
    super::print_section(
        conn,
        "Statements",
        "SELECT 'ST' || s.id, p.code, s.stance, s.said_on, s.speaker, CASE WHEN s.quote <> '' THEN s.quote ELSE '(summary) ' || s.summary END,
                cc_figure(s.figure_low, s.figure_high, s.figure_unit),
                coalesce('S' || src.id, '')
         FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN source src ON src.id = s.source_id
         WHERE s.claim_id = ?1 ORDER BY s.said_on = '', s.said_on, s.id",
        id,
        &["statement", "party", "stance", "date", "speaker", "quote or summary", "figure", "source"],
    )?;
    super::print_section(
        conn,
        "Evidence",
        "SELECT 'E' || e.id, e.relation, e.credibility, src.reliability || e.credibility,
                'S' || src.id, e.excerpt, e.locator
         FROM evidence e JOIN source src ON src.id = e.source_id
         WHERE e.claim_id = ?1 ORDER BY e.id",
        id,
        &["evidence", "relation", "credibility", "grade", "source", "excerpt", "locator"],
    )?;
    super::print_section(
        conn,
        "History",
        "SELECT h.id, h.at, h.analyst, h.action, h.handle, coalesce(h.after, ''), h.reason
         FROM history h WHERE h.claim_uuid = (SELECT uuid FROM claim WHERE id = ?1) ORDER BY h.id",
        id,
        &["entry", "at", "analyst", "action", "record", "values", "reason"],
    )
}
