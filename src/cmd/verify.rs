//! `crosscheck verify`: check the case file: SQLite's own integrity check,
//! foreign keys, the append-only triggers, the history chain, every
//! preserved capture, and that each record still holds the values and times
//! its history ends with (store/verify.rs).

use anyhow::Result;

use super::Ctx;
use crate::error::CheckFailed;
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck verify\n  crosscheck --db backup.db verify\n  crosscheck verify --other field-copy.db\n\nExits 0 when every check passes, 4 when any finds a problem; each problem names the history entry, record or capture at fault."
)]
pub struct Args {
    /// Also check the history against another case file's: every entry both hold must say the same, and each entry merged from it must have there the hash it was copied with.
    #[arg(long, value_name = "OTHER.db")]
    pub other: Option<std::path::PathBuf>,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    // One read transaction: every check sees the same state of the file,
    // while other processes go on writing.
    let mut findings = case.verify()?;
    if let Some(other) = &args.other {
        let more = case.verify_other(other)?;
        findings.checked.extend(more.checked);
        findings.problems.extend(more.problems);
    }
    super::print_line(&findings.checked.join("\n"))?;
    if findings.problems.is_empty() {
        eprintln!("{}: every check passed", ctx.db.display());
        Ok(())
    } else {
        Err(CheckFailed(format!(
            "{} failed verification: {} problem{}:{}",
            ctx.db.display(),
            findings.problems.len(),
            if findings.problems.len() == 1 { "" } else { "s" },
            findings.problem_list()
        ))
        .into())
    }
}
