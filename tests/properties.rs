//! Property tests through the real binary: any text a user can type goes in
//! with `source add`, comes out of `source list --format csv` as a valid
//! CSV cell that a spreadsheet will not run, and goes back in through the
//! importer exactly. (The parsers' own properties are unit tests in
//! src/model.rs and src/output.rs.)

mod common;

use common::{Case, csv_records};
use proptest::prelude::*;

/// Text as users paste it, weighted towards what breaks CSV and spreadsheets:
/// quotes, separators, line breaks, formula starts, escapes, any script.
/// (A command-line argument cannot hold NUL; the importer tests cover it.)
fn text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '=', '+', '-', '@', '\'', '"', ',', ';', '\t', '\n', '\r', '\u{1b}', '\u{202e}', ' ', 'é', 'я', '中', '\u{feff}',
    ]);
    let any_char = any::<char>().prop_filter("NUL cannot be an argument", |c| *c != '\0');
    prop::collection::vec(prop_oneof![special, any_char], 0..24).prop_map(String::from_iter)
}

/// `output::unescape_formula`, as a reader of the CSV undoes the apostrophe
/// put before a cell that a spreadsheet would run.
fn unescape_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_round_trips_through_csv_and_the_importer(
        title in text().prop_filter("a title is required", |t| !t.trim().is_empty()),
        publisher in text(),
        notes in text(),
    ) {
        let case = Case::new();
        let added = case.run(&["source", "add", &format!("--publisher={publisher}"), &format!("--notes={notes}"), "--", &title]);
        prop_assert_eq!(added.code, 0, "{}", added.stderr);

        let csv = case.ok(&["source", "list", "--format", "csv"]);
        let records = csv_records(&csv);
        let header = &records[0];
        let row = &records[1];
        let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap()].clone();
        for (name, value) in [("title", &title), ("publisher", &publisher), ("notes", &notes)] {
            let written = cell(name);
            prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']), "{} cell {:?} would run in a spreadsheet", name, written);
            prop_assert_eq!(unescape_formula(&written), value.as_str());
        }

        // Back in through the importer, into another case: the same values.
        let file = case.path("sources.csv");
        let mut writer = csv::Writer::from_path(&file).unwrap();
        let keep: Vec<usize> = (0..header.len()).filter(|i| header[*i] != "handle").collect();
        writer.write_record(keep.iter().map(|i| &header[*i])).unwrap();
        writer.write_record(keep.iter().map(|i| &row[*i])).unwrap();
        writer.flush().unwrap();
        let other = Case::new();
        let imported = other.run(&["import", file.to_str().unwrap(), "--into", "sources"]);
        prop_assert_eq!(imported.code, 0, "{}", imported.stderr);
        prop_assert_eq!(
            other.sql("SELECT uuid, title, publisher, notes FROM source"),
            case.sql("SELECT uuid, title, publisher, notes FROM source")
        );
    }
}
