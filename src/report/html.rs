//! HTML: one self-contained page that prints well. No scripts, no outside
//! styles, fonts or images, and a Content-Security-Policy that forbids them
//! should anything slip through; every piece of text is escaped, and only
//! http and https addresses become links.

use std::io::{Result, Write};

use super::{Block, Inline, Renderer, Rich, Summary, Timeline, anchor, clean, web_address};

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
        if timeline.events.is_empty() {
            return writeln!(self.out, "<p>No dated statements.</p>");
        }
        let svg = svg(timeline);
        writeln!(self.out, "<figure class=\"timeline\"><div class=\"scroll\">{svg}</div>")?;
        write!(
            self.out,
            "<figcaption>Each dot is a statement, placed by its date (dates in order, evenly spaced) and by party (a state's row includes its bodies); a hollow dot is dated only to the month or year. Point at a dot for its words; follow it to the claim."
        )?;
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
            Block::Heading { level, text, id } => {
                let level = (*level).clamp(2, 6);
                // A section and a claim's section fold (no script: <details>),
                // open, so that the page reads and prints whole.
                let folds = level <= 3;
                if folds {
                    self.close_sections(level)?;
                    self.sections.push(level);
                    write!(self.out, "<details class=\"section\" open><summary>")?;
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

/// Escaped text with each date in it (2019-07-23, 2019-07) kept on one line:
/// browsers may break after a hyphen, and a date cut in two misreads.
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
    if !text.split(' ').any(is_date) {
        return text.into();
    }
    text.split(' ')
        .map(|word| {
            if is_date(word) {
                format!("<span class=\"date\">{word}</span>")
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

const LABEL_WIDTH: usize = 150;
const LANE_HEIGHT: usize = 30;
const TOP: usize = 34;
const BOTTOM: usize = 86;
const DOT: usize = 14;

/// The timeline as inline SVG: one row a party, one column a date, a dot a
/// statement, coloured by stance.
fn svg(timeline: &Timeline) -> String {
    use std::collections::BTreeMap;
    // Dates in order; each column as wide as its busiest cell needs.
    let mut cells: BTreeMap<&str, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (i, event) in timeline.events.iter().enumerate() {
        cells.entry(event.date.as_str()).or_default().entry(event.lane).or_default().push(i);
    }
    let mut x = LABEL_WIDTH + 10;
    let mut columns = Vec::new();
    for (date, lanes) in &cells {
        let most = lanes.values().map(Vec::len).max().unwrap_or(1);
        let width = (most * DOT + 14).max(30);
        columns.push((*date, x + width / 2, lanes));
        x += width;
    }
    let width = (x + 30).max(420);
    let lanes_bottom = TOP + timeline.lanes.len() * LANE_HEIGHT;
    let height = lanes_bottom + BOTTOM;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" font-size=\"11\"><title>Statements by date and party</title>"
    );
    // Legend.
    let mut lx = LABEL_WIDTH + 10;
    for stance in ["affirms", "denies", "disputes", "qualifies"] {
        s.push_str(&format!(
            "<circle cx=\"{}\" cy=\"14\" r=\"5\" fill=\"{c}\" stroke=\"{c}\"/><text x=\"{}\" y=\"18\">{stance}</text>",
            lx + 5,
            lx + 14,
            c = stance_colour(stance)
        ));
        lx += 90;
    }
    s.push_str(&format!(
        "<circle cx=\"{}\" cy=\"14\" r=\"5\" fill=\"#ffffff\" stroke=\"#616161\" stroke-width=\"2\"/><text x=\"{}\" y=\"18\">month or year only</text>",
        lx + 5,
        lx + 14
    ));
    // Lanes.
    for (i, lane) in timeline.lanes.iter().enumerate() {
        let y = TOP + i * LANE_HEIGHT + LANE_HEIGHT / 2;
        s.push_str(&format!(
            "<line x1=\"{LABEL_WIDTH}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#dddddd\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"600\">{}</text>",
            width - 10,
            LABEL_WIDTH - 8,
            y + 4,
            escape(&crate::output::shorten(lane, 22))
        ));
    }
    // Dates and dots.
    for (date, cx, lanes) in &columns {
        s.push_str(&format!(
            "<line x1=\"{cx}\" y1=\"{TOP}\" x2=\"{cx}\" y2=\"{lanes_bottom}\" stroke=\"#f0f0f0\"/><text transform=\"translate({} {}) rotate(55)\">{}</text>",
            cx - 3,
            lanes_bottom + 8,
            escape(date)
        ));
        for (lane, events) in lanes.iter() {
            let y = TOP + lane * LANE_HEIGHT + LANE_HEIGHT / 2;
            let first = cx - (events.len() - 1) * DOT / 2;
            for (k, i) in events.iter().enumerate() {
                let event = &timeline.events[*i];
                let colour = stance_colour(&event.stance);
                let fill = if event.date.len() < 10 { "#ffffff" } else { colour };
                let tip = format!(
                    "{} · {} {} · {}: {}",
                    event.date,
                    event.party,
                    event.stance,
                    event.claim,
                    crate::output::shorten(&event.words, 240)
                );
                s.push_str(&format!(
                    "<a href=\"#{}\"><circle cx=\"{}\" cy=\"{y}\" r=\"6\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"2\"><title>{}</title></circle></a>",
                    escape(&event.claim_id),
                    first + k * DOT,
                    escape(&tip)
                ));
            }
        }
    }
    s.push_str("</svg>");
    s
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
td.c-figures { min-width: 12rem; }
blockquote { margin: .5rem 0; padding: .2rem .8rem; border-left: 3px solid #bbbbbb; color: #333333; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem; margin: .5rem 0; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; }
a { color: #0b57a4; }
.date { white-space: nowrap; }
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
            let document = super::super::Document {
                title: "T".into(),
                intro: Vec::new(),
                blocks,
            };
            super::super::render(&document, &mut html).unwrap();
        }
        String::from_utf8(page).unwrap()
    }

    fn heading(level: u8, text: &str) -> Block {
        Block::Heading {
            level,
            text: Rich::text(text),
            id: Some(anchor(text)),
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
