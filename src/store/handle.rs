//! Handles people type: a prefix and a number (P7, S12, C3, ST4, E5), a claim
//! or source slug, a party code (RU, RU-MOD), or the record's UUID.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

use super::kind::{Kind, parse_typed};
use super::record::statement_text;
use crate::error::UserError;

/// Finds the id of the record a handle names.
pub fn resolve(conn: &Connection, kind: Kind, text: &str) -> Result<i64> {
    let wanted = text.trim();
    let table = kind.table();
    let found: Option<i64> = if let Some((typed, id)) = parse_typed(wanted) {
        if typed != kind {
            return Err(not_found(kind, text, Some(typed)).into());
        }
        let sql = statement_text(table, "id by id", || format!("SELECT id FROM {table} WHERE id = ?1"));
        conn.prepare_cached(sql)?.query_row(params![id], |r| r.get(0)).optional()?
    } else if uuid::Uuid::parse_str(wanted).is_ok() {
        by_uuid(conn, kind, wanted)?
    } else if let Some(column) = kind.key_column() {
        let sql = statement_text(table, "id by key", || format!("SELECT id FROM {table} WHERE {column} = ?1"));
        conn.prepare_cached(sql)?.query_row(params![wanted], |r| r.get(0)).optional()?
    } else {
        None
    };
    found.ok_or_else(|| not_found(kind, text, None).into())
}

/// The id of the record of this kind with this UUID.
pub fn by_uuid(conn: &Connection, kind: Kind, uuid: &str) -> Result<Option<i64>> {
    let table = kind.table();
    let sql = statement_text(table, "id by uuid", || format!("SELECT id FROM {table} WHERE uuid = ?1"));
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![uuid.trim().to_ascii_lowercase()], |r| r.get(0))
        .optional()?)
}

/// The UUID of a record.
pub fn uuid_of(conn: &Connection, kind: Kind, id: i64) -> Result<String> {
    let table = kind.table();
    let sql = statement_text(table, "uuid by id", || format!("SELECT uuid FROM {table} WHERE id = ?1"));
    Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get(0))?)
}

/// The handle people type for a referenced record: a party's code, a claim's
/// or source's slug, else the typed handle.
pub fn reference(conn: &Connection, kind: Kind, id: i64) -> Result<String> {
    let Some(column) = kind.key_column() else {
        return Ok(super::kind::handle(kind, id));
    };
    let table = kind.table();
    let sql = statement_text(table, "key by id", || format!("SELECT {column} FROM {table} WHERE id = ?1"));
    let key: Option<Option<String>> = conn.prepare_cached(sql)?.query_row([id], |r| r.get(0)).optional()?;
    Ok(key.flatten().unwrap_or_else(|| super::kind::handle(kind, id)))
}

/// Finds a record of any kind from what the user typed: a typed handle, a
/// UUID, a claim, source or place slug, or a party code.
pub fn resolve_any(conn: &Connection, text: &str) -> Result<(Kind, i64)> {
    if let Some((kind, _)) = parse_typed(text.trim()) {
        return Ok((kind, resolve(conn, kind, text)?));
    }
    if uuid::Uuid::parse_str(text.trim()).is_ok() {
        for kind in Kind::ALL {
            if let Some(id) = by_uuid(conn, kind, text)? {
                return Ok((kind, id));
            }
        }
    }
    for kind in [Kind::Claim, Kind::Source, Kind::Party, Kind::Place] {
        if let Ok(id) = resolve(conn, kind, text) {
            return Ok((kind, id));
        }
    }
    Err(UserError::NotFound {
        what: "record",
        handle: text.to_string(),
        hint: "give a handle such as C3, S12, ST4, E5, P7, PL1 or N4, a claim, source or place slug, a party code, or a UUID".to_string(),
    }
    .into())
}

fn not_found(kind: Kind, text: &str, other: Option<Kind>) -> UserError {
    let hint = match other {
        Some(other) => format!("{text} is a {} handle; give {}", other.table(), kind.forms()),
        None => format!("give {} (see `{}`)", kind.forms(), kind.list_command()),
    };
    UserError::NotFound {
        what: kind.table(),
        handle: text.to_string(),
        hint,
    }
}
