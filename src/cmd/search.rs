//! `crosscheck search QUERY`: full-text search in every script. (Being built: issue 5.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("search is not built yet")
}
