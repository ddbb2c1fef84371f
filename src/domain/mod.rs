//! What commands share above the data layer: the side-by-side comparison and
//! the matrix of competing hypotheses.

pub mod ach;
pub mod compare;
