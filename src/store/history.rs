//! The record of every change, as a hash chain: each entry's hash is the
//! SHA-256 of its own content and the previous entry's hash.

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Result;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who is writing, and when: one per command, so that every entry a command
/// writes carries the same time.
#[derive(Debug, Clone)]
pub struct Actor {
    pub analyst: String,
    pub at: String,
}

/// One history entry to append.
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_uuid: &'a str,
    pub handle: &'a str,
    /// The claim the change bears on, so that a claim's history shows its
    /// statements and evidence too.
    pub claim_uuid: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: &'a str,
}

/// An entry as stored, for display and verification.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub uuid: String,
    pub at: String,
    pub analyst: String,
    pub action: String,
    pub entity: String,
    pub entity_uuid: String,
    pub handle: String,
    pub claim_uuid: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
    /// For an entry copied from another case file by `merge`: the hash it
    /// has in that file's chain.
    pub origin_hash: Option<String>,
}

impl Entry {
    pub const COLUMNS: &'static str =
        "id, uuid, at, analyst, action, entity, entity_uuid, handle, claim_uuid, before, after, reason, prev_hash, hash, origin_hash";

    pub fn from_row(r: &super::sql::Row<'_>) -> super::sql::Result<Entry> {
        Ok(Entry {
            id: r.get(0)?,
            uuid: r.get(1)?,
            at: r.get(2)?,
            analyst: r.get(3)?,
            action: r.get(4)?,
            entity: r.get(5)?,
            entity_uuid: r.get(6)?,
            handle: r.get(7)?,
            claim_uuid: r.get(8)?,
            before: r.get(9)?,
            after: r.get(10)?,
            reason: r.get(11)?,
            prev_hash: r.get(12)?,
            hash: r.get(13)?,
            origin_hash: r.get(14)?,
        })
    }

    /// The hash this entry should have, from its content and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        content_hash(
            &self.uuid,
            &self.at,
            &self.analyst,
            &self.action,
            &self.entity,
            &self.entity_uuid,
            &self.handle,
            self.claim_uuid.as_deref(),
            self.before.as_deref(),
            self.after.as_deref(),
            &self.reason,
            &self.prev_hash,
            self.origin_hash.as_deref(),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn content_hash(
    uuid: &str,
    at: &str,
    analyst: &str,
    action: &str,
    entity: &str,
    entity_uuid: &str,
    handle: &str,
    claim_uuid: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    reason: &str,
    prev_hash: &str,
    origin_hash: Option<&str>,
) -> String {
    // A JSON array is an unambiguous encoding: no field can spill into the next.
    let mut content = serde_json::json!([
        prev_hash,
        uuid,
        at,
        analyst,
        action,
        entity,
        entity_uuid,
        handle,
        claim_uuid,
        before,
        after,
        reason
    ]);
    // Only copied entries have an origin; every other entry hashes as it
    // did before the column existed.
    if let (Some(origin), Value::Array(items)) = (origin_hash, &mut content) {
        items.push(Value::String(origin.to_string()));
    }
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// The hash of the newest entry, which the next entry links to.
/// Only an empty history starts a new chain: any error reading the head
/// (a locked or damaged file) fails the write rather than fork the chain.
pub fn last_hash(conn: &Connection) -> Result<String> {
    let hash: Option<String> = conn
        .prepare_cached("SELECT hash FROM history ORDER BY id DESC LIMIT 1")?
        .query_row((), |r| r.get(0))
        .optional()?;
    Ok(hash.unwrap_or_else(|| GENESIS.to_string()))
}

/// The newest entry of the history: its id, hash and time, and how many
/// entries the history has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub id: i64,
    pub hash: String,
    pub at: String,
    pub entries: i64,
}

/// The newest entry, or None for an empty history.
pub fn head(conn: &Connection) -> Result<Option<Head>> {
    Ok(conn
        .query_row(
            "SELECT id, hash, at, (SELECT count(*) FROM history) FROM history ORDER BY id DESC LIMIT 1",
            (),
            |r| {
                Ok(Head {
                    id: r.get(0)?,
                    hash: r.get(1)?,
                    at: r.get(2)?,
                    entries: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Appends an entry. Call inside the command's write transaction, which holds
/// the write lock, so that no other process can extend the chain meanwhile.
pub fn append(conn: &Connection, actor: &Actor, change: Change<'_>) -> Result<()> {
    let prev_hash = last_hash(conn)?;
    let uuid = super::record::new_uuid();
    let before = change.before.map(|v| v.to_string());
    let after = change.after.map(|v| v.to_string());
    let hash = content_hash(
        &uuid,
        &actor.at,
        &actor.analyst,
        change.action,
        change.entity,
        change.entity_uuid,
        change.handle,
        change.claim_uuid,
        before.as_deref(),
        after.as_deref(),
        change.reason,
        &prev_hash,
        None,
    );
    conn.prepare_cached(
        "INSERT INTO history (uuid, at, analyst, action, entity, entity_uuid, handle, claim_uuid, before, after, reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        uuid,
        actor.at,
        actor.analyst,
        change.action,
        change.entity,
        change.entity_uuid,
        change.handle,
        change.claim_uuid,
        before,
        after,
        change.reason,
        prev_hash,
        hash
    ])?;
    Ok(())
}

/// Appends a copy of another case file's entry (`merge`): its content as it
/// was, but `handle`, which names the record as this case does, linked to
/// this chain, and with the hash it has in the other file's chain.
pub fn append_copy(conn: &Connection, entry: &Entry, handle: &str) -> Result<()> {
    let copy = Entry {
        handle: handle.to_string(),
        prev_hash: last_hash(conn)?,
        origin_hash: Some(entry.hash.clone()),
        ..entry.clone()
    };
    conn.prepare_cached(
        "INSERT INTO history (uuid, at, analyst, action, entity, entity_uuid, handle, claim_uuid, before, after, reason, prev_hash, hash, origin_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        copy.uuid,
        copy.at,
        copy.analyst,
        copy.action,
        copy.entity,
        copy.entity_uuid,
        copy.handle,
        copy.claim_uuid,
        copy.before,
        copy.after,
        copy.reason,
        copy.prev_hash,
        copy.expected_hash(),
        copy.origin_hash
    ])?;
    Ok(())
}

/// The values an entry gives the fields of what it is about: `verify`
/// compares each record with the last of them, and `merge` finds from them
/// what each side changed. A `mark` sets the verdict with its reason, who
/// and when (the time the verdict gives, else the entry's); every other
/// entry sets the fields of its `after`.
pub fn values_set(action: &str, after: Option<&str>, analyst: &str, at: &str, reason: &str) -> Vec<(String, String)> {
    let after = after.and_then(|a| serde_json::from_str::<Value>(a).ok());
    if action == "mark" {
        let after = after.unwrap_or(Value::Null);
        let [status, why, by, when] = VERDICT;
        let mut set = Vec::with_capacity(4);
        if let Some(value) = after.get("status") {
            set.push((status.to_string(), json_text(value)));
        }
        set.push((why.to_string(), reason.to_string()));
        set.push((by.to_string(), analyst.to_string()));
        set.push((when.to_string(), after.get("at").map_or_else(|| at.to_string(), json_text)));
        return set;
    }
    object_values(after)
}

/// The fields a `mark` sets together: a claim's verdict, the reason for it,
/// who gave it and when.
pub const VERDICT: [&str; 4] = ["status", "reason", "status_by", "status_at"];

/// The values an entry's `before` gives: each changed field as it was.
pub fn values_before(before: Option<&str>) -> Vec<(String, String)> {
    object_values(before.and_then(|b| serde_json::from_str::<Value>(b).ok()))
}

fn object_values(value: Option<Value>) -> Vec<(String, String)> {
    match value {
        Some(Value::Object(values)) => values.iter().map(|(field, value)| (field.clone(), json_text(value))).collect(),
        _ => Vec::new(),
    }
}

/// A JSON value as the text a record's field holds.
fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A break in the chain, found by `verify_chain`.
#[derive(Debug)]
pub struct Break {
    pub id: i64,
    pub problem: String,
}

/// Walks the chain from the first entry and reports every entry whose content
/// no longer matches its hash, or whose link to the previous entry is broken
/// (an entry deleted, inserted or moved).
pub fn verify_chain(conn: &Connection) -> Result<(usize, Vec<Break>)> {
    // A case of a schema before merges (a backup of an older case) has no
    // origin_hash column: its entries have none.
    let has_origin: bool = conn.query_row(
        conn.pick(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('history') WHERE name = 'origin_hash')",
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'history' AND column_name = 'origin_hash')",
        ),
        (),
        |r| r.get(0),
    )?;
    let columns = if has_origin {
        Entry::COLUMNS.to_string()
    } else {
        Entry::COLUMNS.replace("origin_hash", "NULL AS origin_hash")
    };
    let mut stmt = conn.prepare(&format!("SELECT {columns} FROM history ORDER BY id"))?;
    let mut rows = stmt.query(())?;
    let mut expected_prev = GENESIS.to_string();
    let mut count = 0;
    let mut breaks = Vec::new();
    while let Some(row) = rows.next()? {
        let entry = Entry::from_row(&row)?;
        count += 1;
        if entry.prev_hash != expected_prev {
            breaks.push(Break {
                id: entry.id,
                problem: format!(
                    "history entry {} ({} {} {}) does not link to the entry before it: an entry was deleted, inserted or reordered here",
                    entry.id, entry.action, entry.entity, entry.handle
                ),
            });
        }
        if entry.expected_hash() != entry.hash {
            breaks.push(Break {
                id: entry.id,
                problem: format!(
                    "history entry {} ({} {} {}) was altered: its content no longer matches its hash",
                    entry.id, entry.action, entry.entity, entry.handle
                ),
            });
        }
        expected_prev = entry.hash;
    }
    Ok((count, breaks))
}
