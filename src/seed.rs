//! The article's case that ships with crosscheck, loaded through the same
//! importer that users' files go through.

use anyhow::Result;
use rusqlite::Connection;

use crate::history::Actor;
use crate::import::{self, Entity, Options};

/// The seed files, in the order their references need.
pub const FILES: &[(Entity, &str, &str)] = &[
    (Entity::Parties, "seed/parties.csv", include_str!("../seed/parties.csv")),
    (Entity::Sources, "seed/sources.csv", include_str!("../seed/sources.csv")),
    (Entity::Claims, "seed/claims.csv", include_str!("../seed/claims.csv")),
    (Entity::Statements, "seed/statements.csv", include_str!("../seed/statements.csv")),
    (Entity::Evidence, "seed/evidence.csv", include_str!("../seed/evidence.csv")),
];

/// The analyst the seed's verdicts are recorded by.
pub const ANALYST: &str = "seed";

/// Loads the case into an open transaction.
pub fn load(conn: &Connection, at: &str) -> Result<()> {
    let actor = Actor {
        analyst: ANALYST.to_string(),
        at: at.to_string(),
    };
    for (entity, name, text) in FILES {
        import::import_csv(conn, &actor, *entity, Options::default(), name, text.as_bytes())?;
    }
    Ok(())
}

/// True when the case already holds the seed (its first claim is there).
pub fn is_loaded(conn: &Connection) -> Result<bool> {
    let first_claim_uuid = FILES[2]
        .2
        .lines()
        .nth(1)
        .and_then(|line| line.split(',').next())
        .unwrap_or_default();
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM claim WHERE uuid = ?1)", [first_claim_uuid], |r| {
            r.get(0)
        })?,
    )
}
