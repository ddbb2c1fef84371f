//! crosscheck: a claim-and-source verification workbench.

use std::process::ExitCode;

use clap::Parser;

mod atomic;
mod cli;
mod cmd;
mod db;
mod error;
mod handle;
mod history;
mod import;
mod model;
mod output;
mod record;
mod report;
mod search;
mod seed;
mod store;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::from(error::exit::OK),
        // `crosscheck claim list | head -1`: the reader has what it wanted.
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("crosscheck: {err:#}");
            error::exit_code(&err)
        }
    }
}
