//! On a terminal, output goes through the pager; otherwise never. The
//! terminal is a pseudo-terminal made by util-linux `script`, and the pager
//! a small script that records that it ran and what it was given.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::Case;

/// A pager that records that it ran (`pager.ran`) and what it read (`pager.out`).
fn recording_pager(case: &Case) -> PathBuf {
    let pager = case.path("pager");
    std::fs::write(&pager, "#!/bin/sh\necho ran >> \"$0.ran\"\ncat > \"$0.out\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pager, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    pager
}

/// A word a shell reads as itself.
fn quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// Runs crosscheck with stdout (and stderr) on a pseudo-terminal, with this
/// PAGER; returns its exit code and what reached the terminal.
fn on_terminal(case: &Case, pager: &str, args: &[&str]) -> (i32, String) {
    let line = std::iter::once(env!("CARGO_BIN_EXE_crosscheck"))
        .chain(args.iter().copied())
        .map(quoted)
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(case.dir.path())
        .env("CROSSCHECK_DB", case.db())
        .env("CROSSCHECK_ANALYST", "tester")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .env("PAGER", pager)
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs (Debian: apt-get install bsdutils)");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"),
    )
}

#[test]
fn on_a_terminal_a_listing_goes_through_the_pager() {
    let case = Case::seeded();
    let pager = recording_pager(&case);
    let (code, terminal) = on_terminal(&case, pager.to_str().unwrap(), &["claim", "list", "--format", "csv"]);
    assert_eq!(code, 0, "{terminal}");
    assert!(case.path("pager.ran").exists(), "the pager ran: {terminal}");
    let paged = std::fs::read_to_string(case.path("pager.out")).unwrap();
    assert!(paged.starts_with("handle,uuid,slug,text"), "{paged}");
    assert_eq!(paged.lines().count(), 1 + case.count("SELECT count(*) FROM claim") as usize);
    assert!(!terminal.contains("border-length"), "nothing but through the pager: {terminal}");

    // Errors go to the pager too, so that they do not cut into its screen.
    std::fs::remove_file(case.path("pager.ran")).unwrap();
    let (code, _) = on_terminal(&case, pager.to_str().unwrap(), &["claim", "show", "no-such-claim"]);
    assert_eq!(code, 3);
    let paged = std::fs::read_to_string(case.path("pager.out")).unwrap();
    assert!(paged.contains("no-such-claim"), "{paged}");
}

#[test]
fn no_pager_an_output_file_or_a_writing_command_writes_to_the_terminal() {
    let case = Case::seeded();
    let pager = recording_pager(&case);
    let pager = pager.to_str().unwrap();
    let (code, terminal) = on_terminal(&case, pager, &["--no-pager", "claim", "list", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(terminal.contains("border-length"), "{terminal}");
    let (code, terminal) = on_terminal(&case, pager, &["compare", "--no-pager", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(terminal.contains("air-patrol-2019-airspace-violated"), "{terminal}");
    let (code, _) = on_terminal(&case, pager, &["report", "claims", "--format", "md", "--output", "claims.md"]);
    assert_eq!(code, 0);
    assert!(case.path("claims.md").exists());
    let (code, terminal) = on_terminal(&case, pager, &["claim", "add", "A claim added on a terminal"]);
    assert_eq!(code, 0);
    assert!(terminal.trim().starts_with('C'), "the handle shows: {terminal}");
    assert!(!case.path("pager.ran").exists(), "the pager never ran");
}

#[test]
fn piped_output_never_goes_through_the_pager() {
    let case = Case::seeded();
    let pager = recording_pager(&case);
    for args in [
        &["claim", "list"][..],
        &["statement", "list"],
        &["compare"],
        &["report", "claims", "--format", "html"],
        &["history"],
    ] {
        let output = case.command(args).env("PAGER", &pager).stdin(Stdio::null()).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(!output.stdout.is_empty(), "{args:?}");
    }
    assert!(!case.path("pager.ran").exists(), "the pager never ran");
}

#[test]
fn a_pager_that_cannot_start_leaves_the_output_on_the_terminal() {
    let case = Case::seeded();
    let missing = case.path("no-such-pager");
    let (code, terminal) = on_terminal(&case, missing.to_str().unwrap(), &["claim", "list", "--format", "csv"]);
    assert_eq!(code, 0, "{terminal}");
    assert!(terminal.contains("border-length"), "the listing shows: {terminal}");
    assert!(
        terminal.contains("cannot start the pager") && terminal.contains("--no-pager"),
        "and says why it is not paged: {terminal}"
    );
}

#[test]
fn quitting_the_pager_before_the_end_is_success() {
    let case = Case::seeded();
    // `true` reads nothing and quits at once, as a reader who presses q; the
    // page is larger than a pipe holds, so that writing it meets the closed pipe.
    let (code, terminal) = on_terminal(&case, "true", &["report", "claims", "--format", "html"]);
    assert_eq!(code, 0, "{terminal}");
    assert!(!terminal.contains("crosscheck:"), "no error: {terminal}");
    // PAGER empty or `cat` means no pager.
    for none in ["", "cat"] {
        let (code, terminal) = on_terminal(&case, none, &["claim", "list", "--format", "csv"]);
        assert_eq!(code, 0);
        assert!(terminal.contains("border-length"), "{none:?}: {terminal}");
    }
}
