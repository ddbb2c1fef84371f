//! `crosscheck backup FILE`: a consistent copy of the case file, made with
//! SQLite's online backup while others go on writing, checked before it
//! takes its name.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::atomic::Partial;
use crate::error::{CheckFailed, UserError};
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck backup backups/case-2019-07-24.db\n  crosscheck --db vostok.db backup /mnt/usb/vostok.db --force\n\nTo restore, check the copy, then copy it back while nobody uses the case:\n  crosscheck --db backups/case-2019-07-24.db verify\n  crosscheck --db backups/case-2019-07-24.db backup crosscheck.db --force"
)]
pub struct Args {
    /// Where to write the copy. It appears only once it is complete and checked.
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let target = &args.file;
    refuse_unsafe_target(&ctx.db, target, args.force)?;
    let partial = Partial::create(target)?;
    let findings = case
        .backup_to(&partial.path)
        .with_context(|| format!("cannot back up to {}", target.display()))?;
    std::fs::File::open(&partial.path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    partial.finish(target, args.force)?;
    for line in &findings.checked {
        eprintln!("  {line}");
    }
    if !findings.problems.is_empty() {
        // A damaged case is still worth copying, but not in silence.
        return Err(CheckFailed(format!(
            "the copy {} was written, but it fails verification like the case file it was copied from:{}",
            target.display(),
            findings.problem_list()
        ))
        .into());
    }
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "backed up {} to {} ({} bytes); the copy passes verify",
        ctx.db.display(),
        target.display(),
        crate::model::grouped(bytes as f64)
    );
    Ok(())
}

/// Refuses to write over the case itself, over a file without --force, or
/// over a database someone has open (its write-ahead log would be replayed
/// onto the copy).
fn refuse_unsafe_target(case: &Path, target: &Path, force: bool) -> Result<()> {
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(case), std::fs::canonicalize(target))
        && a == b
    {
        return Err(UserError::Usage(format!(
            "{} is the case file itself; give the backup another name",
            target.display()
        ))
        .into());
    }
    if target.is_dir() {
        return Err(UserError::Usage(format!(
            "{} is a directory; give the backup's file name, such as {}",
            target.display(),
            target.join("case.db").display()
        ))
        .into());
    }
    if target.exists() && !force {
        return Err(UserError::Conflict(format!(
            "{} exists; give --force to replace it, or choose another name",
            target.display()
        ))
        .into());
    }
    for suffix in ["-wal", "-journal"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            return Err(UserError::Usage(format!(
                "{} is beside {}: that database is open or was not closed cleanly, and replacing it now could damage the copy; close whatever uses it (or open it once with crosscheck to recover it) and try again",
                side.display(),
                target.display()
            ))
            .into());
        }
    }
    Ok(())
}
