//! Output longer than a screen goes through a pager, as git's does: `$PAGER`,
//! else `less -FRX` (which quits at once when the output fits the screen,
//! passes colour through and leaves the text on the screen). Only when
//! stdout is a terminal; never with `--no-pager`, and never for a command
//! whose output is not for reading there. A pager that cannot be started
//! leaves the output on stdout as it is.
//!
//! The pager is a child process whose input replaces stdout (and stderr,
//! when that is the same terminal, so that messages do not cut into the
//! pager's screen); `finish` gives the terminal back and waits for the
//! reader to quit. A reader who quits early closes the pipe, which `main`
//! counts as success.

use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The terminal behind the pager, as it was before stdout became the pipe
/// to it: tables are laid out and coloured for it.
static TERMINAL: OnceLock<crate::output::Terminal> = OnceLock::new();

/// The terminal the pager shows the output on, when output goes through one.
pub fn terminal() -> Option<crate::output::Terminal> {
    TERMINAL.get().copied()
}

/// A running pager.
pub struct Pager {
    child: Child,
    /// The descriptors the pipe replaced (stdout, and stderr when it went
    /// too), with copies of what they were.
    #[cfg(unix)]
    replaced: Vec<(i32, std::os::fd::OwnedFd)>,
}

/// The pager to run: `$PAGER` (none when it is empty or `cat`), else
/// `less -FRX`. Returns the command and whether the user chose it.
fn command() -> Option<(Command, bool)> {
    let chosen = std::env::var_os("PAGER");
    let Some(text) = chosen.as_ref().map(|p| p.to_string_lossy().trim().to_string()) else {
        let mut less = Command::new("less");
        less.arg("-FRX");
        return Some((less, false));
    };
    if text.is_empty() || text == "cat" {
        return None;
    }
    // As git does: a command line with shell syntax goes to the shell; a
    // plain one runs directly, so that a program that is not there is
    // known at once and the output still shows.
    let shell = text.chars().any(|c| "|&;<>()$`\\\"'*?[#~=%{}".contains(c));
    let mut command = if shell {
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(&text);
        sh
    } else {
        let mut words = text.split_whitespace();
        let mut direct = Command::new(words.next()?);
        direct.args(words);
        direct
    };
    // What git sets for a pager of the user's choice, unless they set it.
    for (name, value) in [("LESS", "FRX"), ("LV", "-c")] {
        if std::env::var_os(name).is_none() {
            command.env(name, value);
        }
    }
    Some((command, true))
}

/// Starts the pager when stdout is a terminal, and sends stdout (and stderr
/// on the same terminal) to it. Returns None, and changes nothing, when
/// there is no terminal or no pager, or when the pager cannot be started.
pub fn start() -> Option<Pager> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let (mut command, chosen) = command()?;
    let terminal = crate::output::Terminal::detect();
    let child = match command.stdin(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(err) => {
            // A pager the user named and that is not there is worth a word;
            // a machine without less simply gets plain output.
            if chosen {
                crate::say!(
                    "warning: cannot start the pager {:?} from PAGER ({err}); writing to the terminal instead (--no-pager turns paging off)",
                    std::env::var("PAGER").unwrap_or_default()
                );
            }
            return None;
        }
    };
    let pager = redirect(child)?;
    let _ = TERMINAL.set(terminal);
    Some(pager)
}

#[cfg(unix)]
fn redirect(mut child: Child) -> Option<Pager> {
    use std::io::{IsTerminal, Write};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let input = child.stdin.take()?;
    let _ = std::io::stdout().flush();
    let mut pager = Pager {
        child,
        replaced: Vec::new(),
    };
    let stderr_too = std::io::stderr().is_terminal();
    for fd in [libc::STDOUT_FILENO, libc::STDERR_FILENO] {
        if fd == libc::STDERR_FILENO && !stderr_too {
            continue;
        }
        // SAFETY: dup and dup2 on descriptors this process owns; a copy
        // that fails is never used.
        let copy = unsafe { libc::dup(fd) };
        if copy < 0 {
            pager.restore();
            return None;
        }
        // SAFETY: `copy` is a new descriptor that nothing else owns.
        pager.replaced.push((fd, unsafe { OwnedFd::from_raw_fd(copy) }));
        if unsafe { libc::dup2(input.as_raw_fd(), fd) } < 0 {
            pager.restore();
            return None;
        }
    }
    // The pipe's other copies are stdout (and stderr) now.
    drop(input);
    Some(pager)
}

#[cfg(not(unix))]
fn redirect(mut child: Child) -> Option<Pager> {
    let _ = child.kill();
    let _ = child.wait();
    None
}

impl Pager {
    #[cfg(unix)]
    fn restore(&mut self) {
        use std::os::fd::AsRawFd;
        for (fd, copy) in self.replaced.drain(..) {
            // SAFETY: puts back a descriptor this process owns.
            unsafe { libc::dup2(copy.as_raw_fd(), fd) };
        }
    }

    #[cfg(not(unix))]
    fn restore(&mut self) {}

    /// Ends the output: the pager gets the end of its input, and the
    /// reader has it until they quit.
    pub fn finish(mut self) {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        self.restore();
        let _ = self.child.wait();
    }
}
