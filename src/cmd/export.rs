//! `crosscheck export claimreview`: verdicts as schema.org ClaimReview
//! JSON-LD, for search engines and fact-check aggregators.

use std::path::PathBuf;

use anyhow::Result;
use serde_json::{Value, json};

use super::Ctx;
use crate::atomic::{Replaces, Target};
use crate::error::UserError;
use crate::model::{Status, parse_date};
use crate::report::{anchor, web_address};
use crate::store::{Case, Claim, Kind, format_handle};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub format: ExportFormat,
}

impl Args {
    /// The file the export goes to, if not stdout.
    pub fn output(&self) -> Option<&std::path::Path> {
        match &self.format {
            ExportFormat::Claimreview(args) => args.output.as_deref(),
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportFormat {
    /// schema.org ClaimReview JSON-LD for claims with a verdict: one array of reviews, safe to paste into a <script type="application/ld+json"> element.
    #[command(
        name = "claimreview",
        after_help = "Verdicts become ratings on a scale from 1 (worst, false) to 5 (best, true): supported 5, misleading 2, refuted 1. Disputed and unverifiable claims get only the rating's words (alternateName), no number: they are not points on a scale of truth. Unverified and in-review claims have no verdict and are never exported.\n\nExamples:\n  crosscheck export claimreview --url-base https://desk.example/vostok-2018/ \\\n    --publisher-name \"Example Desk\"\n  crosscheck export claimreview C6 C13 \\\n    --url-base \"https://desk.example/report.html#\" \\\n    --publisher-name \"Example Desk\" \\\n    --publisher-url https://desk.example \\\n    --claim-author \"Joining Forces (2019)\" --output claimreview.json"
    )]
    Claimreview(ClaimReviewArgs),
}

#[derive(Debug, clap::Args)]
pub struct ClaimReviewArgs {
    /// Claims to export (C3, slugs or UUIDs). Default: every claim marked supported, misleading, refuted or disputed.
    pub claims: Vec<String>,
    /// Where the reviews are published. Each review's url is this address and the claim's slug (or handle); end it with # when one page holds all reviews, as an HTML report does. Required: ClaimReview must give the page of the review.
    #[arg(long, value_name = "URL")]
    pub url_base: Option<String>,
    /// Who publishes the reviews: the review's author, an organization.
    #[arg(long, value_name = "NAME")]
    pub publisher_name: Option<String>,
    /// The publisher's web address (with --publisher-name).
    #[arg(long, value_name = "URL")]
    pub publisher_url: Option<String>,
    /// Who made the claims, when the same for all: an outlet, or a person with --claim-author-kind person.
    #[arg(long, value_name = "NAME")]
    pub claim_author: Option<String>,
    /// Whether --claim-author is an organization or a person.
    #[arg(long, value_enum, default_value_t = AuthorKind::Organization)]
    pub claim_author_kind: AuthorKind,
    /// The day the reviews were published: YYYY-MM-DD. Default: the day each verdict was set.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Include claims marked unverifiable, which are left out by default: many are opinions or forecasts, not claims a fact check rates.
    #[arg(long)]
    pub include_unverifiable: bool,
    /// Write to FILE, atomically, instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What the author of the claims is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthorKind {
    Organization,
    Person,
}

/// The rating a verdict gives, on the scale WORST to BEST, and its words.
/// Verdicts that are not points on a scale of truth get words only.
pub fn rating(status: Status) -> Option<(Option<u8>, &'static str)> {
    match status {
        Status::Supported => Some((Some(5), "Supported")),
        Status::Misleading => Some((Some(2), "Misleading")),
        Status::Refuted => Some((Some(1), "Refuted")),
        Status::Disputed => Some((None, "Disputed")),
        Status::Unverifiable => Some((None, "Unverifiable")),
        Status::Unverified | Status::InReview => None,
    }
}

const BEST: u8 = 5;
const WORST: u8 = 1;

pub fn run(args: Args, case: &mut Case, ctx: &Ctx) -> Result<()> {
    match args.format {
        ExportFormat::Claimreview(args) => claimreview(args, case, ctx),
    }
}

fn claimreview(args: ClaimReviewArgs, case: &Case, ctx: &Ctx) -> Result<()> {
    let target = args
        .output
        .as_deref()
        .map(|path| Target::new("--output", path, &ctx.db, Replaces::NoCase))
        .transpose()?;
    let url_base = match args.url_base.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(UserError::missing(
                "url-base",
                "ClaimReview must give the address of the page that publishes each review; give --url-base https://... (each review's url is that address and the claim's slug)",
            )
            .into());
        }
        Some(base) => web_address(base)
            .ok_or_else(|| UserError::invalid("url-base", base, "allowed: an http:// or https:// address without spaces"))?,
    };
    let publisher_url = match args.publisher_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(url) => Some(
            web_address(url)
                .ok_or_else(|| UserError::invalid("publisher-url", url, "allowed: an http:// or https:// address without spaces"))?,
        ),
    };
    let publisher = args.publisher_name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if publisher.is_none() && publisher_url.is_some() {
        return Err(UserError::missing(
            "publisher-name",
            "--publisher-url belongs to a publisher: give its name with --publisher-name",
        )
        .into());
    }
    let date = args.date.as_deref().map(|d| parse_date("date", d)).transpose()?;

    let ids: Vec<i64> = if args.claims.is_empty() {
        let mut wanted = vec![Status::Supported, Status::Misleading, Status::Refuted, Status::Disputed];
        if args.include_unverifiable {
            wanted.push(Status::Unverifiable);
        }
        case.claims_with_status(&wanted)?
    } else {
        args.claims.iter().map(|c| case.resolve(Kind::Claim, c)).collect::<Result<_>>()?
    };

    let mut reviews = Vec::new();
    for id in ids {
        let claim: Claim = case.load(id)?;
        let handle = format_handle(Kind::Claim, id);
        if !claim.retracted.is_empty() {
            return Err(UserError::Usage(format!(
                "{handle} is retracted ({}): a withdrawn claim is not published; restore it first, or leave it out",
                crate::output::inert(&claim.retracted)
            ))
            .into());
        }
        let Some((value, words)) = rating(claim.status) else {
            return Err(UserError::Usage(format!(
                "{handle} has no verdict yet ({}); ClaimReview is for claims with a verdict: mark it first, or leave it out",
                claim.status
            ))
            .into());
        };
        let mut rating = json!({"@type": "Rating", "alternateName": words});
        if let Some(value) = value {
            rating["ratingValue"] = value.into();
            rating["bestRating"] = BEST.into();
            rating["worstRating"] = WORST.into();
        }
        if !claim.reason.is_empty() {
            rating["ratingExplanation"] = claim.reason.clone().into();
        }
        let mut item = json!({"@type": "Claim"});
        // Who made the claim: the case's claimant, else --claim-author.
        let author = Some(claim.claimant.trim())
            .filter(|a| !a.is_empty())
            .or_else(|| args.claim_author.as_deref().map(str::trim).filter(|a| !a.is_empty()));
        if let Some(author) = author {
            let kind = match args.claim_author_kind {
                AuthorKind::Organization => "Organization",
                AuthorKind::Person => "Person",
            };
            item["author"] = json!({"@type": kind, "name": author});
        }
        if !claim.claimed_on.is_empty() {
            item["datePublished"] = claim.claimed_on.clone().into();
        }
        let appeared = claim.appeared_in.trim();
        if let Some(url) = web_address(appeared) {
            item["appearance"] = json!({"@type": "CreativeWork", "url": url});
        } else if !appeared.is_empty() {
            item["appearance"] = json!({"@type": "CreativeWork", "name": appeared});
        }
        let key = claim.slug.clone().unwrap_or_else(|| handle.clone());
        let separator = if url_base.ends_with(['/', '#', '=']) { "" } else { "/" };
        let mut review = json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": format!("{url_base}{separator}{}", anchor(&key)),
            "claimReviewed": claim.text,
            "itemReviewed": item,
            "reviewRating": rating,
        });
        let published = date
            .clone()
            .unwrap_or_else(|| claim.status_at.get(..10).unwrap_or(&claim.status_at).to_string());
        if !published.is_empty() {
            review["datePublished"] = published.into();
        }
        if let Some(name) = publisher {
            let mut author = json!({"@type": "Organization", "name": name});
            if let Some(url) = publisher_url {
                author["url"] = url.into();
            }
            review["author"] = author;
        }
        reviews.push(review);
    }
    if publisher.is_none() {
        crate::say!("note: no --publisher-name, so the reviews have no author; Google recommends one");
    }
    crate::say!("wrote {} ClaimReview{}", reviews.len(), if reviews.len() == 1 { "" } else { "s" });
    let text = script_safe(&serde_json::to_string_pretty(&Value::Array(reviews))?);
    crate::report::write_to(target.as_ref(), |out| {
        writeln!(out, "{text}")?;
        Ok(())
    })
}

/// JSON that can sit inside an HTML script element: the characters that
/// could close it or start markup are written as \u escapes. They only ever
/// occur inside strings, where the escape means the same.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_run_from_worst_false_to_best_true() {
        assert_eq!(rating(Status::Supported), Some((Some(BEST), "Supported")));
        assert_eq!(rating(Status::Refuted), Some((Some(WORST), "Refuted")));
        assert_eq!(rating(Status::Misleading), Some((Some(2), "Misleading")));
        assert_eq!(rating(Status::Disputed), Some((None, "Disputed")));
        assert_eq!(rating(Status::Unverified), None);
        assert_eq!(rating(Status::InReview), None);
    }

    #[test]
    fn json_can_sit_in_a_script_element() {
        let text = script_safe(&serde_json::to_string(&json!({"a": "</script><b>&"})).unwrap());
        assert_eq!(text, r#"{"a":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["a"], "</script><b>&");
    }
}
