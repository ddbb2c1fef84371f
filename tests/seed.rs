//! The shipped case quotes people only in their own words: the rule of
//! seed/README.md, checked mechanically where it can be, on the case as
//! `init --seed` loads it.

mod common;

use std::collections::HashMap;

use common::{Case, csv_records};

/// The rows of a CSV listing as maps from column to value.
fn records(csv: &str) -> Vec<HashMap<String, String>> {
    let rows = csv_records(csv);
    rows[1..]
        .iter()
        .map(|row| rows[0].iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

/// Openings by which a source reports what someone said: its narration,
/// never the speaker's own words.
const REPORTING: &[&str] = &[
    "according to",
    "as reported",
    "reportedly",
    "как сообщается",
    "по данным",
    "по словам",
    "по сообщению",
    "据",
    "据报道",
    "보도에 따르면",
    "によると",
];

both_engines! {
fn every_direct_quote_has_a_speaker_and_is_no_source_narration() {
    let case = Case::seeded();
    let statements = records(&case.ok(&["statement", "list", "--format", "csv"]));
    assert!(statements.len() > 50, "{}", statements.len());
    let mut direct = 0;
    for s in &statements {
        let kind = s["quote_kind"].as_str();
        assert!(["direct", "reported"].contains(&kind), "{}: quote_kind {kind:?}", s["uuid"]);
        if kind != "direct" || s["quote"].is_empty() {
            continue;
        }
        direct += 1;
        assert!(
            !s["speaker"].trim().is_empty(),
            "{}: a direct quote without a speaker: {:?}",
            s["uuid"],
            s["quote"]
        );
        let opening = s["quote"].trim_start_matches(['"', '«', '“', '„', ' ']).to_lowercase();
        for verb in REPORTING {
            assert!(
                !opening.starts_with(verb),
                "{}: a direct quote that opens with the source's reporting ({verb:?}): {:?}",
                s["uuid"],
                s["quote"]
            );
        }
    }
    assert!(
        direct >= 10,
        "the case keeps the speakers' own words where the notes give them: {direct}"
    );
}
}

both_engines! {
fn the_rows_the_audit_named_are_reported_speech_or_the_speakers_own_words() {
    let case = Case::seeded();
    let statements = records(&case.ok(&["statement", "list", "--format", "csv"]));
    let by_prefix = |prefix: &str| {
        statements
            .iter()
            .find(|s| s["uuid"].starts_with(prefix))
            .unwrap_or_else(|| panic!("no statement {prefix}"))
    };
    // Reported speech: a source's sentence, never a minister's quote.
    for prefix in [
        "009d1a54", "ca0492a2", "8f6c7327", "b1603bd7", "bcc37170", "29fbb31f", "7de801e4", "cac2cd4e", "af57d65f", "356757c3", "afd817b8",
        "f2890685", "f9110fc4", "cb6ca3d6",
    ] {
        assert_eq!(by_prefix(prefix)["quote_kind"], "reported", "{prefix}");
    }
    // Medvedev said none of the aggregator's sentence.
    assert_eq!(by_prefix("009d1a54")["speaker"], "");
    // The Atlantic Council's account, not Russia's ministry.
    assert_eq!(by_prefix("ca0492a2")["party"], "atlantic-council");
    // Shoigu's own words of 28 August, not the site's.
    let shoigu = by_prefix("6afb1dff");
    assert_eq!(shoigu["quote_kind"], "direct");
    assert!(shoigu["quote"].contains("Zapad-81"), "{:?}", shoigu["quote"]);
    assert!(!shoigu["quote"].contains("крупнейшими"), "{:?}", shoigu["quote"]);
    assert_eq!(by_prefix("7de801e4")["quote"], "Russia has expressed deep regret");
    assert_eq!(by_prefix("5fe8216b")["said_on"], "2019-08-05");
    // Hua Chunying spoke of the ADIZ, not of a Russian plane in the airspace.
    assert_ne!(by_prefix("5e70613c")["claim"], "air-patrol-2019-airspace-violated");
}
}

both_engines! {
fn the_verdicts_the_audit_named_follow_the_evidence() {
    let case = Case::seeded();
    let claims = records(&case.ok(&["claim", "list", "--format", "csv"]));
    let status = |prefix: &str| {
        claims
            .iter()
            .find(|c| c["uuid"].starts_with(prefix))
            .unwrap_or_else(|| panic!("no claim {prefix}"))["status"]
            .clone()
    };
    assert_eq!(status("2ef60804"), "disputed", "the ranking rests on the disputed 300,000");
    assert_eq!(status("6b989bad"), "supported", "TASS: over the neutral waters of the Sea of Japan");
    // Every claim says who made it, and every verdict when and by whom.
    for c in &claims {
        assert!(!c["claimant"].is_empty(), "{}", c["uuid"]);
        if c["status"] != "unverified" {
            assert!(!c["reason"].is_empty() && !c["status_by"].is_empty(), "{}", c["uuid"]);
            assert_eq!(c["status_at"].len(), 24, "{}: {:?}", c["uuid"], c["status_at"]);
        }
    }
}
}

both_engines! {
fn the_shipped_verdicts_keep_their_own_dates_in_claimreview() {
    let case = Case::seeded();
    let claims = records(&case.ok(&["claim", "list", "--format", "csv"]));
    let out = case.ok(&["export", "claimreview", "--url-base", "https://desk.example/vostok.html#"]);
    let reviews: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reviews = reviews.as_array().unwrap();
    assert!(reviews.len() > 15, "{}", reviews.len());
    for review in reviews {
        let slug = review["url"].as_str().unwrap().rsplit('#').next().unwrap();
        let claim = claims
            .iter()
            .find(|c| c["slug"] == slug)
            .unwrap_or_else(|| panic!("no claim {slug}"));
        // The date the seed gives the verdict, not the day it was installed.
        assert_eq!(review["datePublished"], claim["status_at"][..10], "{slug}");
        assert_eq!(review["itemReviewed"]["author"]["name"], claim["claimant"].as_str(), "{slug}");
    }
}
}

both_engines! {
fn reports_show_reported_speech_as_the_sources_account() {
    let case = Case::seeded();
    case.ok(&["report", "claims", "--format", "html", "--output", "case.html"]);
    let html = std::fs::read_to_string(case.path("case.html")).unwrap();
    // KBS's own sentence, credited to KBS, without quotation marks.
    assert!(
        html.contains("according to KBS World: Russia has expressed deep regret"),
        "reported speech as such"
    );
    assert!(!html.contains("“Russia has expressed deep regret”"), "never as a quote");
    // Shoigu's own words stand in quotation marks.
    assert!(
        html.contains("“In some ways, they resemble the Zapad-81 drills"),
        "direct speech in quotation marks"
    );
    let md = case.ok(&["report", "statements", "--format", "md"]);
    assert!(
        md.contains("according to KBS World: Russia has expressed deep regret"),
        "the statements report too"
    );
    let csv = case.ok(&["report", "statements", "--format", "csv"]);
    assert!(
        !csv.contains("according to KBS World"),
        "files for scripts keep the quote as stored"
    );
    let compare = case.ok(&["compare", "--format", "csv"]);
    assert!(
        compare.contains("according to KBS World: Russia has expressed deep regret"),
        "{compare}"
    );
}
}
