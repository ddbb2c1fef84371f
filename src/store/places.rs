//! Reading places and their names: the listings, and every live name with
//! the parties that use it, for the side-by-side view and `place show`.

use anyhow::Result;
use rusqlite::types::Value;

use super::Case;
use super::kind::Kind;
use super::listing::{Scope, equals, party_or_body, resolve};
use super::records::{Name, Place};
use super::search::name_key;
use crate::output::Cell;

/// The column of the place listing that holds its live names. The
/// importer skips it: names come in on their own (`import --into names`).
pub const NAMES_COLUMN: &str = "names";

/// Which places `place list` and `report places` show.
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    /// Places that have this name (matched as names are: case, accents and
    /// spacing aside).
    pub name: Option<String>,
}

/// Which names `name list` and `report names` show.
#[derive(Debug, Clone, Default)]
pub struct NameFilter {
    pub place: Option<String>,
    /// Names this party uses; a state includes its bodies.
    pub used_by: Option<String>,
    /// Names in this language (`ko` includes `ko-Latn`).
    pub language: Option<String>,
}

/// A party that uses a name: its id and code, and its state (or itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub code: String,
    pub root_id: i64,
    pub root: String,
}

/// One name of a place, with what readers need to see of it.
#[derive(Debug, Clone)]
pub struct NameLine {
    pub id: i64,
    pub place_id: i64,
    /// The place's slug.
    pub place: String,
    pub text: String,
    pub language: String,
    pub used_by: Vec<User>,
    pub reference: bool,
    /// The source as people type it, or "".
    pub source: String,
    pub notes: String,
    pub retracted: String,
}

impl Case {
    pub fn list_places(&self, filter: &PlaceFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        if let Some(name) = &filter.name {
            params.push(Value::Text(name_key(name)));
            parts.push(format!(
                "t.id IN (SELECT place_id FROM name WHERE folded = ?{} AND retracted = '')",
                params.len()
            ));
        }
        self.list::<Place>(&parts.join(" AND "), &params, scope, each)
    }

    pub fn list_names(&self, filter: &NameFilter, scope: &Scope, each: &mut dyn FnMut(i64, Vec<Cell>) -> Result<()>) -> Result<()> {
        let place = resolve(self, Kind::Place, &filter.place)?;
        let party = resolve(self, Kind::Party, &filter.used_by)?;
        let mut params = Vec::new();
        let mut parts = vec![scope.condition().to_string()];
        parts.push(equals("t.place_id", place.map(Value::Integer), &mut params));
        if party.is_some() {
            let by = party_or_body("CAST(j.value AS INTEGER)", party, &mut params);
            parts.push(format!("EXISTS (SELECT 1 FROM json_each(t.used_by) j WHERE {by})"));
        }
        if let Some(language) = &filter.language {
            params.push(Value::Text(language.clone()));
            let n = params.len();
            parts.push(format!(
                "(t.language = ?{n} OR substr(t.language, 1, length(?{n}) + 1) = ?{n} || '-')"
            ));
        }
        self.list::<Name>(&parts.join(" AND "), &params, scope, each)
    }

    /// The names of one place, or of every live place, oldest first;
    /// retracted names only when asked for.
    pub fn names(&self, place: Option<i64>, include_retracted: bool) -> Result<Vec<NameLine>> {
        let mut rows = Vec::new();
        let mut slugs = self.conn().prepare_cached("SELECT slug, retracted FROM place WHERE id = ?1")?;
        let mut party = self.conn().prepare_cached(
            "SELECT p.code, coalesce(pp.id, p.id), coalesce(pp.code, p.code) FROM party p
             LEFT JOIN party pp ON pp.id = p.parent_id WHERE p.id = ?1",
        )?;
        let condition = match (place, include_retracted) {
            (Some(_), true) => "t.place_id = ?1",
            (Some(_), false) => "t.place_id = ?1 AND t.retracted = ''",
            (None, _) => "t.retracted = ''",
        };
        let params: Vec<&dyn rusqlite::ToSql> = match &place {
            Some(id) => vec![id],
            None => Vec::new(),
        };
        let mut found: Vec<(i64, Name)> = Vec::new();
        super::Record::scan(self.conn(), condition, &params, |id, name: Name| {
            found.push((id, name));
            Ok(())
        })?;
        for (id, name) in found {
            let (slug, place_retracted): (String, String) = slugs.query_row([name.place_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if place.is_none() && !place_retracted.is_empty() {
                continue;
            }
            let mut used_by = Vec::new();
            for party_id in &name.used_by {
                let (code, root_id, root) = party.query_row([party_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                used_by.push(User {
                    id: *party_id,
                    code,
                    root_id,
                    root,
                });
            }
            let source = match name.source_id {
                Some(source) => self.reference(Kind::Source, source)?,
                None => String::new(),
            };
            rows.push(NameLine {
                id,
                place_id: name.place_id,
                place: slug,
                text: name.text,
                language: name.language,
                used_by,
                reference: name.reference,
                source,
                notes: name.notes,
                retracted: name.retracted,
            });
        }
        Ok(rows)
    }

    /// The live places that lie within a place: (id, slug).
    pub fn place_parts(&self, place: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, slug FROM place WHERE part_of_id = ?1 AND retracted = '' ORDER BY id")?;
        let rows = stmt
            .query_map([place], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<super::sql::Result<_>>()?;
        Ok(rows)
    }
}
