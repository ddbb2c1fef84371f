//! `crosscheck merge`, `diff` and `verify --other` through the binary:
//! analysts who work apart on copies of one case bring their work together.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Case, csv_records, snapshot, sql};
use sha2::{Digest, Sha256};

/// A seeded case (`case.db`, analyst A) and copies of it named `names`.
fn copies(names: &[&str]) -> Case {
    let case = Case::seeded();
    for name in names {
        std::fs::copy(case.db(), case.path(name)).unwrap();
    }
    case
}

/// A writing command on the case file `db`, made by `analyst`.
fn on<'a>(db: &'a str, analyst: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    all.extend(["--as", analyst]);
    all
}

fn copy(case: &Case, from: &str, to: &str) {
    std::fs::copy(case.path(from), case.path(to)).unwrap();
}

fn verify_passes(case: &Case, db: &str) {
    let out = case.ok(&["--db", db, "verify"]);
    assert!(!out.contains("FAILED"), "{out}");
}

fn file_sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// Every report of a case file, each row a map of column to value without
/// the handle (handles are each file's own), in UUID order.
fn reports(case: &Case, db: &str) -> BTreeMap<&'static str, Vec<BTreeMap<String, String>>> {
    let mut all = BTreeMap::new();
    for kind in ["parties", "sources", "claims", "statements", "evidence"] {
        let out = case.ok(&["--db", db, "report", kind, "--format", "csv", "--include-retracted"]);
        let records = csv_records(&out);
        let header = records[0].clone();
        let mut rows: Vec<BTreeMap<String, String>> = records[1..]
            .iter()
            .map(|r| {
                header
                    .iter()
                    .zip(r)
                    .filter(|(h, _)| *h != "handle")
                    .map(|(h, v)| (h.clone(), v.clone()))
                    .collect()
            })
            .collect();
        rows.sort_by(|a, b| a["uuid"].cmp(&b["uuid"]));
        all.insert(kind, rows);
    }
    all
}

fn entry_uuids(db: &Path) -> BTreeSet<String> {
    sql(db, "SELECT uuid FROM history").into_iter().map(|r| r[0].clone()).collect()
}

fn captures(db: &Path) -> Vec<Vec<String>> {
    sql(
        db,
        "SELECT c.uuid, s.uuid, c.sha256, c.size, c.file_name, c.media_type, c.attached_by, c.attached_at
         FROM capture c JOIN source s ON s.id = c.source_id ORDER BY c.uuid",
    )
}

/// A's work on a.db: a new source, claim, statement and evidence on it, an
/// edit, a verdict, a retraction and a capture.
fn work_of_a(case: &Case) {
    let a = |args: &[&str]| case.ok(&on("a.db", "A. Desk", args));
    a(&[
        "source",
        "add",
        "TASS on the joint patrol",
        "--slug",
        "tass-patrol",
        "--publisher",
        "TASS",
        "--reliability",
        "B",
    ]);
    a(&[
        "claim",
        "add",
        "Two Tu-95MS bombers flew the patrol",
        "--slug",
        "two-tu95",
        "--topic",
        "air-patrol-2019",
    ]);
    a(&[
        "statement",
        "add",
        "two-tu95",
        "RU",
        "affirms",
        "--source",
        "tass-patrol",
        "--quote",
        "Two Tu-95MS of the Long-Range Aviation",
        "--date",
        "2019-07-23",
    ]);
    a(&[
        "evidence",
        "add",
        "two-tu95",
        "tass-patrol",
        "supports",
        "--excerpt",
        "two Tu-95MS",
        "--credibility",
        "2",
    ]);
    a(&["claim", "edit", "C1", "--topic", "border-2019", "--reason", "topics by year"]);
    a(&["mark", "C2", "in-review", "--reason", "waiting for the ministry"]);
    a(&["retract", "ST3", "--reason", "Entered twice"]);
    case.write("page-a.html", "<html>the TASS page as read by A</html>\n");
    a(&["source", "attach", "tass-patrol", "page-a.html"]);
}

/// B's work on b.db: a new party, claim and statement, an edit, a verdict,
/// a retraction and a capture, on other records than A's.
fn work_of_b(case: &Case) {
    let b = |args: &[&str]| case.ok(&on("b.db", "B. Field", args));
    b(&["party", "add", "field-desk", "--name", "The field desk", "--kind", "organisation"]);
    b(&[
        "claim",
        "add",
        "The patrol came within 25 km of the rocks",
        "--slug",
        "patrol-distance",
        "--topic",
        "air-patrol-2019",
    ]);
    b(&[
        "statement",
        "add",
        "patrol-distance",
        "field-desk",
        "qualifies",
        "--summary",
        "Radar tracks put it at 25 to 30 km",
    ]);
    b(&[
        "source",
        "edit",
        "S2",
        "--notes",
        "Checked against the archive copy",
        "--reason",
        "archive checked",
    ]);
    b(&["mark", "C3", "disputed", "--reason", "two accounts of the route"]);
    b(&["retract", "E2", "--reason", "Same passage as E1"]);
    b(&[
        "claim",
        "edit",
        "C4",
        "--appeared-in",
        "Joining Forces (2019), second paragraph",
        "--reason",
        "where exactly",
    ]);
    case.write("page-b.html", "<html>the archive copy kept by B</html>\n");
    b(&["source", "attach", "S2", "page-b.html"]);
}

#[test]
fn two_analysts_merge_both_ways_to_the_same_records() {
    let case = copies(&["a.db", "b.db"]);
    work_of_a(&case);
    work_of_b(&case);
    let (a_before, b_before) = (file_sha(&case.path("a.db")), file_sha(&case.path("b.db")));
    copy(&case, "a.db", "ab.db");
    copy(&case, "b.db", "ba.db");

    let run = case.run(&on("ab.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "merged b.db: 1 new party, 1 new claim, 1 new statement, 1 new capture, 4 records updated, 8 history entries"
    );
    let run = case.run(&on("ba.db", "B. Field", &["merge", "a.db"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "merged a.db: 1 new source, 1 new claim, 1 new statement, 1 new evidence, 1 new capture, 3 records updated, 8 history entries"
    );
    // The other file is only read.
    assert_eq!(file_sha(&case.path("a.db")), a_before);
    assert_eq!(file_sha(&case.path("b.db")), b_before);

    verify_passes(&case, "ab.db");
    verify_passes(&case, "ba.db");
    assert_eq!(reports(&case, "ab.db"), reports(&case, "ba.db"));
    assert_eq!(captures(&case.path("ab.db")), captures(&case.path("ba.db")));
    assert_eq!(case.count_in("ab.db", "SELECT count(*) FROM capture"), 2);
    for merged in ["ab.db", "ba.db"] {
        let held = entry_uuids(&case.path(merged));
        assert!(held.is_superset(&entry_uuids(&case.path("a.db"))), "{merged}");
        assert!(held.is_superset(&entry_uuids(&case.path("b.db"))), "{merged}");
    }

    // Each side's changes are in: spot checks of exact values.
    let ab = case.path("ab.db");
    assert_eq!(
        sql(&ab, "SELECT topic, status, status_by FROM claim WHERE id IN (1, 2, 3) ORDER BY id"),
        [
            ["border-2019", "supported", "seed"],
            ["sco", "in-review", "A. Desk"],
            ["vostok-2018", "disputed", "B. Field"],
        ]
        .map(|r| r.map(String::from).to_vec())
    );
    assert_eq!(sql(&ab, "SELECT retracted FROM evidence WHERE id = 2"), [["Same passage as E1"]]);
    assert_eq!(sql(&ab, "SELECT retracted FROM statement WHERE id = 3"), [["Entered twice"]]);
    // B's new statement refers to B's new claim and party by their handles here.
    assert_eq!(
        sql(
            &ab,
            "SELECT c.slug, p.code, s.stance FROM statement s JOIN claim c ON c.id = s.claim_id JOIN party p ON p.id = s.party_id
             WHERE c.slug = 'patrol-distance'"
        ),
        [["patrol-distance", "field-desk", "qualifies"]]
    );
    // Copied entries keep who and when, carry their hash in b.db, and name records as ab.db does.
    let b_entries = sql(
        &case.path("b.db"),
        "SELECT uuid, hash, at FROM history WHERE analyst = 'B. Field' ORDER BY id",
    );
    assert_eq!(b_entries.len(), 8);
    for row in &b_entries {
        let here = sql(
            &ab,
            &format!("SELECT analyst, origin_hash, at FROM history WHERE uuid = '{}'", row[0]),
        );
        assert_eq!(here, [["B. Field".to_string(), row[1].clone(), row[2].clone()]]);
    }
    let new_claim = sql(&ab, "SELECT 'C' || id FROM claim WHERE slug = 'patrol-distance'")[0][0].clone();
    assert_eq!(
        sql(
            &ab,
            "SELECT handle FROM history WHERE action = 'create' AND entity = 'claim' AND analyst = 'B. Field'"
        ),
        [[new_claim]]
    );
    // One merge entry: the file, its head, the counts.
    let merge = sql(
        &ab,
        "SELECT analyst, handle, json_extract(after, '$.file'), json_extract(after, '$.head'), json_extract(after, '$.entries'),
                json_extract(after, '$.records.claim.new'), json_extract(after, '$.records.claim.updated')
         FROM history WHERE action = 'merge' AND entity = 'case'",
    );
    let b_head = sql(&case.path("b.db"), "SELECT hash FROM history ORDER BY id DESC LIMIT 1")[0][0].clone();
    assert_eq!(
        merge,
        [["A. Desk", "b.db", "b.db", b_head.as_str(), "8", "1", "2"]
            .map(String::from)
            .to_vec()]
    );
    // updated_at is the time of the newest entry about the record.
    assert_eq!(
        case.count_in(
            "ab.db",
            "SELECT count(*) FROM claim c WHERE c.updated_at <> coalesce((SELECT max(at) FROM history h WHERE h.entity_uuid = c.uuid), c.created_at)"
        ),
        0
    );
    // The copied entries check out against the files they came from.
    let out = case.ok(&["--db", "ab.db", "verify", "--other", "b.db"]);
    assert!(
        out.contains("other        ok: b.db: its chain of 47 entries checked; 47 entries both files hold say the same in both; 8 copied from it confirmed by the hash they have in its chain; 0 copied from other files"),
        "{out}"
    );
    let out = case.ok(&["--db", "ab.db", "verify", "--other", "a.db"]);
    assert!(out.contains("0 copied from it confirmed"), "{out}");
}

#[test]
fn a_second_merge_changes_nothing() {
    let case = copies(&["a.db", "b.db"]);
    work_of_a(&case);
    work_of_b(&case);
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db"]));
    let before = file_sha(&case.path("a.db"));
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr.trim(), "b.db holds nothing this case lacks; nothing changed");
    assert_eq!(file_sha(&case.path("a.db")), before);
    let run = case.run(&["--db", "a.db", "diff", "b.db", "--format", "csv"]);
    assert_eq!(
        run.stdout,
        "change,kind,record,uuid,field,base,ours,theirs,ours_by,theirs_by,note\n"
    );
}

#[test]
fn merging_back_and_forth_comes_to_rest() {
    let case = copies(&["a.db", "b.db"]);
    work_of_a(&case);
    work_of_b(&case);
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db"]));
    // B takes A's work, and with it A's merge entry: a merge of its own.
    let run = case.run(&on("b.db", "B. Field", &["merge", "a.db"]));
    assert!(run.stderr.ends_with(", 9 history entries\n"), "{}", run.stderr);
    // A then lacks only B's merge entry: it comes, without another.
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.stderr.trim(), "merged b.db: 1 history entry");
    let merges = |db: &str| case.count_in(db, "SELECT count(*) FROM history WHERE action = 'merge' AND entity = 'case'");
    assert_eq!((merges("a.db"), merges("b.db")), (2, 2));
    for (db, other) in [("a.db", "b.db"), ("b.db", "a.db")] {
        let run = case.run(&on(db, "x", &["merge", other]));
        assert_eq!(run.stderr.trim(), format!("{other} holds nothing this case lacks; nothing changed"));
    }
    assert_eq!(entry_uuids(&case.path("a.db")), entry_uuids(&case.path("b.db")));
    assert_eq!(reports(&case, "a.db"), reports(&case, "b.db"));
    verify_passes(&case, "a.db");
    verify_passes(&case, "b.db");
}

/// a.db and b.db give claim C1 another topic each.
fn topic_conflict() -> Case {
    let case = copies(&["a.db", "b.db"]);
    case.ok(&on(
        "a.db",
        "A. Desk",
        &["claim", "edit", "C1", "--topic", "border-a", "--reason", "a"],
    ));
    case.ok(&on(
        "b.db",
        "B. Field",
        &["claim", "edit", "C1", "--topic", "border-b", "--reason", "b"],
    ));
    case.ok(&on(
        "b.db",
        "B. Field",
        &["claim", "edit", "C5", "--topic", "only-b", "--reason", "b"],
    ));
    case
}

fn at_of(case: &Case, db: &str, analyst: &str) -> String {
    sql(
        &case.path(db),
        &format!("SELECT at FROM history WHERE analyst = '{analyst}' ORDER BY id DESC LIMIT 1"),
    )[0][0]
        .clone()
}

#[test]
fn a_conflict_stops_the_merge_with_nothing_written() {
    let case = topic_conflict();
    let before = snapshot_of(&case, "a.db");
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let a_at = at_of(&case, "a.db", "A. Desk");
    let b_at = sql(
        &case.path("b.db"),
        "SELECT at FROM history WHERE analyst = 'B. Field' ORDER BY id LIMIT 1",
    )[0][0]
        .clone();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "conflict  claim C1 topic: base \"border\"; ours \"border-a\" (A. Desk {a_at}); theirs \"border-b\" (B. Field {b_at})"
            ),
            "crosscheck: 1 conflict with b.db (listed on stderr): nothing was written; settle it with --prefer ours or --prefer theirs, or change the records in either file and merge again".to_string(),
        ]
    );
    assert_eq!(snapshot_of(&case, "a.db"), before);
    // The dry run and diff show the same, and the other field's change.
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db", "--dry-run"]));
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("update    claim C5 topic: \"vostok-2018\" → \"only-b\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("conflict  claim C1 topic: base \"border\""), "{}", run.stdout);
    let diff = csv_records(&case.ok(&["--db", "a.db", "diff", "b.db", "--format", "csv"]));
    let rows: Vec<Vec<&str>> = diff[1..]
        .iter()
        .map(|r| {
            vec![
                r[0].as_str(),
                r[1].as_str(),
                r[2].as_str(),
                r[4].as_str(),
                r[5].as_str(),
                r[6].as_str(),
                r[7].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        rows,
        [
            vec!["conflict", "claim", "C1", "topic", "border", "border-a", "border-b"],
            vec!["update", "claim", "C5", "topic", "vostok-2018", "vostok-2018", "only-b"],
        ]
    );
    assert_eq!(snapshot_of(&case, "a.db"), before);
}

#[test]
fn prefer_ours_or_theirs_settles_every_conflict_on_record() {
    let case = topic_conflict();
    copy(&case, "a.db", "ours.db");
    copy(&case, "a.db", "theirs.db");
    let run = case.run(&on("ours.db", "A. Desk", &["merge", "b.db", "--prefer", "ours"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("settled   claim C1 topic: base \"border\"; ours \"border-a\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("[kept ours]\nmerged b.db: 1 record updated, 1 conflict settled, 2 history entries\n"),
        "{}",
        run.stderr
    );
    let run = case.run(&on("theirs.db", "A. Desk", &["merge", "b.db", "--prefer", "theirs"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sql(&case.path("ours.db"), "SELECT topic FROM claim WHERE id IN (1, 5) ORDER BY id"),
        [["border-a"], ["only-b"]]
    );
    assert_eq!(
        sql(&case.path("theirs.db"), "SELECT topic FROM claim WHERE id IN (1, 5) ORDER BY id"),
        [["border-b"], ["only-b"]]
    );
    // Each settled conflict is in the history, with what won and why.
    assert_eq!(
        sql(
            &case.path("ours.db"),
            "SELECT analyst, handle, before, after, reason FROM history WHERE action = 'merge' AND entity = 'claim'"
        ),
        [[
            "A. Desk",
            "C1",
            r#"{"topic":"border-b"}"#,
            r#"{"topic":"border-a"}"#,
            "merge of b.db: topic settled with --prefer ours"
        ]
        .map(String::from)
        .to_vec()]
    );
    assert_eq!(
        sql(
            &case.path("theirs.db"),
            "SELECT before, after, reason FROM history WHERE action = 'merge' AND entity = 'claim'"
        ),
        [[
            r#"{"topic":"border-a"}"#,
            r#"{"topic":"border-b"}"#,
            "merge of b.db: topic settled with --prefer theirs"
        ]
        .map(String::from)
        .to_vec()]
    );
    assert_eq!(
        case.count_in(
            "ours.db",
            "SELECT count(*) FROM history WHERE action = 'merge' AND entity = 'case' AND json_extract(after, '$.prefer') = 'ours'"
        ),
        1
    );
    verify_passes(&case, "ours.db");
    verify_passes(&case, "theirs.db");
    // Settled once, merged again: nothing more.
    let run = case.run(&on("ours.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.stderr.trim(), "b.db holds nothing this case lacks; nothing changed");
    // The other side takes the settlement as a change made on one side.
    copy(&case, "b.db", "b2.db");
    let run = case.run(&on("b2.db", "B. Field", &["merge", "ours.db"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sql(&case.path("b2.db"), "SELECT topic FROM claim WHERE id = 1"), [["border-a"]]);
    verify_passes(&case, "b2.db");
}

#[test]
fn a_verdict_marked_differently_is_a_conflict() {
    let case = copies(&["a.db", "b.db"]);
    case.ok(&on("a.db", "A. Desk", &["mark", "C3", "disputed", "--reason", "two accounts"]));
    case.ok(&on("b.db", "B. Field", &["mark", "C3", "refuted", "--reason", "radar data"]));
    let before = snapshot_of(&case, "a.db");
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 2);
    // One conflict: a verdict is its status, reason, who and when together.
    let (a_at, b_at) = (at_of(&case, "a.db", "A. Desk"), at_of(&case, "b.db", "B. Field"));
    let base = sql(&case.db(), "SELECT status || ': ' || status_reason FROM claim WHERE id = 3")[0][0].clone();
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "conflict  claim C3 verdict: base {:?}; ours \"disputed: two accounts\" (A. Desk {a_at}); theirs \"refuted: radar data\" (B. Field {b_at})",
            output_shortened(&base)
        )
    );
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert_eq!(snapshot_of(&case, "a.db"), before);
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db", "--prefer", "theirs"]));
    assert_eq!(
        sql(
            &case.path("a.db"),
            "SELECT status, status_reason, status_by FROM claim WHERE id = 3"
        ),
        [["refuted", "radar data", "B. Field"]]
    );
    verify_passes(&case, "a.db");
    // The claim's history shows both verdicts and the settlement.
    let out = case.ok(&["--db", "a.db", "history", "C3", "--format", "csv"]);
    let actions: Vec<String> = csv_records(&out)[1..].iter().map(|r| format!("{} {}", r[2], r[3])).collect();
    assert_eq!(actions[actions.len() - 3..], ["A. Desk mark", "B. Field mark", "A. Desk merge"]);
}

#[test]
fn a_retraction_against_an_edit_is_a_conflict() {
    let case = copies(&["a.db", "b.db"]);
    case.ok(&on("a.db", "A. Desk", &["retract", "ST4", "--reason", "Wrong claim"]));
    case.ok(&on(
        "b.db",
        "B. Field",
        &[
            "statement",
            "edit",
            "ST4",
            "--speaker",
            "Col. Kobylash",
            "--reason",
            "speaker named",
        ],
    ));
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 2);
    let conflict = run.stderr.lines().next().unwrap();
    assert!(
        conflict.starts_with("conflict  statement ST4 retracted: base \"\"; ours \"Wrong claim\" (A. Desk "),
        "{conflict}"
    );
    assert!(conflict.ends_with("[retracted here, changed in b.db (speaker)]"), "{conflict}");
    // Preferring the retraction keeps it, and the edit too: nothing is lost.
    copy(&case, "a.db", "kept.db");
    case.ok(&on("kept.db", "A. Desk", &["merge", "b.db", "--prefer", "ours"]));
    assert_eq!(
        sql(&case.path("kept.db"), "SELECT retracted, speaker FROM statement WHERE id = 4"),
        [["Wrong claim", "Col. Kobylash"]]
    );
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db", "--prefer", "theirs"]));
    assert_eq!(
        sql(&case.path("a.db"), "SELECT retracted, speaker FROM statement WHERE id = 4"),
        [["", "Col. Kobylash"]]
    );
    verify_passes(&case, "kept.db");
    verify_passes(&case, "a.db");
}

#[test]
fn a_slug_another_record_holds_is_a_conflict_that_names_both() {
    let case = copies(&["a.db", "b.db"]);
    case.ok(&on("a.db", "A. Desk", &["claim", "add", "A's claim", "--slug", "patrol-route"]));
    case.ok(&on("b.db", "B. Field", &["claim", "add", "B's claim", "--slug", "patrol-route"]));
    case.ok(&on(
        "a.db",
        "A. Desk",
        &["party", "add", "osint-desk", "--name", "OSINT desk (A)", "--kind", "organisation"],
    ));
    case.ok(&on(
        "b.db",
        "B. Field",
        &["party", "add", "osint-desk", "--name", "OSINT desk (B)", "--kind", "organisation"],
    ));
    let before = snapshot_of(&case, "a.db");
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 2);
    let a_uuid = sql(&case.path("a.db"), "SELECT uuid FROM claim WHERE slug = 'patrol-route'")[0][0].clone();
    let a_party = sql(
        &case.path("a.db"),
        "SELECT 'P' || id || ' (' || uuid || ')' FROM party WHERE code = 'osint-desk'",
    )[0][0]
        .clone();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(lines[0].starts_with("collision party P"), "{}", lines[0]);
    assert!(
        lines[0].ends_with(&format!(
            "code: ours \"{} osint-desk\"; theirs \"osint-desk\" [{a_party} has this code here; rename one of the two, or settle with --prefer]",
            a_party.split(' ').next().unwrap()
        )),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(&format!(
            "slug: ours \"C38 patrol-route\"; theirs \"patrol-route\" [C38 ({a_uuid}) has this slug here; rename one of the two, or settle with --prefer]"
        )),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("crosscheck: 2 conflicts with b.db"), "{}", lines[2]);
    assert_eq!(snapshot_of(&case, "a.db"), before);

    copy(&case, "a.db", "theirs.db");
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db", "--prefer", "ours"]));
    assert_eq!(
        sql(
            &case.path("a.db"),
            "SELECT text, slug FROM claim WHERE slug LIKE 'patrol-route%' ORDER BY slug"
        ),
        [["A's claim", "patrol-route"], ["B's claim", "patrol-route-2"]]
    );
    case.ok(&on("theirs.db", "A. Desk", &["merge", "b.db", "--prefer", "theirs"]));
    assert_eq!(
        sql(
            &case.path("theirs.db"),
            "SELECT text, slug FROM claim WHERE slug LIKE 'patrol-route%' ORDER BY slug"
        ),
        [["B's claim", "patrol-route"], ["A's claim", "patrol-route-2"]]
    );
    assert_eq!(
        sql(
            &case.path("theirs.db"),
            "SELECT name FROM party WHERE code LIKE 'osint-desk%' ORDER BY code"
        ),
        [["OSINT desk (B)"], ["OSINT desk (A)"]]
    );
    verify_passes(&case, "a.db");
    verify_passes(&case, "theirs.db");
}

#[test]
fn an_import_brings_its_rows_and_counts_only_those_new_here() {
    let case = copies(&["a.db", "b.db"]);
    let mut csv = String::from("uuid,title,publisher\n");
    for i in 0..6 {
        csv.push_str(&format!("0190d1c4-0000-7000-8000-00000000000{i},Report {i},Desk\n"));
    }
    case.write("shared.csv", &csv);
    case.write("more.csv", "uuid,title\n0190d1c4-0000-7000-8000-0000000000aa,Only in B\n");
    // Both imported the same file, each on its own; B one more.
    case.ok(&on("a.db", "A. Desk", &["import", "shared.csv", "--into", "sources"]));
    case.ok(&on("b.db", "B. Field", &["import", "shared.csv", "--into", "sources"]));
    case.ok(&on("b.db", "B. Field", &["import", "more.csv", "--into", "sources"]));
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.trim(), "merged b.db: 1 new source, 2 new imports, 2 history entries");
    assert_eq!(
        sql(
            &case.path("a.db"),
            "SELECT i.file_name, i.analyst, i.inserted, (SELECT count(*) FROM source s WHERE s.import_id = i.id) FROM import i WHERE i.file_name IN ('shared.csv', 'more.csv') ORDER BY i.id"
        ),
        [
            ["shared.csv", "A. Desk", "6", "6"],
            ["shared.csv", "B. Field", "0", "0"],
            ["more.csv", "B. Field", "1", "1"]
        ]
        .map(|r| r.map(String::from).to_vec())
    );
    assert_eq!(
        sql(
            &case.path("a.db"),
            "SELECT before, after FROM history WHERE action = 'merge' AND entity = 'import'"
        ),
        [[r#"{"inserted":6}"#, r#"{"inserted":0}"#]]
    );
    verify_passes(&case, "a.db");
    // The new row is searchable.
    let found = case.ok(&["--db", "a.db", "search", "Only in B", "--format", "csv"]);
    assert_eq!(csv_records(&found).len(), 2, "{found}");
}

#[test]
fn a_change_undone_there_does_not_undo_one_made_here() {
    let case = copies(&["b.db"]);
    case.ok(&on(
        "b.db",
        "B. Field",
        &["claim", "edit", "C1", "--topic", "borders", "--reason", "b"],
    ));
    case.ok(&on(
        "b.db",
        "B. Field",
        &["claim", "edit", "C1", "--topic", "border", "--reason", "back"],
    ));
    case.ok(&["claim", "edit", "C1", "--topic", "border-2019", "--reason", "a"]);
    let run = case.run(&["merge", "b.db"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.trim(), "merged b.db: 2 history entries");
    assert_eq!(case.sql("SELECT topic FROM claim WHERE id = 1"), [["border-2019"]]);
    // b.db's entries end with "border": one entry puts this case's value back on record.
    assert_eq!(
        case.sql("SELECT analyst, before, after, reason FROM history WHERE action = 'merge' AND entity = 'claim'"),
        [[
            "tester",
            r#"{"topic":"border"}"#,
            r#"{"topic":"border-2019"}"#,
            "merge of b.db: the merged values, which the entries copied from it do not end with"
        ]
        .map(String::from)
        .to_vec()]
    );
    verify_passes(&case, "case.db");
}

#[test]
fn a_record_that_refers_to_one_made_after_it_waits_for_it() {
    let case = copies(&["b.db"]);
    let b = |args: &[&str]| case.ok(&on("b.db", "B. Field", args));
    b(&["party", "add", "ru-mod-press", "--name", "Press service", "--kind", "body"]);
    b(&[
        "party",
        "add",
        "ru-mod-new",
        "--name",
        "Ministry of Defence (new entry)",
        "--kind",
        "body",
        "--parent",
        "RU",
    ]);
    // The older party's parent is the newer one.
    b(&[
        "party",
        "edit",
        "ru-mod-press",
        "--parent",
        "ru-mod-new",
        "--reason",
        "part of the ministry",
    ]);
    let run = case.run(&["merge", "b.db"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        case.sql("SELECT p.code, parent.code FROM party p JOIN party parent ON parent.id = p.parent_id WHERE p.code LIKE 'ru-mod-%' ORDER BY p.code"),
        [["ru-mod-new", "RU"], ["ru-mod-press", "ru-mod-new"]]
    );
    verify_passes(&case, "case.db");
}

#[test]
fn a_statement_both_analysts_entered_comes_in_once_more_and_is_named() {
    let case = copies(&["a.db", "b.db"]);
    let same = [
        "statement",
        "add",
        "C1",
        "CN",
        "affirms",
        "--quote",
        "The border is settled",
        "--date",
        "2019-07-24",
    ];
    case.ok(&on("a.db", "A. Desk", &same));
    case.ok(&on("b.db", "B. Field", &same));
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids = sql(
        &case.path("a.db"),
        "SELECT 'ST' || id FROM statement WHERE quote = 'The border is settled' ORDER BY id",
    );
    assert_eq!(ids.len(), 2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "duplicate statement {} [says what {} says here; both are kept: retract one of them]",
            ids[1][0], ids[0][0]
        )
    );
    verify_passes(&case, "a.db");
}

#[test]
fn bad_other_files_are_refused_with_nothing_written() {
    let case = copies(&["b.db"]);
    let before = snapshot(&case);
    case.write("notes.txt", "not a database\n");
    let err = case.fails(2, &["merge", "notes.txt"]);
    assert_eq!(
        err.trim(),
        "crosscheck: notes.txt is not a crosscheck case file: it is not an SQLite database; nothing was merged"
    );
    {
        let conn = rusqlite::Connection::open(case.path("other.sqlite")).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    }
    let err = case.fails(2, &["merge", "other.sqlite"]);
    assert_eq!(
        err.trim(),
        "crosscheck: other.sqlite is not a crosscheck case file: it is an SQLite database, but not one crosscheck made; nothing was merged"
    );
    let err = case.fails(3, &["merge", "missing.db"]);
    assert!(err.starts_with("crosscheck: no case file \"missing.db\""), "{err}");
    // A newer schema.
    copy(&case, "b.db", "newer.db");
    rusqlite::Connection::open(case.path("newer.db"))
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = case.fails(2, &["merge", "newer.db"]);
    assert!(
        err.contains("newer.db has schema version 99, newer than this crosscheck reads"),
        "{err}"
    );
    // The case itself, by its name, a symbolic link and a hard link.
    std::os::unix::fs::symlink(case.db(), case.path("link.db")).unwrap();
    std::fs::hard_link(case.db(), case.path("hard.db")).unwrap();
    for name in [case.db().to_str().unwrap(), "link.db", "hard.db", "./case.db"] {
        let err = case.fails(2, &["merge", name]);
        assert!(err.contains("is this case file itself"), "{name}: {err}");
        let err = case.fails(2, &["diff", name]);
        assert!(err.contains("is this case file itself"), "{name}: {err}");
    }
    assert_eq!(snapshot(&case), before);
}

/// Changes a row of a case file behind crosscheck's back.
fn tamper(path: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(statement).unwrap();
}

#[test]
fn an_other_file_that_fails_verify_is_refused_unless_forced() {
    let case = copies(&["b.db"]);
    case.ok(&on("b.db", "B. Field", &["claim", "add", "B's claim", "--slug", "b-claim"]));
    tamper(
        &case.path("b.db"),
        "UPDATE claim SET text = 'Quietly changed' WHERE slug = 'b-claim'",
    );
    let before = snapshot(&case);
    let err = case.fails(4, &["merge", "b.db"]);
    assert!(
        err.starts_with("crosscheck: b.db fails verification, so what it holds cannot be trusted: nothing was merged; merge it anyway with --force-unverified (the merge entry records it):\n  - claim C38: text is \"Quietly changed\", but its history (entry "),
        "{err}"
    );
    assert_eq!(snapshot(&case), before);
    let run = case.run(&["merge", "b.db", "--force-unverified"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("although it fails verification (1 problem, recorded in the merge entry)\n"),
        "{}",
        run.stderr
    );
    let entry = case.sql("SELECT reason, json_array_length(after, '$.unverified') FROM history WHERE action = 'merge' AND entity = 'case'");
    assert_eq!(
        entry,
        [["merged with --force-unverified: b.db fails verification (1 problem)", "1"]]
    );
}

#[test]
fn a_capture_whose_bytes_do_not_match_its_hash_stops_the_merge() {
    let case = copies(&["b.db"]);
    case.write("page.html", "<html>kept by B</html>\n");
    case.ok(&on("b.db", "B. Field", &["source", "attach", "S1", "page.html"]));
    tamper(
        &case.path("b.db"),
        "UPDATE capture SET content = CAST('<html>altered!!</html>' || char(10) AS BLOB)",
    );
    let before = snapshot(&case);
    let err = case.fails(4, &["merge", "b.db"]);
    assert!(
        err.contains("capture 1 of source S1 (page.html): its content has changed since it was attached"),
        "{err}"
    );
    let err = case.fails(2, &["merge", "b.db", "--force-unverified"]);
    let recorded = sql(&case.path("b.db"), "SELECT sha256 FROM capture")[0][0].clone();
    assert!(
        err.starts_with(&format!(
            "crosscheck: capture 1 of S1 in b.db (page.html): its content does not match its SHA-256 (recorded {recorded}, 23 bytes; the content hashes to "
        )),
        "{err}"
    );
    assert!(err.trim_end().ends_with("it was altered; nothing was merged"), "{err}");
    assert_eq!(snapshot(&case), before);
    assert_eq!(case.count("SELECT count(*) FROM capture"), 0);
}

#[test]
fn the_other_file_is_never_changed_and_no_files_appear_beside_it() {
    let case = copies(&["b.db"]);
    case.ok(&on("b.db", "B. Field", &["claim", "add", "B's claim"]));
    let sha = file_sha(&case.path("b.db"));
    let listing = |case: &Case| {
        let mut names: Vec<String> = std::fs::read_dir(case.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("b.db"))
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing(&case), ["b.db"]);
    case.ok(&["diff", "b.db"]);
    case.ok(&["merge", "b.db", "--dry-run"]);
    case.ok(&["merge", "b.db"]);
    case.ok(&["verify", "--other", "b.db"]);
    assert_eq!(listing(&case), ["b.db"]);
    assert_eq!(file_sha(&case.path("b.db")), sha);
}

#[test]
fn a_case_of_an_older_schema_is_merged_from_an_upgraded_copy() {
    let case = copies(&["b.db"]);
    case.ok(&on(
        "b.db",
        "B. Field",
        &["claim", "add", "Made before the upgrade", "--slug", "older"],
    ));
    // Schema version 6: before copied entries had an origin (migration 0007).
    tamper(
        &case.path("b.db"),
        "ALTER TABLE history DROP COLUMN origin_hash; PRAGMA user_version = 6;",
    );
    let sha = file_sha(&case.path("b.db"));
    let run = case.run(&["merge", "b.db"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.trim(), "merged b.db: 1 new claim, 1 history entry");
    assert_eq!(file_sha(&case.path("b.db")), sha);
    assert_eq!(
        sql(&case.path("b.db"), "PRAGMA user_version"),
        [["6"]],
        "the file itself is not upgraded"
    );
    assert_eq!(
        case.sql("SELECT text FROM claim WHERE slug = 'older'"),
        [["Made before the upgrade"]]
    );
    verify_passes(&case, "case.db");
    let out = case.ok(&["verify", "--other", "b.db"]);
    assert!(out.contains("1 copied from it confirmed"), "{out}");
}

#[test]
fn verify_other_names_a_broken_chain_in_the_other_file() {
    let case = copies(&["b.db"]);
    case.ok(&on("b.db", "B. Field", &["claim", "add", "B's claim"]));
    case.ok(&["merge", "b.db"]);
    tamper(
        &case.path("b.db"),
        "DROP TRIGGER history_no_update; UPDATE history SET reason = 'rewritten' WHERE analyst = 'B. Field';",
    );
    let run = case.run(&["verify", "--other", "b.db"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let id = sql(&case.path("b.db"), "SELECT id FROM history WHERE analyst = 'B. Field'")[0][0].clone();
    let here = case.sql("SELECT id FROM history WHERE analyst = 'B. Field'")[0][0].clone();
    assert!(
        run.stderr.contains(&format!(
            "  - b.db: history entry {id} (create claim C38) was altered: its content no longer matches its hash"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "  - history entry {here} (create claim C38) says otherwise in b.db (its entry {id}): reason differ"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_killed_merge_leaves_the_case_as_it_was() {
    const ROWS: usize = 30_000;
    let case = copies(&["b.db"]);
    let mut csv = String::from("title,publisher,notes\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Source {i},Publisher {},{}\n", i % 97, "n".repeat(200)));
    }
    case.write("big.csv", &csv);
    case.ok(&on("b.db", "B. Field", &["import", "big.csv", "--into", "sources"]));
    let before = snapshot(&case);
    let wal = PathBuf::from(format!("{}-wal", case.db().display()));
    let mut child = case
        .command(&["merge", "b.db"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let killed = loop {
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 2 << 20 {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            break true;
        }
        assert!(Instant::now() < deadline, "the merge neither finished nor wrote");
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(killed, "the merge finished before it could be killed: make it larger");
    assert_eq!(snapshot(&case), before);
    verify_passes(&case, "case.db");
    case.ok(&["merge", "b.db"]);
    assert_eq!(case.count("SELECT count(*) FROM source") as usize, ROWS + before[1].len());
    verify_passes(&case, "case.db");
}

/// A value as a plan line shows it: at most 120 characters.
fn output_shortened(text: &str) -> String {
    if text.chars().count() <= 120 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(119).collect::<String>().trim_end())
    }
}

/// Every table of a case file other than case.db.
fn snapshot_of(case: &Case, db: &str) -> Vec<Vec<Vec<String>>> {
    ["party", "source", "claim", "statement", "evidence", "history", "import", "capture"]
        .iter()
        .map(|t| sql(&case.path(db), &format!("SELECT * FROM {t} ORDER BY id")))
        .collect()
}

trait CountIn {
    fn count_in(&self, db: &str, query: &str) -> i64;
}

impl CountIn for Case {
    fn count_in(&self, db: &str, query: &str) -> i64 {
        sql(&self.path(db), query)[0][0].parse().unwrap()
    }
}

#[test]
fn a_slug_a_record_of_another_kind_holds_is_a_conflict_diff_lists() {
    let case = copies(&["a.db", "b.db"]);
    case.ok(&on("a.db", "A. Desk", &["claim", "add", "A's claim", "--slug", "kobylash"]));
    case.ok(&on(
        "b.db",
        "B. Field",
        &["source", "add", "Kobylash interview", "--slug", "kobylash", "--publisher", "RIA"],
    ));
    let claim = sql(
        &case.path("a.db"),
        "SELECT 'C' || id || ' (' || uuid || ')' FROM claim WHERE slug = 'kobylash'",
    )[0][0]
        .clone();
    let before = snapshot_of(&case, "a.db");

    // diff lists it as a collision, and so does the merge, which writes nothing.
    let diff = csv_records(&case.ok(&["--db", "a.db", "diff", "b.db", "--format", "csv"]));
    assert_eq!(diff[0][..5], ["change", "kind", "record", "uuid", "field"]);
    assert_eq!(diff[0][10], "note");
    let collision: Vec<_> = diff.iter().filter(|r| r[0] == "collision").collect();
    assert_eq!(collision.len(), 1, "{diff:?}");
    assert_eq!(collision[0][1], "source");
    assert_eq!(collision[0][4], "slug");
    assert_eq!(
        collision[0][10],
        format!(
            "claim {claim} holds it here, and a slug or party code names one record across kinds; rename one of the two, or settle with --prefer"
        )
    );
    let run = case.run(&on("a.db", "A. Desk", &["merge", "b.db"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("collision source"), "{}", run.stderr);
    assert_eq!(snapshot_of(&case, "a.db"), before);

    // --prefer settles it either way, across the two kinds.
    copy(&case, "a.db", "theirs.db");
    case.ok(&on("a.db", "A. Desk", &["merge", "b.db", "--prefer", "ours"]));
    let slugs = |db: &str| {
        sql(
            &case.path(db),
            "SELECT 'claim', slug FROM claim WHERE slug LIKE 'kobylash%' UNION ALL SELECT 'source', slug FROM source WHERE slug LIKE 'kobylash%' ORDER BY 1",
        )
    };
    assert_eq!(slugs("a.db"), [["claim", "kobylash"], ["source", "kobylash-2"]]);
    case.ok(&on("theirs.db", "A. Desk", &["merge", "b.db", "--prefer", "theirs"]));
    assert_eq!(slugs("theirs.db"), [["claim", "kobylash-2"], ["source", "kobylash"]]);
    let reason = sql(
        &case.path("theirs.db"),
        "SELECT reason FROM history WHERE entity = 'claim' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(reason, [["merge of b.db: its source with this slug keeps it (--prefer theirs)"]]);
    verify_passes(&case, "a.db");
    verify_passes(&case, "theirs.db");
}
