//! Opening a case file: pragmas, then migrations tracked in `PRAGMA user_version`.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::UserError;

/// The schema, one SQL file per version, applied in order. Append-only: never
/// edit a migration that has shipped; add the next one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_schema.sql", include_str!("../../migrations/0001_schema.sql")),
    ("0002_states.sql", include_str!("../../migrations/0002_states.sql")),
    ("0003_search.sql", include_str!("../../migrations/0003_search.sql")),
    ("0004_corrections.sql", include_str!("../../migrations/0004_corrections.sql")),
    ("0007_merge.sql", include_str!("../../migrations/0007_merge.sql")),
];

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens an existing case file. It never creates one: a mistyped path must not
/// leave an empty database behind.
pub fn open(path: &Path) -> Result<Connection> {
    if !path.exists() {
        return Err(UserError::NoDatabase(path.display().to_string()).into());
    }
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = match read_only(path) {
        None => Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_WRITE),
        // A case file that cannot be written is opened for reading, so that
        // lists, show, verify and backup still work; `write` refuses clearly.
        // On a read-only file system nobody can change it, and no WAL index
        // can be made beside it: SQLite reads it as immutable.
        Some(ReadOnly::FileSystem) => Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_READ_ONLY),
        Some(ReadOnly::Permission) => Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_ONLY).and_then(|conn| {
            // Without write access to its directory either, no WAL index can
            // be made beside the file: read it as it is on disk.
            match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
                Ok(_) => Ok(conn),
                Err(_) => Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_READ_ONLY),
            }
        }),
    }
    .with_context(|| format!("cannot open case file {}", path.display()))?;
    prepare(conn, path)
}

/// Why a case file cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadOnly {
    FileSystem,
    Permission,
}

/// Tries to open the file for writing (changing nothing) to learn whether it can be written.
fn read_only(path: &Path) -> Option<ReadOnly> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => None,
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => Some(ReadOnly::FileSystem),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Some(ReadOnly::Permission),
        Err(_) => None,
    }
}

/// `file:/path?immutable=1`, with the characters a URI gives meaning to escaped.
pub(crate) fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for c in absolute.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            _ => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Creates the case file if needed and brings its schema up to date.
pub fn create(path: &Path) -> Result<(Connection, bool)> {
    let existed = path.exists();
    let conn = Connection::open(path).with_context(|| format!("cannot create case file {}", path.display()))?;
    Ok((prepare(conn, path)?, !existed))
}

/// An in-memory case, for `demo` and tests.
pub fn memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", true)?;
    add_functions(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn prepare(mut conn: Connection, path: &Path) -> Result<Connection> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // WAL lets readers go on while one process writes; NORMAL sync is safe in WAL.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .with_context(|| format!("cannot use case file {} (is it an SQLite database?)", path.display()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    add_functions(&conn)?;
    migrate(&mut conn).with_context(|| format!("cannot bring case file {} up to date", path.display()))?;
    Ok(conn)
}

/// SQL functions crosscheck's own queries use. They exist only in crosscheck's
/// connections; the schema never depends on them.
fn add_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    // cc_figure(low, high, unit): "300,000 servicemen", "50,000–100,000 servicemen", or "".
    conn.create_scalar_function(
        "cc_figure",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let figure = crate::model::Figure::from_columns(ctx.get::<Option<f64>>(0)?, ctx.get::<Option<f64>>(1)?);
            let unit: String = ctx.get::<Option<String>>(2)?.unwrap_or_default();
            Ok(figure.map(|f| f.with_unit(&unit)).unwrap_or_default())
        },
    )?;
    // cc_search_text(text): the text as the search index holds it (store/search.rs).
    conn.create_scalar_function(
        "cc_search_text",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(super::search::index_text(ctx.get_raw(0).as_str_or_null()?.unwrap_or_default()).into_owned()),
    )?;
    Ok(())
}

/// Settings for a long run of writes in one transaction (an import).
///
/// A larger page cache (32 MB, from SQLite's 2 MB) holds more of the tables,
/// indexes and search index being written, so that fewer pages are written
/// to the WAL before the commit and then again, or read back from it (a
/// million sources: 38.9 s with 16 MB, 35.5 s with 40 MB). Peak memory
/// stays under 64 MB.
pub fn with_bulk_writes<T>(conn: &Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.pragma_update(None, "cache_size", -32768)?;
    // FTS5 keeps new index entries in memory until this many bytes, then
    // writes them out as a segment that later has to be merged: 8 MB rather
    // than 1 MB means an eighth of the segments and merges. The setting is
    // kept in the index's own config table.
    conn.execute("INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 8388608)", [])?;
    // Every value an import writes has passed the same checks as `add`
    // (record.rs), which the schema's CHECK constraints repeat. SQLite
    // evaluates a CHECK of the form `x IN (...)` by building a temporary
    // table each time an INSERT runs: once per row, a tenth of an import's
    // time. The constraints stay in force for every other write, and
    // `verify` (PRAGMA integrity_check) still tests them on every row.
    // The setting holds for the connection, so it is turned off again
    // whatever `work` returns.
    conn.pragma_update(None, "ignore_check_constraints", true)?;
    let result = work();
    let restored = conn.pragma_update(None, "ignore_check_constraints", false);
    conn.pragma_update(None, "cache_size", -2000)?;
    let value = result?;
    restored?;
    Ok(value)
}

/// True while writes skip the CHECK constraints (during an import).
pub fn checks_ignored(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("PRAGMA ignore_check_constraints", [], |r| r.get(0))?)
}

/// The schema version this build of crosscheck writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every migration newer than `PRAGMA user_version`, each in its own
/// transaction together with the version bump.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        anyhow::bail!(
            "this case file has schema version {current}, newer than this crosscheck understands ({}); upgrade crosscheck",
            latest_version()
        );
    }
    if current == latest_version() {
        return Ok(());
    }
    // A migration that makes a table anew (SQLite cannot change a table's
    // constraints in place) drops the old one while other tables still
    // refer to it: SQLite's documented way is to turn foreign keys off
    // outside the transaction and check them all before it commits.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| -> Result<()> {
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql).with_context(|| format!("migration {name} failed"))?;
            let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                anyhow::bail!("migration {name} would leave {broken} rows referring to records that do not exist; nothing was changed");
            }
            tx.pragma_update(None, "user_version", (index + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

/// Starts the one transaction a writing command runs in. IMMEDIATE takes the
/// write lock at once, so that the history chain is read and extended by one
/// process at a time.
pub fn write(conn: &mut Connection) -> Result<Transaction<'_>> {
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        anyhow::bail!(
            "case file {} is read-only (the file or its file system cannot be written): nothing was changed; listing, show, verify and backup still work, and a copy made with `crosscheck backup COPY` can be changed",
            conn.path().unwrap_or("")
        );
    }
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// The current UTC time, as stored in every timestamp column.
pub fn now(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_a_fresh_database_and_set_the_version() {
        let conn = memory().unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest_version());
        let states: i64 = conn
            .query_row("SELECT count(*) FROM party WHERE kind = 'state'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(states, 249);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = memory().unwrap();
        migrate(&mut conn).unwrap();
        let parties: i64 = conn.query_row("SELECT count(*) FROM party", [], |r| r.get(0)).unwrap();
        assert_eq!(parties, 249);
    }
}
