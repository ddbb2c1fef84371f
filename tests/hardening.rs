//! The case file is never overwritten, adopted or upgraded by accident.
//! Each test reproduces one way a case used to be destroyed, adopted or
//! quietly changed, or input that used to exhaust memory or reach the
//! terminal raw, through the real binary.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Case, csv_records};
use crosscheck::store::Entry;
use sha2::{Digest, Sha256};

/// The SHA-256 of a file's bytes.
fn file_hash(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(suffix);
    PathBuf::from(text)
}

/// Runs the command with `input` on stdin, written while the command reads
/// (a command that stops reading early is no error here). Returns the exit
/// code and stderr.
fn run_fed(case: &Case, args: &[&str], input: impl FnOnce(&mut dyn Write) + Send + 'static) -> (i32, String) {
    let mut child = case
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || input(&mut stdin));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

const APPLICATION_ID: i64 = 0x7863_686B;

/// The schema version this crosscheck writes.
fn latest() -> i64 {
    crosscheck::store::db::latest_version()
}

// ------------------------------------------------------------ 1. writing onto the case

#[test]
fn nothing_writes_onto_the_case_file_or_the_files_beside_it() {
    let case = Case::seeded();
    let page = case.write("page.html", "<html><body>kept</body></html>");
    case.ok(&["source", "attach", "S1", page.to_str().unwrap()]);
    let rows = case.write("rows.csv", "title,reliability\nA bad grade,Z\n");
    let db = case.db();
    let db = db.to_str().unwrap();
    let before = file_hash(&case.db());
    let attempts: [&[&str]; 5] = [
        &["report", "claims", "--format", "csv", "--output", db],
        &["export", "claimreview", "--url-base", "https://desk.example/", "--output", db],
        &["source", "extract", "S1", "--output", db, "--force"],
        &["import", rows.to_str().unwrap(), "--into", "sources", "--skip-invalid", db],
        &["backup", db, "--force"],
    ];
    for args in attempts {
        let stderr = case.fails(2, args);
        assert!(
            stderr.contains(&format!(": that is the case file itself ({db}): nothing was written")),
            "{args:?}: {stderr}"
        );
    }
    // SQLite's own files beside the case.
    for (suffix, what) in [
        ("-wal", "write-ahead log"),
        ("-shm", "shared-memory index"),
        ("-journal", "rollback journal"),
    ] {
        let target = format!("{db}{suffix}");
        let stderr = case.fails(2, &["report", "claims", "--format", "csv", "--output", &target]);
        assert!(
            stderr.contains(&format!("that is {db}{suffix}, the {what} of the case file {db}")),
            "{stderr}"
        );
        assert!(!Path::new(&target).exists(), "{target} was made");
    }
    // Through a link to the case, a link to its folder, or a hard link.
    std::os::unix::fs::symlink(case.db(), case.path("link.csv")).unwrap();
    std::os::unix::fs::symlink(case.dir.path(), case.path("alias")).unwrap();
    std::fs::hard_link(case.db(), case.path("hard.db")).unwrap();
    for target in ["link.csv", "alias/case.db", "alias/case.db-wal"] {
        let stderr = case.fails(2, &["report", "claims", "--format", "csv", "--output", target]);
        assert!(
            stderr.contains("of the case file") || stderr.contains("the case file itself"),
            "{target}: {stderr}"
        );
    }
    let stderr = case.fails(2, &["report", "claims", "--format", "csv", "--output", "hard.db"]);
    assert!(stderr.contains("that is the case file"), "{stderr}");
    assert!(stderr.contains("hard link"), "{stderr}");
    std::fs::remove_file(case.path("hard.db")).unwrap();
    assert_eq!(file_hash(&case.db()), before, "the case file changed");
    // Another case file is no report's target either.
    let other = Case::new();
    let stderr = case.fails(
        2,
        &["report", "claims", "--output", other.db().to_str().unwrap(), "--format", "csv"],
    );
    assert!(stderr.contains("that is a crosscheck case file"), "{stderr}");
    case.ok(&["verify"]);
}

// ------------------------------------------------------------ 2. adopting files that are not cases

#[test]
fn an_empty_file_is_not_a_case_and_cannot_be_restored_over_one() {
    let case = Case::seeded();
    let db = case.db();
    let db = db.to_str().unwrap();
    let empty = case.write("bk.db", "");
    for args in [&["--db", "bk.db", "verify"][..], &["--db", "bk.db", "backup", db, "--force"]] {
        let stderr = case.fails(1, args);
        assert!(
            stderr.contains("bk.db is not a crosscheck case file: it is empty (0 bytes)"),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    assert_eq!(case.count("SELECT count(*) FROM claim"), 37);
    // A case with nothing on record fails verify, so it never replaces one.
    case.ok(&["--db", "fresh.db", "init"]);
    let stderr = case.fails(4, &["--db", "fresh.db", "verify"]);
    assert!(
        stderr.contains("the history has no entries: nothing is on record in this case"),
        "{stderr}"
    );
    let stderr = case.fails(4, &["--db", "fresh.db", "backup", db, "--force"]);
    assert!(
        stderr.contains(&format!("{db} was not replaced: the copy fails verification")),
        "{stderr}"
    );
    assert_eq!(case.count("SELECT count(*) FROM claim"), 37);
    case.ok(&["verify"]);
}

#[test]
fn files_that_are_not_cases_are_refused_and_left_byte_for_byte() {
    let case = Case::empty();
    let other = case.path("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text); INSERT INTO notes VALUES ('kept')")
        .unwrap();
    let marked = case.path("geo.gpkg");
    rusqlite::Connection::open(&marked)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1196444487; CREATE TABLE features (x)")
        .unwrap();
    let text = case.write("notes.db", "claim,text\n1,hello\n");
    for (file, why) in [
        (&other, "it is an SQLite database, but not one crosscheck made"),
        (&marked, "it is the SQLite database of another program (application id 0x47504b47)"),
        (&text, "it is not an SQLite database"),
    ] {
        let bytes = std::fs::read(file).unwrap();
        let name = file.to_str().unwrap();
        let commands: [&[&str]; 6] = [
            &["claim", "list"],
            &["source", "add", "Adopted?"],
            &["verify"],
            &["backup", "copy.db"],
            &["init"],
            &["upgrade"],
        ];
        for args in commands {
            let stderr = case.fails(1, &[&["--db", name][..], args].concat());
            assert!(
                stderr.contains(&format!("{name} is not a crosscheck case file: {why}. Nothing was changed")),
                "{args:?}: {stderr}"
            );
        }
        assert_eq!(std::fs::read(file).unwrap(), bytes, "{name} changed");
        for suffix in ["-wal", "-shm", "-journal"] {
            assert!(!side(file, suffix).exists(), "{name}{suffix} was left");
        }
    }
    assert!(!case.path("copy.db").exists());
    assert_eq!(common::sql(&other, "SELECT count(*) FROM sqlite_master"), [["1"]]);
}

#[test]
fn init_makes_a_marked_case_of_a_new_path_or_an_empty_file() {
    let case = Case::empty();
    case.write("case.db", "");
    case.ok(&["init"]);
    assert_eq!(case.count("PRAGMA application_id"), APPLICATION_ID);
    assert_eq!(case.count("PRAGMA user_version"), latest());
    assert_eq!(case.count("PRAGMA page_size"), crosscheck::store::db::PAGE_SIZE);
    let fresh = Case::new();
    assert_eq!(fresh.count("PRAGMA application_id"), APPLICATION_ID);
    assert_eq!(fresh.count("PRAGMA page_size"), 16384);
    // The mark is where `file` and any SQLite tool look: bytes 68 to 71.
    assert_eq!(&std::fs::read(fresh.db()).unwrap()[68..72], b"xchk");
}

// ------------------------------------------------------------ 3. upgrading on read

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A case as crosscheck made it at schema version 3, before it marked its
/// files: one source and the history entry that created it.
fn older_case() -> Case {
    use rusqlite::functions::FunctionFlags;
    let case = Case::empty();
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.create_scalar_function("cc_search_text", 1, FunctionFlags::SQLITE_UTF8, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.unwrap_or_default())
    })
    .unwrap();
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
    for sql in [
        include_str!("../migrations/0001_schema.sql"),
        include_str!("../migrations/0002_states.sql"),
        include_str!("../migrations/0003_search.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 3).unwrap();
    let (source, entry, at) = (
        "0190f1a2-0000-7000-8000-000000000001",
        "0190f1a2-0000-7000-8000-000000000002",
        "2019-07-24T09:00:00.000Z",
    );
    let after = r#"{"title":"Report from before the upgrade"}"#;
    conn.execute(
        "INSERT INTO source (uuid, title, created_at, updated_at) VALUES (?1, 'Report from before the upgrade', ?2, ?2)",
        [source, at],
    )
    .unwrap();
    // The hash as crosscheck computes it (src/store/history.rs).
    let hash = Entry {
        id: 1,
        uuid: entry.to_string(),
        at: at.to_string(),
        analyst: "old-analyst".to_string(),
        action: "create".to_string(),
        entity: "source".to_string(),
        entity_uuid: source.to_string(),
        handle: "S1".to_string(),
        claim_uuid: None,
        before: None,
        after: Some(after.to_string()),
        reason: String::new(),
        prev_hash: GENESIS.to_string(),
        hash: String::new(),
        origin_hash: None,
    }
    .expected_hash();
    conn.execute(
        "INSERT INTO history (uuid, at, analyst, action, entity, entity_uuid, handle, after, reason, prev_hash, hash)
         VALUES (?1, ?2, 'old-analyst', 'create', 'source', ?3, 'S1', ?4, '', ?5, ?6)",
        [entry, at, source, after, GENESIS, &hash],
    )
    .unwrap();
    drop(conn);
    case
}

/// A case as crosscheck made it at schema version 9, when the slug of
/// every source and claim, given or not, had an entry in its UNIQUE index:
/// sources and claims with and without slugs, a statement and evidence
/// that refer to them, and their history. This crosscheck makes the records;
/// they are then copied into a file made by migrations 1 to 9.
fn schema_9_case() -> Case {
    use rusqlite::functions::FunctionFlags;
    let case = Case::new();
    case.ok(&[
        "source",
        "add",
        "Joint patrol over the East Sea",
        "--publisher",
        "防衛省",
        "--slug",
        "mod-patrol",
    ]);
    case.ok(&["source", "add", "Российские и китайские самолеты", "--publisher", "Интерфакс"]);
    case.ok(&["source", "add", "竹島の領空を侵犯", "--publisher", "NHK"]);
    case.ok(&["claim", "add", "Bombers flew a joint patrol", "--slug", "bombers"]);
    case.ok(&["claim", "add", "The airspace was violated"]);
    case.ok(&[
        "statement",
        "add",
        "bombers",
        "RU",
        "affirms",
        "--source",
        "mod-patrol",
        "--quote",
        "a joint air patrol",
    ]);
    case.ok(&["evidence", "add", "C2", "S3", "supports", "--excerpt", "violated the airspace"]);
    let old = case.path("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.create_scalar_function("cc_search_text", 1, FunctionFlags::SQLITE_UTF8, |ctx| {
        Ok(crosscheck::store::search::index_text(&ctx.get::<String>(0)?).into_owned())
    })
    .unwrap();
    for (_, sql) in &crosscheck::store::db::MIGRATIONS[..9] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM party;").unwrap();
    conn.execute("ATTACH ?1 AS current", [case.db().to_str().unwrap()]).unwrap();
    for table in [
        "import",
        "party",
        "source",
        "claim",
        "statement",
        "evidence",
        "hypothesis",
        "rating",
        "place",
        "name",
        "capture",
        "history",
    ] {
        conn.execute_batch(&format!("INSERT INTO main.{table} SELECT * FROM current.{table}"))
            .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO search_index (rowid, main, more) SELECT key, cc_search_text(main), cc_search_text(more) FROM search_text;
         DETACH current;",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", 9).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
    drop(conn);
    std::fs::rename(&old, case.db()).unwrap();
    case
}

#[test]
fn a_schema_9_case_upgrades_to_slugs_indexed_where_given_and_still_verifies() {
    let case = schema_9_case();
    assert_eq!(case.count("PRAGMA user_version"), 9);
    let indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('source', 'claim') ORDER BY name";
    assert_eq!(
        case.sql(indexes),
        [
            ["claim_status"],
            ["claim_topic"],
            ["sqlite_autoindex_claim_1"],
            ["sqlite_autoindex_claim_2"],
            ["sqlite_autoindex_source_1"],
            ["sqlite_autoindex_source_2"]
        ]
    );
    let records = ["source", "claim", "statement", "evidence"].map(|t| case.sql(&format!("SELECT * FROM {t} ORDER BY id")));
    let run = case.run(&["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = format!(
        "upgraded case file {} from schema version 9 to {}; it passes verify",
        case.db().display(),
        latest()
    );
    assert!(run.stderr.contains(&said), "{said:?} not in\n{}", run.stderr);
    assert_eq!(case.count("PRAGMA user_version"), latest());
    // The same rows under the same ids, and the slug indexed only where given.
    assert_eq!(
        ["source", "claim", "statement", "evidence"].map(|t| case.sql(&format!("SELECT * FROM {t} ORDER BY id"))),
        records
    );
    assert_eq!(
        case.sql(indexes),
        [
            ["claim_slug"],
            ["claim_status"],
            ["claim_topic"],
            ["source_slug"],
            ["sqlite_autoindex_claim_1"],
            ["sqlite_autoindex_source_1"]
        ]
    );
    assert_eq!(
        case.sql("SELECT sql FROM sqlite_master WHERE name = 'source_slug'"),
        [["CREATE UNIQUE INDEX source_slug ON source (slug) WHERE slug IS NOT NULL"]]
    );
    case.ok(&["verify"]);

    // Search finds what it found, by title, publisher and CJK text.
    for (query, handle) in [
        ("防衛", "S1"),
        ("Интерфакс", "S2"),
        ("領空", "S3"),
        ("Bombers", "C1"),
        ("\"air patrol\"", "ST1"),
    ] {
        assert_eq!(case.found(query), [handle], "search {query}");
    }
    // Slugs still name one record each, without regard to case.
    assert!(
        case.ok(&["source", "show", "MOD-PATROL"])
            .contains("Joint patrol over the East Sea")
    );
    assert_eq!(
        case.fails(2, &["source", "add", "Another report", "--slug", "Mod-Patrol"]),
        "crosscheck: source slug \"Mod-Patrol\" is already taken in this case; choose another\n"
    );
    assert_eq!(
        case.fails(2, &["claim", "add", "Another claim", "--slug", "BOMBERS"]),
        "crosscheck: claim slug \"BOMBERS\" is already taken in this case; choose another\n"
    );
    case.ok(&["source", "add", "A second source without a slug"]);
    case.ok(&["claim", "add", "A second claim without a slug"]);
    case.write("sources.csv", "title\nImported without a slug\nAnd another\n");
    case.ok(&["import", "sources.csv", "--into", "sources"]);
    assert_eq!(case.count("SELECT count(*) FROM source WHERE slug IS NULL"), 5);
    case.ok(&["verify"]);
}

#[test]
fn reading_an_older_case_changes_nothing_and_names_the_upgrade() {
    let case = older_case();
    let rows = case.write("rows.csv", "title\nA report\n");
    let before = file_hash(&case.db());
    let commands: [&[&str]; 8] = [
        &["import", rows.to_str().unwrap(), "--into", "sources", "--dry-run"],
        &["claim", "list"],
        &["source", "show", "S1"],
        &["verify"],
        &["history"],
        &["report", "sources", "--format", "csv"],
        &["search", "Report"],
        &["compare"],
    ];
    for args in commands {
        let stderr = case.fails(1, args);
        assert!(
            stderr.contains(&format!("has schema version 3; this crosscheck reads version {}. Nothing was changed: `crosscheck upgrade` brings the case up to date after making a checked backup", latest())),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(file_hash(&case.db()), before, "reading changed the file");
    assert_eq!(case.count("PRAGMA user_version"), 3);
    // A backup reads it as it is, with the checks that hold for its version.
    let run = case.run(&["backup", "copy.db"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("the rest     not checked: schema version 3"), "{}", run.stderr);
    assert_eq!(common::sql(&case.path("copy.db"), "PRAGMA user_version"), [["3"]]);
    assert_eq!(file_hash(&case.db()), before);
}

#[test]
fn a_writing_command_upgrades_an_older_case_after_saying_so() {
    let case = older_case();
    let run = case.run(&["source", "add", "Added after the upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = case.db();
    assert!(
        run.stderr.starts_with(&format!(
            "upgrading case file {} from schema version 3 to {} before writing; older crosscheck versions will no longer open it",
            db.display(),
            latest()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(case.count("PRAGMA user_version"), latest());
    assert_eq!(case.count("PRAGMA application_id"), APPLICATION_ID);
    let entries = case.sql("SELECT action, entity, analyst, before, after FROM history ORDER BY id");
    assert_eq!(entries[1][..3], ["upgrade", "case", "tester"]);
    assert_eq!(entries[1][3], r#"{"marked":false,"schema_version":3}"#);
    assert_eq!(entries[1][4], format!(r#"{{"marked":true,"schema_version":{}}}"#, latest()));
    assert_eq!(entries[2][..2], ["create", "source"]);
    case.ok(&["verify"]);
}

#[test]
fn upgrade_makes_a_checked_backup_then_brings_the_case_up_to_date() {
    let case = older_case();
    let before = file_hash(&case.db());
    // A backup never replaces an earlier file.
    let earlier = case.write("case-schema3.db", "an earlier backup");
    let stderr = case.fails(2, &["upgrade"]);
    assert!(
        stderr.contains("case-schema3.db exists; name another file for the backup with --backup FILE. Nothing was changed"),
        "{stderr}"
    );
    assert_eq!(file_hash(&case.db()), before);
    std::fs::remove_file(earlier).unwrap();
    let run = case.run(&["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = case.db();
    let backup = case.path("case-schema3.db");
    for said in [
        format!(
            "backed up {} (schema version 3) to {}; the copy passes the checks of its version",
            db.display(),
            backup.display()
        ),
        format!(
            "upgraded case file {} from schema version 3 to {}; it passes verify",
            db.display(),
            latest()
        ),
    ] {
        assert!(run.stderr.contains(&said), "{said:?} not in\n{}", run.stderr);
    }
    // The backup is the case as it was: schema 3, unmarked, one file.
    assert_eq!(common::sql(&backup, "PRAGMA user_version"), [["3"]]);
    assert_eq!(common::sql(&backup, "PRAGMA application_id"), [["0"]]);
    assert_eq!(
        common::sql(&backup, "SELECT title FROM source"),
        [["Report from before the upgrade"]]
    );
    assert!(!side(&backup, "-wal").exists());
    assert_ne!(file_hash(&case.db()), before);
    assert_eq!(case.count("PRAGMA user_version"), latest());
    assert_eq!(case.count("PRAGMA application_id"), APPLICATION_ID);
    case.ok(&["verify"]);
    case.ok(&["source", "show", "S1"]);
    // Once is enough.
    let run = case.run(&["upgrade"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains(&format!("is up to date (schema version {}); nothing was changed", latest())),
        "{}",
        run.stderr
    );
    let files = std::fs::read_dir(case.dir.path()).unwrap().count();
    assert_eq!(files, 2, "case.db and its one backup");
}

#[test]
fn a_schema_version_reset_to_zero_is_a_short_error() {
    let case = Case::seeded();
    rusqlite::Connection::open(case.db())
        .unwrap()
        .pragma_update(None, "user_version", 0)
        .unwrap();
    let stderr = case.fails(1, &["claim", "list"]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("holds a case, but its schema version (PRAGMA user_version) is 0: it was reset outside crosscheck"),
        "{stderr}"
    );
    assert_eq!(case.count("SELECT count(*) FROM claim"), 37);
}

// ------------------------------------------------------------ 4. devices, pipes, read-only files

#[test]
fn output_onto_a_pipe_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let case = Case::seeded();
    let fifo = case.path("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reading = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reading).unwrap());
    let run = case.run(&["report", "claims", "--format", "csv", "--output", "pipe"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Checked before waiting on the reader: a pipe replaced by a file never
    // gets a writer, and the reader would wait for ever.
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the pipe was replaced by a file"
    );
    let got = reader.join().unwrap();
    assert_eq!(got, case.ok(&["report", "claims", "--format", "csv"]));
}

#[test]
fn output_through_a_link_to_stdout_reaches_stdout() {
    let case = Case::seeded();
    std::os::unix::fs::symlink("/proc/self/fd/1", case.path("out.csv")).unwrap();
    let out = case.ok(&["report", "claims", "--format", "csv", "--output", "out.csv"]);
    assert_eq!(out, case.ok(&["report", "claims", "--format", "csv"]));
    assert!(std::fs::symlink_metadata(case.path("out.csv")).unwrap().file_type().is_symlink());
}

#[test]
#[ignore = "needs root to make a device node; .ci/run runs it with --ignored"]
fn output_onto_a_device_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let case = Case::seeded();
    let null = case.path("null");
    // The same device as /dev/null, in the test's own folder.
    let made = Command::new("mknod").arg(&null).args(["c", "1", "3"]).status().unwrap();
    assert!(made.success(), "mknod failed: this test needs root");
    for args in [
        &["report", "claims", "--format", "csv", "--output", "null"][..],
        &["export", "claimreview", "--url-base", "https://desk.example/", "--output", "null"],
    ] {
        case.ok(args);
        assert!(
            std::fs::symlink_metadata(&null).unwrap().file_type().is_char_device(),
            "{args:?} replaced the device with a file"
        );
    }
}

#[test]
fn a_read_only_file_is_refused_and_kept() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case::seeded();
    let page = case.write("page.html", "<html><body>kept</body></html>");
    case.ok(&["source", "attach", "S1", page.to_str().unwrap()]);
    let kept = case.write("kept.csv", "do not replace\n");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o444)).unwrap();
    let rows = case.write("rows.csv", "title,reliability\nA bad grade,Z\n");
    let attempts: [&[&str]; 3] = [
        &["report", "claims", "--format", "csv", "--output", "kept.csv"],
        &["source", "extract", "S1", "--output", "kept.csv", "--force"],
        &["import", rows.to_str().unwrap(), "--into", "sources", "--skip-invalid", "kept.csv"],
    ];
    for args in attempts {
        let stderr = case.fails(2, args);
        assert!(
            stderr.contains("kept.csv: the file is read-only: nothing was written"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "do not replace\n");
    assert_eq!(case.count("SELECT count(*) FROM source WHERE title = 'A bad grade'"), 0);
}

// ------------------------------------------------------------ 5. figures

#[test]
fn figures_with_malformed_grouping_are_refused_in_add_edit_and_import() {
    let case = Case::new();
    for bad in ["1,2", "1.000,5", ",5", "5,", "12,34,567"] {
        let stderr = case.fails(2, &["claim", "add", "Troops took part", "--figure", bad]);
        assert!(
            stderr.contains(&format!("invalid --figure \"{bad}\": allowed: a number written 300000, 300,000, 4209.3 or -40 (commas only between groups of three digits")),
            "{stderr}"
        );
    }
    let stderr = case.fails(2, &["claim", "add", "Troops took part", "--figure", "9007199254740993"]);
    assert!(
        stderr.contains("9007199254740993 cannot be kept exactly: a figure holds about 15 significant digits, and this would be stored as 9007199254740992"),
        "{stderr}"
    );
    assert_eq!(case.count("SELECT count(*) FROM claim"), 0);
    case.ok(&["claim", "add", "Troops took part", "--figure", "300,000"]);
    assert_eq!(case.sql("SELECT figure_low, figure_high FROM claim"), [["300000", "300000"]]);
    let stderr = case.fails(2, &["claim", "edit", "C1", "--figure", "1.000,5", "--reason", "typo"]);
    assert!(stderr.contains("invalid --figure \"1.000,5\""), "{stderr}");
    let file = case.write("claims.csv", "text,figure\nAnother claim,\"1,2\"\n");
    let stderr = case.fails(2, &["import", file.to_str().unwrap(), "--into", "claims"]);
    assert!(
        stderr.contains("claims.csv, line 2, column figure: invalid figure \"1,2\""),
        "{stderr}"
    );
    assert_eq!(case.sql("SELECT figure_low FROM claim"), [["300000"]]);
}

// ------------------------------------------------------------ 6. memory bounds

#[test]
fn an_endless_row_stops_the_import_with_a_clear_error() {
    let case = Case::new();
    let stderr = case.fails(2, &["import", "/dev/zero", "--into", "sources", "--format", "csv"]);
    assert!(
        stderr.contains("/dev/zero, line 1: a row longer than 8,388,608 bytes (8 MiB)"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("--skip-invalid"), "{stderr}");
    // From stdin, as JSON lines, a JSON array whose string never closes, and TSV.
    for (format, start) in [("jsonl", ""), ("json", "[{\"title\": \""), ("tsv", "title\t")] {
        let (code, stderr) = run_fed(&case, &["import", "-", "--into", "sources", "--format", format], move |stdin| {
            let _ = stdin.write_all(start.as_bytes());
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..12 {
                if stdin.write_all(&chunk).is_err() {
                    return;
                }
            }
        });
        assert_eq!(code, 2, "{format}: {stderr}");
        assert!(stderr.contains("a row longer than 8,388,608 bytes"), "{format}: {stderr}");
    }
    assert_eq!(case.count("SELECT count(*) FROM source"), 0);
}

#[test]
fn json_arrays_and_stdin_are_read_item_by_item() {
    let case = Case::new();
    let array = "[\n  {\"title\": \"First\"},\n  {\"title\": \"Second\",\n   \"publisher\": \"TASS\"},\n  [\"not an object\"]\n]\n";
    let run = case.run_with_input(&["import", "-", "--into", "sources", "--format", "json"], Some(array.as_bytes()));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("-, line 5: this item is not a JSON object"), "{}", run.stderr);
    let good = "[\n  {\"title\": \"First\"},\n  {\"title\": \"Second\",\n   \"publisher\": \"TASS\"}\n]\n";
    let run = case.run_with_input(&["import", "-", "--into", "sources", "--format", "json"], Some(good.as_bytes()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        case.sql("SELECT title, publisher FROM source ORDER BY id"),
        [["First", ""], ["Second", "TASS"]]
    );
}

#[test]
fn a_field_or_a_header_too_large_is_refused() {
    let case = Case::new();
    let long = "x".repeat(5 << 20);
    let file = case.write("long.csv", &format!("title,notes\nShort,fine\nLong,{long}\n"));
    let stderr = case.fails(2, &["import", file.to_str().unwrap(), "--into", "sources"]);
    assert!(
        stderr.contains("long.csv, line 3, column notes: the value is 5,242,880 bytes; a field holds at most 4,194,304 bytes (4 MiB)"),
        "{stderr}"
    );
    let run = case.run(&[
        "import",
        file.to_str().unwrap(),
        "--into",
        "sources",
        "--skip-invalid",
        "rejects.csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(case.count("SELECT count(*) FROM source"), 1);
    let rejects = csv_records(&std::fs::read_to_string(case.path("rejects.csv")).unwrap());
    assert_eq!(rejects[1][2], "3");
    assert!(
        rejects[1][1].ends_with("(5,242,880 bytes)"),
        "the rejects file keeps the start of the value"
    );
    let header: Vec<String> = (0..10_001).map(|i| format!("c{i}")).collect();
    let wide = case.write("wide.csv", &format!("{}\n", header.join(",")));
    let stderr = case.fails(2, &["import", wide.to_str().unwrap(), "--into", "sources"]);
    assert!(
        stderr.contains("wide.csv: 10,001 columns; an import reads at most 10,000"),
        "{stderr}"
    );
}

#[test]
fn rejected_rows_are_kept_within_a_bound() {
    let case = Case::new();
    let notes = "n".repeat(65_536);
    let mut text = String::from("title,reliability,notes\n");
    for i in 0..520 {
        text.push_str(&format!("Bad {i},Z,{notes}\n"));
    }
    let file = case.write("bad.csv", &text);
    let stderr = case.fails(
        2,
        &[
            "import",
            file.to_str().unwrap(),
            "--into",
            "sources",
            "--skip-invalid",
            "rejects.csv",
        ],
    );
    assert!(
        stderr.contains("more than 33,554,432 bytes of rows were rejected (32 MiB, kept for the rejects file)"),
        "{stderr}"
    );
    assert!(!case.path("rejects.csv").exists());
}

// ------------------------------------------------------------ 7. escape sequences

#[test]
fn messages_that_echo_data_show_escape_sequences_inert() {
    let case = Case::new();
    case.ok(&["source", "add", "A report"]);
    let header = case.write("evil.csv", "title,\u{1b}]0;pwned\u{7}\nA title,x\n");
    let run = case.run(&["import", header.to_str().unwrap(), "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skipped columns that are not fields of sources: \\x1b]0;pwned\\x07"),
        "{}",
        run.stderr
    );
    let name = "page\u{1b}]0;pwned\u{7}.html";
    let page = case.write(name, "<html>kept</html>");
    let second = case.write("second.html", "<html>another</html>");
    let runs = [
        case.run(&["source", "attach", "S1", page.to_str().unwrap()]),
        case.run(&["source", "attach", "S1", second.to_str().unwrap()]),
        case.run(&["source", "extract", "S1", "--capture", "9"]),
        case.run(&["source", "extract", "S1", "--capture", "1", "--output", "copy\u{1b}[2J.html"]),
        case.run(&["source", "extract", "S1", "--capture", "1", "--output", "copy\u{1b}[2J.html"]),
    ];
    for run in &runs {
        assert!(
            !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
            "{}: {:?}",
            run.command,
            run.stderr
        );
    }
    assert!(
        runs[0].stderr.starts_with("kept page\\x1b]0;pwned\\x07.html as capture 1 of S1"),
        "{}",
        runs[0].stderr
    );
    assert!(runs[2].stderr.contains("1 (page\\x1b]0;pwned\\x07.html, "), "{}", runs[2].stderr);
    assert!(runs[3].stderr.contains("to copy\\x1b[2J.html"), "{}", runs[3].stderr);
    assert!(runs[4].stderr.contains("copy\\x1b[2J.html exists"), "{}", runs[4].stderr);
}

// ------------------------------------------------------------ 8. smaller ones

#[test]
fn json_objects_with_duplicate_keys_are_refused() {
    let case = Case::new();
    let array = case.write("dup.json", "[{\"title\": \"One\", \"Title\": \"Two\"}]");
    let stderr = case.fails(2, &["import", array.to_str().unwrap(), "--into", "sources"]);
    assert!(
        stderr.contains("dup.json, line 1, column Title: the keys \"title\" and \"Title\" both appear in this object, and keys are matched without regard to case; keep one"),
        "{stderr}"
    );
    let lines = case.write("dup.jsonl", "{\"title\": \"One\"}\n{\"title\": \"Two\", \"title\": \"Three\"}\n");
    let stderr = case.fails(2, &["import", lines.to_str().unwrap(), "--into", "sources"]);
    assert!(
        stderr.contains("dup.jsonl, line 2, column title: the key \"title\" appears twice in this object; keep one"),
        "{stderr}"
    );
    assert_eq!(case.count("SELECT count(*) FROM source"), 0);
}

#[test]
fn a_wide_header_gets_a_short_note() {
    let case = Case::new();
    let mut header = vec!["title".to_string()];
    header.extend((1..5000).map(|i| format!("extra{i}")));
    let file = case.write("wide.csv", &format!("{}\nA title{}\n", header.join(","), ",x".repeat(4999)));
    let run = case.run(&["import", file.to_str().unwrap(), "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.len() < 1500, "{} bytes of notes", run.stderr.len());
    assert!(run.stderr.contains("extra19, extra20 and 4,979 more (fields:"), "{}", run.stderr);
}

#[test]
fn a_held_lock_says_another_crosscheck_is_writing() {
    let case = Case::new();
    let holder = rusqlite::Connection::open(case.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let out = case
        .command(&["source", "add", "Waiting"])
        .env("CROSSCHECK_LOCK_WAIT", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(started.elapsed().as_secs() < 10);
    assert!(
        stderr.contains(&format!(
            "another crosscheck (or another program) is writing case file {} and held it for 1 second; nothing was changed: try again when it is done",
            case.db().display()
        )),
        "{stderr}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(case.count("SELECT count(*) FROM source"), 0);
}

#[test]
fn a_truncated_json_file_says_so_and_suggests_nothing_that_cannot_help() {
    let case = Case::new();
    let file = case.write("cut.json", "[\n  {\"title\": \"First\"},\n  {\"title\": \"Sec");
    for extra in [&[][..], &["--skip-invalid", "rejects.csv"]] {
        let stderr = case.fails(2, &[&["import", file.to_str().unwrap(), "--into", "sources"][..], extra].concat());
        assert!(
            stderr.contains("cut.json, line 3: the file ends before this item and the array are closed: it is cut short"),
            "{stderr}"
        );
        assert!(
            stderr.contains("Nothing was imported") && !stderr.contains("--skip-invalid"),
            "{stderr}"
        );
    }
    assert_eq!(case.count("SELECT count(*) FROM source"), 0);
}

#[test]
fn verify_names_a_broken_reference_in_words() {
    let case = Case::new();
    case.ok(&["source", "add", "A report"]);
    case.ok(&["claim", "add", "A claim"]);
    case.ok(&["evidence", "add", "C1", "S1", "supports"]);
    rusqlite::Connection::open(case.db())
        .unwrap()
        .execute_batch("PRAGMA foreign_keys = OFF; UPDATE evidence SET source_id = 99")
        .unwrap();
    let stderr = case.fails(4, &["verify"]);
    assert!(!stderr.contains("Query returned no rows"), "{stderr}");
    assert!(
        stderr.contains("evidence E1 cannot be read: it refers to source S99, which is not in the case"),
        "{stderr}"
    );
}

#[test]
fn slugs_shaped_like_handles_are_refused() {
    let case = Case::new();
    for args in [
        &["claim", "add", "A claim", "--slug", "C01"][..],
        &["claim", "add", "A claim", "--slug", "st004"],
        &["source", "add", "A report", "--slug", "S0"],
    ] {
        let stderr = case.fails(2, args);
        assert!(
            stderr.contains("not shaped like a handle such as C3, C03 or S12"),
            "{args:?}: {stderr}"
        );
    }
    let file = case.write("claims.csv", "text,slug\nA claim,C01\n");
    let stderr = case.fails(2, &["import", file.to_str().unwrap(), "--into", "claims"]);
    assert!(stderr.contains("invalid slug \"C01\""), "{stderr}");
    assert_eq!(case.count("SELECT count(*) FROM claim"), 0);
}

#[test]
fn captures_are_numbered_per_source() {
    let case = Case::new();
    case.ok(&["source", "add", "First report"]);
    case.ok(&["source", "add", "Second report"]);
    let a = case.write("a.html", "<html>a</html>");
    let b = case.write("b.html", "<html>b</html>");
    case.ok(&["source", "attach", "S1", a.to_str().unwrap()]);
    let run = case.run(&["source", "attach", "S2", b.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("kept b.html as capture 1 of S2:"), "{}", run.stderr);
    assert_eq!(
        case.sql("SELECT handle FROM history WHERE action = 'attach' ORDER BY id"),
        [["S1 capture 1"], ["S2 capture 1"]]
    );
    let copy = case.path("copy.html");
    case.ok(&["source", "extract", "S2", "--capture", "1", "--output", copy.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(copy).unwrap(), "<html>b</html>");
    case.ok(&["verify"]);
}

#[test]
fn a_backup_removes_what_killed_backups_left() {
    let case = Case::seeded();
    // A process id that no process has now.
    let gone = (100_000u32..)
        .map(|pid| 4_000_000 + pid % 190_000)
        .find(|pid| !Path::new(&format!("/proc/{pid}")).exists())
        .unwrap();
    let stale = case.path(&format!(".copy.db.{gone}.partial"));
    std::fs::write(&stale, vec![0u8; 1 << 20]).unwrap();
    // One of a process that runs (this test) is left alone.
    let live = case.path(&format!(".copy.db.{}.partial", std::process::id()));
    std::fs::write(&live, b"in progress").unwrap();
    case.ok(&["backup", "copy.db"]);
    assert!(!stale.exists(), "the stale partial file is still there");
    assert!(live.exists());
    assert!(case.path("copy.db").exists());
}

// ------------------------------------------------------------ 9. anchors

/// Rewrites the history from entry `from` on, as a forger who knows the
/// scheme would: the reason of that entry changed, every hash recomputed
/// with crosscheck's own function.
fn rewrite_history(case: &Case, from: i64) {
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.execute_batch("DROP TRIGGER history_no_update").unwrap();
    conn.execute("UPDATE history SET reason = 'rewritten' WHERE id = ?1", [from])
        .unwrap();
    let conn = crosscheck::store::sql::Connection::from(conn);
    let entries: Vec<Entry> = conn
        .prepare(&format!("SELECT {} FROM history ORDER BY id", Entry::COLUMNS))
        .unwrap()
        .query_map((), Entry::from_row)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = GENESIS.to_string();
    for mut entry in entries {
        entry.prev_hash = prev;
        let hash = entry.expected_hash();
        conn.execute(
            "UPDATE history SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![entry.prev_hash, hash, entry.id],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute_batch(
        "CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only: entries cannot be changed'); END",
    )
    .unwrap();
}

#[test]
fn an_anchor_catches_a_history_rewritten_with_every_hash_recomputed() {
    let case = Case::new();
    case.ok(&["source", "add", "A report"]);
    case.ok(&["claim", "add", "A claim"]);
    let out = case.ok(&["anchor", "--reason", "sent to the editor"]);
    let head = case.sql("SELECT id, hash, at FROM history ORDER BY id DESC LIMIT 1").remove(0);
    let (id, hash, at) = (&head[0], &head[1], &head[2]);
    assert_eq!(
        out,
        format!(
            "crosscheck case case.db: history entry 3, 3 entries, written {at}\nhash {hash}\ncheck with: crosscheck verify --expect {hash}\n"
        )
    );
    assert_eq!(id, "3");
    assert_eq!(
        case.sql("SELECT action, entity, reason, after FROM history WHERE id = 3"),
        [["anchor", "case", "sent to the editor", r#"{"entries":3}"#]]
    );
    let out = case.ok(&["verify", "--expect", hash]);
    assert!(
        out.contains(&format!(
            "anchor       ok: {hash} is history entry 3 (3 of the chain); 0 entries came after it"
        )),
        "{out}"
    );
    case.ok(&["source", "add", "Another report"]);
    let out = case.ok(&["verify", "--expect", &hash.to_uppercase()]);
    assert!(out.contains("; 1 entry came after it"), "{out}");
    // A forger rewrites the history and recomputes every hash: the chain
    // checks, and only the anchor given out shows it.
    rewrite_history(&case, 2);
    case.ok(&["verify"]);
    let stderr = case.fails(4, &["verify", "--expect", hash]);
    assert!(
        stderr.contains(&format!(
            "no history entry has the hash {hash}: the history was rewritten since that hash was noted, or the hash is another case's"
        )),
        "{stderr}"
    );
    let stderr = case.fails(2, &["verify", "--expect", "3f6c0e9d"]);
    assert!(
        stderr.contains("invalid expect \"3f6c0e9d\": allowed: a history hash of 64 hex digits"),
        "{stderr}"
    );
}
