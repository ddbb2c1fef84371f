//! Places and every party's name for them, through the real binary: the
//! records, search across the names, the side-by-side view, and bad input.

mod common;

use common::{Case, csv_records, snapshot};

/// The handles a search finds (every match), sorted, and its stderr.
fn search(case: &Case, args: &[&str]) -> (Vec<String>, String) {
    let mut full = vec!["search"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--all", "--limit", "1000", "--format", "csv"]);
    let run = case.run(&full);
    let records = csv_records(&run.stdout);
    // As grep: 0 when something matches, 1 when nothing does.
    assert_eq!(run.code, if records.len() > 1 { 0 } else { 1 }, "{}", run.stderr);
    let mut handles: Vec<String> = records.iter().skip(1).map(|r| r[0].clone()).collect();
    handles.sort();
    (handles, run.stderr)
}

fn found(case: &Case, args: &[&str]) -> Vec<String> {
    search(case, args).0
}

/// The records of the shipped case that use any name of the Liancourt Rocks
/// (the three hypotheses of the airspace claim among them).
const ROCKS: [&str; 23] = [
    "C11", "C13", "C15", "C37", "E51", "E58", "E61", "E75", "E77", "E78", "H1", "H2", "H3", "S39", "S41", "S60", "S61", "ST36", "ST43",
    "ST50", "ST51", "ST54", "ST55",
];

both_engines! {
fn every_name_of_the_liancourt_rocks_finds_the_same_records_in_the_shipped_case() {
    let case = Case::seeded();
    let names = ["Liancourt Rocks", "Dokdo", "독도", "Tokdo", "Takeshima", "竹島"];
    for name in names {
        let (handles, stderr) = search(&case, &[name]);
        assert_eq!(handles, ROCKS, "search {name}");
        assert!(
            stderr.contains(&format!(
                "{name} is a name of PL1 liancourt-rocks: searched every name of it: Liancourt Rocks, Dokdo, 독도, Tokdo, Takeshima, 竹島"
            )),
            "{stderr}"
        );
    }
    // As typed in other cases, accents and spacing, quoted or not.
    for typed in ["\"Liancourt Rocks\"", "liancourt   ROCKS", "Dókdo", "TAKESHIMA"] {
        assert_eq!(found(&case, &[typed]), ROCKS, "search {typed}");
    }
    // The expansion finds exactly what the names find one by one.
    let mut union: Vec<String> = names.iter().flat_map(|n| found(&case, &[n, "--exact"])).collect();
    union.sort();
    union.dedup();
    assert_eq!(union, ROCKS);
}
}

both_engines! {
fn exact_searches_only_the_words_given_and_finds_fewer() {
    let case = Case::seeded();
    assert_eq!(
        found(&case, &["Takeshima", "--exact"]),
        [
            "C13", "E51", "E58", "E61", "E75", "E77", "S41", "S61", "ST43", "ST50", "ST51", "ST55"
        ]
    );
    assert_eq!(found(&case, &["독도", "--exact"]), ["S60", "ST36", "ST54"]);
    assert_eq!(
        found(&case, &["Liancourt Rocks", "--exact"]),
        ["C11", "C13", "C15", "C37", "H1", "H2", "H3"]
    );
    let (_, stderr) = search(&case, &["Takeshima", "--exact"]);
    assert!(!stderr.contains("is a name of"), "{stderr}");
}
}

both_engines! {
fn each_result_says_which_name_it_matched() {
    let case = Case::seeded();
    let records = csv_records(&case.ok(&["search", "Takeshima", "--all", "--limit", "1000", "--format", "csv"]));
    assert_eq!(records[0], ["handle", "kind", "snippet", "score", "uuid", "via"]);
    let via = |handle: &str| records.iter().find(|r| r[0] == handle).map(|r| r[5].clone()).unwrap();
    // The KBS headline says Dokdo; the foreign ministry's page Dokdo and 독도.
    assert_eq!(via("S39"), "Dokdo");
    assert_eq!(via("ST54"), "Dokdo, 독도");
    assert_eq!(via("C11"), "Liancourt Rocks");
    // A record that says Takeshima itself matched as typed.
    assert_eq!(via("ST50"), "");
    assert_eq!(via("E61"), "", "Dokdo (Takeshima): the word typed is there");
    // The table marks the name found in the snippet.
    let table = case.ok(&["search", "Takeshima", "--kind", "source", "--limit", "50"]);
    assert!(table.contains("violated ROK airspace over [Dokdo]"), "{table}");
}
}

both_engines! {
fn names_expand_inside_larger_queries() {
    let case = Case::seeded();
    let airspace = ["C13", "C37", "E51", "E58", "H1", "H2", "H3", "S39", "ST36", "ST50"];
    assert_eq!(found(&case, &["Takeshima", "airspace"]), airspace);
    assert_eq!(found(&case, &["airspace", "Dokdo"]), airspace);
    assert_eq!(found(&case, &["Liancourt", "Rocks", "airspace"]), airspace);
    assert_eq!(found(&case, &["Takeshima", "airspace", "--exact"]), ["C13", "E51", "E58", "ST50"]);
    // The southern Kurils: Japan's Northern Territories find Russia's South
    // Kuril Islands and the article's "southern Kurils".
    let (kurils, stderr) = search(&case, &["Northern Territories"]);
    assert_eq!(kurils, ["C23", "C24", "E87", "E92", "E94", "S71", "ST63", "ST66"]);
    assert!(stderr.contains("PL4 southern-kurils"), "{stderr}");
}
}

both_engines! {
fn two_names_of_one_place_in_a_query_are_searched_as_typed() {
    let case = Case::seeded();
    let (handles, stderr) = search(&case, &["Dokdo Takeshima"]);
    assert_eq!(handles, ["C13", "E61", "ST43"], "the records that use both names");
    assert!(
        stderr.contains("Dokdo and Takeshima name the same place: searched as typed"),
        "{stderr}"
    );
}
}

both_engines! {
fn a_name_shared_by_two_places_expands_to_both_and_search_says_so() {
    let case = Case::new();
    case.ok(&["place", "add", "north-island"]);
    case.ok(&["place", "add", "south-island"]);
    case.ok(&["name", "add", "north-island", "Green Island", "--lang", "en", "--used-by", "KR"]);
    case.ok(&["name", "add", "north-island", "Nordinsel", "--lang", "de", "--used-by", "DE"]);
    case.ok(&["name", "add", "south-island", "Green Island", "--lang", "en", "--used-by", "JP"]);
    case.ok(&["name", "add", "south-island", "Sudinsel", "--lang", "de"]);
    case.ok(&["claim", "add", "Nordinsel was patrolled"]);
    case.ok(&["claim", "add", "Sudinsel was patrolled"]);
    case.ok(&["claim", "add", "Another place was patrolled"]);
    let (handles, stderr) = search(&case, &["Green Island"]);
    assert_eq!(handles, ["C1", "C2"]);
    assert!(
        stderr.contains(
            "Green Island is a name of PL1 north-island and PL2 south-island: searched every name of each: Green Island, Nordinsel, Sudinsel"
        ),
        "{stderr}"
    );
    // Nordinsel is a name of one place only.
    assert_eq!(found(&case, &["Nordinsel"]), ["C1"]);
}
}

both_engines! {
fn a_name_given_twice_to_one_place_is_refused_and_nothing_is_written() {
    let case = Case::seeded();
    let before = snapshot(&case);
    let names_before = case.sql("SELECT * FROM name ORDER BY id");
    for (text, lang) in [("Dokdo", "en"), ("  dokdo ", "en"), ("DÓKDO", "en"), ("독도", "ko")] {
        let err = case.fails(2, &["name", "add", "liancourt-rocks", text, "--lang", lang, "--used-by", "KR"]);
        assert!(err.contains("liancourt-rocks already has the name"), "{err}");
        assert!(err.contains("a place takes each name once"), "{err}");
    }
    assert_eq!(snapshot(&case), before);
    assert_eq!(case.sql("SELECT * FROM name ORDER BY id"), names_before);
    // A retracted name may be given again; restoring the first is then refused.
    case.ok(&["retract", "N4", "--reason", "Entered to test"]);
    let again = case.ok(&["name", "add", "liancourt-rocks", "Tokdo", "--lang", "en", "--used-by", "KR"]);
    assert_eq!(again.trim(), "N24");
    let err = case.fails(2, &["restore", "N4", "--reason", "Back"]);
    assert!(err.contains("already has the name \"Tokdo\" (N24)"), "{err}");
}
}

both_engines! {
fn a_language_that_is_not_iso_639_1_is_refused_with_the_form() {
    let case = Case::seeded();
    case.ok(&["place", "add", "test-place"]);
    for bad in ["kor", "EN", "xx", "english", "zh_Hant", "ko-latn", ""] {
        let err = case.fails(2, &["name", "add", "test-place", "Somewhere", "--lang", bad]);
        let expected = if bad.is_empty() {
            "--lang is required".to_string()
        } else {
            format!(
                "invalid --lang {bad:?}: allowed: an ISO 639-1 code, two lower-case letters such as ko, ja, ru, zh or en, \
                 optionally followed by a script or a region (ko-Latn, zh-Hant, en-GB)"
            )
        };
        assert!(err.contains(&expected), "{bad}: {err}");
    }
    assert_eq!(case.count("SELECT count(*) FROM name WHERE place_id = 9"), 0);
    for good in ["ko", "zh-Hant", "ko-Latn", "en-GB", "es-419"] {
        case.ok(&["name", "add", "test-place", &format!("Name {good}"), "--lang", good]);
    }
    assert_eq!(case.count("SELECT count(*) FROM name WHERE place_id = 9"), 5);
}
}

both_engines! {
fn places_and_names_are_added_edited_retracted_and_kept_in_the_history() {
    let case = Case::new();
    assert_eq!(case.ok(&["place", "add", "kuril-islands"]).trim(), "PL1");
    assert_eq!(
        case.ok(&["place", "add", "southern-kurils", "--part-of", "kuril-islands"]).trim(),
        "PL2"
    );
    assert_eq!(
        case.ok(&["name", "add", "southern-kurils", "北方領土", "--lang", "ja", "--used-by", "JP"])
            .trim(),
        "N1"
    );
    assert_eq!(
        case.ok(&[
            "name",
            "add",
            "PL2",
            "South Kuril Islands",
            "--lang",
            "en",
            "--used-by",
            "RU",
            "--notes",
            "Zakharova, 4 July 2019"
        ])
        .trim(),
        "N2"
    );
    case.ok(&["claim", "add", "Drills were held near the South Kuril Islands"]);
    // A party that is not in the case: nothing is written.
    let err = case.fails(
        3,
        &[
            "name",
            "add",
            "PL2",
            "Northern Territories",
            "--lang",
            "en",
            "--used-by",
            "JP,JP-NOBODY",
        ],
    );
    assert!(err.contains("no party \"JP-NOBODY\""), "{err}");
    assert_eq!(case.count("SELECT count(*) FROM name"), 2);

    let listed = csv_records(&case.ok(&["name", "list", "--format", "csv"]));
    assert_eq!(
        listed[0],
        [
            "handle",
            "uuid",
            "place",
            "place_uuid",
            "text",
            "language",
            "used_by",
            "used_by_uuid",
            "reference",
            "source",
            "source_uuid",
            "notes",
            "retracted"
        ]
    );
    let jp = case.sql("SELECT uuid FROM party WHERE code = 'JP'")[0][0].clone();
    assert_eq!(listed[1][2], "southern-kurils");
    assert_eq!(listed[1][4..9], ["北方領土", "ja", "JP", jp.as_str(), "no"]);

    case.ok(&[
        "name",
        "edit",
        "N2",
        "--used-by",
        "RU,JP",
        "--reason",
        "Tokyo's statement says it too",
    ]);
    let id = |code: &str| case.sql(&format!("SELECT id FROM party WHERE code = '{code}'"))[0][0].clone();
    let used_by = format!("[{},{}]", id("RU"), id("JP"));
    assert_eq!(case.sql("SELECT used_by FROM name WHERE id = 2"), [[used_by]]);
    let listed = csv_records(&case.ok(&["name", "list", "--used-by", "JP", "--format", "csv"]));
    assert_eq!(listed.iter().skip(1).map(|r| r[0].as_str()).collect::<Vec<_>>(), ["N1", "N2"]);
    let err = case.fails(2, &["name", "edit", "N2", "--lang", "ru", "--reason", " "]);
    assert!(err.contains("reason is required"), "{err}");
    let err = case.fails(
        2,
        &["place", "edit", "kuril-islands", "--part-of", "southern-kurils", "--reason", "x"],
    );
    assert!(err.contains("a place cannot lie within itself"), "{err}");

    // Retracting the place: its names name nothing in search any more.
    assert_eq!(found(&case, &["北方領土"]), ["C1"]);
    let run = case.run(&["retract", "PL2", "--reason", "Entered twice"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("2 live records refer to PL2 and were not retracted: N1, N2"),
        "{}",
        run.stderr
    );
    // No expansion once the place is retracted: nothing says the name.
    let (handles, stderr) = search(&case, &["北方領土"]);
    assert_eq!(handles.len(), 0);
    assert_eq!(stderr, "crosscheck: no record matches \"北方領土\"\n");
    assert_eq!(csv_records(&case.ok(&["place", "list", "--format", "csv"])).len(), 2, "PL1 only");
    case.ok(&["restore", "PL2", "--reason", "Not a duplicate"]);
    assert_eq!(found(&case, &["北方領土"]), ["C1"]);

    let history = csv_records(&case.ok(&["history", "PL2", "--format", "csv"]));
    let trail: Vec<String> = history.iter().skip(1).map(|r| format!("{} {} {}", r[3], r[4], r[5])).collect();
    assert_eq!(
        trail,
        [
            "create place PL2",
            "create name N1",
            "create name N2",
            "edit name N2",
            "retract place PL2",
            "restore place PL2"
        ]
    );
    let shown = case.ok(&["place", "show", "southern-kurils"]);
    assert!(shown.contains("part_of      ┆ kuril-islands"), "{shown}");
    assert!(shown.contains("South Kuril Islands ┆ en       ┆ RU, JP"), "{shown}");
    case.ok(&["verify"]);
}
}

both_engines! {
fn places_and_names_import_back_from_their_reports() {
    let case = Case::seeded();
    for what in ["parties", "sources", "places", "names"] {
        case.ok(&["report", what, "--output", &format!("{what}.csv")]);
    }
    let copy = Case::new();
    for what in ["parties", "sources", "places", "names"] {
        let file = case.path(&format!("{what}.csv"));
        let run = copy.run(&["import", file.to_str().unwrap(), "--into", what]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        if what == "places" {
            assert!(
                run.stderr.contains("skipped columns the places report computes: names"),
                "{}",
                run.stderr
            );
        }
    }
    for what in ["places", "names"] {
        let original = std::fs::read_to_string(case.path(&format!("{what}.csv"))).unwrap();
        assert_eq!(copy.ok(&["report", what]), original, "{what}");
    }
    assert_eq!(copy.count("SELECT count(*) FROM name"), 23);
    copy.ok(&["verify"]);
}
}

both_engines! {
fn claim_show_lists_each_partys_name_and_the_names_each_statement_uses() {
    let case = Case::seeded();
    let shown = case.ok(&["claim", "show", "air-patrol-2019-airspace-violated"]);
    let places = &shown[shown.find("Places the claim and its statements name").expect("a places section")..];
    for row in [
        "│ PL1 liancourt-rocks             ┆ KR        ┆ Dokdo, 독도, Tokdo   │",
        "│                                 ┆ JP        ┆ Takeshima, 竹島      │",
        "│                                 ┆ reference ┆ Liancourt Rocks      │",
        "│ PL2 sea-between-korea-and-japan ┆ KR        ┆ East Sea, 동해       │",
        "│                                 ┆ JP        ┆ Sea of Japan, 日本海 │",
        "│                                 ┆ reference ┆ Japan Sea            │",
    ] {
        assert!(places.contains(row), "{row}\n{places}");
    }
    // Russia's defence ministry, through Xinhua, uses both parties' names.
    let statements = &shown[shown.find("\nStatements").unwrap()..shown.find("Places the claim").unwrap()];
    let st43 = statements.lines().find(|l| l.contains("│ ST43")).unwrap();
    let last_cell = |line: &str| line.trim_end_matches('│').rsplit('┆').next().unwrap().trim().to_string();
    assert_eq!(last_cell(st43), "Dokdo (KR), Takeshima (JP)");
    let st51 = statements.lines().find(|l| l.contains("│ ST51")).unwrap();
    assert_eq!(last_cell(st51), "Takeshima (JP)");
    let st42 = statements.lines().find(|l| l.contains("│ ST42")).unwrap();
    assert_eq!(last_cell(st42), "", "TASS's words name no place");
    // A claim that names no place has no such section or column.
    let plain = case.ok(&["claim", "show", "vostok-2018-troops"]);
    assert!(!plain.contains("Places the claim") && !plain.contains("names used"), "{plain}");
}
}

both_engines! {
fn compare_names_adds_a_row_with_each_partys_name() {
    let case = Case::seeded();
    let plain = csv_records(&case.ok(&["compare", "air-patrol-2019-ru-cn-rejection", "--format", "csv"]));
    assert_eq!(plain.len(), 2, "without --names, no names rows");
    let rows = csv_records(&case.ok(&[
        "compare",
        "air-patrol-2019-ru-cn-rejection",
        "--names",
        "--parties",
        "RU,CN,JP,KR",
        "--format",
        "csv",
    ]));
    assert_eq!(rows[0], ["claim", "text", "status", "RU", "CN", "JP", "KR", "figures"]);
    assert_eq!(rows.len(), 3);
    // TASS's Russian account says Sea of Japan, Japan's name.
    assert!(rows[1][3].ends_with("; names: Sea of Japan (JP)"), "{}", rows[1][3]);
    assert_eq!(
        rows[2],
        [
            "PL2 sea-between-korea-and-japan",
            "names each party uses; reference: Japan Sea",
            "",
            "its statements say: Sea of Japan (JP)",
            "",
            "Sea of Japan, 日本海",
            "East Sea, 동해",
            ""
        ]
    );
}
}

both_engines! {
fn the_claims_report_gives_the_names_too() {
    let case = Case::seeded();
    let md = case.ok(&["report", "claims", "--format", "md"]);
    assert!(
        md.contains("- **Names of PL1 liancourt-rocks:** KR: Dokdo, 독도, Tokdo; JP: Takeshima, 竹島; reference: Liancourt Rocks"),
        "{md}"
    );
    assert!(md.contains("| Date | Party | Stance | Words | Figure | Source | Names used |"));
    assert!(md.contains("| PL1 liancourt-rocks<br>names each party uses<br>reference: Liancourt Rocks |"));
    let html = case.ok(&["report", "claims", "--format", "html"]);
    assert!(
        html.contains("its statements say: Dokdo (KR), Takeshima (JP)"),
        "the Russian column of the names row"
    );
}
}

#[test]
fn verify_catches_a_name_changed_outside_crosscheck() {
    let case = Case::seeded();
    let out = case.ok(&["verify"]);
    assert!(
        out.contains("names        ok: 23 names of places, each one's matched form recomputed and the parties that use it found"),
        "{out}"
    );
    {
        let conn = rusqlite::Connection::open(case.db()).unwrap();
        conn.execute("UPDATE name SET folded = 'take shima' WHERE text = 'Takeshima'", [])
            .unwrap();
        conn.execute("UPDATE name SET used_by = '[99999]' WHERE text = '竹島'", []).unwrap();
    }
    let err = case.fails(4, &["verify"]);
    assert!(
        err.contains("name N5: its folded text is \"take shima\", but its text \"Takeshima\" folds to \"takeshima\": it was changed outside crosscheck"),
        "{err}"
    );
    assert!(
        err.contains("name N6 lists party P99999 among those that use it, which is not in the case"),
        "{err}"
    );
}

both_engines! {
fn across_the_names_of_a_place_no_name_outranks_another_for_being_rarer() {
    let case = Case::new();
    case.ok(&["place", "add", "islets"]);
    case.ok(&["name", "add", "islets", "Alpha", "--lang", "en", "--used-by", "KR"]);
    case.ok(&["name", "add", "islets", "Beta", "--lang", "en", "--used-by", "JP"]);
    case.ok(&["claim", "add", "Aircraft flew near Alpha"]); // C1: the rarer name
    for _ in 0..4 {
        case.ok(&["claim", "add", "Aircraft flew near Beta"]);
    }
    let ranked = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["search"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--format", "csv"]);
        csv_records(&case.ok(&full)).into_iter().skip(1).map(|r| r[0].clone()).collect()
    };
    // Equal texts rank equal, newest first, whichever name they use.
    assert_eq!(ranked(&["Beta"]), ["C5", "C4", "C3", "C2", "C1"]);
    assert_eq!(ranked(&["Alpha"]), ["C5", "C4", "C3", "C2", "C1"]);
    // As typed, only the name given.
    assert_eq!(ranked(&["Alpha", "--exact"]), ["C1"]);
}
}
