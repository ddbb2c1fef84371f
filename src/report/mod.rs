//! Reports to publish or hand on. A report for readers is written block by
//! block, as its records are read, through a `Renderer` for HTML or
//! Markdown, so that both say the same; tables of records stream through the
//! same renderers as `output::Sink`s.
//! Also here: the date range that list and report filters share, and
//! writing a file atomically.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::atomic::Target;
use crate::error::UserError;
use crate::model::parse_date;
use crate::output::{Cell, Column, Sink};

pub mod claims;
pub mod html;
pub mod markdown;

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Comma-separated values, with a header row; imports back.
    Csv,
    /// Tab-separated values, with a header row; imports back.
    Tsv,
    /// One JSON array of objects; imports back.
    Json,
    /// One JSON object per line; imports back.
    Jsonl,
    /// Markdown, for publication notes.
    Md,
    /// One self-contained HTML page, for readers and print.
    Html,
}

impl ReportFormat {
    /// The format a file name's extension asks for.
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => ReportFormat::Csv,
            "tsv" | "tab" => ReportFormat::Tsv,
            "json" => ReportFormat::Json,
            "jsonl" | "ndjson" => ReportFormat::Jsonl,
            "md" | "markdown" => ReportFormat::Md,
            "html" | "htm" => ReportFormat::Html,
            _ => return None,
        })
    }

    /// The listing format for the formats that `output` writes.
    pub fn listing(self) -> Option<crate::output::Format> {
        use crate::output::Format;
        match self {
            ReportFormat::Csv => Some(Format::Csv),
            ReportFormat::Tsv => Some(Format::Tsv),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Jsonl => Some(Format::Jsonl),
            ReportFormat::Md | ReportFormat::Html => None,
        }
    }
}

// ---------------------------------------------------------------- documents

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    /// A verdict or stance word, shown as a badge in HTML.
    Word(String),
    /// A link to a web address (checked: http or https only).
    Link {
        text: String,
        url: String,
    },
    /// A link to a part of the same document, by its id.
    Local {
        text: String,
        id: String,
    },
    /// A line break.
    Break,
    /// A place other parts of the document link to (nothing shows).
    Anchor(String),
}

/// Running text: a sequence of inlines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rich(pub Vec<Inline>);

impl Rich {
    pub fn text(text: impl Into<String>) -> Rich {
        Rich(vec![Inline::Text(text.into())])
    }

    pub fn push(&mut self, inline: Inline) -> &mut Self {
        self.0.push(inline);
        self
    }

    pub fn add(&mut self, text: impl Into<String>) -> &mut Self {
        self.push(Inline::Text(text.into()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A block of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading, level 2 or more (the title is level 1), with an id to link
    /// to. In HTML a section of level 2 or 3 folds; `folded` starts it closed.
    Heading {
        level: u8,
        text: Rich,
        id: Option<String>,
        folded: bool,
    },
    Paragraph(Rich),
    /// Named values: "Verdict: supported".
    Fields(Vec<(String, Rich)>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<Rich>>,
    },
    Timeline(Timeline),
    /// The report at a glance, before the rest.
    Summary(Summary),
}

/// The report at a glance: how many claims have each verdict, and the claims
/// on which most parties disagree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Each verdict that some claim has, with its number of claims, in the
    /// order verdicts are listed everywhere.
    pub verdicts: Vec<(String, usize)>,
    /// At most `Summary::CONTESTED` claims, the most contested first.
    pub contested: Vec<Contested>,
    /// What the page leaves out, and how to see it, when it does not show
    /// every claim in full.
    pub left_out: Option<String>,
}

/// A claim on which parties take different stances.
#[derive(Debug, Clone, PartialEq)]
pub struct Contested {
    /// The claim's name (`C6 vostok-2018-troops`) and its section's id.
    pub claim: String,
    pub id: String,
    pub verdict: String,
    /// Each stance taken, with the parties that take it; the stance most
    /// parties take first.
    pub sides: Vec<(String, Vec<String>)>,
}

/// What the summary is made from: one claim and every statement on it, as
/// (party, stance), in the order the statements were made.
#[derive(Debug, Clone)]
pub struct ClaimStances {
    pub claim: String,
    pub id: String,
    pub verdict: String,
    pub stances: Vec<(String, String)>,
}

impl Summary {
    /// How many contested claims the summary names.
    pub const CONTESTED: usize = 5;

    /// Counts the verdicts and ranks the contested claims (see `Tally`).
    pub fn new(claims: impl IntoIterator<Item = ClaimStances>) -> Summary {
        let mut tally = Tally::default();
        for claim in claims {
            tally.add(claim);
        }
        tally.summary()
    }
}

/// How contested a claim is, to rank claims by: the number of parties
/// outside the largest side (two against two before one against four), then
/// the number of parties; (0, 0) for a claim whose parties agree.
pub type Contest = (usize, usize);

/// The summary gathered claim by claim, in memory that does not grow with
/// the number of claims: the verdict counts, and the most contested claims.
pub struct Tally {
    counts: BTreeMap<String, usize>,
    contested: Top<Contest, Contested>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            counts: BTreeMap::new(),
            contested: Top::new(Summary::CONTESTED),
        }
    }
}

impl Tally {
    /// Counts one claim and ranks it: it is contested when at least two
    /// parties take different stances. Returns how contested it is.
    pub fn add(&mut self, claim: ClaimStances) -> Contest {
        *self.counts.entry(claim.verdict.clone()).or_default() += 1;
        let mut sides: Vec<(String, Vec<String>)> = Vec::new();
        for (party, stance) in &claim.stances {
            let side = match sides.iter().position(|(s, _)| s == stance) {
                Some(i) => i,
                None => {
                    sides.push((stance.clone(), Vec::new()));
                    sides.len() - 1
                }
            };
            if !sides[side].1.contains(party) {
                sides[side].1.push(party.clone());
            }
        }
        // Stable: among sides of one size, the stance taken first leads.
        sides.sort_by_key(|(_, parties)| std::cmp::Reverse(parties.len()));
        let mut parties: Vec<&String> = sides.iter().flat_map(|(_, p)| p).collect();
        parties.sort();
        parties.dedup();
        let outside = parties.iter().filter(|p| !sides[0].1.contains(p)).count();
        if sides.len() < 2 || parties.len() < 2 || outside == 0 {
            return (0, 0);
        }
        let contest = (outside, parties.len());
        self.contested.add(
            contest,
            Contested {
                claim: claim.claim,
                id: claim.id,
                verdict: claim.verdict,
                sides,
            },
        );
        contest
    }

    pub fn summary(mut self) -> Summary {
        let mut verdicts: Vec<(String, usize)> = crate::model::Status::ALL
            .iter()
            .filter_map(|s| self.counts.remove(s.as_str()).map(|n| (s.as_str().to_string(), n)))
            .collect();
        verdicts.extend(self.counts);
        Summary {
            verdicts,
            contested: self.contested.into_best(),
            left_out: None,
        }
    }
}

/// The `keep` items with the greatest keys of any number that pass, the
/// earliest first among equal keys.
pub struct Top<K: Ord, T> {
    keep: usize,
    passed: usize,
    /// The least kept on top.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<Ranked<K, T>>>,
}

impl<K: Ord, T> Top<K, T> {
    pub fn new(keep: usize) -> Self {
        Top {
            keep,
            passed: 0,
            heap: std::collections::BinaryHeap::new(),
        }
    }

    pub fn add(&mut self, key: K, item: T) {
        self.passed += 1;
        self.heap.push(std::cmp::Reverse(Ranked {
            key,
            order: std::cmp::Reverse(self.passed),
            item,
        }));
        if self.heap.len() > self.keep {
            self.heap.pop();
        }
    }

    /// The items kept, the greatest first.
    pub fn into_best(self) -> Vec<T> {
        let mut kept: Vec<Ranked<K, T>> = self.heap.into_iter().map(|r| r.0).collect();
        kept.sort_by(|a, b| b.cmp(a));
        kept.into_iter().map(|r| r.item).collect()
    }
}

/// An item ranked by its key, then by the order it came in (earlier first).
pub struct Ranked<K, T> {
    key: K,
    order: std::cmp::Reverse<usize>,
    item: T,
}

impl<K: Ord, T> PartialEq for Ranked<K, T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl<K: Ord, T> Eq for Ranked<K, T> {}
impl<K: Ord, T> PartialOrd for Ranked<K, T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, T> Ord for Ranked<K, T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.key, self.order).cmp(&(&other.key, other.order))
    }
}

/// Statements by date and party.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// One lane a party, top to bottom.
    pub lanes: Vec<String>,
    pub events: Vec<Event>,
    /// Statements left out because they carry no date.
    pub undated: usize,
    /// Whether there were too many dated statements to show one by one
    /// (more than `Timeline::ONE_BY_ONE`): each event then counts the
    /// statements of one lane, one stance and one month (or year).
    pub grouped: bool,
    /// The event of each (lane, stance, period), while grouping.
    groups: HashMap<(usize, String, String), usize>,
}

impl Timeline {
    /// The most dated statements a timeline shows one by one.
    pub const ONE_BY_ONE: usize = 1000;
    /// The most lanes: the parties with most statements, then one lane for
    /// all the others.
    pub const LANES: usize = 24;

    /// The lanes for these parties, most statements first: one each, or,
    /// beyond `LANES`, one for all the rest.
    pub fn lanes(parties: &[String]) -> Vec<String> {
        if parties.len() <= Timeline::LANES {
            return parties.to_vec();
        }
        let mut lanes = parties[..Timeline::LANES - 1].to_vec();
        lanes.push(format!("{} others", parties.len() - (Timeline::LANES - 1)));
        lanes
    }

    /// The lane of the party at this position among the parties.
    pub fn lane_of(&self, party: usize) -> usize {
        party.min(self.lanes.len().saturating_sub(1))
    }

    /// Adds a statement: one event while there are few, else to the count
    /// of its lane, stance and month (its year when it is dated only to
    /// one). `claim` is its claim's id, kept in `claims` beside the events.
    pub fn add(&mut self, event: Event, claim: i64, claims: &mut Vec<i64>) {
        if !self.grouped && self.events.len() < Timeline::ONE_BY_ONE {
            self.events.push(event);
            claims.push(claim);
            return;
        }
        if !self.grouped {
            self.grouped = true;
            claims.clear();
            let events = std::mem::take(&mut self.events);
            for event in events {
                self.count(&event);
            }
        }
        self.count(&event);
    }

    fn count(&mut self, event: &Event) {
        let period = event.date.get(..7).unwrap_or(&event.date).to_string();
        let key = (event.lane, event.stance.clone(), period);
        match self.groups.get(&key) {
            Some(at) => self.events[*at].count += event.count,
            None => {
                self.groups.insert(key.clone(), self.events.len());
                self.events.push(Event {
                    date: key.2,
                    lane: event.lane,
                    party: self.lanes.get(event.lane).cloned().unwrap_or_default(),
                    stance: key.1,
                    claim_id: String::new(),
                    claim: String::new(),
                    words: String::new(),
                    count: event.count,
                });
            }
        }
    }
}

/// One statement on the timeline, or, in a grouped timeline, the number of
/// statements of one lane, stance and period.
#[derive(Debug, Clone)]
pub struct Event {
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    pub lane: usize,
    pub party: String,
    pub stance: String,
    /// The claim, as its section's id (empty when the page does not show
    /// it), and its name.
    pub claim_id: String,
    pub claim: String,
    pub words: String,
    /// How many statements: 1 for a statement.
    pub count: usize,
}

/// What writes documents and tables in one format.
pub trait Renderer {
    fn begin(&mut self, title: &str, intro: &[Rich]) -> std::io::Result<()>;
    fn block(&mut self, block: &Block) -> std::io::Result<()>;
    fn table_start(&mut self, headers: &[String]) -> std::io::Result<()>;
    fn table_row(&mut self, cells: &[Rich]) -> std::io::Result<()>;
    fn table_end(&mut self) -> std::io::Result<()>;
    fn end(&mut self) -> std::io::Result<()>;
}

/// The renderer for Markdown or HTML.
pub fn renderer<'a>(format: ReportFormat, out: Box<dyn Write + 'a>) -> Box<dyn Renderer + 'a> {
    match format {
        ReportFormat::Html => Box::new(html::Html::new(out)),
        _ => Box::new(markdown::Markdown::new(out)),
    }
}

/// Writes a table block through the renderer's table calls.
pub fn table(renderer: &mut dyn Renderer, headers: &[String], rows: &[Vec<Rich>]) -> std::io::Result<()> {
    renderer.table_start(headers)?;
    for row in rows {
        renderer.table_row(row)?;
    }
    renderer.table_end()
}

/// A listing as a Markdown or HTML table, row by row, so that large reports
/// stream like CSV does.
pub fn table_sink<'a>(
    format: ReportFormat,
    title: &str,
    intro: &[Rich],
    columns: Vec<Column>,
    out: Box<dyn Write + 'a>,
) -> Result<Box<dyn Sink + 'a>> {
    let mut renderer = renderer(format, out);
    renderer.begin(title, intro)?;
    let headers: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    renderer.table_start(&headers)?;
    Ok(Box::new(TableSink { renderer, columns }))
}

struct TableSink<'a> {
    renderer: Box<dyn Renderer + 'a>,
    columns: Vec<Column>,
}

impl Sink for TableSink<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        let cells: Vec<Rich> = self
            .columns
            .iter()
            .zip(&cells)
            .map(|(column, cell)| cell_text(&column.name, cell))
            .collect();
        self.renderer.table_row(&cells)?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.renderer.table_end()?;
        self.renderer.end()?;
        Ok(())
    }
}

/// A listing's cell for readers: web addresses become links, a copy's
/// address is marked as a copy.
fn cell_text(column: &str, cell: &Cell) -> Rich {
    let text = cell.text();
    match column {
        "url" | "copy_url" if web_address(&text).is_some() => {
            let label = if column == "copy_url" {
                format!("copy: {text}")
            } else {
                text.clone()
            };
            Rich(vec![Inline::Link { text: label, url: text }])
        }
        _ => Rich::text(text),
    }
}

/// An id for a part of a document, from a handle, slug or code: letters,
/// digits, '-', '_' and '.' stay, anything else becomes '-'.
pub fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The address, when it is one a reader may follow: http or https, without
/// spaces, quotes or control characters. Anything else is shown as text.
pub fn web_address(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    (scheme_ok && clean && url.len() > 8).then_some(url)
}

/// Text made safe to show: control characters and text-direction overrides
/// become visible escapes (as in tables), tabs and newlines stay, and a
/// carriage return before a newline goes.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split('\t')
        .map(crate::output::inert)
        .collect::<Vec<_>>()
        .join("\t")
}

// ---------------------------------------------------------------- files

/// Writes a report to a checked file, or to stdout when there is none.
pub fn write_to(target: Option<&Target>, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match target {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
        Some(target) => write_atomically(target, write),
    }
}

/// Writes a report file atomically, replacing what was there: see
/// `atomic::write_file`.
pub fn write_atomically(target: &Target, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    crate::atomic::write_file(target, true, |file| {
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        out.flush()?;
        Ok(0)
    })?;
    Ok(())
}

/// A date range for filters: `--since 2019-07 --until 2019-07-31`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DateRange {
    /// Only those dated on or after DATE: YYYY-MM-DD, YYYY-MM or YYYY (a year or month counts as all its days).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only those dated on or before DATE: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

impl DateRange {
    /// The bounds as whole days: the first day of `since`, the last of
    /// `until`. Checks both and that they are in order.
    pub fn bounds(&self) -> Result<(Option<String>, Option<String>), UserError> {
        let since = match &self.since {
            Some(v) => Some(pad(&parse_date("since", v)?, "-01-01")),
            None => None,
        };
        let until = match &self.until {
            Some(v) => Some(pad(&parse_date("until", v)?, "-12-31")),
            None => None,
        };
        if let (Some(s), Some(u)) = (&since, &until)
            && s > u
        {
            return Err(UserError::invalid(
                "until",
                self.until.as_deref().unwrap_or_default(),
                format!("allowed: a date on or after --since {}", self.since.as_deref().unwrap_or_default()),
            ));
        }
        Ok((since, until))
    }

    /// The bounds as the data layer takes them.
    pub fn dates(&self) -> Result<crate::store::listing::Dates, UserError> {
        let (since, until) = self.bounds()?;
        Ok(crate::store::listing::Dates { since, until })
    }
}

/// Completes a date given to the year or month: `2019` + `-12-31`.
fn pad(date: &str, tail: &str) -> String {
    let missing = 10usize.saturating_sub(date.len());
    format!("{date}{}", &tail[tail.len() - missing..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(name: &str, verdict: &str, stances: &[(&str, &str)]) -> ClaimStances {
        ClaimStances {
            claim: name.into(),
            id: anchor(name),
            verdict: verdict.into(),
            stances: stances.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect(),
        }
    }

    #[test]
    fn the_summary_counts_verdicts_and_ranks_claims_by_parties_on_other_sides() {
        let summary = Summary::new([
            claim("C1", "supported", &[("RU", "affirms"), ("CN", "affirms")]),
            claim(
                "C2",
                "disputed",
                &[("RU", "affirms"), ("GB", "disputes"), ("voa", "disputes"), ("JP", "disputes")],
            ),
            claim(
                "C3",
                "refuted",
                &[("RU", "denies"), ("CN", "denies"), ("KR", "affirms"), ("JP", "affirms")],
            ),
            claim("C4", "supported", &[("RU", "affirms"), ("RU", "qualifies")]),
            claim("C5", "misleading", &[("CN", "affirms"), ("JP", "qualifies")]),
        ]);
        assert_eq!(
            summary.verdicts,
            [("supported", 2), ("refuted", 1), ("misleading", 1), ("disputed", 1)].map(|(v, n)| (v.to_string(), n))
        );
        let names: Vec<&str> = summary.contested.iter().map(|c| c.claim.as_str()).collect();
        assert_eq!(
            names,
            ["C3", "C2", "C5"],
            "two against two, then one against three, then one against one"
        );
        let sides = |c: &Contested| c.sides.iter().map(|(s, p)| format!("{s}: {}", p.join(" "))).collect::<Vec<_>>();
        assert_eq!(sides(&summary.contested[0]), ["denies: RU CN", "affirms: KR JP"]);
        assert_eq!(sides(&summary.contested[1]), ["disputes: GB voa JP", "affirms: RU"]);
    }

    #[test]
    fn the_most_contested_are_kept_however_many_pass() {
        let mut top = Top::new(3);
        for (i, key) in [(1, 2), (0, 0), (2, 3), (1, 2), (2, 3), (0, 0), (1, 3)].into_iter().enumerate() {
            top.add(key, i);
        }
        // The greatest keys, the earliest first among equals.
        assert_eq!(top.into_best(), [2, 4, 6]);
    }

    #[test]
    fn a_timeline_of_many_statements_counts_them_by_party_stance_and_month() {
        let mut timeline = Timeline {
            lanes: Timeline::lanes(&["RU".to_string(), "KR".to_string()]),
            ..Timeline::default()
        };
        let mut claims = Vec::new();
        let event = |date: &str, lane: usize, stance: &str| Event {
            date: date.into(),
            lane,
            party: "RU-MOD".into(),
            stance: stance.into(),
            claim_id: "c".into(),
            claim: "C1".into(),
            words: "words".into(),
            count: 1,
        };
        for i in 0..Timeline::ONE_BY_ONE {
            timeline.add(
                event(&format!("2019-07-{:02}", i % 28 + 1), i % 2, "affirms"),
                i as i64,
                &mut claims,
            );
        }
        assert!(!timeline.grouped);
        assert_eq!((timeline.events.len(), claims.len()), (Timeline::ONE_BY_ONE, Timeline::ONE_BY_ONE));
        timeline.add(event("2019", 1, "denies"), 0, &mut claims);
        assert!(timeline.grouped && claims.is_empty());
        let counts: Vec<(&str, usize, &str, usize)> = timeline
            .events
            .iter()
            .map(|e| (e.date.as_str(), e.lane, e.stance.as_str(), e.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("2019-07", 0, "affirms", 500),
                ("2019-07", 1, "affirms", 500),
                ("2019", 1, "denies", 1)
            ]
        );
        assert_eq!(timeline.events[1].party, "KR", "a count is its lane's");
        // Beyond 24 parties, the rest share one lane.
        let parties: Vec<String> = (0..30).map(|i| format!("P{i}")).collect();
        let lanes = Timeline::lanes(&parties);
        assert_eq!(lanes.len(), Timeline::LANES);
        assert_eq!(lanes.last().unwrap(), "7 others");
    }

    #[test]
    fn partial_dates_become_whole_days() {
        assert_eq!(pad("2019", "-12-31"), "2019-12-31");
        assert_eq!(pad("2019-07", "-12-31"), "2019-07-31");
        assert_eq!(pad("2019-07-23", "-12-31"), "2019-07-23");
        assert_eq!(pad("2019-02", "-01-01"), "2019-02-01");
        let range = DateRange {
            since: Some("2019".into()),
            until: Some("2018-05".into()),
        };
        assert!(range.bounds().unwrap_err().to_string().contains("on or after --since 2019"));
    }
}
