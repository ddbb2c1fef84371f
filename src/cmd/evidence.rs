//! `crosscheck evidence add|list`: sources linked to claims.

use anyhow::Result;
use rusqlite::Connection;

use super::{Ctx, print_handle, stream_to};
use crate::db;
use crate::handle::{self, Kind};
use crate::model::Relation;
use crate::output::{self, Cell, columns};
use crate::record::{self, Fields};
use crate::store::Evidence;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Link a source to a claim; prints the link's handle (E5) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck evidence add border-length S1 supports --credibility 1 --locator \"para 1\" \\\n    --excerpt \"it measures 4,209.3 kilometres\""
    )]
    Add(AddArgs),
    /// List evidence.
    #[command(after_help = "Examples:\n  crosscheck evidence list --claim C3\n  crosscheck evidence list --relation refutes --format json")]
    List(super::ListArgs<Filter>),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// The source: S12, its slug or UUID.
    pub source: String,
    /// How the source bears on the claim: supports, refutes, context.
    pub relation: String,
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

pub fn run(command: Command, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("claim", args.claim);
            fields.set("source", args.source);
            fields.set("relation", args.relation);
            fields.set_opt("excerpt", args.excerpt);
            fields.set_opt("locator", args.locator);
            fields.set_opt("credibility", args.credibility);
            fields.set_opt("notes", args.notes);
            fields.set_opt("uuid", args.uuid);
            let tx = db::write(conn)?;
            let actor = ctx.actor(&tx)?;
            let id = record::create::<Evidence>(&tx, &actor, &fields)?;
            tx.commit()?;
            print_handle(Kind::Evidence, id);
            Ok(())
        }
        Command::List(args) => list(conn, &args.filter, output::to_stdout(&args.output)),
    }
}

/// The evidence listing: the handle, then the fields the importer reads back.
pub fn list(conn: &Connection, filter: &Filter, to: output::To<'_>) -> Result<()> {
    let claim = filter.claim.as_deref().map(|c| handle::resolve(conn, Kind::Claim, c)).transpose()?;
    let source = filter
        .source
        .as_deref()
        .map(|s| handle::resolve(conn, Kind::Source, s))
        .transpose()?;
    let relation = filter.relation.as_deref().map(Relation::parse).transpose()?.map(Relation::as_str);
    stream_to(
        conn,
        "SELECT e.id, e.uuid, coalesce(c.slug, 'C' || c.id), c.uuid, coalesce(src.slug, 'S' || src.id), src.uuid, e.relation,
                e.excerpt, e.locator, e.credibility, e.notes
         FROM evidence e JOIN claim c ON c.id = e.claim_id JOIN source src ON src.id = e.source_id
         WHERE (?1 IS NULL OR e.claim_id = ?1) AND (?2 IS NULL OR e.source_id = ?2) AND (?3 IS NULL OR e.relation = ?3)
           AND (?4 IS NULL OR c.topic = ?4)
         ORDER BY e.id",
        &[&claim, &source, &relation, &filter.topic],
        columns(&[
            "handle",
            "-uuid",
            "claim",
            "-claim_uuid",
            "source",
            "-source_uuid",
            "relation",
            "excerpt",
            "locator",
            "credibility",
            "-notes",
        ]),
        to,
        |r| {
            Ok(vec![
                Cell::Text(handle::format(Kind::Evidence, r.get(0)?)),
                Cell::Text(r.get(1)?),
                Cell::Text(r.get(2)?),
                Cell::Text(r.get(3)?),
                Cell::Text(r.get(4)?),
                Cell::Text(r.get(5)?),
                Cell::Text(r.get(6)?),
                Cell::Text(r.get(7)?),
                Cell::Text(r.get(8)?),
                Cell::Int(r.get(9)?),
                Cell::Text(r.get(10)?),
            ])
        },
    )
}
