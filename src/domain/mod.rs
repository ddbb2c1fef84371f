//! What commands share above the data layer: the side-by-side comparison.

pub mod compare;
