//! `crosscheck ach CLAIM`: the Analysis of Competing Hypotheses for one
//! claim: its hypotheses as columns, its rated evidence and statements as
//! rows, each hypothesis's weighted inconsistency, and how much the ranking
//! depends on single items and sources.

use anyhow::Result;

use crate::domain::ach::{self, View};
use crate::output::{self, Format, OutputArgs, inert};
use crate::store::Case;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  crosscheck ach air-patrol-2019-airspace-violated
  crosscheck ach C13 --format csv > matrix.csv

Columns are the claim's hypotheses, least inconsistent first; rows are its rated evidence (scored), then its rated statements and each party's mean (shown, not scored), most diagnostic first. A hypothesis's score is the sum of the points against it: I counts 1 and II counts 2, each weighted by the evidence's credibility (from its Admiralty grade) and the rating's relevance, low 0.71, medium 1, high 1.41. Diagnosticity is the spread (standard deviation) of a row's ratings on the scale II -2, I -1, N and NA 0, C 1, CC 2; `none` marks a row rated the same against every hypothesis. Below the table: the critical evidence, and whether the ranking rests on a single source or on sources graded D to F (on stderr with --format).")]
pub struct Args {
    /// The claim: C3, its slug or UUID. It needs two hypotheses at least.
    pub claim: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, case: &Case) -> Result<()> {
    let matrix = ach::build(case, &args.claim)?;
    let table = args.output.format == Format::Table;
    let (columns, rows) = matrix.grid(if table { View::Table } else { View::Data });
    let width = usize::from(output::Terminal::detect().width);
    if table {
        let mut head = vec![output::wrap(&format!("{}: {}", matrix.claim, matrix.claim_text), width, "  ")];
        head.extend(matrix.columns.iter().map(|c| {
            let lead = format!("  {}  ", c.handle);
            let room = width.saturating_sub(lead.chars().count());
            format!("{lead}{}", output::wrap(&c.text, room, &" ".repeat(lead.chars().count())))
        }));
        super::print_line(&inert(&head.join("\n")))?;
    }
    output::print(&args.output, columns, rows)?;
    let reading = matrix.reading();
    if table {
        let reading: Vec<String> = reading.iter().map(|line| output::wrap(line, width, "  ")).collect();
        super::print_line(&inert(&reading.join("\n")))
    } else {
        for line in reading {
            crate::say!("note: {}", inert(&line));
        }
        Ok(())
    }
}
