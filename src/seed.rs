//! The article's case that ships with crosscheck, loaded through the same
//! importer that users' files go through (`Writer::load_seed`).

use crate::store::Kind;

/// The seed files, in the order their references need.
pub const FILES: &[(Kind, &str, &str)] = &[
    (Kind::Party, "seed/parties.csv", include_str!("../seed/parties.csv")),
    (Kind::Source, "seed/sources.csv", include_str!("../seed/sources.csv")),
    (Kind::Claim, "seed/claims.csv", include_str!("../seed/claims.csv")),
    (Kind::Statement, "seed/statements.csv", include_str!("../seed/statements.csv")),
    (Kind::Evidence, "seed/evidence.csv", include_str!("../seed/evidence.csv")),
    (Kind::Hypothesis, "seed/hypotheses.csv", include_str!("../seed/hypotheses.csv")),
    (Kind::Rating, "seed/ratings.csv", include_str!("../seed/ratings.csv")),
    (Kind::Place, "seed/places.csv", include_str!("../seed/places.csv")),
    (Kind::Name, "seed/names.csv", include_str!("../seed/names.csv")),
];

/// The analyst the seed's verdicts are recorded by, where the file names none.
pub const ANALYST: &str = "seed";

/// The UUID of the seed's first claim: a case that holds it holds the seed.
pub fn first_claim_uuid() -> &'static str {
    FILES[2]
        .2
        .lines()
        .nth(1)
        .and_then(|line| line.split(',').next())
        .unwrap_or_default()
}
