//! `crosscheck party add|list`.

use anyhow::Result;
use rusqlite::Connection;

use super::{Ctx, print_handle, stream_to};
use crate::db;
use crate::handle::{self, Kind};
use crate::model::PartyKind;
use crate::output::{self, Cell, columns};
use crate::record::{self, Fields};
use crate::store::Party;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a body, organisation, outlet or analyst (states are built in by ISO 3166 code: RU, CN, JP, KR...).
    #[command(
        after_help = "Examples:\n  crosscheck party add RU-MOD --name \"Russian Ministry of Defence\" --kind body --parent RU\n  crosscheck party add kofman --name \"Michael Kofman\" --kind analyst"
    )]
    Add(AddArgs),
    /// List parties: by default those that are not states, and the states in use.
    #[command(after_help = "Examples:\n  crosscheck party list\n  crosscheck party list --all --kind state --format csv")]
    List(super::ListArgs<Filter>),
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

pub fn run(command: Command, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("code", args.code);
            fields.set("name", args.name);
            fields.set("kind", args.kind);
            fields.set_opt("parent", args.parent);
            fields.set_opt("notes", args.notes);
            fields.set_opt("uuid", args.uuid);
            let tx = db::write(conn)?;
            let actor = ctx.actor(&tx)?;
            let id = record::create::<Party>(&tx, &actor, &fields)?;
            tx.commit()?;
            print_handle(Kind::Party, id);
            Ok(())
        }
        Command::List(args) => list(conn, &args.filter, output::to_stdout(&args.output)),
    }
}

/// The party listing: the handle, then the fields the importer reads back.
pub fn list(conn: &Connection, filter: &Filter, to: output::To<'_>) -> Result<()> {
    let kind = filter.kind.as_deref().map(PartyKind::parse).transpose()?.map(|k| k.as_str());
    stream_to(
        conn,
        "SELECT p.id, p.uuid, p.code, p.name, p.kind, coalesce(pp.code, ''), p.notes
         FROM party p LEFT JOIN party pp ON pp.id = p.parent_id
         WHERE (?1 IS NULL OR p.kind = ?1)
           AND (?2 OR p.kind <> 'state'
                OR EXISTS (SELECT 1 FROM statement s WHERE s.party_id = p.id)
                OR EXISTS (SELECT 1 FROM party c WHERE c.parent_id = p.id))
         ORDER BY p.kind <> 'state', p.id",
        &[&kind, &filter.all],
        columns(&["handle", "-uuid", "code", "name", "kind", "parent", "-notes"]),
        to,
        |r| {
            Ok(vec![
                Cell::Text(handle::format(Kind::Party, r.get(0)?)),
                Cell::Text(r.get(1)?),
                Cell::Text(r.get(2)?),
                Cell::Text(r.get(3)?),
                Cell::Text(r.get(4)?),
                Cell::Text(r.get(5)?),
                Cell::Text(r.get(6)?),
            ])
        },
    )
}
