//! `crosscheck verify`: check the case file: SQLite's own integrity check,
//! foreign keys, the append-only triggers, the history chain, every
//! preserved capture, and that each record still holds the values and times
//! its history ends with (store/verify.rs). With `--expect HASH`, also that
//! a hash noted earlier (`crosscheck anchor`) is still in the chain.

use anyhow::Result;

use super::Ctx;
use crate::error::{CheckFailed, UserError};
use crate::output::{self, Cell, Format, OutputArgs};
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  crosscheck verify\n  crosscheck --db backup.db verify\n  crosscheck verify --expect \\\n    3f6c0e9d2b7a4f1e8c5d6b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e\n  crosscheck verify --other field-copy.db\n\nExits 0 when every check passes, 4 when any finds a problem; each problem names the history entry, record or capture at fault.\n\nThe chain shows that no entry was changed, removed or moved, but someone who rewrites the history and recomputes every hash makes a chain that checks. Against that, give out the hash `crosscheck anchor` prints (publish it, send it to an editor), and check the case against it later with --expect."
)]
pub struct Args {
    /// A history hash noted earlier (as `crosscheck anchor` prints it): fail unless it is an entry of the chain, and say how many entries came after it.
    #[arg(long, value_name = "HASH", value_parser = parse_hash)]
    pub expect: Option<String>,
    /// Output: the checks as lines (the default), or one row per check for scripts: csv, tsv, json, jsonl (check, result, problems, covered, details).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also check the history against another case file's: every entry both hold must say the same, and each entry merged from it must have there the hash it was copied with.
    #[arg(long, value_name = "OTHER.db")]
    pub other: Option<std::path::PathBuf>,
}

/// A SHA-256 in hex, as the history holds it.
fn parse_hash(text: &str) -> Result<String, UserError> {
    let hash = text.trim().to_ascii_lowercase();
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash)
    } else {
        Err(UserError::invalid(
            "expect",
            text,
            "allowed: a history hash of 64 hex digits, as `crosscheck anchor` or `crosscheck verify` prints it",
        ))
    }
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    // One read transaction: every check sees the same state of the file,
    // while other processes go on writing.
    let mut findings = case.verify_expecting(args.expect.as_deref())?;
    if let Some(other) = &args.other {
        let more = case.verify_other(other)?;
        findings.checked.extend(more.checked);
        findings.checks.extend(more.checks);
        findings.problems.extend(more.problems);
    }
    if args.format == Format::Table {
        super::print_line(&findings.checked.join("\n"))?;
    } else {
        // Stable fields, one row a check; `details` holds every problem.
        let rows = findings.checks.iter().map(|check| {
            vec![
                Cell::Text(check.name.clone()),
                Cell::Text(if check.problems.is_empty() { "ok" } else { "failed" }.into()),
                Cell::Int(check.problems.len() as i64),
                Cell::Text(check.covered.clone()),
                Cell::Text(check.problems.join("\n")),
            ]
        });
        let output = OutputArgs {
            format: args.format,
            raw_cells: false,
            expanded: false,
        };
        output::print(
            &output,
            output::columns(&["check", "result", "problems", "covered", "details"]),
            rows,
        )?;
    }
    if findings.problems.is_empty() {
        crate::say!("{}: every check passed", ctx.db.display());
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
