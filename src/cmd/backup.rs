//! `crosscheck backup FILE`: a consistent copy while others write. (Being built: issue 4.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("backup is not built yet")
}
