//! Import through the real binary: one transaction a file, errors that name
//! the line, column and value, --skip-invalid, --dry-run, --map, --update,
//! unquoted TSV, JSON and JSON lines, and the record every import leaves.

mod common;

use common::{Case, csv_records, snapshot};
use sha2::{Digest, Sha256};

const BAD_CLAIMS: &str = "uuid,slug,text,status,reason
,c-one,First claim,,
,c-two,\"Second claim,
over two lines\",supported,Two sources agree
,c-three,Third claim,true,because
,c-four,Fourth claim,refuted,
";

both_engines! {
fn one_bad_row_stops_the_import_and_nothing_is_written() {
    let case = Case::new();
    case.write("claims.csv", BAD_CLAIMS);
    let before = snapshot(&case);
    let err = case.fails(2, &["import", "claims.csv", "--into", "claims"]);
    assert_eq!(
        err,
        "crosscheck: claims.csv, line 5, column status: invalid status \"true\": allowed: unverified, in-review, supported, refuted, misleading, disputed, unverifiable. \
         Nothing was imported: fix the row, or import the valid rows with --skip-invalid REJECTS.csv\n"
    );
    assert_eq!(snapshot(&case), before, "not even the rows before the bad one");

    // A reference to a record that is not there names the column too.
    let case = Case::seeded();
    case.write(
        "statements.csv",
        "claim,party,stance,quote\nvostok-2018-troops,RU,affirms,300000\nno-such-claim,RU,denies,no\n",
    );
    let before = snapshot(&case);
    let err = case.fails(2, &["import", "statements.csv", "--into", "statements"]);
    assert!(
        err.starts_with("crosscheck: statements.csv, line 3, column claim: no claim \"no-such-claim\": give a claim handle such as C3"),
        "{err}"
    );
    assert_eq!(snapshot(&case), before);
}
}

both_engines! {
fn skip_invalid_imports_the_good_rows_and_writes_the_rejected_ones_with_why() {
    let case = Case::new();
    case.write("claims.csv", BAD_CLAIMS);
    let run = case.run(&["import", "claims.csv", "--into", "claims", "--skip-invalid", "rejects.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "imported claims.csv into claims: 2 rows: 2 new, 0 updated, 0 unchanged; rejected 2, written with their reasons to rejects.csv\n"
    );
    assert_eq!(case.sql("SELECT slug FROM claim ORDER BY id"), [["c-one"], ["c-two"]]);
    let rejects = csv_records(&std::fs::read_to_string(case.path("rejects.csv")).unwrap());
    assert_eq!(
        rejects,
        [
            vec!["uuid", "slug", "text", "status", "reason", "import_line", "import_error"],
            vec![
                "",
                "c-three",
                "Third claim",
                "true",
                "because",
                "5",
                "column status: invalid status \"true\": allowed: unverified, in-review, supported, refuted, misleading, disputed, unverifiable"
            ],
            vec![
                "",
                "c-four",
                "Fourth claim",
                "refuted",
                "",
                "6",
                "column reason: reason is required: a claim marked refuted needs the reason for the verdict"
            ],
        ]
    );
    // One import, with its counts; the imported rows point at it; nothing of the rejected rows.
    assert_eq!(
        case.sql("SELECT entity, file_name, inserted, updated, rejected FROM import"),
        [["claims", "claims.csv", "2", "0", "2"]]
    );
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE import_id = (SELECT id FROM import)"),
        2
    );
    assert_eq!(
        case.count("SELECT count(*) FROM history WHERE handle LIKE '%c-three%' OR after LIKE '%Third claim%'"),
        0
    );

    // The rejects file, fixed, imports as it is: the extra columns are skipped with a note.
    let fixed = std::fs::read_to_string(case.path("rejects.csv"))
        .unwrap()
        .replace(",true,because,", ",unverified,,")
        .replace("refuted,,6", "refuted,Records show it,6");
    case.write("fixed.csv", &fixed);
    let run = case.run(&["import", "fixed.csv", "--into", "claims"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skipped columns that are not fields of claims: import_line, import_error"),
        "{}",
        run.stderr
    );
    assert_eq!(case.count("SELECT count(*) FROM claim"), 4);
}
}

both_engines! {
fn dry_run_checks_every_row_and_writes_nothing() {
    let case = Case::new();
    case.write("good.csv", "slug,text\nc-one,First claim\nc-two,Second claim\n");
    let before = snapshot(&case);
    let run = case.run(&["import", "good.csv", "--into", "claims", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "dry run: good.csv into claims would import 2 rows: 2 new, 0 updated, 0 unchanged. Nothing was written.\n"
    );
    assert_eq!(snapshot(&case), before);

    case.write("claims.csv", BAD_CLAIMS);
    let err = case.fails(2, &["import", "claims.csv", "--into", "claims", "--dry-run"]);
    assert!(
        err.starts_with("claims.csv, line 5: column status: invalid status \"true\""),
        "{err}"
    );
    assert!(err.contains("claims.csv, line 6: column reason: reason is required"), "{err}");
    assert!(
        err.ends_with("crosscheck: dry run: 2 of 4 rows in claims.csv are invalid (listed above); an import would stop at the first and write nothing. Nothing was written\n"),
        "{err}"
    );
    let run = case.run(&[
        "import",
        "claims.csv",
        "--into",
        "claims",
        "--dry-run",
        "--skip-invalid",
        "rejects.csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("would import 2 rows: 2 new, 0 updated, 0 unchanged; 2 would be rejected (listed above). Nothing was written.\n")
    );
    assert!(!case.path("rejects.csv").exists(), "a dry run writes no file either");
    assert_eq!(snapshot(&case), before);
}
}

both_engines! {
fn map_takes_columns_by_name_or_number() {
    let case = Case::new();
    case.write(
        "desk.csv",
        "Headline,When,Link,Desk note\nRussia calls the pilots' actions 'aerial hooliganism',2019-07-23,https://tass.com/politics/1070039,check\n",
    );
    let run = case.run(&[
        "import",
        "desk.csv",
        "--into",
        "sources",
        "--map",
        "title=Headline,published=When",
        "--map",
        "url=3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("note: desk.csv: skipped columns that are not fields of sources: Desk note (fields: uuid, slug, title,"),
        "unmapped columns are reported: {}",
        run.stderr
    );
    assert_eq!(
        case.sql("SELECT title, published, url FROM source"),
        [[
            "Russia calls the pilots' actions 'aerial hooliganism'",
            "2019-07-23",
            "https://tass.com/politics/1070039"
        ]]
    );

    // No header: every column by number.
    let case = Case::seeded();
    case.write(
        "export.txt",
        "air-patrol-2019-airspace-violated\tRU\tdenies\t2019-07-23\tNo violations\n\
         vostok-2018-troops\tthe-diplomat\tdisputes\t2018-09\tFar fewer\n",
    );
    let before = case.count("SELECT count(*) FROM statement");
    case.ok(&[
        "import",
        "export.txt",
        "--into",
        "statements",
        "--format",
        "tsv",
        "--no-header",
        "--map",
        "claim=1,party=2,stance=3,said_on=4,quote=5",
    ]);
    assert_eq!(case.count("SELECT count(*) FROM statement"), before + 2);
    assert_eq!(
        case.sql(
            "SELECT p.code, s.stance, s.said_on, s.quote FROM statement s JOIN party p ON p.id = s.party_id ORDER BY s.id DESC LIMIT 1"
        ),
        [["the-diplomat", "disputes", "2018-09", "Far fewer"]]
    );

    // What --map will not take.
    let err = case.fails(2, &["import", "desk.csv", "--into", "sources", "--map", "headline=1"]);
    assert!(
        err.contains("invalid map \"headline=1\": headline is not a field of sources; allowed: uuid, slug, title"),
        "{err}"
    );
    case.write("desk.csv", "Headline,When\nA,2019\n");
    let err = case.fails(2, &["import", "desk.csv", "--into", "sources", "--map", "title=Title"]);
    assert!(
        err.contains("--map title=Title: desk.csv has no column Title; its columns are Headline, When"),
        "{err}"
    );
    let err = case.fails(2, &["import", "desk.csv", "--into", "sources", "--map", "title=7"]);
    assert!(err.contains("has no column 7"), "{err}");
    let err = case.fails(
        2,
        &["import", "export.txt", "--into", "statements", "--format", "tsv", "--no-header"],
    );
    assert!(
        err.contains("a file without a header needs --map") && err.contains("--map claim=1,party=2,stance=3"),
        "{err}"
    );
    let err = case.fails(3, &["import", "notes.csv", "--into", "sources"]);
    assert!(err.contains("no file \"notes.csv\": check the name and folder"), "{err}");
    let err = case.fails(2, &["import", "notes.txt", "--into", "sources"]);
    assert!(
        err.contains("cannot tell the format of notes.txt from its name; give --format csv, tsv, json or jsonl"),
        "{err}"
    );
}
}

both_engines! {
/// Real-world TSV often has no quoting: a field may begin with a quote mark
/// and hold more. Such a file imports row for row, never merging lines.
fn unquoted_tsv_with_quote_marks_imports_row_for_row() {
    let case = Case::new();
    let tsv = "title\tpublisher\tnotes\n\
               \"Aerial hooliganism\" by South Korean pilots\tTASS\tsaid \"no violations\" twice\n\
               \"Unbalanced quote at the start\tRIA\tnotes with \"one quote\n\
               Plain title\t\"Quoted\" publisher\t\"\n\
               \"\"\"Tripled\"\" quotes\tX\t\"a\"\"b\"\n";
    case.write("sources.tsv", tsv);
    let run = case.run(&["import", "sources.tsv", "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: read sources.tsv with --quoting none (quote marks are text)"),
        "{}",
        run.stderr
    );
    let expected: Vec<Vec<String>> = tsv.lines().skip(1).map(|l| l.split('\t').map(str::to_string).collect()).collect();
    assert_eq!(case.sql("SELECT title, publisher, notes FROM source ORDER BY id"), expected);

    // Where both readings fit, the importer says so and names the flag.
    case.write("ambiguous.tsv", "title\tpublisher\n\"No violations.\"\tTASS\n");
    let err = case.fails(2, &["import", "ambiguous.tsv", "--into", "sources"]);
    assert_eq!(
        err,
        "crosscheck: ambiguous.tsv: cannot tell how this tab-separated file is quoted: line 2, column 1 reads as \"\\\"No violations.\\\"\" \
         if quote marks are text (--quoting none), or as \"No violations.\" if they enclose the field (--quoting rfc4180); say which with --quoting\n"
    );
    case.ok(&["import", "ambiguous.tsv", "--into", "sources", "--quoting", "none"]);
    case.ok(&["import", "ambiguous.tsv", "--into", "sources", "--quoting", "rfc4180"]);
    assert_eq!(
        case.sql("SELECT title FROM source ORDER BY id DESC LIMIT 2"),
        [["No violations."], ["\"No violations.\""]]
    );

    // A TSV file that does quote (as reports write them), with tabs and lines inside fields.
    case.write("quoted.tsv", "title\tnotes\n\"Tab\there\"\t\"two\nlines, \"\"quoted\"\"\"\n");
    let run = case.run(&["import", "quoted.tsv", "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("with --quoting rfc4180"), "{}", run.stderr);
    assert_eq!(
        case.sql("SELECT title, notes FROM source ORDER BY id DESC LIMIT 1"),
        [["Tab\there", "two\nlines, \"quoted\""]]
    );
}
}

both_engines! {
fn rows_already_in_the_case_change_only_with_update() {
    let case = Case::seeded();
    case.ok(&["report", "parties", "--output", "parties.csv"]);
    // The same rows again: nothing changes, and that is no error.
    let run = case.run(&["import", "parties.csv", "--into", "parties"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = case.count("SELECT count(*) FROM party WHERE kind <> 'state'")
        + case.count("SELECT count(*) FROM party p WHERE kind = 'state' AND (EXISTS (SELECT 1 FROM statement s WHERE s.party_id = p.id) OR EXISTS (SELECT 1 FROM party c WHERE c.parent_id = p.id))");
    assert!(
        run.stderr.ends_with(&format!("0 new, 0 updated, {rows} unchanged\n")),
        "{}",
        run.stderr
    );

    let text = std::fs::read_to_string(case.path("parties.csv")).unwrap();
    let changed = text.replacen("Ministry of Defense of the Russian Federation", "Russian Ministry of Defence", 1);
    assert_ne!(changed, text);
    case.write("parties.csv", &changed);
    let before = snapshot(&case);
    let err = case.fails(2, &["import", "parties.csv", "--into", "parties"]);
    assert!(
        err.contains("party P250 has this UUID (974c3650-be52-4629-9cc3-6784c95bd9f3) with other values (name \"Ministry of Defense of the Russian Federation\" in the case, \"Russian Ministry of Defence\" in the file); import with --update to change it"),
        "{err}"
    );
    assert_eq!(snapshot(&case), before);
    let run = case.run(&["import", "parties.csv", "--into", "parties", "--update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(&format!("0 new, 1 updated, {} unchanged\n", rows - 1)),
        "{}",
        run.stderr
    );
    assert_eq!(
        case.sql("SELECT name FROM party WHERE code = 'RU-MOD'"),
        [["Russian Ministry of Defence"]]
    );
    assert_eq!(
        case.sql("SELECT action, reason FROM history WHERE handle = 'P250' ORDER BY id DESC LIMIT 1"),
        [["edit", "import --update"]]
    );
    // The row stays counted under the import that brought it in, and its
    // change is its own history entry: the case still verifies (it failed
    // with "inserted 31 rows, but 30 rows in the case come from it" when an
    // update re-pointed the row to the later import).
    assert_eq!(
        case.count("SELECT import_id FROM party WHERE code = 'RU-MOD'"),
        1,
        "an updated row stays counted under the import that inserted it"
    );
    case.ok(&["verify"]);
}
}

both_engines! {
fn json_and_json_lines_import_and_errors_name_the_line() {
    let case = Case::seeded();
    let json = r#"[
  {"claim": "vostok-2018-troops", "source": "the-diplomat-2018-09-vostok-2018-begins", "relation": "refutes", "credibility": 3,
   "excerpt": "Москва: 300 000; 東京"},
  {"claim": "vostok-2018-troops", "party": "RU", "source": "the-diplomat-2018-09-vostok-2018-begins", "relation": "context", "credibility": null}
]"#;
    case.write("evidence.json", json);
    let run = case.run(&["import", "evidence.json", "--into", "evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped columns that are not fields of evidence: party"),
        "{}",
        run.stderr
    );
    assert_eq!(
        case.sql("SELECT relation, credibility, excerpt FROM evidence ORDER BY id DESC LIMIT 2"),
        [["context", "6", ""], ["refutes", "3", "Москва: 300 000; 東京"]]
    );

    let before = snapshot(&case);
    case.write(
        "statements.json",
        "[\n {\"claim\": \"C6\", \"party\": \"RU\", \"stance\": \"affirms\", \"quote\": \"x\"},\n\n {\"claim\": \"C6\", \"party\": \"RU\",\n  \"stance\": \"maybe\", \"quote\": \"y\"}\n]\n",
    );
    let err = case.fails(2, &["import", "statements.json", "--into", "statements"]);
    assert!(
        err.starts_with(
            "crosscheck: statements.json, line 4, column stance: invalid stance \"maybe\": allowed: affirms, denies, disputes, qualifies."
        ),
        "{err}"
    );
    case.write(
        "statements.jsonl",
        "{\"claim\": \"C6\", \"party\": \"RU\", \"stance\": \"affirms\", \"quote\": \"x\"}\n{\"claim\": \"C6\", \"party\": \"RU\", \"stance\": \"affirms\", \"quote\": [\"y\"]}\n",
    );
    let err = case.fails(2, &["import", "statements.jsonl", "--into", "statements"]);
    assert!(
        err.starts_with("crosscheck: statements.jsonl, line 2, column quote: \"quote\" holds a list or an object; allowed: text, a number, true, false or null"),
        "{err}"
    );
    case.write(
        "broken.jsonl",
        "{\"claim\": \"C6\", \"party\": \"RU\", \"stance\": \"affirms\", \"quote\": \"x\"}\n{\"claim\": \n",
    );
    let err = case.fails(2, &["import", "broken.jsonl", "--into", "statements"]);
    assert!(err.starts_with("crosscheck: broken.jsonl, line 2: not valid JSON"), "{err}");
    case.write("object.json", "{\"claim\": \"C6\"}");
    let err = case.fails(2, &["import", "object.json", "--into", "statements"]);
    assert!(err.contains("a JSON file must hold one array of objects"), "{err}");
    assert_eq!(snapshot(&case), before);
}
}

both_engines! {
/// Every import leaves one history entry with the file's name and SHA-256,
/// the counts, who and when; every imported row records the import.
fn every_import_is_on_record() {
    let case = Case::new();
    let text = "slug,text\nc-one,First claim\nc-two,Second claim\n";
    case.write("claims.csv", text);
    case.ok(&["import", "claims.csv", "--into", "claims", "--as", "A. Importer"]);
    let sha = hex::encode(Sha256::digest(text.as_bytes()));
    let entry = case.sql("SELECT action, entity, handle, analyst, after, at FROM history WHERE action = 'import'");
    assert_eq!(entry.len(), 1);
    assert_eq!(entry[0][..4], ["import", "import", "claims.csv", "A. Importer"]);
    let after: serde_json::Value = serde_json::from_str(&entry[0][4]).unwrap();
    assert_eq!(
        after,
        serde_json::json!({"into": "claims", "file": "claims.csv", "sha256": sha, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 0})
    );
    assert_eq!(
        case.sql("SELECT file_name, sha256, analyst, imported_at FROM import"),
        [["claims.csv", sha.as_str(), "A. Importer", entry[0][5].as_str()]]
    );
    assert_eq!(
        case.count("SELECT count(*) FROM claim WHERE import_id = (SELECT id FROM import)"),
        2
    );
}
}

both_engines! {
fn formula_escapes_come_off_unless_the_cells_are_raw() {
    let case = Case::new();
    case.write("claims.csv", "slug,text\nc-one,'=1+1\nc-two,'-5 km\nc-three,'plain\n");
    case.ok(&["import", "claims.csv", "--into", "claims"]);
    assert_eq!(case.sql("SELECT text FROM claim ORDER BY id"), [["=1+1"], ["-5 km"], ["'plain"]]);
    case.write("raw.csv", "slug,text\nc-four,'=1+1\n");
    case.ok(&["import", "raw.csv", "--into", "claims", "--raw-cells"]);
    assert_eq!(case.sql("SELECT text FROM claim WHERE slug = 'c-four'"), [["'=1+1"]]);
    // JSON is not escaped, so nothing is taken off.
    case.write("claims.json", "[{\"slug\": \"c-five\", \"text\": \"'=1+1\"}]");
    case.ok(&["import", "claims.json", "--into", "claims"]);
    assert_eq!(case.sql("SELECT text FROM claim WHERE slug = 'c-five'"), [["'=1+1"]]);
}
}

both_engines! {
/// A large file on a terminal gets a progress bar; anywhere else stderr has
/// the notes and the summary and nothing more.
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let case = Case::new();
    let notes = "x".repeat(2000);
    let mut text = String::from("title,notes\n");
    for i in 0..2200 {
        text.push_str(&format!("Source {i},{notes}\n"));
    }
    assert!(text.len() > 4 << 20, "large enough for a progress bar on a terminal");
    case.write("sources.csv", &text);
    let run = case.run(&["import", "sources.csv", "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "imported sources.csv into sources: 2200 rows: 2200 new, 0 updated, 0 unchanged\n"
    );
}
}

both_engines! {
/// Handles such as C2 name different claims in different case files; a
/// statement exchanged between cases follows its claim's UUID.
fn references_follow_uuids_between_case_files() {
    let a = Case::new();
    a.ok(&["claim", "add", "first"]);
    a.ok(&["claim", "add", "second"]);
    a.ok(&["source", "add", "A source"]);
    a.ok(&["statement", "add", "C2", "RU", "denies", "--quote", "no", "--source", "S1"]);
    a.ok(&["evidence", "add", "C2", "S1", "refutes"]);
    let b = Case::new();
    b.ok(&["claim", "add", "unrelated"]);
    b.ok(&["source", "add", "Unrelated source"]);
    for (entity, list) in [
        ("claims", "claim"),
        ("sources", "source"),
        ("statements", "statement"),
        ("evidence", "evidence"),
    ] {
        let file = format!("{entity}.csv");
        std::fs::write(b.path(&file), a.ok(&[list, "list", "--format", "csv"])).unwrap();
        b.ok(&["import", &file, "--into", entity]);
    }
    let on = b.sql(
        "SELECT c.text, src.title FROM statement s JOIN claim c ON c.id = s.claim_id JOIN source src ON src.id = s.source_id
         UNION ALL
         SELECT c.text, src.title FROM evidence e JOIN claim c ON c.id = e.claim_id JOIN source src ON src.id = e.source_id",
    );
    assert_eq!(on, [["second", "A source"], ["second", "A source"]]);
}
}

both_engines! {
fn records_without_a_slug_import_side_by_side_and_a_taken_slug_is_refused() {
    let case = Case::new();
    // Schema version 10 indexes only the slugs that are given: any number
    // of sources and claims may have none, and a given one stays unique,
    // without regard to case, within a file, across files and by hand.
    case.write(
        "sources.csv",
        "title,publisher,slug\n\
         Joint patrol over the East Sea,防衛省,\n\
         Российские и китайские самолеты,Интерфакс,\n\
         竹島の領空を侵犯,NHK,nhk-airspace\n",
    );
    let run = case.run(&["import", "sources.csv", "--into", "sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "imported sources.csv into sources: 3 rows: 3 new, 0 updated, 0 unchanged\n"
    );
    case.ok(&["source", "add", "Added by hand without a slug"]);
    assert_eq!(case.count("SELECT count(*) FROM source WHERE slug IS NULL"), 3);

    case.write("taken.csv", "title,slug\nAnother report,NHK-Airspace\n");
    assert_eq!(
        case.fails(2, &["import", "taken.csv", "--into", "sources"]),
        "crosscheck: taken.csv, line 2: source slug \"NHK-Airspace\" is already taken in this case; choose another. \
         Nothing was imported: fix the row, or import the valid rows with --skip-invalid REJECTS.csv\n"
    );
    case.write("twice.csv", "title,slug\nFirst,twice\nSecond,\nThird,Twice\n");
    assert_eq!(
        case.fails(2, &["import", "twice.csv", "--into", "sources"]),
        "crosscheck: twice.csv, line 4: source slug \"Twice\" is already taken in this case; choose another. \
         Nothing was imported: fix the row, or import the valid rows with --skip-invalid REJECTS.csv\n"
    );
    assert_eq!(
        case.fails(2, &["source", "add", "By hand", "--slug", "nhk-AIRSPACE"]),
        "crosscheck: source slug \"nhk-AIRSPACE\" is already taken in this case; choose another\n"
    );
    assert_eq!(case.count("SELECT count(*) FROM source"), 4);

    case.write("claims.csv", "text,slug\nFirst claim,\nSecond claim,\nThird claim,c-three\n");
    case.ok(&["import", "claims.csv", "--into", "claims"]);
    case.ok(&["claim", "add", "Fourth claim"]);
    assert_eq!(case.count("SELECT count(*) FROM claim WHERE slug IS NULL"), 3);
    assert_eq!(
        case.fails(2, &["claim", "add", "Fifth claim", "--slug", "C-THREE"]),
        "crosscheck: claim slug \"C-THREE\" is already taken in this case; choose another\n"
    );
    // The slug still finds its record.
    assert!(case.ok(&["source", "show", "NHK-AIRSPACE"]).contains("竹島の領空を侵犯"));
    assert!(case.ok(&["claim", "show", "c-three"]).contains("Third claim"));

    // Imported sources are found by title, by publisher and by CJK text
    // inside a sentence.
    for (query, handle) in [
        ("patrol", "S1"),
        ("防衛", "S1"),
        ("Интерфакс", "S2"),
        ("самолеты", "S2"),
        ("領空", "S3"),
    ] {
        assert_eq!(case.found(query), [handle], "search {query}");
    }
    case.ok(&["verify"]);
}
}

both_engines! {
fn each_import_indexes_its_own_rows_for_search_once() {
    let case = Case::new();
    case.write(
        "first.csv",
        "title,publisher\nAlpha report,Common Press\nНовости учений,Интерфакс\n",
    );
    case.write("second.csv", "title,publisher\nBeta report,Common Press\n竹島の領空,防衛省\n");
    case.ok(&["import", "first.csv", "--into", "sources"]);
    case.ok(&["source", "add", "Gamma report", "--publisher", "Common Press"]);
    case.ok(&["import", "second.csv", "--into", "sources"]);
    // One entry in the index for each source, whichever way it came in.
    assert_eq!(case.count(if case.is_postgres() {
        "SELECT count(*) FROM search_index"
    } else {
        "SELECT count(*) FROM search_index_docsize"
    }), 5);
    assert_eq!(case.found("report"), ["S4", "S3", "S1"]);
    assert_eq!(case.found("\"Common Press\""), ["S4", "S3", "S1"]);
    assert_eq!(case.found("учений"), ["S2"]);
    assert_eq!(case.found("領空"), ["S5"]);
    assert_eq!(case.found("防衛"), ["S5"]);
}
}

both_engines! {
/// Rows that are new for certain may be written together (on PostgreSQL,
/// in one COPY), and others one at a time: whichever way, the rows of a
/// file get their handles in the order of the file.
fn rows_get_handles_in_the_order_of_the_file_however_they_are_written() {
    let case = Case::new();
    let file = case.write(
        "claims.csv",
        "text,slug,status,reason\nFirst,,,\nSecond,,disputed,two accounts\nThird,,,\nFourth,fourth,,\nFifth,,,\n",
    );
    case.ok(&["import", file.to_str().unwrap(), "--into", "claims"]);
    let rows = csv_records(&case.ok(&["claim", "list", "--format", "csv"]));
    let handles: Vec<(String, String)> = rows[1..].iter().map(|r| (r[0].clone(), r[3].clone())).collect();
    let expected: Vec<(String, String)> = ["First", "Second", "Third", "Fourth", "Fifth"]
        .iter()
        .enumerate()
        .map(|(i, text)| (format!("C{}", i + 1), text.to_string()))
        .collect();
    assert_eq!(handles, expected, "{rows:?}");
    assert_eq!(case.found("Fifth"), ["C5"]);
    assert_eq!(case.found("Third"), ["C3"]);
    // The same file again: its rows carry no UUID, so they are new rows,
    // until the slug already taken stops the import; nothing of it stays.
    let err = case.fails(2, &["import", file.to_str().unwrap(), "--into", "claims"]);
    assert!(err.contains("line 5") && err.contains("fourth"), "{err}");
    assert_eq!(case.count("SELECT count(*) FROM claim"), 5, "nothing of the failed import is left");
    let run = case.run(&["verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
}
