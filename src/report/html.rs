//! HTML: one self-contained page that prints well. No scripts, no outside
//! styles, fonts or images, and a Content-Security-Policy that forbids them
//! should anything slip through; every piece of text is escaped, and only
//! http and https addresses become links.

use std::io::{Result, Write};

use super::{Block, Event, Inline, Renderer, Rich, Summary, Timeline, anchor, clean, web_address};

pub struct Html<'a> {
    out: Box<dyn Write + 'a>,
    /// The levels of the headings whose sections are open as `<details>`,
    /// outermost first.
    sections: Vec<u8>,
    /// The class of each column of the table being written.
    columns: Vec<String>,
}

impl<'a> Html<'a> {
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Html {
            out,
            sections: Vec::new(),
            columns: Vec::new(),
        }
    }

    fn rich(&mut self, rich: &Rich) -> Result<()> {
        for inline in &rich.0 {
            match inline {
                Inline::Text(t) => write!(self.out, "{}", keep_dates_whole(&escape(t)))?,
                Inline::Strong(t) => write!(self.out, "<strong>{}</strong>", escape(t))?,
                Inline::Word(w) => write!(self.out, "<span class=\"word w-{}\">{}</span>", word_class(w), escape(w))?,
                Inline::Link { text, url } => match web_address(url) {
                    Some(url) => write!(
                        self.out,
                        "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                        escape(url),
                        escape(text)
                    )?,
                    None => write!(self.out, "{}", escape(text))?,
                },
                Inline::Local { text, id } => write!(self.out, "<a href=\"#{}\">{}</a>", escape(id), escape(text))?,
                Inline::Break => write!(self.out, "<br>")?,
                Inline::Anchor(id) => write!(self.out, "<span id=\"{}\"></span>", escape(id))?,
            }
        }
        Ok(())
    }

    /// Closes the sections of headings at `level` or deeper.
    fn close_sections(&mut self, level: u8) -> Result<()> {
        while self.sections.last().is_some_and(|open| *open >= level) {
            self.sections.pop();
            writeln!(self.out, "</details>")?;
        }
        Ok(())
    }

    fn summary(&mut self, summary: &Summary) -> Result<()> {
        self.close_sections(2)?;
        writeln!(
            self.out,
            "<section class=\"summary\" aria-labelledby=\"summary\"><h2 id=\"summary\">At a glance</h2>"
        )?;
        if !summary.verdicts.is_empty() {
            write!(self.out, "<ul class=\"verdicts\">")?;
            for (verdict, count) in &summary.verdicts {
                write!(
                    self.out,
                    "<li><span class=\"count\">{count}</span> <span class=\"word w-{}\">{}</span></li>",
                    word_class(verdict),
                    escape(verdict)
                )?;
            }
            writeln!(self.out, "</ul>")?;
        }
        if let Some(left_out) = &summary.left_out {
            writeln!(self.out, "<p class=\"left-out\">{}</p>", keep_dates_whole(&escape(left_out)))?;
        }
        if summary.contested.is_empty() {
            writeln!(self.out, "<p>No claim has parties on different sides.</p>")?;
        } else {
            writeln!(
                self.out,
                "<p class=\"lead\">Most contested: the claims with the most parties on another side than the largest.</p>\n<ol class=\"contested\">"
            )?;
            for claim in &summary.contested {
                write!(
                    self.out,
                    "<li><a href=\"#{}\">{}</a> <span class=\"word w-{}\">{}</span><br>",
                    escape(&claim.id),
                    escape(&claim.claim),
                    word_class(&claim.verdict),
                    escape(&claim.verdict)
                )?;
                for (i, (stance, parties)) in claim.sides.iter().enumerate() {
                    if i > 0 {
                        write!(self.out, "; ")?;
                    }
                    write!(
                        self.out,
                        "<span class=\"side\">{} <span class=\"word w-{}\">{}</span></span>",
                        escape(&parties.join(", ")),
                        word_class(stance),
                        escape(stance)
                    )?;
                }
                writeln!(self.out, "</li>")?;
            }
            writeln!(self.out, "</ol>")?;
        }
        writeln!(self.out, "</section>")
    }

    fn timeline(&mut self, timeline: &Timeline) -> Result<()> {
        let dated = dated(&timeline.events);
        if dated.is_empty() {
            return writeln!(self.out, "<p>No dated statements.</p>");
        }
        let (from, to) = whole_range(&dated);
        // Counts by month where a month is narrower than a mark would run
        // together into one bar a lane: the whole range counts by year.
        let month = (PLOT_RIGHT - PLOT_LEFT) / ((to - from) as f64 / 30.44);
        let yearly = if timeline.grouped && month < 2.0 * DOT {
            by_year(&timeline.events)
        } else {
            Vec::new()
        };
        let whole = if yearly.is_empty() {
            chart(timeline, &dated, from, to, true)
        } else {
            chart(timeline, &self::dated(&yearly), from, to, true)
        };
        writeln!(self.out, "<figure class=\"timeline\"><div class=\"scroll\">{whole}</div>")?;
        let all: usize = dated.iter().map(|d| d.event.count).sum();
        for (start, end) in close_ups(&dated, from, to) {
            let shown: usize = dated.iter().filter(|d| d.from < end && d.to > start).map(|d| d.event.count).sum();
            writeln!(
                self.out,
                "<p class=\"chart-title\">Close-up of {} to {}: {} of the {} dated statements</p>",
                month_year(start),
                month_year(end - 1),
                crate::model::grouped(shown as f64),
                crate::model::grouped(all as f64)
            )?;
            writeln!(
                self.out,
                "<div class=\"scroll\">{}</div>",
                chart(timeline, &dated, start, end, false)
            )?;
        }
        write!(
            self.out,
            "<figcaption>Each mark is a statement, placed by its date on a time scale, in the row of its party (a state's row includes its bodies). \
             A dot is dated to the day; a bar spans the month or year a statement is dated to only; a number counts statements too close together to draw apart. \
             Point at a mark for the words; follow it to the claim."
        )?;
        if timeline.grouped {
            write!(
                self.out,
                " There are {} dated statements, too many to draw one by one: each mark counts a party's statements in one month, or in one year \
                 where a chart spans too many years to draw months apart (and for statements dated only to the year); marks that would \
                 overlap are counted together.",
                crate::model::grouped(all as f64)
            )?;
        }
        if timeline.undated > 0 {
            write!(self.out, " {} statements without a date are not shown.", timeline.undated)?;
        }
        writeln!(self.out, "</figcaption></figure>")
    }
}

/// How a table cell may wrap.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CellKind {
    /// One word with no space: a handle, slug, code, date, grade, stance or
    /// verdict. It never breaks; its column grows to hold it.
    Token,
    /// A web address: it may break anywhere, its column has a floor.
    Address,
    /// Text, which wraps between words.
    Prose,
}

fn cell_kind(cell: &Rich) -> CellKind {
    let mut text = String::new();
    for inline in &cell.0 {
        match inline {
            Inline::Link { .. } => return CellKind::Address,
            Inline::Break => return CellKind::Prose,
            Inline::Text(t) | Inline::Strong(t) | Inline::Word(t) | Inline::Local { text: t, .. } => text.push_str(t),
            Inline::Anchor(_) => {}
        }
    }
    if !text.is_empty() && !text.chars().any(char::is_whitespace) {
        CellKind::Token
    } else {
        CellKind::Prose
    }
}

impl Renderer for Html<'_> {
    fn begin(&mut self, title: &str, intro: &[Rich]) -> Result<()> {
        write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"generator\" content=\"crosscheck {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
            env!("CARGO_PKG_VERSION"),
            escape(title),
            escape(title)
        )?;
        for line in intro {
            write!(self.out, "<p class=\"intro\">")?;
            self.rich(line)?;
            writeln!(self.out, "</p>")?;
        }
        writeln!(self.out, "</header>\n<main>")
    }

    fn block(&mut self, block: &Block) -> Result<()> {
        match block {
            Block::Heading { level, text, id, folded } => {
                let level = (*level).clamp(2, 6);
                // A section and a claim's section fold (no script: <details>),
                // open unless asked, so that the page reads and prints whole.
                let folds = level <= 3;
                if folds {
                    self.close_sections(level)?;
                    self.sections.push(level);
                    let open = if *folded { "" } else { " open" };
                    write!(self.out, "<details class=\"section\"{open}><summary>")?;
                }
                match id {
                    Some(id) => write!(self.out, "<h{level} id=\"{}\">", escape(id))?,
                    None => write!(self.out, "<h{level}>")?,
                }
                self.rich(text)?;
                write!(self.out, "</h{level}>")?;
                if folds {
                    write!(self.out, "</summary>")?;
                }
                writeln!(self.out)
            }
            Block::Paragraph(text) => {
                write!(self.out, "<p>")?;
                self.rich(text)?;
                writeln!(self.out, "</p>")
            }
            Block::Fields(fields) => {
                write!(self.out, "<dl class=\"fields\">")?;
                for (name, value) in fields {
                    write!(self.out, "<dt>{}</dt><dd>", escape(name))?;
                    self.rich(value)?;
                    write!(self.out, "</dd>")?;
                }
                writeln!(self.out, "</dl>")
            }
            Block::Table { headers, rows } => super::table(self, headers, rows),
            Block::Timeline(timeline) => self.timeline(timeline),
            Block::Summary(summary) => self.summary(summary),
        }
    }

    fn table_start(&mut self, headers: &[String]) -> Result<()> {
        self.columns = headers.iter().map(|h| format!("c-{}", anchor(&h.to_lowercase()))).collect();
        write!(self.out, "<div class=\"table\"><table>\n<thead><tr>")?;
        for header in headers {
            write!(self.out, "<th>{}</th>", escape(header))?;
        }
        writeln!(self.out, "</tr></thead>\n<tbody>")
    }

    fn table_row(&mut self, cells: &[Rich]) -> Result<()> {
        write!(self.out, "<tr>")?;
        for (i, cell) in cells.iter().enumerate() {
            // A token's cell is bare; text says how it wraps, and its
            // column's class gives the floors of `STYLE`.
            let column = self.columns.get(i).map_or("", String::as_str);
            match cell_kind(cell) {
                CellKind::Token => write!(self.out, "<td>")?,
                CellKind::Address => write!(self.out, "<td class=\"address {}\">", escape(column))?,
                CellKind::Prose => write!(self.out, "<td class=\"text {}\">", escape(column))?,
            }
            self.rich(cell)?;
            write!(self.out, "</td>")?;
        }
        writeln!(self.out, "</tr>")
    }

    fn table_end(&mut self) -> Result<()> {
        writeln!(self.out, "</tbody>\n</table></div>")
    }

    fn end(&mut self) -> Result<()> {
        self.close_sections(0)?;
        writeln!(
            self.out,
            "</main>\n<footer>Made with crosscheck {}.</footer>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        )?;
        self.out.flush()
    }
}

/// Escapes text for HTML, in element content and in quoted attributes alike,
/// after making control characters visible.
pub fn escape(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with each date in it (2019-07-23, 2019-07) and each flag
/// (--since) kept on one line: browsers may break after a hyphen, and a date
/// or a flag cut in two misreads.
fn keep_dates_whole(text: &str) -> std::borrow::Cow<'_, str> {
    fn is_date(word: &str) -> bool {
        let word = word.trim_end_matches([':', ',', ';', '.', ')']);
        let word = word.trim_start_matches('(');
        let b = word.as_bytes();
        (b.len() == 7 || b.len() == 10)
            && b.iter()
                .enumerate()
                .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
    }
    let is_flag = |word: &str| word.starts_with("--") && word.len() > 2;
    if !text.split(' ').any(|word| is_date(word) || is_flag(word)) {
        return text.into();
    }
    text.split(' ')
        .map(|word| {
            if is_date(word) {
                format!("<span class=\"date\">{word}</span>")
            } else if is_flag(word) {
                format!("<span class=\"flag\">{word}</span>")
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
        .into()
}

/// The class of a verdict, stance or relation badge; any other word gets a
/// plain one.
fn word_class(word: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "unverified",
        "in-review",
        "supported",
        "refuted",
        "misleading",
        "disputed",
        "unverifiable",
        "affirms",
        "denies",
        "disputes",
        "qualifies",
        "supports",
        "refutes",
        "context",
    ];
    KNOWN.iter().find(|k| **k == word).copied().unwrap_or("other")
}

/// The colour of a stance's mark.
fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "affirms" => "#2e7d32",
        "denies" => "#c62828",
        "disputes" => "#e65100",
        "qualifies" => "#1565c0",
        _ => "#616161",
    }
}

// ---------------------------------------------------------------- timeline
//
// The timeline is drawn to a time scale: x is proportional to the day. A
// statement dated to the day is a dot; one dated only to a month or a year is
// a bar over that month or year, behind the dots. Marks of one party that
// would overlap are drawn as one, with their number: dots with dots, bars
// with bars. Where statements crowd in a short stretch of a long range (the
// shipped case runs from 2002 to 2022, with most statements in the weeks of
// Vostok-2018 and of the air patrol of July 2019), a close-up of the stretch
// follows, on its own time scale.

/// A statement with the days its date covers: [from, to).
struct Dated<'a> {
    event: &'a Event,
    from: i64,
    to: i64,
}

/// The events with the days they cover; those whose date cannot be read are
/// left out.
fn dated(events: &[Event]) -> Vec<Dated<'_>> {
    events
        .iter()
        .filter_map(|event| period(&event.date).map(|(from, to)| Dated { event, from, to }))
        .collect()
}

/// The counts of a grouped timeline by year instead of month: one event a
/// lane, stance and year.
fn by_year(events: &[Event]) -> Vec<Event> {
    let mut years: Vec<Event> = Vec::new();
    let mut at: std::collections::HashMap<(usize, &str, &str), usize> = std::collections::HashMap::new();
    for event in events {
        let year = event.date.get(..4).unwrap_or(&event.date);
        match at.get(&(event.lane, event.stance.as_str(), year)) {
            Some(i) => years[*i].count += event.count,
            None => {
                at.insert((event.lane, &event.stance, year), years.len());
                years.push(Event {
                    date: year.to_string(),
                    ..event.clone()
                });
            }
        }
    }
    years
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar
/// (Howard Hinnant's days_from_civil).
fn days(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The year and month of a day.
fn civil(day: i64) -> (i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month)
}

fn month_start(year: i64, month: i64) -> i64 {
    days(year + (month - 1).div_euclid(12), (month - 1).rem_euclid(12) + 1, 1)
}

/// The days a date covers: a day, a month or a year.
fn period(date: &str) -> Option<(i64, i64)> {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [year] => Some((days(year, 1, 1), days(year + 1, 1, 1))),
        [year, month] if (1..=12).contains(&month) => Some((month_start(year, month), month_start(year, month + 1))),
        [year, month, day] if (1..=12).contains(&month) && (1..=31).contains(&day) => {
            Some((days(year, month, day), days(year, month, day) + 1))
        }
        _ => None,
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_year(day: i64) -> String {
    let (year, month) = civil(day);
    format!("{} {year}", MONTHS[(month - 1) as usize])
}

/// The range a chart of these statements covers: whole months, or whole
/// years when it spans more than three.
fn whole_range(dated: &[Dated]) -> (i64, i64) {
    let first = dated.iter().map(|d| d.from).min().unwrap_or(0);
    let last = dated.iter().map(|d| d.to).max().unwrap_or(1) - 1;
    let ((y0, m0), (y1, m1)) = (civil(first), civil(last));
    if y1 - y0 > 3 {
        (days(y0, 1, 1), days(y1 + 1, 1, 1))
    } else {
        (month_start(y0, m0), month_start(y1, m1 + 1))
    }
}

/// Stretches of whole months where statements crowd, for close-ups: runs of
/// statements dated to the day or month with no gap of more than 45 days,
/// that hold at least a sixth of the statements (and four) and are shorter
/// than a third of the whole range. At most three, in order of time.
fn close_ups(dated: &[Dated], from: i64, to: i64) -> Vec<(i64, i64)> {
    // A year-long date would join every run within its year.
    let mut spans: Vec<(i64, i64, usize)> = dated
        .iter()
        .filter(|d| d.to - d.from <= 31)
        .map(|d| (d.from, d.to, d.event.count))
        .collect();
    spans.sort();
    let mut runs: Vec<(i64, i64, usize)> = Vec::new();
    for (start, end, count) in spans {
        match runs.last_mut() {
            Some(run) if start <= run.1 + 45 => {
                run.1 = run.1.max(end);
                run.2 += count;
            }
            _ => runs.push((start, end, count)),
        }
    }
    let all: usize = dated.iter().map(|d| d.event.count).sum();
    let least = (all.div_ceil(6)).max(4);
    let mut chosen: Vec<(i64, i64, usize)> = runs
        .into_iter()
        .filter(|run| run.2 >= least)
        .map(|(start, end, count)| {
            let ((y0, m0), (y1, m1)) = (civil(start), civil(end - 1));
            (month_start(y0, m0), month_start(y1, m1 + 1), count)
        })
        .filter(|(start, end, _)| (end - start) * 3 < to - from)
        .collect();
    chosen.sort_by_key(|run| std::cmp::Reverse(run.2));
    chosen.truncate(3);
    chosen.sort();
    chosen.into_iter().map(|(start, end, _)| (start, end)).collect()
}

const WIDTH: f64 = 1200.0;
const LABELS: f64 = 150.0;
const PLOT_LEFT: f64 = 162.0;
const PLOT_RIGHT: f64 = 1185.0;
const LANE: f64 = 30.0;
const DOT: f64 = 6.0;
const COUNT: f64 = 9.0;
/// An upper bound on the width of a character of 11-pixel text, to lay text
/// out without measuring it: system-ui and DejaVu Sans stay under 0.6 em.
const CHARACTER: f64 = 7.0;

/// A mark: one statement, or several too close to draw apart.
struct Mark {
    left: f64,
    right: f64,
    /// The events it stands for, by their place in `dated`.
    members: Vec<usize>,
    /// The statements it stands for.
    count: usize,
}

impl Mark {
    /// The width a count takes: wider than a dot, and than its digits.
    fn count_width(&self) -> f64 {
        (self.right - self.left + 2.0 * (COUNT - DOT))
            .max(2.0 * COUNT)
            .max(self.count.to_string().len() as f64 * 7.0 + 8.0)
    }

    /// Where a dot mark is drawn: a dot, or a count, which is wider.
    fn drawn(&self) -> (f64, f64) {
        if self.count == 1 {
            (self.left, self.right)
        } else {
            let centre = (self.left + self.right) / 2.0;
            (centre - self.count_width() / 2.0, centre + self.count_width() / 2.0)
        }
    }
}

/// Marks from intervals (left, right, event, statements), merged while any
/// two would overlap as drawn (a count is wider than the dots it stands for,
/// so merging can make more). However many statements there are, a lane
/// holds no more marks than fit side by side across the chart.
fn marks(mut spans: Vec<(f64, f64, usize, usize)>, counts_grow: bool) -> Vec<Mark> {
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut marks: Vec<Mark> = Vec::new();
    for (left, right, i, count) in spans {
        // Merging as they come keeps this linear in the marks; the loop
        // below settles what a grown count reaches back to.
        match marks.last_mut() {
            Some(last) if !counts_grow && left < last.right - 1.0 => {
                last.right = last.right.max(right);
                last.members.push(i);
                last.count += count;
            }
            _ => marks.push(Mark {
                left,
                right,
                members: vec![i],
                count,
            }),
        }
    }
    loop {
        let extent = |mark: &Mark| if counts_grow { mark.drawn() } else { (mark.left, mark.right) };
        let Some(i) = (1..marks.len()).find(|i| extent(&marks[*i]).0 < extent(&marks[i - 1]).1 - 1.0) else {
            return marks;
        };
        let next = marks.remove(i);
        let mark = &mut marks[i - 1];
        mark.right = mark.right.max(next.right);
        mark.members.extend(next.members);
        mark.count += next.count;
    }
}

/// One chart of the statements whose dates fall in [from, to), as inline SVG.
fn chart(timeline: &Timeline, dated: &[Dated], from: i64, to: i64, legend: bool) -> String {
    let span = (to - from).max(1) as f64;
    let x = |day: i64| PLOT_LEFT + (day - from) as f64 / span * (PLOT_RIGHT - PLOT_LEFT);
    let shown: Vec<usize> = (0..dated.len()).filter(|i| dated[*i].from < to && dated[*i].to > from).collect();
    let lanes: Vec<usize> = (0..timeline.lanes.len())
        .filter(|lane| shown.iter().any(|i| dated[*i].event.lane == *lane))
        .collect();

    let mut body = String::new();
    let top = if legend { legend_svg(&mut body) + 10.0 } else { 8.0 };
    let bottom = top + lanes.len() as f64 * LANE;

    // The time axis: a line a year (or every few years) with its label, and
    // month ticks, then month labels, when there is room for them.
    let per_month = (PLOT_RIGHT - PLOT_LEFT) / (span / 30.44);
    let per_year = per_month * 12.0;
    let step = [1, 2, 5, 10, 20, 50, 100]
        .into_iter()
        .find(|k| *k as f64 * per_year >= 44.0)
        .unwrap_or(100);
    let month_labels = per_month >= 30.0;
    let year_row = if month_labels { bottom + 30.0 } else { bottom + 16.0 };
    let (first_year, first_month) = civil(from);
    let mut month = first_month;
    let mut year = first_year;
    loop {
        let day = month_start(year, month);
        if day >= to {
            break;
        }
        // On a pixel's middle, so that a one-pixel line is not smeared over two.
        let at = x(day).floor() + 0.5;
        if month == 1 {
            let labelled = year % step == 0 || step == 1;
            if labelled || per_year >= 8.0 {
                body.push_str(&format!(
                    "<line x1=\"{at:.1}\" y1=\"{top:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"#d0d0d0\"/>",
                    bottom + 5.0
                ));
            }
            if labelled && at + 4.0 * CHARACTER <= WIDTH {
                body.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{year_row:.1}\" font-weight=\"600\">{year}</text>",
                    at + 2.0
                ));
            }
        } else if per_month >= 5.0 {
            let faint = if month_labels {
                format!("<line x1=\"{at:.1}\" y1=\"{top:.1}\" x2=\"{at:.1}\" y2=\"{bottom:.1}\" stroke=\"#f0f0f0\"/>")
            } else {
                String::new()
            };
            body.push_str(&format!(
                "{faint}<line x1=\"{at:.1}\" y1=\"{bottom:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"#bbbbbb\"/>",
                bottom + 4.0
            ));
        }
        if month_labels && at + 3.0 * CHARACTER <= WIDTH {
            body.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555555\">{}</text>",
                at + 2.0,
                bottom + 15.0,
                MONTHS[(month - 1) as usize]
            ));
        }
        // The year of a chart that starts within one, where it has room.
        if day == from && month != 1 && x(month_start(year + 1, 1)) - at >= 5.0 * CHARACTER {
            body.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{year_row:.1}\" font-weight=\"600\">{year}</text>",
                at + 2.0
            ));
        }
        month += 1;
        if month > 12 {
            month = 1;
            year += 1;
        }
    }
    body.push_str(&format!(
        "<line x1=\"{PLOT_LEFT}\" y1=\"{bottom:.1}\" x2=\"{PLOT_RIGHT}\" y2=\"{bottom:.1}\" stroke=\"#999999\"/>"
    ));

    for (row, lane) in lanes.iter().enumerate() {
        let y = top + row as f64 * LANE + LANE / 2.0;
        body.push_str(&format!(
            "<line x1=\"{LABELS}\" y1=\"{y:.1}\" x2=\"{PLOT_RIGHT}\" y2=\"{y:.1}\" stroke=\"#e6e6e6\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-weight=\"600\">{}</text>",
            LABELS - 6.0,
            y + 4.0,
            escape(&crate::output::shorten(&timeline.lanes[*lane], 20))
        ));
        let mut bars = Vec::new();
        let mut dots = Vec::new();
        for i in shown.iter().copied().filter(|i| dated[*i].event.lane == *lane) {
            let (start, end) = (dated[i].from.max(from), dated[i].to.min(to));
            let count = dated[i].event.count;
            if dated[i].to - dated[i].from == 1 {
                let centre = (x(start) + x(end)) / 2.0;
                dots.push((centre - DOT, centre + DOT, i, count));
            } else {
                let (left, right) = (x(start), x(end));
                let widen = ((2.0 * DOT - (right - left)) / 2.0).max(0.0);
                bars.push((left - widen, right + widen, i, count));
            }
        }
        for mark in marks(bars, false) {
            body.push_str(&bar_svg(dated, &mark, y));
        }
        for mark in marks(dots, true) {
            body.push_str(&dot_svg(dated, &mark, y));
        }
    }
    let height = year_row + 10.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" font-size=\"11\" fill=\"#1a1a1a\"><title>Statements by date and party, {} to {}</title>{body}</svg>",
        month_year(from),
        month_year(to - 1)
    )
}

/// The legend, in rows that fit the width; returns its height.
fn legend_svg(out: &mut String) -> f64 {
    let mut items: Vec<(String, &str)> = ["affirms", "denies", "disputes", "qualifies"]
        .iter()
        .map(|stance| {
            (
                format!("<circle cx=\"{{x}}\" cy=\"{{y}}\" r=\"{DOT}\" fill=\"{}\"/>", stance_colour(stance)),
                *stance,
            )
        })
        .collect();
    items.push((
        "<rect x=\"{left}\" y=\"{top}\" width=\"22\" height=\"10\" rx=\"3\" fill=\"#616161\" fill-opacity=\"0.25\" stroke=\"#616161\" stroke-width=\"1.5\"/>"
            .to_string(),
        "dated only to a month or year: a bar over it",
    ));
    items.push((
        format!(
            "<circle cx=\"{{x}}\" cy=\"{{y}}\" r=\"{COUNT}\" fill=\"#424242\"/><text x=\"{{x}}\" y=\"{{text}}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">3</text>"
        ),
        "statements too close together to draw apart",
    ));
    let mut group = String::from("<g class=\"legend\">");
    let (mut left, mut y) = (8.0, 14.0);
    for (mark, label) in items {
        let width = 26.0 + label.chars().count() as f64 * CHARACTER;
        if left + width > WIDTH - 8.0 && left > 8.0 {
            left = 8.0;
            y += 22.0;
        }
        let mark = mark
            .replace("{x}", &format!("{:.1}", left + 10.0))
            .replace("{y}", &format!("{y:.1}"))
            .replace("{text}", &format!("{:.1}", y + 3.5))
            .replace("{left}", &format!("{left:.1}"))
            .replace("{top}", &format!("{:.1}", y - 5.0));
        group.push_str(&format!(
            "{mark}<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left + 26.0,
            y + 4.0,
            escape(label)
        ));
        left += width + 16.0;
    }
    group.push_str("</g>");
    out.push_str(&group);
    y + 12.0
}

/// The words shown when pointing at a statement's mark; for a count of
/// statements, what they are.
fn tip(dated: &[Dated], i: usize) -> String {
    let event = dated[i].event;
    if event.count > 1 || event.claim.is_empty() {
        return escape(&format!(
            "{} · {} {}: {} {}",
            event.date,
            event.party,
            event.stance,
            crate::model::grouped(event.count as f64),
            if event.count == 1 { "statement" } else { "statements" }
        ));
    }
    escape(&format!(
        "{} · {} {} · {}: {}",
        event.date,
        event.party,
        event.stance,
        event.claim,
        crate::output::shorten(&event.words, 240)
    ))
}

/// A mark's shape as a link to its statement's claim, where the page shows
/// that claim, with the statement's words to point at.
fn linked(dated: &[Dated], i: usize, shape: &str, close: &str) -> String {
    let id = &dated[i].event.claim_id;
    let shape = format!("{shape}><title>{}</title></{close}>", tip(dated, i));
    if id.is_empty() {
        shape
    } else {
        format!("<a href=\"#{}\">{shape}</a>", escape(id))
    }
}

/// The most events a mark gives one slice each (see `slices`); a mark of
/// more says what it counts, by stance, when pointed at.
const SLICES: usize = 12;

/// The colour of a mark: its stance's, or dark grey when its statements
/// differ.
fn mark_colour(dated: &[Dated], mark: &Mark) -> &'static str {
    let first = &dated[mark.members[0]].event.stance;
    if mark.members.iter().all(|i| dated[*i].event.stance == *first) {
        stance_colour(first)
    } else {
        "#424242"
    }
}

/// Over a count, one invisible slice a statement (or count of them), left
/// to right in date order: pointing along the mark shows each statement's
/// words, and each slice links to its own claim. A mark of more than
/// `SLICES` has one title instead, which counts its statements by stance,
/// so that a chart stays small however many statements it counts.
fn slices(dated: &[Dated], mark: &Mark, (left, right): (f64, f64), top: f64, height: f64) -> String {
    let mut members = mark.members.clone();
    members.sort_by_key(|i| (dated[*i].from, *i));
    if members.len() > SLICES {
        let mut stances: Vec<(&str, usize)> = Vec::new();
        for i in &members {
            let event = dated[*i].event;
            match stances.iter_mut().find(|(s, _)| *s == event.stance) {
                Some((_, n)) => *n += event.count,
                None => stances.push((&event.stance, event.count)),
            }
        }
        let (first, last) = (&dated[members[0]].event, &dated[members[members.len() - 1]].event);
        let by_stance: Vec<String> = stances
            .iter()
            .map(|(s, n)| format!("{} {s}", crate::model::grouped(*n as f64)))
            .collect();
        return format!(
            "<title>{}</title>",
            escape(&format!(
                "{} to {} · {} · {} statements: {}",
                first.date,
                last.date,
                first.party,
                crate::model::grouped(mark.count as f64),
                by_stance.join(", ")
            ))
        );
    }
    let width = (right - left) / members.len() as f64;
    members
        .iter()
        .enumerate()
        .map(|(k, i)| {
            linked(
                dated,
                *i,
                &format!(
                    "<rect x=\"{:.2}\" y=\"{top:.1}\" width=\"{width:.2}\" height=\"{height:.1}\" fill=\"#ffffff\" fill-opacity=\"0\"",
                    left + k as f64 * width
                ),
                "rect",
            )
        })
        .collect()
}

fn bar_svg(dated: &[Dated], mark: &Mark, y: f64) -> String {
    let colour = mark_colour(dated, mark);
    let shape = format!(
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" rx=\"3\" fill=\"{colour}\" fill-opacity=\"0.22\" stroke=\"{colour}\" stroke-width=\"1.5\"",
        mark.left,
        y - 6.0,
        mark.right - mark.left
    );
    if let ([i], 1) = (&mark.members[..], mark.count) {
        return linked(dated, *i, &shape, "rect");
    }
    format!(
        "<g>{shape}/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\" font-weight=\"700\" fill=\"{colour}\">{}</text>{}</g>",
        (mark.left + mark.right) / 2.0,
        y + 3.2,
        mark.count,
        slices(dated, mark, (mark.left, mark.right), y - 6.0, 12.0)
    )
}

fn dot_svg(dated: &[Dated], mark: &Mark, y: f64) -> String {
    let colour = mark_colour(dated, mark);
    let centre = (mark.left + mark.right) / 2.0;
    if let ([i], 1) = (&mark.members[..], mark.count) {
        return linked(
            dated,
            *i,
            &format!("<circle cx=\"{centre:.1}\" cy=\"{y:.1}\" r=\"{DOT}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\""),
            "circle",
        );
    }
    let (left, right) = mark.drawn();
    format!(
        "<g><rect x=\"{left:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" rx=\"{COUNT}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">{}</text>{}</g>",
        y - COUNT,
        right - left,
        2.0 * COUNT,
        y + 3.5,
        mark.count,
        slices(dated, mark, (left, right), y - COUNT, 2.0 * COUNT)
    )
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif;
       line-height: 1.45; color: #1a1a1a; background: #ffffff; margin: 0 auto; padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 0; }
h3 { font-size: 1.1rem; margin: 0; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.intro { color: #555555; margin: .1rem 0; }
p, dd, li, blockquote { white-space: pre-wrap; overflow-wrap: break-word; }
details.section { margin-top: 1.6rem; }
details.section details.section { margin-top: 1.2rem; }
summary { cursor: pointer; list-style: none; display: flex; align-items: baseline; gap: .45rem; }
summary::-webkit-details-marker { display: none; }
summary::before { content: "▾"; color: #777777; font-size: .9rem; width: .8rem; flex: none; }
details:not([open]) > summary::before { content: "▸"; }
details.section > summary:has(h2) { border-bottom: 1px solid #cccccc; padding-bottom: .2rem; margin-bottom: .6rem; }
.summary { margin: 1.2rem 0 .4rem; padding: .8rem 1rem; border: 1px solid #dddddd; border-radius: .4rem; background: #fafafa; }
.summary h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
.summary ul.verdicts { list-style: none; margin: 0 0 .6rem; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; }
.summary .count { font-weight: 700; }
.summary .lead { margin: .3rem 0; }
.summary .left-out { margin: .3rem 0 .6rem; }
.summary ol.contested { margin: 0; padding-left: 1.6rem; }
.summary ol.contested li { margin: .2rem 0; white-space: normal; }
.summary .side { white-space: nowrap; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border: 1px solid #cccccc; padding: .3rem .4rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
/* Headers and one-word cells (handles, slugs, dates, grades, stances) never
   break; their columns grow instead, and a table too wide scrolls in its box.
   Text wraps between words; a web address anywhere. */
th, td { white-space: nowrap; }
td.text { white-space: pre-wrap; overflow-wrap: break-word; }
td.address { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 8rem; }
td.c-title { min-width: 9rem; }
td.c-claim, td.c-words, td.c-excerpt { min-width: 14rem; }
td.c-figures, td.c-stances { min-width: 12rem; }
td.c-evidence { min-width: 9rem; }
blockquote { margin: .5rem 0; padding: .2rem .8rem; border-left: 3px solid #bbbbbb; color: #333333; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem; margin: .5rem 0; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; }
a { color: #0b57a4; }
.date, .flag { white-space: nowrap; }
.word { display: inline-block; padding: 0 .35rem; border-radius: .25rem; font-size: .85em; font-weight: 600; background: #eeeeee; color: #333333; white-space: nowrap; }
.w-supported, .w-affirms, .w-supports { background: #d7f0d9; color: #1b5e20; }
.w-refuted, .w-denies, .w-refutes { background: #f8d7d7; color: #8e1c1c; }
.w-misleading { background: #f3dcf3; color: #6a1b6a; }
.w-disputed, .w-disputes { background: #fdecc8; color: #7a4a00; }
.w-in-review, .w-qualifies { background: #d6ecf5; color: #0d4a66; }
.timeline { margin: 1rem 0; }
.timeline .scroll { overflow-x: auto; }
.timeline svg { display: block; width: 100%; min-width: 760px; height: auto; }
.timeline svg text { font-family: inherit; }
.timeline svg a:hover rect, .timeline svg a:hover circle { stroke: #000000; }
.chart-title { font-weight: 600; margin: .8rem 0 .2rem; }
figcaption { color: #555555; font-size: .85rem; }
footer { margin-top: 3rem; color: #777777; font-size: .8rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .8em; color: #555555; overflow-wrap: anywhere; }
  .table, .timeline .scroll { overflow: visible; }
  .timeline svg { min-width: 0; }
  summary::before { content: none; }
  details::details-content { content-visibility: visible; display: block; }
  table { font-size: 8.5pt; }
  tr, blockquote, dl.fields, figure, .summary { break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3, h4, summary { break-after: avoid; }
  .word { border: 1px solid #999999; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 14mm; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn page(blocks: Vec<Block>) -> String {
        let mut page = Vec::new();
        {
            let mut html = Html::new(Box::new(&mut page));
            html.begin("T", &[]).unwrap();
            for block in &blocks {
                html.block(block).unwrap();
            }
            html.end().unwrap();
        }
        String::from_utf8(page).unwrap()
    }

    fn heading(level: u8, text: &str) -> Block {
        Block::Heading {
            level,
            text: Rich::text(text),
            id: Some(anchor(text)),
            folded: false,
        }
    }

    #[test]
    fn sections_fold_and_one_word_cells_are_marked_whole() {
        let page = page(vec![
            heading(2, "Claims"),
            Block::Table {
                headers: vec!["Grade".into(), "Words".into(), "Address".into()],
                rows: vec![vec![
                    Rich::text("B2"),
                    Rich::text("two words"),
                    Rich(vec![Inline::Link {
                        text: "https://example.org/a".into(),
                        url: "https://example.org/a".into(),
                    }]),
                ]],
            },
            heading(3, "C1"),
            heading(4, "Statements"),
            heading(3, "C2"),
            heading(2, "Sources"),
        ]);
        assert!(page.contains("<tr><td>B2</td><td class=\"text c-words\">two words</td><td class=\"address c-address\">"));
        assert!(page.contains("<thead><tr><th>Grade</th><th>Words</th><th>Address</th></tr></thead>"));
        assert!(page.contains("<details class=\"section\" open><summary><h2 id=\"Claims\">Claims</h2></summary>"));
        assert!(page.contains("<h4 id=\"Statements\">Statements</h4>\n"), "{page}");
        assert_eq!(page.matches("<details").count(), 4);
        assert_eq!(page.matches("</details>").count(), 4);
        // C1 closes before C2 opens; the Claims section before Sources.
        let order: Vec<usize> = [
            "id=\"C1\"",
            "</details>\n<details class=\"section\" open><summary><h3 id=\"C2\"",
            "id=\"Sources\"",
        ]
        .iter()
        .map(|s| page.find(s).unwrap_or_else(|| panic!("{s} in {page}")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_summary_names_verdicts_and_contested_claims_escaped() {
        let summary = Summary {
            left_out: None,
            verdicts: vec![("supported".into(), 13), ("disputed".into(), 2)],
            contested: vec![super::super::Contested {
                claim: "C6 <b>troops</b>".into(),
                id: "troops".into(),
                verdict: "disputed".into(),
                sides: vec![
                    ("disputes".into(), vec!["GB".into(), "voa".into()]),
                    ("affirms".into(), vec!["RU".into()]),
                ],
            }],
        };
        let page = page(vec![Block::Summary(summary)]);
        assert!(page.contains("<li><span class=\"count\">13</span> <span class=\"word w-supported\">supported</span></li>"));
        assert!(page.contains("<a href=\"#troops\">C6 &lt;b&gt;troops&lt;/b&gt;</a>"), "{page}");
        assert!(page.contains(
            "<span class=\"side\">GB, voa <span class=\"word w-disputes\">disputes</span></span>; <span class=\"side\">RU <span class=\"word w-affirms\">affirms</span></span>"
        ));
    }

    #[test]
    fn dates_become_days_and_back() {
        assert_eq!(days(1970, 1, 1), 0);
        assert_eq!(days(2019, 7, 23), 18_100);
        for day in [-1, 0, 59, 60, 10_956, 18_100, 19_000] {
            let (year, month) = civil(day);
            assert!(month_start(year, month) <= day && day < month_start(year, month + 1), "{day}");
        }
        assert_eq!(period("2019"), Some((days(2019, 1, 1), days(2020, 1, 1))));
        assert_eq!(period("2019-12"), Some((days(2019, 12, 1), days(2020, 1, 1))));
        assert_eq!(period("2019-07-23"), Some((18_100, 18_101)));
        assert_eq!(period("2019-13"), None);
        assert_eq!(period("someday"), None);
        assert_eq!(month_year(18_100), "Jul 2019");
    }

    fn event(date: &str, lane: usize) -> Event {
        Event {
            date: date.into(),
            lane,
            party: "RU".into(),
            stance: "affirms".into(),
            claim_id: "c".into(),
            claim: "C1".into(),
            words: "words".into(),
            count: 1,
        }
    }

    #[test]
    fn the_time_scale_is_proportional_and_crowded_weeks_get_a_close_up() {
        let dates = [
            "2002",
            "2012-06",
            "2018-08-20",
            "2018-08-21",
            "2018-09-11",
            "2018-09-30",
            "2019-07-23",
            "2019-07-23",
            "2019-07-24",
            "2019-07-24",
            "2019-07-24",
            "2019-07-25",
            "2022-09-02",
        ];
        let events: Vec<Event> = dates.iter().map(|d| event(d, 0)).collect();
        let dated: Vec<Dated> = events
            .iter()
            .map(|event| {
                let (from, to) = period(&event.date).unwrap();
                Dated { event, from, to }
            })
            .collect();
        let (from, to) = whole_range(&dated);
        assert_eq!((from, to), (days(2002, 1, 1), days(2023, 1, 1)));
        assert_eq!(
            close_ups(&dated, from, to),
            [(days(2018, 8, 1), days(2018, 10, 1)), (days(2019, 7, 1), days(2019, 8, 1))]
        );
        let timeline = Timeline {
            lanes: vec!["RU".into()],
            events: events.clone(),
            ..Timeline::default()
        };
        // Three weeks and seven weeks apart are drawn three and seven weeks apart.
        let svg = chart(&timeline, &dated, days(2018, 8, 1), days(2018, 10, 1), false);
        let x = |day: i64| PLOT_LEFT + (day - days(2018, 8, 1)) as f64 / 61.0 * (PLOT_RIGHT - PLOT_LEFT);
        for date in [(2018, 8, 20), (2018, 9, 11), (2018, 9, 30)] {
            let centre = (x(days(date.0, date.1, date.2)) + x(days(date.0, date.1, date.2) + 1)) / 2.0;
            assert!(svg.contains(&format!("cx=\"{centre:.1}\"")), "{date:?} at {centre:.1}: {svg}");
        }
        // Six statements in three days, in 20 years: one mark that counts them.
        let svg = chart(&timeline, &dated, from, to, true);
        assert!(svg.contains(">6</text>"), "{svg}");
        assert!(svg.contains("<g class=\"legend\">"));
    }

    #[test]
    fn overlapping_marks_merge_and_a_count_takes_room_from_its_neighbours() {
        let merged = marks(vec![(0.0, 12.0, 0, 1), (5.0, 17.0, 1, 1), (40.0, 52.0, 2, 1)], true);
        assert_eq!(merged.iter().map(|m| m.members.clone()).collect::<Vec<_>>(), [vec![0, 1], vec![2]]);
        // Apart as dots, but the count of the first two reaches the third.
        let merged = marks(vec![(0.0, 12.0, 0, 1), (5.0, 17.0, 1, 1), (18.0, 30.0, 2, 1)], true);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            marks(vec![(0.0, 12.0, 0, 1), (5.0, 17.0, 1, 1), (18.0, 30.0, 2, 1)], false).len(),
            2
        );
    }

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("Россия 中国"), "Россия 中国");
    }

    #[test]
    fn dates_in_text_stay_whole() {
        assert_eq!(
            keep_dates_whole("denies 2019-07-23: words (2019-07) 12345-67"),
            "denies <span class=\"date\">2019-07-23:</span> words <span class=\"date\">(2019-07)</span> 12345-67"
        );
        assert_eq!(keep_dates_whole("no date here"), "no date here");
        assert_eq!(
            keep_dates_whole("narrow with --since/--until; -- alone"),
            "narrow with <span class=\"flag\">--since/--until;</span> -- alone"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        let mut page = Vec::new();
        {
            let mut html = Html::new(Box::new(&mut page));
            let mut rich = Rich::default();
            rich.push(Inline::Link {
                text: "x".into(),
                url: "javascript:alert(1)".into(),
            });
            rich.push(Inline::Link {
                text: "y".into(),
                url: "https://example.org/a?b=1&c=\"2\"".into(),
            });
            rich.push(Inline::Link {
                text: "z".into(),
                url: "https://example.org/a?b=1&c=2".into(),
            });
            html.rich(&rich).unwrap();
        }
        let page = String::from_utf8(page).unwrap();
        assert_eq!(
            page,
            "xy<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">z</a>"
        );
    }
}
