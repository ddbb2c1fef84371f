//! Listings: every record of a kind that a filter selects, as the fields the
//! importer reads back, streamed row by row. The columns follow from each
//! kind's declaration (`Record::FIELDS` and `SHOWN`).

use anyhow::Result;
use rusqlite::ToSql;
use rusqlite::types::Value;

use super::Case;
use super::handle;
use super::kind::{Kind, handle as format_handle};
use super::record::Record;
use super::records::{Claim, Evidence, Hypothesis, Item, Party, Rating, Source, Statement};
use crate::model::{PartyKind, Relation, Reliability, SourceKind, Stance, Status};
use crate::output::Cell;

/// A date range as whole days: the first day of `since`, the last of `until`.
#[derive(Debug, Clone, Default)]
pub struct Dates {
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The condition on a date column. A record's year or month is in range when
/// any of its days is; an undated record is left out once a bound is given.
fn date_condition(column: &str, dates: &Dates, params: &mut Vec<Value>) -> String {
    let mut parts = Vec::new();
    if let Some(since) = &dates.since {
        params.push(Value::Text(since.clone()));
        parts.push(format!(
            "({column} <> '' AND {column} || substr('-12-31', length({column}) - 3) >= ?{})",
            params.len()
        ));
    }
    if let Some(until) = &dates.until {
        params.push(Value::Text(until.clone()));
        parts.push(format!(
            "({column} <> '' AND {column} || substr('-01-01', length({column}) - 3) <= ?{})",
            params.len()
        ));
    }
    if parts.is_empty() { "TRUE".into() } else { parts.join(" AND ") }
}

/// `column IN (?n, ?n+1...)` for a list of words; no condition for none.
fn one_of<'w>(column: &str, words: impl IntoIterator<Item = &'w str>, params: &mut Vec<Value>) -> String {
    let mut marks = Vec::new();
    for word in words {
        params.push(Value::Text(word.to_string()));
        marks.push(format!("?{}", params.len()));
    }
    if marks.is_empty() {
        "TRUE".into()
    } else {
        format!("{column} IN ({})", marks.join(", "))
    }
}

pub(super) fn equals(column: &str, value: Option<Value>, params: &mut Vec<Value>) -> String {
    match value {
        None => "TRUE".into(),
        Some(v) => {
            params.push(v);
            format!("{column} = ?{}", params.len())
        }
    }
}

/// A party and, for a state, its bodies: `column` is a party id.
pub(super) fn party_or_body(column: &str, party: Option<i64>, params: &mut Vec<Value>) -> String {
    match party {
        None => "TRUE".into(),
        Some(id) => {
            params.push(Value::Integer(id));
            let n = params.len();
            format!("({column} = ?{n} OR {column} IN (SELECT id FROM party WHERE parent_id = ?{n}))")
        }
    }
}

const LIVE: &str = "t.retracted = ''";

/// Which records a listing shows, besides its kind's filter, and in what order.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Show retracted records too.
    pub include_retracted: bool,
    /// Order by this field (a field of the kind, or `handle`), instead of
    /// the handle; `descending` reverses it.
    pub sort: Option<String>,
    pub descending: bool,
    /// At most this many records.
    pub limit: Option<u64>,
}

/// The SQL order for a listing's `--sort`: a field that is a column of
/// its own (or `handle`, or `figure`), checked against the kind's
/// declaration, so that no text a user typed reaches the SQL.
fn order<R: Record>(scope: &Scope) -> Result<String> {
    let Some(field) = scope.sort.as_deref() else {
        return Ok(if scope.descending { "id DESC".into() } else { "id".into() });
    };
    let wanted = field.trim().to_ascii_lowercase().replace('-', "_");
    let sortable: Vec<&str> = std::iter::once("handle")
        .chain(
            R::FIELDS
                .iter()
                .copied()
                .filter(|f| R::COLUMNS.contains(f) || *f == "figure" || *f == "reason"),
        )
        .collect();
    let column = match wanted.as_str() {
        "handle" => "id",
        "figure" => "figure_low",
        "reason" if R::COLUMNS.contains(&"status_reason") => "status_reason",
        other => match sortable.iter().find(|f| **f == other) {
            Some(f) => *f,
            None => {
                return Err(crate::error::UserError::invalid("--sort", field, format!("allowed: {}", sortable.join(", "))).into());
            }
        },
    };
    // Records without a value (an undated statement) come last either way.
    Ok(format!(
        "(t.{column} IS NULL OR t.{column} = ''), t.{column}{}",
        if scope.descending { " DESC" } else { "" }
    ))
}

impl Scope {
    pub(super) fn condition(&self) -> &'static str {
        if self.include_retracted { "TRUE" } else { LIVE }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PartyFilter {
    pub kind: Option<PartyKind>,
    /// Every built-in state, not only those in use.
    pub all: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    pub kinds: Vec<SourceKind>,
    pub reliability: Vec<Reliability>,
    /// Publisher containing this text, any case.
    pub publisher: Option<String>,
    pub published: Dates,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub statuses: Vec<Status>,
    pub topic: Option<String>,
    /// Claims this party (a state with its bodies) made a statement on.
    pub party: Option<String>,
    pub claimed: Dates,
    /// Only these claims, by id (a report's page of claims shown in full).
    pub only: Option<Vec<i64>>,
}

#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    pub claim: Option<String>,
    /// Statements this source records.
    pub source: Option<String>,
    pub party: Option<String>,
    pub stance: Option<Stance>,
    pub topic: Option<String>,
    pub said: Dates,
}

#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    pub claim: Option<String>,
    pub source: Option<String>,
    pub relation: Option<Relation>,
    pub topic: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct HypothesisFilter {
    pub claim: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RatingFilter {
    /// Ratings against the hypotheses of this claim.
    pub claim: Option<String>,
    pub hypothesis: Option<String>,
    /// Ratings of this evidence item or statement.
    pub item: Option<String>,
}

pub(super) fn resolve(case: &Case, kind: Kind, text: &Option<String>) -> Result<Option<i64>> {
    text.as_deref().map(|t| handle::resolve(case.conn(), kind, t)).transpose()
}

impl ClaimFilter {
    /// The condition over `t`, the claim table, and its values. Checks and
    /// resolves every value first.
    pub(super) fn condition(&self, case: &Case, scope: &Scope, params: &mut Vec<Value>) -> Result<String> {
        let party = resolve(case, Kind::Party, &self.party)?;
        let mut parts = vec![scope.condition().to_string()];
        parts.push(one_of("t.status", self.statuses.iter().map(|s| s.as_str()), params));
        parts.push(equals("t.topic", self.topic.clone().map(Value::Text), params));
        if party.is_some() {
            let by = party_or_body("fs.party_id", party, params);
            parts.push(format!(
                "EXISTS (SELECT 1 FROM statement fs WHERE fs.claim_id = t.id AND fs.retracted = '' AND {by})"
            ));
        }
        parts.push(date_condition("t.claimed_on", &self.claimed, params));
        if let Some(ids) = &self.only {
            params.push(Value::Text(serde_json::to_string(ids)?));
            parts.push(format!("t.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?{}))", params.len()));
        }
        Ok(parts.join(" AND "))
    }
}

/// One listing row: the handle, then every field.
fn row<R: Record>(case: &Case, id: i64, record: &R) -> Result<Vec<Cell>> {
    let mut cells = vec![Cell::Text(format_handle(R::KIND, id))];
    for (name, value) in record.to_fields(case.conn())?.0 {
        cells.push(match (name, value.parse::<i64>()) {
            ("credibility", Ok(n)) => Cell::Int(n),
            _ => Cell::Text(value),
        });
    }
    Ok(cells)
}

/// The listing's columns: the handle, then each field, and whether a table
/// on the terminal shows it.
pub fn columns<R: Record>() -> Vec<(String, bool)> {
    let mut columns = vec![("handle".to_string(), true)];
    columns.extend(R::FIELDS.iter().map(|f| (f.to_string(), R::SHOWN.contains(f))));
    columns
}

impl Case {
    pub(super) fn list<R: Record>(
        &self,
        condition: &str,
        params: &[Value],
        scope: &Scope,
        each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        let order = order::<R>(scope)?;
        let params: Vec<&dyn ToSql> = params.iter().map(|v| v as &dyn ToSql).collect();
        R::scan_in_order(self.conn(), condition, &params, &order, scope.limit, |id, record| {
            each(id, row(self, id, &record)?)
        })
    }

    pub fn list_parties(&self, filter: &PartyFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let mut params = Vec::new();
        let kind = equals("t.kind", filter.kind.map(|k| Value::Text(k.as_str().into())), &mut params);
        // States come with the schema: by default only those in use show.
        let in_use = if filter.all {
            "TRUE"
        } else {
            "(t.kind <> 'state' OR EXISTS (SELECT 1 FROM statement s WHERE s.party_id = t.id)
              OR EXISTS (SELECT 1 FROM party c WHERE c.parent_id = t.id))"
        };
        let condition = format!("{} AND {kind} AND {in_use}", scope.condition());
        if scope.sort.is_some() {
            return self.list::<Party>(&condition, &params, scope, each);
        }
        // Bodies, organisations and the rest after the states.
        let all = Scope {
            limit: None,
            ..scope.clone()
        };
        let mut states = Vec::new();
        let mut others = Vec::new();
        self.list::<Party>(&condition, &params, &all, &mut |id, cells| {
            if cells.get(4).is_some_and(|c| c.text() == "state") {
                states.push((id, cells));
            } else {
                others.push((id, cells));
            }
            Ok(())
        })?;
        let limit = scope.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        for (id, cells) in states.into_iter().chain(others).take(limit) {
            each(id, cells)?;
        }
        Ok(())
    }

    pub fn list_sources(&self, filter: &SourceFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        parts.push(one_of("t.kind", filter.kinds.iter().map(|k| k.as_str()), &mut params));
        parts.push(one_of("t.reliability", filter.reliability.iter().map(|r| r.as_str()), &mut params));
        if let Some(publisher) = &filter.publisher {
            params.push(Value::Text(publisher.clone()));
            parts.push(format!("instr(lower(t.publisher), lower(?{})) > 0", params.len()));
        }
        parts.push(date_condition("t.published", &filter.published, &mut params));
        self.list::<Source>(&parts.join(" AND "), &params, scope, each)
    }

    pub fn list_claims(&self, filter: &ClaimFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let mut params = Vec::new();
        let condition = filter.condition(self, scope, &mut params)?;
        self.list::<Claim>(&condition, &params, scope, each)
    }

    pub fn list_statements(
        &self,
        filter: &StatementFilter,
        scope: &Scope,
        each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        let claim = resolve(self, Kind::Claim, &filter.claim)?;
        let source = resolve(self, Kind::Source, &filter.source)?;
        let party = resolve(self, Kind::Party, &filter.party)?;
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        parts.push(equals("t.claim_id", claim.map(Value::Integer), &mut params));
        parts.push(equals("t.source_id", source.map(Value::Integer), &mut params));
        parts.push(party_or_body("t.party_id", party, &mut params));
        parts.push(equals(
            "t.stance",
            filter.stance.map(|s| Value::Text(s.as_str().into())),
            &mut params,
        ));
        if let Some(topic) = &filter.topic {
            params.push(Value::Text(topic.clone()));
            parts.push(format!("t.claim_id IN (SELECT id FROM claim WHERE topic = ?{})", params.len()));
        }
        parts.push(date_condition("t.said_on", &filter.said, &mut params));
        self.list::<Statement>(&parts.join(" AND "), &params, scope, each)
    }

    pub fn list_evidence(&self, filter: &EvidenceFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let claim = resolve(self, Kind::Claim, &filter.claim)?;
        let source = resolve(self, Kind::Source, &filter.source)?;
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        parts.push(equals("t.claim_id", claim.map(Value::Integer), &mut params));
        parts.push(equals("t.source_id", source.map(Value::Integer), &mut params));
        parts.push(equals(
            "t.relation",
            filter.relation.map(|r| Value::Text(r.as_str().into())),
            &mut params,
        ));
        if let Some(topic) = &filter.topic {
            params.push(Value::Text(topic.clone()));
            parts.push(format!("t.claim_id IN (SELECT id FROM claim WHERE topic = ?{})", params.len()));
        }
        self.list::<Evidence>(&parts.join(" AND "), &params, scope, each)
    }

    pub fn list_hypotheses(
        &self,
        filter: &HypothesisFilter,
        scope: &Scope,
        each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        let claim = resolve(self, Kind::Claim, &filter.claim)?;
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        parts.push(equals("t.claim_id", claim.map(Value::Integer), &mut params));
        self.list::<Hypothesis>(&parts.join(" AND "), &params, scope, each)
    }

    pub fn list_ratings(&self, filter: &RatingFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let claim = resolve(self, Kind::Claim, &filter.claim)?;
        let hypothesis = resolve(self, Kind::Hypothesis, &filter.hypothesis)?;
        let item = filter.item.as_deref().map(|text| Item::resolve(self.conn(), text)).transpose()?;
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        if let Some(claim) = claim {
            params.push(Value::Integer(claim));
            parts.push(format!(
                "t.hypothesis_id IN (SELECT id FROM hypothesis WHERE claim_id = ?{})",
                params.len()
            ));
        }
        parts.push(equals("t.hypothesis_id", hypothesis.map(Value::Integer), &mut params));
        parts.push(equals(
            "t.evidence_id",
            item.and_then(|i| matches!(i, Item::Evidence(_)).then(|| Value::Integer(i.id()))),
            &mut params,
        ));
        parts.push(equals(
            "t.statement_id",
            item.and_then(|i| matches!(i, Item::Statement(_)).then(|| Value::Integer(i.id()))),
            &mut params,
        ));
        self.list::<Rating>(&parts.join(" AND "), &params, scope, each)
    }
}
