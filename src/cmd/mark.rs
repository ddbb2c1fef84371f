//! `crosscheck mark CLAIM STATUS --reason TEXT`: set a verdict.

use anyhow::Result;

use super::Ctx;
use crate::model::Status;
use crate::store::Case;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// The verdict: unverified, in-review, supported, refuted, misleading, disputed, unverifiable.
    pub status: String,
    /// Why: what the evidence shows. Required: a verdict without a reason cannot be reviewed.
    #[arg(long)]
    pub reason: String,
}

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    let status = Status::parse(&args.status)?;
    let reason = super::required_reason(&args.reason)?;
    let writer = case.write(&ctx.analyst()?)?;
    let (handle, was) = writer.mark(&args.claim, status, reason)?;
    writer.commit()?;
    crate::say!("{handle} marked {status} (was {was})");
    Ok(())
}
