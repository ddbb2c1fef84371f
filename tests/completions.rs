//! Shell completions and the manual page come from the same definition as
//! `--help`; completions offer the case file's handles, slugs and codes.

mod common;

use common::Case;

/// What bash offers for the words of `line`, the last one being completed,
/// with the script crosscheck prints loaded and the binary on PATH.
fn bash_completes(case: &Case, script: &std::path::Path, line: &[&str]) -> Vec<String> {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_crosscheck")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let words: Vec<String> = line.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; _clap_complete_crosscheck crosscheck {} {}; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" "),
        line.len() - 1,
        words[line.len() - 1],
        words[line.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(program)
        .current_dir(case.dir.path())
        .env("PATH", path)
        .env("CROSSCHECK_DB", case.db())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_the_case_files_handles_and_slugs() {
    let case = Case::empty();
    let bash = case.ok(&["completions", "bash"]);
    let script = case.write("crosscheck.bash", &bash);
    let checked = std::process::Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    // With no case file, commands and flags still complete, and nothing is made.
    assert_eq!(bash_completes(&case, &script, &["crosscheck", "retr"]), ["retract"]);
    assert!(bash_completes(&case, &script, &["crosscheck", "claim", "show", "vos"]).is_empty());
    assert!(!case.db().exists(), "completing makes no case file");

    case.ok(&["init", "--seed"]);
    let slugs = bash_completes(&case, &script, &["crosscheck", "claim", "show", "vostok-2018-t"]);
    assert_eq!(slugs, ["vostok-2018-troops"]);
    let flags = bash_completes(&case, &script, &["crosscheck", "claim", "list", "--sta"]);
    assert_eq!(flags, ["--status"]);
    // Handles once the word begins like one; party codes for a party.
    let handles = bash_completes(&case, &script, &["crosscheck", "statement", "edit", "ST1"]);
    assert!(
        handles.contains(&"ST1".to_string()) && handles.contains(&"ST12".to_string()),
        "{handles:?}"
    );
    assert!(handles.iter().all(|h| h.starts_with("ST1")), "{handles:?}");
    let parties = bash_completes(&case, &script, &["crosscheck", "statement", "add", "C3", "RU-MO"]);
    assert_eq!(parties, ["RU-MOD"]);
    // Any kind where any record will do; a retracted record is not offered.
    case.ok(&["retract", "vostok-2018-troops", "--reason", "test"]);
    let any = bash_completes(&case, &script, &["crosscheck", "history", "vostok-2018-t"]);
    assert!(any.is_empty(), "{any:?}");

    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(case.ok(&["completions", shell]).contains("CROSSCHECK_COMPLETE"), "{shell}");
    }
    let err = case.fails(2, &["completions", "tcsh"]);
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
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
