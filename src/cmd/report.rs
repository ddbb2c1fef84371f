//! `crosscheck report parties|sources|claims|statements|evidence|hypotheses|ratings|places|names`: reports to
//! publish or hand on. The CSV, TSV and JSON reports of records have exactly
//! the columns of `X list`, from the same query, so that any of them imports
//! back; Markdown and HTML are for readers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Result;

use super::{Ctx, claim, evidence, hypothesis, name, party, place, rating, source, statement};
use crate::atomic::{Replaces, Target};
use crate::error::UserError;
use crate::output::{self, Cell, OutputArgs, Sink};
use crate::report::claims as claims_report;
use crate::report::{self, ReportFormat, Rich};
use crate::store::Case;
use crate::store::queries::PartyColumn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub subject: Subject,
}

#[derive(Debug, clap::Subcommand)]
pub enum Subject {
    /// Parties, with the columns of `party list` (imports back with `import --into parties`).
    #[command(after_help = "Example:\n  crosscheck report parties --format csv --output parties.csv")]
    Parties {
        #[command(flatten)]
        filter: party::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Sources, with the columns of `source list`.
    #[command(after_help = "Example:\n  crosscheck report sources --reliability A,B --since 2019 --format md")]
    Sources {
        #[command(flatten)]
        filter: source::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Claims: one row a claim with its verdict, evidence counts and best grades, and each party's stance; in Markdown and HTML a page for readers.
    #[command(
        after_help = "Columns after the claim's fields: supporting, supporting_best, refuting, refuting_best (best grade: source reliability then credibility, A1 best), then stance:CODE for each party (a state includes its bodies).\n\nA Markdown or HTML page shows at most 200 claims in full, the most contested, and its summary says what it leaves out; its verdict counts and timeline cover every claim. CSV, TSV and JSON write every claim.\n\nExamples:\n  crosscheck report claims --format csv --output claims.csv\n  crosscheck report claims --status disputed,misleading --format html \\\n    --output contested.html\n  crosscheck report claims --topic air-patrol-2019 --parties RU,CN,JP,KR \\\n    --format md"
    )]
    Claims {
        #[command(flatten)]
        filter: claim::Filter,
        /// The parties to give a column each, comma-separated: RU,CN,JP,KR. Default: every party that spoke on these claims, most statements first.
        #[arg(long)]
        parties: Option<String>,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Statements, with the columns of `statement list`.
    #[command(after_help = "Example:\n  crosscheck report statements --party RU --since 2019-07 --format json")]
    Statements {
        #[command(flatten)]
        filter: statement::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Evidence, with the columns of `evidence list`.
    #[command(after_help = "Example:\n  crosscheck report evidence --relation refutes --format tsv")]
    Evidence {
        #[command(flatten)]
        filter: evidence::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Hypotheses, with the columns of `hypothesis list`.
    #[command(after_help = "Example:\n  crosscheck report hypotheses --claim C13 --format csv --output hypotheses.csv")]
    Hypotheses {
        #[command(flatten)]
        filter: hypothesis::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Ratings of evidence and statements against hypotheses, with the columns of `rating list`.
    #[command(after_help = "Example:\n  crosscheck report ratings --claim C13 --format csv --output ratings.csv")]
    Ratings {
        #[command(flatten)]
        filter: rating::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Places, with the columns of `place list`: the fields, then the place's names.
    #[command(after_help = "Example:\n  crosscheck report places --format md --output places.md")]
    Places {
        #[command(flatten)]
        filter: place::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// Names of places, with the columns of `name list`: who calls which place what, and on what source.
    #[command(after_help = "Example:\n  crosscheck report names --used-by JP --format csv --output jp-names.csv")]
    Names {
        #[command(flatten)]
        filter: name::Filter,
        #[command(flatten)]
        out: ReportArgs,
    },
}

impl Subject {
    /// The file the report goes to, if not stdout.
    pub fn output(&self) -> Option<&Path> {
        let out = match self {
            Subject::Parties { out, .. }
            | Subject::Sources { out, .. }
            | Subject::Claims { out, .. }
            | Subject::Statements { out, .. }
            | Subject::Evidence { out, .. }
            | Subject::Hypotheses { out, .. }
            | Subject::Ratings { out, .. }
            | Subject::Places { out, .. }
            | Subject::Names { out, .. } => out,
        };
        out.output.as_deref()
    }
}

/// Where and how a report is written.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The format: csv, tsv, json, jsonl, md, html. Default: from the --output file's extension, else csv.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to FILE instead of stdout, atomically: a temporary file in the same folder, renamed into place when complete.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// In CSV and TSV, write cells exactly as stored, even those a spreadsheet would run as a formula (by default such cells get a leading ', which import takes off again).
    #[arg(long)]
    pub raw_cells: bool,
    /// The title of a Markdown or HTML report.
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub scope: super::ScopeArgs,
}

impl ReportArgs {
    /// The --output file, checked before any work.
    fn target(&self, case: &Path) -> Result<Option<Target>> {
        self.output
            .as_deref()
            .map(|path| Target::new("--output", path, case, Replaces::NoCase))
            .transpose()
    }

    fn format(&self) -> Result<ReportFormat> {
        match (self.format, &self.output) {
            (Some(format), _) => Ok(format),
            (None, None) => Ok(ReportFormat::Csv),
            (None, Some(path)) => ReportFormat::from_path(path).ok_or_else(|| {
                UserError::Usage(format!(
                    "cannot tell the format from the name {}; give --format csv, tsv, json, jsonl, md or html",
                    path.display()
                ))
                .into()
            }),
        }
    }
}

pub fn run(args: Args, store: &mut Case, ctx: &Ctx) -> Result<()> {
    let case = ctx.db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let now = store.now()?;
    // The title (unless --title gives one) and the line under it.
    let heading = |out: &ReportArgs, what: &str| {
        let title = out.title.clone().unwrap_or_else(|| what.to_string());
        let intro = Rich::text(format!(
            "{what} from the case file {case}, as of {} UTC.",
            now.get(..16).unwrap_or(&now).replace('T', " ")
        ));
        (title, vec![intro])
    };
    let case = &*store;
    let db = ctx.db.as_path();
    match args.subject {
        Subject::Parties { filter, out } => listing(&out, db, heading(&out, "Parties"), "parties", |to| {
            party::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Sources { filter, out } => listing(&out, db, heading(&out, "Sources"), "sources", |to| {
            source::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Statements { filter, out } => {
            let for_readers = out.format()?.listing().is_none();
            listing(&out, db, heading(&out, "Statements"), "statements", |to| {
                statement::rows(case, &filter, &out.scope.scope(), for_readers, to)
            })
        }
        Subject::Evidence { filter, out } => listing(&out, db, heading(&out, "Evidence"), "evidence links", |to| {
            evidence::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Hypotheses { filter, out } => listing(&out, db, heading(&out, "Hypotheses"), "hypotheses", |to| {
            hypothesis::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Ratings { filter, out } => listing(&out, db, heading(&out, "Ratings"), "ratings", |to| {
            rating::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Places { filter, out } => listing(&out, db, heading(&out, "Places"), "places", |to| {
            place::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Names { filter, out } => listing(&out, db, heading(&out, "Names of places"), "names", |to| {
            name::list(case, &filter, &out.scope.scope(), to)
        }),
        Subject::Claims { filter, parties, out } => {
            let (title, intro) = heading(&out, "Claims and verdicts");
            let target = out.target(db)?;
            claims(case, &filter, parties.as_deref(), &out, target.as_ref(), title, intro)
        }
    }
}

/// The sink a report writes its rows into: CSV, TSV or JSON as `list`
/// writes them, or a Markdown or HTML table.
fn report_to<'a>(
    format: ReportFormat,
    out: &ReportArgs,
    (title, intro): (&str, &[Rich]),
    written: &Rc<std::cell::Cell<u64>>,
    writer: &'a mut dyn Write,
) -> output::To<'a> {
    let raw_cells = out.raw_cells;
    let (title, intro) = (title.to_string(), intro.to_vec());
    let written = written.clone();
    Box::new(move |columns| {
        let sink = match format.listing() {
            Some(format) => output::sink(
                &OutputArgs {
                    format,
                    raw_cells,
                    expanded: false,
                },
                columns,
                Box::new(writer),
            ),
            None => report::table_sink(format, &title, &intro, columns, Box::new(writer)),
        }?;
        Ok(Box::new(Counted { sink, written }) as Box<dyn Sink + 'a>)
    })
}

/// A sink that counts the rows it passes on, for the closing message.
struct Counted<'a> {
    sink: Box<dyn Sink + 'a>,
    written: Rc<std::cell::Cell<u64>>,
}

impl Sink for Counted<'_> {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        self.written.set(self.written.get() + 1);
        self.sink.row(cells)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.sink.finish()
    }
}

/// Says on stderr what a report wrote to its file, as `export` does.
fn wrote(out: &ReportArgs, count: u64, what: &str) {
    if let Some(path) = &out.output {
        crate::say!(
            "wrote {} {what} to {}",
            crate::model::grouped(count as f64),
            crate::output::inert(&path.display().to_string())
        );
    }
}

/// A report of records: the listing, written where the flags say.
fn listing(
    out: &ReportArgs,
    db: &Path,
    (title, intro): (String, Vec<Rich>),
    what: &str,
    list: impl FnOnce(output::To<'_>) -> Result<()>,
) -> Result<()> {
    let target = out.target(db)?;
    let format = out.format()?;
    let written = Rc::new(std::cell::Cell::new(0));
    report::write_to(target.as_ref(), |writer| {
        list(report_to(format, out, (&title, &intro), &written, writer))
    })?;
    wrote(out, written.get(), what);
    Ok(())
}

/// The claims report.
fn claims(
    case: &Case,
    filter: &claim::Filter,
    parties: Option<&str>,
    out: &ReportArgs,
    target: Option<&Target>,
    title: String,
    intro: Vec<Rich>,
) -> Result<()> {
    let format = out.format()?;
    // Check every value before anything is written.
    let checked = filter.checked()?;
    let named: Option<Vec<PartyColumn>> = parties.map(|list| claims_report::named_parties(case, list)).transpose()?;
    // One read transaction: the party columns, and for readers both passes
    // over the claims, see the same case whoever writes meanwhile.
    let written = case.snapshot(|case| {
        let speakers = case.speakers(&checked)?;
        if format.listing().is_some() {
            let columns = named.as_ref().unwrap_or(&speakers);
            let fill = |id: i64, cells: &mut Vec<Cell>| claims_report::fill(case, columns, id, cells);
            let written = Rc::new(std::cell::Cell::new(0));
            report::write_to(target, |writer| {
                claim::rows(
                    case,
                    &checked,
                    &out.scope.scope(),
                    claims_report::columns(columns),
                    report_to(format, out, (&title, &intro), &written, writer),
                    fill,
                )
            })?;
            let claims = written.get() as usize;
            return Ok(claims_report::Written { claims, in_full: claims });
        }
        let input = claims_report::Input {
            title: title.clone(),
            intro: intro.clone(),
            speakers: &speakers,
            compare: named.as_deref(),
            narrow: "--status, --topic, --party or --since/--until",
        };
        let mut written = None;
        report::write_to(target, |writer| {
            let mut renderer = report::renderer(format, Box::new(writer));
            written = Some(claims_report::write(case, &checked, &out.scope.scope(), &input, renderer.as_mut())?);
            Ok(())
        })?;
        Ok(written.unwrap_or(claims_report::Written { claims: 0, in_full: 0 }))
    })?;
    if let Some(path) = &out.output {
        let claims = crate::model::grouped(written.claims as f64);
        let path = crate::output::inert(&path.display().to_string());
        if written.in_full < written.claims {
            crate::say!(
                "wrote {claims} claims to {path}, {} of them in full (a page shows at most {} in full)",
                crate::model::grouped(written.in_full as f64),
                claims_report::IN_FULL
            );
        } else {
            crate::say!("wrote {claims} claims to {path}");
        }
    }
    Ok(())
}
