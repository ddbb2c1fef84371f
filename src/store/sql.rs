//! One connection over both engines. The data layer writes its SQL once, in
//! SQLite's dialect with numbered parameters (`?1`), and runs it through
//! these types: on SQLite they pass straight to rusqlite; on PostgreSQL the
//! statement is translated once (`dialect::postgres`), prepared and cached,
//! and values cross in SQLite's five storage classes, so that a column reads
//! the same on both. What only one engine has (FTS5, PRAGMAs, blob I/O, the
//! online backup) is reached through `Connection::sqlite` and `postgres`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

pub use rusqlite::params;
pub use rusqlite::types::{FromSql, ToSql, ToSqlOutput, Value, ValueRef};

use super::dialect;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from either engine, or from reading a value.
#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// `query_row` found no row.
    NoRows,
    /// A value that does not convert to the type the code reads.
    Value(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Sqlite(e) => e.fmt(f),
            Error::Postgres(e) => f.write_str(&server_message(e)),
            Error::NoRows => f.write_str("query returned no rows"),
            Error::Value(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sqlite(e) => Some(e),
            // Its message says all of it (`server_message`).
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            e => Error::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        Error::Postgres(e)
    }
}

impl Error {
    /// The column of a UNIQUE constraint the statement broke ("uuid",
    /// "slug"), or None when it broke something else.
    pub fn unique_column(&self) -> Option<String> {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, message)) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
                // "UNIQUE constraint failed: claim.uuid"
                let named = message.as_deref().unwrap_or("");
                Some(named.rsplit('.').next().unwrap_or("").to_string())
            }
            Error::Postgres(e) if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) => {
                // "Key (uuid)=(...) already exists." or "Key (slug COLLATE nocase)=..."
                let detail = e.as_db_error().and_then(|d| d.detail()).unwrap_or("");
                let column = detail.strip_prefix("Key (").and_then(|rest| rest.split([')', ' ']).next());
                Some(column.unwrap_or("").to_string())
            }
            _ => None,
        }
    }

    /// The statement named a table that does not exist.
    pub fn is_undefined_table(&self) -> bool {
        matches!(self, Error::Postgres(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE))
    }

    /// Another writer held the case longer than the wait allows.
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            Error::Postgres(e) => e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE),
            _ => false,
        }
    }

    /// SQLite's primary result code, where SQLite failed.
    pub fn sqlite_error_code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            Error::Sqlite(e) => e.sqlite_error_code(),
            _ => None,
        }
    }

    /// A CHECK constraint refused the row.
    pub fn is_check_violation(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_CHECK,
            Error::Postgres(e) => e.code() == Some(&postgres::error::SqlState::CHECK_VIOLATION),
            _ => false,
        }
    }
}

/// One line for an error from the server: its message, and its detail when
/// it gives one. Never the connection string.
pub fn server_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        };
    }
    if e.is_closed() {
        return "the connection to the PostgreSQL server was lost".to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    // A value PostgreSQL cannot take: what is wrong with it is the message.
    if text.starts_with("error serializing parameter")
        && let Some(inner) = source
    {
        return inner.to_string();
    }
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

pub trait OptionalExtension<T> {
    /// `Ok(None)` where the query found no row.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Values bound to a statement's parameters, in order.
pub trait Params {
    fn refs(&self) -> Vec<&dyn ToSql>;
}

impl Params for () {
    fn refs(&self) -> Vec<&dyn ToSql> {
        Vec::new()
    }
}

impl Params for &[&dyn ToSql] {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.to_vec()
    }
}

impl<T: ToSql, const N: usize> Params for [T; N] {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.iter().map(|v| v as &dyn ToSql).collect()
    }
}

impl<T: ToSql, const N: usize> Params for &[T; N] {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.iter().map(|v| v as &dyn ToSql).collect()
    }
}

/// Parameters from an iterator, in order.
pub struct FromIter<T>(Vec<T>);

pub fn params_from_iter<T: ToSql>(values: impl IntoIterator<Item = T>) -> FromIter<T> {
    FromIter(values.into_iter().collect())
}

impl<T: ToSql> Params for FromIter<T> {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.0.iter().map(|v| v as &dyn ToSql).collect()
    }
}

/// A column of a row, by position or by name.
pub trait RowIndex: Copy {
    fn sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> rusqlite::Result<T>;
    fn position(self, row: &postgres::Row) -> Result<usize>;
}

impl RowIndex for usize {
    fn sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> rusqlite::Result<T> {
        row.get(self)
    }
    fn position(self, row: &postgres::Row) -> Result<usize> {
        if self < row.len() {
            Ok(self)
        } else {
            Err(Error::Value(format!("no column {self} in a row of {}", row.len())))
        }
    }
}

impl RowIndex for &str {
    fn sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> rusqlite::Result<T> {
        row.get(self)
    }
    fn position(self, row: &postgres::Row) -> Result<usize> {
        row.columns()
            .iter()
            .position(|c| c.name() == self)
            .ok_or_else(|| Error::Value(format!("no column {self:?} in the row")))
    }
}

/// A row being read.
#[derive(Clone, Copy)]
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    pub fn get<I: RowIndex, T: FromSql>(&self, index: I) -> Result<T> {
        match self {
            Row::Sqlite(row) => Ok(index.sqlite(row)?),
            Row::Postgres(row) => {
                let value = self.value(index)?;
                let i = index.position(row)?;
                T::column_result(ValueRef::from(&value))
                    .map_err(|e| Error::Value(format!("column {} ({}): {e}", row.columns()[i].name(), row.columns()[i].type_())))
            }
        }
    }

    /// The value of a column as it is stored.
    pub fn value<I: RowIndex>(&self, index: I) -> Result<Value> {
        match self {
            Row::Sqlite(row) => Ok(index.sqlite::<Value>(row)?),
            Row::Postgres(row) => {
                let i = index.position(row)?;
                Ok(row.try_get::<_, dialect::Stored>(i)?.0)
            }
        }
    }

    pub fn column_count(&self) -> usize {
        match self {
            Row::Sqlite(row) => row.as_ref().column_count(),
            Row::Postgres(row) => row.len(),
        }
    }
}

/// An open connection to a case.
pub struct Connection(Engine);

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Server>),
}

/// A PostgreSQL connection and its prepared statements.
pub struct Server {
    client: RefCell<postgres::Client>,
    prepared: RefCell<HashMap<String, postgres::Statement>>,
    /// A transaction is open (`begin` to its end).
    open: Cell<bool>,
}

impl Server {
    fn prepare(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.prepared.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let text = dialect::postgres(sql);
        let statement = self.client.borrow_mut().prepare(&text)?;
        self.prepared.borrow_mut().insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    fn query(&self, statement: &postgres::Statement, params: &[&dyn ToSql]) -> Result<Vec<postgres::Row>> {
        let values = dialect::bound(params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        Ok(self.client.borrow_mut().query(statement, &refs)?)
    }

    fn execute(&self, statement: &postgres::Statement, params: &[&dyn ToSql]) -> Result<usize> {
        let values = dialect::bound(params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        let n = self.client.borrow_mut().execute(statement, &refs)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// The client, for what only PostgreSQL has (COPY, large batches).
    pub fn client(&self) -> std::cell::RefMut<'_, postgres::Client> {
        self.client.borrow_mut()
    }
}

impl From<rusqlite::Connection> for Connection {
    fn from(conn: rusqlite::Connection) -> Connection {
        Connection(Engine::Sqlite(conn))
    }
}

impl Connection {
    pub fn postgres(client: postgres::Client) -> Connection {
        Connection(Engine::Postgres(Box::new(Server {
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
            open: Cell::new(false),
        })))
    }

    /// The SQLite connection, for what only SQLite has.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.0 {
            Engine::Sqlite(conn) => Some(conn),
            Engine::Postgres(_) => None,
        }
    }

    pub fn sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.0 {
            Engine::Sqlite(conn) => Some(conn),
            Engine::Postgres(_) => None,
        }
    }

    /// The PostgreSQL connection, for what only PostgreSQL has.
    pub fn server(&self) -> Option<&Server> {
        match &self.0 {
            Engine::Sqlite(_) => None,
            Engine::Postgres(server) => Some(server),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.server().is_some()
    }

    /// The SQL for this engine: `sqlite` where SQLite runs it, else `postgres`.
    pub fn pick<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        if self.is_postgres() { postgres } else { sqlite }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement(match &self.0 {
            Engine::Sqlite(conn) => Prepared::Cached(conn.prepare_cached(sql)?),
            Engine::Postgres(server) => Prepared::Postgres(server, server.prepare(sql)?),
        }))
    }

    /// Prepares a statement that runs once; on SQLite it stays out of the
    /// statement cache.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement(match &self.0 {
            Engine::Sqlite(conn) => Prepared::Plain(conn.prepare(sql)?),
            Engine::Postgres(server) => Prepared::Postgres(server, server.prepare(sql)?),
        }))
    }

    pub fn query_row<T, P: Params, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// Runs statements separated by semicolons, with no parameters and no
    /// translation: SQL that is written for one engine.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.0 {
            Engine::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Engine::Postgres(server) => Ok(server.client.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Starts a transaction: one that will `write` takes the case's write
    /// lock at once (SQLite's IMMEDIATE; on PostgreSQL a transaction-wide
    /// lock that every writer takes first, so that writers append to the
    /// history one after another); one that reads sees one moment of the
    /// case throughout.
    pub fn begin(&self, write: bool) -> Result<Transaction<'_>> {
        match &self.0 {
            Engine::Sqlite(conn) => conn.execute_batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN DEFERRED" })?,
            Engine::Postgres(server) => {
                let mut client = server.client.borrow_mut();
                if write {
                    // As long as SQLite's busy timeout, then the same refusal (db::busy).
                    let wait = super::db::lock_wait().as_millis();
                    client.batch_execute(&format!("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {wait}"))?;
                    if let Err(e) = client.execute("SELECT pg_advisory_xact_lock($1)", &[&dialect::WRITER_LOCK]) {
                        let _ = client.batch_execute("ROLLBACK");
                        return Err(e.into());
                    }
                } else {
                    client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
                }
                server.open.set(true);
            }
        }
        Ok(Transaction { conn: self, open: true })
    }

    /// A setting of SQLite's connection (`PRAGMA name = value`). PostgreSQL
    /// has none of these: its own defaults serve, and nothing is done.
    pub fn pragma_update<V: ToSql>(&self, schema: Option<&str>, name: &str, value: V) -> Result<()> {
        match &self.0 {
            Engine::Sqlite(conn) => Ok(conn.pragma_update(schema, name, value)?),
            Engine::Postgres(_) => Ok(()),
        }
    }

    /// Runs one statement's work so that, if it fails, the transaction
    /// goes on as if it had not run: SQLite undoes only the failed
    /// statement, where PostgreSQL would refuse every later one until the
    /// transaction ends. There, inside a transaction, it runs in a savepoint.
    pub fn statement<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let Some(server) = self.server().filter(|_| !self.is_autocommit()) else {
            return work();
        };
        server.client().batch_execute("SAVEPOINT cc_statement")?;
        let result = work();
        let end = if result.is_ok() {
            "RELEASE SAVEPOINT cc_statement"
        } else {
            "ROLLBACK TO SAVEPOINT cc_statement; RELEASE SAVEPOINT cc_statement"
        };
        server.client().batch_execute(end)?;
        result
    }

    /// True where this connection cannot write (a read-only case file).
    pub fn is_readonly(&self) -> Result<bool> {
        match &self.0 {
            Engine::Sqlite(conn) => Ok(conn.is_readonly(rusqlite::MAIN_DB)?),
            Engine::Postgres(_) => Ok(false),
        }
    }

    /// True outside any transaction.
    pub fn is_autocommit(&self) -> bool {
        match &self.0 {
            Engine::Sqlite(conn) => conn.is_autocommit(),
            Engine::Postgres(server) => !server.open.get(),
        }
    }

    fn end(&self, commit: bool) -> Result<()> {
        match &self.0 {
            Engine::Sqlite(conn) => conn.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?,
            Engine::Postgres(server) => {
                server.open.set(false);
                server
                    .client
                    .borrow_mut()
                    .batch_execute(if commit { "COMMIT" } else { "ROLLBACK" })?;
            }
        }
        Ok(())
    }
}

/// A transaction: it ends with `commit`, or rolls back when dropped.
pub struct Transaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.end(true)
    }

    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.end(false)
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.end(false);
        }
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

enum Prepared<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Plain(rusqlite::Statement<'c>),
    Postgres(&'c Server, postgres::Statement),
}

/// A prepared statement.
pub struct Statement<'c>(Prepared<'c>);

impl<'c> Statement<'c> {
    /// The SQLite statement, for binding values one at a time in a loop.
    pub fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match &mut self.0 {
            Prepared::Cached(s) => Some(s),
            Prepared::Plain(s) => Some(s),
            Prepared::Postgres(..) => None,
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let refs = params.refs();
        match &mut self.0 {
            Prepared::Cached(s) => Ok(s.execute(refs.as_slice())?),
            Prepared::Plain(s) => Ok(s.execute(refs.as_slice())?),
            Prepared::Postgres(server, s) => server.execute(s, &refs),
        }
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        let refs = params.refs();
        Ok(Rows(match &mut self.0 {
            Prepared::Cached(s) => Fetched::Sqlite(s.query(refs.as_slice())?),
            Prepared::Plain(s) => Fetched::Sqlite(s.query(refs.as_slice())?),
            Prepared::Postgres(server, s) => Fetched::Postgres(server.query(s, &refs)?.into_iter(), None),
        }))
    }

    pub fn query_row<T, P: Params, F>(&mut self, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(Error::NoRows),
        }
    }

    pub fn query_map<T, P: Params, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            f,
        })
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(self.query(params)?.next()?.is_some())
    }

    pub fn column_count(&self) -> usize {
        match &self.0 {
            Prepared::Cached(s) => s.column_count(),
            Prepared::Plain(s) => s.column_count(),
            Prepared::Postgres(_, s) => s.columns().len(),
        }
    }
}

enum Fetched<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Postgres(std::vec::IntoIter<postgres::Row>, Option<postgres::Row>),
}

/// The rows of a query, read one at a time. (PostgreSQL's arrive whole.)
pub struct Rows<'s>(Fetched<'s>);

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.0 {
            Fetched::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Fetched::Postgres(rows, current) => {
                *current = rows.next();
                Ok(current.as_ref().map(Row::Postgres))
            }
        }
    }
}

pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.f)(&row)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}
