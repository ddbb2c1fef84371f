//! The checks of `crosscheck verify`: SQLite's own integrity check,
//! foreign keys, the append-only triggers, the history chain, every
//! preserved capture, and that each record still holds the values and times
//! its history ends with.

use std::collections::HashMap;

use super::sql::{Connection, OptionalExtension};
use anyhow::Result;

use super::Case;
use super::history;
use super::kind::{Kind, handle as format_handle};
use super::record::Record;
use crate::model::grouped;

/// At most this many problems are listed; the count says how many there were.
const MAX_LISTED: usize = 200;

/// What a check of a case file found: one line per check, and every problem.
#[derive(Debug, Default)]
pub struct Findings {
    pub checked: Vec<String>,
    /// Each check as scripts read it: its name, what it covered, and its problems.
    pub checks: Vec<Check>,
    pub problems: Vec<String>,
    /// The history has no entries (one of the problems).
    pub empty_history: bool,
}

impl Findings {
    /// The problems as one message, for `CheckFailed`.
    pub fn problem_list(&self) -> String {
        let mut text = String::new();
        for problem in self.problems.iter().take(MAX_LISTED) {
            text.push_str("\n  - ");
            text.push_str(&crate::output::inert(problem));
        }
        if self.problems.len() > MAX_LISTED {
            text.push_str(&format!("\n  ... and {} more", self.problems.len() - MAX_LISTED));
        }
        text
    }

    pub(crate) fn line(&mut self, check: &str, problems_before: usize, ok: String) {
        let found = self.problems.len() - problems_before;
        self.checks.push(Check {
            name: check.trim().to_string(),
            covered: ok.clone(),
            problems: self.problems[problems_before..].to_vec(),
        });
        let line = if found == 0 {
            format!("{check:<13}ok: {ok}")
        } else {
            format!("{check:<13}FAILED ({found} problem{}): {ok}", if found == 1 { "" } else { "s" })
        };
        self.checked.push(line);
    }
}

/// One check of `verify`.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// integrity, foreign keys, triggers, history, captures, records, imports...
    pub name: String,
    /// What it compared: "319 records compared, every field and their times...".
    pub covered: String,
    pub problems: Vec<String>,
}

/// Runs every check on an open case file. Call it inside a transaction for
/// one consistent view. A case of an older schema (a backup taken before
/// an upgrade) gets the checks that hold for every version: SQLite's own,
/// the triggers and the history chain.
pub fn check(conn: &Connection) -> Result<Findings> {
    let mut findings = Findings::default();
    if conn.is_postgres() {
        // The server checks every constraint and reference on each write,
        // and has no check of its pages to run from here.
        let before = findings.problems.len();
        findings.line("integrity", before, "kept by the PostgreSQL server".to_string());
        findings.line(
            "foreign keys",
            before,
            "enforced by the PostgreSQL server on every write".to_string(),
        );
    } else {
        integrity(conn, &mut findings)?;
        foreign_keys(conn, &mut findings)?;
    }
    triggers(conn, &mut findings)?;
    chain(conn, &mut findings)?;
    let version: i64 = conn.query_row(conn.pick("PRAGMA user_version", "SELECT version FROM crosscheck_case"), (), |r| {
        r.get(0)
    })?;
    if version < super::db::latest_version() {
        findings.checked.push(format!(
            "{:<13}not checked: schema version {version} is older than this crosscheck's ({}); records, captures and imports are checked once the case is upgraded",
            "the rest",
            super::db::latest_version()
        ));
        return Ok(findings);
    }
    let trails = Trails::read(conn)?;
    captures(conn, &trails, &mut findings)?;
    records(conn, &trails, &mut findings)?;
    names(conn, &mut findings)?;
    imports(conn, &trails, &mut findings)?;
    Ok(findings)
}

/// Names of places: the form each is matched by (`folded`) must follow from
/// its text, since search and the rule that a place has each name once read
/// it; and every party it lists as a user must be in the case, since that
/// list is JSON, which no foreign key covers.
fn names(conn: &Connection, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut stmt = conn.prepare("SELECT id, text, folded, used_by FROM name ORDER BY id")?;
    let rows: Vec<(i64, String, String, String)> = stmt
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<_>>()?;
    let mut party = conn.prepare("SELECT EXISTS (SELECT 1 FROM party WHERE id = ?1)")?;
    for (id, text, folded, used_by) in &rows {
        let name = format!("name {}", format_handle(Kind::Name, *id));
        let expected = super::search::name_key(text);
        if *folded != expected {
            findings.problems.push(format!(
                "{name}: its folded text is {folded:?}, but its text {text:?} folds to {expected:?}: it was changed outside crosscheck"
            ));
        }
        match serde_json::from_str::<Vec<i64>>(used_by) {
            Ok(ids) => {
                for party_id in ids {
                    if !party.query_row([party_id], |r| r.get::<_, bool>(0))? {
                        findings.problems.push(format!(
                            "{name} lists party {} among those that use it, which is not in the case",
                            format_handle(Kind::Party, party_id)
                        ));
                    }
                }
            }
            Err(_) => findings.problems.push(format!(
                "{name}: used_by is {used_by:?}, not a list of party ids: it was changed outside crosscheck"
            )),
        }
    }
    findings.line(
        "names",
        before,
        format!(
            "{} name{} of places, each one's matched form recomputed and the parties that use it found",
            grouped(rows.len() as f64),
            if rows.len() == 1 { "" } else { "s" }
        ),
    );
    Ok(())
}

fn integrity(conn: &Connection, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = stmt.query_map((), |r| r.get(0))?.collect::<super::sql::Result<_>>()?;
    for row in rows.into_iter().filter(|r| r != "ok") {
        findings.problems.push(format!("SQLite integrity check: {row}"));
    }
    findings.line("integrity", before, "PRAGMA integrity_check".to_string());
    Ok(())
}

fn foreign_keys(conn: &Connection, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows: Vec<(String, Option<i64>, String, i64)> = stmt
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<_>>()?;
    for (table, rowid, parent, fk) in rows {
        let column = foreign_key_column(conn, &table, fk).unwrap_or_default();
        let value = match (rowid, column.is_empty()) {
            (Some(rowid), false) => conn
                .query_row(
                    &format!("SELECT {} FROM {} WHERE rowid = ?1", quoted(&column), quoted(&table)),
                    [rowid],
                    |r| {
                        r.get::<_, rusqlite::types::Value>(0).map(|v| match v {
                            rusqlite::types::Value::Text(t) => t,
                            rusqlite::types::Value::Integer(n) => n.to_string(),
                            rusqlite::types::Value::Real(n) => n.to_string(),
                            _ => String::new(),
                        })
                    },
                )
                .unwrap_or_default(),
            _ => String::new(),
        };
        findings.problems.push(format!(
            "{} refers in {column} to {parent} {value}, which is not in the case",
            row_name(&table, rowid)
        ));
    }
    findings.line("foreign keys", before, "PRAGMA foreign_key_check".to_string());
    Ok(())
}

/// The column of a table's foreign key number `fk`.
fn foreign_key_column(conn: &Connection, table: &str, fk: i64) -> Result<String> {
    let mut stmt = conn.prepare(&format!("PRAGMA foreign_key_list({})", quoted(table)))?;
    let mut rows = stmt.query(())?;
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(0)? == fk {
            return Ok(row.get(3)?);
        }
    }
    Ok(String::new())
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A row as people know it: `claim C3`, `capture 2`, `import 1`.
fn row_name(table: &str, rowid: Option<i64>) -> String {
    match (Kind::from_table(table), rowid) {
        (Some(kind), Some(id)) => format!("{table} {}", format_handle(kind, id)),
        (None, Some(id)) => format!("{table} {id}"),
        _ => table.to_string(),
    }
}

/// The triggers that keep the history append-only, even for the sqlite3 shell.
const APPEND_ONLY: [&str; 2] = ["history_no_update", "history_no_delete"];

fn triggers(conn: &Connection, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    for name in APPEND_ONLY {
        let present: bool = conn.query_row(
            conn.pick(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'history')",
                "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = ?1 AND tgrelid = to_regclass('history') AND tgenabled <> 'D')",
            ),
            [name],
            |r| r.get(0),
        )?;
        if !present {
            findings.problems.push(format!(
                "the trigger {name} is missing: the history can be changed or deleted without a trace; it was dropped outside crosscheck"
            ));
        }
    }
    findings.line(
        "triggers",
        before,
        format!("{} append-only triggers on the history in place", APPEND_ONLY.len()),
    );
    Ok(())
}

fn chain(conn: &Connection, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let (count, mut breaks) = history::verify_chain(conn)?;
    breaks.sort_by_key(|b| b.id);
    findings.problems.extend(breaks.into_iter().map(|b| b.problem));
    let head: Option<(i64, String)> = conn
        .query_row("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1", (), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok();
    let ok = match head {
        Some((id, hash)) => format!(
            "{} entries, each hash recomputed and its link to the entry before checked; newest entry {id}, hash {hash}",
            grouped(count as f64)
        ),
        None => {
            // Nothing to vouch for: an emptied case, or an empty file made into one.
            findings.empty_history = true;
            findings.problems.push(
                "the history has no entries: nothing is on record in this case, so nothing in it can be vouched for (a case's first change writes its first entry)"
                    .to_string(),
            );
            "no entries".to_string()
        }
    };
    findings.line("history", before, ok);
    Ok(())
}

/// What the history says about one record, capture or import: the entry
/// that brought it in and the last value it gave each field.
#[derive(Debug, Default)]
struct Trail {
    first_entry: i64,
    /// A create, link, attach or import entry is on record.
    created: bool,
    /// Who wrote the creating entry, and when.
    created_by: String,
    created_at: String,
    /// When the newest entry about it was written.
    last_at: String,
    /// Field -> (value, entry that set it).
    fields: HashMap<String, (String, i64)>,
}

/// The trails in the history, read one record at a time (through the index
/// on `entity_uuid`) rather than all at once: memory stays flat whatever the
/// size of the case or of its history.
struct Trails<'c>(&'c Connection);

impl Trails<'_> {
    fn read(conn: &Connection) -> Result<Trails<'_>> {
        Ok(Trails(conn))
    }

    /// The trail of the record, capture or import with this UUID, if the
    /// history speaks of it.
    fn get(&self, uuid: &str) -> Result<Option<Trail>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT id, at, analyst, action, after, reason FROM history WHERE entity_uuid = ?1 ORDER BY id")?;
        let mut rows = stmt.query([uuid])?;
        let mut found: Option<Trail> = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let (at, analyst, action): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let after: Option<String> = r.get(4)?;
            let reason: String = r.get(5)?;
            let trail = found.get_or_insert_with(|| Trail {
                first_entry: id,
                ..Trail::default()
            });
            for (field, value) in history::values_set(&action, after.as_deref(), &analyst, &at, &reason) {
                trail.fields.insert(field, (value, id));
            }
            if matches!(action.as_str(), "create" | "link" | "attach" | "import") && !trail.created {
                trail.created = true;
                trail.created_by = analyst;
                trail.created_at = at.clone();
            }
            // The newest entry, which after a merge need not be the last
            // in the chain: entries copied from another case keep their times.
            if at > trail.last_at {
                trail.last_at = at;
            }
        }
        Ok(found)
    }

    /// Every UUID the history speaks of, with the entity, handle and id of
    /// its first entry, in the order of the UUIDs (streamed).
    fn each_subject(&self, mut each: impl FnMut(&str, &str, &str, i64) -> Result<()>) -> Result<()> {
        // A bare column beside min() comes from the row that has the minimum.
        let mut stmt = self.0.prepare(self.0.pick(
            "SELECT entity_uuid, entity, handle, min(id) FROM history GROUP BY entity_uuid ORDER BY entity_uuid",
            "SELECT DISTINCT ON (entity_uuid) entity_uuid, entity, handle, id FROM history ORDER BY entity_uuid, id",
        ))?;
        let mut rows = stmt.query(())?;
        while let Some(r) = rows.next()? {
            let (uuid, entity, handle, first): (String, String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            each(&uuid, &entity, &handle, first)?;
        }
        Ok(())
    }
}

fn captures(conn: &Connection, trails: &Trails<'_>, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut stmt = conn.prepare(
        "SELECT c.id, c.uuid, c.source_id, s.uuid, c.sha256, c.size, c.media_type, c.file_name, c.attached_by, c.attached_at,
                (SELECT count(*) FROM capture o WHERE o.source_id = c.source_id AND o.id <= c.id)
         FROM capture c JOIN source s ON s.id = c.source_id ORDER BY c.id",
    )?;
    type Row = (i64, String, i64, String, String, i64, String, String, String, String, i64);
    let rows: Vec<Row> = stmt
        .query_map((), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<super::sql::Result<_>>()?;
    let mut bytes: i64 = 0;
    for (id, uuid, source_id, source_uuid, sha256, size, media_type, file_name, attached_by, attached_at, number) in &rows {
        let name = format!(
            "capture {number} of source {} ({})",
            format_handle(Kind::Source, *source_id),
            crate::output::inert(file_name)
        );
        match super::capture::hash_content(conn, *id) {
            Ok((actual_sha, actual_size)) => {
                bytes += actual_size as i64;
                if actual_size as i64 != *size {
                    findings.problems.push(format!(
                        "{name}: its content is {} bytes, but {} were attached",
                        grouped(actual_size as f64),
                        grouped(*size as f64)
                    ));
                }
                if &actual_sha != sha256 {
                    findings.problems.push(format!(
                        "{name}: its content has changed since it was attached: its SHA-256 is now {actual_sha}, recorded {sha256}"
                    ));
                }
            }
            Err(e) => findings.problems.push(format!("{name}: its content cannot be read: {e:#}")),
        }
        let Some(trail) = trails.get(uuid)?.filter(|t| t.created) else {
            findings.problems.push(format!("{name}: no history entry records its attachment"));
            continue;
        };
        // What the entry that attached it recorded; entries written before
        // who and when were recorded in it give them as the entry's own.
        let held = [
            ("sha256", sha256.clone()),
            ("size", size.to_string()),
            ("source_uuid", source_uuid.clone()),
            ("media_type", media_type.clone()),
            ("file_name", file_name.clone()),
            ("attached_by", attached_by.clone()),
            ("attached_at", attached_at.clone()),
        ];
        for (field, value) in held {
            let recorded = match (trail.fields.get(field), field) {
                (Some((recorded, entry)), _) => Some((recorded.clone(), *entry)),
                (None, "attached_by") => Some((trail.created_by.clone(), trail.first_entry)),
                (None, "attached_at") => Some((trail.created_at.clone(), trail.first_entry)),
                (None, _) => None,
            };
            if let Some((recorded, entry)) = recorded
                && recorded != value
            {
                findings.problems.push(format!(
                    "{name}: its {field} is {:?}, but history entry {entry} recorded {:?} when it was attached: it was changed outside crosscheck",
                    crate::output::inert(&value),
                    crate::output::inert(&recorded)
                ));
            }
        }
    }
    findings.line(
        "captures",
        before,
        format!(
            "{} capture{}, {} bytes, each hashed again and compared, with its source, name, type and who attached it when, with the history",
            grouped(rows.len() as f64),
            if rows.len() == 1 { "" } else { "s" },
            grouped(bytes as f64)
        ),
    );
    Ok(())
}

fn records(conn: &Connection, trails: &Trails<'_>, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut count = 0;
    for kind in Kind::ALL {
        count += crate::with_record!(kind, R => compare_with_history::<R>(conn, trails, findings))?;
    }
    // Everything the history speaks of must still be in the case.
    let mut missing: Vec<(i64, String)> = Vec::new();
    trails.each_subject(|uuid, entity, handle, first_entry| {
        let table = match (Kind::from_table(entity), entity) {
            (Some(kind), _) => kind.table(),
            (None, table @ ("capture" | "import")) => table,
            _ => return Ok(()),
        };
        let exists: bool = conn
            .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE uuid = ?1)"))?
            .query_row([uuid], |r| r.get(0))?;
        if !exists {
            missing.push((
                first_entry,
                format!(
                    "history entry {first_entry} records {entity} {handle} ({uuid}), which is no longer in the case: it was deleted outside crosscheck"
                ),
            ));
        }
        Ok(())
    })?;
    missing.sort();
    findings.problems.extend(missing.into_iter().map(|(_, problem)| problem));
    findings.line(
        "records",
        before,
        format!(
            "{} records compared, every field and their times, with the values their history or import gave them",
            grouped(count as f64)
        ),
    );
    Ok(())
}

/// Compares each record of one kind with the values its history gave it
/// last, and its times with the entries' times. Records an import brought
/// in and nobody changed since have no entry of their own: their times are
/// the import's. References are compared by UUID (`claim_uuid`,
/// `party_uuid`...); the handles beside them follow renamed slugs. Returns
/// how many records were compared.
fn compare_with_history<R: Record>(conn: &Connection, trails: &Trails<'_>, findings: &mut Findings) -> Result<usize> {
    let table = R::KIND.table();
    // The states of ISO 3166 come with the schema, not from a command.
    let built_in = if R::KIND == Kind::Party {
        "t.kind = 'state' AND t.created_at = '1970-01-01T00:00:00.000Z'"
    } else {
        "0"
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT t.id, t.uuid, t.import_id IS NOT NULL, {built_in}, t.created_at, t.updated_at, i.imported_at
         FROM {table} t LEFT JOIN import i ON i.id = t.import_id ORDER BY t.id"
    ))?;
    let mut rows = stmt.query(())?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let (id, uuid, imported, built_in): (i64, String, bool, bool) = (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        let (created_at, updated_at, imported_at): (String, String, Option<String>) = (row.get(4)?, row.get(5)?, row.get(6)?);
        if built_in {
            continue;
        }
        let name = format!("{table} {}", format_handle(R::KIND, id));
        let not_created =
            || format!("{name} ({uuid}): no history entry records its creation: it was added outside crosscheck, or the entry was removed");
        let trail = trails.get(&uuid)?;
        let trail = trail.as_ref();
        if !imported && !trail.is_some_and(|t| t.created) {
            findings.problems.push(not_created());
            continue;
        }
        count += 1;
        // When it was written: by its creating entry, else by its import;
        // last changed at its newest entry, else when it was written.
        let created = trail.filter(|t| t.created).map(|t| t.created_at.clone()).or(imported_at);
        let changed = trail.map(|t| t.last_at.clone()).or_else(|| created.clone());
        for (field, value, expected) in [("created_at", &created_at, created), ("updated_at", &updated_at, changed)] {
            if let Some(expected) = expected
                && *value != expected
            {
                findings.problems.push(format!(
                    "{name}: {field} is {value:?}, but its history gives {expected:?}: it was changed outside crosscheck"
                ));
            }
        }
        let Some(trail) = trail else { continue };
        let fields = match R::load(conn, id).and_then(|record| record.to_fields(conn)) {
            Ok(fields) => fields,
            Err(e) => {
                findings.problems.push(format!("{name} cannot be read: {e:#}"));
                continue;
            }
        };
        for (field, value) in &fields.0 {
            // A handle beside a UUID follows renames; the UUID is compared.
            if fields.has(&format!("{field}_uuid")) {
                continue;
            }
            if let Some((recorded, entry)) = trail.fields.get(*field)
                && recorded != value
            {
                findings.problems.push(format!(
                    "{name}: {field} is {:?}, but its history (entry {entry}) gives {:?}: it was changed outside crosscheck, or history entries were removed",
                    crate::output::inert(value),
                    crate::output::inert(recorded)
                ));
            }
        }
    }
    Ok(count)
}

fn imports(conn: &Connection, trails: &Trails<'_>, findings: &mut Findings) -> Result<()> {
    let before = findings.problems.len();
    let mut rows_per_import: HashMap<i64, i64> = HashMap::new();
    for kind in Kind::ALL {
        let mut stmt = conn.prepare(&format!(
            "SELECT import_id, count(*) FROM {} WHERE import_id IS NOT NULL GROUP BY import_id",
            kind.table()
        ))?;
        for row in stmt.query_map((), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (import, n) = row?;
            *rows_per_import.entry(import).or_default() += n;
        }
    }
    let mut stmt = conn.prepare("SELECT id, uuid, file_name, inserted FROM import ORDER BY id")?;
    let imports: Vec<(i64, String, String, i64)> = stmt
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<_>>()?;
    for (id, uuid, file_name, inserted) in &imports {
        let name = format!("import {id} ({})", crate::output::inert(file_name));
        match trails.get(uuid)? {
            Some(trail) if trail.created => {
                if let Some((recorded, entry)) = trail.fields.get("inserted")
                    && recorded != &inserted.to_string()
                {
                    findings.problems.push(format!(
                        "{name}: {inserted} rows inserted, but history entry {entry} records {recorded}"
                    ));
                }
            }
            _ => findings.problems.push(format!("{name}: no history entry records it")),
        }
        let held = rows_per_import.get(id).copied().unwrap_or(0);
        if held != *inserted {
            findings
                .problems
                .push(format!("{name} inserted {inserted} rows, but {held} rows in the case come from it"));
        }
    }
    findings.line(
        "imports",
        before,
        format!(
            "{} import{} compared with their history entries and the rows they brought",
            grouped(imports.len() as f64),
            if imports.len() == 1 { "" } else { "s" }
        ),
    );
    Ok(())
}

/// Where a noted hash stands in the history: the entry that has it, its
/// place in the chain, and how many entries came after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub id: i64,
    pub position: i64,
    pub after: i64,
}

/// Finds the history entry with this hash.
fn find_hash(conn: &Connection, hash: &str) -> Result<Option<Place>> {
    Ok(conn
        .query_row(
            "SELECT id, (SELECT count(*) FROM history WHERE id <= h.id), (SELECT count(*) FROM history WHERE id > h.id)
             FROM history h WHERE hash = ?1 ORDER BY id LIMIT 1",
            [hash],
            |r| {
                Ok(Place {
                    id: r.get(0)?,
                    position: r.get(1)?,
                    after: r.get(2)?,
                })
            },
        )
        .optional()?)
}

impl Case {
    /// Runs every check on one consistent view of the case.
    pub fn verify(&self) -> Result<Findings> {
        self.verify_expecting(None)
    }

    /// Runs every check, and with `expect`, also that a hash noted earlier
    /// (`crosscheck anchor`) is an entry of the chain: a history rewritten
    /// since, even with every hash recomputed, no longer holds it.
    pub fn verify_expecting(&self, expect: Option<&str>) -> Result<Findings> {
        self.snapshot(|case| {
            let mut findings = check(case.conn())?;
            if let Some(hash) = expect {
                let before = findings.problems.len();
                let ok = match find_hash(case.conn(), hash)? {
                    Some(place) => format!(
                        "{hash} is history entry {} ({} of the chain); {} {} came after it",
                        place.id,
                        grouped(place.position as f64),
                        grouped(place.after as f64),
                        if place.after == 1 { "entry" } else { "entries" }
                    ),
                    None => {
                        findings.problems.push(format!(
                            "no history entry has the hash {hash}: the history was rewritten since that hash was noted, or the hash is another case's"
                        ));
                        format!("{hash} expected")
                    }
                };
                findings.line("anchor", before, ok);
            }
            Ok(findings)
        })
    }
}
