//! `crosscheck init`: create a case file, optionally with the shipped case.

use anyhow::Result;

use super::Ctx;
use crate::store::Case;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Load the shipped case: the 2019 article "Joining Forces" with its sources, statements and verdicts.
    #[arg(long)]
    pub seed: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let (mut case, created) = Case::create(&ctx.db)?;
    // A case on a server is a case in a database, not a file.
    let what = if crate::store::server::is_url(&ctx.db) {
        "case in"
    } else {
        "case file"
    };
    if created {
        crate::say!("created {what} {}", ctx.db.display());
    } else if case.schema().current() {
        crate::say!("{what} {} exists; schema is up to date", ctx.db.display());
    } else {
        super::ready_to_write(&mut case, ctx)?;
        crate::say!("{what} {} exists; schema is now up to date", ctx.db.display());
    }
    if args.seed {
        let writer = case.write(&ctx.analyst()?)?;
        if writer.seed_loaded()? {
            crate::say!("the shipped case is already loaded; nothing changed");
            return Ok(());
        }
        writer.load_seed()?;
        writer.commit()?;
        crate::say!(
            "loaded the shipped case: {} claims; try `crosscheck claim list` or `crosscheck compare`",
            case.claim_count()?
        );
    }
    Ok(())
}
