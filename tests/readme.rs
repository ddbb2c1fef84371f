//! The README is true today: its walkthrough runs as written, and every
//! command crosscheck has is documented in it.

mod common;

use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The code block after the walkthrough marker.
fn walkthrough(readme: &str) -> String {
    let start = readme.find("<!-- walkthrough").expect("the README marks its walkthrough");
    let block = &readme[start..];
    let open = block.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let close = block[open..].find("```").unwrap();
    block[open..open + close].to_string()
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let (stdout, case) = run_script(&walkthrough(&readme()));
    // What the README says the walkthrough shows.
    for promised in [
        "RU-MOD: 300,000 servicemen",
        "the-diplomat: 50,000–100,000 servicemen",
        "spread: 50,000 to 300,000 (6×)",
    ] {
        assert!(stdout.contains(promised), "the README promises {promised:?}\n{stdout}");
    }
    let disputed = std::fs::read_to_string(case.path("disputed.csv")).unwrap();
    let rows = common::csv_records(&disputed);
    assert_eq!(rows.len(), 2, "{disputed}");
    assert!(rows[1].contains(&"vostok-troops".to_string()));
    let who = common::sql(&case.path("vostok.db"), "SELECT DISTINCT analyst FROM history");
    assert_eq!(who, [["R. Checker"]]);
}

/// Every sh block in the README, each run on its own in a new folder, except
/// the quick start's cargo commands (which this very test run is).
#[test]
fn every_example_in_the_readme_runs_as_written() {
    let readme = readme();
    let blocks: Vec<&str> = readme
        .split("```sh\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").unwrap()])
        .filter(|block| !block.contains("cargo "))
        .collect();
    assert!(blocks.len() >= 5, "the README's examples were not found");
    for block in blocks {
        run_script(block);
    }
}

fn run_script(script: &str) -> (String, common::Case) {
    let case = common::Case::empty();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_crosscheck")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .current_dir(case.dir.path())
        .env("PATH", path)
        .env_remove("CROSSCHECK_DB")
        .env_remove("CROSSCHECK_ANALYST")
        .env("NO_COLOR", "1")
        // Wide enough that no figure is wrapped across lines.
        .env("COLUMNS", "400")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "a README example failed\n--- script\n{script}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, case)
}

#[test]
fn every_command_is_documented_in_the_readme() {
    let readme = readme();
    let help = Command::new(env!("CARGO_BIN_EXE_crosscheck")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 10, "{help}");
    for command in commands {
        assert!(
            readme.contains(&format!("crosscheck {command}")),
            "the README does not document `crosscheck {command}`"
        );
    }
}
