//! Full-text search in every script, with SQLite FTS5.
//!
//! FTS5's unicode61 tokenizer splits words at spaces and punctuation, folds
//! case and (with remove_diacritics) accents: right for Latin and Cyrillic.
//! Chinese and Japanese have no spaces, and Korean attaches particles to its
//! words (독도는, 독도에), so unicode61 keeps a whole run of CJK text as one
//! word, and a search for 竹島 or 독도 inside a sentence finds nothing. The
//! trigram tokenizer finds substrings but cannot match a query shorter than
//! three characters, and the words that matter most here are two: 독도,
//! 竹島, 演习. A custom tokenizer would have to be written in C against
//! FTS5's tokenizer API and registered on every connection, and the sqlite3
//! shell could then not even open the index.
//!
//! So crosscheck turns text into index text in Rust before FTS5 sees it:
//! Latin, Cyrillic and every other script pass through unchanged for
//! unicode61, and each run of CJK characters becomes its overlapping
//! two-character words plus its last character on its own (竹島問題 becomes
//! `竹島 島問 問題 題`). A query goes through the same transformation, so a
//! two-character query is one word of the index, a longer one a phrase of
//! two-character words, and a one-character one a prefix. The index is
//! contentless: the transformed text is not readable, so it is not stored;
//! snippets are cut from the records' own text (the `search_text` view).
//!
//! On PostgreSQL the index is a `tsvector` per record under a GIN index, made
//! here from the same index text: its words as unicode61 finds them (runs of
//! letters and digits), folded as it folds them (`fold`), with positions,
//! so that a query matches the same records. A query is the same terms as a
//! `tsquery`: phrases with `<->`, prefixes with `:*`. Ranking is
//! PostgreSQL's `ts_rank` with the same weight for the main text, so scores
//! differ from SQLite's bm25.

use std::borrow::Cow;
use std::ops::Range;

use super::sql::{Connection, params};
use anyhow::{Context, Result};
use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::kind::{Kind, SEARCHED as KINDS, STRIDE};
use super::record::Record;
use super::{Case, Writer};
use crate::error::UserError;

/// The index's definition, as migrations/0003_search.sql made it; `rebuild`
/// makes it anew from this.
const CREATE_INDEX: &str = "CREATE VIRTUAL TABLE search_index USING fts5 (
    main, more, content = '', tokenize = 'unicode61 remove_diacritics 2')";

/// Fills the index from the records' text, in one statement.
const FILL_INDEX: &str = "INSERT INTO search_index (rowid, main, more)
    SELECT key, cc_search_text(main), cc_search_text(more) FROM search_text";

/// How a match in the main text (a claim's text, a quote, a title, an
/// excerpt) weighs against one in the rest (topic, speaker, publisher, notes).
const RANK: &str = "bm25(search_index, 2.0, 1.0)";

/// True for the letters of Chinese, Japanese and Korean: Han ideographs,
/// kana and Hangul. Their punctuation (、。「」・) is not a letter and stays a
/// word boundary, as unicode61 treats it.
fn is_cjk(c: char) -> bool {
    // Most letters are below the first CJK block: one comparison for them.
    if (c as u32) < 0x1100 {
        return false;
    }
    matches!(c as u32,
        0x1100..=0x11FF        // Hangul Jamo
        | 0x3005..=0x3007      // 々 〆 〇
        | 0x3041..=0x30FF      // Hiragana, Katakana
        | 0x3131..=0x318F      // Hangul compatibility Jamo
        | 0x31F0..=0x31FF      // Katakana phonetic extensions
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xA960..=0xA97F      // Hangul Jamo extended A
        | 0xAC00..=0xD7FF      // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF66..=0xFF9F      // halfwidth Katakana
        | 0x20000..=0x323AF // CJK extensions B to H
    ) && c.is_alphanumeric()
}

/// A piece of text: a run of CJK letters, or anything else.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece<'a> {
    Cjk(&'a str),
    Other(&'a str),
}

fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let cjk = is_cjk(first);
        let end = rest.char_indices().find(|(_, c)| is_cjk(*c) != cjk).map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(if cjk { Piece::Cjk(piece) } else { Piece::Other(piece) })
    })
}

/// Writes a CJK run's overlapping two-character words, space-separated.
fn push_bigrams(out: &mut String, run: &str) {
    let mut chars = run.char_indices().peekable();
    while let Some((i, _)) = chars.next() {
        if let Some(&(j, next)) = chars.peek() {
            out.push_str(&run[i..j + next.len_utf8()]);
            out.push(' ');
        }
    }
}

fn last_char(run: &str) -> &str {
    let start = run.char_indices().next_back().map_or(0, |(i, _)| i);
    &run[start..]
}

/// False when UTF-8 text holds no CJK letter, told from its bytes alone:
/// every CJK letter is U+1100 or above, so its UTF-8 starts with a byte of
/// 0xE1 or more. Most text is passed on without a look at its letters.
pub fn may_hold_cjk(text: &[u8]) -> bool {
    // The largest byte, without stopping early: the compiler makes it a
    // few vector instructions, where `any` tests a byte at a time.
    text.iter().copied().max().unwrap_or(0) >= 0xE1
}

/// The text as the index holds it: CJK runs as overlapping two-character
/// words followed by their last character, everything else unchanged.
pub fn index_text(text: &str) -> Cow<'_, str> {
    if !may_hold_cjk(text.as_bytes()) || !text.chars().any(is_cjk) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() * 2);
    for piece in pieces(text) {
        match piece {
            Piece::Other(other) => out.push_str(other),
            Piece::Cjk(run) => {
                out.push(' ');
                push_bigrams(&mut out, run);
                out.push_str(last_char(run));
                out.push(' ');
            }
        }
    }
    Cow::Owned(out)
}

/// The words of a text in index form (`index_text`, or a query's term) as
/// the index holds them: runs of letters and digits, folded.
fn lexemes(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            // PostgreSQL keeps words of up to 2,047 bytes: a longer one is
            // cut, in the index and in queries alike.
            let mut word = fold(w);
            while word.len() > 2_000 {
                word.pop();
            }
            word
        })
        .collect()
}

/// A word as a `tsvector` or `tsquery` lexeme: quoted, quotes and
/// backslashes escaped.
fn quoted_lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

/// A record's entry in PostgreSQL's index, from the values it is written
/// with; None for a kind that is not searched.
pub(crate) fn document<R: Record>(values: &[ToSqlOutput<'_>]) -> Option<String> {
    let (_, main, more) = searched_text::<R>(values)?;
    Some(document_of(&main, &more))
}

/// A `tsvector` literal of a record's main text (weight A) and the rest
/// (weight B, its positions after the main text's): the words of their
/// index text with their positions (the highest PostgreSQL keeps is 16,383).
fn document_of(main: &str, more: &str) -> String {
    let main = lexemes(&index_text(main));
    let more = lexemes(&index_text(more));
    let shift = main.len().min(16_383);
    let words = main.iter().enumerate().map(|(i, w)| (w, (i + 1).min(16_383), 'A'));
    let rest = more.iter().enumerate().map(|(i, w)| (w, (shift + i + 1).min(16_383), 'B'));
    words
        .chain(rest)
        .map(|(w, position, weight)| format!("{}:{position}{weight}", quoted_lexeme(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes (or replaces) an entry of PostgreSQL's index: its key and its
/// `document`.
const POSTGRES_ENTRY: &str = "INSERT INTO search_index (rowid, doc) VALUES (?1, CAST(CAST(?2 AS text) AS tsvector))
    ON CONFLICT (rowid) DO UPDATE SET doc = EXCLUDED.doc";

/// A record's searchable text, main and rest, taken from the values it was
/// just written with (in the order of `R::COLUMNS`), so that indexing a
/// record costs no read of what was just written.
fn searched_text<R: Record>(values: &[ToSqlOutput<'_>]) -> Option<(i64, String, String)> {
    let code = R::KIND.search_code()?;
    let (main, more) = R::KIND.spec().search?;
    let column = |name: &str| -> &str {
        let value = R::COLUMNS.iter().position(|c| *c == name).map(|i| &values[i]);
        match value {
            Some(ToSqlOutput::Borrowed(ValueRef::Text(t))) => std::str::from_utf8(t).unwrap_or_default(),
            Some(ToSqlOutput::Owned(Value::Text(t))) => t,
            _ => "",
        }
    };
    let join = |names: &[&str]| names.iter().map(|n| column(n)).collect::<Vec<_>>().join("\n");
    Some((code, join(main), join(more)))
}

/// How a query in which words stand for every name of a place is ranked:
/// like bm25 (lower is better, the same column weights), without bm25's
/// inverse document frequency (`rank_without_idf`).
const RANK_ACROSS_NAMES: &str = "cc_rank(search_index, 2.0, 1.0)";

/// Registers `cc_rank` on a connection: BM25 without the inverse document
/// frequency, for queries that search every name of a place.
///
/// bm25 weighs each phrase of a query by how few records hold it, and to
/// know that it reads the whole list of every phrase before the first row
/// (FTS5's xQueryPhrase). For a place's six names in a case of a million
/// sources that is every record that names the place, whatever the window:
/// on the benchmark's case bm25 took 32 ms or more before its first row for
/// the names of the Liancourt Rocks, where walking the newest 5,001 matches
/// took 1.1 to 1.4 ms (BENCHMARKS.md). Across the names of one place that weight is
/// wrong besides: a record that says Dokdo would outrank one that says
/// Takeshima only because Dokdo is rarer in the case. So such queries are
/// ranked by term frequency and length alone, as bm25 ranks a one-word query.
pub fn add_rank_function(conn: &rusqlite::Connection) -> Result<()> {
    use std::ffi::c_void;
    let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
    let pointer = ToSqlOutput::Pointer((&mut api as *mut *mut ffi::fts5_api as *const c_void, c"fts5_api_ptr", None));
    conn.query_row("SELECT fts5(?1)", [pointer], |_| Ok(()))?;
    // SAFETY: SQLite wrote a pointer to its FTS5 API, valid as long as the
    // connection; the function has no user data to free.
    let created = unsafe {
        match api.as_ref().and_then(|a| a.xCreateFunction) {
            Some(create) => create(api, c"cc_rank".as_ptr(), std::ptr::null_mut(), Some(rank_without_idf), None),
            None => ffi::SQLITE_ERROR,
        }
    };
    if created != ffi::SQLITE_OK {
        anyhow::bail!("cannot register the search ranking function (SQLite error {created})");
    }
    Ok(())
}

/// FTS5 calls this for each row of a query that asks for `cc_rank`.
unsafe extern "C" fn rank_without_idf(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_values: std::ffi::c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes its API, the context of the current row, and the
    // function's arguments after the table's name: `n_values` of them.
    let weights: Vec<f64> = (0..n_values.max(0) as usize)
        .map(|i| unsafe { ffi::sqlite3_value_double(*values.add(i)) })
        .collect();
    match unsafe { api.as_ref() }.map(|api| unsafe { rank_row(api, fts, &weights) }) {
        Some(Ok(rank)) => unsafe { ffi::sqlite3_result_double(ctx, rank) },
        Some(Err(code)) => unsafe { ffi::sqlite3_result_error_code(ctx, code) },
        None => unsafe { ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE) },
    }
}

/// BM25 of the current row with every phrase's weight 1: for each phrase,
/// its occurrences (each counted with its column's weight) against the
/// row's length, with bm25's k1 = 1.2 and b = 0.75, summed and negated.
///
/// # Safety
/// `api` and `fts` must be what FTS5 passed to the function for this row.
unsafe fn rank_row(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context, weights: &[f64]) -> Result<f64, std::ffi::c_int> {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let ok = |code: std::ffi::c_int| if code == ffi::SQLITE_OK { Ok(()) } else { Err(code) };
    let (Some(phrase_count), Some(inst_count), Some(inst), Some(column_size), Some(row_count), Some(total_size)) = (
        api.xPhraseCount,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
        api.xRowCount,
        api.xColumnTotalSize,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: the callers' promise: FTS5's own functions on its own context.
    unsafe {
        let mut frequency = vec![0.0f64; phrase_count(fts).max(0) as usize];
        let mut instances = 0;
        ok(inst_count(fts, &mut instances))?;
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0, 0, 0);
            ok(inst(fts, i, &mut phrase, &mut column, &mut offset))?;
            let weight = usize::try_from(column).ok().and_then(|c| weights.get(c)).copied().unwrap_or(1.0);
            if let Some(f) = usize::try_from(phrase).ok().and_then(|p| frequency.get_mut(p)) {
                *f += weight;
            }
        }
        let (mut length, mut rows, mut total) = (0, 0i64, 0i64);
        ok(column_size(fts, -1, &mut length))?;
        ok(row_count(fts, &mut rows))?;
        ok(total_size(fts, -1, &mut total))?;
        let average = if rows > 0 && total > 0 { total as f64 / rows as f64 } else { 1.0 };
        let norm = K1 * (1.0 - B + B * f64::from(length) / average);
        let score: f64 = frequency.iter().filter(|f| **f > 0.0).map(|f| f * (K1 + 1.0) / (f + norm)).sum();
        Ok(-score)
    }
}

/// Adds a new record to the index: `Record::insert` calls it for every row
/// it writes. Parties are not searched, and nothing happens for them.
pub fn index<R: Record>(conn: &Connection, values: &[ToSqlOutput<'_>], id: i64) -> Result<()> {
    write::<R>(conn, values, id, "INSERT")
}

/// Replaces a record's entry after its text may have changed: `Record::update`
/// calls it with the values the record had and has. The index is
/// contentless and keeps no copy of the text, so an entry is taken out with
/// FTS5's 'delete' command and the text it was made from (the
/// `contentless_delete` option would spare that, but SQLite before 3.43, as
/// Debian 12's sqlite3 and Python's module, cannot open such an index).
pub fn reindex<R: Record>(conn: &Connection, old: &[ToSqlOutput<'_>], values: &[ToSqlOutput<'_>], id: i64) -> Result<()> {
    let (Some(before), Some(after)) = (searched_text::<R>(old), searched_text::<R>(values)) else {
        return Ok(());
    };
    if before == after {
        return Ok(());
    }
    if conn.is_postgres() {
        // The new entry replaces the old one by its key.
        return write::<R>(conn, values, id, "INSERT");
    }
    let (code, main, more) = before;
    let sql = super::record::statement_text("search_index", "delete", || {
        "INSERT INTO search_index (search_index, rowid, main, more) VALUES ('delete', ?1, ?2, ?3)".to_string()
    });
    conn.prepare_cached(sql)?
        .execute(params![id * STRIDE + code, index_text(&main), index_text(&more)])
        .map_err(damaged)
        .with_context(|| format!("cannot update the search index for {}", super::kind::handle(R::KIND, id)))?;
    write::<R>(conn, values, id, "INSERT")
}

fn write<R: Record>(conn: &Connection, values: &[ToSqlOutput<'_>], id: i64, insert: &'static str) -> Result<()> {
    let Some((code, main, more)) = searched_text::<R>(values) else {
        return Ok(());
    };
    // VALUES, not INSERT ... SELECT: SQLite runs an INSERT into a virtual
    // table from a SELECT through a temporary table, which made importing
    // three times slower.
    if conn.is_postgres() {
        conn.execute(POSTGRES_ENTRY, params![id * STRIDE + code, document_of(&main, &more)])?;
        return Ok(());
    }
    let sql = super::record::statement_text("search_index", insert, || {
        format!("{insert} INTO search_index (rowid, main, more) VALUES (?1, ?2, ?3)")
    });
    conn.prepare_cached(sql)?
        .execute(params![id * STRIDE + code, index_text(&main), index_text(&more)])
        .map_err(damaged)
        .with_context(|| format!("cannot update the search index for {}", super::kind::handle(R::KIND, id)))?;
    Ok(())
}

/// Indexes the rows an import inserted, in one statement: FTS5 takes a
/// batch of rows at a time at half the cost of one INSERT a row. The text
/// is the same `searched_text` gives (the columns joined with a newline).
/// The rows are those after row `after` (the last before the import: new
/// rows come after it), so that the table is read from there on only.
pub fn index_import(conn: &Connection, kind: Kind, import_id: i64, after: i64) -> Result<()> {
    let (Some(code), Some((main, more))) = (kind.search_code(), kind.spec().search) else {
        return Ok(());
    };
    if conn.is_postgres() {
        // There each row was indexed as it was written. The planner's
        // figures for the index are brought up to date, so that the next
        // search is planned for what the case now holds.
        conn.execute_batch("ANALYZE search_index")?;
        return Ok(());
    }
    let join = |columns: &[&str]| {
        if columns.is_empty() {
            "''".to_string()
        } else {
            columns.join(" || char(10) || ")
        }
    };
    // cc_search_text gives back text without CJK as it is, without a copy
    // in Rust: cheaper than telling ASCII apart in SQL first, as this did.
    let sql = format!(
        "INSERT INTO search_index (rowid, main, more)
         SELECT id * {STRIDE} + {code}, cc_search_text({}), cc_search_text({}) FROM {} WHERE id > ?2 AND import_id = ?1",
        join(main),
        join(more),
        kind.table()
    );
    conn.execute(&sql, [import_id, after])
        .map_err(damaged)
        .context("cannot update the search index for the imported rows")?;
    Ok(())
}

/// Makes the index anew from the records' text, whatever state it is in.
/// Returns the number of records indexed.
pub fn rebuild(conn: &Connection) -> Result<usize> {
    if conn.is_postgres() {
        conn.execute("DELETE FROM search_index", ())?;
        let rows: Vec<(i64, String, String)> = conn
            .prepare("SELECT key, main, more FROM search_text")?
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut insert = conn.prepare_cached(POSTGRES_ENTRY)?;
        for (key, main, more) in &rows {
            insert.execute(params![key, document_of(main, more)])?;
        }
        return Ok(rows.len());
    }
    conn.execute_batch("DROP TABLE IF EXISTS search_index")
        .or_else(|_| drop_damaged(conn))
        .context("cannot remove the damaged search index")?;
    conn.execute_batch(CREATE_INDEX)?;
    Ok(conn.execute(FILL_INDEX, ())?)
}

/// Removes an index so damaged that FTS5 cannot open it to drop it: its
/// shadow tables, then its entry in the schema.
fn drop_damaged(conn: &Connection) -> super::sql::Result<()> {
    for shadow in ["data", "idx", "docsize", "config", "content"] {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS search_index_{shadow}"))?;
    }
    conn.pragma_update(None, "writable_schema", true)?;
    let removed = conn.execute("DELETE FROM sqlite_schema WHERE name = 'search_index'", ());
    conn.pragma_update(None, "writable_schema", false)?;
    removed.map(drop)
}

/// Adds the way out to an error that comes from a damaged index.
fn damaged(err: super::sql::Error) -> anyhow::Error {
    let corrupt = matches!(&err, super::sql::Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
        if e.code == rusqlite::ErrorCode::DatabaseCorrupt);
    let no_table = err.to_string().contains("search_index");
    if corrupt || no_table {
        anyhow::Error::new(err).context("the search index is damaged or missing; rebuild it with `crosscheck search --rebuild`")
    } else {
        err.into()
    }
}

// ---------------------------------------------------------------- queries

/// One term of a query: a word or a quoted phrase, all of whose words must
/// appear in order.
#[derive(Debug, Clone, PartialEq)]
struct Term {
    /// The term's text in index form, for an FTS5 string.
    text: String,
    /// The last word is a prefix (`учени*`, or a lone CJK character).
    prefix: bool,
    /// What to mark in the records' own text.
    needles: Vec<Needle>,
    /// The words as typed, and whether they were quoted.
    typed: String,
    quoted: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Needle {
    /// A folded word, matched whole or as a prefix.
    Word { folded: String, prefix: bool },
    /// A run of CJK, matched as a substring.
    Cjk(String),
}

/// One condition of a query: a term, or, where the words typed are a
/// place's name, any one of that place's names.
#[derive(Debug, Clone, PartialEq)]
struct Clause {
    terms: Vec<Term>,
    names: Option<Alternatives>,
}

/// The names a clause stands for: the words typed, and every name searched,
/// as tokens, to tell which name a record matched.
#[derive(Debug, Clone, PartialEq)]
struct Alternatives {
    typed: Vec<Token>,
    names: Vec<(String, Vec<Token>)>,
}

/// A parsed query: words and "quoted phrases", all of which must match. A
/// word ending in `*` matches every word it begins.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    clauses: Vec<Clause>,
}

/// Words of a query that name a place, and the names searched for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The words as typed.
    pub typed: String,
    /// The places they name: `PL1 liancourt-rocks`.
    pub places: Vec<String>,
    /// Every name of those places, searched in their stead.
    pub names: Vec<String>,
}

/// What the names of places did to a query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansions {
    /// Words searched as any name of their place.
    pub expanded: Vec<Expansion>,
    /// Words searched as typed, because other words of the query name the
    /// same place (`Dokdo Takeshima` finds the records that use both).
    pub as_typed: Vec<Expansion>,
}

/// The longest run of query words looked up as one name.
const LONGEST_NAME: usize = 8;

impl Query {
    /// Reads what the user typed. Nothing in it is FTS5 syntax: each term
    /// becomes an FTS5 string, so quotes, colons, AND, NEAR and the like are
    /// only text.
    pub fn parse(input: &str) -> Result<Query, UserError> {
        let mut terms = Vec::new();
        for (i, part) in input.split('"').enumerate() {
            if i % 2 == 1 {
                terms.extend(Term::new(part, false).map(|t| Term { quoted: true, ..t }));
            } else {
                for word in part.split_whitespace() {
                    let bare = word.trim_end_matches('*');
                    terms.extend(Term::new(bare, bare.len() < word.len()));
                }
            }
        }
        if terms.is_empty() {
            return Err(UserError::invalid(
                "query",
                input,
                "give at least one word to search for, in any script: Vostok, учения, 독도, 竹島, 演习",
            ));
        }
        Ok(Query {
            clauses: terms
                .into_iter()
                .map(|t| Clause {
                    terms: vec![t],
                    names: None,
                })
                .collect(),
        })
    }

    /// The FTS5 MATCH expression: each term an FTS5 string, the names of a
    /// place joined by OR, and the clauses by AND.
    pub fn expression(&self) -> String {
        let string = |t: &Term| format!("\"{}\"{}", t.text.replace('"', "\"\""), if t.prefix { "*" } else { "" });
        let clauses: Vec<String> = self
            .clauses
            .iter()
            .map(|c| match c.terms.as_slice() {
                [one] => string(one),
                many => format!("({})", many.iter().map(string).collect::<Vec<_>>().join(" OR ")),
            })
            .collect();
        clauses.join(" AND ")
    }

    /// The same expression as a PostgreSQL `tsquery`, over the words of
    /// `tsvector`.
    pub fn tsquery(&self) -> String {
        let phrase = |t: &Term| {
            let words = lexemes(&t.text);
            let last = words.len().saturating_sub(1);
            let parts: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| format!("{}{}", quoted_lexeme(w), if t.prefix && i == last { ":*" } else { "" }))
                .collect();
            format!("({})", parts.join(" <-> "))
        };
        let clauses: Vec<String> = self
            .clauses
            .iter()
            .map(|c| format!("({})", c.terms.iter().map(phrase).collect::<Vec<_>>().join(" | ")))
            .collect();
        clauses.join(" & ")
    }

    /// Where words of the query are a name of a place, searches every live
    /// name of that place instead: `Takeshima airspace` finds the records
    /// that say Dokdo, 독도 or Liancourt Rocks with airspace. A quoted phrase
    /// is looked up whole; unquoted words are looked up as the longest run
    /// that is a name (`Liancourt Rocks`). A word with `*` is never expanded.
    /// Where two runs name the same place, both are searched as typed.
    pub fn expand(&mut self, conn: &Connection) -> Result<Expansions> {
        let mut lookup = conn.prepare_cached(
            "SELECT DISTINCT n.place_id FROM name n JOIN place p ON p.id = n.place_id
             WHERE n.folded = ?1 AND n.retracted = '' AND p.retracted = '' ORDER BY n.place_id",
        )?;
        // (first clause, how many, the places they name)
        let mut runs: Vec<(usize, usize, Vec<i64>)> = Vec::new();
        let single = |c: &Clause| c.terms.len() == 1 && !c.terms[0].prefix;
        let mut i = 0;
        while i < self.clauses.len() {
            let longest = match &self.clauses[i] {
                c if !single(c) => 0,
                c if c.terms[0].quoted => 1,
                _ => self.clauses[i..]
                    .iter()
                    .take(LONGEST_NAME)
                    .take_while(|c| single(c) && !c.terms[0].quoted)
                    .count(),
            };
            let mut found = None;
            for len in (1..=longest).rev() {
                let typed: Vec<&str> = self.clauses[i..i + len].iter().map(|c| c.terms[0].typed.as_str()).collect();
                let key = name_key(&typed.join(" "));
                if key.is_empty() {
                    continue;
                }
                let places: Vec<i64> = lookup.query_map([&key], |r| r.get(0))?.collect::<super::sql::Result<_>>()?;
                if !places.is_empty() {
                    found = Some((len, places));
                    break;
                }
            }
            match found {
                Some((len, places)) => {
                    runs.push((i, len, places));
                    i += len;
                }
                None => i += 1,
            }
        }
        let mut place_name = conn.prepare_cached("SELECT slug FROM place WHERE id = ?1")?;
        let mut names_of = conn.prepare_cached("SELECT text FROM name WHERE place_id = ?1 AND retracted = '' ORDER BY id")?;
        let mut result = Expansions::default();
        // From the last run back, so that the earlier runs' positions hold.
        for (index, (start, len, places)) in runs.iter().enumerate().rev() {
            let typed: Vec<&str> = self.clauses[*start..start + len]
                .iter()
                .map(|c| c.terms[0].typed.as_str())
                .collect();
            let typed = typed.join(" ");
            let labels = places
                .iter()
                .map(|id| {
                    Ok(format!(
                        "{} {}",
                        super::kind::handle(Kind::Place, *id),
                        place_name.query_row([id], |r| r.get::<_, String>(0))?
                    ))
                })
                .collect::<Result<Vec<String>>>()?;
            let mut names: Vec<(String, Vec<Token>)> = Vec::new();
            for id in places {
                for text in names_of.query_map([id], |r| r.get::<_, String>(0))? {
                    let text = text?;
                    let tokens = tokens(&text);
                    if !names.iter().any(|(_, t)| *t == tokens) {
                        names.push((text, tokens));
                    }
                }
            }
            let expansion = Expansion {
                typed: typed.clone(),
                places: labels,
                names: names.iter().map(|(text, _)| text.clone()).collect(),
            };
            let shared = runs
                .iter()
                .enumerate()
                .any(|(other, (_, _, theirs))| other != index && theirs.iter().any(|p| places.contains(p)));
            if shared {
                result.as_typed.insert(0, expansion);
                continue;
            }
            let terms: Vec<Term> = names.iter().filter_map(|(text, _)| Term::new(text, false)).collect();
            let clause = Clause {
                terms,
                names: Some(Alternatives {
                    typed: tokens(&typed),
                    names,
                }),
            };
            self.clauses.splice(*start..start + len, [clause]);
            result.expanded.insert(0, expansion);
        }
        Ok(result)
    }

    /// True when some words of the query stand for every name of a place.
    pub fn expanded(&self) -> bool {
        self.clauses.iter().any(|c| c.names.is_some())
    }

    /// The names a record matched in the place of the words typed: for each
    /// expanded clause whose own words none of the record's texts holds,
    /// the names they do hold.
    pub fn via(&self, texts: &[Vec<Token>]) -> Vec<String> {
        let holds = |name: &[Token]| texts.iter().any(|text| contains_name(text, name));
        let mut via: Vec<String> = Vec::new();
        for names in self.clauses.iter().filter_map(|c| c.names.as_ref()) {
            if holds(&names.typed) {
                continue;
            }
            for (name, tokens) in &names.names {
                if holds(tokens) && !via.contains(name) {
                    via.push(name.clone());
                }
            }
        }
        via
    }

    /// Where the query's words are in a record's text (byte ranges, sorted,
    /// not overlapping).
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = Vec::new();
        let needles: Vec<&Needle> = self.clauses.iter().flat_map(|c| &c.terms).flat_map(|t| &t.needles).collect();
        for piece_word in words(text) {
            let folded = fold(&text[piece_word.clone()]);
            let hit = needles.iter().any(|n| match n {
                Needle::Word { folded: w, prefix } => folded == *w || (*prefix && folded.starts_with(w.as_str())),
                Needle::Cjk(_) => false,
            });
            if hit {
                spans.push(piece_word);
            }
        }
        for needle in &needles {
            if let Needle::Cjk(run) = needle {
                spans.extend(text.match_indices(run.as_str()).map(|(i, m)| i..i + m.len()));
            }
        }
        spans.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        merged
    }
}

impl Term {
    /// A term from a word or phrase, or None when it has no letters or digits.
    fn new(text: &str, prefix: bool) -> Option<Term> {
        if !text.chars().any(char::is_alphanumeric) {
            return None;
        }
        let pieces: Vec<Piece> = pieces(text).collect();
        // The position of the last piece with a letter or digit in it.
        let last = pieces.iter().rposition(|p| match p {
            Piece::Cjk(_) => true,
            Piece::Other(o) => o.chars().any(char::is_alphanumeric),
        })?;
        let mut term = Term {
            text: String::new(),
            prefix,
            needles: Vec::new(),
            typed: text.to_string(),
            quoted: false,
        };
        for (i, piece) in pieces.iter().enumerate() {
            match *piece {
                Piece::Other(other) => {
                    term.text.push_str(other);
                    let mut found: Vec<Needle> = words(other)
                        .map(|r| Needle::Word {
                            folded: fold(&other[r]),
                            prefix: false,
                        })
                        .collect();
                    if i == last
                        && prefix
                        && let Some(Needle::Word { prefix, .. }) = found.last_mut()
                    {
                        *prefix = true;
                    }
                    term.needles.append(&mut found);
                }
                Piece::Cjk(run) => {
                    // As in the index, the overlapping two-character words;
                    // and the last character alone where the index has it
                    // next to what follows (a word goes on after the run), or
                    // where it is all there is (one character: a prefix of
                    // the index's two-character words).
                    let single = run.chars().nth(1).is_none();
                    term.text.push(' ');
                    push_bigrams(&mut term.text, run);
                    if single || i < last {
                        term.text.push_str(last_char(run));
                    }
                    term.text.push(' ');
                    if single && i == last {
                        term.prefix = true;
                    }
                    term.needles.push(Needle::Cjk(run.to_string()));
                }
            }
        }
        term.text = term.text.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(term)
    }
}

/// The words of a text outside CJK runs: maximal runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = None;
    let mut chars = text.char_indices().chain(std::iter::once((text.len(), ' ')));
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            let in_word = c.is_alphanumeric() && !is_cjk(c) && i < text.len();
            match (start, in_word) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    start = None;
                    return Some(s..i);
                }
                _ => {}
            }
        }
        None
    })
}

/// A word folded as unicode61 with remove_diacritics folds it: lower case,
/// accents removed (Zürich and zurich, Ёж and еж are the same word).
fn fold(word: &str) -> String {
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

// ---------------------------------------------------------------- names

/// A piece of text as place names are matched: a word outside CJK, folded
/// as search folds it, or a run of CJK letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Word(String),
    Cjk(String),
}

/// The text's words and CJK runs, in order. The text is first normalised
/// (NFKC: full-width Latin letters are letters, half-width kana are kana);
/// words are then folded as search folds them, case and accents away. CJK
/// runs keep their marks: the voicing marks of kana change the word.
pub fn tokens(text: &str) -> Vec<Token> {
    let text: String = text.nfkc().collect();
    let mut out = Vec::new();
    for piece in pieces(&text) {
        match piece {
            Piece::Cjk(run) => out.push(Token::Cjk(run.to_string())),
            Piece::Other(other) => out.extend(words(other).map(|r| Token::Word(fold(&other[r]).nfc().collect()))),
        }
    }
    out
}

/// The form in which names are compared and stored (`name.folded`): the
/// tokens joined by single spaces. "Liancourt  Rocks", "liancourt rocks"
/// and "Liancourt-Rocks" are one name.
pub fn name_key(text: &str) -> String {
    key_of(&tokens(text))
}

fn key_of(tokens: &[Token]) -> String {
    let parts: Vec<&str> = tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) | Token::Cjk(w) => w.as_str(),
        })
        .collect();
    parts.join(" ")
}

/// True when `text` (as tokens) contains the name (as tokens): its words in
/// order as whole words, a CJK name anywhere inside a CJK run (독도 in
/// 독도는, 竹島 in 竹島の領空).
pub fn contains_name(text: &[Token], name: &[Token]) -> bool {
    let n = name.len();
    if n == 0 || text.len() < n {
        return false;
    }
    let fits = |at: usize| {
        name.iter().enumerate().all(|(j, part)| match (part, &text[at + j]) {
            (Token::Word(a), Token::Word(b)) => a == b,
            (Token::Cjk(a), Token::Cjk(b)) if n == 1 => b.contains(a.as_str()),
            // A CJK run inside a longer name must end where the next word
            // starts, or start where the word before it ends.
            (Token::Cjk(a), Token::Cjk(b)) if j == 0 => b.ends_with(a.as_str()),
            (Token::Cjk(a), Token::Cjk(b)) if j == n - 1 => b.starts_with(a.as_str()),
            (Token::Cjk(a), Token::Cjk(b)) => a == b,
            _ => false,
        })
    };
    (0..=text.len() - n).any(fits)
}

// ---------------------------------------------------------------- results

/// One record found.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    pub uuid: String,
    /// Higher is better: FTS5's bm25, negated.
    pub score: f64,
    /// The record's text around the first match, on one line.
    pub snippet: String,
    /// The names of a place it matched in the place of the words typed
    /// (the query `Takeshima` finds a record that says Dokdo "via Dokdo").
    pub via: Vec<String>,
}

/// How matches are marked in a snippet: the text before and after each.
pub type Marks<'a> = Option<(&'a str, &'a str)>;

/// How many matches a search ranks by default: the newest this many.
pub const CANDIDATES: u32 = 5_000;

/// Runs a query: the best `limit` records of the given kinds, best first.
/// With `candidates`, a query that matches more records than that ranks only
/// the newest `candidates` of them, and says so by returning true.
#[allow(clippy::too_many_arguments)]
pub fn search(
    conn: &Connection,
    query: &Query,
    kinds: &[Kind],
    limit: u32,
    candidates: Option<u32>,
    marks: Marks<'_>,
    include_retracted: bool,
) -> Result<(Vec<Hit>, bool)> {
    let mask: i64 = KINDS
        .iter()
        .enumerate()
        .filter(|(_, k)| kinds.contains(k))
        .map(|(i, _)| 1i64 << i)
        .sum();
    // bm25 reads each match's length from the index: about a microsecond a
    // match, 0.2 s for a word in a fifth of a million-record case. So by
    // default only the newest `candidates` matches are ranked: FTS5 walks
    // its matches newest first and stops at the limit (there is none with
    // --all), computing bm25 once a match, and the best `limit` are kept
    // here. Neither FTS5's `ORDER BY rank` (which sorts every match, to
    // temporary files when there are many) nor `ORDER BY bm25(...) LIMIT`
    // (which computed bm25 twice a match) did better.
    let rank = if query.expanded() { RANK_ACROSS_NAMES } else { RANK };
    let sql = if conn.is_postgres() {
        // PostgreSQL cannot estimate how many rows the test of the kinds
        // keeps, takes it for very few, and then reads every match through
        // the GIN index before it sorts them: 0.3 s for a common word in a
        // million sources, where walking the newest rows back takes a few
        // milliseconds. Where every kind is searched, the test is left out.
        let kinds = if mask == (1i64 << KINDS.len()) - 1 {
            "CAST(?2 AS bigint) IS NOT NULL".to_string()
        } else {
            format!("(?2 >> CAST(rowid % {STRIDE} AS integer)) & 1 = 1")
        };
        // ts_rank is higher for better matches: negated, it sorts as bm25.
        format!(
            "SELECT rowid, -ts_rank('{{0, 0, 0.5, 1}}', doc, CAST(CAST(?1 AS text) AS tsquery)) FROM search_index
             WHERE doc @@ CAST(CAST(?1 AS text) AS tsquery) AND {kinds}
             ORDER BY rowid DESC LIMIT ?3"
        )
    } else {
        format!(
            "SELECT rowid, {rank} FROM search_index
             WHERE search_index MATCH ?1 AND (?2 >> (rowid % {STRIDE})) & 1 = 1
             ORDER BY rowid DESC LIMIT ?3"
        )
    };
    let mut found = conn.prepare_cached(&sql)?;
    let window = candidates.map_or(i64::MAX, |n| i64::from(n) + 1);
    let expression = if conn.is_postgres() { query.tsquery() } else { query.expression() };
    let mut ranked: Vec<(i64, f64)> = found
        .query_map(params![expression, mask, window], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(damaged)
        .context("cannot search")?;
    let capped = candidates.is_some_and(|n| ranked.len() > n as usize);
    if let Some(n) = candidates {
        ranked.truncate(n as usize);
    }
    // bm25 is lower for better matches; among equals, newer first.
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let mut text = conn.prepare("SELECT uuid, main, more, retracted FROM search_text WHERE kind = ?1 AND id = ?2")?;
    let mut hits = Vec::with_capacity(limit as usize);
    for (key, rank) in ranked {
        if hits.len() == limit as usize {
            break;
        }
        let kind = KINDS[(key % STRIDE) as usize];
        let id = key / STRIDE;
        let (uuid, main, more, retracted): (String, String, String, bool) =
            text.query_row(params![kind.table(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        // Retracted records stay in the index, so that restoring one needs
        // no rewrite of it, and are left out here.
        if retracted && !include_retracted {
            continue;
        }
        let (spans, field) = match query.find(&main) {
            spans if !spans.is_empty() || more.trim().is_empty() => (spans, &main),
            _ => (query.find(&more), &more),
        };
        let via = if query.expanded() {
            query.via(&[tokens(&main), tokens(&more)])
        } else {
            Vec::new()
        };
        hits.push(Hit {
            kind,
            id,
            uuid,
            score: -rank,
            snippet: snippet(field, &spans, marks),
            via,
        });
    }
    Ok((hits, capped))
}

impl Case {
    /// The best `limit` live records of the given kinds, best first; see `search`.
    pub fn search(
        &self,
        query: &Query,
        kinds: &[Kind],
        limit: u32,
        candidates: Option<u32>,
        marks: Marks<'_>,
        include_retracted: bool,
    ) -> Result<(Vec<Hit>, bool)> {
        search(self.conn(), query, kinds, limit, candidates, marks, include_retracted)
    }

    /// Lets the words of `query` that name a place stand for every name of
    /// it; see `Query::expand`.
    pub fn expand_names(&self, query: &mut Query) -> Result<Expansions> {
        query.expand(self.conn())
    }
}

impl Writer<'_> {
    /// Makes the search index anew; returns the number of records indexed.
    pub fn rebuild_search(&self) -> Result<usize> {
        rebuild(self.conn())
    }
}

/// Characters of context before the first match.
const LEAD: usize = 30;
/// Characters a snippet shows at most, marks and ellipses aside.
const WIDTH: usize = 90;

/// The text around the first match, on one line, with "…" where it is cut
/// and each match marked.
pub fn snippet(text: &str, spans: &[Range<usize>], marks: Marks<'_>) -> String {
    let first = spans.first().map_or(0, |s| s.start);
    // Back LEAD characters, then forward to the start of a word.
    let mut start = text[..first].char_indices().rev().nth(LEAD - 1).map_or(0, |(i, _)| i);
    if start > 0
        && let Some(space) = text[start..first].find(char::is_whitespace)
    {
        start += space;
    }
    let mut end = text[start..].char_indices().nth(WIDTH).map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        let floor = spans.first().map_or(start, |s| s.end.min(end));
        if let Some(space) = text[floor..end].rfind(char::is_whitespace) {
            end = floor + space;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for span in spans.iter().filter(|s| s.end > start && s.start < end) {
        let (s, e) = (span.start.max(start), span.end.min(end));
        push_flat(&mut out, &text[at..s]);
        match marks {
            Some((open, close)) => {
                out.push_str(open);
                push_flat(&mut out, &text[s..e]);
                out.push_str(close);
            }
            None => push_flat(&mut out, &text[s..e]),
        }
        at = e;
    }
    push_flat(&mut out, &text[at..end]);
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < text.len() {
        out.push('…');
    }
    out.trim_start_matches(' ').to_string()
}

/// Appends text with each run of whitespace (newlines too) as one space.
fn push_flat(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_overlapping_pairs_and_other_scripts_pass_through() {
        assert_eq!(index_text("Vostok-2018 учения"), "Vostok-2018 учения");
        assert_eq!(index_text("竹島問題"), " 竹島 島問 問題 題 ");
        assert_eq!(index_text("독도는 우리 땅"), " 독도 도는 는   우리 리   땅 ");
        assert_eq!(index_text("G20大阪サミット、"), "G20 大阪 阪サ サミ ミッ ット ト 、");
    }

    fn expression(q: &str) -> String {
        Query::parse(q).unwrap().expression()
    }

    #[test]
    fn queries_take_the_index_form_and_are_only_ever_strings() {
        assert_eq!(expression("독도"), "\"독도\"");
        assert_eq!(expression("竹島問題"), "\"竹島 島問 問題\"");
        assert_eq!(expression("島"), "\"島\"*");
        assert_eq!(expression("учени* Vostok"), "\"учени\"* AND \"Vostok\"");
        assert_eq!(expression("\"joint patrol\" 演习"), "\"joint patrol\" AND \"演习\"");
        assert_eq!(expression("a\"b OR c:d"), "\"a\" AND \"b OR c:d\"");
        assert_eq!(expression("G20大阪"), "\"G20 大阪\"");
        assert_eq!(expression("竹島X"), "\"竹島 島 X\"");
        assert!(Query::parse("  *** \"\" -- ").is_err());
    }

    #[test]
    fn matches_are_found_in_the_records_own_text() {
        let q = Query::parse("zurich 竹島 учени*").unwrap();
        let text = "In Zürich: 竹島 (Takeshima), Учения.";
        let found: Vec<&str> = q.find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["Zürich", "竹島", "Учения"]);
    }

    #[test]
    fn records_give_the_text_the_view_gives() {
        let mut case = Case::memory().unwrap();
        let writer = case.write("test").unwrap();
        writer.load_seed().unwrap();
        writer.commit().unwrap();
        let conn = case.conn();
        let mut view = conn.prepare("SELECT kind, id, key, main, more FROM search_text").unwrap();
        let rows: Vec<(String, i64, i64, String, String)> = view
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<crate::store::sql::Result<_>>()
            .unwrap();
        assert!(rows.len() > 100);
        for (kind, id, key, main, more) in rows {
            let kind = Kind::from_table(&kind).unwrap();
            let from_record = crate::with_record!(kind, R => searched_text::<R>(&R::load(conn, id).unwrap().values()));
            let (code, record_main, record_more) = from_record.unwrap();
            assert_eq!((id * STRIDE + code, record_main, record_more), (key, main, more), "{kind} {id}");
        }
    }

    #[test]
    fn snippets_cut_around_the_first_match_and_mark_it() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
                    seventeen eighteen nineteen twenty target twenty-one twenty-two twenty-three twenty-four twenty-five \
                    twenty-six twenty-seven";
        let q = Query::parse("target").unwrap();
        let s = snippet(text, &q.find(text), Some(("[", "]")));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("twenty [target] twenty-one"), "{s}");
        assert_eq!(snippet("short\ntext", &[], None), "short text");
    }
}
