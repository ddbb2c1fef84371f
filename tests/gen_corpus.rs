//! The benchmark's corpus generator, small: its files import through the
//! real binary and are searchable in every script.

mod common;

use common::{Case, gen_corpus};

#[test]
fn a_small_corpus_imports_and_is_searchable() {
    let case = Case::corpus(20);
    let dir = case.path("corpus");
    assert_eq!(case.count("SELECT count(*) FROM source"), 100);
    assert_eq!(case.count("SELECT count(*) FROM claim"), 20);
    assert_eq!(case.count("SELECT count(*) FROM statement"), 60);
    assert_eq!(case.count("SELECT count(*) FROM evidence"), 40);
    assert_eq!(case.count("SELECT count(*) FROM search_index"), 220);
    for query in ["the", "и", "的", "は", "독도"] {
        let found = case.ok(&["search", query, "--format", "csv"]).lines().skip(1).count();
        assert!(found > 0, "nothing found for {query}");
    }
    // The same N gives the same files.
    let again = case.path("again");
    gen_corpus::generate(20, &again).unwrap();
    for name in ["sources.csv", "statements.csv"] {
        assert_eq!(std::fs::read(dir.join(name)).unwrap(), std::fs::read(again.join(name)).unwrap());
    }
}
