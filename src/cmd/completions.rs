//! `crosscheck completions SHELL` and `crosscheck man`: what a shell and
//! `man` need, made from the same definition as `--help`.

use std::io::Write;

use std::ffi::OsStr;

use anyhow::Result;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::cli;
use crate::store::{Case, Kind};

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

/// The variable that asks crosscheck for completions instead of running a
/// command: the script `completions` prints sets it when it calls back.
pub const VAR: &str = "CROSSCHECK_COMPLETE";

/// Prints the shell's script, which asks crosscheck itself for each
/// completion, so that handles, slugs and codes come from the case file
/// (CROSSCHECK_DB, else ./crosscheck.db).
pub fn run(args: Args) -> Result<()> {
    let shells = clap_complete::env::Shells::builtins();
    let name = args.shell.to_string();
    let shell = shells
        .completer(&name)
        .ok_or_else(|| anyhow::anyhow!("no completion script for {name}"))?;
    let mut out = Vec::new();
    shell.write_registration(VAR, "crosscheck", "crosscheck", "crosscheck", &mut out)?;
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

/// Answers a shell's request for completions when VAR is set (and exits),
/// else returns and the command runs.
pub fn answer() {
    clap_complete::CompleteEnv::with_factory(cli::command).var(VAR).complete();
}

/// Adds completion from the case file to every argument that names a
/// record, found by its name: `claim`, `source`, `party`...
pub fn from_case(command: clap::Command) -> clap::Command {
    let command = command.mut_args(|arg| {
        let kind = match arg.get_id().as_str() {
            "claim" | "claims" => Some(Some(Kind::Claim)),
            "source" => Some(Some(Kind::Source)),
            "party" | "parent" => Some(Some(Kind::Party)),
            "place" => Some(Some(Kind::Place)),
            "statement" => Some(Some(Kind::Statement)),
            "evidence" => Some(Some(Kind::Evidence)),
            "hypothesis" => Some(Some(Kind::Hypothesis)),
            "record" | "item" => Some(None),
            _ => None,
        };
        match kind {
            Some(kind) => arg.add(ArgValueCompleter::new(move |typed: &OsStr| keys(kind, typed))),
            None => arg,
        }
    });
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_string()).collect();
    names.iter().fold(command, |command, name| command.mut_subcommand(name, from_case))
}

/// The case's names for records of `kind` that begin with `typed`; nothing
/// when there is no case file to read.
fn keys(kind: Option<Kind>, typed: &OsStr) -> Vec<CompletionCandidate> {
    let Some(typed) = typed.to_str() else {
        return Vec::new();
    };
    let db = std::env::var_os("CROSSCHECK_DB").unwrap_or_else(|| "crosscheck.db".into());
    let Ok(case) = Case::open(std::path::Path::new(&db)) else {
        return Vec::new();
    };
    case.completions(kind, typed)
        .unwrap_or_default()
        .into_iter()
        .map(|(value, label)| CompletionCandidate::new(value).help(Some(label.into())))
        .collect()
}
