//! `crosscheck backup FILE`: a consistent copy of the case file, made with
//! SQLite's online backup while others go on writing, checked before it
//! takes its name.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::atomic::{Partial, Replaces, Target};
use crate::error::{CheckFailed, UserError};
use crate::store::Case;
use crate::store::verify::Findings;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck backup backups/case-2019-07-24.db\n  crosscheck --db vostok.db backup /mnt/usb/vostok.db --force\n\nTo restore, check the copy, then copy it back while nobody uses the case:\n  crosscheck --db backups/case-2019-07-24.db verify\n  crosscheck --db backups/case-2019-07-24.db backup crosscheck.db --force\n\nA copy that fails verification never replaces an existing file."
)]
pub struct Args {
    /// Where to write the copy. It appears only once it is complete and checked.
    pub file: PathBuf,
    /// Replace FILE if it exists (with a copy that passes verification only).
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    if crate::store::server::is_url(&args.file) {
        let target = crate::output::inert(&crate::store::server::redact(args.file.clone()).display().to_string());
        // A case file to merge in: this one, or a backup of a server's case.
        let file = if crate::store::server::is_url(&ctx.db) {
            "FILE (a backup of this case)".to_string()
        } else {
            crate::output::inert(&ctx.db.display().to_string())
        };
        return Err(crate::error::UserError::Usage(format!(
            "backup writes a case file, not a PostgreSQL database: give the name of a file; to bring a case into a database, make an empty case there with `crosscheck --db {target} init` and merge a case file into it with `crosscheck --db {target} merge {file}`"
        ))
        .into());
    }
    let (target, findings) = copy_case(case, &ctx.db, "backup", &args.file, args.force)?;
    for line in &findings.checked {
        crate::say!("  {line}");
    }
    if !findings.problems.is_empty() {
        // A damaged case is still worth copying, but not in silence.
        return Err(CheckFailed(format!(
            "the copy {} was written, but it fails verification like the case file it was copied from:{}",
            target.shown(),
            findings.problem_list()
        ))
        .into());
    }
    let bytes = std::fs::metadata(target.resolved()).map(|m| m.len()).unwrap_or(0);
    crate::say!(
        "backed up {} to {} ({} bytes); the copy passes verify",
        ctx.db.display(),
        target.shown(),
        crate::model::grouped(bytes as f64)
    );
    Ok(())
}

/// Copies the case to `file` and checks the copy. The copy takes the name
/// only when complete; it never replaces an existing file unless `force`,
/// and never with a copy that fails its checks (a damaged or empty case
/// must not overwrite a good one). Returns the target and what the checks
/// found.
pub fn copy_case(case: &Case, db: &Path, flag: &str, file: &Path, force: bool) -> Result<(Target, Findings)> {
    let target = Target::new(flag, file, db, Replaces::AnyCase)?;
    refuse_unsafe_target(&target, force)?;
    let partial = Partial::create(&target)?;
    let findings = case
        .backup_to(&partial.path)
        .with_context(|| format!("cannot back up to {}", target.shown()))?;
    std::fs::File::open(&partial.path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", target.shown()))?;
    if !findings.problems.is_empty() && target.exists() {
        return Err(CheckFailed(format!(
            "{} was not replaced: the copy fails verification:{}",
            target.shown(),
            findings.problem_list()
        ))
        .into());
    }
    partial.finish(&target, force)?;
    Ok((target, findings))
}

/// Refuses a device or pipe (a backup is a database file), a file without
/// --force, and a database someone has open (its write-ahead log would be
/// replayed onto the copy).
fn refuse_unsafe_target(target: &Target, force: bool) -> Result<()> {
    if target.is_stream() {
        return Err(UserError::Usage(format!(
            "{} is a device or pipe; a backup is a database file: give a file name",
            target.shown()
        ))
        .into());
    }
    if target.exists() && !force {
        return Err(UserError::Conflict(format!(
            "{} exists; give --force to replace it, or choose another name",
            target.shown()
        ))
        .into());
    }
    for suffix in ["-wal", "-journal"] {
        let mut side = target.resolved().as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            return Err(UserError::Usage(format!(
                "{}{suffix} is beside {}: that database is open or was not closed cleanly, and replacing it now could damage the copy; close whatever uses it (or open it once with crosscheck to recover it) and try again",
                target.shown(),
                target.shown()
            ))
            .into());
        }
    }
    Ok(())
}
