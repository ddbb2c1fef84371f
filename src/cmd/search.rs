//! `crosscheck search QUERY`: full-text search in every script.

use anyhow::Result;

use super::{Ctx, ScopeArgs};
use crate::error::{NoMatch, UserError};
use crate::model::grouped;
use crate::output::{self, Cell, Format, OutputArgs, columns, inert};
use crate::store::kind::SEARCHED as KINDS;
use crate::store::search::{self, Query};
use crate::store::{Case, Kind, format_handle};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck search Vostok troops
  crosscheck search 독도
  crosscheck search Takeshima airspace
  crosscheck search Takeshima --exact
  crosscheck search \"joint patrol\" --kind claim,statement
  crosscheck search учени* --format json
  crosscheck search --rebuild

Every word must appear; \"quoted words\" must appear together in that order;
a word ending in * matches every word it begins (учени* finds учения, учений).
Chinese, Japanese and Korean are found from two characters on (竹島, 演习),
and one character matches every word that contains it.

Words that are the name of a place (see `crosscheck place list`) find every
name of it: Takeshima also finds Dokdo, 독도, 竹島 and Liancourt Rocks, and the
via column says which name a record matched. --exact searches only the words
given.")]
pub struct Args {
    /// What to search for, in any script.
    #[arg(required_unless_present = "rebuild")]
    pub query: Vec<String>,
    /// Only these kinds of record (comma-separated): claim, statement, source, evidence, hypothesis.
    #[arg(long)]
    pub kind: Option<String>,
    /// At most this many results, best first.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Rank every match. By default a query with more than 5,000 matches ranks the 5,000 newest, which keeps a search of a large case instant.
    #[arg(long)]
    pub all: bool,
    /// Search only the words given: do not let a place's name stand for its other names.
    #[arg(long)]
    pub exact: bool,
    /// Make the search index anew from the records, for an index that is damaged or was changed by another tool.
    #[arg(long)]
    pub rebuild: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    // Parse before rebuilding, so that a bad query or kind changes nothing.
    let kinds = parse_kinds(args.kind.as_deref())?;
    let query = match args.query.is_empty() {
        true => None,
        false => Some(Query::parse(&args.query.join(" "))?),
    };
    if args.rebuild {
        let writer = case.write(&ctx.analyst()?)?;
        let indexed = writer.rebuild_search()?;
        writer.commit()?;
        crate::say!("search index rebuilt: {indexed} records");
    }
    let Some(mut query) = query else { return Ok(()) };
    if !args.exact {
        let expansions = case.expand_names(&mut query)?;
        for e in &expansions.expanded {
            eprintln!(
                "{} is a name of {}: searched every name of {}: {} (--exact searches only the words given)",
                inert(&e.typed),
                e.places.join(" and "),
                if e.places.len() == 1 { "it" } else { "each" },
                inert(&e.names.join(", "))
            );
        }
        if !expansions.as_typed.is_empty() {
            let typed: Vec<String> = expansions.as_typed.iter().map(|e| inert(&e.typed)).collect();
            eprintln!(
                "{} name the same place: searched as typed, for the records that use each of them",
                typed.join(" and ")
            );
        }
    }
    // Marks only where a person reads: scripts get the plain text.
    let marks = (args.output.format == Format::Table).then_some(("[", "]"));
    let candidates = (!args.all).then_some(search::CANDIDATES);
    let (hits, capped) = case.search(&query, &kinds, args.limit, candidates, marks, args.scope.include_retracted)?;
    if capped {
        crate::say!(
            "more than {} records match: ranked the {} newest; narrow the query, or give --all to rank every match",
            grouped(search::CANDIDATES as f64),
            grouped(search::CANDIDATES as f64)
        );
    }
    let found = !hits.is_empty();
    output::print(
        &args.output,
        columns(&["handle", "kind", "snippet", "-score", "-uuid", "via"]),
        hits.into_iter().map(|hit| {
            vec![
                Cell::Text(format_handle(hit.kind, hit.id)),
                Cell::Text(hit.kind.table().to_string()),
                Cell::Text(hit.snippet),
                Cell::Real(hit.score),
                Cell::Text(hit.uuid),
                Cell::Text(hit.via.join(", ")),
            ]
        }),
    )?;
    // As grep and ripgrep do: exit 1 when nothing matches, for scripts.
    if found { Ok(()) } else { Err(NoMatch(args.query.join(" ")).into()) }
}

/// The kinds to search: all, or those named in `--kind` (singular or plural).
fn parse_kinds(value: Option<&str>) -> Result<Vec<Kind>, UserError> {
    let Some(value) = value else { return Ok(KINDS.to_vec()) };
    let names: Vec<&str> = KINDS.iter().map(|k| k.table()).collect();
    let allowed = format!("allowed: {}", names.join(", "));
    let mut kinds = Vec::new();
    for word in super::split_list(value) {
        match Kind::from_name(&word).filter(|k| KINDS.contains(k)) {
            Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Some(_) => {}
            None => return Err(UserError::invalid("kind", &word, allowed)),
        }
    }
    if kinds.is_empty() {
        return Err(UserError::invalid("kind", value, allowed));
    }
    Ok(kinds)
}
