//! Records as named text fields: the one path by which `add`, `edit`, the
//! importer and the seed all create and change records, so that every value
//! is checked by the same code whichever way it came in.

use super::sql::{Connection, Row, params_from_iter};
use anyhow::Context;
use anyhow::Result;
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use serde_json::{Map, Value};

use super::history::{self, Actor, Change};
use super::kind::{Kind, handle};
use crate::error::UserError;

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
/// Its row mapping lives here and in its impl, nowhere else.
pub trait Record: Sized {
    const KIND: Kind;
    /// The fields, in report order: the columns of its listing and the
    /// names the importer reads.
    const FIELDS: &'static [&'static str];
    /// The fields a table on the terminal shows; files get every field.
    const SHOWN: &'static [&'static str];

    /// Checks every value and resolves references to other records.
    fn from_fields(conn: &Connection, fields: &Fields) -> Result<Self>;
    /// The record as fields, references written as handles people type.
    fn to_fields(&self, conn: &Connection) -> Result<Fields>;
    fn uuid(&self) -> &str;
    /// The claim this record bears on, for the claim's history.
    fn claim_uuid(&self, conn: &Connection) -> Result<Option<String>>;
    /// The table columns the record writes, besides uuid and the bookkeeping
    /// columns, in the order of `values` and of `from_row` (after the uuid).
    const COLUMNS: &'static [&'static str];
    fn values(&self) -> Vec<ToSqlOutput<'_>>;
    /// Reads a row of `SELECT uuid, COLUMNS...`.
    fn from_row(row: &Row<'_>) -> super::sql::Result<Self>;
    /// What a UNIQUE violation is about, for the error: ("claim slug", "x").
    fn unique_key(&self) -> (&'static str, String);
    /// A live record that says the same thing, for kinds where a second copy
    /// would be counted twice (statements, evidence).
    fn duplicate_of(&self, _conn: &Connection) -> Result<Option<i64>> {
        Ok(None)
    }
    /// Refuses a change to record `id` that would break what other records
    /// rely on (a rated evidence item moved to another claim). Only changes
    /// are checked: nothing can rely on a record being created.
    fn check_change(&self, _conn: &Connection, _id: i64) -> Result<()> {
        Ok(())
    }

    /// Reads row `id`.
    fn load(conn: &Connection, id: i64) -> Result<Self> {
        let sql = statement_text(Self::KIND.table(), "load", || {
            format!(
                "SELECT uuid, {} FROM {} WHERE id = ?1",
                Self::COLUMNS.join(", "),
                Self::KIND.table()
            )
        });
        conn.prepare_cached(sql)?
            .query_row([id], Self::from_row)
            .with_context(|| format!("cannot read {} {}", Self::KIND.table(), handle(Self::KIND, id)))
    }

    /// Reads every row that `condition` (SQL over the table, named `t`,
    /// with its values bound from `params`) selects, in id order.
    fn scan(conn: &Connection, condition: &str, params: &[&dyn rusqlite::ToSql], each: impl FnMut(i64, Self) -> Result<()>) -> Result<()> {
        Self::scan_in_order(conn, condition, params, "id", None, each)
    }

    /// `scan` in another order (`order` is SQL over the table's columns,
    /// made from the record's declaration, never from what a user typed),
    /// and at most `limit` rows.
    fn scan_in_order(
        conn: &Connection,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
        order: &str,
        limit: Option<u64>,
        mut each: impl FnMut(i64, Self) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT uuid, {}, id FROM {} t WHERE {condition} ORDER BY {order}, id LIMIT ?{}",
            Self::COLUMNS.join(", "),
            Self::KIND.table(),
            params.len() + 1
        );
        let limit: i64 = limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut all: Vec<&dyn rusqlite::ToSql> = params.to_vec();
        all.push(&limit);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(&all[..])?;
        let id_column = Self::COLUMNS.len() + 1;
        while let Some(row) = rows.next()? {
            each(row.get(id_column)?, Self::from_row(&row)?)?;
        }
        Ok(())
    }

    /// Writes a new row; returns its id.
    fn insert(&self, conn: &Connection, import_id: Option<i64>, now: &str) -> Result<i64> {
        let sql = statement_text(Self::KIND.table(), "insert", || {
            let placeholders: Vec<String> = (1..=Self::COLUMNS.len() + 4).map(|i| format!("?{i}")).collect();
            format!(
                "INSERT INTO {} (uuid, {}, import_id, created_at, updated_at) VALUES ({}) RETURNING id",
                Self::KIND.table(),
                Self::COLUMNS.join(", "),
                placeholders.join(", ")
            )
        });
        self.check_key_elsewhere(conn)?;
        let values = self.values();
        let uuid = ToSqlOutput::Borrowed(ValueRef::Text(self.uuid().as_bytes()));
        let import = ToSqlOutput::Owned(import_id.map_or(SqlValue::Null, SqlValue::Integer));
        let now = ToSqlOutput::Borrowed(ValueRef::Text(now.as_bytes()));
        let row = std::iter::once(&uuid).chain(&values).chain([&import, &now, &now]);
        let id: i64 = conn
            .statement(|| conn.prepare_cached(sql)?.query_row(params_from_iter(row), |r| r.get(0)))
            .map_err(|e| self.unique_violation(e))?;
        // The search index is kept in step here, where every write passes;
        // an import indexes its rows in one statement when they are all in
        // (search::index_import), which costs half as much as a row at a time.
        if import_id.is_none() || conn.is_postgres() {
            super::search::index::<Self>(conn, &values, id)?;
        }
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
        // The index keeps no copy of the text: taking the old entry out
        // needs the values it was made from (search::reindex).
        let old = Self::load(conn, id)?;
        if old.unique_key().1 != self.unique_key().1 {
            self.check_key_elsewhere(conn)?;
        }
        let values = self.values();
        let key = ToSqlOutput::Owned(SqlValue::Integer(id));
        let now = ToSqlOutput::Borrowed(ValueRef::Text(now.as_bytes()));
        let row = std::iter::once(&key).chain(&values).chain([&now]);
        conn.statement(|| conn.prepare_cached(sql)?.execute(params_from_iter(row)))
            .map_err(|e| self.unique_violation(e))?;
        super::search::reindex::<Self>(conn, &old.values(), &values, id)
    }

    /// Refuses a slug or party code that a record of another kind holds:
    /// `history dup-x` or `search` could not tell which one was meant. (A
    /// record of the same kind holding it is the UNIQUE constraint's job.)
    fn check_key_elsewhere(&self, conn: &Connection) -> Result<()> {
        if Self::KIND.key_column().is_none() {
            return Ok(());
        }
        let (what, key) = self.unique_key();
        if key.is_empty() {
            return Ok(());
        }
        if let Some(&(kind, id)) = super::handle::key_holders(conn, &key, Some(Self::KIND))?.first() {
            return Err(UserError::Conflict(format!(
                "{what} {key:?} is already the {} of {} {}: slugs and party codes name one record across claims, sources, places and parties; choose another",
                kind.key_column().unwrap_or("key"),
                kind.table(),
                handle(kind, id)
            ))
            .into());
        }
        Ok(())
    }

    /// Turns a UNIQUE constraint failure into an error that names the value.
    fn unique_violation(&self, err: super::sql::Error) -> anyhow::Error {
        if let Some(column) = err.unique_column() {
            if column == "uuid" {
                return UserError::DuplicateUuid {
                    table: Self::KIND.table(),
                    uuid: self.uuid().to_string(),
                }
                .into();
            }
            return self.taken().into();
        }
        err.into()
    }

    /// The error for a value another record already holds (a UNIQUE
    /// constraint other than the UUID's).
    fn taken(&self) -> UserError {
        let (what, value) = self.unique_key();
        UserError::Conflict(format!("{what} {value:?} is already taken in this case; choose another"))
    }
}

/// Inserts the new records of an import, of one kind, with one statement
/// prepared for the whole import. `Record::insert` looks its statement up
/// in the cache, binds every value and clears them again, row after row;
/// here the import and its time are bound once. Of an import of 20,000
/// sources that was 392 million instructions of 1,190 million, and is 253.
pub struct Inserter<'c, R: Record> {
    conn: &'c Connection,
    statement: super::sql::Statement<'c>,
    /// On PostgreSQL, the values bound on every row: the import and its time.
    import_id: i64,
    now: String,
    /// On PostgreSQL, rows that are new for certain, waiting to be sent in
    /// one COPY (`buffer`): their lines, and their search entries.
    rows: String,
    documents: Vec<String>,
    waiting: usize,
    kind: std::marker::PhantomData<R>,
}

/// A value in PostgreSQL's COPY text format: `\N` for NULL; backslash,
/// tab, newline and carriage return escaped.
fn copy_field(out: &mut String, value: &ToSqlOutput<'_>) {
    let value = match value {
        ToSqlOutput::Borrowed(v) => *v,
        ToSqlOutput::Owned(v) => ValueRef::from(v),
        _ => ValueRef::Null,
    };
    match value {
        ValueRef::Null => out.push_str("\\N"),
        ValueRef::Integer(i) => out.push_str(&i.to_string()),
        ValueRef::Real(f) => out.push_str(&f.to_string()),
        ValueRef::Text(t) => {
            for c in String::from_utf8_lossy(t).chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        ValueRef::Blob(b) => {
            out.push_str("\\\\x");
            out.push_str(&hex::encode(b));
        }
    }
}

/// Rows sent to PostgreSQL in one COPY: 10,000 sources are about 2 MB.
const COPY_BATCH: usize = 10_000;

impl<'c, R: Record> Inserter<'c, R> {
    pub fn new(conn: &'c Connection, import_id: i64, now: &str) -> Result<Self> {
        let columns = R::COLUMNS.len();
        let own: Vec<String> = (3..3 + 1 + columns).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} (uuid, {}, import_id, created_at, updated_at) VALUES ({}, ?1, ?2, ?2)",
            R::KIND.table(),
            R::COLUMNS.join(", "),
            own.join(", ")
        );
        let sql = if conn.is_postgres() { postgres_insert::<R>(conn)? } else { sql };
        let mut statement = conn.prepare(&sql)?;
        if let Some(statement) = statement.sqlite() {
            statement.raw_bind_parameter(1, import_id)?;
            statement.raw_bind_parameter(2, now)?;
        }
        Ok(Inserter {
            conn,
            statement,
            import_id,
            now: now.to_string(),
            rows: String::new(),
            documents: Vec::new(),
            waiting: 0,
            kind: std::marker::PhantomData,
        })
    }

    /// On PostgreSQL, keeps a record that is new for certain (its UUID made
    /// here, no slug or code, nothing in it that the import's other rows
    /// could be) to be written with others in one COPY, at `flush`: a row
    /// a statement costs a round trip to the server each. Returns false,
    /// having kept nothing, where the record must take `insert`'s way.
    pub fn buffer(&mut self, record: &R) -> Result<bool> {
        if !self.conn.is_postgres() {
            return Ok(false);
        }
        let values = record.values();
        // A value PostgreSQL refuses takes the way that names its line.
        let nul = |v: &ToSqlOutput<'_>| match v {
            ToSqlOutput::Borrowed(ValueRef::Text(t)) => t.contains(&0),
            ToSqlOutput::Owned(SqlValue::Text(t)) => t.contains('\0'),
            _ => false,
        };
        if values.iter().any(nul) {
            return Ok(false);
        }
        let line = &mut self.rows;
        copy_field(line, &ToSqlOutput::Borrowed(ValueRef::Text(record.uuid().as_bytes())));
        for value in &values {
            line.push('\t');
            copy_field(line, value);
        }
        line.push_str(&format!("\t{}\t{now}\t{now}\n", self.import_id, now = self.now));
        if let Some(document) = super::search::document::<R>(&values) {
            let mut field = String::new();
            copy_field(&mut field, &ToSqlOutput::Borrowed(ValueRef::Text(document.as_bytes())));
            self.documents.push(field);
        }
        self.waiting += 1;
        if self.waiting == COPY_BATCH {
            self.flush()?;
        }
        Ok(true)
    }

    /// Writes the records `buffer` kept, with their search entries, in the
    /// order they came.
    pub fn flush(&mut self) -> Result<()> {
        let Some(server) = self.conn.server().filter(|_| self.waiting > 0) else {
            return Ok(());
        };
        let table = R::KIND.table();
        let columns = format!("uuid, {}, import_id, created_at, updated_at", R::COLUMNS.join(", "));
        let mut client = server.client();
        let mut rows = client.copy_in(&format!("COPY {table} ({columns}) FROM STDIN"))?;
        std::io::Write::write_all(&mut rows, self.rows.as_bytes())?;
        rows.finish()?;
        if let Some(code) = R::KIND.search_code() {
            // COPY took the rows' ids from the table's sequence in their
            // order, one after another: no other writer runs meanwhile.
            // That is checked before the ids are used.
            let n = i64::try_from(self.waiting)?;
            let last: i64 = client
                .query_one(&format!("SELECT currval(pg_get_serial_sequence('{table}', 'id'))"), &[])?
                .get(0);
            let ours: i64 = client
                .query_one(
                    &format!("SELECT count(*) FROM {table} WHERE id > $1 AND id <= $2 AND import_id = $3"),
                    &[&(last - n), &last, &self.import_id],
                )?
                .get(0);
            if ours != n {
                anyhow::bail!(
                    "the rows just written to {table} did not get ids one after another; nothing was imported, import the file again"
                );
            }
            let mut text = String::with_capacity(self.documents.iter().map(|d| d.len() + 24).sum());
            for (k, document) in self.documents.iter().enumerate() {
                let id = last - n + 1 + k as i64;
                text.push_str(&format!("{}\t{document}\n", id * super::kind::STRIDE + code));
            }
            let mut documents = client.copy_in("COPY search_index (rowid, doc) FROM STDIN")?;
            std::io::Write::write_all(&mut documents, text.as_bytes())?;
            documents.finish()?;
        }
        self.rows.clear();
        self.documents.clear();
        self.waiting = 0;
        Ok(())
    }

    /// Writes a checked record, as `Record::insert` does for an import.
    /// Returns false, having written nothing, when a constraint refuses it
    /// (its UUID or slug taken): `Record::insert` then says why.
    ///
    /// On PostgreSQL, where a refused row would end the transaction, the
    /// row is written only where no constraint refuses it (`ON CONFLICT DO
    /// NOTHING`), with its search entry, in one statement.
    pub fn insert(&mut self, record: &R) -> Result<bool> {
        let Some(statement) = self.statement.sqlite() else {
            let values = record.values();
            let import = ToSqlOutput::Owned(SqlValue::Integer(self.import_id));
            let now = ToSqlOutput::Borrowed(ValueRef::Text(self.now.as_bytes()));
            let uuid = ToSqlOutput::Borrowed(ValueRef::Text(record.uuid().as_bytes()));
            let document = super::search::document::<R>(&values).map(|d| ToSqlOutput::Owned(SqlValue::Text(d)));
            let row = [&import, &now, &uuid].into_iter().chain(&values).chain(document.as_ref());
            return Ok(self.statement.query(params_from_iter(row))?.next()?.is_some());
        };
        statement.raw_bind_parameter(3, record.uuid())?;
        for (i, value) in record.values().iter().enumerate() {
            statement.raw_bind_parameter(4 + i, value)?;
        }
        match statement.raw_execute() {
            Ok(_) => Ok(true),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// The import's INSERT for PostgreSQL, with the same parameters: a row
/// that a constraint would refuse is left out rather than ending the
/// transaction, and a row written gets its search entry in the same
/// statement. A row whose UUID is in the case is not tried at all, so that
/// it takes no number from the table's sequence: ids, and so handles, come
/// out as on SQLite.
fn postgres_insert<R: Record>(conn: &Connection) -> Result<String> {
    let table = R::KIND.table();
    let types: std::collections::HashMap<String, String> = conn
        .prepare("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?1")?
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let cast = |column: &str, n: usize| format!("CAST(?{n} AS {})", types.get(column).map_or("text", String::as_str));
    let mut values = vec![cast("uuid", 3)];
    values.extend(R::COLUMNS.iter().enumerate().map(|(i, c)| cast(c, i + 4)));
    values.extend([cast("import_id", 1), cast("created_at", 2), cast("updated_at", 2)]);
    let insert = format!(
        "INSERT INTO {table} (uuid, {}, import_id, created_at, updated_at) SELECT {}
         WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE uuid = ?3) ON CONFLICT DO NOTHING RETURNING id",
        R::COLUMNS.join(", "),
        values.join(", ")
    );
    let Some(code) = R::KIND.search_code() else {
        return Ok(insert);
    };
    let document = R::COLUMNS.len() + 4;
    Ok(format!(
        "WITH written AS ({insert})
         INSERT INTO search_index (rowid, doc)
         SELECT id * {} + {code}, CAST(CAST(?{document} AS text) AS tsvector)
         FROM written RETURNING rowid",
        super::kind::STRIDE
    ))
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

/// A new record's UUID: version 7 (RFC 9562), whose first 48 bits are the
/// time in milliseconds, so that new rows land at the end of the UUID index
/// instead of at random places in it (an import of a million sources: 6.0 s
/// against 8.7 s for random UUIDs, measured with the sqlite3 shell). The
/// random bits come from the system's generator, read 4 KiB at a time:
/// one system call a UUID was a twentieth of an import's time.
pub fn new_uuid() -> String {
    use std::cell::RefCell;
    const RANDOM: usize = 10;
    thread_local! {
        static POOL: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), 0)) };
    }
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    POOL.with(|pool| {
        let (bytes, used) = &mut *pool.borrow_mut();
        if *used + RANDOM > bytes.len() {
            bytes.resize(4096, 0);
            if getrandom::fill(bytes).is_err() {
                // No system generator: the uuid crate's own way.
                return uuid::Uuid::now_v7().to_string();
            }
            *used = 0;
        }
        let random: [u8; RANDOM] = bytes[*used..*used + RANDOM].try_into().expect("ten bytes");
        *used += RANDOM;
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().to_string()
    })
}

/// Reads a UUID field, or makes a new one when it is empty.
pub fn uuid_field(fields: &Fields) -> Result<String, UserError> {
    let given = fields.get("uuid").trim();
    if given.is_empty() {
        return Ok(new_uuid());
    }
    uuid::Uuid::parse_str(given).map(|u| u.hyphenated().to_string()).map_err(|_| {
        UserError::invalid(
            "uuid",
            given,
            "allowed: a UUID such as 0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10, or empty for a new one",
        )
    })
}

/// What a change to a record is, in the history: its action word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Edit,
    Mark,
    Retract,
    Restore,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Mark => "mark",
            Action::Retract => "retract",
            Action::Restore => "restore",
        }
    }
}

/// Creates a record and writes its history entry. Returns its id. Unless
/// `allow_duplicate`, a record that says what a live one already says is
/// refused with that record's handle.
pub fn create<R: Record>(conn: &Connection, actor: &Actor, fields: &Fields, allow_duplicate: bool) -> Result<i64> {
    let record = R::from_fields(conn, fields)?;
    if !allow_duplicate && let Some(existing) = record.duplicate_of(conn)? {
        return Err(duplicate::<R>(existing).into());
    }
    insert_new(conn, actor, &record, None)
}

/// The error for a second copy of a live record.
pub fn duplicate<R: Record>(existing: i64) -> UserError {
    UserError::Conflict(format!(
        "{} {} already says this; nothing was added (give --allow-duplicate to add it all the same)",
        R::KIND.table(),
        handle(R::KIND, existing)
    ))
}

/// Inserts a checked record and writes its creation to the history.
pub fn insert_new<R: Record>(conn: &Connection, actor: &Actor, record: &R, import_id: Option<i64>) -> Result<i64> {
    let id = record.insert(conn, import_id, &actor.at)?;
    if import_id.is_some() {
        // An import writes one entry for the whole file (import.rs).
        return Ok(id);
    }
    let after = record.to_fields(conn)?;
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
            handle: &handle(R::KIND, id),
            claim_uuid: record.claim_uuid(conn)?.as_deref(),
            before: None,
            after: Some(after.to_json()),
            reason: "",
        },
    )?;
    Ok(id)
}

/// Changes the given fields of a record and writes what changed, before and
/// after, to its history. Returns false when nothing changed.
pub fn edit<R: Record>(conn: &Connection, actor: &Actor, id: i64, changes: &Fields, action: Action, reason: &str) -> Result<bool> {
    let current = R::load(conn, id)?;
    let before = current.to_fields(conn)?;
    if changes.has("uuid") && !changes.get("uuid").trim().eq_ignore_ascii_case(current.uuid()) {
        return Err(UserError::Usage(format!(
            "the UUID of {} cannot change: it is how other case files know this record",
            handle(R::KIND, id)
        ))
        .into());
    }
    let mut merged = changes.over(&before);
    merged.set("uuid", current.uuid());
    // A reference given by handle wins over the UUID it replaces.
    for (name, _) in &changes.0 {
        let uuid_field = format!("{name}_uuid");
        if !changes.has(&uuid_field) && before.has(&uuid_field) {
            let field = R::FIELDS.iter().find(|f| **f == uuid_field).copied().unwrap_or("");
            merged.set(field, "");
        }
    }
    let record = R::from_fields(conn, &merged)?;
    let after = record.to_fields(conn)?;
    if after == before {
        return Ok(false);
    }
    record.check_change(conn, id)?;
    record.update(conn, id, &actor.at)?;
    let (mut old, mut new) = (Map::new(), Map::new());
    for ((name, was), (_, is)) in before.0.iter().zip(&after.0) {
        if was != is {
            old.insert(name.to_string(), Value::String(was.clone()));
            new.insert(name.to_string(), Value::String(is.clone()));
        }
    }
    history::append(
        conn,
        actor,
        Change {
            action: action.as_str(),
            entity: R::KIND.table(),
            entity_uuid: record.uuid(),
            handle: &handle(R::KIND, id),
            claim_uuid: record.claim_uuid(conn)?.as_deref(),
            before: Some(Value::Object(old)),
            after: Some(Value::Object(new)),
            reason,
        },
    )?;
    Ok(true)
}
