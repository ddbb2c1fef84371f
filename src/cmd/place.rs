//! `crosscheck place add|list|show|edit`: places the parties name
//! differently, each with every party's name for it.

use anyhow::Result;

use super::{Ctx, ScopeArgs};
use crate::domain::names::whose;
use crate::output::{self, Cell, Column};
use crate::store::listing::Scope;
use crate::store::places::PlaceFilter;
use crate::store::{Case, Fields, Kind, Place, format_handle};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a place; prints its handle (PL1) on stdout. Give it its names with `crosscheck name add`.
    #[command(
        after_help = "Examples:\n  crosscheck place add liancourt-rocks \\\n    --notes \"The islets South Korea and Japan both claim\"\n  crosscheck place add southern-kurils --part-of kuril-islands"
    )]
    Add(AddArgs),
    /// List places with their names.
    #[command(
        after_help = "Examples:\n  crosscheck place list\n  crosscheck place list --name Takeshima\n  crosscheck place list --format csv"
    )]
    List(super::ListArgs<Filter>),
    /// Show a place: its names, who uses each and on what source, the places within it, and its history.
    #[command(after_help = "Example:\n  crosscheck place show liancourt-rocks")]
    Show(ShowArgs),
    /// Correct a place's fields; the history keeps the old values and the reason.
    #[command(
        after_help = "Example:\n  crosscheck place edit PL4 --part-of kuril-islands \\\n    --reason \"The Northern Territories lie within the chain\""
    )]
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// A short name to type, letters, digits and hyphens: liancourt-rocks. It is a handle, not one of the place's names: choose one that takes no side.
    pub slug: String,
    #[command(flatten)]
    pub fields: PlaceOptions,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct PlaceOptions {
    /// The place this one lies within: the southern Kurils within the Kuril Islands (its slug or handle).
    #[arg(long)]
    pub part_of: Option<String>,
    /// What the place is, and anything else worth keeping.
    #[arg(long)]
    pub notes: Option<String>,
}

impl PlaceOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("part_of", self.part_of);
        fields.set_opt("notes", self.notes);
        fields
    }
}

/// Which places `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only places that have this name, in any case or accents: Takeshima, 독도.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The place: its slug, handle (PL1) or UUID.
    pub place: String,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The place: its slug, handle (PL1) or UUID.
    pub place: String,
    /// A new slug.
    #[arg(long)]
    pub slug: Option<String>,
    #[command(flatten)]
    pub fields: PlaceOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("slug", args.slug);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            super::add::<Place>(case, ctx, &fields, false, &["slug"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Show(args) => show(case, &args.place, args.scope),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("slug", args.slug);
            let fields = args.fields.into_fields(fields);
            super::edit::<Place>(case, ctx, &args.place, &fields, &args.reason)
        }
    }
}

/// The place listing: the handle, the fields the importer reads back, and
/// the place's live names (which the importer skips: names are imported
/// on their own, with `--into names`).
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    let filter = PlaceFilter { name: filter.name.clone() };
    let names = Column {
        name: crate::store::places::NAMES_COLUMN.to_string(),
        in_table: true,
    };
    super::stream::<Place>(
        to,
        vec![names],
        |each| case.list_places(&filter, scope, each),
        |id, cells| {
            let names: Vec<String> = case.names(Some(id), false)?.into_iter().map(|n| n.text).collect();
            cells.push(Cell::Text(names.join("; ")));
            Ok(())
        },
    )
}

fn show(case: &Case, text: &str, scope: ScopeArgs) -> Result<()> {
    let id = case.resolve(Kind::Place, text)?;
    let place: Place = case.load(id)?;
    super::print_record(format_handle(Kind::Place, id), case.fields(&place)?, |_, _| None)?;
    let names = case
        .names(Some(id), scope.include_retracted)?
        .into_iter()
        .map(|n| {
            let handle = format_handle(Kind::Name, n.id);
            let whose = whose(&n);
            vec![
                if n.retracted.is_empty() {
                    handle
                } else {
                    format!("{handle} (retracted)")
                },
                n.text,
                n.language,
                whose,
                n.source,
                n.notes,
            ]
        })
        .collect();
    super::print_section(
        "Names (a party's own name for a place is itself a statement)",
        &["name", "text", "language", "used by", "source", "notes"],
        names,
    )?;
    let parts = case
        .place_parts(id)?
        .into_iter()
        .map(|(part, slug)| {
            let names: Vec<String> = case.names(Some(part), false)?.into_iter().map(|n| n.text).collect();
            Ok(vec![format_handle(Kind::Place, part), slug, names.join("; ")])
        })
        .collect::<Result<Vec<_>>>()?;
    super::print_section("Places within it", &["place", "slug", "names"], parts)?;
    super::print_history(case, Kind::Place, id, "History (the place's and its names')")
}
