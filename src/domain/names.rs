//! Which places a text names, and in whose words: the names of places found
//! in claims and statements, for `claim show`, `compare --names` and the
//! reports. A name is found as search matches it (case, accents and
//! spacing aside; Chinese, Japanese and Korean inside longer runs), so a
//! statement that says "Dokdo (Takeshima)" uses both names.

use std::collections::HashMap;

use anyhow::Result;

use crate::store::places::NameLine;
use crate::store::search::{Token, contains_name, tokens};
use crate::store::{Case, Kind, format_handle};

/// Every live name of every live place, ready to be found in text.
#[derive(Debug, Default)]
pub struct Gazetteer {
    names: Vec<(NameLine, Vec<Token>)>,
    /// Names by their first word, so that a text is read once, not once a name.
    by_first_word: HashMap<String, Vec<usize>>,
    /// Names that begin with Chinese, Japanese or Korean letters.
    cjk: Vec<usize>,
}

/// What one place is called, by whom: the rows of `claim show`'s places
/// and of `compare --names`.
#[derive(Debug, Clone)]
pub struct PlaceNames {
    pub place_id: i64,
    /// `PL1 liancourt-rocks`.
    pub place: String,
    /// Each party that uses a name of the place, with those names, in the
    /// order the names were recorded.
    pub by_party: Vec<(crate::store::places::User, Vec<String>)>,
    /// The neutral or reference names.
    pub reference: Vec<String>,
    /// Names no party is recorded as using and that are not the reference.
    pub other: Vec<String>,
}

impl Gazetteer {
    pub fn load(case: &Case) -> Result<Gazetteer> {
        let mut gazetteer = Gazetteer::default();
        for line in case.names(None, false)? {
            let tokens = tokens(&line.text);
            let index = gazetteer.names.len();
            match tokens.first() {
                Some(Token::Word(word)) => gazetteer.by_first_word.entry(word.clone()).or_default().push(index),
                Some(Token::Cjk(_)) => gazetteer.cjk.push(index),
                None => continue,
            }
            gazetteer.names.push((line, tokens));
        }
        Ok(gazetteer)
    }

    /// The names a text uses, in the order they were recorded.
    pub fn found_in(&self, text: &str) -> Vec<&NameLine> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let words = tokens(text);
        let mut hits: Vec<usize> = Vec::new();
        let has_cjk = words.iter().any(|t| matches!(t, Token::Cjk(_)));
        for token in &words {
            if let Token::Word(word) = token
                && let Some(candidates) = self.by_first_word.get(word)
            {
                hits.extend(candidates.iter().filter(|i| contains_name(&words, &self.names[**i].1)));
            }
        }
        if has_cjk {
            hits.extend(self.cjk.iter().filter(|i| contains_name(&words, &self.names[**i].1)));
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|i| &self.names[i].0).collect()
    }

    /// The places these texts name, in the order names were recorded.
    pub fn places_in<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
        let mut places: Vec<(usize, i64)> = Vec::new();
        for text in texts {
            for line in self.found_in(text) {
                if !places.iter().any(|(_, p)| *p == line.place_id) {
                    places.push((self.first_name(line.place_id), line.place_id));
                }
            }
        }
        places.sort_unstable();
        places.into_iter().map(|(_, p)| p).collect()
    }

    /// The position of a place's first recorded name.
    fn first_name(&self, place: i64) -> usize {
        self.names.iter().position(|(l, _)| l.place_id == place).unwrap_or(0)
    }

    /// Who calls a place what.
    pub fn place_names(&self, place: i64) -> PlaceNames {
        let mut names = PlaceNames {
            place_id: place,
            place: String::new(),
            by_party: Vec::new(),
            reference: Vec::new(),
            other: Vec::new(),
        };
        for (line, _) in self.names.iter().filter(|(l, _)| l.place_id == place) {
            names.place = format!("{} {}", format_handle(Kind::Place, place), line.place);
            for user in &line.used_by {
                match names.by_party.iter_mut().find(|(u, _)| u.id == user.id) {
                    Some((_, texts)) => texts.push(line.text.clone()),
                    None => names.by_party.push((user.clone(), vec![line.text.clone()])),
                }
            }
            if line.reference {
                names.reference.push(line.text.clone());
            } else if line.used_by.is_empty() {
                names.other.push(line.text.clone());
            }
        }
        names
    }
}

/// What a comparison's rows name, gathered as they pass: the places their
/// claims and statements name, and the names each column's statements use.
/// It grows with the case's names, not with its rows, so that a comparison
/// of every claim streams.
#[derive(Debug, Default)]
pub struct Seen {
    /// The places named, by the position of their first recorded name.
    places: Vec<(usize, i64)>,
    /// Each (place, column): the names its statements use, as (text, label),
    /// in the order first used.
    used: Vec<((i64, String), Vec<UsedName>)>,
}

/// A name as a statement uses it: its text, and its label (`Dokdo (KR)`).
type UsedName = (String, String);

impl Seen {
    /// What these rows name.
    pub fn of(gazetteer: &Gazetteer, rows: &[crate::domain::compare::Row]) -> Seen {
        let mut seen = Seen::default();
        for row in rows {
            seen.add(gazetteer, row);
        }
        seen
    }

    /// Adds what one row's claim and statements name.
    pub fn add(&mut self, gazetteer: &Gazetteer, row: &crate::domain::compare::Row) {
        for place in gazetteer.places_in(std::iter::once(row.text.as_str())) {
            self.place(gazetteer, place);
        }
        for account in &row.accounts {
            for line in gazetteer.found_in(&account.words) {
                self.place(gazetteer, line.place_id);
                let key = (line.place_id, account.column.clone());
                let at = match self.used.iter().position(|(k, _)| *k == key) {
                    Some(at) => at,
                    None => {
                        self.used.push((key, Vec::new()));
                        self.used.len() - 1
                    }
                };
                let name = (line.text.clone(), label(line));
                if !self.used[at].1.contains(&name) {
                    self.used[at].1.push(name);
                }
            }
        }
    }

    fn place(&mut self, gazetteer: &Gazetteer, place: i64) {
        if !self.places.iter().any(|(_, p)| *p == place) {
            self.places.push((gazetteer.first_name(place), place));
        }
    }
}

/// The places a comparison's claims and statements name, with who calls
/// each what.
pub fn in_comparison(gazetteer: &Gazetteer, seen: &Seen) -> Vec<PlaceNames> {
    let mut places = seen.places.clone();
    places.sort_unstable();
    places.into_iter().map(|(_, place)| gazetteer.place_names(place)).collect()
}

/// A name as readers see it, with whose it is: `Dokdo (KR)`,
/// `Liancourt Rocks (reference)`, `southern Kurils`.
pub fn label(line: &NameLine) -> String {
    match whose(line) {
        whose if whose.is_empty() => line.text.clone(),
        whose => format!("{} ({whose})", line.text),
    }
}

/// Whose name it is: the parties that use it, and `reference` for the
/// neutral or reference name: `KR`, `JP, RU`, `reference`, or "".
pub fn whose(line: &NameLine) -> String {
    let mut whose: Vec<&str> = line.used_by.iter().map(|u| u.code.as_str()).collect();
    if line.reference {
        whose.push("reference");
    }
    whose.join(", ")
}

/// The names a statement's words use, labelled, joined with ", ".
pub fn used(gazetteer: &Gazetteer, words: &str) -> String {
    gazetteer.found_in(words).into_iter().map(label).collect::<Vec<_>>().join(", ")
}

impl PlaceNames {
    /// The names of the parties that belong in a column: the party itself,
    /// its bodies, and (for the `others` column) everyone in no other
    /// column.
    pub fn in_column(&self, column: &str, columns: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (user, texts) in &self.by_party {
            let here = if column == crate::domain::compare::OTHERS {
                !columns.iter().any(|c| *c == user.code || *c == user.root)
            } else {
                column == user.code || column == user.root
            };
            if here {
                for text in texts {
                    if !out.contains(text) {
                        out.push(text.clone());
                    }
                }
            }
        }
        out
    }

    /// A cell of the names row of a comparison: the names the column's
    /// parties use for the place, then the names of others that the
    /// column's statements use (a Russian statement that says "Sea of
    /// Japan"), each with whose it is.
    pub fn cell(&self, seen: &Seen, column: &str, columns: &[String], separator: &str) -> String {
        let own = self.in_column(column, columns);
        let mut others: Vec<String> = Vec::new();
        let key = (self.place_id, column.to_string());
        for (text, shown) in seen.used.iter().filter(|(k, _)| *k == key).flat_map(|(_, names)| names) {
            if !own.contains(text) && !others.contains(shown) {
                others.push(shown.clone());
            }
        }
        let mut parts = Vec::new();
        if !own.is_empty() {
            parts.push(own.join(", "));
        }
        if !others.is_empty() {
            parts.push(format!("its statements say: {}", others.join(", ")));
        }
        parts.join(separator)
    }

    /// Whose names they are, and which: each party's (`KR`, "Dokdo, 독도"),
    /// then `reference` and `no party recorded`.
    pub fn lines(&self) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = self
            .by_party
            .iter()
            .map(|(user, texts)| (user.code.clone(), texts.join(", ")))
            .collect();
        lines.extend(self.unclaimed_lines());
        lines
    }

    /// The names no party claims: "reference: Liancourt Rocks".
    pub fn unclaimed(&self) -> Vec<String> {
        self.unclaimed_lines().map(|(whose, names)| format!("{whose}: {names}")).collect()
    }

    fn unclaimed_lines(&self) -> impl Iterator<Item = (String, String)> + '_ {
        [("reference", &self.reference), ("no party recorded", &self.other)]
            .into_iter()
            .filter(|(_, names)| !names.is_empty())
            .map(|(whose, names)| (whose.to_string(), names.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        let mut case = Case::memory().unwrap();
        let writer = case.write("test").unwrap();
        writer.load_seed().unwrap();
        writer.commit().unwrap();
        Gazetteer::load(&case).unwrap()
    }

    #[test]
    fn names_are_found_whole_in_any_script_and_case() {
        let g = gazetteer();
        let found = |text: &str| g.found_in(text).into_iter().map(|l| l.text.clone()).collect::<Vec<_>>();
        assert_eq!(found("more than 25 km from the Dokdo (Takeshima) Islands"), ["Dokdo", "Takeshima"]);
        assert_eq!(found("러시아 군용기가 독도는 영공"), ["독도"]);
        assert_eq!(found("竹島の領空"), ["竹島"]);
        assert_eq!(found("near the LIANCOURT  rocks"), ["Liancourt Rocks"]);
        assert_eq!(found("Dokdos and Takeshimas"), Vec::<String>::new(), "whole words only");
        assert_eq!(found("the Liancourt area"), Vec::<String>::new(), "every word of the name");
    }
}
