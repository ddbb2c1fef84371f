//! The claims report: one row a claim with its evidence counts and each
//! party's stance, and for readers the whole story: the claims, the contested
//! ones side by side, a timeline of the statements, each claim in detail, and
//! the sources.

use anyhow::Result;

use super::{Block, ClaimStances, Contest, Event, Inline, Renderer, Rich, Summary, Tally, Timeline, Top, anchor};
use crate::domain::ach::{self, View};
use crate::domain::compare::{self, Account};
use crate::domain::names::{self, Gazetteer};
use crate::output::{Cell, Column};
use crate::store::listing::{ClaimFilter, Scope};
use crate::store::queries::PartyColumn as Party;
use crate::store::{Case, Claim, Kind, format_handle};

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

/// The most claims a page for readers shows in full (in the table of
/// claims, side by side, in detail and by their sources). Beyond it the page
/// shows the most contested, and its summary says what it leaves out: at
/// about 10 kB a claim, this keeps a page to a few megabytes that a browser
/// opens at once and a reader can still take in.
pub const IN_FULL: usize = 200;

/// Beyond this many claims shown in full, each claim's section and the
/// sources start folded, so that the page opens as a list of claims.
pub const FOLDED_BEYOND: usize = 50;

/// What the report is made from.
pub struct Input<'a> {
    pub title: String,
    pub intro: Vec<Rich>,
    /// Every party that spoke on these claims (a state with its bodies).
    pub speakers: &'a [Party],
    /// The party columns of the side-by-side comparison; by default those of
    /// `crosscheck compare`.
    pub compare: Option<&'a [Party]>,
    /// The flags that narrow the report, for the summary to name when the
    /// page leaves claims out: "--status, --topic or --since/--until".
    pub narrow: &'a str,
}

/// What a report for readers wrote.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// The claims the filters select.
    pub claims: usize,
    /// Those shown in full.
    pub in_full: usize,
}

/// What the first pass over the claims learns, in memory that does not
/// grow with their number: the summary, which claims the page shows in
/// full, and the timeline.
struct Overview {
    claims: usize,
    summary: Summary,
    /// The ids of the claims shown in full, in order.
    in_full: Vec<i64>,
    timeline: Timeline,
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
        folded: false,
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

/// Writes the report for readers in two passes over the claims, which the
/// caller runs in one read transaction: the first counts verdicts, ranks the
/// claims and gathers the timeline; the second writes the claims shown in
/// full, one at a time, as they are read.
pub fn write(case: &Case, filter: &ClaimFilter, scope: &Scope, input: &Input<'_>, renderer: &mut dyn Renderer) -> Result<Written> {
    let overview = overview(case, filter, scope, input)?;
    let mut columns: Vec<Column> = crate::store::listing::columns::<Claim>()
        .into_iter()
        .map(|(name, in_table)| Column { name, in_table })
        .collect();
    columns.extend(self::columns(input.speakers));
    let page = Page {
        case,
        input,
        columns,
        gazetteer: Gazetteer::load(case)?,
    };

    let mut intro = input.intro.clone();
    let tally: Vec<String> = overview.summary.verdicts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    intro.push(Rich::text(format!(
        "{} claims{}",
        overview.claims,
        if tally.is_empty() {
            String::new()
        } else {
            format!(": {}", tally.join(", "))
        }
    )));
    renderer.begin(&input.title, &intro)?;
    renderer.block(&Block::Summary(overview.summary.clone()))?;
    renderer.block(&Block::Paragraph(Rich::text(
        "How to read this report: a verdict is the desk's finding on a claim, with its reason. Evidence grades give the source's reliability \
         (A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged) and then \
         the information's credibility (1 confirmed by other sources, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged): \
         A1 is the strongest. A state's column includes its ministries and other bodies.",
    )))?;
    let lines = page.claims(filter, scope, &overview.in_full, renderer)?;
    page.comparison(&overview.in_full, renderer)?;
    renderer.block(&heading(2, "Timeline of statements", Some("timeline")))?;
    renderer.block(&Block::Timeline(overview.timeline))?;
    let folded = overview.in_full.len() > FOLDED_BEYOND;
    renderer.block(&heading(2, "Claims in detail", Some("details")))?;
    if folded {
        renderer.block(&Block::Paragraph(Rich::text(
            "Each claim's section is folded: open it by its heading, or follow a link to it.",
        )))?;
    }
    page.details(&overview.in_full, &lines, folded, renderer)?;
    page.sources(&overview.in_full, folded, renderer)?;
    renderer.end()?;
    Ok(Written {
        claims: overview.claims,
        in_full: lines.len(),
    })
}

/// The first pass: every claim the filters select, with its statements.
fn overview(case: &Case, filter: &ClaimFilter, scope: &Scope, input: &Input<'_>) -> Result<Overview> {
    let listing = crate::store::listing::columns::<Claim>();
    let at = |name: &str| listing.iter().position(|(n, _)| n == name);
    let (slug_at, status_at) = (at("slug"), at("status"));
    let codes: Vec<String> = input.speakers.iter().map(|p| p.code.clone()).collect();
    let mut timeline = Timeline {
        lanes: Timeline::lanes(&codes),
        ..Timeline::default()
    };
    // The claim of each event, while the timeline shows them one by one.
    let mut event_claims: Vec<i64> = Vec::new();
    let mut tally = Tally::default();
    // Ranked as the summary ranks the most contested, so that those it names
    // are on the page.
    let mut ranked: Top<Contest, i64> = Top::new(IN_FULL);
    let mut claims = 0;
    case.list_claims(filter, scope, &mut |id, cells| {
        claims += 1;
        let text = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(Cell::text).unwrap_or_default();
        let (name, anchor_id) = claim_name(&format_handle(Kind::Claim, id), &text(slug_at));
        let verdict = text(status_at);
        let mut stances = Vec::new();
        for account in case.accounts(id)? {
            let Some(party) = input
                .speakers
                .iter()
                .position(|p| p.id == account.party_id || p.id == account.root_id)
            else {
                continue;
            };
            stances.push((input.speakers[party].code.clone(), account.stance.clone()));
            if account.said_on.is_empty() {
                timeline.undated += 1;
                continue;
            }
            let words = if account.quote.is_empty() {
                &account.summary
            } else {
                &account.quote
            };
            let event = Event {
                lane: timeline.lane_of(party),
                date: account.said_on,
                party: account.party,
                stance: account.stance,
                claim_id: anchor_id.clone(),
                claim: name.clone(),
                words: crate::output::shorten(words, 240),
                count: 1,
            };
            timeline.add(event, id, &mut event_claims);
        }
        let contest = tally.add(ClaimStances {
            claim: name,
            id: anchor_id,
            verdict,
            stances,
        });
        ranked.add(contest, id);
        Ok(())
    })?;
    let mut in_full = ranked.into_best();
    in_full.sort_unstable();
    // A mark links to its claim's section only where the page has one.
    for (event, claim) in timeline.events.iter_mut().zip(&event_claims) {
        if in_full.binary_search(claim).is_err() {
            event.claim_id.clear();
        }
    }
    let mut summary = tally.summary();
    if claims > in_full.len() {
        let all = crate::model::grouped(claims as f64);
        summary.left_out = Some(format!(
            "This page shows {} of these {all} claims in full: the {} most contested (the most parties on another side than the largest, \
             then the most parties, then the earliest handle). The verdict counts and the timeline cover all {all}. To see others in full, \
             narrow the report with {}; --format csv writes every claim.",
            in_full.len(),
            in_full.len(),
            input.narrow
        ));
    }
    Ok(Overview {
        claims,
        summary,
        in_full,
        timeline,
    })
}

/// What the second pass writes with.
struct Page<'a> {
    case: &'a Case,
    input: &'a Input<'a>,
    /// The columns of a `Line`: the claim listing's, then `columns(speakers)`.
    columns: Vec<Column>,
    gazetteer: Gazetteer,
}

impl Page<'_> {
    fn get<'l>(&self, line: &'l Line, name: &str) -> std::borrow::Cow<'l, str> {
        match self.columns.iter().position(|c| c.name == name).and_then(|i| line.cells.get(i)) {
            Some(Cell::Text(t)) => t.as_str().into(),
            Some(other) => other.text().into(),
            None => "".into(),
        }
    }

    /// The table of claims shown in full, a row as each is read: verdict,
    /// evidence, each party's stance, last change. Returns their lines.
    fn claims(&self, filter: &ClaimFilter, scope: &Scope, in_full: &[i64], renderer: &mut dyn Renderer) -> Result<Vec<Line>> {
        renderer.block(&heading(2, "Claims", Some("claims")))?;
        if in_full.is_empty() {
            renderer.block(&Block::Paragraph(Rich::text("No claims match.")))?;
            return Ok(Vec::new());
        }
        let headers = ["Claim", "Verdict", "Evidence", "Stances", "Verdict set"].map(String::from);
        renderer.table_start(&headers)?;
        let only = ClaimFilter {
            only: Some(in_full.to_vec()),
            ..filter.clone()
        };
        let mut lines = Vec::new();
        self.case.list_claims(&only, scope, &mut |id, mut cells| {
            fill(self.case, self.input.speakers, id, &mut cells)?;
            let line = Line { id, cells };
            renderer.table_row(&self.claim_row(&line))?;
            lines.push(line);
            Ok(())
        })?;
        renderer.table_end()?;
        Ok(lines)
    }

    fn claim_row(&self, line: &Line) -> Vec<Rich> {
        let (name, id) = claim_name(&self.get(line, "handle"), &self.get(line, "slug"));
        let mut claim = Rich(vec![Inline::Local { text: name, id }, Inline::Break]);
        claim.add(self.get(line, "text"));
        let mut evidence = Rich::default();
        for (count, best, word) in [
            ("supporting", "supporting_best", "supporting"),
            ("refuting", "refuting_best", "refuting"),
        ] {
            let n = self.get(line, count);
            if n != "0" {
                if !evidence.is_empty() {
                    evidence.push(Inline::Break);
                }
                evidence.add(format!("{n} {word} (best {})", self.get(line, best)));
            }
        }
        if evidence.is_empty() {
            evidence.add("none supporting or refuting");
        }
        let mut stances = Rich::default();
        for party in self.input.speakers {
            let taken = self.get(line, &format!("{STANCE_PREFIX}{}", party.code));
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
            Rich(vec![Inline::Word(self.get(line, "status").into_owned())]),
            evidence,
            stances,
            changed(&self.get(line, "status_at"), &self.get(line, "status_by")),
        ]
    }

    /// The contested claims among those shown in full, side by side.
    fn comparison(&self, in_full: &[i64], renderer: &mut dyn Renderer) -> Result<()> {
        let case = self.case;
        renderer.block(&heading(2, "Contested claims side by side", Some("compare")))?;
        let named = self
            .input
            .compare
            .map(|parties| parties.iter().map(|p| p.code.clone()).collect::<Vec<_>>().join(","));
        let contested = if in_full.is_empty() {
            Vec::new()
        } else {
            case.contested_among(in_full)?
        };
        let (rows, codes) = if contested.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            compare::build(case, compare::Claims::Ids(contested), named.as_deref())?
        };
        if rows.is_empty() {
            renderer.block(&Block::Paragraph(Rich::text(
                "None of these claims is contested: none has statements whose stances differ, and none is marked disputed.",
            )))?;
            return Ok(());
        }
        renderer.block(&Block::Paragraph(Rich::text(
            "Claims whose parties take different stances, or that are marked disputed: what each party said, when, and where it is recorded.",
        )))?;
        let shown: Vec<&String> = codes
            .iter()
            .filter(|code| rows.iter().any(|r| r.accounts.iter().any(|a| &a.column == *code)))
            .collect();
        let mut headers = vec!["Claim".to_string()];
        headers.extend(shown.iter().map(|c| c.to_string()));
        headers.push("Figures".to_string());
        renderer.table_start(&headers)?;
        for row in &rows {
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
                    account_text(account, &mut cell, account.party != **code, &self.gazetteer);
                }
                cells.push(cell);
            }
            cells.push(Rich::text(compare::figures_text(row, "\n")));
            renderer.table_row(&cells)?;
        }
        let codes: Vec<String> = shown.iter().map(|c| c.to_string()).collect();
        let seen = names::Seen::of(&self.gazetteer, &rows);
        for place in names::in_comparison(&self.gazetteer, &seen) {
            let mut head = Rich::text(place.place.clone());
            head.push(Inline::Break).add("names each party uses");
            for line in place.unclaimed() {
                head.push(Inline::Break).add(line);
            }
            let mut cells = vec![head];
            for code in &codes {
                cells.push(Rich::text(place.cell(&seen, code, &codes, "\n")));
            }
            cells.push(Rich::default());
            renderer.table_row(&cells)?;
        }
        renderer.table_end()?;
        Ok(())
    }

    /// Each claim shown in full, written as it is read.
    fn details(&self, in_full: &[i64], lines: &[Line], folded: bool, renderer: &mut dyn Renderer) -> Result<()> {
        if in_full.is_empty() {
            return Ok(());
        }
        let speakers: Vec<String> = self.input.speakers.iter().map(|p| p.code.clone()).collect();
        let speakers = (!speakers.is_empty()).then(|| speakers.join(","));
        let plan = compare::plan(self.case, compare::Claims::Ids(in_full.to_vec()), speakers.as_deref())?;
        plan.each(self.case, |row| {
            let Some(line) = lines.iter().find(|l| l.id == row.claim_id) else {
                return Ok(());
            };
            let mut blocks = Vec::new();
            detail(self.case, &self.gazetteer, self, line, &row, folded, &mut blocks)?;
            for block in &blocks {
                renderer.block(block)?;
            }
            Ok(())
        })
    }

    /// Every source the claims shown in full cite, as it is read, with links
    /// to the original and, marked as such, to a copy.
    fn sources(&self, in_full: &[i64], folded: bool, renderer: &mut dyn Renderer) -> Result<()> {
        renderer.block(&Block::Heading {
            level: 2,
            text: Rich::text("Sources"),
            id: Some("sources".to_string()),
            folded,
        })?;
        let mut any = false;
        if !in_full.is_empty() {
            self.case.sources_of(in_full, &mut |s| {
                if !any {
                    any = true;
                    renderer.table_start(
                        &[
                            "Source",
                            "Title",
                            "Publisher",
                            "Published",
                            "Language",
                            "Kind",
                            "Reliability",
                            "Address",
                        ]
                        .map(String::from),
                    )?;
                }
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
                renderer.table_row(&[
                    Rich(vec![Inline::Anchor(source_id(&s.reference)), Inline::Text(s.reference)]),
                    Rich::text(s.title),
                    Rich::text(s.publisher),
                    Rich::text(s.published),
                    Rich::text(s.language),
                    Rich::text(s.kind),
                    Rich::text(s.reliability),
                    links,
                ])?;
                Ok(())
            })?;
        }
        if any {
            renderer.table_end()?;
        } else {
            renderer.block(&Block::Paragraph(Rich::text("These claims cite no sources.")))?;
        }
        Ok(())
    }
}

/// When a verdict was set and by whom: "2019-07-24 by seed".
fn changed(at: &str, by: &str) -> Rich {
    let mut text = at.get(..10).unwrap_or(at).to_string();
    if !by.is_empty() {
        text.push_str(&format!(" by {by}"));
    }
    Rich::text(text.trim())
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

/// One claim: its verdict and reason, statements, evidence and sources.
fn detail(
    case: &Case,
    gazetteer: &Gazetteer,
    input: &Page<'_>,
    line: &Line,
    row: &compare::Row,
    folded: bool,
    blocks: &mut Vec<Block>,
) -> Result<()> {
    let accounts = &row.accounts;
    let (name, id) = claim_name(&input.get(line, "handle"), &input.get(line, "slug"));
    blocks.push(Block::Heading {
        level: 3,
        text: Rich::text(&name),
        id: Some(id),
        folded,
    });
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
    for place in names::in_comparison(gazetteer, &names::Seen::of(gazetteer, std::slice::from_ref(row))) {
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
