//! Handles people type: a prefix and a number (P7, S12, C3, ST4, E5), a claim
//! or source slug, a party code (RU, RU-MOD), or the record's UUID.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::UserError;

/// The kinds of record that have handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Party,
    Source,
    Claim,
    Statement,
    Evidence,
}

impl Kind {
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Party => "P",
            Kind::Source => "S",
            Kind::Claim => "C",
            Kind::Statement => "ST",
            Kind::Evidence => "E",
        }
    }

    /// The table, and the word used in history and messages.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Party => "party",
            Kind::Source => "source",
            Kind::Claim => "claim",
            Kind::Statement => "statement",
            Kind::Evidence => "evidence",
        }
    }

    /// The column that holds the name people type, where there is one.
    fn key_column(self) -> Option<&'static str> {
        match self {
            Kind::Party => Some("code"),
            Kind::Source | Kind::Claim => Some("slug"),
            Kind::Statement | Kind::Evidence => None,
        }
    }

    fn forms(self) -> &'static str {
        match self {
            Kind::Party => "a party code such as RU or RU-MOD, a handle such as P7, or a UUID",
            Kind::Source => "a source handle such as S12, its slug, or its UUID",
            Kind::Claim => "a claim handle such as C3, its slug, or its UUID",
            Kind::Statement => "a statement handle such as ST4, or its UUID",
            Kind::Evidence => "an evidence handle such as E5, or its UUID",
        }
    }

    pub fn from_table(table: &str) -> Option<Kind> {
        [Kind::Party, Kind::Source, Kind::Claim, Kind::Statement, Kind::Evidence]
            .into_iter()
            .find(|k| k.table() == table)
    }

    fn list_command(self) -> &'static str {
        match self {
            Kind::Party => "crosscheck party list",
            Kind::Source => "crosscheck source list",
            Kind::Claim => "crosscheck claim list",
            Kind::Statement => "crosscheck statement list",
            Kind::Evidence => "crosscheck evidence list",
        }
    }
}

/// The handle of a record: `C3`.
pub fn format(kind: Kind, id: i64) -> String {
    format!("{}{id}", kind.prefix())
}

/// Reads a typed handle such as `ST4` into its kind and number.
pub fn parse_typed(text: &str) -> Option<(Kind, i64)> {
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = text.split_at(split);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let kind = match prefix.to_ascii_uppercase().as_str() {
        "P" => Kind::Party,
        "S" => Kind::Source,
        "C" => Kind::Claim,
        "ST" => Kind::Statement,
        "E" => Kind::Evidence,
        _ => return None,
    };
    Some((kind, digits.parse().ok()?))
}

/// Finds the id of the record a handle names.
pub fn resolve(conn: &Connection, kind: Kind, text: &str) -> Result<i64, anyhow::Error> {
    let wanted = text.trim();
    let table = kind.table();
    let found: Option<i64> = if let Some((typed, id)) = parse_typed(wanted) {
        if typed != kind {
            return Err(not_found(kind, text, Some(typed)).into());
        }
        conn.query_row(&format!("SELECT id FROM {table} WHERE id = ?1"), params![id], |r| r.get(0))
            .optional()?
    } else if uuid::Uuid::parse_str(wanted).is_ok() {
        conn.query_row(
            &format!("SELECT id FROM {table} WHERE uuid = ?1"),
            params![wanted.to_ascii_lowercase()],
            |r| r.get(0),
        )
        .optional()?
    } else if let Some(column) = kind.key_column() {
        conn.query_row(&format!("SELECT id FROM {table} WHERE {column} = ?1"), params![wanted], |r| {
            r.get(0)
        })
        .optional()?
    } else {
        None
    };
    found.ok_or_else(|| not_found(kind, text, None).into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_handles_parse_by_prefix() {
        assert_eq!(parse_typed("C3"), Some((Kind::Claim, 3)));
        assert_eq!(parse_typed("st12"), Some((Kind::Statement, 12)));
        assert_eq!(parse_typed("S1"), Some((Kind::Source, 1)));
        assert_eq!(parse_typed("C03"), None);
        assert_eq!(parse_typed("RU"), None);
        assert_eq!(parse_typed("vostok-2018"), None);
        assert_eq!(parse_typed("X9"), None);
    }
}
