//! What commands and reports read besides listings: a record's sections,
//! the accounts a comparison is built from, the figures of the claims
//! report, the history. Retracted records are left out of every one unless
//! the caller asks for them.

use std::collections::HashMap;

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Result;

use super::handle;
use super::history::Entry;
use super::kind::{Kind, handle as format_handle};
use super::record::statement_text;
use super::{Case, Claim, Record};
use crate::error::UserError;
use crate::model::{Figure, QuoteKind, Status};

/// The condition on `claim` that makes a claim contested: live, and marked
/// disputed or with live statements whose stances differ.
const CONTESTED: &str = "claim.retracted = '' AND (claim.status = 'disputed'
    OR (SELECT count(DISTINCT stance) FROM statement s WHERE s.claim_id = claim.id AND s.retracted = '') > 1)";

/// The reason a record was retracted, or "" while it is live.
pub fn retracted(conn: &Connection, kind: Kind, id: i64) -> Result<String> {
    let table = kind.table();
    let sql = statement_text(table, "retracted", || format!("SELECT retracted FROM {table} WHERE id = ?1"));
    Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get(0))?)
}

/// The live records that refer to a record: a claim's statements, evidence
/// and hypotheses, a source's statements and evidence, a party's statements
/// and bodies, the ratings of an evidence item, statement or hypothesis.
pub fn dependents(conn: &Connection, kind: Kind, id: i64) -> Result<Vec<String>> {
    let queries: &[(Kind, &str)] = match kind {
        Kind::Claim => &[
            (
                Kind::Statement,
                "SELECT id FROM statement WHERE claim_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Evidence,
                "SELECT id FROM evidence WHERE claim_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Hypothesis,
                "SELECT id FROM hypothesis WHERE claim_id = ?1 AND retracted = '' ORDER BY id",
            ),
        ],
        Kind::Source => &[
            (
                Kind::Statement,
                "SELECT id FROM statement WHERE source_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Evidence,
                "SELECT id FROM evidence WHERE source_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Name,
                "SELECT id FROM name WHERE source_id = ?1 AND retracted = '' ORDER BY id",
            ),
        ],
        Kind::Party => &[
            (
                Kind::Statement,
                "SELECT id FROM statement WHERE party_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Party,
                "SELECT id FROM party WHERE parent_id = ?1 AND retracted = '' ORDER BY id",
            ),
            (
                Kind::Name,
                "SELECT id FROM name WHERE retracted = '' AND ?1 IN (SELECT value FROM json_each(used_by)) ORDER BY id",
            ),
        ],
        Kind::Statement => &[(
            Kind::Rating,
            "SELECT id FROM rating WHERE statement_id = ?1 AND retracted = '' ORDER BY id",
        )],
        Kind::Evidence => &[(
            Kind::Rating,
            "SELECT id FROM rating WHERE evidence_id = ?1 AND retracted = '' ORDER BY id",
        )],
        Kind::Hypothesis => &[(
            Kind::Rating,
            "SELECT id FROM rating WHERE hypothesis_id = ?1 AND retracted = '' ORDER BY id",
        )],
        Kind::Rating => &[],
        Kind::Place => &[
            (Kind::Name, "SELECT id FROM name WHERE place_id = ?1 AND retracted = '' ORDER BY id"),
            (
                Kind::Place,
                "SELECT id FROM place WHERE part_of_id = ?1 AND retracted = '' ORDER BY id",
            ),
        ],
        Kind::Name => &[],
    };
    let mut found = Vec::new();
    for (kind, sql) in queries {
        let mut stmt = conn.prepare_cached(sql)?;
        let ids = stmt.query_map([id], |r| r.get::<_, i64>(0))?;
        for id in ids {
            found.push(format_handle(*kind, id?));
        }
    }
    Ok(found)
}

/// A claim as a comparison heads it.
#[derive(Debug, Clone)]
pub struct ClaimHead {
    pub id: i64,
    pub slug: String,
    pub text: String,
    pub status: String,
    pub figure: Option<Figure>,
    pub unit: String,
}

/// One statement with its party, as a comparison needs it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub party_id: i64,
    pub party: String,
    /// The party's state (or the party itself): its id, code and kind.
    pub root_id: i64,
    pub root: String,
    pub root_kind: String,
    pub stance: String,
    pub said_on: String,
    pub speaker: String,
    pub quote: String,
    pub quote_kind: QuoteKind,
    pub summary: String,
    /// The source as people type it (its slug, else its handle), its short
    /// handle, and its publisher.
    pub source: String,
    pub source_handle: String,
    pub publisher: String,
    pub figure: Option<Figure>,
    pub unit: String,
    pub source_title: String,
    /// The statement's UUID.
    pub uuid: String,
}

/// A party column of the claims report: a state with its bodies.
#[derive(Debug, Clone)]
pub struct PartyColumn {
    pub code: String,
    pub id: i64,
}

/// The evidence counts of one claim, with the best grade of each side.
#[derive(Debug, Clone, Default)]
pub struct EvidenceCounts {
    pub supporting: i64,
    pub supporting_best: String,
    pub refuting: i64,
    pub refuting_best: String,
}

/// A source as the reports list it.
#[derive(Debug, Clone)]
pub struct SourceLine {
    pub reference: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub language: String,
    pub kind: String,
    pub reliability: String,
    pub url: String,
    pub copy_url: String,
}

fn strings(conn: &Connection, sql: &str, id: i64) -> Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let count = stmt.column_count();
    let rows = stmt
        .query_map([id], |r| {
            (0..count)
                .map(|i| value_text((&r.value(i)?).into()))
                .collect::<super::sql::Result<Vec<_>>>()
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Any SQLite value as display text.
fn value_text(value: rusqlite::types::ValueRef<'_>) -> super::sql::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(n) => crate::model::plain_number(n),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
    })
}

impl Case {
    /// Slugs, codes and handles of `kind` (of every kind when `None`) that
    /// begin with `typed`, with a label each: what a shell completes.
    pub fn completions(&self, kind: Option<Kind>, typed: &str) -> Result<Vec<(String, String)>> {
        const MOST: usize = 200;
        let mut found = Vec::new();
        let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
        for kind in kinds {
            found.extend(handle::completions(&self.conn, kind, typed, MOST - found.len())?);
            if found.len() >= MOST {
                break;
            }
        }
        Ok(found)
    }

    pub fn resolve(&self, kind: Kind, text: &str) -> Result<i64> {
        handle::resolve(self.conn(), kind, text)
    }

    pub fn resolve_any(&self, text: &str) -> Result<(Kind, i64)> {
        handle::resolve_any(self.conn(), text)
    }

    /// The name people type for a record: a code, a slug, else its handle.
    pub fn reference(&self, kind: Kind, id: i64) -> Result<String> {
        handle::reference(self.conn(), kind, id)
    }

    pub fn uuid_of(&self, kind: Kind, id: i64) -> Result<String> {
        handle::uuid_of(self.conn(), kind, id)
    }

    pub fn load<R: Record>(&self, id: i64) -> Result<R> {
        R::load(self.conn(), id)
    }

    /// A record's fields, references written as people type them.
    pub fn fields<R: Record>(&self, record: &R) -> Result<super::Fields> {
        record.to_fields(self.conn())
    }

    /// The publisher of the source a handle or slug names.
    pub fn publisher(&self, source: &str) -> Result<String> {
        let id = self.resolve(Kind::Source, source)?;
        Ok(super::Source::load(self.conn(), id)?.publisher)
    }

    /// The reason a record was retracted, or "".
    pub fn retracted(&self, kind: Kind, id: i64) -> Result<String> {
        retracted(self.conn(), kind, id)
    }

    /// How many live claims the case holds.
    pub fn claim_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM claim WHERE retracted = ''", (), |r| r.get(0))?)
    }

    /// A claim's statements, for `claim show`: statement, party, stance,
    /// date, speaker, words, figure, source.
    pub fn claim_statements(&self, claim: i64, include_retracted: bool) -> Result<Vec<Vec<String>>> {
        let rows = strings(
            self.conn(),
            "SELECT 'ST' || s.id, p.code, s.stance, s.said_on, s.speaker, s.quote, s.quote_kind, s.summary,
                    s.figure_low, s.figure_high, s.figure_unit, coalesce('S' || src.id, ''), coalesce(src.publisher, ''), s.retracted
             FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN source src ON src.id = s.source_id
             WHERE s.claim_id = ?1 ORDER BY s.said_on = '', s.said_on, s.id",
            claim,
        )?;
        Ok(rows
            .into_iter()
            .filter(|r| include_retracted || r[13].is_empty())
            .map(|r| {
                let words =
                    crate::domain::compare::words_of(&r[5], QuoteKind::parse(&r[6]).unwrap_or(QuoteKind::Direct), &r[7], &r[12], None);
                let figure = Figure::from_columns(r[8].parse().ok(), r[9].parse().ok())
                    .map(|f| f.with_unit(&r[10]))
                    .unwrap_or_default();
                let handle = if r[13].is_empty() {
                    r[0].clone()
                } else {
                    format!("{} (retracted)", r[0])
                };
                vec![
                    handle,
                    r[1].clone(),
                    r[2].clone(),
                    r[3].clone(),
                    r[4].clone(),
                    words,
                    figure,
                    r[11].clone(),
                ]
            })
            .collect())
    }

    /// A claim's evidence, for `claim show`: evidence, relation,
    /// credibility, grade, source, excerpt, locator.
    pub fn claim_evidence(&self, claim: i64, include_retracted: bool) -> Result<Vec<Vec<String>>> {
        let rows = strings(
            self.conn(),
            "SELECT 'E' || e.id || CASE WHEN e.retracted <> '' THEN ' (retracted)' ELSE '' END, e.relation, e.credibility,
                    src.reliability || e.credibility, 'S' || src.id, e.excerpt, e.locator, e.retracted
             FROM evidence e JOIN source src ON src.id = e.source_id
             WHERE e.claim_id = ?1 ORDER BY e.id",
            claim,
        )?;
        Ok(rows
            .into_iter()
            .filter(|r| include_retracted || r[7].is_empty())
            .map(|mut r| {
                r.truncate(7);
                r
            })
            .collect())
    }

    /// The evidence drawn from a source: evidence, claim, relation,
    /// credibility, excerpt, locator.
    pub fn source_evidence(&self, source: i64) -> Result<Vec<Vec<String>>> {
        strings(
            self.conn(),
            "SELECT 'E' || e.id, coalesce(c.slug, 'C' || c.id), e.relation, e.credibility, e.excerpt, e.locator
             FROM evidence e JOIN claim c ON c.id = e.claim_id WHERE e.source_id = ?1 AND e.retracted = '' ORDER BY e.id",
            source,
        )
    }

    /// The statements a source records: statement, claim, party, stance,
    /// date, quote or summary.
    pub fn source_statements(&self, source: i64) -> Result<Vec<Vec<String>>> {
        strings(
            self.conn(),
            "SELECT 'ST' || s.id, coalesce(c.slug, 'C' || c.id), p.code, s.stance, s.said_on, CASE WHEN s.quote <> '' THEN s.quote ELSE s.summary END
             FROM statement s JOIN claim c ON c.id = s.claim_id JOIN party p ON p.id = s.party_id
             WHERE s.source_id = ?1 AND s.retracted = '' ORDER BY s.id",
            source,
        )
    }

    /// A source's captures: number, SHA-256, file details.
    pub fn source_captures(&self, source: i64) -> Result<Vec<Vec<String>>> {
        strings(
            self.conn(),
            "SELECT row_number() OVER (ORDER BY id), sha256,
                    file_name || char(10) || media_type || ', ' || size || ' bytes' || char(10) || 'attached by ' || attached_by || char(10) || attached_at
             FROM capture WHERE source_id = ?1 ORDER BY id",
            source,
        )
    }

    /// The history, or the trail of one record (a claim's includes its
    /// statements, evidence, hypotheses and ratings; a source's, its
    /// captures; a hypothesis's, its ratings; a place's, its names), oldest
    /// first.
    pub fn history(&self, record: Option<(Kind, i64)>, each: &mut dyn FnMut(Entry) -> Result<()>) -> Result<()> {
        self.history_in_order(record, &super::listing::Scope::default(), each)
    }

    /// `history` in the order of `scope.sort` (entry, at, analyst, action,
    /// entity or record), reversed with `descending`, and at most
    /// `scope.limit` entries.
    pub fn history_in_order(
        &self,
        record: Option<(Kind, i64)>,
        scope: &super::listing::Scope,
        each: &mut dyn FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        const SORTABLE: [(&str, &str); 6] = [
            ("entry", "id"),
            ("at", "at"),
            ("analyst", "analyst"),
            ("action", "action"),
            ("entity", "entity"),
            ("record", "handle"),
        ];
        let column = match scope.sort.as_deref() {
            None => "id",
            Some(field) => SORTABLE
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, column)| *column)
                .ok_or_else(|| {
                    let allowed: Vec<&str> = SORTABLE.iter().map(|(name, _)| *name).collect();
                    UserError::invalid("--sort", field, format!("allowed: {}", allowed.join(", ")))
                })?,
        };
        let direction = if scope.descending { "DESC" } else { "ASC" };
        let limit = scope.limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let (uuid, kind) = match record {
            None => (None, None),
            Some((kind, id)) => (Some(self.uuid_of(kind, id)?), Some(kind)),
        };
        let (is_claim, is_source) = (kind == Some(Kind::Claim), kind == Some(Kind::Source));
        let (is_hypothesis, is_place) = (kind == Some(Kind::Hypothesis), kind == Some(Kind::Place));
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {} FROM history
             WHERE CAST(?1 AS TEXT) IS NULL OR entity_uuid = ?1 OR (?2 AND claim_uuid = ?1)
                OR (?3 AND entity = 'capture' AND json_extract(after, '$.source_uuid') = ?1)
                OR (?4 AND entity = 'rating' AND entity_uuid IN
                    (SELECT r.uuid FROM rating r JOIN hypothesis h ON h.id = r.hypothesis_id WHERE h.uuid = ?1))
                OR (?5 AND entity = 'name' AND entity_uuid IN
                    (SELECT n.uuid FROM name n JOIN place p ON p.id = n.place_id WHERE p.uuid = ?1))
             ORDER BY {column} {direction}, id {direction} LIMIT ?6",
            Entry::COLUMNS
        ))?;
        let mut rows = stmt.query(params![uuid, is_claim, is_source, is_hypothesis, is_place, limit])?;
        while let Some(row) = rows.next()? {
            each(Entry::from_row(&row)?)?;
        }
        Ok(())
    }

    /// The live claims that are contested: marked disputed, or with live
    /// statements whose stances differ.
    pub fn contested_claims(&self) -> Result<Vec<i64>> {
        self.ids(&format!("SELECT id FROM claim WHERE {CONTESTED} ORDER BY id"), &[])
    }

    /// Those of these claims that are contested, in the order given.
    pub fn contested_among(&self, claims: &[i64]) -> Result<Vec<i64>> {
        self.ids(
            &format!(
                "SELECT claim.id FROM json_each(?1) j JOIN claim ON claim.id = CAST(j.value AS INTEGER) WHERE {CONTESTED} ORDER BY j.key"
            ),
            &[&serde_json::to_string(claims)?],
        )
    }

    /// For the columns of a comparison of these claims: each state whose
    /// live statements (its own or its bodies') are on them, then `None` for
    /// every other party together, with the number of statements and the
    /// position of the first claim, in `claims`, that has one.
    pub fn speaking_states(&self, claims: &[i64]) -> Result<Vec<(Option<String>, usize, usize)>> {
        let mut stmt = self.conn().prepare(
            "SELECT CASE WHEN coalesce(pp.kind, p.kind) = 'state' THEN coalesce(pp.code, p.code) END, count(*), min(j.key)
             FROM json_each(?1) j JOIN statement s ON s.claim_id = CAST(j.value AS INTEGER) AND s.retracted = ''
             JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
             GROUP BY 1",
        )?;
        let rows = stmt
            .query_map([serde_json::to_string(claims)?], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize))
            })?
            .collect::<super::sql::Result<_>>()?;
        Ok(rows)
    }

    /// Whether any of these claims, or any live statement on them, carries a figure.
    pub fn any_figure(&self, claims: &[i64]) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM json_each(?1) j JOIN claim c ON c.id = CAST(j.value AS INTEGER) WHERE c.figure_low IS NOT NULL)
                 OR EXISTS (SELECT 1 FROM json_each(?1) j JOIN statement s ON s.claim_id = CAST(j.value AS INTEGER)
                            WHERE s.retracted = '' AND s.figure_low IS NOT NULL)",
            [serde_json::to_string(claims)?],
            |r| r.get(0),
        )?)
    }

    /// The live claims on a topic that have live statements.
    pub fn claims_on_topic(&self, topic: &str) -> Result<Vec<i64>> {
        self.ids(
            "SELECT id FROM claim WHERE topic = ?1 AND retracted = ''
               AND EXISTS (SELECT 1 FROM statement s WHERE s.claim_id = claim.id AND s.retracted = '')
             ORDER BY id",
            &[&topic],
        )
    }

    /// The live claims with these verdicts.
    pub fn claims_with_status(&self, statuses: &[Status]) -> Result<Vec<i64>> {
        let words: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        self.ids(
            "SELECT id FROM claim WHERE retracted = '' AND status IN (SELECT value FROM json_each(?1)) ORDER BY id",
            &[&serde_json::to_string(&words)?],
        )
    }

    fn ids(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare(sql)?;
        let ids = stmt.query_map(params, |r| r.get(0))?.collect::<super::sql::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// These claims as a comparison heads them, by id. One statement for
    /// them all: on a server each statement is a round trip.
    pub fn claim_heads(&self, ids: &[i64]) -> Result<HashMap<i64, ClaimHead>> {
        let mut heads = HashMap::with_capacity(ids.len());
        let list = serde_json::to_string(ids)?;
        Claim::scan(
            self.conn(),
            "t.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1))",
            &[&list],
            |id, claim| {
                heads.insert(
                    id,
                    ClaimHead {
                        id,
                        slug: claim.slug.unwrap_or_default(),
                        text: claim.text,
                        status: claim.status.to_string(),
                        figure: claim.figure,
                        unit: claim.unit,
                    },
                );
                Ok(())
            },
        )?;
        Ok(heads)
    }

    pub fn claim_head(&self, id: i64) -> Result<ClaimHead> {
        self.claim_heads(&[id])?
            .remove(&id)
            .ok_or_else(|| anyhow::anyhow!("cannot read claim {}", super::format_handle(Kind::Claim, id)))
    }

    /// A claim's live statements, dated ones first in date order.
    pub fn accounts(&self, claim: i64) -> Result<Vec<AccountRow>> {
        Ok(self.accounts_of(&[claim])?.remove(&claim).unwrap_or_default())
    }

    /// The live statements of these claims, by claim, each claim's as
    /// `accounts` gives them, in one statement.
    pub fn accounts_of(&self, claims: &[i64]) -> Result<HashMap<i64, Vec<AccountRow>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.code, coalesce(pp.id, p.id), coalesce(pp.code, p.code), coalesce(pp.kind, p.kind),
                    s.stance, s.said_on, s.speaker, s.quote, s.quote_kind, s.summary, coalesce(src.slug, 'S' || src.id, ''),
                    coalesce('S' || src.id, ''), coalesce(src.publisher, ''), s.figure_low, s.figure_high, s.figure_unit,
                    coalesce(src.title, ''), s.uuid, s.claim_id
             FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
             LEFT JOIN source src ON src.id = s.source_id
             WHERE s.claim_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1)) AND s.retracted = ''
             ORDER BY s.claim_id, s.said_on = '', s.said_on, s.id",
        )?;
        let mut by_claim: HashMap<i64, Vec<AccountRow>> = HashMap::with_capacity(claims.len());
        let rows = stmt.query_map([serde_json::to_string(claims)?], |r| {
            let kind: String = r.get(9)?;
            Ok((
                r.get::<_, i64>(19)?,
                AccountRow {
                    party_id: r.get(0)?,
                    party: r.get(1)?,
                    root_id: r.get(2)?,
                    root: r.get(3)?,
                    root_kind: r.get(4)?,
                    stance: r.get(5)?,
                    said_on: r.get(6)?,
                    speaker: r.get(7)?,
                    quote: r.get(8)?,
                    quote_kind: QuoteKind::parse(&kind).unwrap_or(QuoteKind::Direct),
                    summary: r.get(10)?,
                    source: r.get(11)?,
                    source_handle: r.get(12)?,
                    publisher: r.get(13)?,
                    figure: Figure::from_columns(r.get(14)?, r.get(15)?),
                    unit: r.get(16)?,
                    source_title: r.get(17)?,
                    uuid: r.get(18)?,
                },
            ))
        })?;
        for row in rows {
            let (claim, account) = row?;
            by_claim.entry(claim).or_default().push(account);
        }
        Ok(by_claim)
    }

    /// The parties that spoke on the claims a filter selects, each state
    /// with its bodies, those with most live statements first.
    pub fn speakers(&self, filter: &super::listing::ClaimFilter) -> Result<Vec<PartyColumn>> {
        let mut values = Vec::new();
        let condition = filter.condition(self, &super::listing::Scope::default(), &mut values)?;
        let params: Vec<&dyn rusqlite::ToSql> = values.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
        let mut stmt = self.conn().prepare(&format!(
            "SELECT coalesce(pp.code, p.code), coalesce(pp.id, p.id), count(*)
             FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
             JOIN claim t ON t.id = s.claim_id
             WHERE s.retracted = '' AND {condition}
             GROUP BY 1, 2 ORDER BY 3 DESC, 1"
        ))?;
        let parties = stmt
            .query_map(&params[..], |r| {
                Ok(PartyColumn {
                    code: r.get(0)?,
                    id: r.get(1)?,
                })
            })?
            .collect::<super::sql::Result<_>>()?;
        Ok(parties)
    }

    /// The number of live supporting and refuting evidence items with the
    /// best grade of each (source reliability then credibility: A1 is best).
    pub fn evidence_counts(&self, claim: i64) -> Result<EvidenceCounts> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT coalesce(sum(e.relation = 'supports'), 0), min(CASE WHEN e.relation = 'supports' THEN src.reliability || e.credibility END),
                        coalesce(sum(e.relation = 'refutes'), 0), min(CASE WHEN e.relation = 'refutes' THEN src.reliability || e.credibility END)
                 FROM evidence e JOIN source src ON src.id = e.source_id WHERE e.claim_id = ?1 AND e.retracted = ''",
            )?
            .query_row([claim], |r| {
                Ok(EvidenceCounts {
                    supporting: r.get(0)?,
                    supporting_best: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    refuting: r.get(2)?,
                    refuting_best: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                })
            })?)
    }

    /// A claim's live stances in the order they were taken: (party id, the
    /// party's state or itself, stance).
    pub fn stances(&self, claim: i64) -> Result<Vec<(i64, i64, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.party_id, coalesce(p.parent_id, s.party_id), s.stance
             FROM statement s JOIN party p ON p.id = s.party_id
             WHERE s.claim_id = ?1 AND s.retracted = '' ORDER BY s.said_on = '', s.said_on, s.id",
        )?;
        let rows = stmt
            .query_map([claim], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<super::sql::Result<_>>()?;
        Ok(rows)
    }

    /// A claim's live evidence for readers: relation, grade, source, excerpt, locator.
    pub fn evidence_lines(&self, claim: i64) -> Result<Vec<Vec<String>>> {
        strings(
            self.conn(),
            "SELECT e.relation, src.reliability || e.credibility, coalesce(src.slug, 'S' || src.id), e.excerpt, e.locator
             FROM evidence e JOIN source src ON src.id = e.source_id WHERE e.claim_id = ?1 AND e.retracted = '' ORDER BY e.id",
            claim,
        )
    }

    /// The sources a claim's live evidence and statements cite.
    pub fn cited_sources(&self, claim: i64) -> Result<Vec<String>> {
        Ok(strings(
            self.conn(),
            "SELECT coalesce(slug, 'S' || id) FROM source
             WHERE id IN (SELECT source_id FROM evidence WHERE claim_id = ?1 AND retracted = ''
                          UNION SELECT source_id FROM statement WHERE claim_id = ?1 AND retracted = '')
             ORDER BY id",
            claim,
        )?
        .into_iter()
        .flatten()
        .collect())
    }

    /// Every source the live evidence and statements of these claims cite,
    /// one at a time.
    pub fn sources_of(&self, claims: &[i64], each: &mut dyn FnMut(SourceLine) -> Result<()>) -> Result<()> {
        let ids = serde_json::to_string(claims)?;
        let mut stmt = self.conn().prepare(
            "SELECT coalesce(slug, 'S' || id), title, publisher, published, language, kind, reliability, url, copy_url FROM source
             WHERE id IN (SELECT source_id FROM evidence WHERE retracted = '' AND claim_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1))
                          UNION SELECT source_id FROM statement WHERE retracted = '' AND claim_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1)))
             ORDER BY id",
        )?;
        let mut rows = stmt.query([ids])?;
        while let Some(r) = rows.next()? {
            each(SourceLine {
                reference: r.get(0)?,
                title: r.get(1)?,
                publisher: r.get(2)?,
                published: r.get(3)?,
                language: r.get(4)?,
                kind: r.get(5)?,
                reliability: r.get(6)?,
                url: r.get(7)?,
                copy_url: r.get(8)?,
            })?;
        }
        Ok(())
    }

    /// The history entry that retracted a record last: (analyst, at).
    pub fn retraction(&self, kind: Kind, id: i64) -> Result<Option<(String, String)>> {
        let uuid = self.uuid_of(kind, id)?;
        Ok(self
            .conn()
            .query_row(
                "SELECT analyst, at FROM history WHERE entity_uuid = ?1 AND action = 'retract' ORDER BY id DESC LIMIT 1",
                [uuid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
