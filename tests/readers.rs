//! A case file is an ordinary SQLite database: the machine's own sqlite3
//! shell (Debian 12's is 3.40) and Python's sqlite3 module, which Datasette
//! uses, read every table and view of it.

mod common;

use std::process::Command;

use common::Case;

/// Every table and view of the case, as crosscheck's own connection lists them.
fn tables(case: &Case) -> Vec<String> {
    case.sql("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .into_iter()
        .map(|row| row[0].clone())
        .collect()
}

fn seeded_with_an_edit() -> Case {
    let case = Case::seeded();
    case.ok(&[
        "claim",
        "edit",
        "C1",
        "--text",
        "Russia and China share a border",
        "--reason",
        "shorter",
    ]);
    case
}

#[test]
fn the_machines_sqlite3_shell_reads_every_table_and_view() {
    let case = seeded_with_an_edit();
    let names = tables(&case);
    assert!(names.contains(&"search_index".to_string()) && names.contains(&"search_text".to_string()));
    let version = Command::new("sqlite3")
        .arg("--version")
        .output()
        .expect("the sqlite3 shell is installed (.ci/run installs Debian's sqlite3)");
    assert!(version.status.success());
    for name in &names {
        let out = Command::new("sqlite3")
            .arg("-readonly")
            .arg(case.db())
            .arg(format!("SELECT count(*) FROM \"{name}\""))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sqlite3 {} cannot read {name}: {}",
            String::from_utf8_lossy(&version.stdout).trim(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The index answers a query in the shell too.
    let out = Command::new("sqlite3")
        .arg("-readonly")
        .arg(case.db())
        .arg("SELECT count(*) FROM search_index WHERE search_index MATCH 'border'")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(String::from_utf8_lossy(&out.stdout).trim(), "0");
}

#[test]
fn pythons_sqlite3_module_reads_every_table_and_view() {
    let case = seeded_with_an_edit();
    let script = r#"
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")]
for name in names:
    db.execute('SELECT * FROM "%s" LIMIT 5' % name.replace('"', '""')).fetchall()
print(sqlite3.sqlite_version, len(names))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(case.db()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.trim().ends_with(&format!(" {}", tables(&case).len())), "{printed}");
}
