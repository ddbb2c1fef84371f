//! crosscheck: a claim-and-source verification workbench.

use std::process::ExitCode;

use crosscheck::{cli, cmd, error, pager};

fn main() -> ExitCode {
    cmd::completions::answer();
    let cli = cli::parse();
    // On a terminal, what a reading command prints goes through the pager,
    // errors included; the pager has the last of it before crosscheck ends.
    let pager = if cmd::pages(&cli) { pager::start() } else { None };
    let code = match cmd::run(cli) {
        Ok(()) => ExitCode::from(error::exit::OK),
        // `crosscheck claim list | head -1`, or a reader who quits the
        // pager: the reader has what they wanted.
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors echo file names and values: they go out inert, as every
            // message does. A closed stderr leaves nowhere to say it; the
            // exit code still does.
            crosscheck::output::say_line(&format!("crosscheck: {err:#}"));
            error::exit_code(&err)
        }
    };
    if let Some(pager) = pager {
        pager.finish();
    }
    code
}
