//! `crosscheck history [RECORD]`: who changed what, when and why.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::stream_to;
use crate::error::UserError;
use crate::handle::{self, Kind};
use crate::history::Entry;
use crate::output::{self, Cell, OutputArgs, columns};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the trail of one record: a claim (with its statements and evidence), a source, a party, a statement or evidence, by handle, slug, code or UUID.
    pub record: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, conn: &Connection) -> Result<()> {
    let (uuid, kind) = match &args.record {
        None => (None, None),
        Some(text) => {
            let (kind, id) = resolve_any(conn, text)?;
            let uuid: String = conn.query_row(&format!("SELECT uuid FROM {} WHERE id = ?1", kind.table()), [id], |r| r.get(0))?;
            (Some(uuid), Some(kind))
        }
    };
    // A claim's trail includes its statements and evidence; a source's, its captures.
    let (is_claim, is_source) = (kind == Some(Kind::Claim), kind == Some(Kind::Source));
    stream_to(
        conn,
        &format!(
            "SELECT {} FROM history
             WHERE ?1 IS NULL OR entity_uuid = ?1 OR (?2 AND claim_uuid = ?1)
                OR (?3 AND entity = 'capture' AND json_extract(after, '$.source_uuid') = ?1)
             ORDER BY id",
            Entry::COLUMNS
        ),
        &[&uuid, &is_claim, &is_source],
        columns(&[
            "entry",
            "at",
            "analyst",
            "action",
            "entity",
            "record",
            "-entity_uuid",
            "change",
            "reason",
            "-before",
            "-after",
            "-prev_hash",
            "-hash",
        ]),
        output::to_stdout(&args.output),
        |r| {
            let e = Entry::from_row(r)?;
            let change = summarise(&e);
            Ok(vec![
                Cell::Int(e.id),
                Cell::Text(e.at),
                Cell::Text(e.analyst),
                Cell::Text(e.action),
                Cell::Text(e.entity),
                Cell::Text(e.handle),
                Cell::Text(e.entity_uuid),
                Cell::Text(change),
                Cell::Text(e.reason),
                e.before.into(),
                e.after.into(),
                Cell::Text(e.prev_hash),
                Cell::Text(e.hash),
            ])
        },
    )
}

/// Finds a record of any kind from what the user typed.
pub fn resolve_any(conn: &Connection, text: &str) -> Result<(Kind, i64)> {
    if let Some((kind, _)) = handle::parse_typed(text.trim()) {
        return Ok((kind, handle::resolve(conn, kind, text)?));
    }
    for kind in [Kind::Claim, Kind::Source, Kind::Party, Kind::Statement, Kind::Evidence] {
        let by_uuid: Option<i64> = conn
            .query_row(
                &format!("SELECT id FROM {} WHERE uuid = ?1", kind.table()),
                [text.trim().to_ascii_lowercase()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = by_uuid {
            return Ok((kind, id));
        }
    }
    for kind in [Kind::Claim, Kind::Source, Kind::Party] {
        if let Ok(id) = handle::resolve(conn, kind, text) {
            return Ok((kind, id));
        }
    }
    Err(UserError::NotFound {
        what: "record",
        handle: text.to_string(),
        hint: "give a handle such as C3, S12, ST4, E5 or P7, a claim or source slug, a party code, or a UUID".to_string(),
    }
    .into())
}

/// One line saying what an entry changed.
fn summarise(e: &Entry) -> String {
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (before, after) = (parse(&e.before), parse(&e.after));
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    match e.action.as_str() {
        "create" | "link" => "created".to_string(),
        "import" => {
            let a = after.unwrap_or(Value::Null);
            format!(
                "{} inserted, {} updated, {} rejected into {} (sha256 {})",
                text(a.get("inserted")),
                text(a.get("updated")),
                text(a.get("rejected")),
                text(a.get("into")),
                text(a.get("sha256")).chars().take(12).collect::<String>()
            )
        }
        _ => {
            let mut parts = Vec::new();
            if let Some(Value::Object(new)) = &after {
                for (key, value) in new {
                    if key == "at" || (e.action == "mark" && key == "reason") {
                        continue;
                    }
                    let old = before.as_ref().and_then(|b| b.get(key));
                    parts.push(format!("{key}: {} → {}", shorten(&text(old)), shorten(&text(Some(value)))));
                }
            }
            parts.join("; ")
        }
    }
}

fn shorten(s: &str) -> String {
    if s.is_empty() {
        "∅".to_string()
    } else {
        crate::output::shorten(s, 40)
    }
}
