//! `crosscheck completions SHELL` and `crosscheck man`: what a shell and
//! `man` need, made from the same definition as `--help`.

use std::io::Write;

use crate::cli;
use anyhow::Result;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck completions bash > \\\n    ~/.local/share/bash-completion/completions/crosscheck
  crosscheck completions zsh > ~/.zfunc/_crosscheck
  crosscheck completions fish > ~/.config/fish/completions/crosscheck.fish")]
pub struct Args {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck man | man -l -
  crosscheck man > ~/.local/share/man/man1/crosscheck.1")]
pub struct ManArgs {}

pub fn run(args: Args) -> Result<()> {
    let mut command = cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "crosscheck", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// The manual page (roff), with a section for every command.
pub fn man(_: ManArgs) -> Result<()> {
    let command = cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    // Then each command's own options, which the page above only lists by name.
    for sub in command.get_subcommands().filter(|c| !c.is_hide_set()) {
        writeln!(out, ".SH \"CROSSCHECK {}\"", sub.get_name().to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff_text(&about.to_string()))?;
        }
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut out)?;
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// Text as a roff line: a leading dot or quote would be read as a request.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\\\");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}
