//! The workbench core, driven through the real binary on a temporary case file.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::{Case, csv_records, snapshot};

#[test]
fn init_creates_a_case_file_and_running_it_again_changes_nothing() {
    let case = Case::empty();
    let run = case.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("created case file"), "{}", run.stderr);
    assert!(case.db().exists());
    case.ok(&["source", "add", "A title"]);
    let before = snapshot(&case);
    let again = case.run(&["init"]);
    assert_eq!(again.code, 0);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    assert_eq!(snapshot(&case), before);
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count();
    assert_eq!(case.count("PRAGMA user_version"), migrations as i64, "every migration applied");
    assert_eq!(case.sql("PRAGMA journal_mode")[0][0], "wal");
}

both_engines! {
fn init_seed_twice_loads_the_case_once() {
    let case = Case::seeded();
    let before = snapshot(&case);
    let run = case.run(&["init", "--seed"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("already loaded"), "{}", run.stderr);
    assert_eq!(snapshot(&case), before);
}
}

#[test]
fn a_command_on_a_missing_case_file_says_how_to_create_one_and_creates_nothing() {
    let case = Case::empty();
    let err = case.fails(3, &["claim", "list"]);
    assert!(err.contains("no case file at") && err.contains("crosscheck init"), "{err}");
    assert!(!case.db().exists(), "a missing case file must not be created silently");
}

both_engines! {
/// A fact-checker's session: sources, a claim, four parties' accounts,
/// evidence, a verdict, then everything read back.
fn a_scripted_session_works_end_to_end() {
    let case = Case::new();
    let s1 = case.ok(&[
        "source",
        "add",
        "Russia calls South Korean military pilots' actions 'aerial hooliganism'",
        "--publisher",
        "TASS",
        "--url",
        "https://tass.com/politics/1070039",
        "--published",
        "2019-07-23",
        "--language",
        "en",
        "--kind",
        "news-report",
        "--reliability",
        "B",
        "--slug",
        "tass-hooliganism",
    ]);
    assert_eq!(s1, "S1\n", "source add prints the handle and nothing else on stdout");
    let s2 = case.ok(&[
        "source",
        "add",
        "Briefing by Hua Chunying",
        "--publisher",
        "Global Times",
        "--reliability",
        "C",
    ]);
    assert_eq!(s2, "S2\n");
    let c1 = case.ok(&[
        "claim",
        "add",
        "A Russian aircraft violated the airspace over the Liancourt Rocks",
        "--topic",
        "air-patrol-2019",
        "--date",
        "2019",
        "--appeared-in",
        "Joining Forces (2019)",
        "--slug",
        "airspace",
    ]);
    assert_eq!(c1, "C1\n");
    case.ok(&[
        "party",
        "add",
        "RU-MOD",
        "--name",
        "Russian Ministry of Defence",
        "--kind",
        "body",
        "--parent",
        "RU",
    ]);
    let st = [
        case.ok(&[
            "statement",
            "add",
            "airspace",
            "RU-MOD",
            "denies",
            "--date",
            "2019-07-23",
            "--source",
            "S1",
            "--speaker",
            "Sergei Kobylash",
            "--quote",
            "neither South Korea's nor Japan's airspace was violated",
        ]),
        case.ok(&[
            "statement",
            "add",
            "C1",
            "CN",
            "disputes",
            "--date",
            "2019-07-23",
            "--source",
            "S2",
            "--speaker",
            "Hua Chunying",
            "--quote",
            "is not airspace, and countries have the freedom to fly through it",
        ]),
        case.ok(&[
            "statement",
            "add",
            "C1",
            "JP",
            "affirms",
            "--date",
            "2019-07-23",
            "--summary",
            "Japanese airspace near 竹島 was violated twice",
        ]),
        case.ok(&[
            "statement",
            "add",
            "C1",
            "KR",
            "affirms",
            "--date",
            "2019-07-23",
            "--summary",
            "독도 영공 침범: an A-50 entered twice",
        ]),
    ];
    assert_eq!(st.iter().map(|s| s.trim()).collect::<Vec<_>>(), ["ST1", "ST2", "ST3", "ST4"]);
    let e = case.ok(&[
        "evidence",
        "add",
        "C1",
        "tass-hooliganism",
        "refutes",
        "--credibility",
        "3",
        "--locator",
        "para 2",
        "--excerpt",
        "The closest aircraft stayed at a distance of more than 25 kilometers",
    ]);
    assert_eq!(e, "E1\n");
    let mark = case.run(&[
        "mark",
        "C1",
        "disputed",
        "--reason",
        "Seoul and Tokyo against Moscow and Beijing",
        "--as",
        "A. Editor",
    ]);
    assert_eq!(mark.code, 0, "{}", mark.stderr);
    assert!(mark.stdout.is_empty());
    assert!(mark.stderr.contains("C1 marked disputed (was unverified)"), "{}", mark.stderr);

    // The verdict records who, when and why.
    let verdict = case.sql("SELECT status, status_reason, status_by, status_at FROM claim WHERE id = 1");
    assert_eq!(
        verdict[0][0..3],
        ["disputed", "Seoul and Tokyo against Moscow and Beijing", "A. Editor"]
    );
    assert!(verdict[0][3].starts_with("20") && verdict[0][3].ends_with('Z'));

    // History: who did what, in order, and the mark with its reason.
    let history = csv_records(&case.ok(&["history", "C1", "--format", "csv"]));
    assert_eq!(history[0][..6], ["entry", "at", "analyst", "action", "entity", "record"]);
    let actions: Vec<(&str, &str, &str)> = history[1..].iter().map(|r| (r[2].as_str(), r[3].as_str(), r[5].as_str())).collect();
    assert_eq!(
        actions,
        [
            ("tester", "create", "C1"),
            ("tester", "link", "ST1"),
            ("tester", "link", "ST2"),
            ("tester", "link", "ST3"),
            ("tester", "link", "ST4"),
            ("tester", "link", "E1"),
            ("A. Editor", "mark", "C1"),
        ]
    );
    assert_eq!(history[7][7], "status: unverified → disputed");
    assert_eq!(history[7][8], "Seoul and Tokyo against Moscow and Beijing");

    // show: everything about the claim.
    let show = case.ok(&["claim", "show", "airspace"]);
    for needle in [
        "disputed",
        "Seoul and Tokyo",
        "ST1",
        "RU-MOD",
        "Hua Chunying",
        "竹島",
        "독도",
        "E1",
        "B3",
        "para 2",
        "mark",
    ] {
        assert!(show.contains(needle), "claim show lacks {needle:?}:\n{show}");
    }

    // compare: one row, a column per party, stance, date, quote and source.
    let compare = case.ok(&["compare", "C1", "--parties", "RU,CN,JP,KR", "--format", "csv"]);
    let rows = csv_records(&compare);
    assert_eq!(rows[0], ["claim", "text", "status", "RU", "CN", "JP", "KR", "figures"]);
    assert_eq!(rows[1][0], "airspace");
    assert_eq!(
        rows[1][3],
        "denies 2019-07-23: “neither South Korea's nor Japan's airspace was violated” — RU-MOD, Sergei Kobylash (tass-hooliganism)"
    );
    assert_eq!(
        rows[1][4],
        "disputes 2019-07-23: “is not airspace, and countries have the freedom to fly through it” — Hua Chunying (S2)"
    );
    assert_eq!(rows[1][5], "affirms 2019-07-23: Japanese airspace near 竹島 was violated twice");
    assert_eq!(rows[1][6], "affirms 2019-07-23: 독도 영공 침범: an A-50 entered twice");
    let table = case.ok(&["compare", "--parties", "RU,CN,JP,KR"]);
    for needle in ["RU", "CN", "JP", "KR", "denies", "disputes", "affirms", "(S1)", "(S2)"] {
        assert!(table.contains(needle), "compare table lacks {needle}:\n{table}");
    }
    assert!(
        table.lines().all(|l| l.chars().count() <= 160),
        "the table fits the terminal width:\n{table}"
    );
}
}

both_engines! {
fn every_list_writes_every_format() {
    let case = Case::seeded();
    let lists: [&[&str]; 6] = [
        &["party", "list"],
        &["source", "list"],
        &["claim", "list"],
        &["statement", "list"],
        &["evidence", "list"],
        &["history"],
    ];
    for list in lists {
        let csv = csv_records(&case.ok(&[list, &["--format", "csv"]].concat()));
        let tsv = case.ok(&[list, &["--format", "tsv"]].concat());
        let json: serde_json::Value = serde_json::from_str(&case.ok(&[list, &["--format", "json"]].concat())).expect("valid JSON");
        let jsonl = case.ok(&[list, &["--format", "jsonl"]].concat());
        let table = case.ok(list);
        let rows = json.as_array().expect("a JSON array");
        assert!(rows.len() > 5, "{list:?} has rows");
        assert_eq!(csv.len(), rows.len() + 1, "{list:?}: CSV has a header and the same rows as JSON");
        assert_eq!(
            tsv.lines().next().unwrap().split('\t').collect::<Vec<_>>(),
            csv[0],
            "{list:?}: TSV header"
        );
        assert_eq!(jsonl.lines().count(), rows.len(), "{list:?}: one JSON line a row");
        for (line, row) in jsonl.lines().zip(rows) {
            assert_eq!(&serde_json::from_str::<serde_json::Value>(line).unwrap(), row);
        }
        let first = jsonl.lines().next().unwrap();
        let key_positions: Vec<usize> = csv[0]
            .iter()
            .map(|k| first.find(&format!("\"{k}\":")).expect("every column is a key"))
            .collect();
        assert!(
            key_positions.windows(2).all(|w| w[0] < w[1]),
            "{list:?}: JSON keys in column order: {first}"
        );
        assert!(table.contains('│'), "{list:?}: a table by default");
    }
}
}

both_engines! {
fn list_filters_select_rows() {
    let case = Case::seeded();
    let disputed = csv_records(&case.ok(&["claim", "list", "--status", "disputed", "--format", "csv"]));
    assert!(disputed.len() > 1);
    let status = disputed[0].iter().position(|h| h == "status").unwrap();
    assert!(disputed[1..].iter().all(|r| r[status] == "disputed"));
    let ru = csv_records(&case.ok(&["statement", "list", "--party", "RU", "--format", "csv"]));
    let party = ru[0].iter().position(|h| h == "party").unwrap();
    assert!(ru.len() > 3);
    assert!(
        ru[1..].iter().all(|r| r[party] == "RU" || r[party].starts_with("RU-")),
        "a state includes its bodies"
    );
    let err = case.fails(2, &["claim", "list", "--status", "true"]);
    assert!(err.contains("\"true\"") && err.contains("allowed: unverified, in-review"), "{err}");
}
}

both_engines! {
fn bad_values_name_the_value_list_what_is_allowed_and_change_nothing() {
    let case = Case::new();
    case.ok(&["claim", "add", "A claim", "--slug", "a-claim"]);
    case.ok(&["source", "add", "A source"]);
    let before = snapshot(&case);
    let cases: Vec<(i32, Vec<&str>, Vec<&str>)> = vec![
        (
            2,
            vec!["mark", "C1", "true", "--reason", "x"],
            vec![
                "invalid status \"true\"",
                "allowed: unverified, in-review, supported, refuted, misleading, disputed, unverifiable",
            ],
        ),
        (2, vec!["mark", "C1", "supported", "--reason", "  "], vec!["--reason is required"]),
        (
            2,
            vec!["statement", "add", "C1", "RU", "agrees", "--quote", "x"],
            vec!["invalid stance \"agrees\"", "affirms, denies, disputes, qualifies"],
        ),
        (
            2,
            vec!["statement", "add", "C1", "RU", "affirms"],
            vec!["--quote is required", "summary"],
        ),
        (
            2,
            vec!["source", "add", "T", "--reliability", "G"],
            vec!["invalid --reliability \"G\"", "allowed: A, B, C, D, E, F"],
        ),
        (
            2,
            vec!["evidence", "add", "C1", "S1", "supports", "--credibility", "7"],
            vec![
                "invalid --credibility \"7\"",
                "1 confirmed by other sources",
                "6 truth cannot be judged",
            ],
        ),
        (
            2,
            vec!["claim", "add", "X", "--date", "2019-02-30"],
            vec![
                "invalid --date \"2019-02-30\"",
                "2019-02 has no day 30 (it has 28 days)",
                "YYYY-MM-DD",
            ],
        ),
        (
            2,
            vec!["claim", "add", "X", "--figure", "lots"],
            vec!["invalid --figure \"lots\"", "LOW..HIGH"],
        ),
        (
            2,
            vec!["claim", "add", "X", "--slug", "a-claim"],
            vec!["claim slug \"a-claim\" is already taken"],
        ),
        (
            2,
            vec!["source", "add", "T", "--url", "javascript:alert(1)"],
            vec!["invalid --url", "http://"],
        ),
        (2, vec!["claim", "add", ""], vec!["text is required"]),
        (
            2,
            vec!["party", "add", "XY", "--name", "X", "--kind", "body"],
            vec!["two-letter codes are kept for states"],
        ),
        (
            3,
            vec!["mark", "C9", "supported", "--reason", "x"],
            vec!["no claim \"C9\"", "crosscheck claim list"],
        ),
        (3, vec!["mark", "S1", "supported", "--reason", "x"], vec!["S1 is a source handle"]),
        (
            3,
            vec!["statement", "add", "C1", "ZZ-NOPE", "affirms", "--quote", "x"],
            vec!["no party \"ZZ-NOPE\""],
        ),
        (3, vec!["history", "nothing-here"], vec!["no record \"nothing-here\""]),
    ];
    for (code, args, needles) in cases {
        let err = case.fails(code, &args);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: error lacks {needle:?}: {err}");
        }
        assert_eq!(snapshot(&case), before, "{args:?} changed the case file");
    }
}
}

both_engines! {
fn text_in_every_script_round_trips_through_every_format() {
    let case = Case::new();
    let text = "Россия, 中国 \"and\" 日本, 대한민국: «кавычки», 'quotes'\nsecond line";
    case.ok(&["claim", "add", text, "--topic", "тема"]);
    let csv = csv_records(&case.ok(&["claim", "list", "--format", "csv"]));
    let col = csv[0].iter().position(|h| h == "text").unwrap();
    assert_eq!(csv[1][col], text);
    let tsv = case.ok(&["claim", "list", "--format", "tsv"]);
    let tsv_rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_reader(tsv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(tsv_rows[0][col], text);
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["claim", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["text"], text);
    assert_eq!(json[0]["topic"], "тема");
    let jsonl: serde_json::Value = serde_json::from_str(case.ok(&["claim", "list", "--format", "jsonl"]).trim()).unwrap();
    assert_eq!(jsonl["text"], text);
    assert_eq!(case.sql("SELECT text FROM claim")[0][0], text);
}
}

both_engines! {
fn a_closed_pipe_ends_the_listing_quietly() {
    let case = Case::new();
    // More than a pipe holds, so that the writer meets the closed pipe.
    let long = "x".repeat(100_000);
    case.ok(&["claim", "add", &long]);
    case.ok(&["claim", "add", &long]);
    let mut child = case
        .command(&["claim", "list", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
}

#[test]
fn the_history_refuses_changes_even_from_sqlite_directly() {
    let case = Case::new();
    case.ok(&["claim", "add", "A claim"]);
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    let update = conn
        .execute("UPDATE history SET analyst = 'someone else'", [])
        .unwrap_err()
        .to_string();
    assert!(update.contains("history is append-only"), "{update}");
    let delete = conn.execute("DELETE FROM history", []).unwrap_err().to_string();
    assert!(delete.contains("history is append-only"), "{delete}");
    assert_eq!(case.sql("SELECT analyst FROM history")[0][0], "tester");
}

both_engines! {
fn edits_keep_the_old_values_in_the_history() {
    let case = Case::new();
    case.ok(&["source", "add", "A report", "--reliability", "C"]);
    let run = case.run(&[
        "source",
        "edit",
        "S1",
        "--reliability",
        "A",
        "--reason",
        "Checked against the ministry's site",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("updated S1"));
    let again = case.run(&["source", "edit", "S1", "--reliability", "A", "--reason", "again"]);
    assert!(again.stderr.contains("nothing changed"), "{}", again.stderr);
    let history = csv_records(&case.ok(&["history", "S1", "--format", "csv"]));
    assert_eq!(history.len(), 3, "create and one edit: {history:?}");
    assert_eq!(history[2][3], "edit");
    assert_eq!(history[2][7], "reliability: C → A");
    assert_eq!(history[2][8], "Checked against the ministry's site");
    let nothing = case.fails(2, &["claim", "edit", "C1", "--reason", "nothing"]);
    assert!(nothing.contains("no claim") || nothing.contains("nothing to change"), "{nothing}");
}
}

both_engines! {
fn the_analyst_comes_from_as_then_the_environment() {
    let case = Case::new();
    case.ok(&["claim", "add", "One"]);
    case.ok(&["claim", "add", "Two", "--as", "Named Analyst"]);
    let who = case.sql("SELECT analyst FROM history ORDER BY id");
    assert_eq!(who, [["tester"], ["Named Analyst"]]);
}
}

both_engines! {
fn as_is_offered_by_the_commands_that_write_and_refused_by_those_that_read() {
    let case = Case::new();
    case.ok(&["claim", "add", "One", "--slug", "one"]);
    case.ok(&["mark", "one", "disputed", "--reason", "r", "--as", "A. Editor"]);
    case.ok(&["statement", "add", "one", "RU", "denies", "--summary", "s", "--as", "B. Field"]);
    let who = case.sql("SELECT analyst FROM history ORDER BY id");
    assert_eq!(who, [["tester"], ["A. Editor"], ["B. Field"]]);
    for read in [&["claim", "list"][..], &["history"], &["compare"], &["report", "claims"]] {
        let mut args = read.to_vec();
        args.extend(["--as", "A. Editor"]);
        let err = case.fails(2, &args);
        assert!(err.contains("unexpected argument '--as'"), "{err}");
    }
    // Before the command, where it used to go, it says where it goes now.
    let err = case.fails(2, &["--as", "A. Editor", "mark", "one", "refuted", "--reason", "r"]);
    assert!(err.contains("--as NAME goes after a command that writes"), "{err}");
    assert_eq!(case.count("SELECT count(*) FROM history"), 3, "a refused command writes nothing");
}
}

both_engines! {
fn the_seed_is_whole_and_every_verdict_has_a_reason() {
    let case = Case::seeded();
    if !case.is_postgres() {
        // PostgreSQL checks every reference as it is written.
        assert!(case.sql("PRAGMA foreign_key_check").is_empty());
    }
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE status <> 'unverified' AND trim(status_reason) = ''"),
        0
    );
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE status <> 'unverified' AND status_by <> 'seed'"),
        0
    );
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE status <> 'unverified'"),
        case.count("SELECT count(*) FROM history WHERE action = 'mark' AND analyst = 'seed'"),
        "every seeded verdict is in the history"
    );
    // Every statement and evidence row points at a claim, party and source that exist.
    assert_eq!(
        case.count("SELECT count(*) FROM statement WHERE claim_id NOT IN (SELECT id FROM claim) OR party_id NOT IN (SELECT id FROM party)"),
        0
    );
    assert_eq!(
        case.count("SELECT count(*) FROM statement WHERE source_id IS NULL OR source_id NOT IN (SELECT id FROM source)"),
        0
    );
    assert_eq!(
        case.count(
            "SELECT count(*) FROM evidence WHERE claim_id NOT IN (SELECT id FROM claim) OR source_id NOT IN (SELECT id FROM source)"
        ),
        0
    );
    // The airspace claim has the four states' accounts, and the Russian denial of an apology.
    let states = case.sql(
        "SELECT DISTINCT coalesce(pp.code, p.code) FROM statement s JOIN claim c ON c.id = s.claim_id
         JOIN party p ON p.id = s.party_id LEFT JOIN party pp ON pp.id = p.parent_id
         WHERE c.slug = 'air-patrol-2019-airspace-violated' ORDER BY 1",
    );
    for code in ["CN", "JP", "KR", "RU"] {
        assert!(
            states.iter().any(|r| r[0] == code),
            "no {code} account of the airspace claim: {states:?}"
        );
    }
    assert_eq!(
        case.count("SELECT count(*) FROM statement WHERE quote LIKE '%did not issue an official apology%'"),
        1
    );
    // The troop figure: Russia's official figures and the analysts' estimates.
    let figures = case.sql(
        "SELECT s.figure_low, s.figure_high FROM statement s JOIN claim c ON c.id = s.claim_id
         WHERE c.slug = 'vostok-2018-troops' AND s.figure_low IS NOT NULL ORDER BY s.figure_low",
    );
    assert!(figures.iter().any(|f| f == &["300000", "300000"]), "{figures:?}");
    assert!(figures.iter().any(|f| f == &["50000", "100000"]), "{figures:?}");
    // Nothing the notes mark unconfirmed is stated as fact.
    for unconfirmed in ["Gady", "IISS", "CSIS", "non-aligned, non-confrontational", "78 facilities"] {
        let hits = case.count(&format!(
            "SELECT (SELECT count(*) FROM claim WHERE text || status_reason LIKE '%{unconfirmed}%')
                  + (SELECT count(*) FROM statement WHERE quote || summary LIKE '%{unconfirmed}%')
                  + (SELECT count(*) FROM evidence WHERE excerpt LIKE '%{unconfirmed}%')"
        ));
        assert_eq!(hits, 0, "{unconfirmed} appears as fact");
    }
    // Every source names its publisher and title; a URL is the original's, a copy is marked as one.
    assert_eq!(
        case.count("SELECT count(*) FROM source WHERE trim(title) = '' OR trim(publisher) = ''"),
        0
    );
    let opinions = case.count("SELECT count(*) FROM claim WHERE topic = 'outlook' AND status = 'unverifiable'");
    assert!(opinions >= 5, "the article's opinions are claims marked unverifiable");
}
}

both_engines! {
fn demo_shows_the_four_accounts_of_the_airspace_incident_and_writes_nothing() {
    let case = Case::empty();
    // Wide enough that no name is wrapped across lines.
    let run = case.command(&["demo"]).env("COLUMNS", "400").output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let out = &String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(out.contains("air-patrol-2019-airspace"), "{out}");
    let header = out
        .lines()
        .find(|l| l.contains("claim") && l.contains(" RU ") && l.contains(" KR "))
        .expect("a compare header");
    let positions: Vec<usize> = ["RU", "CN", "JP", "KR"]
        .iter()
        .map(|c| header.find(&format!(" {c} ")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "RU, CN, JP, KR side by side: {header}");
    for account in ["Kobylash", "Wu Qian", "Suga", "Chung Eui-yong"] {
        assert!(out.contains(account), "demo lacks {account}");
    }
    assert!(std::fs::read_dir(case.dir.path()).unwrap().next().is_none(), "demo writes no file");
}
}

both_engines! {
fn table_output_shows_control_characters_inert() {
    let case = Case::new();
    case.ok(&["claim", "add", "clear\u{1b}[2J screen \u{202e}reversed"]);
    let table = case.ok(&["claim", "list"]);
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}'), "{table:?}");
    assert!(table.contains("\\x1b[2J") && table.contains("\\u{202e}"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["claim", "list", "--format", "json"])).unwrap();
    assert_eq!(
        json[0]["text"], "clear\u{1b}[2J screen \u{202e}reversed",
        "JSON keeps the text exactly"
    );
}
}

/// The subcommand names listed under "Commands:" in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_help_with_an_example_that_fits_80_columns() {
    let case = Case::empty();
    let mut pending: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let mut cmd = case.command(&args);
        cmd.env("COLUMNS", "80");
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{args:?} failed");
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("Example"), "{path:?} --help has no example:\n{help}");
        for line in help.lines() {
            assert!(
                line.chars().count() <= 80,
                "{path:?} --help has a line wider than 80 columns:\n{line}"
            );
        }
        // Each example is a command to copy: it starts with `crosscheck` and
        // goes on only after a trailing backslash, never wrapped mid-command.
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|line| !line.starts_with("Example"))
            .skip(1)
            .take_while(|line| !line.trim().is_empty())
            .collect();
        assert!(!examples.is_empty(), "{path:?} --help: no example lines");
        for (i, line) in examples.iter().enumerate() {
            let continued = i > 0 && examples[i - 1].ends_with(" \\");
            if continued {
                assert!(line.starts_with("    "), "{path:?} --help: {line:?} is not indented");
            } else {
                assert!(
                    line.starts_with("  crosscheck "),
                    "{path:?} --help: example line {line:?} is not a command"
                );
            }
        }
        // `--as` names who made a change: only commands that write take it.
        let writes = path.last().is_some_and(|word| {
            [
                "add", "edit", "attach", "mark", "retract", "restore", "rate", "import", "merge", "anchor", "init", "upgrade",
            ]
            .contains(&word.as_str())
        });
        assert_eq!(help.contains("--as <NAME>"), writes, "{path:?} --help and --as:\n{help}");
        for sub in subcommands(&help) {
            let mut next = path.clone();
            next.push(sub);
            pending.push(next);
        }
        seen += 1;
    }
    // Every top-level command and its subcommands: a walk that found few
    // commands would mean the "Commands:" parsing broke, not that help is fine.
    assert!(seen > 50, "walked only {seen} commands");
}

both_engines! {
fn a_sources_history_includes_its_captures() {
    let case = Case::new();
    case.ok(&["source", "add", "A report"]);
    let file = case.write("page.html", "<html><body>kept</body></html>");
    case.ok(&["source", "attach", "S1", file.to_str().unwrap()]);
    let history = csv_records(&case.ok(&["history", "S1", "--format", "csv"]));
    let actions: Vec<(&str, &str)> = history[1..].iter().map(|r| (r[3].as_str(), r[4].as_str())).collect();
    assert_eq!(actions, [("create", "source"), ("attach", "capture")]);
}
}

#[test]
fn a_slug_or_code_names_one_record_across_kinds() {
    let case = Case::new();
    case.ok(&["claim", "add", "A thing happened", "--slug", "dup-x", "--topic", "t"]);
    let err = case.fails(2, &["source", "add", "A document", "--slug", "dup-x"]);
    assert!(err.contains("source slug \"dup-x\" is already the slug of claim C1"), "{err}");
    let err = case.fails(2, &["party", "add", "XN-MOD", "--name", "Ministry of Defence", "--kind", "agency"]);
    assert!(err.contains("invalid --kind \"agency\": allowed: state, body"), "{err}");
    case.ok(&["party", "add", "XN-MOD", "--name", "Ministry of Defence", "--kind", "body"]);
    let err = case.fails(2, &["claim", "add", "Another", "--slug", "XN-MOD", "--topic", "t"]);
    assert!(err.contains("claim slug \"XN-MOD\" is already the code of party P"), "{err}");
    case.ok(&["source", "add", "A document", "--slug", "doc"]);
    let err = case.fails(2, &["source", "edit", "doc", "--slug", "dup-x", "--reason", "rename"]);
    assert!(err.contains("already the slug of claim C1"), "{err}");

    // An import is refused whole, naming the line.
    let file = case.write("sources.csv", "title,slug\nOne,fine-slug\nTwo,dup-x\n");
    let err = case.fails(2, &["import", "--into", "sources", file.to_str().unwrap()]);
    assert!(err.contains("sources.csv, line 3") && err.contains("dup-x"), "{err}");
    assert_eq!(case.count("SELECT count(*) FROM source"), 1);

    // A file that already holds one twice (written before the rule, or by
    // hand) makes `history` ask which record was meant.
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.execute("UPDATE source SET slug = 'dup-x' WHERE slug = 'doc'", []).unwrap();
    drop(conn);
    let err = case.fails(2, &["history", "dup-x"]);
    assert!(
        err.contains("\"dup-x\" names more than one record: source S1 and claim C1"),
        "{err}"
    );
    case.ok(&["history", "S1"]);
}
