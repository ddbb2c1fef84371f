//! The Analysis of Competing Hypotheses (Heuer): a claim's hypotheses as
//! columns, its rated evidence and statements as rows, each hypothesis's
//! weighted inconsistency score, each row's diagnosticity, and how much the
//! ranking depends on single items and sources. `ach` and the claims report
//! build it here.
//!
//! The scoring (the README's "Competing hypotheses" section works it through):
//! - Heuer ranks hypotheses by the evidence against them: I counts 1 point,
//!   II counts 2, every other rating 0. The least inconsistent comes first.
//! - Each point is weighted by the row's credibility and the rating's
//!   relevance, each low, medium or high, in PARC ACH's steps of the square
//!   root of two (1/√2, 1, √2), the two multiplied.
//! - An evidence item's credibility is the lower of two levels: its source's
//!   reliability (A or B high, C medium, D, E or F low) and its information's
//!   credibility (1 or 2 high, 3 medium, 4, 5 or 6 low).
//! - Statements are rated, to show where each party stands, but not scored:
//!   a party that spoke six times would otherwise weigh six times as much,
//!   and what a party said counts through the evidence that records it.
//! - A row's diagnosticity is the population standard deviation of its
//!   ratings on the scale II -2, I -1, N and NA 0, C 1, CC 2.

use std::collections::BTreeMap;
use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};

use anyhow::Result;

use crate::error::UserError;
use crate::model::{Consistency, Credibility, Relevance, Reliability};
use crate::output::{Cell, Column as OutputColumn, shorten};
use crate::store::ach::{RatedItem, rating_text};
use crate::store::{Case, Item, Kind, format_handle};

/// Scores closer than this are equal: sums of √2 steps are not exact.
const EPSILON: f64 = 1e-9;

/// One of the three weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn weight(self) -> f64 {
        match self {
            Level::Low => FRAC_1_SQRT_2,
            Level::Medium => 1.0,
            Level::High => SQRT_2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }

    /// A source's Admiralty reliability: A and B high, C medium, D to F low.
    pub fn of_reliability(reliability: Reliability) -> Level {
        match reliability {
            Reliability::A | Reliability::B => Level::High,
            Reliability::C => Level::Medium,
            Reliability::D | Reliability::E | Reliability::F => Level::Low,
        }
    }

    /// Information's Admiralty credibility: 1 and 2 high, 3 medium, 4 to 6 low.
    pub fn of_credibility(credibility: Credibility) -> Level {
        match credibility.0 {
            1 | 2 => Level::High,
            3 => Level::Medium,
            _ => Level::Low,
        }
    }

    pub fn of_relevance(relevance: Relevance) -> Level {
        match relevance {
            Relevance::Low => Level::Low,
            Relevance::Medium => Level::Medium,
            Relevance::High => Level::High,
        }
    }

    /// An evidence item's credibility: the weaker of its source's reliability
    /// and its information's credibility. A confirmed report from an
    /// unreliable source is still an unreliable report, and a reliable
    /// source's doubtful information is still doubtful.
    pub fn of_evidence(reliability: Reliability, credibility: Credibility) -> Level {
        Level::of_reliability(reliability).min(Level::of_credibility(credibility))
    }
}

/// Sources graded D, E or F: not usually reliable, unreliable, or of
/// unknown reliability.
pub fn weak(reliability: Reliability) -> bool {
    matches!(reliability, Reliability::D | Reliability::E | Reliability::F)
}

/// The population standard deviation of a row's ratings on the numeric
/// scale: 0 when the row is rated the same against every hypothesis.
pub fn diagnosticity(ratings: &[Consistency]) -> f64 {
    if ratings.is_empty() {
        return 0.0;
    }
    let n = ratings.len() as f64;
    let mean = ratings.iter().map(|r| r.value()).sum::<f64>() / n;
    let variance = ratings.iter().map(|r| (r.value() - mean).powi(2)).sum::<f64>() / n;
    let sd = variance.sqrt();
    if sd < EPSILON { 0.0 } else { sd }
}

/// A hypothesis as a column of the matrix.
#[derive(Debug, Clone)]
pub struct Column {
    pub id: i64,
    pub handle: String,
    pub text: String,
    /// The weighted inconsistency score.
    pub score: f64,
    /// 1 for the least inconsistent; hypotheses with equal scores share a rank.
    pub rank: usize,
}

/// One evidence item or statement.
#[derive(Debug, Clone)]
pub struct Line {
    pub item: Item,
    pub handle: String,
    /// The evidence's excerpt, or the statement's words.
    pub text: String,
    /// The source as people type it, or the statement's party.
    pub from: String,
    /// The same for tables: `S47 TASS`, or the party.
    pub from_short: String,
    /// `B3` for evidence; a statement's source reliability, if it has one.
    pub grade: String,
    /// The credibility an evidence item's points are weighted by; None for a
    /// statement, which is not scored.
    pub level: Option<Level>,
    pub diagnosticity: f64,
    /// One cell a column: the rating and its relevance, or None (not rated).
    pub cells: Vec<Option<(Consistency, Relevance)>>,
    /// For evidence whose removal alone changes which hypotheses are least
    /// inconsistent: those that would be (column indices).
    pub critical: Option<Vec<usize>>,
    source: Option<(i64, String, Reliability)>,
    /// The party's state (or the party), for statements.
    party_root: Option<String>,
}

impl Line {
    /// The points this row counts against each column.
    fn against(&self) -> Vec<f64> {
        let Some(level) = self.level else {
            return vec![0.0; self.cells.len()];
        };
        self.cells
            .iter()
            .map(|cell| match cell {
                Some((rating, relevance)) => rating.inconsistency() * level.weight() * Level::of_relevance(*relevance).weight(),
                None => 0.0,
            })
            .collect()
    }

    /// The text of one cell: `II`, `I (high)`, or "" when not rated.
    pub fn cell_text(&self, column: usize) -> String {
        self.cells[column].map(|(r, v)| rating_text(r, v)).unwrap_or_default()
    }
}

/// Where one party's statements stand.
#[derive(Debug, Clone)]
pub struct PartyLine {
    /// The state (with its bodies), or the party.
    pub code: String,
    pub statements: Vec<String>,
    /// The mean of its statements' ratings against each column, on the
    /// numeric scale (II -2 ... CC 2); None where none is rated.
    pub means: Vec<Option<f64>>,
}

/// What removing some evidence would do to the ranking.
#[derive(Debug, Clone)]
pub struct Without {
    /// What is removed: a source (`S47 TASS`) or the weak sources.
    pub what: String,
    pub items: Vec<String>,
    /// The least inconsistent hypotheses without it (column indices).
    pub leaders: Vec<usize>,
}

/// The matrix of one claim.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub claim: String,
    pub claim_text: String,
    /// Least inconsistent first.
    pub columns: Vec<Column>,
    /// Evidence, scored; most diagnostic first.
    pub evidence: Vec<Line>,
    /// Statements, rated but not scored; most diagnostic first.
    pub statements: Vec<Line>,
    pub parties: Vec<PartyLine>,
    /// The least inconsistent hypotheses (column indices).
    pub leaders: Vec<usize>,
    /// Each source without whose evidence other hypotheses would lead.
    pub single_sources: Vec<Without>,
    /// The evidence from sources graded D to F, and the leaders without it.
    pub weak_sources: Option<Without>,
}

/// The hypotheses of a claim and its rated items, as a matrix. A claim with
/// fewer than two live hypotheses has no matrix.
pub fn build(case: &Case, claim: &str) -> Result<Matrix> {
    let id = case.resolve(Kind::Claim, claim)?;
    let hypotheses = case.hypotheses(id)?;
    let name = case.reference(Kind::Claim, id)?;
    let handle = format_handle(Kind::Claim, id);
    let claim_name = if name == handle {
        handle.clone()
    } else {
        format!("{handle} {name}")
    };
    if hypotheses.len() < 2 {
        let held: Vec<String> = hypotheses.iter().map(|h| format_handle(Kind::Hypothesis, h.id)).collect();
        return Err(UserError::Usage(format!(
            "the matrix needs two hypotheses at least: {claim_name} has {}{}; add them with `crosscheck hypothesis add {handle} TEXT`",
            hypotheses.len(),
            if held.is_empty() {
                String::new()
            } else {
                format!(" ({})", held.join(", "))
            }
        ))
        .into());
    }
    let columns: Vec<Column> = hypotheses
        .into_iter()
        .map(|h| Column {
            id: h.id,
            handle: format_handle(Kind::Hypothesis, h.id),
            text: h.text,
            score: 0.0,
            rank: 0,
        })
        .collect();
    let head = case.claim_head(id)?;
    Ok(matrix(claim_name, head.text, columns, case.rated_items(id)?))
}

/// The matrix from its columns (in any order) and rated items.
pub fn matrix(claim: String, claim_text: String, mut columns: Vec<Column>, items: Vec<RatedItem>) -> Matrix {
    let (mut evidence, mut statements): (Vec<Line>, Vec<Line>) =
        items.into_iter().map(|item| line(&columns, item)).partition(|l| l.level.is_some());
    // Scores, then the columns in their order: least inconsistent first.
    let scores = total(&evidence, columns.len(), |_| true);
    for (column, score) in columns.iter_mut().zip(&scores) {
        column.score = *score;
    }
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|i| (rounded(columns[*i].score), columns[*i].id));
    let columns: Vec<Column> = order.iter().map(|i| columns[*i].clone()).collect();
    for line in evidence.iter_mut().chain(statements.iter_mut()) {
        line.cells = order.iter().map(|i| line.cells[*i]).collect();
    }
    let mut columns = columns;
    for i in 0..columns.len() {
        let better = columns.iter().filter(|c| c.score < columns[i].score - EPSILON).count();
        columns[i].rank = better + 1;
    }
    let scores: Vec<f64> = columns.iter().map(|c| c.score).collect();
    let leaders = leaders(&scores);
    // Sensitivity: each item, each source, the weak sources, taken out.
    for line in &mut evidence {
        let against = line.against();
        let without: Vec<f64> = scores.iter().zip(&against).map(|(s, a)| s - a).collect();
        let now = self::leaders(&without);
        line.critical = (now != leaders).then_some(now);
    }
    let mut sources: BTreeMap<i64, (String, Vec<String>)> = BTreeMap::new();
    for line in &evidence {
        if let Some((id, name, _)) = &line.source {
            sources
                .entry(*id)
                .or_insert_with(|| (name.clone(), Vec::new()))
                .1
                .push(line.handle.clone());
        }
    }
    let single_sources = sources
        .into_iter()
        .filter_map(|(id, (name, items))| {
            let kept = total(&evidence, scores.len(), |l| l.source.as_ref().is_none_or(|s| s.0 != id));
            let now = self::leaders(&kept);
            (now != leaders).then_some(Without {
                what: name,
                items,
                leaders: now,
            })
        })
        .collect();
    let weak_items: Vec<String> = evidence
        .iter()
        .filter(|l| l.source.as_ref().is_some_and(|s| weak(s.2)))
        .map(|l| l.handle.clone())
        .collect();
    let weak_sources = (!weak_items.is_empty()).then(|| Without {
        what: "sources graded D to F".to_string(),
        items: weak_items,
        leaders: self::leaders(&total(&evidence, scores.len(), |l| l.source.as_ref().is_none_or(|s| !weak(s.2)))),
    });
    // Most diagnostic rows first.
    let by_diagnosticity = |l: &Line| (-rounded(l.diagnosticity), l.item.id());
    evidence.sort_by_key(by_diagnosticity);
    statements.sort_by_key(by_diagnosticity);
    let parties = parties(&statements, columns.len());
    Matrix {
        claim,
        claim_text,
        columns,
        evidence,
        statements,
        parties,
        leaders,
        single_sources,
        weak_sources,
    }
}

fn line(columns: &[Column], rated: RatedItem) -> Line {
    let cells: Vec<Option<(Consistency, Relevance)>> = columns
        .iter()
        .map(|c| rated.ratings.iter().find(|(h, _, _)| *h == c.id).map(|(_, r, v)| (*r, *v)))
        .collect();
    let values: Vec<Consistency> = cells.iter().flatten().map(|(r, _)| *r).collect();
    let source = rated.source.as_ref();
    let (text, from, from_short, grade, level, party_root) = match (&rated.speaker, rated.credibility) {
        (Some(s), _) => {
            let publisher = source.map(|s| s.publisher.as_str()).unwrap_or_default();
            (
                crate::domain::compare::words_of(&s.quote, s.quote_kind, &s.summary, publisher, None),
                s.party.clone(),
                s.party.clone(),
                source.map(|s| s.reliability.to_string()).unwrap_or_default(),
                None,
                Some(s.root.clone()),
            )
        }
        (None, credibility) => {
            let credibility = credibility.unwrap_or(Credibility(6));
            let (reference, short, reliability) = match source {
                Some(s) => (
                    s.reference.clone(),
                    format!("{} {}", s.handle, s.publisher).trim().to_string(),
                    s.reliability,
                ),
                None => (String::new(), String::new(), Reliability::F),
            };
            (
                rated.excerpt.clone(),
                reference,
                short,
                format!("{reliability}{}", credibility.0),
                Some(Level::of_evidence(reliability, credibility)),
                None,
            )
        }
    };
    Line {
        item: rated.item,
        handle: rated.item.handle(),
        text,
        from,
        from_short,
        grade,
        level,
        diagnosticity: diagnosticity(&values),
        cells,
        critical: None,
        source: rated
            .source
            .map(|s| (s.id, format!("{} {}", s.handle, s.publisher).trim().to_string(), s.reliability)),
        party_root,
    }
}

/// A score or spread as a whole number of millionths, to order by: sums of
/// √2 steps that are equal on paper may differ in their last bits.
fn rounded(n: f64) -> i64 {
    (n * 1e6).round() as i64
}

/// Each column's score from the evidence rows `keep` selects.
fn total(evidence: &[Line], columns: usize, keep: impl Fn(&Line) -> bool) -> Vec<f64> {
    let mut scores = vec![0.0; columns];
    for line in evidence.iter().filter(|l| keep(l)) {
        for (score, points) in scores.iter_mut().zip(line.against()) {
            *score += points;
        }
    }
    scores
}

/// The columns with the lowest score.
fn leaders(scores: &[f64]) -> Vec<usize> {
    let low = scores.iter().copied().fold(f64::INFINITY, f64::min);
    (0..scores.len()).filter(|i| scores[*i] <= low + EPSILON).collect()
}

fn parties(statements: &[Line], columns: usize) -> Vec<PartyLine> {
    let mut by_party: BTreeMap<String, Vec<&Line>> = BTreeMap::new();
    for line in statements {
        if let Some(root) = &line.party_root {
            by_party.entry(root.clone()).or_default().push(line);
        }
    }
    by_party
        .into_iter()
        .map(|(code, lines)| {
            let means = (0..columns)
                .map(|c| {
                    let values: Vec<f64> = lines.iter().filter_map(|l| l.cells[c]).map(|(r, _)| r.value()).collect();
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
                })
                .collect();
            let mut statements: Vec<&Line> = lines;
            statements.sort_by_key(|l| l.item.id());
            PartyLine {
                code,
                statements: statements.iter().map(|l| l.handle.clone()).collect(),
                means,
            }
        })
        .collect()
}

/// Two decimals, as the matrix shows scores and weights.
pub fn two_places(n: f64) -> String {
    format!("{:.2}", n + 0.0)
}

/// A party's mean rating: `+1.5`, `-2.0`, `0.0`.
pub fn signed(n: f64) -> String {
    let n = (n * 10.0).round() / 10.0 + 0.0;
    if n > 0.0 { format!("+{n:.1}") } else { format!("{n:.1}") }
}

/// Joins names as people write them: "H1", "H1 and H2", "H1, H2 and H3".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Who reads the matrix: a terminal, a report's reader, or a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// A table on the terminal: short text, weights and words together.
    Table,
    /// A table in a Markdown or HTML report: whole text.
    Report,
    /// CSV, TSV or JSON: numbers as numbers, the hypotheses' words in rows.
    Data,
}

impl Matrix {
    /// The matrix as rows: (for scripts, each hypothesis and its words,)
    /// the evidence, the statements, where each party stands, then each
    /// hypothesis's score and rank. Numbers are rounded to two places.
    pub fn grid(&self, view: View) -> (Vec<OutputColumn>, Vec<Vec<Cell>>) {
        let data = view == View::Data;
        let column = |name: &str, in_table: bool| OutputColumn {
            name: name.to_string(),
            in_table,
        };
        // A terminal is narrow: there the text begins with where it is
        // from, and the weight follows the grade it comes from.
        let narrow = view == View::Table;
        let mut columns = vec![
            column("item", true),
            column("kind", false),
            column("text", true),
            column("from", !narrow),
            column("grade", !narrow),
            column("credibility", false),
            column("weight", true),
            column("diagnosticity", true),
        ];
        columns.extend(self.columns.iter().map(|c| column(&c.handle, true)));
        columns.push(column("critical", true));
        let text = |t: &str| Cell::Text(t.to_string());
        let number = |n: f64, shown: String| {
            if data {
                Cell::Real((n * 100.0).round() / 100.0 + 0.0)
            } else {
                Cell::Text(shown)
            }
        };
        let blank = || vec![Cell::Null; self.columns.len()];
        let row = |item: &str, kind: &str, words: String, rest: [Cell; 5], cells: Vec<Cell>, critical: Cell| {
            let mut row = vec![text(item), text(kind), Cell::Text(words)];
            row.extend(rest);
            row.extend(cells);
            row.push(critical);
            row
        };
        let nothing = || [Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null];
        let mut rows = Vec::new();
        if data {
            for c in &self.columns {
                rows.push(row(&c.handle, "hypothesis", c.text.clone(), nothing(), blank(), Cell::Null));
            }
        }
        for line in self.evidence.iter().chain(&self.statements) {
            let words = if narrow {
                format!("{}: {}", line.from_short, shorten(&line.text, 50))
            } else {
                line.text.clone()
            };
            let (credibility, weight) = match line.level {
                Some(level) if narrow => (Cell::Null, Cell::Text(format!("{} {}", line.grade, two_places(level.weight())))),
                Some(level) => (text(level.as_str()), number(level.weight(), two_places(level.weight()))),
                None if data => (Cell::Null, Cell::Null),
                None => (Cell::Null, text("not scored")),
            };
            let diagnosticity = if line.diagnosticity == 0.0 && !data {
                text("none")
            } else {
                number(line.diagnosticity, two_places(line.diagnosticity))
            };
            let kind = line.item.kind().table();
            let cells = (0..self.columns.len()).map(|c| Cell::Text(line.cell_text(c))).collect();
            let critical = match &line.critical {
                Some(now) => Cell::Text(format!("without it: {}", self.names(now))),
                None => Cell::Null,
            };
            rows.push(row(
                &line.handle,
                kind,
                words,
                [text(&line.from), text(&line.grade), credibility, weight, diagnosticity],
                cells,
                critical,
            ));
        }
        for party in &self.parties {
            let cells = party.means.iter().map(|m| m.map_or(Cell::Null, |m| number(m, signed(m)))).collect();
            let words = if data {
                party.statements.join(", ")
            } else {
                format!("mean of {}", party.statements.join(", "))
            };
            rows.push(row(&party.code, "party", words, nothing(), cells, Cell::Null));
        }
        let scores = self.columns.iter().map(|c| number(c.score, two_places(c.score))).collect();
        rows.push(row(
            "score",
            "score",
            "weighted inconsistency".into(),
            nothing(),
            scores,
            Cell::Null,
        ));
        let ranks = self.columns.iter().map(|c| Cell::Int(c.rank as i64)).collect();
        rows.push(row("rank", "rank", "least inconsistent first".into(), nothing(), ranks, Cell::Null));
        (columns, rows)
    }

    fn names(&self, columns: &[usize]) -> String {
        and_list(&columns.iter().map(|c| self.columns[*c].handle.clone()).collect::<Vec<_>>())
    }

    /// Who would be least inconsistent: "H3 would be", "H1 and H2 would tie".
    fn would_lead(&self, columns: &[usize]) -> String {
        if columns.len() == self.columns.len() {
            "every hypothesis would tie".to_string()
        } else if columns.len() == 1 {
            format!("{} would be least inconsistent", self.names(columns))
        } else {
            format!("{} would tie as least inconsistent", self.names(columns))
        }
    }

    /// The ranking and its sensitivity, in sentences.
    pub fn reading(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let ranking: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{} {}", c.handle, two_places(c.score)))
            .collect();
        lines.push(format!("Weighted inconsistency, least first: {}.", ranking.join(", ")));
        if self.evidence.iter().all(|l| l.against().iter().all(|p| *p == 0.0)) {
            lines.push("No evidence is rated inconsistent with any hypothesis yet, so none is least inconsistent: rate each evidence item against each hypothesis with `crosscheck rate`.".to_string());
        } else {
            let lead = self.names(&self.leaders);
            lines.push(if self.leaders.len() == 1 {
                format!("Least inconsistent: {lead}.")
            } else {
                format!("Least inconsistent, tied: {lead}.")
            });
            let critical: Vec<String> = self
                .evidence
                .iter()
                .filter_map(|l| {
                    l.critical
                        .as_ref()
                        .map(|now| format!("{} (without it, {})", l.handle, self.would_lead(now)))
                })
                .collect();
            lines.push(if critical.is_empty() {
                "Critical evidence: none; removing any one item leaves the least inconsistent hypothesis as it is.".to_string()
            } else {
                format!(
                    "Critical evidence, whose removal alone changes which hypothesis is least inconsistent: {}.",
                    critical.join("; ")
                )
            });
            lines.push(if self.single_sources.is_empty() {
                "No single source carries the ranking: without any one source's evidence, the least inconsistent hypothesis stays the same."
                    .to_string()
            } else {
                let each: Vec<String> = self
                    .single_sources
                    .iter()
                    .map(|w| format!("without {} ({}), {}", w.what, w.items.join(", "), self.would_lead(&w.leaders)))
                    .collect();
                format!("The ranking rests on a single source: {}.", each.join("; "))
            });
            lines.push(match &self.weak_sources {
                None => "No rated evidence comes from a source graded D to F.".to_string(),
                Some(w) if w.leaders != self.leaders => format!(
                    "The ranking rests on sources graded D to F: without their evidence ({}), {}.",
                    w.items.join(", "),
                    self.would_lead(&w.leaders)
                ),
                Some(w) => format!(
                    "Without the evidence from sources graded D to F ({}), the least inconsistent hypothesis stays the same.",
                    w.items.join(", ")
                ),
            });
        }
        for party in &self.parties {
            let best = party.means.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
            let with: Vec<usize> = (0..self.columns.len())
                .filter(|c| best > EPSILON && party.means[*c].is_some_and(|m| m >= best - EPSILON))
                .collect();
            let against: Vec<usize> = (0..self.columns.len())
                .filter(|c| party.means[*c].is_some_and(|m| m < -EPSILON))
                .collect();
            let mut parts = Vec::new();
            if !with.is_empty() {
                parts.push(format!("its account fits {} best", self.names(&with)));
            }
            if !against.is_empty() {
                parts.push(format!("it is against {}", self.names(&against)));
            }
            if parts.is_empty() {
                parts.push("its account fits no hypothesis better than another".to_string());
            }
            lines.push(format!("{} ({}): {}.", party.code, party.statements.join(", "), parts.join("; ")));
        }
        let incomplete: Vec<String> = self
            .evidence
            .iter()
            .chain(&self.statements)
            .filter(|l| l.cells.iter().any(Option::is_none))
            .map(|l| {
                let missing: Vec<usize> = (0..self.columns.len()).filter(|c| l.cells[*c].is_none()).collect();
                format!("{} ({})", l.handle, self.names(&missing))
            })
            .collect();
        if !incomplete.is_empty() {
            lines.push(format!("Not rated against every hypothesis: {}.", incomplete.join(", ")));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Consistency::*;

    #[test]
    fn diagnosticity_is_the_spread_of_the_ratings() {
        assert_eq!(diagnosticity(&[Consistent, Consistent, Consistent]), 0.0);
        assert_eq!(diagnosticity(&[Neutral, NotApplicable]), 0.0);
        assert!((diagnosticity(&[Consistent, Consistent, VeryInconsistent]) - 2f64.sqrt()).abs() < 1e-12);
        assert!((diagnosticity(&[VeryConsistent, VeryInconsistent]) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn credibility_is_the_weaker_of_the_two_grades() {
        assert_eq!(Level::of_evidence(Reliability::A, Credibility(1)), Level::High);
        assert_eq!(Level::of_evidence(Reliability::B, Credibility(3)), Level::Medium);
        assert_eq!(Level::of_evidence(Reliability::C, Credibility(2)), Level::Medium);
        assert_eq!(Level::of_evidence(Reliability::D, Credibility(1)), Level::Low);
        assert_eq!(Level::of_evidence(Reliability::B, Credibility(6)), Level::Low);
        assert!((Level::High.weight() * Level::Low.weight() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn names_and_numbers_read_as_people_write_them() {
        assert_eq!(and_list(&["H1".into(), "H2".into(), "H3".into()]), "H1, H2 and H3");
        assert_eq!(signed(1.5), "+1.5");
        assert_eq!(signed(-2.0), "-2.0");
        assert_eq!(signed(-0.0), "0.0");
        assert_eq!(two_places(2.0f64.sqrt() + 1.0), "2.41");
    }
}
