//! Markdown for publication notes: the same content as the HTML page,
//! readable as plain text. Text is escaped so that nothing in a record can
//! become markup, raw HTML or a link; only http and https addresses are
//! written as links.

use std::io::{Result, Write};

use super::{Block, Inline, Renderer, Rich, Summary, Timeline, clean, web_address};

pub struct Markdown<'a> {
    out: Box<dyn Write + 'a>,
}

impl<'a> Markdown<'a> {
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Markdown { out }
    }

    /// Running text. In a table cell a line break is `<br>`; elsewhere a
    /// backslash at the end of the line, continued after `indent`.
    fn rich(&self, rich: &Rich, in_table: bool, indent: &str) -> String {
        let mut s = String::new();
        for inline in &rich.0 {
            match inline {
                Inline::Text(t) => s.push_str(&escape(t)),
                Inline::Strong(t) | Inline::Word(t) if !t.trim().is_empty() => s.push_str(&format!("**{}**", escape(t.trim()))),
                Inline::Strong(t) | Inline::Word(t) => s.push_str(&escape(t)),
                Inline::Link { text, url } => match web_address(url) {
                    Some(url) if text == url => s.push_str(&format!("<{url}>")),
                    Some(url) => s.push_str(&format!("[{}]({})", escape(text), link_target(url))),
                    None => s.push_str(&escape(text)),
                },
                Inline::Local { text, .. } => s.push_str(&escape(text)),
                Inline::Break => s.push('\n'),
                Inline::Anchor(_) => {}
            }
        }
        let s = s.trim_end_matches('\n');
        if in_table {
            s.replace('\n', "<br>")
        } else {
            s.replace('\n', &format!("\\\n{indent}"))
        }
    }

    fn timeline(&mut self, timeline: &Timeline) -> Result<()> {
        if timeline.events.is_empty() {
            return writeln!(self.out, "No dated statements.\n");
        }
        if timeline.grouped {
            return self.counted_timeline(timeline);
        }
        let mut events: Vec<&super::Event> = timeline.events.iter().collect();
        events.sort_by(|a, b| a.date.cmp(&b.date).then(a.lane.cmp(&b.lane)));
        for event in events {
            writeln!(
                self.out,
                "- {} — **{}** {} ({}): {}",
                escape(&event.date),
                escape(&event.party),
                escape(&event.stance),
                escape(&event.claim),
                escape(&crate::output::shorten(&event.words, 160)).replace('\n', " ")
            )?;
        }
        if timeline.undated > 0 {
            writeln!(self.out, "\n{} statements without a date are not listed.", timeline.undated)?;
        }
        writeln!(self.out)
    }
}

impl Markdown<'_> {
    /// Too many statements to list one by one: a line a year, with each
    /// party's number of statements and their stances.
    fn counted_timeline(&mut self, timeline: &Timeline) -> Result<()> {
        // (year, lane) -> stances with their counts, in the order of STANCES.
        let mut years: std::collections::BTreeMap<(&str, usize), Vec<(&str, usize)>> = std::collections::BTreeMap::new();
        let mut total = 0;
        for event in &timeline.events {
            total += event.count;
            let year = event.date.get(..4).unwrap_or(&event.date);
            let stances = years.entry((year, event.lane)).or_default();
            match stances.iter_mut().find(|(s, _)| *s == event.stance) {
                Some((_, n)) => *n += event.count,
                None => stances.push((&event.stance, event.count)),
            }
        }
        writeln!(
            self.out,
            "{} dated statements, too many to list one by one: each year's, by party, with their stances.\n",
            crate::model::grouped(total as f64)
        )?;
        let mut line = String::new();
        let mut current = "";
        for ((year, lane), stances) in &mut years {
            if *year != current {
                if !line.is_empty() {
                    writeln!(self.out, "{line}")?;
                }
                current = year;
                line = format!("- {}:", escape(year));
            } else {
                line.push(';');
            }
            stances.sort_by_key(|(stance, _)| {
                crate::model::Stance::ALL
                    .iter()
                    .position(|s| s.as_str() == *stance)
                    .unwrap_or(usize::MAX)
            });
            let count: usize = stances.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = stances.iter().map(|(s, n)| format!("{n} {}", escape(s))).collect();
            line.push_str(&format!(
                " **{}** {count} ({})",
                escape(timeline.lanes.get(*lane).map_or("", String::as_str)),
                parts.join(", ")
            ));
        }
        writeln!(self.out, "{line}")?;
        if timeline.undated > 0 {
            writeln!(self.out, "\n{} statements without a date are not counted.", timeline.undated)?;
        }
        writeln!(self.out)
    }

    fn summary(&mut self, summary: &Summary) -> Result<()> {
        writeln!(self.out, "## At a glance\n")?;
        if !summary.verdicts.is_empty() {
            let verdicts: Vec<String> = summary
                .verdicts
                .iter()
                .map(|(verdict, count)| format!("{count} **{}**", escape(verdict)))
                .collect();
            writeln!(self.out, "{}\n", verdicts.join(", "))?;
        }
        if let Some(left_out) = &summary.left_out {
            writeln!(self.out, "{}\n", escape(left_out))?;
        }
        if summary.contested.is_empty() {
            return writeln!(self.out, "No claim has parties on different sides.\n");
        }
        writeln!(
            self.out,
            "Most contested: the claims with the most parties on another side than the largest.\n"
        )?;
        for (i, claim) in summary.contested.iter().enumerate() {
            let sides: Vec<String> = claim
                .sides
                .iter()
                .map(|(stance, parties)| format!("{} **{}**", escape(&parties.join(", ")), escape(stance)))
                .collect();
            writeln!(
                self.out,
                "{}. {} (**{}**): {}",
                i + 1,
                escape(&claim.claim),
                escape(&claim.verdict),
                sides.join("; ")
            )?;
        }
        writeln!(self.out)
    }
}

impl Renderer for Markdown<'_> {
    fn begin(&mut self, title: &str, intro: &[Rich]) -> Result<()> {
        writeln!(self.out, "# {}\n", escape(title).replace('\n', " "))?;
        for line in intro {
            writeln!(self.out, "{}\n", self.rich(line, false, ""))?;
        }
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<()> {
        match block {
            Block::Heading { level, text, .. } => {
                let level = (*level).clamp(2, 6) as usize;
                writeln!(
                    self.out,
                    "{} {}\n",
                    "#".repeat(level),
                    self.rich(text, true, "").replace("<br>", " ")
                )
            }
            Block::Paragraph(text) => writeln!(self.out, "{}\n", self.rich(text, false, "")),
            Block::Fields(fields) => {
                for (name, value) in fields {
                    writeln!(self.out, "- **{}:** {}", escape(name), self.rich(value, false, "  "))?;
                }
                writeln!(self.out)
            }
            Block::Table { headers, rows } => super::table(self, headers, rows),
            Block::Timeline(timeline) => self.timeline(timeline),
            Block::Summary(summary) => self.summary(summary),
        }
    }

    fn table_start(&mut self, headers: &[String]) -> Result<()> {
        let cells: Vec<String> = headers.iter().map(|h| escape(h).replace('\n', " ")).collect();
        writeln!(self.out, "| {} |", cells.join(" | "))?;
        writeln!(self.out, "|{}", " --- |".repeat(headers.len()))
    }

    fn table_row(&mut self, cells: &[Rich]) -> Result<()> {
        let cells: Vec<String> = cells.iter().map(|c| self.rich(c, true, "")).collect();
        writeln!(self.out, "| {} |", cells.join(" | "))
    }

    fn table_end(&mut self) -> Result<()> {
        writeln!(self.out)
    }

    fn end(&mut self) -> Result<()> {
        writeln!(self.out, "---\n\nMade with crosscheck {}.", env!("CARGO_PKG_VERSION"))?;
        self.out.flush()
    }
}

/// Escapes text so that it reads as itself: the characters that make
/// emphasis, links, code, tables or raw HTML get a backslash, and so do the
/// marks that would make a line a heading, list or quote.
pub fn escape(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches(' ');
        out.push_str(&line[..line.len() - body.len()]);
        // A number followed by . or ) starts an ordered list.
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        for (j, c) in body.chars().enumerate() {
            let line_start = j == 0 && matches!(c, '#' | '-' | '+' | '=' | '>');
            let list_number = digits > 0 && j == digits && matches!(c, '.' | ')');
            if line_start || list_number || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A link's address, with the characters that would end or break the link
/// percent-encoded.
fn link_target(url: &str) -> String {
    url.chars()
        .map(|c| match c {
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            '[' => "%5B".to_string(),
            ']' => "%5D".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(escape("<script>x</script>"), "\\<script\\>x\\</script\\>");
        assert_eq!(escape("a|b *c* [d](e)"), "a\\|b \\*c\\* \\[d\\](e)");
        assert_eq!(
            escape("# not a heading\n- not a list\n1. not a list"),
            "\\# not a heading\n\\- not a list\n1\\. not a list"
        );
        assert_eq!(escape("4,200 km; 300,000 troops"), "4,200 km; 300,000 troops");
        assert_eq!(escape("Россия 中国"), "Россия 中国");
    }

    #[test]
    fn the_summary_lists_verdicts_and_contested_claims() {
        let mut out = Vec::new();
        {
            let mut md = Markdown::new(Box::new(&mut out));
            md.summary(&Summary {
                verdicts: vec![("supported".into(), 13), ("disputed".into(), 2)],
                left_out: None,
                contested: vec![super::super::Contested {
                    claim: "C6 vostok_troops".into(),
                    id: "vostok_troops".into(),
                    verdict: "disputed".into(),
                    sides: vec![
                        ("disputes".into(), vec!["GB".into(), "voa".into()]),
                        ("affirms".into(), vec!["RU".into()]),
                    ],
                }],
            })
            .unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "## At a glance\n\n13 **supported**, 2 **disputed**\n\n\
             Most contested: the claims with the most parties on another side than the largest.\n\n\
             1. C6 vostok\\_troops (**disputed**): GB, voa **disputes**; RU **affirms**\n\n"
        );
    }

    #[test]
    fn links_only_for_web_addresses() {
        let md = Markdown::new(Box::new(std::io::sink()));
        let mut rich = Rich::default();
        rich.push(Inline::Link {
            text: "x".into(),
            url: "javascript:alert(1)".into(),
        });
        rich.push(Inline::Text(" ".into()));
        rich.push(Inline::Link {
            text: "copy".into(),
            url: "https://example.org/a_(b)".into(),
        });
        assert_eq!(md.rich(&rich, false, ""), "x [copy](https://example.org/a_%28b%29)");
    }
}
