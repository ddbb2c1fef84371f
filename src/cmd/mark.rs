//! `crosscheck mark CLAIM STATUS --reason TEXT`: set a verdict.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde_json::json;

use super::Ctx;
use crate::db;
use crate::error::UserError;
use crate::handle::{self, Kind};
use crate::history::{self, Change};
use crate::model::Status;
use crate::record::Record;
use crate::store::Claim;

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

pub fn run(args: Args, conn: &mut Connection, ctx: &Ctx) -> Result<()> {
    let status = Status::parse(&args.status)?;
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(UserError::missing("reason", "say why, for example --reason \"Two official sources agree\"").into());
    }
    let tx = db::write(conn)?;
    let actor = ctx.actor(&tx)?;
    let id = handle::resolve(&tx, Kind::Claim, &args.claim)?;
    let claim = Claim::load(&tx, id)?;
    tx.execute(
        "UPDATE claim SET status = ?2, status_reason = ?3, status_by = ?4, status_at = ?5, updated_at = ?5 WHERE id = ?1",
        params![id, status.as_str(), reason, actor.analyst, actor.at],
    )?;
    let handle = handle::format(Kind::Claim, id);
    history::append(
        &tx,
        &actor,
        Change {
            action: "mark",
            entity: "claim",
            entity_uuid: claim.uuid(),
            handle: &handle,
            claim_uuid: Some(claim.uuid()),
            before: Some(json!({"status": claim.status.as_str(), "reason": claim.reason})),
            after: Some(json!({"status": status.as_str(), "reason": reason})),
            reason,
        },
    )?;
    tx.commit()?;
    eprintln!("{handle} marked {status} (was {})", claim.status);
    Ok(())
}
