//! Shell completions and the manual page come from the same definition as
//! `--help`, and need no case file.

mod common;

use common::Case;

#[test]
fn completion_scripts_name_every_command_and_bash_reads_its_own() {
    let case = Case::empty();
    let bash = case.ok(&["completions", "bash"]);
    for command in ["claim", "retract", "restore", "statement", "search", "man"] {
        assert!(bash.contains(command), "bash completion lacks {command}");
    }
    let script = case.write("crosscheck.bash", &bash);
    let checked = std::process::Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(case.ok(&["completions", shell]).contains("retract"), "{shell}");
    }
    let err = case.fails(2, &["completions", "tcsh"]);
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
    assert!(std::fs::read_dir(case.dir.path()).unwrap().count() == 1, "no case file is made");
}

#[test]
fn the_manual_page_documents_every_command_and_its_options() {
    let case = Case::empty();
    let page = case.ok(&["man"]);
    assert!(page.contains(".TH crosscheck 1"), "{}", &page[..200.min(page.len())]);
    for section in ["CROSSCHECK RETRACT", "CROSSCHECK IMPORT", "CROSSCHECK COMPARE"] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "no section {section}");
    }
    assert!(page.contains("include\\-retracted"), "the options of each command are listed");
}
