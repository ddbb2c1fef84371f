//! What commands share above the data layer: the side-by-side comparison,
//! and the names of places found in claims and statements.

pub mod compare;
pub mod names;
