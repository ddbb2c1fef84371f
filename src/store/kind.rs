//! Each kind of record, declared once: its handle prefix, table, the name
//! people type for it, how it is imported and searched. Handles, import,
//! listings, search, history and verify all read this table; adding a kind
//! is one entry here, its `Record` impl (records.rs) and one migration.

/// The kinds of record that have handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Party,
    Source,
    Claim,
    Statement,
    Evidence,
    Hypothesis,
    Rating,
    Place,
    Name,
}

/// What is declared about one kind.
#[derive(Debug)]
pub struct Spec {
    pub kind: Kind,
    /// The handle's prefix: C for C3.
    pub prefix: &'static str,
    /// The table, and the word used in history and messages.
    pub table: &'static str,
    /// The plural: what `import --into` and `report` call the kind.
    pub plural: &'static str,
    /// The column that holds the name people type, where there is one.
    pub key_column: Option<&'static str>,
    /// The forms a reference may take, for errors.
    pub forms: &'static str,
    /// Searched columns: the main text, and the rest. `None`: not searched.
    /// The position in `SEARCHED` is the kind's code in the index's rowid.
    pub search: Option<(&'static [&'static str], &'static [&'static str])>,
}

/// Every kind, in the order references need them (a statement refers to a
/// claim, a party and a source, so those come first).
pub const SPECS: &[Spec] = &[
    Spec {
        kind: Kind::Party,
        prefix: "P",
        table: "party",
        plural: "parties",
        key_column: Some("code"),
        forms: "a party code such as RU or RU-MOD, a handle such as P7, or a UUID",
        search: None,
    },
    Spec {
        kind: Kind::Source,
        prefix: "S",
        table: "source",
        plural: "sources",
        key_column: Some("slug"),
        forms: "a source handle such as S12, its slug, or its UUID",
        search: Some((&["title"], &["publisher", "notes"])),
    },
    Spec {
        kind: Kind::Claim,
        prefix: "C",
        table: "claim",
        plural: "claims",
        key_column: Some("slug"),
        forms: "a claim handle such as C3, its slug, or its UUID",
        search: Some((&["text"], &["topic", "appeared_in"])),
    },
    Spec {
        kind: Kind::Statement,
        prefix: "ST",
        table: "statement",
        plural: "statements",
        key_column: None,
        forms: "a statement handle such as ST4, or its UUID",
        search: Some((&["quote", "summary"], &["speaker"])),
    },
    Spec {
        kind: Kind::Evidence,
        prefix: "E",
        table: "evidence",
        plural: "evidence",
        key_column: None,
        forms: "an evidence handle such as E5, or its UUID",
        search: Some((&["excerpt"], &[])),
    },
    Spec {
        kind: Kind::Hypothesis,
        prefix: "H",
        table: "hypothesis",
        plural: "hypotheses",
        key_column: None,
        forms: "a hypothesis handle such as H1, or its UUID",
        search: Some((&["text"], &["notes"])),
    },
    Spec {
        kind: Kind::Rating,
        prefix: "R",
        table: "rating",
        plural: "ratings",
        key_column: None,
        forms: "a rating handle such as R3, or its UUID",
        search: None,
    },
    Spec {
        kind: Kind::Place,
        prefix: "PL",
        table: "place",
        plural: "places",
        key_column: Some("slug"),
        forms: "a place handle such as PL1, its slug, or its UUID",
        search: None,
    },
    Spec {
        kind: Kind::Name,
        prefix: "N",
        table: "name",
        plural: "names",
        key_column: None,
        forms: "a name handle such as N4, or its UUID",
        search: None,
    },
];

/// The searched kinds in the order of their code in the search index's
/// rowid: a record's rowid is its id times `STRIDE` plus this position (the
/// view search_text, migrations/0004_corrections.sql and, with hypotheses,
/// 0005_hypotheses.sql). The order is part of the file format: a new
/// searched kind goes at the end.
pub const SEARCHED: [Kind; 5] = [Kind::Claim, Kind::Statement, Kind::Source, Kind::Evidence, Kind::Hypothesis];

/// How many searched kinds the index's keys have room for.
pub const STRIDE: i64 = 16;

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Party,
        Kind::Source,
        Kind::Claim,
        Kind::Statement,
        Kind::Evidence,
        Kind::Hypothesis,
        Kind::Rating,
        Kind::Place,
        Kind::Name,
    ];

    pub fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.kind == self).expect("every kind is declared in SPECS")
    }

    pub fn prefix(self) -> &'static str {
        self.spec().prefix
    }

    /// The table, and the word used in history and messages.
    pub fn table(self) -> &'static str {
        self.spec().table
    }

    pub fn plural(self) -> &'static str {
        self.spec().plural
    }

    pub fn key_column(self) -> Option<&'static str> {
        self.spec().key_column
    }

    pub fn forms(self) -> &'static str {
        self.spec().forms
    }

    pub fn list_command(self) -> String {
        format!("crosscheck {} list", self.table())
    }

    pub fn from_table(table: &str) -> Option<Kind> {
        SPECS.iter().find(|s| s.table == table).map(|s| s.kind)
    }

    /// Reads `claims`, `claim` or `Claims`.
    pub fn from_name(name: &str) -> Option<Kind> {
        let name = name.trim().to_ascii_lowercase();
        SPECS.iter().find(|s| s.table == name || s.plural == name).map(|s| s.kind)
    }

    /// The kind's code in the search index, where it is searched.
    pub fn search_code(self) -> Option<i64> {
        SEARCHED.iter().position(|k| *k == self).map(|i| i as i64)
    }

    /// The allowed plurals, for errors: "parties, sources, claims, statements, evidence".
    pub fn plurals() -> String {
        SPECS.iter().map(|s| s.plural).collect::<Vec<_>>().join(", ")
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.table())
    }
}

/// The handle of a record: `C3`.
pub fn handle(kind: Kind, id: i64) -> String {
    format!("{}{id}", kind.prefix())
}

/// Reads a typed handle such as `ST4` into its kind and number.
pub fn parse_typed(text: &str) -> Option<(Kind, i64)> {
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = text.split_at(split);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let prefix = prefix.to_ascii_uppercase();
    let kind = SPECS.iter().find(|s| s.prefix == prefix)?.kind;
    Some((kind, digits.parse().ok()?))
}

/// True for text shaped like a handle, leading zeros and all: `C3`, `c03`,
/// `ST0`. A slug or code of that shape would be read as another record's
/// handle, or be told from one only by its zeros.
pub fn looks_like_handle(text: &str) -> bool {
    let Some(split) = text.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let (prefix, digits) = text.split_at(split);
    digits.bytes().all(|b| b.is_ascii_digit()) && SPECS.iter().any(|s| s.prefix.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_handles_parse_by_prefix() {
        assert_eq!(parse_typed("C3"), Some((Kind::Claim, 3)));
        assert_eq!(parse_typed("st12"), Some((Kind::Statement, 12)));
        assert_eq!(parse_typed("S1"), Some((Kind::Source, 1)));
        assert_eq!(parse_typed("h2"), Some((Kind::Hypothesis, 2)));
        assert_eq!(parse_typed("R7"), Some((Kind::Rating, 7)));
        assert_eq!(parse_typed("C03"), None);
        assert_eq!(parse_typed("RU"), None);
        assert_eq!(parse_typed("vostok-2018"), None);
        assert_eq!(parse_typed("X9"), None);
        for shaped in ["C3", "C01", "c0", "ST004", "p7", "E5"] {
            assert!(looks_like_handle(shaped), "{shaped}");
        }
        for not in ["RU", "C3a", "vostok-2018", "X9", "C", "STE5"] {
            assert!(!looks_like_handle(not), "{not}");
        }
        assert_eq!(parse_typed("PL1"), Some((Kind::Place, 1)));
        assert_eq!(parse_typed("N4"), Some((Kind::Name, 4)));
    }

    #[test]
    fn every_kind_is_declared_once_with_a_distinct_prefix_and_table() {
        assert_eq!(SPECS.len(), Kind::ALL.len());
        for kind in Kind::ALL {
            assert_eq!(SPECS.iter().filter(|s| s.kind == kind).count(), 1, "{kind:?}");
            assert_eq!(Kind::from_table(kind.table()), Some(kind));
            assert_eq!(Kind::from_name(kind.plural()), Some(kind));
            assert_eq!(kind.spec().search.is_some(), kind.search_code().is_some());
            assert!(kind.search_code().is_none_or(|code| code < STRIDE));
        }
        let mut prefixes: Vec<&str> = SPECS.iter().map(|s| s.prefix).collect();
        prefixes.sort();
        prefixes.dedup();
        assert_eq!(prefixes.len(), SPECS.len());
    }
}
