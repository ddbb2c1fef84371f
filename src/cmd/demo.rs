//! `crosscheck demo`: the shipped case, built in memory, at a glance.

use std::io::Write;

use anyhow::Result;

use super::Ctx;
use crate::output::{self, Format, OutputArgs, Terminal, shorten};
use crate::{db, seed};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_: Args, _: &Ctx) -> Result<()> {
    let mut conn = db::memory()?;
    let tx = db::write(&mut conn)?;
    let at = db::now(&tx)?;
    seed::load(&tx, &at)?;
    tx.commit()?;

    let mut stmt = conn.prepare(
        "SELECT 'C' || id || CASE WHEN slug IS NULL THEN '' ELSE ' ' || slug END, text, status, status_reason FROM claim ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(vec![
                r.get::<_, String>(0)?,
                shorten(&r.get::<_, String>(1)?, 90),
                r.get(2)?,
                shorten(&r.get::<_, String>(3)?, 120),
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let claims = rows.len();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Joining Forces: Russia and China are Fostering Military Cooperation (2019): {claims} claims and their verdicts\n"
    )?;
    writeln!(
        out,
        "{}",
        output::render_table(&["claim", "text", "verdict", "reason"], rows.into_iter(), Terminal::detect())
    )?;
    writeln!(
        out,
        "\nContested claims, side by side: what each party said, when, and where it is recorded\n"
    )?;
    drop(out);
    let (rows, parties) = super::compare::build(&conn, &[], None, Some("RU,CN,JP,KR,others"))?;
    super::compare::print(
        &rows,
        &parties,
        &OutputArgs {
            format: Format::Table,
            raw_cells: false,
        },
    )?;
    eprintln!("\nFull texts and reasons: `crosscheck init --seed`, then `crosscheck claim show C6`.");
    eprintln!("This case was built in memory; nothing was written. `crosscheck init --seed` creates a case file with it.");
    Ok(())
}
