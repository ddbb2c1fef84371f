//! `crosscheck history [RECORD]`: who changed what, when and why.

use anyhow::Result;
use serde_json::Value;

use crate::output::{self, Cell, OutputArgs, columns};
use crate::store::{Case, Entry};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the trail of one record: a claim (with its statements, evidence, hypotheses and ratings), a source, a party, a statement, evidence, a hypothesis (with its ratings), a rating, a place (with its names) or a name, by handle, slug, code or UUID.
    pub record: Option<String>,
    #[command(flatten)]
    pub order: super::OrderArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, case: &Case) -> Result<()> {
    let record = args.record.as_deref().map(|text| case.resolve_any(text)).transpose()?;
    let mut sink = output::to_stdout(&args.output)(columns(&[
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
        "-origin_hash",
    ]))?;
    let scope = args.order.with(super::ScopeArgs::default());
    case.history_in_order(record, &scope, &mut |e| {
        let change = summarise(&e);
        sink.row(vec![
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
            e.origin_hash.into(),
        ])
    })?;
    sink.finish()
}

/// One line saying what an entry changed.
pub fn summarise(e: &Entry) -> String {
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (before, after) = (parse(&e.before), parse(&e.after));
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    match e.action.as_str() {
        "create" | "link" => "created".to_string(),
        "retract" => "retracted: left out of listings, comparisons and reports".to_string(),
        "merge" if e.entity == "case" => {
            let a = after.unwrap_or(Value::Null);
            format!(
                "merged {} (head {}): {} entries",
                text(a.get("file")),
                text(a.get("head")).chars().take(12).collect::<String>(),
                text(a.get("entries"))
            )
        }
        "restore" => "restored".to_string(),
        "anchor" => format!(
            "anchored: the history's hash at {} entries was given out, to check it against later",
            text(after.as_ref().and_then(|a| a.get("entries")))
        ),
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
                    if key == "at" || (e.action == "mark" && matches!(key.as_str(), "reason" | "status_by" | "status_at")) {
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
