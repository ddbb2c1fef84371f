//! `crosscheck source attach|extract`: preserved captures of sources. (Being built: issue 4.)

use anyhow::Result;
use rusqlite::Connection;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct AttachArgs {}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {}

pub fn attach(_args: AttachArgs, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("source attach is not built yet")
}

pub fn extract(_args: ExtractArgs, _conn: &mut Connection, _ctx: &Ctx) -> Result<()> {
    anyhow::bail!("source extract is not built yet")
}
