//! Handles people type: a prefix and a number (P7, S12, C3, ST4, E5), a claim
//! or source slug, a party code (RU, RU-MOD), or the record's UUID.

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Result;

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
    } else {
        by_key(conn, kind, wanted)?
    };
    match found {
        Some(id) => Ok(id),
        None => Err(not_found(kind, text, None).with_suggestions(&nearest(conn, kind, wanted)?).into()),
    }
}

/// The names people type for records of this kind that are nearest to a
/// mistyped one: at most three, by edit distance, among those that begin
/// with the same letter (so that a large case is not read whole).
fn nearest(conn: &Connection, kind: Kind, text: &str) -> Result<Vec<String>> {
    let (Some(column), Some(first)) = (kind.key_column(), text.chars().next()) else {
        return Ok(Vec::new());
    };
    let table = kind.table();
    let sql = statement_text(table, "keys by first letter", || {
        format!("SELECT {column} FROM {table} WHERE {column} LIKE ?1 || '%' AND retracted = '' LIMIT 50000")
    });
    let wanted = text.to_lowercase();
    let most = (wanted.chars().count() / 3).max(1);
    let mut near: Vec<(usize, String)> = conn
        .prepare_cached(sql)?
        .query_map([first.to_string()], |r| r.get::<_, String>(0))?
        .filter_map(|key| key.ok())
        .filter_map(|key| {
            let distance = edit_distance(&wanted, &key.to_lowercase());
            (distance <= most).then_some((distance, key))
        })
        .collect();
    near.sort();
    Ok(near.into_iter().take(3).map(|(_, key)| key).collect())
}

/// The number of single-character insertions, deletions, substitutions and
/// swaps of neighbours that turn one text into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
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
    let uuid: Option<String> = conn.prepare_cached(sql)?.query_row([id], |r| r.get(0)).optional()?;
    uuid.ok_or_else(|| anyhow::anyhow!("it refers to {table} {}, which is not in the case", super::kind::handle(kind, id)))
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
    // A slug or code names one record across kinds; a case file written
    // before that was enforced, or changed by hand, may hold one twice, and
    // then the user must say which.
    match key_holders(conn, text.trim(), None)?.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        several => {
            let named: Vec<String> = several
                .iter()
                .map(|&(kind, id)| format!("{} {}", kind.table(), super::kind::handle(kind, id)))
                .collect();
            return Err(UserError::Usage(format!(
                "{:?} names more than one record: {}; give the handle of the one you mean",
                text.trim(),
                named.join(" and ")
            ))
            .into());
        }
    }
    Err(UserError::NotFound {
        what: "record",
        handle: text.to_string(),
        hint: "give a handle such as C3, S12, ST4, E5, P7, H1, R3, PL1 or N4, a claim, source or place slug, a party code, or a UUID"
            .to_string(),
    }
    .into())
}

/// The id of the record of this kind whose slug or code is `key`; None
/// for a kind that has neither.
fn by_key(conn: &Connection, kind: Kind, key: &str) -> Result<Option<i64>> {
    let (Some(column), table) = (kind.key_column(), kind.table()) else {
        return Ok(None);
    };
    let sql = statement_text(table, "id by key", || {
        format!("SELECT id FROM {table} WHERE {column} COLLATE NOCASE = ?1")
    });
    Ok(conn.prepare_cached(sql)?.query_row(params![key], |r| r.get(0)).optional()?)
}

/// Every record whose slug or code is `key`, of any kind but `except`: one,
/// except in a file written before a key was made to name one record across
/// kinds. The write path asks this for every new slug, leaving a kind's own
/// keys to its UNIQUE index, so it is one statement over the other keyed
/// kinds: one statement per kind cost an import of 200,000 slugged sources
/// about 9% of its CPU time, this one about 5%.
pub fn key_holders(conn: &Connection, key: &str, except: Option<Kind>) -> Result<Vec<(Kind, i64)>> {
    let purpose = except.map_or("*", Kind::table);
    let sql = statement_text(purpose, "ids by key elsewhere", || {
        let parts: Vec<String> = Kind::ALL
            .iter()
            .enumerate()
            .filter(|(_, kind)| Some(**kind) != except)
            .filter_map(|(i, kind)| {
                let column = kind.key_column()?;
                Some(format!("SELECT {i}, id FROM {} WHERE {column} COLLATE NOCASE = ?1", kind.table()))
            })
            .collect();
        parts.join(" UNION ALL ")
    });
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![key], |r| Ok((r.get::<_, u8>(0)?, r.get::<_, i64>(1)?)))?;
    rows.map(|row| {
        let (i, id) = row?;
        Ok((Kind::ALL[usize::from(i)], id))
    })
    .collect()
}

/// The names people type for records of `kind` that begin with `typed`,
/// each with a few words that say which record it is, for shell completion:
/// slugs and codes, and handles once `typed` begins like one. At most
/// `limit`, live records only.
pub fn completions(conn: &Connection, kind: Kind, typed: &str, limit: usize) -> Result<Vec<(String, String)>> {
    let table = kind.table();
    let prefix = kind.prefix();
    let label = kind
        .spec()
        .search
        .map(|(main, _)| main[0])
        .or((kind == Kind::Party).then_some("name"))
        .or(kind.key_column())
        .unwrap_or("uuid");
    let pattern = format!("{}%", typed.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut found = Vec::new();
    let mut run = |sql: &'static str| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![pattern, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (value, label) = row?;
            found.push((value, crate::output::shorten(&label.unwrap_or_default(), 50)));
        }
        Ok(())
    };
    if let Some(key) = kind.key_column() {
        run(statement_text(table, "keys by prefix", || {
            format!("SELECT {key}, {label} FROM {table} WHERE {key} LIKE ?1 ESCAPE '\\' AND retracted = '' ORDER BY {key} LIMIT ?2")
        }))?;
    }
    let handle_like = typed.get(..prefix.len()).is_some_and(|t| t.eq_ignore_ascii_case(prefix));
    if handle_like || kind.key_column().is_none() {
        run(statement_text(table, "handles by prefix", || {
            format!(
                "SELECT '{prefix}' || id, {label} FROM {table} WHERE ('{prefix}' || id) LIKE ?1 ESCAPE '\\' AND retracted = '' ORDER BY id LIMIT ?2"
            )
        }))?;
    }
    Ok(found)
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
    fn edit_distance_counts_typos_and_swaps() {
        assert_eq!(edit_distance("torpedo", "torpedo"), 0);
        assert_eq!(edit_distance("torpdeo", "torpedo"), 1, "two letters swapped");
        assert_eq!(edit_distance("vostok-troop", "vostok-troops"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
