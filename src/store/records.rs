//! The kinds of record, each mapped to and from its table in one place.

use super::sql::{Connection, OptionalExtension, Row};
use anyhow::Result;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use super::handle;
pub use super::handle::reference;
use super::kind::Kind;
use super::kind::parse_typed;
use super::record::{Fields, Record, statement_text, uuid_field};
use crate::error::UserError;
use crate::model::{
    Consistency, Credibility, Figure, PartyKind, QuoteKind, Relation, Relevance, Reliability, SourceKind, Stance, Status, parse_date,
    parse_slug,
};

fn optional_ref(conn: &Connection, kind: Kind, text: &str) -> Result<Option<i64>> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        handle::resolve(conn, kind, text).map(Some)
    }
}

/// A reference given as a handle people type, or as the record's UUID. The
/// UUID wins: handles such as C12 name different records in different case
/// files, so files exchanged between cases carry the UUID beside the handle.
fn reference_field(conn: &Connection, f: &Fields, kind: Kind, field: &str, uuid_field: &str) -> Result<Option<i64>> {
    let uuid = f.get(uuid_field).trim();
    if uuid.is_empty() {
        return optional_ref(conn, kind, f.get(field));
    }
    if uuid::Uuid::parse_str(uuid).is_err() {
        return Err(UserError::invalid(
            uuid_field,
            uuid,
            format!("allowed: the UUID of a {} in this case, or empty", kind.table()),
        )
        .into());
    }
    handle::resolve(conn, kind, uuid).map(Some).map_err(|_| {
        UserError::NotFound {
            what: kind.table(),
            handle: uuid.to_string(),
            hint: format!(
                "no {} in this case has this UUID ({uuid_field}); import the {}s first",
                kind.table(),
                kind.table()
            ),
        }
        .into()
    })
}

fn claim_ref(conn: &Connection, f: &Fields) -> Result<i64> {
    reference_field(conn, f, Kind::Claim, "claim", "claim_uuid")?
        .ok_or_else(|| UserError::missing("claim", "give the claim's handle, such as C3").into())
}

/// The UUID of a referenced record, or "" for none.
fn uuid_of(conn: &Connection, kind: Kind, id: Option<i64>) -> Result<String> {
    id.map_or(Ok(String::new()), |id| handle::uuid_of(conn, kind, id))
}

fn optional_slug(field: &str, value: &str) -> Result<Option<String>, UserError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse_slug(field, value).map(Some)
    }
}

fn figure_fields(fields: &Fields) -> Result<(Option<Figure>, String), UserError> {
    let figure = Figure::parse("figure", fields.get("figure"))?;
    let unit = fields.get("unit").trim().to_string();
    if figure.is_none() && !unit.is_empty() {
        return Err(UserError::missing(
            "figure",
            format!("a unit ({unit:?}) was given without a figure; give --figure too, or leave out the unit"),
        ));
    }
    Ok((figure, unit))
}

fn web_address(field: &str, value: &str) -> Result<String, UserError> {
    let v = value.trim();
    if v.is_empty() || ((v.starts_with("https://") || v.starts_with("http://")) && !v.contains(char::is_whitespace)) {
        Ok(v.to_string())
    } else {
        Err(UserError::invalid(
            field,
            value,
            "allowed: an http:// or https:// address without spaces, or empty",
        ))
    }
}

fn language(value: &str) -> Result<String, UserError> {
    let v = value.trim();
    let ok = v.is_empty()
        || v.split('-').enumerate().all(|(i, part)| {
            let n = part.len();
            part.chars().all(|c| c.is_ascii_alphanumeric())
                && if i == 0 {
                    (2..=3).contains(&n) && part.chars().all(|c| c.is_ascii_lowercase())
                } else {
                    (1..=8).contains(&n)
                }
        });
    if ok {
        Ok(v.to_string())
    } else {
        Err(UserError::invalid(
            "language",
            value,
            "allowed: a language code such as en, ru, zh, ja, ko (ISO 639-1, or a BCP 47 tag such as zh-Hant)",
        ))
    }
}

fn text(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

fn opt_text(s: &Option<String>) -> ToSqlOutput<'_> {
    s.as_deref().map_or(ToSqlOutput::Owned(Value::Null), text)
}

fn int(n: Option<i64>) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(n.map_or(Value::Null, Value::Integer))
}

fn real(n: Option<f64>) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(n.map_or(Value::Null, Value::Real))
}

/// A word read back from the database. A value the schema's CHECK should
/// have kept out (written around crosscheck) is an error, never silently
/// replaced by another word that an edit would then write back.
fn stored<T>(r: &Row<'_>, index: usize, parse: fn(&str) -> Result<T, UserError>) -> super::sql::Result<T> {
    let text: String = r.get(index)?;
    parse(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)).into())
}

fn figure_text(figure: &Option<Figure>) -> String {
    figure.map(|f| f.plain()).unwrap_or_default()
}

// ---------------------------------------------------------------- party

#[derive(Debug, Clone)]
pub struct Party {
    pub uuid: String,
    pub code: String,
    pub name: String,
    pub kind: PartyKind,
    pub parent_id: Option<i64>,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Party {
    const KIND: Kind = Kind::Party;
    const SHOWN: &'static [&'static str] = &["code", "name", "kind", "parent"];
    const FIELDS: &'static [&'static str] = &["uuid", "code", "name", "kind", "parent", "parent_uuid", "notes", "retracted"];
    const COLUMNS: &'static [&'static str] = &["code", "name", "kind", "parent_id", "notes", "retracted"];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let code = f
            .required("code", "give a short code people will type, such as RU-MOD or kofman")?
            .trim()
            .to_string();
        let kind = PartyKind::parse(f.required("kind", &PartyKind::allowed())?)?;
        let two_letters = code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase());
        if kind == PartyKind::State && !two_letters {
            return Err(UserError::invalid(
                "code",
                &code,
                "a state's code is its two-letter ISO 3166 code in capitals, such as RU",
            )
            .into());
        }
        if kind != PartyKind::State {
            if code.len() == 2 {
                return Err(UserError::invalid(
                    "code",
                    &code,
                    "two-letter codes are kept for states (ISO 3166); use a longer code such as RU-MOD",
                )
                .into());
            }
            parse_slug("code", &code)?;
        }
        let name = f.required("name", "give the party's name")?.trim().to_string();
        let parent_id = reference_field(conn, f, Kind::Party, "parent", "parent_uuid")?;
        Ok(Party {
            uuid,
            code,
            name,
            kind,
            parent_id,
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        let parent = match self.parent_id {
            Some(id) => reference(conn, Kind::Party, id)?,
            None => String::new(),
        };
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("code", self.code.clone()),
            ("name", self.name.clone()),
            ("kind", self.kind.to_string()),
            ("parent", parent),
            ("parent_uuid", uuid_of(conn, Kind::Party, self.parent_id)?),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            text(&self.code),
            text(&self.name),
            text(self.kind.as_str()),
            int(self.parent_id),
            text(&self.notes),
            text(&self.retracted),
        ]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("party code", self.code.clone())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, _: &Connection) -> Result<Option<String>> {
        Ok(None)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Party {
            uuid: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            kind: stored(r, 3, PartyKind::parse)?,
            parent_id: r.get(4)?,
            notes: r.get(5)?,
            retracted: r.get(6)?,
        })
    }
}

// ---------------------------------------------------------------- source

#[derive(Debug, Clone)]
pub struct Source {
    pub uuid: String,
    pub slug: Option<String>,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub copy_url: String,
    pub published: String,
    pub language: String,
    pub kind: SourceKind,
    pub reliability: Reliability,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Source {
    const KIND: Kind = Kind::Source;
    const SHOWN: &'static [&'static str] = &["slug", "title", "publisher", "published", "kind", "reliability"];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "slug",
        "title",
        "publisher",
        "url",
        "copy_url",
        "published",
        "language",
        "kind",
        "reliability",
        "notes",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "slug",
        "title",
        "publisher",
        "url",
        "copy_url",
        "published",
        "language",
        "kind",
        "reliability",
        "notes",
        "retracted",
    ];

    fn from_fields(_: &Connection, f: &Fields) -> Result<Self> {
        Ok(Source {
            uuid: uuid_field(f)?,
            slug: optional_slug("slug", f.get("slug"))?,
            title: f.required("title", "give the document's title")?.to_string(),
            publisher: f.get("publisher").to_string(),
            url: web_address("url", f.get("url"))?,
            copy_url: web_address("copy_url", f.get("copy_url"))?,
            published: parse_date("published", f.get("published"))?,
            language: language(f.get("language"))?,
            kind: match f.get("kind") {
                "" => SourceKind::Other,
                k => SourceKind::parse(k)?,
            },
            reliability: match f.get("reliability") {
                "" => Reliability::F,
                r => Reliability::parse(r)?,
            },
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, _: &Connection) -> Result<Fields> {
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("slug", self.slug.clone().unwrap_or_default()),
            ("title", self.title.clone()),
            ("publisher", self.publisher.clone()),
            ("url", self.url.clone()),
            ("copy_url", self.copy_url.clone()),
            ("published", self.published.clone()),
            ("language", self.language.clone()),
            ("kind", self.kind.to_string()),
            ("reliability", self.reliability.to_string()),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            opt_text(&self.slug),
            text(&self.title),
            text(&self.publisher),
            text(&self.url),
            text(&self.copy_url),
            text(&self.published),
            text(&self.language),
            text(self.kind.as_str()),
            text(self.reliability.as_str()),
            text(&self.notes),
            text(&self.retracted),
        ]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("source slug", self.slug.clone().unwrap_or_default())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, _: &Connection) -> Result<Option<String>> {
        Ok(None)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Source {
            uuid: r.get(0)?,
            slug: r.get(1)?,
            title: r.get(2)?,
            publisher: r.get(3)?,
            url: r.get(4)?,
            copy_url: r.get(5)?,
            published: r.get(6)?,
            language: r.get(7)?,
            kind: stored(r, 8, SourceKind::parse)?,
            reliability: stored(r, 9, Reliability::parse)?,
            notes: r.get(10)?,
            retracted: r.get(11)?,
        })
    }
}

// ---------------------------------------------------------------- claim

#[derive(Debug, Clone)]
pub struct Claim {
    pub uuid: String,
    pub slug: Option<String>,
    pub text: String,
    pub topic: String,
    pub claimed_on: String,
    pub appeared_in: String,
    pub claimant: String,
    pub figure: Option<Figure>,
    pub unit: String,
    pub status: Status,
    pub reason: String,
    pub status_by: String,
    pub status_at: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Claim {
    const KIND: Kind = Kind::Claim;
    const SHOWN: &'static [&'static str] = &["slug", "text", "topic", "figure", "unit", "status"];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "slug",
        "text",
        "topic",
        "claimed_on",
        "appeared_in",
        "claimant",
        "figure",
        "unit",
        "status",
        "reason",
        "status_by",
        "status_at",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "slug",
        "text",
        "topic",
        "claimed_on",
        "appeared_in",
        "figure_low",
        "figure_high",
        "figure_unit",
        "status",
        "status_reason",
        "status_by",
        "status_at",
        "claimant",
        "retracted",
    ];

    fn from_fields(_: &Connection, f: &Fields) -> Result<Self> {
        let (figure, unit) = figure_fields(f)?;
        let status = match f.get("status") {
            "" => Status::Unverified,
            s => Status::parse(s)?,
        };
        let reason = f.get("reason").to_string();
        if status != Status::Unverified && reason.trim().is_empty() {
            return Err(UserError::missing("reason", format!("a claim marked {status} needs the reason for the verdict")).into());
        }
        Ok(Claim {
            uuid: uuid_field(f)?,
            slug: optional_slug("slug", f.get("slug"))?,
            text: f.required("text", "give the claim's text")?.to_string(),
            topic: f.get("topic").trim().to_string(),
            claimed_on: parse_date("claimed_on", f.get("claimed_on"))?,
            appeared_in: f.get("appeared_in").to_string(),
            figure,
            unit,
            status,
            reason,
            status_by: f.get("status_by").to_string(),
            status_at: f.get("status_at").to_string(),
            retracted: f.get("retracted").trim().to_string(),
            claimant: f.get("claimant").trim().to_string(),
        })
    }

    fn to_fields(&self, _: &Connection) -> Result<Fields> {
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("slug", self.slug.clone().unwrap_or_default()),
            ("text", self.text.clone()),
            ("topic", self.topic.clone()),
            ("claimed_on", self.claimed_on.clone()),
            ("appeared_in", self.appeared_in.clone()),
            ("claimant", self.claimant.clone()),
            ("figure", figure_text(&self.figure)),
            ("unit", self.unit.clone()),
            ("status", self.status.to_string()),
            ("reason", self.reason.clone()),
            ("status_by", self.status_by.clone()),
            ("status_at", self.status_at.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            opt_text(&self.slug),
            text(&self.text),
            text(&self.topic),
            text(&self.claimed_on),
            text(&self.appeared_in),
            real(self.figure.map(|f| f.low)),
            real(self.figure.map(|f| f.high)),
            text(&self.unit),
            text(self.status.as_str()),
            text(&self.reason),
            text(&self.status_by),
            text(&self.status_at),
            text(&self.claimant),
            text(&self.retracted),
        ]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("claim slug", self.slug.clone().unwrap_or_default())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, _: &Connection) -> Result<Option<String>> {
        Ok(Some(self.uuid.clone()))
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Claim {
            uuid: r.get(0)?,
            slug: r.get(1)?,
            text: r.get(2)?,
            topic: r.get(3)?,
            claimed_on: r.get(4)?,
            appeared_in: r.get(5)?,
            figure: Figure::from_columns(r.get(6)?, r.get(7)?),
            unit: r.get(8)?,
            status: stored(r, 9, Status::parse)?,
            reason: r.get(10)?,
            status_by: r.get(11)?,
            status_at: r.get(12)?,
            claimant: r.get(13)?,
            retracted: r.get(14)?,
        })
    }
}

fn claim_uuid_of(conn: &Connection, claim_id: i64) -> Result<Option<String>> {
    handle::uuid_of(conn, Kind::Claim, claim_id).map(Some)
}

// ---------------------------------------------------------------- statement

#[derive(Debug, Clone)]
pub struct Statement {
    pub uuid: String,
    pub claim_id: i64,
    pub party_id: i64,
    pub stance: Stance,
    pub said_on: String,
    pub speaker: String,
    pub quote: String,
    pub quote_kind: QuoteKind,
    pub summary: String,
    pub source_id: Option<i64>,
    pub figure: Option<Figure>,
    pub unit: String,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Statement {
    const KIND: Kind = Kind::Statement;
    const SHOWN: &'static [&'static str] = &[
        "claim", "party", "stance", "said_on", "quote", "summary", "source", "figure", "unit",
    ];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "claim",
        "claim_uuid",
        "party",
        "party_uuid",
        "stance",
        "said_on",
        "speaker",
        "quote",
        "quote_kind",
        "summary",
        "source",
        "source_uuid",
        "figure",
        "unit",
        "notes",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "claim_id",
        "party_id",
        "stance",
        "said_on",
        "speaker",
        "quote",
        "summary",
        "source_id",
        "figure_low",
        "figure_high",
        "figure_unit",
        "notes",
        "quote_kind",
        "retracted",
    ];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let claim_id = claim_ref(conn, f)?;
        let party_id = match reference_field(conn, f, Kind::Party, "party", "party_uuid")? {
            Some(id) => id,
            None => return Err(UserError::missing("party", "give the party's code, such as RU or RU-MOD").into()),
        };
        let stance = Stance::parse(f.required("stance", &Stance::allowed())?)?;
        let (quote, summary) = (f.get("quote").to_string(), f.get("summary").to_string());
        if quote.trim().is_empty() && summary.trim().is_empty() {
            return Err(UserError::missing("quote", "give the party's words as a quote, or a summary of them").into());
        }
        let (figure, unit) = figure_fields(f)?;
        Ok(Statement {
            uuid,
            claim_id,
            party_id,
            stance,
            said_on: parse_date("said_on", f.get("said_on"))?,
            speaker: f.get("speaker").to_string(),
            quote,
            summary,
            source_id: reference_field(conn, f, Kind::Source, "source", "source_uuid")?,
            figure,
            unit,
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
            quote_kind: match f.get("quote_kind").trim() {
                "" => QuoteKind::Direct,
                k => QuoteKind::parse(k)?,
            },
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        let source = match self.source_id {
            Some(id) => reference(conn, Kind::Source, id)?,
            None => String::new(),
        };
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("claim", reference(conn, Kind::Claim, self.claim_id)?),
            ("claim_uuid", uuid_of(conn, Kind::Claim, Some(self.claim_id))?),
            ("party", reference(conn, Kind::Party, self.party_id)?),
            ("party_uuid", uuid_of(conn, Kind::Party, Some(self.party_id))?),
            ("stance", self.stance.to_string()),
            ("said_on", self.said_on.clone()),
            ("speaker", self.speaker.clone()),
            ("quote", self.quote.clone()),
            ("quote_kind", self.quote_kind.to_string()),
            ("summary", self.summary.clone()),
            ("source", source),
            ("source_uuid", uuid_of(conn, Kind::Source, self.source_id)?),
            ("figure", figure_text(&self.figure)),
            ("unit", self.unit.clone()),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            int(Some(self.claim_id)),
            int(Some(self.party_id)),
            text(self.stance.as_str()),
            text(&self.said_on),
            text(&self.speaker),
            text(&self.quote),
            text(&self.summary),
            int(self.source_id),
            real(self.figure.map(|f| f.low)),
            real(self.figure.map(|f| f.high)),
            text(&self.unit),
            text(&self.notes),
            text(self.quote_kind.as_str()),
            text(&self.retracted),
        ]
    }

    /// A live statement by the same party on the same claim, with the same
    /// stance, words and source. The words are the quote, or the summary
    /// where there is no quote.
    fn duplicate_of(&self, conn: &Connection) -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached(
                "SELECT id FROM statement
                 WHERE claim_id = ?1 AND party_id = ?2 AND stance = ?3 AND quote = ?4 AND (?4 <> '' OR summary = ?5)
                   AND source_id IS ?6 AND retracted = '' AND uuid <> ?7
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                rusqlite::params![
                    self.claim_id,
                    self.party_id,
                    self.stance.as_str(),
                    self.quote,
                    self.summary,
                    self.source_id,
                    self.uuid
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn check_change(&self, conn: &Connection, id: i64) -> Result<()> {
        ratings_stay_with(conn, Kind::Statement, id, self.claim_id)
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("statement", String::new())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>> {
        claim_uuid_of(conn, self.claim_id)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Statement {
            uuid: r.get(0)?,
            claim_id: r.get(1)?,
            party_id: r.get(2)?,
            stance: stored(r, 3, Stance::parse)?,
            said_on: r.get(4)?,
            speaker: r.get(5)?,
            quote: r.get(6)?,
            summary: r.get(7)?,
            source_id: r.get(8)?,
            figure: Figure::from_columns(r.get(9)?, r.get(10)?),
            unit: r.get(11)?,
            notes: r.get(12)?,
            quote_kind: stored(r, 13, QuoteKind::parse)?,
            retracted: r.get(14)?,
        })
    }
}

// ---------------------------------------------------------------- evidence

#[derive(Debug, Clone)]
pub struct Evidence {
    pub uuid: String,
    pub claim_id: i64,
    pub source_id: i64,
    pub relation: Relation,
    pub excerpt: String,
    pub locator: String,
    pub credibility: Credibility,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Evidence {
    const KIND: Kind = Kind::Evidence;
    const SHOWN: &'static [&'static str] = &["claim", "source", "relation", "excerpt", "locator", "credibility"];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "claim",
        "claim_uuid",
        "source",
        "source_uuid",
        "relation",
        "excerpt",
        "locator",
        "credibility",
        "notes",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "claim_id",
        "source_id",
        "relation",
        "excerpt",
        "locator",
        "credibility",
        "notes",
        "retracted",
    ];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let claim_id = claim_ref(conn, f)?;
        let source_id = reference_field(conn, f, Kind::Source, "source", "source_uuid")?
            .ok_or_else(|| UserError::missing("source", "give the source's handle, such as S12"))?;
        Ok(Evidence {
            uuid,
            claim_id,
            source_id,
            relation: Relation::parse(f.required("relation", &Relation::allowed())?)?,
            excerpt: f.get("excerpt").to_string(),
            locator: f.get("locator").to_string(),
            credibility: match f.get("credibility") {
                "" => Credibility(6),
                c => Credibility::parse(c)?,
            },
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("claim", reference(conn, Kind::Claim, self.claim_id)?),
            ("claim_uuid", uuid_of(conn, Kind::Claim, Some(self.claim_id))?),
            ("source", reference(conn, Kind::Source, self.source_id)?),
            ("source_uuid", uuid_of(conn, Kind::Source, Some(self.source_id))?),
            ("relation", self.relation.to_string()),
            ("excerpt", self.excerpt.clone()),
            ("locator", self.locator.clone()),
            ("credibility", self.credibility.0.to_string()),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            int(Some(self.claim_id)),
            int(Some(self.source_id)),
            text(self.relation.as_str()),
            text(&self.excerpt),
            text(&self.locator),
            int(Some(i64::from(self.credibility.0))),
            text(&self.notes),
            text(&self.retracted),
        ]
    }

    /// A live link of the same source to the same claim, with the same
    /// relation and excerpt: it would be counted twice.
    fn duplicate_of(&self, conn: &Connection) -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached(
                "SELECT id FROM evidence
                 WHERE claim_id = ?1 AND source_id = ?2 AND relation = ?3 AND excerpt = ?4 AND retracted = '' AND uuid <> ?5
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                rusqlite::params![self.claim_id, self.source_id, self.relation.as_str(), self.excerpt, self.uuid],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn check_change(&self, conn: &Connection, id: i64) -> Result<()> {
        ratings_stay_with(conn, Kind::Evidence, id, self.claim_id)
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("evidence", String::new())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>> {
        claim_uuid_of(conn, self.claim_id)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Evidence {
            uuid: r.get(0)?,
            claim_id: r.get(1)?,
            source_id: r.get(2)?,
            relation: stored(r, 3, Relation::parse)?,
            excerpt: r.get(4)?,
            locator: r.get(5)?,
            credibility: Credibility(r.get(6)?),
            notes: r.get(7)?,
            retracted: r.get(8)?,
        })
    }
}

/// Refuses to move a rated evidence item, statement or hypothesis to another
/// claim: its live ratings would then weigh one claim's evidence against
/// another claim's explanations.
fn ratings_stay_with(conn: &Connection, kind: Kind, id: i64, claim_id: i64) -> Result<()> {
    let sql = match kind {
        Kind::Evidence => {
            "SELECT r.id FROM rating r JOIN hypothesis h ON h.id = r.hypothesis_id
             WHERE r.evidence_id = ?1 AND r.retracted = '' AND h.claim_id <> ?2 ORDER BY r.id"
        }
        Kind::Statement => {
            "SELECT r.id FROM rating r JOIN hypothesis h ON h.id = r.hypothesis_id
             WHERE r.statement_id = ?1 AND r.retracted = '' AND h.claim_id <> ?2 ORDER BY r.id"
        }
        _ => {
            "SELECT r.id FROM rating r LEFT JOIN evidence e ON e.id = r.evidence_id LEFT JOIN statement s ON s.id = r.statement_id
             WHERE r.hypothesis_id = ?1 AND r.retracted = '' AND coalesce(e.claim_id, s.claim_id) <> ?2 ORDER BY r.id"
        }
    };
    let ratings: Vec<String> = conn
        .prepare_cached(sql)?
        .query_map([id, claim_id], |r| r.get(0))?
        .map(|id| id.map(|id| super::kind::handle(Kind::Rating, id)))
        .collect::<super::sql::Result<_>>()?;
    if ratings.is_empty() {
        return Ok(());
    }
    Err(UserError::Usage(format!(
        "{} cannot move to another claim while its ratings stand ({}): they rate it within its claim; retract them first (`crosscheck retract {} --reason ...`)",
        super::kind::handle(kind, id),
        ratings.join(", "),
        ratings[0]
    ))
    .into())
}

// ---------------------------------------------------------------- hypothesis

/// One explanation of a claim, for the Analysis of Competing Hypotheses. A
/// claim's hypotheses are meant to be mutually exclusive.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    pub uuid: String,
    pub claim_id: i64,
    pub text: String,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Hypothesis {
    const KIND: Kind = Kind::Hypothesis;
    const SHOWN: &'static [&'static str] = &["claim", "text", "notes"];
    const FIELDS: &'static [&'static str] = &["uuid", "claim", "claim_uuid", "text", "notes", "retracted"];
    const COLUMNS: &'static [&'static str] = &["claim_id", "text", "notes", "retracted"];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let claim_id = claim_ref(conn, f)?;
        Ok(Hypothesis {
            uuid,
            claim_id,
            text: f
                .required(
                    "text",
                    "give the explanation, such as \"The aircraft entered by a navigation error\"",
                )?
                .trim()
                .to_string(),
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("claim", reference(conn, Kind::Claim, self.claim_id)?),
            ("claim_uuid", uuid_of(conn, Kind::Claim, Some(self.claim_id))?),
            ("text", self.text.clone()),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![int(Some(self.claim_id)), text(&self.text), text(&self.notes), text(&self.retracted)]
    }

    /// A live hypothesis of the same claim with the same words.
    fn duplicate_of(&self, conn: &Connection) -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached(
                "SELECT id FROM hypothesis WHERE claim_id = ?1 AND text = ?2 AND retracted = '' AND uuid <> ?3 ORDER BY id LIMIT 1",
            )?
            .query_row(rusqlite::params![self.claim_id, self.text, self.uuid], |r| r.get(0))
            .optional()?)
    }

    fn check_change(&self, conn: &Connection, id: i64) -> Result<()> {
        ratings_stay_with(conn, Kind::Hypothesis, id, self.claim_id)
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("hypothesis", String::new())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>> {
        claim_uuid_of(conn, self.claim_id)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Hypothesis {
            uuid: r.get(0)?,
            claim_id: r.get(1)?,
            text: r.get(2)?,
            notes: r.get(3)?,
            retracted: r.get(4)?,
        })
    }
}

// ---------------------------------------------------------------- rating

/// What a rating rates: one evidence item or one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    Evidence(i64),
    Statement(i64),
}

impl Item {
    pub fn kind(self) -> Kind {
        match self {
            Item::Evidence(_) => Kind::Evidence,
            Item::Statement(_) => Kind::Statement,
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Item::Evidence(id) | Item::Statement(id) => id,
        }
    }

    fn of(kind: Kind, id: i64) -> Item {
        if kind == Kind::Statement {
            Item::Statement(id)
        } else {
            Item::Evidence(id)
        }
    }

    /// E5 or ST4.
    pub fn handle(self) -> String {
        super::kind::handle(self.kind(), self.id())
    }

    /// The claim the item bears on.
    pub fn claim(self, conn: &Connection) -> Result<i64> {
        let table = self.kind().table();
        let sql = statement_text(table, "claim by id", || format!("SELECT claim_id FROM {table} WHERE id = ?1"));
        Ok(conn.prepare_cached(sql)?.query_row([self.id()], |r| r.get(0))?)
    }

    /// Reads what the user typed: E5, ST4, or the UUID of either.
    pub fn resolve(conn: &Connection, text: &str) -> Result<Item> {
        let wanted = text.trim();
        if uuid::Uuid::parse_str(wanted).is_ok() {
            return Self::by_uuid(conn, wanted, "item");
        }
        match parse_typed(wanted) {
            Some((kind @ (Kind::Evidence | Kind::Statement), _)) => Ok(Item::of(kind, handle::resolve(conn, kind, wanted)?)),
            _ => Err(UserError::invalid(
                "item",
                text,
                "allowed: an evidence handle such as E5, a statement handle such as ST4, or the UUID of either",
            )
            .into()),
        }
    }

    fn by_uuid(conn: &Connection, uuid: &str, field: &str) -> Result<Item> {
        for kind in [Kind::Evidence, Kind::Statement] {
            if let Some(id) = handle::by_uuid(conn, kind, uuid)? {
                return Ok(Item::of(kind, id));
            }
        }
        Err(UserError::NotFound {
            what: "evidence item or statement",
            handle: uuid.to_string(),
            hint: format!("no evidence item or statement in this case has this UUID ({field}); import them first"),
        }
        .into())
    }
}

/// The rated item from a rating's fields: `item_uuid` wins over `item`, as
/// for every reference (see `reference_field`). An item that is not in the
/// case is an invalid value of the field that names it, so that an import's
/// error names that column.
fn item_field(conn: &Connection, f: &Fields) -> Result<Item> {
    let uuid = f.get("item_uuid").trim();
    let (field, found) = if uuid.is_empty() {
        let item = f.required("item", "give the evidence item or statement to rate, such as E5 or ST4")?;
        ("item", Item::resolve(conn, item))
    } else if uuid::Uuid::parse_str(uuid).is_err() {
        return Err(UserError::invalid(
            "item_uuid",
            uuid,
            "allowed: the UUID of an evidence item or statement in this case, or empty",
        )
        .into());
    } else {
        ("item_uuid", Item::by_uuid(conn, uuid, "item_uuid"))
    };
    found.map_err(|e| match e.downcast::<UserError>() {
        Ok(UserError::NotFound { handle, hint, .. }) => UserError::invalid(
            field,
            &handle,
            format!("allowed: an evidence item or statement of this case; {hint}"),
        )
        .into(),
        Ok(other) => other.into(),
        Err(other) => other,
    })
}

/// How consistent one evidence item or statement is with one hypothesis of
/// its claim.
#[derive(Debug, Clone)]
pub struct Rating {
    pub uuid: String,
    pub hypothesis_id: i64,
    pub item: Item,
    pub rating: Consistency,
    pub relevance: Relevance,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Rating {
    const KIND: Kind = Kind::Rating;
    const SHOWN: &'static [&'static str] = &["hypothesis", "item", "rating", "relevance", "notes"];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "hypothesis",
        "hypothesis_uuid",
        "item",
        "item_uuid",
        "rating",
        "relevance",
        "notes",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "hypothesis_id",
        "evidence_id",
        "statement_id",
        "rating",
        "relevance",
        "notes",
        "retracted",
    ];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let hypothesis_id = reference_field(conn, f, Kind::Hypothesis, "hypothesis", "hypothesis_uuid")?
            .ok_or_else(|| UserError::missing("hypothesis", "give the hypothesis's handle, such as H1"))?;
        let item = item_field(conn, f)?;
        let rating = Consistency::parse(f.required("rating", &format!("allowed: {}", Consistency::scale()))?)?;
        let relevance = match f.get("relevance").trim() {
            "" => Relevance::Medium,
            r => Relevance::parse(r)?,
        };
        let claim = Hypothesis::load(conn, hypothesis_id)?.claim_id;
        let item_claim = item.claim(conn)?;
        if item_claim != claim {
            let hypothesis = super::kind::handle(Kind::Hypothesis, hypothesis_id);
            return Err(UserError::Usage(format!(
                "{} bears on claim {}, but {hypothesis} explains claim {}: a hypothesis is rated against the evidence and statements of its own claim",
                item.handle(),
                reference(conn, Kind::Claim, item_claim)?,
                reference(conn, Kind::Claim, claim)?
            ))
            .into());
        }
        Ok(Rating {
            uuid,
            hypothesis_id,
            item,
            rating,
            relevance,
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("hypothesis", reference(conn, Kind::Hypothesis, self.hypothesis_id)?),
            ("hypothesis_uuid", uuid_of(conn, Kind::Hypothesis, Some(self.hypothesis_id))?),
            ("item", self.item.handle()),
            ("item_uuid", uuid_of(conn, self.item.kind(), Some(self.item.id()))?),
            ("rating", self.rating.to_string()),
            ("relevance", self.relevance.to_string()),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        let (evidence, statement) = match self.item {
            Item::Evidence(id) => (Some(id), None),
            Item::Statement(id) => (None, Some(id)),
        };
        vec![
            int(Some(self.hypothesis_id)),
            int(evidence),
            int(statement),
            text(self.rating.as_str()),
            text(self.relevance.as_str()),
            text(&self.notes),
            text(&self.retracted),
        ]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("rating", String::new())
    }

    /// Only one rating of an item against a hypothesis is live at a time.
    fn taken(&self) -> UserError {
        let hypothesis = super::kind::handle(Kind::Hypothesis, self.hypothesis_id);
        let item = self.item.handle();
        UserError::Conflict(format!(
            "{hypothesis} already has a live rating of {item}: rate it again to replace it (`crosscheck rate {hypothesis} {item} RATING`), or retract that rating first"
        ))
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>> {
        claim_uuid_of(conn, Hypothesis::load(conn, self.hypothesis_id)?.claim_id)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        let evidence: Option<i64> = r.get(2)?;
        let statement: Option<i64> = r.get(3)?;
        let item = match (evidence, statement) {
            (Some(id), _) => Item::Evidence(id),
            (None, Some(id)) => Item::Statement(id),
            (None, None) => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Null,
                    "a rating rates neither an evidence item nor a statement".into(),
                )
                .into());
            }
        };
        Ok(Rating {
            uuid: r.get(0)?,
            hypothesis_id: r.get(1)?,
            item,
            rating: stored(r, 4, Consistency::parse)?,
            relevance: stored(r, 5, Relevance::parse)?,
            notes: r.get(6)?,
            retracted: r.get(7)?,
        })
    }
}

// ---------------------------------------------------------------- place

#[derive(Debug, Clone)]
pub struct Place {
    pub uuid: String,
    pub slug: String,
    /// The place this one lies within (the Northern Territories within the
    /// Kuril Islands), where there is one.
    pub part_of: Option<i64>,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Record for Place {
    const KIND: Kind = Kind::Place;
    const SHOWN: &'static [&'static str] = &["slug", "part_of"];
    const FIELDS: &'static [&'static str] = &["uuid", "slug", "part_of", "part_of_uuid", "notes", "retracted"];
    const COLUMNS: &'static [&'static str] = &["slug", "part_of_id", "notes", "retracted"];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let slug = parse_slug(
            "slug",
            f.required("slug", "give a short name people will type, such as liancourt-rocks")?,
        )?;
        let part_of = reference_field(conn, f, Kind::Place, "part_of", "part_of_uuid")?;
        if let Some(parent) = part_of {
            // Walk up from the parent: meeting this place again would make
            // it part of itself.
            let mut at = Some(parent);
            let mut steps = 0;
            while let Some(id) = at {
                let (their_uuid, up): (String, Option<i64>) =
                    conn.query_row("SELECT uuid, part_of_id FROM place WHERE id = ?1", [id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                if their_uuid == uuid || steps > 10_000 {
                    return Err(UserError::invalid(
                        "part_of",
                        f.get("part_of"),
                        format!("a place cannot lie within itself; allowed: a place that is not {slug} and not within it"),
                    )
                    .into());
                }
                at = up;
                steps += 1;
            }
        }
        Ok(Place {
            uuid,
            slug,
            part_of,
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        })
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        let part_of = match self.part_of {
            Some(id) => reference(conn, Kind::Place, id)?,
            None => String::new(),
        };
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("slug", self.slug.clone()),
            ("part_of", part_of),
            ("part_of_uuid", uuid_of(conn, Kind::Place, self.part_of)?),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![text(&self.slug), int(self.part_of), text(&self.notes), text(&self.retracted)]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("place slug", self.slug.clone())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, _: &Connection) -> Result<Option<String>> {
        Ok(None)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        Ok(Place {
            uuid: r.get(0)?,
            slug: r.get(1)?,
            part_of: r.get(2)?,
            notes: r.get(3)?,
            retracted: r.get(4)?,
        })
    }
}

// ---------------------------------------------------------------- name

/// The two-letter language codes of ISO 639-1, in alphabetical order.
const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo", "br", "bs", "ca",
    "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi",
    "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie",
    "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv",
    "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na",
    "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm",
    "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw",
    "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// A name's language: an ISO 639-1 code, optionally followed by a script
/// (`ko-Latn`, a Korean name in Latin letters) or a region (`en-GB`).
fn name_language(value: &str) -> Result<String, UserError> {
    let v = value.trim();
    let mut parts = v.split('-');
    let code = parts.next().unwrap_or_default();
    let subtags: Vec<&str> = parts.collect();
    let script = |s: &str| {
        s.len() == 4 && s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && s[1..].chars().all(|c| c.is_ascii_lowercase())
    };
    let region =
        |s: &str| (s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase())) || (s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()));
    let subtags_ok = match subtags.as_slice() {
        [] => true,
        [one] => script(one) || region(one),
        [first, second] => script(first) && region(second),
        _ => false,
    };
    if ISO_639_1.binary_search(&code).is_ok() && subtags_ok {
        return Ok(v.to_string());
    }
    Err(UserError::invalid(
        "language",
        value,
        "allowed: an ISO 639-1 code, two lower-case letters such as ko, ja, ru, zh or en, \
         optionally followed by a script or a region (ko-Latn, zh-Hant, en-GB)",
    ))
}

/// A yes-or-no field: yes, no, true, false, 1, 0, or empty for no.
fn yes_no(field: &str, value: &str) -> Result<bool, UserError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "false" | "0" => Ok(false),
        "yes" | "true" | "1" => Ok(true),
        _ => Err(UserError::invalid(field, value, "allowed: yes or no")),
    }
}

/// Splits a list of references: `KR, KR-MOFA`.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The parties that use a name, from their codes or handles, or from their
/// UUIDs, which win where given (as for every reference).
fn parties_field(conn: &Connection, f: &Fields) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    let uuids = f.get("used_by_uuid");
    if !uuids.trim().is_empty() {
        for uuid in list(uuids) {
            let mut one = Fields::new();
            one.set("used_by_uuid", uuid);
            if let Some(id) = reference_field(conn, &one, Kind::Party, "used_by", "used_by_uuid")?
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        return Ok(ids);
    }
    for code in list(f.get("used_by")) {
        let id = handle::resolve(conn, Kind::Party, code)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

#[derive(Debug, Clone)]
pub struct Name {
    pub uuid: String,
    pub place_id: i64,
    pub text: String,
    pub language: String,
    /// The parties that use the name; none for a name no party claims.
    pub used_by: Vec<i64>,
    /// The neutral or reference name of the place (Liancourt Rocks; IHO
    /// S-23's Japan Sea).
    pub reference: bool,
    pub source_id: Option<i64>,
    pub notes: String,
    /// Why the record was withdrawn; empty while it is live.
    pub retracted: String,
}

impl Name {
    /// The text as names are matched and kept apart (`name.folded`).
    pub fn folded(&self) -> String {
        super::search::name_key(&self.text)
    }
}

impl Record for Name {
    const KIND: Kind = Kind::Name;
    const SHOWN: &'static [&'static str] = &["place", "text", "language", "used_by", "reference"];
    const FIELDS: &'static [&'static str] = &[
        "uuid",
        "place",
        "place_uuid",
        "text",
        "language",
        "used_by",
        "used_by_uuid",
        "reference",
        "source",
        "source_uuid",
        "notes",
        "retracted",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "place_id",
        "text",
        "folded",
        "language",
        "used_by",
        "reference",
        "source_id",
        "notes",
        "retracted",
    ];

    fn from_fields(conn: &Connection, f: &Fields) -> Result<Self> {
        let uuid = uuid_field(f)?;
        let place_id = reference_field(conn, f, Kind::Place, "place", "place_uuid")?
            .ok_or_else(|| UserError::missing("place", "give the place's slug or handle, such as liancourt-rocks or PL1"))?;
        let text = f
            .required("text", "give the name as the party writes it, such as Dokdo or 독도")?
            .trim()
            .to_string();
        if super::search::name_key(&text).is_empty() {
            return Err(UserError::invalid("text", &text, "allowed: a name with at least one letter or digit").into());
        }
        let name = Name {
            uuid,
            place_id,
            text,
            language: name_language(f.required(
                "language",
                "give the name's language as an ISO 639-1 code, such as ko, ja, ru, zh or en",
            )?)?,
            used_by: parties_field(conn, f)?,
            reference: yes_no("reference", f.get("reference"))?,
            source_id: reference_field(conn, f, Kind::Source, "source", "source_uuid")?,
            notes: f.get("notes").to_string(),
            retracted: f.get("retracted").trim().to_string(),
        };
        // A place has each name once. Checked here, where every add, edit,
        // restore and import passes, so that the error names the other name.
        if name.retracted.is_empty() {
            let twin: Option<(i64, String)> = conn
                .prepare_cached(
                    "SELECT id, text FROM name WHERE place_id = ?1 AND folded = ?2 AND retracted = '' AND uuid <> ?3 ORDER BY id LIMIT 1",
                )?
                .query_row(rusqlite::params![name.place_id, name.folded(), name.uuid], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((id, other)) = twin {
                return Err(UserError::Conflict(format!(
                    "{} already has the name {:?} ({}); a place takes each name once, so {:?} was not added",
                    reference(conn, Kind::Place, name.place_id)?,
                    crate::output::inert(&other),
                    super::kind::handle(Kind::Name, id),
                    crate::output::inert(&name.text),
                ))
                .into());
            }
        }
        Ok(name)
    }

    fn to_fields(&self, conn: &Connection) -> Result<Fields> {
        let source = match self.source_id {
            Some(id) => reference(conn, Kind::Source, id)?,
            None => String::new(),
        };
        let mut codes = Vec::new();
        let mut uuids = Vec::new();
        for id in &self.used_by {
            codes.push(reference(conn, Kind::Party, *id)?);
            uuids.push(handle::uuid_of(conn, Kind::Party, *id)?);
        }
        Ok(Fields(vec![
            ("uuid", self.uuid.clone()),
            ("place", reference(conn, Kind::Place, self.place_id)?),
            ("place_uuid", uuid_of(conn, Kind::Place, Some(self.place_id))?),
            ("text", self.text.clone()),
            ("language", self.language.clone()),
            ("used_by", codes.join(",")),
            ("used_by_uuid", uuids.join(",")),
            ("reference", if self.reference { "yes" } else { "no" }.to_string()),
            ("source", source),
            ("source_uuid", uuid_of(conn, Kind::Source, self.source_id)?),
            ("notes", self.notes.clone()),
            ("retracted", self.retracted.clone()),
        ]))
    }

    fn values(&self) -> Vec<ToSqlOutput<'_>> {
        vec![
            int(Some(self.place_id)),
            text(&self.text),
            ToSqlOutput::Owned(Value::Text(self.folded())),
            text(&self.language),
            ToSqlOutput::Owned(Value::Text(serde_json::to_string(&self.used_by).unwrap_or_else(|_| "[]".into()))),
            int(Some(i64::from(self.reference))),
            int(self.source_id),
            text(&self.notes),
            text(&self.retracted),
        ]
    }

    fn unique_key(&self) -> (&'static str, String) {
        ("name", self.text.clone())
    }

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn claim_uuid(&self, _: &Connection) -> Result<Option<String>> {
        Ok(None)
    }

    fn from_row(r: &Row<'_>) -> super::sql::Result<Self> {
        let used_by: String = r.get(5)?;
        Ok(Name {
            uuid: r.get(0)?,
            place_id: r.get(1)?,
            text: r.get(2)?,
            // 3 is the folded text, which follows from the text.
            language: r.get(4)?,
            used_by: serde_json::from_str(&used_by).map_err(|e| {
                super::sql::Error::from(rusqlite::Error::FromSqlConversionFailure(
                    5,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                ))
            })?,
            reference: r.get::<_, i64>(6)? != 0,
            source_id: r.get(7)?,
            notes: r.get(8)?,
            retracted: r.get(9)?,
        })
    }
}
