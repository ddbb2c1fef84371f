//! What a person at the command line meets: messages that say what was
//! written, errors that name the flag typed and the nearest names.

mod common;

use common::Case;

both_engines! {
fn a_report_written_to_a_file_says_what_it_wrote() {
    let case = Case::seeded();
    let claims = case.count("SELECT count(*) FROM claim WHERE retracted = ''");
    for (format, file) in [("html", "vostok.html"), ("csv", "claims.csv"), ("md", "claims.md")] {
        let run = case.run(&["report", "claims", "--format", format, "--output", file]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stderr, format!("wrote {claims} claims to {file}\n"));
        assert_eq!(run.stdout, "");
    }
    let sources = case.count("SELECT count(*) FROM source WHERE retracted = ''");
    let run = case.run(&["report", "sources", "--output", "sources.tsv"]);
    assert_eq!(run.stderr, format!("wrote {sources} sources to sources.tsv\n"));
    // On stdout, the data and nothing else.
    let run = case.run(&["report", "sources"]);
    assert_eq!(run.stderr, "");
}
}

both_engines! {
fn a_mistyped_slug_or_code_gets_the_nearest_names() {
    let case = Case::seeded();
    let err = case.fails(3, &["claim", "show", "vostok-2018-troop"]);
    assert!(
        err.contains("no claim \"vostok-2018-troop\": did you mean vostok-2018-troops?"),
        "{err}"
    );
    let err = case.fails(3, &["statement", "list", "--party", "RU-MD"]);
    assert!(err.contains("did you mean RU-MOD"), "{err}");
    let err = case.fails(3, &["claim", "show", "nothing-like-any-slug"]);
    assert!(!err.contains("did you mean"), "no suggestion when nothing is near: {err}");
}
}

both_engines! {
fn errors_name_the_flag_the_user_typed() {
    let case = Case::new();
    let err = case.fails(2, &["claim", "add", "x", "--date", "26/03/2010"]);
    assert_eq!(
        err,
        "crosscheck: invalid --date \"26/03/2010\": allowed: a date as YYYY-MM-DD, YYYY-MM or YYYY\n"
    );
    let err = case.fails(2, &["claim", "add", "x", "--date", "2010-02-30"]);
    assert!(
        err.contains("invalid --date \"2010-02-30\": 2010-02 has no day 30 (it has 28 days)"),
        "{err}"
    );
    case.ok(&["claim", "add", "x", "--slug", "x"]);
    let err = case.fails(2, &["statement", "add", "x", "RU", "says", "--quote", "q"]);
    assert!(err.contains("invalid stance \"says\""), "a positional keeps its name: {err}");
    let err = case.fails(2, &["source", "add", "T", "--copy-url", "ftp://x"]);
    assert!(err.contains("invalid --copy-url \"ftp://x\""), "{err}");
}
}

both_engines! {
fn every_listing_sorts_by_a_field_and_stops_at_a_limit() {
    let case = Case::seeded();
    let csv = case.ok(&["source", "list", "--sort", "published", "--desc", "--limit", "3", "--format", "csv"]);
    let rows = common::csv_records(&csv);
    assert_eq!(rows.len(), 4, "a header and three sources");
    let at = rows[0].iter().position(|h| h == "published").unwrap();
    let dates: Vec<&str> = rows[1..].iter().map(|r| r[at].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let newest = case.sql("SELECT max(published) FROM source WHERE retracted = ''")[0][0].clone();
    assert_eq!(dates[0], newest);
    // Undated records come last, whichever the direction.
    let csv = case.ok(&["statement", "list", "--sort", "said_on", "--format", "csv"]);
    let rows = common::csv_records(&csv);
    let at = rows[0].iter().position(|h| h == "said_on").unwrap();
    let first_undated = rows[1..].iter().position(|r| r[at].is_empty()).unwrap();
    assert!(rows[1 + first_undated..].iter().all(|r| r[at].is_empty()), "undated last");
    assert_eq!(
        common::csv_records(&case.ok(&["claim", "list", "--limit", "2", "--format", "csv"])).len(),
        3
    );
    let err = case.fails(2, &["claim", "list", "--sort", "colour"]);
    assert!(
        err.contains("invalid --sort \"colour\"") && err.contains("slug, text, topic"),
        "{err}"
    );
    // The history is a listing too: newest first, the last N entries.
    case.ok(&["mark", "C3", "disputed", "--reason", "newest"]);
    let rows = common::csv_records(&case.ok(&["history", "--desc", "--limit", "2", "--format", "csv"]));
    assert_eq!(rows.len(), 3, "a header and two entries");
    let total = case.count("SELECT count(*) FROM history");
    assert_eq!(
        [rows[1][0].as_str(), rows[2][0].as_str()],
        [total.to_string(), (total - 1).to_string()]
    );
    assert_eq!(rows[1][8], "newest");
    let rows = common::csv_records(&case.ok(&["history", "C3", "--sort", "action", "--format", "csv"]));
    let actions: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    let mut sorted = actions.clone();
    sorted.sort();
    assert_eq!(actions, sorted);
    let err = case.fails(2, &["history", "--sort", "who"]);
    assert!(err.contains("invalid --sort \"who\": allowed: entry, at, analyst"), "{err}");
}
}

#[test]
fn verify_gives_scripts_one_row_a_check_with_stable_fields() {
    let case = Case::seeded();
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["verify", "--format", "json"])).unwrap();
    let checks = json.as_array().unwrap();
    let names: Vec<&str> = checks.iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "integrity",
            "foreign keys",
            "triggers",
            "history",
            "captures",
            "records",
            "names",
            "imports"
        ]
    );
    for check in checks {
        assert_eq!(check["result"], "ok");
        assert_eq!(check["problems"], 0);
        assert_eq!(check["details"], "");
    }
    // A record changed around crosscheck: its check fails, with the problem in details.
    let handle = case.ok(&["claim", "add", "A claim typed in", "--topic", "air"]);
    let id: i64 = handle.trim().trim_start_matches('C').parse().unwrap();
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.execute("UPDATE claim SET topic = 'moved' WHERE id = ?1", [id]).unwrap();
    drop(conn);
    let run = case.run(&["verify", "--format", "jsonl"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let records: serde_json::Value = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|c| c["check"] == "records")
        .unwrap();
    assert_eq!(records["result"], "failed");
    assert_eq!(records["problems"], 1);
    let expected = format!("claim C{id}: topic is \"moved\"");
    assert!(records["details"].as_str().unwrap().contains(&expected), "{records}");
}

both_engines! {
fn compare_gives_scripts_structured_accounts() {
    let case = Case::seeded();
    let json: serde_json::Value = serde_json::from_str(&case.ok(&[
        "compare",
        "air-patrol-2019-airspace-violated",
        "--parties",
        "RU,CN,JP,KR",
        "--format",
        "json",
    ]))
    .unwrap();
    let claim = &json[0];
    assert_eq!(claim["slug"], "air-patrol-2019-airspace-violated");
    assert_eq!(claim["status"], "disputed");
    let parties = claim["parties"].as_object().unwrap();
    assert_eq!(parties.keys().collect::<Vec<_>>(), ["CN", "JP", "KR", "RU"]);
    let china = &parties["CN"][0];
    assert_eq!(china["stance"], "denies");
    assert_eq!(china["speaker"], "Wu Qian");
    assert_eq!(china["quote_kind"], "reported");
    assert_eq!(china["source_publisher"], "Xinhua");
    assert!(china["source"].as_str().unwrap().starts_with('S'));
    for key in ["said_on", "quote", "summary", "source_title", "statement_uuid", "figure"] {
        assert!(china.get(key).is_some(), "no {key} in {china}");
    }
    // A figure keeps its parts.
    let russia = parties["RU"].as_array().unwrap();
    let with_figure = russia.iter().find(|a| !a["figure"].is_null()).expect("a Russian figure");
    assert_eq!(with_figure["figure"]["unit"], "km");
    // JSON lines: one claim a line.
    let lines = case.ok(&["compare", "--format", "jsonl"]);
    assert!(lines.lines().count() > 3);
    for line in lines.lines() {
        let claim: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(claim["parties"].is_object());
    }
}
}

both_engines! {
fn show_gives_scripts_one_object_with_stable_fields() {
    let case = Case::seeded();
    let claim: serde_json::Value =
        serde_json::from_str(&case.ok(&["claim", "show", "air-patrol-2019-airspace-violated", "--format", "json"])).unwrap();
    assert_eq!(claim["slug"], "air-patrol-2019-airspace-violated");
    assert_eq!(claim["status"], "disputed");
    let statements = claim["statements"].as_array().unwrap();
    let listed = common::csv_records(&case.ok(&[
        "statement",
        "list",
        "--claim",
        "air-patrol-2019-airspace-violated",
        "--format",
        "csv",
    ]));
    assert_eq!(statements.len(), listed.len() - 1, "the statements the listing gives");
    assert!(statements.iter().all(|s| s["quote_kind"].is_string() && s["party"].is_string()));
    assert_eq!(claim["hypotheses"].as_array().unwrap().len(), 3);
    assert!(!claim["evidence"].as_array().unwrap().is_empty());
    assert_eq!(claim["history"][0]["action"], "mark");
    // One line with jsonl.
    assert_eq!(case.ok(&["claim", "show", "C13", "--format", "jsonl"]).lines().count(), 1);

    let page = case.write("page.html", "<html>KBS</html>");
    case.ok(&["source", "attach", "S39", page.to_str().unwrap()]);
    let source: serde_json::Value = serde_json::from_str(&case.ok(&["source", "show", "S39", "--format", "json"])).unwrap();
    assert_eq!(source["handle"], "S39");
    assert_eq!(source["captures"][0]["capture"], 1);
    assert_eq!(source["captures"][0]["file_name"], "page.html");
    assert_eq!(source["history"][0]["action"], "attach");
    let recorded = common::csv_records(&case.ok(&["statement", "list", "--source", "S39", "--format", "csv"]));
    assert_eq!(source["statements"].as_array().unwrap().len(), recorded.len() - 1);
}
}

both_engines! {
fn warnings_never_block_and_say_what_to_check() {
    let case = Case::new();
    let run = case.run(&["claim", "add", "A claim about next decade", "--date", "2099-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "C1\n");
    assert!(run.stderr.contains("warning: C1 is dated 2099-01, after today"), "{}", run.stderr);
    let run = case.run(&["statement", "add", "C1", "RU", "denies", "--summary", "Denied"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("warning: ST1 has no source that records it"), "{}", run.stderr);
    // Without any name the analyst is recorded as unknown, and said so once.
    let out = case
        .command(&["claim", "add", "Anonymous"])
        .env_remove("CROSSCHECK_ANALYST")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("the history records \"unknown\"").count(), 1, "{stderr}");
    // A past date and a source: no warning.
    case.ok(&["source", "add", "A report"]);
    let run = case.run(&[
        "statement",
        "add",
        "C1",
        "CN",
        "denies",
        "--summary",
        "Also",
        "--source",
        "S1",
        "--date",
        "2019-07",
    ]);
    assert_eq!(run.stderr, "");
}
}

both_engines! {
fn compare_spreads_figures_only_within_one_unit_and_names_the_rest() {
    let case = Case::new();
    case.ok(&[
        "claim",
        "add",
        "46 sailors died",
        "--slug",
        "cheonan",
        "--figure",
        "46",
        "--unit",
        "sailors",
    ]);
    for (party, figure, unit) in [
        ("KR", "46", "sailor"),
        ("KP", "47", "people"),
        ("US", "0.047", "thousand"),
        ("JP", "50", "Sailors"),
    ] {
        case.ok(&[
            "statement",
            "add",
            "cheonan",
            party,
            "affirms",
            "--summary",
            "s",
            "--figure",
            figure,
            "--unit",
            unit,
        ]);
    }
    let rows = common::csv_records(&case.ok(&["compare", "cheonan", "--format", "csv"]));
    let at = rows[0].iter().position(|h| h == "figures").unwrap();
    let figures = &rows[1][at];
    assert!(figures.contains("spread in sailors: 46 to 50 (1.1×)"), "{figures}");
    assert!(
        figures.ends_with("not compared, the only figure in its unit: KP's 47 people, US's 0.047 thousand"),
        "{figures}"
    );
    assert!(!figures.contains("1,000"), "no spread across units: {figures}");
}
}
