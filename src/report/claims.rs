//! The claims report: one row a claim with its evidence counts and each
//! party's stance, and for readers the whole story: the claims, the contested
//! ones side by side, a timeline of the statements, each claim in detail, and
//! the sources.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{Block, Document, Event, Inline, Rich, Timeline, anchor};
use crate::domain::ach::{self, View};
use crate::domain::compare::{self, Account};
use crate::domain::names::{self, Gazetteer};
use crate::output::{Cell, Column};
use crate::store::queries::PartyColumn as Party;
use crate::store::{Case, Kind, format_handle};

/// The columns the claims report adds after the claim's fields. The importer
/// knows them as computed, and skips them with a note.
pub const COMPUTED: &[&str] = &["supporting", "supporting_best", "refuting", "refuting_best"];

/// The prefix of the columns that give each party's stance: `stance:RU`.
pub const STANCE_PREFIX: &str = "stance:";

/// The parties named in `--parties RU,CN,JP,KR`.
pub fn named_parties(case: &Case, list: &str) -> Result<Vec<Party>> {
    let codes = compare::split_list(list);
    if codes.is_empty() {
        return Err(
            crate::error::UserError::invalid("parties", list, "allowed: party codes separated by commas, such as RU,CN,JP,KR").into(),
        );
    }
    codes
        .iter()
        .map(|code| {
            let id = case.resolve(Kind::Party, code)?;
            Ok(Party {
                code: case.reference(Kind::Party, id)?,
                id,
            })
        })
        .collect()
}

/// The columns after the claim's fields.
pub fn columns(parties: &[Party]) -> Vec<Column> {
    let mut columns: Vec<Column> = COMPUTED
        .iter()
        .map(|name| Column {
            name: name.to_string(),
            in_table: true,
        })
        .collect();
    columns.extend(parties.iter().map(|p| Column {
        name: format!("{STANCE_PREFIX}{}", p.code),
        in_table: true,
    }));
    columns
}

/// Fills the computed columns of one claim: the number of supporting and
/// refuting evidence items with the best grade of each (source reliability
/// then information credibility: A1 is best), and each party's stances in
/// the order they were taken, joined with "; ".
pub fn fill(case: &Case, parties: &[Party], claim_id: i64, cells: &mut Vec<Cell>) -> Result<()> {
    let counts = case.evidence_counts(claim_id)?;
    cells.extend([
        Cell::Int(counts.supporting),
        Cell::Text(counts.supporting_best),
        Cell::Int(counts.refuting),
        Cell::Text(counts.refuting_best),
    ]);
    let stances = case.stances(claim_id)?;
    for party in parties {
        let mut taken: Vec<&str> = Vec::new();
        for (_, _, stance) in stances.iter().filter(|(id, root, _)| *id == party.id || *root == party.id) {
            if !taken.contains(&stance.as_str()) {
                taken.push(stance);
            }
        }
        cells.push(Cell::Text(taken.join("; ")));
    }
    Ok(())
}

/// One claim of the report, as the claims listing wrote it.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    pub cells: Vec<Cell>,
}

/// What the document is made from.
pub struct Input<'a> {
    pub title: String,
    pub intro: Vec<Rich>,
    /// The columns of `lines`: the claim listing's, then `columns(speakers)`.
    pub columns: &'a [Column],
    pub lines: &'a [Line],
    /// Every party that spoke on these claims (a state with its bodies).
    pub speakers: &'a [Party],
    /// The party columns of the side-by-side comparison; by default those of
    /// `crosscheck compare`.
    pub compare: Option<&'a [Party]>,
}

impl Input<'_> {
    fn get<'l>(&self, line: &'l Line, name: &str) -> std::borrow::Cow<'l, str> {
        match self.columns.iter().position(|c| c.name == name).and_then(|i| line.cells.get(i)) {
            Some(Cell::Text(t)) => t.as_str().into(),
            Some(other) => other.text().into(),
            None => "".into(),
        }
    }
}

/// The claim's name in the report: `C3 vostok-2018-troops`, and its id.
fn claim_name(handle: &str, slug: &str) -> (String, String) {
    if slug.is_empty() {
        (handle.to_string(), anchor(handle))
    } else {
        (format!("{handle} {slug}"), anchor(slug))
    }
}

fn heading(level: u8, text: &str, id: Option<&str>) -> Block {
    Block::Heading {
        level,
        text: Rich::text(text),
        id: id.map(str::to_string),
    }
}

/// A table, or what to say when it would be empty.
fn table_or(blocks: &mut Vec<Block>, headers: &[&str], rows: Vec<Vec<Rich>>, empty: &str) {
    blocks.push(if rows.is_empty() {
        Block::Paragraph(Rich::text(empty))
    } else {
        Block::Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    });
}

/// A link to a source's row in the sources table.
fn source_link(reference: &str) -> Inline {
    Inline::Local {
        text: reference.to_string(),
        id: source_id(reference),
    }
}

fn source_id(reference: &str) -> String {
    anchor(&format!("source-{reference}"))
}

/// Builds the report for readers.
pub fn document(case: &Case, input: Input<'_>) -> Result<Document> {
    let mut intro = input.intro.clone();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for line in input.lines {
        *by_status.entry(input.get(line, "status").into_owned()).or_default() += 1;
    }
    let tally: Vec<String> = crate::model::Status::ALL
        .iter()
        .filter_map(|s| by_status.get(s.as_str()).map(|n| format!("{n} {s}")))
        .collect();
    intro.push(Rich::text(format!(
        "{} claims{}",
        input.lines.len(),
        if tally.is_empty() {
            String::new()
        } else {
            format!(": {}", tally.join(", "))
        }
    )));
    let mut blocks = vec![Block::Paragraph(Rich::text(
        "How to read this report: a verdict is the desk's finding on a claim, with its reason. Evidence grades give the source's reliability \
         (A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged) and then \
         the information's credibility (1 confirmed by other sources, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged): \
         A1 is the strongest. A state's column includes its ministries and other bodies.",
    ))];
    let ids: Vec<i64> = input.lines.iter().map(|l| l.id).collect();
    let handles: Vec<String> = ids.iter().map(|id| format_handle(Kind::Claim, *id)).collect();
    let speakers_list: Vec<String> = input.speakers.iter().map(|p| p.code.clone()).collect();
    let details = if handles.is_empty() {
        Vec::new()
    } else {
        let speakers = (!speakers_list.is_empty()).then(|| speakers_list.join(","));
        compare::build(case, &handles, None, speakers.as_deref())?.0
    };

    blocks.insert(
        0,
        Block::Summary(super::Summary::new(input.lines.iter().zip(&details).map(|(line, row)| {
            let (claim, id) = claim_name(&input.get(line, "handle"), &input.get(line, "slug"));
            super::ClaimStances {
                claim,
                id,
                verdict: input.get(line, "status").into_owned(),
                stances: row.accounts.iter().map(|a| (a.column.clone(), a.stance.clone())).collect(),
            }
        }))),
    );
    let gazetteer = Gazetteer::load(case)?;
    summary(&input, &mut blocks);
    comparison(case, &gazetteer, &input, &ids, &mut blocks)?;
    blocks.push(heading(2, "Timeline of statements", Some("timeline")));
    blocks.push(Block::Timeline(timeline(&input, &speakers_list, &details)));
    blocks.push(heading(2, "Claims in detail", Some("details")));
    for (line, row) in input.lines.iter().zip(&details) {
        detail(case, &gazetteer, &input, line, row, &mut blocks)?;
    }
    sources(case, &ids, &mut blocks)?;
    Ok(Document {
        title: input.title.clone(),
        intro,
        blocks,
    })
}

/// The table of claims: verdict, evidence, each party's stance, last change.
fn summary(input: &Input<'_>, blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Claims", Some("claims")));
    if input.lines.is_empty() {
        blocks.push(Block::Paragraph(Rich::text("No claims match.")));
        return;
    }
    let headers = ["Claim", "Verdict", "Evidence", "Stances", "Verdict set"]
        .map(String::from)
        .to_vec();
    let rows = input
        .lines
        .iter()
        .map(|line| {
            let (name, id) = claim_name(&input.get(line, "handle"), &input.get(line, "slug"));
            let mut claim = Rich(vec![Inline::Local { text: name, id }, Inline::Break]);
            claim.add(input.get(line, "text"));
            let mut evidence = Rich::default();
            for (count, best, word) in [
                ("supporting", "supporting_best", "supporting"),
                ("refuting", "refuting_best", "refuting"),
            ] {
                let n = input.get(line, count);
                if n != "0" {
                    if !evidence.is_empty() {
                        evidence.push(Inline::Break);
                    }
                    evidence.add(format!("{n} {word} (best {})", input.get(line, best)));
                }
            }
            if evidence.is_empty() {
                evidence.add("none supporting or refuting");
            }
            let mut stances = Rich::default();
            for party in input.speakers {
                let taken = input.get(line, &format!("{STANCE_PREFIX}{}", party.code));
                if taken.is_empty() {
                    continue;
                }
                if !stances.is_empty() {
                    stances.push(Inline::Break);
                }
                stances.add(format!("{} ", party.code));
                for (i, stance) in taken.split("; ").enumerate() {
                    if i > 0 {
                        stances.add(" ");
                    }
                    stances.push(Inline::Word(stance.to_string()));
                }
            }
            vec![
                claim,
                Rich(vec![Inline::Word(input.get(line, "status").into_owned())]),
                evidence,
                stances,
                changed(&input.get(line, "status_at"), &input.get(line, "status_by")),
            ]
        })
        .collect();
    blocks.push(Block::Table { headers, rows });
}

/// When a verdict was set and by whom: "2019-07-24 by seed".
fn changed(at: &str, by: &str) -> Rich {
    let mut text = at.get(..10).unwrap_or(at).to_string();
    if !by.is_empty() {
        text.push_str(&format!(" by {by}"));
    }
    Rich::text(text.trim())
}

/// The contested claims among these, side by side.
fn comparison(case: &Case, gazetteer: &Gazetteer, input: &Input<'_>, ids: &[i64], blocks: &mut Vec<Block>) -> Result<()> {
    blocks.push(heading(2, "Contested claims side by side", Some("compare")));
    let named = input
        .compare
        .map(|parties| parties.iter().map(|p| p.code.clone()).collect::<Vec<_>>().join(","));
    let (rows, codes): (Vec<compare::Row>, Vec<String>) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let (rows, codes) = compare::build(case, &[], None, named.as_deref())?;
        (rows.into_iter().filter(|row| ids.contains(&row.claim_id)).collect(), codes)
    };
    if rows.is_empty() {
        blocks.push(Block::Paragraph(Rich::text(
            "None of these claims is contested: none has statements whose stances differ, and none is marked disputed.",
        )));
        return Ok(());
    }
    blocks.push(Block::Paragraph(Rich::text(
        "Claims whose parties take different stances, or that are marked disputed: what each party said, when, and where it is recorded.",
    )));
    let shown: Vec<&String> = codes
        .iter()
        .filter(|code| rows.iter().any(|r| r.accounts.iter().any(|a| &a.column == *code)))
        .collect();
    let mut headers = vec!["Claim".to_string()];
    headers.extend(shown.iter().map(|c| c.to_string()));
    headers.push("Figures".to_string());
    let table = rows
        .iter()
        .map(|row| {
            let (name, id) = claim_name(&format_handle(Kind::Claim, row.claim_id), &row.slug);
            let mut claim = Rich(vec![Inline::Local { text: name, id }, Inline::Break]);
            claim
                .add(row.text.clone())
                .push(Inline::Break)
                .add("verdict: ")
                .push(Inline::Word(row.status.clone()));
            let mut cells = vec![claim];
            for code in &shown {
                let mut cell = Rich::default();
                for account in row.accounts.iter().filter(|a| &a.column == *code) {
                    if !cell.is_empty() {
                        cell.push(Inline::Break).push(Inline::Break);
                    }
                    account_text(account, &mut cell, account.party != **code, gazetteer);
                }
                cells.push(cell);
            }
            cells.push(Rich::text(compare::figures_text(row, "\n")));
            cells
        })
        .collect();
    let mut table: Vec<Vec<Rich>> = table;
    let codes: Vec<String> = shown.iter().map(|c| c.to_string()).collect();
    for place in names::in_comparison(gazetteer, &rows) {
        let mut head = Rich::text(place.place.clone());
        head.push(Inline::Break).add("names each party uses");
        for line in place.unclaimed() {
            head.push(Inline::Break).add(line);
        }
        let mut cells = vec![head];
        for code in &codes {
            cells.push(Rich::text(place.cell(gazetteer, &rows, code, &codes, "\n")));
        }
        cells.push(Rich::default());
        table.push(cells);
    }
    blocks.push(Block::Table { headers, rows: table });
    Ok(())
}

/// One statement: "denies 2019-07-23: “…” — RU-MOD, Shoigu [figure]
/// (source)", and the names of places its words use.
fn account_text(account: &Account, rich: &mut Rich, show_party: bool, gazetteer: &Gazetteer) {
    rich.push(Inline::Word(account.stance.clone()));
    if !account.said_on.is_empty() {
        rich.add(format!(" {}", account.said_on));
    }
    rich.add(format!(": {}{}", account.words(None), account.attribution(show_party)));
    if !account.source.is_empty() {
        rich.add(" (");
        rich.push(source_link(&account.source));
        rich.add(")");
    }
    let used = names::used(gazetteer, &account.words);
    if !used.is_empty() {
        rich.push(Inline::Break).add(format!("names: {used}"));
    }
}

/// The statements with a date, one lane a party.
fn timeline(input: &Input<'_>, lanes: &[String], details: &[compare::Row]) -> Timeline {
    let mut timeline = Timeline {
        lanes: lanes.to_vec(),
        ..Timeline::default()
    };
    for (line, row) in input.lines.iter().zip(details) {
        let (name, id) = claim_name(&input.get(line, "handle"), &input.get(line, "slug"));
        for account in &row.accounts {
            let Some(lane) = lanes.iter().position(|l| *l == account.column) else {
                continue;
            };
            if account.said_on.is_empty() {
                timeline.undated += 1;
                continue;
            }
            timeline.events.push(Event {
                date: account.said_on.clone(),
                lane,
                party: account.party.clone(),
                stance: account.stance.clone(),
                claim_id: id.clone(),
                claim: name.clone(),
                words: account.words.clone(),
            });
        }
    }
    timeline
}

/// One claim: its verdict and reason, statements, evidence and sources.
fn detail(case: &Case, gazetteer: &Gazetteer, input: &Input<'_>, line: &Line, row: &compare::Row, blocks: &mut Vec<Block>) -> Result<()> {
    let accounts = &row.accounts;
    let (name, id) = claim_name(&input.get(line, "handle"), &input.get(line, "slug"));
    blocks.push(heading(3, &name, Some(&id)));
    blocks.push(Block::Paragraph(Rich(vec![Inline::Strong(input.get(line, "text").into_owned())])));
    let mut fields = vec![(
        "Verdict".to_string(),
        Rich(vec![Inline::Word(input.get(line, "status").into_owned())]),
    )];
    for (label, name) in [
        ("Reason", "reason"),
        ("Topic", "topic"),
        ("Claimed on", "claimed_on"),
        ("Appeared in", "appeared_in"),
    ] {
        let value = input.get(line, name);
        if !value.is_empty() {
            fields.push((label.to_string(), Rich::text(value)));
        }
    }
    let figure = crate::model::Figure::parse("figure", &input.get(line, "figure")).ok().flatten();
    if let Some(figure) = figure {
        fields.push(("Figure".to_string(), Rich::text(figure.with_unit(&input.get(line, "unit")))));
    }
    if !input.get(line, "status_at").is_empty() {
        fields.push((
            "Verdict set".to_string(),
            changed(&input.get(line, "status_at"), &input.get(line, "status_by")),
        ));
    }
    for place in names::in_comparison(gazetteer, std::slice::from_ref(row)) {
        let parts: Vec<String> = place
            .lines()
            .into_iter()
            .map(|(whose, names)| format!("{whose}: {names}"))
            .collect();
        fields.push((format!("Names of {}", place.place), Rich::text(parts.join("; "))));
    }
    blocks.push(Block::Fields(fields));

    blocks.push(heading(4, "Statements", None));
    let used: Vec<String> = accounts.iter().map(|a| names::used(gazetteer, &a.words)).collect();
    let any_used = used.iter().any(|u| !u.is_empty());
    let rows = accounts
        .iter()
        .zip(&used)
        .map(|(a, used)| {
            let mut words = Rich::text(a.words(None));
            if !a.speaker.is_empty() {
                words.add(format!(" — {}", a.speaker));
            }
            let source = if a.source.is_empty() {
                Rich::default()
            } else {
                Rich(vec![source_link(&a.source)])
            };
            let mut cells = vec![
                Rich::text(a.said_on.clone()),
                Rich::text(a.party.clone()),
                Rich(vec![Inline::Word(a.stance.clone())]),
                words,
                Rich::text(a.figure.map(|f| f.with_unit(&a.unit)).unwrap_or_default()),
                source,
            ];
            if any_used {
                cells.push(Rich::text(used.clone()));
            }
            cells
        })
        .collect();
    let mut headers = vec!["Date", "Party", "Stance", "Words", "Figure", "Source"];
    if any_used {
        headers.push("Names used");
    }
    table_or(blocks, &headers, rows, "No statements recorded.");

    blocks.push(heading(4, "Evidence", None));
    let rows: Vec<Vec<Rich>> = case
        .evidence_lines(line.id)?
        .into_iter()
        .map(|r| {
            vec![
                Rich(vec![Inline::Word(r[0].clone())]),
                Rich::text(r[1].clone()),
                Rich(vec![source_link(&r[2])]),
                Rich::text(r[3].clone()),
                Rich::text(r[4].clone()),
            ]
        })
        .collect();
    table_or(
        blocks,
        &["Relation", "Grade", "Source", "Excerpt", "Locator"],
        rows,
        "No evidence linked.",
    );

    let cited = case.cited_sources(line.id)?;
    if !cited.is_empty() {
        let mut sources = Rich::text("Sources: ");
        for (i, source) in cited.into_iter().enumerate() {
            if i > 0 {
                sources.add(", ");
            }
            sources.push(source_link(&source));
        }
        blocks.push(Block::Paragraph(sources));
    }
    competing_hypotheses(case, line.id, blocks)
}

/// A claim's competing hypotheses, where it has two or more: the matrix of
/// `crosscheck ach`, and what it says about the ranking.
fn competing_hypotheses(case: &Case, claim: i64, blocks: &mut Vec<Block>) -> Result<()> {
    if case.hypotheses(claim)?.len() < 2 {
        return Ok(());
    }
    let matrix = ach::build(case, &format_handle(Kind::Claim, claim))?;
    blocks.push(heading(4, "Competing hypotheses", None));
    blocks.push(Block::Paragraph(Rich::text(
        "The Analysis of Competing Hypotheses: each explanation of the claim, least inconsistent first, with the evidence and \
         statements rated against it (CC very consistent, C consistent, N neutral, NA not applicable, I inconsistent, II very \
         inconsistent). A hypothesis's score is the weighted sum of the evidence against it (I 1 point, II 2), each point weighted \
         by the evidence's credibility and the rating's relevance; statements show where each party stands and are not scored. \
         Diagnosticity is how far a row's ratings differ between hypotheses; none means the row cannot tell them apart.",
    )));
    blocks.push(Block::Fields(
        matrix
            .columns
            .iter()
            .map(|c| (c.handle.clone(), Rich::text(c.text.clone())))
            .collect(),
    ));
    let (columns, rows) = matrix.grid(View::Report);
    let shown: Vec<usize> = (0..columns.len()).filter(|i| columns[*i].in_table).collect();
    let at = |name: &str| columns.iter().position(|c| c.name == name);
    let (kind, from) = (at("kind"), at("from"));
    let headers = shown
        .iter()
        .map(|i| {
            let name = &columns[*i].name;
            name[..1].to_uppercase() + &name[1..]
        })
        .collect();
    let rows = rows
        .iter()
        .map(|row| {
            let evidence = kind.is_some_and(|k| row[k].text() == "evidence");
            shown
                .iter()
                .map(|i| match row[*i].text() {
                    text if evidence && Some(*i) == from => Rich(vec![source_link(&text)]),
                    text => Rich::text(text),
                })
                .collect()
        })
        .collect();
    blocks.push(Block::Table { headers, rows });
    blocks.extend(matrix.reading().into_iter().map(|line| Block::Paragraph(Rich::text(line))));
    Ok(())
}

/// Every source the claims cite, with links to the original and, marked as
/// such, to a copy.
fn sources(case: &Case, ids: &[i64], blocks: &mut Vec<Block>) -> Result<()> {
    blocks.push(heading(2, "Sources", Some("sources")));
    let rows: Vec<Vec<Rich>> = case
        .sources_of(ids)?
        .into_iter()
        .map(|s| {
            let mut links = Rich::default();
            if !s.url.is_empty() {
                links.push(Inline::Link {
                    text: s.url.clone(),
                    url: s.url.clone(),
                });
            }
            if !s.copy_url.is_empty() {
                if !links.is_empty() {
                    links.push(Inline::Break);
                }
                links.add("copy, not the original: ").push(Inline::Link {
                    text: s.copy_url.clone(),
                    url: s.copy_url,
                });
            }
            vec![
                Rich(vec![Inline::Anchor(source_id(&s.reference)), Inline::Text(s.reference)]),
                Rich::text(s.title),
                Rich::text(s.publisher),
                Rich::text(s.published),
                Rich::text(s.language),
                Rich::text(s.kind),
                Rich::text(s.reliability),
                links,
            ]
        })
        .collect();
    table_or(
        blocks,
        &[
            "Source",
            "Title",
            "Publisher",
            "Published",
            "Language",
            "Kind",
            "Reliability",
            "Address",
        ],
        rows,
        "These claims cite no sources.",
    );
    Ok(())
}
