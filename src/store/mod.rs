//! The data layer: every SQL statement, the row mapping and the
//! transactions. Commands and reports call it with the product's types
//! (Claim, Statement, Status, Figure...) and never see SQL or an engine.
//!
//! `Case` is an open case, a SQLite file or a PostgreSQL database; `Writer`
//! is the one write transaction of a command, and every change to a record
//! goes through its methods, which write the history entry with it
//! (record.rs). Statements are written once, in SQLite's dialect, and run
//! on either engine through `sql::Connection` (dialect.rs translates them).
//! What differs beyond the dialect sits behind named functions that take
//! each engine's way: the search index (search.rs), PRAGMAs and migrations
//! (db.rs, server.rs), capture content (capture.rs), and backup (backup.rs,
//! export.rs).

use std::path::{Path, PathBuf};

use anyhow::Result;
use sql::{Connection, Transaction};

pub mod ach;
pub mod backup;
pub mod capture;
pub mod db;
pub mod dialect;
pub mod export;
pub mod handle;
pub mod history;
pub mod import;
pub mod kind;
pub mod listing;
pub mod merge;
pub mod places;
pub mod queries;
pub mod reading;
pub mod record;
pub mod records;
pub mod search;
pub mod server;
pub mod sql;
mod tls;
pub mod verify;

pub use history::{Actor, Entry};
pub use kind::{Kind, handle as format_handle, parse_typed};
pub use record::{Action, Fields, Record};
pub use records::{Claim, Evidence, Hypothesis, Item, Name, Party, Place, Rating, Source, Statement};

use crate::error::UserError;
use crate::model::Status;

/// Runs `$body` with `$R` standing for the record type of a runtime `Kind`:
/// the one place that maps kinds to their types.
#[macro_export]
macro_rules! with_record {
    ($kind:expr, $R:ident => $body:expr) => {
        match $kind {
            $crate::store::Kind::Party => {
                type $R = $crate::store::Party;
                $body
            }
            $crate::store::Kind::Source => {
                type $R = $crate::store::Source;
                $body
            }
            $crate::store::Kind::Claim => {
                type $R = $crate::store::Claim;
                $body
            }
            $crate::store::Kind::Statement => {
                type $R = $crate::store::Statement;
                $body
            }
            $crate::store::Kind::Evidence => {
                type $R = $crate::store::Evidence;
                $body
            }
            $crate::store::Kind::Hypothesis => {
                type $R = $crate::store::Hypothesis;
                $body
            }
            $crate::store::Kind::Rating => {
                type $R = $crate::store::Rating;
                $body
            }
            $crate::store::Kind::Place => {
                type $R = $crate::store::Place;
                $body
            }
            $crate::store::Kind::Name => {
                type $R = $crate::store::Name;
                $body
            }
        }
    };
}

/// An open case file.
pub struct Case {
    conn: Connection,
    path: PathBuf,
    schema: db::Schema,
}

impl Case {
    /// Opens an existing case file, changing nothing; it never creates one,
    /// and refuses a file that is not a case. A case of an older schema is
    /// opened as it is: `schema` says so, and `upgrade` brings it up to date.
    pub fn open(path: &Path) -> Result<Case> {
        let (conn, schema) = if server::is_url(path) {
            server::open(path)?
        } else {
            db::open(path)?
        };
        Ok(Case {
            conn,
            path: path.to_path_buf(),
            schema,
        })
    }

    /// Makes a case of a new path, an empty file or an empty SQLite
    /// database; opens an existing case as `open` does. Returns true when
    /// it made one.
    pub fn create(path: &Path) -> Result<(Case, bool)> {
        let (conn, schema, created) = if server::is_url(path) {
            server::create(path)?
        } else {
            db::create(path)?
        };
        Ok((
            Case {
                conn,
                path: path.to_path_buf(),
                schema,
            },
            created,
        ))
    }

    /// A case in memory, for `demo` and tests.
    pub fn memory() -> Result<Case> {
        Ok(Case {
            conn: db::memory()?,
            path: PathBuf::from(":memory:"),
            schema: db::Schema {
                version: db::latest_version(),
                marked: true,
            },
        })
    }

    /// The schema the file had when it was opened.
    pub fn schema(&self) -> db::Schema {
        self.schema
    }

    /// Readies the case for writing: WAL mode, then the latest schema and
    /// crosscheck's mark, in one transaction, with the upgrade written to
    /// the history as `analyst`'s. Returns what changed, if anything.
    pub fn upgrade(&mut self, analyst: &str) -> Result<Option<db::Upgraded>> {
        db::use_wal(&self.conn, &self.path)?;
        if self.schema.current() {
            return Ok(None);
        }
        if self.conn.is_readonly()? {
            // The same refusal every write gets.
            db::write(&self.conn, &self.path)?;
        }
        let actor = Actor {
            analyst: analyst.to_string(),
            at: db::now(&self.conn)?,
        };
        let upgraded = if self.conn.is_postgres() {
            server::migrate(&self.conn, &self.path, Some(&actor))?
        } else {
            db::migrate(&mut self.conn, &self.path, Some(&actor))?
        };
        self.schema = db::Schema {
            version: db::latest_version(),
            marked: true,
        };
        Ok(upgraded)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts the one transaction a writing command runs in, as `analyst`.
    pub fn write(&mut self, analyst: &str) -> Result<Writer<'_>> {
        let tx = db::write(&self.conn, &self.path)?;
        let actor = Actor {
            analyst: analyst.to_string(),
            at: db::now(&tx)?,
        };
        Ok(Writer { tx, actor })
    }

    /// Runs `read` on one consistent view of the case, while others write.
    pub fn snapshot<T>(&self, read: impl FnOnce(&Case) -> Result<T>) -> Result<T> {
        let tx = self.conn.begin(false)?;
        let result = read(self);
        // Nothing was written: ending the read transaction either way is the same.
        let ended = tx.rollback();
        let value = result?;
        ended?;
        Ok(value)
    }

    /// The current UTC time, as every timestamp is stored.
    pub fn now(&self) -> Result<String> {
        db::now(&self.conn)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A command's write transaction and who is writing. Dropped without
/// `commit`, it changes nothing.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    actor: Actor,
}

/// What happened to a record a command changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub handle: String,
    pub changed: bool,
}

impl Writer<'_> {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn commit(self) -> Result<()> {
        Ok(self.tx.commit()?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Creates a record from fields; returns its handle.
    pub fn create<R: Record>(&self, fields: &Fields, allow_duplicate: bool) -> Result<String> {
        let id = record::create::<R>(&self.tx, &self.actor, fields, allow_duplicate)?;
        Ok(format_handle(R::KIND, id))
    }

    /// Changes the given fields of the record `text` names.
    pub fn edit<R: Record>(&self, text: &str, fields: &Fields, reason: &str) -> Result<Changed> {
        let id = handle::resolve(&self.tx, R::KIND, text)?;
        let changed = record::edit::<R>(&self.tx, &self.actor, id, fields, Action::Edit, reason)?;
        Ok(Changed {
            handle: format_handle(R::KIND, id),
            changed,
        })
    }

    /// Sets a claim's verdict. Returns the handle and the verdict it had.
    pub fn mark(&self, claim: &str, status: Status, reason: &str) -> Result<(String, Status)> {
        let id = handle::resolve(&self.tx, Kind::Claim, claim)?;
        let was = Claim::load(&self.tx, id)?;
        if !was.retracted.is_empty() {
            return Err(UserError::Usage(format!(
                "{} is retracted ({}); restore it with `crosscheck restore {} --reason ...` before marking it",
                format_handle(Kind::Claim, id),
                was.retracted,
                format_handle(Kind::Claim, id)
            ))
            .into());
        }
        let mut fields = Fields::new();
        fields.set("status", status.as_str());
        fields.set("reason", reason);
        fields.set("status_by", self.actor.analyst.clone());
        fields.set("status_at", self.actor.at.clone());
        record::edit::<Claim>(&self.tx, &self.actor, id, &fields, Action::Mark, reason)?;
        Ok((format_handle(Kind::Claim, id), was.status))
    }

    /// Withdraws a record of any kind, or undoes that (`retract` false).
    /// Returns the record's handle, whether it changed, and the live records
    /// that refer to it (which stay as they are).
    pub fn retract(&self, text: &str, retract: bool, reason: &str) -> Result<(Changed, Vec<String>)> {
        let (kind, id) = handle::resolve_any(&self.tx, text)?;
        let handle = format_handle(kind, id);
        let held: String = queries::retracted(&self.tx, kind, id)?;
        if retract && !held.is_empty() {
            return Ok((Changed { handle, changed: false }, Vec::new()));
        }
        if !retract && held.is_empty() {
            return Err(UserError::Usage(format!("{handle} is not retracted; there is nothing to restore")).into());
        }
        let mut fields = Fields::new();
        fields.set("retracted", if retract { reason } else { "" });
        let action = if retract { Action::Retract } else { Action::Restore };
        let changed = with_record!(kind, R => record::edit::<R>(&self.tx, &self.actor, id, &fields, action, reason))?;
        let dependents = if retract {
            queries::dependents(&self.tx, kind, id)?
        } else {
            Vec::new()
        };
        Ok((Changed { handle, changed }, dependents))
    }

    /// Imports a file of one kind of record; see `import::import`.
    #[allow(clippy::too_many_arguments)]
    pub fn import(
        &self,
        kind: Kind,
        options: import::Options,
        layout: &import::Layout,
        file_name: &str,
        input: impl std::io::Read + std::io::Seek,
        listener: &mut dyn import::Listener,
    ) -> Result<import::Summary> {
        import::import(&self.tx, &self.actor, kind, options, layout, file_name, input, listener)
    }

    /// Writes an `anchor` entry: the history's head is about to be given
    /// out (published, sent) to check the case against later. Returns the
    /// new head: the anchor entry itself.
    pub fn anchor(&self, reason: &str) -> Result<history::Head> {
        let entries = history::head(&self.tx)?.map_or(0, |h| h.entries) + 1;
        let uuid = uuid::Uuid::now_v7().to_string();
        history::append(
            &self.tx,
            &self.actor,
            history::Change {
                action: "anchor",
                entity: "case",
                entity_uuid: &uuid,
                handle: "case",
                claim_uuid: None,
                before: None,
                after: Some(serde_json::json!({ "entries": entries })),
                reason,
            },
        )?;
        history::head(&self.tx)?.ok_or_else(|| anyhow::anyhow!("the anchor entry was not written"))
    }

    /// Loads the shipped case.
    pub fn load_seed(&self) -> Result<()> {
        let actor = Actor {
            analyst: crate::seed::ANALYST.to_string(),
            at: self.actor.at.clone(),
        };
        for (kind, name, text) in crate::seed::FILES {
            import::import_csv(&self.tx, &actor, *kind, import::Options::default(), name, text.as_bytes())?;
        }
        Ok(())
    }

    /// True when the case already holds the shipped case.
    pub fn seed_loaded(&self) -> Result<bool> {
        Ok(handle::by_uuid(&self.tx, Kind::Claim, crate::seed::first_claim_uuid())?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&'static str, &str)]) -> Fields {
        let mut fields = Fields::new();
        for (name, value) in pairs {
            fields.set(name, *value);
        }
        fields
    }

    /// A case in memory with one claim, a source and a statement.
    fn small() -> Case {
        let mut case = Case::memory().unwrap();
        let writer = case.write("tester").unwrap();
        writer
            .create::<Claim>(&fields(&[("text", "A claim"), ("slug", "claim")]), false)
            .unwrap();
        writer
            .create::<Source>(&fields(&[("title", "A report"), ("slug", "report")]), false)
            .unwrap();
        writer
            .create::<Statement>(
                &fields(&[
                    ("claim", "claim"),
                    ("party", "RU"),
                    ("stance", "denies"),
                    ("quote", "No"),
                    ("source", "report"),
                ]),
                false,
            )
            .unwrap();
        writer.commit().unwrap();
        case
    }

    #[test]
    fn every_write_goes_through_one_path_that_writes_the_history() {
        let mut case = small();
        let writer = case.write("tester").unwrap();
        let edited = writer
            .edit::<Statement>("ST1", &fields(&[("stance", "disputes")]), "wrong stance")
            .unwrap();
        assert!(edited.changed);
        writer.mark("claim", crate::model::Status::Disputed, "two accounts").unwrap();
        let (retracted, dependents) = writer.retract("claim", true, "not in the article").unwrap();
        assert!(retracted.changed);
        assert_eq!(dependents, ["ST1"]);
        writer.commit().unwrap();
        let mut actions = Vec::new();
        case.history(None, &mut |e| {
            actions.push(format!("{} {}", e.action, e.handle));
            Ok(())
        })
        .unwrap();
        assert_eq!(actions, ["create C1", "create S1", "link ST1", "edit ST1", "mark C1", "retract C1"]);
        assert!(case.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn a_write_dropped_without_commit_changes_nothing() {
        let mut case = small();
        {
            let writer = case.write("tester").unwrap();
            writer.create::<Claim>(&fields(&[("text", "Another")]), false).unwrap();
        }
        assert_eq!(case.claim_count().unwrap(), 1);
    }

    #[test]
    fn a_second_copy_of_a_live_statement_is_refused_with_its_handle() {
        let mut case = small();
        let writer = case.write("tester").unwrap();
        let twin = fields(&[
            ("claim", "C1"),
            ("party", "RU"),
            ("stance", "denies"),
            ("quote", "No"),
            ("source", "S1"),
        ]);
        let err = writer.create::<Statement>(&twin, false).unwrap_err().to_string();
        assert!(err.contains("statement ST1 already says this"), "{err}");
        assert_eq!(writer.create::<Statement>(&twin, true).unwrap(), "ST2");
    }

    #[test]
    fn an_unreadable_history_fails_the_write_instead_of_starting_a_new_chain() {
        let case = small();
        case.conn().execute_batch("ALTER TABLE history RENAME TO history_moved").unwrap();
        let err = history::last_hash(case.conn()).unwrap_err().to_string();
        assert!(err.contains("no such table: history"), "{err}");
    }

    #[test]
    fn bulk_writes_skip_check_constraints_only_while_they_run() {
        let case = small();
        let conn = case.conn();
        db::with_bulk_writes(conn, || {
            assert!(db::checks_ignored(conn)?);
            Ok(())
        })
        .unwrap();
        assert!(!db::checks_ignored(conn).unwrap());
        let failed = db::with_bulk_writes(conn, || -> Result<()> { anyhow::bail!("a bad row") });
        assert!(failed.is_err());
        assert!(!db::checks_ignored(conn).unwrap(), "restored after an error too");
        let refused = conn.execute("UPDATE claim SET status = 'true' WHERE id = 1", ());
        assert!(refused.unwrap_err().to_string().contains("CHECK constraint failed"));
    }

    #[test]
    fn new_records_get_version_7_uuids_in_time_order() {
        let a = record::new_uuid();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = record::new_uuid();
        for uuid in [&a, &b] {
            assert_eq!(uuid::Uuid::parse_str(uuid).unwrap().get_version_num(), 7, "{uuid}");
        }
        assert!(a < b, "{a} {b}");
    }
}
