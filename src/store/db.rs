//! Opening a case file: what the file is (crosscheck's mark in `PRAGMA
//! application_id`, the schema version in `PRAGMA user_version`), the
//! connection's pragmas, and the migrations, which only writing commands
//! and `upgrade` apply.

use std::path::Path;
use std::time::Duration;

use super::sql::{Connection, Transaction};
use anyhow::{Context, Result};
use rusqlite::OpenFlags;

use super::history::{self, Actor};
use crate::error::UserError;

/// The schema, one SQL file per version, applied in order. Append-only: never
/// edit a migration that has shipped; add the next one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_schema.sql", include_str!("../../migrations/0001_schema.sql")),
    ("0002_states.sql", include_str!("../../migrations/0002_states.sql")),
    ("0003_search.sql", include_str!("../../migrations/0003_search.sql")),
    ("0004_corrections.sql", include_str!("../../migrations/0004_corrections.sql")),
    ("0005_hypotheses.sql", include_str!("../../migrations/0005_hypotheses.sql")),
    ("0006_places.sql", include_str!("../../migrations/0006_places.sql")),
    ("0007_merge.sql", include_str!("../../migrations/0007_merge.sql")),
    (
        "0008_search_readable.sql",
        include_str!("../../migrations/0008_search_readable.sql"),
    ),
    (
        "0009_capture_content_last.sql",
        include_str!("../../migrations/0009_capture_content_last.sql"),
    ),
    (
        "0010_slugs_partial_index.sql",
        include_str!("../../migrations/0010_slugs_partial_index.sql"),
    ),
];

/// How long a writer waits for another process's lock before giving up,
/// unless CROSSCHECK_LOCK_WAIT gives another number of seconds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// crosscheck's mark in the header of every case file it makes: SQLite's
/// `PRAGMA application_id` (bytes 68 to 71 of the file), the ASCII letters
/// "xchk". Any SQLite tool can read it.
pub const APPLICATION_ID: i32 = 0x7863_686B;

/// The schema of an open case file, as found when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// `PRAGMA user_version`: how many migrations the file has had.
    pub version: i64,
    /// The header holds crosscheck's mark. Case files made before the mark
    /// existed lack it, and are known by their tables.
    pub marked: bool,
}

impl Schema {
    /// This build of crosscheck reads the file as it is.
    pub fn readable(self) -> bool {
        self.version == latest_version()
    }

    /// Nothing to change before writing: the latest schema, marked.
    pub fn current(self) -> bool {
        self.readable() && self.marked
    }
}

/// How long to wait for another process's lock.
pub fn lock_wait() -> Duration {
    std::env::var("CROSSCHECK_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_secs)
}

/// Opens an existing case file and finds out its schema, changing nothing:
/// no migration, no change of journal mode. It never creates a file (a
/// mistyped path must not leave an empty database behind), and it refuses
/// any file that is not a crosscheck case.
pub fn open(path: &Path) -> Result<(Connection, Schema)> {
    if !path.exists() {
        return Err(UserError::NoDatabase(path.display().to_string()).into());
    }
    check_file(path)?;
    let conn = connect(path)?;
    let schema = identify(&conn, path)?;
    prepare(&conn)?;
    Ok((conn, schema))
}

/// Opens the file with SQLite, for writing where it can be written.
fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = match read_only(path) {
        None => rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_WRITE),
        // A case file that cannot be written is opened for reading, so that
        // lists, show, verify and backup still work; `write` refuses clearly.
        // On a read-only file system nobody can change it, and no WAL index
        // can be made beside it: SQLite reads it as immutable.
        Some(ReadOnly::FileSystem) => rusqlite::Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_READ_ONLY),
        Some(ReadOnly::Permission) => {
            rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_READ_ONLY).and_then(|conn| {
                // Without write access to its directory either, no WAL index can
                // be made beside the file: read it as it is on disk.
                match conn.query_row("SELECT count(*) FROM sqlite_master", (), |r| r.get::<_, i64>(0)) {
                    Ok(_) => Ok(conn),
                    Err(_) => rusqlite::Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_READ_ONLY),
                }
            })
        }
    }
    .with_context(|| format!("cannot open case file {}", path.display()))?;
    conn.busy_timeout(lock_wait())?;
    Ok(Connection::from(conn))
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, before SQLite sees it, a path that is not a regular file, an
/// empty file, or a file that is not an SQLite database. Reads only.
fn check_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot open case file {}", path.display()))?;
    if meta.is_dir() {
        return Err(not_a_case(path, "it is a folder"));
    }
    if !meta.is_file() {
        return Err(not_a_case(path, "it is a device, pipe or socket, not a file"));
    }
    if meta.len() == 0 {
        return Err(not_a_case(
            path,
            &format!(
                "it is empty (0 bytes), as a truncated copy would be; `crosscheck --db {} init` makes a new case of it",
                crate::output::inert(&path.display().to_string())
            ),
        ));
    }
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open case file {}", path.display()))?;
    let n = std::io::Read::read(&mut file, &mut head).with_context(|| format!("cannot read case file {}", path.display()))?;
    if n < head.len() || &head != SQLITE_MAGIC {
        return Err(not_a_case(path, "it is not an SQLite database"));
    }
    Ok(())
}

/// The error for a file that is not a case; it says what the file is.
fn not_a_case(path: &Path, why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is not a crosscheck case file: {why}. Nothing was changed",
        crate::output::inert(&path.display().to_string())
    )
}

/// The tables every crosscheck case file has had since schema version 1.
const CASE_TABLES: [&str; 8] = ["party", "source", "claim", "statement", "evidence", "history", "capture", "import"];

/// Finds out what an SQLite file is, reading only: a case marked by
/// crosscheck, an older case from before the mark (known by its tables), or
/// anything else, which is refused.
fn identify(conn: &Connection, path: &Path) -> Result<Schema> {
    let read = || -> super::sql::Result<(i32, i64, i64)> {
        let id = conn.query_row("PRAGMA application_id", (), |r| r.get(0))?;
        let version = conn.query_row("PRAGMA user_version", (), |r| r.get(0))?;
        let tables = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            super::sql::params_from_iter(CASE_TABLES),
            |r| r.get(0),
        )?;
        Ok((id, version, tables))
    };
    let (id, version, tables) = read().map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => not_a_case(path, "it is not an SQLite database, or it is damaged"),
        _ => busy(e, path).context(format!("cannot read case file {}", path.display())),
    })?;
    let marked = id == APPLICATION_ID;
    if !marked && id != 0 {
        return Err(not_a_case(
            path,
            &format!("it is the SQLite database of another program (application id {id:#010x})"),
        ));
    }
    if !marked && tables < CASE_TABLES.len() as i64 {
        return Err(not_a_case(path, "it is an SQLite database, but not one crosscheck made"));
    }
    if version == 0 {
        anyhow::bail!(
            "case file {} holds a case, but its schema version (PRAGMA user_version) is 0: it was reset outside crosscheck. Nothing was changed; restore the case from a backup",
            path.display()
        );
    }
    if version > latest_version() {
        anyhow::bail!(
            "case file {} has schema version {version}, newer than this crosscheck reads ({}): nothing was changed; use a newer crosscheck",
            path.display(),
            latest_version()
        );
    }
    Ok(Schema { version, marked })
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

/// Makes a case file of a new path, an empty file, or an SQLite database
/// with nothing in it (`init`). An existing case is opened as `open` opens
/// it, and anything else is refused. Returns the connection, the schema
/// found (the latest for a new case), and whether a case was made.
pub fn create(path: &Path) -> Result<(Connection, Schema, bool)> {
    let blank_file = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("cannot open case file {}", path.display())),
        Ok(meta) => meta.is_file() && meta.len() == 0,
    };
    if !blank_file {
        check_file(path)?;
        let conn = connect(path)?;
        if !is_blank(&conn).unwrap_or(false) {
            let schema = identify(&conn, path)?;
            prepare(&conn)?;
            return Ok((conn, schema, false));
        }
    }
    let folder = crate::error::folder_of(path);
    if !folder.is_dir() {
        return Err(UserError::no_folder(folder).into());
    }
    let conn = rusqlite::Connection::open(path).with_context(|| format!("cannot create case file {}", path.display()))?;
    conn.busy_timeout(lock_wait())?;
    let mut conn = Connection::from(conn);
    // Set before the file has its first page, which fixes it for good.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    use_wal(&conn, path)?;
    prepare(&conn)?;
    migrate(&mut conn, path, None).with_context(|| format!("cannot create case file {}", path.display()))?;
    let schema = Schema {
        version: latest_version(),
        marked: true,
    };
    Ok((conn, schema, true))
}

/// The size of the pages of a new case file, where SQLite's default is
/// 4 KiB. A case grows by imports of whole files, and an import writes
/// every page it fills twice, to the write-ahead log and then into the
/// file, and reads most of them back from the log, one system call a page:
/// with pages four times as large an import of a million sources took 13%
/// less CPU time (medians of four runs: 6.07 s against 7.00 s; 8 KiB pages
/// 6.42 s), its system time most of all. Case files made before keep the
/// size they have.
pub const PAGE_SIZE: i64 = 16384;

/// An SQLite database with nothing in it and no program's mark.
fn is_blank(conn: &Connection) -> super::sql::Result<bool> {
    let id: i32 = conn.query_row("PRAGMA application_id", (), |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", (), |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", (), |r| r.get(0))?;
    Ok(id == 0 && version == 0 && objects == 0)
}

/// An in-memory case, for `demo` and tests.
pub fn memory() -> Result<Connection> {
    let mut conn = Connection::from(rusqlite::Connection::open_in_memory()?);
    prepare(&conn)?;
    migrate(&mut conn, Path::new(":memory:"), None)?;
    Ok(conn)
}

/// Settings of the connection only; the file is not changed.
fn prepare(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    // NORMAL sync is safe in WAL mode; in rollback mode (a backup being
    // read) nothing is written.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    add_functions(conn)?;
    Ok(())
}

/// Puts the case file in WAL mode, which lets readers go on while one
/// process writes. Writing commands do this first: a backup is a single
/// file in rollback mode, and reading it leaves it so.
pub fn use_wal(conn: &Connection, path: &Path) -> Result<()> {
    if conn.is_readonly()? || conn.is_postgres() {
        return Ok(());
    }
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", (), |r| r.get(0))
        .map_err(|e| busy(e, path))
        .with_context(|| format!("cannot use case file {}", path.display()))?;
    Ok(())
}

/// Says plainly that another process holds the case, where SQLite says
/// "database is locked".
pub fn busy(err: super::sql::Error, path: &Path) -> anyhow::Error {
    if !err.is_busy() {
        return err.into();
    }
    anyhow::anyhow!(
        "another crosscheck (or another program) is writing case file {} and held it for {} second{}; nothing was changed: try again when it is done (CROSSCHECK_LOCK_WAIT sets how many seconds to wait)",
        path.display(),
        lock_wait().as_secs(),
        if lock_wait().as_secs() == 1 { "" } else { "s" }
    )
}

/// SQL functions crosscheck's own queries use. They exist only in crosscheck's
/// connections; the schema never depends on them.
fn add_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let Some(conn) = conn.sqlite() else {
        return Ok(());
    };
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
    // cc_search_text(text): the text as the search index holds it
    // (store/search.rs). Text without CJK, most of it, is given back as it
    // is: SQLite copies it, neither checked nor copied in Rust.
    conn.create_scalar_function(
        "cc_search_text",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            use rusqlite::types::{ToSqlOutput, Value, ValueRef};
            let value = ctx.get_raw(0);
            if let ValueRef::Text(text) = value
                && !super::search::may_hold_cjk(text)
            {
                return Ok(ToSqlOutput::Arg(0));
            }
            let text = value.as_str_or_null()?.unwrap_or_default();
            Ok(ToSqlOutput::Owned(Value::Text(super::search::index_text(text).into_owned())))
        },
    )?;
    // cc_rank(search_index, weights...): search's ranking across the names of a place.
    super::search::add_rank_function(conn)?;
    Ok(())
}

/// Settings for a long run of writes in one transaction (an import).
///
/// A larger page cache (24 MB, from SQLite's 2 MB) holds more of the tables,
/// indexes and search index being written, so that fewer pages are written
/// to the WAL before the commit and then again, or read back from it (a
/// million sources: 38.9 s with 16 MB, 35.5 s with 40 MB). It matters where
/// rows arrive with random UUIDs, whose index entries land anywhere; new
/// rows' time-ordered UUIDs land at the end, and need little of it. Peak
/// memory, the cache and the search index's entries below, stays under
/// 64 MB (55 MB at a million sources).
pub fn with_bulk_writes<T>(conn: &Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.pragma_update(None, "cache_size", -24576)?;
    // FTS5 keeps new index entries in memory until this many bytes, then
    // writes them out as a segment that later has to be merged: the larger,
    // the fewer segments and merges. 16 MB rather than 8 MB, with 8 MB less
    // page cache, took an import of a million titles 7% less CPU time
    // (medians of five runs: 5.28 s against 5.68 s), and one of a million
    // sources with random UUIDs the same (18.98 s against 19.05 s). The
    // setting is kept in the index's own config table.
    if !conn.is_postgres() {
        conn.execute("INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 16777216)", ())?;
    }
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
    Ok(conn.query_row("PRAGMA ignore_check_constraints", (), |r| r.get(0))?)
}

/// The schema version this build of crosscheck writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// What an upgrade changed: the schema version before and after, and
/// whether the file was marked before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgraded {
    pub from: i64,
    pub to: i64,
    pub was_marked: bool,
}

/// Applies every migration newer than `PRAGMA user_version` and marks the
/// file as a case, all in one transaction: either the file has them all,
/// or it is as it was. `by` is who upgrades an existing case: the upgrade
/// is then written to the history. Returns None when there was nothing to do.
pub fn migrate(conn: &mut Connection, path: &Path, by: Option<&Actor>) -> Result<Option<Upgraded>> {
    // A migration that makes a table anew (SQLite cannot change a table's
    // constraints in place) drops the old one while other tables still
    // refer to it: SQLite's documented way is to turn foreign keys off
    // outside the transaction and check them all before it commits.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| -> Result<Option<Upgraded>> {
        let tx = conn.begin(true).map_err(|e| busy(e, path))?;
        // Read inside the write lock: another process may have upgraded
        // the file meanwhile.
        let current: i64 = tx.query_row("PRAGMA user_version", (), |r| r.get(0))?;
        let id: i32 = tx.query_row("PRAGMA application_id", (), |r| r.get(0))?;
        if current > latest_version() {
            anyhow::bail!(
                "this case file has schema version {current}, newer than this crosscheck reads ({}); use a newer crosscheck",
                latest_version()
            );
        }
        if current == latest_version() && id == APPLICATION_ID {
            return Ok(None);
        }
        for (name, sql) in MIGRATIONS.iter().skip(current as usize) {
            // The SQL itself stays out of the message: it is crosscheck's, not the user's.
            tx.execute_batch(sql).map_err(|e| {
                let why = match e {
                    super::sql::Error::Sqlite(rusqlite::Error::SqlInputError { msg, .. }) => msg,
                    other => other.to_string(),
                };
                anyhow::anyhow!("migration {name} failed: {why}; nothing was changed")
            })?;
        }
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", (), |r| r.get(0))?;
        if broken > 0 {
            anyhow::bail!("the upgrade would leave {broken} rows referring to records that do not exist; nothing was changed");
        }
        tx.pragma_update(None, "user_version", latest_version())?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        let upgraded = Upgraded {
            from: current,
            to: latest_version(),
            was_marked: id == APPLICATION_ID,
        };
        if let Some(actor) = by {
            record_upgrade(&tx, actor, upgraded)?;
        }
        tx.commit()?;
        Ok(Some(upgraded))
    })();
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

/// Writes an upgrade of the case to its history, as `actor`'s.
pub fn record_upgrade(conn: &Connection, actor: &Actor, upgraded: Upgraded) -> Result<()> {
    let uuid = uuid::Uuid::now_v7().to_string();
    history::append(
        conn,
        actor,
        history::Change {
            action: "upgrade",
            entity: "case",
            entity_uuid: &uuid,
            handle: "case",
            claim_uuid: None,
            before: Some(serde_json::json!({"schema_version": upgraded.from, "marked": upgraded.was_marked})),
            after: Some(serde_json::json!({"schema_version": upgraded.to, "marked": true})),
            reason: "",
        },
    )
}

/// Starts the one transaction a writing command runs in. IMMEDIATE takes the
/// write lock at once, so that the history chain is read and extended by one
/// process at a time.
pub fn write<'a>(conn: &'a Connection, path: &Path) -> Result<Transaction<'a>> {
    if conn.is_readonly()? {
        anyhow::bail!(
            "case file {} is read-only (the file or its file system cannot be written): nothing was changed; listing, show, verify and backup still work, and a copy made with `crosscheck backup COPY` can be changed",
            path.display()
        );
    }
    conn.begin(true).map_err(|e| busy(e, path))
}

/// The current UTC time, as stored in every timestamp column.
pub fn now(conn: &Connection) -> Result<String> {
    let sql = conn.pick(
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
    );
    Ok(conn.query_row(sql, (), |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_a_fresh_database_and_set_the_version() {
        let conn = memory().unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", (), |r| r.get(0)).unwrap();
        assert_eq!(version, latest_version());
        let states: i64 = conn
            .query_row("SELECT count(*) FROM party WHERE kind = 'state'", (), |r| r.get(0))
            .unwrap();
        assert_eq!(states, 249);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = memory().unwrap();
        assert_eq!(migrate(&mut conn, Path::new(":memory:"), None).unwrap(), None);
        let parties: i64 = conn.query_row("SELECT count(*) FROM party", (), |r| r.get(0)).unwrap();
        assert_eq!(parties, 249);
    }
}
