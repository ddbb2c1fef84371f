//! `crosscheck init`: create a case file, optionally with the shipped case.

use anyhow::Result;

use super::Ctx;
use crate::{db, seed};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Load the shipped case: the 2019 article "Joining Forces" with its sources, statements and verdicts.
    #[arg(long)]
    pub seed: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let (mut conn, created) = db::create(&ctx.db)?;
    if created {
        eprintln!("created case file {}", ctx.db.display());
    } else {
        eprintln!("case file {} exists; schema is up to date", ctx.db.display());
    }
    if args.seed {
        let tx = db::write(&mut conn)?;
        if seed::is_loaded(&tx)? {
            eprintln!("the shipped case is already loaded; nothing changed");
            return Ok(());
        }
        let at = db::now(&tx)?;
        seed::load(&tx, &at)?;
        tx.commit()?;
        let claims: i64 = conn.query_row("SELECT count(*) FROM claim", [], |r| r.get(0))?;
        eprintln!("loaded the shipped case: {claims} claims; try `crosscheck claim list` or `crosscheck compare`");
    }
    Ok(())
}
