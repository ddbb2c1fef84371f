//! Competing hypotheses through the binary: hypotheses as records, ratings
//! through the write path with their history, the matrix of `ach` with its
//! scores computed here by hand, its sensitivity, the refusals, and the
//! shipped case's example analysis in the HTML report.

mod common;

use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};

use common::{Case, csv_records, snapshot};

/// The README's worked example: a claim, three hypotheses, five evidence
/// items from sources graded B and D, two parties' statements, and every
/// item rated against every hypothesis.
fn example() -> Case {
    let case = Case::new();
    case.ok(&[
        "claim",
        "add",
        "A Russian military aircraft violated the airspace over the Liancourt Rocks on 23 July 2019",
        "--slug",
        "airspace",
    ]);
    for text in [
        "It entered deliberately",
        "It entered by a navigation error or an equipment malfunction",
        "It did not enter the airspace",
    ] {
        case.ok(&["hypothesis", "add", "airspace", text]);
    }
    for (title, publisher, grade, slug) in [
        ("JCS on the Russian warplane over Dokdo", "KBS World", "B", "kbs-jcs"),
        ("Russian MoD on the joint air patrol", "TASS", "B", "tass-mod"),
        ("Blue House: Moscow conveyed deep regret", "KBS World", "B", "kbs-regret"),
        ("Tokyo protests to Seoul, Moscow", "Jiji Press", "D", "jiji"),
        ("Russian MoD on the South Korean pilots", "Xinhua", "D", "xinhua-mod"),
    ] {
        case.ok(&[
            "source",
            "add",
            title,
            "--publisher",
            publisher,
            "--reliability",
            grade,
            "--slug",
            slug,
        ]);
    }
    for (source, relation, excerpt) in [
        ("kbs-jcs", "supports", "ten flares and 280 cannon rounds"),
        (
            "tass-mod",
            "refutes",
            "According to flight data, there were no violations of other countries' airspace.",
        ),
        (
            "kbs-regret",
            "supports",
            "appears to have entered an unplanned area due to an equipment malfunction",
        ),
        ("jiji", "supports", "a total of seven minutes"),
        (
            "xinhua-mod",
            "context",
            "at a distance of more than 25 km from the Dokdo (Takeshima) Islands",
        ),
    ] {
        case.ok(&[
            "evidence",
            "add",
            "airspace",
            source,
            relation,
            "--credibility",
            "3",
            "--excerpt",
            excerpt,
        ]);
    }
    case.ok(&[
        "statement",
        "add",
        "airspace",
        "KR",
        "affirms",
        "--source",
        "kbs-jcs",
        "--summary",
        "The aircraft entered the airspace twice",
    ]);
    case.ok(&[
        "statement",
        "add",
        "airspace",
        "RU",
        "denies",
        "--source",
        "tass-mod",
        "--summary",
        "No country's airspace was violated",
    ]);
    for (item, ratings) in [
        ("E1", ["C", "C", "I"]),
        ("E2", ["I", "I", "C"]),
        ("E3", ["I", "CC", "I"]),
        ("E4", ["C", "C", "I"]),
        ("E5", ["NA", "NA", "NA"]),
        ("ST1", ["C", "C", "II"]),
        ("ST2", ["II", "II", "CC"]),
    ] {
        for (hypothesis, rating) in ["H1", "H2", "H3"].iter().zip(ratings) {
            let mut args = vec!["rate", hypothesis, item, rating];
            if (*hypothesis, item) == ("H3", "E1") {
                args.extend(["--relevance", "high"]);
            }
            case.ok(&args);
        }
    }
    case
}

/// The matrix as CSV records, header first.
fn matrix(case: &Case, claim: &str) -> Vec<Vec<String>> {
    csv_records(&case.ok(&["ach", claim, "--format", "csv"]))
}

/// One cell of the matrix: the row whose `item` is `item`, the column `column`.
fn cell(matrix: &[Vec<String>], item: &str, column: &str) -> String {
    let at = matrix[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let row = matrix.iter().find(|r| r[0] == item).unwrap_or_else(|| panic!("no row {item}"));
    row[at].clone()
}

fn items(matrix: &[Vec<String>]) -> Vec<String> {
    matrix[1..].iter().map(|r| r[0].clone()).collect()
}

fn two_places(n: f64) -> String {
    format!("{n:.2}")
}

both_engines! {
fn scores_weights_diagnosticity_and_order_match_a_hand_computation() {
    let case = example();
    let m = matrix(&case, "airspace");
    // By hand. All evidence is graded 3 (possibly true: medium); KBS World
    // and TASS are B (high), so their items weigh min(high, medium) =
    // medium, 1; Jiji and Xinhua are D (low): 1/√2. I is 1 point, II 2.
    let e1 = 1.0; // B3
    let e2 = 1.0;
    let e3 = 1.0;
    let e4 = FRAC_1_SQRT_2; // D3
    let h1 = 1.0 * e2 + 1.0 * e3; // E2 I, E3 I
    let h2 = 1.0 * e2; // E2 I
    let h3 = 1.0 * e1 * SQRT_2 + 1.0 * e3 + 1.0 * e4; // E1 I with high relevance, E3 I, E4 I
    assert_eq!([two_places(h1), two_places(h2), two_places(h3)], ["2.00", "1.00", "3.12"]);
    // Columns least inconsistent first: H2, H1, H3.
    assert_eq!(
        m[0],
        [
            "item",
            "kind",
            "text",
            "from",
            "grade",
            "credibility",
            "weight",
            "diagnosticity",
            "H2",
            "H1",
            "H3",
            "critical"
        ]
    );
    // CSV writes numbers plainly: 1, 2, 3.12.
    assert_eq!(
        [cell(&m, "score", "H2"), cell(&m, "score", "H1"), cell(&m, "score", "H3")],
        ["1", "2", "3.12"]
    );
    assert_eq!(
        [cell(&m, "rank", "H2"), cell(&m, "rank", "H1"), cell(&m, "rank", "H3")],
        ["1", "2", "3"]
    );
    // Weights: B3 medium 1, D3 low 0.71.
    assert_eq!(
        [cell(&m, "E1", "credibility"), cell(&m, "E1", "weight"), cell(&m, "E1", "grade")],
        ["medium", "1", "B3"]
    );
    assert_eq!(
        [cell(&m, "E4", "credibility"), cell(&m, "E4", "weight"), cell(&m, "E4", "grade")],
        ["low", "0.71", "D3"]
    );
    // Diagnosticity, the population standard deviation on II -2 ... CC 2:
    // E3 (I, CC, I) = (-1, 2, -1): mean 0, variance 6/3 = 2, √2.
    // E1 (C, C, I) = (1, 1, -1): mean 1/3, variance (4/9 + 4/9 + 16/9) / 3.
    // ST2 (II, II, CC) = (-2, -2, 2): mean -2/3, variance (16/9 + 16/9 + 64/9) / 3.
    let sd = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
    };
    assert_eq!(cell(&m, "E3", "diagnosticity"), two_places(sd(&[-1.0, 2.0, -1.0])));
    assert_eq!(two_places(sd(&[-1.0, 2.0, -1.0])), "1.41");
    assert_eq!(cell(&m, "E1", "diagnosticity"), two_places(sd(&[1.0, 1.0, -1.0])));
    assert_eq!(two_places(sd(&[1.0, 1.0, -1.0])), "0.94");
    assert_eq!(cell(&m, "ST2", "diagnosticity"), two_places(sd(&[-2.0, -2.0, 2.0])));
    assert_eq!(cell(&m, "E5", "diagnosticity"), "0");
    // Rows: evidence by diagnosticity (ties in id order), then statements,
    // then each party's mean, then the footer.
    assert_eq!(
        items(&m),
        [
            "H2", "H1", "H3", "E3", "E1", "E2", "E4", "E5", "ST2", "ST1", "KR", "RU", "score", "rank"
        ]
    );
    assert_eq!(cell(&m, "H3", "text"), "It did not enter the airspace");
    assert_eq!(
        [cell(&m, "E1", "H2"), cell(&m, "E1", "H1"), cell(&m, "E1", "H3")],
        ["C", "C", "I (high)"]
    );
    // Statements are shown, not scored.
    assert_eq!([cell(&m, "ST1", "weight"), cell(&m, "ST1", "grade")], ["", "B"]);
    assert_eq!(
        [cell(&m, "RU", "H2"), cell(&m, "RU", "H1"), cell(&m, "RU", "H3")],
        ["-2", "-2", "2"]
    );
    // Removing E3 leaves H1 1.00 and H2 1.00: it is the one critical item.
    assert_eq!(cell(&m, "E3", "critical"), "without it: H2 and H1");
    for item in ["E1", "E2", "E4", "E5"] {
        assert_eq!(cell(&m, item, "critical"), "", "{item}");
    }
}
}

both_engines! {
fn the_table_marks_rows_without_diagnosticity_and_reads_out_the_sensitivity() {
    let case = example();
    let out = case.ok(&["ach", "airspace"]);
    let e5 = out.lines().find(|l| l.contains("│ E5")).unwrap();
    assert!(e5.contains("┆ none "), "{e5}");
    for line in [
        "Weighted inconsistency, least first: H2 1.00, H1 2.00, H3 3.12.",
        "Least inconsistent: H2.",
        "Critical evidence, whose removal alone changes which hypothesis is least inconsistent: E3 (without it, H2 and H1 would tie as least inconsistent).",
        "The ranking rests on a single source: without S3 KBS World (E3), H2 and H1 would tie as least inconsistent.",
        "Without the evidence from sources graded D to F (E4, E5), the least inconsistent hypothesis stays the same.",
        "KR (ST1): its account fits H2 and H1 best; it is against H3.",
        "RU (ST2): its account fits H3 best; it is against H2 and H1.",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?}\n{out}");
    }
    // With another format the reading goes to stderr, the rows to stdout.
    let run = case.run(&["ach", "airspace", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("note: Least inconsistent: H2."), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let score = json.as_array().unwrap().iter().find(|r| r["item"] == "score").unwrap();
    assert_eq!((score["H2"].as_f64(), score["H3"].as_f64()), (Some(1.0), Some(3.12)));
    let e5 = json.as_array().unwrap().iter().find(|r| r["item"] == "E5").unwrap();
    assert_eq!(e5["diagnosticity"].as_f64(), Some(0.0));
}
}

both_engines! {
fn a_ranking_carried_by_weak_sources_or_one_source_is_flagged() {
    let case = Case::new();
    case.ok(&["claim", "add", "The drills were held", "--slug", "drills"]);
    case.ok(&["hypothesis", "add", "drills", "They were held"]);
    case.ok(&["hypothesis", "add", "drills", "They were only announced"]);
    case.ok(&["source", "add", "Blog copy", "--reliability", "F", "--slug", "blog"]);
    case.ok(&["source", "add", "Agency report", "--reliability", "B", "--slug", "agency"]);
    case.ok(&[
        "evidence",
        "add",
        "drills",
        "blog",
        "supports",
        "--credibility",
        "2",
        "--excerpt",
        "held",
    ]);
    case.ok(&[
        "evidence",
        "add",
        "drills",
        "blog",
        "supports",
        "--credibility",
        "2",
        "--excerpt",
        "seen",
    ]);
    case.ok(&[
        "evidence",
        "add",
        "drills",
        "agency",
        "context",
        "--credibility",
        "2",
        "--excerpt",
        "planned",
    ]);
    // The blog's two items count against H2; the agency's against H1, less.
    for (h, e, r) in [
        ("H1", "E1", "C"),
        ("H2", "E1", "I"),
        ("H1", "E2", "C"),
        ("H2", "E2", "I"),
        ("H1", "E3", "I"),
        ("H2", "E3", "C"),
    ] {
        case.ok(&["rate", h, e, r]);
    }
    // H1: 1 × √2 (B2 high) = 1.41; H2: 2 × 1/√2 (F2 low) = 1.41: a tie.
    let m = matrix(&case, "drills");
    assert_eq!(cell(&m, "score", "H1"), "1.41");
    assert_eq!(cell(&m, "score", "H2"), "1.41");
    case.ok(&["rate", "H2", "E3", "N"]);
    case.ok(&["rate", "H1", "E3", "I", "--relevance", "low"]);
    // H1 now 1 × √2 × 1/√2 = 1.00; H2 1.41: H1 leads, on the F source alone.
    let run = case.run(&["ach", "drills"]);
    // The reading wraps to the terminal's width: read it as one line a sentence.
    let out = run.stdout.replace("\n  ", " ");
    assert!(out.contains("Least inconsistent: H1."), "{out}");
    assert!(
        out.contains("The ranking rests on a single source: without S1 (E1, E2), H2 would be least inconsistent."),
        "{out}"
    );
    assert!(
        out.contains("The ranking rests on sources graded D to F: without their evidence (E1, E2), H2 would be least inconsistent."),
        "{out}"
    );
    // Either blog item alone decides it: without E1, H2 has 0.71 against it.
    assert!(
        out.contains("Critical evidence, whose removal alone changes which hypothesis is least inconsistent: E1 (without it, H2 would be least inconsistent); E2 (without it, H2 would be least inconsistent)."),
        "{out}"
    );
}
}

both_engines! {
fn rating_again_replaces_the_rating_and_the_history_keeps_every_one() {
    let case = example();
    let before = case.count("SELECT count(*) FROM rating");
    let run = case.run(&[
        "rate",
        "H1",
        "E1",
        "I",
        "--relevance",
        "high",
        "--note",
        "Two entries 24 minutes apart",
        "--reason",
        "Reread the JCS timings",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "R1\n");
    assert!(run.stderr.contains("R1 rated again: I (high) replaces C"), "{}", run.stderr);
    assert_eq!(case.count("SELECT count(*) FROM rating"), before);
    let listed = csv_records(&case.ok(&["rating", "list", "--hypothesis", "H1", "--item", "E1", "--format", "csv"]));
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(&listed[1][6..10], ["I", "high", "Two entries 24 minutes apart", ""]);
    // The history of the rating, of its hypothesis and of the claim show it.
    let history = csv_records(&case.ok(&["history", "R1", "--format", "csv"]));
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!((history[1][3].as_str(), history[2][3].as_str()), ("create", "edit"));
    assert!(history[2][7].contains("rating: C → I") && history[2][7].contains("relevance: medium → high"));
    assert_eq!(history[2][8], "Reread the JCS timings");
    let trail = case.ok(&["history", "H1", "--format", "csv"]);
    assert!(
        trail.contains("R1") && trail.contains("R4") && trail.contains("Reread the JCS timings"),
        "{trail}"
    );
    assert!(
        case.ok(&["history", "airspace", "--format", "csv"])
            .contains("Reread the JCS timings")
    );
    // The same rating again changes nothing.
    let same = case.run(&[
        "rate",
        "H1",
        "E1",
        "i",
        "--relevance",
        "HIGH",
        "--note",
        "Two entries 24 minutes apart",
    ]);
    assert!(
        same.stderr.contains("R1 already holds this rating; nothing changed"),
        "{}",
        same.stderr
    );
    // Rating it again without a note or relevance replaces those too.
    case.ok(&["rate", "H1", "E1", "II"]);
    let listed = csv_records(&case.ok(&["rating", "list", "--item", "E1", "--hypothesis", "H1", "--format", "csv"]));
    assert_eq!(&listed[1][6..9], ["II", "medium", ""]);
    case.ok(&["verify"]);
}
}

both_engines! {
fn bad_ratings_are_refused_with_the_reason_and_change_nothing() {
    let case = example();
    case.ok(&["claim", "add", "Another claim", "--slug", "other"]);
    case.ok(&["source", "add", "Elsewhere", "--slug", "elsewhere"]);
    case.ok(&["evidence", "add", "other", "elsewhere", "supports", "--excerpt", "unrelated"]);
    case.ok(&["hypothesis", "add", "other", "A reason"]);
    let before = snapshot(&case);
    let ratings = case.sql("SELECT * FROM rating ORDER BY id");

    let err = case.fails(2, &["rate", "H1", "E1", "likely"]);
    assert_eq!(
        err.trim(),
        "crosscheck: invalid rating \"likely\": allowed: CC very consistent, C consistent, N neutral, NA not applicable, I inconsistent, II very inconsistent"
    );
    let err = case.fails(2, &["rate", "H1", "E6", "C"]);
    assert_eq!(
        err.trim(),
        "crosscheck: E6 bears on claim other, but H1 explains claim airspace: a hypothesis is rated against the evidence and statements of its own claim"
    );
    let err = case.fails(2, &["rate", "H1", "C1", "C"]);
    assert!(
        err.contains("invalid item \"C1\": allowed: an evidence handle such as E5, a statement handle such as ST4"),
        "{err}"
    );
    let err = case.fails(2, &["rate", "H1", "E1", "C", "--relevance", "very"]);
    assert!(err.contains("invalid --relevance \"very\": allowed: low, medium, high"), "{err}");
    let err = case.fails(3, &["rate", "H9", "E1", "C"]);
    assert!(err.contains("no hypothesis \"H9\""), "{err}");
    let err = case.fails(3, &["rate", "H1", "E99", "C"]);
    assert!(err.contains("no evidence \"E99\""), "{err}");
    assert_eq!(snapshot(&case), before);

    case.ok(&["retract", "H3", "--reason", "Not exclusive of H1"]);
    let err = case.fails(2, &["rate", "H3", "E1", "C"]);
    assert_eq!(
        err.trim(),
        "crosscheck: H3 is retracted (Not exclusive of H1): a retracted hypothesis is not rated; restore it first with `crosscheck restore H3 --reason ...`"
    );
    case.ok(&["retract", "E2", "--reason", "Duplicate"]);
    let err = case.fails(2, &["rate", "H1", "E2", "C"]);
    assert!(
        err.contains("E2 is retracted (Duplicate): a retracted evidence is not rated"),
        "{err}"
    );
    assert_eq!(case.sql("SELECT * FROM rating ORDER BY id"), ratings);
}
}

both_engines! {
fn the_matrix_needs_two_hypotheses() {
    let case = example();
    case.ok(&["claim", "add", "One explanation only", "--slug", "single"]);
    let err = case.fails(2, &["ach", "single"]);
    assert_eq!(
        err.trim(),
        "crosscheck: the matrix needs two hypotheses at least: C2 single has 0; add them with `crosscheck hypothesis add C2 TEXT`"
    );
    case.ok(&["hypothesis", "add", "single", "It is true"]);
    let err = case.fails(2, &["ach", "single"]);
    assert!(err.contains("C2 single has 1 (H4)"), "{err}");
    // A retracted hypothesis drops out: two live ones are needed.
    case.ok(&["retract", "H2", "--reason", "Merged into H1"]);
    case.ok(&["retract", "H3", "--reason", "Merged into H1"]);
    let err = case.fails(2, &["ach", "airspace"]);
    assert!(err.contains("C1 airspace has 1 (H1)"), "{err}");
    case.ok(&["restore", "H3", "--reason", "Kept apart after all"]);
    let m = matrix(&case, "airspace");
    assert_eq!(&m[0][8..10], ["H1", "H3"]);
    let err = case.fails(3, &["ach", "nothing"]);
    assert!(err.contains("no claim \"nothing\""), "{err}");
}
}

both_engines! {
fn retracted_ratings_items_and_hypotheses_leave_the_matrix() {
    let case = example();
    case.ok(&["retract", "E3", "--reason", "Second-hand"]);
    let m = matrix(&case, "airspace");
    assert!(!items(&m).contains(&"E3".to_string()));
    // Without E3, H1 and H2 tie at 1.00 and share the first rank; H3 is third.
    assert_eq!([cell(&m, "score", "H1"), cell(&m, "score", "H2")], ["1", "1"]);
    assert_eq!(
        [cell(&m, "rank", "H1"), cell(&m, "rank", "H2"), cell(&m, "rank", "H3")],
        ["1", "1", "3"]
    );
    case.ok(&["restore", "E3", "--reason", "First-hand after all"]);
    let retracted = case.run(&["retract", "R3", "--reason", "Rated by mistake"]);
    assert_eq!(retracted.code, 0, "{}", retracted.stderr);
    let m = matrix(&case, "airspace");
    assert_eq!(cell(&m, "E1", "H3"), "");
    assert!(
        case.ok(&["ach", "airspace"])
            .contains("Not rated against every hypothesis: E1 (H3).")
    );
    // Rating it again makes a new live rating; restoring the old one is refused.
    assert_eq!(case.ok(&["rate", "H3", "E1", "II"]), "R22\n");
    let err = case.fails(2, &["restore", "R3", "--reason", "Back"]);
    assert!(err.contains("H3 already has a live rating of E1"), "{err}");
    // Retracting a hypothesis names its live ratings and leaves them be.
    let run = case.run(&["retract", "H2", "--reason", "Folded into H1"]);
    assert!(run.stderr.contains("7 live records refer to H2"), "{}", run.stderr);
    assert_eq!(&matrix(&case, "airspace")[0][8..10], ["H1", "H3"]);
    case.ok(&["verify"]);
}
}

both_engines! {
fn a_rated_item_or_hypothesis_cannot_move_to_another_claim() {
    let case = example();
    case.ok(&["claim", "add", "Another claim", "--slug", "other"]);
    let err = case.fails(2, &["evidence", "edit", "E1", "--claim", "other", "--reason", "Wrong claim"]);
    assert!(
        err.contains("E1 cannot move to another claim while its ratings stand (R1, R2, R3)"),
        "{err}"
    );
    let err = case.fails(2, &["statement", "edit", "ST1", "--claim", "other", "--reason", "Wrong claim"]);
    assert!(err.contains("ST1 cannot move to another claim"), "{err}");
    let err = case.fails(2, &["hypothesis", "edit", "H1", "--claim", "other", "--reason", "Wrong claim"]);
    assert!(err.contains("H1 cannot move to another claim"), "{err}");
    for r in ["R1", "R2", "R3"] {
        case.ok(&["retract", r, "--reason", "E1 belongs to another claim"]);
    }
    case.ok(&["evidence", "edit", "E1", "--claim", "other", "--reason", "Wrong claim"]);
    // Its retracted ratings stay retracted: they would rate across claims.
    let err = case.fails(2, &["restore", "R1", "--reason", "Back"]);
    assert!(err.contains("E1 bears on claim other, but H1 explains claim airspace"), "{err}");
    case.ok(&["verify"]);
}
}

both_engines! {
fn hypotheses_are_edited_searched_reported_and_imported_like_every_record() {
    let case = example();
    let run = case.run(&["hypothesis", "add", "airspace", "It entered deliberately"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hypothesis H1 already says this"), "{}", run.stderr);
    case.ok(&[
        "hypothesis",
        "edit",
        "H2",
        "--text",
        "It entered unintentionally: a navigation error or a malfunction",
        "--notes",
        "The account Seoul reported",
        "--reason",
        "Both accounts",
    ]);
    let listed = csv_records(&case.ok(&["hypothesis", "list", "--claim", "airspace", "--format", "csv"]));
    assert_eq!(listed[0], ["handle", "uuid", "claim", "claim_uuid", "text", "notes", "retracted"]);
    assert_eq!(
        [&listed[2][0], &listed[2][2], &listed[2][4], &listed[2][5]],
        [
            "H2",
            "airspace",
            "It entered unintentionally: a navigation error or a malfunction",
            "The account Seoul reported"
        ]
    );
    let history = csv_records(&case.ok(&["history", "H2", "--format", "csv"]));
    assert!(history.iter().any(|r| r[3] == "edit" && r[8] == "Both accounts"), "{history:?}");
    let found = csv_records(&case.ok(&["search", "navigation", "--format", "csv"]));
    assert_eq!([&found[1][0], &found[1][1]], ["H2", "hypothesis"]);
    let found = csv_records(&case.ok(&["search", "malfunction", "--kind", "hypotheses", "--format", "csv"]));
    assert_eq!(found.len(), 2, "{found:?}");

    // Every record reported and imported into a fresh case: the same matrix.
    let fresh = Case::new();
    for entity in ["parties", "sources", "claims", "statements", "evidence", "hypotheses", "ratings"] {
        let text = case.ok(&["report", entity, "--format", "csv"]);
        let file = fresh.write(&format!("{entity}.csv"), &text);
        let run = fresh.run(&["import", file.to_str().unwrap(), "--into", entity]);
        assert_eq!(run.code, 0, "{entity}: {}", run.stderr);
    }
    assert_eq!(
        fresh.ok(&["ach", "airspace", "--format", "csv"]),
        case.ok(&["ach", "airspace", "--format", "csv"])
    );
    assert_eq!(
        fresh.ok(&["report", "ratings", "--format", "json"]),
        case.ok(&["report", "ratings", "--format", "json"])
    );
    // Imported again, the same rows are unchanged.
    let again = fresh.run(&["import", fresh.path("ratings.csv").to_str().unwrap(), "--into", "ratings"]);
    assert!(again.stderr.contains("21 rows: 0 new, 0 updated, 21 unchanged"), "{}", again.stderr);
    fresh.ok(&["verify"]);
    case.ok(&["verify"]);
}
}

both_engines! {
fn the_shipped_case_weighs_the_airspace_incident_and_its_html_report_shows_the_matrix() {
    let case = Case::seeded();
    let m = matrix(&case, "air-patrol-2019-airspace-violated");
    // H1 deliberate, H2 error or malfunction, H3 no entry: least first.
    assert_eq!(&m[0][8..11], ["H2", "H1", "H3"]);
    // By hand: B3 items weigh 1, D3 and C6 items 1/√2.
    let h1 = 1.0 + 1.0 + FRAC_1_SQRT_2 + 1.0; // E59, E60 (TASS), E63 (Xinhua, D), E66 (KBS)
    let h2 = 1.0 + 1.0 + FRAC_1_SQRT_2 + FRAC_1_SQRT_2; // E59, E60, E63, E69 (Vietnam Times, C6)
    let h3 = 1.0 + 1.0 + 2.0 * FRAC_1_SQRT_2 + 1.0; // E53 (KBS), E54 (The Times), E56 and E58 (Jiji, D), E66
    assert_eq!(
        [cell(&m, "score", "H2"), cell(&m, "score", "H1"), cell(&m, "score", "H3")],
        [two_places(h2), two_places(h1), two_places(h3)]
    );
    assert_eq!(cell(&m, "E61", "diagnosticity"), "0");
    assert_eq!(cell(&m, "E66", "critical"), "without it: H1");
    // Where the governments stand.
    assert_eq!([cell(&m, "RU", "H3"), cell(&m, "CN", "H3"), cell(&m, "JP", "H3")], ["1", "2", "-2"]);
    assert_eq!(cell(&m, "KR", "H2"), "1.5");
    // Every rating and hypothesis says it is an example analysis.
    assert_eq!(
        case.count("SELECT count(*) FROM rating WHERE notes NOT LIKE 'Example analysis:%'"),
        0
    );
    assert_eq!(
        case.count("SELECT count(*) FROM hypothesis WHERE notes NOT LIKE 'Example analysis.%'"),
        0
    );
    assert_eq!(case.count("SELECT count(*) FROM rating"), 54);

    case.ok(&["report", "claims", "--format", "html", "--output", "case.html"]);
    let html = std::fs::read_to_string(case.path("case.html")).unwrap();
    let at = html.find("Competing hypotheses").expect("the matrix is in the HTML report");
    let section = &html[at..];
    for text in [
        "through a navigation error or an equipment malfunction",
        "appears to have entered an unplanned area due to an equipment malfunction",
        "without it: H1",
        "Weighted inconsistency, least first: H2 3.41, H1 3.71, H3 4.41.",
        "RU (ST40, ST42, ST43, ST44): its account fits H3 best; it is against H2 and H1.",
    ] {
        assert!(section.contains(text), "the HTML report lacks {text:?}");
    }
    assert_eq!(
        html.matches("Competing hypotheses").count(),
        1,
        "only the airspace claim has hypotheses"
    );
    let show = case.ok(&["claim", "show", "air-patrol-2019-airspace-violated"]);
    assert!(show.contains("Hypotheses (weighed by `crosscheck ach C13`)"), "{show}");
    assert!(show.contains("No Russian military aircraft entered the airspace"), "{show}");
    let md = case.ok(&["report", "claims", "--format", "md"]);
    assert!(md.contains("#### Competing hypotheses"), "the Markdown report has it too");
    case.ok(&["verify"]);
}
}

both_engines! {
/// The README's worked example: its commands, run as written, print the
/// matrix the README shows.
fn the_readme_worked_example_is_what_ach_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- ach worked example").expect("the README marks its worked example");
    let block = &readme[start..];
    let open = block.find("```sh\n").unwrap() + "```sh\n".len();
    let close = open + block[open..].find("```").unwrap();
    let script = &block[open..close];
    let text = block[close..].find("```text\n").unwrap() + close + "```text\n".len();
    let expected = &block[text..text + block[text..].find("```").unwrap()];

    let case = Case::empty();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_crosscheck")).parent().unwrap();
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(case.dir.path())
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()),
        )
        .env_remove("CROSSCHECK_DB")
        .env_remove("CROSSCHECK_ANALYST")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = &stdout[stdout.find("C1 airspace:").expect("ach's output")..];
    assert_eq!(printed, expected, "the README's matrix differs from what ach prints");
}
}

both_engines! {
fn imported_ratings_are_checked_like_typed_ones() {
    let case = example();
    let file = case.write(
        "ratings.csv",
        "hypothesis,item,rating,relevance,notes\nH1,E99,C,,missing item\nH1,E1,maybe,,bad word\n",
    );
    let err = case.fails(2, &["import", file.to_str().unwrap(), "--into", "ratings"]);
    assert!(
        err.contains("ratings.csv, line 2, column item: invalid item \"E99\": allowed: an evidence item or statement of this case"),
        "{err}"
    );
    // A second live rating of the same item against the same hypothesis is refused.
    let file = case.write("again.csv", "hypothesis,item,rating\nH1,E1,II\n");
    let err = case.fails(2, &["import", file.to_str().unwrap(), "--into", "ratings"]);
    assert!(err.contains("H1 already has a live rating of E1"), "{err}");
    let file = case.write("word.csv", "hypothesis,item,rating\nH1,ST1,maybe\n");
    let err = case.fails(2, &["import", file.to_str().unwrap(), "--into", "ratings"]);
    assert!(
        err.contains("column rating: invalid rating \"maybe\": allowed: CC very consistent"),
        "{err}"
    );
    assert_eq!(case.count("SELECT count(*) FROM rating"), 21);
}
}
