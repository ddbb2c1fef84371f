//! `crosscheck compare`: what each party said about each claim, side by side.

use std::collections::BTreeMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::error::UserError;
use crate::handle::{self, Kind};
use crate::model::Figure;
use crate::output::{self, Cell, Column, Format, OutputArgs, shorten};

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
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One statement, as the comparison needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub column: String,
    pub party: String,
    pub stance: String,
    pub said_on: String,
    pub speaker: String,
    pub words: String,
    pub is_quote: bool,
    /// The source as people type it (its slug, else its handle).
    pub source: String,
    /// The source's short handle, for tables: S12.
    pub source_handle: String,
    pub figure: Option<Figure>,
    pub unit: String,
}

/// One row of the comparison: a claim and its accounts.
#[derive(Debug)]
pub struct Row {
    pub claim_id: i64,
    pub slug: String,
    pub text: String,
    pub status: String,
    pub figure: Option<Figure>,
    pub unit: String,
    pub accounts: Vec<Account>,
}

/// The column everyone who is not a state (or a body of one) goes in, unless
/// named in --parties.
pub const OTHERS: &str = "others";

pub fn run(args: Args, conn: &Connection) -> Result<()> {
    let (rows, parties) = build(conn, &args.claims, args.topic.as_deref(), args.parties.as_deref())?;
    if rows.is_empty() {
        eprintln!("no claims to compare: none has statements that differ; name claims, or add statements with `crosscheck statement add`");
        return Ok(());
    }
    print(&rows, &parties, &args.output)
}

/// Picks the claims and parties, and reads every account.
pub fn build(conn: &Connection, claims: &[String], topic: Option<&str>, parties: Option<&str>) -> Result<(Vec<Row>, Vec<String>)> {
    let ids: Vec<i64> = if !claims.is_empty() {
        claims
            .iter()
            .map(|c| handle::resolve(conn, Kind::Claim, c))
            .collect::<Result<_>>()?
    } else if let Some(topic) = topic {
        query_ids(
            conn,
            "SELECT id FROM claim WHERE topic = ?1 AND EXISTS (SELECT 1 FROM statement s WHERE s.claim_id = claim.id) ORDER BY id",
            &[&topic],
        )?
    } else {
        query_ids(
            conn,
            "SELECT id FROM claim
             WHERE status = 'disputed' OR (SELECT count(DISTINCT stance) FROM statement s WHERE s.claim_id = claim.id) > 1
             ORDER BY id",
            &[],
        )?
    };
    // The chosen columns: a party and, for a state, its bodies.
    let others_named = parties.is_some_and(|list| super::split_list(list).iter().any(|c| c.eq_ignore_ascii_case(OTHERS)));
    let chosen: Option<Vec<(String, i64)>> = match parties {
        None => None,
        Some(list) => {
            let codes = super::split_list(list);
            if codes.is_empty() {
                return Err(UserError::invalid("parties", list, "allowed: party codes separated by commas, such as RU,CN,JP,KR").into());
            }
            Some(
                codes
                    .iter()
                    .filter(|c| !c.eq_ignore_ascii_case(OTHERS))
                    .map(|c| {
                        let id = handle::resolve(conn, Kind::Party, c)?;
                        Ok((crate::store::reference(conn, Kind::Party, id)?, id))
                    })
                    .collect::<Result<_>>()?,
            )
        }
    };
    let mut rows = Vec::new();
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT s.claim_id, p.id, p.code, coalesce(pp.id, p.id), coalesce(pp.code, p.code), coalesce(pp.kind, p.kind),
                s.stance, s.said_on, s.speaker, s.quote, s.summary, coalesce(src.slug, 'S' || src.id, ''),
                s.figure_low, s.figure_high, s.figure_unit, coalesce('S' || src.id, '')
         FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
         LEFT JOIN source src ON src.id = s.source_id
         WHERE s.claim_id = ?1 ORDER BY s.said_on = '', s.said_on, s.id",
    )?;
    for id in ids {
        let (slug, text, status, low, high, unit): (Option<String>, String, String, Option<f64>, Option<f64>, String) = conn.query_row(
            "SELECT slug, text, status, figure_low, figure_high, figure_unit FROM claim WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        let mut accounts = Vec::new();
        let mut query = stmt.query([id])?;
        while let Some(r) = query.next()? {
            let (party_id, party_code, root_id, root_code, root_kind): (i64, String, i64, String, String) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
            let column = match &chosen {
                Some(list) => match list.iter().find(|(_, pid)| *pid == party_id || *pid == root_id) {
                    Some((code, _)) => code.clone(),
                    None if others_named => OTHERS.to_string(),
                    None => continue,
                },
                None if root_kind == "state" => root_code,
                None => OTHERS.to_string(),
            };
            let (quote, summary): (String, String) = (r.get(9)?, r.get(10)?);
            let is_quote = !quote.is_empty();
            let entry = seen.entry(column.clone()).or_insert((0, rows.len()));
            entry.0 += 1;
            accounts.push(Account {
                column,
                party: party_code,
                stance: r.get(6)?,
                said_on: r.get(7)?,
                speaker: r.get(8)?,
                words: if is_quote { quote } else { summary },
                is_quote,
                source: r.get(11)?,
                source_handle: r.get(15)?,
                figure: Figure::from_columns(r.get(12)?, r.get(13)?),
                unit: r.get(14)?,
            });
        }
        rows.push(Row {
            claim_id: id,
            slug: slug.unwrap_or_default(),
            text,
            status,
            figure: Figure::from_columns(low, high),
            unit,
            accounts,
        });
    }
    let parties = match chosen {
        Some(list) => {
            let mut columns: Vec<String> = list.into_iter().map(|(code, _)| code).collect();
            if others_named {
                columns.push(OTHERS.to_string());
            }
            columns
        }
        None => {
            // States that spoke most come first; everyone else last.
            let mut states: Vec<(String, (usize, usize))> = seen.into_iter().filter(|(c, _)| c != OTHERS).collect();
            states.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)).then(a.0.cmp(&b.0)));
            let mut columns: Vec<String> = states.into_iter().map(|(c, _)| c).collect();
            if rows.iter().any(|r| r.accounts.iter().any(|a| a.column == OTHERS)) {
                columns.push(OTHERS.to_string());
            }
            columns
        }
    };
    Ok((rows, parties))
}

fn query_ids(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(sql)?;
    let ids = stmt.query_map(params, |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

impl Account {
    /// The stance and date: `denies 2019-07-23`.
    pub fn head(&self) -> String {
        if self.said_on.is_empty() {
            self.stance.clone()
        } else {
            format!("{} {}", self.stance, self.said_on)
        }
    }

    /// The party's words, in quotation marks when they are a quote, cut to
    /// `max` characters where given.
    pub fn words(&self, max: Option<usize>) -> String {
        let words = max.map_or_else(|| self.words.clone(), |max| shorten(&self.words, max));
        if self.is_quote { format!("“{words}”") } else { words }
    }

    /// Who said it and their figure: ` — RU-MOD, Shoigu [300,000 servicemen]`.
    pub fn attribution(&self, show_party: bool) -> String {
        let who: Vec<&str> = [show_party.then_some(self.party.as_str()), Some(self.speaker.as_str())]
            .into_iter()
            .flatten()
            .filter(|w| !w.is_empty())
            .collect();
        let mut text = if who.is_empty() {
            String::new()
        } else {
            format!(" — {}", who.join(", "))
        };
        if let Some(f) = self.figure {
            text.push_str(&format!(" [{}]", f.with_unit(&self.unit)));
        }
        text
    }
}

/// One account as cell text. Tables get a short quote; files get all of it.
fn account_text(a: &Account, short: bool, show_party: bool) -> String {
    let mut text = format!("{}: {}{}", a.head(), a.words(short.then_some(90)), a.attribution(show_party));
    let source = if short { &a.source_handle } else { &a.source };
    if !source.is_empty() {
        text.push_str(&format!(" ({source})"));
    }
    text
}

/// The figures of a claim and its accounts side by side, with their spread:
/// "claim 300,000 servicemen; RU 300,000; others 50,000–100,000; spread
/// 50,000 to 300,000 (6×)".
pub fn figures_text(row: &Row, separator: &str) -> String {
    let mut parts = Vec::new();
    let mut lows = Vec::new();
    let mut highs = Vec::new();
    if let Some(f) = row.figure {
        parts.push(format!("claim: {}", f.with_unit(&row.unit)));
        lows.push(f.low);
        highs.push(f.high);
    }
    for a in &row.accounts {
        if let Some(f) = a.figure {
            let part = format!("{}: {}", a.party, f.with_unit(&a.unit));
            if !parts.contains(&part) {
                parts.push(part);
            }
            lows.push(f.low);
            highs.push(f.high);
        }
    }
    let low = lows.iter().copied().fold(f64::INFINITY, f64::min);
    let high = highs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if parts.len() > 1 && high > low {
        let ratio = if low > 0.0 {
            format!(" ({}×)", crate::model::grouped((high / low * 10.0).round() / 10.0))
        } else {
            String::new()
        };
        parts.push(format!(
            "spread: {} to {}{ratio}",
            crate::model::grouped(low),
            crate::model::grouped(high)
        ));
    }
    parts.join(separator)
}

pub fn print(rows: &[Row], parties: &[String], args: &OutputArgs) -> Result<()> {
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
    columns.push(Column {
        name: "figures".into(),
        in_table: true,
    });
    let show_figures = rows
        .iter()
        .any(|r| r.figure.is_some() || r.accounts.iter().any(|a| a.figure.is_some()));
    if table && !show_figures {
        columns.pop();
    }
    let separator = if table { "\n" } else { "; " };
    let cells = rows.iter().map(|row| {
        let handle = handle::format(Kind::Claim, row.claim_id);
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
                .map(|a| account_text(a, table, a.party != *party))
                .collect();
            cells.push(Cell::Text(accounts.join(if table { "\n\n" } else { "\n" })));
        }
        if !table || show_figures {
            cells.push(Cell::Text(figures_text(row, separator)));
        }
        cells
    });
    output::print(args, columns, cells.collect::<Vec<_>>())
}
