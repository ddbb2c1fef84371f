//! A case on a PostgreSQL server: the connection string, connecting (with
//! TLS where asked), the case's mark and schema version, and migrations.
//!
//! A connection string's password never reaches a message, the history or
//! the output: `redact` takes it out as the command line is read, and it
//! is kept apart for connecting only.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result};

use super::db::{APPLICATION_ID, Schema, latest_version};
use super::history::Actor;
use super::sql::{Connection, server_message};
use crate::error::UserError;

/// The PostgreSQL schema, one file per version, beside the SQLite
/// migrations of the same number. A new case starts from the first file,
/// which is the whole schema at that version; each later one changes it
/// as the SQLite migration of the same number does.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[(
    10,
    "postgres/0010_schema.sql",
    include_str!("../../migrations/postgres/0010_schema.sql"),
)];

/// The table that marks a database as a crosscheck case: the counterpart
/// of SQLite's `application_id` and `user_version`.
const MARK: &str = "crosscheck_case";

/// True when `--db` names a PostgreSQL database rather than a file.
pub fn is_url(db: &Path) -> bool {
    let text = db.to_string_lossy();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// The password given in the connection string, kept for connecting.
static PASSWORD: OnceLock<String> = OnceLock::new();

/// The connection string with its password taken out (and kept for
/// `connect`), as every message shows it: `postgres://desk@db.example/case`.
/// A path is returned as it is.
pub fn redact(db: std::path::PathBuf) -> std::path::PathBuf {
    if !is_url(&db) {
        return db;
    }
    let text = db.to_string_lossy().into_owned();
    let (scheme, rest) = text.split_once("://").unwrap_or(("postgres", &text));
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, password)) => {
                let _ = PASSWORD.set(percent_decode(password));
                format!("{user}@{host}")
            }
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let mut kept = Vec::new();
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("password", value)) => {
                let _ = PASSWORD.set(percent_decode(value));
            }
            _ => kept.push(pair),
        }
    }
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    std::path::PathBuf::from(format!("{scheme}://{authority}{path}{query}"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Connects to the server the (redacted) connection string names.
pub fn connect(db: &Path) -> Result<Connection> {
    let shown = redact(db.to_path_buf()).display().to_string();
    let mut config: postgres::Config = shown
        .parse()
        .map_err(|e| UserError::Usage(format!("{shown} is not a PostgreSQL connection string: {}", server_message(&e))))?;
    if let Some(password) = PASSWORD.get().cloned().or_else(|| std::env::var("PGPASSWORD").ok()) {
        config.password(password);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("crosscheck");
    }
    let client = match config.get_ssl_mode() {
        postgres::config::SslMode::Disable => config.connect(postgres::NoTls),
        _ => config.connect(super::tls::connector(config.get_ssl_mode())?),
    };
    let client = client.map_err(|e| unreachable(&shown, &e))?;
    Ok(Connection::postgres(client))
}

/// One line for a connection that failed, without the password, and what
/// to do where that is clear.
fn unreachable(shown: &str, e: &postgres::Error) -> anyhow::Error {
    let next = if e.code() == Some(&postgres::error::SqlState::INVALID_CATALOG_NAME) {
        format!("; create it first (`createdb NAME` on the server), then `crosscheck --db {shown} init`")
    } else {
        String::new()
    };
    anyhow::anyhow!("cannot connect to {shown}: {}{next}", server_message(e))
}

/// Opens the case in the database, changing nothing; refuses a database
/// that is not a crosscheck case.
pub fn open(db: &Path) -> Result<(Connection, Schema)> {
    let conn = connect(db)?;
    match identify(&conn, db)? {
        Some(schema) => Ok((conn, schema)),
        None => Err(UserError::NoCase(db.display().to_string()).into()),
    }
}

/// Makes a case in an empty database; opens an existing case as `open`
/// does. Returns true when it made one.
pub fn create(db: &Path) -> Result<(Connection, Schema, bool)> {
    let conn = connect(db)?;
    if let Some(schema) = identify(&conn, db)? {
        return Ok((conn, schema, false));
    }
    migrate(&conn, db, None)?;
    Ok((
        conn,
        Schema {
            version: latest_version(),
            marked: true,
        },
        true,
    ))
}

/// The case's schema, None for an empty database; any other database is
/// refused.
fn identify(conn: &Connection, db: &Path) -> Result<Option<Schema>> {
    // The mark is read first: every command asks, and a new connection's
    // first look at the catalogue (to tell an empty database from another
    // program's) costs it some milliseconds.
    let marked = conn.statement(|| {
        conn.query_row(&format!("SELECT application_id, version FROM {MARK}"), (), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
    });
    let (id, version) = match marked {
        Ok(mark) => mark,
        Err(e) if e.is_undefined_table() => {
            let tables: i64 = conn.query_row("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", (), |r| {
                r.get(0)
            })?;
            if tables > 0 {
                anyhow::bail!(
                    "{} is not a crosscheck case: the database holds {tables} tables of another program. Nothing was changed; give an empty database",
                    db.display()
                );
            }
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if id != i64::from(APPLICATION_ID) {
        anyhow::bail!(
            "{} is not a crosscheck case: its mark is {id:#010x}. Nothing was changed",
            db.display()
        );
    }
    if version > latest_version() {
        anyhow::bail!(
            "the case at {} has schema version {version}, newer than this crosscheck reads ({}): nothing was changed; use a newer crosscheck",
            db.display(),
            latest_version()
        );
    }
    Ok(Some(Schema { version, marked: true }))
}

/// Applies every migration newer than the case's version in one
/// transaction, as the SQLite side does; `by` is who upgrades an existing
/// case, written to the history.
pub fn migrate(conn: &Connection, db: &Path, by: Option<&Actor>) -> Result<Option<super::db::Upgraded>> {
    let tx = conn.begin(true)?;
    let current: i64 = match identify(&tx, db)? {
        Some(schema) => schema.version,
        None => 0,
    };
    if current == latest_version() {
        return Ok(None);
    }
    for (version, name, sql) in MIGRATIONS {
        if *version <= current {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|e| anyhow::anyhow!("migration {name} failed: {e}; nothing was changed"))?;
    }
    if current == 0 {
        // The states, as every new case has them.
        let states = super::db::MIGRATIONS.iter().find(|(name, _)| *name == "0002_states.sql");
        tx.execute_batch(states.context("the migration of the states is missing")?.1)?;
        tx.execute_batch(&format!(
            "CREATE TABLE {MARK} (application_id BIGINT NOT NULL, version BIGINT NOT NULL);
             REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {MARK} FROM PUBLIC;"
        ))?;
        tx.execute(
            &format!("INSERT INTO {MARK} (application_id, version) VALUES (?1, ?2)"),
            [i64::from(APPLICATION_ID), latest_version()],
        )?;
    } else {
        tx.execute(&format!("UPDATE {MARK} SET version = ?1"), [latest_version()])?;
    }
    let upgraded = super::db::Upgraded {
        from: current,
        to: latest_version(),
        was_marked: true,
    };
    if let Some(actor) = by {
        super::db::record_upgrade(&tx, actor, upgraded)?;
    }
    tx.commit().context("cannot write the schema")?;
    Ok(Some(upgraded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_postgres_migration_is_the_sqlite_schema_version() {
        assert_eq!(MIGRATIONS.last().map(|m| m.0), Some(latest_version()));
    }

    #[test]
    fn a_password_is_taken_out_of_the_connection_string() {
        let shown = redact("postgres://desk:s3cr%40t@db.example:5433/case?sslmode=require".into());
        assert_eq!(shown.display().to_string(), "postgres://desk@db.example:5433/case?sslmode=require");
        let shown = redact("postgresql://desk@db.example/case?password=hunter2&sslmode=disable".into());
        assert_eq!(shown.display().to_string(), "postgresql://desk@db.example/case?sslmode=disable");
        assert_eq!(redact("case.db".into()).display().to_string(), "case.db");
    }
}
