//! What commands share above the data layer: the side-by-side comparison,
//! the matrix of competing hypotheses, and the names of places found in
//! claims and statements.

pub mod ach;
pub mod compare;
pub mod names;
