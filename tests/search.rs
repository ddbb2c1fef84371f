//! Full-text search in every script, through the real binary.

mod common;

use common::{Case, csv_records};

/// A case with a record of each kind in Latin, Cyrillic, Korean, Japanese
/// and Chinese.
fn multilingual() -> Case {
    let case = Case::new();
    case.ok(&[
        "source",
        "add",
        "Минобороны России: совместные учения «Восток-2018»",
        "--publisher",
        "Министерство обороны",
        "--language",
        "ru",
    ]); // S1
    case.ok(&[
        "source",
        "add",
        "中俄举行联合演习",
        "--publisher",
        "新华社",
        "--language",
        "zh",
        "--notes",
        "Xinhua report of the joint exercise",
    ]); // S2
    case.ok(&[
        "claim",
        "add",
        "Russian and Chinese bombers flew a joint patrol near the Liancourt Rocks",
        "--topic",
        "air-patrol-2019",
        "--appeared-in",
        "Zürich Review",
    ]); // C1
    case.ok(&["claim", "add", "日本政府は竹島の領空侵犯に抗議した", "--topic", "airspace"]); // C2
    case.ok(&[
        "statement",
        "add",
        "C1",
        "KR",
        "affirms",
        "--quote",
        "러시아 군용기가 독도 영공을 침범했다",
        "--speaker",
        "합동참모본부",
        "--source",
        "S2",
    ]); // ST1
    case.ok(&[
        "evidence",
        "add",
        "C1",
        "S2",
        "supports",
        "--excerpt",
        "中俄两国空军在日本海举行联合空中战略巡航，这不是演习的一部分",
    ]); // E1
    case
}

/// The handles a search finds, best first, read from its CSV output.
fn found(case: &Case, args: &[&str]) -> Vec<String> {
    let mut full = vec!["search"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "csv"]);
    let run = case.run(&full);
    let records = csv_records(&run.stdout);
    assert_eq!(records[0], ["handle", "kind", "snippet", "score", "uuid", "via"]);
    // As grep: exit 0 when something matches, 1 when nothing does.
    let expected = if records.len() > 1 { 0 } else { 1 };
    assert_eq!(run.code, expected, "{full:?}: {}", run.stderr);
    if expected == 1 {
        assert!(run.stderr.contains("no record matches"), "{}", run.stderr);
    }
    records[1..].iter().map(|r| r[0].clone()).collect()
}

fn sorted(mut handles: Vec<String>) -> Vec<String> {
    handles.sort();
    handles
}

both_engines! {
fn cyrillic_is_found_with_case_folded_and_by_prefix() {
    let case = multilingual();
    assert_eq!(found(&case, &["учения"]), ["S1"]);
    assert_eq!(found(&case, &["ВОСТОК-2018"]), ["S1"]);
    assert_eq!(found(&case, &["учени*"]), ["S1"]);
    assert_eq!(found(&case, &["обороны"]), ["S1"]);
    assert!(found(&case, &["учени"]).is_empty(), "a word without * is a whole word");
}
}

both_engines! {
fn two_character_korean_japanese_and_chinese_words_are_found_inside_sentences() {
    let case = multilingual();
    assert_eq!(found(&case, &["독도"]), ["ST1"]);
    assert_eq!(found(&case, &["竹島"]), ["C2"]);
    assert_eq!(sorted(found(&case, &["演习"])), ["E1", "S2"]);
    // Longer words are phrases of two-character words: in order, adjacent.
    assert_eq!(found(&case, &["領空侵犯"]), ["C2"]);
    assert_eq!(found(&case, &["영공을"]), ["ST1"]);
    assert!(found(&case, &["島竹"]).is_empty());
    assert!(found(&case, &["侵領"]).is_empty());
    // One character matches every word that has it, first or last.
    assert_eq!(found(&case, &["島"]), ["C2"]);
    assert_eq!(found(&case, &["犯"]), ["C2"]);
    // A speaker is searched too.
    assert_eq!(found(&case, &["합동참모본부"]), ["ST1"]);
}
}

both_engines! {
fn latin_words_and_phrases_are_found_without_regard_to_case_or_accents() {
    let case = multilingual();
    assert_eq!(found(&case, &["liancourt"]), ["C1"]);
    assert_eq!(found(&case, &["Zurich"]), ["C1"], "accents are folded");
    assert_eq!(found(&case, &["\"joint patrol\""]), ["C1"]);
    assert!(found(&case, &["\"patrol joint\""]).is_empty(), "a quoted phrase keeps its order");
    assert_eq!(found(&case, &["joint", "Xinhua"]), ["S2"], "every word must appear");
    assert_eq!(found(&case, &["air-patrol-2019"]), ["C1"], "topics are searched");
}
}

both_engines! {
fn results_are_ranked_and_the_snippet_marks_matches_only_in_the_table() {
    let case = Case::new();
    case.ok(&[
        "source",
        "add",
        "Budget figures",
        "--notes",
        "Mentions the Vostok drills once, among many other subjects",
    ]);
    case.ok(&["source", "add", "Vostok-2018: the Vostok drills in numbers"]);
    case.ok(&["source", "add", "Unrelated report"]);
    assert_eq!(found(&case, &["vostok"]), ["S2", "S1"], "a title with the word twice ranks first");

    let table = case.ok(&["search", "vostok"]);
    assert!(table.contains("[Vostok]-2018: the [Vostok] drills in numbers"), "{table}");
    assert!(table.contains("Mentions the [Vostok] drills once"), "{table}");
    assert!(!table.contains("Unrelated"), "{table}");

    let records = csv_records(&case.ok(&["search", "vostok", "--format", "csv"]));
    assert_eq!(records[1][2], "Vostok-2018: the Vostok drills in numbers");
    let score = |r: &Vec<String>| r[3].parse::<f64>().unwrap();
    assert!(score(&records[1]) > score(&records[2]) && score(&records[2]) > 0.0, "{records:?}");
    assert_eq!(records[1][4], case.sql("SELECT uuid FROM source WHERE id = 2")[0][0]);
}
}

both_engines! {
fn long_text_is_cut_around_the_first_match() {
    let case = Case::new();
    let long = format!(
        "{} the decisive passage {}",
        "lorem ipsum ".repeat(30),
        "dolor sit amet ".repeat(30)
    );
    case.ok(&["claim", "add", &long]);
    let records = csv_records(&case.ok(&["search", "decisive", "--format", "csv"]));
    let snippet = &records[1][2];
    assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
    assert!(snippet.contains("the decisive passage"), "{snippet}");
    assert!(snippet.chars().count() < 100, "{snippet}");
}
}

both_engines! {
fn kind_narrows_the_search_and_a_wrong_kind_is_refused() {
    let case = multilingual();
    assert_eq!(sorted(found(&case, &["演习"])), ["E1", "S2"]);
    assert_eq!(found(&case, &["演习", "--kind", "source"]), ["S2"]);
    assert_eq!(found(&case, &["演习", "--kind", "evidence,claims"]), ["E1"]);
    assert!(found(&case, &["演习", "--kind", "statement"]).is_empty());
    let err = case.fails(2, &["search", "演习", "--kind", "party"]);
    assert!(
        err.contains("invalid kind \"party\"") && err.contains("claim, statement, source, evidence"),
        "{err}"
    );
}
}

both_engines! {
fn limit_keeps_the_best_results() {
    let case = Case::new();
    for i in 0..5 {
        case.ok(&["source", "add", &format!("Report {i} on the exercise")]);
    }
    assert_eq!(found(&case, &["exercise"]).len(), 5);
    assert_eq!(found(&case, &["exercise", "--limit", "2"]).len(), 2);
    case.fails(2, &["search", "exercise", "--limit", "0"]);
}
}

both_engines! {
fn query_text_is_never_search_syntax() {
    let case = multilingual();
    for query in [
        "NEAR(joint",
        "joint OR",
        "\"unbalanced",
        "main:joint",
        "^joint",
        "joint AND NOT",
        "{main}",
    ] {
        let run = case.run(&["search", query]);
        assert!(run.code == 0 || run.stderr.contains("no record matches"), "{query}: {}", run.stderr);
    }
    assert_eq!(
        found(&case, &["main:joint"]),
        Vec::<String>::new(),
        "main:joint is two words, main and joint"
    );
    let err = case.fails(2, &["search", "*** ?"]);
    assert!(err.contains("invalid query") && err.contains("at least one word"), "{err}");
}
}

both_engines! {
fn edits_keep_the_index_in_step() {
    let case = multilingual();
    case.ok(&[
        "claim",
        "edit",
        "C2",
        "--text",
        "韓国は独島を実効支配している",
        "--reason",
        "wording",
    ]);
    assert!(found(&case, &["竹島"]).is_empty(), "the old text is no longer found");
    assert_eq!(found(&case, &["独島"]), ["C2"]);
    case.ok(&["source", "edit", "S1", "--publisher", "TASS", "--reason", "Publisher named"]);
    assert!(found(&case, &["обороны"]).is_empty());
    assert_eq!(found(&case, &["tass"]), ["S1"]);
    assert_eq!(found(&case, &["учения"]), ["S1"], "the fields not edited are still found");
    // A verdict does not change text, and the index is untouched by it.
    case.ok(&["mark", "C2", "disputed", "--reason", "competing accounts"]);
    assert_eq!(found(&case, &["独島"]), ["C2"]);
}
}

both_engines! {
fn imported_records_are_searchable() {
    // The seed goes through the importer.
    let case = Case::seeded();
    let takeshima = found(&case, &["Takeshima"]);
    assert!(!takeshima.is_empty());
    let indexed = case.count("SELECT count(*) FROM search_index");
    let records = case.count("SELECT count(*) FROM search_text");
    assert_eq!(indexed, records, "every imported record is in the index");
}
}

#[test]
fn rebuild_repairs_an_emptied_or_damaged_index() {
    let case = multilingual();
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    // Emptied with FTS5's own command (a contentless index takes no DELETE).
    conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')", [])
        .unwrap();
    assert!(found(&case, &["독도"]).is_empty());
    let run = case.run(&["search", "--rebuild"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("search index rebuilt: 6 records"), "{}", run.stderr);
    assert_eq!(found(&case, &["독도"]), ["ST1"]);

    // Damage the index's own storage: searching says how to repair it.
    conn.execute("DELETE FROM search_index_data WHERE id > 10", []).unwrap();
    let err = case.fails(1, &["search", "독도"]);
    assert!(err.contains("crosscheck search --rebuild"), "{err}");
    assert_eq!(found(&case, &["--rebuild", "독도"]), ["ST1"]);
    assert_eq!(found(&case, &["учения"]), ["S1"]);
}

both_engines! {
fn every_format_carries_the_plain_snippet() {
    let case = multilingual();
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["search", "독도", "--format", "json"])).unwrap();
    let hit = &json[0];
    assert_eq!(hit["handle"], "ST1");
    assert_eq!(hit["kind"], "statement");
    assert_eq!(hit["snippet"], "러시아 군용기가 독도 영공을 침범했다");
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let lines = case.ok(&["search", "독도", "--format", "jsonl"]);
    assert_eq!(lines.lines().count(), 1);
    let tsv = case.ok(&["search", "독도", "--format", "tsv"]);
    assert!(
        tsv.starts_with("handle\tkind\tsnippet\tscore\tuuid\tvia\nST1\tstatement\t러시아 군용기가 독도 영공을 침범했다\t"),
        "{tsv}"
    );
    let table = case.ok(&["search", "독도"]);
    assert!(table.contains("러시아 군용기가 [독도] 영공을 침범했다"), "{table}");
    // Nothing found: no rows on stdout, a message on stderr, exit 1 as grep.
    let run = case.run(&["search", "nowhere"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert!(run.stderr.contains("no record matches \"nowhere\""), "{}", run.stderr);
}
}

both_engines! {
fn the_import_command_keeps_the_index_in_step() {
    let case = Case::new();
    let uuid = "0b5e3f6a-6f7d-4c1e-9a37-2c9d1f1f8a10";
    case.write(
        "sources.csv",
        &format!(
            "uuid,title,publisher,notes\n{uuid},독도 영공 침범,연합뉴스,\n,\"Учения \"\"Восток-2018\"\"\",TASS,\"note, with comma\"\n"
        ),
    );
    case.ok(&["import", "sources.csv", "--into", "sources"]);
    assert_eq!(found(&case, &["독도"]), ["S1"]);
    assert_eq!(found(&case, &["восток-2018"]), ["S2"]);
    assert_eq!(found(&case, &["comma"]), ["S2"]);

    case.write("changed.csv", &format!("uuid,title,publisher,notes\n{uuid},竹島の領空,共同通信,\n"));
    case.ok(&["import", "changed.csv", "--into", "sources", "--update"]);
    assert!(found(&case, &["독도"]).is_empty(), "the old title is no longer found");
    assert_eq!(found(&case, &["竹島"]), ["S1"]);
    assert_eq!(case.count("SELECT count(*) FROM search_index"), 2);
}
}

both_engines! {
/// A query that matches more than 5,000 records ranks the newest 5,000 and
/// says so; --all ranks every match.
fn a_broad_query_ranks_the_newest_matches_unless_all() {
    let case = Case::new();
    let mut csv = String::from("title,notes\n");
    // The oldest source says "harbour" three times: the best match of all.
    csv.push_str("harbour harbour harbour,first\n");
    for i in 0..5_005 {
        csv.push_str(&format!("Report {i} on the harbour and other places in the region,\n"));
    }
    case.write("many.csv", &csv);
    case.ok(&["import", "many.csv", "--into", "sources"]);
    let run = case.run(&["search", "harbour", "--limit", "1", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("more than 5,000 records match: ranked the 5,000 newest"),
        "{}",
        run.stderr
    );
    let best = common::csv_records(&run.stdout);
    assert_ne!(best[1][0], "S1", "the oldest match is beyond the newest 5,000");
    let all = case.run(&["search", "harbour", "--limit", "1", "--format", "csv", "--all"]);
    assert!(all.stderr.is_empty(), "{}", all.stderr);
    assert_eq!(common::csv_records(&all.stdout)[1][0], "S1", "--all ranks every match");
}
}
