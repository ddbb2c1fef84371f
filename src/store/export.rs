//! A case on a PostgreSQL server copied into a new SQLite case file: every
//! row of every table as it is, ids, history and captures included, read in
//! one snapshot. The copy is a case file like any other, and passes `verify`
//! when the server's case does.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::sql::{Connection, Value, params_from_iter};
use super::verify::Findings;
use super::{Case, capture, db, search, verify};

/// The tables of a case, each after the tables it refers to.
const TABLES: [&str; 12] = [
    "import",
    "party",
    "source",
    "claim",
    "statement",
    "evidence",
    "capture",
    "history",
    "hypothesis",
    "place",
    "name",
    "rating",
];

/// Rows read at a time: a table streams through in batches of this many.
const BATCH: i64 = 2000;

/// Writes the case into a new SQLite case file at `path` (which must not
/// exist yet), and checks the copy.
pub fn to_file(case: &Case, path: &Path) -> Result<Findings> {
    let (target, _, _) = db::create(path)?;
    // The rows arrive with their ids, referring to rows copied later in
    // the same transaction; `verify` checks every reference at the end.
    target.pragma_update(None, "foreign_keys", false)?;
    {
        let tx = target.begin(true)?;
        // The states the new file was made with come again from the case.
        tx.execute("DELETE FROM party", ())?;
        case.snapshot(|case| {
            for table in TABLES {
                copy_table(case.conn(), &tx, table).with_context(|| format!("cannot copy table {table}"))?;
            }
            Ok(())
        })?;
        search::rebuild(&tx)?;
        tx.commit()?;
    }
    target.pragma_update(None, "foreign_keys", true)?;
    // The copy stands alone: one file, no write-ahead log beside it.
    let _mode: String = target.query_row("PRAGMA journal_mode = DELETE", (), |r| r.get(0))?;
    let tx = target.begin(false)?;
    let findings = verify::check(&tx)?;
    tx.rollback()?;
    Ok(findings)
}

fn copy_table(from: &Connection, to: &Connection, table: &str) -> Result<()> {
    let columns: Vec<String> = to
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE name <> 'content' ORDER BY cid")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let list = columns.join(", ");
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = if table == "capture" {
        let size = columns.iter().position(|c| c == "size").context("capture has no size")? + 1;
        format!(
            "INSERT INTO capture ({list}, content) VALUES ({}, zeroblob(?{size}))",
            placeholders.join(", ")
        )
    } else {
        format!("INSERT INTO {table} ({list}) VALUES ({})", placeholders.join(", "))
    };
    let read = format!("SELECT {list} FROM {table} WHERE id > ?1 ORDER BY id LIMIT {BATCH}");
    let id_at = columns.iter().position(|c| c == "id").context("a table without id")?;
    let mut after = 0i64;
    loop {
        let rows: Vec<Vec<Value>> = from
            .prepare_cached(&read)?
            .query_map([after], |r| (0..columns.len()).map(|i| r.value(i)).collect())?
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = match last[id_at] {
            Value::Integer(id) => id,
            _ => anyhow::bail!("a row of {table} without an id"),
        };
        let mut statement = to.prepare_cached(&insert)?;
        for row in &rows {
            statement.execute(params_from_iter(row))?;
            if table == "capture"
                && let Value::Integer(id) = row[id_at]
            {
                let mut content = capture::content_reader(from, id)?;
                let mut blob = capture::content_writer(to, id)?;
                std::io::copy(&mut content, &mut blob)?;
                blob.flush()?;
            }
        }
    }
}
