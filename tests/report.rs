//! Reports and ClaimReview export, through the real binary: every format,
//! the round trip through import, spreadsheet safety, HTML escaping and
//! atomic output.

mod common;

use common::{Case, csv_records};

const ENTITIES: [&str; 5] = ["parties", "sources", "claims", "statements", "evidence"];

/// The seeded case plus records whose values are hard to carry: Cyrillic,
/// CJK, Korean, quotes, commas, newlines (also CRLF), a leading tab, and text
/// a spreadsheet would run as a formula.
fn awkward_case() -> Case {
    let case = Case::seeded();
    case.ok(&[
        "party",
        "add",
        "lab-ru",
        "--name",
        "Лаборатория «Восток», \"中国研究\"",
        "--kind",
        "analyst",
        "--notes",
        "line one\nline two, with a comma\r\nand a CRLF",
    ]);
    case.ok(&[
        "source",
        "add",
        "中国的国防 — \"white\", paper\nsecond line",
        "--publisher",
        "=1+1",
        "--url",
        "https://example.org/a?b=1&c=2",
        "--copy-url",
        "https://mirror.example/x",
        "--published",
        "2019-07-24",
        "--language",
        "zh",
        "--kind",
        "white-paper",
        "--reliability",
        "B",
        "--notes",
        "+7 then -5",
        "--slug",
        "zh-paper",
    ]);
    case.ok(&[
        "claim",
        "add",
        "@SUM(A1) is \"not\" a claim,\nbut 東京 and Москва are",
        "--topic=-5",
        "--date",
        "2020-01",
        "--appeared-in",
        "+7 Daily, p. 3",
        "--figure",
        "1,234.5",
        "--unit",
        "km",
        "--slug",
        "formula-claim",
    ]);
    case.ok(&["mark", "formula-claim", "refuted", "--reason", "=HYPERLINK(\"http://x\",\"click\")"]);
    case.ok(&[
        "statement",
        "add",
        "formula-claim",
        "lab-ru",
        "disputes",
        "--quote",
        "\t=cmd|' /C calc'!A0",
        "--summary",
        "'=already escaped?",
        "--date",
        "2020-01-15",
        "--source",
        "zh-paper",
    ]);
    case.ok(&[
        "evidence",
        "add",
        "formula-claim",
        "zh-paper",
        "refutes",
        "--excerpt",
        "한국어 \"인용\"\r\n두 번째 줄",
        "--locator",
        "p. 3, ¶2",
        "--credibility",
        "2",
        "--notes",
        "@mention",
    ]);
    case
}

fn report(case: &Case, entity: &str, format: &str) -> String {
    case.ok(&["report", entity, "--format", format])
}

both_engines! {
/// Every record reported from one case, imported into a fresh one in order,
/// and reported again: the same bytes, in CSV, TSV, JSON and JSON lines.
fn every_report_imports_back_into_a_fresh_case_byte_for_byte() {
    let source = awkward_case();
    for format in ["csv", "json", "tsv", "jsonl"] {
        let fresh = Case::new();
        for entity in ENTITIES {
            let text = report(&source, entity, format);
            let file = fresh.write(&format!("{entity}.{format}"), &text);
            let run = fresh.run(&["import", file.to_str().unwrap(), "--into", entity]);
            assert_eq!(run.code, 0, "{format} {entity}: {}", run.stderr);
            assert!(run.stderr.contains(&format!("into {entity}")), "{}", run.stderr);
        }
        for entity in ENTITIES {
            assert_eq!(
                report(&fresh, entity, format),
                report(&source, entity, format),
                "{entity} as {format} differs after the round trip"
            );
        }
    }
    // The awkward values are really there, escaped in CSV and exact in JSON.
    let csv = report(&source, "sources", "csv");
    assert!(csv.contains("'=1+1") && csv.contains("'+7 then -5"), "{csv}");
    assert!(csv.contains("\"中国的国防 — \"\"white\"\", paper\nsecond line\""), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&report(&source, "statements", "json")).unwrap();
    let last = json.as_array().unwrap().last().unwrap();
    assert_eq!(last["quote"], "\t=cmd|' /C calc'!A0");
    assert_eq!(last["summary"], "'=already escaped?");
    let evidence: serde_json::Value = serde_json::from_str(&report(&source, "evidence", "json")).unwrap();
    assert_eq!(
        evidence.as_array().unwrap().last().unwrap()["excerpt"],
        "한국어 \"인용\"\r\n두 번째 줄"
    );
}
}

both_engines! {
/// A report of records is the listing itself: the same query, the same
/// columns, the same bytes.
fn record_reports_have_the_columns_of_their_listing() {
    let case = awkward_case();
    for (entity, list) in [
        ("parties", "party"),
        ("sources", "source"),
        ("statements", "statement"),
        ("evidence", "evidence"),
    ] {
        for format in ["csv", "tsv", "json", "jsonl"] {
            assert_eq!(
                report(&case, entity, format),
                case.ok(&[list, "list", "--format", format]),
                "report {entity} --format {format}"
            );
        }
    }
    assert_eq!(
        case.ok(&[
            "report",
            "statements",
            "--party",
            "RU",
            "--since",
            "2019-07",
            "--until",
            "2019-07-23"
        ]),
        case.ok(&[
            "statement",
            "list",
            "--party",
            "RU",
            "--since",
            "2019-07",
            "--until",
            "2019-07-23",
            "--format",
            "csv"
        ]),
    );
    // The claims report starts with exactly the claim listing's columns.
    let list = csv_records(&case.ok(&["claim", "list", "--format", "csv"]));
    let report = csv_records(&report(&case, "claims", "csv"));
    assert_eq!(&report[0][..list[0].len()], &list[0][..]);
    for (r, l) in report.iter().zip(&list).skip(1) {
        assert_eq!(&r[..l.len()], &l[..]);
    }
}
}

both_engines! {
fn the_claims_report_counts_evidence_and_gives_each_partys_stance() {
    let case = Case::seeded();
    let rows = csv_records(&report(&case, "claims", "csv"));
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    // The claim's fields as `claim list` writes them (checked above), then the counts.
    assert_eq!(header[10..15], ["status", "reason", "status_by", "status_at", "retracted"]);
    assert_eq!(header[15..19], ["supporting", "supporting_best", "refuting", "refuting_best"]);
    assert!(header[19..].iter().all(|h| h.starts_with("stance:")), "{header:?}");
    assert_eq!(header[19], "stance:RU", "the party with most statements first");
    let airspace = rows.iter().find(|r| r[col("slug")] == "air-patrol-2019-airspace-violated").unwrap();
    assert_eq!(airspace[col("status")], "disputed");
    assert_eq!(airspace[col("status_by")], "seed");
    assert!(!airspace[col("status_at")].is_empty());
    assert_eq!((&*airspace[col("supporting")], &*airspace[col("supporting_best")]), ("4", "B3"));
    assert_eq!((&*airspace[col("refuting")], &*airspace[col("refuting_best")]), ("4", "B3"));
    assert_eq!(
        airspace[col("stance:RU")],
        "denies; disputes; qualifies",
        "a state's column includes its bodies"
    );
    // Hua Chunying's remark was about Chinese aircraft in the ADIZ, and is
    // filed under the claim that the accusations were rejected.
    assert_eq!(airspace[col("stance:CN")], "denies");
    assert_eq!(airspace[col("stance:KR")], "affirms");
    assert_eq!(airspace[col("stance:JP")], "affirms");

    // Filters, and chosen party columns.
    let disputed = csv_records(&case.ok(&["report", "claims", "--status", "disputed", "--parties", "RU,KR"]));
    assert_eq!(disputed.len(), 4, "three disputed claims");
    assert_eq!(&disputed[0][19..], ["stance:RU", "stance:KR"]);
    let kr = csv_records(&case.ok(&["report", "claims", "--party", "KR", "--format", "csv"]));
    assert!(
        kr.len() > 1 && kr[1..].iter().all(|r| r[col("topic")].starts_with("air-patrol")),
        "{kr:?}"
    );
    let err = case.fails(2, &["report", "claims", "--since", "2019-13"]);
    assert!(err.contains("invalid since \"2019-13\"") && err.contains("YYYY-MM-DD"), "{err}");
    let err = case.fails(2, &["report", "claims", "--status", "true"]);
    assert!(
        err.contains("invalid status \"true\"") && err.contains("allowed: unverified"),
        "{err}"
    );
}
}

both_engines! {
/// OWASP CSV injection: a cell that begins with = + - @, a tab or a carriage
/// return gets a leading ' in CSV and TSV, unless --raw-cells; JSON is exact.
fn csv_and_tsv_cells_cannot_become_formulas() {
    let case = Case::new();
    for (i, text) in ["=1+1", "+7", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "plain"].iter().enumerate() {
        case.ok(&["claim", "add", "--slug", &format!("c{i}x"), "--", text]);
    }
    let escaped = ["'=1+1", "'+7", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "''=x", "plain"];
    let text_column = |rows: Vec<Vec<String>>| rows[1..].iter().map(|r| r[3].clone()).collect::<Vec<_>>();
    assert_eq!(text_column(csv_records(&report(&case, "claims", "csv"))), escaped);
    let tsv = report(&case, "claims", "tsv");
    let tsv_rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .from_reader(tsv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(text_column(tsv_rows), escaped);
    let raw = csv_records(&case.ok(&["report", "claims", "--format", "csv", "--raw-cells"]));
    assert_eq!(text_column(raw), ["=1+1", "+7", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "plain"]);
    let json: serde_json::Value = serde_json::from_str(&report(&case, "claims", "json")).unwrap();
    assert_eq!(json[0]["text"], "=1+1");
    // Import takes the apostrophe off again, so the text round-trips.
    let back = Case::new();
    let file = back.write("claims.csv", &report(&case, "claims", "csv"));
    back.ok(&["import", file.to_str().unwrap(), "--into", "claims"]);
    assert_eq!(
        back.sql("SELECT text FROM claim ORDER BY id").concat(),
        ["=1+1", "+7", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "plain"]
    );
}
}

both_engines! {
fn every_format_is_written() {
    let case = awkward_case();
    let csv = csv_records(&report(&case, "sources", "csv"));
    let tsv = report(&case, "sources", "tsv");
    assert_eq!(tsv.lines().next().unwrap().split('\t').collect::<Vec<_>>(), csv[0]);
    let json: serde_json::Value = serde_json::from_str(&report(&case, "sources", "json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), csv.len() - 1);
    let jsonl = report(&case, "sources", "jsonl");
    assert_eq!(jsonl.lines().count(), csv.len() - 1);
    for line in jsonl.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(row["handle"].as_str().unwrap().starts_with('S'));
    }
    let md = report(&case, "sources", "md");
    assert!(md.starts_with("# Sources\n"), "{md}");
    assert!(
        md.contains(&format!("| {} |", csv[0].join(" | ").replace('_', "\\_"))),
        "a Markdown table with the listing's columns"
    );
    assert!(
        md.contains("[copy: https://mirror.example/x](https://mirror.example/x)"),
        "a copy is marked as one"
    );
    assert_eq!(md.lines().filter(|l| l.starts_with("| S")).count(), csv.len() - 1);
    let html = report(&case, "sources", "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<th>handle</th><th>uuid</th><th>slug</th><th>title</th>"), "{html}");
    assert!(html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">"));
    assert_eq!(html.matches("<tr><td>S").count(), csv.len() - 1);
    // The format follows the output file's extension.
    for (name, starts) in [
        ("s.md", "# Sources"),
        ("s.html", "<!DOCTYPE html>"),
        ("s.json", "[\n{"),
        ("s.tsv", "handle\tuuid"),
    ] {
        case.ok(&["report", "sources", "--output", name]);
        let written = std::fs::read_to_string(case.path(name)).unwrap();
        assert!(written.starts_with(starts), "{name}: {}", &written[..40]);
    }
    let err = case.fails(2, &["report", "sources", "--output", "s.txt"]);
    assert!(err.contains("cannot tell the format") && err.contains("--format"), "{err}");
}
}

/// The HTML report is one self-contained page that prints well, with the
/// comparison, the timeline and each claim in detail, and every piece of
/// text escaped.
#[test]
fn the_html_report_is_self_contained_and_escapes_all_text() {
    let case = awkward_case();
    case.ok(&[
        "claim",
        "add",
        "<script>alert('x')</script> & \"<b>bold</b>\"",
        "--slug",
        "script-claim",
    ]);
    case.ok(&[
        "statement",
        "add",
        "script-claim",
        "RU",
        "denies",
        "--quote",
        "<img src=x onerror=alert(1)>",
        "--date",
        "2019-07-23",
    ]);
    case.ok(&[
        "statement",
        "add",
        "script-claim",
        "KR",
        "affirms",
        "--quote",
        "</svg><script>1</script>",
        "--date",
        "2019-07-24",
    ]);
    // A value that bypassed validation (written with the sqlite3 shell) is still no link.
    let conn = rusqlite::Connection::open(case.db()).unwrap();
    conn.execute("UPDATE source SET url = 'javascript:alert(1)' WHERE slug = 'zh-paper'", [])
        .unwrap();
    drop(conn);
    case.ok(&[
        "report",
        "claims",
        "--format",
        "html",
        "--output",
        "claims.html",
        "--title",
        "Vostok & <the> patrol",
    ]);
    let html = std::fs::read_to_string(case.path("claims.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("<b>"),
        "no markup from the data"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;&lt;b&gt;bold&lt;/b&gt;&quot;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("<title>Vostok &amp; &lt;the&gt; patrol</title>"));
    assert!(!html.contains("javascript:alert(1)\""), "not an address anyone can follow");
    // Self-contained: nothing is fetched, and the policy forbids it anyway.
    for outside in ["src=\"", "<link", "@import", "url(", "<iframe", "<object"] {
        assert!(!html.contains(outside), "{outside} in the page");
    }
    for href in html.split("href=\"").skip(1) {
        assert!(
            href.starts_with("http://") || href.starts_with("https://") || href.starts_with('#'),
            "href=\"{}",
            &href[..30.min(href.len())]
        );
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""));
    assert!(html.contains("@media print"));
    // The content: the comparison, the timeline as SVG, each claim in detail, sources.
    assert!(html.contains("<h2 id=\"compare\">Contested claims side by side</h2>"));
    assert!(html.contains("<h2 id=\"timeline\">Timeline of statements</h2>"));
    assert!(html.contains("<figure class=\"timeline\"><div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\""));
    let script_claim = &case.sql("SELECT id FROM claim WHERE slug = 'script-claim'")[0][0];
    assert!(html.contains(&format!(
        "<title>2019-07-23 · RU denies · C{script_claim} script-claim: &lt;img src=x onerror=alert(1)&gt;</title>"
    )));
    assert!(html.contains("<h3 id=\"air-patrol-2019-airspace-violated\">C13 air-patrol-2019-airspace-violated</h3>"));
    assert!(html.contains("<dt>Verdict</dt><dd><span class=\"word w-disputed\">disputed</span></dd><dt>Reason</dt><dd>South Korea"));
    assert!(html.contains("<span id=\"source-tass-2019-07-23-kobylash-aerial-hooliganism\"></span>"));
    assert!(html.contains("<a href=\"https://tass.com/politics/1070039\" rel=\"noopener noreferrer\">"));
    assert!(
        html.contains("copy, not the original: <a href=\"http://qiwenreping.com/"),
        "a copy is marked as one"
    );
    assert!(html.contains("<td>RU-MOD</td><td><span class=\"word w-denies\">denies</span></td>"));
    let comparison = &html[html.find("id=\"compare\"").unwrap()..html.find("id=\"timeline\"").unwrap()];
    assert!(comparison.contains("air-patrol-2019-airspace-violated") && comparison.contains("<th>KR</th>"));
    assert!(comparison.contains("spread: 50,000 to 300,000 (6×)"), "figures side by side");
}

both_engines! {
fn the_markdown_report_tells_the_same_story_as_plain_text() {
    let case = awkward_case();
    case.ok(&["claim", "add", "a | b *c* <b>d</b> [e](javascript:x)", "--slug", "md-claim"]);
    let md = case.ok(&["report", "claims", "--format", "md"]);
    for heading in [
        "# Claims and verdicts",
        "## Claims",
        "## Contested claims side by side",
        "## Timeline of statements",
        "## Claims in detail",
        "### C13 air-patrol-2019-airspace-violated",
        "#### Statements",
        "#### Evidence",
        "## Sources",
    ] {
        assert!(md.lines().any(|l| l == heading), "{heading} missing");
    }
    assert!(
        md.contains("a \\| b \\*c\\* \\<b\\>d\\</b\\> \\[e\\](javascript:x)"),
        "markup in the data is escaped"
    );
    assert!(md.contains("- 2019-07-23 — **RU-MOD** denies (C13 air-patrol-2019-airspace-violated): "));
    assert!(md.contains("- **Verdict:** **refuted**"));
    assert!(md.contains(
        "| tass-2019-07-23-kobylash-aerial-hooliganism | Russia calls South Korean military pilots' actions 'aerial hooliganism' | TASS |"
    ));
    assert!(md.contains("<https://tass.com/politics/1070039>"));
}
}

both_engines! {
/// --output writes a temporary file in the same folder and renames it: the
/// target is replaced whole or not at all, and no temporary file stays.
fn output_is_written_atomically() {
    let case = Case::seeded();
    let files = |case: &Case| {
        let mut names: Vec<String> = std::fs::read_dir(case.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("case.db"))
            .collect();
        names.sort();
        names
    };
    // The rename target exists: it is replaced by the whole new report.
    case.write("claims.csv", "old contents\n");
    case.ok(&["report", "claims", "--output", "claims.csv"]);
    assert_eq!(
        std::fs::read_to_string(case.path("claims.csv")).unwrap(),
        report(&case, "claims", "csv")
    );
    assert_eq!(files(&case), ["claims.csv"]);
    // A report that fails while it is being written leaves the target as it was and no temporary file.
    let err = case.fails(3, &["report", "statements", "--claim", "C999", "--output", "claims.csv"]);
    assert!(err.contains("no claim \"C999\""), "{err}");
    assert_eq!(
        std::fs::read_to_string(case.path("claims.csv")).unwrap(),
        report(&case, "claims", "csv")
    );
    case.fails(3, &["report", "evidence", "--source", "nowhere", "--output", "evidence.html"]);
    assert_eq!(files(&case), ["claims.csv"], "no half file, no temporary file");
    // A folder that does not exist, or a folder where a file should be.
    let err = case.fails(3, &["report", "claims", "--output", "missing/claims.csv"]);
    assert!(err.contains("no folder \"missing\": create it first"), "{err}");
    // The same message and exit code for a case file in a missing folder.
    let db_err = case.fails(3, &["--db", "missing/x.db", "init"]);
    assert_eq!(db_err, err);
    assert!(!case.path("missing").exists());
    std::fs::create_dir(case.path("out")).unwrap();
    let err = case.fails(2, &["report", "claims", "--format", "csv", "--output", "out"]);
    assert!(err.contains("out is a folder"), "{err}");
    assert_eq!(files(&case), ["claims.csv", "out"]);
    assert_eq!(std::fs::read_dir(case.path("out")).unwrap().count(), 0);
}
}

both_engines! {
fn claimreview_export_gives_google_what_it_requires() {
    let case = Case::seeded();
    case.ok(&["claim", "add", "</script><b>x</b> & more", "--slug", "tricky"]);
    case.ok(&["mark", "tricky", "supported", "--reason", "Two sources agree"]);
    let out = case.ok(&[
        "export",
        "claimreview",
        "--url-base",
        "https://desk.example/report.html#",
        "--publisher-name",
        "Example Desk",
        "--publisher-url",
        "https://desk.example",
        "--claim-author",
        "Joining Forces",
        "--output",
        "reviews.json",
    ]);
    assert!(out.is_empty());
    let text = std::fs::read_to_string(case.path("reviews.json")).unwrap();
    assert!(!text.contains('<') && !text.contains('>'), "safe inside a script element");
    let reviews: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reviews = reviews.as_array().unwrap();
    let statuses = case.sql("SELECT count(*) FROM claim WHERE status IN ('supported', 'misleading', 'refuted', 'disputed')");
    assert_eq!(
        reviews.len().to_string(),
        statuses[0][0],
        "every claim with a verdict but unverifiable"
    );
    for review in reviews {
        assert_eq!(review["@context"], "https://schema.org");
        assert_eq!(review["@type"], "ClaimReview");
        assert!(review["claimReviewed"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(review["url"].as_str().unwrap().starts_with("https://desk.example/report.html#"));
        assert_eq!(
            review["author"],
            serde_json::json!({"@type": "Organization", "name": "Example Desk", "url": "https://desk.example"})
        );
        assert_eq!(review["itemReviewed"]["@type"], "Claim");
        // The claim's claimant, from the case; --claim-author is the default for claims without one.
        let author = review["itemReviewed"]["author"]["name"].as_str().unwrap();
        assert!(["Joining Forces (2019 article)", "Joining Forces"].contains(&author), "{author}");
        assert_eq!(review["reviewRating"]["@type"], "Rating");
        assert!(review["reviewRating"]["alternateName"].is_string());
        assert!(review["datePublished"].as_str().unwrap().len() == 10);
    }
    let by_url = |slug: &str| {
        reviews
            .iter()
            .find(|r| r["url"] == format!("https://desk.example/report.html#{slug}"))
            .unwrap_or_else(|| panic!("no review of {slug}"))
    };
    let rating = |slug: &str| by_url(slug)["reviewRating"].clone();
    assert_eq!(
        rating("tricky"),
        serde_json::json!({"@type": "Rating", "alternateName": "Supported", "ratingValue": 5, "bestRating": 5, "worstRating": 1, "ratingExplanation": "Two sources agree"})
    );
    assert_eq!(by_url("tricky")["claimReviewed"], "</script><b>x</b> & more");
    assert_eq!(
        by_url("tricky")["itemReviewed"]["author"]["name"],
        "Joining Forces",
        "no claimant: the default"
    );
    assert_eq!(
        by_url("vostok-2018-troops")["itemReviewed"]["author"]["name"],
        "Joining Forces (2019 article)",
        "the claimant the case gives"
    );
    assert_eq!(rating("vostok-2018-equipment")["ratingValue"], 2, "misleading");
    assert_eq!(rating("vostok-2018-troops")["alternateName"], "Disputed");
    assert!(
        rating("vostok-2018-troops").get("ratingValue").is_none(),
        "disputed is not a point on the scale"
    );
    let item = &by_url("vostok-2018-troops")["itemReviewed"];
    assert_eq!(item["datePublished"], "2019");
    assert_eq!(
        item["appearance"]["name"],
        "Joining Forces: Russia and China are Fostering Military Cooperation (2019 article)"
    );

    // Named claims; unverifiable only when asked; errors that say what is missing.
    let two: serde_json::Value =
        serde_json::from_str(&case.ok(&["export", "claimreview", "C6", "C33", "--url-base", "https://d.example/f"])).unwrap();
    assert_eq!(two[0]["url"], "https://d.example/f/vostok-2018-troops");
    assert_eq!(two[1]["reviewRating"]["alternateName"], "Unverifiable");
    let err = case.fails(2, &["export", "claimreview"]);
    assert!(err.contains("url-base is required") && err.contains("--url-base https://"), "{err}");
    let err = case.fails(2, &["export", "claimreview", "C10", "--url-base", "https://d.example/"]);
    assert!(err.contains("C10 has no verdict yet (unverified)"), "{err}");
    let err = case.fails(2, &["export", "claimreview", "--url-base", "ftp://d.example/"]);
    assert!(err.contains("invalid url-base \"ftp://d.example/\""), "{err}");
    let err = case.fails(
        2,
        &[
            "export",
            "claimreview",
            "--url-base",
            "https://d.example/",
            "--publisher-url",
            "https://d.example",
        ],
    );
    assert!(err.contains("publisher-name is required"), "{err}");
}
}
