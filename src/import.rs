//! Bringing rows in from files. The seed, `import` and every future loader go
//! through `import_rows`, so the shipped case tests the same code users run.

use std::io::Read;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::UserError;
use crate::handle::{self, Kind};
use crate::history::{self, Actor, Change};
use crate::record::{self, Fields, Record};
use crate::store::{Claim, Evidence, Party, Source, Statement};

/// What a file is imported into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entity {
    Parties,
    Sources,
    Claims,
    Statements,
    Evidence,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Parties => "parties",
            Entity::Sources => "sources",
            Entity::Claims => "claims",
            Entity::Statements => "statements",
            Entity::Evidence => "evidence",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Entity::Parties => Kind::Party,
            Entity::Sources => Kind::Source,
            Entity::Claims => Kind::Claim,
            Entity::Statements => Kind::Statement,
            Entity::Evidence => Kind::Evidence,
        }
    }

    /// The fields a file may give, in report order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Entity::Parties => Party::FIELDS,
            Entity::Sources => Source::FIELDS,
            Entity::Claims => Claim::FIELDS,
            Entity::Statements => Statement::FIELDS,
            Entity::Evidence => Evidence::FIELDS,
        }
    }
}

/// How rows that already exist (same UUID) are treated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Update rows whose UUID is already in the case, instead of refusing them.
    pub update: bool,
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// One row read from a file: its line number and its fields.
#[derive(Debug)]
pub struct InputRow {
    pub line: u64,
    pub fields: Fields,
}

/// Starts an import: one `import` row that every imported row points at.
pub fn begin(conn: &Connection, actor: &Actor, entity: Entity, file_name: &str) -> Result<(i64, String)> {
    let uuid = uuid::Uuid::new_v4().to_string();
    conn.execute(
        "INSERT INTO import (uuid, entity, file_name, sha256, analyst, imported_at) VALUES (?1, ?2, ?3, '', ?4, ?5)",
        params![uuid, entity.as_str(), file_name, actor.analyst, actor.at],
    )?;
    Ok((conn.last_insert_rowid(), uuid))
}

/// Imports one row: creates it, or with `update` changes the row with the same
/// UUID. The error names the field at fault; the caller adds file and line.
pub fn import_row(
    conn: &Connection,
    actor: &Actor,
    entity: Entity,
    import_id: i64,
    options: Options,
    mut fields: Fields,
) -> Result<Outcome> {
    if entity == Entity::Claims && !matches!(fields.get("status"), "" | "unverified") {
        // A verdict that comes without its author is the importer's.
        if fields.get("status_by").trim().is_empty() {
            fields.set("status_by", actor.analyst.clone());
        }
        if fields.get("status_at").trim().is_empty() {
            fields.set("status_at", actor.at.clone());
        }
    }
    match entity {
        Entity::Parties => import_one::<Party>(conn, actor, import_id, options, &fields),
        Entity::Sources => import_one::<Source>(conn, actor, import_id, options, &fields),
        Entity::Claims => import_one::<Claim>(conn, actor, import_id, options, &fields),
        Entity::Statements => import_one::<Statement>(conn, actor, import_id, options, &fields),
        Entity::Evidence => import_one::<Evidence>(conn, actor, import_id, options, &fields),
    }
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

fn import_one<R: Record>(conn: &Connection, actor: &Actor, import_id: i64, options: Options, fields: &Fields) -> Result<Outcome> {
    let record = R::from_fields(conn, fields)?;
    let existing: Option<i64> = conn
        .prepare_cached(&format!("SELECT id FROM {} WHERE uuid = ?1", R::KIND.table()))?
        .query_row([record.uuid()], |r| r.get(0))
        .optional()?;
    match existing {
        Some(id) if options.update => {
            let changed = record::edit::<R>(conn, actor, id, fields, "import --update")?;
            Ok(if changed { Outcome::Updated } else { Outcome::Unchanged })
        }
        Some(id) => Err(UserError::Conflict(format!(
            "{} {} has this UUID already ({}); import with --update to change it",
            R::KIND.table(),
            handle::format(R::KIND, id),
            record.uuid()
        ))
        .into()),
        None => {
            let id = record.insert(conn, Some(import_id), &actor.at)?;
            crate::search::index(conn, R::KIND, id)?;
            if R::KIND == Kind::Claim {
                record_imported_verdict(conn, actor, id)?;
            }
            Ok(Outcome::Inserted)
        }
    }
}

/// A claim that arrives with a verdict gets a `mark` entry in its history, so
/// that the verdict's who, when and why are on record like any other.
fn record_imported_verdict(conn: &Connection, actor: &Actor, id: i64) -> Result<()> {
    let claim = Claim::load(conn, id)?;
    if claim.status == crate::model::Status::Unverified {
        return Ok(());
    }
    let verdict_by = Actor {
        analyst: claim.status_by.clone(),
        at: actor.at.clone(),
    };
    history::append(
        conn,
        &verdict_by,
        Change {
            action: "mark",
            entity: "claim",
            entity_uuid: &claim.uuid,
            handle: &handle::format(Kind::Claim, id),
            claim_uuid: Some(&claim.uuid),
            before: Some(json!({"status": "unverified"})),
            after: Some(json!({"status": claim.status.as_str(), "at": claim.status_at})),
            reason: &claim.reason,
        },
    )
}

/// Ends an import: records its counts and the file's hash, and writes the
/// one history entry that says who imported what.
pub fn finish(
    conn: &Connection,
    actor: &Actor,
    entity: Entity,
    (import_id, import_uuid): (i64, &str),
    file_name: &str,
    sha256: &str,
    counts: Counts,
) -> Result<()> {
    conn.execute(
        "UPDATE import SET sha256 = ?2, inserted = ?3, updated = ?4, rejected = ?5 WHERE id = ?1",
        params![
            import_id,
            sha256,
            counts.inserted as i64,
            counts.updated as i64,
            counts.rejected as i64
        ],
    )?;
    history::append(
        conn,
        actor,
        Change {
            action: "import",
            entity: "import",
            entity_uuid: import_uuid,
            handle: file_name,
            claim_uuid: None,
            before: None,
            after: Some(json!({
                "into": entity.as_str(),
                "file": file_name,
                "sha256": sha256,
                "inserted": counts.inserted,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "rejected": counts.rejected,
            })),
            reason: "",
        },
    )
}

/// A reader that hashes what passes through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Reads what is left, so that the hash covers the whole file.
    pub fn finish(mut self) -> std::io::Result<String> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(hex::encode(self.hasher.finalize()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads a CSV file with a header row whose names are the entity's fields,
/// and imports every row. The first bad row stops it with an error naming
/// the file, line, column and value; the caller's transaction then rolls back.
pub fn import_csv(conn: &Connection, actor: &Actor, entity: Entity, options: Options, file_name: &str, input: impl Read) -> Result<Counts> {
    let mut reader = HashingReader::new(input);
    let import = begin(conn, actor, entity, file_name)?;
    let mut counts = Counts::default();
    {
        let mut csv = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(&mut reader);
        let headers = csv.headers().map_err(|e| in_file(file_name, 1, "", e.to_string()))?.clone();
        let columns = match_headers(entity, &headers, file_name)?;
        let mut record = csv::StringRecord::new();
        loop {
            let line = csv.position().line();
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(in_file(file_name, line, "", csv_problem(&e)).into()),
            }
            let line = record.position().map_or(line, |p| p.line());
            let mut fields = Fields::new();
            for (value, field) in record.iter().zip(&columns) {
                if let Some(field) = field {
                    fields.set(field, crate::output::unescape_formula(value));
                }
            }
            match import_row(conn, actor, entity, import.0, options, fields) {
                Ok(Outcome::Inserted) => counts.inserted += 1,
                Ok(Outcome::Updated) => counts.updated += 1,
                Ok(Outcome::Unchanged) => counts.unchanged += 1,
                Err(e) => return Err(locate(e, file_name, line, &headers, &columns)),
            }
        }
    }
    let sha = reader.finish()?;
    finish(conn, actor, entity, (import.0, &import.1), file_name, &sha, counts)?;
    Ok(counts)
}

/// Matches header names to fields. An unknown column is an error, not a
/// silent drop.
fn match_headers(entity: Entity, headers: &csv::StringRecord, file_name: &str) -> Result<Vec<Option<&'static str>>> {
    let mut columns = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let wanted = name.trim().trim_start_matches('\u{feff}');
        match entity.fields().iter().find(|f| f.eq_ignore_ascii_case(wanted)) {
            Some(field) => columns.push(Some(*field)),
            None => {
                return Err(in_file(
                    file_name,
                    1,
                    wanted,
                    format!(
                        "column {} ({wanted:?}) is not a field of {}; allowed: {}",
                        i + 1,
                        entity.as_str(),
                        entity.fields().join(", ")
                    ),
                )
                .into());
            }
        }
    }
    Ok(columns)
}

fn in_file(file: &str, line: u64, column: &str, message: String) -> UserError {
    UserError::InFile {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message,
    }
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8; save the file as UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// Adds the file, line and column to a row's error.
pub fn locate(err: anyhow::Error, file: &str, line: u64, headers: &csv::StringRecord, columns: &[Option<&'static str>]) -> anyhow::Error {
    let column_of = |field: &str| {
        columns
            .iter()
            .position(|c| *c == Some(field))
            .map(|i| headers.get(i).unwrap_or(field).to_string())
            .unwrap_or_else(|| field.to_string())
    };
    let field = match err.downcast_ref::<UserError>() {
        Some(UserError::Invalid { field, .. }) | Some(UserError::Missing { field, .. }) => Some(field.clone()),
        Some(UserError::NotFound { what, .. }) => Some(what.to_string()),
        _ => None,
    };
    match err.downcast::<UserError>() {
        Ok(user) => in_file(file, line, &field.map(|f| column_of(&f)).unwrap_or_default(), user.to_string()).into(),
        Err(other) => other.context(format!("{file}, line {line}")),
    }
}
