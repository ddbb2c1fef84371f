//! `crosscheck statement add|list`: what a party said about a claim.

use anyhow::Result;
use rusqlite::Connection;

use super::{Ctx, figure_cell, print_handle, stream_to};
use crate::db;
use crate::handle::{self, Kind};
use crate::model::Stance;
use crate::output::{self, Cell, columns};
use crate::record::{self, Fields};
use crate::report::DateRange;
use crate::store::Statement;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a party's account of a claim; prints its handle (ST4) on stdout.
    #[command(
        after_help = "Examples:\n  crosscheck statement add C3 RU-MOD denies --date 2019-07-23 --source S7 \\\n    --quote \"According to flight data, there were no violations of other countries' airspace.\"\n  crosscheck statement add vostok-2018-troops the-diplomat disputes --figure 50000..100000 --unit servicemen \\\n    --summary \"Likely 50,000 to 100,000 at most\" --source S9"
    )]
    Add(Box<AddArgs>),
    /// List statements.
    #[command(after_help = "Examples:\n  crosscheck statement list --claim C3\n  crosscheck statement list --party RU --format csv")]
    List(super::ListArgs<Filter>),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// Who said it: a state's ISO code (RU), a party code (RU-MOD) or handle (P7).
    pub party: String,
    /// The party's position: affirms, denies, disputes, qualifies.
    pub stance: String,
    /// The party's words, verbatim.
    #[arg(long)]
    pub quote: Option<String>,
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

pub fn run(command: Command, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let args = *args;
            let mut fields = Fields::new();
            fields.set("claim", args.claim);
            fields.set("party", args.party);
            fields.set("stance", args.stance);
            fields.set_opt("quote", args.quote);
            fields.set_opt("summary", args.summary);
            fields.set_opt("said_on", args.date);
            fields.set_opt("speaker", args.speaker);
            fields.set_opt("source", args.source);
            fields.set_opt("figure", args.figure);
            fields.set_opt("unit", args.unit);
            fields.set_opt("notes", args.notes);
            fields.set_opt("uuid", args.uuid);
            let tx = db::write(conn)?;
            let actor = ctx.actor(&tx)?;
            let id = record::create::<Statement>(&tx, &actor, &fields)?;
            tx.commit()?;
            print_handle(Kind::Statement, id);
            Ok(())
        }
        Command::List(args) => list(conn, &args.filter, output::to_stdout(&args.output)),
    }
}

/// The statement listing: the handle, then the fields the importer reads back.
pub fn list(conn: &Connection, filter: &Filter, to: output::To<'_>) -> Result<()> {
    let claim = filter.claim.as_deref().map(|c| handle::resolve(conn, Kind::Claim, c)).transpose()?;
    let party = filter.party.as_deref().map(|p| handle::resolve(conn, Kind::Party, p)).transpose()?;
    let stance = filter.stance.as_deref().map(Stance::parse).transpose()?.map(Stance::as_str);
    let (since, until) = filter.said.bounds()?;
    stream_to(
        conn,
        &format!(
            "SELECT s.id, s.uuid, coalesce(c.slug, 'C' || c.id), c.uuid, p.code, s.stance, s.said_on, s.speaker, s.quote, s.summary,
                coalesce(src.slug, 'S' || src.id, ''), coalesce(src.uuid, ''), s.figure_low, s.figure_high, s.figure_unit, s.notes
         FROM statement s
         JOIN claim c ON c.id = s.claim_id
         JOIN party p ON p.id = s.party_id
         LEFT JOIN source src ON src.id = s.source_id
         WHERE (?1 IS NULL OR s.claim_id = ?1)
           AND (?2 IS NULL OR s.party_id = ?2 OR p.parent_id = ?2)
           AND (?3 IS NULL OR s.stance = ?3)
           AND (?4 IS NULL OR c.topic = ?4)
           AND {}
         ORDER BY s.id",
            DateRange::sql("s.said_on", 5, 6)
        ),
        &[&claim, &party, &stance, &filter.topic, &since, &until],
        columns(&[
            "handle",
            "-uuid",
            "claim",
            "-claim_uuid",
            "party",
            "stance",
            "said_on",
            "-speaker",
            "quote",
            "summary",
            "source",
            "-source_uuid",
            "figure",
            "unit",
            "-notes",
        ]),
        to,
        |r| {
            Ok(vec![
                Cell::Text(handle::format(Kind::Statement, r.get(0)?)),
                Cell::Text(r.get(1)?),
                Cell::Text(r.get(2)?),
                Cell::Text(r.get(3)?),
                Cell::Text(r.get(4)?),
                Cell::Text(r.get(5)?),
                Cell::Text(r.get(6)?),
                Cell::Text(r.get(7)?),
                Cell::Text(r.get(8)?),
                Cell::Text(r.get(9)?),
                Cell::Text(r.get(10)?),
                Cell::Text(r.get(11)?),
                figure_cell(r.get(12)?, r.get(13)?),
                Cell::Text(r.get(14)?),
                Cell::Text(r.get(15)?),
            ])
        },
    )
}
