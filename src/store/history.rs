//! The record of every change, as a hash chain: each entry's hash is the
//! SHA-256 of its own content and the previous entry's hash.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
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
}

impl Entry {
    pub const COLUMNS: &'static str =
        "id, uuid, at, analyst, action, entity, entity_uuid, handle, claim_uuid, before, after, reason, prev_hash, hash";

    pub fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
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
) -> String {
    // A JSON array is an unambiguous encoding: no field can spill into the next.
    let content = serde_json::json!([
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
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// The hash of the newest entry, which the next entry links to.
/// Only an empty history starts a new chain: any error reading the head
/// (a locked or damaged file) fails the write rather than fork the chain.
pub fn last_hash(conn: &Connection) -> Result<String> {
    let hash: Option<String> = conn
        .prepare_cached("SELECT hash FROM history ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
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
            [],
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
    let mut stmt = conn.prepare(&format!("SELECT {} FROM history ORDER BY id", Entry::COLUMNS))?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_string();
    let mut count = 0;
    let mut breaks = Vec::new();
    while let Some(row) = rows.next()? {
        let entry = Entry::from_row(row)?;
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
