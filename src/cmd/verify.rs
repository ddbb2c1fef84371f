//! `crosscheck verify`: check the case file, the history chain and every capture. (Being built: issue 4.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("verify is not built yet")
}
