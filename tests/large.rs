//! At the size of a real desk's case: a report for readers shows at most
//! `IN_FULL` claims in full and says what it leaves out, its timeline counts
//! statements when there are too many to draw, and `compare` writes every
//! contested claim as it reads it. The case is the benchmark's corpus,
//! small: 400 claims, 2,000 sources, 1,200 statements, 800 evidence links.

mod common;

use common::{Case, csv_records};

/// The most claims a page shows in full (report/claims.rs `IN_FULL`).
const IN_FULL: usize = 200;

fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).unwrap_or_else(|| panic!("{from} in the page"));
    let end = start + text[start..].find(to).unwrap_or_else(|| panic!("{to} after {from}"));
    &text[start..end]
}

#[test]
fn a_report_of_more_claims_than_a_page_shows_says_what_it_leaves_out() {
    let case = Case::corpus(400);
    let run = case.run(&["report", "claims", "--format", "html", "--output", "claims.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "wrote 400 claims to claims.html, 200 of them in full (a page shows at most 200 in full)\n"
    );
    let html = std::fs::read_to_string(case.path("claims.html")).unwrap();
    let summary = between(&html, "<section class=\"summary\"", "</section>");
    assert!(
        summary.contains(
            "<p class=\"left-out\">This page shows 200 of these 400 claims in full: the 200 most contested (the most parties on another \
             side than the largest, then the most parties, then the earliest handle). The verdict counts and the timeline cover all 400. \
             To see others in full, narrow the report with <span class=\"flag\">--status,</span> <span class=\"flag\">--topic,</span> \
             <span class=\"flag\">--party</span> or <span class=\"flag\">--since/--until;</span> <span class=\"flag\">--format</span> \
             csv writes every claim.</p>"
        ),
        "{summary}"
    );
    // The verdict counts cover every claim.
    let counted: usize = summary
        .match_indices("<span class=\"count\">")
        .map(|(at, tag)| {
            let rest = &summary[at + tag.len()..];
            rest[..rest.find('<').unwrap()].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(counted, 400);

    // The claims table, the details and the sources: the claims shown in full.
    let claims = between(&html, "<h2 id=\"claims\">", "<h2 id=\"compare\">");
    assert_eq!(claims.matches("<tr><td class=\"text c-claim\">").count(), IN_FULL);
    let details = between(&html, "<h2 id=\"details\">", "<h2 id=\"sources\">");
    assert_eq!(details.matches("<h3 id=").count(), IN_FULL);
    // Beyond 50 claims, each claim's section starts folded (no script).
    assert_eq!(details.matches("<details class=\"section\"><summary><h3 id=").count(), IN_FULL);
    assert!(!html.contains("<script"));
    // The most contested of the summary are among them, and every link
    // from the summary and the comparison reaches a section of the page.
    let contested = between(summary, "<ol class=\"contested\">", "</ol>");
    for (at, _) in contested.match_indices("<a href=\"#") {
        let id = &contested[at + 10..];
        let id = &id[..id.find('"').unwrap()];
        assert!(details.contains(&format!("<h3 id=\"{id}\">")), "{id} is shown in full");
    }
    let ids: std::collections::HashSet<&str> = html
        .match_indices(" id=\"")
        .map(|(at, tag)| {
            let id = &html[at + tag.len()..];
            &id[..id.find('"').unwrap()]
        })
        .collect();
    for (at, _) in html.match_indices("href=\"#") {
        let id = &html[at + 7..];
        let id = &id[..id.find('"').unwrap()];
        assert!(ids.contains(id), "a link to #{id} leads nowhere");
    }

    // The timeline: 1,200 dated statements, counted by party and year, in
    // marks bounded by the chart's width, not by the number of statements.
    let timeline = between(&html, "<figure class=\"timeline\">", "</figure>");
    let dated = case.count("SELECT count(*) FROM statement WHERE said_on <> ''");
    assert!(dated > 1000, "{dated}");
    assert!(
        timeline.contains(&format!(
            "There are {} dated statements, too many to draw one by one",
            dated
                .to_string()
                .as_bytes()
                .rchunks(3)
                .rev()
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(",")
        )),
        "{}",
        &timeline[timeline.len() - 800..]
    );
    let marks = timeline.matches("<rect").count() + timeline.matches("<circle").count();
    assert!(marks < 2000, "{marks} marks");
    assert!(timeline.len() < 600_000, "a timeline of {} bytes", timeline.len());
    assert!(
        !timeline.contains("<a href"),
        "no mark stands for one statement of a claim shown in full"
    );
    // The whole page stays a page.
    assert!(html.len() < 4_000_000, "a page of {} bytes", html.len());

    // Markdown says the same, and counts the statements by year.
    let md = case.ok(&["report", "claims", "--format", "md"]);
    assert!(md.contains("This page shows 200 of these 400 claims in full"), "{md:.2000}");
    assert_eq!(md.lines().filter(|l| l.starts_with("### C")).count(), IN_FULL);
    let timeline = between(&md, "## Timeline of statements", "## Claims in detail");
    assert!(timeline.contains("dated statements, too many to list one by one"), "{timeline}");
    let years = timeline.lines().filter(|l| l.starts_with("- ")).count();
    assert!((1..=40).contains(&years), "a line a year: {timeline}");

    // The help says it too.
    let help = case.ok(&["report", "claims", "--help"]);
    assert!(
        help.contains(&format!(
            "A Markdown or HTML page shows at most {IN_FULL} claims in full, the most contested"
        )),
        "{help}"
    );

    // Narrowed to fewer claims than a page holds, the report shows them all.
    let disputed = case.count("SELECT count(*) FROM claim WHERE status = 'disputed'") as usize;
    assert!(disputed < IN_FULL);
    let html = case.ok(&["report", "claims", "--status", "disputed", "--format", "html"]);
    assert!(!html.contains("class=\"left-out\""));
    assert_eq!(
        between(&html, "<h2 id=\"details\">", "<h2 id=\"sources\">")
            .matches("<h3 id=")
            .count(),
        disputed
    );
}

#[test]
fn compare_writes_every_contested_claim_in_every_format() {
    let case = Case::corpus(400);
    let contested = case.count(
        "SELECT count(*) FROM claim WHERE retracted = '' AND (status = 'disputed'
           OR (SELECT count(DISTINCT stance) FROM statement s WHERE s.claim_id = claim.id AND s.retracted = '') > 1)",
    ) as usize;
    assert!(contested > IN_FULL, "{contested}");
    let csv = csv_records(&case.ok(&["compare", "--format", "csv"]));
    assert_eq!(csv.len(), 1 + contested);
    assert_eq!(&csv[0][..3], ["claim", "text", "status"]);
    assert_eq!(csv[0].last().unwrap(), "figures");
    let json: serde_json::Value = serde_json::from_str(&case.ok(&["compare", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), contested);
    let jsonl = case.ok(&["compare", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), contested);
    for (line, claim) in jsonl.lines().zip(json.as_array().unwrap()) {
        assert_eq!(&serde_json::from_str::<serde_json::Value>(line).unwrap(), claim);
    }
    // The statements of every contested claim are there, in their columns.
    let accounts: usize = json
        .as_array()
        .unwrap()
        .iter()
        .map(|claim| {
            claim["parties"]
                .as_object()
                .unwrap()
                .values()
                .map(|a| a.as_array().unwrap().len())
                .sum::<usize>()
        })
        .sum();
    let statements = case.count(
        "SELECT count(*) FROM statement s JOIN claim ON claim.id = s.claim_id WHERE s.retracted = '' AND claim.retracted = ''
           AND (claim.status = 'disputed' OR (SELECT count(DISTINCT stance) FROM statement t WHERE t.claim_id = claim.id AND t.retracted = '') > 1)",
    ) as usize;
    assert_eq!(accounts, statements);
    let table = case.ok(&["compare"]);
    assert!(table.contains("verdict: disputed"));
}
