//! The side-by-side comparison: what each party said about each claim, in
//! one column per party. `compare`, `demo` and the claims report build it
//! here.

use anyhow::Result;

use crate::error::UserError;
use crate::model::{Figure, QuoteKind};
use crate::output::shorten;
use crate::store::queries::{AccountRow, ClaimHead};
use crate::store::{Case, Kind, format_handle};

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
    pub quote_kind: QuoteKind,
    /// The publisher of the source, for reported speech.
    pub publisher: String,
    /// The source as people type it (its slug, else its handle).
    pub source: String,
    /// The source's short handle, for tables: S12.
    pub source_handle: String,
    pub figure: Option<Figure>,
    pub unit: String,
    /// The statement's summary (its words, where it has no quote).
    pub summary: String,
    pub source_title: String,
    /// The statement's UUID.
    pub uuid: String,
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

/// Which claims a comparison takes.
#[derive(Debug, Clone)]
pub enum Claims<'a> {
    /// These, as the user typed them (C3, slugs or UUIDs).
    Named(&'a [String]),
    /// The live claims on a topic that have live statements.
    Topic(&'a str),
    /// The contested claims: differing stances, or marked disputed.
    Contested,
    /// These claims, by id.
    Ids(Vec<i64>),
}

/// A comparison chosen before any row is read: its claims, in order, and
/// its columns. The rows then come one at a time (`each`), so that a
/// comparison of every claim in a large case holds one claim at a time.
#[derive(Debug)]
pub struct Plan {
    pub ids: Vec<i64>,
    /// The party columns, left to right.
    pub columns: Vec<String>,
    /// The parties named in --parties, with their ids.
    chosen: Option<Vec<(String, i64)>>,
    /// Whether --parties named `others`.
    others_named: bool,
}

/// Picks the claims and the columns. By default the columns are every state
/// that spoke, those with most statements first (then the one that spoke
/// on an earlier claim, then by code), and one column for everyone else.
pub fn plan(case: &Case, claims: Claims<'_>, parties: Option<&str>) -> Result<Plan> {
    let ids: Vec<i64> = match claims {
        Claims::Named(claims) => claims.iter().map(|c| case.resolve(Kind::Claim, c)).collect::<Result<_>>()?,
        Claims::Topic(topic) => case.claims_on_topic(topic)?,
        Claims::Contested => case.contested_claims()?,
        Claims::Ids(ids) => ids,
    };
    // The chosen columns: a party and, for a state, its bodies.
    let others_named = parties.is_some_and(|list| split_list(list).iter().any(|c| c.eq_ignore_ascii_case(OTHERS)));
    let chosen: Option<Vec<(String, i64)>> = match parties {
        None => None,
        Some(list) => {
            let codes = split_list(list);
            if codes.is_empty() {
                return Err(UserError::invalid("parties", list, "allowed: party codes separated by commas, such as RU,CN,JP,KR").into());
            }
            Some(
                codes
                    .iter()
                    .filter(|c| !c.eq_ignore_ascii_case(OTHERS))
                    .map(|c| {
                        let id = case.resolve(Kind::Party, c)?;
                        Ok((case.reference(Kind::Party, id)?, id))
                    })
                    .collect::<Result<_>>()?,
            )
        }
    };
    let columns = match &chosen {
        Some(list) => {
            let mut columns: Vec<String> = list.iter().map(|(code, _)| code.clone()).collect();
            if others_named {
                columns.push(OTHERS.to_string());
            }
            columns
        }
        None if ids.is_empty() => Vec::new(),
        None => {
            let mut states = case.speaking_states(&ids)?;
            let others = states.iter().any(|(code, _, _)| code.is_none());
            states.retain(|(code, _, _)| code.is_some());
            states.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
            let mut columns: Vec<String> = states.into_iter().filter_map(|(code, _, _)| code).collect();
            if others {
                columns.push(OTHERS.to_string());
            }
            columns
        }
    };
    Ok(Plan {
        ids,
        columns,
        chosen,
        others_named,
    })
}

impl Plan {
    /// Reads each claim with its accounts, in order, and hands it on. The
    /// claims are read `CHUNK` at a time, two statements a chunk: on a
    /// server each statement is a round trip.
    pub fn each(&self, case: &Case, mut each: impl FnMut(Row) -> Result<()>) -> Result<()> {
        const CHUNK: usize = 64;
        for ids in self.ids.chunks(CHUNK) {
            let mut heads = case.claim_heads(ids)?;
            let mut accounts = case.accounts_of(ids)?;
            for id in ids {
                let head = heads
                    .remove(id)
                    .ok_or_else(|| anyhow::anyhow!("claim {} was not found", format_handle(Kind::Claim, *id)))?;
                each(self.row(head, accounts.remove(id).unwrap_or_default()))?;
            }
        }
        Ok(())
    }

    fn row(&self, head: ClaimHead, rows: Vec<AccountRow>) -> Row {
        let mut accounts = Vec::new();
        for r in rows {
            let column = match &self.chosen {
                Some(list) => match list.iter().find(|(_, pid)| *pid == r.party_id || *pid == r.root_id) {
                    Some((code, _)) => code.clone(),
                    None if self.others_named => OTHERS.to_string(),
                    None => continue,
                },
                None if r.root_kind == "state" => r.root.clone(),
                None => OTHERS.to_string(),
            };
            let is_quote = !r.quote.is_empty();
            accounts.push(Account {
                column,
                party: r.party,
                stance: r.stance,
                said_on: r.said_on,
                speaker: r.speaker,
                words: if is_quote { r.quote } else { r.summary.clone() },
                is_quote,
                summary: r.summary,
                source_title: r.source_title,
                uuid: r.uuid,
                quote_kind: r.quote_kind,
                publisher: r.publisher,
                source: r.source,
                source_handle: r.source_handle,
                figure: r.figure,
                unit: r.unit,
            });
        }
        Row {
            claim_id: head.id,
            slug: head.slug,
            text: head.text,
            status: head.status,
            figure: head.figure,
            unit: head.unit,
            accounts,
        }
    }
}

/// The whole comparison at once, for the few claims of a page.
pub fn build(case: &Case, claims: Claims<'_>, parties: Option<&str>) -> Result<(Vec<Row>, Vec<String>)> {
    let plan = plan(case, claims, parties)?;
    let mut rows = Vec::new();
    plan.each(case, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok((rows, plan.columns))
}

/// Splits a comma-separated list flag: `RU,CN,JP`.
pub fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// A statement's words as readers see them: a direct quote in quotation
/// marks; reported speech without them, credited to the source's publisher
/// ("according to TASS: ..."); else the summary.
pub fn words_of(quote: &str, kind: QuoteKind, summary: &str, publisher: &str, max: Option<usize>) -> String {
    let cut = |text: &str| max.map_or_else(|| text.to_string(), |max| shorten(text, max));
    if quote.is_empty() {
        return cut(summary);
    }
    match kind {
        QuoteKind::Direct => format!("“{}”", cut(quote)),
        QuoteKind::Reported if publisher.trim().is_empty() => format!("according to the source: {}", cut(quote)),
        QuoteKind::Reported => format!("according to {}: {}", publisher.trim(), cut(quote)),
    }
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
        if self.is_quote {
            words_of(&self.words, self.quote_kind, "", &self.publisher, max)
        } else {
            words_of("", self.quote_kind, &self.words, &self.publisher, max)
        }
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

/// The figures of a claim and its accounts side by side, with their spread:
/// "claim 300,000 servicemen; RU 300,000; others 50,000–100,000; spread
/// 50,000 to 300,000 (6×)".
pub fn figures_text(row: &Row, separator: &str) -> String {
    let mut parts = Vec::new();
    // Figures by unit: only figures in one unit are compared.
    // (the unit as grouped, as written first, and who gave which figure)
    type Unit = (String, String, Vec<(String, Figure)>);
    let mut units: Vec<Unit> = Vec::new();
    let mut add = |who: &str, figure: Figure, unit: &str, parts: &mut Vec<String>| {
        let part = format!("{who}: {}", figure.with_unit(unit));
        if !parts.contains(&part) {
            parts.push(part);
        }
        let key = unit_key(unit);
        let entry = (who.to_string(), figure);
        match units.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, figures)) => figures.push(entry),
            None => units.push((key, unit.trim().to_string(), vec![entry])),
        }
    };
    if let Some(f) = row.figure {
        add("claim", f, &row.unit, &mut parts);
    }
    for a in &row.accounts {
        if let Some(f) = a.figure {
            add(&a.party, f, &a.unit, &mut parts);
        }
    }
    let several_units = units.len() > 1;
    let mut alone = Vec::new();
    for (_, unit, figures) in &units {
        if several_units && figures.len() == 1 {
            let (who, figure) = &figures[0];
            alone.push(format!("{who}'s {}", figure.with_unit(unit)));
            continue;
        }
        let low = figures.iter().map(|(_, f)| f.low).fold(f64::INFINITY, f64::min);
        let high = figures.iter().map(|(_, f)| f.high).fold(f64::NEG_INFINITY, f64::max);
        if high <= low {
            continue;
        }
        let ratio = if low > 0.0 {
            format!(" ({}×)", crate::model::grouped((high / low * 10.0).round() / 10.0))
        } else {
            String::new()
        };
        let of = if several_units && !unit.is_empty() {
            format!(" in {unit}")
        } else {
            String::new()
        };
        parts.push(format!(
            "spread{of}: {} to {}{ratio}",
            crate::model::grouped(low),
            crate::model::grouped(high)
        ));
    }
    if !alone.is_empty() {
        parts.push(format!("not compared, the only figure in its unit: {}", alone.join(", ")));
    }
    parts.join(separator)
}

/// A unit as figures are grouped by it: case aside, and a plural as its
/// singular (sailors and sailor are one unit; sailors and people are two).
fn unit_key(unit: &str) -> String {
    let unit = unit.trim().to_lowercase();
    match unit.strip_suffix('s') {
        Some(singular) if !singular.is_empty() && !singular.ends_with('s') => singular.to_string(),
        _ => unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(party: &str, low: f64, high: f64, unit: &str) -> Account {
        Account {
            column: party.into(),
            party: party.into(),
            stance: "affirms".into(),
            said_on: String::new(),
            speaker: String::new(),
            words: String::new(),
            is_quote: false,
            quote_kind: QuoteKind::Direct,
            publisher: String::new(),
            source: String::new(),
            source_handle: String::new(),
            figure: Some(Figure { low, high }),
            unit: unit.into(),
            summary: String::new(),
            source_title: String::new(),
            uuid: String::new(),
        }
    }

    #[test]
    fn figures_are_compared_only_within_one_unit() {
        let row = Row {
            claim_id: 1,
            slug: String::new(),
            text: String::new(),
            status: "disputed".into(),
            figure: Some(Figure { low: 46.0, high: 46.0 }),
            unit: "sailors".into(),
            accounts: vec![
                account("KR", 46.0, 46.0, "sailor"),
                account("KP", 47.0, 47.0, "people"),
                account("US", 0.047, 0.047, "thousand"),
                account("JP", 50.0, 50.0, "Sailors"),
            ],
        };
        assert_eq!(
            figures_text(&row, "; "),
            "claim: 46 sailors; KR: 46 sailor; KP: 47 people; US: 0.047 thousand; JP: 50 Sailors; \
             spread in sailors: 46 to 50 (1.1×); not compared, the only figure in its unit: KP's 47 people, US's 0.047 thousand"
        );
        let one_unit = Row {
            accounts: vec![
                account("RU", 300000.0, 300000.0, "servicemen"),
                account("x", 50000.0, 100000.0, "servicemen"),
            ],
            figure: None,
            ..row
        };
        assert_eq!(
            figures_text(&one_unit, "; "),
            "RU: 300,000 servicemen; x: 50,000–100,000 servicemen; spread: 50,000 to 300,000 (6×)"
        );
    }
}
