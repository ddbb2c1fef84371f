//! The command line. Parsing only checks the words; `cmd` does the work.

use std::path::PathBuf;

use clap::{Arg, ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::cmd;

/// A claim-and-source verification workbench: one SQLite case file per
/// investigation.
#[derive(Debug, Parser)]
#[command(
    name = "crosscheck",
    version,
    about,
    after_help = "Examples:\n  crosscheck demo\n  crosscheck init --seed\n  crosscheck claim list --status disputed\n  crosscheck compare air-patrol-2019-airspace-violated --parties RU,CN,JP,KR\n\nExit codes: 0 success, 1 failure (I/O, database), 2 invalid input, 3 not found, 4 verify found a problem."
)]
pub struct Cli {
    /// The case: a file, or a database on a PostgreSQL server (postgres://USER@HOST/DB).
    #[arg(
        long,
        global = true,
        env = "CROSSCHECK_DB",
        hide_env_values = true,
        default_value = "crosscheck.db",
        value_name = "PATH|URL"
    )]
    pub db: PathBuf,

    /// Who is making the change: `--as` on the writing command, read by
    /// `parse` (see `WRITING`).
    #[arg(skip)]
    pub analyst: Option<String>,

    /// Write to the terminal directly, never through the pager ($PAGER, else less -FRX) that output goes through on a terminal.
    #[arg(long, global = true)]
    pub no_pager: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a case file (safe to run again: an existing file is left as it is).
    #[command(
        after_help = "Examples:\n  crosscheck init\n  crosscheck --db vostok.db init --seed\n\nMakes a case of a new path, an empty file or an SQLite database with nothing in it; any other file is refused and left as it is. An existing case made by an older crosscheck is brought up to date, saying so first."
    )]
    Init(cmd::init::Args),
    /// Show the shipped case, built in memory: claims with verdicts, then the contested claims side by side.
    #[command(after_help = "Example:\n  crosscheck demo")]
    Demo(cmd::demo::Args),
    /// Add and list parties: states, their bodies, organisations, outlets, analysts.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck party list\n  crosscheck party add RU-MOD --name \"Russian Ministry of Defence\" \\\n    --kind body --parent RU"
    )]
    Party(cmd::party::Command),
    /// Add, list, show and edit places: one place, every party's name for it.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck place add liancourt-rocks \\\n    --notes \"The islets South Korea and Japan both claim\"\n  crosscheck name add liancourt-rocks Dokdo --lang en --used-by KR\n  crosscheck place show liancourt-rocks"
    )]
    Place(cmd::place::Command),
    /// Add, list and edit the names of places: the text, its language, the parties that use it, and the source.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck name add liancourt-rocks 竹島 --lang ja --used-by JP\n  crosscheck name list --place liancourt-rocks"
    )]
    Name(cmd::name::Command),
    /// Add, list, show and edit sources (documents).
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck source add \"Vostok-2018 drills\" --publisher TASS \\\n    --published 2018-08 --reliability B\n  crosscheck source show S3\n  crosscheck source attach S3 page.pdf"
    )]
    Source(cmd::source::Command),
    /// Add, list, show and edit claims.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck claim add \"About 300,000 servicemen took part\" \\\n    --topic vostok-2018 --figure 300000 --unit servicemen\n  crosscheck claim list --status disputed\n  crosscheck claim show C3"
    )]
    Claim(cmd::claim::Command),
    /// Record and list what parties said about claims.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck statement add C3 RU-MOD denies --date 2019-07-23 --source S7 \\\n    --quote \"...\"\n  crosscheck statement list --claim C3"
    )]
    Statement(cmd::statement::Command),
    /// Link sources to claims as evidence, and list the links.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck evidence add C3 S7 refutes --credibility 3 --excerpt \"...\"\n  crosscheck evidence list --claim C3"
    )]
    Evidence(cmd::evidence::Command),
    /// Add, list and edit hypotheses: a claim's competing explanations, meant to be mutually exclusive.
    #[command(
        subcommand,
        after_help = "Examples:\n  crosscheck hypothesis add C13 \\\n    \"A Russian aircraft entered the airspace deliberately\"\n  crosscheck hypothesis list --claim C13"
    )]
    Hypothesis(cmd::hypothesis::Command),
    /// Rate an evidence item or statement against a hypothesis: CC, C, N, NA, I or II. Rating it again replaces the rating.
    #[command(
        after_help = "Examples:\n  crosscheck rate H3 E59 C --note \"Russia's MoD: flight data show no violation\"\n  crosscheck rate H3 E53 I --relevance high\n  crosscheck rate H2 ST39 CC \\\n    --reason \"Reread: the attaché spoke of a malfunction\"\n\nThe scale (Heuer): CC very consistent, C consistent, N neutral, NA not applicable, I inconsistent, II very inconsistent. The item must bear on the hypothesis's claim. Every rating, and every change of one, is in the history."
    )]
    Rate(cmd::rate::Args),
    /// List ratings.
    #[command(subcommand, after_help = "Example:\n  crosscheck rating list --claim C13")]
    Rating(cmd::rating::Command),
    /// Weigh a claim's evidence against each of its hypotheses (Analysis of Competing Hypotheses).
    Ach(cmd::ach::Args),
    /// Set a claim's verdict, with the reason.
    #[command(
        after_help = "Examples:\n  crosscheck mark C3 disputed \\\n    --reason \"Russia's 300,000 against analysts' 50,000 to 100,000\"\n  crosscheck mark border-length supported --as \"A. Editor\" \\\n    --reason \"Border agency: 4,209.3 km\""
    )]
    Mark(cmd::mark::Args),
    /// Withdraw a record with the reason: it stays in the file and its history, and drops out of listings, comparisons, counts, reports and search.
    #[command(
        after_help = "Examples:\n  crosscheck retract ST4 --reason \"Entered under the wrong claim\"\n  crosscheck retract E12 --reason \"Same passage as E9\"\n  crosscheck statement list --include-retracted\n\nNothing is deleted; `crosscheck restore` undoes a retraction. Retracting a claim, source or party retracts nothing else: the records that refer to it are named."
    )]
    Retract(cmd::retract::Args),
    /// Undo a retraction, with the reason.
    #[command(after_help = "Example:\n  crosscheck restore ST4 --reason \"Retracted by mistake\"")]
    Restore(cmd::retract::Args),
    /// Show the record of changes: who, when, what and why.
    #[command(
        after_help = "Examples:\n  crosscheck history\n  crosscheck history C3\n  crosscheck history --desc --limit 10\n  crosscheck history --format csv > history.csv"
    )]
    History(cmd::history::Args),
    /// Compare what parties said about claims, side by side.
    #[command(
        after_help = "Examples:\n  crosscheck compare\n  crosscheck compare --topic air-patrol-2019 --parties RU,CN,JP,KR\n  crosscheck compare vostok-2018-troops --format json"
    )]
    Compare(cmd::compare::Args),
    /// Write a report of parties, sources, claims, statements, evidence, hypotheses, ratings, places or names (CSV, TSV, JSON, JSON lines, Markdown, HTML).
    #[command(
        after_help = "Examples:\n  crosscheck report claims --format html --output vostok.html\n  crosscheck report claims --status disputed,misleading --format md\n  crosscheck report statements --party RU --since 2019-07 --format csv \\\n    --output ru.csv"
    )]
    Report(cmd::report::Args),
    /// Export verdicts for search engines as schema.org ClaimReview JSON-LD.
    #[command(
        after_help = "Example:\n  crosscheck export claimreview \\\n    --url-base \"https://desk.example/vostok.html#\" \\\n    --publisher-name \"Example Desk\" --output claimreview.json"
    )]
    Export(cmd::export::Args),
    /// Import parties, sources, claims, statements, evidence, hypotheses, ratings, places or names from CSV, TSV, JSON or JSON lines.
    Import(cmd::import::Args),
    /// Bring another case file's records, history and captures into this case, matched by UUID, three ways.
    Merge(cmd::merge::Args),
    /// What merging another case file would change, and every conflict, as a listing.
    Diff(cmd::diff::Args),
    /// Check the case file: integrity, foreign keys, the history chain, every capture.
    Verify(cmd::verify::Args),
    /// Print the newest history entry's hash, to publish or send, and record that it was given out.
    Anchor(cmd::anchor::Args),
    /// Copy the case file consistently, even while others write to it.
    Backup(cmd::backup::Args),
    /// Bring a case file made by an older crosscheck up to date, after making a checked backup.
    Upgrade(cmd::upgrade::Args),
    /// Search claims, statements, sources, evidence and hypotheses, in any script.
    Search(cmd::search::Args),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish: commands, flags, and the case's handles, slugs and codes.
    Completions(cmd::completions::Args),
    /// Print the manual page (roff): `crosscheck man | man -l -`.
    Man(cmd::completions::ManArgs),
}

/// The commands that record changes in the history, and so take `--as`:
/// the reading commands do not offer it.
pub const WRITING: &[&[&str]] = &[
    &["init"],
    &["upgrade"],
    &["party", "add"],
    &["party", "edit"],
    &["place", "add"],
    &["place", "edit"],
    &["name", "add"],
    &["name", "edit"],
    &["source", "add"],
    &["source", "edit"],
    &["source", "attach"],
    &["claim", "add"],
    &["claim", "edit"],
    &["statement", "add"],
    &["statement", "edit"],
    &["evidence", "add"],
    &["evidence", "edit"],
    &["hypothesis", "add"],
    &["hypothesis", "edit"],
    &["rate"],
    &["mark"],
    &["retract"],
    &["restore"],
    &["import"],
    &["merge"],
    &["anchor"],
];

/// The id of the `--as` argument.
const AS: &str = "as";

fn as_arg() -> Arg {
    Arg::new(AS)
        .long("as")
        .value_name("NAME")
        .help("Who is making the change, for the history (default: CROSSCHECK_ANALYST, else your login name)")
}

/// The command line's definition: the derived one, with `--as` added to
/// each writing command.
pub fn command() -> clap::Command {
    fn add(command: clap::Command, path: &[&str]) -> clap::Command {
        match path {
            [] => command.arg(as_arg()),
            [first, rest @ ..] => command.mut_subcommand(*first, |sub| add(sub, rest)),
        }
    }
    let command = WRITING.iter().fold(Cli::command(), |command, path| add(command, path));
    cmd::completions::from_case(command)
}

/// Parses the process's arguments, exiting with clap's message and code 2
/// on a mistake, as `Parser::parse` does.
pub fn parse() -> Cli {
    let matches = command().try_get_matches().unwrap_or_else(|e| {
        let misplaced = e.kind() == clap::error::ErrorKind::UnknownArgument && std::env::args().any(|a| a == "--as" || a.starts_with("--as="));
        if misplaced {
            let _ = e.print();
            eprintln!(
                "\ntip: --as NAME goes after a command that writes, such as `crosscheck mark C3 disputed --reason TEXT --as NAME`; reading commands record nothing, so they do not take it"
            );
            std::process::exit(crate::error::exit::INVALID.into());
        }
        e.exit()
    });
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.analyst = analyst(&matches);
    cli
}

/// The `--as` of the innermost command that was given one.
fn analyst(matches: &ArgMatches) -> Option<String> {
    let mut found = None;
    let mut m = matches;
    loop {
        if let Ok(Some(name)) = m.try_get_one::<String>(AS) {
            found = Some(name.clone());
        }
        match m.subcommand() {
            Some((_, sub)) => m = sub,
            None => return found,
        }
    }
}
