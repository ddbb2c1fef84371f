//! `crosscheck report`: reports to publish or hand on. (Being built: issue 3.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("report is not built yet")
}
