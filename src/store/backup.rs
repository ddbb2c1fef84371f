//! A consistent copy of a case file, made with SQLite's online backup while
//! others go on writing.

use std::path::Path;
use std::time::{Duration, Instant};

use super::sql::Connection;
use anyhow::{Context, Result};
use rusqlite::backup::{Backup, StepResult};

use super::Case;
use super::verify::Findings;

/// How long to wait for the case file when another process holds it.
const WAIT: Duration = Duration::from_secs(30);

impl Case {
    /// Copies the case into a new database file at `path` (which must not
    /// exist yet: the caller gives a temporary name), leaves it as one file
    /// with no write-ahead log, and checks the copy.
    pub fn backup_to(&self, path: &Path) -> Result<Findings> {
        let Some(from) = self.conn().sqlite() else {
            return super::export::to_file(self, path);
        };
        let mut copy = rusqlite::Connection::open(path).with_context(|| format!("cannot create {}", path.display()))?;
        copy_all(from, &mut copy)?;
        // The copy stands alone: one file, no write-ahead log beside it.
        let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", (), |r| r.get(0))?;
        let copy = Connection::from(copy);
        let findings = {
            let tx = copy.begin(false)?;
            let findings = super::verify::check(&tx)?;
            tx.rollback()?;
            findings
        };
        drop(copy);
        Ok(findings)
    }
}

/// Copies every page in one step. One step reads the case file in a single
/// transaction, so the copy is the state of one moment; in WAL mode writers
/// go on meanwhile. (Copying a few pages at a time would start over each
/// time another process writes, and might never finish on a busy case.)
fn copy_all(from: &rusqlite::Connection, to: &mut rusqlite::Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let started = Instant::now();
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if started.elapsed() < WAIT => std::thread::sleep(Duration::from_millis(50)),
            _ => anyhow::bail!("the case file stayed locked by another process for {} seconds", WAIT.as_secs()),
        }
    }
}
