//! Tables read at any width: every line fits, handles, slugs, dates and codes
//! are never broken, prose wraps, and what cannot stand side by side is shown
//! one block per record.

mod common;

use std::collections::HashSet;

use common::{Case, csv_records};
use unicode_width::UnicodeWidthStr;

/// Each listing, with the columns its table shows that hold tokens.
const LISTINGS: [(&str, &[&str]); 5] = [
    ("statement", &["handle", "claim", "party", "stance", "said_on", "source", "figure"]),
    ("source", &["handle", "slug", "published", "kind", "reliability"]),
    ("claim", &["handle", "slug", "topic", "figure", "status"]),
    ("evidence", &["handle", "claim", "source", "relation", "credibility"]),
    ("party", &["handle", "code", "kind", "parent"]),
];

fn at_width(case: &Case, width: usize, args: &[&str]) -> String {
    let out = case.command(args).env("COLUMNS", width.to_string()).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of every cell of every line: what lies between the rules.
fn cells(table: &str) -> HashSet<String> {
    table
        .lines()
        .flat_map(|line| line.split(['│', '┆']).map(|cell| cell.trim().to_string()))
        .collect()
}

/// The handles in the order the table or the blocks show them.
fn handles(table: &str) -> Vec<String> {
    let expanded = table.starts_with("─[ RECORD 1 ]");
    table
        .lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split(['│', '┆']).map(str::trim).collect();
            match (expanded, parts.as_slice()) {
                (true, ["handle", value]) => Some(value.to_string()),
                (false, ["", first, ..]) if !first.is_empty() && *first != "handle" => Some(first.to_string()),
                _ => None,
            }
        })
        .collect()
}

fn column<'a>(records: &'a [Vec<String>], name: &str) -> impl Iterator<Item = &'a String> {
    let i = records[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    records[1..].iter().map(move |r| &r[i])
}

both_engines! {
fn every_listing_fits_the_width_and_keeps_its_tokens_whole() {
    let case = Case::seeded();
    for (listing, tokens) in LISTINGS {
        let records = csv_records(&case.ok(&[listing, "list", "--format", "csv"]));
        for width in [40, 80, 120, 200] {
            let table = at_width(&case, width, &[listing, "list"]);
            for line in table.lines() {
                assert!(
                    line.width() <= width,
                    "{listing} list at {width} columns has a line of {}:\n{line}\n{table}",
                    line.width()
                );
            }
            assert_eq!(
                handles(&table),
                column(&records, "handle").cloned().collect::<Vec<_>>(),
                "{listing} list at {width}: every record once, in order\n{table}"
            );
            // A token has a line of its own cell; only one wider than the
            // room beside the field names (at 40 columns) may be cut.
            let room = width - tokens.iter().chain(&["title"]).map(|h| h.len()).max().unwrap() - 3;
            let shown = cells(&table);
            for name in tokens {
                for token in column(&records, name).filter(|t| !t.is_empty() && t.width() <= room) {
                    assert!(
                        shown.contains(token),
                        "{listing} list at {width} columns breaks the {name} {token:?}:\n{table}"
                    );
                }
            }
        }
    }
}
}

both_engines! {
fn at_eighty_columns_listings_of_long_slugs_are_blocks_and_far_shorter() {
    let case = Case::seeded();
    let table = at_width(&case, 80, &["statement", "list"]);
    let records = csv_records(&case.ok(&["statement", "list", "--format", "csv"]));
    assert_eq!(
        table.lines().filter(|l| l.starts_with("─[ RECORD ")).count(),
        records.len() - 1,
        "{table}"
    );
    // The first record, field by field, in the table's columns.
    let fields = [
        "handle", "claim", "party", "stance", "said_on", "quote", "summary", "source", "figure", "unit",
    ];
    let block: Vec<&str> = table.lines().skip(1).take_while(|l| !l.starts_with('─')).collect();
    let names: Vec<&str> = block
        .iter()
        .map(|l| l.split('│').next().unwrap().trim())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(names, fields);
    for line in &block {
        assert!(
            line.starts_with(&format!("{:7} │", line.split('│').next().unwrap().trim())),
            "{line:?}"
        );
    }
    // 1,775 lines when every column had an equal share of the width.
    assert!(table.lines().count() < 900, "{} lines", table.lines().count());
}
}

both_engines! {
fn a_wide_terminal_gets_a_table_with_one_width_per_column() {
    let case = Case::seeded();
    let table = at_width(&case, 200, &["claim", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    let header: Vec<&str> = lines[1].split(['│', '┆']).map(str::trim).filter(|h| !h.is_empty()).collect();
    assert_eq!(header, ["handle", "slug", "text", "topic", "figure", "unit", "status"]);
    let width = lines[0].width();
    assert!(width <= 200);
    assert!(
        lines.iter().all(|l| l.width() == width),
        "every line as wide as the table:\n{table}"
    );
    assert!(lines[0].starts_with('┌') && lines.last().unwrap().starts_with('└'));
    // The slug column is exactly as wide as the longest slug.
    let slugs = csv_records(&case.ok(&["claim", "list", "--format", "csv"]));
    let longest = column(&slugs, "slug").map(|s| s.width()).max().unwrap();
    let slug_column = lines[0].split('┬').nth(1).unwrap().chars().count();
    assert_eq!(slug_column, longest + 2, "{}", lines[0]);
}
}

both_engines! {
fn expanded_gives_one_block_per_record_at_any_width() {
    let case = Case::seeded();
    let records = csv_records(&case.ok(&["party", "list", "--format", "csv"]));
    assert!(at_width(&case, 200, &["party", "list"]).starts_with('┌'), "a table when it fits");
    for flag in ["--expanded", "-x"] {
        let blocks = at_width(&case, 200, &["party", "list", flag]);
        let mut expected = String::new();
        let shown = [("handle", 0), ("code", 2), ("name", 3), ("kind", 4), ("parent", 5)];
        assert_eq!(shown.map(|(_, i)| records[0][i].as_str()), shown.map(|(name, _)| name));
        for (n, record) in records[1..].iter().enumerate() {
            // The rule runs as far as the longest line of the block; the
            // label is longer than the names, so it has no junction.
            let label = format!("─[ RECORD {} ]", n + 1);
            let longest = 6 + 3 + shown.iter().map(|(_, i)| record[*i].width()).max().unwrap();
            expected.push_str(&label);
            expected.push_str(&"─".repeat(longest.saturating_sub(label.chars().count())));
            expected.push('\n');
            for (name, i) in shown {
                expected.push_str(format!("{name:6} │ {}", record[i]).trim_end());
                expected.push('\n');
            }
        }
        assert_eq!(blocks, expected);
    }
}
}

both_engines! {
fn a_listing_longer_than_a_chunk_keeps_its_widths_and_starts_anew_for_a_wider_slug() {
    let case = Case::new();
    let mut csv = String::from("slug,title,kind\n");
    for i in 1..=1200 {
        let slug = if i == 1100 {
            "a-slug-much-longer-than-the-first-thousand".to_string()
        } else {
            format!("source-{i:04}")
        };
        csv.push_str(&format!("{slug},Source number {i} of a long listing,other\n"));
    }
    let file = case.write("sources.csv", &csv);
    case.ok(&["import", file.to_str().unwrap(), "--into", "sources"]);
    let table = at_width(&case, 140, &["source", "list"]);
    let headers = table.lines().filter(|l| l.starts_with("│ handle ")).count();
    assert_eq!(headers, 2, "the first 1,000 rows set the widths; the next chunk needs wider ones");
    let records = csv_records(&case.ok(&["source", "list", "--format", "csv"]));
    assert_eq!(handles(&table), column(&records, "handle").cloned().collect::<Vec<_>>());
    let shown = cells(&table);
    assert!(column(&records, "slug").all(|s| shown.contains(s)));
    let lines: Vec<&str> = table.lines().collect();
    let second = lines.iter().rposition(|l| l.starts_with('┌')).unwrap();
    assert!(
        lines[..second].iter().all(|l| l.width() == lines[0].width()),
        "one width for the first table"
    );
    assert!(lines[second..].iter().all(|l| l.width() == lines[second].width()));
    assert!(lines[second].width() <= 140 && lines[second].width() > lines[0].width());

    // Without the wide slug, one table from the first line to the last.
    case.ok(&[
        "source",
        "edit",
        "a-slug-much-longer-than-the-first-thousand",
        "--slug",
        "short",
        "--reason",
        "Shorter slug",
    ]);
    let table = at_width(&case, 140, &["source", "list"]);
    assert_eq!(table.lines().filter(|l| l.starts_with("│ handle ")).count(), 1);
    assert_eq!(table.lines().filter(|l| l.starts_with('└')).count(), 1);
    assert!(table.lines().all(|l| l.width() == table.lines().next().unwrap().width()));
}
}

both_engines! {
fn a_cell_with_no_space_is_never_wrapped_and_prose_wraps_between_words() {
    let case = Case::new();
    let slug = "a-sixty-character-slug-that-has-no-space-in-it-at-all-000000";
    assert_eq!(slug.len(), 60);
    case.ok(&[
        "source",
        "add",
        "A title long enough that at eighty columns it has to wrap over several lines of its column",
        "--slug",
        slug,
        "--publisher",
        "Publisher",
        "--kind",
        "official-statement",
    ]);
    // At 100 columns the slug, kind, headers and rules alone take 104: blocks.
    assert!(at_width(&case, 100, &["source", "list"]).starts_with("─[ RECORD 1 ]"));
    let table = at_width(&case, 160, &["source", "list"]);
    assert!(table.starts_with('┌'), "{table}");
    assert!(cells(&table).contains(slug), "{table}");
    assert!(cells(&table).contains("official-statement"), "{table}");
    // Below the top rule, the header and the rule under it.
    let words: Vec<&str> = table
        .lines()
        .skip(3)
        .filter_map(|l| l.split(['│', '┆']).nth(3))
        .flat_map(str::split_whitespace)
        .collect();
    assert!(table.lines().skip(3).filter(|l| l.starts_with('│')).count() > 2, "{table}");
    assert_eq!(
        words.join(" "),
        "A title long enough that at eighty columns it has to wrap over several lines of its column",
        "the title wraps between its words:\n{table}"
    );
}
}
