//! `crosscheck import`: bring rows in from CSV, TSV, JSON or JSON lines. (Being built: issue 3.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("import is not built yet")
}
