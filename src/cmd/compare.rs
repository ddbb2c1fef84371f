//! `crosscheck compare`: what each party said about each claim, side by side.

use std::io::Write;

use anyhow::Result;

use crate::domain::compare::{self, Account, Plan};
use crate::domain::names::{self, Gazetteer};
use crate::output::{self, Cell, Column, Format, OutputArgs, shorten};
use crate::store::{Case, Kind, format_handle};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Claims to compare (C3, slugs or UUIDs). Default: the contested claims, those with differing stances or marked disputed.
    pub claims: Vec<String>,
    /// Compare the claims on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// The parties to show as columns, comma-separated: RU,CN,JP,KR. A state's column includes its bodies; the word `others` adds a column for everyone not named. Default: every state that spoke, then one column for everyone else.
    #[arg(long)]
    pub parties: Option<String>,
    /// Add a row for each place the claims and statements name, with each party's name for it, and say which names each statement uses.
    #[arg(long)]
    pub names: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, case: &Case) -> Result<()> {
    let claims = if !args.claims.is_empty() {
        compare::Claims::Named(&args.claims)
    } else if let Some(topic) = &args.topic {
        compare::Claims::Topic(topic)
    } else {
        compare::Claims::Contested
    };
    // The columns are chosen in a first pass and the rows read in a second:
    // both see the same case, whoever writes meanwhile.
    case.snapshot(|case| {
        let plan = compare::plan(case, claims, args.parties.as_deref())?;
        if plan.ids.is_empty() {
            crate::say!(
                "no claims to compare: none has statements that differ; name claims, or add statements with `crosscheck statement add`"
            );
            return Ok(());
        }
        let gazetteer = if args.names { Some(Gazetteer::load(case)?) } else { None };
        print(case, &plan, gazetteer.as_ref(), &args.output)
    })
}

/// One account as cell text. Tables get a short quote; files get all of it.
/// With the names of places, the names its words use.
fn account_text(a: &Account, short: bool, show_party: bool, gazetteer: Option<&Gazetteer>) -> String {
    let mut text = format!("{}: {}{}", a.head(), a.words(short.then_some(90)), a.attribution(show_party));
    let source = if short { &a.source_handle } else { &a.source };
    if !source.is_empty() {
        text.push_str(&format!(" ({source})"));
    }
    if let Some(gazetteer) = gazetteer {
        let used = names::used(gazetteer, &a.words);
        if !used.is_empty() {
            text.push_str(&format!("{}names: {used}", if short { "\n" } else { "; " }));
        }
    }
    text
}

/// Writes the comparison row by row as the claims are read.
pub fn print(case: &Case, plan: &Plan, gazetteer: Option<&Gazetteer>, args: &OutputArgs) -> Result<()> {
    let parties = &plan.columns;
    if matches!(args.format, Format::Json | Format::Jsonl) {
        return print_structured(case, plan, gazetteer, args.format == Format::Jsonl);
    }
    let table = args.format == Format::Table;
    let mut columns = vec![Column {
        name: "claim".into(),
        in_table: true,
    }];
    if !table {
        columns.push(Column {
            name: "text".into(),
            in_table: false,
        });
        columns.push(Column {
            name: "status".into(),
            in_table: false,
        });
    }
    columns.extend(parties.iter().map(|p| Column {
        name: p.clone(),
        in_table: true,
    }));
    // A table leaves out the figures column when no claim has a figure.
    let show_figures = !table || case.any_figure(&plan.ids)?;
    if show_figures {
        columns.push(Column {
            name: "figures".into(),
            in_table: true,
        });
    }
    let separator = if table { "\n" } else { "; " };
    let mut sink = output::sink(args, columns, Box::new(std::io::BufWriter::new(std::io::stdout().lock())))?;
    let mut seen = names::Seen::default();
    plan.each(case, |row| {
        let handle = format_handle(Kind::Claim, row.claim_id);
        let mut cells = if table {
            let name = if row.slug.is_empty() {
                handle
            } else {
                format!("{handle} {}", row.slug)
            };
            vec![Cell::Text(format!("{name}\n{}\nverdict: {}", shorten(&row.text, 90), row.status))]
        } else {
            let name = if row.slug.is_empty() { handle } else { row.slug.clone() };
            vec![Cell::Text(name), Cell::Text(row.text.clone()), Cell::Text(row.status.clone())]
        };
        for party in parties {
            let accounts: Vec<String> = row
                .accounts
                .iter()
                .filter(|a| &a.column == party)
                .map(|a| account_text(a, table, a.party != *party, gazetteer))
                .collect();
            cells.push(Cell::Text(accounts.join(if table { "\n\n" } else { "\n" })));
        }
        if show_figures {
            cells.push(Cell::Text(compare::figures_text(&row, separator)));
        }
        if let Some(gazetteer) = gazetteer {
            seen.add(gazetteer, &row);
        }
        sink.row(cells)
    })?;
    if let Some(gazetteer) = gazetteer {
        for place in names::in_comparison(gazetteer, &seen) {
            let unclaimed = place.unclaimed();
            let mut cells = if table {
                let mut head = vec![place.place.clone(), "names each party uses".to_string()];
                head.extend(unclaimed);
                vec![Cell::Text(head.join("\n"))]
            } else {
                let mut text = vec!["names each party uses".to_string()];
                text.extend(unclaimed);
                vec![
                    Cell::Text(place.place.clone()),
                    Cell::Text(text.join("; ")),
                    Cell::Text(String::new()),
                ]
            };
            for party in parties {
                cells.push(Cell::Text(place.cell(&seen, party, parties, separator)));
            }
            if show_figures {
                cells.push(Cell::Text(String::new()));
            }
            sink.row(cells)?;
        }
    }
    sink.finish()
}

/// For scripts: one object a claim, each party's accounts as objects with
/// stable fields (stance, date, speaker, quote and its kind, summary,
/// source, figure), not the text a table shows.
fn print_structured(case: &Case, plan: &Plan, gazetteer: Option<&Gazetteer>, lines: bool) -> Result<()> {
    use serde_json::{Map, Value, json};
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    plan.each(case, |row| {
        let mut columns = Map::new();
        for party in &plan.columns {
            let accounts: Vec<Value> = row
                .accounts
                .iter()
                .filter(|a| &a.column == party)
                .map(|a| {
                    json!({
                        "statement_uuid": a.uuid,
                        "party": a.party,
                        "stance": a.stance,
                        "said_on": a.said_on,
                        "speaker": a.speaker,
                        "quote": if a.is_quote { a.words.as_str() } else { "" },
                        "quote_kind": a.quote_kind.as_str(),
                        "summary": a.summary,
                        "source": a.source_handle,
                        "source_slug": a.source,
                        "source_title": a.source_title,
                        "source_publisher": a.publisher,
                        "figure": a.figure.map(|f| json!({"low": f.low, "high": f.high, "unit": a.unit})),
                        // With --names: the names of places its words use.
                        "names_used": gazetteer.map(|g| names::used(g, &a.words)),
                    })
                })
                .collect();
            columns.insert(party.clone(), Value::Array(accounts));
        }
        let claim = json!({
            "claim": format_handle(Kind::Claim, row.claim_id),
            "slug": row.slug,
            "text": row.text,
            "status": row.status,
            "figure": row.figure.map(|f| json!({"low": f.low, "high": f.high, "unit": row.unit})),
            "figures": compare::figures_text(&row, "; "),
            "parties": Value::Object(columns),
        });
        if lines {
            writeln!(out, "{claim}")?;
        } else {
            // One pretty array, written an element at a time: each element
            // indented as serde_json indents the elements of an array.
            out.write_all(if first { b"[\n" } else { b",\n" })?;
            let text = serde_json::to_string_pretty(&claim)?;
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                write!(out, "  {line}")?;
            }
        }
        first = false;
        Ok(())
    })?;
    if !lines {
        out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
    }
    out.flush()?;
    Ok(())
}
