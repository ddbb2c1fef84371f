//! crosscheck: a claim-and-source verification workbench.
//!
//! The layers, each calling only the ones below it:
//! `cli` (parsing) -> `cmd` (one file per command) -> `domain` and `report`
//! (comparison, documents) -> `store` (every SQL statement, the row
//! mapping, transactions and the one write path) -> SQLite.

pub mod atomic;
pub mod cli;
pub mod cmd;
pub mod domain;
pub mod error;
pub mod model;
pub mod output;
pub mod pager;
pub mod report;
pub mod seed;
pub mod store;
