//! Bringing another case file into this one (`crosscheck merge`, `diff`),
//! and checking copied history against it (`verify --other`).
//!
//! Records match by UUID. What the other file holds that this case lacks is
//! found from the histories: its entries whose UUID this case does not hold
//! (its own entries) name every record it created or changed since the two
//! files parted, and the imports this case lacks bring their rows. Nothing
//! else can differ in a file that passes `verify`, so the merge reads only
//! those records, not the whole case: a million sources with a tenth
//! changed cost a tenth.
//!
//! A record both files hold is merged field by field, three ways. Each
//! side's base for a field is the value the last entry both files hold gave
//! it (or, where no shared entry touched it, the value before that side's
//! first change); a side changed the field when its value differs from its
//! base. A field changed on one side takes that change; changed on both to
//! different values, or with bases that disagree, it is a conflict, and so
//! is a retraction on one side against an edit on the other.
//!
//! The other file's own entries are appended to this chain in their order,
//! each with its content as it was (its handle excepted, which names the
//! record as this case does) and the hash it had there (`origin_hash`).
//! Where the values the appended entries leave a record with are not the
//! merged ones (a conflict settled for this side, a change made there and
//! undone), one `merge` entry about the record says what the merge set; a
//! last `merge` entry records the file, its head and the counts. `verify`
//! then holds: each record has the values its history ends with, and its
//! `updated_at` is the time of the newest entry about it.
//!
//! Everything runs in the command's one transaction; `diff` and
//! `merge --dry-run` run the same code and drop the transaction, so that
//! the plan they show is exactly what a merge would do.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::sql::{Connection, OptionalExtension, params};
use anyhow::{Context, Result};
use rusqlite::OpenFlags;
use serde_json::{Map, Value, json};

use super::capture::capture_handle;
use super::history::{self, Actor, Entry};
use super::kind::{Kind, handle as format_handle};
use super::record::{Fields, Record, statement_text};
use super::verify::{self, Findings};
use super::{Case, handle};
use crate::error::{CheckFailed, UserError};
use crate::model::grouped;
use crate::output::inert;

/// Which side a settled conflict takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Prefer {
    /// This case's value.
    Ours,
    /// The other file's value.
    Theirs,
}

impl Prefer {
    pub fn as_str(self) -> &'static str {
        match self {
            Prefer::Ours => "ours",
            Prefer::Theirs => "theirs",
        }
    }
}

/// How a merge runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Settle every conflict this way; without it a conflict stops the merge.
    pub prefer: Option<Prefer>,
    /// Merge a file that fails its own `verify`, and record that.
    pub force_unverified: bool,
    /// Work everything out and write nothing (`merge --dry-run`, `diff`).
    pub dry_run: bool,
}

/// What one line of the plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// A record, capture or import this case lacks.
    New,
    /// A field that takes the other file's value.
    Update,
    /// A field changed on both sides: the merge stops.
    Conflict,
    /// A conflict settled by --prefer.
    Settled,
    /// A slug or party code that another record holds here.
    Collision,
    /// A new statement or evidence link that says what a live one here says.
    Duplicate,
}

impl What {
    pub fn as_str(self) -> &'static str {
        match self {
            What::New => "new",
            What::Update => "update",
            What::Conflict => "conflict",
            What::Settled => "settled",
            What::Collision => "collision",
            What::Duplicate => "duplicate",
        }
    }
}

/// One line of the plan: a record, capture or import that comes in, or one
/// field of a record that changes or conflicts.
#[derive(Debug, Clone)]
pub struct Change {
    pub what: What,
    /// The record's kind (`claim`), or `capture`, `import`.
    pub kind: &'static str,
    /// Its handle in this case.
    pub record: String,
    pub uuid: String,
    pub field: String,
    /// The value both sides started from; None where they share none.
    pub base: Option<String>,
    pub ours: String,
    pub theirs: String,
    /// Who set each side's value, and when: `analyst at`.
    pub ours_by: String,
    pub theirs_by: String,
    pub note: String,
}

/// What a kind of record comes to in a merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: u64,
    pub updated: u64,
    pub conflicts: u64,
    pub settled: u64,
}

/// What a merge did, or would do.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The other file's name, as the merge entry records it.
    pub name: String,
    /// Its newest history entry's hash.
    pub head: String,
    /// Per kind, in `Kind::ALL` order, then imports and captures where any came.
    pub counts: Vec<(&'static str, Counts)>,
    /// History entries of the other file appended to this case's chain.
    pub entries: u64,
    /// Conflicts and collisions left for the user: the merge stops.
    pub unsettled: u64,
    /// The other file's own `verify` problems (merged with --force-unverified).
    pub unverified: Vec<String>,
}

impl Outcome {
    fn count(&mut self, kind: &'static str) -> &mut Counts {
        if let Some(i) = self.counts.iter().position(|(k, _)| *k == kind) {
            return &mut self.counts[i].1;
        }
        self.counts.push((kind, Counts::default()));
        &mut self.counts.last_mut().expect("just pushed").1
    }

    /// Anything to bring in at all.
    pub fn anything(&self) -> bool {
        self.entries > 0
    }
}

impl Case {
    /// Brings every record, capture, import and history entry of the case
    /// file at `path` that this case lacks into it, in one transaction, as
    /// `analyst`; `each` hears every line of the plan as it is worked out.
    /// With unsettled conflicts, or `dry_run`, nothing is written.
    pub fn merge(&mut self, path: &Path, options: Options, analyst: &str, each: &mut dyn FnMut(&Change) -> Result<()>) -> Result<Outcome> {
        let other = Other::open(path, Some(self.path()))?;
        // Each kind's statements, on both sides, stay prepared.
        for conn in [self.conn(), &other.conn] {
            if let Some(lite) = conn.sqlite() {
                lite.set_prepared_statement_cache_capacity(128);
            }
        }
        other
            .conn
            .execute_batch(other.conn.pick("BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ"))?;
        let result = (|| {
            let findings = verify::check(&other.conn)?;
            if !findings.problems.is_empty() && !options.force_unverified {
                return Err(CheckFailed(format!(
                    "{} fails verification, so what it holds cannot be trusted: nothing was merged; merge it anyway with --force-unverified (the merge entry records it):{}",
                    inert(&other.name),
                    findings.problem_list()
                ))
                .into());
            }
            let writer = self.write(analyst)?;
            let mut merge = Merge {
                conn: writer.conn(),
                other: &other.conn,
                actor: writer.actor().clone(),
                options,
                name: other.name.clone(),
                each,
                outcome: Outcome {
                    name: other.name.clone(),
                    head: history::last_hash(&other.conn)?,
                    counts: Kind::ALL.iter().map(|k| (k.table(), Counts::default())).collect(),
                    unverified: findings.problems,
                    ..Outcome::default()
                },
                imports: HashMap::new(),
            };
            // The settings of an import, for the same reasons (db.rs): the
            // values written have passed the checks `add` makes.
            super::db::with_bulk_writes(writer.conn(), || merge.run())?;
            let outcome = merge.outcome;
            other.unchanged()?;
            if !options.dry_run && outcome.unsettled == 0 && outcome.anything() {
                writer.commit()?;
            }
            Ok(outcome)
        })();
        // Only read: ending the read transaction either way is the same.
        let _ = other.conn.execute_batch("ROLLBACK");
        result
    }

    /// Checks this case's history against another case file's: its chain,
    /// that every entry both hold says the same in both, and that each entry
    /// copied from it has there the hash it was copied with.
    pub fn verify_other(&self, path: &Path) -> Result<Findings> {
        let other = Other::open(path, None)?;
        let mut findings = Findings::default();
        other
            .conn
            .execute_batch(other.conn.pick("BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ"))?;
        let counted = self.snapshot(|case| compare_histories(case.conn(), &other, &mut findings));
        let _ = other.conn.execute_batch("ROLLBACK");
        let (entries, shared, confirmed, elsewhere) = counted?;
        other.unchanged()?;
        findings.line(
            "other",
            0,
            format!(
                "{}: its chain of {} entries checked; {} entries both files hold say the same in both; {} copied from it confirmed by the hash they have in its chain; {} copied from other files",
                inert(&other.name),
                grouped(entries as f64),
                grouped(shared as f64),
                grouped(confirmed as f64),
                grouped(elsewhere as f64)
            ),
        );
        Ok(findings)
    }
}

/// Returns the other file's entry count, the entries both hold, those
/// copied from it and confirmed, and those copied from elsewhere.
fn compare_histories(conn: &Connection, other: &Other, findings: &mut Findings) -> Result<(usize, u64, u64, u64)> {
    let (entries, breaks) = history::verify_chain(&other.conn)?;
    for b in breaks {
        findings.problems.push(format!("{}: {}", other.name, b.problem));
    }
    let mut theirs = other
        .conn
        .prepare(&format!("SELECT {} FROM history WHERE uuid = ?1", Entry::COLUMNS))?;
    let mut stmt = conn.prepare(&format!("SELECT {} FROM history ORDER BY id", Entry::COLUMNS))?;
    let mut rows = stmt.query(())?;
    let (mut shared, mut confirmed, mut elsewhere) = (0, 0, 0);
    while let Some(row) = rows.next()? {
        let ours = Entry::from_row(&row)?;
        let Some(there) = theirs.query_row([&ours.uuid], Entry::from_row).optional()? else {
            if ours.origin_hash.is_some() {
                elsewhere += 1;
            }
            continue;
        };
        shared += 1;
        let differ = differing_content(&ours, &there);
        if !differ.is_empty() {
            findings.problems.push(format!(
                "history entry {} ({} {} {}) says otherwise in {} (its entry {}): {} differ",
                ours.id,
                ours.action,
                ours.entity,
                ours.handle,
                other.name,
                there.id,
                differ.join(", ")
            ));
        }
        match &ours.origin_hash {
            Some(origin) if *origin == there.hash => confirmed += 1,
            Some(_) => elsewhere += 1,
            None => {}
        }
    }
    Ok((entries, shared, confirmed, elsewhere))
}

/// The parts of an entry's content that differ between two copies of it.
/// The handle and the links of the chain are each file's own.
fn differing_content(a: &Entry, b: &Entry) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 9] = [
        ("at", a.at == b.at),
        ("analyst", a.analyst == b.analyst),
        ("action", a.action == b.action),
        ("entity", a.entity == b.entity),
        ("entity_uuid", a.entity_uuid == b.entity_uuid),
        ("claim_uuid", a.claim_uuid == b.claim_uuid),
        ("before", a.before == b.before),
        ("after", a.after == b.after),
        ("reason", a.reason == b.reason),
    ];
    pairs.into_iter().filter(|(_, same)| !same).map(|(name, _)| name).collect()
}

// ---------------------------------------------------------------- the other file

/// The other case file, open for reading only.
struct Other {
    conn: Connection,
    /// Its file name, for messages and the merge entry.
    name: String,
    /// When it is read without locks (nobody had it open): its size and
    /// time of change, which must not move while it is read.
    watch: Option<(PathBuf, Stamp)>,
    /// A copy brought up to this schema, removed when done.
    _copy: Option<TempCopy>,
}

type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Result<Stamp> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((meta.len(), meta.modified().ok()))
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Other {
    /// Opens the case file at `path` for reading, refusing the case itself
    /// (`refuse`), anything that is not a case file, and a case of a newer
    /// schema. A case of an older schema is copied and the copy brought up
    /// to date; the file itself is never written.
    fn open(path: &Path, refuse: Option<&Path>) -> Result<Other> {
        let shown = inert(&path.display().to_string());
        if super::server::is_url(path) {
            let shown = super::server::redact(path.to_path_buf()).display().to_string();
            if refuse.is_some_and(|case| case.display().to_string() == shown) {
                return Err(UserError::Usage(format!("{} is this case itself: give another case", inert(&shown))).into());
            }
            let (conn, schema) = super::server::open(path)?;
            if !schema.readable() {
                return Err(UserError::Usage(format!(
                    "the case at {} has schema version {}; this crosscheck merges version {}: upgrade it with `crosscheck --db {} upgrade` first; nothing was merged",
                    inert(&shown),
                    schema.version,
                    super::db::latest_version(),
                    inert(&shown)
                ))
                .into());
            }
            return Ok(Other {
                conn,
                name: shown,
                watch: None,
                _copy: None,
            });
        }
        if !path.exists() {
            return Err(UserError::NotFound {
                what: "case file",
                handle: path.display().to_string(),
                hint: "give the path of the other case file".to_string(),
            }
            .into());
        }
        if refuse.is_some_and(|case| same_file(case, path)) {
            return Err(UserError::Usage(format!(
                "{shown} is this case file itself (by its name, another name or a link): give another case file"
            ))
            .into());
        }
        let not_a_case = |why: &str| -> anyhow::Error {
            UserError::Usage(format!("{shown} is not a crosscheck case file: {why}; nothing was merged")).into()
        };
        if !path.is_file() {
            return Err(not_a_case("it is not a file"));
        }
        let mut head = [0u8; 16];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n < head.len() || &head != SQLITE_MAGIC {
            return Err(not_a_case("it is not an SQLite database"));
        }
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        // A file nobody has open (no write-ahead log or journal beside it)
        // is read as it lies, so that no -wal or -shm file is left beside
        // it; that it did not change meanwhile is checked at the end. One
        // that is open elsewhere is read through SQLite's locks, as any
        // reader does.
        let beside = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display())).exists();
        let (conn, watch) = if beside("-wal") || beside("-journal") {
            (rusqlite::Connection::open_with_flags(path, flags), None)
        } else {
            (
                rusqlite::Connection::open_with_flags(super::db::immutable_uri(path), flags),
                Some((path.to_path_buf(), stamp(path)?)),
            )
        };
        let conn = conn.with_context(|| format!("cannot open {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let conn = Connection::from(conn);
        let read = || -> super::sql::Result<(i64, i64)> {
            let version = conn.query_row("PRAGMA user_version", (), |r| r.get(0))?;
            let tables = conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('history', 'party', 'claim', 'source')",
                (),
                |r| r.get(0),
            )?;
            Ok((version, tables))
        };
        let (version, tables) = read().map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_a_case("it is not an SQLite database, or it is damaged"),
            _ => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
        })?;
        if version == 0 || tables < 4 {
            return Err(not_a_case("it is an SQLite database, but not one crosscheck made"));
        }
        let latest = super::db::latest_version();
        if version > latest {
            return Err(UserError::Usage(format!(
                "{shown} has schema version {version}, newer than this crosscheck reads ({latest}): use a newer crosscheck to merge it; nothing was merged"
            ))
            .into());
        }
        let mut other = Other {
            conn,
            name,
            watch,
            _copy: None,
        };
        if version < latest {
            // Its history and records are read as this version writes
            // them: a copy made with SQLite's backup and migrated.
            let copy = TempCopy::new();
            {
                let mut target = rusqlite::Connection::open(&copy.0).with_context(|| format!("cannot create {}", copy.0.display()))?;
                let from = other.conn.sqlite().context("a case of an older schema is a file")?;
                rusqlite::backup::Backup::new(from, &mut target)?.run_to_completion(1024, std::time::Duration::ZERO, None)?;
            }
            other.unchanged()?;
            let (mut conn, _) = super::db::open(&copy.0)?;
            super::db::migrate(&mut conn, &copy.0, None).with_context(|| {
                format!(
                    "cannot bring a copy of {} (schema version {version}) up to date",
                    inert(&other.name)
                )
            })?;
            other.conn = conn;
            other.watch = None;
            other._copy = Some(copy);
        }
        Ok(other)
    }

    /// Fails when a file read without locks changed while it was read.
    fn unchanged(&self) -> Result<()> {
        if let Some((path, before)) = &self.watch
            && stamp(path)? != *before
        {
            return Err(UserError::Usage(format!(
                "{} changed while it was being read: nothing was merged; merge it again once nobody is writing to it",
                inert(&self.name)
            ))
            .into());
        }
        Ok(())
    }
}

/// A temporary database file, removed with its journal files on drop.
struct TempCopy(PathBuf);

impl TempCopy {
    fn new() -> TempCopy {
        TempCopy(std::env::temp_dir().join(format!("crosscheck-merge-{}-{}.db", std::process::id(), super::record::new_uuid())))
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// True when two paths name one file: the same path, a symbolic link to
/// it, or another hard link of it.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

// ---------------------------------------------------------------- the merge

/// One merge under way: this case's write transaction and the other file.
struct Merge<'a, 'e> {
    conn: &'a Connection,
    other: &'a Connection,
    actor: Actor,
    options: Options,
    name: String,
    each: &'e mut dyn FnMut(&Change) -> Result<()>,
    outcome: Outcome,
    /// The other file's imports: its id -> (the id here, copied now).
    imports: HashMap<i64, (i64, bool)>,
}

/// Who set a value and when, and the value.
#[derive(Debug, Clone, Default)]
struct Set {
    value: String,
    by: String,
}

/// What one side's history says about one record's fields.
#[derive(Debug, Default)]
struct Trail {
    /// Field -> the value the last entry both files hold gave it.
    shared: HashMap<String, String>,
    /// Field -> its value before this side's first entry that touched it
    /// (None: that entry created the record).
    first: HashMap<String, Option<String>>,
    /// Field -> the last entry that set it.
    last: HashMap<String, Set>,
    /// Field -> the last entry only this side holds that set it.
    own: HashMap<String, Set>,
    /// Who wrote the first entry, and when.
    first_by: String,
}

impl Trail {
    /// The value this side started from: None where it cannot be known.
    fn base(&self, field: &str, now: &str) -> Option<String> {
        match (self.shared.get(field), self.first.get(field)) {
            (Some(value), _) => Some(value.clone()),
            (None, Some(first)) => first.clone(),
            (None, None) => Some(now.to_string()),
        }
    }

    /// Adds an entry, read from a row of `action, before, after, analyst,
    /// at, reason`.
    fn add(&mut self, r: &super::sql::Row<'_>, shared: bool) -> super::sql::Result<()> {
        let (action, before, after): (String, Option<String>, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (analyst, at, reason): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
        let (before, after) = (before.as_deref(), after.as_deref());
        if self.first_by.is_empty() {
            self.first_by = format!("{analyst} {at}");
        }
        let befores = history::values_before(before);
        for (field, value) in history::values_set(&action, after, &analyst, &at, &reason) {
            if !self.first.contains_key(&field) {
                let was = befores.iter().find(|(f, _)| *f == field).map(|(_, v)| v.clone());
                self.first.insert(field.clone(), was);
            }
            let set = Set {
                value: value.clone(),
                by: format!("{analyst} {at}"),
            };
            if shared {
                self.shared.insert(field.clone(), value);
            } else {
                self.own.insert(field.clone(), set.clone());
            }
            self.last.insert(field, set);
        }
        Ok(())
    }
}

/// A part both sides changed.
struct Clash<'p> {
    part: &'p Part,
    /// The values both sides started from, where they agree on them.
    base: Option<Vec<String>>,
    note: String,
}

/// A slug or code the merged record is to have that another record holds.
struct Collision {
    key: &'static str,
    wanted: String,
    variant: String,
    /// The record here that holds it: of this kind, or of another, since a
    /// slug or party code names one record across kinds.
    holder_kind: Kind,
    holder: i64,
    holder_uuid: String,
}

/// The field that holds a retraction's reason.
const RETRACTED: &str = "retracted";

impl Merge<'_, '_> {
    fn emit(&mut self, change: Change) -> Result<()> {
        (self.each)(&change)
    }

    fn run(&mut self) -> Result<()> {
        if !self.find_own_entries()? {
            return Ok(());
        }
        self.conn.execute_batch(self.conn.pick(
            "CREATE TEMP TABLE IF NOT EXISTS merge_pending (seq INTEGER PRIMARY KEY,
                 entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, handle TEXT NOT NULL, claim_uuid TEXT,
                 before TEXT NOT NULL, after TEXT NOT NULL, reason TEXT NOT NULL);
             DELETE FROM temp.merge_pending;",
            "CREATE TEMP TABLE IF NOT EXISTS merge_pending (seq BIGSERIAL PRIMARY KEY,
                 entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, handle TEXT NOT NULL, claim_uuid TEXT,
                 before TEXT NOT NULL, after TEXT NOT NULL, reason TEXT NOT NULL);
             DELETE FROM pg_temp.merge_pending;",
        ))?;
        let head = self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM history", (), |r| r.get::<_, i64>(0))?;
        self.imports()?;
        for kind in Kind::ALL {
            crate::with_record!(kind, R => self.records::<R>())?;
        }
        self.captures()?;
        self.copy_entries()?;
        self.write_pending()?;
        self.recount_imports()?;
        self.index_imports()?;
        for kind in Kind::ALL {
            // Each record changed or brought in was last changed at its
            // newest entry; one without entries when it was written.
            let table = kind.table();
            self.conn.execute(
                &format!(
                    "UPDATE {table} SET updated_at = coalesce((SELECT max(h.at) FROM history h WHERE h.entity_uuid = {table}.uuid), created_at)
                     WHERE uuid IN (SELECT entity_uuid FROM history WHERE id > ?1)"
                ),
                [head],
            )?;
        }
        self.merge_entry()?;
        self.conn
            .execute_batch(self.conn.pick("DROP TABLE temp.merge_pending", "DROP TABLE pg_temp.merge_pending"))?;
        Ok(())
    }

    /// Finds the other file's own entries (those whose UUID this case does
    /// not hold) and keeps their ids in a temporary table of the other
    /// file's connection. Returns whether there are any.
    fn find_own_entries(&mut self) -> Result<bool> {
        self.other.execute_batch(self.other.pick(
            "CREATE TEMP TABLE IF NOT EXISTS merge_own (id INTEGER PRIMARY KEY);
             DELETE FROM temp.merge_own;
             CREATE TEMP TABLE IF NOT EXISTS merge_import (id INTEGER PRIMARY KEY);
             DELETE FROM temp.merge_import;",
            "CREATE TEMP TABLE IF NOT EXISTS merge_own (id BIGINT PRIMARY KEY);
             DELETE FROM pg_temp.merge_own;
             CREATE TEMP TABLE IF NOT EXISTS merge_import (id BIGINT PRIMARY KEY);
             DELETE FROM pg_temp.merge_import;",
        ))?;
        let mut here = self.conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM history WHERE uuid = ?1)")?;
        let mut keep = self.other.prepare("INSERT INTO temp.merge_own (id) VALUES (?1)")?;
        let mut stmt = self.other.prepare("SELECT id, uuid FROM history ORDER BY id")?;
        let mut rows = stmt.query(())?;
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            let (id, uuid): (i64, String) = (row.get(0)?, row.get(1)?);
            if !here.query_row([&uuid], |r| r.get::<_, bool>(0))? {
                keep.execute([id])?;
                count += 1;
            }
        }
        self.outcome.entries = count;
        Ok(count > 0)
    }

    /// Copies the imports this case lacks (their rows follow with the
    /// records), and maps every import of the other file to its id here.
    fn imports(&mut self) -> Result<()> {
        let other = self.other;
        let mut stmt = other.prepare(
            "SELECT id, uuid, entity, file_name, sha256, inserted, updated, rejected, analyst, imported_at FROM import ORDER BY id",
        )?;
        let mut rows = stmt.query(())?;
        while let Some(r) = rows.next()? {
            let (id, uuid): (i64, String) = (r.get(0)?, r.get(1)?);
            let here: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM import WHERE uuid = ?1")?
                .query_row([&uuid], |r| r.get(0))
                .optional()?;
            if let Some(here) = here {
                self.imports.insert(id, (here, false));
                continue;
            }
            let (entity, file_name, sha256): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
            let (inserted, updated, rejected): (i64, i64, i64) = (r.get(5)?, r.get(6)?, r.get(7)?);
            let (analyst, imported_at): (String, String) = (r.get(8)?, r.get(9)?);
            let here: i64 = self.conn.query_row(
                "INSERT INTO import (uuid, entity, file_name, sha256, inserted, updated, rejected, analyst, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                params![uuid, entity, file_name, sha256, inserted, updated, rejected, analyst, imported_at],
                |r| r.get(0),
            )?;
            self.imports.insert(id, (here, true));
            self.other.execute("INSERT INTO temp.merge_import (id) VALUES (?1)", [id])?;
            self.outcome.count("import").new += 1;
            self.emit(Change {
                what: What::New,
                kind: "import",
                record: format!("import {here}"),
                uuid,
                theirs: format!("{file_name} into {entity}, {inserted} rows"),
                theirs_by: format!("{analyst} {imported_at}"),
                ..blank()
            })?;
        }
        Ok(())
    }

    /// Merges every record of one kind that the other file's own entries
    /// or copied imports bring, in the order the other file made them.
    /// A record that refers to one of its kind made later there (a party's
    /// parent) waits until that one is in.
    fn records<R: Record>(&mut self) -> Result<()> {
        let table = R::KIND.table();
        let sql = format!(
            "SELECT t.id, t.uuid, t.import_id, t.created_at FROM {table} t
             WHERE t.uuid IN (SELECT h.entity_uuid FROM history h JOIN temp.merge_own o ON o.id = h.id WHERE h.entity = ?1)
                OR t.import_id IN (SELECT id FROM temp.merge_import)
             ORDER BY t.id"
        );
        let mut waiting: Vec<Row> = Vec::new();
        let other = self.other;
        {
            let mut stmt = other.prepare(&sql)?;
            let mut rows = stmt.query([table])?;
            while let Some(r) = rows.next()? {
                let row = Row {
                    id: r.get(0)?,
                    uuid: r.get(1)?,
                    import_id: r.get(2)?,
                    created_at: r.get(3)?,
                };
                if let Err(e) = self.record::<R>(&row) {
                    if !waits(&e) {
                        return Err(e);
                    }
                    waiting.push(row);
                }
            }
        }
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            let mut last = None;
            for row in waiting {
                if let Err(e) = self.record::<R>(&row) {
                    if !waits(&e) {
                        return Err(e);
                    }
                    still.push(row);
                    last = Some(e);
                }
            }
            if still.len() == before {
                let e = last.expect("a record is still waiting");
                return Err(e.context(format!("cannot merge {table} {} from {}", still[0].uuid, inert(&self.name))));
            }
            waiting = still;
        }
        Ok(())
    }

    /// Merges one record of the other file.
    fn record<R: Record>(&mut self, row: &Row) -> Result<()> {
        let theirs = R::load(self.other, row.id)?.to_fields(self.other)?;
        let mut trail_theirs = Trail::default();
        {
            let mut stmt = self.other.prepare_cached(
                "SELECT h.action, h.before, h.after, h.analyst, h.at, h.reason, o.id IS NULL
                 FROM history h LEFT JOIN temp.merge_own o ON o.id = h.id WHERE h.entity_uuid = ?1 ORDER BY h.id",
            )?;
            let mut rows = stmt.query([&row.uuid])?;
            while let Some(r) = rows.next()? {
                trail_theirs.add(&r, r.get(6)?)?;
            }
        }
        match handle::by_uuid(self.conn, R::KIND, &row.uuid)? {
            None => self.insert::<R>(row, theirs, trail_theirs),
            Some(id) => self.merge_record::<R>(id, &row.uuid, theirs, trail_theirs),
        }
    }

    /// What this case's history says about a record.
    fn trail_ours(&self, uuid: &str) -> Result<Trail> {
        let mut trail = Trail::default();
        let mut there = self.other.prepare_cached("SELECT EXISTS (SELECT 1 FROM history WHERE uuid = ?1)")?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT action, before, after, analyst, at, reason, uuid FROM history WHERE entity_uuid = ?1 ORDER BY id")?;
        let mut rows = stmt.query([uuid])?;
        while let Some(r) = rows.next()? {
            let entry: String = r.get(6)?;
            trail.add(&r, there.query_row([&entry], |r| r.get::<_, bool>(0))?)?;
        }
        Ok(trail)
    }

    /// Inserts a record this case lacks, under a handle of its own.
    fn insert<R: Record>(&mut self, row: &Row, theirs: Fields, trail: Trail) -> Result<()> {
        let mut fields = by_uuid::<R>(&theirs);
        let collision = self.collision::<R>(&row.uuid, None, &mut fields)?;
        // References resolve before anything is written, so that a record
        // that waits for another leaves nothing behind.
        let record = R::from_fields(self.conn, &fields)?;
        let import = row.import_id.and_then(|i| self.imports.get(&i)).map(|(here, _)| *here);
        let twin = record.duplicate_of(self.conn)?;
        if let Some(c) = &collision {
            self.make_room(c, R::KIND)?;
        }
        let id = record.insert(self.conn, import, &row.created_at)?;
        let here = format_handle(R::KIND, id);
        self.outcome.count(R::KIND.table()).new += 1;
        self.emit(Change {
            what: What::New,
            kind: R::KIND.table(),
            record: here.clone(),
            uuid: row.uuid.clone(),
            theirs: describe::<R>(&theirs),
            theirs_by: trail.first_by.clone(),
            ..blank()
        })?;
        if let Some(twin) = twin {
            self.emit(Change {
                what: What::Duplicate,
                kind: R::KIND.table(),
                record: here.clone(),
                uuid: row.uuid.clone(),
                note: format!(
                    "says what {} says here; both are kept: retract one of them",
                    format_handle(R::KIND, twin)
                ),
                ..blank()
            })?;
        }
        let settled = match collision {
            Some(collision) => self.settle_collision::<R>(&here, &row.uuid, collision)?,
            None => Vec::new(),
        };
        let now = record.to_fields(self.conn)?;
        self.pending::<R>(&record, id, &Fields::new(), &now, &trail, &Trail::default(), &settled)
    }

    /// Merges a record both files hold, field by field.
    fn merge_record<R: Record>(&mut self, id: i64, uuid: &str, theirs: Fields, trail_theirs: Trail) -> Result<()> {
        let ours = R::load(self.conn, id)?.to_fields(self.conn)?;
        let trail_ours = self.trail_ours(uuid)?;
        let here = format_handle(R::KIND, id);
        let table = R::KIND.table();
        let parts = parts::<R>();
        let (mut merged, clashes) = three_way(&parts, &ours, &theirs, &trail_ours, &trail_theirs, &self.name);
        if self.options.prefer == Some(Prefer::Theirs) {
            for field in clashes.iter().flat_map(|c| c.part.fields.iter()) {
                merged.set(field, theirs.get(field));
            }
        }
        let collision = self.collision::<R>(uuid, Some(&ours), &mut merged)?;
        // References resolve before anything is written, so that a record
        // that waits for another leaves nothing behind.
        let record = R::from_fields(self.conn, &by_uuid::<R>(&merged))?;
        let mut settled: Vec<&'static str> = Vec::new();
        for clash in &clashes {
            let part = clash.part;
            let what = match self.options.prefer {
                None => {
                    self.outcome.unsettled += 1;
                    self.outcome.count(table).conflicts += 1;
                    What::Conflict
                }
                Some(_) => {
                    settled.extend(&part.fields);
                    self.outcome.count(table).settled += 1;
                    What::Settled
                }
            };
            let note = match self.options.prefer {
                Some(prefer) if clash.note.is_empty() => format!("kept {}", prefer.as_str()),
                Some(prefer) => format!("{}; kept {}", clash.note, prefer.as_str()),
                None => clash.note.clone(),
            };
            let sides = ((&ours, &trail_ours), (&theirs, &trail_theirs));
            self.emit(Change {
                note,
                ..part_change(what, table, &here, uuid, part, clash.base.clone(), sides)
            })?;
        }
        if let Some(collision) = collision {
            self.make_room(&collision, R::KIND)?;
            settled.extend(self.settle_collision::<R>(&here, uuid, collision)?);
        }
        let now = record.to_fields(self.conn)?;
        if now != ours {
            record.update(self.conn, id, &self.actor.at)?;
            self.outcome.count(table).updated += 1;
        }
        for part in &parts {
            if part.values(&ours) == part.values(&now) || clashes.iter().any(|c| c.part.name == part.name) {
                continue;
            }
            let sides = ((&ours, &trail_ours), (&now, &trail_theirs));
            let base = part.base(&ours, &trail_ours);
            self.emit(part_change(What::Update, table, &here, uuid, part, base, sides))?;
        }
        self.pending::<R>(&record, id, &ours, &now, &trail_theirs, &trail_ours, &settled)
    }

    /// Keeps a `merge` entry about a record, to be written after the copied
    /// entries, wherever those would leave a field with another value than
    /// the merge gave it, and for each settled conflict.
    #[allow(clippy::too_many_arguments)]
    fn pending<R: Record>(
        &mut self,
        record: &R,
        id: i64,
        ours: &Fields,
        now: &Fields,
        trail_theirs: &Trail,
        trail_ours: &Trail,
        settled: &[&'static str],
    ) -> Result<()> {
        let (mut before, mut after) = (Map::new(), Map::new());
        for field in compared::<R>() {
            let value = now.get(field);
            // What the history will say last, once the other file's own
            // entries are appended after this case's.
            let last = trail_theirs
                .own
                .get(field)
                .or_else(|| trail_ours.last.get(field))
                .map(|s| s.value.as_str());
            let settle = settled.contains(&field);
            if !settle && last.is_none_or(|l| l == value) {
                continue;
            }
            let was = match last {
                Some(l) if l != value => l,
                _ => ours.get(field),
            };
            before.insert(field.to_string(), Value::String(was.to_string()));
            after.insert(field.to_string(), Value::String(value.to_string()));
            // A reference by UUID, with the handle people read beside it.
            if let Some(name) = field.strip_suffix("_uuid")
                && now.has(name)
            {
                after.insert(name.to_string(), Value::String(now.get(name).to_string()));
            }
        }
        if after.is_empty() {
            return Ok(());
        }
        let reason = if settled.is_empty() {
            format!(
                "merge of {}: the merged values, which the entries copied from it do not end with",
                self.name
            )
        } else {
            format!(
                "merge of {}: {} settled with --prefer {}",
                self.name,
                settled.join(", "),
                self.options.prefer.map_or("ours", Prefer::as_str)
            )
        };
        self.keep_entry(record, id, Value::Object(before), Value::Object(after), &reason)
    }

    /// Finds whether the slug or code a record is to have is another
    /// record's here. Unless --prefer theirs gives the name to this record,
    /// `fields` takes the first free variant (`-2`, `-3`...), so that the
    /// merge can go on and list every conflict.
    fn collision<R: Record>(&self, uuid: &str, ours: Option<&Fields>, fields: &mut Fields) -> Result<Option<Collision>> {
        let Some(key) = R::FIELDS.iter().copied().find(|f| Some(*f) == R::KIND.key_column()) else {
            return Ok(None);
        };
        let wanted = fields.get(key).trim().to_string();
        if wanted.is_empty() || ours.is_some_and(|o| o.get(key) == wanted) {
            return Ok(None);
        }
        let Some((holder_kind, holder, holder_uuid)) = key_holder(self.conn, R::KIND, &wanted)? else {
            return Ok(None);
        };
        if holder_uuid == uuid {
            return Ok(None);
        }
        let variant = free_variant(self.conn, R::KIND, &wanted)?;
        if self.options.prefer != Some(Prefer::Theirs) {
            fields.set(key, variant.clone());
        }
        Ok(Some(Collision {
            key,
            wanted,
            variant,
            holder_kind,
            holder,
            holder_uuid,
        }))
    }

    /// A slug or party code another record holds is a conflict; --prefer
    /// settles it by giving the name to one side's record and the variant
    /// to the other's. Returns the key when the merged record took the
    /// variant, for its `merge` entry.
    fn settle_collision<R: Record>(&mut self, here: &str, uuid: &str, c: Collision) -> Result<Vec<&'static str>> {
        let table = R::KIND.table();
        let holder = format_handle(c.holder_kind, c.holder);
        let (what, note) = match self.options.prefer {
            None => {
                self.outcome.unsettled += 1;
                self.outcome.count(table).conflicts += 1;
                let whose = if c.holder_kind == R::KIND {
                    format!("{holder} ({}) has this {} here", c.holder_uuid, c.key)
                } else {
                    format!(
                        "{} {holder} ({}) holds it here, and a slug or party code names one record across kinds",
                        c.holder_kind.table(),
                        c.holder_uuid
                    )
                };
                (What::Collision, format!("{whose}; rename one of the two, or settle with --prefer"))
            }
            Some(Prefer::Ours) => {
                self.outcome.count(table).settled += 1;
                (
                    What::Settled,
                    format!("{holder} keeps {:?}; the record from {} takes {:?}", c.wanted, self.name, c.variant),
                )
            }
            Some(Prefer::Theirs) => {
                self.outcome.count(table).settled += 1;
                (
                    What::Settled,
                    format!("the record from {} takes {:?}; {holder} takes {:?}", self.name, c.wanted, c.variant),
                )
            }
        };
        self.emit(Change {
            what,
            kind: table,
            record: here.to_string(),
            uuid: uuid.to_string(),
            field: c.key.to_string(),
            base: None,
            ours: format!("{holder} {}", c.wanted),
            theirs: c.wanted.clone(),
            note,
            ..blank()
        })?;
        Ok(if self.options.prefer == Some(Prefer::Theirs) {
            Vec::new()
        } else {
            vec![c.key]
        })
    }

    /// With --prefer theirs, gives the record here that holds the slug or
    /// code the merged record takes the variant instead, with a `merge`
    /// entry saying why.
    fn make_room(&mut self, c: &Collision, merged: Kind) -> Result<()> {
        if self.options.prefer != Some(Prefer::Theirs) {
            return Ok(());
        }
        crate::with_record!(c.holder_kind, H => self.rename::<H>(c, merged))
    }

    /// Gives the record here that holds a collision's slug or code (of kind
    /// `R`) the variant, for the merged record of kind `merged`.
    fn rename<R: Record>(&mut self, c: &Collision, merged: Kind) -> Result<()> {
        let Some(key) = R::KIND.key_column() else {
            return Ok(());
        };
        let (id, value) = (c.holder, c.variant.as_str());
        let was = R::load(self.conn, id)?.to_fields(self.conn)?;
        let mut fields = by_uuid::<R>(&was);
        fields.set(key, value);
        let record = R::from_fields(self.conn, &fields)?;
        record.update(self.conn, id, &self.actor.at)?;
        let reason = format!(
            "merge of {}: its {} with this {} keeps it (--prefer theirs)",
            self.name,
            merged.table(),
            c.key
        );
        self.keep_entry(&record, id, json!({ key: was.get(key) }), json!({ key: value }), &reason)
    }

    /// Keeps a `merge` entry about record `id`, written once the entries
    /// copied from the other file are in.
    fn keep_entry<R: Record>(&self, record: &R, id: i64, before: Value, after: Value, reason: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO temp.merge_pending (entity, entity_uuid, handle, claim_uuid, before, after, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                R::KIND.table(),
                record.uuid(),
                format_handle(R::KIND, id),
                record.claim_uuid(self.conn)?,
                before.to_string(),
                after.to_string(),
                reason
            ])?;
        Ok(())
    }

    /// Brings in the captures this case lacks, streaming their content and
    /// checking it against its SHA-256 on the way.
    fn captures(&mut self) -> Result<()> {
        let other = self.other;
        let mut stmt = other.prepare(
            "SELECT c.id, c.uuid, s.uuid, c.sha256, c.size, c.media_type, c.file_name, c.attached_by, c.attached_at,
                    (SELECT count(*) FROM capture o WHERE o.source_id = c.source_id AND o.id <= c.id), s.id
             FROM capture c JOIN source s ON s.id = c.source_id ORDER BY c.id",
        )?;
        let mut rows = stmt.query(())?;
        while let Some(r) = rows.next()? {
            let (id, uuid, source_uuid, sha256): (i64, String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let exists: bool = self
                .conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM capture WHERE uuid = ?1)")?
                .query_row([&uuid], |r| r.get(0))?;
            if exists {
                continue;
            }
            let (size, media_type, file_name): (i64, String, String) = (r.get(4)?, r.get(5)?, r.get(6)?);
            let (attached_by, attached_at, number, source_there): (String, String, i64, i64) =
                (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?);
            let name = format!(
                "capture {number} of {} in {} ({})",
                format_handle(Kind::Source, source_there),
                inert(&self.name),
                inert(&file_name)
            );
            let source_id = handle::by_uuid(self.conn, Kind::Source, &source_uuid)?
                .ok_or_else(|| anyhow::anyhow!("{name}: its source {source_uuid} is not in this case"))?;
            let here = super::capture::new_capture(
                self.conn,
                params![uuid, source_id, sha256, size, media_type, file_name, attached_by, attached_at],
            )?;
            let (actual, written) = {
                let mut from = super::capture::content_reader(self.other, id)?;
                let mut to = super::capture::content_writer(self.conn, here)?;
                let streamed = super::capture::stream(&mut from, |chunk| Ok(to.write_all(chunk)?))?;
                to.flush()?;
                streamed
            };
            if actual != sha256 || written != size as u64 {
                return Err(UserError::Usage(format!(
                    "{name}: its content does not match its SHA-256 (recorded {sha256}, {} bytes; the content hashes to {actual}, {} bytes): it was altered; nothing was merged",
                    grouped(size as f64),
                    grouped(written as f64)
                ))
                .into());
            }
            let number_here: i64 = self.conn.query_row(
                "SELECT count(*) FROM capture WHERE source_id = ?1 AND id <= ?2",
                params![source_id, here],
                |r| r.get(0),
            )?;
            self.outcome.count("capture").new += 1;
            self.emit(Change {
                what: What::New,
                kind: "capture",
                record: capture_handle(source_id, number_here),
                uuid,
                theirs: format!("{file_name}, {size} bytes, SHA-256 {sha256}"),
                theirs_by: format!("{attached_by} {attached_at}"),
                ..blank()
            })?;
        }
        Ok(())
    }

    /// Appends the other file's own entries to this chain, in its order.
    fn copy_entries(&mut self) -> Result<()> {
        let mut stmt = self.other.prepare(&format!(
            "SELECT {} FROM history h WHERE h.id IN (SELECT id FROM temp.merge_own) ORDER BY h.id",
            Entry::COLUMNS.split(", ").map(|c| format!("h.{c}")).collect::<Vec<_>>().join(", ")
        ))?;
        let mut rows = stmt.query(())?;
        while let Some(row) = rows.next()? {
            let entry = Entry::from_row(&row)?;
            let handle = self.local_handle(&entry)?;
            history::append_copy(self.conn, &entry, &handle)?;
        }
        Ok(())
    }

    /// How this case names what an entry is about.
    fn local_handle(&self, entry: &Entry) -> Result<String> {
        if let Some(kind) = Kind::from_table(&entry.entity) {
            return Ok(
                handle::by_uuid(self.conn, kind, &entry.entity_uuid)?.map_or_else(|| entry.handle.clone(), |id| format_handle(kind, id))
            );
        }
        if entry.entity == "capture" {
            let found: Option<(i64, i64)> = self
                .conn
                .prepare_cached(
                    "SELECT c.source_id, (SELECT count(*) FROM capture o WHERE o.source_id = c.source_id AND o.id <= c.id)
                     FROM capture c WHERE c.uuid = ?1",
                )?
                .query_row([&entry.entity_uuid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            return Ok(found.map_or_else(|| entry.handle.clone(), |(source, number)| capture_handle(source, number)));
        }
        Ok(entry.handle.clone())
    }

    /// Writes the `merge` entries kept while records were merged.
    fn write_pending(&mut self) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity, entity_uuid, handle, claim_uuid, before, after, reason FROM temp.merge_pending ORDER BY seq")?;
        let mut rows = stmt.query(())?;
        while let Some(r) = rows.next()? {
            let (entity, entity_uuid, handle): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let claim_uuid: Option<String> = r.get(3)?;
            let (before, after, reason): (String, String, String) = (r.get(4)?, r.get(5)?, r.get(6)?);
            history::append(
                self.conn,
                &self.actor,
                history::Change {
                    action: "merge",
                    entity: &entity,
                    entity_uuid: &entity_uuid,
                    handle: &handle,
                    claim_uuid: claim_uuid.as_deref(),
                    before: Some(serde_json::from_str(&before)?),
                    after: Some(serde_json::from_str(&after)?),
                    reason: &reason,
                },
            )?;
        }
        Ok(())
    }

    /// An import copied from the other file holds here only the rows that
    /// were not here already: those that were are the rows of the import
    /// that brought them here. So that `verify`'s count of each import's
    /// rows holds, the copy counts the rows that point at it, and a `merge`
    /// entry about the import records the difference.
    fn recount_imports(&mut self) -> Result<()> {
        let copied: Vec<i64> = self.imports.values().filter(|(_, copied)| *copied).map(|(id, _)| *id).collect();
        for id in copied {
            let mut held = 0i64;
            for kind in Kind::ALL {
                let table = kind.table();
                let sql = statement_text(table, "rows of an import", || {
                    format!("SELECT count(*) FROM {table} WHERE import_id = ?1")
                });
                held += self.conn.prepare_cached(sql)?.query_row([id], |r| r.get::<_, i64>(0))?;
            }
            let (uuid, file_name, inserted): (String, String, i64) =
                self.conn
                    .query_row("SELECT uuid, file_name, inserted FROM import WHERE id = ?1", [id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
            if held == inserted {
                continue;
            }
            self.conn
                .execute("UPDATE import SET inserted = ?2 WHERE id = ?1", params![id, held])?;
            history::append(
                self.conn,
                &self.actor,
                history::Change {
                    action: "merge",
                    entity: "import",
                    entity_uuid: &uuid,
                    handle: &file_name,
                    claim_uuid: None,
                    before: Some(json!({ "inserted": inserted })),
                    after: Some(json!({ "inserted": held })),
                    reason: &format!(
                        "merge of {}: {} of the rows this import brought into {} were in this case already, under the imports that brought them here",
                        self.name,
                        inserted - held,
                        self.name
                    ),
                },
            )?;
        }
        Ok(())
    }

    /// Indexes for search the rows that came with copied imports.
    fn index_imports(&mut self) -> Result<()> {
        let copied: Vec<i64> = self.imports.values().filter(|(_, copied)| *copied).map(|(id, _)| *id).collect();
        for id in copied {
            for kind in Kind::ALL {
                // Every row of the table is looked at: the copied rows may
                // be anywhere in it.
                super::search::index_import(self.conn, kind, id, 0)?;
            }
        }
        Ok(())
    }

    /// The entry that says a merge happened: the file, its head and the
    /// counts. Not written when the other file's own entries are only the
    /// records of its own merges: bringing those is not a merge of
    /// anything, and two files that merge each other in turn come to rest.
    fn merge_entry(&mut self) -> Result<()> {
        let substantive: i64 = self.other.query_row(
            "SELECT count(*) FROM history h JOIN temp.merge_own o ON o.id = h.id WHERE NOT (h.action = 'merge' AND h.entity = 'case')",
            (),
            |r| r.get(0),
        )?;
        if substantive == 0 {
            return Ok(());
        }
        let counts: Map<String, Value> = self
            .outcome
            .counts
            .iter()
            .filter(|(_, c)| *c != Counts::default())
            .map(|(kind, c)| {
                (
                    kind.to_string(),
                    json!({ "new": c.new, "updated": c.updated, "settled": c.settled }),
                )
            })
            .collect();
        let mut after = json!({
            "file": self.name,
            "head": self.outcome.head,
            "entries": self.outcome.entries,
            "records": Value::Object(counts),
        });
        if let Some(prefer) = self.options.prefer {
            after["prefer"] = json!(prefer.as_str());
        }
        let reason = if self.outcome.unverified.is_empty() {
            String::new()
        } else {
            after["unverified"] = json!(self.outcome.unverified);
            format!(
                "merged with --force-unverified: {} fails verification ({} problem{})",
                self.name,
                self.outcome.unverified.len(),
                if self.outcome.unverified.len() == 1 { "" } else { "s" }
            )
        };
        let uuid = super::record::new_uuid();
        history::append(
            self.conn,
            &self.actor,
            history::Change {
                action: "merge",
                entity: "case",
                entity_uuid: &uuid,
                handle: &self.name,
                claim_uuid: None,
                before: None,
                after: Some(after),
                reason: &reason,
            },
        )
    }
}

/// A record of the other file to merge.
struct Row {
    id: i64,
    uuid: String,
    import_id: Option<i64>,
    created_at: String,
}

/// A record that refers to one not merged yet waits for it.
fn waits(e: &anyhow::Error) -> bool {
    matches!(e.downcast_ref::<UserError>(), Some(UserError::NotFound { .. }))
}

/// What is merged as one: a field, or the fields a `mark` sets together
/// (a verdict is its status, reason, who and when: never half of one side's
/// and half of the other's).
struct Part {
    name: &'static str,
    fields: Vec<&'static str>,
}

impl Part {
    /// The part's values on one side, as people read them.
    fn shown(&self, side: &Fields) -> String {
        match self.fields.as_slice() {
            [field] => shown(side, field),
            [status, reason, ..] => format!("{}: {}", side.get(status), side.get(reason)),
            _ => String::new(),
        }
    }

    /// Who set the values on one side, and when.
    fn by(&self, side: &Fields, trail: &Trail) -> String {
        match self.fields.as_slice() {
            [field] => trail.last.get(*field).map(|s| s.by.clone()).unwrap_or_default(),
            [_, _, by, at] => format!("{} {}", side.get(by), side.get(at)),
            _ => String::new(),
        }
    }

    fn values<'f>(&self, side: &'f Fields) -> Vec<&'f str> {
        self.fields.iter().map(|f| side.get(f)).collect()
    }

    /// The values this side started from, None where one cannot be known.
    fn base(&self, side: &Fields, trail: &Trail) -> Option<Vec<String>> {
        self.fields.iter().map(|f| trail.base(f, side.get(f))).collect()
    }
}

/// The parts of a kind's records, in field order.
fn parts<R: Record>() -> Vec<Part> {
    parts_of(compared::<R>())
}

/// The parts of these fields: each on its own, but a verdict's together.
fn parts_of(fields: Vec<&'static str>) -> Vec<Part> {
    let verdict = history::VERDICT.iter().all(|f| fields.contains(f));
    let mut parts = Vec::new();
    for field in fields {
        match history::VERDICT.iter().position(|f| *f == field) {
            Some(0) if verdict => parts.push(Part {
                name: "verdict",
                fields: history::VERDICT.to_vec(),
            }),
            Some(_) if verdict => {}
            _ => parts.push(Part {
                name: field,
                fields: vec![field],
            }),
        }
    }
    parts
}

/// Merges a record's parts three ways: the merged fields (a conflict keeps
/// this side's values until settled) and the conflicts.
fn three_way<'p>(
    parts: &'p [Part],
    ours: &Fields,
    theirs: &Fields,
    trail_ours: &Trail,
    trail_theirs: &Trail,
    name: &str,
) -> (Fields, Vec<Clash<'p>>) {
    let mut merged = ours.clone();
    let mut clashes = Vec::new();
    let (mut changed_ours, mut changed_theirs) = (Vec::new(), Vec::new());
    for part in parts {
        let (o, t) = (part.values(ours), part.values(theirs));
        let (bo, bt) = (part.base(ours, trail_ours), part.base(theirs, trail_theirs));
        let same = |base: &Option<Vec<String>>, now: &[&str]| base.as_ref().is_some_and(|b| b.iter().eq(now.iter()));
        if !same(&bo, &o) {
            changed_ours.push(part.name);
        }
        if !same(&bt, &t) {
            changed_theirs.push(part.name);
        }
        if o == t {
            continue;
        }
        if bo.is_some() && bo == bt {
            if same(&bo, &o) {
                for (field, value) in part.fields.iter().zip(&t) {
                    merged.set(field, *value);
                }
                continue;
            }
            if same(&bt, &t) {
                continue;
            }
        }
        clashes.push(Clash {
            part,
            base: if bo == bt { bo.clone() } else { None },
            note: match (&bo, &bt) {
                (Some(_), Some(_)) if bo != bt => "the two files do not agree where this started".to_string(),
                (None, _) | (_, None) => "added on both sides".to_string(),
                _ => String::new(),
            },
        });
    }
    // A withdrawal on one side against changes on the other: whether the
    // record stays withdrawn is for the analysts to say.
    let retracted = parts.iter().find(|p| p.name == RETRACTED);
    if let Some(part) = retracted
        && !clashes.iter().any(|c| c.part.name == RETRACTED)
    {
        let retracts = |changed: &[&str], side: &Fields| changed.contains(&RETRACTED) && !side.get(RETRACTED).is_empty();
        let edits = |changed: &[&'static str]| changed.iter().filter(|f| **f != RETRACTED).copied().collect::<Vec<_>>().join(", ");
        let note = match (retracts(&changed_ours, ours), retracts(&changed_theirs, theirs)) {
            (true, false) if !edits(&changed_theirs).is_empty() => {
                Some(format!("retracted here, changed in {name} ({})", edits(&changed_theirs)))
            }
            (false, true) if !edits(&changed_ours).is_empty() => {
                Some(format!("retracted in {name}, changed here ({})", edits(&changed_ours)))
            }
            _ => None,
        };
        if let Some(note) = note {
            merged.set(RETRACTED, ours.get(RETRACTED));
            clashes.push(Clash {
                part,
                base: part.base(ours, trail_ours),
                note,
            });
        }
    }
    (merged, clashes)
}

/// The plan's line for a part of a record: its base and each side's values,
/// with who set them when.
fn part_change(
    what: What,
    kind: &'static str,
    record: &str,
    uuid: &str,
    part: &Part,
    base: Option<Vec<String>>,
    ((ours, trail_ours), (theirs, trail_theirs)): ((&Fields, &Trail), (&Fields, &Trail)),
) -> Change {
    Change {
        what,
        kind,
        record: record.to_string(),
        uuid: uuid.to_string(),
        field: part.name.to_string(),
        base: base.map(|values| part.shown(&Fields(part.fields.iter().copied().zip(values).collect()))),
        ours: part.shown(ours),
        theirs: part.shown(theirs),
        ours_by: part.by(ours, trail_ours),
        theirs_by: part.by(theirs, trail_theirs),
        note: String::new(),
    }
}

fn blank() -> Change {
    Change {
        what: What::New,
        kind: "",
        record: String::new(),
        uuid: String::new(),
        field: String::new(),
        base: None,
        ours: String::new(),
        theirs: String::new(),
        ours_by: String::new(),
        theirs_by: String::new(),
        note: String::new(),
    }
}

/// The fields compared: every field but the UUID and the handles that
/// stand beside a reference's UUID (references compare by UUID).
fn compared<R: Record>() -> Vec<&'static str> {
    R::FIELDS
        .iter()
        .copied()
        .filter(|f| *f != "uuid" && !R::FIELDS.contains(&format!("{f}_uuid").as_str()))
        .collect()
}

/// The fields with every reference left to its UUID: handles name other
/// records in the other file.
fn by_uuid<R: Record>(fields: &Fields) -> Fields {
    let mut out = fields.clone();
    for field in R::FIELDS {
        if R::FIELDS.contains(&format!("{field}_uuid").as_str()) {
            out.set(field, "");
        }
    }
    out
}

/// A field's value as people read it: a reference as its handle and UUID.
fn shown(fields: &Fields, field: &str) -> String {
    match field.strip_suffix("_uuid") {
        Some(name) if fields.has(name) && !fields.get(field).is_empty() => {
            format!("{} ({})", fields.get(name), fields.get(field))
        }
        _ => fields.get(field).to_string(),
    }
}

/// A few words that say which record a new one is: its slug or code, else
/// its main text.
fn describe<R: Record>(fields: &Fields) -> String {
    let mut names: Vec<&str> = R::KIND.key_column().into_iter().collect();
    if let Some((main, _)) = R::KIND.spec().search {
        names.extend(main.iter().copied());
    }
    names
        .iter()
        .map(|n| fields.get(n))
        .find(|v| !v.trim().is_empty())
        .map(|v| crate::output::shorten(v, 60))
        .unwrap_or_default()
}

/// The record that holds a slug or code here, of any kind (of `kind` first,
/// in a file written before a key named one record across kinds), with its
/// UUID.
fn key_holder(conn: &Connection, kind: Kind, value: &str) -> Result<Option<(Kind, i64, String)>> {
    let holders = super::handle::key_holders(conn, value, None)?;
    let Some(&(holder, id)) = holders.iter().find(|(k, _)| *k == kind).or(holders.first()) else {
        return Ok(None);
    };
    Ok(Some((holder, id, super::handle::uuid_of(conn, holder, id)?)))
}

/// The first of `value-2`, `value-3`... that no record holds.
fn free_variant(conn: &Connection, kind: Kind, value: &str) -> Result<String> {
    for n in 2.. {
        let candidate = format!("{value}-{n}");
        if key_holder(conn, kind, &candidate)?.is_none() {
            return Ok(candidate);
        }
    }
    unreachable!("some variant is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&'static str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(f, v)| (*f, v.to_string())).collect())
    }

    /// A side whose last shared entry gave these values.
    fn shared(pairs: &[(&str, &str)]) -> Trail {
        Trail {
            shared: pairs.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect(),
            ..Trail::default()
        }
    }

    fn part(name: &'static str) -> Part {
        Part { name, fields: vec![name] }
    }

    fn merge(parts: &[Part], ours: &Fields, theirs: &Fields, base: &Trail) -> (Fields, Vec<&'static str>) {
        let (merged, clashes) = three_way(parts, ours, theirs, base, base, "b.db");
        (merged, clashes.iter().map(|c| c.part.name).collect())
    }

    #[test]
    fn a_field_changed_on_one_side_takes_that_change_and_on_both_is_a_conflict() {
        let parts = [part("topic"), part("notes"), part("text")];
        let base = shared(&[("topic", "border"), ("notes", ""), ("text", "A claim")]);
        let ours = fields(&[("topic", "border-a"), ("notes", ""), ("text", "A claim, corrected")]);
        let theirs = fields(&[("topic", "border"), ("notes", "checked"), ("text", "A claim, fixed")]);
        let (merged, clashes) = merge(&parts, &ours, &theirs, &base);
        assert_eq!(merged.get("topic"), "border-a");
        assert_eq!(merged.get("notes"), "checked");
        assert_eq!(clashes, ["text"]);
        // The same change on both sides is no conflict.
        let theirs = fields(&[("topic", "border-a"), ("notes", ""), ("text", "A claim, corrected")]);
        assert_eq!(merge(&parts, &ours, &theirs, &base).1, Vec::<&str>::new());
    }

    #[test]
    fn a_verdict_merges_as_one_part() {
        let fields_of_claim = vec!["text", "status", "reason", "status_by", "status_at", "retracted"];
        let names: Vec<&str> = parts_of(fields_of_claim).iter().map(|p| p.name).collect();
        assert_eq!(names, ["text", "verdict", "retracted"]);
        let verdict = Part {
            name: "verdict",
            fields: history::VERDICT.to_vec(),
        };
        let base = shared(&[("status", "supported"), ("reason", "r"), ("status_by", "seed"), ("status_at", "t0")]);
        // Ours gave a new reason only; theirs a new status: one conflict,
        // never ours' reason with theirs' status.
        let ours = fields(&[
            ("status", "supported"),
            ("reason", "better"),
            ("status_by", "A"),
            ("status_at", "t1"),
        ]);
        let theirs = fields(&[("status", "refuted"), ("reason", "radar"), ("status_by", "B"), ("status_at", "t2")]);
        let parts = [verdict];
        let (merged, clashes) = merge(&parts, &ours, &theirs, &base);
        assert_eq!(clashes, ["verdict"]);
        assert_eq!(merged, ours);
        assert_eq!(parts[0].shown(&theirs), "refuted: radar");
        assert_eq!(parts[0].by(&theirs, &Trail::default()), "B t2");
    }

    #[test]
    fn a_retraction_against_an_edit_is_a_conflict_and_against_nothing_is_not() {
        let parts = [part("speaker"), part("retracted")];
        let base = shared(&[("speaker", ""), ("retracted", "")]);
        let ours = fields(&[("speaker", ""), ("retracted", "Wrong claim")]);
        let theirs = fields(&[("speaker", "Col. Kobylash"), ("retracted", "")]);
        let (merged, clashes) = merge(&parts, &ours, &theirs, &base);
        assert_eq!(clashes, ["retracted"]);
        assert_eq!(merged.get("speaker"), "Col. Kobylash");
        let untouched = fields(&[("speaker", ""), ("retracted", "")]);
        let (merged, clashes) = merge(&parts, &ours, &untouched, &base);
        assert!(clashes.is_empty());
        assert_eq!(merged.get("retracted"), "Wrong claim");
    }

    #[test]
    fn without_a_shared_start_differing_values_are_a_conflict() {
        // Added on both sides (the creating entries are each side's own).
        let parts = [part("title")];
        let mut created = Trail::default();
        created.first.insert("title".to_string(), None);
        let (_, clashes) = three_way(
            &parts,
            &fields(&[("title", "A")]),
            &fields(&[("title", "B")]),
            &created,
            &created,
            "b.db",
        );
        assert_eq!(clashes[0].note, "added on both sides");
    }
}
