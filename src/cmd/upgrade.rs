//! `crosscheck upgrade`: brings a case file made by an older crosscheck up
//! to date, after making a checked backup of it as it was.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Ctx;
use crate::error::{CheckFailed, UserError};
use crate::output::inert;
use crate::store::{Case, db};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck upgrade\n  crosscheck --db vostok.db upgrade --backup backups/vostok-before-upgrade.db\n\nFirst copies the case as it is (schema version and all) and checks the copy; then applies every newer migration and crosscheck's mark in one transaction, records the upgrade in the history, and verifies the result. Older crosscheck versions cannot open the upgraded case; the backup is the case as they knew it. Reading commands never upgrade; writing commands upgrade without a backup, saying so first."
)]
pub struct Args {
    /// Where to write the backup of the case as it is. Default: beside the case, NAME-schemaN.db (vostok-schema3.db).
    #[arg(long, value_name = "FILE")]
    pub backup: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let mut case = Case::open(&ctx.db)?;
    let schema = case.schema();
    let shown = inert(&ctx.db.display().to_string());
    if schema.current() {
        crate::say!(
            "case file {shown} is up to date (schema version {}); nothing was changed",
            schema.version
        );
        return Ok(());
    }
    let analyst = ctx.analyst()?;
    let file = args.backup.unwrap_or_else(|| beside(&ctx.db, schema.version));
    if file.exists() {
        // A backup never replaces anything, least of all an earlier one.
        return Err(UserError::Conflict(format!(
            "{} exists; name another file for the backup with --backup FILE. Nothing was changed",
            inert(&file.display().to_string())
        ))
        .into());
    }
    let (backup, findings) = super::backup::copy_case(&case, &ctx.db, "--backup", &file, false)?;
    // A case with nothing on record yet has nothing to lose; the upgrade
    // writes its first history entry.
    let blocking = findings.problems.len() - usize::from(findings.empty_history);
    if blocking > 0 {
        return Err(CheckFailed(format!(
            "case file {shown} was not upgraded: it fails its checks (the copy {} shows them):{}",
            backup.shown(),
            findings.problem_list()
        ))
        .into());
    }
    crate::say!(
        "backed up {shown} (schema version {}) to {}; the copy passes the checks of its version",
        schema.version,
        backup.shown()
    );
    let upgraded = case.upgrade(&analyst)?;
    let findings = case.verify()?;
    let done = match upgraded {
        Some(u) if u.from != u.to => format!("upgraded case file {shown} from schema version {} to {}", u.from, u.to),
        _ => format!(
            "marked case file {shown} as a crosscheck case (schema version {})",
            db::latest_version()
        ),
    };
    if !findings.problems.is_empty() {
        return Err(CheckFailed(format!(
            "{done}, but it fails verification; the backup {} holds the case as it was:{}",
            backup.shown(),
            findings.problem_list()
        ))
        .into());
    }
    crate::say!(
        "{done}; it passes verify. The backup {} keeps schema version {} for older crosscheck versions",
        backup.shown(),
        schema.version
    );
    Ok(())
}

/// `vostok.db` -> `vostok-schema3.db`, in the same folder.
fn beside(case: &Path, version: i64) -> PathBuf {
    let stem = case
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "case".to_string());
    let extension = case.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    case.with_file_name(format!("{stem}-schema{version}{extension}"))
}
