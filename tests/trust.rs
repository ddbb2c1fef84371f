//! The trust guarantees (issue 4), each shown through the real binary:
//! `verify` catches every kind of tampering and names it; captures come back
//! byte for byte; backups are consistent while others write; several writers
//! lose nothing; a killed process leaves none or all of its change; a
//! read-only or full disk fails clearly; hostile text is stored exactly and
//! shown inert.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Case, csv_records, snapshot};
use sha2::{Digest, Sha256};

fn raw(case: &Case) -> rusqlite::Connection {
    rusqlite::Connection::open(case.db()).expect("open case file")
}

/// Runs verify, expects it to find problems (exit 4), and returns stderr.
fn verify_fails(case: &Case) -> String {
    let stderr = case.fails(4, &["verify"]);
    assert!(stderr.contains("failed verification"), "{stderr}");
    stderr
}

fn verify_passes(case: &Case) -> String {
    let out = case.ok(&["verify"]);
    assert!(!out.contains("FAILED"), "{out}");
    out
}

/// Fails unless the text holds every one of the expected passages.
fn assert_mentions(text: &str, expected: &[String]) {
    for passage in expected {
        assert!(text.contains(passage.as_str()), "missing {passage:?} in\n{text}");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Bytes that are not text: every byte value, then a pseudo-random run.
fn binary_bytes(len: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while bytes.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// A case with one source, an edit, a claim, a statement, evidence and a
/// verdict: one entry of each kind of change.
fn worked_case() -> Case {
    let case = Case::new();
    case.ok(&["source", "add", "TASS report", "--publisher", "TASS", "--reliability", "B"]);
    case.ok(&[
        "source",
        "edit",
        "S1",
        "--title",
        "TASS report of 23 July",
        "--reason",
        "full title",
    ]);
    case.ok(&["claim", "add", "Russia and China flew a joint patrol", "--slug", "patrol"]);
    case.ok(&[
        "statement",
        "add",
        "patrol",
        "RU",
        "affirms",
        "--quote",
        "A joint patrol took place",
        "--source",
        "S1",
    ]);
    case.ok(&["evidence", "add", "patrol", "S1", "supports", "--excerpt", "first joint patrol"]);
    case.ok(&["mark", "patrol", "supported", "--reason", "both ministries confirm"]);
    case
}

/// The id of the newest history entry with this action.
fn entry_id(case: &Case, action: &str) -> i64 {
    case.count(&format!("SELECT max(id) FROM history WHERE action = '{action}'"))
}

both_engines! {
fn every_change_writes_a_history_entry() {
    let case = worked_case();
    let path = case.write("page.html", "<!doctype html><p>report</p>");
    case.ok(&["source", "attach", "S1", path.to_str().unwrap()]);
    let actions: Vec<String> = case
        .sql("SELECT action || ' ' || entity FROM history ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        actions,
        [
            "create source",
            "edit source",
            "create claim",
            "link statement",
            "link evidence",
            "mark claim",
            "attach capture"
        ]
    );
    // The seed comes in through the importer: one `import` entry per file.
    let seeded = Case::seeded();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seed"))
        .unwrap()
        .filter(|f| f.as_ref().unwrap().path().extension().is_some_and(|e| e == "csv"))
        .count();
    assert_eq!(seeded.count("SELECT count(*) FROM history WHERE action = 'import'"), files as i64);
    verify_passes(&seeded);
}
}

#[test]
fn verify_reports_what_it_checked_on_a_sound_case() {
    let case = worked_case();
    let path = case.write("report.pdf", "%PDF-1.4 report");
    case.ok(&["source", "attach", "S1", path.to_str().unwrap()]);
    let out = verify_passes(&case);
    let head = case.sql("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1").remove(0);
    assert_mentions(
        &out,
        &[
            "integrity    ok: PRAGMA integrity_check".to_string(),
            "foreign keys ok: PRAGMA foreign_key_check".to_string(),
            format!(
                "history      ok: 7 entries, each hash recomputed and its link to the entry before checked; newest entry {}, hash {}",
                head[0], head[1]
            ),
            "captures     ok: 1 capture, 15 bytes, each hashed again".to_string(),
            "triggers     ok: 2 append-only triggers on the history in place".to_string(),
            // The 249 built-in states have no history to compare with, and are not counted.
            "records      ok: 4 records compared, every field and their times".to_string(),
            "imports      ok: 0 imports".to_string(),
        ],
    );
}

#[test]
fn verify_names_a_history_entry_whose_content_was_altered() {
    let case = worked_case();
    let mark = entry_id(&case, "mark");
    {
        let conn = raw(&case);
        // The triggers refuse the change, even here...
        let refused = conn.execute("UPDATE history SET reason = 'no evidence' WHERE id = ?1", [mark]);
        assert!(refused.unwrap_err().to_string().contains("append-only"));
        // ...so a forger has to drop them first.
        conn.execute_batch("DROP TRIGGER history_no_update").unwrap();
        conn.execute("UPDATE history SET reason = 'no evidence' WHERE id = ?1", [mark])
            .unwrap();
    }
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains(&format!(
            "history entry {mark} (mark claim C1) was altered: its content no longer matches its hash"
        )),
        "{stderr}"
    );
}

#[test]
fn verify_names_the_place_where_a_history_entry_was_deleted() {
    let case = worked_case();
    {
        let conn = raw(&case);
        assert!(
            conn.execute("DELETE FROM history WHERE id = 3", [])
                .unwrap_err()
                .to_string()
                .contains("append-only")
        );
        conn.execute_batch("DROP TRIGGER history_no_delete; DELETE FROM history WHERE id = 3")
            .unwrap();
    }
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains(
            "history entry 4 (link statement ST1) does not link to the entry before it: an entry was deleted, inserted or reordered here"
        ),
        "{stderr}"
    );
    // The claim whose creation was removed is named too.
    assert!(stderr.contains("claim C1 ("), "{stderr}");
    assert!(stderr.contains("no history entry records its creation"), "{stderr}");
}

#[test]
fn verify_catches_the_newest_entry_deleted_through_the_record_it_changed() {
    // Removing the last entries leaves a chain that links; the record they
    // changed no longer matches its history.
    let case = Case::new();
    case.ok(&["source", "add", "Draft title"]);
    case.ok(&["source", "edit", "S1", "--title", "Final title", "--reason", "Real title"]);
    raw(&case)
        .execute_batch("DROP TRIGGER history_no_delete; DELETE FROM history WHERE id = 2")
        .unwrap();
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains("source S1: title is \"Final title\", but its history (entry 1) gives \"Draft title\""),
        "{stderr}"
    );
}

#[test]
fn verify_catches_entries_reordered() {
    let case = worked_case();
    raw(&case)
        .execute_batch(
            "DROP TRIGGER history_no_update;
             UPDATE history SET id = -2 WHERE id = 2;
             UPDATE history SET id = 2 WHERE id = 3;
             UPDATE history SET id = 3 WHERE id = -2;",
        )
        .unwrap();
    let stderr = verify_fails(&case);
    for id in [2, 3, 4] {
        assert!(
            stderr.contains(&format!("history entry {id} (")),
            "entry {id} not named in\n{stderr}"
        );
    }
    assert!(stderr.contains("deleted, inserted or reordered"), "{stderr}");
}

/// The hash crosscheck gives an entry (src/history.rs), recomputed here as a
/// forger who knows the scheme would.
#[allow(clippy::too_many_arguments)]
fn forged_hash(
    prev: &str,
    uuid: &str,
    at: &str,
    analyst: &str,
    action: &str,
    entity: &str,
    entity_uuid: &str,
    handle: &str,
    after: &str,
) -> String {
    let content = serde_json::json!([prev, uuid, at, analyst, action, entity, entity_uuid, handle, null, null, after, ""]);
    sha256_hex(content.to_string().as_bytes())
}

#[test]
fn verify_catches_an_entry_inserted_with_a_valid_hash() {
    let case = worked_case();
    let conn = raw(&case);
    let prev: String = conn.query_row("SELECT hash FROM history WHERE id = 3", [], |r| r.get(0)).unwrap();
    conn.execute_batch("DROP TRIGGER history_no_update; UPDATE history SET id = id + 1000 WHERE id > 3")
        .unwrap();
    let (uuid, at, after) = (
        "6f1c1d3e-8a4b-4c55-9d0e-1f2a3b4c5d6e",
        "2019-07-23T00:00:00.000Z",
        r#"{"title":"forged"}"#,
    );
    let hash = forged_hash(&prev, uuid, at, "forger", "edit", "source", "x", "S1", after);
    conn.execute(
        "INSERT INTO history (id, uuid, at, analyst, action, entity, entity_uuid, handle, after, prev_hash, hash)
         VALUES (4, ?1, ?2, 'forger', 'edit', 'source', 'x', 'S1', ?3, ?4, ?5)",
        rusqlite::params![uuid, at, after, prev, hash],
    )
    .unwrap();
    drop(conn);
    let stderr = verify_fails(&case);
    // The forged entry itself hashes correctly; the one after it does not link.
    assert!(!stderr.contains("history entry 4 ("), "{stderr}");
    assert!(
        stderr.contains("history entry 1004 (link statement ST1) does not link to the entry before it"),
        "{stderr}"
    );
    // And it speaks of a record that is not in the case.
    assert!(
        stderr.contains("history entry 4 records source S1 (x), which is no longer in the case"),
        "{stderr}"
    );
}

#[test]
fn verify_catches_records_changed_added_or_deleted_outside_crosscheck() {
    let case = worked_case();
    raw(&case)
        .execute_batch(
            "UPDATE claim SET status = 'refuted', status_reason = 'quietly changed' WHERE id = 1;
             INSERT INTO source (uuid, title, created_at, updated_at) VALUES ('0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10', 'Planted', 'now', 'now');
             DELETE FROM evidence WHERE id = 1;",
        )
        .unwrap();
    let stderr = verify_fails(&case);
    let mark = entry_id(&case, "mark");
    assert_mentions(
        &stderr,
        &[
            format!("claim C1: status is \"refuted\", but its history (entry {mark}) gives \"supported\""),
            format!("claim C1: reason is \"quietly changed\", but its history (entry {mark}) gives \"both ministries confirm\""),
            "source S2 (0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10): no history entry records its creation".to_string(),
            "history entry 5 records evidence E1 (".to_string(),
            "which is no longer in the case: it was deleted outside crosscheck".to_string(),
        ],
    );
}

#[test]
fn verify_checks_foreign_keys_and_sqlite_integrity() {
    let case = worked_case();
    raw(&case)
        .execute_batch("PRAGMA foreign_keys = OFF; UPDATE evidence SET source_id = 99 WHERE id = 1")
        .unwrap();
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains("evidence E1 refers in source_id to source 99, which is not in the case"),
        "{stderr}"
    );

    // Damage an index page of the file itself.
    let case = Case::seeded();
    let (root, topic): (i64, String) = {
        let conn = raw(&case);
        (
            conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = 'claim_topic'", [], |r| r.get(0))
                .unwrap(),
            conn.query_row("SELECT topic FROM claim WHERE topic <> '' LIMIT 1", [], |r| r.get(0))
                .unwrap(),
        )
    };
    let page_size = case.count("PRAGMA page_size") as usize;
    let mut bytes = std::fs::read(case.db()).unwrap();
    let page = (root as usize - 1) * page_size..root as usize * page_size;
    let at = page.start + find(&bytes[page], topic.as_bytes()).expect("the topic is in its index page");
    bytes[at] ^= 0x20;
    std::fs::write(case.db(), bytes).unwrap();
    let out = case.run(&["verify"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stdout.contains("integrity    FAILED ("), "{}", out.stdout);
    assert!(out.stderr.contains("SQLite integrity check: row"), "{}", out.stderr);
    assert!(out.stderr.contains("missing from index claim_topic"), "{}", out.stderr);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

both_engines! {
fn attach_and_extract_keep_a_capture_byte_for_byte() {
    let case = Case::new();
    case.ok(&["source", "add", "Ministry statement"]);
    let bytes = binary_bytes(3 * 1024 * 1024 + 17);
    let file = case.path("statement.warc");
    std::fs::write(&file, &bytes).unwrap();
    let run = case.run(&[
        "source",
        "attach",
        "S1",
        file.to_str().unwrap(),
        "--reason",
        "archived from the ministry's site",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sha = sha256_hex(&bytes);
    assert_eq!(run.stdout, format!("{sha}\n"), "stdout is the hash and nothing else");
    assert!(
        run.stderr.contains(&format!(
            "kept statement.warc as capture 1 of S1: application/warc, 3,145,745 bytes, SHA-256 {sha}"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        case.sql(if case.is_postgres() {
            // There the content is kept in chunks.
            "SELECT sha256, size, media_type, file_name, attached_by, (SELECT sum(length(data)) FROM capture_chunk) FROM capture"
        } else {
            "SELECT sha256, size, media_type, file_name, attached_by, length(content) FROM capture"
        }),
        [[
            sha.clone(),
            "3145745".into(),
            "application/warc".into(),
            "statement.warc".into(),
            "tester".into(),
            "3145745".into()
        ]]
    );

    // source show lists it with its hash, as sha256sum prints it.
    let show = case.ok(&["source", "show", "S1"]);
    assert!(
        show.contains("Captures") && show.contains(&sha) && show.contains("3145745 bytes") && show.contains("attached by tester"),
        "{show}"
    );

    // Back out on stdout, byte for byte.
    let out = case.command(&["source", "extract", "S1"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(sha256_hex(&out.stdout), sha);
    assert!(out.stdout == bytes);

    // And to a file, which appears only whole.
    let copy = case.path("copy.warc");
    let run = case.run(&["source", "extract", "S1", "--output", copy.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read(&copy).unwrap() == bytes);
    let stderr = case.fails(2, &["source", "extract", "S1", "--output", copy.to_str().unwrap()]);
    assert!(stderr.contains("copy.warc exists; give --force to replace it"), "{stderr}");
    std::fs::write(&copy, b"old").unwrap();
    case.ok(&["source", "extract", "S1", "--output", copy.to_str().unwrap(), "--force"]);
    assert!(std::fs::read(&copy).unwrap() == bytes);
    let leftovers: Vec<_> = std::fs::read_dir(case.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The history says who attached what, when and why.
    let history = csv_records(&case.ok(&["history", "--format", "csv"]));
    let attach = history.last().unwrap();
    assert_eq!(&attach[3..6], ["attach", "capture", "S1 capture 1"]);
    assert_eq!(attach[8], "archived from the ministry's site");
    assert!(attach[10].contains(&format!("\"sha256\":\"{sha}\"")), "{attach:?}");
    verify_passes(&case);
}
}

both_engines! {
fn attach_guesses_the_media_type_and_keeps_an_empty_file() {
    let case = Case::new();
    case.ok(&["source", "add", "Scan"]);
    for (name, content, media_type) in [
        ("scan.bin", &b"%PDF-1.7\n..."[..], "application/pdf"),
        ("photo", &b"\x89PNG\r\n\x1a\n\0\0"[..], "image/png"),
        ("page.htm", &b"<p>no doctype</p>"[..], "text/html"),
        ("empty.txt", &b""[..], "text/plain"),
    ] {
        let path = case.path(name);
        std::fs::write(&path, content).unwrap();
        let sha = case.ok(&["source", "attach", "S1", path.to_str().unwrap()]);
        assert_eq!(sha.trim(), sha256_hex(content));
        let got = case.sql(&format!("SELECT media_type FROM capture WHERE sha256 = '{}'", sha.trim()));
        assert_eq!(got[0][0], media_type, "{name}");
    }
    let path = case.path("data.bin");
    std::fs::write(&path, b"\x00\x01").unwrap();
    case.ok(&[
        "source",
        "attach",
        "S1",
        path.to_str().unwrap(),
        "--media-type",
        "Application/X-Custom",
    ]);
    assert_eq!(
        case.sql("SELECT media_type FROM capture ORDER BY id DESC LIMIT 1")[0][0],
        "application/x-custom"
    );
    let out = case.command(&["source", "extract", "S1", "--capture", "4"]).output().unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
    verify_passes(&case);
}
}

both_engines! {
fn attach_refuses_what_it_cannot_keep_and_changes_nothing() {
    let case = Case::new();
    case.ok(&["source", "add", "Report"]);
    let file = case.write("report.pdf", "%PDF-1.4 report");
    let file = file.to_str().unwrap();
    case.ok(&["source", "attach", "S1", file]);
    let before = snapshot(&case);
    let captures = case.sql("SELECT * FROM capture");

    let stderr = case.fails(3, &["source", "attach", "S1", "missing.pdf"]);
    assert!(
        stderr.contains("no file \"missing.pdf\": give the path of the file to keep"),
        "{stderr}"
    );
    let stderr = case.fails(3, &["source", "attach", "S9", file]);
    assert!(stderr.contains("no source \"S9\""), "{stderr}");
    let stderr = case.fails(2, &["source", "attach", "S1", file, "--media-type", "pdf"]);
    assert!(
        stderr.contains("invalid media type \"pdf\": allowed: a media type such as application/pdf"),
        "{stderr}"
    );
    let stderr = case.fails(2, &["source", "attach", "S1", case.dir.path().to_str().unwrap()]);
    assert!(stderr.contains("is a directory; give the file to keep"), "{stderr}");
    let stderr = case.fails(2, &["source", "attach", "S1", "/dev/zero"]);
    assert!(stderr.contains("/dev/zero is not a regular file"), "{stderr}");
    let stderr = case.fails(2, &["source", "attach", "S1", file]);
    assert!(stderr.contains("S1 already has this capture: capture 1, SHA-256"), "{stderr}");

    assert_eq!(snapshot(&case), before);
    assert_eq!(case.sql("SELECT * FROM capture"), captures);
}
}

both_engines! {
fn extract_picks_a_capture_by_number_or_hash_prefix() {
    let case = Case::new();
    case.ok(&["source", "add", "Report"]);
    case.ok(&["source", "add", "Nothing kept"]);
    let first = case.write("v1.html", "<html>first</html>");
    let second = case.write("v2.html", "<html>second</html>");
    let sha1 = case.ok(&["source", "attach", "S1", first.to_str().unwrap()]).trim().to_string();
    let sha2 = case.ok(&["source", "attach", "S1", second.to_str().unwrap()]).trim().to_string();

    let stderr = case.fails(2, &["source", "extract", "S1"]);
    assert!(
        stderr.contains(&format!(
            "S1 has 2 captures; choose one with --capture: 1 (v1.html, {}), 2 (v2.html, {})",
            &sha1[..12],
            &sha2[..12]
        )),
        "{stderr}"
    );
    assert_eq!(case.ok(&["source", "extract", "S1", "--capture", "2"]), "<html>second</html>");
    assert_eq!(
        case.ok(&["source", "extract", "S1", "--capture", &sha1[..8].to_uppercase()]),
        "<html>first</html>"
    );
    let stderr = case.fails(3, &["source", "extract", "S1", "--capture", "abc"]);
    assert!(stderr.contains("at least 6 hex digits"), "{stderr}");
    let stderr = case.fails(3, &["source", "extract", "S1", "--capture", "7"]);
    assert!(stderr.contains("no capture \"7\""), "{stderr}");
    let stderr = case.fails(3, &["source", "extract", "S2"]);
    assert!(
        stderr.contains("S2 has no captures; keep one with `crosscheck source attach S2 FILE`"),
        "{stderr}"
    );
}
}

#[test]
fn verify_and_extract_catch_an_altered_capture() {
    let case = Case::new();
    case.ok(&["source", "add", "Report"]);
    let bytes = binary_bytes(100_000);
    let file = case.path("report.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let sha = case.ok(&["source", "attach", "S1", file.to_str().unwrap()]).trim().to_string();

    // One byte changed in place.
    {
        let conn = raw(&case);
        let mut blob = conn.blob_open(rusqlite::MAIN_DB, "capture", "content", 1, false).unwrap();
        use std::io::{Seek, SeekFrom, Write};
        blob.seek(SeekFrom::Start(50_000)).unwrap();
        blob.write_all(&[bytes[50_000] ^ 1]).unwrap();
    }
    let mut changed = bytes.clone();
    changed[50_000] ^= 1;
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains(&format!(
            "capture 1 of source S1 (report.pdf): its content has changed since it was attached: its SHA-256 is now {}, recorded {sha}",
            sha256_hex(&changed)
        )),
        "{stderr}"
    );
    // extract refuses to pass the altered bytes off as the capture.
    let out = case.path("out.pdf");
    let stderr = case.fails(4, &["source", "extract", "S1", "--output", out.to_str().unwrap()]);
    assert!(
        stderr.contains("capture 1 of S1 (report.pdf) no longer matches what was attached"),
        "{stderr}"
    );
    assert!(!out.exists(), "a bad copy must not appear");

    // Content and recorded hash both replaced: the history still knows.
    let forged = b"forged";
    raw(&case)
        .execute(
            "UPDATE capture SET content = ?1, sha256 = ?2, size = 6 WHERE id = 1",
            rusqlite::params![&forged[..], sha256_hex(forged)],
        )
        .unwrap();
    let stderr = verify_fails(&case);
    assert!(
        stderr.contains(&format!(
            "capture 1 of source S1 (report.pdf): its sha256 is \"{}\", but history entry 2 recorded \"{sha}\" when it was attached",
            sha256_hex(forged)
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("its size is \"6\", but history entry 2 recorded \"100000\""),
        "{stderr}"
    );
}

/// Runs `count` commands made by `args(i)` one after another.
fn run_many(case: &Case, count: usize, args: impl Fn(usize) -> Vec<String>) -> Vec<String> {
    let mut failures = Vec::new();
    for i in 0..count {
        let args = args(i);
        let out = case.command(&args.iter().map(String::as_str).collect::<Vec<_>>()).output().unwrap();
        if !out.status.success() {
            failures.push(format!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    failures
}

both_engines! {
fn several_processes_writing_at_once_lose_nothing() {
    const WRITERS: usize = 4;
    const EACH: usize = 50;
    let case = Arc::new(Case::new());
    let started = Instant::now();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let case = Arc::clone(&case);
            std::thread::spawn(move || {
                run_many(&case, EACH, |i| {
                    vec![
                        "source".into(),
                        "add".into(),
                        format!("writer {w} source {i}"),
                        "--notes".into(),
                        format!("{w}/{i}"),
                    ]
                })
            })
        })
        .collect();
    let failures: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    let elapsed = started.elapsed();
    eprintln!(
        "{WRITERS} processes x {EACH} writes: {:.1} s, {:.1} ms a write",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / (WRITERS * EACH) as f64
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(case.count("SELECT count(*) FROM source"), (WRITERS * EACH) as i64);
    assert_eq!(case.count("SELECT count(DISTINCT notes) FROM source"), (WRITERS * EACH) as i64);
    assert_eq!(
        case.count("SELECT count(*) FROM history WHERE action = 'create'"),
        (WRITERS * EACH) as i64
    );
    verify_passes(&case);
}
}

both_engines! {
fn backup_under_concurrent_writes_passes_verify() {
    let case = Arc::new(Case::seeded());
    // Writes to a server take less time than to a file: more of them keep
    // the writers going while the backups run.
    let writes = if case.is_postgres() { 200 } else { 40 };
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let case = Arc::clone(&case);
            std::thread::spawn(move || run_many(&case, writes, |i| vec!["source".into(), "add".into(), format!("writer {w} source {i}")]))
        })
        .collect();
    let seeded_sources = Case::seeded().count("SELECT count(*) FROM source");
    while case.count("SELECT count(*) FROM source") < seeded_sources + 5 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut copies = Vec::new();
    let mut during = 0;
    for n in 0..3 {
        let copy = case.path(&format!("backup-{n}.db"));
        let before = case.count("SELECT count(*) FROM source");
        let run = case.run(&["backup", copy.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("the copy passes verify"), "{}", run.stderr);
        let after = case.count("SELECT count(*) FROM source");
        if after > before {
            during += 1;
        }
        copies.push((copy, before, after));
    }
    let failures: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(during > 0, "no backup ran while the writers wrote; the test proves nothing");
    for (copy, before, after) in copies {
        let out = case.ok(&["--db", copy.to_str().unwrap(), "verify"]);
        assert!(!out.contains("FAILED"), "{out}");
        let held = common::sql(&copy, "SELECT count(*) FROM source")[0][0].parse::<i64>().unwrap();
        assert!(
            (before..=after).contains(&held),
            "copy holds {held} sources, taken between {before} and {after}"
        );
        // One moment: every source in the copy has its history entry, and no more.
        let created = common::sql(&copy, "SELECT count(*) FROM history WHERE action = 'create' AND entity = 'source'")[0][0]
            .parse::<i64>()
            .unwrap();
        assert_eq!(created, held - seeded_sources);
        assert!(!Path::new(&format!("{}-wal", copy.display())).exists(), "the copy stands alone");
    }
    assert_eq!(case.count("SELECT count(*) FROM source"), seeded_sources + 2 * writes as i64);
}
}

#[test]
fn backup_refuses_to_overwrite_and_restores_a_case() {
    let case = Case::seeded();
    let copy = case.path("copy.db");
    let copy = copy.to_str().unwrap();
    case.ok(&["backup", copy]);
    let stderr = case.fails(2, &["backup", copy]);
    assert!(
        stderr.contains("copy.db exists; give --force to replace it, or choose another name"),
        "{stderr}"
    );
    let stderr = case.fails(2, &["backup", case.db().to_str().unwrap(), "--force"]);
    assert!(stderr.contains("is the case file itself"), "{stderr}");
    let stderr = case.fails(3, &["backup", case.path("no/such/dir/copy.db").to_str().unwrap()]);
    assert!(stderr.contains("no folder"), "{stderr}");

    // Work goes on after the backup, then the case is restored from it.
    let kept = snapshot(&case);
    case.ok(&["source", "add", "Added after the backup"]);
    case.ok(&["mark", "C1", "refuted", "--reason", "a mistake"]);
    case.ok(&["--db", copy, "verify"]);
    case.ok(&["--db", copy, "backup", case.db().to_str().unwrap(), "--force"]);
    assert_eq!(snapshot(&case), kept);
    verify_passes(&case);
}

/// Starts a command, waits until its uncommitted work has reached the
/// write-ahead log, and kills it. Returns false when it finished first.
fn kill_midway(case: &Case, args: &[&str], wal_bytes: u64) -> bool {
    let mut child = case.command(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let wal = PathBuf::from(format!("{}-wal", case.db().display()));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > wal_bytes {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return true;
        }
        assert!(Instant::now() < deadline, "the command neither finished nor wrote");
        std::thread::sleep(Duration::from_millis(2));
    }
}

both_engines! {
fn a_killed_attach_leaves_none_of_it() {
    let case = Case::new();
    case.ok(&["source", "add", "Long video"]);
    let bytes = binary_bytes(48 * 1024 * 1024);
    let file = case.path("video.bin");
    std::fs::write(&file, &bytes).unwrap();
    let before = snapshot(&case);
    if kill_midway(&case, &["source", "attach", "S1", file.to_str().unwrap()], 4 << 20) {
        assert_eq!(case.count("SELECT count(*) FROM capture"), 0);
        assert_eq!(snapshot(&case), before);
    } else {
        eprintln!("note: the attach finished before it could be killed; checking it is whole instead");
        assert_eq!(case.sql("SELECT sha256 FROM capture")[0][0], sha256_hex(&bytes));
    }
    verify_passes(&case);
    // The case takes the capture afterwards as if nothing happened.
    if case.count("SELECT count(*) FROM capture") == 0 {
        case.ok(&["source", "attach", "S1", file.to_str().unwrap()]);
    }
    let out = case.command(&["source", "extract", "S1"]).output().unwrap();
    assert!(out.stdout == bytes);
}
}

/// A tmpfs mounted on a directory, unmounted when dropped. Mounting needs
/// root (or CAP_SYS_ADMIN): the tests that use it are ignored by default and
/// run as root by `.ci/run` (`cargo test -- --ignored`), where a failed
/// mount fails the test.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str, test: &str) -> Mount {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Mount(dir.to_path_buf()),
            _ => panic!("{test}: cannot mount a tmpfs on {} (needs root): run it as root", dir.display()),
        }
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success(), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs root to mount a tmpfs; .ci/run runs it with --ignored"]
fn a_read_only_case_file_refuses_writes_clearly_and_still_reads() {
    let case = Case::empty();
    let mount = Mount::tmpfs(
        case.dir.path(),
        "8m",
        "a_read_only_case_file_refuses_writes_clearly_and_still_reads",
    );
    case.ok(&["init", "--seed"]);
    let file = case.write("page.html", "<html></html>");
    let before = snapshot(&case);
    mount.remount("ro");
    for args in [
        vec!["source", "add", "New"],
        vec!["mark", "C1", "refuted", "--reason", "x"],
        vec!["source", "attach", "S1", file.to_str().unwrap()],
    ] {
        let stderr = case.fails(1, &args);
        assert!(
            stderr.contains(&format!("case file {} is read-only", case.db().display())) && stderr.contains("nothing was changed"),
            "{stderr}"
        );
    }
    // Reading, verifying and copying out still work.
    assert!(case.ok(&["source", "list", "--format", "csv"]).lines().count() > 10);
    verify_passes(&case);
    let elsewhere = Case::empty();
    case.ok(&["backup", elsewhere.db().to_str().unwrap()]);
    elsewhere.ok(&["source", "add", "Changed in the copy"]);
    mount.remount("rw");
    assert_eq!(snapshot(&case), before);
}

#[test]
#[ignore = "needs root to run crosscheck as another user; .ci/run runs it with --ignored"]
fn a_case_file_without_write_permission_refuses_writes_clearly() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let case = Case::new();
    // Something on record, so that verify has a history to check.
    case.ok(&["party", "add", "desk", "--name", "The desk", "--kind", "organisation"]);
    std::fs::set_permissions(case.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(case.db(), std::fs::Permissions::from_mode(0o444)).unwrap();
    // Root writes through any permission: run as an ordinary user.
    let as_nobody = |args: &[&str]| {
        let mut cmd = case.command(args);
        cmd.uid(65534).gid(65534);
        cmd.output()
    };
    let out = match as_nobody(&["source", "add", "New"]) {
        Ok(out) => out,
        Err(e) => panic!("cannot run as another user ({e}): this test needs root"),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is read-only (the file or its file system cannot be written): nothing was changed"),
        "{stderr}"
    );
    let out = as_nobody(&["verify"]).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(case.count("SELECT count(*) FROM source"), 0);
}

#[test]
#[ignore = "needs root to mount a tmpfs; .ci/run runs it with --ignored"]
fn a_full_disk_fails_clearly_and_keeps_the_case_whole() {
    let case = Case::empty();
    // An empty case file is 54 pages of 16 KiB, with room for its write-ahead log.
    let _mount = Mount::tmpfs(case.dir.path(), "4m", "a_full_disk_fails_clearly_and_keeps_the_case_whole");
    case.ok(&["init"]);
    case.ok(&["source", "add", "Report"]);
    let before = snapshot(&case);
    // Made outside the small disk, then attached: larger than the room left.
    let outside = tempfile::tempdir().unwrap();
    let big = outside.path().join("big.bin");
    std::fs::write(&big, binary_bytes(8 * 1024 * 1024)).unwrap();
    let stderr = case.fails(1, &["source", "attach", "S1", big.to_str().unwrap()]);
    assert!(
        stderr.contains("cannot store the capture in the case file: database or disk is full"),
        "{stderr}"
    );
    assert_eq!(snapshot(&case), before);
    assert_eq!(case.count("SELECT count(*) FROM capture"), 0);
    verify_passes(&case);
    // A backup onto the full disk leaves no partial file behind.
    let filler = case.path("filler");
    let _ = std::fs::write(&filler, vec![0u8; 8 * 1024 * 1024]);
    let stderr = case.fails(1, &["backup", case.path("copy.db").to_str().unwrap()]);
    assert!(stderr.contains("cannot"), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(case.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("copy.db")), "{names:?}");
    std::fs::remove_file(&filler).unwrap();
    // With room again, work goes on.
    case.ok(&["source", "add", "After the disk was freed"]);
    verify_passes(&case);
}

const ESCAPES: &str = "\u{1b}[2J\u{1b}[31mred\u{1b}]0;title\u{7}\u{202e}desrever\r\u{8}end";

both_engines! {
fn hostile_text_is_stored_exactly_and_shown_inert() {
    let case = Case::new();
    let sql = "x'); DROP TABLE claim; --";
    let quotes = "\"double\" 'single' «guillemets» „low“ `back` \\ backslash";
    // A command-line argument holds at most 128 KiB; the importer tests take 1 MB.
    let long = "Россия 中国 ".repeat(5_000);
    case.ok(&["party", "add", "RU-MOD", "--name", &format!("Ministry {ESCAPES}"), "--kind", "body"]);
    case.ok(&["source", "add", sql, "--publisher", quotes, "--notes", &long]);
    case.ok(&["source", "add", &format!("Source {ESCAPES}")]);
    case.ok(&["claim", "add", &format!("Claim {ESCAPES}"), "--slug", "hostile", "--topic", sql]);
    case.ok(&[
        "statement",
        "add",
        "hostile",
        "RU-MOD",
        "denies",
        "--quote",
        &format!("Quote {ESCAPES}"),
        "--source",
        "S2",
    ]);
    case.ok(&["statement", "add", "hostile", "CN", "affirms", "--quote", quotes]);
    case.ok(&[
        "evidence",
        "add",
        "hostile",
        "S2",
        "refutes",
        "--excerpt",
        &format!("Excerpt {ESCAPES}"),
    ]);
    case.ok(&["mark", "hostile", "disputed", "--reason", &format!("Reason {ESCAPES}")]);

    // Stored exactly, and the SQL stayed text.
    assert_eq!(
        case.sql("SELECT title, publisher, notes FROM source WHERE id = 1"),
        [[sql, quotes, long.as_str()]]
    );
    assert_eq!(case.sql("SELECT text FROM claim")[0][0], format!("Claim {ESCAPES}"));
    assert_eq!(case.count("SELECT count(*) FROM claim"), 1);

    // Tables show every escape inert.
    for args in [
        vec!["party", "list"],
        vec!["source", "list"],
        vec!["source", "show", "S2"],
        vec!["claim", "list"],
        vec!["claim", "show", "hostile"],
        vec!["statement", "list"],
        vec!["evidence", "list"],
        vec!["compare", "hostile"],
        vec!["history"],
        vec!["search", "Claim"],
    ] {
        let out = case.ok(&args);
        for dangerous in ['\u{1b}', '\u{7}', '\u{8}', '\r', '\u{202e}'] {
            assert!(!out.contains(dangerous), "{args:?} lets {dangerous:?} through:\n{out}");
        }
        assert!(
            out.contains("\\x1b[2J") || out.contains("\\x1b"),
            "{args:?} hides the escape instead of showing it:\n{out}"
        );
    }

    // CSV and JSON keep them exactly.
    let csv = csv_records(&case.ok(&["source", "list", "--format", "csv"]));
    assert_eq!(csv[2][3], format!("Source {ESCAPES}"));
    assert_eq!(csv[1][3], sql);
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["claim", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["text"], format!("Claim {ESCAPES}"));
    let jsonl = case.ok(&["statement", "list", "--format", "jsonl"]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["quote"], format!("Quote {ESCAPES}"));
    verify_passes(&case);
}
}

both_engines! {
fn invalid_utf8_on_the_command_line_is_a_clear_error() {
    use std::os::unix::ffi::OsStrExt;
    let case = Case::new();
    let before = snapshot(&case);
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let out = case.command(&["source", "add"]).arg(bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid UTF-8"), "{stderr}");
    assert_eq!(snapshot(&case), before);
}
}

#[test]
fn a_killed_import_leaves_none_or_all_of_it() {
    const ROWS: usize = 60_000;
    let case = Case::new();
    // Something on record, so that verify has a history to check.
    case.ok(&["party", "add", "desk", "--name", "The desk", "--kind", "organisation"]);
    let mut csv = String::from("title,publisher,notes\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Source {i},Publisher {},{}\n", i % 97, "n".repeat(200)));
    }
    let file = case.write("big.csv", &csv);
    let before = snapshot(&case);
    let killed = kill_midway(&case, &["import", file.to_str().unwrap(), "--into", "sources"], 4 << 20);
    let sources = case.count("SELECT count(*) FROM source");
    if killed {
        assert_eq!(sources, 0, "a killed import left {sources} of its {ROWS} rows");
        assert_eq!(snapshot(&case), before);
    } else {
        eprintln!("note: the import finished before it could be killed; checking it is whole instead");
        assert_eq!(sources, ROWS as i64);
    }
    verify_passes(&case);
    if sources == 0 {
        case.ok(&["import", file.to_str().unwrap(), "--into", "sources"]);
        assert_eq!(case.count("SELECT count(*) FROM source"), ROWS as i64);
        verify_passes(&case);
    }
}

both_engines! {
fn imported_files_with_nul_bytes_long_fields_or_bad_utf8() {
    let case = Case::new();
    let long = "Ж".repeat(500_000); // 1 MB of UTF-8
    // PostgreSQL keeps no NUL character in text: refused there, naming
    // the line, and nothing written.
    let nul = if case.is_postgres() {
        std::fs::write(case.path("nul.csv"), "title\nNUL\0inside\n").unwrap();
        let err = case.fails(1, &["import", case.path("nul.csv").to_str().unwrap(), "--into", "sources"]);
        assert!(err.contains("line 2") && err.contains("cannot store the NUL character"), "{err}");
        assert_eq!(case.count("SELECT count(*) FROM source"), 0);
        "NUL inside"
    } else {
        "NUL\0inside"
    };
    let mut writer = csv::Writer::from_path(case.path("odd.csv")).unwrap();
    writer.write_record(["title", "notes"]).unwrap();
    writer.write_record([nul, "x'); DROP TABLE source; --"]).unwrap();
    writer.write_record([format!("Escapes {ESCAPES}").as_str(), long.as_str()]).unwrap();
    writer.flush().unwrap();
    drop(writer);
    case.ok(&["import", case.path("odd.csv").to_str().unwrap(), "--into", "sources"]);
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["source", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["title"], nul);
    assert_eq!(json[0]["notes"], "x'); DROP TABLE source; --");
    assert_eq!(json[1]["title"], format!("Escapes {ESCAPES}"));
    assert_eq!(json[1]["notes"].as_str().unwrap().len(), 1_000_000);
    assert!(json[1]["notes"] == long.as_str());
    let table = case.ok(&["source", "list"]);
    assert!(!table.contains('\0') && !table.contains('\u{1b}'), "{table}");
    verify_passes(&case);

    // A file that is not UTF-8: refused, naming the line; nothing written.
    let before = snapshot(&case);
    let bad = case.path("latin1.csv");
    std::fs::write(&bad, b"title\nfine\ncaf\xe9\n").unwrap();
    let stderr = case.fails(2, &["import", bad.to_str().unwrap(), "--into", "sources"]);
    assert!(stderr.contains("line 3") && stderr.contains("UTF-8"), "{stderr}");
    assert_eq!(snapshot(&case), before);
}
}

/// Imports skip the schema's CHECK constraints (their values pass the same
/// checks as `add`), so verify must test them: a value no command could
/// write, put in around crosscheck, is named.
#[test]
fn verify_tests_the_check_constraints_an_import_skips() {
    let case = Case::seeded();
    raw(&case)
        .execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE source SET reliability = 'Z' WHERE id = 1")
        .unwrap();
    let stderr = verify_fails(&case);
    assert!(stderr.contains("CHECK constraint failed in source"), "{stderr}");
}
