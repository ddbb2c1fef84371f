//! `crosscheck demo`: the shipped case, built in memory, at a glance.

use std::io::Write;

use anyhow::Result;

use super::Ctx;
use crate::domain::compare;
use crate::output::{self, Format, OutputArgs, Terminal, shorten};
use crate::store::listing::{ClaimFilter, Scope};
use crate::store::{Case, Kind, format_handle};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_: Args, _: &Ctx) -> Result<()> {
    let mut case = Case::memory()?;
    let writer = case.write(crate::seed::ANALYST)?;
    writer.load_seed()?;
    writer.commit()?;

    let mut rows = Vec::new();
    case.list_claims(&ClaimFilter::default(), &Scope::default(), &mut |id, cells| {
        let field = |name: &str| {
            let at = crate::store::listing::columns::<crate::store::Claim>()
                .iter()
                .position(|(n, _)| n == name);
            at.map(|i| cells[i].text()).unwrap_or_default()
        };
        let slug = field("slug");
        let name = if slug.is_empty() {
            format_handle(Kind::Claim, id)
        } else {
            format!("{} {slug}", format_handle(Kind::Claim, id))
        };
        rows.push(vec![
            name,
            shorten(&field("text"), 90),
            field("status"),
            shorten(&field("reason"), 120),
        ]);
        Ok(())
    })?;
    let claims = rows.len();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Joining Forces: Russia and China are Fostering Military Cooperation (2019)\n{claims} claims and their verdicts\n"
    )?;
    writeln!(
        out,
        "{}",
        output::render_table(&["claim", "text", "verdict", "reason"], rows.into_iter(), Terminal::detect())
    )?;
    writeln!(
        out,
        "\nContested claims side by side:\nwhat each party said, when, and where it is recorded\n"
    )?;
    drop(out);
    let plan = compare::plan(&case, compare::Claims::Contested, Some("RU,CN,JP,KR,others"))?;
    let gazetteer = crate::domain::names::Gazetteer::load(&case)?;
    super::compare::print(
        &case,
        &plan,
        Some(&gazetteer),
        &OutputArgs {
            format: Format::Table,
            raw_cells: false,
            expanded: false,
        },
    )?;
    crate::say!("\nFull texts and reasons: `crosscheck init --seed`, then `crosscheck claim show C6`.");
    crate::say!("This case was built in memory; nothing was written. `crosscheck init --seed` creates a case file with it.");
    crate::say!(
        "(Not installed yet? `cargo install --path .` puts `crosscheck` on your PATH; or run `cargo run --release -- init --seed`.)"
    );
    Ok(())
}
