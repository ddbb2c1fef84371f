//! Competing hypotheses in the data layer: rating an item against a
//! hypothesis (through the one write path, so that every rating and every
//! change of one is in the history), and what the matrix is read from.

use super::sql::{OptionalExtension, params};
use anyhow::Result;

use super::handle;
use super::kind::{Kind, handle as format_handle};
use super::queries::retracted;
use super::record::{self, Action, Fields, Record};
use super::records::{Hypothesis, Item, Rating};
use super::{Case, Writer};
use crate::error::UserError;
use crate::model::{Consistency, Credibility, QuoteKind, Relevance, Reliability};

/// What `rate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rated {
    pub handle: String,
    /// The rating it replaced, as `I (high)`; None for a first rating.
    pub was: Option<String>,
    /// The rating it holds now.
    pub now: String,
    /// False when the new rating is the one the case already held.
    pub changed: bool,
}

/// `I`, or `I (high)` where the relevance is not the default.
pub fn rating_text(rating: Consistency, relevance: Relevance) -> String {
    if relevance == Relevance::Medium {
        rating.to_string()
    } else {
        format!("{rating} ({relevance})")
    }
}

impl Writer<'_> {
    /// Rates an evidence item or a statement against a hypothesis of its
    /// claim. A live rating of the same item against the same hypothesis is
    /// replaced whole (rating, relevance and notes), and its history keeps
    /// what it was. A retracted hypothesis or item is not rated.
    pub fn rate(
        &self,
        hypothesis: &str,
        item: &str,
        rating: &str,
        relevance: Option<&str>,
        notes: Option<&str>,
        reason: &str,
    ) -> Result<Rated> {
        let rating = Consistency::parse(rating)?;
        let relevance = relevance.map(Relevance::parse).transpose()?.unwrap_or(Relevance::Medium);
        let tx = self.conn();
        let hypothesis_id = handle::resolve(tx, Kind::Hypothesis, hypothesis)?;
        let item = Item::resolve(tx, item)?;
        for (kind, id) in [(Kind::Hypothesis, hypothesis_id), (item.kind(), item.id())] {
            let why = retracted(tx, kind, id)?;
            if !why.is_empty() {
                let handle = format_handle(kind, id);
                return Err(UserError::Usage(format!(
                    "{handle} is retracted ({}): a retracted {} is not rated; restore it first with `crosscheck restore {handle} --reason ...`",
                    crate::output::inert(&why),
                    kind.table()
                ))
                .into());
            }
        }
        let mut fields = Fields::new();
        fields.set("hypothesis", format_handle(Kind::Hypothesis, hypothesis_id));
        fields.set("item", item.handle());
        fields.set("rating", rating.as_str());
        fields.set("relevance", relevance.as_str());
        fields.set("notes", notes.unwrap_or_default());
        let (evidence, statement) = match item {
            Item::Evidence(id) => (Some(id), None),
            Item::Statement(id) => (None, Some(id)),
        };
        let live: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM rating WHERE hypothesis_id = ?1 AND evidence_id IS ?2 AND statement_id IS ?3 AND retracted = ''",
            )?
            .query_row(params![hypothesis_id, evidence, statement], |r| r.get(0))
            .optional()?;
        let Some(id) = live else {
            let id = record::create::<Rating>(tx, self.actor(), &fields, false)?;
            return Ok(Rated {
                handle: format_handle(Kind::Rating, id),
                was: None,
                now: rating_text(rating, relevance),
                changed: true,
            });
        };
        let before = Rating::load(tx, id)?;
        let changed = record::edit::<Rating>(tx, self.actor(), id, &fields, Action::Edit, reason)?;
        Ok(Rated {
            handle: format_handle(Kind::Rating, id),
            was: Some(rating_text(before.rating, before.relevance)),
            now: rating_text(rating, relevance),
            changed,
        })
    }
}

/// A live hypothesis of a claim.
#[derive(Debug, Clone)]
pub struct HypothesisLine {
    pub id: i64,
    pub text: String,
}

/// The source of an evidence item or statement, with its grade.
#[derive(Debug, Clone)]
pub struct SourceRef {
    pub id: i64,
    /// As people type it: its slug, else its handle.
    pub reference: String,
    pub handle: String,
    pub publisher: String,
    pub reliability: Reliability,
}

/// A party's statement, as the matrix shows it.
#[derive(Debug, Clone)]
pub struct Speaker {
    pub party: String,
    /// The party's state, or the party itself.
    pub root: String,
    pub quote: String,
    pub quote_kind: QuoteKind,
    pub summary: String,
}

/// An evidence item or a statement with its live ratings against the live
/// hypotheses of its claim.
#[derive(Debug, Clone)]
pub struct RatedItem {
    pub item: Item,
    /// The evidence's excerpt (empty for a statement).
    pub excerpt: String,
    pub source: Option<SourceRef>,
    /// The evidence's information credibility; None for a statement.
    pub credibility: Option<Credibility>,
    /// Who made the statement; None for evidence.
    pub speaker: Option<Speaker>,
    /// (hypothesis id, rating, relevance).
    pub ratings: Vec<(i64, Consistency, Relevance)>,
}

impl Case {
    /// A claim's live hypotheses, oldest first.
    pub fn hypotheses(&self, claim: i64) -> Result<Vec<HypothesisLine>> {
        let mut lines = Vec::new();
        Hypothesis::scan(self.conn(), "t.claim_id = ?1 AND t.retracted = ''", &[&claim], |id, h| {
            lines.push(HypothesisLine { id, text: h.text });
            Ok(())
        })?;
        Ok(lines)
    }

    /// The live evidence and statements of a claim that have live ratings
    /// against its live hypotheses, evidence first, each in id order.
    pub fn rated_items(&self, claim: i64) -> Result<Vec<RatedItem>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.evidence_id, r.statement_id, r.hypothesis_id, r.rating, r.relevance
             FROM rating r JOIN hypothesis h ON h.id = r.hypothesis_id
             LEFT JOIN evidence e ON e.id = r.evidence_id LEFT JOIN statement s ON s.id = r.statement_id
             WHERE h.claim_id = ?1 AND r.retracted = '' AND h.retracted = '' AND coalesce(e.retracted, s.retracted) = ''
             ORDER BY r.statement_id IS NOT NULL, coalesce(r.evidence_id, r.statement_id), r.hypothesis_id",
        )?;
        let rows = stmt
            .query_map([claim], |r| {
                let item = match r.get::<_, Option<i64>>(0)? {
                    Some(id) => Item::Evidence(id),
                    None => Item::Statement(r.get(1)?),
                };
                let rating: String = r.get(3)?;
                let relevance: String = r.get(4)?;
                Ok((item, r.get::<_, i64>(2)?, rating, relevance))
            })?
            .collect::<super::sql::Result<Vec<_>>>()?;
        let mut items: Vec<RatedItem> = Vec::new();
        for (item, hypothesis, rating, relevance) in rows {
            let rating = (hypothesis, Consistency::parse(&rating)?, Relevance::parse(&relevance)?);
            match items.last_mut() {
                Some(last) if last.item == item => last.ratings.push(rating),
                _ => {
                    let mut read = self.rated_item(item)?;
                    read.ratings.push(rating);
                    items.push(read);
                }
            }
        }
        Ok(items)
    }

    fn rated_item(&self, item: Item) -> Result<RatedItem> {
        let source = |r: &super::sql::Row<'_>, at: usize| -> super::sql::Result<Option<(i64, String, String, String)>> {
            Ok(match r.get::<_, Option<i64>>(at)? {
                None => None,
                Some(id) => Some((id, r.get(at + 1)?, r.get(at + 2)?, r.get(at + 3)?)),
            })
        };
        let source_ref = |found: Option<(i64, String, String, String)>| -> Result<Option<SourceRef>> {
            found
                .map(|(id, reference, publisher, reliability)| {
                    Ok(SourceRef {
                        id,
                        reference,
                        handle: format_handle(Kind::Source, id),
                        publisher,
                        reliability: Reliability::parse(&reliability)?,
                    })
                })
                .transpose()
        };
        match item {
            Item::Evidence(id) => {
                let (excerpt, credibility, found) = self
                    .conn()
                    .prepare_cached(
                        "SELECT e.excerpt, e.credibility, src.id, coalesce(src.slug, 'S' || src.id), src.publisher, src.reliability
                         FROM evidence e JOIN source src ON src.id = e.source_id WHERE e.id = ?1",
                    )?
                    .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u8>(1)?, source(r, 2)?)))?;
                Ok(RatedItem {
                    item,
                    excerpt,
                    source: source_ref(found)?,
                    credibility: Some(Credibility(credibility)),
                    speaker: None,
                    ratings: Vec::new(),
                })
            }
            Item::Statement(id) => {
                let (speaker, found) = self
                    .conn()
                    .prepare_cached(
                        "SELECT p.code, coalesce(pp.code, p.code), s.quote, s.quote_kind, s.summary,
                                src.id, coalesce(src.slug, 'S' || src.id), src.publisher, src.reliability
                         FROM statement s JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
                         LEFT JOIN source src ON src.id = s.source_id WHERE s.id = ?1",
                    )?
                    .query_row([id], |r| {
                        let kind: String = r.get(3)?;
                        Ok((
                            (
                                r.get::<_, String>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                                kind,
                                r.get::<_, String>(4)?,
                            ),
                            source(r, 5)?,
                        ))
                    })?;
                let (party, root, quote, kind, summary) = speaker;
                Ok(RatedItem {
                    item,
                    excerpt: String::new(),
                    source: source_ref(found)?,
                    credibility: None,
                    speaker: Some(Speaker {
                        party,
                        root,
                        quote,
                        quote_kind: QuoteKind::parse(&kind)?,
                        summary,
                    }),
                    ratings: Vec::new(),
                })
            }
        }
    }
}
