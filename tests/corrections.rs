//! Correcting and withdrawing records: every kind can be edited with a
//! reason, any record retracted and restored, duplicates refused, and each
//! change stays visible in the history and checked by verify.

mod common;

use common::{Case, csv_records, snapshot};

/// The values of one column of a CSV listing.
fn column(csv: &str, name: &str) -> Vec<String> {
    let rows = csv_records(csv);
    let at = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

/// A case with a claim, two parties' statements on it, a source and evidence.
fn small_case() -> Case {
    let case = Case::new();
    case.ok(&["claim", "add", "A Russian A-50 entered the airspace", "--slug", "airspace"]);
    case.ok(&["source", "add", "Ministry statement", "--publisher", "MND", "--slug", "mnd"]);
    case.ok(&[
        "statement",
        "add",
        "airspace",
        "KR",
        "affirms",
        "--quote",
        "It violated our airspace",
        "--source",
        "mnd",
    ]);
    case.ok(&["statement", "add", "airspace", "RU", "denies", "--summary", "No violation occurred"]);
    case.ok(&[
        "evidence",
        "add",
        "airspace",
        "mnd",
        "supports",
        "--excerpt",
        "entered the airspace twice",
    ]);
    case
}

both_engines! {
fn a_statement_entered_by_mistake_is_corrected_with_its_reason_in_the_history() {
    let case = small_case();
    let run = case.run(&["statement", "edit", "ST2", "--stance", "disputes", "--party", "CN"]);
    assert_eq!(run.code, 2, "the reason is required: {}", run.stderr);
    assert!(run.stderr.contains("--reason"), "{}", run.stderr);
    case.ok(&[
        "statement",
        "edit",
        "ST2",
        "--stance",
        "disputes",
        "--party",
        "CN",
        "--reason",
        "Entered under the wrong party",
    ]);
    let listing = case.ok(&["statement", "list", "--format", "csv"]);
    assert_eq!(column(&listing, "party"), ["KR", "CN"]);
    assert_eq!(column(&listing, "stance"), ["affirms", "disputes"]);
    let history = csv_records(&case.ok(&["history", "ST2", "--format", "csv"]));
    let last = history.last().unwrap();
    assert_eq!(last[3], "edit");
    assert!(
        last[7].contains("party: RU → CN") && last[7].contains("stance: denies → disputes"),
        "{last:?}"
    );
    assert_eq!(last[8], "Entered under the wrong party");
    case.ok(&["verify"]);
}
}

both_engines! {
fn evidence_and_parties_are_corrected_like_sources_and_claims() {
    let case = small_case();
    case.ok(&["evidence", "edit", "E1", "--credibility", "3", "--reason", "One outlet only"]);
    assert_eq!(column(&case.ok(&["evidence", "list", "--format", "csv"]), "credibility"), ["3"]);
    case.ok(&[
        "party",
        "add",
        "KR-JCS",
        "--name",
        "Joint Chiefs",
        "--kind",
        "body",
        "--parent",
        "KR",
    ]);
    case.ok(&[
        "party",
        "edit",
        "KR-JCS",
        "--name",
        "Joint Chiefs of Staff",
        "--reason",
        "Full name",
    ]);
    let parties = case.ok(&["party", "list", "--format", "csv"]);
    assert!(column(&parties, "name").contains(&"Joint Chiefs of Staff".to_string()), "{parties}");
    let bad = case.fails(2, &["evidence", "edit", "E1", "--credibility", "9", "--reason", "x"]);
    assert!(bad.contains("invalid --credibility \"9\""), "{bad}");
    case.ok(&["verify"]);
}
}

both_engines! {
fn a_retracted_statement_leaves_every_view_but_stays_in_the_file_and_history() {
    let case = small_case();
    let before_compare = case.ok(&["compare", "airspace", "--format", "csv"]);
    assert!(before_compare.contains("No violation occurred"));
    let missing = case.run(&["retract", "ST2"]);
    assert_eq!(missing.code, 2, "the reason is required");
    let run = case.run(&["retract", "ST2", "--reason", "Duplicate of a later entry"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("retracted ST2"), "{}", run.stderr);

    assert_eq!(column(&case.ok(&["statement", "list", "--format", "csv"]), "handle"), ["ST1"]);
    let all = case.ok(&["statement", "list", "--include-retracted", "--format", "csv"]);
    assert_eq!(column(&all, "handle"), ["ST1", "ST2"]);
    assert_eq!(column(&all, "retracted"), ["", "Duplicate of a later entry"]);
    let compare = case.ok(&["compare", "airspace", "--format", "csv"]);
    assert!(!compare.contains("No violation occurred"), "{compare}");
    let report = case.ok(&["report", "claims", "--format", "md"]);
    assert!(!report.contains("No violation occurred"), "{report}");
    let show = case.ok(&["claim", "show", "airspace"]);
    assert!(!show.contains("No violation"), "{show}");
    let show_all = case.ok(&["claim", "show", "airspace", "--include-retracted"]);
    assert!(show_all.contains("ST2 (retracted)"), "{show_all}");
    assert_eq!(
        case.run(&["search", "violation", "--format", "csv"]).stdout.lines().count(),
        1,
        "header only"
    );
    let found = case.ok(&["search", "violation", "--include-retracted", "--format", "csv"]);
    assert_eq!(column(&found, "handle"), ["ST2"]);
    // Nothing deleted: the row and its history are still there.
    assert_eq!(case.count("SELECT count(*) FROM statement"), 2);
    let history = csv_records(&case.ok(&["history", "ST2", "--format", "csv"]));
    assert_eq!(history.last().unwrap()[3], "retract");
    case.ok(&["verify"]);

    let again = case.run(&["retract", "ST2", "--reason", "twice"]);
    assert!(again.stderr.contains("already retracted"), "{}", again.stderr);
    case.ok(&["restore", "ST2", "--reason", "Retracted by mistake"]);
    assert_eq!(
        column(&case.ok(&["statement", "list", "--format", "csv"]), "handle"),
        ["ST1", "ST2"]
    );
    assert!(
        case.ok(&["compare", "airspace", "--format", "csv"])
            .contains("No violation occurred")
    );
    let not = case.fails(2, &["restore", "ST2", "--reason", "again"]);
    assert!(not.contains("not retracted"), "{not}");
    case.ok(&["verify"]);
}
}

both_engines! {
fn retracting_a_claim_names_what_depends_on_it_and_retracts_nothing_else() {
    let case = small_case();
    case.ok(&["mark", "airspace", "supported", "--reason", "Radar tracks"]);
    let run = case.run(&["retract", "airspace", "--reason", "Not a claim the article makes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("3 live records refer to C1 and were not retracted: ST1, ST2, E1"),
        "{}",
        run.stderr
    );
    assert_eq!(case.run(&["claim", "list", "--format", "csv"]).stdout.lines().count(), 1);
    assert_eq!(case.count("SELECT count(*) FROM statement WHERE retracted = ''"), 2);
    let review = case.run(&["export", "claimreview", "--url-base", "https://desk.example/r#"]);
    assert!(!review.stdout.contains("A-50"), "{}", review.stdout);
    let named = case.fails(2, &["export", "claimreview", "airspace", "--url-base", "https://desk.example/r#"]);
    assert!(named.contains("C1 is retracted"), "{named}");
    let marked = case.fails(2, &["mark", "airspace", "refuted", "--reason", "x"]);
    assert!(marked.contains("is retracted"), "{marked}");
    let show = case.ok(&["claim", "show", "C1"]);
    assert!(show.contains("yes: Not a claim the article makes"), "{show}");
}
}

both_engines! {
fn identical_evidence_and_statements_are_refused_unless_forced() {
    let case = small_case();
    let err = case.fails(
        2,
        &[
            "evidence",
            "add",
            "airspace",
            "mnd",
            "supports",
            "--excerpt",
            "entered the airspace twice",
        ],
    );
    assert!(
        err.contains("evidence E1 already says this") && err.contains("--allow-duplicate"),
        "{err}"
    );
    let err = case.fails(
        2,
        &[
            "statement",
            "add",
            "airspace",
            "KR",
            "affirms",
            "--quote",
            "It violated our airspace",
            "--source",
            "mnd",
        ],
    );
    assert!(err.contains("statement ST1 already says this"), "{err}");
    // Another excerpt is another piece of evidence.
    case.ok(&["evidence", "add", "airspace", "mnd", "supports", "--excerpt", "a second passage"]);
    // A retracted record is no twin.
    case.ok(&["retract", "E1", "--reason", "wrong locator"]);
    case.ok(&[
        "evidence",
        "add",
        "airspace",
        "mnd",
        "supports",
        "--excerpt",
        "entered the airspace twice",
    ]);
    case.ok(&[
        "evidence",
        "add",
        "airspace",
        "mnd",
        "supports",
        "--excerpt",
        "a second passage",
        "--allow-duplicate",
    ]);
    assert_eq!(case.count("SELECT count(*) FROM evidence"), 4);
}
}

both_engines! {
fn imported_twins_are_unchanged_when_equal_and_refused_when_not() {
    let case = small_case();
    let file = case.write(
        "evidence.csv",
        "claim,source,relation,excerpt,credibility\nairspace,mnd,supports,entered the airspace twice,6\n",
    );
    let run = case.run(&["import", file.to_str().unwrap(), "--into", "evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("0 new, 0 updated, 1 unchanged"), "{}", run.stderr);
    let file = case.write(
        "evidence.csv",
        "claim,source,relation,excerpt,credibility\nairspace,mnd,supports,entered the airspace twice,2\n",
    );
    let before = snapshot(&case);
    let err = case.fails(2, &["import", file.to_str().unwrap(), "--into", "evidence"]);
    assert!(
        err.contains("evidence.csv, line 2") && err.contains("evidence E1 already says this"),
        "{err}"
    );
    assert_eq!(snapshot(&case), before);
    case.ok(&["import", file.to_str().unwrap(), "--into", "evidence", "--allow-duplicate"]);
    assert_eq!(case.count("SELECT count(*) FROM evidence"), 2);
    case.ok(&["verify"]);
}
}

/// Runs SQL on the case file around crosscheck, as someone with the sqlite3 shell could.
fn tamper(case: &Case, sql: &str) {
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn verify_catches_every_field_that_history_records() {
    let case = small_case();
    let page = case.write("page.html", "<html>statement</html>");
    case.ok(&["source", "add", "Other source"]);
    case.ok(&["source", "attach", "mnd", page.to_str().unwrap()]);
    case.ok(&["verify"]);
    for (what, sql, expected) in [
        (
            "a statement re-pointed to another party",
            "UPDATE statement SET party_id = (SELECT id FROM party WHERE code = 'CN') WHERE id = 2",
            "statement ST2: party_uuid is",
        ),
        (
            "a capture moved to another source",
            "UPDATE capture SET source_id = 2",
            "its source_uuid is",
        ),
        (
            "a capture's media type",
            "UPDATE capture SET media_type = 'text/plain'",
            "its media_type is \"text/plain\"",
        ),
        (
            "a capture's file name",
            "UPDATE capture SET file_name = 'other.html'",
            "its file_name is \"other.html\"",
        ),
        (
            "who attached a capture",
            "UPDATE capture SET attached_by = 'someone'",
            "its attached_by is \"someone\"",
        ),
        (
            "when a capture was attached",
            "UPDATE capture SET attached_at = '2001-01-01T00:00:00.000Z'",
            "its attached_at is",
        ),
        (
            "a record's creation time",
            "UPDATE claim SET created_at = '2001-01-01T00:00:00.000Z'",
            "claim C1: created_at is",
        ),
        (
            "a record's change time",
            "UPDATE source SET updated_at = '2001-01-01T00:00:00.000Z' WHERE id = 1",
            "source S1: updated_at is",
        ),
        (
            "a dropped trigger",
            "DROP TRIGGER history_no_delete",
            "the trigger history_no_delete is missing",
        ),
    ] {
        let copy = Case::empty();
        std::fs::copy(case.db(), copy.db()).unwrap();
        tamper(&copy, sql);
        let stderr = copy.fails(4, &["verify"]);
        assert!(stderr.contains(expected), "{what}: expected {expected:?} in\n{stderr}");
    }
}

both_engines! {
fn a_closed_pipe_is_not_an_error_and_the_write_is_kept() {
    let case = Case::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = case
        .command(&["claim", "add", "Written while nobody reads"])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    assert_eq!(case.count("SELECT count(*) FROM claim"), 1);
    for args in [&["claim", "list"][..], &["history"], &["verify"], &["compare", "C1"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = case.command(args).stdout(writer).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
}

both_engines! {
fn new_records_get_time_ordered_uuids() {
    let case = Case::new();
    case.ok(&["claim", "add", "One"]);
    case.ok(&["claim", "add", "Two"]);
    let uuids: Vec<String> = case
        .sql("SELECT uuid FROM claim ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    for uuid in &uuids {
        assert_eq!(&uuid[14..15], "7", "RFC 9562 version 7: {uuid}");
    }
    assert!(uuids[0] < uuids[1], "time-ordered: {uuids:?}");
    // A record that arrives with a v4 UUID keeps it.
    case.ok(&["claim", "add", "Three", "--uuid", "0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10"]);
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE uuid = '0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10'"),
        1
    );
}
}
