//! What only a case on a PostgreSQL server has: the connection string and
//! its errors, a database of another program refused, many writers at once,
//! a connection killed mid-import, the history's privileges, TLS, and moving
//! a case between a server and a file. Every other behaviour is tested on
//! both engines by the other test files (`both_engines!`).

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Case, Engine, Server};

/// A test that needs the server: ignored, with the reason, without one.
macro_rules! on_server {
    ($(#[$meta:meta])* fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[test]
        #[cfg_attr(
            not(crosscheck_postgres),
            ignore = "runs on PostgreSQL when CROSSCHECK_TEST_POSTGRES holds a server's URL (postgres://postgres@127.0.0.1/postgres)"
        )]
        fn $name() {
            common::on(Engine::Postgres, || $body)
        }
    };
}

/// The test server's URL for database `db`, as user postgres with `password`.
fn with_password(url: &str, password: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let host = host.split_once('/').map_or(host, |(h, _)| h);
    format!("{scheme}://postgres:{password}@{host}/{db}")
}

/// The schema version this build writes: one per SQLite migration.
fn latest_version() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count() as i64
}

on_server! {
fn init_makes_a_case_in_an_empty_database_and_refuses_any_other() {
    let case = Case::empty();
    let err = case.fails(3, &["claim", "list"]);
    assert!(err.contains("no case in") && err.contains("init"), "{err}");
    let run = case.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(case.count("SELECT application_id FROM crosscheck_case"), 0x7863_686B);
    assert_eq!(case.count("SELECT version FROM crosscheck_case"), latest_version());
    assert_eq!(case.count("SELECT count(*) FROM party WHERE kind = 'state'"), 249);
    let again = case.run(&["init"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);

    // A database another program uses is refused, and left as it was.
    let foreign = Server::new();
    foreign.client().batch_execute("CREATE TABLE invoice (id integer)").unwrap();
    let run = case.command(&["--db", &foreign.url, "init"]).output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("is not a crosscheck case") && err.contains("1 tables of another program"), "{err}");
    let tables: i64 = foreign
        .client()
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "nothing was added to the other program's database");
}
}

on_server! {
fn a_password_never_appears_in_errors_history_or_output() {
    let case = Case::new();
    let admin = Server::admin_url();
    let secret = "s3cret-Pw";
    let db = case.server.as_ref().unwrap().url.rsplit_once('/').unwrap().1.to_string();
    // Trust authentication takes any password: the case opens with it.
    let url = with_password(&admin, secret, &db);
    let run = case.run(&["--db", &url, "claim", "add", "The bridge was closed", "--as", "ana"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut seen = String::new();
    for args in [vec!["history"], vec!["verify"], vec!["claim", "list"]] {
        let mut full = vec!["--db", url.as_str()];
        full.extend(args);
        let run = case.run(&full);
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    // A database that does not exist, and a server nobody answers at.
    let missing = case.run(&["--db", &with_password(&admin, secret, "no_such_case_db"), "claim", "list"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("database \"no_such_case_db\" does not exist"), "{}", missing.stderr);
    let nobody = case.run(&["--db", &format!("postgres://postgres:{secret}@127.0.0.1:1/x"), "claim", "list"]);
    assert_ne!(nobody.code, 0);
    assert!(nobody.stderr.contains("cannot connect to postgres://postgres@127.0.0.1:1/x"), "{}", nobody.stderr);
    for run in [&missing, &nobody] {
        assert_eq!(run.stderr.trim().lines().count(), 1, "one line: {}", run.stderr);
        seen.push_str(&run.stderr);
    }
    assert!(!seen.contains(secret), "{seen}");
    let stored = case.sql("SELECT string_agg(analyst || before || after || reason, '') FROM history");
    assert!(!stored[0][0].contains(secret));
}
}

on_server! {
fn eight_writers_at_once_keep_one_history_chain() {
    let case = Case::new();
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let mut script = String::new();
            for i in 0..100 {
                script.push_str(&format!(
                    "{bin} claim add 'Writer {w} says {i}' --slug w{w}-{i} --as writer{w} && {bin} mark w{w}-{i} disputed --reason 'two accounts' --as writer{w} || exit 1\n",
                    bin = env!("CARGO_BIN_EXE_crosscheck")
                ));
            }
            let mut child = std::process::Command::new("sh");
            child.arg("-c").arg(script).stdout(Stdio::null()).stderr(Stdio::piped());
            child.current_dir(case.dir.path()).env("CROSSCHECK_DB", case.db()).env("NO_COLOR", "1");
            child.spawn().unwrap()
        })
        .collect();
    for child in writers {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(case.count("SELECT count(*) FROM claim"), 800);
    assert_eq!(case.count("SELECT count(*) FROM claim WHERE status = 'disputed'"), 800);
    assert_eq!(case.count("SELECT count(*) FROM history"), 1600);
    // One line: every entry links to the one before it.
    assert_eq!(case.count("SELECT count(DISTINCT prev_hash) FROM history"), 1600);
    let run = case.run(&["verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("every check passed"), "{}", run.stderr);
}
}

on_server! {
fn a_connection_killed_mid_import_leaves_nothing_of_it() {
    let case = Case::seeded();
    let mut rows = String::from("title,publisher\n");
    for i in 0..200_000 {
        rows.push_str(&format!("Report {i},Agency {}\n", i % 97));
    }
    let file = case.write("many.csv", &rows);
    let before = common::snapshot(&case);
    let child = case
        .command(&["import", file.to_str().unwrap(), "--into", "sources"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import is writing, then end its connection from
    // another session.
    let server = case.server.as_ref().unwrap();
    let mut admin = server.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    let killed = loop {
        let row = admin
            .query_opt(
                "SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'crosscheck' AND (query LIKE 'COPY source%' OR query LIKE '%INSERT INTO source%')",
                &[],
            )
            .unwrap();
        if let Some(row) = row {
            let pid: i32 = row.get(0);
            std::thread::sleep(Duration::from_millis(300));
            admin.execute("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
            break true;
        }
        assert!(Instant::now() < deadline, "the import never started writing");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(killed);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("terminat") || err.contains("connection"), "{err}");
    assert_eq!(common::snapshot(&case), before, "nothing of the import is left");
    let indexed = case.count("SELECT count(*) FROM search_index");
    assert_eq!(indexed, case.count("SELECT count(*) FROM search_text"));
    case.ok(&["verify"]);
}
}

on_server! {
fn the_history_is_append_only_by_trigger_and_by_privilege() {
    let case = Case::seeded();
    let server = case.server.as_ref().unwrap();
    // Even the owner: the triggers refuse.
    let err = server.client().execute("UPDATE history SET reason = 'x' WHERE id = 1", &[]).unwrap_err();
    assert!(format!("{err:?}").contains("history is append-only"), "{err:?}");
    let err = server.client().batch_execute("DELETE FROM history").unwrap_err();
    assert!(format!("{err:?}").contains("history is append-only"), "{err:?}");

    // The roles of docs/postgres-roles.sql: an analyst writes records and
    // adds to the history, and may not change it.
    let roles = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/postgres-roles.sql")).unwrap();
    if let Err(e) = server.client().batch_execute(&roles) {
        panic!("{e:?}");
    }
    let login = format!("cc_analyst_{}", std::process::id());
    let mut admin = postgres::Client::connect(&Server::admin_url(), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP ROLE IF EXISTS {login}; CREATE ROLE {login} LOGIN IN ROLE crosscheck_analyst"))
        .unwrap();
    let db = server.url.rsplit_once('/').unwrap().1;
    let (scheme, rest) = server.url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h).split_once('/').unwrap().0;
    let analyst = format!("{scheme}://{login}@{host}/{db}");
    let run = case.run(&["--db", &analyst, "mark", "C1", "disputed", "--reason", "a second account", "--as", "ana"]);
    let as_analyst = postgres::Client::connect(&analyst, postgres::NoTls).map(|mut c| {
        (
            c.execute("UPDATE history SET reason = 'x' WHERE id = 1", &[]).map_err(|e| format!("{e:?}")),
            c.execute("DELETE FROM history WHERE id = 1", &[]).map_err(|e| format!("{e:?}")),
            c.batch_execute("TRUNCATE history").map_err(|e| format!("{e:?}")),
        )
    });
    drop(server.client());
    admin.batch_execute(&format!("REASSIGN OWNED BY {login} TO postgres")).ok();
    let dropped = admin.batch_execute(&format!("DROP OWNED BY {login}; DROP ROLE {login}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (update, delete, truncate) = as_analyst.unwrap();
    for refused in [update.map(drop), delete.map(drop), truncate] {
        let err = refused.unwrap_err();
        assert!(err.contains("permission denied for table history"), "{err}");
    }
    assert!(dropped.is_ok(), "{dropped:?}");
    case.ok(&["verify"]);
}
}

on_server! {
fn tls_is_used_when_the_connection_string_requires_it() {
    let case = Case::new();
    let url = format!("{}?sslmode=require", case.db().display());
    case.ok(&["--db", &url, "claim", "add", "Over TLS", "--as", "ana"]);
    let out = case.ok(&["--db", &url, "claim", "list", "--format", "csv"]);
    assert!(out.contains("Over TLS"), "{out}");
    let plain = format!("{}?sslmode=disable", case.db().display());
    assert!(case.ok(&["--db", &plain, "claim", "list", "--format", "csv"]).contains("Over TLS"));
}
}

on_server! {
fn a_case_moves_between_a_server_and_a_file_both_ways() {
    let desk = Case::seeded();
    desk.ok(&["claim", "add", "Only at the desk", "--slug", "desk-only", "--as", "desk"]);
    let snapshot = desk.path("snapshot.db");
    let run = desk.run(&["backup", snapshot.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("the copy passes verify"), "{}", run.stderr);
    let claims = desk.count("SELECT count(*) FROM claim");
    let entries = desk.count("SELECT count(*) FROM history");
    assert_eq!(common::sql(&snapshot, "SELECT count(*) FROM claim")[0][0], claims.to_string());
    assert_eq!(common::sql(&snapshot, "SELECT count(*) FROM history")[0][0], entries.to_string());
    let run = desk.run(&["--db", snapshot.to_str().unwrap(), "verify"]);
    assert!(run.code == 0 && run.stderr.contains("every check passed"), "{}", run.stderr);
    // The file and the server give the same report.
    let report = |db: &str| desk.ok(&["--db", db, "report", "claims", "--format", "csv"]);
    assert_eq!(report(snapshot.to_str().unwrap()), report(&desk.db().display().to_string()));

    // Offline work in the file merges into the desk's case...
    let field = snapshot.to_str().unwrap();
    desk.ok(&["--db", field, "claim", "add", "Seen in the field", "--slug", "field-only", "--as", "field"]);
    desk.ok(&["--db", field, "mark", "desk-only", "disputed", "--reason", "a local source disagrees", "--as", "field"]);
    let run = desk.run(&["merge", field, "--as", "desk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(desk.count("SELECT count(*) FROM claim WHERE slug = 'field-only'"), 1);
    assert_eq!(desk.sql("SELECT status FROM claim WHERE slug = 'desk-only'")[0][0], "disputed");
    desk.ok(&["verify"]);

    // ...and the desk's case merges into a file.
    desk.ok(&["claim", "add", "Later at the desk", "--slug", "desk-later", "--as", "desk"]);
    let run = desk.run(&["--db", field, "merge", &desk.db().display().to_string(), "--as", "field"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(common::sql(&snapshot, "SELECT count(*) FROM claim WHERE slug = 'desk-later'")[0][0], "1");
    let run = desk.run(&["--db", field, "verify"]);
    assert!(run.code == 0 && run.stderr.contains("every check passed"), "{}", run.stderr);
    // Nothing left to bring either way.
    let again = desk.run(&["merge", field, "--as", "desk"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        desk.count("SELECT count(*) FROM claim"),
        common::sql(&snapshot, "SELECT count(*) FROM claim")[0][0].parse::<i64>().unwrap()
    );
}
}

on_server! {
fn a_conflict_between_the_desk_and_a_file_stops_the_merge_until_it_is_settled() {
    let desk = Case::seeded();
    let field = desk.path("field.db");
    desk.ok(&["backup", field.to_str().unwrap()]);
    let field = field.to_str().unwrap();
    desk.ok(&["claim", "edit", "C1", "--topic", "border-desk", "--reason", "desk", "--as", "A. Desk"]);
    desk.ok(&["--db", field, "claim", "edit", "C1", "--topic", "border-field", "--reason", "field", "--as", "B. Field"]);
    desk.ok(&["--db", field, "claim", "edit", "C5", "--topic", "only-field", "--reason", "field", "--as", "B. Field"]);
    let before = common::snapshot(&desk);
    let run = desk.run(&["merge", field, "--as", "A. Desk"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("conflict  claim C1 topic: base \"border\"; ours \"border-desk\"")
            && run.stderr.contains("theirs \"border-field\""),
        "{}",
        run.stderr
    );
    assert_eq!(common::snapshot(&desk), before, "nothing was written to the server");
    let diff = common::csv_records(&desk.ok(&["diff", field, "--format", "csv"]));
    assert_eq!(diff.len(), 3, "{diff:?}");
    let run = desk.run(&["merge", field, "--prefer", "theirs", "--as", "A. Desk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(desk.sql("SELECT topic FROM claim WHERE id = 1")[0][0], "border-field");
    assert_eq!(desk.sql("SELECT topic FROM claim WHERE id = 5")[0][0], "only-field");
    let run = desk.run(&["verify"]);
    assert!(run.code == 0 && run.stderr.contains("every check passed"), "{}", run.stderr);
}
}
