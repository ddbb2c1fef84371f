//! A hermetic case for each test: its own temporary directory and case file,
//! the real binary, and the environment variables of the tool removed.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(dead_code)]
#[path = "../../examples/gen_corpus.rs"]
pub mod gen_corpus;

pub struct Case {
    pub dir: tempfile::TempDir,
    /// The case's PostgreSQL database, when the test runs on that engine.
    pub server: Option<Server>,
}

/// The engine a test's cases use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

thread_local! {
    static ENGINE: std::cell::Cell<Engine> = const { std::cell::Cell::new(Engine::Sqlite) };
}

/// Runs a test with its cases on `engine`.
pub fn on(engine: Engine, test: impl FnOnce()) {
    ENGINE.with(|e| e.set(engine));
    test();
}

/// The engine of the test running on this thread.
pub fn engine() -> Engine {
    ENGINE.with(|e| e.get())
}

/// One test, run once on each engine: `sqlite` always, `postgres` where
/// CROSSCHECK_TEST_POSTGRES held a server's URL when the tests were built.
#[macro_export]
macro_rules! both_engines {
    ($(#[$meta:meta])* fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body() $body
            #[test]
            $(#[$meta])*
            fn sqlite() {
                common::on(common::Engine::Sqlite, body)
            }
            #[test]
            $(#[$meta])*
            #[cfg_attr(
                not(crosscheck_postgres),
                ignore = "runs on PostgreSQL when CROSSCHECK_TEST_POSTGRES holds a server's URL (postgres://postgres@127.0.0.1/postgres)"
            )]
            fn postgres() {
                common::on(common::Engine::Postgres, body)
            }
        }
    };
}

/// A database of its own on the test server, dropped with the case.
pub struct Server {
    pub url: String,
    admin: String,
    name: String,
}

impl Server {
    /// The server the tests use: CROSSCHECK_TEST_POSTGRES.
    pub fn admin_url() -> String {
        std::env::var("CROSSCHECK_TEST_POSTGRES")
            .expect("CROSSCHECK_TEST_POSTGRES holds the URL of a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/postgres")
    }

    pub fn new() -> Server {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let admin = Server::admin_url();
        let name = format!(
            "crosscheck_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test server answers");
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            client.batch_execute(&statement).expect("a database for the test");
        }
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Server { url, admin, name }
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("the test database answers")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "command: {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

impl Case {
    /// An empty directory: no case file yet.
    pub fn empty() -> Case {
        Case {
            dir: tempfile::tempdir().expect("temporary directory"),
            server: (engine() == Engine::Postgres).then(Server::new),
        }
    }

    /// A case on SQLite whatever engine the test runs on: a second case
    /// file beside the first, say.
    pub fn file() -> Case {
        Case {
            dir: tempfile::tempdir().expect("temporary directory"),
            server: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.server.is_some()
    }

    /// A new, empty case file.
    pub fn new() -> Case {
        let case = Case::empty();
        case.ok(&["init"]);
        case
    }

    /// A case file with the shipped case.
    pub fn seeded() -> Case {
        let case = Case::empty();
        case.ok(&["init", "--seed"]);
        case
    }

    /// A case file with the benchmark's synthetic corpus of `claims` claims
    /// (and five times as many sources, three times as many statements, twice
    /// as many evidence links), imported.
    pub fn corpus(claims: usize) -> Case {
        let case = Case::new();
        let dir = case.path("corpus");
        gen_corpus::generate(claims, &dir).unwrap();
        for entity in ["parties", "sources", "claims", "statements", "evidence"] {
            let file = dir.join(format!("{entity}.csv"));
            case.ok(&["import", file.to_str().unwrap(), "--into", entity]);
        }
        case
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The case: its file, or its database's URL.
    pub fn db(&self) -> PathBuf {
        match &self.server {
            Some(server) => PathBuf::from(&server.url),
            None => self.path("case.db"),
        }
    }

    /// The command, run in the case's directory on its case file.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
        cmd.current_dir(self.dir.path())
            .env_remove("CROSSCHECK_DB")
            .env_remove("CROSSCHECK_ANALYST")
            .env("CROSSCHECK_DB", self.db())
            .env("CROSSCHECK_ANALYST", "tester")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "160")
            .args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, None)
    }

    pub fn run_with_input(&self, args: &[&str], input: Option<&[u8]>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("crosscheck runs");
        if let Some(bytes) = input {
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            command: format!("crosscheck {}", args.join(" ")),
        }
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "expected success\n{}", run.describe());
        run.stdout
    }

    /// Runs and expects the given non-zero exit code; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, code, "expected exit {code}\n{}", run.describe());
        assert!(!run.stderr.trim().is_empty(), "a failure must say why\n{}", run.describe());
        run.stderr
    }

    /// Runs a query on the case directly, each value as text (a boolean
    /// as 1 or 0, as SQLite gives it).
    pub fn sql(&self, query: &str) -> Vec<Vec<String>> {
        match &self.server {
            None => sql(&self.db(), query),
            Some(server) => {
                let mut rows = Vec::new();
                for message in server.client().simple_query(query).expect("query runs") {
                    if let postgres::SimpleQueryMessage::Row(row) = message {
                        rows.push(
                            (0..row.len())
                                .map(|i| match (row.get(i), row.columns()[i].name()) {
                                    (None, _) => String::new(),
                                    (Some("t"), _) => "1".to_string(),
                                    (Some("f"), _) => "0".to_string(),
                                    (Some(v), _) => v.to_string(),
                                })
                                .collect(),
                        );
                    }
                }
                rows
            }
        }
    }

    /// One number from a query.
    pub fn count(&self, query: &str) -> i64 {
        self.sql(query)[0][0].parse().expect("a number")
    }

    /// The handles `crosscheck search QUERY` finds, best first.
    pub fn found(&self, query: &str) -> Vec<String> {
        let records = csv_records(&self.ok(&["search", query, "--format", "csv"]));
        records.into_iter().skip(1).map(|record| record[0].clone()).collect()
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

pub fn sql(db: &Path, query: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).expect("open case file");
    let mut stmt = conn.prepare(query).expect("query prepares");
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Real(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Parses CSV output into records, header first.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

/// A snapshot of every table, to show that a failed command changed nothing.
pub fn snapshot(case: &Case) -> Vec<Vec<Vec<String>>> {
    ["party", "source", "claim", "statement", "evidence", "history", "import"]
        .iter()
        .map(|t| case.sql(&format!("SELECT * FROM {t} ORDER BY id")))
        .collect()
}
