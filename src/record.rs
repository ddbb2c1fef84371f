//! Records as named text fields: the one path by which `add`, `edit`, the
//! importer and the seed all create and change records, so that every value
//! is checked by the same code whichever way it came in.

use anyhow::Result;
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value};

use crate::error::UserError;
use crate::handle::{self, Kind};
use crate::history::{self, Actor, Change};

/// Field values by name, in the order of the record's fields. Names are the
/// column headers that reports write and the importer reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Vec<(&'static str, String)>);

impl Fields {
    pub fn new() -> Fields {
        Fields(Vec::new())
    }

    /// The value of a field, or "" when it was not given.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| *n == name)
    }

    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// Sets a field only when a value was given.
    pub fn set_opt(&mut self, name: &'static str, value: Option<impl Into<String>>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    /// A field that must not be empty.
    pub fn required(&self, name: &str, hint: &str) -> Result<&str, UserError> {
        let v = self.get(name);
        if v.trim().is_empty() {
            Err(UserError::missing(name, hint))
        } else {
            Ok(v)
        }
    }

    /// Every field given here overrides the one in `base`.
    pub fn over(&self, base: &Fields) -> Fields {
        let mut merged = base.clone();
        for (name, value) in &self.0 {
            merged.set(name, value.clone());
        }
        merged
    }

    pub fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                .collect::<Map<_, _>>(),
        )
    }
}

/// A kind of record that can be made from fields and written back as fields.
pub trait Record: Sized {
    const KIND: Kind;
    /// The fields, in report order.
    const FIELDS: &'static [&'static str];

    /// Checks every value and resolves references to other records.
    fn from_fields(conn: &Connection, fields: &Fields) -> Result<Self>;
    /// The record as fields, references written as handles people type.
    fn to_fields(&self, conn: &Connection) -> Result<Fields>;
    fn uuid(&self) -> &str;
    /// The claim this record bears on, for the claim's history.
    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>>;
    fn load(conn: &Connection, id: i64) -> Result<Self>;
    /// The table columns the record writes, besides uuid and the bookkeeping
    /// columns, in the order of `values`.
    const COLUMNS: &'static [&'static str];
    fn values(&self) -> Vec<ToSqlOutput<'_>>;
    /// What a UNIQUE violation is about, for the error: ("claim slug", "x").
    fn unique_key(&self) -> (&'static str, String);

    /// Writes a new row; returns its id.
    fn insert(&self, conn: &Connection, import_id: Option<i64>, now: &str) -> Result<i64> {
        let sql = statement_text(Self::KIND.table(), "insert", || {
            let placeholders: Vec<String> = (1..=Self::COLUMNS.len() + 4).map(|i| format!("?{i}")).collect();
            format!(
                "INSERT INTO {} (uuid, {}, import_id, created_at, updated_at) VALUES ({})",
                Self::KIND.table(),
                Self::COLUMNS.join(", "),
                placeholders.join(", ")
            )
        });
        let values = self.values();
        let uuid = ToSqlOutput::Borrowed(ValueRef::Text(self.uuid().as_bytes()));
        let import = ToSqlOutput::Owned(import_id.map_or(SqlValue::Null, SqlValue::Integer));
        let now = ToSqlOutput::Borrowed(ValueRef::Text(now.as_bytes()));
        let row = std::iter::once(&uuid).chain(&values).chain([&import, &now, &now]);
        conn.prepare_cached(sql)?
            .execute(params_from_iter(row))
            .map_err(|e| self.unique_violation(e))?;
        let id = conn.last_insert_rowid();
        // The search index is kept in step here, where every write passes.
        crate::search::index::<Self>(conn, &values, id)?;
        Ok(id)
    }

    /// Rewrites row `id` with this record's values.
    fn update(&self, conn: &Connection, id: i64, now: &str) -> Result<()> {
        let sql = statement_text(Self::KIND.table(), "update", || {
            let sets: Vec<String> = Self::COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
            format!(
                "UPDATE {} SET {}, updated_at = ?{} WHERE id = ?1",
                Self::KIND.table(),
                sets.join(", "),
                Self::COLUMNS.len() + 2
            )
        });
        let values = self.values();
        let key = ToSqlOutput::Owned(SqlValue::Integer(id));
        let now = ToSqlOutput::Borrowed(ValueRef::Text(now.as_bytes()));
        let row = std::iter::once(&key).chain(&values).chain([&now]);
        conn.prepare_cached(sql)?
            .execute(params_from_iter(row))
            .map_err(|e| self.unique_violation(e))?;
        crate::search::reindex::<Self>(conn, &values, id)
    }

    /// Turns a UNIQUE constraint failure into an error that names the value.
    fn unique_violation(&self, err: rusqlite::Error) -> anyhow::Error {
        if let rusqlite::Error::SqliteFailure(e, message) = &err
            && e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        {
            // SQLite names the column: "UNIQUE constraint failed: claim.uuid".
            if message.as_deref().is_some_and(|m| m.ends_with(".uuid")) {
                return UserError::DuplicateUuid {
                    table: Self::KIND.table(),
                    uuid: self.uuid().to_string(),
                }
                .into();
            }
            let (what, value) = self.unique_key();
            return UserError::Conflict(format!("{what} {value:?} is already taken in this case; choose another")).into();
        }
        err.into()
    }
}

/// The text of an SQL statement built from table and column names (never
/// from values), made once per table and purpose: an import runs the same
/// statement for every row, and building it each time cost more than a
/// tenth of the importer's own work.
pub fn statement_text(table: &'static str, purpose: &'static str, build: impl FnOnce() -> String) -> &'static str {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static TEXTS: RefCell<HashMap<(&'static str, &'static str), &'static str>> = RefCell::new(HashMap::new());
    }
    TEXTS.with(|texts| {
        *texts
            .borrow_mut()
            .entry((table, purpose))
            .or_insert_with(|| Box::leak(build().into_boxed_str()))
    })
}

/// Reads a UUID field, or makes a new one when it is empty.
pub fn uuid_field(fields: &Fields) -> Result<String, UserError> {
    let given = fields.get("uuid").trim();
    if given.is_empty() {
        return Ok(uuid::Uuid::new_v4().to_string());
    }
    uuid::Uuid::parse_str(given).map(|u| u.hyphenated().to_string()).map_err(|_| {
        UserError::invalid(
            "uuid",
            given,
            "allowed: a UUID such as 0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10, or empty for a new one",
        )
    })
}

/// Creates a record and writes its history entry. Returns its id.
pub fn create<R: Record>(conn: &Connection, actor: &Actor, fields: &Fields) -> Result<i64> {
    let record = R::from_fields(conn, fields)?;
    let id = record.insert(conn, None, &actor.at)?;
    let handle = handle::format(R::KIND, id);
    let after = record.to_fields(conn)?;
    let claim = record.claim_uuid(conn)?;
    let action = match R::KIND {
        Kind::Statement | Kind::Evidence => "link",
        _ => "create",
    };
    history::append(
        conn,
        actor,
        Change {
            action,
            entity: R::KIND.table(),
            entity_uuid: record.uuid(),
            handle: &handle,
            claim_uuid: claim.as_deref(),
            before: None,
            after: Some(after.to_json()),
            reason: "",
        },
    )?;
    Ok(id)
}

/// Changes the given fields of a record and writes what changed, before and
/// after, to its history. Returns false when nothing changed.
pub fn edit<R: Record>(conn: &Connection, actor: &Actor, id: i64, changes: &Fields, reason: &str) -> Result<bool> {
    let current = R::load(conn, id)?;
    let before = current.to_fields(conn)?;
    if changes.has("uuid") && !changes.get("uuid").eq_ignore_ascii_case(current.uuid()) {
        return Err(UserError::Usage(format!(
            "the UUID of {} cannot change: it is how other case files know this record",
            handle::format(R::KIND, id)
        ))
        .into());
    }
    let mut merged = changes.over(&before);
    merged.set("uuid", current.uuid());
    let record = R::from_fields(conn, &merged)?;
    let after = record.to_fields(conn)?;
    if after == before {
        return Ok(false);
    }
    record.update(conn, id, &actor.at)?;
    let (mut old, mut new) = (Map::new(), Map::new());
    for ((name, was), (_, is)) in before.0.iter().zip(&after.0) {
        if was != is {
            old.insert(name.to_string(), Value::String(was.clone()));
            new.insert(name.to_string(), Value::String(is.clone()));
        }
    }
    let handle = handle::format(R::KIND, id);
    let claim = record.claim_uuid(conn)?;
    history::append(
        conn,
        actor,
        Change {
            action: "edit",
            entity: R::KIND.table(),
            entity_uuid: record.uuid(),
            handle: &handle,
            claim_uuid: claim.as_deref(),
            before: Some(Value::Object(old)),
            after: Some(Value::Object(new)),
            reason,
        },
    )?;
    Ok(true)
}
