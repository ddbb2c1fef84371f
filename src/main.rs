//! crosscheck: a claim-and-source verification workbench.

use std::process::ExitCode;

use crosscheck::{cli, cmd, error};

fn main() -> ExitCode {
    cmd::completions::answer();
    let cli = cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::from(error::exit::OK),
        // `crosscheck claim list | head -1`: the reader has what it wanted.
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors echo file names and values: they go out inert, as every
            // message does. A closed stderr leaves nowhere to say it; the
            // exit code still does.
            crosscheck::output::say_line(&format!("crosscheck: {err:#}"));
            error::exit_code(&err)
        }
    }
}
