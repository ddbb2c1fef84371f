//! `crosscheck claim add|list|show|edit`.

use anyhow::Result;

use super::{Ctx, word_list};
use crate::domain::names::{self, Gazetteer};
use crate::model::{Figure, Status};
use crate::output::{self, Cell, Column};
use crate::report::DateRange;
use crate::store::listing::{ClaimFilter, Scope};
use crate::store::{Case, Claim, Fields, Kind, format_handle};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a claim; prints its handle (C3) on stdout.
    #[command(
        after_help = "Example:\n  crosscheck claim add \"About 300,000 servicemen took part in Vostok-2018\" \\\n    --topic vostok-2018 --date 2019 --appeared-in \"Joining Forces (2019)\" \\\n    --figure 300000 --unit servicemen --slug vostok-troops"
    )]
    Add(AddArgs),
    /// List claims with their verdicts.
    #[command(
        after_help = "Examples:\n  crosscheck claim list\n  crosscheck claim list --status disputed,misleading\n  crosscheck claim list --topic vostok-2018 --format json"
    )]
    List(super::ListArgs<Filter>),
    /// Show everything about one claim: statements, evidence, verdict, history.
    #[command(after_help = "Example:\n  crosscheck claim show vostok-2018-troops")]
    Show(ShowArgs),
    /// Change a claim's fields (use `mark` for the verdict); the history keeps the old values.
    #[command(after_help = "Example:\n  crosscheck claim edit C3 --topic vostok-2018 --reason \"Topic names unified\"")]
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The claim: one checkable proposition.
    pub text: String,
    #[command(flatten)]
    pub fields: ClaimOptions,
    /// A UUID to keep (from another case file); a new one by default.
    #[arg(long)]
    pub uuid: Option<String>,
}

/// The fields `add` and `edit` both set. In `edit`, "" clears a field.
#[derive(Debug, clap::Args)]
pub struct ClaimOptions {
    /// A topic to group claims by: vostok-2018.
    #[arg(long)]
    pub topic: Option<String>,
    /// When the claim was made: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub date: Option<String>,
    /// Where the claim appeared: an article, a speech.
    #[arg(long)]
    pub appeared_in: Option<String>,
    /// The figure the claim carries: 300000, or a range 50000..100000.
    #[arg(long)]
    pub figure: Option<String>,
    /// The figure's unit: km, servicemen.
    #[arg(long)]
    pub unit: Option<String>,
    /// Who made the claim: the article, a ministry, "social media posts".
    #[arg(long)]
    pub claimant: Option<String>,
    /// A short name to type instead of the handle: vostok-troops.
    #[arg(long)]
    pub slug: Option<String>,
}

impl ClaimOptions {
    fn into_fields(self, mut fields: Fields) -> Fields {
        fields.set_opt("topic", self.topic);
        fields.set_opt("claimed_on", self.date);
        fields.set_opt("appeared_in", self.appeared_in);
        fields.set_opt("figure", self.figure);
        fields.set_opt("unit", self.unit);
        fields.set_opt("claimant", self.claimant);
        fields.set_opt("slug", self.slug);
        fields
    }
}

/// Which claims `list` and `report` show.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only claims with these verdicts (comma-separated): unverified, in-review, supported, refuted, misleading, disputed, unverifiable.
    #[arg(long)]
    pub status: Option<String>,
    /// Only claims on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only claims this party made a statement on (a state includes its bodies): RU, RU-MOD.
    #[arg(long)]
    pub party: Option<String>,
    /// Only claims made in this range.
    #[command(flatten)]
    pub claimed: DateRange,
}

impl Filter {
    /// Checks the filter's values.
    pub fn checked(&self) -> Result<ClaimFilter> {
        Ok(ClaimFilter {
            statuses: word_list(&self.status, Status::parse)?,
            topic: self.topic.clone(),
            party: self.party.clone(),
            claimed: self.claimed.dates()?,
            only: None,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    #[command(flatten)]
    pub scope: super::ScopeArgs,
    /// Output: tables (the default), or json or jsonl for scripts (the claim's fields, its statements, evidence, hypotheses and history, with stable field names).
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: super::ShowFormat,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The claim: C3, its slug or UUID.
    pub claim: String,
    /// New text.
    #[arg(long)]
    pub text: Option<String>,
    #[command(flatten)]
    pub fields: ClaimOptions,
    /// Why the change was made, for the history. Required.
    #[arg(long)]
    pub reason: String,
}

pub fn run(command: Command, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Add(args) => {
            let mut fields = Fields::new();
            fields.set("text", args.text);
            fields.set_opt("uuid", args.uuid);
            let fields = args.fields.into_fields(fields);
            super::add::<Claim>(case, ctx, &fields, false, &["text"])
        }
        Command::List(args) => list(case, &args.filter, &args.order.with(args.scope), output::to_stdout(&args.output)),
        Command::Show(args) if args.format != super::ShowFormat::Table => show_object(case, &args.claim, args.scope, args.format),
        Command::Show(args) => show(case, &args.claim, args.scope),
        Command::Edit(args) => {
            let mut fields = Fields::new();
            fields.set_opt("text", args.text);
            let fields = args.fields.into_fields(fields);
            super::edit::<Claim>(case, ctx, &args.claim, &fields, &args.reason)
        }
    }
}

/// The claim listing: the handle, then the fields the importer reads back.
pub fn list(case: &Case, filter: &Filter, scope: &Scope, to: output::To<'_>) -> Result<()> {
    rows(case, &filter.checked()?, scope, Vec::new(), to, |_, _| Ok(()))
}

/// The claim listing with more columns after the fields (the claims report's
/// counts and stances), which `extend` fills for each claim by its id.
pub fn rows(
    case: &Case,
    filter: &ClaimFilter,
    scope: &Scope,
    extra: Vec<Column>,
    to: output::To<'_>,
    extend: impl FnMut(i64, &mut Vec<Cell>) -> Result<()>,
) -> Result<()> {
    super::stream::<Claim>(to, extra, |each| case.list_claims(filter, scope, each), extend)
}

fn show(case: &Case, text: &str, scope: super::ScopeArgs) -> Result<()> {
    let id = case.resolve(Kind::Claim, text)?;
    let claim: Claim = case.load(id)?;
    super::print_record(format_handle(Kind::Claim, id), case.fields(&claim)?, |name, value| match name {
        "figure" => Some(claim.figure.map(|f: Figure| f.human()).unwrap_or_default()),
        "status" => Some(format!("{value} ({})", claim.status.describe())),
        _ => None,
    })?;
    let include = scope.include_retracted;
    let gazetteer = Gazetteer::load(case)?;
    let mut statements = case.claim_statements(id, include)?;
    let mut headers = vec!["statement", "party", "stance", "date", "speaker", "words", "figure", "source"];
    let used: Vec<String> = statements.iter().map(|row| names::used(&gazetteer, &row[5])).collect();
    if used.iter().any(|u| !u.is_empty()) {
        headers.push("names used");
        for (row, used) in statements.iter_mut().zip(used) {
            row.push(used);
        }
    }
    super::print_section("Statements", &headers, statements.clone())?;
    let texts = std::iter::once(claim.text.as_str()).chain(statements.iter().map(|row| row[5].as_str()));
    let places = gazetteer.places_in(texts);
    if !places.is_empty() {
        let mut rows = Vec::new();
        for place in places {
            let names = gazetteer.place_names(place);
            let mut lines: Vec<(String, String)> = names
                .by_party
                .iter()
                .map(|(user, texts)| (user.code.clone(), texts.join(", ")))
                .collect();
            if !names.reference.is_empty() {
                lines.push(("reference".to_string(), names.reference.join(", ")));
            }
            if !names.other.is_empty() {
                lines.push(("no party recorded".to_string(), names.other.join(", ")));
            }
            for (i, (whose, texts)) in lines.into_iter().enumerate() {
                rows.push(vec![if i == 0 { names.place.clone() } else { String::new() }, whose, texts]);
            }
        }
        super::print_section(
            "Places the claim and its statements name, and each party's name for them",
            &["place", "used by", "names"],
            rows,
        )?;
    }
    super::print_section(
        "Evidence",
        &["evidence", "relation", "credibility", "grade", "source", "excerpt", "locator"],
        case.claim_evidence(id, include)?,
    )?;
    let hypotheses: Vec<Vec<String>> = case
        .hypotheses(id)?
        .into_iter()
        .map(|h| vec![format_handle(Kind::Hypothesis, h.id), h.text])
        .collect();
    let weighed = if hypotheses.len() >= 2 {
        format!("Hypotheses (weighed by `crosscheck ach {}`)", format_handle(Kind::Claim, id))
    } else {
        "Hypotheses".to_string()
    };
    super::print_section(&weighed, &["hypothesis", "text"], hypotheses)?;
    super::print_history(case, Kind::Claim, id, "History")
}

/// `claim show --format json`: the claim and its sections as one object.
fn show_object(case: &Case, text: &str, scope: super::ScopeArgs, format: super::ShowFormat) -> Result<()> {
    let id = case.resolve(Kind::Claim, text)?;
    let claim: Claim = case.load(id)?;
    let mut object = serde_json::Map::new();
    object.insert("handle".into(), format_handle(Kind::Claim, id).into());
    for (name, value) in case.fields(&claim)?.0 {
        object.insert(name.into(), value.into());
    }
    let handle = format_handle(Kind::Claim, id);
    let scope = scope.scope();
    let statements = crate::store::listing::StatementFilter {
        claim: Some(handle.clone()),
        ..Default::default()
    };
    let evidence = crate::store::listing::EvidenceFilter {
        claim: Some(handle.clone()),
        ..Default::default()
    };
    let hypotheses = crate::store::listing::HypothesisFilter { claim: Some(handle) };
    object.insert(
        "statements".into(),
        super::objects::<crate::store::Statement>(|each| case.list_statements(&statements, &scope, each))?.into(),
    );
    object.insert(
        "evidence".into(),
        super::objects::<crate::store::Evidence>(|each| case.list_evidence(&evidence, &scope, each))?.into(),
    );
    object.insert(
        "hypotheses".into(),
        super::objects::<crate::store::Hypothesis>(|each| case.list_hypotheses(&hypotheses, &scope, each))?.into(),
    );
    object.insert("history".into(), super::history_objects(case, Kind::Claim, id)?.into());
    super::print_object(&serde_json::Value::Object(object), format)
}
